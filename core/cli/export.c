/* cli/export.c: `moonwire export` — the stored articles of a run store as JSON lines or CSV on stdout.
 * Reading the store is run/store.c's; this file picks the rows' shape. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static void csv_field(FILE *f, const char *s, int last)
{
    fputc('"', f);
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

struct out {
    int csv;
    long n;
};

static int on_row(void *ctx, const char *record_json)
{
    struct out *o = ctx;
    o->n++;
    if (!o->csv) {
        fputs(record_json, stdout);
        fputc('\n', stdout);
        return ferror(stdout) ? 1 : 0;
    }
    json_t *r = json_loads(record_json, 0, NULL);
    static const char *const cols[] = {"url", "outlet", "rule", "title", "authors", "published", "section", "lang",
                                       "body", NULL};
    for (int i = 0; cols[i]; i++) {
        json_t *v = json_object_get(r, cols[i]);
        int last = !cols[i + 1];
        if (json_is_array(v)) {
            char buf[2048] = "";
            size_t k, n = 0;
            json_t *e;
            json_array_foreach(v, k, e) if (json_is_string(e) && n < sizeof buf - 2) n += (size_t)snprintf(
                buf + n, sizeof buf - n, "%s%s", n ? "; " : "", json_string_value(e));
            csv_field(stdout, buf, last);
        } else {
            csv_field(stdout, json_string_value(v), last);
        }
    }
    json_decref(r);
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
    if (access(store, R_OK)) {
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
    struct out o = {!strcmp(format, "csv"), 0};
    if (o.csv)
        fputs("url,outlet,rule,title,authors,published,section,lang,body\n", stdout);
    int rc = mw_store_export(s, since ? since_buf : NULL, outlet, on_row, &o, &err);
    if (rc)
        cli_error("%s", err.msg);
    fflush(stdout);
    mw_store_free(s);
    mw_run_config_free(cfg);
    return rc ? 1 : 0;
}
