/* cli/new.c: `moonwire new NAME [--url URL] PAGE...` — scaffold a rule from saved pages: from the first, the title
 * selector that agrees with the metadata, the body container as a short stable CSS path and drops for the
 * boilerplate in it; an article pattern fitting every URL; per page a fixture with the current result to check. */
#include "cli/cli.h"
#include "common/buf.h"
#include "doc/css.h"
#include "doc/html.h"
#include "doc/text.h"
#include "extract/generic.h"
#include "meta/meta.h"
#include "net/url.h"

#include <libxml/xpath.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

static void help(FILE *f)
{
    fputs("usage: moonwire new NAME [--url URL] [-o DIR] [--force] PAGE...\n\n"
          "Scaffolds a rule from saved pages of one outlet (.html or .html.gz): the title selector (the h1 that\n"
          "agrees with og:title/JSON-LD), the body container the generic extractor chose as a short stable CSS\n"
          "path, drop selectors for the boilerplate blocks inside it, and notes on where the dates and authors\n"
          "come from, all from the first PAGE; the `article` URL pattern fits the URLs of every PAGE, and each\n"
          "PAGE becomes a fixture DIR/NAME/<page>.html.gz + .json holding the rule's current result, for you to\n"
          "check and correct; then `moonwire test --fixtures DIR/NAME NAME` checks the rule.\n\n"
          "  --url URL     where the page was fetched (one PAGE only); by default each page's URL is its\n"
          "                <link rel=canonical> (else og:url, else the url of a sidecar PAGE.json)\n"
          "  -o DIR        output directory (default: .); add it to MOONWIRE_RULES to use the rule\n"
          "  --force       overwrite an existing rule file\n", f);
}

/* Class words that are layout noise or generated (CSS-module hashes, styled-components, utility classes,
 * BEM modifiers) make poor selectors: they change with every build or every section. */
static int stable_word(const char *w, size_t n)
{
    if (n < 3 || n > 40)
        return 0;
    int upper = 0, seps = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)w[i]) && w[i] != '-' && w[i] != '_')
            return 0;
        upper += isupper((unsigned char)w[i]) != 0;
        seps += w[i] == '-' || w[i] == '_';
        if (i + 1 < n && w[i] == '-' && w[i + 1] == '-')
            return 0;   /* a BEM modifier names a variant, not the block */
    }
    if (upper >= 2 && !seps && n <= 10)
        return 0;       /* "bWszMR": a generated name */
    /* every segment between '-'/'_' must be a word: no digits mixed in ("1FZLe", "6hMn9", "col3", "0") */
    for (size_t i = 0; i < n;) {
        size_t l = 0;
        int digits = 0, letters = 0;
        while (i + l < n && w[i + l] != '-' && w[i + l] != '_') {
            digits += isdigit((unsigned char)w[i + l]) != 0;
            letters += isalpha((unsigned char)w[i + l]) != 0;
            l++;
        }
        if (digits)
            return 0;
        (void)letters;
        i += l + 1;
    }
    static const char *const noise[] = {"css-", "sc-", "jsx-", "col-", "row", "container", "clearfix", "wrapper",
                                        "flex", "grid", "d-", "mt-", "mb-", "pt-", "pb-", "px-", "py-", "w-", "h-",
                                        "text-", "js-", "is-", "has-", "group", "block", "inner", "outer", "wrap",
                                        "layout", "section", "component", NULL};
    for (int i = 0; noise[i]; i++)
        if (!strncasecmp(w, noise[i], strlen(noise[i])))
            return 0;
    return 1;
}

/* Words that say "this is the article": a class holding one is the one to keep. */
static int semantic(const char *w, size_t n)
{
    static const char *const words[] = {"article", "body", "content", "story", "text", "entry", "post", "headline",
                                        "title", "lead", "detail", "news", "main", NULL};
    for (int i = 0; words[i]; i++) {
        size_t k = strlen(words[i]);
        for (size_t j = 0; j + k <= n; j++)
            if (!strncasecmp(w + j, words[i], k))
                return 1;
    }
    return 0;
}

/* "tag#id", "tag[itemprop=...]" or "tag.class" from the node's own attributes (stable words only; words that
 * name the article first). */
