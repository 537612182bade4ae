/* tests/unit/test_state.c: the script-state reader (extract/state.c): the pre-scan that spares a blob the full
 * parse may say "no" only when that parse takes nothing (rows written for it, then many generated blobs from
 * a fixed seed), its bound on the text is never below the text's length, and it does spare the blobs that
 * hold no titled article. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "doc/html.h"
#include "extract/state.h"

#define TITLE "Pier to be rebuilt after storms"
#define PARA(n) "{\"type\":\"paragraph\",\"text\":\"Paragraph " #n " of the story, which is long enough to read as prose.\"}"
#define PARAS PARA(1) "," PARA(2) "," PARA(3)

struct row {
    const char *name;
    const char *json;
    int picked;     /* the full parse takes an array */
    int may;        /* what the pre-scan says */
};

static const struct row rows[] = {
    {"headline beside the blocks", "{\"story\":{\"headline\":\"" TITLE "\",\"blocks\":[" PARAS "]}}", 1, 1},
    {"headline after the blocks", "{\"story\":{\"blocks\":[" PARAS "],\"headline\":\"" TITLE "\"}}", 1, 1},
    {"headline a level down", "{\"story\":{\"meta\":{\"h\":\"" TITLE "\"},\"blocks\":[" PARAS "]}}", 1, 1},
    {"headline three objects up", "{\"h\":\"" TITLE "\",\"a\":{\"b\":{\"blocks\":[" PARAS "]}}}", 1, 1},
    {"headline four objects up", "{\"h\":\"" TITLE "\",\"a\":{\"b\":{\"c\":{\"blocks\":[" PARAS "]}}}}", 0, 0},
    {"headline two levels down", "{\"story\":{\"m\":{\"n\":{\"h\":\"" TITLE "\"}},\"blocks\":[" PARAS "]}}", 0, 0},
    {"headline in an array beside", "{\"story\":{\"hs\":[\"" TITLE "\"],\"blocks\":[" PARAS "]}}", 0, 0},
    {"part of the headline", "{\"story\":{\"kicker\":\"rebuilt after storms\",\"blocks\":[" PARAS "]}}", 1, 1},
    {"headline escaped", "{\"story\":{\"h\":\"\\u0050ier to be rebuilt after storms\",\"blocks\":[" PARAS "]}}", 1, 1},
    {"headline with a surrogate pair", "{\"s\":{\"h\":\"\\ud83d\\ude00 Pier to be rebuilt\",\"blocks\":[" PARAS "]}}",
     0, 0},
    {"headline's spaces escaped and doubled", "{\"s\":{\"h\":\"  Pier\\u00a0to be\\n\\n rebuilt \",\"blocks\":[" PARAS
     "]}}", 1, 1},
    {"headline upper case", "{\"s\":{\"h\":\"PIER TO BE REBUILT\",\"blocks\":[" PARAS "]}}", 1, 1},
    {"headline too short", "{\"s\":{\"h\":\"Pier to be\",\"blocks\":[" PARAS "]}}", 0, 0},
    {"another story's headline", "{\"s\":{\"h\":\"Ferry timetable changes\",\"blocks\":[" PARAS "]}}", 0, 0},
    {"two paragraphs only", "{\"s\":{\"h\":\"" TITLE "\",\"blocks\":[" PARA(1) "," PARA(2) ",{\"n\":1}]}}", 0, 0},
    {"paragraphs as bare strings", "{\"s\":{\"h\":\"" TITLE "\",\"p\":[\"One two three four five six seven eight nine ten.\","
     "\"Eleven twelve thirteen fourteen fifteen sixteen seventeen.\",\"Eighteen nineteen twenty twenty-one twenty-two.\"]}}",
     1, 1},
    {"paragraphs that are links", "{\"s\":{\"h\":\"" TITLE "\",\"p\":[\"http://example.org/a b c d e f g h i j k l m n\","
     "\"http://example.org/a b c d e f g h i j k l m n\",\"http://example.org/a b c d e f g h i j k l m n\"]}}", 0, 0},
    {"paragraph's spaces escaped", "{\"s\":{\"h\":\"" TITLE "\",\"p\":["
     "\"One\\u0020two\\u0020three\\u0020four and on and on to forty\","
     "\"One\\u0020two\\u0020three\\u0020four and on and on to forty\","
     "\"One\\u0020two\\u0020three\\u0020four and on and on to forty\"]}}", 1, 1},
    {"paragraphs' spaces all escaped", "{\"s\":{\"h\":\"" TITLE "\",\"p\":["
     "\"One\\u0020two\\u0020three\\u0020four-and-on-and-on-to-forty\","
     "\"One\\u0020two\\u0020three\\u0020four-and-on-and-on-to-forty\","
     "\"One\\u0020two\\u0020three\\u0020four-and-on-and-on-to-forty\"]}}", 1, 1},
    {"a top-level array", "[{\"h\":\"" TITLE "\",\"blocks\":[" PARAS "]}]", 1, 1},
    {"a top-level array of paragraphs", "[" PARAS "]", 0, 0},
    {"blank before the value", " \n\t{\"s\":{\"h\":\"" TITLE "\",\"blocks\":[" PARAS "]}}", 1, 1},
    {"a value that ends before the rest", "{\"s\":{\"h\":\"" TITLE "\",\"blocks\":[" PARAS "]}};var x={y:1};", 1, 1},
    {"JavaScript, not JSON", "{s:{h:\"" TITLE "\",blocks:[" PARAS "]}}", 0, 0},
    {"a raw line break in a string", "{\"s\":{\"h\":\"" TITLE "\n\",\"blocks\":[" PARAS "]}}", 0, 0},
    {"NUL escaped", "{\"s\":{\"h\":\"" TITLE "\\u0000\",\"blocks\":[" PARAS "]}}", 0, 0},
    {"cut short", "{\"s\":{\"h\":\"" TITLE "\",\"blocks\":[" PARAS, 0, 0},
    {"a bare string", "\"" TITLE "\"", 0, 0},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const struct row *r = &rows[i];
        size_t n = strlen(r->json);
        size_t len = mw_state_pick_len(r->json, n, TITLE), bound = mw_state_may_hold(r->json, n, TITLE);
        int picked = len > 0, may = bound > 0;
        if (picked != r->picked || may != r->may)
            fail_msg("%s: picked %d (want %d), pre-scan %d (want %d)", r->name, picked, r->picked, may, r->may);
        if (bound < len)
            fail_msg("%s: the text has %zu bytes, the pre-scan's bound is %zu", r->name, len, bound);
    }
}

