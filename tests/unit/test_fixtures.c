/* tests/unit/test_fixtures.c: rules/fixtures.c, the gate of `moonwire test` — what each kind of expectation
 * demands (a value, null, a set, an instant, a body F1), what a known-issues entry lets pass and when it is
 * stale, where the known-issues file is found, and mw_shingle_f1 against ../shared/tools/score.py on the
 * same texts (the corpus pages and what the generic extractor makes of them: skipped when ../shared is
 * absent, a failure under CI=1). Fixtures are written into a temp directory and checked with the generic
 * extractor only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "rules/fixtures.h"

static char ROOT[64];
static int g_skipped;   /* a test skipped: main exits 77 so tests/run.sh counts the suite as skipped */

#define PARA1 "The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged twice last winter."
#define PARA2 "Fishermen who have tied up at a temporary pontoon since March said the decision came late but was welcome."
#define PARA3 "The engineer in charge expects the new pier to stand for a century if the breakwater is raised as well."

/* A page with a title, two authors, a date with a zone, a section, and three paragraphs. */
static const char PAGE[] =
    "<html lang='en'><head><title>Pier to be rebuilt</title>"
    "<meta property='og:title' content='Pier to be rebuilt'>"
    "<meta property='article:published_time' content='2026-03-03T09:30:00+01:00'>"
    "<meta property='article:section' content='Coast'>"
    "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": [{\"@type\": \"Person\","
    " \"name\": \"Ann Bell\"}, {\"@type\": \"Person\", \"name\": \"Bo Chen\"}]}</script></head>"
    "<body><article><h1>Pier to be rebuilt</h1><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></article>"
    "</body></html>";
/* The story by one author whose name has the first and the last capital letter. */
static const char ZORN[] =
    "<html lang='en'><head><title>Pier to be rebuilt</title>"
    "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": {\"@type\": \"Person\","
    " \"name\": \"Ana Zorn\"}}</script></head>"
    "<body><article><h1>Pier to be rebuilt</h1><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></article>"
    "</body></html>";
/* The same story without a date, a section or authors. */
static const char BARE[] =
    "<html lang='en'><head><title>Pier to be rebuilt</title></head>"
    "<body><article><h1>Pier to be rebuilt</h1><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></article>"
    "</body></html>";

static void put(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void rmrf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A fresh fixture directory ROOT/name holding page `page` with expectations `json` (the "url" is added). */
static void fixture_dir(const char *name, const char *html, const char *json_fields, char *dir, size_t cap)
{
    snprintf(dir, cap, "%s/%s", ROOT, name);
    rmrf(dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    put(dir, "pier.html", html);
    char json[8192];
    snprintf(json, sizeof json, "{\"url\": \"https://gazette.example/news/pier\"%s%s}", *json_fields ? ", " : "",
             json_fields);
    put(dir, "pier.json", json);
}

struct outcome {
    int rc;
    struct mw_fixture_result res;
    char *out;   /* what was printed; free() */
};

static struct outcome check(const char *dir, const json_t *known, const char *const *known_dirs, int no_known,
                            const char *const *rules, double min_f1)
{
    struct mw_runner_opts ro;
    mw_runner_opts_default(&ro);   /* no scripts: the generic extractor only */
    struct mw_err err = {0};
    struct mw_runner *r = mw_runner_new(&ro, &err);
    assert_non_null(r);
    const char *dirs[] = {dir, NULL};
    struct mw_fixture_opts o = {0};
    o.dirs = dirs;
    o.rules = rules;
    o.min_f1 = min_f1;
    o.known = known;
    o.known_dirs = known_dirs;
    o.no_known = no_known;
    struct outcome x = {0};
    size_t n = 0;
    FILE *f = open_memstream(&x.out, &n);
    assert_non_null(f);
    x.rc = mw_fixtures_check(r, &o, f, &x.res, &err);
    fclose(f);
    if (x.rc && !strstr(x.out, err.msg)) {   /* keep the error text with the output for the asserts */
        char *both = NULL;
        if (asprintf(&both, "%serror: %s\n", x.out, err.msg) >= 0) {
            free(x.out);
            x.out = both;
        }
    }
    mw_runner_free(r);
    return x;
}

/* ---- what an expectation demands ---- */

static const struct {
    const char *name;
    const char *html;
    const char *fields;   /* the expectation's JSON fields after "url" */
    int passes;
    const char *said;     /* substring of the output (NULL: nothing particular) */
} EXPECT[] = {
    {"all right", PAGE,
     "\"title\": \"Pier to be rebuilt\", \"authors\": [\"Bo Chen\", \"ann bell\"], "
     "\"published\": \"2026-03-03T08:30:00Z\", \"section\": \"Coast\", \"dateline\": null, \"body\": \""
     PARA1 "\\n\\n" PARA2 "\\n\\n" PARA3 "\"", 1, NULL},
    /* null means the page has none: a page that has one fails */
    {"null published on a dated page", PAGE, "\"published\": null", 0, "expected null"},
    {"null section on a page with one", PAGE, "\"section\": null", 0, "    section:"},
    {"null authors on a page with a byline", PAGE, "\"authors\": null", 0, "    authors:"},
    {"null body on a page with text", PAGE, "\"body\": null", 0, "    body:"},
    {"null where the page has none", BARE, "\"published\": null, \"section\": null, \"authors\": null, "
     "\"dateline\": null, \"modified\": null", 1, NULL},
    {"[] authors where the page has none", BARE, "\"authors\": []", 1, NULL},
    {"[] authors on a page with a byline", PAGE, "\"authors\": []", 0, "    authors:"},
    /* a key left out, or "", is not checked */
    {"no keys", PAGE, "", 1, NULL},
    {"empty string is not annotated", PAGE, "\"lead\": \"\", \"section\": \"\"", 1, NULL},
    {"a wrong title", PAGE, "\"title\": \"Pier to be demolished\"", 0, "got      \"Pier to be rebuilt\""},
    {"whitespace is folded", PAGE, "\"title\": \"  Pier  to be\\n rebuilt \"", 1, NULL},
    {"authors are a set, not a list", PAGE, "\"authors\": [\"Ann Bell\"]", 0, "    authors:"},
    /* ASCII case is folded from A to Z on both sides */
    {"authors: the page's capitals folded", ZORN, "\"authors\": [\"ana zorn\"]", 1, NULL},
    {"authors: the expectation's capitals folded", ZORN, "\"authors\": [\"ANA ZORN\"]", 1, NULL},
    {"authors: a folded name is still another name", ZORN, "\"authors\": [\"ana zorm\"]", 0, "    authors:"},
    {"another instant", PAGE, "\"published\": \"2026-03-03T09:30:00+00:00\"", 0, "    published:"},
    {"zoneless truth: the same wall clock", PAGE, "\"published\": \"2026-03-03T09:30:00\"", 1, NULL},
    {"zoneless truth: another wall clock", PAGE, "\"published\": \"2026-03-03T08:30:00\"", 0, "    published:"},
    {"a body missing a paragraph fails", PAGE, "\"body\": \"" PARA1 "\\n\\n" PARA2 "\"", 0, "extra:   \"the engineer"},
    {"a body with a paragraph too many fails", PAGE,
     "\"body\": \"" PARA1 "\\n\\n" PARA2 "\\n\\n" PARA3 "\\n\\nSubscribe to our newsletter for the week's news.\"",
     0, "missing: \"subscribe"},
};

static void test_expectations(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof EXPECT / sizeof EXPECT[0]; i++) {
        char dir[128];
        fixture_dir("expect", EXPECT[i].html, EXPECT[i].fields, dir, sizeof dir);
        struct outcome x = check(dir, NULL, NULL, 1, NULL, 0.98);
        int passed = x.rc == 0 && x.res.passed == 1 && x.res.failed == 0;
        if (passed != EXPECT[i].passes || (EXPECT[i].said && !strcasestr(x.out, EXPECT[i].said)))
            fail_msg("row %zu (%s): want %s%s%s, got rc %d, %d passed, %d failed:\n%s", i, EXPECT[i].name,
                     EXPECT[i].passes ? "a pass" : "a failure", EXPECT[i].said ? " saying " : "",
                     EXPECT[i].said ? EXPECT[i].said : "", x.rc, x.res.passed, x.res.failed, x.out);
        free(x.out);
    }
}

static void test_min_f1_and_summary(void **state)
{
    (void)state;
    char dir[128];
    fixture_dir("minf1", PAGE, "\"body\": \"" PARA1 "\\n\\n" PARA2 "\"", dir, sizeof dir);
    struct outcome x = check(dir, NULL, NULL, 1, NULL, 0.5);   /* 2 of 3 paragraphs: F1 about 0.8 */
    assert_int_equal(x.res.passed, 1);
    assert_non_null(strstr(x.out, "1 passed, 0 failed\n"));
    free(x.out);
    x = check(dir, NULL, NULL, 1, NULL, 0.98);
    assert_int_equal(x.res.failed, 1);
    if (!strstr(x.out, "< 0.98 (precision 0.6") || !strstr(x.out, "recall 1.000)"))
        fail_msg("%s", x.out);
    assert_non_null(strstr(x.out, "0 passed, 1 failed\n"));
    free(x.out);

    /* a fixture without a url is skipped, and said to be */
    put(dir, "nourl.html", BARE);
    put(dir, "nourl.json", "{\"title\": \"x\"}");
    x = check(dir, NULL, NULL, 1, NULL, 0.5);
    assert_int_equal(x.res.skipped, 1);
    assert_non_null(strstr(x.out, "SKIP "));
    assert_non_null(strstr(x.out, "1 passed, 0 failed, 1 skipped\n"));
    free(x.out);

    /* rules named that handle none of the pages: nothing to check is an error */
    const char *only[] = {"no_such_rule", NULL};
    x = check(dir, NULL, NULL, 1, only, 0.98);
    assert_int_equal(x.rc, MW_ENOTFOUND);
    free(x.out);
    x = check("/nonexistent/fixtures", NULL, NULL, 1, NULL, 0.98);
    assert_int_equal(x.rc, MW_ENOTFOUND);
    free(x.out);
}

/* ---- known issues ---- */

static json_t *known_file(const char *dir, const char *name, const char *text, struct mw_err *err)
{
    put(dir, name, text);
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return mw_fixtures_known_load(p, err);
}

static void test_known_entries(void **state)
{
    (void)state;
    char dir[128];
    /* the expectation says "Pier to be demolished"; the page shows "Pier to be rebuilt" */
    fixture_dir("known", PAGE, "\"title\": \"Pier to be demolished\", \"section\": \"Harbour\"", dir, sizeof dir);
    struct mw_err err = {0};
    static const struct {
        const char *entries;
        int passed, failed, known, stale;
        const char *said;
    } rows[] = {
        /* the output is what the page shows: known, passes */
        {"\"pier#title\": {\"page\": \"Pier to be rebuilt\", \"why\": \"the h1\"}, "
         "\"pier#section\": {\"page\": \"Coast\", \"why\": \"the crumb\"}", 1, 0, 2, 0, "known pier#title: "},
        /* the output is neither the expectation nor the known value: fails, and says the output changed */
        {"\"pier#title\": {\"page\": \"Pier to be repaired\", \"why\": \"x\"}, "
         "\"pier#section\": {\"page\": \"Coast\", \"why\": \"x\"}", 0, 1, 1, 0, "known    \"Pier to be repaired\""},
        /* a field with no entry still fails */
        {"\"pier#title\": {\"page\": \"Pier to be rebuilt\", \"why\": \"x\"}", 0, 1, 1, 0, "    section:"},
        /* entries about fields that are not annotated, or pages that do not exist: stale */
        {"\"pier#title\": {\"page\": \"Pier to be rebuilt\", \"why\": \"x\"}, "
         "\"pier#section\": {\"page\": \"Coast\", \"why\": \"x\"}, "
         "\"pier#dateline\": {\"page\": \"CAIRO\", \"why\": \"x\"}, "
         "\"gone#title\": {\"page\": \"x\", \"why\": \"x\"}", 1, 0, 2, 2, "stale gone#title"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, "{\"known\": {%s}}", rows[i].entries);
        mw_err_clear(&err);
        json_t *k = known_file(ROOT, "k.json", text, &err);
        assert_non_null(k);
        struct outcome x = check(dir, k, NULL, 0, NULL, 0.98);
        if (x.res.passed != rows[i].passed || x.res.failed != rows[i].failed || x.res.known != rows[i].known ||
            x.res.stale != rows[i].stale || !strstr(x.out, rows[i].said))
            fail_msg("row %zu: %d passed, %d failed, %d known, %d stale:\n%s", i, x.res.passed, x.res.failed,
                     x.res.known, x.res.stale, x.out);
        free(x.out);
        json_decref(k);
    }

    /* the field is now right: the entry is stale */
    fixture_dir("known", PAGE, "\"title\": \"Pier to be rebuilt\"", dir, sizeof dir);
    json_t *k = known_file(ROOT, "k.json", "{\"known\": {\"pier#title\": {\"page\": \"Old\", \"why\": \"x\"}}}", &err);
    struct outcome x = check(dir, k, NULL, 0, NULL, 0.98);
    assert_int_equal(x.res.passed, 1);
    assert_int_equal(x.res.stale, 1);
    assert_non_null(strstr(x.out, "stale pier#title"));
    assert_non_null(strstr(x.out, "the output now matches the expectation"));
    assert_non_null(strstr(x.out, ", 1 stale\n"));
    free(x.out);
    /* with rules named, a page not checked is not stale (it was not looked at) */
    json_decref(k);
    k = known_file(ROOT, "k.json", "{\"known\": {\"elsewhere#title\": {\"page\": \"x\", \"why\": \"x\"}}}", &err);
    x = check(dir, k, NULL, 0, NULL, 0.98);
    assert_int_equal(x.res.stale, 1);
    free(x.out);
    json_decref(k);

    /* a null on both sides of a known entry: the page shows none */
    fixture_dir("known", PAGE, "\"section\": \"Harbour\"", dir, sizeof dir);
    k = known_file(ROOT, "k.json", "{\"known\": {\"pier#section\": {\"page\": null, \"why\": \"x\"}}}", &err);
    x = check(dir, k, NULL, 0, NULL, 0.98);
    assert_int_equal(x.res.failed, 1);   /* the page has "Coast": neither */
    free(x.out);
    json_decref(k);
}

static void test_known_file_format(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"{\"pier#title\": \"why\"}", "\"known\" must be an object"},   /* the old {"PAGE#field": "why"} */
        {"[]", "expected an object"},
        {"{\"known\": {\"pier#title\": {\"why\": \"no page value\"}}}", "known entry \"pier#title\""},
        {"{\"known\": {\"pier#title\": {\"page\": \"x\"}}}", "known entry \"pier#title\""},
        {"{\"known\": {\"no-field\": {\"page\": \"x\", \"why\": \"y\"}}}", "known entry \"no-field\""},
        {"{\"fixtures\": 3, \"known\": {}}", "\"fixtures\" must be"},
        {"{\"known\": {", "bad.json:1:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct mw_err err = {0};
        json_t *k = known_file(ROOT, "bad.json", bad[i].text, &err);
        if (k || err.code != MW_EPARSE || !strstr(err.msg, bad[i].want))
            fail_msg("row %zu: %s: want an error with \"%s\", got %s", i, bad[i].text, bad[i].want,
                     k ? "a file" : err.msg);
        json_decref(k);
    }
}

static void test_nested_fixtures(void **state)
{
    (void)state;
    /* fixtures are searched 8 directories deep below the one given (a corpus of outlet/layout/year/...) */
    char dir[400], deep[400];
    snprintf(dir, sizeof dir, "%s/nested", ROOT);
    rmrf(dir);
    snprintf(deep, sizeof deep, "%s", dir);
    assert_int_equal(mkdir(deep, 0700), 0);
    for (int i = 1; i <= 8; i++) {
        size_t l = strlen(deep);
        snprintf(deep + l, sizeof deep - l, "/%d", i);
        assert_int_equal(mkdir(deep, 0700), 0);
    }
    put(deep, "pier.html", PAGE);
    put(deep, "pier.json", "{\"url\": \"https://gazette.example/news/pier\", \"title\": \"Pier to be rebuilt\"}");
    struct outcome x = check(dir, NULL, NULL, 1, NULL, 0.98);
    assert_int_equal(x.rc, 0);
    assert_int_equal(x.res.passed, 1);
    free(x.out);
}

static void test_known_file_found(void **state)
{
    (void)state;
    char dir[128], side[160], map[160];
    fixture_dir("found", PAGE, "\"title\": \"Pier to be demolished\"", dir, sizeof dir);
    snprintf(map, sizeof map, "%s/project-rules", ROOT);
    rmrf(map);
    assert_int_equal(mkdir(map, 0700), 0);
    const char *known_dirs[] = {map, NULL};
    const char *entry = "\"known\": {\"pier#title\": {\"page\": \"Pier to be rebuilt\", \"why\": \"the h1\"}}";
    char text[512];

    /* none anywhere: the expectation fails */
    struct outcome x = check(dir, NULL, known_dirs, 0, NULL, 0.98);
    assert_int_equal(x.res.failed, 1);
    free(x.out);

    /* a *known.json in the project's rules directory naming the fixture directory, relative to itself */
    snprintf(text, sizeof text, "{\"fixtures\": \"../found\", %s}", entry);
    put(map, "corpus-known.json", text);
    put(map, "other-known.json", "{\"fixtures\": \"../elsewhere\", \"known\": {}}");
    x = check(dir, NULL, known_dirs, 0, NULL, 0.98);
    assert_int_equal(x.rc, 0);
    assert_int_equal(x.res.passed, 1);
    assert_int_equal(x.res.known, 1);
    free(x.out);
    char found[4200];
    struct mw_err err = {0};
    json_t *k = mw_fixtures_known_find(dir, known_dirs, found, sizeof found, &err);
    assert_non_null(k);
    assert_non_null(strstr(found, "project-rules/corpus-known.json"));
    json_decref(k);
    /* --no-known: nothing applies */
    x = check(dir, NULL, known_dirs, 1, NULL, 0.98);
    assert_int_equal(x.res.failed, 1);
    free(x.out);

    /* the directory's own known.json comes first */
    snprintf(side, sizeof side, "%s/known.json", dir);
    put(dir, "known.json", "{\"known\": {\"pier#title\": {\"page\": \"Pier to be repaired\", \"why\": \"x\"}}}");
    x = check(dir, NULL, known_dirs, 0, NULL, 0.98);
    assert_int_equal(x.res.failed, 1);
    assert_non_null(strstr(x.out, "Pier to be repaired"));
    free(x.out);
    k = mw_fixtures_known_find(dir, known_dirs, found, sizeof found, &err);
    assert_string_equal(found, side);
    json_decref(k);
    unlink(side);

    /* a mapping file named just known.json in the project's rules directory counts too */
    unlink(side);
    char mapfile[200];
    snprintf(mapfile, sizeof mapfile, "%s/corpus-known.json", map);
    unlink(mapfile);
    snprintf(text, sizeof text, "{\"fixtures\": \"../found\", %s}", entry);
    put(map, "known.json", text);
    x = check(dir, NULL, known_dirs, 0, NULL, 0.98);
    assert_int_equal(x.res.known, 1);
    assert_int_equal(x.res.failed, 0);
    free(x.out);
    snprintf(mapfile, sizeof mapfile, "%s/known.json", map);
    unlink(mapfile);

    /* a malformed known file is an error, not a silent "no entries" */
    put(map, "corpus-known.json", "{\"fixtures\": \"../found\", \"known\": {\"pier#title\": \"why\"}}");
    x = check(dir, NULL, known_dirs, 0, NULL, 0.98);
    assert_int_equal(x.rc, MW_EPARSE);
    assert_non_null(strstr(x.out, "corpus-known.json"));
    free(x.out);
}

/* ---- mw_shingle_f1 ---- */

static const struct {
    const char *pred, *truth;
    double p, r, f;
} SHINGLES[] = {
    {"", "", 1, 1, 1},
    {"", "one two three four five", 0, 0, 0},
    {"one two three four five", "", 0, 1, 0},
    {"one two three four five", "one two three four five", 1, 1, 1},
    {"One, two; three (four) five!", "one two three four five", 0.5, 0.5, 0.5},   /* case counts, as in score.py */
    {"one two three four five", "One two three four five six", 0.5, 1.0 / 3, 0.4},
    {"a b", "a b", 1, 1, 1},                   /* fewer than 4 words: one shingle of all of them */
    {"a b", "a c", 0, 0, 0},
    {"x x x x x x", "x x x x", 1.0 / 3, 1, 0.5},   /* repeated shingles count as often as they occur */
    {"snake_case and 42 numbers here", "snake_case and 42 numbers here", 1, 1, 1},
    {"\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0, 29 \xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f. /\xd0\xa2\xd0\x90\xd0\xa1\xd0\xa1/.",
     "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 29 \xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f \xd0\xa2\xd0\x90\xd0\xa1\xd0\xa1", 1, 1, 1},
    {"\xd9\x83\xd9\x8e\xd8\xaa\xd9\x8e\xd8\xa8\xd9\x8e a b c", "\xd9\x83 \xd8\xaa \xd8\xa8 a b c", 1, 1, 1},   /* harakat split words */
    {"emoji\xef\xb8\x8f one two three", "emoji one two three", 1, 1, 1},   /* a variation selector too */
    {"one\xe2\x80\x94two\xc2\xa0three\xe3\x80\x81" "four", "one two three four", 1, 1, 1},   /* dash, nbsp, 、 split */
};

static void test_shingle_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof SHINGLES / sizeof SHINGLES[0]; i++) {
        double p = -1, r = -1, f = -1;
        mw_shingle_f1(SHINGLES[i].pred, SHINGLES[i].truth, &p, &r, &f);
        if (fabs(p - SHINGLES[i].p) > 1e-9 || fabs(r - SHINGLES[i].r) > 1e-9 || fabs(f - SHINGLES[i].f) > 1e-9)
            fail_msg("row %zu: P %.4f R %.4f F %.4f, want %.4f %.4f %.4f", i, p, r, f, SHINGLES[i].p,
                     SHINGLES[i].r, SHINGLES[i].f);
    }
    mw_shingle_f1(NULL, NULL, NULL, NULL, NULL);   /* NULL texts are empty; NULL outputs are not written */
}

/* Every page of the corpus directory dir (<name>.html.gz beside <name>.json with a "body"): its truth,
 * and the generic extractor's body as the prediction, written as JSON lines {"pred", "truth"} to f. */
static int corpus_pairs(struct mw_runner *r, const char *dir, FILE *f, json_t *pairs)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[1024], jpath[1024];
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            n += (size_t)corpus_pairs(r, path, f, pairs);
            continue;
        }
        size_t l = strlen(e->d_name);
        if (l < 9 || strcmp(e->d_name + l - 8, ".html.gz"))
            continue;
        snprintf(jpath, sizeof jpath, "%.*s.json", (int)(strlen(path) - 8), path);
        json_t *t = json_load_file(jpath, 0, NULL);
        const char *truth = json_string_value(json_object_get(t, "body"));
        char *bytes = NULL;
        size_t len = 0;
        struct mw_err err = {0};
        if (truth && mw_file_read(path, 64u << 20, &bytes, &len, &err) == 0) {
            json_t *rec = mw_runner_extract(r, bytes, len, json_string_value(json_object_get(t, "url")), NULL);
            const char *pred = json_string_value(json_object_get(rec, "body"));
            json_t *pair = json_pack("{s:s, s:s, s:s}", "page", e->d_name, "pred", pred ? pred : "", "truth", truth);
            /* and the truth against itself cut short: a second, different F1 for the same tokenizer */
            size_t cut = strlen(truth) / 2;
            while (cut && ((unsigned char)truth[cut] & 0xC0) == 0x80)   /* at a character's first byte */
                cut--;
            json_t *half = json_pack("{s:s, s:s#, s:s}", "page", e->d_name, "pred", truth, cut, "truth", truth);
            char *a = json_dumps(pair, JSON_COMPACT), *b = json_dumps(half, JSON_COMPACT);
            fprintf(f, "%s\n%s\n", a, b);
            free(a);
            free(b);
            json_array_append_new(pairs, pair);
            json_array_append_new(pairs, half);
            json_decref(rec);
            n++;
        }
        free(bytes);
        json_decref(t);
    }
    closedir(d);
    return (int)n;
}