static void own_selector(xmlNodePtr n, char *out, size_t cap, int use_id)
{
    snprintf(out, cap, "%s", (const char *)n->name);
    xmlChar *id = use_id ? xmlGetProp(n, BAD_CAST "id") : NULL;
    if (id && stable_word((const char *)id, strlen((const char *)id))) {
        snprintf(out + strlen(out), cap - strlen(out), "#%s", (const char *)id);
        xmlFree(id);
        return;
    }
    xmlFree(id);
    xmlChar *ip = xmlGetProp(n, BAD_CAST "itemprop");
    if (ip && (!xmlStrcmp(ip, BAD_CAST "articleBody") || !xmlStrcmp(ip, BAD_CAST "headline"))) {
        snprintf(out + strlen(out), cap - strlen(out), "[itemprop=\"%s\"]", (const char *)ip);
        xmlFree(ip);
        return;
    }
    xmlFree(ip);
    xmlChar *cls = xmlGetProp(n, BAD_CAST "class");
    const char *best = NULL, *any = NULL;
    size_t best_l = 0, any_l = 0;
    for (const char *p = (const char *)cls; p && *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        size_t l = strcspn(p, " \t\r\n");
        if (l && stable_word(p, l)) {
            if (!best && semantic(p, l)) {
                best = p;
                best_l = l;
            }
            if (!any) {
                any = p;
                any_l = l;
            }
        }
        p += l;
    }
    if (!best) {
        best = any;
        best_l = any_l;
    }
    if (best)
        snprintf(out + strlen(out), cap - strlen(out), ".%.*s", (int)best_l, best);
    xmlFree(cls);
}

static int count_matches(struct mw_css_cache *cc, xmlDocPtr doc, const char *sel)
{
    struct mw_err err = {0};
    xmlXPathObjectPtr r = mw_css_select(cc, (xmlNodePtr)doc, sel, &err);
    int n = r && r->nodesetval ? r->nodesetval->nodeNr : -1;
    xmlXPathFreeObject(r);
    return n;
}

/* A short selector that matches n first (ideally only n): own attributes, then ancestors' prefixed. */
static void stable_path(struct mw_css_cache *cc, xmlDocPtr doc, xmlNodePtr n, char *out, size_t cap)
{
    char own[256];
    own_selector(n, own, sizeof own, 1);
    snprintf(out, cap, "%s", own);
    if (count_matches(cc, doc, out) == 1)
        return;
    int best = count_matches(cc, doc, out);
    xmlNodePtr a = n->parent;
    for (int depth = 0; a && a->type == XML_ELEMENT_NODE && depth < 6 && best != 1; depth++, a = a->parent) {
        char anc[256];
        own_selector(a, anc, sizeof anc, 1);
        if (!strchr(anc, '.') && !strchr(anc, '#'))
            continue;   /* a bare tag adds nothing stable */
        char trial[1024];
        snprintf(trial, sizeof trial, "%s %s", anc, out);
        int m = count_matches(cc, doc, trial);
        if (m >= 1 && m < best) {   /* only ancestors that narrow the match are worth their words */
            snprintf(out, cap, "%s", trial);
            best = m;
        }
    }
}

/* One path segment of the pattern: digits everywhere %d+, the same short word everywhere itself, else a slug. */
static void segment_pattern(struct mw_buf *b, char *const *segs, size_t n)
{
    int digits = 1, same = 1, slug = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(segs[i]);
        digits &= l > 0 && strspn(segs[i], "0123456789") == l;
        same &= !strcmp(segs[i], segs[0]);
        slug |= strpbrk(segs[i], "-_") != NULL || l > 24;
    }
    if (digits)
        mw_buf_appends(b, "%d+");
    else if (!same || slug)
        mw_buf_appends(b, "[%w%-_%.]+");
    else
        for (const char *p = segs[0]; *p; p++) {
            if (strchr(".-+*?[]^$()%", *p))
                mw_buf_appendc(b, '%');
            mw_buf_appendc(b, *p);
        }
}

