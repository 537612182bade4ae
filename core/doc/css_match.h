/* doc/css_match.h: the compiled form of a CSS selector (a matcher program of element tests, combinators
 * and pseudo-classes) and its evaluation on libxml2 trees. doc/css.c parses selectors and builds programs;
 * doc/css_match.c owns the program's memory and the matching. Internal to doc/: callers use doc/css.h. */
#ifndef MW_CSS_MATCH_H
#define MW_CSS_MATCH_H

#include <stddef.h>
#include <libxml/xpath.h>
#include "common/err.h"
#include "doc/css.h"

/* One test on one element. Each has the semantics of the XPath predicate doc/css.c writes for it. */
enum mw_css_op {
    MW_CSS_TYPE,           /* name: the element's name (no namespace); qname: compare name() instead */
    MW_CSS_ID,             /* name: the id attribute equals it */
    MW_CSS_CLASS,          /* name: one of the class attribute's whitespace-separated tokens */
    MW_CSS_ATTR,           /* name, aop, val, ci: [name], [name=val], [name~=val], ... */
    MW_CSS_FIRST_CHILD,
    MW_CSS_LAST_CHILD,
    MW_CSS_ONLY_CHILD,
    MW_CSS_NTH,            /* a, b; last: count from the end; typed: among siblings of type name/qname */
    MW_CSS_EMPTY,          /* no element children, text whitespace only */
    MW_CSS_ROOT,
    MW_CSS_LINK,
    MW_CSS_CHECKED,
    MW_CSS_NOT,            /* list: the element matches none of its selectors */
    MW_CSS_IS,             /* list: the element matches one */
    MW_CSS_HAS,            /* list: relative selectors anchored at the element */
    MW_CSS_CONTAINS,       /* strs: the element's text contains one of them */
    MW_CSS_LANG,           /* name: the nearest lang attribute is name or starts with name- */
    MW_CSS_NEVER           /* matches nothing (.a\20 b, [a~=""], :nth-child(0)) */
};

struct mw_css_list;

struct mw_css_test {
    unsigned char op;      /* enum mw_css_op */
    unsigned char aop;     /* MW_CSS_ATTR: 0 (exists), '=', '~', '|', '^', '$', '*', '!' */
    unsigned char ci;      /* MW_CSS_ATTR: ASCII case-insensitive value (the i flag) */
    unsigned char qname;   /* name is not an XPath NCName: compared as the qualified name */
    unsigned char last, typed;   /* MW_CSS_NTH; typed also for the *-of-type shorthands */
    char *name;            /* owned */
    char *val;             /* owned; vlen bytes (a value may hold no NUL but is NUL-terminated) */
    size_t nlen, vlen;
    long a, b;
    struct mw_css_list *list;   /* owned */
    char **strs;           /* owned, nstrs NUL-terminated strings */
    size_t *slens, nstrs;
};

struct mw_css_compound {
    char comb;             /* joins the compound before: ' ', '>', '+', '~'; 0 for the first */
    int id;                /* index among all compounds of the program (memo tables) */
    struct mw_css_test *t;
    size_t n, cap;
};

struct mw_css_complex {
    char lead;             /* :has(> a): the relative selector's leading combinator; 0 elsewhere */
    struct mw_css_compound *c;
    size_t n, cap;
};

struct mw_css_list {
    int id;                /* MW_CSS_HAS: index among the program's :has lists */
    struct mw_css_complex *v;
    size_t n, cap;
};

struct mw_css_prog {
    struct mw_css_list top;
    int ncompounds, nhas;
};

/* Building (doc/css.c). Each add takes ownership of what t points to, also when it fails (-1, out of memory). */
int mw_css_match_add_test(struct mw_css_compound *c, struct mw_css_test *t);
/* Appends an empty compound (or complex) and returns it, or NULL when out of memory. */
struct mw_css_compound *mw_css_match_add_compound(struct mw_css_complex *cx, char comb);
struct mw_css_complex *mw_css_match_add_complex(struct mw_css_list *l, char lead);
void mw_css_match_compound_clear(struct mw_css_compound *c);   /* frees its tests, leaves it empty */
void mw_css_match_list_clear(struct mw_css_list *l);           /* frees what the list holds, leaves it empty */
/* A program of the top-level list (moved into it): numbers compounds and :has lists. NULL when out of memory
 * (the list is cleared then too). Owned: mw_css_match_free. */
struct mw_css_prog *mw_css_match_new(struct mw_css_list *top);
void mw_css_match_free(struct mw_css_prog *p);

/* Matches of p among the descendants of ctx (a document or an element), as doc/css.h's mw_css_select:
 * a new node-set object in document order, no duplicates, or NULL with err set (out of memory; MW_ELIMIT
 * past a limit of lim, which may be NULL: no limits). sel only names the selector in messages. Work is
 * O(elements x compounds), plus the text :contains reads; memory O(elements x compounds) bytes, freed
 * before it returns. */
xmlXPathObjectPtr mw_css_match_select(const struct mw_css_prog *p, xmlNodePtr ctx, const char *sel,
                                      struct mw_css_limits *lim, struct mw_err *err);

#endif
