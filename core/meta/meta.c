/* meta/meta.c: what a page says about itself (JSON-LD, OpenGraph, Twitter cards, <meta name>, microdata,
 * <time>, bylines near the headline) merged into one object with the source of each field. Parsing dates is
 * meta/date.c, cleaning bylines meta/authors.c, repairing JSON-LD meta/jsonld.c; the body is extract/'s. */
#include "meta/meta.h"
#include "meta/authors.h"
#include "meta/date.h"
#include "meta/jsonld.h"
#include "meta/lang.h"
#include "common/buf.h"
#include "doc/html.h"
#include "doc/text.h"
#include "net/url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_MAX 4096        /* a metadata string longer than this is not metadata */
#define BYLINE_MAX 200       /* a byline element with more text is a paragraph or a box */
#define NEAR_H1 400          /* elements after the headline still counted as its header */

struct item {
    xmlNodePtr n;
    long ord;
};

struct vec {
    struct item *v;
    size_t n, cap;
};

struct scan {
    json_t *metas;      /* lower-case key -> [content, ...] */
    json_t *ld;         /* every JSON-LD value parsed */
    char *title;        /* <title> */
    char *html_lang;
    char *canonical;
    struct vec h1, times, bylines, props, dated, imgs;
    long nodes;
};

static int vec_push(struct vec *v, xmlNodePtr n, long ord)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        struct item *p = realloc(v->v, cap * sizeof *p);
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

static int name_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

/* Attribute value borrowed from the tree (NULL when absent); libxml2 keeps a single text child for it. */
static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->name && !strcasecmp((const char *)a->name, name))
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

/* ---- strings ---- */

static const struct { const char *name; const char *utf8; } entities[] = {
    {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "},
    {"ndash", "\xe2\x80\x93"}, {"mdash", "\xe2\x80\x94"}, {"hellip", "\xe2\x80\xa6"}, {"rsquo", "\xe2\x80\x99"},
    {"lsquo", "\xe2\x80\x98"}, {"ldquo", "\xe2\x80\x9c"}, {"rdquo", "\xe2\x80\x9d"}, {"laquo", "\xc2\xab"},
    {"raquo", "\xc2\xbb"}, {"middot", "\xc2\xb7"}, {"bull", "\xe2\x80\xa2"}, {NULL, NULL}};

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
static char *clean_text(const char *s)
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
                    int hit = 0;
                    for (int i = 0; entities[i].name; i++)
                        if ((size_t)(semi - p - 1) == strlen(entities[i].name) &&
                            !strncmp(p + 1, entities[i].name, (size_t)(semi - p - 1))) {
                            mw_buf_appends(&o, entities[i].utf8);
                            hit = 1;
                            break;
                        }
                    if (hit) { p = semi + 1; continue; }
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
static void squash(const char *s, char *out, size_t cap)
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

static int count_words(const char *s)
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

/* ---- the walk ---- */

static int class_says(const char *v, const char *const *yes, const char *const *no)
{
    if (!v)
        return 0;
    char tok[128];
    const char *p = v;
    int found = 0;
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
        int y = 0;
        for (int i = 0; yes[i]; i++)
            if (strstr(tok, yes[i])) { y = 1; break; }
        if (!y)
            continue;
        for (int i = 0; no[i]; i++)
            if (strstr(tok, no[i])) { y = 0; break; }
        if (y)
            found = 1;
    }
    return found;
}

static const char *const byline_yes[] = {"author", "byline", "autor", "auteur", "yazar", "writer", "reporter", NULL};
static const char *const byline_no[] = {"date", "time", "image", "img", "photo", "avatar", "media", "bio", "desc",
                                        "social", "follow", "title", "role", "job", "position", "pic", "thumb",
                                        "icon", "comment", "widget", "quote", "caption", "credit", "about", "more",
                                        "wrap", "list", "box", "card", "tooltip", "popup", "email", "mail", NULL};
static const char *const date_yes[] = {"date", "time", "tarih", "datum", "fecha", "publish", "dateline", NULL};
static const char *const date_no[] = {"update", "modif", "read", "comment", "widget", "runtime", "timeline",
                                      "timer", "timezone", NULL};

static int in_skipped(xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (name_is(p, "blockquote") || name_is(p, "figure") || name_is(p, "figcaption") || name_is(p, "aside") ||
            name_is(p, "nav") || name_is(p, "footer"))
            return 1;
    return 0;
}

