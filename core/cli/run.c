/* cli/run.c: `moonwire run CONFIG` — one scheduled pass (or one every --every period): loads the config and
 * the rules, runs run/crawl.c, prints progress, JSONL records and the summary table. Stops cleanly on
 * SIGTERM/SIGINT after the pages in flight. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/config.h"
#include "run/crawl.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void help(FILE *f)
{
    fputs("usage: moonwire run [options] CONFIG\n\n"
          "Runs one crawl pass from the run config CONFIG (a Lua file returning a table; see examples/demo.lua):\n"
          "reads the outlets' feeds, sitemaps and listing pages, fetches every new article page politely\n"
          "(robots.txt, one connection and a delay per host, many hosts at once), extracts it and stores it in\n"
          "the SQLite store. What a killed run left queued is fetched by the next one. For cron and systemd\n"
          "timers run it as is; --every keeps it running.\n\n"
          "  --every DURATION   run a pass every DURATION (\"15m\", \"1h\", \"30s\") until SIGTERM or SIGINT\n"
          "  --schedule         the same, with the config's `every`\n"
          "  --jsonl            print every record (articles and errors) to stdout as JSON lines\n"
          "  --store PATH       use this SQLite file instead of the config's `store`\n"
          "  --resolve H:P:ADDR[:PORT]  add a resolve entry (as curl --resolve / --connect-to); repeatable\n"
          "  -q, --quiet        no per-page lines or progress; only the summary\n"
          "  -h, --help         this text\n\n"
          "On a terminal a progress line shows pages done and queued, per-outlet counts, errors and the rate;\n"
          "otherwise each page is one line on stderr. Each pass ends with a table: outlet, pages, articles,\n"
          "errors. SIGTERM/SIGINT: no new transfers start, the ones in flight finish and are stored, then exit 0.\n"
          "Exit status: 0 after a pass (failed pages are records, not failures), 1 when the store, a sink or the\n"
          "rules cannot be opened, 2 on usage errors.\n", f);
}

struct view {
    int tty, quiet, jsonl;
    double t0, last_draw;
    struct mw_crawl *crawl;
    FILE *summary;
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw_progress(struct view *v, const struct mw_crawl_event *ev)
{
    double el = mono() - v->t0;
    char line[512];
    int n = snprintf(line, sizeof line, "%ld done, %ld queued, %ld in flight | ", ev->done, ev->queued, ev->inflight);
    size_t no = mw_crawl_outlet_count(v->crawl);
    for (size_t i = 0; i < no && n > 0 && (size_t)n < sizeof line - 40; i++) {
        const struct mw_crawl_outlet *o = mw_crawl_outlet_at(v->crawl, i);
        n += snprintf(line + n, sizeof line - (size_t)n, "%s %ld  ", o->name, o->pages);
    }
    if (n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "| %ld errors | %.1f/s", ev->errors,
                 el > 0 ? (double)ev->done / el : 0.0);
    fprintf(stderr, "\r\033[K%.200s", line);
    fflush(stderr);
}

static void on_event(void *ctx, const struct mw_crawl_event *ev)
{
    struct view *v = ctx;
    if (v->jsonl && ev->record_json) {
        fputs(ev->record_json, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    if (v->quiet)
        return;
    if (v->tty) {
        if (ev->error) {   /* errors stay on screen above the progress line */
            fprintf(stderr, "\r\033[K%s %s\n", ev->kind, ev->error);
        }
        double now = mono();
        if (ev->error || now - v->last_draw > 0.1) {
            draw_progress(v, ev);
            v->last_draw = now;
        }
        return;
    }
    if (ev->error)
        fprintf(stderr, "%-7s %3ld %6.0fms %s  ERROR %s\n", ev->kind, ev->status, ev->ms,
                ev->outlet ? ev->outlet : "-", ev->error);
    else if (!strcmp(ev->kind, "page"))
        fprintf(stderr, "%-7s %3ld %6.0fms %s %s%s\n", ev->kind, ev->status, ev->ms, ev->outlet ? ev->outlet : "-",
                ev->url, ev->stored == 1 ? " (new)" : ev->stored == 2 ? " (revised)" : " (unchanged)");
    else if (!strcmp(ev->kind, "robots"))
        fprintf(stderr, "%-7s %3ld %6.0fms %s %s\n", ev->kind, ev->status, ev->ms, ev->outlet ? ev->outlet : "-",
                ev->url);
    else if (ev->status == 304)
        fprintf(stderr, "%-7s %3ld %6.0fms %s %s (not modified)\n", ev->kind, ev->status, ev->ms,
                ev->outlet ? ev->outlet : "-", ev->url);
    else
        fprintf(stderr, "%-7s %3ld %6.0fms %s %s (%d new URLs)\n", ev->kind, ev->status, ev->ms,
                ev->outlet ? ev->outlet : "-", ev->url, ev->found);
}

