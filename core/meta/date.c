/* meta/date.c: one date string as news pages print it (ISO 8601, RFC 2822, unix, numeric and worded dates in
 * about a dozen languages, relative ones against a given time) -> ISO 8601. Finding that string in a page is meta/
 * and the rules' job. Zones are offsets, abbreviations (which mean what they say: "CET" is +01:00 in July too) and
 * tz database names, whose offsets and summer time come from the system's tzdata (meta/tzdb.c). */
#include "meta/date.h"
#include "meta/tzdb.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define NORM_MAX 512   /* longer strings are cut at a space: the date a page prints comes first */
#define TOK_MAX 128

/* ---- dates and zones ------------------------------------------------------------------------------------ */

/* Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian, day 0 = 1970-01-01. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int64_t floordiv(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int days_in_month(int y, int m)
{
    static const unsigned char dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

struct zone {
    int std;          /* seconds east of UTC: the offset, or a named zone's standard one */
    char name[68];    /* a tz database name ("Europe/Berlin") whose rules decide, or "" for a fixed offset */
};

/* The offset in force at a UTC instant. */
static int zone_at_utc(const struct zone *z, int64_t utc)
{
    int off;
    if (z->name[0] && !mw_tzdb_offset(z->name, utc, &off))
        return off;
    return z->std;
}

/* The offset of a wall clock in the zone (seconds since 1970 as if it were UTC). */
static int zone_at_wall(const struct zone *z, int64_t wall)
{
    int off;
    if (z->name[0] && !mw_tzdb_local_offset(z->name, wall, &off))
        return off;
    return z->std;
}

struct zname {
    const char *name;  /* as normalised: lower case */
    unsigned char len;
    short min;         /* offset, minutes east */
    const char *tz;    /* a tz database zone whose rules it follows ("ET" is New York's time), or NULL */
    unsigned char flags;
};
#define ZF_CAPS 1   /* in running text only in capitals: "ET", "IST" are also words */
#define ZF_BASE 2   /* may carry an offset: "GMT+3", "UTC+03:00" */

#define Z(name, min, flags) {name, sizeof name - 1, min, NULL, flags}
#define ZT(name, tz, flags) {name, sizeof name - 1, 0, tz, flags}
/* Abbreviations mean what they say ("CET" stays +01:00 in July); the generic US names (ET, CT, MT, PT) follow
 * their cities' rules. CST is the US one, IST the Indian one. Names such as "Europe/Berlin" are not listed:
 * they are read from the tz database. */
static const struct zname zones[] = {
    Z("z", 0, 0), Z("utc", 0, ZF_BASE), Z("gmt", 0, ZF_BASE), Z("ut", 0, ZF_BASE | ZF_CAPS), Z("мск", 180, 0),
    Z("wet", 0, ZF_CAPS), Z("west", 60, ZF_CAPS), Z("bst", 60, ZF_CAPS), Z("cet", 60, ZF_CAPS),
    Z("mez", 60, ZF_CAPS), Z("cest", 120, ZF_CAPS), Z("mesz", 120, ZF_CAPS), Z("eet", 120, ZF_CAPS),
    Z("eest", 180, ZF_CAPS), Z("msk", 180, ZF_CAPS), Z("trt", 180, ZF_CAPS), Z("tsi", 180, ZF_CAPS),
    Z("ist", 330, ZF_CAPS), Z("pkt", 300, ZF_CAPS), Z("hkt", 480, ZF_CAPS), Z("sgt", 480, ZF_CAPS),
    Z("jst", 540, ZF_CAPS), Z("kst", 540, ZF_CAPS), Z("awst", 480, ZF_CAPS), Z("acst", 570, ZF_CAPS),
    Z("aest", 600, ZF_CAPS), Z("aedt", 660, ZF_CAPS), Z("nzst", 720, ZF_CAPS), Z("nzdt", 780, ZF_CAPS),
    Z("est", -300, ZF_CAPS), Z("edt", -240, ZF_CAPS), Z("cst", -360, ZF_CAPS), Z("cdt", -300, ZF_CAPS),
    Z("mst", -420, ZF_CAPS), Z("mdt", -360, ZF_CAPS), Z("pst", -480, ZF_CAPS), Z("pdt", -420, ZF_CAPS),
    Z("akst", -540, ZF_CAPS), Z("akdt", -480, ZF_CAPS), Z("hst", -600, ZF_CAPS),
    ZT("et", "America/New_York", ZF_CAPS), ZT("ct", "America/Chicago", ZF_CAPS),
    ZT("mt", "America/Denver", ZF_CAPS), ZT("pt", "America/Los_Angeles", ZF_CAPS),
};

#undef ZT
#undef Z


static const struct zname *zone_find(const char *w, size_t n)
{
    for (size_t k = 0; k < sizeof zones / sizeof zones[0]; k++)
        if (zones[k].len == n && memcmp(zones[k].name, w, n) == 0)
            return &zones[k];
    return NULL;
}

static void zone_fixed(struct zone *z, int secs)
{
    z->std = secs;
    z->name[0] = '\0';
}

/* A tz database zone by name: its standard offset and its rules. -1 when the database has no such zone. */
static int zone_named(struct zone *z, const char *name, size_t n)
{
    if (n >= sizeof z->name)
        return -1;
    memcpy(z->name, name, n);
    z->name[n] = '\0';
    if (mw_tzdb_std_offset(z->name, &z->std)) {
        z->name[0] = '\0';
        return -1;
    }
    return 0;
}

static int zone_of(struct zone *z, const struct zname *e)
{
    if (e->tz)
        return zone_named(z, e->tz, strlen(e->tz));
    zone_fixed(z, e->min * 60);
    return 0;
}

/* ---- normalising: one byte string where case, accents, digits and spaces no longer vary ------------------ */

