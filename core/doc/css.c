/* doc/css.c: CSS selectors parsed once into both XPath 1.0 text and a native matcher program (run by
 * doc/css_match.c), an LRU cache of compiled selectors, and evaluation. Parsing HTML is doc/html.c; what is
 * done with the selected nodes belongs to the callers.
 * Not thread-safe: a cache (and libxml2's compiled expressions it holds) belongs to one thread. */
#include "doc/css.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xpathInternals.h>

#include "common/buf.h"
#include "doc/css_match.h"

/* ---- limits: every cap of the compile step is here ----
 * Rules write short selectors; the caps bound the work a hostile or broken rule can cause in C,
 * where the Lua instruction hook cannot stop it. The native matcher's time and memory grow with
 * elements x compounds, whatever the nesting, so COMPOUND_MAX bounds a selection's cost per element. */
#define SEL_MAX 4096           /* bytes of selector text */
#define DEPTH_MAX 16           /* nesting of functional pseudo-classes: :not, :is, :has (and :has in :has) */
#define COMPOUND_MAX 64        /* compound selectors in the whole selector, nested ones counted */
#define XPATH_MAX (1u << 20)   /* bytes of generated XPath */

#define UPPER "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
#define LOWER "'abcdefghijklmnopqrstuvwxyz'"

/* ---- selector structure ---- */

struct compound {
    char comb;            /* how it joins the previous compound: ' ', '>', '+', '~'; 0 for the first */
    char *type;           /* XPath node test ("div", or "*[name()='fb:like']"); NULL for any element */
    struct mw_buf preds;  /* predicates on the element itself: "[..][..]", none positional */
    char *name;           /* the type as written (lower-cased), NULL for any element */
    struct mw_css_compound m;   /* the same tests for the native matcher (doc/css_match.h), in order */
};

struct complex {
    char lead;            /* leading combinator of a relative selector, as in :has(> p); 0 otherwise */
    struct compound *v;
    size_t n, cap;
};

struct sel_list {
    struct complex *v;
    size_t n, cap;
};

struct parser {
    const char *sel;      /* the whole selector, for messages */
    const char *p;        /* cursor */
    struct mw_err *err;
    int depth;            /* nesting of functional pseudo-classes */
    int ncompounds;       /* compounds so far, nested ones counted */
    int failed;           /* a parse error is recorded: stop at the next check */
    int nomem;            /* an append failed: output is incomplete, report at the end */
};

static void complex_free(struct complex *cx)
{
    for (size_t i = 0; i < cx->n; i++) {
        free(cx->v[i].type);
        free(cx->v[i].name);
        mw_buf_free(&cx->v[i].preds);
        mw_css_match_compound_clear(&cx->v[i].m);
    }
    free(cx->v);
    memset(cx, 0, sizeof *cx);
}

static void list_free(struct sel_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        complex_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- characters ---- */

static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_hex(int c) { return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
static int is_alpha(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_name_start(int c) { return is_alpha(c) || c == '_' || c >= 0x80; }
static int is_name(int c) { return is_name_start(c) || is_digit(c) || c == '-'; }
static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static unsigned char at(const char *p) { return (unsigned char)*p; }

static int valid_escape(const char *p) { return p[0] == '\\' && p[1] && p[1] != '\n' && p[1] != '\r' && p[1] != '\f'; }

static int ident_start(const char *p)
{
    if (is_name_start(at(p)) || valid_escape(p))
        return 1;
    return p[0] == '-' && (is_name_start(at(p + 1)) || p[1] == '-' || valid_escape(p + 1));
}

static int compound_start(const char *p)
{
    return *p == '*' || *p == '#' || *p == '.' || *p == '[' || *p == ':' || ident_start(p);
}

static void skip_ws(struct parser *P)
{
    while (is_ws(at(P->p)))
        P->p++;
}

/* ---- errors and output ---- */

static int column(const char *s, const char *p)
{
    int col = 1;
    for (; s < p; s++)
        if ((at(s) & 0xC0) != 0x80)   /* count characters, not UTF-8 continuation bytes */
            col++;
    return col;
}

static const char *describe(const char *p, char tmp[8])
{
    if (!*p)
        return "end of selector";
    if (at(p) >= 0x20 && at(p) < 0x7f) {
        snprintf(tmp, 8, "'%c'", *p);
        return tmp;
    }
    return "a character";
}

static int perr(struct parser *P, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(struct parser *P, const char *where, const char *fmt, ...)
{
    if (P->failed)
        return -1;
    P->failed = 1;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    mw_err_set(P->err, MW_EPARSE, "css", "bad selector \"%.280s%s\": %s at column %d", P->sel,
               strlen(P->sel) > 280 ? "..." : "", what, column(P->sel, where));
    return -1;
}

static void put(struct parser *P, struct mw_buf *b, const char *s)
{
    if (mw_buf_appends(b, s))
        P->nomem = 1;
}

static void putn(struct parser *P, struct mw_buf *b, const char *s, size_t n)
{
    if (mw_buf_append(b, s, n))
        P->nomem = 1;
}

static void putf(struct parser *P, struct mw_buf *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void putf(struct parser *P, struct mw_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)   /* only short numeric formats come here */
        P->nomem = 1;
    else
        putn(P, b, tmp, (size_t)n);
}

/* An XPath 1.0 string literal: it has no escapes, so a value holding both quote kinds is a concat(). */
static void put_literal(struct parser *P, struct mw_buf *b, const char *s, size_t n)
{
    if (!memchr(s, '\'', n)) {
        put(P, b, "'");
        putn(P, b, s, n);
        put(P, b, "'");
    } else if (!memchr(s, '"', n)) {
        put(P, b, "\"");
        putn(P, b, s, n);
        put(P, b, "\"");
    } else {
        put(P, b, "concat('");
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\'')
                put(P, b, "', \"'\", '");
            else
                putn(P, b, s + i, 1);
        }
        put(P, b, "')");
    }
}

static void put_literals(struct parser *P, struct mw_buf *b, const char *s) { put_literal(P, b, s, strlen(s)); }

static void put_utf8(struct parser *P, struct mw_buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    /* what XML cannot hold cannot match, and libxml2 rejects it in a literal: U+FFFD instead */
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    putn(P, b, u, n);
}

/* The first byte that is not valid UTF-8 or is a control character XPath cannot carry, or NULL. */
static const char *bad_byte(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c < 0x20 && !is_ws((int)c))
                return (const char *)p;
            p++;
            continue;
        }
        int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
        if (n < 0 || c > 0xF4)
            return (const char *)p;
        unsigned long cp = c & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return (const char *)p;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
            return (const char *)p;
        p += n + 1;
    }
    return NULL;
}

/* ---- tokens ---- */

