/* lua/modules.h: the moonwire Lua modules, one l_<module>.c each, and what they share: JSON <-> Lua
 * (l_json.c), document and node handles (l_html.c), and boxes for C memory held across calls that may
 * raise (box.c). Opened by lua/sandbox.c; the modules never call back into the sandbox. */
#ifndef MW_LUA_MODULES_H
#define MW_LUA_MODULES_H

#include <jansson.h>
#include <lua.h>
#include <libxml/tree.h>

/* [-0, +0, e] Each sets its global table (the sandbox then freezes it). */
void mw_lua_open_html(lua_State *L);
void mw_lua_open_json(lua_State *L);
void mw_lua_open_text(lua_State *L);
void mw_lua_open_url(lua_State *L);
void mw_lua_open_date(lua_State *L);
void mw_lua_open_extract(lua_State *L);
void mw_lua_open_http(lua_State *L, int allow_network);   /* 0: http.get raises "not allowed" */

/* [-0, +1, e] Push a JSON value as Lua (null -> nil; inside arrays json.null keeps positions). */
void mw_lua_push_json(lua_State *L, const json_t *j);
/* [-0, +0, e] Convert the Lua value at idx to a new JSON value (json_decref). Raises on cycles, functions,
 * userdata other than json.null, and when the memory budget runs out. */
json_t *mw_lua_to_json(lua_State *L, int idx);

/* [-0, +1, m] Push a new document handle owning doc (freed by the handle's __gc or __close). */
void mw_lua_push_doc(lua_State *L, xmlDocPtr doc);
/* [-0, +1, m] Push a handle for a document the caller keeps owning; mw_lua_close_doc detaches it (its
 * nodes raise from then on) and must run before the caller frees doc — lua_toclose on the slot does. */
void mw_lua_push_doc_borrowed(lua_State *L, xmlDocPtr doc);
/* [-0, +1, m] Push an owning handle with no document yet and return its slot: parse into the slot, so the
 * handle (made first) owns the tree the moment it exists. A handle left empty is an error to use. */
xmlDocPtr *mw_lua_push_doc_slot(lua_State *L);
/* [-0, +0, e] Close the document handle at idx now: free it if owned, detach it if borrowed. */
void mw_lua_close_doc(lua_State *L, int idx);
/* [-0, +0, v] The document of a document handle at idx (raises if not one, or closed). Borrowed. */
xmlDocPtr mw_lua_check_doc(lua_State *L, int idx);
/* [-0, +1, m] Push a node handle for n; the handle at doc_idx keeps its document alive. */
void mw_lua_push_node(lua_State *L, int doc_idx, xmlNodePtr n);
/* [-0, +0, v] The node of a node handle (raises if its document was closed or an ancestor removed). */
xmlNodePtr mw_lua_check_node(lua_State *L, int idx);
/* Rough bytes of text under the document of the handle at idx (cached): for reserving C buffers. */
size_t mw_lua_doc_text_bytes(lua_State *L, int idx);

/* [-0, +1, m] Push a box: a userdata holding one C pointer (NULL at first) that free_fn frees when the box
 * is collected, so a binding that raises while holding C memory leaks nothing. Returns the slot. */
void **mw_lua_box(lua_State *L, void (*free_fn)(void *));
/* [-0, +0, -] Free what the box at idx holds now (the slot is NULL afterwards). */
void mw_lua_box_free(lua_State *L, int idx);

#endif
