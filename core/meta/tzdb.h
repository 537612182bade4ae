/* meta/tzdb.h: UTC offsets of named zones ("Europe/Berlin", "Africa/Cairo") read from the system's tz database
 * (TZif files under $TZDIR, else /usr/share/zoneinfo; Debian's tzdata). Every lookup reads the zone's file:
 * no cache, no global state, safe from any thread. Parsing dates is meta/date.c. */
#ifndef MW_TZDB_H
#define MW_TZDB_H

#include <stdint.h>

/* 1 when name is shaped like a tz database name (letters, digits, "_", "-", "+", "/"; no "..", no leading
 * "/"), so it can name a file under the database directory. */
int mw_tzdb_valid_name(const char *name);

/* The offset (seconds east of UTC) in force at the UTC instant t. 0, or -1 when the zone is unknown or its file
 * unreadable. Past the file's last transition the zone's POSIX rule (the TZif footer) decides. */
int mw_tzdb_offset(const char *name, int64_t t, int *off);

/* The offset for a wall clock in the zone (seconds since 1970 as if the wall clock were UTC). In a spring-forward
 * gap the offset before the change, in a fall-back overlap the earlier (summer) one. 0 or -1. */
int mw_tzdb_local_offset(const char *name, int64_t wall, int *off);

/* The zone's standard (winter) offset under its latest rule. 0 or -1. */
int mw_tzdb_std_offset(const char *name, int *off);

#endif
