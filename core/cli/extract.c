/* cli/extract.c: `moonwire extract` — saved pages or WARC files in, one article record per line out.
 * Reading WARC records is net/warc.c; extraction is the runner's. */
#include "cli/cli.h"
#include "cli/format.h"
#include "net/warc.h"
#include "meta/date.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: moonwire extract [--rule NAME | --generic] [--url URL] [--format F] [-i LIST] FILE...\n\n"
          "Reads saved pages (.html, .html.gz, or - for stdin) and prints one article record (JSON) per line,\n"
          "with \"file\" set to the path given. A FILE ending in .warc or .warc.gz gives one record per HTML\n"
          "response (2xx) in it, with \"file\" set to PATH#OFFSET (the record's offset, its gzip member's in a\n"
          ".warc.gz) and the URL from WARC-Target-URI. The rule is picked by --url, else by the page's canonical or\n"
          "og:url; fields a rule leaves out come from the page's metadata, then the generic extractor.\n"
          "A sibling NAME.json (what `fetch -o` writes, and the fixture layout) supplies the URL when --url is\n"
          "absent, and \"fetched\" and \"status\" when it has them.\n\n"
          "  --rule NAME     use this rule for every page\n"
          "  --generic       use only the built-in extractor (no rules)\n"
          "  --url URL       the URL the page was fetched from (for one FILE, or the same for all; not for WARC)\n"
          "  --explain       add \"origin\": where each field came from (\"rule: h1.title\", \"meta: og:title\",\n"
          "                  \"meta: JSON-LD datePublished\", \"generic: the text of <div class=...>\")\n"
          "  --no-sidecar    do not read the URL from a sibling NAME.json\n"
          "  -i, --input-file LIST  also read the files named in LIST, one a line (- = stdin; # comments)\n"
          "  -f, --format F  jsonl (default: one record a line), json (one array), csv (a header row, then every\n"
          "                  field: lists joined by \"; \", images as JSON), txt (the body), markdown (title,\n"
          "                  headings, lists and quotes as on the page), xml (TEI P5, a <teiCorpus> for several)\n"
          "  --with-metadata txt and markdown: a \"---\" front matter (title, authors, dates, url...) first\n"
          "  --fetched TIME  when the pages were fetched (ISO 8601): relative dates (\"3 hours ago\") are resolved\n"
          "                  against it and it is the records' \"fetched\" (a WARC record's own date wins)\n"
          "  --max-size N    refuse pages larger than N bytes (default 67108864); a WARC payload is cut there\n"
          "  --page-timeout SECS  wall-clock limit per page, decoding to record (default 10; 0 = none): a page\n"
          "                  past it gets an error record and the run goes on\n"
          "  -h, --help      this text\n\n"
          "Exit status: 0 when every page gave an article; 1 when any gave an error record (a file that cannot\n"
          "be read, a page that cannot be parsed, a damaged WARC) or none at all, with one line per failure on\n"
          "stderr; 2 on usage errors.\n", f);
}

/* What the sidecar NAME.json beside a saved page says (the layout of `fetch -o` and of the corpus): the URL
 * and, from `fetch -o`, when and with what status the page was fetched. */
struct sidecar {
    char *url, *fetched;
    long status;
};

static void sidecar_free(struct sidecar *s)
{
    free(s->url);
    free(s->fetched);
}

static void sidecar_read(const char *path, struct sidecar *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(path);
    const char *exts[] = {".html.gz", ".htm.gz", ".html", ".htm", NULL};
    for (int i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n <= e || strcmp(path + n - e, exts[i]))
            continue;
        char *j = malloc(n - e + 6);
        if (!j)
            return;
        memcpy(j, path, n - e);
        strcpy(j + n - e, ".json");
        json_t *doc = json_load_file(j, 0, NULL);
        free(j);
        const char *u = json_string_value(json_object_get(doc, "url"));
        const char *f = json_string_value(json_object_get(doc, "fetched"));
        json_t *st = json_object_get(doc, "status");
        out->url = u ? strdup(u) : NULL;
        out->fetched = f ? strdup(f) : NULL;
        out->status = json_is_integer(st) ? (long)json_integer_value(st) : 0;
        json_decref(doc);
        return;
    }
}

