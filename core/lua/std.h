/* lua/std.h: the standard-library functions the sandbox gives scripts in place of Lua's own where those loop
 * in C without bound (patterns, string.rep, the table functions, coroutines): same behaviour, every loop
 * charged to the state's budget (lua/budget.h). Which functions a script sees is lua/sandbox.c's choice. */
#ifndef MW_STD_H
#define MW_STD_H

#include <lua.h>

/* [-0, +1, m] A new table holding, for each name, the sandbox's version of package.loaded[lib][name]:
 * ours where Lua's can loop unbounded in C, Lua's own behind a charge where its work grows with its
 * string arguments, and Lua's own unchanged where it is cheap. Missing names are left out. */
void mw_std_push(lua_State *L, const char *lib, const char *const *names);

/* string.find, string.match, string.gmatch, string.gsub (lua/pattern.c). */
int mw_std_find(lua_State *L);
int mw_std_match(lua_State *L);
int mw_std_gmatch(lua_State *L);
int mw_std_gsub(lua_State *L);

#endif
