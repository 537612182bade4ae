/* tests/unit/test_robots.c: run/robots.c — groups, longest match, wildcards, Crawl-delay, Sitemap lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "run/robots.h"

static const char DEMO[] =
    "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n\nUser-agent: GreedyBot\nDisallow: /\n"
    "Sitemap: http://x.example/sitemap.xml\n";
static const char OURS[] =
    "User-agent: *\nDisallow: /\n\nUser-agent: Moonwire/1.0\nDisallow: /closed/\nAllow: /closed/open$\n"
    "Crawl-delay: 2.5\n";
static const char WILD[] =
    "user-agent: *   # comment\nDisallow: /*.pdf$\nDisallow: /search\nAllow: /search/help\nDisallow:\n";
static const char SHARED[] = "User-agent: a\nUser-agent: *\nDisallow: /x/\n\nUser-agent: b\nDisallow: /y/\n";

static const struct {
    const char *txt, *path;
    int allowed;
} ROWS[] = {
    {DEMO, "/", 1},
    {DEMO, "/private/draft.html", 0},
    {DEMO, "/privately.html", 1},
    {DEMO, "/robots.txt", 1},
    {OURS, "/news/1.html", 1},          /* our group wins over "*", which refuses all */
    {OURS, "/closed/x", 0},
    {OURS, "/closed/open", 1},          /* longer Allow wins */
    {OURS, "/closed/open2", 0},         /* '$' anchors */
    {WILD, "/a/b.pdf", 0},
    {WILD, "/a/b.pdf?x=1", 1},
    {WILD, "/search?q=1", 0},
    {WILD, "/search/help", 1},
    {WILD, "/other", 1},
    {SHARED, "/x/1", 0},
    {SHARED, "/y/1", 1},
    {"", "/anything", 1},
    {"garbage without colons\n\n", "/x", 1},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct mw_robots *r = mw_robots_parse(ROWS[i].txt, strlen(ROWS[i].txt), "moonwire");
        assert_non_null(r);
        if (mw_robots_allowed(r, ROWS[i].path) != ROWS[i].allowed)
            fail_msg("row %zu: %s -> %d", i, ROWS[i].path, !ROWS[i].allowed);
        mw_robots_free(r);
    }
}

static void test_delay_and_sitemaps(void **state)
{
    (void)state;
    struct mw_robots *r = mw_robots_parse(DEMO, strlen(DEMO), "moonwire");
    assert_int_equal(mw_robots_delay_ms(r), 1000);
    assert_int_equal(mw_robots_sitemap_count(r), 1);
    assert_string_equal(mw_robots_sitemap(r, 0), "http://x.example/sitemap.xml");
    assert_null(mw_robots_sitemap(r, 1));
    mw_robots_free(r);
    r = mw_robots_parse(OURS, strlen(OURS), "moonwire");
    assert_int_equal(mw_robots_delay_ms(r), 2500);
    mw_robots_free(r);
    r = mw_robots_parse(WILD, strlen(WILD), "moonwire");
    assert_int_equal(mw_robots_delay_ms(r), -1);
    mw_robots_free(r);
    r = mw_robots_deny_all();
    assert_int_equal(mw_robots_allowed(r, "/"), 0);
    mw_robots_free(r);
    assert_int_equal(mw_robots_allowed(NULL, "/x"), 1);
    mw_robots_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rows), cmocka_unit_test(test_delay_and_sitemaps)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
