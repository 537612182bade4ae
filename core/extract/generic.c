/* extract/generic.c: the built-in main-content extractor: boilerplate flags, container scoring, sibling
 * merge and paragraph output over a read-only libxml2 tree (flags live in a private preorder array).
 * Metadata (title, dates, authors) is meta/meta.c; text folding is doc/text.c. */
#include "extract/generic.h"
#include "extract/state.h"
#include "common/buf.h"
#include "common/memo.h"
#include "doc/html.h"
#include "doc/text.h"
#include "net/url.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tags ---------------------------------------------------------------------------------------- */

enum tag {
    T_OTHER, T_TEXT, T_INLINE, T_A, T_BR, T_P, T_DIV, T_SECTION, T_ARTICLE, T_MAIN, T_BODY, T_H1, T_HX,
    T_LI, T_UL, T_OL, T_DL, T_DT, T_DD, T_BLOCKQUOTE, T_PRE, T_TABLE, T_TR, T_TD, T_TH, T_IMG, T_FIGURE,
    T_PICTURE, T_HEADER, T_FORM, T_DROP, T_HR, T_ADDRESS, T_ASIDE
};

struct tagname { const char *name; unsigned char tag; };

static const struct tagname tagnames[] = {
    {"a", T_A}, {"abbr", T_INLINE}, {"address", T_ADDRESS}, {"article", T_ARTICLE}, {"aside", T_ASIDE},
    {"audio", T_DROP}, {"b", T_INLINE}, {"bdi", T_INLINE}, {"big", T_INLINE}, {"blockquote", T_BLOCKQUOTE},
    {"body", T_BODY}, {"br", T_BR}, {"button", T_DROP}, {"canvas", T_DROP}, {"center", T_DIV},
    {"cite", T_INLINE}, {"code", T_INLINE}, {"dd", T_DD}, {"del", T_INLINE}, {"dfn", T_INLINE},
    {"dialog", T_DROP}, {"div", T_DIV}, {"dl", T_DL}, {"dt", T_DT}, {"em", T_INLINE}, {"embed", T_DROP},
    {"figcaption", T_DROP}, {"figure", T_FIGURE}, {"font", T_INLINE}, {"footer", T_DROP}, {"form", T_FORM},
    {"h1", T_H1}, {"h2", T_HX}, {"h3", T_HX}, {"h4", T_HX}, {"h5", T_HX}, {"h6", T_HX}, {"head", T_DROP},
    {"header", T_HEADER}, {"hr", T_HR}, {"i", T_INLINE}, {"iframe", T_DROP}, {"img", T_IMG},
    {"input", T_DROP}, {"ins", T_INLINE}, {"kbd", T_INLINE}, {"label", T_DROP}, {"li", T_LI},
    {"main", T_MAIN}, {"map", T_DROP}, {"mark", T_INLINE}, {"menu", T_DROP}, {"nav", T_DROP},
    {"noscript", T_DROP}, {"object", T_DROP}, {"ol", T_OL}, {"option", T_DROP}, {"p", T_P},
    {"picture", T_PICTURE}, {"pre", T_PRE}, {"q", T_INLINE}, {"s", T_INLINE}, {"samp", T_INLINE},
    {"script", T_DROP}, {"section", T_SECTION}, {"select", T_DROP}, {"small", T_INLINE}, {"span", T_INLINE},
    {"strike", T_INLINE}, {"strong", T_INLINE}, {"style", T_DROP}, {"sub", T_INLINE}, {"sup", T_INLINE},
    {"svg", T_DROP}, {"table", T_TABLE}, {"td", T_TD}, {"template", T_DROP}, {"textarea", T_DROP},
    {"th", T_TH}, {"time", T_INLINE}, {"title", T_DROP}, {"tr", T_TR}, {"tt", T_INLINE}, {"u", T_INLINE},
    {"ul", T_UL}, {"var", T_INLINE}, {"video", T_DROP}, {"wbr", T_INLINE},
};

static int tag_cmp(const void *k, const void *e)
{
    return strcmp((const char *)k, ((const struct tagname *)e)->name);
}

static unsigned char tag_of(const xmlChar *name)
{
    char low[16];
    size_t i = 0;
    for (; name[i] && i < sizeof low - 1; i++)
        low[i] = (char)tolower(name[i]);
    if (name[i])
        return T_OTHER;
    low[i] = '\0';
    const struct tagname *t = bsearch(low, tagnames, sizeof tagnames / sizeof *tagnames, sizeof *tagnames,
                                      tag_cmp);
    return t ? t->tag : T_OTHER;
}

/* Elements whose text runs on with their neighbours' (the rest start a new paragraph). */
static int is_inline(unsigned char t) { return t == T_INLINE || t == T_A || t == T_TEXT || t == T_OTHER; }

/* ---- the private preorder array --------------------------------------------------------------------- */

enum {
    F_LINK = 1,       /* inside <a> */
    F_DROP = 2,       /* boilerplate: the subtree is out */
    F_NEG = 4,        /* class/id names boilerplate */
    F_POS = 8,        /* class/id names content */
    F_STRONG = 16,    /* class/id names boilerplate that a content name does not excuse */
    F_HIDDEN = 32,
    F_SCORED = 64,
    F_CONTENT = 128,  /* a root of the chosen content */
    F_SHARE = 256,    /* class/id names a share bar */
};

struct nd {
    xmlNodePtr x;
    int parent, end;          /* the subtree is [self, end) */
    unsigned char tag;
    unsigned short flags;
    int txt, lnk, commas;     /* non-space characters in the subtree, those inside links, commas */
    int inl, ilnk, icommas;   /* the same for the element's own inline text (what a <p> would hold) */
    int ptxt;                 /* characters inside paragraph units in the subtree */
    int nimg, nli, np, ninput;
    int own, own_commas;      /* a text node's count_text(), once: stats() runs twice (-1 not yet) */
    double score;
};

/* A word list of classify() by first letter, made for each page (a few hundred bytes, a hundred entries):
 * a word is compared with the entries sharing its first letter only. */
#define WORDS_MAX 256
struct words {
    const char *const *list;        /* the list itself: used as it is when it has more than WORDS_MAX */
    unsigned short at[28];          /* bucket b (a-z, then 26: anything else) is e[at[b] .. at[b + 1]) */
    const char *e[WORDS_MAX];
    unsigned char len[WORDS_MAX];
    int big;
};

enum { W_SHARES, W_EMBEDS, W_STRONG, W_EXACT, W_LISTS };

struct ctx {
    struct nd *v;
    int n, cap;
    int body;
    int oom;
    struct words words[W_LISTS];
    struct mw_memo classes;   /* class value -> classify's flags for it */
};

static int push(struct ctx *c, xmlNodePtr x, int parent, unsigned char tag)
{
    if (c->n == c->cap) {
        int ncap = c->cap ? c->cap * 2 : 1024;
        struct nd *nv = realloc(c->v, (size_t)ncap * sizeof *nv);
        if (!nv) {
            c->oom = 1;
            return -1;
        }
        c->v = nv;
        c->cap = ncap;
    }
    struct nd *d = &c->v[c->n];
    memset(d, 0, sizeof *d);
    d->x = x;
    d->parent = parent;
    d->tag = tag;
    d->end = c->n + 1;
    d->own = -1;
    if (parent >= 0 && (c->v[parent].flags & F_LINK))
        d->flags |= F_LINK;
    return c->n++;
}

