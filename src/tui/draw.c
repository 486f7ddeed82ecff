/*
 * draw.c: colour pairs and width-aware text output for the terminal front
 * end. Widths come from the UTF-8 helpers (grapheme clusters), so a wide
 * or joined character is never split and never overruns its room.
 */
#include "draw.h"

#include <string.h>

#include "jarvis/utf8.h"

static bool colors_on;

bool tui_colors_start(bool wanted)
{
	colors_on = wanted && has_colors();
	if (!colors_on)
		return false;
	start_color();
	use_default_colors();
	init_pair(PAIR_USER, COLOR_GREEN, -1);
	init_pair(PAIR_MODEL, COLOR_CYAN, -1);
	init_pair(PAIR_NOTICE, COLOR_YELLOW, -1);
	init_pair(PAIR_CODE, COLOR_MAGENTA, -1);
	init_pair(PAIR_HEADING, COLOR_BLUE, -1);
	init_pair(PAIR_LINK, COLOR_BLUE, -1);
	init_pair(PAIR_STATUS, -1, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_SELECT, -1, -1);
	init_pair(PAIR_DIM, -1, -1);
	return true;
}

attr_t tui_pair_attr(enum tui_pair p)
{
	return has_colors() ? COLOR_PAIR(p) : A_NORMAL;
}

int tui_put(WINDOW *w, const char *s, size_t n, int width, attr_t attr)
{
	int used = 0;
	size_t off = 0;
	wattr_on(w, attr, NULL);
	while (off < n && used < width) {
		size_t next = utf8_cluster_next(s, n, off);
		int cw = utf8_cluster_width(s, n, off, next);
		if (used + cw > width)
			break;
		waddnstr(w, s + off, (int)(next - off));
		used += cw;
		off = next;
	}
	wattr_off(w, attr, NULL);
	return used;
}

int tui_put_at(WINDOW *w, int y, int x, int width, const char *s, attr_t attr)
{
	wmove(w, y, x);
	return tui_put(w, s, strlen(s), width, attr);
}

void tui_fill(WINDOW *w, int n, attr_t attr)
{
	wattr_on(w, attr, NULL);
	for (int i = 0; i < n; i++)
		waddch(w, ' ');
	wattr_off(w, attr, NULL);
}

int tui_put_tail(WINDOW *w, int y, int end, int room, const char *s, attr_t attr)
{
	size_t len = strlen(s);
	int sw = (int)utf8_width(s, len);
	if (room < 1)
		return end;
	if (sw <= room) {
		tui_put_at(w, y, end - sw, sw, s, attr);
		return end - sw;
	}
	if (room < 2)
		return end;
	size_t from = 0;
	while (from < len && sw > room - 1) {
		size_t next = utf8_cluster_next(s, len, from);
		sw -= utf8_cluster_width(s, len, from, next);
		from = next;
	}
	tui_put_at(w, y, end - sw - 1, 1, "…", attr);
	tui_put(w, s + from, len - from, sw, attr);
	return end - sw - 1;
}