/* At a valid escape: "\41 " is a code point, "\:" the character itself. */
static void parse_escape(struct parser *P, struct mw_buf *b)
{
    const char *s = ++P->p;
    if (is_hex(at(s))) {
        unsigned long cp = 0;
        int n = 0;
        while (n < 6 && is_hex(at(s))) {
            cp = cp * 16 + (unsigned long)(is_digit(at(s)) ? *s - '0' : (*s | 32) - 'a' + 10);
            s++, n++;
        }
        if (s[0] == '\r' && s[1] == '\n')
            s += 2;
        else if (is_ws(at(s)))
            s++;
        P->p = s;
        put_utf8(P, b, cp);
        return;
    }
    size_t n = 1;   /* copy one whole UTF-8 character */
    while ((at(s + n) & 0xC0) == 0x80)
        n++;
    putn(P, b, s, n);
    P->p = s + n;
}

/* Name characters and escapes; ASCII lower-cased when fold. */
static void parse_name(struct parser *P, struct mw_buf *b, int fold)
{
    for (;;) {
        int c = at(P->p);
        if (c == '\\' && valid_escape(P->p)) {
            parse_escape(P, b);
        } else if (is_name(c)) {
            char ch = (char)(fold ? lower(c) : c);
            putn(P, b, &ch, 1);
            P->p++;
        } else {
            return;
        }
    }
}

static int parse_ident(struct parser *P, struct mw_buf *b, int fold, const char *what)
{
    if (!ident_start(P->p)) {
        char tmp[8];
        return perr(P, P->p, "expected %s, found %s", what, describe(P->p, tmp));
    }
    parse_name(P, b, fold);
    return 0;
}

static int parse_string(struct parser *P, struct mw_buf *b)
{
    char q = *P->p++;
    for (;;) {
        char c = *P->p;
        if (c == q) {
            P->p++;
            if (!b->data)   /* an empty string is still a value */
                put(P, b, "");
            return 0;
        }
        if (!c)
            return perr(P, P->p, "expected %c to close the string", q);
        if (c == '\n' || c == '\r' || c == '\f')
            return perr(P, P->p, "newline in string");
        if (c == '\\') {
            if (P->p[1] == '\r' && P->p[2] == '\n')
                P->p += 3;
            else if (P->p[1] == '\n' || P->p[1] == '\r' || P->p[1] == '\f')
                P->p += 2;   /* an escaped newline continues the string */
            else if (!P->p[1])
                P->p++;
            else
                parse_escape(P, b);
            continue;
        }
        putn(P, b, P->p, 1);
        P->p++;
    }
}

/* A name usable as an XPath name test: anything else is matched with name() = '...'. */
static int simple_name(const char *s)
{
    if (!is_alpha(at(s)) && *s != '_')
        return 0;
    for (; *s; s++)
        if (!is_alpha(at(s)) && !is_digit(at(s)) && *s != '_' && *s != '-' && *s != '.')
            return 0;
    return 1;
}

static char *node_test(struct parser *P, const char *name)
{
    struct mw_buf b;
    mw_buf_init(&b, XPATH_MAX);
    if (simple_name(name)) {
        put(P, &b, name);
    } else {
        put(P, &b, "*[name()=");
        put_literals(P, &b, name);
        put(P, &b, "]");
    }
    return mw_buf_steal(&b, NULL);
}

static void put_attr(struct parser *P, struct mw_buf *b, const char *name)
{
    if (simple_name(name)) {
        put(P, b, "@");
        put(P, b, name);
    } else {
        put(P, b, "@*[name()=");
        put_literals(P, b, name);
        put(P, b, "]");
    }
}

/* ---- the native program: each predicate written above gets its test too ---- */

static char *dupn(struct parser *P, const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) {
        P->nomem = 1;
        return NULL;
    }
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void nat_add(struct parser *P, struct compound *cp, struct mw_css_test *t)
{
    if (mw_css_match_add_test(&cp->m, t))
        P->nomem = 1;
}

static void nat_op(struct parser *P, struct compound *cp, enum mw_css_op op)
{
    struct mw_css_test t = {.op = (unsigned char)op};
    nat_add(P, cp, &t);
}

/* A test on a name (type, id, class, lang) or, with val, on an attribute. */
static void nat_named(struct parser *P, struct compound *cp, enum mw_css_op op, const char *name, size_t n)
{
    struct mw_css_test t = {.op = (unsigned char)op, .name = dupn(P, name, n), .nlen = n};
    t.qname = (op == MW_CSS_TYPE || op == MW_CSS_ATTR) && !simple_name(name);
    nat_add(P, cp, &t);
}

static void nat_attr(struct parser *P, struct compound *cp, const char *name, char op, const char *v, size_t vn,
                     int ci)
{
    struct mw_css_test t = {.op = MW_CSS_ATTR, .aop = (unsigned char)op, .ci = (unsigned char)ci,
                            .qname = (unsigned char)!simple_name(name), .name = dupn(P, name, strlen(name)),
                            .nlen = strlen(name), .val = dupn(P, v, vn), .vlen = vn};
    nat_add(P, cp, &t);
}

/* :nth-child and kin; typed ones count the siblings of type tc (the compound, or the one :not is in). */
static void nat_nth(struct parser *P, struct compound *cp, long a, long b, int last, const struct compound *tc)
{
    struct mw_css_test t = {.op = MW_CSS_NTH, .a = a, .b = b, .last = (unsigned char)last};
    if (tc) {
        t.typed = 1;
        t.qname = (unsigned char)!simple_name(tc->name);
        t.name = dupn(P, tc->name, strlen(tc->name));
        t.nlen = strlen(tc->name);
    }
    nat_add(P, cp, &t);
}

static void nat_string(struct parser *P, struct mw_css_test *t, const char *v, size_t n)
{
    char **sv = realloc(t->strs, (t->nstrs + 1) * sizeof *sv);
    if (sv)
        t->strs = sv;
    size_t *lv = sv ? realloc(t->slens, (t->nstrs + 1) * sizeof *lv) : NULL;
    if (lv)
        t->slens = lv;
    char *d = lv ? dupn(P, v, n) : NULL;
    if (!d) {
        P->nomem = 1;
        return;
    }
    t->strs[t->nstrs] = d;
    t->slens[t->nstrs++] = n;
}

/* Moves the native tests of l's compounds into out, the program's form of the list. */
static void nat_take(struct parser *P, struct sel_list *l, struct mw_css_list *out)
{
    for (size_t i = 0; i < l->n; i++) {
        struct mw_css_complex *cx = mw_css_match_add_complex(out, l->v[i].lead);
        if (!cx) {
            P->nomem = 1;
            return;
        }
        for (size_t k = 0; k < l->v[i].n; k++) {
            struct compound *cp = &l->v[i].v[k];
            struct mw_css_compound *m = mw_css_match_add_compound(cx, cp->comb);
            if (!m) {
                P->nomem = 1;
                return;
            }
            *m = cp->m;
            m->comb = cp->comb;
            memset(&cp->m, 0, sizeof cp->m);
        }
    }
}