/* Lua pattern fitting every article URL: the host escaped (any host when they differ), then segment by segment
 * (digits %d+, slugs [%w%-_%.]+, words kept); past the segments all the URLs have, any path. */
static void article_pattern(char *const *urls, size_t n, char *out, size_t cap)
{
    struct mw_url u[64];
    size_t nu = 0, nseg[64] = {0}, minseg = (size_t)-1;
    char *segs[64][32];
    for (size_t i = 0; i < n && nu < 64; i++) {
        if (mw_url_parse(urls[i], &u[nu]))
            continue;
        char *path = strdup(u[nu].path ? u[nu].path : "/");
        char *save = NULL;
        for (char *t = path ? strtok_r(path, "/", &save) : NULL; t && nseg[nu] < 32; t = strtok_r(NULL, "/", &save))
            segs[nu][nseg[nu]++] = strdup(t);
        free(path);
        if (nseg[nu] < minseg)
            minseg = nseg[nu];
        nu++;
    }
    if (!nu) {
        snprintf(out, cap, ".*");
        return;
    }
    struct mw_buf b;
    mw_buf_init(&b, cap - 1);
    mw_buf_appends(&b, "^https?://");
    int one_host = 1, one_len = 1;
    for (size_t i = 1; i < nu; i++) {
        one_host &= !strcasecmp(u[i].host, u[0].host);
        one_len &= nseg[i] == nseg[0];
    }
    for (const char *h = u[0].host; one_host && h && *h; h++) {
        if (*h == '.' || *h == '-')
            mw_buf_appendc(&b, '%');
        mw_buf_appendc(&b, *h);
    }
    if (!one_host)
        mw_buf_appends(&b, "[%w%.%-]+");
    mw_buf_appends(&b, "[:%d]*");   /* a port, as the test servers have */
    for (size_t k = 0; k < minseg; k++) {
        char *col[64];
        for (size_t i = 0; i < nu; i++)
            col[i] = segs[i][k];
        mw_buf_appendc(&b, '/');
        segment_pattern(&b, col, nu);
    }
    if (!one_len)
        mw_buf_appends(&b, "[%w%-_%./]*");
    mw_buf_appends(&b, "%f[?#%z]");   /* the path ends here; a query or fragment may follow */
    snprintf(out, cap, "%s", b.data ? b.data : ".*");
    mw_buf_free(&b);
    for (size_t i = 0; i < nu; i++) {
        for (size_t k = 0; k < nseg[i]; k++)
            free(segs[i][k]);
        mw_url_clear(&u[i]);
    }
}

/* A saved page's URL: its canonical link, else og:url, else the "url" of a sidecar NAME.json. */
static char *page_own_url(xmlDocPtr doc, const char *file)
{
    static const char *const xp[] = {"//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content", NULL};
    xmlXPathContextPtr c = xmlXPathNewContext(doc);
    char *out = NULL;
    for (int i = 0; c && xp[i] && !out; i++) {
        xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xp[i], c);
        if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
            xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
            if (v && (!strncmp((const char *)v, "http://", 7) || !strncmp((const char *)v, "https://", 8)))
                out = strdup((const char *)v);
            xmlFree(v);
        }
        xmlXPathFreeObject(o);
    }
    xmlXPathFreeContext(c);
    size_t n = strlen(file);
    const char *exts[] = {".html.gz", ".htm.gz", ".html", ".htm", NULL};
    for (int i = 0; !out && exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n <= e || strcmp(file + n - e, exts[i]))
            continue;
        char j[4200];
        snprintf(j, sizeof j, "%.*s.json", (int)(n - e), file);
        json_t *side = json_load_file(j, 0, NULL);
        const char *u = json_string_value(json_object_get(side, "url"));
        out = u ? strdup(u) : NULL;
        json_decref(side);
    }
    return out;
}

static const char *source_note(json_t *meta, const char *field)
{
    const char *s = json_string_value(json_object_get(json_object_get(meta, "sources"), field));
    if (!s)
        return NULL;
    if (!strcmp(s, "jsonld")) return "JSON-LD";
    if (!strcmp(s, "og")) return "OpenGraph meta tags";
    if (!strcmp(s, "meta")) return "<meta> tags";
    if (!strcmp(s, "time")) return "a <time datetime> element";
    if (!strcmp(s, "byline")) return "a byline element in the page";
    if (!strcmp(s, "microdata")) return "microdata (itemprop)";
    if (!strcmp(s, "page")) return "the page's visible text";
    return s;
}

