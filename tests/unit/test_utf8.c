/* Unit tests for UTF-8 decoding, sanitising, widths and clusters. */
#include "jarvis/utf8.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
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
	utf8_set_term(utf8_term_joined());
	ck_assert_uint_eq(W("hello"), 5);
	ck_assert_uint_eq(W("你好"), 4);
	ck_assert_uint_eq(W("👍"), 2);
	ck_assert_uint_eq(W("👍🏽"), 2);        /* skin tone joins */
	ck_assert_uint_eq(W("👨\u200d👩\u200d👧"), 2); /* ZWJ family */
	ck_assert_uint_eq(W("e\u0301"), 1);         /* combining acute */
	ck_assert_uint_eq(W("می\u200cخواهم"), 7);   /* ZWNJ is zero width */
	ck_assert_uint_eq(W("🇺🇸"), 2);              /* flag */
	ck_assert_uint_eq(W("\u263a\ufe0f"), 2);    /* VS16 makes it an emoji */
	ck_assert_uint_eq(W("\u263a"), 1);
	ck_assert_uint_eq(W("۱۲۳٤٥٦"), 6);             /* Persian and Arabic-Indic digits */
	ck_assert_uint_eq(W("\u0915\u093e"), 2);       /* Devanagari KA + spacing AA sign */
	ck_assert_uint_eq(W("\u1100\u1161\u11a8"), 2); /* conjoining jamo: one syllable */
	ck_assert_int_eq(utf8_cp_width(0x200C), 0);
	ck_assert_int_eq(utf8_cp_width(0x200D), 0);
	ck_assert_int_eq(utf8_cp_width(0xFE0F), 0);
	ck_assert_int_eq(utf8_cp_width(0x0301), 0);
	ck_assert_int_eq(utf8_cp_width(0x4F60), 2);
	ck_assert_int_eq(utf8_cp_width(0x1FAF8), 2); /* newer emoji glibc's wcwidth does not know */
	ck_assert_int_eq(utf8_cp_width(0x06F1), 1);
	ck_assert_int_eq(utf8_cp_width(0x0661), 1);
	ck_assert_int_eq(utf8_cp_width('a'), 1);
}
END_TEST

/* The width cluster by cluster, as utf8_width must add it up. */
static size_t width_by_cluster(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		size_t next = utf8_cluster_next(s, n, i);
		w += (size_t)utf8_cluster_width(s, n, i, next);
		i = next;
	}
	return w;
}

/* utf8_width takes runs of ASCII eight bytes at a time: whatever breaks a
 * run (a combining mark after its last letter, a control, DEL, a wide
 * character) counts the same at every offset in and around a block. */
START_TEST(ascii_runs_count_like_clusters)
{
	utf8_set_term(utf8_term_joined());
	static const char *const breaks[] = {"\u0301", "\x01", "\x7f", "\t", "\u4f60", "~"};
	static const size_t want_extra[] = {0, 0, 0, 0, 2, 1}; /* the break's own width */
	for (size_t b = 0; b < sizeof breaks / sizeof breaks[0]; b++)
		for (size_t k = 0; k <= 24; k++) {
			char s[64];
			int n =
			    snprintf(s, sizeof s, "%.*s%s%.*s", (int)k, "aaaaaaaaaaaaaaaaaaaaaaaaa",
			             breaks[b], (int)(24 - k), "bbbbbbbbbbbbbbbbbbbbbbbbb");
			ck_assert_int_gt(n, 0);
			ck_assert_uint_eq(utf8_width(s, (size_t)n), width_by_cluster(s, (size_t)n));
			if (b != 1 && b != 2 &&
			    b != 3) /* what a control counts for is not this test's */
				ck_assert_uint_eq(utf8_width(s, (size_t)n), 24 + want_extra[b]);
			/* Every prefix too: a run that ends at the end of the text. */
			for (int m = 0; m <= n; m++)
				ck_assert_uint_eq(utf8_width(s, (size_t)m),
				                  width_by_cluster(s, (size_t)m));
		}
}
END_TEST

/* The same text on a terminal that draws every piece of a sequence. */
START_TEST(widths_split)
{
	utf8_set_term(utf8_term_split());
	ck_assert_uint_eq(W("👍🏽"), 4);
	ck_assert_uint_eq(W("👨\u200d👩\u200d👧"), 6);
	ck_assert_uint_eq(W("\u263a\ufe0f"), 1);
	ck_assert_uint_eq(W("🇺🇸"), 2);
	ck_assert_uint_eq(W("你好"), 4);
	ck_assert_uint_eq(W("می\u200cخواهم"), 7);
	/* Only widths change: the clusters stay whole. */
	ck_assert_uint_eq(clusters("👨\u200d👩\u200d👧👍🏽"), 2);
	struct utf8_term mixed = {true, false, 1, 2}; /* tmux 3.3a */
	utf8_set_term(&mixed);
	ck_assert_uint_eq(W("👨\u200d👩\u200d👧👍🏽\u263a\ufe0f"), 2 + 4 + 1);
	utf8_set_term(utf8_term_joined());
}
END_TEST

