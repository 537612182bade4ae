/* lua/budget.h: what one Lua state may spend, and the count hook that stops it. Memory: the Lua allocator,
 * plus libxml2 and jansson allocations made on this thread while a call of the state runs, plus bytes a
 * binding reserves for C buffers. Work: VM instructions plus what C functions charge for their loops.
 * Time: CPU seconds per call and a wall-clock deadline. Once a call trips a limit, every later instruction
 * of every thread of the state raises, and every charge raises, so pcall cannot swallow the stop.
 * The current budget is thread-local: each thread runs at most one state's call at a time. */
#ifndef MW_BUDGET_H
#define MW_BUDGET_H

#include <stddef.h>
#include <lua.h>

struct mw_budget;

/* A budget of mem_max bytes, work_max units per call (one VM instruction is one unit) and cpu_max CPU
 * seconds per call. Owned: mw_budget_free (blocks counted against it keep it alive until they go). */
struct mw_budget *mw_budget_new(size_t mem_max, long long work_max, double cpu_max);
void mw_budget_free(struct mw_budget *b);

/* The lua_Alloc to give lua_newstate with b as ud; then mw_budget_attach(b, L) with the new state. */
void *mw_budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
void mw_budget_attach(struct mw_budget *b, lua_State *L);
/* The budget of L (its allocator's ud). */
struct mw_budget *mw_budget_of(lua_State *L);

/* Start/end a call: fresh work and CPU counts, b current on this thread, the hook armed. Calls nest
 * (only the outermost resets). end returns 1 when a limit ended the call (mw_budget_why says which). */
void mw_budget_begin(struct mw_budget *b);
int mw_budget_end(struct mw_budget *b);
/* Why the call was stopped ("instruction budget of ... exceeded"), "" if it was not. */
const char *mw_budget_why(const struct mw_budget *b);
/* 1 when the stop was the memory cap. */
int mw_budget_mem_tripped(const struct mw_budget *b);
/* file:line last seen near the memory cap ("" if none). */
const char *mw_budget_where(const struct mw_budget *b);

/* Wall-clock deadline (CLOCK_MONOTONIC seconds, 0 = none) for the calls that follow; label names it in
 * the stop message ("page time limit of 10.0 s"). */
void mw_budget_set_deadline(struct mw_budget *b, double deadline, const char *label);
/* Seconds to the deadline of the running call (1e9 when it has none). */
double mw_budget_seconds_left(lua_State *L);
/* Nesting of begin/end now (0 outside calls). */
int mw_budget_depth(const struct mw_budget *b);
/* Monotonic seconds now (the clock of deadlines). */
double mw_budget_now(void);
/* Stop the running call at its next check. Safe from a signal handler and from another thread. */
void mw_budget_interrupt(struct mw_budget *b);

/* Bytes in use: Lua's own plus counted external blocks and reservations. */
size_t mw_budget_mem(const struct mw_budget *b);
size_t mw_budget_mem_max(const struct mw_budget *b);

/* [-0, +0, e] Charge units of work done (or about to be done) in C; raises the stop, naming the Lua
 * caller's file:line, when the call is over a limit. A no-op outside calls. */
void mw_budget_charge(lua_State *L, long long units);
/* Work units left in this call (LLONG_MAX outside calls). */
long long mw_budget_left(lua_State *L);
/* [-0, +0, e] Reserve bytes for a C buffer a binding is about to make (raises the memory stop when they do
 * not fit); mw_budget_release gives them back. what names the operation in the message. */
void mw_budget_reserve(lua_State *L, size_t bytes, const char *what);
void mw_budget_release(lua_State *L, size_t bytes);
/* [-0, +0, v] The memory stop, for C work that found it would need more than the cap leaves (nothing was
 * allocated past it): "memory limit of N MB exceeded (why)". */
void mw_budget_out_of_memory(lua_State *L, const char *why);
/* [-0, +0, e] Raise the stop if the call was already stopped (for example a libxml2 allocation was refused
 * at the cap): bindings call it after C work that may have failed for that reason. */
void mw_budget_check(lua_State *L);
/* 1 when C recursion on this thread has used more than bytes of stack since the outermost call began. */
int mw_budget_deep(size_t bytes);

/* coroutine.close guard for Lua 5.4.4 (nested closes overflow the C stack): depth of closes under way. */
int mw_budget_close_enter(lua_State *L);   /* 0 when too deep (nothing entered) */
void mw_budget_close_leave(lua_State *L);

/* [-0, +0, -] Give a new or resumed coroutine the hook its state runs under now (count, or every
 * instruction once stopped). */
void mw_budget_hook_thread(lua_State *co);
/* 1 when the running call has been stopped. */
int mw_budget_stopped(lua_State *L);

#endif
