/* doc/css_match.c: runs compiled CSS selectors (doc/css_match.h) on libxml2 trees without XPath: an index of
 * the tree's elements in document order, right-to-left matching from each candidate with memo tables so no
 * (compound, element) pair is worked out twice, and :has() as sets built in linear passes over the index.
 * Parsing selectors is doc/css.c; each test here has the meaning of the XPath predicate css.c writes for it. */
#include "doc/css_match.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "common/buf.h"

/* ---- building and freeing the program ---- */

static void test_clear(struct mw_css_test *t)
{
    free(t->name);
    free(t->val);
    if (t->list) {
        mw_css_match_list_clear(t->list);
        free(t->list);
    }
    for (size_t i = 0; i < t->nstrs; i++)
        free(t->strs[i]);
    free(t->strs);
    free(t->slens);
    memset(t, 0, sizeof *t);
}

int mw_css_match_add_test(struct mw_css_compound *c, struct mw_css_test *t)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        struct mw_css_test *v = realloc(c->t, cap * sizeof *v);
        if (!v) {
            test_clear(t);
            return -1;
        }
        c->t = v;
        c->cap = cap;
    }
    c->t[c->n++] = *t;
    memset(t, 0, sizeof *t);
    return 0;
}

struct mw_css_compound *mw_css_match_add_compound(struct mw_css_complex *cx, char comb)
{
    if (cx->n == cx->cap) {
        size_t cap = cx->cap ? cx->cap * 2 : 4;
        struct mw_css_compound *v = realloc(cx->c, cap * sizeof *v);
        if (!v)
            return NULL;
        cx->c = v;
        cx->cap = cap;
    }
    struct mw_css_compound *c = &cx->c[cx->n++];
    memset(c, 0, sizeof *c);
    c->comb = comb;
    return c;
}

struct mw_css_complex *mw_css_match_add_complex(struct mw_css_list *l, char lead)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 2;
        struct mw_css_complex *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    struct mw_css_complex *cx = &l->v[l->n++];
    memset(cx, 0, sizeof *cx);
    cx->lead = lead;
    return cx;
}

void mw_css_match_compound_clear(struct mw_css_compound *c)
{
    for (size_t j = 0; j < c->n; j++)
        test_clear(&c->t[j]);
    free(c->t);
    c->t = NULL;
    c->n = c->cap = 0;
}

void mw_css_match_list_clear(struct mw_css_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        struct mw_css_complex *cx = &l->v[i];
        for (size_t k = 0; k < cx->n; k++)
            mw_css_match_compound_clear(&cx->c[k]);
        free(cx->c);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void number(struct mw_css_prog *p, struct mw_css_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < l->v[i].n; k++) {
            struct mw_css_compound *c = &l->v[i].c[k];
            c->id = p->ncompounds++;
            for (size_t j = 0; j < c->n; j++)
                if (c->t[j].list) {
                    if (c->t[j].op == MW_CSS_HAS)
                        c->t[j].list->id = p->nhas++;
                    number(p, c->t[j].list);
                }
        }
}

struct mw_css_prog *mw_css_match_new(struct mw_css_list *top)
{
    struct mw_css_prog *p = calloc(1, sizeof *p);
    if (!p) {
        mw_css_match_list_clear(top);
        return NULL;
    }
    p->top = *top;
    memset(top, 0, sizeof *top);
    number(p, &p->top);
    return p;
}

void mw_css_match_free(struct mw_css_prog *p)
{
    if (!p)
        return;
    mw_css_match_list_clear(&p->top);
    free(p);
}

/* ---- one evaluation: the element index and the memo tables ---- */

struct el {
    xmlNodePtr n;
    int parent;   /* index of the parent element, -1 when the parent is not an element */
    int prev;     /* index of the previous element sibling, or -1 */
    int pos;      /* 1-based position among the element siblings */
    int nkids;    /* element children */
};

/* Per element and compound: whether the element matches the compound with everything left of it (M), and
 * whether it or an ancestor (a previous sibling, for '~') does (Q): each worked out at most once. */
