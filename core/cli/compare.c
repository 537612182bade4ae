/* cli/compare.c: `moonwire compare STORY` — one story's outlets side by side (core/story: compare.c builds it,
 * html.c renders the page): in the terminal, as JSON, or as a self-contained HTML page. Input as for
 * `stories`: the run store or JSON lines. This file finds the members and prints. */
#include "cli/cli.h"
#include "cli/storyin.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "run/store.h"

static void help(FILE *f)
{
    fputs("usage: moonwire compare [options] STORY [FILE...]\n\n"
          "Shows how each outlet told one story: its time (UTC) and lag behind the first report, title, dateline,\n"
          "authors and length; the sources it cites; its direct quotes and who said them; the names it spells\n"
          "otherwise than the others; and which of its sentences only it has and which it shares with k of the\n"
          "others. STORY is a story id as `moonwire stories` prints it, or the URL of one of its articles.\n"
          "Input as for `stories`: --store, or article records as JSON lines (FILE..., \"-\" or stdin).\n\n"
          "  --store STORE      the store of `moonwire run`: a SQLite file or postgresql://user@host/db\n"
          "  --format text|json text (default) or one JSON object\n"
          "  --html FILE        also write the comparison as one self-contained HTML page (outlets as columns)\n"
          "  --max N            compare at most the first N articles of the story (default 24)\n"
          "  -h, --help         this text\n\n"
          "Exit status: 0 done, 1 no such story or an input error, 2 bad usage.\n", f);
}

struct opts {
    const char *store, *format, *html, *story;
    long max;
};

struct members {
    json_t **rec;
    size_t n, total;
    long max;
};

static void take(struct members *m, json_t *rec)
{
    m->total++;
    if ((long)m->n >= m->max)
        return;
    json_t **r = realloc(m->rec, (m->n + 1) * sizeof *r);
    if (!r)
        return;
    m->rec = r;
    m->rec[m->n++] = json_incref(rec);
}

