/* meta/meta.c: the one walk over a page that collects what it says about itself (<meta>, JSON-LD, <title>,
 * <h1>, <time>, itemprops, byline- and date-named elements), the helpers the field readers share, the simple
 * fields (lead, section, site name, type, canonical URL, tags, JSON-LD body) and the entry point. Each harder
 * field has its own file: title.c, pubdate.c, byline.c, images.c, pagelang.c (see meta/internal.h). */
#include "meta/internal.h"
#include "meta/authors.h"
#include "meta/date.h"
#include "meta/jsonld.h"
#include "meta/lang.h"
#include "common/buf.h"
#include "common/memo.h"
#include "doc/html.h"
#include "doc/text.h"
#include "net/url.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define MW_META_TEXT_MAX 4096        /* a metadata string longer than this is not metadata */
#define MW_META_BYLINE_MAX 200       /* a byline element with more text is a paragraph or a box */
#define MW_META_NEAR_H1 400          /* elements after the headline still counted as its header */


static int vec_push(struct mw_meta_vec *v, xmlNodePtr n, long ord)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        struct mw_meta_item *p = realloc(v->v, cap * sizeof *p);
        if (!p)
            return -1;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n].n = n;
    v->v[v->n].ord = ord;
    v->n++;
    return 0;
}

/* strcasecmp's equality, the first bytes compared first: most names differ there, and a call is dear in
 * the walks that ask every element for several names. */
static int ci_eq(const char *a, const char *b)
{
    return !((a[0] ^ b[0]) & ~0x20) && !strcasecmp(a, b);
}

int mw_meta_name_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && ci_eq((const char *)n->name, name);
}

const char *const mw_meta_code[] = {"script", "style", NULL};
const char *const mw_meta_code_or_p[] = {"p", "script", "style", NULL};

xmlNodePtr mw_meta_next_in(xmlNodePtr n, xmlNodePtr root, const char *const *closed)
{
    int enter = n->children && n->type == XML_ELEMENT_NODE;
    for (size_t i = 0; enter && closed && closed[i]; i++)
        enter = !mw_meta_name_is(n, closed[i]);
    return mw_html_next(n, root, enter);
}

xmlNodePtr mw_meta_next(xmlNodePtr n, const char *const *closed)
{
    return mw_meta_next_in(n, NULL, closed);
}

xmlNodePtr mw_meta_headline(struct mw_meta_ctx *c)
{
    for (size_t i = 0; i < c->sc->h1.n; i++)
        if (c->sc->h1.v[i].ord == c->h1_ord)
            return c->sc->h1.v[i].n;
    return NULL;
}

/* Attribute value borrowed from the tree (NULL when absent); libxml2 keeps a single text child for it. */
const char *mw_meta_attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->name && ci_eq((const char *)a->name, name))
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

/* ---- strings ---- */

/* HTML's named entities for Latin-1 and typography, sorted by name (strcmp) for bsearch: metadata strings
 * carry them escaped once or twice ("&amp;ouml;"). */
