/* run/config.c: loading a run config: the Lua file runs in the sandbox (with getenv added), its table becomes
 * JSON, and each key is checked and copied into struct mw_run_config. Unknown keys are errors, so a typo
 * cannot silently change a crawl. */
#include "run/config.h"

#include <ctype.h>
#include <jansson.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lua/modules.h"
#include "lua/sandbox.h"

int mw_run_duration_ms(const char *s, long long *ms)
{
    if (!s)
        return MW_EINVAL;
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0 || v != v)
        return MW_EINVAL;
    while (*end == ' ')
        end++;
    double mul;
    if (!*end || !strcasecmp(end, "s") || !strcasecmp(end, "sec"))
        mul = 1000;
    else if (!strcasecmp(end, "ms"))
        mul = 1;
    else if (!strcasecmp(end, "m") || !strcasecmp(end, "min"))
        mul = 60e3;
    else if (!strcasecmp(end, "h"))
        mul = 3600e3;
    else if (!strcasecmp(end, "d"))
        mul = 86400e3;
    else if (!strcasecmp(end, "w"))
        mul = 7 * 86400e3;
    else
        return MW_EINVAL;
    double r = v * mul;
    if (r > 1e15)
        return MW_EINVAL;
    *ms = (long long)r;
    return 0;
}

int mw_run_size(const char *s, size_t *bytes)
{
    if (!s)
        return MW_EINVAL;
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0 || v != v)
        return MW_EINVAL;
    while (*end == ' ')
        end++;
    double mul = 1;
    char u = (char)toupper((unsigned char)*end);
    if (u == 'K')
        mul = 1024;
    else if (u == 'M')
        mul = 1024.0 * 1024;
    else if (u == 'G')
        mul = 1024.0 * 1024 * 1024;
    else if (*end && u != 'B')
        return MW_EINVAL;
    if (*end && u != 'B' && end[1] && strcasecmp(end + 1, "b") && strcasecmp(end + 1, "ib"))
        return MW_EINVAL;
    double r = v * mul;
    if (r < 1 || r > 1e12)
        return MW_EINVAL;
    *bytes = (size_t)r;
    return 0;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

void mw_run_config_free(struct mw_run_config *c)
{
    if (!c)
        return;
    free(c->file);
    free(c->dir);
    strv_free(c->outlets);
    for (size_t i = 0; i < c->nsources; i++) {
        free(c->sources[i].url);
        free(c->sources[i].outlet);
        strv_free(c->sources[i].article);
        free(c->sources[i].links);
    }
    free(c->sources);
    strv_free(c->rule_dirs);
    free(c->store);
    for (size_t i = 0; i < c->nsinks; i++) {
        free(c->sinks[i].name);
        free(c->sinks[i].config_json);
    }
    free(c->sinks);
    strv_free(c->resolve);
    free(c->user_agent);
    free(c->agent);
    free(c);
}

static int l_getenv(lua_State *L)
{
    const char *v = getenv(luaL_checkstring(L, 1));
    if (v)
        lua_pushstring(L, v);
    else
        lua_pushnil(L);
    return 1;
}

static int conv(lua_State *L)
{
    json_t **out = lua_touserdata(L, 2);
    *out = mw_lua_to_json(L, 1);
    return 0;
}

/* Run the file and return its table as JSON (new reference), or NULL with err. */
static json_t *eval_file(const char *path, struct mw_err *err)
{
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    struct mw_lua *s = mw_lua_new(&lim, err);
    if (!s)
        return NULL;
    lua_State *L = mw_lua_state(s);
    json_t *out = NULL;
    if (mw_lua_loadfile(s, path, err) == 0) {
        /* the chunk's _ENV (upvalue 1) is its own table: getenv is added for this file only */
        if (lua_getupvalue(L, -1, 1)) {
            if (lua_istable(L, -1)) {
                lua_pushstring(L, "getenv");
                lua_pushcfunction(L, l_getenv);
                lua_rawset(L, -3);
            }
            lua_pop(L, 1);
        }
        if (mw_lua_call(s, 0, 1, 0, err) == 0) {
            if (!lua_istable(L, -1)) {
                mw_err_set(err, MW_EINVAL, "config", "%s: the file must return a table (return { ... })", path);
            } else {
                lua_pushcfunction(L, conv);
                lua_pushvalue(L, -2);
                lua_pushlightuserdata(L, &out);
                if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
                    mw_err_set(err, MW_EINVAL, "config", "%s: %s", path, lua_tostring(L, -1));
                    out = NULL;
                }
            }
        }
    }
    mw_lua_free(s);
    return out;
}

