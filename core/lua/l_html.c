/* lua/l_html.c: the html module and the document/node handles (moonwire.doc, moonwire.node).
 * A node handle keeps its document alive through its user value; node:remove() unlinks, and the
 * document's __gc frees unlinked subtrees, then the tree. Selectors compile in doc/css.c. */
#include "lua/modules.h"
#include "lua/sandbox.h"
#include "doc/css.h"
#include "doc/html.h"
#include "doc/text.h"
#include "meta/meta.h"

#include <lauxlib.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>

#define DOC_MT "moonwire.doc"
#define NODE_MT "moonwire.node"

struct ldoc {
    xmlDocPtr doc;
    xmlNodePtr *removed;   /* unlinked subtrees, freed with the document */
    size_t nremoved, cap;
};

struct lnode {
    xmlNodePtr node;
};

static struct ldoc *check_ldoc(lua_State *L, int idx)
{
    struct ldoc *d = luaL_checkudata(L, idx, DOC_MT);
    if (!d->doc)
        luaL_error(L, "document already freed");
    return d;
}

xmlDocPtr mw_lua_check_doc(lua_State *L, int idx) { return check_ldoc(L, idx)->doc; }

void mw_lua_push_doc(lua_State *L, xmlDocPtr doc)
{
    struct ldoc *d = lua_newuserdatauv(L, sizeof *d, 0);
    memset(d, 0, sizeof *d);
    d->doc = doc;
    luaL_setmetatable(L, DOC_MT);
}

void mw_lua_push_node(lua_State *L, int doc_idx, xmlNodePtr n)
{
    doc_idx = lua_absindex(L, doc_idx);
    struct lnode *h = lua_newuserdatauv(L, sizeof *h, 1);
    h->node = n;
    luaL_setmetatable(L, NODE_MT);
    lua_pushvalue(L, doc_idx);
    lua_setiuservalue(L, -2, 1);
}

static int is_doc_node(xmlNodePtr n)
{
    return n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE;
}

xmlNodePtr mw_lua_check_node(lua_State *L, int idx)
{
    struct lnode *h = luaL_checkudata(L, idx, NODE_MT);
    lua_getiuservalue(L, idx, 1);
    struct ldoc *d = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!d || !d->doc)
        luaL_error(L, "node used after its document was closed");
    xmlNodePtr top = h->node;
    while (top->parent)
        top = top->parent;
    if (!is_doc_node(top) && top != h->node)
        luaL_error(L, "node <%s> is no longer in the document: an ancestor was removed",
                   h->node->name ? (const char *)h->node->name : "?");
    return h->node;
}

/* [-0, +1, -] the document handle behind the doc-or-node at idx */
static void push_owner(lua_State *L, int idx)
{
    if (luaL_testudata(L, idx, DOC_MT))
        lua_pushvalue(L, idx);
    else
        lua_getiuservalue(L, idx, 1);
}

/* context node of a doc or node handle at idx */
static xmlNodePtr check_ctx(lua_State *L, int idx)
{
    if (luaL_testudata(L, idx, DOC_MT))
        return (xmlNodePtr)check_ldoc(L, idx)->doc;
    return mw_lua_check_node(L, idx);
}

static void push_nodeset(lua_State *L, int owner, xmlNodeSetPtr ns, int first_only)
{
    int n = ns ? ns->nodeNr : 0;
    if (first_only) {
        for (int i = 0; i < n; i++) {
            if (ns->nodeTab[i]->type == XML_ELEMENT_NODE) {
                mw_lua_push_node(L, owner, ns->nodeTab[i]);
                return;
            }
        }
        lua_pushnil(L);
        return;
    }
    lua_createtable(L, n, 0);
    int k = 0;
    for (int i = 0; i < n; i++) {
        xmlNodePtr x = ns->nodeTab[i];
        if (x->type == XML_ELEMENT_NODE) {
            mw_lua_push_node(L, owner, x);
        } else {
            char *t = mw_text_inline(x);
            lua_pushstring(L, t ? t : "");
            free(t);
        }
        lua_rawseti(L, -2, ++k);
    }
}

