/* cli/shell.c: `moonwire shell [URL|FILE]` (alias `repl`): the read-eval-print loop (readline, history,
 * completion, multi-line chunks, Ctrl-C that stops a statement and never the shell, a scriptable mode when
 * stdin is not a terminal) and the C primitives under the helpers. The helpers themselves and the pretty
 * printer are Lua policy in scripts/lib/shell.lua; the rules run in the runner's own state (rules/runner.c). */
#include "cli/cli.h"
#include "doc/html.h"
#include "lua/modules.h"
#include "lua/sandbox.h"
#include "net/fetch.h"
#include "rules/fixtures.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <lauxlib.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <readline/history.h>
#include <readline/readline.h>

#define PROMPT1 "mw> "
#define PROMPT2 "mw>> "
#define PAGE_MAX (64u << 20)

struct shell {
    struct mw_lua *lua;              /* the shell's own sandbox: user globals survive reload() */
    struct mw_runner *runner;        /* the rules, in their own state, exactly as `moonwire extract` runs them */
    struct mw_runner_opts ro;
    struct mw_fetcher *fetcher;      /* made on the first fetch() */
    int env_ref;                     /* the statements' one environment table */
    int show_ref;                    /* shell.lua's printer */
    char *page;                      /* the current page's raw bytes: extract(), save() and reload() use them */
    size_t page_len;
    char *page_ctype;
    int interactive, echo, failed;
    int has_arg;                     /* a page named on the command line: opened quietly in a script */
    int line_no, chunk_line;         /* lines read; the first line of the statement being read */
    struct mw_fetch_opts fo;         /* --resolve, --user-agent, --header, --cookie, --proxy for fetch() */
    const char *resolve[33], *headers[33];
    char hist[PATH_MAX + 16];
};

/* cli/ may hold process state: the signal handler and readline's callbacks need to find the shell. */
static struct mw_lua *volatile g_running;
static volatile sig_atomic_t g_sigint;
static volatile sig_atomic_t g_interactive;
static struct shell *g_sh;

