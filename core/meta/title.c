/* meta/title.c: the "title" field: the headline as the page shows it, chosen among JSON-LD, OpenGraph,
 * Twitter, microdata, <h1> and <title>, without the site name, section or date a <title> adds. */
#include "meta/internal.h"
#include "doc/text.h"
#include "meta/jsonld.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Separators between a headline and what a <title> adds after it. */
static const char *const title_seps[] = {" | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ", " \xc2\xb7 ",
                                         " \xe2\x80\xa2 ", " \xc2\xbb ", " \xc2\xab ", " / ", "--", "\xe2\x80\x95\xe2\x80\x95",
                                         " ~ ", NULL};

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

/* Position of the last separator in t (NULL if none) and its length. */
static char *last_sep(char *t, size_t *len)
{
    char *best = NULL;
    for (int i = 0; title_seps[i]; i++) {
        char *p = t, *hit;
        while ((hit = strstr(p, title_seps[i])) != NULL) {
            if (hit > t && (!best || hit > best)) {
                best = hit;
                *len = strlen(title_seps[i]);
            }
            p = hit + 1;
        }
    }
    return best;
}

static char *first_sep(char *t, size_t *len)
{
    char *best = NULL;
    for (int i = 0; title_seps[i]; i++) {
        char *hit = strstr(t, title_seps[i]);
        if (hit && hit > t && (!best || hit < best)) {
            best = hit;
            *len = strlen(title_seps[i]);
        }
    }
    return best;
}

static int starts_with_sep(const char *s)
{
    while (*s == ' ')
        s++;
    return *s == '|' || *s == '-' || *s == ':' || *s == '/' || *s == '~' || !strncmp(s, "\xe2\x80\x93", 3) ||
           !strncmp(s, "\xe2\x80\x94", 3) || !strncmp(s, "\xc2\xb7", 2) || !strncmp(s, "\xe2\x80\xa2", 3) ||
           !strncmp(s, "\xc2\xbb", 2) || !strncmp(s, "\xe2\x80\x95", 3);
}

/* Cut what follows the headline: the site's name, a section, a date ("X | Europa | DW | 28.04.2023"). */
static void strip_title(struct mw_meta_ctx *c, char *t, char **others, int nothers, const char *section)
{
    /* Another source giving exactly the front part says where the headline ends. */
    for (int i = 0; i < nothers; i++) {
        const char *o = others[i];
        size_t n = o ? strlen(o) : 0;
        if (n >= 8 && n < strlen(t) && !strncmp(t, o, n) && starts_with_sep(t + n)) {
            t[n] = 0;
            mw_meta_rtrim(t);
            return;
        }
    }
    int cut = 0;
    for (;;) {
        size_t sl = 0;
        char *sep = last_sep(t, &sl);
        if (!sep)
            break;
        const char *suffix = sep + sl;
        while (*suffix == ' ')
            suffix++;
        int drop = mw_meta_is_site_name(c, suffix) || is_datey(suffix) ||
                   (section && !strcasecmp(suffix, section)) ||
                   (cut && mw_meta_words(suffix) <= 3 && mw_meta_words(t) - mw_meta_words(suffix) >= 4);
        if (!drop || sep - t < 6)
            break;
        *sep = 0;
        mw_meta_rtrim(t);
        cut = 1;
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
        if (strlen(ct) < 3 || mw_meta_is_site_name(c, ct) || strlen(ct) > 400) {
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
    const char *section = NULL;
    if (c->art)
        section = mw_meta_ld_str(json_object_get(c->art, "articleSection"));
    if (!section)
        section = mw_meta_get(sc, "article:section");

    struct { char *s; const char *src; } order[] = {{og, "og"}, {ld, "jsonld"}, {tw, "meta"}, {md, "microdata"},
                                                    {h1, "h1"}, {tt, "title"}};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        char *s = order[i].s;
        if (!s || strlen(s) < 2 || (mw_meta_is_site_name(c, s) && mw_meta_words(s) <= 3))
            continue;
        char *t = strdup(s);
        if (!t)
            break;
        char *others[] = {ld, h1, tw, md, og};
        char *o2[5];
        int k = 0;
        for (int j = 0; j < 5; j++)
            if (others[j] && others[j] != s)
                o2[k++] = others[j];
        strip_title(c, t, o2, k, section);
        if (*t)
            mw_meta_set(c, "title", json_string(t), order[i].src);
        free(t);
        break;
    }
    free(og);
    free(tw);
    free(ld);
    free(md);
    free(tt);
    free(h1);
}