/* names_title reads strings shorter than 400 bytes (decoded): the headline, then blanks up to 399 or 400,
 * plain or escaped. */
static void test_length_limit(void **state)
{
    (void)state;
    int tl = (int)strlen(TITLE);
    for (int pad = 399 - tl; pad <= 400 - tl; pad++) {
        for (int escaped = 0; escaped < 2; escaped++) {
            struct mw_buf b;
            mw_buf_init(&b, 0);
            mw_buf_appends(&b, "{\"s\":{\"h\":\"" TITLE);
            for (int i = 0; i < pad; i++)
                mw_buf_appends(&b, escaped ? "\\u0020" : " ");
            mw_buf_appends(&b, "\",\"blocks\":[" PARAS "]}}");
            int want = tl + pad < 400;
            assert_int_equal(mw_state_pick_len(b.data, b.len, TITLE) > 0, want);
            assert_int_equal(mw_state_may_hold(b.data, b.len, TITLE) > 0, want);
            mw_buf_free(&b);
        }
    }
}

/* A page's text whatever the caller's "useless" length below it; none when no text could pass it. */
static void test_useless(void **state)
{
    (void)state;
    const char *html = "<html><body><h1>" TITLE "</h1><script type='application/json'>{\"story\":{\"headline\":\""
                       TITLE "\",\"blocks\":[" PARAS "," PARAS "]}}</script></body></html>";   /* over 400 bytes */
    struct mw_err err = {0};
    htmlDocPtr doc = mw_html_parse(html, strlen(html), NULL, &err);
    assert_non_null(doc);
    size_t len = 0, len2 = 0;
    char *all = mw_state_text(doc, TITLE, 0, &len);
    assert_non_null(all);
    assert_non_null(strstr(all, "Paragraph 1 of the story"));
    assert_int_equal(strlen(all), len);
    char *again = mw_state_text(doc, TITLE, len - 1, &len2);
    assert_non_null(again);
    assert_string_equal(again, all);
    free(again);
    assert_null(mw_state_text(doc, TITLE, strlen(html), &len2));
    assert_int_equal(len2, 0);
    free(all);
    xmlFreeDoc(doc);
}

