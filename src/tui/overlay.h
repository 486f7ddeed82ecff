/* overlay.h: the F1 help, F2 model picker and F3 conversation list (overlay.c). */
#ifndef JARVIS_OVERLAY_H
#define JARVIS_OVERLAY_H

#include <stdbool.h>

struct chat;
struct cmd_ctx;

enum overlay_kind { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_MODELS, OVERLAY_CONVS };

struct overlay;

struct overlay *overlay_new(void);
void overlay_free(struct overlay *o);
/* Opens (or with the same kind again, closes) an overlay. */
void overlay_open(struct overlay *o, enum overlay_kind kind, struct chat *ch);
void overlay_close(struct overlay *o);
enum overlay_kind overlay_kind(const struct overlay *o);
/*
 * Handles a key while open; returns true when it was used. Actions go to the
 * chat; a rename asks through ctx (the input line).
 */
bool overlay_key(struct overlay *o, int key, bool is_code, struct chat *ch, struct cmd_ctx *ctx);
/* Draws it over stdscr's area (lines x cols). */
void overlay_draw(struct overlay *o, struct chat *ch, int lines, int cols);

#endif
