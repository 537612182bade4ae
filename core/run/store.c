/* run/store.c: SQLite persistence of a crawl (schema, prepared statements, the "sqlite" sink). What goes in
 * when, and which writes share a transaction, is run/crawl.c's; this file only keeps each write correct. */
#include "run/store.h"
#include "story/story.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS articles("
    "  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL, outlet TEXT, rule TEXT,"
    "  crawl_outlet TEXT, published TEXT, hash TEXT NOT NULL, record TEXT NOT NULL,"
    "  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, revisions INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX IF NOT EXISTS articles_last_seen ON articles(last_seen);"
    "CREATE TABLE IF NOT EXISTS revisions("
    "  id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id), rev INTEGER NOT NULL,"
    "  hash TEXT NOT NULL, record TEXT NOT NULL, fetched TEXT NOT NULL, UNIQUE(article_id, rev));"
    "CREATE TABLE IF NOT EXISTS fetch_log("
    "  id INTEGER PRIMARY KEY, run_id INTEGER, url TEXT NOT NULL, kind TEXT, outlet TEXT, status INTEGER,"
    "  bytes INTEGER, ms REAL, error TEXT, fetched TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS frontier("
    "  url TEXT PRIMARY KEY, state INTEGER NOT NULL DEFAULT 0, outlet TEXT, discovered INTEGER NOT NULL,"
    "  lastmod INTEGER NOT NULL DEFAULT 0, fetched INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS frontier_state ON frontier(state) WHERE state <> 1;"
    "CREATE TABLE IF NOT EXISTS feed_state("
    "  url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked TEXT);"
    "CREATE TABLE IF NOT EXISTS runs("
    "  id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, pages INTEGER, articles INTEGER,"
    "  errors INTEGER);"
    /* per run, rule and field: on how many of the rule's pages the rule filled the field, meta/generic did,
     * or nothing did; flagged = a probable layout change (run/crawl.c decides) */
    "CREATE TABLE IF NOT EXISTS field_stats("
    "  run_id INTEGER NOT NULL, rule TEXT NOT NULL, field TEXT NOT NULL, pages INTEGER NOT NULL,"
    "  rule_n INTEGER NOT NULL, fallback_n INTEGER NOT NULL, empty_n INTEGER NOT NULL, example_url TEXT,"
    "  before_pages INTEGER NOT NULL DEFAULT 0, before_rule INTEGER NOT NULL DEFAULT 0,"
    "  flagged INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(rule, field, run_id));";

enum {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
    ST_FR_INSERT, ST_FR_GET, ST_FR_REQUEUE, ST_FR_SET, ST_FR_SET_KEEP, ST_FR_PENDING, ST_FR_COUNT,
    ST_ART_GET, ST_ART_INSERT, ST_ART_UPDATE, ST_ART_SEEN, ST_REV_INSERT,
    ST_LOG, ST_FEED_GET, ST_FEED_PUT, ST_RUN_BEGIN, ST_RUN_END,
    ST_FIELDS_PUT, ST_FIELDS_BEFORE, ST_FIELDS_ALERTS,
    ST_N
};

