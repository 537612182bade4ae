/* cli/extract.c: `moonwire extract` — saved pages or WARC files in, one article record per line out, in input
 * order, extracted on -j threads (run/workers.c). Reading WARC records is net/warc.c; extraction is the
 * runner's. Argument parsing is cmd_extract's; the parallel driver below it knows nothing of options. */
#include "cli/cli.h"
#include "common/file.h"
#include "net/warc.h"
#include "run/sink.h"
#include "run/workers.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: moonwire extract [--rule NAME | --generic] [--url URL] [--explain] [-j N] FILE...\n\n"
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
          "  -j, --jobs N    extract on N threads (default: one per core); records still come out in input order\n"
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

/* ---- the parallel driver: inputs in order, records out in the same order ---- */

struct input {                  /* what an extracting thread needs of one page */
    char *path;                 /* the file, or NULL for a WARC record (bytes already given) */
    char *file;                 /* "file" of the record */
    const char *url;            /* --url, shared */
    int sidecar;
    size_t max;
    char *fetched;              /* WARC-Date, NULL when none */
    long status;                /* WARC HTTP status, -1 when none */
};

struct driver {
    struct mw_workers *pool;
    struct mw_sink_queue *done;
    struct mw_record **ring;    /* finished records waiting for their turn, by seq % cap */
    size_t cap;
    uint64_t next_in, next_out;
    int failed;
};

