/* common/err.c: filling struct mw_err. Printing errors is the CLI's job (core/cli). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mw_err_set(struct mw_err *err, int code, const char *stage, const char *fmt, ...)
{
    if (!err || err->code != MW_OK)
        return code;
    err->code = code;
    snprintf(err->stage, sizeof err->stage, "%s", stage ? stage : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    for (char *p = err->msg; *p; p++)   /* one line: newlines become spaces */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

void mw_err_clear(struct mw_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *mw_err_name(int code)
{
    switch (code) {
    case MW_OK: return "ok";
    case MW_EINVAL: return "invalid";
    case MW_ENOMEM: return "no memory";
    case MW_EIO: return "i/o";
    case MW_EPARSE: return "parse";
    case MW_EFETCH: return "fetch";
    case MW_ELIMIT: return "limit";
    case MW_ESCRIPT: return "script";
    case MW_ENOTFOUND: return "not found";
    default: return "unknown";
    }
}
