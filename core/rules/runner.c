/* rules/runner.c: the per-page pipeline and the rule registry: loads scripts/lib/rule.lua and every rule
 * file, picks a rule by URL, runs it in the sandbox, and merges its fields with the built-in fallbacks
 * (extract/article.c). Isolation: each rule file is compiled once and run afresh for every page in a new
 * environment, so nothing a rule does outlives the page or reaches another rule; the page's document is
 * lent to the call and detached when it ends, so its nodes cannot be used later. A per-page wall-clock
 * deadline covers decoding, parsing, the rule and the fallbacks. A broken rule costs only its own pages. */
#include "rules/runner.h"
#include "common/dir.h"
#include "doc/html.h"
#include "extract/article.h"
#include "lua/modules.h"
#include "net/url.h"
#include "rules/scan.h"

#include <ctype.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <libxml/xpath.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define COPY_DEPTH 12       /* mw_runner_push_rule: nesting and entries copied out of a rule table */
#define COPY_ENTRIES 10000

struct rule_ent {
    char *name, *file, *outlet, *tz, *lang;
    char **domains;
    size_t ndomains;
    int chunk;                /* the compiled file in the Lua registry; LUA_NOREF for a broken file */
    json_t *info;             /* what mw_runner_rules lists for it (NULL: not JSON, so not listed) */
    char *broken;             /* why the file did not load: its pages get the generic result and this */
    int pending;              /* lazy: name and domains scanned from the text, the file not run yet */
};

struct mw_runner {
    struct mw_runner_opts o;
    char *forced;
    struct mw_lua *lua;
    json_t *load_errors;
    json_t *load_notes;
    struct rule_ent *rules;
    size_t nrules;
    int apply_ref;
    size_t *names;            /* hash set of rule names: index + 1 into rules (0 = empty) */
    size_t nnames;            /* slots, a power of two */
};

/* ---- the names' hash set: a duplicate check per rule, not a scan of every rule before it ---- */

static size_t name_hash(const char *s)
{
    size_t h = (size_t)(1469598103934665603ULL & SIZE_MAX);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
    return h;
}

/* Index of the rule called name, or -1. */
static long name_find(const struct mw_runner *r, const char *name)
{
    for (size_t k = r->nnames ? name_hash(name) & (r->nnames - 1) : 0; r->nnames && r->names[k];
         k = (k + 1) & (r->nnames - 1))
        if (!strcmp(r->rules[r->names[k] - 1].name, name))
            return (long)r->names[k] - 1;
    return -1;
}

static void name_put(size_t *t, size_t n, const char *name, size_t v)
{
    size_t j = name_hash(name) & (n - 1);
    while (t[j])
        j = (j + 1) & (n - 1);
    t[j] = v;
}

/* Remember rules[i] under its name (not yet there). 0, or -1 when memory runs out. */
static int name_add(struct mw_runner *r, size_t i)
{
    if ((i + 1) * 2 > r->nnames) {
        size_t n = r->nnames ? r->nnames * 2 : 64;
        size_t *t = calloc(n, sizeof *t);
        if (!t)
            return -1;
        for (size_t k = 0; k < r->nnames; k++)
            if (r->names[k])
                name_put(t, n, r->rules[r->names[k] - 1].name, r->names[k]);
        free(r->names);
        r->names = t;
        r->nnames = n;
    }
    name_put(r->names, r->nnames, r->rules[i].name, i + 1);
    return 0;
}

void mw_runner_opts_default(struct mw_runner_opts *o)
{
    memset(o, 0, sizeof *o);
    mw_lua_limits_default(&o->limits);
    o->page_seconds = 10.0;
}

static void rule_ent_clear(struct rule_ent *e)
{
    free(e->broken);
    free(e->name);
    free(e->file);
    free(e->outlet);
    free(e->tz);
    free(e->lang);
    for (size_t i = 0; i < e->ndomains; i++)
        free(e->domains[i]);
    free(e->domains);
    json_decref(e->info);
    memset(e, 0, sizeof *e);
}

static void add_entry(struct mw_runner *r, struct rule_ent *e)
{
    long same = e->name ? name_find(r, e->name) : -1;
    if (same >= 0) {   /* a later directory overrides a shipped rule */
        struct rule_ent *old = &r->rules[same];
        if (r->lua && old->chunk != LUA_NOREF)
            luaL_unref(mw_lua_state(r->lua), LUA_REGISTRYINDEX, old->chunk);
        rule_ent_clear(old);
        *old = *e;
        return;
    }
    struct rule_ent *p = realloc(r->rules, (r->nrules + 1) * sizeof *p);
    if (p) {
        r->rules = p;
        p[r->nrules] = *e;
    }
    if (!p || (e->name && name_add(r, r->nrules))) {
        if (r->lua && e->chunk != LUA_NOREF)
            luaL_unref(mw_lua_state(r->lua), LUA_REGISTRYINDEX, e->chunk);
        rule_ent_clear(e);
        return;
    }
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
    e.chunk = LUA_NOREF;
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
    add_entry(r, &e);
}

