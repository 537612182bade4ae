/* meta/title.c: the "title" field: the headline as the page shows it, chosen among JSON-LD, OpenGraph,
 * Twitter, microdata, <h1> and <title>, without the site name, section or date a <title> adds. */
#include "meta/internal.h"
#include "doc/text.h"
#include "meta/jsonld.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Separators between a headline and what a <title> adds to it. Spaced ones may stand anywhere; glued ones
 * ("｜日刊ゲンダイDIGITAL", "：東京新聞デジタル", "-정치ㅣ한국일보") only count before the site's name or its
 * section, since they also join words ("S-Bahn", "Covid-19"). */
static const char *const seps_spaced[] = {" | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ", " \xc2\xb7 ",
                                          " \xe2\x80\xa2 ", " \xc2\xbb ", " \xc2\xab ", " / ", " ~ ", " * ",
                                          " \xef\xbd\x9c ", NULL};
static const char *const seps_glued[] = {"|", "\xef\xbd\x9c", "\xef\xbc\x9a", ":", "\xe3\x85\xa3", "-", "\xe2\x80\x93",
                                         "\xe2\x80\x94", "\xc2\xb7", "\xe2\x80\xa2", "\xc2\xbb", "/", "--",
                                         "\xe2\x80\x95\xe2\x80\x95", "\xe3\x80\x90", NULL};

static int is_datey(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr(" .-/:,", *p) && !isalpha((unsigned char)*p))
            return 0;
    }
    return digits >= 4;
}

/* The last occurrence in t of a separator of list (NULL if none) and its length. */
static char *last_of(char *t, const char *const *list, size_t *len)
{
    char *best = NULL;
    for (int i = 0; list[i]; i++) {
        char *p = t, *hit;
        while ((hit = strstr(p, list[i])) != NULL) {
            if (hit > t && (!best || hit > best || (hit == best && strlen(list[i]) > *len))) {
                best = hit;
                *len = strlen(list[i]);
            }
            p = hit + 1;
        }
    }
    return best;
}

static char *first_sep(char *t, size_t *len)
{
    char *best = NULL;
    for (int i = 0; seps_spaced[i]; i++) {
        char *hit = strstr(t, seps_spaced[i]);
        if (hit && hit > t && (!best || hit < best)) {
            best = hit;
            *len = strlen(seps_spaced[i]);
        }
    }
    return best;
}

/* "by Cristina Laila" after a separator: the author credit a <title> adds. */
static int is_credit(const char *s)
{
    static const char *const by[] = {"by ", "von ", "par ", "por ", NULL};
    for (int i = 0; by[i]; i++)
        if (!strncasecmp(s, by[i], strlen(by[i])))
            return mw_meta_words(s) <= 5;
    return 0;
}

static int is_section(const char *s, const char *const *sections)
{
    for (int i = 0; sections[i]; i++)
        if (!strcasecmp(s, sections[i]))
            return 1;
    return 0;
}

/* Cut one piece off the end of t if it is the site's name, a section, a date or an author credit (or, after a
 * cut, a short label). 1 when cut. */
static int cut_suffix(struct mw_meta_ctx *c, char *t, const char *const *sections, int cut)
{
    size_t sl = 0;
    char *sep = last_of(t, seps_spaced, &sl);
    if (sep) {
        const char *suffix = sep + sl;
        while (*suffix == ' ')
            suffix++;
        int drop = mw_meta_is_site_name(c, suffix) || is_datey(suffix) || is_section(suffix, sections) ||
                   is_credit(suffix) ||
                   (cut && mw_meta_words(suffix) <= 3 && mw_meta_words(t) - mw_meta_words(suffix) >= 4);
        if (drop && sep - t >= 6) {
            *sep = 0;
            mw_meta_rtrim(t);
            return 1;
        }
    }
    /* glued: only in the part after the last spaced separator */
    char *zone = sep ? sep + sl : t;
    size_t gl = 0;
    char *g = last_of(zone, seps_glued, &gl);
    if (!g)
        return 0;
    const char *suffix = g + gl;
    while (*suffix == ' ')
        suffix++;
    if (!*suffix || g - t < 6 || !(mw_meta_is_site_name(c, suffix) || is_section(suffix, sections)))
        return 0;
    *g = 0;
    mw_meta_rtrim(t);
    return 1;
}

