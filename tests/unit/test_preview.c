/*
 * Unit tests for the image preview (preview.c and the jarvis-chafa plugin,
 * loaded from the build tree as the chat loads it): a known two-colour
 * image gives the rows it should in exactly its two colours, a curved edge
 * gives block symbols, the cells stay inside the room given, the palette
 * is the one asked for, and bytes that are no image (or claim a huge size)
 * fail with a cause.
 */
#include "jarvis/preview.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"
#include "unit.h"

/* Renders a fixture of tests/fixtures/images into p; returns preview_render's result. */
static int render_fixture(const char *name, const char *mime, int cols, int rows, int colors,
                          struct preview *p, char **cause)
{
	char *path = xasprintf("tests/fixtures/images/%s", name);
	size_t len;
	char *data = unit_slurp(path, &len);
	free(path);
	struct preview_request rq = {data, len, mime, cols, rows, colors, PREVIEW_SYMBOLS, 0, 0};
	int rc = preview_render(&rq, p, cause);
	free(data);
	return rc;
}

/* The same with pixels asked for, cells of cw x ch pixels. */
static int render_pixels(const char *name, enum preview_pixels px, int cw, int ch,
                         struct preview *p)
{
	char *path = xasprintf("tests/fixtures/images/%s", name);
	size_t len;
	char *data = unit_slurp(path, &len);
	free(path);
	struct preview_request rq = {data, len, "image/png", 60, PREVIEW_MAX_ROWS, 256, px, cw, ch};
	char *cause = NULL;
	int rc = preview_render(&rq, p, &cause);
	ck_assert_msg(rc == 0, "%s", cause ? cause : "");
	free(data);
	return rc;
}

static const struct preview_cell *cell(const struct preview *p, int x, int y)
{
	return &p->cells[(size_t)y * (size_t)p->cols + (size_t)x];
}

/* Adds colour c to the set seen[0..*n) unless it is there. */
static void note_colour(short c, short *seen, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (seen[i] == c)
			return;
	if (*n < 16)
		seen[(*n)++] = c;
}

/* The colours a reader sees: a blank shows its background, a full block its foreground. */
static size_t visible_colours(const struct preview *p, short *seen)
{
	size_t n = 0;
	for (int y = 0; y < p->rows; y++)
		for (int x = 0; x < p->cols; x++) {
			const struct preview_cell *c = cell(p, x, y);
			if (strcmp(c->text, "█") != 0)
				note_colour(c->bg, seen, &n);
			if (strcmp(c->text, " ") != 0)
				note_colour(c->fg, seen, &n);
		}
	return n;
}

START_TEST(two_colours_in_eight_rows)
{
	struct preview p;
	char *cause = NULL;
	ck_assert_msg(
	    render_fixture("two.png", "image/png", 60, PREVIEW_MAX_ROWS, 256, &p, &cause) == 0,
	    "%s", cause ? cause : "");
	ck_assert_int_eq(p.width, 128);
	ck_assert_int_eq(p.height, 128);
	/* A square image in cells twice as tall as wide: 8 rows of 16. */
	ck_assert_int_eq(p.rows, PREVIEW_MAX_ROWS);
	ck_assert_int_eq(p.cols, 16);
	short seen[16];
	size_t n = visible_colours(&p, seen);
	ck_assert_uint_eq(n, 2);
	/* Pure red and pure blue in the xterm 256-colour cube. */
	ck_assert(seen[0] != seen[1]);
	ck_assert(seen[0] == 196 || seen[1] == 196);
	ck_assert(seen[0] == 21 || seen[1] == 21);
	/* The top row is red, the bottom one blue. */
	short top =
	    strcmp(cell(&p, 0, 0)->text, "█") == 0 ? cell(&p, 0, 0)->fg : cell(&p, 0, 0)->bg;
	const struct preview_cell *low = cell(&p, 0, p.rows - 1);
	short bottom = strcmp(low->text, "█") == 0 ? low->fg : low->bg;
	ck_assert_int_eq(top, 196);
	ck_assert_int_eq(bottom, 21);
	preview_release(&p);
	ck_assert_ptr_null(p.cells);
}
END_TEST

