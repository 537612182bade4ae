/* run/store.h: the crawl's store, as ONE interface (struct mw_store_ops) with back ends behind it: articles
 * with revisions, the frontier (the seen-set that survives runs, and the queue a killed run resumes), the
 * fetch log, feed state for conditional GET, a row per run, the per-run field counts, an opaque transaction.
 * SQLite is run/store_sqlite.c; a second back end (PostgreSQL, a plugin) fills the same table of operations.
 * Sinks are run/sink.c's; crawl policy (what goes in when, what shares a transaction) is run/crawl.c's. */
#ifndef MW_STORE_H
#define MW_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"

/* Frontier states; the store keeps them by name ("queued", "done", "error", "robots"). */
enum mw_fstate { MW_FS_QUEUED = 0, MW_FS_DONE = 1, MW_FS_ERROR = 2, MW_FS_ROBOTS = 3 };
const char *mw_store_state_name(enum mw_fstate st);

enum mw_put { MW_PUT_SAME = 0, MW_PUT_NEW = 1, MW_PUT_REVISED = 2 };

/* An article as the store takes it: the record and its one serialisation, both borrowed for the call. */
struct mw_store_article {
    const json_t *rec;          /* url, canonical_url, title, body, authors, published, lang, outlet, rule read here */
    const char *json;           /* the same record as JSON text: what is stored */
    size_t json_len;
    const char *crawl_outlet;   /* the run config's outlet name (may be NULL) */
    const char *fetched;        /* ISO 8601 UTC */
    /* for back ends outside libmoonwire (plugins), which read no JSON: the record's columns and its text hash,
     * filled by run/store.c (NULL for the built-in SQLite back end, which reads rec) */
    const struct mw_store_cols *cols;
    const char *hash;
    /* may be NULL: json already deflated as run/sqlar.h stores it (made off the store lock, mw_sinks_prepare);
     * a back end that compresses takes these bytes instead of deflating json itself */
    const unsigned char *z;
    size_t zlen;
};

/* The columns a back end keeps beside the record, read from the record itself (no JSON text is parsed). */
struct mw_store_cols {
    const char *key, *url, *outlet, *rule, *title, *published, *lang;   /* borrowed from the record */
    char *authors;          /* "A; B", malloc'd, NULL when none */
    long body_chars;
    char published_utc[32]; /* published in UTC, so the column sorts; a date without a zone stays as it is */
};
/* key: canonical_url, else url (NULL when the record has neither). 0, or -1 when memory runs out. Free
 * c->authors after. */
int mw_store_cols_of(const json_t *rec, struct mw_store_cols *c);

struct mw_store_fetch {
    const char *url, *kind, *outlet, *fetched, *error;  /* error NULL on success */
    long status;
    size_t bytes;
    double ms;
};

/* Per run, rule and field: where the field came from (layout-change history). */
struct mw_store_fields {
    const char *rule, *field, *example_url;   /* example: a page where the rule did not fill it (may be NULL) */
    long pages, rule_n, fallback_n, empty_n;  /* the rule's pages; filled by the rule, by meta/generic, by none */
    long before_pages, before_rule;           /* the same over earlier runs, when the row was written */
    int flagged;                              /* a probable layout change */
};

/* Which current articles an export wants: every field may be NULL (no filter). */
struct mw_store_filter {
    const char *seen_since;       /* last seen at or after (ISO 8601 UTC) */
    const char *outlet;           /* record outlet, rule or config outlet equals */
    /* Dates are ISO 8601 with a zone (or UTC when they have none), compared as instants; a record without
     * "published" fails the published filters. */
    const char *published_since;  /* published at or after */
    const char *published_before; /* published before (exclusive) */
    const char *lang;             /* the record's "lang" */
    const char *rule;             /* the rule that made it ("generic" for the built-in extractor) */
    int complete;                 /* only records with a title, a body and a published date (Fundus's only_complete) */
    long max;                     /* at most this many (the oldest first), 0 = all */
};

/* One outlet's figures (moonwire stats). missing: per field of design.md's record, on how many of the outlet's
 * current articles it is empty; fields[] names them, in the record's order. */
#define MW_STORE_STAT_FIELDS 10
extern const char *const mw_store_stat_fields[MW_STORE_STAT_FIELDS];
struct mw_store_outlet_stats {
    const char *outlet;
    long articles;               /* current articles */
    const char *last_success;    /* latest page fetched without error (ISO 8601 UTC), NULL when none */
    long pages, page_errors;     /* pages tried (done or failed, in the frontier), and those failed after their tries */
    long median_body;            /* characters of body, median over the outlet's articles */
    long missing[MW_STORE_STAT_FIELDS];
};

