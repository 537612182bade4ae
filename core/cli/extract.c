/* cli/extract.c: `moonwire extract` — saved pages or WARC files in, one article record per page out, in input
 * order, extracted on a pool of threads (run/workers.c). Reading WARC records is net/warc.c; extraction is the
 * runner's; the output formats are cli/format.c's. */
#include "cli/cli.h"
#include "cli/format.h"
#include "meta/date.h"
#include "net/warc.h"
#include "run/sink.h"
#include "run/workers.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: moonwire extract [--rule NAME | --generic] [--url URL] [--format F] [-j N] [-i LIST] FILE...\n\n"
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
          "  -j, --jobs N    extract on N threads (default: one per core); records still come out in input order\n"
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


struct extract_args {
    const char *rule, *url, *list, *format, *fetched;
    int generic, explain, sidecar, with_meta, jobs;
    size_t max;
    double page_seconds;   /* --page-timeout */
};

/* ---- the parallel driver: inputs in order, records out in the same order ---- */

struct input {                  /* what an extracting thread needs of one page */
    char *path;                 /* the file, or NULL for a WARC record (bytes already given) */
    char *file;                 /* "file" of the record */
    const struct extract_args *a;
    char *fetched;              /* when the page was fetched (WARC-Date, the sidecar's, --fetched), or NULL */
    long status;                /* the archived HTTP status, -1 when none */
    int keep_page;              /* the format reads structure from the page: page is kept for it */
    char *page, *ctype;
    size_t page_len;
};

struct driver {
    struct mw_workers *pool;
    struct mw_sink_queue *done;
    struct mw_record **ring;    /* finished records waiting for their turn, by seq % cap */
    size_t cap;
    uint64_t next_in, next_out;
    struct cli_out *out;
    int failed;
};

static void input_free(struct input *in)
{
    if (!in)
        return;
    free(in->path);
    free(in->file);
    free(in->fetched);
    free(in->page);
    free(in->ctype);
    free(in);
}

/* The error record of a page that gave none (it could not be read, its WARC record is damaged). */
static json_t *error_record(const char *url, int code, const char *stage, const char *msg)
{
    json_t *rec = mw_article_new(url);
    struct mw_err err = {0};
    mw_err_set(&err, code, stage, "%s", msg);
    if (rec)
        mw_article_set_error(rec, &err);
    return rec;
}

/* In the extracting thread: the file's bytes; its URL from --url or the sidecar, and from the sidecar (what
 * `fetch -o` wrote) when and with what status it was fetched. */
static json_t *load_file(struct mw_work *w, int *failed)
{
    struct input *in = w->user;
    const struct extract_args *a = in->a;
    if (!strncmp(in->path, "http://", 7) || !strncmp(in->path, "https://", 8)) {
        *failed = 1;
        char msg[600];
        snprintf(msg, sizeof msg, "%.500s: a URL, not a file (`moonwire fetch` fetches URLs)", in->path);
        return error_record(in->path, MW_EINVAL, "read", msg);
    }
    struct sidecar side = {0};
    if (a->sidecar && strcmp(in->path, "-"))
        sidecar_read(in->path, &side);
    const char *u = a->url ? a->url : side.url;
    const char *when = a->fetched ? a->fetched : side.fetched;
    w->url = u ? strdup(u) : NULL;
    in->fetched = when ? strdup(when) : NULL;
    w->fetched = in->fetched;   /* relative dates ("3 hours ago") count from it */
    if (side.status)
        in->status = side.status;
    sidecar_free(&side);
    char msg[600];
    if (!cli_read_page(in->path, a->max, &w->bytes, &w->len, msg, sizeof msg))
        return NULL;
    *failed = 1;
    return error_record(w->url, MW_EIO, "read", msg);
}

/* In the extracting thread: "fetched", "status" and "file" of the record; the page itself for a format that
 * reads it. */
static void prepare(struct mw_work *w, json_t *rec)
{
    struct input *in = w->user;
    if (in->fetched && mw_article_empty(json_object_get(rec, "fetched")))
        json_object_set_new(rec, "fetched", json_string(in->fetched));
    if (in->status >= 0 && mw_article_empty(json_object_get(rec, "status")))
        json_object_set_new(rec, "status", json_integer(in->status));
    json_object_set_new(rec, "file", json_string(in->file));
    if (in->keep_page && w->bytes) {
        in->page = w->bytes;
        in->page_len = w->len;
        w->bytes = NULL;
        in->ctype = w->content_type ? strdup(w->content_type) : NULL;
    }
}

