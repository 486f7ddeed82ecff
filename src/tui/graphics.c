/*
 * graphics.c: images in pixels over blank cells (see graphics.h).
 *
 * Each frame lists where its images go (tui_gfx_place, from the history's
 * drawing) and is compared with the last frame's list. An image in the
 * same place as before, on a screen curses has not cleared, is left alone:
 * curses keeps its cells blank and never writes over them. Otherwise:
 * kitty: an image the terminal still holds is placed again (a=p moves
 * it), a new one is sent (a=T), and one that is no longer shown is deleted
 * with its data (a=d, d=I); sixel: the rows one leaves are thrown away
 * before doupdate() (wredrawln), so curses paints them whole and the
 * pixels under them go, and every image on a repainted row is drawn again.
 */
#include "graphics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "jarvis/buf.h"
#include "jarvis/kitty.h"
#include "jarvis/util.h"

#define DEFAULT_CELL_W 10
#define DEFAULT_CELL_H 20

struct placed {
	uint32_t id;
	int y, x, cols, rows;
	const struct preview *v; /* this frame's only */
	bool emit;               /* written after this frame's doupdate() */
};

struct frame {
	struct placed *p;
	size_t n, cap;
};

static enum preview_pixels mode = PREVIEW_SYMBOLS;
static int cell_w = DEFAULT_CELL_W, cell_h = DEFAULT_CELL_H;
static uint32_t last_id;
static bool allowed;
static bool cleared; /* curses clears the screen in this frame's doupdate() */
static struct frame cur, shown;

void tui_gfx_set_mode(enum preview_pixels m)
{
	mode = m;
}

enum preview_pixels tui_gfx_mode(void)
{
	return mode;
}

void tui_gfx_cell_size(int *w, int *h)
{
	*w = cell_w;
	*h = cell_h;
}

bool tui_gfx_update_cell_size(void)
{
	struct winsize ws;
	int w = DEFAULT_CELL_W, h = DEFAULT_CELL_H;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0 &&
	    ws.ws_xpixel >= ws.ws_col && ws.ws_ypixel >= ws.ws_row) {
		w = ws.ws_xpixel / ws.ws_col;
		h = ws.ws_ypixel / ws.ws_row;
	}
	bool changed = w != cell_w || h != cell_h;
	cell_w = w;
	cell_h = h;
	return changed;
}

uint32_t tui_gfx_new_id(void)
{
	if (++last_id == 0)
		last_id = 1;
	return last_id;
}

void tui_gfx_begin(bool ok)
{
	cur.n = 0;
	allowed = ok && mode != PREVIEW_SYMBOLS;
}

bool tui_gfx_allowed(void)
{
	return allowed;
}

void tui_gfx_place(int y, int x, uint32_t id, const struct preview *v)
{
	if (!allowed)
		return;
	if (cur.n == cur.cap) {
		cur.cap = cur.cap ? 2 * cur.cap : 8;
		cur.p = xrealloc(cur.p, cur.cap * sizeof *cur.p);
	}
	cur.p[cur.n++] = (struct placed){id, y, x, v->cols, v->rows, v, true};
}

static const struct placed *find(const struct frame *f, uint32_t id)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->p[i].id == id)
			return &f->p[i];
	return NULL;
}

static bool same_place(const struct placed *a, const struct placed *b)
{
	return a != NULL && b != NULL && a->y == b->y && a->x == b->x && a->cols == b->cols &&
	       a->rows == b->rows;
}

void tui_gfx_before_update(void)
{
	cleared = is_cleared(curscr) || is_cleared(newscr);
	for (size_t i = 0; i < cur.n; i++)
		cur.p[i].emit = cleared || !same_place(&cur.p[i], find(&shown, cur.p[i].id));
	if (mode != PREVIEW_SIXEL || cleared)
		return;
	for (size_t i = 0; i < shown.n; i++) {
		const struct placed *was = &shown.p[i];
		if (same_place(was, find(&cur, was->id)))
			continue;
		/* Its pixels stay until something is written over them: curses repaints its rows.
		 */
		wredrawln(stdscr, was->y, was->rows);
		for (size_t k = 0; k < cur.n; k++)
			if (cur.p[k].y < was->y + was->rows && was->y < cur.p[k].y + cur.p[k].rows)
				cur.p[k].emit = true;
	}
}

static void write_all(const struct buf *out)
{
	for (size_t done = 0; done < out->len;) {
		ssize_t w = write(STDOUT_FILENO, out->data + done, out->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
}

void tui_gfx_flush(void)
{
	if (cur.n == 0 && shown.n == 0)
		return;
	struct buf out;
	buf_init(&out, BUF_TEXT_MAX);
	if (mode == PREVIEW_KITTY)
		for (size_t i = 0; i < shown.n; i++)
			if (find(&cur, shown.p[i].id) == NULL)
				kitty_delete(&out, shown.p[i].id);
	for (size_t i = 0; i < cur.n; i++) {
		const struct placed *c = &cur.p[i];
		if (!c->emit)
			continue;
		buf_addf(&out, "\033[%d;%dH", c->y + 1, c->x + 1);
		if (mode == PREVIEW_SIXEL)
			buf_add(&out, c->v->sixel, c->v->sixel_len);
		else if (!cleared && find(&shown, c->id) != NULL)
			kitty_place(&out, c->id, c->cols, c->rows);
		else
			kitty_transmit(&out, c->id, c->v->rgba, c->v->px_w, c->v->px_h, c->cols,
			               c->rows);
	}
	if (out.len > 0) {
		int cy = -1, cx = -1;
		getsyx(cy, cx);
		if (cy >= 0)
			buf_addf(&out, "\033[%d;%dH", cy + 1, cx + 1);
		write_all(&out);
	}
	buf_release(&out);
	/* What the terminal shows now. */
	if (shown.cap < cur.n) {
		shown.cap = cur.cap;
		shown.p = xrealloc(shown.p, shown.cap * sizeof *shown.p);
	}
	for (size_t i = 0; i < cur.n; i++) {
		shown.p[i] = cur.p[i];
		shown.p[i].v = NULL;
	}
	shown.n = cur.n;
	cur.n = 0;
}

void tui_gfx_clear(void)
{
	if (mode == PREVIEW_KITTY && shown.n > 0) {
		struct buf out;
		buf_init(&out, BUF_LINE_MAX);
		for (size_t i = 0; i < shown.n; i++)
			kitty_delete(&out, shown.p[i].id);
		write_all(&out);
		buf_release(&out);
	}
	shown.n = 0;
	cur.n = 0;
}