static const struct entity { const char *name; unsigned cp; } entities[] = {
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0}, {"Aring", 0xC5}, {"Atilde", 0xC3},
    {"Auml", 0xC4}, {"Ccedil", 0xC7}, {"Dagger", 0x2021}, {"ETH", 0xD0}, {"Eacute", 0xC9}, {"Ecirc", 0xCA},
    {"Egrave", 0xC8}, {"Euml", 0xCB}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC}, {"Iuml", 0xCF},
    {"Ntilde", 0xD1}, {"OElig", 0x152}, {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2}, {"Oslash", 0xD8},
    {"Otilde", 0xD5}, {"Ouml", 0xD6}, {"Prime", 0x2033}, {"Scaron", 0x160}, {"THORN", 0xDE}, {"Uacute", 0xDA},
    {"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"Uuml", 0xDC}, {"Yacute", 0xDD}, {"Yuml", 0x178}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"amp", 0x26}, {"apos", 0x27},
    {"aring", 0xE5}, {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"brvbar", 0xA6}, {"bull", 0x2022},
    {"ccedil", 0xE7}, {"cedil", 0xB8}, {"cent", 0xA2}, {"circ", 0x2C6}, {"copy", 0xA9}, {"curren", 0xA4},
    {"dagger", 0x2020}, {"deg", 0xB0}, {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8},
    {"emsp", 0x2003}, {"ensp", 0x2002}, {"eth", 0xF0}, {"euml", 0xEB}, {"euro", 0x20AC}, {"fnof", 0x192},
    {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE}, {"gt", 0x3E}, {"hellip", 0x2026}, {"iacute", 0xED},
    {"icirc", 0xEE}, {"iexcl", 0xA1}, {"igrave", 0xEC}, {"iquest", 0xBF}, {"iuml", 0xEF}, {"laquo", 0xAB},
    {"larr", 0x2190}, {"ldquo", 0x201C}, {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C},
    {"macr", 0xAF}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212}, {"nbsp", 0xA0},
    {"ndash", 0x2013}, {"not", 0xAC}, {"ntilde", 0xF1}, {"oacute", 0xF3}, {"ocirc", 0xF4}, {"oelig", 0x153},
    {"ograve", 0xF2}, {"ordf", 0xAA}, {"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5}, {"ouml", 0xF6},
    {"para", 0xB6}, {"permil", 0x2030}, {"plusmn", 0xB1}, {"pound", 0xA3}, {"prime", 0x2032}, {"quot", 0x22},
    {"raquo", 0xBB}, {"rarr", 0x2192}, {"rdquo", 0x201D}, {"reg", 0xAE}, {"rlm", 0x200F}, {"rsaquo", 0x203A},
    {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"scaron", 0x161}, {"sect", 0xA7}, {"shy", 0xAD}, {"sup1", 0xB9},
    {"sup2", 0xB2}, {"sup3", 0xB3}, {"szlig", 0xDF}, {"thinsp", 0x2009}, {"thorn", 0xFE}, {"tilde", 0x2DC},
    {"times", 0xD7}, {"trade", 0x2122}, {"uacute", 0xFA}, {"ucirc", 0xFB}, {"ugrave", 0xF9}, {"uml", 0xA8},
    {"uuml", 0xFC}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zwj", 0x200D}, {"zwnj", 0x200C}
};

static int entity_cmp(const void *k, const void *e)
{
    const char *key = k;
    const char *name = ((const struct entity *)e)->name;
    size_t n = strlen(name);
    int r = strncmp(key, name, n);
    return r ? r : (key[n] == ';' ? 0 : 1);
}

static int put_cp(struct mw_buf *b, unsigned cp)
{
    char u[4];
    int n;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
        return 0;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    return mw_buf_append(b, u, (size_t)n);
}

/* Text as a reader sees it: HTML entities decoded, tags dropped (JSON-LD and descriptions carry both),
 * whitespace folded. Returns malloc'd, or NULL for NULL / empty results. */
char *mw_meta_clean(const char *s)
{
    if (!s)
        return NULL;
    struct mw_buf b;
    mw_buf_init(&b, 0);
    for (int pass = 0; pass < 2; pass++) { /* twice: "&amp;quot;" is seen in the wild */
        const char *p = pass ? b.data : s;
        if (pass && (!p || !strchr(p, '&')))
            break;
        struct mw_buf o;
        mw_buf_init(&o, 0);
        while (*p) {
            if (*p == '&') {
                const char *semi = strchr(p, ';');
                if (semi && semi - p <= 10) {
                    if (p[1] == '#') {
                        unsigned long cp = (p[2] == 'x' || p[2] == 'X') ? strtoul(p + 3, NULL, 16) : strtoul(p + 2, NULL, 10);
                        put_cp(&o, (unsigned)cp);
                        p = semi + 1;
                        continue;
                    }
                    const struct entity *e = bsearch(p + 1, entities, sizeof entities / sizeof *entities,
                                                     sizeof *entities, entity_cmp);
                    if (e) {
                        put_cp(&o, e->cp);
                        p = semi + 1;
                        continue;
                    }
                }
            }
            if (!pass && *p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!')) {
                const char *e = strchr(p, '>');
                if (e) {
                    mw_buf_appendc(&o, ' ');
                    p = e + 1;
                    continue;
                }
            }
            mw_buf_append(&o, p, 1);
            p++;
        }
        mw_buf_free(&b);
        b = o;
    }
    char *out = b.data ? mw_text_fold(b.data, b.len, 0) : NULL;
    mw_buf_free(&b);
    if (out && !*out) {
        free(out);
        out = NULL;
    }
    return out;
}

