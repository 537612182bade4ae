/* lua/l_date.c: the date module: date.parse(s [, {lang, tz, format} | tz]) -> ISO 8601 (meta/date.c),
 * or nil and the reason. */
#include "lua/modules.h"
#include "lua/budget.h"
#include "meta/date.h"

#include <lauxlib.h>

static int d_parse(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    struct mw_date_opts o = {0};
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "lang");
        o.lang = lua_tostring(L, -1);
        lua_getfield(L, 2, "tz");
        o.tz = lua_tostring(L, -1);
        lua_getfield(L, 2, "format");
        o.format = lua_tostring(L, -1);
    } else if (lua_isstring(L, 2)) {
        o.tz = lua_tostring(L, 2);
    }
    mw_budget_charge(L, 16 + (long long)(len / 4));
    char out[MW_DATE_MAX];
    struct mw_err err = {0};
    if (mw_date_parse(s, &o, out, &err)) {
        luaL_pushfail(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushstring(L, out);
    return 1;
}

static const luaL_Reg date_funcs[] = {{"parse", d_parse}, {NULL, NULL}};

void mw_lua_open_date(lua_State *L)
{
    luaL_newlib(L, date_funcs);
    lua_setglobal(L, "date");
}
