/* lua/budget.c: memory, work and time accounting for Lua states, the count hook that enforces it, and the
 * libxml2/jansson allocator hooks that count C-side memory against the state whose call is running on
 * this thread. Which functions a script may call is lua/sandbox.c's business; this file only counts. */
#include "lua/budget.h"

#include <jansson.h>
#include <lauxlib.h>
#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOK_EVERY 1000            /* instructions between hook calls: bounds how long a stop waits */
#define SLOW_EVERY 20              /* ... once the call holds a big block: then one instruction can take
                                      milliseconds (comparing two long strings, copying big varargs) */
#define BIG_BLOCK (1u << 20)       /* a block this big makes the hook come every SLOW_EVERY */
#define MEM_RESERVE (2u << 20)      /* headroom after the cap trips, to raise the error itself */
#define ALLOC_BYTES_PER_UNIT 32     /* allocating (and touching) 32 bytes costs about one instruction */
#define CLOCK_EVERY 1000000         /* work units between clock reads in mw_budget_charge */
#define CPU_CHECK_SECONDS 0.005     /* wall time between CPU-time reads once the call could be over */
#define CLOSE_DEPTH_MAX 64          /* nested coroutine.close calls (each costs C stack in Lua 5.4.4) */

struct mw_budget {
    size_t mem_max;
    long long work_max;
    double cpu_max;
    lua_State *L;                   /* main thread: gets the every-instruction hook when the call stops */
    size_t lua_mem;                 /* the Lua allocator's bytes (owner thread only) */
    atomic_size_t xml_mem;          /* libxml2 blocks counted here (they carry a header naming us) */
    atomic_long refs;               /* 1 for the owner + 1 per counted libxml2 block */
    size_t json_mem;                /* jansson bytes allocated minus freed during this call */
    size_t reserved;                /* what bindings reserved for their C buffers */
    int depth;                      /* nesting of begin/end; 0 outside calls */
    long long work, next_clock;
    double cpu_start, wall_start, last_cpu_check;
    int every;                      /* the hook's count now: HOOK_EVERY, or SLOW_EVERY once slow */
    double deadline;
    char deadline_label[64];
    int tripped, mem_tripped, near_cap;
    atomic_int interrupted;
    char why[192], where[256];
    uintptr_t stack_base;
    int close_depth;
    struct mw_budget *prev;         /* what was current before the outermost begin (a state calling another) */
};

static _Thread_local struct mw_budget *current;
static _Thread_local uintptr_t stack_base;

static void hook(lua_State *L, lua_Debug *ar);

/* ---- clocks ---- */

double mw_budget_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- life ---- */

struct mw_budget *mw_budget_new(size_t mem_max, long long work_max, double cpu_max)
{
    struct mw_budget *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->mem_max = mem_max;
    b->work_max = work_max > 0 ? work_max : LLONG_MAX / 2;
    b->cpu_max = cpu_max > 0 ? cpu_max : 1e9;
    atomic_init(&b->xml_mem, 0);
    atomic_init(&b->refs, 1);
    atomic_init(&b->interrupted, 0);
    return b;
}

