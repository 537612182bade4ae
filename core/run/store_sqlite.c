/* run/store_sqlite.c: the SQLite back end of run/store.h: schema (examples/store.md) and its migrations,
 * persistent prepared statements, WAL, and the frontier's seen-set: an in-memory hash table of url -> row id
 * over an append-only table, so a frontier of ten million stays fast. What goes in when is run/crawl.c's. */
#include "run/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "meta/date.h"
#include "run/lease_pick.h"
#include "run/sqlar.h"
#include "run/store_sqlite_sql.h"

/* ---- schema ---------------------------------------------------------------------------------------- */

static const char PRAGMAS[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA cache_size=-8192;";   /* 8 MB: appends need little; the articles' key index is what reads at random */

/* Version 2. Every time is ISO 8601 UTC text ("2026-03-01T10:00:00Z"), published too (the record keeps the
 * page's own offset; a date the page gave without one stays as given); states are names. Each record is kept
 * once: in revisions, the current one being the article's latest (article_rows.revisions); `articles` is the
 * view people query. */
static const char SCHEMA_V2[] =
    "CREATE TABLE schema_version(version INTEGER NOT NULL);"
    "CREATE TABLE article_rows("
    "  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL, outlet TEXT, rule TEXT,"
    "  crawl_outlet TEXT, title TEXT, authors TEXT, published TEXT, lang TEXT, body_chars INTEGER,"
    "  hash TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
    "  revisions INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX article_rows_last_seen ON article_rows(last_seen);"
    "CREATE TABLE IF NOT EXISTS revisions("
    "  id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES article_rows(id), rev INTEGER NOT NULL,"
    "  hash TEXT NOT NULL, record TEXT NOT NULL, fetched TEXT NOT NULL, UNIQUE(article_id, rev));"
    "CREATE VIEW articles AS SELECT a.id, a.key, a.url, a.outlet, a.rule, a.crawl_outlet, a.title, a.authors,"
    "  a.published, a.lang, a.body_chars, a.hash, r.record, a.first_seen, a.last_seen, a.revisions"
    "  FROM article_rows a JOIN revisions r ON r.article_id = a.id AND r.rev = a.revisions;"
    "CREATE TABLE IF NOT EXISTS fetch_log("
    "  id INTEGER PRIMARY KEY, run_id INTEGER, url TEXT NOT NULL, kind TEXT, outlet TEXT, status INTEGER,"
    "  bytes INTEGER, ms REAL, error TEXT, fetched TEXT NOT NULL);"
    "CREATE TABLE frontier("
    "  id INTEGER PRIMARY KEY, url TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued'"
    "  CHECK(state = 'queued' OR state = 'done' OR state = 'error' OR state = 'robots'), outlet TEXT, discovered TEXT NOT NULL,"
    "  lastmod TEXT, fetched TEXT, tries INTEGER NOT NULL DEFAULT 0);"
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
    "  flagged INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(rule, field, run_id));"
    "INSERT INTO schema_version VALUES(2);";

/* Version 1 (no schema_version table: stores made before it) -> 2: the current record moves out of articles
 * (its latest revision holds the same text), title/authors/published/lang become columns, frontier states
 * become names and its epoch seconds ISO text, in the old resume order. The tables v1 and v2 share stay. */
static const char MIGRATE_1_2[] =
    "ALTER TABLE articles RENAME TO articles_v1;"
    "ALTER TABLE frontier RENAME TO frontier_v1;"
    "DROP INDEX IF EXISTS articles_last_seen;"
    "DROP INDEX IF EXISTS frontier_state;"
    "CREATE TABLE schema_version(version INTEGER NOT NULL);"
    "CREATE TABLE article_rows("
    "  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL, outlet TEXT, rule TEXT,"
    "  crawl_outlet TEXT, title TEXT, authors TEXT, published TEXT, lang TEXT, body_chars INTEGER,"
    "  hash TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
    "  revisions INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX article_rows_last_seen ON article_rows(last_seen);"
    /* a current record without its revision row (none in stores of v1, but be sure) becomes one */
    "INSERT INTO revisions(article_id, rev, hash, record, fetched) SELECT a.id, a.revisions, a.hash, a.record,"
    "  a.last_seen FROM articles_v1 a WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = a.id"
    "  AND r.rev = a.revisions);"
    "INSERT INTO article_rows(id, key, url, outlet, rule, crawl_outlet, title, authors, published, lang,"
    "  body_chars, hash, first_seen, last_seen, revisions)"
    "  SELECT id, key, url, outlet, rule, crawl_outlet, json_extract(record, '$.title'),"
    "  (SELECT group_concat(value, '; ') FROM json_each(record, '$.authors') WHERE type = 'text'),"
    "  CASE WHEN published GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR published GLOB '*Z'"
    "  THEN coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', published), published) ELSE published END,"
    "  json_extract(record, '$.lang'), length(json_extract(record, '$.body')), hash, first_seen,"
    "  last_seen, revisions FROM articles_v1;"
    "UPDATE revisions SET record = (SELECT a.record FROM articles_v1 a WHERE a.id = revisions.article_id)"
    "  WHERE rev = (SELECT a.revisions FROM articles_v1 a WHERE a.id = revisions.article_id)"
    "  AND record <> (SELECT a.record FROM articles_v1 a WHERE a.id = revisions.article_id);"
    "DROP TABLE articles_v1;"
    "CREATE VIEW articles AS SELECT a.id, a.key, a.url, a.outlet, a.rule, a.crawl_outlet, a.title, a.authors,"
    "  a.published, a.lang, a.body_chars, a.hash, r.record, a.first_seen, a.last_seen, a.revisions"
    "  FROM article_rows a JOIN revisions r ON r.article_id = a.id AND r.rev = a.revisions;"
    "CREATE TABLE frontier("
    "  id INTEGER PRIMARY KEY, url TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued'"
    "  CHECK(state = 'queued' OR state = 'done' OR state = 'error' OR state = 'robots'), outlet TEXT, discovered TEXT NOT NULL,"
    "  lastmod TEXT, fetched TEXT, tries INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO frontier(url, state, outlet, discovered, lastmod, fetched, tries)"
    "  SELECT url, CASE state WHEN 1 THEN 'done' WHEN 2 THEN 'error' WHEN 3 THEN 'robots' ELSE 'queued' END,"
    "  outlet, strftime('%Y-%m-%dT%H:%M:%SZ', discovered, 'unixepoch'),"
    "  CASE WHEN lastmod > 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', lastmod, 'unixepoch') END,"
    "  CASE WHEN fetched > 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', fetched, 'unixepoch') END, tries"
    "  FROM frontier_v1 ORDER BY discovered, url;"
    "DROP TABLE frontier_v1;"
    /* the text hash of version 2 (run/store.c), so an unchanged page seen again stays one revision */
    "UPDATE revisions SET hash = mw_text_hash(json_extract(record, '$.title'), json_extract(record, '$.body'));"
    "UPDATE article_rows SET hash = (SELECT r.hash FROM revisions r WHERE r.article_id = article_rows.id"
    "  AND r.rev = article_rows.revisions);"
    "INSERT INTO schema_version VALUES(2);";

/* Migrations in order: MIGRATIONS[v] takes a store of version v to v + 1. Other modules' tables (stories,
 * core/story) join as a further step here, and MW_STORE_SCHEMA moves up with it. */
/* Version 2 -> 3: the shared crawl (many workers over one store, run/store.h): frontier leases, workers and
 * their heartbeats, per-host politeness and the robots.txt cache, which worker reads a source when, and a log
 * of leases taken over from a worker that died. Times here are epoch milliseconds of the store's clock. */
static const char MIGRATE_2_3[] =
    "ALTER TABLE frontier ADD COLUMN claimed_by INTEGER;"
    "ALTER TABLE frontier ADD COLUMN lease_until INTEGER;"
    "ALTER TABLE frontier ADD COLUMN last_by INTEGER;"
    "ALTER TABLE frontier ADD COLUMN leases INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX frontier_claimed ON frontier(claimed_by) WHERE claimed_by IS NOT NULL;"
    "CREATE INDEX frontier_todo ON frontier(id) WHERE state = 'queued' OR state = 'error';"
    "CREATE TABLE workers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, host TEXT, pid INTEGER,"
    "  started INTEGER NOT NULL, beat INTEGER NOT NULL, pages INTEGER NOT NULL DEFAULT 0, stopped INTEGER);"
    "CREATE TABLE hosts(host TEXT PRIMARY KEY, busy_by INTEGER, busy_until INTEGER,"
    "  next_at INTEGER NOT NULL DEFAULT 0, delay_ms INTEGER, failures INTEGER NOT NULL DEFAULT 0,"
    "  robots TEXT, robots_status INTEGER, robots_expires INTEGER, robots_by INTEGER, robots_until INTEGER);"
    "CREATE TABLE source_claims(url TEXT PRIMARY KEY, taken_by INTEGER, taken_until INTEGER, read_at INTEGER);"
    "CREATE TABLE takeovers(url TEXT NOT NULL, worker INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  prev_worker INTEGER NOT NULL, prev_until INTEGER);"
    "UPDATE schema_version SET version = 3;";

/* Version 3 -> 4: records are stored compressed (run/sqlar.h): revisions.record holds zlib's bytes and
 * revisions.size the JSON's length; a row with size NULL holds its JSON as text (every row written before
 * version 4: they stay as they are, the migration rewrites nothing). The view reads both through
 * sqlar_uncompress, which the sqlite3 tool has built in and moonwire defines on its connections. */
#define RECORD_OF(r) "CAST(sqlar_uncompress(" r ".record, " r ".size) AS TEXT)"
static const char MIGRATE_3_4[] =
    "ALTER TABLE revisions ADD COLUMN size INTEGER;"
    "DROP VIEW articles;"
    "CREATE VIEW articles AS SELECT a.id, a.key, a.url, a.outlet, a.rule, a.crawl_outlet, a.title, a.authors,"
    "  a.published, a.lang, a.body_chars, a.hash, " RECORD_OF("r") " AS record, a.first_seen, a.last_seen,"
    "  a.revisions FROM article_rows a JOIN revisions r ON r.article_id = a.id AND r.rev = a.revisions;"
    "UPDATE schema_version SET version = 4;";

static const char *const MIGRATIONS[MW_STORE_SCHEMA] = {NULL, MIGRATE_1_2, MIGRATE_2_3, MIGRATE_3_4};

/* ---- statements ------------------------------------------------------------------------------------ */

enum {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_DATA_VERSION,
    ST_FR_INSERT, ST_FR_ROW, ST_FR_REQUEUE, ST_FR_SET, ST_FR_PENDING, ST_FR_COUNT, ST_FR_SCAN,
    ST_ART_GET, ST_ART_INSERT, ST_ART_UPDATE, ST_ART_SEEN, ST_REV_INSERT, ST_ART_RECORD,
    ST_LOG, ST_FEED_GET, ST_FEED_PUT, ST_RUN_BEGIN, ST_RUN_END,
    ST_FIELDS_PUT, ST_FIELDS_BEFORE, ST_FIELDS_ALERTS,
    ST_LEASE_CAND, ST_LEASE_ROW, ST_LEASE_SET, ST_TAKEOVER, ST_FR_FINISH, ST_BEAT_W, ST_BEAT_F,
    ST_HOST_ADD, ST_HOST_TAKE, ST_HOST_ROW, ST_HOST_RELEASE,
    ST_N
};

static const char *const SQL[ST_N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_FR_INSERT] = "INSERT INTO frontier(url, state, outlet, discovered, lastmod) VALUES(?1, 'queued', ?2, ?3, ?4)",
    [ST_FR_ROW] = "SELECT url, state, fetched FROM frontier WHERE id = ?1",
    [ST_FR_REQUEUE] = "UPDATE frontier SET state = 'queued', lastmod = ?2, tries = 0 WHERE id = ?1",
    [ST_FR_SET] = "UPDATE frontier SET state = ?2, tries = CASE WHEN ?3 >= 0 THEN ?3 ELSE tries END, "
                  "fetched = CASE WHEN ?2 = 'done' THEN ?4 ELSE fetched END WHERE id = ?1 AND url = ?5",
    [ST_FR_PENDING] = "SELECT url, outlet, tries FROM frontier WHERE state = 'queued' OR (state = 'error' AND "
                      "tries < ?1) ORDER BY id",
    [ST_FR_COUNT] = "SELECT count(*) FROM frontier WHERE state = ?1",
    [ST_FR_SCAN] = "SELECT id, url, state, outlet, tries FROM frontier WHERE id > ?1 ORDER BY id",
    [ST_ART_GET] = "SELECT id, hash, revisions FROM article_rows WHERE key = ?1",
    [ST_ART_INSERT] = "INSERT INTO article_rows(key, url, outlet, rule, crawl_outlet, title, authors, published, "
                      "lang, body_chars, hash, first_seen, last_seen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                      "?10, ?11, ?12, ?12)",
    [ST_ART_UPDATE] = "UPDATE article_rows SET url = ?2, outlet = ?3, rule = ?4, title = ?5, authors = ?6, "
                      "published = ?7, lang = ?8, body_chars = ?9, hash = ?10, last_seen = ?11, revisions = ?12 "
                      "WHERE id = ?1",
    [ST_ART_SEEN] = "UPDATE article_rows SET last_seen = ?2 WHERE id = ?1",
    [ST_REV_INSERT] = "INSERT INTO revisions(article_id, rev, hash, record, fetched, size) VALUES(?1, ?2, ?3, ?4, "
                      "?5, ?6)",
    [ST_ART_RECORD] = "SELECT record FROM articles WHERE key = ?1",
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
    /* the shared crawl: ?now is epoch ms */
    /* the first ?4 rows to do that no live lease holds, in discovery order, with their host as the PostgreSQL
     * store computes it (a sitemap lists one host's pages together); the first term is frontier_todo's */
    [ST_LEASE_CAND] = "SELECT id, substr(url, instr(url, '://') + 3, instr(substr(url, instr(url, '://') + 3) || "
                      "'/', '/') - 1) FROM frontier WHERE (state = 'queued' OR state = 'error') AND (state = "
                      "'queued' OR (state = 'error' AND tries < ?1 AND last_by IS NOT ?3)) AND (claimed_by IS NULL "
                      "OR lease_until < ?2) ORDER BY id LIMIT ?4",
    [ST_LEASE_ROW] = "SELECT url, outlet, tries, claimed_by, lease_until FROM frontier WHERE id = ?1",
    [ST_LEASE_SET] = "UPDATE frontier SET claimed_by = ?2, lease_until = ?3, leases = leases + 1 WHERE id = ?1",
    [ST_TAKEOVER] = "INSERT INTO takeovers(url, worker, at, prev_worker, prev_until) VALUES(?1, ?2, ?3, ?4, ?5)",
    [ST_FR_FINISH] = "UPDATE frontier SET state = ?2, tries = CASE WHEN ?3 >= 0 THEN ?3 ELSE tries END, "
                     "fetched = CASE WHEN ?2 = 'done' THEN ?4 ELSE fetched END, claimed_by = NULL, "
                     "lease_until = NULL, last_by = ?6 WHERE id = ?1 AND url = ?5 AND claimed_by = ?6",
    [ST_BEAT_W] = "UPDATE workers SET beat = ?2, pages = ?3 WHERE id = ?1",
    [ST_BEAT_F] = "UPDATE frontier SET lease_until = ?2 WHERE claimed_by = ?1 AND state IN ('queued', 'error')",
    [ST_HOST_ADD] = "INSERT OR IGNORE INTO hosts(host) VALUES(?1)",
    [ST_HOST_TAKE] = "UPDATE hosts SET busy_by = ?2, busy_until = ?3 + ?4 WHERE host = ?1 AND next_at <= ?3 AND "
                     "(busy_by IS NULL OR busy_until < ?3) AND ?2 = ?2",
    [ST_HOST_ROW] = "SELECT next_at, busy_by, busy_until, coalesce(delay_ms, 0) FROM hosts WHERE host = ?1",
    [ST_HOST_RELEASE] = "UPDATE hosts SET busy_by = NULL, busy_until = NULL, next_at = ?3 + ?4, delay_ms = ?4, "
                        "failures = CASE WHEN ?5 THEN failures + 1 ELSE 0 END WHERE host = ?1 AND busy_by = ?2",
};

