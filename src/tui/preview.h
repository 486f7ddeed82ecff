/*
 * preview.h: the images of one message as the history pane shows them
 * (preview.c): an image attached to a question, or one the model sent back
 * as an inlineData part, each as a line naming it and, when previews are
 * on, its picture in block characters (jarvis/preview.h) under that line.
 * The history pane (history.c) puts an image the model sent in place of
 * the note the answer's text has for it, the others after the text.
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
/* How many images m has (as pictures_rows last found them). */
size_t pictures_count(const struct pictures *p);
/* The type of image i when the model sent it (an inlineData part); NULL for an attachment. */
const char *pictures_model_mime(const struct pictures *p, size_t i);
/* The rows image i takes as pictures_rows last laid it out: its line, and its picture. */
size_t pictures_rows_of(const struct pictures *p, size_t i);
/*
 * Draws row r of image i at the current line, from column col to width, in
 * a pane of height rows: an image in full view and in pixels (graphics.h)
 * leaves its rows blank and is placed by its top row.
 */
void pictures_draw_row(const struct pictures *p, size_t i, WINDOW *w, size_t r, int col, int width,
                       int height);

#endif
