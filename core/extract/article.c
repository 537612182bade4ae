/* extract/article.c: the record's shape and the built-in fallback chain (metadata -> generic extractor).
 * Finding the body is extract/generic.c; reading metadata is meta/meta.c. */
#include "extract/article.h"
#include "extract/generic.h"
#include "extract/kind.h"
#include "meta/meta.h"
#include "meta/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KEYS[] = {
    "url", "canonical_url", "outlet", "rule", "kind", "title", "authors", "published", "published_relative",
    "modified", "section", "tags", "lang", "lead", "dateline", "body", "images", "fetched", "status", "error", NULL};

static int is_list(const char *k)
{
    return !strcmp(k, "authors") || !strcmp(k, "tags") || !strcmp(k, "images");
}

json_t *mw_article_new(const char *url)
{
    json_t *r = json_object();
    if (!r)
        return NULL;
    for (int i = 0; KEYS[i]; i++)
        json_object_set_new(r, KEYS[i], is_list(KEYS[i]) ? json_array() : json_null());
    if (url)
        json_object_set_new(r, "url", json_string(url));
    return r;
}

void mw_article_set_error(json_t *rec, const struct mw_err *err)
{
    json_object_set_new(rec, "error", json_pack("{s:s, s:s}", "stage", err->stage[0] ? err->stage : "extract",
                                                "message", err->msg));
}

int mw_article_empty(const json_t *v)
{
    if (!v || json_is_null(v))
        return 1;
    if (json_is_string(v))
        return json_string_length(v) == 0;
    if (json_is_array(v))
        return json_array_size(v) == 0;
    return 0;
}

static void take(json_t *rec, const char *key, json_t *src, const char *skey, json_t *origin, const char *who,
                 const json_t *settled)
{
    json_t *v = json_object_get(src, skey);
    if (mw_article_empty(v) || !mw_article_empty(json_object_get(rec, key)))
        return;
    if (settled && json_object_get(settled, key))
        return;
    json_object_set(rec, key, v);
    if (origin) {
        /* "meta: og:title", "generic: the text of <div class=article-body>": the source's own account */
        const char *detail = json_string_value(json_object_get(json_object_get(src, "origins"), skey));
        json_object_set_new(origin, key, detail ? json_sprintf("%s: %s", who, detail) : json_string(who));
    }
}

static void merge_images(json_t *rec, json_t *more, json_t *origin, const char *who)
{
    json_t *imgs = json_object_get(rec, "images");
    if (!json_is_array(imgs) || !json_is_array(more))
        return;
    size_t i, j;
    json_t *m, *have;
    int added = 0;
    json_array_foreach(more, i, m) {
        const char *u = json_string_value(json_object_get(m, "url"));
        if (!u)
            continue;
        int dup = 0;
        json_array_foreach(imgs, j, have) {
            const char *hu = json_string_value(json_object_get(have, "url"));
            if (hu && !strcmp(hu, u)) {
                dup = 1;
                if (json_is_null(json_object_get(have, "caption")) && json_object_get(m, "caption"))
                    json_object_set(have, "caption", json_object_get(m, "caption"));
                break;
            }
        }
        if (!dup) {
            json_array_append(imgs, m);
            added = 1;
        }
    }
    if (added && origin && !json_object_get(origin, "images"))
        json_object_set_new(origin, "images", json_string(who));   /* merged from several: the first named */
}

static const char *img_who(json_t *meta, const char *who, char *buf, size_t cap)
{
    const char *d = json_string_value(json_object_get(json_object_get(meta, "origins"), "images"));
    snprintf(buf, cap, "%s: %s", who, d ? d : "images");
    return buf;
}

/* take() of the generic body that the caller sets later (o->late_body): its origin now, the text handed
 * back, or freed (NULL returned) when take() would have left it (empty, or a field the rule settled). */