/* ---- XPath generation ---- */

/* One location step: axis, node test, then the compound's own predicates. '+' takes the first
 * following (or preceding) element sibling and tests its type afterwards. */
static void gen_step(struct parser *P, struct mw_buf *b, const char *axis, int adjacent,
                     const struct compound *cp)
{
    put(P, b, axis);
    if (adjacent) {
        put(P, b, "*[1]");
        if (cp->type) {
            put(P, b, "[self::");
            put(P, b, cp->type);
            put(P, b, "]");
        }
    } else {
        put(P, b, cp->type ? cp->type : "*");
    }
    putn(P, b, cp->preds.data, cp->preds.len);
}

static const char *forward_axis(char comb)
{
    switch (comb) {
    case '>': return "";
    case '+':
    case '~': return "following-sibling::";
    default: return "descendant::";
    }
}

static const char *reverse_axis(char comb)
{
    switch (comb) {
    case '>': return "parent::";
    case '+':
    case '~': return "preceding-sibling::";
    default: return "ancestor::";
    }
}

/* A path from the context node down to the matches: "div > p" -> descendant::div/p. */
static void gen_forward(struct parser *P, struct mw_buf *b, const struct complex *cx, char first)
{
    for (size_t i = 0; i < cx->n; i++) {
        char comb = i ? cx->v[i].comb : first;
        if (i)
            put(P, b, "/");
        gen_step(P, b, forward_axis(comb), comb == '+', &cx->v[i]);
    }
}

/* A test that the context node itself matches, walking the selector right to left:
 * "div > p" -> self::p[parent::div]. */
static void gen_reverse(struct parser *P, struct mw_buf *b, const struct complex *cx, size_t i,
                        const char *axis, int adjacent)
{
    gen_step(P, b, axis, adjacent, &cx->v[i]);
    if (i > 0) {
        char k = cx->v[i].comb;
        put(P, b, "[");
        gen_reverse(P, b, cx, i - 1, reverse_axis(k), k == '+');
        put(P, b, "]");
    }
}

static void gen_self_list(struct parser *P, struct mw_buf *b, const struct sel_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            put(P, b, " or ");
        gen_reverse(P, b, &l->v[i], l->v[i].n - 1, "self::", 0);
    }
}

/* Position p = count(<axis>::<test>) + 1 among the counted siblings; an+b matches when p = an + b
 * for some n >= 0. Emitted as comparisons on the count c = p - 1 so nothing depends on the
 * step's own proximity positions. */
static void gen_nth(struct parser *P, struct mw_buf *b, long a, long bb, const char *axis, const char *test)
{
    struct mw_buf c;
    mw_buf_init(&c, XPATH_MAX);
    put(P, &c, "count(");
    put(P, &c, axis);
    put(P, &c, test);
    put(P, &c, ")");
    const char *cnt = c.data ? c.data : "";
    long m = a < 0 ? -a : a;
    if (a == 0 || a < 0) {
        if (bb < 1) {
            put(P, b, "[false()]");
            goto out;
        }
        put(P, b, "[");
        put(P, b, cnt);
        putf(P, b, a == 0 ? " = %ld]" : " <= %ld]", bb - 1);
    } else if (bb > 1) {
        put(P, b, "[");
        put(P, b, cnt);
        putf(P, b, " >= %ld]", bb - 1);
    }
    if (m > 1) {
        long k = ((1 - bb) % m + m) % m;   /* p - b = c + 1 - b, shifted to stay non-negative */
        put(P, b, k ? "[(" : "[");
        put(P, b, cnt);
        if (k)
            putf(P, b, " + %ld)", k);
        putf(P, b, " mod %ld = 0]", m);
    }
out:
    mw_buf_free(&c);
}

/* ---- parsing ---- */

static int parse_list(struct parser *P, struct sel_list *l, int relative, const struct compound *hint,
                      char end);

/* After [name: the operator, = or one of ~|^$*! before =, into *op. */
static int parse_attr_op(struct parser *P, char *op)
{
    *op = *P->p;
    if (*op == '=') {
        P->p++;
    } else if (*op && strchr("~|^$*!", *op) && P->p[1] == '=') {
        P->p += 2;
    } else {
        perr(P, P->p, "expected ']'");
        return -1;
    }
    return 0;
}

/* After the operator: the value (a string, or leniently a name), an i or s flag into *ci, and the ']'. */
static int parse_attr_value(struct parser *P, struct mw_buf *val, int *ci)
{
    char tmp[8];
    skip_ws(P);
    if (*P->p == '"' || *P->p == '\'') {
        if (parse_string(P, val))
            return -1;
    } else if (is_name(at(P->p)) || valid_escape(P->p)) {
        parse_name(P, val, 0);   /* lenient: [data-id=42] is common in rules though CSS wants "42" */
    } else {
        perr(P, P->p, "expected attribute value, found %s", describe(P->p, tmp));
        return -1;
    }
    skip_ws(P);
    if (((*P->p | 32) == 'i' || (*P->p | 32) == 's') && (is_ws(at(P->p + 1)) || P->p[1] == ']')) {
        *ci = (*P->p | 32) == 'i';
        P->p++;
        skip_ws(P);
    }
    if (*P->p != ']') {
        perr(P, P->p, "expected ']'");
        return -1;
    }
    P->p++;
    return 0;
}

/* [a~=v]: v is one of A's whitespace-separated words. */
static void put_word_match(struct parser *P, struct mw_buf *b, const char *A, const char *v, size_t vn)
{
    put(P, b, "contains(concat(' ', normalize-space(");
    put(P, b, A);
    put(P, b, "), ' '), ");
    struct mw_buf t;
    mw_buf_init(&t, XPATH_MAX);
    put(P, &t, " ");
    putn(P, &t, v, vn);
    put(P, &t, " ");
    put_literal(P, b, t.data ? t.data : "", t.len);
    mw_buf_free(&t);
    put(P, b, ")");
}

/* [a|=v]: A is v, or starts with v-. */
static void put_dash_match(struct parser *P, struct mw_buf *b, const char *A, const char *v, size_t vn)
{
    put(P, b, A);
    put(P, b, " = ");
    put_literal(P, b, v, vn);
    put(P, b, " or starts-with(");
    put(P, b, A);
    put(P, b, ", ");
    struct mw_buf t;
    mw_buf_init(&t, XPATH_MAX);
    putn(P, &t, v, vn);
    put(P, &t, "-");
    put_literal(P, b, t.data ? t.data : "", t.len);
    mw_buf_free(&t);
    put(P, b, ")");
}