static const char *attr(xmlNodePtr x, const char *name)
{
    for (xmlAttrPtr a = x->properties; a; a = a->next)
        if (a->name && !xmlStrcasecmp(a->name, BAD_CAST name))
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

static unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

/* A string's adjacent byte pairs (ASCII folded), hashed into 64 bits: a word with a pair not there is not in
 * the string. Lets the loops that search one class or line for tens of words rule most out without a scan. */
static uint64_t pairs_ci(const char *s)
{
    uint64_t m = 0;
    for (const unsigned char *u = (const unsigned char *)s; u[0] && u[1]; u++)
        m |= 1ULL << ((ascii_lower(u[0]) * 31u + ascii_lower(u[1])) & 63);
    return m;
}

/* 0 when w, folded as pairs_ci folds, cannot be in the string whose pairs_ci is m. */
static int pairs_may(uint64_t m, const char *w)
{
    for (const unsigned char *u = (const unsigned char *)w; u[0] && u[1]; u++)
        if (!(m & 1ULL << ((ascii_lower(u[0]) * 31u + ascii_lower(u[1])) & 63)))
            return 0;
    return 1;
}

/* Words of class and id that name boilerplate: an exact word, or a word that starts with it. */
static const char *const neg_strong[] = {
    "share", "sharing", "social", "related", "newsletter", "subscri", "cookie", "consent", "gdpr",
    "comment", "disqus", "caption", "byline", "breadcrumb", "advert", "sponsor", "promo", "outbrain",
    "taboola", "recommend", "signup", "paywall", "popup", "modal", "trending", "mostpopular", "mostread",
    "readmore", "readnext", "newsletters", "author", "credit", "copyright", "dateline", "toolbar",
    "tags", "tagged", "taglist", "keywords", "pagination", "pager", "jumplink", "skiplink", NULL};
static const char *const neg_exact[] = {
    "ad", "ads", "adv", "banner", "footer", "foot", "footnote", "header", "masthead", "menu", "nav",
    "navbar", "navigation", "sidebar", "widget", "widgets", "rail", "aside", "extra", "meta", "tool", "tools",
    "print", "popular", "more", "also", "hidden", "hide", "sr", "visually", "screenreader", "teaser",
    "teasers", "card", "cards", "links", "gallery", "slideshow", "thumbnail", "thumb",
    "legal", "disclaimer", "login", "subnav", "topbar", "bottom", "sticky", "dialog", "overlay", "alert",
    "infobox", "partner", "partners", "shop", "shopping", "contact", "follow", "rss", "sns", NULL};
static const char *const pos_sub[] = {
    "article", "content", "story", "entry", "post", "body", "main", "text", "blog", "news", "hentry",
    "prose", "richtext", NULL};

static int word_in(const char *w, size_t n, const char *const *list, int prefix)
{
    for (int i = 0; list[i]; i++) {
        if (list[i][0] != w[0])   /* w is never empty: most entries are out at the first letter */
            continue;
        size_t k = strlen(list[i]);
        if (prefix ? (n >= k && !memcmp(w, list[i], k)) : (n == k && !memcmp(w, list[i], k)))
            return 1;
    }
    return 0;
}

static const char *const embeds[] = {"embed", "tweet", "twitter", "instagram", NULL};
static const char *const shares[] = {"share", "sharing", NULL};

static int bucket(char ch) { return ch >= 'a' && ch <= 'z' ? ch - 'a' : 26; }

static void words_index(struct words *ix, const char *const *list)
{
    size_t n = 0;
    memset(ix, 0, sizeof *ix);
    ix->list = list;
    while (list[n])
        n++;
    if (n > WORDS_MAX) {
        ix->big = 1;
        return;
    }
    unsigned short fill[27];
    for (size_t i = 0; i < n; i++)
        ix->at[bucket(list[i][0]) + 1]++;
    for (int b = 0; b < 27; b++) {
        ix->at[b + 1] = (unsigned short)(ix->at[b + 1] + ix->at[b]);
        fill[b] = ix->at[b];
    }
    for (size_t i = 0; i < n; i++) {
        int b = bucket(list[i][0]);
        ix->len[fill[b]] = (unsigned char)(strlen(list[i]) < 255 ? strlen(list[i]) : 255);
        ix->e[fill[b]++] = list[i];
    }
}

static void words_init(struct ctx *c)
{
    words_index(&c->words[W_SHARES], shares);
    words_index(&c->words[W_EMBEDS], embeds);
    words_index(&c->words[W_STRONG], neg_strong);
    words_index(&c->words[W_EXACT], neg_exact);
}

/* word_in over an indexed list: the word's letter's bucket, and the bucket of entries not starting a-z. */
static int word_in_ix(const char *w, size_t n, const struct words *ix, int prefix)
{
    if (ix->big)
        return word_in(w, n, ix->list, prefix);
    int bs[2] = {bucket(w[0]), 26};
    for (int k = 0; k < (bs[0] == 26 ? 1 : 2); k++)
        for (unsigned i = ix->at[bs[k]]; i < ix->at[bs[k] + 1]; i++) {
            size_t l = ix->len[i] < 255 ? ix->len[i] : strlen(ix->e[i]);
            if (prefix ? (n >= l && !memcmp(w, ix->e[i], l)) : (n == l && !memcmp(w, ix->e[i], l)))
                return 1;
        }
    return 0;
}

/* The attributes build() asks every element for, each as attr() finds it (the first of that name), read in
 * one pass over the element's attributes rather than one pass per name. */
struct el_attrs {
    const char *cls, *id, *hidden, *aria_hidden, *role, *style;
};

static void el_attrs(xmlNodePtr x, struct el_attrs *o)
{
    memset(o, 0, sizeof *o);
    for (xmlAttrPtr a = x->properties; a; a = a->next) {
        if (!a->name)
            continue;
        const char *v = a->children && a->children->content ? (const char *)a->children->content : "";
        const xmlChar *n = a->name;
        const char **slot = NULL;
        switch (n[0] | 0x20) {
        case 'c': slot = !xmlStrcasecmp(n, BAD_CAST "class") ? &o->cls : NULL; break;
        case 'i': slot = !xmlStrcasecmp(n, BAD_CAST "id") ? &o->id : NULL; break;
        case 'h': slot = !xmlStrcasecmp(n, BAD_CAST "hidden") ? &o->hidden : NULL; break;
        case 'a': slot = !xmlStrcasecmp(n, BAD_CAST "aria-hidden") ? &o->aria_hidden : NULL; break;
        case 'r': slot = !xmlStrcasecmp(n, BAD_CAST "role") ? &o->role : NULL; break;
        case 's': slot = !xmlStrcasecmp(n, BAD_CAST "style") ? &o->style : NULL; break;
        default: break;
        }
        if (slot && !*slot)
            *slot = v;
    }
}

/* The flags one class or id value names (see classify). */
static unsigned name_flags(const struct ctx *c, const char *s)
{
    unsigned f = 0;
    char low[256];
    size_t n = 0;
    for (; s[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)s[n]);
    low[n] = '\0';
    uint64_t m = pairs_ci(low);
    for (int i = 0; pos_sub[i] && !(f & F_POS); i++)
        if (pairs_may(m, pos_sub[i]) && strstr(low, pos_sub[i]))
            f |= F_POS;
    for (size_t i = 0; i < n;) {
        while (i < n && !isalnum((unsigned char)low[i]))
            i++;
        size_t st = i;
        while (i < n && isalnum((unsigned char)low[i]))
            i++;
        if (i == st)
            continue;
        if (word_in_ix(low + st, i - st, &c->words[W_SHARES], 1))
            f |= F_SHARE;
        if (word_in_ix(low + st, i - st, &c->words[W_EMBEDS], 1))
            continue;   /* an embedded post the article quotes is neither furniture nor content by name */
        else if (word_in_ix(low + st, i - st, &c->words[W_STRONG], 1))
            f |= F_STRONG | F_NEG;
        else if (word_in_ix(low + st, i - st, &c->words[W_EXACT], 0))
            f |= F_NEG;
    }
    return f;
}

/* Sets F_NEG/F_POS/F_STRONG/F_SHARE from class and id. Words split at anything not a letter or digit. A
 * class value seen before on the page is looked up (most repeat), an id (unique) is read. */
static unsigned classify(struct ctx *c, const struct el_attrs *at)
{
    unsigned f = 0, v;
    uint64_t h;
    if (at->cls && *at->cls) {
        if (!mw_memo_get(&c->classes, at->cls, &h, &v)) {
            v = name_flags(c, at->cls);
            mw_memo_put(&c->classes, at->cls, h, v);
        }
        f |= v;
    }
    if (at->id && *at->id)
        f |= name_flags(c, at->id);
    return f;
}

/* class="... hidden": the utility class that hides a box until a script shows it (sign-in walls, popups),
 * unless a responsive variant ("lg:block") shows it on some screens. */
static int hidden_class(const char *cls)
{
    if (!cls || !strstr(cls, "hidden"))
        return 0;
    int hid = 0;
    for (const char *p = cls; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (memchr(p, ':', n))
            return 0;
        if (n == 6 && !memcmp(p, "hidden", 6))
            hid = 1;
        p += n;
    }
    return hid;
}

static int hidden(const struct el_attrs *at)
{
    if (at->hidden)
        return 1;
    const char *a = at->aria_hidden;
    if (a && !strcmp(a, "true"))
        return 1;
    a = at->role;
    if (a && (!strcmp(a, "dialog") || !strcmp(a, "alertdialog")))
        return 1;
    if (hidden_class(at->cls))
        return 1;
    const char *st = at->style;
    if (st) {
        char low[128];
        size_t n = 0;
        for (size_t i = 0; st[i] && n < sizeof low - 1; i++)
            if (st[i] != ' ')
                low[n++] = (char)tolower((unsigned char)st[i]);
        low[n] = '\0';
        if (strstr(low, "display:none") || strstr(low, "visibility:hidden"))
            return 1;
    }
    return 0;
}

/* An <aside> that holds an <h1> or an <article>: possibly the page itself, nested there by libxml2's recovery
 * (drop_asides decides once the text is counted). Any other aside is dropped unread. */
static int holds_story(xmlNodePtr aside)
{
    int budget = 20000;
    for (xmlNodePtr n = aside->children; n && budget-- > 0;
         n = mw_html_next(n, aside, n->type == XML_ELEMENT_NODE))
        if (n->type == XML_ELEMENT_NODE && n->name &&
            (!xmlStrcasecmp(n->name, BAD_CAST "h1") || !xmlStrcasecmp(n->name, BAD_CAST "article")))
            return 1;
    return 0;
}

/* Walk the tree once, iteratively (depth is unbounded in recovered HTML). Hard-dropped elements are
 * recorded but not entered. */
static void build(struct ctx *c, xmlNodePtr root)
{
    int par = -1;
    xmlNodePtr x = root;
    c->body = -1;
    words_init(c);
    mw_memo_init(&c->classes);
    while (x) {
        int i = -1, enter = 0;
        if (x->type == XML_ELEMENT_NODE) {
            unsigned char t = tag_of(x->name);
            i = push(c, x, par, t);
            if (i < 0)
                return;
            struct nd *d = &c->v[i];
            if (t == T_A)
                d->flags |= F_LINK;
            if (t == T_BODY && c->body < 0)
                c->body = i;
            struct el_attrs at;
            if (t != T_DROP)
                el_attrs(x, &at);
            if (t == T_DROP || hidden(&at) || (t == T_ASIDE && !holds_story(x)))
                d->flags |= F_DROP | F_HIDDEN;
            else if (t != T_BODY && t != T_A && t != T_INLINE)
                d->flags |= classify(c, &at);
            enter = !(d->flags & F_DROP) && x->children;
        } else if ((x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE) && par >= 0) {
            i = push(c, x, par, T_TEXT);
            if (i < 0)
                return;
        }
        if (enter) {
            par = i;
            x = x->children;
            continue;
        }
        while (x && x != root && !x->next) {
            x = x->parent;
            if (par >= 0 && c->v[par].x == x) {
                c->v[par].end = c->n;
                par = c->v[par].parent;
            }
        }
        if (!x || x == root)
            break;
        x = x->next;
    }
    for (; par >= 0; par = c->v[par].parent)
        c->v[par].end = c->n;
    if (c->n > 0)
        c->v[0].end = c->n;
}

/* <aside> is furniture, except one that holds the page's <h1>, or an <article> and nearly all the paragraphs:
 * libxml2 recovers a sidebar's unclosed <div>s by nesting the rest of the page inside the <aside>
 * (washingtontimes.com), and some sites put their main column in one (oren.mk.ru). Needs stats(); a dropped
 * aside's counts are taken back out of its ancestors, as if it had never been entered. */
static int drop_asides(struct ctx *c)
{
    int total = c->body >= 0 ? c->v[c->body].ptxt : c->v[0].ptxt, dropped = 0;
    for (int i = 0; i < c->n; i++) {
        if (c->v[i].tag != T_ASIDE || (c->v[i].flags & F_DROP))
            continue;
        int h1 = 0, article = 0;
        for (int j = i + 1; j < c->v[i].end && !h1; j++) {
            h1 = c->v[j].tag == T_H1;
            article |= c->v[j].tag == T_ARTICLE;
        }
        if (!h1 && !(article && c->v[i].ptxt * 10 >= total * 7)) {
            c->v[i].flags |= F_DROP | F_HIDDEN;
            dropped = 1;
            /* take its counts back out of its ancestors (an aside is a block: no inline text to return) */
            const struct nd *a = &c->v[i];
            for (int p = a->parent; p >= 0; p = c->v[p].parent) {
                struct nd *q = &c->v[p];
                q->txt -= a->txt;
                q->lnk -= a->lnk;
                q->commas -= a->commas;
                q->np -= a->np;
                q->ptxt -= a->ptxt;
                q->nimg -= a->nimg;
                q->nli -= a->nli;
                q->ninput -= a->ninput;
            }
            i = c->v[i].end - 1;
        }
    }
    return dropped;
}

/* ---- statistics ----------------------------------------------------------------------------------- */

static void count_text(const unsigned char *s, int *chars, int *commas)
{
    int n = 0, cm = 0;
    for (; *s; s++) {
        unsigned ch = *s;
        if (ch <= ' ' || (ch & 0xC0) == 0x80)
            continue;
        if (ch == 0xC2 && s[1] == 0xA0) { s++; continue; }
        n++;
        if (ch == ',')
            cm++;
        else if (ch == 0xEF && s[1] == 0xBC && s[2] == 0x8C)   /* fullwidth comma */
            cm++;
        else if (ch == 0xE3 && s[1] == 0x80 && s[2] == 0x81)   /* ideographic comma */
            cm++;
        else if (ch == 0xD8 && s[1] == 0x8C)                   /* Arabic comma */
            cm++;
    }
    *chars = n;
    *commas = cm;
}

/* A block element whose own inline text makes it a paragraph. */
static int is_unit(const struct nd *d)
{
    return !is_inline(d->tag) && d->tag != T_BR && d->inl >= 25;
}

static void stats(struct ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        struct nd *d = &c->v[i];
        d->txt = d->lnk = d->commas = d->inl = d->ilnk = d->icommas = d->ptxt = 0;
        d->nimg = d->nli = d->np = d->ninput = 0;
        if (d->tag == T_TEXT && d->x->content) {
            if (d->own < 0)
                count_text(d->x->content, &d->own, &d->own_commas);
            d->txt = d->own;
            d->commas = d->own_commas;
            d->inl = d->txt;
            d->icommas = d->commas;
            if (d->flags & F_LINK)
                d->lnk = d->ilnk = d->txt;
        }
        if (d->tag == T_IMG)
            d->nimg = 1;
        if (d->tag == T_LI)
            d->nli = 1;
        if (d->tag == T_DROP && (d->flags & F_HIDDEN) && !xmlStrcasecmp(d->x->name, BAD_CAST "input"))
            d->ninput = 1;
    }
    for (int i = c->n - 1; i >= 0; i--) {
        struct nd *d = &c->v[i];
        if (d->tag == T_P || is_unit(d)) {
            if (d->tag == T_P && d->txt >= 25)
                d->np++;
            if (is_unit(d))
                d->ptxt += d->inl;
        }
        if (d->parent < 0 || (d->tag == T_ASIDE && (d->flags & F_DROP)))
            continue;
        struct nd *p = &c->v[d->parent];
        p->nimg += d->nimg;
        p->nli += d->nli;
        p->ninput += d->ninput;
        if (d->flags & F_DROP)
            continue;
        p->txt += d->txt;
        p->lnk += d->lnk;
        p->commas += d->commas;
        p->np += d->np;
        p->ptxt += d->ptxt;
        if (is_inline(d->tag)) {
            p->inl += d->inl;
            p->ilnk += d->ilnk;
            p->icommas += d->icommas;
        }
    }
}