static const char SCORER[] =
    "import json, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "import score\n"
    "for line in open(sys.argv[2], encoding='utf-8'):\n"
    "    x = json.loads(line)\n"
    "    tp, fp, fn, _ = score.body_counts(x['pred'], x['truth'])\n"
    "    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)\n"
    "    r = tp / (tp + fn) if tp + fn else 1.0\n"
    "    f = 2 * p * r / (p + r) if p + r else 0.0\n"
    "    print(repr(p), repr(r), repr(f))\n";

static void test_shingle_matches_score_py(void **state)
{
    (void)state;
    const char *shared = getenv("MW_SHARED") ? getenv("MW_SHARED") : "../shared";
    char tools[512], score_py[600], gen[600], outl[600];
    snprintf(tools, sizeof tools, "%s/tools", shared);
    snprintf(score_py, sizeof score_py, "%s/score.py", tools);
    snprintf(gen, sizeof gen, "%s/corpus/generic", shared);
    snprintf(outl, sizeof outl, "%s/corpus/outlets", shared);
    if (access(score_py, R_OK) || access(gen, R_OK)) {
        if (getenv("CI") && *getenv("CI"))
            fail_msg("%s or %s is missing (CI must have ../shared)", score_py, gen);
        fprintf(stderr, "  skip  shingle check: %s is absent\n", score_py);
        g_skipped = 1;
        skip();
    }
    struct mw_runner_opts ro;
    mw_runner_opts_default(&ro);
    struct mw_err err = {0};
    struct mw_runner *r = mw_runner_new(&ro, &err);
    char pairs_path[128], script[128];
    snprintf(pairs_path, sizeof pairs_path, "%s/pairs.jsonl", ROOT);
    snprintf(script, sizeof script, "%s/scorer.py", ROOT);
    put(ROOT, "scorer.py", SCORER);
    FILE *f = fopen(pairs_path, "w");
    json_t *pairs = json_array();
    int pages = corpus_pairs(r, gen, f, pairs) + corpus_pairs(r, outl, f, pairs);
    fclose(f);
    mw_runner_free(r);
    assert_true(pages > 100);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "python3 '%s' '%s' '%s'", script, tools, pairs_path);
    FILE *py = popen(cmd, "r");
    assert_non_null(py);
    size_t i = 0, differ = 0, partial = 0;
    double wp, wr, wf;
    while (fscanf(py, "%lf %lf %lf", &wp, &wr, &wf) == 3) {
        assert_true(i < json_array_size(pairs));
        const json_t *x = json_array_get(pairs, i++);
        double p, rr, f1;
        mw_shingle_f1(json_string_value(json_object_get(x, "pred")), json_string_value(json_object_get(x, "truth")),
                      &p, &rr, &f1);
        partial += wf > 0.05 && wf < 0.98;
        if (fabs(p - wp) > 1e-9 || fabs(rr - wr) > 1e-9 || fabs(f1 - wf) > 1e-9) {
            if (differ++ < 5)
                fprintf(stderr, "  %s: mw_shingle_f1 P %.6f R %.6f F %.6f, score.py %.6f %.6f %.6f\n",
                        json_string_value(json_object_get(x, "page")), p, rr, f1, wp, wr, wf);
        }
    }
    assert_int_equal(pclose(py), 0);
    assert_int_equal(i, json_array_size(pairs));   /* score.py answered for every pair */
    fprintf(stderr, "  shingle check: %zu text pairs from %d corpus pages (%zu with 0.05 < F1 < 0.98), "
                    "%zu differ from score.py\n", i, pages, partial, differ);
    assert_true(partial > 20);   /* the check sees partial overlaps, not only 0 and 1 */
    assert_int_equal(differ, 0);
    json_decref(pairs);
}

static int setup(void **state)
{
    (void)state;
    snprintf(ROOT, sizeof ROOT, "/tmp/mw-fixtures-XXXXXX");
    return mkdtemp(ROOT) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ROOT);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expectations), cmocka_unit_test(test_min_f1_and_summary),
        cmocka_unit_test(test_known_entries), cmocka_unit_test(test_known_file_format),
        cmocka_unit_test(test_known_file_found), cmocka_unit_test(test_nested_fixtures),
        cmocka_unit_test(test_shingle_rows),
        cmocka_unit_test(test_shingle_matches_score_py),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed ? 1 : g_skipped ? 77 : 0;
}
