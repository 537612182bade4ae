/* lua/std.c: the sandbox's versions of the standard functions that work in C loops the count hook cannot
 * see: string.rep and the table functions are ours (each loop charged before it runs, lengths read once),
 * coroutines are ours (a stopped call cannot be resumed around, nested closes are bounded for Lua 5.4.4),
 * and functions whose work grows with their string arguments run behind a charge. Patterns: lua/pattern.c. */
#include "lua/std.h"
#include "lua/budget.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define STRING_MAX ((size_t)INT_MAX)   /* longest string string.rep makes */

/* ---- Lua's own behind a charge: 1 + the bytes of the string arguments / per, + the bytes of a format
 * (the first argument) * fmt: each conversion of a format is a C call of its own ---- */

static int charged(lua_State *L)
{
    int n = lua_gettop(L);
    long long per = lua_tointeger(L, lua_upvalueindex(2)), fmt = lua_tointeger(L, lua_upvalueindex(3));
    long long cost = 1 + n / 8;
    for (int i = 1; i <= n; i++)
        if (lua_type(L, i) == LUA_TSTRING)
            cost += (long long)(lua_rawlen(L, i) / (size_t)per);
    if (fmt && lua_type(L, 1) == LUA_TSTRING)
        cost += fmt * (long long)lua_rawlen(L, 1);
    mw_budget_charge(L, cost);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

/* ---- string.rep ---- */

static int s_rep(lua_State *L)
{
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {   /* "" however many times: no loop at all */
        lua_pushliteral(L, "");
        return 1;
    }
    double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
    size_t len = total > (double)(SIZE_MAX / 2) ? SIZE_MAX / 2 : (size_t)total;
    mw_budget_reserve(L, len, "string.rep");   /* a check only: the string itself is Lua's to count */
    mw_budget_release(L, len);
    if (total > (double)STRING_MAX)
        return luaL_error(L, "resulting string too large");
    mw_budget_charge(L, 1 + (long long)(len / 32));
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, len);
    for (lua_Integer i = 0; i < n; i++) {
        if (i && lsep) {
            memcpy(p, sep, lsep);
            p += lsep;
        }
        memcpy(p, s, l);
        p += l;
    }
    luaL_pushresultsize(&b, len);
    return 1;
}

/* ---- tables: read the length once, charge the loop, then run it ---- */

#define TAB_R 1
#define TAB_W 2
#define TAB_L 4

static int has_meta(lua_State *L, const char *name)
{
    lua_pushstring(L, name);
    return lua_rawget(L, -2) != LUA_TNIL;   /* the metatable is at -2 */
}

static void check_tab(lua_State *L, int arg, int what)
{
    if (lua_type(L, arg) == LUA_TTABLE)
        return;
    int ok = lua_getmetatable(L, arg);
    if (ok && (what & TAB_R)) {
        ok = has_meta(L, "__index");
        lua_pop(L, 1);
    }
    if (ok && (what & TAB_W)) {
        ok = has_meta(L, "__newindex");
        lua_pop(L, 1);
    }
    if (ok && (what & TAB_L)) {
        ok = has_meta(L, "__len");
        lua_pop(L, 1);
    }
    if (ok) {
        lua_pop(L, 1);
        return;
    }
    luaL_checktype(L, arg, LUA_TTABLE);
}

/* elements from i to j: 0 when none; capped so the charge saturates rather than overflows */
static long long span(lua_Integer i, lua_Integer j)
{
    if (i > j)
        return 0;
    lua_Unsigned n = (lua_Unsigned)j - (lua_Unsigned)i;
    return n >= (lua_Unsigned)LLONG_MAX / 4 ? LLONG_MAX / 4 : (long long)n + 1;
}

