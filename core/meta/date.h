/* meta/date.h: dates in many shapes and languages -> ISO 8601. No I/O, no global state. */
#ifndef MW_DATE_H
#define MW_DATE_H

#include "common/err.h"

struct mw_date_opts {
    const char *lang;  /* hint "en", "ru", "tr", "es", "fr", "de", "ar", ...; NULL = try all */
    const char *tz;    /* zone for strings that carry none: "+03:00", "Z", "UTC", "MSK"; NULL = leave out */
    const char *format;/* optional explicit format: "unix", "unix_ms", "dmy", "mdy", "iso", or a strptime-like
                          pattern "%d.%m.%Y %H:%M"; NULL = detect */
};

#define MW_DATE_MAX 40
/* Writes "2020-01-14T12:05:00+03:00"; "2020-01-14T12:05:00" when no zone is stated or given;
 * "2020-01-14" for a date without time of day and without a zone given (with a zone: midnight there).
 * 0 or MW_EPARSE (err stage "date"). opts may be NULL. */
int mw_date_parse(const char *s, const struct mw_date_opts *opts, char out[MW_DATE_MAX], struct mw_err *err);

/* Parse an ISO string as written above into seconds since the epoch; *has_zone tells whether it had one
 * (without one the wall clock is read as UTC). 0 or MW_EPARSE. */
int mw_date_epoch(const char *iso, double *secs, int *has_zone);

/* Parse a zone "+03:00", "+0300", "Z", "UTC", "GMT", "MSK", "CET", ... into seconds east of UTC. 0 or MW_EPARSE. */
int mw_date_zone(const char *tz, int *offset_secs);

#endif
