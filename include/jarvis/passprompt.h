/*
 * passprompt.h: reading a password for --signup and --login, either typed
 * on the terminal with echo off, or as one line of standard input
 * (--password-stdin, for scripts). Never from the command line.
 */
#ifndef JARVIS_PASSPROMPT_H
#define JARVIS_PASSPROMPT_H

#include <stdbool.h>

/* Longest password line read; longer lines are refused (bcrypt uses 72 bytes). */
#define PASSPROMPT_MAX_BYTES 1024

/*
 * Reads a password: from standard input when from_stdin (one line, its
 * newline stripped), else from /dev/tty after writing prompt there, with
 * echo off. An empty password is refused (a caller that wants it typed
 * twice asks twice). Returns a new string to release with secret_free(), or NULL
 * with *cause. The terminal's settings are restored on every path; on
 * SIGINT, SIGTERM, SIGHUP or SIGQUIT while reading they are restored and
 * the signal then takes its default action.
 */
char *passprompt_read(const char *prompt, bool from_stdin, char **cause);

#endif
