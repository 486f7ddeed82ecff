/* Unit tests for the wrapper and its incremental cache. */
#include "jarvis/wrap.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/utf8.h"
#include "unit.h"

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

/* What row i looks like on screen, drawn piece by piece as the TUI will. */
static char *row_text(const struct wrap_cache *wc, const char *text, size_t i)
{
	struct buf b;
	buf_init(&b, 0);
	const struct wrap_row *r = wrap_cache_row(wc, i);
	const struct wrap_piece *p = wrap_cache_pieces(wc, r);
	for (size_t k = 0; k < r->npieces; k++) {
		if (p[k].kind == WRAP_PIECE_BLANK) {
			for (int c = 0; c < p[k].width; c++)
				buf_add(&b, " ", 1);
		} else if (p[k].kind == WRAP_PIECE_FILL) {
			for (int c = 0; c < p[k].width; c++)
				buf_add(&b, text + p[k].off, p[k].len);
		} else {
			buf_add(&b, text + p[k].off, p[k].len);
		}
	}
	return buf_steal(&b);
}

/* All rows joined with '|' for one readable assertion. */
static char *screen(const struct wrap_cache *wc, const char *text)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < wrap_cache_nrows(wc); i++) {
		char *r = row_text(wc, text, i);
		if (i > 0)
			buf_add(&b, "|", 1);
		buf_addstr(&b, r);
		free(r);
	}
	return buf_steal(&b);
}

static char *wrap_plain(const char *text, int width)
{
	struct wrap_cache *wc = wrap_cache_new();
	wrap_cache_update(wc, text, strlen(text), NULL, 0, 0, width);
	/* (a 1-column pane is the one place a wide cluster must overhang) */
	for (size_t i = 0; i < wrap_cache_nrows(wc) && width > 1; i++)
		ck_assert_int_le(wrap_cache_row(wc, i)->width, width);
	char *s = screen(wc, text);
	wrap_cache_free(wc);
	return s;
}

#define ASSERT_WRAP(text, width, expect)                                                           \
	do {                                                                                       \
		char *got_ = wrap_plain(text, width);                                              \
		ck_assert_str_eq(got_, expect);                                                    \
		free(got_);                                                                        \
	} while (0)

START_TEST(breaks_at_spaces_and_hard_breaks_long_words)
{
	ASSERT_WRAP("hello world foo", 10, "hello|world foo");
	ASSERT_WRAP("aaaaaaaaaaaaaaaaaaaaaaaaa", 10, "aaaaaaaaaa|aaaaaaaaaa|aaaaa");
	ASSERT_WRAP("one two\n\nthree", 80, "one two||three");
	ASSERT_WRAP("", 10, "");
	ASSERT_WRAP("trailing\n", 10, "trailing|");
	ASSERT_WRAP("   indented words here", 10, "   indente|d words|here");
	ASSERT_WRAP("spaces     hang past the margin", 10, "spaces|hang past|the margin");
	ASSERT_WRAP("The quick brown fox jumps over the lazy dog", 20,
	            "The quick brown fox|jumps over the lazy|dog");
}
END_TEST

START_TEST(wide_characters_never_split_at_the_margin)
{
	/* 9 columns of ASCII leave one column: 你 (2 columns) moves down. */
	ASSERT_WRAP("abcdefghi你好", 10, "abcdefghi|你好");
	ASSERT_WRAP("你好你好你好你好你好你好", 10, "你好你好你|好你好你好|你好");
	ASSERT_WRAP("a你好你好你好", 10, "a你好你好|你好");
	/* A ZWJ family is one 2-column cluster; a width of 3 fits one per row. */
	ASSERT_WRAP("👨\u200d👩\u200d👧👨\u200d👩\u200d👧", 3, "👨\u200d👩\u200d👧|👨\u200d👩\u200d👧");
	ASSERT_WRAP("e\u0301e\u0301e\u0301", 2, "e\u0301e\u0301|e\u0301");
	ASSERT_WRAP("می\u200cخواهم می\u200cخواهم", 10, "می\u200cخواهم|می\u200cخواهم");
	/* A letter with a spacing mark (Gujarati O sign) is one 2-column
	 * cluster: four fill a width of 8, the fifth goes down. */
	ASSERT_WRAP("i\u0acbi\u0acbi\u0acbi\u0acbi\u0acb", 8,
	            "i\u0acbi\u0acbi\u0acbi\u0acb|i\u0acb");
	/* A width-2 cluster in a 1-column pane still makes progress. */
	ASSERT_WRAP("你好", 1, "你|好");
}
END_TEST

START_TEST(wraps_at_80)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 30; i++)
		buf_addstr(&b, "lorem 你好 ipsum 👍🏽 dolor ");
	char *s = wrap_plain(b.data, 80);
	/* Every row is full up to a word, none wider than 80 (checked inside). */
	ck_assert_ptr_nonnull(strstr(s, "|"));
	free(s);
	struct wrap_row *rows;
	size_t n = wrap_text(b.data, b.len, 80, &rows);
	ck_assert_uint_gt(n, 5);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_le(rows[i].width, 80);
		ck_assert_int_gt(rows[i].width, 60);
		ck_assert_int_eq((int)utf8_width(b.data + rows[i].off, rows[i].len), rows[i].width);
		ck_assert(utf8_is_boundary(b.data, b.len, rows[i].off));
	}
	free(rows);
	buf_release(&b);
}
END_TEST

