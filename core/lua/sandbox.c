/* lua/sandbox.c: the sandboxed Lua state: counting allocator with a cap, allow-listed libraries, per-script
 * environments over frozen library proxies, and the count hook that enforces instruction/CPU budgets.
 * The moonwire modules themselves live in l_*.c; this file only opens them. */
#include "lua/sandbox.h"
#include "lua/modules.h"
#include "doc/css.h"

#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOOK_EVERY 1000          /* instructions between budget checks */
#define MEM_RESERVE (2u << 20)   /* headroom after the cap trips, to raise the error itself */

struct mw_lua {
    lua_State *L;
    struct mw_lua_limits lim;
    size_t mem;
    int in_call;
    int mem_tripped;
    int near_cap;                /* the line hook is on to remember where we are */
    int budget_tripped;
    volatile sig_atomic_t interrupted;
    long long instr;
    double cpu_start;
    unsigned hook_fires;
    struct mw_css_cache *css;
    FILE *out;                   /* where print() writes: stdout for eval and the shell, stderr for rules */
    char where[256];             /* last known file:line near the memory cap */
};

void mw_lua_limits_default(struct mw_lua_limits *l)
{
    memset(l, 0, sizeof *l);
    l->mem_max = 64u << 20;
    l->instr_max = 100000000LL;
    l->cpu_max = 1.0;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hook(lua_State *L, lua_Debug *ar);

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct mw_lua *s = ud;
    if (!ptr)
        osize = 0;   /* then osize is a type tag, not a size */
    if (nsize == 0) {
        free(ptr);
        s->mem -= osize;
        return NULL;
    }
    if (nsize > osize) {
        size_t cap = s->lim.mem_max + (s->mem_tripped ? MEM_RESERVE : 0);
        if (s->mem + (nsize - osize) > cap) {
            s->mem_tripped = 1;
            return NULL;
        }
        if (!s->near_cap && s->in_call && s->L && s->mem + nsize > s->lim.mem_max / 2) {
            /* past half the cap: a line hook remembers file:line, since a memory error cannot say it
             * (lua_sethook only sets fields and trap flags, safe from inside the allocator) */
            s->near_cap = 1;
            lua_sethook(s->L, hook, LUA_MASKCOUNT | LUA_MASKLINE, HOOK_EVERY);
        }
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    s->mem = s->mem - osize + nsize;
    return p;
}

static void set_where(struct mw_lua *s, lua_State *L, lua_Debug *ar)
{
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(s->where, sizeof s->where, "%s:%d", ar->short_src, ar->currentline);
}

static void hook(lua_State *L, lua_Debug *ar)
{
    struct mw_lua *s = mw_lua_from(L);
    if (!s->in_call)
        return;
    if (ar->event == LUA_HOOKLINE) {           /* only on near the memory cap: remember where we are */
        set_where(s, L, ar);
        if (!s->mem_tripped)
            return;
    } else {
        s->instr += HOOK_EVERY;
    }
    const char *why = NULL;
    char msg[160];
    if (s->interrupted) {
        why = "interrupted";
    } else if (s->mem_tripped) {
        snprintf(msg, sizeof msg, "memory limit of %zu MB exceeded", s->lim.mem_max >> 20);
        why = msg;
    } else if (s->instr > s->lim.instr_max) {
        snprintf(msg, sizeof msg, "instruction budget of %lld exceeded", s->lim.instr_max);
        why = msg;
    } else if ((++s->hook_fires & 15) == 0 && cpu_now() - s->cpu_start > s->lim.cpu_max) {
        snprintf(msg, sizeof msg, "CPU time budget of %.1f s exceeded", s->lim.cpu_max);
        why = msg;
    }
    if (!why)
        return;
    if (!s->budget_tripped) {
        s->budget_tripped = 1;
        /* from now on every instruction raises, so pcall in the script cannot swallow the stop */
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    }
    lua_getinfo(L, "Sl", ar);
    if (ar->currentline > 0)
        lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, why);
    else
        lua_pushstring(L, why);
    lua_error(L);
}

