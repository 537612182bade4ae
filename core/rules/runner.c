/* rules/runner.c: the per-page pipeline and the rule registry: loads scripts/lib/rule.lua and every
 * rule file, picks a rule by URL, runs it in the sandbox, and merges its fields with the built-in
 * fallbacks (extract/article.c). A broken rule costs its own pages a warning, never the run. */
#include "rules/runner.h"
#include "common/dir.h"
#include "doc/html.h"
#include "extract/article.h"
#include "lua/modules.h"
#include "net/url.h"

#include <lauxlib.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rule_ent {
    char *name;
    char *file;
    char **domains;
    size_t ndomains;
    int ref;                  /* the rule table in the Lua registry; LUA_NOREF for a broken file */
    char *broken;             /* why the file did not load: its pages get the generic result and this */
};

struct mw_runner {
    struct mw_runner_opts o;
    char *forced;
    struct mw_lua *lua;
    json_t *load_errors;
    struct rule_ent *rules;
    size_t nrules;
    int apply_ref;
    size_t *names;            /* hash set of rule names: index + 1 into rules (0 = empty), first of a name */
    size_t nnames;            /* slots, a power of two */
};

/* ---- the names' hash set: a duplicate check per rule, not a scan of every rule before it ---- */

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603ULL & SIZE_MAX;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Index of the first rule called name, or -1. */
static long name_find(const struct mw_runner *r, const char *name)
{
    for (size_t k = r->nnames ? name_hash(name) & (r->nnames - 1) : 0; r->nnames && r->names[k];
         k = (k + 1) & (r->nnames - 1))
        if (!strcmp(r->rules[r->names[k] - 1].name, name))
            return (long)r->names[k] - 1;
    return -1;
}

/* Remember rules[i] under its name unless a rule already has it (the first one is the one found). */
static void name_add(struct mw_runner *r, size_t i)
{
    if (name_find(r, r->rules[i].name) >= 0)
        return;
    if ((r->nrules + 1) * 2 > r->nnames) {
        size_t n = r->nnames ? r->nnames * 2 : 64;
        size_t *t = calloc(n, sizeof *t);
        if (!t)
            return;
        for (size_t k = 0; k < r->nnames; k++) {
            if (!r->names[k])
                continue;
            size_t j = name_hash(r->rules[r->names[k] - 1].name) & (n - 1);
            while (t[j])
                j = (j + 1) & (n - 1);
            t[j] = r->names[k];
        }
        free(r->names);
        r->names = t;
        r->nnames = n;
    }
    size_t j = name_hash(r->rules[i].name) & (r->nnames - 1);
    while (r->names[j])
        j = (j + 1) & (r->nnames - 1);
    r->names[j] = i + 1;
}

void mw_runner_opts_default(struct mw_runner_opts *o)
{
    memset(o, 0, sizeof *o);
    mw_lua_limits_default(&o->limits);
}

static void rule_ent_clear(struct rule_ent *e)
{
    free(e->broken);
    free(e->name);
    free(e->file);
    for (size_t i = 0; i < e->ndomains; i++)
        free(e->domains[i]);
    free(e->domains);
    memset(e, 0, sizeof *e);
}

