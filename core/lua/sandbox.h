/* lua/sandbox.h: a Lua 5.4 state for untrusted scripts: an allow-listed standard library whose loops are
 * charged, read-only proxies for everything scripts share, a fresh environment per script, a memory cap
 * covering Lua's, libxml2's and jansson's memory, and per call an instruction, CPU-time and optional
 * wall-clock budget (lua/budget.h). The moonwire modules (html, text, url, json, date, extract, http)
 * are opened in every state. */
#ifndef MW_SANDBOX_H
#define MW_SANDBOX_H

#include <stddef.h>
#include <stdio.h>
#include <lua.h>
#include "common/err.h"

struct mw_lua_limits {
    size_t mem_max;          /* bytes for the whole state; default 64 MB */
    long long instr_max;     /* VM instructions per call; default 100 million (under one CPU second) */
    double cpu_max;          /* CPU seconds per call, checked by the hook; default 1.0 */
    int allow_files;         /* 1: io.open / io.lines / dofile for the shell and `moonwire eval --allow-files` */
    int allow_http;          /* 1: http.get may reach the network */
};
void mw_lua_limits_default(struct mw_lua_limits *l);

struct mw_lua;
/* New sandboxed state with every moonwire module opened. Owned: mw_lua_free. NULL with err. */
struct mw_lua *mw_lua_new(const struct mw_lua_limits *lim, struct mw_err *err);
void mw_lua_free(struct mw_lua *s);
lua_State *mw_lua_state(struct mw_lua *s);
/* The sandbox that owns L (for bindings). */
struct mw_lua *mw_lua_from(lua_State *L);
const struct mw_lua_limits *mw_lua_limits(struct mw_lua *s);

/* [-0, +1, -] Load a text chunk (binary chunks refused) named chunkname ("@path" for files) with a fresh
 * environment over the sandbox globals as its _ENV; push the function. 0, or MW_ESCRIPT with err
 * ("file:line: message"). */
int mw_lua_load(struct mw_lua *s, const char *code, size_t len, const char *chunkname, struct mw_err *err);
/* [-0, +1, -] Same, reading the file at path. */
int mw_lua_loadfile(struct mw_lua *s, const char *path, struct mw_err *err);

/* [-(nargs+1), +nres, -] Call the function below nargs arguments under the limits (budget reset per call).
 * On error nothing is pushed, err gets "file:line: message" (stage "script"), and the code is MW_ESCRIPT,
 * or MW_ELIMIT when the memory cap or the instruction/CPU budget ended the call. traceback: add one. */
int mw_lua_call(struct mw_lua *s, int nargs, int nres, int traceback, struct mw_err *err);

/* [-0, +1, -] Push a new environment table (globals proxy, unknown reads raise) for one script. */
void mw_lua_push_env(struct mw_lua *s);

/* Where print() writes (default stderr, so rules never corrupt JSONL on stdout). Borrowed. */
void mw_lua_set_out(struct mw_lua *s, FILE *f);

/* Bytes in use by the state. */
size_t mw_lua_mem(struct mw_lua *s);

/* Request that the running call stop at its next check (signal- and thread-safe: only sets a flag). */
void mw_lua_interrupt(struct mw_lua *s);

/* Wall-clock deadline for the calls that follow: mw_lua_now() seconds (CLOCK_MONOTONIC), 0 = none.
 * label names it in the stop ("page time limit of 10.0 s" exceeded). */
void mw_lua_set_deadline(struct mw_lua *s, double deadline, const char *label);
double mw_lua_now(void);

/* [-0, +0, e] Inside a call: raise the stop again if the call was stopped (after catching an error that
 * may have been the stop, so it is not swallowed). */
void mw_lua_check(lua_State *L);

#endif
