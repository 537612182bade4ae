/* doc/css.h: CSS selectors compiled once (to a native matcher program, doc/css_match.c, and to XPath 1.0),
 * and a cache of compiled selectors. A selector matches descendants of the context node
 * (querySelectorAll semantics). */
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

/* Evaluate selector with ctx as context node (a document node or an element), natively.
 * Returns a new node-set object (xmlXPathFreeObject) in document order, or NULL with err set. */
xmlXPathObjectPtr mw_css_select(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                struct mw_err *err);
/* What one selection may spend (0 = no limit), and what it spent: operations (an element indexed, a test
 * run, a step along siblings or ancestors, 32 bytes of text read or compared) and the most bytes of scratch
 * memory held at once (the element index, memo tables, :has() sets, text). A rule's selection runs under
 * limits taken from its budget: the Lua hook cannot stop work in C. */
struct mw_css_limits {
    unsigned long long max_ops;
    size_t max_bytes;
    unsigned long long ops;   /* out */
    size_t bytes;             /* out: peak */
};

/* mw_css_select under lim: past a limit, NULL with MW_ELIMIT and err naming the selector and the limit
 * ("selector \"...\" needs more than N operations" / "... more than N bytes"); lim says what was spent. */
xmlXPathObjectPtr mw_css_select_limited(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                        struct mw_css_limits *lim, struct mw_err *err);
/* The same through the selector's XPath translation: the reference the native matcher is tested against,
 * several times slower. */
xmlXPathObjectPtr mw_css_select_xpath(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                      struct mw_err *err);

#endif
