/* Unit tests for markdown-to-spans, whole and streaming. */
#include "jarvis/markdown.h"

#include <locale.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/syntax.h"
#include "jarvis/util.h"
#include "jarvis/wrap.h"
#include "unit.h"

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

static struct md *render(const char *src)
{
	struct md *m = md_new(true);
	md_update(m, src, strlen(src));
	return m;
}

static struct md *render_n(const char *src, size_t n)
{
	struct md *m = md_new(true);
	md_update(m, src, n);
	return m;
}

/* The span covering the first occurrence of needle, which must lie inside one span. */
static const struct span *span_of(const struct md *m, const char *needle)
{
	const char *hit = strstr(md_text(m), needle);
	ck_assert_msg(hit != NULL, "\"%s\" not rendered in \"%s\"", needle, md_text(m));
	size_t off = (size_t)(hit - md_text(m)), n;
	const struct span *sp = md_spans(m, &n);
	for (size_t i = 0; i < n; i++)
		if (sp[i].off <= off && off + strlen(needle) <= sp[i].off + sp[i].len)
			return &sp[i];
	ck_abort_msg("\"%s\" crosses a span boundary", needle);
	return NULL;
}

#define ASSERT_RENDER(m, expect) ck_assert_str_eq(md_text(m), expect)

START_TEST(heading_and_inline_styles)
{
	struct md *m = render("# Hello *world*\n\nSome **bold**, `code` and ~~gone~~.");
	ASSERT_RENDER(m, "Hello world\n\nSome bold, code and gone.");
	ck_assert_uint_eq(span_of(m, "Hello")->style, STYLE_BOLD | STYLE_HEADING);
	ck_assert_uint_eq(span_of(m, "Hello")->level, 1);
	ck_assert_uint_eq(span_of(m, "world")->style, STYLE_BOLD | STYLE_HEADING | STYLE_ITALIC);
	ck_assert_uint_eq(span_of(m, "bold")->style, STYLE_BOLD);
	ck_assert_uint_eq(span_of(m, "code")->style, STYLE_CODE);
	ck_assert_uint_eq(span_of(m, "gone")->style, STYLE_STRIKE);
	ck_assert_uint_eq(span_of(m, "Some")->style, 0);
	md_free(m);
	m = render("### Third");
	ck_assert_uint_eq(span_of(m, "Third")->level, 3);
	md_free(m);
}
END_TEST

START_TEST(lists_get_markers_and_hanging_indent)
{
	struct md *m = render("Intro:\n\n- one\n- two\n  - nested\n\n7. seven\n8. eight\n");
	ASSERT_RENDER(m, "Intro:\n\n• one\n• two\n  • nested\n\n7. seven\n8. eight");
	const struct span *mk = span_of(m, "• ");
	ck_assert_uint_eq(mk->style, STYLE_MARKER);
	ck_assert_uint_eq(mk->flags, SPAN_PREFIX_BLANK);
	ck_assert_uint_eq(span_of(m, "8. ")->style, STYLE_MARKER);
	md_free(m);
	/* A long item wraps under its text, not under the bullet. */
	m = render("- alpha beta gamma delta");
	size_t n;
	const struct span *sp = md_spans(m, &n);
	struct wrap_cache *wc = wrap_cache_new();
	wrap_cache_update(wc, md_text(m), md_len(m), sp, n, 0, 12);
	ck_assert_uint_eq(wrap_cache_nrows(wc), 3);
	const struct wrap_row *r = wrap_cache_row(wc, 1);
	const struct wrap_piece *p = wrap_cache_pieces(wc, r);
	ck_assert_int_eq(p[0].kind, WRAP_PIECE_BLANK);
	ck_assert_int_eq(p[0].width, 2);
	ck_assert(strncmp(md_text(m) + p[1].off, "gamma", 5) == 0);
	wrap_cache_free(wc);
	md_free(m);
}
END_TEST

START_TEST(code_fence_kept_verbatim)
{
	struct md *m = render("Run:\n\n```sh\nls  -l *.c\n\tindented\n\nlast\n```\nafter");
	ASSERT_RENDER(m, "Run:\n\n  sh\n  ls  -l *.c\n      indented\n\n  last\n\nafter");
	ck_assert_uint_eq(span_of(m, "sh")->style, STYLE_LABEL);
	const struct span *c = span_of(m, "ls  -l *.c");
	ck_assert_uint_eq(c->style, STYLE_CODE_BLOCK);
	ck_assert_uint_eq(c->flags, SPAN_NOWRAP);
	ck_assert_uint_eq(span_of(m, "after")->style, 0);
	md_free(m);
}
END_TEST

