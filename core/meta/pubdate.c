/* meta/pubdate.c: the "published" and "modified" fields: where a page states its dates (JSON-LD, meta tags,
 * microdata, <time>, dated elements by the headline). Reading one date string is meta/date.c. */
#include "meta/internal.h"
#include "doc/text.h"
#include "meta/date.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct date_cand {
    char iso[MW_DATE_MAX];
    const char *src;
};

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
    return atoi(out) < 1990 ? -1 : 0;
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
static const char *pick_time(struct mw_meta_ctx *c)
{
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
            best_score = score;
            best_dist = dist;
        }
    }
    return best_score >= 3 || t->n == 1 ? best : NULL;
}

/* A short element whose class says date, by the headline ("<span class=tarih>03.04.2025</span>"). */
static int dated_text(struct mw_meta_ctx *c, char out[MW_DATE_MAX])
{
    struct mw_meta_vec *d = &c->sc->dated;
    long best = -1;
    for (size_t i = 0; i < d->n; i++) {
        long dist = c->h1_ord >= 0 ? d->v[i].ord - c->h1_ord : (long)i;
        if (dist < 0)
            dist = -dist * 3;
        if (dist > MW_META_NEAR_H1 * 3 || mw_meta_in_teaser(d->v[i].n))
            continue;
        char *txt = mw_text_inline(d->v[i].n);
        if (txt && strlen(txt) >= 6 && strlen(txt) <= 80) {
            char iso[MW_DATE_MAX];
            /* "03.04.2025 - Güncelleme : 03.04.2025": the first date is the publication */
            char *cut = strstr(txt, " - ");
            if (cut)
                *cut = 0;
            if (!parse_date(c, txt, iso) && (best < 0 || dist < best)) {
                best = dist;
                memcpy(out, iso, MW_DATE_MAX);
            }
        }
        free(txt);
    }
    return best >= 0 ? 0 : -1;
}

/* "<li><strong>Datum</strong> 28.04.2023</li>": a label alone in a text node after the headline, its
 * element's text read without it. */
static int labelled_date(struct mw_meta_ctx *c, char out[MW_DATE_MAX])
{
    static const char *const labels[] = {"Datum", "Date", "Fecha", "Tarih", "Дата", "Data", "Published", "Publié le",
                                         "Veröffentlicht", "Publicado", "Tanggal", "Tarikh", NULL};
    xmlNodePtr n = NULL;
    for (size_t i = 0; i < c->sc->h1.n; i++)
        if (c->sc->h1.v[i].ord == c->h1_ord)
            n = c->sc->h1.v[i].n;
    for (int budget = 3000; n && budget > 0; budget--) {
        if (n->children && n->type == XML_ELEMENT_NODE && !mw_meta_name_is(n, "script") && !mw_meta_name_is(n, "style"))
            n = n->children;
        else {
            while (n && !n->next)
                n = n->parent;
            if (!n)
                break;
            n = n->next;
        }
        if (!n || n->type != XML_TEXT_NODE || !n->content || mw_meta_in_teaser(n))
            continue;
        char *t = mw_meta_clean((const char *)n->content);
        if (!t)
            continue;
        size_t tl = strlen(t);
        if (tl && t[tl - 1] == ':')
            t[--tl] = 0;
        int hit = 0;
        for (int i = 0; labels[i] && !hit; i++)
            hit = !strcasecmp(t, labels[i]);
        free(t);
        if (!hit)
            continue;
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

static void collect_meta_dates(struct mw_meta_ctx *c, const char *const *keys, const char *src, struct date_cand *cands,
                               int *n, int max)
{
    for (int i = 0; keys[i] && *n < max; i++) {
        json_t *a = json_object_get(c->sc->metas, keys[i]);
        size_t k;
        json_t *v;
        json_array_foreach(a, k, v) {
            if (*n < max && !parse_date(c, json_string_value(v), cands[*n].iso)) {
                cands[*n].src = src;
                (*n)++;
                break;
            }
        }
    }
}

void mw_meta_dates(struct mw_meta_ctx *c, int published)
{
    struct date_cand cands[48];
    int n = 0;
    const int max = 48;
    if (c->art) {
        const char *k = published ? "datePublished" : "dateModified";
        if (!parse_date(c, json_string_value(json_object_get(c->art, k)), cands[n].iso))
            cands[n++].src = "jsonld";
    }
    collect_meta_dates(c, published ? pub_og : mod_og, "og", cands, &n, max);
    collect_meta_dates(c, published ? pub_meta : mod_meta, "meta", cands, &n, max);
    if (c->art && published && n < max &&
        !parse_date(c, json_string_value(json_object_get(c->art, "dateCreated")), cands[n].iso))
        cands[n++].src = "jsonld";
    char *md = mw_meta_microdata(c->sc, published ? "datePublished" : "dateModified");
    if (md && n < max && !parse_date(c, md, cands[n].iso))
        cands[n++].src = "microdata";
    free(md);
    if (published) {
        const char *t = pick_time(c);
        if (t && n < max && !parse_date(c, t, cands[n].iso))
            cands[n++].src = "time";
        if (n == 0 && (!labelled_date(c, cands[n].iso) || !dated_text(c, cands[n].iso)))
            cands[n++].src = "page";
    }
    if (!n)
        return;
    char best[MW_DATE_MAX];
    memcpy(best, cands[0].iso, MW_DATE_MAX);
    /* Another source stating the same moment with its zone, or the same day with its time, says more. */
    for (int i = 1; i < n; i++) {
        const char *o = cands[i].iso;
        if (has_time(best) && !has_zone(best) && has_zone(o) && !strncmp(best, o, 16)) {
            memcpy(best, o, MW_DATE_MAX);
            break;
        }
        if (!has_time(best) && has_time(o) && !strncmp(best, o, 10) && strcmp(cands[i].src, "page")) {
            memcpy(best, o, MW_DATE_MAX);
            break;
        }
    }
    mw_meta_set(c, published ? "published" : "modified", json_string(best), cands[0].src);
}