static void on_sigint(int sig)
{
    struct mw_lua *s = g_running;
    g_sigint = 1;
    if (s) {
        mw_lua_interrupt(s);
    } else if (!g_interactive) {   /* a script between statements: Ctrl-C ends it as usual */
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

static void help(FILE *f)
{
    fputs("usage: moonwire shell [options] [URL | FILE [URL]]      (alias: moonwire repl)\n\n"
          "An interactive Lua 5.4 shell inside the rule sandbox, with the loaded rules and helpers for\n"
          "exploring a page: help() lists them. A URL is fetched, a FILE (.html, .html.gz) opened (the URL after\n"
          "it picks the rule when the page names no canonical URL); either sets the globals `doc` and `page`.\n"
          "`=expr` or a bare expression prints its value; a chunk that is not complete yet\n"
          "continues on the next line. Tab completes globals, fields and node/document methods.\n"
          "Ctrl-C stops the running statement (or clears the line); Ctrl-D exits. History is kept in\n"
          "$XDG_STATE_HOME/moonwire/history (default ~/.local/state/moonwire/history).\n\n"
          "When stdin is not a terminal, statements are read from it and only what they print (and the values\n"
          "of expressions) goes to stdout, without prompts; errors go to stderr and the next statement runs.\n"
          "The exit status is then 1 when any statement failed.\n\n"
          "Each statement runs under the rules' limits; the shell may also read and write files it names.\n"
          "  --mem MB       memory cap of the shell's Lua state (default 64)\n"
          "  --instr N      instructions per statement (default 100000000)\n"
          "  --cpu SECS     CPU seconds per statement, helpers included (default 600)\n"
          "  --no-http      refuse http.get in the shell (fetch() still works)\n"
          "  --echo         without a terminal: print each input line after its prompt, as a transcript\n"
          "  --resolve H:P:ADDR  fetch(): connect to ADDR for host H port P (as curl --resolve); repeatable\n"
          "  -A, --user-agent UA, -H, --header 'N: V', -b, --cookie FILE, -x, --proxy URL\n"
          "                 fetch()'s User-Agent, extra headers, Netscape cookie file and proxy, as `fetch`'s\n"
          "  -h, --help     this text\n",
          f);
}

/* ---- the current page ---- */

static void set_page(struct shell *sh, char *bytes, size_t len, const char *ctype)
{
    free(sh->page);
    free(sh->page_ctype);
    sh->page = bytes;
    sh->page_len = len;
    sh->page_ctype = ctype ? strdup(ctype) : NULL;
}

/* [-0, +0, v] Raise msg as is: luaL_error would prefix the helper's line in shell.lua, which is no news to
 * the person who typed the statement. */
static int fail(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

static struct shell *shell_of(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

/* [-0, +1, e] Parse the current page into a new document handle. */
static void push_page_doc(lua_State *L, struct shell *sh, const char *url)
{
    struct mw_err err = {0};
    xmlDocPtr d = mw_html_parse_bytes(sh->page, sh->page_len, sh->page_ctype, url, NULL, &err);
    if (!d)
        fail(L, "%s", err.msg);
    mw_lua_push_doc(L, d);
}

static int push_json_fn(lua_State *L)
{
    mw_lua_push_json(L, lua_touserdata(L, 1));
    return 1;
}

/* [-0, +1, e] Push j as Lua and drop the reference, even when pushing raises. */
static void push_json_owned(lua_State *L, json_t *j)
{
    lua_pushcfunction(L, push_json_fn);
    lua_pushlightuserdata(L, j);
    int st = lua_pcall(L, 1, 1, 0);
    json_decref(j);
    if (st != LUA_OK)
        lua_error(L);
}

/* ---- primitives for scripts/lib/shell.lua (each gets the shell as upvalue 1) ---- */

/* kind(v) -> "doc" | "node" | type(v) */
static int p_kind(lua_State *L)
{
    if (luaL_testudata(L, 1, "moonwire.doc"))
        lua_pushliteral(L, "doc");
    else if (luaL_testudata(L, 1, "moonwire.node"))
        lua_pushliteral(L, "node");
    else
        lua_pushstring(L, luaL_typename(L, 1));
    return 1;
}

/* where(f) -> "file:line" of a Lua function, or nil for a builtin */
static int p_where(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_Debug ar;
    lua_pushvalue(L, 1);
    if (!lua_getinfo(L, ">S", &ar) || ar.linedefined < 0 || !strcmp(ar.what, "C"))
        return 0;
    lua_pushfstring(L, "%s:%d", ar.short_src, ar.linedefined);
    return 1;
}

/* open(path [, url]) -> doc, size */
static int p_open(lua_State *L)
{
    struct shell *sh = shell_of(L);
    const char *path = luaL_checkstring(L, 1);
    const char *url = luaL_optstring(L, 2, NULL);
    char *bytes = NULL, msg[600];
    size_t len = 0;
    if (cli_read_page(path, PAGE_MAX, &bytes, &len, msg, sizeof msg))
        return fail(L, "open: %s", msg);
    set_page(sh, bytes, len, NULL);
    push_page_doc(L, sh, url);
    lua_pushinteger(L, (lua_Integer)len);
    return 2;
}

/* fetch(url) -> doc, {url, status, content_type, size, ms, redirects} */
static int p_fetch(lua_State *L)
{
    struct shell *sh = shell_of(L);
    const char *url = luaL_checkstring(L, 1);
    struct mw_err err = {0};
    if (!sh->fetcher) {
        struct mw_fetch_opts fo = sh->fo;   /* the command line's HTTP options */
        fo.interrupt = &g_sigint;   /* Ctrl-C ends a fetch that hangs, as it ends a Lua loop */
        sh->fetcher = mw_fetcher_new(&fo, &err);
        if (!sh->fetcher)
            return fail(L, "fetch: %s", err.msg);
    }
    struct mw_response *resp = NULL;
    if (mw_fetch(sh->fetcher, url, &resp, &err))
        return fail(L, "fetch: %s", err.msg);
    char *body = resp->body;
    resp->body = NULL;
    set_page(sh, body ? body : strdup(""), body ? resp->body_len : 0, resp->content_type);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, resp->url ? resp->url : url);
    lua_setfield(L, -2, "url");
    lua_pushinteger(L, resp->status);
    lua_setfield(L, -2, "status");
    if (resp->content_type) {
        lua_pushstring(L, resp->content_type);
        lua_setfield(L, -2, "content_type");
    }
    lua_pushinteger(L, (lua_Integer)sh->page_len);
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, (lua_Integer)(resp->ms + 0.5));
    lua_setfield(L, -2, "ms");
    lua_pushinteger(L, resp->redirects);
    lua_setfield(L, -2, "redirects");
    mw_response_free(resp);
    lua_getfield(L, -1, "url");
    push_page_doc(L, sh, lua_tostring(L, -1));
    lua_replace(L, -2);
    lua_insert(L, -2);
    return 2;
}

static void need_page(lua_State *L, struct shell *sh)
{
    if (!sh->page)
        fail(L, "no page yet: open(file) or fetch(url) first");
}

/* extract([url [, rule]]) -> the record of the current page, with "origin" */
static int p_extract(lua_State *L)
{
    struct shell *sh = shell_of(L);
    need_page(L, sh);
    const char *url = luaL_optstring(L, 1, NULL);
    const char *rule = luaL_optstring(L, 2, NULL);
    struct mw_runner *r = sh->runner, *forced = NULL;
    if (rule) {   /* like `moonwire extract --rule`: a runner that applies this rule whatever the URL */
        struct mw_runner_opts o = sh->ro;
        o.rule = rule;
        struct mw_err err = {0};
        forced = mw_runner_new(&o, &err);
        if (!forced)
            return fail(L, "extract: %s", err.msg);
        r = forced;
    }
    json_t *rec = mw_runner_extract(r, sh->page, sh->page_len, url, sh->page_ctype);
    mw_runner_free(forced);
    if (!rec)
        return fail(L, "extract: out of memory");
    push_json_owned(L, rec);
    return 1;
}

/* pick(url) -> the rule that would handle url, or nil */
static int p_pick(lua_State *L)
{
    const char *name = mw_runner_pick(shell_of(L)->runner, luaL_optstring(L, 1, NULL));
    if (!name)
        return 0;
    lua_pushstring(L, name);
    return 1;
}

/* rules() -> list of {name, outlet, domains, file, fixtures, ...}, list of load errors */
static int p_rules(lua_State *L)
{
    struct shell *sh = shell_of(L);
    push_json_owned(L, mw_runner_rules(sh->runner));
    push_json_owned(L, json_deep_copy(mw_runner_load_errors(sh->runner)));
    return 2;
}

/* loadrule(name) -> a plain copy of the rule's table, loaded afresh from its file by the runner: rule code
 * runs only in the runner's sandbox, never in the shell's own state (which may open files) */
static int p_loadrule(lua_State *L)
{
    struct shell *sh = shell_of(L);
    const char *name = luaL_checkstring(L, 1);
    struct mw_err err = {0};
    if (mw_runner_push_rule(sh->runner, name, L, &err))
        return fail(L, "%s", err.msg);
    return 1;
}

/* reload() -> number of rules, list of load errors. The page and every global stay. */
static int p_reload(lua_State *L)
{
    struct shell *sh = shell_of(L);
    struct mw_err err = {0};
    struct mw_runner *fresh = mw_runner_new(&sh->ro, &err);
    if (!fresh)
        return fail(L, "reload: %s (the old rules stay loaded)", err.msg);
    mw_runner_free(sh->runner);
    sh->runner = fresh;
    json_t *rules = mw_runner_rules(fresh);
    lua_pushinteger(L, (lua_Integer)json_array_size(rules));
    json_decref(rules);
    push_json_owned(L, json_deep_copy(mw_runner_load_errors(fresh)));
    return 2;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* test(name, dirs) -> passed, failed, skipped; the report goes to stdout */
static int p_test(lua_State *L)
{
    struct shell *sh = shell_of(L);
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    char paths[16][PATH_MAX];
    const char *dirs[17];
    int nd = 0;
    for (lua_Integer i = 1; nd < 16 && lua_rawgeti(L, 2, i) == LUA_TSTRING; i++) {
        const char *d = lua_tostring(L, -1);
        /* a rule names its fixtures from the project root (../shared/...): try the working directory
         * first, then the directory above scripts/ */
        if (d[0] != '/' && !exists(d) && sh->ro.scripts_dir)
            snprintf(paths[nd], sizeof paths[nd], "%s/../%s", sh->ro.scripts_dir, d);
        else
            snprintf(paths[nd], sizeof paths[nd], "%s", d);
        if (exists(paths[nd])) {
            dirs[nd] = paths[nd];
            nd++;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (!nd) {
        lua_rawgeti(L, 2, 1);
        return fail(L, "test: no fixtures for rule \"%s\": %s does not exist", name,
                    lua_isstring(L, -1) ? lua_tostring(L, -1) : "(no directory named)");
    }
    dirs[nd] = NULL;
    const char *only[] = {name, NULL};
    struct mw_fixture_opts fo = {0};
    fo.dirs = dirs;
    fo.rules = only;
    fo.min_f1 = 0.98;
    struct mw_fixture_result res = {0};
    struct mw_err err = {0};
    fflush(stdout);
    int rc = mw_fixtures_check(sh->runner, &fo, stdout, &res, &err);
    fflush(stdout);
    if (rc)
        return fail(L, "test: %s", err.msg);
    lua_pushinteger(L, res.passed);
    lua_pushinteger(L, res.failed);
    lua_pushinteger(L, res.skipped);
    return 3;
}

/* The fields a fixture's JSON holds (rules/fixtures.c compares these). */
static const char *const FIXTURE_FIELDS[] = {"title", "authors", "published", "modified", "section", "tags",
                                             "lead", "dateline", "body", NULL};

static char *strip_suffix(const char *path)
{
    char *p = strdup(path);
    static const char *const sfx[] = {".html.gz", ".html", ".json", NULL};
    size_t n = p ? strlen(p) : 0;
    for (int i = 0; p && sfx[i]; i++) {
        size_t l = strlen(sfx[i]);
        if (n > l && !strcmp(p + n - l, sfx[i])) {
            p[n - l] = '\0';
            break;
        }
    }
    return p;
}

/* save(path, url) -> path.html.gz, path.json: the page as a fixture, expecting what is extracted now */
static int p_save(lua_State *L)
{
    struct shell *sh = shell_of(L);
    need_page(L, sh);
    const char *path = luaL_checkstring(L, 1);
    const char *url = luaL_optstring(L, 2, NULL);
    char msg[PATH_MAX + 200] = "";
    char *base = strip_suffix(path);
    if (!base)
        return fail(L, "save: out of memory");
    size_t bl = strlen(base);
    char *gzp = malloc(bl + 16), *jp = malloc(bl + 16);
    json_t *rec = mw_runner_extract(sh->runner, sh->page, sh->page_len, url, sh->page_ctype);
    json_t *want = json_object();
    if (!gzp || !jp || !rec || !want) {
        snprintf(msg, sizeof msg, "save: out of memory");
        goto done;
    }
    sprintf(gzp, "%s.html.gz", base);
    sprintf(jp, "%s.json", base);
    for (char *q = strchr(gzp + 1, '/'); q; q = strchr(q + 1, '/')) {   /* save("new/dir/page") makes new/dir */
        *q = '\0';
        int made = mkdir(gzp, 0777) == 0 || errno == EEXIST;
        *q = '/';
        if (!made) {
            snprintf(msg, sizeof msg, "save: cannot create the folders of %s: %s", gzp, strerror(errno));
            goto done;
        }
    }
    const char *u = url ? url : json_string_value(json_object_get(rec, "url"));
    json_object_set_new(want, "url", u ? json_string(u) : json_null());
    for (int i = 0; FIXTURE_FIELDS[i]; i++) {
        json_t *v = json_object_get(rec, FIXTURE_FIELDS[i]);
        if (v && !mw_article_empty(v))
            json_object_set(want, FIXTURE_FIELDS[i], v);
    }
    gzFile g = gzopen(gzp, "wb9");
    if (!g || gzwrite(g, sh->page, (unsigned)sh->page_len) != (int)sh->page_len) {
        snprintf(msg, sizeof msg, "save: cannot write %s: %s", gzp, strerror(errno ? errno : EIO));
        if (g)
            gzclose(g);
        goto done;
    }
    if (gzclose(g) != Z_OK) {
        snprintf(msg, sizeof msg, "save: cannot write %s", gzp);
        goto done;
    }
    if (json_dump_file(want, jp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0) {
        snprintf(msg, sizeof msg, "save: cannot write %s", jp);
        goto done;
    }
done:
    json_decref(rec);
    json_decref(want);
    free(base);
    if (msg[0]) {
        free(gzp);
        free(jp);
        return fail(L, "%s", msg);
    }
    lua_pushstring(L, gzp);
    lua_pushstring(L, jp);
    free(gzp);
    free(jp);
    return 2;
}

/* view(html) -> path, opened: a temp .html file, handed to xdg-open when there is a display */
static int p_view(lua_State *L)
{
    size_t len;
    const char *html = luaL_checklstring(L, 1, &len);
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/moonwire-view-XXXXXX.html", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return fail(L, "view: cannot create %s: %s", path, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, html + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            return fail(L, "view: writing %s: %s", path, strerror(e));
        }
        off += (size_t)n;
    }
    close(fd);
    const char *d1 = getenv("DISPLAY"), *d2 = getenv("WAYLAND_DISPLAY");
    int opened = 0;
    if ((d1 && *d1) || (d2 && *d2)) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {   /* detach twice so the browser is neither our child nor on our terminal */
            if (fork() == 0) {
                setsid();
                int nul = open("/dev/null", O_RDWR);
                if (nul >= 0) {
                    dup2(nul, 0);
                    dup2(nul, 1);
                    dup2(nul, 2);
                }
                execlp("xdg-open", "xdg-open", path, (char *)NULL);
                _exit(127);
            }
            _exit(0);
        }
        if (pid > 0) {
            waitpid(pid, NULL, 0);
            opened = 1;
        }
    }
    lua_pushstring(L, path);
    lua_pushboolean(L, opened);
    return 2;
}

static const luaL_Reg PRIMS[] = {
    {"kind", p_kind}, {"where", p_where}, {"open", p_open}, {"fetch", p_fetch}, {"extract", p_extract},
    {"pick", p_pick}, {"rules", p_rules}, {"loadrule", p_loadrule}, {"reload", p_reload}, {"test", p_test},
    {"save", p_save}, {"view", p_view}, {NULL, NULL}};

/* ---- statements ---- */

static int has(const char *p, size_t n, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= n; i++)
        if (!memcmp(p + i, needle, l))
            return 1;
    return 0;
}

/* Print an error message; of its traceback (mw_err keeps it on one line, frames after tabs) only the
 * frames that say something: not the statement itself, not C glue, not the helpers' own insides. */
static void report(struct shell *sh, const char *msg)
{
    sh->failed = 1;
    fflush(stdout);
    const char *tb = strstr(msg, "stack traceback:");
    if (!tb) {
        fprintf(stderr, "%s\n", msg);
        fflush(stderr);
        return;
    }
    int ml = (int)(tb - msg);
    while (ml > 0 && (msg[ml - 1] == ' ' || msg[ml - 1] == '\n'))
        ml--;
    /* an error raised inside a helper (a bad selector given to it) is the user's line's error */
    const char *at = strncmp(msg, "stdin:", 6) ? strstr(tb, "stdin:") : NULL;
    if (at)
        fprintf(stderr, "stdin:%d: ", atoi(at + 6));
    fprintf(stderr, "%.*s\n", ml, msg);
    int head = 0;
    for (const char *p = tb + 16; *p;) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, "\t\n");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n && !has(p, n, "[C]: ") && !has(p, n, "in main chunk") && !has(p, n, "(...tail calls...)") &&
            !has(p, n, "lib/shell.lua:")) {
            if (!head++)
                fputs("stack traceback:\n", stderr);
            fprintf(stderr, "\t%.*s\n", (int)n, p);
        }
        p += n;
    }
    fflush(stderr);
}