static int write_gz(const char *path, const char *data, size_t len)
{
    gzFile g = gzopen(path, "wb");
    if (!g)
        return -1;
    int ok = gzwrite(g, data, (unsigned)len) == (int)len;
    return gzclose(g) == Z_OK && ok ? 0 : -1;
}

struct page {
    const char *file;
    char *bytes;
    size_t len;
    xmlDocPtr doc;
    char *url;
};

static void pages_free(struct page *pg, int n)
{
    for (int i = 0; i < n; i++) {
        free(pg[i].bytes);
        free(pg[i].url);
        xmlFreeDoc(pg[i].doc);
    }
    free(pg);
}

/* the host of an absolute http:// or https:// URL (malloc'd), else NULL: a rule's domains are web hosts */
static char *http_host(const char *url)
{
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
        return NULL;
    return mw_url_host(url);
}

/* Read and parse every page; each one's URL is --url (one page only) or its own canonical link. 0, or the exit
 * status after printing why. */
static int load_pages(struct page *pg, int n, char **files, const char *url)
{
    for (int i = 0; i < n; i++) {
        char msg[600];
        struct mw_err err = {0};
        pg[i].file = files[i];
        if (cli_read_page(files[i], 64u << 20, &pg[i].bytes, &pg[i].len, msg, sizeof msg)) {
            cli_error("new: %s", msg);
            return 1;
        }
        pg[i].doc = mw_html_parse_bytes(pg[i].bytes, pg[i].len, NULL, url, NULL, &err);
        if (!pg[i].doc) {
            cli_error("new: %s: %s", files[i], err.msg);
            return 1;
        }
        pg[i].url = url ? strdup(url) : page_own_url(pg[i].doc, files[i]);
        if (!pg[i].url) {
            cli_error("new: %s names no URL of its own (no <link rel=canonical>, og:url or sidecar .json): give "
                      "--url URL with that page alone", files[i]);
            return EXIT_USAGE;
        }
        if (!url) {   /* links resolve against the page's own URL */
            xmlFree((xmlChar *)pg[i].doc->URL);
            pg[i].doc->URL = xmlStrdup(BAD_CAST pg[i].url);
        }
        char *h = http_host(pg[i].url);
        if (!h) {
            cli_error("new: %s: the URL %s is not an absolute http(s) URL", files[i], pg[i].url);
            return EXIT_USAGE;
        }
        free(h);
    }
    return 0;
}

/* "domains = {...}": every page's host without "www.", once each. */
static void print_domains(FILE *f, const struct page *pg, int n)
{
    json_t *seen = json_object();
    fputs("  domains = {", f);
    for (int i = 0; i < n; i++) {
        char *h = mw_url_host(pg[i].url);
        const char *d = h && !strncmp(h, "www.", 4) ? h + 4 : h;
        if (d && !json_object_get(seen, d)) {
            fprintf(f, "%s\"%s\"", json_object_size(seen) ? ", " : "", d);
            json_object_set_new(seen, d, json_true());
        }
        free(h);
    }
    fputs("},\n", f);
    json_decref(seen);
}

