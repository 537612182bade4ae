/* run/config.c: loading a run config: the Lua file runs in the sandbox (with getenv added), its table becomes
 * JSON, and each value is checked and copied into struct mw_run_config. Unknown keys, URLs that are not
 * http(s), durations without a unit, bad patterns and selectors are errors, each naming its position
 * ("sources[5].listing"), so a typo cannot silently change a crawl. */
#include "run/config.h"

#include <ctype.h>
#include <jansson.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "doc/css.h"
#include "net/fetch.h"
#include "lua/modules.h"
#include "lua/sandbox.h"
#include "net/url.h"
#include "run/match.h"

static const struct { const char *unit; double ms; } UNITS[] = {
    {"ms", 1}, {"s", 1000}, {"sec", 1000}, {"m", 60e3}, {"min", 60e3}, {"h", 3600e3}, {"d", 86400e3},
    {"w", 7 * 86400e3}};

int mw_run_duration_ms(const char *s, long long *ms)
{
    if (!s)
        return MW_EINVAL;
    const char *p = s;
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n && p[n - 1] == ' ')
        n--;
    if (n == 1 && p[0] == '0') {
        *ms = 0;   /* a lone 0 needs no unit */
        return 0;
    }
    double total = 0;
    int parts = 0;
    while (*p) {
        if (!isdigit((unsigned char)*p) && *p != '.')   /* no sign, no "inf" or "nan" */
            return MW_EINVAL;
        char *end;
        double v = strtod(p, &end);
        if (end == p || v != v)
            return MW_EINVAL;
        p = end;
        while (*p == ' ')
            p++;
        size_t ul = 0;
        while (isalpha((unsigned char)p[ul]))
            ul++;
        double mul = -1;
        for (size_t i = 0; ul && i < sizeof UNITS / sizeof UNITS[0] && mul < 0; i++)
            if (strlen(UNITS[i].unit) == ul && !strncasecmp(p, UNITS[i].unit, ul))
                mul = UNITS[i].ms;
        if (mul < 0)
            return MW_EINVAL;
        total += v * mul;
        parts++;
        p += ul;
        while (*p == ' ')
            p++;
    }
    if (!parts || total > 1e15)
        return MW_EINVAL;
    *ms = (long long)(total + 0.5);
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
        free(c->sources[i].next);
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
    strv_free(c->headers);
    free(c->cookie_file);
    free(c->proxy);
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
    struct mw_match *match;
};

