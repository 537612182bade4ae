/* meta/internal.h (internal to meta/): the one walk over a page that every field reader shares, the context
 * a field reader is given, and the small helpers they have in common. Only the files of meta/ include it; the public
 * interface is meta/meta.h. */
#ifndef MW_META_INTERNAL_H
#define MW_META_INTERNAL_H

#include <jansson.h>
#include <libxml/tree.h>
#include "meta/meta.h"

#define MW_META_TEXT_MAX 4096     /* a metadata string longer than this is not metadata */
#define MW_META_BYLINE_MAX 200    /* a byline element with more text is a paragraph or a box */
#define MW_META_NEAR_H1 400       /* elements after the headline still counted as its header */

/* An element and its position in document order. */
struct mw_meta_item {
    xmlNodePtr n;
    long ord;
};

/* Elements the walk collected, in document order. */
struct mw_meta_vec {
    struct mw_meta_item *v;
    size_t n, cap;
};

/* What one walk over the page collected (meta.c). */
struct mw_meta_scan {
    xmlNodePtr root;    /* the document's root element (may be NULL) */
    json_t *metas;      /* lower-case key -> [content, ...] */
    json_t *ld;         /* every JSON-LD value parsed */
    char *title;        /* <title> */
    char *html_lang;
    char *canonical;
    struct mw_meta_vec h1, h2, times, bylines, props, dated, imgs;
    long nodes;
};

/* One page being read: the scan, the object being filled and what several fields need. */
struct mw_meta_ctx {
    struct mw_meta_scan *sc;
    json_t *out, *sources, *origins;
    json_t *art;            /* the JSON-LD article, borrowed */
    const char *base;
    const char *url;        /* the page's address: as given, else its canonical or og:url (dates in paths) */
    const struct mw_meta_opts *opts;
    char site[3][160];      /* squashed names the site goes by */
    const char *lang;
    long h1_ord;
    xmlNodePtr time_node;
    char note[160];         /* what the field reader at work read, for --explain (scratch) */   /* the <time> the published date was read from (pubdate.c), or NULL */
};


/* ---- helpers (meta.c) ---- */

int mw_meta_name_is(xmlNodePtr n, const char *name);
/* The node after n in document order: its first child unless n is an element named in closed (NULL-terminated:
 * not entered), else the next sibling of n or of its nearest ancestor that has one; NULL at the document's end,
 * or (mw_meta_next_in) past the last node under root. */
xmlNodePtr mw_meta_next(xmlNodePtr n, const char *const *closed);
xmlNodePtr mw_meta_next_in(xmlNodePtr n, xmlNodePtr root, const char *const *closed);
/* For mw_meta_next: what holds no text a reader sees (script, style), and that or a paragraph (read whole). */
extern const char *const mw_meta_code[], *const mw_meta_code_or_p[];
/* The headline element (the <h1> c->h1_ord stands for), or NULL. */
xmlNodePtr mw_meta_headline(struct mw_meta_ctx *c);
/* Attribute value borrowed from the tree (NULL when absent). */
const char *mw_meta_attr(xmlNodePtr n, const char *name);
/* Text as a reader sees it: entities decoded, tags dropped, whitespace folded. malloc'd; NULL when empty. */
char *mw_meta_clean(const char *s);
/* Lower-case ASCII letters and digits of s, other bytes kept, the rest dropped: "DW.COM" -> "dwcom". */
void mw_meta_squash(const char *s, char *out, size_t cap);
int mw_meta_words(const char *s);
void mw_meta_rtrim(char *s);
/* 1 when a token of a class/id value contains a word of yes and none of no (case-insensitive). */
int mw_meta_class_says(const char *v, const char *const *yes, const char *const *no);
/* Inside blockquote, figure, figcaption, aside, nav or footer. */
int mw_meta_in_skipped(xmlNodePtr n);
/* Inside a link that wraps a teaser card: another article's date or byline. */
int mw_meta_in_teaser(xmlNodePtr n);
/* <a href=".../author/jane-doe/">: a link to an author's page. */
int mw_meta_author_link(xmlNodePtr n);
/* First non-blank value of a <meta> key (lower case), borrowed. */
const char *mw_meta_get(struct mw_meta_scan *sc, const char *key);
/* A JSON-LD value as text: a string, an array's first string, an object's name. Borrowed. */
const char *mw_meta_ld_str(json_t *v);
/* An itemprop element's value: content, datetime, href, else its text (then *owned is malloc'd). */
const char *mw_meta_prop_value(xmlNodePtr n, char **owned);
/* The first itemprop=prop element's value, cleaned; malloc'd or NULL. */
char *mw_meta_microdata(struct mw_meta_scan *sc, const char *prop);
/* Set out[key] = val (stolen; NULL is ignored), sources[key] = src (a coarse kind rules test: "jsonld", "og",
 * "meta", "microdata", "time", "url", "page", "h1", "byline", ...) and origins[key] = detail (what exactly was
 * read, for --explain: "og:title", "JSON-LD NewsArticle.headline", "element .byline"; NULL = src). */
void mw_meta_set(struct mw_meta_ctx *c, const char *key, json_t *val, const char *src, const char *detail);
/* 1 when s names the site (og:site_name, the JSON-LD publisher, the host's main label). */
int mw_meta_is_site_name(struct mw_meta_ctx *c, const char *s);
/* ref resolved against the page's base; malloc'd or NULL. */
char *mw_meta_resolve(struct mw_meta_ctx *c, const char *ref);

/* ---- the fields, one file each ---- */

void mw_meta_title(struct mw_meta_ctx *c);                 /* title.c: "title" */
void mw_meta_dates(struct mw_meta_ctx *c, int published);  /* pubdate.c: "published" or "modified" */
void mw_meta_byline(struct mw_meta_ctx *c);                /* byline.c: "authors" */
void mw_meta_images(struct mw_meta_ctx *c);                /* images.c: "images" */
void mw_meta_lang(struct mw_meta_ctx *c);                  /* pagelang.c: "lang" */

#endif