enum { M_KNOWN = 1, M_YES = 2, Q_KNOWN = 4, Q_YES = 8 };

/* Per element type the *-of-type tests count siblings of: made in one pass when first needed, so the
 * tests take O(1) each instead of a walk along the siblings (quadratic on a long flat list). */
struct typed {
    const char *name;        /* borrowed from the test */
    unsigned char qname;
    int *upto;               /* per element: element siblings of the type up to it, itself included */
    int *total;              /* per parent element + 1 (0: the top level): its children of the type */
};

struct run {
    struct el *e;
    int n, cap;
    int ntop;                /* elements whose parent is not an element */
    int ctx, end;            /* candidates: indexes ctx+1 .. end-1 */
    unsigned char **memo;    /* per compound id, n bytes each, made when first needed */
    unsigned char **has;     /* per :has list id: the elements it holds for */
    struct typed *typed;     /* ntyped of them */
    int ntyped;
    struct mw_buf text;      /* scratch: string values */
    size_t text_held;        /* text's capacity as counted in held */
    int nomem;
    unsigned long long ops, max_ops;   /* operations so far and their limit (0: none) */
    unsigned long long stop_at;        /* spend looks further only past this: max_ops, or 0 once stopped */
    size_t held, peak, max_bytes;      /* scratch bytes held now, at most, and their limit (0: none) */
    int over;                /* 1: past max_ops, 2: past max_bytes; the run stops and its result is void */
};

/* Operations are weighted to take about 20 ns each (measured on 100,000-element pages): indexing a node
 * of the tree or running a test on an element is several, a step along ancestors or siblings two, reading
 * or comparing text one per 32 bytes. */
#define OP_NODE 4
#define OP_TEST 4
#define OP_STEP 2
#define TEXT_PER_OP 32

/* The run stops from now on (every spend says so). */
static void halt(struct run *R, int over)
{
    if (over && !R->over)
        R->over = over;
    R->stop_at = 0;
}

static void no_memory(struct run *R)
{
    R->nomem = 1;
    halt(R, 0);
}

static int past_stop(struct run *R)
{
    if (!R->over && !R->nomem && R->ops > R->max_ops)
        halt(R, 1);
    return R->over || R->nomem;
}

/* Count k operations. 1 when the run must stop (past a limit, or out of memory): every test fails from
 * then on, every loop ends, and the caller gets an error instead of a result. One comparison while under. */
static inline int spend(struct run *R, unsigned long long k)
{
    R->ops += k;
    return R->ops > R->stop_at && past_stop(R);
}

/* Count n more bytes of scratch memory held; 1 (and the run stops) past the limit. */
static int hold(struct run *R, size_t n)
{
    R->held += n;
    if (R->held > R->peak)
        R->peak = R->held;
    if (R->max_bytes && R->held > R->max_bytes)
        halt(R, 2);
    return R->over != 0;
}

static void unhold(struct run *R, size_t n) { R->held = n > R->held ? 0 : R->held - n; }

/* The text buffer grew (or not): count its capacity. */
static void text_grew(struct run *R)
{
    if (R->text.cap > R->text_held) {
        hold(R, R->text.cap - R->text_held);
        R->text_held = R->text.cap;
    }
}

static int add_el(struct run *R, xmlNodePtr n, int parent, int prev)
{
    if (R->n == R->cap) {
        if (R->cap > INT_MAX / 2)
            return -1;
        int cap = R->cap ? R->cap * 2 : 256;
        if (hold(R, (size_t)(cap - R->cap) * sizeof *R->e))
            return -1;
        struct el *v = realloc(R->e, (size_t)cap * sizeof *v);
        if (!v)
            return -1;
        R->e = v;
        R->cap = cap;
    }
    int i = R->n++;
    struct el *e = &R->e[i];
    e->n = n;
    e->parent = parent;
    e->prev = prev;
    e->pos = prev >= 0 ? R->e[prev].pos + 1 : 1;
    e->nkids = 0;
    if (parent >= 0)
        R->e[parent].nkids++;
    else
        R->ntop++;
    return i;
}

