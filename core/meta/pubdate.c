/* meta/pubdate.c: the "published" and "modified" fields: where a page states its dates. In order of trust: JSON-LD,
 * meta tags and microdata; <time datetime>; the date in the page's URL; dates printed by the headline (a label,
 * an element whose class says date, the first date in the text after the headline). The URL's day checks the
 * others (a "published" that is months from it is a modification); a relative "3 hours ago" counts only with a
 * fetch time. Reading one date string is meta/date.c. */
#include "meta/internal.h"
#include "doc/text.h"
#include "meta/date.h"
#include "meta/tzdb.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { TIER_TEXT = 1, TIER_URL = 2, TIER_TIME = 2, TIER_META = 3 };

/* The date an element whose class says date prints is also the first date after the headline, a few lines from
 * it: the markup and the layout both show it as the page's date, two voices against a lone meta tag. */
#define SAME_PRINTED "the first date after the headline, the same day"
#define NEAR_TEXT 600   /* characters of text after the headline */
#define NKINDS 7

struct date_cand {
    char iso[MW_DATE_MAX];
    char src[128];   /* where it came from, for --explain: "jsonld: datePublished", "meta: pubdate", "url" */
    int tier;
};

#define NCANDS 48

struct cands {
    struct date_cand v[NCANDS];
    int n;
};

static void add(struct cands *cs, const char *iso, int tier, const char *fmt, const char *arg)
{
    if (cs->n >= NCANDS)
        return;
    struct date_cand *d = &cs->v[cs->n++];
    memcpy(d->iso, iso, MW_DATE_MAX);
    snprintf(d->src, sizeof d->src, fmt, arg ? arg : "");
    d->tier = tier;
}

static int parse_date(struct mw_meta_ctx *c, const char *s, char out[MW_DATE_MAX])
{
    if (!s)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s || strlen(s) > 200)
        return -1;
    struct mw_date_opts o = {c->lang, c->opts ? c->opts->tz : NULL, NULL};
    struct mw_err e = {0};
    if (mw_date_parse(s, &o, out, &e))
        return -1;
    /* "0001-01-01": a CMS default, not a date; no news page predates the web */
    int y = atoi(out);
    return y < 1990 || y > 2099 ? -1 : 0;
}

static int has_time(const char *iso) { return strlen(iso) > 10; }

static int has_zone(const char *iso)
{
    size_t n = strlen(iso);
    return n > 19 && (iso[n - 1] == 'Z' || iso[n - 6] == '+' || iso[n - 6] == '-');
}

static const char *const pub_og[] = {"article:published_time", "og:article:published_time", "og:published_time",
                                     "published_time", NULL};
static const char *const pub_meta[] = {"datepublished", "date", "pubdate", "publishdate", "publish_date", "publish-date",
                                       "publication_date", "pub_date", "dc.date", "dc.date.issued", "dc.date.created",
                                       "dcterms.date", "dcterms.issued", "dcterms.created", "parsely-pub-date",
                                       "sailthru.date", "cxenseparse:publishtime", "article.published", "date.available",
                                       "date.created", "originalpublicationdate", "datecreated", NULL};
static const char *const mod_og[] = {"article:modified_time", "og:article:modified_time", "og:updated_time",
                                     "modified_time", NULL};
static const char *const mod_meta[] = {"datemodified", "lastmod", "last-modified", "dc.date.modified",
                                       "dcterms.modified", "date.modified", "date.updated", "sailthru.lastmodified",
                                       NULL};

/* Best <time datetime>: the one by the headline or in the article header, marked as publication if any. */
static const char *pick_time(struct mw_meta_ctx *c, xmlNodePtr *node)
{
    *node = NULL;
    struct mw_meta_vec *t = &c->sc->times;
    const char *best = NULL;
    int best_score = 0;
    long best_dist = 0;
    for (size_t i = 0; i < t->n; i++) {
        xmlNodePtr n = t->v[i].n;
        const char *dt = mw_meta_attr(n, "datetime");
        if (!dt || strlen(dt) < 8)
            continue;
        int score = 1;
        const char *cls = mw_meta_attr(n, "class"), *ip = mw_meta_attr(n, "itemprop");
        if (mw_meta_attr(n, "pubdate") || (ip && strcasestr(ip, "published")) || (cls && strcasestr(cls, "publi")))
            score += 3;
        if ((cls && (strcasestr(cls, "modif") || strcasestr(cls, "updat"))) || (ip && strcasestr(ip, "modified")))
            score -= 3;
        for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
            if (mw_meta_name_is(p, "article") || mw_meta_name_is(p, "header")) {
                score += 2;
                break;
            }
        long dist = c->h1_ord >= 0 ? t->v[i].ord - c->h1_ord : 0;
        if (c->h1_ord >= 0 && dist >= 0 && dist < MW_META_NEAR_H1)
            score += 2;
        if (dist < 0)
            dist = -dist * 2;
        if (score > best_score || (score == best_score && dist < best_dist)) {
            best = dt;
            *node = n;
            best_score = score;
            best_dist = dist;
        }
    }
    if (!(best_score >= 3 || t->n == 1))
        *node = NULL;
    return *node ? best : NULL;
}