START_TEST(code_tabs_go_to_every_fourth_column)
{
	/* Leading tabs and spaces, and tabs after text, all to the next stop of 4;
	 * streamed (the lines handed over raw) and parsed whole alike. */
	const char *src = "```\n\tone\n  \ttwo\nab\tc\nabcd\te\n你\tf\n```\n";
	struct md *m = render(src);
	ASSERT_RENDER(m, "      one\n      two\n  ab  c\n  abcd    e\n  你  f");
	md_free(m);
	struct md *inc = md_new(true);
	for (size_t n = 1; n <= strlen(src); n++)
		md_update(inc, src, n);
	ck_assert_str_eq(md_text(inc), "      one\n      two\n  ab  c\n  abcd    e\n  你  f");
	md_free(inc);
}
END_TEST

START_TEST(code_lines_are_never_wrapped)
{
	struct md *m = render("Intro words here\n\n```\nint x = 1; int y = 2; int z = 3;\n```\n");
	size_t n;
	const struct span *sp = md_spans(m, &n);
	struct wrap_cache *wc = wrap_cache_new();
	wrap_cache_update(wc, md_text(m), md_len(m), sp, n, 0, 12);
	/* "Intro words" "here" wrap; the code line is one row of 34 columns. */
	ck_assert_uint_eq(wrap_cache_nrows(wc), 4);
	const struct wrap_row *r = wrap_cache_row(wc, 3);
	ck_assert(r->nowrap);
	ck_assert(!wrap_cache_row(wc, 0)->nowrap);
	ck_assert_int_eq(r->width, 2 + 32);
	ck_assert_uint_eq(r->len, strlen("  int x = 1; int y = 2; int z = 3;"));
	wrap_cache_free(wc);
	md_free(m);
}
END_TEST

START_TEST(unclosed_fence_is_code_so_far)
{
	struct md *m = render("Intro\n\n```python\nprint('hi')\nx = 1");
	ASSERT_RENDER(m, "Intro\n\n  python\n  print('hi')\n  x = 1");
	ck_assert_uint_eq(span_of(m, "x = ")->style, STYLE_CODE_BLOCK);
	/* coloured as Python (syntax.h): the class in the span's level */
	ck_assert_uint_eq(span_of(m, "x = ")->level, SYN_PLAIN);
	ck_assert_uint_eq(span_of(m, "'hi'")->level, SYN_STRING);
	ck_assert_uint_eq(span_of(m, "print")->level, SYN_PLAIN);
	md_free(m);
}
END_TEST

START_TEST(table_columns_align_by_display_width)
{
	struct md *m = render("| Name | Qty |\n|:-----|----:|\n| 你好 | 1 |\n| apple | 200 |\n");
	ASSERT_RENDER(m, "Name  │ Qty\n"
	                 "──────┼────\n"
	                 "你好  │   1\n"
	                 "apple │ 200");
	ck_assert_uint_eq(span_of(m, "Name")->style, STYLE_BOLD);
	ck_assert_uint_eq(span_of(m, " │ ")->style, STYLE_TABLE);
	ck_assert_uint_eq(span_of(m, "──────┼────")->style, STYLE_TABLE);
	md_free(m);
}
END_TEST

START_TEST(links_show_their_url)
{
	struct md *m = render("See [the docs](https://example.com/d) or https://x.org.");
	ASSERT_RENDER(m, "See the docs (https://example.com/d) or https://x.org.");
	ck_assert_uint_eq(span_of(m, "the docs")->style, STYLE_LINK);
	ck_assert_uint_eq(span_of(m, " (https://example.com/d)")->style, STYLE_URL);
	ck_assert_uint_eq(span_of(m, "https://x.org")->style, STYLE_LINK);
	md_free(m);
}
END_TEST

