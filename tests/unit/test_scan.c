/* tests/unit/test_scan.c: rules/scan.c — a rule file's name and domains read from its text, or "not sure" for
 * any other shape (then the runner runs the file): comments, long strings, escapes, commas inside functions,
 * `rule` or `_ENV` used elsewhere, a computed value, code after the table. And on every shipped rule
 * (scripts/outlets, examples/rules) the scan says what running the file says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dir.h"
#include "common/file.h"
#include "rules/runner.h"
#include "rules/scan.h"

static const struct {
    const char *text;
    const char *want;   /* "name dom1 dom2", or NULL: not sure */
} ROWS[] = {
    {"return rule { name = 'a', domains = {'a.example'} }", "a a.example"},
    {"return rule {name=\"a-b_1\",domains=\"a.example\",}", "a-b_1 a.example"},
    {"return rule({ name = 'a'; domains = {'x.example'; 'y.example';} });", "a x.example y.example"},
    {"#!/usr/bin/env lua\nreturn rule { name = 'a', domains = {'a.example'} }\n", "a a.example"},
    /* what comes before: locals, loops, comments naming other rules */
    {"-- name = 'fake', domains = {'fake.example'}\n--[==[ return rule { name = 'z' } ]==]\n"
     "local s = {}\nfor i = 0, 9 do s[#s + 1] = 'https://a.example/' .. i end\n"
     "return rule { name = 'a', domains = {'a.example'}, sources = {sitemap = s} }\n", "a a.example"},
    /* commas and `name =` inside functions, nested tables and layouts are not the rule's fields */
    {"return rule { title = function(doc) local name, x = 'no', 1; if x then return name end end,\n"
     "  name = 'a', layouts = {{when = 'div', name = 'inner'}}, domains = {'a.example'},\n"
     "  body = {'p', drop = {'.ad', '.x'}}, fix = function(a) for k, v in pairs(a) do end end }", "a a.example"},
    {"return rule { name = 'a', domains = {'a.example'}, note = [[ ], name = 'b' ]], t = 'x' 'y' }", "a a.example"},
    {"return rule { name = 'a', domains = {'a.example'}, x = 1 == 2, y = 0x1p-4 }", "a a.example"},
    /* not sure: computed, escaped, repeated, shadowed, or not the file's end */
    {"return rule { name = 'a', domains = D }", NULL},
    {"return rule { name = 'a', domains = {'a.exam' .. 'ple'} }", NULL},
    {"return rule { name = 'a' .. 'b', domains = {'a.example'} }", NULL},
    {"return rule { name = 'a\\x62', domains = {'a.example'} }", NULL},
    {"return rule { name = [[a]], domains = {'a.example'} }", NULL},
    {"return rule { name = 'a b', domains = {'a.example'} }", NULL},
    {"return rule { name = 'a', name = 'b', domains = {'a.example'} }", NULL},
    {"return rule { name = 'a', domains = {'a.example'}, domains = {'b.example'} }", NULL},
    {"return rule { ['name'] = 'b', name = 'a', domains = {'a.example'} }", NULL},
    {"return rule { name = 'a', domains = {} }", NULL},
    {"return rule { domains = {'a.example'} }", NULL},
    {"local rule = function(t) t.name = 'b' return t end\nreturn rule { name = 'a', domains = {'a.example'} }", NULL},
    {"return rule { name = 'a', domains = {'a.example'}, fix = function() rule = nil end }", NULL},
    {"local _ENV = {rule = function() end}\nreturn rule { name = 'a', domains = {'a.example'} }", NULL},
    {"if x then return rule { name = 'a', domains = {'a.example'} } end", NULL},
    {"local function f() return rule { name = 'a', domains = {'a.example'} } end\nreturn f()", NULL},
    {"return rule { name = 'a', domains = {'a.example'} } or nil", NULL},
    {"return rule { name = 'a', domains = {'a.example'}, title = 'unclosed }", NULL},
    {"return rule { name = 'a', domains = {'a.example'}, note = [[ unclosed }", NULL},
    {"local r = rule { name = 'a', domains = {'a.example'} }\nr.domains = {'b.example'}\nreturn r", NULL},
    {"return { name = 'a', domains = {'a.example'} }", NULL},
    {"", NULL},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        struct mw_rule_scan s;
        int sure = mw_rule_scan(ROWS[i].text, strlen(ROWS[i].text), &s);
        char got[256] = "";
        if (sure) {
            size_t n = (size_t)snprintf(got, sizeof got, "%s", s.name);
            for (size_t k = 0; k < s.ndomains && n < sizeof got; k++)
                n += (size_t)snprintf(got + n, sizeof got - n, " %s", s.domains[k]);
        }
        mw_rule_scan_clear(&s);
        if (!ROWS[i].want ? sure : !sure || strcmp(got, ROWS[i].want))
            fail_msg("row %zu: %s\n  want %s, got %s", i, ROWS[i].text, ROWS[i].want ? ROWS[i].want : "not sure",
                     sure ? got : "not sure");
    }
}

static const char *scripts(void)
{
    const char *s = getenv("MOONWIRE_SCRIPTS");
    return s && *s ? s : "scripts";
}

/* Every shipped rule has the plain shape, and its scan is what the loaded rule says. */
static void test_shipped_rules_agree(void **state)
{
    (void)state;
    char examples[4096];
    snprintf(examples, sizeof examples, "%s/../examples/rules", scripts());
    const char *dirs[] = {examples, NULL};
    struct mw_runner_opts o;
    mw_runner_opts_default(&o);
    o.scripts_dir = scripts();
    o.rule_dirs = dirs;
    struct mw_err err = {0};
    struct mw_runner *r = mw_runner_new(&o, &err);
    assert_non_null(r);
    json_t *rules = mw_runner_rules(r), *e;
    size_t i, checked = 0;
    assert_true(json_array_size(rules) >= 20);
    json_array_foreach(rules, i, e) {
        const char *file = json_string_value(json_object_get(e, "file"));
        char *text;
        size_t len;
        assert_int_equal(mw_file_read(file, 1 << 20, &text, &len, &err), 0);
        struct mw_rule_scan s;
        if (!mw_rule_scan(text, len, &s))
            fail_msg("%s: the scan is not sure", file);
        free(text);
        assert_string_equal(s.name, json_string_value(json_object_get(e, "name")));
        json_t *doms = json_object_get(e, "domains");
        assert_int_equal(s.ndomains, json_array_size(doms));
        for (size_t k = 0; k < s.ndomains; k++)
            assert_string_equal(s.domains[k], json_string_value(json_array_get(doms, k)));
        mw_rule_scan_clear(&s);
        checked++;
    }
    assert_int_equal(checked, json_array_size(rules));
    json_decref(rules);
    mw_runner_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_shipped_rules_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
