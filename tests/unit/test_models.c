/*
 * Unit tests for the retired models of models.c: the 2.5 models shut down
 * on 2026-12-01 name their replacements, the notice says "will be" before
 * the date and "was" from it on, and current models have none.
 */
#include "jarvis/models.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"
#include "unit.h"

START_TEST(retired_models_name_their_replacement)
{
	const struct model_retirement *r = models_retirement("gemini-2.5-flash");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->shutdown, "2026-12-01");
	ck_assert_str_eq(r->replacement, "gemini-3.5-flash-lite");
	ck_assert_str_eq(models_retirement("gemini-2.5-pro")->replacement, "gemini-3.8-flash");
	ck_assert_ptr_null(models_retirement("gemini-3.5-flash"));
	ck_assert_ptr_null(models_retirement("gemini-2.5-flash-lite")); /* still served */
	ck_assert_ptr_null(models_retirement(NULL));
	/* The replacements are models the built-in table knows. */
	struct model_list list;
	models_init(&list);
	for (const char *const *id =
	         (const char *const[]){"gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash",
	                               "gemini-2.0-flash-lite", NULL};
	     *id != NULL; id++) {
		ck_assert_ptr_nonnull(models_find(&list, models_retirement(*id)->replacement));
		ck_assert_ptr_null(models_find(&list, *id)); /* and the table no longer offers it */
	}
	models_release(&list);
}
END_TEST

START_TEST(notice_follows_the_date)
{
	char *before = models_retired_notice("gemini-2.5-flash", "2026-11-30", "/model");
	ck_assert_str_eq(before, "gemini-2.5-flash will be shut down on 2026-12-01; /model "
	                         "gemini-3.5-flash-lite uses its replacement");
	char *on = models_retired_notice("gemini-2.5-flash", "2026-12-01", "-m");
	ck_assert_str_eq(on, "gemini-2.5-flash was shut down on 2026-12-01; -m "
	                     "gemini-3.5-flash-lite uses its replacement");
	char *undated = models_retired_notice("gemini-2.0-flash-lite", "2026-12-01", "-m");
	ck_assert_ptr_nonnull(strstr(undated, "is deprecated"));
	ck_assert_ptr_null(models_retired_notice("gemini-3.5-flash", "2026-12-01", "-m"));
	free(before);
	free(on);
	free(undated);
	char d[16];
	utc_date(1764547200000LL, d, sizeof d); /* 2025-12-01T00:00:00Z */
	ck_assert_str_eq(d, "2025-12-01");
}
END_TEST

static Suite *models_suite(void)
{
	Suite *s = suite_create("models");
	TCase *tc = tcase_create("models");
	tcase_add_test(tc, retired_models_name_their_replacement);
	tcase_add_test(tc, notice_follows_the_date);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(models_suite)
