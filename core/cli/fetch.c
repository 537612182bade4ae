/* cli/fetch.c: `moonwire fetch` — URLs (arguments, -i LIST), or what one feed, sitemap or site crawl finds, fetched
 * many hosts at once through the crawler's curl multi loop (run/crawl.c) with an in-memory store, one host at a
 * time each; records printed as they come (cli/format.c); -o keeps the raw pages as DIR/host/path.html.gz. */
#include "cli/cli.h"
#include "cli/format.h"
#include "net/fetch.h"
#include "net/url.h"
#include "run/config.h"
#include "run/crawl.h"
#include "run/discover.h"
#include "run/match.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#define MAX_LIST 64

static void help(FILE *f)
{
    fputs("usage: moonwire fetch [options] URL...        (or -i LIST, or - for URLs on stdin)\n"
          "       moonwire fetch [options] --feed URL | --sitemap URL | --crawl URL [--max N]\n\n"
          "Fetches each URL (http and https only), decodes and extracts it, and prints one article record per\n"
          "line as it comes (completion order). Many hosts are fetched at once, one request at a time per host\n"
          "with --delay between them, as `moonwire run` does; a URL given twice is fetched once. A page that\n"
          "fails still yields a record with \"error\" set.\n\n"
          "  -i, --input-file LIST  also fetch the URLs in LIST, one a line (- = stdin; # comments)\n"
          "  --feed URL            fetch the articles an RSS/Atom feed lists (repeatable)\n"
          "  --sitemap URL         fetch the articles a sitemap (or sitemap index) lists (repeatable)\n"
          "  --crawl URL           fetch the article links of this page, then theirs, within its site: the links\n"
          "                        the URL's rule calls articles (its `article` patterns), else every link on\n"
          "                        the page's own host (repeatable)\n"
          "  --max N               at most N article pages per feed, sitemap or site (default 100; 0 = no limit)\n"
          "  --article PATTERN     only pages whose URL matches this Lua pattern (discovery; repeatable)\n"
          "  -o, --output DIR      also save each page as DIR/HOST/PATH.html.gz with DIR/HOST/PATH.json beside it\n"
          "                        (URL, final URL, status, headers, fetched): `moonwire extract` reads both back\n"
          "  -f, --format F        jsonl (default), json, csv, txt, markdown, xml (see `moonwire extract --help`)\n"
          "  --with-metadata       txt and markdown: a front matter with the record's metadata\n"
          "  --rule NAME           use this rule for every page\n"
          "  --generic             use only the built-in extractor\n"
          "  --explain             add \"origin\" to each record\n"
          "  --delay D             wait between two requests to one host (default 1s; \"250ms\", \"0\")\n"
          "  --connections N       transfers at once over all hosts (default 32)\n"
          "  --robots, --no-robots obey robots.txt (default: only for --feed, --sitemap and --crawl)\n"
          "  --host-failures N     give a host up after N failed tries in a row (connection errors, time-outs;\n"
          "                        default 3 x (retries + 1): three URLs that failed every try)\n"
          "  -A, --user-agent UA   User-Agent header (default moonwire/VERSION)\n"
          "  -H, --header 'N: V'   send this request header too (repeatable)\n"
          "  -b, --cookie FILE     send cookies from a Netscape-format cookie file (as curl -b, wget --load-cookies)\n"
          "  -x, --proxy URL       use this proxy (http://, https://, socks5h://...; default: http_proxy etc.)\n"
          "  --resolve H:P:ADDR    connect to ADDR for host H port P (as curl --resolve); repeatable\n"
          "  --timeout T           whole-transfer time-out (default 30s; a bare number is seconds)\n"
          "  --connect-timeout T   connect time-out (default 10s)\n"
          "  --max-size BYTES      body cap after decompression (default 16777216)\n"
          "  --retries N           retries on connection errors, 408, 429, 5xx (default 2)\n"
          "  -h, --help            this text\n\n"
          "Exit status: 0 when every URL gave an article; 1 when any gave an error record (a URL that is not\n"
          "http(s), a connection that failed, an HTTP error status, a page robots.txt refused, a feed that\n"
          "failed), with one line per failure on stderr, as curl and wget do; 2 on usage errors.\n", f);
}

