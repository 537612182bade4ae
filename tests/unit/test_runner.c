/* tests/unit/test_runner.c: rules/runner.c — which rule a URL gets (longest domain, subdomains, a forced
 * rule, a later directory overriding), what a rule's fields become (its own, then metadata, then generic;
 * a field settled as empty stays empty), and what a broken rule costs (a syntax error, a raise, a loop,
 * fields that are not JSON: its pages get the generic result and a warning naming file:line, nothing of
 * the failed rule's half-done fields). Each of those runs twice: loading every file at once, and lazily (a
 * file run when its first page comes: the same records, the load error then, through on_load_error). Rules are
 * written into a temp directory; scripts/ ($MOONWIRE_SCRIPTS) gives lib/rule.lua. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/runner.h"

static char DIR_[64], DIR2[80];
static int LAZY;                 /* this test's runners load lazily (the test's prestate) */
static int EAGER_ = 0, LAZY_ = 1;
static char LATE[4][700];        /* on_load_error's messages */
static int NLATE;

static void late_error(void *ctx, const char *msg)
{
    (void)ctx;
    if (NLATE < 4)
        snprintf(LATE[NLATE], sizeof LATE[0], "%s", msg);
    NLATE++;
}

static void mode(void **state)
{
    LAZY = *state ? *(int *)*state : 0;
    NLATE = 0;
}

static const struct {
    const char *file, *text;
} RULES[] = {
    {"wide.lua", "return rule { name = 'wide', outlet = 'Wide Desk', domains = {'news.example'},\n"
                 "  title = 'h1.hl', body = {'.txt p'}, lang = 'en' }\n"},
    {"narrow.lua", "return rule { name = 'narrow', outlet = 'Narrow Desk', domains = {'sport.news.example'},\n"
                   "  title = 'h1.hl', body = {'.txt p'}, section = function() return 'Sport' end }\n"},
    /* a field settled as empty: the page's metadata has authors and a section, the outlet prints none */
    {"settled.lua", "return rule { name = 'settled', domains = {'settled.example'}, title = 'h1.hl',\n"
                    "  body = {'.txt p'}, authors = function() return {} end,\n"
                    "  section = function() return false end }\n"},
    {"syntax.lua", "return rule { name = 'syntax', domains = {'syntax.example'},\n  title = 'h1' 'oops' }\n"},
    {"raises.lua", "return rule { name = 'raises', domains = {'raises.example'}, body = {'.txt p'},\n"
                   "  title = function(doc) error('no headline here') end }\n"},
    {"loops.lua", "return rule { name = 'loops', domains = {'loops.example'}, title = 'h1.hl',\n"
                  "  body = function(doc)\n    while true do end\n  end }\n"},
    {"notjson.lua", "return rule { name = 'notjson', domains = {'notjson.example'},\n"
                    "  fix = function(a) a.title = function() end end }\n"},
    {"noreturn.lua", "local x = 1\n"},
    /* broken, with two domains written the way people write them: both still carry the warning */
    {"pair.lua", "return rule { name = 'pair', domains \t = { 'one.example', \"two.example\" },\n"
                       "  title = 'h1' 'oops' }\n"},
};