/* The XPath comparison of op between A (the attribute as compared) and the value v of nchars characters. */
static void put_attr_compare(struct parser *P, struct mw_buf *b, char op, const char *A, const char *v, size_t vn,
                             size_t nchars)
{
    switch (op) {
    case '=':
    case '!':
        put(P, b, A);
        put(P, b, " = ");
        put_literal(P, b, v, vn);
        break;
    case '~':
        put_word_match(P, b, A, v, vn);
        break;
    case '|':
        put_dash_match(P, b, A, v, vn);
        break;
    case '^':
        put(P, b, "starts-with(");
        put(P, b, A);
        put(P, b, ", ");
        put_literal(P, b, v, vn);
        put(P, b, ")");
        break;
    case '$':   /* XPath 1.0 has no ends-with: compare the last n characters */
        put(P, b, "substring(");
        put(P, b, A);
        put(P, b, ", string-length(");
        put(P, b, A);
        putf(P, b, ") - %zu) = ", nchars - 1);
        put_literal(P, b, v, vn);
        break;
    case '*':
        put(P, b, "contains(");
        put(P, b, A);
        put(P, b, ", ");
        put_literal(P, b, v, vn);
        put(P, b, ")");
        break;
    }
}

/* The test [nm op v], ci folding ASCII case, onto cp: XPath predicate and native test. */
static void attr_test(struct parser *P, struct compound *cp, const char *nm, char op, char *v, size_t vn, int ci)
{
    struct mw_buf *b = &cp->preds;
    if (ci)
        for (size_t i = 0; i < vn; i++)
            v[i] = (char)lower(at(v + i));
    /* the attribute's value as compared: translate() folds ASCII case for the i flag */
    struct mw_buf av;
    mw_buf_init(&av, XPATH_MAX);
    if (ci) {
        put(P, &av, "translate(");
        put_attr(P, &av, nm);
        put(P, &av, ", " UPPER ", " LOWER ")");
    } else {
        put_attr(P, &av, nm);
    }
    size_t nchars = 0;
    for (size_t i = 0; i < vn; i++)
        if ((at(v + i) & 0xC0) != 0x80)
            nchars++;
    /* ~= ^= $= *= with an empty value never match; nor ~= with whitespace in the value */
    int never = (op != '=' && op != '|' && op != '!' && vn == 0) ||
                (op == '~' && strpbrk(v, " \t\n\r\f") != NULL);
    if (never) {
        put(P, b, "[false()]");
        nat_op(P, cp, MW_CSS_NEVER);
        mw_buf_free(&av);
        return;
    }
    nat_attr(P, cp, nm, op, v, vn, ci);
    put(P, b, op == '!' ? "[not(" : "[");
    if (ci) {   /* translate(@a) of a missing attribute is '', which must not match [a="" i] */
        put_attr(P, b, nm);
        put(P, b, " and (");
    }
    put_attr_compare(P, b, op, av.data ? av.data : "", v, vn, nchars);
    if (ci)
        put(P, b, ")");
    put(P, b, op == '!' ? ")]" : "]");
    mw_buf_free(&av);
}

static int parse_attr(struct parser *P, struct compound *cp)
{
    struct mw_buf name, val;
    mw_buf_init(&name, XPATH_MAX);
    mw_buf_init(&val, XPATH_MAX);
    int rc = -1, ci = 0;
    char op;
    P->p++;
    skip_ws(P);
    if (parse_ident(P, &name, 1, "attribute name"))
        goto out;
    skip_ws(P);
    const char *nm = name.data ? name.data : "";
    if (*P->p == ']') {   /* [name]: present */
        P->p++;
        put(P, &cp->preds, "[");
        put_attr(P, &cp->preds, nm);
        put(P, &cp->preds, "]");
        nat_attr(P, cp, nm, 0, "", 0, 0);
        rc = 0;
    } else if (!parse_attr_op(P, &op) && !parse_attr_value(P, &val, &ci)) {
        attr_test(P, cp, nm, op, val.data ? val.data : "", val.len, ci);
        rc = 0;
    }
out:
    mw_buf_free(&name);
    mw_buf_free(&val);
    return rc;
}

static int parse_nth(struct parser *P, long *a, long *b)
{
    skip_ws(P);
    const char *s = P->p;
    if ((strncasecmp(s, "odd", 3) == 0 || strncasecmp(s, "even", 4) == 0)) {
        int odd = (s[0] | 32) == 'o';
        const char *e = s + (odd ? 3 : 4);
        if (!is_name(at(e))) {
            *a = 2;
            *b = odd ? 1 : 0;
            P->p = e;
            goto close;
        }
    }
    long sign = 1, num = 0;
    if (*P->p == '+' || *P->p == '-')
        sign = *P->p++ == '-' ? -1 : 1;
    const char *d = P->p;
    while (is_digit(at(P->p))) {
        if (P->p - d >= 9)
            return perr(P, d, "number too large");
        num = num * 10 + (*P->p++ - '0');
    }
    if ((*P->p | 32) == 'n') {
        *a = P->p == d ? sign : sign * num;
        P->p++;
        skip_ws(P);
        *b = 0;
        if (*P->p == '+' || *P->p == '-') {
            long sg = *P->p++ == '-' ? -1 : 1;
            skip_ws(P);
            const char *e = P->p;
            num = 0;
            while (is_digit(at(P->p))) {
                if (P->p - e >= 9)
                    return perr(P, e, "number too large");
                num = num * 10 + (*P->p++ - '0');
            }
            if (P->p == e)
                return perr(P, e, "expected a number after the sign");
            *b = sg * num;
        }
    } else {
        if (P->p == d)
            return perr(P, s, "expected an+b, odd or even");
        *a = 0;
        *b = sign * num;
    }
close:
    skip_ws(P);
    if (*P->p != ')')
        return perr(P, P->p, "expected ')'");
    P->p++;
    return 0;
}

/* The strings of :contains("a", b) into b (XPath) and t (native). */
static int parse_strings(struct parser *P, struct mw_buf *b, struct mw_css_test *t)
{
    put(P, b, "[");
    for (int i = 0;; i++) {
        skip_ws(P);
        struct mw_buf s;
        mw_buf_init(&s, XPATH_MAX);
        int rc = 0;
        if (*P->p == '"' || *P->p == '\'') {
            rc = parse_string(P, &s);
        } else if (ident_start(P->p)) {
            parse_name(P, &s, 0);
        } else {
            char tmp[8];
            rc = perr(P, P->p, "expected a string, found %s", describe(P->p, tmp));
        }
        if (!rc) {
            put(P, b, i ? " or contains(., " : "contains(., ");
            put_literal(P, b, s.data ? s.data : "", s.len);
            put(P, b, ")");
            nat_string(P, t, s.data ? s.data : "", s.len);
        }
        mw_buf_free(&s);
        if (rc)
            return -1;
        skip_ws(P);
        if (*P->p == ',') {
            P->p++;
            continue;
        }
        if (*P->p != ')')
            return perr(P, P->p, "expected ')'");
        P->p++;
        put(P, b, "]");
        return 0;
    }
}