struct args {
    const char *outdir, *rule, *format, *list, *user_agent, *cookie, *proxy;
    const char *feeds[MAX_LIST], *sitemaps[MAX_LIST], *crawls[MAX_LIST], *articles[MAX_LIST];
    const char *resolve[MAX_LIST + 1], *headers[MAX_LIST + 1];
    int nfeeds, nsitemaps, ncrawls, narticles, nresolve, nheaders;
    int generic, explain, with_meta, robots, connections, retries, host_failures;
    long max;
    long long delay_ms, timeout_ms, connect_timeout_ms;
    size_t max_body;
};

/* "30" (seconds, as before), "1.5", or a duration with units ("250ms", "1m"). */
static int secs_or_duration(const char *s, long long *ms)
{
    char *end;
    double d = strtod(s, &end);
    if (end != s && !*end) {
        *ms = (long long)(d * 1000);
        return 0;
    }
    return mw_run_duration_ms(s, ms);
}

static int push(const char **v, int *n, const char *s, const char *opt)
{
    return cli_push(v, n, MAX_LIST, s, "fetch", opt);
}

enum { O_RULE = 256, O_GENERIC, O_EXPLAIN, O_RESOLVE, O_TIMEOUT, O_CTIMEOUT, O_MAXSIZE, O_RETRIES, O_FEED,
       O_SITEMAP, O_CRAWL, O_MAX, O_ARTICLE, O_DELAY, O_CONNS, O_ROBOTS, O_NOROBOTS, O_META, O_HOSTFAIL };

static const struct option fetch_options[] = {
    {"output", required_argument, 0, 'o'}, {"rule", required_argument, 0, O_RULE},
    {"generic", no_argument, 0, O_GENERIC}, {"explain", no_argument, 0, O_EXPLAIN},
    {"resolve", required_argument, 0, O_RESOLVE}, {"timeout", required_argument, 0, O_TIMEOUT},
    {"connect-timeout", required_argument, 0, O_CTIMEOUT}, {"max-size", required_argument, 0, O_MAXSIZE},
    {"retries", required_argument, 0, O_RETRIES}, {"user-agent", required_argument, 0, 'A'},
    {"header", required_argument, 0, 'H'}, {"cookie", required_argument, 0, 'b'},
    {"proxy", required_argument, 0, 'x'}, {"input-file", required_argument, 0, 'i'},
    {"format", required_argument, 0, 'f'}, {"with-metadata", no_argument, 0, O_META},
    {"feed", required_argument, 0, O_FEED}, {"sitemap", required_argument, 0, O_SITEMAP},
    {"crawl", required_argument, 0, O_CRAWL}, {"max", required_argument, 0, O_MAX},
    {"article", required_argument, 0, O_ARTICLE}, {"delay", required_argument, 0, O_DELAY},
    {"connections", required_argument, 0, O_CONNS}, {"robots", no_argument, 0, O_ROBOTS},
    {"no-robots", no_argument, 0, O_NOROBOTS}, {"host-failures", required_argument, 0, O_HOSTFAIL},
    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};

static void args_default(struct args *a)
{
    memset(a, 0, sizeof *a);
    a->format = "jsonl";
    a->robots = -1;
    a->max = 100;
    a->delay_ms = 1000;
    a->timeout_ms = 30000;
    a->connect_timeout_ms = 10000;
    a->max_body = (size_t)16 << 20;
    a->retries = 2;
    a->connections = 32;
}

/* --delay, --timeout, --connect-timeout: 0, or EXIT_USAGE after the error. */
static int duration_opt(int c, const char *arg, struct args *a)
{
    long long ms;
    if (secs_or_duration(arg, &ms) || ms < 0) {
        cli_error("fetch: --%s wants a duration such as 30s or 250ms (got \"%s\")",
                  c == O_DELAY ? "delay" : c == O_TIMEOUT ? "timeout" : "connect-timeout", arg);
        return EXIT_USAGE;
    }
    *(c == O_DELAY ? &a->delay_ms : c == O_TIMEOUT ? &a->timeout_ms : &a->connect_timeout_ms) = ms;
    return 0;
}

