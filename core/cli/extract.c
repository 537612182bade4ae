/* cli/extract.c: `moonwire extract` — saved pages in, one article record per line out. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: moonwire extract [--rule NAME | --generic] [--url URL] [--explain] FILE...\n\n"
          "Reads saved pages (.html, .html.gz, or - for stdin) and prints one article record (JSON) per line,\n"
          "with \"file\" set to the path given. The rule is picked by --url, else by the page's canonical or\n"
          "og:url; fields a rule leaves out come from the page's metadata, then the generic extractor.\n"
          "A sibling NAME.json with a \"url\" key (the fixture layout) supplies the URL when --url is absent.\n\n"
          "  --rule NAME     use this rule for every page\n"
          "  --generic       use only the built-in extractor (no rules)\n"
          "  --url URL       the URL the page was fetched from (for one FILE, or the same for all)\n"
          "  --explain       add \"origin\": which source filled each field (rule, meta, generic)\n"
          "  --no-sidecar    do not read the URL from a sibling NAME.json\n"
          "  --max-size N    refuse pages larger than N bytes (default 67108864)\n"
          "  -h, --help      this text\n\n"
          "Exit status: 0 when every page produced a record (an error record counts), 1 when one could not,\n"
          "2 on usage errors.\n", f);
}

/* The page's URL: --url, else the sibling <name>.json's "url" (the corpus/fixture layout). */
static char *sibling_url(const char *path)
{
    size_t n = strlen(path);
    const char *exts[] = {".html.gz", ".htm.gz", ".html", ".htm", NULL};
    for (int i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcmp(path + n - e, exts[i])) {
            char *j = malloc(n - e + 6);
            if (!j)
                return NULL;
            memcpy(j, path, n - e);
            strcpy(j + n - e, ".json");
            json_t *doc = json_load_file(j, 0, NULL);
            free(j);
            const char *u = json_string_value(json_object_get(doc, "url"));
            char *out = u ? strdup(u) : NULL;
            json_decref(doc);
            return out;
        }
    }
    return NULL;
}

int cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rule", required_argument, 0, 'r'}, {"generic", no_argument, 0, 'g'}, {"url", required_argument, 0, 'u'},
        {"explain", no_argument, 0, 'e'}, {"max-size", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
        {"no-sidecar", no_argument, 0, 'S'}, {0, 0, 0, 0}};
    const char *rule = NULL, *url = NULL;
    int generic = 0, explain = 0, sidecar = 1;
    size_t max = 64u << 20;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:gu:emh", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rule = optarg; break;
        case 'g': generic = 1; break;
        case 'u': url = optarg; break;
        case 'e': explain = 1; break;
        case 'S': sidecar = 0; break;
        case 'm': max = strtoull(optarg, NULL, 10); break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("extract: no input files (use - for stdin)");
        help(stderr);
        return EXIT_USAGE;
    }
    if (rule && generic) {
        cli_error("extract: --rule and --generic exclude each other");
        return EXIT_USAGE;
    }
    struct mw_runner *r = cli_runner(generic, rule, explain);
    if (!r)
        return rule ? EXIT_USAGE : 1;
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        char *bytes = NULL, msg[600];
        size_t len = 0;
        char *side = (!url && sidecar && strcmp(path, "-")) ? sibling_url(path) : NULL;
        const char *u = url ? url : side;
        json_t *rec;
        if (cli_read_page(path, max, &bytes, &len, msg, sizeof msg)) {
            rec = mw_article_new(u);
            struct mw_err err = {0};
            mw_err_set(&err, MW_EIO, "read", "%s", msg);
            mw_article_set_error(rec, &err);
        } else {
            rec = mw_runner_extract(r, bytes, len, u, NULL);
        }
        free(bytes);
        free(side);
        if (!rec) {
            cli_error("%s: out of memory", path);
            failed = 1;
            continue;
        }
        json_object_set_new(rec, "file", json_string(path));
        cli_print_record(rec);
        json_decref(rec);
    }
    mw_runner_free(r);
    return failed;
}