/* ---- loading a rule file: inside a protected, budgeted call, reading the rule table raw ---- */

struct load_job {
    const char *path;
    struct rule_ent e;
    char msg[600];            /* why the table is not a rule (the call itself went fine) */
};

/* [-0, +0, e] t[key] as a new C string when it is a string (raw: a rule's metamethods do not run here) */
static char *raw_str(lua_State *L, int t, const char *key)
{
    lua_pushstring(L, key);
    lua_rawget(L, t);
    char *s = lua_type(L, -1) == LUA_TSTRING ? strdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

static int conv_json(lua_State *L)
{
    json_t **out = lua_touserdata(L, 2);
    *out = mw_lua_to_json(L, 1);
    return 0;
}

/* [-0, +0, e] JSON of the value at idx, or NULL with msg when it is not JSON (a budget stop raises on) */
static json_t *to_json_or_why(lua_State *L, int idx, char *msg, size_t cap)
{
    json_t *out = NULL;
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, conv_json);
    lua_pushvalue(L, idx);
    lua_pushlightuserdata(L, &out);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        mw_lua_check(L);
        snprintf(msg, cap, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "error");
        lua_pop(L, 1);
        return NULL;
    }
    return out;
}

/* the listing of the rule table at t: the keys mw_runner_rules promises */
static json_t *rule_info(lua_State *L, int t)
{
    static const char *const keys[] = {"name", "outlet", "domains", "article", "lang", "tz", "sources",
                                       "verified", "fixtures", "_file", NULL};
    lua_newtable(L);
    for (int k = 0; keys[k]; k++) {
        lua_pushstring(L, keys[k]);
        lua_rawget(L, t);
        if (lua_isfunction(L, -1))
            lua_pop(L, 1);
        else
            lua_setfield(L, -2, keys[k][0] == '_' ? keys[k] + 1 : keys[k]);
    }
    lua_pushliteral(L, "layouts");
    lua_rawget(L, t);
    lua_pushinteger(L, lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0);
    lua_setfield(L, -3, "layouts");
    lua_pop(L, 1);
    char msg[256];
    json_t *j = to_json_or_why(L, -1, msg, sizeof msg);
    lua_pop(L, 1);
    return j;
}

static int load_main(lua_State *L)   /* 1: job, 2: the compiled chunk */
{
    struct load_job *j = lua_touserdata(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 0, 1);
    int t = lua_gettop(L);
    lua_pushliteral(L, "domains");
    if (!lua_istable(L, t) || lua_rawget(L, t) != LUA_TTABLE) {
        snprintf(j->msg, sizeof j->msg, "%.500s: the file must end with `return rule { ... }`", j->path);
        return 0;
    }
    int dt = lua_gettop(L);
    size_t n = lua_rawlen(L, dt);
    j->e.domains = calloc(n ? n : 1, sizeof *j->e.domains);
    for (size_t i = 0; j->e.domains && i < n; i++) {
        if (lua_rawgeti(L, dt, (lua_Integer)i + 1) == LUA_TSTRING)
            j->e.domains[j->e.ndomains++] = strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pushliteral(L, "_file");
    lua_pushstring(L, j->path);
    lua_rawset(L, t);
    j->e.name = raw_str(L, t, "name");
    j->e.outlet = raw_str(L, t, "outlet");
    j->e.tz = raw_str(L, t, "tz");
    j->e.lang = raw_str(L, t, "lang");
    j->e.info = rule_info(L, t);
    return 0;
}

/* The first line of path holding tok (as a key followed by '=' when key), outside comments; else the line of
 * `rule {`. 0 when the file cannot be read. */
static int find_line(const char *path, const char *tok, int key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096];
    int n = 0, found = 0, call = 0;
    while (!found && fgets(line, sizeof line, f)) {
        n++;
        char *c = strstr(line, "--");   /* a comment does not count */
        if (c)
            *c = '\0';
        if (!call && strstr(line, "rule") && strchr(line, '{'))
            call = n;
        char *t = tok[0] ? strstr(line, tok) : NULL;
        if (t && key) {   /* a key: not inside a longer word, followed by '=' */
            const char *e = t + strlen(tok);
            int word = (t == line || !(isalnum((unsigned char)t[-1]) || t[-1] == '_')) &&
                       !(isalnum((unsigned char)*e) || *e == '_');
            while (*e == ' ' || *e == '\t' || *e == ']' || *e == '"' || *e == '\'')
                e++;
            t = word && *e == '=' ? t : NULL;
        }
        found = t ? n : 0;
    }
    fclose(f);
    return found ? found : call;
}