/* Inside a link that wraps a teaser card (a heading, paragraph or block in it): another article's date/byline. */
static int in_teaser(xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        if (!name_is(p, "a"))
            continue;
        for (xmlNodePtr k = p->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE && (mw_text_is_block(k->name) || name_is(k, "img")))
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

static void visit(struct scan *sc, xmlNodePtr n, long ord)
{
    const char *nm = (const char *)n->name;
    if (!strcasecmp(nm, "meta")) {
        const char *content = attr(n, "content");
        if (!content)
            return;
        const char *keys[] = {attr(n, "property"), attr(n, "name"), attr(n, "http-equiv")};
        for (int i = 0; i < 3; i++)
            if (keys[i] && *keys[i])
                add_meta(sc->metas, keys[i], content);
        if (attr(n, "itemprop"))
            vec_push(&sc->props, n, ord);
        return;
    }
    if (!strcasecmp(nm, "script")) {
        const char *type = attr(n, "type");
        if (type && strcasestr(type, "ld+json")) {
            xmlChar *txt = xmlNodeGetContent(n);
            if (txt) {
                mw_jsonld_parse((const char *)txt, strlen((const char *)txt), sc->ld);
                xmlFree(txt);
            }
        }
        return;
    }
    if (!strcasecmp(nm, "title") && !sc->title) {
        sc->title = mw_text_inline(n);
        return;
    }
    if (!strcasecmp(nm, "html") && !sc->html_lang) {
        const char *l = attr(n, "lang");
        if (!l)
            l = attr(n, "xml:lang");
        if (l && *l)
            sc->html_lang = strdup(l);
    }
    if (!strcasecmp(nm, "link")) {
        const char *rel = attr(n, "rel"), *href = attr(n, "href");
        if (rel && href && !strcasecmp(rel, "canonical") && !sc->canonical)
            sc->canonical = strdup(href);
        return;
    }
    if (!strcasecmp(nm, "h1"))
        vec_push(&sc->h1, n, ord);
    if (!strcasecmp(nm, "time"))
        vec_push(&sc->times, n, ord);
    if (!strcasecmp(nm, "img"))
        vec_push(&sc->imgs, n, ord);
    if (attr(n, "itemprop"))
        vec_push(&sc->props, n, ord);
    const char *cls = attr(n, "class"), *id = attr(n, "id"), *rel = attr(n, "rel");
    if ((class_says(cls, byline_yes, byline_no) || class_says(id, byline_yes, byline_no) ||
         (rel && !strcasecmp(rel, "author"))) && !in_skipped(n))
        vec_push(&sc->bylines, n, ord);
    if (class_says(cls, date_yes, date_no))
        vec_push(&sc->dated, n, ord);
}

static void walk(struct scan *sc, xmlNodePtr root)
{
    long ord = 0;
    xmlNodePtr n = root;
    while (n) {
        int descend = 1;
        if (n->type == XML_ELEMENT_NODE) {
            visit(sc, n, ord++);
            if (name_is(n, "script") || name_is(n, "style") || name_is(n, "template") || name_is(n, "svg"))
                descend = 0;
        }
        if (descend && n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    sc->nodes = ord;
}

/* ---- lookups ---- */

static const char *meta1(struct scan *sc, const char *key)
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
static const char *ld_str(json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_array(v))
        return ld_str(json_array_get(v, 0));
    if (json_is_object(v))
        return json_string_value(json_object_get(v, "name"));
    return NULL;
}

static const char *prop_value(xmlNodePtr n, char **owned)
{
    *owned = NULL;
    const char *v = attr(n, "content");
    if (!v && name_is(n, "time"))
        v = attr(n, "datetime");
    if (!v && (name_is(n, "link") || name_is(n, "a")))
        v = attr(n, "href");
    if (!v)
        v = attr(n, "datetime");
    if (v)
        return v;
    *owned = mw_text_inline(n);
    return *owned;
}

/* First itemprop=name element value (malloc'd, cleaned). */
static char *microdata(struct scan *sc, const char *prop)
{
    for (size_t i = 0; i < sc->props.n; i++) {
        xmlNodePtr n = sc->props.v[i].n;
        const char *ip = attr(n, "itemprop");
        if (!ip || strcasecmp(ip, prop))
            continue;
        char *owned;
        const char *v = prop_value(n, &owned);
        char *c = v && strlen(v) < TEXT_MAX ? clean_text(v) : NULL;
        free(owned);
        if (c)
            return c;
    }
    return NULL;
}

/* ---- fields ---- */

struct ctx {
    struct scan *sc;
    json_t *out, *sources;
    json_t *art;            /* the JSON-LD article, borrowed */
    const char *base;
    const struct mw_meta_opts *opts;
    char site[3][160];      /* squashed names the site goes by */
    const char *lang;
    long h1_ord;
};

static void set_field(struct ctx *c, const char *key, json_t *val, const char *src)
{
    if (!val)
        return;
    json_object_set_new(c->out, key, val);
    json_object_set_new(c->sources, key, json_string(src));
}

static int is_site_name(struct ctx *c, const char *s)
{
    char q[160];
    squash(s, q, sizeof q);
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

static void site_names(struct ctx *c, const char *url)
{
    const char *og = meta1(c->sc, "og:site_name");
    json_t *pub = c->art ? json_object_get(c->art, "publisher") : NULL;
    const char *pn = ld_str(pub);
    squash(og, c->site[0], sizeof c->site[0]);
    squash(pn, c->site[1], sizeof c->site[1]);
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
            squash(labels[k], c->site[2], sizeof c->site[2]);
        free(host);
    }
}

/* Separators between a headline and what a <title> adds after it. */
static const char *const title_seps[] = {" | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ", " \xc2\xb7 ",
                                         " \xe2\x80\xa2 ", " \xc2\xbb ", " \xc2\xab ", " / ", "--", "\xe2\x80\x95\xe2\x80\x95",
                                         " ~ ", NULL};

static int is_datey(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr(" .-/:,", *p) && !isalpha((unsigned char)*p))
            return 0;
    }
    return digits >= 4;
}

/* Position of the last separator in t (NULL if none) and its length. */
static char *last_sep(char *t, size_t *len)
{
    char *best = NULL;
    for (int i = 0; title_seps[i]; i++) {
        char *p = t, *hit;
        while ((hit = strstr(p, title_seps[i])) != NULL) {
            if (hit > t && (!best || hit > best)) {
                best = hit;
                *len = strlen(title_seps[i]);
            }
            p = hit + 1;
        }
    }
    return best;
}

static char *first_sep(char *t, size_t *len)
{
    char *best = NULL;
    for (int i = 0; title_seps[i]; i++) {
        char *hit = strstr(t, title_seps[i]);
        if (hit && hit > t && (!best || hit < best)) {
            best = hit;
            *len = strlen(title_seps[i]);
        }
    }
    return best;
}

static int starts_with_sep(const char *s)
{
    while (*s == ' ')
        s++;
    return *s == '|' || *s == '-' || *s == ':' || *s == '/' || *s == '~' || !strncmp(s, "\xe2\x80\x93", 3) ||
           !strncmp(s, "\xe2\x80\x94", 3) || !strncmp(s, "\xc2\xb7", 2) || !strncmp(s, "\xe2\x80\xa2", 3) ||
           !strncmp(s, "\xc2\xbb", 2) || !strncmp(s, "\xe2\x80\x95", 3);
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = 0;
}