/* ---- the seen-set ------------------------------------------------------------------------------------
 * Open addressing over 64-bit url hashes, each slot naming a frontier row; a hash match is confirmed by
 * reading the row, so a collision costs one read and never a lost url. Built from the table on first use,
 * caught up with rows other connections committed (PRAGMA data_version) at each begin. */
struct seen {
    uint64_t *hash;      /* 0 = empty slot */
    uint32_t *id;
    size_t cap, n;       /* cap: a power of two, kept above n / 0.7 */
    int64_t max_id;      /* highest row id in the table */
    int loaded;
};

struct sq {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[ST_N];
    int in_tx;
    int64_t data_version;
    struct seen seen;
    int64_t iso_t;       /* the last epoch second formatted, and its text */
    char iso[32];
    struct mw_sqlar_z *z; /* records are compressed through it (made at the first) */
    struct mw_sqlite_sql *sql;   /* other modules' statements (the SQL seam) */
};

static int db_err(struct sq *s, struct mw_err *err, const char *what)
{
    return mw_err_set(err, MW_EIO, "store", "%s: %s: %s", s->path ? s->path : "store", what,
                      s->db ? sqlite3_errmsg(s->db) : "no database");
}

/* The prepared statement, reset and unbound for a new use. */
static sqlite3_stmt *stmt(struct sq *s, int i)
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
static int step_done(struct sq *s, sqlite3_stmt *q, struct mw_err *err, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(s, err, what);
}

