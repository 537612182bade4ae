/* rules/scan.h: a rule file's name and domains read from its text without running it — the index that lets
 * the runner compile and check a rule only when a page of its domains comes (mw_runner_opts.lazy). Running
 * the file stays the truth: the scan answers only when the file has the one plain shape it can be sure of. */
#ifndef MW_RULES_SCAN_H
#define MW_RULES_SCAN_H

#include <stddef.h>

struct mw_rule_scan {
    char *name;        /* the rule's `name` */
    char **domains;    /* its `domains`, in order */
    size_t ndomains;
};

/* Scan text (len bytes) for `return rule { ... }` ending the file, whose `name` is a string literal that is a
 * word and whose `domains` is a string literal or a table of them, each key given once, the identifier `rule`
 * used nowhere else, no `_ENV`. 1 with *out filled (free with mw_rule_scan_clear); 0 when the file has
 * another shape (it must be run to be known) or memory ran out, *out then empty. */
int mw_rule_scan(const char *text, size_t len, struct mw_rule_scan *out);
void mw_rule_scan_clear(struct mw_rule_scan *s);

#endif
