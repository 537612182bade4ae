/* tests/fuzz/fuzz_state.c: the script-state pre-scan (extract/state.c) against the full parse it spares: the
 * input is a headline, a newline, then a blob; the text the full parse gives is never longer than the
 * pre-scan's bound (and so a blob the pre-scan turns down gives none). */
#include "fuzz.h"
#include "extract/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *title = fz_field(&p, end, '\n');
    if (!title)
        return 0;
    size_t n = (size_t)(end - p > 0 ? end - p : 0);
    char *blob = fz_dup(p, n);
    size_t len = mw_state_pick_len(blob, n, title), bound = mw_state_may_hold(blob, n, title);
    if (len > bound)
        abort();   /* the pre-scan would have turned down (or cut short) a text the page gives */
    free(blob);
    free(title);
    return 0;
}