static unsigned utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i], cp, need;
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1F; need = 1; }
    else if (c >= 0xE0 && c <= 0xEF) { cp = c & 0x0F; need = 2; }
    else if (c >= 0xF0 && c <= 0xF4) { cp = c & 0x07; need = 3; }
    else { (*i)++; return 0xFFFD; }
    for (unsigned k = 1; k <= need; k++) {
        if (*i + k >= n || (s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    *i += need + 1;
    return cp;
}

static size_t put_cp(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Latin-1 letters U+00C0..U+00FF without their accents ('*' for the two signs). */
static const char latin1_fold[] = "aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty";

/* Turkish letters and a few more of Latin Extended-A (in these pairs the capital is the even code point): the
 * ASCII letter, or 0 for one not folded. */
static unsigned fold_latin_ext(unsigned cp)
{
    if (cp == 0x011E || cp == 0x011F) return 'g';
    if (cp == 0x0130 || cp == 0x0131) return 'i';
    if (cp >= 0x015A && cp <= 0x0161) return 's';
    if (cp == 0x0106 || cp == 0x0107 || cp == 0x010C || cp == 0x010D) return 'c';
    if (cp <= 0x0105) return 'a';
    if (cp >= 0x0118 && cp <= 0x011B) return 'e';
    if (cp == 0x016E || cp == 0x016F) return 'u';
    return 0;
}

/* One non-ASCII code point as normalize() writes it; *u set for a capital. UINT_MAX: dropped. */
static unsigned fold_cp(unsigned cp, int *u)
{
    *u = 0;
    if (cp >= 0xC0 && cp <= 0xFF) {
        *u = cp <= 0xDE && cp != 0xD7;
        return latin1_fold[cp - 0xC0] == '*' ? ' ' : (unsigned char)latin1_fold[cp - 0xC0];
    }
    if (cp == 0xAA || cp == 0xBA)
        return 'o';                                    /* ordinal indicators: "1º de enero" */
    if (cp == 0xA0 || cp == 0xB7 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
        cp == 0x3000 || cp == 0xFFFD)
        return ' ';
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || cp == 0x2060 || cp == 0xFEFF ||
        cp == 0x061C || cp == 0x0640 || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670)
        return UINT_MAX;                               /* direction marks, tatweel, harakat */
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
        return '-';
    if (cp == 0x060C)
        return ',';
    if (cp == 0x066B)
        return '.';
    if (cp >= 0x0660 && cp <= 0x0669)
        return '0' + (cp - 0x0660);
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return '0' + (cp - 0x06F0);
    if (cp >= 0x0100 && cp <= 0x0177) {
        unsigned f = fold_latin_ext(cp);
        *u = f && !(cp & 1);
        return f ? f : cp;
    }
    if (cp >= 0x0410 && cp <= 0x042F) { *u = 1; return cp + 0x20; }
    if (cp >= 0x0400 && cp <= 0x040F) { *u = 1; return cp + 0x50; }
    if (cp == 0x0490) { *u = 1; return 0x0491; }
    if (cp == 0x0622 || cp == 0x0623 || cp == 0x0625 || cp == 0x0671)
        return 0x0627;                                 /* alef forms */
    if (cp == 0x06CC)
        return 0x064A;                                 /* Persian yeh, keheh as Arabic */
    if (cp == 0x06A9)
        return 0x0643;
    return cp;
}

/* Lower case (Latin, Turkish I, Cyrillic), accents off Latin letters, Arabic alef forms and Persian letters
 * unified, Arabic-Indic digits to ASCII, Unicode spaces and dashes to ASCII. up[] marks bytes of capitals.
 * The output is never longer than the input. */
static size_t normalize(const char *in, size_t n, char *out, unsigned char *up, size_t cap)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;
    while (i < n && o + 5 < cap) {
        if (s[i] < 0x80) {                         /* most dates are ASCII: the short way */
            unsigned char b = s[i++];
            up[o] = b >= 'A' && b <= 'Z';
            out[o] = (char)(up[o] ? b + 32 : (b < 0x20 || b == 0x7F) ? ' ' : b);
            o++;
            continue;
        }
        int u;
        unsigned cp = fold_cp(utf8_next(s, n, &i), &u);
        if (cp == UINT_MAX)
            continue;
        size_t k = put_cp(out + o, cp);
        memset(up + o, u, k);
        o += k;
    }
    if (i < n)                                     /* cut: never end inside a word or a number */
        while (o > 0 && out[o - 1] != ' ')
            o--;
    out[o] = '\0';
    return o;
}

/* ---- month names ---------------------------------------------------------------------------------------- */

/* Which languages' tables a lang hint leaves on (lang_mask). */
enum { L_EN = 1, L_ES = 2, L_PT = 4, L_IT = 8, L_FR = 16, L_DE = 32, L_TR = 64, L_CY = 128, L_AR = 256 };
#define L_ALL 0x1FF

struct mname {
    const char *s;          /* normalised: lower case, no accents, Arabic alef unified */
    unsigned char len;      /* bytes of s: most rows are skipped on it without touching s */
    unsigned char mon;
    unsigned short langs;
};
#define M(s, mon, langs) {s, sizeof s - 1, mon, langs}

#define EN L_EN
#define ES L_ES
#define PT L_PT
#define IT L_IT
#define FR L_FR
#define DE L_DE
#define TR L_TR
#define CY L_CY
#define AR L_AR
static const struct mname months[] = {
    /* sorted by bytes (strcmp order): month_lookup bisects. Latin, then Cyrillic (ru, uk), then Arabic
     * (Egypt and the Gulf, the Maghreb, the Levant, Persian names of the Gregorian months spelt with the
     * Arabic yeh and kaf normalize() leaves); كانون and تشرين take two words, see month_word. */
    M("abr", 4, ES | PT), M("abril", 4, ES | PT), M("ago", 8, ES | PT | IT), M("agosto", 8, ES | PT | IT),
    M("agu", 8, TR), M("agustos", 8, TR), M("aout", 8, FR), M("apr", 4, EN | IT | DE), M("april", 4, EN | DE),
    M("aprile", 4, IT), M("ara", 12, TR), M("aralik", 12, TR), M("aug", 8, EN | DE), M("august", 8, EN | DE),
    M("avr", 4, FR), M("avril", 4, FR), M("dec", 12, EN | FR), M("december", 12, EN), M("decembre", 12, FR),
    M("dez", 12, PT | DE), M("dezember", 12, DE), M("dezembro", 12, PT), M("dic", 12, ES | IT),
    M("dicembre", 12, IT), M("diciembre", 12, ES), M("eki", 10, TR), M("ekim", 10, TR), M("ene", 1, ES),
    M("enero", 1, ES), M("eyl", 9, TR), M("eylul", 9, TR), M("feb", 2, EN | ES | IT | DE), M("febbraio", 2, IT),
    M("feber", 2, DE), M("febr", 2, EN | DE), M("febrero", 2, ES), M("februar", 2, DE), M("february", 2, EN),
    M("fev", 2, PT | FR), M("fevereiro", 2, PT), M("fevr", 2, FR), M("fevrier", 2, FR), M("gen", 1, IT),
    M("gennaio", 1, IT), M("giu", 6, IT), M("giugno", 6, IT), M("haz", 6, TR), M("haziran", 6, TR),
    M("jan", 1, EN | PT | FR | DE), M("janeiro", 1, PT), M("janner", 1, DE), M("januar", 1, DE),
    M("january", 1, EN), M("janv", 1, FR), M("janvier", 1, FR), M("juil", 7, FR), M("juillet", 7, FR),
    M("juin", 6, FR), M("jul", 7, EN | ES | PT | DE), M("julho", 7, PT), M("juli", 7, DE), M("julio", 7, ES),
    M("july", 7, EN), M("jun", 6, EN | ES | PT | DE), M("june", 6, EN), M("junho", 6, PT), M("juni", 6, DE),
    M("junio", 6, ES), M("kas", 11, TR), M("kasim", 11, TR), M("lug", 7, IT), M("luglio", 7, IT), M("maerz", 3, DE),
    M("mag", 5, IT), M("maggio", 5, IT), M("mai", 5, PT | FR | DE), M("maio", 5, PT),
    M("mar", 3, EN | ES | PT | IT | FR | TR), M("march", 3, EN), M("marco", 3, PT), M("mars", 3, FR),
    M("mart", 3, TR), M("marz", 3, DE), M("marzo", 3, ES | IT), M("may", 5, EN | ES | TR), M("mayis", 5, TR),
    M("mayo", 5, ES), M("mrz", 3, DE), M("nis", 4, TR), M("nisan", 4, TR),
    M("nov", 11, EN | ES | PT | IT | FR | DE), M("november", 11, EN | DE), M("novembre", 11, IT | FR),
    M("novembro", 11, PT), M("noviembre", 11, ES), M("oca", 1, TR), M("ocak", 1, TR), M("oct", 10, EN | ES | FR),
    M("october", 10, EN), M("octobre", 10, FR), M("octubre", 10, ES), M("okt", 10, DE), M("oktober", 10, DE),
    M("ott", 10, IT), M("ottobre", 10, IT), M("out", 10, PT), M("outubro", 10, PT), M("sep", 9, EN | ES | FR | DE),
    M("sept", 9, EN | ES | FR | DE), M("september", 9, EN | DE), M("septembre", 9, FR), M("septiembre", 9, ES),
    M("set", 9, ES | PT | IT), M("setembro", 9, PT), M("setiembre", 9, ES), M("settembre", 9, IT), M("sub", 2, TR),
    M("subat", 2, TR), M("tem", 7, TR), M("temmuz", 7, TR), M("авг", 8, CY), M("август", 8, CY),
    M("августа", 8, CY), M("апр", 4, CY), M("апрель", 4, CY), M("апреля", 4, CY), M("бер", 3, CY),
    M("березень", 3, CY), M("березня", 3, CY), M("вер", 9, CY), M("вересень", 9, CY), M("вересня", 9, CY),
    M("гру", 12, CY), M("груд", 12, CY), M("грудень", 12, CY), M("грудня", 12, CY), M("дек", 12, CY),
    M("декабрь", 12, CY), M("декабря", 12, CY), M("жов", 10, CY), M("жовт", 10, CY), M("жовтень", 10, CY),
    M("жовтня", 10, CY), M("июл", 7, CY), M("июль", 7, CY), M("июля", 7, CY), M("июн", 6, CY), M("июнь", 6, CY),
    M("июня", 6, CY), M("кві", 4, CY), M("квіт", 4, CY), M("квітень", 4, CY), M("квітня", 4, CY), M("лип", 7, CY),
    M("липень", 7, CY), M("липня", 7, CY), M("лис", 11, CY), M("лист", 11, CY), M("листопад", 11, CY),
    M("листопада", 11, CY), M("лют", 2, CY), M("лютий", 2, CY), M("лютого", 2, CY), M("май", 5, CY),
    M("мар", 3, CY), M("март", 3, CY), M("марта", 3, CY), M("мая", 5, CY), M("ноя", 11, CY), M("нояб", 11, CY),
    M("ноябрь", 11, CY), M("ноября", 11, CY), M("окт", 10, CY), M("октябрь", 10, CY), M("октября", 10, CY),
    M("сен", 9, CY), M("сент", 9, CY), M("сентябрь", 9, CY), M("сентября", 9, CY), M("сер", 8, CY),
    M("серп", 8, CY), M("серпень", 8, CY), M("серпня", 8, CY), M("січ", 1, CY), M("січень", 1, CY),
    M("січня", 1, CY), M("тра", 5, CY), M("трав", 5, CY), M("травень", 5, CY), M("травня", 5, CY), M("фев", 2, CY),
    M("февр", 2, CY), M("февраль", 2, CY), M("февраля", 2, CY), M("чер", 6, CY), M("черв", 6, CY),
    M("червень", 6, CY), M("червня", 6, CY), M("янв", 1, CY), M("январь", 1, CY), M("января", 1, CY),
    M("اب", 8, AR), M("ابريل", 4, AR), M("اذار", 3, AR), M("اغسطس", 8, AR), M("افريل", 4, AR), M("اكتبر", 10, AR),
    M("اكتوبر", 10, AR), M("اوت", 8, AR), M("اوريل", 4, AR), M("ايار", 5, AR), M("ايلول", 9, AR), M("تموز", 7, AR),
    M("جانفي", 1, AR), M("جوان", 6, AR), M("جويلية", 7, AR), M("حزيران", 6, AR), M("دجنبر", 12, AR),
    M("دسامبر", 12, AR), M("ديسمبر", 12, AR), M("سبتمبر", 9, AR), M("سپتامبر", 9, AR), M("شباط", 2, AR),
    M("شتنبر", 9, AR), M("غشت", 8, AR), M("فبراير", 2, AR), M("فوريه", 2, AR), M("فيفري", 2, AR), M("مارس", 3, AR),
    M("ماي", 5, AR), M("مايو", 5, AR), M("مه", 5, AR), M("نوامبر", 11, AR), M("نوفمبر", 11, AR), M("نونبر", 11, AR),
    M("نيسان", 4, AR), M("يناير", 1, AR), M("يوليه", 7, AR), M("يوليو", 7, AR), M("يوليوز", 7, AR),
    M("يونيه", 6, AR), M("يونيو", 6, AR), M("ژانويه", 1, AR), M("ژوئن", 6, AR), M("ژوئيه", 7, AR),
};
#undef EN
#undef ES
#undef PT
#undef IT
#undef FR
#undef DE
#undef TR
#undef CY
#undef AR
#undef M

static int month_lookup(const char *w, size_t n, unsigned langs)
{
    size_t lo = 0, hi = sizeof months / sizeof months[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct mname *e = &months[mid];
        int r = memcmp(w, e->s, n < e->len ? n : e->len);
        if (r == 0)
            r = (n > e->len) - (n < e->len);
        if (r == 0)
            return (e->langs & langs) ? e->mon : 0;
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* ---- tokens --------------------------------------------------------------------------------------------- */

enum { T_NUM, T_WORD, T_SYM };

struct tok {
    unsigned char type;
    unsigned char sp;   /* space before it */
    unsigned char up;   /* a word in capitals */
    unsigned char nd;   /* digits of a number (capped at 255) */
    unsigned char mon;  /* the month a word names, 0 for none: looked up once, asked for often */
    unsigned short off, len;
    int64_t val;        /* a number's value, -1 past 18 digits */
};

enum { ORD_DMY, ORD_MDY };

struct cx {
    char s[NORM_MAX];
    unsigned char up[NORM_MAX];
    struct tok t[TOK_MAX];
    int n;
    unsigned langs;    /* month tables allowed */
    int order;         /* ORD_*: 01/02/2020 */
    int de;            /* German text: "am" is a preposition */
};

static int is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static void tokenize(struct cx *c, size_t n)
{
    size_t i = 0;
    int sp = 1;
    c->n = 0;
    while (i < n && c->n < TOK_MAX) {
        unsigned char ch = (unsigned char)c->s[i];
        if (ch == ' ') {
            sp = 1;
            i++;
            continue;
        }
        struct tok *t = &c->t[c->n++];
        t->sp = (unsigned char)sp;
        sp = 0;
        t->off = (unsigned short)i;
        t->up = 0;
        t->nd = 0;
        t->mon = 0;
        t->val = 0;
        size_t j = i;
        if (ch >= '0' && ch <= '9') {
            t->type = T_NUM;
            while (j < n && c->s[j] >= '0' && c->s[j] <= '9') {
                if (j - i < 18)
                    t->val = t->val * 10 + (c->s[j] - '0');
                j++;
            }
            t->nd = (unsigned char)(j - i > 255 ? 255 : j - i);
            if (j - i > 18)
                t->val = -1;
        } else if (is_letter(ch)) {
            t->type = T_WORD;
            int allup = 1;
            while (j < n && is_letter((unsigned char)c->s[j])) {
                allup &= c->up[j];
                j++;
            }
            t->up = (unsigned char)allup;
            t->mon = (unsigned char)month_lookup(c->s + i, j - i, c->langs);
        } else {
            t->type = T_SYM;
            j = i + 1;
        }
        t->len = (unsigned short)(j - i);
        i = j;
    }
}

static int is_sym(const struct cx *c, int i, char ch)
{
    return i < c->n && c->t[i].type == T_SYM && c->s[c->t[i].off] == ch;
}

static int is_num(const struct cx *c, int i, int mind, int maxd)
{
    return i < c->n && c->t[i].type == T_NUM && c->t[i].nd >= mind && c->t[i].nd <= maxd;
}

static int adj(const struct cx *c, int i)   /* token i exists and touches the one before */
{
    return i < c->n && !c->t[i].sp;
}

static int word_is(const struct cx *c, int i, const char *w)
{
    if (i >= c->n || c->t[i].type != T_WORD)
        return 0;
    size_t n = c->t[i].len;
    return strncmp(c->s + c->t[i].off, w, n) == 0 && w[n] == '\0';
}

static int word_in(const struct cx *c, int i, const char *const *list)
{
    for (; *list; list++)
        if (word_is(c, i, *list))
            return 1;
    return 0;
}

/* Month named at token j (Levantine names take two words). Returns the month and sets *end, or 0. */
static int month_word(const struct cx *c, int j, int *end)
{
    static const char *const second[] = {"الثاني", "ثاني", NULL};
    static const char *const first[] = {"الاول", "اول", NULL};
    if (j >= c->n || c->t[j].type != T_WORD)
        return 0;
    if ((c->langs & L_AR) && (word_is(c, j, "كانون") || word_is(c, j, "تشرين"))) {
        int kanun = word_is(c, j, "كانون");
        *end = j + 2;
        if (word_in(c, j + 1, second))
            return kanun ? 1 : 11;
        if (word_in(c, j + 1, first))
            return kanun ? 12 : 10;
        return 0;
    }
    *end = j + 1;
    return c->t[j].mon;
}

/* A month name with its abbreviation dot and an optional second name of the same month:
 * "كانون الثاني/يناير", "شباط (فبراير)". */
static int month_at(const struct cx *c, int j, int *mon)
{
    int e, m = month_word(c, j, &e);
    if (!m)
        return -1;
    j = e;
    if (is_sym(c, j, '.'))
        j++;
    if (is_sym(c, j, '/') || is_sym(c, j, '(')) {
        int paren = is_sym(c, j, '('), e2, m2 = month_word(c, j + 1, &e2);
        if (m2) {
            if (m2 != m)
                return -1;
            j = e2;
            if (is_sym(c, j, '.'))
                j++;
            if (paren && is_sym(c, j, ')'))
                j++;
        }
    }
    *mon = m;
    return j;
}

/* ---- the parse ------------------------------------------------------------------------------------------ */

struct dt {
    int y, mo, d, h, mi, sec;
    int has_date, has_time, has_zone, is_unix;
    struct zone z;
    int64_t epoch;     /* when is_unix */
};

static int skip_fill(const struct cx *c, int j)
{
    static const char *const fill[] = {"de", "del", "of", "the", NULL};
    for (int k = 0; k < 3 && j < c->n; k++) {
        const struct tok *t = &c->t[j];
        char ch = c->s[t->off];
        if (t->type == T_SYM && (ch == ',' || ch == '.' || ch == '-' || ch == '/'))
            j++;
        else if (word_in(c, j, fill))
            j++;
        else
            break;
    }
    return j;
}

static int skip_ord(const struct cx *c, int j)
{
    static const char *const ord[] = {"st", "nd", "rd", "th", "er", "re", "e", "eme", "o", "a", NULL};
    static const char *const ord_ru[] = {"го", "е", NULL};
    if (adj(c, j) && word_in(c, j, ord))
        return j + 1;
    if (is_sym(c, j, '-') && adj(c, j) && adj(c, j + 1) && word_in(c, j + 1, ord_ru))
        return j + 2;
    return j;
}

/* A day of month: one or two digits, not the hour of "12:05". */
static int day_at(const struct cx *c, int j, int *d)
{
    if (!is_num(c, j, 1, 2) || c->t[j].val < 1 || c->t[j].val > 31)
        return -1;
    if (is_sym(c, j + 1, ':') && adj(c, j + 1))
        return -1;
    *d = (int)c->t[j].val;
    return j + 1;
}

/* Four digits, or two ("14 Jan 20") when nothing sticks to them. */
static int year_at(const struct cx *c, int j, int *y)
{
    if (is_num(c, j, 4, 4) && c->t[j].val >= 1000) {
        if (is_sym(c, j + 1, ':') && adj(c, j + 1))
            return -1;
        *y = (int)c->t[j].val;
        return j + 1;
    }
    if (is_num(c, j, 2, 2)) {
        if (is_sym(c, j + 1, ':') && adj(c, j + 1))
            return -1;
        if (adj(c, j + 1) && c->t[j + 1].type == T_SYM && adj(c, j + 2) && c->t[j + 2].type == T_NUM)
            return -1;                               /* "01/2020": part of a longer group of numbers */
        *y = (int)c->t[j].val + (c->t[j].val < 70 ? 2000 : 1900);
        return j + 1;
    }
    return -1;
}

static int check_date(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* "+03:00", "+0300", "+03", "-5" (one digit only after GMT/UTC). Sets seconds east. */
static int offset_tok(const struct cx *c, int j, int *secs, int short_ok)
{
    if (!(is_sym(c, j, '+') || is_sym(c, j, '-')) || !adj(c, j + 1) || c->t[j + 1].type != T_NUM)
        return -1;
    int neg = is_sym(c, j, '-');
    const struct tok *t = &c->t[j + 1];
    int hh, mm = 0, e = j + 2;
    if (t->nd == 4) {
        hh = (int)(t->val / 100);
        mm = (int)(t->val % 100);
    } else if (t->nd == 2 || (t->nd == 1 && short_ok)) {
        hh = (int)t->val;
        if (is_sym(c, e, ':') && adj(c, e) && is_num(c, e + 1, 2, 2) && adj(c, e + 1)) {
            mm = (int)c->t[e + 1].val;
            e += 2;
        }
    } else {
        return -1;
    }
    if (hh > 18 || mm > 59)
        return -1;
    *secs = (neg ? -1 : 1) * (hh * 3600 + mm * 60);
    return e;
}

/* The zone written after a time: "Z", "+03:00", "GMT", "(GMT+3)", "UTC+03:00", "EST", "ET". */
static int zone_tok(const struct cx *c, int j, struct zone *z)
{
    int paren = is_sym(c, j, '(');
    j += paren;
    if (j >= c->n)
        return -1;
    int secs;
    if (c->t[j].type == T_WORD) {
        const struct zname *e = zone_find(c->s + c->t[j].off, c->t[j].len);
        if (!e || ((e->flags & ZF_CAPS) && !c->t[j].up) || zone_of(z, e))
            return -1;
        j++;
        if (e->flags & ZF_BASE) {
            int k = offset_tok(c, j, &secs, 1);
            if (k > 0) {
                zone_fixed(z, secs);
                j = k;
            }
        }
    } else {
        int k = offset_tok(c, j, &secs, 0);
        if (k < 0)
            return -1;
        zone_fixed(z, secs);
        j = k;
    }
    if (paren && is_sym(c, j, ')'))
        j++;
    return j;
}

/* AM/PM after a time: 1 am, 2 pm, 0 none. */
static int meridiem(const struct cx *c, int j, int *end)
{
    static const char *const am_ar[] = {"ص", "صباحا", "صباح", NULL};
    static const char *const pm_ar[] = {"م", "مساء", "مساءا", NULL};
    if (j >= c->n || c->t[j].type != T_WORD)
        return 0;
    if (word_is(c, j, "am") || word_is(c, j, "pm")) {
        int pm = c->s[c->t[j].off] == 'p';
        /* German "um 12:05 am 14. Januar": "am" is "on the" */
        if (!pm && (c->de || (!c->t[j].up && j + 1 < c->n && c->t[j + 1].type == T_NUM)))
            return 0;
        *end = j + 1;
        return pm ? 2 : 1;
    }
    if ((word_is(c, j, "a") || word_is(c, j, "p")) && is_sym(c, j + 1, '.') && word_is(c, j + 2, "m")) {
        int pm = c->s[c->t[j].off] == 'p';
        *end = j + 3 + is_sym(c, j + 3, '.');
        return pm ? 2 : 1;
    }
    if (word_in(c, j, am_ar)) { *end = j + 1; return 1; }
    if (word_in(c, j, pm_ar)) { *end = j + 1; return 2; }
    return 0;
}

/* A time of day at token i: "12:05", "12:05:00.493", "12h05", after a date also "12.05".
 * Returns the end, -1 when there is none, -2 when it is time-shaped but impossible ("25:00"). */
static int time_at(const struct cx *c, int i, struct dt *d, int dot_ok)
{
    if (!is_num(c, i, 1, 2))
        return -1;
    int h = (int)c->t[i].val, mi, sec = 0, j;
    if (is_sym(c, i + 1, ':') && adj(c, i + 1) && is_num(c, i + 2, 2, 2) && adj(c, i + 2)) {
        mi = (int)c->t[i + 2].val;
        j = i + 3;
        if (is_sym(c, j, ':') && adj(c, j) && is_num(c, j + 1, 2, 2) && adj(c, j + 1)) {
            sec = (int)c->t[j + 1].val;
            j += 2;
            /* fractions: ".493", ",493", and ":684" as some CMSs write milliseconds */
            if ((is_sym(c, j, '.') || is_sym(c, j, ',') || (is_sym(c, j, ':') && is_num(c, j + 1, 3, 3))) &&
                adj(c, j) && is_num(c, j + 1, 1, 255) && adj(c, j + 1))
                j += 2;
        }
    } else if (word_is(c, i + 1, "h") && is_num(c, i + 2, 2, 2)) {
        mi = (int)c->t[i + 2].val;
        j = i + 3;
    } else if (dot_ok && is_sym(c, i + 1, '.') && adj(c, i + 1) && is_num(c, i + 2, 2, 2) && adj(c, i + 2)
               && !(is_sym(c, i + 3, '.') && adj(c, i + 3) && adj(c, i + 4) && c->t[i + 4].type == T_NUM)) {
        mi = (int)c->t[i + 2].val;
        j = i + 3;
    } else {
        return -1;
    }
    int e, mer = meridiem(c, j, &e);
    if (mer) {
        j = e;
        if (h == 0 && mer == 2)
            return -2;
        if (h > 12 && mer == 1)
            return -2;
        if (mer == 2 && h < 12)
            h += 12;
        else if (mer == 1 && h == 12)
            h = 0;
    }
    if (h > 23 || mi > 59 || sec > 59)
        return -2;
    d->h = h;
    d->mi = mi;
    d->sec = sec;
    d->has_time = 1;
    return j;
}

/* A time and the zone after it. */
static int time_zone_at(const struct cx *c, int i, struct dt *d, int dot_ok)
{
    static const char *const hour_words[] = {"uhr", "h", "hrs", "hs", NULL};
    int j = time_at(c, i, d, dot_ok);
    if (j < 0)
        return j;
    if (word_in(c, j, hour_words))
        j++;
    struct zone z;
    int k = zone_tok(c, j, &z);
    if (k > 0) {
        d->z = z;
        d->has_zone = 1;
        j = k;
    } else if (i > 0 && c->t[i - 1].type == T_WORD) {
        /* "GMT 17:27", "UTC 09:00": the zone in front of the time */
        const struct zname *e = zone_find(c->s + c->t[i - 1].off, c->t[i - 1].len);
        if (e && (e->flags & ZF_BASE) && !((e->flags & ZF_CAPS) && !c->t[i - 1].up) && !zone_of(&z, e)) {
            d->z = z;
            d->has_zone = 1;
        }
    }
    return j;
}

static int set_date(struct dt *d, int y, int m, int day, int end)
{
    if (!check_date(y, m, day))
        return -2;
    d->y = y;
    d->mo = m;
    d->d = day;
    d->has_date = 1;
    return end;
}

/* "14.01.2020", "01/14/2020", "2020-01-14", "14-01-20": digits and one separator, nothing between. */
static int num_date_at(const struct cx *c, int i, struct dt *d)
{
    if (!is_num(c, i, 1, 4))
        return -1;
    if (!(is_sym(c, i + 1, '.') || is_sym(c, i + 1, '/') || is_sym(c, i + 1, '-')))
        return -1;
    char sep = c->s[c->t[i + 1].off];
    if (!adj(c, i + 1) || !is_num(c, i + 2, 1, 2) || !adj(c, i + 2) || !is_sym(c, i + 3, sep) || !adj(c, i + 3)
        || !adj(c, i + 4) || c->t[i + 4].type != T_NUM)
        return -1;
    if (is_sym(c, i + 5, sep) && adj(c, i + 5) && adj(c, i + 6) && c->t[i + 6].type == T_NUM)
        return -1;                                   /* 1.2.3.4: a version or an address */
    int a = (int)c->t[i].val, b = (int)c->t[i + 2].val, z = (int)c->t[i + 4].val;
    int na = c->t[i].nd, nz = c->t[i + 4].nd;
    if (na == 4 && nz <= 2)
        return set_date(d, a, b, z, i + 5);
    if (na > 2 || !(nz == 4 || nz == 2))
        return -1;
    if (nz == 2) {
        if (is_sym(c, i + 5, ':') && adj(c, i + 5))
            return -1;
        z += z < 70 ? 2000 : 1900;
    }
    int mdy = c->order == ORD_MDY;
    if (a > 12 && b <= 12)
        mdy = 0;
    else if (b > 12 && a <= 12)
        mdy = 1;
    return mdy ? set_date(d, z, a, b, i + 5) : set_date(d, z, b, a, i + 5);
}

/* "06. 01. 2026", "4. 2. 2022": day and month with their dots, spaces after them, a four-digit year (Salzburger
 * Nachrichten, dtb-tennis.de, and the Czech and Slovak way of writing a date). Always day first. */
static int spaced_dot_date_at(const struct cx *c, int i, struct dt *d)
{
    if (!is_num(c, i, 1, 2) || !is_sym(c, i + 1, '.') || !adj(c, i + 1) || !is_num(c, i + 2, 1, 2) ||
        !is_sym(c, i + 3, '.') || !adj(c, i + 3) || !is_num(c, i + 4, 4, 4) || !(c->t[i + 2].sp || c->t[i + 4].sp))
        return -1;
    if (is_sym(c, i + 5, ':') && adj(c, i + 5))
        return -1;
    return set_date(d, (int)c->t[i + 4].val, (int)c->t[i + 2].val, (int)c->t[i].val, i + 5);
}

/* "14 January 2020", "14. Januar 2020", "14 de enero de 2020", "1er janvier 2020", "14 كانون الثاني 2020". */
static int dmy_word_at(const struct cx *c, int i, struct dt *d)
{
    int day, m, y, j = day_at(c, i, &day);
    if (j < 0)
        return -1;
    j = skip_fill(c, skip_ord(c, j));
    if ((j = month_at(c, j, &m)) < 0)
        return -1;
    j = skip_fill(c, j);
    if ((j = year_at(c, j, &y)) < 0)
        return -1;
    return set_date(d, y, m, day, j);
}

/* "January 14, 2020", "Jan. 14th, 2020"; also "Tue Jan 14 12:05:00 +0000 2020" (asctime, Twitter). */
static int mdy_word_at(const struct cx *c, int i, struct dt *d)
{
    int day, m, y, j = month_at(c, i, &m);
    if (j < 0)
        return -1;
    j = skip_fill(c, j);
    if ((j = day_at(c, j, &day)) < 0)
        return -1;
    j = skip_fill(c, skip_ord(c, j));
    int k = year_at(c, j, &y);
    if (k < 0) {
        struct dt t = *d;
        int e = time_zone_at(c, j, &t, 0);
        if (e < 0 || (k = year_at(c, e, &y)) < 0)
            return -1;
        int r = set_date(&t, y, m, day, k);
        if (r > 0)
            *d = t;
        return r;
    }
    return set_date(d, y, m, day, k);
}

/* "2020 Jan 14", "2020-Jan-14". */
static int ymd_word_at(const struct cx *c, int i, struct dt *d)
{
    int day, m, y, j = year_at(c, i, &y);
    if (j < 0 || c->t[i].nd != 4)
        return -1;
    j = skip_fill(c, j);
    if ((j = month_at(c, j, &m)) < 0)
        return -1;
    j = skip_fill(c, j);
    if ((j = day_at(c, j, &day)) < 0)
        return -1;
    return set_date(d, y, m, day, skip_ord(c, j));
}

/* "2020年1月14日" (zh, ja), "2020년 1월 14일" (ko). */
static int cjk_date_at(const struct cx *c, int i, struct dt *d)
{
    static const char *const yw[] = {"年", "년", NULL}, *const mw[] = {"月", "월", NULL},
                             *const dw[] = {"日", "일", NULL};
    if (!is_num(c, i, 4, 4) || !word_in(c, i + 1, yw) || !is_num(c, i + 2, 1, 2) || !word_in(c, i + 3, mw)
        || !is_num(c, i + 4, 1, 2) || !word_in(c, i + 5, dw))
        return -1;
    return set_date(d, (int)c->t[i].val, (int)c->t[i + 2].val, (int)c->t[i + 4].val, i + 6);
}

static int date_at(const struct cx *c, int i, struct dt *d)
{
    int r;
    if ((r = cjk_date_at(c, i, d)) != -1)
        return r;
    if ((r = num_date_at(c, i, d)) != -1)
        return r;
    if ((r = spaced_dot_date_at(c, i, d)) != -1)
        return r;
    if ((r = dmy_word_at(c, i, d)) != -1)
        return r;
    if ((r = mdy_word_at(c, i, d)) != -1)
        return r;
    return ymd_word_at(c, i, d);
}

/* "12.05" is a time only right after the date ("14.01.2020, 12.05 Uhr", "Tue 14 Jan 2020 12.05 GMT"), with
 * at most a comma or a word for "at" between: elsewhere it is as likely a version or a score. */
static int dot_time_ok(const struct cx *c, int date_end, int i)
{
    static const char *const at[] = {"um", "at", "a", "ore", "alle", "saat", "в", "о", "o", "las", NULL};
    if (i - date_end > 2)
        return 0;
    for (int k = date_end; k < i; k++)
        if (c->t[k].type != T_SYM && !word_in(c, k, at))
            return 0;
    return 1;
}

/* The first date in the string, the time next to it (before it, as Sputnik, or after it) and that time's zone.
 * A second date ends the search: "14.01.2020 - Update : 15.01.2020 09:00" is the 14th without a time. */
static int scan(const struct cx *c, struct dt *d)
{
    int date_end = -1;
    for (int i = 0; i < c->n;) {
        int r;
        if (!d->has_time) {
            r = time_zone_at(c, i, d, d->has_date && dot_time_ok(c, date_end, i));
            if (r == -2)
                return -1;
            if (r > 0) {
                i = r;
                if (d->has_date)
                    break;
                continue;
            }
        }
        struct dt t = *d;
        r = date_at(c, i, &t);
        if (r == -2 || (r > 0 && d->has_date)) {
            if (!d->has_date)
                return -1;
            break;
        }
        if (r > 0) {
            *d = t;
            i = date_end = r;
            if (d->has_time)
                break;
            continue;
        }
        i++;
    }
    return d->has_date ? 0 : -1;
}

/* A number alone: 8 digits YYYYMMDD, 12 YYYYMMDDHHMM, 14 YYYYMMDDHHMMSS, 9-10 unix seconds, 13 milliseconds. */
static int digits_only(const struct cx *c, struct dt *d)
{
    const struct tok *t = &c->t[0];
    int64_t v = t->val;
    if (c->n == 3 && (t->nd == 9 || t->nd == 10) && is_sym(c, 1, '.') && adj(c, 1) && adj(c, 2)
        && c->t[2].type == T_NUM) {
        d->is_unix = 1;
        d->epoch = v;
        return 0;
    }
    if (c->n != 1 || t->type != T_NUM)
        return 1;
    switch (t->nd) {
    case 9: case 10:
        d->is_unix = 1;
        d->epoch = v;
        return 0;
    case 13:
        d->is_unix = 1;
        d->epoch = floordiv(v, 1000);
        return 0;
    case 8:
        v *= 1000000;
        break;
    case 12:
        v *= 100;
        break;
    case 14:
        break;
    default:
        return -1;
    }
    d->sec = (int)(v % 100);
    d->mi = (int)(v / 100 % 100);
    d->h = (int)(v / 10000 % 100);
    d->has_time = t->nd > 8;
    if (d->h > 23 || d->mi > 59 || d->sec > 59)
        return -1;
    return set_date(d, (int)(v / 10000000000LL), (int)(v / 100000000 % 100), (int)(v / 1000000 % 100), 1) > 0
               ? 0 : -1;
}

/* format "unix" / "unix_ms": an optional sign, digits, an optional fraction (dropped). */
static int parse_unix(const char *s, int ms, struct dt *d)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    int neg = *s == '-';
    s += neg || *s == '+';
    int64_t v = 0;
    int nd = 0;
    for (; *s >= '0' && *s <= '9'; s++, nd++) {
        if (nd >= 17)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (!nd)
        return -1;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (*s)
        return -1;
    if (neg)
        v = -v;
    d->is_unix = 1;
    d->epoch = ms ? floordiv(v, 1000) : v;
    return 0;
}

/* ---- strptime-like patterns ----------------------------------------------------------------------------- */

struct pat {
    const char *s;     /* the normalised input, advancing */
    unsigned langs;
    int mer;           /* %p: 1 am, 2 pm */
};

static int pat_num(struct pat *p, int mind, int maxd, int *v)
{
    int n = 0;
    *v = 0;
    while (n < maxd && p->s[n] >= '0' && p->s[n] <= '9') {
        if (n < 9)   /* %f may run on for 64 digits: the value keeps the first nine, never overflows */
            *v = *v * 10 + (p->s[n] - '0');
        n++;
    }
    if (n < mind)
        return -1;
    p->s += n;
    return 0;
}

static size_t pat_word(const struct pat *p)
{
    size_t n = 0;
    while (is_letter((unsigned char)p->s[n]))
        n++;
    return n;
}

static int pat_offset(struct pat *p, int *secs)
{
    if (*p->s == 'z') {
        p->s++;
        *secs = 0;
        return 0;
    }
    if (*p->s != '+' && *p->s != '-')
        return -1;
    int neg = *p->s == '-', hh, mm = 0;
    p->s++;
    const char *start = p->s;
    if (pat_num(p, 1, 2, &hh))
        return -1;
    if (*p->s == ':') {
        p->s++;
        if (pat_num(p, 2, 2, &mm))
            return -1;
    } else if (p->s - start == 2 && p->s[0] >= '0' && p->s[0] <= '9') {
        if (pat_num(p, 2, 2, &mm))
            return -1;
    }
    if (hh > 18 || mm > 59)
        return -1;
    *secs = (neg ? -1 : 1) * (hh * 3600 + mm * 60);
    return 0;
}

static int pat_run(struct pat *p, const char *f, struct dt *d);

/* %b %B %h (a month's name, in the page's languages) and %a %A (a weekday's, skipped); a dot may follow */
static int pat_name(struct pat *p, int month, struct dt *d)
{
    size_t n = pat_word(p);
    if (!n || (month && !(d->mo = month_lookup(p->s, n, p->langs))))
        return -1;
    p->s += n;
    p->s += *p->s == '.';
    return 0;
}

/* %p: am, pm, a.m., p.m. */
static int pat_meridiem(struct pat *p)
{
    if ((p->s[0] == 'a' || p->s[0] == 'p') && p->s[1] == 'm') {
        p->mer = p->s[0] == 'a' ? 1 : 2;
        p->s += 2;
    } else if ((p->s[0] == 'a' || p->s[0] == 'p') && p->s[1] == '.' && p->s[2] == 'm') {
        p->mer = p->s[0] == 'a' ? 1 : 2;
        p->s += 3 + (p->s[3] == '.');
    } else {
        return -1;
    }
    return 0;
}

/* %Z: a zone's name; a base zone (GMT, UTC) may carry an offset */
static int pat_zone_name(struct pat *p, struct dt *d)
{
    size_t n = pat_word(p);
    const struct zname *e = n ? zone_find(p->s, n) : NULL;
    if (!e || zone_of(&d->z, e))
        return -1;
    p->s += n;
    d->has_zone = 1;
    int v;
    if ((e->flags & ZF_BASE) && (*p->s == '+' || *p->s == '-')) {
        if (pat_offset(p, &v))
            return -1;
        d->z.std = v;
    }
    return 0;
}

/* %s: seconds since the epoch, at most 17 digits */
static int pat_epoch(struct pat *p, struct dt *d)
{
    int neg = *p->s == '-';
    p->s += neg;
    int64_t e = 0;
    int nd = 0;
    for (; *p->s >= '0' && *p->s <= '9' && nd < 17; p->s++, nd++)
        e = e * 10 + (*p->s - '0');
    if (!nd)
        return -1;
    d->is_unix = 1;
    d->epoch = neg ? -e : e;
    return 0;
}

/* One conversion (the letter after %); -1 when the text does not match it. */
static int pat_conv(struct pat *p, char conv, struct dt *d)
{
    int v, r;
    switch (conv) {
    case 'Y': return pat_num(p, 4, 4, &d->y);
    case 'y': r = pat_num(p, 2, 2, &v); d->y = v + (v < 70 ? 2000 : 1900); return r;
    case 'm': return pat_num(p, 1, 2, &d->mo);
    case 'e': while (*p->s == ' ') p->s++; /* fall through */
    case 'd': return pat_num(p, 1, 2, &d->d);
    case 'H': case 'I': d->has_time = 1; return pat_num(p, 1, 2, &d->h);
    case 'M': d->has_time = 1; return pat_num(p, 1, 2, &d->mi);
    case 'S': return pat_num(p, 1, 2, &d->sec);
    case 'f': return pat_num(p, 1, 64, &v);
    case 'T': return pat_run(p, "%H:%M:%S", d);
    case 'R': return pat_run(p, "%H:%M", d);
    case 'F': return pat_run(p, "%Y-%m-%d", d);
    case 'b': case 'B': case 'h': return pat_name(p, 1, d);
    case 'a': case 'A': return pat_name(p, 0, d);
    case 'p': return pat_meridiem(p);
    case 'z': r = pat_offset(p, &v); zone_fixed(&d->z, v); d->has_zone = 1; return r;
    case 'Z': return pat_zone_name(p, d);
    case 's': return pat_epoch(p, d);
    case '%': return *p->s++ != '%' ? -1 : 0;
    default: return -1;
    }
}

/* A strptime-like pattern: a space matches any run of spaces, a letter its lower case (the text is folded). */
static int pat_run(struct pat *p, const char *f, struct dt *d)
{
    while (*f) {
        if (*f == ' ') {
            while (*p->s == ' ')
                p->s++;
            f++;
        } else if (*f != '%') {
            char want = (*f >= 'A' && *f <= 'Z') ? (char)(*f + 32) : *f;
            if (*p->s != want)
                return -1;
            p->s++;
            f++;
        } else {
            char conv = f[1];
            f += 2;
            if (pat_conv(p, conv, d))
                return -1;
        }
    }
    return 0;
}

static int parse_pattern(const struct cx *c, const char *fmt, struct dt *d)
{
    struct pat p = {c->s, c->langs, 0};
    while (*p.s == ' ')
        p.s++;
    if (pat_run(&p, fmt, d))
        return -1;
    if (d->is_unix)
        return 0;
    if (p.mer) {
        if (d->h < 1 || d->h > 12)
            return -1;
        d->h = d->h % 12 + (p.mer == 2 ? 12 : 0);
    }
    if (d->h > 23 || d->mi > 59 || d->sec > 59)
        return -1;
    return set_date(d, d->y, d->mo, d->d, 1) > 0 ? 0 : -1;
}

/* ---- zones given as strings ----------------------------------------------------------------------------- */

static int str_offset(const char *s, int *secs)
{
    struct pat p = {s, 0, 0};
    if (pat_offset(&p, secs))
        return -1;
    while (*p.s == ' ')
        p.s++;
    return *p.s ? -1 : 0;
}

static int zone_parse(const char *tz, struct zone *z)
{
    char buf[72];
    unsigned char up[72];
    while (*tz == ' ')
        tz++;
    size_t n = strlen(tz);
    while (n > 0 && tz[n - 1] == ' ')
        n--;
    if (n >= sizeof buf - 6)
        return -1;
    if (memchr(tz, '/', n))   /* a tz database name: "Europe/Berlin", "America/Argentina/Buenos_Aires" */
        return zone_named(z, tz, n);
    size_t raw = n;
    normalize(tz, n, buf, up, sizeof buf);
    char *s = buf;
    int secs;
    if (*s == '+' || *s == '-') {
        if (str_offset(s, &secs))
            return -1;
        zone_fixed(z, secs);
        return 0;
    }
    size_t w = 0;
    while (is_letter((unsigned char)s[w]) || s[w] == '_')
        w++;
    if (!w)
        return -1;
    const struct zname *e = zone_find(s, w);
    if (!e)
        return zone_named(z, tz, raw);   /* "Japan", "Egypt", "Singapore": links in the database */
    if (zone_of(z, e))
        return -1;
    s += w;
    while (*s == ' ')
        s++;
    if (!*s)
        return 0;
    if (!(e->flags & ZF_BASE) || str_offset(s, &secs))
        return -1;
    zone_fixed(z, secs);
    return 0;
}

int mw_date_zone(const char *tz, int *offset_secs)
{
    struct zone z;
    if (!tz || zone_parse(tz, &z))
        return MW_EPARSE;
    if (offset_secs)
        *offset_secs = z.std;   /* a zone with summer time answers its standard offset: no date is known */
    return 0;
}

/* ---- output --------------------------------------------------------------------------------------------- */

static char *put2(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static void write_iso(char *out, const struct dt *d, int with_time, int with_zone, int off)
{
    char *p = out;
    p = put2(p, d->y / 100);
    p = put2(p, d->y % 100);
    *p++ = '-';
    p = put2(p, d->mo);
    *p++ = '-';
    p = put2(p, d->d);
    if (with_time) {
        *p++ = 'T';
        p = put2(p, d->h);
        *p++ = ':';
        p = put2(p, d->mi);
        *p++ = ':';
        p = put2(p, d->sec);
    }
    if (with_zone) {
        *p++ = off < 0 ? '-' : '+';
        if (off < 0)
            off = -off;
        p = put2(p, off / 3600);
        *p++ = ':';
        p = put2(p, off / 60 % 60);
    }
    *p = '\0';
}

static int64_t local_secs(const struct dt *d)
{
    return days_from_civil(d->y, d->mo, d->d) * 86400 + d->h * 3600 + d->mi * 60 + d->sec;
}

static int lang_mask(const char *lang)
{
    static const struct { char code[3]; unsigned short bit; } codes[] = {
        {"en", L_EN}, {"es", L_ES}, {"pt", L_PT}, {"it", L_IT}, {"fr", L_FR}, {"de", L_DE}, {"tr", L_TR},
        {"ru", 0}, {"uk", 0}, {"be", 0}, {"ar", 0}, {"fa", 0},
    };
    if (!lang || !lang[0] || !lang[1])
        return L_ALL;
    char l0 = (char)(lang[0] | 0x20), l1 = (char)(lang[1] | 0x20);
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
        if (codes[k].code[0] == l0 && codes[k].code[1] == l1)
            /* Latin-script names of other languages are false friends ("ago", "out", "set"); the
             * Cyrillic and Arabic tables cannot collide with anything and stay on, as English does. */
            return codes[k].bit | L_EN | L_CY | L_AR;
    return L_ALL;
}

/* Bytes of s to quote in a message: at most max, never half a UTF-8 character (records are JSON). */
static int quote_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && s[n])
        n++;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

int mw_date_parse(const char *s, const struct mw_date_opts *opts, char out[MW_DATE_MAX], struct mw_err *err)
{
    if (out)
        out[0] = '\0';
    if (!s || !out)
        return mw_err_set(err, MW_EPARSE, "date", "no date string");
    struct cx c;
    struct dt d;
    memset(&d, 0, sizeof d);
    const char *fmt = opts ? opts->format : NULL;
    const char *lang = opts ? opts->lang : NULL;
    c.langs = (unsigned)lang_mask(lang);
    c.de = lang && (lang[0] | 0x20) == 'd' && (lang[1] | 0x20) == 'e';
    c.order = ORD_DMY;
    size_t n = normalize(s, strlen(s), c.s, c.up, sizeof c.s);
    tokenize(&c, n);
    int rc;
    if (fmt && (!strcmp(fmt, "unix") || !strcmp(fmt, "unix_ms"))) {
        rc = parse_unix(s, fmt[4] == '_', &d);
    } else if (fmt && strchr(fmt, '%')) {
        rc = parse_pattern(&c, fmt, &d);
    } else if (fmt && *fmt && strcmp(fmt, "iso") && strcmp(fmt, "dmy") && strcmp(fmt, "mdy")
               && strcmp(fmt, "auto")) {
        return mw_err_set(err, MW_EPARSE, "date", "unknown date format \"%.*s\"", quote_len(fmt, 40), fmt);
    } else {
        if (fmt && !strcmp(fmt, "mdy"))
            c.order = ORD_MDY;
        if (c.n == 0)
            return mw_err_set(err, MW_EPARSE, "date", "empty date");
        rc = digits_only(&c, &d);
        if (rc > 0)
            rc = scan(&c, &d);
    }
    if (rc)
        return mw_err_set(err, MW_EPARSE, "date", "no date in \"%.*s\"", quote_len(s, 80), s);

    struct zone tz;
    int have_tz = 0;
    if (opts && opts->tz && opts->tz[0]) {
        if (zone_parse(opts->tz, &tz))
            return mw_err_set(err, MW_EPARSE, "date", "unknown zone \"%.*s\"", quote_len(opts->tz, 40),
                              opts->tz);
        have_tz = 1;
    }
    if (d.is_unix) {
        int off = have_tz ? zone_at_utc(&tz, d.epoch) : 0;
        int64_t t = d.epoch + off;
        civil_from_days(floordiv(t, 86400), &d.y, &d.mo, &d.d);
        int64_t r = t - floordiv(t, 86400) * 86400;
        d.h = (int)(r / 3600);
        d.mi = (int)(r / 60 % 60);
        d.sec = (int)(r % 60);
        if (d.y < 1 || d.y > 9999)
            return mw_err_set(err, MW_EPARSE, "date", "time out of range in \"%.*s\"", quote_len(s, 80), s);
        write_iso(out, &d, 1, 1, off);
        return 0;
    }
    if (d.has_zone)
        write_iso(out, &d, 1, 1, zone_at_wall(&d.z, local_secs(&d)));
    else if (have_tz && d.has_time)
        write_iso(out, &d, 1, 1, zone_at_wall(&tz, local_secs(&d)));
    else   /* a date without a time stays a date: no midnight is invented, with or without a zone */
        write_iso(out, &d, d.has_time, 0, 0);
    return 0;
}

/* ---- relative dates ------------------------------------------------------------------------------------- */

enum { U_NONE, U_SEC, U_MIN, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_YEAR };

struct unit_word {
    const char *w;     /* as normalised */
    unsigned char unit;
    unsigned char n;   /* a count the word carries itself ("ساعتين": two hours; CJK "分前" needs a number), 0 none */
};

/* Unit words of about fifteen languages, normalised (lower case, no accents, Arabic alef unified). */
static const struct unit_word units[] = {
    {"second", U_SEC, 0}, {"seconds", U_SEC, 0}, {"sec", U_SEC, 0}, {"secs", U_SEC, 0}, {"sekunde", U_SEC, 0},
    {"sekunden", U_SEC, 0}, {"seconde", U_SEC, 0}, {"secondes", U_SEC, 0}, {"segundo", U_SEC, 0},
    {"segundos", U_SEC, 0}, {"secondi", U_SEC, 0}, {"секунду", U_SEC, 0}, {"секунды", U_SEC, 0},
    {"секунд", U_SEC, 0}, {"saniye", U_SEC, 0}, {"ثانية", U_SEC, 0}, {"ثواني", U_SEC, 0},
    {"minute", U_MIN, 0}, {"minutes", U_MIN, 0}, {"min", U_MIN, 0}, {"mins", U_MIN, 0}, {"minuten", U_MIN, 0},
    {"minuto", U_MIN, 0}, {"minutos", U_MIN, 0}, {"minuti", U_MIN, 0}, {"minut", U_MIN, 0}, {"minuty", U_MIN, 0},
    {"минуту", U_MIN, 0}, {"минуты", U_MIN, 0}, {"минут", U_MIN, 0}, {"хвилину", U_MIN, 0}, {"хвилини", U_MIN, 0},
    {"хвилин", U_MIN, 0}, {"dakika", U_MIN, 0}, {"دقيقة", U_MIN, 0}, {"دقائق", U_MIN, 0}, {"دقيقتين", U_MIN, 2},
    {"hour", U_HOUR, 0}, {"hours", U_HOUR, 0}, {"hr", U_HOUR, 0}, {"hrs", U_HOUR, 0}, {"stunde", U_HOUR, 0},
    {"stunden", U_HOUR, 0}, {"heure", U_HOUR, 0}, {"heures", U_HOUR, 0}, {"hora", U_HOUR, 0}, {"horas", U_HOUR, 0},
    {"ora", U_HOUR, 0}, {"ore", U_HOUR, 0}, {"uur", U_HOUR, 0}, {"godzine", U_HOUR, 0}, {"godziny", U_HOUR, 0},
    {"godzin", U_HOUR, 0}, {"час", U_HOUR, 0}, {"часа", U_HOUR, 0}, {"часов", U_HOUR, 0}, {"годину", U_HOUR, 0},
    {"години", U_HOUR, 0}, {"годин", U_HOUR, 0}, {"saat", U_HOUR, 0}, {"ساعة", U_HOUR, 0}, {"ساعات", U_HOUR, 0},
    {"ساعتين", U_HOUR, 2},
    {"day", U_DAY, 0}, {"days", U_DAY, 0}, {"tag", U_DAY, 0}, {"tagen", U_DAY, 0}, {"tage", U_DAY, 0},
    {"jour", U_DAY, 0}, {"jours", U_DAY, 0}, {"dia", U_DAY, 0}, {"dias", U_DAY, 0}, {"giorno", U_DAY, 0},
    {"giorni", U_DAY, 0}, {"zi", U_DAY, 0}, {"zile", U_DAY, 0}, {"dag", U_DAY, 0}, {"dagen", U_DAY, 0},
    {"dni", U_DAY, 0}, {"день", U_DAY, 0}, {"дня", U_DAY, 0}, {"дней", U_DAY, 0}, {"дні", U_DAY, 0},
    {"днів", U_DAY, 0}, {"gun", U_DAY, 0}, {"يوم", U_DAY, 0}, {"ايام", U_DAY, 0}, {"يومين", U_DAY, 2},
    {"week", U_WEEK, 0}, {"weeks", U_WEEK, 0}, {"woche", U_WEEK, 0}, {"wochen", U_WEEK, 0}, {"semaine", U_WEEK, 0},
    {"semaines", U_WEEK, 0}, {"semana", U_WEEK, 0}, {"semanas", U_WEEK, 0}, {"settimana", U_WEEK, 0},
    {"settimane", U_WEEK, 0}, {"weken", U_WEEK, 0}, {"неделю", U_WEEK, 0}, {"недели", U_WEEK, 0},
    {"недель", U_WEEK, 0}, {"тиждень", U_WEEK, 0}, {"тижні", U_WEEK, 0}, {"тижнів", U_WEEK, 0},
    {"hafta", U_WEEK, 0}, {"اسبوع", U_WEEK, 0}, {"اسابيع", U_WEEK, 0}, {"اسبوعين", U_WEEK, 2},
    {"month", U_MONTH, 0}, {"months", U_MONTH, 0}, {"monat", U_MONTH, 0}, {"monaten", U_MONTH, 0},
    {"monate", U_MONTH, 0}, {"mois", U_MONTH, 0}, {"mes", U_MONTH, 0}, {"meses", U_MONTH, 0}, {"mese", U_MONTH, 0},
    {"mesi", U_MONTH, 0}, {"maand", U_MONTH, 0}, {"maanden", U_MONTH, 0}, {"месяц", U_MONTH, 0},
    {"месяца", U_MONTH, 0}, {"месяцев", U_MONTH, 0}, {"місяць", U_MONTH, 0}, {"місяці", U_MONTH, 0},
    {"місяців", U_MONTH, 0}, {"ay", U_MONTH, 0}, {"شهر", U_MONTH, 0}, {"اشهر", U_MONTH, 0}, {"شهرين", U_MONTH, 2},
    {"year", U_YEAR, 0}, {"years", U_YEAR, 0}, {"jahr", U_YEAR, 0}, {"jahren", U_YEAR, 0}, {"jahre", U_YEAR, 0},
    {"an", U_YEAR, 0}, {"ans", U_YEAR, 0}, {"ano", U_YEAR, 0}, {"anos", U_YEAR, 0}, {"anno", U_YEAR, 0},
    {"anni", U_YEAR, 0}, {"jaar", U_YEAR, 0}, {"jaren", U_YEAR, 0}, {"год", U_YEAR, 0}, {"года", U_YEAR, 0},
    {"лет", U_YEAR, 0}, {"рік", U_YEAR, 0}, {"роки", U_YEAR, 0}, {"років", U_YEAR, 0}, {"yil", U_YEAR, 0},
    {"سنة", U_YEAR, 0}, {"سنوات", U_YEAR, 0}, {"عام", U_YEAR, 0}, {"اعوام", U_YEAR, 0},
    /* Chinese, Japanese, Korean: the number sticks to the unit, "前"/"전" says ago */
    {"秒前", U_SEC, 0}, {"分前", U_MIN, 0}, {"分钟前", U_MIN, 0}, {"分鐘前", U_MIN, 0}, {"時間前", U_HOUR, 0},
    {"小时前", U_HOUR, 0}, {"小時前", U_HOUR, 0}, {"日前", U_DAY, 0}, {"天前", U_DAY, 0}, {"週間前", U_WEEK, 0},
    {"周前", U_WEEK, 0}, {"か月前", U_MONTH, 0}, {"个月前", U_MONTH, 0}, {"年前", U_YEAR, 0},
    {"초", U_SEC, 0}, {"분", U_MIN, 0}, {"시간", U_HOUR, 0}, {"일", U_DAY, 0}, {"주", U_WEEK, 0},
    {"개월", U_MONTH, 0}, {"년", U_YEAR, 0},
};

/* Words that say "ago" before the count ("vor", "il y a", "hace", "منذ", "acum") or after the unit. */
static const char *const ago_before[] = {"vor", "hace", "ha", "منذ", "acum", "desde", NULL};
static const char *const ago_after[] = {"ago", "fa", "назад", "тому", "once", "geleden", "temu", "sedan", "siden",
                                        "전", NULL};
/* Words that stand for one ("an hour ago", "vor einer Stunde", "il y a une heure", "acum o ora"). */
static const char *const one_words[] = {"a", "an", "one", "einer", "einem", "ein", "une", "un", "una", "uno", "um",
                                        "uma", "o", "один", "одну", "одна", "bir", NULL};
static const char *const yesterday[] = {"yesterday", "gestern", "hier", "ayer", "ontem", "ieri", "вчера", "вчора",
                                        "dun", "امس", "gisteren", "wczoraj", "昨天", "昨日", "어제", NULL};
static const char *const today[] = {"today", "heute", "aujourd", "hoy", "hoje", "oggi", "сегодня", "сьогодні",
                                    "bugun", "اليوم", "azi", "astazi", "vandaag", "dzisiaj", "今天", "今日", "오늘", NULL};

static const struct unit_word *unit_at(const struct cx *c, int j)
{
    if (j >= c->n || c->t[j].type != T_WORD)
        return NULL;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (word_is(c, j, units[k].w))
            return &units[k];
    return NULL;
}

/* Finds "<count> <unit>" with an "ago" word around it. Sets *n and *unit; 0 or -1. */
static int rel_count(const struct cx *c, int *n, int *unit)
{
    for (int i = 0; i < c->n; i++) {
        int count = -1, j = i;
        if (c->t[i].type == T_NUM && c->t[i].nd <= 4) {
            count = (int)c->t[i].val;
            j = i + 1;
        } else if (word_in(c, i, one_words)) {
            count = 1;
            j = i + 1;
        } else if (unit_at(c, i) && unit_at(c, i)->n) {
            count = 0;   /* "منذ ساعتين": the unit says the count */
        }
        if (count < 0)
            continue;
        const struct unit_word *u = unit_at(c, j);
        if (!u)
            continue;
        if (u->n)
            count = u->n;
        else if (count == 0)
            continue;
        unsigned char lead = (unsigned char)u->w[0];
        int cjk = lead >= 0xE3 && lead <= 0xE9;   /* kana and ideographs ("分前"); Hangul needs its "전" */
        int ago = cjk || (i > 0 && word_in(c, i - 1, ago_before)) || word_in(c, j + 1, ago_after) ||
                  (i > 2 && word_is(c, i - 1, "a") && word_is(c, i - 2, "y") && word_is(c, i - 3, "il"));
        if (!ago)
            continue;
        *n = count;
        *unit = u->unit;
        return 0;
    }
    return -1;
}

static void put_date(char *out, int64_t days)
{
    struct dt d;
    memset(&d, 0, sizeof d);
    civil_from_days(days, &d.y, &d.mo, &d.d);
    write_iso(out, &d, 0, 0, 0);
}

/* "n units ago" from now (t, seconds; today_n, the page's day): seconds to hours as a UTC time, days and weeks
 * as a day, months and years as the same day that many months back, clamped to the month's length. 0, or -1
 * when that is before year 1. */
static int ago(int n, int unit, int64_t t, int64_t today_n, char out[MW_DATE_MAX])
{
    struct dt d;
    memset(&d, 0, sizeof d);
    if (unit == U_SEC || unit == U_MIN || unit == U_HOUR) {
        int64_t at = t - (int64_t)n * (unit == U_SEC ? 1 : unit == U_MIN ? 60 : 3600);
        civil_from_days(floordiv(at, 86400), &d.y, &d.mo, &d.d);
        int64_t r = at - floordiv(at, 86400) * 86400;
        d.h = (int)(r / 3600);
        d.mi = (int)(r / 60 % 60);
        d.sec = (int)(r % 60);
        write_iso(out, &d, 1, 1, 0);
        return 0;
    }
    if (unit == U_DAY || unit == U_WEEK) {
        put_date(out, today_n - (int64_t)n * (unit == U_DAY ? 1 : 7));
        return 0;
    }
    civil_from_days(today_n, &d.y, &d.mo, &d.d);
    int back = d.y * 12 + (d.mo - 1) - n * (unit == U_YEAR ? 12 : 1);
    int y = back / 12, m = back % 12 + 1;
    if (y < 1)
        return -1;
    int day = d.d > days_in_month(y, m) ? days_in_month(y, m) : d.d;
    put_date(out, days_from_civil(y, m, day));
    return 0;
}

/* "yesterday, 12:05", "heute 09:30": a day named relative to now, with the time printed in the zone the text
 * gives, else the page's (tz, when have_tz). 0, or -1 when no word names such a day. */
static int named_day(struct cx *c, int64_t today_n, const struct zone *tz, int have_tz, char out[MW_DATE_MAX])
{
    for (int i = 0; i < c->n; i++) {
        int back = word_in(c, i, yesterday) ? 1 : word_in(c, i, today) ? 0 : -1;
        if (back < 0)
            continue;
        struct dt d;
        memset(&d, 0, sizeof d);
        civil_from_days(today_n - back, &d.y, &d.mo, &d.d);
        for (int j = i + 1; j < c->n && j < i + 4; j++)
            if (time_zone_at(c, j, &d, 0) > 0)
                break;
        if (!d.has_time)
            write_iso(out, &d, 0, 0, 0);
        else if (d.has_zone)
            write_iso(out, &d, 1, 1, zone_at_wall(&d.z, local_secs(&d)));
        else if (have_tz)
            write_iso(out, &d, 1, 1, zone_at_wall(tz, local_secs(&d)));
        else
            write_iso(out, &d, 1, 0, 0);
        return 0;
    }
    return -1;
}

int mw_date_relative(const char *s, const struct mw_date_opts *opts, double now, char out[MW_DATE_MAX],
                     struct mw_err *err)
{
    if (out)
        out[0] = '\0';
    if (!s || !out)
        return mw_err_set(err, MW_EPARSE, "date", "no date string");
    struct cx c;
    c.langs = L_ALL;
    c.de = 0;
    c.order = ORD_DMY;
    size_t len = normalize(s, strlen(s), c.s, c.up, sizeof c.s);
    tokenize(&c, len);
    struct zone tz;
    int have_tz = opts && opts->tz && opts->tz[0] && !zone_parse(opts->tz, &tz);
    int64_t t = (int64_t)now;
    int64_t local = t + (have_tz ? zone_at_utc(&tz, t) : 0);   /* "yesterday" is a day where the page is */
    int64_t today_n = floordiv(local, 86400);
    int n, unit;
    if (!rel_count(&c, &n, &unit) && !ago(n, unit, t, today_n, out))
        return 0;
    if (!named_day(&c, today_n, &tz, have_tz, out))
        return 0;
    return mw_err_set(err, MW_EPARSE, "date", "no relative date in \"%.*s\"", quote_len(s, 80), s);
}

/* ---- reading our own output back ------------------------------------------------------------------------ */

static int fixed_num(const char **s, int nd, int *v)
{
    *v = 0;
    for (int k = 0; k < nd; k++) {
        char ch = (*s)[k];
        if (ch < '0' || ch > '9')
            return -1;
        *v = *v * 10 + (ch - '0');
    }
    *s += nd;
    return 0;
}

int mw_date_epoch(const char *iso, double *secs, int *has_zone)
{
    if (!iso)
        return MW_EPARSE;
    const char *s = iso;
    int y, m, d, h = 0, mi = 0, sec = 0, zone = 0, off = 0;
    double frac = 0;
    if (fixed_num(&s, 4, &y) || *s++ != '-' || fixed_num(&s, 2, &m) || *s++ != '-' || fixed_num(&s, 2, &d))
        return MW_EPARSE;
    if (!check_date(y, m, d))
        return MW_EPARSE;
    if (*s == 'T' || *s == 't' || *s == ' ') {
        s++;
        if (fixed_num(&s, 2, &h) || *s++ != ':' || fixed_num(&s, 2, &mi))
            return MW_EPARSE;
        if (*s == ':') {
            s++;
            if (fixed_num(&s, 2, &sec))
                return MW_EPARSE;
            if (*s == '.' || *s == ',') {
                double scale = 0.1;
                s++;
                if (*s < '0' || *s > '9')
                    return MW_EPARSE;
                for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
                    frac += (*s - '0') * scale;
            }
        }
        if (h > 23 || mi > 59 || sec > 59)
            return MW_EPARSE;
        if (*s == 'Z' || *s == 'z') {
            s++;
            zone = 1;
        } else if (*s == '+' || *s == '-') {
            int neg = *s++ == '-', hh, mm = 0;
            if (fixed_num(&s, 2, &hh))
                return MW_EPARSE;
            if (*s == ':')
                s++;
            if (*s >= '0' && *s <= '9' && fixed_num(&s, 2, &mm))
                return MW_EPARSE;
            if (hh > 18 || mm > 59)
                return MW_EPARSE;
            off = (neg ? -1 : 1) * (hh * 3600 + mm * 60);
            zone = 1;
        }
    }
    if (*s)
        return MW_EPARSE;
    if (secs)
        *secs = (double)(days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + sec - off) + frac;
    if (has_zone)
        *has_zone = zone;
    return 0;
}