struct ctx {
    const char *file;
    struct mw_err *err;
    int failed;
    const char *prefix;   /* "limits." while the limits table is read */
};

static int bad(struct ctx *c, const char *key, const char *why)
{
    if (!c->failed)
        mw_err_set(c->err, MW_EINVAL, "config", "%s: %s%s: %s", c->file, c->prefix ? c->prefix : "", key, why);
    c->failed = 1;
    return -1;
}

static char *xstrdup(struct ctx *c, const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d && !c->failed) {
        mw_err_set(c->err, MW_ENOMEM, "config", "out of memory");
        c->failed = 1;
    }
    return d;
}

/* A path relative to the config file's directory. */
static char *rel_path(struct ctx *c, const char *dir, const char *p)
{
    if (p[0] == '/' || !dir || !*dir || !strcmp(dir, "."))
        return xstrdup(c, p);
    size_t n = strlen(dir) + strlen(p) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", dir, p);
    return out;
}

/* A string or a list of strings -> NULL-terminated vector (NULL for an absent key). */
static char **strv(struct ctx *c, json_t *v, const char *key, const char *dir)
{
    if (!v || json_is_null(v))
        return NULL;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (!json_is_array(v) && !json_is_string(v)) {
        bad(c, key, "expected a string or a list of strings");
        return NULL;
    }
    char **out = calloc(n + 1, sizeof *out);
    if (!out) {
        bad(c, key, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        if (!json_is_string(e)) {
            bad(c, key, "expected strings only");
            break;
        }
        out[i] = dir ? rel_path(c, dir, json_string_value(e)) : xstrdup(c, json_string_value(e));
    }
    return out;
}

static long long get_ms(struct ctx *c, json_t *o, const char *key, long long def)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return def;
    long long ms;
    if (json_is_number(v)) {
        double d = json_number_value(v);
        if (d < 0 || d > 1e12)
            return bad(c, key, "out of range"), def;
        return (long long)(d * 1000);
    }
    if (!json_is_string(v) || mw_run_duration_ms(json_string_value(v), &ms))
        return bad(c, key, "expected a duration such as \"1s\", \"500ms\", \"15m\", \"7d\""), def;
    return ms;
}

static long long get_int(struct ctx *c, json_t *o, const char *key, long long def, long long lo, long long hi)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return def;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char why[96];
        snprintf(why, sizeof why, "expected a whole number from %lld to %lld", lo, hi);
        return bad(c, key, why), def;
    }
    return json_integer_value(v);
}

static int get_bool(struct ctx *c, json_t *o, const char *key, int def)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return def;
    if (!json_is_boolean(v))
        return bad(c, key, "expected true or false"), def;
    return json_is_true(v);
}

static const char *get_str(struct ctx *c, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (v && !json_is_string(v))
        return bad(c, key, "expected a string"), NULL;
    return v ? json_string_value(v) : NULL;
}

static int check_keys(struct ctx *c, json_t *o, const char *where, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (int i = 0; known[i] && !ok; i++)
            ok = !strcmp(k, known[i]);
        if (!ok) {
            char key[160];
            snprintf(key, sizeof key, "%s%s%.100s", where, *where ? "." : "", k);
            return bad(c, key, "unknown key");
        }
    }
    return 0;
}

static void parse_source(struct ctx *c, json_t *e, struct mw_run_source *src, size_t i)
{
    char key[48];
    snprintf(key, sizeof key, "sources[%zu]", i + 1);
    if (json_is_string(e)) {
        src->url = xstrdup(c, json_string_value(e));
        return;
    }
    if (!json_is_object(e)) {
        bad(c, key, "expected a URL or a table {feed = URL} / {sitemap = URL} / {listing = URL, links = CSS}");
        return;
    }
    static const char *const known[] = {"feed", "sitemap", "listing", "robots", "url", "outlet", "article", "links",
                                        NULL};
    if (check_keys(c, e, key, known))
        return;
    static const struct { const char *k; enum mw_source_type t; } kinds[] = {
        {"feed", MW_SRC_FEED}, {"sitemap", MW_SRC_SITEMAP}, {"listing", MW_SRC_LISTING}, {"robots", MW_SRC_ROBOTS},
        {"url", MW_SRC_AUTO}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const char *u = get_str(c, e, kinds[k].k);
        if (u && !src->url) {
            src->type = kinds[k].t;
            src->url = xstrdup(c, u);
        }
    }
    if (!src->url && !c->failed)
        bad(c, key, "names no URL (feed = ..., sitemap = ..., listing = ... or url = ...)");
    src->outlet = xstrdup(c, get_str(c, e, "outlet"));
    src->links = xstrdup(c, get_str(c, e, "links"));
    src->article = strv(c, json_object_get(e, "article"), key, NULL);
}