/* Lower-case ASCII letters and digits of s, other bytes kept, the rest dropped: "DW.COM" -> "dwcom". */
void mw_meta_squash(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c))
            out[o++] = (char)tolower(c);
        else if (c >= 0x80)
            out[o++] = (char)c;
    }
    out[o] = 0;
}

int mw_meta_words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        if (*s == ' ')
            in = 0;
        else if (!in)
            in = 1, n++;
    }
    return n;
}

void mw_meta_rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = 0;
}

/* ---- the walk ---- */

/* The token's adjacent byte pairs, hashed into 64 bits: a word whose first pair is not there is not in it. */
static uint64_t pairs_of(const char *tok)
{
    uint64_t m = 0;
    for (const unsigned char *p = (const unsigned char *)tok; p[0] && p[1]; p++)
        m |= 1ULL << ((p[0] * 31u + p[1]) & 63);
    return m;
}

/* strstr(tok, w) != NULL, most misses decided by the pairs (m: pairs_of(tok)) without a call. */
static int sub_in(const char *tok, uint64_t m, const char *w)
{
    if (w[0] && w[1] && !(m & 1ULL << (((unsigned char)w[0] * 31u + (unsigned char)w[1]) & 63)))
        return 0;
    return strstr(tok, w) != NULL;
}

/* One lower-cased token (m: pairs_of(tok)): holds a word of yes and none of no. */
static int token_says(const char *tok, uint64_t m, const char *const *yes, const char *const *no)
{
    int y = 0;
    for (int i = 0; yes[i]; i++)
        if (sub_in(tok, m, yes[i])) { y = 1; break; }
    if (!y)
        return 0;
    for (int i = 0; no[i]; i++)
        if (sub_in(tok, m, no[i]))
            return 0;
    return 1;
}

/* The tokens of v (split at spaces, lower-cased, cut at 127 bytes) against up to two pairs of lists
 * (yes1 NULL: one pair): bit 0 when a token says yes0/no0, bit 1 when one says yes1/no1. */
static unsigned class_says(const char *v, const char *const *yes0, const char *const *no0, const char *const *yes1,
                           const char *const *no1)
{
    if (!v)
        return 0;
    char tok[128];
    const char *p = v;
    unsigned found = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ')
            n++;
        if (!n)
            break;
        size_t k = n < sizeof tok - 1 ? n : sizeof tok - 1;
        for (size_t i = 0; i < k; i++)
            tok[i] = (char)tolower((unsigned char)p[i]);
        tok[k] = 0;
        p += n;
        uint64_t m = pairs_of(tok);
        if (!(found & 1) && token_says(tok, m, yes0, no0))
            found |= 1;
        if (yes1 && !(found & 2) && token_says(tok, m, yes1, no1))
            found |= 2;
    }
    return found;
}

int mw_meta_class_says(const char *v, const char *const *yes, const char *const *no)
{
    return (int)class_says(v, yes, no, NULL, NULL);
}

static const char *const byline_yes[] = {"author", "byline", "autor", "auteur", "yazar", "writer", "reporter", NULL};
static const char *const byline_no[] = {"date", "time", "image", "img", "photo", "avatar", "media", "bio", "desc",
                                        "social", "follow", "title", "role", "job", "position", "pic", "thumb",
                                        "icon", "comment", "widget", "quote", "caption", "credit", "about", "more",
                                        "wrap", "list", "box", "card", "tooltip", "popup", "email", "mail", NULL};
static const char *const date_yes[] = {"date", "time", "tarih", "datum", "fecha", "publish", "dateline", NULL};
static const char *const date_no[] = {"update", "modif", "read", "comment", "widget", "runtime", "timeline",
                                      "timer", "timezone", NULL};

int mw_meta_in_skipped(xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (mw_meta_name_is(p, "blockquote") || mw_meta_name_is(p, "figure") || mw_meta_name_is(p, "figcaption") || mw_meta_name_is(p, "aside") ||
            mw_meta_name_is(p, "nav") || mw_meta_name_is(p, "footer"))
            return 1;
    return 0;
}

