/* rules/fixtures.h: checking rules against saved pages (`moonwire test`, the shell's test()): a fixture is
 * <name>.html.gz (or .html) beside <name>.json holding the page's "url" and the expected fields. */
#ifndef MW_FIXTURES_H
#define MW_FIXTURES_H

#include <stdio.h>
#include "rules/runner.h"

struct mw_fixture_opts {
    const char *const *dirs;    /* fixture directories (searched recursively), NULL-terminated */
    const char *const *rules;   /* only fixtures whose page these rules handle; NULL = all */
    double min_f1;              /* body shingle F1 to pass; default 0.98 */
    int verbose;                /* print passing fixtures too */
    const json_t *known;        /* a known-issues file (mw_fixtures_known_load) for every directory, or NULL:
                                   then each directory's own (see mw_fixtures_known_find) */
    const char *const *known_dirs;   /* where mw_fixtures_known_find looks for *known.json files naming a
                                        fixture directory (NULL-terminated; may be NULL) */
    int no_known;               /* 1: no known-issues file at all */
};

struct mw_fixture_result {
    int passed, failed, skipped;   /* fixtures (pages) */
    int known;                     /* fields that differed where the expectation is known to be wrong */
    int stale;                     /* known entries that no longer describe the output (reported, failed) */
};

/* A known-issues file lists expectations the page itself contradicts:
 *   {"fixtures": "DIR",                                  (optional: the directory it is for, see below)
 *    "known": {"<page name>#<field>": {"page": VALUE, "why": "..."}}}
 * VALUE is what the page really shows; the field passes when the output is that value (reported "known"),
 * and fails when it is neither the expectation nor VALUE. An entry whose field now matches the
 * expectation, or that names no annotated field of a checked page, is stale: reported and failed.
 * Load and validate one: a new reference, or NULL with err naming the file and the entry. */
json_t *mw_fixtures_known_load(const char *path, struct mw_err *err);

/* The known-issues file for a fixture directory: dir/known.json when it exists; otherwise the first
 * *known.json file (by name) in one of known_dirs whose "fixtures", resolved against that file's own
 * directory, is dir (both compared as real paths). *found (may be NULL) gets the file's path. A new
 * reference; NULL with err clear when there is none, NULL with err set when the file is malformed. */
json_t *mw_fixtures_known_find(const char *dir, const char *const *known_dirs, char *found, size_t cap,
                               struct mw_err *err);

/* Check every fixture: pick the rule by the fixture's url, extract, compare each field the JSON has (strings
 * after whitespace folding, authors as a set, dates as the same instant, body by shingle F1). A field whose
 * expectation is null must be null (or [] for a list); a key left out, or "" (the corpus's "none marked"),
 * is not checked. Prints a readable diff per failing field to out, and the summary line "N passed, N
 * failed" (", N skipped", ", N known", ", N stale" when there are any). 0, or MW_E* when nothing could be
 * checked or a known-issues file is malformed (err set). */
int mw_fixtures_check(struct mw_runner *r, const struct mw_fixture_opts *o, FILE *out,
                      struct mw_fixture_result *res, struct mw_err *err);

/* Count the fixtures in dirs per rule (the rule that handles each page's url; "generic" when none) into
 * counts (an object: name -> integer). Pages are not extracted. */
int mw_fixtures_count(struct mw_runner *r, const char *const *dirs, json_t *counts);

/* Word 4-gram shingle precision/recall/F1 of pred against truth, as ../shared/tools/score.py counts them. */
void mw_shingle_f1(const char *pred, const char *truth, double *precision, double *recall, double *f1);

#endif
