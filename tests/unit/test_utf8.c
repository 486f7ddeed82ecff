/* Unit tests for UTF-8 decoding, sanitising, widths and clusters. */
#include "jarvis/utf8.h"

#include <locale.h>
#include <string.h>

#include "unit.h"

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

/* Width of a NUL-terminated string, for brevity. */
static size_t W(const char *s)
{
	return utf8_strwidth(s);
}

/* Number of cursor stops (clusters) in s. */
static size_t clusters(const char *s)
{
	size_t n = strlen(s), i = 0, c = 0;
	while (i < n) {
		i = utf8_cluster_next(s, n, i);
		c++;
	}
	return c;
}

START_TEST(widths)
{
	ck_assert_uint_eq(W("hello"), 5);
	ck_assert_uint_eq(W("你好"), 4);
	ck_assert_uint_eq(W("👍"), 2);
	ck_assert_uint_eq(W("👍🏽"), 2);        /* skin tone joins */
	ck_assert_uint_eq(W("👨\u200d👩\u200d👧"), 2); /* ZWJ family */
	ck_assert_uint_eq(W("e\u0301"), 1);         /* combining acute */
	ck_assert_uint_eq(W("می\u200cخواهم"), 7);   /* ZWNJ is zero width */
	ck_assert_uint_eq(W("🇺🇸"), 2);              /* flag */
	ck_assert_uint_eq(W("\u2764\ufe0f"), 1);
	ck_assert_int_eq(utf8_cp_width(0x200C), 0);
	ck_assert_int_eq(utf8_cp_width(0x200D), 0);
	ck_assert_int_eq(utf8_cp_width(0xFE0F), 0);
	ck_assert_int_eq(utf8_cp_width(0x0301), 0);
	ck_assert_int_eq(utf8_cp_width(0x4F60), 2);
	ck_assert_int_eq(utf8_cp_width(0x1FAF8), 2); /* newer emoji wcwidth may not know */
	ck_assert_int_eq(utf8_cp_width('a'), 1);
}
END_TEST

START_TEST(clusters_hold_together)
{
	ck_assert_uint_eq(clusters("abc"), 3);
	ck_assert_uint_eq(clusters("你好"), 2);
	ck_assert_uint_eq(clusters("👍🏽"), 1);
	ck_assert_uint_eq(clusters("👨\u200d👩\u200d👧"), 1);
	ck_assert_uint_eq(clusters("e\u0301x"), 2);
	ck_assert_uint_eq(clusters("می\u200cخواهم"), 7);
	ck_assert_uint_eq(clusters("🇺🇸🇬🇧"), 2);
	ck_assert_uint_eq(clusters("a\nb"), 3);
	/* Backwards lands on the same boundaries. */
	const char *s = "x👨\u200d👩\u200d👧e\u0301";
	size_t n = strlen(s);
	size_t e = utf8_cluster_prev(s, n, n);
	ck_assert_uint_eq(n - e, 3); /* "e" + U+0301 */
	size_t f = utf8_cluster_prev(s, n, e);
	ck_assert_uint_eq(f, 1);
	ck_assert_uint_eq(utf8_cluster_prev(s, n, f), 0);
	ck_assert(!utf8_is_boundary(s, n, 5));
	ck_assert(utf8_is_boundary(s, n, e));
}
END_TEST

