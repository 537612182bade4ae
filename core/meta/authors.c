/* meta/authors.c: cleaning byline strings into names: prefixes, roles, e-mails, URLs, dates and datelines
 * out, "A and B" / "A, B" / "A und B" ... split. Finding the byline in the page is meta/meta.c's job. */
#include "meta/authors.h"
#include "doc/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEP '\x1f'

/* Labels that introduce a byline; matched case-insensitively (ASCII) at the start, then ":" or space. */
static const char *const prefixes[] = {
    "written by", "reported by", "reporting by", "additional reporting by", "words by", "posted by", "story by",
    "text by", "text von", "ein bericht von",
    "autorinnen", "autorin", "autoren", "autores", "autora", "autor", "authors", "author",
    "auteurs", "auteur", "yazarlar", "yazar", "yazan", "haber", "text", "texte", "texto", "by", "von", "par",
    "por", "oleh", "de la rédaction", "от", "От", "ОТ", "автори", "Автори", "авторы", "Авторы", "автор", "Автор",
    "текст", "Текст",
    /* a source credit: the desk or agency named after it is the byline */
    "quelle", "bron", "source", "sources", "fuente", "fonte", "kilde", "källa", "heimild", "lähde", NULL
};

/* Words that join two names. Matched with a space on each side. */
static const char *const joiners[] = {
    " and ", " AND ", " And ", " und ", " y ", " et ", " e ", " и ", " і ", " та ", " ve ", " dan ", " & ",
    " og ", " och ", " ja ", " és ", " i ", " en ", " και ", " 및 ", NULL
};

/* A segment holding one of these is a role or an affiliation, not a name (stripped when it leads). */
static const char *const roles[] = {
    "staff writers", "staff writer", "staff reporter", "special correspondent", "senior correspondent",
    "chief correspondent", "bureau chief", "correspondent", "reporter", "writer", "editor", "contributor",
    "columnist", "journalist", "photographer", "producer", "staff", "korrespondentin", "korrespondent",
    "redakteurin", "redakteur", "reporterin", "envoyée spéciale", "envoyé spécial", "journaliste",
    "rédacteur", "rédactrice", "corresponsal", "redactora", "redactor", "periodista", "enviado especial",
    "muhabiri", "muhabir", "editörü", "wartawan", "penulis", "giornalista", "corrispondente",
    "correspondente", "jornalista", "repórter", "übersetzung", "Übersetzung", "translation", "traduction", "mit material",
    "специальный корреспондент", "корреспондент", "Корреспондент", "обозреватель", "журналист",
    "редактор", "Редактор", "кореспондент", "Кореспондент", "оглядач", NULL
};

/* A segment starting with one of these is a date or time note. */
static const char *const timewords[] = {
    "updated", "published", "posted", "last updated", "aktualisiert", "veröffentlicht", "stand:", "mis à jour",
    "publié", "actualizado", "publicado", "güncelleme", "обновлено", "опубликовано", "minute read",
    "min read", "read more", "more from", "follow", "share", "view all", "all posts", NULL
};

static const char *const agencies[] = {
    "afp", "ap", "associated press", "the associated press", "reuters", "thomson reuters", "dpa", "epd", "kna",
    "efe", "ansa", "apa", "sda", "xinhua", "tass", "ria novosti", "interfax", "anadolu", "anadolu agency",
    "anadolu ajansı", "aa", "kyodo", "kyodo news", "yonhap", "bernama", "ians", "pti", "upi", "bloomberg",
    "agence france-presse", "agence france presse", "europa press", "cna", "dha", "iha", "belga", "anp", "ukrinform",
    "unian", "tasnim", "irna", "wafa", "sana", "qna", "wam", "spa", "mena", "ntb", "tt", "stt", "ritzau", "pap",
    "ctk", "mti", "hina", "tanjug", "bta", "agerpres", "ana", "ana-mpa", "lusa", NULL
};

int mw_authors_is_agency(const char *s)
{
    for (int i = 0; agencies[i]; i++)
        if (strcasecmp(s, agencies[i]) == 0)
            return 1;
    return 0;
}

