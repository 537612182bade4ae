/* tests/unit/test_run_config.c: run/config.c — durations, sizes, a whole config file, and a table of bad
 * configs, each with its exact message and the key's position. A config that fails to load is exit status 2
 * in `moonwire run` (stage "config"); tests/integration/test_runs_config.py checks that end to end, with
 * nothing fetched. */
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
    {"0", 0}, {" 0 ", 0}, {"1w", 604800000}, {"1h30m", 5400000}, {"1m 30s", 90000}, {"2d12h", 216000000},
    {"1H30M", 5400000}, {"90sec", 90000}, {"2min", 120000}, {"0.5ms", 1},
    {"30", -1}, {"0.0", -1}, {"1h30", -1}, {"h", -1}, {"1hh", -1}, {"soon", -1}, {"-1s", -1}, {"5x", -1},
    {"", -1}, {"inf", -1}, {"nans", -1}, {"1s-1s", -1}, {"1e400s", -1},
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
    char rules[96];
    snprintf(rules, sizeof rules, "%s/rules", dir);
    mkdir(rules, 0700);   /* a rule directory must exist */
    setenv("MW_TEST_PORT", "4321", 1);
    const char *p = write_cfg("full.lua",
        "local port = getenv('MW_TEST_PORT')\n"
        "return {\n"
        "  outlets = {'a_rule', 'b_rule'}, rules = {'rules', '/tmp'}, store = 'out/s.sqlite',\n"
        "  sources = {'http://x.test/feed.xml', {sitemap = 'http://y.test/s.xml', outlet = 'y', article = '^http'},\n"
        "             {listing = 'http://z.test/', links = 'a.story', article = {'/a/', '/b/'}}},\n"
        "  sinks = {'sqlite', warc = {path = 'x.warc.gz'}},\n"
        "  resolve = {'x.test:80:127.0.0.1:' .. port}, robots = false, every = '15m',\n"
        "  limits = {pages_per_outlet = 7, max_age = '2d', delay = '250ms', connections_per_host = 2,\n"
        "            connections = 8, timeout = '5s', retries = 1, max_tries = 4, host_failures = 2, max_body = '1MB',\n"
        "            pass_time = '10m', host_time = '1h30m', backoff = 0, page_time = '2s'},\n"
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
    assert_string_equal(c->rule_dirs[1], "/tmp");
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
    assert_int_equal(c->workers, -1);   /* not given: one per core, decided by the crawl */
    assert_int_equal(c->max_body, 1 << 20);
    assert_int_equal(c->pass_time_ms, 600000);
    assert_int_equal(c->host_time_ms, 5400000);
    assert_int_equal(c->page_time_ms, 2000);
    assert_int_equal(c->backoff_ms, 0);
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
    assert_int_equal(c->pass_time_ms, 3600000);   /* the documented defaults */
    assert_int_equal(c->host_time_ms, 1800000);
    assert_int_equal(c->page_time_ms, 10000);
    assert_int_equal(c->timeout_ms, 30000);
    mw_run_config_free(c);
}

