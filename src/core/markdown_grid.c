/*
 * markdown_grid.c: tables laid out only when drawn (md_set_lazy_tables).
 * A table that the open segment extends (markdown_open.c) is kept as an
 * index: per row the source offset of its line and each cell's display
 * width. Column widths follow from the widths as rows arrive; a row is
 * parsed again (behind a copy of the header, as markdown_open.c parses
 * new rows) and drawn into screen lines only when the TUI draws it, so a
 * long table costs a few bytes a row, not its rendered text and rows.
 *
 * Layout at W columns: columns as wide as their widest cell when they fit
 * (a row is one line, as the eager renderer draws it); else the widest
 * columns are narrowed to a common cap (not below GRID_MIN_COL) and cells
 * broken across lines within them; else every row is a list of
 * "header: value" lines, one a cell, broken at W, with a rule between
 * rows. A row's lines are known from the widths alone (a cell of width w
 * in a column of c takes ceil(w / c) lines, or ceil(w / (c - 1)) when it
 * has wide characters), so the layout keeps only the first line of every
 * row.
 */
#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/markdown.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "markdown_internal.h"

/* A column is not narrowed below this (or its widest cell); past that, the list form. */
#define GRID_MIN_COL 6

/* --- the index -------------------------------------------------------------- */

static void grid_release(struct grid *g)
{
	free(g->src);
	free(g->cw);
	free(g->max);
	free(g->lmax);
	free(g->w);
	free(g->start);
	memset(g, 0, sizeof(*g));
}

struct grid *mdg_open(struct md *m, size_t head, size_t head_len, size_t cols)
{
	if (m->ngrids == m->grids_cap) {
		m->grids_cap = m->grids_cap ? m->grids_cap * 2 : 4;
		m->grids = xrealloc(m->grids, m->grids_cap * sizeof(*m->grids));
	}
	struct grid *g = &m->grids[m->ngrids++];
	memset(g, 0, sizeof(*g));
	g->off = m->doc.text.len;
	g->head = head;
	g->head_len = head_len;
	g->cols = cols;
	g->max = xcalloc(cols, sizeof(*g->max));
	g->lmax = xcalloc(cols, sizeof(*g->lmax));
	g->w = xcalloc(cols, sizeof(*g->w));
	g->open = true;
	g->id = ++m->grid_ids;
	return g;
}

struct grid *mdg_current(struct md *m)
{
	return m->ngrids > 0 && m->grids[m->ngrids - 1].open ? &m->grids[m->ngrids - 1] : NULL;
}

void mdg_drop_open(struct md *m)
{
	if (mdg_current(m) != NULL)
		grid_release(&m->grids[--m->ngrids]);
}

void mdg_free_all(struct md *m)
{
	for (size_t i = 0; i < m->ngrids; i++)
		grid_release(&m->grids[i]);
	free(m->grids);
	m->grids = NULL;
	m->ngrids = m->grids_cap = 0;
	if (m->slots != NULL)
		for (size_t k = 0; k < GRID_SLOTS; k++) {
			if (m->slots[k].lines != NULL)
				mdout_release(&m->slots[k].lines->doc);
			free(m->slots[k].lines);
			wrap_cache_free(m->slots[k].wc);
		}
	free(m->slots);
	m->slots = NULL;
}

void mdg_truncate(struct grid *g, size_t rows)
{
	if (rows < g->rows)
		g->rows = rows;
	if (g->complete > rows)
		g->complete = rows; /* (the maxima then stay as they were: only rows grow) */
	if (g->lvalid > rows)
		g->lvalid = rows;
}

/* A cell's width and whether a cluster in it is wider than one column. */
static uint16_t measure(const char *s, size_t n)
{
	size_t w = 0;
	bool wide = false;
	for (size_t i = 0; i < n;) {
		size_t next = utf8_cluster_next(s, n, i);
		int cw = utf8_cluster_width(s, n, i, next);
		w += (size_t)cw;
		wide = wide || cw > 1;
		i = next;
	}
	return (uint16_t)((w > GRID_WIDTH_MAX ? GRID_WIDTH_MAX : w) | (wide ? GRID_WIDE : 0));
}