static void unref(struct mw_budget *b)
{
    if (atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

void mw_budget_free(struct mw_budget *b)
{
    if (b)
        unref(b);
}

void mw_budget_attach(struct mw_budget *b, lua_State *L)
{
    b->L = L;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
}

struct mw_budget *mw_budget_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

size_t mw_budget_mem(const struct mw_budget *b)
{
    return b->lua_mem + atomic_load(&b->xml_mem) + b->json_mem + b->reserved;
}

size_t mw_budget_mem_max(const struct mw_budget *b) { return b->mem_max; }
const char *mw_budget_why(const struct mw_budget *b) { return b->tripped ? b->why : ""; }
int mw_budget_mem_tripped(const struct mw_budget *b) { return b->mem_tripped; }
const char *mw_budget_where(const struct mw_budget *b) { return b->where; }
void mw_budget_interrupt(struct mw_budget *b) { atomic_store(&b->interrupted, 1); }

void mw_budget_set_deadline(struct mw_budget *b, double deadline, const char *label)
{
    b->deadline = deadline;
    snprintf(b->deadline_label, sizeof b->deadline_label, "%s", label ? label : "time limit");
}

double mw_budget_seconds_left(lua_State *L)
{
    struct mw_budget *b = mw_budget_of(L);
    if (!b->depth || b->deadline <= 0)
        return 1e9;
    double left = b->deadline - mw_budget_now();
    return left > 0 ? left : 0;
}

int mw_budget_depth(const struct mw_budget *b) { return b->depth; }

/* ---- stopping ---- */

/* Every instruction of L (and of the main thread) calls the hook from now on. */
static void arm_stop(struct mw_budget *b, lua_State *L)
{
    if (b->L)
        lua_sethook(b->L, hook, LUA_MASKCOUNT, 1);
    if (L && L != b->L)
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
}

static void trip(struct mw_budget *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trip(struct mw_budget *b, const char *fmt, ...)
{
    if (b->tripped)
        return;
    b->tripped = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->why, sizeof b->why, fmt, ap);
    va_end(ap);
}

static void trip_mem(struct mw_budget *b)
{
    b->mem_tripped = 1;
    if (b->depth)
        trip(b, "memory limit of %zu MB exceeded", b->mem_max >> 20);
}

/* Read the clocks and the flags; trip when over. Cheap enough for every hook call. */
static void check(struct mw_budget *b)
{
    if (b->tripped)
        return;
    if (atomic_load(&b->interrupted)) {
        trip(b, "interrupted");
        return;
    }
    if (b->mem_tripped) {
        trip_mem(b);
        return;
    }
    if (b->work > b->work_max) {
        trip(b, "instruction budget of %lld exceeded", b->work_max);
        return;
    }
    double now = mw_budget_now();
    if (b->deadline > 0 && now > b->deadline) {
        trip(b, "%s exceeded", b->deadline_label);
        return;
    }
    /* CPU time never runs ahead of wall time on one thread: read it only once the call could be over */
    if (now - b->wall_start >= b->cpu_max && now - b->last_cpu_check >= CPU_CHECK_SECONDS) {
        b->last_cpu_check = now;
        if (cpu_now() - b->cpu_start > b->cpu_max)
            trip(b, "CPU time budget of %.1f s exceeded", b->cpu_max);
    }
}

/* [-0, +0, v] raise the stop at the Lua caller's file:line */
static int raise_stop(lua_State *L, struct mw_budget *b)
{
    arm_stop(b, L);
    luaL_where(L, 1);
    lua_pushstring(L, b->why);
    lua_concat(L, 2);
    return lua_error(L);
}

static void set_where(struct mw_budget *b, lua_State *L, lua_Debug *ar)
{
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(b->where, sizeof b->where, "%s:%d", ar->short_src, ar->currentline);
}

static void hook(lua_State *L, lua_Debug *ar)
{
    struct mw_budget *b = mw_budget_of(L);
    if (!b->depth)
        return;
    if (ar->event == LUA_HOOKLINE) {   /* on only near the memory cap: remember where we are */
        set_where(b, L, ar);
        if (!b->tripped && !b->mem_tripped)
            return;
    } else if (!b->tripped) {
        b->work += lua_gethookcount(L);
        if (lua_gethookcount(L) != b->every)   /* a coroutine made before the state got big blocks */
            lua_sethook(L, hook, lua_gethookmask(L), b->every);
    }
    check(b);
    if (!b->tripped)
        return;
    arm_stop(b, L);
    lua_getinfo(L, "Sl", ar);
    if (ar->currentline > 0)
        lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, b->why);
    else
        lua_pushstring(L, b->why);
    lua_error(L);
}

void mw_budget_hook_thread(lua_State *co)
{
    struct mw_budget *b = mw_budget_of(co);
    int mask = LUA_MASKCOUNT | (b->near_cap ? LUA_MASKLINE : 0);
    lua_sethook(co, hook, mask, b->tripped ? 1 : b->every ? b->every : HOOK_EVERY);
}

int mw_budget_stopped(lua_State *L)
{
    struct mw_budget *b = mw_budget_of(L);
    if (b->depth)
        check(b);
    return b->tripped;
}

/* ---- calls ---- */

void mw_budget_begin(struct mw_budget *b)
{
    if (b->depth++)
        return;
    b->prev = current;
    current = b;
    char here;
    b->stack_base = stack_base;
    if (!stack_base)
        stack_base = (uintptr_t)&here;
    b->work = 0;
    b->next_clock = CLOCK_EVERY;
    b->wall_start = b->last_cpu_check = mw_budget_now();
    b->every = HOOK_EVERY;
    b->cpu_start = cpu_now();
    b->tripped = b->mem_tripped = b->near_cap = 0;
    b->why[0] = b->where[0] = '\0';
    b->json_mem = 0;
    b->reserved = 0;
    b->close_depth = 0;
    atomic_store(&b->interrupted, 0);
    if (b->L)
        lua_sethook(b->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
}

int mw_budget_end(struct mw_budget *b)
{
    if (--b->depth)
        return b->tripped;
    current = b->prev;
    stack_base = b->stack_base;
    int stopped = b->tripped || b->mem_tripped;
    if (b->L)
        lua_sethook(b->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
    b->near_cap = 0;
    b->json_mem = 0;
    b->reserved = 0;
    return stopped;
}

/* ---- what C functions charge ---- */

void mw_budget_charge(lua_State *L, long long units)
{
    struct mw_budget *b = mw_budget_of(L);
    if (!b->depth)
        return;
    if (!b->tripped) {
        if (units > 0)
            b->work = units > LLONG_MAX / 4 - b->work ? LLONG_MAX / 4 : b->work + units;
        if (b->work > b->work_max || b->work >= b->next_clock || b->mem_tripped) {
            b->next_clock = b->work + CLOCK_EVERY;
            check(b);
        }
    }
    if (b->tripped)
        raise_stop(L, b);
}

void mw_budget_check(lua_State *L) { mw_budget_charge(L, 0); }

long long mw_budget_left(lua_State *L)
{
    struct mw_budget *b = mw_budget_of(L);
    if (!b->depth)
        return LLONG_MAX;
    return b->work >= b->work_max ? 0 : b->work_max - b->work;
}

static int over_cap(const struct mw_budget *b, size_t more)
{
    size_t cap = b->mem_max + (b->mem_tripped ? MEM_RESERVE : 0);
    size_t used = mw_budget_mem(b);
    return used > cap || more > cap - used;
}

void mw_budget_reserve(lua_State *L, size_t bytes, const char *what)
{
    struct mw_budget *b = mw_budget_of(L);
    if (!b->depth)
        return;
    if (over_cap(b, bytes) && !b->tripped)
        lua_gc(L, LUA_GCCOLLECT, 0);   /* garbage the collector has not reached yet must not count */
    if (over_cap(b, bytes)) {
        b->mem_tripped = 1;
        trip(b, "memory limit of %zu MB exceeded (%s needs %zu MB more)", b->mem_max >> 20, what,
             (bytes >> 20) + 1);
        raise_stop(L, b);
    }
    b->reserved += bytes;
}

void mw_budget_out_of_memory(lua_State *L, const char *why)
{
    struct mw_budget *b = mw_budget_of(L);
    b->mem_tripped = 1;
    trip(b, "memory limit of %zu MB exceeded (%s)", b->mem_max >> 20, why);
    raise_stop(L, b);
}

void mw_budget_release(lua_State *L, size_t bytes)
{
    struct mw_budget *b = mw_budget_of(L);
    if (b->depth)
        b->reserved = bytes > b->reserved ? 0 : b->reserved - bytes;
}

int mw_budget_deep(size_t bytes)
{
    char here;
    uintptr_t now = (uintptr_t)&here;
    return stack_base && stack_base > now && stack_base - now > bytes;
}

int mw_budget_close_enter(lua_State *L)
{
    struct mw_budget *b = mw_budget_of(L);
    if (b->close_depth >= CLOSE_DEPTH_MAX)
        return 0;
    b->close_depth++;
    return 1;
}

void mw_budget_close_leave(lua_State *L)
{
    struct mw_budget *b = mw_budget_of(L);
    if (b->close_depth > 0)
        b->close_depth--;
}

/* ---- the Lua allocator ---- */

/* What a block really takes from malloc: its usable size and the chunk header. Counting this rather than
 * the size Lua asked for keeps the cap honest for many small objects (a 56-byte table is 72 bytes). */
static size_t real_size(void *p) { return p ? malloc_usable_size(p) + sizeof(size_t) : 0; }

void *mw_budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct mw_budget *b = ud;
    size_t old = real_size(ptr);
    if (nsize == 0) {
        free(ptr);
        b->lua_mem -= old;
        return NULL;
    }
    if (!ptr)
        osize = 0;   /* then osize is a type tag, not a size */
    if (nsize > osize) {
        size_t grow = nsize - osize + 2 * sizeof(size_t);
        if (over_cap(b, grow)) {
            trip_mem(b);
            if (b->depth && b->L)
                lua_sethook(b->L, hook, LUA_MASKCOUNT, 1);   /* only sets fields: safe in here */
            return NULL;
        }
        if (b->depth) {
            b->work += (long long)(grow / ALLOC_BYTES_PER_UNIT);
            if (b->work > b->work_max && b->L)
                lua_sethook(b->L, hook, LUA_MASKCOUNT, 1);
            else if (nsize >= BIG_BLOCK && b->every > SLOW_EVERY && b->L) {
                b->every = SLOW_EVERY;
                lua_sethook(b->L, hook, LUA_MASKCOUNT | (b->near_cap ? LUA_MASKLINE : 0), SLOW_EVERY);
            }
            if (!b->near_cap && b->L && mw_budget_mem(b) + grow > b->mem_max / 2) {
                /* past half the cap a line hook remembers file:line, which a memory error cannot say */
                b->near_cap = 1;
                lua_sethook(b->L, hook, LUA_MASKCOUNT | LUA_MASKLINE, b->every ? b->every : HOOK_EVERY);
            }
        }
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return nsize <= osize ? ptr : NULL;   /* Lua assumes shrinking never fails */
    b->lua_mem = b->lua_mem - old + real_size(p);
    return p;
}

/* ---- libxml2: a block allocated inside a call carries the budget it is counted against ----
 *
 * Only those carry a header: the blocks of a page's own tree (parsed outside any call, most of libxml2's
 * memory) are plain 16-byte-aligned blocks, 16 bytes a node smaller. Which is which is in the address: a
 * counted block is handed out 8 bytes past a 16-byte boundary, its header just before it; a plain one on the
 * boundary (checked, and made so with posix_memalign where malloc does not). libxml2 needs no more than 8. */

struct xhdr {
    struct mw_budget *b;
    size_t size;                    /* what it is counted as: the block, 16 bytes of header, malloc's own */
};
#define XHDR (8 + sizeof(struct xhdr))   /* 24: 8 unused, then the header; the pointer is 8 past a boundary */
#define XCOUNT(n) ((n) + sizeof(struct xhdr) + sizeof(size_t))

static int counted(const void *p) { return ((uintptr_t)p & 15) == 8; }
static struct xhdr *hdr_of(void *p) { return (struct xhdr *)(void *)((char *)p - sizeof(struct xhdr)); }

/* A 16-byte-aligned block: malloc's, which is one on glibc (posix_memalign costs a fifth more a call there),
 * else posix_memalign's. */
static void *aligned(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p || !((uintptr_t)p & 15))
        return p;
    free(p);
    return posix_memalign(&p, 16, n ? n : 1) ? NULL : p;
}

/* realloc() of a block that must stay 16-byte aligned (a malloc may give only 8) */
static void *realigned(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q || !((uintptr_t)q & 15))
        return q;
    void *r = aligned(n);
    if (r)
        memcpy(r, q, n);
    free(q);
    return r;
}

static struct mw_budget *counting(void)
{
    struct mw_budget *b = current;
    return b && b->depth ? b : NULL;
}

static void refuse(struct mw_budget *b)
{
    trip_mem(b);
    if (b->L)
        lua_sethook(b->L, hook, LUA_MASKCOUNT, 1);
}

static void *x_malloc(size_t n)
{
    struct mw_budget *b = counting();
    if (!b)
        return aligned(n);
    if (n > SIZE_MAX - XHDR - sizeof(size_t))
        return NULL;
    if (over_cap(b, XCOUNT(n))) {
        refuse(b);
        return NULL;
    }
    char *base = aligned(XHDR + n);
    if (!base)
        return NULL;
    struct xhdr *h = hdr_of(base + XHDR);
    h->b = b;
    h->size = XCOUNT(n);
    atomic_fetch_add(&b->refs, 1);
    atomic_fetch_add(&b->xml_mem, h->size);
    b->work += (long long)(h->size / ALLOC_BYTES_PER_UNIT);
    return base + XHDR;
}

static void x_free(void *p)
{
    if (!p)
        return;
    if (!counted(p)) {
        free(p);
        return;
    }
    struct xhdr *h = hdr_of(p);
    struct mw_budget *b = h->b;
    size_t size = h->size;
    free((char *)p - XHDR);
    atomic_fetch_sub(&b->xml_mem, size);
    unref(b);
}

/* A plain block stays plain (uncounted), a counted one stays counted against its own budget. */
static void *x_realloc(void *p, size_t n)
{
    if (!p)
        return x_malloc(n);
    if (!counted(p))
        return realigned(p, n);
    if (n > SIZE_MAX - XHDR - sizeof(size_t))
        return NULL;
    struct xhdr *h = hdr_of(p);
    struct mw_budget *b = h->b;
    size_t old = h->size, want = XCOUNT(n);
    if (want > old && b == counting() && over_cap(b, want - old)) {
        refuse(b);
        return NULL;
    }
    char *base = realigned((char *)p - XHDR, n + XHDR);
    if (!base)
        return NULL;
    hdr_of(base + XHDR)->size = want;
    if (want > old) {
        atomic_fetch_add(&b->xml_mem, want - old);
        if (b == current)
            b->work += (long long)((want - old) / ALLOC_BYTES_PER_UNIT);
    } else {
        atomic_fetch_sub(&b->xml_mem, old - want);
    }
    return base + XHDR;
}

static char *x_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = x_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* ---- jansson: its blocks are freed with plain free() all over the host, so no header: what one call
 * allocates minus what it frees is counted, and forgotten when the call ends ---- */

static void *j_malloc(size_t n)
{
    struct mw_budget *b = counting();
    if (b && over_cap(b, n)) {
        refuse(b);
        return NULL;
    }
    void *p = malloc(n);
    if (p && b) {
        b->json_mem += real_size(p);
        b->work += (long long)(n / ALLOC_BYTES_PER_UNIT);
    }
    return p;
}

static void j_free(void *p)
{
    struct mw_budget *b = counting();
    if (p && b) {
        size_t k = real_size(p);
        b->json_mem = b->json_mem > k ? b->json_mem - k : 0;
    }
    free(p);
}

static void xml_quiet(void *ctx, const char *fmt, ...) { (void)ctx, (void)fmt; }

/* Installed before main: libxml2 requires its allocator to be set before its first allocation. libxml2
 * must not print either: an allocation the cap refused surfaces as the budget's stop, with file:line. */
__attribute__((constructor)) static void install_hooks(void)
{
    xmlMemSetup(x_free, x_malloc, x_realloc, x_strdup);
    xmlThrDefSetGenericErrorFunc(NULL, xml_quiet);
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    json_set_alloc_funcs(j_malloc, j_free);
}