/* Index the elements under top (a document, or the top element of a detached tree) in document order, into
 * *nodes the nodes walked. */
static int walk(struct run *R, xmlNodePtr top, xmlNodePtr ctx, unsigned long long *nodes)
{
    int parent = -1, last = -1, rc = 0;
    unsigned long long k = 0;   /* local: *nodes could alias R's counters */
    xmlNodePtr n = top->type == XML_ELEMENT_NODE ? top : top->children;
    while (n) {
        k++;
        if (n->type == XML_ELEMENT_NODE) {
            int i = add_el(R, n, parent, last);
            if (i < 0) {
                rc = -1;
                break;
            }
            if (n == ctx)
                R->ctx = i;
            last = i;
            if (n->children) {
                parent = i;
                last = -1;
                n = n->children;
                continue;
            }
            if (n == ctx)
                R->end = R->n;
        }
        for (;;) {   /* on to the next node, climbing out of finished elements */
            if (n == top)
                goto out;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n || n->type != XML_ELEMENT_NODE)
                goto out;
            if (n == ctx)
                R->end = R->n;
            last = parent;
            parent = R->e[parent].parent;
        }
    }
out:
    *nodes = k;
    return rc;
}

/* The index, charged when made: its size is the document's, which memory bounds, and the walk is bound by
 * memory loads, so a count per node would slow it for nothing. */
static int build(struct run *R, xmlNodePtr top, xmlNodePtr ctx)
{
    unsigned long long nodes = 0;
    int rc = walk(R, top, ctx, &nodes);
    return spend(R, nodes * OP_NODE) ? -1 : rc;
}

static unsigned char *memo_of(struct run *R, const struct mw_css_compound *c)
{
    unsigned char *m = R->memo[c->id];
    if (!m) {
        if (hold(R, (size_t)R->n) || spend(R, (unsigned long long)R->n / TEXT_PER_OP))
            return NULL;
        m = calloc((size_t)R->n, 1);
        if (!m)
            no_memory(R);
        R->memo[c->id] = m;
    }
    return m;
}

/* ---- strings ---- */

/* XPath's whitespace (normalize-space, the class and ~= tokens) */
static int is_xws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int fold(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int eq(const char *a, const char *b, size_t n, int ci)
{
    if (!ci)
        return memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

static int find(const char *h, size_t hn, const char *s, size_t sn, int ci)
{
    if (!ci)
        return memmem(h, hn, s, sn) != NULL;
    for (size_t i = 0; i + sn <= hn; i++)
        if (eq(h + i, s, sn, 1))
            return 1;
    return 0;
}

static int has_token(const char *s, const char *tok, size_t tn, int ci)
{
    for (;;) {
        while (is_xws((unsigned char)*s))
            s++;
        if (!*s)
            return 0;
        const char *e = s;
        while (*e && !is_xws((unsigned char)*e))
            e++;
        if ((size_t)(e - s) == tn && eq(s, tok, tn, ci))
            return 1;
        s = e;
    }
}

/* name() of an element or attribute is want */
static int qname_is(const xmlNs *ns, const xmlChar *name, const char *want)
{
    if (ns && ns->prefix) {
        size_t p = strlen((const char *)ns->prefix);
        return strncmp(want, (const char *)ns->prefix, p) == 0 && want[p] == ':' &&
               strcmp(want + p + 1, (const char *)name) == 0;
    }
    return strcmp((const char *)name, want) == 0;
}

static int type_is(xmlNodePtr n, const struct mw_css_test *t)
{
    if (t->qname)
        return qname_is(n->ns, n->name, t->name);
    return !n->ns && n->name[0] == t->name[0] && strcmp((const char *)n->name, t->name) == 0;
}

static xmlAttrPtr find_attr(xmlNodePtr n, const char *name, int qname)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (qname ? qname_is(a->ns, a->name, name)
                  : !a->ns && a->name[0] == name[0] && strcmp((const char *)a->name, name) == 0)
            return a;
    }
    return NULL;
}