/* Print the record (a failed one also gets its line on stderr) and free it. */
static void print(struct driver *d, struct mw_record *r)
{
    struct input *in = r->user;
    if (!r->json) {
        cli_error("%s: out of memory", in ? in->file : "-");
        d->failed = 1;
    } else {
        if (r->is_error) {
            d->failed = 1;
            cli_error("extract: %s", json_string_value(json_object_get(json_object_get(r->rec, "error"), "message")));
        }
        if (cli_out_record_text(d->out, r->rec, r->json, r->len, in ? in->page : NULL, in ? in->page_len : 0,
                                in ? in->ctype : NULL))
            d->failed = 1;
    }
    input_free(in);
    mw_record_free(r);
}

/* Take finished records until seq `until` may be submitted (fewer than cap outstanding), printing every
 * record whose turn has come. */
static void drain(struct driver *d, uint64_t until)
{
    while (d->next_out < d->next_in && d->next_in - d->next_out >= until) {
        struct mw_record *r = mw_sink_queue_wait(d->done);
        d->ring[r->seq % d->cap] = r;
        while (d->next_out < d->next_in && d->ring[d->next_out % d->cap]) {
            struct mw_record *k = d->ring[d->next_out % d->cap];
            d->ring[d->next_out % d->cap] = NULL;
            d->next_out++;
            print(d, k);
        }
        fflush(stdout);
    }
}

/* Hand one page over (bytes owned from here on); a record that needs no extraction (ready) goes through the
 * pool all the same, so it keeps its place in the order. */
static void submit(struct driver *d, struct input *in, char *bytes, size_t len, const char *url, const char *ct,
                   json_t *ready)
{
    drain(d, d->cap);
    struct mw_work *w = mw_work_new();
    if (!w || (url && !(w->url = strdup(url))) || (ct && !(w->content_type = strdup(ct)))) {
        cli_error("%s: out of memory", in->file);
        d->failed = 1;
        input_free(in);
        free(bytes);
        json_decref(ready);
        mw_work_free(w);
        return;
    }
    w->user = in;
    w->bytes = bytes;
    w->len = len;
    w->fetched = in->fetched;
    w->keep_origin = in->a->explain;
    w->keep_bytes = in->keep_page;
    w->ready = ready;
    w->load = in->path ? load_file : NULL;
    w->prepare = prepare;
    w->seq = d->next_in++;
    mw_workers_submit(d->pool, w);
}

static struct input *input_new(const char *path, const char *file, const struct extract_args *a, int keep_page)
{
    struct input *in = calloc(1, sizeof *in);
    if (!in || (path && !(in->path = strdup(path))) || !(in->file = strdup(file))) {
        input_free(in);
        return NULL;
    }
    in->a = a;
    in->status = -1;
    in->keep_page = keep_page;
    return in;
}

/* One job per HTML response in the WARC (read here, in order); a damaged file ends with an error record at
 * the damage. */
static void submit_warc(struct driver *d, const char *path, const struct extract_args *a)
{
    struct mw_warc_opts o = {.max_body = a->max, .html_only = 1};
    struct mw_err err = {0};
    struct mw_warc_reader *w = mw_warc_reader_new(path, &o, &err);
    for (;;) {
        const struct mw_warc_record *wr = NULL;
        int rc = w ? mw_warc_next(w, &wr, &err) : err.code;
        if (!rc && !wr)
            break;
        char file[4200];
        snprintf(file, sizeof file, "%s#%lld", path, rc ? 0LL : wr->offset);
        struct input *in = input_new(NULL, rc ? path : file, a, cli_out_wants_page(d->out));
        /* as `moonwire fetch` fills them: when (the record's own date, else --fetched) and with what status */
        const char *when = !rc && wr->date ? wr->date : a->fetched;
        if (!in || (when && !(in->fetched = strdup(when)))) {
            cli_error("%s: out of memory", path);
            input_free(in);
            d->failed = 1;
            break;
        }
        if (!rc)
            in->status = wr->status;
        if (rc || wr->error) {   /* no extraction: the error record takes the page's place */
            char msg[4400];
            snprintf(msg, sizeof msg, "%s%s%s", rc ? "" : file, rc ? "" : ": ", rc ? err.msg : wr->error);
            json_t *rec = error_record(rc ? NULL : wr->target_uri, rc ? rc : MW_EPARSE, rc ? err.stage : "decode",
                                       msg);
            submit(d, in, NULL, 0, NULL, NULL, rec);
            if (rc)
                break;
            continue;
        }
        char *bytes = malloc(wr->body_len + 1);
        if (!bytes) {
            cli_error("%s: out of memory", file);
            input_free(in);
            d->failed = 1;
            continue;
        }
        memcpy(bytes, wr->body, wr->body_len);
        bytes[wr->body_len] = '\0';
        submit(d, in, bytes, wr->body_len, wr->target_uri, wr->content_type, NULL);
    }
    mw_warc_reader_free(w);
}

