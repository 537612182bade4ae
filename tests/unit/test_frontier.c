/* tests/unit/test_frontier.c: run/frontier.c (hosts by host:port, sources before pages, requeue first, pages
 * packed and given back exactly) and run/match.c (Lua patterns over URLs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/frontier.h"
#include "run/match.h"

static const struct {
    const char *url, *key, *origin;
} HOSTS[] = {
    {"http://A.Test/x", "a.test:80", "http://a.test"},
    {"https://a.test/y", "a.test:443", "https://a.test"},
    {"http://a.test:8080/z", "a.test:8080", "http://a.test:8080"},
    {"http://a.test/other", "a.test:80", "http://a.test"},
    {"HTTPS://B.test:8443/q?x=1", "b.test:8443", "https://b.test:8443"},
    {"http://user@c.test/", "c.test:80", "http://c.test"},
    {"http://[::1]:8080/v6", "[::1]:8080", "http://[::1]:8080"},
};

static void test_hosts_and_queues(void **state)
{
    (void)state;
    struct mw_frontier *f = mw_frontier_new(1000);
    assert_non_null(f);
    for (size_t i = 0; i < sizeof HOSTS / sizeof HOSTS[0]; i++) {
        struct mw_host *h = mw_frontier_host(f, HOSTS[i].url, (uint32_t)i);
        assert_non_null(h);
        assert_string_equal(h->key, HOSTS[i].key);
        assert_string_equal(h->origin, HOSTS[i].origin);
        assert_int_equal(h->delay_ms, 1000);
    }
    assert_int_equal(mw_frontier_host_count(f), 6);
    assert_null(mw_frontier_host(f, "not a url", 0));
    struct mw_host *h = mw_frontier_host(f, "http://a.test/", 0);
    assert_int_equal(h->outlet, 0);   /* the first outlet seen stays */
    assert_int_equal(mw_frontier_push(f, h, "http://a.test/p1", 0, MW_JOB_PAGE, 0, 0), 0);
    assert_int_equal(mw_frontier_push(f, h, "http://a.test/p2", 0, MW_JOB_PAGE, 2, 0), 0);
    assert_int_equal(mw_frontier_push(f, h, "http://a.test/feed", 0, 5, 0, 0), 0);
    assert_int_equal(mw_frontier_queued(f), 3);
    static const char *const order[] = {"http://a.test/feed", "http://a.test/p1", "http://a.test/p1",
                                        "http://a.test/p2"};
    for (int i = 0; i < 4; i++) {
        struct mw_job *j = mw_frontier_pop(f, h);
        assert_non_null(j);
        assert_string_equal(j->url, order[i]);
        if (i == 1)
            mw_frontier_requeue(f, h, j);   /* a retry goes first again */
        else
            free(j);
    }
    assert_null(mw_frontier_pop(f, h));
    assert_int_equal(mw_frontier_queued(f), 0);
    /* many hosts: the table grows and every host is found again */
    char url[64];
    for (int i = 0; i < 500; i++) {
        snprintf(url, sizeof url, "http://h%d.test/", i);
        struct mw_host *n = mw_frontier_host(f, url, 0);
        mw_frontier_push(f, n, url, 0, MW_JOB_PAGE, 0, 0);
    }
    for (int i = 0; i < 500; i++) {
        snprintf(url, sizeof url, "http://h%d.test/x", i);
        assert_int_equal(mw_frontier_host(f, url, 0)->queued, 1);
    }
    assert_int_equal(mw_frontier_host_count(f), 506);
    mw_frontier_free(f);   /* frees the queued jobs */
    mw_frontier_free(NULL);
}

/* Pages of one host in every form a queue may hold them, in order: past the origin, spelled otherwise, long. */
static void test_packed_pages_come_back_exactly(void **state)
{
    (void)state;
    static char long_url[200000];
    memcpy(long_url, "http://p.test/", 14);
    memset(long_url + 14, 'x', sizeof long_url - 15);
    static const char *const URLS[] = {"http://p.test/a", "http://p.test/", "http://p.test/b?c=d&e",
                                       "http://P.TEST/upper", "http://p.test:80/port", "http://p.test/\xc3\xa9t\xc3\xa9",
                                       long_url, "http://p.test/last"};
    enum { N = sizeof URLS / sizeof URLS[0], ROUNDS = 3000 };
    struct mw_frontier *f = mw_frontier_new(0);
    struct mw_host *h = mw_frontier_host(f, URLS[0], 7);
    assert_non_null(h);
    for (int r = 0; r < ROUNDS; r++)   /* many chunks' worth */
        for (int i = 0; i < N; i++)
            assert_int_equal(mw_frontier_push(f, h, URLS[i], (uint32_t)i, MW_JOB_PAGE, r % 70000, 0), 0);
    assert_int_equal(h->pages, (size_t)N * ROUNDS);
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < N; i++) {
            struct mw_job *j = mw_frontier_pop(f, h);
            assert_non_null(j);
            if (strcmp(j->url, URLS[i]) || j->outlet != (uint32_t)i || j->src != MW_JOB_PAGE ||
                j->past != (r % 70000 > 65535 ? 65535 : r % 70000))
                fail_msg("round %d page %d: got %.60s outlet %u past %u", r, i, j->url, j->outlet, j->past);
            if (r == 5 && i == 2) {   /* put back: it comes again next */
                mw_frontier_requeue(f, h, j);
                j = mw_frontier_pop(f, h);
                assert_string_equal(j->url, URLS[2]);
            }
            free(j);
        }
    assert_null(mw_frontier_pop(f, h));
    assert_int_equal(h->pages, 0);
    /* an emptied queue takes pages again */
    assert_int_equal(mw_frontier_push(f, h, "http://p.test/again", 0, MW_JOB_PAGE, 0, 0), 0);
    struct mw_job *j = mw_frontier_pop(f, h);
    assert_string_equal(j->url, "http://p.test/again");
    free(j);
    mw_frontier_free(f);
}

static const struct {
    const char *pattern, *url;
    int want;
} PATTERNS[] = {
    {"^https?://harbor%-times%.example[:%d]*/news/%d%d%d%d/%d%d/%d%d/[%w%-]+%.html$",
     "http://harbor-times.example/news/2026/03/03/harbour-reopens.html", 1},
    {"^https?://harbor%-times%.example[:%d]*/news/%d%d%d%d/%d%d/%d%d/[%w%-]+%.html$",
     "http://harbor-times.example/about.html", 0},
    {"/a/%d+%.html$", "http://x.test/a/12.html", 1},
    {"/a/%d+%.html$", "http://x.test/a/12.html?x", 0},
    {"[unclosed", "http://x.test/", -1},
};

static void test_match(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_match *m = mw_match_new(&err);
    assert_non_null(m);
    for (size_t i = 0; i < sizeof PATTERNS / sizeof PATTERNS[0]; i++) {
        mw_err_clear(&err);
        int got = mw_match(m, PATTERNS[i].pattern, PATTERNS[i].url, &err);
        if (got != PATTERNS[i].want)
            fail_msg("row %zu: %d (%s)", i, got, err.msg);
    }
    assert_non_null(strstr(err.msg, "[unclosed"));
    mw_match_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_hosts_and_queues),
                                       cmocka_unit_test(test_packed_pages_come_back_exactly),
                                       cmocka_unit_test(test_match)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