int mw_authors_add(json_t *names, const char *name)
{
    size_t i;
    json_t *v;
    if (!name || !*name)
        return 0;
    json_array_foreach(names, i, v) {
        if (json_is_string(v) && strcasecmp(json_string_value(v), name) == 0)
            return 0;
    }
    return json_array_append_new(names, json_string(name)) == 0;
}

static int is_word_byte(unsigned char c) { return isalnum(c) || c >= 0x80; }

/* Case-insensitive (ASCII) search for w in s at word boundaries (a trailing plural "s" allowed). */
static const char *find_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; *p; p++) {
        if (strncasecmp(p, w, n) != 0)
            continue;
        if (p > s && is_word_byte((unsigned char)p[-1]))
            continue;
        unsigned char after = (unsigned char)p[n];
        if (after == 's' && !is_word_byte((unsigned char)p[n + 1]))
            return p;
        if (!is_word_byte(after) || !is_word_byte((unsigned char)w[n - 1]))
            return p;
    }
    return NULL;
}

static void trim(char **ps)
{
    char *s = *ps;
    for (;;) {
        if (*s == ' ' || *s == ',' || *s == ';' || *s == ':' || *s == '|' || *s == '-' || *s == '*' ||
            *s == '.' || *s == '"' || *s == '\'')
            s++;
        else if (!strncmp(s, "\xe2\x80\x93", 3) || !strncmp(s, "\xe2\x80\x94", 3) || !strncmp(s, "\xe2\x80\xa2", 3) ||
                 !strncmp(s, "\xef\xbc\x9a", 3))
            s += 3;
        else if (!strncmp(s, "\xc2\xb7", 2))
            s += 2;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == ',' || s[n - 1] == ';' || s[n - 1] == ':' || s[n - 1] == '|' ||
                  s[n - 1] == '-' || s[n - 1] == '*' || s[n - 1] == '"'))
            n--;
        else if (n >= 3 && (!strncmp(s + n - 3, "\xe2\x80\x93", 3) || !strncmp(s + n - 3, "\xe2\x80\x94", 3) ||
                            !strncmp(s + n - 3, "\xef\xbc\x9a", 3)))
            n -= 3;
        else
            break;
    }
    s[n] = 0;
    *ps = s;
}

/* Drop a leading label ("By", "Von:", "Autor:", "Quelle:") once; 1 when one was dropped. */
static int strip_prefix(char **ps)
{
    char *s = *ps;
    for (int i = 0; prefixes[i]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncasecmp(s, prefixes[i], n) != 0)
            continue;
        char c = s[n];
        int cjk = (unsigned char)prefixes[i][0] >= 0xE0;
        if (c == ' ' || c == ':' || c == 0 || !strncmp(s + n, "\xef\xbc\x9a", 3) || !strncmp(s + n, "\xc2\xa0", 2) ||
            (cjk && (unsigned char)c >= 0x80)) {
            if (c == 0 && !cjk && strlen(prefixes[i]) > 3)
                return 0; /* "Text" alone could be a surname; only a label when something follows */
            *ps = s + n;
            trim(ps);
            return 1;
        }
    }
    return 0;
}

/* Remove tokens that are URLs, e-mails or handles, and parenthesised parts; unwrap a fully bracketed byline. */
static void drop_noise(char *s)
{
    size_t n = strlen(s);
    if (n > 2 && (s[0] == '(' || s[0] == '[') && (s[n - 1] == ')' || s[n - 1] == ']')) {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    } else if (n > 6 && !strncmp(s, "\xef\xbc\x88", 3) && !strcmp(s + n - 3, "\xef\xbc\x89")) {
        memmove(s, s + 3, n - 6);
        s[n - 6] = 0;
    }
    char *w = s;
    for (char *r = s; *r;) {
        if (*r == '(' && w != s) { /* a parenthetical after a name: "(AFP)", "(Text)" */
            char *e = strchr(r, ')');
            if (e) { r = e + 1; continue; }
        }
        char *tok_end = r;
        while (*tok_end && *tok_end != ' ')
            tok_end++;
        size_t tl = (size_t)(tok_end - r);
        int noise = 0;
        if ((r == s || r[-1] == ' ') && tl) {
            char save = *tok_end;
            *tok_end = 0;
            if (strstr(r, "://") || !strncasecmp(r, "www.", 4) || (strchr(r, '@') && strchr(strchr(r, '@'), '.')) ||
                (r[0] == '@' && tl > 1))
                noise = 1;
            *tok_end = save;
        }
        if (noise) {
            r = tok_end;
            continue;
        }
        *w++ = *r++;
    }
    *w = 0;
}

