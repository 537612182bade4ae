/* tests/unit/test_sandbox.c: hostile scripts end with a clear error naming file:line; the allow-list holds;
 * one script cannot change what another sees; the state stays usable after every failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "doc/html.h"
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

/* A stop found by the charge after a selection ran (here a deadline already past, read at the first clock
 * check, which comes with the selection's charge of a few million units): the result the selection made
 * must be freed (LeakSanitizer, on the sanitized build, saw it lost). */
static void test_stop_after_a_selection(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(NULL, &err);
    assert_non_null(s);
    static const char *const code[] = {"local d = html.parse(string.rep('<p>', 100000))\nreturn #d:select('p')",
                                       "local d = html.parse(string.rep('<p>', 100000))\nreturn d:first('p')",
                                       "local d = html.parse(string.rep('<p>', 100000)) local p = d:xpath('(//p)[1]')[1]\n"
                                       "return p:closest('body')"};
    for (size_t i = 0; i < sizeof code / sizeof *code; i++) {
        mw_lua_set_deadline(s, mw_lua_now() - 1, "test deadline");
        assert_int_equal(run(s, code[i], "@after.lua", &err), MW_ELIMIT);
        if (!strstr(err.msg, "after.lua:2:") || !strstr(err.msg, "test deadline exceeded"))
            fail_msg("row %zu: %s", i, err.msg);
    }
    mw_lua_set_deadline(s, 0, NULL);
    assert_int_equal(run(s, "assert(#html.parse('<p>a</p><p>b</p>'):select('p') == 2)", "@then.lua", &err), 0);
    mw_lua_free(s);
}

/* A page's tree parsed outside any call is made of plain blocks (no budget header: 16-byte aligned); a tree a
 * script parses is counted (its blocks 8 past the boundary, the header before them) and stops at the cap; both
 * kinds are freed and grown by the same hooks, before and after the call. */
static void test_tree_blocks_plain_outside_calls(void **state)
{
    (void)state;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(NULL, &err);
    assert_non_null(s);
    const char *page = "<html><body><p>One <b>two</b> three.</p><p>Four.</p></body></html>";
    htmlDocPtr d = mw_html_parse(page, strlen(page), "https://news.example/a", &err);
    assert_non_null(d);
    for (xmlNodePtr n = xmlDocGetRootElement(d); n; n = n->children) {
        assert_int_equal((uintptr_t)n & 15, 0);
        if (n->type == XML_TEXT_NODE && n->content && n->content != (xmlChar *)&n->properties)
            assert_int_equal((uintptr_t)n->content & 15, 0);
    }
    xmlNodeAddContent(xmlDocGetRootElement(d)->children, BAD_CAST " grown outside");
    assert_int_equal(run(s, "local d = html.parse(string.rep('<p>word</p>', 2000)) return #d:select('p')", "@in.lua",
                         &err), 0);
    xmlFreeDoc(d);
    mw_lua_free(s);
}

/* ---- issue 13: what broke against the old sandbox, one row each, each in a child process of its own with
 * its own state and limits (a crash or a hang of the old code ends the child, not the suite) ---- */

#define BIG_PARSE "local s = '<p>' .. string.rep('word ', 2000000) .. '</p>' local keep = {}\n" \
                  "for i = 1, 4 do keep[i] = html.parse(s) end"
#define CLOSE_NEST                                                                                                  \
    "local coro = false\nfor i = 1, 20000 do local previous = coro\n"                                               \
    "coro = coroutine.create(function() local cc <close> = setmetatable({}, {__close = function()\n"                 \
    "if previous then assert(coroutine.close(previous)) end end}) coroutine.yield() end)\n"                          \
    "assert(coroutine.resume(coro)) end\nassert(coroutine.close(coro))"