/* The line of what msg quotes: an option ("unknown option 'dorp'") as a key, a selector ("bad selector
 * \"div[\"") as a string. */
static int token_line(const char *path, const char *msg)
{
    char tok[256] = "";
    int key = 0;
    const char *p;
    if ((p = strstr(msg, "option '")) || (p = strstr(msg, "unknown field '"))) {
        p = strchr(p, '\'') + 1;
        key = 1;
    } else if ((p = strstr(msg, "bad selector \""))) {
        p += 14;
    }
    if (p)
        snprintf(tok, sizeof tok, "%.*s", (int)strcspn(p, key ? "'" : "\""), p);
    return find_line(path, tok, key);
}

/* A rule{} check fails without a position (the file's `return rule {...}` is a tail call): put the file and
 * the line of what it names in front, "scripts/outlets/x.lua:12: rule x: field 'body': unknown option". */
static void with_position(const char *path, const char *msg, char *out, size_t cap)
{
    /* the sandbox's message handler put lib/rule.lua's own line in front (the innermost file): that is
     * where the check raised, not what the rule writer must fix */
    const char *lib = strstr(msg, "lib/rule.lua:");
    if (lib && lib - msg < 300 && strncmp(msg, path, strlen(path))) {
        const char *rest = strstr(lib, ": ");
        if (rest && !strncmp(rest + 2, "rule ", 5))
            msg = rest + 2;
    }
    int line = strncmp(msg, path, strlen(path)) && !strncmp(msg, "rule ", 5) ? token_line(path, msg) : 0;
    size_t n = line ? (size_t)snprintf(out, cap, "%.300s:%d: ", path, line) : 0;
    if (n < cap)
        snprintf(out + n, cap - n, "%s", msg);
}

#define AT_CAP (sizeof(((struct mw_err *)0)->msg) + sizeof(((struct load_job *)0)->msg) + 320)

/* Compile and run the file at path into *e: 1; or 0 with at ("file:line: why", AT_CAP bytes) and *ran
 * (1: the file itself failed, not only its shape). */
static int compile_rule(struct mw_runner *r, const char *path, struct rule_ent *e, char *at, int *ran)
{
    lua_State *L = mw_lua_state(r->lua);
    struct mw_err err = {0};
    struct load_job j = {.path = path};
    j.e.chunk = LUA_NOREF;
    if (mw_lua_loadfile(r->lua, path, &err) == MW_OK) {
        int chunk = lua_gettop(L);
        lua_pushcfunction(L, load_main);
        lua_pushlightuserdata(L, &j);
        lua_pushvalue(L, chunk);
        if (mw_lua_call(r->lua, 2, 0, 0, &err) == MW_OK && !j.msg[0]) {
            j.e.chunk = luaL_ref(L, LUA_REGISTRYINDEX);
            j.e.file = strdup(path);
            if (!j.e.name)
                j.e.name = strdup("?");
            lua_settop(L, 0);
            *e = j.e;
            return 1;
        }
    }
    lua_settop(L, 0);
    rule_ent_clear(&j.e);
    with_position(path, err.msg[0] ? err.msg : j.msg, at, AT_CAP);
    *ran = err.msg[0] != 0;
    return 0;
}

static void load_rule_file(struct mw_runner *r, const char *path)
{
    struct rule_ent e;
    char at[AT_CAP];
    int ran = 0;
    if (compile_rule(r, path, &e, at, &ran)) {
        add_entry(r, &e);
        return;
    }
    load_error(r, at);
    if (ran)
        add_broken(r, path, at);
}

/* Lazy: an entry for the file from its scanned name and domains (1), or 0 when the file must be run now (it
 * has another shape, or is over 64 KB). The text is read into the stack: no heap to grow and trim per file. */