/* Replace every separator with SEP; joiners are words, so they need the spaces around them. */
static void mark_separators(char *s)
{
    for (int i = 0; joiners[i]; i++) {
        size_t n = strlen(joiners[i]);
        char *p;
        while ((p = strstr(s, joiners[i])) != NULL) {
            p[0] = SEP;
            memmove(p + 1, p + n, strlen(p + n) + 1);
        }
    }
    static const char *const multi[] = {"\xe3\x80\x81", "\xef\xbc\x8c", "\xe2\x80\xa2", "\xc2\xb7", "\xef\xbc\x8f",
                                        "\xef\xbc\x9b", NULL};
    for (int i = 0; multi[i]; i++) {
        size_t n = strlen(multi[i]);
        char *p;
        while ((p = strstr(s, multi[i])) != NULL) {
            p[0] = SEP;
            memmove(p + 1, p + n, strlen(p + n) + 1);
        }
    }
    for (char *p = s; *p; p++)
        if (*p == ',' || *p == ';' || *p == '|' || *p == '/' || *p == '\n')
            *p = SEP;
}

static int has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return 1;
    return 0;
}

/* One all-caps word after a name that is no agency: an affiliation or a place ("Kate Sullivan, CNN",
 * "Ashok Pradhan, TNN", "Martin Gerecke, CMS", "AFP, MANILA"), not a second author. */
static int is_caps_tail(const char *s)
{
    int letters = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ')
            return 0;
        if (islower((unsigned char)*p))
            return 0;
        if (isupper((unsigned char)*p))
            letters++;
    }
    return letters >= 3 && !mw_authors_is_agency(s);
}

static int words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        if (*s == ' ')
            in = 0;
        else if (!in)
            in = 1, n++;
    }
    return n;
}

/* Degrees and suffixes that follow a name after a comma ("Rachael Link, MS, RD"). */
static int is_credential(const char *s)
{
    static const char *const cred[] = {"ms", "ma", "msc", "rd", "rdn", "phd", "ph.d.", "md", "m.d.", "mba", "rn",
                                       "mph", "jr", "jr.", "sr", "sr.", "ii", "iii", "cpt", "cscs", "lcsw", "dds",
                                       "esq", "esq.", "bsc", "ba", "llm", "cfa", "cpa", NULL};
    for (int i = 0; cred[i]; i++)
        if (!strcasecmp(s, cred[i]))
            return 1;
    return 0;
}

static int plausible(const char *s)
{
    static const char *const junk[] = {"and", "by", "more", "the", "staff", "admin", "administrator", "guest",
                                       "anonymous", "unknown", "none", "null", "author", "authors", "profile",
                                       "facebook", "twitter", "email", "e-mail", "instagram", "linkedin", NULL};
    size_t n = strlen(s);
    if (n < 2 || n > 80 || words(s) > 6)
        return 0;
    for (int i = 0; junk[i]; i++)
        if (strcasecmp(s, junk[i]) == 0)
            return 0;
    for (const char *p = s; *p; p++)
        if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)
            return 1;
    return 0;
}

/* Cut " in Washington" / " reporting from Kyiv" / " skrifar frá Porsgrunn" off a name. */
static void cut_place(char *s)
{
    static const char *const ins[] = {" reporting from ", " reporting in ", " skrifar frá ", " rapporterer fra ",
                                      " rapporterar från ", " berichtet aus ", " in ", " aus ", " from ", NULL};
    for (int i = 0; ins[i]; i++) {
        char *p = strstr(s, ins[i]);
        if (p && p > s && isupper((unsigned char)p[strlen(ins[i])]))
            *p = 0;
    }
}

