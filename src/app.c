/* app.c: placeholder until the frame lands (replaced in the next commit). */
#include "jarvis/app.h"

#include <stdio.h>

int app_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("jarvis: not built yet\n", stderr);
	return EXIT_USAGE;
}
