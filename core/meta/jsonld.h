/* meta/jsonld.h (internal to meta/): <script type="application/ld+json"> text -> JSON values, tolerant of
 * what pages really serve; and which object in them is the article. Mapping fields is meta.c's job. */
#ifndef MW_JSONLD_H
#define MW_JSONLD_H

#include <stddef.h>
#include <jansson.h>

/* Parse one script's text: HTML comments and CDATA around it, "//" and block comments, control characters
 * and bad escapes inside strings, trailing commas, several values one after another. Appends every value
 * parsed to out (a JSON array). Returns how many were appended. */
int mw_jsonld_parse(const char *text, size_t n, json_t *out);

/* The object that best describes the page's article among values (arrays, @graph and mainEntity are looked
 * into): NewsArticle and kin first, then Article/BlogPosting/Report/ClaimReview, then WebPage with a headline.
 * Borrowed from values, or NULL. */
json_t *mw_jsonld_article(json_t *values);

/* 1 when obj's @type (a string or an array, "schema:" and URL prefixes ignored) names type. */
int mw_jsonld_is_type(json_t *obj, const char *type);

/* Rank of obj's type as an article: 0 none, 1 other typed objects with a headline, 3 WebPage kin,
 * 7 ClaimReview/Review, 8 Article kin, 10 NewsArticle kin. */
int mw_jsonld_rank(json_t *obj);

#endif
