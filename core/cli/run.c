/* cli/run.c: `moonwire run CONFIG` — one scheduled pass (or one every --every period): loads the config and
 * the rules, runs run/crawl.c, prints progress, JSONL records and the summary table. Stops cleanly on
 * SIGTERM/SIGINT after the pages in flight. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <sys/ioctl.h>
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
          "(robots.txt, one connection and a delay per host, many hosts at once), extracts it (on limits.workers\n"
          "threads, one per core by default, so fetching never waits) and stores it in\n"
          "the SQLite store (its folder is created). What a killed or cut-short pass left queued is fetched by\n"
          "the next one. For cron and systemd timers run it as is; --every keeps it running.\n\n"
          "  --every DURATION   run a pass every DURATION (\"15m\", \"1h30m\", \"30s\") until SIGTERM or SIGINT;\n"
          "                     after each pass the next one's start time is printed\n"
          "  --schedule         the same, with the config's `every`\n"
          "  --jsonl            print every record (articles and errors) to stdout as JSON lines\n"
          "  --store STORE      use this store instead of the config's `store`: a SQLite file, or\n"
          "                     postgresql://user@host/db (the postgres plugin; many machines can share it)\n"
          "  --worker           join a crawl shared by many workers over one store: each source is read by\n"
          "                     one worker per limits.source_period, hosts are fetched at the configured rate\n"
          "                     over all workers together, and the pass ends when no worker has work left\n"
          "                     (see `moonwire status`). Pages are always leased (limits.lease), so two runs\n"
          "                     on one store never fetch the same page\n"
          "  --resolve H:P:ADDR[:PORT]  add a resolve entry (as curl --resolve / --connect-to); repeatable\n"
          "  -q, --quiet        no per-page lines or progress; only the summary\n"
          "  -h, --help         this text\n\n"
          "The whole config is checked before anything is fetched; a problem is reported as\n"
          "CONFIG: sources[5].listing: why. Every pass ends: limits.timeout per request, limits.host_time and\n"
          "limits.host_failures per host (a host that keeps failing, or whose robots.txt cannot be had, is parked\n"
          "for the pass with one error record), limits.pass_time for the whole pass (default 1h; then the\n"
          "transfers in flight are dropped and the rest stays queued).\n\n"
          "On a terminal a progress line shows pages done and queued, errors, the rate and per-outlet counts;\n"
          "otherwise each page is one line on stderr. Each pass ends with a table (outlet, pages, articles,\n"
          "errors, skipped), one line per failure, and the fields of a rule that look like a layout change (the\n"
          "rule used to fill them and now mostly does not; `moonwire rules --store` lists them too).\n"
          "SIGTERM/SIGINT: no new transfers start, the ones in flight finish and are stored, then exit.\n\n"
          "Exit status: 0 when the pass stored every page it fetched as an article; 1 when it made any error record\n"
          "(a page, a source, a parked host) or the store, a sink or the rules cannot be opened; 2 on usage and\n"
          "config errors. With --every, the status of the last pass (of the one before it when the signal cut\n"
          "the last one short before it made an error record).\n", f);
}

#define FAILS_SHOWN 20   /* failure lines in a summary; the rest are counted (all of them are in fetch_log) */

