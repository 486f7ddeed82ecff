/* commands.h: the slash commands' entry points, private to src/cmd/. */
#ifndef JARVIS_COMMANDS_H
#define JARVIS_COMMANDS_H

#include "jarvis/cmd.h"

#define COMMAND(name) int cmd_##name(struct cmd_ctx *c, int argc, char **argv, char **cause)

COMMAND(help);
COMMAND(signup);
COMMAND(login);
COMMAND(logout);
COMMAND(whoami);
COMMAND(new);
COMMAND(convs);
COMMAND(select);
COMMAND(rename);
COMMAND(delete);
COMMAND(model);
COMMAND(attach);
COMMAND(detach);
COMMAND(retry);
COMMAND(stop);
COMMAND(system);
COMMAND(think);
COMMAND(thoughts);
COMMAND(like);
COMMAND(dislike);
COMMAND(export);
COMMAND(quota);
COMMAND(clear);
COMMAND(quit);

#endif
