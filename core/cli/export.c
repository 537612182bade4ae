/* cli/export.c: `moonwire export` — the stored articles of a run store as JSON lines or CSV on stdout.
 * Reading the store is run/store.c's; this file picks the rows' shape. */
#include "cli/cli.h"
#include "cli/format.h"

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
          "Prints the articles of a run store (the latest revision of each), oldest first, in any output format\n"
          "of `moonwire extract` (default: JSON lines, the article record of `moonwire run --jsonl`).\n\n"
          "  --store PATH             the SQLite store (default: the `store` of CONFIG, else ./moonwire.sqlite)\n"
          "  --since T                only articles seen since T: an ISO 8601 date/time (\"2026-03-01\",\n"
          "                           \"2026-03-01T12:00:00Z\") or an age (\"2h\", \"7d\")\n"
          "  --published-since T      only articles published at or after T (a date, a date/time or an age)\n"
          "  --published-until T      only articles published up to T (a date alone counts to its end, UTC)\n"
          "  --outlet X               only this outlet (its name in the records, its rule or its config name)\n"
          "  --rule NAME              only articles this rule extracted (\"generic\": the built-in extractor)\n"
          "  --lang L                 only articles in this language (the record's \"lang\", e.g. en, ru)\n"
          "  --complete               only articles with a title, a body and a published date\n"
          "  --max N                  at most N articles (the oldest first)\n"
          "  -f, --format F           jsonl (default), json, csv (every field), txt, markdown, xml (TEI)\n"
          "  --with-metadata          txt and markdown: a front matter with the record's metadata\n"
          "  -h, --help               this text\n\n"
          "A stored record keeps no page, so markdown and xml give each block of the body as a paragraph.\n", f);
}

struct out {
    struct cli_out *o;
    long n;
};

static int on_row(void *ctx, const char *record_json, size_t len)
{
    struct out *o = ctx;
    o->n++;
    return cli_out_record_text(o->o, NULL, record_json, len, NULL, 0, NULL) ? 1 : 0;
}

/* --since: an ISO date/time or an age like "7d", into the store's "YYYY-MM-DDTHH:MM:SSZ" form. end_of_day: a
 * date alone gives the start of the next day (an "until" bound that includes the day). */
static int when_iso(const char *s, char out[32], int end_of_day)
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
        if (end_of_day && strlen(s) == 10)
            t += 86400;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

struct export_args {
    const char *store, *config, *format, *since, *pub_since, *pub_until;
    struct mw_store_filter f;
    int with_meta;
    char since_buf[32], ps_buf[32], pu_buf[32];
};

/* 0, -1 after --help, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct export_args *a)
{
    enum { O_STORE = 256, O_SINCE, O_OUTLET, O_PSINCE, O_PUNTIL, O_LANG, O_RULE, O_COMPLETE, O_MAX, O_META };
    static const struct option opts[] = {
        {"store", required_argument, 0, O_STORE}, {"since", required_argument, 0, O_SINCE},
        {"outlet", required_argument, 0, O_OUTLET}, {"format", required_argument, 0, 'f'},
        {"published-since", required_argument, 0, O_PSINCE}, {"published-until", required_argument, 0, O_PUNTIL},
        {"lang", required_argument, 0, O_LANG}, {"rule", required_argument, 0, O_RULE},
        {"complete", no_argument, 0, O_COMPLETE}, {"max", required_argument, 0, O_MAX},
        {"with-metadata", no_argument, 0, O_META}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->format = "jsonl";
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
        switch (c) {
        case O_STORE: a->store = optarg; break;
        case O_SINCE: a->since = optarg; break;
        case O_OUTLET: a->f.outlet = optarg; break;
        case 'f': a->format = optarg; break;
        case O_PSINCE: a->pub_since = optarg; break;
        case O_PUNTIL: a->pub_until = optarg; break;
        case O_LANG: a->f.lang = optarg; break;
        case O_RULE: a->f.rule = optarg; break;
        case O_COMPLETE: a->f.complete = 1; break;
        case O_META: a->with_meta = 1; break;
        case O_MAX:
            a->f.max = strtol(optarg, &end, 10);
            if (*end || a->f.max <= 0) {
                cli_error("export: --max wants a number of articles (got \"%s\")", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': help(stdout); return -1;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("export: at most one CONFIG");
        return EXIT_USAGE;
    }
    a->config = optind < argc ? argv[optind] : NULL;
    const struct { const char *opt, *v; char *buf; const char **dst; int eod; } W[] = {
        {"--since", a->since, a->since_buf, &a->f.seen_since, 0},
        {"--published-since", a->pub_since, a->ps_buf, &a->f.published_since, 0},
        {"--published-until", a->pub_until, a->pu_buf, &a->f.published_before, 1}};
    for (size_t i = 0; i < 3; i++) {
        if (!W[i].v)
            continue;
        if (when_iso(W[i].v, W[i].buf, W[i].eod)) {
            cli_error("export: %s wants an ISO 8601 date or an age such as 7d (got \"%s\")", W[i].opt, W[i].v);
            return EXIT_USAGE;
        }
        *W[i].dst = W[i].buf;
    }
    if (a->pub_until && strlen(a->pub_until) > 10 && a->f.published_before) {
        /* a time given: "until" includes that second */
        time_t t;
        struct tm tm = {0};
        if (strptime(a->pu_buf, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
            t = timegm(&tm) + 1;
            gmtime_r(&t, &tm);
            strftime(a->pu_buf, sizeof a->pu_buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
    }
    return 0;
}

int cmd_export(int argc, char **argv)
{
    struct export_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct mw_run_config *cfg;
    const char *store = cli_store_path(a.store, a.config, &cfg);
    if (!store)
        return EXIT_USAGE;
    if (!cli_out_known(a.format)) {
        cli_error("export: --format is " CLI_FORMATS " (got \"%s\")", a.format);
        mw_run_config_free(cfg);
        return EXIT_USAGE;
    }
    struct mw_err err = {0};
    struct mw_store *s = cli_store_open("export", store);
    struct out o = {NULL, 0};
    if (s && !(o.o = cli_out_new(a.format, a.with_meta, 0, stdout)))
        cli_error("export: out of memory");
    rc = !o.o || mw_store_export(s, &a.f, on_row, &o, &err);
    if (o.o && rc)
        cli_error("%s", err.msg[0] ? err.msg : "export: cannot write the output");
    if (cli_out_free(o.o) && !rc) {
        cli_error("export: cannot write the output");
        rc = 1;
    }
    mw_store_free(s);
    mw_run_config_free(cfg);
    return rc ? 1 : 0;
}