enum { LOAD_OK, LOAD_MORE, LOAD_ERR };

/* [-0, +1|0, -] Compile a chunk as lua.c does: "return <chunk>;" first, so an expression prints, then the
 * chunk itself; LOAD_MORE when the chunk only ends too early. */
static int compile(struct shell *sh, const char *chunk, struct mw_err *err)
{
    lua_State *L = mw_lua_state(sh->lua);
    size_t n = strlen(chunk);
    /* a script's statements keep their own line numbers: errors say stdin:LINE of the script */
    int pad = !sh->interactive && !sh->echo && sh->chunk_line > 1 ? sh->chunk_line - 1 : 0;   /* --echo: a transcript */
    char *code = malloc(n + 16 + (size_t)pad);
    if (!code)
        return mw_err_set(err, MW_ENOMEM, "script", "out of memory"), LOAD_ERR;
    memset(code, '\n', (size_t)pad);
    char *body = code + pad;
    int rc;
    if (chunk[0] == '=') {
        sprintf(body, "return %s", chunk + 1);
        rc = mw_lua_load(sh->lua, code, strlen(code), "=stdin", err);
    } else {
        sprintf(body, "return %s;", chunk);
        struct mw_err quiet = {0};
        rc = mw_lua_load(sh->lua, code, strlen(code), "=stdin", &quiet);
        if (rc) {
            memcpy(body, chunk, n + 1);
            rc = mw_lua_load(sh->lua, code, (size_t)pad + n, "=stdin", err);
        }
    }
    free(code);
    if (rc) {
        size_t ml = strlen(err->msg);
        if (ml >= 5 && !strcmp(err->msg + ml - 5, "<eof>"))
            return LOAD_MORE;
        return LOAD_ERR;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, sh->env_ref);   /* one environment for every statement */
    lua_setupvalue(L, -2, 1);
    return LOAD_OK;
}

