/* cli/test.c: `moonwire test` — check rules against saved pages (rules/fixtures.c does the work). */
#include "cli/cli.h"
#include "rules/fixtures.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void help(FILE *f)
{
    fputs("usage: moonwire test [--fixtures DIR]... [--known FILE | --no-known] [--min-f1 X] [-v] [RULE...]\n\n"
          "Checks rules against saved pages. A fixture is NAME.html.gz (or .html) beside NAME.json holding the\n"
          "page's \"url\" and the expected fields (the layout of ../shared/corpus). The rule is picked by the url;\n"
          "every field the JSON has is compared: strings after whitespace folding, authors and tags as sets,\n"
          "published/modified as the same instant (the same wall clock when the expectation has no zone), and\n"
          "the body by word 4-gram shingle F1. A null expectation means the page has none: the output must be\n"
          "null (or [] for a list). A key left out, or \"\", is not checked. Failing fields are printed with\n"
          "expected and got values, and the body's missing and extra paragraphs.\n\n"
          "Known issues are expectations the page itself contradicts. For each fixture directory DIR the file\n"
          "is DIR/known.json; when DIR has none (a read-only corpus, say), the first *known.json in the\n"
          "project's tests/rules/ whose \"fixtures\" key, resolved against that file's own directory, is DIR\n"
          "(tests/rules/corpus-known.json names ../shared/corpus/outlets). The file holds\n"
          "  {\"fixtures\": DIR, \"known\": {\"PAGE#field\": {\"page\": VALUE, \"why\": \"evidence\"}}}\n"
          "where VALUE is what the page really shows: the field passes as \"known\" when the output is VALUE and\n"
          "fails when it is neither VALUE nor the expectation. An entry whose field now matches the expectation,\n"
          "or that names no annotated field of a checked page, is stale: reported, and the exit status is 1.\n\n"
          "  --fixtures DIR  a directory of fixtures, searched recursively (repeatable); default: tests/rules\n"
          "                  beside scripts/, and ../shared/corpus/outlets beside the project scripts/ is in\n"
          "                  (else beside the current directory) when present\n"
          "  --min-f1 X      body F1 needed to pass (default 0.98)\n"
          "  --known FILE    the known-issues file for every directory (instead of each directory's own)\n"
          "  --no-known      no known-issues file: every expectation counts as written\n"
          "  -v, --verbose   list passing pages and warnings too\n"
          "  RULE...         only pages these rules handle\n\n"
          "Prints \"N passed, N failed\". Exit status: 0 when every page passes; 1 when any fails (a field off,\n"
          "a page that cannot be read or extracted) or the rules cannot be loaded; 2 on usage errors (a bad\n"
          "option, a --fixtures DIR that does not exist, a RULE with no saved page, an unreadable --known).\n", f);
}

struct test_opts {
    const char *dirs[65];   /* --fixtures, NULL-ended */
    int nd;
    struct mw_fixture_opts fo;
};

/* --known FILE: the known-issues file, replacing one given before. 0, or EXIT_USAGE after the error. */
static int known_opt(const char *path, struct test_opts *o)
{
    struct mw_err kerr = {0};
    json_t *k = mw_fixtures_known_load(path, &kerr);
    if (!k) {
        cli_error("test: %s", kerr.msg);
        return EXIT_USAGE;
    }
    json_decref((json_t *)o->fo.known);
    o->fo.known = k;
    return 0;
}

/* The options into o. -1 to go on, else the exit status (o->fo.known is the caller's to free either way). */
static int parse_opts(int argc, char **argv, struct test_opts *o)
{
    static const struct option opts[] = {{"fixtures", required_argument, 0, 'f'}, {"min-f1", required_argument, 0, 'm'},
                                         {"known", required_argument, 0, 'k'}, {"no-known", no_argument, 0, 'K'},
                                         {"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    o->fo.min_f1 = 0.98;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (cli_push(o->dirs, &o->nd, 64, optarg, "test", "--fixtures"))
                return EXIT_USAGE;
            break;
        case 'm': o->fo.min_f1 = atof(optarg); break;
        case 'k':
            if (known_opt(optarg, o))
                return EXIT_USAGE;
            break;
        case 'K': o->fo.no_known = 1; break;
        case 'v': o->fo.verbose = 1; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (o->fo.min_f1 <= 0 || o->fo.min_f1 > 1) {
        cli_error("test: --min-f1 must be in (0, 1]");
        return EXIT_USAGE;
    }
    return -1;
}

/* Known issues are looked up in the project's own tests/rules (beside scripts/); without --fixtures the pages
 * are those, and the shared corpus when it is there. 0, or EXIT_USAGE when there is no page to test. */
static int default_dirs(struct test_opts *o)
{
    static char own[4200];
    static const char *known_dirs[2];
    const char *sd = cli_scripts_dir();
    struct stat st;
    known_dirs[0] = NULL;
    if (sd) {
        snprintf(own, sizeof own, "%s/../tests/rules", sd);
        if (stat(own, &st) == 0 && S_ISDIR(st.st_mode))
            known_dirs[0] = own;
    }
    o->fo.known_dirs = known_dirs;
    if (!o->nd) {
        if (known_dirs[0])
            o->dirs[o->nd++] = own;
        if (cli_shared_outlets())
            o->dirs[o->nd++] = cli_shared_outlets();
        if (!o->nd) {
            cli_error("test: no fixture directory found; give --fixtures DIR");
            return EXIT_USAGE;
        }
    }
    o->dirs[o->nd] = NULL;
    o->fo.dirs = o->dirs;
    return 0;
}

int cmd_test(int argc, char **argv)
{
    struct test_opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    struct mw_runner *r = NULL;
    if (rc < 0 && !(r = cli_runner(0, NULL, 0)))
        rc = 1;
    if (rc < 0 && default_dirs(&o))
        rc = EXIT_USAGE;
    if (rc >= 0) {
        mw_runner_free(r);
        json_decref((json_t *)o.fo.known);
        return rc;
    }
    o.fo.rules = optind < argc ? (const char *const *)(argv + optind) : NULL;
    struct mw_fixture_result res;
    struct mw_err err = {0};
    rc = mw_fixtures_check(r, &o.fo, stdout, &res, &err);
    mw_runner_free(r);
    json_decref((json_t *)o.fo.known);
    if (rc) {   /* a missing directory or a RULE without pages is the caller's mistake: usage */
        cli_error("test: %s", err.msg);
        return rc == MW_ENOTFOUND ? EXIT_USAGE : 1;
    }
    return res.failed || res.stale ? 1 : 0;
}
