/* cli/storyin.h: the input of `stories` and `compare` (cli/storyin.c): JSON lines clustered in memory, or the
 * story tables of a run store. */
#ifndef MW_CLI_STORYIN_H
#define MW_CLI_STORYIN_H

#include <jansson.h>
#include <stddef.h>
#include "story/story.h"

struct cli_story_item {          /* one article (document id = its index + 1) */
    char *url, *title, *published;
    json_t *rec;                 /* its latest record, when the set keeps them */
};
struct cli_story_set {
    struct mw_story_stop *stop;
    struct mw_story_index *x;
    struct cli_story_item *item;
    size_t n, cap;
    char **keys;                 /* canonical_url, else url, else file:line */
    size_t *keyidx, capkeys;
    int keep;
    long bad, errors;            /* lines that were no record; error records (failed pages) */
};

/* Read and cluster the records of files (none: stdin; "-": stdin). keep: hold each article's latest record.
 * 0, or -1 after printing why. cli_story_free in both cases. */
int cli_story_read(char **files, int nfiles, int keep, struct cli_story_set *st);
void cli_story_free(struct cli_story_set *st);
/* Document indices grouped story by story (stories by id, members by id). malloc'd; NULL when out of memory. */
size_t *cli_story_order(const struct cli_story_set *st);
/* The summary of one story from its members' document indices. 0 or -1 (out of memory). */
int cli_story_summary(const struct cli_story_set *st, const size_t *docs, size_t n, struct mw_story_summary *s);

/* The story tables of the run store at path, an existing SQLite file (a missing one is not created), in step
 * with its articles: synced (*rebuilt: the sync had to group every article again), or every article grouped
 * again when rebuild. 0 with *s and *ss open; 1 with err filled; -1 after printing "CMD: PATH: no such store".
 * The caller frees *s and *ss (mw_story_store_free, then mw_store_free) whatever the result. */
int cli_story_store_open(const char *cmd, const char *path, int rebuild, struct mw_store **s,
                         struct mw_story_store **ss, int *rebuilt, struct mw_err *err);

#endif