/* An attribute's string value: borrowed from the tree, or built in R->text (valid until the next call). */
static const char *attr_value(struct run *R, xmlAttrPtr a, size_t *len)
{
    xmlNodePtr c = a->children;
    if (c && !c->next && c->content && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)) {
        *len = strlen((const char *)c->content);
        return (const char *)c->content;
    }
    mw_buf_reset(&R->text);
    for (; c && !spend(R, 1); c = c->next)
        if (c->content && mw_buf_appends(&R->text, (const char *)c->content))
            no_memory(R);
    text_grew(R);
    spend(R, R->text.len / TEXT_PER_OP);
    *len = R->text.len;
    return R->text.data ? R->text.data : "";
}

/* An element's string value (its text descendants, in order) in R->text. */
static const char *text_value(struct run *R, xmlNodePtr n, size_t *len)
{
    mw_buf_reset(&R->text);
    xmlNodePtr c = n->children;
    while (c && !spend(R, 1)) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
            mw_buf_appends(&R->text, (const char *)c->content))
            no_memory(R);
        if (c->type == XML_ELEMENT_NODE && c->children) {
            c = c->children;
            continue;
        }
        while (c && !c->next) {
            c = c->parent;
            if (c == n)
                c = NULL;
        }
        if (c)
            c = c->next;
    }
    text_grew(R);
    spend(R, R->text.len / TEXT_PER_OP);
    *len = R->text.len;
    return R->text.data ? R->text.data : "";
}

/* ---- the tests ---- */

static int compound_tests(struct run *R, const struct mw_css_compound *c, int i);
static int match_at(struct run *R, const struct mw_css_complex *cx, size_t k, int i, int limit);

static int attr_test(struct run *R, xmlNodePtr n, const struct mw_css_test *t)
{
    xmlAttrPtr a = find_attr(n, t->name, t->qname);
    if (!t->aop)
        return a != NULL;
    if (!a)
        return t->aop == '!';
    size_t vn;
    const char *v = attr_value(R, a, &vn);
    const char *w = t->val;
    size_t wn = t->vlen;
    int ci = t->ci;
    if (spend(R, (vn / TEXT_PER_OP + 1) * (t->aop == '*' && ci ? wn / 8 + 1 : 1)))
        return 0;
    switch (t->aop) {
    case '=': return vn == wn && eq(v, w, wn, ci);
    case '!': return !(vn == wn && eq(v, w, wn, ci));
    case '~': return has_token(v, w, wn, ci);
    case '|': return vn >= wn && eq(v, w, wn, ci) && (vn == wn || v[wn] == '-');
    case '^': return vn >= wn && eq(v, w, wn, ci);
    case '$': return vn >= wn && eq(v + vn - wn, w, wn, ci);
    case '*': return find(v, vn, w, wn, ci);
    }
    return 0;
}

static int class_test(struct run *R, xmlNodePtr n, const struct mw_css_test *t)
{
    xmlAttrPtr a = find_attr(n, "class", 0);
    if (!a)
        return 0;
    size_t vn;
    const char *v = attr_value(R, a, &vn);
    return !spend(R, vn / TEXT_PER_OP) && has_token(v, t->name, t->nlen, 0);
}

static int id_test(struct run *R, xmlNodePtr n, const struct mw_css_test *t)
{
    xmlAttrPtr a = find_attr(n, "id", 0);
    if (!a)
        return 0;
    size_t vn;
    const char *v = attr_value(R, a, &vn);
    return vn == t->nlen && memcmp(v, t->name, vn) == 0;
}