/* Cut what a <title> or og:title adds to the headline: the site's name, a section, a date, an author credit
 * ("X | Europa | DW | 28.04.2023", "X | The Gateway Pundit | by A", "X-정치ㅣ한국일보"), "Outlet | X" in front. */
static void strip_title(struct mw_meta_ctx *c, char *t, char **others, int nothers, const char *const *sections)
{
    for (int cut = 0; cut_suffix(c, t, sections, cut); cut = 1)
        ;
    /* "Kicker: Headline", "Section | Headline": another source giving exactly the back part says where the
     * headline starts */
    static const char *const kicker_seps[] = {" | ", ": ", " - ", " \xe2\x80\x93 ", NULL};
    size_t tl = strlen(t);
    for (int i = 0; i < nothers; i++) {
        const char *o = others[i];
        size_t n = o ? strlen(o) : 0;
        if (n < 8 || n >= tl || strcmp(t + tl - n, o))
            continue;
        for (int k = 0; kicker_seps[k]; k++) {
            size_t sl = strlen(kicker_seps[k]);
            if (tl - n >= sl + 2 && !strncmp(t + tl - n - sl, kicker_seps[k], sl)) {
                memmove(t, t + tl - n, n + 1);
                return;
            }
        }
    }
    /* "Outlet | Headline" */
    size_t sl = 0;
    char *sep = first_sep(t, &sl);
    if (sep) {
        char save = *sep;
        *sep = 0;
        int site = mw_meta_is_site_name(c, t);
        *sep = save;
        if (site && strlen(sep + sl) >= 8)
            memmove(t, sep + sl, strlen(sep + sl) + 1);
    }
}

/* The site's name and nothing else ("Example News", "BILD.de"): no headline. A title that merely contains it
 * ("物价再次上涨｜示例新闻网", one "word" to a space-counter) is one. */
static int is_only_site(struct mw_meta_ctx *c, const char *s)
{
    char q[160];
    mw_meta_squash(s, q, sizeof q);
    if (!mw_meta_is_site_name(c, s))
        return 0;
    for (int i = 0; i < 3; i++)
        if (c->site[i][0] && strlen(q) <= strlen(c->site[i]) + 3)
            return 1;
    return 0;
}

static int in_nav(xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (mw_meta_name_is(p, "nav"))
            return 1;
    return 0;
}

/* A headline as a reader compares it: ASCII case, runs of spaces, soft hyphens and the kind of quote marks
 * aside ("Foden’s" = "Foden's", "„Dem Teufel“" = "\"Dem Teufel\""). */
static void fold_headline(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 1 < cap) {
        char c = 0;
        size_t skip = 1;
        if (p[0] == 0xc2 && p[1] == 0xad)
            skip = 2;                                   /* soft hyphen */
        else if (p[0] == 0xc2 && (p[1] == 0xab || p[1] == 0xbb))
            c = '"', skip = 2;                          /* « » */
        else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x98 && p[2] <= 0x9b)
            c = '\'', skip = 3;                         /* ‘ ’ ‚ ‛ */
        else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x9c && p[2] <= 0x9f)
            c = '"', skip = 3;                          /* “ ” „ ‟ */
        else if (*p == ' ') {
            if (o && out[o - 1] != ' ')
                c = ' ';
        } else
            c = (char)tolower(*p);
        for (size_t k = 1; k < skip; k++)
            if (!p[k])
                skip = k;
        p += skip;
        if (c)
            out[o++] = c;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = 0;
}

static const char *const front_seps[] = {": ", " | ", " - ", " \xe2\x80\x93 ", " / ", NULL};

/* 1 when the part of v at h (n bytes) is all of v after a kicker ("Bei Protesten 2022: " + h): a candidate
 * without the kicker the headline shows is less than the one with it (Mitteldeutsche Zeitung; n-tv,
 * Tages-Anzeiger and Rheinische Post state kicker and headline in og:title). */
static int after_kicker(const char *v, const char *h, size_t n)
{
    if (h[n])
        return 0;
    for (int k = 0; front_seps[k]; k++) {
        size_t sl = strlen(front_seps[k]);
        if ((size_t)(h - v) >= sl + 2 && !strncmp(h - sl, front_seps[k], sl))
            return 1;
    }
    return 0;
}

/* How well candidate c states the visible headline v: 3 the same words or a part of them, 2 the same with an
 * ellipsis added
 * ("Who is …?..." beside "Who is …?") or with a kicker in front ("Olympische Spiele: X" beside "X"), else 0. */
