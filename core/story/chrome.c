/* story/chrome.c: the words of a page's chrome, which a naive extractor leaves in the text and which no event
 * is told in: cookie and consent banners, paywalls and sign-up forms, captcha and blocked-address pages,
 * comment forms, share and follow links, donation appeals. Each word weighs 1 to 3; features.c drops the
 * sentences whose words weigh MW_STORY_CHROME or more. Words are prefixes of a folded token. */
#include "story/story.h"

#include <stdlib.h>
#include <string.h>

/* "word:weight" (weight 1 when left out); a word matches every token that starts with it ("cookie" matches
 * "cookies", "datenschutz" "datenschutzerklarung"); "word=" matches that token alone. Weight 3: chrome by
 * itself; 2: nearly always chrome; 1: chrome among others (a news sentence has one of them now and then). */
static const char *const LISTS[] = {
    /* en */
    "cookie:3 javascript:3 captcha:3 recaptcha:3 adblock:3 newsletter:3 password:3 paywall:3 unsubscrib:3 "
    "netiquette:3 privacy:2 consent:2 subscri:2 login:2 browser:2 username:2 homepage:2 click:2 checkbox:2 "
    "advertis email:2 notification preferences settings register account website site= webpage sign= "
    "share= follow= facebook twitter instagram youtube telegram tiktok whatsapp linkedin pinterest "
    "please you= your= yours= partners favorites bookmark comment download accept "
    "donat enable disable robot= ip=:2 terms= policy reader= readers= access= ",
    /* de */
    "datenschutz:3 datenverarbeitung:3 passwort:3 pflichtfeld:3 werbeblocker:3 nutzungsbedingung:2 "
    "einwilligung:2 anklicken:2 klicken:2 einloggen:2 personenbezog:2 abonn:2 zustimmung akzeptier "
    "registrier anmeld kommentar widerruf werbung webseite teilen leserkonto spenden dein= deine= ",
    /* es */
    "privacidad:3 contrasena:3 suscri:2 consentimiento:2 navegador:2 clic:2 iniciar= sesion= registr "
    "acepta publicidad boletin comentario compartir donar donacion tu= tus= ",
    /* fr */
    "confidentialite:3 consentement:2 navigateur:2 cliquez:2 cliquant:2 abonn:2 connexion inscri "
    "accepte publicite partage commentaire votre= vos= vous= donnees= personnelles= ",
    /* tr */
    "cerez:3 gizlili:3 kvkk:3 aydinlatma:2 tarayici:2 tikla:2 abone:2 uyeli:2 sifre:2 giris= "
    "paylas yorum kabul bulten reklam kisisel= ",
    /* pl */
    "ciasteczk:3 prywatnosc:3 rodo:3 subskrypc:2 zaloguj:2 klikajac:2 kliknij:2 przegladark:2 zaznacz=:2 "
    "zaakceptuj:2 przetwarzani:2 haslo akceptuj zgode= witryn reklam robotem= polaczen osobow "
    "uzytkownik komentarz udostepnij twoj= twoja= twoje= twojego= ",
    /* ru */
    "конфиденциальн:3 подписк:2 подписаться:2 браузер:2 нажмите:2 нажимая:2 авторизу:2 регистрац пароль:2 "
    "рассылк:2 согласие реклам комментари поделиться персональн ваш= ваша= ваши= ",
    /* ar: stemmed at build as features.c stems a token (the article and clitics off) */
    "الخصوصية:3 اشترك:2 الاشتراك:2 التبرع:2 ادعم:2 المتصفح:2 انقر:2 اضغط:2 الموقع= البريد ",
    /* other scripts' chrome is mostly English words: gdpr and friends */
    "gdpr:3 dsgvo:3 rgpd:3 ",
};

#define SLOTS 2048   /* a power of two, over twice the words */

struct word {
    char *w;
    unsigned char len, weight, exact;
};

struct mw_story_chrome {
    struct word slot[SLOTS];
    uint32_t lengths;   /* bit n: some word has n bytes */
    uint64_t pair[1024];/* bit (b0 << 8 | b1): some word opens with the bytes b0 b1 (most tokens open no word) */
    char *arena;
};