/* Run the compiled chunk on top of the stack and print its values. */
static void run(struct shell *sh)
{
    lua_State *L = mw_lua_state(sh->lua);
    int base = lua_gettop(L) - 1;
    struct mw_err err = {0};
    g_sigint = 0;   /* a Ctrl-C from before this statement must not end its fetch() */
    g_running = sh->lua;
    int rc = mw_lua_call(sh->lua, 0, LUA_MULTRET, 1, &err);
    g_running = NULL;
    if (rc) {
        if (sh->interactive && g_sigint) {   /* the terminal echoed ^C where the output stopped */
            fputc('\n', stdout);
            g_sigint = 0;
        }
        report(sh, err.msg);
        lua_settop(L, base);
        return;
    }
    int n = lua_gettop(L) - base;
    if (n > 0) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, sh->show_ref);
        lua_insert(L, base + 1);
        mw_err_clear(&err);
        g_running = sh->lua;
        if (mw_lua_call(sh->lua, n, 0, 0, &err))
            report(sh, err.msg);
        g_running = NULL;
    }
    fflush(stdout);
    lua_settop(L, base);
}

/* ---- input ---- */

static char *g_line;
static int g_got_line, g_eof;

static void on_line(char *line)
{
    g_got_line = 1;
    g_eof = line == NULL;
    g_line = line;
    rl_callback_handler_remove();   /* the terminal is ours again while the statement runs */
}

