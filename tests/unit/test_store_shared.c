/* tests/unit/test_store_shared.c: run/store.h's semantics that every back end must keep, as ONE suite run on
 * both: a temp SQLite file by default, PostgreSQL when MW_TEST_STORE is a postgresql:// URL (its "%d" becomes
 * the test's number, one empty database each: tests/integration/test_store_pg.py makes them and runs this).
 * Articles and revisions, export, the frontier and its leases (two workers never hold one page; a finished page
 * is the holder's only; a run-out lease is taken over; leaving gives leases back), host turns, the robots.txt
 * cache (any bytes), sources once per period (a reader's hold renewed by its heartbeat, read when its batch
 * commits), runs and field stats, per-outlet figures, status, and the SQL seam other modules' tables go through
 * (every value type exactly, the caller's transaction). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/store.h"
#include "unit/tmp_store.h"

struct fx {
    struct mw_store *s, *t;   /* two connections to one store: two workers */
    char where[512];
};

static int ntest;

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    const char *env = getenv("MW_TEST_STORE");
    ntest++;
    if (env && *env)
        snprintf(f->where, sizeof f->where, env, ntest);
    else {
        char name[32];
        snprintf(name, sizeof name, "shared-%d", ntest);
        snprintf(f->where, sizeof f->where, "%s", tmp_store_fresh(name));
    }
    struct mw_err err = {0};
    f->s = mw_store_open(f->where, &err);
    if (f->s)
        f->t = mw_store_open(f->where, &err);
    if (!f->t)
        print_error("%s: %s\n", f->where, err.msg);
    *state = f;
    return f->t ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mw_store_free(f->s);
    mw_store_free(f->t);
    if (!mw_store_is_url(f->where))
        tmp_store_unlink(f->where);
    free(f);
    return 0;
}

/* ---- articles -------------------------------------------------------------------------------------- */

struct lines { char buf[4096]; int n; };

static int keep_line(void *ctx, const char *json, size_t len)
{
    struct lines *l = ctx;
    size_t used = strlen(l->buf);
    snprintf(l->buf + used, sizeof l->buf - used, "%.*s\n", (int)len, json);
    l->n++;
    return 0;
}

static void test_articles_revisions_export(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    static const struct { const char *rec, *outlet, *fetched; enum mw_put want; } ROWS[] = {
        {"{\"url\":\"http://a.test/1\",\"title\":\"One\",\"body\":\"b\\u00e9\",\"authors\":[\"X\",\"Y\"]}", "a",
         "2026-03-01T00:00:00Z", MW_PUT_NEW},
        {"{\"url\":\"http://a.test/1\",\"title\":\"One\",\"body\":\"b\\u00e9\",\"authors\":[\"X\",\"Y\"]}", "a",
         "2026-03-02T00:00:00Z", MW_PUT_SAME},
        {"{\"url\":\"http://a.test/1\",\"title\":\"One, fixed\",\"body\":\"b\\u00e9\"}", "a", "2026-03-03T00:00:00Z",
         MW_PUT_REVISED},
        {"{\"url\":\"http://b.test/2?x\",\"canonical_url\":\"http://b.test/2\",\"title\":\"Two\",\"body\":\"z\"}", "b",
         "2026-03-04T00:00:00Z", MW_PUT_NEW},
        {"{\"url\":\"http://b.test/2\",\"title\":\"Two\",\"body\":\"z\"}", "b", "2026-03-05T00:00:00Z",
         MW_PUT_SAME},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        enum mw_put put;
        assert_int_equal(mw_store_article_put_json(i % 2 ? f->t : f->s, ROWS[i].rec, ROWS[i].outlet,
                                                   ROWS[i].fetched, &put, &err), 0);
        assert_int_equal(put, ROWS[i].want);
    }
    char *js = NULL;
    assert_int_equal(mw_store_article_get(f->s, "http://a.test/1", &js, &err), 0);
    assert_string_equal(js, ROWS[2].rec);   /* the current record is the latest revision, byte for byte */
    free(js);
    assert_int_equal(mw_store_article_get(f->s, "http://none.test/", &js, &err), 0);
    assert_null(js);
    struct lines all = {{0}, 0}, b = {{0}, 0}, recent = {{0}, 0};
    assert_int_equal(mw_store_export(f->s, NULL, keep_line, &all, &err), 0);
    char want[2048];
    snprintf(want, sizeof want, "%s\n%s\n", ROWS[2].rec, ROWS[3].rec);   /* oldest first */
    assert_string_equal(all.buf, want);
    struct mw_store_filter fb = {.outlet = "b"}, fr = {.seen_since = "2026-03-05T00:00:00Z"};
    assert_int_equal(mw_store_export(f->t, &fb, keep_line, &b, &err), 0);
    assert_int_equal(mw_store_export(f->t, &fr, keep_line, &recent, &err), 0);
    assert_int_equal(b.n, 1);
    assert_int_equal(recent.n, 1);
    assert_non_null(strstr(recent.buf, "b.test/2"));
    /* a rolled-back transaction leaves nothing behind */
    enum mw_put put;
    assert_int_equal(mw_store_begin(f->s, &err), 0);
    assert_int_equal(mw_store_article_put_json(f->s, "{\"url\":\"http://c.test/\",\"title\":\"t\"}", NULL,
                                               "2026-03-06T00:00:00Z", &put, &err), 0);
    mw_store_rollback(f->s);
    assert_int_equal(mw_store_article_get(f->t, "http://c.test/", &js, &err), 0);
    assert_null(js);
}