static const char *iso_of(struct sq *s, int64_t t)
{
    if (t != s->iso_t || !s->iso[0]) {
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(s->iso, sizeof s->iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        s->iso_t = t;
    }
    return s->iso;
}

static uint64_t url_hash(const char *u)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h ^= h >> 33;   /* splitmix64's finaliser: FNV's low bits alone are weak for the slot index */
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static void seen_clear(struct seen *m)
{
    free(m->hash);
    free(m->id);
    memset(m, 0, sizeof *m);
}

static int seen_grow(struct seen *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *h = calloc(cap, sizeof *h);
    uint32_t *id = malloc(cap * sizeof *id);
    if (!h || !id) {
        free(h);
        free(id);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->hash[i])
            continue;
        size_t k = m->hash[i] & (cap - 1);
        while (h[k])
            k = (k + 1) & (cap - 1);
        h[k] = m->hash[i];
        id[k] = m->id[i];
    }
    free(m->hash);
    free(m->id);
    m->hash = h;
    m->id = id;
    m->cap = cap;
    return 0;
}

static int seen_put(struct seen *m, uint64_t h, int64_t id)
{
    if (id > (int64_t)UINT32_MAX)
        return -1;
    if ((m->n + 1) * 10 > m->cap * 7 && seen_grow(m))
        return -1;
    size_t k = h & (m->cap - 1);
    while (m->hash[k])
        k = (k + 1) & (m->cap - 1);
    m->hash[k] = h;
    m->id[k] = (uint32_t)id;
    m->n++;
    if (id > m->max_id)
        m->max_id = id;
    return 0;
}

/* Rows past the last one the set knows (all of them the first time). */
static int seen_catch_up(struct sq *s, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_FR_SCAN);
    sqlite3_bind_int64(q, 1, s->seen.max_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (seen_put(&s->seen, url_hash((const char *)sqlite3_column_text(q, 1)), sqlite3_column_int64(q, 0))) {
            sqlite3_reset(q);
            return mw_err_set(err, MW_ENOMEM, "store", "out of memory for the frontier's seen-set");
        }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "frontier read");
    s->seen.loaded = 1;
    return 0;
}

/* Has another connection committed since we last looked? Then its frontier rows join the set. */
static int seen_refresh(struct sq *s, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_DATA_VERSION);
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_reset(q);
    int changed = v != s->data_version;
    s->data_version = v;
    return s->seen.loaded && !changed ? 0 : seen_catch_up(s, err);
}

struct fr_row {
    int64_t id;
    char state[8];
    char fetched[32];
};

/* The frontier row of url, if any: 1 found, 0 not, -1 on a read error. */
static int seen_find(struct sq *s, const char *url, uint64_t h, struct fr_row *row, struct mw_err *err)
{
    struct seen *m = &s->seen;
    for (size_t k = m->cap ? h & (m->cap - 1) : 0; m->cap && m->hash[k]; k = (k + 1) & (m->cap - 1)) {
        if (m->hash[k] != h)
            continue;
        sqlite3_stmt *q = stmt(s, ST_FR_ROW);
        sqlite3_bind_int64(q, 1, m->id[k]);
        int rc = sqlite3_step(q);
        int same = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(q, 0), url);
        if (same) {
            const char *st = (const char *)sqlite3_column_text(q, 1), *f = (const char *)sqlite3_column_text(q, 2);
            row->id = m->id[k];
            snprintf(row->state, sizeof row->state, "%s", st ? st : "");
            snprintf(row->fetched, sizeof row->fetched, "%s", f ? f : "");
        }
        sqlite3_reset(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            db_err(s, err, "frontier read");
            return -1;
        }
        if (same)
            return 1;
    }
    return 0;
}

/* ---- open / close / transactions ------------------------------------------------------------------- */

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

