/*
 * fuzz_event.c: libFuzzer harness for the streamed-event fast path. The
 * input is a run of events separated by newlines, folded in order into a
 * reply_twin (tests/support/reply_twin.h): the fast path and the full
 * parser must agree after every event.
 * Built and run by `make fuzz` (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/reply_twin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct reply_twin t;
	reply_twin_init(&t);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *differs = reply_twin_event(&t, p, n);
		if (differs != NULL) {
			fprintf(stderr, "fuzz_event: the fast path's %s differs on %.*s\n", differs,
			        (int)n, p);
			abort();
		}
		p += n + 1;
	}
	reply_twin_release(&t);
	return 0;
}
