/* common/memo.c: the string memo of memo.h (FNV-1a hash, one slot per hash, the string compared on a hit). */
#include "memo.h"

#include <string.h>

void mw_memo_init(struct mw_memo *m)
{
    memset(m, 0, sizeof *m);
}

int mw_memo_get(const struct mw_memo *m, const char *s, uint64_t *h, unsigned *v)
{
    uint64_t x = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        x = (x ^ *p) * 1099511628211ull;
    *h = x;
    size_t i = (size_t)(x % MW_MEMO_SLOTS);
    if (m->e[i].s && m->e[i].h == x && !strcmp(m->e[i].s, s)) {
        *v = m->e[i].v;
        return 1;
    }
    return 0;
}

void mw_memo_put(struct mw_memo *m, const char *s, uint64_t h, unsigned v)
{
    size_t i = (size_t)(h % MW_MEMO_SLOTS);
    m->e[i].s = s;
    m->e[i].h = h;
    m->e[i].v = v;
}
