/* common/keyed.c: entries keyed by a text (common/keyed.h): find by the caller's pointer then by content, append
 * with a pending slot that becomes an entry only when its owner keeps it. */
#include "common/keyed.h"

#include <stdlib.h>
#include <string.h>

static struct mw_keyed_head *at(const struct mw_keyed *k, size_t i)
{
    return (struct mw_keyed_head *)((char *)k->v + i * k->size);
}

void mw_keyed_init(struct mw_keyed *k, size_t size)
{
    memset(k, 0, sizeof *k);
    k->size = size;
}

void *mw_keyed_find(const struct mw_keyed *k, const char *text)
{
    for (size_t i = 0; i < k->n; i++)   /* the same pointer, still the same text (a reused buffer is not) */
        if (at(k, i)->key == text && !strcmp(at(k, i)->text, text))
            return at(k, i);
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(at(k, i)->text, text))
            return at(k, i);
    return NULL;
}

/* the pending slot's copy, when a slot was added and not kept */
static void drop_pending(struct mw_keyed *k)
{
    if (k->n < k->cap) {
        free(at(k, k->n)->text);
        at(k, k->n)->text = NULL;
    }
}

void *mw_keyed_add(struct mw_keyed *k, const char *text)
{
    drop_pending(k);
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 32;
        void *v = realloc(k->v, cap * k->size);
        if (!v)
            return NULL;
        memset((char *)v + k->cap * k->size, 0, (cap - k->cap) * k->size);
        k->v = v;
        k->cap = cap;
    }
    struct mw_keyed_head *e = at(k, k->n);
    memset(e, 0, k->size);
    if (!(e->text = strdup(text)))
        return NULL;
    e->key = text;
    return e;
}

void mw_keyed_keep(struct mw_keyed *k)
{
    k->n++;
}

void mw_keyed_free(struct mw_keyed *k, void (*fin)(void *entry))
{
    drop_pending(k);
    for (size_t i = 0; i < k->n; i++) {
        if (fin)
            fin(at(k, i));
        free(at(k, i)->text);
    }
    free(k->v);
    memset(k, 0, sizeof *k);
}