/* Names of boilerplate drop their subtree, unless it holds most of the page's paragraphs: a page whose
 * article sits in <div class="main has-sidebar"> must not lose it. */
static void drop_named(struct ctx *c)
{
    int total = c->body >= 0 ? c->v[c->body].ptxt : c->v[0].ptxt;
    for (int i = 0; i < c->n; i++) {
        struct nd *d = &c->v[i];
        if (d->flags & F_DROP) {
            i = d->end - 1;
            continue;
        }
        int named = (d->flags & F_STRONG) || ((d->flags & F_NEG) && !(d->flags & F_POS));
        /* A layout word ("sidebar-grid__container") on a box of plain paragraphs is not furniture (the article
         * text of nationalpost.com, shabka.org, bundeskanzleramt.gv.at, kochbar.de, politico.eu pages). */
        if (named && !(d->flags & F_STRONG) && d->ptxt >= 400 && d->lnk * 5 < d->txt)
            named = 0;
        if (d->tag == T_FORM && d->ptxt < total / 2)
            named = 1;
        if (named && d->tag != T_BODY && d->ptxt * 10 < total * 4) {
            d->flags |= F_DROP;
            i = d->end - 1;
        }
    }
}

/* Pages that preload the next stories below the article (infinite scroll) stack <article>s that each hold
 * their own <h1> (Dagbladet, Kleine Zeitung): the page's story is the first of them; the later ones are
 * dropped when the first holds text enough to be an article. */