/* For an OSC 8 terminal: the link's text alone, and where it is and goes. */
START_TEST(hyperlinks_carry_their_url_apart)
{
	const char *src = "See [the docs](https://e.com/d) and <https://x.org>.\n\n"
	                  "| a |\n|---|\n| [cell](https://c.io) |\n\nthen [more](m.md)";
	struct md *m = md_new(true);
	md_set_hyperlinks(m, true);
	/* Byte by byte, as a stream: the links of a re-rendered segment are not doubled. */
	for (size_t i = 1; i <= strlen(src); i++)
		md_update(m, src, i);
	const char *t = md_text(m);
	ck_assert_ptr_null(strstr(t, "(https://e.com/d)"));
	ck_assert_ptr_nonnull(strstr(t, "cell (https://c.io)")); /* a table cell keeps it */
	size_t n;
	const struct md_link *l = md_links(m, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(l[0].href, "https://e.com/d");
	ck_assert_int_eq(strncmp(t + l[0].off, "the docs", l[0].len), 0);
	ck_assert_uint_eq(l[0].len, strlen("the docs"));
	ck_assert_str_eq(l[1].href, "https://x.org");
	ck_assert_int_eq(strncmp(t + l[1].off, "https://x.org", l[1].len), 0);
	ck_assert_str_eq(l[2].href, "m.md");
	ck_assert_int_eq(strncmp(t + l[2].off, "more", l[2].len), 0);
	md_free(m);
	m = render("[a](https://e.com)"); /* off by default */
	md_links(m, &n);
	ck_assert_uint_eq(n, 0);
	ASSERT_RENDER(m, "a (https://e.com)");
	md_free(m);
}
END_TEST

START_TEST(task_lists_show_boxes)
{
	struct md *m = render("- [ ] todo\n- [x] done\n- plain");
	ASSERT_RENDER(m, "☐ todo\n☑ done\n• plain");
	md_free(m);
}
END_TEST

/* md4c passes a NULL target for "[link]()": UBSan (make sanitize) saw memcpy from NULL. */
START_TEST(link_with_empty_target_shows_only_its_text)
{
	struct md *m = render("[link]() and [x](<>)");
	ASSERT_RENDER(m, "link and x");
	ck_assert_uint_eq(span_of(m, "link")->style, STYLE_LINK);
	md_free(m);
}
END_TEST

START_TEST(quotes_rules_and_entities)
{
	struct md *m = render("> first\n>\n> second\n\n---\n\nA &amp; B &#x4F60;");
	ASSERT_RENDER(m, "│ first\n│\n│ second\n\n─\n\nA & B 你");
	const struct span *bar = span_of(m, "│ ");
	ck_assert_uint_eq(bar->style, STYLE_QUOTE);
	ck_assert_uint_eq(bar->flags, SPAN_PREFIX_REPEAT);
	ck_assert_uint_eq(span_of(m, "─")->flags, SPAN_FILL);
	md_free(m);
}
END_TEST

START_TEST(plain_text_mode)
{
	struct md *m = md_new(false);
	const char *src = "# not *markdown*\n- x";
	md_update(m, src, 10);
	ck_assert_uint_eq(md_update(m, src, strlen(src)), 10);
	ASSERT_RENDER(m, src);
	size_t n;
	const struct span *sp = md_spans(m, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(sp[0].style, 0);
	ck_assert_uint_eq(sp[0].len, strlen(src));
	md_free(m);
}
END_TEST

static const char *sample =
    "# Streaming answer\n\nHere is **some** text with `code` and a [link](https://e.com).\n"
    "It wraps over lines 你好世界 and emoji 👍🏽.\n\n"
    "- item one\n- item two\n  continued\n\n"
    "1. first\n2. second\n\n"
    "> a quote\n> over two lines\n\n"
    "```c\nint main(void)\n{\n\treturn 0;\n}\n```\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "Final paragraph after everything.\n\n---\n\nThe end.";

START_TEST(streaming_equals_whole_after_every_byte)
{
	size_t len = strlen(sample);
	struct md *inc = md_new(true);
	struct wrap_cache *wc = wrap_cache_new();
	char *prev = xstrdup("");
	for (size_t n = 1; n <= len; n++) {
		size_t stable = md_update(inc, sample, n);
		/* Nothing before the stable offset changed. */
		ck_assert_uint_le(stable, strlen(prev));
		ck_assert(strncmp(prev, md_text(inc), stable) == 0);
		struct md *whole = render_n(sample, n);
		ck_assert_msg(strcmp(md_text(inc), md_text(whole)) == 0, "at %zu: \"%s\" != \"%s\"",
		              n, md_text(inc), md_text(whole));
		size_t na, nb;
		const struct span *a = md_spans(inc, &na), *b = md_spans(whole, &nb);
		ck_assert_uint_eq(na, nb);
		for (size_t i = 0; i < na; i++)
			ck_assert_msg(a[i].off == b[i].off && a[i].len == b[i].len &&
			                  a[i].style == b[i].style && a[i].level == b[i].level &&
			                  a[i].flags == b[i].flags,
			              "span %zu differs at %zu", i, n);
		/* The wrap cache fed the stable offset agrees with a fresh wrap. */
		wrap_cache_update(wc, md_text(inc), md_len(inc), a, na, stable, 30);
		struct wrap_cache *fresh = wrap_cache_new();
		wrap_cache_update(fresh, md_text(whole), md_len(whole), b, nb, 0, 30);
		ck_assert_uint_eq(wrap_cache_nrows(wc), wrap_cache_nrows(fresh));
		for (size_t i = 0; i < wrap_cache_nrows(wc); i++) {
			const struct wrap_row *x = wrap_cache_row(wc, i),
			                      *y = wrap_cache_row(fresh, i);
			ck_assert_uint_eq(x->off, y->off);
			ck_assert_uint_eq(x->len, y->len);
			ck_assert_uint_eq(x->npieces, y->npieces);
			ck_assert(x->npieces == 0 ||
			          memcmp(wrap_cache_pieces(wc, x), wrap_cache_pieces(fresh, y),
			                 x->npieces * sizeof(struct wrap_piece)) == 0);
		}
		wrap_cache_free(fresh);
		md_free(whole);
		free(prev);
		prev = xstrdup(md_text(inc));
	}
	/* By the end only the last paragraph was being re-rendered. */
	ck_assert_str_eq(sample + md_source_stable(inc), "The end.");
	ck_assert_uint_gt(md_stable(inc), md_len(inc) / 2);
	free(prev);
	wrap_cache_free(wc);
	md_free(inc);
}
END_TEST

/*
 * One code line of 40 KiB (minified code) streamed 100 bytes at a time:
 * past 4 KiB most updates only append to it (what was shown stays, the
 * stable offset is the old end), the text always reads as the whole
 * render's, a tab in the new text is still expanded to its column, and
 * the finished line is coloured exactly as the whole render colours it.
 */
START_TEST(a_long_code_line_grows_by_appending)
{
	struct buf src;
	buf_init(&src, 0);
	buf_addstr(&src, "```c\n");
	for (int i = 0; src.len < 40 << 10; i++)
		buf_addf(&src, i % 700 == 699 ? "\tv%d=\"s\";" : "v%d=f(%d);", i, i);
	buf_addstr(&src, "\n```\n");
	size_t appended = 0, long_steps = 0;
	struct md *inc = md_new(true);
	for (size_t n = 100; n < src.len; n += 100) {
		size_t before = md_len(inc);
		size_t stable = md_update(inc, src.data, n);
		struct md *whole = render_n(src.data, n);
		ck_assert_msg(strcmp(md_text(inc), md_text(whole)) == 0, "text differs at %zu", n);
		if (n > (5u << 10)) {
			long_steps++;
			appended += stable == before;
		}
		md_free(whole);
	}
	ck_assert_uint_gt(appended, long_steps * 3 / 4);
	md_finish(inc, src.data, src.len);
	struct md *whole = render_n(src.data, src.len);
	ck_assert_str_eq(md_text(inc), md_text(whole));
	size_t na, nb;
	const struct span *a = md_spans(inc, &na), *b = md_spans(whole, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert_uint_gt(na, 100); /* coloured by token, not one plain run */
	for (size_t i = 0; i < na; i++)
		ck_assert(a[i].off == b[i].off && a[i].len == b[i].len && a[i].level == b[i].level);
	md_free(whole);
	md_free(inc);
	buf_release(&src);
}
END_TEST

/*
 * md4c reads a table's inlines as one run: "[l](" in one row and ")" in
 * the next make the next row's text a link. Streamed a row at a time, the
 * finished table and one followed by a paragraph style that row as the
 * whole render does.
 */
START_TEST(a_link_across_table_rows_streams_as_whole)
{
	const char *tails[] = {"", "\nafter\n"};
	for (size_t k = 0; k < 2; k++) {
		char src[160];
		snprintf(src, sizeof(src),
		         "| a | b |\n|---|---|\n| [l](http://e.x-|-y\n| G1 ) z |\n%s", tails[k]);
		size_t len = strlen(src);
		struct md *inc = md_new(true);
		for (size_t n = 1; n < len; n++)
			if (src[n - 1] == '\n')
				md_update(inc, src, n);
		md_finish(inc, src, len);
		struct md *whole = md_new(true);
		md_finish(whole, src, len);
		ck_assert_str_eq(md_text(inc), md_text(whole));
		ck_assert_uint_eq(span_of(whole, "G1")->style, STYLE_LINK);
		size_t na, nb;
		const struct span *a = md_spans(inc, &na), *b = md_spans(whole, &nb);
		ck_assert_uint_eq(na, nb);
		for (size_t i = 0; i < na; i++)
			ck_assert_msg(a[i].off == b[i].off && a[i].len == b[i].len &&
			                  a[i].style == b[i].style,
			              "tail %zu: span %zu differs", k, i);
		md_free(whole);
		md_free(inc);
	}
}
END_TEST

/* --- lazy tables (md_set_lazy_tables) ------------------------------------- */

/* Streams src in pieces of step bytes into a lazy renderer, then finishes it. */
static struct md *render_lazy(const char *src, size_t step)
{
	struct md *m = md_new(true);
	md_set_lazy_tables(m, true);
	size_t n = strlen(src);
	for (size_t at = step; at < n; at += step)
		md_update(m, src, at);
	md_finish(m, src, n);
	return m;
}

/* Every screen line of table t at width, '\n' between; *lines gets how many. */
static char *table_lines(struct md *m, size_t t, const char *src, int width, size_t *lines)
{
	struct buf all;
	buf_init(&all, BUF_TEXT_MAX);
	struct md *out = md_new(false);
	size_t h = md_table_height(m, t, width), line = 0;
	while (line < h) {
		size_t first = md_table_draw(m, t, src, strlen(src), width, line, out);
		ck_assert_uint_eq(first, line);
		if (line > 0)
			buf_addstr(&all, "\n");
		buf_add(&all, md_text(out), md_len(out));
		size_t k = 1;
		for (const char *p = md_text(out); *p; p++)
			k += *p == '\n';
		line += k;
	}
	ck_assert_uint_eq(line, h); /* the lines drawn are the lines counted */
	*lines = h;
	md_free(out);
	char *s = xstrndup(all.data, all.len);
	buf_release(&all);
	return s;
}

/*
 * A narrowed column breaks its cells between words when that takes no more
 * lines than the row has; a word wider than the column is cut.
 */
START_TEST(lazy_table_breaks_cells_between_words)
{
	const char *src = "| A | B |\n|---|---|\n| x | alpha beta gamma delta epsilon zeta eta "
	                  "theta iota kappa lambda mu nu xi omicron pi rho sigma |\n"
	                  "| y | averyveryverylongwordthatcannotfit and short |\n";
	struct md *m = render_lazy(src, 7);
	size_t lines;
	char *got = table_lines(m, 0, src, 24, &lines);
	ck_assert_str_eq(got, "A │ B\n"
	                      "──┼─────────────────────\n"
	                      "x │ alpha beta gamma\n"
	                      "  │ delta epsilon zeta\n"
	                      "  │ eta theta iota kappa\n"
	                      "  │ lambda mu nu xi\n"
	                      "  │ omicron pi rho sigma\n"
	                      "y │ averyveryverylongwor\n"
	                      "  │ dthatcannotfit and\n"
	                      "  │ short");
	free(got);
	md_free(m);
}
END_TEST

START_TEST(lazy_table_draws_as_the_whole_render)
{
	const char *src = "| Name | Qty | Mid |\n|:-----|----:|:---:|\n| 你好 | 1 | x |\n"
	                  "| apple | 200 | **wide** |\n| `c` | 3 | y |";
	struct md *m = render_lazy(src, 3);
	ck_assert_uint_eq(md_ntables(m), 1);
	ck_assert_str_eq(md_text(m), "▦");
	ck_assert_uint_eq(md_table_form(m, 0, 80), MD_TABLE_GRID);
	size_t lines;
	char *got = table_lines(m, 0, src, 80, &lines);
	struct md *whole = render(src); /* the eager render, right alignment and centre kept */
	ck_assert_str_eq(got, md_text(whole));
	ck_assert_str_eq(got, "Name  │ Qty │ Mid\n"
	                      "──────┼─────┼─────\n"
	                      "你好  │   1 │  x\n"
	                      "apple │ 200 │ wide\n"
	                      "c     │   3 │  y");
	ck_assert_uint_eq(lines, 5);
	/* The header's cells are bold, as in the eager render. */
	struct md *out = md_new(false);
	md_table_draw(m, 0, src, strlen(src), 80, 0, out);
	ck_assert_uint_eq(span_of(out, "Name")->style, STYLE_BOLD);
	ck_assert_uint_eq(span_of(out, "─┼─")->style, STYLE_TABLE);
	md_free(out);
	free(got);
	md_free(whole);
	md_free(m);
}
END_TEST

START_TEST(lazy_table_narrows_its_widest_column)
{
	const char *src =
	    "| k | note |\n|---|---|\n| a | one two three four five six |\n| b | x |\n";
	struct md *m = render_lazy(src, 5);
	/* 1 + 3 + 27 columns do not fit in 20: the note column narrows to 16. */
	ck_assert_uint_eq(md_table_form(m, 0, 20), MD_TABLE_NARROWED);
	size_t lines;
	char *got = table_lines(m, 0, src, 20, &lines);
	ck_assert_str_eq(got, "k │ note\n"
	                      "──┼─────────────────\n"
	                      "a │ one two three\n" /* broken between words */
	                      "  │ four five six\n"
	                      "b │ x");
	ck_assert_uint_eq(lines, 5);
	free(got);
	md_free(m);
}
END_TEST

START_TEST(wide_table_becomes_a_list)
{
	const char *src = "| alpha | beta | gamma | delta |\n|---|---:|---|---|\n"
	                  "| 1 | 2 | 3 | 4 |\n| five | six | seven | eight |\n";
	struct md *m = render_lazy(src, 7);
	/* Four columns at the minimum width (5 + 4 + 5 + 5) and 9 for " │ " exceed 20. */
	ck_assert_uint_eq(md_table_form(m, 0, 20), MD_TABLE_LIST);
	size_t lines;
	char *got = table_lines(m, 0, src, 20, &lines);
	ck_assert_str_eq(got, "alpha: 1\nbeta: 2\ngamma: 3\ndelta: 4\n"
	                      "────────────────────\n"
	                      "alpha: five\nbeta: six\ngamma: seven\ndelta: eight");
	ck_assert_uint_eq(lines, 9);
	/* A line longer than the pane is broken at it. */
	ck_assert_uint_eq(md_table_height(m, 0, 8), 4 + 1 + 8);
	/* Wide enough, the same table is a grid again. */
	ck_assert_uint_eq(md_table_form(m, 0, 80), MD_TABLE_GRID);
	ck_assert_uint_eq(md_table_height(m, 0, 80), 4);
	free(got);
	md_free(m);
}
END_TEST

/* A long table costs a few bytes a row: no rendered text, no rows. */
START_TEST(lazy_table_index_is_small)
{
	struct buf src;
	buf_init(&src, BUF_TEXT_MAX);
	buf_addstr(&src, "| id | name | weight |\n|---:|---|---:|\n");
	for (int i = 0; i < 20000; i++)
		buf_addf(&src, "| %d | name number %d | %d.%02d |\n", i, i * 7, i % 1000, i % 100);
	buf_addstr(&src, "\nAfter the table.");
	struct md *m = md_new(true);
	md_set_lazy_tables(m, true);
	for (size_t at = 262; at < src.len; at += 262)
		md_update(m, src.data, at);
	md_finish(m, src.data, src.len);
	ck_assert_uint_eq(md_ntables(m), 1);
	ck_assert_str_eq(md_text(m), "▦\n\nAfter the table.");
	ck_assert_uint_le(md_table_index_bytes(m, 0), 20001 * 2 * (4 + 3 * 2 + 4) + 4096);
	ck_assert_uint_eq(md_table_height(m, 0, 80), 20002);
	/* The last row is where it should be. */
	struct md *out = md_new(false);
	ck_assert_uint_eq(md_table_draw(m, 0, src.data, src.len, 80, 20001, out), 20001);
	ck_assert_str_eq(md_text(out), "19999 │ name number 139993 │ 999.99");
	md_free(out);
	md_free(m);
	buf_release(&src);
}
END_TEST

/* Table t's lines holding screen line `line` at width, from the cache of laid-out rows. */
static char *cached_lines(struct md *m, size_t t, const char *src, int width, size_t line)
{
	struct md *lines = NULL;
	struct wrap_cache *wc = NULL;
	size_t first = md_table_lines(m, t, src, strlen(src), width, line, &lines, &wc);
	ck_assert_uint_le(first, line);
	/* The wrap cache holds them one a row, the line asked for among them. */
	ck_assert_uint_gt(wrap_cache_nrows(wc), line - first);
	size_t k = 1;
	for (const char *p = md_text(lines); *p; p++)
		k += *p == '\n';
	ck_assert_uint_eq(wrap_cache_nrows(wc), k);
	/* What md_table_draw lays out afresh. */
	struct md *fresh = md_new(false);
	ck_assert_uint_eq(md_table_draw(m, t, src, strlen(src), width, line, fresh), first);
	ck_assert_str_eq(md_text(lines), md_text(fresh));
	md_free(fresh);
	return xstrdup(md_text(lines));
}

START_TEST(lazy_table_rows_are_laid_out_once_a_width)
{
	const char *src = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\nEnd.";
	struct md *m = render_lazy(src, 4);
	size_t n0 = md_table_layouts(m);
	char *s = cached_lines(m, 0, src, 80, 3);
	ck_assert_str_eq(s, "3 │ 4");
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 1);
	/* Drawn again, and the header's two lines one after the other: laid out once each. */
	s = cached_lines(m, 0, src, 80, 3);
	free(s);
	s = cached_lines(m, 0, src, 80, 0);
	ck_assert_str_eq(s, "a │ b\n──┼──");
	free(s);
	s = cached_lines(m, 0, src, 80, 1);
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 2);
	/* Another width is another layout; back at the first, the row is laid out again. */
	s = cached_lines(m, 0, src, 4, 3);
	ck_assert_str_eq(s, "────\na: 3\nb: 4"); /* 1 + 3 + 1 do not fit in 4: a list */
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 3);
	s = cached_lines(m, 0, src, 80, 3);
	ck_assert_str_eq(s, "3 │ 4");
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 4);
	md_free(m);
}
END_TEST