/* The sibling counts of t's type (struct typed), made in one pass over the index; NULL when the run stops. */
static const struct typed *typed_counts(struct run *R, const struct mw_css_test *t)
{
    for (int k = 0; k < R->ntyped; k++)
        if (R->typed[k].qname == t->qname && strcmp(R->typed[k].name, t->name) == 0)
            return &R->typed[k];
    size_t n = (size_t)R->n;
    if (hold(R, sizeof(struct typed) + (2 * n + 1) * sizeof(int)) || spend(R, n))
        return NULL;
    struct typed *v = realloc(R->typed, ((size_t)R->ntyped + 1) * sizeof *v);
    if (!v) {
        no_memory(R);
        return NULL;
    }
    R->typed = v;
    struct typed *ty = &v[R->ntyped];
    ty->upto = malloc(n * sizeof(int) + 1);
    ty->total = calloc(n + 1, sizeof(int));
    if (!ty->upto || !ty->total) {
        free(ty->upto);
        free(ty->total);
        no_memory(R);
        return NULL;
    }
    R->ntyped++;
    ty->name = t->name;
    ty->qname = t->qname;
    for (int i = 0; i < R->n; i++) {   /* a previous sibling comes before in the index */
        const struct el *e = &R->e[i];
        int is = type_is(e->n, t);
        ty->upto[i] = (e->prev >= 0 ? ty->upto[e->prev] : 0) + is;
        ty->total[e->parent + 1] += is;
    }
    return ty;
}

/* Position among the element siblings of t's type, counted from the end when t->last: a walk along the
 * siblings while it is short (most pages), else the counts of typed_counts, so a long flat list of siblings
 * costs one pass instead of a walk per element. Past b, when nothing more can match, the walk stops. -1
 * when the run stops. */
#define WALK_MAX 24
static long typed_pos(struct run *R, int i, const struct mw_css_test *t)
{
    const struct el *e = &R->e[i];
    long stop = t->a <= 0 ? t->b : LONG_MAX, p = 1;
    int k = 0;
    for (xmlNodePtr s = t->last ? e->n->next : e->n->prev; s && p <= stop; s = t->last ? s->next : s->prev) {
        if (++k > WALK_MAX) {
            const struct typed *ty = typed_counts(R, t);
            if (!ty)
                return -1;
            int upto = ty->upto[i];   /* siblings of the type before it, and it if it is one */
            return t->last ? (long)ty->total[e->parent + 1] - upto + 1 : (long)upto - type_is(e->n, t) + 1;
        }
        if (s->type == XML_ELEMENT_NODE && type_is(s, t))
            p++;
    }
    return spend(R, (unsigned long long)k * OP_STEP) ? -1 : p;
}

/* position p among the (typed) siblings, counted from the end when last, for p = an + b */
static int nth_test(struct run *R, int i, const struct mw_css_test *t)
{
    const struct el *e = &R->e[i];
    long p;
    if (!t->typed) {
        int kids = e->parent >= 0 ? R->e[e->parent].nkids : R->ntop;
        p = t->last ? kids - e->pos + 1 : e->pos;
    } else {
        p = typed_pos(R, i, t);
        if (p < 0)
            return 0;
    }
    if (t->a == 0)
        return p == t->b;
    long d = p - t->b;
    return d % t->a == 0 && d / t->a >= 0;
}

static int empty_test(struct run *R, xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE || spend(R, 1))
            return 0;
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            const xmlChar *s = c->content;
            while (is_xws(*s))
                s++;
            if (*s || spend(R, (unsigned long long)(s - c->content) / TEXT_PER_OP))
                return 0;
        }
    }
    return 1;
}

static int is_html(xmlNodePtr n, const char *name) { return !n->ns && strcmp((const char *)n->name, name) == 0; }

static int checked_test(struct run *R, xmlNodePtr n)
{
    if (is_html(n, "option"))
        return find_attr(n, "selected", 0) != NULL;
    if (!is_html(n, "input") || !find_attr(n, "checked", 0))
        return 0;
    xmlAttrPtr a = find_attr(n, "type", 0);
    size_t vn;
    const char *v = a ? attr_value(R, a, &vn) : NULL;
    return v && (strcmp(v, "checkbox") == 0 || strcmp(v, "radio") == 0);
}

static int lang_test(struct run *R, xmlNodePtr n, const struct mw_css_test *t)
{
    for (; n && n->type == XML_ELEMENT_NODE && !spend(R, OP_STEP); n = n->parent) {
        xmlAttrPtr a = find_attr(n, "lang", 0);
        if (!a)
            continue;
        size_t vn;
        const char *v = attr_value(R, a, &vn);
        return vn >= t->nlen && eq(v, t->name, t->nlen, 1) && (vn == t->nlen || v[t->nlen] == '-');
    }
    return 0;
}

