/*
 * Unit tests for the small helpers of util.h that have rules of their
 * own: when_short gives the time alone today and the date with it on any
 * other day, in local time.
 */
#include "jarvis/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#define DAY_MS (24LL * 3600 * 1000)

START_TEST(when_short_shows_the_date_unless_today)
{
	setenv("TZ", "UTC", 1);
	tzset();
	long long noon = 1764676800000LL; /* 2025-12-02 12:00 UTC */
	char out[32];
	when_short(noon - 3600 * 1000, noon, out, sizeof out);
	ck_assert_str_eq(out, "11:00");
	when_short(noon - DAY_MS, noon, out, sizeof out);
	ck_assert_str_eq(out, "2025-12-01 12:00");
	when_short(noon - 365 * DAY_MS, noon, out, sizeof out);
	ck_assert_str_eq(out, "2024-12-02 12:00");
	when_short(0, noon, out, sizeof out);
	ck_assert_str_eq(out, "");
	/* The day is the local one: 23:30 UTC is tomorrow in Tokyo. */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	when_short(noon + 11 * 3600 * 1000 + 30 * 60 * 1000, noon, out, sizeof out);
	ck_assert_str_eq(out, "2025-12-03 08:30");
	when_short(noon + 3600 * 1000, noon, out, sizeof out);
	ck_assert_str_eq(out, "22:00");
	setenv("TZ", "UTC", 1);
	tzset();
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, when_short_shows_the_date_unless_today);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(util_suite)
