/*
 * escape.h: what follows an ESC on the terminal (escape.c).
 */
#ifndef JARVIS_TUI_ESCAPE_H
#define JARVIS_TUI_ESCAPE_H

#include <curses.h>

/* After an ESC: Alt-x, a key sent as a sequence, a lone KEY_ESCAPE or KEY_SWALLOWED. */
int escape_read(WINDOW *w);
/* A whole CSI's key from its parameter bytes and final byte (KEY_SWALLOWED: none). */
int escape_csi_key(const char *params, int final);

#endif
