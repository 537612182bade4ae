/* cli/storearg.c: what the subcommands that read a run store share (stats, status, export): the options
 * [--store STORE] [--json] [CONFIG], which store they name (--store, else CONFIG's `store`, else
 * ./moonwire.sqlite) and opening it without creating a file that is not there. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "run/config.h"
#include "run/store.h"

int cli_store_args(const char *cmd, int argc, char **argv, void (*help)(FILE *), struct cli_store_args *a)
{
    static const struct option opts[] = {{"store", required_argument, 0, 's'}, {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    *a = (struct cli_store_args){0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->store = optarg; break;
        case 'j': a->json = 1; break;
        case 'h': help(stdout); return -1;
        default: help(stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("%s: at most one CONFIG", cmd);
        return EXIT_USAGE;
    }
    a->store = cli_store_path(a->store, optind < argc ? argv[optind] : NULL, &a->cfg);
    return a->store ? 0 : EXIT_USAGE;
}

const char *cli_store_path(const char *store, const char *config, struct mw_run_config **cfg)
{
    *cfg = NULL;
    if (!store && config) {
        struct mw_err err = {0};
        if (!(*cfg = mw_run_config_load(config, &err))) {
            cli_error("%s", err.msg);
            return NULL;
        }
        store = (*cfg)->store;
    }
    return store ? store : "moonwire.sqlite";
}

struct mw_store *cli_store_open(const char *cmd, const char *store)
{
    if (!mw_store_is_url(store) && access(store, R_OK)) {   /* opening would create an empty store */
        cli_error("%s: %s: no such store", cmd, store);
        return NULL;
    }
    struct mw_err err = {0};
    struct mw_store *s = mw_store_open(store, &err);
    if (!s)
        cli_error("%s", err.msg);
    return s;
}