/* [-1, +0, -] register the rule table on top of the stack as loaded from file */
static void add_rule(struct mw_runner *r, const char *file)
{
    lua_State *L = mw_lua_state(r->lua);
    lua_pushstring(L, file);
    lua_setfield(L, -2, "_file");
    lua_getfield(L, -1, "name");
    const char *name = lua_tostring(L, -1);
    struct rule_ent e = {0};
    e.name = strdup(name ? name : "?");
    lua_pop(L, 1);
    e.file = strdup(file);
    lua_getfield(L, -1, "domains");
    size_t n = lua_rawlen(L, -1);
    e.domains = calloc(n ? n : 1, sizeof *e.domains);
    for (size_t i = 0; e.domains && i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        const char *d = lua_tostring(L, -1);
        if (d)
            e.domains[e.ndomains++] = strdup(d);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    e.ref = luaL_ref(L, LUA_REGISTRYINDEX);
    long same = e.name ? name_find(r, e.name) : -1;
    if (same >= 0) {   /* a later directory overrides a shipped rule */
        size_t i = (size_t)same;
        luaL_unref(L, LUA_REGISTRYINDEX, r->rules[i].ref);
        rule_ent_clear(&r->rules[i]);
        r->rules[i] = e;
        return;
    }
    struct rule_ent *p = realloc(r->rules, (r->nrules + 1) * sizeof *p);
    if (!p) {
        luaL_unref(L, LUA_REGISTRYINDEX, e.ref);
        rule_ent_clear(&e);
        return;
    }
    r->rules = p;
    r->rules[r->nrules] = e;
    if (e.name)
        name_add(r, r->nrules);
    r->nrules++;
}

static void load_error(struct mw_runner *r, const char *msg)
{
    json_array_append_new(r->load_errors, json_string(msg));
}

/* A file that does not load still says which outlet it was for: read its `domains = {...}` literally, so
 * that outlet's pages carry the load error as a warning instead of silently going generic. */
static void add_broken(struct mw_runner *r, const char *path, const char *msg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *d = strstr(text, "domains");
    if (!d)
        return;
    d += 7;
    while (*d == ' ' || *d == '\t' || *d == '=')
        d++;
    const char *end = *d == '{' ? strchr(d, '}') : d + strcspn(d, "\n,");
    if (!end)
        return;
    struct rule_ent e = {0};
    e.ref = LUA_NOREF;
    e.domains = calloc(16, sizeof *e.domains);
    for (const char *p = d; e.domains && p < end && e.ndomains < 16; p++) {
        if (*p != '"' && *p != '\'')
            continue;
        const char *q = strchr(p + 1, *p);
        if (!q || q > end)
            break;
        if (q > p + 1)
            e.domains[e.ndomains++] = strndup(p + 1, (size_t)(q - p - 1));
        p = q;
    }
    if (!e.ndomains) {
        rule_ent_clear(&e);
        return;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    e.name = strndup(base, strcspn(base, "."));
    e.file = strdup(path);
    e.broken = strdup(msg);
    struct rule_ent *p = realloc(r->rules, (r->nrules + 1) * sizeof *p);
    if (!p) {
        rule_ent_clear(&e);
        return;
    }
    r->rules = p;
    r->rules[r->nrules] = e;
    if (e.name)
        name_add(r, r->nrules);
    r->nrules++;
}

static void load_rule_file(struct mw_runner *r, const char *path)
{
    lua_State *L = mw_lua_state(r->lua);
    struct mw_err err = {0};
    if (mw_lua_loadfile(r->lua, path, &err) || mw_lua_call(r->lua, 0, 1, 0, &err)) {
        load_error(r, err.msg);
        add_broken(r, path, err.msg);
        lua_settop(L, 0);
        return;
    }
    if (!lua_istable(L, -1) || lua_getfield(L, -1, "domains") != LUA_TTABLE) {
        char msg[600];
        snprintf(msg, sizeof msg, "%.500s: the file must end with `return rule { ... }`", path);
        load_error(r, msg);
        lua_settop(L, 0);
        return;
    }
    lua_pop(L, 1);
    add_rule(r, path);
    lua_settop(L, 0);
}

static void load_dir(struct mw_runner *r, const char *dir)
{
    size_t n;
    char **names = mw_dir_list(dir, &n);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (l < 5 || strcmp(names[i] + l - 4, ".lua"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        load_rule_file(r, path);
    }
    mw_dir_list_free(names, n);
}

struct mw_runner *mw_runner_new(const struct mw_runner_opts *o, struct mw_err *err)
{
    struct mw_runner *r = calloc(1, sizeof *r);
    if (!r) {
        mw_err_set(err, MW_ENOMEM, "rule", "out of memory");
        return NULL;
    }
    r->o = *o;
    r->forced = o->rule ? strdup(o->rule) : NULL;
    r->o.rule = r->forced;
    r->apply_ref = LUA_NOREF;
    r->load_errors = json_array();
    if (o->generic_only || !o->scripts_dir)
        return r;
    r->lua = mw_lua_new(&o->limits, err);
    if (!r->lua) {
        mw_runner_free(r);
        return NULL;
    }
    lua_State *L = mw_lua_state(r->lua);
    char path[4096];
    snprintf(path, sizeof path, "%s/lib/rule.lua", o->scripts_dir);
    if (mw_lua_loadfile(r->lua, path, err) || mw_lua_call(r->lua, 0, 1, 0, err)) {
        mw_runner_free(r);
        return NULL;
    }
    lua_getfield(L, -1, "rule");
    lua_setglobal(L, "rule");
    lua_getfield(L, -1, "apply");
    r->apply_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    snprintf(path, sizeof path, "%s/outlets", o->scripts_dir);
    load_dir(r, path);
    for (int i = 0; o->rule_dirs && o->rule_dirs[i]; i++)
        load_dir(r, o->rule_dirs[i]);
    if (r->forced && !mw_runner_pick(r, NULL)) {
        mw_err_set(err, MW_ENOTFOUND, "rule", "no rule named \"%s\" (see `moonwire rules`)", r->forced);
        mw_runner_free(r);
        return NULL;
    }
    return r;
}

void mw_runner_free(struct mw_runner *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrules; i++)
        rule_ent_clear(&r->rules[i]);
    free(r->rules);
    free(r->names);
    mw_lua_free(r->lua);
    json_decref(r->load_errors);
    free(r->forced);
    free(r);
}

const json_t *mw_runner_load_errors(struct mw_runner *r) { return r->load_errors; }
struct mw_lua *mw_runner_lua(struct mw_runner *r) { return r->lua; }

static struct rule_ent *rule_named(struct mw_runner *r, const char *name)
{
    for (size_t i = 0; name && i < r->nrules; i++)
        if (!strcmp(r->rules[i].name, name))
            return &r->rules[i];
    return NULL;
}

static struct rule_ent *find_rule(struct mw_runner *r, const char *url)
{
    if (r->forced)
        return rule_named(r, r->forced);
    char *host = url ? mw_url_host(url) : NULL;
    if (!host)
        return NULL;
    struct rule_ent *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < r->nrules; i++)
        for (size_t j = 0; j < r->rules[i].ndomains; j++) {
            size_t l = strlen(r->rules[i].domains[j]);
            if (l > best_len && mw_url_host_matches(host, r->rules[i].domains[j])) {
                best = &r->rules[i];
                best_len = l;
            }
        }
    free(host);
    return best;
}

const char *mw_runner_pick(struct mw_runner *r, const char *url)
{
    struct rule_ent *e = find_rule(r, url);
    return e ? e->name : NULL;
}

static int conv_json(lua_State *L)
{
    json_t **out = lua_touserdata(L, 2);
    *out = mw_lua_to_json(L, 1);
    return 0;
}

/* [-0, +0, -] JSON of the Lua value at idx, or NULL when it cannot be encoded (msg filled). */
static json_t *to_json_safe(lua_State *L, int idx, char *msg, size_t cap)
{
    json_t *out = NULL;
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, conv_json);
    lua_pushvalue(L, idx);
    lua_pushlightuserdata(L, &out);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        snprintf(msg, cap, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return NULL;
    }
    return out;
}