void mdg_add_row(struct grid *g, size_t src_off, const struct table *t, size_t row, bool complete)
{
	if (g->rows == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->src = xrealloc(g->src, g->cap * sizeof(*g->src));
		g->cw = xrealloc(g->cw, g->cap * g->cols * sizeof(*g->cw));
	}
	uint16_t *cw = &g->cw[g->rows * g->cols];
	for (size_t c = 0; c < g->cols; c++) {
		size_t i = row * t->cols + c, end, send;
		if (i >= t->ncells) {
			cw[c] = 0;
			continue;
		}
		mdr_cell_range(t, i, &end, &send);
		cw[c] = measure(t->text.text.data + t->cells[i].off, end - t->cells[i].off);
		if (complete && (cw[c] & GRID_WIDTH_MAX) > g->max[c])
			g->max[c] = cw[c] & GRID_WIDTH_MAX;
	}
	g->src[g->rows++] = (uint32_t)src_off;
	if (complete)
		g->complete = g->rows;
}

/* --- the layout ------------------------------------------------------------- */

/* The lines a cell of width-and-flag m takes in a column of w. */
static size_t lines_of(size_t cw, bool wide, size_t w)
{
	if (cw <= w)
		return 1;
	size_t per = wide ? (w > 1 ? w - 1 : 1) : (w > 0 ? w : 1);
	return (cw + per - 1) / per;
}

static size_t cell_lines(uint16_t m, size_t w)
{
	return lines_of(m & GRID_WIDTH_MAX, (m & GRID_WIDE) != 0, w);
}

/* The screen lines of row k (with the rule under the header, or the rule before a list row). */
static size_t row_lines(const struct grid *g, size_t k, size_t width)
{
	const uint16_t *cw = &g->cw[k * g->cols];
	size_t h = 0;
	if (g->mode == GRID_LIST) {
		const uint16_t *hw = g->cw;
		if (k == 0 && g->rows > 1)
			return 0;
		if (k == 0) { /* a header alone: one label a line */
			for (size_t c = 0; c < g->cols; c++)
				h += cell_lines(hw[c], width);
			return h;
		}
		for (size_t c = 0; c < g->cols; c++)
			h += lines_of((size_t)(hw[c] & GRID_WIDTH_MAX) + 2 +
			                  (cw[c] & GRID_WIDTH_MAX),
			              ((hw[c] | cw[c]) & GRID_WIDE) != 0, width);
		return h + (k >= 2);
	}
	for (size_t c = 0; c < g->cols; c++) {
		size_t l = cell_lines(cw[c], g->w[c]);
		if (l > h)
			h = l;
	}
	return h + (k == 0);
}

/* The modes and widths for these column maxima at width. */
static void choose(struct grid *g, const uint16_t *mx, size_t width)
{
	size_t seps = 3 * (g->cols - 1), sum = 0, top = 0, least = 0;
	for (size_t c = 0; c < g->cols; c++) {
		sum += mx[c];
		top = mx[c] > top ? mx[c] : top;
		least += mx[c] < GRID_MIN_COL ? mx[c] : GRID_MIN_COL;
	}
	if (sum + seps <= width) {
		g->mode = GRID_FIT;
		memcpy(g->w, mx, g->cols * sizeof(*g->w));
		return;
	}
	if (least + seps > width) {
		g->mode = GRID_LIST;
		return;
	}
	/* The largest cap the columns fit under (at least GRID_MIN_COL). */
	size_t lo = GRID_MIN_COL, hi = top;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2, s = 0;
		for (size_t c = 0; c < g->cols; c++)
			s += mx[c] < mid ? mx[c] : mid;
		if (s + seps <= width)
			lo = mid;
		else
			hi = mid - 1;
	}
	size_t used = seps;
	for (size_t c = 0; c < g->cols; c++) {
		g->w[c] = (uint16_t)(mx[c] < lo ? mx[c] : lo);
		used += g->w[c];
	}
	for (size_t c = 0; c < g->cols && used < width; c++)
		if (mx[c] > g->w[c]) {
			g->w[c]++;
			used++;
		}
	g->mode = GRID_SHRINK;
}

