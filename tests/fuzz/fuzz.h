/* tests/fuzz/fuzz.h: what the libFuzzer targets share: NUL-terminated copies of the input and cutting it
 * into fields. Each target is one file, tests/fuzz/fuzz_<what>.c, built by `make fuzz`. */
#ifndef MW_FUZZ_H
#define MW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of n bytes (malloc'd). */
static inline char *fz_dup(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Cut [*p, end) at the next sep byte: the field as a new string; *p moves past it. NULL at the end. */
static inline char *fz_field(const uint8_t **p, const uint8_t *end, int sep)
{
    if (*p > end)
        return NULL;
    const uint8_t *q = *p;
    while (q < end && *q != sep)
        q++;
    char *s = fz_dup(*p, (size_t)(q - *p));
    *p = q + 1;
    return s;
}

#endif
