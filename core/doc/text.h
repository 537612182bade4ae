/* doc/text.h: text out of nodes and strings: whitespace folding (Unicode spaces included), block-aware
 * text of a subtree (paragraphs joined by a blank line). Every returned string is malloc'd: free(). */
#ifndef MW_TEXT_H
#define MW_TEXT_H

#include <stddef.h>
#include <libxml/tree.h>

/* Fold runs of whitespace (ASCII, NBSP, U+2000..200A, U+202F, U+205F, U+3000, line/para separators) to
 * one space, drop zero-width spaces, word joiners and BOMs (soft hyphens, ZWNJ and ZWJ stay), trim both ends. keep_breaks: "\n" survives
 * (runs of blank lines become one "\n\n"), spaces around it are trimmed. */
char *mw_text_fold(const char *s, size_t n, int keep_breaks);

/* The subtree's text, folded to one line; script/style/template/noscript skipped. */
char *mw_text_inline(xmlNodePtr n);

/* The subtree's text with block structure: blocks (p, div, h1-h6, li, blockquote, tr, ...) become
 * paragraphs joined by "\n\n", <br> a "\n"; script/style/template/noscript skipped. */
char *mw_text_blocks(xmlNodePtr n);

/* 1 for element names that start a new block of text (p, div, h1, li, ...). */
int mw_text_is_block(const xmlChar *name);

#endif
