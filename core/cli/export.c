/* cli/export.c: `moonwire export` — the stored articles of a run store as JSON lines or CSV on stdout.
 * Reading the store is run/store.c's; this file picks the rows' shape. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "meta/date.h"
#include "run/config.h"
#include "run/store.h"

static void help(FILE *f)
{
    fputs("usage: moonwire export [options] [CONFIG]\n\n"
          "Prints the articles of a run store (the latest revision of each) as JSON lines (the article record of\n"
          "`moonwire run --jsonl`) or CSV, oldest first.\n\n"
          "  --store PATH        the SQLite store (default: the `store` of CONFIG, else ./moonwire.sqlite)\n"
          "  --since T           only articles seen since T: an ISO 8601 date/time (\"2026-03-01\",\n"
          "                      \"2026-03-01T12:00:00Z\") or an age (\"2h\", \"7d\")\n"
          "  --outlet X          only this outlet (its name in the records, its rule or its config name)\n"
          "  --format jsonl|csv  default jsonl; csv has url, outlet, rule, title, authors, published, section,\n"
          "                      lang, body\n"
          "  -h, --help          this text\n", f);
}

/* CSV straight from the stored JSON text: one pass over the record finds the top-level members the columns
 * want, their strings are unescaped into the row buffer (quotes doubled), and the row goes out in one write.
 * No JSON tree is built per record. */
static const char *const COLS[] = {"url", "outlet", "rule", "title", "authors", "published", "section", "lang",
                                   "body", NULL};
#define NCOLS 9

/* The first '"' or '\\' in [p, e), or e: eight bytes at a time (a word has one when a byte of it XOR the
 * character is zero). Records are mostly long plain strings, so this is most of the work. */
static const char *find_qb(const char *p, const char *e)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (e - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        if ((((q - ones) & ~q) | ((b - ones) & ~b)) & highs)
            break;
        p += 8;
    }
    while (p < e && *p != '"' && *p != '\\')
        p++;
    return p;
}

static const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* p at a '"': past the closing quote, or NULL. */
static const char *skip_str(const char *p, const char *e)
{
    for (p++; (p = find_qb(p, e)) < e; p += 2)
        if (*p == '"')
            return p + 1;
    return NULL;
}

