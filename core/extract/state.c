/* extract/state.c: the article text of a page's inline script state (JSON in <script>): which blobs are read,
 * which array in them is the article's paragraphs, and that array as text. Choosing the body from the markup
 * is extract/generic.c; JSON-LD is meta/jsonld.c. */
#include "extract/state.h"
#include "common/buf.h"
#include "doc/html.h"
#include "doc/text.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *attr(xmlNodePtr x, const char *name)
{
    for (xmlAttrPtr a = x->properties; a; a = a->next)
        if (a->name && !xmlStrcasecmp(a->name, BAD_CAST name))
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

static int prose(const char *s, size_t n)
{
    if (n < 40)
        return 0;
    int spaces = 0;
    for (size_t i = 0; i < n && spaces < 3; i++)
        if (s[i] == ' ')
            spaces++;
    return spaces >= 3 && strncmp(s, "http", 4);
}

/* The longest prose string in v, looking no deeper than depth. */
static json_t *prose_in(json_t *v, int depth)
{
    if (json_is_string(v))
        return prose(json_string_value(v), json_string_length(v)) ? v : NULL;
    if (depth <= 0)
        return NULL;
    json_t *best = NULL, *x;
    const char *k;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, k, x) {
            json_t *p = prose_in(x, depth - 1);
            if (p && (!best || json_string_length(p) > json_string_length(best)))
                best = p;
        }
    } else if (json_is_array(v) && depth > 1) {
        json_array_foreach(v, i, x) {
            json_t *p = prose_in(x, depth - 1);
            if (p && (!best || json_string_length(p) > json_string_length(best)))
                best = p;
        }
    }
    return best;
}

/* The array whose elements read as consecutive paragraphs, the longest of them (the article's blocks). */
/* 1 when obj has a string member (or one a level down) that is the page's headline: a state blob
 * also carries other stories, and only the one the page shows is its article. */
static int names_title(json_t *obj, const char *title, int depth)
{
    const char *k;
    json_t *x;
    json_object_foreach(obj, k, x) {
        if (json_is_string(x) && json_string_length(x) >= 12 && json_string_length(x) < 400) {
            char *f = mw_text_fold(json_string_value(x), json_string_length(x), 0);
            int hit = f && strlen(f) >= 12 && strcasestr(title, f);
            free(f);
            if (hit)
                return 1;
        } else if (depth > 0 && json_is_object(x) && names_title(x, title, depth - 1)) {
            return 1;
        }
    }
    return 0;
}

struct state_pick {
    const char *title;
    json_t *objs[48];   /* the objects enclosing the walk's position */
    int nobj;
    json_t *best;
    size_t best_len;
};

static void best_array(json_t *v, struct state_pick *sp, int depth)
{
    if (depth > 40)
        return;
    json_t *x;
    const char *k;
    size_t i;
    if (json_is_object(v)) {
        sp->objs[sp->nobj++] = v;
        json_object_foreach(v, k, x)
            best_array(x, sp, depth + 1);
        sp->nobj--;
    } else if (json_is_array(v)) {
        size_t sum = 0, np = 0;
        json_array_foreach(v, i, x) {
            json_t *p = prose_in(x, 3);
            if (p) {
                sum += json_string_length(p);
                np++;
            }
            best_array(x, sp, depth + 1);
        }
        if (np >= 3 && sum > sp->best_len) {
            int titled = 0;
            for (int o = sp->nobj - 1; o >= 0 && o >= sp->nobj - 3 && !titled; o--)
                titled = names_title(sp->objs[o], sp->title, 1);
            if (titled) {
                sp->best = v;
                sp->best_len = sum;
            }
        }
    }
}

/* ---- the pre-scan: which blobs are worth parsing ------------------------------------------------------ */

/* Most blobs hold no array best_array would take, and parsing one into a tree (objects hashed, every string
 * copied) costs more than the page's own parse. One pass over the text tells most of them apart without
 * building anything: it answers "no" only when best_array certainly finds nothing, so the chosen blob and
 * the text are those of the full parse. What it keeps per open container is a superset of what best_array
 * asks (a prose string anywhere inside rather than within prose_in's depth; every string of an object,
 * keys and values overwritten by a duplicate key included, may name the title; no depth limit). Text that is
 * not JSON may get any answer: jansson refuses it, and best_array then sees nothing either. */

#define SCAN_DEPTH 64   /* deeper: "maybe", and the parse decides */

