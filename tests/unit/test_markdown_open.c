/*
 * Unit tests for the open segment of a streaming message
 * (src/core/markdown_open.c): a code block, a table or a long paragraph
 * arriving piece by piece renders, once complete, exactly as the whole
 * message parsed at once, and while it grows only its end is redone.
 */
#include "jarvis/markdown.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/markdown_internal.h"
#include "jarvis/buf.h"
#include "jarvis/syntax.h"
#include "jarvis/util.h"
#include "jarvis/wrap.h"
#include "unit.h"

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

/* The same text and the same spans. */
static void assert_same(const struct md *a, const struct md *b, const char *what)
{
	ck_assert_msg(md_len(a) == md_len(b) && memcmp(md_text(a), md_text(b), md_len(a)) == 0,
	              "%s: \"%s\"\n!=\n\"%s\"", what, md_text(a), md_text(b));
	size_t na, nb;
	const struct span *x = md_spans(a, &na), *y = md_spans(b, &nb);
	ck_assert_msg(na == nb, "%s: %zu spans != %zu", what, na, nb);
	for (size_t i = 0; i < na; i++)
		ck_assert_msg(x[i].off == y[i].off && x[i].len == y[i].len &&
		                  x[i].style == y[i].style && x[i].level == y[i].level &&
		                  x[i].flags == y[i].flags,
		              "%s: span %zu differs (%zu+%zu/%u vs %zu+%zu/%u) in \"%s\"", what, i,
		              (size_t)x[i].off, (size_t)x[i].len, (unsigned)x[i].style,
		              (size_t)y[i].off, (size_t)y[i].len, (unsigned)y[i].style, md_text(a));
}

/* The wrap cache fed md's stable offsets agrees with a fresh wrap of the result. */
static void assert_wrap_same(struct wrap_cache *wc, const struct md *m, int width)
{
	size_t n;
	const struct span *sp = md_spans(m, &n);
	struct wrap_cache *fresh = wrap_cache_new();
	wrap_cache_update(fresh, md_text(m), md_len(m), sp, n, 0, width);
	ck_assert_uint_eq(wrap_cache_nrows(wc), wrap_cache_nrows(fresh));
	for (size_t i = 0; i < wrap_cache_nrows(wc); i++) {
		const struct wrap_row *x = wrap_cache_row(wc, i), *y = wrap_cache_row(fresh, i);
		ck_assert_uint_eq(x->off, y->off);
		ck_assert_uint_eq(x->len, y->len);
		ck_assert_uint_eq(x->npieces, y->npieces);
		ck_assert(x->npieces == 0 ||
		          memcmp(wrap_cache_pieces(wc, x), wrap_cache_pieces(fresh, y),
		                 x->npieces * sizeof(struct wrap_piece)) == 0);
	}
	wrap_cache_free(fresh);
}

/*
 * Streams src in random pieces (seed), checking that nothing before each
 * stable offset changed, then finishes and compares with one md4c parse of
 * the whole source and with md_finish on it at once.
 */
static void stream_and_compare(const char *src, unsigned seed, size_t max_piece)
{
	size_t len = strlen(src);
	if (len == 0)
		return;
	struct md *inc = md_new(true);
	struct wrap_cache *wc = wrap_cache_new();
	srand(seed);
	char *prev = xstrdup("");
	for (size_t at = 0; at < len;) {
		at += 1 + (size_t)rand() % max_piece;
		if (at > len)
			at = len;
		size_t stable = at < len ? md_update(inc, src, at) : md_finish(inc, src, at);
		ck_assert_uint_le(stable, strlen(prev));
		ck_assert_msg(strncmp(prev, md_text(inc), stable) == 0, "changed before %zu",
		              stable);
		size_t n;
		const struct span *sp = md_spans(inc, &n);
		wrap_cache_update(wc, md_text(inc), md_len(inc), sp, n, stable, 24);
		free(prev);
		prev = xstrdup(md_text(inc));
	}
	struct md *single = md_render_single(src, len);
	struct md *once = md_new(true);
	md_finish(once, src, len);
	char what[64];
	snprintf(what, sizeof what, "streamed (seed %u) vs one parse", seed);
	if (md_len(inc) != md_len(single) ||
	    memcmp(md_text(inc), md_text(single), md_len(inc)) != 0)
		fprintf(stderr, "source (seed %u):\n%s\n--- end\n", seed, src);
	assert_same(inc, single, what);
	assert_same(once, single, "finished at once vs one parse");
	assert_wrap_same(wc, inc, 24);
	md_free(once);
	md_free(single);
	free(prev);
	wrap_cache_free(wc);
	md_free(inc);
}