/* Nothing is normalised: the letters Persian and Arabic spell differently stay as typed. */
START_TEST(no_normalisation)
{
	const char *s = "ی ي ک ك می\u200cخواهم e\u0301 \u00e9 \ufb01";
	char *c = utf8_sanitize(s, strlen(s));
	ck_assert_str_eq(c, s);
	free(c);
	ck_assert_uint_eq(clusters("ی\u200cي"), 2); /* ZWNJ joins the letter before it */
}
END_TEST

/*
 * Every case of Unicode's own conformance file, GraphemeBreakTest.txt
 * (Debian unicode-data, installed by make deps): each line is a string with
 * "÷" where a cluster boundary must be and "×" where none may be.
 */
#define GBT_PATH "/usr/share/unicode/auxiliary/GraphemeBreakTest.txt"

static int check_gbt_line(char *line, int lineno)
{
	char s[256];
	size_t n = 0, bounds[64], nb = 0;
	size_t allpos[64], na = 0;
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *save = NULL;
	for (char *tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (strcmp(tok, "\u00f7") == 0) {
			bounds[nb++] = n;
			allpos[na++] = n;
		} else if (strcmp(tok, "\u00d7") == 0) {
			allpos[na++] = n;
		} else {
			n += utf8_encode((uint32_t)strtoul(tok, NULL, 16), s + n);
		}
	}
	if (nb == 0)
		return 0;
	int bad = 0;
	for (size_t i = 0; i + 1 < nb; i++) {
		if (utf8_cluster_next(s, n, bounds[i]) != bounds[i + 1])
			bad = 1;
		if (utf8_cluster_prev(s, n, bounds[i + 1]) != bounds[i])
			bad = 1;
	}
	for (size_t i = 0; i < na; i++) {
		bool want = false;
		for (size_t j = 0; j < nb; j++)
			want |= bounds[j] == allpos[i];
		if (utf8_is_boundary(s, n, allpos[i]) != want)
			bad = 1;
	}
	if (bad)
		fprintf(stderr, "GraphemeBreakTest.txt:%d fails\n", lineno);
	return 1 + bad;
}

START_TEST(grapheme_break_test_passes_whole)
{
	FILE *f = fopen(GBT_PATH, "r");
	if (!f)
		ck_abort_msg(GBT_PATH " is missing: run make deps (Debian package unicode-data)");
	char line[1024];
	int lineno = 0, cases = 0, failed = 0;
	while (fgets(line, sizeof line, f)) {
		int r = check_gbt_line(line, ++lineno);
		cases += r > 0;
		failed += r == 2;
	}
	fclose(f);
	ck_assert_int_ge(cases, 600); /* 602 in Unicode 15.0 */
	ck_assert_msg(failed == 0, "%d of %d GraphemeBreakTest cases fail", failed, cases);
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

/* Issue 12: an RLO (U+202E) in an answer reordered what a terminal showed. */
START_TEST(bidi_overrides_and_isolates_are_neutralised)
{
	const char t[] = "a\u202Egpj.exe b\u2066c\u2069 \u202Ad\u202C e\u200Ff";
	char *s = utf8_neutralize_for_terminal(t, sizeof(t) - 1);
	ck_assert_str_eq(s, "a\uFFFDgpj.exe b\uFFFDc\uFFFD \uFFFDd\uFFFD e\u200Ff");
	free(s);
	s = utf8_sanitize(t, sizeof(t) - 1);
	ck_assert_ptr_null(strstr(s, "\u202E"));
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
		buf_release(&out);
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
	buf_release(&out);
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, widths);
	tcase_add_test(tc, widths_split);
	tcase_add_test(tc, ascii_runs_count_like_clusters);
	tcase_add_test(tc, no_normalisation);
	tcase_add_test(tc, grapheme_break_test_passes_whole);
	tcase_add_test(tc, clusters_hold_together);
	tcase_add_test(tc, invalid_bytes_become_replacement);
	tcase_add_test(tc, sanitize_keeps_newline_and_tab);
	tcase_add_test(tc, neutralize_escape_sequences);
	tcase_add_test(tc, bidi_overrides_and_isolates_are_neutralised);
	tcase_add_test(tc, stream_neutralizer_joins_split_sequences);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(utf8_suite)
