/* accountcli.c: placeholder; the account modes land with the persistence work. */
#include "jarvis/accountcli.h"

#include <stdio.h>

#include "jarvis/app.h"

int accountcli_run(const struct cli *cli, const struct config *cfg)
{
	fputs("jarvis: accounts and stored conversations are not built yet\n", stderr);
	return EXIT_USAGE;
}