/* 1 with *out (free()), 0 at end of input, -1 when Ctrl-C cleared the line. SIGINT stays blocked except
 * inside pselect(), so a Ctrl-C that lands while readline handles a key is not lost until the next key. */
static int read_tty(const char *prompt, char **out)
{
    sigset_t block, open_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &open_mask);
    sigdelset(&open_mask, SIGINT);
    g_got_line = g_eof = 0;
    g_line = NULL;
    g_sigint = 0;
    rl_callback_handler_install(prompt, on_line);
    int rc = 1;
    while (!g_got_line) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fileno(rl_instream), &fds);
        int n = pselect(fileno(rl_instream) + 1, &fds, NULL, NULL, NULL, &open_mask);
        if (n < 0 && errno == EINTR) {
            if (!g_sigint)
                continue;
            g_sigint = 0;
            /* end the visible line here: leaving callback mode may return the cursor to column 0
             * (bracketed paste's closing sequence ends with \r) */
            rl_point = rl_end;
            rl_redisplay();
            fputs("^C", rl_outstream);
            rl_crlf();
            fflush(rl_outstream);
            rl_replace_line("", 0);
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_callback_handler_remove();
            rc = -1;
            break;
        }
        if (n < 0) {
            rl_callback_handler_remove();
            rc = 0;
            break;
        }
        rl_callback_read_char();
    }
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    if (rc != 1)
        return rc;
    if (g_eof) {
        fputc('\n', rl_outstream);
        return 0;
    }
    *out = g_line;
    return 1;
}

static int read_pipe(char **out)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return 0;
    }
    if (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    if (n > 0 && line[n - 1] == '\r')
        line[--n] = '\0';
    *out = line;
    return 1;
}

/* ---- completion ---- */

static char **g_cands;
static size_t g_ncands;

static int ident(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
            return 0;
    return 1;
}

/* [-0, +1, -] t[k] without metamethods, following __index tables (proxies, userdata methods). */
static void field_of(lua_State *L, int idx, const char *k)
{
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    for (int depth = 0; depth < 6; depth++) {
        if (lua_istable(L, -1)) {
            lua_pushstring(L, k);
            lua_rawget(L, -2);
            if (!lua_isnil(L, -1)) {
                lua_remove(L, -2);
                return;
            }
            lua_pop(L, 1);
        }
        if (!lua_getmetatable(L, -1))
            break;
        lua_getfield(L, -1, "__index");
        lua_remove(L, -2);
        lua_remove(L, -2);
        if (!lua_istable(L, -1))
            break;
    }
    lua_pop(L, 1);
    lua_pushnil(L);
}

/* [-0, +0, m] Add to out (a set) the identifier keys of the value at idx and of its __index chain. */
static void keys_of(lua_State *L, int idx, int out, int only_fn)
{
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    for (int depth = 0; depth < 6; depth++) {
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                if (lua_type(L, -2) == LUA_TSTRING && ident(lua_tostring(L, -2)) &&
                    (!only_fn || lua_isfunction(L, -1))) {
                    lua_pushvalue(L, -2);
                    lua_pushboolean(L, lua_isfunction(L, -2));
                    lua_rawset(L, out);
                }
                lua_pop(L, 1);
            }
        }
        if (!lua_getmetatable(L, -1))
            break;
        lua_getfield(L, -1, "__index");
        lua_remove(L, -2);
        lua_remove(L, -2);
        if (!lua_istable(L, -1))
            break;
    }
    lua_pop(L, 1);
}

static const char *const KEYWORDS[] = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
                                       "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
                                       "true", "until", "while", NULL};

