/* common/memo.h: a small memo from strings to a number, for one walk over a page that asks the same question
 * of the same attribute value again and again (six class values in ten repeat one seen before on the page).
 * Direct-mapped: a string whose slot another took is simply asked again. The strings are borrowed (the tree's)
 * and must outlive the memo; it owns no memory (a struct on the stack or in the walk's context). */
#ifndef MW_MEMO_H
#define MW_MEMO_H

#include <stdint.h>

#define MW_MEMO_SLOTS 256

struct mw_memo {
    struct { const char *s; uint64_t h; unsigned v; } e[MW_MEMO_SLOTS];
};

void mw_memo_init(struct mw_memo *m);
/* 1 with *v the value stored for a string equal to s; else 0, *h then s's hash for mw_memo_put. */
int mw_memo_get(const struct mw_memo *m, const char *s, uint64_t *h, unsigned *v);
void mw_memo_put(struct mw_memo *m, const char *s, uint64_t h, unsigned v);

#endif
