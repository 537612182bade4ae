/* cli/stories.c: `moonwire stories` — the articles grouped by the event they report (core/story), from the run
 * store (kept up to date by every `moonwire run`) or from JSON lines; `--pairs` prints the pair decision the
 * grouping makes. Grouping is core/story's; this file reads the options and prints. */
#include "cli/cli.h"
#include "cli/storyin.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "meta/date.h"
#include "run/config.h"
#include "run/store.h"

static void help(FILE *f)
{
    fputs("usage: moonwire stories [options] [FILE...]\n\n"
          "Groups the articles that report the same event, across outlets and languages, and prints one line per\n"
          "story (id, first published, articles, outlets, languages, a label of its most telling names).\n"
          "Input: the run store (--store; each `moonwire run` assigns its new articles to stories), or article\n"
          "records as JSON lines (FILE..., \"-\" or stdin: what extract, fetch and export print).\n\n"
          "  --store STORE        the store of `moonwire run`: a SQLite file or postgresql://user@host/db\n"
          "  --rebuild            with --store: forget the stored stories and group every article again (the\n"
          "                       same grouping the runs made one article at a time)\n"
          "  --pairs FILE         for each line {\"a\": record, \"b\": record} print {\"similarity\": 0..1,\n"
          "                       \"same_story\": true|false}: the decision the grouping makes (\"-\" = stdin)\n"
          "  --format text|jsonl  text: one line per story (default on a terminal); jsonl: one object per story\n"
          "                       with its members (default otherwise)\n"
          "  --since T, --until T first published at or after / before T: ISO 8601 (\"2026-03-01\") or an age\n"
          "                       (\"7d\", \"12h\")\n"
          "  --min-outlets N      stories told by at least N outlets (default 1)\n"
          "  --min-articles N     stories of at least N articles (default 2; 1 lists lone articles too)\n"
          "  -h, --help           this text\n\n"
          "Exit status: 0 done, 1 an input or store error, 2 bad usage.\n", f);
}

struct opts {
    const char *store, *pairs, *format;
    int rebuild, jsonl;
    double since, until;
    long min_outlets, min_articles;
};

/* ISO 8601 or an age ("7d") -> epoch seconds; -1 when neither */
static int parse_time(const char *s, double *out)
{
    long long ms;
    if (!mw_run_duration_ms(s, &ms) && strpbrk(s, "smhdw")) {
        *out = (double)time(NULL) - (double)ms / 1000.0;
        return 0;
    }
    char iso[MW_DATE_MAX];
    int zone;
    struct mw_err err = {0};
    if (mw_date_parse(s, &(struct mw_date_opts){NULL, "Z", NULL}, iso, &err) || mw_date_epoch(iso, out, &zone))
        return -1;
    return 0;
}

static int keep(const struct opts *o, const struct mw_story_summary *s)
{
    if (s->articles < o->min_articles || s->outlets < o->min_outlets)
        return 0;
    if (o->since > 0 && s->first_epoch < o->since)
        return 0;
    return !(o->until > 0 && (s->first_epoch <= 0 || s->first_epoch >= o->until));
}

static void print_line(const struct mw_story_summary *s)
{
    char when[24] = "(undated)";
    if (s->first_published[0])
        snprintf(when, sizeof when, "%.10s %.5sZ", s->first_published, s->first_published + 11);
    printf("%-7lld %-17s %4ld %7ld  %-9s %s", (long long)s->id, when, s->articles, s->outlets, s->langs,
           s->label[0] ? s->label : "-");
    printf("  [%s]\n", s->outlet_list);
}

static json_t *split(const char *list, const char *sep)
{
    json_t *a = json_array();
    for (const char *p = list; *p;) {
        const char *e = strstr(p, sep);
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p += n + (e ? strlen(sep) : 0);
    }
    return a;
}

static json_t *summary_json(const struct mw_story_summary *s)
{
    return json_pack("{s:I, s:s?, s:i, s:i, s:o, s:o, s:s}", "story", (json_int_t)s->id, "first_published",
                     s->first_published[0] ? s->first_published : NULL, "articles", (int)s->articles, "outlets",
                     (int)s->outlets, "outlet_names", split(s->outlet_list, "; "), "langs", split(s->langs, " "),
                     "label", s->label);
}