static int contains_test(struct run *R, xmlNodePtr n, const struct mw_css_test *t)
{
    size_t len;
    const char *s = text_value(R, n, &len);
    for (size_t k = 0; k < t->nstrs && !spend(R, len / TEXT_PER_OP + 1); k++)
        if (t->slens[k] == 0 || memmem(s, len, t->strs[k], t->slens[k]))
            return 1;
    return 0;
}

/* The elements with a match of one of l's relative selectors, anchored at them. A selector c1 .. cn gives the
 * set of cn, then of each c(k) with a c(k+1) in the right relation, right to left, then of the anchors:
 * each step one pass over the index, whatever the nesting. */
static void related(struct run *R, char comb, const unsigned char *T, unsigned char *U)
{
    const struct el *e = R->e;
    memset(U, 0, (size_t)R->n);
    spend(R, (unsigned long long)R->n);
    switch (comb) {
    case '>':   /* U: has a child in T */
        for (int j = 0; j < R->n; j++)
            if (T[j] && e[j].parent >= 0)
                U[e[j].parent] = 1;
        break;
    case '+':   /* next element sibling in T */
        for (int j = 0; j < R->n; j++)
            if (T[j] && e[j].prev >= 0)
                U[e[j].prev] = 1;
        break;
    case '~':   /* a later sibling in T: j's later siblings come after j */
        for (int j = R->n - 1; j >= 0; j--)
            if ((T[j] || U[j]) && e[j].prev >= 0)
                U[e[j].prev] = 1;
        break;
    default:    /* a descendant in T: j's descendants come after j */
        for (int j = R->n - 1; j >= 0; j--)
            if ((T[j] || U[j]) && e[j].parent >= 0)
                U[e[j].parent] = 1;
        break;
    }
}

static const unsigned char *has_set(struct run *R, const struct mw_css_list *l)
{
    if (R->has[l->id])
        return R->has[l->id];
    size_t n = (size_t)R->n;
    if (hold(R, 3 * (n + 1)))
        return NULL;
    unsigned char *out = calloc(n + 1, 1), *T = malloc(n + 1), *U = malloc(n + 1);
    if (!out || !T || !U) {
        no_memory(R);
        free(out);
        out = NULL;
        goto done;
    }
    for (size_t x = 0; x < l->n && !spend(R, 0); x++) {
        const struct mw_css_complex *cx = &l->v[x];
        for (int i = 0; i < R->n; i++)
            T[i] = (unsigned char)compound_tests(R, &cx->c[cx->n - 1], i);
        for (size_t k = cx->n - 1; k-- > 0;) {
            related(R, cx->c[k + 1].comb, T, U);
            for (int i = 0; i < R->n; i++)
                T[i] = U[i] && compound_tests(R, &cx->c[k], i);
        }
        related(R, cx->lead ? cx->lead : ' ', T, U);
        for (int i = 0; i < R->n; i++)
            out[i] |= U[i];
    }
    R->has[l->id] = out;
done:
    free(T);
    free(U);
    unhold(R, 2 * (n + 1));
    return out;
}

static int list_any(struct run *R, const struct mw_css_list *l, int i)
{
    for (size_t x = 0; x < l->n; x++)
        if (match_at(R, &l->v[x], l->v[x].n - 1, i, -1))   /* :not() and :is() look at the whole tree */
            return 1;
    return 0;
}