START_TEST(a_curved_edge_uses_block_symbols)
{
	struct preview p;
	char *cause = NULL;
	ck_assert_msg(
	    render_fixture("disc.jpg", "image/jpeg", 60, PREVIEW_MAX_ROWS, 256, &p, &cause) == 0,
	    "%s", cause ? cause : "");
	ck_assert_int_eq(p.width, 48);
	size_t partial = 0;
	for (int y = 0; y < p.rows; y++)
		for (int x = 0; x < p.cols; x++) {
			const char *t = cell(&p, x, y)->text;
			/* Block elements are U+2580..U+259F: E2 96 80 .. E2 96 9F. */
			if ((unsigned char)t[0] == 0xe2 && (unsigned char)t[1] == 0x96 &&
			    strcmp(t, "█") != 0)
				partial++;
		}
	ck_assert_uint_gt(partial, 0);
	preview_release(&p);
}
END_TEST

START_TEST(cells_stay_inside_the_room_given)
{
	struct preview p;
	char *cause = NULL;
	ck_assert_int_eq(
	    render_fixture("disc.png", "image/png", 6, PREVIEW_MAX_ROWS, 256, &p, &cause), 0);
	ck_assert_int_le(p.cols, 6);
	ck_assert_int_le(p.rows, 3);
	ck_assert_int_gt(p.rows, 0);
	preview_release(&p);
}
END_TEST

START_TEST(the_palette_asked_for)
{
	struct preview p;
	char *cause = NULL;
	ck_assert_int_eq(render_fixture("disc.png", "image/png", 40, 4, 8, &p, &cause), 0);
	for (size_t i = 0; i < (size_t)p.rows * (size_t)p.cols; i++) {
		ck_assert_int_lt(p.cells[i].fg, 8);
		ck_assert_int_lt(p.cells[i].bg, 8);
	}
	short seen[16];
	ck_assert_uint_ge(visible_colours(&p, seen), 2);
	preview_release(&p);
	/* No colours: symbols alone, in the terminal's own colours. */
	ck_assert_int_eq(render_fixture("disc.png", "image/png", 40, 4, 0, &p, &cause), 0);
	for (size_t i = 0; i < (size_t)p.rows * (size_t)p.cols; i++)
		ck_assert(p.cells[i].fg == -1 && p.cells[i].bg == -1);
	preview_release(&p);
}
END_TEST