/* Inside a link that wraps a teaser card (a heading, paragraph or block in it): another article's date/byline. */
int mw_meta_in_teaser(xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        if (!mw_meta_name_is(p, "a"))
            continue;
        for (xmlNodePtr k = p->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE && (mw_text_is_block(k->name) || mw_meta_name_is(k, "img")))
                return 1;
    }
    return 0;
}

static void add_meta(json_t *metas, const char *key, const char *content)
{
    char k[96];
    size_t i = 0;
    for (; key[i] && i + 1 < sizeof k; i++)
        k[i] = (char)tolower((unsigned char)key[i]);
    k[i] = 0;
    json_t *arr = json_object_get(metas, k);
    if (!arr) {
        arr = json_array();
        json_object_set_new(metas, k, arr);
    }
    json_array_append_new(arr, json_string(content));
}

/* <a href=".../author/jane-doe/">: a link to an author's page (WordPress and most CMSs) names the author. The
 * path's segments are compared, not searched: a page has hundreds of links. */
/* The path's segments are compared, not searched: a page has hundreds of links. */
static int author_href(const char *href)
{
    static const char *const segs[] = {"author", "authors", "autor", "autoren", "auteur", "auteurs", "yazar",
                                       "journalist", "journalists", "reporter", NULL};
    if (!href)
        return 0;
    for (const char *p = strchr(href, '/'); p; p = strchr(p + 1, '/')) {
        const char *q = p + 1;
        size_t len = strcspn(q, "/?#");
        if (!len || q[len] != '/' || len > 11)
            continue;
        for (int i = 0; segs[i]; i++)
            if (strlen(segs[i]) == len && !strncasecmp(q, segs[i], len))
                return 1;
    }
    return 0;
}

int mw_meta_author_link(xmlNodePtr n)
{
    return mw_meta_name_is(n, "a") && author_href(mw_meta_attr(n, "href"));
}

/* The attributes visit() asks an element for, each as mw_meta_attr finds it (the first of that name), read
 * in one pass over the element's attributes rather than one pass per name. */
struct visit_attrs {
    const char *content, *property, *name, *http_equiv, *itemprop, *type, *lang, *xml_lang, *rel, *href, *cls, *id;
};

static void visit_attrs(xmlNodePtr n, struct visit_attrs *o)
{
    memset(o, 0, sizeof *o);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        if (!an)
            continue;
        const char **slot = NULL;
        switch (an[0] | 0x20) {
        case 'c': slot = ci_eq(an, "class") ? &o->cls : ci_eq(an, "content") ? &o->content : NULL; break;
        case 'i': slot = ci_eq(an, "id") ? &o->id : ci_eq(an, "itemprop") ? &o->itemprop : NULL; break;
        case 'r': slot = ci_eq(an, "rel") ? &o->rel : NULL; break;
        case 'h': slot = ci_eq(an, "href") ? &o->href : ci_eq(an, "http-equiv") ? &o->http_equiv : NULL; break;
        case 'p': slot = ci_eq(an, "property") ? &o->property : NULL; break;
        case 'n': slot = ci_eq(an, "name") ? &o->name : NULL; break;
        case 't': slot = ci_eq(an, "type") ? &o->type : NULL; break;
        case 'l': slot = ci_eq(an, "lang") ? &o->lang : NULL; break;
        case 'x': slot = ci_eq(an, "xml:lang") ? &o->xml_lang : NULL; break;
        default: break;
        }
        if (slot && !*slot)
            *slot = a->children && a->children->content ? (const char *)a->children->content : "";
    }
}

/* class_says of a class value for the byline and the date lists, looked up when the page had it before. */
static unsigned class_words(struct mw_memo *memo, const char *cls)
{
    unsigned v;
    uint64_t h;
    if (!cls)
        return 0;
    if (!mw_memo_get(memo, cls, &h, &v)) {
        v = class_says(cls, byline_yes, byline_no, date_yes, date_no);
        mw_memo_put(memo, cls, h, v);
    }
    return v;
}

