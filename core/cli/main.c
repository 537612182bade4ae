/* cli/main.c: `moonwire <command>` dispatch, global --help/--version, libcurl/libxml2 global set-up.
 * Each subcommand lives in its own cli/<name>.c. */
#include "cli/cli.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifndef MW_VERSION
#define MW_VERSION "0.0.0"
#endif

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} CMDS[] = {
    {"extract", cmd_extract, "extract article records from saved pages (.html, .html.gz, -)"},
    {"fetch", cmd_fetch, "fetch URLs (or a feed, sitemap or site), extract them, optionally save the pages"},
    {"eval", cmd_eval, "run a Lua script inside the sandbox"},
    {"rules", cmd_rules, "list the outlet rules and whether saved pages verify them"},
    {"test", cmd_test, "check rules against saved pages (fixtures)"},
    {"new", cmd_new, "scaffold a rule from saved pages of one outlet"},
    {"run", cmd_run, "run a scheduled crawl from a config file"},
    {"export", cmd_export, "export stored articles (JSON lines, CSV, TEI XML, markdown...), filtered"},
    {"stories", cmd_stories, "group stored or given articles by the event they report"},
    {"compare", cmd_compare, "compare how each outlet told one story"},
    {"stats", cmd_stats, "per-outlet figures of a run store: articles, errors, missing fields"},
    {"status", cmd_status, "the workers of a shared crawl, its queue per outlet and host, its errors"},
    {"shell", cmd_shell, "interactive Lua shell for exploring pages (alias: repl)"},
    {"repl", cmd_shell, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "moonwire %s — fetch news pages, extract clean articles with per-outlet Lua rules\n\n"
               "usage: moonwire <command> [options] [args]\n\ncommands:\n", MW_VERSION);
    for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++)
        if (CMDS[i].help)
            fprintf(f, "  %-9s %s\n", CMDS[i].name, CMDS[i].help);
    fprintf(f, "\n`moonwire help <command>` (or `moonwire <command> --help`) tells more; `man moonwire`, `man\n"
               "moonwire-run` (run configs) and `man moonwire-rules` (rule files) tell all. Environment:\n"
               "MOONWIRE_SCRIPTS (scripts/ dir), MOONWIRE_RULES (extra rule dirs, ':'-separated),\n"
               "XDG_CONFIG_HOME/moonwire/rules.\n");
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* A fixed threshold: glibc's own rises to the largest block freed (a big page's bytes), after which a
     * growing body buffer lives in the heap and every realloc copies it, old and new alive at once: 14 MB
     * pages peaked 8 MB higher. Blocks of 1 MB and more are their own mappings, grown by mremap and given
     * back when freed. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help") && argc > 2) {   /* `moonwire help fetch` is `moonwire fetch --help` */
        for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++)
            if (!strcmp(argv[2], CMDS[i].name)) {
                char *args[] = {argv[2], "--help", NULL};
                return CMDS[i].fn(2, args);
            }
        fprintf(stderr, "moonwire: help: unknown command \"%s\"\n\n", argv[2]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("moonwire %s (%s, libxml2 %s, Lua 5.4)\n", MW_VERSION, curl_version(), LIBXML_DOTTED_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++) {
        if (strcmp(argv[1], CMDS[i].name))
            continue;
        xmlInitParser();
        curl_global_init(CURL_GLOBAL_DEFAULT);
        int rc = CMDS[i].fn(argc - 1, argv + 1);
        curl_global_cleanup();
        xmlCleanupParser();
        return rc;
    }
    fprintf(stderr, "moonwire: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
