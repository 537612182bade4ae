/* tests/unit/test_charset.c: doc/charset.c on pages in legacy charsets. The legacy bytes are made here
 * with iconv from UTF-8 literals (or written as escapes); no page is read from disk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "doc/charset.h"

#define HEAD(meta) "<!DOCTYPE html><html><head>" meta "<title>t</title></head><body><p>"
#define TAIL "</p></body></html>"

#define RU "Президент России подписал закон о федеральном бюджете"
#define AR "أعلنت الحكومة العراقية اليوم عن خطة جديدة"
#define TR "İstanbul'da şiddetli yağış: öğrenciler için ÇIĞ uyarısı"
#define JA "東京都の天気予報、明日は晴れのち曇り"
#define ZH "人民日报：中国经济稳步增长"
#define ZH_T "中華民國臺灣的新聞報導"
#define KO "서울 시장은 오늘 새 정책을 발표했다"
#define KO_UHC "똠방각하 뷁 햏"   /* syllables outside KS X 1001: only the windows-949 superset has them */

struct row {
    const char *name;
    const char *content_type;  /* NULL: no HTTP header */
    const char *bom;           /* bytes put before the encoded page, or NULL */
    const char *enc;           /* iconv name the UTF-8 page is encoded to; NULL: page bytes as written */
    const char *page;
    const char *want;          /* NULL: the page itself */
    const char *want_charset;
    const char *want_source;
};

