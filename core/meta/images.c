/* meta/images.c: the "images" field: og:image, JSON-LD image, twitter:image, else the first article image
 * in the page (lazy-loading attributes read before a placeholder src). */
#include "meta/internal.h"
#include "doc/text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_image(struct mw_meta_ctx *c, json_t *imgs, const char *url, const char *caption)
{
    char *u = mw_meta_resolve(c, url);
    if (!u)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(imgs, i, v) {
        if (!strcmp(json_string_value(json_object_get(v, "url")), u)) {
            free(u);
            return;
        }
    }
    json_t *o = json_object();
    json_object_set_new(o, "url", json_string(u));
    char *cap = mw_meta_clean(caption);
    json_object_set_new(o, "caption", cap ? json_string(cap) : json_null());
    free(cap);
    json_array_append_new(imgs, o);
    free(u);
}

static void ld_images(struct mw_meta_ctx *c, json_t *imgs, json_t *v, int depth)
{
    if (depth > 3 || !v)
        return;
    if (json_is_string(v))
        add_image(c, imgs, json_string_value(v), NULL);
    else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) ld_images(c, imgs, x, depth + 1);
    } else if (json_is_object(v)) {
        const char *u = json_string_value(json_object_get(v, "url"));
        if (!u)
            u = json_string_value(json_object_get(v, "contentUrl"));
        const char *cap = json_string_value(json_object_get(v, "caption"));
        if (!cap)
            cap = json_string_value(json_object_get(v, "description"));
        if (u)
            add_image(c, imgs, u, cap);
    }
}

/* The largest candidate of a srcset ("a.jpg 480w, b.jpg 1024w"). malloc'd. */
static char *srcset_best(const char *set)
{
    char *best = NULL;
    double best_w = -1;
    const char *p = set;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *u = p;
        while (*p && *p != ' ' && *p != ',')
            p++;
        size_t ul = (size_t)(p - u);
        while (*p == ' ')
            p++;
        double w = 1;
        if (*p && *p != ',') {
            w = strtod(p, NULL);
            while (*p && *p != ',')
                p++;
        }
        if (ul && w > best_w) {
            free(best);
            best = strndup(u, ul);
            best_w = w;
        }
    }
    return best;
}

static int placeholder(const char *src)
{
    return !src || !*src || !strncmp(src, "data:", 5) || strcasestr(src, "blank.") || strcasestr(src, "placeholder") ||
           strcasestr(src, "spacer") || strcasestr(src, "pixel.") || strcasestr(src, "lazy") ||
           strcasestr(src, "transparent.") || strcasestr(src, "loading.") || strcasestr(src, "icon") ||
           strcasestr(src, "logo") || strcasestr(src, "sprite") || strcasestr(src, "avatar");
}

/* The first article image when the page declares none: lazy-loading attributes read before a placeholder src. */
static void page_image(struct mw_meta_ctx *c, json_t *imgs)
{
    struct mw_meta_vec *v = &c->sc->imgs;
    for (size_t i = 0; i < v->n; i++) {
        xmlNodePtr n = v->v[i].n;
        int in_article = 0;
        for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent)
            if (mw_meta_name_is(p, "article") || mw_meta_name_is(p, "main"))
                in_article = 1;
        if (!in_article && !(c->h1_ord >= 0 && v->v[i].ord > c->h1_ord && v->v[i].ord - c->h1_ord < MW_META_NEAR_H1))
            continue;
        if (mw_meta_in_skipped(n) && !(n->parent && mw_meta_name_is(n->parent, "figure")) &&
            !(n->parent && n->parent->parent && mw_meta_name_is(n->parent->parent, "figure")))
            continue;
        const char *w = mw_meta_attr(n, "width"), *h = mw_meta_attr(n, "height");
        if ((w && atoi(w) > 0 && atoi(w) < 100) || (h && atoi(h) > 0 && atoi(h) < 60))
            continue; /* icons and tracking pixels */
        char *u = NULL;
        static const char *const lazy[] = {"data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", NULL};
        for (int k = 0; lazy[k] && !u; k++) {
            const char *a = mw_meta_attr(n, lazy[k]);
            if (a && *a && strncmp(a, "data:", 5))
                u = strdup(a);
        }
        if (!u) {
            const char *set = mw_meta_attr(n, "data-srcset");
            if (!set)
                set = mw_meta_attr(n, "data-lazy-srcset");
            if (!set && placeholder(mw_meta_attr(n, "src")))
                set = mw_meta_attr(n, "srcset");
            if (set)
                u = srcset_best(set);
        }
        if (!u && !placeholder(mw_meta_attr(n, "src")))
            u = strdup(mw_meta_attr(n, "src"));
        if (!u)
            continue;
        const char *cap = NULL;
        char *fc = NULL;
        for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE && !fc; p = p->parent) {
            if (!mw_meta_name_is(p, "figure"))
                continue;
            for (xmlNodePtr k = p->children; k; k = k->next)
                if (mw_meta_name_is(k, "figcaption")) {
                    fc = mw_text_inline(k);
                    break;
                }
            break;
        }
        cap = fc && *fc ? fc : mw_meta_attr(n, "alt");
        add_image(c, imgs, u, cap && *cap ? cap : NULL);
        free(fc);
        free(u);
        return;
    }
}

void mw_meta_images(struct mw_meta_ctx *c)
{
    json_t *imgs = json_array();
    const char *src = NULL, *detail = NULL;
    const char *og = mw_meta_get(c->sc, "og:image");
    if (!og)
        og = mw_meta_get(c->sc, "og:image:url");
    if (og) {
        add_image(c, imgs, og, mw_meta_get(c->sc, "og:image:alt"));
        src = "og";
        detail = "og:image";
    }
    if (c->art) {
        size_t before = json_array_size(imgs);
        ld_images(c, imgs, json_object_get(c->art, "image"), 0);
        if (!src && json_array_size(imgs) > before) {
            src = "jsonld";
            detail = "JSON-LD image";
        }
    }
    const char *tw = mw_meta_get(c->sc, "twitter:image");
    if (!tw)
        tw = mw_meta_get(c->sc, "twitter:image:src");
    if (tw && !json_array_size(imgs)) {
        add_image(c, imgs, tw, mw_meta_get(c->sc, "twitter:image:alt"));
        src = "meta";
        detail = "twitter:image";
    }
    if (!json_array_size(imgs)) {
        page_image(c, imgs);
        src = "page";
        detail = "the first article image by the headline";
    }
    if (json_array_size(imgs))
        mw_meta_set(c, "images", json_incref(imgs), src, detail);
    json_decref(imgs);
}
