/* run/match.c: Lua patterns over URLs through a private Lua state holding only string.find. Which URL a
 * pattern is asked about is run/crawl.c's. */
#include "run/match.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>

#define MATCH_MEM_MAX ((size_t)8 << 20)   /* a pattern over a URL needs next to nothing */

struct mw_match {
    lua_State *L;
    size_t used;
    int find_ref;
};

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct mw_match *m = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        m->used -= old;
        return NULL;
    }
    if (nsize > old && m->used + (nsize - old) > MATCH_MEM_MAX)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p)
        m->used = m->used - old + nsize;
    return p;
}

struct mw_match *mw_match_new(struct mw_err *err)
{
    struct mw_match *m = calloc(1, sizeof *m);
    if (m)
        m->L = lua_newstate(alloc, m);
    if (!m || !m->L) {
        free(m);
        mw_err_set(err, MW_ENOMEM, "match", "out of memory");
        return NULL;
    }
    luaL_requiref(m->L, LUA_STRLIBNAME, luaopen_string, 0);
    lua_getfield(m->L, -1, "find");
    m->find_ref = luaL_ref(m->L, LUA_REGISTRYINDEX);
    lua_settop(m->L, 0);
    return m;
}

void mw_match_free(struct mw_match *m)
{
    if (!m)
        return;
    lua_close(m->L);
    free(m);
}

int mw_match(struct mw_match *m, const char *pattern, const char *s, struct mw_err *err)
{
    lua_State *L = m->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->find_ref);
    lua_pushstring(L, s);
    lua_pushstring(L, pattern);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        mw_err_set(err, MW_EINVAL, "match", "pattern \"%.200s\": %s", pattern, lua_tostring(L, -1));
        lua_settop(L, 0);
        return -1;
    }
    int hit = !lua_isnil(L, -1);
    lua_settop(L, 0);
    return hit;
}
