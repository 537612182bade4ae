/* doc/html.h: UTF-8 bytes -> libxml2 HTML document (recover mode, no network, the page's own encoding
 * hints ignored because doc/charset.c already decoded it). Owned: xmlFreeDoc. */
#ifndef MW_HTML_H
#define MW_HTML_H

#include <stddef.h>
#include <libxml/HTMLparser.h>
#include "common/err.h"

/* Parse UTF-8 HTML. url (may be NULL) is stored as the document's URL (doc->URL) for resolving links.
 * Returns a new document (xmlFreeDoc), or NULL with err set (stage "parse"). Never NULL for non-empty
 * input that libxml2 can recover. */
htmlDocPtr mw_html_parse(const char *utf8, size_t len, const char *url, struct mw_err *err);

/* Parse raw page bytes: decode (doc/charset.h) then parse. content_type may be NULL.
 * charset_out (may be NULL, 32 bytes) receives the charset used. */
htmlDocPtr mw_html_parse_bytes(const char *bytes, size_t len, const char *content_type, const char *url,
                               char *charset_out, struct mw_err *err);

/* The same for bytes that are the parser's (*bytes, malloc'd, may be NULL when len is 0): they are freed, and
 * *bytes set to NULL, before it returns. As the parser reads them their pages go back to the system, and
 * when they are decoded into a copy they are freed before the parse: a big page's bytes and its tree are
 * never both whole at once. */
htmlDocPtr mw_html_parse_take(char **bytes, size_t len, const char *content_type, const char *url,
                              char *charset_out, struct mw_err *err);

/* The element that the HTML <base href> or the document URL names as base; returned string is borrowed
 * from the document (lives as long as it) or NULL. */
const char *mw_html_base(htmlDocPtr doc);

/* The node after n in document order without leaving root: n's first child when enter and it has one,
 * else the next sibling of n or of its nearest ancestor below root; NULL when the walk leaves root. */
xmlNodePtr mw_html_next(xmlNodePtr n, xmlNodePtr root, int enter);

#endif
