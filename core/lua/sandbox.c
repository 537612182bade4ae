/* lua/sandbox.c: the trust boundary. Which standard functions a script sees (allow-lists below), the
 * read-only proxies every shared table hides behind, a fresh environment per script, text-only loading,
 * and protected calls under a budget. Counting memory and work is lua/budget.c; the step-limited
 * standard functions are lua/std.c and lua/pattern.c; the moonwire modules are the l_*.c files. */
#include "lua/sandbox.h"
#include "lua/budget.h"
#include "lua/modules.h"
#include "lua/std.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_MAX (1u << 20)   /* source bytes load() compiles: compiling is C work no hook sees */

struct mw_lua {
    lua_State *L;
    struct mw_lua_limits lim;
    struct mw_budget *budget;
    FILE *out;                 /* where print() writes: stdout for eval and the shell, stderr for rules */
    size_t live;               /* what the state held after its last full collection (mw_lua_call) */
};

static const char PROXIES = 'p';   /* registry key: the set of read-only proxies (weak keys) */

/* ---- what a script may call ---- */

static const char *const BASE_OK[] = {"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
                                      "rawequal", "rawlen", "select", "tonumber", "tostring", "type", "xpcall",
                                      NULL};
static const char *const STRING_OK[] = {"byte", "char", "find", "format", "gmatch", "gsub", "len", "lower",
                                        "match", "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
                                        NULL};   /* no dump */
static const char *const TABLE_OK[] = {"concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL};
static const char *const MATH_OK[] = {"abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log",
                                      "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random",
                                      "randomseed", "sin", "sqrt", "tan", "tointeger", "type", "ult", "atan",
                                      "asin", "acos", NULL};
static const char *const UTF8_OK[] = {"char", "charpattern", "codepoint", "codes", "len", "offset", NULL};
static const char *const CO_OK[] = {"create", "resume", "yield", "status", "wrap", "isyieldable", "running",
                                    "close", NULL};
static const char *const OS_OK[] = {"time", "clock", "date", "difftime", NULL};
static const char *const IO_OK[] = {"open", "lines", "read", "write", "stdout", "stderr", "type", NULL};
static const char *const MODULES[] = {"html", "json", "text", "url", "date", "extract", "http", NULL};

void mw_lua_limits_default(struct mw_lua_limits *l)
{
    memset(l, 0, sizeof *l);
    l->mem_max = 64u << 20;
    l->instr_max = 100000000LL;
    l->cpu_max = 1.0;
}

struct mw_lua *mw_lua_from(lua_State *L) { return *(struct mw_lua **)lua_getextraspace(L); }
lua_State *mw_lua_state(struct mw_lua *s) { return s->L; }
const struct mw_lua_limits *mw_lua_limits(struct mw_lua *s) { return &s->lim; }
size_t mw_lua_mem(struct mw_lua *s) { return mw_budget_mem(s->budget); }
void mw_lua_set_out(struct mw_lua *s, FILE *f) { s->out = f; }
void mw_lua_interrupt(struct mw_lua *s) { mw_budget_interrupt(s->budget); }

void mw_lua_set_deadline(struct mw_lua *s, double deadline, const char *label)
{
    mw_budget_set_deadline(s->budget, deadline, label);
}

double mw_lua_now(void) { return mw_budget_now(); }
void mw_lua_check(lua_State *L) { mw_budget_check(L); }

/* ---- the functions whose policy is the sandbox's own ---- */

static int l_print(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    size_t len;
    const char *p = lua_tolstring(L, -1, &len);
    mw_budget_charge(L, 1 + (long long)(len / 16));
    FILE *out = mw_lua_from(L)->out ? mw_lua_from(L)->out : stderr;
    fwrite(p, 1, len, out);
    fflush(out);
    return 0;
}

static int l_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "count");
    if (strcmp(opt, "count"))
        return luaL_error(L, "collectgarbage(\"%s\") is not allowed here (only \"count\")", opt);
    int k = lua_gc(L, LUA_GCCOUNT, 0), b = lua_gc(L, LUA_GCCOUNTB, 0);
    lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
    return 1;
}

/* [-0, +1, e] the chunk at 1 (a string, or a reader function) as one string, at most LOAD_MAX bytes */
static void load_source(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_pushvalue(L, 1);
        return;
    }
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t total = 0;
    for (;;) {
        mw_budget_charge(L, 1);
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1) || (lua_isstring(L, -1) && lua_rawlen(L, -1) == 0)) {
            lua_pop(L, 1);
            break;
        }
        if (!lua_isstring(L, -1))
            luaL_error(L, "load: reader function must return a string");
        total += lua_rawlen(L, -1);
        if (total > LOAD_MAX)
            luaL_error(L, "load: chunk larger than %d KB", LOAD_MAX >> 10);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
}

