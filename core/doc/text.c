/* doc/text.c: folding whitespace and reading text out of subtrees. Which subtree is the article is
 * extract/generic.c's business, not this file's. */
#include "doc/text.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* Length of a UTF-8 whitespace character at s (0 if none); *drop set for zero-width ones. Soft hyphens and
 * ZWNJ/ZWJ are the page's own characters (German hyphenation points, Persian and Indic spelling, emoji
 * sequences) and stay. */
static size_t space_at(const unsigned char *s, size_t left, int *drop, int *is_break)
{
    *drop = 0;
    *is_break = 0;
    unsigned c = s[0];
    if (c == '\n') { *is_break = 1; return 1; }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c == 0xC2 && left >= 2) {
        if (s[1] == 0xA0) return 2;                 /* NBSP */
        if (s[1] == 0x85) return 2;                 /* NEL */
    }
    if (c == 0xE2 && left >= 3) {
        if (s[1] == 0x80 && s[2] >= 0x80 && s[2] <= 0x8A) return 3;          /* U+2000..200A */
        if (s[1] == 0x80 && s[2] == 0x8B) { *drop = 1; return 3; }          /* ZWSP */
        if (s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) { *is_break = 1; return 3; }
        if (s[1] == 0x80 && s[2] == 0xAF) return 3;  /* U+202F */
        if (s[1] == 0x81 && s[2] == 0x9F) return 3;  /* U+205F */
        if (s[1] == 0x81 && s[2] == 0xA0) { *drop = 1; return 3; } /* word joiner */
    }
    if (c == 0xE3 && left >= 3 && s[1] == 0x80 && s[2] == 0x80) return 3;  /* U+3000 */
    if (c == 0xEF && left >= 3 && s[1] == 0xBB && s[2] == 0xBF) { *drop = 1; return 3; } /* BOM */
    return 0;
}

/* Can a whitespace character start with byte c (space_at's lead bytes)? The others above ' ' never do. */
static int maybe_space(unsigned c) { return c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF; }

char *mw_text_fold(const char *s, size_t n, int keep_breaks)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int pend_space = 0, pend_breaks = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] > ' ' && !maybe_space(p[i])) {   /* a run of plain bytes: copied as they are */
            size_t j = i + 1;
            while (j < n && p[j] > ' ' && !maybe_space(p[j]))
                j++;
            if (o > 0 && (pend_breaks || pend_space)) {
                if (pend_breaks > 1)
                    out[o++] = '\n';
                out[o++] = pend_breaks ? '\n' : ' ';
            }
            pend_space = pend_breaks = 0;
            memcpy(out + o, p + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        int drop, brk;
        size_t k = space_at(p + i, n - i, &drop, &brk);
        if (k) {
            i += k;
            if (drop)
                continue;
            if (brk && keep_breaks)
                pend_breaks++;
            else
                pend_space = 1;
            continue;
        }
        if (o > 0) {
            if (pend_breaks) {
                if (pend_breaks > 1) { out[o++] = '\n'; }
                out[o++] = '\n';
            } else if (pend_space) {
                out[o++] = ' ';
            }
        }
        pend_space = pend_breaks = 0;
        out[o++] = (char)p[i++];
    }
    out[o] = '\0';
    return out;
}

static int skipped(const xmlChar *name)
{
    return !xmlStrcasecmp(name, BAD_CAST "script") || !xmlStrcasecmp(name, BAD_CAST "style") ||
           !xmlStrcasecmp(name, BAD_CAST "template") || !xmlStrcasecmp(name, BAD_CAST "noscript");
}

int mw_text_is_block(const xmlChar *name)
{
    static const char *const blocks[] = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
        "pre", "table", "tr", "section", "article", "header", "footer", "aside", "nav", "main", "figure",
        "figcaption", "form", "fieldset", "address", "hr", "details", "summary", "caption", "center", NULL};
    for (int i = 0; blocks[i]; i++)
        if (!xmlStrcasecmp(name, BAD_CAST blocks[i]))
            return 1;
    return 0;
}

static void collect(struct mw_buf *b, xmlNodePtr n, int blocks)
{
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!c->content)
                continue;
            size_t at = b->len;
            mw_buf_appends(b, (const char *)c->content);
            if (blocks)   /* source line breaks are spaces; only <br> and blocks break lines */
                for (size_t i = at; i < b->len; i++)
                    if (b->data[i] == '\n' || b->data[i] == '\r')
                        b->data[i] = ' ';
        } else if (c->type == XML_ELEMENT_NODE) {
            if (skipped(c->name))
                continue;
            int blk = blocks && mw_text_is_block(c->name);
            if (blocks && !xmlStrcasecmp(c->name, BAD_CAST "br")) {
                mw_buf_appendc(b, '\n');
                continue;
            }
            if (blk)
                mw_buf_appends(b, "\n\n");
            else if (!blocks && (mw_text_is_block(c->name) || !xmlStrcasecmp(c->name, BAD_CAST "br")))
                mw_buf_appendc(b, ' ');
            else if (!xmlStrcasecmp(c->name, BAD_CAST "td") || !xmlStrcasecmp(c->name, BAD_CAST "th"))
                mw_buf_appendc(b, ' ');
            collect(b, c->children, blocks);
            if (blk)
                mw_buf_appends(b, "\n\n");
            else if (!blocks && mw_text_is_block(c->name))
                mw_buf_appendc(b, ' ');
        }
    }
}

static char *subtree_text(xmlNodePtr n, int blocks)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            mw_buf_appends(&b, (const char *)n->content);
    } else if (n->type == XML_ATTRIBUTE_NODE) {
        xmlChar *v = xmlNodeGetContent(n);
        if (v)
            mw_buf_appends(&b, (const char *)v);
        xmlFree(v);
    } else {
        collect(&b, n->children, blocks);
    }
    char *out = mw_text_fold(b.data ? b.data : "", b.len, blocks);
    mw_buf_free(&b);
    return out;
}

char *mw_text_inline(xmlNodePtr n) { return subtree_text(n, 0); }
char *mw_text_blocks(xmlNodePtr n) { return subtree_text(n, 1); }