/* Cut what follows the headline: the site's name, a section, a date ("X | Europa | DW | 28.04.2023"). */
static void strip_title(struct ctx *c, char *t, char **others, int nothers, const char *section)
{
    /* Another source giving exactly the front part says where the headline ends. */
    for (int i = 0; i < nothers; i++) {
        const char *o = others[i];
        size_t n = o ? strlen(o) : 0;
        if (n >= 8 && n < strlen(t) && !strncmp(t, o, n) && starts_with_sep(t + n)) {
            t[n] = 0;
            rtrim(t);
            return;
        }
    }
    int cut = 0;
    for (;;) {
        size_t sl = 0;
        char *sep = last_sep(t, &sl);
        if (!sep)
            break;
        const char *suffix = sep + sl;
        while (*suffix == ' ')
            suffix++;
        int drop = is_site_name(c, suffix) || is_datey(suffix) ||
                   (section && !strcasecmp(suffix, section)) ||
                   (cut && count_words(suffix) <= 3 && count_words(t) - count_words(suffix) >= 4);
        if (!drop || sep - t < 6)
            break;
        *sep = 0;
        rtrim(t);
        cut = 1;
    }
    /* "Outlet | Headline" */
    size_t sl = 0;
    char *sep = first_sep(t, &sl);
    if (sep) {
        char save = *sep;
        *sep = 0;
        int site = is_site_name(c, t);
        *sep = save;
        if (site && strlen(sep + sl) >= 8)
            memmove(t, sep + sl, strlen(sep + sl) + 1);
    }
}

/* The h1 that agrees with the other sources, else the first one with text. Sets c->h1_ord. */
static char *pick_h1(struct ctx *c, char **cands, int ncands)
{
    char *first = NULL;
    long first_ord = -1;
    int first_in_article = 0;
    for (size_t i = 0; i < c->sc->h1.n; i++) {
        char *t = mw_text_inline(c->sc->h1.v[i].n);
        char *ct = t ? clean_text(t) : NULL;
        free(t);
        if (!ct)
            continue;
        if (strlen(ct) < 3 || is_site_name(c, ct) || strlen(ct) > 400) {
            free(ct);
            continue;
        }
        for (int k = 0; k < ncands; k++) {
            if (cands[k] && (strstr(cands[k], ct) || strstr(ct, cands[k]))) {
                free(first);
                c->h1_ord = c->sc->h1.v[i].ord;
                return ct;
            }
        }
        int in_article = 0;
        for (xmlNodePtr p = c->sc->h1.v[i].n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
            if (name_is(p, "article") || name_is(p, "main"))
                in_article = 1;
        if (!first || (in_article && !first_in_article)) {
            free(first);
            first = ct;
            first_ord = c->sc->h1.v[i].ord;
            first_in_article = in_article;
        } else
            free(ct);
    }
    c->h1_ord = first_ord;
    return first;
}

static void do_title(struct ctx *c)
{
    struct scan *sc = c->sc;
    char *og = clean_text(meta1(sc, "og:title"));
    char *tw = clean_text(meta1(sc, "twitter:title"));
    if (!tw)
        tw = clean_text(meta1(sc, "twitter:text:title"));
    char *ld = NULL;
    if (c->art) {
        ld = clean_text(json_string_value(json_object_get(c->art, "headline")));
        if (!ld && mw_jsonld_rank(c->art) >= 7)
            ld = clean_text(json_string_value(json_object_get(c->art, "name")));
    }
    char *md = microdata(sc, "headline");
    char *tt = clean_text(sc->title);
    char *agree[] = {og, ld, tw, tt};
    char *h1 = pick_h1(c, agree, 4);
    const char *section = NULL;
    if (c->art)
        section = ld_str(json_object_get(c->art, "articleSection"));
    if (!section)
        section = meta1(sc, "article:section");

    struct { char *s; const char *src; } order[] = {{og, "og"}, {ld, "jsonld"}, {tw, "meta"}, {md, "microdata"},
                                                    {h1, "h1"}, {tt, "title"}};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        char *s = order[i].s;
        if (!s || strlen(s) < 2 || (is_site_name(c, s) && count_words(s) <= 3))
            continue;
        char *t = strdup(s);
        if (!t)
            break;
        char *others[] = {ld, h1, tw, md, og};
        char *o2[5];
        int k = 0;
        for (int j = 0; j < 5; j++)
            if (others[j] && others[j] != s)
                o2[k++] = others[j];
        strip_title(c, t, o2, k, section);
        if (*t)
            set_field(c, "title", json_string(t), order[i].src);
        free(t);
        break;
    }
    free(og);
    free(tw);
    free(ld);
    free(md);
    free(tt);
    free(h1);
}

/* ---- dates ---- */

struct date_cand {
    char iso[MW_DATE_MAX];
    const char *src;
};

static int parse_date(struct ctx *c, const char *s, char out[MW_DATE_MAX])
{
    if (!s)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s || strlen(s) > 200)
        return -1;
    struct mw_date_opts o = {c->lang, c->opts ? c->opts->tz : NULL, NULL};
    struct mw_err e = {0};
    if (mw_date_parse(s, &o, out, &e))
        return -1;
    /* "0001-01-01": a CMS default, not a date; no news page predates the web */
    return atoi(out) < 1990 ? -1 : 0;
}

static int has_time(const char *iso) { return strlen(iso) > 10; }

static int has_zone(const char *iso)
{
    size_t n = strlen(iso);
    return n > 19 && (iso[n - 1] == 'Z' || iso[n - 6] == '+' || iso[n - 6] == '-');
}

static const char *const pub_og[] = {"article:published_time", "og:article:published_time", "og:published_time",
                                     "published_time", NULL};
static const char *const pub_meta[] = {"datepublished", "date", "pubdate", "publishdate", "publish_date", "publish-date",
                                       "publication_date", "pub_date", "dc.date", "dc.date.issued", "dc.date.created",
                                       "dcterms.date", "dcterms.issued", "dcterms.created", "parsely-pub-date",
                                       "sailthru.date", "cxenseparse:publishtime", "article.published", "date.available",
                                       "date.created", "originalpublicationdate", "datecreated", NULL};
static const char *const mod_og[] = {"article:modified_time", "og:article:modified_time", "og:updated_time",
                                     "modified_time", NULL};
static const char *const mod_meta[] = {"datemodified", "lastmod", "last-modified", "dc.date.modified",
                                       "dcterms.modified", "date.modified", "date.updated", "sailthru.lastmodified",
                                       NULL};