/* Lines a random document is made of: every kind of block, and its edges. */
static const char *const lines[] = {
    "# Heading *one*",
    "## Sub heading",
    "#not a heading",
    "```c",
    "```",
    "~~~",
    "````",
    "  ```",
    "```py `x`",
    "\tint x = 1;",
    "    indented code",
    "| a | b |",
    "|---|:-:|",
    "| 1 | **2** |",
    "| wide cell here | x |",
    "| only |",
    "a | b",
    "---|---",
    "- item",
    "  - nested item",
    "1. one",
    "2) two",
    "> quote",
    "> | q | t |",
    "",
    "",
    "   ",
    "text with `code` and [a link](http://x.y) here",
    "***",
    "para *open",
    "close* para",
    "&amp; &#x41; www.example.com",
    "你好世界 👍🏽 wide",
    "averyveryverylongwordwithoutanyspacesatallthatgoesonandon",
    /* what the tokenizer of a coloured block carries from line to line */
    "```python",
    "s = \"\"\"doc 'x'",
    "end\"\"\" + 'y' # note",
    "x = /* open comment",
    "still */ int y = 0x1F; // done",
    "```rust",
    "/* a /* nested */ still */ fn main() { 'a' }",
    "```sh",
    "echo \"$HOME is",
    "where\" # the heart is",
    "```diff",
    "+added",
    "-removed",
};

START_TEST(random_documents_stream_like_one_parse)
{
	struct buf doc;
	buf_init(&doc, BUF_TEXT_MAX);
	for (unsigned seed = 1; seed <= 1500; seed++) {
		srand(seed * 7919u);
		buf_reset(&doc);
		int n = 1 + rand() % 40;
		for (int i = 0; i < n; i++) {
			buf_addstr(&doc, lines[(size_t)rand() % ARRAY_LEN(lines)]);
			if (i + 1 < n || rand() % 2)
				buf_addstr(&doc, "\n");
		}
		stream_and_compare(doc.data, seed, 1 + seed % 23);
	}
	buf_release(&doc);
}
END_TEST

/* The class (span level) of the span that holds the first needle after from. */
static unsigned level_of(const struct md *m, const char *from, const char *needle)
{
	const char *start = strstr(md_text(m), from);
	ck_assert_ptr_nonnull(start);
	const char *hit = strstr(start, needle);
	ck_assert_ptr_nonnull(hit);
	size_t off = (size_t)(hit - md_text(m)), n;
	const struct span *sp = md_spans(m, &n);
	for (size_t i = 0; i < n; i++)
		if (sp[i].off <= off && off < sp[i].off + sp[i].len)
			return sp[i].level;
	ck_abort_msg("no span at \"%s\"", needle);
	return 0;
}

/*
 * A comment or a string that spans lines is coloured on its later lines
 * too, the same whether the block streams in (a byte at a time, or a few)
 * or comes whole: the tokenizer's state is carried across the updates.
 */