/* Brings the layout up to date for width columns and the rows so far. */
static void layout(struct grid *g, int width)
{
	if (width < 1)
		width = 1;
	size_t wd = (size_t)width;
	uint16_t stack[16], *mx = g->cols <= 16 ? stack : xmalloc(g->cols * sizeof(*mx));
	memcpy(mx, g->max, g->cols * sizeof(*mx));
	for (size_t k = g->complete; k < g->rows; k++) /* rows still growing count too */
		for (size_t c = 0; c < g->cols; c++)
			if ((g->cw[k * g->cols + c] & GRID_WIDTH_MAX) > mx[c])
				mx[c] = g->cw[k * g->cols + c] & GRID_WIDTH_MAX;
	if (g->lw != width || memcmp(mx, g->lmax, g->cols * sizeof(*mx)) != 0 ||
	    g->lone != (g->rows == 1)) {
		/* Rows laid out before stay good if the mode and the columns' widths did. */
		enum grid_mode was = g->mode;
		uint16_t wstack[16], *ws = g->cols <= 16 ? wstack : xmalloc(g->cols * sizeof(*ws));
		memcpy(ws, g->w, g->cols * sizeof(*ws));
		bool lone = g->rows == 1;
		choose(g, mx, wd);
		if (g->lw == 0 || g->mode != was || g->lone != lone ||
		    memcmp(ws, g->w, g->cols * sizeof(*ws)) != 0)
			g->stamp++;
		if (ws != wstack)
			free(ws);
		g->lone = lone;
		memcpy(g->lmax, mx, g->cols * sizeof(*mx));
		g->lw = width;
		g->lvalid = 0;
	}
	if (mx != stack)
		free(mx);
	if (g->scap < g->rows + 1) {
		g->scap = g->rows + 1 > g->scap * 2 ? g->rows + 1 : g->scap * 2;
		g->start = xrealloc(g->start, g->scap * sizeof(*g->start));
	}
	if (g->lvalid == 0)
		g->start[0] = 0;
	for (size_t k = g->lvalid; k < g->rows; k++)
		g->start[k + 1] = g->start[k] + (uint32_t)row_lines(g, k, wd);
	/* Rows still growing are measured again at the next update. */
	g->lvalid = g->rows < g->complete ? g->rows : g->complete;
}

void md_set_lazy_tables(struct md *m, bool on)
{
	m->lazy = on;
}

size_t md_ntables(const struct md *m)
{
	return m->ngrids;
}

size_t md_table_off(const struct md *m, size_t i)
{
	return m->grids[i].off;
}

size_t md_table_height(struct md *m, size_t i, int width)
{
	struct grid *g = &m->grids[i];
	layout(g, width);
	size_t h = g->start[g->rows];
	return h > 0 ? h : 1;
}

enum md_table_form md_table_form(struct md *m, size_t i, int width)
{
	struct grid *g = &m->grids[i];
	layout(g, width);
	return g->mode == GRID_FIT      ? MD_TABLE_GRID
	       : g->mode == GRID_SHRINK ? MD_TABLE_NARROWED
	                                : MD_TABLE_LIST;
}

size_t md_table_index_bytes(const struct md *m, size_t i)
{
	const struct grid *g = &m->grids[i];
	return sizeof(*g) + g->cap * (sizeof(*g->src) + g->cols * sizeof(*g->cw)) +
	       g->scap * sizeof(*g->start) + 4 * g->cols * sizeof(uint16_t);
}

/* --- drawing one row ---------------------------------------------------------- */

