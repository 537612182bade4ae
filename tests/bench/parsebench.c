/* tests/bench/parsebench.c: in-process timer for `make bench` — raw libxml2 parse ("parse" mode), moonwire's
 * generic extraction ("extract" mode, the path of `moonwire extract --generic`) or extraction with the rules of
 * scripts/ ("rules" mode, the path of `moonwire extract`) over every *.html.gz of a directory (and, in rules mode,
 * its subdirectories). One mode per process so that each run's peak RSS is its own. Not the table: bench.py. */
#include <errno.h>
#include <dirent.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "doc/html.h"
#include "rules/runner.h"

struct page {
    char *path;
    char *url;      /* from the sibling <name>.json, as the CLI reads it; may be NULL */
    char *bytes;
    size_t len;
    double ms;      /* median over the repetitions (wall) */
    double cpu;     /* median over the repetitions (this process's CPU time) */
    double pms;     /* extract mode: median of the bare parses interleaved with the extractions */
};

static void usage(void)
{
    fputs("usage: parsebench parse|extract|rules DIR [--reps N] [--pages OUT.jsonl] [--no-pair] [--cpu]\n"
          "Times every DIR/*.html.gz (gunzipped into memory first), N times each (default 5), and prints one JSON\n"
          "object: per-page median ms, wall and CPU (median and total over pages) and peak RSS. --pages writes\n"
          "{\"file\", \"ms\", \"cpu_ms\"} per page. extract mode also times a bare parse before each extraction\n"
          "(\"paired_parse\", \"parse_ms\"): a busy machine then slows both alike and their ratio holds;\n"
          "--no-pair leaves it out (each page then runs only as a peer's page does, once per repetition).\n"
          "rules mode is extract with scripts/'s rules (run from the project root), DIR walked recursively.\n"
          "--cpu makes \"ms\" the process CPU clock too, instead of the monotonic wall clock.\n", stderr);
}

static clockid_t clock_id = CLOCK_MONOTONIC;   /* --cpu: CLOCK_PROCESS_CPUTIME_ID; set once in main */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(clock_id, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The process's CPU time (one thread does all the work): what a page costs whatever else the machine runs. */
static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static long peak_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int gunzip_file(const char *path, char **out, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    int got;
    while (b) {
        if (cap - n < 1 << 15) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        got = gzread(f, b + n, (unsigned)(cap - n));
        if (got <= 0) {
            if (got < 0) {
                free(b);
                b = NULL;
            }
            break;
        }
        n += (size_t)got;
    }
    gzclose(f);
    if (!b)
        return -1;
    *out = b;
    *len = n;
    return 0;
}

static char *sibling_url(const char *path)
{
    size_t n = strlen(path), e = strlen(".html.gz");
    char *j = malloc(n + 1);
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

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct page *)a)->path, ((const struct page *)b)->path);
}

struct pages {
    struct page *v;
    size_t n, cap, total;
};

/* Adds dir's pages to ps; walks subdirectories when deep (rules mode: outlets/<outlet>/ holds the pages). */
static int load_dir(const char *dir, int deep, struct pages *ps)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "parsebench: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (deep && e->d_type == DT_DIR && e->d_name[0] != '.') {
            char *sub;
            if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0)
                goto oom;
            load_dir(sub, deep, ps);
            free(sub);
            continue;
        }
        if (l <= 8 || strcmp(e->d_name + l - 8, ".html.gz"))
            continue;
        if (ps->n == ps->cap) {
            size_t cap = ps->cap ? ps->cap * 2 : 128;
            struct page *nv = realloc(ps->v, cap * sizeof *nv);
            if (!nv)
                goto oom;
            ps->v = nv;
            ps->cap = cap;
        }
        struct page *p = &ps->v[ps->n];
        memset(p, 0, sizeof *p);
        if (asprintf(&p->path, "%s/%s", dir, e->d_name) < 0)
            goto oom;
        if (gunzip_file(p->path, &p->bytes, &p->len)) {
            fprintf(stderr, "parsebench: %s: cannot gunzip\n", p->path);
            free(p->path);
            continue;
        }
        p->url = sibling_url(p->path);
        ps->total += p->len;
        ps->n++;
    }
    closedir(d);
    return 0;
oom:
    closedir(d);
    fprintf(stderr, "parsebench: out of memory\n");
    exit(1);
}

static struct page *load_pages(const char *dir, int deep, size_t *np, size_t *bytes)
{
    struct pages ps = {0};
    if (load_dir(dir, deep, &ps))
        return NULL;
    if (ps.n)
        qsort(ps.v, ps.n, sizeof *ps.v, by_path);
    *np = ps.n;
    *bytes = ps.total;
    return ps.v;
}

