/* cli/cli.c: helpers shared by the subcommands (paths, page files, printing). Only cli/ prints. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("moonwire: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
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
    gzFile g = strcmp(path, "-") ? gzopen(path, "rb") : gzdopen(dup(0), "rb");
    if (!g) {
        snprintf(msg, cap, "%s: %s", path, strerror(errno ? errno : ENOENT));
        return -1;
    }
    gzbuffer(g, 1 << 16);
    size_t n = 0, sz = 1 << 16;
    char *buf = malloc(sz + 1);
    while (buf) {
        if (n == sz) {
            if (sz >= max)
                break;
            sz = sz * 2 > max ? max : sz * 2;
            char *p = realloc(buf, sz + 1);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
        }
        int got = gzread(g, buf + n, (unsigned)(sz - n));
        if (got < 0) {
            int e;
            snprintf(msg, cap, "%s: %s", path, gzerror(g, &e));
            free(buf);
            gzclose(g);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    int more = buf && n == max && !gzeof(g);
    gzclose(g);
    if (!buf) {
        snprintf(msg, cap, "%s: out of memory", path);
        return -1;
    }
    if (more) {
        snprintf(msg, cap, "%s: larger than %zu bytes", path, max);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
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

struct mw_runner *cli_runner(int generic, const char *rule, int explain)
{
    struct mw_runner_opts o;
    mw_runner_opts_default(&o);
    o.generic_only = generic;
    o.rule = rule;
    o.explain = explain;
    o.scripts_dir = cli_scripts_dir();
    o.rule_dirs = cli_rule_dirs();
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
    return r;
}
