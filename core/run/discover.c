/* run/discover.c: feeds, sitemaps and listing pages -> candidate URLs. XML goes through libxml2's XML
 * parser with no network and no entity substitution; elements are matched by local name so that any
 * namespace prefix works. Deciding what is an article is run/crawl.c's. */
#include "run/discover.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "common/buf.h"
#include "doc/css.h"
#include "doc/html.h"
#include "meta/date.h"
#include "net/url.h"

#define DISCOVER_MAX_DEFAULT ((size_t)64 << 20)

int mw_discover_gunzip(const char *in, size_t len, size_t max, char **out, size_t *out_len, struct mw_err *err)
{
    *out = NULL;
    *out_len = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return mw_err_set(err, MW_ENOMEM, "discover", "zlib could not start");
    struct mw_buf b;
    mw_buf_init(&b, max ? max : DISCOVER_MAX_DEFAULT);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    char chunk[16384];
    int rc = 0, zr;
    do {
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof chunk;
        zr = inflate(&z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END) {
            rc = mw_err_set(err, MW_EPARSE, "discover", "broken gzip stream (%s)", z.msg ? z.msg : "truncated");
            break;
        }
        int ar = mw_buf_append(&b, chunk, sizeof chunk - z.avail_out);
        if (ar) {
            rc = mw_err_set(err, ar, "discover", "gzip body inflates past %zu bytes", b.max);
            break;
        }
        if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            rc = mw_err_set(err, MW_EPARSE, "discover", "truncated gzip stream");
            break;
        }
    } while (zr != Z_STREAM_END);
    inflateEnd(&z);
    if (rc) {
        mw_buf_free(&b);
        return rc;
    }
    if (!b.data && mw_buf_append(&b, "", 0)) {
        mw_buf_free(&b);
        return mw_err_set(err, MW_ENOMEM, "discover", "out of memory");
    }
    *out = mw_buf_steal(&b, out_len);
    return *out ? 0 : mw_err_set(err, MW_ENOMEM, "discover", "out of memory");
}

static int lname_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (lname_is(c, name))
            return c;
    return NULL;
}

/* Trimmed text content of n (malloc'd) or NULL when empty. */
static char *text_of(xmlNodePtr n)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    const char *s = (const char *)t, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    char *out = e > s ? strndup(s, (size_t)(e - s)) : NULL;
    xmlFree(t);
    return out;
}

struct emit {
    const struct mw_discover_opts *o;
    mw_found_fn fn;
    void *ctx;
    int stopped;
};

/* Hand one entry to the callback: resolved against the source URL, its date normalised when readable. */
static void emit(struct emit *e, const char *ref, const char *date, enum mw_found_kind kind)
{
    if (e->stopped || !ref || !*ref)
        return;
    char *abs = mw_url_resolve(e->o->url, ref);
    if (!abs || (strncasecmp(abs, "http://", 7) && strncasecmp(abs, "https://", 8))) {
        free(abs);
        return;
    }
    char iso[MW_DATE_MAX];
    const char *d = NULL;
    if (date && *date) {
        struct mw_err derr = {0};
        if (!mw_date_parse(date, NULL, iso, &derr))
            d = iso;
    }
    if (e->fn(e->ctx, abs, d, kind))
        e->stopped = 1;
    free(abs);
}

static void first_text(xmlNodePtr item, const char *const *names, char **out)
{
    for (int i = 0; names[i] && !*out; i++)
        *out = text_of(child(item, names[i]));
}

/* RSS 2.0 and RDF items: <link>, else a permalink <guid>; date from pubDate or dc:date. */
static void rss_item(struct emit *e, xmlNodePtr item)
{
    static const char *const dates[] = {"pubDate", "date", "published", "updated", NULL};
    char *link = text_of(child(item, "link"));
    if (!link) {
        xmlNodePtr g = child(item, "guid");
        xmlChar *perma = g ? xmlGetProp(g, BAD_CAST "isPermaLink") : NULL;
        if (g && (!perma || strcasecmp((const char *)perma, "false")))
            link = text_of(g);
        xmlFree(perma);
    }
    if (!link) {   /* RDF items name themselves in rdf:about */
        xmlChar *about = xmlGetProp(item, BAD_CAST "about");
        if (about)
            link = strdup((const char *)about);
        xmlFree(about);
    }
    char *date = NULL;
    first_text(item, dates, &date);
    emit(e, link, date, MW_FOUND_PAGE);
    free(link);
    free(date);
}

