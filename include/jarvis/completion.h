/*
 * completion.h: shell completion scripts for bash, zsh and fish, written
 * from the option table (cli_options) and the built-in model table, so a
 * new option or model reaches every shell without anyone editing a script.
 * jarvis --completions SHELL prints one; make install installs all three.
 */
#ifndef JARVIS_COMPLETION_H
#define JARVIS_COMPLETION_H

#include <stdio.h>

/* Writes the script for shell ("bash", "zsh" or "fish") to out. Returns 0,
 * or -1 for another shell (nothing written). */
int completion_write(FILE *out, const char *shell);

#endif
