/* cli/rules.c: `moonwire rules` — the loaded rules, their layouts, and how many saved pages verify each. */
#include "cli/cli.h"
#include "rules/fixtures.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

static void help(FILE *f)
{
    fputs("usage: moonwire rules [--json] [--fixtures DIR]...\n\n"
          "Lists every loaded rule (scripts/outlets, then MOONWIRE_RULES and $XDG_CONFIG_HOME/moonwire/rules; a\n"
          "user's rule overrides a shipped one of the same name): name, outlet, domains, layouts, the saved pages\n"
          "that check it (passing/all fixtures whose url the rule handles) and whether it is verified: every one of\n"
          "its real saved pages passes `moonwire test` (synthetic shape tests do not count). Rule files that\n"
          "failed to load are reported first.\n\n"
          "  --fixtures DIR  where saved pages are (default: ../shared/corpus/outlets and tests/rules)\n"
          "  --json          one JSON array instead of the table\n", f);
}

/* s cut or padded to w display columns (UTF-8 aware: one column per code point). */
static const char *pad(const char *s, int w, char out[128])
{
    int cols = 0;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && o < 120;) {
        size_t l = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
        if (cols == w)
            break;
        for (size_t i = 0; i < l && p[i] && o < 120; i++)
            out[o++] = (char)p[i];
        p += l;
        cols++;
    }
    while (cols++ < w && o < 126)
        out[o++] = ' ';
    out[o] = '\0';
    return out;
}

int cmd_rules(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"fixtures", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int as_json = 0, c, nd = 0;
    const char *dirs[33] = {0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "jf:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': as_json = 1; break;
        case 'f': if (nd < 32) dirs[nd++] = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    struct mw_runner *r = cli_runner(0, NULL, 0);
    if (!r)
        return 1;
    static char own[4200];
    const char *real[3] = {0}, *synthetic[2] = {0};
    struct stat st;
    if (nd) {
        dirs[nd] = NULL;
    } else {
        if (stat("../shared/corpus/outlets", &st) == 0)
            real[0] = "../shared/corpus/outlets";
        const char *sd = cli_scripts_dir();
        if (sd) {
            snprintf(own, sizeof own, "%s/../tests/rules", sd);
            if (stat(own, &st) == 0)
                synthetic[0] = own;
        }
    }
    json_t *pages = json_object(), *shapes = json_object();
    mw_fixtures_count(r, nd ? dirs : real, pages);
    mw_fixtures_count(r, synthetic, shapes);
    json_t *rules = mw_runner_rules(r);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule) {
        const char *name = json_string_value(json_object_get(rule, "name"));
        json_int_t n = json_integer_value(json_object_get(pages, name));
        json_int_t sh = json_integer_value(json_object_get(shapes, name));
        json_object_set_new(rule, "pages", json_integer(n));
        json_object_set_new(rule, "shape_tests", json_integer(sh));
        int claimed = !json_is_false(json_object_get(rule, "verified"));
        int passing = 0;
        if (n > 0 && name) {   /* verified means its saved pages pass, not only that they exist */
            const char *only[] = {name, NULL};
            struct mw_fixture_opts fo = {0};
            fo.dirs = nd ? dirs : real;
            fo.rules = only;
            fo.min_f1 = 0.98;
            struct mw_fixture_result fr;
            struct mw_err ferr = {0};
            FILE *sink = fopen("/dev/null", "w");
            if (sink && mw_fixtures_check(r, &fo, sink, &fr, &ferr) == 0)
                passing = fr.passed;
            if (sink)
                fclose(sink);
        }
        json_object_set_new(rule, "pages_passing", json_integer(passing));
        json_object_set_new(rule, "verified", json_boolean(claimed && n > 0 && passing == n));
    }
    if (as_json) {
        char *s = json_dumps(rules, JSON_INDENT(2));
        puts(s ? s : "[]");
        free(s);
    } else {
        printf("%-16s %-22s %-8s %-7s %-6s %-8s %s\n", "NAME", "OUTLET", "LAYOUTS", "PAGES", "SHAPE", "VERIFIED",
               "DOMAINS");
        json_array_foreach(rules, i, rule) {
            char doms[512] = "";
            size_t k;
            json_t *d;
            json_array_foreach(json_object_get(rule, "domains"), k, d) {
                if (k)
                    strncat(doms, ", ", sizeof doms - strlen(doms) - 1);
                strncat(doms, json_string_value(d) ? json_string_value(d) : "?", sizeof doms - strlen(doms) - 1);
            }
            json_int_t layouts = json_integer_value(json_object_get(rule, "layouts"));
            char outlet_col[128];
            char pages_col[32];
            snprintf(pages_col, sizeof pages_col, "%lld/%lld",
                     (long long)json_integer_value(json_object_get(rule, "pages_passing")),
                     (long long)json_integer_value(json_object_get(rule, "pages")));
            printf("%-16s %s %-8lld %-7s %-6lld %-8s %s\n", json_string_value(json_object_get(rule, "name")),
                   pad(json_string_value(json_object_get(rule, "outlet")), 22, outlet_col), (long long)(layouts ? layouts : 1),
                   pages_col,
                   (long long)json_integer_value(json_object_get(rule, "shape_tests")),
                   json_is_true(json_object_get(rule, "verified")) ? "yes" : "no", doms);
        }
        printf("%zu rules\n", json_array_size(rules));
    }
    json_decref(rules);
    json_decref(pages);
    json_decref(shapes);
    mw_runner_free(r);
    return 0;
}
