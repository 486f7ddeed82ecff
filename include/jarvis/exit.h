/*
 * exit.h: the exit statuses of the contract (DESIGN.md, the man page's EXIT
 * STATUS). Every mode returns one of these; app_run() passes it to exit().
 */
#ifndef JARVIS_EXIT_H
#define JARVIS_EXIT_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_API = 1,
	EXIT_USAGE = 2,
	EXIT_STORE = 3,
	EXIT_AUTH = 4,
	EXIT_INTERRUPTED = 130,
};

#endif
