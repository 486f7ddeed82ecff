/*
 * markdown_table.c: tables. md4c hands a table over cell by cell; the
 * cells are collected (into one shared styled text) and the table is
 * drawn when it ends, because a column is as wide as its widest cell (up to
 * TABLE_COLUMN_MAX): cells padded and aligned by display width, " │ "
 * between columns, a "─┼─" line under the header row, which is bold.
 */
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

/*
 * No column is padded wider than this: a longer cell pushes the rest of its
 * row right instead of padding every row of the table to its width.
 */
#define TABLE_COLUMN_MAX 40

void mdr_table_release(struct table *t)
{
	mdout_release(&t->text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
	mdout_init(&t->text);
}

static void emit_spaces(struct render *r, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		mdr_content_styled(r, sp, k, 0, 0, 0);
		n -= k;
	}
}

/* Cell i's text and spans: [off, end) and [span, span_end). */
void mdr_cell_range(const struct table *t, size_t i, size_t *end, size_t *span_end)
{
	bool last = i + 1 >= t->ncells;
	*end = last ? t->text.text.len : t->cells[i + 1].off;
	*span_end = last ? t->text.n : t->cells[i + 1].span;
}

size_t mdr_cell_width(const struct table *t, size_t i)
{
	size_t end, send;
	mdr_cell_range(t, i, &end, &send);
	return utf8_width(t->text.text.data + t->cells[i].off, end - t->cells[i].off);
}

void mdr_table_widths(const struct table *t, size_t from, size_t to, size_t *w)
{
	for (size_t row = from; row < to; row++)
		for (size_t c = 0; c < t->cols; c++) {
			size_t i = row * t->cols + c;
			size_t cw = i < t->ncells ? mdr_cell_width(t, i) : 0;
			if (cw > TABLE_COLUMN_MAX)
				cw = TABLE_COLUMN_MAX; /* the cell overflows its column */
			if (cw > w[c])
				w[c] = cw;
		}
}

void mdr_table_draw_row(struct render *r, const struct table *t, size_t row, const size_t *w,
                        bool header)
{
	for (size_t c = 0; c < t->cols; c++) {
		size_t i = row * t->cols + c;
		if (c > 0)
			mdr_content_styled(r, " │ ", strlen(" │ "), STYLE_TABLE, 0, 0);
		const struct cell *cell = i < t->ncells ? &t->cells[i] : NULL;
		size_t cw = cell ? mdr_cell_width(t, i) : 0;
		size_t pad = w[c] > cw ? w[c] - cw : 0, left = 0;
		if (cell && cell->align == MD_ALIGN_RIGHT)
			left = pad;
		else if (cell && cell->align == MD_ALIGN_CENTER)
			left = pad / 2;
		emit_spaces(r, left);
		if (cell) {
			size_t end, send;
			mdr_cell_range(t, i, &end, &send);
			for (size_t k = cell->span; k < send; k++) {
				const struct span *sp = &t->text.spans[k];
				mdr_content_styled(r, t->text.text.data + sp->off, sp->len,
				                   sp->style | (header ? STYLE_BOLD : 0), sp->level,
				                   sp->flags);
			}
		}
		if (c + 1 < t->cols)
			emit_spaces(r, pad - left);
		else
			mdr_open_line(r); /* an empty last cell still makes the line */
	}
	mdr_hard_newline(r);
}

void mdr_table_draw_rule(struct render *r, const size_t *w, size_t cols)
{
	struct buf sep;
	buf_init(&sep, BUF_TEXT_MAX);
	for (size_t c = 0; c < cols; c++) {
		if (c > 0)
			buf_addstr(&sep, "─┼─");
		for (size_t k = 0; k < w[c]; k++)
			buf_addstr(&sep, "─");
	}
	mdr_content_styled(r, sep.data, sep.len, STYLE_TABLE, 0, 0);
	buf_release(&sep);
	mdr_hard_newline(r);
}

/* Draws a collected table: columns as wide as their widest cell. */
static void table_draw(struct render *r)
{
	struct table *t = &r->table;
	size_t cols = t->cols;
	if (cols == 0 || t->rows == 0)
		return;
	size_t *w = xcalloc(cols, sizeof(*w));
	mdr_table_widths(t, 0, t->rows, w);
	for (size_t row = 0; row < t->rows; row++) {
		mdr_table_draw_row(r, t, row, w, row == 0);
		if (row == 0)
			mdr_table_draw_rule(r, w, cols);
	}
	free(r->widths);
	r->widths = w;
	r->nwidths = cols;
}

void mdr_table_begin(struct render *r, unsigned cols)
{
	mdr_table_release(&r->table);
	r->table.cols = cols;
	r->table.active = true;
}

void mdr_table_row(struct render *r)
{
	r->table.rows++;
	r->table.col = 0;
}

void mdr_table_cell(struct render *r, MD_ALIGN align)
{
	struct table *t = &r->table;
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	t->text.seal = t->text.n; /* a cell's spans never merge into the one before */
	t->cells[t->ncells++] =
	    (struct cell){.off = t->text.text.len, .span = t->text.n, .align = align};
	t->col++;
	r->sink = &t->text;
}

void mdr_table_row_end(struct render *r)
{
	struct table *t = &r->table;
	/* Keep the grid rectangular: pad short rows. */
	while (t->col < t->cols) {
		mdr_table_cell(r, MD_ALIGN_DEFAULT);
		r->sink = r->doc;
	}
}

void mdr_table_end(struct render *r)
{
	r->table.active = false;
	if (r->keep_table)
		return;
	table_draw(r);
	mdr_table_release(&r->table);
}
