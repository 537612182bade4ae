/* common/grow.c: growing an array by doubling (see grow.h). */
#include "common/grow.h"

#include <stdlib.h>

int mw_grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : first;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return 1;
    *p = q;
    *cap = c;
    return 0;
}
