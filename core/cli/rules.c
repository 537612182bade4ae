/* cli/rules.c: `moonwire rules` — the loaded rules, their layouts, how many saved pages verify each, and
 * (--store) the fields that scheduled runs flagged as a probable layout change. */
#include "cli/cli.h"
#include "rules/fixtures.h"
#include "run/crawl.h"
#include "run/store.h"

#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void help(FILE *f)
{
    fputs("usage: moonwire rules [--json] [--fixtures DIR]... [--store STORE]\n\n"
          "Lists every loaded rule (scripts/outlets, then MOONWIRE_RULES and $XDG_CONFIG_HOME/moonwire/rules; a\n"
          "user's rule overrides a shipped one of the same name): name, outlet, domains, layouts, the saved pages\n"
          "that check it (passing/all fixtures whose url the rule handles) and whether it is verified: every one of\n"
          "its real saved pages passes `moonwire test` (synthetic shape tests do not count). Rule files that\n"
          "failed to load are reported first.\n\n"
          "  --fixtures DIR  where saved pages are (default: tests/rules and ../shared/corpus/outlets beside the\n"
          "                  project scripts/ is in, whatever the current directory)\n"
          "  --store STORE   also list the probable layout changes a `moonwire run` store has flagged: fields a\n"
          "                  rule used to fill (>= 80% of its pages in earlier passes) that its latest pass\n"
          "                  mostly left to meta/generic or empty, with an example URL (in --json:\n"
          "                  \"layout_alerts\" on each rule). The history is the store's field_stats table.\n"
          "  --json          one JSON array instead of the table\n\n"
          "Exit status: 0, 1 when the rules or the store cannot be read, 2 on usage errors.\n", f);
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

static int alert_json(void *ctx, int64_t run_id, const char *started, const struct mw_store_fields *f)
{
    json_t *a = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s?}", "rule", f->rule, "field",
                          f->field, "run", (json_int_t)run_id, "started", started ? started : "", "pages",
                          (json_int_t)f->pages, "rule_filled", (json_int_t)f->rule_n, "fallback",
                          (json_int_t)f->fallback_n, "empty", (json_int_t)f->empty_n, "before_pages",
                          (json_int_t)f->before_pages, "before_rule_filled", (json_int_t)f->before_rule,
                          "example_url", f->example_url);
    if (a)
        json_array_append_new(ctx, a);
    return 0;
}

/* The store's standing layout-change flags as a JSON array (new reference), or NULL after printing why. */
static json_t *store_alerts(const char *path)
{
    if (!mw_store_is_url(path) && access(path, R_OK)) {   /* opening would create an empty store */
        cli_error("rules: %s: no such store", path);
        return NULL;
    }
    struct mw_err err = {0};
    struct mw_store *st = mw_store_open(path, &err);
    json_t *out = json_array();
    if (!st || mw_store_layout_alerts(st, MW_CRAWL_ALERT_MIN_PAGES, alert_json, out, &err)) {
        cli_error("rules: %s", err.msg);
        json_decref(out);
        out = NULL;
    }
    mw_store_free(st);
    return out;
}

static void print_alerts(const char *store, json_t *alerts)
{
    printf("\nprobable layout changes in %s: %zu\n", store, json_array_size(alerts));
    size_t i;
    json_t *a;
    json_array_foreach(alerts, i, a) {
        printf("  %s %s: run %lld (%s): the rule filled %lld of %lld pages (%lld from meta/generic, %lld empty), "
               "%lld of %lld before; e.g. %s\n",
               json_string_value(json_object_get(a, "rule")), json_string_value(json_object_get(a, "field")),
               (long long)json_integer_value(json_object_get(a, "run")),
               json_string_value(json_object_get(a, "started")),
               (long long)json_integer_value(json_object_get(a, "rule_filled")),
               (long long)json_integer_value(json_object_get(a, "pages")),
               (long long)json_integer_value(json_object_get(a, "fallback")),
               (long long)json_integer_value(json_object_get(a, "empty")),
               (long long)json_integer_value(json_object_get(a, "before_rule_filled")),
               (long long)json_integer_value(json_object_get(a, "before_pages")),
               json_is_string(json_object_get(a, "example_url"))
                   ? json_string_value(json_object_get(a, "example_url")) : "-");
    }
}

struct rules_opts {
    int as_json, nd;
    const char *dirs[33], *store;   /* --fixtures (NULL-ended), --store */
};