/* --retries, --max, --host-failures, --connections: 0, or 1 after the error. */
static int number_opt(int c, const char *arg, struct args *a)
{
    char *end;
    int bad = 0;
    switch (c) {
    case O_RETRIES: a->retries = (int)strtol(arg, &end, 10);
        bad = end == arg || *end || a->retries < 0 || a->retries > 20;
        if (bad)
            cli_error("fetch: --retries wants a number from 0 to 20");
        break;
    case O_MAX: a->max = strtol(arg, &end, 10); bad = end == arg || *end || a->max < 0;
        if (bad)
            cli_error("fetch: --max wants a number of pages (0 = no limit)");
        break;
    case O_HOSTFAIL: a->host_failures = (int)strtol(arg, &end, 10);
        bad = end == arg || *end || a->host_failures < 1 || a->host_failures > 1000;
        if (bad)
            cli_error("fetch: --host-failures wants a number from 1 to 1000");
        break;
    case O_CONNS: a->connections = (int)strtol(arg, &end, 10);
        bad = end == arg || *end || a->connections < 1 || a->connections > 1024;
        if (bad)
            cli_error("fetch: --connections wants a number from 1 to 1024");
        break;
    }
    return bad;
}

/* --max-size: a positive number of bytes, all of it a number (strtoull alone takes "abc" as 0 and "-5" as
 * 2^64 - 5); 0, or EXIT_USAGE after the error. */
static int size_opt(const char *arg, struct args *a)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || *end || errno || strchr(arg, '-') || v == 0 || v > SIZE_MAX) {
        cli_error("fetch: --max-size wants a number of bytes above 0 (got \"%s\")", arg);
        return EXIT_USAGE;
    }
    a->max_body = (size_t)v;
    return 0;
}

/* One option getopt_long returned: 0, -1 after --help, or EXIT_USAGE. */
static int parse_opt(int c, char *arg, struct args *a)
{
    int bad = 0;
    switch (c) {
    case 'o': a->outdir = arg; break;
    case O_RULE: a->rule = arg; break;
    case O_GENERIC: a->generic = 1; break;
    case O_EXPLAIN: a->explain = 1; break;
    case O_META: a->with_meta = 1; break;
    case 'f': a->format = arg; break;
    case 'i': a->list = arg; break;
    case 'A': a->user_agent = arg; break;
    case 'b': a->cookie = arg; break;
    case 'x': a->proxy = arg; break;
    case 'H': bad = push(a->headers, &a->nheaders, arg, "--header options"); break;
    case O_RESOLVE: bad = push(a->resolve, &a->nresolve, arg, "--resolve entries"); break;
    case O_FEED: bad = push(a->feeds, &a->nfeeds, arg, "--feed URLs"); break;
    case O_SITEMAP: bad = push(a->sitemaps, &a->nsitemaps, arg, "--sitemap URLs"); break;
    case O_CRAWL: bad = push(a->crawls, &a->ncrawls, arg, "--crawl URLs"); break;
    case O_ARTICLE: bad = push(a->articles, &a->narticles, arg, "--article patterns"); break;
    case O_ROBOTS: a->robots = 1; break;
    case O_NOROBOTS: a->robots = 0; break;
    case O_TIMEOUT:
    case O_CTIMEOUT:
    case O_DELAY: return duration_opt(c, arg, a);
    case O_MAXSIZE: return size_opt(arg, a);
    case O_RETRIES:
    case O_MAX:
    case O_HOSTFAIL:
    case O_CONNS: bad = number_opt(c, arg, a); break;
    case 'h': help(stdout); return -1;
    default: help(stderr); return EXIT_USAGE;
    }
    return bad ? EXIT_USAGE : 0;
}

