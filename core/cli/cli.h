/* cli/cli.h: what the subcommands share: locating scripts/, reading page files (.html, .html.gz, -),
 * printing records, the runner options every extracting subcommand accepts, and naming and opening the
 * run store of those that read one. */
#ifndef MW_CLI_H
#define MW_CLI_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include "extract/article.h"
#include "rules/runner.h"

#define EXIT_USAGE 2

int cmd_extract(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_stories(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* The scripts/ directory: $MOONWIRE_SCRIPTS, ./scripts, <exe>/../scripts, <exe>/../share/moonwire/scripts.
 * Static storage; NULL when none is found. */
const char *cli_scripts_dir(void);
/* Rule directories from MOONWIRE_RULES (':'-separated) and $XDG_CONFIG_HOME/moonwire/rules, NULL-terminated,
 * static storage. */
const char *const *cli_rule_dirs(void);

/* The shared corpus of outlet pages: ../shared/corpus/outlets of the project scripts/ belongs to (so it is
 * found whatever the current directory), else of the current directory; NULL when neither exists. Static. */
const char *cli_shared_outlets(void);

/* Read a whole file ("-" = stdin), gunzipping .gz (or any gzip stream) on the fly, at most max bytes.
 * 0 with *out (free()) and *len, or -1 with msg filled. */
int cli_read_page(const char *path, size_t max, char **out, size_t *len, char *msg, size_t cap);

/* The inputs of extract and fetch: argv[from..argc), then the lines of list ("-" = stdin; may be NULL): one
 * entry a line, ends trimmed, blank lines and lines starting with # skipped. NULL-terminated, each string
 * malloc'd (cli_strv_free); NULL with msg when list cannot be read. */
char **cli_inputs(int argc, char **argv, int from, const char *list, char *msg, size_t cap);
void cli_strv_free(char **v);

/* Print one record as a JSON line on stdout (flushed). */
void cli_print_record(const json_t *rec);

/* A runner for extract/fetch from the common flags; NULL after printing an error. */
struct mw_runner *cli_runner(int generic, const char *rule, int explain);
/* The same with a wall-clock limit per page (seconds; 0 = none; cli_runner takes the runner's default), lazy
 * or not (cli_runner_lazy). */
struct mw_runner *cli_runner_timed(int generic, const char *rule, int explain, double page_seconds, int lazy);
/* Make o lazy (mw_runner_opts.lazy): a rule that fails to load when first needed is reported on stderr then. */
void cli_runner_lazy(struct mw_runner_opts *o);
/* The options cli_runner uses, for making more runners alike (one per extraction thread). */
void cli_runner_opts(int generic, const char *rule, int explain, struct mw_runner_opts *o);

/* The subcommands that read a run store (cli/storearg.c). Their options, [--store STORE] [--json] [CONFIG]:
 * 0 with *a filled (store: the one named, as cli_store_path; cfg: CONFIG read, mw_run_config_free); -1 after
 * printing help (exit 0), or EXIT_USAGE after printing why. */
struct mw_run_config;
struct cli_store_args {
    const char *store;
    struct mw_run_config *cfg;
    int json;
};
int cli_store_args(const char *cmd, int argc, char **argv, void (*help)(FILE *), struct cli_store_args *a);
/* The store named: store (--store), else the `store` of the run config at config, else ./moonwire.sqlite.
 * *cfg is the config read (mw_run_config_free; NULL when none was); NULL after printing why it cannot be. */
const char *cli_store_path(const char *store, const char *config, struct mw_run_config **cfg);
/* The store opened, an existing one only (a missing file is "CMD: STORE: no such store", not created);
 * NULL after printing why. mw_store_free. */
struct mw_store;
struct mw_store *cli_store_open(const char *cmd, const char *store);

/* Print "moonwire: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A repeatable option's value appended to v (room for max and a NULL after them): 0, or -1 after
 * "CMD: at most MAX WHAT" when v is full. */
int cli_push(const char **v, int *n, int max, const char *s, const char *cmd, const char *what);

#endif