/* ---- generated blobs ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned roll(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Strings chosen to sit on either side of each test: the title whole, in part, escaped, re-spaced or cased;
 * prose, prose too short or starting "http", escaped spaces; keys; markup. */
static const char *const strs[] = {
    TITLE, "rebuilt after storms", "Pier to be", "PIER TO BE REBUILT", "\\u0050ier to be rebuilt",
    "Pier\\u00a0to  be\\trebuilt", "\\u00a0\\u00a0rebuilt after storms", "  rebuilt after\\u2009storms ",
    "after storms", "Ferry timetable changes", "Pier to be rebuilt after storms, and more words after it",
    "The harbour council voted on Tuesday to rebuild the old stone pier.",
    "Fishermen said the decision came late, but that it was welcome all the same.",
    "short prose, not forty bytes", "http://example.org/news/pier to be rebuilt after the storms",
    "One\\u0020two\\u0020three\\u0020four and on and on to forty bytes", "\\ud83d\\ude00 an emoji, then prose after it",
    "<p>Markup &amp; entities in a paragraph that is long enough</p>", "\\\"quoted\\\" text, with \\\\ and \\/ in it",
    "headline", "text", "type", "paragraph", "blocks", "",
};

static void gen(struct mw_buf *b, int depth)
{
    unsigned k = roll(depth > 4 ? 3 : 6);
    if (k == 0) {
        mw_buf_printf(b, "\"%s\"", strs[roll(sizeof strs / sizeof *strs)]);
    } else if (k == 1) {
        mw_buf_appends(b, roll(2) ? "12.5e3" : roll(2) ? "true" : "null");
    } else if (k == 2) {
        mw_buf_printf(b, "\"%s\"", strs[roll(12)]);
    } else if (k < 5) {
        unsigned n = roll(5);
        mw_buf_appendc(b, '{');
        for (unsigned i = 0; i < n; i++) {
            mw_buf_printf(b, "%s\"%s\":", i ? "," : "", strs[roll(sizeof strs / sizeof *strs)]);
            gen(b, depth + 1);
        }
        mw_buf_appendc(b, '}');
    } else {
        unsigned n = roll(7);
        mw_buf_appendc(b, '[');
        for (unsigned i = 0; i < n; i++) {
            if (i)
                mw_buf_appendc(b, ',');
            gen(b, depth + 1);
        }
        mw_buf_appendc(b, ']');
    }
}

static void test_generated(void **state)
{
    (void)state;
    int picked = 0, spared = 0, tight = 0, total = 20000;
    struct mw_buf b;
    mw_buf_init(&b, 0);
    for (int i = 0; i < total; i++) {
        mw_buf_reset(&b);
        mw_buf_appendc(&b, roll(2) ? '{' : '[');
        unsigned n = 1 + roll(4);
        for (unsigned k = 0; k < n; k++) {
            if (k)
                mw_buf_appendc(&b, ',');
            if (b.data[0] == '{')
                mw_buf_printf(&b, "\"%s\":", strs[roll(sizeof strs / sizeof *strs)]);
            gen(&b, 1);
        }
        mw_buf_appendc(&b, b.data[0] == '{' ? '}' : ']');
        size_t len = mw_state_pick_len(b.data, b.len, TITLE), bound = mw_state_may_hold(b.data, b.len, TITLE);
        if (len && !bound)
            fail_msg("blob %d: the parse takes an array, the pre-scan said no: %s", i, b.data);
        if (bound < len)
            fail_msg("blob %d: a text of %zu bytes, the pre-scan's bound %zu: %s", i, len, bound, b.data);
        picked += len > 0;
        spared += !bound;
        tight += len && bound < 4 * len;
    }
    mw_buf_free(&b);
    /* both sides of the line are reached: the generator is not all one kind */
    assert_true(picked > total / 100);
    assert_true(spared > total / 4);
    assert_true(tight > picked / 4);   /* the bound is not just the blob's length */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_useless),
        cmocka_unit_test(test_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
