/* tests/unit/test_store.c: run/store.c — the frontier as seen-set, articles and revisions, feed state, the
 * fetch log, export and the "sqlite" sink; a rolled-back transaction leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/store.h"

static char path[64];

static int setup(void **state)
{
    snprintf(path, sizeof path, "/tmp/mw-test-store-%d.sqlite", (int)getpid());
    unlink(path);
    struct mw_err err = {0};
    *state = mw_store_open(path, &err);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    mw_store_free(*state);
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    return 0;
}

static int count(void *ctx, const char *url, const char *outlet, int tries)
{
    (void)url;
    (void)outlet;
    (void)tries;
    (*(int *)ctx)++;
    return 0;
}

static int count_rec(void *ctx, const char *json)
{
    (void)json;
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
         "\"title\":\"T\",\"body\":\"one\",\"error\":null}", MW_PUT_NEW},
        {"{\"url\":\"http://a.test/1\",\"canonical_url\":\"http://a.test/1\",\"outlet\":\"A\",\"rule\":\"a\","
         "\"title\":\"T\",\"body\":\"one\",\"fetched\":\"later\"}", MW_PUT_SAME},
        {"{\"url\":\"http://a.test/1\",\"canonical_url\":\"http://a.test/1\",\"outlet\":\"A\",\"rule\":\"a\","
         "\"title\":\"T\",\"body\":\"two\"}", MW_PUT_REVISED},
        {"{\"url\":\"http://b.test/2\",\"outlet\":\"B\",\"title\":\"T\",\"body\":\"one\"}", MW_PUT_NEW},
        {"{\"url\":\"http://b.test/3\",\"outlet\":\"B\",\"title\":\"Tone\",\"body\":\"\"}", MW_PUT_NEW},
    };
    for (size_t i = 0; i < sizeof PUTS / sizeof PUTS[0]; i++) {
        enum mw_put got = 99;
        assert_int_equal(mw_store_article_put(s, PUTS[i].rec, "cfg", "2026-03-01T00:00:00Z", &got, &err), 0);
        if (got != PUTS[i].want)
            fail_msg("row %zu: got %d", i, got);
    }
    enum mw_put got;
    assert_int_equal(mw_store_article_put(s, "[1]", NULL, "x", &got, &err), MW_EPARSE);
    int n = 0;
    assert_int_equal(mw_store_export(s, NULL, "A", count_rec, &n, &err), 0);
    assert_int_equal(n, 1);
    n = 0;
    mw_store_export(s, NULL, "cfg", count_rec, &n, &err);
    assert_int_equal(n, 3);
    n = 0;
    mw_store_export(s, "2027-01-01T00:00:00Z", NULL, count_rec, &n, &err);
    assert_int_equal(n, 0);
}

static void test_feed_state_log_and_sink(void **state)
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

    /* the sink over the open store: error records are not articles */
    const struct mw_sink_ops *ops = mw_store_sink_ops();
    void *st = mw_store_sink_bind(s);
    char msg[128];
    mw_store_sink_set_context(st, "cfg", run);
    assert_int_equal(ops->on_record(st, "{\"url\":\"http://c.test/1\",\"title\":\"t\",\"body\":\"b\",\"error\":null}",
                                    msg, sizeof msg), 0);
    assert_int_equal(mw_store_sink_last(st), MW_PUT_NEW);
    assert_int_equal(ops->on_record(st, "{\"url\":\"http://c.test/2\",\"error\":{\"stage\":\"fetch\"}}", msg,
                                    sizeof msg), 0);
    assert_int_equal(mw_store_sink_last(st), MW_PUT_SAME);
    ops->close(st);   /* the store stays open: it is the caller's */
    int n = 0;
    mw_store_export(s, NULL, NULL, count_rec, &n, &err);
    assert_int_equal(n, 1);
    /* standalone: the sink opens its own store from {"path": ...} */
    void *own = NULL;
    char cfg[128];
    snprintf(cfg, sizeof cfg, "{\"path\":\"%s\"}", path);
    assert_int_equal(ops->open(&own, cfg, msg, sizeof msg), 0);
    ops->close(own);
    assert_int_not_equal(ops->open(&own, "{}", msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "path"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_frontier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_articles_and_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_state_log_and_sink, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
