/* tests/unit/test_run_config.c: run/config.c — durations, sizes, a whole config file and its errors. */
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

#include "run/config.h"

static const struct {
    const char *in;
    long long ms;   /* -1: refused */
} DURATIONS[] = {
    {"15m", 900000}, {"1s", 1000}, {"1.5s", 1500}, {"500ms", 500}, {"2h", 7200000}, {"7d", 604800000},
    {"30", 30000}, {"0", 0}, {"1w", 604800000}, {"soon", -1}, {"-1s", -1}, {"5x", -1}, {"", -1},
};

static const struct {
    const char *in;
    long long bytes;
} SIZES[] = {
    {"16MB", 16 << 20}, {"512k", 512 << 10}, {"1G", 1LL << 30}, {"4096", 4096}, {"2MiB", 2 << 20},
    {"lots", -1}, {"0", -1}, {"3Q", -1},
};

static void test_durations_and_sizes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof DURATIONS / sizeof DURATIONS[0]; i++) {
        long long ms = -7;
        int rc = mw_run_duration_ms(DURATIONS[i].in, &ms);
        if (DURATIONS[i].ms < 0 ? rc == 0 : (rc != 0 || ms != DURATIONS[i].ms))
            fail_msg("duration row %zu (%s): rc %d ms %lld", i, DURATIONS[i].in, rc, ms);
    }
    for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
        size_t b = 0;
        int rc = mw_run_size(SIZES[i].in, &b);
        if (SIZES[i].bytes < 0 ? rc == 0 : (rc != 0 || (long long)b != SIZES[i].bytes))
            fail_msg("size row %zu (%s): rc %d bytes %zu", i, SIZES[i].in, rc, b);
    }
}

static char dir[64];

static const char *write_cfg(const char *name, const char *text)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_full_config(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mw-test-cfg-%d", (int)getpid());
    mkdir(dir, 0700);
    setenv("MW_TEST_PORT", "4321", 1);
    const char *p = write_cfg("full.lua",
        "local port = getenv('MW_TEST_PORT')\n"
        "return {\n"
        "  outlets = {'a_rule', 'b_rule'}, rules = {'rules', '/abs/rules'}, store = 'out/s.sqlite',\n"
        "  sources = {'http://x.test/feed.xml', {sitemap = 'http://y.test/s.xml', outlet = 'y', article = '^http'},\n"
        "             {listing = 'http://z.test/', links = 'a.story', article = {'/a/', '/b/'}}},\n"
        "  sinks = {'sqlite', warc = {path = 'x.warc.gz'}},\n"
        "  resolve = {'x.test:80:127.0.0.1:' .. port}, robots = false, every = '15m',\n"
        "  limits = {pages_per_outlet = 7, max_age = '2d', delay = '250ms', connections_per_host = 2,\n"
        "            connections = 8, timeout = 5, retries = 1, max_tries = 4, host_failures = 2, max_body = '1MB'},\n"
        "}\n");
    struct mw_err err = {0};
    struct mw_run_config *c = mw_run_config_load(p, &err);
    if (!c)
        fail_msg("%s", err.msg);
    assert_string_equal(c->outlets[0], "a_rule");
    assert_string_equal(c->outlets[1], "b_rule");
    assert_null(c->outlets[2]);
    char want[160];
    snprintf(want, sizeof want, "%s/rules", dir);
    assert_string_equal(c->rule_dirs[0], want);
    assert_string_equal(c->rule_dirs[1], "/abs/rules");
    snprintf(want, sizeof want, "%s/out/s.sqlite", dir);
    assert_string_equal(c->store, want);
    assert_int_equal(c->nsources, 3);
    assert_int_equal(c->sources[0].type, MW_SRC_AUTO);
    assert_int_equal(c->sources[1].type, MW_SRC_SITEMAP);
    assert_string_equal(c->sources[1].outlet, "y");
    assert_string_equal(c->sources[1].article[0], "^http");
    assert_int_equal(c->sources[2].type, MW_SRC_LISTING);
    assert_string_equal(c->sources[2].links, "a.story");
    assert_string_equal(c->sources[2].article[1], "/b/");
    assert_int_equal(c->nsinks, 2);
    assert_string_equal(c->sinks[0].name, "sqlite");
    assert_string_equal(c->sinks[1].name, "warc");
    snprintf(want, sizeof want, "{\"path\":\"%s/x.warc.gz\"}", dir);   /* relative to the config, like the store */
    assert_string_equal(c->sinks[1].config_json, want);
    assert_string_equal(c->resolve[0], "x.test:80:127.0.0.1:4321");
    assert_int_equal(c->robots, 0);
    assert_int_equal(c->every_s, 900);
    assert_int_equal(c->pages_per_outlet, 7);
    assert_int_equal(c->max_age_s, 172800);
    assert_int_equal(c->delay_ms, 250);
    assert_int_equal(c->per_host, 2);
    assert_int_equal(c->connections, 8);
    assert_int_equal(c->timeout_ms, 5000);
    assert_int_equal(c->retries, 1);
    assert_int_equal(c->max_tries, 4);
    assert_int_equal(c->host_failures, 2);
    assert_int_equal(c->max_body, 1 << 20);
    assert_string_equal(c->agent, "moonwire");
    mw_run_config_free(c);

    /* defaults */
    c = mw_run_config_load(write_cfg("min.lua", "return {outlets = {'x'}}"), &err);
    assert_non_null(c);
    assert_int_equal(c->nsinks, 1);
    assert_string_equal(c->sinks[0].name, "sqlite");
    assert_int_equal(c->delay_ms, 1000);
    assert_int_equal(c->per_host, 1);
    assert_int_equal(c->robots, 1);
    mw_run_config_free(c);
}

static const struct {
    const char *code, *want;
} BAD[] = {
    {"return {outlets = {'x'}, limts = {}}", "limts: unknown key"},
    {"return {outlets = {'x'}, limits = {delay = 'soon'}}", "limits.delay: expected a duration"},
    {"return {outlets = {'x'}, limits = {connections_per_host = 0}}", "limits.connections_per_host"},
    {"return {outlets = {'x'}, limits = {max_body = 'lots'}}", "limits.max_body"},
    {"return {outlets = {'x'}, robots = 'yes'}", "robots: expected true or false"},
    {"return {outlets = {1, 2}}", "outlets: expected strings only"},
    {"return {sources = {{outlet = 'x'}}}", "sources[1]: names no URL"},
    {"return {sources = {{feed = 'u', extra = 1}}}", "sources[1].extra: unknown key"},
    {"return {outlets = {'x'}, sinks = {3}}", "sinks: each sink is a name"},
    {"return {}", "name at least one outlet"},
    {"return 42", "must return a table"},
    {"return {", "bad.lua:1:"},
    {"os.execute('true')", "bad.lua:1:"},
};

static void test_bad_configs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        struct mw_err err = {0};
        struct mw_run_config *c = mw_run_config_load(write_cfg("bad.lua", BAD[i].code), &err);
        if (c || !strstr(err.msg, BAD[i].want))
            fail_msg("row %zu: %s", i, c ? "loaded" : err.msg);
    }
    struct mw_err err = {0};
    assert_null(mw_run_config_load("/nonexistent/run.lua", &err));
    char p[128];
    snprintf(p, sizeof p, "%s/bad.lua", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/full.lua", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/min.lua", dir);
    unlink(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_durations_and_sizes), cmocka_unit_test(test_full_config),
                                       cmocka_unit_test(test_bad_configs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