struct mw_lua *mw_lua_from(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

lua_State *mw_lua_state(struct mw_lua *s) { return s->L; }
const struct mw_lua_limits *mw_lua_limits(struct mw_lua *s) { return &s->lim; }
size_t mw_lua_mem(struct mw_lua *s) { return s->mem; }
struct mw_css_cache *mw_lua_css(struct mw_lua *s) { return s->css; }

FILE *mw_lua_out(lua_State *L)
{
    struct mw_lua *s = mw_lua_from(L);
    return s->out ? s->out : stderr;
}

void mw_lua_set_out(struct mw_lua *s, FILE *f) { s->out = f; }

void mw_lua_interrupt(struct mw_lua *s)
{
    s->interrupted = 1;
}

/* ---- the allow-listed standard library ---- */

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
    fwrite(p, 1, len, mw_lua_out(L));
    fflush(mw_lua_out(L));
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

/* load(chunk [, name [, mode [, env]]]): text only; without env the chunk gets a fresh sandbox env. */
static int l_load(lua_State *L)
{
    size_t len;
    const char *mode = luaL_optstring(L, 3, "t");
    if (strcmp(mode, "t"))
        return luaL_error(L, "load: only text chunks are allowed (mode \"t\"), not \"%s\"", mode);
    int has_env = !lua_isnone(L, 4);
    int status;
    if (lua_type(L, 1) == LUA_TSTRING) {
        const char *code = lua_tolstring(L, 1, &len);
        const char *name = luaL_optstring(L, 2, code);
        status = luaL_loadbufferx(L, code, len, name, "t");
    } else {
        luaL_checktype(L, 1, LUA_TFUNCTION);
        /* collect the pieces first: a reader function cannot call back into Lua safely here */
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (;;) {
            lua_pushvalue(L, 1);
            lua_call(L, 0, 1);
            if (lua_isnil(L, -1) || (lua_isstring(L, -1) && lua_rawlen(L, -1) == 0)) {
                lua_pop(L, 1);
                break;
            }
            if (!lua_isstring(L, -1))
                return luaL_error(L, "load: reader function must return a string");
            luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
        const char *code = lua_tolstring(L, -1, &len);
        status = luaL_loadbufferx(L, code, len, luaL_optstring(L, 2, "=(load)"), "t");
    }
    if (status != LUA_OK) {
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

/* string.rep with the size checked against the memory left, so the error names the caller's line. */
static int l_string_rep(lua_State *L)
{
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    struct mw_lua *s = mw_lua_from(L);
    if (n > 0) {
        double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
        if (total > (double)(s->lim.mem_max - (s->mem < s->lim.mem_max ? s->mem : s->lim.mem_max))) {
            s->mem_tripped = 1;   /* a memory-limit stop like the allocator's: the call ends */
            return luaL_error(L, "memory limit of %d MB exceeded (string.rep of %f bytes)",
                              (int)(s->lim.mem_max >> 20), total);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int frozen_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only table (field '%s')", luaL_tolstring(L, 2, NULL));
}

static int proxy_pairs(lua_State *L)
{
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_getglobal(L, "next");
    lua_insert(L, -2);
    lua_pushnil(L);
    return 3;
}

/* [-1, +1, -] Replace the table on top with a read-only proxy of it. */
static void freeze(lua_State *L)
{
    lua_newtable(L);                 /* proxy */
    lua_newtable(L);                 /* its metatable */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, frozen_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, proxy_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2);
}

static void keep_only(lua_State *L, int idx, const char *const *names)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    for (int i = 0; names[i]; i++) {
        lua_getfield(L, idx, names[i]);
        lua_setfield(L, -2, names[i]);
    }
}

static void open_stdlib(struct mw_lua *s)
{
    lua_State *L = s->L;
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    lua_pop(L, 1);
    static const struct { const char *name; lua_CFunction open; } libs[] = {
        {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine}, {LUA_OSLIBNAME, luaopen_os},
        {LUA_IOLIBNAME, luaopen_io}, {NULL, NULL}};
    for (int i = 0; libs[i].name; i++) {
        luaL_requiref(L, libs[i].name, libs[i].open, 0);   /* not global yet */
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    int G = lua_gettop(L);
    static const char *const drop[] = {"dofile", "loadfile", "require", "collectgarbage", "load", "print", NULL};
    for (int i = 0; drop[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, G, drop[i]);
    }
    lua_pushcfunction(L, l_print);
    lua_setfield(L, G, "print");
    lua_pushcfunction(L, l_collectgarbage);
    lua_setfield(L, G, "collectgarbage");
    lua_pushcfunction(L, l_load);
    lua_setfield(L, G, "load");

    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    int loaded = lua_gettop(L);
    /* string: no dump; rep checked; the string metatable is locked */
    lua_getfield(L, loaded, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_getfield(L, -1, "rep");
    lua_pushcclosure(L, l_string_rep, 1);
    lua_setfield(L, -2, "rep");
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    freeze(L);
    lua_setfield(L, G, LUA_STRLIBNAME);
    static const char *const plain[] = {LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME, LUA_COLIBNAME, NULL};
    for (int i = 0; plain[i]; i++) {
        lua_getfield(L, loaded, plain[i]);
        freeze(L);
        lua_setfield(L, G, plain[i]);
    }
    static const char *const os_ok[] = {"time", "clock", "date", "difftime", NULL};
    lua_getfield(L, loaded, LUA_OSLIBNAME);
    keep_only(L, -1, os_ok);
    freeze(L);
    lua_setfield(L, G, LUA_OSLIBNAME);
    lua_pop(L, 1);
    if (s->lim.allow_files) {
        static const char *const io_ok[] = {"open", "lines", "read", "write", "stdout", "stderr", "type", NULL};
        lua_getfield(L, loaded, LUA_IOLIBNAME);
        keep_only(L, -1, io_ok);
        freeze(L);
        lua_setfield(L, G, LUA_IOLIBNAME);
        lua_pop(L, 1);
    }
    /* package.loaded keeps the real libraries for C; scripts only see the proxies in G */
    lua_pop(L, 2);
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
    lua_newtable(L);
    lua_pushglobaltable(L);
    lua_pushcclosure(L, env_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

static int open_all(lua_State *L)
{
    struct mw_lua *s = lua_touserdata(L, 1);
    open_stdlib(s);
    mw_lua_open_modules(L);
    static const char *const mods[] = {"html", "json", "text", "url", "date", "extract", "http", NULL};
    for (int i = 0; mods[i]; i++) {   /* one script must not change a module under another */
        lua_getglobal(L, mods[i]);
        freeze(L);
        lua_setglobal(L, mods[i]);
    }
    return 0;
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
    s->css = mw_css_cache_new(256);
    s->L = lua_newstate(l_alloc, s);
    if (!s->L || !s->css) {
        mw_err_set(err, MW_ENOMEM, "script", "out of memory creating a Lua state");
        mw_lua_free(s);
        return NULL;
    }
    lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
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
    mw_css_cache_free(s->css);
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
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return mw_err_set(err, MW_ENOMEM, "script", "%s: out of memory", path);
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
    /* skip a #! line like lua.c */
    size_t off = 0;
    if (len > 1 && buf[0] == '#' && buf[1] == '!') {
        while (off < len && buf[off] != '\n')
            off++;
    }
    char name[512];
    snprintf(name, sizeof name, "@%s", path);
    int rc;
    if (off) {
        buf[0] = '-';   /* keep line numbers: turn the #! line into a comment */
        buf[1] = '-';
        rc = mw_lua_load(s, buf, len, name, err);
    } else {
        rc = mw_lua_load(s, buf, len, name, err);
    }
    free(buf);
    return rc;
}

static int msgh_plain(lua_State *L)
{
    if (!lua_isstring(L, 1) && !luaL_callmeta(L, 1, "__tostring"))
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

static int msgh_trace(lua_State *L)
{
    msgh_plain(L);
    luaL_traceback(L, L, lua_tostring(L, -1), 1);
    return 1;
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
    int outer = s->in_call;
    if (!outer) {
        s->instr = 0;
        s->hook_fires = 0;
        s->cpu_start = cpu_now();
        s->mem_tripped = s->budget_tripped = s->near_cap = 0;
        s->interrupted = 0;
        s->where[0] = '\0';
        lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
    }
    s->in_call = 1;
    int st = lua_pcall(L, nargs, nres, fn);
    s->in_call = outer;
    lua_remove(L, fn);
    if (st == LUA_OK) {
        if (!outer && (s->mem_tripped || s->budget_tripped || s->near_cap)) {
            lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
            s->near_cap = 0;
        }
        return MW_OK;
    }
    int limit = s->mem_tripped || s->budget_tripped || st == LUA_ERRMEM;
    if (st == LUA_ERRMEM)
        mw_err_set(err, MW_ELIMIT, "script", "%s: memory limit of %zu MB exceeded",
                   s->where[0] ? s->where : defined, s->lim.mem_max >> 20);
    else
        mw_err_set(err, limit ? MW_ELIMIT : MW_ESCRIPT, "script", "%s",
                   lua_isstring(L, -1) ? lua_tostring(L, -1) : "error");
    lua_pop(L, 1);
    if (!outer) {
        lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
        s->mem_tripped = s->budget_tripped = s->near_cap = 0;
        lua_gc(L, LUA_GCCOLLECT, 0);
    }
    return limit ? MW_ELIMIT : MW_ESCRIPT;
}
