/* tests/unit/test_format.c: CSV from a record's JSON text (cli/csv.c, what export and extract -f csv use) is
 * byte for byte the CSV of the parsed record (cli/format.c's put_csv): table rows of tricky records (escapes,
 * surrogate pairs, quotes, CR/LF, lists, duplicates, numbers), rows the text path must hand to the parser,
 * then random records (fixed seed, printed) with every kind of character a string may hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/csv.h"
#include "cli/format.h"

/* What `csv` prints for json: through the parsed record (text 0) or the text path (text 1). */
static char *csv_of(const char *json, size_t len, int text)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    assert_non_null(f);
    struct cli_out *o = cli_out_new("csv", 0, 0, f);
    assert_non_null(o);
    if (text) {
        cli_out_record_text(o, NULL, json, len, NULL, 0, NULL);
    } else {
        json_t *rec = json_loadb(json, len, 0, NULL);
        if (rec)
            cli_out_record(o, rec, NULL, 0, NULL);
        json_decref(rec);
    }
    assert_int_equal(cli_out_free(o), 0);
    fclose(f);
    return out;
}

static const char *const COLS[] = {"url", "canonical_url", "outlet", "rule", "kind", "title", "authors",
                                   "published", "published_relative", "modified", "section", "tags", "lang", "lead",
                                   "dateline", "body", "images", "fetched", "status", "error", "warnings", "file",
                                   NULL};

/* The text path gives the parsed record's bytes; fast: it did so without the parser (cli_csv_row took it). */
static void same_csv(const char *json, size_t len, int fast, const char *what)
{
    char *want = csv_of(json, len, 0), *got = csv_of(json, len, 1);
    if (strcmp(got, want))
        fail_msg("%s:\n got  %s\n want %s", what, got, want);
    struct mw_buf row, cell;
    mw_buf_init(&row, 0);
    mw_buf_init(&cell, 0);
    int rc = cli_csv_row(&row, &cell, json, len, COLS);
    if ((rc == 0) != fast)
        fail_msg("%s: cli_csv_row %s it", what, rc ? "refused" : "took");
    if (!rc) {   /* the header row first, then this one */
        const char *r = strstr(want, "\r\n");
        assert_non_null(r);
        if (strcmp(r + 2, row.data))
            fail_msg("%s:\n row  %s\n want %s", what, row.data, r + 2);
    }
    mw_buf_free(&row);
    mw_buf_free(&cell);
    free(want);
    free(got);
}

struct row {
    const char *json;
    int fast;   /* 1: the text path takes it itself; 0: it leaves it to the parser */
};

static const struct row ROWS[] = {
    {"{\"url\":\"https://a.example/1\",\"title\":\"Votes, and \\\"quotes\\\"\",\"body\":\"one\\r\\ntwo\\nthree\\rfour\","
     "\"authors\":[\"Ann Lee\",\"Bo, Chen\"],\"tags\":[\"\",\"x\",\"\",\"y\"],\"status\":200,\"error\":null,"
     "\"warnings\":[],\"lead\":\" starts with a space\",\"dateline\":\"\\u00e9t\\u00e9 \\u20ac\","
     "\"section\":\"\\ud83d\\ude00 smile \\uD834\\uDD1E\",\"kind\":\"a\\/b\",\"fetched\":\"x\\ty\\bz\\f\\u001f\","
     "\"images\":[{\"url\":\"https://a.example/i.jpg\",\"caption\":\"a \\\"b\\\", c\",\"width\":640}],"
     "\"published_relative\":true,\"modified\":null,\"lang\":\"fr\",\"file\":\"caf\xc3\xa9/\xf0\x9f\x98\x80.html\"}", 1},
    {"{\"url\":\"u\",\"error\":{\"message\":\"boom, \\\"x\\\"\",\"stage\":\"fetch\"},\"status\":-0}", 1},
    {"{\"error\":{\"message\":1}}", 1},
    {"{\"error\":{\"stage\":\"parse\",\"message\":\"a\",\"message\":\"line\\nbreak\"},\"status\":-42}", 1},
    {"{\"error\":\"a plain string\"}", 1},
    {"{\"title\":\"first\",\"title\":\"second\",\"authors\":\"not a list\"}", 1},
    {"{\"status\":1.5,\"published_relative\":12345678901234567,\"images\":[],\"tags\":[[\"x\"],\"y\",{\"a\":\"b\"},3,null,\"z\"]}", 1},
    {"  {\n  \"title\" : \"spaced\" ,\n  \"tags\" : [ \"a\" , \"b\" ] ,\n  \"images\" : [ { \"url\" : \"x\" } ]\n}\n ", 1},
    {"{\"body\":\"\\\"\\\"\",\"title\":\"\",\"url\":\",\",\"outlet\":\" \",\"rule\":\"\\\\\"}", 1},
    {"{\"images\":\"a string\",\"status\":0,\"extra\":{\"deep\":[[[[{\"x\":[true,false]}]]]]}}", 1},
    {"{}", 1},
    /* left to the parser: what jansson refuses, or what the text path does not follow */
    {"{\"title\":\"nul \\u0000 inside\"}", 0},
    {"{\"title\":\"lone \\ud800 high\"}", 0},
    {"{\"title\":\"lone \\udc00 low\"}", 0},
    {"{\"title\":\"\\ud800\\u0041 not a pair\"}", 0},
    {"{\"ti\\u0074le\":\"escaped key\"}", 0},
    {"{\"status\":1e5}", 0},
    {"{\"status\":1234567890123456789}", 0},
    {"{\"status\":01}", 0},
    {"{\"status\":-}", 0},
    {"[{\"title\":\"an array\"}]", 0},
    {"{\"title\":}", 0},
    {"{\"title\":\"x\",}", 0},
    {"{\"title\":\"x\"} trailing", 0},
    {"{\"title\":\"bad \xff byte\"}", 0},
    {"{\"title\":\"overlong \xc0\xaf\"}", 0},
    {"{\"title\":\"surrogate \xed\xa0\x80 in UTF-8\"}", 0},
    {"{\"title\":\"raw\ttab\"}", 0},
    {"{\"title\":\"bad \\x escape\"}", 0},
    {"{\"title\":\"cut", 0},
    {"{\"title\":tru}", 0},
    {"", 0},
};