static void atom_entry(struct emit *e, xmlNodePtr entry)
{
    static const char *const dates[] = {"published", "updated", NULL};
    xmlChar *href = NULL;
    for (xmlNodePtr c = entry->children; c; c = c->next) {
        if (!lname_is(c, "link"))
            continue;
        xmlChar *rel = xmlGetProp(c, BAD_CAST "rel");
        int alt = !rel || !strcmp((const char *)rel, "alternate");
        xmlFree(rel);
        if (alt) {
            href = xmlGetProp(c, BAD_CAST "href");
            if (href)
                break;
        }
    }
    char *date = NULL;
    first_text(entry, dates, &date);
    emit(e, (const char *)href, date, MW_FOUND_PAGE);
    xmlFree(href);
    free(date);
}

/* <url>: loc, with the news:publication_date of a Google News sitemap before lastmod. */
static void sitemap_url(struct emit *e, xmlNodePtr u, enum mw_found_kind kind)
{
    char *loc = text_of(child(u, "loc"));
    char *date = text_of(child(child(u, "news"), "publication_date"));
    if (!date)
        date = text_of(child(u, "lastmod"));
    emit(e, loc, date, kind);
    free(loc);
    free(date);
}

static int parse_xml(struct emit *e, const char *body, size_t len, const char **what, struct mw_err *err)
{
    /* XML_PARSE_NONET: never fetch a DTD; no XML_PARSE_NOENT: entities are not substituted; no
     * XML_PARSE_HUGE: libxml2's own amplification limits stay on */
    xmlDocPtr doc = xmlReadMemory(body, (int)len, e->o->url, NULL,
                                  XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                                  | XML_PARSE_NOCDATA);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return mw_err_set(err, MW_EPARSE, "discover", "%s: not well-formed XML", e->o->url ? e->o->url : "?");
    }
    int rc = 0;
    if (lname_is(root, "rss")) {
        *what = "rss";
        for (xmlNodePtr ch = root->children; ch; ch = ch->next)
            if (lname_is(ch, "channel"))
                for (xmlNodePtr it = ch->children; it; it = it->next)
                    if (lname_is(it, "item"))
                        rss_item(e, it);
    } else if (lname_is(root, "RDF")) {
        *what = "rdf";
        for (xmlNodePtr it = root->children; it; it = it->next)
            if (lname_is(it, "item"))
                rss_item(e, it);
    } else if (lname_is(root, "feed")) {
        *what = "atom";
        for (xmlNodePtr it = root->children; it; it = it->next)
            if (lname_is(it, "entry"))
                atom_entry(e, it);
    } else if (lname_is(root, "urlset")) {
        *what = "urlset";
        for (xmlNodePtr it = root->children; it; it = it->next)
            if (lname_is(it, "url"))
                sitemap_url(e, it, MW_FOUND_PAGE);
    } else if (lname_is(root, "sitemapindex")) {
        *what = "sitemapindex";
        for (xmlNodePtr it = root->children; it; it = it->next)
            if (lname_is(it, "sitemap"))
                sitemap_url(e, it, MW_FOUND_SOURCE);
    } else {
        rc = mw_err_set(err, MW_EPARSE, "discover", "%s: XML root <%s> is not a feed or sitemap",
                        e->o->url ? e->o->url : "?", (const char *)root->name);
    }
    xmlFreeDoc(doc);
    return rc;
}

static xmlNodePtr first_link(xmlNodePtr n, int depth)
{
    for (xmlNodePtr c = n->children; c && depth < 64; c = c->next) {
        if (lname_is(c, "a"))
            return c;
        xmlNodePtr a = c->type == XML_ELEMENT_NODE ? first_link(c, depth + 1) : NULL;
        if (a)
            return a;
    }
    return NULL;
}

/* The listing's "next page" link: the first node of opts.next with an href (or a link inside it). */
static void emit_next(struct emit *e, struct mw_css_cache *cc, htmlDocPtr doc, struct mw_err *err)
{
    xmlXPathObjectPtr set = mw_css_select(cc, (xmlNodePtr)doc, e->o->next, err);
    for (int i = 0; set && set->nodesetval && i < set->nodesetval->nodeNr; i++) {
        xmlNodePtr n = set->nodesetval->nodeTab[i];
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *href = xmlGetProp(n, BAD_CAST "href");
        if (!href) {
            xmlNodePtr a = first_link(n, 0);
            href = a ? xmlGetProp(a, BAD_CAST "href") : NULL;
        }
        if (href && *href) {
            emit(e, (const char *)href, NULL, MW_FOUND_NEXT);
            xmlFree(href);
            break;
        }
        xmlFree(href);
    }
    xmlXPathFreeObject(set);
}

