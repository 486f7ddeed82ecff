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
	ck_assert_str_eq(b.data, "");
	free(s);
}
END_TEST

START_TEST(data_is_never_null)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	buf_reset(&b);
	ck_assert_str_eq(b.data, "");
	char *s = buf_steal(&b); /* never allocated: still a string of its own */
	ck_assert_str_eq(s, "");
	free(s);
	buf_addstr(&b, "x");
	buf_release(&b);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_eq(b.len, 0);
	static struct buf kept = BUF_INIT(16);
	ck_assert_str_eq(kept.data, "");
	ck_assert_uint_eq(kept.max, 16);
}
END_TEST

START_TEST(an_unchecked_append_past_the_maximum_marks_the_buffer)
{
	struct buf b;
	buf_init(&b, 4);
	buf_addstr(&b, "abc");
	ck_assert(!b.truncated);
	buf_addf(&b, "%d%d", 1, 2); /* would make 5 bytes: appends nothing */
	ck_assert(b.truncated);
	ck_assert_str_eq(b.data, "abc");
	buf_truncate(&b, 1);
	ck_assert_str_eq(b.data, "a");
	ck_assert_uint_eq(b.len, 1);
	buf_truncate(&b, 9); /* longer than the contents: nothing changes */
	ck_assert_str_eq(b.data, "a");
	buf_reset(&b);
	ck_assert(!b.truncated);
	buf_release(&b);
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
	tcase_add_test(tc, data_is_never_null);
	tcase_add_test(tc, an_unchecked_append_past_the_maximum_marks_the_buffer);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(buf_suite)