static int test(struct run *R, const struct mw_css_test *t, int i)
{
    xmlNodePtr n = R->e[i].n;
    const struct el *e = &R->e[i];
    switch ((enum mw_css_op)t->op) {
    case MW_CSS_TYPE: return type_is(n, t);
    case MW_CSS_ID: return id_test(R, n, t);
    case MW_CSS_CLASS: return class_test(R, n, t);
    case MW_CSS_ATTR: return attr_test(R, n, t);
    case MW_CSS_FIRST_CHILD: return e->prev < 0;
    case MW_CSS_LAST_CHILD: return e->pos == (e->parent >= 0 ? R->e[e->parent].nkids : R->ntop);
    case MW_CSS_ONLY_CHILD: return (e->parent >= 0 ? R->e[e->parent].nkids : R->ntop) == 1;
    case MW_CSS_NTH: return nth_test(R, i, t);
    case MW_CSS_EMPTY: return empty_test(R, n);
    case MW_CSS_ROOT: return e->parent < 0;
    case MW_CSS_LINK: return (is_html(n, "a") || is_html(n, "area")) && find_attr(n, "href", 0);
    case MW_CSS_CHECKED: return checked_test(R, n);
    case MW_CSS_NOT: return !list_any(R, t->list, i);
    case MW_CSS_IS: return list_any(R, t->list, i);
    case MW_CSS_HAS: {
        const unsigned char *h = has_set(R, t->list);
        return h && h[i];
    }
    case MW_CSS_CONTAINS: return contains_test(R, n, t);
    case MW_CSS_LANG: return lang_test(R, n, t);
    case MW_CSS_NEVER: return 0;
    }
    return 0;
}

/* The tests of c on element i, charged by the caller. */
static int tests_of(struct run *R, const struct mw_css_compound *c, int i)
{
    for (size_t j = 0; j < c->n; j++)
        if (!test(R, &c->t[j], i))
            return 0;
    return 1;
}

static int compound_tests(struct run *R, const struct mw_css_compound *c, int i)
{
    return !spend(R, OP_TEST * c->n) && tests_of(R, c, i);
}

/* ---- combinators, right to left ---- */

/* Whether x, or an ancestor of x (sib: a previous sibling) matches compound k, with the Q memo. Ancestors
 * must lie below limit (the context element's index; -1: the whole tree). */
static int exists(struct run *R, const struct mw_css_complex *cx, size_t k, int x, int limit, int sib)
{
    unsigned char *m = memo_of(R, &cx->c[k]);
    if (!m)
        return 0;
    int floor = sib ? -1 : limit, y = x, r = 0;
    while (y > floor && !spend(R, OP_STEP)) {
        if (m[y] & Q_KNOWN) {
            r = (m[y] & Q_YES) != 0;
            break;
        }
        if (match_at(R, cx, k, y, limit)) {
            r = 1;
            m[y] |= Q_KNOWN | Q_YES;
            break;
        }
        y = sib ? R->e[y].prev : R->e[y].parent;
    }
    for (int z = x; z != y; z = sib ? R->e[z].prev : R->e[z].parent)
        m[z] |= (unsigned char)(Q_KNOWN | (r ? Q_YES : 0));
    return r;
}

/* Whether the compounds left of k are satisfied for element i, matched by compound k. */
static int step(struct run *R, const struct mw_css_complex *cx, size_t k, int i, int limit)
{
    if (k == 0)
        return 1;
    const struct el *e = &R->e[i];
    switch (cx->c[k].comb) {
    case '>': return e->parent > limit && match_at(R, cx, k - 1, e->parent, limit);
    case '+': return e->prev >= 0 && match_at(R, cx, k - 1, e->prev, limit);
    case '~': return exists(R, cx, k - 1, e->prev, limit, 1);
    default: return exists(R, cx, k - 1, e->parent, limit, 0);
    }
}

/* Whether element i matches compound k of cx and everything left of it (M memo). */
static int match_at(struct run *R, const struct mw_css_complex *cx, size_t k, int i, int limit)
{
    unsigned char *m = memo_of(R, &cx->c[k]);
    if (!m)
        return 0;
    if (m[i] & M_KNOWN)
        return (m[i] & M_YES) != 0;
    int r = compound_tests(R, &cx->c[k], i) && step(R, cx, k, i, limit);
    m[i] |= (unsigned char)(M_KNOWN | (r ? M_YES : 0));
    return r;
}