/* Best <time datetime>: the one by the headline or in the article header, marked as publication if any. */
static const char *pick_time(struct ctx *c)
{
    struct vec *t = &c->sc->times;
    const char *best = NULL;
    int best_score = 0;
    long best_dist = 0;
    for (size_t i = 0; i < t->n; i++) {
        xmlNodePtr n = t->v[i].n;
        const char *dt = attr(n, "datetime");
        if (!dt || strlen(dt) < 8)
            continue;
        int score = 1;
        const char *cls = attr(n, "class"), *ip = attr(n, "itemprop");
        if (attr(n, "pubdate") || (ip && strcasestr(ip, "published")) || (cls && strcasestr(cls, "publi")))
            score += 3;
        if ((cls && (strcasestr(cls, "modif") || strcasestr(cls, "updat"))) || (ip && strcasestr(ip, "modified")))
            score -= 3;
        for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
            if (name_is(p, "article") || name_is(p, "header")) {
                score += 2;
                break;
            }
        long dist = c->h1_ord >= 0 ? t->v[i].ord - c->h1_ord : 0;
        if (c->h1_ord >= 0 && dist >= 0 && dist < NEAR_H1)
            score += 2;
        if (dist < 0)
            dist = -dist * 2;
        if (score > best_score || (score == best_score && dist < best_dist)) {
            best = dt;
            best_score = score;
            best_dist = dist;
        }
    }
    return best_score >= 3 || t->n == 1 ? best : NULL;
}

/* A short element whose class says date, by the headline ("<span class=tarih>03.04.2025</span>"). */
static int dated_text(struct ctx *c, char out[MW_DATE_MAX])
{
    struct vec *d = &c->sc->dated;
    long best = -1;
    for (size_t i = 0; i < d->n; i++) {
        long dist = c->h1_ord >= 0 ? d->v[i].ord - c->h1_ord : (long)i;
        if (dist < 0)
            dist = -dist * 3;
        if (dist > NEAR_H1 * 3 || in_teaser(d->v[i].n))
            continue;
        char *txt = mw_text_inline(d->v[i].n);
        if (txt && strlen(txt) >= 6 && strlen(txt) <= 80) {
            char iso[MW_DATE_MAX];
            /* "03.04.2025 - Güncelleme : 03.04.2025": the first date is the publication */
            char *cut = strstr(txt, " - ");
            if (cut)
                *cut = 0;
            if (!parse_date(c, txt, iso) && (best < 0 || dist < best)) {
                best = dist;
                memcpy(out, iso, MW_DATE_MAX);
            }
        }
        free(txt);
    }
    return best >= 0 ? 0 : -1;
}

/* "<li><strong>Datum</strong> 28.04.2023</li>": a label alone in a text node after the headline, its
 * element's text read without it. */
static int labelled_date(struct ctx *c, char out[MW_DATE_MAX])
{
    static const char *const labels[] = {"Datum", "Date", "Fecha", "Tarih", "Дата", "Data", "Published", "Publié le",
                                         "Veröffentlicht", "Publicado", "Tanggal", "Tarikh", NULL};
    xmlNodePtr n = NULL;
    for (size_t i = 0; i < c->sc->h1.n; i++)
        if (c->sc->h1.v[i].ord == c->h1_ord)
            n = c->sc->h1.v[i].n;
    for (int budget = 3000; n && budget > 0; budget--) {
        if (n->children && n->type == XML_ELEMENT_NODE && !name_is(n, "script") && !name_is(n, "style"))
            n = n->children;
        else {
            while (n && !n->next)
                n = n->parent;
            if (!n)
                break;
            n = n->next;
        }
        if (!n || n->type != XML_TEXT_NODE || !n->content || in_teaser(n))
            continue;
        char *t = clean_text((const char *)n->content);
        if (!t)
            continue;
        size_t tl = strlen(t);
        if (tl && t[tl - 1] == ':')
            t[--tl] = 0;
        int hit = 0;
        for (int i = 0; labels[i] && !hit; i++)
            hit = !strcasecmp(t, labels[i]);
        free(t);
        if (!hit)
            continue;
        xmlNodePtr el = n->parent;
        char *lt = mw_text_inline(el);
        if (lt && strlen(lt) <= tl + 2 && el->parent) {
            free(lt);
            el = el->parent;
            lt = mw_text_inline(el);
        }
        int ok = -1;
        if (lt && strlen(lt) < 80) {
            const char *v = lt;
            while (*v && *v != ' ')
                v++;
            ok = parse_date(c, v, out);
        }
        free(lt);
        if (!ok)
            return 0;
    }
    return -1;
}

static void collect_meta_dates(struct ctx *c, const char *const *keys, const char *src, struct date_cand *cands,
                               int *n, int max)
{
    for (int i = 0; keys[i] && *n < max; i++) {
        json_t *a = json_object_get(c->sc->metas, keys[i]);
        size_t k;
        json_t *v;
        json_array_foreach(a, k, v) {
            if (*n < max && !parse_date(c, json_string_value(v), cands[*n].iso)) {
                cands[*n].src = src;
                (*n)++;
                break;
            }
        }
    }
}

static void do_date(struct ctx *c, int published)
{
    struct date_cand cands[48];
    int n = 0;
    const int max = 48;
    if (c->art) {
        const char *k = published ? "datePublished" : "dateModified";
        if (!parse_date(c, json_string_value(json_object_get(c->art, k)), cands[n].iso))
            cands[n++].src = "jsonld";
    }
    collect_meta_dates(c, published ? pub_og : mod_og, "og", cands, &n, max);
    collect_meta_dates(c, published ? pub_meta : mod_meta, "meta", cands, &n, max);
    if (c->art && published && n < max &&
        !parse_date(c, json_string_value(json_object_get(c->art, "dateCreated")), cands[n].iso))
        cands[n++].src = "jsonld";
    char *md = microdata(c->sc, published ? "datePublished" : "dateModified");
    if (md && n < max && !parse_date(c, md, cands[n].iso))
        cands[n++].src = "microdata";
    free(md);
    if (published) {
        const char *t = pick_time(c);
        if (t && n < max && !parse_date(c, t, cands[n].iso))
            cands[n++].src = "time";
        if (n == 0 && (!labelled_date(c, cands[n].iso) || !dated_text(c, cands[n].iso)))
            cands[n++].src = "page";
    }
    if (!n)
        return;
    char best[MW_DATE_MAX];
    memcpy(best, cands[0].iso, MW_DATE_MAX);
    /* Another source stating the same moment with its zone, or the same day with its time, says more. */
    for (int i = 1; i < n; i++) {
        const char *o = cands[i].iso;
        if (has_time(best) && !has_zone(best) && has_zone(o) && !strncmp(best, o, 16)) {
            memcpy(best, o, MW_DATE_MAX);
            break;
        }
        if (!has_time(best) && has_time(o) && !strncmp(best, o, 10) && strcmp(cands[i].src, "page")) {
            memcpy(best, o, MW_DATE_MAX);
            break;
        }
    }
    set_field(c, published ? "published" : "modified", json_string(best), cands[0].src);
}