/* The first problem, as "FILE: key: why" (key already carries its position, "sources[5].listing"). */
static int bad(struct ctx *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct ctx *c, const char *key, const char *fmt, ...)
{
    if (!c->failed) {
        char why[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
        mw_err_set(c->err, MW_EINVAL, "config", "%s: %s%s: %s", c->file, c->prefix ? c->prefix : "", key, why);
    }
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

/* A string or a list of strings -> NULL-terminated vector (NULL for an absent key). Each element is checked
 * by check(c, "key[i]", value) when given. */
typedef int (*check_fn)(struct ctx *c, const char *key, const char *v);
static char **strv(struct ctx *c, json_t *v, const char *key, const char *dir, const char *what, check_fn check)
{
    if (!v || json_is_null(v))
        return NULL;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (!json_is_array(v) && !json_is_string(v)) {
        bad(c, key, "expected %s or a list of them", what);
        return NULL;
    }
    char **out = calloc(n + 1, sizeof *out);
    if (!out) {
        bad(c, key, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n && !c->failed; i++) {
        json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        char k[160];
        if (json_is_array(v))
            snprintf(k, sizeof k, "%s[%zu]", key, i + 1);
        else
            snprintf(k, sizeof k, "%s", key);
        if (!json_is_string(e)) {
            bad(c, k, "expected %s", what);
            break;
        }
        if (check && check(c, k, json_string_value(e)))
            break;
        out[i] = dir ? rel_path(c, dir, json_string_value(e)) : xstrdup(c, json_string_value(e));
    }
    return out;
}

/* "250", "1.5": a number written without a unit. */
static int bare_number(const char *s)
{
    char *end;
    strtod(s, &end);
    return end != s && !*end;
}

/* A duration: a string with units ("250ms", "1h30m"), or 0. A bare number other than 0 is refused: 250
 * could mean milliseconds or seconds, and guessing wrong makes a crawl 1000 times too slow or too fast. */
static long long get_ms(struct ctx *c, json_t *o, const char *key, long long def)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return def;
    long long ms;
    if (json_is_number(v)) {
        double d = json_number_value(v);
        if (d == 0)
            return 0;
        return bad(c, key, "%g has no unit: write \"%gms\" or \"%gs\" (units: ms, s, m, h, d, w)", d, d, d), def;
    }
    if (!json_is_string(v))
        return bad(c, key, "expected a duration such as \"250ms\", \"1s\", \"15m\", \"1h30m\""), def;
    const char *s = json_string_value(v);
    if (bare_number(s) && mw_run_duration_ms(s, &ms))
        return bad(c, key, "\"%s\" has no unit: write \"%sms\" or \"%ss\" (units: ms, s, m, h, d, w)", s, s, s), def;
    if (mw_run_duration_ms(s, &ms))
        return bad(c, key, "expected a duration such as \"250ms\", \"1s\", \"15m\", \"1h30m\" (got \"%.60s\")", s),
               def;
    return ms;
}

static long long get_int(struct ctx *c, json_t *o, const char *key, long long def, long long lo, long long hi)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return def;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return bad(c, key, "expected a whole number from %lld to %lld", lo, hi), def;
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

/* A one-line, non-empty string (what = how the error names it), or NULL when absent. */
static const char *get_str(struct ctx *c, json_t *o, const char *key, const char *what)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return NULL;
    if (!json_is_string(v))
        return bad(c, key, "expected %s", what ? what : "a string"), NULL;
    const char *s = json_string_value(v);
    if (!*s)
        return bad(c, key, "must not be empty"), NULL;
    if (strpbrk(s, "\r\n"))
        return bad(c, key, "must be one line"), NULL;
    return s;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static int check_keys(struct ctx *c, json_t *o, const char *where, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        const char *near = NULL;
        for (int i = 0; known[i] && !ok; i++) {
            ok = !strcmp(k, known[i]);
            if (!near && edit_distance(k, known[i]) <= 2)
                near = known[i];
        }
        if (!ok) {
            char key[160];
            snprintf(key, sizeof key, "%s%s%.100s", where, *where ? "." : "", k);
            if (near)
                return bad(c, key, "unknown key (did you mean \"%s\"?)", near);
            return bad(c, key, "unknown key");
        }
    }
    return 0;
}

/* ---------- values ---------- */

static int check_url(struct ctx *c, const char *key, const char *u)
{
    struct mw_url p;
    int parsed = !mw_url_parse(u, &p);
    if (parsed && !strstr(u, "://"))
        mw_url_clear(&p);   /* "http:x//y" parses, but is no URL to fetch */
    if (!parsed || !strstr(u, "://"))
        return bad(c, key, "\"%.200s\" is not a URL (expected http://host/path or https://host/path)", u);
    int web = p.scheme && (!strcasecmp(p.scheme, "http") || !strcasecmp(p.scheme, "https"));
    int host_ok = p.host && *p.host;
    for (const char *h = p.host; host_ok && *h; h++)
        host_ok = isalnum((unsigned char)*h) || strchr(".-_[]:", *h) || (unsigned char)*h >= 0x80;
    char *end = NULL;
    long port = p.port && *p.port ? strtol(p.port, &end, 10) : 80;
    int port_ok = !p.port || !*p.port || (!*end && port > 0 && port < 65536);
    char scheme[16];
    snprintf(scheme, sizeof scheme, "%s", p.scheme ? p.scheme : "");
    mw_url_clear(&p);
    if (!web)
        return bad(c, key, "\"%.200s\": only http:// and https:// URLs are fetched (not %s:)", u, scheme);
    if (!host_ok)
        return bad(c, key, "\"%.200s\" has no valid host name", u);
    if (!port_ok)
        return bad(c, key, "\"%.200s\" has a bad port", u);
    if (strpbrk(u, " \t\r\n"))
        return bad(c, key, "\"%.200s\" has white space in it (escape it as %%20)", u);
    return 0;
}

static int is_port(const char *s, size_t n)
{
    if (!n || n > 5)
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v > 0 && v < 65536;
}

/* "HOST:PORT:ADDRESS[,ADDRESS...]" (curl --resolve) or "HOST:PORT:ADDRESS:PORT" (curl --connect-to). */
static int check_resolve(struct ctx *c, const char *key, const char *r)
{
    const char *f[5] = {r};
    size_t len[5] = {0}, n = 1;
    int bracket = 0;
    for (const char *p = r; *p && n <= 4; p++) {
        bracket += (*p == '[') - (*p == ']');
        if (*p == ':' && !bracket) {
            len[n - 1] = (size_t)(p - f[n - 1]);
            f[n++] = p + 1;
        }
    }
    if (n <= 4)
        len[n - 1] = strlen(f[n - 1]);
    int ok = (n == 3 || n == 4) && len[0] && is_port(f[1], len[1]) && len[2] && (n == 3 || is_port(f[3], len[3]));
    for (size_t i = 0; ok && i < len[2]; i++)
        ok = isalnum((unsigned char)f[2][i]) || strchr(".-_[]:,+", f[2][i]);
    for (size_t i = 0; ok && i < len[0]; i++)
        ok = isalnum((unsigned char)f[0][i]) || strchr(".-_*", f[0][i]);   /* a name, as curl wants it */
    if (!ok)
        return bad(c, key, "\"%.200s\": expected \"HOST:PORT:ADDRESS\" (as curl --resolve) or "
                   "\"HOST:PORT:ADDRESS:PORT\" (as curl --connect-to)", r);
    return 0;
}

static int check_pattern(struct ctx *c, const char *key, const char *pat)
{
    struct mw_err e = {0};
    if (!*pat)
        return bad(c, key, "an empty pattern matches every URL: leave `article` out instead");
    if (mw_match(c->match, pat, "http://example.com/", &e) < 0)
        return bad(c, key, "bad Lua pattern \"%.100s\": %s", pat, strstr(e.msg, "\": ") ? strstr(e.msg, "\": ") + 3
                                                                                     : e.msg);
    return 0;
}

static int check_selector(struct ctx *c, const char *key, const char *sel)
{
    char *xp = NULL;
    struct mw_err e = {0};
    if (mw_css_to_xpath(sel, &xp, &e))
        return bad(c, key, "%s", e.msg);
    free(xp);
    return 0;
}

static int check_dir(struct ctx *c, const char *key, const char *path, const char *dir)
{
    char *abs = rel_path(c, dir, path);
    struct stat st;
    int ok = abs && stat(abs, &st) == 0 && S_ISDIR(st.st_mode);
    if (!ok)
        bad(c, key, "%s: no such directory", abs ? abs : path);
    free(abs);
    return ok ? 0 : -1;
}

static int check_outlet(struct ctx *c, const char *key, const char *name)
{
    if (!*name)
        return bad(c, key, "must not be empty");
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20)
            return bad(c, key, "\"%.60s\" has a control character", name);
    return 0;
}

