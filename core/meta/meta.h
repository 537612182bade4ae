/* meta/meta.h: what a page says about itself: JSON-LD, OpenGraph, Twitter cards, <meta name>, dc.*,
 * parsely/sailthru, microdata, <time datetime>, a byline in the page. Merged into one object. */
#ifndef MW_META_H
#define MW_META_H

#include <jansson.h>
#include <libxml/tree.h>
#include "common/err.h"

struct mw_meta_opts {
    const char *tz;    /* outlet zone for dates without one ("+03:00"), NULL = leave the zone out */
    const char *lang;  /* expected language, NULL = from markup / detect */
    double fetched;    /* when the page was fetched, seconds since 1970 (UTC); 0 = unknown */
};

/* Returns a new object (json_decref). Keys, each present only when found:
 *   title, authors [..], published, modified (ISO 8601 via meta/date.h), published_relative (the phrase a
 *   published date was resolved from, "3 hours ago", against opts->fetched; present without "published" when
 *   the fetch time is unknown), section, tags [..], lang, lead
 *   (description), images [{url, caption}], canonical_url, site_name, type, body (JSON-LD articleBody),
 *   article (true: JSON-LD names an Article kin), accessible (false: JSON-LD isAccessibleForFree is false)
 * plus "sources": {"title": "jsonld"|"og"|"meta"|"h1"|..., ...} naming where each came from.
 * url (may be NULL) resolves relative URLs. opts may be NULL. NULL with err only on out-of-memory. */
json_t *mw_meta_extract(xmlDocPtr doc, const char *url, const struct mw_meta_opts *opts, struct mw_err *err);

#endif