static int m_select_impl(lua_State *L, int first_only)
{
    xmlNodePtr ctx = check_ctx(L, 1);
    const char *sel = luaL_checkstring(L, 2);
    struct mw_err err = {0};
    xmlXPathObjectPtr r = mw_css_select(mw_lua_css(mw_lua_from(L)), ctx, sel, &err);
    if (!r)
        return luaL_error(L, "%s", err.msg);
    push_owner(L, 1);
    int owner = lua_gettop(L);
    push_nodeset(L, owner, r->nodesetval, first_only);
    xmlXPathFreeObject(r);
    return 1;
}

static int m_select(lua_State *L) { return m_select_impl(L, 0); }
static int m_first(lua_State *L) { return m_select_impl(L, 1); }

static int m_xpath(lua_State *L)
{
    xmlNodePtr ctx = check_ctx(L, 1);
    const char *expr = luaL_checkstring(L, 2);
    xmlXPathContextPtr xc = xmlXPathNewContext(ctx->doc ? ctx->doc : (xmlDocPtr)ctx);
    if (!xc)
        return luaL_error(L, "out of memory");
    xc->node = ctx;
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, xc);
    xmlXPathFreeContext(xc);
    if (!r)
        return luaL_error(L, "bad XPath expression \"%s\"", expr);
    push_owner(L, 1);
    int owner = lua_gettop(L);
    switch (r->type) {
    case XPATH_NODESET: push_nodeset(L, owner, r->nodesetval, 0); break;
    case XPATH_BOOLEAN: lua_pushboolean(L, r->boolval); break;
    case XPATH_NUMBER: lua_pushnumber(L, r->floatval); break;
    case XPATH_STRING: lua_pushstring(L, (const char *)r->stringval); break;
    default: lua_pushnil(L); break;
    }
    xmlXPathFreeObject(r);
    return 1;
}

/* ---- document methods ---- */

static int d_gc(lua_State *L)
{
    struct ldoc *d = luaL_checkudata(L, 1, DOC_MT);
    for (size_t i = 0; i < d->nremoved; i++)
        xmlFreeNode(d->removed[i]);
    free(d->removed);
    d->removed = NULL;
    d->nremoved = d->cap = 0;
    if (d->doc)
        xmlFreeDoc(d->doc);
    d->doc = NULL;
    return 0;
}

void mw_lua_close_doc(lua_State *L, int idx)
{
    if (!luaL_testudata(L, idx, DOC_MT))
        return;
    lua_pushcfunction(L, d_gc);
    lua_pushvalue(L, idx);
    lua_call(L, 1, 0);
}

static int d_tostring(lua_State *L)
{
    struct ldoc *d = luaL_checkudata(L, 1, DOC_MT);
    lua_pushfstring(L, "document(%s)", d->doc && d->doc->URL ? (const char *)d->doc->URL : "-");
    return 1;
}

static int d_url(lua_State *L)
{
    struct ldoc *d = check_ldoc(L, 1);
    if (d->doc->URL)
        lua_pushstring(L, (const char *)d->doc->URL);
    else
        lua_pushnil(L);
    return 1;
}

static int d_root(lua_State *L)
{
    struct ldoc *d = check_ldoc(L, 1);
    xmlNodePtr r = xmlDocGetRootElement(d->doc);
    if (r)
        mw_lua_push_node(L, 1, r);
    else
        lua_pushnil(L);
    return 1;
}

static int d_meta(lua_State *L)
{
    struct ldoc *d = check_ldoc(L, 1);
    struct mw_meta_opts o = {0};
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "tz");
        o.tz = lua_tostring(L, -1);
        lua_getfield(L, 2, "lang");
        o.lang = lua_tostring(L, -1);
    }
    struct mw_err err = {0};
    json_t *m = mw_meta_extract(d->doc, (const char *)d->doc->URL, &o, &err);
    if (!m)
        return luaL_error(L, "meta: %s", err.msg);
    mw_lua_push_json(L, m);
    json_decref(m);
    return 1;
}