static char *take_late(json_t *g, char *body, json_t *origin, const json_t *settled)
{
    if (!*body || (settled && json_object_get(settled, "body"))) {
        free(body);
        return NULL;
    }
    if (origin) {
        const char *detail = json_string_value(json_object_get(json_object_get(g, "origins"), "body"));
        json_object_set_new(origin, "body", detail ? json_sprintf("%s: %s", "generic", detail) : json_string("generic"));
    }
    return body;
}

int mw_article_fill(json_t *rec, xmlDocPtr doc, const struct mw_article_opts *o, json_t *origin,
                    struct mw_err *err)
{
    char *late = NULL;   /* the generic body, for o->late_body */
    char buf[160];
    struct mw_meta_opts mo = {o ? o->tz : NULL, o ? o->lang : NULL, 0};
    double fetched;
    int zone;
    if (o && o->fetched && !mw_date_epoch(o->fetched, &fetched, &zone))
        mo.fetched = fetched;
    if (o && o->fetched && mw_article_empty(json_object_get(rec, "fetched")))
        json_object_set_new(rec, "fetched", json_string(o->fetched));
    const char *url = o && o->url ? o->url : NULL;
    const json_t *set = o ? o->settled : NULL;
    json_t *meta = mw_meta_extract(doc, url, &mo, err);
    if (!meta)
        return err ? err->code : MW_ENOMEM;
    if (!url)
        url = json_string_value(json_object_get(meta, "canonical_url"));
    static const char *const from_meta[] = {"canonical_url", "title", "authors", "published", "modified",
                                            "section", "tags", "lang", NULL};
    /* the phrase goes with the date it made: a rule's own published date leaves it out */
    if (mw_article_empty(json_object_get(rec, "published")) && !(set && json_object_get(set, "published")))
        take(rec, "published_relative", meta, "published_relative", origin, "meta", set);
    for (int i = 0; from_meta[i]; i++)
        take(rec, from_meta[i], meta, from_meta[i], origin, "meta", set);
    if (mw_article_empty(json_object_get(rec, "url")) && url)
        json_object_set_new(rec, "url", json_string(url));

    if (mw_article_empty(json_object_get(rec, "body"))) {
        const char *hint = json_string_value(json_object_get(meta, "body"));
        json_t *g = o && o->late_body ? mw_generic_extract_late(doc, url, hint, &late, err)
                                      : mw_generic_extract(doc, url, hint, err);
        if (!g || (o && o->late_body && !late)) {
            json_decref(g);
            json_decref(meta);
            return err ? err->code : MW_ENOMEM;
        }
        if (late)
            late = take_late(g, late, origin, set);
        else
            take(rec, "body", g, "body", origin, "generic", set);
        take(rec, "lead", meta, "lead", origin, "meta", set);
        take(rec, "lead", g, "lead", origin, "generic", set);
        merge_images(rec, json_object_get(meta, "images"), origin, img_who(meta, "meta", buf, sizeof buf));
        merge_images(rec, json_object_get(g, "images"), origin, "generic: images in the text");
        json_decref(g);
    } else {
        take(rec, "lead", meta, "lead", origin, "meta", set);
        merge_images(rec, json_object_get(meta, "images"), origin, img_who(meta, "meta", buf, sizeof buf));
    }
    if (mw_article_empty(json_object_get(rec, "kind"))) {
        const char *kind = late ? mw_kind_of_len(doc, meta, rec, strlen(late)) : mw_kind_of(doc, meta, rec);
        json_object_set_new(rec, "kind", json_string(kind));
        if (origin)
            json_object_set_new(origin, "kind", json_string("generic: page signals (text, headline links, "
                                                            "consent and error wording, metadata)"));
    }
    json_decref(meta);
    if (o && o->late_body)
        *o->late_body = late;
    return MW_OK;
}

json_t *mw_article_generic(xmlDocPtr doc, const struct mw_article_opts *o, json_t *origin, struct mw_err *err)
{
    json_t *rec = mw_article_new(o ? o->url : NULL);
    if (!rec)
        return NULL;
    json_object_set_new(rec, "rule", json_string("generic"));
    if (mw_article_fill(rec, doc, o, origin, err)) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}
