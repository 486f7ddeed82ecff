/*
 * fuzz_cli.c: libFuzzer harness for the command line. The input, split at
 * NUL bytes, is argv after the program name; a refusal must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/cli.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARGS_MAX 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	char *argv[ARGS_MAX + 2];
	int argc = 0;
	argv[argc++] = "jarvis";
	for (char *p = copy; argc <= ARGS_MAX && p <= copy + size; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	struct cli cli;
	char *cause = NULL;
	if (cli_parse(argc, argv, &cli, &cause) == 0)
		cli_release(&cli);
	else if (cause == NULL || *cause == '\0')
		abort();
	free(cause);
	free(copy);
	return 0;
}