static const char PAGE[] =
    "<html lang='en'><head><title>Story | Site</title><meta property='og:title' content='Meta headline'>"
    "<meta property='article:section' content='Meta section'>"
    "<meta property='article:published_time' content='2026-03-03T09:30:00+01:00'>"
    "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": {\"@type\": \"Person\","
    " \"name\": \"Meta Person\"}}</script></head>"
    "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><div class='story'>"
    "<h1 class='hl'>Rule headline</h1><div class='txt'>"
    "<p>The first paragraph of the story says what happened and where it happened, at some length.</p>"
    "<p>The second paragraph adds what the officials said about it later in the day, also at length.</p>"
    "</div><div class='share'>Share on X</div></div></body></html>";

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[160];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(DIR_, sizeof DIR_, "/tmp/mw-runner-XXXXXX");
    if (!mkdtemp(DIR_))
        return -1;
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        write_file(DIR_, RULES[i].file, RULES[i].text);
    snprintf(DIR2, sizeof DIR2, "%s/later", DIR_);
    mkdir(DIR2, 0700);
    /* a later directory's rule of the same name wins */
    write_file(DIR2, "wide.lua", "return rule { name = 'wide', outlet = 'Wide Override', domains = {'news.example'},\n"
                                 "  title = function() return 'Override headline' end }\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", DIR_);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *scripts(void)
{
    const char *s = getenv("MOONWIRE_SCRIPTS");
    return s && *s ? s : "scripts";
}

static struct mw_runner *runner(int with_later, const char *forced, int explain, struct mw_err *err)
{
    struct mw_runner_opts o;
    mw_runner_opts_default(&o);
    o.scripts_dir = scripts();
    const char *dirs[] = {DIR_, with_later ? DIR2 : NULL, NULL};
    o.rule_dirs = dirs;
    o.rule = forced;
    o.explain = explain;
    o.limits.instr_max = 2000000;   /* the looping rule ends quickly */
    o.limits.cpu_max = 600;         /* ... by its instruction budget, never by the clock */
    o.lazy = LAZY;
    o.on_load_error = late_error;
    return mw_runner_new(&o, err);
}

static json_t *extract(struct mw_runner *r, const char *url)
{
    json_t *rec = mw_runner_extract(r, PAGE, strlen(PAGE), url, "text/html; charset=utf-8");
    assert_non_null(rec);
    return rec;
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int warned(const json_t *rec, const char *needle)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(rec, "warnings"), i, w)
        if (strstr(json_string_value(w), needle))
            return 1;
    return 0;
}

static void test_pick(void **state)
{
    mode(state);
    struct mw_err err = {0};
    struct mw_runner *r = runner(0, NULL, 0, &err);
    assert_non_null(r);
    static const struct {
        const char *url, *want;   /* want NULL: no rule */
    } rows[] = {
        {"https://news.example/a/1", "wide"},
        {"https://www.news.example/a/1", "wide"},          /* a subdomain matches */
        {"https://sport.news.example/a/1", "narrow"},      /* the longest domain wins */
        {"https://live.sport.news.example/x", "narrow"},
        {"https://othernews.example/a/1", NULL},           /* a suffix is not a subdomain */
        {"https://news.example.org/a/1", NULL},
        {"https://NEWS.Example/a/1", "wide"},              /* hosts are case-blind */
        {"not a url", NULL},
        {NULL, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *got = mw_runner_pick(r, rows[i].url);
        if ((got == NULL) != (rows[i].want == NULL) || (got && strcmp(got, rows[i].want)))
            fail_msg("row %zu %s: picked %s, want %s", i, rows[i].url ? rows[i].url : "(null)",
                     got ? got : "(none)", rows[i].want ? rows[i].want : "(none)");
    }
    assert_true(mw_runner_handles(r, "wide", "https://sport.news.example/a"));   /* covered, though not picked */
    assert_false(mw_runner_handles(r, "narrow", "https://news.example/a"));
    assert_false(mw_runner_handles(r, "no_such_rule", "https://news.example/a"));
    mw_runner_free(r);
}

static void test_forced_and_override(void **state)
{
    mode(state);
    struct mw_err err = {0};
    struct mw_runner *r = runner(0, "narrow", 0, &err);
    assert_non_null(r);
    assert_string_equal(mw_runner_pick(r, "https://elsewhere.example/"), "narrow");
    json_t *rec = extract(r, "https://elsewhere.example/");
    assert_string_equal(str(rec, "rule"), "narrow");
    json_decref(rec);
    mw_runner_free(r);

    mw_err_clear(&err);
    assert_null(runner(0, "no_such_rule", 0, &err));
    assert_int_equal(err.code, MW_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no rule named \"no_such_rule\""));

    mw_err_clear(&err);
    r = runner(1, NULL, 0, &err);
    assert_non_null(r);
    rec = extract(r, "https://news.example/a/1");
    assert_string_equal(str(rec, "rule"), "wide");
    assert_string_equal(str(rec, "outlet"), "Wide Override");
    assert_string_equal(str(rec, "title"), "Override headline");
    json_decref(rec);
    json_t *list = mw_runner_rules(r);
    int wides = 0;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (!strcmp(str(e, "name"), "wide")) {
            wides++;
            assert_non_null(strstr(str(e, "file"), "/later/wide.lua"));
        }
        assert_string_not_equal(str(e, "name"), "syntax");   /* broken files are not listed as rules */
    }
    assert_int_equal(wides, 1);
    json_decref(list);
    mw_runner_free(r);
}