static void drop_next_stories(struct ctx *c)
{
    int first = -1;
    for (int i = 0; i < c->n; i++) {
        struct nd *d = &c->v[i];
        if (d->flags & F_DROP) {
            i = d->end - 1;
            continue;
        }
        if (d->tag != T_ARTICLE)
            continue;
        int h1 = 0;
        for (int j = i + 1; j < d->end && !h1; j++)
            h1 = c->v[j].tag == T_H1 && !(c->v[j].flags & F_DROP);
        if (!h1)
            continue;
        if (first < 0) {
            if (d->ptxt < 500)
                return;
            first = i;
        } else {
            d->flags |= F_DROP;
        }
        i = d->end - 1;   /* an article's own nested articles are its parts */
    }
}

/* ---- choosing the content ------------------------------------------------------------------------- */

static double ld(const struct nd *d) { return d->txt ? (double)d->lnk / d->txt : 0.0; }

static double class_weight(const struct nd *d)
{
    double w = 0;
    if (d->flags & F_POS)
        w += 25;
    if (d->flags & F_NEG)
        w -= 25;
    return w;
}

static void init_score(struct nd *d)
{
    double s = 0;
    switch (d->tag) {
    case T_DIV: case T_SECTION: case T_ARTICLE: case T_MAIN: s = 5; break;
    case T_PRE: case T_TD: case T_BLOCKQUOTE: s = 3; break;
    case T_ADDRESS: case T_OL: case T_UL: case T_DL: case T_DD: case T_DT: case T_LI: case T_FORM: s = -3; break;
    case T_H1: case T_HX: case T_TH: s = -5; break;
    default: break;
    }
    d->score = s;
    d->flags |= F_SCORED;
}

static int alive(const struct ctx *c, int i)
{
    for (; i >= 0; i = c->v[i].parent)
        if (c->v[i].flags & F_DROP)
            return 0;
    return 1;
}

static int inside(const struct ctx *c, int anc, int i) { return i >= anc && i < c->v[anc].end; }

/* Each paragraph-like unit of real text scores its ancestors up to five levels, less the further up. */
static void score_units(struct ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        struct nd *d = &c->v[i];
        if (d->flags & F_DROP) {
            i = d->end - 1;
            continue;
        }
        if (!is_unit(d) || d->tag == T_H1 || d->tag == T_HX || d->tag == T_LI || d->tag == T_DT ||
            d->tag == T_TH)
            continue;
        if (d->ilnk * 2 > d->inl)
            continue;
        double s = 1 + d->icommas + (d->inl / 100 < 3 ? d->inl / 100 : 3);
        int a = d->parent;
        for (int lvl = 0; a >= 0 && lvl < 5; lvl++, a = c->v[a].parent) {
            struct nd *an = &c->v[a];
            if (an->tag == T_BODY || an->parent < 0)
                break;
            if (!(an->flags & F_SCORED))
                init_score(an);
            an->score += s / (lvl == 0 ? 1 : lvl == 1 ? 2 : lvl * 3);
        }
    }
}

enum { TOP_K = 5 };