static int is_number(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* ---------- members from the store ---------- */

static int on_member(void *ctx, int64_t id, const char *record_json, int64_t via, double via_sim)
{
    json_t *r = json_loads(record_json ? record_json : "", 0, NULL);
    if (r)
        take(ctx, r);
    json_decref(r);
    return 0;
}

static int from_store(const struct opts *o, struct members *m, int64_t *story)
{
    struct mw_err err = {0};
    struct mw_store *s;
    struct mw_story_store *ss;
    int rebuilt, rc = cli_story_store_open("compare", o->store, 0, &s, &ss, &rebuilt, &err);
    if (rc < 0)
        return 1;
    *story = 0;
    if (!rc && is_number(o->story))
        *story = strtoll(o->story, NULL, 10);
    else if (!rc)
        rc = mw_story_store_find(ss, o->story, story, &err);
    if (!rc && *story)
        rc = mw_story_store_members(ss, *story, on_member, m, &err);
    if (rc)
        cli_error("compare: %s", err.msg);
    mw_story_store_free(ss);
    mw_store_free(s);
    return rc ? 1 : 0;
}

/* ---------- members from JSON lines ---------- */

static int from_lines(const struct opts *o, char **files, int nfiles, struct members *m, int64_t *story)
{
    struct cli_story_set st;
    int rc = cli_story_read(files, nfiles, 1, &st) ? 1 : 0;
    *story = 0;
    if (!rc && is_number(o->story)) {
        *story = strtoll(o->story, NULL, 10);
    } else if (!rc) {
        for (size_t i = 0; i < st.n && !*story; i++) {
            const char *canon = json_string_value(json_object_get(st.item[i].rec, "canonical_url"));
            if (!strcmp(st.item[i].url, o->story) || (canon && !strcmp(canon, o->story)))
                *story = mw_story_index_story(st.x, (int64_t)i + 1);
        }
    }
    for (size_t i = 0; !rc && *story && i < st.n; i++)
        if (mw_story_index_story(st.x, (int64_t)i + 1) == *story)
            take(m, st.item[i].rec);
    cli_story_free(&st);
    return rc;
}

/* ---------- the terminal view ---------- */

/* bytes of s to print for at most max bytes, not cutting a character; *more when cut */
static int cut(const char *s, int max, int *more)
{
    int n = (int)strlen(s);
    *more = n > max;
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static const char *js(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void print_sources(const json_t *m)
{
    size_t i;
    json_t *s;
    printf("    cites:    ");
    json_array_foreach(json_object_get(m, "sources"), i, s) {
        printf("%s%s (%s%s", i ? "; " : "", js(s, "source"), js(s, "kind"), strcmp(js(s, "cue"), "credit") ? ", " : "");
        if (strcmp(js(s, "cue"), "credit"))
            printf("\"%s\"", js(s, "cue"));
        else
            printf(", credit");
        long long n = json_integer_value(json_object_get(s, "count"));
        printf(n > 1 ? ", x%lld)" : ")", n);
    }
    printf(json_array_size(json_object_get(m, "sources")) ? "\n" : "none named\n");
}

static void print_quotes(const json_t *m)
{
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(m, "quotes"), i, q) {
        const char *t = js(q, "quote");
        int more, n = cut(t, 110, &more);
        printf("    quote:    %s: \"%.*s%s\"\n", *js(q, "speaker") ? js(q, "speaker") : "(unattributed)", n, t,
               more ? "..." : "");
    }
}

static void print_member(const json_t *m, size_t i, size_t n)
{
    const char *utc = js(m, "published_utc");
    printf("[%zu] %s  %.10s %.5s%s  %s  %lld words\n", i + 1, js(m, "outlet"), *utc ? utc : "(no date)",
           *utc ? utc + 11 : "", *utc ? " UTC" : "", *js(m, "lag") ? js(m, "lag") : "", 
           (long long)json_integer_value(json_object_get(m, "words")));
    printf("    title:    %s\n", *js(m, "title") ? js(m, "title") : "(none)");
    if (*js(m, "dateline"))
        printf("    dateline: %s\n", js(m, "dateline"));
    size_t k;
    json_t *a;
    if (json_array_size(json_object_get(m, "authors"))) {
        printf("    authors: ");
        json_array_foreach(json_object_get(m, "authors"), k, a) printf(" %s%s", json_string_value(a),
                                                                        k + 1 < json_array_size(json_object_get(m, "authors")) ? "," : "");
        printf("\n");
    }
    print_sources(m);
    print_quotes(m);
    json_array_foreach(json_object_get(m, "names"), k, a) {
        printf("    spells:   ");
        size_t x;
        json_t *s;
        json_array_foreach(json_object_get(a, "spelled"), x, s) printf("%s%s", x ? " / " : "", json_string_value(s));
        printf("  (the story's %s)\n", js(a, "name"));
    }
    printf("    sentences: %lld only here, %lld shared with others (of %zu)\n",
           (long long)json_integer_value(json_object_get(m, "unique_sentences")),
           (long long)json_integer_value(json_object_get(m, "shared_sentences")), n - 1);
    json_array_foreach(json_object_get(m, "sentences"), k, a) {
        const char *t = js(a, "text");
        int more, len = cut(t, 140, &more);
        if (json_integer_value(json_object_get(a, "k")) == 0)
            printf("      only:   %.*s%s\n", len, t, more ? "..." : "");
    }
}

static void print_text(const json_t *cmp, size_t total)
{
    json_t *members = json_object_get(cmp, "members");
    size_t n = json_array_size(members), i;
    json_t *m;
    printf("story %lld: %zu articles%s%s", (long long)json_integer_value(json_object_get(cmp, "story")), total,
           *js(cmp, "first_published") ? ", first published " : "", js(cmp, "first_published"));
    printf(n < total ? " (comparing the first %zu)\n\n" : "\n\n", n);
    json_array_foreach(members, i, m) {
        print_member(m, i, n);
        printf("\n");
    }
    printf("names spelled more than one way:\n");
    json_array_foreach(json_object_get(cmp, "names"), i, m) {
        if (!json_is_true(json_object_get(m, "varies")))
            continue;
        printf("  %s:", js(m, "name"));
        size_t k;
        json_t *sp;
        json_array_foreach(json_object_get(m, "spellings"), k, sp) {
            if (!json_array_size(sp))
                continue;
            printf("  [%zu]", k + 1);
            size_t x;
            json_t *s;
            json_array_foreach(sp, x, s) printf("%s%s", x ? "/" : " ", json_string_value(s));
        }
        printf("\n");
    }
}

static int write_html(const char *path, const json_t *cmp)
{
    char *page = mw_story_html(cmp);
    FILE *f = page ? fopen(path, "w") : NULL;
    int rc = f && fputs(page, f) >= 0 ? 0 : 1;
    if (f && fclose(f))
        rc = 1;
    if (rc)
        cli_error("compare: %s: %s", path, page ? strerror(errno) : "out of memory");
    free(page);
    return rc;
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {{"store", required_argument, 0, 's'}, {"format", required_argument, 0, 'f'},
                                       {"html", required_argument, 0, 'H'},  {"max", required_argument, 0, 'm'},
                                       {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    *o = (struct opts){.format = "text", .max = 24};
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 's': o->store = optarg; break;
        case 'f': o->format = optarg; break;
        case 'H': o->html = optarg; break;
        case 'm':
            o->max = strtol(optarg, &end, 10);
            if (*end || o->max < 1) {
                cli_error("compare: --max wants a positive number (got \"%s\")", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': help(stdout); return -1;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (strcmp(o->format, "text") && strcmp(o->format, "json")) {
        cli_error("compare: --format is text or json (got \"%s\")", o->format);
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_error("compare: which story? (an id from `moonwire stories`, or an article's URL)");
        help(stderr);
        return EXIT_USAGE;
    }
    o->story = argv[optind++];
    if (o->store && optind < argc) {
        cli_error("compare: FILE arguments go without --store");
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct members m = {NULL, 0, 0, o.max};
    int64_t story = 0;
    rc = o.store ? from_store(&o, &m, &story) : from_lines(&o, argv + optind, argc - optind, &m, &story);
    if (!rc && !m.n) {
        cli_error("compare: no story %s", o.story);
        rc = 1;
    }
    json_t *cmp = NULL;
    if (!rc) {
        struct mw_story_stop *stop = mw_story_stop_new();
        cmp = stop ? mw_story_compare(stop, story, m.rec, m.n) : NULL;
        mw_story_stop_free(stop);
        if (!cmp) {
            cli_error("compare: out of memory");
            rc = 1;
        }
    }
    if (cmp) {
        json_object_set_new(cmp, "articles", json_integer((json_int_t)m.total));
        if (!strcmp(o.format, "json"))
            cli_print_record(cmp);
        else
            print_text(cmp, m.total);
        if (o.html)
            rc = write_html(o.html, cmp);
    }
    json_decref(cmp);
    for (size_t i = 0; i < m.n; i++)
        json_decref(m.rec[i]);
    free(m.rec);
    fflush(stdout);
    return rc;
}
