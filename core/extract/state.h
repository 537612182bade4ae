/* extract/state.h: the article text a page's inline script state carries (Next.js __NEXT_DATA__, Arc/Fusion,
 * preloaded Redux stores), for the generic extractor (extract/generic.c) when the markup shows little. */
#ifndef MW_STATE_H
#define MW_STATE_H

#include <stddef.h>
#include <libxml/tree.h>

/* The paragraphs of the longest array of prose strings in an inline JSON state blob whose enclosing object
 * names title (the page's headline), joined by "\n\n" and folded; malloc'd, *chars its length. NULL when no
 * blob holds one (or out of memory). Reads <script type="...json"> and "x = {...}" assignments in inline
 * scripts, at most 16 of them; JSON-LD is meta/'s. */
char *mw_state_text(xmlDocPtr doc, const char *title, size_t *chars);

/* For tests. mw_state_pick_len: the prose bytes of the array the full parse takes from the JSON value at the
 * start of s[0..n) (0: none). mw_state_may_hold: the pre-scan that spares most blobs that parse: 0 only when
 * that full parse takes nothing (so mw_state_pick_len(...) > 0 implies mw_state_may_hold(...) == 1). */
size_t mw_state_pick_len(const char *s, size_t n, const char *title);
int mw_state_may_hold(const char *s, size_t n, const char *title);

#endif
