/* common/grow.h: growing an array by doubling — the one capacity rule of the growable arrays that keep
 * their own pointer, count and capacity (story features, attribution, the story index). */
#ifndef MW_GROW_H
#define MW_GROW_H

#include <stddef.h>

/* Makes *p hold at least need elements of size bytes: nothing when *cap already does; else *cap doubled
 * (first when it is 0) until it does, and *p reallocated to it. 0, or 1 when memory runs out (*p and *cap
 * unchanged). */
int mw_grow(void **p, size_t *cap, size_t need, size_t size, size_t first);

#endif