static void print_header(const struct opts *o)
{
    if (!o->jsonl)
        printf("%-7s %-17s %4s %7s  %-9s %s\n", "story", "first published", "art.", "outlets", "langs",
               "label  [outlets]");
}

/* ---------- JSON lines ---------- */

static json_t *member_json(const struct cli_story_set *st, size_t i)
{
    struct mw_story_entry e;
    struct mw_story_name names[MW_STORY_NAMES];
    mw_story_index_entry(st->x, i, &e, names, NULL);
    const struct cli_story_item *it = &st->item[i];
    json_t *m = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "url", it->url, "outlet", e.m.outlet, "lang",
                          e.m.lang[0] ? e.m.lang : NULL, "title", it->title, "published", it->published);
    if (e.via) {
        json_object_set_new(m, "via", json_string(st->item[e.via - 1].url));
        json_object_set_new(m, "similarity", json_real(round(e.via_sim * 1000) / 1000));
    }
    return m;
}

struct ranked {
    struct mw_story_summary s;
    size_t from, n;   /* range in the member order */
};

static int newest_first(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->s.first_epoch != y->s.first_epoch)
        return x->s.first_epoch < y->s.first_epoch ? 1 : -1;
    return x->s.id < y->s.id ? 1 : x->s.id > y->s.id ? -1 : 0;
}

static int list_memory(const struct opts *o, const struct cli_story_set *st)
{
    size_t *ord = cli_story_order(st);
    struct ranked *r = calloc(st->n ? st->n : 1, sizeof *r);
    if (!ord || !r) {
        free(ord);
        free(r);
        cli_error("stories: out of memory");
        return 1;
    }
    size_t nr = 0;
    for (size_t i = 0; i < st->n;) {
        size_t j = i;
        int64_t s = mw_story_index_story(st->x, (int64_t)ord[i] + 1);
        while (j < st->n && mw_story_index_story(st->x, (int64_t)ord[j] + 1) == s)
            j++;
        r[nr].from = i;
        r[nr].n = j - i;
        if (!cli_story_summary(st, ord + i, j - i, &r[nr].s) && keep(o, &r[nr].s))
            nr++;
        i = j;
    }
    qsort(r, nr, sizeof *r, newest_first);
    print_header(o);
    for (size_t k = 0; k < nr; k++) {
        if (!o->jsonl) {
            print_line(&r[k].s);
            continue;
        }
        json_t *j = summary_json(&r[k].s), *mem = json_array();
        for (size_t i = 0; i < r[k].n; i++)
            json_array_append_new(mem, member_json(st, ord[r[k].from + i]));
        json_object_set_new(j, "members", mem);
        cli_print_record(j);
        json_decref(j);
    }
    free(ord);
    free(r);
    return 0;
}

static int from_lines(const struct opts *o, char **files, int nfiles)
{
    struct cli_story_set st;
    int rc = cli_story_read(files, nfiles, 0, &st) ? 1 : list_memory(o, &st);
    if (!rc && st.bad)
        rc = 1;
    cli_story_free(&st);
    fflush(stdout);
    return rc;
}

/* ---------- the store ---------- */

struct listing {
    const struct opts *o;
    struct mw_story_store *ss;
    json_t *members;
};

static int on_member(void *ctx, int64_t id, const char *record_json, int64_t via, double via_sim)
{
    struct listing *l = ctx;
    json_t *r = json_loads(record_json, 0, NULL);
    json_t *m = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?}", "id", (json_int_t)id, "url",
                          json_string_value(json_object_get(r, "url")), "outlet",
                          json_string_value(json_object_get(r, "outlet")), "lang",
                          json_string_value(json_object_get(r, "lang")), "title",
                          json_string_value(json_object_get(r, "title")), "published",
                          json_string_value(json_object_get(r, "published")));
    if (via) {
        json_object_set_new(m, "via", json_integer(via));
        json_object_set_new(m, "similarity", json_real(round(via_sim * 1000) / 1000));
    }
    json_array_append_new(l->members, m);
    json_decref(r);
    return 0;
}