START_TEST(invalid_bytes_become_replacement)
{
	uint32_t cp;
	ck_assert_uint_eq(utf8_decode("\xff", 1, &cp), 1);
	ck_assert_uint_eq(cp, 0xFFFD);
	ck_assert_uint_eq(utf8_decode("\xc0\xaf", 2, &cp), 1); /* overlong */
	ck_assert_uint_eq(cp, 0xFFFD);
	ck_assert_uint_eq(utf8_decode("\xed\xa0\x80", 3, &cp), 1); /* surrogate */
	ck_assert_uint_eq(cp, 0xFFFD);
	ck_assert_uint_eq(utf8_decode("\xe4\xbd", 2, &cp), 1); /* truncated */
	ck_assert_uint_eq(utf8_decode("\xe4\xbd\xa0", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x4F60);
	char *s = utf8_sanitize("a\xff"
	                        "b\xe4\xbd"
	                        "c",
	                        6);
	/* each byte that cannot be decoded is one U+FFFD */
	ck_assert_str_eq(s, "a\uFFFDb\uFFFD\uFFFDc");
	ck_assert(utf8_valid(s, strlen(s)));
	free(s);
	s = utf8_sanitize("x\0y", 3);
	ck_assert_str_eq(s, "x\uFFFDy");
	free(s);
}
END_TEST

START_TEST(sanitize_keeps_newline_and_tab)
{
	const char in[] = "line1\r\n\tline2\rX\x07\x7f";
	char *s = utf8_sanitize(in, sizeof(in) - 1);
	ck_assert_str_eq(s, "line1\n\tline2\u240dX\u2407\u2421");
	free(s);
}
END_TEST

START_TEST(neutralize_escape_sequences)
{
	const char clear[] = "a\x1b[2Jb";
	char *s = utf8_neutralize_for_terminal(clear, sizeof(clear) - 1);
	ck_assert_str_eq(s, "a\u241b[2Jb");
	ck_assert_ptr_null(strchr(s, 0x1b));
	free(s);
	/* OSC 52 would write the clipboard; BEL and ESC \ both terminate it. */
	const char osc[] = "\x1b]52;c;aGk=\x07 and \x1b]52;c;aGk=\x1b\\";
	s = utf8_neutralize_for_terminal(osc, sizeof(osc) - 1);
	ck_assert_str_eq(s, "\u241b]52;c;aGk=\u2407 and \u241b]52;c;aGk=\u241b\\");
	free(s);
	/* C1 CSI (U+009B) encoded in UTF-8, and as a raw byte. */
	const char c1[] = "x\xc2\x9b"
	                  "31my\x9bz";
	s = utf8_neutralize_for_terminal(c1, sizeof(c1) - 1);
	ck_assert_str_eq(s, "x\uFFFD31my\uFFFDz");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ck_assert(*p >= 0x20 || *p == '\n' || *p == '\t');
	free(s);
}
END_TEST

START_TEST(stream_neutralizer_joins_split_sequences)
{
	const char in[] = "你\r\n好\x1b[0m👍";
	size_t n = sizeof(in) - 1;
	for (size_t cut = 0; cut <= n; cut++) {
		struct utf8_stream st;
		struct buf out;
		utf8_stream_init(&st);
		buf_init(&out, 0);
		utf8_stream_feed(&st, in, cut, &out);
		utf8_stream_feed(&st, in + cut, n - cut, &out);
		utf8_stream_finish(&st, &out);
		ck_assert_str_eq(out.data, "你\n好\u241b[0m👍");
		buf_free(&out);
	}
	/* Byte by byte, too, with a truncated tail flushed as U+FFFD. */
	struct utf8_stream st;
	struct buf out;
	utf8_stream_init(&st);
	buf_init(&out, 0);
	for (size_t i = 0; i < n; i++)
		utf8_stream_feed(&st, in + i, 1, &out);
	utf8_stream_feed(&st, "\xe4\xbd", 2, &out);
	utf8_stream_finish(&st, &out);
	ck_assert_str_eq(out.data, "你\n好\u241b[0m👍\uFFFD\uFFFD");
	buf_free(&out);
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, widths);
	tcase_add_test(tc, clusters_hold_together);
	tcase_add_test(tc, invalid_bytes_become_replacement);
	tcase_add_test(tc, sanitize_keeps_newline_and_tab);
	tcase_add_test(tc, neutralize_escape_sequences);
	tcase_add_test(tc, stream_neutralizer_joins_split_sequences);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(utf8_suite)
