/* tests/bench/frontier.c: speed and memory of a large frontier. Discovers N URLs (default 10,000,000) over
 * 1,000 hosts the way a crawl does — normalise, add to the store's seen-set in batch transactions of 10,000,
 * queue the new ones in run/frontier.c — printing the insert rate of each tenth (wall and CPU time) and the
 * peak resident size; then adds the first tenth again (all known: nothing may be added), then resumes
 * everything from the store into a fresh frontier, as a run after a crash would. Usage: frontier [N] [STORE]
 * Exit status 1 when a count is wrong or the peak passes 1 GB; the rate is printed, never judged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "net/url.h"
#include "run/frontier.h"
#include "run/store.h"

#define RSS_LIMIT_MB 1024.0

static long vm_hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static int resume(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)outlet;
    struct mw_frontier *f = ctx;
    struct mw_host *h = mw_frontier_host(f, url, 0);
    return !h || mw_frontier_push(f, h, url, 0, MW_JOB_PAGE, tries, 0);
}

static void url_of(long i, char out[200])
{
    snprintf(out, 200, "https://www.Outlet-%ld.example/news/2026/03/%02ld/story-%ld.html?utm_source=rss", i % 1000,
             i % 28 + 1, i);
}

/* Add URLs [from, to) in batches; *added counts the new ones. 0 or -1 (printed). */
static int discover(struct mw_store *s, struct mw_frontier *f, long from, long to, long *added)
{
    struct mw_err err = {0};
    for (long i = from; i < to; i++) {
        if ((i - from) % 10000 == 0 && ((i > from && mw_store_commit(s, &err)) || mw_store_begin(s, &err)))
            break;
        char raw[200];
        url_of(i, raw);
        char *url = mw_url_normalize(raw);
        int add = 0;
        if (!url || mw_store_frontier_add(s, url, "bench", 0, 1, &add, &err)) {
            free(url);
            break;
        }
        struct mw_host *h = add ? mw_frontier_host(f, url, 0) : NULL;
        if (h && !mw_frontier_push(f, h, url, 0, MW_JOB_PAGE, 0, 0))
            (*added)++;
        free(url);
    }
    if (!err.code)
        mw_store_commit(s, &err);
    if (err.code)
        fprintf(stderr, "frontier: %s\n", err.msg);
    return err.code ? -1 : 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    char path[256];
    snprintf(path, sizeof path, "%s", argc > 2 ? argv[2] : "/tmp/mw-bench-frontier.sqlite");
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(path, &err);
    struct mw_frontier *f = mw_frontier_new(1000);
    if (!s || !f) {
        fprintf(stderr, "frontier: %s\n", err.msg);
        return 1;
    }
    printf("frontier: %ld URLs over 1000 hosts into %s, batches of 10,000 per transaction\n", n, path);
    long queued = 0, step = n / 10 > 0 ? n / 10 : n;
    double w0 = wall(), c0 = cpu();
    for (long at = 0; at < n; at += step) {
        long to = at + step < n ? at + step : n;
        double w = wall(), c = cpu();
        if (discover(s, f, at, to, &queued))
            return 1;
        double dw = wall() - w, dc = cpu() - c;
        printf("  %9ld..%9ld  %8.0f URLs/s wall  %8.0f URLs/s CPU  peak RSS %6.1f MB\n", at, to,
               (double)(to - at) / dw, (double)(to - at) / dc, (double)vm_hwm_kb() / 1024);
        fflush(stdout);
    }
    double wall_ins = wall() - w0, cpu_ins = cpu() - c0;
    long again = 0;
    if (discover(s, f, 0, step, &again))
        return 1;
    long rss1 = vm_hwm_kb();
    printf("frontier: %ld inserted in %.1f s (%.0f URLs/s wall, %.0f/s CPU), %ld queued; %ld of the first %ld added "
           "again (want 0); peak RSS %.1f MB\n", n, wall_ins, (double)n / wall_ins, (double)n / cpu_ins, queued, again,
           step, (double)rss1 / 1024);
    mw_frontier_free(f);
    /* the resume path: everything queued comes back from the store */
    f = mw_frontier_new(1000);
    double t1 = wall();
    if (!f || mw_store_frontier_pending(s, 3, resume, f, &err)) {
        fprintf(stderr, "frontier: %s\n", err.msg);
        return 1;
    }
    double t2 = wall();
    long rss2 = vm_hwm_kb();
    int ok = queued == n && again == 0 && (long)mw_frontier_queued(f) == n && rss2 < RSS_LIMIT_MB * 1024;
    printf("frontier: resumed %zu from the store in %.1f s; peak RSS %.1f MB (limit %.0f MB): %s\n",
           mw_frontier_queued(f), t2 - t1, (double)rss2 / 1024, RSS_LIMIT_MB, ok ? "ok" : "WRONG");
    mw_frontier_free(f);
    mw_store_free(s);
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    return ok ? 0 : 1;
}