/* Under an element whose class or id names comments or replies: a reader's date, not the article's. */
static int in_comments(xmlNodePtr n)
{
    static const char *const yes[] = {"comment", "reply", "respond", "discussion", "disqus", NULL};
    static const char *const no[] = {"nocomment", "comments-count", "commentcount", NULL};
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (mw_meta_class_says(mw_meta_attr(p, "class"), yes, no) || mw_meta_class_says(mw_meta_attr(p, "id"), yes, no))
            return 1;
    return 0;
}

/* Attributes that carry a machine date on an element the class calls a date ("<span class=date title=ISO>"). */
static int dated_attr(struct mw_meta_ctx *c, xmlNodePtr n, char out[MW_DATE_MAX], const char **which)
{
    static const char *const attrs[] = {"datetime", "content", "title", "data-date", "data-time", "data-timestamp",
                                        "data-published", "data-datetime", NULL};
    for (int i = 0; attrs[i]; i++) {
        const char *v = mw_meta_attr(n, attrs[i]);
        if (v && strlen(v) >= 8 && !parse_date(c, v, out)) {
            *which = attrs[i];
            return 0;
        }
    }
    return -1;
}

/* 1 when a is b or one holds the other. */
static int related(xmlNodePtr a, xmlNodePtr b)
{
    if (!a || !b)
        return 0;
    for (xmlNodePtr p = a; p; p = p->parent)
        if (p == b)
            return 1;
    for (xmlNodePtr p = b; p; p = p->parent)
        if (p == a)
            return 1;
    return 0;
}

static int in_other_item(struct mw_meta_ctx *c, xmlNodePtr n);

/* A short element whose class says date, by the headline ("<span class=tarih>03.04.2025</span>"), or a machine
 * date in its attributes ("<div class=news-time-ago title=2020-09-20T14:20:02Z>Acum 15 minute</div>"). *which
 * names what was read, for --explain. */
static int dated_text(struct mw_meta_ctx *c, char out[MW_DATE_MAX], const char **which)
{
    struct mw_meta_vec *d = &c->sc->dated;
    long best = -1;
    *which = "";
    for (size_t i = 0; i < d->n; i++) {
        long dist = c->h1_ord >= 0 ? d->v[i].ord - c->h1_ord : (long)i;
        if (dist < 0)
            dist = -dist * 3;
        if (dist > MW_META_NEAR_H1 * 3 || mw_meta_in_teaser(d->v[i].n) || in_comments(d->v[i].n) ||
            related(d->v[i].n, c->time_node))
            continue;   /* the <time> already read is not a second voice */
        if ((best >= 0 && dist >= best) || in_other_item(c, d->v[i].n))
            continue;
        char iso[MW_DATE_MAX];
        const char *attr = NULL;
        char *txt = mw_text_inline(d->v[i].n);
        if (txt && strlen(txt) >= 6 && strlen(txt) <= 80) {
            /* "03.04.2025 - Güncelleme : 03.04.2025": the first date is the publication */
            char *cut = strstr(txt, " - ");
            if (cut)
                *cut = 0;
            if (!parse_date(c, txt, iso)) {
                best = dist;
                memcpy(out, iso, MW_DATE_MAX);
                *which = "element whose class says date";
            }
        }
        if ((best < 0 || dist < best) && !dated_attr(c, d->v[i].n, iso, &attr)) {
            best = dist;
            memcpy(out, iso, MW_DATE_MAX);
            *which = "attribute of an element whose class says date";
        }
        free(txt);
    }
    return best >= 0 ? 0 : -1;
}

/* "<li><strong>Datum</strong> 28.04.2023</li>": a label alone in a text node after the headline, its
 * element's text read without it. */
static int labelled_date(struct mw_meta_ctx *c, char out[MW_DATE_MAX], const char **label)
{
    static const char *const labels[] = {"Datum", "Date", "Fecha", "Tarih", "Дата", "Data", "Published", "Publié le",
                                         "Veröffentlicht", "Publicado", "Tanggal", "Tarikh", NULL};
    xmlNodePtr n = mw_meta_headline(c);
    for (int budget = 3000; n && budget > 0; budget--) {
        n = mw_meta_next(n, mw_meta_code);
        if (!n || n->type != XML_TEXT_NODE || !n->content)
            continue;
        /* a label is a word or two, compared as it stands (spaces and a colon around it aside): most text nodes
         * are passed on their length alone */
        const char *t = (const char *)n->content;
        while (*t && isspace((unsigned char)*t))
            t++;
        size_t tl = strnlen(t, 24);
        if (tl >= 24 || !tl)
            continue;
        while (tl && (isspace((unsigned char)t[tl - 1]) || t[tl - 1] == ':'))
            tl--;
        int hit = -1;
        for (int i = 0; labels[i] && hit < 0; i++)
            if (strlen(labels[i]) == tl && !strncasecmp(t, labels[i], tl))
                hit = i;
        if (hit < 0 || mw_meta_in_teaser(n))
            continue;
        *label = labels[hit];
        xmlNodePtr el = n->parent;
        char *lt = mw_text_inline(el);
        if (lt && strlen(lt) <= tl + 2 && el->parent) {
            free(lt);
            el = el->parent;
            lt = mw_text_inline(el);
        }
        int ok = -1;
        if (lt && strlen(lt) < 80) {
            const char *v = lt;
            while (*v && *v != ' ')
                v++;
            ok = parse_date(c, v, out);
        }
        free(lt);
        if (!ok)
            return 0;
    }
    return -1;
}

