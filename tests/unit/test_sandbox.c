/* tests/unit/test_sandbox.c: hostile scripts end with a clear error naming file:line; the allow-list holds;
 * one script cannot change what another sees; the state stays usable after every failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lua/sandbox.h"

static int run(struct mw_lua *s, const char *code, const char *name, struct mw_err *err)
{
    mw_err_clear(err);
    int rc = mw_lua_load(s, code, strlen(code), name, err);
    if (!rc)
        rc = mw_lua_call(s, 0, 0, 0, err);
    return rc;
}

static const struct {
    const char *code;
    int want_rc;
    const char *want_msg;   /* substring of the error */
} HOSTILE[] = {
    {"while true do end", MW_ELIMIT, "hostile.lua:1: instruction budget"},
    {"local x = 0\nwhile true do\n  x = x + 1\nend", MW_ELIMIT, "hostile.lua:"},
    {"while true do pcall(function() while true do end end) end", MW_ELIMIT, "instruction budget"},
    {"local s = 'x' for i = 1, 40 do s = s .. s end", MW_ELIMIT, "hostile.lua:1: memory limit of 64 MB"},
    {"local t = {} for i = 1, 1e9 do t[i] = {i} end", MW_ELIMIT, "hostile.lua:1: memory limit of 16 MB"},
    {"local ok = pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)\nwhile true do end",
     MW_ELIMIT, "hostile.lua:"},
    {"local s = string.rep('x', 1e10)", MW_ELIMIT, "hostile.lua:1: memory limit of 64 MB exceeded"},
    {"io.open('/etc/passwd')", MW_ESCRIPT, "undefined global 'io'"},
    {"os.execute('true')", MW_ESCRIPT, "hostile.lua:1:"},
    {"os.exit(1)", MW_ESCRIPT, "hostile.lua:1:"},
    {"require('os')", MW_ESCRIPT, "undefined global 'require'"},
    {"dofile('/etc/passwd')", MW_ESCRIPT, "undefined global 'dofile'"},
    {"loadfile('/etc/passwd')", MW_ESCRIPT, "undefined global 'loadfile'"},
    {"debug.getinfo(1)", MW_ESCRIPT, "undefined global 'debug'"},
    {"package.loadlib('x', 'y')", MW_ESCRIPT, "undefined global 'package'"},
    {"load('\\27LuaT\\0', 'x', 'b')", MW_ESCRIPT, "only text chunks"},
    {"local f, e = load('\\27LuaT\\0') assert(f == nil and e:find('binary'), e) error('refused: ' .. e)",
     MW_ESCRIPT, "refused: "},
    {"string.dump(print)", MW_ESCRIPT, "hostile.lua:1:"},
    {"collectgarbage('stop')", MW_ESCRIPT, "not allowed"},
    {"string.upper = nil", MW_ESCRIPT, "read-only"},
    {"getmetatable('').__index = {}", MW_ESCRIPT, "hostile.lua:1:"},
    {"html.parse = nil", MW_ESCRIPT, "read-only"},
    {"error('plain failure')", MW_ESCRIPT, "hostile.lua:1: plain failure"},
};

/* Each row runs in a state of its own under its own limits, so the limit a row is about is the one that
 * trips whatever the machine's speed. A row not listed in ROW_LIMITS keeps the default memory cap (64 MB)
 * and instruction budget (100 million), and has the CPU-time budget out of the way (ROW_CPU): a row about
 * memory or instructions must not lose a race against the clock on a slow, loaded or sanitized build.
 * A row about the clock, or one that needs other caps, is listed here by its code. */
#define ROW_CPU 600.0
#define NO_INSTR_LIMIT 1000000000000000LL   /* never reached: memory must end the row */
static const struct {
    const char *code;   /* as in HOSTILE */
    size_t mem_max;     /* 0: default */
    long long instr_max;
    double cpu_max;
} ROW_LIMITS[] = {
    /* small tables in a loop: under ASan on a loaded machine 64 MB of them took longer than the 1 s CPU
     * budget, so the CPU limit fired first; a 16 MB cap and no other budget make memory end it */
    {"local t = {} for i = 1, 1e9 do t[i] = {i} end", 16u << 20, NO_INSTR_LIMIT, ROW_CPU},
};