/* Export's filters, as instants and columns (the back ends must agree on what a date is). */
static void test_export_filters(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    static const char *const RECS[] = {
        "{\"url\":\"http://x.test/1\",\"title\":\"a\",\"body\":\"b\",\"lang\":\"en\",\"rule\":\"r1\","
        "\"published\":\"2026-03-01T23:30:00-02:00\"}",   /* 2026-03-02T01:30Z */
        "{\"url\":\"http://x.test/2\",\"title\":\"a\",\"body\":\"b\",\"lang\":\"de\",\"rule\":\"generic\","
        "\"published\":\"2026-03-01\"}",
        "{\"url\":\"http://x.test/3\",\"title\":\"\",\"body\":\"b\",\"lang\":\"en\",\"rule\":\"r1\","
        "\"published\":\"2026-03-03T00:00:00Z\"}",
        "{\"url\":\"http://x.test/4\",\"title\":\"a\",\"body\":\"b\",\"lang\":\"en\",\"rule\":\"r1\","
        "\"published\":\"last Tuesday\"}",
    };
    for (int i = 0; i < 4; i++) {
        enum mw_put put;
        char when[32];
        snprintf(when, sizeof when, "2026-03-0%dT00:00:00Z", i + 1);
        assert_int_equal(mw_store_article_put_json(f->s, RECS[i], "x", when, &put, &err), 0);
    }
    static const struct { struct mw_store_filter f; int want; } ROWS[] = {
        {{.published_since = "2026-03-02T00:00:00Z"}, 2},
        {{.published_before = "2026-03-02T00:00:00Z"}, 1},
        {{.published_since = "2026-03-02T01:00:00+00:00", .published_before = "2026-03-02T02:00:00Z"}, 1},
        {{.lang = "en"}, 3},
        {{.rule = "generic"}, 1},
        {{.complete = 1}, 2},
        {{.max = 3}, 3},
        {{.lang = "en", .rule = "r1", .complete = 1}, 1},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct lines l = {{0}, 0};
        assert_int_equal(mw_store_export(f->t, &ROWS[i].f, keep_line, &l, &err), 0);
        if (l.n != ROWS[i].want)
            fail_msg("filter row %zu: %d records, want %d:\n%s", i, l.n, ROWS[i].want, l.buf);
    }
}

/* ---- frontier and leases --------------------------------------------------------------------------- */

struct got { char url[8][64]; int n; };

static int keep_url(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)outlet;
    (void)tries;
    struct got *g = ctx;
    if (g->n < 8)
        snprintf(g->url[g->n++], 64, "%s", url);
    return 0;
}

static void add_urls(struct mw_store *s, int n)
{
    struct mw_err err = {0};
    for (int i = 0; i < n; i++) {
        char u[64];
        int added = 0;
        snprintf(u, sizeof u, "http://h.test/%d", i);
        assert_int_equal(mw_store_frontier_add(s, u, "h", 0, 1000, &added, &err), 0);
        assert_int_equal(added, 1);
        assert_int_equal(mw_store_frontier_add(s, u, "h", 0, 1000, &added, &err), 0);
        assert_int_equal(added, 0);
    }
}