static const struct row rows[] = {
    /* Russian */
    {"ru http", "text/html; charset=windows-1251", NULL, "WINDOWS-1251", HEAD("") RU TAIL, NULL,
     "windows-1251", "http"},
    {"ru meta charset", NULL, NULL, "WINDOWS-1251", HEAD("<meta charset=\"windows-1251\">") RU TAIL, NULL,
     "windows-1251", "meta"},
    {"ru http-equiv cp1251", NULL, NULL, "WINDOWS-1251",
     HEAD("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=cp1251\">") RU TAIL, NULL,
     "windows-1251", "meta"},
    {"ru koi8-r unquoted", NULL, NULL, "KOI8-R", HEAD("<meta charset=KOI8-R>") RU TAIL, NULL, "koi8-r", "meta"},
    {"ru undeclared legacy", NULL, NULL, NULL, "<p>\xcf\xf0\xe8\xe2\xe5\xf2</p>", "<p>Ïðèâåò</p>",
     "windows-1252", "fallback"},
    {"ru undeclared utf-8", NULL, NULL, NULL, HEAD("") RU TAIL, NULL, "utf-8", "utf8"},
    {"ru utf-16be bom", NULL, "\xfe\xff", "UTF-16BE", HEAD("") RU TAIL, NULL, "utf-16be", "bom"},
    {"ru http utf-16le no bom", "text/html; charset=utf-16le", NULL, "UTF-16LE", HEAD("") RU TAIL, NULL,
     "utf-16le", "http"},
    /* Arabic */
    {"ar http 1256", "text/html;charset=windows-1256", NULL, "WINDOWS-1256", HEAD("") AR TAIL, NULL,
     "windows-1256", "http"},
    {"ar meta odd spacing", NULL, NULL, "WINDOWS-1256", HEAD("<META   CHARSET = \"Windows-1256\" >") AR TAIL,
     NULL, "windows-1256", "meta"},
    {"ar http-equiv unquoted 8859-6", NULL, NULL, "ISO-8859-6",
     HEAD("<meta http-equiv=content-type content='text/html;charset=ISO-8859-6'>") AR TAIL, NULL,
     "iso-8859-6", "meta"},
    {"ar label arabic", NULL, NULL, "ISO-8859-6", HEAD("<meta charset=\"arabic\">") AR TAIL, NULL,
     "iso-8859-6", "meta"},
    /* Turkish */
    {"tr http 8859-9", "text/html; charset=ISO-8859-9", NULL, "ISO-8859-9", HEAD("") TR TAIL, NULL,
     "windows-1254", "http"},
    {"tr meta latin5", NULL, NULL, "WINDOWS-1254", HEAD("<meta charset='latin5'>") TR TAIL, NULL,
     "windows-1254", "meta"},
    /* Japanese */
    {"ja meta shift_jis", NULL, NULL, "SHIFT_JIS", HEAD("<meta charset=\"Shift_JIS\">") JA TAIL, NULL,
     "shift_jis", "meta"},
    {"ja http x-sjis", "text/html; charset=x-sjis", NULL, "CP932", HEAD("") JA TAIL, NULL, "shift_jis", "http"},
    {"ja http-equiv content first euc-jp", NULL, NULL, "EUC-JP",
     HEAD("<meta content=\"text/html; charset=EUC-JP\" http-equiv=\"Content-Type\">") JA TAIL, NULL,
     "euc-jp", "meta"},
    {"ja iso-2022-jp", NULL, NULL, "ISO-2022-JP", HEAD("<meta charset=iso-2022-jp>") JA TAIL, NULL,
     "iso-2022-jp", "meta"},
    {"ja utf-16le bom", NULL, "\xff\xfe", "UTF-16LE", HEAD("") JA TAIL, NULL, "utf-16le", "bom"},
    /* Chinese */
    {"zh http-equiv gb2312", NULL, NULL, "GB2312",
     HEAD("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />") ZH TAIL, NULL,
     "gbk", "meta"},
    {"zh http gb18030 four-byte", "text/html; charset=GB18030", NULL, "GB18030", HEAD("") ZH "😀" TAIL, NULL,
     "gb18030", "http"},
    {"zh meta big5", NULL, NULL, "BIG5", HEAD("<meta charset=big5>") ZH_T TAIL, NULL, "big5", "meta"},
    {"zh http big5 quoted", "text/html; charset=\"Big5\"", NULL, "BIG5", HEAD("") ZH_T TAIL, NULL,
     "big5", "http"},
    /* Korean */
    {"ko meta euc-kr", NULL, NULL, "EUC-KR", HEAD("<meta charset=\"euc-kr\">") KO TAIL, NULL, "euc-kr", "meta"},
    {"ko http-equiv ks_c uhc", NULL, NULL, "CP949",
     HEAD("<meta http-equiv=\"content-type\" content=\"text/html; charset=ks_c_5601-1987\">") KO_UHC TAIL,
     NULL, "euc-kr", "meta"},
    /* conflicts between sources */
    {"utf-8 bom beats meta", NULL, "\xef\xbb\xbf", NULL, HEAD("<meta charset=windows-1251>") RU TAIL, NULL,
     "utf-8", "bom"},
    {"stale meta gb2312", NULL, NULL, NULL, HEAD("<meta charset=\"gb2312\">") ZH TAIL, NULL, "utf-8", "utf8"},
    {"stale http windows-1251", "text/html; charset=windows-1251", NULL, NULL, HEAD("") RU TAIL, NULL,
     "utf-8", "utf8"},
    {"wrong http utf-8, meta 1251", "text/html; charset=utf-8", NULL, "WINDOWS-1251",
     HEAD("<meta charset=windows-1251>") RU TAIL, NULL, "windows-1251", "meta"},
    {"unknown http label, meta 1256", "text/html; charset=klingon", NULL, "WINDOWS-1256",
     HEAD("<meta charset=windows-1256>") AR TAIL, NULL, "windows-1256", "meta"},
    {"declared euc-kr fails", NULL, NULL, NULL, "<meta charset=euc-kr><p>\xff\xff</p>",
     "<meta charset=euc-kr><p>ÿÿ</p>", "windows-1252", "fallback"},
    /* windows-1252 */
    {"invalid utf-8 undeclared", NULL, NULL, NULL, "<p>caf\xe9 na\xefve \x80 \x81</p>",
     "<p>café naïve € \xc2\x81</p>", "windows-1252", "fallback"},
    {"http latin1 ascii", "text/html; charset=latin1", NULL, NULL, "<p>plain</p>", NULL, "windows-1252", "http"},
    {"http iso-8859-1 is 1252", "text/html; charset=iso-8859-1", NULL, NULL, "<p>Gr\xfc\xdf" "e \x93q\x94</p>",
     "<p>Grüße “q”</p>", "windows-1252", "http"},
    {"ascii with http 1251", "text/html; charset=windows-1251", NULL, NULL, "<p>plain</p>", NULL,
     "windows-1251", "http"},
    /* the prescan */
    {"meta in comment ignored", NULL, NULL, "WINDOWS-1251",
     "<!-- <meta charset=koi8-r> --><meta charset=windows-1251><p>" RU TAIL, NULL, "windows-1251", "meta"},
    {"content without http-equiv ignored", NULL, NULL, "WINDOWS-1251",
     "<meta content=\"text/html; charset=koi8-r\"><meta charset=windows-1251><p>" RU TAIL, NULL,
     "windows-1251", "meta"},
    {"meta in quoted attribute ignored", NULL, NULL, "WINDOWS-1251",
     "<div title=\"<meta charset=koi8-r>\"></div><meta charset=windows-1251><p>" RU TAIL, NULL,
     "windows-1251", "meta"},
    {"meta trailing slash", NULL, NULL, "WINDOWS-1251", HEAD("<meta charset=windows-1251/>") RU TAIL, NULL,
     "windows-1251", "meta"},
    {"meta utf-16 means utf-8", NULL, NULL, NULL, HEAD("<meta charset=utf-16>") RU TAIL, NULL, "utf-8", "meta"},
    {"meta x-user-defined means 1252", NULL, NULL, NULL, "<meta charset=x-user-defined><p>\xe9</p>",
     "<meta charset=x-user-defined><p>é</p>", "windows-1252", "meta"},
};

