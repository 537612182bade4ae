/* cli/fetch.c: `moonwire fetch` — fetch URLs one by one, extract, print records; -o saves raw pages. */
#include "cli/cli.h"
#include "net/fetch.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

static void help(FILE *f)
{
    fputs("usage: moonwire fetch [options] URL...\n\n"
          "Fetches each URL (http and https only), decodes and extracts it, and prints one article record per\n"
          "line. A page that fails still yields a record with \"error\" set.\n\n"
          "  -o, --output DIR      also save each raw page as DIR/NAME.html.gz and its response as DIR/NAME.json\n"
          "  --rule NAME           use this rule for every page\n"
          "  --generic             use only the built-in extractor\n"
          "  --explain             add \"origin\" to each record\n"
          "  --resolve H:P:ADDR    connect to ADDR for host H port P (as curl --resolve); repeatable\n"
          "  --timeout SECS        whole-transfer time-out (default 30)\n"
          "  --connect-timeout S   connect time-out (default 10)\n"
          "  --max-size BYTES      body cap after decompression (default 16777216)\n"
          "  --retries N           retries on connection errors, 408, 429, 5xx (default 2)\n"
          "  --user-agent UA       User-Agent header (default moonwire/VERSION)\n"
          "  -h, --help            this text\n\n"
          "Exit status: 0 when every URL gave an article; 1 when any gave an error record (a URL that is not\n"
          "http(s), a connection that failed, an HTTP error status, a page that could not be read), with one\n"
          "line per failure on stderr, as curl and wget do; 2 on usage errors.\n", f);
}

static void iso_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* DIR/<host>_<path-slug>_<hash>: readable and unique */
static void save_name(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    char slug[96];
    size_t n = 0;
    for (; *p && n < sizeof slug - 1; p++)
        slug[n++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                     *p == '-' || *p == '.') ? *p : '_';
    slug[n] = '\0';
    uint32_t h = 2166136261u;
    for (const char *q = url; *q; q++)
        h = (h ^ (unsigned char)*q) * 16777619u;
    snprintf(out, cap, "%s_%08x", slug, h);
}