static void test_leases_are_exclusive_and_finish_is_the_holders(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "a", "m1", 1, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "b", "m2", 2, &b, &err), 0);
    assert_true(a != b);
    add_urls(f->s, 3);
    struct got ga = {{{0}}, 0}, gb = {{{0}}, 0}, gc = {{{0}}, 0};
    long n = 0;
    assert_int_equal(mw_store_frontier_lease(f->s, a, 3, 2, 600000, keep_url, &ga, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(ga.url[0], "http://h.test/0");   /* discovery order */
    assert_string_equal(ga.url[1], "http://h.test/1");
    assert_int_equal(mw_store_frontier_lease(f->t, b, 3, 5, 600000, keep_url, &gb, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(gb.url[0], "http://h.test/2");
    assert_int_equal(mw_store_frontier_lease(f->t, b, 3, 5, 600000, keep_url, &gc, &n, &err), 0);
    assert_int_equal(n, 0);
    long leased = 0, reading = 0;
    assert_int_equal(mw_store_frontier_busy(f->t, b, &leased, &reading, &err), 0);
    assert_int_equal(leased, 2);   /* a's */
    int owned = -1;
    /* b cannot complete a's page; a can, in its transaction */
    assert_int_equal(mw_store_frontier_finish(f->t, b, "http://h.test/0", MW_FS_DONE, -1, 2000, &owned, &err), 0);
    assert_int_equal(owned, 0);
    assert_int_equal(mw_store_begin(f->s, &err), 0);
    assert_int_equal(mw_store_frontier_finish(f->s, a, "http://h.test/0", MW_FS_DONE, -1, 2000, &owned, &err), 0);
    assert_int_equal(owned, 1);
    assert_int_equal(mw_store_commit(f->s, &err), 0);
    assert_int_equal(mw_store_frontier_count(f->t, MW_FS_DONE), 1);
    /* a leaves: its other page goes back to the queue, and b gets it */
    assert_int_equal(mw_store_worker_leave(f->s, a, &err), 0);
    memset(&gc, 0, sizeof gc);
    assert_int_equal(mw_store_frontier_lease(f->t, b, 3, 5, 600000, keep_url, &gc, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(gc.url[0], "http://h.test/1");
}

/* A lease that runs out (its worker stopped beating) is taken over; the old holder's finish then changes
 * nothing. The wait is on the store's answer (the lease is 1 ms), capped, never a sleep-and-assert. */
static void test_run_out_lease_is_taken_over(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "a", "m1", 0, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "b", "m2", 0, &b, &err), 0);
    add_urls(f->s, 1);
    struct got g = {{{0}}, 0};
    long n = 0;
    assert_int_equal(mw_store_frontier_lease(f->s, a, 3, 1, 1, keep_url, &g, &n, &err), 0);
    assert_int_equal(n, 1);
    struct timespec pause = {0, 5 * 1000 * 1000};
    n = 0;
    for (int i = 0; i < 2000 && n == 0; i++) {   /* up to 10 s */
        memset(&g, 0, sizeof g);
        assert_int_equal(mw_store_frontier_lease(f->t, b, 3, 1, 600000, keep_url, &g, &n, &err), 0);
        if (!n)
            nanosleep(&pause, NULL);
        else
            break;
    }
    assert_int_equal(n, 1);
    assert_string_equal(g.url[0], "http://h.test/0");
    int owned = -1;
    assert_int_equal(mw_store_frontier_finish(f->s, a, "http://h.test/0", MW_FS_DONE, -1, 2000, &owned, &err), 0);
    assert_int_equal(owned, 0);
    assert_int_equal(mw_store_frontier_finish(f->t, b, "http://h.test/0", MW_FS_DONE, -1, 2000, &owned, &err), 0);
    assert_int_equal(owned, 1);
}

/* Errors are tried again by later passes, up to max_tries, and not by the worker that just failed them. */
static void test_errors_come_back_until_max_tries(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "a", "m", 0, &a, &err), 0);
    add_urls(f->s, 1);
    struct got g = {{{0}}, 0};
    long n = 0;
    int owned;
    assert_int_equal(mw_store_frontier_lease(f->s, a, 2, 5, 600000, keep_url, &g, &n, &err), 0);
    assert_int_equal(mw_store_frontier_finish(f->s, a, g.url[0], MW_FS_ERROR, 1, 2000, &owned, &err), 0);
    assert_int_equal(mw_store_frontier_lease(f->s, a, 2, 5, 600000, keep_url, &g, &n, &err), 0);
    assert_int_equal(n, 0);   /* not again in the same pass */
    assert_int_equal(mw_store_worker_join(f->t, "b", "m", 0, &b, &err), 0);
    assert_int_equal(mw_store_frontier_lease(f->t, b, 2, 5, 600000, keep_url, &g, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(mw_store_frontier_finish(f->t, b, g.url[0], MW_FS_ERROR, 2, 2000, &owned, &err), 0);
    assert_int_equal(mw_store_frontier_lease(f->s, a, 2, 5, 600000, keep_url, &g, &n, &err), 0);
    assert_int_equal(n, 0);   /* two tries of two */
    assert_int_equal(mw_store_frontier_count(f->s, MW_FS_ERROR), 1);
}

/* ---- politeness, robots.txt, sources --------------------------------------------------------------- */

static void test_host_has_one_turn_over_all_workers(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "a", "m", 0, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "b", "m", 0, &b, &err), 0);
    static const struct { int who; const char *op; long delay; int want_turn; } ROWS[] = {
        {0, "take", 0, 1},      /* first */
        {1, "take", 0, 0},      /* held by a */
        {0, "take", 0, 0},      /* one at a time, even for the holder */
        {0, "release", 600000, 0},
        {1, "take", 0, 0},      /* free, but its next allowed time is ten minutes away */
        {0, "take", 0, 0},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct mw_store *s = ROWS[i].who ? f->t : f->s;
        int64_t w = ROWS[i].who ? b : a;
        if (!strcmp(ROWS[i].op, "release")) {
            assert_int_equal(mw_store_host_release(s, "h.test:80", w, ROWS[i].delay, 1, &err), 0);
            continue;
        }
        long wait = -1;
        assert_int_equal(mw_store_host_take(s, "h.test:80", w, 600000, &wait, &err), 0);
        if (ROWS[i].want_turn)
            assert_int_equal(wait, 0);
        else
            assert_true(wait > 0);
        if (i == 4)
            assert_true(wait > 500000);   /* about the delay, from the store's clock */
    }
    /* another host is not held back */
    long wait = -1;
    assert_int_equal(mw_store_host_take(f->t, "other.test:80", b, 600000, &wait, &err), 0);
    assert_int_equal(wait, 0);
    assert_int_equal(mw_store_host_release(f->t, "other.test:80", b, 0, 0, &err), 0);
    assert_int_equal(mw_store_host_take(f->s, "other.test:80", a, 600000, &wait, &err), 0);
    assert_int_equal(wait, 0);
}

static void test_robots_fetched_once_then_cached(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "a", "m", 0, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "b", "m", 0, &b, &err), 0);
    enum mw_robots_cache st;
    char *body = NULL;
    size_t len = 0;
    long status = 0;
    assert_int_equal(mw_store_robots_get(f->s, "h.test:80", a, 600000, &st, &body, &len, &status, &err), 0);
    assert_int_equal(st, MW_RC_YOURS);
    assert_int_equal(mw_store_robots_get(f->t, "h.test:80", b, 600000, &st, &body, &len, &status, &err), 0);
    assert_int_equal(st, MW_RC_WAIT);
    /* any bytes: a NUL, bytes that are not UTF-8 */
    static const char ROBOTS[] = "User-agent: *\nDisallow: /x\n\0\xff\xfe tail";
    assert_int_equal(mw_store_robots_put(f->s, "h.test:80", ROBOTS, sizeof ROBOTS - 1, 200, 600000, &err), 0);
    assert_int_equal(mw_store_robots_get(f->t, "h.test:80", b, 600000, &st, &body, &len, &status, &err), 0);
    assert_int_equal(st, MW_RC_CACHED);
    assert_int_equal(status, 200);
    assert_int_equal(len, sizeof ROBOTS - 1);
    assert_memory_equal(body, ROBOTS, len);
    free(body);
    /* a 404 is cached as "allow all" (no body); an unreachable one only gives the fetch back */
    assert_int_equal(mw_store_robots_get(f->s, "n.test:80", a, 600000, &st, &body, &len, &status, &err), 0);
    assert_int_equal(st, MW_RC_YOURS);
    assert_int_equal(mw_store_robots_put(f->s, "n.test:80", NULL, 0, 0, 600000, &err), 0);
    assert_int_equal(mw_store_robots_get(f->t, "n.test:80", b, 600000, &st, &body, &len, &status, &err), 0);
    assert_int_equal(st, MW_RC_YOURS);
    assert_int_equal(mw_store_robots_put(f->t, "n.test:80", NULL, 0, 404, 600000, &err), 0);
    assert_int_equal(mw_store_robots_get(f->s, "n.test:80", a, 600000, &st, &body, &len, &status, &err), 0);
    assert_int_equal(st, MW_RC_CACHED);
    assert_null(body);
    assert_int_equal(status, 404);
}