/* Korean, Japanese and Chinese put the role after the name, without a comma: "신현주 기자", "山田太郎記者". */
static void cut_role_after(char *s)
{
    static const char *const after[] = {"선임기자", "기자", "특파원", "논설위원", "記者", "特派員", "編集委員", "记者",
                                        "特约记者", "通讯员", NULL};
    size_t n = strlen(s);
    for (int i = 0; after[i]; i++) {
        size_t k = strlen(after[i]);
        if (n > k && !strcmp(s + n - k, after[i])) {
            s[n - k] = 0;
            trim(&s);
            n = strlen(s);
            while (n && s[n - 1] == ' ')
                s[--n] = 0;
            return;
        }
    }
}

/* Handle one segment: returns 1 added, 0 dropped, -1 out-of-memory. */
static int take_segment(char *seg, json_t *names, int kept_before)
{
    trim(&seg);
    while (strip_prefix(&seg))
        ;
    if (has_digit(seg)) {
        /* "Ann Bell 14.01.2020": a name and then a date; a digit before two words is no name at all */
        char *d = seg;
        while (*d && !isdigit((unsigned char)*d))
            d++;
        *d = 0;
        static const char *const when[] = {"published", "updated", "posted", "aktualisiert", "am", "le", "on", NULL};
        for (int i = 0; when[i]; i++) {
            const char *w = find_word(seg, when[i]);
            if (w && w > seg)
                *(char *)w = 0;
        }
        trim(&seg);
        if (words(seg) < 2)
            return 0;
    }
    if (!*seg)
        return 0;
    for (int i = 0; timewords[i]; i++)
        if (!strncasecmp(seg, timewords[i], strlen(timewords[i])))
            return 0;
    for (int i = 0; roles[i]; i++) {
        const char *p = find_word(seg, roles[i]);
        if (!p)
            continue;
        if (p != seg)
            return 0;         /* "Associated Press Writer", "Yomiuri Shimbun Staff Writers" */
        seg += strlen(roles[i]); /* "Reporter John Smith" */
        if (*seg == 's')
            seg++;
        trim(&seg);
        i = -1;
        if (!*seg)
            return 0;
    }
    cut_place(seg);
    cut_role_after(seg);
    trim(&seg);
    if (kept_before && (is_caps_tail(seg) || is_credential(seg)))
        return 0;
    /* "Cleveland.com", "NJ Advance Media for NJ.com": an outlet, not a person */
    const char *dot = strrchr(seg, '.');
    if (dot && dot > seg && isalpha((unsigned char)dot[1]) && isalpha((unsigned char)dot[2]) && !strchr(seg, ' '))
        return 0;
    if (kept_before && strstr(seg, " for "))
        return 0;
    if (!plausible(seg))
        return 0;
    size_t before = json_array_size(names);
    if (mw_authors_add(names, seg) == 0 && json_array_size(names) == before)
        return 0;
    return 1;
}

int mw_authors_split(const char *byline, json_t *names)
{
    if (!byline || !names)
        return 0;
    char *s = mw_text_fold(byline, strlen(byline), 0);
    if (!s)
        return -1;
    drop_noise(s);
    char *p = s;
    trim(&p);
    while (strip_prefix(&p))
        ;
    /* "Jane Doe in News, Business, Property": a list after " in " is the post's categories, and its commas must
     * not make names ("A in Beirut, B in Amsterdam" is two people with their places: cut_place's) */
    char *in = strstr(p, " in ");
    if (in && in > p && isupper((unsigned char)in[4]) && strchr(in, ',') && !strstr(in + 4, " in ") &&
        !strstr(in, " and "))
        *in = 0;
    mark_separators(p);
    int added = 0, kept = 0;
    char *seg = p;
    for (;;) {
        char *end = strchr(seg, SEP);
        if (end)
            *end = 0;
        size_t before = json_array_size(names);
        int r = take_segment(seg, names, kept);
        if (r < 0) {
            free(s);
            return -1;
        }
        added += r;
        if (r > 0 || json_array_size(names) > before)
            kept = 1;
        else if (!kept) {
            /* a name already present counts as kept for the caps-tail rule */
            char tmp[96];
            snprintf(tmp, sizeof tmp, "%s", seg);
            char *t = tmp;
            trim(&t);
            size_t i;
            json_t *v;
            json_array_foreach(names, i, v) if (!strcasecmp(json_string_value(v), t)) kept = 1;
        }
        if (!end)
            break;
        seg = end + 1;
    }
    free(s);
    return added;
}
