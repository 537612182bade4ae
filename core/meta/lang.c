/* meta/lang.c: which language a text is in, from its scripts (Arabic, Hangul, kana, Han, Cyrillic) and from
 * stop-word counts among Latin-script languages; and tag normalisation. Which text to look at is meta.c's. */
#include "meta/lang.h"

#include <ctype.h>
#include <string.h>

enum { EN, DE, FR, ES, TR, RU, UK, AR, ZH, JA, KO, MS, ID, PT, IT, NLANG };
static const char *const codes[NLANG] = {"en", "de", "fr", "es", "tr", "ru", "uk", "ar", "zh", "ja", "ko",
                                         "ms", "id", "pt", "it"};

/* Frequent short words, lower case. A word may sit in several lists: it then counts for each. */
static const char *const stop[NLANG] = {
    [EN] = " the of and to in is that for it with was on as are be by this have from at not but has his they "
           "which were their been had will would said there who its after more about also than ",
    [DE] = " der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an "
           "werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum "
           "war haben nur oder aber vor zur bis mehr durch ",
    [FR] = " le la les de des et en un une du est que pour dans qui au sur pas par plus ne se ce il sont "
           "avec à aux ont été elle mais leur cette comme nous ou sa son ses ",
    [ES] = " el la los las de y en que del se por un una con para es al lo como más pero sus le ha fue "
           "este son entre está cuando muy sin sobre también ya hay ",
    [TR] = " ve bir bu da de için ile olarak çok daha gibi olan en ama ki değil kadar sonra ise olduğunu "
           "yılında tarafından her şekilde ne diye göre bin milyon ",
    [RU] = " и в не на что с по это как он из за для от его но к о так уже был было она они все мы при "
           "также быть только если бы или года ее их ",
    [UK] = " і в у не на що з до це як від для за але його вже був було вона вони все ми при також бути "
           "тільки якщо чи року її їх та які щоб ",
    [MS] = " yang dan di dengan untuk ini itu dari dalam pada kepada adalah akan telah oleh tidak ialah "
           "kerana beliau daripada iaitu boleh mereka juga ",
    [ID] = " yang dan di dengan untuk ini itu dari dalam pada kepada adalah akan telah oleh tidak karena "
           "bisa tersebut saat sudah mereka juga ",
    [PT] = " o a os as de do da dos das e em que um uma para com não por mais no na se foi ao pelo pela "
           "como mas seu sua ou ser são está também ",
    [IT] = " il la lo gli le di e che un una per con non del della in è si da al dei nel sono come ma più "
           "anche ha alla ci questo ",
};

static unsigned next_cp(const unsigned char **ps, const unsigned char *end)
{
    const unsigned char *s = *ps;
    unsigned c = s[0];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (s + len > end)
        len = 1;
    unsigned cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int i = 1; i < len; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    *ps = s + len;
    return cp;
}

static int is_letter(unsigned cp)
{
    return (cp < 0x80 && isalpha((int)cp)) || (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && cp < 0x2000) ||
           (cp >= 0x3040 && cp < 0xD7B0);
}

/* Count the stop words of every language in a Latin or Cyrillic word. */
static void count_word(const char *w, size_t n, int score[NLANG])
{
    if (n == 0 || n > 24)
        return;
    char key[32];
    key[0] = ' ';
    memcpy(key + 1, w, n);
    key[n + 1] = ' ';
    key[n + 2] = 0;
    for (int l = 0; l < NLANG; l++)
        if (stop[l] && strstr(stop[l], key))
            score[l]++;
}

/* Lower-case ASCII and the Cyrillic capitals (the only cases stop-word lists need). */
static size_t lower_into(const unsigned char *s, const unsigned char *e, char *out, size_t cap)
{
    size_t o = 0;
    while (s < e && o + 4 < cap) {
        const unsigned char *p = s;
        unsigned cp = next_cp(&p, e);
        if (cp < 0x80)
            out[o++] = (char)tolower((int)cp);
        else {
            if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
            else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;
            else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) cp += 0x20;
            if (cp < 0x800) {
                out[o++] = (char)(0xC0 | (cp >> 6));
                out[o++] = (char)(0x80 | (cp & 0x3F));
            } else {
                memcpy(out + o, s, (size_t)(p - s));
                o += (size_t)(p - s);
            }
        }
        s = p;
    }
    out[o] = 0;
    return o;
}

