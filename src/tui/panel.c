/*
 * panel.c: what the F1, F2 and F3 panels share (see panel.h): the box,
 * the selection and scrolling, the filter, Esc. The rows are the panel's:
 * this file asks for them through its ops and keeps only positions.
 */
#include "panel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"
#include "jarvis/util.h"

#include "draw.h"

#define KEY_ESC 27

struct panel *panel_new(void)
{
	struct panel *p = xcalloc(1, sizeof(*p));
	buf_init(&p->filter, 256);
	return p;
}

void panel_close(struct panel *p)
{
	if (p->ops != NULL && p->ops->free != NULL)
		p->ops->free(p);
	p->ops = NULL;
	p->data = NULL;
	p->filtering = false;
	buf_reset(&p->filter);
}

void panel_free(struct panel *p)
{
	if (p == NULL)
		return;
	panel_close(p);
	buf_release(&p->filter);
	free(p);
}

void panel_open(struct panel *p, const struct panel_ops *ops, struct chat *ch)
{
	bool same = p->ops == ops;
	panel_close(p);
	if (same)
		return;
	p->ops = ops;
	p->sel = 0;
	p->top = 0;
	if (p->width <= 0)
		p->width = 60; /* until the first draw says how wide it is */
	if (ops->open != NULL)
		ops->open(p, ch);
}

bool panel_is_open(const struct panel *p)
{
	return p->ops != NULL;
}

bool panel_shows(const struct panel *p, const struct panel_ops *ops)
{
	return p->ops == ops;
}

void panel_select(struct panel *p, size_t i)
{
	p->sel = i; /* on opening the filter is empty: positions are rows */
}

/* The rows that pass the filter, as a new array of row numbers; *n their count. */
static size_t *visible(struct panel *p, struct chat *ch, size_t *n)
{
	size_t all = p->ops->rows(p, ch, p->width);
	size_t *idx = xmalloc((all ? all : 1) * sizeof(*idx));
	*n = 0;
	for (size_t i = 0; i < all; i++)
		if (p->filter.len == 0 || p->ops->match == NULL ||
		    p->ops->match(p, ch, i, p->filter.data))
			idx[(*n)++] = i;
	return idx;
}

/* The largest useful top: the last page ends at the last row. */
static size_t last_top(const struct panel *p, size_t n)
{
	size_t page = p->body > 0 ? (size_t)p->body : 1;
	return n > page ? n - page : 0;
}

/* Up, Down, PgUp, PgDn, Home, End: the selection, or the view when there is none. */
static bool navigate(struct panel *p, int key, size_t n)
{
	size_t page = p->body > 1 ? (size_t)p->body - 1 : 1;
	size_t *pos = p->ops->select ? &p->sel : &p->top;
	size_t end = p->ops->select ? (n ? n - 1 : 0) : last_top(p, n);
	switch (key) {
	case KEY_UP:
		*pos = *pos > 0 ? *pos - 1 : 0;
		return true;
	case KEY_DOWN:
		*pos = *pos < end ? *pos + 1 : end;
		return true;
	case KEY_PPAGE:
		*pos = *pos > page ? *pos - page : 0;
		return true;
	case KEY_NPAGE:
		*pos = *pos + page < end ? *pos + page : end;
		return true;
	case KEY_HOME:
		*pos = 0;
		return true;
	case KEY_END:
		*pos = end;
		return true;
	default:
		return false;
	}
}

static void filter_back(struct panel *p)
{
	if (p->filter.len == 0)
		return;
	size_t prev = utf8_cluster_prev(p->filter.data, p->filter.len, p->filter.len);
	buf_truncate(&p->filter, prev);
	p->sel = 0;
	p->top = 0;
}

/* The filter's keys; returns true when the key was one. */
static bool filter_key(struct panel *p, int key, bool is_code)
{
	enum panel_filter f = p->ops->filter;
	if (f == FILTER_NONE)
		return false;
	bool back = (is_code && key == KEY_BACKSPACE) || (!is_code && (key == 127 || key == 8));
	if (back) {
		filter_back(p);
		return true;
	}
	if (is_code || key < 32)
		return false;
	if (f == FILTER_SLASH && !p->filtering) {
		if (key != '/')
			return false;
		p->filtering = true;
		return true;
	}
	char utf[4];
	size_t len = utf8_encode((uint32_t)key, utf);
	buf_add(&p->filter, utf, len);
	p->sel = 0;
	p->top = 0;
	return true;
}

bool panel_key(struct panel *p, int key, bool is_code, struct chat *ch, struct cmd_ctx *ctx)
{
	if (p->ops == NULL)
		return false;
	if (!is_code && key == KEY_ESC && (p->filter.len > 0 || p->filtering)) {
		buf_reset(&p->filter);
		p->filtering = false;
		return true;
	}
	bool enter = (!is_code && (key == '\r' || key == '\n')) || (is_code && key == KEY_ENTER);
	if (enter && p->filtering) {
		/* As in less: Enter ends the pattern; the keys act on what is left. */
		p->filtering = false;
		return true;
	}
	size_t n;
	size_t *idx = visible(p, ch, &n);
	bool used = false;
	if (!p->filtering && p->ops->key != NULL) {
		size_t row = p->ops->select && p->sel < n ? idx[p->sel] : SIZE_MAX;
		enum panel_key r =
		    p->ops->key(p, enter ? '\r' : key, enter ? false : is_code, row, ch, ctx);
		used = r != PANEL_UNUSED;
		if (r == PANEL_CLOSE)
			panel_close(p);
	}
	if (!used && p->ops != NULL && is_code)
		used = navigate(p, key, n);
	free(idx);
	if (!used && p->ops != NULL)
		used = filter_key(p, key, is_code);
	if (!used && !is_code && key == KEY_ESC) {
		panel_close(p);
		used = true;
	}
	/* Keys for the chat (F1..F3, resize) go back; others stop here. */
	return used || !is_code;
}

