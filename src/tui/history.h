/*
 * history.h: the history pane of the terminal front end (history.c): the
 * conversation's messages wrapped, styled and scrolled.
 */
#ifndef JARVIS_TUI_HISTORY_H
#define JARVIS_TUI_HISTORY_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"

struct hist;
struct hist *hist_new(bool markdown);
/* What the terminal can draw: OSC 8 hyperlinks, strikethrough. Before the first sync. */
void hist_set_terminal(struct hist *h, bool hyperlinks, bool strike);
/* Images previewed under their messages (on) or only named, one line each. */
void hist_show_images(struct hist *h, bool on);
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
/*
 * Code lines are never wrapped: one cut at the pane's edge is scrolled
 * sideways by half a pane (dir > 0: right, to its end; dir < 0: back),
 * as far as the widest code line of the last draw needs; all code lines
 * move together. False when nothing moved.
 */
bool hist_hscroll(struct hist *h, int dir, int width);
/* Columns the code lines are scrolled by (0: from their start). */
int hist_hscrolled(const struct hist *h);
/* Thought summaries in full above each answer (open) or as one folded line. */
void hist_show_thoughts(struct hist *h, bool open);
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

#endif
