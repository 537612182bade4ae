/* rules/runner.h: one page through decode -> parse -> pick rule -> extract -> record, under a per-page
 * wall-clock limit. Holds the Lua sandbox and the rule registry; the generic path needs no Lua at all.
 * Every rule runs afresh for each page in its own environment: nothing it does is seen by another rule
 * or another page. One runner belongs to one thread at a time (worker threads: one runner each). */
#ifndef MW_RUNNER_H
#define MW_RUNNER_H

#include <jansson.h>
#include <stddef.h>
#include "common/err.h"
#include "lua/sandbox.h"

struct mw_runner_opts {
    const char *scripts_dir;        /* holds lib/ and outlets/; NULL = no rules (generic only) */
    const char *const *rule_dirs;   /* more rule directories, NULL-terminated; later ones override */
    int generic_only;               /* never run a rule */
    const char *rule;               /* force this rule (by name) */
    int explain;                    /* add "origin" to records */
    struct mw_lua_limits limits;    /* per rule call */
    double page_seconds;            /* wall-clock limit per page: decode, parse, rule, fallbacks; default 10,
                                       0 = none. An overrun ends the page with an error record. */
    int lazy;                       /* 1: a rule file whose name and domains its text states plainly
                                       (rules/scan.h) is run and checked only when a page of its domains
                                       comes (or its listing is asked for); its load error is then reported
                                       through on_load_error and mw_runner_load_errors. 0: every file at once. */
    void (*on_load_error)(void *ctx, const char *msg);   /* lazy: a rule failed to load (may be NULL) */
    void *on_load_ctx;
};
void mw_runner_opts_default(struct mw_runner_opts *o);

struct mw_runner;
/* Rule files that fail to load are reported through mw_runner_load_errors, not here. NULL with err
 * only when the runtime itself (scripts/lib) cannot be loaded or memory runs out. Owned: mw_runner_free. */
struct mw_runner *mw_runner_new(const struct mw_runner_opts *o, struct mw_err *err);
void mw_runner_free(struct mw_runner *r);

/* Messages ("file:line: ...") of the rule files that failed to load so far (lazy: those run so far): a JSON
 * array, borrowed. */
const json_t *mw_runner_load_errors(struct mw_runner *r);
/* What loaded but may surprise ("file:line: rule a and file:line: rule b both claim domain ...: b is used"): a
 * JSON array of one-line messages, borrowed. */
const json_t *mw_runner_load_notes(struct mw_runner *r);
/* The loaded rules as a JSON array of {name, outlet, domains, article, layouts, file, lang, tz,
 * sources, verified, fixtures}: new reference. Lazy: runs every file not run yet. */
json_t *mw_runner_rules(struct mw_runner *r);
/* The same object for the rule called name (run now if lazy), new reference; NULL when there is no such
 * rule or it did not load. */
json_t *mw_runner_rule_info(struct mw_runner *r, const char *name);
/* The Lua sandbox (for eval and the shell). Borrowed. */
struct mw_lua *mw_runner_lua(struct mw_runner *r);

/* Stop the page being extracted now (signal- and thread-safe): its record gets the rule's stop as a
 * warning, or the page time limit as its error once that has passed. */
void mw_runner_interrupt(struct mw_runner *r);

/* [-0, +1|0, e] Push onto `to` a plain copy of rule `name`'s table, loaded afresh from its file in the
 * runner's sandbox (so the shell never runs rule code in its own state): functions become strings
 * "function file:line". 0, or MW_ENOTFOUND / MW_ESCRIPT with err (nothing pushed). */
int mw_runner_push_rule(struct mw_runner *r, const char *name, lua_State *to, struct mw_err *err);

/* Name of the rule that would handle url (borrowed, valid until the runner is freed) or NULL. */
const char *mw_runner_pick(struct mw_runner *r, const char *url);

/* Extract one page of raw bytes. Always returns a record (new reference) unless memory runs out; a page
 * that fails at some stage gets "error" set. url may be NULL (canonical/og:url is used to pick a rule).
 * content_type may be NULL. */
json_t *mw_runner_extract(struct mw_runner *r, const char *bytes, size_t len, const char *url,
                          const char *content_type);

/* The same with the rule named (NULL: picked by url as above; an unknown name: no rule, generic). */
json_t *mw_runner_extract_rule(struct mw_runner *r, const char *rule, const char *bytes, size_t len,
                               const char *url, const char *content_type);

/* The same, with the time the page was fetched (ISO 8601, NULL = unknown): relative dates ("3 hours ago") are
 * resolved against it, and it is the record's "fetched". */
json_t *mw_runner_extract_at(struct mw_runner *r, const char *rule, const char *bytes, size_t len, const char *url,
                             const char *content_type, const char *fetched);

/* The same, taking *bytes (malloc'd, len bytes): freed, and *bytes set NULL, as soon as the page is parsed, so
 * that a big page's bytes and its tree are not in memory together. */
json_t *mw_runner_extract_take(struct mw_runner *r, const char *rule, char **bytes, size_t len, const char *url,
                               const char *content_type, const char *fetched);

/* 1 when the rule named has a domain that url's host falls under. */
int mw_runner_handles(struct mw_runner *r, const char *rule, const char *url);

#endif
