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
	struct preview_request rq = {data, len, mime, cols, rows, colors};
	int rc = preview_render(&rq, p, cause);
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
	struct preview_request rq = {junk, sizeof junk - 1, "image/png", 40, 8, 256};
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
	struct preview_request rq = {png, sizeof png - 1, "image/png", 40, 8, 256};
	struct preview p;
	char *cause = NULL;
	ck_assert_int_eq(preview_render(&rq, &p, &cause), -1);
	ck_assert_msg(strstr(cause, "100000x100000 pixels, too large") != NULL, "%s", cause);
	ck_assert_ptr_null(p.cells);
	free(cause);
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
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(preview_suite)
