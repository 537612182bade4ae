/* meta/byline.c: the "authors" field: where a page credits its authors (JSON-LD, meta tags, microdata,
 * byline elements, "By ..." lines by the headline). Cleaning one byline into names is meta/authors.c. */
#include "meta/internal.h"
#include "doc/text.h"
#include "meta/authors.h"
#include "meta/jsonld.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int ld_authors(struct mw_meta_ctx *c, json_t *names, json_t *orgs)
{
    json_t *a = json_object_get(c->art, "author");
    if (!a)
        a = json_object_get(c->art, "creator");
    json_t *one = NULL;
    if (!json_is_array(a)) {
        one = json_array();
        json_array_append(one, a);
        a = one;
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (json_is_string(v)) {
            char *s = mw_meta_clean(json_string_value(v));
            if (s && !strstr(s, "://"))
                mw_authors_split(s, names);
            free(s);
        } else if (json_is_object(v)) {
            const char *nm = json_string_value(json_object_get(v, "name"));
            if (!nm)
                nm = json_string_value(json_object_get(v, "byline"));
            if (!nm) {
                const char *g = json_string_value(json_object_get(v, "givenName"));
                const char *f = json_string_value(json_object_get(v, "familyName"));
                if (g && f) {
                    char buf[256];
                    snprintf(buf, sizeof buf, "%s %s", g, f);
                    mw_authors_split(buf, names);
                }
                continue;
            }
            char *s = mw_meta_clean(nm);
            if (s) {
                int org = mw_jsonld_is_type(v, "Organization") || mw_jsonld_is_type(v, "NewsMediaOrganization") ||
                          mw_jsonld_is_type(v, "Corporation") || mw_jsonld_is_type(v, "NewsOrganization");
                mw_authors_split(s, org ? orgs : names);
            }
            free(s);
        }
    }
    json_decref(one);
    return (int)json_array_size(names);
}

static int meta_authors(struct mw_meta_ctx *c, json_t *names)
{
    static const char *const keys[] = {"article:author", "author", "dc.creator", "dcterms.creator", "parsely-author",
                                       "sailthru.author", "byl", "cxenseparse:author", "og:article:author", NULL};
    for (int i = 0; keys[i]; i++) {
        json_t *a = json_object_get(c->sc->metas, keys[i]);
        size_t k;
        json_t *v;
        json_array_foreach(a, k, v) {
            const char *s = json_string_value(v);
            if (!s || strstr(s, "://") || !strncmp(s, "www.", 4))
                continue;
            char *cs = mw_meta_clean(s);
            if (cs && !mw_meta_is_site_name(c, cs))
                mw_authors_split(cs, names);
            free(cs);
        }
        if (json_array_size(names)) {
            snprintf(c->note, sizeof c->note, "<meta %s>", keys[i]);
            return 1;
        }
    }
    return 0;
}

static int microdata_authors(struct mw_meta_ctx *c, json_t *names)
{
    for (size_t i = 0; i < c->sc->props.n; i++) {
        xmlNodePtr n = c->sc->props.v[i].n;
        const char *ip = mw_meta_attr(n, "itemprop");
        if (!ip || !strcasestr(ip, "author") || mw_meta_in_skipped(n))
            continue;
        char *owned = NULL;
        const char *v = NULL;
        /* itemscope author: its itemprop=name */
        xmlNodePtr stack = n->children;
        for (xmlNodePtr k = stack; k && !v; k = k->next) {
            if (k->type != XML_ELEMENT_NODE)
                continue;
            const char *kp = mw_meta_attr(k, "itemprop");
            if (kp && !strcasecmp(kp, "name"))
                v = mw_meta_prop_value(k, &owned);
            else
                for (xmlNodePtr g = k->children; g && !v; g = g->next)
                    if (g->type == XML_ELEMENT_NODE && mw_meta_attr(g, "itemprop") && !strcasecmp(mw_meta_attr(g, "itemprop"), "name"))
                        v = mw_meta_prop_value(g, &owned);
        }
        if (!v)
            v = mw_meta_prop_value(n, &owned);
        if (v && strlen(v) < MW_META_BYLINE_MAX && !strstr(v, "://")) {
            char *cs = mw_meta_clean(v);
            if (cs && !mw_meta_is_site_name(c, cs))
                mw_authors_split(cs, names);
            free(cs);
        }
        free(owned);
    }
    return json_array_size(names) > 0;
}

static int is_ancestor(xmlNodePtr a, xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p; p = p->parent)
        if (p == a)
            return 1;
    return 0;
}

/* Elements whose class/rel/itemprop says author or byline: the innermost ones nearest the headline, with
 * their siblings of the same class ("post_author_name" x 3). */
