/*
 * tui.h: the interactive chat on a terminal (ncursesw).
 */
#ifndef JARVIS_TUI_H
#define JARVIS_TUI_H

struct config;

/* Runs the chat until the user quits or a signal ends it; returns the exit status. */
int tui_run(const struct config *cfg, const char *conv_id);

#endif
