/* Unit tests for what the Files API needs: base64 back to bytes, and the API's times. */
#include <stdlib.h>
#include <string.h>

#include "jarvis/base64.h"
#include "jarvis/gemini_files.h"
#include "unit.h"

START_TEST(base64_decodes_what_it_encodes)
{
	unsigned char bytes[256];
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(255 - i);
	for (size_t n = 0; n <= 7; n++) {
		char *enc = base64_encode(bytes, n == 7 ? sizeof bytes : n);
		size_t len = 99;
		unsigned char *dec = base64_decode(enc, strlen(enc), &len);
		ck_assert_ptr_nonnull(dec);
		ck_assert_uint_eq(len, n == 7 ? sizeof bytes : n);
		ck_assert(memcmp(dec, bytes, len) == 0);
		free(dec);
		free(enc);
	}
	size_t len;
	unsigned char *d = base64_decode("aGk=", 4, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert(memcmp(d, "hi", 2) == 0);
	free(d);
	/* Not base64: refused, never half decoded. */
	ck_assert_ptr_null(base64_decode("a*k=", 4, &len));
	ck_assert_ptr_null(base64_decode("a=k=", 4, &len));
}
END_TEST

START_TEST(api_times_are_read_to_the_millisecond)
{
	ck_assert_int_eq(gemini_time_ms("1970-01-01T00:00:00Z"), 0);
	ck_assert_int_eq(gemini_time_ms("2026-12-04T20:25:00.123456Z"), 1796415900123LL);
	ck_assert_int_eq(gemini_time_ms("2024-02-29T23:59:59.5Z"), 1709251199500LL);
	ck_assert_int_eq(gemini_time_ms("2026-12-04 20:25:00Z"), -1);
	ck_assert_int_eq(gemini_time_ms("2026-12-04T20:25:00+01:00"), -1);
	ck_assert_int_eq(gemini_time_ms("yesterday"), -1);
	ck_assert_int_eq(gemini_time_ms(NULL), -1);
}
END_TEST

static Suite *files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, base64_decodes_what_it_encodes);
	tcase_add_test(tc, api_times_are_read_to_the_millisecond);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(files_suite)
