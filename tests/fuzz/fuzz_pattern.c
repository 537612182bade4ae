/* tests/fuzz/fuzz_pattern.c: the sandbox's pattern matcher (lua/pattern.c) against Lua 5.4's own
 * string.find/match/gmatch/gsub, on the same subject, pattern and replacement: results and errors must be
 * the same. A case our budget stops is not compared (Lua's would take as long). Input: s \0 p \0 repl \0 init. */
#include "fuzz.h"
#include "lua/sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>

static const char CASE[] =
    "local s, p, r, init = ...\n"
    "local out = {}\n"
    "local function put(ok, ...)\n"
    "  local v = table.pack(...)\n"
    "  out[#out + 1] = tostring(ok)\n"
    "  for i = 1, v.n do\n"
    "    local x = v[i]\n"
    "    if type(x) == 'string' and not ok then x = x:gsub('^bad argument.*', 'bad argument') end\n"
    "    out[#out + 1] = type(x) .. ':' .. (type(x) == 'string' and string.format('%q', x) or tostring(x))\n"
    "  end\n"
    "end\n"
    "put(pcall(string.find, s, p, init))\n"
    "put(pcall(string.find, s, p, init, true))\n"
    "put(pcall(string.match, s, p, init))\n"
    "put(pcall(string.gsub, s, p, r))\n"
    "put(pcall(string.gsub, s, p, r, 2))\n"
    "put(pcall(string.gsub, s, p, {x = 'X', a = false}))\n"
    "put(pcall(function() local t = {} for a, b in s:gmatch(p, init) do t[#t + 1] = tostring(a) .. '|' .. tostring(b) if #t > 50 then break end end return table.concat(t, ',') end))\n"
    "return table.concat(out, ' ')\n";

static void push_args(lua_State *L, const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    for (int i = 0; i < 3; i++) {
        const uint8_t *q = p;
        while (q < end && *q)
            q++;
        lua_pushlstring(L, (const char *)(p <= end ? p : end), p <= end ? (size_t)(q - p) : 0);
        p = q + 1;
    }
    lua_pushinteger(L, p < end ? (lua_Integer)(int8_t)*p : 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    static struct mw_lua *s;
    static lua_State *ref;
    if (!s) {
        struct mw_lua_limits lim;
        mw_lua_limits_default(&lim);
        lim.instr_max = 2000000;
        lim.cpu_max = 5.0;
        struct mw_err err = {0};
        s = mw_lua_new(&lim, &err);
        ref = luaL_newstate();
        luaL_openlibs(ref);
    }
    lua_State *L = mw_lua_state(s);
    struct mw_err err = {0};
    if (mw_lua_load(s, CASE, sizeof CASE - 1, "=case", &err))
        abort();
    push_args(L, data, size);
    int rc = mw_lua_call(s, 4, 1, 0, &err);
    if (rc == MW_ELIMIT) {
        lua_settop(L, 0);
        lua_gc(L, LUA_GCCOLLECT);
        return 0;
    }
    if (rc)
        abort();   /* the case catches every error itself */
    if (luaL_loadbuffer(ref, CASE, sizeof CASE - 1, "=case"))
        abort();
    push_args(ref, data, size);
    if (lua_pcall(ref, 4, 1, 0))
        abort();
    const char *mine = lua_tostring(L, -1), *theirs = lua_tostring(ref, -1);
    if (strcmp(mine, theirs)) {
        fprintf(stderr, "pattern results differ:\n  sandbox: %s\n  lua 5.4: %s\n", mine, theirs);
        abort();
    }
    lua_settop(L, 0);
    lua_settop(ref, 0);
    /* both states live across inputs: collected here, an input frees what it allocated, and libFuzzer's
     * leak check (which runs when mallocs outnumber frees) does not run after every input */
    lua_gc(L, LUA_GCCOLLECT);
    lua_gc(ref, LUA_GCCOLLECT);
    return 0;
}