/* UTF-8 text -> bytes in charset enc (malloc'd), via iconv. */
static char *encode(const char *enc, const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open(enc, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t n = strlen(utf8), cap = 4 * n + 16;
    char *d = malloc(cap), *op = d, *ip = (char *)utf8;
    size_t ileft = n, oleft = cap;
    assert_non_null(d);
    assert_int_not_equal(iconv(cd, &ip, &ileft, &op, &oleft), (size_t)-1);
    assert_int_not_equal(iconv(cd, NULL, NULL, &op, &oleft), (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(op - d);
    return d;
}

static char *build(const struct row *r, size_t *len)
{
    size_t bn = r->bom ? strlen(r->bom) : 0, pn;
    char *page = r->enc ? encode(r->enc, r->page, &pn) : NULL;
    if (!page)
        pn = strlen(r->page);
    char *in = malloc(bn + pn + 1);
    assert_non_null(in);
    if (bn)
        memcpy(in, r->bom, bn);
    memcpy(in + bn, page ? page : r->page, pn);
    free(page);
    *len = bn + pn;
    return in;
}

static void check_row(const struct row *r)
{
    size_t n;
    char *in = build(r, &n);
    /* the row must really test a conversion: legacy 8-bit bytes that happen to be UTF-8 would not */
    if (r->enc && strcmp(r->enc, "ISO-2022-JP") != 0 && strncmp(r->enc, "UTF-16", 6) != 0 &&
        mw_utf8_valid(in, n))
        fail_msg("%s: the %s bytes are valid UTF-8", r->name, r->enc);
    struct mw_decoded d;
    struct mw_err err = {0};
    int rc = mw_charset_decode(in, n, r->content_type, &d, &err);
    if (rc != 0)
        fail_msg("%s: rc %d %s", r->name, rc, err.msg);
    const char *want = r->want ? r->want : r->page;
    if (d.len != strlen(want) || memcmp(d.data, want, d.len) != 0)
        fail_msg("%s: got \"%s\" want \"%s\"", r->name, d.data, want);
    if (strcmp(d.charset, r->want_charset) != 0 || strcmp(d.source, r->want_source) != 0)
        fail_msg("%s: got %s/%s want %s/%s", r->name, d.charset, d.source, r->want_charset, r->want_source);
    assert_int_equal(d.data[d.len], '\0');
    assert_true(mw_utf8_valid(d.data, d.len));
    mw_decoded_free(&d);
    free(in);
}

static void test_decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(&rows[i]);
}

static void test_empty(void **state)
{
    (void)state;
    struct mw_decoded d;
    struct mw_err err = {0};
    assert_int_equal(mw_charset_decode("", 0, "text/html; charset=windows-1251", &d, &err), 0);
    assert_int_equal(d.len, 0);
    assert_string_equal(d.data, "");
    assert_string_equal(d.charset, "utf-8");
    mw_decoded_free(&d);
    assert_int_equal(mw_charset_decode(NULL, 0, NULL, &d, &err), 0);
    assert_string_equal(d.data, "");
    assert_string_equal(d.charset, "utf-8");
    mw_decoded_free(&d);
    mw_decoded_free(NULL);
}

static void test_bad_args(void **state)
{
    (void)state;
    struct mw_decoded d;
    struct mw_err err = {0};
    assert_int_equal(mw_charset_decode(NULL, 5, NULL, &d, &err), MW_EINVAL);
    assert_string_equal(err.stage, "decode");
    assert_null(d.data);
    mw_err_clear(&err);
    assert_int_equal(mw_charset_decode("x", 1, NULL, NULL, &err), MW_EINVAL);
}

/* Browsers look at 1 KB, we at 4 KB; a meta past that is not seen. */
static void test_meta_window(void **state)
{
    (void)state;
    size_t rn;
    char *ru = encode("WINDOWS-1251", "<p>" RU "</p>", &rn);
    for (int far = 0; far <= 1; far++) {
        size_t pad = far ? 4200 : 3500;
        const char *meta = "<meta charset=windows-1251>";
        size_t mn = strlen(meta), n = pad + mn + rn;
        char *in = malloc(n);
        assert_non_null(in);
        memcpy(in, "<!--", 4);
        memset(in + 4, ' ', pad - 7);
        memcpy(in + pad - 3, "-->", 3);
        memcpy(in + pad, meta, mn);
        memcpy(in + pad + mn, ru, rn);
        struct mw_decoded d;
        assert_int_equal(mw_charset_decode(in, n, NULL, &d, NULL), 0);
        assert_string_equal(d.charset, far ? "windows-1252" : "windows-1251");
        assert_string_equal(d.source, far ? "fallback" : "meta");
        if (!far)
            assert_non_null(strstr(d.data, RU));
        assert_true(mw_utf8_valid(d.data, d.len));
        mw_decoded_free(&d);
        free(in);
    }
    free(ru);
}

/* A body cut by the size cap ends mid-character: still the page's charset, U+FFFD for the stub. */
static void test_truncated(void **state)
{
    (void)state;
    static const char page[] = "<p>" RU;
    struct mw_decoded d;
    assert_int_equal(mw_charset_decode(page, sizeof page - 2, NULL, &d, NULL), 0);
    assert_string_equal(d.source, "utf8");
    assert_int_equal(d.len, sizeof page - 3 + 3);
    assert_memory_equal(d.data, page, sizeof page - 3);
    assert_string_equal(d.data + d.len - 3, "\xef\xbf\xbd");
    mw_decoded_free(&d);

    /* without a multi-byte sequence before it, a stray lead byte is windows-1252 */
    assert_int_equal(mw_charset_decode("caf\xc3", 4, NULL, &d, NULL), 0);
    assert_string_equal(d.data, "cafÃ");
    assert_string_equal(d.source, "fallback");
    mw_decoded_free(&d);

    size_t n;
    char *gb = encode("GB18030", "<p>" ZH, &n);
    assert_int_equal(mw_charset_decode(gb, n - 1, "text/html; charset=gbk", &d, NULL), 0);
    assert_string_equal(d.charset, "gbk");
    assert_string_equal(d.data, "<p>人民日报：中国经济稳步增\xef\xbf\xbd");
    mw_decoded_free(&d);
    free(gb);
}

/* The common case: a large valid UTF-8 page comes back byte for byte. */
static void test_large_utf8(void **state)
{
    (void)state;
    static const char chunk[] = "<p>" RU " " ZH " and some ASCII text.</p>\n";
    size_t cn = sizeof chunk - 1, reps = 100000 / cn + 1, n = reps * cn;
    char *in = malloc(n);
    assert_non_null(in);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + i * cn, chunk, cn);
    struct mw_decoded d;
    assert_int_equal(mw_charset_decode(in, n, "text/html; charset=UTF-8", &d, NULL), 0);
    assert_int_equal(d.len, n);
    assert_memory_equal(d.data, in, n);
    assert_string_equal(d.source, "http");
    mw_decoded_free(&d);
    free(in);
}

/* A UTF-16 BOM over bytes that are not UTF-16 (a lone surrogate): the rest falls through, BOM dropped. */
static void test_bad_utf16(void **state)
{
    (void)state;
    static const char in[] = "\xff\xfe\x00\xd8\x41\x00";   /* lone high surrogate */
    struct mw_decoded d;
    assert_int_equal(mw_charset_decode(in, sizeof in - 1, NULL, &d, NULL), 0);
    assert_string_equal(d.source, "fallback");
    assert_int_equal(d.len, 5);
    assert_memory_equal(d.data, "\x00\xc3\x98\x41\x00", 5);
    mw_decoded_free(&d);
}

struct utf8_row {
    const char *s;
    size_t n;
    int want;
};
#define U(s, want) {s, sizeof(s) - 1, want}

static const struct utf8_row utf8_rows[] = {
    U("", 1),
    U("plain ASCII that is longer than eight bytes", 1),
    U("caf\xc3\xa9", 1),
    U("nul\0inside", 1),
    U("\xe2\x82\xac \xf0\x9f\x98\x80", 1),
    U("\xed\x9f\xbf", 1),            /* U+D7FF, last before the surrogates */
    U("\xee\x80\x80", 1),            /* U+E000 */
    U("\xf4\x8f\xbf\xbf", 1),        /* U+10FFFF */
    U("\xc0\xaf", 0),                /* overlong '/' */
    U("\xc1\xbf", 0),
    U("\xe0\x80\xaf", 0),            /* overlong, three bytes */
    U("\xe0\x9f\xbf", 0),
    U("\xf0\x82\x82\xac", 0),        /* overlong euro sign */
    U("\xed\xa0\x80", 0),            /* U+D800 */
    U("\xed\xbf\xbf", 0),            /* U+DFFF */
    U("\xf4\x90\x80\x80", 0),        /* past U+10FFFF */
    U("\xf5\x80\x80\x80", 0),
    U("\xc3", 0),                    /* truncated */
    U("abc\xe2\x82", 0),
    U("abc\xf0\x9f\x98", 0),
    U("\x80", 0),                    /* lone continuation */
    U("ab\xc3\xa9\xa9", 0),
    U("\xfe\xff", 0),
    U("\xc3\x28", 0),
    U("0123456789abcdef\xe9", 0),    /* after the eight-byte ASCII stride */
};

static void test_utf8_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof utf8_rows / sizeof utf8_rows[0]; i++)
        if (mw_utf8_valid(utf8_rows[i].s, utf8_rows[i].n) != utf8_rows[i].want)
            fail_msg("utf8 row %zu: want %d", i, utf8_rows[i].want);
}

