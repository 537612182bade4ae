/* lua/l_text.c: the text module: text.clean(s [, {breaks = true}]) folds whitespace (doc/text.c). */
#include "lua/modules.h"
#include "lua/budget.h"
#include "doc/text.h"

#include <lauxlib.h>
#include <stdlib.h>

static int t_clean(lua_State *L)
{
    size_t n;
    const char *s = luaL_optlstring(L, 1, "", &n);
    int breaks = 0;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "breaks");
        breaks = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    mw_budget_reserve(L, n + 1, "text.clean");
    mw_budget_charge(L, 1 + (long long)(n / 16));
    char **t = (char **)mw_lua_box(L, free);
    int box = lua_gettop(L);
    *t = mw_text_fold(s, n, breaks);
    mw_budget_release(L, n + 1);
    if (!*t)
        return luaL_error(L, "out of memory");
    lua_pushstring(L, *t);
    mw_lua_box_free(L, box);
    return 1;
}

static const luaL_Reg text_funcs[] = {{"clean", t_clean}, {NULL, NULL}};

void mw_lua_open_text(lua_State *L)
{
    luaL_newlib(L, text_funcs);
    lua_setglobal(L, "text");
}