/* ---- authors ---- */

static int ld_authors(struct ctx *c, json_t *names, json_t *orgs)
{
    json_t *a = json_object_get(c->art, "author");
    if (!a)
        a = json_object_get(c->art, "creator");
    json_t *one = NULL;
    if (!json_is_array(a)) {
        one = json_array();
        json_array_append(one, a);
        a = one;
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (json_is_string(v)) {
            char *s = clean_text(json_string_value(v));
            if (s && !strstr(s, "://"))
                mw_authors_split(s, names);
            free(s);
        } else if (json_is_object(v)) {
            const char *nm = json_string_value(json_object_get(v, "name"));
            if (!nm)
                nm = json_string_value(json_object_get(v, "byline"));
            if (!nm) {
                const char *g = json_string_value(json_object_get(v, "givenName"));
                const char *f = json_string_value(json_object_get(v, "familyName"));
                if (g && f) {
                    char buf[256];
                    snprintf(buf, sizeof buf, "%s %s", g, f);
                    mw_authors_split(buf, names);
                }
                continue;
            }
            char *s = clean_text(nm);
            if (s) {
                int org = mw_jsonld_is_type(v, "Organization") || mw_jsonld_is_type(v, "NewsMediaOrganization") ||
                          mw_jsonld_is_type(v, "Corporation") || mw_jsonld_is_type(v, "NewsOrganization");
                mw_authors_split(s, org ? orgs : names);
            }
            free(s);
        }
    }
    json_decref(one);
    return (int)json_array_size(names);
}

static int meta_authors(struct ctx *c, json_t *names)
{
    static const char *const keys[] = {"article:author", "author", "dc.creator", "dcterms.creator", "parsely-author",
                                       "sailthru.author", "byl", "cxenseparse:author", "og:article:author", NULL};
    for (int i = 0; keys[i]; i++) {
        json_t *a = json_object_get(c->sc->metas, keys[i]);
        size_t k;
        json_t *v;
        json_array_foreach(a, k, v) {
            const char *s = json_string_value(v);
            if (!s || strstr(s, "://") || !strncmp(s, "www.", 4))
                continue;
            char *cs = clean_text(s);
            if (cs && !is_site_name(c, cs))
                mw_authors_split(cs, names);
            free(cs);
        }
        if (json_array_size(names))
            return 1;
    }
    return 0;
}

static int microdata_authors(struct ctx *c, json_t *names)
{
    for (size_t i = 0; i < c->sc->props.n; i++) {
        xmlNodePtr n = c->sc->props.v[i].n;
        const char *ip = attr(n, "itemprop");
        if (!ip || !strcasestr(ip, "author") || in_skipped(n))
            continue;
        char *owned = NULL;
        const char *v = NULL;
        /* itemscope author: its itemprop=name */
        xmlNodePtr stack = n->children;
        for (xmlNodePtr k = stack; k && !v; k = k->next) {
            if (k->type != XML_ELEMENT_NODE)
                continue;
            const char *kp = attr(k, "itemprop");
            if (kp && !strcasecmp(kp, "name"))
                v = prop_value(k, &owned);
            else
                for (xmlNodePtr g = k->children; g && !v; g = g->next)
                    if (g->type == XML_ELEMENT_NODE && attr(g, "itemprop") && !strcasecmp(attr(g, "itemprop"), "name"))
                        v = prop_value(g, &owned);
        }
        if (!v)
            v = prop_value(n, &owned);
        if (v && strlen(v) < BYLINE_MAX && !strstr(v, "://")) {
            char *cs = clean_text(v);
            if (cs && !is_site_name(c, cs))
                mw_authors_split(cs, names);
            free(cs);
        }
        free(owned);
    }
    return json_array_size(names) > 0;
}

static int is_ancestor(xmlNodePtr a, xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p; p = p->parent)
        if (p == a)
            return 1;
    return 0;
}

/* Elements whose class/rel/itemprop says author or byline: the innermost ones nearest the headline, with
 * their siblings of the same class ("post_author_name" x 3). */
static int byline_authors(struct ctx *c, json_t *names)
{
    struct vec *b = &c->sc->bylines;
    long best = -1, best_dist = 0;
    for (size_t i = 0; i < b->n; i++) {
        int inner = 1;
        for (size_t j = i + 1; j < b->n && b->v[j].ord < b->v[i].ord + 200; j++)
            if (is_ancestor(b->v[i].n, b->v[j].n)) {
                char *t = mw_text_inline(b->v[j].n);
                if (t && *t)
                    inner = 0;
                free(t);
                if (!inner)
                    break;
            }
        if (!inner)
            continue;
        char *t = mw_text_inline(b->v[i].n);
        int ok = t && *t && strlen(t) <= BYLINE_MAX;
        free(t);
        if (!ok)
            continue;
        long dist = c->h1_ord >= 0 ? b->v[i].ord - c->h1_ord : b->v[i].ord;
        if (dist < 0)
            dist = -dist * 2;
        if (best < 0 || dist < best_dist) {
            best = (long)i;
            best_dist = dist;
        }
    }
    if (best < 0 || (c->h1_ord >= 0 && best_dist > NEAR_H1 * 4))
        return 0;
    struct item *pick = &b->v[best];
    const char *cls = attr(pick->n, "class");
    for (size_t i = 0; i < b->n; i++) {
        struct item *it = &b->v[i];
        if (it != pick) {
            const char *k = attr(it->n, "class");
            if (!cls || !k || strcmp(cls, k) || labs(it->ord - pick->ord) > 60)
                continue;
        }
        char *t = mw_text_inline(it->n);
        if (t && strlen(t) <= BYLINE_MAX)
            mw_authors_split(t, names);
        free(t);
    }
    return json_array_size(names) > 0;
}

