/* lua/l_url.c: the url module: url.resolve(base, ref), url.normalize(u), url.host(u) (net/url.c). */
#include "lua/modules.h"
#include "lua/budget.h"
#include "net/url.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* [-0, +1, e] push what f made of the arguments (nil when it made nothing), boxed while pushing */
static int push_made(lua_State *L, char *(*f2)(const char *, const char *), char *(*f1)(const char *),
                     const char *a, const char *b)
{
    size_t n = (a ? strlen(a) : 0) + (b ? strlen(b) : 0);
    size_t need = 4 * n + 64;   /* escaping a space makes three bytes of one; plus the copies */
    mw_budget_reserve(L, need, "url");
    mw_budget_charge(L, 1 + (long long)(n / 8));
    char **out = (char **)mw_lua_box(L, free);
    int box = lua_gettop(L);
    *out = f2 ? f2(a, b) : f1(a);
    mw_budget_release(L, need);
    if (*out)
        lua_pushstring(L, *out);
    else
        lua_pushnil(L);
    mw_lua_box_free(L, box);
    return 1;
}

static int u_resolve(lua_State *L)
{
    const char *base = luaL_optstring(L, 1, NULL);
    const char *ref = luaL_checkstring(L, 2);
    return push_made(L, mw_url_resolve, NULL, base, ref);
}

static int u_normalize(lua_State *L) { return push_made(L, NULL, mw_url_normalize, luaL_checkstring(L, 1), NULL); }
static int u_host(lua_State *L) { return push_made(L, NULL, mw_url_host, luaL_checkstring(L, 1), NULL); }

static const luaL_Reg url_funcs[] = {{"resolve", u_resolve}, {"normalize", u_normalize}, {"host", u_host},
                                     {NULL, NULL}};

void mw_lua_open_url(lua_State *L)
{
    luaL_newlib(L, url_funcs);
    lua_setglobal(L, "url");
}
