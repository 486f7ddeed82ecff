/*
 * markdown_table.c: tables. md4c hands a table over cell by cell; the
 * cells are collected (each its own styled text) and the table is drawn
 * when it ends, because a column is as wide as its widest cell: cells
 * padded and aligned by display width, " │ " between columns, a "─┼─"
 * line under the header row, which is bold.
 */
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

void mdr_table_release(struct table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		mdout_release(&t->cells[i].o);
	free(t->cells);
	memset(t, 0, sizeof(*t));
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

/* Draws a collected table: columns as wide as their widest cell. */
static void table_draw(struct render *r)
{
	struct table *t = &r->table;
	size_t cols = t->cols;
	if (cols == 0 || t->rows == 0)
		return;
	size_t *w = xcalloc(cols, sizeof(*w));
	for (size_t i = 0; i < t->ncells; i++) {
		size_t cw = utf8_width(t->cells[i].o.text.data, t->cells[i].o.text.len);
		if (cw > w[i % cols])
			w[i % cols] = cw;
	}
	for (size_t row = 0; row < t->rows; row++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = row * cols + c;
			if (c > 0)
				mdr_content_styled(r, " │ ", strlen(" │ "), STYLE_TABLE, 0, 0);
			struct cell *cell = i < t->ncells ? &t->cells[i] : NULL;
			size_t cw = cell ? utf8_width(cell->o.text.data, cell->o.text.len) : 0;
			size_t pad = w[c] - cw, left = 0;
			if (cell && cell->align == MD_ALIGN_RIGHT)
				left = pad;
			else if (cell && cell->align == MD_ALIGN_CENTER)
				left = pad / 2;
			emit_spaces(r, left);
			if (cell)
				for (size_t k = 0; k < cell->o.n; k++) {
					const struct span *sp = &cell->o.spans[k];
					mdr_content_styled(r, cell->o.text.data + sp->off, sp->len,
					                   sp->style | (row == 0 ? STYLE_BOLD : 0),
					                   sp->level, sp->flags);
				}
			if (c + 1 < cols)
				emit_spaces(r, pad - left);
			else
				mdr_open_line(r); /* an empty last cell still makes the line */
		}
		mdr_hard_newline(r);
		if (row == 0) {
			struct buf sep;
			buf_init(&sep, BUF_LINE_MAX);
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
	}
	free(w);
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
	/* Keep the grid rectangular: pad short rows, drop extra cells. */
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	struct cell *c = &t->cells[t->ncells++];
	mdout_init(&c->o);
	c->align = align;
	t->col++;
	r->sink = &c->o;
}

void mdr_table_row_end(struct render *r)
{
	struct table *t = &r->table;
	while (t->col < t->cols) {
		mdr_table_cell(r, MD_ALIGN_DEFAULT);
		r->sink = r->doc;
	}
}

void mdr_table_end(struct render *r)
{
	r->table.active = false;
	table_draw(r);
	mdr_table_release(&r->table);
}
