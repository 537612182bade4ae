/* lua/l_html.c: the html module and the document/node handles (moonwire.doc, moonwire.node).
 * A node handle keeps its document alive through its user value and is checked on every use: once the
 * document is closed (or, for the runner's page, detached at the end of the call) its nodes raise.
 * node:remove() unlinks; the document frees unlinked subtrees when it goes. Selectors compile in doc/css.c;
 * XPath and selector evaluation run under an operation limit taken from the call's budget. */
#include "lua/modules.h"
#include "lua/budget.h"
#include "doc/charset.h"
#include "doc/css.h"
#include "doc/html.h"
#include "doc/text.h"
#include "meta/meta.h"

#include <lauxlib.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdlib.h>
#include <string.h>

#define DOC_MT "moonwire.doc"
#define NODE_MT "moonwire.node"
#define XPATH_MAX_LEN 8192          /* bytes of an XPath expression */
#define XPATH_OPS_MAX 20000000UL    /* libxml2 operations one evaluation may take (about 0.4 s) */
#define XPATH_OP_UNITS 2            /* budget units per libxml2 operation */
#define CSS_OPS_MAX 12000000LL      /* matcher operations one selection may take (about 0.4 s) */
#define CSS_OP_UNITS 4              /* budget units per matcher operation (one takes 10-90 ns, 40 typical) */

static const char CSS_KEY = 'c';   /* registry: this state's selector cache */

struct ldoc {
    xmlDocPtr doc;
    int owned;             /* 0: the caller's (the runner's page), detached when the call ends */
    xmlNodePtr *removed;   /* unlinked subtrees, freed with the document */
    size_t nremoved, cap;
    size_t text_bytes;     /* cached estimates for reservations; 0 = not computed yet */
    size_t elements;
};

struct lnode {
    xmlNodePtr node;
};

struct css_box {
    struct mw_css_cache *c;
};

static struct mw_css_cache *css_of(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &CSS_KEY);
    struct css_box *b = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return b ? b->c : NULL;
}

static struct ldoc *check_ldoc(lua_State *L, int idx)
{
    struct ldoc *d = luaL_checkudata(L, idx, DOC_MT);
    if (!d->doc)
        luaL_error(L, "document already closed");
    return d;
}

xmlDocPtr mw_lua_check_doc(lua_State *L, int idx) { return check_ldoc(L, idx)->doc; }

static void push_doc(lua_State *L, xmlDocPtr doc, int owned)
{
    struct ldoc *d = lua_newuserdatauv(L, sizeof *d, 0);
    memset(d, 0, sizeof *d);
    luaL_setmetatable(L, DOC_MT);
    d->doc = doc;
    d->owned = owned;
}

void mw_lua_push_doc(lua_State *L, xmlDocPtr doc) { push_doc(L, doc, 1); }

xmlDocPtr *mw_lua_push_doc_slot(lua_State *L)
{
    push_doc(L, NULL, 1);
    return &((struct ldoc *)lua_touserdata(L, -1))->doc;
}
void mw_lua_push_doc_borrowed(lua_State *L, xmlDocPtr doc) { push_doc(L, doc, 0); }

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

/* the document behind a node handle, NULL once closed (never touches the node) */
static struct ldoc *node_doc(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 1);
    struct ldoc *d = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return d && d->doc ? d : NULL;
}

