/* meta/authors.h: byline strings -> the names they credit ("By A and B, Reuters" -> ["A", "B"]).
 * Cleaning only; where a byline is found in the page is meta/meta.c's business. */
#ifndef MW_AUTHORS_H
#define MW_AUTHORS_H

#include <jansson.h>

/* Split and clean one byline (prefixes "By"/"Von"/"Par"/"Por"/"От", roles, e-mails, URLs, dates and datelines
 * dropped) and append each name to the JSON array names unless already there (case-insensitive).
 * Returns the number of names added (0 when nothing name-like was left), -1 on out-of-memory. */
int mw_authors_split(const char *byline, json_t *names);

/* Append one already-clean name to names unless an equal one (case-insensitive) is there. 1 added, 0 not. */
int mw_authors_add(json_t *names, const char *name);

/* 1 when s (case-insensitive, whole string) names a news agency ("AFP", "dpa", "Reuters", "Associated Press"). */
int mw_authors_is_agency(const char *s);

#endif