static int exec(struct sq *s, const char *sql, struct mw_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    mw_err_set(err, MW_EIO, "store", "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return MW_EIO;
}

static int int_query(struct sq *s, const char *sql, long *out)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    *out = 0;
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The schema version of the file: 0 for a new file, 1 for stores made before schema_version existed. */
static int schema_version(struct sq *s, long *v, struct mw_err *err)
{
    long has_version, has_articles;
    if (int_query(s, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'", &has_version) ||
        int_query(s, "SELECT count(*) FROM sqlite_master WHERE name = 'articles' AND type = 'table'", &has_articles))
        return db_err(s, err, "schema");
    if (has_version)
        return int_query(s, "SELECT max(version) FROM schema_version", v) ? db_err(s, err, "schema") : 0;
    *v = has_articles ? 1 : 0;
    return 0;
}

/* mw_text_hash(title, body): the store's text hash, for migrations (NULL counts as ""). */
static void sql_text_hash(sqlite3_context *cx, int argc, sqlite3_value **v)
{
    (void)argc;
    char out[17];
    mw_store_text_hash_of((const char *)sqlite3_value_text(v[0]), (size_t)sqlite3_value_bytes(v[0]),
                          (const char *)sqlite3_value_text(v[1]), (size_t)sqlite3_value_bytes(v[1]), out);
    sqlite3_result_text(cx, out, 16, SQLITE_TRANSIENT);
}

/* Create the schema, or take an older one up to this build's, in one transaction: a migration that fails
 * leaves the store as it was. */
static int schema(struct sq *s, struct mw_err *err)
{
    if (exec(s, PRAGMAS, err) || exec(s, "BEGIN IMMEDIATE", err))
        return MW_EIO;
    sqlite3_create_function(s->db, "mw_text_hash", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_text_hash,
                            NULL, NULL);
    mw_sqlar_register(s->db);   /* the view reads records through sqlar_uncompress */
    long v = 0;
    int rc = schema_version(s, &v, err);
    if (!rc && v > MW_STORE_SCHEMA)
        rc = mw_err_set(err, MW_EINVAL, "store", "%s: schema version %ld is newer than this moonwire's (%d): "
                        "upgrade moonwire", s->path, v, MW_STORE_SCHEMA);
    if (!rc && v == 0) {   /* a new file: version 2, then the steps after it like any older store */
        rc = exec(s, SCHEMA_V2, err);
        v = 2;
    }
    for (long k = v; !rc && k < MW_STORE_SCHEMA; k++)
        rc = exec(s, MIGRATIONS[k], err);
    if (rc) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return exec(s, "COMMIT", err);
}

static void sq_close(void *db);

void *mw_store_sqlite_open(const char *path, struct mw_err *err)
{
    if (make_parent(path, err))
        return NULL;
    struct sq *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        mw_err_set(err, MW_ENOMEM, "store", "out of memory");
        return NULL;
    }
    s->data_version = -1;
    s->iso_t = -1;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        mw_err_set(err, MW_EIO, "store", "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        sq_close(s);
        return NULL;
    }
    /* another process (an export, a second run) may hold the lock for a moment */
    sqlite3_busy_timeout(s->db, 10000);
    if (schema(s, err)) {
        sq_close(s);
        return NULL;
    }
    for (int i = 0; i < ST_N; i++)
        if (sqlite3_prepare_v3(s->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
            mw_err_set(err, MW_EIO, "store", "%s: %s", path, sqlite3_errmsg(s->db));
            sq_close(s);
            return NULL;
        }
    return s;
}

static void sq_rollback(void *db);

static void sq_close(void *db)
{
    struct sq *s = db;
    if (!s)
        return;
    if (s->in_tx)
        sq_rollback(s);
    for (int i = 0; i < ST_N; i++)
        sqlite3_finalize(s->st[i]);
    mw_sqlite_sql_free(s->sql);
    sqlite3_close(s->db);
    seen_clear(&s->seen);
    mw_sqlar_z_free(s->z);
    free(s->path);
    free(s);
}

static int sq_begin(void *db, struct mw_err *err)
{
    struct sq *s = db;
    if (s->in_tx)
        return mw_err_set(err, MW_EINVAL, "store", "a transaction is already open");
    int rc = step_done(s, stmt(s, ST_BEGIN), err, "begin");
    if (!rc)
        s->in_tx = 1;
    /* with the write lock held, nobody else can add rows until commit: the set is exact for the whole tx */
    if (!rc && s->seen.loaded && (rc = seen_refresh(s, err)))
        sq_rollback(s);
    return rc;
}

static int sq_commit(void *db, struct mw_err *err)
{
    struct sq *s = db;
    if (!s->in_tx)
        return 0;
    int rc = step_done(s, stmt(s, ST_COMMIT), err, "commit");
    if (rc)
        sq_rollback(s);
    s->in_tx = 0;
    return rc;
}

static void sq_rollback(void *db)
{
    struct sq *s = db;
    if (!s || !s->in_tx)
        return;
    s->in_tx = 0;
    /* rows added in the transaction are gone: the set forgets them (it is rebuilt on next use) */
    seen_clear(&s->seen);
    if (sqlite3_get_autocommit(s->db))
        return;
    sqlite3_stmt *q = stmt(s, ST_ROLLBACK);
    sqlite3_step(q);
    sqlite3_reset(q);
}

/* ---- frontier -------------------------------------------------------------------------------------- */

static int seen_ready(struct sq *s, struct mw_err *err)
{
    /* outside a transaction another connection may add rows between two calls */
    if (!s->seen.loaded || !s->in_tx)
        return seen_refresh(s, err);
    return 0;
}

static int sq_frontier_add(void *db, const char *url, const char *outlet, int64_t lastmod, int64_t now, int *added,
                           struct mw_err *err)
{
    struct sq *s = db;
    *added = 0;
    if (seen_ready(s, err))
        return err ? err->code : MW_EIO;
    uint64_t h = url_hash(url);
    struct fr_row row;
    int found = seen_find(s, url, h, &row, err);
    if (found < 0)
        return err ? err->code : MW_EIO;
    char lm[32] = "";
    if (lastmod > 0)
        snprintf(lm, sizeof lm, "%s", iso_of(s, lastmod));
    if (found) {
        /* known: fetch again only when it was stored before the source's date for it */
        if (lastmod <= 0 || strcmp(row.state, "done") || strcmp(row.fetched, lm) >= 0)
            return 0;
        sqlite3_stmt *q = stmt(s, ST_FR_REQUEUE);
        sqlite3_bind_int64(q, 1, row.id);
        bind_text(q, 2, lm);
        if (step_done(s, q, err, "frontier requeue"))
            return err ? err->code : MW_EIO;
        *added = 1;
        return 0;
    }
    sqlite3_stmt *q = stmt(s, ST_FR_INSERT);
    bind_text(q, 1, url);
    bind_text(q, 2, outlet);
    bind_text(q, 3, iso_of(s, now));
    bind_text(q, 4, lm[0] ? lm : NULL);
    if (step_done(s, q, err, "frontier insert"))
        return err ? err->code : MW_EIO;
    if (seen_put(&s->seen, h, sqlite3_last_insert_rowid(s->db)))
        return mw_err_set(err, MW_ENOMEM, "store", "out of memory for the frontier's seen-set");
    *added = 1;
    return 0;
}

/* The pending rows (no index: the table is only appended to, an index would cost a fifth of every insert).
 * The first time, one scan both builds the seen-set and finds them. */
static int sq_frontier_claim(void *db, int max_tries, mw_store_frontier_fn fn, void *ctx, struct mw_err *err)
{
    struct sq *s = db;
    int first = !s->seen.loaded;
    if (!first && seen_refresh(s, err))
        return err ? err->code : MW_EIO;
    sqlite3_stmt *q = stmt(s, first ? ST_FR_SCAN : ST_FR_PENDING);
    sqlite3_bind_int64(q, 1, first ? s->seen.max_id : max_tries);
    int rc, stopped = 0, oom = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int c = first ? 1 : 0;   /* the columns after id in the scan */
        const char *url = (const char *)sqlite3_column_text(q, c), *st = (const char *)sqlite3_column_text(q, c + 1);
        if (first && seen_put(&s->seen, url_hash(url), sqlite3_column_int64(q, 0)))
            oom = 1;
        if (first && !(st && (!strcmp(st, "queued") || (!strcmp(st, "error") && sqlite3_column_int(q, 4) < max_tries))))
            continue;
        if (!stopped && fn(ctx, url, (const char *)sqlite3_column_text(q, first ? 3 : 1),
                           sqlite3_column_int(q, first ? 4 : 2)))
            stopped = 1;
        if (stopped && !first)
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    sqlite3_reset(q);
    if (first && !bad && !oom) {
        s->seen.loaded = 1;
        sqlite3_stmt *v = stmt(s, ST_DATA_VERSION);
        s->data_version = sqlite3_step(v) == SQLITE_ROW ? sqlite3_column_int64(v, 0) : -1;
        sqlite3_reset(v);
    }
    if (oom) {
        seen_clear(&s->seen);
        return mw_err_set(err, MW_ENOMEM, "store", "out of memory for the frontier's seen-set");
    }
    return bad ? db_err(s, err, "frontier read") : 0;
}

static int sq_frontier_complete(void *db, const char *url, enum mw_fstate st, int tries, int64_t now,
                                struct mw_err *err)
{
    struct sq *s = db;
    if (seen_ready(s, err))
        return err ? err->code : MW_EIO;
    uint64_t h = url_hash(url);
    struct seen *m = &s->seen;
    /* every row with url's hash: the statement itself checks the url */
    for (size_t k = m->cap ? h & (m->cap - 1) : 0; m->cap && m->hash[k]; k = (k + 1) & (m->cap - 1)) {
        if (m->hash[k] != h)
            continue;
        sqlite3_stmt *q = stmt(s, ST_FR_SET);
        sqlite3_bind_int64(q, 1, m->id[k]);
        bind_text(q, 2, mw_store_state_name(st));
        sqlite3_bind_int(q, 3, tries);
        bind_text(q, 4, iso_of(s, now));
        bind_text(q, 5, url);
        if (step_done(s, q, err, "frontier update"))
            return err ? err->code : MW_EIO;
        if (sqlite3_changes(s->db) > 0)
            break;
    }
    return 0;
}

static long sq_frontier_count(void *db, enum mw_fstate st)
{
    struct sq *s = db;
    sqlite3_stmt *q = stmt(s, ST_FR_COUNT);
    bind_text(q, 1, mw_store_state_name(st));
    long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : -1;
    sqlite3_reset(q);
    return n;
}

/* ---- articles -------------------------------------------------------------------------------------- */

static int rev_insert(struct sq *s, int64_t id, int rev, const char *hash, const struct mw_store_article *a,
                      struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_REV_INSERT);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int(q, 2, rev);
    bind_text(q, 3, hash);
    size_t zlen;
    const unsigned char *z;
    if (!s->z && !a->z)
        s->z = mw_sqlar_z_new();   /* NULL (no memory): the record is stored as text */
    if (a->z) {   /* deflated already, by the writer before it took the lock */
        z = a->z;
        zlen = a->zlen;
    }
    if (a->z || (s->z && mw_sqlar_z_compress(s->z, a->json, a->json_len, &z, &zlen))) {
        sqlite3_bind_blob(q, 4, z, (int)zlen, SQLITE_STATIC);
        sqlite3_bind_int64(q, 6, (sqlite3_int64)a->json_len);
    } else {   /* it would not be smaller: the JSON as text, size NULL */
        sqlite3_bind_text(q, 4, a->json, (int)a->json_len, SQLITE_STATIC);
    }
    bind_text(q, 5, a->fetched);
    return step_done(s, q, err, "revision insert");
}

static int art_insert(struct sq *s, const struct mw_store_cols *c, const char *hash, const struct mw_store_article *a,
                      int64_t *id, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_ART_INSERT);
    const char *v[] = {c->key, c->url, c->outlet, c->rule, a->crawl_outlet, c->title, c->authors, c->published,
                       c->lang};
    for (int i = 0; i < 9; i++)
        bind_text(q, i + 1, v[i]);
    sqlite3_bind_int64(q, 10, c->body_chars);
    bind_text(q, 11, hash);
    bind_text(q, 12, a->fetched);
    if (step_done(s, q, err, "article insert"))
        return MW_EIO;
    *id = sqlite3_last_insert_rowid(s->db);
    return rev_insert(s, *id, 1, hash, a, err);
}

static int art_update(struct sq *s, int64_t id, int rev, const struct mw_store_cols *c, const char *hash,
                      const struct mw_store_article *a, struct mw_err *err)
{
    if (rev_insert(s, id, rev, hash, a, err))
        return MW_EIO;
    sqlite3_stmt *q = stmt(s, ST_ART_UPDATE);
    sqlite3_bind_int64(q, 1, id);
    const char *v[] = {c->url, c->outlet, c->rule, c->title, c->authors, c->published, c->lang};
    for (int i = 0; i < 7; i++)
        bind_text(q, i + 2, v[i]);
    sqlite3_bind_int64(q, 9, c->body_chars);
    bind_text(q, 10, hash);
    bind_text(q, 11, a->fetched);
    sqlite3_bind_int(q, 12, rev);
    return step_done(s, q, err, "article update");
}

static int sq_article_put(void *db, const struct mw_store_article *a, enum mw_put *result, int64_t *id_out,
                          struct mw_err *err)
{
    struct sq *s = db;
    *result = MW_PUT_SAME;
    *id_out = 0;
    struct mw_store_cols c;
    if (!json_is_object(a->rec))
        return mw_err_set(err, MW_EINVAL, "store", "record is not a JSON object");
    if (mw_store_cols_of(a->rec, &c))
        return mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    if (!c.key) {
        free(c.authors);
        return mw_err_set(err, MW_EINVAL, "store", "record without url");
    }
    char hash[17];
    mw_store_text_hash(a->rec, hash);
    sqlite3_stmt *q = stmt(s, ST_ART_GET);
    bind_text(q, 1, c.key);
    int64_t id = 0;
    int revs = 0, same = 0;
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(q, 0);
        same = !strcmp((const char *)sqlite3_column_text(q, 1), hash);
        revs = sqlite3_column_int(q, 2);
    }
    sqlite3_reset(q);
    int rc;
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = db_err(s, err, "article read");
    } else if (id && same) {
        q = stmt(s, ST_ART_SEEN);
        sqlite3_bind_int64(q, 1, id);
        bind_text(q, 2, a->fetched);
        rc = step_done(s, q, err, "article update");
    } else if (id) {
        rc = art_update(s, id, revs + 1, &c, hash, a, err);
        *result = MW_PUT_REVISED;
    } else {
        rc = art_insert(s, &c, hash, a, &id, err);
        *result = MW_PUT_NEW;
    }
    free(c.authors);
    if (rc)
        *result = MW_PUT_SAME;
    else
        *id_out = id;
    return rc;
}

