/*
 * panels.h: the three panels over the chat, one file each: help.c (F1),
 * modelpick.c (F2) and convlist.c (F3), each a struct panel_ops.
 */
#ifndef JARVIS_TUI_PANELS_H
#define JARVIS_TUI_PANELS_H

#include "panel.h"

struct key_binding;

extern const struct panel_ops help_panel;
extern const struct panel_ops model_panel;
extern const struct panel_ops conv_panel;

/* Gives the open help panel the key table to list (after panel_open). */
void help_set_keys(struct panel *p, const struct key_binding *keys, size_t n);

#endif