/* completions(text) -> {candidate = is_function} for the word being completed (pcall'd: never raises out) */
static int l_completions(lua_State *L)
{
    struct shell *sh = lua_touserdata(L, 1);
    const char *text = lua_tostring(L, 2);
    lua_newtable(L);
    int out = lua_gettop(L);
    const char *sep = NULL;   /* just after the last '.' or ':' */
    for (const char *p = text; *p; p++)
        if (*p == '.' || *p == ':')
            sep = p + 1;
    lua_newtable(L);
    int found = lua_gettop(L);
    if (!sep) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, sh->env_ref);
        keys_of(L, -1, found, 0);
        lua_pop(L, 1);
        lua_pushglobaltable(L);
        keys_of(L, -1, found, 0);
        lua_pop(L, 1);
        for (int i = 0; KEYWORDS[i]; i++) {
            lua_pushboolean(L, 0);
            lua_setfield(L, found, KEYWORDS[i]);
        }
    } else {
        /* resolve a.b.c of "a.b.c:partial" segment by segment: env first, then the globals */
        char path[512];
        size_t plen = (size_t)(sep - 1 - text);
        if (plen >= sizeof path)
            return 1;
        memcpy(path, text, plen);
        path[plen] = '\0';
        char *save = NULL, *seg = strtok_r(path, ".:", &save);
        if (!seg)
            return 1;
        lua_rawgeti(L, LUA_REGISTRYINDEX, sh->env_ref);
        lua_pushstring(L, seg);
        lua_rawget(L, -2);
        lua_remove(L, -2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_pushglobaltable(L);
            field_of(L, -1, seg);
            lua_remove(L, -2);
        }
        while ((seg = strtok_r(NULL, ".:", &save)) && !lua_isnil(L, -1)) {
            field_of(L, -1, seg);
            lua_remove(L, -2);
        }
        if (!lua_isnil(L, -1))
            keys_of(L, -1, found, sep[-1] == ':');
        lua_pop(L, 1);
    }
    size_t pre = sep ? (size_t)(sep - text) : 0;
    const char *partial = text + pre;
    size_t pl = strlen(partial);
    lua_pushnil(L);
    while (lua_next(L, found)) {
        const char *k = lua_tostring(L, -2);
        if (!strncmp(k, partial, pl)) {
            lua_pushlstring(L, text, pre);
            lua_pushvalue(L, -3);
            lua_concat(L, 2);
            lua_pushvalue(L, -2);
            lua_rawset(L, out);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, out);
    return 1;
}

static char *gen(const char *text, int state)
{
    (void)text;
    static size_t i;
    if (!state)
        i = 0;
    return i < g_ncands ? strdup(g_cands[i++]) : NULL;
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **complete(const char *text, int start, int end)
{
    (void)end;
    struct shell *sh = g_sh;
    if (start > 0 && (rl_line_buffer[start - 1] == '"' || rl_line_buffer[start - 1] == '\'')) {
        rl_completion_append_character = '\0';
        return NULL;   /* inside a string: readline's file names, for open("...") and save("...") */
    }
    rl_attempted_completion_over = 1;
    for (size_t i = 0; i < g_ncands; i++)
        free(g_cands[i]);
    free(g_cands);
    g_cands = NULL;
    g_ncands = 0;
    lua_State *L = mw_lua_state(sh->lua);
    int top = lua_gettop(L);
    lua_pushcfunction(L, l_completions);
    lua_pushlightuserdata(L, sh);
    lua_pushstring(L, text);
    if (lua_pcall(L, 2, 1, 0) == LUA_OK && lua_istable(L, -1)) {
        size_t cap = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (g_ncands == cap) {
                cap = cap ? cap * 2 : 32;
                char **p = realloc(g_cands, cap * sizeof *p);
                if (!p) {
                    lua_pop(L, 2);
                    break;
                }
                g_cands = p;
            }
            g_cands[g_ncands++] = strdup(lua_tostring(L, -2));
            lua_pop(L, 1);
        }
        if (g_ncands)
            qsort(g_cands, g_ncands, sizeof *g_cands, cmp_cstr);
    }
    lua_settop(L, top);
    rl_completion_append_character = '\0';
    return g_ncands ? rl_completion_matches(text, gen) : NULL;
}

/* ---- set-up ---- */

static void history_path(struct shell *sh)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[PATH_MAX];
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/moonwire", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/moonwire", home);
    else
        return;
    for (char *p = dir + 1; *p; p++) {   /* mkdir -p */
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    if (mkdir(dir, 0700) && errno != EEXIST)
        return;
    snprintf(sh->hist, sizeof sh->hist, "%s/history", dir);
    int fd = open(sh->hist, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        sh->hist[0] = '\0';
        return;
    }
    close(fd);
    read_history(sh->hist);
}