/* Past one JSON value, or NULL when the text is not JSON. */
static const char *skip_val(const char *p, const char *e)
{
    if (p >= e)
        return NULL;
    if (*p == '"')
        return skip_str(p, e);
    if (*p != '{' && *p != '[') {
        while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n')
            p++;
        return p;
    }
    int depth = 0;
    for (; p < e; p++) {
        if (*p == '"') {
            if (!(p = skip_str(p, e)))
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

static void put_utf8(struct mw_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    mw_buf_append(b, u, n);
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v = v * 16 + (unsigned)(c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                                c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0);
    }
    return v;
}

/* The JSON string at [p, e) (quotes included), unescaped, with CSV's quote doubling. */
static void put_str(struct mw_buf *b, const char *p, const char *e)
{
    p++;
    e--;
    while (p < e) {
        const char *run = p;
        p = find_qb(p, e);
        mw_buf_append(b, run, (size_t)(p - run));
        if (p >= e)
            break;
        if (*p == '"') {   /* cannot happen in valid JSON; kept safe */
            mw_buf_append(b, "\"\"", 2);
            p++;
            continue;
        }
        char c = p + 1 < e ? p[1] : '\\';
        p += 2;
        switch (c) {
        case 'n': mw_buf_appendc(b, '\n'); break;
        case 't': mw_buf_appendc(b, '\t'); break;
        case 'r': mw_buf_appendc(b, '\r'); break;
        case 'b': mw_buf_appendc(b, '\b'); break;
        case 'f': mw_buf_appendc(b, '\f'); break;
        case '"': mw_buf_append(b, "\"\"", 2); break;
        case 'u': {
            unsigned cp = e - p >= 4 ? hex4(p) : 0xFFFD;
            p += e - p >= 4 ? 4 : e - p;
            if (cp >= 0xD800 && cp < 0xDC00 && e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                unsigned lo = hex4(p + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            put_utf8(b, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp);
            break;
        }
        default: mw_buf_appendc(b, c); break;   /* \\ and \/ */
        }
    }
}

/* One column's value: a string, strings of an array joined by "; ", other scalars as written, null as "". */
static void put_value(struct mw_buf *b, const char *p, const char *e)
{
    if (!p || p >= e)
        return;
    if (*p == '"') {
        put_str(b, p, e);
    } else if (*p == '[') {
        int first = 1;
        for (const char *q = ws(p + 1, e); q && q < e && *q != ']';) {
            const char *end = skip_val(q, e);
            if (!end)
                break;
            if (*q == '"') {
                if (!first)
                    mw_buf_append(b, "; ", 2);
                put_str(b, q, end);
                first = 0;
            }
            q = ws(end, e);
            if (q < e && *q == ',')
                q = ws(q + 1, e);
        }
    } else if (strncmp(p, "null", 4)) {
        mw_buf_append(b, p, (size_t)(e - p));
    }
}

static int csv_row(struct mw_buf *row, const char *json, size_t len)
{
    const char *vp[NCOLS] = {0}, *ve[NCOLS] = {0};
    const char *p = ws(json, json + len), *e = json + len;
    if (p >= e || *p != '{')
        return -1;
    for (p = ws(p + 1, e); p < e && *p == '"';) {
        const char *ke = skip_str(p, e);
        if (!ke)
            return -1;
        const char *v = ws(ke, e);
        if (v >= e || *v != ':')
            return -1;
        v = ws(v + 1, e);
        const char *vend = skip_val(v, e);
        if (!vend)
            return -1;
        for (int i = 0; i < NCOLS; i++)
            if ((size_t)(ke - p - 2) == strlen(COLS[i]) && !memcmp(p + 1, COLS[i], (size_t)(ke - p - 2))) {
                vp[i] = v;
                ve[i] = vend;
            }
        p = ws(vend, e);
        if (p < e && *p == ',')
            p = ws(p + 1, e);
    }
    mw_buf_reset(row);
    for (int i = 0; i < NCOLS; i++) {
        mw_buf_appendc(row, '"');
        put_value(row, vp[i], ve[i]);
        mw_buf_append(row, i + 1 < NCOLS ? "\"," : "\"\n", 2);
    }
    return 0;
}

struct out {
    int csv;
    long n;
    struct mw_buf row;
};

static int on_row(void *ctx, const char *record_json, size_t len)
{
    struct out *o = ctx;
    o->n++;
    if (!o->csv) {
        fwrite(record_json, 1, len, stdout);
        fputc('\n', stdout);
        return ferror(stdout) ? 1 : 0;
    }
    if (csv_row(&o->row, record_json, len) == 0)
        fwrite(o->row.data, 1, o->row.len, stdout);
    return ferror(stdout) ? 1 : 0;
}

/* --since: an ISO date/time or an age like "7d", into the store's "YYYY-MM-DDTHH:MM:SSZ" form. */
static int since_iso(const char *s, char out[32])
{
    long long ms;
    time_t t;
    if (!mw_run_duration_ms(s, &ms) && strpbrk(s, "smhdw")) {
        t = time(NULL) - (time_t)(ms / 1000);
    } else {
        char iso[MW_DATE_MAX];
        double secs;
        int zone;
        struct mw_err err = {0};
        if (mw_date_parse(s, &(struct mw_date_opts){NULL, "Z", NULL}, iso, &err) || mw_date_epoch(iso, &secs, &zone))
            return -1;
        t = (time_t)secs;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"since", required_argument, 0, 'S'},
        {"outlet", required_argument, 0, 'o'}, {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *store = NULL, *since = NULL, *outlet = NULL, *format = "jsonl";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': store = optarg; break;
        case 'S': since = optarg; break;
        case 'o': outlet = optarg; break;
        case 'f': format = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (strcmp(format, "jsonl") && strcmp(format, "csv")) {
        cli_error("export: --format is jsonl or csv (got \"%s\")", format);
        return EXIT_USAGE;
    }
    if (argc - optind > 1) {
        cli_error("export: at most one CONFIG");
        return EXIT_USAGE;
    }
    char since_buf[32];
    if (since && since_iso(since, since_buf)) {
        cli_error("export: --since wants an ISO 8601 date or an age such as 7d (got \"%s\")", since);
        return EXIT_USAGE;
    }
    struct mw_err err = {0};
    struct mw_run_config *cfg = NULL;
    if (!store && optind < argc) {
        cfg = mw_run_config_load(argv[optind], &err);
        if (!cfg) {
            cli_error("%s", err.msg);
            return EXIT_USAGE;
        }
        store = cfg->store;
    }
    if (!store)
        store = "moonwire.sqlite";
    if (!mw_store_is_url(store) && access(store, R_OK)) {
        cli_error("export: %s: no such store", store);
        mw_run_config_free(cfg);
        return 1;
    }
    struct mw_store *s = mw_store_open(store, &err);
    if (!s) {
        cli_error("%s", err.msg);
        mw_run_config_free(cfg);
        return 1;
    }
    struct out o = {!strcmp(format, "csv"), 0, {0}};
    mw_buf_init(&o.row, 0);
    if (o.csv)
        fputs("url,outlet,rule,title,authors,published,section,lang,body\n", stdout);
    struct mw_store_filter f = {since ? since_buf : NULL, outlet};
    int rc = mw_store_export(s, &f, on_row, &o, &err);
    mw_buf_free(&o.row);
    if (rc)
        cli_error("%s", err.msg);
    fflush(stdout);
    mw_store_free(s);
    mw_run_config_free(cfg);
    return rc ? 1 : 0;
}