static char *page_url(xmlDocPtr doc)
{
    static const char *const xp[] = {"//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content", NULL};
    xmlXPathContextPtr c = xmlXPathNewContext(doc);
    char *out = NULL;
    for (int i = 0; c && xp[i] && !out; i++) {
        xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xp[i], c);
        if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
            xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
            if (v && !strncmp((const char *)v, "http", 4))
                out = mw_url_resolve(NULL, (const char *)v);
            xmlFree(v);
        }
        xmlXPathFreeObject(o);
    }
    xmlXPathFreeContext(c);
    return out;
}

static void warn(json_t *rec, const char *msg)
{
    json_t *w = json_object_get(rec, "warnings");
    if (!w) {
        w = json_array();
        json_object_set_new(rec, "warnings", w);
    }
    json_array_append_new(w, json_string(msg));
}

static const char *rule_str(lua_State *L, int ref, const char *key, char *buf, size_t cap)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_getfield(L, -1, key);
    const char *v = lua_tostring(L, -1);
    if (v)
        snprintf(buf, cap, "%s", v);
    lua_pop(L, 2);
    return v ? buf : NULL;
}

/* Run the rule on doc (owned by a Lua handle from here on). Returns the record or NULL on OOM. */
static json_t *run_rule(struct mw_runner *r, struct rule_ent *e, xmlDocPtr doc, const char *url)
{
    lua_State *L = mw_lua_state(r->lua);
    char outlet[256] = "", tz[32] = "", lang[16] = "";
    rule_str(L, e->ref, "outlet", outlet, sizeof outlet);
    struct mw_article_opts ao = {url, rule_str(L, e->ref, "tz", tz, sizeof tz),
                                 rule_str(L, e->ref, "lang", lang, sizeof lang), NULL};
    json_t *rec = mw_article_new(url);
    json_t *origin = r->o.explain ? json_object() : NULL;
    if (!rec)
        return NULL;
    mw_lua_push_doc(L, doc);
    int doc_idx = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->apply_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
    lua_pushvalue(L, doc_idx);
    struct mw_err err = {0};
    int ok = 0;
    json_t *orig = NULL;   /* the fields the rule settled: never filled from meta/generic */
    if (mw_lua_call(r->lua, 2, 3, 0, &err) == MW_OK) {
        char msg[512];
        json_t *fields = to_json_safe(L, -3, msg, sizeof msg);
        orig = to_json_safe(L, -2, msg, sizeof msg);
        json_t *warns = to_json_safe(L, -1, msg, sizeof msg);
        if (fields && json_is_object(fields)) {
            const char *k;
            json_t *v;
            json_object_foreach(fields, k, v) {
                if (json_object_get(rec, k) && strcmp(k, "url") && strcmp(k, "rule") && strcmp(k, "error"))
                    json_object_set(rec, k, v);
            }
            if (origin && json_is_object(orig))
                json_object_update(origin, orig);
            ok = 1;
        } else {
            char w[700];
            snprintf(w, sizeof w, "%s: the rule returned fields that are not JSON (%s), generic used", e->name,
                     fields ? "not a table" : msg);
            warn(rec, w);
        }
        size_t i;
        json_t *v;
        if (json_is_array(warns))
            json_array_foreach(warns, i, v) if (json_is_string(v)) warn(rec, json_string_value(v));
        json_decref(fields);
        json_decref(warns);
        lua_pop(L, 3);
    } else {
        char w[700];
        snprintf(w, sizeof w, "%s: %s; generic used", e->name, err.msg);
        warn(rec, w);
    }
    json_object_set_new(rec, "rule", json_string(ok ? e->name : "generic"));
    if (outlet[0])
        json_object_set_new(rec, "outlet", json_string(outlet));
    if (!ok) {   /* a failed rule must not leave half its fields behind */
        static const char *const f[] = {"title", "lead", "published", "modified", "section", "dateline", "body",
                                        NULL};
        for (int i = 0; f[i]; i++)
            json_object_set_new(rec, f[i], json_null());
        json_object_set_new(rec, "authors", json_array());
        json_object_set_new(rec, "tags", json_array());
        json_object_set_new(rec, "images", json_array());
        if (origin)
            json_object_clear(origin);
    }
    struct mw_err ferr = {0};
    ao.settled = ok && json_is_object(orig) ? orig : NULL;
    if (mw_article_fill(rec, doc, &ao, origin, &ferr))
        mw_article_set_error(rec, &ferr);
    json_decref(orig);
    if (mw_article_empty(json_object_get(rec, "lang")) && lang[0])
        json_object_set_new(rec, "lang", json_string(lang));
    mw_lua_close_doc(L, doc_idx);
    lua_settop(L, doc_idx - 1);
    if (origin)
        json_object_set_new(rec, "origin", origin);
    return rec;
}