/* :contains("a", "b"): any of the strings in the element's text. */
static int parse_contains(struct parser *P, struct compound *cp)
{
    struct mw_buf *b = &cp->preds;
    struct mw_css_test t = {.op = MW_CSS_CONTAINS};
    int rc = parse_strings(P, b, &t);
    nat_add(P, cp, &t);
    return rc;
}

/* :lang(en) matches en and en-US, case-insensitively, inherited from the nearest lang attribute. */
static int parse_lang(struct parser *P, struct compound *cp)
{
    struct mw_buf *b = &cp->preds;
    skip_ws(P);
    struct mw_buf s;
    mw_buf_init(&s, XPATH_MAX);
    int rc = 0;
    if (*P->p == '"' || *P->p == '\'')
        rc = parse_string(P, &s);
    else
        rc = parse_ident(P, &s, 0, "a language");
    skip_ws(P);
    if (!rc && *P->p != ')')
        rc = perr(P, P->p, "expected ')'");
    if (!rc) {
        P->p++;
        for (size_t i = 0; i < s.len; i++)
            s.data[i] = (char)lower(at(s.data + i));
        nat_named(P, cp, MW_CSS_LANG, s.data ? s.data : "", s.len);
        put(P, &s, "-");
        const char *L = "translate(@lang, " UPPER ", " LOWER ")";
        put(P, b, "[ancestor-or-self::*[@lang][1][");
        put(P, b, L);
        put(P, b, " = ");
        put_literal(P, b, s.data ? s.data : "", s.len - 1);
        put(P, b, " or starts-with(");
        put(P, b, L);
        put(P, b, ", ");
        put_literal(P, b, s.data ? s.data : "", s.len);
        put(P, b, ")]]");
    }
    mw_buf_free(&s);
    return rc;
}

enum pseudo {
    PS_FIRST_CHILD, PS_LAST_CHILD, PS_ONLY_CHILD, PS_FIRST_OF_TYPE, PS_LAST_OF_TYPE, PS_ONLY_OF_TYPE,
    PS_EMPTY, PS_ROOT, PS_LINK, PS_CHECKED,
    PS_NTH_CHILD, PS_NTH_LAST_CHILD, PS_NTH_OF_TYPE, PS_NTH_LAST_OF_TYPE,
    PS_NOT, PS_IS, PS_HAS, PS_CONTAINS, PS_LANG
};

static const struct {
    const char *name;
    enum pseudo kind;
    int args;   /* functional: takes an argument in parentheses */
} pseudos[] = {
    {"first-child", PS_FIRST_CHILD, 0},
    {"last-child", PS_LAST_CHILD, 0},
    {"only-child", PS_ONLY_CHILD, 0},
    {"first-of-type", PS_FIRST_OF_TYPE, 0},
    {"last-of-type", PS_LAST_OF_TYPE, 0},
    {"only-of-type", PS_ONLY_OF_TYPE, 0},
    {"empty", PS_EMPTY, 0},
    {"root", PS_ROOT, 0},
    {"link", PS_LINK, 0},
    {"any-link", PS_LINK, 0},
    {"checked", PS_CHECKED, 0},
    {"nth-child", PS_NTH_CHILD, 1},
    {"nth-last-child", PS_NTH_LAST_CHILD, 1},
    {"nth-of-type", PS_NTH_OF_TYPE, 1},
    {"nth-last-of-type", PS_NTH_LAST_OF_TYPE, 1},
    {"not", PS_NOT, 1},
    {"is", PS_IS, 1},
    {"matches", PS_IS, 1},
    {"where", PS_IS, 1},
    {"has", PS_HAS, 1},
    {"contains", PS_CONTAINS, 1},
    {"-soup-contains", PS_CONTAINS, 1},
    {"lang", PS_LANG, 1},
};

/* After the colon: the pseudo-class name into name, its pseudos[] entry into *k, and its '(' if it takes one. */
static int parse_pseudo_name(struct parser *P, const char *colon, char name[64], size_t *kp)
{
    struct mw_buf nb;
    mw_buf_init(&nb, XPATH_MAX);
    if (parse_ident(P, &nb, 1, "pseudo-class name")) {
        mw_buf_free(&nb);
        return -1;
    }
    snprintf(name, 64, "%s", nb.data ? nb.data : "");
    mw_buf_free(&nb);
    size_t k = 0, np = sizeof pseudos / sizeof pseudos[0];
    while (k < np && strcmp(pseudos[k].name, name) != 0)
        k++;
    if (k == np)
        return perr(P, colon, "unknown pseudo-class ':%s'", name);
    int paren = *P->p == '(';
    if (pseudos[k].args && !paren)
        return perr(P, P->p, "':%s' needs an argument in parentheses", name);
    if (!pseudos[k].args && paren)
        return perr(P, P->p, "':%s' takes no argument", name);
    if (paren)
        P->p++;
    *kp = k;
    return 0;
}

/* :first-of-type, :last-of-type, :only-of-type: no sibling of tc's type before, after, or either. */
static void gen_of_type(struct parser *P, struct compound *cp, enum pseudo kind, const struct compound *tc)
{
    struct mw_buf *b = &cp->preds;
    if (kind != PS_LAST_OF_TYPE) {
        put(P, b, "[not(preceding-sibling::");
        put(P, b, tc->type);
        put(P, b, ")]");
        nat_nth(P, cp, 0, 1, 0, tc);
    }
    if (kind != PS_FIRST_OF_TYPE) {
        put(P, b, "[not(following-sibling::");
        put(P, b, tc->type);
        put(P, b, ")]");
        nat_nth(P, cp, 0, 1, 1, tc);
    }
}

