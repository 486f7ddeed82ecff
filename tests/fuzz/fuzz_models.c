/*
 * fuzz_models.c: libFuzzer harness for the model list: one page of
 * GET /v1beta/models merged into the built-in table. Every model kept must
 * have an id that is safe in a URL path and be found by its id.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/models.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_list list;
	models_init(&list);
	char *next = NULL, *cause = NULL;
	int rc = models_merge_remote(&list, (const char *)data, size, &next, &cause);
	if (rc != 0 && (cause == NULL || *cause == '\0'))
		abort(); /* a refusal must say why */
	models_sort(&list);
	for (size_t i = 0; i < list.n; i++) {
		if (!model_id_ok(list.v[i].id))
			abort();
		if (models_find(&list, list.v[i].id) == NULL)
			abort();
	}
	free(next);
	free(cause);
	models_release(&list);
	return 0;
}