static int pair_has(const struct mw_story_chrome *c, const char *w)
{
    unsigned k = (unsigned)(unsigned char)w[0] << 8 | (unsigned char)w[1];
    return (int)(c->pair[k >> 6] >> (k & 63) & 1);
}

static uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static struct word *find_hashed(const struct mw_story_chrome *c, const char *w, size_t n, uint32_t h)
{
    size_t i = h & (SLOTS - 1);
    while (c->slot[i].w && (c->slot[i].len != n || memcmp(c->slot[i].w, w, n)))
        i = (i + 1) & (SLOTS - 1);
    return (struct word *)&c->slot[i];
}

static struct word *find(const struct mw_story_chrome *c, const char *w, size_t n)
{
    return find_hashed(c, w, n, fnv(w, n));
}

struct building {
    struct mw_story_chrome *c;
    char *at;
    int weight, exact;
};

static int add_word(void *ctx, const struct mw_story_token *t)
{
    struct building *b = ctx;
    size_t n = strlen(t->norm);
    if (n >= 32)
        return 1;
    char w[MW_STORY_TOKMAX];
    memcpy(w, t->norm, n + 1);
    if (t->script == MW_SCRIPT_ARABIC)
        mw_story_arabic_light(w);
    n = strlen(w);
    struct word *s = find(b->c, w, n);
    if (!s->w) {
        s->w = memcpy(b->at, w, n + 1);
        b->at += n + 1;
        s->len = (unsigned char)n;
        s->weight = (unsigned char)b->weight;
        s->exact = (unsigned char)b->exact;
        b->c->lengths |= 1u << n;
        unsigned k = (unsigned)(unsigned char)w[0] << 8 | (unsigned char)w[1];   /* n >= 1: w[1] may be its NUL */
        b->c->pair[k >> 6] |= 1ull << (k & 63);
    }
    return 1;   /* one token per entry */
}

/* the entries of one list: "word[:weight][=]" separated by spaces, each word folded as a token is */
static void add_list(struct building *b, const char *list)
{
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ' ' && *end != ':' && *end != '=')
            end++;
        if (end == p)
            break;
        const char *word = p;
        size_t len = (size_t)(end - p);
        b->weight = 1;
        b->exact = 0;
        for (; *end && *end != ' '; end++) {
            if (*end == ':' && end[1] >= '1' && end[1] <= '3')
                b->weight = end[1] - '0';
            if (*end == '=')
                b->exact = 1;
        }
        mw_story_tokens(word, len, add_word, b);
        p = end;
    }
}

struct mw_story_chrome *mw_story_chrome_new(void)
{
    struct mw_story_chrome *c = calloc(1, sizeof *c);
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
        bytes += strlen(LISTS[i]) + 1;
    if (c && !(c->arena = malloc(bytes * 2))) {
        free(c);
        return NULL;
    }
    if (!c)
        return NULL;
    struct building b = {c, c->arena, 1, 0};
    for (size_t i = 0; i < sizeof LISTS / sizeof LISTS[0]; i++)
        add_list(&b, LISTS[i]);
    return c;
}

void mw_story_chrome_free(struct mw_story_chrome *c)
{
    if (!c)
        return;
    free(c->arena);
    free(c);
}

int mw_story_chrome_weight(const struct mw_story_chrome *c, const char *norm)
{
    if (!norm[0] || (!(c->lengths & 2u) && !pair_has(c, norm)))   /* no word of one byte: two bytes tell */
        return 0;
    uint32_t h = 2166136261u;   /* fnv() of each prefix in turn; norm[n] == '\0': the prefix is the word */
    for (size_t n = 1; n < 32 && norm[n - 1]; n++) {
        h = (h ^ (unsigned char)norm[n - 1]) * 16777619u;
        if (!(c->lengths & (1u << n)))
            continue;
        const struct word *s = find_hashed(c, norm, n, h);
        if (s->w && (!s->exact || !norm[n]))
            return s->weight;
    }
    return 0;
}
