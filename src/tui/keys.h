/*
 * keys.h: the key table (keys.c). Every key the chat takes is one row
 * {key, name, action, help}: the dispatcher looks keys up in it, F1 lists
 * it, and a unit test checks it against the man page's KEYS section, so a
 * key cannot exist without its help. Panels (F1..F3) see keys first.
 */
#ifndef JARVIS_TUI_KEYS_H
#define JARVIS_TUI_KEYS_H

#include <curses.h>
#include <stddef.h>
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

/* The table, in the order F1 lists it. */
const struct key_binding *keys_table(size_t *n);
/* Binds the sequences above (after newterm). */
void keys_setup(void);
/* After an ESC: Alt-x, a key sent as a sequence, a lone KEY_ESCAPE or KEY_SWALLOWED (escape.c). */
int keys_escape(WINDOW *w);
/* Reads and acts on every key waiting on the terminal (a loop fd callback). */
void keys_read(void *ud, int fd, short revents);

#endif
