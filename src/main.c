/*
 * main.c: hands argv to app_run(). First the process is made non-dumpable
 * (no core file, no ptrace or /proc/PID/mem by other processes of the same
 * user): it holds the API key, the signing key and passwords for its whole
 * run.
 */
#include <sys/prctl.h>

#include "jarvis/app.h"

int main(int argc, char **argv)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return app_run(argc, argv);
}