static void test_fields_then_fallbacks(void **state)
{
    mode(state);
    struct mw_err err = {0};
    struct mw_runner *r = runner(0, NULL, 1, &err);
    assert_non_null(r);
    json_t *rec = extract(r, "https://sport.news.example/a/1");
    assert_string_equal(str(rec, "rule"), "narrow");
    assert_string_equal(str(rec, "outlet"), "Narrow Desk");
    assert_string_equal(str(rec, "title"), "Rule headline");        /* the rule's selector beats og:title */
    assert_string_equal(str(rec, "section"), "Sport");              /* the rule's function */
    assert_non_null(strstr(str(rec, "body"), "officials said"));
    assert_null(strstr(str(rec, "body"), "Share on X"));
    assert_string_equal(str(rec, "published"), "2026-03-03T09:30:00+01:00");   /* from metadata */
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "authors"), 0)), "Meta Person");
    const json_t *origin = json_object_get(rec, "origin");
    assert_string_equal(str(origin, "title"), "rule: h1.hl");
    assert_string_equal(str(origin, "section"), "rule: function");
    assert_string_equal(str(origin, "published"), "meta: <meta article:published_time>");
    assert_string_equal(str(origin, "authors"), "meta: JSON-LD author");
    assert_null(json_object_get(rec, "warnings"));
    assert_true(json_is_null(json_object_get(rec, "error")));
    json_decref(rec);

    /* a page that states no language gets the rule's */
    static const char nolang[] = "<html><body><h1 class='hl'>Zz</h1><div class='txt'><p>Xq zv.</p></div></body></html>";
    rec = mw_runner_extract(r, nolang, strlen(nolang), "https://news.example/a/2", NULL);
    assert_string_equal(str(rec, "rule"), "wide");
    assert_string_equal(str(rec, "lang"), "en");
    json_decref(rec);
    rec = mw_runner_extract(r, nolang, strlen(nolang), "https://sport.news.example/a/2", NULL);
    assert_true(json_is_null(json_object_get(rec, "lang")));   /* narrow states none */
    json_decref(rec);

    /* no url: the page's canonical link or og:url picks the rule */
    static const char canon[] = "<html><head><link rel='canonical' href='https://sport.news.example/c/9'></head>"
                                "<body><h1 class='hl'>Found by canonical</h1></body></html>";
    rec = mw_runner_extract(r, canon, strlen(canon), NULL, NULL);
    assert_string_equal(str(rec, "rule"), "narrow");
    assert_string_equal(str(rec, "title"), "Found by canonical");
    json_decref(rec);

    /* no rule for the host: the generic record */
    rec = extract(r, "https://unknown.example/a/1");
    assert_string_equal(str(rec, "rule"), "generic");
    assert_string_equal(str(rec, "title"), "Meta headline");
    json_decref(rec);
    mw_runner_free(r);
}