int mw_runner_handles(struct mw_runner *r, const char *rule, const char *url)
{
    struct rule_ent *e = rule_named(r, rule);
    char *host = url ? mw_url_host(url) : NULL;
    int yes = 0;
    for (size_t j = 0; e && host && j < e->ndomains && !yes; j++)
        yes = mw_url_host_matches(host, e->domains[j]);
    free(host);
    return yes;
}

/* The built-in record for doc (freed here). */
static json_t *generic_record(struct mw_runner *r, xmlDocPtr doc, const char *url)
{
    struct mw_err err = {0};
    json_t *origin = r->o.explain ? json_object() : NULL;
    struct mw_article_opts ao = {url, NULL, NULL, NULL};
    json_t *rec = mw_article_generic(doc, &ao, origin, &err);
    if (!rec) {
        rec = mw_article_new(url);
        if (rec)
            mw_article_set_error(rec, &err);
    }
    if (rec && origin)
        json_object_set_new(rec, "origin", origin);
    else
        json_decref(origin);
    xmlFreeDoc(doc);
    return rec;
}

json_t *mw_runner_extract(struct mw_runner *r, const char *bytes, size_t len, const char *url,
                          const char *content_type)
{
    return mw_runner_extract_rule(r, NULL, bytes, len, url, content_type);
}