START_TEST(coloured_block_streams_like_one_parse)
{
	const char *src =
	    "Code:\n\n```c\nint a; /* one\ntwo int */ int b = 7;\n"
	    "char *s = \"x\"; // end\n```\n\n"
	    "```python\ndef f():\n    \"\"\"doc\n    if while\"\"\"\n    return None\n```\n";
	for (unsigned seed = 1; seed <= 40; seed++)
		stream_and_compare(src, seed, 1 + seed % 6);
	struct md *m = md_new(true);
	for (size_t at = 1; at <= strlen(src); at++)
		md_update(m, src, at);
	md_finish(m, src, strlen(src));
	ck_assert_uint_eq(level_of(m, "int a", "int"), SYN_TYPE);
	ck_assert_uint_eq(level_of(m, "int a", "two int"), SYN_COMMENT);
	ck_assert_uint_eq(level_of(m, "int b", "7"), SYN_NUMBER);
	ck_assert_uint_eq(level_of(m, "int b", "\"x\""), SYN_STRING);
	ck_assert_uint_eq(level_of(m, "def", "def"), SYN_KEYWORD);
	ck_assert_uint_eq(level_of(m, "def", "if while"), SYN_STRING);
	ck_assert_uint_eq(level_of(m, "if while", "return"), SYN_KEYWORD);
	ck_assert_uint_eq(level_of(m, "if while", "None"), SYN_NUMBER);
	md_free(m);
}
END_TEST

/* Text of one kind: a code block, a table, a long line; about n bytes. */
static char *kind_text(const char *kind, size_t n)
{
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	if (strcmp(kind, "code") == 0) {
		buf_addstr(&b, "Some code:\n\n```c\n");
		for (int i = 0; b.len < n; i++)
			buf_addf(&b, "%s\ttotal%d += weight[%d];%s\n", i % 9 == 0 ? "" : "    ", i,
			         i % 13, i % 7 == 0 ? "\n" : "");
		buf_addstr(&b, "```\n\nAfter the code.\n");
	} else if (strcmp(kind, "table") == 0) {
		buf_addstr(&b, "## Results\n| id | name | weight |\n|---:|:---:|---|\n");
		for (int i = 0; b.len < n; i++)
			buf_addf(&b, "| %d | *%s* | %d.%02d |\n", i * 37,
			         i % 5 ? "word" : "a longer name", i % 1000, i % 100);
		buf_addstr(&b, "\nAfter the table.\n");
	} else {
		for (int i = 0; b.len < n; i++)
			buf_addf(&b, "%c", "abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]);
		buf_addstr(&b, "\n");
	}
	return buf_steal(&b);
}

START_TEST(each_kind_streams_like_one_parse)
{
	const char *kinds[] = {"code", "table", "longline"};
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		/* Past the size where a paragraph is re-rendered only as it grows. */
		char *src = kind_text(kinds[k], 48 << 10);
		for (unsigned seed = 1; seed <= 3; seed++)
			stream_and_compare(src, seed, 300);
		free(src);
	}
}
END_TEST

/* While a code block or table grows, each update redoes only its end. */
START_TEST(growing_block_redoes_only_its_end)
{
	const char *kinds[] = {"code", "table"};
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		char *src = kind_text(kinds[k], 64 << 10);
		size_t len = strlen(src) - 40; /* before the block ends */
		struct md *m = md_new(true);
		size_t late = 0, updates = 0;
		for (size_t at = 4096; at < len; at += 262, updates++) {
			size_t stable = md_update(m, src, at);
			if (md_len(m) - stable < 1024)
				late++;
			/* The code or table so far, as one parse of the same prefix shows it,
			 * whenever the prefix ends at a line's end. */
			if (src[at - 1] == '\n') {
				struct md *single = md_render_single(src, at);
				assert_same(m, single, kinds[k]);
				md_free(single);
			}
		}
		/* The table is drawn again only when a column widens (a few times). */
		ck_assert_uint_ge(late, updates - 8);
		md_free(m);
		free(src);
	}
}
END_TEST

