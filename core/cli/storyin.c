/* cli/storyin.c: what `stories` and `compare` share when their input is JSON lines (files, "-", stdin): read
 * the article records, keep one document per article (revisions of one URL are one member: the first
 * version is the one grouped, the latest the one shown), and cluster them in memory (core/story); or, from a
 * run store, its story tables brought in step. */
#include "cli/cli.h"
#include "cli/storyin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/store.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static long key_find(const struct cli_story_set *st, const char *key, size_t *slot)
{
    size_t m = st->capkeys - 1, i = hash_str(key) & m;
    while (st->keys[i] && strcmp(st->keys[i], key))
        i = (i + 1) & m;
    *slot = i;
    return st->keys[i] ? (long)st->keyidx[i] : -1;
}

static int keys_grow(struct cli_story_set *st)
{
    if (st->capkeys && (st->n + 1) * 2 <= st->capkeys)
        return 0;
    size_t oldcap = st->capkeys;
    char **ok = st->keys;
    size_t *oi = st->keyidx;
    st->capkeys = oldcap ? oldcap * 2 : 1024;
    st->keys = calloc(st->capkeys, sizeof *st->keys);
    st->keyidx = calloc(st->capkeys, sizeof *st->keyidx);
    if (!st->keys || !st->keyidx)
        return -1;
    for (size_t i = 0; i < oldcap; i++)
        if (ok[i]) {
            size_t s;
            key_find(st, ok[i], &s);
            st->keys[s] = ok[i];
            st->keyidx[s] = oi[i];
        }
    free(ok);
    free(oi);
    return 0;
}

static char *dup_field(const json_t *rec, const char *k)
{
    const char *s = json_string_value(json_object_get(rec, k));
    return s ? strdup(s) : NULL;
}

static int grow_docs(struct cli_story_set *st)
{
    if (st->n < st->cap)
        return 0;
    size_t c = st->cap ? st->cap * 2 : 256;
    struct cli_story_item *d = realloc(st->item, c * sizeof *d);
    if (!d)
        return -1;
    st->item = d;
    st->cap = c;
    return 0;
}

/* one record: a new document, or a later version of one already read */
static int take(struct cli_story_set *st, json_t *rec, const char *where)
{
    const char *canon = json_string_value(json_object_get(rec, "canonical_url"));
    const char *url = json_string_value(json_object_get(rec, "url"));
    const char *key = canon && *canon ? canon : url && *url ? url : where;
    size_t slot;
    if (keys_grow(st) || grow_docs(st))
        return -1;
    long i = key_find(st, key, &slot);
    if (i >= 0) {   /* a revision: shown, not grouped again */
        struct cli_story_item *it = &st->item[i];
        free(it->title);
        it->title = dup_field(rec, "title");
        if (st->keep) {
            json_decref(it->rec);
            it->rec = json_incref(rec);
        }
        return 0;
    }
    struct cli_story_item *it = &st->item[st->n];
    memset(it, 0, sizeof *it);
    it->url = strdup(url ? url : key);
    it->title = dup_field(rec, "title");
    it->published = dup_field(rec, "published");
    it->rec = st->keep ? json_incref(rec) : NULL;
    st->keys[slot] = strdup(key);
    st->keyidx[slot] = st->n;
    st->n++;
    struct mw_story_doc *d = malloc(sizeof *d);
    if (!d || !it->url || !st->keys[slot]) {
        free(d);
        return -1;
    }
    mw_story_doc_from_record(st->stop, rec, (int64_t)st->n, d);
    struct mw_story_backend be = mw_story_index_backend(st->x);
    struct mw_err err = {0};
    int rc = mw_story_assign(&be, d, &err);
    free(d);
    if (rc)
        cli_error("stories: %s", err.msg);
    return rc ? -1 : 0;
}