/* A pseudo-class that is one fixed test. */
static void gen_fixed(struct parser *P, struct compound *cp, enum pseudo kind)
{
    struct mw_buf *b = &cp->preds;
    switch (kind) {
    case PS_FIRST_CHILD:
        put(P, b, "[not(preceding-sibling::*)]");
        nat_op(P, cp, MW_CSS_FIRST_CHILD);
        break;
    case PS_LAST_CHILD:
        put(P, b, "[not(following-sibling::*)]");
        nat_op(P, cp, MW_CSS_LAST_CHILD);
        break;
    case PS_ONLY_CHILD:
        put(P, b, "[not(preceding-sibling::*) and not(following-sibling::*)]");
        nat_op(P, cp, MW_CSS_ONLY_CHILD);
        break;
    /* Selectors 4 and soupsieve: whitespace-only text still counts as empty */
    case PS_EMPTY:
        put(P, b, "[not(*) and not(normalize-space())]");
        nat_op(P, cp, MW_CSS_EMPTY);
        break;
    case PS_ROOT:
        put(P, b, "[not(parent::*)]");
        nat_op(P, cp, MW_CSS_ROOT);
        break;
    case PS_LINK:
        put(P, b, "[(self::a or self::area) and @href]");
        nat_op(P, cp, MW_CSS_LINK);
        break;
    case PS_CHECKED:
        put(P, b, "[(self::input and (@type = 'checkbox' or @type = 'radio') and @checked)"
                  " or (self::option and @selected)]");
        nat_op(P, cp, MW_CSS_CHECKED);
        break;
    default:   /* the others are not one fixed test: parse_pseudo */
        break;
    }
}

/* :nth-child(an+b) and kin; the typed ones count siblings of tc's type. */
static int parse_nth_pseudo(struct parser *P, struct compound *cp, enum pseudo kind, const struct compound *tc)
{
    long a = 0, bb = 0;
    if (parse_nth(P, &a, &bb))
        return -1;
    int last = kind == PS_NTH_LAST_CHILD || kind == PS_NTH_LAST_OF_TYPE;
    int typed = kind == PS_NTH_OF_TYPE || kind == PS_NTH_LAST_OF_TYPE;
    gen_nth(P, &cp->preds, a, bb, last ? "following-sibling::" : "preceding-sibling::", typed ? tc->type : "*");
    nat_nth(P, cp, a, bb, last, typed ? tc : NULL);
    return 0;
}

/* :not(list), :is(list), :has(relative list) up to the ')'. */
static int parse_logical(struct parser *P, struct compound *cp, enum pseudo kind, const struct compound *tc,
                         const char *colon)
{
    struct mw_buf *b = &cp->preds;
    if (++P->depth > DEPTH_MAX)
        return perr(P, colon, "selector nested too deeply");
    struct sel_list l = {0};
    /* the inner selectors of :not and :is are about this same element, so they know its type */
    int rc = parse_list(P, &l, kind == PS_HAS, kind == PS_HAS ? NULL : tc, ')');
    P->depth--;
    if (rc) {
        list_free(&l);
        return -1;
    }
    P->p++;
    if (kind == PS_HAS) {
        put(P, b, "[");
        for (size_t i = 0; i < l.n; i++) {
            if (i)
                put(P, b, " or ");
            gen_forward(P, b, &l.v[i], l.v[i].lead ? l.v[i].lead : ' ');
        }
        put(P, b, "]");
    } else {
        put(P, b, kind == PS_NOT ? "[not(" : "[");
        gen_self_list(P, b, &l);
        put(P, b, kind == PS_NOT ? ")]" : "]");
    }
    struct mw_css_test t = {.op = kind == PS_NOT ? MW_CSS_NOT : kind == PS_IS ? MW_CSS_IS : MW_CSS_HAS,
                            .list = calloc(1, sizeof *t.list)};
    if (t.list)
        nat_take(P, &l, t.list);
    else
        P->nomem = 1;
    nat_add(P, cp, &t);
    list_free(&l);
    return 0;
}

/* hint: the compound whose element type is known from outside (p:not(:first-of-type)), or NULL. */
static int parse_pseudo(struct parser *P, struct compound *cp, const struct compound *hint)
{
    const char *colon = P->p++;
    if (*P->p == ':')
        return perr(P, colon, "pseudo-elements are not supported");
    char name[64];
    size_t k = 0;
    if (parse_pseudo_name(P, colon, name, &k))
        return -1;
    enum pseudo kind = pseudos[k].kind;
    const struct compound *tc = cp->type ? cp : hint && hint->type ? hint : NULL;
    if ((kind == PS_FIRST_OF_TYPE || kind == PS_LAST_OF_TYPE || kind == PS_ONLY_OF_TYPE ||
         kind == PS_NTH_OF_TYPE || kind == PS_NTH_LAST_OF_TYPE) && !tc)
        /* XPath 1.0 cannot compare a sibling's name with the context node's (no current()) */
        return perr(P, colon, "':%s' needs a type selector before it (as in p:%s)", name, name);
    switch (kind) {
    case PS_FIRST_OF_TYPE:
    case PS_LAST_OF_TYPE:
    case PS_ONLY_OF_TYPE:
        gen_of_type(P, cp, kind, tc);
        return 0;
    case PS_NTH_CHILD:
    case PS_NTH_LAST_CHILD:
    case PS_NTH_OF_TYPE:
    case PS_NTH_LAST_OF_TYPE:
        return parse_nth_pseudo(P, cp, kind, tc);
    case PS_NOT:
    case PS_IS:
    case PS_HAS:
        return parse_logical(P, cp, kind, tc, colon);
    case PS_CONTAINS:
        return parse_contains(P, cp);
    case PS_LANG:
        return parse_lang(P, cp);
    default:
        gen_fixed(P, cp, kind);
        return 0;
    }
}

static int parse_compound(struct parser *P, struct compound *cp, const struct compound *hint)
{
    if (*P->p == '*') {
        P->p++;
    } else if (ident_start(P->p)) {
        struct mw_buf t;
        mw_buf_init(&t, XPATH_MAX);
        parse_name(P, &t, 1);   /* libxml2's HTML parser lower-cases element names */
        cp->type = node_test(P, t.data ? t.data : "");
        cp->name = dupn(P, t.data ? t.data : "", t.len);
        nat_named(P, cp, MW_CSS_TYPE, t.data ? t.data : "", t.len);
        mw_buf_free(&t);
    }
    for (;;) {
        const char *s = P->p;
        struct mw_buf v;
        mw_buf_init(&v, XPATH_MAX);
        int rc = 0;
        if (*s == '#') {
            P->p++;
            if (!is_name(at(P->p)) && !valid_escape(P->p)) {
                char tmp[8];
                rc = perr(P, P->p, "expected id, found %s", describe(P->p, tmp));
            } else {
                parse_name(P, &v, 0);   /* lenient: #123 is a hash token though not an identifier */
                put(P, &cp->preds, "[@id = ");
                put_literal(P, &cp->preds, v.data ? v.data : "", v.len);
                put(P, &cp->preds, "]");
                nat_named(P, cp, MW_CSS_ID, v.data ? v.data : "", v.len);
            }
        } else if (*s == '.') {
            P->p++;
            rc = parse_ident(P, &v, 0, "class name");
            if (!rc && strpbrk(v.data ? v.data : "", " \t\n\r\f")) {
                put(P, &cp->preds, "[false()]");
                nat_op(P, cp, MW_CSS_NEVER);
            } else if (!rc) {
                nat_named(P, cp, MW_CSS_CLASS, v.data, v.len);
                put(P, &cp->preds, "[contains(concat(' ', normalize-space(@class), ' '), ");
                struct mw_buf t;
                mw_buf_init(&t, XPATH_MAX);
                put(P, &t, " ");
                putn(P, &t, v.data, v.len);
                put(P, &t, " ");
                put_literal(P, &cp->preds, t.data ? t.data : "", t.len);
                mw_buf_free(&t);
                put(P, &cp->preds, ")]");
            }
        } else if (*s == '[') {
            rc = parse_attr(P, cp);
        } else if (*s == ':') {
            rc = parse_pseudo(P, cp, hint);
        } else {
            mw_buf_free(&v);
            return 0;
        }
        mw_buf_free(&v);
        if (rc || P->failed)
            return -1;
    }
}