/* RFC 9309 2.2.1: a product token is letters, '_' and '-' (digits too, as real crawlers use them). */
static int check_agent(struct ctx *c, const char *key, const char *a)
{
    for (const char *p = a; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return bad(c, key, "\"%.60s\": a robots.txt product token is letters, digits, '-' and '_' only", a);
    return 0;
}

/* ---------- sources ---------- */

/* A URL pattern with {n}: page 2 of it must be a URL (relative to the listing is fine). */
static int check_next_pattern(struct ctx *c, const char *key, const char *listing, const char *pat)
{
    char page2[2100];
    const char *at = strstr(pat, "{n}");
    snprintf(page2, sizeof page2, "%.*s2%s", (int)(at - pat), pat, at + 3);
    char *abs = mw_url_resolve(listing, page2);
    int rc = abs ? check_url(c, key, abs) : bad(c, key, "\"%.200s\" does not make a URL", pat);
    free(abs);
    return rc;
}

/* next = CSS of the "next page" link, or a URL pattern with {n}; pages = how many listing pages at most. */
static void parse_paging(struct ctx *c, json_t *e, struct mw_run_source *src, const char *key, const char *kind)
{
    char k2[96];
    json_t *nx = json_object_get(e, "next"), *pg = json_object_get(e, "pages");
    if ((nx || pg) && src->type != MW_SRC_LISTING && src->type != MW_SRC_AUTO) {
        snprintf(k2, sizeof k2, "%s.%s", key, nx ? "next" : "pages");
        bad(c, k2, "only a listing page has next pages (this source is a %s)", kind);
        return;
    }
    snprintf(k2, sizeof k2, "%s.next", key);
    if (nx) {
        const char *v = json_string_value(nx);
        if (!v || !*v) {
            bad(c, k2, "expected a CSS selector of the next-page link (\"a.next\", \"link[rel=next]\") or a URL "
                "pattern with {n} (\"?page={n}\")");
            return;
        }
        if (strstr(v, "{n}") ? check_next_pattern(c, k2, src->url, v) : check_selector(c, k2, v))
            return;
        src->next = xstrdup(c, v);
    }
    snprintf(k2, sizeof k2, "pages");
    const char *prefix = c->prefix;
    char pre[64];
    snprintf(pre, sizeof pre, "%s.", key);
    c->prefix = pre;
    src->pages = (int)get_int(c, e, "pages", nx ? 10 : 1, 1, 1000);
    c->prefix = prefix;
}

/* Which kind of source the table is (one of its kind keys, with the URL): the key given, NULL on an error. */
static const char *source_kind(struct ctx *c, json_t *e, struct mw_run_source *src, const char *key)
{
    static const struct { const char *k; enum mw_source_type t; } kinds[] = {
        {"feed", MW_SRC_FEED}, {"sitemap", MW_SRC_SITEMAP}, {"listing", MW_SRC_LISTING}, {"robots", MW_SRC_ROBOTS},
        {"url", MW_SRC_AUTO}};
    const char *first = NULL;
    char k2[96];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && !c->failed; k++) {
        json_t *v = json_object_get(e, kinds[k].k);
        if (!v)
            continue;
        snprintf(k2, sizeof k2, "%s.%s", key, kinds[k].k);
        if (first) {
            bad(c, key, "give one of feed, sitemap, listing, robots or url (got %s and %s)", first, kinds[k].k);
            return NULL;
        }
        first = kinds[k].k;
        if (json_is_object(v) && kinds[k].t == MW_SRC_LISTING) {
            bad(c, k2, "expected a URL string; in a run config the selector goes beside it: "
                "{listing = URL, links = CSS}");
            return NULL;
        }
        if (!json_is_string(v)) {
            bad(c, k2, "expected a URL string");
            return NULL;
        }
        if (check_url(c, k2, json_string_value(v)))
            return NULL;
        src->type = kinds[k].t;
        src->url = xstrdup(c, json_string_value(v));
    }
    if (!src->url && !c->failed) {
        bad(c, key, "names no URL (feed = ..., sitemap = ..., listing = ... or url = ...)");
        return NULL;
    }
    return c->failed ? NULL : first;
}

