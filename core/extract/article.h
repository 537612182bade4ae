/* extract/article.h: the article record of design.md — its fixed key order, and filling it from a
 * document with the built-in sources (doc metadata, then the generic extractor). Rules layer on top
 * of this in rules/runner.c. */
#ifndef MW_ARTICLE_H
#define MW_ARTICLE_H

#include <jansson.h>
#include <libxml/tree.h>
#include "common/err.h"

/* A new record with every key of design.md present and null/[] (json_decref). */
json_t *mw_article_new(const char *url);

/* Set "error": {"stage": err->stage, "message": err->msg}. */
void mw_article_set_error(json_t *rec, const struct mw_err *err);

struct mw_article_opts {
    const char *url;      /* page URL (may be NULL: the canonical/og:url is used then) */
    const char *tz;       /* outlet zone for dates without one */
    const char *lang;     /* expected language */
    const json_t *settled;   /* may be NULL: an object whose keys are fields a rule settled (even as empty);
                                those are never filled from metadata or the generic extractor */
    const char *fetched;  /* when the page was fetched (ISO 8601), NULL = unknown: relative dates resolve
                             against it and it fills the record's "fetched" */
    char **late_body;     /* may be NULL. Set: a body from the generic extractor is not put in the record but
                             handed back here (malloc'd; NULL when there is none), for the caller to set as
                             the record's "body" once it has freed the document (its origin is set already) */
};

/* Fill rec's fields that are still null/empty from doc metadata and the generic extractor.
 * origin (may be NULL) is an object that receives "field": "meta"|"generic" for each field filled.
 * Fields named in o->settled are left as they are. 0, or MW_ENOMEM. */
int mw_article_fill(json_t *rec, xmlDocPtr doc, const struct mw_article_opts *o, json_t *origin,
                    struct mw_err *err);

/* A record for a page extracted with nothing but the built-in sources: rule "generic". New reference. */
json_t *mw_article_generic(xmlDocPtr doc, const struct mw_article_opts *o, json_t *origin, struct mw_err *err);

/* 1 when a record field counts as empty (null, "", []). */
int mw_article_empty(const json_t *v);

#endif
