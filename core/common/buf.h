/* common/buf.h: a growable byte buffer with a hard cap (as curl's dynbuf).
 * The buffer owns data; mw_buf_free releases it. data is always NUL-terminated when non-NULL. */
#ifndef MW_BUF_H
#define MW_BUF_H

#include <stddef.h>

struct mw_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;   /* appends that would pass max fail with MW_ELIMIT; 0 = no cap */
};

void mw_buf_init(struct mw_buf *b, size_t max);
/* 0, MW_ENOMEM or MW_ELIMIT (nothing appended then). */
int mw_buf_append(struct mw_buf *b, const void *p, size_t n);
int mw_buf_appends(struct mw_buf *b, const char *s);
int mw_buf_appendc(struct mw_buf *b, char c);
/* Room for n more bytes now (fewer reallocations later). 0, MW_ENOMEM or MW_ELIMIT. */
int mw_buf_reserve(struct mw_buf *b, size_t n);
int mw_buf_printf(struct mw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mw_buf_reset(struct mw_buf *b);         /* len = 0, keeps memory */
/* Hand data to the caller (free() it); the buffer is left empty. Never NULL unless out of memory. */
char *mw_buf_steal(struct mw_buf *b, size_t *len);
void mw_buf_free(struct mw_buf *b);

#endif
