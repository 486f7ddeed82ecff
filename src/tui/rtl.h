/*
 * rtl.h: drawing the wrapped rows of right-to-left paragraphs in visual
 * order and right-aligned (rtl.c), for terminals without a bidi engine.
 */
#ifndef JARVIS_TUI_RTL_H
#define JARVIS_TUI_RTL_H

#include <curses.h>
#include <stdbool.h>

#include "jarvis/bidi.h"
#include "jarvis/wrap.h"

/* Decides once, at start-up, whether rows are reordered ([ui] bidi). */
void tui_rtl_setup(enum bidi_mode mode);

/*
 * Draws row (its pieces over text[0..n)) on the current line of w, columns
 * 1 to width - 1, when it belongs to a right-to-left paragraph and
 * reordering is on; returns false, having drawn nothing, otherwise (the
 * caller draws it in logical order). attr_of gives a piece's attributes.
 */
bool tui_rtl_row(WINDOW *w, const char *text, size_t n, const struct wrap_row *row,
                 const struct wrap_piece *pieces, int width,
                 attr_t (*attr_of)(const struct wrap_piece *p, void *ud), void *ud);

#endif