static int sq_article_get(void *db, const char *key, char **json, struct mw_err *err)
{
    struct sq *s = db;
    *json = NULL;
    sqlite3_stmt *q = stmt(s, ST_ART_RECORD);
    bind_text(q, 1, key);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && !(*json = strdup((const char *)sqlite3_column_text(q, 0))))
        rc = SQLITE_NOMEM;
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(s, err, "article read");
}

static int sq_export(void *db, const struct mw_store_filter *f, mw_store_article_fn fn, void *ctx,
                     struct mw_err *err)
{
    struct sq *s = db;
    sqlite3_stmt *q = NULL;
    /* dates through julianday, which reads the zone of the record's own value */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " RECORD_OF("r") " FROM article_rows a JOIN revisions r ON r.article_id = a.id "
                           "AND r.rev = a.revisions WHERE (?1 IS NULL OR a.last_seen >= ?1) AND (?2 IS NULL OR "
                           "a.outlet = ?2 OR a.rule = ?2 OR a.crawl_outlet = ?2) "
                           "AND (?3 IS NULL OR julianday(json_extract(" RECORD_OF("r") ", '$.published')) >= "
                           "julianday(?3)) "
                           "AND (?4 IS NULL OR julianday(json_extract(" RECORD_OF("r") ", '$.published')) < "
                           "julianday(?4)) "
                           "AND (?5 IS NULL OR a.lang = ?5) AND (?6 IS NULL OR a.rule = ?6) "
                           "AND (?7 = 0 OR (coalesce(a.title, '') <> '' AND coalesce(a.body_chars, 0) > 0 AND "
                           "julianday(json_extract(" RECORD_OF("r") ", '$.published')) IS NOT NULL)) "
                           "ORDER BY a.first_seen, a.id LIMIT ?8",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "export");
    bind_text(q, 1, f->seen_since);
    bind_text(q, 2, f->outlet);
    bind_text(q, 3, f->published_since);
    bind_text(q, 4, f->published_before);
    bind_text(q, 5, f->lang);
    bind_text(q, 6, f->rule);
    sqlite3_bind_int(q, 7, f->complete != 0);
    sqlite3_bind_int64(q, 8, f->max > 0 ? f->max : -1);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0)))
            break;
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    if (bad)
        db_err(s, err, "export");
    sqlite3_finalize(q);
    return bad ? err ? err->code : MW_EIO : 0;
}

/* ---- fetch log, feed state, runs ------------------------------------------------------------------- */

static int sq_log(void *db, int64_t run_id, const struct mw_store_fetch *f, struct mw_err *err)
{
    struct sq *s = db;
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

static int sq_feed_get(void *db, const char *url, char **etag, char **last_modified, struct mw_err *err)
{
    struct sq *s = db;
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

static int sq_feed_put(void *db, const char *url, const char *etag, const char *last_modified, const char *checked,
                       struct mw_err *err)
{
    struct sq *s = db;
    sqlite3_stmt *q = stmt(s, ST_FEED_PUT);
    bind_text(q, 1, url);
    bind_text(q, 2, etag);
    bind_text(q, 3, last_modified);
    bind_text(q, 4, checked);
    return step_done(s, q, err, "feed state write");
}

static int sq_run_begin(void *db, const char *started, int64_t *id, struct mw_err *err)
{
    struct sq *s = db;
    sqlite3_stmt *q = stmt(s, ST_RUN_BEGIN);
    bind_text(q, 1, started);
    int rc = step_done(s, q, err, "run row");
    *id = rc ? 0 : sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_run_end(void *db, int64_t id, const char *finished, long pages, long articles, long errors,
                      struct mw_err *err)
{
    struct sq *s = db;
    sqlite3_stmt *q = stmt(s, ST_RUN_END);
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, finished);
    sqlite3_bind_int64(q, 3, pages);
    sqlite3_bind_int64(q, 4, articles);
    sqlite3_bind_int64(q, 5, errors);
    return step_done(s, q, err, "run row");
}

/* ---- field stats ----------------------------------------------------------------------------------- */

static int sq_fields_put(void *db, int64_t run_id, const struct mw_store_fields *f, struct mw_err *err)
{
    struct sq *s = db;
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

static int sq_fields_before(void *db, int64_t run_id, const char *rule, const char *field, long *pages,
                            long *rule_n, struct mw_err *err)
{
    struct sq *s = db;
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

static int sq_layout_alerts(void *db, long min_pages, mw_store_alert_fn fn, void *ctx, struct mw_err *err)
{
    struct sq *s = db;
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

/* ---- per-outlet figures ---------------------------------------------------------------------------- */

/* One query, one row per outlet (the config's name for it, else the record's) in name order: articles, empty
 * fields in mw_store_stat_fields' order, pages tried (frontier rows done or failed), pages failed after their
 * tries, the last page fetched without error. The median comes from a second query, over the lengths in order. */
static const char STATS_SQL[] =
    "WITH a AS (SELECT coalesce(crawl_outlet, outlet, rule, '-') AS o, title, authors, published, lang, body_chars,"
    "  record FROM articles),"
    " s AS (SELECT o, count(*) AS n, sum(coalesce(title, '') = '') AS m0, sum(coalesce(authors, '') = '') AS m1,"
    "  sum(coalesce(published, '') = '') AS m2, sum(coalesce(json_extract(record, '$.modified'), '') = '') AS m3,"
    "  sum(coalesce(json_extract(record, '$.section'), '') = '') AS m4,"
    "  sum(coalesce(json_array_length(record, '$.tags'), 0) = 0) AS m5, sum(coalesce(lang, '') = '') AS m6,"
    "  sum(coalesce(json_extract(record, '$.lead'), '') = '') AS m7, sum(coalesce(body_chars, 0) = 0) AS m8,"
    "  sum(coalesce(json_array_length(record, '$.images'), 0) = 0) AS m9 FROM a GROUP BY o),"
    " p AS (SELECT coalesce(outlet, '-') AS o, sum(state IN ('done', 'error')) AS tried, sum(state = 'error') AS"
    "  failed FROM frontier GROUP BY 1),"
    " f AS (SELECT coalesce(outlet, '-') AS o, max(fetched) AS ok FROM fetch_log WHERE kind = 'page' AND error IS"
    "  NULL GROUP BY 1),"
    " names AS (SELECT o FROM s UNION SELECT o FROM p WHERE tried > 0)"
    " SELECT names.o, coalesce(n, 0), coalesce(m0, 0), coalesce(m1, 0), coalesce(m2, 0), coalesce(m3, 0),"
    "  coalesce(m4, 0), coalesce(m5, 0), coalesce(m6, 0), coalesce(m7, 0), coalesce(m8, 0), coalesce(m9, 0),"
    "  coalesce(tried, 0), coalesce(failed, 0), f.ok FROM names LEFT JOIN s ON s.o = names.o"
    "  LEFT JOIN p ON p.o = names.o LEFT JOIN f ON f.o = names.o ORDER BY 1";

static const char MEDIAN_SQL[] =
    "SELECT coalesce(crawl_outlet, outlet, rule, '-'), coalesce(body_chars, 0) FROM article_rows ORDER BY 1, 2";

/* The median body length of each outlet, in STATS_SQL's order: medians[i] for the i-th outlet name. */
static int medians(struct sq *s, struct mw_store_outlet_stats *rows, size_t n, struct mw_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, MEDIAN_SQL, -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "stats");
    long *v = NULL;
    size_t nv = 0, cap = 0, r = 0;
    char cur[512] = "";
    int rc, oom = 0;
    for (;;) {
        rc = sqlite3_step(q);
        const char *o = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
        if (!o || strcmp(o, cur)) {   /* a group ends: its median goes to its row */
            while (nv && r < n && strcmp(rows[r].outlet, cur) < 0)
                r++;
            if (nv && r < n && !strcmp(rows[r].outlet, cur))
                rows[r].median_body = nv % 2 ? v[nv / 2] : (v[nv / 2 - 1] + v[nv / 2]) / 2;
            nv = 0;
            if (!o)
                break;
            snprintf(cur, sizeof cur, "%s", o);
        }
        if (nv == cap) {
            cap = cap ? cap * 2 : 256;
            long *p = realloc(v, cap * sizeof *p);
            if (!p) {
                oom = 1;
                break;
            }
            v = p;
        }
        v[nv++] = (long)sqlite3_column_int64(q, 1);
    }
    free(v);
    sqlite3_finalize(q);
    if (oom)
        return mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    return rc == SQLITE_DONE ? 0 : db_err(s, err, "stats");
}

static int sq_outlet_stats(void *db, mw_store_stats_fn fn, void *ctx, struct mw_err *err)
{
    struct sq *s = db;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, STATS_SQL, -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "stats");
    struct mw_store_outlet_stats *rows = NULL;
    size_t n = 0;
    int rc, oom = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct mw_store_outlet_stats *p = realloc(rows, (n + 1) * sizeof *p);
        if (!p) {
            oom = 1;
            break;
        }
        rows = p;
        struct mw_store_outlet_stats *o = &rows[n];
        memset(o, 0, sizeof *o);
        const char *ok = (const char *)sqlite3_column_text(q, 14);
        o->outlet = strdup((const char *)sqlite3_column_text(q, 0));
        o->last_success = ok ? strdup(ok) : NULL;
        n++;
        if (!o->outlet || (ok && !o->last_success)) {
            oom = 1;
            break;
        }
        o->articles = (long)sqlite3_column_int64(q, 1);
        for (int k = 0; k < MW_STORE_STAT_FIELDS; k++)
            o->missing[k] = (long)sqlite3_column_int64(q, 2 + k);
        o->pages = (long)sqlite3_column_int64(q, 12);
        o->page_errors = (long)sqlite3_column_int64(q, 13);
    }
    int bad = !oom && rc != SQLITE_ROW && rc != SQLITE_DONE;
    if (bad)
        db_err(s, err, "stats");
    sqlite3_finalize(q);
    int out = oom ? mw_err_set(err, MW_ENOMEM, "store", "out of memory") : bad ? MW_EIO : 0;
    if (!out)
        out = medians(s, rows, n, err);
    for (size_t i = 0; !out && i < n; i++)
        if (fn(ctx, &rows[i]))
            break;
    for (size_t i = 0; i < n; i++) {
        free((char *)rows[i].outlet);
        free((char *)rows[i].last_success);
    }
    free(rows);
    return out;
}

/* ---- the shared crawl (run/store.h): leases, workers, hosts, robots.txt, sources ---------------------
 * On one machine: SQLite's write lock orders every worker's writes, and a worker whose process is gone (same
 * machine, no such pid) loses its leases at once, without waiting for them to run out. */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run fn inside a write transaction: the caller's when one is open, else one of its own (BEGIN IMMEDIATE). */
static int in_write(struct sq *s, int (*fn)(struct sq *s, void *arg, struct mw_err *err), void *arg,
                    struct mw_err *err)
{
    if (s->in_tx)
        return fn(s, arg, err);
    int rc = step_done(s, stmt(s, ST_BEGIN), err, "begin");
    if (rc)
        return rc;
    rc = fn(s, arg, err);
    if (!rc && (rc = step_done(s, stmt(s, ST_COMMIT), err, "commit")) == 0)
        return 0;
    sqlite3_stmt *q = stmt(s, ST_ROLLBACK);
    sqlite3_step(q);
    sqlite3_reset(q);
    return rc;
}

/* One statement prepared for this call (the rare ones: join, leave, status). */
static int exec_bound(struct sq *s, const char *sql, int64_t a, int64_t b, struct mw_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "shared crawl");
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_err(s, err, "shared crawl");
}

/* Workers of this machine whose process is gone: stopped now, their leases run out at once. */
static int reap_dead(struct sq *s, struct mw_err *err)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, pid FROM workers WHERE stopped IS NULL AND host = ?1", -1, &q,
                           NULL) != SQLITE_OK)
        return db_err(s, err, "workers");
    bind_text(q, 1, host);
    int64_t dead[64];
    int n = 0;
    while (sqlite3_step(q) == SQLITE_ROW && n < 64) {
        long pid = (long)sqlite3_column_int64(q, 1);
        if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH)
            dead[n++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        rc = exec_bound(s, "UPDATE workers SET stopped = ?2 WHERE id = ?1", dead[i], wall_ms(), err);
        if (!rc)
            rc = exec_bound(s, "UPDATE frontier SET lease_until = 0 WHERE claimed_by = ?1 AND ?2 = ?2", dead[i], 0,
                            err);
        if (!rc)
            rc = exec_bound(s, "UPDATE hosts SET busy_by = NULL, robots_by = NULL WHERE (busy_by = ?1 OR "
                            "robots_by = ?1) AND ?2 = ?2", dead[i], 0, err);
        if (!rc)
            rc = exec_bound(s, "UPDATE source_claims SET taken_by = NULL WHERE taken_by = ?1 AND ?2 = ?2", dead[i], 0,
                            err);
    }
    return rc;
}

