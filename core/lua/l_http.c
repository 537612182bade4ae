/* lua/l_http.c: the http module: http.get(url [, {timeout = s}]) -> {status, url, body, headers,
 * content_type, doc}, or nil and the reason; only where the sandbox allows the network (upvalue 1).
 * The body cap and the time-out shrink to what the call's memory and deadline leave. */
#include "lua/modules.h"
#include "lua/budget.h"
#include "doc/html.h"
#include "net/fetch.h"

#include <lauxlib.h>
#include <stdlib.h>

static void free_fetcher(void *p) { mw_fetcher_free(p); }
static void free_response(void *p) { mw_response_free(p); }

static int h_get(lua_State *L)
{
    const char *url = luaL_checkstring(L, 1);
    if (!lua_toboolean(L, lua_upvalueindex(1)))
        return luaL_error(L, "http.get: the network is not allowed here");
    struct mw_fetch_opts o;
    mw_fetch_opts_default(&o);
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "timeout");
        if (lua_isnumber(L, -1) && lua_tonumber(L, -1) > 0 && lua_tonumber(L, -1) < 3600)
            o.timeout_ms = (long)(lua_tonumber(L, -1) * 1000);
        lua_pop(L, 1);
    }
    double left = mw_budget_seconds_left(L);
    if (left * 1000 < (double)o.timeout_ms)
        o.timeout_ms = left > 0.001 ? (long)(left * 1000) : 1;
    if (o.connect_timeout_ms > o.timeout_ms)
        o.connect_timeout_ms = o.timeout_ms;
    struct mw_budget *b = mw_budget_of(L);
    size_t room = mw_budget_mem_max(b) > mw_budget_mem(b) ? mw_budget_mem_max(b) - mw_budget_mem(b) : 0;
    if (o.max_body > room / 6)   /* the body, its decoded copy, the Lua string and the tree */
        o.max_body = room / 6 + 1;
    mw_budget_charge(L, 1000);
    struct mw_fetcher **f = (struct mw_fetcher **)mw_lua_box(L, free_fetcher);
    int fbox = lua_gettop(L);
    struct mw_response **r = (struct mw_response **)mw_lua_box(L, free_response);
    int rbox = lua_gettop(L);
    struct mw_err err = {0};
    *f = mw_fetcher_new(&o, &err);
    if (!*f || mw_fetch(*f, url, r, &err)) {
        mw_lua_box_free(L, rbox);
        mw_lua_box_free(L, fbox);
        mw_budget_check(L);
        luaL_pushfail(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    mw_lua_box_free(L, fbox);
    size_t held = 4 * (*r)->body_len;
    mw_budget_reserve(L, held, "http.get");
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, (*r)->status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, (*r)->url);
    lua_setfield(L, -2, "url");
    lua_pushlstring(L, (*r)->body, (*r)->body_len);
    lua_setfield(L, -2, "body");
    lua_pushstring(L, (*r)->headers ? (*r)->headers : "");
    lua_setfield(L, -2, "headers");
    if ((*r)->content_type) {
        lua_pushstring(L, (*r)->content_type);
        lua_setfield(L, -2, "content_type");
    }
    xmlDocPtr *doc = mw_lua_push_doc_slot(L);   /* the handle first: nothing raises while the tree is ours alone */
    *doc = mw_html_parse_bytes((*r)->body, (*r)->body_len, (*r)->content_type, (*r)->url, NULL, &err);
    mw_lua_box_free(L, rbox);
    mw_budget_release(L, held);
    mw_budget_check(L);
    if (*doc)
        lua_setfield(L, -2, "doc");
    else
        lua_pop(L, 1);
    return 1;
}

void mw_lua_open_http(lua_State *L, int allow_network)
{
    lua_createtable(L, 0, 1);
    lua_pushboolean(L, allow_network);
    lua_pushcclosure(L, h_get, 1);
    lua_setfield(L, -2, "get");
    lua_setglobal(L, "http");
}