static const char *const SQL[ST_N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_FR_INSERT] = "INSERT OR IGNORE INTO frontier(url, state, outlet, discovered, lastmod) VALUES(?1, 0, ?2, ?3, ?4)",
    [ST_FR_GET] = "SELECT state, fetched FROM frontier WHERE url = ?1",
    [ST_FR_REQUEUE] = "UPDATE frontier SET state = 0, lastmod = ?2, tries = 0 WHERE url = ?1",
    [ST_FR_SET] = "UPDATE frontier SET state = ?2, tries = ?3, fetched = CASE WHEN ?2 = 1 THEN ?4 ELSE fetched END "
                  "WHERE url = ?1",
    [ST_FR_SET_KEEP] = "UPDATE frontier SET state = ?2, fetched = CASE WHEN ?2 = 1 THEN ?4 ELSE fetched END "
                       "WHERE url = ?1",
    [ST_FR_PENDING] = "SELECT url, outlet, tries FROM frontier WHERE state = 0 OR (state = 2 AND tries < ?1) "
                      "ORDER BY discovered, url",
    [ST_FR_COUNT] = "SELECT count(*) FROM frontier WHERE state = ?1",
    [ST_ART_GET] = "SELECT id, hash, revisions FROM articles WHERE key = ?1",
    [ST_ART_INSERT] = "INSERT INTO articles(key, url, outlet, rule, crawl_outlet, published, hash, record, "
                      "first_seen, last_seen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    [ST_ART_UPDATE] = "UPDATE articles SET url = ?2, outlet = ?3, rule = ?4, published = ?5, hash = ?6, "
                      "record = ?7, last_seen = ?8, revisions = revisions + 1 WHERE id = ?1",
    [ST_ART_SEEN] = "UPDATE articles SET last_seen = ?2 WHERE id = ?1",
    [ST_REV_INSERT] = "INSERT INTO revisions(article_id, rev, hash, record, fetched) VALUES(?1, ?2, ?3, ?4, ?5)",
    [ST_LOG] = "INSERT INTO fetch_log(run_id, url, kind, outlet, status, bytes, ms, error, fetched) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_FEED_GET] = "SELECT etag, last_modified FROM feed_state WHERE url = ?1",
    [ST_FEED_PUT] = "INSERT INTO feed_state(url, etag, last_modified, checked) VALUES(?1, ?2, ?3, ?4) "
                    "ON CONFLICT(url) DO UPDATE SET etag = ?2, last_modified = ?3, checked = ?4",
    [ST_RUN_BEGIN] = "INSERT INTO runs(started) VALUES(?1)",
    [ST_RUN_END] = "UPDATE runs SET finished = ?2, pages = ?3, articles = ?4, errors = ?5 WHERE id = ?1",
    [ST_FIELDS_PUT] = "INSERT OR REPLACE INTO field_stats(run_id, rule, field, pages, rule_n, fallback_n, empty_n, "
                      "example_url, before_pages, before_rule, flagged) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                      "?10, ?11)",
    [ST_FIELDS_BEFORE] = "SELECT coalesce(sum(pages), 0), coalesce(sum(rule_n), 0) FROM field_stats "
                         "WHERE rule = ?1 AND field = ?2 AND run_id < ?3",
    /* the latest pass with enough pages decides whether a rule's field is flagged now */
    [ST_FIELDS_ALERTS] = "SELECT f.rule, f.field, f.run_id, r.started, f.pages, f.rule_n, f.fallback_n, f.empty_n, "
                         "f.before_pages, f.before_rule, f.example_url FROM field_stats f JOIN runs r "
                         "ON r.id = f.run_id WHERE f.flagged = 1 AND f.run_id = (SELECT max(run_id) FROM "
                         "field_stats g WHERE g.rule = f.rule AND g.field = f.field AND g.pages >= ?1) "
                         "ORDER BY f.rule, f.run_id, f.field",
};

struct mw_store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_N];
    int in_tx;
};