/* Each row: a config file, and the whole message after "FILE: " (or after "FILE" for Lua's own errors). */
#define SRC "{sources = {{feed = 'http://ok.test/f.xml'}, "
static const struct {
    const char *code, *want;
} BAD[] = {
    {"return {outlets = {'x'}, limts = {}}", "limts: unknown key (did you mean \"limits\"?)"},
    {"return {outlets = {'x'}, sorces = {}}", "sorces: unknown key (did you mean \"sources\"?)"},
    {"return {outlets = {'x'}, limits = {dealy = '1s'}}", "limits.dealy: unknown key (did you mean \"delay\"?)"},
    {"return {outlets = {'x'}, limits = {delay = 'soon'}}",
     "limits.delay: expected a duration such as \"250ms\", \"1s\", \"15m\", \"1h30m\" (got \"soon\")"},
    {"return {outlets = {'x'}, limits = {delay = 250}}",
     "limits.delay: 250 has no unit: write \"250ms\" or \"250s\" (units: ms, s, m, h, d, w)"},
    {"return {outlets = {'x'}, limits = {timeout = '30'}}",
     "limits.timeout: \"30\" has no unit: write \"30ms\" or \"30s\" (units: ms, s, m, h, d, w)"},
    {"return {outlets = {'x'}, limits = {timeout = 0}}", "limits.timeout: must be more than 0"},
    {"return {outlets = {'x'}, limits = {connect_timeout = '0ms'}}", "limits.connect_timeout: must be more than 0"},
    {"return {outlets = {'x'}, limits = {pass_time = '0s'}}", "limits.pass_time: must be more than 0"},
    {"return {outlets = {'x'}, limits = {host_time = true}}",
     "limits.host_time: expected a duration such as \"250ms\", \"1s\", \"15m\", \"1h30m\""},
    {"return {outlets = {'x'}, limits = {connections_per_host = 0}}",
     "limits.connections_per_host: expected a whole number from 1 to 64"},
    {"return {outlets = {'x'}, limits = {max_tries = 2.5}}", "limits.max_tries: expected a whole number from 1 to 1000"},
    {"return {outlets = {'x'}, limits = {workers = -1}}", "limits.workers: expected a whole number from 0 to 64"},
    {"return {outlets = {'x'}, limits = {workers = 'two'}}", "limits.workers: expected a whole number from 0 to 64"},
    {"return {outlets = {'x'}, limits = {max_body = 'lots'}}",
     "limits.max_body: expected a size such as \"16MB\", \"512k\" or a number of bytes"},
    {"return {outlets = {'x'}, limits = 'fast'}", "limits: expected a table such as {delay = \"1s\", timeout = \"30s\"}"},
    {"return {outlets = {'x'}, every = 15}", "every: 15 has no unit: write \"15ms\" or \"15s\" (units: ms, s, m, h, d, w)"},
    {"return {outlets = {'x'}, every = '100ms'}", "every: must be at least 1s"},
    {"return {outlets = {'x'}, robots = 'yes'}", "robots: expected true or false"},
    {"return {outlets = {1, 2}}", "outlets[1]: expected a rule name (a string)"},
    {"return {outlets = {'a', ''}}", "outlets[2]: must not be empty"},
    {"return {sources = {{outlet = 'x'}}}", "sources[1]: names no URL (feed = ..., sitemap = ..., listing = ... or url = ...)"},
    {"return {sources = {{feed = 'u', extra = 1}}}", "sources[1].extra: unknown key"},
    {"return {sources = {{feed = 'ftp://a.test/f.xml'}}}",
     "sources[1].feed: \"ftp://a.test/f.xml\": only http:// and https:// URLs are fetched (not ftp:)"},
    {"return {sources = {{feed = 'not a url'}}}",
     "sources[1].feed: \"not a url\" is not a URL (expected http://host/path or https://host/path)"},
    {"return {sources = {'http://a.test/x', 'file:///etc/passwd'}}",
     "sources[2]: \"file:///etc/passwd\": only http:// and https:// URLs are fetched (not file:)"},
    {"return {sources = {{robots = 'http://a.test:0/robots.txt'}}}",
     "sources[1].robots: \"http://a.test:0/robots.txt\" has a bad port"},
    {"return {sources = {{url = 'http://a b.test/'}}}", "sources[1].url: \"http://a b.test/\" has no valid host name"},
    {"return " SRC "'http://a.test/1', 'http://a.test/2', 'http://a.test/3', {listing = {url = 'http://a.test/', "
     "links = 'a'}}}}",
     "sources[5].listing: expected a URL string; in a run config the selector goes beside it: "
     "{listing = URL, links = CSS}"},
    {"return {sources = {{feed = 'http://a.test/f', listing = 'http://a.test/'}}}",
     "sources[1]: give one of feed, sitemap, listing, robots or url (got feed and listing)"},
    {"return {sources = {{feed = 42}}}", "sources[1].feed: expected a URL string"},
    {"return {sources = {{feed = 'http://a.test/f', outlet = 7}}}", "sources[1].outlet: expected a name (a string)"},
    {"return {sources = {{feed = 'http://a.test/f', article = '%'}}}",
     "sources[1].article: bad Lua pattern \"%\": malformed pattern (ends with '%')"},
    {"return {sources = {{feed = 'http://a.test/f', article = ''}}}",
     "sources[1].article: an empty pattern matches every URL: leave `article` out instead"},
    {"return {sources = {{listing = 'http://a.test/', links = 'div >'}}}",
     "sources[1].links: bad selector \"div >\": expected selector after '>', found end of selector at column 6"},
    {"return {sources = {{sitemap = 'http://a.test/s.xml', links = 'a'}}}",
     "sources[1].links: only a listing page has links (this source is a sitemap)"},
    {"return {sources = 'http://a.test/f'}", "sources: expected a list of sources: {{feed = URL, outlet = NAME}, ...}"},
    {"return " SRC "}, resolve = {'a.test:80'}}",
     "resolve[1]: \"a.test:80\": expected \"HOST:PORT:ADDRESS\" (as curl --resolve) or \"HOST:PORT:ADDRESS:PORT\" "
     "(as curl --connect-to)"},
    {"return " SRC "}, resolve = 'a.test:80:127.0.0.1:http'}",
     "resolve: \"a.test:80:127.0.0.1:http\": expected \"HOST:PORT:ADDRESS\" (as curl --resolve) or "
     "\"HOST:PORT:ADDRESS:PORT\" (as curl --connect-to)"},
    {"return {outlets = {'x'}, sinks = {3}}", "sinks[1]: each sink is a name or name = {options}"},
    {"return {outlets = {'x'}, store = ''}", "store: must not be empty"},
    {"return {outlets = {'x'}, store = {}}", "store: expected a file name (a string)"},
    {"return {outlets = {'x'}, agent = 'moon/1.0'}",
     "agent: \"moon/1.0\": a robots.txt product token is letters, digits, '-' and '_' only"},
    {"return {outlets = {'x'}, user_agent = 'a\\r\\nX-Evil: 1'}", "user_agent: must be one line"},
    {"return {}", "outlets: name at least one outlet (a rule name) or one entry of sources"},
    {"return 42", "the file must return a table (return { ... })"},
    {"return {", ":1: unexpected symbol near <eof>"},
    {"os.execute('true')", ":1: attempt to call a nil value (field 'execute')"},
};

static void test_bad_configs(void **state)
{
    (void)state;
    assert_true(sizeof BAD / sizeof BAD[0] >= 25);
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        struct mw_err err = {0};
        const char *path = write_cfg("bad.lua", BAD[i].code);
        struct mw_run_config *c = mw_run_config_load(path, &err);
        char want[700];
        snprintf(want, sizeof want, "%s%s%s", path, BAD[i].want[0] == ':' ? "" : ": ", BAD[i].want);
        /* the Lua errors keep the sandbox's stage; `moonwire run` exits 2 on any failed load */
        if (c || strcmp(err.msg, want) || (BAD[i].want[0] != ':' && strcmp(err.stage, "config")))
            fail_msg("row %zu: %s\n   want: %s", i, c ? "loaded" : err.msg, want);
        mw_run_config_free(c);
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
    snprintf(p, sizeof p, "%s/rules", dir);
    rmdir(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_durations_and_sizes), cmocka_unit_test(test_full_config),
                                       cmocka_unit_test(test_bad_configs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