static int index_rule_file(struct mw_runner *r, int dirfd, const char *name, const char *path)
{
    char text[65536];
    int fd = dirfd >= 0 ? openat(dirfd, name, O_RDONLY | O_CLOEXEC) : -1;   /* no walk of the whole path */
    if (fd < 0)
        return 0;
    /* one read: a regular file gives all it has up to the buffer's size (a short text ends the scan unsure) */
    ssize_t got = read(fd, text, sizeof text);
    close(fd);
    struct mw_rule_scan sc;
    if (got <= 0 || (size_t)got == sizeof text || !mw_rule_scan(text, (size_t)got, &sc))
        return 0;
    struct rule_ent e = {.name = sc.name, .domains = sc.domains, .ndomains = sc.ndomains, .chunk = LUA_NOREF,
                         .pending = 1, .file = strdup(path)};
    if (!e.file) {
        mw_rule_scan_clear(&sc);
        return 0;
    }
    add_entry(r, &e);
    return 1;
}

/* Run a pending entry's file now: the entry becomes the loaded rule, or broken with the load error (reported
 * through opts.on_load_error as it happens). Its name stays the scanned one (the one it is known by). */
static void ensure_loaded(struct mw_runner *r, struct rule_ent *e)
{
    if (!e || !e->pending)
        return;
    e->pending = 0;
    struct rule_ent got;
    char at[AT_CAP];
    int ran = 0;
    if (!compile_rule(r, e->file, &got, at, &ran)) {
        e->broken = strdup(at);
        load_error(r, at);
        if (r->o.on_load_error)
            r->o.on_load_error(r->o.on_load_ctx, at);
        return;
    }
    free(got.name);
    got.name = e->name;
    e->name = NULL;
    rule_ent_clear(e);
    *e = got;
}

static void ensure_all_loaded(struct mw_runner *r)
{
    for (size_t i = 0; i < r->nrules; i++)
        ensure_loaded(r, &r->rules[i]);
}

static void load_dir(struct mw_runner *r, const char *dir)
{
    size_t n;
    char **names = mw_dir_list(dir, &n);
    int dirfd = r->o.lazy ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (l < 5 || strcmp(names[i] + l - 4, ".lua"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!r->o.lazy || !index_rule_file(r, dirfd, names[i], path))
            load_rule_file(r, path);
    }
    if (dirfd >= 0)
        close(dirfd);
    mw_dir_list_free(names, n);
}

/* One domain of one rule, for note_shared_domains: the rules' domains sorted by (folded domain, rule, index)
 * bring the rules sharing a domain together without comparing every pair of rules. */
struct dom_ref {
    char *fold;       /* the domain in lower case (strcasecmp's equality, C locale) */
    size_t rule, at;
};

struct dom_pair {
    size_t i, j, a, b;   /* rules[i].domains[a] and rules[j].domains[b], i < j */
};

static int dom_ref_cmp(const void *x, const void *y)
{
    const struct dom_ref *p = x, *q = y;
    int c = strcmp(p->fold, q->fold);
    if (c)
        return c;
    return p->rule != q->rule ? (p->rule > q->rule ? 1 : -1) : (p->at > q->at) - (p->at < q->at);
}

static int dom_pair_cmp(const void *x, const void *y)
{
    const struct dom_pair *p = x, *q = y;
    const size_t u[4] = {p->i, p->j, p->a, p->b}, v[4] = {q->i, q->j, q->a, q->b};
    for (int k = 0; k < 4; k++)
        if (u[k] != v[k])
            return u[k] > v[k] ? 1 : -1;
    return 0;
}

static void note_shared_pair(struct mw_runner *r, const struct dom_pair *p)
{
    const struct rule_ent *x = &r->rules[p->i], *y = &r->rules[p->j];
    const char *d = x->domains[p->a];
    char msg[1400];
    snprintf(msg, sizeof msg, "%.400s:%d: rule %s and %.400s:%d: rule %s both claim domain \"%s\": "
             "%s is used for its pages, as the rule loaded later (rule directories given later, "
             "MOONWIRE_RULES and ~/.config/moonwire/rules, override scripts/outlets; in one "
             "directory files load in name order)", y->file, find_line(y->file, d, 0), y->name,
             x->file, find_line(x->file, d, 0), x->name, d, y->name);
    json_array_append_new(r->load_notes, json_string(msg));
}

/* The pairs of refs [lo, hi) (one folded domain) from two different rules, appended to *ps. -1: no memory. */
static int shared_pairs(const struct dom_ref *refs, size_t lo, size_t hi, struct dom_pair **ps, size_t *n,
                        size_t *cap)
{
    for (size_t u = lo; u < hi; u++)
        for (size_t v = u + 1; v < hi; v++) {
            if (refs[u].rule == refs[v].rule)
                continue;
            if (*n == *cap) {
                size_t c = *cap ? *cap * 2 : 16;
                struct dom_pair *np = realloc(*ps, c * sizeof *np);
                if (!np)
                    return -1;
                *ps = np;
                *cap = c;
            }
            (*ps)[(*n)++] = (struct dom_pair){refs[u].rule, refs[v].rule, refs[u].at, refs[v].at};
        }
    return 0;
}