static int parse_listing(struct emit *e, const char *body, size_t len, const char **what, struct mw_err *err)
{
    htmlDocPtr doc = mw_html_parse_bytes(body, len, e->o->content_type, e->o->url, NULL, err);
    if (!doc)
        return err && err->code ? err->code : MW_EPARSE;
    *what = "html";
    struct mw_css_cache *cc = mw_css_cache_new(4);
    const char *sel = e->o->links && *e->o->links ? e->o->links : "a[href]";
    xmlXPathObjectPtr set = cc ? mw_css_select(cc, (xmlNodePtr)doc, sel, err) : NULL;
    int rc = 0;
    if (!set) {
        rc = err && err->code ? err->code : mw_err_set(err, MW_ENOMEM, "discover", "out of memory");
    } else {
        const char *base = mw_html_base(doc);
        struct mw_discover_opts o2 = *e->o;
        if (base)
            o2.url = base;
        const struct mw_discover_opts *keep = e->o;
        e->o = &o2;
        for (int i = 0; set->nodesetval && i < set->nodesetval->nodeNr; i++) {
            xmlNodePtr n = set->nodesetval->nodeTab[i];
            /* a selector may name the container (".story") rather than the <a>: take its first link */
            if (n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, "a")) {
                xmlNodePtr a = first_link(n, 0);
                n = a ? a : n;
            }
            xmlChar *href = n->type == XML_ELEMENT_NODE ? xmlGetProp(n, BAD_CAST "href") : xmlNodeGetContent(n);
            emit(e, (const char *)href, NULL, MW_FOUND_PAGE);
            xmlFree(href);
        }
        if (e->o->next && *e->o->next)
            emit_next(e, cc, doc, err);
        e->o = keep;
        xmlXPathFreeObject(set);
    }
    mw_css_cache_free(cc);
    xmlFreeDoc(doc);
    return rc;
}

/* The first markup of the body, past a BOM, whitespace, the XML declaration, comments and doctype. */
static int looks_like_xml_source(const char *s, size_t len)
{
    const char *e = s + len;
    int decl = 0;   /* an XML declaration: any root but <html> is XML then */
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        s += 3;
    for (;;) {
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
            s++;
        if (e - s < 2 || *s != '<')
            return 0;
        if (e - s >= 5 && !memcmp(s, "<?xml", 5))
            decl = 1;
        if (s[1] == '?' || s[1] == '!') {
            const char *gt = memchr(s, '>', (size_t)(e - s));
            if (!gt)
                return 0;
            s = gt + 1;
            continue;
        }
        break;
    }
    s++;
    const char *n = s;
    while (s < e && *s != ' ' && *s != '>' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '/')
        s++;
    size_t l = (size_t)(s - n);
    const char *colon = memchr(n, ':', l);
    if (colon) {
        l -= (size_t)(colon + 1 - n);
        n = colon + 1;
    }
    static const char *const roots[] = {"rss", "feed", "RDF", "urlset", "sitemapindex", NULL};
    for (int i = 0; roots[i]; i++)
        if (l == strlen(roots[i]) && !strncasecmp(n, roots[i], l))
            return 1;
    return decl && !(l == 4 && !strncasecmp(n, "html", 4));
}

int mw_discover(const char *body, size_t len, const struct mw_discover_opts *o, mw_found_fn fn, void *ctx,
                const char **what, struct mw_err *err)
{
    static const char *none = "";
    const char *w_local = none;
    if (!what)
        what = &w_local;
    *what = none;
    if (!o || !fn || (!body && len))
        return mw_err_set(err, MW_EINVAL, "discover", "mw_discover needs options, a callback and a body");
    char *gz = NULL;
    size_t gzlen = 0;
    if (len >= 2 && (unsigned char)body[0] == 0x1f && (unsigned char)body[1] == 0x8b) {
        int rc = mw_discover_gunzip(body, len, o->max_bytes, &gz, &gzlen, err);
        if (rc)
            return rc;
        body = gz;
        len = gzlen;
    }
    if (len > INT32_MAX) {
        free(gz);
        return mw_err_set(err, MW_ELIMIT, "discover", "%s: source over 2 GB", o->url ? o->url : "?");
    }
    struct emit e = {o, fn, ctx, 0};
    int rc;
    if (looks_like_xml_source(body, len))
        rc = parse_xml(&e, body, len, what, err);
    else if (len)
        rc = parse_listing(&e, body, len, what, err);
    else
        rc = mw_err_set(err, MW_EPARSE, "discover", "%s: empty body", o->url ? o->url : "?");
    free(gz);
    return rc;
}