/* The options into o. -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct rules_opts *o)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"fixtures", required_argument, 0, 'f'},
                                         {"store", required_argument, 0, 's'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jf:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': o->as_json = 1; break;
        case 'f':
            if (cli_push(o->dirs, &o->nd, 32, optarg, "rules", "--fixtures options"))
                return EXIT_USAGE;
            break;
        case 's': o->store = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("rules: unexpected argument \"%s\"", argv[optind]);
        help(stderr);
        return EXIT_USAGE;
    }
    o->dirs[o->nd] = NULL;
    return -1;
}

/* Without --fixtures: the shared outlet corpus (real pages) and the project's tests/rules (shape tests). */
static void default_dirs(const char *real[3], const char *synthetic[2])
{
    static char own[4200];
    struct stat st;
    real[0] = cli_shared_outlets();   /* found from the rules' project, not the current directory */
    const char *sd = cli_scripts_dir();
    if (sd) {
        snprintf(own, sizeof own, "%s/../tests/rules", sd);
        if (stat(own, &st) == 0)
            synthetic[0] = own;
    }
}

/* How many of the rule's saved pages in dirs pass. */
static int pages_passing(struct mw_runner *r, const char *const *dirs, const char *name)
{
    const char *only[] = {name, NULL};
    struct mw_fixture_opts fo = {0};
    fo.dirs = dirs;
    fo.rules = only;
    fo.min_f1 = 0.98;
    struct mw_fixture_result fr;
    struct mw_err ferr = {0};
    int passing = 0;
    FILE *sink = fopen("/dev/null", "w");
    if (sink && mw_fixtures_check(r, &fo, sink, &fr, &ferr) == 0)
        passing = fr.passed;
    if (sink)
        fclose(sink);
    return passing;
}

/* pages, shape_tests, pages_passing, verified and (with a store) layout_alerts on one rule. */
static void annotate(struct mw_runner *r, json_t *rule, const char *const *dirs, json_t *pages, json_t *shapes,
                     json_t *alerts)
{
    const char *name = json_string_value(json_object_get(rule, "name"));
    json_int_t n = json_integer_value(json_object_get(pages, name));
    json_int_t sh = json_integer_value(json_object_get(shapes, name));
    json_object_set_new(rule, "pages", json_integer(n));
    json_object_set_new(rule, "shape_tests", json_integer(sh));
    int claimed = !json_is_false(json_object_get(rule, "verified"));
    int passing = 0;
    if (n > 0 && name)   /* verified means its saved pages pass, not only that they exist */
        passing = pages_passing(r, dirs, name);
    json_object_set_new(rule, "pages_passing", json_integer(passing));
    json_object_set_new(rule, "verified", json_boolean(claimed && n > 0 && passing == n));
    if (alerts) {
        json_t *mine = json_array(), *a;
        size_t k;
        json_array_foreach(alerts, k, a) if (name && !strcmp(name, json_string_value(json_object_get(a, "rule"))))
            json_array_append(mine, a);
        json_object_set_new(rule, "layout_alerts", mine);
    }
}

/* One line of the table. */
static void print_rule(json_t *rule)
{
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

/* The rules as JSON, or as the table with the count and the store's alerts after it. */
static void print_rules(const struct rules_opts *o, json_t *rules, json_t *alerts)
{
    if (o->as_json) {
        char *s = json_dumps(rules, JSON_INDENT(2));
        puts(s ? s : "[]");
        free(s);
        return;
    }
    printf("%-16s %-22s %-8s %-7s %-6s %-8s %s\n", "NAME", "OUTLET", "LAYOUTS", "PAGES", "SHAPE", "VERIFIED",
           "DOMAINS");
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
        print_rule(rule);
    printf("%zu rules\n", json_array_size(rules));
    if (alerts)
        print_alerts(o->store, alerts);
}

int cmd_rules(int argc, char **argv)
{
    struct rules_opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    json_t *alerts = o.store ? store_alerts(o.store) : NULL;
    if (o.store && !alerts)
        return 1;
    struct mw_runner *r = cli_runner(0, NULL, 0);
    if (!r) {
        json_decref(alerts);
        return 1;
    }
    const char *real[3] = {0}, *synthetic[2] = {0};
    if (!o.nd)
        default_dirs(real, synthetic);
    const char *const *dirs = o.nd ? o.dirs : real;
    json_t *pages = json_object(), *shapes = json_object();
    mw_fixtures_count(r, dirs, pages);
    mw_fixtures_count(r, synthetic, shapes);
    json_t *rules = mw_runner_rules(r);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
        annotate(r, rule, dirs, pages, shapes, alerts);
    print_rules(&o, rules, alerts);
    json_decref(rules);
    json_decref(pages);
    json_decref(shapes);
    json_decref(alerts);
    mw_runner_free(r);
    return 0;
}
