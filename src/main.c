/* main.c: hands argv to app_run(); nothing else lives here. */
#include "jarvis/app.h"

int main(int argc, char **argv)
{
	return app_run(argc, argv);
}