static void parse_sinks(struct ctx *c, json_t *v, struct mw_run_config *cfg)
{
    if (!v) {   /* the store is the default sink */
        cfg->sinks = calloc(1, sizeof *cfg->sinks);
        if (cfg->sinks) {
            cfg->sinks[0].name = xstrdup(c, "sqlite");
            cfg->sinks[0].config_json = xstrdup(c, "{}");
            cfg->nsinks = 1;
        }
        return;
    }
    if (!json_is_array(v) && !json_is_object(v)) {
        bad(c, "sinks", "expected a list such as {\"sqlite\", warc = {path = \"out.warc.gz\"}}");
        return;
    }
    size_t n = json_is_array(v) ? json_array_size(v) : json_object_size(v);
    cfg->sinks = calloc(n ? n : 1, sizeof *cfg->sinks);
    if (!cfg->sinks) {
        bad(c, "sinks", "out of memory");
        return;
    }
    /* {"sqlite", "warc"} is an array; {"sqlite", warc = {...}} arrives as {"1": "sqlite", "warc": {...}};
     * {{"warc", path = ...}} has tables with the name first */
    const char *k;
    json_t *e;
    void *it = json_is_object(v) ? json_object_iter(v) : NULL;
    for (size_t i = 0; i < n && !c->failed; i++) {
        if (json_is_array(v)) {
            k = NULL;
            e = json_array_get(v, i);
        } else {
            k = json_object_iter_key(it);
            e = json_object_iter_value(it);
            it = json_object_iter_next(v, it);
        }
        int numeric = !k || (k[0] >= '0' && k[0] <= '9');
        const char *name = NULL;
        json_t *conf = NULL;
        if (numeric && json_is_string(e)) {
            name = json_string_value(e);
        } else if (numeric && json_is_object(e)) {
            name = json_string_value(json_object_get(e, "1"));
            if (!name)
                name = json_string_value(json_object_get(e, "name"));
            conf = json_deep_copy(e);
            json_object_del(conf, "1");
            json_object_del(conf, "name");
        } else if (!numeric && (json_is_object(e) || (json_is_array(e) && !json_array_size(e)))) {
            name = k;
            conf = json_is_object(e) ? json_incref(e) : NULL;
        }
        if (!name) {
            json_decref(conf);
            bad(c, "sinks", "each sink is a name or name = {options}");
            return;
        }
        /* a sink's files live where the config says, like the store: relative to the config file */
        static const char *const path_keys[] = {"path", "dir", NULL};
        for (int pk = 0; conf && pk < 2; pk++) {
            const char *pv = json_string_value(json_object_get(conf, path_keys[pk]));
            if (pv && pv[0] != '/') {
                char *abs = rel_path(c, cfg->dir, pv);
                if (conf == e) {   /* borrowed: copy before changing it */
                    json_decref(conf);
                    conf = json_deep_copy(e);
                }
                if (abs)
                    json_object_set_new(conf, path_keys[pk], json_string(abs));
                free(abs);
            }
        }
        cfg->sinks[cfg->nsinks].name = xstrdup(c, name);
        cfg->sinks[cfg->nsinks].config_json = conf ? json_dumps(conf, JSON_COMPACT) : xstrdup(c, "{}");
        json_decref(conf);
        cfg->nsinks++;
    }
}

struct mw_run_config *mw_run_config_load(const char *path, struct mw_err *err)
{
    json_t *j = eval_file(path, err);
    if (!j)
        return NULL;
    struct mw_run_config *cfg = calloc(1, sizeof *cfg);
    struct ctx c = {path, err, 0, NULL};
    if (!cfg) {
        json_decref(j);
        mw_err_set(err, MW_ENOMEM, "config", "out of memory");
        return NULL;
    }
    cfg->file = xstrdup(&c, path);
    const char *slash = strrchr(path, '/');
    cfg->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : xstrdup(&c, ".");
    /* an empty table comes back as [] */
    if (json_is_array(j) && json_array_size(j) == 0) {
        json_decref(j);
        j = json_object();
    }
    if (!json_is_object(j)) {
        bad(&c, "(top)", "expected a table of keys");
    } else {
        static const char *const known[] = {"outlets", "sources", "rules", "store", "sinks", "resolve",
                                            "user_agent", "agent", "robots", "robots_sitemaps", "limits", "every",
                                            NULL};
        check_keys(&c, j, "", known);
    }
    json_t *lim = json_object_get(j, "limits");
    if (lim && json_is_array(lim) && !json_array_size(lim))
        lim = NULL;
    if (lim && !json_is_object(lim))
        bad(&c, "limits", "expected a table");
    static const char *const lknown[] = {"pages_per_outlet", "max_age", "delay", "connections_per_host",
                                         "connections", "timeout", "connect_timeout", "retries", "backoff",
                                         "max_retry_after", "max_tries", "host_failures", "max_body", NULL};
    if (lim && json_is_object(lim))
        check_keys(&c, lim, "limits", lknown);
    json_t *L = json_is_object(lim) ? lim : NULL;
    json_t *empty = json_object();
    if (!L)
        L = empty;