static int push_compound(struct parser *P, struct complex *cx, char comb, const struct compound *hint)
{
    if (++P->ncompounds > COMPOUND_MAX)
        return perr(P, P->p, "more than %d compound selectors", COMPOUND_MAX);
    if (cx->n == cx->cap) {
        size_t cap = cx->cap ? cx->cap * 2 : 4;
        struct compound *v = realloc(cx->v, cap * sizeof *v);
        if (!v) {
            P->nomem = 1;
            return perr(P, P->p, "out of memory");
        }
        cx->v = v;
        cx->cap = cap;
    }
    struct compound *cp = &cx->v[cx->n++];
    memset(cp, 0, sizeof *cp);
    cp->comb = comb;
    mw_buf_init(&cp->preds, XPATH_MAX);
    return parse_compound(P, cp, hint);
}

static int parse_complex(struct parser *P, struct complex *cx, int relative, const struct compound *hint,
                         char after)
{
    char tmp[8];
    skip_ws(P);
    if (relative && (*P->p == '>' || *P->p == '+' || *P->p == '~')) {
        cx->lead = *P->p++;
        after = cx->lead;
        skip_ws(P);
    }
    if (!compound_start(P->p)) {
        if (after)
            return perr(P, P->p, "expected selector after '%c', found %s", after, describe(P->p, tmp));
        return perr(P, P->p, "expected selector, found %s", describe(P->p, tmp));
    }
    if (push_compound(P, cx, 0, hint))
        return -1;
    for (;;) {
        const char *before = P->p;
        skip_ws(P);
        char c = *P->p;
        if (!c || c == ',' || c == ')')
            return 0;
        char comb;
        if (c == '>' || c == '+' || c == '~') {
            comb = c;
            P->p++;
            skip_ws(P);
            if (!compound_start(P->p))
                return perr(P, P->p, "expected selector after '%c', found %s", c, describe(P->p, tmp));
        } else if (P->p != before && compound_start(P->p)) {
            comb = ' ';
        } else {
            return perr(P, P->p, "unexpected %s", describe(P->p, tmp));
        }
        if (push_compound(P, cx, comb, hint))
            return -1;
    }
}

/* Complex selectors separated by ',', up to end (left unconsumed): '\0' at the top, ')' inside. */
static int parse_list(struct parser *P, struct sel_list *l, int relative, const struct compound *hint,
                      char end)
{
    char tmp[8];
    char after = 0;
    for (;;) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 2;
            struct complex *v = realloc(l->v, cap * sizeof *v);
            if (!v) {
                P->nomem = 1;
                return perr(P, P->p, "out of memory");
            }
            l->v = v;
            l->cap = cap;
        }
        struct complex *cx = &l->v[l->n++];
        memset(cx, 0, sizeof *cx);
        if (parse_complex(P, cx, relative, hint, after))
            return -1;
        if (*P->p == ',') {
            P->p++;
            after = ',';
            continue;
        }
        if (*P->p == end)
            return 0;
        if (!*P->p)
            return perr(P, P->p, "expected '%c'", end);
        return perr(P, P->p, "unexpected %s", describe(P->p, tmp));
    }
}

/* Parses selector once into XPath text and, when prog is not NULL, the native program. */
static int compile_both(const char *selector, char **xpath, struct mw_css_prog **prog, struct mw_err *err)
{
    if (xpath)
        *xpath = NULL;
    if (prog)
        *prog = NULL;
    if (!selector || !xpath)
        return mw_err_set(err, MW_EINVAL, "css", "mw_css_to_xpath: NULL argument");
    if (strlen(selector) > SEL_MAX)
        return mw_err_set(err, MW_ELIMIT, "css", "selector longer than %d bytes: \"%.60s...\"", SEL_MAX,
                          selector);
    struct parser P = {.sel = selector, .p = selector, .err = err};
    struct sel_list l = {0};
    const char *bad = bad_byte(selector);
    if (bad) {
        perr(&P, bad, "invalid UTF-8 or control character");
        return MW_EPARSE;
    }
    skip_ws(&P);
    if (!*P.p) {
        perr(&P, P.p, "empty selector");
        return MW_EPARSE;
    }
    int rc = parse_list(&P, &l, 0, NULL, '\0');
    struct mw_buf out;
    mw_buf_init(&out, XPATH_MAX);
    struct mw_css_list top = {0};
    if (!rc) {
        /* a union: libxml2 sorts the result into document order */
        for (size_t i = 0; i < l.n; i++) {
            if (i)
                put(&P, &out, " | ");
            gen_forward(&P, &out, &l.v[i], ' ');
        }
        if (prog)
            nat_take(&P, &l, &top);
    }
    list_free(&l);
    if (!rc && !P.failed && !P.nomem && prog && !(*prog = mw_css_match_new(&top)))
        P.nomem = 1;
    mw_css_match_list_clear(&top);
    if (!P.nomem && !P.failed && !rc)
        *xpath = mw_buf_steal(&out, NULL);
    mw_buf_free(&out);
    if (!*xpath || P.nomem || P.failed || rc) {
        free(*xpath);
        *xpath = NULL;
        if (prog) {
            mw_css_match_free(*prog);
            *prog = NULL;
        }
        if (!P.failed && !rc)
            return mw_err_set(err, MW_ENOMEM, "css", "out of memory compiling selector \"%.200s\"", selector);
        return MW_EPARSE;
    }
    return 0;
}

int mw_css_to_xpath(const char *selector, char **xpath, struct mw_err *err)
{
    return compile_both(selector, xpath, NULL, err);
}

/* ---- compile cache ---- */

struct entry {
    char *key;
    struct mw_css_prog *prog;    /* the native program */
    char *xpath;                 /* the same selector in XPath 1.0 */
    xmlXPathCompExprPtr comp;    /* xpath compiled, made when first needed */
    uint32_t hash;
    struct entry *prev, *next;   /* recency list: head is the most recently used */
    struct entry *hnext;         /* bucket chain */
};