static int db_err(struct mw_store *s, struct mw_err *err, const char *what)
{
    return mw_err_set(err, MW_EIO, "store", "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "no database");
}

/* The prepared statement, reset and unbound for a new use. */
static sqlite3_stmt *stmt(struct mw_store *s, int i)
{
    sqlite3_stmt *q = s->st[i];
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return q;
}

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

/* Run a statement that returns no rows. */
static int step_done(struct mw_store *s, sqlite3_stmt *q, struct mw_err *err, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(s, err, what);
}

/* mkdir -p of path's directory: a first run into "out/my.sqlite" must not fail on a missing "out". */
static int make_parent(const char *path, struct mw_err *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    struct stat st;
    if (stat(dir, &st) == 0)
        return 0;
    for (char *p = dir + 1; ; p++) {
        if (*p && *p != '/')
            continue;
        char keep = *p;
        *p = '\0';
        if (mkdir(dir, 0777) && errno != EEXIST)
            return mw_err_set(err, MW_EIO, "store", "%s: cannot create the store's directory %s: %s", path, dir,
                              strerror(errno));
        *p = keep;
        if (!keep)
            break;
    }
    return 0;
}

struct mw_store *mw_store_open(const char *path, struct mw_err *err)
{
    if (!path || !*path) {
        mw_err_set(err, MW_EINVAL, "store", "no store path given");
        return NULL;
    }
    if (make_parent(path, err))
        return NULL;
    struct mw_store *s = calloc(1, sizeof *s);
    if (!s) {
        mw_err_set(err, MW_ENOMEM, "store", "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        mw_err_set(err, MW_EIO, "store", "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        mw_store_free(s);
        return NULL;
    }
    /* another process (an export, a second run) may hold the lock for a moment */
    sqlite3_busy_timeout(s->db, 10000);
    char *msg = NULL;
    if (sqlite3_exec(s->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        mw_err_set(err, MW_EIO, "store", "%s: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        mw_store_free(s);
        return NULL;
    }
    for (int i = 0; i < ST_N; i++)
        if (sqlite3_prepare_v3(s->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
            mw_err_set(err, MW_EIO, "store", "%s: %s", path, sqlite3_errmsg(s->db));
            mw_store_free(s);
            return NULL;
        }
    return s;
}

void mw_store_free(struct mw_store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        mw_store_rollback(s);
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s);
}

int mw_store_begin(struct mw_store *s, struct mw_err *err)
{
    if (s->in_tx)
        return mw_err_set(err, MW_EINVAL, "store", "a transaction is already open");
    int rc = step_done(s, stmt(s, ST_BEGIN), err, "begin");
    if (!rc)
        s->in_tx = 1;
    return rc;
}

int mw_store_commit(struct mw_store *s, struct mw_err *err)
{
    if (!s->in_tx)
        return 0;
    int rc = step_done(s, stmt(s, ST_COMMIT), err, "commit");
    if (rc)
        mw_store_rollback(s);
    s->in_tx = 0;
    return rc;
}

void mw_store_rollback(struct mw_store *s)
{
    if (!s || !s->in_tx)
        return;
    s->in_tx = 0;
    if (sqlite3_get_autocommit(s->db))
        return;
    sqlite3_stmt *q = stmt(s, ST_ROLLBACK);
    sqlite3_step(q);
    sqlite3_reset(q);
}

int mw_store_frontier_add(struct mw_store *s, const char *url, const char *outlet, int64_t lastmod, int64_t now,
                          int *added, struct mw_err *err)
{
    *added = 0;
    sqlite3_stmt *q = stmt(s, ST_FR_INSERT);
    bind_text(q, 1, url);
    bind_text(q, 2, outlet);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, lastmod);
    if (step_done(s, q, err, "frontier insert"))
        return err ? err->code : MW_EIO;
    if (sqlite3_changes(s->db) > 0) {
        *added = 1;
        return 0;
    }
    if (lastmod <= 0)
        return 0;
    /* known: fetch again only when it was stored before the source's date for it */
    q = stmt(s, ST_FR_GET);
    bind_text(q, 1, url);
    int state = -1;
    int64_t fetched = 0;
    if (sqlite3_step(q) == SQLITE_ROW) {
        state = sqlite3_column_int(q, 0);
        fetched = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    if (state != MW_FS_DONE || fetched >= lastmod)
        return 0;
    q = stmt(s, ST_FR_REQUEUE);
    bind_text(q, 1, url);
    sqlite3_bind_int64(q, 2, lastmod);
    if (step_done(s, q, err, "frontier requeue"))
        return err ? err->code : MW_EIO;
    *added = 1;
    return 0;
}

int mw_store_frontier_set(struct mw_store *s, const char *url, enum mw_fstate st, int tries, int64_t now,
                          struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, tries < 0 ? ST_FR_SET_KEEP : ST_FR_SET);
    bind_text(q, 1, url);
    sqlite3_bind_int(q, 2, (int)st);
    if (tries >= 0)
        sqlite3_bind_int(q, 3, tries);
    sqlite3_bind_int64(q, 4, now);
    return step_done(s, q, err, "frontier update");
}

int mw_store_frontier_pending(struct mw_store *s, int max_tries, mw_store_frontier_fn fn, void *ctx,
                              struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_FR_PENDING);
    sqlite3_bind_int(q, 1, max_tries);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
               sqlite3_column_int(q, 2)))
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    sqlite3_reset(q);
    return bad ? db_err(s, err, "frontier read") : 0;
}

long mw_store_frontier_count(struct mw_store *s, enum mw_fstate st)
{
    sqlite3_stmt *q = stmt(s, ST_FR_COUNT);
    sqlite3_bind_int(q, 1, (int)st);
    long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : -1;
    sqlite3_reset(q);
    return n;
}

