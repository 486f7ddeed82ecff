/*
 * graphics.h: images drawn in pixels, over cells curses keeps blank
 * (graphics.c). A frame notes where each image goes while the history is
 * drawn; after doupdate() the image is written there as a raw sequence
 * (kitty graphics protocol or sixel), only when it moved, is new, or the
 * screen under it was repainted, and taken away (kitty: deleted by its id;
 * sixel: its rows repainted by curses) when it moves, scrolls out of full
 * view or the screen clears.
 */
#ifndef JARVIS_TUI_GRAPHICS_H
#define JARVIS_TUI_GRAPHICS_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "jarvis/preview.h"

/* How images are drawn this run: the symbols alone, or pixels too. */
void tui_gfx_set_mode(enum preview_pixels mode);
enum preview_pixels tui_gfx_mode(void);
/* A cell's size in pixels: the terminal's (TIOCGWINSZ), or 10x20 when it does not say. */
void tui_gfx_cell_size(int *w, int *h);
/* Reads the cell size again (after a resize); true when it changed. */
bool tui_gfx_update_cell_size(void);
/* A new image id, never 0. */
uint32_t tui_gfx_new_id(void);

/* A frame begins; allowed false (an overlay is open, the screen too small): no pixels in it. */
void tui_gfx_begin(bool allowed);
/* Whether this frame draws pixels (then the rows of a fully shown image stay blank). */
bool tui_gfx_allowed(void);
/* Image id, drawn as v's pixels, goes at screen row y, column x this frame. */
void tui_gfx_place(int y, int x, uint32_t id, const struct preview *v);
/* Before doupdate(): the rows a sixel leaves are repainted whole by curses. */
void tui_gfx_before_update(void);
/* After doupdate(): writes what changed, then puts the cursor back. */
void tui_gfx_flush(void);
/* Takes every image off the screen (leaving curses, at the end). */
void tui_gfx_clear(void);

#endif
