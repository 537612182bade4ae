/* extract/generic.h: the built-in main-content extractor over a libxml2 tree (no rule needed).
 * Metadata (title, dates, authors) is meta/meta.c; this finds the article body and its images. */
#ifndef MW_GENERIC_H
#define MW_GENERIC_H

#include <jansson.h>
#include <libxml/tree.h>
#include "common/err.h"

/* Returns a new object (json_decref) with at least
 *   "body":   string, paragraphs joined by "\n\n", whitespace folded ("" when nothing found)
 *   "lead":   first paragraph or null
 *   "images": [{"url": absolute, "caption": string|null}]
 * The document is not modified. url (may be NULL) resolves relative image URLs.
 * hint (may be NULL) is the text a metadata source gives for the body (JSON-LD articleBody), used when
 * the markup yields less. NULL with err set only on out-of-memory. */
json_t *mw_generic_extract(xmlDocPtr doc, const char *url, const char *hint, struct mw_err *err);

/* The same, except that the result has no "body": *body gets it (malloc'd, "" when nothing was found; NULL on
 * out-of-memory), for a caller that makes it a JSON string once the document is freed, so that a big page's
 * tree and two copies of its text are never alive together. The result's "lead" and "origins" are as above. */
json_t *mw_generic_extract_late(xmlDocPtr doc, const char *url, const char *hint, char **body, struct mw_err *err);

/* What the extractor chose, for tools that write rules (`moonwire new`): the top content root and the
 * elements inside it that were left out as boilerplate (outermost only). Node pointers are borrowed from doc.
 * 0 or MW_ENOMEM; root is NULL when nothing was found. Free with mw_generic_pick_free. */
struct mw_generic_pick {
    xmlNodePtr root;
    xmlNodePtr *dropped;
    size_t ndropped;
};
int mw_generic_pick(xmlDocPtr doc, struct mw_generic_pick *out);
void mw_generic_pick_free(struct mw_generic_pick *p);

#endif
