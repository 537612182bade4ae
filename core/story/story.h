/* story/story.h: grouping the articles that report one event, across outlets and languages, and comparing how
 * each outlet told it. One header for the module; one file per job:
 *   text.c        UTF-8 tokens: case and accent folding, mojibake repair, scripts, consonant skeletons
 *   stopwords.c   function words of en de es fr tr pl ru ar (+ it pt), as one set
 *   chrome.c      the words of a page's chrome (consent banners, paywalls, captchas, share links)
 *   features.c    an article record -> weighted terms (word stems, skeletons, numbers) and label names
 *   similarity.c  terms + document frequencies -> vectors; the pair similarity and the same-story decision
 *   index.c       the in-memory backend (document frequencies, postings by day, documents, stories)
 *   cluster.c     the online assignment of one article to a story over any backend; story summaries
 *   story_store.c the store backend (SQLite, PostgreSQL): story tables beside the articles, the run hook, rebuild
 *   align.c       sentences and their alignment across the members of a story
 *   attrib.c      the sources a text cites and its direct quotes with their speakers
 *   names.c       the names a story's members share, and who spells them how
 *   compare.c     the comparison of a story's members (JSON)
 *   html.c        the comparison as one self-contained HTML page
 * No printing, no exit(), no mutable globals. */
#ifndef MW_STORY_H
#define MW_STORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"

/* Bump when features, weights or the decision change: stored story tables made by another version are rebuilt. */
#define MW_STORY_VERSION 2

/* ======================================================================= text.c */

enum mw_script { MW_SCRIPT_NONE = 0, MW_SCRIPT_LATIN, MW_SCRIPT_CYRILLIC, MW_SCRIPT_ARABIC, MW_SCRIPT_GREEK,
                 MW_SCRIPT_OTHER };

#define MW_STORY_TOKMAX 64
struct mw_story_token {
    size_t off, len;              /* the token's bytes in the input */
    char norm[MW_STORY_TOKMAX];   /* folded: lower case, Latin accents off ("für" -> "fur", "ł" -> "l"),
                                     Arabic letter variants merged, digits of any script as ASCII */
    size_t nchars;                /* code points in norm */
    unsigned char script;         /* enum mw_script of its letters (MW_SCRIPT_NONE for digits) */
    unsigned char cap;            /* the first letter is upper case in the input */
    unsigned char digits;         /* digits only */
    unsigned char initial;        /* first token of a sentence (after . ! ? : a line break or an opening quote) */
};
/* fn returns non-zero to stop. Text that was UTF-8 read as Latin-1/cp1252 ("fÃ¼r") is read as meant. */
typedef int (*mw_story_token_fn)(void *ctx, const struct mw_story_token *t);
void mw_story_tokens(const char *text, size_t len, mw_story_token_fn fn, void *ctx);

/* The consonant skeleton of a folded token, read through a Latin transliteration (Cyrillic and Arabic too):
 * "haftar", "hifter", "хафтар", "حفتر" -> "ftr"; vowels, h, w, y dropped, c/q -> k, z -> s, doubles
 * squeezed. At most max bytes (and out holds max+1). Returns its length. */
size_t mw_story_skeleton(const char *norm, unsigned char script, char *out, size_t max);
/* Arabic light stemming of a folded token in place: the article and one-letter clitics in front, common
 * suffixes behind, leaving at least three letters. */
void mw_story_arabic_light(char *norm);
/* First max code points of s (UTF-8), in place. */
void mw_story_utf8_trunc(char *s, size_t max);

/* ======================================================================= stopwords.c */

struct mw_story_stop;
/* The function words of every language the module knows, as one set (a word that is a function word in one
 * language carries no event in another either). Owned: mw_story_stop_free. NULL when out of memory. */
struct mw_story_stop *mw_story_stop_new(void);
void mw_story_stop_free(struct mw_story_stop *s);
int mw_story_stop_has(const struct mw_story_stop *s, const char *norm);
/* The chrome weight (below) of a token as features.c stems it: its folded form, Arabic light-stemmed. */
int mw_story_stop_chrome(const struct mw_story_stop *s, const char *stem);