/* A long paragraph shows its new text unstyled until it is re-rendered; the end is exact. */
START_TEST(long_paragraph_is_exact_when_finished)
{
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	for (int i = 0; b.len < (128 << 10); i++)
		buf_addf(&b, "word%d **bold%d** ", i, i);
	struct md *m = md_new(true);
	size_t late = 0, updates = 0;
	for (size_t at = 262; at < b.len; at += 262) {
		size_t stable = md_update(m, b.data, at);
		if (at < (40 << 10))
			continue; /* below 32 KiB it is rendered whole each time */
		updates++;
		if (md_len(m) - stable < 1024)
			late++;
	}
	ck_assert_uint_ge(late, updates * 3 / 4);
	md_finish(m, b.data, b.len);
	struct md *single = md_render_single(b.data, b.len);
	assert_same(m, single, "long paragraph");
	ck_assert(strstr(md_text(m), "**") == NULL);
	md_free(single);
	md_free(m);
	buf_release(&b);
}
END_TEST

/* The blank line after a table ends it without drawing it all again. */
START_TEST(blank_line_after_table_keeps_it)
{
	char *src = kind_text("table", 32 << 10);
	char *end = strstr(src, "\n\nAfter the table.");
	ck_assert_ptr_nonnull(end);
	size_t rows_end = (size_t)(end - src) + 1;
	struct md *m = md_new(true);
	for (size_t at = 1024; at < rows_end; at += 262)
		md_update(m, src, at);
	md_update(m, src, rows_end);
	size_t len = md_len(m);
	ck_assert_uint_ge(md_update(m, src, rows_end + 1), len - 64); /* "\n" */
	ck_assert_uint_ge(md_finish(m, src, rows_end + 1), len - 64);
	struct md *single = md_render_single(src, rows_end + 1);
	assert_same(m, single, "table and a blank line");
	md_free(single);
	md_free(m);
	free(src);
}
END_TEST

/* A very long cell overflows its column instead of widening every row to it. */
START_TEST(very_wide_cell_does_not_pad_every_row)
{
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	buf_addstr(&b, "| a | b |\n|---|---|\n| x | y |\n| ");
	for (int i = 0; i < 500; i++)
		buf_addstr(&b, "w");
	buf_addstr(&b, " | z |\n| p | q |\n");
	stream_and_compare(b.data, 1, 7);
	struct md *m = md_new(true);
	md_finish(m, b.data, b.len);
	const char *t = md_text(m);
	/* The rows around the long one stay narrow: padded to 40 columns at most. */
	const char *row = strstr(t, "x ");
	ck_assert_ptr_nonnull(row);
	size_t len = strcspn(row, "\n");
	ck_assert_uint_lt(len, 60);
	ck_assert_ptr_nonnull(strstr(t, "z"));
	md_free(m);
	buf_release(&b);
}
END_TEST

/*
 * A row with a carriage return ends the open table's fast path before its
 * rows are parsed: the table was then released unfilled (found in review).
 */
START_TEST(a_table_row_with_a_carriage_return_is_parsed_whole)
{
	const char *src = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3\r | 4 |\n\nAfter.\n";
	struct md *inc = md_new(true);
	size_t head = strlen("| a | b |\n|---|---|\n| 1 | 2 |\n");
	md_update(inc, src, head);
	md_update(inc, src, strlen(src));
	md_finish(inc, src, strlen(src));
	struct md *single = md_render_single(src, strlen(src));
	assert_same(inc, single, "table with a CR row vs one parse");
	md_free(single);
	md_free(inc);
	for (unsigned seed = 1; seed <= 20; seed++)
		stream_and_compare(src, seed, 6);
}
END_TEST

static Suite *markdown_open_suite(void)
{
	Suite *s = suite_create("markdown_open");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, random_documents_stream_like_one_parse);
	tcase_add_test(tc, each_kind_streams_like_one_parse);
	tcase_add_test(tc, coloured_block_streams_like_one_parse);
	tcase_add_test(tc, growing_block_redoes_only_its_end);
	tcase_add_test(tc, long_paragraph_is_exact_when_finished);
	tcase_add_test(tc, very_wide_cell_does_not_pad_every_row);
	tcase_add_test(tc, blank_line_after_table_keeps_it);
	tcase_add_test(tc, a_table_row_with_a_carriage_return_is_parsed_whole);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(markdown_open_suite)
