/*
 * draw.h: the drawing primitives every part of the terminal front end uses
 * (draw.c): colour pairs and width-aware output of UTF-8 text. draw.c is a
 * leaf: it calls curses and the UTF-8 helpers, never another src/tui file.
 */
#ifndef JARVIS_TUI_DRAW_H
#define JARVIS_TUI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

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
	PAIR_SYNTAX, /* the first of a code block's token classes, SYN_KEYWORD's */
};

/* Sets up the colour pairs (after initscr); returns false when colour stays off. */
bool tui_colors_start(bool wanted);
/* Attributes for a colour pair, or A_NORMAL when colour is off. */
attr_t tui_pair_attr(enum tui_pair p);
/* The colours an image may use: 256, 16 or 8; 0 when colour is off. */
int tui_palette(void);
/*
 * Draws one image cell: a one-column symbol in palette colours fg on bg
 * (-1: the default), through a colour pair of its own, made on first use.
 * When the terminal has no pairs left for a new one, the cell gets the
 * default colours; tui_image_pairs_frame() starts over before a frame when
 * few are left, so that every cell of a frame has its own.
 */
void tui_put_cell(WINDOW *w, const char *text, short fg, short bg);
/* Call before drawing a frame that may hold image cells. */
void tui_image_pairs_frame(void);
/*
 * Attributes for a code token of class cls (enum syn_class, syntax.h): a
 * colour of its own; bold or dim on a terminal without colours; 0 (draw
 * it as the rest of the code) for plain text, and for every class when
 * colour is turned off (NO_COLOR, [ui] color = off).
 */
attr_t tui_syntax_attr(unsigned cls);
/*
 * Draws one cluster of UTF-8 s[0..n) so that curses advances cw columns,
 * its width on this terminal (utf8_cluster_width). A cluster the terminal
 * draws other than curses would (a joined ZWJ sequence) gets a placeholder
 * now and is written over it by tui_joined_flush().
 */
void tui_put_cluster(WINDOW *w, const char *s, size_t n, int cw);
/* Forgets the placeholders of the last frame: call before drawing one. */
void tui_joined_reset(void);
/* Writes the clusters over their placeholders: call right after doupdate(). */
void tui_joined_flush(void);
/*
 * What curses cannot draw: strikethrough (SGR 9) and OSC 8 hyperlinks.
 * tui_put_decorated draws s as tui_put does and notes the run, which
 * tui_joined_flush() writes again over its cells with the decoration,
 * wherever the screen still shows it. strike false and url NULL: tui_put.
 */
int tui_put_decorated(WINDOW *w, const char *s, size_t n, int width, attr_t attr, bool strike,
                      const char *url);
/*
 * Draws the first n bytes of UTF-8 s at the cursor, whole clusters only,
 * at most width columns, with attr; returns the columns used.
 */
int tui_put(WINDOW *w, const char *s, size_t n, int width, attr_t attr);
/* tui_put of a C string at row y, column x. */
int tui_put_at(WINDOW *w, int y, int x, int width, const char *s, attr_t attr);
/* Writes n blanks at the cursor with attr (a bar, a selected row). */
void tui_fill(WINDOW *w, int n, attr_t attr);
/*
 * Draws the end of s right-aligned so that it ends at column end of row y:
 * when s is wider than room, its start is cut and shown as "…" (the end of
 * an error says what happens next). Returns the column it starts at.
 */
int tui_put_tail(WINDOW *w, int y, int end, int room, const char *s, attr_t attr);

#endif