/* What the options leave to check: the operands (- for stdin), something to fetch, time-outs, --rule. */
static int args_check(int argc, char **argv, struct args *a)
{
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], "-")) {   /* `fetch -` reads URLs from stdin, as -i - */
            if (a->list && strcmp(a->list, "-")) {
                cli_error("fetch: give either - or -i LIST");
                return EXIT_USAGE;
            }
            a->list = "-";
        }
    if (optind >= argc && !a->list && !a->nfeeds && !a->nsitemaps && !a->ncrawls) {
        cli_error("fetch: no URL given (URLs, -i LIST, --feed, --sitemap or --crawl)");
        help(stderr);
        return EXIT_USAGE;
    }
    if (a->timeout_ms <= 0 || a->connect_timeout_ms <= 0) {
        cli_error("fetch: time-outs must be positive");
        return EXIT_USAGE;
    }
    if (a->rule && a->generic) {
        cli_error("fetch: --rule and --generic exclude each other");
        return EXIT_USAGE;
    }
    return 0;
}

/* 0, -1 after --help, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct args *a)
{
    args_default(a);
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:hA:H:b:x:i:f:", fetch_options, NULL)) != -1) {
        int rc = parse_opt(c, optarg, a);
        if (rc)
            return rc;
    }
    return args_check(argc, argv, a);
}

/* ---------- the config of a one-off crawl ---------- */

static char **strv_of(const char *const *v, int n)
{
    char **out = calloc((size_t)n + 1, sizeof *out);
    for (int i = 0; out && i < n; i++)
        if (!(out[i] = strdup(v[i]))) {
            cli_strv_free(out);
            return NULL;
        }
    return out;
}

/* The `article` patterns the rule for url gives (NULL when none or no rule), and the rule's name. */
static char **rule_patterns(struct mw_runner *r, const char *url, char **name)
{
    *name = NULL;
    const char *rn = mw_runner_pick(r, url);
    if (!rn || !strcmp(rn, "generic"))
        return NULL;
    json_t *rules = mw_runner_rule_info(r, rn), *pats = json_object_get(rules, "article");
    size_t i;
    char **out = NULL;
    size_t n = json_is_array(pats) ? json_array_size(pats) : json_is_string(pats) ? 1 : 0;
    if (n && (out = calloc(n + 1, sizeof *out)))
        for (i = 0; i < n; i++) {
            const char *pat = json_string_value(json_is_array(pats) ? json_array_get(pats, i) : pats);
            out[i] = strdup(pat ? pat : "");
        }
    json_decref(rules);
    *name = strdup(rn);
    return out;
}

static int add_source(struct mw_run_config *cfg, struct mw_runner *r, const struct args *a, const char *url,
                      enum mw_source_type t)
{
    struct mw_run_source *p = realloc(cfg->sources, (cfg->nsources + 1) * sizeof *p);
    if (!p)
        return -1;
    cfg->sources = p;
    struct mw_run_source *s = &p[cfg->nsources++];
    memset(s, 0, sizeof *s);
    s->type = t;
    s->url = strdup(url);
    if (a->narticles)
        s->article = strv_of(a->articles, a->narticles);
    else if (t == MW_SRC_LISTING)   /* a site crawl keeps to what the site's rule calls articles */
        s->article = rule_patterns(r, url, &s->outlet);
    return s->url ? 0 : -1;
}