/* One timed run of one page; 0, or -1 when the page failed (counted, still timed). */
static int run_once(int extract, struct mw_runner *r, const struct page *p, double *ms, double *cpu)
{
    int bad = 0;
    double c0 = cpu_ms(), t0 = now_ms();
    if (extract) {
        json_t *rec = mw_runner_extract(r, p->bytes, p->len, p->url, NULL);
        json_t *e = rec ? json_object_get(rec, "error") : NULL;
        bad = !rec || (e && !json_is_null(e));
        json_decref(rec);
    } else {
        /* the same libxml2 input moonwire's own parse uses (doc/html.c: the bytes read as UTF-8, no
         * conversion buffer), so the ratio compares extraction with the parse under it */
        struct mw_err err = {0};
        htmlDocPtr doc = mw_html_parse(p->bytes, p->len, p->url, &err);
        bad = !doc;
        xmlFreeDoc(doc);
    }
    *ms = now_ms() - t0;
    *cpu = cpu_ms() - c0;
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "parse") && strcmp(argv[1], "extract") && strcmp(argv[1], "rules"))) {
        usage();
        return 2;
    }
    int rules = !strcmp(argv[1], "rules"), extract = rules || !strcmp(argv[1], "extract"), reps = 5, pair = 1;
    const char *dir = argv[2], *pages_out = NULL;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
            pages_out = argv[++i];
        else if (!strcmp(argv[i], "--no-pair"))
            pair = 0;
        else if (!strcmp(argv[i], "--cpu"))
            clock_id = CLOCK_PROCESS_CPUTIME_ID;
        else {
            usage();
            return 2;
        }
    }
    if (reps < 1 || reps > 1000) {
        usage();
        return 2;
    }

    xmlInitParser();
    size_t n = 0, bytes = 0;
    struct page *pages = load_pages(dir, rules, &n, &bytes);
    if (!pages || !n) {
        fprintf(stderr, "parsebench: no *.html.gz in %s\n", dir);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        if (pages[i].len > INT_MAX) {
            fprintf(stderr, "parsebench: %s: too large\n", pages[i].path);
            return 1;
        }

    struct mw_runner *r = NULL;
    if (extract) {
        struct mw_runner_opts o;
        mw_runner_opts_default(&o);
        o.generic_only = !rules;
        o.scripts_dir = rules ? "scripts" : NULL;
        struct mw_err err = {0};
        r = mw_runner_new(&o, &err);
        if (!r) {
            fprintf(stderr, "parsebench: runner: %s\n", err.msg);
            return 1;
        }
    }
    /* What the process holds before the first page: the pages themselves, libxml2, the runner. */
    long loaded_kb = peak_rss_kb();

    double *runs = malloc((size_t)reps * sizeof *runs), *pruns = malloc((size_t)reps * sizeof *pruns);
    double *cruns = malloc((size_t)reps * sizeof *cruns), *pcruns = malloc((size_t)reps * sizeof *pcruns);
    double *meds = malloc(n * sizeof *meds), *pmeds = malloc(n * sizeof *pmeds), *cmeds = malloc(n * sizeof *cmeds);
    if (!runs || !pruns || !cruns || !pcruns || !meds || !pmeds || !cmeds)
        return 1;
    size_t failed = 0;
    double wall0 = now_ms();
    for (size_t i = 0; i < n; i++) {
        int bad = 0;
        for (int k = 0; k < reps; k++) {
            if (extract && pair)
                run_once(0, NULL, &pages[i], &pruns[k], &pcruns[k]);
            else
                pruns[k] = pcruns[k] = 0;
            bad |= run_once(extract, r, &pages[i], &runs[k], &cruns[k]);
        }
        failed += bad != 0;
        pages[i].ms = median(runs, (size_t)reps);
        pages[i].cpu = median(cruns, (size_t)reps);
        cmeds[i] = pages[i].cpu;
        pages[i].pms = extract ? median(pruns, (size_t)reps) : pages[i].ms;
        meds[i] = pages[i].ms;
        pmeds[i] = pages[i].pms;
    }
    double wall = now_ms() - wall0;
    long peak_kb = peak_rss_kb();

    double total = 0, ptotal = 0, ctotal = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
        total += meds[i];
        ctotal += cmeds[i];
        ptotal += pmeds[i];
        if (meds[i] > max)
            max = meds[i];
    }
    double med = median(meds, n), pmed = median(pmeds, n), cmed = median(cmeds, n);   /* sorts: per-page order gone */
    double p90 = meds[(size_t)((double)(n - 1) * 0.9)];

    if (pages_out) {
        FILE *f = fopen(pages_out, "w");
        if (!f) {
            fprintf(stderr, "parsebench: %s: %s\n", pages_out, strerror(errno));
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{s:s, s:f, s:f, s:f, s:I}", "file", pages[i].path, "ms", pages[i].ms, "cpu_ms",
                                  pages[i].cpu, "parse_ms", pages[i].pms, "bytes", (json_int_t)pages[i].len);
            char *s = json_dumps(o, JSON_COMPACT);
            fprintf(f, "%s\n", s ? s : "{}");
            free(s);
            json_decref(o);
        }
        fclose(f);
    }

    json_t *out = json_pack("{s:s, s:s, s:I, s:i, s:I, s:f, s:f, s:f, s:f, s:f, s:I, s:I, s:I}",
                            "mode", argv[1], "dir", dir, "pages", (json_int_t)n, "reps", reps,
                            "input_bytes", (json_int_t)bytes, "ms_median", med, "ms_total", total, "ms_p90", p90,
                            "ms_max", max, "wall_ms", wall, "peak_rss_kb", (json_int_t)peak_kb,
                            "loaded_rss_kb", (json_int_t)loaded_kb, "failed", (json_int_t)failed);
    if (out) {
        json_object_set_new(out, "cpu_ms_median", json_real(cmed));
        json_object_set_new(out, "cpu_ms_total", json_real(ctotal));
    }
    if (out && extract)
        json_object_set_new(out, "paired_parse", json_pack("{s:f, s:f}", "ms_median", pmed, "ms_total", ptotal));
    char *s = json_dumps(out, JSON_COMPACT);
    puts(s ? s : "{}");
    free(s);
    json_decref(out);

    for (size_t i = 0; i < n; i++) {
        free(pages[i].path);
        free(pages[i].url);
        free(pages[i].bytes);
    }
    free(pages);
    free(runs);
    free(pruns);
    free(meds);
    free(pmeds);
    free(cruns);
    free(pcruns);
    free(cmeds);
    mw_runner_free(r);
    xmlCleanupParser();
    return 0;
}