/* ======================================================================= chrome.c */

/* A sentence whose words weigh this much together is the page's chrome (a cookie banner, a paywall, a captcha,
 * share links), not the article: it gives no terms. */
#define MW_STORY_CHROME 3
struct mw_story_chrome;
/* The words of chrome in the module's languages, each weighing 1 to 3. Owned: mw_story_chrome_free. NULL when
 * out of memory. */
struct mw_story_chrome *mw_story_chrome_new(void);
void mw_story_chrome_free(struct mw_story_chrome *c);
/* 0 for most words; 1..3 for a word of chrome ("cookies" 3, "subscribe" 2, "twitter" 1). */
int mw_story_chrome_weight(const struct mw_story_chrome *c, const char *stem);

/* ======================================================================= features.c */

/* A term id: kind in the top two bits, a hash of the term below. */
enum mw_term_kind { MW_TERM_WORD = 0, MW_TERM_SKEL = 1, MW_TERM_NUM = 2 };
#define MW_TERM_KIND(id) ((unsigned)((id) >> 30))

#define MW_STORY_MAXF 128          /* terms kept per article: the most frequent (head-weighted), then the first */
#define MW_STORY_NAMES 8           /* label names kept per article */
#define MW_STORY_NAMELEN 40

struct mw_story_term {
    uint32_t id;
    float tf;                      /* head-weighted count: a term among the first words counts more */
};
struct mw_story_name {
    uint32_t id;                   /* the skeleton term it is counted under */
    float w;
    char surface[MW_STORY_NAMELEN];/* as the text writes it: "Haftar" */
};
struct mw_story_feats {
    struct mw_story_term t[MW_STORY_MAXF];
    size_t n;                      /* sorted by id, unique */
    struct mw_story_name names[MW_STORY_NAMES];
    size_t nnames;
    unsigned char script;          /* the text's dominant script */
    char lang[4];                  /* two-letter code, "" when unknown */
};
/* Terms of title + body (lead when body is empty). f is filled whole (lang left ""); never fails. */
void mw_story_features(const struct mw_story_stop *stop, const char *title, const char *body,
                       struct mw_story_feats *f);
/* The same from an article record (title, body, lead); lang from its "lang", else guessed from the text. */
void mw_story_features_record(const struct mw_story_stop *stop, const json_t *rec, struct mw_story_feats *f);

/* ======================================================================= similarity.c */

#define MW_STORY_MAXV MW_STORY_MAXF
#define MW_STORY_NODAY INT32_MIN   /* no published date */
#define MW_STORY_WINDOW 7          /* days: reports of one event are days apart, not weeks */
#define MW_STORY_THRESHOLD 0.42    /* same_story when similarity >= this (set on the dev pairs, see README) */

struct mw_story_vec {
    uint32_t id[MW_STORY_MAXV];    /* sorted */
    float w[MW_STORY_MAXV];        /* L2-normalised */
    size_t n;
    float xnorm;                   /* norm of the script-free part (skeletons, numbers) */
    int32_t day;                   /* days since 1970-01-01 UTC, or MW_STORY_NODAY */
    unsigned char script;
    char lang[4];
};
/* Weights (1 + ln tf) * kind weight * ln((ndocs + 10) / (df + 1)); df[i] belongs to f->t[i] and counts the
 * other documents (of the batch, or of the article's window) holding it. */
void mw_story_vec_make(const struct mw_story_feats *f, const uint32_t *df, int64_t ndocs, int32_t day,
                       struct mw_story_vec *v);
/* 0..1: sqrt of the cosine (over skeletons and numbers only when the scripts differ; times 1.55 when the
 * languages differ, as two languages share only names, numbers and cognates), times a time factor that is 1
 * within 3 days and 3/days beyond (3/3.5 when only one of the two has a date). */
double mw_story_similarity(const struct mw_story_vec *a, const struct mw_story_vec *b);
int mw_story_same(double similarity);
/* Pairs judged within one batch of n documents (each counted once in the document frequencies, never against
 * itself): sims[k] for docs[pairs[k][0]] and docs[pairs[k][1]]; days may be NULL. 0 or MW_ENOMEM. */