/* Label words that start a byline line in running text. */
static const char *const line_labels[] = {"By ", "BY ", "Von ", "Von:", "Par ", "Por ", "От ", "Автор:", "Автор ",
                                          "Autor:", "Autorin:", "Autorin/Autor", "Author:", "Auteur :", "Auteur:",
                                          "Yazar:", "Oleh ", "Text:", "Texto:", "(责编", "责任编辑", "（责编", "作者：",
                                          "记者：", NULL};

/* "By ..." lines: text nodes starting with a label near the headline; the element holding the line is read. */
static int line_authors(struct ctx *c, json_t *names, int agency_only)
{
    xmlNodePtr root = xmlDocGetRootElement(c->sc->h1.n ? c->sc->h1.v[0].n->doc : NULL);
    if (!root)
        return 0;
    xmlNodePtr start = NULL;
    for (size_t i = 0; i < c->sc->h1.n; i++)
        if (c->sc->h1.v[i].ord == c->h1_ord)
            start = c->sc->h1.v[i].n;
    if (!start)
        return 0;
    int budget = agency_only ? 60 : 3000;
    xmlNodePtr n = start;
    while (n && budget-- > 0) {
        if (n->children && n->type == XML_ELEMENT_NODE && !name_is(n, "script") && !name_is(n, "style"))
            n = n->children;
        else {
            while (n && !n->next)
                n = n->parent;
            if (!n)
                break;
            n = n->next;
        }
        if (!n || n->type != XML_TEXT_NODE || !n->content)
            continue;
        const char *s = (const char *)n->content;
        while (*s && (isspace((unsigned char)*s) || !strncmp(s, "\xc2\xa0", 2)))
            s += (unsigned char)*s == 0xC2 ? 2 : 1;
        if (!*s || !n->parent || in_skipped(n) || in_teaser(n))
            continue;
        int hit = 0;
        if (agency_only) {
            char *t = clean_text(s);
            if (t && strlen(t) < 60) {
                char *comma = strchr(t, ',');
                if (comma)
                    *comma = 0;
                hit = mw_authors_is_agency(t);
            }
            free(t);
        } else {
            for (int i = 0; line_labels[i] && !hit; i++) {
                size_t ln = strlen(line_labels[i]);
                if (!strncmp(s, line_labels[i], ln)) {
                    const char *after = s + ln;
                    while (*after == ' ' || *after == ':')
                        after++;
                    /* "By the time..." is prose; a byline goes on with a capital or another element */
                    hit = !*after || !islower((unsigned char)*after);
                }
            }
        }
        if (!hit)
            continue;
        xmlNodePtr el = n->parent;
        char *t = mw_text_inline(el);
        /* the label alone in its element ("<strong>Autor</strong> Name"): read the enclosing one */
        if (t && strlen(t) < 20 && el->parent) {
            free(t);
            el = el->parent;
            t = mw_text_inline(el);
        }
        if (t && strlen(t) <= BYLINE_MAX && mw_authors_split(t, names) > 0) {
            free(t);
            return 1;
        }
        free(t);
    }
    return 0;
}

static void do_authors(struct ctx *c)
{
    json_t *names = json_array(), *orgs = json_array();
    const char *src = NULL;
    if (c->art && ld_authors(c, names, orgs))
        src = "jsonld";
    else if (meta_authors(c, names))
        src = "meta";
    else if (microdata_authors(c, names))
        src = "microdata";
    else if (byline_authors(c, names) || line_authors(c, names, 0) || line_authors(c, names, 1))
        src = "byline";
    else if (json_array_size(orgs)) {
        json_decref(names);
        names = json_incref(orgs);
        src = "jsonld";
    }
    /* "Jill Disis, CNN Business": the outlet's own name beside a person's is no byline of its own */
    for (size_t i = json_array_size(names); i-- > 0 && json_array_size(names) > 1;)
        if (is_site_name(c, json_string_value(json_array_get(names, i))))
            json_array_remove(names, i);
    if (src && json_array_size(names))
        set_field(c, "authors", json_incref(names), src);
    json_decref(names);
    json_decref(orgs);
}

/* ---- the rest ---- */

static void add_tags(json_t *tags, const char *s)
{
    char *cs = clean_text(s);
    if (!cs)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(cs, ",;", &save); tok && json_array_size(tags) < 50; tok = strtok_r(NULL, ",;", &save)) {
        while (*tok == ' ')
            tok++;
        rtrim(tok);
        if (strlen(tok) >= 2 && strlen(tok) < 100)
            mw_authors_add(tags, tok);
    }
    free(cs);
}

static void do_tags(struct ctx *c)
{
    json_t *tags = json_array();
    const char *src = NULL;
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
        if (json_array_size(tags))
            src = i == 0 ? "og" : "meta";
    }
    if (src)
        set_field(c, "tags", json_incref(tags), src);
    json_decref(tags);
}

static char *resolve(struct ctx *c, const char *ref)
{
    if (!ref || !*ref || !strncmp(ref, "data:", 5))
        return NULL;
    char *u = mw_url_resolve(c->base, ref);
    if (!u && !c->base && strstr(ref, "://"))
        u = strdup(ref);
    return u;
}

static void add_image(struct ctx *c, json_t *imgs, const char *url, const char *caption)
{
    char *u = resolve(c, url);
    if (!u)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(imgs, i, v) {
        if (!strcmp(json_string_value(json_object_get(v, "url")), u)) {
            free(u);
            return;
        }
    }
    json_t *o = json_object();
    json_object_set_new(o, "url", json_string(u));
    char *cap = clean_text(caption);
    json_object_set_new(o, "caption", cap ? json_string(cap) : json_null());
    free(cap);
    json_array_append_new(imgs, o);
    free(u);
}

