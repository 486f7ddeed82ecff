/*
 * tui.h: private interface between the files of the terminal front end
 * (src/tui/). Only these files include curses.
 */
#ifndef JARVIS_TUI_PRIVATE_H
#define JARVIS_TUI_PRIVATE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"

struct chat;

/* Colour pairs; with colour off every pair is the terminal's default. */
enum tui_pair {
	PAIR_USER = 1,
	PAIR_MODEL,
	PAIR_NOTICE,
	PAIR_CODE,
	PAIR_HEADING,
	PAIR_LINK,
	PAIR_STATUS,
	PAIR_ERROR,
	PAIR_WARN,
	PAIR_SELECT,
	PAIR_DIM,
};

/* Attributes for a colour pair, or A_NORMAL-ish when colour is off. */
attr_t tui_pair_attr(enum tui_pair p);

/* ---- the history pane (history.c) ---- */
struct hist;
struct hist *hist_new(bool markdown);
void hist_free(struct hist *h);
/*
 * Matches the caches to the conversation's messages (call before drawing);
 * a new epoch (chat_epoch) drops them all.
 */
void hist_sync(struct hist *h, const struct conv *c, unsigned epoch);
/* Draws the visible rows into w (height x width). */
void hist_draw(struct hist *h, WINDOW *w, const struct conv *c, int height, int width);
/* Scrolls by rows (negative: up, towards older messages). */
void hist_scroll(struct hist *h, const struct conv *c, int rows, int height, int width);
/* Back to following the newest line. */
void hist_follow(struct hist *h);
/* Scrolls to the first row. */
void hist_top(struct hist *h);
/* True when the view starts at the first row of the first message. */
bool hist_at_top(const struct hist *h);
/* Keeps the view on the same message after n messages were put in front. */
void hist_shift(struct hist *h, size_t n);
/* True while the view follows the newest line. */
bool hist_following(const struct hist *h);
/* Rows below the view (when not following), from the last draw. */
size_t hist_below(const struct hist *h);

/* Draws one UTF-8 string at most width columns wide with attributes; returns columns used. */
int tui_put(WINDOW *w, const char *s, size_t n, int width, attr_t attr);

#endif