static int shows(const char *c, const char *v)
{
    char fc[1024], fv[1024];
    if (!c || !v)
        return 0;
    fold_headline(c, fc, sizeof fc);
    fold_headline(v, fv, sizeof fv);
    size_t nc = strlen(fc), nv = strlen(fv);
    if (nv < 8 || nc < 8)
        return 0;
    if (nc < nv) {
        /* a shortened form of it, cut at word edges ("X - here's how to check" of "X - here's how to check if
         * you have …"): the same headline (Daily Mail, Evening Standard, kicker) */
        for (const char *h = strstr(fv, fc); h; h = strstr(h + 1, fc))
            if ((h == fv || !isalnum((unsigned char)h[-1])) && !isalnum((unsigned char)h[nc]) &&
                mw_meta_words(fc) >= 3)
                return after_kicker(fv, h, nc) ? 2 : 3;
        return 0;
    }
    if (nc == nv)
        return strcmp(fc, fv) ? 0 : 3;
    if (!strncmp(fc, fv, nv) && strspn(fc + nv, ".!? \xe2\x80\xa6") == nc - nv)
        return 2;
    return !strcmp(fc + nc - nv, fv) && after_kicker(fc, fc + nc - nv, nv) ? 2 : 0;
}

/* An <h2> that states one of the candidates when every <h1> sits in a breadcrumb: templates that put the SEO
 * headline in the breadcrumb's h1 show the headline in an h2 (BSZ, Hamburger Abendblatt; on n-tv, Tages-Anzeiger,
 * Spiegel and Rheinische Post the h2 is the og:title's back part after its kicker). malloc'd or NULL. */
static char *visible_h2(struct mw_meta_ctx *c, char **cands, int ncands)
{
    for (size_t i = 0; i < c->sc->h2.n && i < 40; i++) {
        xmlNodePtr n = c->sc->h2.v[i].n;
        if (mw_meta_in_skipped(n))
            continue;
        char *t = mw_text_inline(n);
        for (int k = 0; t && k < ncands; k++)
            if (shows(cands[k], t))
                return t;
        free(t);
    }
    return NULL;
}