static void ld_images(struct ctx *c, json_t *imgs, json_t *v, int depth)
{
    if (depth > 3 || !v)
        return;
    if (json_is_string(v))
        add_image(c, imgs, json_string_value(v), NULL);
    else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) ld_images(c, imgs, x, depth + 1);
    } else if (json_is_object(v)) {
        const char *u = json_string_value(json_object_get(v, "url"));
        if (!u)
            u = json_string_value(json_object_get(v, "contentUrl"));
        const char *cap = json_string_value(json_object_get(v, "caption"));
        if (!cap)
            cap = json_string_value(json_object_get(v, "description"));
        if (u)
            add_image(c, imgs, u, cap);
    }
}

/* The largest candidate of a srcset ("a.jpg 480w, b.jpg 1024w"). malloc'd. */
static char *srcset_best(const char *set)
{
    char *best = NULL;
    double best_w = -1;
    const char *p = set;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *u = p;
        while (*p && *p != ' ' && *p != ',')
            p++;
        size_t ul = (size_t)(p - u);
        while (*p == ' ')
            p++;
        double w = 1;
        if (*p && *p != ',') {
            w = strtod(p, NULL);
            while (*p && *p != ',')
                p++;
        }
        if (ul && w > best_w) {
            free(best);
            best = strndup(u, ul);
            best_w = w;
        }
    }
    return best;
}

static int placeholder(const char *src)
{
    return !src || !*src || !strncmp(src, "data:", 5) || strcasestr(src, "blank.") || strcasestr(src, "placeholder") ||
           strcasestr(src, "spacer") || strcasestr(src, "pixel.") || strcasestr(src, "lazy") ||
           strcasestr(src, "transparent.") || strcasestr(src, "loading.") || strcasestr(src, "icon") ||
           strcasestr(src, "logo") || strcasestr(src, "sprite") || strcasestr(src, "avatar");
}

/* The first article image when the page declares none: lazy-loading attributes read before a placeholder src. */
static void page_image(struct ctx *c, json_t *imgs)
{
    struct vec *v = &c->sc->imgs;
    for (size_t i = 0; i < v->n; i++) {
        xmlNodePtr n = v->v[i].n;
        int in_article = 0;
        for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
            if (name_is(p, "article") || name_is(p, "main"))
                in_article = 1;
        if (!in_article && !(c->h1_ord >= 0 && v->v[i].ord > c->h1_ord && v->v[i].ord - c->h1_ord < NEAR_H1))
            continue;
        if (in_skipped(n) && !(n->parent && name_is(n->parent, "figure")) &&
            !(n->parent && n->parent->parent && name_is(n->parent->parent, "figure")))
            continue;
        const char *w = attr(n, "width"), *h = attr(n, "height");
        if ((w && atoi(w) > 0 && atoi(w) < 100) || (h && atoi(h) > 0 && atoi(h) < 60))
            continue; /* icons and tracking pixels */
        char *u = NULL;
        static const char *const lazy[] = {"data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", NULL};
        for (int k = 0; lazy[k] && !u; k++) {
            const char *a = attr(n, lazy[k]);
            if (a && *a && strncmp(a, "data:", 5))
                u = strdup(a);
        }
        if (!u) {
            const char *set = attr(n, "data-srcset");
            if (!set)
                set = attr(n, "data-lazy-srcset");
            if (!set && placeholder(attr(n, "src")))
                set = attr(n, "srcset");
            if (set)
                u = srcset_best(set);
        }
        if (!u && !placeholder(attr(n, "src")))
            u = strdup(attr(n, "src"));
        if (!u)
            continue;
        const char *cap = NULL;
        char *fc = NULL;
        for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE && !fc; p = p->parent) {
            if (!name_is(p, "figure"))
                continue;
            for (xmlNodePtr k = p->children; k; k = k->next)
                if (name_is(k, "figcaption")) {
                    fc = mw_text_inline(k);
                    break;
                }
            break;
        }
        cap = fc && *fc ? fc : attr(n, "alt");
        add_image(c, imgs, u, cap && *cap ? cap : NULL);
        free(fc);
        free(u);
        return;
    }
}

static void do_images(struct ctx *c)
{
    json_t *imgs = json_array();
    const char *src = NULL;
    const char *og = meta1(c->sc, "og:image");
    if (!og)
        og = meta1(c->sc, "og:image:url");
    if (og) {
        add_image(c, imgs, og, meta1(c->sc, "og:image:alt"));
        src = "og";
    }
    if (c->art) {
        size_t before = json_array_size(imgs);
        ld_images(c, imgs, json_object_get(c->art, "image"), 0);
        if (!src && json_array_size(imgs) > before)
            src = "jsonld";
    }
    const char *tw = meta1(c->sc, "twitter:image");
    if (!tw)
        tw = meta1(c->sc, "twitter:image:src");
    if (tw && !json_array_size(imgs)) {
        add_image(c, imgs, tw, meta1(c->sc, "twitter:image:alt"));
        src = "meta";
    }
    if (!json_array_size(imgs)) {
        page_image(c, imgs);
        src = "page";
    }
    if (json_array_size(imgs))
        set_field(c, "images", json_incref(imgs), src);
    json_decref(imgs);
}

static void set_text(struct ctx *c, const char *key, const char *raw, const char *src)
{
    char *t = raw && strlen(raw) < 64 * 1024 ? clean_text(raw) : NULL;
    if (t)
        set_field(c, key, json_string(t), src);
    free(t);
}

