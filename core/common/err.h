/* common/err.h: the error record every module fills (stage + one line), and the MW_E* codes.
 * First failure kept: mw_err_set does nothing when an error is already recorded. */
#ifndef MW_ERR_H
#define MW_ERR_H

#include <stddef.h>

enum {
    MW_OK = 0,
    MW_EINVAL,   /* bad argument or input the caller gave */
    MW_ENOMEM,   /* allocation failed or a memory cap was hit */
    MW_EIO,      /* file or stream error */
    MW_EPARSE,   /* input that could not be parsed (HTML, JSON, date, selector) */
    MW_EFETCH,   /* network or HTTP failure */
    MW_ELIMIT,   /* a configured limit was reached (size, time, redirects) */
    MW_ESCRIPT,  /* a Lua script failed */
    MW_ENOTFOUND /* nothing matched (no rule, no file) */
};

struct mw_err {
    int code;          /* MW_OK when no error is recorded */
    char stage[16];    /* "fetch", "decode", "parse", "extract", "rule", ... */
    char msg[512];     /* one line, no trailing newline */
};

/* Record an error unless one is already recorded. err may be NULL. Returns code. */
int mw_err_set(struct mw_err *err, int code, const char *stage, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Forget a recorded error. */
void mw_err_clear(struct mw_err *err);
/* Name of a code ("invalid", "no memory", ...). Static string. */
const char *mw_err_name(int code);

#endif
