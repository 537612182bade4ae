/* doc/html.c: libxml2's HTML parser behind one call. Charset decoding is doc/charset.c;
 * selectors are doc/css.c; text is doc/text.c. */
#include "doc/html.h"
#include "doc/charset.h"

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* HTML_PARSE_IGNORE_ENC: the bytes are UTF-8 already; a stale <meta charset> must not re-decode them. */
#define PARSE_OPTS (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
                    HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC)

/* libxml2 reads the bytes as the UTF-8 they are (no encoding handler): htmlReadMemory(..., "UTF-8") ran them
 * through a UTF-8 -> UTF-8 "conversion" into a second buffer twice their size, the largest of the copies of
 * a big page, and a fifth of the parse's time. (Its static, copy-free input is not used: libxml2 2.9 misreads
 * some pages through it.) */
struct reader {
    const char *p;
    size_t left;
    char *spend;   /* input the parser may spend: from here to p is read and not yet given back (NULL: lent) */
};

/* Input read this far past the last give-back is given back, in whole pages. */
#define SPEND_STEP ((uintptr_t)1 << 20)

/* The whole pages of the input that libxml2 has read (it copies what it reads and never looks back) go back
 * to the system: a big page's bytes shrink as its tree grows, not both whole at once. MADV_DONTNEED on memory
 * that is ours and never read again: whole pages strictly inside the block, so malloc's own bookkeeping at
 * its edges is not touched; the block is freed as usual afterwards. */
static void spend(struct reader *r)
{
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)r->spend + pg - 1) & ~(pg - 1), to = (uintptr_t)r->p & ~(pg - 1);
    if (to <= from || to - from < SPEND_STEP)
        return;
    if (!madvise((void *)from, to - from, MADV_DONTNEED))
        r->spend = (char *)to;
}

static int read_some(void *ctx, char *out, int len)
{
    struct reader *r = ctx;
    size_t n = r->left < (size_t)len ? r->left : (size_t)len;
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    if (r->spend)
        spend(r);
    return (int)n;
}

/* Elements after whose end a run of white space is no text: HTML renders none between blocks, and
 * doc/text.c and the extractors break lines there anyway. Sorted for bsearch. */
static const char *const BLOCKS[] = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "section", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul"};

static int cmp_name(const void *k, const void *e) { return strcmp(k, *(const char *const *)e); }

static int in_pre(xmlNodePtr n)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
        if (!strcmp((const char *)n->name, "pre") || !strcmp((const char *)n->name, "textarea"))
            return 1;
    return 0;
}

/* libxml2's characters callback, except that white space right after a block element's end makes no node: on
 * a page of paragraphs that node is one in three of the tree (120 bytes each). */
static void characters(void *c, const xmlChar *ch, int len)
{
    htmlParserCtxtPtr ctxt = c;
    xmlNodePtr last = ctxt->node ? ctxt->node->last : NULL;
    if (last && last->type == XML_ELEMENT_NODE &&
        bsearch(last->name, BLOCKS, sizeof BLOCKS / sizeof *BLOCKS, sizeof *BLOCKS, cmp_name)) {
        int i = 0;
        while (i < len && (ch[i] == ' ' || ch[i] == '\n' || ch[i] == '\t' || ch[i] == '\r' || ch[i] == '\f'))
            i++;
        if (i == len && !in_pre(ctxt->node))
            return;
    }
    xmlSAX2Characters(c, ch, len);
}

/* spend: p is the caller's to give back as it is read (it is freed after the parse, never read again). */
static htmlDocPtr parse_utf8(const char *p, int n, const char *url, int spend_input)
{
    struct reader rd = {p, (size_t)n, spend_input ? (char *)p : NULL};
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    xmlParserInputBufferPtr buf = ctxt ? xmlParserInputBufferCreateIO(read_some, NULL, &rd, XML_CHAR_ENCODING_NONE)
                                       : NULL;
    xmlParserInputPtr in = buf ? xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE) : NULL;
    if (!in) {
        xmlFreeParserInputBuffer(buf);
        htmlFreeParserCtxt(ctxt);
        return NULL;
    }
    if (url)
        in->filename = (char *)xmlStrdup(BAD_CAST url);
    htmlCtxtUseOptions(ctxt, PARSE_OPTS);
    if (ctxt->sax && ctxt->sax->characters == xmlSAX2Characters)
        ctxt->sax->characters = characters;
    /* declared, so the parser neither sniffs the first bytes nor switches on a <meta charset> */
    ctxt->encoding = xmlStrdup(BAD_CAST "UTF-8");
    ctxt->charset = XML_CHAR_ENCODING_UTF8;
    if (inputPush(ctxt, in) < 0) {
        xmlFreeInputStream(in);
        htmlFreeParserCtxt(ctxt);
        return NULL;
    }
    htmlParseDocument(ctxt);
    htmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    htmlFreeParserCtxt(ctxt);
    if (doc && !doc->encoding)   /* as htmlReadMemory(..., "UTF-8") left it: serialising keeps UTF-8 */
        doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    return doc;
}

static htmlDocPtr parse(const char *utf8, size_t len, const char *url, int spend_input, struct mw_err *err)
{
    if (len > INT_MAX) {
        mw_err_set(err, MW_ELIMIT, "parse", "%s: document of %zu bytes is too large", url ? url : "-", len);
        return NULL;
    }
    const char *p = len ? utf8 : "<html></html>";
    int n = len ? (int)len : (int)strlen(p);
    htmlDocPtr doc = parse_utf8(p, n, url, spend_input && len);
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

htmlDocPtr mw_html_parse(const char *utf8, size_t len, const char *url, struct mw_err *err)
{
    return parse(utf8, len, url, 0, err);
}

/* own: the caller's pointer to bytes, which the parse spends and frees (NULL: lent, left as they are). */
static htmlDocPtr parse_bytes(const char *bytes, size_t len, char **own, const char *content_type,
                              const char *url, char *charset_out, struct mw_err *err)
{
    struct mw_decoded d;
    int rc = mw_charset_view(bytes, len, content_type, &d, err);
    if (own && (rc || !d.borrowed)) {   /* decoded into a copy (or not at all): the bytes are done with */
        free(*own);
        *own = NULL;
    }
    if (rc)
        return NULL;
    if (charset_out)
        memcpy(charset_out, d.charset, sizeof d.charset);
    htmlDocPtr doc = parse(d.data, d.len, url, own != NULL, err);
    mw_decoded_free(&d);
    if (own) {
        free(*own);
        *own = NULL;
    }
    return doc;
}

htmlDocPtr mw_html_parse_bytes(const char *bytes, size_t len, const char *content_type, const char *url,
                               char *charset_out, struct mw_err *err)
{
    return parse_bytes(bytes, len, NULL, content_type, url, charset_out, err);
}

htmlDocPtr mw_html_parse_take(char **bytes, size_t len, const char *content_type, const char *url,
                              char *charset_out, struct mw_err *err)
{
    return parse_bytes(*bytes ? *bytes : "", len, bytes, content_type, url, charset_out, err);
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

xmlNodePtr mw_html_next(xmlNodePtr n, xmlNodePtr root, int enter)
{
    if (enter && n->children)
        return n->children;
    while (n && n != root && !n->next)
        n = n->parent;
    return n && n != root ? n->next : NULL;
}
