/* cli/csv.c: a record's CSV row straight from its JSON text, the same bytes format.c's put_csv writes from the
 * parsed record, without building a tree: one pass checks the text as jansson's decoder would and finds the
 * top-level members the columns want; only their strings are decoded. Whatever is unusual (an escape in a
 * key, \u0000, a big or exponent number, deep nesting, not an object) is left to the parsing path. */
#include "cli/csv.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256     /* nesting the scan follows (jansson allows 2048: deeper goes the parsing path) */
#define MAX_COLS 64

struct span {
    const char *p, *e;    /* one value's text; p NULL: the member is absent */
};

static const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The \uXXXX at p (p[0] == '\\', p[1] == 'u'): its value, or -1 when not four hex digits. */
static long hex4(const char *p, const char *e)
{
    if (e - p < 6)
        return -1;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Bytes of the strict UTF-8 sequence at p (as jansson checks it: no overlong form, no surrogate, at most
 * U+10FFFF), or 0. */
static int utf8_len(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0], n, v;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, v = c & 0x07;
    else
        return 0;
    if ((size_t)(e - p) < n)
        return 0;
    for (unsigned i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
        return 0;
    return (int)n;
}

/* 1 when the word holds a byte jansson's strings treat specially: '"', '\\', a control character or a
 * non-ASCII byte (a word has one when a byte of it XOR the character is zero, or the byte is < 0x20). */
static int special_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return ((((q - ones) & ~q) | ((b - ones) & ~b) | (w - ones * 0x20) | w) & highs) != 0;
}

/* p at a '"': past the closing quote of a string jansson accepts, or NULL. *plain: no escape in it. */
static const char *skip_str(const char *p, const char *e, int *plain)
{
    *plain = 1;
    for (p++; p < e;) {
        uint64_t w;
        if (e - p >= 8 && (memcpy(&w, p, 8), !special_word(w))) {
            p += 8;
            continue;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c >= 0x80) {
            int n = utf8_len((const unsigned char *)p, (const unsigned char *)e);
            if (!n)
                return NULL;
            p += n;
            continue;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        *plain = 0;
        if (e - p < 2)
            return NULL;
        if (strchr("\"\\/bfnrt", p[1]) && p[1]) {
            p += 2;
            continue;
        }
        long u = p[1] == 'u' ? hex4(p, e) : -1;
        if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
            return NULL;   /* \u0000 (jansson refuses it without JSON_ALLOW_NUL), a lone low surrogate */
        if (u >= 0xD800 && u <= 0xDBFF) {
            long lo = e - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 6, e) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return NULL;
            p += 12;
        } else {
            p += 6;
        }
    }
    return NULL;
}

/* Past a number; NULL when not JSON's grammar or one to leave to jansson (an exponent, which may overflow a
 * double; an integer of more than 18 digits, which may overflow long long). *integer: no fraction. */
static const char *skip_num(const char *p, const char *e, int *integer)
{
    const char *s = p;
    if (p < e && *p == '-')
        p++;
    if (p >= e || *p < '0' || *p > '9')
        return NULL;
    if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
        return NULL;
    while (p < e && *p >= '0' && *p <= '9')
        p++;
    *integer = 1;
    if (p < e && *p == '.') {
        *integer = 0;
        if (++p >= e || *p < '0' || *p > '9')
            return NULL;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E'))
        return NULL;
    if (*integer && p - s > 18)
        return NULL;
    return p;
}

static const char *skip_val(const char *p, const char *e, int depth);

/* Past an array, its elements checked, or NULL. */
static const char *skip_arr(const char *p, const char *e, int depth)
{
    p = ws(p + 1, e);
    if (p < e && *p == ']')
        return p + 1;
    for (;;) {
        if (!(p = skip_val(p, e, depth + 1)))
            return NULL;
        p = ws(p, e);
        if (p < e && *p == ']')
            return p + 1;
        if (p >= e || *p != ',')
            return NULL;
        p = ws(p + 1, e);
    }
}

/* The members of the object at p: each key found in keys (plain keys only) leaves its value's span in out
 * (the last one wins, as in jansson's object). Past the object, or NULL. */
static const char *scan_obj(const char *p, const char *e, int depth, const char *const *keys, size_t nkeys,
                            struct span *out)
{
    if (depth > MAX_DEPTH)
        return NULL;
    p = ws(p + 1, e);
    if (p < e && *p == '}')
        return p + 1;
    for (;;) {
        int plain;
        const char *k = p, *ke = p < e && *p == '"' ? skip_str(p, e, &plain) : NULL;
        if (!ke || !plain)
            return NULL;   /* an escape in a key: jansson's path compares it decoded */
        p = ws(ke, e);
        if (p >= e || *p != ':')
            return NULL;
        const char *v = ws(p + 1, e);
        if (!(p = skip_val(v, e, depth + 1)))
            return NULL;
        size_t kl = (size_t)(ke - k - 2);
        for (size_t i = 0; i < nkeys; i++)
            if (strlen(keys[i]) == kl && !memcmp(k + 1, keys[i], kl)) {
                out[i].p = v;
                out[i].e = p;
            }
        p = ws(p, e);
        if (p < e && *p == '}')
            return p + 1;
        if (p >= e || *p != ',')
            return NULL;
        p = ws(p + 1, e);
    }
}

static const char *skip_val(const char *p, const char *e, int depth)
{
    int x;
    if (p >= e || depth > MAX_DEPTH)
        return NULL;
    switch (*p) {
    case '"': return skip_str(p, e, &x);
    case '[': return skip_arr(p, e, depth);
    case '{': return scan_obj(p, e, depth, NULL, 0, NULL);
    case 't': return e - p >= 4 && !memcmp(p, "true", 4) ? p + 4 : NULL;
    case 'f': return e - p >= 5 && !memcmp(p, "false", 5) ? p + 5 : NULL;
    case 'n': return e - p >= 4 && !memcmp(p, "null", 4) ? p + 4 : NULL;
    default: return skip_num(p, e, &x);
    }
}

static void put_utf8(struct mw_buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    mw_buf_append(b, u, n);
}

/* The checked string at [p, e) (quotes included), decoded, appended to b. */
static void put_str(struct mw_buf *b, const char *p, const char *e)
{
    for (p++, e--; p < e;) {
        const char *run = p;
        while (p < e && *p != '\\')
            p++;
        mw_buf_append(b, run, (size_t)(p - run));
        if (p >= e)
            break;
        char c = p[1];
        if (c == 'u') {
            unsigned long cp = (unsigned long)hex4(p, e);
            p += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned long)hex4(p, e) - 0xDC00);
                p += 6;
            }
            put_utf8(b, cp);
            continue;
        }
        p += 2;
        mw_buf_appendc(b, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' : c == 'f' ? '\f' : c);
    }
}