static void test_sources_read_once_per_period(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "a", "m", 0, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "b", "m", 0, &b, &err), 0);
    const char *u = "http://h.test/feed.xml";
    static const struct { int who; const char *op; long period; int want; } ROWS[] = {
        {0, "take", 600000, 1}, {1, "take", 600000, 0}, {1, "busy", 0, 1}, {0, "done", 0, 0},
        {1, "busy", 0, 0}, {1, "take", 600000, 0}, {1, "take", 0, 1},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct mw_store *s = ROWS[i].who ? f->t : f->s;
        int64_t w = ROWS[i].who ? b : a;
        int got = -1;
        if (!strcmp(ROWS[i].op, "take"))
            assert_int_equal(mw_store_source_take(s, u, w, ROWS[i].period, 600000, &got, &err), 0);
        else if (!strcmp(ROWS[i].op, "done"))
            assert_int_equal(mw_store_source_done(s, u, w, &err), 0);
        else {
            long leased = 0, reading = 0;
            assert_int_equal(mw_store_frontier_busy(s, w, &leased, &reading, &err), 0);
            got = reading > 0;
        }
        if (got >= 0 && strcmp(ROWS[i].op, "done"))
            assert_int_equal(got, ROWS[i].want);
    }
}

/* ---- runs, feeds, field stats, figures, status ----------------------------------------------------- */

