/* tests/unit/test_kind.c: extract/kind.c through the record's "kind", on small pages written for the test (no
 * outlet's page is copied): an article, a paywalled one, a section front, a cookie wall, error pages, a sitemap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "doc/html.h"
#include "extract/article.h"

#define P(x) "<p>" x " The harbour authority said the work would go on through the winter months.</p>"
#define TEASER(n) "<li><a href=\"/news/" #n "\">Council votes on the new harbour budget number " #n "</a></li>"
#define TEASERS TEASER(1) TEASER(2) TEASER(3) TEASER(4) TEASER(5) TEASER(6) TEASER(7) TEASER(8) TEASER(9) \
    TEASER(10) TEASER(11) TEASER(12)

struct row {
    const char *name, *html, *want;
};

static const struct row rows[] = {
    {"article", "<html><head><meta property=\"og:type\" content=\"article\"><title>Harbour reopens</title></head><body>"
                "<article><h1>Harbour reopens after storm</h1>" P("The harbour opened again on Monday.")
                P("Ships queued outside the breakwater.") P("Fishermen were the first to sail.") "</article></body></html>",
     "article"},
    {"article without metadata", "<html><body><div class=\"story\"><h1>Harbour reopens after storm</h1>"
                                 P("The harbour opened again on Monday.") P("Ships queued outside the breakwater.")
                                 "</div><ul>" TEASER(1) TEASER(2) "</ul></body></html>",
     "article"},
    {"paywalled", "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Harbour "
                  "reopens\",\"isAccessibleForFree\":false}</script></head><body><article><h1>Harbour reopens</h1>"
                  P("The harbour opened again on Monday.") "<div class=\"paywall\">Subscribe to read on.</div>"
                  "</article></body></html>",
     "paywalled"},
    {"paywalled, string form", "<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":"
                               "\"H\",\"isAccessibleForFree\":\"False\"}</script></head><body><h1>H</h1>"
                               P("One paragraph only.") "</body></html>",
     "paywalled"},
    {"section front", "<html><head><meta property=\"og:type\" content=\"website\"><title>Local news</title></head><body>"
                      "<h1>Local news</h1><ul>" TEASERS "</ul></body></html>",
     "listing"},
    {"consent wall", "<html><head><title>Before you continue</title></head><body><div class=\"consent\"><h1>Before you "
                     "continue</h1><p>We use cookies and data to deliver our services. If you accept all, we and our "
                     "partners will also use cookies to personalise ads. Manage preferences at any time.</p>"
                     "<button>Accept all</button><button>Reject all</button></div></body></html>",
     "consent"},
    {"consent wall, German", "<html><head><title>Zustimmung erforderlich</title></head><body><h1>Ihre Einwilligung</h1>"
                             "<p>Wir und unsere Partner verwenden Cookies. Mit Alle akzeptieren erteilen Sie Ihre "
                             "Einwilligung.</p><button>Alle akzeptieren</button></body></html>",
     "consent"},
    {"error page", "<html><head><title>Page not found</title></head><body><h1>404 - Page not found</h1><p>The page you "
                   "asked for does not exist.</p><ul>" TEASER(1) TEASER(2) "</ul></body></html>",
     "error"},
    {"error page, Russian", "<html><head><title>Страница не найдена</title></head><body><h1>Страница не найдена</h1>"
                            "</body></html>",
     "error"},
    {"sitemap", "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>"
                "https://news.example/a</loc></url><url><loc>https://news.example/b</loc></url></urlset>",
     "listing"},
};

static void test_kinds(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct mw_err err = {0};
        htmlDocPtr doc = mw_html_parse(rows[i].html, strlen(rows[i].html), "https://news.example/x", &err);
        assert_non_null(doc);
        struct mw_article_opts o = {0};
        o.url = "https://news.example/x";
        json_t *rec = mw_article_generic(doc, &o, NULL, &err);
        assert_non_null(rec);
        const char *got = json_string_value(json_object_get(rec, "kind"));
        if (!got || strcmp(got, rows[i].want)) {
            print_error("%s: kind %s, want %s\n", rows[i].name, got ? got : "(none)", rows[i].want);
            bad++;
        }
        json_decref(rec);
        xmlFreeDoc(doc);
    }
    assert_int_equal(bad, 0);
}

/* Relative dates resolve against the fetch time the caller gives, and the record says so. */
static void test_relative_record(void **state)
{
    (void)state;
    static const char page[] = "<html lang=\"en\"><body><article><h1>Harbour reopens after storm</h1><span class=\"date\">"
                               "3 hours ago</span>" P("The harbour opened again.") P("Ships queued.") "</article></body></html>";
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse(page, strlen(page), "https://news.example/x", &err);
    struct mw_article_opts o = {0};
    o.url = "https://news.example/x";
    o.fetched = "2026-11-23T10:00:00Z";
    json_t *rec = mw_article_generic(doc, &o, NULL, &err);
    assert_string_equal(json_string_value(json_object_get(rec, "published")), "2026-11-23T07:00:00+00:00");
    assert_string_equal(json_string_value(json_object_get(rec, "published_relative")), "3 hours ago");
    assert_string_equal(json_string_value(json_object_get(rec, "fetched")), "2026-11-23T10:00:00Z");
    json_decref(rec);
    o.fetched = NULL;   /* no fetch time: the phrase, no invented date */
    rec = mw_article_generic(doc, &o, NULL, &err);
    assert_true(json_is_null(json_object_get(rec, "published")));
    assert_string_equal(json_string_value(json_object_get(rec, "published_relative")), "3 hours ago");
    json_decref(rec);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_relative_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
