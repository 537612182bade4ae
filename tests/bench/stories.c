/* tests/bench/stories.c: synthetic articles for the stories benchmark (tests/bench/stories.py), and the store
 * side of it.
 *   stories gen N SEED [DAYS] N article records (JSON lines) of made-up events over DAYS days (365): each has a day, a few
 *                             names and its own words; an article tells one event (its url says which) in
 *                             about 250 words, most of them background words drawn by Zipf's law
 *   stories load STORE FILE   put FILE's articles into a fresh store in one transaction (no stories)
 *   stories add STORE FILE [BATCH]  put FILE's articles through the store's "sqlite" sink, BATCH articles a
 *                             transaction (1 when left out; `moonwire run` commits up to 256 pages at once):
 *                             each new article is assigned to its story (the run hook)
 *   stories rss OUT CMD...    run CMD (stdout to OUT) and print "rss USER SYS PEAK_KB" on stderr: the peak of
 *                             CMD alone (a child forked by a big parent starts with the parent's size)
 * Fixed seeds: the same N and SEED give the same articles. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/sink.h"
#include "run/store.h"

static uint64_t rng_state;

static uint64_t rnd(void)   /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

#define VOCAB 60000
#define NAMES 200000

/* a made-up word from syllables, the same for the same index */
static void word(uint64_t i, int cap, char *out)
{
    static const char *const SYL[] = {"ka", "ro", "mi", "ten", "sa", "lo", "vi", "dor", "ne", "ta", "shi", "gar",
                                      "pe", "lu", "zan", "bo", "ri", "mek", "to", "fa", "nil", "go", "ses", "u",
                                      "tra", "vel", "ho", "dan", "qi", "mor", "e", "lin"};
    uint64_t h = i * 0x9E3779B97F4A7C15ULL + 12345;
    int n = 2 + (int)(h % 3);
    out[0] = '\0';
    for (int k = 0; k < n; k++) {
        strcat(out, SYL[(h >> (5 * k + 8)) & 31]);
    }
    if (cap)
        out[0] = (char)(out[0] - 32);
}

/* a Zipf-like rank in [0, n): u^3 puts most draws on the first ranks and leaves a long tail */
static uint64_t zipf(uint64_t n)
{
    double u = unif();
    return (uint64_t)(n * u * u * u) % n;
}

struct event {
    int day;
    uint64_t names[5], words[14];
    int nn;
};

static void make_event(struct event *e, int days)
{
    e->day = 18000 + (int)(rnd() % (uint64_t)days);
    e->nn = 3 + (int)(rnd() % 3);
    for (int i = 0; i < e->nn; i++)
        e->names[i] = rnd() % NAMES;
    for (int i = 0; i < 14; i++)
        e->words[i] = 20000 + rnd() % (VOCAB - 20000);   /* the event's own, rarer words */
}

static void put_word(json_t *unused, char *buf, size_t *len, const char *w)
{
    (void)unused;
    size_t l = strlen(w);
    buf[(*len)++] = ' ';
    memcpy(buf + *len, w, l);
    *len += l;
    buf[*len] = '\0';
}

static void article(const struct event *e, long ev, long id, char *title, char *body, int words)
{
    char w[64];
    size_t tl = 0, bl = 0;
    title[0] = body[0] = '\0';
    for (int k = 0; k < 8; k++) {
        int r = (int)(rnd() % 10);
        if (r < 3)
            word(VOCAB + e->names[rnd() % (uint64_t)e->nn], 1, w);
        else if (r < 7)
            word(e->words[rnd() % 14], 0, w);
        else
            word(zipf(20000), 0, w);
        put_word(NULL, title, &tl, w);
    }
    for (int k = 0; k < words; k++) {
        int r = (int)(rnd() % 100);
        if (r < 8)
            word(VOCAB + e->names[rnd() % (uint64_t)e->nn], 1, w);
        else if (r < 24)
            word(e->words[rnd() % 14], 0, w);
        else if (r < 26)
            snprintf(w, sizeof w, "%d", (int)(rnd() % 5000));
        else
            word(zipf(VOCAB), 0, w);
        put_word(NULL, body, &bl, w);
        if (k % 18 == 17)
            body[bl++] = '.', body[bl] = '\0';
    }
    (void)ev;
    (void)id;
}

struct slot {
    long long t;
    long event;
};