struct scan_frame {
    unsigned char obj;      /* an object (else an array) */
    unsigned char own;      /* object: a string directly in it names the title */
    unsigned char titled;   /* object: names_title(., 1) may hold: own, or a direct child object's own */
    unsigned char needs;    /* object: one of the three innermost around an array of 3+ prose elements */
    unsigned char prose;    /* a prose string somewhere inside */
    unsigned char elem;     /* array: the element being read holds a prose string */
    int nprose;             /* array: elements holding a prose string */
    size_t most;            /* the longest prose string inside (its literal's bytes) */
    size_t elem_most;       /* array: the same in the element being read */
    size_t sum;             /* array: over its elements, elem_most and 2 more */
    size_t bound;           /* object: the largest sum of an array of 3+ prose elements that needs it */
};

struct scan_title {
    const char *title;
    unsigned char pairs[128 * 128 / 8];   /* the title's lower-case ASCII byte pairs */
};

static unsigned char lower_ascii(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

static void title_pairs(struct scan_title *t, const char *title)
{
    memset(t, 0, sizeof *t);
    t->title = title;
    for (const unsigned char *p = (const unsigned char *)title; p[0] && p[1]; p++)
        if (p[0] < 0x80 && p[1] < 0x80) {
            unsigned k = (unsigned)lower_ascii(p[0]) << 7 | lower_ascii(p[1]);
            t->pairs[k >> 3] |= (unsigned char)(1u << (k & 7));
        }
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15)
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

/* The string literal s[0..n) (between its quotes) decoded as jansson decodes it, into out (cap bytes):
 * its length, -1 when it is cap bytes or more, -2 on an escape jansson refuses (the parse fails then). */
static long decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        char u[4];
        size_t k = 1;
        if (c != '\\') {
            u[0] = (char)c;
            i++;
        } else {
            if (i + 1 >= n)
                return -2;
            char e = s[i + 1];
            i += 2;
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *at = e ? strchr(from, e) : NULL;
            if (at) {
                u[0] = to[at - from];
            } else if (e == 'u') {
                unsigned cp, lo;
                if (i + 4 > n || hex4(s + i, &cp) || !cp)
                    return -2;
                i += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return -2;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' || hex4(s + i + 2, &lo) || lo < 0xDC00 ||
                        lo > 0xDFFF)
                        return -2;
                    i += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                if (cp < 0x80) {
                    u[0] = (char)cp;
                } else if (cp < 0x800) {
                    u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
                } else if (cp < 0x10000) {
                    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
                    u[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
                } else {
                    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
                    u[2] = (char)(0x80 | (cp >> 6 & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
                }
            } else {
                return -2;
            }
        }
        if (o + k >= cap)
            return -1;
        memcpy(out + o, u, k);
        o += k;
    }
    return (long)o;
}

/* names_title's test of one string (d, its decoded bytes). The fold is skipped when the string's first word
 * (plain ASCII, which folding keeps as it is) has a pair of letters the title lacks. */
static int names(const struct scan_title *t, const char *d, size_t n)
{
    if (n < 12 || n >= 400)
        return 0;
    size_t i = 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r' || d[i] == '\f' || d[i] == '\v'))
        i++;
    for (; i + 1 < n && i < 16; i++) {
        unsigned char a = (unsigned char)d[i], b = (unsigned char)d[i + 1];
        if (a <= ' ' || a >= 0x7F || b <= ' ' || b >= 0x7F)
            break;
        unsigned k = (unsigned)lower_ascii(a) << 7 | lower_ascii(b);
        if (!(t->pairs[k >> 3] & (1u << (k & 7))))
            return 0;
    }
    char *f = mw_text_fold(d, n, 0);
    int hit = f && strlen(f) >= 12 && strcasestr(t->title, f);
    free(f);
    return hit;
}

/* One string literal s[0..n) seen in the container top (NULL: the blob is a bare string). */
static void scan_string(const struct scan_title *t, struct scan_frame *top, const char *s, size_t n)
{
    if (!top)
        return;
    /* prose() needs 40 bytes, 3 spaces (a literal one, or an escape) and no "http" at the start */
    if (n >= 40 && strncmp(s, "http", 4)) {
        int spaces = 0;
        for (size_t i = 0; i < n && spaces < 3; i++)
            spaces += s[i] == ' ' || s[i] == '\\';
        if (spaces >= 3) {
            top->prose = 1;
            if (top->most < n)
                top->most = n;
            if (!top->obj) {
                top->elem = 1;
                if (top->elem_most < n)
                    top->elem_most = n;
            }
        }
    }
    if (!top->obj || top->own || n < 12)
        return;
    if (!memchr(s, '\\', n)) {
        top->own = names(t, s, n);
    } else {
        char d[400];
        long dl = decode(s, n, d, sizeof d);
        top->own = dl >= 0 && names(t, d, (size_t)dl);
    }
    top->titled |= top->own;
}

/* The element an array was reading ends (at a comma or its bracket). */
static void end_element(struct scan_frame *a)
{
    if (a->elem) {
        a->nprose++;
        a->sum += a->elem_most + 2;
    }
    a->elem = 0;
    a->elem_most = 0;
}

/* A closing bracket c for the frame on top: an array's bound goes to the objects up to three levels above it
 * (when enough of it was prose), an object's own bound to *bound, and the frame's marks to its parent.
 * -1: not JSON (c does not close what is open); 1: the outermost value is read; 0: go on. */
static int close_frame(struct scan_frame *st, int *depth, char c, size_t *bound)
{
    struct scan_frame *top = *depth ? &st[*depth - 1] : NULL;
    if (!top || top->obj != (c == '}'))
        return -1;
    struct scan_frame f = *top;
    (*depth)--;
    if (!f.obj) {
        end_element(&f);
        for (int d = *depth - 1, k = 0; f.nprose >= 3 && d >= 0 && k < 3; d--)
            if (st[d].obj) {
                st[d].needs = 1;
                if (st[d].bound < f.sum)
                    st[d].bound = f.sum;
                k++;
            }
    } else if (f.needs && f.titled && *bound < f.bound) {
        *bound = f.bound;
    }
    if (!*depth)
        return 1;   /* the value is read: jansson stops here */
    struct scan_frame *p = &st[*depth - 1];
    p->prose |= f.prose;
    if (p->most < f.most)
        p->most = f.most;
    if (!p->obj) {
        p->elem |= f.prose;
        if (p->elem_most < f.most)
            p->elem_most = f.most;
    } else if (f.obj && f.own) {
        p->titled = 1;
    }
    return 0;
}

/* Where the string opened at s[i] closes; 0 when jansson would refuse it (a raw control character, no end). */
static size_t string_end(const char *s, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && s[j] != '"') {
        if ((unsigned char)s[j] < 0x20)
            return 0;
        j += s[j] == '\\' ? 2 : 1;
    }
    return j < n ? j : 0;
}

