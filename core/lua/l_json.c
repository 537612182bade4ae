/* lua/l_json.c: the json module (encode/decode through jansson) and the JSON <-> Lua conversions the
 * other bindings use. json.null is a sentinel for an explicit null; an empty table encodes as [],
 * a table made by json.object() as {} (its metatable is shared by every script, so it is locked).
 * jansson's memory counts against the call's budget (lua/budget.c); what a raise would leak is boxed. */
#include "lua/modules.h"
#include "lua/budget.h"
#include "doc/charset.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBJECT_MT "moonwire.json.object"
static const char null_key = 'n';   /* address used as the json.null light userdata */

static void push_null(lua_State *L) { lua_pushlightuserdata(L, (void *)&null_key); }

void mw_lua_push_json(lua_State *L, const json_t *j)
{
    luaL_checkstack(L, 4, "JSON too deep");
    mw_budget_charge(L, 1);
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *v;
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach((json_t *)j, k, v) {
            if (json_is_null(v))
                continue;
            mw_lua_push_json(L, v);
            lua_setfield(L, -2, k);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach((json_t *)j, i, v) {
            if (json_is_null(v))
                push_null(L);
            else
                mw_lua_push_json(L, v);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING: lua_pushlstring(L, json_string_value(j), json_string_length(j)); break;
    case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(j)); break;
    case JSON_REAL: lua_pushnumber(L, json_real_value(j)); break;
    case JSON_TRUE: lua_pushboolean(L, 1); break;
    case JSON_FALSE: lua_pushboolean(L, 0); break;
    default: lua_pushnil(L); break;
    }
}

static int is_object_table(lua_State *L, int idx)
{
    int is_object = 0;
    if (lua_getmetatable(L, idx)) {
        luaL_getmetatable(L, OBJECT_MT);
        is_object = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    return is_object;
}

/* First pass: raise on anything that cannot be encoded, before any JSON memory is held. */
static void validate(lua_State *L, int idx, int depth)
{
    idx = lua_absindex(L, idx);
    if (depth > 100)
        luaL_error(L, "json.encode: table nested too deep (a cycle?)");
    switch (lua_type(L, idx)) {
    case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        mw_budget_charge(L, (long long)(n / 64));
        if (!mw_utf8_valid(s, n))
            luaL_error(L, "json.encode: string is not valid UTF-8");
        return;
    }
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == &null_key)
            return;
        break;
    case LUA_TTABLE:
        luaL_checkstack(L, 4, "json.encode: too deep");
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            int kt = lua_type(L, -2);
            if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
                luaL_error(L, "json.encode: table key of type %s", luaL_typename(L, -2));
            if (kt == LUA_TSTRING) {
                size_t n;
                const char *k = lua_tolstring(L, -2, &n);
                if (!mw_utf8_valid(k, n))
                    luaL_error(L, "json.encode: key is not valid UTF-8");
            }
            validate(L, -1, depth + 1);
            lua_pop(L, 1);
            mw_budget_charge(L, 1);
        }
        return;
    default: break;
    }
    luaL_error(L, "json.encode: cannot encode a %s", luaL_typename(L, idx));
}

static int cmp_key(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* o with its keys in sorted order: Lua's table order changes from run to run (its string hashes are
 * seeded), and the same page must give the same bytes. o itself when memory is short. */
static json_t *sorted(json_t *o)
{
    size_t n = json_object_size(o), i = 0;
    if (n < 2)
        return o;
    const char **keys = malloc(n * sizeof *keys);
    json_t *out = keys ? json_object() : NULL;
    if (!out) {
        free(keys);
        return o;
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) keys[i++] = k;
    qsort(keys, n, sizeof *keys, cmp_key);
    for (i = 0; i < n; i++)
        json_object_set(out, keys[i], json_object_get(o, keys[i]));
    free(keys);
    json_decref(o);
    return out;
}

/* Second pass: build; raises nothing (validate ran, UTF-8 included). A part jansson could not allocate (the
 * budget's cap) is left out, and once the call is stopped the rest too: the caller checks the budget. */