/* load(chunk [, name [, mode [, env]]]): text only, at most LOAD_MAX bytes; without env, a fresh one. */
static int l_load(lua_State *L)
{
    const char *mode = luaL_optstring(L, 3, "t");
    if (strcmp(mode, "t"))
        return luaL_error(L, "load: only text chunks are allowed (mode \"t\"), not \"%s\"", mode);
    int has_env = !lua_isnone(L, 4);
    load_source(L);
    size_t len;
    const char *code = lua_tolstring(L, -1, &len);
    if (len > LOAD_MAX)
        return luaL_error(L, "load: chunk of %I bytes is larger than %d KB", (LUAI_UACINT)len, LOAD_MAX >> 10);
    mw_budget_charge(L, 1 + 2 * (long long)len);   /* compiling costs about two instructions a byte */
    const char *name = luaL_optstring(L, 2, lua_type(L, 1) == LUA_TSTRING ? code : "=(load)");
    if (luaL_loadbufferx(L, code, len, name, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env)
        lua_pushvalue(L, 4);
    else
        mw_lua_push_env(mw_lua_from(L));
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

static int is_proxy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &PROXIES);
    lua_pushvalue(L, idx);
    int yes = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return yes;
}

static int l_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (is_proxy(L, 1))
        return luaL_error(L, "rawset: the table is read-only");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int l_rawget(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    if (is_proxy(L, 1))
        return luaL_error(L, "rawget: the table is read-only");
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

/* setmetatable without __gc: a finalizer runs wherever the collector happens to be, inside another
 * script's call and outside any budget, so scripts get none. */
static int l_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc (finalizers) is not allowed in the sandbox");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* ---- read-only proxies ---- */

static int frozen_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only table (field '%s')", luaL_tolstring(L, 2, NULL));
}

static int proxy_next(lua_State *L)   /* upvalue 1: the table behind the proxy, never handed out */
{
    lua_settop(L, 2);
    return lua_next(L, lua_upvalueindex(1)) ? 2 : 0;
}

static int proxy_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* [-1, +1, m] Replace the table on top with a read-only proxy of it. */
static void freeze(lua_State *L)
{
    int real = lua_gettop(L);
    lua_newtable(L);                 /* the proxy */
    lua_createtable(L, 0, 5);        /* its metatable */
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, frozen_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, real);
    lua_pushcclosure(L, proxy_next, 1);
    lua_pushcclosure(L, proxy_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &PROXIES);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, real);
}

/* ---- opening ---- */

static void open_libs(struct mw_lua *s)
{
    lua_State *L = s->L;
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    lua_pop(L, 1);
    static const struct { const char *name; lua_CFunction open; } libs[] = {
        {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine}, {LUA_OSLIBNAME, luaopen_os},
        {LUA_IOLIBNAME, luaopen_io}, {NULL, NULL}};
    for (int i = 0; libs[i].name; i++) {   /* the real ones stay in package.loaded, out of scripts' reach */
        luaL_requiref(L, libs[i].name, libs[i].open, 0);
        lua_pop(L, 1);
    }
}

/* The globals scripts read through their environments: the allowed base functions, then each library
 * as a proxy of a table of its allowed functions. */
