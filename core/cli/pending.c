/* cli/pending.c: subcommands whose issues have not landed yet; each says so plainly and exits 2. */
#include "cli/cli.h"

static int pending(const char *name)
{
    cli_error("%s: not available in this build yet", name);
    return EXIT_USAGE;
}

int cmd_rules(int argc, char **argv) { (void)argc; (void)argv; return pending("rules"); }
int cmd_test(int argc, char **argv) { (void)argc; (void)argv; return pending("test"); }
int cmd_new(int argc, char **argv) { (void)argc; (void)argv; return pending("new"); }
int cmd_run(int argc, char **argv) { (void)argc; (void)argv; return pending("run"); }
int cmd_export(int argc, char **argv) { (void)argc; (void)argv; return pending("export"); }
int cmd_shell(int argc, char **argv) { (void)argc; (void)argv; return pending("shell"); }