static int by_time(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

/* event sizes: half the events have one article, the rest a few, some dozens (capped at 50) */
static int event_size(void)
{
    if (unif() < 0.5)
        return 1;
    int n = 2;
    while (n < 50 && unif() < 0.75)
        n++;
    return n;
}

static int emit(const struct event *ev, const struct slot *s, long id, char *title, char *body)
{
    article(&ev[s->event], s->event, id, title, body, 200 + (int)(rnd() % 120));
    char pub[40], url[128], outlet[32];
    time_t tt = (time_t)s->t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(pub, sizeof pub, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int o = (int)(rnd() % 300);
    snprintf(outlet, sizeof outlet, "Outlet %d", o);
    snprintf(url, sizeof url, "http://outlet%d.example/e%ld/a%ld", o, s->event, id);
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "url", url, "outlet", outlet, "title", title + 1,
                          "body", body + 1, "published", pub, "lang", "en");
    char *js = json_dumps(r, JSON_COMPACT);
    int rc = js && puts(js) >= 0 ? 0 : 1;
    free(js);
    json_decref(r);
    return rc;
}

static int gen(long n, uint64_t seed, int days)
{
    rng_state = seed;
    struct slot *s = malloc((size_t)n * sizeof *s);
    struct event *ev = malloc((size_t)n * sizeof *ev);
    char *title = malloc(4096), *body = malloc(1 << 16);
    if (!s || !ev || !title || !body)
        return 1;
    long k = 0, nev = 0;
    while (k < n) {
        make_event(&ev[nev], days);
        for (int size = event_size(); size > 0 && k < n; size--, k++)
            s[k] = (struct slot){(long long)(ev[nev].day + (int)(rnd() % 3)) * 86400 + (long long)(rnd() % 86400), nev};
        nev++;
    }
    qsort(s, (size_t)n, sizeof *s, by_time);   /* articles arrive in the order they were published */
    int rc = 0;
    for (long id = 0; id < n && !rc; id++)
        rc = emit(ev, &s[id], id, title, body);
    free(s);
    free(ev);
    free(title);
    free(body);
    return rc;
}

static int each_line(const char *path, int (*fn)(void *, const char *), void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        rc = fn(ctx, line);
    }
    free(line);
    fclose(f);
    return rc;
}

static int load_one(void *ctx, const char *line)
{
    enum mw_put put;
    struct mw_err err = {0};
    if (mw_store_article_put_json(ctx, line, NULL, "2026-01-01T00:00:00Z", &put, &err)) {
        fprintf(stderr, "stories: %s\n", err.msg);
        return 1;
    }
    return 0;
}

struct adder {
    struct mw_store *s;
    void *sink;
    long batch, in_batch;   /* articles per transaction, and in the open one */
};

static int add_one(void *ctx, const char *line)
{
    struct adder *a = ctx;
    struct mw_err err = {0};
    char msg[512] = "";
    if (!a->in_batch && mw_store_begin(a->s, &err))
        return 1;
    int rc = mw_sink_sqlite_ops()->on_record(a->sink, line, msg, sizeof msg);
    if (rc)
        fprintf(stderr, "stories: %s\n", msg);
    if (++a->in_batch < a->batch)
        return rc;
    a->in_batch = 0;
    return mw_store_commit(a->s, &err) || rc;
}

static int rss(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(127);
        execv(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
        return 1;
    fprintf(stderr, "rss %.3f %.3f %ld\n", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "rss"))
        return rss(argv + 2);
    if ((argc == 4 || argc == 5) && !strcmp(argv[1], "gen"))
        return gen(atol(argv[2]), strtoull(argv[3], NULL, 10), argc == 5 && atoi(argv[4]) > 0 ? atoi(argv[4]) : 365);
    if ((argc != 4 && !(argc == 5 && !strcmp(argv[1], "add"))) || (strcmp(argv[1], "load") && strcmp(argv[1], "add"))) {
        fputs("usage: stories gen N SEED [DAYS] | stories load STORE FILE | stories add STORE FILE [BATCH]\n", stderr);
        return 2;
    }
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(argv[2], &err);
    if (!s) {
        fprintf(stderr, "stories: %s\n", err.msg);
        return 1;
    }
    int rc;
    if (!strcmp(argv[1], "load")) {
        rc = mw_store_begin(s, &err) || each_line(argv[3], load_one, s) || mw_store_commit(s, &err);
    } else {
        struct adder a = {s, mw_sink_sqlite_bind(s), argc == 5 ? atol(argv[4]) : 1, 0};
        if (a.batch < 1)
            a.batch = 1;
        rc = !a.sink || each_line(argv[3], add_one, &a);
        if (!rc && a.in_batch)
            rc = mw_store_commit(s, &err);
        mw_sink_sqlite_ops()->close(a.sink);
    }
    mw_store_free(s);
    return rc;
}