/* Keys compared without their separators: "article:published_time", "article:published:time" (Boersen-Zeitung),
 * "article_published_time" (Washington Post) and "article:published" (finanztreff, NBC News, for the key
 * "article.published") are one key spelled several ways. */
static int same_key(const char *a, const char *b)
{
    for (;;) {
        while (*a == '_' || *a == ':' || *a == '-' || *a == '.')
            a++;
        while (*b == '_' || *b == ':' || *b == '-' || *b == '.')
            b++;
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++;
        b++;
    }
}

static void collect_meta_dates(struct mw_meta_ctx *c, const char *const *keys, struct cands *cs)
{
    for (int i = 0; keys[i]; i++) {
        const char *k;
        json_t *a;
        json_object_foreach(c->sc->metas, k, a) {
            if (!same_key(k, keys[i]))
                continue;
            size_t j;
            json_t *v;
            char iso[MW_DATE_MAX];
            json_array_foreach(a, j, v) {
                if (!parse_date(c, json_string_value(v), iso)) {
                    add(cs, iso, TIER_META, "<meta %s>", k);
                    break;
                }
            }
        }
    }
}

static long day_of(const char *iso);

/* ---- the date in the URL ---- */

static int two(const char *p) { return isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]); }

static int num(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int valid_ymd(int y, int m, int d)
{
    static const unsigned char dm[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1995 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= dm[m - 1] &&
           !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* "nov/" at p: the month an English three-letter name followed by a slash states, 1-12; else 0. */
static int url_month(const char *p)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    if (!p[0] || !p[1] || !p[2] || p[3] != '/')
        return 0;
    for (int i = 0; i < 12; i++)
        if (!strncasecmp(p, names + 3 * i, 3))
            return i + 1;
    return 0;
}

/* The day a URL's path states: "/2020/02/17/", "/2019/nov/18/", "/2017/7/12/", "/2020-02-17", "/20200428/", "_20200428",
 * "/29-10-2021". Writes "YYYY-MM-DD"; 0, or -1 when the path states none (a month alone, "/2020/02/", states
 * no day). Query strings and the host are not read: ids there are numbers too. */
static int url_day(const char *url, char out[MW_DATE_MAX])
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return -1;
    p = strchr(p + 3, '/');
    if (!p)
        return -1;
    size_t end = strcspn(p, "?#");
    for (size_t i = 0; i < end; i++) {
        const char *q = p + i;
        int boundary = i == 0 || !isalnum((unsigned char)q[-1]);
        if (!boundary || !isdigit((unsigned char)*q))
            continue;
        int y = num(q, 4), m = -1, d = -1;
        if (y >= 1995 && y <= 2099 && q[4] == '/' && (m = url_month(q + 5)) > 0) {
            /* YYYY/mon/DD: "/2019/nov/18/" (The Guardian, PolitiFact, The Spokesman-Review, Washington Times) */
            const char *r = q + 9;
            int dl = two(r) ? 2 : isdigit((unsigned char)*r) ? 1 : 0;
            if (!dl || !(r[dl] == '/' || r[dl] == 0 || r[dl] == '?' || r[dl] == '#'))
                continue;
            d = num(r, dl);
        } else if (y >= 1995 && y <= 2099 && (q[4] == '/' || q[4] == '-' || q[4] == '_' || q[4] == '.')) {
            /* YYYY/MM/DD, YYYY-MM-DD, YYYY/M/D */
            const char *r = q + 5;
            int ml = two(r) ? 2 : isdigit((unsigned char)*r) ? 1 : 0;
            if (!ml || (r[ml] != q[4] && !(q[4] == '-' && r[ml] == '/')))
                continue;
            m = num(r, ml);
            r += ml + 1;
            int dl = two(r) ? 2 : isdigit((unsigned char)*r) ? 1 : 0;
            /* the day ends its path segment ("/2020/02/17/"), or a dash leads on to the slug of a dashed date
             * ("/2020-02-17-title"); "/2023/10/3-fragen" is a month and a title */
            char after = r[dl];
            if (!dl || !(after == '/' || after == '.' || after == '_' || after == 0 || after == '?' || after == '#' ||
                         (after == '-' && q[4] == '-')))
                continue;
            d = num(r, dl);
        } else if (y >= 1995 && y <= 2099 && two(q + 4) && two(q + 6) && !isdigit((unsigned char)q[8])) {
            m = num(q + 4, 2);   /* YYYYMMDD */
            d = num(q + 6, 2);
        } else if (two(q) && (q[2] == '-' || q[2] == '.') && two(q + 3) && q[5] == q[2] &&
                   (y = num(q + 6, 4)) >= 1995 && !isdigit((unsigned char)q[10])) {
            d = num(q, 2);       /* DD-MM-YYYY */
            m = num(q + 3, 2);
        } else {
            continue;
        }
        if (valid_ymd(y, m, d)) {
            snprintf(out, MW_DATE_MAX, "%04d-%02d-%02d", y, m, d);
            return 0;
        }
    }
    return -1;
}

/* ---- dates printed by the headline ---- */

/* 1 when a link's target can be a story: not the site's home (rel=home), an author's page (a byline's link,
 * "/autoren/kathrin-fuehres-684124") nor a short landing path ("/fkk/", "/sport"). */
static int story_href(xmlNodePtr a)
{
    const char *rel = mw_meta_attr(a, "rel"), *href = mw_meta_attr(a, "href");
    if (!href || (rel && (strcasestr(rel, "home") || strcasestr(rel, "author"))) || mw_meta_author_link(a))
        return 0;
    const char *p = strstr(href, "://");
    p = p ? strchr(p + 3, '/') : href;
    if (!p)
        return 0;
    size_t n = strcspn(p, "?#");
    while (n && p[n - 1] == '/')
        n--;
    while (n && *p == '/')
        p++, n--;
    return n > 12 || memchr(p, '/', n) != NULL;
}

/* The text under p as a reader sees it, counted without copying it: characters (a run of white space is one)
 * up to cap, and words. */
static size_t text_size(xmlNodePtr p, size_t cap, int *words)
{
    size_t len = 0;
    int space = 1, budget = 2000;
    *words = 0;
    for (xmlNodePtr n = p->children; n && len < cap && budget-- > 0;) {
        if (n->type == XML_TEXT_NODE && n->content)
            for (const unsigned char *q = n->content; *q && len < cap; q++) {
                int sp = isspace(*q);
                if (!sp && space)
                    ++*words, len += len > 0;
                len += !sp;
                space = sp;
            }
        n = mw_meta_next_in(n, p, mw_meta_code);
    }
    return len;
}

/* 1 when an <a> under p (a few hundred nodes looked at) reads as another story's headline: five words or more,
 * to a story's address. */
static int holds_headline_link(xmlNodePtr p)
{
    static const char *const links[] = {"a", NULL};
    int budget = 300, words;
    for (xmlNodePtr n = p->children; n && budget-- > 0;) {
        if (n->type == XML_ELEMENT_NODE && mw_meta_name_is(n, "a") && text_size(n, 200, &words) >= 30 &&
            words >= 5 && story_href(n))
            return 1;
        n = mw_meta_next_in(n, p, links);
    }
    return 0;
}

/* A date printed in another story's item: climbing a few levels from it, a box holds a link that reads as a
 * headline before any box holds the page's own headline ("<li><a>Other story's title</a><span>09.08.2020</span>"
 * in a list of related stories). */
static int in_other_item(struct mw_meta_ctx *c, xmlNodePtr n)
{
    xmlNodePtr h = mw_meta_headline(c);
    xmlNodePtr p = n->type == XML_ELEMENT_NODE ? n : n->parent;
    for (int up = 0; p && p->type == XML_ELEMENT_NODE && up < 4 && !mw_meta_name_is(p, "body"); up++, p = p->parent) {
        if (h && related(p, h))
            return 0;
        int words;
        if (text_size(p, 401, &words) > 400)
            return 0;   /* a box that big is the article's, not an item of a list */
        if (holds_headline_link(p))
            return 1;
    }
    return 0;
}

/* The next node in document order, scripts, styles and templates not entered. */
static xmlNodePtr next_node(xmlNodePtr n)
{
    static const char *const closed[] = {"script", "style", "template", NULL};
    return mw_meta_next(n, closed);
}

/* The first date printed in a short text after the headline ("Veröffentlicht am 12.03.2020 von X", "15.2.2018,
 * 19:51", "January 18, 2020"), before the text runs on: the byline line of blogs and small sites that give no
 * metadata. Comments, teasers, navigation and footers are passed over; a time alone is no date. */
/* A heading (h2-h4) that states the page's title: blog themes set the post's title in one and keep <h1> for the
 * blog's name. */
static xmlNodePtr title_heading(struct mw_meta_ctx *c)
{
    const char *title = json_string_value(json_object_get(c->out, "title"));
    if (!title || strlen(title) < 8)
        return NULL;
    int budget = 20000;
    for (xmlNodePtr m = c->sc->root; m && budget-- > 0; m = next_node(m)) {
        if (!(mw_meta_name_is(m, "h2") || mw_meta_name_is(m, "h3") || mw_meta_name_is(m, "h4")) ||
            mw_meta_in_skipped(m))
            continue;
        char *t = mw_text_inline(m);
        int hit = t && strlen(t) >= 8 && !strcmp(t, title);
        free(t);
        if (hit)
            return m;
    }
    return NULL;
}

/* A date in a text node: the whole of a short one, or the start of a long one ("01.02.2022 „Der Arbeitsmarkt
 * ist gut ..." opening a press release). */
static int node_date(struct mw_meta_ctx *c, xmlNodePtr n, char out[MW_DATE_MAX], long *chars)
{
    *chars = 0;
    if (n->type != XML_TEXT_NODE || !n->content)
        return -1;
    const char *t = (const char *)n->content;
    size_t len = strlen(t);
    while (len && isspace((unsigned char)t[len - 1]))
        len--;
    while (len && isspace((unsigned char)*t))
        t++, len--;
    *chars = (long)len;
    if (!len)
        return -1;
    int rc = -1;
    if (len <= 100) {
        rc = parse_date(c, t, out);
    } else if (isdigit((unsigned char)*t)) {
        char head[48];
        size_t k = 0;
        while (k < sizeof head - 1 && k < len)
            k++;
        while (k > 0 && t[k] != ' ' && k < len)
            k--;
        memcpy(head, t, k);
        head[k] = 0;
        rc = parse_date(c, head, out);
    }
    /* where the text stands is asked only of a date: the walks up through its ancestors (their classes read
     * for comments) cost more than reading most texts, which hold none (out is scratch on -1) */
    if (rc || mw_meta_in_skipped(n) || mw_meta_in_teaser(n) || in_comments(n))
        return -1;
    return 0;
}

/* The first date printed in a short text after the headline ("Veröffentlicht am 12.03.2020 von X", "15.2.2018,
 * 19:51", "January 18, 2020"), before the text runs on, else just before it (a date line above the headline):
 * the byline line of blogs and small sites that give no metadata. Comments, teasers, navigation and footers are
 * passed over; a time alone is no date. */
static int text_after_headline(struct mw_meta_ctx *c, char out[MW_DATE_MAX], long *at)
{
    xmlNodePtr h = mw_meta_headline(c);
    if (!h)
        h = title_heading(c);
    for (xmlNodePtr m = c->sc->root; !h && m; m = next_node(m))   /* no headline: the article's start */
        if (mw_meta_name_is(m, "article") || mw_meta_name_is(m, "main"))
            h = m;

    if (!h)
        return -1;
    long seen = 0, chars;   /* text passed: the date stands by the headline, not deep in the article */
    xmlNodePtr n = h;
    for (int budget = 4000; (n = next_node(n)) && budget > 0 && seen < 3000; budget--) {
        if (!node_date(c, n, out, &chars) && !in_other_item(c, n)) {
            *at = seen;
            return 0;
        }
        seen += chars;
    }
    /* before it: back through the headline's preceding text, a few lines at most */
    seen = 0;
    for (n = h; n && seen < 300;) {
        if (n->prev) {
            n = n->prev;
            while (n->type == XML_ELEMENT_NODE && n->last && !mw_meta_name_is(n, "script") &&
                   !mw_meta_name_is(n, "style"))
                n = n->last;
        } else {
            n = n->parent;
            if (!n || n->type != XML_ELEMENT_NODE || mw_meta_name_is(n, "body"))
                break;
            continue;
        }
        if (!node_date(c, n, out, &chars) && !in_other_item(c, n)) {
            *at = seen;
            return 0;
        }
        seen += chars;
    }
    return -1;
}

/* No source states a date: the first date printed anywhere in the page's text, navigation, footers, comments and
 * other stories' items passed over (small sites' "Aktualisiert: 30.12.2016" below the text, a forum's or a
 * club's news item without a headline element). */
static int printed_anywhere(struct mw_meta_ctx *c, char out[MW_DATE_MAX])
{
    long chars;
    int budget = 30000;
    for (xmlNodePtr n = c->sc->root; n && budget-- > 0; n = next_node(n))
        if (!node_date(c, n, out, &chars) && !in_other_item(c, n))
            return 0;
    return -1;
}

/* "3 hours ago", "vor 2 Tagen", "منذ 3 ساعات" printed by the headline when the page states nothing better:
 * resolved against the fetch time and marked as such ("published_relative" holds the phrase). Without a fetch
 * time only the phrase is kept: no date is guessed. */
static void relative(struct mw_meta_ctx *c, struct cands *cs)
{
    double now = c->opts ? c->opts->fetched : 0;
    struct mw_date_opts o = {c->lang, c->opts ? c->opts->tz : NULL, NULL};
    char iso[MW_DATE_MAX];
    char *phrase = NULL;
    struct mw_meta_vec *d = &c->sc->dated;
    for (size_t i = 0; i < d->n && !phrase; i++) {
        long dist = c->h1_ord >= 0 ? d->v[i].ord - c->h1_ord : (long)i;
        if (dist < -MW_META_NEAR_H1 || dist > MW_META_NEAR_H1 * 3 || mw_meta_in_teaser(d->v[i].n) ||
            in_comments(d->v[i].n))
            continue;
        char *t = mw_text_inline(d->v[i].n);
        if (t && strlen(t) <= 80 && !mw_date_relative(t, &o, now > 0 ? now : 86400 * 365, iso, NULL))
            phrase = t;
        else
            free(t);
    }
    xmlNodePtr n = mw_meta_headline(c);
    long seen = 0;
    for (int budget = 2000; !phrase && n && (n = next_node(n)) && budget > 0 && seen < 1500; budget--) {
        if (n->type != XML_TEXT_NODE || !n->content || mw_meta_in_skipped(n) || mw_meta_in_teaser(n) ||
            in_comments(n))
            continue;
        char *t = mw_meta_clean((const char *)n->content);
        if (t && strlen(t) <= 80 && !mw_date_relative(t, &o, now > 0 ? now : 86400 * 365, iso, NULL)) {
            phrase = t;
            break;
        }
        seen += t ? (long)strlen(t) : 0;
        free(t);
    }
    if (!phrase)
        return;
    mw_meta_set(c, "published_relative", json_string(phrase), "page", "a relative date printed by the headline");
    if (now > 0) {
        mw_date_relative(phrase, &o, now, iso, NULL);
        add(cs, iso, TIER_TEXT, "relative date \"%.50s\", against the fetch time", phrase);
    }
    free(phrase);
}

/* ---- choosing ---- */

static long day_of(const char *iso)
{
    int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
    if (m <= 2) {
        y--;
        m += 12;
    }
    return 365L * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d;
}

/* The calendar day a candidate states, where its own clock stands ("2020-08-25T00:23:33+00:00": the 25th). */
static long cand_day(const char *iso) { return day_of(iso); }

static int is_utc(const char *iso)
{
    size_t n = strlen(iso);
    return n > 19 && (iso[n - 1] == 'Z' || !strcmp(iso + n - 6, "+00:00"));
}

/* Seconds since 1970 of an ISO string, a wall clock without zone read as UTC. */
static int epoch_of(const char *iso, double *t)
{
    int zone;
    return mw_date_epoch(iso, t, &zone);
}

static void iso_at(double t, int off, char out[MW_DATE_MAX])
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.0f", t);
    char tz[16];
    int a = abs(off) % (24 * 3600);
    snprintf(tz, sizeof tz, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    struct mw_date_opts o = {NULL, tz, "unix"};
    if (mw_date_parse(buf, &o, out, NULL))
        out[0] = '\0';
}

/* The zone a page's language tag places its publisher in, when the tag names a country with one zone
 * ("de-DE", "it_IT", "ja") or a language spoken in one ("de", "pl", "ja"): NULL when it cannot tell ("en",
 * "en-US", "fr-CA", "ru"). */
static const char *tag_zone(const char *tag)
{
    static const struct { const char *code, *tz; } regions[] = {
        {"de", "Europe/Berlin"}, {"at", "Europe/Vienna"}, {"ch", "Europe/Zurich"}, {"it", "Europe/Rome"},
        {"fr", "Europe/Paris"}, {"be", "Europe/Brussels"}, {"nl", "Europe/Amsterdam"}, {"lu", "Europe/Luxembourg"},
        {"gb", "Europe/London"}, {"ie", "Europe/Dublin"}, {"pl", "Europe/Warsaw"}, {"cz", "Europe/Prague"},
        {"sk", "Europe/Bratislava"}, {"hu", "Europe/Budapest"}, {"dk", "Europe/Copenhagen"},
        {"se", "Europe/Stockholm"}, {"no", "Europe/Oslo"}, {"fi", "Europe/Helsinki"}, {"gr", "Europe/Athens"},
        {"ro", "Europe/Bucharest"}, {"bg", "Europe/Sofia"}, {"hr", "Europe/Zagreb"}, {"si", "Europe/Ljubljana"},
        {"rs", "Europe/Belgrade"}, {"ua", "Europe/Kyiv"}, {"tr", "Europe/Istanbul"}, {"il", "Asia/Jerusalem"},
        {"eg", "Africa/Cairo"}, {"jp", "Asia/Tokyo"}, {"kr", "Asia/Seoul"}, {"cn", "Asia/Shanghai"},
        {"tw", "Asia/Taipei"}, {"hk", "Asia/Hong_Kong"}, {"in", "Asia/Kolkata"}, {"pk", "Asia/Karachi"},
        {"sg", "Asia/Singapore"}, {"my", "Asia/Kuala_Lumpur"}, {"th", "Asia/Bangkok"}, {"vn", "Asia/Ho_Chi_Minh"},
        {"ph", "Asia/Manila"}, {"za", "Africa/Johannesburg"}, {"ng", "Africa/Lagos"}, {"ke", "Africa/Nairobi"},
        {"sa", "Asia/Riyadh"}, {"ae", "Asia/Dubai"}, {"qa", "Asia/Qatar"}, {"lb", "Asia/Beirut"}};
    static const struct { const char *code, *tz; } languages[] = {
        {"de", "Europe/Berlin"}, {"it", "Europe/Rome"}, {"nl", "Europe/Amsterdam"}, {"pl", "Europe/Warsaw"},
        {"cs", "Europe/Prague"}, {"sk", "Europe/Bratislava"}, {"hu", "Europe/Budapest"}, {"da", "Europe/Copenhagen"},
        {"sv", "Europe/Stockholm"}, {"nb", "Europe/Oslo"}, {"nn", "Europe/Oslo"}, {"no", "Europe/Oslo"},
        {"fi", "Europe/Helsinki"}, {"el", "Europe/Athens"}, {"tr", "Europe/Istanbul"}, {"ja", "Asia/Tokyo"},
        {"ko", "Asia/Seoul"}, {"he", "Asia/Jerusalem"}, {"ro", "Europe/Bucharest"}, {"bg", "Europe/Sofia"},
        {"hr", "Europe/Zagreb"}, {"sl", "Europe/Ljubljana"}, {"is", "Atlantic/Reykjavik"}, {"uk", "Europe/Kyiv"}};
    if (!tag || strlen(tag) < 2)
        return NULL;
    char lang[3] = {(char)tolower((unsigned char)tag[0]), (char)tolower((unsigned char)tag[1]), 0};
    if (tag[2] == '-' || tag[2] == '_') {
        if (strlen(tag) != 5)
            return NULL;
        char reg[3] = {(char)tolower((unsigned char)tag[3]), (char)tolower((unsigned char)tag[4]), 0};
        for (size_t i = 0; i < sizeof regions / sizeof *regions; i++)
            if (!strcmp(reg, regions[i].code))
                return regions[i].tz;
        return NULL;
    }
    if (tag[2])
        return NULL;
    for (size_t i = 0; i < sizeof languages / sizeof *languages; i++)
        if (!strcmp(lang, languages[i].code))
            return languages[i].tz;
    return NULL;
}

/* A published time stated in UTC is shown on the publisher's own clock when the page tells it: another source
 * states the same instant with its offset, or prints the wall clock of that instant ("10:28 p.m." for 03:28Z:
 * -05:00); else the zone of the country its language tag names. The instant stays the same; the day is the one
 * the publisher's readers saw. */
static void local_clock(struct mw_meta_ctx *c, struct cands *cs, char iso[MW_DATE_MAX])
{
    double t;
    if (epoch_of(iso, &t))
        return;
    for (int i = 0; i < cs->n; i++) {
        const char *o = cs->v[i].iso;
        double u;
        if (!has_time(o) || epoch_of(o, &u))
            continue;
        if (has_zone(o) && !is_utc(o) && fabs(u - t) < 1) {
            memcpy(iso, o, MW_DATE_MAX);
            return;
        }
        double d = u - t;   /* a wall clock: its distance from the UTC reading is the offset */
        if (!has_zone(o) && d != 0 && fabs(d) <= 14 * 3600 && fmod(fabs(d), 900) == 0) {
            iso_at(t, (int)d, iso);
            return;
        }
    }
    const char *tz = tag_zone(c->sc->html_lang);
    if (!tz)
        tz = tag_zone(mw_meta_get(c->sc, "og:locale"));
    int off;
    if (tz && !mw_tzdb_offset(tz, (int64_t)t, &off))   /* one read of the zone's file */
        iso_at(t, off, iso);
}

/* The kind of source a candidate is, for votes: every meta key is one voice, so is every printed date. */
static int kind_of(const struct date_cand *d)
{
    if (!strncmp(d->src, "JSON-LD", 7))
        return 0;
    if (!strncmp(d->src, "<meta", 5))
        return 1;
    if (!strncmp(d->src, "itemprop", 8))
        return 2;
    if (!strncmp(d->src, "<time", 5))
        return 3;
    if (!strcmp(d->src, "the date in the URL"))
        return 4;
    if (!strcmp(d->src, SAME_PRINTED))
        return 6;
    return 5;
}

static void choose(struct mw_meta_ctx *c, struct cands *cs, int published)
{
    if (!cs->n)
        return;
    /* Each kind of source (JSON-LD, meta tags, microdata, <time>, the URL, the printed date, the same printed date
     * found again as the first date after the headline) votes once, for the day of its first candidate; the day most kinds state wins, a tie goes to the most trusted source. A lone
     * JSON-LD or meta date that the page's <time>, printed date and URL all contradict is a template's or a
     * modification's. */
    long days[NKINDS];
    int voted[NKINDS] = {0};
    for (int i = 0; i < cs->n; i++) {
        int k = kind_of(&cs->v[i]);
        if (!voted[k]) {
            voted[k] = 1;
            days[k] = cand_day(cs->v[i].iso);
        }
    }
    int best = -1, best_votes = 0;
    for (int i = 0; i < cs->n; i++) {
        long d = cand_day(cs->v[i].iso);
        int votes = 0;
        for (int k = 0; k < NKINDS; k++)
            votes += voted[k] && days[k] == d;
        if (best < 0 || votes > best_votes || (votes == best_votes && cs->v[i].tier > cs->v[best].tier)) {
            best = i;
            best_votes = votes;
        }
    }
    /* the most trusted candidate of the winning day, and one with a time of day if the day has one */
    long win = cand_day(cs->v[best].iso);
    for (int i = 0; i < cs->n; i++)
        if (cand_day(cs->v[i].iso) == win && cs->v[i].tier > cs->v[best].tier)
            best = i;
    char iso[MW_DATE_MAX];
    memcpy(iso, cs->v[best].iso, MW_DATE_MAX);
    /* Another source stating the same moment with its zone, or the same day with its time, says more. */
    for (int i = 0; i < cs->n; i++) {
        const char *o = cs->v[i].iso;
        if (i == best)
            continue;
        if (has_time(iso) && !has_zone(iso) && has_zone(o) && !strncmp(iso, o, 16)) {
            memcpy(iso, o, MW_DATE_MAX);
            break;
        }
        if (!has_time(iso) && has_time(o) && !strncmp(iso, o, 10) &&
            (cs->v[i].tier >= TIER_TIME || kind_of(&cs->v[best]) == 4)) {   /* the URL's day, the page's clock */
            memcpy(iso, o, MW_DATE_MAX);
            break;
        }
    }
    if (is_utc(iso))
        local_clock(c, cs, iso);
    static const char *const coarse[] = {"jsonld", "meta", "microdata", "time", "url", "page", "page"};
    const struct date_cand *b = &cs->v[best];
    int k = kind_of(b);
    const char *src = coarse[k];
    if (k == 1 && (strstr(b->src, "article:") || strstr(b->src, "og:")))
        src = "og";
    mw_meta_set(c, published ? "published" : "modified", json_string(iso), src, b->src);
}

/* 1 when at least two kinds of source state one day and no source states another. */
/* A time given in UTC or with no zone: a printed wall clock may still tell the publisher's (local_clock). */
static int clock_untold(const char *iso)
{
    size_t n = strlen(iso);
    return n == 19 || (n == 25 && !strcmp(iso + 19, "+00:00"));
}

static int settled(const struct cands *cs)
{
    int kinds[NKINDS] = {0}, n = 0;
    for (int i = 0; i < cs->n; i++) {
        if (cand_day(cs->v[i].iso) != cand_day(cs->v[0].iso) || clock_untold(cs->v[i].iso))
            return 0;
        int k = kind_of(&cs->v[i]);
        n += !kinds[k];
        kinds[k] = 1;
    }
    return n >= 2;
}

void mw_meta_dates(struct mw_meta_ctx *c, int published)
{
    struct cands cs = {.n = 0};
    char iso[MW_DATE_MAX];
    if (c->art) {
        const char *k = published ? "datePublished" : "dateModified";
        if (!parse_date(c, json_string_value(json_object_get(c->art, k)), iso))
            add(&cs, iso, TIER_META, "JSON-LD %s", k);
    }
    collect_meta_dates(c, published ? pub_og : mod_og, &cs);
    collect_meta_dates(c, published ? pub_meta : mod_meta, &cs);
    if (c->art && published && !parse_date(c, json_string_value(json_object_get(c->art, "dateCreated")), iso))
        add(&cs, iso, TIER_META, "JSON-LD dateCreated", NULL);
    char *md = mw_meta_microdata(c->sc, published ? "datePublished" : "dateModified");
    if (md && !parse_date(c, md, iso))
        add(&cs, iso, TIER_META, "itemprop=%s", published ? "datePublished" : "dateModified");
    free(md);
    if (published) {
        xmlNodePtr tnode;
        const char *t = pick_time(c, &tnode);
        if (t && !parse_date(c, t, iso))
            add(&cs, iso, TIER_TIME, "<time datetime> by the headline", NULL);
        else
            tnode = NULL;
        c->time_node = tnode;
        if (!url_day(c->url, iso))
            add(&cs, iso, TIER_URL, "the date in the URL", NULL);
        const char *label = NULL, *which = NULL;
        char d2[MW_DATE_MAX];
        if (settled(&cs))
            ;   /* two kinds of source agree and none dissents: a printed date's one vote cannot change it */
        else if (!labelled_date(c, iso, &label))
            add(&cs, iso, TIER_TEXT, "label \"%s\" by the headline", label);
        else if (!dated_text(c, iso, &which)) {
            add(&cs, iso, TIER_TEXT, "%s", which);
            long at = 0;
            if (!text_after_headline(c, d2, &at) && at < NEAR_TEXT && day_of(d2) == day_of(iso))
                add(&cs, d2, TIER_TEXT, SAME_PRINTED, NULL);
        } else if (!text_after_headline(c, iso, &(long){0}))
            add(&cs, iso, TIER_TEXT, "text after the headline", NULL);
    }
    if (published && !cs.n)
        relative(c, &cs);
    if (published && !cs.n && !printed_anywhere(c, iso))
        add(&cs, iso, TIER_TEXT, "the first date printed in the page", NULL);
    choose(c, &cs, published);
}