typedef int (*mw_store_frontier_fn)(void *ctx, const char *url, const char *outlet, int tries);
typedef int (*mw_store_article_fn)(void *ctx, const char *record_json, size_t len);
typedef int (*mw_store_alert_fn)(void *ctx, int64_t run_id, const char *started, const struct mw_store_fields *f);
typedef int (*mw_store_stats_fn)(void *ctx, const struct mw_store_outlet_stats *st);

/* A crawl shared by many workers (processes, machines) over one store: see run/store.h's shared operations. */
enum mw_robots_cache { MW_RC_CACHED = 0, MW_RC_YOURS = 1, MW_RC_WAIT = 2 };

/* One line of `moonwire status`: kind "worker" (name, age_s since its heartbeat, n1 pages, n2 leases held,
 * detail "running"/"stopped"), "queue" (name an outlet or host, n1 queued, n2 leased), "error" (name the
 * outlet, n1 pages failed after their tries, detail the latest error message, may be NULL). */
struct mw_store_status {
    const char *kind, *name, *detail;
    long n1, n2;
    double age_s;
};
typedef int (*mw_store_status_fn)(void *ctx, const struct mw_store_status *row);

/* The SQL seam, for modules keeping tables of their own beside the store's (core/story): statements in the back
 * end's dialect (ops->name: "sqlite", "postgresql"), parameters $1..$n in both, values typed as below. */
enum mw_sql_type { MW_SQL_NULL = 0, MW_SQL_INT, MW_SQL_REAL, MW_SQL_TEXT, MW_SQL_BLOB };
struct mw_sql_val {
    enum mw_sql_type type;
    int64_t i;          /* INT */
    double d;           /* REAL */
    const void *p;      /* TEXT (NUL-terminated) or BLOB bytes, never NULL for them; borrowed */
    size_t n;           /* their length in bytes */
};
#define MW_SQL_I(x) ((struct mw_sql_val){.type = MW_SQL_INT, .i = (x)})
#define MW_SQL_R(x) ((struct mw_sql_val){.type = MW_SQL_REAL, .d = (x)})
#define MW_SQL_B(b, len) ((struct mw_sql_val){.type = MW_SQL_BLOB, .p = (b), .n = (len)})
struct mw_sql_val mw_sql_text(const char *s);   /* NULL is SQL NULL */
/* A column read as the type wanted (a back end may hand back a number as text): NULL is 0, "" or NULL. */
int64_t mw_sql_int(const struct mw_sql_val *v);
double mw_sql_real(const struct mw_sql_val *v);
const char *mw_sql_str(const struct mw_sql_val *v);   /* TEXT, else NULL */
/* One row of a statement, borrowed for the call; non-zero stops the statement (which then returns 0). */
typedef int (*mw_store_row_fn)(void *ctx, const struct mw_sql_val *cols, int ncols);

/* What a back end implements. db is its own state. Every operation returns 0 or MW_E* with err set (stage
 * "store"), except close/rollback/frontier_count. Strings passed in are borrowed for the call; strings passed
 * to callbacks are borrowed for the callback. Writes happen inside a transaction when the caller holds one
 * (begin/commit), else each stands alone. A back end must keep the crash guarantee: what a commit returned
 * for is there after a kill -9, what it did not is not there at all. */