static int setup(struct shell *sh, const struct mw_lua_limits *lim)
{
    struct mw_err err = {0};
    sh->runner = mw_runner_new(&sh->ro, &err);
    if (!sh->runner) {
        cli_error("shell: %s", err.msg);
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(mw_runner_load_errors(sh->runner), i, v) cli_error("rule not loaded: %s", json_string_value(v));
    sh->lua = mw_lua_new(lim, &err);
    if (!sh->lua) {
        cli_error("shell: %s", err.msg);
        return -1;
    }
    mw_lua_set_out(sh->lua, stdout);
    lua_State *L = mw_lua_state(sh->lua);
    char path[PATH_MAX + 32];
    /* the rule{} constructor, so rule files and rule{...} typed here load as they do in the runner */
    snprintf(path, sizeof path, "%s/lib/rule.lua", sh->ro.scripts_dir);
    if (mw_lua_loadfile(sh->lua, path, &err) || mw_lua_call(sh->lua, 0, 1, 0, &err)) {
        cli_error("shell: %s", err.msg);
        return -1;
    }
    lua_getfield(L, -1, "rule");
    lua_setglobal(L, "rule");
    lua_pop(L, 1);
    mw_lua_push_env(sh->lua);
    int env = lua_gettop(L);
    const char *const *rd = sh->ro.rule_dirs;
    int nrd = 0;
    while (rd && rd[nrd])
        nrd++;
    if (nrd) {   /* where a rule written from the shell is picked up by reload(): the last, overriding dir */
        lua_pushstring(L, rd[nrd - 1]);
        lua_setfield(L, env, "RULES_DIR");
    }
    sh->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    snprintf(path, sizeof path, "%s/lib/shell.lua", sh->ro.scripts_dir);
    if (mw_lua_loadfile(sh->lua, path, &err) || mw_lua_call(sh->lua, 0, 1, 0, &err)) {
        cli_error("shell: %s", err.msg);
        return -1;
    }
    lua_getfield(L, -1, "init");
    lua_rawgeti(L, LUA_REGISTRYINDEX, sh->env_ref);
    lua_newtable(L);
    lua_pushlightuserdata(L, sh);
    luaL_setfuncs(L, PRIMS, 1);
    lua_getglobal(L, "rule");
    lua_setfield(L, -2, "rule");
    lua_pushboolean(L, !sh->interactive && !sh->echo && sh->has_arg);
    lua_setfield(L, -2, "quiet");
    if (mw_lua_call(sh->lua, 2, 1, 0, &err) || !lua_isfunction(L, -1)) {
        cli_error("shell: %s: init must return the printer%s%s", path, err.msg[0] ? ": " : "", err.msg);
        return -1;
    }
    sh->show_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    return 0;
}

/* Open the page named on the command line through the helper, as if typed. */
static void open_arg(struct shell *sh, const char *arg, const char *url)
{
    lua_State *L = mw_lua_state(sh->lua);
    int remote = !strncmp(arg, "http://", 7) || !strncmp(arg, "https://", 8);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sh->env_ref);
    lua_getfield(L, -1, remote ? "fetch" : "open");
    lua_remove(L, -2);
    lua_pushstring(L, arg);
    if (url)
        lua_pushstring(L, url);
    struct mw_err err = {0};
    g_running = sh->lua;
    if (mw_lua_call(sh->lua, url ? 2 : 1, 0, 0, &err))
        report(sh, err.msg);
    g_running = NULL;
    lua_settop(L, 0);
}

static void loop(struct shell *sh)
{
    char *chunk = NULL;
    size_t clen = 0;
    for (;;) {
        const char *prompt = clen ? PROMPT2 : PROMPT1;
        char *line = NULL;
        int got = sh->interactive ? read_tty(prompt, &line) : read_pipe(&line);
        if (got < 0) {   /* Ctrl-C at the prompt drops the line and any unfinished chunk */
            clen = 0;
            continue;
        }
        if (!got)
            break;
        sh->line_no++;
        if (!clen)
            sh->chunk_line = sh->line_no;
        if (sh->echo) {
            printf("%s%s\n", prompt, line);
            fflush(stdout);
        }
        if (!clen && !line[strspn(line, " \t")]) {
            free(line);
            continue;
        }
        size_t ll = strlen(line);
        char *p = realloc(chunk, clen + ll + 2);
        if (!p) {
            free(line);
            break;
        }
        chunk = p;
        if (clen)
            chunk[clen++] = '\n';
        memcpy(chunk + clen, line, ll + 1);
        clen += ll;
        free(line);
        struct mw_err err = {0};
        int st = compile(sh, chunk, &err);
        if (st == LOAD_MORE)
            continue;
        if (sh->interactive) {
            add_history(chunk);
            if (sh->hist[0])
                append_history(1, sh->hist);
        }
        clen = 0;
        if (st == LOAD_ERR)
            report(sh, err.msg);
        else
            run(sh);
    }
    if (clen) {   /* input ended inside a chunk: say why it never ran */
        struct mw_err err = {0};
        chunk[clen] = '\0';
        if (compile(sh, chunk, &err) == LOAD_OK)
            run(sh);
        else
            report(sh, err.msg);
    }
    free(chunk);
}

/* --mem, --instr, --cpu: a number, all of it (5x is not 5), from 0 to max (what the limit can hold) */
static int limit_arg(const char *opt, const char *arg, double max, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(arg, &end);
    if (end == arg || *end || errno || !(*v >= 0 && *v <= max)) {
        cli_error("shell: --%s takes a number, not \"%s\"", opt, arg);
        return -1;
    }
    return 0;
}

