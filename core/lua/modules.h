/* lua/modules.h: what the l_*.c binding files share: opening every moonwire module into the globals,
 * and the conversions other bindings need (JSON <-> Lua, pushing nodes). Internal to core/lua. */
#ifndef MW_LUA_MODULES_H
#define MW_LUA_MODULES_H

#include <stdio.h>
#include <jansson.h>
#include <lua.h>
#include <libxml/tree.h>

struct mw_lua;
struct mw_css_cache;

/* [-0, +0, e] Open html, text, url, json, date, extract, http as globals. */
void mw_lua_open_modules(lua_State *L);
void mw_lua_open_html(lua_State *L);
void mw_lua_open_json(lua_State *L);
void mw_lua_open_misc(lua_State *L);   /* text, url, date, extract, http */

FILE *mw_lua_out(lua_State *L);
struct mw_css_cache *mw_lua_css(struct mw_lua *s);

/* [-0, +1, m] Push a JSON value as Lua (null -> nil inside arrays keeps positions with json.null). */
void mw_lua_push_json(lua_State *L, const json_t *j);
/* [-0, +0, e] Convert the Lua value at idx to a new JSON value (json_decref). Raises on cycles,
 * functions and userdata other than json.null. */
json_t *mw_lua_to_json(lua_State *L, int idx);

/* [-0, +1, m] Push a new document handle owning doc (it is freed by the handle's __gc). */
void mw_lua_push_doc(lua_State *L, xmlDocPtr doc);
/* [-0, +0, -] Free the document of the handle at idx now (nodes of it raise from then on). */
void mw_lua_close_doc(lua_State *L, int idx);
/* [-0, +0, v] The document of a document handle at idx (raises if not one). Borrowed. */
xmlDocPtr mw_lua_check_doc(lua_State *L, int idx);
/* [-0, +1, m] Push a node handle for n; the handle at doc_idx keeps its document alive. */
void mw_lua_push_node(lua_State *L, int doc_idx, xmlNodePtr n);
/* [-0, +0, v] The node of a node handle (raises if removed with an ancestor). Borrowed. */
xmlNodePtr mw_lua_check_node(lua_State *L, int idx);

#endif
