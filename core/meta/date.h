/* meta/date.h: dates in many shapes and languages -> ISO 8601. No I/O, no global state. */
#ifndef MW_DATE_H
#define MW_DATE_H

#include "common/err.h"

struct mw_date_opts {
    const char *lang;  /* hint "en", "ru", "tr", "es", "fr", "de", "ar", ...; NULL = try all */
    const char *tz;    /* zone for strings that carry none: "+03:00", "Z", "UTC", "MSK", or a tz database name
                          ("Europe/Berlin": offsets and summer time from the system's tzdata); NULL = leave out */
    const char *format;/* optional explicit format: "unix", "unix_ms", "dmy", "mdy", "iso", or a strptime-like
                          pattern "%d.%m.%Y %H:%M"; NULL = detect */
};

#define MW_DATE_MAX 40
/* Writes "2020-01-14T12:05:00+03:00"; "2020-01-14T12:05:00" when no zone is stated or given; "2020-01-14" for a
 * date without a time of day, whatever zone is given (no midnight is invented). A time the string marks as GMT/UTC
 * ("GMT 17:27", "17:27 UTC") stays UTC whatever opts->tz says. Relative dates ("3 hours ago") are refused here:
 * mw_date_relative. 0 or MW_EPARSE (err stage "date"). opts may be NULL. */
int mw_date_parse(const char *s, const struct mw_date_opts *opts, char out[MW_DATE_MAX], struct mw_err *err);

/* A relative date as pages print it ("3 hours ago", "vor 2 Tagen", "il y a 5 minutes", "2 часа назад",
 * "منذ 3 ساعات", "3時間前", "yesterday, 12:05") resolved against now (seconds since 1970, UTC; the fetch time).
 * Writes an instant in UTC for seconds, minutes and hours; a date for days, weeks, months and years (the day where
 * opts->tz says the page is, else UTC's); for "yesterday 12:05" that day at that wall clock, with opts->tz's zone
 * if given. 0, or MW_EPARSE when s states no relative date. opts may be NULL. */
int mw_date_relative(const char *s, const struct mw_date_opts *opts, double now, char out[MW_DATE_MAX],
                     struct mw_err *err);

/* Parse an ISO string as written above into seconds since the epoch; *has_zone tells whether it had one
 * (without one the wall clock is read as UTC). 0 or MW_EPARSE. */
int mw_date_epoch(const char *iso, double *secs, int *has_zone);

/* Parse a zone "+03:00", "+0300", "Z", "UTC", "GMT", "MSK", "CET", "Africa/Cairo", ... into seconds east of UTC
 * (a zone with summer time: its standard offset). 0 or MW_EPARSE. */
int mw_date_zone(const char *tz, int *offset_secs);

#endif
