/* tests/unit/test_date.c: meta/date.c against date strings as news pages print them, in ten languages.
 * Rows are {input, lang, tz, format, want}; a NULL want means the string must be refused (MW_EPARSE).
 * Last, meta/tzdb.c's reading of a zone file's POSIX rule, on zone files the test writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meta/date.h"
#include "meta/tzdb.h"

struct row {
    const char *in, *lang, *tz, *format, *want;
};

static const struct row good[] = {
    /* ISO 8601 and its variants */
    {"2020-01-14T12:05:00+03:00", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"2020-01-14T12:05:00.493", NULL, NULL, NULL, "2020-01-14T12:05:00"},
    {"2020-01-14T12:05:00Z", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"2020-01-14 12:05:00", NULL, NULL, NULL, "2020-01-14T12:05:00"},
    {"2020-01-14T12:05+0300", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"20200114", NULL, NULL, NULL, "2020-01-14"},
    {"2020-01-14", NULL, NULL, NULL, "2020-01-14"},
    {"2020-01-14", NULL, "+03:00", NULL, "2020-01-14"},
    {"2020-01-14T12:05:00.493Z", NULL, "+03:00", NULL, "2020-01-14T12:05:00+00:00"},
    {"2020-01-14T12:05:00-05:00", NULL, NULL, NULL, "2020-01-14T12:05:00-05:00"},
    {"2020-01-14T12:05:00", NULL, "MSK", NULL, "2020-01-14T12:05:00+03:00"},
    {"2020-01-14T12:05:00", NULL, "+0530", NULL, "2020-01-14T12:05:00+05:30"},
    {"2020-01-14T12:05:00", NULL, "Z", NULL, "2020-01-14T12:05:00+00:00"},
    {"2020-01-14T12:05:00+03", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"2020-01-14T12:05:00,493+03:00", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"  2020-01-14T12:05:00+03:00\n", NULL, NULL, "iso", "2020-01-14T12:05:00+03:00"},
    {"2020-07-14 12:05", NULL, "Europe/Berlin", NULL, "2020-07-14T12:05:00+02:00"},
    {"2020-01-14 12:05", NULL, "Europe/Berlin", NULL, "2020-01-14T12:05:00+01:00"},
    {"20200114120500", NULL, NULL, NULL, "2020-01-14T12:05:00"},
    {"2020/01/14 12:05", NULL, NULL, NULL, "2020-01-14T12:05:00"},
    {"05/13/2024", "de", NULL, NULL, "2024-05-13"},   /* day first in German, but 13 cannot be a month */
    /* RFC 822 / 1123 / 2822, JavaScript, Twitter */
    {"Tue, 14 Jan 2020 12:05:00 GMT", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"Tue, 14 Jan 2020 12:05:00 +0300", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"14 Jan 2020 12:05 EST", NULL, NULL, NULL, "2020-01-14T12:05:00-05:00"},
    {"Tue, 14 Jan 20 12:05:00 -0800", NULL, NULL, NULL, "2020-01-14T12:05:00-08:00"},
    {"Tue Jan 14 12:05:00 +0000 2020", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"Tue Jan 14 2020 15:05:00 GMT+0300 (Moscow Standard Time)", NULL, NULL, NULL,
     "2020-01-14T15:05:00+03:00"},
    /* unix seconds and milliseconds: UTC instants */
    {"1579003500", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"1579003500000", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"1579003500", NULL, "+03:00", "unix", "2020-01-14T15:05:00+03:00"},
    {"1579003500000", NULL, "Europe/Moscow", "unix_ms", "2020-01-14T15:05:00+03:00"},
    {"1579003500", NULL, "America/New_York", NULL, "2020-01-14T07:05:00-05:00"},
    {"1594728300", NULL, "America/New_York", NULL, "2020-07-14T08:05:00-04:00"},
    {"1594728300", NULL, "Europe/Berlin", "unix", "2020-07-14T14:05:00+02:00"},
    {"1583650799", NULL, "ET", "unix", "2020-03-08T01:59:59-05:00"},
    {"1583650800", NULL, "ET", "unix", "2020-03-08T03:00:00-04:00"},
    {"1585443599", NULL, "Europe/Paris", "unix", "2020-03-29T01:59:59+01:00"},
    {"1585443600", NULL, "Europe/Paris", "unix", "2020-03-29T03:00:00+02:00"},
    {"1579003500.123", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"0", NULL, NULL, "unix", "1970-01-01T00:00:00+00:00"},
    {"1579003500", NULL, NULL, "%s", "2020-01-14T12:05:00+00:00"},
    /* English */
    {"January 14, 2020", "en", NULL, NULL, "2020-01-14"},
    {"Jan. 14, 2020 12:05 PM", "en", NULL, NULL, "2020-01-14T12:05:00"},
    {"Jan. 14, 2020 1:05 p.m.", "en", NULL, NULL, "2020-01-14T13:05:00"},
    {"Jan 14, 2020, 12:05 AM", NULL, NULL, NULL, "2020-01-14T00:05:00"},
    {"Tuesday, January 14, 2020 - 12:05", "en", NULL, NULL, "2020-01-14T12:05:00"},
    {"January 14, 2020 | 12:05 pm ET", "en", NULL, NULL, "2020-01-14T12:05:00-05:00"},
    {"July 14, 2020 | 12:05 pm ET", "en", NULL, NULL, "2020-07-14T12:05:00-04:00"},
    {"Jan 14 2020 12:05 pm PT", NULL, NULL, NULL, "2020-01-14T12:05:00-08:00"},
    {"Published 14 January 2020", "en", NULL, NULL, "2020-01-14"},
    {"Updated: January 14, 2020 at 9:30 AM EST", "en", NULL, NULL, "2020-01-14T09:30:00-05:00"},
    {"14 January 2020 12:05", "en", "+00:00", NULL, "2020-01-14T12:05:00+00:00"},
    {"14th January 2020", "en", NULL, NULL, "2020-01-14"},
    {"Posted on March 1st, 2020 at 8:00 am", "en", NULL, NULL, "2020-03-01T08:00:00"},
    {"Feb 29, 2020", "en", NULL, NULL, "2020-02-29"},
    {"Sept. 14, 2020", "en", NULL, NULL, "2020-09-14"},
    {"14/01/2020", NULL, NULL, NULL, "2020-01-14"},
    {"06. 01. 2026", NULL, NULL, NULL, "2026-01-06"},
    {"Von Deutscher Tennis Bund 4.\xe2\x80\x89" "2.\xe2\x80\x89" "2022.", "de", NULL, NULL, "2022-02-04"},
    {"01. 11. 2023, 14:05", NULL, NULL, NULL, "2023-11-01T14:05:00"},
    {"01/14/2020", "en", NULL, NULL, "2020-01-14"},
    {"01/02/2020", "en", NULL, "mdy", "2020-01-02"},
    {"01/02/2020", NULL, NULL, "dmy", "2020-02-01"},
    {"Updated 12:05 PM IST, Jan 14, 2020", "en", NULL, NULL, "2020-01-14T12:05:00+05:30"},
    {"14 Jul 2020 12:05 BST", "en", NULL, NULL, "2020-07-14T12:05:00+01:00"},
    {"14 Jan 2020 12:05 (GMT+3)", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"14 Jan 2020 12:05 UTC+03:00", NULL, NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"12:05 GMT, 14 January 2020", "en", NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"Last updated: 14 Jan 2020 12:05 GMT | Published 13 Jan 2020", "en", NULL, NULL,
     "2020-01-14T12:05:00+00:00"},
    {"May 5, 2020 11:59 PM CDT", "en", NULL, NULL, "2020-05-05T23:59:00-05:00"},
    /* Russian */
    {"14 января 2020, 12:05", "ru", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 января 2020 г., 12:05", "ru", "+03:00", NULL, "2020-01-14T12:05:00+03:00"},
    {"12:05 14.01.2020", "ru", NULL, NULL, "2020-01-14T12:05:00"},
    {"12:05 14.01.2020 (обновлено: 13:40 14.01.2020)", "ru", "MSK", NULL, "2020-01-14T12:05:00+03:00"},
    {"14.01.2020 12:05", NULL, "MSK", NULL, "2020-01-14T12:05:00+03:00"},
    {"14 янв. 2020 12:05", "ru", NULL, NULL, "2020-01-14T12:05:00"},
    {"Вторник, 14 января 2020 года, 12:05 мск", "ru", NULL, NULL, "2020-01-14T12:05:00+03:00"},
    {"14 ЯНВАРЯ 2020", NULL, NULL, NULL, "2020-01-14"},
    {"1 марта 2020 в 18:30", "ru", NULL, NULL, "2020-03-01T18:30:00"},
    {"31 декабря 2019, 23:59", "ru", NULL, NULL, "2019-12-31T23:59:00"},
    {"14 Января 2020 12:05 (обновлено: 14 Января 2020 13:00)", "ru", NULL, NULL, "2020-01-14T12:05:00"},
    {"9 мая 2020", NULL, NULL, NULL, "2020-05-09"},
    {"5-го сентября 2020 года", "ru", NULL, NULL, "2020-09-05"},
    /* Ukrainian */
    {"14 січня 2020, 12:05", "uk", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 лютого 2020 р.", "uk", NULL, NULL, "2020-02-14"},
    {"Вівторок, 14 квітня 2020, 09:15", "uk", NULL, NULL, "2020-04-14T09:15:00"},
    {"24 серпня 2021 08:00", "uk", "Europe/Kyiv", NULL, "2021-08-24T08:00:00+03:00"},
    {"14.01.2020 о 12:05", "uk", NULL, NULL, "2020-01-14T12:05:00"},
    {"3 листопада 2020", NULL, NULL, NULL, "2020-11-03"},
    {"1 ВЕРЕСНЯ 2020", "uk", NULL, NULL, "2020-09-01"},
    /* Turkish */
    {"14 Ocak 2020 Salı 12:05", "tr", NULL, NULL, "2020-01-14T12:05:00"},
    {"14.01.2020 - Güncelleme : 14.01.2020", "tr", NULL, NULL, "2020-01-14"},
    {"14.01.2020 - Update : 14.01.2020", NULL, NULL, NULL, "2020-01-14"},
    {"14.01.2020 12:05 - Güncelleme : 14.01.2020 13:00", "tr", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 Şubat 2020, 12:05", "tr", NULL, NULL, "2020-02-14T12:05:00"},
    {"29 EYLÜL 2020", "tr", NULL, NULL, "2020-09-29"},
    {"14 NİSAN 2020 12:05 TSİ", "tr", NULL, NULL, "2020-04-14T12:05:00+03:00"},
    {"1 Mayıs 2020", "tr", NULL, NULL, "2020-05-01"},
    {"1 MAYIS 2020", NULL, NULL, NULL, "2020-05-01"},
    {"30 Ağustos 2020 Pazar", "tr", NULL, NULL, "2020-08-30"},
    {"14 Kasım 2020", "tr", NULL, NULL, "2020-11-14"},
    {"31 Aralık 2020 23:59", "tr", "Europe/Istanbul", NULL, "2020-12-31T23:59:00+03:00"},
    {"10 Ekim 2020", NULL, NULL, NULL, "2020-10-10"},
    {"14 Tem 2020", "tr", NULL, NULL, "2020-07-14"},
    /* Spanish */
    {"14 de enero de 2020", "es", NULL, NULL, "2020-01-14"},
    {"martes, 14 de enero de 2020 12:05", "es", NULL, NULL, "2020-01-14T12:05:00"},
    {"14/01/2020 12:05 h", "es", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 ene. 2020 12:05 p. m.", "es", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 de enero del 2020 - 1:05 p.m.", "es", NULL, NULL, "2020-01-14T13:05:00"},
    {"mar., 14 ene. 2020", "es", NULL, NULL, "2020-01-14"},
    {"1 de agosto de 2020", "es", NULL, NULL, "2020-08-01"},
    {"Publicado el 14 de septiembre de 2020 a las 08:30", "es", NULL, NULL, "2020-09-14T08:30:00"},
    {"3 dic 2020", "es", NULL, NULL, "2020-12-03"},
    {"Actualizado: 14 Ene 2020 - 12:05 GMT", NULL, NULL, NULL, "2020-01-14T12:05:00+00:00"},
    /* French */
    {"14 janvier 2020 à 12h05", "fr", NULL, NULL, "2020-01-14T12:05:00"},
    {"Publié le 14/01/2020 à 12:05", "fr", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 janv. 2020", "fr", NULL, NULL, "2020-01-14"},
    {"mardi 14 janvier 2020", "fr", NULL, NULL, "2020-01-14"},
    {"Mis à jour le 15 février 2020 à 09h30", "fr", NULL, NULL, "2020-02-15T09:30:00"},
    {"1er août 2020", "fr", NULL, NULL, "2020-08-01"},
    {"14 fevrier 2020", NULL, NULL, NULL, "2020-02-14"},
    {"Le 3 déc. 2020 à 18:45", "fr", "+01:00", NULL, "2020-12-03T18:45:00+01:00"},
    {"14 juil. 2020", "fr", NULL, NULL, "2020-07-14"},
    {"Publié le 12/10/2020 à 10:00 et mis à jour le 13/10/2020 à 11:00", "fr", NULL, NULL,
     "2020-10-12T10:00:00"},
    /* German */
    {"14. Januar 2020", "de", NULL, NULL, "2020-01-14"},
    {"14. Januar 2020, 12:05 Uhr", "de", NULL, NULL, "2020-01-14T12:05:00"},
    {"Dienstag, 14.01.2020, 12:05 Uhr", "de", NULL, NULL, "2020-01-14T12:05:00"},
    {"14.01.2020 um 12:05 am Rathaus", "de", NULL, NULL, "2020-01-14T12:05:00"},   /* German "am": at the */
    {"14. Jänner 2020", "de", NULL, NULL, "2020-01-14"},
    {"14. März 2020", "de", NULL, NULL, "2020-03-14"},
    {"14. Maerz 2020", NULL, NULL, NULL, "2020-03-14"},
    {"Aktualisiert am 14.01.2020 um 12:05 Uhr", "de", NULL, NULL, "2020-01-14T12:05:00"},
    {"14.01.2020, 12.05 Uhr", "de", NULL, NULL, "2020-01-14T12:05:00"},
    {"3. Okt. 2020", "de", NULL, NULL, "2020-10-03"},
    {"14. Januar 2020 12:05 Uhr MEZ", "de", NULL, NULL, "2020-01-14T12:05:00+01:00"},
    {"Veröffentlicht um 12:05 am 14. Januar 2020", NULL, NULL, NULL, "2020-01-14T12:05:00"},
    {"14.01.20", "de", NULL, NULL, "2020-01-14"},
    {"14.07.2020 12:05", "de", "Europe/Berlin", NULL, "2020-07-14T12:05:00+02:00"},
    /* Arabic, with Eastern Arabic and Persian digits */
    {"الثلاثاء 14 يناير 2020 - 12:05 م", "ar", NULL, NULL, "2020-01-14T12:05:00"},
    {"١٤ يناير ٢٠٢٠", "ar", NULL, NULL, "2020-01-14"},
    {"14 كانون الثاني 2020", "ar", NULL, NULL, "2020-01-14"},
    {"الثلاثاء، 14 كانون الثاني/يناير 2020", "ar", NULL, NULL, "2020-01-14"},
    {"١٤/٠١/٢٠٢٠ ٠١:٠٥ م", "ar", NULL, NULL, "2020-01-14T13:05:00"},
    {"14 أبريل 2020", "ar", NULL, NULL, "2020-04-14"},
    {"14 ينـايـر 2020", "ar", NULL, NULL, "2020-01-14"},            /* tatweel stretching the month name */
    {"١٤ يَنَايِر ٢٠٢٠", "ar", NULL, NULL, "2020-01-14"},              /* harakat */
    {"14 ابريل 2020", NULL, NULL, NULL, "2020-04-14"},
    {"٣ تشرين الأول ٢٠٢٠", "ar", NULL, NULL, "2020-10-03"},
    {"25 كانون الأول 2020", "ar", NULL, NULL, "2020-12-25"},
    {"الأحد 5 يوليو 2020 09:30 صباحا", "ar", NULL, NULL, "2020-07-05T09:30:00"},
    {"14 آذار 2020", "ar", NULL, NULL, "2020-03-14"},
    {"1 أيلول 2020", "ar", NULL, NULL, "2020-09-01"},
    {"١٤ أغسطس ٢٠٢٠ ١٢:٠٥", "ar", "+03:00", NULL, "2020-08-14T12:05:00+03:00"},
    {"۱۴ ژانویه ۲۰۲۰", "fa", NULL, NULL, "2020-01-14"},
    {"6 تشرين الثاني 2020", "ar", NULL, NULL, "2020-11-06"},
    {"14 شباط (فبراير) 2020", "ar", NULL, NULL, "2020-02-14"},
    {"\u200f14 مايو 2020\u200f", "ar", NULL, NULL, "2020-05-14"},
    {"تاريخ النشر: ٢٠٢٠-٠١-١٤ ١٢:٠٥", "ar", NULL, NULL, "2020-01-14T12:05:00"},
    /* Italian, Portuguese */
    {"14 gennaio 2020 ore 12:05", "it", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 de janeiro de 2020 às 12h05", "pt", NULL, NULL, "2020-01-14T12:05:00"},
    {"1º de março de 2020", "pt", NULL, NULL, "2020-03-01"},
    {"3 out 2020", "pt", NULL, NULL, "2020-10-03"},
    /* as outlets print them */
    {"Tue 14 Jan 2020 12.05 GMT", "en", NULL, NULL, "2020-01-14T12:05:00+00:00"},
    {"12:05 PM EST, Tue January 14, 2020", "en", NULL, NULL, "2020-01-14T12:05:00-05:00"},
    {"Updated 1205 GMT (2005 HKT) January 14, 2020", "en", NULL, NULL, "2020-01-14"},
    {"14 Jan, 2020 12:05", "en", "+03:00", NULL, "2020-01-14T12:05:00+03:00"},
    {"12:05, 14 января 2020", "ru", NULL, NULL, "2020-01-14T12:05:00"},
    {"14.01.2020, 12:05", "ru", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 Ocak 2020 - 12:05", "tr", NULL, NULL, "2020-01-14T12:05:00"},
    {"14 ene 2020 - 12:05 CET", "es", NULL, NULL, "2020-01-14T12:05:00+01:00"},
    {"Publié le 14 janvier 2020 à 12h05 - Mis à jour le 14 janvier 2020 à 13h00", "fr", NULL, NULL,
     "2020-01-14T12:05:00"},
    {"2020年1月14日 12:05", NULL, "+08:00", NULL, "2020-01-14T12:05:00+08:00"},
    {"2020년 1월 14일", NULL, NULL, NULL, "2020-01-14"},
    {"14 Jan 2020, build 3.10", "en", NULL, NULL, "2020-01-14"},
    {"Tue, 14 Jan 20, 12:05", "en", NULL, NULL, "2020-01-14T12:05:00"},
    /* explicit patterns */
    {"14.01.2020 12:05", NULL, NULL, "%d.%m.%Y %H:%M", "2020-01-14T12:05:00"},
    {"14 янв 2020", NULL, NULL, "%d %b %Y", "2020-01-14"},
    {"2020-01-14T12:05:00+0300", NULL, NULL, "%Y-%m-%dT%H:%M:%S%z", "2020-01-14T12:05:00+03:00"},
    {"01/14/20 01:05 PM", NULL, NULL, "%m/%d/%y %I:%M %p", "2020-01-14T13:05:00"},
    /* %f takes up to 64 digits of a fraction; a long run must not overflow (UBSan, the fuzz crash of stop 19) */
    {"14.01.2020 12:05:00.66666666666666666666666666", NULL, NULL, "%d.%m.%Y %H:%M:%S.%f", "2020-01-14T12:05:00"},
    {"14 Jan 2020 12:05 GMT", NULL, "+03:00", "%d %b %Y %R %Z", "2020-01-14T12:05:00+00:00"},
};

static const struct row bad[] = {
    {"", NULL, NULL, NULL, NULL},
    {"   ", NULL, NULL, NULL, NULL},
    {"6 days ago", "en", NULL, NULL, NULL},
    {"2 hours ago", NULL, NULL, NULL, NULL},
    {"вчера в 12:05", "ru", NULL, NULL, NULL},
    {"3 дня назад", "ru", NULL, NULL, NULL},
    {"hace 2 horas", "es", NULL, NULL, NULL},
    {"il y a 3 heures", "fr", NULL, NULL, NULL},
    {"vor 2 Stunden", "de", NULL, NULL, NULL},
    {"2 saat önce", "tr", NULL, NULL, NULL},
    {"منذ 3 ساعات", "ar", NULL, NULL, NULL},
    {"Today, 12:05", NULL, NULL, NULL, NULL},
    {"12:05", NULL, NULL, NULL, NULL},
    {"Punkte 1. 2. 3.", NULL, NULL, NULL, NULL},
    {"31. 2. 2022", NULL, NULL, NULL, NULL},
    {"garbage", NULL, NULL, NULL, NULL},
    {"hello world 42", NULL, NULL, NULL, NULL},
    {"12345", NULL, NULL, NULL, NULL},
    {"14 Jan", NULL, NULL, NULL, NULL},
    {"January 2020", NULL, NULL, NULL, NULL},
    {"2020", NULL, NULL, NULL, NULL},
    {"2020-02-30", NULL, NULL, NULL, NULL},
    {"29 February 2019", NULL, NULL, NULL, NULL},
    {"31.04.2020", NULL, NULL, NULL, NULL},
    {"2020-13-01", NULL, NULL, NULL, NULL},
    {"99/99/2020", NULL, NULL, NULL, NULL},
    {"2020-01-14T25:00:00", NULL, NULL, NULL, NULL},
    {"2020-01-14T12:61:00", NULL, NULL, NULL, NULL},
    {"13:05 AM, 14 Jan 2020", NULL, NULL, NULL, NULL},
    {"20201301", NULL, NULL, NULL, NULL},
    {"1.2.3.4", NULL, NULL, NULL, NULL},
    {"3 ago", "es", NULL, NULL, NULL},
    {"abc", NULL, NULL, "unix", NULL},
    {"1579003500", NULL, NULL, "bogus", NULL},
    {"14/01/2020", NULL, NULL, "%d.%m.%Y", NULL},
    {"2020-01-14", NULL, "Mars/Olympus", NULL, NULL},
    {"2020-01-14", NULL, "+25:00", NULL, NULL},
};

/* What the record promises (design.md): a date-only value stays a date, a time marked GMT/UTC stays that
 * instant, named zones and summer time come from the tz database. */
static const struct row honest[] = {
    /* date-only stays date-only, whatever zone the outlet has */
    {"05.04.2025", "tr", "+03:00", NULL, "2025-04-05"},
    {"5. April 2025", "de", "Europe/Berlin", NULL, "2025-04-05"},
    {"2024-07-14", NULL, "Africa/Cairo", NULL, "2024-07-14"},
    {"14 يوليو 2024", "ar", "Africa/Cairo", NULL, "2024-07-14"},
    /* GMT/UTC stays UTC: the page's zone beats the outlet's, before or after the time */
    {"17.03.2020 GMT 17:27", "ar", "+03:00", NULL, "2020-03-17T17:27:00+00:00"},
    {"GMT 17:27 17.03.2020", "ar", "+03:00", NULL, "2020-03-17T17:27:00+00:00"},
    {"17.03.2020 17:27 UTC", NULL, "Europe/Moscow", NULL, "2020-03-17T17:27:00+00:00"},
    {"2020-03-17T17:27:41Z", NULL, "+03:00", NULL, "2020-03-17T17:27:41+00:00"},
    /* Cairo: summer time again since 2023 (+03:00 in July 2024), +02:00 in winter; no DST in 2015-2022 */
    {"2024-07-14 12:00", NULL, "Africa/Cairo", NULL, "2024-07-14T12:00:00+03:00"},
    {"2024-01-14 12:00", NULL, "Africa/Cairo", NULL, "2024-01-14T12:00:00+02:00"},
    {"2020-07-14 12:00", NULL, "Africa/Cairo", NULL, "2020-07-14T12:00:00+02:00"},
    {"1720958400", NULL, "Africa/Cairo", "unix", "2024-07-14T15:00:00+03:00"},
    /* other zones of the database; past 2037 the zone's POSIX rule decides */
    {"2040-07-01 12:00", NULL, "Europe/Berlin", NULL, "2040-07-01T12:00:00+02:00"},
    {"2040-12-01 12:00", NULL, "Europe/Berlin", NULL, "2040-12-01T12:00:00+01:00"},
    {"2040-07-01 12:00", NULL, "America/New_York", NULL, "2040-07-01T12:00:00-04:00"},   /* M11.1.0: a first week */
    {"2040-11-12 12:00", NULL, "America/New_York", NULL, "2040-11-12T12:00:00-05:00"},
    {"2040-07-01 12:00", NULL, "America/Santiago", NULL, "2040-07-01T12:00:00-04:00"},   /* M4.1.6/24: Saturdays */
    {"2040-01-14 12:00", NULL, "America/Santiago", NULL, "2040-01-14T12:00:00-03:00"},
    {"2040-07-01 12:00", NULL, "America/Anchorage", NULL, "2040-07-01T12:00:00-08:00"},  /* AKST9AKDT */
    {"2040-07-01 12:00", NULL, "Europe/London", NULL, "2040-07-01T12:00:00+01:00"},      /* GMT0BST */
    {"2024-01-14 12:00", NULL, "America/Sao_Paulo", NULL, "2024-01-14T12:00:00-03:00"},
    {"2024-01-14 12:00", NULL, "Australia/Sydney", NULL, "2024-01-14T12:00:00+11:00"},
    {"2024-07-14 12:00", NULL, "Australia/Sydney", NULL, "2024-07-14T12:00:00+10:00"},
    {"2024-03-31 02:30", NULL, "Europe/Berlin", NULL, "2024-03-31T02:30:00+01:00"},   /* in the gap */
    {"2024-10-27 02:30", NULL, "Europe/Berlin", NULL, "2024-10-27T02:30:00+02:00"},   /* twice: the first */
    {"14 Jan 2020 12:05 ET", "en", NULL, NULL, "2020-01-14T12:05:00-05:00"},
    {"2020-01-14", NULL, "../../etc/passwd", NULL, NULL},
    {"2020-01-14 12:00", NULL, "Nowhere/City", NULL, NULL},
};

/* Relative dates against a fixed fetch time, 2020-01-14T12:05:00Z; rows are {input, lang, tz, -, want}. */
static const struct row relative[] = {
    {"6 days ago", "en", NULL, NULL, "2020-01-08"},
    {"2 hours ago", NULL, NULL, NULL, "2020-01-14T10:05:00+00:00"},
    {"an hour ago", "en", NULL, NULL, "2020-01-14T11:05:00+00:00"},
    {"vor 2 Stunden", "de", NULL, NULL, "2020-01-14T10:05:00+00:00"},
    {"vor einer Woche", "de", NULL, NULL, "2020-01-07"},
    {"il y a 3 heures", "fr", NULL, NULL, "2020-01-14T09:05:00+00:00"},
    {"hace 2 horas", "es", NULL, NULL, "2020-01-14T10:05:00+00:00"},
    {"2 часа назад", "ru", NULL, NULL, "2020-01-14T10:05:00+00:00"},
    {"3 дня назад", "ru", NULL, NULL, "2020-01-11"},
    {"2 saat önce", "tr", NULL, NULL, "2020-01-14T10:05:00+00:00"},
    {"منذ 3 ساعات", "ar", NULL, NULL, "2020-01-14T09:05:00+00:00"},
    {"منذ ساعتين", "ar", NULL, NULL, "2020-01-14T10:05:00+00:00"},
    {"Acum 15 minute", NULL, NULL, NULL, "2020-01-14T11:50:00+00:00"},
    {"3時間前", NULL, NULL, NULL, "2020-01-14T09:05:00+00:00"},
    {"2天前", NULL, NULL, NULL, "2020-01-12"},
    {"5분 전", NULL, NULL, NULL, "2020-01-14T12:00:00+00:00"},
    {"2 months ago", "en", NULL, NULL, "2019-11-14"},
    {"вчера в 12:05", "ru", NULL, NULL, "2020-01-13T12:05:00"},
    {"вчера в 12:05", "ru", "Europe/Moscow", NULL, "2020-01-13T12:05:00+03:00"},
    {"yesterday", "en", NULL, NULL, "2020-01-13"},
    {"14 January 2020", "en", NULL, NULL, NULL},   /* no relative date: mw_date_parse's */
    {"in 3 days", "en", NULL, NULL, NULL},
    {"3 ago", NULL, NULL, NULL, NULL},
};

typedef int (*parse_fn)(const struct row *r, char *out, struct mw_err *err);

static int parse_row(const struct row *r, char *out, struct mw_err *err)
{
    struct mw_date_opts o = {r->lang, r->tz, r->format};
    return mw_date_parse(r->in, &o, out, err);
}

/* mw_date_relative against a fixed fetch time, 2020-01-14T12:05:00Z; it fills no error. */
static int relative_row(const struct row *r, char *out, struct mw_err *err)
{
    (void)err;
    struct mw_date_opts o = {r->lang, r->tz, NULL};
    return mw_date_relative(r->in, &o, 1579003500, out, NULL);
}

/* The rows of one table through PARSE; each failing row is printed, their count returned. A want must come
 * back to the letter; a NULL want must be refused: MW_EPARSE, the output emptied and (WITH_ERR) an error
 * of stage "date". */
static int failed_rows(const char *table, const struct row *rows, size_t n, parse_fn parse, int with_err)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        struct mw_err err = {0};
        char out[MW_DATE_MAX];
        snprintf(out, sizeof out, "(not written)");
        int rc = parse(r, out, &err);
        int ok = r->want ? rc == 0 && !strcmp(out, r->want)
                         : rc == MW_EPARSE && !out[0] &&
                               (!with_err || (err.code == MW_EPARSE && !strcmp(err.stage, "date")));
        if (!ok) {
            print_error("%s row %zu \"%s\" (lang %s, tz %s): rc %d (%s) got \"%s\" want \"%s\"\n", table, i, r->in,
                        r->lang ? r->lang : "-", r->tz ? r->tz : "-", rc, err.msg, out,
                        r->want ? r->want : "(refused)");
            failed++;
        }
    }
    return failed;
}

#define ROWS(t) #t, t, sizeof t / sizeof t[0]

static void test_good(void **state)
{
    (void)state;
    assert_int_equal(failed_rows(ROWS(good), parse_row, 1), 0);
    assert_true(sizeof good / sizeof good[0] >= 100);
}

static void test_bad(void **state)
{
    (void)state;
    assert_int_equal(failed_rows(ROWS(bad), parse_row, 1), 0);
}

static void test_honest(void **state)
{
    (void)state;
    assert_int_equal(failed_rows(ROWS(honest), parse_row, 1), 0);
}

static void test_relative(void **state)
{
    (void)state;
    assert_int_equal(failed_rows(ROWS(relative), relative_row, 0), 0);
}

static void test_null_opts(void **state)
{
    (void)state;
    char out[MW_DATE_MAX];
    assert_int_equal(mw_date_parse("14 января 2020", NULL, out, NULL), 0);
    assert_string_equal(out, "2020-01-14");
    assert_int_equal(mw_date_parse(NULL, NULL, out, NULL), MW_EPARSE);
    assert_int_equal(mw_date_relative(NULL, NULL, 1579003500, out, NULL), MW_EPARSE);
    assert_string_equal(out, "");
}

/* A language hint keeps other languages' look-alikes out: "ago" is August only in es/it/pt. */
static void test_lang_hint(void **state)
{
    (void)state;
    char out[MW_DATE_MAX];
    struct mw_date_opts es = {"es", NULL, NULL}, en = {"en", NULL, NULL};
    assert_int_equal(mw_date_parse("14 ago 2020", &es, out, NULL), 0);
    assert_string_equal(out, "2020-08-14");
    assert_int_equal(mw_date_parse("14 ago 2020", &en, out, NULL), MW_EPARSE);
}

/* The message quotes the input without splitting a character: records are JSON. */
static void test_err_message(void **state)
{
    (void)state;
    char in[200], out[MW_DATE_MAX];
    strcpy(in, "x");
    for (int i = 0; i < 40; i++)
        strcat(in, "я");
    struct mw_err err = {0};
    assert_int_equal(mw_date_parse(in, NULL, out, &err), MW_EPARSE);
    assert_string_equal(err.stage, "date");
    const char *q = strchr(err.msg, '"');
    assert_non_null(q);
    size_t n = strlen(q + 1) - 1;             /* between the quotes */
    assert_int_equal(n % 2, 1);               /* "x" and whole two-byte letters */
}

/* A long string is cut, not overrun; the date in front still counts. */
static void test_long_input(void **state)
{
    (void)state;
    char in[4096], out[MW_DATE_MAX];
    strcpy(in, "14 January 2020 ");
    size_t n = strlen(in);
    while (n + 6 < sizeof in) {
        memcpy(in + n, "word ", 5);
        n += 5;
    }
    in[n] = '\0';
    assert_int_equal(mw_date_parse(in, NULL, out, NULL), 0);
    assert_string_equal(out, "2020-01-14");
    memset(in, '7', sizeof in - 1);
    in[sizeof in - 1] = '\0';
    assert_int_equal(mw_date_parse(in, NULL, out, NULL), MW_EPARSE);
}

struct epoch_row {
    const char *in;
    double secs;
    int zone;
};

static const struct epoch_row epochs[] = {
    {"2020-01-14T12:05:00+03:00", 1578992700, 1},
    {"2020-01-14T12:05:00Z", 1579003500, 1},
    {"2020-01-14T12:05:00", 1579003500, 0},
    {"2020-01-14", 1578960000, 0},
    {"2020-01-14T12:05:00.5-05:00", 1579021500.5, 1},
    {"2020-01-14T12:05:00.05Z", 1579003500.05, 1},
    {"2020-01-14T12:05-0530", 1579023300, 1},
    {"1970-01-01T00:00:00+00:00", 0, 1},
    {"1969-12-31T23:59:59+00:00", -1, 1},
};

static void test_epoch(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof epochs / sizeof epochs[0]; i++) {
        double secs = -12345;
        int zone = -1;
        assert_int_equal(mw_date_epoch(epochs[i].in, &secs, &zone), 0);
        assert_true(secs == epochs[i].secs);
        assert_int_equal(zone, epochs[i].zone);
    }
    static const char *const refused[] = {"2020-02-30", "junk", "2020-01-14T12:05:00+03:00x", "2020-1-14",
                                          "2020-01-14T24:00:00", "", "2020-01-14T12:05:00+3"};
    double secs;
    int zone;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(mw_date_epoch(refused[i], &secs, &zone), MW_EPARSE);
    assert_int_equal(mw_date_epoch(NULL, &secs, &zone), MW_EPARSE);
}

/* Everything mw_date_parse writes reads back to the same instant. */
static void test_epoch_roundtrip(void **state)
{
    (void)state;
    char out[MW_DATE_MAX];
    struct mw_date_opts o = {NULL, "+03:00", NULL};
    double secs;
    int zone;
    assert_int_equal(mw_date_parse("1579003500", &o, out, NULL), 0);
    assert_int_equal(mw_date_epoch(out, &secs, &zone), 0);
    assert_true(secs == 1579003500.0);
    assert_int_equal(zone, 1);
    o.tz = "America/New_York";
    assert_int_equal(mw_date_parse("1594728300", &o, out, NULL), 0);
    assert_int_equal(mw_date_epoch(out, &secs, &zone), 0);
    assert_true(secs == 1594728300.0);
}

struct zone_row {
    const char *in;
    int secs;
};

static const struct zone_row zones_ok[] = {
    {"+03:00", 10800}, {"+0300", 10800}, {"+03", 10800}, {"-05:00", -18000}, {"Z", 0}, {"UTC", 0},
    {"utc", 0}, {"GMT", 0}, {"MSK", 10800}, {"мск", 10800}, {"CET", 3600}, {"CEST", 7200}, {"UTC+3", 10800},
    {"GMT-05:30", -19800}, {"IST", 19800}, {"Europe/Moscow", 10800}, {"America/New_York", -18000},
    {"ET", -18000}, {" +03:00 ", 10800}, {"-0930", -34200}, {"TRT", 10800}, {"Africa/Cairo", 7200},
    {"Asia/Kolkata", 19800},
};

static void test_zone(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof zones_ok / sizeof zones_ok[0]; i++) {
        int secs = -1;
        if (mw_date_zone(zones_ok[i].in, &secs) != 0 || secs != zones_ok[i].secs)
            fail_msg("zone \"%s\": got %d want %d", zones_ok[i].in, secs, zones_ok[i].secs);
    }
    static const char *const refused[] = {"", "XYZ", "+25:00", "+03:99", "GMT+", "MSK+3", "Mars/Olympus",
                                          "+", "03:00"};
    int secs;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (mw_date_zone(refused[i], &secs) != MW_EPARSE)
            fail_msg("zone \"%s\" accepted", refused[i]);
    assert_int_equal(mw_date_zone(NULL, &secs), MW_EPARSE);
}

/* The POSIX rule at the end of a TZif file decides past the file's last transition. tzdata's own files use few
 * rule shapes, so the test writes zones of its own (no transitions, one standard type, the rule as footer) into
 * a TZDIR of its own: a rule with an impossible date (week 0 or 6, weekday -1 or 7, month 0 or 13) is refused
 * and the standard offset holds; a rule that starts or ends in January or December is a rule like the others. */
static const struct { const char *rule; int std; const char *at; int want; } posix_rows[] = {
    {"XST-1XDT,M3.5.0,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 7200},         /* shaped as CET */
    {"XST-1XDT,M3.5.0,M10.5.0/3", 3600, "2030-01-14T12:00:00Z", 3600},
    {"XST-12XDT,M11.2.0,M1.2.0/3", 43200, "2031-01-05T12:00:00Z", 46800},     /* summer into January, as Fiji had */
    {"XST-12XDT,M11.2.0,M1.2.0/3", 43200, "2031-01-20T12:00:00Z", 43200},
    {"XST3XDT,M10.1.0,M12.2.0", -10800, "2030-11-20T12:00:00Z", -7200},       /* summer until December */
    {"XST3XDT,M10.1.0,M12.2.0", -10800, "2030-12-20T12:00:00Z", -10800},
    {"XST-1XDT,M3.0.0,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 3600},        /* week 0 */
    {"XST-1XDT,M3.6.0,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 3600},        /* week 6 */
    {"XST-1XDT,M3.5.-1,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 3600},       /* weekday -1 */
    {"XST-1XDT,M3.5.7,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 3600},        /* weekday 7 */
    {"XST-1XDT,M0.5.0,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 3600},        /* month 0 */
    {"XST-1XDT,M13.5.0,M10.5.0/3", 3600, "2030-07-01T12:00:00Z", 3600},       /* month 13 */
    {"XST-1XDT,M3.5.0,M10.6.0/3", 3600, "2030-07-01T12:00:00Z", 3600},        /* the end's week 6 */
};

static void be32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (24 - 8 * i));
}

/* dir/name: a version-2 TZif file without transitions, one standard type of offset std, the rule as footer. */
static void write_zone(const char *dir, const char *name, int std, const char *rule)
{
    unsigned char block[54] = "TZif2";   /* header (44 bytes), one type (6), its abbreviation (4) */
    be32(block + 36, 1);                  /* typecnt */
    be32(block + 40, 4);                  /* charcnt */
    be32(block + 44, (uint32_t)std);
    memcpy(block + 50, "XST", 4);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(block, 1, sizeof block, f);   /* the 32-bit block, then the 64-bit one: the same, no transitions */
    fwrite(block, 1, sizeof block, f);
    fprintf(f, "\n%s\n", rule);
    assert_int_equal(fclose(f), 0);
}

static void test_posix_rules(void **state)
{
    (void)state;
    char dir[] = "/tmp/mw-tzdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *old = getenv("TZDIR");
    char *saved = old ? strdup(old) : NULL;
    assert_int_equal(setenv("TZDIR", dir, 1), 0);
    int failed = 0;
    for (size_t i = 0; i < sizeof posix_rows / sizeof posix_rows[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "Test_Zone%zu", i);
        write_zone(dir, name, posix_rows[i].std, posix_rows[i].rule);
        double t;
        int has_zone, off = -1;
        assert_int_equal(mw_date_epoch(posix_rows[i].at, &t, &has_zone), 0);
        int rc = mw_tzdb_offset(name, (int64_t)t, &off);
        if (rc != 0 || off != posix_rows[i].want) {
            print_error("rule \"%s\" at %s: rc %d, offset %d, want %d\n", posix_rows[i].rule, posix_rows[i].at, rc,
                        off, posix_rows[i].want);
            failed++;
        }
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        unlink(path);
    }
    if (saved)
        setenv("TZDIR", saved, 1);
    else
        unsetenv("TZDIR");
    free(saved);
    rmdir(dir);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_honest),      cmocka_unit_test(test_relative),
        cmocka_unit_test(test_null_opts),   cmocka_unit_test(test_lang_hint),
        cmocka_unit_test(test_long_input),  cmocka_unit_test(test_err_message),  cmocka_unit_test(test_epoch),
        cmocka_unit_test(test_epoch_roundtrip), cmocka_unit_test(test_zone),   cmocka_unit_test(test_posix_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
