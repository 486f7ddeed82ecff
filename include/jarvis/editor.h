/*
 * editor.h: the multi-line UTF-8 input buffer behind the input pane, and the
 * recall list (the input history, recall_*; not the history pane of
 * tui/history.c, which shows the conversation). Pure data: keys are turned
 * into these calls by the TUI; nothing here reads keys or draws. The cursor
 * is a byte offset that always sits on a cluster boundary (utf8.h), so it
 * moves by what is seen: over a CJK character, a combining mark with its
 * base, a whole emoji ZWJ sequence.
 */
#ifndef JARVIS_EDITOR_H
#define JARVIS_EDITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/wrap.h"

struct editor;

/* A new empty editor. */
struct editor *editor_new(void);
/* Frees the editor; NULL is a no-op. */
void editor_free(struct editor *e);

/*
 * Inserts text at the cursor and moves the cursor past it. Pasted text is
 * welcome: "\r\n" and lone "\r" become "\n", invalid UTF-8 and other
 * control characters are sanitised (utf8_sanitize) and tabs become spaces.
 */
void editor_insert(struct editor *e, const char *s, size_t n);
/* Inserts a C string. */
void editor_insert_str(struct editor *e, const char *s);
/* Inserts a line break (Alt-Enter, Ctrl-J). */
void editor_newline(struct editor *e);
/* Deletes the cluster before the cursor (Backspace); false at the start. */
bool editor_delete_back(struct editor *e);
/* Deletes the cluster after the cursor (Delete, Ctrl-D); false at the end. */
bool editor_delete_forward(struct editor *e);

/* Moves one cluster left (Left, Ctrl-B); false at the start. */
bool editor_left(struct editor *e);
/* Moves one cluster right (Right, Ctrl-F); false at the end. */
bool editor_right(struct editor *e);
/* Moves to the start of the previous word (Alt-B). */
void editor_word_left(struct editor *e);
/* Moves to the end of the next word (Alt-F). */
void editor_word_right(struct editor *e);
/* Moves to the start of the current line (Home, Ctrl-A). */
void editor_home(struct editor *e);
/* Moves to the end of the current line (End, Ctrl-E). */
void editor_end(struct editor *e);
/*
 * Moves to the row above / below in the layout at width columns, keeping
 * the display column (the first of a run of up/down moves sets it). Returns
 * false, without moving, on the first / last row: the TUI then recalls
 * history instead.
 */
bool editor_up(struct editor *e, int width);
bool editor_down(struct editor *e, int width);

/*
 * Kills (cuts into the kill buffer): to the end of the line, or the line
 * break when already there (Ctrl-K); to the start of the line, or the line
 * break before it when already there (Ctrl-U); the word before the cursor
 * with the spaces after it (Ctrl-W). Consecutive kills add to one kill.
 */
void editor_kill_eol(struct editor *e);
void editor_kill_bol(struct editor *e);
void editor_kill_word_back(struct editor *e);
/* Kills back to where Alt-B moves (Alt-Backspace), or on to where Alt-F moves (Alt-D):
 * words of letters and digits, unlike Ctrl-W's run of non-blanks. */
void editor_kill_prev_word(struct editor *e);
void editor_kill_next_word(struct editor *e);
/* The most Ctrl-Y grows the text to: the default [limits] max_message_bytes. */
#define EDITOR_YANK_MAX ((size_t)12 << 20)
/* Inserts the last kill at the cursor (Ctrl-Y); false, changing nothing, when
 * that would make the text longer than EDITOR_YANK_MAX (Ctrl-U Ctrl-Y Ctrl-Y
 * repeated doubles it each time). */
bool editor_yank(struct editor *e);

/* Empties the text and forgets the undo steps, wiping them (the kill buffer stays). */
void editor_clear(struct editor *e);
/* Replaces the text (sanitised as by editor_insert) with the cursor at the end;
 * undoable. */
void editor_set_text(struct editor *e, const char *s);

