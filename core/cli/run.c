/* cli/run.c: `moonwire run` (being written; says so plainly until then). */
#include "cli/cli.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("run: not available in this build yet");
    return EXIT_USAGE;
}