static int at_cap(lua_State *L) { return mw_budget_mem_tripped(mw_budget_of(L)); }

static json_t *build(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN: return json_boolean(lua_toboolean(L, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return json_integer((json_int_t)lua_tointeger(L, idx));
        if (!isfinite(lua_tonumber(L, idx)))
            return json_null();
        return json_real(lua_tonumber(L, idx));
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return json_stringn_nocheck(s, n);
    }
    case LUA_TTABLE: {
        lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            count++;
            lua_pop(L, 1);
        }
        if (!is_object_table(L, idx) && count == n) {
            json_t *a = json_array();
            for (lua_Integer i = 1; i <= n && !at_cap(L); i++) {
                lua_rawgeti(L, idx, i);
                json_array_append_new(a, build(L, -1));
                lua_pop(L, 1);
            }
            return a;
        }
        json_t *o = json_object();
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            if (at_cap(L)) {
                lua_pop(L, 2);
                break;
            }
            char key[64];
            const char *k;
            if (lua_type(L, -2) == LUA_TSTRING) {
                k = lua_tostring(L, -2);
            } else {
                if (lua_isinteger(L, -2))
                    snprintf(key, sizeof key, "%lld", (long long)lua_tointeger(L, -2));
                else
                    snprintf(key, sizeof key, "%.14g", lua_tonumber(L, -2));
                k = key;
            }
            json_object_set_new(o, k, build(L, -1));
            lua_pop(L, 1);
        }
        return sorted(o);
    }
    default: return json_null();
    }
}

json_t *mw_lua_to_json(lua_State *L, int idx)
{
    validate(L, idx, 0);
    json_t *j = build(L, idx);
    if (!j || mw_budget_stopped(L)) {
        json_decref(j);
        mw_budget_check(L);
        luaL_error(L, "json.encode: out of memory");
    }
    return j;
}

static void free_json(void *p) { json_decref(p); }

static int j_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    size_t flags = JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_COMPACT;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "indent");
        if (lua_toboolean(L, -1))
            flags = JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_INDENT(2);
        lua_pop(L, 1);
    }
    char **out = (char **)mw_lua_box(L, free);
    int box = lua_gettop(L);
    json_t *j = mw_lua_to_json(L, 1);
    *out = json_dumps(j, flags);
    json_decref(j);
    mw_budget_check(L);
    if (!*out)
        return luaL_error(L, "json.encode: out of memory");
    mw_budget_charge(L, (long long)(strlen(*out) / 32));
    lua_pushstring(L, *out);
    mw_lua_box_free(L, box);
    return 1;
}

static int j_decode(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    json_error_t e;
    mw_budget_charge(L, 1 + (long long)(n / 8));
    json_t **j = (json_t **)mw_lua_box(L, free_json);
    int box = lua_gettop(L);
    *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    mw_budget_check(L);   /* jansson refused at the cap: the stop, not a parse error */
    if (!*j) {
        luaL_pushfail(L);
        lua_pushfstring(L, "json.decode: %s at line %d column %d", e.text, e.line, e.column);
        return 2;
    }
    mw_lua_push_json(L, *j);
    mw_lua_box_free(L, box);
    return 1;
}

static int j_object(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        lua_newtable(L);
    else
        luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    /* the C API sets any metatable, even a locked one: only bare tables (or objects already) */
    if (lua_getmetatable(L, 1)) {
        luaL_getmetatable(L, OBJECT_MT);
        if (!lua_rawequal(L, -1, -2))
            return luaL_error(L, "json.object: the table already has a metatable");
        lua_pop(L, 2);
    }
    luaL_setmetatable(L, OBJECT_MT);
    return 1;
}

static const luaL_Reg json_funcs[] = {{"encode", j_encode}, {"decode", j_decode}, {"object", j_object}, {NULL, NULL}};

void mw_lua_open_json(lua_State *L)
{
    luaL_newmetatable(L, OBJECT_MT);
    lua_pushliteral(L, "json.object");   /* getmetatable(obj) says what it is and nothing more */
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newlib(L, json_funcs);
    push_null(L);
    lua_setfield(L, -2, "null");
    lua_setglobal(L, "json");
}