static void run_free(struct run *R, const struct mw_css_prog *p)
{
    for (int k = 0; R->memo && k < p->ncompounds; k++)
        free(R->memo[k]);
    for (int k = 0; R->has && k < p->nhas; k++)
        free(R->has[k]);
    for (int k = 0; k < R->ntyped; k++) {
        free(R->typed[k].upto);
        free(R->typed[k].total);
    }
    free(R->typed);
    free(R->memo);
    free(R->has);
    free(R->e);
    mw_buf_free(&R->text);
}

static int is_container(xmlNodePtr n)
{
    return n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE ||
           n->type == XML_DOCUMENT_FRAG_NODE;
}

/* Fills ns with the matches; -1 when out of memory. */
static int run_select(struct run *R, const struct mw_css_prog *p, xmlNodePtr ctx, xmlNodeSetPtr ns)
{
    xmlNodePtr top = ctx;
    while (top->parent)
        top = top->parent;
    R->ctx = -1;
    R->end = -1;
    if (build(R, top, ctx))
        return -1;
    if (ctx->type != XML_ELEMENT_NODE)
        R->end = R->n;
    else if (R->ctx < 0 || R->end < 0)
        return 0;   /* not reachable from its own top: nothing under it is indexed */
    if (hold(R, ((size_t)p->ncompounds + (size_t)p->nhas + 2) * sizeof *R->memo))
        return -1;
    R->memo = calloc((size_t)p->ncompounds + 1, sizeof *R->memo);
    R->has = calloc((size_t)p->nhas + 1, sizeof *R->has);
    if (!R->memo || !R->has)
        return -1;
    unsigned long long per = 0;   /* what the candidates' own compounds cost, charged once per candidate */
    for (size_t x = 0; x < p->top.n; x++)
        per += OP_TEST * p->top.v[x].c[p->top.v[x].n - 1].n;
    for (int i = R->ctx + 1; i < R->end && ((i & 63) || !spend(R, 64 * per)); i++) {
        for (size_t x = 0; x < p->top.n; x++) {
            const struct mw_css_complex *cx = &p->top.v[x];
            size_t k = cx->n - 1;   /* the candidate's own compound: no memo, it is asked once */
            if (tests_of(R, &cx->c[k], i) && step(R, cx, k, i, R->ctx)) {
                if (xmlXPathNodeSetAddUnique(ns, R->e[i].n) < 0)
                    return -1;
                break;
            }
        }
    }
    return R->nomem || R->over ? -1 : 0;
}

xmlXPathObjectPtr mw_css_match_select(const struct mw_css_prog *p, xmlNodePtr ctx, const char *sel,
                                      struct mw_css_limits *lim, struct mw_err *err)
{
    if (!p || !ctx) {
        mw_err_set(err, MW_EINVAL, "css", "mw_css_match_select: NULL %s", p ? "context node" : "program");
        return NULL;
    }
    xmlNodeSetPtr ns = xmlXPathNodeSetCreate(NULL);
    struct run R = {0};
    mw_buf_init(&R.text, 0);
    if (lim) {
        R.max_ops = lim->max_ops;
        R.max_bytes = lim->max_bytes;
    }
    R.stop_at = R.max_ops ? R.max_ops : ULLONG_MAX;
    if (!R.max_ops)
        R.max_ops = ULLONG_MAX;
    int rc = ns ? 0 : -1;
    if (!rc && is_container(ctx))
        rc = run_select(&R, p, ctx, ns);
    run_free(&R, p);
    if (lim) {
        lim->ops = R.ops;
        lim->bytes = R.peak;
    }
    xmlXPathObjectPtr o = rc ? NULL : xmlXPathWrapNodeSet(ns);
    if (!o) {
        xmlXPathFreeNodeSet(ns);
        if (R.over == 1)
            mw_err_set(err, MW_ELIMIT, "css", "selector \"%.200s\" needs more than %llu operations", sel ? sel : "",
                       R.max_ops);
        else if (R.over == 2)
            mw_err_set(err, MW_ELIMIT, "css", "selector \"%.200s\" needs more than %zu KB of memory",
                       sel ? sel : "", R.max_bytes >> 10);
        else
            mw_err_set(err, MW_ENOMEM, "css", "out of memory selecting \"%.200s\"", sel ? sel : "");
    }
    return o;
}