static struct mw_run_config *make_config(const struct args *a, struct mw_runner *r)
{
    struct mw_run_config *cfg = mw_run_config_new("fetch");
    if (!cfg)
        return NULL;
    int discover = a->nfeeds || a->nsitemaps || a->ncrawls, fail = 0;
    cfg->store = strdup(":memory:");   /* the seen-set and the queue of this one command */
    cfg->robots = a->robots >= 0 ? a->robots : discover;
    cfg->robots_sitemaps = 0;
    cfg->pages_per_outlet = a->max;
    cfg->delay_ms = (long)a->delay_ms;
    cfg->connections = a->connections;
    cfg->timeout_ms = (long)a->timeout_ms;
    cfg->connect_timeout_ms = (long)a->connect_timeout_ms;
    cfg->retries = a->retries;
    cfg->max_tries = 1;
    /* a host is given up after three URLs in a row failed every try (a pass of `run` leaves the rest queued
     * for the next; here nothing comes after, so one hanging URL must not cost the others) */
    cfg->host_failures = a->host_failures ? a->host_failures : 3 * (a->retries + 1);
    cfg->max_body = a->max_body;
    cfg->user_agent = a->user_agent ? strdup(a->user_agent) : NULL;
    cfg->cookie_file = a->cookie ? strdup(a->cookie) : NULL;
    cfg->proxy = a->proxy ? strdup(a->proxy) : NULL;
    cfg->headers = a->nheaders ? strv_of(a->headers, a->nheaders) : NULL;
    cfg->resolve = a->nresolve ? strv_of(a->resolve, a->nresolve) : NULL;
    for (int i = 0; i < a->nfeeds && !fail; i++)
        fail = add_source(cfg, r, a, a->feeds[i], MW_SRC_FEED);
    for (int i = 0; i < a->nsitemaps && !fail; i++)
        fail = add_source(cfg, r, a, a->sitemaps[i], MW_SRC_SITEMAP);
    for (int i = 0; i < a->ncrawls && !fail; i++)
        fail = add_source(cfg, r, a, a->crawls[i], MW_SRC_LISTING);
    if (fail || !cfg->store || (a->user_agent && !cfg->user_agent) || (a->nheaders && !cfg->headers)) {
        mw_run_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* ---------- saving pages (-o) ---------- */

/* A path part of a URL as a file name: letters, digits, '.', '-' and '_' kept, the rest '_', no dot first. */
static void safe_part(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                 ch == '_' || (ch == '.' && k > 0);
        out[k++] = ok ? ch : '_';
    }
    out[k] = '\0';
}

static int ends_with_ci(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && !strcasecmp(s + n - t, tail);
}

/* "HOST/PATH" (no extension) for url: "a.example/news/2026/story" for http://a.example/news/2026/story.html,
 * ".../index" for a path ending in "/", "_q_..." after the last part for a query. */
static void page_name(const char *url, char *out, size_t cap)
{
    struct mw_url u;
    if (mw_url_parse(url, &u) || !u.host) {
        snprintf(out, cap, "unknown/page");
        return;
    }
    char part[128];
    safe_part(u.host, strlen(u.host), part, sizeof part);
    size_t n = (size_t)snprintf(out, cap, "%s%s%s", part, u.port ? "_" : "", u.port ? u.port : "");
    const char *p = u.path ? u.path : "/";
    int parts = 0;
    while (*p && n + 1 < cap && parts < 16) {
        while (*p == '/')
            p++;
        size_t l = strcspn(p, "/");
        if (!l)
            break;
        if (!(l == 1 && p[0] == '.') && !(l == 2 && p[0] == '.' && p[1] == '.')) {
            safe_part(p, l > 100 ? 100 : l, part, sizeof part);
            n += (size_t)snprintf(out + n, cap - n, "/%s", part);
            parts++;
        }
        p += l;
    }
    if (!parts || (u.path && u.path[strlen(u.path) - 1] == '/'))
        n += (size_t)snprintf(out + n, cap - n, "/index");
    /* story.html -> story (".html.gz" comes back on), so no name ends in .html.html.gz */
    static const char *const EXTS[] = {".html", ".htm", ".shtml", ".php", ".aspx", ".asp", ".jsp", NULL};
    for (int i = 0; EXTS[i] && n < cap; i++)
        if (ends_with_ci(out, EXTS[i]) && out[strlen(out) - strlen(EXTS[i]) - 1] != '/') {
            out[strlen(out) - strlen(EXTS[i])] = '\0';
            break;
        }
    if (u.query && *u.query) {
        safe_part(u.query, strlen(u.query) > 80 ? 80 : strlen(u.query), part, sizeof part);
        n = strlen(out);
        snprintf(out + n, cap - n, "_q_%s", part);
    }
    mw_url_clear(&u);
}

static int mkdirs(char *path)   /* every directory above the file path names */
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* DIR/NAME.json already there for another URL (two URLs that read alike): NAME_<hash> instead. */
static void unique_name(const char *dir, const char *url, char *name, size_t cap)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    json_t *old = json_load_file(path, 0, NULL);
    const char *ou = json_string_value(json_object_get(old, "url"));
    if (ou && strcmp(ou, url)) {
        uint32_t h = 2166136261u;
        for (const char *q = url; *q; q++)
            h = (h ^ (unsigned char)*q) * 16777619u;
        size_t n = strlen(name);
        snprintf(name + n, cap - n, "_%08x", h);
    }
    json_decref(old);
}

