/*
 * kitty.h: the kitty terminal graphics protocol's commands, as bytes
 * (kitty.c). An image goes to the terminal as its RGBA pixels in base64,
 * in APC strings (ESC _ G keys ; payload ESC \) of at most 4096 payload
 * bytes each, under an id of ours so that it can be taken away again.
 * Every command asks for no reply (q=2): a reply would arrive as input.
 * Pure: the caller writes the bytes where the image belongs.
 */
#ifndef JARVIS_KITTY_H
#define JARVIS_KITTY_H

#include <stdint.h>

#include "jarvis/buf.h"

/* The most base64 bytes in one APC string (the protocol's limit). */
#define KITTY_CHUNK 4096

/*
 * Appends the commands that send a w x h RGBA image (4 bytes a pixel, row
 * by row) as image id and show it at the cursor over cols x rows cells,
 * scaled to them, the cursor left where it is (a=T, f=32, C=1).
 */
void kitty_transmit(struct buf *out, uint32_t id, const unsigned char *rgba, int w, int h, int cols,
                    int rows);
/* Appends the command that shows image id, already sent, at the cursor over cols x rows cells
 * (again: it replaces where it was shown before). */
void kitty_place(struct buf *out, uint32_t id, int cols, int rows);
/* Appends the command that removes image id from the screen and the terminal's memory. */
void kitty_delete(struct buf *out, uint32_t id);

#endif