/* The final scores (class weight, link density), and the TOP_K best scored nodes, best first. */
static int best_scored(struct ctx *c, int best[TOP_K])
{
    int nb = 0;
    for (int i = 0; i < c->n; i++) {
        struct nd *d = &c->v[i];
        if (!(d->flags & F_SCORED))
            continue;
        /* A content-sounding name breaks ties; it must not outweigh the text found under it. */
        double w = class_weight(d), got = d->score;
        d->score += w > got ? (got > 0 ? got : 0) : w;
        d->score *= 1.0 - ld(d);
        int k;
        if (nb < TOP_K)
            k = nb++;
        else if (c->v[best[TOP_K - 1]].score < d->score)
            k = TOP_K - 1;
        else
            continue;
        best[k] = i;
        while (k > 0 && c->v[best[k - 1]].score < d->score) {
            int t = best[k - 1];
            best[k - 1] = best[k];
            best[k] = t;
            k--;
        }
    }
    return nb;
}

/* Several strong candidates under one ancestor: the article is split and the ancestor holds it. */
static int split_article(const struct ctx *c, const int *best, int nb)
{
    int top = best[0], alts = 0;
    double ts = c->v[top].score;
    for (int k = 1; k < nb; k++)
        if (c->v[best[k]].score >= ts * 0.75)
            alts++;
    if (alts < 2)
        return top;
    for (int p = c->v[top].parent; p >= 0 && c->v[p].tag != T_BODY; p = c->v[p].parent) {
        int in = 0;
        for (int k = 1; k < nb; k++)
            if (c->v[best[k]].score >= ts * 0.75 && inside(c, p, best[k]))
                in++;
        if (in >= 2 && in >= alts - 1)
            return p;
    }
    return top;
}

/* A parent scoring higher than the child the loop found holds more of the article. */
static int higher_parent(const struct ctx *c, int top)
{
    double last = c->v[top].score;
    double thresh = last / 3;
    for (int p = c->v[top].parent; p >= 0 && c->v[p].tag != T_BODY; p = c->v[p].parent) {
        if (!(c->v[p].flags & F_SCORED))
            continue;
        if (c->v[p].score < thresh)
            break;
        if (c->v[p].score > last)
            return p;
        last = c->v[p].score;
    }
    return top;
}

/* An only child stands for its parent. */
static int only_child_up(const struct ctx *c, int top)
{
    for (;;) {
        int p = c->v[top].parent;
        if (p < 0 || c->v[p].tag == T_BODY)
            return top;
        int kids = 0;
        for (int j = p + 1; j < c->v[p].end; j = c->v[j].end)
            if (c->v[j].tag != T_TEXT && !(c->v[j].flags & F_DROP))
                kids++;
            else if (c->v[j].tag == T_TEXT && c->v[j].txt > 0)
                kids++;
        if (kids != 1)
            return top;
        top = p;
    }
}

static int choose(struct ctx *c)
{
    int best[TOP_K];
    score_units(c);
    int nb = best_scored(c, best);
    if (!nb)
        return -1;
    int top = only_child_up(c, higher_parent(c, split_article(c, best, nb)));
    if (!(c->v[top].flags & F_SCORED))
        init_score(&c->v[top]);
    return top;
}

/* A short sibling paragraph belongs with the article when it reads as a sentence, not as a label. */
static int ends_sentence(const struct ctx *c, int i)
{
    char *t = mw_text_inline(c->v[i].x);
    size_t n = t ? strlen(t) : 0;
    int yes = n > 0 && strchr(".!?\"", t[n - 1]) != NULL;
    if (n >= 3 && !yes)   /* multi-byte closers: ”, », 。 */
        yes = !strcmp(t + n - 3, "\xE2\x80\x9D") || !strcmp(t + n - 3, "\xE3\x80\x82");
    if (n >= 2 && !yes)
        yes = !strcmp(t + n - 2, "\xC2\xBB");
    free(t);
    return yes;
}

static double best_within(const struct ctx *c, int i)
{
    double b = -1e9;
    for (int j = i; j < c->v[i].end; j++) {
        if (c->v[j].flags & F_DROP) {
            j = c->v[j].end - 1;
            continue;
        }
        if ((c->v[j].flags & F_SCORED) && c->v[j].score > b)
            b = c->v[j].score;
    }
    return b;
}

/* Marks the content roots: the top candidate and the siblings that belong with it. */
static void merge_siblings(struct ctx *c, int top)
{
    int p = c->v[top].parent;
    c->v[top].flags |= F_CONTENT;
    if (p < 0)
        return;
    double ts = best_within(c, top);
    double thr = ts * 0.2 > 10 ? ts * 0.2 : 10;
    for (int j = p + 1; j < c->v[p].end; j = c->v[j].end) {
        struct nd *s = &c->v[j];
        if (j == top || (s->flags & F_DROP) || s->tag == T_TEXT)
            continue;
        int take = 0;
        /* A sibling judged by the best box inside it: a split article's parts nest as deep as the top's. */
        if (best_within(c, j) >= thr)
            take = 1;
        else if ((s->tag == T_P || (s->inl * 10 >= s->txt * 9 && !is_inline(s->tag))) && s->txt > 0) {
            if (s->txt > 80 && ld(s) < 0.25)
                take = 1;
            else if (s->txt <= 80 && s->lnk == 0 && ends_sentence(c, j))
                take = 1;
        }
        if (take)
            s->flags |= F_CONTENT;
    }
}

/* ---- output --------------------------------------------------------------------------------------- */

struct out {
    struct mw_buf par;       /* the paragraph being read */
    int plnk, ptxt;
    int heading;             /* the paragraph being read is a heading */
    char *pending;           /* a heading waiting for the text it heads */
    struct mw_buf body;      /* the paragraphs kept, joined by blank lines as they come (one copy, not two) */
    int n;
    int oom;
};

static int starts_ci(const char *s, const char *p)
{
    return !strncasecmp(s, p, strlen(p));
}

/* strcasestr(s, p) != NULL (the C locale folds ASCII only), without its set-up per call: boiler_line asks
 * every short line for some thirty phrases. */
static int contains_ci(const char *s, const char *p)
{
    const unsigned char *u = (const unsigned char *)s, *w = (const unsigned char *)p;
    if (!w[0])
        return 1;
    unsigned char c0 = ascii_lower(w[0]);
    for (; *u; u++)
        if (ascii_lower(*u) == c0) {
            size_t j = 1;
            while (w[j] && ascii_lower(u[j]) == ascii_lower(w[j]))
                j++;
            if (!w[j])
                return 1;
        }
    return 0;
}

/* contains_ci(s, p), m being pairs_ci(s). */
static int contains_ci_m(const char *s, uint64_t m, const char *p)
{
    return pairs_may(m, p) && contains_ci(s, p);
}

/* A line that only stamps the page: "Stand: 22.04.2024, 06:00 Uhr" (WDR, Frankfurter Rundschau), "Uppdaterad
 * 15.59 | Publicerad 14.14" (Aftonbladet), "Published Jun 05, 2026 • 6 minute read" (Financial Post, The
 * Province), "15.04.2025, 17:59Lesezeit: 5 Min." (FAZ): a stamp word, then a date, time or reading time. */
static int stamp_line(const char *s)
{
    static const char *const words[] = {"published", "updated", "posted", "last updated", "stand:",
                                        "aktualisiert", "veröffentlicht", "uppdaterad", "publicerad",
                                        "publicado", "actualizado", "publié", "mis à jour", NULL};
    int digit = strpbrk(s, "0123456789") != NULL;
    for (int i = 0; words[i] && digit; i++)
        if (starts_ci(s, words[i]))
            return 1;
    if (contains_ci(s, "lesezeit") || contains_ci(s, "minute read") || contains_ci(s, "min read"))
        return strlen(s) < 60;
    return 0;
}