struct letters {   /* letters by script; uk_only, ru_only: letters only Ukrainian or only Russian writes */
    long latin, cyr, arabic, hangul, kana, han, uk_only, ru_only;
};

/* The rest of a word of Latin or Cyrillic letters whose first letter, cp, was read (s is past it): its letters
 * counted; returns where the word ends. */
static const unsigned char *read_word(const unsigned char *s, const unsigned char *end, unsigned cp,
                                      struct letters *lt)
{
    const unsigned char *we = s;
    int is_cyr = cp >= 0x400 && cp <= 0x4FF;
    for (;;) {
        if (is_cyr) {
            lt->cyr++;
            if (cp == 0x456 || cp == 0x457 || cp == 0x454 || cp == 0x491) lt->uk_only++;
            if (cp == 0x44B || cp == 0x44D || cp == 0x44A || cp == 0x451) lt->ru_only++;
        } else
            lt->latin++;
        if (we >= end)
            return we;
        const unsigned char *q = we;
        unsigned c2 = next_cp(&q, end);
        if (!is_letter(c2) || (c2 >= 0x3040))
            return we;
        cp = c2;
        is_cyr = cp >= 0x400 && cp <= 0x4FF;
        we = q;
    }
}

/* Among the Latin-script languages, the one whose common words scored most (at least 2), else -1. */
static int best_latin(const int *score)
{
    int best = -1;
    static const int latin_langs[] = {EN, DE, FR, ES, TR, MS, ID, PT, IT};
    for (size_t i = 0; i < sizeof latin_langs / sizeof *latin_langs; i++)
        if (best < 0 || score[latin_langs[i]] > score[best])
            best = latin_langs[i];
    return best >= 0 && score[best] >= 2 ? best : -1;
}

const char *mw_lang_detect(const char *utf8, size_t n)
{
    if (!utf8)
        return NULL;
    if (n > 65536)
        n = 65536;
    const unsigned char *s = (const unsigned char *)utf8, *end = s + n;
    struct letters lt = {0};
    int score[NLANG] = {0};
    while (s < end) {
        const unsigned char *w0 = s;
        unsigned cp = next_cp(&s, end);
        if (!is_letter(cp))
            continue;
        if (cp >= 0x0600 && cp <= 0x06FF) { lt.arabic++; continue; }
        if (cp >= 0xAC00 && cp <= 0xD7AF) { lt.hangul++; continue; }
        if (cp >= 0x3040 && cp <= 0x30FF) { lt.kana++; continue; }
        if (cp >= 0x4E00 && cp <= 0x9FFF) { lt.han++; continue; }
        s = read_word(s, end, cp, &lt);
        char low[80];
        if ((size_t)(s - w0) < 60)
            count_word(low, lower_into(w0, s, low, sizeof low), score);
    }
    long total = lt.latin + lt.cyr + lt.arabic + lt.hangul + lt.kana + lt.han;
    if (total < 12)
        return NULL;
    if (lt.arabic * 2 > total) return codes[AR];
    if (lt.hangul * 3 > total) return codes[KO];
    if ((lt.kana + lt.han) * 2 > total)
        return lt.kana * 10 >= lt.kana + lt.han ? codes[JA] : codes[ZH];
    if (lt.cyr * 2 > total) {
        long ru = score[RU] + lt.ru_only, uk = score[UK] + lt.uk_only * 2;
        return uk > ru ? codes[UK] : codes[RU];
    }
    int best = best_latin(score);
    return best < 0 ? NULL : codes[best];
}

int mw_lang_normalize(const char *tag, char out[3])
{
    if (!tag)
        return -1;
    while (*tag == ' ')
        tag++;
    if (!isalpha((unsigned char)tag[0]) || !isalpha((unsigned char)tag[1]))
        return -1;
    char c = tag[2];
    if (c && c != '-' && c != '_' && c != ' ' && c != ',' && c != ';')
        return -1;
    out[0] = (char)tolower((unsigned char)tag[0]);
    out[1] = (char)tolower((unsigned char)tag[1]);
    out[2] = 0;
    return 0;
}