/* outlet = NAME and links = CSS (a listing's, or a URL's whose kind is found when fetched). -1 on an error. */
static int source_outlet_links(struct ctx *c, json_t *e, struct mw_run_source *src, const char *key,
                               const char *kind)
{
    char k2[96];
    snprintf(k2, sizeof k2, "%s.outlet", key);
    json_t *o = json_object_get(e, "outlet");
    if (o && (!json_is_string(o) || check_outlet(c, k2, json_string_value(o)))) {
        if (!json_is_string(o))
            bad(c, k2, "expected a name (a string)");
        return -1;
    }
    src->outlet = xstrdup(c, json_string_value(o));
    snprintf(k2, sizeof k2, "%s.links", key);
    json_t *l = json_object_get(e, "links");
    if (!l)
        return 0;
    if (!json_is_string(l) || !*json_string_value(l)) {
        bad(c, k2, "expected a CSS selector (a string)");
        return -1;
    }
    if (src->type != MW_SRC_LISTING && src->type != MW_SRC_AUTO) {
        bad(c, k2, "only a listing page has links (this source is a %s)", kind);
        return -1;
    }
    if (check_selector(c, k2, json_string_value(l)))
        return -1;
    src->links = xstrdup(c, json_string_value(l));
    return 0;
}

static void parse_source(struct ctx *c, json_t *e, struct mw_run_source *src, size_t i)
{
    char key[48], k2[96];
    snprintf(key, sizeof key, "sources[%zu]", i + 1);
    if (json_is_string(e)) {
        if (!check_url(c, key, json_string_value(e)))
            src->url = xstrdup(c, json_string_value(e));
        return;
    }
    if (!json_is_object(e)) {
        bad(c, key, "expected a URL or a table {feed = URL} / {sitemap = URL} / {listing = URL, links = CSS}");
        return;
    }
    static const char *const known[] = {"feed", "sitemap", "listing", "robots", "url", "outlet", "article", "links",
                                        "next", "pages", NULL};
    if (check_keys(c, e, key, known))
        return;
    const char *first = source_kind(c, e, src, key);
    if (!first || source_outlet_links(c, e, src, key, first))
        return;
    snprintf(k2, sizeof k2, "%s.article", key);
    src->article = strv(c, json_object_get(e, "article"), k2, NULL, "a Lua pattern", check_pattern);
    if (!c->failed)
        parse_paging(c, e, src, key, first);
}

