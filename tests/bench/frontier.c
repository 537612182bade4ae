/* tests/bench/frontier.c: memory of a large frontier. Discovers N URLs (default 1,000,000) over 1,000 hosts the
 * way a crawl does — normalise, add to the store's seen-set in batches of 10,000 per transaction, queue the
 * new ones in run/frontier.c — then resumes them all from the store into a fresh frontier, as a run after a
 * crash would. Prints the time and the peak resident size (VmHWM). Usage: frontier [N] [STORE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/url.h"
#include "run/frontier.h"
#include "run/store.h"

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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int resume(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)outlet;
    struct mw_frontier *f = ctx;
    struct mw_host *h = mw_frontier_host(f, url, 0);
    return !h || mw_frontier_push(f, h, url, 0, MW_JOB_PAGE, tries, 0);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char path[256];
    snprintf(path, sizeof path, "%s", argc > 2 ? argv[2] : "/tmp/mw-bench-frontier.sqlite");
    unlink(path);
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(path, &err);
    struct mw_frontier *f = mw_frontier_new(1000);
    if (!s || !f) {
        fprintf(stderr, "frontier: %s\n", err.msg);
        return 1;
    }
    double t0 = now();
    long queued = 0;
    for (long i = 0; i < n; i++) {
        if (i % 10000 == 0 && (i ? mw_store_commit(s, &err) : 0) + mw_store_begin(s, &err)) {
            fprintf(stderr, "frontier: %s\n", err.msg);
            return 1;
        }
        char raw[200];
        snprintf(raw, sizeof raw, "https://www.Outlet-%ld.example/news/2026/03/%02ld/story-%ld.html?utm_source=rss",
                 i % 1000, i % 28 + 1, i);
        char *url = mw_url_normalize(raw);
        int added = 0;
        if (!url || mw_store_frontier_add(s, url, "bench", 0, 1, &added, &err)) {
            fprintf(stderr, "frontier: %s\n", err.msg);
            return 1;
        }
        struct mw_host *h = added ? mw_frontier_host(f, url, 0) : NULL;
        if (h && !mw_frontier_push(f, h, url, 0, MW_JOB_PAGE, 0, 0))
            queued++;
        free(url);
    }
    mw_store_commit(s, &err);
    double t1 = now();
    long rss1 = vm_hwm_kb();
    mw_frontier_free(f);
    /* the resume path: everything queued comes back from the store */
    f = mw_frontier_new(1000);
    if (mw_store_frontier_pending(s, 3, resume, f, &err)) {
        fprintf(stderr, "frontier: %s\n", err.msg);
        return 1;
    }
    double t2 = now();
    long rss2 = vm_hwm_kb();
    printf("frontier: %ld URLs discovered over %zu hosts in %.1f s (%.0f/s), %ld queued; peak RSS %.1f MB\n", n,
           mw_frontier_host_count(f), t1 - t0, (double)n / (t1 - t0), queued, (double)rss1 / 1024);
    printf("frontier: resumed %zu from the store in %.1f s; peak RSS %.1f MB (limit 200 MB): %s\n",
           mw_frontier_queued(f), t2 - t1, (double)rss2 / 1024, rss2 < 200 * 1024 ? "ok" : "OVER");
    mw_frontier_free(f);
    mw_store_free(s);
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    return rss2 < 200 * 1024 ? 0 : 1;
}