static void test_rows(void **state)
{
    (void)state;
    char what[32];
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        snprintf(what, sizeof what, "row %zu", i);
        same_csv(ROWS[i].json, strlen(ROWS[i].json), ROWS[i].fast, what);
    }
}

/* A random string of the characters a record may hold: ASCII with CSV's and JSON's specials, controls, and
 * two- to four-byte UTF-8. */
static json_t *random_string(unsigned *seed)
{
    static const char *const bits[] = {"a", "Z", " ", ",", "\"", "\r", "\n", "\r\n", "\\", "/", "\t", "\x01",
                                       "\x1f", "; ", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8"};
    char s[256];
    size_t n = 0, k = (size_t)(rand_r(seed) % 24);
    for (size_t i = 0; i < k; i++) {
        const char *b = bits[rand_r(seed) % (sizeof bits / sizeof bits[0])];
        memcpy(s + n, b, strlen(b));
        n += strlen(b);
    }
    return json_stringn(s, n);
}

static json_t *random_value(unsigned *seed, const char *col)
{
    switch (rand_r(seed) % 8) {
    case 0: return json_null();
    case 1: return json_integer((json_int_t)(rand_r(seed) % 2000) - 1000);
    case 2: {
        json_t *a = json_array();
        for (int i = rand_r(seed) % 4; i > 0; i--)
            json_array_append_new(a, rand_r(seed) % 5 ? random_string(seed) : json_integer(i));
        return a;
    }
    case 3:
        if (!strcmp(col, "error"))
            return json_pack("{s:o,s:o}", "stage", random_string(seed), "message", random_string(seed));
        return json_real(0.25);
    case 4: return json_pack("[{s:o,s:i}]", "url", random_string(seed), "width", rand_r(seed) % 900);
    default: return random_string(seed);
    }
}

static void test_random_records(void **state)
{
    (void)state;
    unsigned seed = 15;
    printf("test_format: random records, seed %u\n", seed);
    for (int r = 0; r < 400; r++) {
        json_t *rec = json_object();
        for (int c = 0; COLS[c]; c++)
            if (rand_r(&seed) % 4)
                json_object_set_new(rec, COLS[c], random_value(&seed, COLS[c]));
        char *text = json_dumps(rec, JSON_COMPACT);
        char what[48];
        snprintf(what, sizeof what, "random record %d (seed 15)", r);
        same_csv(text, strlen(text), 1, what);
        /* the same record as jansson writes it with \u escapes for everything past ASCII */
        char *ascii = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH);
        same_csv(ascii, strlen(ascii), 1, what);
        free(text);
        free(ascii);
        json_decref(rec);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_random_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