static const struct found {
    const char *what, *code;      /* code runs first in the state ... */
    long long instr;              /* its instruction budget (memory: the default 64 MB) */
    int want_rc;
    const char *want_msg;         /* substring of the error ("" when want_rc is 0) */
    const char *then;             /* ... then this, which must succeed: nothing changed for the next script */
} FOUND[] = {
    {"rawset on a shared library", "rawset(string, 'format', function() return 'TAMPERED' end)", 1000000, MW_ESCRIPT,
     "found.lua:1: rawset: the table is read-only", "assert(string.format('%d', 1) == '1' and ('%d'):format(2) == '2')"},
    {"pairs() hands out the module table", "local _, t = pairs(html) t.parse = nil", 1000000, MW_ESCRIPT, "read-only",
     "assert(html.parse('<p>x</p>'):first('p'):text() == 'x')"},
    {"the string metatable looks methods up in the real string table (pairs handed it out)",
     "local _, real = pairs(string) rawset(real, 'format', function() return 'TAMPERED' end)\n"
     "getmetatable('').__index = {format = print}", 1000000, MW_ESCRIPT, "found.lua:1:",
     "assert(('%d'):format(3) == '3' and string.format('%d', 4) == '4')"},
    {"json.object's shared metatable",
     "local mt = getmetatable(json.object()) mt.__newindex = function(t, k) rawset(t, k, 'TAMPERED') end", 1000000,
     MW_ESCRIPT, "found.lua:1: attempt to index a string value",
     "local o = json.object() o.title = 'x' assert(o.title == 'x' and json.encode(o) == '{\"title\":\"x\"}')"},
    {"json.object on a locked table", "assert(not pcall(json.object, string)) string.x = 1", 1000000, MW_ESCRIPT,
     "read-only", "assert(getmetatable(string) == 'read-only' and string.x == nil)"},
    {"the stop tripped in a coroutine, swallowed by pcall in the main thread",
     "local co = coroutine.wrap(function() while true do end end) pcall(co)\n"
     "while true do pcall(function() while true do end end) end", 1000000, MW_ELIMIT, "instruction budget", NULL},
    {"coroutine.wrap inside pcall inside coroutines",
     "local function deep(n) if n == 0 then while true do end end\n"
     "local co = coroutine.wrap(function() return pcall(deep, n - 1) end) while true do pcall(co) end end deep(6)",
     1000000, MW_ELIMIT, "instruction budget", NULL},
    {"a finalizer that never returns", "setmetatable({}, {__gc = function() while true do end end})", 1000000,
     MW_ESCRIPT, "found.lua:1: setmetatable: __gc", NULL},
    {"table.move of 2^63 elements", "table.move({}, 1, math.maxinteger - 1, 1)", 1000000, MW_ELIMIT,
     "found.lua:1: instruction budget", NULL},
    {"string.rep of '' 2^63 times", "assert(string.rep('', math.maxinteger) == '' and ('x'):rep(0) == '')", 1000000,
     0, "", NULL},
    {"a backtracking pattern in string.find", "local s = string.rep('a', 30000) return s:find('.-.-.-b')", 10000000,
     MW_ELIMIT, "found.lua:1:", NULL},
    {"20,000 nested coroutine.close (Lua 5.4.4 C stack)", CLOSE_NEST, 100000000, MW_ESCRIPT, "found.lua:6: found.lua:4:",
     "assert(coroutine.close(coroutine.create(print)))"},
    {"libxml2 memory outside the cap", BIG_PARSE, 100000000, MW_ELIMIT, "found.lua:2: memory limit of 64 MB", NULL},
    {"json.decode at the cap leaks",
     "local parts = {} for i = 1, 200000 do parts[i] = '{\"a\":[1,2,\"xxxxxxxxxxxx\"]}' end\n"
     "local s = '[' .. table.concat(parts, ',') .. ']' local keep = {}\n"
     "for i = 1, 20 do local ok, v = pcall(json.decode, s) keep[i] = v end", 100000000, MW_ELIMIT, "memory limit", NULL},
    {"json.encode of a big value outside the cap (jansson's memory was not counted)",
     "local s = string.rep('x', 1 << 20) local t = {} for i = 1, 40 do t[i] = s end\nreturn json.encode(t)", 100000000,
     MW_ELIMIT, "found.lua:2: memory limit of 64 MB", NULL},
    {"doc:select at the cap leaks (and libxml2's node sets were not counted)",
     "local d = html.parse(string.rep('<p>x</p>', 100000))\n"
     "for r = 1, 30 do pcall(function() local keep = {} for i = 1, 1e6 do keep[i] = d:select('p') end end) end",
     100000000, MW_ELIMIT, "memory limit", NULL},
    {"a cubic XPath expression", "local d = html.parse(string.rep('<p>x</p>', 3000))\n"
     "return d:xpath('count(//p[count(//p[count(//p) > 0]) > 0])')", 10000000, MW_ELIMIT, "found.lua:2:", NULL},
    {"nested :has() (linear in the native matcher now: this ends inside a small budget)",
     "local d = html.parse(string.rep('<div><p>x</p></div>', 2000))\n"
     "assert(#d:select('div:has(:has(:has(:has(p))))') == 0 and #d:select('div:has(p)') == 2000)", 1000000, 0, "",
     NULL},
    /* the matcher's work was charged by the page's size alone: 200 selections of 31 :has() each fitted in 10
     * million instructions; charged as done, the first one takes more */
    {"31 :has() in one selector, 200 times",
     "local d = html.parse(string.rep('<div><p>x</p></div>', 20000)) local sel = 'div:has(' .. string.rep(':has(p),', 30) .. 'p)'\n"
     "for i = 1, 200 do d:select(sel) end error('200 selections fitted')", 10000000, MW_ELIMIT, "found.lua:2:", NULL},
    {"*-of-type on 100,000 siblings (a walk along the siblings per element: 150 s)",
     "local d = html.parse('<div>' .. string.rep('<p>x</p><i>y</i>', 50000) .. '</div>')\n"
     "assert(#d:select('p:nth-of-type(2n)') == 25000 and #d:select('i:nth-last-of-type(1)') == 1)", 100000000, 0, "",
     NULL},
    {":contains() over 250 levels of a megabyte of text, 20 times (each selection reads 250 MB)",
     "local d = html.parse(string.rep('<div>', 250) .. string.rep('x', 1 << 20))\n"
     "for i = 1, 20 do d:select(\"div:contains('y')\") end error('20 selections fitted')", 10000000, MW_ELIMIT,
     "found.lua:2:", NULL},
    {"the namespace axis", "local r = html.parse('<p>x</p>'):xpath('//p/namespace::*')\n"
     "assert(#r == 1 and r[1] == 'http://www.w3.org/XML/1998/namespace', tostring(r[1]))", 1000000, 0, "", NULL},
    {"a node of a closed document", "local n do local d <close> = html.parse('<p id=a>x</p>') n = d:first('p') end\n"
     "assert(tostring(n) == '<node of a closed document>') return n:text()", 1000000, MW_ESCRIPT,
     "found.lua:2: node used after its document was closed", NULL},
    {"xpcall whose handler overflows", "local function loop() assert(pcall(loop)) end\n"
     "local ok, e = xpcall(loop, loop) assert(not ok) error('ended')", 100000000, MW_ESCRIPT, "ended", NULL},
};