static void dump_node(lua_State *L, xmlDocPtr doc, xmlNodePtr n)
{
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        luaL_error(L, "out of memory");
    xmlOutputBufferPtr out = xmlOutputBufferCreateBuffer(b, NULL);
    if (!out) {
        xmlBufferFree(b);
        luaL_error(L, "out of memory");
    }
    if (is_doc_node(n))
        htmlDocContentDumpFormatOutput(out, doc, "UTF-8", 0);
    else
        htmlNodeDumpFormatOutput(out, doc, n, "UTF-8", 0);
    xmlOutputBufferFlush(out);
    lua_pushlstring(L, (const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b));
    xmlOutputBufferClose(out);
    xmlBufferFree(b);
}

static int d_html(lua_State *L)
{
    struct ldoc *d = check_ldoc(L, 1);
    dump_node(L, d->doc, (xmlNodePtr)d->doc);
    return 1;
}

/* ---- node methods ---- */

static int n_text(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    const char *mode = luaL_optstring(L, 2, "blocks");
    char *t = strcmp(mode, "inline") ? mw_text_blocks(n) : mw_text_inline(n);
    if (!t)
        return luaL_error(L, "out of memory");
    lua_pushstring(L, t);
    free(t);
    return 1;
}

static int n_attr(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    if (lua_isnoneornil(L, 2)) {
        lua_newtable(L);
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            lua_pushstring(L, v ? (const char *)v : "");
            xmlFree(v);
            lua_setfield(L, -2, (const char *)a->name);
        }
        return 1;
    }
    const char *name = luaL_checkstring(L, 2);
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    if (v)
        lua_pushstring(L, (const char *)v);
    else
        lua_pushnil(L);
    xmlFree(v);
    return 1;
}

static int n_html(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    dump_node(L, n->doc, n);
    return 1;
}

static int n_tag(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    lua_pushstring(L, n->name ? (const char *)n->name : "");
    return 1;
}

static int n_remove(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    if (!n->parent || is_doc_node(n) )
        return 0;
    lua_getiuservalue(L, 1, 1);
    struct ldoc *d = check_ldoc(L, -1);
    if (d->nremoved == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        xmlNodePtr *p = realloc(d->removed, cap * sizeof *p);
        if (!p)
            return luaL_error(L, "out of memory");
        d->removed = p;
        d->cap = cap;
    }
    xmlUnlinkNode(n);
    d->removed[d->nremoved++] = n;
    return 0;
}

static int n_parent(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    if (n->parent && n->parent->type == XML_ELEMENT_NODE) {
        lua_getiuservalue(L, 1, 1);
        mw_lua_push_node(L, -1, n->parent);
    } else {
        lua_pushnil(L);
    }
    return 1;
}

static int n_closest(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    const char *sel = luaL_checkstring(L, 2);
    struct mw_err err = {0};
    xmlXPathObjectPtr r = mw_css_select(mw_lua_css(mw_lua_from(L)), (xmlNodePtr)n->doc, sel, &err);
    if (!r)
        return luaL_error(L, "%s", err.msg);
    xmlNodeSetPtr ns = r->nodesetval;
    for (xmlNodePtr a = n; a && a->type == XML_ELEMENT_NODE; a = a->parent) {
        int hit = 0;
        for (int i = 0; ns && i < ns->nodeNr && !hit; i++)
            hit = ns->nodeTab[i] == a;
        if (hit) {
            xmlXPathFreeObject(r);
            lua_getiuservalue(L, 1, 1);
            mw_lua_push_node(L, -1, a);
            return 1;
        }
    }
    xmlXPathFreeObject(r);
    lua_pushnil(L);
    return 1;
}

