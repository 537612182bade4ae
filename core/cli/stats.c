/* cli/stats.c: `moonwire stats` — per outlet of a run store: articles, last success, error rate, median body
 * length and the fields most often missing, as a table or JSON. The figures are run/store.h's. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "run/config.h"
#include "run/store.h"

static void help(FILE *f)
{
    fputs("usage: moonwire stats [--store PATH] [--json] [CONFIG]\n\n"
          "Per outlet of a run store (its name in the run config, else the records' outlet):\n"
          "  articles       current articles stored\n"
          "  last success   when a page of it was last fetched without an error (UTC)\n"
          "  error rate     pages whose last try failed, of the pages tried (the frontier's states)\n"
          "  median body    characters of body, the median over its articles\n"
          "  missing        the fields most often empty in its articles, with how many\n\n"
          "  --store PATH   the SQLite store (default: the `store` of CONFIG, else ./moonwire.sqlite)\n"
          "  --json         one JSON array, an object per outlet, every field's missing count\n"
          "  -h, --help     this text\n\n"
          "The same figures come from plain sqlite3 (see examples/store.md). Exit status 0, 1 when the store\n"
          "cannot be read, 2 on usage errors.\n", f);
}

struct view {
    int json;
    json_t *out;
    int header;
};

/* The three fields most often empty, "authors 4/4, tags 3/4" (out holds cap bytes). */
static void most_missing(const struct mw_store_outlet_stats *st, char *out, size_t cap)
{
    int used[MW_STORE_STAT_FIELDS] = {0};
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; k < 3; k++) {
        int best = -1;
        for (int i = 0; i < MW_STORE_STAT_FIELDS; i++)
            if (!used[i] && st->missing[i] > 0 && (best < 0 || st->missing[i] > st->missing[best]))
                best = i;
        if (best < 0)
            break;
        used[best] = 1;
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s %ld/%ld", k ? ", " : "",
                              mw_store_stat_fields[best], st->missing[best], st->articles);
    }
    if (!out[0])
        snprintf(out, cap, "%s", st->articles ? "none" : "-");
}

static int row(void *ctx, const struct mw_store_outlet_stats *st)
{
    struct view *v = ctx;
    if (v->json) {
        json_t *o = json_object(), *miss = json_object();
        for (int i = 0; i < MW_STORE_STAT_FIELDS; i++)
            json_object_set_new(miss, mw_store_stat_fields[i], json_integer(st->missing[i]));
        json_object_set_new(o, "outlet", json_string(st->outlet));
        json_object_set_new(o, "articles", json_integer(st->articles));
        json_object_set_new(o, "last_success", st->last_success ? json_string(st->last_success) : json_null());
        json_object_set_new(o, "pages_tried", json_integer(st->pages));
        json_object_set_new(o, "pages_failed", json_integer(st->page_errors));
        json_object_set_new(o, "error_rate", st->pages ? json_real((double)st->page_errors / (double)st->pages)
                                                       : json_null());
        json_object_set_new(o, "median_body_chars", json_integer(st->median_body));
        json_object_set_new(o, "missing", miss);
        json_array_append_new(v->out, o);
        return 0;
    }
    if (!v->header++)
        printf("%-24s %8s  %-20s  %-16s %11s  %s\n", "outlet", "articles", "last success", "error rate",
               "median body", "most often missing");
    char rate[32], miss[256];
    if (st->pages)
        snprintf(rate, sizeof rate, "%.1f%% (%ld/%ld)", 100.0 * (double)st->page_errors / (double)st->pages,
                 st->page_errors, st->pages);
    else
        snprintf(rate, sizeof rate, "-");
    most_missing(st, miss, sizeof miss);
    printf("%-24.24s %8ld  %-20s  %-16s %11ld  %s\n", st->outlet, st->articles,
           st->last_success ? st->last_success : "-", rate, st->median_body, miss);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    struct cli_store_args a;
    int rc = cli_store_args("stats", argc, argv, help, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct view v = {a.json, NULL, 0};
    struct mw_err err = {0};
    struct mw_store *s = cli_store_open("stats", a.store);
    rc = 1;
    if (!s) {
        /* cli_store_open said why */
    } else if (v.json && !(v.out = json_array()))
        cli_error("stats: out of memory");
    else if (mw_store_outlet_stats(s, row, &v, &err))
        cli_error("%s", err.msg);
    else
        rc = 0;
    if (!rc && v.json)
        cli_print_record(v.out);
    else if (!rc && !v.header)
        printf("%s: no articles and no pages tried yet\n", a.store);
    json_decref(v.out);
    mw_store_free(s);
    mw_run_config_free(a.cfg);
    return rc;
}