struct mw_store_ops {
    const char *name;                                   /* "sqlite" */
    void (*close)(void *db);
    /* transactions: one at a time (a nested begin is MW_EINVAL); rollback is safe without one */
    int (*begin)(void *db, struct mw_err *err);
    int (*commit)(void *db, struct mw_err *err);
    void (*rollback)(void *db);
    /* frontier. add: url (normalised by the caller) for outlet; lastmod/now epoch seconds (0: none). *added is 1
     * when the url is new, or was done before lastmod and is queued again; 0 when known. claim: every url to
     * (re)try this pass — queued ones, and errors with fewer than max_tries tries — in discovery order; fn
     * returns non-zero to stop. complete: set url's state (tries -1 keeps them; now is kept as fetched for
     * MW_FS_DONE). count: rows in state st, -1 on error. */
    int (*frontier_add)(void *db, const char *url, const char *outlet, int64_t lastmod, int64_t now, int *added,
                        struct mw_err *err);
    int (*frontier_claim)(void *db, int max_tries, mw_store_frontier_fn fn, void *ctx, struct mw_err *err);
    int (*frontier_complete)(void *db, const char *url, enum mw_fstate st, int tries, int64_t now,
                             struct mw_err *err);
    long (*frontier_count)(void *db, enum mw_fstate st);
    /* articles, keyed by canonical_url, else url; the text hash is over title and body. A changed text adds a
     * revision that becomes the current record; the same text only moves last_seen. *id: the article's id in
     * the store (for other modules' tables, e.g. stories). get: the current record of key (*json malloc'd, NULL
     * when unknown). export: current records matching f, oldest first. */
    int (*article_put)(void *db, const struct mw_store_article *a, enum mw_put *result, int64_t *id,
                       struct mw_err *err);
    int (*article_get)(void *db, const char *key, char **json, struct mw_err *err);
    int (*export)(void *db, const struct mw_store_filter *f, mw_store_article_fn fn, void *ctx, struct mw_err *err);
    /* the fetch log: one row per HTTP exchange */
    int (*log)(void *db, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err);
    /* feed state: *etag and *last_modified get malloc'd copies or NULL */
    int (*feed_get)(void *db, const char *url, char **etag, char **last_modified, struct mw_err *err);
    int (*feed_put)(void *db, const char *url, const char *etag, const char *last_modified, const char *checked,
                    struct mw_err *err);
    /* runs (times ISO 8601 UTC) */
    int (*run_begin)(void *db, const char *started, int64_t *id, struct mw_err *err);
    int (*run_end)(void *db, int64_t id, const char *finished, long pages, long articles, long errors,
                   struct mw_err *err);
    /* field_stats: put one row; sums of pages and rule_n of rule/field over the runs before run_id; the flags
     * standing now (for each rule and field its latest run with >= min_pages pages, when that run flagged it) */
    int (*fields_put)(void *db, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err);
    int (*fields_before)(void *db, int64_t run_id, const char *rule, const char *field, long *pages, long *rule_n,
                         struct mw_err *err);
    int (*layout_alerts)(void *db, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err);
    /* per outlet figures, outlets in name order */
    int (*outlet_stats)(void *db, mw_store_stats_fn fn, void *ctx, struct mw_err *err);

    /* ---- the shared crawl: N workers, one store. Times and leases run on the store's own clock (the database
     * server's, so machines whose clocks differ agree); *_ms are milliseconds. None of these runs inside the
     * caller's transaction on a back end that can avoid it (PostgreSQL uses a second connection), so a lease
     * or a host's turn is seen by every worker at once. */
    /* a worker joins (a row in workers: name, machine, pid), beats (its heartbeat and pages done; its leases
     * on rows not finished move to now + lease_ms) and leaves (its leases go back to the queue) */
    int (*worker_join)(void *db, const char *name, const char *host, long pid, int64_t *id, struct mw_err *err);
    int (*worker_beat)(void *db, int64_t id, long pages, long lease_ms, struct mw_err *err);
    int (*worker_leave)(void *db, int64_t id, struct mw_err *err);
    /* lease: up to n rows to (re)try (queued, or errors with fewer than max_tries tries) that no live lease
     * holds, now held by worker until now + lease_ms, in discovery order (fn gets each; *got counts them). A
     * lease that ran out (its worker died or lost the machine) is taken over, and the takeover logged.
     * finish: frontier_complete for a leased url, only while worker still holds it (*owned = 1; the lease
     * ends); *owned = 0 when another worker took it over: nothing changes, and the caller must not store the
     * page either. busy: *leased = rows that other live workers hold, *reading = sources being read now. */
    int (*frontier_lease)(void *db, int64_t worker, int max_tries, long n, long lease_ms, mw_store_frontier_fn fn,
                          void *ctx, long *got, struct mw_err *err);
    int (*frontier_finish)(void *db, int64_t worker, const char *url, enum mw_fstate st, int tries, int64_t now,
                           int *owned, struct mw_err *err);
    int (*frontier_busy)(void *db, int64_t worker, long *leased, long *reading, struct mw_err *err);
    /* politeness of host ("host:port") over all workers: take gives worker the host's one turn (*wait_ms 0)
     * when nobody holds it and its next allowed time has come, for at most hold_ms; else *wait_ms says how
     * long until it may come. release ends the turn: next allowed time = now + delay_ms (the host's delay,
     * robots Crawl-delay included, which is kept); failed counts failures in a row (0 resets them). */
    int (*host_take)(void *db, const char *host, int64_t worker, long hold_ms, long *wait_ms, struct mw_err *err);
    int (*host_release)(void *db, const char *host, int64_t worker, long delay_ms, int failed, struct mw_err *err);
    /* robots.txt of host, cached with an expiry: MW_RC_CACHED (*body malloc'd, may be NULL for "allow all",
     * *status the answer's), MW_RC_YOURS (this worker fetches it, for at most hold_ms), MW_RC_WAIT (another
     * is fetching it). put: the answer, kept ttl_ms; status 0 (unreachable) only gives the turn back. */
    int (*robots_get)(void *db, const char *host, int64_t worker, long hold_ms, enum mw_robots_cache *state,
                      char **body, size_t *len, long *status, struct mw_err *err);
    int (*robots_put)(void *db, const char *host, const char *body, size_t len, long status, long ttl_ms,
                      struct mw_err *err);
    /* sources (feeds, sitemaps, listings) are read by one worker per period: take grants url to worker when
     * nobody read it in the last period_ms and nobody is reading it (a reader holds it hold_ms, and each of
     * its heartbeats renews that by its lease_ms, so a dead reader's hold runs out); done marks it read now,
     * inside the caller's transaction (with the URLs the source gave: a crash before the commit leaves the
     * source unread) */
    int (*source_take)(void *db, const char *url, int64_t worker, long period_ms, long hold_ms, int *granted,
                       struct mw_err *err);
    int (*source_done)(void *db, const char *url, int64_t worker, struct mw_err *err);
    /* moonwire status: workers, queue depth per outlet and per host, errors per outlet */
    int (*status)(void *db, mw_store_status_fn fn, void *ctx, struct mw_err *err);