static void visit(struct mw_meta_scan *sc, struct mw_memo *memo, xmlNodePtr n, long ord)
{
    const char *nm = (const char *)n->name;
    struct visit_attrs at;
    visit_attrs(n, &at);
    if (ci_eq(nm, "meta")) {
        const char *content = at.content;
        if (!content)
            return;
        const char *keys[] = {at.property, at.name, at.http_equiv};
        for (int i = 0; i < 3; i++)
            if (keys[i] && *keys[i])
                add_meta(sc->metas, keys[i], content);
        if (at.itemprop)
            vec_push(&sc->props, n, ord);
        return;
    }
    if (ci_eq(nm, "script")) {
        const char *type = at.type;
        if (type && strcasestr(type, "ld+json")) {
            xmlChar *txt = xmlNodeGetContent(n);
            if (txt) {
                mw_jsonld_parse((const char *)txt, strlen((const char *)txt), sc->ld);
                xmlFree(txt);
            }
        }
        return;
    }
    if (ci_eq(nm, "title") && !sc->title) {
        sc->title = mw_text_inline(n);
        return;
    }
    if (ci_eq(nm, "html") && !sc->html_lang) {
        const char *l = at.lang;
        if (!l)
            l = at.xml_lang;
        if (l && *l)
            sc->html_lang = strdup(l);
    }
    if (ci_eq(nm, "link")) {
        const char *rel = at.rel, *href = at.href;
        if (rel && href && !strcasecmp(rel, "canonical") && !sc->canonical)
            sc->canonical = strdup(href);
        return;
    }
    if (ci_eq(nm, "h1"))
        vec_push(&sc->h1, n, ord);
    else if (ci_eq(nm, "h2"))
        vec_push(&sc->h2, n, ord);
    if (ci_eq(nm, "time"))
        vec_push(&sc->times, n, ord);
    if (ci_eq(nm, "img"))
        vec_push(&sc->imgs, n, ord);
    if (at.itemprop)
        vec_push(&sc->props, n, ord);
    const char *cls = at.cls, *rel = at.rel;
    unsigned says = class_words(memo, cls);
    if (((says & 1) || class_says(at.id, byline_yes, byline_no, NULL, NULL) || (rel && !strcasecmp(rel, "author")) ||
         (ci_eq(nm, "a") && author_href(at.href))) && !mw_meta_in_skipped(n))
        vec_push(&sc->bylines, n, ord);
    if (says & 2)
        vec_push(&sc->dated, n, ord);
}

static void walk(struct mw_meta_scan *sc, xmlNodePtr root)
{
    long ord = 0;
    static const char *const closed[] = {"script", "style", "template", "svg", NULL};
    struct mw_memo memo;
    mw_memo_init(&memo);
    for (xmlNodePtr n = root; n; n = mw_meta_next_in(n, root, closed))
        if (n->type == XML_ELEMENT_NODE)
            visit(sc, &memo, n, ord++);
    sc->nodes = ord;
}

/* ---- lookups ---- */

const char *mw_meta_get(struct mw_meta_scan *sc, const char *key)
{
    json_t *a = json_object_get(sc->metas, key);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        const char *p = s;
        while (p && isspace((unsigned char)*p))
            p++;
        if (p && *p)
            return s;
    }
    return NULL;
}

/* JSON-LD value as text: a string, or the first string of an array, or an object's name. */
const char *mw_meta_ld_str(json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_array(v))
        return mw_meta_ld_str(json_array_get(v, 0));
    if (json_is_object(v))
        return json_string_value(json_object_get(v, "name"));
    return NULL;
}

const char *mw_meta_prop_value(xmlNodePtr n, char **owned)
{
    *owned = NULL;
    const char *v = mw_meta_attr(n, "content");
    if (!v && mw_meta_name_is(n, "time"))
        v = mw_meta_attr(n, "datetime");
    if (!v && (mw_meta_name_is(n, "link") || mw_meta_name_is(n, "a")))
        v = mw_meta_attr(n, "href");
    if (!v)
        v = mw_meta_attr(n, "datetime");
    if (v)
        return v;
    *owned = mw_text_inline(n);
    return *owned;
}

