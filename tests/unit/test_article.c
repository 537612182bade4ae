/* tests/unit/test_article.c: extract/article.c — the record's keys and their order, the error field, what
 * counts as empty, and the fallback chain: a field is filled from metadata, then from the generic
 * extractor, only while it is empty and not settled by a rule; origin names where each came from; images
 * merge without duplicates. Pages are written for these tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "doc/html.h"
#include "extract/article.h"

#define PARA "<p>The harbour council voted on Tuesday to rebuild the old stone pier, which storms damaged twice " \
             "last winter, at a cost the town will share with the province and the fishing cooperative.</p>"
#define PARA2 "<p>Fishermen, who have tied up at a temporary pontoon since March, said the decision came late " \
              "but was welcome, and that work should start before the autumn gales come in from the west.</p>"

/* A page whose metadata gives title, author, date, section, tags, description, language and an image. */
static const char PAGE[] =
    "<html lang='en'><head><title>Pier to be rebuilt | Gazette</title>"
    "<meta property='og:title' content='Pier to be rebuilt'>"
    "<script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@type\": \"NewsArticle\","
    " \"author\": {\"@type\": \"Person\", \"name\": \"Ann Bell\"}}</script>"
    "<meta property='article:published_time' content='2026-03-03T09:30:00+01:00'>"
    "<meta property='article:section' content='Coast'>"
    "<meta property='article:tag' content='harbour'>"
    "<meta name='description' content='The council votes to rebuild the pier.'>"
    "<meta property='og:image' content='https://gazette.example/img/pier.jpg'>"
    "<link rel='canonical' href='https://gazette.example/news/pier'>"
    "</head><body><nav><a href='/'>Home</a></nav><article><h1>Pier to be rebuilt</h1>" PARA PARA2
    "<figure><img src='/img/pier.jpg'><figcaption>The pier in January</figcaption></figure>"
    "<figure><img src='/img/boats.jpg'><figcaption>Boats at the pontoon</figcaption></figure>"
    "</article></body></html>";

static htmlDocPtr parse(const char *html)
{
    struct mw_err err = {0};
    htmlDocPtr d = mw_html_parse(html, strlen(html), "https://gazette.example/news/pier", &err);
    assert_non_null(d);
    return d;
}

static const char *str(const json_t *rec, const char *k)
{
    return json_string_value(json_object_get(rec, k));
}

static void test_new_has_every_key_in_order(void **state)
{
    (void)state;
    static const char *const keys[] = {"url", "canonical_url", "outlet", "rule", "kind", "title", "authors",
                                       "published", "published_relative", "modified", "section", "tags", "lang",
                                       "lead", "dateline", "body", "images", "fetched", "status", "error", NULL};
    json_t *rec = mw_article_new("https://a.example/1");
    assert_non_null(rec);
    char *s = json_dumps(rec, JSON_PRESERVE_ORDER | JSON_COMPACT);
    const char *at = s;
    for (int i = 0; keys[i]; i++) {   /* design.md's order, as written out */
        char k[40];
        snprintf(k, sizeof k, "\"%s\":", keys[i]);
        const char *p = strstr(at, k);
        if (!p)
            fail_msg("key %s missing or out of order in %s", keys[i], s);
        at = p;
        const json_t *v = json_object_get(rec, keys[i]);
        if (!strcmp(keys[i], "url"))
            assert_string_equal(json_string_value(v), "https://a.example/1");
        else if (!strcmp(keys[i], "authors") || !strcmp(keys[i], "tags") || !strcmp(keys[i], "images"))
            assert_true(json_is_array(v) && json_array_size(v) == 0);
        else
            assert_true(json_is_null(v));
    }
    assert_int_equal(json_object_size(rec), 20);
    free(s);
    json_decref(rec);

    rec = mw_article_new(NULL);
    assert_true(json_is_null(json_object_get(rec, "url")));
    json_decref(rec);
}

static void test_set_error(void **state)
{
    (void)state;
    json_t *rec = mw_article_new("u");
    struct mw_err err = {0};
    mw_err_set(&err, MW_EFETCH, "fetch", "u: HTTP 503 after 3 tries");
    mw_article_set_error(rec, &err);
    assert_string_equal(str(json_object_get(rec, "error"), "stage"), "fetch");
    assert_string_equal(str(json_object_get(rec, "error"), "message"), "u: HTTP 503 after 3 tries");
    struct mw_err nostage = {0};
    nostage.code = MW_EPARSE;
    snprintf(nostage.msg, sizeof nostage.msg, "broken");
    mw_article_set_error(rec, &nostage);   /* no stage recorded: "extract" */
    assert_string_equal(str(json_object_get(rec, "error"), "stage"), "extract");
    assert_string_equal(str(json_object_get(rec, "error"), "message"), "broken");
    json_decref(rec);
}