static void summary(struct view *v, struct mw_crawl *c)
{
    FILE *f = v->summary;
    long pages, articles, errors;
    double secs;
    mw_crawl_totals(c, &pages, &articles, &errors, &secs);
    size_t w = 6;
    for (size_t i = 0; i < mw_crawl_outlet_count(c); i++) {
        size_t l = strlen(mw_crawl_outlet_at(c, i)->name);
        if (l > w)
            w = l < 40 ? l : 40;
    }
    fprintf(f, "\n%-*s %7s %9s %7s %8s\n", (int)w, "outlet", "pages", "articles", "errors", "skipped");
    for (size_t i = 0; i < mw_crawl_outlet_count(c); i++) {
        const struct mw_crawl_outlet *o = mw_crawl_outlet_at(c, i);
        fprintf(f, "%-*.*s %7ld %9ld %7ld %8ld\n", (int)w, (int)w, o->name, o->pages, o->articles, o->errors,
                o->skipped);
    }
    fprintf(f, "%-*s %7ld %9ld %7ld\n", (int)w, "total", pages, articles, errors);
    fprintf(f, "%.1f s, %.1f pages/s\n", secs, secs > 0 ? (double)pages / secs : 0.0);
    fflush(f);
}

/* Plugin directories: next to the binary (build/plugins) and the installed lib dir. Static storage. */
static const char *const *plugin_dirs(void)
{
    static char a[PATH_MAX + 32], b[PATH_MAX + 32];
    static const char *dirs[3];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int k = 0;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(a, sizeof a, "%s/plugins", exe);
        snprintf(b, sizeof b, "%s/../lib/moonwire/plugins", exe);
        dirs[k++] = a;
        dirs[k++] = b;
    }
    dirs[k] = NULL;
    return dirs;
}

