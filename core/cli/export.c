/* cli/export.c: `moonwire export` (being written; says so plainly until then). */
#include "cli/cli.h"

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("export: not available in this build yet");
    return EXIT_USAGE;
}
