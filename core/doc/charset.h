/* doc/charset.h: page bytes -> UTF-8. Order: BOM, HTTP Content-Type charset, <meta charset>/http-equiv,
 * UTF-8 validity, windows-1252 fallback; a declared non-UTF-8 charset loses to bytes that are valid
 * multi-byte UTF-8 (saved pages often keep a stale meta tag). Conversion is glibc iconv. */
#ifndef MW_CHARSET_H
#define MW_CHARSET_H

#include <stddef.h>
#include "common/err.h"

struct mw_decoded {
    char *data;          /* UTF-8, NUL-terminated, owned: mw_decoded_free() */
    size_t len;
    char charset[32];    /* canonical name used, lower case: "utf-8", "windows-1251", ... */
    const char *source;  /* static: "bom", "http", "meta", "utf8", "fallback" */
    int borrowed;        /* data points into the input (mw_charset_view only): not NUL-terminated, not freed */
};

/* content_type may be NULL (no HTTP header). 0 or MW_E* with err filled (stage "decode"). */
int mw_charset_decode(const char *in, size_t len, const char *content_type,
                      struct mw_decoded *out, struct mw_err *err);
/* The same, except that when the input already is the result (well-formed UTF-8, or ASCII under an
 * ASCII-compatible charset) data points into in instead of being a copy (borrowed set): a big page's bytes are
 * not duplicated on their way to the parser, which makes its own copy anyway. */
int mw_charset_view(const char *in, size_t len, const char *content_type, struct mw_decoded *out,
                    struct mw_err *err);
void mw_decoded_free(struct mw_decoded *d);

/* 1 when the n bytes are well-formed UTF-8 (no overlongs, no surrogates). */
int mw_utf8_valid(const char *s, size_t n);
/* Normalise a charset label as the WHATWG Encoding spec does ("latin1" -> "windows-1252",
 * "gb2312" -> "gbk", ...). Writes at most cap bytes; returns 0, or MW_ENOTFOUND for an unknown label. */
int mw_charset_canonical(const char *label, char *out, size_t cap);

#endif