    if (!c.failed) {
        cfg->outlets = strv(&c, json_object_get(j, "outlets"), "outlets", NULL);
        cfg->rule_dirs = strv(&c, json_object_get(j, "rules"), "rules", cfg->dir);
        cfg->resolve = strv(&c, json_object_get(j, "resolve"), "resolve", NULL);
        const char *store = get_str(&c, j, "store");
        cfg->store = rel_path(&c, cfg->dir, store ? store : "moonwire.sqlite");
        cfg->user_agent = xstrdup(&c, get_str(&c, j, "user_agent"));
        const char *agent = get_str(&c, j, "agent");
        cfg->agent = xstrdup(&c, agent ? agent : "moonwire");
        cfg->robots = get_bool(&c, j, "robots", 1);
        cfg->robots_sitemaps = get_bool(&c, j, "robots_sitemaps", 1);
        cfg->every_s = get_ms(&c, j, "every", 0) / 1000;
        json_t *srcs = json_object_get(j, "sources");
        if (srcs && !json_is_array(srcs))
            bad(&c, "sources", "expected a list");
        else if (srcs) {
            cfg->sources = calloc(json_array_size(srcs) + 1, sizeof *cfg->sources);
            for (size_t i = 0; cfg->sources && i < json_array_size(srcs) && !c.failed; i++) {
                parse_source(&c, json_array_get(srcs, i), &cfg->sources[i], i);
                cfg->nsources = i + 1;
            }
        }
        parse_sinks(&c, json_object_get(j, "sinks"), cfg);
        c.prefix = "limits.";
        cfg->pages_per_outlet = (long)get_int(&c, L, "pages_per_outlet", 500, 0, 100000000);
        cfg->max_age_s = get_ms(&c, L, "max_age", 0) / 1000;
        cfg->delay_ms = (long)get_ms(&c, L, "delay", 1000);
        cfg->per_host = (int)get_int(&c, L, "connections_per_host", 1, 1, 64);
        cfg->connections = (int)get_int(&c, L, "connections", 32, 1, 1024);
        cfg->timeout_ms = (long)get_ms(&c, L, "timeout", 30000);
        cfg->connect_timeout_ms = (long)get_ms(&c, L, "connect_timeout", 10000);
        cfg->retries = (int)get_int(&c, L, "retries", 2, 0, 20);
        cfg->backoff_ms = (long)get_ms(&c, L, "backoff", 500);
        cfg->max_retry_after_ms = (long)get_ms(&c, L, "max_retry_after", 30000);
        cfg->max_tries = (int)get_int(&c, L, "max_tries", 3, 1, 1000);
        cfg->host_failures = (int)get_int(&c, L, "host_failures", 3, 1, 1000);
        cfg->max_body = (size_t)16 << 20;
        const char *mb = get_str(&c, L, "max_body");
        json_t *mbv = json_object_get(L, "max_body");
        if (json_is_integer(mbv) && json_integer_value(mbv) > 0)
            cfg->max_body = (size_t)json_integer_value(mbv);
        else if (mbv && (!mb || mw_run_size(mb, &cfg->max_body)))
            bad(&c, "max_body", "expected a size such as \"16MB\"");
        if (!c.failed && cfg->timeout_ms <= 0)
            bad(&c, "timeout", "must be more than 0");
        if (!c.failed && cfg->connect_timeout_ms <= 0)
            bad(&c, "connect_timeout", "must be more than 0");
        c.prefix = NULL;
        if (!c.failed && !cfg->outlets && !cfg->nsources)
            bad(&c, "outlets", "name at least one outlet (a rule name) or one entry of sources");
    }
    json_decref(empty);
    json_decref(j);
    if (c.failed || !cfg->file || !cfg->dir || !cfg->store || !cfg->agent || !cfg->sinks) {
        if (!c.failed)
            mw_err_set(err, MW_ENOMEM, "config", "out of memory");
        mw_run_config_free(cfg);
        return NULL;
    }
    return cfg;
}