struct join_arg { const char *name, *host; long pid; int64_t id; };

static int do_join(struct sq *s, void *arg, struct mw_err *err)
{
    struct join_arg *a = arg;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO workers(name, host, pid, started, beat) VALUES(?1, ?2, ?3, ?4, ?4)",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "workers");
    bind_text(q, 1, a->name);
    bind_text(q, 2, a->host);
    sqlite3_bind_int64(q, 3, a->pid);
    sqlite3_bind_int64(q, 4, wall_ms());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "workers");
    a->id = sqlite3_last_insert_rowid(s->db);
    return reap_dead(s, err);
}

static int sq_worker_join(void *db, const char *name, const char *host, long pid, int64_t *id, struct mw_err *err)
{
    struct join_arg a = {name, host, pid, 0};
    int rc = in_write(db, do_join, &a, err);
    *id = rc ? 0 : a.id;
    return rc;
}

struct beat_arg { int64_t id; long pages, lease_ms; };

static int do_beat(struct sq *s, void *arg, struct mw_err *err)
{
    struct beat_arg *a = arg;
    int64_t now = wall_ms();
    sqlite3_stmt *q = stmt(s, ST_BEAT_W);
    sqlite3_bind_int64(q, 1, a->id);
    sqlite3_bind_int64(q, 2, now);
    sqlite3_bind_int64(q, 3, a->pages);
    if (step_done(s, q, err, "heartbeat"))
        return MW_EIO;
    q = stmt(s, ST_BEAT_F);
    sqlite3_bind_int64(q, 1, a->id);
    sqlite3_bind_int64(q, 2, now + a->lease_ms);
    if (step_done(s, q, err, "lease renewal"))
        return MW_EIO;
    /* the sources it is reading: a dead reader's run out after the lease, as its pages do */
    return exec_bound(s, "UPDATE source_claims SET taken_until = ?2 WHERE taken_by = ?1", a->id, now + a->lease_ms,
                      err);
}

static int sq_worker_beat(void *db, int64_t id, long pages, long lease_ms, struct mw_err *err)
{
    struct beat_arg a = {id, pages, lease_ms};
    return in_write(db, do_beat, &a, err);
}

static int do_leave(struct sq *s, void *arg, struct mw_err *err)
{
    int64_t id = *(int64_t *)arg;
    int64_t now = wall_ms();
    if (exec_bound(s, "UPDATE frontier SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = ?1 AND ?2 = ?2",
                   id, 0, err) ||
        exec_bound(s, "UPDATE hosts SET busy_by = NULL, busy_until = NULL WHERE busy_by = ?1 AND ?2 = ?2", id, 0,
                   err) ||
        exec_bound(s, "UPDATE hosts SET robots_by = NULL WHERE robots_by = ?1 AND ?2 = ?2", id, 0, err) ||
        exec_bound(s, "UPDATE source_claims SET taken_by = NULL WHERE taken_by = ?1 AND ?2 = ?2", id, 0, err))
        return MW_EIO;
    return exec_bound(s, "UPDATE workers SET stopped = ?2, beat = ?2 WHERE id = ?1", id, now, err);
}

static int sq_worker_leave(void *db, int64_t id, struct mw_err *err) { return in_write(db, do_leave, &id, err); }

struct lease_arg {
    int64_t worker;
    int max_tries;
    long n, lease_ms, got;
    mw_store_frontier_fn fn;
    void *ctx;
    struct mw_lease_pick *pick;
};

/* The candidates: the first MW_LEASE_WINDOW + n rows to do that no live lease holds, enough for the window of
 * every pick of this lease (it takes at most n of them, and nothing else changes them in its transaction). */
static int lease_candidates(struct sq *s, struct lease_arg *a, int64_t now, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_LEASE_CAND);
    sqlite3_bind_int(q, 1, a->max_tries);
    sqlite3_bind_int64(q, 2, now);
    sqlite3_bind_int64(q, 3, a->worker);
    sqlite3_bind_int64(q, 4, MW_LEASE_WINDOW + a->n);
    int rc, oom = 0;
    while (!oom && (rc = sqlite3_step(q)) == SQLITE_ROW)
        oom = mw_lease_pick_add(a->pick, sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
                                (size_t)sqlite3_column_bytes(q, 1)) != 0;
    sqlite3_reset(q);
    if (oom)
        return mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    return rc == SQLITE_DONE ? 0 : db_err(s, err, "frontier lease");
}

/* Row id leased now: the lease, the takeover log when another worker held it, then the caller's callback. */
static int lease_row(struct sq *s, struct lease_arg *a, int64_t id, int64_t now, struct mw_err *err)
{
    sqlite3_stmt *q = stmt(s, ST_LEASE_ROW);
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_reset(q);
        return db_err(s, err, "frontier lease");
    }
    const char *o = (const char *)sqlite3_column_text(q, 1);
    char *url = strdup((const char *)sqlite3_column_text(q, 0)), *outlet = o ? strdup(o) : NULL;
    int tries = sqlite3_column_int(q, 2);
    int64_t prev = sqlite3_column_int64(q, 3), prev_until = sqlite3_column_int64(q, 4);
    sqlite3_reset(q);
    int out = url && (outlet || !o) ? 0 : mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    if (!out) {
        q = stmt(s, ST_LEASE_SET);
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, a->worker);
        sqlite3_bind_int64(q, 3, now + a->lease_ms);
        out = step_done(s, q, err, "frontier lease");
    }
    if (!out && prev && prev != a->worker) {
        q = stmt(s, ST_TAKEOVER);
        bind_text(q, 1, url);
        sqlite3_bind_int64(q, 2, a->worker);
        sqlite3_bind_int64(q, 3, now);
        sqlite3_bind_int64(q, 4, prev);
        sqlite3_bind_int64(q, 5, prev_until);
        out = step_done(s, q, err, "takeover log");
    }
    if (!out) {
        a->got++;
        a->fn(a->ctx, url, outlet, tries);
    }
    free(url);
    free(outlet);
    return out;
}