/* First itemprop=name element value (malloc'd, cleaned). */
char *mw_meta_microdata(struct mw_meta_scan *sc, const char *prop)
{
    for (size_t i = 0; i < sc->props.n; i++) {
        xmlNodePtr n = sc->props.v[i].n;
        const char *ip = mw_meta_attr(n, "itemprop");
        if (!ip || strcasecmp(ip, prop))
            continue;
        char *owned;
        const char *v = mw_meta_prop_value(n, &owned);
        char *c = v && strlen(v) < MW_META_TEXT_MAX ? mw_meta_clean(v) : NULL;
        free(owned);
        if (c)
            return c;
    }
    return NULL;
}

/* ---- fields ---- */

void mw_meta_set(struct mw_meta_ctx *c, const char *key, json_t *val, const char *src, const char *detail)
{
    if (!val)
        return;
    json_object_set_new(c->out, key, val);
    json_object_set_new(c->sources, key, json_string(src));
    json_object_set_new(c->origins, key, json_string(detail ? detail : src));
}

int mw_meta_is_site_name(struct mw_meta_ctx *c, const char *s)
{
    char q[160];
    mw_meta_squash(s, q, sizeof q);
    if (!*q)
        return 0;
    for (int i = 0; i < 3; i++) {
        if (!c->site[i][0])
            continue;
        if (!strcmp(q, c->site[i]) || (strlen(q) >= 2 && strstr(c->site[i], q)) ||
            (strlen(c->site[i]) >= 3 && strstr(q, c->site[i])))
            return 1;
    }
    return 0;
}

static void site_names(struct mw_meta_ctx *c, const char *url)
{
    const char *og = mw_meta_get(c->sc, "og:site_name");
    json_t *pub = c->art ? json_object_get(c->art, "publisher") : NULL;
    const char *pn = mw_meta_ld_str(pub);
    mw_meta_squash(og, c->site[0], sizeof c->site[0]);
    mw_meta_squash(pn, c->site[1], sizeof c->site[1]);
    char *host = url ? mw_url_host(url) : NULL;
    if (host) {
        /* "www.taipeitimes.com" -> "taipeitimes", "news.bbc.co.uk" -> "bbc": the label before the public suffix */
        char *labels[8];
        int nl = 0;
        for (char *p = host; p && nl < 8; p = strchr(p, '.')) {
            if (*p == '.')
                *p++ = 0;
            labels[nl++] = p;
        }
        int k = nl - 2;
        if (k > 0 && strlen(labels[nl - 1]) == 2 && strlen(labels[k]) <= 3)
            k--; /* co.uk, com.tr, org.ua */
        if (k >= 0 && strlen(labels[k]) >= 3)
            mw_meta_squash(labels[k], c->site[2], sizeof c->site[2]);
        free(host);
    }
}

char *mw_meta_resolve(struct mw_meta_ctx *c, const char *ref)
{
    if (!ref || !*ref || !strncmp(ref, "data:", 5))
        return NULL;
    char *u = mw_url_resolve(c->base, ref);
    if (!u && !c->base && strstr(ref, "://"))
        u = strdup(ref);
    return u;
}

/* ---- the rest ---- */

static void add_tags(json_t *tags, const char *s)
{
    char *cs = mw_meta_clean(s);
    if (!cs)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(cs, ",;", &save); tok && json_array_size(tags) < 50; tok = strtok_r(NULL, ",;", &save)) {
        while (*tok == ' ')
            tok++;
        mw_meta_rtrim(tok);
        if (strlen(tok) >= 2 && strlen(tok) < 100)
            mw_authors_add(tags, tok);
    }
    free(cs);
}

static void do_tags(struct mw_meta_ctx *c)
{
    json_t *tags = json_array();
    const char *src = NULL, *tag_key = "JSON-LD keywords";
    json_t *kw = c->art ? json_object_get(c->art, "keywords") : NULL;
    if (json_is_string(kw))
        add_tags(tags, json_string_value(kw));
    else if (json_is_array(kw)) {
        size_t i;
        json_t *v;
        json_array_foreach(kw, i, v) if (json_is_string(v)) add_tags(tags, json_string_value(v));
    }
    if (json_array_size(tags))
        src = "jsonld";
    static const char *const keys[] = {"article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags", NULL};
    for (int i = 0; keys[i] && !src; i++) {
        json_t *a = json_object_get(c->sc->metas, keys[i]);
        size_t k;
        json_t *v;
        json_array_foreach(a, k, v) add_tags(tags, json_string_value(v));
        if (json_array_size(tags)) {
            src = i == 0 ? "og" : "meta";
            tag_key = keys[i];
        }
    }
    if (src)
        mw_meta_set(c, "tags", json_incref(tags), src, tag_key);
    json_decref(tags);
}