/* Short lines that are furniture in any English-language layout. */
static int boiler_line(const char *s, size_t len)
{
    static const char *const phrases[] = {
        "subscribe", "sign up", "newsletter", "read more", "read also", "see also", "related:",
        "follow us", "share this", "click here", "all rights reserved", "advertisement", "getty images",
        "photo:", "image:", "photograph:", "(photo", "(image", "download the app", "log in", "sign in",
        "share on", "email this", "don't miss", "don\xE2\x80\x99t miss", "copyright", "\xC2\xA9", "recommended", NULL};
    /* ad labels in the page's language: "Publicidad" (Público), "REKLAM" (Habertürk) */
    static const char *const whole[] = {"advert", "advertisement", "ad", "comments", "comment", "share",
                                        "print", "email", "more", "related", "anzeige", "publicité",
                                        "publicidad", "pubblicità", "reklam", "reklame", "annonse", "werbung", NULL};
    static const char *const stamps[] = {"posted:", "updated:", "published:", "updated at", "posted at",
                                         "published at", "last updated", NULL};
    if (len > 160)
        return 0;
    for (int i = 0; whole[i]; i++)
        if (!strcasecmp(s, whole[i]))
            return 1;
    if (len < 80)
        for (int i = 0; stamps[i]; i++)
            if (starts_ci(s, stamps[i]))
                return 1;
    if (len < 80 && stamp_line(s))
        return 1;
    uint64_t m = pairs_ci(s);
    if (contains_ci_m(s, m, "requires javascript") || contains_ci_m(s, m, "enable javascript"))
        return 1;
    for (int i = 0; phrases[i]; i++)
        if (contains_ci_m(s, m, phrases[i]))
            return 1;
    if (len < 60 && starts_ci(s, "by ")) {
        int words = 1;
        for (const char *p = s; *p; p++)
            if (*p == ' ')
                words++;
        if (words <= 7)
            return 1;
    }
    return 0;
}

/* A line that reads as a sentence of prose: eight words or more, no "Label:" opening its first words ("Related:",
 * "Lesen Sie auch:", "SEE MORE:"), and a full stop, "!" or "?" ending it (a closing quote or bracket may follow).
 * A news story links names and titles inside its sentences (iNews, The Sun, The Telegraph, Business Insider);
 * a menu or a teaser list does not end its lines with a sentence. */
static int sentence_line(const char *s, size_t len)
{
    int words = 1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ':' && (i + 1 == len || s[i + 1] == ' ') && words <= 4)
            return 0;
        words += s[i] == ' ';
    }
    while (len > 0 && strchr(")]\"'\xC2\xBB", s[len - 1]))
        len--;
    if (len >= 3 && (!memcmp(s + len - 3, "\xE2\x80\x9D", 3) || !memcmp(s + len - 3, "\xE2\x80\x99", 3)))
        len -= 3;   /* ” ’ */
    return words >= 8 && len > 0 && strchr(".!?", s[len - 1]) != NULL;
}

static void add_par(struct out *o, char *s)
{
    if ((o->n && mw_buf_append(&o->body, "\n\n", 2)) || mw_buf_appends(&o->body, s))
        o->oom = 1;
    else
        o->n++;
    free(s);
}

static void flush(struct out *o)
{
    if (!o->par.len) {
        o->plnk = o->ptxt = 0;
        o->heading = 0;
        return;
    }
    char *s = mw_text_fold(o->par.data, o->par.len, 0);
    int lnk = o->plnk, txt = o->ptxt, head = o->heading;
    mw_buf_reset(&o->par);
    o->plnk = o->ptxt = 0;
    o->heading = 0;
    if (!s) {
        o->oom = 1;
        return;
    }
    size_t len = strlen(s);
    /* Mostly-link lines are menus and teasers; a long paragraph that links many names is still text, and so is
     * a short line that reads as a sentence and is not three quarters link. */
    int linky = txt > 0 && lnk * 2 > txt && (lnk * 4 > txt * 3 || (txt < 200 && !sentence_line(s, len)));
    if (!len || linky || boiler_line(s, len)) {
        free(s);
        return;
    }
    if (head) {
        free(o->pending);
        o->pending = len < 200 ? s : NULL;
        if (len >= 200)
            add_par(o, s);
        return;
    }
    if (o->pending) {
        add_par(o, o->pending);
        o->pending = NULL;
    }
    add_par(o, s);
}

/* Containers inside the content that read as furniture (Readability's "clean conditionally"). */
static int junk(const struct ctx *c, int i, int content_txt)
{
    const struct nd *d = &c->v[i];
    switch (d->tag) {
    case T_DIV: case T_SECTION: case T_UL: case T_OL: case T_DL: case T_TABLE: case T_FIGURE:
    case T_HEADER: case T_ARTICLE:
        break;
    default:
        return 0;
    }
    if (d->txt == 0)
        return 0;
    double l = ld(d);
    int list = d->tag == T_UL || d->tag == T_OL || d->tag == T_DL;
    if (l > 0.5 && d->txt < content_txt / 2)
        return 1;
    if (d->commas >= 10)
        return 0;
    int w = (d->flags & F_POS) ? 25 : 0;
    if (!list && d->nli > d->np + 1 && l > 0.2 && d->tag != T_TABLE)
        return 1;
    /* a form's inputs make a box furniture, unless the box holds most of the text: recovered markup (libxml2
     * closes unclosed dialogs late) can nest the login form and the article in one container */
    if (d->ninput > d->np / 3 + 1 && d->txt * 2 < content_txt)
        return 1;
    if (w < 25 && l > 0.33 && d->txt < 400)
        return 1;
    return 0;
}

/* What emit() reads of a node once the content is chosen, a third of struct nd: the table is shrunk to this in
 * place before the body is built, so a big page's body does not grow beside the whole table. */
struct en {
    xmlNodePtr x;
    int end, txt;
    unsigned short flags;
    unsigned char tag;
    unsigned char junk;   /* not content and junk(): left out with its subtree */
};

/* c->v becomes an array of c->n struct en (returned, c->v set NULL): entry i is written over bytes of entries
 * before i only (an en is smaller than an nd), each read whole first; then the block is cut down to size. */
static struct en *compact(struct ctx *c, int content_txt)
{
    struct en *e = (struct en *)(void *)c->v;
    for (int i = 0; i < c->n; i++) {
        const struct nd *d = &c->v[i];
        struct en t = {d->x, d->end, d->txt, d->flags, d->tag,
                       (unsigned char)(!(d->flags & F_CONTENT) && junk(c, i, content_txt))};
        memcpy((char *)e + (size_t)i * sizeof t, &t, sizeof t);
    }
    struct en *small = realloc(e, (size_t)(c->n ? c->n : 1) * sizeof *e);
    c->v = NULL;
    c->cap = 0;
    return small ? small : e;
}

