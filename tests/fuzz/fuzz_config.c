/*
 * fuzz_config.c: libFuzzer harness for the config loader. The input is
 * written as the config file (-c) and loaded; a refusal must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/config.h"
#include "jarvis/models.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (path[0] == '\0') {
		snprintf(path, sizeof path, "/tmp/jarvis-fuzz-config-%d.ini", (int)getpid());
		/* Only the file speaks: no JARVIS_* or key variables from outside. */
		unsetenv("JARVIS_CONFIG");
		unsetenv("GEMINI_API_KEY");
		unsetenv("JWT_SECRET_KEY");
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	struct config_args args = {.config_path = path};
	struct config cfg;
	char *cause = NULL;
	if (config_load(&cfg, &args, NULL, NULL, &cause) == 0) {
		struct model_list list;
		config_models(&cfg, &list);
		models_release(&list);
		config_release(&cfg);
	} else if (cause == NULL || *cause == '\0') {
		abort();
	}
	free(cause);
	unlink(path);
	return 0;
}