static void test_empty(void **state)
{
    (void)state;
    json_t *rows[] = {NULL, json_null(), json_string(""), json_array(), json_string("x"), json_pack("[s]", "a"),
                      json_integer(0), json_false(), json_object()};
    int want[] = {1, 1, 1, 1, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (mw_article_empty(rows[i]) != want[i])
            fail_msg("row %zu: empty = %d, want %d", i, mw_article_empty(rows[i]), want[i]);
        json_decref(rows[i]);
    }
}

static void test_generic_fills_from_meta_then_generic(void **state)
{
    (void)state;
    htmlDocPtr d = parse(PAGE);
    struct mw_article_opts o = {.url = "https://gazette.example/news/pier"};
    json_t *origin = json_object();
    struct mw_err err = {0};
    json_t *rec = mw_article_generic(d, &o, origin, &err);
    assert_non_null(rec);
    assert_string_equal(str(rec, "rule"), "generic");
    assert_string_equal(str(rec, "url"), "https://gazette.example/news/pier");
    assert_string_equal(str(rec, "canonical_url"), "https://gazette.example/news/pier");
    assert_string_equal(str(rec, "title"), "Pier to be rebuilt");
    assert_int_equal(json_array_size(json_object_get(rec, "authors")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "authors"), 0)), "Ann Bell");
    assert_string_equal(str(origin, "authors"), "meta: JSON-LD author");
    assert_non_null(strstr(str(rec, "published"), "2026-03-03T09:30:00+01:00"));
    assert_string_equal(str(rec, "section"), "Coast");
    assert_string_equal(str(rec, "lang"), "en");
    assert_non_null(strstr(str(rec, "body"), "rebuild the old stone pier"));
    assert_non_null(strstr(str(rec, "body"), "temporary pontoon"));
    assert_null(strstr(str(rec, "body"), "Home"));
    /* the lead comes from the description (metadata) before the generic first paragraph */
    assert_string_equal(str(rec, "lead"), "The council votes to rebuild the pier.");
    assert_string_equal(str(origin, "title"), "meta: og:title, the one that states the visible headline");
    assert_string_equal(str(origin, "body"), "generic: the text of <article>");
    assert_string_equal(str(origin, "lead"), "meta: <meta name=description>");
    assert_string_equal(str(origin, "images"), "meta: og:image");
    /* og:image and the first figure are one image: listed once, with the figure's caption */
    json_t *imgs = json_object_get(rec, "images");
    int pier = 0, boats = 0;
    size_t i;
    json_t *im;
    json_array_foreach(imgs, i, im) {
        const char *u = str(im, "url");
        if (!strcmp(u, "https://gazette.example/img/pier.jpg")) {
            pier++;
            assert_string_equal(str(im, "caption"), "The pier in January");
        }
        boats += !strcmp(u, "https://gazette.example/img/boats.jpg");
    }
    assert_int_equal(pier, 1);
    assert_int_equal(boats, 1);
    assert_true(json_is_null(json_object_get(rec, "error")));
    json_decref(rec);
    json_decref(origin);
    xmlFreeDoc(d);
}

static void test_fill_keeps_what_is_there(void **state)
{
    (void)state;
    htmlDocPtr d = parse(PAGE);
    json_t *rec = mw_article_new("https://gazette.example/news/pier");
    json_object_set_new(rec, "title", json_string("The rule's headline"));
    json_object_set_new(rec, "body", json_string("The rule's body."));
    json_object_set_new(rec, "authors", json_pack("[s]", "Rule Author"));
    json_t *origin = json_object();
    struct mw_article_opts o = {.url = "https://gazette.example/news/pier"};
    struct mw_err err = {0};
    assert_int_equal(mw_article_fill(rec, d, &o, origin, &err), 0);
    assert_string_equal(str(rec, "title"), "The rule's headline");
    assert_string_equal(str(rec, "body"), "The rule's body.");
    assert_int_equal(json_array_size(json_object_get(rec, "authors")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "authors"), 0)), "Rule Author");
    assert_null(json_object_get(origin, "title"));
    assert_null(json_object_get(origin, "body"));
    assert_null(json_object_get(origin, "authors"));
    /* the empty ones are filled from metadata; with a body given, the generic extractor does not run */
    assert_string_equal(str(rec, "section"), "Coast");
    assert_string_equal(str(origin, "section"), "meta: article:section");
    assert_string_equal(str(rec, "lead"), "The council votes to rebuild the pier.");
    size_t i;
    json_t *im;
    json_array_foreach(json_object_get(rec, "images"), i, im)
        assert_string_not_equal(str(im, "url"), "https://gazette.example/img/boats.jpg");   /* generic only */
    json_decref(rec);
    json_decref(origin);
    xmlFreeDoc(d);
}

