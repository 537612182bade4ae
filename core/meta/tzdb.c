/* meta/tzdb.c: reading TZif files (RFC 8536, versions 1-4) for the offset in force at an instant: the transition
 * table, then the POSIX TZ rule of the footer for instants past it. One read per lookup, nothing kept.
 * Which zone a page means is meta/'s business; this only answers offsets. */
#include "meta/tzdb.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZIF_MAX (256 * 1024)   /* the largest zone file in tzdata is under 5 KiB */

int mw_tzdb_valid_name(const char *name)
{
    if (!name || !*name || *name == '/' || strlen(name) > 64 || strstr(name, ".."))
        return 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '+' || c == '/'))
            return 0;
    }
    return 1;
}

/* The zone's file, malloc'd, or NULL. */
static unsigned char *read_zone(const char *name, size_t *n)
{
    if (!mw_tzdb_valid_name(name))
        return NULL;
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    size_t dl = strlen(dir), nl = strlen(name);
    char *path = malloc(dl + nl + 2);
    if (!path)
        return NULL;
    memcpy(path, dir, dl);
    path[dl] = '/';
    memcpy(path + dl + 1, name, nl + 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 44 && st.st_size <= TZIF_MAX &&
        (buf = malloc((size_t)st.st_size)) != NULL) {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got != (size_t)st.st_size) {
            free(buf);
            buf = NULL;
        }
        *n = got;
    }
    close(fd);
    return buf;
}

static int64_t be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    if (bytes == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* ---- the POSIX TZ rule of the footer: "CET-1CEST,M3.5.0,M10.5.0/3" ----------------------------------------- */

struct prule {
    int std, dst;          /* offsets east */
    int has_dst;
    int sm, sw, sd, stime; /* start: month, week (5 = last), weekday, seconds after local midnight */
    int em, ew, ed, etime;
};

static const char *p_name(const char *s)
{
    if (*s == '<') {
        const char *e = strchr(s, '>');
        return e ? e + 1 : NULL;
    }
    const char *b = s;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] -> seconds; NULL when absent. */
static const char *p_time(const char *s, int *secs)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return NULL;
    int v[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (k && *s != ':')
            break;
        if (k)
            s++;
        if (*s < '0' || *s > '9')
            return NULL;
        while (*s >= '0' && *s <= '9')
            v[k] = v[k] * 10 + (*s++ - '0');
    }
    *secs = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    return s;
}

static const char *p_date(const char *s, int *m, int *w, int *d, int *t)
{
    if (*s++ != 'M')
        return NULL;   /* Jn and n forms: no zone in tzdata uses them */
    char *e;
    *m = (int)strtol(s, &e, 10);
    if (*e++ != '.')
        return NULL;
    *w = (int)strtol(e, &e, 10);
    if (*e++ != '.')
        return NULL;
    *d = (int)strtol(e, &e, 10);
    *t = 7200;
    if (*m < 1 || *m > 12 || *w < 1 || *w > 5 || *d < 0 || *d > 6)
        return NULL;
    if (*e == '/')
        return p_time(e + 1, t);
    return e;
}

