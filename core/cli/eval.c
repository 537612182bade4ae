/* cli/eval.c: `moonwire eval FILE.lua [ARGS]` — run a script in the same sandbox and limits as rules. */
#include "cli/cli.h"
#include "lua/sandbox.h"

#include <getopt.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: moonwire eval [options] FILE.lua [ARGS...]\n\n"
          "Runs a Lua 5.4 script inside the rule sandbox: html, text, url, json, date, extract and http are\n"
          "there; io, os (but os.time/clock/date), debug, package and binary chunks are not. ARGS are in\n"
          "the global table `arg` (arg[0] is the script). `-` reads the script from stdin.\n\n"
          "  --mem MB          memory cap (default 64)\n"
          "  --instr N         instruction budget (default 100000000, under one CPU second)\n"
          "  --cpu SECS        CPU time budget (default 1)\n"
          "  --allow-files     allow io.open/io.lines on files the script names\n"
          "  --no-http         refuse http.get\n"
          "  -h, --help        this text\n\n"
          "Exit status: 0 on success, 1 when the script failed (the error names file:line), 2 on usage errors.\n",
          f);
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mem", required_argument, 0, 'm'}, {"instr", required_argument, 0, 'i'}, {"cpu", required_argument, 0, 'c'},
        {"allow-files", no_argument, 0, 'f'}, {"no-http", no_argument, 0, 'n'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct mw_lua_limits lim;
    mw_lua_limits_default(&lim);
    lim.allow_http = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': lim.mem_max = (size_t)(atof(optarg) * 1048576.0); break;
        case 'i': lim.instr_max = atoll(optarg); break;
        case 'c': lim.cpu_max = atof(optarg); break;
        case 'f': lim.allow_files = 1; break;
        case 'n': lim.allow_http = 0; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("eval: no script given");
        help(stderr);
        return EXIT_USAGE;
    }
    if (lim.mem_max < (1u << 20) || lim.instr_max <= 0 || lim.cpu_max <= 0) {
        cli_error("eval: --mem must be at least 1 MB, --instr and --cpu positive");
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    struct mw_err err = {0};
    struct mw_lua *s = mw_lua_new(&lim, &err);
    if (!s) {
        cli_error("%s", err.msg);
        return 1;
    }
    mw_lua_set_out(s, stdout);
    lua_State *L = mw_lua_state(s);
    lua_createtable(L, argc - optind, 1);
    for (int i = optind; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - optind);
    }
    lua_setglobal(L, "arg");
    int rc;
    if (!strcmp(path, "-")) {
        char *code = NULL, msg[300];
        size_t len = 0;
        rc = cli_read_page("-", 16u << 20, &code, &len, msg, sizeof msg);
        rc = rc ? mw_err_set(&err, MW_EIO, "script", "%s", msg) : mw_lua_load(s, code, len, "=stdin", &err);
        free(code);
    } else {
        rc = mw_lua_loadfile(s, path, &err);
    }
    if (!rc && !lua_checkstack(L, argc - optind + 8))
        rc = mw_err_set(&err, MW_ELIMIT, "script", "eval: too many arguments (%d)", argc - optind - 1);
    if (!rc) {
        for (int i = optind + 1; i < argc; i++)
            lua_pushstring(L, argv[i]);
        rc = mw_lua_call(s, argc - optind - 1, 0, 0, &err);
    }
    if (rc)
        cli_error("%s", err.msg);
    mw_lua_free(s);
    return rc ? 1 : 0;
}
