/*
 * keycode.h: how a key is one int (a character, a curses code, Alt with a
 * character, or a code curses does not name) and a row of the key table.
 * A leaf: escape.c turns sequences into these codes and keys.c binds them
 * to actions, without either including the other's header.
 */
#ifndef JARVIS_TUI_KEYCODE_H
#define JARVIS_TUI_KEYCODE_H

#include <curses.h>
#include <sys/ttydefaults.h> /* CTRL('K') is 11 */

/* A key is a character, a curses code (CODE(KEY_UP)) or Alt with a character. */
#define KEY_IS_CODE 0x1000000
#define KEY_IS_ALT 0x2000000
#define CODE(k) (KEY_IS_CODE | (k))
#define ALT(c) (KEY_IS_ALT | (c))
#define KEY_ESCAPE 27
#define KEY_DEL_CHAR 127 /* what most terminals send for Backspace */

/* Codes curses does not name: keys_setup() binds them to their sequences. */
enum {
	KEY_PASTE_BEGIN = KEY_MAX + 1, /* bracketed paste: ESC[200~ */
	KEY_PASTE_END,                 /* ESC[201~ */
	KEY_CTRL_LEFT,                 /* ESC[1;5D (and Alt-Left, ESC[1;3D) */
	KEY_CTRL_RIGHT,                /* ESC[1;5C */
	KEY_SHIFT_ENTER,               /* CSI-u ESC[13;2u, modifyOtherKeys ESC[27;2;13~ */
	KEY_CTRL_ENTER,                /* ESC[13;5u, ESC[27;5;13~ */
	KEY_SIXEL_ANSWER,              /* not a key: a DA1 answer ESC[?...;4;...c (sixel) */
};

struct tui;

struct key_binding {
	int key;
	const char *name; /* as the man page's KEYS section spells it: "Ctrl-K" */
	void (*action)(struct tui *t);
	const char *help; /* F1's line; keys in a row with the same help share it */
};

/* What read_escape() gives for a sequence it swallows (a focus event, an unknown key). */
#define KEY_SWALLOWED (-1)

#endif