static void do_simple(struct ctx *c)
{
    struct scan *sc = c->sc;
    json_t *art = c->art;
    /* lead */
    const char *s;
    if ((s = meta1(sc, "og:description")))
        set_text(c, "lead", s, "og");
    else if ((s = meta1(sc, "description")))
        set_text(c, "lead", s, "meta");
    else if ((s = meta1(sc, "twitter:description")))
        set_text(c, "lead", s, "meta");
    else if (art && (s = json_string_value(json_object_get(art, "description"))))
        set_text(c, "lead", s, "jsonld");
    /* section */
    if (art && (s = ld_str(json_object_get(art, "articleSection"))))
        set_text(c, "section", s, "jsonld");
    else if ((s = meta1(sc, "article:section")))
        set_text(c, "section", s, "og");
    else if ((s = meta1(sc, "parsely-section")) || (s = meta1(sc, "sailthru.section")) ||
             (s = meta1(sc, "dc.subject")))
        set_text(c, "section", s, "meta");
    else {
        char *m = microdata(sc, "articleSection");
        if (m)
            set_field(c, "section", json_string(m), "microdata");
        free(m);
    }
    /* site_name */
    if ((s = meta1(sc, "og:site_name")))
        set_text(c, "site_name", s, "og");
    else if (art && (s = ld_str(json_object_get(art, "publisher"))))
        set_text(c, "site_name", s, "jsonld");
    else if ((s = meta1(sc, "application-name")))
        set_text(c, "site_name", s, "meta");
    /* type */
    if ((s = meta1(sc, "og:type")))
        set_text(c, "type", s, "og");
    else if (art && (s = ld_str(json_object_get(art, "@type"))))
        set_text(c, "type", s, "jsonld");
    /* canonical_url */
    char *u = NULL;
    const char *csrc = "meta";
    if (sc->canonical)
        u = resolve(c, sc->canonical);
    if (!u && (s = meta1(sc, "og:url"))) {
        u = resolve(c, s);
        csrc = "og";
    }
    if (!u && art) {
        const char *lu = json_string_value(json_object_get(art, "url"));
        json_t *me = json_object_get(art, "mainEntityOfPage");
        if (!lu && json_is_string(me))
            lu = json_string_value(me);
        if (!lu && json_is_object(me))
            lu = json_string_value(json_object_get(me, "@id"));
        u = resolve(c, lu);
        csrc = "jsonld";
    }
    if (u && (!strncmp(u, "http://", 7) || !strncmp(u, "https://", 8)))
        set_field(c, "canonical_url", json_string(u), sc->canonical ? "meta" : csrc);
    free(u);
    /* body */
    if (art && (s = json_string_value(json_object_get(art, "articleBody"))) && strlen(s) < 4u << 20) {
        char *t = clean_text(s);
        if (t)
            set_field(c, "body", json_string(t), "jsonld");
        free(t);
    }
}

/* Text to guess the language from when the markup does not say it. malloc'd. */
static char *sample_text(struct ctx *c)
{
    struct mw_buf b;
    mw_buf_init(&b, 16384);
    static const char *const keys[] = {"body", "lead", "title", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *s = json_string_value(json_object_get(c->out, keys[i]));
        if (s && (mw_buf_appends(&b, s) || mw_buf_appendc(&b, ' ')))
            break;
    }
    if (b.len < 400) {
        xmlNodePtr root = c->sc->h1.n ? xmlDocGetRootElement(c->sc->h1.v[0].n->doc) : NULL;
        for (xmlNodePtr n = root; n && b.len < 4000;) {
            if (name_is(n, "p")) {
                char *t = mw_text_inline(n);
                if (t) {
                    mw_buf_appends(&b, t);
                    mw_buf_appendc(&b, ' ');
                }
                free(t);
            }
            if (n->children && n->type == XML_ELEMENT_NODE && !name_is(n, "p") && !name_is(n, "script") &&
                !name_is(n, "style")) {
                n = n->children;
                continue;
            }
            while (n && !n->next)
                n = n->parent;
            if (n)
                n = n->next;
        }
    }
    /* an empty buffer is not stolen: mw_buf_steal hands out unterminated memory then */
    char *out = b.len ? mw_buf_steal(&b, NULL) : NULL;
    mw_buf_free(&b);
    return out;
}

static void do_lang(struct ctx *c)
{
    char code[3];
    struct scan *sc = c->sc;
    if (c->opts && c->opts->lang && !mw_lang_normalize(c->opts->lang, code)) {
        set_field(c, "lang", json_string(code), "opts");
        return;
    }
    struct { const char *v; const char *src; } tags[] = {
        {sc->html_lang, "html"}, {meta1(sc, "og:locale"), "og"}, {meta1(sc, "content-language"), "meta"},
        {meta1(sc, "language"), "meta"}, {meta1(sc, "dc.language"), "meta"},
        {c->art ? ld_str(json_object_get(c->art, "inLanguage")) : NULL, "jsonld"}};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        if (tags[i].v && !mw_lang_normalize(tags[i].v, code)) {
            set_field(c, "lang", json_string(code), tags[i].src);
            return;
        }
    char *t = sample_text(c);
    const char *l = t ? mw_lang_detect(t, strlen(t)) : NULL;
    if (l)
        set_field(c, "lang", json_string(l), "text");
    free(t);
}

static void scan_free(struct scan *sc)
{
    json_decref(sc->metas);
    json_decref(sc->ld);
    free(sc->title);
    free(sc->html_lang);
    free(sc->canonical);
    free(sc->h1.v);
    free(sc->times.v);
    free(sc->bylines.v);
    free(sc->props.v);
    free(sc->dated.v);
    free(sc->imgs.v);
}

json_t *mw_meta_extract(xmlDocPtr doc, const char *url, const struct mw_meta_opts *opts, struct mw_err *err)
{
    json_t *out = json_object(), *sources = json_object();
    struct scan sc = {0};
    sc.metas = json_object();
    sc.ld = json_array();
    if (!out || !sources || !sc.metas || !sc.ld) {
        json_decref(out);
        json_decref(sources);
        scan_free(&sc);
        mw_err_set(err, MW_ENOMEM, "extract", "%s: out of memory reading metadata", url ? url : "-");
        return NULL;
    }
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        walk(&sc, root);

    struct ctx c = {0};
    c.sc = &sc;
    c.out = out;
    c.sources = sources;
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

    /* the language first: date parsing takes it as a hint */
    do_title(&c);
    do_simple(&c);
    do_lang(&c);
    c.lang = json_string_value(json_object_get(out, "lang"));
    do_date(&c, 1);
    do_date(&c, 0);
    do_authors(&c);
    do_tags(&c);
    do_images(&c);

    json_object_set_new(out, "sources", sources);
    free(base_owned);
    scan_free(&sc);
    return out;
}
