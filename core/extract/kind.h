/* extract/kind.h: what kind of page a record comes from, so a crawl does not store a cookie wall, an error page or a
 * section front as an article. Decided from the document, its metadata and the record's fields. */
#ifndef MW_KIND_H
#define MW_KIND_H

#include <jansson.h>
#include <libxml/tree.h>

/* One of (static strings):
 *   "article"     a story: text of its own, or article metadata (JSON-LD Article kin, og:type article, a date)
 *   "paywalled"   an article whose JSON-LD says isAccessibleForFree: false (the text may be a teaser)
 *   "listing"     a section front, home page, search result, tag page, feed or sitemap: links to stories, little
 *                 text of its own
 *   "consent"     a cookie or consent wall standing in for the page
 *   "error"       an error page ("404", "Page not found", "Seite nicht gefunden", ...)
 * meta is mw_meta_extract's object (may be NULL), rec the record with its body (may be NULL). */
const char *mw_kind_of(xmlDocPtr doc, const json_t *meta, const json_t *rec);
/* The same with the body's length given (the record's "body" is set later). */
const char *mw_kind_of_len(xmlDocPtr doc, const json_t *meta, const json_t *rec, size_t body);

#endif
