/* cli/shell.c: `moonwire shell` (being written; says so plainly until then). */
#include "cli/cli.h"

int cmd_shell(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("shell: not available in this build yet");
    return EXIT_USAGE;
}