START_TEST(lazy_table_cache_follows_a_wider_cell)
{
	const char *head = "| a | b |\n|---|---|\n| 1 | 2 |\n";
	struct buf src;
	buf_init(&src, BUF_TEXT_MAX);
	buf_addstr(&src, head);
	struct md *m = md_new(true);
	md_set_lazy_tables(m, true);
	md_update(m, src.data, src.len);
	ck_assert_uint_eq(md_ntables(m), 1);
	char *s = cached_lines(m, 0, src.data, 80, 2);
	ck_assert_str_eq(s, "1 │ 2");
	free(s);
	size_t n0 = md_table_layouts(m);
	/* A row no wider than the columns: the rows laid out stay as they are. */
	buf_addstr(&src, "| 5 | 6 |\n");
	md_update(m, src.data, src.len);
	s = cached_lines(m, 0, src.data, 80, 2);
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0);
	/* A wider cell widens its column: the row is laid out again, padded to it. */
	buf_addstr(&src, "| 333 | 4 |\n");
	md_update(m, src.data, src.len);
	s = cached_lines(m, 0, src.data, 80, 2);
	ck_assert_str_eq(s, "1   │ 2");
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 1);
	s = cached_lines(m, 0, src.data, 80, 0);
	ck_assert_str_eq(s, "a   │ b\n────┼──");
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 2);
	/* A row still arriving is laid out each time it is drawn, as it grows. */
	buf_addstr(&src, "| 7");
	md_update(m, src.data, src.len);
	size_t last = md_table_height(m, 0, 80) - 1;
	s = cached_lines(m, 0, src.data, 80, last);
	ck_assert_str_eq(s, "7   │ ");
	free(s);
	buf_addstr(&src, "7 | 8");
	md_update(m, src.data, src.len);
	ck_assert_uint_eq(md_table_height(m, 0, 80) - 1, last);
	size_t n1 = md_table_layouts(m);
	s = cached_lines(m, 0, src.data, 80, last);
	ck_assert_str_eq(s, "77  │ 8");
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n1 + 1);
	md_free(m);
	buf_release(&src);
}
END_TEST