/* Appends o's text [a, e) with its styles (plus extra) to dst; spans from s0 on. */
static void emit_range(struct out *dst, const struct out *o, size_t a, size_t e, size_t s0,
                       unsigned extra)
{
	for (size_t k = s0; k < o->n && o->spans[k].off < e; k++) {
		const struct span *sp = &o->spans[k];
		size_t x = sp->off > a ? sp->off : a, y = sp->off + sp->len;
		if (y > e)
			y = e;
		if (x < y)
			mdout_emit(dst, o->text.data + x, y - x, sp->style | extra, sp->level,
			           sp->flags & ~(unsigned)(SPAN_PREFIX_REPEAT | SPAN_PREFIX_BLANK |
			                                   SPAN_NOWRAP | SPAN_FILL));
	}
}

static void emit_spaces(struct out *dst, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		mdout_emit(dst, sp, k, 0, 0, 0);
		n -= k;
	}
}

static void emit_repeat(struct out *dst, const char *s, size_t times, unsigned style)
{
	for (size_t k = 0; k < times; k++)
		mdout_emit(dst, s, strlen(s), style, 0, 0);
}

/*
 * Piece k of s[a, e) broken greedily into runs of at most w columns (a
 * cluster wider than w alone on its run): [*b0, *b1), *cols wide; empty
 * past the last.
 */
static void piece(const char *s, size_t a, size_t e, size_t w, size_t k, size_t *b0, size_t *b1,
                  size_t *cols)
{
	size_t off = a, run = 0, col = 0, start = a;
	while (off < e) {
		size_t next = utf8_cluster_next(s, e, off);
		size_t cw = (size_t)utf8_cluster_width(s, e, off, next);
		if (col + cw > w && col > 0) {
			if (run == k)
				break;
			run++;
			start = off;
			col = 0;
		}
		col += cw;
		off = next;
	}
	if (run == k) {
		*b0 = start;
		*b1 = off;
		*cols = col;
	} else {
		*b0 = *b1 = e;
		*cols = 0;
	}
}

/*
 * s[a, e) broken into runs of at most w columns at its blanks, a word wider
 * than w cut as piece() cuts; the blank a run is broken at is on neither
 * run. Returns how many runs there are; run k is [*b0, *b1), *cols wide
 * (empty past the last).
 */
static size_t word_runs(const char *s, size_t a, size_t e, size_t w, size_t k, size_t *b0,
                        size_t *b1, size_t *cols)
{
	size_t runs = 0, off = a;
	*b0 = *b1 = e;
	*cols = 0;
	while (off < e) {
		size_t start = off, col = 0, end = e, resume = e, end_col = 0;
		size_t blank = 0, blank_col = 0; /* the last blank on this run, if any */
		bool have_blank = false;
		while (off < e) {
			size_t next = utf8_cluster_next(s, e, off);
			size_t cw = (size_t)utf8_cluster_width(s, e, off, next);
			if (s[off] == ' ' && next == off + 1 && col + cw > w && col > 0) {
				end = off; /* the blank that does not fit ends the run */
				end_col = col;
				resume = next;
				break;
			}
			if (col + cw > w && col > 0) {
				if (have_blank) {
					end = blank;
					end_col = blank_col;
					resume = blank + 1;
				} else {
					end = off;
					end_col = col;
					resume = off;
				}
				break;
			}
			if (s[off] == ' ' && next == off + 1 && off > start) {
				blank = off;
				blank_col = col;
				have_blank = true;
			}
			col += cw;
			off = next;
		}
		if (off >= e && end == e) {
			end_col = col;
			resume = e;
		}
		if (runs == k) {
			*b0 = start;
			*b1 = end;
			*cols = end_col;
		}
		runs++;
		off = resume;
	}
	return runs;
}

/*
 * Piece k of s[a, e) in runs of at most w columns: broken at blanks when
 * that takes no more than `lines` runs (the lines the layout counted from
 * the width alone), else cut as piece() cuts.
 */