/* Every input, extracted on jobs threads (1: in this thread), printed in input order. 1 when any page gave
 * an error record. */
static int extract_all(struct mw_runner *r, const struct mw_runner_opts *ro, struct cli_out *out,
                       char **paths, const struct extract_args *a)
{
    struct driver d = {.out = out};
    struct mw_err err = {0};
    d.cap = a->jobs > 1 ? (size_t)a->jobs * 4 : 1;
    d.ring = calloc(d.cap, sizeof *d.ring);
    d.done = mw_sink_queue_new(NULL, NULL);
    d.pool = d.ring && d.done ? mw_workers_new(a->jobs > 1 ? a->jobs : 0, ro, r, d.done, &err) : NULL;
    if (!d.pool) {
        cli_error("extract: %s", err.msg[0] ? err.msg : "out of memory");
        free(d.ring);
        mw_sink_queue_free(d.done);
        return 1;
    }
    for (size_t i = 0; paths[i]; i++) {
        if (is_warc(paths[i])) {
            submit_warc(&d, paths[i], a);
            continue;
        }
        struct input *in = input_new(paths[i], paths[i], a, cli_out_wants_page(out));
        if (!in) {
            cli_error("%s: out of memory", paths[i]);
            d.failed = 1;
            continue;
        }
        submit(&d, in, NULL, 0, NULL, NULL, NULL);
    }
    drain(&d, 1);
    mw_workers_free(d.pool);
    free(d.ring);
    mw_sink_queue_free(d.done);
    return d.failed;
}

/* 0 with a filled, -1 after --help, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct extract_args *a)
{
    static const struct option opts[] = {
        {"rule", required_argument, 0, 'r'}, {"generic", no_argument, 0, 'g'}, {"url", required_argument, 0, 'u'},
        {"explain", no_argument, 0, 'e'}, {"max-size", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
        {"no-sidecar", no_argument, 0, 'S'}, {"input-file", required_argument, 0, 'i'},
        {"format", required_argument, 0, 'f'}, {"with-metadata", no_argument, 0, 'M'},
        {"fetched", required_argument, 0, 'F'}, {"page-timeout", required_argument, 0, 'T'},
        {"jobs", required_argument, 0, 'j'}, {0, 0, 0, 0}};
    *a = (struct extract_args){.sidecar = 1, .max = 64u << 20, .format = "jsonl", .page_seconds = 10.0};
    char *end = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:gu:em:hi:f:j:", opts, NULL)) != -1) {
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
        case 'j':
            a->jobs = (int)strtol(optarg, &end, 10);
            if (end == optarg || *end || a->jobs < 1 || a->jobs > 64) {
                cli_error("extract: -j wants a number of threads from 1 to 64 (got \"%s\")", optarg);
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
    size_t n = 0;
    int warc = 0;
    for (; inputs[n]; n++)
        warc |= is_warc(inputs[n]);
    struct cli_out *out = cli_out_new(a.format, a.with_meta, n == 1 && !warc, stdout);
    if (!out) {
        cli_error("extract: --format is " CLI_FORMATS " (got \"%s\")", a.format);
        cli_strv_free(inputs);
        return EXIT_USAGE;
    }
    struct mw_runner *r = cli_runner_timed(a.generic, a.rule, a.explain, a.page_seconds, 1);
    if (!r) {
        cli_out_free(out);
        cli_strv_free(inputs);
        return a.rule ? EXIT_USAGE : 1;
    }
    struct mw_runner_opts ro;   /* the extraction threads' runners, made like r */
    cli_runner_opts(a.generic, a.rule, a.explain, &ro);
    cli_runner_lazy(&ro);
    ro.page_seconds = a.page_seconds;
    int cores = mw_workers_cores();
    if (!a.jobs)   /* one per core, but no more threads than pages when the count is known */
        a.jobs = !warc && n < (size_t)cores ? (int)n : cores;
    int failed = extract_all(r, &ro, out, inputs, &a);
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
