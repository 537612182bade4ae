/* run/workers.h: extraction on a small pool of threads, one runner (Lua state, rules) each, so the thread
 * that submits (the crawl's curl multi loop, extract's reader) never waits on it. Finished records go to a
 * sink queue (run/sink.h) in completion order, each with the seq it was submitted with. With 0 threads the
 * caller's own runner extracts in the caller's thread, through the same path. */
#ifndef MW_WORKERS_H
#define MW_WORKERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "rules/runner.h"
#include "run/sink.h"

/* One page to extract. Owned by the pool once submitted; every field the submitter sets is freed with it
 * except user, which comes back in the record (struct mw_record.user). */
struct mw_work {
    struct mw_work *next;
    char *bytes;                 /* owned; freed as soon as the page is parsed (before its tree is walked) */
    size_t len;
    char *url;                   /* owned, may be NULL */
    char *content_type;          /* owned, may be NULL */
    const char *fetched;         /* borrowed, may be NULL: when the page was fetched (ISO 8601 UTC), for dates
                                    the page gives relative to it ("3 hours ago") */
    int keep_origin;             /* the record keeps the runner's "origin" (explain) in its text */
    int keep_bytes;              /* prepare takes bytes: kept until the record is made */
    uint64_t seq;
    void *user;
    /* Both optional, both run in the extracting thread. load fills bytes (and url) from what user names (a
     * file); on failure it returns the error record to pass on instead (or NULL: out of memory). prepare adds
     * the submitter's fields to the record before it is sealed (and may take bytes: set it NULL). */
    json_t *(*load)(struct mw_work *w, int *failed);
    void (*prepare)(struct mw_work *w, json_t *rec);
    struct mw_record *out;       /* made with the work, so handing the result over needs no memory */
    json_t *ready;               /* owned, may be NULL: the record already made (an error): no extraction, but
                                    it still comes back through the queue, in its place among the others */
};

/* The number of cores online (at least 1): the default pool size. */
int mw_workers_cores(void);

struct mw_workers;
/* n threads, each with a runner made from ro (n > 0); or, with n == 0, extraction in the caller's thread with
 * runner (borrowed). Records go to out (borrowed; it must outlive the pool). Owned: mw_workers_free. NULL with
 * err when a runner cannot be made or memory runs out. */
struct mw_workers *mw_workers_new(int n, const struct mw_runner_opts *ro, struct mw_runner *runner,
                                  struct mw_sink_queue *out, struct mw_err *err);
/* Hand w over (owned from here on). With threads it queues and returns at once; without, it extracts now. */
void mw_workers_submit(struct mw_workers *p, struct mw_work *w);
/* Threads in the pool (0: the caller's). */
int mw_workers_threads(const struct mw_workers *p);
/* Finishes the work already queued, then stops the threads and frees their runners. */
void mw_workers_free(struct mw_workers *p);

/* A work item with everything zeroed. NULL when memory runs out. */
struct mw_work *mw_work_new(void);
void mw_work_free(struct mw_work *w);

#endif