/*
 * Undo (Ctrl-_): puts back the text and cursor as they were before the last
 * edit; false when there is nothing to undo. A run of typing is one step per
 * word, a run of Backspace or Delete one step, every kill, yank and
 * editor_set_text a step of its own; moves are none. At most 256 steps
 * (and about 16 MB of them) are kept.
 */
bool editor_undo(struct editor *e);
/* While on, every edit is part of one step (a paste is undone whole). */
void editor_undo_group(struct editor *e, bool on);
/* Forgets the undo steps, wiping their bytes (the line held a password). */
void editor_undo_forget(struct editor *e);
/* The text, NUL-terminated, borrowed until the next change. */
const char *editor_text(const struct editor *e);
/* The text as a new string the caller frees. */
char *editor_get_text(const struct editor *e);
size_t editor_len(const struct editor *e);
/* The cursor's byte offset. */
size_t editor_cursor(const struct editor *e);
/* Puts the cursor at off, moved back to the cluster boundary at or before it. */
void editor_set_cursor(struct editor *e, size_t off);

/* The input wrapped at a width, and where the cursor is in it. */
struct editor_layout {
	const struct wrap_row *rows; /* the editor's own; read them with editor_layout_row */
	size_t nrows;                /* >= 1; the input pane needs this many lines */
	size_t cur_row;              /* < nrows */
	int cur_col;                 /* display column, < width */
	bool has_extra;              /* the last row is extra, below */
	struct wrap_row extra;
};

/*
 * Lays the text out at width columns as the wrapper does. A cursor that
 * would sit just past a full row goes to the start of an extra empty row,
 * so it is always drawable. The rows are kept between calls and re-wrapped
 * only from the first byte edited since; they are valid until the next edit.
 */
void editor_layout(struct editor *e, int width, struct editor_layout *out);
/* Row i of a layout (i < l->nrows): rows[i].off/len/width into editor_text(). */
const struct wrap_row *editor_layout_row(const struct editor_layout *l, size_t i);

/* The recall list (input history): Up/Down bring back earlier lines; kept
 * in a file between runs. */
struct recall;

/* The largest input history file read: 1000 long questions. */
#define RECALL_MAX_BYTES ((size_t)64 << 20)

/* A new recall list keeping at most max entries (0: 1000). */
struct recall *recall_new(size_t max);
/* Frees it; NULL is a no-op. */
void recall_free(struct recall *h);
/*
 * Adds an entry, unless it is empty (only spaces and line breaks) or equal
 * to the newest one; the oldest entry goes when there are max. Ends any
 * recall in progress.
 */
void recall_add(struct recall *h, const char *line);
size_t recall_count(const struct recall *h);
/* Entry i, 0 being the oldest. */
const char *recall_get(const struct recall *h, size_t i);
/*
 * Recall one entry older (Up) / newer (Down). current is what the editor
 * holds now: on the first Up it is kept as the draft, and Down past the
 * newest entry gives the draft back. Returns the text to put in the editor
 * (borrowed), or NULL when there is nothing older / nothing newer.
 */
const char *recall_up(struct recall *h, const char *current);
const char *recall_down(struct recall *h, const char *current);
/* Forgets the recall position and the draft (after sending a line). */
void recall_reset(struct recall *h);
/*
 * Reverse search (Ctrl-R): the newest entry older than entry before (pass
 * recall_count() to start from the newest) holding query, ASCII letters
 * matched in either case. Sets *index and *at (the byte offset of the match
 * in it) and returns true, or returns false when none does or query is empty.
 */
bool recall_search(const struct recall *h, const char *query, size_t before, size_t *index,
                   size_t *at);
/*
 * Reads entries from path, one record per line with "\n" and "\\" escaped
 * inside; a missing file is an empty history, a link or another user's
 * file is not read.
 */
int recall_load(struct recall *h, const char *path, char **cause);
/*
 * Replaces path with the entries, atomically and never through a link
 * (fs_write_private: mode 0600; missing directories made 0700).
 */
int recall_save(const struct recall *h, const char *path, char **cause);

#endif