/* FNV-1a 64 over title and body: cheap, and a collision only costs one missed revision. */
static void text_hash(json_t *rec, char out[17])
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[] = {json_string_value(json_object_get(rec, "title")),
                           json_string_value(json_object_get(rec, "body"))};
    for (int i = 0; i < 2; i++) {
        for (const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : ""); *p; p++) {
            h ^= *p;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;   /* separator: "ab"+"" differs from "a"+"b" */
        h *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int mw_store_article_put(struct mw_store *s, const char *record_json, const char *crawl_outlet,
                         const char *fetched, enum mw_put *result, struct mw_err *err)
{
    *result = MW_PUT_SAME;
    json_error_t je;
    json_t *rec = json_loads(record_json, JSON_DECODE_ANY, &je);
    if (!json_is_object(rec)) {
        json_decref(rec);
        return mw_err_set(err, MW_EPARSE, "store", "record is not a JSON object: %s", je.text);
    }
    const char *url = json_string_value(json_object_get(rec, "url"));
    const char *canon = json_string_value(json_object_get(rec, "canonical_url"));
    const char *key = canon && *canon ? canon : url;
    if (!key) {
        json_decref(rec);
        return mw_err_set(err, MW_EINVAL, "store", "record without url");
    }
    const char *outlet = json_string_value(json_object_get(rec, "outlet"));
    const char *rule = json_string_value(json_object_get(rec, "rule"));
    const char *published = json_string_value(json_object_get(rec, "published"));
    char hash[17];
    text_hash(rec, hash);
    int rc = 0;
    sqlite3_stmt *q = stmt(s, ST_ART_GET);
    bind_text(q, 1, key);
    int64_t id = 0;
    int revs = 0, same = 0;
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(q, 0);
        same = !strcmp((const char *)sqlite3_column_text(q, 1), hash);
        revs = sqlite3_column_int(q, 2);
    }
    sqlite3_reset(q);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        json_decref(rec);
        return db_err(s, err, "article read");
    }
    if (id && same) {
        q = stmt(s, ST_ART_SEEN);
        sqlite3_bind_int64(q, 1, id);
        bind_text(q, 2, fetched);
        rc = step_done(s, q, err, "article update");
    } else if (id) {
        q = stmt(s, ST_ART_UPDATE);
        sqlite3_bind_int64(q, 1, id);
        bind_text(q, 2, url);
        bind_text(q, 3, outlet);
        bind_text(q, 4, rule);
        bind_text(q, 5, published);
        bind_text(q, 6, hash);
        bind_text(q, 7, record_json);
        bind_text(q, 8, fetched);
        rc = step_done(s, q, err, "article update");
        revs++;
        *result = MW_PUT_REVISED;
    } else {
        q = stmt(s, ST_ART_INSERT);
        bind_text(q, 1, key);
        bind_text(q, 2, url);
        bind_text(q, 3, outlet);
        bind_text(q, 4, rule);
        bind_text(q, 5, crawl_outlet);
        bind_text(q, 6, published);
        bind_text(q, 7, hash);
        bind_text(q, 8, record_json);
        bind_text(q, 9, fetched);
        rc = step_done(s, q, err, "article insert");
        id = sqlite3_last_insert_rowid(s->db);
        revs = 1;
        *result = MW_PUT_NEW;
    }
    if (!rc && *result != MW_PUT_SAME) {
        q = stmt(s, ST_REV_INSERT);
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int(q, 2, revs);
        bind_text(q, 3, hash);
        bind_text(q, 4, record_json);
        bind_text(q, 5, fetched);
        rc = step_done(s, q, err, "revision insert");
    }
    json_decref(rec);
    return rc;
}

int mw_store_log(struct mw_store *s, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_LOG);
    sqlite3_bind_int64(q, 1, run_id);
    bind_text(q, 2, f->url);
    bind_text(q, 3, f->kind);
    bind_text(q, 4, f->outlet);
    sqlite3_bind_int64(q, 5, f->status);
    sqlite3_bind_int64(q, 6, (sqlite3_int64)f->bytes);
    sqlite3_bind_double(q, 7, f->ms);
    bind_text(q, 8, f->error);
    bind_text(q, 9, f->fetched);
    return step_done(s, q, err, "fetch log");
}

int mw_store_feed_get(struct mw_store *s, const char *url, char **etag, char **last_modified, struct mw_err *err)
{
    *etag = *last_modified = NULL;
    sqlite3_stmt *q = stmt(s, ST_FEED_GET);
    bind_text(q, 1, url);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const char *e = (const char *)sqlite3_column_text(q, 0), *l = (const char *)sqlite3_column_text(q, 1);
        *etag = e ? strdup(e) : NULL;
        *last_modified = l ? strdup(l) : NULL;
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(s, err, "feed state read");
}