static int is_warc(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcmp(path + n - 5, ".warc")) || (n > 8 && !strcmp(path + n - 8, ".warc.gz"));
}

/* Print the record; a failed one also gets its line on stderr. 1 when it was an error record (or the output
 * failed). page: what it was extracted from, for the formats that read structure from it. */
static int emit(struct cli_out *out, json_t *rec, const char *page, size_t len, const char *ctype)
{
    json_t *e = json_object_get(rec, "error");
    int failed = e && !json_is_null(e);
    if (failed)
        cli_error("extract: %s", json_string_value(json_object_get(e, "message")));
    return cli_out_record(out, rec, page, len, ctype) ? 1 : failed;
}

static int print_error(struct cli_out *out, const char *file, const char *url, int code, const char *stage,
                       const char *msg)
{
    json_t *rec = mw_article_new(url);
    if (!rec)
        return 1;
    struct mw_err err = {0};
    mw_err_set(&err, code, stage, "%s", msg);
    mw_article_set_error(rec, &err);
    json_object_set_new(rec, "file", json_string(file));
    emit(out, rec, NULL, 0, NULL);
    json_decref(rec);
    return 1;
}

/* One record per HTML response in the WARC; a damaged file ends with an error record at the damage.
 * 1 when any record was an error record (or memory ran out). */
