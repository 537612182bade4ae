/* extract/state.h: the article text a page's inline script state carries (Next.js __NEXT_DATA__, Arc/Fusion,
 * preloaded Redux stores), for the generic extractor (extract/generic.c) when the markup shows little. */
#ifndef MW_STATE_H
#define MW_STATE_H

#include <stddef.h>
#include <libxml/tree.h>

/* The paragraphs of the longest array of prose strings in an inline JSON state blob whose enclosing object
 * names title (the page's headline), joined by "\n\n" and folded; malloc'd, *chars its length. NULL when no
 * blob holds one (or out of memory), and also when no text longer than useless bytes can come out (the caller
 * has no use for one that short; one of useless bytes or fewer may still be returned). Reads <script
 * type="...json"> and "x = {...}" assignments in inline scripts, at most 16 of them; JSON-LD is meta/'s. */
char *mw_state_text(xmlDocPtr doc, const char *title, size_t useless, size_t *chars);

/* For tests. mw_state_pick_len: the length of the text the full parse gives from the JSON value at the start
 * of s[0..n) (0: it takes no array). mw_state_may_hold: the pre-scan that spares most blobs the parse, a bound
 * on that text: 0 only when the full parse takes nothing, and never below the text's length (so
 * mw_state_pick_len(...) <= mw_state_may_hold(...)). */
size_t mw_state_pick_len(const char *s, size_t n, const char *title);
size_t mw_state_may_hold(const char *s, size_t n, const char *title);

#endif