int mw_story_batch_similarity(const struct mw_story_feats *const *docs, const int32_t *days, size_t n,
                              const size_t (*pairs)[2], size_t m, double *sims);
/* Days since the epoch of an ISO 8601 time ("2020-01-14T12:05:00+03:00" -> its UTC day), or MW_STORY_NODAY. */
int32_t mw_story_day(const char *iso);

/* ======================================================================= cluster.c (over a backend) */

#define MW_STORY_QUERY 24          /* rarest terms an article is looked up under (it is indexed under all) */
#define MW_STORY_POSTCAP 200       /* a term held by more articles of the window is not telling: skipped */
#define MW_STORY_CANDS 48          /* candidates compared in full per article */
#define MW_STORY_MERGE 0.5         /* an article bridges two stories into one only when this close to both */

struct mw_story_doc {              /* one article as the clustering sees it */
    int64_t id;                    /* article id: the store's, or the input order */
    int32_t day;
    unsigned char script;
    char lang[8];
    char outlet[128];
    char published[48];            /* as the record gives it */
    double epoch;                  /* published as seconds, 0 when unknown */
    struct mw_story_feats feats;
    /* filled by mw_story_assign: */
    int64_t story, via;            /* its story (the smallest member id) and the member it joined through */
    double via_sim;
};
/* The outlet of a record: "outlet", else the run's outlet, else the rule, else the URL's host, else
 * "(unknown outlet)". */
void mw_story_outlet(const json_t *rec, char *out, size_t cap);
/* Fill id, day, script, lang, outlet, published and feats from a record. */
void mw_story_doc_from_record(const struct mw_story_stop *stop, const json_t *rec, int64_t id,
                              struct mw_story_doc *d);

/* What the clustering needs from a store of documents. The documents an article is compared with are those
 * of its window: published within MW_STORY_WINDOW days of it, and the undated (an undated article's window
 * is the undated). Every call returns 0 or an MW_E* code with err set. */
struct mw_story_backend {
    void *ctx;
    /* *ndocs documents in day's window, df[i] of them holding ids[i] */
    int (*df)(void *ctx, int32_t day, const uint32_t *ids, size_t n, uint32_t *df, int64_t *ndocs,
              struct mw_err *err);
    /* the documents of day's window holding term, at most cap + 1 of them, appended to out (*n grows) */
    int (*postings)(void *ctx, int32_t day, uint32_t term, size_t cap, int64_t *out, size_t *n, struct mw_err *err);
    int (*vec)(void *ctx, int64_t doc, struct mw_story_vec *v, struct mw_err *err);
    int (*story_of)(void *ctx, int64_t doc, int64_t *story, struct mw_err *err);
    /* store d (with d->story set) and its vector, indexed under the vector's terms */
    int (*add)(void *ctx, const struct mw_story_doc *d, const struct mw_story_vec *v, struct mw_err *err);
    /* every member of story from moves to story to */
    int (*merge)(void *ctx, int64_t from, int64_t to, struct mw_err *err);
    /* story changed (a member came, or another story merged into it): refresh its summary (may be NULL) */
    int (*touch)(void *ctx, int64_t story, struct mw_err *err);
};
/* Assign d (the newest document) to a story: its candidates come from the index (rare terms in the time
 * window), never from all pairs; it joins the story of the member it is closest to (when they are the same
 * story), and merges into it any other story it is MW_STORY_MERGE close to. */
int mw_story_assign(const struct mw_story_backend *be, struct mw_story_doc *d, struct mw_err *err);

/* A story's summary from its members (in id order; at most the first 64 read for the label). */
struct mw_story_summary {
    int64_t id;
    long articles, outlets;
    double first_epoch, last_epoch;
    char first_published[32];      /* UTC "2020-01-14T08:12:00Z" or "" */
    char outlet_list[512];         /* "TASS; teleSUR; ..." */
    char langs[64];                /* "ar en ru" */
    char label[256];               /* "Haftar · Moscow · Sarraj" */
};
struct mw_story_member {           /* what a summary reads of one member */
    const char *outlet, *lang;
    double epoch;
    const struct mw_story_name *names;
    size_t nnames;
};
void mw_story_summarize(int64_t id, const struct mw_story_member *m, size_t n, struct mw_story_summary *s);