static void test_settled_fields_stay_empty(void **state)
{
    (void)state;
    htmlDocPtr d = parse(PAGE);
    json_t *rec = mw_article_new("https://gazette.example/news/pier");
    json_t *settled = json_pack("{s:s, s:s, s:s}", "authors", "rule", "section", "rule", "lead", "rule");
    json_t *origin = json_object();
    struct mw_article_opts o = {.url = "https://gazette.example/news/pier", .settled = settled};
    struct mw_err err = {0};
    assert_int_equal(mw_article_fill(rec, d, &o, origin, &err), 0);
    /* settled as empty by the rule (the outlet has none): metadata and generic do not fill them */
    assert_int_equal(json_array_size(json_object_get(rec, "authors")), 0);
    assert_true(json_is_null(json_object_get(rec, "section")));
    assert_true(json_is_null(json_object_get(rec, "lead")));
    assert_null(json_object_get(origin, "authors"));
    /* the fields not settled are still filled */
    assert_string_equal(str(rec, "title"), "Pier to be rebuilt");
    assert_non_null(strstr(str(rec, "body"), "temporary pontoon"));
    json_decref(settled);
    json_decref(rec);
    json_decref(origin);
    xmlFreeDoc(d);
}

/* A record made with its generic body handed back (late_body), the body set after: the same record, keys in
 * the same order, the same origins; no text handed back when the body is settled or the page has none. */
static void late_same(const char *html, const json_t *settled, int want_body)
{
    htmlDocPtr d = parse(html);
    struct mw_err err = {0};
    struct mw_article_opts o = {.url = "https://gazette.example/news/pier", .settled = settled};
    json_t *oa = json_object(), *ob = json_object();
    json_t *a = mw_article_new(o.url), *b = mw_article_new(o.url);
    assert_int_equal(mw_article_fill(a, d, &o, oa, &err), 0);
    char *late = (char *)1;
    o.late_body = &late;
    assert_int_equal(mw_article_fill(b, d, &o, ob, &err), 0);
    xmlFreeDoc(d);
    if (!want_body) {
        assert_null(late);
    } else {
        assert_non_null(late);
        assert_true(json_is_null(json_object_get(b, "body")));
        json_object_set_new(b, "body", json_string(late));
        free(late);
    }
    char *ja = json_dumps(a, JSON_COMPACT), *jb = json_dumps(b, JSON_COMPACT);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    ja = json_dumps(oa, JSON_COMPACT);
    jb = json_dumps(ob, JSON_COMPACT);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    json_decref(a);
    json_decref(b);
    json_decref(oa);
    json_decref(ob);
}

static void test_late_body(void **state)
{
    (void)state;
    late_same(PAGE, NULL, 1);
    json_t *settled = json_pack("{s:s}", "body", "rule");
    late_same(PAGE, settled, 0);
    json_decref(settled);
    late_same("<html><head><title>Nothing here</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
              NULL, 0);
}

static void test_url_from_the_page_and_no_origin(void **state)
{
    (void)state;
    htmlDocPtr d = parse(PAGE);
    struct mw_err err = {0};
    json_t *rec = mw_article_generic(d, NULL, NULL, &err);   /* no url, no opts, no origin */
    assert_non_null(rec);
    assert_string_equal(str(rec, "url"), "https://gazette.example/news/pier");   /* the canonical link */
    assert_null(json_object_get(rec, "origin"));
    json_decref(rec);
    xmlFreeDoc(d);

    /* a page with nothing in it still gives a full record, fields empty */
    htmlDocPtr e = parse("<html><body></body></html>");
    rec = mw_article_generic(e, NULL, NULL, &err);
    assert_non_null(rec);
    assert_true(json_is_null(json_object_get(rec, "title")));
    assert_true(mw_article_empty(json_object_get(rec, "body")));
    assert_int_equal(json_array_size(json_object_get(rec, "authors")), 0);
    assert_int_equal(json_object_size(rec), 20);
    json_decref(rec);
    xmlFreeDoc(e);
}

static void test_no_placeholder_images(void **state)
{
    (void)state;
    /* spacers, tracking pixels, placeholders and inline data are not the article's images */
    htmlDocPtr d = parse("<html><body><article><h1>Pier</h1>" PARA
                         "<img src=''><img src='data:image/gif;base64,R0lGOD'><img src='/i/blank.gif'>"
                         "<img src='/i/spacer.gif'><img src='/i/pixel.gif'><img src='/i/placeholder.png'>"
                         "<img src='/img/photo.jpg'>" PARA2 "</article></body></html>");
    struct mw_err err = {0};
    json_t *rec = mw_article_generic(d, NULL, NULL, &err);
    json_t *imgs = json_object_get(rec, "images");
    if (json_array_size(imgs) != 1) {
        char *s = json_dumps(imgs, 0);
        fail_msg("want only photo.jpg, got %s", s);
    }
    assert_string_equal(str(json_array_get(imgs, 0), "url"), "https://gazette.example/img/photo.jpg");
    json_decref(rec);
    xmlFreeDoc(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_has_every_key_in_order), cmocka_unit_test(test_set_error),
        cmocka_unit_test(test_empty), cmocka_unit_test(test_generic_fills_from_meta_then_generic),
        cmocka_unit_test(test_fill_keeps_what_is_there), cmocka_unit_test(test_settled_fields_stay_empty),
        cmocka_unit_test(test_url_from_the_page_and_no_origin), cmocka_unit_test(test_no_placeholder_images),
        cmocka_unit_test(test_late_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