static int t_insert(lua_State *L)
{
    check_tab(L, 1, TAB_R | TAB_W | TAB_L);
    lua_Integer e = luaL_len(L, 1) + 1;   /* first empty slot */
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2:
        pos = e;
        break;
    case 3:
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        mw_budget_charge(L, span(pos, e));
        for (lua_Integer i = e; i > pos; i--) {
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

static int t_remove(lua_State *L)
{
    check_tab(L, 1, TAB_R | TAB_W | TAB_L);
    lua_Integer size = luaL_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
    mw_budget_charge(L, 1 + span(pos, size));
    lua_geti(L, 1, pos);
    for (; pos < size; pos++) {
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

static int t_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3), t = luaL_checkinteger(L, 4);
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
    check_tab(L, 1, TAB_R);
    check_tab(L, tt, TAB_W);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        mw_budget_charge(L, span(f, e));
        if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < n; i++) {
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        } else {
            for (lua_Integer i = n - 1; i >= 0; i--) {
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

static int t_concat(lua_State *L)
{
    check_tab(L, 1, TAB_R | TAB_L);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    lua_Integer last = luaL_opt(L, luaL_checkinteger, 4, luaL_len(L, 1));
    mw_budget_charge(L, span(i, last));
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (; i <= last; i++) {
        lua_geti(L, 1, i);
        if (!lua_isstring(L, -1))
            return luaL_error(L, "invalid value (at index %I) in table for 'concat'", (LUAI_UACINT)i);
        luaL_addvalue(&b);
        if (i == last)
            break;   /* no i++ past LUA_MAXINTEGER */
        luaL_addlstring(&b, sep, lsep);
    }
    luaL_pushresult(&b);
    return 1;
}

static int t_unpack(lua_State *L)
{
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));
    if (i > e)
        return 0;
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i;
    if (n >= (unsigned)INT_MAX || !lua_checkstack(L, (int)(++n)))
        return luaL_error(L, "too many results to unpack");
    mw_budget_charge(L, (long long)n);
    for (; i < e; i++)
        lua_geti(L, 1, i);
    lua_geti(L, 1, e);
    return (int)n;
}

/* table.sort as a heapsort over t[1..n]: n log n comparisons whatever the order function does (Lua's
 * quicksort can be sent far past that by a lying __len or comparator). Not stable, like Lua's. */
struct sorter {
    lua_State *L;
    int has_cmp;
    long long steps;
};

static int sort_less(struct sorter *st, int a, int b)   /* values at stack a and b */
{
    lua_State *L = st->L;
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    if (++st->steps >= 1024) {
        mw_budget_charge(L, st->steps);
        st->steps = 0;
    }
    if (!st->has_cmp)
        return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_call(L, 2, 1);
    int r = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return r;
}

static void sift_down(struct sorter *st, lua_Integer root, lua_Integer n)
{
    lua_State *L = st->L;
    for (;;) {
        lua_Integer child = 2 * root;
        if (child > n)
            return;
        lua_geti(L, 1, child);
        if (child < n) {
            lua_geti(L, 1, child + 1);
            if (sort_less(st, -2, -1)) {   /* the right child is bigger */
                lua_remove(L, -2);
                child++;
            } else {
                lua_pop(L, 1);
            }
        }
        lua_geti(L, 1, root);
        if (!sort_less(st, -1, -2)) {      /* root >= biggest child: done */
            lua_pop(L, 2);
            return;
        }
        lua_seti(L, 1, child);             /* swap: root's value down, the child's up */
        lua_seti(L, 1, root);
        root = child;
    }
}

static int t_sort(lua_State *L)
{
    check_tab(L, 1, TAB_R | TAB_W | TAB_L);
    lua_Integer n = luaL_len(L, 1);
    if (n <= 1)
        return 0;
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    luaL_checkstack(L, 8, "table.sort");
    struct sorter st = {L, !lua_isnil(L, 2), 0};
    mw_budget_charge(L, (long long)n);
    for (lua_Integer i = n / 2; i >= 1; i--)
        sift_down(&st, i, n);
    for (lua_Integer end = n; end > 1; end--) {
        lua_geti(L, 1, 1);
        lua_geti(L, 1, end);
        lua_seti(L, 1, 1);
        lua_seti(L, 1, end);
        sift_down(&st, 1, end - 1);
    }
    mw_budget_charge(L, st.steps);
    return 0;
}

/* ---- coroutines ---- */

static lua_State *check_co(lua_State *L, int arg)
{
    lua_State *co = lua_tothread(L, arg);
    luaL_argexpected(L, co, arg, "coroutine");
    return co;
}

static int co_create(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    mw_budget_charge(L, 16);
    lua_State *co = lua_newthread(L);
    mw_budget_hook_thread(co);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    return 1;
}

/* [-0, +(n|1), -] resume co with narg values from L's top: results count, or -1 with the error on top */
static int resume(lua_State *L, lua_State *co, int narg)
{
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    mw_budget_hook_thread(co);   /* the coroutine runs under the stop its state is under now */
    lua_xmove(L, co, narg);
    int nres;
    int st = lua_resume(co, L, narg, &nres);
    if (st == LUA_OK || st == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    return -1;
}

/* Closing runs the coroutine's pending __close handlers, which may close coroutines in turn; Lua 5.4.4
 * does not count that against its C-stack limit (a known bug, fixed in 5.4.5), so we do. */
static int close_thread(lua_State *L, lua_State *co)
{
    if (!mw_budget_close_enter(L))
        return luaL_error(L, "coroutine.close: coroutines closed inside each other too deeply");
    int st = lua_resetthread(co);
    mw_budget_close_leave(L);
    return st;
}

static int co_resume(lua_State *L)
{
    lua_State *co = check_co(L, 1);
    mw_budget_check(L);   /* a stopped call resumes nothing */
    int r = resume(L, co, lua_gettop(L) - 1);
    if (r < 0) {
        if (mw_budget_stopped(L))
            return lua_error(L);   /* the stop goes on up; pcall around us meets it again next instruction */
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1;
}

static int wrap_call(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    mw_budget_check(L);
    int r = resume(L, co, lua_gettop(L));
    if (r >= 0)
        return r;
    int st = lua_status(co);
    if (st != LUA_OK && st != LUA_YIELD) {   /* it failed: close its to-be-closed variables */
        st = close_thread(L, co);
        lua_xmove(co, L, 1);
    }
    if (!mw_budget_stopped(L) && st != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static int co_wrap(lua_State *L)
{
    co_create(L);
    lua_pushcclosure(L, wrap_call, 1);
    return 1;
}

static int co_close(lua_State *L)
{
    lua_State *co = check_co(L, 1);
    lua_Debug ar;
    const char *bad = NULL;
    if (co == L)
        bad = "running";
    else if (lua_status(co) == LUA_OK && lua_getstack(co, 0, &ar))
        bad = "normal";
    if (bad)
        return luaL_error(L, "cannot close a %s coroutine", bad);
    int st = close_thread(L, co);
    if (mw_budget_stopped(L)) {
        lua_xmove(co, L, 1);
        return lua_error(L);
    }
    if (st == LUA_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_xmove(co, L, 1);
    return 2;
}

/* ---- the table of replacements ---- */

struct repl {
    const char *lib, *name;
    lua_CFunction fn;   /* ours; NULL: Lua's own behind a charge of one unit per `per` bytes */
    int per;
    int fmt;            /* and `fmt` units per byte of its first argument (a format) */
};

static const struct repl REPLS[] = {
    {"string", "find", mw_std_find, 0, 0}, {"string", "match", mw_std_match, 0, 0},
    {"string", "gmatch", mw_std_gmatch, 0, 0}, {"string", "gsub", mw_std_gsub, 0, 0}, {"string", "rep", s_rep, 0, 0},
    {"string", "byte", NULL, 1, 0}, {"string", "char", NULL, 16, 0}, {"string", "format", NULL, 16, 8},
    {"string", "len", NULL, 1 << 30, 0}, {"string", "lower", NULL, 16, 0}, {"string", "upper", NULL, 16, 0},
    {"string", "reverse", NULL, 16, 0}, {"string", "sub", NULL, 64, 0}, {"string", "pack", NULL, 16, 8},
    {"string", "packsize", NULL, 16, 8}, {"string", "unpack", NULL, 4, 8},
    {"table", "insert", t_insert, 0, 0}, {"table", "remove", t_remove, 0, 0}, {"table", "move", t_move, 0, 0},
    {"table", "concat", t_concat, 0, 0}, {"table", "unpack", t_unpack, 0, 0}, {"table", "sort", t_sort, 0, 0},
    {"table", "pack", NULL, 16, 0},
    {"utf8", "char", NULL, 16, 0}, {"utf8", "codepoint", NULL, 1, 0}, {"utf8", "len", NULL, 16, 0},
    {"utf8", "offset", NULL, 16, 0}, {"utf8", "codes", NULL, 1 << 30, 0},
    {"coroutine", "create", co_create, 0, 0}, {"coroutine", "resume", co_resume, 0, 0},
    {"coroutine", "wrap", co_wrap, 0, 0}, {"coroutine", "close", co_close, 0, 0},
    {"os", "date", NULL, 16, 16}, {"os", "time", NULL, 1 << 30, 0},
    {"_G", "tonumber", NULL, 16, 0}, {"_G", "tostring", NULL, 1 << 30, 0}, {"_G", "select", NULL, 1 << 30, 0},
};

static const struct repl *find_repl(const char *lib, const char *name)
{
    for (size_t i = 0; i < sizeof REPLS / sizeof REPLS[0]; i++)
        if (!strcmp(REPLS[i].lib, lib) && !strcmp(REPLS[i].name, name))
            return &REPLS[i];
    return NULL;
}

void mw_std_push(lua_State *L, const char *lib, const char *const *names)
{
    lua_newtable(L);
    int out = lua_gettop(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, lib);
    int real = lua_gettop(L);
    for (int i = 0; names[i]; i++) {
        const struct repl *r = find_repl(lib, names[i]);
        if (r && r->fn) {
            lua_pushcfunction(L, r->fn);
        } else if (lua_getfield(L, real, names[i]) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        } else if (r && lua_iscfunction(L, -1)) {
            lua_pushinteger(L, r->per);
            lua_pushinteger(L, r->fmt);
            lua_pushcclosure(L, charged, 3);
        }
        lua_setfield(L, out, names[i]);
    }
    lua_settop(L, out);
}
