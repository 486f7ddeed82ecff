/*
 * unit.h: each tests/unit/test_*.c is its own Check program; UNIT_MAIN
 * runs the suite it is given and exits non-zero on any failure.
 */
#ifndef JARVIS_UNIT_H
#define JARVIS_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "jarvis/buf.h"

/* Under make sanitize, undefined behaviour fails the test that caused it
 * (UBSan reads this hook; a build without UBSan never calls it). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/*
 * The whole file at path, NUL-terminated (caller frees); its length in
 * *len when len is not NULL. Fails the test when it cannot be read (the
 * suites run from the repository root).
 */
static inline char *unit_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
	struct buf b;
	buf_init(&b, 0);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return buf_steal(&b);
}

#define UNIT_MAIN(suite_fn)                                                                        \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(suite_fn());                                          \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		int failed = srunner_ntests_failed(sr);                                            \
		srunner_free(sr);                                                                  \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                  \
	}

#endif