/*
 * A row laid out brings the complete rows after it along, parsed with it:
 * drawing those next is no miss, and each reads as laid out alone, inline
 * markup and escaped pipes included.
 */
START_TEST(lazy_table_lays_out_the_rows_after_a_miss_with_it)
{
	const char *src = "| a | b |\n|---|---|\n"
	                  "| 1 | **x** |\n| 2 | `c \\| d` |\n| 3 | [l](u) |\n| 4 | *y* z |\n"
	                  "| 5 | a \\| b |\n\nEnd.";
	struct md *m = render_lazy(src, 7);
	size_t n0 = md_table_layouts(m);
	char *s = cached_lines(m, 0, src, 80, 2);
	ck_assert_str_eq(s, "1 │ x");
	free(s);
	ck_assert_uint_eq(md_table_layouts(m), n0 + 1);
	const char *want[] = {"2 │ c \\| d", "3 │ l (u)", "4 │ y z", "5 │ a | b"};
	for (size_t k = 0; k < 4; k++) {
		s = cached_lines(m, 0, src, 80, 3 + k);
		ck_assert_str_eq(s, want[k]);
		free(s);
	}
	ck_assert_uint_eq(md_table_layouts(m), n0 + 1);
	md_free(m);
}
END_TEST

/* A row that was laid out while it grew is laid out again once complete, widths the same. */
START_TEST(lazy_table_cache_lays_out_a_completed_row_again)
{
	struct buf src;
	buf_init(&src, BUF_TEXT_MAX);
	buf_addstr(&src, "| a | bb |\n|---|---|\n| 1 | 2 |\n| 3 | *4");
	struct md *m = md_new(true);
	md_set_lazy_tables(m, true);
	md_update(m, src.data, src.len);
	size_t last = md_table_height(m, 0, 80) - 1;
	char *s = cached_lines(m, 0, src.data, 80, last);
	ck_assert_str_eq(s, "3 │ *4");
	free(s);
	buf_addstr(&src, "* |\n");
	md_finish(m, src.data, src.len);
	ck_assert_uint_eq(md_table_height(m, 0, 80) - 1, last);
	s = cached_lines(m, 0, src.data, 80, last);
	ck_assert_str_eq(s, "3 │ 4");
	free(s);
	md_free(m);
	buf_release(&src);
}
END_TEST