static int keep_alert(void *ctx, int64_t run_id, const char *started, const struct mw_store_fields *fl)
{
    (void)started;
    (void)fl;
    *(int64_t *)ctx = run_id;
    return 0;
}

/* A reader's hold lives by its heartbeat (a run-out hold is anyone's; a beat renews it), and "read" lands with
 * the reader's transaction: rolled back (the reader died before its commit), the source is still unread. */
static void test_source_hold_lives_by_heartbeat_and_read_commits_with_the_batch(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    int got = -1;
    long leased = 0, reading = 0;
    const char *u = "http://h.test/sitemap.xml";
    assert_int_equal(mw_store_worker_join(f->s, "a", "m", 0, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "b", "m", 0, &b, &err), 0);
    /* a's hold ran out (taken with a hold already past): b may read it, until a's heartbeat renews it */
    assert_int_equal(mw_store_source_take(f->s, u, a, 600000, -60000, &got, &err), 0);
    assert_int_equal(got, 1);
    assert_int_equal(mw_store_frontier_busy(f->t, b, &leased, &reading, &err), 0);
    assert_int_equal(reading, 0);
    assert_int_equal(mw_store_worker_beat(f->s, a, 0, 600000, &err), 0);
    assert_int_equal(mw_store_frontier_busy(f->t, b, &leased, &reading, &err), 0);
    assert_int_equal(reading, 1);
    assert_int_equal(mw_store_source_take(f->t, u, b, 600000, 600000, &got, &err), 0);
    assert_int_equal(got, 0);
    /* a marks it read in a batch that never commits, then leaves: it was never read */
    assert_int_equal(mw_store_begin(f->s, &err), 0);
    assert_int_equal(mw_store_source_done(f->s, u, a, &err), 0);
    mw_store_rollback(f->s);
    assert_int_equal(mw_store_worker_leave(f->s, a, &err), 0);
    assert_int_equal(mw_store_source_take(f->t, u, b, 600000, 600000, &got, &err), 0);
    assert_int_equal(got, 1);
    /* b reads it and commits: read for the period */
    assert_int_equal(mw_store_begin(f->t, &err), 0);
    assert_int_equal(mw_store_source_done(f->t, u, b, &err), 0);
    assert_int_equal(mw_store_commit(f->t, &err), 0);
    assert_int_equal(mw_store_source_take(f->s, u, a, 600000, 600000, &got, &err), 0);
    assert_int_equal(got, 0);
}