/* One entry of sinks: its name, and its options (NULL: none; may be e itself, borrowed with a reference).
 * {"sqlite", "warc"} is an array; {"sqlite", warc = {...}} arrives as {"1": "sqlite", "warc": {...}};
 * {{"warc", path = ...}} has tables with the name first. */
static const char *sink_entry(const char *k, json_t *e, json_t **conf)
{
    int numeric = !k || (k[0] >= '0' && k[0] <= '9');
    *conf = NULL;
    if (numeric && json_is_string(e))
        return json_string_value(e);
    if (numeric && json_is_object(e)) {
        const char *name = json_string_value(json_object_get(e, "1"));
        if (!name)
            name = json_string_value(json_object_get(e, "name"));
        *conf = json_deep_copy(e);
        json_object_del(*conf, "1");
        json_object_del(*conf, "name");
        return name;
    }
    if (!numeric && (json_is_object(e) || (json_is_array(e) && !json_array_size(e)))) {
        *conf = json_is_object(e) ? json_incref(e) : NULL;
        return k;
    }
    return NULL;
}

/* A sink's files live where the config says, like the store: relative to the config file. Returns conf,
 * copied first when it was e (borrowed). */
static json_t *sink_paths(struct ctx *c, const struct mw_run_config *cfg, json_t *e, json_t *conf)
{
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
    return conf;
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
    void *it = json_is_object(v) ? json_object_iter(v) : NULL;
    for (size_t i = 0; i < n && !c->failed; i++) {
        const char *k = it ? json_object_iter_key(it) : NULL;
        json_t *e = it ? json_object_iter_value(it) : json_array_get(v, i), *conf;
        it = it ? json_object_iter_next(v, it) : NULL;
        const char *name = sink_entry(k, e, &conf);
        char sk[160];
        if (!k)
            snprintf(sk, sizeof sk, "sinks[%zu]", i + 1);
        else if (k[0] >= '0' && k[0] <= '9')
            snprintf(sk, sizeof sk, "sinks[%s]", k);
        else
            snprintf(sk, sizeof sk, "sinks.%.100s", k);
        if (!name || !*name) {
            json_decref(conf);
            bad(c, sk, "each sink is a name or name = {options}");
            return;
        }
        conf = sink_paths(c, cfg, e, conf);
        cfg->sinks[cfg->nsinks].name = xstrdup(c, name);
        cfg->sinks[cfg->nsinks].config_json = conf ? json_dumps(conf, JSON_COMPACT) : xstrdup(c, "{}");
        json_decref(conf);
        cfg->nsinks++;
    }
}