static int n_children(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    lua_getiuservalue(L, 1, 1);
    int owner = lua_gettop(L);
    lua_newtable(L);
    int k = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        mw_lua_push_node(L, owner, c);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

static int sibling(lua_State *L, int forward)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    xmlNodePtr s = forward ? n->next : n->prev;
    while (s && s->type != XML_ELEMENT_NODE)
        s = forward ? s->next : s->prev;
    if (!s) {
        lua_pushnil(L);
        return 1;
    }
    lua_getiuservalue(L, 1, 1);
    mw_lua_push_node(L, -1, s);
    return 1;
}

static int n_next(lua_State *L) { return sibling(L, 1); }
static int n_prev(lua_State *L) { return sibling(L, 0); }

static int n_tostring(lua_State *L)
{
    struct lnode *h = luaL_checkudata(L, 1, NODE_MT);
    xmlNodePtr n = h->node;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addchar(&b, '<');
    luaL_addstring(&b, n->name ? (const char *)n->name : "?");
    xmlChar *id = xmlGetProp(n, BAD_CAST "id");
    if (id && *id) {
        luaL_addchar(&b, '#');
        luaL_addstring(&b, (const char *)id);
    }
    xmlFree(id);
    xmlChar *cls = xmlGetProp(n, BAD_CAST "class");
    if (cls) {
        char *p = (char *)cls;
        while (*p) {
            while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
            size_t k = strcspn(p, " \t\n");
            if (k) {
                luaL_addchar(&b, '.');
                luaL_addlstring(&b, p, k);
            }
            p += k;
        }
    }
    xmlFree(cls);
    luaL_addchar(&b, '>');
    luaL_pushresult(&b);
    return 1;
}

static int n_eq(lua_State *L)
{
    struct lnode *a = luaL_testudata(L, 1, NODE_MT), *b = luaL_testudata(L, 2, NODE_MT);
    lua_pushboolean(L, a && b && a->node == b->node);
    return 1;
}

static int n_doc(lua_State *L)
{
    luaL_checkudata(L, 1, NODE_MT);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

/* ---- html module ---- */

static int h_parse(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *url = NULL, *ctype = NULL;
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "url");
        url = lua_tostring(L, -1);
        lua_getfield(L, 2, "content_type");
        ctype = lua_tostring(L, -1);
    }
    struct mw_err err = {0};
    xmlDocPtr doc = mw_html_parse_bytes(s, len, ctype, url, NULL, &err);
    if (!doc)
        return luaL_error(L, "html.parse: %s", err.msg);
    mw_lua_push_doc(L, doc);
    return 1;
}

static const luaL_Reg doc_methods[] = {
    {"select", m_select}, {"first", m_first}, {"xpath", m_xpath}, {"meta", d_meta}, {"root", d_root},
    {"url", d_url}, {"html", d_html}, {NULL, NULL}};
static const luaL_Reg doc_meta[] = {{"__gc", d_gc}, {"__close", d_gc}, {"__tostring", d_tostring}, {NULL, NULL}};
static const luaL_Reg node_methods[] = {
    {"select", m_select}, {"first", m_first}, {"xpath", m_xpath}, {"text", n_text}, {"attr", n_attr},
    {"html", n_html}, {"tag", n_tag}, {"remove", n_remove}, {"parent", n_parent}, {"closest", n_closest},
    {"children", n_children}, {"next", n_next}, {"prev", n_prev}, {"doc", n_doc}, {NULL, NULL}};
static const luaL_Reg node_meta[] = {{"__tostring", n_tostring}, {"__eq", n_eq}, {NULL, NULL}};
static const luaL_Reg html_funcs[] = {{"parse", h_parse}, {NULL, NULL}};

static void new_type(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods)
{
    luaL_newmetatable(L, name);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

void mw_lua_open_html(lua_State *L)
{
    new_type(L, DOC_MT, doc_meta, doc_methods);
    new_type(L, NODE_MT, node_meta, node_methods);
    luaL_newlib(L, html_funcs);
    lua_setglobal(L, "html");
}
