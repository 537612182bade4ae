/* tests/unit/test_discover.c: run/discover.c — feeds (RSS, Atom, RDF), sitemaps (urlset, index, news, gzip),
 * listing pages, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "run/discover.h"

struct got {
    char buf[2048];
};

static int collect(void *ctx, const char *url, const char *date, enum mw_found_kind kind)
{
    struct got *g = ctx;
    size_t n = strlen(g->buf);
    snprintf(g->buf + n, sizeof g->buf - n, "%s%s|%s|%s", n ? " " : "", kind == MW_FOUND_SOURCE ? "S" : "P", url,
             date ? date : "-");
    return 0;
}

static const struct {
    const char *body, *links, *what, *want;
} ROWS[] = {
    {"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><link>http://a.test/1</link>"
     "<pubDate>Tue, 03 Mar 2026 09:30:00 +0000</pubDate></item><item><guid>/2</guid></item>"
     "<item><guid isPermaLink=\"false\">x</guid></item></channel></rss>",
     NULL, "rss", "P|http://a.test/1|2026-03-03T09:30:00+00:00 P|http://src.test/2|-"},
    {"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><link rel=\"self\" href=\"/self\"/>"
     "<link href=\"/e/1\"/><updated>2026-03-02T10:00:00Z</updated></entry></feed>",
     NULL, "atom", "P|http://src.test/e/1|2026-03-02T10:00:00+00:00"},
    {"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
     "<item rdf:about=\"http://a.test/r\"><title>t</title></item></rdf:RDF>",
     NULL, "rdf", "P|http://a.test/r|-"},
    {"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
     "xmlns:n=\"http://www.google.com/schemas/sitemap-news/0.9\"><url><loc> http://a.test/u </loc>"
     "<lastmod>2026-03-01</lastmod></url><url><loc>http://a.test/n</loc><n:news><n:publication_date>"
     "2026-03-04T10:00:00+02:00</n:publication_date></n:news><lastmod>2020-01-01</lastmod></url>"
     "<url><loc>mailto:x@y</loc></url></urlset>",
     NULL, "urlset", "P|http://a.test/u|2026-03-01 P|http://a.test/n|2026-03-04T10:00:00+02:00"},
    {"<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>http://b.test/s2.xml.gz</loc>"
     "</sitemap></sitemapindex>",
     NULL, "sitemapindex", "S|http://src.test/s1.xml|- S|http://b.test/s2.xml.gz|-"},
    {"<html><body><a class=\"s\" href=\"/a/1\">1</a><div class=\"s\"><span><a href=\"a/2\">2</a></span></div>"
     "<a href=\"/other\">o</a></body></html>",
     ".s", "html", "P|http://src.test/a/1|- P|http://src.test/dir/a/2|-"},
    {"<html><head><base href=\"http://c.test/x/\"></head><body><a href=\"y\">y</a><a href=\"javascript:0\">j</a>"
     "</body></html>",
     NULL, "html", "P|http://c.test/x/y|-"},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct got g = {""};
        struct mw_err err = {0};
        const char *what = NULL;
        struct mw_discover_opts o = {"http://src.test/dir/feed", NULL, ROWS[i].links, 0, NULL};
        int rc = mw_discover(ROWS[i].body, strlen(ROWS[i].body), &o, collect, &g, &what, &err);
        if (rc)
            fail_msg("row %zu: %s", i, err.msg);
        assert_string_equal(what, ROWS[i].what);
        if (strcmp(g.buf, ROWS[i].want))
            fail_msg("row %zu:\n got %s\nwant %s", i, g.buf, ROWS[i].want);
    }
}

static void test_gzip_and_limits(void **state)
{
    (void)state;
    const char *xml = "<urlset><url><loc>http://a.test/z</loc></url></urlset>";
    unsigned char gz[256];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)xml;
    z.avail_in = (uInt)strlen(xml);
    z.next_out = gz;
    z.avail_out = sizeof gz;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = sizeof gz - z.avail_out;
    deflateEnd(&z);
    struct got g = {""};
    struct mw_err err = {0};
    struct mw_discover_opts o = {"http://a.test/s.xml.gz", NULL, NULL, 0, NULL};
    assert_int_equal(mw_discover((const char *)gz, n, &o, collect, &g, NULL, &err), 0);
    assert_string_equal(g.buf, "P|http://a.test/z|-");
    /* a cap below the inflated size stops it */
    o.max_bytes = 10;
    assert_int_equal(mw_discover((const char *)gz, n, &o, collect, &g, NULL, &err), MW_ELIMIT);
    /* a truncated stream is an error, not a partial list */
    mw_err_clear(&err);
    o.max_bytes = 0;
    assert_int_equal(mw_discover((const char *)gz, n / 2, &o, collect, &g, NULL, &err), MW_EPARSE);
    /* XML that is not a feed or sitemap */
    mw_err_clear(&err);
    const char *other = "<?xml version=\"1.0\"?><svg></svg>";
    assert_int_not_equal(mw_discover(other, strlen(other), &o, collect, &g, NULL, &err), 0);
    /* an external entity is never fetched nor substituted */
    mw_err_clear(&err);
    struct got g2 = {""};
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                      "<urlset><url><loc>http://a.test/&e;</loc></url></urlset>";
    mw_discover(xxe, strlen(xxe), &o, collect, &g2, NULL, &err);
    assert_null(strstr(g2.buf, "root:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rows), cmocka_unit_test(test_gzip_and_limits)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