/* Two caches hold the same rows and pieces. */
static void assert_same(const struct wrap_cache *a, const struct wrap_cache *b, size_t at)
{
	ck_assert_msg(wrap_cache_nrows(a) == wrap_cache_nrows(b), "row count differs at byte %zu",
	              at);
	for (size_t i = 0; i < wrap_cache_nrows(a); i++) {
		const struct wrap_row *x = wrap_cache_row(a, i), *y = wrap_cache_row(b, i);
		ck_assert_msg(x->off == y->off && x->len == y->len && x->width == y->width &&
		                  x->npieces == y->npieces,
		              "row %zu differs at byte %zu", i, at);
		ck_assert(x->npieces == 0 ||
		          memcmp(wrap_cache_pieces(a, x), wrap_cache_pieces(b, y),
		                 x->npieces * sizeof(struct wrap_piece)) == 0);
	}
}

START_TEST(incremental_equals_full_after_every_byte)
{
	static const char *parts[] = {
	    "Streaming text with English words, ",
	    "中文字符混在一起，",
	    "emoji 👍🏽 and 👨\u200d👩\u200d👧 families, ",
	    "Persian می\u200cخواهم بروم, ",
	    "a verylongwordthatmustbebrokenhardatthemargin, ",
	    "combining e\u0301 marks.\n",
	    "\n",
	    "   indented line after a blank one ",
	};
	struct buf text;
	buf_init(&text, 0);
	for (int rep = 0; rep < 6; rep++)
		for (size_t k = 0; k < ARRAY_LEN(parts); k++)
			buf_addstr(&text, parts[k]);
	static const int widths[] = {10, 20, 80};
	for (size_t wi = 0; wi < ARRAY_LEN(widths); wi++) {
		int w = widths[wi];
		struct wrap_cache *inc = wrap_cache_new();
		size_t max_rewrap = 0;
		for (size_t n = 1; n <= text.len; n++) {
			size_t first = wrap_cache_update(inc, text.data, n, NULL, 0, n - 1, w);
			struct wrap_cache *full = wrap_cache_new();
			wrap_cache_update(full, text.data, n, NULL, 0, 0, w);
			assert_same(inc, full, n);
			/* Appending one byte changes at most the last two rows. */
			ck_assert_uint_ge(first + 2, wrap_cache_nrows(inc));
			if (wrap_cache_rewrapped(inc) > max_rewrap)
				max_rewrap = wrap_cache_rewrapped(inc);
			wrap_cache_free(full);
		}
		/* It re-wrapped a row or two each time, never the whole text. */
		ck_assert_uint_lt(max_rewrap, (size_t)w * 4 * 3);
		wrap_cache_free(inc);
	}
	buf_release(&text);
}
END_TEST

START_TEST(first_changed_row_is_reported)
{
	const char *t = "aaa bbb ccc ddd eee";
	struct wrap_cache *wc = wrap_cache_new();
	ck_assert_uint_eq(wrap_cache_update(wc, t, 11, NULL, 0, 0, 8), 0); /* aaa bbb|ccc */
	ck_assert_uint_eq(wrap_cache_nrows(wc), 2);
	ck_assert_uint_eq(wrap_cache_update(wc, t, 19, NULL, 0, 11, 8), 1);
	ck_assert_uint_eq(wrap_cache_nrows(wc), 3); /* aaa bbb|ccc ddd|eee */
	ck_assert_uint_eq(wrap_cache_update(wc, t, 19, NULL, 0, 19, 8), 3);  /* nothing new */
	ck_assert_uint_eq(wrap_cache_update(wc, t, 19, NULL, 0, 19, 12), 0); /* resize */
	wrap_cache_free(wc);
}
END_TEST

/* Found by fuzzing: rows without pieces made wc->pieces + 0 on a NULL
 * pointer (clang's UBSan, as in make fuzz, reports it). */
START_TEST(empty_lines_have_rows_without_pieces)
{
	struct wrap_cache *wc = wrap_cache_new();
	ck_assert_uint_eq(wrap_cache_update(wc, "\n\n", 2, NULL, 0, 0, 8), 0);
	ck_assert_uint_eq(wrap_cache_nrows(wc), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct wrap_row *r = wrap_cache_row(wc, i);
		ck_assert_uint_eq(r->npieces, 0);
		ck_assert_ptr_nonnull(wrap_cache_pieces(wc, r));
	}
	ck_assert_uint_eq(wrap_cache_update(wc, "\n\n", 2, NULL, 0, 2, 8), 3); /* nothing new */
	wrap_cache_free(wc);
}
END_TEST