/* Spread over hosts first (an eighth of the lease per host), then what that left, in discovery order: picks
 * of at most 256 rows from the window of the candidates not yet leased, until one finds nothing. */
static int do_lease(struct sq *s, void *arg, struct mw_err *err)
{
    struct lease_arg *a = arg;
    if (reap_dead(s, err))
        return MW_EIO;
    int64_t now = wall_ms();
    if (lease_candidates(s, a, now, err))
        return MW_EIO;
    long per_host = a->n / 8 > 4 ? a->n / 8 : 4;
    int64_t ids[256];
    for (int pass = 0; pass < 2 && a->got < a->n; pass++) {
        long seen = 1;
        while (seen && a->got < a->n) {
            seen = mw_lease_pick_next(a->pick, pass ? a->n : per_host, a->n - a->got > 256 ? 256 : a->n - a->got,
                                      ids);
            for (long i = 0; i < seen; i++)
                if (lease_row(s, a, ids[i], now, err))
                    return MW_EIO;
        }
    }
    return 0;
}

static int sq_frontier_lease(void *db, int64_t worker, int max_tries, long n, long lease_ms, mw_store_frontier_fn fn,
                             void *ctx, long *got, struct mw_err *err)
{
    struct sq *s = db;
    /* rows other connections added must be in the seen-set before this one finishes them */
    if (seen_ready(s, err))
        return err ? err->code : MW_EIO;
    struct lease_arg a = {worker, max_tries, n, lease_ms, 0, fn, ctx, mw_lease_pick_new()};
    int rc = a.pick ? in_write(s, do_lease, &a, err) : mw_err_set(err, MW_ENOMEM, "store", "out of memory");
    mw_lease_pick_free(a.pick);
    *got = a.got;
    return rc;
}

static int sq_frontier_finish(void *db, int64_t worker, const char *url, enum mw_fstate st, int tries, int64_t now,
                              int *owned, struct mw_err *err)
{
    struct sq *s = db;
    *owned = 0;
    if (seen_ready(s, err))
        return err ? err->code : MW_EIO;
    uint64_t h = url_hash(url);
    struct seen *m = &s->seen;
    for (size_t k = m->cap ? h & (m->cap - 1) : 0; m->cap && m->hash[k]; k = (k + 1) & (m->cap - 1)) {
        if (m->hash[k] != h)
            continue;
        sqlite3_stmt *q = stmt(s, ST_FR_FINISH);
        sqlite3_bind_int64(q, 1, m->id[k]);
        bind_text(q, 2, mw_store_state_name(st));
        sqlite3_bind_int(q, 3, tries);
        bind_text(q, 4, iso_of(s, now));
        bind_text(q, 5, url);
        sqlite3_bind_int64(q, 6, worker);
        if (step_done(s, q, err, "frontier update"))
            return err ? err->code : MW_EIO;
        if (sqlite3_changes(s->db) > 0) {
            *owned = 1;
            break;
        }
    }
    return 0;
}

static int count_of(struct sq *s, const char *sql, int64_t a, int64_t b, long *out, struct mw_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "shared crawl");
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    int rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 0 : db_err(s, err, "shared crawl");
}

static int do_reap(struct sq *s, void *arg, struct mw_err *err) { (void)arg; return reap_dead(s, err); }

static int sq_frontier_busy(void *db, int64_t worker, long *leased, long *reading, struct mw_err *err)
{
    struct sq *s = db;
    int64_t now = wall_ms();
    *leased = *reading = 0;
    if (in_write(s, do_reap, NULL, err))
        return MW_EIO;
    if (count_of(s, "SELECT count(*) FROM frontier WHERE claimed_by IS NOT NULL AND claimed_by <> ?1 AND "
                 "lease_until >= ?2 AND state IN ('queued', 'error')", worker, now, leased, err))
        return MW_EIO;
    return count_of(s, "SELECT count(*) FROM source_claims WHERE taken_by IS NOT NULL AND taken_by <> ?1 AND "
                    "taken_until >= ?2", worker, now, reading, err);
}

struct host_arg { const char *host; int64_t worker; long hold_ms, delay_ms, wait_ms; int failed; };

static int do_host_take(struct sq *s, void *arg, struct mw_err *err)
{
    struct host_arg *a = arg;
    int64_t now = wall_ms();
    sqlite3_stmt *q = stmt(s, ST_HOST_ADD);
    bind_text(q, 1, a->host);
    if (step_done(s, q, err, "host"))
        return MW_EIO;
    q = stmt(s, ST_HOST_TAKE);
    bind_text(q, 1, a->host);
    sqlite3_bind_int64(q, 2, a->worker);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, a->hold_ms);
    if (step_done(s, q, err, "host"))
        return MW_EIO;
    a->wait_ms = 0;
    if (sqlite3_changes(s->db) > 0)
        return 0;
    q = stmt(s, ST_HOST_ROW);
    bind_text(q, 1, a->host);
    if (sqlite3_step(q) == SQLITE_ROW) {
        int64_t next = sqlite3_column_int64(q, 0), until = sqlite3_column_int64(q, 2);
        int busy = sqlite3_column_type(q, 1) != SQLITE_NULL && until >= now;
        long delay = (long)sqlite3_column_int64(q, 3);
        a->wait_ms = busy ? (delay > 20 ? delay : 20) : (long)(next - now);
    }
    sqlite3_reset(q);
    if (a->wait_ms < 1)
        a->wait_ms = 1;
    return 0;
}

static int sq_host_take(void *db, const char *host, int64_t worker, long hold_ms, long *wait_ms, struct mw_err *err)
{
    struct host_arg a = {host, worker, hold_ms, 0, 0, 0};
    int rc = in_write(db, do_host_take, &a, err);
    *wait_ms = rc ? 1000 : a.wait_ms;
    return rc;
}

static int do_host_release(struct sq *s, void *arg, struct mw_err *err)
{
    struct host_arg *a = arg;
    sqlite3_stmt *q = stmt(s, ST_HOST_RELEASE);
    bind_text(q, 1, a->host);
    sqlite3_bind_int64(q, 2, a->worker);
    sqlite3_bind_int64(q, 3, wall_ms());
    sqlite3_bind_int64(q, 4, a->delay_ms);
    sqlite3_bind_int(q, 5, a->failed);
    return step_done(s, q, err, "host");
}

static int sq_host_release(void *db, const char *host, int64_t worker, long delay_ms, int failed, struct mw_err *err)
{
    struct host_arg a = {host, worker, 0, delay_ms, 0, failed};
    return in_write(db, do_host_release, &a, err);
}

struct robots_arg {
    const char *host;
    int64_t worker;
    long hold_ms, ttl_ms, status;
    enum mw_robots_cache state;
    const char *in;
    size_t in_len;
    char *body;
    size_t len;
};

static int do_robots_get(struct sq *s, void *arg, struct mw_err *err)
{
    struct robots_arg *a = arg;
    int64_t now = wall_ms();
    sqlite3_stmt *q = stmt(s, ST_HOST_ADD);
    bind_text(q, 1, a->host);
    if (step_done(s, q, err, "host"))
        return MW_EIO;
    sqlite3_stmt *r = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT robots, robots_status, coalesce(robots_expires, 0) FROM hosts WHERE "
                           "host = ?1", -1, &r, NULL) != SQLITE_OK)
        return db_err(s, err, "robots cache");
    bind_text(r, 1, a->host);
    int rc = sqlite3_step(r);
    if (rc == SQLITE_ROW && sqlite3_column_int64(r, 2) > now) {
        a->state = MW_RC_CACHED;
        a->status = (long)sqlite3_column_int64(r, 1);
        const void *b = sqlite3_column_blob(r, 0);
        a->len = (size_t)sqlite3_column_bytes(r, 0);
        if (b && !(a->body = malloc(a->len + 1)))
            rc = SQLITE_NOMEM;
        else if (b) {
            memcpy(a->body, b, a->len);
            a->body[a->len] = '\0';
        }
    }
    sqlite3_finalize(r);
    if (rc != SQLITE_ROW)
        return db_err(s, err, "robots cache");
    if (a->state == MW_RC_CACHED)
        return 0;
    if (sqlite3_prepare_v2(s->db, "UPDATE hosts SET robots_by = ?2, robots_until = ?3 + ?4 WHERE host = ?1 AND "
                           "(robots_by IS NULL OR robots_until < ?3 OR robots_by = ?2)", -1, &r, NULL) != SQLITE_OK)
        return db_err(s, err, "robots cache");
    bind_text(r, 1, a->host);
    sqlite3_bind_int64(r, 2, a->worker);
    sqlite3_bind_int64(r, 3, now);
    sqlite3_bind_int64(r, 4, a->hold_ms);
    rc = sqlite3_step(r);
    sqlite3_finalize(r);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "robots cache");
    a->state = sqlite3_changes(s->db) > 0 ? MW_RC_YOURS : MW_RC_WAIT;
    return 0;
}

