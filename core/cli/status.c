/* cli/status.c: `moonwire status` — the state of a crawl shared by many workers over one store: each worker
 * (last heartbeat, pages done, leases held), queue depth per outlet and per host, errors per outlet. The rows
 * are run/store.h's (mw_store_status). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "run/config.h"
#include "run/store.h"

static void help(FILE *f)
{
    fputs("usage: moonwire status [--store STORE] [--json] [CONFIG]\n\n"
          "What the workers of a crawl are doing (moonwire run --worker), from the store they share:\n"
          "  workers   name (machine/pid), running, lost or stopped, seconds since its last heartbeat, pages done,\n"
          "            pages it holds leased now; lost: no heartbeat for longer than the lease (limits.lease of\n"
          "            CONFIG, else 60 s), so it died or lost the machine, and its leases go to the others\n"
          "  queue     pages queued per outlet and per host, and how many of them are leased\n"
          "  errors    pages failed after their tries, per outlet, with the latest error\n\n"
          "  --store STORE  a SQLite file or postgresql://user@host/db (default: the `store` of CONFIG, else\n"
          "                 ./moonwire.sqlite)\n"
          "  --json         one JSON object {\"workers\": [...], \"queue\": [...], \"errors\": [...]}\n"
          "  -h, --help     this text\n\n"
          "Exit status 0, 1 when the store cannot be read, 2 on usage errors.\n", f);
}

struct view {
    json_t *out;          /* --json */
    const char *section;  /* the kind printed last */
    double lease_s;       /* a running worker silent for longer is lost */
};

/* A worker the store says is running but whose heartbeat is older than its lease: killed, or its machine gone
 * (a worker beats every quarter lease; its leases ran out and are taken over). */
static const char *state_of(const struct view *v, const struct mw_store_status *r)
{
    const char *st = r->detail ? r->detail : "";
    return !strcmp(st, "running") && r->age_s > v->lease_s ? "lost" : st;
}

static int row(void *ctx, const struct mw_store_status *r)
{
    struct view *v = ctx;
    if (v->out) {
        json_t *o = !strcmp(r->kind, "worker")
            ? json_pack("{s:s, s:s, s:f, s:i, s:i}", "name", r->name, "state", state_of(v, r), "beat_s",
                        r->age_s, "pages", (json_int_t)r->n1, "leases", (json_int_t)r->n2)
            : !strcmp(r->kind, "queue")
            ? json_pack("{s:s, s:i, s:i}", "name", r->name, "queued", (json_int_t)r->n1, "leased", (json_int_t)r->n2)
            : json_pack("{s:s, s:i, s:s?}", "outlet", r->name, "failed", (json_int_t)r->n1, "last", r->detail);
        char key[16];
        snprintf(key, sizeof key, "%s%s", r->kind, !strcmp(r->kind, "queue") ? "" : "s");
        json_t *arr = json_object_get(v->out, key);
        if (!arr)
            json_object_set_new(v->out, key, arr = json_array());
        json_array_append_new(arr, o);
        return 0;
    }
    if (!v->section || strcmp(v->section, r->kind)) {
        v->section = r->kind;
        if (!strcmp(r->kind, "worker"))
            printf("%-32s %-8s %8s %8s %8s\n", "worker", "state", "beat", "pages", "leases");
        else if (!strcmp(r->kind, "queue"))
            printf("\n%-42s %8s %8s\n", "queue", "queued", "leased");
        else
            printf("\n%-24s %8s  %s\n", "errors", "failed", "last error");
    }
    if (!strcmp(r->kind, "worker"))
        printf("%-32s %-8s %7.1fs %8ld %8ld\n", r->name, state_of(v, r), r->age_s, r->n1, r->n2);
    else if (!strcmp(r->kind, "queue"))
        printf("%-42s %8ld %8ld\n", r->name, r->n1, r->n2);
    else
        printf("%-24s %8ld  %.160s\n", r->name, r->n1, r->detail ? r->detail : "-");
    return 0;
}

int cmd_status(int argc, char **argv)
{
    struct cli_store_args a;
    int rc = cli_store_args("status", argc, argv, help, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct view v = {a.json ? json_pack("{s:[], s:[], s:[]}", "workers", "queue", "errors") : NULL, NULL,
                     a.cfg ? (double)a.cfg->lease_ms / 1000 : 60};
    struct mw_err err = {0};
    struct mw_store *s = cli_store_open("status", a.store);
    rc = 1;
    if (s && mw_store_status(s, row, &v, &err))
        cli_error("%s", err.msg);
    else if (s)
        rc = 0;
    if (!rc && v.out)
        cli_print_record(v.out);
    else if (!rc && !v.section)
        printf("%s: no workers have joined this store yet\n", a.store);
    json_decref(v.out);
    mw_store_free(s);
    mw_run_config_free(a.cfg);
    return rc;
}
