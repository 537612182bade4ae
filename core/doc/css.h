/* doc/css.h: CSS selectors compiled to XPath 1.0, and a cache of compiled expressions.
 * The XPath matches descendants of the context node (querySelectorAll semantics). */
#ifndef MW_CSS_H
#define MW_CSS_H

#include <libxml/xpath.h>
#include "common/err.h"

/* Compile a selector (groups with ','). On success *xpath is a new string the caller free()s.
 * On a malformed selector: MW_EPARSE, err names the selector and the 1-based column. */
int mw_css_to_xpath(const char *selector, char **xpath, struct mw_err *err);

struct mw_css_cache;
/* A cache of up to max compiled selectors (least recently used evicted). Owned: mw_css_cache_free. */
struct mw_css_cache *mw_css_cache_new(size_t max);
void mw_css_cache_free(struct mw_css_cache *c);

/* Evaluate selector with ctx as context node (a document node or an element), stopping after 50 million
 * libxml2 operations (about a second). Returns a new node-set object (xmlXPathFreeObject) in document
 * order, or NULL with err set (MW_ELIMIT when the operation limit stopped it). */
xmlXPathObjectPtr mw_css_select(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                struct mw_err *err);
/* The same with its own operation limit (0 = none); *ops (may be NULL) gets the operations used. */
xmlXPathObjectPtr mw_css_select_limit(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                      unsigned long op_limit, unsigned long *ops, struct mw_err *err);

#endif