/* A table dropped and another in its place: never the first one's rows. */
START_TEST(lazy_table_cache_forgets_a_reset)
{
	const char *one = "| a | b |\n|---|---|\n| 1 | 2 |\n";
	const char *two = "| x | y |\n|---|---|\n| 9 | 8 |\n";
	struct md *m = md_new(true);
	md_set_lazy_tables(m, true);
	md_update(m, one, strlen(one));
	char *s = cached_lines(m, 0, one, 80, 2);
	ck_assert_str_eq(s, "1 │ 2");
	free(s);
	md_reset(m);
	md_update(m, two, strlen(two));
	s = cached_lines(m, 0, two, 80, 2);
	ck_assert_str_eq(s, "9 │ 8");
	free(s);
	md_free(m);
}
END_TEST

static Suite *markdown_suite(void)
{
	Suite *s = suite_create("markdown");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, heading_and_inline_styles);
	tcase_add_test(tc, lists_get_markers_and_hanging_indent);
	tcase_add_test(tc, code_fence_kept_verbatim);
	tcase_add_test(tc, unclosed_fence_is_code_so_far);
	tcase_add_test(tc, code_tabs_go_to_every_fourth_column);
	tcase_add_test(tc, code_lines_are_never_wrapped);
	tcase_add_test(tc, a_long_code_line_grows_by_appending);
	tcase_add_test(tc, a_link_across_table_rows_streams_as_whole);
	tcase_add_test(tc, table_columns_align_by_display_width);
	tcase_add_test(tc, links_show_their_url);
	tcase_add_test(tc, link_with_empty_target_shows_only_its_text);
	tcase_add_test(tc, hyperlinks_carry_their_url_apart);
	tcase_add_test(tc, task_lists_show_boxes);
	tcase_add_test(tc, quotes_rules_and_entities);
	tcase_add_test(tc, plain_text_mode);
	tcase_add_test(tc, streaming_equals_whole_after_every_byte);
	tcase_add_test(tc, lazy_table_draws_as_the_whole_render);
	tcase_add_test(tc, lazy_table_breaks_cells_between_words);
	tcase_add_test(tc, lazy_table_narrows_its_widest_column);
	tcase_add_test(tc, wide_table_becomes_a_list);
	tcase_add_test(tc, lazy_table_index_is_small);
	tcase_add_test(tc, lazy_table_rows_are_laid_out_once_a_width);
	tcase_add_test(tc, lazy_table_cache_follows_a_wider_cell);
	tcase_add_test(tc, lazy_table_cache_forgets_a_reset);
	tcase_add_test(tc, lazy_table_cache_lays_out_a_completed_row_again);
	tcase_add_test(tc, lazy_table_lays_out_the_rows_after_a_miss_with_it);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(markdown_suite)
