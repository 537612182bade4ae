/* run/sink.h: where a page's result goes. A record travels from extraction to every sink as one C structure
 * (struct mw_record: the jansson record and its one serialisation); the sinks are the built-in "sqlite" sink
 * (through run/store.h, inside the caller's transaction) and plugin sinks (core/plugin.h, which get the text).
 * The hand-off queue carries records from the extraction threads to the one thread that feeds the sinks. */
#ifndef MW_SINK_H
#define MW_SINK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "plugin.h"
#include "run/config.h"
#include "run/store.h"

/* One page's result. The producer fills rec, then mw_record_seal serialises it once; from then on rec is not
 * changed, and json is what plugins, JSON lines and the store get. */
struct mw_record {
    struct mw_record *next;     /* the hand-off queue's link */
    json_t *rec;                /* owned */
    char *json;                 /* owned: rec as compact JSON, NUL-terminated */
    size_t len;
    json_t *origin;             /* owned, may be NULL: the runner's "origin" (explain), taken out of rec */
    int is_error;               /* rec has "error" set */
    uint64_t seq;               /* the producer's order (extract -j prints in it) */
    void *user;                 /* the producer's context, untouched here */
    struct mw_story_doc *story_doc; /* owned (free), may be NULL: rec as the stories hook reads it, made on the
                                       extracting thread so the loop does not (core/story) */
    unsigned char *z;           /* owned, may be NULL: json deflated for the store (mw_sinks_prepare) */
    size_t zlen;
};
/* A record around rec (owned from here on), "origin" taken out of it. NULL when memory runs out (rec freed). */
struct mw_record *mw_record_new(json_t *rec);
/* The same into r (empty, e.g. preallocated): rec (owned from here on, may be NULL) and its origin. */
void mw_record_take(struct mw_record *r, json_t *rec);
/* Serialise once (after the last change to rec). 0 or MW_ENOMEM. */
int mw_record_seal(struct mw_record *r);
void mw_record_free(struct mw_record *r);

/* ---- the sinks of a crawl ---- */

/* A sink failure: one line naming the sink (borrowed for the call). */
typedef void (*mw_sink_error_fn)(void *ctx, const char *url, const char *msg);

struct mw_sinks;
/* cfg: the run config's sinks, in order ("sqlite" writes through store, which stays the caller's; other
 * names are plugins found in plugin_dirs). Owned: mw_sinks_free. NULL with err (stage "sink"). */
struct mw_sinks *mw_sinks_new(const struct mw_run_sink *cfg, size_t n, struct mw_store *store,
                              const char *const *plugin_dirs, mw_sink_error_fn on_error, void *ctx,
                              struct mw_err *err);
void mw_sinks_free(struct mw_sinks *s);
/* Every HTTP exchange, to the plugin sinks that want it (the store has the fetch log for that). */
void mw_sinks_fetch(struct mw_sinks *s, const struct mw_fetch_event *ev);
/* A page's record to every sink. Error records are not articles: the store does not take them (the crawler
 * logs the fetch), plugins do. crawl_outlet: the config's outlet name (may be NULL); fetched: ISO 8601 UTC.
 * *stored: what the store made of it (MW_PUT_SAME when no store sink, or on a failure). 0, or the store's
 * failure (then err; the caller's transaction must not commit). Plugin failures go to on_error. */
int mw_sinks_record(struct mw_sinks *s, const struct mw_record *r, const char *crawl_outlet, const char *fetched,
                    enum mw_put *stored, struct mw_err *err);
/* What the store would do with r under the store lock, done before it (any thread, one at a time: the sinks
 * keep one deflate stream for it): r's text deflated as the SQLite store keeps it (r->z), when the config has
 * the "sqlite" sink on an SQLite store and r is an article. Out of memory: nothing (the store deflates). */
void mw_sinks_prepare(struct mw_sinks *s, struct mw_record *r);
/* Make what the plugin sinks wrote durable (each batch, before its store transaction commits). */
void mw_sinks_flush(struct mw_sinks *s);
/* 1 when the config has the built-in "sqlite" sink. */
int mw_sinks_store(const struct mw_sinks *s);

/* ---- the built-in "sqlite" sink as a plugin-shaped sink (for code that holds only text) ---- */
/* ops->open takes {"path": "..."} and owns its store; on_record stores articles (JSON text, parsed once). */
const struct mw_sink_ops *mw_sink_sqlite_ops(void);
/* A state for those ops over an open store that stays the caller's (ops->close frees the state only). NULL when
 * memory runs out. */
void *mw_sink_sqlite_bind(struct mw_store *s);

/* ---- the hand-off: extraction threads -> the thread that feeds the sinks ---- */

struct mw_sink_queue;
/* wake (may be NULL) is called after a push into an empty queue, from the pushing thread (e.g.
 * curl_multi_wakeup): its taker must take until pop gives NULL before it waits for the next wake-up. Owned:
 * mw_sink_queue_free (frees what is still queued). NULL when memory runs out. */
struct mw_sink_queue *mw_sink_queue_new(void (*wake)(void *), void *wake_ctx);
void mw_sink_queue_free(struct mw_sink_queue *q);
/* Any thread: queue r (owned by the queue until popped). */
void mw_sink_queue_push(struct mw_sink_queue *q, struct mw_record *r);
/* The consumer: the oldest record or NULL when none (never waits). */
struct mw_record *mw_sink_queue_pop(struct mw_sink_queue *q);
/* The consumer: the oldest record, waiting for one; NULL once the queue is closed. */
struct mw_record *mw_sink_queue_wait(struct mw_sink_queue *q);
/* Any thread: wake the consumer waiting and every later wait with NULL; what is queued stays (pop, free). */
void mw_sink_queue_close(struct mw_sink_queue *q);

#endif
