/*
 * preview.h: the images of one message as the history pane shows them
 * (preview.c): an image attached to a question, or one the model sent back
 * as an inlineData part, each as a line naming it and, when previews are
 * on, its picture in block characters (jarvis/preview.h) under that line.
 */
#ifndef JARVIS_TUI_PREVIEW_H
#define JARVIS_TUI_PREVIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"

struct pictures;

/* The images of m (none yet: pictures_rows finds them). */
struct pictures *pictures_new(void);
void pictures_free(struct pictures *p);
/*
 * The rows m's images take at this width (the pane's, less the margins),
 * found and drawn again only when the message's images or the width
 * changed. show: previews on ([ui] images); off, one line each.
 */
size_t pictures_rows(struct pictures *p, const struct msg *m, int width, bool show);
/*
 * Draws row r of them at the current line, from column col to width, in a
 * pane of height rows: an image in full view and in pixels (graphics.h)
 * leaves its rows blank and is placed by its top row.
 */
void pictures_draw_row(const struct pictures *p, WINDOW *w, size_t r, int col, int width,
                       int height);

#endif