struct view {
    int tty, quiet, jsonl;
    double t0, last_draw;
    struct mw_crawl *crawl;
    FILE *summary;
    char *fails[FAILS_SHOWN];   /* this pass's first failures, "outlet: message" */
    long nfails;
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int term_cols(void)
{
    struct winsize ws;
    if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    int n = c ? atoi(c) : 0;
    return n >= 20 ? n : 80;
}

/* Cut s (UTF-8) to at most cols display columns (one a code point). */
static void fit(char *s, int cols)
{
    int n = 0;
    for (char *p = s; *p; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue;
        if (n++ == cols) {
            *p = '\0';
            return;
        }
    }
}

/* One line, never wider than the terminal less one column, so it neither wraps nor leaves a tail: the
 * totals first, then per-outlet counts as far as they fit. */
static void draw_progress(struct view *v, const struct mw_crawl_event *ev)
{
    double el = mono() - v->t0;
    char line[1024];
    int n = snprintf(line, sizeof line, "%ld done, %ld queued, %ld in flight, %ld errors, %.1f/s |", ev->done,
                     ev->queued, ev->inflight, ev->errors, el > 0 ? (double)ev->done / el : 0.0);
    size_t no = mw_crawl_outlet_count(v->crawl);
    for (size_t i = 0; i < no && n > 0 && (size_t)n < sizeof line - 80; i++) {
        const struct mw_crawl_outlet *o = mw_crawl_outlet_at(v->crawl, i);
        n += snprintf(line + n, sizeof line - (size_t)n, " %.40s %ld", o->name, o->pages);
    }
    fit(line, term_cols() - 1);
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

static void note_failure(struct view *v, const struct mw_crawl_event *ev)
{
    if (v->nfails < FAILS_SHOWN) {
        size_t n = strlen(ev->error) + (ev->outlet ? strlen(ev->outlet) : 1) + 4;
        char *s = malloc(n);
        if (s)
            snprintf(s, n, "%s: %s", ev->outlet ? ev->outlet : "-", ev->error);
        v->fails[v->nfails] = s;
    }
    v->nfails++;
}

static void clear_failures(struct view *v)
{
    for (long i = 0; i < v->nfails && i < FAILS_SHOWN; i++)
        free(v->fails[i]);
    v->nfails = 0;
}

static void on_event(void *ctx, const struct mw_crawl_event *ev)
{
    struct view *v = ctx;
    if (v->jsonl && ev->record_json) {
        fputs(ev->record_json, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    if (ev->error)
        note_failure(v, ev);
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

/* "1h30m", "2s": a wait as a person reads it. */
static void human(long long secs, char out[40])
{
    int n = 0;
    if (secs >= 86400)
        n += snprintf(out + n, (size_t)(40 - n), "%lldd", secs / 86400);
    if (secs % 86400 >= 3600)
        n += snprintf(out + n, (size_t)(40 - n), "%lldh", secs % 86400 / 3600);
    if (secs % 3600 >= 60)
        n += snprintf(out + n, (size_t)(40 - n), "%lldm", secs % 3600 / 60);
    if (secs % 60 || !n)
        snprintf(out + n, (size_t)(40 - n), "%llds", secs % 60);
}

static void summary_alerts(FILE *f, struct mw_crawl *c)
{
    for (size_t i = 0; i < mw_crawl_alert_count(c); i++) {
        const struct mw_crawl_alert *a = mw_crawl_alert_at(c, i);
        fprintf(f, "probable layout change: %s %s: the rule filled %ld of %ld pages this pass (%ld from "
                   "meta/generic, %ld empty), %ld of %ld before; e.g. %s\n", a->rule, a->field, a->rule_n, a->pages,
                a->fallback_n, a->empty_n, a->before_rule, a->before_pages, a->example_url ? a->example_url : "-");
    }
}

static void summary(struct view *v, struct mw_crawl *c, const struct mw_run_config *cfg)
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
    fprintf(f, "%-*s %7ld %9ld %7ld %8ld\n", (int)w, "total", pages, articles, errors, mw_crawl_skipped(c));
    fprintf(f, "%.1f s, %.1f pages/s\n", secs, secs > 0 ? (double)pages / secs : 0.0);
    const char *why = mw_crawl_stopped_by(c);
    if (why && !strcmp(why, "pass_time")) {
        char d[40];
        if (cfg->pass_time_ms % 1000)
            snprintf(d, sizeof d, "%lldms", cfg->pass_time_ms);
        else
            human(cfg->pass_time_ms / 1000, d);
        fprintf(f, "stopped at limits.pass_time (%s): %ld pages left queued for the next pass\n", d,
                mw_crawl_left_queued(c));
    }
    if (v->nfails) {
        fprintf(f, "%ld failure%s:\n", v->nfails, v->nfails == 1 ? "" : "s");
        for (long i = 0; i < v->nfails && i < FAILS_SHOWN; i++)
            fprintf(f, "  %s\n", v->fails[i] ? v->fails[i] : "(out of memory)");
        if (v->nfails > FAILS_SHOWN)
            fprintf(f, "  ... and %ld more (the store's fetch_log has every one)\n", v->nfails - FAILS_SHOWN);
    }
    summary_alerts(f, c);
    fflush(f);
}

static void say_next(int pass, double took, double wait_s)
{
    char ts[32], in[40];
    time_t t = time(NULL) + (time_t)(wait_s + 0.5);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    human((long long)(wait_s + 0.5), in);
    if (wait_s > 0)
        fprintf(stderr, "moonwire: pass %d done in %.1f s; next pass at %s (in %s)\n", pass, took, ts, in);
    else
        fprintf(stderr, "moonwire: pass %d done in %.1f s; next pass now (this one took longer than the period)\n",
                pass, took);
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

struct run_opts {
    const char *every, *store;
    int worker, schedule, nresolve;
    const char *resolve[65];
};

/* The options into o and v (--jsonl, --quiet). -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct run_opts *o, struct view *v)
{
    static const struct option opts[] = {
        {"every", required_argument, 0, 'e'}, {"schedule", no_argument, 0, 'S'}, {"jsonl", no_argument, 0, 'j'},
        {"store", required_argument, 0, 's'}, {"resolve", required_argument, 0, 'R'},
        {"worker", no_argument, 0, 'W'}, {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'e': o->every = optarg; break;
        case 'S': o->schedule = 1; break;
        case 'j': v->jsonl = 1; break;
        case 's': o->store = optarg; break;
        case 'R':
            if (cli_push(o->resolve, &o->nresolve, 64, optarg, "run", "--resolve entries"))
                return EXIT_USAGE;
            break;
        case 'W': o->worker = 1; break;
        case 'q': v->quiet = 1; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("run: give exactly one CONFIG file");
        help(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* The config with the options applied, and the period (0: one pass); NULL after printing why, *rc the status. */
static struct mw_run_config *load_config(const struct run_opts *o, const char *path, long long *period_ms,
                                         struct mw_err *err, int *rc)
{
    *rc = EXIT_USAGE;
    if (o->every && (mw_run_duration_ms(o->every, period_ms) || *period_ms < 1000)) {
        cli_error("run: --every wants a duration of at least 1s, such as 15m or 1h30m (got \"%s\")", o->every);
        return NULL;
    }
    struct mw_run_config *cfg = mw_run_config_load(path, err);
    if (!cfg) {
        cli_error("%s", err->msg);
        return NULL;
    }
    if (o->schedule && !o->every) {
        if (cfg->every_s <= 0) {
            cli_error("run: --schedule needs `every` in %s", path);
            mw_run_config_free(cfg);
            return NULL;
        }
        *period_ms = cfg->every_s * 1000;
    }
    for (int i = 0; i < o->nresolve; i++)
        if (add_resolve(cfg, o->resolve[i])) {
            cli_error("run: out of memory");
            mw_run_config_free(cfg);
            *rc = 1;
            return NULL;
        }
    if (o->store) {
        char *s = strdup(o->store);
        if (s) {
            free(cfg->store);
            cfg->store = s;
        }
    }
    return cfg;
}

/* The runner for cfg's rules (ro and *dirs must outlive it); the rules that did not load are listed. NULL
 * after printing why. */
static struct mw_runner *runner_for(const struct mw_run_config *cfg, struct mw_runner_opts *ro, const char ***dirs,
                                    struct mw_err *err)
{
    mw_runner_opts_default(ro);
    ro->scripts_dir = cli_scripts_dir();
    ro->explain = 1;   /* where each field came from: the crawl counts it for layout-change alerts */
    ro->page_seconds = (double)cfg->page_time_ms / 1000;   /* limits.page_time */
    cli_runner_lazy(ro);   /* 10,000 rules cost a scan each until their outlet's pages come */
    *dirs = rule_dirs(cfg);
    ro->rule_dirs = *dirs;
    struct mw_runner *runner = mw_runner_new(ro, err);
    if (!runner) {
        cli_error("%s", err->msg);
        return NULL;
    }
    const json_t *lerr = mw_runner_load_errors(runner);
    size_t i;
    json_t *e;
    json_array_foreach(lerr, i, e) cli_error("rule not loaded: %s", json_string_value(e));
    return runner;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;   /* a second signal ends the process at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void say_pass(int pass, const struct mw_run_config *cfg)
{
    char ts[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(stderr, "moonwire: pass %d at %s, store %s\n", pass, ts, cfg->store);
}

/* Sleep to the next period boundary in short steps, so a signal ends the wait at once. */
static void wait_next(int pass, double start, long long period_ms)
{
    double next = start + (double)period_ms / 1000.0;
    if (!g_stop)
        say_next(pass, mono() - start, next - mono());
    while (!g_stop && mono() < next) {
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* One pass, its summary and its status in *rc, then the wait for the next one. 0 to go on, -1 to stop. */
static int run_pass(struct view *v, const struct mw_crawl_opts *co, int pass, long long period_ms,
                    struct mw_err *err, int *rc)
{
    double start = mono();
    struct mw_crawl *crawl = mw_crawl_new(co, err);
    if (!crawl) {
        cli_error("%s", err->msg);
        *rc = !strcmp(err->stage, "config") ? EXIT_USAGE : 1;
        return -1;
    }
    v->crawl = crawl;
    v->t0 = start;
    if (!v->quiet && (period_ms || v->tty))
        say_pass(pass, co->cfg);
    long errors = 0;
    int fatal = mw_crawl_run(crawl, err);
    if (fatal)
        cli_error("%s", err->msg);
    if (v->tty && !v->quiet)
        fputs("\r\033[K", stderr);
    summary(v, crawl, co->cfg);
    clear_failures(v);
    mw_crawl_totals(crawl, NULL, NULL, &errors, NULL);
    /* a pass the signal cut short keeps the status of the pass before it, unless it already failed */
    const char *why = mw_crawl_stopped_by(crawl);
    int cut = pass > 1 && why && !strcmp(why, "signal");
    *rc = fatal || errors || (cut && *rc) ? 1 : 0;
    mw_crawl_free(crawl);
    v->crawl = NULL;
    if (fatal || !period_ms)
        return -1;
    wait_next(pass, start, period_ms);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = {0};
    struct view v = {0};
    int rc = parse_opts(argc, argv, &o, &v);
    if (rc >= 0)
        return rc;
    long long period_ms = 0;
    struct mw_err err = {0};
    struct mw_run_config *cfg = load_config(&o, argv[optind], &period_ms, &err, &rc);
    if (!cfg)
        return rc;
    struct mw_runner_opts ro;
    const char **dirs = NULL;
    struct mw_runner *runner = runner_for(cfg, &ro, &dirs, &err);
    if (!runner) {
        free(dirs);
        mw_run_config_free(cfg);
        return 1;
    }
    catch_signals();
    v.tty = isatty(2);
    v.summary = v.jsonl ? stderr : stdout;
    struct mw_crawl_opts co = {.cfg = cfg, .runner = runner, .plugin_dirs = plugin_dirs(), .stop = &g_stop,
                               .on_event = on_event, .ctx = &v, .runner_opts = &ro, .worker = o.worker};
    rc = 0;
    for (int pass = 1; !g_stop && !run_pass(&v, &co, pass, period_ms, &err, &rc); pass++)
        ;
    if (g_stop && !v.quiet)
        fprintf(stderr, "moonwire: stopped by signal; pages left queued are fetched by the next run\n");
    clear_failures(&v);
    mw_runner_free(runner);
    free(dirs);
    mw_run_config_free(cfg);
    return rc;
}