/* Two rules naming the same domain: find_rule takes the one loaded later (a rule directory given later
 * overrides an earlier one, as a rule of the same name does; within a directory, files load in name order).
 * Each pair is one note, so the writer of the losing rule learns why it never runs; the notes come in the
 * order of the rules, then of their domains. */
static void note_shared_domains(struct mw_runner *r)
{
    size_t total = 0, n = 0, np = 0, cap = 0;
    for (size_t i = 0; i < r->nrules; i++)
        total += r->rules[i].ndomains;
    struct dom_ref *refs = calloc(total ? total : 1, sizeof *refs);
    struct dom_pair *pairs = NULL;
    for (size_t i = 0; refs && i < r->nrules; i++)
        for (size_t a = 0; a < r->rules[i].ndomains; a++) {
            char *f = strdup(r->rules[i].domains[a]);
            if (!f)
                goto done;
            for (char *c = f; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            refs[n++] = (struct dom_ref){f, i, a};
        }
    if (!refs)
        return;
    qsort(refs, n, sizeof *refs, dom_ref_cmp);
    for (size_t lo = 0, hi; lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && !strcmp(refs[hi].fold, refs[lo].fold); hi++)
            ;
        if (hi - lo > 1 && shared_pairs(refs, lo, hi, &pairs, &np, &cap))
            goto done;
    }
    if (np)
        qsort(pairs, np, sizeof *pairs, dom_pair_cmp);
    for (size_t k = 0; k < np; k++)
        note_shared_pair(r, &pairs[k]);
done:
    for (size_t k = 0; k < n; k++)
        free(refs[k].fold);
    free(refs);
    free(pairs);
}

static int runtime_main(lua_State *L)   /* 1: the runner, 2: rule.lua's chunk */
{
    struct mw_runner *r = lua_touserdata(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1))
        return luaL_error(L, "lib/rule.lua must return its module table");
    lua_getfield(L, -1, "rule");
    lua_setglobal(L, "rule");
    lua_getfield(L, -1, "apply");
    r->apply_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
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
    r->load_notes = json_array();
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
    if (mw_lua_loadfile(r->lua, path, err) == MW_OK) {
        lua_pushcfunction(L, runtime_main);
        lua_insert(L, -2);
        lua_pushlightuserdata(L, r);
        lua_insert(L, -2);
        mw_lua_call(r->lua, 2, 0, 0, err);
    }
    lua_settop(L, 0);
    if (err && err->code) {
        mw_runner_free(r);
        return NULL;
    }
    snprintf(path, sizeof path, "%s/outlets", o->scripts_dir);
    load_dir(r, path);
    for (int i = 0; o->rule_dirs && o->rule_dirs[i]; i++)
        load_dir(r, o->rule_dirs[i]);
    note_shared_domains(r);
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
    json_decref(r->load_notes);
    free(r->forced);
    free(r);
}

const json_t *mw_runner_load_errors(struct mw_runner *r) { return r->load_errors; }
const json_t *mw_runner_load_notes(struct mw_runner *r) { return r->load_notes; }
struct mw_lua *mw_runner_lua(struct mw_runner *r) { return r->lua; }

void mw_runner_interrupt(struct mw_runner *r)
{
    if (r && r->lua)
        mw_lua_interrupt(r->lua);
}

static struct rule_ent *rule_named(struct mw_runner *r, const char *name)
{
    long i = name ? name_find(r, name) : -1;
    return i >= 0 ? &r->rules[i] : NULL;
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
            /* the longest domain wins; of equal ones, the rule loaded later (see note_shared_domains) */
            if (l >= best_len && l && mw_url_host_matches(host, r->rules[i].domains[j])) {
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

/* ---- one page through one rule ---- */

struct page_job {
    struct mw_runner *r;
    struct rule_ent *e;
    xmlDocPtr doc;                    /* lent to the call */
    json_t *fields, *orig, *warns;    /* what the rule returned, as JSON */
    char why[600];                    /* fields not JSON: why */
};

static int page_main(lua_State *L)
{
    struct page_job *j = lua_touserdata(L, 1);
    lua_settop(L, 1);
    mw_lua_push_doc_borrowed(L, j->doc);   /* 2: detached however the call ends */
    lua_toclose(L, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->e->chunk);
    mw_lua_push_env(j->r->lua);            /* this page's own environment: nothing of another page */
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 1);                     /* 3: the rule, made afresh */
    if (!lua_istable(L, 3))
        return luaL_error(L, "%s: the file no longer returns a rule table", j->e->file);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->r->apply_ref);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 3);                     /* 4 fields, 5 origin, 6 warnings */
    char msg[8];
    j->fields = to_json_or_why(L, 4, j->why, sizeof j->why);
    j->orig = to_json_or_why(L, 5, msg, sizeof msg);
    j->warns = to_json_or_why(L, 6, msg, sizeof msg);
    return 0;
}

