/*
 * unit.h: each tests/unit/test_*.c is its own Check program; UNIT_MAIN
 * runs the suite it is given and exits non-zero on any failure.
 */
#ifndef JARVIS_UNIT_H
#define JARVIS_UNIT_H

#include <check.h>
#include <stdlib.h>

/* Under make sanitize, undefined behaviour fails the test that caused it
 * (UBSan reads this hook; a build without UBSan never calls it). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
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