static void test_settled_empty_field(void **state)
{
    mode(state);
    struct mw_err err = {0};
    struct mw_runner *r = runner(0, NULL, 1, &err);
    assert_non_null(r);
    json_t *rec = extract(r, "https://settled.example/a/1");
    assert_string_equal(str(rec, "rule"), "settled");
    /* the metadata has an author and a section; the rule settled both as empty, so they stay empty */
    assert_int_equal(json_array_size(json_object_get(rec, "authors")), 0);
    assert_true(json_is_null(json_object_get(rec, "section")));
    assert_string_equal(str(json_object_get(rec, "origin"), "authors"), "rule: settled as empty");
    assert_string_equal(str(json_object_get(rec, "origin"), "section"), "rule: settled as empty");
    /* what it did not settle is filled as usual */
    assert_string_equal(str(rec, "published"), "2026-03-03T09:30:00+01:00");
    json_decref(rec);
    mw_runner_free(r);
}

static void test_broken_rules(void **state)
{
    mode(state);
    struct mw_err err = {0};
    struct mw_runner *r = runner(0, NULL, 1, &err);
    assert_non_null(r);
    const json_t *le = mw_runner_load_errors(r);
    int syntax = 0, noreturn = 0;
    size_t i;
    json_t *v;
    json_array_foreach(le, i, v) {
        syntax += strstr(json_string_value(v), "syntax.lua:2:") != NULL;
        noreturn += strstr(json_string_value(v), "noreturn.lua: the file must end with `return rule") != NULL;
    }
    assert_int_equal(syntax, LAZY ? 0 : 1);   /* lazy: syntax.lua has the plain shape, run at its page */
    assert_int_equal(noreturn, 1);            /* a file of another shape is run at once either way */
    assert_int_equal(NLATE, 0);

    static const struct {
        const char *url, *rule, *warning;
    } rows[] = {
        {"https://syntax.example/a", "syntax", "syntax: the rule file did not load ("},
        {"https://raises.example/a", "raises", "raises.lua:2: no headline here; generic used"},
        {"https://loops.example/a", "loops", "loops.lua:3: instruction budget"},
        {"https://notjson.example/a", "notjson", "notjson: the rule returned fields that are not JSON"},
        {"https://one.example/a", "pair", "pair: the rule file did not load ("},
        {"https://www.two.example/a", "pair", "pair: the rule file did not load ("},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        json_t *rec = extract(r, rows[k].url);
        if (!warned(rec, rows[k].warning)) {
            char *s = json_dumps(json_object_get(rec, "warnings"), 0);
            fail_msg("row %zu %s: no warning \"%s\" in %s", k, rows[k].url, rows[k].warning, s);
        }
        /* the generic result, whole: nothing of the rule's half-done work */
        assert_string_equal(str(rec, "rule"), "generic");
        assert_string_equal(str(rec, "title"), "Meta headline");
        assert_non_null(strstr(str(rec, "body"), "officials said"));
        assert_string_not_equal(str(json_object_get(rec, "origin"), "title"), "rule");
        assert_true(json_is_null(json_object_get(rec, "error")));
        json_decref(rec);
    }
    /* by now every broken file has said why, once: lazily, as its first page came */
    syntax = 0;
    json_array_foreach(le, i, v) syntax += strstr(json_string_value(v), "syntax.lua:2:") != NULL;
    assert_int_equal(syntax, 1);
    assert_int_equal(NLATE, LAZY ? 2 : 0);   /* syntax.lua and pair.lua */
    if (LAZY) {
        assert_non_null(strstr(LATE[0], "syntax.lua:2:"));
        assert_non_null(strstr(LATE[1], "pair.lua:2:"));
    }
    /* and the good rules still work in the same runner, after every failure */
    json_t *rec = extract(r, "https://news.example/a/1");
    assert_string_equal(str(rec, "rule"), "wide");
    assert_string_equal(str(rec, "title"), "Rule headline");
    json_decref(rec);
    mw_runner_free(r);
}