/* 0 when best_array certainly finds no array in the JSON value at the start of s[0..n); else a bound on the
 * text that array gives: the largest sum over an array that may be it of its elements' longest prose
 * literal and 2 (the text is one prose string of each element, "\n\n" between two, and neither decoding,
 * append_plain nor folding lengthens a string). SIZE_MAX: no bound known. */
static size_t may_hold(const char *s, size_t n, const struct scan_title *t)
{
    struct scan_frame st[SCAN_DEPTH];
    int depth = 0;
    size_t i = 0, bound = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i >= n || (s[i] != '{' && s[i] != '['))
        return 0;   /* jansson wants an object or an array here */
    for (; i < n; i++) {
        char c = s[i];
        struct scan_frame *top = depth ? &st[depth - 1] : NULL;
        switch (c) {
        case ' ': case '\t': case '\n': case '\r': case ':':
        case '-': case '+': case '.': case '0': case '1': case '2': case '3': case '4': case '5': case '6':
        case '7': case '8': case '9': case 'E': case 'a': case 'e': case 'f': case 'l': case 'n': case 'r':
        case 's': case 't': case 'u':
            break;   /* numbers, true, false, null: nothing to note */
        case '{': case '[':
            if (depth == SCAN_DEPTH)
                return SIZE_MAX;
            memset(&st[depth], 0, sizeof st[depth]);
            st[depth++].obj = c == '{';
            break;
        case ',':
            if (top && !top->obj)
                end_element(top);
            break;
        case '}': case ']': {
            int r = close_frame(st, &depth, c, &bound);
            if (r)
                return r < 0 ? 0 : bound;
            break;
        }
        case '"': {
            size_t j = string_end(s, n, i);
            if (!j)
                return 0;
            scan_string(t, top, s + i + 1, j - i - 1);
            i = j;
            break;
        }
        default:
            return 0;   /* no JSON token has this byte outside a string */
        }
    }
    return 0;   /* the text ended inside the value: jansson refuses it */
}