static int parse_rule(const char *s, struct prule *r)
{
    memset(r, 0, sizeof *r);
    int v;
    if (!(s = p_name(s)) || !(s = p_time(s, &v)))
        return -1;
    r->std = -v;   /* POSIX counts hours west */
    if (!*s || *s == '\n')
        return 0;
    if (!(s = p_name(s)))
        return -1;
    r->has_dst = 1;
    r->dst = r->std + 3600;
    if (*s && *s != ',') {
        if (!(s = p_time(s, &v)))
            return -1;
        r->dst = -v;
    }
    if (*s++ != ',' || !(s = p_date(s, &r->sm, &r->sw, &r->sd, &r->stime)) || *s++ != ',' ||
        !(s = p_date(s, &r->em, &r->ew, &r->ed, &r->etime)))
        return -1;
    return 0;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int year_of(int64_t t)
{
    int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (int)((int64_t)yoe + era * 400 + (m <= 2));
}

/* Day number of the w-th (5 = last) weekday d of month m in year y. */
static int64_t mday(int y, int m, int w, int d)
{
    static const unsigned char dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = dm[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    int64_t first = days_from_civil(y, m, 1);
    int wd = (int)(((first % 7) + 11) % 7);   /* 0 = Sunday; 1970-01-01 was a Thursday */
    int day = 1 + (d - wd + 7) % 7 + 7 * (w - 1);
    while (day > len)
        day -= 7;
    return first + day - 1;
}

static int rule_offset(const struct prule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std;
    int y = year_of(t + r->std);
    int64_t start = mday(y, r->sm, r->sw, r->sd) * 86400 + r->stime - r->std;
    int64_t end = mday(y, r->em, r->ew, r->ed) * 86400 + r->etime - r->dst;
    int in = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return in ? r->dst : r->std;
}

/* ---- the TZif file ------------------------------------------------------------------------------------- */

struct tzif {
    const unsigned char *times, *idx, *types;
    int timecnt, typecnt, tsize;
    const char *footer;   /* NUL-terminated copy's start in the caller's buffer, or NULL */
};

static int tzif_open(unsigned char *b, size_t n, struct tzif *z)
{
    if (n < 44 || memcmp(b, "TZif", 4))
        return -1;
    size_t o = 0;
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (o + 44 > n || memcmp(b + o, "TZif", 4))
            return -1;
        int64_t isut = be(b + o + 20, 4), isstd = be(b + o + 24, 4), leap = be(b + o + 28, 4),
                tc = be(b + o + 32, 4), ty = be(b + o + 36, 4), ch = be(b + o + 40, 4);
        if (isut < 0 || isstd < 0 || leap < 0 || tc < 0 || ty <= 0 || ty > 256 || ch < 0 || tc > 100000)
            return -1;
        size_t data = o + 44;
        size_t len = (size_t)(tc * tsize + tc + ty * 6 + ch + leap * (tsize + 4) + isstd + isut);
        if (data + len > n)
            return -1;
        z->times = b + data;
        z->idx = z->times + tc * tsize;
        z->types = z->idx + tc;
        z->timecnt = (int)tc;
        z->typecnt = (int)ty;
        z->tsize = tsize;
        z->footer = NULL;
        for (int i = 0; i < tc; i++)
            if (z->idx[i] >= ty)
                return -1;
        if (b[4] < '2' || pass == 1) {
            size_t f = data + len;
            if (pass == 1 && f + 1 < n && b[f] == '\n') {
                unsigned char *nl = memchr(b + f + 1, '\n', n - f - 1);
                if (nl) {
                    *nl = 0;
                    z->footer = (const char *)b + f + 1;
                }
            }
            return 0;
        }
        o = data + len;   /* version 2+: the 64-bit block follows the 32-bit one */
        tsize = 8;
    }
    return -1;
}

static int type_off(const struct tzif *z, int i) { return (int)be(z->types + 6 * i, 4); }
static int type_dst(const struct tzif *z, int i) { return z->types[6 * i + 4]; }

static int tzif_offset(const struct tzif *z, int64_t t)
{
    struct prule r;
    if (z->timecnt == 0 || t < be(z->times, z->tsize)) {
        if (z->timecnt == 0 && z->footer && *z->footer && !parse_rule(z->footer, &r))
            return rule_offset(&r, t);
        for (int i = 0; i < z->typecnt; i++)
            if (!type_dst(z, i))
                return type_off(z, i);
        return type_off(z, 0);
    }
    int lo = 0, hi = z->timecnt - 1;   /* the last transition at or before t */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (be(z->times + (size_t)mid * z->tsize, z->tsize) <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    if (lo == z->timecnt - 1 && z->footer && *z->footer && !parse_rule(z->footer, &r))
        return rule_offset(&r, t);
    return type_off(z, z->idx[lo]);
}

int mw_tzdb_offset(const char *name, int64_t t, int *off)
{
    size_t n = 0;
    unsigned char *b = read_zone(name, &n);
    struct tzif z;
    int rc = -1;
    if (b && !tzif_open(b, n, &z)) {
        *off = tzif_offset(&z, t);
        rc = 0;
    }
    free(b);
    return rc;
}

int mw_tzdb_local_offset(const char *name, int64_t wall, int *off)
{
    size_t n = 0;
    unsigned char *b = read_zone(name, &n);
    struct tzif z;
    int rc = -1;
    if (b && !tzif_open(b, n, &z)) {
        /* the offset o with offset_at(wall - o) == o; two candidates around a change */
        int before = tzif_offset(&z, wall - 86400), after = tzif_offset(&z, wall + 86400);
        int a = tzif_offset(&z, wall - before), c = tzif_offset(&z, wall - after);
        if (a == before)
            *off = before;        /* valid under the earlier offset (in an overlap: the earlier) */
        else if (c == after)
            *off = after;
        else
            *off = before;        /* in a gap: read with the offset before the change */
        rc = 0;
    }
    free(b);
    return rc;
}

int mw_tzdb_std_offset(const char *name, int *off)
{
    size_t n = 0;
    unsigned char *b = read_zone(name, &n);
    struct tzif z;
    int rc = -1;
    if (b && !tzif_open(b, n, &z)) {
        struct prule r;
        if (z.footer && *z.footer && !parse_rule(z.footer, &r)) {
            *off = r.std;
            rc = 0;
        } else {
            for (int i = z.timecnt - 1; i >= 0 && rc; i--)
                if (!type_dst(&z, z.idx[i])) {
                    *off = type_off(&z, z.idx[i]);
                    rc = 0;
                }
            if (rc) {
                *off = type_off(&z, 0);
                rc = 0;
            }
        }
    }
    free(b);
    return rc;
}
