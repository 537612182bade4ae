/* doc/charset.c: page bytes -> UTF-8 (BOM, HTTP charset, <meta> prescan, UTF-8 check, windows-1252
 * fallback) and WHATWG label normalisation. Legacy decoding is glibc iconv; parsing the decoded HTML is
 * doc/html.c's job, fetching the bytes net/fetch.c's. */
#include "doc/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Browsers prescan 1 KB; news CMSs often put a wall of scripts and link tags before the meta. */
#define SNIFF_BYTES 4096
#define LABEL_MAX 64

/* ---- labels ----------------------------------------------------------------------------------- */

struct label { const char *label, *name; };

/* WHATWG Encoding, "Encodings" table, plus a few Microsoft code page names real pages use. */
static const struct label labels[] = {
    {"unicode-1-1-utf-8", "utf-8"}, {"unicode11utf8", "utf-8"}, {"unicode20utf8", "utf-8"},
    {"utf-8", "utf-8"}, {"utf8", "utf-8"}, {"x-unicode20utf8", "utf-8"},
    {"866", "ibm866"}, {"cp866", "ibm866"}, {"csibm866", "ibm866"}, {"ibm866", "ibm866"},
    {"csisolatin2", "iso-8859-2"}, {"iso-8859-2", "iso-8859-2"}, {"iso-ir-101", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"}, {"iso88592", "iso-8859-2"}, {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"}, {"l2", "iso-8859-2"}, {"latin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"}, {"iso-8859-3", "iso-8859-3"}, {"iso-ir-109", "iso-8859-3"},
    {"iso8859-3", "iso-8859-3"}, {"iso88593", "iso-8859-3"}, {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"}, {"l3", "iso-8859-3"}, {"latin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"}, {"iso-8859-4", "iso-8859-4"}, {"iso-ir-110", "iso-8859-4"},
    {"iso8859-4", "iso-8859-4"}, {"iso88594", "iso-8859-4"}, {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"}, {"l4", "iso-8859-4"}, {"latin4", "iso-8859-4"},
    {"csisolatincyrillic", "iso-8859-5"}, {"cyrillic", "iso-8859-5"}, {"iso-8859-5", "iso-8859-5"},
    {"iso-ir-144", "iso-8859-5"}, {"iso8859-5", "iso-8859-5"}, {"iso88595", "iso-8859-5"},
    {"iso_8859-5", "iso-8859-5"}, {"iso_8859-5:1988", "iso-8859-5"},
    {"arabic", "iso-8859-6"}, {"asmo-708", "iso-8859-6"}, {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"}, {"csisolatinarabic", "iso-8859-6"}, {"ecma-114", "iso-8859-6"},
    {"iso-8859-6", "iso-8859-6"}, {"iso-8859-6-e", "iso-8859-6"}, {"iso-8859-6-i", "iso-8859-6"},
    {"iso-ir-127", "iso-8859-6"}, {"iso8859-6", "iso-8859-6"}, {"iso88596", "iso-8859-6"},
    {"iso_8859-6", "iso-8859-6"}, {"iso_8859-6:1987", "iso-8859-6"},
    {"csisolatingreek", "iso-8859-7"}, {"ecma-118", "iso-8859-7"}, {"elot_928", "iso-8859-7"},
    {"greek", "iso-8859-7"}, {"greek8", "iso-8859-7"}, {"iso-8859-7", "iso-8859-7"},
    {"iso-ir-126", "iso-8859-7"}, {"iso8859-7", "iso-8859-7"}, {"iso88597", "iso-8859-7"},
    {"iso_8859-7", "iso-8859-7"}, {"iso_8859-7:1987", "iso-8859-7"}, {"sun_eu_greek", "iso-8859-7"},
    {"csiso88598e", "iso-8859-8"}, {"csisolatinhebrew", "iso-8859-8"}, {"hebrew", "iso-8859-8"},
    {"iso-8859-8", "iso-8859-8"}, {"iso-8859-8-e", "iso-8859-8"}, {"iso-ir-138", "iso-8859-8"},
    {"iso8859-8", "iso-8859-8"}, {"iso88598", "iso-8859-8"}, {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"}, {"visual", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8-i"}, {"iso-8859-8-i", "iso-8859-8-i"}, {"logical", "iso-8859-8-i"},
    {"csisolatin6", "iso-8859-10"}, {"iso-8859-10", "iso-8859-10"}, {"iso-ir-157", "iso-8859-10"},
    {"iso8859-10", "iso-8859-10"}, {"iso885910", "iso-8859-10"}, {"l6", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"}, {"iso8859-13", "iso-8859-13"}, {"iso885913", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"}, {"iso8859-14", "iso-8859-14"}, {"iso885914", "iso-8859-14"},
    {"csisolatin9", "iso-8859-15"}, {"iso-8859-15", "iso-8859-15"}, {"iso8859-15", "iso-8859-15"},
    {"iso885915", "iso-8859-15"}, {"iso_8859-15", "iso-8859-15"}, {"l9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"cskoi8r", "koi8-r"}, {"koi", "koi8-r"}, {"koi8", "koi8-r"}, {"koi8-r", "koi8-r"},
    {"koi8_r", "koi8-r"},
    {"koi8-ru", "koi8-u"}, {"koi8-u", "koi8-u"},
    {"csmacintosh", "macintosh"}, {"mac", "macintosh"}, {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"}, {"iso-8859-11", "windows-874"}, {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"}, {"tis-620", "windows-874"}, {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"}, {"windows-1250", "windows-1250"}, {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"}, {"windows-1251", "windows-1251"}, {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"}, {"ascii", "windows-1252"}, {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"}, {"csisolatin1", "windows-1252"}, {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"}, {"iso-ir-100", "windows-1252"}, {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"}, {"iso_8859-1", "windows-1252"}, {"iso_8859-1:1987", "windows-1252"},
    {"l1", "windows-1252"}, {"latin1", "windows-1252"}, {"us-ascii", "windows-1252"},
    {"windows-1252", "windows-1252"}, {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"}, {"windows-1253", "windows-1253"}, {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"}, {"csisolatin5", "windows-1254"}, {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"}, {"iso8859-9", "windows-1254"}, {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"}, {"iso_8859-9:1989", "windows-1254"}, {"l5", "windows-1254"},
    {"latin5", "windows-1254"}, {"windows-1254", "windows-1254"}, {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"}, {"windows-1255", "windows-1255"}, {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"}, {"windows-1256", "windows-1256"}, {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"}, {"windows-1257", "windows-1257"}, {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"}, {"windows-1258", "windows-1258"}, {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"}, {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"chinese", "gbk"}, {"csgb2312", "gbk"}, {"csiso58gb231280", "gbk"}, {"gb2312", "gbk"},
    {"gb_2312", "gbk"}, {"gb_2312-80", "gbk"}, {"gbk", "gbk"}, {"iso-ir-58", "gbk"}, {"x-gbk", "gbk"},
    {"gb18030", "gb18030"},
    {"big5", "big5"}, {"big5-hkscs", "big5"}, {"cn-big5", "big5"}, {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    {"cseucpkdfmtjapanese", "euc-jp"}, {"euc-jp", "euc-jp"}, {"x-euc-jp", "euc-jp"},
    {"csiso2022jp", "iso-2022-jp"}, {"iso-2022-jp", "iso-2022-jp"},
    {"csshiftjis", "shift_jis"}, {"ms932", "shift_jis"}, {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"}, {"shift_jis", "shift_jis"}, {"sjis", "shift_jis"},
    {"windows-31j", "shift_jis"}, {"x-sjis", "shift_jis"},
    {"cseuckr", "euc-kr"}, {"csksc56011987", "euc-kr"}, {"euc-kr", "euc-kr"}, {"iso-ir-149", "euc-kr"},
    {"korean", "euc-kr"}, {"ks_c_5601-1987", "euc-kr"}, {"ks_c_5601-1989", "euc-kr"},
    {"ksc5601", "euc-kr"}, {"ksc_5601", "euc-kr"}, {"windows-949", "euc-kr"},
    {"csiso2022kr", "replacement"}, {"hz-gb-2312", "replacement"}, {"iso-2022-cn", "replacement"},
    {"iso-2022-cn-ext", "replacement"}, {"iso-2022-kr", "replacement"}, {"replacement", "replacement"},
    {"unicodefffe", "utf-16be"}, {"utf-16be", "utf-16be"},
    {"csunicode", "utf-16le"}, {"iso-10646-ucs-2", "utf-16le"}, {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"}, {"unicodefeff", "utf-16le"}, {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
    {"x-user-defined", "x-user-defined"},
    /* not WHATWG labels, but Windows code page names that turn up in the wild */
    {"cp932", "shift_jis"}, {"cp936", "gbk"}, {"ms936", "gbk"}, {"cp949", "euc-kr"},
    {"cp950", "big5"}, {"euc-cn", "gbk"}, {"x-euc-cn", "gbk"}, {"windows-936", "gbk"},
    {"utf_8", "utf-8"},
};

/* Canonical name -> glibc iconv name, where they differ in more than case. The WHATWG decoders
 * behind gbk, big5, shift_jis and euc-kr are the Microsoft/HKSCS supersets, hence the choices. */
static const struct label iconv_names[] = {
    {"gbk", "GB18030"}, {"big5", "BIG5-HKSCS"}, {"shift_jis", "CP932"}, {"euc-kr", "CP949"},
    {"iso-8859-8-i", "ISO-8859-8"}, {"x-mac-cyrillic", "MAC-CYRILLIC"}, {"koi8-u", "KOI8-U"},
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Canonical name for the n bytes at s, or NULL. */
static const char *lookup(const char *s, size_t n)
{
    while (n && is_space((unsigned char)*s)) { s++; n--; }
    while (n && is_space((unsigned char)s[n - 1])) n--;
    if (n == 0 || n >= LABEL_MAX)
        return NULL;
    char key[LABEL_MAX];
    for (size_t i = 0; i < n; i++)
        key[i] = (char)lower((unsigned char)s[i]);
    key[n] = '\0';
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].label, key) == 0)
            return labels[i].name;
    return NULL;
}

int mw_charset_canonical(const char *label, char *out, size_t cap)
{
    if (!label || !out || cap == 0)
        return MW_EINVAL;
    const char *name = lookup(label, strlen(label));
    if (!name) {
        out[0] = '\0';
        return MW_ENOTFOUND;
    }
    if (strlen(name) >= cap) {
        out[0] = '\0';
        return MW_EINVAL;
    }
    strcpy(out, name);
    return MW_OK;
}

/* ---- UTF-8 ------------------------------------------------------------------------------------ */

/* Length of the well-formed prefix of s (Unicode table 3-7). *mb is set when a multi-byte sequence was
 * seen; *cut is set when the scan stopped at a sequence that is only unfinished, i.e. runs into the end. */
static size_t utf8_scan(const unsigned char *s, size_t n, int *mb, int *cut)
{
    size_t i = 0;
    *mb = 0;
    *cut = 0;
    while (i < n) {
        /* ASCII runs dominate markup: eight bytes per test */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;     /* allowed range of the second byte */
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; }
        else if (c == 0xED) { need = 2; hi = 0x9F; }          /* no surrogates */
        else if (c >= 0xE1 && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; }
        else if (c == 0xF4) { need = 3; hi = 0x8F; }          /* nothing past U+10FFFF */
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else return i;                                        /* 80..C1, F5..FF */
        size_t k;
        for (k = 1; k <= need && i + k < n; k++) {
            unsigned t = s[i + k];
            if (k == 1 ? (t < lo || t > hi) : (t < 0x80 || t > 0xBF))
                return i;
        }
        if (k <= need) {                                      /* ran out of bytes */
            *cut = 1;
            return i;
        }
        *mb = 1;
        i += need + 1;
    }
    return n;
}

int mw_utf8_valid(const char *s, size_t n)
{
    int mb, cut;
    if (n == 0)
        return 1;
    if (!s)
        return 0;
    return utf8_scan((const unsigned char *)s, n, &mb, &cut) == n;
}

/* ---- output ----------------------------------------------------------------------------------- */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

static void set_result(struct mw_decoded *out, char *data, size_t len, const char *charset,
                       const char *source)
{
    out->data = data;
    out->len = len;
    snprintf(out->charset, sizeof out->charset, "%s", charset);
    out->source = source;
}

/* The input itself is the result: no copy (mw_charset_view). */
static int set_view(struct mw_decoded *out, const char *p, size_t n, const char *charset, const char *source)
{
    set_result(out, (char *)p, n, charset, source);
    out->borrowed = 1;
    return MW_OK;
}

/* Copy n bytes (plus a U+FFFD when tail is set) into a fresh NUL-terminated string. */
static char *copy_utf8(const char *p, size_t n, int tail, size_t *len)
{
    size_t extra = tail ? 3 : 0;
    char *d = malloc(n + extra + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, p, n);
    if (tail)
        memcpy(d + n, REPLACEMENT, 3);
    d[n + extra] = '\0';
    *len = n + extra;
    return d;
}

static size_t put_utf8(unsigned char *d, unsigned cp)
{
    if (cp < 0x80) { d[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        d[0] = (unsigned char)(0xC0 | (cp >> 6));
        d[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    d[0] = (unsigned char)(0xE0 | (cp >> 12));
    d[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
}

/* WHATWG index-windows-1252 for 0x80..0x9F; the holes map to the C1 controls as browsers do. */
static const unsigned short cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Single-byte decoders done by hand: they never fail (glibc rejects 0x81 in windows-1252), so the
 * last-resort path cannot produce an error or invalid UTF-8. */
static char *decode_single(const char *in, size_t n, int user_defined, size_t *len)
{
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    unsigned char *d = malloc(3 * n + 1);
    if (!d)
        return NULL;
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c < 0x80)
            d[o++] = (unsigned char)c;
        else if (user_defined)
            o += put_utf8(d + o, 0xF780 + c - 0x80);
        else
            o += put_utf8(d + o, c < 0xA0 ? cp1252_c1[c - 0x80] : c);
    }
    d[o] = '\0';
    *len = o;
    char *shrunk = realloc(d, o + 1);
    return shrunk ? shrunk : (char *)d;
}

enum { CONV_OK, CONV_FAIL, CONV_NOMEM };

/* Exact conversion with iconv: any invalid sequence fails the whole charset (the caller tries the next
 * source). An unfinished sequence at the very end is a page cut by the body cap: U+FFFD stands for it. */
static int iconv_decode(const char *from, const char *in, size_t n, char **res, size_t *len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return CONV_FAIL;
    size_t cap = n + n / 2 + 64;
    char *d = malloc(cap);
    if (!d) {
        iconv_close(cd);
        return CONV_NOMEM;
    }
    char *ip = (char *)in;
    size_t ileft = n, o = 0;
    int rc = CONV_OK, flushing = 0, cut = 0;
    for (;;) {
        char *op = d + o;
        size_t oleft = cap - o - 4;        /* room for U+FFFD and the NUL */
        size_t r = flushing ? iconv(cd, NULL, NULL, &op, &oleft) : iconv(cd, &ip, &ileft, &op, &oleft);
        o = (size_t)(op - d);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = 1;              /* stateful decoders (ISO-2022-JP, BIG5-HKSCS) hold output back */
            continue;
        }
        if (errno == E2BIG) {
            if (cap > SIZE_MAX / 2) { rc = CONV_NOMEM; break; }
            char *nd = realloc(d, cap * 2);
            if (!nd) { rc = CONV_NOMEM; break; }
            d = nd;
            cap *= 2;
            continue;
        }
        if (errno == EINVAL && !flushing) {
            cut = 1;
            ileft = 0;
            flushing = 1;
            continue;
        }
        rc = CONV_FAIL;
        break;
    }
    iconv_close(cd);
    if (rc != CONV_OK) {
        free(d);
        return rc;
    }
    if (cut) {
        memcpy(d + o, REPLACEMENT, 3);
        o += 3;
    }
    d[o] = '\0';
    /* glibc emits only well-formed UTF-8, but the "always valid" promise should not rest on that */
    if (!mw_utf8_valid(d, o)) {
        free(d);
        return CONV_FAIL;
    }
    char *shrunk = realloc(d, o + 1);
    *res = shrunk ? shrunk : d;
    *len = o;
    return CONV_OK;
}

/* ---- sniffing --------------------------------------------------------------------------------- */

/* Charset label inside a Content-Type value ("text/html; charset=\"x\""), as the WHATWG "extract a
 * character encoding from a meta element" algorithm reads it. Sets *lab and *lab_n; 0 when none. */
static int charset_param(const char *s, size_t n, const char **lab, size_t *lab_n)
{
    size_t i = 0;
    while (i + 7 <= n) {
        if (strncasecmp(s + i, "charset", 7) != 0) { i++; continue; }
        i += 7;
        size_t j = i;
        while (j < n && is_space((unsigned char)s[j])) j++;
        if (j >= n || s[j] != '=')
            continue;
        j++;
        while (j < n && is_space((unsigned char)s[j])) j++;
        if (j >= n)
            return 0;
        if (s[j] == '"' || s[j] == '\'') {
            const char *end = memchr(s + j + 1, s[j], n - j - 1);
            if (!end)
                return 0;
            *lab = s + j + 1;
            *lab_n = (size_t)(end - (s + j + 1));
            return 1;
        }
        size_t k = j;
        while (k < n && !is_space((unsigned char)s[k]) && s[k] != ';') k++;
        *lab = s + j;
        *lab_n = k - j;
        return 1;
    }
    return 0;
}

/* A lookup that forgives the junk hand-written markup leaves on a label ("utf-8/", "'koi8-r';"). */
static const char *lookup_loose(const char *s, size_t n)
{
    const char *name = lookup(s, n);
    if (name)
        return name;
    while (n && strchr("\"'/;,", s[0])) { s++; n--; }
    while (n && strchr("\"'/;,", s[n - 1])) n--;
    return lookup(s, n);
}

#define ATTR_MAX 512

struct attr {
    char name[32], value[ATTR_MAX];
    size_t name_n, value_n;
};

static void attr_add(char *buf, size_t *n, size_t cap, unsigned char c)
{
    if (*n + 1 < cap)
        buf[(*n)++] = (char)lower(c);
    buf[*n] = '\0';
}

/* WHATWG "get an attribute": 1 with *a filled and *pos past it, 0 at '>' or the end. Over-long names
 * and values are cut (they cannot be a charset then) but still skipped whole. */
static int get_attr(const unsigned char *s, size_t n, size_t *pos, struct attr *a)
{
    size_t i = *pos;
    a->name_n = a->value_n = 0;
    a->name[0] = a->value[0] = '\0';
    while (i < n && (is_space(s[i]) || s[i] == '/')) i++;
    if (i >= n || s[i] == '>') { *pos = i; return 0; }
    for (;;) {                                   /* name */
        if (i >= n) { *pos = i; return 0; }
        if (s[i] == '=' && a->name_n) { i++; break; }
        if (is_space(s[i])) {
            while (i < n && is_space(s[i])) i++;
            if (i >= n || s[i] != '=') { *pos = i; return 1; }
            i++;
            break;
        }
        if (s[i] == '/' || s[i] == '>') { *pos = i; return 1; }
        attr_add(a->name, &a->name_n, sizeof a->name, s[i]);
        i++;
    }
    while (i < n && is_space(s[i])) i++;          /* value */
    if (i >= n) { *pos = i; return 0; }
    if (s[i] == '"' || s[i] == '\'') {
        unsigned char q = s[i++];
        while (i < n && s[i] != q)
            attr_add(a->value, &a->value_n, sizeof a->value, s[i++]);
        if (i >= n) { *pos = i; return 0; }
        *pos = i + 1;
        return 1;
    }
    if (s[i] == '>') { *pos = i; return 1; }
    while (i < n && !is_space(s[i]) && s[i] != '>')
        attr_add(a->value, &a->value_n, sizeof a->value, s[i++]);
    *pos = i;
    return 1;
}

/* Charset from one <meta> whose attributes start at *pos (WHATWG prescan, "<meta" branch). */
static const char *meta_charset(const unsigned char *s, size_t n, size_t *pos)
{
    struct attr a;
    int seen_equiv = 0, seen_content = 0, seen_charset = 0, got_pragma = 0, need_pragma = -1;
    const char *name = NULL;
    while (get_attr(s, n, pos, &a)) {
        if (strcmp(a.name, "http-equiv") == 0) {
            if (seen_equiv++) continue;
            if (strcmp(a.value, "content-type") == 0)
                got_pragma = 1;
        } else if (strcmp(a.name, "content") == 0) {
            if (seen_content++) continue;
            const char *lab;
            size_t lab_n;
            if (!name && charset_param(a.value, a.value_n, &lab, &lab_n)) {
                name = lookup_loose(lab, lab_n);
                if (name)
                    need_pragma = 1;
            }
        } else if (strcmp(a.name, "charset") == 0) {
            if (seen_charset++) continue;
            name = lookup_loose(a.value, a.value_n);
            need_pragma = 0;
        }
    }
    if (need_pragma < 0 || (need_pragma == 1 && !got_pragma) || !name)
        return NULL;
    /* a page that could announce UTF-16 in ASCII is not UTF-16 */
    if (strcmp(name, "utf-16le") == 0 || strcmp(name, "utf-16be") == 0)
        return "utf-8";
    if (strcmp(name, "x-user-defined") == 0)
        return "windows-1252";
    return name;
}

static const unsigned char *find_bytes(const unsigned char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    return k <= n ? memmem(s, n, needle, k) : NULL;
}

/* WHATWG "prescan a byte stream to determine its encoding", over the first SNIFF_BYTES. */
static const char *sniff_meta(const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
    size_t i = 0;
    while (i < n) {
        if (s[i] != '<') {
            const unsigned char *lt = memchr(s + i, '<', n - i);
            if (!lt)
                break;
            i = (size_t)(lt - s);
        }
        size_t left = n - i;
        if (left >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const unsigned char *end = find_bytes(s + i + 2, n - i - 2, "-->");
            if (!end)
                break;
            i = (size_t)(end - s) + 3;
            continue;
        }
        if (left >= 6 && strncasecmp((const char *)s + i, "<meta", 5) == 0 &&
            (is_space(s[i + 5]) || s[i + 5] == '/')) {
            size_t pos = i + 5;
            const char *name = meta_charset(s, n, &pos);
            if (name)
                return name;
            i = pos + 1;
            continue;
        }
        int letter1 = left >= 2 && ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z');
        int letter2 = left >= 3 && s[i + 1] == '/' && ((s[i + 2] | 0x20) >= 'a' && (s[i + 2] | 0x20) <= 'z');
        if (letter1 || letter2) {
            /* skip the tag with its attributes, so a '>' or "<meta" inside a quoted value is not seen */
            size_t pos = i + 1;
            while (pos < n && !is_space(s[pos]) && s[pos] != '>') pos++;
            struct attr a;
            while (get_attr(s, n, &pos, &a))
                ;
            i = pos + 1;
            continue;
        }
        if (left >= 2 && (s[i + 1] == '!' || s[i + 1] == '/' || s[i + 1] == '?')) {
            const unsigned char *gt = memchr(s + i, '>', n - i);
            if (!gt)
                break;
            i = (size_t)(gt - s) + 1;
            continue;
        }
        i++;
    }
    return NULL;
}

/* ---- decode ----------------------------------------------------------------------------------- */

struct scan {
    int done;        /* the fields below are filled */
    int ok;          /* well-formed UTF-8, or only an unfinished last sequence after multi-byte text */
    int tail;        /* ok because of that unfinished sequence: it becomes U+FFFD */
    int mb;          /* at least one multi-byte sequence */
    size_t good;     /* bytes to keep */
};

static void scan_once(struct scan *sc, const char *p, size_t n)
{
    if (sc->done)
        return;
    int cut;
    sc->good = utf8_scan((const unsigned char *)p, n, &sc->mb, &cut);
    sc->tail = sc->good < n && cut && sc->mb;
    sc->ok = sc->good == n || sc->tail;
    sc->done = 1;
}

static const char *iconv_name(const char *canon)
{
    for (size_t i = 0; i < sizeof iconv_names / sizeof iconv_names[0]; i++)
        if (strcmp(iconv_names[i].label, canon) == 0)
            return iconv_names[i].name;
    return canon;   /* glibc takes the rest as spelt, case-insensitively */
}

/* Decode p as the declared canonical charset. 0 with out filled, 0 with out->data NULL to fall through
 * to the next source, or MW_ENOMEM. */
static int try_declared(const char *canon, const char *p, size_t n, struct scan *sc,
                        const char *source, struct mw_decoded *out, int view, struct mw_err *err)
{
    char *d = NULL;
    size_t len = 0;
    if (strcmp(canon, "replacement") == 0)
        return MW_OK;        /* the spec's "decode to one U+FFFD" helps nobody; keep looking */
    scan_once(sc, p, n);
    if (strcmp(canon, "utf-8") == 0) {
        if (!sc->ok)
            return MW_OK;
        if (view && !sc->tail)
            return set_view(out, p, sc->good, "utf-8", source);
        if (!(d = copy_utf8(p, sc->good, sc->tail, &len)))
            goto nomem;
        set_result(out, d, len, "utf-8", source);
        return MW_OK;
    }
    if (sc->ok && sc->mb)
        return MW_OK;        /* stale declaration: real multi-byte UTF-8 wins (the "utf8" step takes it) */
    int ascii_compatible = strcmp(canon, "utf-16le") != 0 && strcmp(canon, "utf-16be") != 0 &&
                           strcmp(canon, "iso-2022-jp") != 0;
    if (ascii_compatible && sc->ok && !sc->tail && view) {
        return set_view(out, p, n, canon, source);   /* pure ASCII reads the same in every such charset */
    } else if (ascii_compatible && sc->ok && !sc->tail) {
        if (!(d = copy_utf8(p, n, 0, &len)))   /* pure ASCII reads the same in every such charset */
            goto nomem;
    } else if (strcmp(canon, "windows-1252") == 0 || strcmp(canon, "x-user-defined") == 0) {
        if (!(d = decode_single(p, n, canon[0] == 'x', &len)))
            goto nomem;
    } else {
        int rc = iconv_decode(iconv_name(canon), p, n, &d, &len);
        if (rc == CONV_NOMEM)
            goto nomem;
        if (rc == CONV_FAIL)
            return MW_OK;
    }
    set_result(out, d, len, canon, source);
    return MW_OK;
nomem:
    return mw_err_set(err, MW_ENOMEM, "decode", "out of memory decoding %zu bytes as %s", n, canon);
}

/* 1. A byte order mark: the bytes after it (*p, *n) under it. A body that does not decode under its own BOM
 * falls through without the BOM: MW_OK with out->data unset. */
static int by_bom(const char **p, size_t *n, struct scan *sc, struct mw_decoded *out, int view, struct mw_err *err)
{
    const unsigned char *u = (const unsigned char *)*p;
    const char *bom = NULL;
    size_t bom_n = 0;
    if (*n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) { bom = "utf-8"; bom_n = 3; }
    else if (*n >= 2 && u[0] == 0xFF && u[1] == 0xFE) { bom = "utf-16le"; bom_n = 2; }
    else if (*n >= 2 && u[0] == 0xFE && u[1] == 0xFF) { bom = "utf-16be"; bom_n = 2; }
    if (!bom)
        return MW_OK;
    *p += bom_n;
    *n -= bom_n;
    if (strcmp(bom, "utf-8") == 0)
        return try_declared(bom, *p, *n, sc, "bom", out, view, err);
    char *d = NULL;
    size_t dl;
    int cr = iconv_decode(bom[6] == 'l' ? "UTF-16LE" : "UTF-16BE", *p, *n, &d, &dl);
    if (cr == CONV_NOMEM)
        return mw_err_set(err, MW_ENOMEM, "decode", "out of memory decoding %zu bytes", *n);
    if (cr == CONV_OK)
        set_result(out, d, dl, bom, "bom");
    return MW_OK;
}

/* 2–3. The charset the HTTP Content-Type declares, then a <meta> in the first bytes; out->data unset when
 * neither names one that decodes the bytes. */
static int by_declared(const char *p, size_t n, const char *content_type, struct scan *sc, struct mw_decoded *out,
                       int view, struct mw_err *err)
{
    const char *lab;
    size_t lab_n;
    int rc;
    if (content_type && charset_param(content_type, strlen(content_type), &lab, &lab_n)) {
        const char *canon = lookup_loose(lab, lab_n);
        if (canon && (rc = try_declared(canon, p, n, sc, "http", out, view, err)) != MW_OK)
            return rc;
        if (out->data)
            return MW_OK;
    }
    const char *canon = sniff_meta(p, n);
    if (canon && (rc = try_declared(canon, p, n, sc, "meta", out, view, err)) != MW_OK)
        return rc;
    return MW_OK;
}

/* 4. whatever UTF-8 is, it is; 5. else windows-1252, the web's default for undeclared legacy text */
static int by_content(const char *p, size_t n, struct scan *sc, struct mw_decoded *out, int view,
                      struct mw_err *err)
{
    char *d;
    size_t dl;
    scan_once(sc, p, n);
    if (sc->ok && view && !sc->tail)
        return set_view(out, p, sc->good, "utf-8", "utf8");
    if (sc->ok) {
        if (!(d = copy_utf8(p, sc->good, sc->tail, &dl)))
            return mw_err_set(err, MW_ENOMEM, "decode", "out of memory copying %zu bytes", n);
        set_result(out, d, dl, "utf-8", "utf8");
        return MW_OK;
    }
    if (!(d = decode_single(p, n, 0, &dl)))
        return mw_err_set(err, MW_ENOMEM, "decode", "out of memory decoding %zu bytes", n);
    set_result(out, d, dl, "windows-1252", "fallback");
    return MW_OK;
}

static int decode(const char *in, size_t len, const char *content_type, struct mw_decoded *out, int view,
                  struct mw_err *err)
{
    if (!out)
        return mw_err_set(err, MW_EINVAL, "decode", "no output record");
    memset(out, 0, sizeof *out);
    if (!in && len)
        return mw_err_set(err, MW_EINVAL, "decode", "NULL input of %zu bytes", len);
    if (len == 0) {     /* a declared charset means nothing without bytes */
        size_t dl;
        char *d = copy_utf8("", 0, 0, &dl);
        if (!d)
            return mw_err_set(err, MW_ENOMEM, "decode", "out of memory");
        set_result(out, d, dl, "utf-8", "utf8");
        return MW_OK;
    }
    const char *p = in;
    size_t n = len;
    struct scan sc = {0};
    int rc;
    if ((rc = by_bom(&p, &n, &sc, out, view, err)) != MW_OK || out->data)
        return rc;
    if ((rc = by_declared(p, n, content_type, &sc, out, view, err)) != MW_OK || out->data)
        return rc;
    return by_content(p, n, &sc, out, view, err);
}

int mw_charset_decode(const char *in, size_t len, const char *content_type,
                      struct mw_decoded *out, struct mw_err *err)
{
    return decode(in, len, content_type, out, 0, err);
}

int mw_charset_view(const char *in, size_t len, const char *content_type, struct mw_decoded *out,
                    struct mw_err *err)
{
    return decode(in, len, content_type, out, 1, err);
}

void mw_decoded_free(struct mw_decoded *d)
{
    if (!d)
        return;
    if (!d->borrowed)
        free(d->data);
    d->borrowed = 0;
    d->data = NULL;
    d->len = 0;
}