static void build_globals(struct mw_lua *s)
{
    lua_State *L = s->L;
    lua_newtable(L);                                  /* weak-keyed set of proxies */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &PROXIES);

    mw_std_push(L, LUA_GNAME, BASE_OK);
    lua_pushglobaltable(L);
    lua_pushnil(L);                                   /* empty the real globals: only allowed names return */
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, -4);
    }
    lua_insert(L, -2);
    lua_pushnil(L);
    while (lua_next(L, -2)) {                         /* copy the allowed ones back */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5);
    }
    lua_pop(L, 1);
    static const luaL_Reg own[] = {{"print", l_print}, {"collectgarbage", l_collectgarbage}, {"load", l_load},
                                   {"rawset", l_rawset}, {"rawget", l_rawget}, {"setmetatable", l_setmetatable},
                                   {NULL, NULL}};
    luaL_setfuncs(L, own, 0);
    lua_pushliteral(L, LUA_VERSION);
    lua_setfield(L, -2, "_VERSION");
    int G = lua_gettop(L);

    static const struct { const char *lib; const char *const *names; } libs[] = {
        {LUA_STRLIBNAME, STRING_OK}, {LUA_TABLIBNAME, TABLE_OK}, {LUA_MATHLIBNAME, MATH_OK},
        {LUA_UTF8LIBNAME, UTF8_OK}, {LUA_COLIBNAME, CO_OK}, {LUA_OSLIBNAME, OS_OK}, {NULL, NULL}};
    for (int i = 0; libs[i].lib; i++) {
        mw_std_push(L, libs[i].lib, libs[i].names);
        if (!strcmp(libs[i].lib, LUA_STRLIBNAME)) {   /* s:method() looks up this same table, locked */
            lua_pushliteral(L, "");
            lua_getmetatable(L, -1);
            lua_pushvalue(L, -3);
            lua_setfield(L, -2, "__index");
            lua_pushboolean(L, 0);
            lua_setfield(L, -2, "__metatable");
            lua_pop(L, 2);
        }
        freeze(L);
        lua_setfield(L, G, libs[i].lib);
    }
    if (s->lim.allow_files) {
        mw_std_push(L, LUA_IOLIBNAME, IO_OK);
        freeze(L);
        lua_setfield(L, G, LUA_IOLIBNAME);
    }
    lua_pop(L, 1);
}

static void open_modules(struct mw_lua *s)
{
    lua_State *L = s->L;
    mw_lua_open_html(L);
    mw_lua_open_json(L);
    mw_lua_open_text(L);
    mw_lua_open_url(L);
    mw_lua_open_date(L);
    mw_lua_open_extract(L);
    mw_lua_open_http(L, s->lim.allow_http);
    for (int i = 0; MODULES[i]; i++) {   /* one script must not change a module under another */
        lua_getglobal(L, MODULES[i]);
        freeze(L);
        lua_setglobal(L, MODULES[i]);
    }
}

static int open_all(lua_State *L)
{
    struct mw_lua *s = lua_touserdata(L, 1);
    open_libs(s);
    build_globals(s);
    open_modules(s);
    return 0;
}

static int env_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isnil(L, -1))
        return 1;
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
    return 1;
}