static json_t *header_object(const char *lines)
{
    json_t *hdr = json_object();
    for (const char *line = lines ? lines : ""; *line;) {
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
    return hdr;
}

static int save_page(const char *dir, const struct mw_fetch_event *ev, char *msg, size_t cap)
{
    char name[1200], path[4400];
    page_name(ev->url, name, sizeof name);
    unique_name(dir, ev->url, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s.html.gz", dir, name);
    if (mkdirs(path)) {
        snprintf(msg, cap, "%s: cannot create its directory: %s", path, strerror(errno));
        return -1;
    }
    gzFile g = gzopen(path, "wb");
    int ok = g && (!ev->body_len || gzwrite(g, ev->body, (unsigned)ev->body_len) == (int)ev->body_len);
    if (g && gzclose(g) != Z_OK)
        ok = 0;
    if (!ok) {
        snprintf(msg, cap, "%s: cannot write", path);
        return -1;
    }
    json_t *meta = json_pack("{s:s, s:s, s:I, s:o, s:s, s:f}", "url", ev->url, "final_url",
                             ev->final_url ? ev->final_url : ev->url, "status", (json_int_t)ev->status, "headers",
                             header_object(ev->response_headers), "fetched", ev->fetched ? ev->fetched : "", "ms",
                             ev->ms);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    int rc = meta ? json_dump_file(meta, path, JSON_INDENT(2)) : -1;
    json_decref(meta);
    if (rc) {
        snprintf(msg, cap, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

/* ---------- the run ---------- */

struct run {
    const struct args *a;
    struct cli_out *out;
    struct mw_crawl *crawl;
    struct mw_match *match;
    json_t *asked;          /* normalised URL asked for -> true once its record came */
    json_t *crawl_hosts;    /* --crawl: host -> outlet name ("" for the host's own) */
    int failed;
};

static void print_record(struct run *r, const char *json, const struct mw_fetch_event *fev)
{
    json_t *rec = json_loads(json, 0, NULL);
    if (!rec)
        return;
    json_t *e = json_object_get(rec, "error");
    if (e && !json_is_null(e)) {   /* one line per failure, the record says the rest */
        cli_error("fetch: %s", json_string_value(json_object_get(e, "message")));
        r->failed = 1;
    }
    if (cli_out_record(r->out, rec, fev ? fev->body : NULL, fev ? fev->body_len : 0, NULL))
        r->failed = 1;
    json_decref(rec);
}

struct follow_ctx {
    struct run *r;
    const char *outlet, *host;
    char **article;
};

/* --crawl: a link found on a fetched page, kept when it is an article of the same site. */
static int on_link(void *ctx, const char *url, const char *date, enum mw_found_kind kind)
{
    (void)date;
    struct follow_ctx *f = ctx;
    if (kind != MW_FOUND_PAGE)
        return 0;
    int ok = 0;
    if (f->article) {
        for (char **p = f->article; *p && !ok; p++)
            ok = mw_match(f->r->match, *p, url, NULL) == 1;
    } else {
        char *h = mw_url_host(url);
        ok = h && !strcmp(h, f->host);
        free(h);
    }
    struct mw_err err = {0};
    if (ok)
        mw_crawl_add_page(f->r->crawl, url, f->outlet, &err);
    return 0;
}

/* --crawl: the article links of a fetched page of a crawled site join the queue (the --max of the site counts
 * pages started, so the queue may grow past it: those are never fetched). */
static void follow(struct run *r, const struct mw_crawl_event *ev)
{
    char *host = ev->fetch ? mw_url_host(ev->url) : NULL;
    json_t *site = host ? json_object_get(r->crawl_hosts, host) : NULL;
    if (site && ev->fetch->body_len && !ev->fetch->error) {
        struct follow_ctx f = {r, ev->outlet, host, NULL};
        json_t *pats = json_object_get(site, "article");
        size_t n = json_array_size(pats);
        char *v[17] = {0};
        for (size_t i = 0; i < n && i < 16; i++)
            v[i] = (char *)json_string_value(json_array_get(pats, i));
        f.article = n ? v : NULL;
        struct mw_discover_opts o = {ev->fetch->final_url, NULL, NULL, r->a->max_body, NULL};
        const char *what = NULL;
        struct mw_err err = {0};
        mw_discover(ev->fetch->body, ev->fetch->body_len, &o, on_link, &f, &what, &err);
    }
    free(host);
}

static void on_event(void *ctx, const struct mw_crawl_event *ev)
{
    struct run *r = ctx;
    if (!strcmp(ev->kind, "page")) {
        json_object_set_new(r->asked, ev->url, json_true());
        if (r->a->outdir && ev->fetch) {
            char msg[4600];
            if (save_page(r->a->outdir, ev->fetch, msg, sizeof msg)) {
                cli_error("fetch: %s", msg);
                r->failed = 1;
            }
        }
        if (ev->record_json)
            print_record(r, ev->record_json, ev->fetch);
        if (r->crawl_hosts)
            follow(r, ev);
    } else if (ev->record_json) {   /* a feed, sitemap or listing that failed; a host given up */
        print_record(r, ev->record_json, NULL);
    } else if (ev->error) {
        cli_error("fetch: %s", ev->error);
        r->failed = 1;
    }
}

/* An error record for url (err: what failed), printed as the run's other records are. */
static void print_error_record(struct run *r, const char *url, const struct mw_err *err)
{
    json_t *rec = mw_article_new(url);
    mw_article_set_error(rec, err);
    char *js = json_dumps(rec, JSON_COMPACT);
    if (js)
        print_record(r, js, NULL);
    free(js);
    json_decref(rec);
}

/* A URL asked for that gave no record: robots.txt refused it, or its host was given up. */
static void report_missing(struct run *r)
{
    const char *url;
    json_t *v;
    json_object_foreach(r->asked, url, v) {
        if (json_is_true(v))
            continue;
        struct mw_err err = {0};
        mw_err_set(&err, MW_EFETCH, "fetch", "%s: not fetched: %s", url,
                   r->a->robots == 0 ? "its host was given up (see above)"
                                     : "robots.txt disallows it, or its host was given up (see above)");
        print_error_record(r, url, &err);
    }
}

/* Queue every URL asked for; one that is not http(s) is an error record at once. */
static void queue_urls(struct run *r, char **urls)
{
    for (size_t i = 0; urls[i]; i++) {
        if (!strcmp(urls[i], "-"))
            continue;
        char *norm = mw_url_normalize(urls[i]);
        struct mw_err err = {0};
        int rc = norm ? mw_crawl_add_page(r->crawl, norm, NULL, &err) : -MW_EINVAL;
        if (rc >= 0 && norm) {
            if (!json_object_get(r->asked, norm))
                json_object_set_new(r->asked, norm, json_false());
        } else {
            if (!norm)
                mw_err_set(&err, MW_EINVAL, "fetch", "%s: only http and https URLs are fetched", urls[i]);
            print_error_record(r, urls[i], &err);
        }
        free(norm);
    }
}

/* --crawl sites: host -> {"article": [patterns]} for following links. */
static json_t *crawl_sites(const struct mw_run_config *cfg)
{
    json_t *sites = NULL;
    for (size_t i = 0; i < cfg->nsources; i++) {
        if (cfg->sources[i].type != MW_SRC_LISTING)
            continue;
        char *h = mw_url_host(cfg->sources[i].url);
        json_t *pats = json_array();
        for (char **p = cfg->sources[i].article; p && *p; p++)
            json_array_append_new(pats, json_string(*p));
        if (!sites)
            sites = json_object();
        if (h)
            json_object_set_new(sites, h, json_pack("{s:o}", "article", pats));
        else
            json_decref(pats);
        free(h);
    }
    return sites;
}

static int check_http_args(const struct args *a)
{
    struct mw_fetch_opts fo;
    mw_fetch_opts_default(&fo);
    fo.headers = a->nheaders ? a->headers : NULL;
    fo.cookie_file = a->cookie;
    fo.proxy = a->proxy;
    struct mw_err err = {0};
    if (mw_fetch_opts_check(&fo, &err)) {
        cli_error("fetch: %s", err.msg);
        return -1;
    }
    for (int i = 0; i < a->nresolve; i++)
        if (strchr(a->resolve[i], ':') == NULL) {
            cli_error("fetch: --resolve wants HOST:PORT:ADDRESS (got \"%s\")", a->resolve[i]);
            return -1;
        }
    return 0;
}

static int run_fetch(const struct args *a, char **urls, struct cli_out *out, struct mw_runner *runner)
{
    struct mw_run_config *cfg = make_config(a, runner);
    struct run r = {a, out, NULL, NULL, json_object(), NULL, 0};
    struct mw_err err = {0};
    if (!cfg || !r.asked || !(r.match = mw_match_new(&err))) {
        cli_error("fetch: out of memory");
        mw_run_config_free(cfg);
        json_decref(r.asked);
        return 1;
    }
    r.crawl_hosts = crawl_sites(cfg);
    /* pages are extracted on limits.workers threads (default: one per core), so the loop sends a host's next
     * request as soon as its answer is in; their runners load a rule when its outlet's first page comes
     * (silently: `runner`, which loaded every rule, has reported the broken ones) */
    struct mw_runner_opts ro;
    cli_runner_opts(a->generic, a->rule, 1, &ro);
    ro.lazy = 1;
    struct mw_crawl_opts co = {.cfg = cfg, .runner = runner, .keep_origin = a->explain, .keep_fetch = 1,
                               .on_event = on_event, .ctx = &r, .runner_opts = &ro};
    r.crawl = mw_crawl_new(&co, &err);
    if (!r.crawl) {
        cli_error("fetch: %s", err.msg);
        r.failed = 1;
    } else {
        queue_urls(&r, urls);
        if (mw_crawl_run(r.crawl, &err)) {
            cli_error("fetch: %s", err.msg);
            r.failed = 1;
        }
        report_missing(&r);
    }
    mw_crawl_free(r.crawl);
    mw_match_free(r.match);
    json_decref(r.asked);
    json_decref(r.crawl_hosts);
    mw_run_config_free(cfg);
    return r.failed;
}

int cmd_fetch(int argc, char **argv)
{
    struct args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (check_http_args(&a))
        return EXIT_USAGE;
    if (a.outdir && mkdir(a.outdir, 0777) && errno != EEXIST) {
        cli_error("fetch: cannot create %s: %s", a.outdir, strerror(errno));
        return EXIT_USAGE;
    }
    char msg[600];
    char **urls = cli_inputs(argc, argv, optind, a.list, msg, sizeof msg);
    if (!urls) {
        cli_error("fetch: %s", msg);
        return EXIT_USAGE;
    }
    int one = urls[0] && !urls[1] && !a.nfeeds && !a.nsitemaps && !a.ncrawls;
    struct cli_out *out = cli_out_new(a.format, a.with_meta, one, stdout);
    if (!out) {
        cli_error("fetch: --format is " CLI_FORMATS " (got \"%s\")", a.format);
        cli_strv_free(urls);
        return EXIT_USAGE;
    }
    /* explain set always: the crawl counts where fields came from (and drops "origin" unless --explain) */
    struct mw_runner *runner = cli_runner(a.generic, a.rule, 1);
    int failed = 1;
    if (runner)
        failed = run_fetch(&a, urls, out, runner);
    if (cli_out_free(out)) {
        cli_error("fetch: cannot write the output");
        failed = 1;
    }
    mw_runner_free(runner);
    cli_strv_free(urls);
    return runner ? failed : a.rule ? EXIT_USAGE : 1;
}