struct mw_css_cache {
    size_t max, n, nbuckets;
    struct entry **buckets;
    struct entry *head, *tail;
};

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct mw_css_cache *mw_css_cache_new(size_t max)
{
    struct mw_css_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max = max;
    c->nbuckets = 16;
    while (c->nbuckets < max && c->nbuckets < (1u << 20))
        c->nbuckets *= 2;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    return c;
}

static void entry_free(struct entry *e)
{
    if (!e)
        return;
    xmlXPathFreeCompExpr(e->comp);
    mw_css_match_free(e->prog);
    free(e->xpath);
    free(e->key);
    free(e);
}

void mw_css_cache_free(struct mw_css_cache *c)
{
    if (!c)
        return;
    for (struct entry *e = c->head, *next; e; e = next) {
        next = e->next;
        entry_free(e);
    }
    free(c->buckets);
    free(c);
}

static void lru_unlink(struct mw_css_cache *c, struct entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(struct mw_css_cache *c, struct entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

static struct entry *cache_find(struct mw_css_cache *c, const char *sel, uint32_t h)
{
    for (struct entry *e = c->buckets[h & (c->nbuckets - 1)]; e; e = e->hnext)
        if (e->hash == h && strcmp(e->key, sel) == 0)
            return e;
    return NULL;
}

static void cache_evict(struct mw_css_cache *c)
{
    struct entry *e = c->tail;
    struct entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(c, e);
    entry_free(e);
    c->n--;
}

static void silent_error(void *data, xmlErrorPtr e) { (void)data, (void)e; }

/* The entry's XPath, compiled on first use (mw_css_select_xpath; the native program needs none). */
static xmlXPathCompExprPtr entry_xpath(struct entry *e, struct mw_err *err)
{
    if (e->comp)
        return e->comp;
    /* a context only to keep libxml2 from printing should our XPath ever be rejected */
    xmlXPathContextPtr x = xmlXPathNewContext(NULL);
    if (!x) {
        mw_err_set(err, MW_ENOMEM, "css", "out of memory compiling selector \"%.200s\"", e->key);
        return NULL;
    }
    x->error = silent_error;
    e->comp = xmlXPathCtxtCompile(x, (const xmlChar *)e->xpath);
    if (!e->comp)
        mw_err_set(err, MW_EPARSE, "css", "selector \"%.200s\" gave XPath libxml2 rejects: %.200s", e->key,
                   e->xpath);
    xmlXPathFreeContext(x);
    return e->comp;
}

static struct entry *compile(const char *sel, struct mw_err *err)
{
    struct entry *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(sel))) {
        free(e);
        mw_err_set(err, MW_ENOMEM, "css", "out of memory compiling selector \"%.200s\"", sel);
        return NULL;
    }
    if (compile_both(sel, &e->xpath, &e->prog, err)) {
        entry_free(e);
        return NULL;
    }
    return e;
}

/* The compiled selector; *owned says the caller must entry_free it (no cache, or max 0). */
static struct entry *cache_get(struct mw_css_cache *c, const char *sel, int *owned, struct mw_err *err)
{
    *owned = 0;
    if (!c || c->max == 0) {
        *owned = 1;
        return compile(sel, err);
    }
    uint32_t h = hash_str(sel);
    struct entry *e = cache_find(c, sel, h);
    if (e) {
        lru_unlink(c, e);
        lru_push(c, e);
        return e;
    }
    e = compile(sel, err);
    if (!e)
        return NULL;
    if (c->n >= c->max)
        cache_evict(c);
    e->hash = h;
    struct entry **bucket = &c->buckets[h & (c->nbuckets - 1)];
    e->hnext = *bucket;
    *bucket = e;
    lru_push(c, e);
    c->n++;
    return e;
}

static xmlXPathObjectPtr eval_xpath(struct entry *e, xmlNodePtr ctx, struct mw_err *err)
{
    xmlXPathCompExprPtr comp = entry_xpath(e, err);
    if (!comp)
        return NULL;
    xmlDocPtr doc = (ctx->type == XML_DOCUMENT_NODE || ctx->type == XML_HTML_DOCUMENT_NODE)
                        ? (xmlDocPtr)ctx : ctx->doc;
    /* A fresh context per call, so nothing tied to a document outlives the call: measured at ~3 us,
     * against 20-600 us to evaluate typical selectors on a 1500-element page. */
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    if (!x) {
        mw_err_set(err, MW_ENOMEM, "css", "out of memory selecting \"%.200s\"", e->key);
        return NULL;
    }
    x->error = silent_error;
    x->node = ctx;
    xmlXPathObjectPtr res = xmlXPathCompiledEval(comp, x);
    if (!res || res->type != XPATH_NODESET) {
        mw_err_set(err, MW_EINVAL, "css", "selecting \"%.200s\" failed: %s", e->key,
                   x->lastError.message ? x->lastError.message : "no node-set");
        xmlXPathFreeObject(res);
        res = NULL;
    } else if (!res->nodesetval) {   /* callers may always read nodesetval->nodeNr */
        res->nodesetval = xmlXPathNodeSetCreate(NULL);
        if (!res->nodesetval) {
            mw_err_set(err, MW_ENOMEM, "css", "out of memory selecting \"%.200s\"", e->key);
            xmlXPathFreeObject(res);
            res = NULL;
        }
    }
    xmlXPathFreeContext(x);
    return res;
}

static xmlXPathObjectPtr select_with(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector, int xpath,
                                     struct mw_css_limits *lim, struct mw_err *err)
{
    if (!ctx || !selector) {
        mw_err_set(err, MW_EINVAL, "css", "mw_css_select: NULL %s", ctx ? "selector" : "context node");
        return NULL;
    }
    int owned;
    struct entry *e = cache_get(c, selector, &owned, err);
    if (!e)
        return NULL;
    xmlXPathObjectPtr res = xpath ? eval_xpath(e, ctx, err) : mw_css_match_select(e->prog, ctx, selector, lim, err);
    if (owned)
        entry_free(e);
    return res;
}

xmlXPathObjectPtr mw_css_select(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                struct mw_err *err)
{
    return select_with(c, ctx, selector, 0, NULL, err);
}

xmlXPathObjectPtr mw_css_select_limited(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                        struct mw_css_limits *lim, struct mw_err *err)
{
    return select_with(c, ctx, selector, 0, lim, err);
}

xmlXPathObjectPtr mw_css_select_xpath(struct mw_css_cache *c, xmlNodePtr ctx, const char *selector,
                                      struct mw_err *err)
{
    return select_with(c, ctx, selector, 1, NULL, err);
}