void mw_lua_push_env(struct mw_lua *s)
{
    lua_State *L = s->L;
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_createtable(L, 0, 2);
    lua_pushglobaltable(L);
    lua_pushcclosure(L, env_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

struct mw_lua *mw_lua_new(const struct mw_lua_limits *lim, struct mw_err *err)
{
    struct mw_lua *s = calloc(1, sizeof *s);
    if (!s) {
        mw_err_set(err, MW_ENOMEM, "script", "out of memory creating a Lua state");
        return NULL;
    }
    if (lim)
        s->lim = *lim;
    else
        mw_lua_limits_default(&s->lim);
    if (!s->lim.mem_max)
        s->lim.mem_max = 64u << 20;
    s->budget = mw_budget_new(s->lim.mem_max, s->lim.instr_max, s->lim.cpu_max);
    s->L = s->budget ? lua_newstate(mw_budget_alloc, s->budget) : NULL;
    if (!s->L) {
        mw_err_set(err, MW_ENOMEM, "script", "out of memory creating a Lua state");
        mw_lua_free(s);
        return NULL;
    }
    *(struct mw_lua **)lua_getextraspace(s->L) = s;   /* new threads copy it */
    mw_budget_attach(s->budget, s->L);
    lua_pushcfunction(s->L, open_all);
    lua_pushlightuserdata(s->L, s);
    if (lua_pcall(s->L, 1, 0, 0) != LUA_OK) {
        mw_err_set(err, MW_ESCRIPT, "script", "opening the Lua libraries: %s", lua_tostring(s->L, -1));
        mw_lua_free(s);
        return NULL;
    }
    return s;
}

void mw_lua_free(struct mw_lua *s)
{
    if (!s)
        return;
    if (s->L)
        lua_close(s->L);
    mw_budget_free(s->budget);
    free(s);
}

int mw_lua_load(struct mw_lua *s, const char *code, size_t len, const char *chunkname, struct mw_err *err)
{
    lua_State *L = s->L;
    int st = luaL_loadbufferx(L, code, len, chunkname, "t");
    if (st != LUA_OK) {
        mw_err_set(err, st == LUA_ERRMEM ? MW_ENOMEM : MW_ESCRIPT, "script", "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return err ? err->code : MW_ESCRIPT;
    }
    mw_lua_push_env(s);
    lua_setupvalue(L, -2, 1);
    return MW_OK;
}

int mw_lua_loadfile(struct mw_lua *s, const char *path, struct mw_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mw_err_set(err, MW_EIO, "script", "%s: cannot open", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *p = cap <= (64u << 20) ? realloc(buf, cap) : NULL;
            if (!p) {
                free(buf);
                fclose(f);
                return mw_err_set(err, MW_ENOMEM, "script", "%s: out of memory (or larger than 64 MB)", path);
            }
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return mw_err_set(err, MW_EIO, "script", "%s: read error", path);
    }
    if (len > 1 && buf[0] == '#' && buf[1] == '!') {   /* keep line numbers: the #! line becomes a comment */
        buf[0] = '-';
        buf[1] = '-';
    }
    char name[512];
    snprintf(name, sizeof name, "@%s", path);
    int rc = mw_lua_load(s, buf, len, name, err);
    free(buf);
    return rc;
}

/* 1 when msg starts with "chunk:line:" */
static int has_position(const char *msg)
{
    const char *c = strchr(msg, ':');
    if (!c || c == msg || strchr(" \t\n", *msg))
        return 0;
    const char *d = c + 1;
    while (*d >= '0' && *d <= '9')
        d++;
    return d > c + 1 && *d == ':';
}

/* The message, with the file:line of the innermost function of a file in front when it does not already
 * start with it: C raised it without a position ("C stack overflow", a library function's own error), or
 * a chunk the script loaded itself did ("x:1: ..."). Whoever reads it must find the script's line. */
static int msgh_plain(lua_State *L)
{
    if (!lua_isstring(L, 1) && !luaL_callmeta(L, 1, "__tostring"))
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    const char *msg = lua_tostring(L, -1);
    lua_Debug ar;
    for (int level = 1; msg && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        if (ar.source[0] != '@' && has_position(msg))
            continue;   /* a loaded chunk's own position: look further for the file that loaded it */
        size_t n = strlen(ar.short_src);
        if (strncmp(msg, ar.short_src, n) || msg[n] != ':')
            lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
        break;
    }
    return 1;
}

static int msgh_trace(lua_State *L)
{
    msgh_plain(L);
    luaL_traceback(L, L, lua_tostring(L, -1), 1);
    return 1;
}

static void collect(struct mw_lua *s)
{
    lua_gc(s->L, LUA_GCCOLLECT, 0);
    s->live = mw_budget_mem(s->budget);
}

int mw_lua_call(struct mw_lua *s, int nargs, int nres, int traceback, struct mw_err *err)
{
    lua_State *L = s->L;
    int fn = lua_gettop(L) - nargs;
    char defined[256] = "";
    lua_Debug ar;
    lua_pushvalue(L, fn);
    if (lua_getinfo(L, ">S", &ar) && ar.linedefined >= 0)
        snprintf(defined, sizeof defined, "%s:%d", ar.short_src, ar.linedefined > 0 ? ar.linedefined : 1);
    lua_pushcfunction(L, traceback ? msgh_trace : msgh_plain);
    lua_insert(L, fn);
    mw_budget_begin(s->budget);
    int st = lua_pcall(L, nargs, nres, fn);
    int stopped = mw_budget_end(s->budget);
    lua_remove(L, fn);
    int outer = !mw_budget_depth(s->budget);
    if (st == LUA_OK) {
        /* garbage of one call must not crowd the next: collect once an eighth of the cap has come since the
         * last collection (what is still live then, e.g. 10,000 loaded rules, is not garbage: counting it
         * made every call a full collection) */
        if (outer && mw_budget_mem(s->budget) > s->live + s->lim.mem_max / 8)
            collect(s);
        return MW_OK;
    }
    int limit = stopped || st == LUA_ERRMEM;
    if (st == LUA_ERRMEM || (stopped && mw_budget_mem_tripped(s->budget) && !lua_isstring(L, -1)))
        mw_err_set(err, MW_ELIMIT, "script", "%s: memory limit of %zu MB exceeded",
                   mw_budget_where(s->budget)[0] ? mw_budget_where(s->budget) : defined, s->lim.mem_max >> 20);
    else
        mw_err_set(err, limit ? MW_ELIMIT : MW_ESCRIPT, "script", "%s",
                   lua_isstring(L, -1) ? lua_tostring(L, -1) : "error");
    lua_pop(L, 1);
    if (outer)
        collect(s);
    return limit ? MW_ELIMIT : MW_ESCRIPT;
}