static int on_story(void *ctx, const struct mw_story_summary *s)
{
    struct listing *l = ctx;
    if (!l->o->jsonl) {
        print_line(s);
        return ferror(stdout) ? 1 : 0;
    }
    json_t *j = summary_json(s);
    l->members = json_array();
    struct mw_err err = {0};
    if (mw_story_store_members(l->ss, s->id, on_member, l, &err))
        cli_error("stories: %s", err.msg);
    json_object_set_new(j, "members", l->members);
    cli_print_record(j);
    json_decref(j);
    return ferror(stdout) ? 1 : 0;
}

static int from_store(const struct opts *o)
{
    struct mw_err err = {0};
    struct mw_store *s;
    struct mw_story_store *ss;
    int rebuilt, rc = cli_story_store_open("stories", o->store, o->rebuild, &s, &ss, &rebuilt, &err);
    if (rc < 0)
        return 1;
    if (!rc && rebuilt)
        cli_error("stories: note: %s: the story tables were out of step (another version, or a failed run): "
                  "grouped every article again", o->store);
    struct listing l = {o, ss, NULL};
    if (!rc) {
        print_header(o);
        rc = mw_story_store_list(ss, o->since, o->until, o->min_articles, o->min_outlets, on_story, &l, &err);
    }
    if (rc && err.msg[0])
        cli_error("stories: %s", err.msg);
    mw_story_store_free(ss);
    mw_store_free(s);
    fflush(stdout);
    return rc ? 1 : 0;
}

/* ---------- pairs ---------- */

struct pairset {
    struct mw_story_stop *stop;
    json_t *keys;                  /* record key -> document index: a record met in several pairs counts once */
    struct mw_story_feats **f;
    int32_t *day;
    size_t ndocs;
    size_t (*pair)[2];
    char **bad;                    /* per input line: NULL, or why it is no pair */
    size_t npairs, nlines;
};

static int doc_of(struct pairset *p, json_t *rec, const char *where, size_t *doc)
{
    const char *canon = json_string_value(json_object_get(rec, "canonical_url"));
    const char *url = json_string_value(json_object_get(rec, "url"));
    const char *key = canon && *canon ? canon : url && *url ? url : where;
    json_t *known = json_object_get(p->keys, key);
    if (known) {
        *doc = (size_t)json_integer_value(known);
        return 0;
    }
    struct mw_story_feats *f = malloc(sizeof *f);
    void *nf = realloc(p->f, (p->ndocs + 1) * sizeof *p->f), *nd = nf ? realloc(p->day, (p->ndocs + 1) * sizeof *p->day) : NULL;
    if (nf)
        p->f = nf;
    if (nd)
        p->day = nd;
    if (!f || !nf || !nd) {
        free(f);
        return -1;
    }
    mw_story_features_record(p->stop, rec, f);
    p->f[p->ndocs] = f;
    p->day[p->ndocs] = mw_story_day(json_string_value(json_object_get(rec, "published")));
    json_object_set_new(p->keys, key, json_integer((json_int_t)p->ndocs));
    *doc = p->ndocs++;
    return 0;
}

static int read_pair_line(struct pairset *p, const char *line, size_t len, const char *where)
{
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    json_t *a = json_object_get(j, "a"), *b = json_object_get(j, "b");
    char msg[700] = "", wa[600], wb[600];
    if (!j)
        snprintf(msg, sizeof msg, "%s: not JSON: %s", where, je.text);
    else if (!json_is_object(a) || !json_is_object(b))
        snprintf(msg, sizeof msg, "%s: want {\"a\": record, \"b\": record}", where);
    void *nb = realloc(p->bad, (p->nlines + 1) * sizeof *p->bad);
    void *np = nb ? realloc(p->pair, (p->npairs + 1) * sizeof *p->pair) : NULL;
    if (nb)
        p->bad = nb;
    if (np)
        p->pair = np;
    int rc = nb && np ? 0 : -1;
    if (!rc) {
        p->bad[p->nlines++] = msg[0] ? strdup(msg) : NULL;
        snprintf(wa, sizeof wa, "%s#a", where);
        snprintf(wb, sizeof wb, "%s#b", where);
    }
    if (!rc && !msg[0]) {
        rc = doc_of(p, a, wa, &p->pair[p->npairs][0]) || doc_of(p, b, wb, &p->pair[p->npairs][1]);
        p->npairs++;
    }
    json_decref(j);
    return rc;
}