static int byline_authors(struct mw_meta_ctx *c, json_t *names)
{
    struct mw_meta_vec *b = &c->sc->bylines;
    long best = -1, best_dist = 0;
    for (size_t i = 0; i < b->n; i++) {
        int inner = 1;
        for (size_t j = i + 1; j < b->n && b->v[j].ord < b->v[i].ord + 200; j++)
            if (is_ancestor(b->v[i].n, b->v[j].n)) {
                char *t = mw_text_inline(b->v[j].n);
                if (t && *t)
                    inner = 0;
                free(t);
                if (!inner)
                    break;
            }
        if (!inner)
            continue;
        char *t = mw_text_inline(b->v[i].n);
        int ok = t && *t && strlen(t) <= MW_META_BYLINE_MAX;
        free(t);
        if (!ok)
            continue;
        long dist = c->h1_ord >= 0 ? b->v[i].ord - c->h1_ord : b->v[i].ord;
        if (dist < 0)
            dist = -dist * 2;
        if (best < 0 || dist < best_dist) {
            best = (long)i;
            best_dist = dist;
        }
    }
    if (best < 0 || (c->h1_ord >= 0 && best_dist > MW_META_NEAR_H1 * 4))
        return 0;
    struct mw_meta_item *pick = &b->v[best];
    const char *cls = mw_meta_attr(pick->n, "class");
    snprintf(c->note, sizeof c->note, "byline element <%s%s%.80s%s>", (const char *)pick->n->name,
             cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    for (size_t i = 0; i < b->n; i++) {
        struct mw_meta_item *it = &b->v[i];
        if (it != pick) {
            const char *k = mw_meta_attr(it->n, "class");
            if (!cls || !k || strcmp(cls, k) || labs(it->ord - pick->ord) > 60)
                continue;
        }
        char *t = mw_text_inline(it->n);
        if (t && strlen(t) <= MW_META_BYLINE_MAX)
            mw_authors_split(t, names);
        free(t);
    }
    return json_array_size(names) > 0;
}

/* Label words that start a byline line in running text. */
static const char *const line_labels[] = {"By ", "BY ", "Von ", "Von:", "Par ", "Por ", "От ", "Автор:", "Автор ",
                                          "Autor:", "Autorin:", "Author:", "Auteur :", "Auteur:",
                                          "Yazar:", "Oleh ", "Text:", "Texto:", NULL};

/* "By ..." lines: text nodes starting with a label near the headline; the element holding the line is read. */
static int line_authors(struct mw_meta_ctx *c, json_t *names, int agency_only)
{
    xmlNodePtr n = mw_meta_headline(c);
    if (!n)
        return 0;
    int budget = agency_only ? 60 : 3000;
    while (n && budget-- > 0) {
        n = mw_meta_next(n, mw_meta_code);
        if (!n || n->type != XML_TEXT_NODE || !n->content)
            continue;
        const char *s = (const char *)n->content;
        while (*s && (isspace((unsigned char)*s) || !strncmp(s, "\xc2\xa0", 2)))
            s += (unsigned char)*s == 0xC2 ? 2 : 1;
        if (!*s || !n->parent || mw_meta_in_skipped(n) || mw_meta_in_teaser(n))
            continue;
        int hit = 0;
        if (agency_only) {
            char *t = mw_meta_clean(s);
            if (t && strlen(t) < 60) {
                char *comma = strchr(t, ',');
                if (comma)
                    *comma = 0;
                hit = mw_authors_is_agency(t);
            }
            free(t);
        } else {
            for (int i = 0; line_labels[i] && !hit; i++) {
                size_t ln = strlen(line_labels[i]);
                if (!strncmp(s, line_labels[i], ln)) {
                    const char *after = s + ln;
                    while (*after == ' ' || *after == ':')
                        after++;
                    /* "By the time..." is prose; a byline goes on with a capital or another element */
                    hit = !*after || !islower((unsigned char)*after);
                }
            }
        }
        if (!hit)
            continue;
        xmlNodePtr el = n->parent;
        char *t = mw_text_inline(el);
        /* the label alone in its element ("<strong>Autor</strong> Name"): read the enclosing one */
        if (t && strlen(t) < 20 && el->parent) {
            free(t);
            el = el->parent;
            t = mw_text_inline(el);
        }
        if (t && strlen(t) <= MW_META_BYLINE_MAX && mw_authors_split(t, names) > 0) {
            free(t);
            snprintf(c->note, sizeof c->note, agency_only ? "an agency's name by the headline"
                                                          : "a \"By ...\" line by the headline");
            return 1;
        }
        free(t);
    }
    return 0;
}

/* A paragraph that is nothing but bold text of a few capitalised words. */
static int bold_only(xmlNodePtr p, char **text)
{
    *text = NULL;
    int bold = 0;
    for (xmlNodePtr k = p->children; k; k = k->next) {
        if (k->type == XML_TEXT_NODE) {
            for (const xmlChar *t = k->content; t && *t; t++)
                if (*t > ' ' && !(t[0] == 0xC2 && t[1] == 0xA0))
                    return 0;
        } else if (k->type == XML_ELEMENT_NODE) {
            if (!(mw_meta_name_is(k, "strong") || mw_meta_name_is(k, "b")))
                return 0;
            bold = 1;
        }
    }
    if (!bold)
        return 0;
    char *t = mw_text_inline(p);
    int w = t ? mw_meta_words(t) : 0;
    int ok = t && w >= 2 && w <= 8 && strlen(t) <= 80;
    for (const char *q = t; ok && *q; q++) {
        if ((q == t || q[-1] == ' ' || q[-1] == '/') && islower((unsigned char)*q))
            ok = 0;   /* every word capitalised: names, not a sentence */
        if (isdigit((unsigned char)*q) || *q == '.' || *q == ':' || *q == '?' || *q == '!')
            ok = 0;
    }
    if (!ok) {
        free(t);
        return 0;
    }
    *text = t;
    return 1;
}

/* "<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>" opening the text, or a bold name closing it:
 * the byline of pages whose CMS leaves the author field to the site (only asked then: elsewhere a bold line is
 * as often a subheading). Only among the first three or the last two paragraphs of a block of text. */
static int bold_authors(struct mw_meta_ctx *c, json_t *names)
{
    for (xmlNodePtr n = c->sc->root; n;) {
        if (mw_meta_name_is(n, "p") && n->parent) {
            int before = 0, after = 0, total = 0;
            for (xmlNodePtr s = n->parent->children; s; s = s->next) {
                if (!mw_meta_name_is(s, "p"))
                    continue;
                total++;
                if (s == n)
                    before = total - 1;
            }
            after = total - before - 1;
            char *t = NULL;
            if (total >= 4 && (before < 3 || after < 2) && !mw_meta_in_skipped(n) && bold_only(n, &t)) {
                int got = mw_authors_split(t, names) > 0;
                free(t);
                if (got) {
                    snprintf(c->note, sizeof c->note, "a bold name opening or closing the text");
                    return 1;
                }
            }
        }
        n = mw_meta_next(n, mw_meta_code_or_p);
    }
    return 0;
}

static int line_people(struct mw_meta_ctx *c, json_t *names) { return line_authors(c, names, 0); }

/* Names as a person's are written: at most five words, no colon, every word capitalised but the particles
 * ("Ursula von der Leyen", "Ana de la Cruz"). Scripts without case pass. */
static int people_like(json_t *names)
{
    static const char *const particles[] = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "das", "dos",
                                            "du", "la", "le", "bin", "bint", "ibn", "al", "el", "ter", "ten", "zu",
                                            "af", "av", "y", "e", NULL};
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v) {
        const char *s = json_string_value(v);
        if (!s || strchr(s, ':') || mw_meta_words(s) > 5)
            return 0;
        for (const char *w = s; *w;) {
            size_t n = strcspn(w, " ");
            int particle = 0;
            for (int k = 0; particles[k] && !particle; k++)
                particle = strlen(particles[k]) == n && !strncmp(w, particles[k], n);
            if (islower((unsigned char)*w) && !particle)
                return 0;
            w += n;
            while (*w == ' ')
                w++;
        }
    }
    return json_array_size(names) > 0;
}