/* Rule directories: the config's `rules`, then $XDG_CONFIG_HOME and MOONWIRE_RULES (later ones win). */
static const char **rule_dirs(const struct mw_run_config *cfg)
{
    size_t n = 0, m = 0;
    const char *const *env = cli_rule_dirs();
    while (cfg->rule_dirs && cfg->rule_dirs[n])
        n++;
    while (env && env[m])
        m++;
    const char **out = calloc(n + m + 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = cfg->rule_dirs[i];
    for (size_t i = 0; i < m; i++)
        out[n + i] = env[i];
    return out;
}

static int add_resolve(struct mw_run_config *cfg, const char *entry)
{
    size_t n = 0;
    while (cfg->resolve && cfg->resolve[n])
        n++;
    char **p = realloc(cfg->resolve, (n + 2) * sizeof *p);
    if (!p)
        return -1;
    cfg->resolve = p;
    p[n] = strdup(entry);
    p[n + 1] = NULL;
    return p[n] ? 0 : -1;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"every", required_argument, 0, 'e'}, {"schedule", no_argument, 0, 'S'}, {"jsonl", no_argument, 0, 'j'},
        {"store", required_argument, 0, 's'}, {"resolve", required_argument, 0, 'R'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *every = NULL, *store = NULL;
    const char *resolve[65];
    int nresolve = 0, schedule = 0, c;
    struct view v = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'e': every = optarg; break;
        case 'S': schedule = 1; break;
        case 'j': v.jsonl = 1; break;
        case 's': store = optarg; break;
        case 'R':
            if (nresolve == 64) {
                cli_error("run: at most 64 --resolve entries");
                return EXIT_USAGE;
            }
            resolve[nresolve++] = optarg;
            break;
        case 'q': v.quiet = 1; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("run: give exactly one CONFIG file");
        help(stderr);
        return EXIT_USAGE;
    }
    long long period_ms = 0;
    if (every && (mw_run_duration_ms(every, &period_ms) || period_ms < 1000)) {
        cli_error("run: --every wants a duration of at least 1s, such as 15m (got \"%s\")", every);
        return EXIT_USAGE;
    }
    struct mw_err err = {0};
    struct mw_run_config *cfg = mw_run_config_load(argv[optind], &err);
    if (!cfg) {
        cli_error("%s", err.msg);
        return EXIT_USAGE;
    }
    if (schedule && !every) {
        if (cfg->every_s <= 0) {
            cli_error("run: --schedule needs `every` in %s", argv[optind]);
            mw_run_config_free(cfg);
            return EXIT_USAGE;
        }
        period_ms = cfg->every_s * 1000;
    }
    for (int i = 0; i < nresolve; i++)
        if (add_resolve(cfg, resolve[i])) {
            cli_error("run: out of memory");
            mw_run_config_free(cfg);
            return 1;
        }
    if (store) {
        char *s = strdup(store);
        if (s) {
            free(cfg->store);
            cfg->store = s;
        }
    }

    struct mw_runner_opts ro;
    mw_runner_opts_default(&ro);
    ro.scripts_dir = cli_scripts_dir();
    const char **dirs = rule_dirs(cfg);
    ro.rule_dirs = dirs;
    struct mw_runner *runner = mw_runner_new(&ro, &err);
    if (!runner) {
        cli_error("%s", err.msg);
        free(dirs);
        mw_run_config_free(cfg);
        return 1;
    }
    const json_t *lerr = mw_runner_load_errors(runner);
    size_t i;
    json_t *e;
    json_array_foreach(lerr, i, e) cli_error("rule not loaded: %s", json_string_value(e));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;   /* a second signal ends the process at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    v.tty = isatty(2);
    v.summary = v.jsonl ? stderr : stdout;
    struct mw_crawl_opts co = {cfg, runner, plugin_dirs(), &g_stop, on_event, &v};
    int rc = 0;
    for (int pass = 1; !g_stop; pass++) {
        double start = mono();
        struct mw_crawl *crawl = mw_crawl_new(&co, &err);
        if (!crawl) {
            cli_error("%s", err.msg);
            rc = !strcmp(err.stage, "config") ? EXIT_USAGE : 1;
            break;
        }
        v.crawl = crawl;
        v.t0 = start;
        if (!v.quiet && (period_ms || v.tty)) {
            char ts[32];
            time_t t = time(NULL);
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
            fprintf(stderr, "moonwire: pass %d at %s, store %s\n", pass, ts, cfg->store);
        }
        if (mw_crawl_run(crawl, &err)) {
            cli_error("%s", err.msg);
            rc = 1;
        }
        if (v.tty && !v.quiet)
            fputs("\r\033[K", stderr);
        summary(&v, crawl);
        mw_crawl_free(crawl);
        v.crawl = NULL;
        if (rc || !period_ms)
            break;
        /* sleep to the next period boundary in short steps, so a signal ends the wait at once */
        double next = start + (double)period_ms / 1000.0;
        while (!g_stop && mono() < next) {
            struct timespec ts = {0, 200 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (g_stop && !v.quiet)
        fprintf(stderr, "moonwire: stopped by signal; pages left queued are fetched by the next run\n");
    mw_runner_free(runner);
    free(dirs);
    mw_run_config_free(cfg);
    return rc;
}