/* The h1 that agrees with the other sources, else the first one with text. Sets c->h1_ord. */
static char *pick_h1(struct mw_meta_ctx *c, char **cands, int ncands)
{
    char *first = NULL;
    long first_ord = -1;
    int first_in_article = 0;
    for (size_t i = 0; i < c->sc->h1.n; i++) {
        char *t = mw_text_inline(c->sc->h1.v[i].n);
        char *ct = t ? mw_meta_clean(t) : NULL;
        free(t);
        if (!ct)
            continue;
        /* an h1 in a breadcrumb (<nav>) names the page, it is not the headline shown */
        if (strlen(ct) < 3 || mw_meta_is_site_name(c, ct) || strlen(ct) > 400 || in_nav(c->sc->h1.v[i].n)) {
            free(ct);
            continue;
        }
        for (int k = 0; k < ncands; k++) {
            if (cands[k] && (strstr(cands[k], ct) || strstr(ct, cands[k]))) {
                free(first);
                c->h1_ord = c->sc->h1.v[i].ord;
                return ct;
            }
        }
        int in_article = 0;
        for (xmlNodePtr p = c->sc->h1.v[i].n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
            if (mw_meta_name_is(p, "article") || mw_meta_name_is(p, "main"))
                in_article = 1;
        if (!first || (in_article && !first_in_article)) {
            free(first);
            first = ct;
            first_ord = c->sc->h1.v[i].ord;
            first_in_article = in_article;
        } else
            free(ct);
    }
    c->h1_ord = first_ord;
    return first;
}

/* "Section | Headline" where the page shows the headline: the front goes (" | " joins what a <title> adds, a
 * kicker is set off by ": " or " / " and stays). */
static void cut_section_front(char *t, const char *visible)
{
    for (char *bar = strstr(t, " | "); bar; bar = strstr(bar + 1, " | "))
        if (shows(bar + 3, visible) == 3) {
            memmove(t, bar + 3, strlen(bar + 3) + 1);
            return;
        }
}

struct cand {
    char *s;
    const char *src, *detail;
};

/* The candidate (og:title, JSON-LD headline, twitter:title, microdata; what a <title>-like value adds cut off)
 * that states the headline the page shows (its <h1>, or an h2 when the h1 is a breadcrumb's). A page whose
 * og:title was rewritten for social feeds keeps the headline it shows (CBC, Corriere, iNews, Kleine Zeitung,
 * NDR, Nikkei, TechRadar, The Sun). The first of the best in the usual order; 1 when set. */
static int by_visible(struct mw_meta_ctx *c, const struct cand *cands, int n, const char *visible,
                      const char *const *sections)
{
    int best = -1, best_tier = 1;
    char *best_t = NULL;
    for (int i = 0; visible && i < n; i++) {
        if (!cands[i].s || is_only_site(c, cands[i].s))
            continue;
        char *t = strdup(cands[i].s);
        if (!t)
            break;
        for (int cut = 0; cut_suffix(c, t, sections, cut); cut = 1)
            ;
        int tier = shows(t, visible);
        if (tier > best_tier) {
            free(best_t);
            best_t = t;
            best = i;
            best_tier = tier;
        } else
            free(t);
    }
    if (best < 0)
        return 0;
    if (best_tier == 2)
        cut_section_front(best_t, visible);
    char detail[128];
    snprintf(detail, sizeof detail, "%s, the one that states the visible headline%s", cands[best].detail,
             strcmp(best_t, cands[best].s) ? " (site, section or credit cut off)" : "");
    mw_meta_set(c, "title", json_string(best_t), cands[best].src, detail);
    free(best_t);
    return 1;
}

/* The first usable candidate in order, what it adds to the headline cut off. */
static void by_order(struct mw_meta_ctx *c, const struct cand *order, int n, char **others, int nothers,
                     const char *const *sections)
{
    for (int i = 0; i < n; i++) {
        char *s = order[i].s;
        if (!s || strlen(s) < 2 || is_only_site(c, s))
            continue;
        char *t = strdup(s);
        if (!t)
            break;
        char *o2[8];
        int k = 0;
        for (int j = 0; j < nothers && k < 8; j++)
            if (others[j] && others[j] != s)
                o2[k++] = others[j];
        strip_title(c, t, o2, k, sections);
        if (*t) {
            char detail[96];
            snprintf(detail, sizeof detail, "%s%s", order[i].detail,
                     strcmp(t, s) ? ", without what it adds to the headline (site, section, credit)" : "");
            mw_meta_set(c, "title", json_string(t), order[i].src, detail);
        }
        free(t);
        break;
    }
}

void mw_meta_title(struct mw_meta_ctx *c)
{
    struct mw_meta_scan *sc = c->sc;
    char *og = mw_meta_clean(mw_meta_get(sc, "og:title"));
    char *tw = mw_meta_clean(mw_meta_get(sc, "twitter:title"));
    if (!tw)
        tw = mw_meta_clean(mw_meta_get(sc, "twitter:text:title"));
    char *ld = NULL;
    if (c->art) {
        ld = mw_meta_clean(json_string_value(json_object_get(c->art, "headline")));
        if (!ld && mw_jsonld_rank(c->art) >= 7)
            ld = mw_meta_clean(json_string_value(json_object_get(c->art, "name")));
    }
    char *md = mw_meta_microdata(sc, "headline");
    char *tt = mw_meta_clean(sc->title);
    char *agree[] = {og, ld, tw, tt};
    char *h1 = pick_h1(c, agree, 4);
    char *h2 = h1 ? NULL : visible_h2(c, agree, 3);
    const char *sections[3] = {NULL, NULL, NULL};   /* NULL-terminated */
    const char *ls = c->art ? mw_meta_ld_str(json_object_get(c->art, "articleSection")) : NULL;
    const char *os = mw_meta_get(sc, "article:section");
    static const char *const keys[] = {"og:section", "parsely-section", "section", "content_category", NULL};
    for (int i = 0; !os && keys[i]; i++)
        os = mw_meta_get(sc, keys[i]);
    int ns = 0;
    if (ls)
        sections[ns++] = ls;
    if (os)
        sections[ns++] = os;

    const struct cand order[] = {
        {og, "og", "og:title"}, {ld, "jsonld", "JSON-LD headline"}, {tw, "meta", "twitter:title"},
        {md, "microdata", "itemprop=headline"}, {h1, "h1", "<h1>"}, {tt, "title", "<title>"}};
    char *others[] = {ld, h1, tw, md, og};
    if (!by_visible(c, order, 4, h1 ? h1 : h2, sections))
        by_order(c, order, 6, others, 5, sections);
    free(og);
    free(tw);
    free(ld);
    free(md);
    free(tt);
    free(h1);
    free(h2);
}