int mw_store_feed_put(struct mw_store *s, const char *url, const char *etag, const char *last_modified,
                      const char *checked, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_FEED_PUT);
    bind_text(q, 1, url);
    bind_text(q, 2, etag);
    bind_text(q, 3, last_modified);
    bind_text(q, 4, checked);
    return step_done(s, q, err, "feed state write");
}

int mw_store_run_begin(struct mw_store *s, const char *started, int64_t *id, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_RUN_BEGIN);
    bind_text(q, 1, started);
    int rc = step_done(s, q, err, "run row");
    *id = rc ? 0 : sqlite3_last_insert_rowid(s->db);
    return rc;
}

int mw_store_run_end(struct mw_store *s, int64_t id, const char *finished, long pages, long articles, long errors,
                     struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_RUN_END);
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, finished);
    sqlite3_bind_int64(q, 3, pages);
    sqlite3_bind_int64(q, 4, articles);
    sqlite3_bind_int64(q, 5, errors);
    return step_done(s, q, err, "run row");
}

int mw_store_fields_put(struct mw_store *s, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_FIELDS_PUT);
    sqlite3_bind_int64(q, 1, run_id);
    bind_text(q, 2, f->rule);
    bind_text(q, 3, f->field);
    sqlite3_bind_int64(q, 4, f->pages);
    sqlite3_bind_int64(q, 5, f->rule_n);
    sqlite3_bind_int64(q, 6, f->fallback_n);
    sqlite3_bind_int64(q, 7, f->empty_n);
    bind_text(q, 8, f->example_url);
    sqlite3_bind_int64(q, 9, f->before_pages);
    sqlite3_bind_int64(q, 10, f->before_rule);
    sqlite3_bind_int(q, 11, f->flagged);
    return step_done(s, q, err, "field stats");
}

int mw_store_fields_before(struct mw_store *s, int64_t run_id, const char *rule, const char *field, long *pages,
                           long *rule_n, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_FIELDS_BEFORE);
    bind_text(q, 1, rule);
    bind_text(q, 2, field);
    sqlite3_bind_int64(q, 3, run_id);
    int rc = sqlite3_step(q);
    *pages = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
    *rule_n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 1) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : db_err(s, err, "field stats read");
}

int mw_store_layout_alerts(struct mw_store *s, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_FIELDS_ALERTS);
    sqlite3_bind_int64(q, 1, min_pages);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct mw_store_fields f = {(const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
                                    (const char *)sqlite3_column_text(q, 10), (long)sqlite3_column_int64(q, 4),
                                    (long)sqlite3_column_int64(q, 5), (long)sqlite3_column_int64(q, 6),
                                    (long)sqlite3_column_int64(q, 7), (long)sqlite3_column_int64(q, 8),
                                    (long)sqlite3_column_int64(q, 9), 1};
        if (fn(ctx, sqlite3_column_int64(q, 2), (const char *)sqlite3_column_text(q, 3), &f))
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    sqlite3_reset(q);
    return bad ? db_err(s, err, "field stats read") : 0;
}

int mw_store_export(struct mw_store *s, const char *since, const char *outlet, mw_store_article_fn fn, void *ctx,
                    struct mw_err *err)
{
    struct mw_store_filter f = {.since = since, .outlet = outlet};
    return mw_store_export_filtered(s, &f, fn, ctx, err);
}

