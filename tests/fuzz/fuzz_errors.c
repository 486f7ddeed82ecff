/*
 * fuzz_errors.c: libFuzzer harness for the Gemini error-body parser. The
 * first two bytes pick the HTTP status; the rest is the body. The line
 * shown to the user must say something and carry no escape sequence: no
 * ESC or other C0 control but \n and \t, no DEL, no C1 control.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/gemini_error.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void assert_inert(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		if ((u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || u[i] == 0x7f)
			abort();
		if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			abort();
	}
	if (n == 0 || !utf8_valid(s, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static const long statuses[] = {200, 400, 401, 403, 404, 429, 500, 503};
	long status = data[0] < 8 ? statuses[data[0]] : 100 + (long)data[0] * 2 + data[1] % 2;
	struct gemini_error e;
	gemini_error_parse(status, (const char *)data + 2, size - 2, &e);
	char *line = gemini_error_describe(&e, data[1] & 1 ? "gemini-2.5-flash" : NULL);
	assert_inert(line);
	free(line);
	(void)gemini_error_retryable(&e);
	gemini_error_release(&e);
	return 0;
}