/* Markup inside a JSON string ("<p>Text &amp; more</p>") as plain text. */
static void append_plain(struct mw_buf *b, const char *s)
{
    static const struct { const char *e; const char *r; } ents[] = {
        {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#039;", "'"}, {"&lt;", "<"}, {"&gt;", ">"},
        {"&nbsp;", " "}, {"&apos;", "'"}};
    while (*s) {
        if (*s == '<') {
            const char *e = strchr(s, '>');
            if (e) {
                mw_buf_appendc(b, ' ');
                s = e + 1;
                continue;
            }
        }
        if (*s == '&') {
            size_t k;
            for (k = 0; k < sizeof ents / sizeof *ents; k++)
                if (!strncmp(s, ents[k].e, strlen(ents[k].e)))
                    break;
            if (k < sizeof ents / sizeof *ents) {
                mw_buf_appends(b, ents[k].r);
                s += strlen(ents[k].e);
                continue;
            }
        }
        mw_buf_appendc(b, *s++);
    }
}

static json_t *parse(const char *s, size_t n)
{
    json_error_t je;
    return json_loadb(s, n, JSON_DISABLE_EOF_CHECK, &je);
}

/* The paragraphs of arr (the array best_array took) into out, joined by blank lines. */
static void array_text(json_t *arr, struct mw_buf *out)
{
    size_t i;
    json_t *e;
    mw_buf_reset(out);
    json_array_foreach(arr, i, e) {
        json_t *p = prose_in(e, 3);
        if (!p)
            continue;
        if (out->len)
            mw_buf_appends(out, "\n\n");
        append_plain(out, json_string_value(p));
    }
}

/* The folded text of out (NULL when empty), *chars its length. */
static char *folded(struct mw_buf *out, size_t *chars)
{
    char *f = out->len ? mw_text_fold(out->data, out->len, 1) : NULL;
    mw_buf_free(out);
    *chars = f ? strlen(f) : 0;
    return f;
}

size_t mw_state_pick_len(const char *s, size_t n, const char *title)
{
    json_t *j = parse(s, n);
    struct state_pick sp = {.title = title};
    if (j)
        best_array(j, &sp, 0);
    struct mw_buf out;
    mw_buf_init(&out, 0);
    if (sp.best)
        array_text(sp.best, &out);
    json_decref(j);
    size_t chars = 0;
    free(folded(&out, &chars));
    return chars;
}

size_t mw_state_may_hold(const char *s, size_t n, const char *title)
{
    struct scan_title ts;
    title_pairs(&ts, title);
    return may_hold(s, n, &ts);
}

#define STATE_TRIES 16   /* scripts that may hold JSON read per page */

struct blob {
    const char *s;
    size_t n, bound;   /* bound: may_hold's */
};

/* The inline scripts that may hold JSON, in document order, the first STATE_TRIES of them: a blob each. */
static int find_blobs(xmlDocPtr doc, struct blob *v)
{
    int tries = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr x = root;
    while (x && tries < STATE_TRIES) {
        if (x->type == XML_ELEMENT_NODE && !xmlStrcasecmp(x->name, BAD_CAST "script") && !attr(x, "src") &&
            x->children && x->children->content) {
            const char *t = (const char *)x->children->content;
            const char *type = attr(x, "type");
            size_t tl = strlen(t);
            const char *start = NULL;
            if (tl > 400 && !(type && strstr(type, "ld+json"))) {
                if (type && strstr(type, "json"))
                    start = t;
                else {
                    const char *eq = strstr(t, "={");
                    const char *eq2 = strstr(t, "= {");
                    start = eq && (!eq2 || eq < eq2) ? eq + 1 : eq2 ? eq2 + 2 : NULL;
                }
            }
            if (start) {
                v[tries].s = start;
                v[tries++].n = tl - (size_t)(start - t);
            }
        }
        x = mw_html_next(x, root, x->type == XML_ELEMENT_NODE && xmlStrcasecmp(x->name, BAD_CAST "script"));
    }
    return tries;
}

/* The blobs pre-scanned first; only those that may hold an array are parsed, and none at all when no array
 * of any blob could give more than useless bytes (see state.h). */
char *mw_state_text(xmlDocPtr doc, const char *title, size_t useless, size_t *chars)
{
    struct blob v[STATE_TRIES];
    struct scan_title ts;
    title_pairs(&ts, title);
    int nb = find_blobs(doc, v);
    size_t most = 0;
    for (int i = 0; i < nb; i++) {
        v[i].bound = may_hold(v[i].s, v[i].n, &ts);
        if (most < v[i].bound)
            most = v[i].bound;
    }
    *chars = 0;
    if (most <= useless)
        return NULL;
    struct mw_buf out;
    mw_buf_init(&out, 0);
    size_t best_len = 0;
    for (int i = 0; i < nb; i++) {
        json_t *j = v[i].bound ? parse(v[i].s, v[i].n) : NULL;
        struct state_pick sp = {.title = title, .best_len = best_len};
        if (j)
            best_array(j, &sp, 0);
        if (sp.best && sp.best_len > best_len) {
            best_len = sp.best_len;
            array_text(sp.best, &out);
        }
        json_decref(j);
    }
    return folded(&out, chars);
}
