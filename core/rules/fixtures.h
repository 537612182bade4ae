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
    const json_t *known;        /* {"<page name>#<field>": "why"}: expectations the page itself contradicts;
                                   such a field is reported, not failed (may be NULL) */
};

struct mw_fixture_result {
    int passed, failed, skipped;   /* fixtures (pages) */
    int known;                     /* fields that differed where the expectation is known to be wrong */
};

/* Check every fixture: pick the rule by the fixture's url, extract, compare each field the JSON has (strings
 * after whitespace folding, authors as a set, dates as the same instant, body by shingle F1). Prints a
 * readable diff per failing field to out, and the summary line "N passed, N failed". 0, or MW_E* when
 * nothing could be checked (err set). */
int mw_fixtures_check(struct mw_runner *r, const struct mw_fixture_opts *o, FILE *out,
                      struct mw_fixture_result *res, struct mw_err *err);

/* Count the fixtures in dirs per rule (the rule that handles each page's url; "generic" when none) into
 * counts (an object: name -> integer). Pages are not extracted. */
int mw_fixtures_count(struct mw_runner *r, const char *const *dirs, json_t *counts);

/* Word 4-gram shingle precision/recall/F1 of pred against truth, as ../shared/tools/score.py counts them. */
void mw_shingle_f1(const char *pred, const char *truth, double *precision, double *recall, double *f1);

#endif
