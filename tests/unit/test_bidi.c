/*
 * Unit tests for right-to-left display order (src/bidi/bidi.c and the
 * FriBidi plugin): known Persian sentences with ZWNJ inside words, Persian
 * and European digits, brackets and an English term in the middle, checked
 * against FriBidi's own high-level answer (fribidi_log2vis) and by what a
 * reader must see.
 */
#include "jarvis/bidi.h"

#include <fribidi.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"

#include "unit.h"

static const char *const sentences[] = {
    "من می\u200cخواهم ۳ کتاب درباره\u200cی Linux بخرم.",
    "نسخه 2.5 از Jarvis (آزمایشی) منتشر شد!",
    "کتاب\u200cها را در ۱۴۰۳/۰۵/۱۲ به ali@example.com فرستادم",
    "عدد ٣٤٥ و ۶۷۸ و 910",
};

/* Code points of s, and the byte offset each starts at. */
static size_t decode_all(const char *s, uint32_t *cps, size_t *at)
{
	size_t n = strlen(s), i = 0, k = 0;
	while (i < n) {
		at[k] = i;
		i += utf8_decode(s + i, n - i, &cps[k]);
		k++;
	}
	return k;
}

START_TEST(order_matches_fribidi_log2vis)
{
	for (size_t t = 0; t < sizeof sentences / sizeof *sentences; t++) {
		const char *s = sentences[t];
		uint32_t cps[256];
		size_t at[256];
		size_t n = decode_all(s, cps, at);
		FriBidiChar vis[256];
		FriBidiStrIndex v2l[256];
		FriBidiParType dir = FRIBIDI_PAR_RTL;
		ck_assert(fribidi_log2vis(cps, (FriBidiStrIndex)n, &dir, vis, NULL, v2l, NULL));
		struct buf out;
		buf_init(&out, 0);
		size_t *offs, nout;
		char *cause = NULL;
		ck_assert_msg(bidi_visual(s, strlen(s), 0, strlen(s), &out, &offs, &nout, &cause) ==
		                  0,
		              "%s", cause ? cause : "");
		ck_assert_uint_eq(nout, n);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(offs[i] == at[v2l[i]], "sentence %zu, visual %zu", t, i);
		free(offs);
		buf_release(&out);
	}
}
END_TEST

/* What a reader of the first sentence must see, left to right. */
START_TEST(persian_sentence_reads_right)
{
	const char *s = sentences[0];
	struct buf out;
	buf_init(&out, 0);
	size_t *offs, nout;
	char *cause = NULL;
	ck_assert_int_eq(bidi_visual(s, strlen(s), 0, strlen(s), &out, &offs, &nout, &cause), 0);
	buf_add(&out, "", 1);
	const char *v = out.data;
	/* The full stop ends the sentence, so it is at the left edge. */
	ck_assert(v[0] == '.');
	/* The English term stays left-to-right, between the words around it. */
	const char *linux = strstr(v, "Linux");
	ck_assert_ptr_nonnull(linux);
	const char *bekharam = strstr(v, "مرخب"); /* بخرم reversed: it comes last */
	const char *darbare = strstr(v, "ی\u200cهرابرد");
	ck_assert(bekharam && darbare && bekharam < linux && linux < darbare);
	/* The digit stays a digit, the ZWNJs stay inside their words, nothing is lost. */
	ck_assert_ptr_nonnull(strstr(v, "مهاوخ\u200cیم"));
	ck_assert_ptr_nonnull(strstr(v, "۳"));
	ck_assert_uint_eq(strlen(v), strlen(s));
	free(offs);
	buf_release(&out);
}
END_TEST

/* Brackets are mirrored where right-to-left, European numbers keep their order. */
START_TEST(brackets_mirror_and_numbers_hold)
{
	const char *s = sentences[1];
	struct buf out;
	buf_init(&out, 0);
	size_t *offs, nout;
	char *cause = NULL;
	ck_assert_int_eq(bidi_visual(s, strlen(s), 0, strlen(s), &out, &offs, &nout, &cause), 0);
	buf_add(&out, "", 1);
	ck_assert_ptr_nonnull(strstr(out.data, "(یشیامزآ)"));
	ck_assert_ptr_nonnull(strstr(out.data, "2.5"));
	ck_assert(out.data[0] == '!');
	free(offs);
	buf_release(&out);
}
END_TEST

/* A line of a paragraph: levels come from the whole paragraph, order from the line. */
START_TEST(one_line_of_a_paragraph)
{
	const char *s = sentences[0];
	const char *cut = strstr(s, "درباره");
	size_t from = (size_t)(cut - s);
	struct buf out;
	buf_init(&out, 0);
	size_t *offs, nout;
	char *cause = NULL;
	ck_assert_int_eq(bidi_visual(s, strlen(s), from, strlen(s), &out, &offs, &nout, &cause), 0);
	buf_add(&out, "", 1);
	ck_assert(out.data[0] == '.');
	ck_assert_ptr_nonnull(strstr(out.data, "Linux"));
	ck_assert_uint_eq(strlen(out.data), strlen(s) - from);
	for (size_t i = 0; i < nout; i++)
		ck_assert(offs[i] >= from);
	free(offs);
	buf_release(&out);
}
END_TEST

START_TEST(paragraph_direction)
{
	ck_assert(bidi_par_is_rtl("سلام", strlen("سلام")));
	ck_assert(bidi_par_is_rtl("۳ کتاب", strlen("۳ کتاب"))); /* digits are weak */
	ck_assert(bidi_par_is_rtl("2024: سال", strlen("2024: سال")));
	ck_assert(!bidi_par_is_rtl("Linux است", strlen("Linux است")));
	ck_assert(!bidi_par_is_rtl("123 ...", 7));
	ck_assert(!bidi_par_is_rtl("", 0));
}
END_TEST

START_TEST(auto_mode_follows_the_terminal)
{
	unsetenv("VTE_VERSION");
	unsetenv("KONSOLE_VERSION");
	unsetenv("MLTERM");
	ck_assert(bidi_wanted(BIDI_AUTO));
	setenv("VTE_VERSION", "7201", 1);
	ck_assert(!bidi_wanted(BIDI_AUTO));
	ck_assert(bidi_wanted(BIDI_ON));
	setenv("VTE_VERSION", "5402", 1); /* before VTE 0.58 there was no bidi */
	ck_assert(bidi_wanted(BIDI_AUTO));
	unsetenv("VTE_VERSION");
	setenv("KONSOLE_VERSION", "230805", 1);
	ck_assert(!bidi_wanted(BIDI_AUTO));
	unsetenv("KONSOLE_VERSION");
	setenv("MLTERM", "3.9.3", 1);
	ck_assert(!bidi_wanted(BIDI_AUTO));
	unsetenv("MLTERM");
	ck_assert(!bidi_wanted(BIDI_OFF));
	ck_assert_int_eq(bidi_mode_parse("on"), BIDI_ON);
	ck_assert_int_eq(bidi_mode_parse("off"), BIDI_OFF);
	ck_assert_int_eq(bidi_mode_parse("auto"), BIDI_AUTO);
}
END_TEST

static Suite *bidi_suite(void)
{
	Suite *s = suite_create("bidi");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, order_matches_fribidi_log2vis);
	tcase_add_test(tc, persian_sentence_reads_right);
	tcase_add_test(tc, brackets_mirror_and_numbers_hold);
	tcase_add_test(tc, one_line_of_a_paragraph);
	tcase_add_test(tc, paragraph_direction);
	tcase_add_test(tc, auto_mode_follows_the_terminal);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(bidi_suite)
