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

#include "keycode.h"

/* The table, in the order F1 lists it. */
const struct key_binding *keys_table(size_t *n);
/* Binds the codes curses does not name (keycode.h) to their sequences, after newterm. */
void keys_setup(void);
/* Reads and acts on every key waiting on the terminal (a loop fd callback). */
void keys_read(void *ud, int fd, short revents);

#endif
