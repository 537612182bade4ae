/* cli/extract.c: `moonwire extract` — saved pages or WARC files in, one article record per line out.
 * Reading WARC records is net/warc.c; extraction is the runner's. */
#include "cli/cli.h"
#include "net/warc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: moonwire extract [--rule NAME | --generic] [--url URL] [--explain] FILE...\n\n"
          "Reads saved pages (.html, .html.gz, or - for stdin) and prints one article record (JSON) per line,\n"
          "with \"file\" set to the path given. A FILE ending in .warc or .warc.gz gives one record per HTML\n"
          "response (2xx) in it, with \"file\" set to PATH#OFFSET (the record's offset, its gzip member's in a\n"
          ".warc.gz) and the URL from WARC-Target-URI. The rule is picked by --url, else by the page's canonical or\n"
          "og:url; fields a rule leaves out come from the page's metadata, then the generic extractor.\n"
          "A sibling NAME.json with a \"url\" key (the fixture layout) supplies the URL when --url is absent.\n\n"
          "  --rule NAME     use this rule for every page\n"
          "  --generic       use only the built-in extractor (no rules)\n"
          "  --url URL       the URL the page was fetched from (for one FILE, or the same for all; not for WARC)\n"
          "  --explain       add \"origin\": which source filled each field (rule, meta, generic)\n"
          "  --no-sidecar    do not read the URL from a sibling NAME.json\n"
          "  --max-size N    refuse pages larger than N bytes (default 67108864); a WARC payload is cut there\n"
          "  --page-timeout SECS  wall-clock limit per page, decoding to record (default 10; 0 = none): a page\n"
          "                  past it gets an error record and the run goes on\n"
          "  -h, --help      this text\n\n"
          "Exit status: 0 when every page gave an article; 1 when any gave an error record (a file that cannot\n"
          "be read, a page that cannot be parsed, a damaged WARC) or none at all, with one line per failure on\n"
          "stderr; 2 on usage errors.\n", f);
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

static int is_warc(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcmp(path + n - 5, ".warc")) || (n > 8 && !strcmp(path + n - 8, ".warc.gz"));
}

/* Print the record; a failed one also gets its line on stderr. 1 when it was an error record. */
static int emit(json_t *rec)
{
    json_t *e = json_object_get(rec, "error");
    int failed = e && !json_is_null(e);
    if (failed)
        cli_error("extract: %s", json_string_value(json_object_get(e, "message")));
    cli_print_record(rec);
    return failed;
}

static int print_error(const char *file, const char *url, int code, const char *stage, const char *msg)
{
    json_t *rec = mw_article_new(url);
    if (!rec)
        return 1;
    struct mw_err err = {0};
    mw_err_set(&err, code, stage, "%s", msg);
    mw_article_set_error(rec, &err);
    json_object_set_new(rec, "file", json_string(file));
    emit(rec);
    json_decref(rec);
    return 1;
}

/* One record per HTML response in the WARC; a damaged file ends with an error record at the damage.
 * 1 when any record was an error record (or memory ran out). */
static int extract_warc(struct mw_runner *r, const char *path, size_t max)
{
    struct mw_warc_opts o = {.max_body = max, .html_only = 1};
    struct mw_err err = {0};
    struct mw_warc_reader *w = mw_warc_reader_new(path, &o, &err);
    if (!w)
        return print_error(path, NULL, err.code, err.stage, err.msg);
    size_t flen = strlen(path) + 24;
    char *file = malloc(flen);
    int failed = 0;
    const struct mw_warc_record *wr;
    while (file) {
        int rc = mw_warc_next(w, &wr, &err);
        if (rc) {
            failed |= print_error(path, NULL, rc, err.stage, err.msg);
            break;
        }
        if (!wr)
            break;
        snprintf(file, flen, "%s#%lld", path, wr->offset);
        json_t *rec;
        if (wr->error) {
            rec = mw_article_new(wr->target_uri);
            struct mw_err e = {0};
            mw_err_set(&e, MW_EPARSE, "decode", "%s: %s", file, wr->error);
            if (rec)
                mw_article_set_error(rec, &e);
        } else {
            rec = mw_runner_extract(r, wr->body, wr->body_len, wr->target_uri, wr->content_type);
        }
        if (!rec) {
            cli_error("%s: out of memory", file);
            failed = 1;
            continue;
        }
        /* as `moonwire fetch` fills them: when and with what status the page was archived */
        if (wr->date && mw_article_empty(json_object_get(rec, "fetched")))
            json_object_set_new(rec, "fetched", json_string(wr->date));
        if (mw_article_empty(json_object_get(rec, "status")))
            json_object_set_new(rec, "status", json_integer(wr->status));
        json_object_set_new(rec, "file", json_string(file));
        failed |= emit(rec);
        json_decref(rec);
    }
    if (!file) {
        cli_error("%s: out of memory", path);
        failed = 1;
    }
    free(file);
    mw_warc_reader_free(w);
    return failed;
}

int cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rule", required_argument, 0, 'r'}, {"generic", no_argument, 0, 'g'}, {"url", required_argument, 0, 'u'},
        {"explain", no_argument, 0, 'e'}, {"max-size", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
        {"no-sidecar", no_argument, 0, 'S'}, {"page-timeout", required_argument, 0, 'T'}, {0, 0, 0, 0}};
    const char *rule = NULL, *url = NULL;
    int generic = 0, explain = 0, sidecar = 1;
    size_t max = 64u << 20;
    double page_seconds = 10.0;
    char *end = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:gu:em:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rule = optarg; break;
        case 'g': generic = 1; break;
        case 'u': url = optarg; break;
        case 'e': explain = 1; break;
        case 'S': sidecar = 0; break;
        case 'm': max = strtoull(optarg, NULL, 10); break;
        case 'T':
            page_seconds = strtod(optarg, &end);
            if (end == optarg || *end || page_seconds < 0 || page_seconds > 86400) {
                cli_error("extract: --page-timeout wants seconds from 0 to 86400, not \"%s\"", optarg);
                return EXIT_USAGE;
            }
            break;
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
    struct mw_runner *r = cli_runner_timed(generic, rule, explain, page_seconds);
    if (!r)
        return rule ? EXIT_USAGE : 1;
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        if (is_warc(path)) {
            failed |= extract_warc(r, path, max);
            continue;
        }
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
        failed |= emit(rec);
        json_decref(rec);
    }
    mw_runner_free(r);
    return failed;
}