static void test_bad_page_and_generic_only(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_runner *r = runner(0, NULL, 0, &err);
    json_t *rec = mw_runner_extract(r, "", 0, "https://news.example/empty", NULL);
    assert_non_null(rec);
    assert_non_null(json_object_get(rec, "error"));
    assert_string_equal(str(rec, "url"), "https://news.example/empty");
    json_decref(rec);
    mw_runner_free(r);

    struct mw_runner_opts o;
    mw_runner_opts_default(&o);
    o.scripts_dir = scripts();
    const char *dirs[] = {DIR_, NULL};
    o.rule_dirs = dirs;
    o.generic_only = 1;
    r = mw_runner_new(&o, &err);
    assert_non_null(r);
    rec = extract(r, "https://news.example/a/1");
    assert_string_equal(str(rec, "rule"), "generic");
    json_decref(rec);
    json_t *list = mw_runner_rules(r);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    mw_runner_free(r);

    /* a scripts directory without lib/rule.lua is an error of the runtime itself */
    o.generic_only = 0;
    o.scripts_dir = DIR_;
    mw_err_clear(&err);
    assert_null(mw_runner_new(&o, &err));
    assert_int_not_equal(err.code, 0);
}

/* A page handed over (extract_take: its bytes spent by the parse, its generic body made a JSON string after
 * the tree is freed and, for a page of 4 MB and more, the memory given back) gives the record the page lent
 * gives (extract_at): a small page and a big one, generic and through a rule. */
static void test_take_same_as_at(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_runner_opts o;   /* the default memory budget: the rule reads the big page whole */
    mw_runner_opts_default(&o);
    /* time is this row's own: a 5 MB page under ASan on a loaded machine can take more than the default 1 s
     * of CPU for the rule and 10 s for the page, and then the generic record would come back */
    o.limits.cpu_max = 300;
    o.page_seconds = 0;
    o.scripts_dir = scripts();
    const char *dirs[] = {DIR_, NULL};
    o.rule_dirs = dirs;
    struct mw_runner *r = mw_runner_new(&o, &err);
    assert_non_null(r);
    for (int big = 0; big < 2; big++)
        for (int ruled = 0; ruled < 2; ruled++) {
            size_t cap = big ? (5u << 20) : 8192, n = 0;
            char *page = malloc(cap + 512);
            n += (size_t)sprintf(page, "<html><head><title>Vote</title></head><body><h1 class='hl'>Vote</h1>"
                                       "<div class='txt'>");
            for (int i = 0; n < cap; i++)
                n += (size_t)sprintf(page + n, "<p>Part %d: the harbour workers voted again on Monday, and the "
                                               "council said the talks would go on.</p>\n", i);
            n += (size_t)sprintf(page + n, "</div></body></html>");
            const char *url = ruled ? "https://news.example/a/1" : "https://elsewhere.example/a/1";
            json_t *at = mw_runner_extract_at(r, NULL, page, n, url, NULL, NULL);
            json_t *took = mw_runner_extract_take(r, NULL, &page, n, url, NULL, NULL);
            assert_null(page);
            assert_non_null(at);
            assert_non_null(took);
            assert_string_equal(str(at, "rule"), ruled ? "wide" : "generic");
            assert_non_null(str(at, "body"));
            assert_true(strlen(str(at, "body")) > cap / 2);
            char *a = json_dumps(at, JSON_COMPACT), *b = json_dumps(took, JSON_COMPACT);
            if (strcmp(a, b))
                fail_msg("%s page, %s: the record of the page handed over differs", big ? "big" : "small",
                         ruled ? "rule" : "generic");
            free(a);
            free(b);
            json_decref(at);
            json_decref(took);
        }
    mw_runner_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(t) cmocka_unit_test_prestate(t, &EAGER_), cmocka_unit_test_prestate(t, &LAZY_)
        BOTH(test_pick), BOTH(test_forced_and_override), BOTH(test_fields_then_fallbacks),
        BOTH(test_settled_empty_field), BOTH(test_broken_rules), cmocka_unit_test(test_bad_page_and_generic_only),
        cmocka_unit_test(test_take_same_as_at),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