static void test_runs_feeds_and_field_stats(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t r1, r2;
    assert_int_equal(mw_store_run_begin(f->s, "2026-03-01T00:00:00Z", &r1, &err), 0);
    assert_int_equal(mw_store_run_end(f->s, r1, "2026-03-01T00:01:00Z", 5, 4, 1, &err), 0);
    assert_int_equal(mw_store_run_begin(f->t, "2026-03-02T00:00:00Z", &r2, &err), 0);
    assert_true(r2 > r1);
    struct mw_store_fields a = {"r", "title", NULL, 10, 10, 0, 0, 0, 0, 0};
    struct mw_store_fields b = {"r", "title", "http://x.test/", 4, 0, 4, 0, 10, 10, 1};
    assert_int_equal(mw_store_fields_put(f->s, r1, &a, &err), 0);
    assert_int_equal(mw_store_fields_put(f->s, r2, &b, &err), 0);
    assert_int_equal(mw_store_fields_put(f->s, r2, &b, &err), 0);   /* written again: one row */
    long pages = 0, rule_n = 0;
    assert_int_equal(mw_store_fields_before(f->t, r2, "r", "title", &pages, &rule_n, &err), 0);
    assert_int_equal(pages, 10);
    assert_int_equal(rule_n, 10);
    int64_t flagged = 0;
    assert_int_equal(mw_store_layout_alerts(f->t, 3, keep_alert, &flagged, &err), 0);
    assert_int_equal(flagged, r2);
    char *etag = NULL, *lm = NULL;
    assert_int_equal(mw_store_feed_put(f->s, "http://h.test/f", "\"e1\"", NULL, "2026-03-01T00:00:00Z", &err), 0);
    assert_int_equal(mw_store_feed_get(f->t, "http://h.test/f", &etag, &lm, &err), 0);
    assert_string_equal(etag, "\"e1\"");
    assert_null(lm);
    free(etag);
    /* an error message that is not UTF-8 (a broken server's) is kept, not refused */
    struct mw_store_fetch fe = {"http://h.test/1", "page", "h", "2026-03-01T00:00:00Z", "bad \xff\xfe status", 500, 0,
                                1.5};
    assert_int_equal(mw_store_log(f->s, r1, &fe, &err), 0);
}

struct stat_rows { struct mw_store_outlet_stats v[4]; char names[4][16], last[4][32]; int n; };

static int keep_stats(void *ctx, const struct mw_store_outlet_stats *st)
{
    struct stat_rows *r = ctx;
    if (r->n == 4)
        return 1;
    r->v[r->n] = *st;
    snprintf(r->names[r->n], 16, "%s", st->outlet);
    snprintf(r->last[r->n], 32, "%s", st->last_success ? st->last_success : "-");
    r->n++;
    return 0;
}

static void test_outlet_figures(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    static const char *const RECS[] = {
        "{\"url\":\"http://b.test/1\",\"title\":\"x\",\"authors\":[\"A\"],\"published\":\"2026\",\"body\":\"a\","
        "\"tags\":[\"t\"],\"lang\":\"en\"}",
        "{\"url\":\"http://b.test/2\",\"title\":\"x\",\"authors\":[\"A\"],\"published\":\"2026\",\"body\":\"abcde\","
        "\"lang\":\"en\"}",
        "{\"url\":\"http://b.test/3\",\"title\":\"\",\"body\":\"%0100d\",\"lang\":\"en\"}",
        "{\"url\":\"http://B.test/9\",\"title\":\"y\",\"body\":\"abcd\",\"lang\":\"en\"}"};
    for (int i = 0; i < 4; i++) {
        char rec[400];
        snprintf(rec, sizeof rec, RECS[i], 0);
        enum mw_put put;
        assert_int_equal(mw_store_article_put_json(f->s, rec, i < 3 ? "b" : "B", "2026-03-01T00:00:00Z", &put, &err),
                         0);
    }
    static const char *const URLS[] = {"http://b.test/1", "http://b.test/2", "http://b.test/3", "http://b.test/4",
                                       "http://c.test/1"};
    for (int i = 0; i < 5; i++) {
        int added;
        mw_store_frontier_add(f->s, URLS[i], i < 4 ? "b" : "c", 0, 1, &added, &err);
        mw_store_frontier_set(f->s, URLS[i], i >= 3 ? MW_FS_ERROR : MW_FS_DONE, 1, 2, &err);
    }
    struct mw_store_fetch f1 = {"http://b.test/1", "page", "b", "2026-03-01T00:00:00Z", NULL, 200, 1, 1};
    struct mw_store_fetch f2 = {"http://b.test/4", "page", "b", "2026-03-02T00:00:00Z", "HTTP 500", 500, 1, 1};
    mw_store_log(f->s, 1, &f1, &err);
    mw_store_log(f->s, 1, &f2, &err);
    struct stat_rows r = {0};
    assert_int_equal(mw_store_outlet_stats(f->t, keep_stats, &r, &err), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.names[0], "B");   /* byte order, whatever the database's locale */
    assert_string_equal(r.names[1], "b");
    assert_int_equal(r.v[1].articles, 3);
    assert_int_equal(r.v[1].median_body, 5);
    assert_int_equal(r.v[0].median_body, 4);
    assert_int_equal(r.v[1].pages, 4);
    assert_int_equal(r.v[1].page_errors, 1);
    assert_string_equal(r.last[1], "2026-03-01T00:00:00Z");
    assert_int_equal(r.v[1].missing[0], 1);   /* title */
    assert_int_equal(r.v[1].missing[1], 1);   /* authors */
    assert_int_equal(r.v[1].missing[5], 2);   /* tags */
    assert_int_equal(r.v[1].missing[8], 0);   /* body */
    assert_string_equal(r.names[2], "c");    /* tried, nothing stored */
    assert_int_equal(r.v[2].articles, 0);
    assert_int_equal(r.v[2].page_errors, 1);
}

