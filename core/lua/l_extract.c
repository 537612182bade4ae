/* lua/l_extract.c: the extract module: extract.generic(doc [, {tz, lang}]), the built-in extractor
 * (extract/article.c) as a table shaped like the article record, with "origin". */
#include "lua/modules.h"
#include "lua/budget.h"
#include "extract/article.h"

#include <lauxlib.h>

static void free_json(void *p) { json_decref(p); }

static int x_generic(lua_State *L)
{
    xmlDocPtr doc = mw_lua_check_doc(L, 1);
    struct mw_article_opts o = {0};
    o.url = doc->URL ? (const char *)doc->URL : NULL;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "tz");
        o.tz = lua_tostring(L, -1);
        lua_getfield(L, 2, "lang");
        o.lang = lua_tostring(L, -1);
    }
    /* the extractor's own C buffers (text of candidates) grow with the page: reserve for them */
    size_t need = 3 * mw_lua_doc_text_bytes(L, 1);
    mw_budget_reserve(L, need, "extract.generic");
    mw_budget_charge(L, (long long)(need / 4));
    json_t **rec = (json_t **)mw_lua_box(L, free_json);
    int box = lua_gettop(L);
    json_t *origin = json_object();
    struct mw_err err = {0};
    *rec = origin ? mw_article_generic(doc, &o, origin, &err) : NULL;
    if (*rec)
        json_object_set_new(*rec, "origin", origin);
    else
        json_decref(origin);
    mw_budget_release(L, need);
    mw_budget_check(L);
    if (!*rec)
        return luaL_error(L, "extract.generic: %s", err.msg[0] ? err.msg : "out of memory");
    mw_lua_push_json(L, *rec);
    mw_lua_box_free(L, box);
    return 1;
}

static const luaL_Reg extract_funcs[] = {{"generic", x_generic}, {NULL, NULL}};

void mw_lua_open_extract(lua_State *L)
{
    luaL_newlib(L, extract_funcs);
    lua_setglobal(L, "extract");
}
