/* tests/fuzz/fuzz_date.c: date strings in many shapes -> ISO 8601 (meta/date.c). Input: lang \n tz \n
 * format \n text; an empty field is NULL. */
#include "fuzz.h"
#include "meta/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *lang = fz_field(&p, end, '\n'), *tz = fz_field(&p, end, '\n'), *fmt = fz_field(&p, end, '\n');
    char *s = p <= end ? fz_dup(p, (size_t)(end - p)) : fz_dup(data, 0);
    struct mw_date_opts o = {lang && *lang ? lang : NULL, tz && *tz ? tz : NULL, fmt && *fmt ? fmt : NULL};
    char out[MW_DATE_MAX];
    struct mw_err err = {0};
    if (mw_date_parse(s, &o, out, &err) == 0) {
        double secs;
        int has_zone;
        if (mw_date_epoch(out, &secs, &has_zone))
            abort();   /* what parse writes, epoch must read */
    }
    int off;
    mw_date_zone(s, &off);
    free(lang);
    free(tz);
    free(fmt);
    free(s);
    return 0;
}