static int sq_robots_get(void *db, const char *host, int64_t worker, long hold_ms, enum mw_robots_cache *state,
                         char **body, size_t *len, long *status, struct mw_err *err)
{
    struct robots_arg a = {.host = host, .worker = worker, .hold_ms = hold_ms, .state = MW_RC_WAIT};
    int rc = in_write(db, do_robots_get, &a, err);
    if (rc) {
        free(a.body);
        a.body = NULL;
        a.state = MW_RC_WAIT;
    }
    *state = a.state;
    *body = a.body;
    *len = a.len;
    *status = a.status;
    return rc;
}

static int do_robots_put(struct sq *s, void *arg, struct mw_err *err)
{
    struct robots_arg *a = arg;
    sqlite3_stmt *q = NULL;
    const char *sql = a->status > 0 ? "UPDATE hosts SET robots = ?2, robots_status = ?3, robots_expires = ?4 + ?5, "
                                      "robots_by = NULL, robots_until = NULL WHERE host = ?1"
                                    : "UPDATE hosts SET robots_by = NULL, robots_until = NULL WHERE host = ?1 AND "
                                      "?2 IS ?2 AND ?3 = ?3 AND ?4 = ?4 AND ?5 = ?5";
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "robots cache");
    bind_text(q, 1, a->host);
    if (a->in)
        sqlite3_bind_text(q, 2, a->in, (int)a->in_len, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, a->status);
    sqlite3_bind_int64(q, 4, wall_ms());
    sqlite3_bind_int64(q, 5, a->ttl_ms);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : db_err(s, err, "robots cache");
}

static int sq_robots_put(void *db, const char *host, const char *body, size_t len, long status, long ttl_ms,
                         struct mw_err *err)
{
    struct robots_arg a = {.host = host, .status = status, .ttl_ms = ttl_ms, .in = body, .in_len = len};
    return in_write(db, do_robots_put, &a, err);
}

struct source_arg { const char *url; int64_t worker; long period_ms, hold_ms; int granted; };

static int do_source_take(struct sq *s, void *arg, struct mw_err *err)
{
    struct source_arg *a = arg;
    int64_t now = wall_ms();
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO source_claims(url) VALUES(?1)", -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "sources");
    bind_text(q, 1, a->url);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE ||
        sqlite3_prepare_v2(s->db, "UPDATE source_claims SET taken_by = ?2, taken_until = ?3 + ?5 WHERE url = ?1 AND "
                           "(taken_by IS NULL OR taken_until < ?3) AND (read_at IS NULL OR read_at <= ?3 - ?4)",
                           -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "sources");
    bind_text(q, 1, a->url);
    sqlite3_bind_int64(q, 2, a->worker);
    sqlite3_bind_int64(q, 3, now);
    sqlite3_bind_int64(q, 4, a->period_ms);
    sqlite3_bind_int64(q, 5, a->hold_ms);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "sources");
    a->granted = sqlite3_changes(s->db) > 0;
    return 0;
}

static int sq_source_take(void *db, const char *url, int64_t worker, long period_ms, long hold_ms, int *granted,
                          struct mw_err *err)
{
    struct source_arg a = {url, worker, period_ms, hold_ms, 0};
    int rc = in_write(db, do_source_take, &a, err);
    *granted = !rc && a.granted;
    return rc;
}

static int do_source_done(struct sq *s, void *arg, struct mw_err *err)
{
    struct source_arg *a = arg;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "UPDATE source_claims SET taken_by = NULL, taken_until = NULL, read_at = ?3 "
                           "WHERE url = ?1 AND taken_by = ?2", -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "sources");
    bind_text(q, 1, a->url);
    sqlite3_bind_int64(q, 2, a->worker);
    sqlite3_bind_int64(q, 3, wall_ms());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : db_err(s, err, "sources");
}

static int sq_source_done(void *db, const char *url, int64_t worker, struct mw_err *err)
{
    struct source_arg a = {url, worker, 0, 0, 0};
    return in_write(db, do_source_done, &a, err);
}

/* moonwire status: every row of one query, as kind, name, detail, n1, n2, age */
static int status_rows(struct sq *s, const char *kind, const char *sql, mw_store_status_fn fn, void *ctx,
                       struct mw_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_err(s, err, "status");
    sqlite3_bind_int64(q, 1, wall_ms());
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct mw_store_status row = {kind, (const char *)sqlite3_column_text(q, 0),
                                      (const char *)sqlite3_column_text(q, 1), (long)sqlite3_column_int64(q, 2),
                                      (long)sqlite3_column_int64(q, 3), sqlite3_column_double(q, 4)};
        if (fn(ctx, &row))
            break;
    }
    int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
    sqlite3_finalize(q);
    return bad ? db_err(s, err, "status") : 0;
}

#define HOST_OF_URL "substr(url, instr(url, '://') + 3, instr(substr(url, instr(url, '://') + 3) || '/', '/') - 1)"

static int sq_status(void *db, mw_store_status_fn fn, void *ctx, struct mw_err *err)
{
    struct sq *s = db;
    if (in_write(s, do_reap, NULL, err))
        return MW_EIO;
    static const char *const SQLS[][2] = {
        {"worker", "SELECT w.name, CASE WHEN w.stopped IS NULL THEN 'running' ELSE 'stopped' END, w.pages, "
                   "(SELECT count(*) FROM frontier f WHERE f.claimed_by = w.id AND f.state IN ('queued', 'error')), "
                   "(?1 - w.beat) / 1000.0 FROM workers w WHERE w.stopped IS NULL OR w.id IN (SELECT id FROM workers "
                   "WHERE stopped IS NOT NULL ORDER BY id DESC LIMIT 10) ORDER BY w.id"},
        {"queue", "SELECT 'outlet ' || coalesce(outlet, '-'), NULL, count(*), sum(claimed_by IS NOT NULL), 0 "
                  "FROM frontier WHERE state = 'queued' GROUP BY 1 ORDER BY 1"},
        {"queue", "SELECT 'host ' || " HOST_OF_URL ", NULL, count(*), sum(claimed_by IS NOT NULL), 0 "
                  "FROM frontier WHERE state = 'queued' GROUP BY 1 ORDER BY 1"},
        {"error", "SELECT coalesce(f.outlet, '-') AS o, (SELECT l.error FROM fetch_log l WHERE l.error IS NOT NULL "
                  "AND coalesce(l.outlet, '-') = coalesce(f.outlet, '-') ORDER BY l.id DESC LIMIT 1), count(*), 0, 0 "
                  "FROM frontier f WHERE f.state = 'error' GROUP BY 1 ORDER BY 1"},
    };
    for (size_t i = 0; i < sizeof SQLS / sizeof SQLS[0]; i++)
        if (status_rows(s, SQLS[i][0], SQLS[i][1], fn, ctx, err))
            return MW_EIO;
    return 0;
}

static int sq_sql_script(void *db, const char *sql, struct mw_err *err)
{
    return mw_sqlite_sql_script(((struct sq *)db)->db, sql, err);
}

static int sq_sql(void *db, const char *sql, const struct mw_sql_val *params, int nparams, mw_store_row_fn fn,
                  void *ctx, struct mw_err *err)
{
    struct sq *s = db;
    return mw_sqlite_sql(s->db, &s->sql, sql, params, nparams, fn, ctx, err);
}

static const struct mw_store_ops OPS = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .frontier_add = sq_frontier_add,
    .frontier_claim = sq_frontier_claim,
    .frontier_complete = sq_frontier_complete,
    .frontier_count = sq_frontier_count,
    .article_put = sq_article_put,
    .article_get = sq_article_get,
    .export = sq_export,
    .log = sq_log,
    .feed_get = sq_feed_get,
    .feed_put = sq_feed_put,
    .run_begin = sq_run_begin,
    .run_end = sq_run_end,
    .fields_put = sq_fields_put,
    .fields_before = sq_fields_before,
    .layout_alerts = sq_layout_alerts,
    .outlet_stats = sq_outlet_stats,
    .worker_join = sq_worker_join,
    .worker_beat = sq_worker_beat,
    .worker_leave = sq_worker_leave,
    .frontier_lease = sq_frontier_lease,
    .frontier_finish = sq_frontier_finish,
    .frontier_busy = sq_frontier_busy,
    .host_take = sq_host_take,
    .host_release = sq_host_release,
    .robots_get = sq_robots_get,
    .robots_put = sq_robots_put,
    .source_take = sq_source_take,
    .source_done = sq_source_done,
    .status = sq_status,
    .sql_script = sq_sql_script,
    .sql = sq_sql,
};

const struct mw_store_ops *mw_store_sqlite_ops(void) { return &OPS; }

struct sqlite3 *mw_store_sqlite_db(struct mw_store *s)
{
    if (!s || mw_store_ops(s) != &OPS)
        return NULL;
    return ((struct sq *)mw_store_db(s))->db;
}
