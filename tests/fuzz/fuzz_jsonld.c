/* tests/fuzz/fuzz_jsonld.c: <script type="application/ld+json"> text as pages serve it (meta/jsonld.c). */
#include "fuzz.h"
#include "meta/jsonld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *out = json_array();
    mw_jsonld_parse((const char *)data, size, out);
    json_t *a = mw_jsonld_article(out);
    if (a) {
        mw_jsonld_rank(a);
        mw_jsonld_is_type(a, "NewsArticle");
    }
    json_decref(out);
    return 0;
}