static int extract_warc(struct mw_runner *r, struct cli_out *out, const char *path, size_t max)
{
    struct mw_warc_opts o = {.max_body = max, .html_only = 1};
    struct mw_err err = {0};
    struct mw_warc_reader *w = mw_warc_reader_new(path, &o, &err);
    if (!w)
        return print_error(out, path, NULL, err.code, err.stage, err.msg);
    size_t flen = strlen(path) + 24;
    char *file = malloc(flen);
    int failed = 0;
    const struct mw_warc_record *wr;
    while (file) {
        int rc = mw_warc_next(w, &wr, &err);
        if (rc) {
            failed |= print_error(out, path, NULL, rc, err.stage, err.msg);
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
            rec = mw_runner_extract_at(r, NULL, wr->body, wr->body_len, wr->target_uri, wr->content_type, wr->date);
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
        failed |= emit(out, rec, wr->body, wr->body_len, wr->content_type);
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

struct extract_args {
    const char *rule, *url, *list, *format, *fetched;
    int generic, explain, sidecar, with_meta;
    size_t max;
    double page_seconds;   /* --page-timeout */
};

/* One saved page (or stdin): its record, the URL from --url or its sidecar. 1 when it was an error record. */
static int extract_file(struct mw_runner *r, struct cli_out *out, const char *path, const struct extract_args *a)
{
    const char *url = a->url;
    int sidecar = a->sidecar;
    size_t max = a->max;
    char *bytes = NULL, msg[600];
    size_t len = 0;
    struct sidecar side = {0};
    if (sidecar && strcmp(path, "-"))
        sidecar_read(path, &side);
    const char *u = url ? url : side.url;
    json_t *rec;
    if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8)) {
        rec = mw_article_new(path);
        struct mw_err err = {0};
        mw_err_set(&err, MW_EINVAL, "read", "%s: a URL, not a file (`moonwire fetch` fetches URLs)", path);
        mw_article_set_error(rec, &err);
    } else if (cli_read_page(path, max, &bytes, &len, msg, sizeof msg)) {
        rec = mw_article_new(u);
        struct mw_err err = {0};
        mw_err_set(&err, MW_EIO, "read", "%s", msg);
        mw_article_set_error(rec, &err);
    } else {
        /* relative dates ("3 hours ago") count from --fetched, else from when `fetch -o` saved the page */
        rec = mw_runner_extract_at(r, NULL, bytes, len, u, NULL, a->fetched ? a->fetched : side.fetched);
    }
    int failed = 1;
    if (!rec) {
        cli_error("%s: out of memory", path);
    } else {
        /* a page saved by `fetch -o` keeps when and how it was fetched */
        const char *when = a->fetched ? a->fetched : side.fetched;
        if (when && mw_article_empty(json_object_get(rec, "fetched")))
            json_object_set_new(rec, "fetched", json_string(when));
        if (side.status && mw_article_empty(json_object_get(rec, "status")))
            json_object_set_new(rec, "status", json_integer(side.status));
        json_object_set_new(rec, "file", json_string(path));
        failed = emit(out, rec, bytes, len, NULL);
        json_decref(rec);
    }
    free(bytes);
    sidecar_free(&side);
    return failed;
}

/* 0 with a filled, -1 after --help, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct extract_args *a)
{
    static const struct option opts[] = {
        {"rule", required_argument, 0, 'r'}, {"generic", no_argument, 0, 'g'}, {"url", required_argument, 0, 'u'},
        {"explain", no_argument, 0, 'e'}, {"max-size", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
        {"no-sidecar", no_argument, 0, 'S'}, {"input-file", required_argument, 0, 'i'},
        {"format", required_argument, 0, 'f'}, {"with-metadata", no_argument, 0, 'M'},
        {"fetched", required_argument, 0, 'F'}, {"page-timeout", required_argument, 0, 'T'}, {0, 0, 0, 0}};
    *a = (struct extract_args){.sidecar = 1, .max = 64u << 20, .format = "jsonl", .page_seconds = 10.0};
    char *end = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:gu:em:hi:f:", opts, NULL)) != -1) {
        switch (c) {
        case 'r': a->rule = optarg; break;
        case 'g': a->generic = 1; break;
        case 'u': a->url = optarg; break;
        case 'e': a->explain = 1; break;
        case 'S': a->sidecar = 0; break;
        case 'm': a->max = strtoull(optarg, NULL, 10); break;
        case 'i': a->list = optarg; break;
        case 'f': a->format = optarg; break;
        case 'M': a->with_meta = 1; break;
        case 'F': {
            double t;
            int zone;
            if (mw_date_epoch(optarg, &t, &zone) || !zone) {
                cli_error("extract: --fetched \"%s\": not an ISO 8601 time with a zone (2026-11-23T10:00:00Z)",
                          optarg);
                return EXIT_USAGE;
            }
            a->fetched = optarg;
            break;
        }
        case 'T':
            a->page_seconds = strtod(optarg, &end);
            if (end == optarg || *end || a->page_seconds < 0 || a->page_seconds > 86400) {
                cli_error("extract: --page-timeout wants seconds from 0 to 86400, not \"%s\"", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': help(stdout); return -1;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc && !a->list) {
        cli_error("extract: no input files (use - for stdin, -i FILE for a list)");
        help(stderr);
        return EXIT_USAGE;
    }
    if (a->rule && a->generic) {
        cli_error("extract: --rule and --generic exclude each other");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_extract(int argc, char **argv)
{
    struct extract_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    char msg[600];
    char **inputs = cli_inputs(argc, argv, optind, a.list, msg, sizeof msg);
    if (!inputs) {
        cli_error("extract: %s", msg);
        return EXIT_USAGE;
    }
    int one = inputs[0] && !inputs[1] && !is_warc(inputs[0]);
    struct cli_out *out = cli_out_new(a.format, a.with_meta, one, stdout);
    if (!out) {
        cli_error("extract: --format is " CLI_FORMATS " (got \"%s\")", a.format);
        cli_strv_free(inputs);
        return EXIT_USAGE;
    }
    struct mw_runner *r = cli_runner_timed(a.generic, a.rule, a.explain, a.page_seconds);
    if (!r) {
        cli_out_free(out);
        cli_strv_free(inputs);
        return a.rule ? EXIT_USAGE : 1;
    }
    int failed = 0;
    for (size_t i = 0; inputs[i]; i++) {
        if (is_warc(inputs[i]))
            failed |= extract_warc(r, out, inputs[i], a.max);
        else
            failed |= extract_file(r, out, inputs[i], &a);
    }
    if (!inputs[0]) {
        cli_error("extract: %s lists no files", a.list);
        failed = 1;
    }
    if (cli_out_free(out)) {
        cli_error("extract: cannot write the output");
        failed = 1;
    }
    mw_runner_free(r);
    cli_strv_free(inputs);
    return failed;
}