    /* ---- the SQL seam (see struct mw_sql_val), on the caller's transaction when one is open. script: statements
     * without parameters or rows (a module's tables); sql: one statement, prepared once per text and kept until
     * close, each row to fn (may be NULL). */
    int (*sql_script)(void *db, const char *sql, struct mw_err *err);
    int (*sql)(void *db, const char *sql, const struct mw_sql_val *params, int nparams, mw_store_row_fn fn,
               void *ctx, struct mw_err *err);
};

struct mw_store;

/* Open or create the store at where: a file path is SQLite (its directory is created when missing; a store of
 * an older schema is migrated in one transaction). Owned: mw_store_free. NULL with err (stage "store"). */
struct mw_store *mw_store_open(const char *where, struct mw_err *err);
/* 1 when where names a database server (postgresql://, postgres://) rather than a SQLite file. */
int mw_store_is_url(const char *where);
/* A store over another back end's operations and state (which mw_store_free closes). NULL when out of memory
 * (then db is closed). */
struct mw_store *mw_store_wrap(const struct mw_store_ops *ops, void *db);
void mw_store_free(struct mw_store *s);
/* The back end's operations and state, for code that passes the store on (sinks). */
const struct mw_store_ops *mw_store_ops(const struct mw_store *s);
void *mw_store_db(const struct mw_store *s);

/* The operations above, through the store's back end. */
int mw_store_begin(struct mw_store *s, struct mw_err *err);
int mw_store_commit(struct mw_store *s, struct mw_err *err);
void mw_store_rollback(struct mw_store *s);
int mw_store_frontier_add(struct mw_store *s, const char *url, const char *outlet, int64_t lastmod, int64_t now,
                          int *added, struct mw_err *err);
int mw_store_frontier_pending(struct mw_store *s, int max_tries, mw_store_frontier_fn fn, void *ctx,
                              struct mw_err *err);
int mw_store_frontier_set(struct mw_store *s, const char *url, enum mw_fstate st, int tries, int64_t now,
                          struct mw_err *err);
long mw_store_frontier_count(struct mw_store *s, enum mw_fstate st);
int mw_store_article_put(struct mw_store *s, const struct mw_store_article *a, enum mw_put *result, int64_t *id,
                         struct mw_err *err);
/* The same from JSON text (parsed once here): for callers that hold only text. */
int mw_store_article_put_json(struct mw_store *s, const char *record_json, const char *crawl_outlet,
                              const char *fetched, enum mw_put *result, struct mw_err *err);
