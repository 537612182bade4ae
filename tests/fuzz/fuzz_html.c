/* tests/fuzz/fuzz_html.c: page bytes -> charset decode -> HTML parse -> generic extractor -> metadata
 * (doc/charset.c, doc/html.c, extract/, meta/). The first byte picks the Content-Type header, if any. */
#include "fuzz.h"
#include "doc/html.h"
#include "extract/article.h"
#include "meta/meta.h"

static const char *const CTYPES[] = {NULL, "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1251",
                                     "text/html; charset=shift_jis", "text/html; charset=iso-8859-1",
                                     "text/html; charset=gb18030", "application/xhtml+xml; charset=utf-16"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    const char *ctype = CTYPES[data[0] % (sizeof CTYPES / sizeof CTYPES[0])];
    const char *url = data[0] & 0x80 ? "https://fuzz.example/news/1.html" : NULL;
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse_bytes((const char *)data + 1, size - 1, ctype, url, NULL, &err);
    if (!doc)
        return 0;
    struct mw_article_opts o = {.url = url, .tz = (data[0] & 0x40) ? "+03:00" : NULL,
                                .fetched = (data[0] & 0x10) ? "2026-11-23T10:00:00Z" : NULL};
    json_t *origin = json_object();
    json_t *rec = mw_article_generic(doc, &o, origin, &err);
    json_decref(rec);
    json_decref(origin);
    struct mw_meta_opts mo = {.tz = (data[0] & 0x20) ? "Europe/Moscow" : NULL};
    json_t *m = mw_meta_extract(doc, url, &mo, &err);
    json_decref(m);
    xmlFreeDoc(doc);
    return 0;
}
