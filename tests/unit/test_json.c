/* tests/unit/test_json.c: common/json.c writes what json_dumps(v, JSON_COMPACT) writes — table rows of edge
 * cases, then random records (fixed seed, printed) with every kind of byte a string may hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

static void same_as_jansson(const json_t *v, const char *what)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    size_t len = 0;
    char *got = mw_json_dumps(v, &len);
    assert_non_null(want);
    assert_non_null(got);
    if (strcmp(got, want))
        fail_msg("%s:\n got  %s\n want %s", what, got, want);
    assert_int_equal(len, strlen(want));
    free(want);
    free(got);
}

static const char *const ROWS[] = {
    "{}", "[]", "null", "true", "false", "0", "-9223372036854775808", "1.5", "1e300", "-0.0", "0.1",
    "\"\"", "\"a\\\"b\\\\c/d\"", "\"\\u0000x\\u0001\\u001f\\u007f\"", "\"\\b\\f\\n\\r\\t\"",
    "\"caf\\u00e9 \\u2028 \\ud83d\\ude00\"", "{\"a\":[1,{\"b\":null}],\"c\":\"\\n\"}",
    "{\"z\":1,\"a\":2,\"m\":[true,false,[]]}", "[[[[[]]]],{}]",
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        json_error_t je;
        json_t *v = json_loads(ROWS[i], JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        if (!v)
            fail_msg("row %zu: %s", i, je.text);
        same_as_jansson(v, ROWS[i]);
        json_decref(v);
    }
}

static uint32_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* A valid UTF-8 string with controls, quotes, backslashes, ASCII and 2-, 3- and 4-byte characters. */
static json_t *rnd_string(uint64_t *s)
{
    static const char *const PIECES[] = {"\"", "\\", "\n", "\t", "\x01", "\x1f", "/", "a", "word ", "\xc3\xa9",
                                         "\xe2\x80\xa8", "\xf0\x9f\x98\x80", "\xd0\x96", " ", "\x7f"};
    char buf[512];
    size_t n = 0, parts = rnd(s) % 40;
    for (size_t i = 0; i < parts; i++) {
        const char *p = PIECES[rnd(s) % (sizeof PIECES / sizeof PIECES[0])];
        size_t l = strlen(p);
        memcpy(buf + n, p, l);
        n += l;
    }
    return json_stringn(buf, n);
}

static json_t *rnd_value(uint64_t *s, int depth)
{
    switch (rnd(s) % (depth > 3 ? 5 : 7)) {
    case 0: return rnd_string(s);
    case 1: return json_integer((json_int_t)rnd(s) - (1 << 30));
    case 2: return json_real((double)rnd(s) / 7.0);
    case 3: return rnd(s) % 2 ? json_true() : json_null();
    case 4: return rnd_string(s);
    case 5: {
        json_t *a = json_array();
        for (uint32_t i = rnd(s) % 5; i > 0; i--)
            json_array_append_new(a, rnd_value(s, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (uint32_t i = rnd(s) % 6; i > 0; i--) {
            char k[16];
            snprintf(k, sizeof k, "k%u\n\"", rnd(s) % 20);
            json_object_set_new(o, k, rnd_value(s, depth + 1));
        }
        return o;
    }
    }
}

static void test_random(void **state)
{
    (void)state;
    uint64_t seed = 15;
    printf("  test_json: seed %llu\n", (unsigned long long)seed);
    for (int i = 0; i < 2000; i++) {
        json_t *v = rnd_value(&seed, 0);
        char what[32];
        snprintf(what, sizeof what, "random value %d", i);
        same_as_jansson(v, what);
        json_decref(v);
    }
}

/* Records with big strings, the writer's buffer sized from them up front: plain text (the estimate is
 * enough), and text that is mostly escapes (it is not: the buffer grows as before). */
static void test_big_strings(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *plain = malloc(n + 1), *esc = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        plain[i] = i % 200 == 199 ? '\n' : (char)('a' + i % 26);
        esc[i] = "\"\\\n\x01x"[i % 5];
    }
    plain[n] = esc[n] = '\0';
    json_t *v = json_pack("{s:s, s:s, s:i, s:[s]}", "url", "https://news.example/a", "body", plain, "status", 200,
                          "tags", esc);
    same_as_jansson(v, "a record with a 3 MB body");
    json_object_set_new(v, "body", json_string(esc));
    same_as_jansson(v, "a record with a 3 MB body of escapes");
    json_decref(v);
    free(plain);
    free(esc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_big_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