struct status_rows { char text[2048]; };

static int keep_status(void *ctx, const struct mw_store_status *row)
{
    struct status_rows *s = ctx;
    size_t n = strlen(s->text);
    snprintf(s->text + n, sizeof s->text - n, "%s|%s|%s|%ld|%ld\n", row->kind, row->name,
             row->detail ? row->detail : "-", row->n1, row->n2);
    return 0;
}

static void test_status_rows(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int64_t a, b;
    assert_int_equal(mw_store_worker_join(f->s, "m1/11", "m1", 0, &a, &err), 0);
    assert_int_equal(mw_store_worker_join(f->t, "m2/22", "m2", 0, &b, &err), 0);
    add_urls(f->s, 3);
    struct got g = {{{0}}, 0};
    long n = 0;
    assert_int_equal(mw_store_frontier_lease(f->s, a, 3, 2, 600000, keep_url, &g, &n, &err), 0);
    assert_int_equal(mw_store_worker_beat(f->s, a, 7, 600000, &err), 0);
    assert_int_equal(mw_store_worker_leave(f->t, b, &err), 0);
    struct status_rows s = {""};
    assert_int_equal(mw_store_status(f->t, keep_status, &s, &err), 0);
    assert_string_equal(s.text, "worker|m1/11|running|7|2\n"
                                "worker|m2/22|stopped|0|0\n"
                                "queue|outlet h|-|3|2\n"
                                "queue|host h.test|-|3|2\n");
}

/* ---- the SQL seam (other modules' tables: core/story) ---------------------------------------------- */

struct seam_rows { int n, stop_at; struct mw_sql_val v[2][5]; unsigned char blob[2][300]; char text[2][64]; };

static int keep_seam_row(void *ctx, const struct mw_sql_val *c, int n)
{
    struct seam_rows *r = ctx;
    assert_int_equal(n, 5);
    int k = r->n++;
    for (int i = 0; i < 5; i++)
        r->v[k][i] = c[i];
    if (c[2].type == MW_SQL_TEXT)
        snprintf(r->text[k], sizeof r->text[k], "%s", (const char *)c[2].p);
    if (c[3].type == MW_SQL_BLOB && c[3].n <= sizeof r->blob[k])
        memcpy(r->blob[k], c[3].p, c[3].n);
    return r->n == r->stop_at;
}

static int keep_text(void *ctx, const struct mw_sql_val *c, int n)
{
    assert_int_equal(n, 1);
    snprintf(ctx, 64, "%s", mw_sql_str(&c[0]) ? mw_sql_str(&c[0]) : "(not text)");
    return 0;
}