static int read_stream(struct cli_story_set *st, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (strspn(line, " \t\r\n") == (size_t)len)
            continue;
        json_error_t je;
        json_t *rec = json_loadb(line, (size_t)len, 0, &je);
        char where[600];
        snprintf(where, sizeof where, "%s:%ld", name, lineno);
        if (!json_is_object(rec)) {
            cli_error("%s: not a JSON object (%s)", where, rec ? "another JSON value" : je.text);
            st->bad++;
        } else {
            json_t *e = json_object_get(rec, "error");
            if (e && !json_is_null(e))
                st->errors++;   /* a failed page: no article */
            else
                rc = take(st, rec, where);
        }
        json_decref(rec);
    }
    free(line);
    if (ferror(f)) {
        cli_error("%s: %s", name, strerror(errno));
        return -1;
    }
    return rc;
}

int cli_story_read(char **files, int nfiles, int keep, struct cli_story_set *st)
{
    memset(st, 0, sizeof *st);
    st->keep = keep;
    st->stop = mw_story_stop_new();
    st->x = mw_story_index_new();
    if (!st->stop || !st->x) {
        cli_error("stories: out of memory");
        return -1;
    }
    if (nfiles == 0)
        return read_stream(st, stdin, "<stdin>");
    for (int i = 0; i < nfiles; i++) {
        int is_stdin = !strcmp(files[i], "-");
        FILE *f = is_stdin ? stdin : fopen(files[i], "r");
        if (!f) {
            cli_error("%s: %s", files[i], strerror(errno));
            return -1;
        }
        int rc = read_stream(st, f, is_stdin ? "<stdin>" : files[i]);
        if (!is_stdin)
            fclose(f);
        if (rc)
            return -1;
    }
    return 0;
}

void cli_story_free(struct cli_story_set *st)
{
    for (size_t i = 0; i < st->n; i++) {
        free(st->item[i].url);
        free(st->item[i].title);
        free(st->item[i].published);
        json_decref(st->item[i].rec);
    }
    for (size_t i = 0; i < st->capkeys; i++)
        free(st->keys[i]);
    free(st->keys);
    free(st->keyidx);
    free(st->item);
    mw_story_index_free(st->x);
    mw_story_stop_free(st->stop);
}

/* members of every story, grouped: order[] lists document indices story by story, first[] where each starts */
static int by_story(const void *a, const void *b, void *ctx)
{
    const struct cli_story_set *st = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int64_t sx = mw_story_index_story(st->x, (int64_t)x + 1), sy = mw_story_index_story(st->x, (int64_t)y + 1);
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return x < y ? -1 : x > y;
}

size_t *cli_story_order(const struct cli_story_set *st)
{
    size_t *o = malloc((st->n ? st->n : 1) * sizeof *o);
    if (!o)
        return NULL;
    for (size_t i = 0; i < st->n; i++)
        o[i] = i;
    qsort_r(o, st->n, sizeof *o, by_story, (void *)st);
    return o;
}

int cli_story_summary(const struct cli_story_set *st, const size_t *docs, size_t n, struct mw_story_summary *s)
{
    struct mw_story_member *m = calloc(n ? n : 1, sizeof *m);
    struct mw_story_name(*names)[MW_STORY_NAMES] = calloc(n ? n : 1, sizeof *names);
    if (!m || !names) {
        free(m);
        free(names);
        return -1;
    }
    int64_t story = 0;
    for (size_t i = 0; i < n; i++) {
        struct mw_story_entry e;
        mw_story_index_entry(st->x, docs[i], &e, names[i], NULL);
        m[i] = e.m;
        story = e.story;
    }
    mw_story_summarize(story, m, n, s);
    free(m);
    free(names);
    return 0;
}

int cli_story_store_open(const char *cmd, const char *path, int rebuild, struct mw_store **s,
                         struct mw_story_store **ss, int *rebuilt, struct mw_err *err)
{
    *s = NULL;
    *ss = NULL;
    *rebuilt = 0;
    if (!mw_store_is_url(path) && access(path, R_OK)) {   /* opening would create an empty store */
        cli_error("%s: %s: no such store", cmd, path);
        return -1;
    }
    *s = mw_store_open(path, err);
    *ss = *s ? mw_story_store_open(*s, err) : NULL;
    if (!*ss)
        return 1;
    return (rebuild ? mw_story_store_rebuild(*ss, err) : mw_story_store_sync(*ss, rebuilt, err)) ? 1 : 0;
}