static int save_page(const char *dir, const char *url, const struct mw_response *r, char *msg, size_t cap)
{
    char name[160], path[4096];
    save_name(url, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s.html.gz", dir, name);
    gzFile g = gzopen(path, "wb");
    if (!g || gzwrite(g, r->body, (unsigned)r->body_len) != (int)r->body_len) {
        snprintf(msg, cap, "%s: cannot write", path);
        if (g)
            gzclose(g);
        return -1;
    }
    if (gzclose(g) != Z_OK) {
        snprintf(msg, cap, "%s: cannot write", path);
        return -1;
    }
    json_t *hdr = json_object();
    const char *line = r->headers ? r->headers : "";
    while (*line) {
        size_t l = strcspn(line, "\n");
        const char *colon = memchr(line, ':', l);
        if (colon) {
            char key[128];
            size_t kl = (size_t)(colon - line) < sizeof key - 1 ? (size_t)(colon - line) : sizeof key - 1;
            for (size_t i = 0; i < kl; i++)
                key[i] = (char)((line[i] >= 'A' && line[i] <= 'Z') ? line[i] + 32 : line[i]);
            key[kl] = '\0';
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(line + l - v);
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            json_object_set_new(hdr, key, json_stringn(v, vl));
        }
        line += l;
        if (*line)
            line++;
    }
    char now[32];
    iso_now(now);
    json_t *meta = json_pack("{s:s, s:s, s:I, s:o, s:s, s:f, s:i}", "url", url, "final_url", r->url, "status",
                             (json_int_t)r->status, "headers", hdr, "fetched", now, "ms", r->ms, "tries", r->tries);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    int rc = meta ? json_dump_file(meta, path, JSON_INDENT(2)) : -1;
    json_decref(meta);
    if (rc) {
        snprintf(msg, cap, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

int cmd_fetch(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"rule", required_argument, 0, 'r'},
        {"generic", no_argument, 0, 'g'}, {"explain", no_argument, 0, 'e'},
        {"resolve", required_argument, 0, 'R'}, {"timeout", required_argument, 0, 't'},
        {"connect-timeout", required_argument, 0, 'c'}, {"max-size", required_argument, 0, 'm'},
        {"retries", required_argument, 0, 'n'}, {"user-agent", required_argument, 0, 'A'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    struct mw_fetch_opts fo;
    mw_fetch_opts_default(&fo);
    const char *outdir = NULL, *rule = NULL;
    const char *resolve[33] = {0};
    int nresolve = 0, generic = 0, explain = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'r': rule = optarg; break;
        case 'g': generic = 1; break;
        case 'e': explain = 1; break;
        case 'R':
            if (nresolve == 32) {
                cli_error("fetch: at most 32 --resolve entries");
                return EXIT_USAGE;
            }
            resolve[nresolve++] = optarg;
            break;
        case 't': fo.timeout_ms = (long)(atof(optarg) * 1000); break;
        case 'c': fo.connect_timeout_ms = (long)(atof(optarg) * 1000); break;
        case 'm': fo.max_body = strtoull(optarg, NULL, 10); break;
        case 'n': fo.retries = atoi(optarg); break;
        case 'A': fo.user_agent = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("fetch: no URL given");
        help(stderr);
        return EXIT_USAGE;
    }
    if (fo.timeout_ms <= 0 || fo.connect_timeout_ms <= 0 || fo.retries < 0) {
        cli_error("fetch: time-outs must be positive and retries not negative");
        return EXIT_USAGE;
    }
    if (outdir && mkdir(outdir, 0777) && errno != EEXIST) {
        cli_error("fetch: cannot create %s: %s", outdir, strerror(errno));
        return EXIT_USAGE;
    }
    fo.resolve = nresolve ? resolve : NULL;
    struct mw_err err = {0};
    struct mw_fetcher *f = mw_fetcher_new(&fo, &err);
    if (!f) {
        cli_error("%s", err.msg);
        return 1;
    }
    struct mw_runner *r = cli_runner(generic, rule, explain);
    if (!r) {
        mw_fetcher_free(f);
        return rule ? EXIT_USAGE : 1;
    }
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        const char *url = argv[i];
        struct mw_response *resp = NULL;
        char now[32];
        mw_err_clear(&err);
        int rc = mw_fetch(f, url, &resp, &err);
        iso_now(now);
        json_t *rec;
        if (rc) {
            rec = mw_article_new(url);
            mw_article_set_error(rec, &err);
        } else if (resp->status >= 400) {
            rec = mw_article_new(url);
            mw_err_set(&err, MW_EFETCH, "fetch", "%s: HTTP %ld after %d %s", url, resp->status, resp->tries,
                       resp->tries == 1 ? "try" : "tries");
            mw_article_set_error(rec, &err);
        } else {
            rec = mw_runner_extract(r, resp->body, resp->body_len, resp->url, resp->content_type);
            if (rec && strcmp(resp->url, url))
                json_object_set_new(rec, "url", json_string(resp->url));
        }
        if (rec) {
            json_object_set_new(rec, "fetched", json_string(now));
            if (resp)
                json_object_set_new(rec, "status", json_integer(resp->status));
        }
        if (resp && outdir) {
            char msg[4200];
            if (save_page(outdir, url, resp, msg, sizeof msg))
                cli_error("fetch: %s", msg);
        }
        mw_response_free(resp);
        if (!rec) {
            cli_error("fetch: %s: out of memory", url);
            failed = 1;
            continue;
        }
        json_t *e = json_object_get(rec, "error");
        if (e && !json_is_null(e)) {   /* one line per failure, the record says the rest */
            cli_error("fetch: %s", json_string_value(json_object_get(e, "message")));
            failed = 1;
        }
        cli_print_record(rec);
        json_decref(rec);
    }
    mw_runner_free(r);
    mw_fetcher_free(f);
    return failed;
}