static void emit(const struct en *e, struct out *o, int i, int depth)
{
    const struct en *d = &e[i];
    if (d->flags & F_DROP)
        return;
    if (d->tag == T_TEXT) {
        if (d->x->content) {
            mw_buf_appends(&o->par, (const char *)d->x->content);
            o->ptxt += d->txt;
            if (d->flags & F_LINK)
                o->plnk += d->txt;
        }
        return;
    }
    if (d->tag == T_BR || d->tag == T_HR) {
        flush(o);
        return;
    }
    if (d->tag == T_H1 || depth > 200)
        return;
    if (d->junk)
        return;
    int block = !is_inline(d->tag);
    if (block)
        flush(o);
    if (d->tag == T_TD || d->tag == T_TH)
        mw_buf_appendc(&o->par, ' ');
    if (d->tag == T_HX)
        o->heading = 1;
    for (int j = i + 1; j < d->end; j = e[j].end)
        emit(e, o, j, depth + 1);
    if (block)
        flush(o);
}

/* ---- images --------------------------------------------------------------------------------------- */

/* The widest candidate of a srcset ("a.jpg 480w, b.jpg 1080w"), malloc'd. */
static char *srcset_best(const char *s)
{
    char *best = NULL;
    double bw = -1;
    while (s && *s) {
        while (*s == ' ' || *s == ',' || *s == '\n' || *s == '\t')
            s++;
        const char *u = s;
        while (*s && *s != ' ' && *s != '\n' && *s != '\t')
            s++;
        size_t ul = (size_t)(s - u);
        if (ul && u[ul - 1] == ',')
            ul--;
        while (*s == ' ')
            s++;
        double w = 0;
        if (*s && *s != ',') {
            w = strtod(s, NULL);
            while (*s && *s != ',')
                s++;
        }
        if (ul && w > bw) {
            free(best);
            best = strndup(u, ul);
            bw = w;
        }
    }
    return best;
}

static int useless_src(const char *s)
{
    return !s || !*s || !strncmp(s, "data:", 5) || strstr(s, "blank.gif") || strstr(s, "spacer.gif") ||
           strstr(s, "pixel.gif") || strstr(s, "placeholder");
}

static char *img_src(xmlNodePtr img)
{
    static const char *const lazy[] = {"data-src", "data-lazy-src", "data-original", "data-url",
                                       "data-hi-res-src", "data-full-src", NULL};
    for (int i = 0; lazy[i]; i++) {
        const char *v = attr(img, lazy[i]);
        if (!useless_src(v))
            return strdup(v);
    }
    static const char *const sets[] = {"data-srcset", "srcset", "data-lazy-srcset", NULL};
    for (int i = 0; sets[i]; i++) {
        const char *v = attr(img, sets[i]);
        if (v && *v) {
            char *b = srcset_best(v);
            if (b && !useless_src(b))
                return b;
            free(b);
        }
    }
    const char *src = attr(img, "src");
    if (!useless_src(src))
        return strdup(src);
    /* <picture><source srcset=...><img></picture> */
    if (img->parent && !xmlStrcasecmp(img->parent->name, BAD_CAST "picture"))
        for (xmlNodePtr s = img->parent->children; s; s = s->next)
            if (s->type == XML_ELEMENT_NODE && !xmlStrcasecmp(s->name, BAD_CAST "source")) {
                const char *v = attr(s, "srcset");
                if (!v)
                    v = attr(s, "data-srcset");
                char *b = v ? srcset_best(v) : NULL;
                if (b && !useless_src(b))
                    return b;
                free(b);
            }
    return NULL;
}

static int tiny(xmlNodePtr img)
{
    const char *w = attr(img, "width"), *h = attr(img, "height");
    return (w && *w && atoi(w) > 0 && atoi(w) < 50) || (h && *h && atoi(h) > 0 && atoi(h) < 50);
}

static char *caption_of(xmlNodePtr img)
{
    for (xmlNodePtr p = img->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        if (!xmlStrcasecmp(p->name, BAD_CAST "figure")) {
            for (xmlNodePtr f = p->children; f; f = f->next)
                if (f->type == XML_ELEMENT_NODE && !xmlStrcasecmp(f->name, BAD_CAST "figcaption")) {
                    char *t = mw_text_inline(f);
                    if (t && *t)
                        return t;
                    free(t);
                }
            return NULL;
        }
        if (!xmlStrcasecmp(p->name, BAD_CAST "body"))
            break;
    }
    return NULL;
}

static int add_images(struct ctx *c, json_t *arr, const char *base)
{
    for (int i = 0; i < c->n && json_array_size(arr) < 64; i++) {
        struct nd *d = &c->v[i];
        if (!(d->flags & F_CONTENT)) {
            continue;
        }
        for (int j = i; j < d->end; j++) {
            struct nd *e = &c->v[j];
            if (e->flags & F_DROP) {
                j = e->end - 1;
                continue;
            }
            if (e->tag != T_IMG || tiny(e->x))
                continue;
            char *src = img_src(e->x);
            char *abs = src ? mw_url_resolve(base, src) : NULL;
            free(src);
            if (!abs)
                continue;
            int dup = 0;
            for (size_t k = 0; k < json_array_size(arr); k++)
                if (!strcmp(json_string_value(json_object_get(json_array_get(arr, k), "url")), abs))
                    dup = 1;
            if (!dup) {
                char *cap = caption_of(e->x);
                json_t *im = json_pack("{s:s, s:s?}", "url", abs, "caption", cap);
                free(cap);
                if (!im || json_array_append_new(arr, im)) {
                    free(abs);
                    return -1;
                }
            }
            free(abs);
        }
        i = d->end - 1;
    }
    return 0;
}

/* The buffer's text, "" when nothing was appended (mw_buf_steal leaves that case unterminated). */
static char *take(struct mw_buf *b)
{
    if (!b->len) {
        mw_buf_free(b);
        return strdup("");
    }
    size_t n;
    return mw_buf_steal(b, &n);
}

/* ---- the hint ------------------------------------------------------------------------------------- */

static size_t words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int sp = *p <= ' ';
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

/* The hint as paragraphs: its line breaks become blank lines. */
static char *hint_body(const char *hint)
{
    char *f = mw_text_fold(hint, strlen(hint), 1);
    if (!f)
        return NULL;
    struct mw_buf b;
    mw_buf_init(&b, 0);
    for (const char *p = f; *p; p++) {
        if (*p == '\n') {
            while (p[1] == '\n')
                p++;
            mw_buf_appends(&b, "\n\n");
        } else {
            mw_buf_appendc(&b, *p);
        }
    }
    free(f);
    return take(&b);
}

/* The headline the page shows: its first <h1>, else <title>. */
static char *page_title(const struct ctx *c)
{
    for (int i = 0; i < c->n; i++)
        if (c->v[i].tag == T_H1 && c->v[i].txt > 0 && alive(c, i))
            return mw_text_inline(c->v[i].x);
    for (int i = 0; i < c->n; i++)
        if (c->v[i].tag == T_DROP && !xmlStrcasecmp(c->v[i].x->name, BAD_CAST "head"))
            for (xmlNodePtr t = c->v[i].x->children; t; t = t->next)
                if (t->type == XML_ELEMENT_NODE && !xmlStrcasecmp(t->name, BAD_CAST "title"))
                    return mw_text_inline(t);
    return NULL;
}

/* Build the array and choose the content: the index of the top content root, or -1. */
static int analyse(struct ctx *c, xmlDocPtr doc)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        build(c, root);
    if (c->oom || !c->n)
        return -1;
    stats(c);
    drop_asides(c);
    drop_named(c);
    drop_next_stories(c);
    stats(c);
    int top = choose(c);
    if (top < 0) {
        /* No block scored (a page of one or two short paragraphs): nothing competes with the page's own
         * body, so it is the content, still without its boilerplate and hard-dropped parts. */
        for (int i = 0; i < c->n && top < 0; i++)
            if (c->v[i].tag == T_BODY && alive(c, i))
                top = i;
        if (top >= 0)
            c->v[top].flags |= F_CONTENT;
    } else if (alive(c, top)) {
        merge_siblings(c, top);
    }
    return top;
}