struct label_row {
    const char *label, *want;   /* want NULL: unknown */
};

static const struct label_row label_rows[] = {
    {"latin1", "windows-1252"},     {" ISO-8859-1\t", "windows-1252"}, {"US-ASCII", "windows-1252"},
    {"gb2312", "gbk"},              {"GBK", "gbk"},                    {"x-gbk", "gbk"},
    {"GB18030", "gb18030"},         {"iso-8859-9", "windows-1254"},    {"latin5", "windows-1254"},
    {"x-sjis", "shift_jis"},        {"Shift_JIS", "shift_jis"},        {"ms932", "shift_jis"},
    {"cp1251", "windows-1251"},     {"windows-1251", "windows-1251"},  {"KOI8-R", "koi8-r"},
    {"utf8", "utf-8"},              {"unicode-1-1-utf-8", "utf-8"},    {"UTF-8", "utf-8"},
    {"ks_c_5601-1987", "euc-kr"},   {"big5-hkscs", "big5"},            {"arabic", "iso-8859-6"},
    {"cp1256", "windows-1256"},     {"utf-16", "utf-16le"},            {"hz-gb-2312", "replacement"},
    {"euc-jp", "euc-jp"},           {"tis-620", "windows-874"},
    {"klingon", NULL},              {"", NULL},                        {"utf-8 x", NULL},
    {"iso-8859-99", NULL},
};

static void test_canonical(void **state)
{
    (void)state;
    char out[32];
    for (size_t i = 0; i < sizeof label_rows / sizeof label_rows[0]; i++) {
        const struct label_row *r = &label_rows[i];
        int rc = mw_charset_canonical(r->label, out, sizeof out);
        if (r->want) {
            if (rc != 0 || strcmp(out, r->want) != 0)
                fail_msg("label \"%s\": rc %d \"%s\" want \"%s\"", r->label, rc, out, r->want);
        } else if (rc != MW_ENOTFOUND) {
            fail_msg("label \"%s\": rc %d want not found", r->label, rc);
        }
    }
    char tiny[4];
    assert_int_equal(mw_charset_canonical("latin1", tiny, sizeof tiny), MW_EINVAL);
    assert_int_equal(mw_charset_canonical(NULL, out, sizeof out), MW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_meta_window),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_large_utf8),
        cmocka_unit_test(test_bad_utf16),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