int mw_store_export_filtered(struct mw_store *s, const struct mw_store_filter *f, mw_store_article_fn fn, void *ctx,
                             struct mw_err *err)
{
    sqlite3_stmt *q = NULL;
    /* the record's own fields through json_extract; dates through julianday, which reads the zone */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT record FROM articles WHERE (?1 IS NULL OR last_seen >= ?1) AND (?2 IS NULL OR "
                           "outlet = ?2 OR rule = ?2 OR crawl_outlet = ?2) "
                           "AND (?3 IS NULL OR julianday(json_extract(record, '$.published')) >= julianday(?3)) "
                           "AND (?4 IS NULL OR julianday(json_extract(record, '$.published')) < julianday(?4)) "
                           "AND (?5 IS NULL OR json_extract(record, '$.lang') = ?5) "
                           "AND (?6 IS NULL OR json_extract(record, '$.rule') = ?6) "
                           "AND (?7 = 0 OR (coalesce(json_extract(record, '$.title'), '') <> '' AND "
                           "coalesce(json_extract(record, '$.body'), '') <> '' AND "
                           "julianday(json_extract(record, '$.published')) IS NOT NULL)) "
                           "ORDER BY first_seen, id LIMIT ?8",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "export");
    bind_text(q, 1, f->since);
    bind_text(q, 2, f->outlet);
    bind_text(q, 3, f->published_since);
    bind_text(q, 4, f->published_before);
    bind_text(q, 5, f->lang);
    bind_text(q, 6, f->rule);
    sqlite3_bind_int(q, 7, f->complete != 0);
    sqlite3_bind_int64(q, 8, f->max > 0 ? f->max : -1);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(q, 0)))
            break;
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    if (bad)
        db_err(s, err, "export");
    sqlite3_finalize(q);
    return bad ? err ? err->code : MW_EIO : 0;
}

/* ---- the "sqlite" sink ---- */

struct sink_state {
    struct mw_store *store;
    struct mw_story_store *stories;   /* core/story's tables, opened at the first new article */
    int owned;
    int last;
    int64_t run_id;
    char outlet[256];
};

static void fetched_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int sink_open(void **state, const char *config_json, char *errbuf, size_t cap)
{
    json_t *cfg = json_loads(config_json ? config_json : "{}", 0, NULL);
    const char *path = json_string_value(json_object_get(cfg, "path"));
    struct mw_err err = {0};
    struct mw_store *s = path ? mw_store_open(path, &err) : NULL;
    if (!path)
        snprintf(errbuf, cap, "sqlite sink: no \"path\" in its config");
    else if (!s)
        snprintf(errbuf, cap, "sqlite sink: %s", err.msg);
    json_decref(cfg);
    if (!s)
        return 1;
    struct sink_state *st = mw_store_sink_bind(s);
    if (!st) {
        mw_store_free(s);
        snprintf(errbuf, cap, "sqlite sink: out of memory");
        return 1;
    }
    st->owned = 1;
    *state = st;
    return 0;
}

static int sink_record(void *state, const char *record_json, char *errbuf, size_t cap)
{
    struct sink_state *st = state;
    st->last = MW_PUT_SAME;
    json_t *rec = json_loads(record_json, 0, NULL);
    json_t *e = json_object_get(rec, "error");
    int is_error = !rec || (e && !json_is_null(e));
    json_t *f = json_object_get(rec, "fetched");
    char now[32];
    fetched_now(now);
    const char *fetched = json_is_string(f) ? json_string_value(f) : now;
    struct mw_err err = {0};
    enum mw_put put = MW_PUT_SAME;
    int rc = is_error ? 0 : mw_store_article_put(st->store, record_json, st->outlet[0] ? st->outlet : NULL, fetched,
                                                 &put, &err);
    /* stories (core/story): a new article joins its story in this same transaction */
    if (!rc && put == MW_PUT_NEW)
        rc = mw_story_store_hook_record(&st->stories, st->store, 0, rec, &err);
    json_decref(rec);
    st->last = put;
    if (rc)
        snprintf(errbuf, cap, "sqlite sink: %s", err.msg);
    return rc ? 1 : 0;
}

static void sink_close(void *state)
{
    struct sink_state *st = state;
    if (!st)
        return;
    mw_story_store_free(st->stories);
    if (st->owned)
        mw_store_free(st->store);
    free(st);
}

static const struct mw_sink_ops SINK_OPS = {
    .open = sink_open,
    .on_fetch = NULL,
    .on_record = sink_record,
    .flush = NULL,   /* every write is committed by its transaction */
    .close = sink_close,
};

const struct mw_sink_ops *mw_store_sink_ops(void) { return &SINK_OPS; }

struct sqlite3 *mw_store_db(struct mw_store *s) { return s->db; }

void *mw_store_sink_bind(struct mw_store *s)
{
    struct sink_state *st = calloc(1, sizeof *st);
    if (st)
        st->store = s;
    return st;
}

void mw_store_sink_set_context(void *state, const char *outlet, int64_t run_id)
{
    struct sink_state *st = state;
    snprintf(st->outlet, sizeof st->outlet, "%s", outlet ? outlet : "");
    st->run_id = run_id;
}

int mw_store_sink_last(void *state) { return ((struct sink_state *)state)->last; }