static void set_text(struct mw_meta_ctx *c, const char *key, const char *raw, const char *src, const char *detail)
{
    char *t = raw && strlen(raw) < 64 * 1024 ? mw_meta_clean(raw) : NULL;
    if (t)
        mw_meta_set(c, key, json_string(t), src, detail);
    free(t);
}

/* lead: og:description, the description meta, twitter:description, JSON-LD description */
static void simple_lead(struct mw_meta_ctx *c, struct mw_meta_scan *sc, json_t *art)
{
    const char *s;
    if ((s = mw_meta_get(sc, "og:description")))
        set_text(c, "lead", s, "og", "og:description");
    else if ((s = mw_meta_get(sc, "description")))
        set_text(c, "lead", s, "meta", "<meta name=description>");
    else if ((s = mw_meta_get(sc, "twitter:description")))
        set_text(c, "lead", s, "meta", "twitter:description");
    else if (art && (s = json_string_value(json_object_get(art, "description"))))
        set_text(c, "lead", s, "jsonld", "JSON-LD description");
}

/* section: JSON-LD articleSection, article:section, the analytics metas, microdata */
static void simple_section(struct mw_meta_ctx *c, struct mw_meta_scan *sc, json_t *art)
{
    const char *s;
    if (art && (s = mw_meta_ld_str(json_object_get(art, "articleSection"))))
        set_text(c, "section", s, "jsonld", "JSON-LD articleSection");
    else if ((s = mw_meta_get(sc, "article:section")))
        set_text(c, "section", s, "og", "article:section");
    else if ((s = mw_meta_get(sc, "parsely-section")) || (s = mw_meta_get(sc, "sailthru.section")) ||
             (s = mw_meta_get(sc, "dc.subject")))
        set_text(c, "section", s, "meta", "parsely-section / sailthru.section / dc.subject");
    else {
        char *m = mw_meta_microdata(sc, "articleSection");
        if (m)
            mw_meta_set(c, "section", json_string(m), "microdata", "itemprop=articleSection");
        free(m);
    }
}

/* site_name and type */
static void simple_site_type(struct mw_meta_ctx *c, struct mw_meta_scan *sc, json_t *art)
{
    const char *s;
    if ((s = mw_meta_get(sc, "og:site_name")))
        set_text(c, "site_name", s, "og", "og:site_name");
    else if (art && (s = mw_meta_ld_str(json_object_get(art, "publisher"))))
        set_text(c, "site_name", s, "jsonld", "JSON-LD publisher");
    else if ((s = mw_meta_get(sc, "application-name")))
        set_text(c, "site_name", s, "meta", "application-name");
    if ((s = mw_meta_get(sc, "og:type")))
        set_text(c, "type", s, "og", "og:type");
    else if (art && (s = mw_meta_ld_str(json_object_get(art, "@type"))))
        set_text(c, "type", s, "jsonld", "JSON-LD @type");
}

/* canonical_url: <link rel=canonical>, og:url, JSON-LD url or mainEntityOfPage; absolute http(s) only. The
 * origin names the one that gave it. */
static void simple_canonical(struct mw_meta_ctx *c, struct mw_meta_scan *sc, json_t *art)
{
    const char *s, *csrc = "meta", *how = "<link rel=canonical>";
    char *u = sc->canonical ? mw_meta_resolve(c, sc->canonical) : NULL;
    if (!u && (s = mw_meta_get(sc, "og:url"))) {
        u = mw_meta_resolve(c, s);
        csrc = "og";
        how = "og:url";
    }
    if (!u && art) {
        const char *lu = json_string_value(json_object_get(art, "url"));
        json_t *me = json_object_get(art, "mainEntityOfPage");
        if (!lu && json_is_string(me))
            lu = json_string_value(me);
        if (!lu && json_is_object(me))
            lu = json_string_value(json_object_get(me, "@id"));
        u = mw_meta_resolve(c, lu);
        csrc = "jsonld";
        how = "JSON-LD url";
    }
    if (u && (!strncmp(u, "http://", 7) || !strncmp(u, "https://", 8)))
        mw_meta_set(c, "canonical_url", json_string(u), csrc, how);
    free(u);
}

