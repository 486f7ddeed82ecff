/*
 * statusline.h: what fits on the status line (core/statusline.c). The
 * status line is a row of items, some on the left, some on the right; when
 * they do not all fit, the least important gives way first: it takes a
 * shorter form, is cut with "…" to a minimum, or is dropped. Each item says
 * how much it matters for shortening and for dropping separately, so the
 * title can be shortened first and still be dropped later than the F1 hint.
 */
#ifndef JARVIS_STATUSLINE_H
#define JARVIS_STATUSLINE_H

#include <stdbool.h>
#include <stddef.h>

#define STATUS_FORMS 3
#define STATUS_KEEP 1000 /* a drop priority: never dropped */

/*
 * The priorities the front end uses, lower gives way first. Shortening and
 * dropping each have their own; a new item picks free numbers between.
 */
enum status_prio {
	PRIO_TITLE_CUT = 10,  /* the title is shortened before anything else */
	PRIO_HELP_DROP = 20,  /* "F1 help" */
	PRIO_STORE_DROP = 30, /* the store's state */
	PRIO_CTX_CUT = 35, /* the context meter ("ctx 41k/1M" → "41k/1M"), before the title goes */
	PRIO_CTX_DROP = 37,
	PRIO_TITLE_DROP = 40,
	PRIO_IMAGES_DROP = 55,
	PRIO_ERROR_CUT = 60, /* an error gives up its long form (it goes to the history) */
	PRIO_HINT_CUT = 62,
	PRIO_MODEL_CUT = 70,
	PRIO_USER_DROP = 72, /* who is logged in (or "guest") stays while others can shrink */
	PRIO_MODEL_DROP = 75,
	PRIO_STREAM_CUT = 85, /* "⠋ streaming 41 tok/s" → "⠋ 41 tok/s" → "⠋" */
	PRIO_QUOTA_CUT = 90,
	PRIO_QUOTA_DROP = 95,
};

struct status_item {
	/* In: */
	const char *form[STATUS_FORMS]; /* longest first; unused ones NULL */
	int cut_min;             /* the last form may be cut to this many columns; 0: never */
	int cut_prio, drop_prio; /* see enum status_prio; drop STATUS_KEEP: never */
	bool right;              /* on the right side, else on the left */
	int tag;                 /* the caller's, untouched */
	/* Out: */
	int shown; /* the form shown, -1 when dropped */
	int width; /* the columns it takes; less than the form's width when cut */
};

/*
 * Lays items[0..n) out on cols columns: " A │ B" on the left, "C │ D " on
 * the right, at least one blank between. An empty form 0 is never shown.
 */
void status_layout(struct status_item *items, size_t n, int cols);

/*
 * How many bytes of s to show in width columns: all of s when it fits, else
 * whole clusters leaving one column for a "…" the caller draws after them.
 */
size_t status_cut_bytes(const char *s, int width);

#endif