json_t *mw_runner_extract_rule(struct mw_runner *r, const char *rule, const char *bytes, size_t len,
                               const char *url, const char *content_type)
{
    struct mw_err err = {0};
    xmlDocPtr doc = mw_html_parse_bytes(bytes, len, content_type, url, NULL, &err);
    if (!doc) {
        json_t *rec = mw_article_new(url);
        if (rec)
            mw_article_set_error(rec, &err);
        return rec;
    }
    char *found = url ? NULL : page_url(doc);
    const char *u = url ? url : found;
    struct rule_ent *e = (r->lua && !r->o.generic_only) ? (rule ? rule_named(r, rule) : find_rule(r, u)) : NULL;
    json_t *rec;
    if (e && e->broken) {
        rec = generic_record(r, doc, u);
        if (rec) {
            char w[700];
            snprintf(w, sizeof w, "%s: the rule file did not load (%s); generic used", e->name, e->broken);
            warn(rec, w);
        }
    } else if (e) {
        rec = run_rule(r, e, doc, u);   /* the doc now belongs to Lua */
    } else {
        rec = generic_record(r, doc, u);
    }
    free(found);
    return rec;
}

json_t *mw_runner_rules(struct mw_runner *r)
{
    json_t *out = json_array();
    if (!r->lua)
        return out;
    lua_State *L = mw_lua_state(r->lua);
    for (size_t i = 0; i < r->nrules; i++) {
        if (r->rules[i].broken)
            continue;
        lua_rawgeti(L, LUA_REGISTRYINDEX, r->rules[i].ref);
        lua_newtable(L);
        static const char *const keys[] = {"name", "outlet", "domains", "article", "lang", "tz", "sources",
                                           "verified", "fixtures", "_file", NULL};
        for (int k = 0; keys[k]; k++) {
            lua_getfield(L, -2, keys[k]);
            if (lua_isfunction(L, -1))
                lua_pop(L, 1);
            else
                lua_setfield(L, -2, keys[k][0] == '_' ? keys[k] + 1 : keys[k]);
        }
        lua_getfield(L, -2, "layouts");
        lua_pushinteger(L, lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0);
        lua_setfield(L, -3, "layouts");
        lua_pop(L, 1);
        char msg[256];
        json_t *j = to_json_safe(L, -1, msg, sizeof msg);
        if (j)
            json_array_append_new(out, j);
        lua_pop(L, 2);
    }
    return out;
}