xmlNodePtr mw_lua_check_node(lua_State *L, int idx)
{
    struct lnode *h = luaL_checkudata(L, idx, NODE_MT);
    if (!node_doc(L, idx))
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

static xmlNodePtr check_ctx(lua_State *L, int idx)
{
    if (luaL_testudata(L, idx, DOC_MT))
        return (xmlNodePtr)check_ldoc(L, idx)->doc;
    return mw_lua_check_node(L, idx);
}

/* ---- sizes, for reserving the C buffers text and metadata functions make ---- */

/* Text bytes under n plus two per element (paragraph breaks), walked without recursion; charged.
 * *elements (may be NULL) gets the elements counted. */
static size_t text_estimate(lua_State *L, xmlNodePtr n, size_t *elements)
{
    size_t bytes = 64, nodes = 0, els = 0;
    xmlNodePtr top = n, c = n;
    while (c) {
        nodes++;
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            bytes += strlen((const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            bytes += 2, els++;
        if (c->children && c->type != XML_ATTRIBUTE_NODE && c->type != XML_ENTITY_REF_NODE) {
            c = c->children;
            continue;
        }
        while (c != top && !c->next)
            c = c->parent;
        c = c == top ? NULL : c->next;
    }
    mw_budget_charge(L, (long long)(nodes / 4 + bytes / 64));
    if (elements)
        *elements = els;
    return bytes;
}

static struct ldoc *estimated(lua_State *L, int idx)
{
    struct ldoc *d = check_ldoc(L, idx);
    if (!d->text_bytes)
        d->text_bytes = text_estimate(L, (xmlNodePtr)d->doc, &d->elements);
    return d;
}

size_t mw_lua_doc_text_bytes(lua_State *L, int idx) { return estimated(L, idx)->text_bytes; }

/* [-0, +0, e] Run a selector natively (doc/css_match.c) under limits from the call's budget: its
 * operations are charged, and its scratch memory (plain malloc, which the budget does not see) may take
 * half of what the cap leaves, reserved while it runs. Past a limit: the budget's stop when the budget was
 * the limit, else an error naming the selector. */
static void css_run(lua_State *L, xmlNodePtr ctx, const char *sel, xmlXPathObjectPtr *out, struct mw_err *err)
{
    struct mw_budget *b = mw_budget_of(L);
    size_t used = mw_budget_mem(b), cap = mw_budget_mem_max(b);
    long long left = mw_budget_left(L) / CSS_OP_UNITS;
    struct mw_css_limits lim = {.max_ops = (unsigned long long)(left < CSS_OPS_MAX ? left + 1 : CSS_OPS_MAX),
                                .max_bytes = cap > used ? (cap - used) / 2 : 1};
    mw_budget_reserve(L, lim.max_bytes, "selector");
    xmlXPathObjectPtr r = *out = mw_css_select_limited(css_of(L), ctx, sel, &lim, err);   /* boxed: may raise now */
    mw_budget_release(L, lim.max_bytes);
    mw_budget_charge(L, 8 + (long long)lim.ops * CSS_OP_UNITS);
    if (!r && err->code == MW_ELIMIT && lim.ops > lim.max_ops) {
        if (lim.max_ops < (unsigned long long)CSS_OPS_MAX)
            mw_budget_charge(L, mw_budget_left(L) + 1);   /* the budget was the limit: stop */
        luaL_error(L, "%s", err->msg);
    }
    if (!r && err->code == MW_ELIMIT)   /* the memory: the cap's stop, saying what needed it */
        mw_budget_out_of_memory(L, err->msg);
}

/* ---- evaluation under an operation limit ---- */

static void free_xpath_obj(void *p) { xmlXPathFreeObject(p); }
static void free_xpath_ctx(void *p) { xmlXPathFreeContext(p); }
static void silent_error(void *data, xmlErrorPtr e) { (void)data, (void)e; }

static unsigned long op_limit(lua_State *L)
{
    long long left = mw_budget_left(L) / XPATH_OP_UNITS;
    return left < (long long)XPATH_OPS_MAX ? (unsigned long)left + 1 : XPATH_OPS_MAX;
}

/* Charge ops; when they hit the limit, raise the budget stop, or say the expression costs too much. */
static void charge_ops(lua_State *L, unsigned long ops, unsigned long limit, const char *what, const char *expr)
{
    mw_budget_charge(L, (long long)ops * XPATH_OP_UNITS);
    if (ops >= limit) {
        mw_budget_charge(L, mw_budget_left(L) + 1);   /* the budget was the limit: stop */
        char msg[300];   /* lua_pushfstring knows no precision or %lu */
        snprintf(msg, sizeof msg, "%s \"%.200s\" needs more than %lu XPath operations", what, expr, limit);
        luaL_error(L, "%s", msg);
    }
}

static char *node_string(xmlNodePtr x)
{
    if (x->type == XML_NAMESPACE_DECL) {   /* an xmlNs, not an xmlNode: only href is there */
        xmlNsPtr ns = (xmlNsPtr)x;
        return strdup(ns->href ? (const char *)ns->href : "");
    }
    if (x->type == XML_ELEMENT_NODE || is_doc_node(x))
        return mw_text_inline(x);
    xmlChar *v = xmlNodeGetContent(x);
    char *s = strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static void push_nodeset(lua_State *L, int owner, xmlNodeSetPtr ns, int first_only)
{
    int n = ns ? ns->nodeNr : 0;
    mw_budget_charge(L, n);
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
    char **text = (char **)mw_lua_box(L, free);
    int tb = lua_gettop(L);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        xmlNodePtr x = ns->nodeTab[i];
        if (x->type == XML_ELEMENT_NODE) {
            mw_lua_push_node(L, owner, x);
        } else {
            *text = node_string(x);
            if (!*text)
                luaL_error(L, "out of memory");
            mw_budget_charge(L, (long long)(strlen(*text) / 16));
            lua_pushstring(L, *text);
            mw_lua_box_free(L, tb);
        }
        lua_rawseti(L, -2, i + 1);
    }
    lua_remove(L, tb);
}

static int m_select_impl(lua_State *L, int first_only)
{
    xmlNodePtr ctx = check_ctx(L, 1);
    const char *sel = luaL_checkstring(L, 2);
    mw_budget_charge(L, 8);
    push_owner(L, 1);
    int owner = lua_gettop(L);
    xmlXPathObjectPtr *r = (xmlXPathObjectPtr *)mw_lua_box(L, free_xpath_obj);
    int box = lua_gettop(L);
    struct mw_err err = {0};
    css_run(L, ctx, sel, r, &err);
    mw_budget_check(L);
    if (!*r)
        return luaL_error(L, "%s", err.msg);
    push_nodeset(L, owner, (*r)->nodesetval, first_only);
    mw_lua_box_free(L, box);
    return 1;
}

static int m_select(lua_State *L) { return m_select_impl(L, 0); }
static int m_first(lua_State *L) { return m_select_impl(L, 1); }

static int m_xpath(lua_State *L)
{
    xmlNodePtr ctx = check_ctx(L, 1);
    size_t len;
    const char *expr = luaL_checklstring(L, 2, &len);
    if (len > XPATH_MAX_LEN)
        return luaL_error(L, "XPath expression longer than %d bytes", XPATH_MAX_LEN);
    mw_budget_charge(L, 8 + (long long)len);
    xmlXPathContextPtr *xc = (xmlXPathContextPtr *)mw_lua_box(L, free_xpath_ctx);
    int cbox = lua_gettop(L);
    xmlXPathObjectPtr *r = (xmlXPathObjectPtr *)mw_lua_box(L, free_xpath_obj);
    int rbox = lua_gettop(L);
    *xc = xmlXPathNewContext(ctx->doc ? ctx->doc : (xmlDocPtr)ctx);
    mw_budget_check(L);
    if (!*xc)
        return luaL_error(L, "out of memory");
    unsigned long limit = op_limit(L);
    (*xc)->node = ctx;
    (*xc)->error = silent_error;
    (*xc)->opLimit = limit;
    *r = xmlXPathEvalExpression(BAD_CAST expr, *xc);
    unsigned long ops = (*xc)->opCount;
    mw_lua_box_free(L, cbox);
    mw_budget_check(L);
    charge_ops(L, ops, limit, "XPath expression", expr);
    if (!*r)
        return luaL_error(L, "bad XPath expression \"%s\"", expr);
    push_owner(L, 1);
    int owner = lua_gettop(L);
    switch ((*r)->type) {
    case XPATH_NODESET: push_nodeset(L, owner, (*r)->nodesetval, 0); break;
    case XPATH_BOOLEAN: lua_pushboolean(L, (*r)->boolval); break;
    case XPATH_NUMBER: lua_pushnumber(L, (*r)->floatval); break;
    case XPATH_STRING: lua_pushstring(L, (const char *)(*r)->stringval); break;
    default: lua_pushnil(L); break;
    }
    mw_lua_box_free(L, rbox);
    return 1;
}

/* ---- document methods ---- */

static void release(struct ldoc *d)
{
    for (size_t i = 0; i < d->nremoved; i++)
        xmlFreeNode(d->removed[i]);
    free(d->removed);
    d->removed = NULL;
    d->nremoved = d->cap = 0;
    if (d->doc && d->owned)
        xmlFreeDoc(d->doc);
    d->doc = NULL;
}

static int d_gc(lua_State *L)
{
    release(luaL_checkudata(L, 1, DOC_MT));
    return 0;
}

void mw_lua_close_doc(lua_State *L, int idx)
{
    struct ldoc *d = luaL_testudata(L, idx, DOC_MT);
    if (d)
        release(d);
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

static void free_json(void *p) { json_decref(p); }

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
    size_t need = 2 * mw_lua_doc_text_bytes(L, 1);
    mw_budget_reserve(L, need, "doc:meta()");
    mw_budget_charge(L, (long long)(need / 8));
    json_t **m = (json_t **)mw_lua_box(L, free_json);
    int box = lua_gettop(L);
    struct mw_err err = {0};
    *m = mw_meta_extract(d->doc, (const char *)d->doc->URL, &o, &err);
    mw_budget_release(L, need);
    mw_budget_check(L);
    if (!*m)
        return luaL_error(L, "meta: %s", err.msg);
    mw_lua_push_json(L, *m);
    mw_lua_box_free(L, box);
    return 1;
}

static void free_outbuf(void *p) { xmlOutputBufferClose(p); }
static void free_xmlbuf(void *p) { xmlBufferFree(p); }

static void dump_node(lua_State *L, xmlDocPtr doc, xmlNodePtr n)
{
    xmlBufferPtr *b = (xmlBufferPtr *)mw_lua_box(L, free_xmlbuf);
    int bbox = lua_gettop(L);
    xmlOutputBufferPtr *out = (xmlOutputBufferPtr *)mw_lua_box(L, free_outbuf);
    int obox = lua_gettop(L);
    *b = xmlBufferCreate();
    if (*b)
        *out = xmlOutputBufferCreateBuffer(*b, NULL);
    mw_budget_check(L);
    if (!*out)
        luaL_error(L, "out of memory");
    if (is_doc_node(n))
        htmlDocContentDumpFormatOutput(*out, doc, "UTF-8", 0);
    else
        htmlNodeDumpFormatOutput(*out, doc, n, "UTF-8", 0);
    xmlOutputBufferFlush(*out);
    mw_budget_check(L);   /* a buffer the cap refused to grow holds a cut page */
    mw_budget_charge(L, xmlBufferLength(*b) / 16);
    lua_pushlstring(L, (const char *)xmlBufferContent(*b), (size_t)xmlBufferLength(*b));
    mw_lua_box_free(L, obox);
    mw_lua_box_free(L, bbox);
    lua_replace(L, bbox);
    lua_pop(L, 1);
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
    size_t need = 3 * text_estimate(L, n, NULL);   /* the collected text, then its folded copy */
    mw_budget_reserve(L, need, "node:text()");
    char **t = (char **)mw_lua_box(L, free);
    int box = lua_gettop(L);
    *t = strcmp(mode, "inline") ? mw_text_blocks(n) : mw_text_inline(n);
    mw_budget_release(L, need);
    if (!*t)
        return luaL_error(L, "out of memory");
    lua_pushstring(L, *t);
    mw_lua_box_free(L, box);
    return 1;
}

static void free_xml(void *p) { xmlFree(p); }

static int n_attr(lua_State *L)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    const char *name = luaL_optstring(L, 2, NULL);
    mw_budget_charge(L, 4);
    xmlChar **v = (xmlChar **)mw_lua_box(L, free_xml);
    int box = lua_gettop(L);
    if (!name) {
        lua_newtable(L);
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            *v = xmlNodeGetContent((xmlNodePtr)a);
            mw_budget_check(L);
            lua_pushstring(L, *v ? (const char *)*v : "");
            mw_lua_box_free(L, box);
            lua_setfield(L, -2, (const char *)a->name);
        }
        return 1;
    }
    *v = xmlGetProp(n, BAD_CAST name);
    mw_budget_check(L);
    if (*v)
        lua_pushstring(L, (const char *)*v);
    else
        lua_pushnil(L);
    mw_lua_box_free(L, box);
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
    if (!n->parent || is_doc_node(n))
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
    lua_getiuservalue(L, 1, 1);
    int owner = lua_gettop(L);
    xmlXPathObjectPtr *r = (xmlXPathObjectPtr *)mw_lua_box(L, free_xpath_obj);
    int box = lua_gettop(L);
    struct mw_err err = {0};
    css_run(L, (xmlNodePtr)n->doc, sel, r, &err);
    mw_budget_check(L);
    if (!*r)
        return luaL_error(L, "%s", err.msg);
    xmlNodeSetPtr ns = (*r)->nodesetval;
    long long steps = 0;
    for (xmlNodePtr a = n; a && a->type == XML_ELEMENT_NODE; a = a->parent) {
        int hit = 0;
        for (int i = 0; ns && i < ns->nodeNr && !hit; i++)
            hit = ns->nodeTab[i] == a;
        steps += ns ? ns->nodeNr : 0;
        if (hit) {
            mw_lua_box_free(L, box);
            mw_budget_charge(L, steps / 16);
            mw_lua_push_node(L, owner, a);
            return 1;
        }
    }
    mw_lua_box_free(L, box);
    mw_budget_charge(L, steps / 16);
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
    mw_budget_charge(L, k);
    return 1;
}

static int sibling(lua_State *L, int forward)
{
    xmlNodePtr n = mw_lua_check_node(L, 1);
    xmlNodePtr s = forward ? n->next : n->prev;
    long long steps = 0;
    while (s && s->type != XML_ELEMENT_NODE) {
        s = forward ? s->next : s->prev;
        steps++;
    }
    mw_budget_charge(L, steps / 8);
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

/* <tag#id.class1.class2>, cut at 200 bytes; a node of a closed document says so, reading nothing of it */
static int n_tostring(lua_State *L)
{
    struct lnode *h = luaL_checkudata(L, 1, NODE_MT);
    if (!node_doc(L, 1)) {
        lua_pushliteral(L, "<node of a closed document>");
        return 1;
    }
    xmlNodePtr n = h->node;
    char out[256];
    int k = snprintf(out, 200, "<%s", n->name ? (const char *)n->name : "?");
    xmlChar *id = xmlGetProp(n, BAD_CAST "id");
    if (id && *id && k < 200)
        k += snprintf(out + k, (size_t)(200 - k), "#%s", (const char *)id);
    xmlFree(id);
    xmlChar *cls = xmlGetProp(n, BAD_CAST "class");
    for (const char *p = (const char *)cls; p && *p && k < 200;) {
        p += strspn(p, " \t\n\r\f");
        size_t len = strcspn(p, " \t\n\r\f");
        if (len)
            k += snprintf(out + k, (size_t)(200 - k), ".%.*s", (int)len, p);
        p += len;
    }
    xmlFree(cls);
    if (k >= 200)
        k = 199;
    snprintf(out + k, sizeof out - (size_t)k, "%s>", k >= 199 ? "…" : "");
    lua_pushstring(L, out);
    return 1;
}

static int n_eq(lua_State *L)
{
    struct lnode *a = luaL_testudata(L, 1, NODE_MT), *b = luaL_testudata(L, 2, NODE_MT);
    lua_pushboolean(L, a && b && node_doc(L, 1) && node_doc(L, 1) == node_doc(L, 2) && a->node == b->node);
    return 1;
}

static int n_doc(lua_State *L)
{
    luaL_checkudata(L, 1, NODE_MT);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

/* ---- html module ---- */

static void free_decoded(void *p)
{
    mw_decoded_free(p);
    free(p);
}

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
    /* decoding makes a copy (up to three bytes a byte from a legacy charset), then libxml2 the tree,
     * which the budget counts as it grows */
    mw_budget_charge(L, 1 + (long long)len);
    xmlDocPtr *doc = mw_lua_push_doc_slot(L);   /* first: nothing raises while the tree is ours alone */
    struct mw_decoded **dec = (struct mw_decoded **)mw_lua_box(L, free_decoded);
    int box = lua_gettop(L);
    *dec = calloc(1, sizeof **dec);
    if (!*dec)
        return luaL_error(L, "out of memory");
    size_t need = 3 * len + 64;
    mw_budget_reserve(L, need, "html.parse");
    struct mw_err err = {0};
    int rc = mw_charset_decode(s, len, ctype, *dec, &err);
    mw_budget_release(L, need);
    if (rc)
        return luaL_error(L, "html.parse: %s", err.msg);
    need = (*dec)->len + 64;
    mw_budget_reserve(L, need, "html.parse");
    *doc = mw_html_parse((*dec)->data, (*dec)->len, url, &err);
    mw_budget_release(L, need);
    mw_lua_box_free(L, box);
    lua_pop(L, 1);
    mw_budget_check(L);   /* the cap refused libxml2 memory: the tree may be cut, so drop it */
    if (!*doc)
        return luaL_error(L, "html.parse: %s", err.msg);
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

static int css_gc(lua_State *L)
{
    struct css_box *b = lua_touserdata(L, 1);
    mw_css_cache_free(b->c);
    b->c = NULL;
    return 0;
}

void mw_lua_open_html(lua_State *L)
{
    new_type(L, DOC_MT, doc_meta, doc_methods);
    new_type(L, NODE_MT, node_meta, node_methods);
    struct css_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->c = NULL;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, css_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    b->c = mw_css_cache_new(256);
    if (!b->c)
        luaL_error(L, "out of memory");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &CSS_KEY);
    luaL_newlib(L, html_funcs);
    lua_setglobal(L, "html");
}
