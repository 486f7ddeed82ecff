/*
 * statusline.h: what fits on the status line (core/statusline.c). The
 * status line is a row of items, some on the left, some on the right; when
 * they do not all fit, the least important gives way first: it takes a
 * shorter form, is cut with "…" to a minimum, or is dropped: an item that
 * cannot show its minimum form is dropped, never cut further, and the space
 * it frees goes back to the items that matter more. Each item says
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
	PRIO_CTX_DROP = 37,   /* the context meter, whole ("ctx 41k/1M") or not at all */
	PRIO_TITLE_DROP = 40,
	PRIO_IMAGES_DROP = 55,
	PRIO_ERROR_CUT = 60, /* an error gives up its long form (it goes to the history) */
	PRIO_HINT_DROP = 58, /* a notice shown whole or not at all (then it is in the history) */
	PRIO_MODEL_CUT = 70,
	/* "⠋ streaming 41 tok/s" → "⠋ 41 tok/s" → "⠋" (a retry: "⠇ retry in 6 s (try 2 of 3)"
	 * → "⠇ retry in 6 s" → "⠇ 6 s"): the wording goes before the user does. */
	PRIO_STREAM_CUT = 71,
	PRIO_USER_DROP = 72, /* who is logged in (or "guest") stays while others can shrink */
	PRIO_MODEL_DROP = 75,

	PRIO_QUOTA_CUT = 90,
	PRIO_QUOTA_DROP = 95,
	/* A hint that lasts a moment ("press Ctrl-C again to quit"): the rest makes room. */
	PRIO_BRIEF_HINT_DROP = 96,
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
 * After the least important items gave way, the most important take back
 * their longer forms (by cut_prio, highest first) while they fit.
 */
void status_layout(struct status_item *items, size_t n, int cols);

/*
 * How many bytes of s to show in width columns: all of s when it fits, else
 * whole clusters leaving one column for a "…" the caller draws after them.
 */
size_t status_cut_bytes(const char *s, int width);

#endif
