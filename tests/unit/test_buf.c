/* Unit tests for the bounded buffer. */
#include "jarvis/buf.h"

#include <string.h>

#include "unit.h"

START_TEST(appends_and_terminates)
{
	struct buf b;
	buf_init(&b, 0);
	ck_assert_int_eq(buf_puts(&b, "hello "), 0);
	ck_assert_int_eq(buf_printf(&b, "%d", 42), 0);
	ck_assert_str_eq(b.data, "hello 42");
	ck_assert_uint_eq(b.len, 8);
	buf_consume(&b, 6);
	ck_assert_str_eq(b.data, "42");
	char *s = buf_steal(&b);
	ck_assert_str_eq(s, "42");
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

START_TEST(refuses_to_pass_its_maximum)
{
	struct buf b;
	buf_init(&b, 8);
	ck_assert_int_eq(buf_append(&b, "12345678", 8), 0);
	ck_assert_int_eq(buf_append(&b, "9", 1), -1);
	ck_assert_str_eq(b.data, "12345678");
	buf_consume(&b, 100);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(buf_append(&b, "abc", 3), 0);
	buf_release(&b);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, appends_and_terminates);
	tcase_add_test(tc, refuses_to_pass_its_maximum);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(buf_suite)