/* One fixture per page: the page and what the new rule makes of it now. 0, or -1 after printing why. */
static int write_fixtures(const struct page *pg, int n, const char *name, const char *dir, const char *fix_dir)
{
    struct mw_runner_opts ro;
    mw_runner_opts_default(&ro);
    ro.scripts_dir = cli_scripts_dir();
    const char *rdirs[] = {dir, NULL};
    ro.rule_dirs = rdirs;
    ro.rule = name;
    struct mw_err err = {0};
    struct mw_runner *r = mw_runner_new(&ro, &err);
    if (!r) {
        cli_error("new: the scaffolded rule does not load: %s", err.msg);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const char *base = strrchr(pg[i].file, '/') ? strrchr(pg[i].file, '/') + 1 : pg[i].file;
        char stem[512], page_path[4700], json_path[4700];
        snprintf(stem, sizeof stem, "%.*s", (int)strcspn(base, "."), base);
        snprintf(page_path, sizeof page_path, "%s/%s.html.gz", fix_dir, stem);
        snprintf(json_path, sizeof json_path, "%s/%s.json", fix_dir, stem);
        if (write_gz(page_path, pg[i].bytes, pg[i].len)) {
            cli_error("new: cannot write %s", page_path);
            rc = -1;
            break;
        }
        json_t *rec = mw_runner_extract(r, pg[i].bytes, pg[i].len, pg[i].url, NULL);
        json_t *fx = json_object();
        json_object_set_new(fx, "url", json_string(pg[i].url));
        static const char *const keep[] = {"title", "authors", "published", "body", NULL};
        for (int k = 0; keep[k]; k++)
            json_object_set(fx, keep[k], json_object_get(rec, keep[k]));
        json_object_set_new(fx, "note", json_string("scaffolded by moonwire new: check every field, then delete "
                                                    "this note"));
        if (json_dump_file(fx, json_path, JSON_INDENT(2))) {
            cli_error("new: cannot write %s", json_path);
            rc = -1;
        } else {
            printf("wrote %s and %s (the rule's current result: check it)\n", page_path, json_path);
        }
        json_decref(fx);
        json_decref(rec);
    }
    mw_runner_free(r);
    return rc;
}

struct new_opts {
    const char *url, *dir, *name;   /* --url (NULL: each page's own), -o, NAME */
    int force, npages;
    char **files;                   /* the PAGEs */
};

