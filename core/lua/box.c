/* lua/box.c: a userdata that owns one C pointer until told otherwise: bindings put what they malloc in a
 * box before calling anything that may raise (pushing a string can run out of memory), so the collector
 * frees it if they never get to. */
#include "lua/modules.h"

#include <lauxlib.h>

#define BOX_MT "moonwire.box"

struct box {
    void *p;
    void (*free_fn)(void *);
};

static int box_gc(lua_State *L)
{
    struct box *b = luaL_checkudata(L, 1, BOX_MT);
    if (b->p && b->free_fn)
        b->free_fn(b->p);
    b->p = NULL;
    return 0;
}

void **mw_lua_box(lua_State *L, void (*free_fn)(void *))
{
    struct box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    b->free_fn = free_fn;
    if (luaL_newmetatable(L, BOX_MT)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    return &b->p;
}

void mw_lua_box_free(lua_State *L, int idx)
{
    struct box *b = lua_touserdata(L, idx);
    if (b && b->p && b->free_fn)
        b->free_fn(b->p);
    if (b)
        b->p = NULL;
}
