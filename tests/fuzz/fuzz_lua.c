/* tests/fuzz/fuzz_lua.c: the Lua bindings and the sandbox's standard functions, driven by bytes: the input
 * is op codes \0 string \0 string ...; each op code calls one binding (or library function) with strings
 * of the pool, inside pcall, under small budgets, in a fresh sandbox per input. Documents are closed and
 * nodes used afterwards on purpose: every misuse must raise, never crash. */
#include "fuzz.h"
#include "lua/sandbox.h"

#include <lauxlib.h>

static const char DRIVER[] =
    "local OPS, S = ...\n"
    "local n = #S\n"
    "local function s(i) return S[i % math.max(n, 1) + 1] or '' end\n"
    "local d, v, t, co = nil, nil, {}, nil\n"
    "local function node() return (type(v) == 'userdata' and v) or (type(v) == 'table' and v[1]) end\n"
    "local ops = {\n"
    "  function(i) d = html.parse(s(i), {url = s(i + 1), content_type = s(i + 2)}) end,\n"
    "  function(i) d = html.parse(s(i)) end,\n"
    "  function(i) v = d:select(s(i)) end,\n"
    "  function(i) v = d:first(s(i)) end,\n"
    "  function(i) v = d:xpath(s(i)) end,\n"
    "  function(i) local x = node() t[#t + 1] = x:text() t[#t + 1] = x:text('inline') end,\n"
    "  function(i) local x = node() t[#t + 1] = x:attr(s(i)) x:attr() t[#t + 1] = tostring(x) end,\n"
    "  function(i) local x = node() t[#t + 1] = x:html() x:tag() v = x:parent() or x:next() or x:prev() end,\n"
    "  function(i) local x = node() v = x:closest(s(i)) or x:children() end,\n"
    "  function(i) local x = node() x:remove() end,\n"
    "  function(i) local x = node() v = x:select(s(i)) or x:xpath(s(i + 1)) end,\n"
    "  function(i) v = d:meta() end,\n"
    "  function(i) v = extract.generic(d, {tz = s(i)}) end,\n"
    "  function(i) t[#t + 1] = d:html() v = d:root() d:url() end,\n"
    "  function(i) do local x <close> = d end end,\n"
    "  function(i) v = json.decode(s(i)) end,\n"
    "  function(i) t[#t + 1] = json.encode(v) end,\n"
    "  function(i) v = json.object({[s(i)] = s(i + 1)}) t[#t + 1] = json.encode(v) end,\n"
    "  function(i) t[#t + 1] = date.parse(s(i), {tz = s(i + 1), lang = s(i + 2), format = s(i + 3)}) end,\n"
    "  function(i) t[#t + 1] = text.clean(s(i), {breaks = i % 2 == 0}) end,\n"
    "  function(i) t[#t + 1] = url.resolve(s(i), s(i + 1)) url.normalize(s(i)) url.host(s(i)) end,\n"
    "  function(i) t[#t + 1] = s(i):find(s(i + 1), i % 7 - 3) s(i):match(s(i + 1)) end,\n"
    "  function(i) t[#t + 1] = s(i):gsub(s(i + 1), s(i + 2), i % 5) end,\n"
    "  function(i) t[#t + 1] = s(i):gsub(s(i + 1), function(a) return a end) end,\n"
    "  function(i) for a, b in s(i):gmatch(s(i + 1)) do t[#t + 1] = a if #t > 200 then break end end end,\n"
    "  function(i) t[#t + 1] = s(i):rep(i % 9, s(i + 1)) .. string.format('%q', s(i)) end,\n"
    "  function(i) table.insert(t, 1, s(i)) table.sort(t, function(a, b) return tostring(a) < tostring(b) end) end,\n"
    "  function(i) t[#t + 1] = table.concat(t, s(i), 1, #t) table.move(t, 1, #t, 2) table.remove(t, 1) end,\n"
    "  function(i) table.unpack(t, 1, i % 50) end,\n"
    "  function(i) co = coroutine.wrap(function(a) coroutine.yield(a) error(s(i)) end) co(1) co() end,\n"
    "  function(i) local c = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() end}) coroutine.yield() end) coroutine.resume(c) coroutine.close(c) end,\n"
    "  function(i) local f = load(s(i)) if f then f() end end,\n"
    "  function(i) utf8.len(s(i)) for p, c in utf8.codes(s(i)) do end utf8.codepoint(s(i), 1, -1) end,\n"
    "  function(i) local x = node() d = nil collectgarbage('count') t[#t + 1] = tostring(x) end,\n"
    "}\n"
    "for i = 1, #OPS do\n"
    "  pcall(ops[OPS:byte(i) % #ops + 1], i)\n"
    "  if #t > 64 then t = {} end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    lim.mem_max = 32u << 20;
    lim.instr_max = 20000000;
    lim.cpu_max = 3.0;
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(&lim, &err);
    if (!s)
        abort();
    lua_State *L = mw_lua_state(s);
    if (mw_lua_load(s, DRIVER, sizeof DRIVER - 1, "=driver", &err))
        abort();
    const uint8_t *p = data, *end = data + size;
    char *ops = fz_field(&p, end, '\0');
    lua_pushstring(L, ops ? ops : "");
    free(ops);
    lua_newtable(L);
    for (int k = 1; p <= end && k <= 64; k++) {
        const uint8_t *q = p;
        while (q < end && *q)
            q++;
        lua_pushlstring(L, (const char *)p, (size_t)(q - p));
        lua_rawseti(L, -2, k);
        p = q + 1;
    }
    mw_lua_call(s, 2, 0, 0, &err);
    mw_lua_free(s);
    return 0;
}