/* ---------- limits ---------- */

static void parse_limits(struct ctx *c, json_t *L, struct mw_run_config *cfg)
{
    c->prefix = "limits.";
    cfg->pages_per_outlet = (long)get_int(c, L, "pages_per_outlet", 500, 0, 100000000);
    cfg->max_age_s = get_ms(c, L, "max_age", 0) / 1000;
    cfg->delay_ms = (long)get_ms(c, L, "delay", 1000);
    cfg->per_host = (int)get_int(c, L, "connections_per_host", 1, 1, 64);
    cfg->connections = (int)get_int(c, L, "connections", 32, 1, 1024);
    cfg->workers = (int)get_int(c, L, "workers", -1, 0, 64);
    cfg->timeout_ms = (long)get_ms(c, L, "timeout", 30000);
    cfg->connect_timeout_ms = (long)get_ms(c, L, "connect_timeout", 10000);
    cfg->retries = (int)get_int(c, L, "retries", 2, 0, 20);
    cfg->backoff_ms = (long)get_ms(c, L, "backoff", 500);
    cfg->max_retry_after_ms = (long)get_ms(c, L, "max_retry_after", 30000);
    cfg->max_tries = (int)get_int(c, L, "max_tries", 3, 1, 1000);
    cfg->host_failures = (int)get_int(c, L, "host_failures", 3, 1, 1000);
    cfg->pass_time_ms = get_ms(c, L, "pass_time", 3600000);
    cfg->host_time_ms = get_ms(c, L, "host_time", 1800000);
    cfg->page_time_ms = get_ms(c, L, "page_time", 10000);
    cfg->lease_ms = (long)get_ms(c, L, "lease", 60000);
    cfg->source_period_ms = (long)get_ms(c, L, "source_period", 900000);
    cfg->max_body = (size_t)16 << 20;
    json_t *mbv = json_object_get(L, "max_body");
    if (json_is_integer(mbv) && json_integer_value(mbv) > 0)
        cfg->max_body = (size_t)json_integer_value(mbv);
    else if (mbv && (!json_is_string(mbv) || mw_run_size(json_string_value(mbv), &cfg->max_body)))
        bad(c, "max_body", "expected a size such as \"16MB\", \"512k\" or a number of bytes");
    static const struct { const char *k; size_t off; } POSITIVE[] = {
        {"timeout", offsetof(struct mw_run_config, timeout_ms)},
        {"connect_timeout", offsetof(struct mw_run_config, connect_timeout_ms)}};
    for (size_t i = 0; i < 2 && !c->failed; i++)
        if (*(long *)((char *)cfg + POSITIVE[i].off) <= 0)
            bad(c, POSITIVE[i].k, "must be more than 0");
    if (!c->failed && cfg->pass_time_ms <= 0)
        bad(c, "pass_time", "must be more than 0");
    if (!c->failed && cfg->host_time_ms <= 0)
        bad(c, "host_time", "must be more than 0");
    if (!c->failed && cfg->lease_ms < 1000)
        bad(c, "lease", "must be at least 1s");
    c->prefix = NULL;
}

