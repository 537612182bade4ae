/* tests/bench/storebench.c: the store's own ceiling for a shared crawl — T threads, each a worker with its own
 * connection (as T processes would be), doing what a worker does per page minus fetch and extract: lease a
 * batch of the frontier, then per page in one transaction store the article (a ~20 KB record, the size of a
 * news page's), write its fetch log row and complete its frontier row, commit each batch. Prints pages/s.
 * Usage: storebench STORE THREADS PAGES [BATCH]. The frontier is filled first (not timed). Exit status 1
 * when a page is stored twice or lost; the rate is printed, never judged. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/store.h"

struct job {
    const char *where;
    int id, batch;
    long pages;            /* done by this thread */
    int failed;
    char msg[600];
    char *body;            /* shared filler text */
    char (*urls)[96];      /* leased, this batch */
    int nurls;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int keep(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)outlet;
    (void)tries;
    struct job *j = ctx;
    snprintf(j->urls[j->nurls++], 96, "%s", url);
    return 0;
}

static int store_batch(struct mw_store *s, struct job *j, int64_t w, struct mw_err *err)
{
    if (mw_store_begin(s, err))
        return -1;
    char *rec = malloc(strlen(j->body) + 400);
    for (int i = 0; i < j->nurls; i++) {
        sprintf(rec, "{\"url\":\"%s\",\"title\":\"Article %d of worker %d\",\"authors\":[\"A. Writer\"],"
                "\"published\":\"2026-03-01T10:00:00Z\",\"lang\":\"en\",\"outlet\":\"bench\",\"body\":\"%s\"}",
                j->urls[i], i, j->id, j->body);
        enum mw_put put;
        int owned = 0;
        struct mw_store_fetch f = {j->urls[i], "page", "bench", "2026-03-01T10:00:00Z", NULL, 200, 20000, 5};
        if (mw_store_frontier_finish(s, w, j->urls[i], MW_FS_DONE, -1, (int64_t)time(NULL), &owned, err) ||
            !owned || mw_store_article_put_json(s, rec, "bench", "2026-03-01T10:00:00Z", &put, err) ||
            put != MW_PUT_NEW || mw_store_log(s, 1, &f, err)) {
            if (!err->code)
                mw_err_set(err, MW_EINVAL, "bench", "%s: %s", j->urls[i], owned ? "stored before" : "not leased");
            free(rec);
            mw_store_rollback(s);
            return -1;
        }
    }
    free(rec);
    return mw_store_commit(s, err);
}

static void *run(void *arg)
{
    struct job *j = arg;
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(j->where, &err);
    int64_t w = 0;
    char name[32];
    snprintf(name, sizeof name, "bench/%d", j->id);
    if (!s || mw_store_worker_join(s, name, "bench", 0, &w, &err)) {
        snprintf(j->msg, sizeof j->msg, "%s", err.msg);
        j->failed = 1;
        mw_store_free(s);
        return NULL;
    }
    j->urls = calloc((size_t)j->batch, sizeof *j->urls);
    for (;;) {
        long got = 0;
        j->nurls = 0;
        if (mw_store_frontier_lease(s, w, 3, j->batch, 600000, keep, j, &got, &err) ||
            (got && store_batch(s, j, w, &err))) {
            snprintf(j->msg, sizeof j->msg, "%s", err.msg);
            j->failed = 1;
            break;
        }
        if (!got)
            break;
        j->pages += got;
    }
    mw_store_worker_leave(s, w, &err);
    free(j->urls);
    mw_store_free(s);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: storebench STORE THREADS PAGES [BATCH]\n");
        return 2;
    }
    const char *where = argv[1];
    int threads = atoi(argv[2]), batch = argc > 4 ? atoi(argv[4]) : 64;
    long pages = atol(argv[3]);
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(where, &err);
    if (!s) {
        fprintf(stderr, "storebench: %s\n", err.msg);
        return 1;
    }
    /* the frontier: pages URLs over 100 hosts, discovered in one transaction (not timed) */
    mw_store_begin(s, &err);
    for (long i = 0; i < pages && !err.code; i++) {
        char u[96];
        int added;
        snprintf(u, sizeof u, "http://h%ld.bench/a/%ld.html", i % 100, i);
        mw_store_frontier_add(s, u, "bench", 0, (int64_t)time(NULL), &added, &err);
    }
    if (err.code || mw_store_commit(s, &err)) {
        fprintf(stderr, "storebench: %s\n", err.msg);
        mw_store_free(s);
        return 1;
    }
    char *body = malloc(20001);
    for (int i = 0; i < 20000; i++)
        body[i] = "abcdefghij klmnopqrstuvwxyz. "[i % 29];
    body[20000] = '\0';
    struct job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    double t0 = now_s();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){.where = where, .id = i, .batch = batch, .body = body};
        pthread_create(&t[i], NULL, run, &jobs[i]);
    }
    long done = 0;
    int failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        done += jobs[i].pages;
        if (jobs[i].failed) {
            fprintf(stderr, "storebench: thread %d: %s\n", i, jobs[i].msg);
            failed = 1;
        }
    }
    double secs = now_s() - t0;
    long stored = mw_store_frontier_count(s, MW_FS_DONE);
    printf("%s: %d workers, %ld pages (batches of %d): %.2f s, %.0f pages/s; %ld done in the frontier\n",
           mw_store_kind(s), threads, done, batch, secs, (double)done / secs, stored);
    if (done != pages || stored != pages) {
        fprintf(stderr, "storebench: %ld pages stored, %ld done, want %ld\n", done, stored, pages);
        failed = 1;
    }
    free(jobs);
    free(t);
    free(body);
    mw_store_free(s);
    return failed;
}