static void set_deadline_error(json_t *rec, const struct mw_runner *r, const char *where)
{
    struct mw_err err = {0};
    mw_err_set(&err, MW_ELIMIT, "extract", "page time limit of %g s exceeded (%s)", r->o.page_seconds, where);
    mw_article_set_error(rec, &err);
}

static int past(double deadline) { return deadline > 0 && mw_lua_now() > deadline; }

/* The rule's page function under the page's deadline; the stack is left empty. */
static int call_page(struct mw_runner *r, struct page_job *j, double deadline, struct mw_err *err)
{
    lua_State *L = mw_lua_state(r->lua);
    char label[64];
    snprintf(label, sizeof label, "page time limit of %g s", r->o.page_seconds);
    mw_lua_set_deadline(r->lua, deadline, label);
    lua_pushcfunction(L, page_main);
    lua_pushlightuserdata(L, j);
    int rc = mw_lua_call(r->lua, 1, 0, 0, err);
    mw_lua_set_deadline(r->lua, 0, NULL);
    lua_settop(L, 0);
    return rc;
}

/* The rule's fields into the record: only the record's own keys, never url, rule or error. */
static void merge_fields(json_t *rec, const struct page_job *j, json_t *origin)
{
    const char *k;
    json_t *v;
    json_object_foreach(j->fields, k, v) {
        if (json_object_get(rec, k) && strcmp(k, "url") && strcmp(k, "rule") && strcmp(k, "error"))
            json_object_set(rec, k, v);
    }
    if (origin && json_is_object(j->orig))
        json_object_update(origin, j->orig);
}

/* What the rule's run gave: 1 its fields are in; 0 it failed and the generic extractor stands in (a warning
 * says why); -1 it ran out of the page's time, and the record says so. */
static int settle(struct mw_runner *r, struct rule_ent *e, json_t *rec, struct page_job *j, int rc,
                  const struct mw_err *err, json_t *origin, double deadline)
{
    char w[800];
    if (rc == MW_OK && json_is_object(j->fields)) {
        merge_fields(rec, j, origin);
        return 1;
    }
    if (rc == MW_OK) {
        snprintf(w, sizeof w, "%s: the rule returned fields that are not JSON (%s), generic used", e->name,
                 j->fields ? "not a table" : j->why);
        warn(rec, w);
        return 0;
    }
    if (past(deadline)) {
        json_object_set_new(rec, "rule", json_string(e->name));
        if (e->outlet)
            json_object_set_new(rec, "outlet", json_string(e->outlet));
        snprintf(w, sizeof w, "in rule %s: %s", e->name, err->msg);
        set_deadline_error(rec, r, w);
        return -1;
    }
    snprintf(w, sizeof w, "%s: %s; generic used", e->name, err->msg);
    warn(rec, w);
    return 0;
}

/* What the rule left out: metadata, then the generic extractor; the rule's language as the last word. */
static void fallbacks(struct mw_runner *r, struct rule_ent *e, json_t *rec, xmlDocPtr doc,
                      struct mw_article_opts *ao, json_t *origin, double deadline)
{
    if (past(deadline)) {
        set_deadline_error(rec, r, "after the rule");
        return;
    }
    struct mw_err ferr = {0};
    if (mw_article_fill(rec, doc, ao, origin, &ferr))
        mw_article_set_error(rec, &ferr);
    if (mw_article_empty(json_object_get(rec, "lang")) && e->lang)
        json_object_set_new(rec, "lang", json_string(e->lang));
    if (past(deadline))
        set_deadline_error(rec, r, "in the fallbacks");
}