static void input_free(struct input *in)
{
    if (!in)
        return;
    free(in->path);
    free(in->file);
    free(in->fetched);
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

/* In the extracting thread: the file's bytes, and its URL from --url or the sidecar. */
static json_t *load_file(struct mw_work *w, int *failed)
{
    struct input *in = w->user;
    char *side = (!in->url && in->sidecar && strcmp(in->path, "-")) ? sibling_url(in->path) : NULL;
    const char *u = in->url ? in->url : side;
    w->url = u ? strdup(u) : NULL;
    free(side);
    char msg[600];
    if (!cli_read_page(in->path, in->max, &w->bytes, &w->len, msg, sizeof msg))
        return NULL;
    *failed = 1;
    return error_record(w->url, MW_EIO, "read", msg);
}

/* In the extracting thread: "file", and for a WARC record when and with what status it was archived (as
 * `moonwire fetch` fills them). */
static void prepare(struct mw_work *w, json_t *rec)
{
    struct input *in = w->user;
    if (in->fetched && mw_article_empty(json_object_get(rec, "fetched")))
        json_object_set_new(rec, "fetched", json_string(in->fetched));
    if (in->status >= 0 && mw_article_empty(json_object_get(rec, "status")))
        json_object_set_new(rec, "status", json_integer(in->status));
    json_object_set_new(rec, "file", json_string(in->file));
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
        fwrite(r->json, 1, r->len, stdout);
        fputc('\n', stdout);
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

/* Hand one page over; a record that needs no extraction (rec given) goes through the pool all the same, so
 * it keeps its place in the order. */
static void submit(struct driver *d, struct input *in, char *bytes, size_t len, const char *url, const char *ct)
{
    drain(d, d->cap);
    struct mw_work *w = mw_work_new();
    if (!w) {
        cli_error("%s: out of memory", in->file);
        d->failed = 1;
        input_free(in);
        free(bytes);
        return;
    }
    w->user = in;
    w->bytes = bytes;
    w->len = len;
    w->url = url ? strdup(url) : NULL;
    w->content_type = ct ? strdup(ct) : NULL;
    w->load = in->path ? load_file : NULL;
    w->prepare = prepare;
    w->seq = d->next_in++;
    mw_workers_submit(d->pool, w);
}

static struct input *input_new(const char *path, const char *file, const char *url, int sidecar, size_t max)
{
    struct input *in = calloc(1, sizeof *in);
    if (!in || (path && !(in->path = strdup(path))) || !(in->file = strdup(file))) {
        input_free(in);
        return NULL;
    }
    in->url = url;
    in->sidecar = sidecar;
    in->max = max;
    in->status = -1;
    return in;
}

/* One job per HTML response in the WARC (read here, in order); a damaged file ends with an error record at
 * the damage. */
static void submit_warc(struct driver *d, const char *path, size_t max)
{
    struct mw_warc_opts o = {.max_body = max, .html_only = 1};
    struct mw_err err = {0};
    struct mw_warc_reader *w = mw_warc_reader_new(path, &o, &err);
    for (;;) {
        const struct mw_warc_record *wr = NULL;
        int rc = w ? mw_warc_next(w, &wr, &err) : err.code;
        if (!rc && !wr)
            break;
        char file[4200];
        snprintf(file, sizeof file, "%s#%lld", path, rc ? 0LL : wr->offset);
        struct input *in = input_new(NULL, rc ? path : file, NULL, 0, max);
        if (!in) {
            cli_error("%s: out of memory", path);
            d->failed = 1;
            break;
        }
        if (!rc) {
            in->status = wr->status;
            in->fetched = wr->date ? strdup(wr->date) : NULL;
        }
        if (rc || wr->error) {   /* no extraction: the error record takes the page's place */
            char msg[4400];
            snprintf(msg, sizeof msg, "%s%s%s", rc ? "" : file, rc ? "" : ": ", rc ? err.msg : wr->error);
            struct mw_work *k = mw_work_new();
            json_t *rec = error_record(rc ? NULL : wr->target_uri, rc ? rc : MW_EPARSE, rc ? err.stage : "decode", msg);
            if (!k || !rec) {
                cli_error("%s: out of memory", path);
                json_decref(rec);
                mw_work_free(k);
                input_free(in);
                d->failed = 1;
                break;
            }
            drain(d, d->cap);
            k->user = in;
            k->seq = d->next_in++;
            k->prepare = prepare;
            k->ready = rec;
            mw_workers_submit(d->pool, k);
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
        submit(d, in, bytes, wr->body_len, wr->target_uri, wr->content_type);
    }
    mw_warc_reader_free(w);
}

/* Every input, extracted on jobs threads (1: in this thread), printed in input order. 1 when any page gave
 * an error record. */
static int extract_all(struct mw_runner *r, const struct mw_runner_opts *ro, int jobs, char **paths, int n,
                       const char *url, int sidecar, size_t max)
{
    struct driver d = {0};
    struct mw_err err = {0};
    d.cap = jobs > 1 ? (size_t)jobs * 4 : 1;
    d.ring = calloc(d.cap, sizeof *d.ring);
    d.done = mw_sink_queue_new(NULL, NULL);
    d.pool = d.ring && d.done ? mw_workers_new(jobs > 1 ? jobs : 0, ro, r, d.done, &err) : NULL;
    if (!d.pool) {
        cli_error("extract: %s", err.msg[0] ? err.msg : "out of memory");
        free(d.ring);
        mw_sink_queue_free(d.done);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (is_warc(paths[i])) {
            submit_warc(&d, paths[i], max);
            continue;
        }
        struct input *in = input_new(paths[i], paths[i], url, sidecar, max);
        if (!in) {
            cli_error("%s: out of memory", paths[i]);
            d.failed = 1;
            continue;
        }
        submit(&d, in, NULL, 0, NULL, NULL);
    }
    drain(&d, 1);
    mw_workers_free(d.pool);
    free(d.ring);
    mw_sink_queue_free(d.done);
    return d.failed;
}

int cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rule", required_argument, 0, 'r'}, {"generic", no_argument, 0, 'g'}, {"url", required_argument, 0, 'u'},
        {"explain", no_argument, 0, 'e'}, {"max-size", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
        {"no-sidecar", no_argument, 0, 'S'}, {"jobs", required_argument, 0, 'j'}, {0, 0, 0, 0}};
    const char *rule = NULL, *url = NULL;
    int generic = 0, explain = 0, sidecar = 1, jobs = 0;
    char *end;
    size_t max = 64u << 20;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:gu:em:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rule = optarg; break;
        case 'g': generic = 1; break;
        case 'u': url = optarg; break;
        case 'e': explain = 1; break;
        case 'S': sidecar = 0; break;
        case 'm': max = strtoull(optarg, NULL, 10); break;
        case 'j':
            jobs = (int)strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 64) {
                cli_error("extract: -j wants a number of threads from 1 to 64 (got \"%s\")", optarg);
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
    struct mw_runner *r = cli_runner(generic, rule, explain);
    if (!r)
        return rule ? EXIT_USAGE : 1;
    struct mw_runner_opts ro;
    cli_runner_opts(generic, rule, explain, &ro);
    int warc = 0;
    for (int i = optind; i < argc; i++)
        warc |= is_warc(argv[i]);
    if (!jobs)   /* one per core, but no more threads than pages when the count is known */
        jobs = !warc && argc - optind < mw_workers_cores() ? argc - optind : mw_workers_cores();
    int failed = extract_all(r, &ro, jobs, argv + optind, argc - optind, url, sidecar, max);
    mw_runner_free(r);
    return failed;
}
