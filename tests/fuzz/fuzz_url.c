/* tests/fuzz/fuzz_url.c: URL parsing, RFC 3986 resolution and normalisation (net/url.c). Input: base \n ref. */
#include "fuzz.h"
#include "net/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *base = fz_field(&p, end, '\n');
    char *ref = p <= end ? fz_dup(p, (size_t)(end - p)) : fz_dup(data, 0);
    char *abs = mw_url_resolve(*base ? base : NULL, ref);
    if (abs) {
        char *norm = mw_url_normalize(abs);
        if (norm) {
            char *again = mw_url_normalize(norm);
            if (!again || strcmp(again, norm))
                abort();   /* normalising is idempotent */
            free(again);
        }
        char *host = mw_url_host(abs);
        if (host)
            mw_url_host_matches(host, "example.com");
        struct mw_url u;
        if (mw_url_parse(abs, &u) == 0)
            mw_url_clear(&u);
        free(norm);
        free(host);
        free(abs);
    }
    free(base);
    free(ref);
    return 0;
}