/* The options and operands into o. -1 to go on, else the exit status after printing why. */
static int parse_opts(int argc, char **argv, struct new_opts *o)
{
    static const struct option opts[] = {{"url", required_argument, 0, 'u'}, {"output", required_argument, 0, 'o'},
                                         {"force", no_argument, 0, 'F'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    o->dir = ".";
    optind = 1;
    while ((c = getopt_long(argc, argv, "u:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'u': o->url = optarg; break;
        case 'o': o->dir = optarg; break;
        case 'F': o->force = 1; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    o->npages = argc - optind - 1;
    if (o->npages < 1 || o->npages > 64 || (o->url && o->npages > 1)) {
        cli_error(o->npages > 64 ? "new: at most 64 pages" : o->url && o->npages > 1
                  ? "new: --url names one page; with several, each page's canonical link gives its URL"
                  : "new: give NAME and at least one saved PAGE");
        help(stderr);
        return EXIT_USAGE;
    }
    o->name = argv[optind];
    o->files = argv + optind + 1;
    return -1;
}

/* NAME, --url, and that the rule file is not there already (without --force). -1 to go on, else the exit
 * status after printing why. */
static int check_opts(const struct new_opts *o, const char *rule_path)
{
    for (const char *p = o->name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
            cli_error("new: NAME must be letters, digits, '-' or '_'");
            return EXIT_USAGE;
        }
    char *uh = o->url ? http_host(o->url) : NULL;
    free(uh);
    if (o->url && !uh) {
        cli_error("new: --url must be an absolute http(s) URL");
        return EXIT_USAGE;
    }
    struct stat st;
    if (!o->force && stat(rule_path, &st) == 0) {
        cli_error("new: %s exists (use --force to overwrite)", rule_path);
        return EXIT_USAGE;
    }
    return -1;
}

/* What the first page (and the URLs of all) say the rule should hold. */
struct scaffold {
    struct mw_css_cache *cc;
    json_t *meta;        /* the first page's metadata */
    const char *title;   /* its headline, in meta */
    char title_sel[1024], body_sel[1024], pattern[1024];
    json_t *drops;       /* drop selectors under body_sel */
};

/* The h1 that agrees with the metadata's headline, else the first h1, as a stable path ("" with no h1). */
static void title_selector(struct scaffold *sc, xmlDocPtr doc)
{
    struct mw_err e2 = {0};
    xmlXPathObjectPtr h1s = mw_css_select(sc->cc, (xmlNodePtr)doc, "h1", &e2);
    xmlNodePtr pick = NULL;
    for (int i = 0; h1s && h1s->nodesetval && i < h1s->nodesetval->nodeNr; i++) {
        xmlNodePtr h = h1s->nodesetval->nodeTab[i];
        char *t = mw_text_inline(h);
        int agrees = t && sc->title && *t && (strstr(sc->title, t) || strstr(t, sc->title));
        free(t);
        if (agrees || !pick)
            pick = h;
        if (agrees)
            break;
    }
    if (pick)
        stable_path(sc->cc, doc, pick, sc->title_sel, sizeof sc->title_sel);
    xmlXPathFreeObject(h1s);
}

/* The generic extractor's container as a stable path, and for the blocks it dropped inside it up to 12 drop
 * selectors that a person could keep. */
static void body_selectors(struct scaffold *sc, xmlDocPtr doc)
{
    struct mw_generic_pick gp;
    if (mw_generic_pick(doc, &gp) == 0 && gp.root) {
        stable_path(sc->cc, doc, gp.root, sc->body_sel, sizeof sc->body_sel);
        for (size_t i = 0; i < gp.ndropped; i++) {
            char own[256], full[1400];
            own_selector(gp.dropped[i], own, sizeof own, 1);
            if (!strchr(own, '.') && !strchr(own, '#') && strcmp(own, "figure") && strcmp(own, "aside") &&
                strcmp(own, "form") && strcmp(own, "figcaption"))
                continue;   /* a bare div says nothing a person could keep */
            snprintf(full, sizeof full, "%s %s", sc->body_sel, own);
            int dup = 0;
            size_t k;
            json_t *v;
            json_array_foreach(sc->drops, k, v) dup |= !strcmp(json_string_value(v), full);
            if (!dup && json_array_size(sc->drops) < 12)
                json_array_append_new(sc->drops, json_string(full));
        }
    }
    mw_generic_pick_free(&gp);
}

/* The metadata, the selectors and the article pattern for the pages. Free with scaffold_free. */
static void scaffold_make(struct scaffold *sc, const struct page *pg, int n)
{
    struct mw_err err = {0};
    sc->cc = mw_css_cache_new(64);
    sc->meta = mw_meta_extract(pg[0].doc, pg[0].url, NULL, &err);
    sc->title = json_string_value(json_object_get(sc->meta, "title"));
    title_selector(sc, pg[0].doc);
    sc->drops = json_array();
    body_selectors(sc, pg[0].doc);
    char *urls[64];
    for (int i = 0; i < n; i++)
        urls[i] = pg[i].url;
    article_pattern(urls, (size_t)n, sc->pattern, sizeof sc->pattern);
}

static void scaffold_free(struct scaffold *sc)
{
    json_decref(sc->drops);
    json_decref(sc->meta);
    mw_css_cache_free(sc->cc);
}

/* "body = {...}": the container, whether it is the first of several matches, and the drops. */
static void print_body(FILE *f, const struct scaffold *sc, xmlDocPtr doc)
{
    fprintf(f, "  body    = {\"%s\"", sc->body_sel);
    if (count_matches(sc->cc, doc, sc->body_sel) > 1)
        fputs(", all = false", f);   /* the selector is not unique: the first match is the one chosen */
    if (json_array_size(sc->drops)) {
        fputs(", drop = {\n", f);
        size_t k;
        json_t *v;
        json_array_foreach(sc->drops, k, v) fprintf(f, "    \"%s\",\n", json_string_value(v));
        fputs("  }", f);
    }
    fputs("},\n", f);
}

/* Where the metadata fields came from, and the ones a selector must find. */
static void print_notes(FILE *f, json_t *meta)
{
    static const char *const notes[] = {"published", "modified", "authors", "section", "tags", NULL};
    for (int i = 0; notes[i]; i++) {
        const char *src = source_note(meta, notes[i]);
        if (src)
            fprintf(f, "  -- %s: from %s (doc:meta() fills it)\n", notes[i], src);
        else if (!strcmp(notes[i], "published") || !strcmp(notes[i], "authors"))
            fprintf(f, "  -- %s: not found in the page's metadata: add a selector\n", notes[i]);
    }
}

/* The rule file's text: the header comment, then the rule. */
static void print_rule(FILE *f, const char *name, const struct scaffold *sc, const struct page *pg, int n)
{
    const char *url = pg[0].url, *file = pg[0].file;
    char *host = mw_url_host(url);   /* checked by load_pages; NULL only without memory */
    const char *domain = !host ? "" : strncmp(host, "www.", 4) ? host : host + 4;
    const char *site = json_string_value(json_object_get(sc->meta, "site_name"));
    const char *lang = json_string_value(json_object_get(sc->meta, "lang"));
    const char *pub = json_string_value(json_object_get(sc->meta, "published"));
    char tz[8] = "";
    if (pub && strlen(pub) >= 25)
        snprintf(tz, sizeof tz, "%s", pub + strlen(pub) - 6);
    char today[16];
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    fprintf(f, "-- %s.lua — scaffolded by `moonwire new` on %s from %s\n-- (%s)%s.\n", name, today, base, url,
            n > 1 ? "; the article pattern fits every page given" : "");
    fprintf(f, "-- Unverified: check each field against the fixture in %s/, then against more pages of the\n"
               "-- outlet (`moonwire test --fixtures DIR %s`); fields left out come from doc:meta(), then the\n"
               "-- generic extractor.\nreturn rule {\n", name, name);
    fprintf(f, "  name    = \"%s\",\n  outlet  = \"%s\",\n", name, site ? site : domain);
    print_domains(f, pg, n);
    fprintf(f, "  article = \"%s\",\n", sc->pattern);
    if (lang)
        fprintf(f, "  lang    = \"%s\",\n", lang);
    if (tz[0])
        fprintf(f, "  tz      = \"%s\",   -- the zone the page's own dates state\n", tz);
    if (sc->title_sel[0])
        fprintf(f, "  title   = \"%s\",%s\n", sc->title_sel,
                sc->title ? "   -- agrees with the page's metadata headline" : "");
    if (sc->body_sel[0])
        print_body(f, sc, pg[0].doc);
    print_notes(f, sc->meta);
    fputs("}\n", f);
    free(host);
}

/* DIR, then DIR/NAME.lua. 0, or -1 after printing why. */
static int write_rule(const struct new_opts *o, const char *rule_path, const struct scaffold *sc,
                      const struct page *pg)
{
    if (mkdir(o->dir, 0777) && errno != EEXIST) {
        cli_error("new: cannot create %s: %s", o->dir, strerror(errno));
        return -1;
    }
    FILE *f = fopen(rule_path, "w");
    if (!f) {
        cli_error("new: cannot write %s: %s", rule_path, strerror(errno));
        return -1;
    }
    print_rule(f, o->name, sc, pg, o->npages);
    if (fclose(f)) {
        cli_error("new: cannot write %s", rule_path);
        return -1;
    }
    return 0;
}

int cmd_new(int argc, char **argv)
{
    struct new_opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    char rule_path[4096], fix_dir[4096];
    if (rc < 0) {
        snprintf(rule_path, sizeof rule_path, "%s/%s.lua", o.dir, o.name);
        snprintf(fix_dir, sizeof fix_dir, "%s/%s", o.dir, o.name);
        rc = check_opts(&o, rule_path);
    }
    if (rc >= 0)
        return rc;
    struct page *pg = calloc((size_t)o.npages, sizeof *pg);
    rc = pg ? load_pages(pg, o.npages, o.files, o.url) : 1;
    if (rc) {
        pages_free(pg, pg ? o.npages : 0);
        return rc;
    }
    struct scaffold sc = {0};
    scaffold_make(&sc, pg, o.npages);
    rc = 1;
    if (!write_rule(&o, rule_path, &sc, pg)) {
        if (mkdir(fix_dir, 0777) && errno != EEXIST) {
            cli_error("new: cannot create %s: %s", fix_dir, strerror(errno));
        } else {
            printf("wrote %s\n", rule_path);
            rc = write_fixtures(pg, o.npages, o.name, o.dir, fix_dir) ? 1 : 0;
        }
    }
    scaffold_free(&sc);
    pages_free(pg, o.npages);
    return rc;
}
