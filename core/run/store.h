/* run/store.h: the crawl's SQLite (WAL) store: articles with revisions, the fetch log, the frontier (which
 * is also the seen-set that survives runs), feed state for conditional GET, and a row per run. It is also
 * the built-in "sqlite" sink behind core/plugin.h's struct mw_sink_ops. Crawl policy is run/crawl.c's. */
#ifndef MW_STORE_H
#define MW_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "plugin.h"

struct mw_store;

/* Open or create the store at path (its directory is created when missing). WAL, synchronous=NORMAL.
 * Owned: mw_store_free.
 * NULL with err (stage "store"). */
struct mw_store *mw_store_open(const char *path, struct mw_err *err);
void mw_store_free(struct mw_store *s);

/* One transaction around what must land together (an article and its frontier state). Nested begins
 * are refused. rollback is safe without a transaction. */
int mw_store_begin(struct mw_store *s, struct mw_err *err);
int mw_store_commit(struct mw_store *s, struct mw_err *err);
void mw_store_rollback(struct mw_store *s);

/* ---- frontier ---- */
enum mw_fstate { MW_FS_QUEUED = 0, MW_FS_DONE = 1, MW_FS_ERROR = 2, MW_FS_ROBOTS = 3 };

/* Add url (normalised by the caller) for outlet. lastmod: epoch seconds the source gave, 0 when none.
 * *added = 1 when the url is new, or was stored before lastmod and so is queued again; 0 when already
 * known. now: epoch seconds. */
int mw_store_frontier_add(struct mw_store *s, const char *url, const char *outlet, int64_t lastmod, int64_t now,
                          int *added, struct mw_err *err);
/* Set url's state (and tries; -1 keeps them). now: epoch seconds, recorded as fetched for MW_FS_DONE. */
int mw_store_frontier_set(struct mw_store *s, const char *url, enum mw_fstate st, int tries, int64_t now,
                          struct mw_err *err);
/* Every url to (re)try: queued ones, and errors with fewer than max_tries tries. fn returns non-zero to stop. */
typedef int (*mw_store_frontier_fn)(void *ctx, const char *url, const char *outlet, int tries);
int mw_store_frontier_pending(struct mw_store *s, int max_tries, mw_store_frontier_fn fn, void *ctx,
                              struct mw_err *err);
/* Count of frontier rows in state st. */
long mw_store_frontier_count(struct mw_store *s, enum mw_fstate st);

/* ---- articles ---- */
enum mw_put { MW_PUT_SAME = 0, MW_PUT_NEW = 1, MW_PUT_REVISED = 2 };
/* Store an article record (JSON text). Keyed by canonical_url, else url; the text hash is over title and
 * body. A changed text adds a revision and replaces the current record; the same text only moves last_seen.
 * crawl_outlet: the run config's outlet name (may be NULL). fetched: ISO 8601 UTC. */
int mw_store_article_put(struct mw_store *s, const char *record_json, const char *crawl_outlet,
                         const char *fetched, enum mw_put *result, struct mw_err *err);

/* ---- fetch log ---- */
struct mw_store_fetch {
    const char *url, *kind, *outlet, *fetched, *error;  /* error NULL on success */
    long status;
    size_t bytes;
    double ms;
};
int mw_store_log(struct mw_store *s, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err);

/* ---- feed state (conditional GET) ---- */
/* *etag and *last_modified get malloc'd copies or NULL. */
int mw_store_feed_get(struct mw_store *s, const char *url, char **etag, char **last_modified, struct mw_err *err);
int mw_store_feed_put(struct mw_store *s, const char *url, const char *etag, const char *last_modified,
                      const char *checked, struct mw_err *err);

/* ---- runs ---- */
int mw_store_run_begin(struct mw_store *s, const char *started, int64_t *id, struct mw_err *err);
int mw_store_run_end(struct mw_store *s, int64_t id, const char *finished, long pages, long articles, long errors,
                     struct mw_err *err);

/* ---- layout-change history: per run, rule and field, where the field came from ---- */
struct mw_store_fields {
    const char *rule, *field, *example_url;   /* example: a page where the rule did not fill it (may be NULL) */
    long pages, rule_n, fallback_n, empty_n;  /* the rule's pages; filled by the rule, by meta/generic, by none */
    long before_pages, before_rule;           /* the same over earlier runs, when the row was written */
    int flagged;                              /* a probable layout change */
};
int mw_store_fields_put(struct mw_store *s, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err);
/* Sums of pages and rule_n of rule/field over the runs before run_id. */
int mw_store_fields_before(struct mw_store *s, int64_t run_id, const char *rule, const char *field, long *pages,
                           long *rule_n, struct mw_err *err);
/* The flags standing now: for each rule and field, its latest run with at least min_pages pages, when that run
 * flagged it. Strings are borrowed for the call. fn returns non-zero to stop. */
typedef int (*mw_store_alert_fn)(void *ctx, int64_t run_id, const char *started, const struct mw_store_fields *f);
int mw_store_layout_alerts(struct mw_store *s, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err);

/* ---- export ---- */
/* Every current article record with last_seen >= since (ISO UTC, NULL = all) whose outlet (record outlet,
 * rule or config outlet) equals outlet (NULL = all), oldest first. */
typedef int (*mw_store_article_fn)(void *ctx, const char *record_json);
int mw_store_export(struct mw_store *s, const char *since, const char *outlet, mw_store_article_fn fn, void *ctx,
                    struct mw_err *err);

/* ---- the built-in "sqlite" sink ---- */
/* ops->open takes {"path": "..."} and owns its store; on_record stores articles (error records are not
 * articles: they belong to the fetch log, which the crawler writes itself, as it does the frontier). */
const struct mw_sink_ops *mw_store_sink_ops(void);
/* A sink state over an open store, which stays the caller's (ops->close frees only the state). It writes
 * inside whatever transaction the caller holds, so an article and its frontier state commit together.
 * outlet: the config outlet name set before each on_record. NULL when memory runs out. */
void *mw_store_sink_bind(struct mw_store *s);
void mw_store_sink_set_context(void *state, const char *outlet, int64_t run_id);
/* The last on_record's outcome (enum mw_put), for the caller's counts. */
int mw_store_sink_last(void *state);

#endif