/* headers = {["Accept-Language"] = "en"} or {"Accept-Language: en"}; cookies = FILE; proxy = URL. */
static void parse_http(struct ctx *c, json_t *j, struct mw_run_config *cfg)
{
    json_t *h = json_object_get(j, "headers");
    if (h && json_is_object(h) && json_object_size(h)) {
        cfg->headers = calloc(json_object_size(h) + 1, sizeof *cfg->headers);
        size_t n = 0;
        const char *k;
        json_t *v;
        json_object_foreach(h, k, v) {
            char key[160], line[1100];
            snprintf(key, sizeof key, "headers[\"%.100s\"]", k);
            if (!json_is_string(v)) {
                bad(c, key, "expected the header's value (a string)");
                break;
            }
            snprintf(line, sizeof line, "%s: %s", k, json_string_value(v));
            struct mw_err e = {0};
            if (mw_fetch_header_check(line, &e)) {
                bad(c, key, "%s", e.msg);
                break;
            }
            if (cfg->headers)
                cfg->headers[n++] = xstrdup(c, line);
        }
    } else if (h && !(json_is_array(h) && !json_array_size(h))) {
        cfg->headers = strv(c, h, "headers", NULL, "a \"Name: value\" string", NULL);
        for (size_t i = 0; cfg->headers && cfg->headers[i] && !c->failed; i++) {
            struct mw_err e = {0};
            char key[32];
            snprintf(key, sizeof key, "headers[%zu]", i + 1);
            if (mw_fetch_header_check(cfg->headers[i], &e))
                bad(c, key, "%s", e.msg);
        }
    }
    const char *cookies = get_str(c, j, "cookies", "a cookie file (a string)");
    if (cookies && !c->failed)
        cfg->cookie_file = rel_path(c, cfg->dir, cookies);
    cfg->proxy = xstrdup(c, get_str(c, j, "proxy", "a proxy URL (a string)"));
    struct mw_fetch_opts fo;   /* one at a time, so the message names the right key */
    mw_fetch_opts_default(&fo);
    struct mw_err e = {0};
    fo.cookie_file = cfg->cookie_file;
    if (!c->failed && mw_fetch_opts_check(&fo, &e))
        bad(c, "cookies", "%s", e.msg);
    fo.cookie_file = NULL;
    fo.proxy = cfg->proxy;
    if (!c->failed && mw_fetch_opts_check(&fo, &e))
        bad(c, "proxy", "%s", e.msg);
}

static void parse_top(struct ctx *c, json_t *j, struct mw_run_config *cfg)
{
    cfg->outlets = strv(c, json_object_get(j, "outlets"), "outlets", NULL, "a rule name (a string)", check_outlet);
    json_t *rules = json_object_get(j, "rules");
    cfg->rule_dirs = strv(c, rules, "rules", cfg->dir, "a directory (a string)", NULL);
    /* each rule directory must be there: a typo would silently leave outlets without their rules */
    for (size_t i = 0; !c->failed && cfg->rule_dirs && cfg->rule_dirs[i]; i++) {
        char k[32];
        snprintf(k, sizeof k, json_is_array(rules) ? "rules[%zu]" : "rules", i + 1);
        check_dir(c, k, cfg->rule_dirs[i], NULL);
    }
    cfg->resolve = strv(c, json_object_get(j, "resolve"), "resolve", NULL, "a \"HOST:PORT:ADDRESS\" string",
                        check_resolve);
    const char *store = get_str(c, j, "store", "a file name (a string)");
    if (!c->failed)
        cfg->store = store && (!strncmp(store, "postgresql://", 13) || !strncmp(store, "postgres://", 11))
                         ? xstrdup(c, store) : rel_path(c, cfg->dir, store ? store : "moonwire.sqlite");
    cfg->user_agent = xstrdup(c, get_str(c, j, "user_agent", NULL));
    if (!c->failed)
        parse_http(c, j, cfg);
    const char *agent = get_str(c, j, "agent", "a product token (a string)");
    if (agent && check_agent(c, "agent", agent))
        agent = NULL;
    cfg->agent = xstrdup(c, agent ? agent : "moonwire");
    cfg->robots = get_bool(c, j, "robots", 1);
    cfg->robots_sitemaps = get_bool(c, j, "robots_sitemaps", 1);
    long long every = get_ms(c, j, "every", 0);
    if (!c->failed && json_object_get(j, "every") && every < 1000)
        bad(c, "every", "must be at least 1s");
    cfg->every_s = every / 1000;
    json_t *srcs = json_object_get(j, "sources");
    if (srcs && json_is_object(srcs) && !json_object_size(srcs))
        srcs = NULL;
    if (srcs && !json_is_array(srcs)) {
        bad(c, "sources", "expected a list of sources: {{feed = URL, outlet = NAME}, ...}");
    } else if (srcs && !c->failed) {
        cfg->sources = calloc(json_array_size(srcs) + 1, sizeof *cfg->sources);
        for (size_t i = 0; cfg->sources && i < json_array_size(srcs) && !c->failed; i++) {
            parse_source(c, json_array_get(srcs, i), &cfg->sources[i], i);
            cfg->nsources = i + 1;
        }
    }
    if (!c->failed)
        parse_sinks(c, json_object_get(j, "sinks"), cfg);
}