START_TEST(styled_prefixes_repeat_or_blank)
{
	/* "│ " quote bar repeated; "• " marker becomes blanks; code breaks hard. */
	const char *t = "│ quoted words wrap here\n• item text wraps too\n  x = 1 + 2 + 3\n─";
	size_t q = strlen("│ "), b = strlen("• ");
	size_t l1 = strlen("│ quoted words wrap here\n");
	size_t l2 = l1 + strlen("• item text wraps too\n");
	size_t l3 = l2 + strlen("  x = 1 + 2 + 3\n");
	struct span sp[] = {
	    {0, q, STYLE_QUOTE, 0, SPAN_PREFIX_REPEAT},
	    {q, l1 - q, STYLE_ITALIC, 0, 0},
	    {l1, b, STYLE_MARKER, 0, SPAN_PREFIX_BLANK},
	    {l1 + b, l2 - l1 - b, 0, 0, 0},
	    {l2, 2, 0, 0, SPAN_PREFIX_BLANK},
	    {l2 + 2, l3 - l2 - 2, STYLE_CODE_BLOCK, 0, SPAN_HARD},
	    {l3, strlen(t) - l3, STYLE_RULE, 0, SPAN_FILL},
	};
	struct wrap_cache *wc = wrap_cache_new();
	wrap_cache_update(wc, t, strlen(t), sp, ARRAY_LEN(sp), 0, 10);
	char *s = screen(wc, t);
	ck_assert_str_eq(s, "│ quoted|│ words|│ wrap|│ here|• item|  text|  wraps|  too|"
	                    "  x = 1 + |  2 + 3|──────────");
	free(s);
	/* The styles reach the pieces: row 0 is a quote bar then italic text. */
	const struct wrap_row *r = wrap_cache_row(wc, 0);
	const struct wrap_piece *p = wrap_cache_pieces(wc, r);
	ck_assert_uint_eq(r->npieces, 2);
	ck_assert_uint_eq(p[0].style, STYLE_QUOTE);
	ck_assert_uint_eq(p[1].style, STYLE_ITALIC);
	ck_assert_int_eq(p[1].width, 6);
	r = wrap_cache_row(wc, 5);
	p = wrap_cache_pieces(wc, r);
	ck_assert_int_eq(p[0].kind, WRAP_PIECE_BLANK);
	ck_assert_int_eq(p[0].width, 2);
	r = wrap_cache_row(wc, wrap_cache_nrows(wc) - 1);
	ck_assert_int_eq(wrap_cache_pieces(wc, r)[0].kind, WRAP_PIECE_FILL);
	ck_assert_int_eq(r->width, 10);
	wrap_cache_free(wc);
}
END_TEST

START_TEST(nowrap_lines_are_one_row)
{
	/* A quoted code line: its prefix, then content flagged SPAN_NOWRAP, wider
	 * than the width; the prose line after it still wraps. */
	const char *t = "│   for (i = 0; i < n; i++) x += i;\nwords that wrap";
	size_t q = strlen("│ "), l1 = strlen("│   for (i = 0; i < n; i++) x += i;");
	struct span sp[] = {
	    {0, q, STYLE_QUOTE, 0, SPAN_PREFIX_REPEAT},
	    {q, 2, 0, 0, SPAN_PREFIX_BLANK},
	    {q + 2, l1 - q - 2, STYLE_CODE_BLOCK, 0, SPAN_NOWRAP},
	    {l1, strlen(t) - l1, 0, 0, 0},
	};
	struct wrap_cache *wc = wrap_cache_new();
	wrap_cache_update(wc, t, strlen(t), sp, ARRAY_LEN(sp), 0, 10);
	char *s = screen(wc, t);
	ck_assert_str_eq(s, "│   for (i = 0; i < n; i++) x += i;|words that|wrap");
	free(s);
	const struct wrap_row *r = wrap_cache_row(wc, 0);
	ck_assert(r->nowrap);
	ck_assert_int_eq(r->width, 4 + 31);
	ck_assert_uint_eq(r->npieces, 3);
	ck_assert(!wrap_cache_row(wc, 1)->nowrap);
	/* Growing the code line one byte at a time keeps it one row. */
	struct wrap_cache *inc = wrap_cache_new();
	for (size_t n = q + 3; n <= l1; n++) {
		sp[2].len = (uint32_t)(n - q - 2);
		wrap_cache_update(inc, t, n, sp, 3, n - 1, 10);
		ck_assert_uint_eq(wrap_cache_nrows(inc), 1);
		ck_assert(wrap_cache_row(inc, 0)->nowrap);
	}
	wrap_cache_free(inc);
	wrap_cache_free(wc);
}
END_TEST

static Suite *wrap_suite(void)
{
	Suite *s = suite_create("wrap");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, breaks_at_spaces_and_hard_breaks_long_words);
	tcase_add_test(tc, wide_characters_never_split_at_the_margin);
	tcase_add_test(tc, wraps_at_80);
	tcase_add_test(tc, incremental_equals_full_after_every_byte);
	tcase_add_test(tc, first_changed_row_is_reported);
	tcase_add_test(tc, styled_prefixes_repeat_or_blank);
	tcase_add_test(tc, nowrap_lines_are_one_row);
	tcase_add_test(tc, empty_lines_have_rows_without_pieces);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(wrap_suite)