/* One cell of s[0, n) (format.c's csv_cell): as it is, or quoted with quotes doubled when it holds a comma, a
 * quote, CR or LF, or starts with a space. */
static void put_cell(struct mw_buf *row, const char *s, size_t n, int last)
{
    int quote = n && s[0] == ' ';
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        mw_buf_append(row, s, n);
    } else {
        mw_buf_appendc(row, '"');
        for (const char *p = s, *e = s + n; p < e;) {
            const char *q = memchr(p, '"', (size_t)(e - p));
            const char *end = q ? q + 1 : e;
            mw_buf_append(row, p, (size_t)(end - p));
            if (q)
                mw_buf_appendc(row, '"');
            p = end;
        }
        mw_buf_appendc(row, '"');
    }
    mw_buf_append(row, last ? "\r\n" : ",", last ? 2 : 1);
}

/* The cell's text for one column's value into cell; 0 when the cell is empty by absence (no text at all). */
static int cell_text(struct mw_buf *cell, const char *col, struct span v)
{
    const char *p = v.p, *e = v.e;
    if (!p)
        return 0;
    if (*p == '"') {
        put_str(cell, p, e);
        return 1;
    }
    if (*p == '[' && !strcmp(col, "images") && *ws(p + 1, e) != ']') {   /* images: the array as JSON */
        json_t *a = json_loadb(p, (size_t)(e - p), 0, NULL);
        char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
        json_decref(a);
        if (s)
            mw_buf_appends(cell, s);
        free(s);
        return s != NULL;
    }
    if (*p == '[') {   /* the strings joined by "; " (none before the first text) */
        for (p = ws(p + 1, e); p < e && *p != ']';) {
            const char *end = skip_val(p, e, 0);
            if (*p == '"') {
                if (cell->len)
                    mw_buf_append(cell, "; ", 2);
                put_str(cell, p, end);
            }
            p = ws(end, e);
            if (p < e && *p == ',')
                p = ws(p + 1, e);
        }
        return 1;
    }
    int integer = 0;
    if ((*p == '-' || (*p >= '0' && *p <= '9')) && skip_num(p, e, &integer) && integer) {
        long long n = 0;
        for (const char *d = p + (*p == '-'); d < e && *d >= '0' && *d <= '9'; d++)
            n = n * 10 + (*d - '0');
        mw_buf_printf(cell, "%lld", *p == '-' ? -n : n);
        return 1;
    }
    if (*p == '{' && !strcmp(col, "error")) {   /* "stage: message" */
        static const char *const parts[] = {"stage", "message"};
        struct span m[2] = {{0}};
        scan_obj(p, e, 0, parts, 2, m);
        for (int i = 0; i < 2; i++) {
            if (i)
                mw_buf_append(cell, ": ", 2);
            if (m[i].p && *m[i].p == '"')
                put_str(cell, m[i].p, m[i].e);
        }
        return 1;
    }
    return 0;
}

int cli_csv_row(struct mw_buf *row, struct mw_buf *cell, const char *json, size_t len, const char *const *cols)
{
    size_t n = 0;
    while (cols[n])
        n++;
    struct span v[MAX_COLS] = {{0}};
    const char *e = json + len, *p = ws(json, e);
    if (n > MAX_COLS || p >= e || *p != '{' || !(p = scan_obj(p, e, 0, cols, n, v)) || ws(p, e) != e)
        return -1;
    mw_buf_reset(row);
    for (size_t i = 0; i < n; i++) {
        mw_buf_reset(cell);
        if (cell_text(cell, cols[i], v[i]))
            put_cell(row, cell->data ? cell->data : "", cell->len, i + 1 == n);
        else
            mw_buf_append(row, i + 1 == n ? "\r\n" : ",", i + 1 == n ? 2 : 1);
    }
    return 0;
}