struct mw_run_config *mw_run_config_load(const char *path, struct mw_err *err)
{
    json_t *j = eval_file(path, err);
    if (!j)
        return NULL;
    struct mw_run_config *cfg = calloc(1, sizeof *cfg);
    struct ctx c = {path, err, 0, NULL, NULL};
    c.match = mw_match_new(err);
    if (!cfg || !c.match) {
        json_decref(j);
        free(cfg);
        mw_match_free(c.match);
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
                                            "headers", "cookies", "proxy", NULL};
        check_keys(&c, j, "", known);
    }
    json_t *lim = json_object_get(j, "limits");
    if (lim && json_is_array(lim) && !json_array_size(lim))
        lim = NULL;
    if (lim && !json_is_object(lim))
        bad(&c, "limits", "expected a table such as {delay = \"1s\", timeout = \"30s\"}");
    static const char *const lknown[] = {"pages_per_outlet", "max_age", "delay", "connections_per_host",
                                         "connections", "timeout", "connect_timeout", "retries", "backoff",
                                         "max_retry_after", "max_tries", "host_failures", "max_body", "pass_time",
                                         "host_time", "workers", "page_time", "lease", "source_period", NULL};
    if (lim && json_is_object(lim))
        check_keys(&c, lim, "limits", lknown);
    json_t *empty = json_object();
    if (!c.failed)
        parse_top(&c, j, cfg);
    if (!c.failed)
        parse_limits(&c, json_is_object(lim) ? lim : empty, cfg);
    if (!c.failed && !cfg->outlets && !cfg->nsources)
        bad(&c, "outlets", "name at least one outlet (a rule name) or one entry of sources");
    json_decref(empty);
    json_decref(j);
    mw_match_free(c.match);
    if (c.failed || !cfg->file || !cfg->dir || !cfg->store || !cfg->agent || !cfg->sinks) {
        if (!c.failed)
            mw_err_set(err, MW_ENOMEM, "config", "out of memory");
        mw_run_config_free(cfg);
        return NULL;
    }
    return cfg;
}

struct mw_run_config *mw_run_config_new(const char *file)
{
    struct mw_run_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    struct mw_err err = {0};
    struct ctx c = {file, &err, 0, NULL, NULL};
    json_t *empty = json_object();
    cfg->file = strdup(file ? file : "(command line)");
    cfg->dir = strdup(".");
    cfg->agent = strdup("moonwire");
    cfg->robots = cfg->robots_sitemaps = 1;
    if (empty)
        parse_limits(&c, empty, cfg);   /* the defaults, from the one place that states them */
    json_decref(empty);
    if (!empty || c.failed || !cfg->file || !cfg->dir || !cfg->agent) {
        mw_run_config_free(cfg);
        return NULL;
    }
    return cfg;
}