int mw_store_article_get(struct mw_store *s, const char *key, char **json, struct mw_err *err);
int mw_store_export(struct mw_store *s, const struct mw_store_filter *f, mw_store_article_fn fn, void *ctx,
                    struct mw_err *err);
int mw_store_log(struct mw_store *s, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err);
int mw_store_feed_get(struct mw_store *s, const char *url, char **etag, char **last_modified, struct mw_err *err);
int mw_store_feed_put(struct mw_store *s, const char *url, const char *etag, const char *last_modified,
                      const char *checked, struct mw_err *err);
int mw_store_run_begin(struct mw_store *s, const char *started, int64_t *id, struct mw_err *err);
int mw_store_run_end(struct mw_store *s, int64_t id, const char *finished, long pages, long articles, long errors,
                     struct mw_err *err);
int mw_store_fields_put(struct mw_store *s, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err);
int mw_store_fields_before(struct mw_store *s, int64_t run_id, const char *rule, const char *field, long *pages,
                           long *rule_n, struct mw_err *err);
int mw_store_layout_alerts(struct mw_store *s, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err);
int mw_store_outlet_stats(struct mw_store *s, mw_store_stats_fn fn, void *ctx, struct mw_err *err);
int mw_store_worker_join(struct mw_store *s, const char *name, const char *host, long pid, int64_t *id,
                         struct mw_err *err);
int mw_store_worker_beat(struct mw_store *s, int64_t id, long pages, long lease_ms, struct mw_err *err);
int mw_store_worker_leave(struct mw_store *s, int64_t id, struct mw_err *err);
int mw_store_frontier_lease(struct mw_store *s, int64_t worker, int max_tries, long n, long lease_ms,
                            mw_store_frontier_fn fn, void *ctx, long *got, struct mw_err *err);
int mw_store_frontier_finish(struct mw_store *s, int64_t worker, const char *url, enum mw_fstate st, int tries,
                             int64_t now, int *owned, struct mw_err *err);
int mw_store_frontier_busy(struct mw_store *s, int64_t worker, long *leased, long *reading, struct mw_err *err);
int mw_store_host_take(struct mw_store *s, const char *host, int64_t worker, long hold_ms, long *wait_ms,
                       struct mw_err *err);
int mw_store_host_release(struct mw_store *s, const char *host, int64_t worker, long delay_ms, int failed,
                          struct mw_err *err);
int mw_store_robots_get(struct mw_store *s, const char *host, int64_t worker, long hold_ms,
                        enum mw_robots_cache *state, char **body, size_t *len, long *status, struct mw_err *err);
int mw_store_robots_put(struct mw_store *s, const char *host, const char *body, size_t len, long status,
                        long ttl_ms, struct mw_err *err);
int mw_store_source_take(struct mw_store *s, const char *url, int64_t worker, long period_ms, long hold_ms,
                         int *granted, struct mw_err *err);
int mw_store_source_done(struct mw_store *s, const char *url, int64_t worker, struct mw_err *err);
int mw_store_status(struct mw_store *s, mw_store_status_fn fn, void *ctx, struct mw_err *err);
int mw_store_sql_script(struct mw_store *s, const char *sql, struct mw_err *err);
int mw_store_sql(struct mw_store *s, const char *sql, const struct mw_sql_val *params, int nparams,
                 mw_store_row_fn fn, void *ctx, struct mw_err *err);
/* 1 when the back end has the SQL seam (modules' own tables: stories). */
int mw_store_has_sql(const struct mw_store *s);
/* The back end's name ("sqlite", "postgresql"). */
const char *mw_store_kind(const struct mw_store *s);

/* The SQLite back end (run/store_sqlite.c): path as for mw_store_open. NULL with err. */
void *mw_store_sqlite_open(const char *path, struct mw_err *err);
const struct mw_store_ops *mw_store_sqlite_ops(void);
/* The SQLite handle of a store on the SQLite back end (tests); NULL on another back end. Borrowed. Modules
 * keeping tables of their own use the SQL seam (mw_store_sql), which every back end has. */
struct sqlite3 *mw_store_sqlite_db(struct mw_store *s);
/* The schema version a store of this build writes (examples/store.md describes it). */
#define MW_STORE_SCHEMA 4

/* The text hash of a record (over title and body), as stored: 16 hex digits and a NUL. */
void mw_store_text_hash(const json_t *rec, char out[17]);
/* The same from the two strings (NULL counts as ""). */
void mw_store_text_hash_of(const char *title, size_t tlen, const char *body, size_t blen, char out[17]);

#endif
