/* common/buf.c: the capped growable buffer of buf.h. */
#include "buf.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mw_buf_init(struct mw_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

static int grow(struct mw_buf *b, size_t need)
{
    if (b->max && need > b->max)
        return MW_ELIMIT;
    if (need + 1 <= b->cap)
        return MW_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need + 1)
        cap *= 2;
    if (b->max && cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return MW_ENOMEM;
    p[b->len] = '\0';   /* data is NUL-terminated from its first allocation on */
    b->data = p;
    b->cap = cap;
    return MW_OK;
}

int mw_buf_reserve(struct mw_buf *b, size_t n) { return grow(b, b->len + n); }

int mw_buf_append(struct mw_buf *b, const void *p, size_t n)
{
    int rc = grow(b, b->len + n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return MW_OK;
}

int mw_buf_appends(struct mw_buf *b, const char *s) { return mw_buf_append(b, s, strlen(s)); }
int mw_buf_appendc(struct mw_buf *b, char c) { return mw_buf_append(b, &c, 1); }

int mw_buf_printf(struct mw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MW_EINVAL;
    int rc = grow(b, b->len + (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MW_OK;
}

void mw_buf_reset(struct mw_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *mw_buf_steal(struct mw_buf *b, size_t *len)
{
    if (!b->data && grow(b, 0))
        return NULL;
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void mw_buf_free(struct mw_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