static void piece_words(const char *s, size_t a, size_t e, size_t w, size_t k, size_t lines,
                        size_t *b0, size_t *b1, size_t *cols)
{
	if (lines <= 1 || memchr(s + a, ' ', e - a) == NULL ||
	    word_runs(s, a, e, w, k, b0, b1, cols) > lines)
		piece(s, a, e, w, k, b0, b1, cols);
}

/* Cell i of t: its text [*a, *e) and first span. */
static void cell_at(const struct table *t, size_t i, size_t *a, size_t *e, size_t *s0)
{
	size_t send;
	mdr_cell_range(t, i, e, &send);
	*a = t->cells[i].off;
	*s0 = t->cells[i].span;
}

/* Row `row` of t in columns of g->w: h lines, cells broken within their columns. */
static void draw_grid_row(struct out *dst, const struct grid *g, const struct table *t, size_t row,
                          size_t h, bool header)
{
	for (size_t line = 0; line < h; line++) {
		if (line > 0)
			mdout_emit(dst, "\n", 1, 0, 0, 0);
		for (size_t c = 0; c < g->cols; c++) {
			size_t i = row * t->cols + c, a, e, s0, b0, b1, cols;
			if (c > 0)
				mdout_emit(dst, " │ ", strlen(" │ "), STYLE_TABLE, 0, 0);
			cell_at(t, i, &a, &e, &s0);
			piece_words(t->text.text.data, a, e, g->w[c], line, h, &b0, &b1, &cols);
			size_t pad = g->w[c] > cols ? g->w[c] - cols : 0, left = 0;
			if (t->cells[i].align == MD_ALIGN_RIGHT)
				left = pad;
			else if (t->cells[i].align == MD_ALIGN_CENTER)
				left = pad / 2;
			emit_spaces(dst, left);
			emit_range(dst, &t->text, b0, b1, s0, header ? STYLE_BOLD : 0);
			if (c + 1 < g->cols)
				emit_spaces(dst, pad - left);
		}
	}
	if (header) {
		mdout_emit(dst, "\n", 1, 0, 0, 0);
		for (size_t c = 0; c < g->cols; c++) {
			if (c > 0)
				mdout_emit(dst, "─┼─", strlen("─┼─"), STYLE_TABLE, 0, 0);
			emit_repeat(dst, "─", g->w[c], STYLE_TABLE);
		}
	}
}

/*
 * Row `row` of the grid (row trow of t) as "header: value" lines broken at
 * width; a rule before it unless it is the first.
 */
static void draw_list_row(struct out *dst, const struct grid *g, const struct table *t, size_t row,
                          size_t trow, size_t width)
{
	bool first = true;
	if (row >= 2) {
		emit_repeat(dst, "─", width < 40 ? width : 40, STYLE_TABLE);
		first = false;
	}
	if (row == 0) { /* a header alone: its labels */
		for (size_t c = 0; c < g->cols; c++) {
			size_t a, e, s0;
			cell_at(t, c, &a, &e, &s0);
			for (size_t k = 0, n = cell_lines(g->cw[c], width); k < n; k++) {
				size_t b0, b1, cols;
				if (k > 0 || c > 0)
					mdout_emit(dst, "\n", 1, 0, 0, 0);
				piece_words(t->text.text.data, a, e, width, k, n, &b0, &b1, &cols);
				emit_range(dst, &t->text, b0, b1, s0, STYLE_BOLD);
			}
		}
		return;
	}
	struct out line;
	mdout_init(&line);
	for (size_t c = 0; c < g->cols; c++) {
		size_t a, e, s0;
		mdout_truncate(&line, 0, 0);
		cell_at(t, c, &a, &e, &s0);
		emit_range(&line, &t->text, a, e, s0, STYLE_BOLD);
		mdout_emit(&line, ":", 1, STYLE_TABLE, 0, 0);
		mdout_emit(&line, " ", 1, 0, 0, 0);
		cell_at(t, trow * t->cols + c, &a, &e, &s0);
		emit_range(&line, &t->text, a, e, s0, 0);
		uint16_t hw = g->cw[c], cw = g->cw[row * g->cols + c];
		size_t n = lines_of((size_t)(hw & GRID_WIDTH_MAX) + 2 + (cw & GRID_WIDTH_MAX),
		                    ((hw | cw) & GRID_WIDE) != 0, width);
		for (size_t k = 0; k < n; k++) {
			size_t b0, b1, cols;
			if (!first)
				mdout_emit(dst, "\n", 1, 0, 0, 0);
			first = false;
			piece_words(line.text.data, 0, line.text.len, width, k, n, &b0, &b1, &cols);
			emit_range(dst, &line, b0, b1, 0, 0);
		}
	}
	mdout_release(&line);
}

