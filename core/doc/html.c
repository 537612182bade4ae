/* doc/html.c: libxml2's HTML parser behind one call. Charset decoding is doc/charset.c;
 * selectors are doc/css.c; text is doc/text.c. */
#include "doc/html.h"
#include "doc/charset.h"

#include <libxml/tree.h>
#include <limits.h>
#include <string.h>

/* HTML_PARSE_IGNORE_ENC: the bytes are UTF-8 already; a stale <meta charset> must not re-decode them. */
#define PARSE_OPTS (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
                    HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC)

htmlDocPtr mw_html_parse(const char *utf8, size_t len, const char *url, struct mw_err *err)
{
    if (len > INT_MAX) {
        mw_err_set(err, MW_ELIMIT, "parse", "%s: document of %zu bytes is too large", url ? url : "-", len);
        return NULL;
    }
    const char *p = len ? utf8 : "<html></html>";
    int n = len ? (int)len : (int)strlen(p);
    htmlDocPtr doc = htmlReadMemory(p, n, url, "UTF-8", PARSE_OPTS);
    if (!doc) {
        mw_err_set(err, MW_EPARSE, "parse", "%s: libxml2 could not parse the document", url ? url : "-");
        return NULL;
    }
    if (!xmlDocGetRootElement(doc)) {   /* e.g. only a comment: give it a root so selectors work */
        xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
        xmlDocSetRootElement(doc, root);
    }
    return doc;
}

htmlDocPtr mw_html_parse_bytes(const char *bytes, size_t len, const char *content_type, const char *url,
                               char *charset_out, struct mw_err *err)
{
    struct mw_decoded d;
    if (mw_charset_decode(bytes, len, content_type, &d, err))
        return NULL;
    if (charset_out)
        memcpy(charset_out, d.charset, sizeof d.charset);
    htmlDocPtr doc = mw_html_parse(d.data, d.len, url, err);
    mw_decoded_free(&d);
    return doc;
}

const char *mw_html_base(htmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr h = root ? root->children : NULL; h; h = h->next) {
        if (h->type != XML_ELEMENT_NODE || xmlStrcasecmp(h->name, BAD_CAST "head"))
            continue;
        for (xmlNodePtr b = h->children; b; b = b->next) {
            if (b->type == XML_ELEMENT_NODE && !xmlStrcasecmp(b->name, BAD_CAST "base")) {
                for (xmlAttrPtr a = b->properties; a; a = a->next)
                    if (!xmlStrcmp(a->name, BAD_CAST "href") && a->children && a->children->content)
                        return (const char *)a->children->content;
            }
        }
    }
    return (const char *)doc->URL;
}