static char *default_hint(struct panel *p, size_t n)
{
	if (p->filter.len > 0 || p->filtering)
		return xasprintf("filter: %s", p->filter.data);
	size_t page = p->body > 0 ? (size_t)p->body : 1;
	if (n <= page)
		return xstrdup("Esc closes");
	size_t last = p->top + page < n ? p->top + page : n;
	return xasprintf("%zu-%zu of %zu · PgUp PgDn Home End · Esc closes", p->top + 1, last, n);
}

static void draw_rows(struct panel *p, struct chat *ch, WINDOW *win, int w, const size_t *idx,
                      size_t n)
{
	for (int y = 0; y < p->body && p->top + (size_t)y < n; y++) {
		size_t i = p->top + (size_t)y;
		bool current = false;
		char *text = p->ops->draw(p, ch, idx[i], &current);
		attr_t a = A_NORMAL;
		if (p->ops->select && i == p->sel) {
			a = A_REVERSE | tui_pair_attr(PAIR_SELECT);
			wmove(win, 1 + y, 1);
			tui_fill(win, w - 2, a);
		}
		tui_put_at(win, 1 + y, 2, w - 4, text, a);
		free(text);
	}
}

/*
 * "↑ N more (PgUp)" on the top border and "↓ N more (PgDn)" on the bottom one
 * while rows are out of view, as the history pane says it; only when the
 * marker fits whole beside the title.
 */
static void draw_more(const struct panel *p, WINDOW *win, int h, int w, size_t n)
{
	size_t page = p->body > 0 ? (size_t)p->body : 1;
	size_t below = p->top + page < n ? n - p->top - page : 0;
	int room = w - 4 - (int)utf8_strwidth(p->ops->title) - 1;
	char *up = p->top > 0 ? xasprintf(" ↑ %zu more (PgUp) ", p->top) : NULL;
	char *down = below > 0 ? xasprintf(" ↓ %zu more (PgDn) ", below) : NULL;
	if (up != NULL && (int)utf8_strwidth(up) <= room)
		tui_put_tail(win, 0, w - 2, room, up, A_BOLD);
	if (down != NULL && (int)utf8_strwidth(down) <= w - 4)
		tui_put_tail(win, h - 1, w - 2, w - 4, down, A_BOLD);
	free(up);
	free(down);
}

void panel_draw(struct panel *p, struct chat *ch, int lines, int above, int cols)
{
	if (p->ops == NULL)
		return;
	/*
	 * A margin round the box when there is room; a small terminal gets it all.
	 * The box stays above the status line, however tall the input has grown,
	 * so the status line and the prompt are never half covered; when that
	 * leaves too little, it covers the whole screen instead.
	 */
	int m = lines >= 24 && cols >= 80 ? 2 : 0;
	int h = above - m, y = m / 2;
	if (h < 4) {
		m = 0;
		h = lines;
		y = 0;
	}
	int w = cols - 2 * m;
	if (h < 4 || w < 10)
		return;
	WINDOW *win = newwin(h, w, y, m);
	if (win == NULL)
		return;
	werase(win);
	box(win, 0, 0);
	tui_put_at(win, 0, 2, w - 4, p->ops->title, A_BOLD);
	p->width = w - 4;
	p->body = h - 3; /* rows between the borders, minus the hint line */
	size_t n;
	size_t *idx = visible(p, ch, &n);
	if (p->sel >= n)
		p->sel = n ? n - 1 : 0;
	if (p->ops->select) {
		if (p->sel < p->top)
			p->top = p->sel;
		if (p->sel >= p->top + (size_t)p->body)
			p->top = p->sel - (size_t)p->body + 1;
	}
	if (p->top > last_top(p, n))
		p->top = last_top(p, n);
	if (n == 0) {
		const char *empty = p->filter.len > 0 ? "nothing matches"
		                    : p->ops->empty   ? p->ops->empty(p, ch)
		                                      : "nothing here";
		tui_put_at(win, 1, 2, w - 4, empty, A_DIM);
	}
	draw_rows(p, ch, win, w, idx, n);
	draw_more(p, win, h, w, n);
	char *hint = p->ops->hint ? p->ops->hint(p, ch) : NULL;
	bool own = hint != NULL;
	/* Unfiltered, the selected row may say more of itself there (F3: a fork's link). */
	if (hint == NULL && p->ops->note != NULL && p->ops->select && n > 0 && p->filter.len == 0 &&
	    !p->filtering)
		hint = p->ops->note(p, ch, idx[p->sel]);
	if (hint == NULL)
		hint = default_hint(p, n);
	tui_put_at(win, h - 2, 2, w - 4, hint, own ? A_BOLD | tui_pair_attr(PAIR_ERROR) : A_DIM);
	free(hint);
	free(idx);
	wnoutrefresh(win);
	delwin(win);
}