static int all_site(struct mw_meta_ctx *c, json_t *names)
{
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v) if (!mw_meta_is_site_name(c, json_string_value(v))) return 0;
    return json_array_size(names) > 0;
}

void mw_meta_byline(struct mw_meta_ctx *c)
{
    json_t *names = json_array(), *orgs = json_array();
    const char *src = NULL;
    c->note[0] = 0;
    if (c->art && ld_authors(c, names, orgs)) {
        src = "jsonld";
        snprintf(c->note, sizeof c->note, "JSON-LD author");
    } else if (meta_authors(c, names))
        src = "meta";
    else if (microdata_authors(c, names)) {
        src = "microdata";
        snprintf(c->note, sizeof c->note, "itemprop=author");
    }
    else if (byline_authors(c, names) || line_authors(c, names, 0) || line_authors(c, names, 1))
        src = "byline";
    else if (json_array_size(orgs)) {
        json_decref(names);
        names = json_incref(orgs);
        src = "jsonld";
        snprintf(c->note, sizeof c->note, "JSON-LD author (an organisation)");
    }
    /* The site's own name as the author ("Lesotho Times", "Krautreporter") is what a CMS fills in when nobody
     * set a byline; a person the page credits by the headline says more. */
    if (src && all_site(c, names)) {
        char kept[sizeof c->note];
        memcpy(kept, c->note, sizeof kept);
        int (*const finders[])(struct mw_meta_ctx *, json_t *) = {byline_authors, line_people, bold_authors};
        for (size_t i = 0; i < sizeof finders / sizeof *finders; i++) {
            json_t *people = json_array();
            int found = finders[i](c, people) && !all_site(c, people) && people_like(people);
            if (found) {
                json_decref(names);
                names = people;
                src = "byline";
                break;
            }
            json_decref(people);
            memcpy(c->note, kept, sizeof kept);
        }
    }
    /* "Jill Disis, CNN Business": the outlet's own name beside a person's is no byline of its own */
    for (size_t i = json_array_size(names); i-- > 0 && json_array_size(names) > 1;)
        if (mw_meta_is_site_name(c, json_string_value(json_array_get(names, i))))
            json_array_remove(names, i);
    if (src && json_array_size(names))
        mw_meta_set(c, "authors", json_incref(names), src, c->note[0] ? c->note : NULL);
    json_decref(names);
    json_decref(orgs);
}