START_TEST(bytes_that_are_no_image_fail_with_a_cause)
{
	static const char junk[] = "\x89PNG\r\n\x1a\nthis is not the rest of a PNG";
	struct preview_request rq = {junk, sizeof junk - 1, "image/png", 40, 8, 256, 0, 0, 0};
	struct preview p;
	char *cause = NULL;
	ck_assert_int_eq(preview_render(&rq, &p, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "image/png") != NULL, "%s", cause);
	ck_assert_ptr_null(p.cells);
	free(cause);
	cause = NULL;
	/* A type with no decoder says so. */
	rq.mime = "application/x-no-such-type";
	ck_assert_int_eq(preview_render(&rq, &p, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	ck_assert(preview_available());
}
END_TEST

START_TEST(a_huge_claimed_size_is_refused_before_decoding)
{
	/* A PNG header claiming 100000x100000 pixels: never handed to the decoder. */
	static const unsigned char png[] =
	    "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0"
	    "\x08\x02\0\0\0";
	struct preview_request rq = {png, sizeof png - 1, "image/png", 40, 8, 256, 0, 0, 0};
	struct preview p;
	char *cause = NULL;
	ck_assert_int_eq(preview_render(&rq, &p, &cause), -1);
	ck_assert_msg(strstr(cause, "100000x100000 pixels, too large") != NULL, "%s", cause);
	ck_assert_ptr_null(p.cells);
	free(cause);
}
END_TEST

START_TEST(kitty_pixels_fill_the_cells)
{
	struct preview p;
	render_pixels("two.png", PREVIEW_KITTY, 10, 20, &p);
	/* 128x128 in cells of 10x20: 8 rows of 16, and their pixels. */
	ck_assert_int_eq(p.rows, PREVIEW_MAX_ROWS);
	ck_assert_int_eq(p.cols, 16);
	ck_assert_ptr_nonnull(p.cells);
	ck_assert_ptr_nonnull(p.rgba);
	ck_assert_ptr_null(p.sixel);
	ck_assert_int_eq(p.px_w, 160);
	ck_assert_int_eq(p.px_h, 160);
	/* Red on top, blue below, opaque. */
	const unsigned char *top = p.rgba, *low = p.rgba + ((size_t)159 * 160 + 80) * 4;
	ck_assert(top[0] > 200 && top[1] < 50 && top[2] < 50 && top[3] == 255);
	ck_assert(low[0] < 50 && low[1] < 50 && low[2] > 200 && low[3] == 255);
	preview_release(&p);
	ck_assert_ptr_null(p.rgba);
	/* Square cells (a terminal's font may be so): half the rows. */
	render_pixels("two.png", PREVIEW_KITTY, 16, 16, &p);
	ck_assert_int_eq(p.rows, PREVIEW_MAX_ROWS);
	ck_assert_int_eq(p.cols, PREVIEW_MAX_ROWS);
	ck_assert_int_eq(p.px_w, 128);
	preview_release(&p);
}
END_TEST

START_TEST(a_sixel_string_for_the_cells)
{
	struct preview p;
	render_pixels("two.png", PREVIEW_SIXEL, 10, 20, &p);
	ck_assert_int_eq(p.rows, PREVIEW_MAX_ROWS);
	ck_assert_ptr_nonnull(p.sixel);
	ck_assert_ptr_null(p.rgba);
	ck_assert_uint_eq(strlen(p.sixel), p.sixel_len);
	/* DCS P1;P2;P3 q, raster attributes of the cells' pixels, sixels, ST. */
	ck_assert_msg(strncmp(p.sixel, "\033P", 2) == 0, "%.12s", p.sixel);
	const char *q = strchr(p.sixel, 'q');
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(strspn(p.sixel + 2, "0123456789;"), (size_t)(q - p.sixel - 2));
	ck_assert_msg(strncmp(q + 1, "\"1;1;160;", 9) == 0, "%.20s", q + 1);
	ck_assert_str_eq(p.sixel + p.sixel_len - 2, "\033\\");
	/* The two colours in its palette (#n;2;r;g;b in percent). */
	ck_assert_ptr_nonnull(strstr(p.sixel, ";2;100;0;0"));
	ck_assert_ptr_nonnull(strstr(p.sixel, ";2;0;0;100"));
	preview_release(&p);
	ck_assert_ptr_null(p.sixel);
}
END_TEST

static Suite *preview_suite(void)
{
	Suite *s = suite_create("preview");
	TCase *tc = tcase_create("chafa");
	tcase_add_test(tc, two_colours_in_eight_rows);
	tcase_add_test(tc, a_curved_edge_uses_block_symbols);
	tcase_add_test(tc, cells_stay_inside_the_room_given);
	tcase_add_test(tc, the_palette_asked_for);
	tcase_add_test(tc, bytes_that_are_no_image_fail_with_a_cause);
	tcase_add_test(tc, a_huge_claimed_size_is_refused_before_decoding);
	tcase_add_test(tc, kitty_pixels_fill_the_cells);
	tcase_add_test(tc, a_sixel_string_for_the_cells);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(preview_suite)
