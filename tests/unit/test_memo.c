/* tests/unit/test_memo.c: the string memo (common/memo.c): a value comes back for an equal string (another
 * copy), never for a different one, and a slot taken by another string is a miss, not a wrong answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/memo.h"

static void test_memo(void **state)
{
    (void)state;
    static struct mw_memo m;
    mw_memo_init(&m);
    uint64_t h, h2;
    unsigned v = 0;
    char a[] = "article-body text", copy[] = "article-body text", other[] = "article-body text ";
    assert_false(mw_memo_get(&m, a, &h, &v));
    mw_memo_put(&m, a, h, 7);
    assert_true(mw_memo_get(&m, copy, &h2, &v));
    assert_int_equal(v, 7);
    assert_int_equal(h, h2);
    assert_false(mw_memo_get(&m, other, &h2, &v));
    assert_false(mw_memo_get(&m, "", &h2, &v));

    /* many strings: each either misses or gives back its own value (slots are shared, answers never) */
    static char keys[2000][16];
    for (int i = 0; i < 2000; i++) {
        snprintf(keys[i], sizeof keys[i], "c%d", i);
        mw_memo_get(&m, keys[i], &h, &v);
        mw_memo_put(&m, keys[i], h, (unsigned)i);
    }
    int hits = 0;
    for (int i = 0; i < 2000; i++) {
        char k[16];
        snprintf(k, sizeof k, "c%d", i);
        if (mw_memo_get(&m, k, &h, &v)) {
            assert_int_equal(v, (unsigned)i);
            hits++;
        }
    }
    assert_true(hits > 0 && hits <= MW_MEMO_SLOTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
