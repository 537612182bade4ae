/* cli/cli.c: helpers shared by the subcommands (paths, page files, printing). Only cli/ prints. */
#include "cli/cli.h"
#include "common/file.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("moonwire: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_push(const char **v, int *n, int max, const char *s, const char *cmd, const char *what)
{
    if (*n >= max) {
        cli_error("%s: at most %d %s", cmd, max, what);
        return -1;
    }
    v[(*n)++] = s;
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_scripts_dir(void)
{
    static char found[PATH_MAX];
    static int done;
    if (done)
        return found[0] ? found : NULL;
    done = 1;
    const char *env = getenv("MOONWIRE_SCRIPTS");
    if (env && *env) {
        snprintf(found, sizeof found, "%s", env);
        return found;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        const char *tries[] = {"%s/../scripts", "%s/../share/moonwire/scripts", NULL};
        for (int i = 0; tries[i]; i++) {
            char p[PATH_MAX + 64];
            snprintf(p, sizeof p, tries[i], exe);
            char lib[PATH_MAX + 80];
            snprintf(lib, sizeof lib, "%s/lib", p);
            if (is_dir(lib) && realpath(p, found))
                return found;
        }
    }
    if (is_dir("scripts/lib") && realpath("scripts", found))
        return found;
    found[0] = '\0';
    return NULL;
}

const char *cli_shared_outlets(void)
{
    static char found[PATH_MAX];
    const char *sd = cli_scripts_dir();
    char p[PATH_MAX + 64];
    if (sd) {   /* the rules' project: scripts/../ is its root, ../shared its sibling */
        snprintf(p, sizeof p, "%s/../../shared/corpus/outlets", sd);
        if (is_dir(p) && realpath(p, found))
            return found;
    }
    return is_dir("../shared/corpus/outlets") ? "../shared/corpus/outlets" : NULL;
}

const char *const *cli_rule_dirs(void)
{
    static char *dirs[32];
    static int done;
    if (done)
        return (const char *const *)dirs;
    done = 1;
    int n = 0;
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char p[PATH_MAX];
    if (xdg && *xdg)
        snprintf(p, sizeof p, "%s/moonwire/rules", xdg);
    else if (home)
        snprintf(p, sizeof p, "%s/.config/moonwire/rules", home);
    else
        p[0] = '\0';
    if (p[0] && is_dir(p))
        dirs[n++] = strdup(p);
    const char *env = getenv("MOONWIRE_RULES");
    if (env) {
        char *copy = strdup(env), *save = NULL;
        for (char *t = strtok_r(copy, ":", &save); t && n < 31; t = strtok_r(NULL, ":", &save))
            dirs[n++] = strdup(t);
        free(copy);
    }
    dirs[n] = NULL;
    return (const char *const *)dirs;
}

int cli_read_page(const char *path, size_t max, char **out, size_t *len, char *msg, size_t cap)
{
    struct mw_err err = {0};
    if (mw_file_read(path, max, out, len, &err)) {
        snprintf(msg, cap, "%s", err.msg);
        return -1;
    }
    return 0;
}

static int strv_push(char ***v, size_t *n, const char *s, size_t len)
{
    char **p = realloc(*v, (*n + 2) * sizeof *p);
    if (!p)
        return -1;
    *v = p;
    if (!(p[*n] = strndup(s, len)))
        return -1;
    p[++*n] = NULL;
    return 0;
}

void cli_strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

char **cli_inputs(int argc, char **argv, int from, const char *list, char *msg, size_t cap)
{
    char **v = calloc(1, sizeof *v);
    size_t n = 0;
    for (int i = from; v && i < argc; i++)
        if (strv_push(&v, &n, argv[i], strlen(argv[i]))) {
            cli_strv_free(v);
            v = NULL;
        }
    char *text = NULL;
    size_t len = 0;
    if (v && list && cli_read_page(list, 64u << 20, &text, &len, msg, cap)) {
        cli_strv_free(v);
        return NULL;
    }
    for (const char *p = text; v && p && p < text + len;) {
        const char *e = memchr(p, '\n', (size_t)(text + len - p));
        const char *end = e ? e : text + len;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        const char *q = end;
        while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
            q--;
        if (q > p && *p != '#' && strv_push(&v, &n, p, (size_t)(q - p))) {
            cli_strv_free(v);
            v = NULL;
        }
        p = end + 1;
    }
    free(text);
    if (!v)
        snprintf(msg, cap, "out of memory");
    return v;
}

void cli_print_record(const json_t *rec)
{
    char *s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    fflush(stdout);
}

void cli_runner_opts(int generic, const char *rule, int explain, struct mw_runner_opts *o)
{
    mw_runner_opts_default(o);
    o->generic_only = generic;
    o->rule = rule;
    o->explain = explain;
    o->scripts_dir = cli_scripts_dir();
    o->rule_dirs = cli_rule_dirs();
}

struct mw_runner *cli_runner(int generic, const char *rule, int explain)
{
    struct mw_runner_opts o;
    mw_runner_opts_default(&o);
    return cli_runner_timed(generic, rule, explain, o.page_seconds, 0);
}

static void report_load_error(void *ctx, const char *msg)
{
    (void)ctx;
    cli_error("rule not loaded: %s", msg);
}

void cli_runner_lazy(struct mw_runner_opts *o)
{
    o->lazy = 1;
    o->on_load_error = report_load_error;
}

struct mw_runner *cli_runner_timed(int generic, const char *rule, int explain, double page_seconds, int lazy)
{
    struct mw_runner_opts o;
    cli_runner_opts(generic, rule, explain, &o);
    o.page_seconds = page_seconds;
    if (lazy)
        cli_runner_lazy(&o);
    if (!o.scripts_dir && !generic)
        cli_error("warning: no scripts/ directory found (set MOONWIRE_SCRIPTS); using the generic extractor only");
    struct mw_err err = {0};
    struct mw_runner *r = mw_runner_new(&o, &err);
    if (!r) {
        cli_error("%s", err.msg);
        return NULL;
    }
    const json_t *errs = mw_runner_load_errors(r);
    size_t i;
    json_t *v;
    json_array_foreach(errs, i, v) cli_error("rule not loaded: %s", json_string_value(v));
    json_array_foreach(mw_runner_load_notes(r), i, v) cli_error("warning: %s", json_string_value(v));
    return r;
}