int mw_generic_pick(xmlDocPtr doc, struct mw_generic_pick *out)
{
    struct ctx c = {0};
    memset(out, 0, sizeof *out);
    int top = analyse(&c, doc);
    int rc = c.oom ? MW_ENOMEM : MW_OK;
    if (!rc && top >= 0 && alive(&c, top)) {
        out->root = c.v[top].x;
        int content_txt = c.v[top].txt;
        size_t cap = 0;
        for (int i = top + 1; i < c.v[top].end; i++) {
            struct nd *d = &c.v[i];
            int out_ = (d->flags & F_DROP) || (d->tag != T_TEXT && junk(&c, i, content_txt));
            if (!out_ || d->x->type != XML_ELEMENT_NODE)
                continue;
            if (out->ndropped == cap) {
                cap = cap ? cap * 2 : 8;
                xmlNodePtr *p = realloc(out->dropped, cap * sizeof *p);
                if (!p) {
                    rc = MW_ENOMEM;
                    break;
                }
                out->dropped = p;
            }
            out->dropped[out->ndropped++] = d->x;
            i = d->end - 1;   /* its subtree is out with it */
        }
    }
    free(c.v);
    return rc;
}

void mw_generic_pick_free(struct mw_generic_pick *p)
{
    if (!p)
        return;
    free(p->dropped);
    memset(p, 0, sizeof *p);
}

/* "the text of <div class="article-body"> and 2 boxes beside it". */
static void describe(const struct ctx *c, int top, char *out, size_t cap)
{
    xmlNodePtr x = c->v[top].x;
    const char *id = attr(x, "id"), *cls = attr(x, "class");
    int more = -1;
    for (int i = 0; i < c->n; i++)
        if (c->v[i].flags & F_CONTENT)
            more++;
    snprintf(out, cap, "the text of <%s%s%.40s%s%s%.60s%s>%s", (const char *)x->name, id ? " id=\"" : "", id ? id : "",
             id ? "\"" : "", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "",
             more > 0 ? " and the boxes beside it that read as text" : "");
}

/* ---- entry ---------------------------------------------------------------------------------------- */

/* The body from the chosen top node's content, written out on a compacted table. The node table goes before
 * the body is copied: on a big page the table and the body's text are each the page's size again. NULL: no
 * memory (c->v is freed either way). */
static char *body_of(struct ctx *c, int top, char *how, size_t howsz)
{
    struct out o = {0};
    struct en *e = NULL;
    mw_buf_init(&o.par, 0);
    mw_buf_init(&o.body, 0);
    if (c->n && top >= 0 && alive(c, top)) {
        describe(c, top, how, howsz);
        int ct = 0;
        for (int i = 0; i < c->n; i++)
            if (c->v[i].flags & F_CONTENT)
                ct += c->v[i].txt;
        int n = c->n;
        e = compact(c, ct);
        for (int i = 0; i < n; i++)
            if (e[i].flags & F_CONTENT) {
                emit(e, &o, i, 0);
                flush(&o);
            }
    }
    free(e);
    free(c->v);
    c->v = NULL;
    free(o.pending);
    mw_buf_free(&o.par);
    char *body = o.oom ? NULL : take(&o.body);
    mw_buf_free(&o.body);
    return body;
}

/* A thin result may be a page that renders its text from a script's state: that text, when it is more. */
static void state_fallback(xmlDocPtr doc, const char *title, char **body, char *how, size_t howsz)
{
    size_t bl = strlen(*body), sl = 0;
    if (!doc || bl >= 3000)
        return;
    size_t useless = bl * 2 > 400 ? bl * 2 : 400;   /* a text no longer is of no use */
    char *st = title && strlen(title) >= 12 ? mw_state_text(doc, title, useless, &sl) : NULL;
    if (st && sl > 400 && sl > 2 * bl) {
        free(*body);
        *body = st;
        snprintf(how, howsz, "the article's paragraphs in the page's script state (JSON)");
    } else {
        free(st);
    }
}

/* JSON-LD's articleBody when the markup gave less than 70% of its words. -1: no memory. */
static int hint_fallback(const char *hint, char **body, char *how, size_t howsz)
{
    if (!hint || !*hint || words(*body) * 10 >= words(hint) * 7)
        return 0;
    char *h = hint_body(hint);
    if (!h)
        return -1;
    free(*body);
    *body = h;
    snprintf(how, howsz, "JSON-LD articleBody (the markup gave less)");
    return 0;
}

/* lead (the first paragraph), body (or *late takes it), and where the body came from */
static void put_body(json_t *res, char *body, char **late, const char *how)
{
    char *nl = strstr(body, "\n\n");
    json_t *lead = *body ? (nl ? json_stringn(body, (size_t)(nl - body)) : json_string(body)) : json_null();
    json_object_set_new(res, "lead", lead ? lead : json_null());
    if (late) {
        *late = body;
    } else {
        json_object_set_new(res, "body", json_string(body));
        free(body);
    }
    json_object_set_new(res, "origins", json_pack("{s:s, s:s}", "body", how[0] ? how : "nothing found",
                                                 "lead", "the text's first paragraph"));
}

/* late: NULL, or where the body goes instead of into the result */
static json_t *extract(xmlDocPtr doc, const char *url, const char *hint, char **late, struct mw_err *err)
{
    struct ctx c = {0};
    json_t *res = NULL, *imgs = NULL;
    char *body = NULL, *base = NULL, *title = NULL;
    char how[200] = "";   /* where the body came from, for --explain */

    int top = analyse(&c, doc);
    if (c.oom || !(res = json_object()) || !(imgs = json_array()))
        goto oom;
    const char *b = doc ? mw_html_base(doc) : NULL;
    base = b && url ? mw_url_resolve(url, b) : b ? strdup(b) : url ? strdup(url) : NULL;
    /* what needs the whole table is taken before the body is built on the small one */
    if (add_images(&c, imgs, base))
        goto oom;
    json_object_set_new(res, "images", imgs);
    imgs = NULL;
    title = doc ? page_title(&c) : NULL;
    if (!(body = body_of(&c, top, how, sizeof how)))
        goto oom;
    state_fallback(doc, title, &body, how, sizeof how);
    if (hint_fallback(hint, &body, how, sizeof how))
        goto oom;
    put_body(res, body, late, how);
    body = NULL;
    goto done;
oom:
    json_decref(res);
    res = NULL;
    mw_err_set(err, MW_ENOMEM, "extract", "%s: out of memory in the generic extractor", url ? url : "-");
done:
    json_decref(imgs);
    free(base);
    free(body);
    free(title);
    free(c.v);
    return res;
}

json_t *mw_generic_extract(xmlDocPtr doc, const char *url, const char *hint, struct mw_err *err)
{
    return extract(doc, url, hint, NULL, err);
}

json_t *mw_generic_extract_late(xmlDocPtr doc, const char *url, const char *hint, char **body, struct mw_err *err)
{
    *body = NULL;
    return extract(doc, url, hint, body, err);
}