/* The options into sh (--echo, the fetch options) and lim. -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct shell *sh, struct mw_lua_limits *lim)
{
    static const struct option opts[] = {
        {"mem", required_argument, 0, 'm'}, {"instr", required_argument, 0, 'i'}, {"cpu", required_argument, 0, 'c'},
        {"no-http", no_argument, 0, 'n'}, {"echo", no_argument, 0, 'e'}, {"help", no_argument, 0, 'h'},
        {"resolve", required_argument, 0, 'R'}, {"user-agent", required_argument, 0, 'A'},
        {"header", required_argument, 0, 'H'}, {"cookie", required_argument, 0, 'b'},
        {"proxy", required_argument, 0, 'x'}, {0, 0, 0, 0}};
    int nres = 0, nhdr = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+hA:H:b:x:", opts, NULL)) != -1) {
        switch (c) {
        case 'm': case 'i': case 'c': {
            double v;
            /* a petabyte, 9e18 instructions (a long long), 30 years */
            const char *opt = c == 'm' ? "mem" : c == 'i' ? "instr" : "cpu";
            if (limit_arg(opt, optarg, c == 'i' ? 9e18 : 1e9, &v))
                return EXIT_USAGE;
            if (c == 'm')
                lim->mem_max = (size_t)(v * 1048576.0);
            else if (c == 'i')
                lim->instr_max = (long long)v;
            else
                lim->cpu_max = v;
            break;
        }
        case 'n': lim->allow_http = 0; break;
        case 'e': sh->echo = 1; break;
        case 'R':
        case 'H':
            if (c == 'R' ? cli_push(sh->resolve, &nres, 32, optarg, "shell", "--resolve options")
                         : cli_push(sh->headers, &nhdr, 32, optarg, "shell", "--header options"))
                return EXIT_USAGE;
            break;
        case 'A': sh->fo.user_agent = optarg; break;
        case 'b': sh->fo.cookie_file = optarg; break;
        case 'x': sh->fo.proxy = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    sh->fo.resolve = nres ? sh->resolve : NULL;
    sh->fo.headers = nhdr ? sh->headers : NULL;
    return -1;
}

/* The fetch options, the limits and the operands. -1 to go on, else the exit status after printing why. */
static int check_args(int argc, struct shell *sh, const struct mw_lua_limits *lim)
{
    struct mw_err herr = {0};
    if (mw_fetch_opts_check(&sh->fo, &herr)) {
        cli_error("shell: %s", herr.msg);
        return EXIT_USAGE;
    }
    if (lim->mem_max < (1u << 20) || lim->instr_max <= 0 || lim->cpu_max <= 0) {
        cli_error("shell: --mem must be at least 1 MB, --instr and --cpu positive");
        return EXIT_USAGE;
    }
    if (argc - optind > 2) {
        cli_error("shell: at most a URL, or a FILE and its URL");
        help(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* readline's name, completion and keys, the history file, and the greeting. */
static void tty_setup(struct shell *sh)
{
    rl_readline_name = "moonwire";
    rl_catch_signals = 0;
    rl_attempted_completion_function = complete;
    rl_bind_key('\f', rl_clear_screen);   /* Ctrl-L clears the screen and redraws the prompt, as in bash */
    rl_basic_word_break_characters = " \t\n\"'`><=;+-*/%^~#&|{}()[],";
    rl_completer_quote_characters = "\"'";
    history_path(sh);
    printf("moonwire shell — help() lists the helpers; Ctrl-C stops a statement, Ctrl-D leaves.\n");
    fflush(stdout);
}

/* SIGINT to on_sigint; the action it had into *old. */
static void catch_sigint(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);   /* no SA_RESTART: select() at the prompt must see EINTR */
    sigaction(SIGINT, &sa, old);
}

/* The completion candidates and everything sh owns. */
static void shell_clear(struct shell *sh)
{
    for (size_t i = 0; i < g_ncands; i++)
        free(g_cands[i]);
    free(g_cands);
    g_cands = NULL;
    g_ncands = 0;
    g_sh = NULL;
    mw_lua_free(sh->lua);
    mw_runner_free(sh->runner);
    mw_fetcher_free(sh->fetcher);
    free(sh->page);
    free(sh->page_ctype);
}

int cmd_shell(int argc, char **argv)
{
    struct shell sh = {0};
    mw_fetch_opts_default(&sh.fo);
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    lim.allow_files = 1;
    lim.allow_http = 1;
    /* the instruction budget and memory cap are the rules'; CPU time is generous because it also counts
     * the C work of helpers (extracting, checking fixtures) that a statement calls */
    lim.cpu_max = 600;
    int rc = parse_opts(argc, argv, &sh, &lim);
    if (rc < 0)
        rc = check_args(argc, &sh, &lim);
    if (rc >= 0)
        return rc;
    mw_runner_opts_default(&sh.ro);
    sh.ro.scripts_dir = cli_scripts_dir();
    sh.ro.rule_dirs = cli_rule_dirs();
    sh.ro.explain = 1;
    sh.ro.limits.allow_http = 1;
    if (!sh.ro.scripts_dir) {
        cli_error("shell: no scripts/ directory found (set MOONWIRE_SCRIPTS)");
        return 1;
    }
    sh.interactive = isatty(0);
    sh.has_arg = optind < argc;
    if (sh.interactive)
        sh.echo = 0;
    g_interactive = sh.interactive;
    g_sh = &sh;
    struct sigaction old;
    catch_sigint(&old);
    rc = 1;
    if (!setup(&sh, &lim)) {
        if (sh.interactive)
            tty_setup(&sh);
        if (optind < argc)
            open_arg(&sh, argv[optind], optind + 1 < argc ? argv[optind + 1] : NULL);
        loop(&sh);
        if (sh.interactive && sh.hist[0])
            history_truncate_file(sh.hist, 1000);
        rc = !sh.interactive && sh.failed ? 1 : 0;
    }
    sigaction(SIGINT, &old, NULL);
    shell_clear(&sh);
    return rc;
}