/* kB of a "VmRSS:"-style line of /proc/self/status, -1 when it cannot be read */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)))
            kb = atol(line + strlen(key));
    if (f)
        fclose(f);
    return kb;
}

/* In a fresh process (this binary run again with --found N): run the row, exit 0 when it behaved
 * (LeakSanitizer, when there, turns a leak into a non-zero exit of its own). The peak RSS over the RSS at
 * the start must stay under the 64 MB cap + 16 MB. */
static void run_found(const struct found *f)
{
    alarm(120);   /* a hang of the old code ends the child: only a guard, never a time assertion */
    long start_kb = status_kb("VmRSS:");
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    lim.instr_max = f->instr;
    lim.cpu_max = 30;   /* the instruction budget is this row's limit, whatever the machine's load */
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(&lim, &err);
    int rc = s ? run(s, f->code, "@found.lua", &err) : -1;
    int ok = rc == f->want_rc && strstr(err.msg, f->want_msg);
    if (!ok)
        fprintf(stderr, "%s: want rc %d with \"%s\", got rc %d: %s\n", f->what, f->want_rc, f->want_msg, rc, err.msg);
    if (ok && f->then && run(s, f->then, "@then.lua", &err)) {
        fprintf(stderr, "%s: the next script saw a change: %s\n", f->what, err.msg);
        ok = 0;
    }
    long peak_kb = status_kb("VmHWM:");
    mw_lua_free(s);
#ifndef __SANITIZE_ADDRESS__   /* shadow memory inflates RSS under ASan: the bound is the plain build's */
    if (ok && start_kb > 0 && peak_kb - start_kb > (64 + 16) * 1024) {
        fprintf(stderr, "%s: peak RSS %ld KB over the start, over the 64 MB cap + 16 MB\n", f->what, peak_kb - start_kb);
        ok = 0;
    }
#else
    (void)peak_kb;
    (void)start_kb;
#endif
    exit(ok ? 0 : 1);
}

static void test_issue13_found(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof FOUND / sizeof FOUND[0]; i++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char row[16];
            snprintf(row, sizeof row, "%zu", i);
            execl("/proc/self/exe", "test_sandbox", "--found", row, (char *)NULL);
            _exit(127);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        if (WIFSIGNALED(st))
            fail_msg("row %zu (%s): the child died of signal %d", i, FOUND[i].what, WTERMSIG(st));
        if (WEXITSTATUS(st))
            fail_msg("row %zu (%s): exit status %d (see above)", i, FOUND[i].what, WEXITSTATUS(st));
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--found") && (size_t)atoi(argv[2]) < sizeof FOUND / sizeof FOUND[0])
        run_found(&FOUND[atoi(argv[2])]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile), cmocka_unit_test(test_allowed), cmocka_unit_test(test_limits_configurable),
        cmocka_unit_test(test_syntax_error), cmocka_unit_test(test_stop_after_a_selection),
        cmocka_unit_test(test_tree_blocks_plain_outside_calls),
        cmocka_unit_test(test_issue13_found)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
