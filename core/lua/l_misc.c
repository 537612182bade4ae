/* lua/l_misc.c: the small modules: text (folding), url (resolve/normalize), date (parse), extract
 * (the built-in extractor), http (get, when the sandbox allows the network); and opening them all. */
#include "lua/modules.h"
#include "lua/sandbox.h"
#include "doc/html.h"
#include "doc/text.h"
#include "extract/article.h"
#include "extract/generic.h"
#include "meta/date.h"
#include "net/fetch.h"
#include "net/url.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

static int push_owned(lua_State *L, char *s)
{
    if (!s) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, s);
    free(s);
    return 1;
}

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
    char *t = mw_text_fold(s, n, breaks);
    if (!t)
        return luaL_error(L, "out of memory");
    return push_owned(L, t);
}

static int u_resolve(lua_State *L)
{
    const char *base = luaL_optstring(L, 1, NULL);
    const char *ref = luaL_checkstring(L, 2);
    return push_owned(L, mw_url_resolve(base, ref));
}

static int u_normalize(lua_State *L) { return push_owned(L, mw_url_normalize(luaL_checkstring(L, 1))); }
static int u_host(lua_State *L) { return push_owned(L, mw_url_host(luaL_checkstring(L, 1))); }

static int d_parse(lua_State *L)
{
    const char *s = luaL_checkstring(L, 1);
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
    json_t *origin = json_object();
    struct mw_err err = {0};
    json_t *rec = mw_article_generic(doc, &o, origin, &err);
    if (!rec) {
        json_decref(origin);
        return luaL_error(L, "extract.generic: %s", err.msg);
    }
    json_object_set_new(rec, "origin", origin);
    mw_lua_push_json(L, rec);
    json_decref(rec);
    return 1;
}

static int h_get(lua_State *L)
{
    const char *url = luaL_checkstring(L, 1);
    struct mw_lua *s = mw_lua_from(L);
    if (!mw_lua_limits(s)->allow_http)
        return luaL_error(L, "http.get: the network is not allowed here");
    struct mw_fetch_opts o;
    mw_fetch_opts_default(&o);
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "timeout");
        if (lua_isnumber(L, -1))
            o.timeout_ms = (long)(lua_tonumber(L, -1) * 1000);
        lua_pop(L, 1);
    }
    struct mw_err err = {0};
    struct mw_fetcher *f = mw_fetcher_new(&o, &err);
    struct mw_response *r = NULL;
    if (!f || mw_fetch(f, url, &r, &err)) {
        mw_fetcher_free(f);
        luaL_pushfail(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    mw_fetcher_free(f);
    /* copy everything out before anything can raise, then free */
    xmlDocPtr doc = mw_html_parse_bytes(r->body, r->body_len, r->content_type, r->url, NULL, &err);
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, r->status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, r->url);
    lua_setfield(L, -2, "url");
    lua_pushlstring(L, r->body, r->body_len);
    lua_setfield(L, -2, "body");
    lua_pushstring(L, r->headers ? r->headers : "");
    lua_setfield(L, -2, "headers");
    if (r->content_type) {
        lua_pushstring(L, r->content_type);
        lua_setfield(L, -2, "content_type");
    }
    mw_response_free(r);
    if (doc) {
        mw_lua_push_doc(L, doc);
        lua_setfield(L, -2, "doc");
    }
    return 1;
}

static const luaL_Reg text_funcs[] = {{"clean", t_clean}, {NULL, NULL}};
static const luaL_Reg url_funcs[] = {{"resolve", u_resolve}, {"normalize", u_normalize}, {"host", u_host},
                                     {NULL, NULL}};
static const luaL_Reg date_funcs[] = {{"parse", d_parse}, {NULL, NULL}};
static const luaL_Reg extract_funcs[] = {{"generic", x_generic}, {NULL, NULL}};
static const luaL_Reg http_funcs[] = {{"get", h_get}, {NULL, NULL}};

void mw_lua_open_misc(lua_State *L)
{
    luaL_newlib(L, text_funcs);
    lua_setglobal(L, "text");
    luaL_newlib(L, url_funcs);
    lua_setglobal(L, "url");
    luaL_newlib(L, date_funcs);
    lua_setglobal(L, "date");
    luaL_newlib(L, extract_funcs);
    lua_setglobal(L, "extract");
    luaL_newlib(L, http_funcs);
    lua_setglobal(L, "http");
}

void mw_lua_open_modules(lua_State *L)
{
    mw_lua_open_html(L);
    mw_lua_open_json(L);
    mw_lua_open_misc(L);
}