/* Run the rule on doc (lent, not freed here); the record, or NULL on OOM. */
static json_t *run_rule(struct mw_runner *r, struct rule_ent *e, xmlDocPtr doc, const char *url, const char *fetched,
                        double deadline)
{
    struct mw_article_opts ao = {url, e->tz, e->lang, NULL, fetched, NULL};
    json_t *rec = mw_article_new(url);
    if (!rec)
        return NULL;
    json_t *origin = r->o.explain ? json_object() : NULL;
    struct page_job j = {.r = r, .e = e, .doc = doc};
    struct mw_err err = {0};
    int rc = call_page(r, &j, deadline, &err);
    int ok = settle(r, e, rec, &j, rc, &err, origin, deadline);
    if (ok < 0) {
        json_decref(origin);
        origin = NULL;
    } else {
        size_t i;
        json_t *v;
        if (json_is_array(j.warns))
            json_array_foreach(j.warns, i, v) if (json_is_string(v)) warn(rec, json_string_value(v));
        json_object_set_new(rec, "rule", json_string(ok ? e->name : "generic"));
        if (e->outlet)
            json_object_set_new(rec, "outlet", json_string(e->outlet));
        if (!ok && origin)   /* a failed rule leaves nothing behind: its fields were never merged */
            json_object_clear(origin);
        ao.settled = ok && json_is_object(j.orig) ? j.orig : NULL;
        fallbacks(r, e, rec, doc, &ao, origin, deadline);
    }
    json_decref(j.fields);
    json_decref(j.orig);
    json_decref(j.warns);
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

/* The built-in record for doc; its generic body, if any, is handed back in *late (see mw_article_opts) for
 * extract_page to set once the tree is gone. */
static json_t *generic_record(struct mw_runner *r, xmlDocPtr doc, const char *url, const char *fetched,
                              double deadline, char **late)
{
    struct mw_err err = {0};
    json_t *origin = r->o.explain ? json_object() : NULL;
    struct mw_article_opts ao = {url, NULL, NULL, NULL, fetched, late};
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
    if (rec && past(deadline))
        set_deadline_error(rec, r, "in the generic extractor");
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
    return mw_runner_extract_at(r, rule, bytes, len, url, content_type, NULL);
}

/* A page this big leaves its tree's memory (about three times its size, in small blocks among others still
 * in use) free but kept by malloc: it is given back to the system before the record is serialised. Smaller
 * pages' memory is simply reused by the next. */
#define GIVE_BACK_AT ((size_t)4 << 20)

static void give_back(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* The generic body handed back late becomes the record's "body" (*late freed, NULL after). A big page's waits
 * until its tree is freed: the tree and two copies of its text are then never alive together. A smaller
 * page's is set before: copied after the tree's free, the string's large malloc made glibc sweep the tree's
 * thousands of freed blocks into its bins at once (malloc_consolidate), and the next page's parse split them
 * again: 6% of the CPU of `moonwire extract -j 1 --generic` over generic/. */
static void set_body(json_t *rec, char **late)
{
    if (!*late)
        return;
    json_t *b = rec ? json_string(*late) : NULL;
    if (b)
        json_object_set_new(rec, "body", b);
    free(*late);
    *late = NULL;
}

/* own: the caller's pointer to bytes, freed once they are parsed (NULL: lent) */
static json_t *extract_page(struct mw_runner *r, const char *rule, const char *bytes, size_t len, char **own,
                            const char *url, const char *content_type, const char *fetched)
{
    double deadline = r->o.page_seconds > 0 ? mw_lua_now() + r->o.page_seconds : 0;
    struct mw_err err = {0};
    xmlDocPtr doc = own ? mw_html_parse_take(own, len, content_type, url, NULL, &err)
                        : mw_html_parse_bytes(bytes, len, content_type, url, NULL, &err);
    if (!doc || past(deadline)) {
        json_t *rec = mw_article_new(url);
        if (rec && doc)
            set_deadline_error(rec, r, "while decoding and parsing");
        else if (rec)
            mw_article_set_error(rec, &err);
        xmlFreeDoc(doc);
        return rec;
    }
    char *found = url ? NULL : page_url(doc);
    const char *u = url ? url : found;
    struct rule_ent *e = (r->lua && !r->o.generic_only) ? (rule ? rule_named(r, rule) : find_rule(r, u)) : NULL;
    ensure_loaded(r, e);
    json_t *rec;
    char *late = NULL;   /* a generic body, set into rec by set_body */
    if (e && e->broken) {
        rec = generic_record(r, doc, u, fetched, deadline, &late);
        if (rec) {
            char w[700];
            snprintf(w, sizeof w, "%s: the rule file did not load (%s); generic used", e->name, e->broken);
            warn(rec, w);
        }
    } else if (e) {
        rec = run_rule(r, e, doc, u, fetched, deadline);
    } else {
        rec = generic_record(r, doc, u, fetched, deadline, &late);
    }
    if (len < GIVE_BACK_AT)
        set_body(rec, &late);
    xmlFreeDoc(doc);
    free(found);
    if (len >= GIVE_BACK_AT)
        give_back();
    set_body(rec, &late);   /* a big page's: only now that its tree is gone */
    return rec;
}

json_t *mw_runner_extract_at(struct mw_runner *r, const char *rule, const char *bytes, size_t len, const char *url,
                             const char *content_type, const char *fetched)
{
    return extract_page(r, rule, bytes, len, NULL, url, content_type, fetched);
}

json_t *mw_runner_extract_take(struct mw_runner *r, const char *rule, char **bytes, size_t len, const char *url,
                               const char *content_type, const char *fetched)
{
    return extract_page(r, rule, *bytes ? *bytes : "", len, bytes, url, content_type, fetched);
}

json_t *mw_runner_rules(struct mw_runner *r)
{
    ensure_all_loaded(r);
    json_t *out = json_array();
    for (size_t i = 0; out && i < r->nrules; i++)
        if (!r->rules[i].broken && r->rules[i].info)
            json_array_append_new(out, json_deep_copy(r->rules[i].info));
    return out;
}

json_t *mw_runner_rule_info(struct mw_runner *r, const char *name)
{
    struct rule_ent *e = rule_named(r, name);
    ensure_loaded(r, e);
    return e && !e->broken && e->info ? json_deep_copy(e->info) : NULL;
}

/* ---- a rule's table for the shell, copied out of the runner's state ---- */

struct copy_job {
    lua_State *from;
    int idx;
    int left;
};

static void copy_value(lua_State *to, struct copy_job *c, int idx, int depth)
{
    lua_State *from = c->from;
    luaL_checkstack(to, 6, "copying a rule");
    if (!lua_checkstack(from, 6))
        luaL_error(to, "copying a rule: too deep");
    switch (lua_type(from, idx)) {
    case LUA_TBOOLEAN: lua_pushboolean(to, lua_toboolean(from, idx)); return;
    case LUA_TNUMBER:
        if (lua_isinteger(from, idx))
            lua_pushinteger(to, lua_tointeger(from, idx));
        else
            lua_pushnumber(to, lua_tonumber(from, idx));
        return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(from, idx, &n);
        lua_pushlstring(to, s, n);
        return;
    }
    case LUA_TFUNCTION: {
        lua_Debug ar;
        lua_pushvalue(from, idx);
        if (lua_getinfo(from, ">S", &ar) && ar.linedefined > 0)
            lua_pushfstring(to, "function %s:%d", ar.short_src, ar.linedefined);
        else
            lua_pushliteral(to, "builtin function");
        return;
    }
    case LUA_TTABLE:
        if (depth >= COPY_DEPTH || c->left <= 0) {
            lua_pushliteral(to, "…");
            return;
        }
        idx = lua_absindex(from, idx);
        lua_newtable(to);
        lua_pushnil(from);
        while (lua_next(from, idx) && c->left-- > 0) {   /* raw: the rule's metamethods do not run */
            copy_value(to, c, -2, depth + 1);
            copy_value(to, c, -1, depth + 1);
            lua_rawset(to, -3);
            lua_pop(from, 1);
        }
        return;
    default: lua_pushstring(to, lua_typename(from, lua_type(from, idx))); return;
    }
}

static int copy_main(lua_State *to)
{
    struct copy_job *c = lua_touserdata(to, 1);
    copy_value(to, c, c->idx, 0);
    return 1;
}

int mw_runner_push_rule(struct mw_runner *r, const char *name, lua_State *to, struct mw_err *err)
{
    struct rule_ent *e = rule_named(r, name);
    ensure_loaded(r, e);
    if (!e || e->broken || !r->lua)
        return mw_err_set(err, MW_ENOTFOUND, "rule", "no rule named \"%s\" is loaded", name ? name : "");
    lua_State *L = mw_lua_state(r->lua);
    int top = lua_gettop(L);
    if (mw_lua_loadfile(r->lua, e->file, err) || mw_lua_call(r->lua, 0, 1, 0, err)) {
        lua_settop(L, top);
        return err ? err->code : MW_ESCRIPT;
    }
    if (!lua_istable(L, -1)) {
        lua_settop(L, top);
        return mw_err_set(err, MW_ESCRIPT, "rule", "%s: the file no longer returns a rule table", e->file);
    }
    struct copy_job c = {L, lua_gettop(L), COPY_ENTRIES};
    lua_pushcfunction(to, copy_main);
    lua_pushlightuserdata(to, &c);
    int st = lua_pcall(to, 1, 1, 0);
    lua_settop(L, top);
    if (st != LUA_OK) {
        mw_err_set(err, MW_ENOMEM, "rule", "copying rule %s: %s", name, lua_tostring(to, -1));
        lua_pop(to, 1);
        return MW_ENOMEM;
    }
    return MW_OK;
}