/* The row holding screen line `line` (start[] is up to date). */
static size_t row_at(const struct grid *g, size_t line)
{
	size_t lo = 0, hi = g->rows; /* the last row whose start <= line */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->start[mid] <= line)
			lo = mid;
		else
			hi = mid;
	}
	/* Rows of no lines (a list's header) give way to the next. */
	while (lo + 1 < g->rows && g->start[lo + 1] == g->start[lo] && g->start[lo] <= line)
		lo++;
	return lo;
}

/* Row `row` of g (row trow of the parsed table t) at wd columns into dst. */
static void draw_parsed(const struct grid *g, const struct table *t, size_t trow, size_t wd,
                        size_t row, struct out *dst)
{
	mdout_truncate(dst, 0, 0);
	if (g->mode == GRID_LIST)
		draw_list_row(dst, g, t, row, trow, wd);
	else
		draw_grid_row(dst, g, t, trow, row_lines(g, row, wd) - (row == 0), row == 0);
}

/* Where the line starting at a ends (its newline, or n). */
static size_t line_end(const char *src, size_t n, size_t a)
{
	const char *nl = a < n ? memchr(src + a, '\n', n - a) : NULL;
	return nl ? (size_t)(nl - src) : n;
}

/* Row `row` of g at wd columns into dst, parsed alone behind the header from src[0..n). */
static void draw_row(const struct grid *g, const char *src, size_t n, size_t wd, size_t row,
                     struct out *dst)
{
	mdout_truncate(dst, 0, 0);
	/* The header and delimiter lines, then the row's line: parsed alone. */
	struct buf in;
	buf_init(&in, BUF_TEXT_MAX);
	buf_add(&in, src + g->head, g->head_len);
	if (row > 0) {
		size_t a = g->src[row];
		buf_add(&in, src + a, line_end(src, n, a) - a);
	}
	struct render r;
	md_probe(in.data, in.len, &r);
	buf_release(&in);
	const struct table *t = &r.table;
	size_t need = (row > 0 ? 2 : 1) * g->cols;
	if (t->cols == g->cols && t->ncells >= need)
		draw_parsed(g, t, row > 0 ? 1 : 0, wd, row, dst);
	mdr_table_release(&r.table);
}

size_t md_table_draw(struct md *m, size_t i, const char *src, size_t n, int width, size_t line,
                     struct md *out)
{
	struct grid *g = &m->grids[i];
	layout(g, width);
	size_t row = row_at(g, line);
	draw_row(g, src, n, width > 1 ? (size_t)width : 1, row, &out->doc);
	return g->start[row];
}

/* Whether slot sl holds row `row` of g laid out at width as it is now. */
static bool slot_holds(const struct grid_slot *sl, const struct grid *g, int width, size_t row)
{
	return sl->lines != NULL && sl->id == g->id && sl->stamp == g->stamp &&
	       sl->width == width && sl->row == row && sl->whole;
}

static void slot_init(struct grid_slot *sl)
{
	if (sl->lines == NULL) {
		/* A plain md that only holds a document (not md_new: markdown.c is above). */
		sl->lines = xcalloc(1, sizeof(*sl->lines));
		mdout_init(&sl->lines->doc);
		sl->wc = wrap_cache_new();
	}
}