static struct mw_lua *row_state(const char *code, struct mw_err *err)
{
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    lim.cpu_max = ROW_CPU;
    for (size_t i = 0; i < sizeof ROW_LIMITS / sizeof ROW_LIMITS[0]; i++) {
        if (strcmp(ROW_LIMITS[i].code, code))
            continue;
        if (ROW_LIMITS[i].mem_max)
            lim.mem_max = ROW_LIMITS[i].mem_max;
        if (ROW_LIMITS[i].instr_max)
            lim.instr_max = ROW_LIMITS[i].instr_max;
        if (ROW_LIMITS[i].cpu_max > 0)
            lim.cpu_max = ROW_LIMITS[i].cpu_max;
    }
    return mw_lua_new(&lim, err);
}

static void test_hostile(void **state)
{
    (void)state;
    struct mw_err err = {0};
    for (size_t i = 0; i < sizeof HOSTILE / sizeof HOSTILE[0]; i++) {
        struct mw_lua *s = row_state(HOSTILE[i].code, &err);
        assert_non_null(s);
        int rc = run(s, HOSTILE[i].code, "@hostile.lua", &err);
        if (rc != HOSTILE[i].want_rc || !strstr(err.msg, HOSTILE[i].want_msg))
            fail_msg("row %zu `%s`: want rc %d with \"%s\", got rc %d: %s", i, HOSTILE[i].code, HOSTILE[i].want_rc,
                     HOSTILE[i].want_msg, rc, err.msg);
        /* the state survives: a normal script still runs, and what the row allocated is given back */
        assert_int_equal(run(s, "local t = {} for i = 1, 1000 do t[i] = i end assert(#t == 1000)", "=ok", &err), 0);
        assert_true(mw_lua_mem(s) < (16u << 20));
        mw_lua_free(s);
    }
}

static void test_allowed(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(NULL, &err);
    assert_non_null(s);
    const char *ok =
        "assert(os.time() > 0 and os.clock() >= 0 and os.date('!%Y', 0) == '1970')\n"
        "assert(collectgarbage('count') > 0)\n"
        "assert(string.format('%d', 3) == '3' and ('x'):rep(3) == 'xxx' and ('abc'):upper() == 'ABC')\n"
        "assert(table.concat({1, 2}, ',') == '1,2' and math.floor(2.5) == 2 and utf8.char(233) == '\\u{e9}')\n"
        "local f = load('return 1 + 1') assert(f() == 2)\n"
        "local co = coroutine.wrap(function() coroutine.yield(1) end) assert(co() == 1)\n"
        "local n = 0 for k in pairs(string) do n = n + 1 end assert(n > 10)\n"
        "leaked_global = 1\n";
    assert_int_equal(run(s, ok, "@allowed.lua", &err), 0);
    /* globals of one script are not another's */
    assert_int_equal(run(s, "return leaked_global", "@other.lua", &err), MW_ESCRIPT);
    assert_non_null(strstr(err.msg, "undefined global 'leaked_global'"));
    mw_lua_free(s);
}

static void test_limits_configurable(void **state)
{
    (void)state;
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    lim.mem_max = 4u << 20;
    lim.instr_max = 100000;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(&lim, &err);
    assert_non_null(s);
    assert_int_equal(run(s, "for i = 1, 1e7 do end", "@small.lua", &err), MW_ELIMIT);
    assert_non_null(strstr(err.msg, "instruction budget of 100000"));
    mw_lua_free(s);
    lim.instr_max = 100000000;
    s = mw_lua_new(&lim, &err);
    assert_non_null(s);
    assert_int_equal(run(s, "local t = {} for i = 1, 1e6 do t[i] = tostring(i) end", "@small.lua", &err),
                     MW_ELIMIT);
    assert_non_null(strstr(err.msg, "memory limit of 4 MB"));
    mw_lua_free(s);
}

static void test_syntax_error(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(NULL, &err);
    assert_int_equal(run(s, "local x = \n  = 2", "@broken.lua", &err), MW_ESCRIPT);
    assert_non_null(strstr(err.msg, "broken.lua:2:"));
    mw_lua_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile), cmocka_unit_test(test_allowed), cmocka_unit_test(test_limits_configurable),
        cmocka_unit_test(test_syntax_error)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
