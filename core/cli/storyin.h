/* cli/storyin.h: JSON-line input of `stories` and `compare`, clustered in memory (cli/storyin.c). */
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

#endif