/* ======================================================================= index.c (in memory) */

struct mw_story_index;
struct mw_story_index *mw_story_index_new(void);
void mw_story_index_free(struct mw_story_index *x);
/* The backend over x (valid while x lives). */
struct mw_story_backend mw_story_index_backend(struct mw_story_index *x);
/* Documents added, in order of addition. */
size_t mw_story_index_count(const struct mw_story_index *x);
struct mw_story_entry {
    int64_t id, story, via;        /* story after every merge so far */
    double via_sim;
    int32_t day;
    unsigned char script;
    struct mw_story_member m;      /* outlet, lang and names live as long as x (names: in the caller's buffer) */
};
/* The i-th document: names go to names[MW_STORY_NAMES]; v (may be NULL) gets its vector. 0, or -1 past the end. */
int mw_story_index_entry(const struct mw_story_index *x, size_t i, struct mw_story_entry *e,
                         struct mw_story_name *names, struct mw_story_vec *v);
/* The story of document id, or 0 when unknown. */
int64_t mw_story_index_story(const struct mw_story_index *x, int64_t id);
/* Has document id (0 or 1). */
int mw_story_index_has(const struct mw_story_index *x, int64_t id);
/* Add a document as stored elsewhere (story_store.c's cache of a window): like the backend's add. 0 or MW_ENOMEM. */
int mw_story_index_add(struct mw_story_index *x, const struct mw_story_doc *d, const struct mw_story_vec *v);
/* Bytes held (for the benchmark). */
size_t mw_story_index_bytes(const struct mw_story_index *x);

/* ============================================================ story_store.c (SQLite, PostgreSQL) */

struct mw_store;
struct mw_story_store;
/* Story tables in the crawl store s (created when missing). Owned: mw_story_store_free (the store stays the
 * caller's and must outlive it). NULL with err. */
struct mw_story_store *mw_story_store_open(struct mw_store *s, struct mw_err *err);
void mw_story_store_free(struct mw_story_store *ss);
/* The run hook: assign the article just stored from record_json (keyed as the store keys it: canonical_url,
 * else url) inside the caller's transaction (a savepoint: on failure the story tables are left as they were
 * and marked for a rebuild, the article stays). *ss is opened on first use. On PostgreSQL, workers take turns
 * at the tables (to the end of their transactions): when another holds them, the article is left for
 * mw_story_store_sync. */
int mw_story_store_hook(struct mw_story_store **ss, struct mw_store *s, const char *record_json, struct mw_err *err);
/* The same from the record already parsed and, when the caller knows it, the article's id in the store (0: look
 * it up by the record's key): what a sink that has both calls, the record read once. doc, when not NULL, is what
 * mw_story_doc_from_record makes of rec (any id), made beforehand (a crawl makes it on its extraction thread). */
int mw_story_store_hook_record(struct mw_story_store **ss, struct mw_store *s, int64_t article_id, const json_t *rec,
                               const struct mw_story_doc *doc, struct mw_err *err);
/* Bring the tables up to date: articles not yet assigned are assigned in id order; a version change, a
 * marked failure or articles assigned out of order make it a full rebuild. *rebuilt tells which. */
int mw_story_store_sync(struct mw_story_store *ss, int *rebuilt, struct mw_err *err);
/* Forget every story and cluster every stored article again (its first version, in id order), in memory,
 * then write the tables. Same grouping as the run hook gives one article at a time. */
int mw_story_store_rebuild(struct mw_story_store *ss, struct mw_err *err);
/* Stories (summaries) with first published in [since, until] (epoch, 0 = open), at least min_articles
 * articles and min_outlets outlets, newest first. fn returns non-zero to stop. */
