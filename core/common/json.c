/* common/json.c: the fast compact JSON writer of json.h. Reals are left to jansson (its "%.17g" and ".0"
 * rules), so the text is identical to json_dumps(v, JSON_COMPACT); tests/unit/test_json.c compares them. */
#include "common/json.h"
#include "common/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes that need an escape in a JSON string: '"', '\\' and the controls below 0x20. */
static int plain(unsigned char c) { return c >= 0x20 && c != '"' && c != '\\'; }

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Length of the run of plain bytes at p, eight at a time (a word has a byte to escape when one of its bytes is
 * below 0x20, or equals '"' or '\\': the usual "has a zero/less-than byte" tricks). */
static size_t plain_run(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *q = p;
    while (end - q >= 8) {
        uint64_t w;
        memcpy(&w, q, 8);
        uint64_t lt = (w - ONES * 0x20) & ~w;
        uint64_t qu = w ^ (ONES * '"'), bs = w ^ (ONES * '\\');
        if (((lt | ((qu - ONES) & ~qu) | ((bs - ONES) & ~bs)) & HIGHS))
            break;
        q += 8;
    }
    while (q < end && plain(*q))
        q++;
    return (size_t)(q - p);
}

static int write_str(const char *s, size_t n, struct mw_buf *out)
{
    static const char HEX[] = "0123456789ABCDEF";
    int rc = mw_buf_appendc(out, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (!rc && p < end) {
        const unsigned char *run = p;
        p += plain_run(p, end);
        if (p > run && (rc = mw_buf_append(out, run, (size_t)(p - run))))
            break;
        if (p == end)
            break;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (*p) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = HEX[*p >> 4];
            esc[5] = HEX[*p & 15];
            k = 6;
        }
        rc = mw_buf_append(out, esc, k);
        p++;
    }
    return rc ? rc : mw_buf_appendc(out, '"');
}

int mw_json_write(const json_t *v, struct mw_buf *out)
{
    char num[64];
    int rc = 0;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *e;
        int first = 1;
        rc = mw_buf_appendc(out, '{');
        json_object_foreach((json_t *)v, k, e) {
            if (rc || (!first && (rc = mw_buf_appendc(out, ','))) || (rc = write_str(k, strlen(k), out)) ||
                (rc = mw_buf_appendc(out, ':')) || (rc = mw_json_write(e, out)))
                break;
            first = 0;
        }
        return rc ? rc : mw_buf_appendc(out, '}');
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *e;
        rc = mw_buf_appendc(out, '[');
        json_array_foreach(v, i, e) {
            if (rc || (i && (rc = mw_buf_appendc(out, ','))) || (rc = mw_json_write(e, out)))
                break;
        }
        return rc ? rc : mw_buf_appendc(out, ']');
    }
    case JSON_STRING:
        return write_str(json_string_value(v), json_string_length(v), out);
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return mw_buf_appends(out, num);
    case JSON_REAL: {
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!t)
            return MW_EINVAL;
        rc = mw_buf_appends(out, t);
        free(t);
        return rc;
    }
    case JSON_TRUE:
        return mw_buf_appends(out, "true");
    case JSON_FALSE:
        return mw_buf_appends(out, "false");
    default:
        return mw_buf_appends(out, "null");
    }
}

/* What an object's string members take written, about (an eighth more for escapes): a record's big body is
 * written into a buffer made once, not grown by copies that are alive together with it. */
static size_t strings_size(const json_t *obj)
{
    size_t n = 0;
    const char *k;
    json_t *e;
    json_object_foreach((json_t *)obj, k, e)
        if (json_is_string(e))
            n += json_string_length(e) + json_string_length(e) / 8;
    return n;
}

char *mw_json_dumps(const json_t *v, size_t *len)
{
    struct mw_buf b;
    mw_buf_init(&b, 0);
    if (json_is_object(v))   /* a record: one or two reallocations, not eight; a big one, none */
        mw_buf_reserve(&b, 16384 + strings_size(v));
    if (mw_json_write(v, &b)) {
        mw_buf_free(&b);
        return NULL;
    }
    return mw_buf_steal(&b, len);
}
