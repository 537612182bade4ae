/* common/keyed.h: a growable array of fixed-size entries, each keyed by a text it owns a copy of, looked up by
 * the caller's pointer first (a statement's constant text; its content checked) and by content then: the statement caches of the
 * store's SQL seams (run/store_sqlite_sql.c, plugins/postgres/seam.c, which compiles this file in too). */
#ifndef MW_KEYED_H
#define MW_KEYED_H

#include <stddef.h>

/* Every entry begins with this head; the rest of the entry is its owner's. */
struct mw_keyed_head {
    const char *key;   /* the caller's text, as passed */
    char *text;        /* a copy of it, owned */
};

struct mw_keyed {
    void *v;           /* n entries of size bytes each */
    size_t n, cap, size;
};

/* An empty array of entries of size bytes (size >= sizeof(struct mw_keyed_head)). */
void mw_keyed_init(struct mw_keyed *k, size_t size);
/* The entry keyed by text, or NULL. */
void *mw_keyed_find(const struct mw_keyed *k, const char *text);
/* A new zeroed entry at the end keyed by text (copied), not yet counted: mw_keyed_keep counts it once its
 * owner has filled it in; an entry not kept is dropped (its copy freed) by the next mw_keyed_add or by
 * mw_keyed_free. NULL when out of memory. */
void *mw_keyed_add(struct mw_keyed *k, const char *text);
void mw_keyed_keep(struct mw_keyed *k);
/* fin (may be NULL) on each kept entry, then every text and the array are freed. */
void mw_keyed_free(struct mw_keyed *k, void (*fin)(void *entry));

#endif
