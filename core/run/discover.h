/* run/discover.h: candidate URLs out of a fetched source: RSS 2.0, Atom and RDF feeds, sitemaps, sitemap
 * indexes and Google News sitemaps (gzipped or not), and listing pages (links by a CSS selector).
 * Bytes in, URLs out: which URLs are articles, and fetching, are run/crawl.c's. */
#ifndef MW_DISCOVER_H
#define MW_DISCOVER_H

#include <stddef.h>
#include "common/err.h"

enum mw_found_kind {
    MW_FOUND_PAGE = 0,   /* an entry of a feed or sitemap, or a link of a listing page */
    MW_FOUND_SOURCE,     /* another source to read: a sitemap named by a sitemap index */
    MW_FOUND_NEXT        /* a listing page's next page (opts.next): read it as a listing too */
};

/* One found URL: absolute (resolved against the source URL). date: ISO 8601 as the source stated it
 * (pubDate, updated, lastmod, news:publication_date), normalised by meta/date.c, or NULL. Borrowed for
 * the call. Return non-zero to stop. */
typedef int (*mw_found_fn)(void *ctx, const char *url, const char *date, enum mw_found_kind kind);

struct mw_discover_opts {
    const char *url;           /* the source's URL (base for relative links) */
    const char *content_type;  /* may be NULL */
    const char *links;         /* listing pages: CSS selector of the article links; NULL = "a[href]" */
    size_t max_bytes;          /* cap on a gunzipped body; 0 = 64 MB */
    const char *next;          /* listing pages: CSS selector of the "next page" link (its href, or the first
                                  link inside it); NULL = none */
};

/* What the bytes were: "rss", "atom", "rdf", "urlset", "sitemapindex", "html" (a listing page).
 * 0 with *what set (static string) and every URL passed to fn; MW_EPARSE (not a feed, sitemap or HTML page),
 * MW_ELIMIT (gunzipped past max_bytes) or MW_ENOMEM with err (stage "discover", naming the URL). */
int mw_discover(const char *body, size_t len, const struct mw_discover_opts *o, mw_found_fn fn, void *ctx,
                const char **what, struct mw_err *err);

/* Gunzip a body that starts with the gzip magic (a .xml.gz served as bytes). 0 with *out (free()) and
 * *out_len; MW_EPARSE for a broken stream, MW_ELIMIT past max. */
int mw_discover_gunzip(const char *in, size_t len, size_t max, char **out, size_t *out_len, struct mw_err *err);

#endif
