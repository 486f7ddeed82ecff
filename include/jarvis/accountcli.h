/*
 * accountcli.h: the command-line modes that need the store and an account:
 * --signup, --login, --logout, --convs and --export.
 */
#ifndef JARVIS_ACCOUNTCLI_H
#define JARVIS_ACCOUNTCLI_H

struct cli;
struct config;

/* Runs one of those modes; returns the exit status. */
int accountcli_run(const struct cli *cli, const struct config *cfg);

#endif
