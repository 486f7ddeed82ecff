/*
 * app.h: the program as a whole. app_run() parses the command line, loads
 * the configuration and runs the chosen mode; it returns the exit status.
 */
#ifndef JARVIS_APP_H
#define JARVIS_APP_H

/* Exit statuses of the contract (DESIGN.md). */
enum exit_code {
	EXIT_OK = 0,
	EXIT_API = 1,
	EXIT_USAGE = 2,
	EXIT_STORE = 3,
	EXIT_AUTH = 4,
	EXIT_INTERRUPTED = 130,
};

int app_run(int argc, char **argv);

#endif
