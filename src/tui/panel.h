/*
 * panel.h: a list drawn in a box over the chat (F1 help, F2 model picker,
 * F3 conversation browser). panel.c owns what they share: the box, the
 * selection and scrolling (Up, Down, PgUp, PgDn, Home, End), the filter
 * and Esc. Each panel is one file that fills in struct panel_ops, as
 * htop's Panel and tmux's overlay callbacks do; panel.c never names one.
 */
#ifndef JARVIS_TUI_PANEL_H
#define JARVIS_TUI_PANEL_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "jarvis/buf.h"

struct chat;
struct cmd_ctx;

/* How typing reaches the filter. */
enum panel_filter {
	FILTER_NONE,   /* no filter (help) */
	FILTER_TYPING, /* every printable key filters (models) */
	FILTER_SLASH,  /* '/' starts it, Enter ends it; other keys are commands (conversations) */
};

/* What a panel's key callback did with a key. */
enum panel_key {
	PANEL_UNUSED, /* not the panel's: the shared keys (filter) may take it */
	PANEL_KEPT,   /* used; the panel stays open */
	PANEL_CLOSE,  /* used; the panel closes */
};

struct panel;

struct panel_ops {
	const char *title; /* on the top border */
	enum panel_filter filter;
	bool select; /* a selected row (Enter acts on it); false: Up/Down only scroll */
	/* Called on opening: load, choose the first selection (panel_select). */
	void (*open)(struct panel *p, struct chat *ch);
	/* How many rows there are at this width (before the filter). */
	size_t (*rows)(struct panel *p, struct chat *ch, int width);
	/* Row i as text (new string); *current marks the one in use (●). */
	char *(*draw)(struct panel *p, struct chat *ch, size_t i, bool *current);
	/* Whether row i passes the filter text f; NULL: every row. */
	bool (*match)(struct panel *p, struct chat *ch, size_t i, const char *f);
	/*
	 * A key, before the shared navigation (which takes it when this returns
	 * PANEL_UNUSED); Enter arrives as '\r'. row: the selected row or SIZE_MAX.
	 */
	enum panel_key (*key)(struct panel *p, int key, bool is_code, size_t row, struct chat *ch,
	                      struct cmd_ctx *ctx);
	/* The bottom line instead of the default (new string), or NULL. */
	char *(*hint)(struct panel *p, struct chat *ch);
	/* The bottom line for selected row i, when no hint and no filter take it (new string),
	 * or NULL: the default. */
	char *(*note)(struct panel *p, struct chat *ch, size_t i);
	/* What an empty list says (no filter); NULL: "nothing here". */
	const char *(*empty)(struct panel *p, struct chat *ch);
	/* Frees what the panel keeps in p->data. */
	void (*free)(struct panel *p);
};

struct panel {
	const struct panel_ops *ops;
	void *data; /* the panel's own state */
	size_t sel; /* position among the rows that pass the filter */
	size_t top; /* first of them shown */
	int body;   /* rows shown at the last draw (a page) */
	int width;  /* columns for a row's text at the last draw */
	struct buf filter;
	bool filtering;
};

struct panel *panel_new(void);
void panel_free(struct panel *p);
/* Opens a panel with these ops (the same ones again: closes it). */
void panel_open(struct panel *p, const struct panel_ops *ops, struct chat *ch);
void panel_close(struct panel *p);
bool panel_is_open(const struct panel *p);
/* Whether the open panel is this one. */
bool panel_shows(const struct panel *p, const struct panel_ops *ops);
/* Makes row i (of all rows, before the filter) the selection. */
void panel_select(struct panel *p, size_t i);
/* Handles a key while open; returns false when it is not the panel's (F-keys). */
bool panel_key(struct panel *p, int key, bool is_code, struct chat *ch, struct cmd_ctx *ctx);
/* Draws the open panel in a box above row `above` (the status line) of lines x cols. */
void panel_draw(struct panel *p, struct chat *ch, int lines, int above, int cols);

#endif