static void test_sql_seam_keeps_every_type(void **state)
{
    struct fx *f = *state;
    struct mw_err err = {0};
    int pg = !strcmp(mw_store_kind(f->s), "postgresql");
    assert_int_equal(mw_store_sql_script(f->s, pg ? "CREATE TABLE seam_t(id bigint PRIMARY KEY, r double precision,"
                                                    " t text, b bytea, n text);"
                                                  : "CREATE TABLE seam_t(id INTEGER PRIMARY KEY, r REAL, t TEXT,"
                                                    " b BLOB, n TEXT);", &err), 0);
    unsigned char blob[300];
    for (size_t i = 0; i < sizeof blob; i++)
        blob[i] = (unsigned char)(i * 7);   /* zero bytes and high ones */
    const double r = 1773478800.123456789 / 3;
    const char *ins = "INSERT INTO seam_t(id, r, t, b, n) VALUES($1, $2, $3, $4, $5)";
    struct mw_sql_val row1[] = {MW_SQL_I(INT64_C(1) << 40), MW_SQL_R(r), mw_sql_text("naïve «x»"),
                                MW_SQL_B(blob, sizeof blob), mw_sql_text(NULL)};
    assert_int_equal(mw_store_sql(f->s, ins, row1, 5, NULL, NULL, &err), 0);
    char *again = strdup(ins);   /* the same text at another address: the same statement */
    struct mw_sql_val row2[] = {MW_SQL_I(-3), MW_SQL_R(0.1 + 0.2), mw_sql_text(""), MW_SQL_B(blob, 0),
                                mw_sql_text("x")};
    assert_int_equal(mw_store_sql(f->s, again, row2, 5, NULL, NULL, &err), 0);
    free(again);
    struct seam_rows got = {0};
    const char *sel = "SELECT id, r, t, b, n FROM seam_t WHERE id >= $1 ORDER BY id DESC";
    assert_int_equal(mw_store_sql(f->t, sel, (struct mw_sql_val[]){MW_SQL_I(-10)}, 1, keep_seam_row, &got, &err), 0);
    assert_int_equal(got.n, 2);
    assert_int_equal(mw_sql_int(&got.v[0][0]), INT64_C(1) << 40);
    assert_true(mw_sql_real(&got.v[0][1]) == r);   /* exactly: stories compare epochs */
    assert_string_equal(got.text[0], "naïve «x»");
    assert_int_equal(got.v[0][3].type, MW_SQL_BLOB);
    assert_int_equal(got.v[0][3].n, sizeof blob);
    assert_memory_equal(got.blob[0], blob, sizeof blob);
    assert_int_equal(got.v[0][4].type, MW_SQL_NULL);
    assert_int_equal(mw_sql_int(&got.v[1][0]), -3);
    assert_true(mw_sql_real(&got.v[1][1]) == 0.1 + 0.2);
    assert_string_equal(got.text[1], "");
    assert_int_equal(got.v[1][3].n, 0);
    /* a row function that stops: no more rows, and no error */
    struct seam_rows one = {.stop_at = 1};
    assert_int_equal(mw_store_sql(f->t, sel, (struct mw_sql_val[]){MW_SQL_I(-10)}, 1, keep_seam_row, &one, &err), 0);
    assert_int_equal(one.n, 1);
    /* parameters by number, whatever their order in the text */
    char text[64] = "";
    struct mw_sql_val ab[] = {mw_sql_text("a"), mw_sql_text("b")};
    assert_int_equal(mw_store_sql(f->t, "SELECT $2 || '-' || $1", ab, 2, keep_text, text, &err), 0);
    assert_string_equal(text, "b-a");
    /* the caller's transaction: what it rolls back is not there */
    assert_int_equal(mw_store_begin(f->s, &err), 0);
    struct mw_sql_val row3[] = {MW_SQL_I(5), MW_SQL_R(1), mw_sql_text("t"), MW_SQL_B(blob, 1), mw_sql_text(NULL)};
    assert_int_equal(mw_store_sql(f->s, ins, row3, 5, NULL, NULL, &err), 0);
    mw_store_rollback(f->s);
    struct seam_rows after = {0};
    assert_int_equal(mw_store_sql(f->s, sel, (struct mw_sql_val[]){MW_SQL_I(-10)}, 1, keep_seam_row, &after, &err), 0);
    assert_int_equal(after.n, 2);
    /* a bad statement: one error naming it */
    assert_int_equal(mw_store_sql(f->s, "SELECT * FROM no_such_table", NULL, 0, NULL, NULL, &err), MW_EIO);
    assert_non_null(strstr(err.msg, "no_such_table"));
    /* after it the statements kept still answer, and new ones past the cache's first growth, each by its own
     * text even when the caller's buffer is reused */
    memset(&err, 0, sizeof err);
    char q[48], want[16];
    for (int i = 0; i < 40; i++) {
        snprintf(q, sizeof q, "SELECT 'v%d' || $1", i);
        snprintf(want, sizeof want, "v%d-", i);
        assert_int_equal(mw_store_sql(f->t, q, (struct mw_sql_val[]){mw_sql_text("-")}, 1, keep_text, text, &err), 0);
        assert_string_equal(text, want);
    }
    assert_int_equal(mw_store_sql(f->t, "SELECT $2 || '-' || $1", ab, 2, keep_text, text, &err), 0);
    assert_string_equal(text, "b-a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_articles_revisions_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leases_are_exclusive_and_finish_is_the_holders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_out_lease_is_taken_over, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_come_back_until_max_tries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_has_one_turn_over_all_workers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_robots_fetched_once_then_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sources_read_once_per_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_hold_lives_by_heartbeat_and_read_commits_with_the_batch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_runs_feeds_and_field_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outlet_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_seam_keeps_every_type, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
