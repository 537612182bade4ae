/* tests/fuzz/fuzz_discover.c: feeds (RSS, Atom, RDF), sitemaps, listing pages (run/discover.c) and
 * robots.txt (run/robots.c) from the same bytes. The first byte picks the options. */
#include "fuzz.h"
#include "run/discover.h"
#include "run/robots.h"

static int found(void *ctx, const char *url, const char *date, enum mw_found_kind kind)
{
    size_t *n = ctx;
    (void)date;
    if (!url || (kind != MW_FOUND_PAGE && kind != MW_FOUND_SOURCE))
        abort();
    return ++*n > 100000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    static const char *const links[] = {NULL, "a[href]", ".story a", "h2 > a, h3 a"};
    struct mw_discover_opts o = {"https://src.example/dir/feed.xml", data[0] & 1 ? "application/xml" : NULL,
                                 links[(data[0] >> 1) & 3], 1u << 20, data[0] & 8 ? "a.next" : NULL};
    size_t n = 0;
    const char *what = NULL;
    struct mw_err err = {0};
    mw_discover((const char *)data + 1, size - 1, &o, found, &n, &what, &err);
    struct mw_robots *r = mw_robots_parse((const char *)data + 1, size - 1, "moonwire");
    if (r) {
        static const char *const paths[] = {"/", "/news/1.html", "/private/x?y=1", "/%7Euser", "/a$"};
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
            mw_robots_allowed(r, paths[i]);
        mw_robots_delay_ms(r);
        for (size_t i = 0; i < mw_robots_sitemap_count(r); i++)
            if (!mw_robots_sitemap(r, i))
                abort();
        mw_robots_free(r);
    }
    return 0;
}