static void pairs_free(struct pairset *p)
{
    for (size_t l = 0; l < p->nlines; l++)
        free(p->bad[l]);
    for (size_t i = 0; i < p->ndocs; i++)
        free(p->f[i]);
    mw_story_stop_free(p->stop);
    json_decref(p->keys);
    free(p->f);
    free(p->day);
    free(p->pair);
    free(p->bad);
}

/* one output line per input line, in order: the pair's decision, or an error object */
static int print_pairs(const struct pairset *p, const double *sims)
{
    int bad = 0;
    for (size_t k = 0, l = 0; l < p->nlines; l++) {
        if (p->bad[l]) {
            cli_error("stories: %s", p->bad[l]);
            json_t *e = json_pack("{s:s}", "error", p->bad[l]);
            cli_print_record(e);
            json_decref(e);
            bad = 1;
            continue;
        }
        printf("{\"similarity\": %.4f, \"same_story\": %s}\n", sims[k], mw_story_same(sims[k]) ? "true" : "false");
        k++;
    }
    return bad;
}

static int pairs(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        cli_error("stories: %s: cannot open", path);
        return 1;
    }
    struct pairset p = {.stop = mw_story_stop_new(), .keys = json_object()};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = p.stop && p.keys ? 0 : -1;
    while (!rc && (len = getline(&line, &cap, f)) > 0) {
        lineno++;
        char where[512];
        snprintf(where, sizeof where, "%s:%ld", path, lineno);
        if (strspn(line, " \t\r\n") != (size_t)len)
            rc = read_pair_line(&p, line, (size_t)len, where);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    double *sims = calloc(p.npairs ? p.npairs : 1, sizeof *sims);
    if (!rc)
        rc = !sims || mw_story_batch_similarity((const struct mw_story_feats *const *)p.f, p.day, p.ndocs,
                                                (const size_t(*)[2])p.pair, p.npairs, sims);
    int bad = rc ? 0 : print_pairs(&p, sims);
    if (rc)
        cli_error("stories: out of memory");
    free(sims);
    pairs_free(&p);
    fflush(stdout);
    return rc || bad ? 1 : 0;
}

/* ---------- options ---------- */

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"store", required_argument, 0, 's'}, {"rebuild", no_argument, 0, 'R'}, {"pairs", required_argument, 0, 'p'},
        {"format", required_argument, 0, 'f'}, {"since", required_argument, 0, 'S'},
        {"until", required_argument, 0, 'U'}, {"min-outlets", required_argument, 0, 'o'},
        {"min-articles", required_argument, 0, 'a'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    *o = (struct opts){.min_outlets = 1, .min_articles = 2};
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 's': o->store = optarg; break;
        case 'R': o->rebuild = 1; break;
        case 'p': o->pairs = optarg; break;
        case 'f': o->format = optarg; break;
        case 'S':
        case 'U':
            if (parse_time(optarg, c == 'S' ? &o->since : &o->until)) {
                cli_error("stories: --%s wants an ISO 8601 date or an age such as 7d (got \"%s\")",
                          c == 'S' ? "since" : "until", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o':
        case 'a':
            *(c == 'o' ? &o->min_outlets : &o->min_articles) = strtol(optarg, &end, 10);
            if (*end || end == optarg || (c == 'o' ? o->min_outlets : o->min_articles) < 0) {
                cli_error("stories: --min-%s wants a number (got \"%s\")", c == 'o' ? "outlets" : "articles", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': help(stdout); return -1;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (o->format && strcmp(o->format, "text") && strcmp(o->format, "jsonl")) {
        cli_error("stories: --format is text or jsonl (got \"%s\")", o->format);
        return EXIT_USAGE;
    }
    o->jsonl = o->format ? !strcmp(o->format, "jsonl") : !isatty(STDOUT_FILENO);
    if (o->rebuild && !o->store) {
        cli_error("stories: --rebuild needs --store");
        return EXIT_USAGE;
    }
    if ((o->store || o->pairs) && optind < argc) {
        cli_error("stories: FILE arguments go without --store and --pairs");
        return EXIT_USAGE;
    }
    if (o->store && o->pairs) {
        cli_error("stories: --pairs reads its own file: leave out --store");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_stories(int argc, char **argv)
{
    struct opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.pairs)
        return pairs(o.pairs);
    if (o.store)
        return from_store(&o);
    return from_lines(&o, argv + optind, argc - optind);
}
