/* tests/unit/test_store.c: run/store.h over SQLite (run/store_sqlite.c) — the frontier as seen-set (named
 * states, ISO times, exact across two connections), articles kept once with their revisions, a store of schema
 * version 1 (as moonwire made them before schema_version) migrated, feed state, the fetch log, export and the
 * sinks (run/sink.c); a rolled-back transaction leaves nothing behind. The per-outlet figures, like all that
 * every back end must keep, are test_store_shared.c's (run on SQLite by default). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "run/sink.h"
#include "run/sqlar.h"
#include "run/store.h"
#include "unit/tmp_store.h"

static int setup(void **state)
{
    return tmp_store_setup(state, "store");
}

static int setup_empty(void **state)
{
    tmp_store_fresh("store");
    *state = NULL;
    return 0;
}

/* One text value from a plain SQL query on the file (as a user with sqlite3 would ask: the tool has
 * sqlar_uncompress built in, which the view reads records with). */
static char *ask(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    char *out = NULL;
    if (sqlite3_open(tmp_store_path, &db) == SQLITE_OK && !mw_sqlar_register(db) &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        out = strdup(sqlite3_column_text(q, 0) ? (const char *)sqlite3_column_text(q, 0) : "(null)");
    if (!out)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

static void want(const char *sql, const char *expect)
{
    char *got = ask(sql);
    if (strcmp(got, expect))
        fail_msg("%s: got \"%s\", want \"%s\"", sql, got, expect);
    free(got);
}

static int count(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)url;
    (void)outlet;
    (void)tries;
    (*(int *)ctx)++;
    return 0;
}

static int count_rec(void *ctx, const char *json, size_t len)
{
    assert_int_equal(strlen(json), len);
    (*(int *)ctx)++;
    return 0;
}

/* {lastmod given on rediscovery, stored state, want re-queued} */
static const struct {
    int64_t lastmod;
    enum mw_fstate state;
    int requeued;
} REVISIT[] = {
    {0, MW_FS_DONE, 0},        /* no date: known is known */
    {500, MW_FS_DONE, 0},      /* dated before the fetch (at 1000) */
    {2000, MW_FS_DONE, 1},     /* dated after it: fetch again */
    {2000, MW_FS_QUEUED, 0},   /* already waiting */
    {2000, MW_FS_ROBOTS, 0},
};

static void test_frontier(void **state)
{
    struct mw_store *s = *state;
    struct mw_err err = {0};
    for (size_t i = 0; i < sizeof REVISIT / sizeof REVISIT[0]; i++) {
        char url[64];
        snprintf(url, sizeof url, "http://a.test/%zu", i);
        int added = 0;
        assert_int_equal(mw_store_frontier_add(s, url, "a", 0, 900, &added, &err), 0);
        assert_int_equal(added, 1);
        assert_int_equal(mw_store_frontier_set(s, url, REVISIT[i].state, -1, 1000, &err), 0);
        assert_int_equal(mw_store_frontier_add(s, url, "a", REVISIT[i].lastmod, 1100, &added, &err), 0);
        if (added != REVISIT[i].requeued)
            fail_msg("row %zu: added %d", i, added);
    }
    int n = 0;
    assert_int_equal(mw_store_frontier_pending(s, 3, count, &n, &err), 0);
    assert_int_equal(n, 2);   /* row 2 re-queued, row 3 queued */
    /* errors come back until they have used their tries */
    assert_int_equal(mw_store_frontier_set(s, "http://a.test/3", MW_FS_ERROR, 2, 1200, &err), 0);
    n = 0;
    mw_store_frontier_pending(s, 3, count, &n, &err);
    assert_int_equal(n, 2);
    n = 0;
    mw_store_frontier_pending(s, 2, count, &n, &err);
    assert_int_equal(n, 1);
    assert_int_equal(mw_store_frontier_count(s, MW_FS_ROBOTS), 1);
    /* what a user sees: states by name, times as ISO 8601 UTC */
    want("select group_concat(state, ',') from (select state from frontier order by id)", "done,done,queued,error,robots");
    want("select discovered from frontier where url = 'http://a.test/0'", "1970-01-01T00:15:00Z");
    want("select fetched || ' ' || lastmod from frontier where url = 'http://a.test/2'",
         "1970-01-01T00:16:40Z 1970-01-01T00:33:20Z");
    /* a rolled-back transaction leaves no trace */
    int added = 0;
    assert_int_equal(mw_store_begin(s, &err), 0);
    assert_int_equal(mw_store_begin(s, &err), MW_EINVAL);
    mw_err_clear(&err);
    mw_store_frontier_add(s, "http://a.test/rolled", "a", 0, 1, &added, &err);
    assert_int_equal(added, 1);
    mw_store_rollback(s);
    mw_store_frontier_add(s, "http://a.test/rolled", "a", 0, 1, &added, &err);
    assert_int_equal(added, 1);
    mw_store_frontier_add(s, "http://a.test/rolled", "a", 0, 1, &added, &err);
    assert_int_equal(added, 0);
    want("select count(*) from frontier where url = 'http://a.test/rolled'", "1");
}

/* The seen-set is exact: many urls, each once; a second connection's rows are seen by the first. */
static void test_seen_set_exact(void **state)
{
    struct mw_store *s = *state;
    struct mw_err err = {0};
    enum { N = 20000 };
    char url[96];
    assert_int_equal(mw_store_begin(s, &err), 0);
    for (int i = 0; i < N; i++) {
        int added = 0;
        snprintf(url, sizeof url, "https://h%d.test/news/%d.html", i % 97, i);
        assert_int_equal(mw_store_frontier_add(s, url, "x", 0, 1, &added, &err), 0);
        assert_int_equal(added, 1);
    }
    assert_int_equal(mw_store_commit(s, &err), 0);
    struct mw_store *other = mw_store_open(tmp_store_path, &err);
    assert_non_null(other);
    int added = 0;
    assert_int_equal(mw_store_frontier_add(other, "https://late.test/1", "y", 0, 1, &added, &err), 0);
    assert_int_equal(added, 1);
    assert_int_equal(mw_store_frontier_add(other, "https://h3.test/news/3.html", "y", 0, 1, &added, &err), 0);
    assert_int_equal(added, 0);   /* the other connection knows the first one's rows */
    mw_store_free(other);
    assert_int_equal(mw_store_begin(s, &err), 0);
    for (int i = 0; i < N; i += 7) {
        snprintf(url, sizeof url, "https://h%d.test/news/%d.html", i % 97, i);
        assert_int_equal(mw_store_frontier_add(s, url, "x", 0, 2, &added, &err), 0);
        assert_int_equal(added, 0);
    }
    assert_int_equal(mw_store_frontier_add(s, "https://late.test/1", "x", 0, 2, &added, &err), 0);
    assert_int_equal(added, 0);
    assert_int_equal(mw_store_commit(s, &err), 0);
    want("select count(*) = count(distinct url) and count(*) = 20001 from frontier", "1");
    /* complete reaches the right row among many */
    assert_int_equal(mw_store_frontier_set(s, "https://h5.test/news/5.html", MW_FS_DONE, -1, 3, &err), 0);
    want("select group_concat(url) from frontier where state = 'done'", "https://h5.test/news/5.html");
}

static void test_articles_and_revisions(void **state)
{
    struct mw_store *s = *state;
    struct mw_err err = {0};
    static const struct {
        const char *rec;
        enum mw_put want;
    } PUTS[] = {
        {"{\"url\":\"http://a.test/1?x\",\"canonical_url\":\"http://a.test/1\",\"outlet\":\"A\",\"rule\":\"a\","
         "\"title\":\"T\",\"authors\":[\"Ann\",\"Bo\"],\"body\":\"one\",\"lang\":\"en\",\"error\":null}", MW_PUT_NEW},
        {"{\"url\":\"http://a.test/1\",\"canonical_url\":\"http://a.test/1\",\"outlet\":\"A\",\"rule\":\"a\","
         "\"title\":\"T\",\"body\":\"one\",\"fetched\":\"later\"}", MW_PUT_SAME},
        {"{\"url\":\"http://a.test/1\",\"canonical_url\":\"http://a.test/1\",\"outlet\":\"A\",\"rule\":\"a\","
         "\"title\":\"T\",\"authors\":[\"Ann\"],\"published\":\"2026-03-01T10:00:00+03:00\",\"body\":\"two \u00e9\"}",
         MW_PUT_REVISED},
        {"{\"url\":\"http://b.test/2\",\"outlet\":\"B\",\"title\":\"T\",\"body\":\"one\"}", MW_PUT_NEW},
        {"{\"url\":\"http://b.test/3\",\"outlet\":\"B\",\"title\":\"Tone\",\"body\":\"\"}", MW_PUT_NEW},
    };
    for (size_t i = 0; i < sizeof PUTS / sizeof PUTS[0]; i++) {
        enum mw_put got = 99;
        assert_int_equal(mw_store_article_put_json(s, PUTS[i].rec, "cfg", "2026-03-01T00:00:00Z", &got, &err), 0);
        if (got != PUTS[i].want)
            fail_msg("row %zu: got %d", i, got);
    }
    enum mw_put got;
    assert_int_equal(mw_store_article_put_json(s, "[1]", NULL, "x", &got, &err), MW_EPARSE);
    int n = 0;
    struct mw_store_filter f = {.outlet = "A"};
    assert_int_equal(mw_store_export(s, &f, count_rec, &n, &err), 0);
    assert_int_equal(n, 1);
    n = 0;
    f.outlet = "cfg";
    mw_store_export(s, &f, count_rec, &n, &err);
    assert_int_equal(n, 3);
    n = 0;
    f = (struct mw_store_filter){.seen_since = "2027-01-01T00:00:00Z"};
    mw_store_export(s, &f, count_rec, &n, &err);
    assert_int_equal(n, 0);
    /* one copy of each record: revisions hold them, the current one is the article's latest */
    want("select count(*) from revisions", "4");
    want("select count(*) from pragma_table_info('article_rows') where name = 'record'", "0");
    want("select title || '|' || authors || '|' || published || '|' || revisions || '|' || body_chars from articles "
         "where key = 'http://a.test/1'", "T|Ann|2026-03-01T07:00:00Z|2|5");
    want("select json_extract(record, '$.body') from articles where key = 'http://a.test/1'", "two \u00e9");
    want("select json_extract(record, '$.published') from articles where key = 'http://a.test/1'",
         "2026-03-01T10:00:00+03:00");   /* the record as the page gave it */
    want("select group_concat(json_extract(record, '$.body'), '/') from (select cast(sqlar_uncompress(record, size) "
         "as text) as record from revisions r join article_rows a on a.id = r.article_id where a.key = "
         "'http://a.test/1' order by rev)", "one/two \u00e9");
    /* the SQL function sqlar_compress, as the sqlite3 tool's: a text that gains is deflated (and inflates back
     * to itself), a short one stays as it is; twice on one connection, through its one stream */
    want("with t(x) as (select printf('%.*c', 3000, 'a') || 'end') select length(x) || typeof(sqlar_compress(x)) || "
         "(length(sqlar_compress(x)) < 100) || "
         "(cast(sqlar_uncompress(sqlar_compress(x), length(x)) as text) = x) || "
         "(cast(sqlar_uncompress(sqlar_compress(x || 'b'), length(x) + 1) as text) = x || 'b') || "
         "sqlar_compress('short') from t", "3003blob111short");
    /* a record that compresses is kept compressed, with its JSON's length; one too short to gain stays text */
    char big[4200];
    int bn = snprintf(big, sizeof big, "{\"url\":\"http://c.test/4\",\"title\":\"Long\",\"body\":\"");
    for (int k = 0; k < 80; k++)
        bn += snprintf(big + bn, sizeof big - (size_t)bn, "The harbour vote went on late into the night. ");
    snprintf(big + bn, sizeof big - (size_t)bn, "\"}");
    assert_int_equal(mw_store_article_put_json(s, big, NULL, "2026-03-01T00:00:00Z", &got, &err), 0);
    assert_int_equal(mw_store_article_put_json(s, "{\"url\":\"http://c.test/5\"}", NULL, "2026-03-01T00:00:00Z",
                                               &got, &err), 0);
    char sz[32];
    snprintf(sz, sizeof sz, "%zu", strlen(big));
    want("select size from revisions r join article_rows a on a.id = r.article_id where a.key = 'http://c.test/4'",
         sz);
    want("select typeof(record) || ' ' || (length(record) * 3 < size) from revisions r join article_rows a on a.id = "
         "r.article_id where a.key = 'http://c.test/4'", "blob 1");
    want("select typeof(record) || ' ' || coalesce(size, 'null') from revisions r join article_rows a on "
         "a.id = r.article_id where a.key = 'http://c.test/5'", "text null");
    want("select length(record) from articles where key = 'http://c.test/4'", sz);   /* the view gives the JSON */
    char *rec = ask("select record from articles where key = 'http://c.test/4'");
    assert_string_equal(rec, big);
    free(rec);
    /* a record deflated before the store lock (the crawl's writer: mw_sinks_prepare) is stored as the bytes it
     * was given: here deflated at another level than the store's, so a store deflating it anew would differ */
    struct mw_sinks *sk = mw_sinks_new(&(struct mw_run_sink){"sqlite", NULL}, 1, s, NULL, NULL, NULL, &err);
    assert_non_null(sk);
    big[22] = '6';   /* http://c.test/6 */
    struct mw_record *r = mw_record_new(json_loads(big, 0, NULL));
    assert_non_null(r);
    assert_int_equal(mw_record_seal(r), 0);
    mw_sinks_prepare(sk, r);
    assert_non_null(r->z);
    assert_true(r->zlen * 3 < r->len);
    uLongf zn = compressBound(r->len);
    unsigned char *z9 = malloc(zn);
    assert_int_equal(compress2(z9, &zn, (const Bytef *)r->json, r->len, 9), Z_OK);
    char *hex9 = malloc(2 * zn + 1);
    for (uLongf k = 0; k < zn; k++)
        snprintf(hex9 + 2 * k, 3, "%02X", z9[k]);
    free(r->z);   /* the record owns its deflated bytes */
    r->z = z9;
    r->zlen = zn;
    assert_int_equal(mw_sinks_record(sk, r, NULL, "2026-03-01T00:00:00Z", &got, &err), 0);
    assert_int_equal(got, MW_PUT_NEW);
    want("select hex(record) from revisions r join article_rows a on a.id = r.article_id where a.key = "
         "'http://c.test/6'", hex9);
    rec = ask("select record from articles where key = 'http://c.test/6'");
    assert_string_equal(rec, r->json);
    free(rec);
    free(hex9);
    struct mw_record *e = mw_record_new(json_loads("{\"url\":\"http://c.test/7\",\"error\":{}}", 0, NULL));
    assert_int_equal(mw_record_seal(e), 0);
    mw_sinks_prepare(sk, e);
    assert_null(e->z);   /* error records are not stored: nothing deflated for them */
    mw_record_free(e);
    mw_record_free(r);
    mw_sinks_free(sk);
    char *js = NULL;
    assert_int_equal(mw_store_article_get(s, "http://b.test/2", &js, &err), 0);
    assert_non_null(js);
    assert_non_null(strstr(js, "\"outlet\":\"B\""));
    free(js);
    assert_int_equal(mw_store_article_get(s, "http://none.test/", &js, &err), 0);
    assert_null(js);
}

/* The schema of stores made before schema_version existed (moonwire 0.1.0's run/store.c, verbatim), with a
 * little of everything in it. */
static const char V1[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE articles(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL, outlet TEXT, rule "
    "TEXT, crawl_outlet TEXT, published TEXT, hash TEXT NOT NULL, record TEXT NOT NULL, first_seen TEXT NOT NULL, "
    "last_seen TEXT NOT NULL, revisions INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX articles_last_seen ON articles(last_seen);"
    "CREATE TABLE revisions(id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id), rev "
    "INTEGER NOT NULL, hash TEXT NOT NULL, record TEXT NOT NULL, fetched TEXT NOT NULL, UNIQUE(article_id, rev));"
    "CREATE TABLE fetch_log(id INTEGER PRIMARY KEY, run_id INTEGER, url TEXT NOT NULL, kind TEXT, outlet TEXT, "
    "status INTEGER, bytes INTEGER, ms REAL, error TEXT, fetched TEXT NOT NULL);"
    "CREATE TABLE frontier(url TEXT PRIMARY KEY, state INTEGER NOT NULL DEFAULT 0, outlet TEXT, discovered INTEGER "
    "NOT NULL, lastmod INTEGER NOT NULL DEFAULT 0, fetched INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL "
    "DEFAULT 0) WITHOUT ROWID;"
    "CREATE INDEX frontier_state ON frontier(state) WHERE state <> 1;"
    "CREATE TABLE feed_state(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked TEXT);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, pages INTEGER, articles "
    "INTEGER, errors INTEGER);"
    "CREATE TABLE field_stats(run_id INTEGER NOT NULL, rule TEXT NOT NULL, field TEXT NOT NULL, pages INTEGER NOT "
    "NULL, rule_n INTEGER NOT NULL, fallback_n INTEGER NOT NULL, empty_n INTEGER NOT NULL, example_url TEXT, "
    "before_pages INTEGER NOT NULL DEFAULT 0, before_rule INTEGER NOT NULL DEFAULT 0, flagged INTEGER NOT NULL "
    "DEFAULT 0, PRIMARY KEY(rule, field, run_id));"
    "INSERT INTO articles VALUES(1, 'http://a.test/1', 'http://a.test/1', 'A', 'a', 'cfg', '2026-01-02T03:00:00+03:00', 'e5c918489c49c92b', "
    "'{\"url\":\"http://a.test/1\",\"title\":\"Second\",\"authors\":[\"Ann\",\"Bo\"],\"lang\":\"en\","
    "\"body\":\"two\"}', '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z', 2);"
    "INSERT INTO revisions VALUES(1, 1, 1, '9d4521cf7e56cfa9', '{\"url\":\"http://a.test/1\",\"title\":\"First\",\"body\":\"one\"}',"
    " '2026-01-01T00:00:00Z');"
    "INSERT INTO revisions VALUES(2, 1, 2, 'e5c918489c49c92b', '{\"url\":\"http://a.test/1\",\"title\":\"Second\",\"authors\":"
    "[\"Ann\",\"Bo\"],\"lang\":\"en\",\"body\":\"two\"}', '2026-01-02T00:00:00Z');"
    "INSERT INTO frontier VALUES('http://a.test/1', 1, 'cfg', 100, 0, 200, 0);"
    "INSERT INTO frontier VALUES('http://a.test/z', 0, 'cfg', 50, 0, 0, 0);"
    "INSERT INTO frontier VALUES('http://a.test/b', 0, 'cfg', 100, 0, 0, 0);"
    "INSERT INTO frontier VALUES('http://a.test/e', 2, 'cfg', 100, 86400, 0, 1);"
    "INSERT INTO frontier VALUES('http://a.test/r', 3, 'cfg', 100, 0, 0, 0);"
    "INSERT INTO runs VALUES(1, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 3, 1, 1);"
    "INSERT INTO feed_state VALUES('http://a.test/feed', '\"e\"', NULL, '2026-01-01T00:00:00Z');";

static void make_v1(void)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(tmp_store_path, &db), SQLITE_OK);
    if (sqlite3_exec(db, V1, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("v1 schema: %s", msg);
    sqlite3_close(db);
}

static int collect(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)outlet;
    (void)tries;
    char *buf = ctx;
    strcat(buf, url + strlen("http://a.test/"));
    strcat(buf, " ");
    return 0;
}

static void test_migration_from_v1(void **state)
{
    make_v1();
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(tmp_store_path, &err);
    if (!s)
        fail_msg("%s", err.msg);
    *state = s;
    want("select version from schema_version", "4");
    want("select title || '|' || authors || '|' || lang || '|' || revisions || '|' || published from articles",
         "Second|Ann; Bo|en|2|2026-01-02T00:00:00Z");
    want("select json_extract(record, '$.body') from articles", "two");
    want("select count(*) from revisions", "2");
    want("select group_concat(state || ':' || coalesce(fetched, '-'), ' ') from (select * from frontier order by id)",
         "queued:- done:1970-01-01T00:03:20Z queued:- error:- robots:-");
    want("select lastmod from frontier where url = 'http://a.test/e'", "1970-01-02T00:00:00Z");
    want("select count(*) from sqlite_master where name in ('articles_v1', 'frontier_v1')", "0");
    /* the resume order is the old one (discovered, then url), and the seen-set knows every old row */
    char order[128] = "";
    assert_int_equal(mw_store_frontier_pending(s, 3, collect, order, &err), 0);
    assert_string_equal(order, "z b e ");
    int added = 1;
    assert_int_equal(mw_store_frontier_add(s, "http://a.test/r", "cfg", 0, 1, &added, &err), 0);
    assert_int_equal(added, 0);
    /* an unchanged page seen again is the same article; a changed one its third revision */
    enum mw_put put;
    assert_int_equal(mw_store_article_put_json(s, "{\"url\":\"http://a.test/1\",\"title\":\"Second\",\"body\":\"two\"}",
                                               "cfg", "2026-02-01T00:00:00Z", &put, &err), 0);
    assert_int_equal(put, MW_PUT_SAME);
    assert_int_equal(mw_store_article_put_json(s, "{\"url\":\"http://a.test/1\",\"title\":\"Third\",\"body\":\"3\"}",
                                               "cfg", "2026-02-02T00:00:00Z", &put, &err), 0);
    assert_int_equal(put, MW_PUT_REVISED);
    want("select revisions || title from articles", "3Third");
    /* a second open finds version 2 and changes nothing */
    mw_store_free(s);
    *state = s = mw_store_open(tmp_store_path, &err);
    assert_non_null(s);
    want("select count(*) from schema_version", "1");
}

static void test_newer_schema_is_refused(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(tmp_store_path, &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE schema_version(version INTEGER); INSERT INTO schema_version VALUES(99);", NULL,
                 NULL, NULL);
    sqlite3_close(db);
    struct mw_err err = {0};
    assert_null(mw_store_open(tmp_store_path, &err));
    assert_non_null(strstr(err.msg, "schema version 99 is newer"));
    mw_err_clear(&err);
    assert_null(mw_store_open("postgres://db/x", &err));
    assert_non_null(strstr(err.msg, "PostgreSQL"));
}

static void sink_error(void *ctx, const char *url, const char *msg)
{
    (void)url;
    (void)msg;
    (*(int *)ctx)++;
}

static void test_feed_state_log_and_sinks(void **state)
{
    struct mw_store *s = *state;
    struct mw_err err = {0};
    char *etag, *lm;
    assert_int_equal(mw_store_feed_get(s, "http://a.test/feed", &etag, &lm, &err), 0);
    assert_null(etag);
    assert_null(lm);
    mw_store_feed_put(s, "http://a.test/feed", "\"e1\"", NULL, "now", &err);
    mw_store_feed_put(s, "http://a.test/feed", "\"e2\"", "Tue, 03 Mar 2026 09:30:00 GMT", "now", &err);
    mw_store_feed_get(s, "http://a.test/feed", &etag, &lm, &err);
    assert_string_equal(etag, "\"e2\"");
    assert_string_equal(lm, "Tue, 03 Mar 2026 09:30:00 GMT");
    free(etag);
    free(lm);
    int64_t run;
    assert_int_equal(mw_store_run_begin(s, "t0", &run, &err), 0);
    struct mw_store_fetch f = {"http://a.test/x", "page", "a", "t1", "HTTP 500", 500, 10, 1.5};
    assert_int_equal(mw_store_log(s, run, &f, &err), 0);
    assert_int_equal(mw_store_run_end(s, run, "t2", 1, 0, 1, &err), 0);

    /* the crawl's sinks over the open store: error records are not articles */
    struct mw_run_sink cfg[] = {{"sqlite", "{}"}};
    int fails = 0;
    struct mw_sinks *sk = mw_sinks_new(cfg, 1, s, NULL, sink_error, &fails, &err);
    assert_non_null(sk);
    assert_true(mw_sinks_store(sk));
    struct mw_record *ok = mw_record_new(json_loads("{\"url\":\"http://c.test/1\",\"title\":\"t\",\"body\":\"b\","
                                                    "\"error\":null,\"origin\":{\"title\":\"rule\"}}", 0, NULL));
    struct mw_record *bad = mw_record_new(json_loads("{\"url\":\"http://c.test/2\",\"error\":{\"stage\":\"fetch\"}}",
                                                     0, NULL));
    assert_int_equal(mw_record_seal(ok), 0);
    assert_int_equal(mw_record_seal(bad), 0);
    assert_non_null(ok->origin);   /* taken out of the record: not stored */
    assert_null(strstr(ok->json, "origin"));
    enum mw_put put;
    assert_int_equal(mw_sinks_record(sk, ok, "cfg", "2026-03-01T00:00:00Z", &put, &err), 0);
    assert_int_equal(put, MW_PUT_NEW);
    assert_int_equal(mw_sinks_record(sk, bad, "cfg", "2026-03-01T00:00:00Z", &put, &err), 0);
    assert_int_equal(put, MW_PUT_SAME);
    mw_record_free(ok);
    mw_record_free(bad);
    mw_sinks_free(sk);   /* the store stays open: it is the caller's */
    assert_int_equal(fails, 0);
    int n = 0;
    mw_store_export(s, NULL, count_rec, &n, &err);
    assert_int_equal(n, 1);
    want("select crawl_outlet from articles", "cfg");
    /* standalone, with the plugin interface: it opens its own store from {"path": ...} */
    const struct mw_sink_ops *ops = mw_sink_sqlite_ops();
    void *own = NULL;
    char conf[128], msg[128];
    snprintf(conf, sizeof conf, "{\"path\":\"%s\"}", tmp_store_path);
    assert_int_equal(ops->open(&own, conf, msg, sizeof msg), 0);
    assert_int_equal(ops->on_record(own, "{\"url\":\"http://c.test/3\",\"title\":\"x\",\"body\":\"y\"}", msg,
                                    sizeof msg), 0);
    ops->close(own);
    n = 0;
    mw_store_export(s, NULL, count_rec, &n, &err);
    assert_int_equal(n, 2);
    assert_int_not_equal(ops->open(&own, "{}", msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "path"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_frontier, setup, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_seen_set_exact, setup, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_articles_and_revisions, setup, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v1, setup_empty, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup_empty, tmp_store_teardown),
        cmocka_unit_test_setup_teardown(test_feed_state_log_and_sinks, setup, tmp_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