typedef int (*mw_story_summary_fn)(void *ctx, const struct mw_story_summary *s);
int mw_story_store_list(struct mw_story_store *ss, double since, double until, long min_articles,
                        long min_outlets, mw_story_summary_fn fn, void *ctx, struct mw_err *err);
/* The members of a story: their current records (latest revision) with "story_via"/"story_similarity"
 * added, in id order. fn returns non-zero to stop. */
typedef int (*mw_story_record_fn)(void *ctx, int64_t id, const char *record_json, int64_t via, double via_sim);
int mw_story_store_members(struct mw_story_store *ss, int64_t story, mw_story_record_fn fn, void *ctx,
                           struct mw_err *err);
/* The story of the article stored under url (url or canonical_url); 0 when none. */
int mw_story_store_find(struct mw_story_store *ss, const char *url, int64_t *story, struct mw_err *err);
/* (article id, story, the member it joined through, their similarity) of every assigned article in id order,
 * for checks. */
typedef int (*mw_story_each_fn)(void *ctx, int64_t id, int64_t story, int64_t via, double via_sim);
int mw_story_store_each(struct mw_story_store *ss, mw_story_each_fn fn, void *ctx, struct mw_err *err);

/* ======================================================================= align.c */

struct mw_story_sent {
    size_t off, len;               /* in the member's text */
    int *shared;                   /* per other member: index of its aligned sentence, or -1 */
    int k;                         /* how many other members share it */
};
struct mw_story_text {             /* one member's text split into sentences */
    char *text;                    /* title + "\n\n" + body; owned */
    struct mw_story_sent *s;
    size_t n;
};
/* Split each of n texts into sentences and align them: a sentence is shared with another member when that
 * member has a sentence close enough to it (word stems and skeletons, weighted by rarity within the story).
 * texts[i] is consumed (owned by out[i], even on failure). out has n entries; free with mw_story_texts_free.
 * 0 or MW_ENOMEM. */
int mw_story_align(const struct mw_story_stop *stop, char **texts, size_t n, struct mw_story_text *out);
void mw_story_texts_free(struct mw_story_text *t, size_t n);
/* Sentence spans of text (. ! ? and line breaks; abbreviations and initials do not end one). fn gets each. */
void mw_story_sentences(const char *text, size_t len, void (*fn)(void *, size_t off, size_t len), void *ctx);

/* ======================================================================= attrib.c */

/* The sources a text cites, as a JSON array of {"source": "Al Arabiya", "kind": "agency"|"outlet"|"other",
 * "cue": "citing", "count": n}, most cited first; the text's own wire credit ("/TASS/", "(AP)",
 * "— Reuters") counts with cue "credit". New reference (json_decref). */
json_t *mw_story_sources(const char *text, const char *lang);
/* Direct quotes (at least four words) with their speakers: [{"quote": "...", "speaker": "Sergei Lavrov"
 * or null}]. A pronoun speaker ("he said") is the last named speaker before it. New reference. */
json_t *mw_story_quotes(const char *text, const char *lang);
/* 1 when name (folded) is a news agency or outlet the module knows ("reuters", "tass", "al arabiya"). */
int mw_story_known_agency(const char *name);

/* ======================================================================= names.c */

/* The names (capitalised words, and in caseless scripts the words whose skeleton matches one) each of n texts
 * uses, grouped by consonant skeleton across texts: [{"name": "Haftar", "key": "hftr", "spellings":
 * [["Haftar", "Hifter"], ["Haftar"], ...] (per text), "varies": true}], names in at least two texts first.
 * New reference. */
json_t *mw_story_names(const struct mw_story_stop *stop, const char *const *texts, size_t n);

/* ======================================================================= compare.c, html.c */

/* The comparison of n member records (in the order they were published): per outlet its published time (UTC) and lag behind the
 * first, title, dateline, authors, length, sources, quotes, names and sentences (unique or shared with k of
 * n-1). New reference, NULL when out of memory. */
json_t *mw_story_compare(const struct mw_story_stop *stop, int64_t story, json_t *const *records, size_t n);
/* One self-contained page (inline CSS and script, no network) with the outlets as columns. malloc'd. */
char *mw_story_html(const json_t *cmp);

#endif
