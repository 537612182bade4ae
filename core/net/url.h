/* net/url.h: URL parsing, RFC 3986 reference resolution and normalisation for dedup (scheme/host case,
 * default ports, dot segments, fragments, tracking parameters). Returned strings are malloc'd: free(). */
#ifndef MW_URL_H
#define MW_URL_H

#include <stddef.h>

struct mw_url {          /* views into a copy the struct owns; absent parts are NULL */
    char *buf;
    const char *scheme, *user, *host, *port, *path, *query, *fragment;
};

/* 0, or -1 when s is not an absolute URL with a scheme. Free with mw_url_clear. */
int mw_url_parse(const char *s, struct mw_url *u);
void mw_url_clear(struct mw_url *u);

/* Resolve ref against base (RFC 3986 section 5). base may be NULL (ref returned if absolute, else NULL).
 * Leading/trailing whitespace in ref is ignored; spaces inside are %20-escaped. NULL for javascript:,
 * data: or mailto: refs only when drop_nonweb is set. */
char *mw_url_resolve(const char *base, const char *ref);

/* Normalise an absolute http(s) URL for the seen-set: lower-case scheme and host, drop default port,
 * empty path -> "/", remove dot segments, drop the fragment, drop tracking query parameters (utm_*,
 * fbclid, gclid, yclid, mc_cid, mc_eid, _ga, ref_src, ...), keep the order of the others. NULL if not http(s). */
char *mw_url_normalize(const char *url);

/* Lower-case host of an absolute URL (malloc'd) or NULL. */
char *mw_url_host(const char *url);

/* 1 when host equals domain or is a subdomain of it ("www.tass.com" under "tass.com"). */
int mw_url_host_matches(const char *host, const char *domain);

#endif