/* What kind of page (an article object; whether it is free to read), and JSON-LD's articleBody. */
static void simple_kind_body(struct mw_meta_ctx *c, json_t *art)
{
    if (!art)
        return;
    if (mw_jsonld_rank(art) >= 7)
        mw_meta_set(c, "article", json_true(), "jsonld", NULL);
    json_t *free_ = json_object_get(art, "isAccessibleForFree");
    const char *fs = json_string_value(free_), *s;
    if (json_is_false(free_) || (fs && (!strcasecmp(fs, "false") || !strcasecmp(fs, "no"))))
        mw_meta_set(c, "accessible", json_false(), "jsonld", "JSON-LD isAccessibleForFree");
    if ((s = json_string_value(json_object_get(art, "articleBody"))) && strlen(s) < 4u << 20) {
        char *t = mw_meta_clean(s);
        if (t)
            mw_meta_set(c, "body", json_string(t), "jsonld", "JSON-LD articleBody");
        free(t);
    }
}

static void do_simple(struct mw_meta_ctx *c)
{
    simple_lead(c, c->sc, c->art);
    simple_section(c, c->sc, c->art);
    simple_site_type(c, c->sc, c->art);
    simple_canonical(c, c->sc, c->art);
    simple_kind_body(c, c->art);
}

/* Text to guess the language from when the markup does not say it. malloc'd. */
static void scan_free(struct mw_meta_scan *sc)
{
    json_decref(sc->metas);
    json_decref(sc->ld);
    free(sc->title);
    free(sc->html_lang);
    free(sc->canonical);
    free(sc->h1.v);
    free(sc->h2.v);
    free(sc->times.v);
    free(sc->bylines.v);
    free(sc->props.v);
    free(sc->dated.v);
    free(sc->imgs.v);
}

json_t *mw_meta_extract(xmlDocPtr doc, const char *url, const struct mw_meta_opts *opts, struct mw_err *err)
{
    json_t *out = json_object(), *sources = json_object(), *origins = json_object();
    struct mw_meta_scan sc = {0};
    sc.metas = json_object();
    sc.ld = json_array();
    if (!out || !sources || !origins || !sc.metas || !sc.ld) {
        json_decref(out);
        json_decref(sources);
        json_decref(origins);
        scan_free(&sc);
        mw_err_set(err, MW_ENOMEM, "extract", "%s: out of memory reading metadata", url ? url : "-");
        return NULL;
    }
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    sc.root = root;
    if (root)
        walk(&sc, root);

    struct mw_meta_ctx c = {0};
    c.sc = &sc;
    c.out = out;
    c.sources = sources;
    c.origins = origins;
    c.opts = opts;
    c.h1_ord = -1;
    c.art = mw_jsonld_article(sc.ld);
    char *base_owned = NULL;
    const char *hb = doc ? mw_html_base(doc) : NULL;
    if (url && hb && doc->URL && hb != (const char *)doc->URL)
        base_owned = mw_url_resolve(url, hb);
    else if (!url && hb)
        base_owned = strdup(hb);
    c.base = base_owned ? base_owned : url;
    site_names(&c, url ? url : (doc ? (const char *)doc->URL : NULL));
    char *page_url = NULL;
    if (!url && sc.canonical)
        page_url = mw_meta_resolve(&c, sc.canonical);
    if (!url && !page_url && mw_meta_get(&sc, "og:url"))
        page_url = mw_meta_resolve(&c, mw_meta_get(&sc, "og:url"));
    c.url = url ? url : page_url;

    /* the language first: date parsing takes it as a hint */
    mw_meta_title(&c);
    do_simple(&c);
    mw_meta_lang(&c);
    c.lang = json_string_value(json_object_get(out, "lang"));
    mw_meta_dates(&c, 1);
    mw_meta_dates(&c, 0);
    mw_meta_byline(&c);
    do_tags(&c);
    mw_meta_images(&c);

    json_object_set_new(out, "sources", sources);
    json_object_set_new(out, "origins", origins);
    free(page_url);
    free(base_owned);
    scan_free(&sc);
    return out;
}