/* Slot sl now holds row `row` of g, drawn into its document: wraps it, notes what it is. */
static void slot_done(struct grid_slot *sl, const struct grid *g, int width, size_t row)
{
	const struct out *d = &sl->lines->doc;
	/* Laid out to fit already: one row a line, cut at the edge if not. */
	wrap_cache_update(sl->wc, d->text.data, d->text.len, d->spans, d->n, 0, 1 << 20);
	sl->id = g->id;
	sl->stamp = g->stamp;
	sl->width = width;
	sl->row = row;
	sl->whole = row < g->complete;
}

/*
 * The end of the rows to lay out with row: the complete rows after it, on
 * the lines right after its own, that the cache does not hold, at most
 * GRID_BATCH in all; row + 1 when row is the header or still growing.
 */
static size_t batch_end(const struct md *m, const struct grid *g, const char *src, size_t n,
                        int width, size_t row)
{
	size_t end = row + 1;
	if (row == 0 || row >= g->complete)
		return end;
	while (end < g->complete && end - row < GRID_BATCH &&
	       g->src[end] == line_end(src, n, g->src[end - 1]) + 1 &&
	       !slot_holds(&m->slots[end % GRID_SLOTS], g, width, end))
		end++;
	return end;
}

/*
 * Rows [row, end) of g at wd columns into their slots, parsed in one go
 * behind the header (every line a row, as the index was made); false,
 * with nothing drawn, when the parse does not say so.
 */
static bool draw_batch(struct md *m, const struct grid *g, const char *src, size_t n, size_t wd,
                       size_t row, size_t end)
{
	struct buf in;
	buf_init(&in, BUF_TEXT_MAX);
	buf_add(&in, src + g->head, g->head_len);
	size_t a = g->src[row];
	buf_add(&in, src + a, line_end(src, n, g->src[end - 1]) - a);
	bool ok = !in.truncated;
	struct render r;
	md_probe(in.data, in.len, &r);
	buf_release(&in);
	const struct table *t = &r.table;
	size_t rows = end - row;
	ok = ok && r.blocks == 1 && t->cols == g->cols && t->rows == 1 + rows &&
	     t->ncells == t->rows * t->cols;
	for (size_t k = 0; ok && k < rows; k++) {
		struct grid_slot *sl = &m->slots[(row + k) % GRID_SLOTS];
		slot_init(sl);
		draw_parsed(g, t, 1 + k, wd, row + k, &sl->lines->doc);
	}
	mdr_table_release(&r.table);
	return ok;
}

size_t md_table_lines(struct md *m, size_t i, const char *src, size_t n, int width, size_t line,
                      struct md **lines, struct wrap_cache **wc)
{
	struct grid *g = &m->grids[i];
	layout(g, width);
	size_t row = row_at(g, line);
	if (m->slots == NULL)
		m->slots = xcalloc(GRID_SLOTS, sizeof(*m->slots));
	struct grid_slot *sl = &m->slots[row % GRID_SLOTS];
	/* A row still growing is laid out afresh each time; the others when the layout changed. */
	if (!slot_holds(sl, g, width, row)) {
		size_t wd = width > 1 ? (size_t)width : 1,
		       end = batch_end(m, g, src, n, width, row);
		if (end > row + 1 && draw_batch(m, g, src, n, wd, row, end)) {
			for (size_t k = row; k < end; k++)
				slot_done(&m->slots[k % GRID_SLOTS], g, width, k);
		} else {
			slot_init(sl);
			draw_row(g, src, n, wd, row, &sl->lines->doc);
			slot_done(sl, g, width, row);
		}
		m->layouts++;
	}
	*lines = sl->lines;
	*wc = sl->wc;
	return g->start[row];
}

size_t md_table_layouts(const struct md *m)
{
	return m->layouts;
}
