/*
 * editor.c: the input line editor (see editor.h; the input history is recall.c).
 * It must not read keys, draw, or know about curses: the TUI maps keys to
 * these calls and draws editor_layout(). Every edit leaves the cursor on a
 * cluster boundary.
 */
#include "jarvis/editor.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "jarvis/buf.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"
#include "jarvis/wrap.h"

enum kill_dir { KILL_NONE, KILL_FORWARD, KILL_BACKWARD };

/* What an edit was, so that a run of the same kind is undone in one step. */
enum edit_kind { EDIT_NONE, EDIT_TYPE, EDIT_DELETE_BACK, EDIT_DELETE_FORWARD, EDIT_OTHER };

/* The text and cursor as they were before an edit. */
struct undo_step {
	char *s;
	size_t len, cur;
};

#define UNDO_MAX_STEPS 256
#define UNDO_MAX_BYTES ((size_t)16 << 20) /* a few copies of the largest message */

struct editor {
	char *s; /* NUL-terminated */
	size_t len, cap;
	size_t cur;
	char *kill;
	size_t kill_len;
	enum kill_dir last_kill; /* the previous command was a kill this way */
	int goal;                /* display column kept by up/down; -1 unset */
	struct undo_step *undo;  /* oldest first */
	size_t n_undo, undo_bytes;
	enum edit_kind last_edit, prev_edit; /* this command's edit, the one before */
	bool grouping;                       /* editor_undo_group: one step until it ends */
	struct wrap_cache *wrap;             /* the text's rows at the last layout's width */
	size_t wrap_stable; /* s[0..wrap_stable) unchanged since the rows were made */
};

struct editor *editor_new(void)
{
	struct editor *e = xcalloc(1, sizeof(*e));
	e->cap = 64;
	e->s = xmalloc(e->cap);
	e->s[0] = '\0';
	e->goal = -1;
	return e;
}

static void undo_drop_oldest(struct editor *e)
{
	e->undo_bytes -= e->undo[0].len;
	secret_free_len(e->undo[0].s, e->undo[0].len + 1);
	memmove(e->undo, e->undo + 1, (e->n_undo - 1) * sizeof(*e->undo));
	e->n_undo--;
}

void editor_undo_forget(struct editor *e)
{
	while (e->n_undo > 0)
		undo_drop_oldest(e);
	e->last_edit = e->prev_edit = EDIT_NONE;
}

void editor_free(struct editor *e)
{
	if (e == NULL)
		return;
	/* The input may have held a password: leave no copy in freed memory. */
	editor_undo_forget(e);
	free(e->undo);
	explicit_bzero(e->s, e->cap);
	free(e->s);
	secret_free(e->kill);
	wrap_cache_free(e->wrap);
	free(e);
}

/*
 * Every command but a kill ends a run of kills; every one but up/down drops
 * the goal column; every one ends a run of edits unless it is an edit of the
 * same kind (remember() looks at prev_edit).
 */
static void command(struct editor *e, bool is_kill, bool vertical)
{
	if (!is_kill)
		e->last_kill = KILL_NONE;
	if (!vertical)
		e->goal = -1;
	e->prev_edit = e->last_edit;
	e->last_edit = EDIT_NONE;
}

/* Whether typing text at the cursor starts a new undo step: a word after a blank. */
static bool starts_word(const struct editor *e, const char *text)
{
	bool blank_before = e->cur > 0 && (e->s[e->cur - 1] == ' ' || e->s[e->cur - 1] == '\n');
	return blank_before && text[0] != ' ' && text[0] != '\n';
}

/*
 * Keeps the text as it is before an edit of this kind, unless the edit
 * continues a run of the same kind (typing within a word, Backspace held
 * down) or a group (a paste).
 */
static void remember(struct editor *e, enum edit_kind kind, const char *typed)
{
	bool same_run = kind == e->prev_edit && kind != EDIT_OTHER &&
	                !(kind == EDIT_TYPE && starts_word(e, typed));
	e->last_edit = kind;
	if ((same_run || e->grouping) && e->n_undo > 0)
		return;
	if (e->n_undo > 0 && e->undo[e->n_undo - 1].len == e->len &&
	    memcmp(e->undo[e->n_undo - 1].s, e->s, e->len) == 0) {
		e->undo[e->n_undo - 1].cur = e->cur; /* nothing changed since that one */
		return;
	}
	while (e->n_undo > 0 &&
	       (e->n_undo == UNDO_MAX_STEPS || e->undo_bytes + e->len > UNDO_MAX_BYTES))
		undo_drop_oldest(e);
	if (e->undo == NULL)
		e->undo = xcalloc(UNDO_MAX_STEPS, sizeof(*e->undo));
	e->undo[e->n_undo++] = (struct undo_step){xstrndup(e->s, e->len), e->len, e->cur};
	e->undo_bytes += e->len;
}

void editor_undo_group(struct editor *e, bool on)
{
	if (on && !e->grouping) {
		e->prev_edit = EDIT_NONE;
		remember(e, EDIT_OTHER, "");
	}
	e->grouping = on;
	if (!on)
		e->last_edit = EDIT_NONE; /* what is typed next is a step of its own */
}

static void raw_insert(struct editor *e, size_t at, const char *p, size_t n)
{
	if (e->len + n + 1 > e->cap) {
		size_t cap = e->cap;
		while (e->len + n + 1 > cap)
			cap *= 2;
		/* Not realloc: the old block, maybe holding a password, is wiped first. */
		char *s = xmalloc(cap);
		memcpy(s, e->s, e->len + 1);
		explicit_bzero(e->s, e->cap);
		free(e->s);
		e->s = s;
		e->cap = cap;
	}
	memmove(e->s + at + n, e->s + at, e->len - at + 1);
	memcpy(e->s + at, p, n);
	e->len += n;
	if (at < e->wrap_stable)
		e->wrap_stable = at;
}

static void raw_delete(struct editor *e, size_t a, size_t b)
{
	memmove(e->s + a, e->s + b, e->len - b + 1);
	e->len -= b - a;
	if (a < e->wrap_stable)
		e->wrap_stable = a;
	/* The bytes past the new end are stale copies of the text. */
	explicit_bzero(e->s + e->len + 1, b - a);
}

/* Moves the cursor off the inside of a cluster: forward after inserts, else back. */
static void snap(struct editor *e, bool forward)
{
	if (utf8_is_boundary(e->s, e->len, e->cur))
		return;
	size_t start = utf8_cluster_prev(e->s, e->len, e->cur);
	e->cur = forward ? utf8_cluster_next(e->s, e->len, start) : start;
}

/* s[0..n) with line breaks normalised, tabs expanded and controls sanitised. */
static char *clean_input(const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
			buf_add(&b, "\n", 1);
		} else if (s[i] == '\t') {
			buf_add(&b, "    ", 4);
		} else {
			buf_add(&b, &s[i], 1);
		}
	}
	char *clean = utf8_sanitize(b.data, b.len);
	explicit_bzero(b.data, b.cap); /* 0 bytes while it is the shared "" */
	buf_release(&b);
	return clean;
}

void editor_insert(struct editor *e, const char *s, size_t n)
{
	command(e, false, false);
	char *clean = clean_input(s, n);
	size_t l = strlen(clean);
	if (l > 0)
		remember(e, EDIT_TYPE, clean);
	raw_insert(e, e->cur, clean, l);
	e->cur += l;
	snap(e, true);
	secret_free(clean);
}

void editor_insert_str(struct editor *e, const char *s)
{
	editor_insert(e, s, strlen(s));
}

void editor_newline(struct editor *e)
{
	editor_insert(e, "\n", 1);
}

bool editor_delete_back(struct editor *e)
{
	command(e, false, false);
	if (e->cur == 0)
		return false;
	remember(e, EDIT_DELETE_BACK, "");
	size_t a = utf8_cluster_prev(e->s, e->len, e->cur);
	raw_delete(e, a, e->cur);
	e->cur = a;
	snap(e, false);
	return true;
}

bool editor_delete_forward(struct editor *e)
{
	command(e, false, false);
	if (e->cur >= e->len)
		return false;
	remember(e, EDIT_DELETE_FORWARD, "");
	raw_delete(e, e->cur, utf8_cluster_next(e->s, e->len, e->cur));
	snap(e, false);
	return true;
}

bool editor_left(struct editor *e)
{
	command(e, false, false);
	if (e->cur == 0)
		return false;
	e->cur = utf8_cluster_prev(e->s, e->len, e->cur);
	return true;
}

bool editor_right(struct editor *e)
{
	command(e, false, false);
	if (e->cur >= e->len)
		return false;
	e->cur = utf8_cluster_next(e->s, e->len, e->cur);
	return true;
}

/* Whether the cluster starting at off is part of a word (letters, digits, any script). */
static bool is_word(const struct editor *e, size_t off)
{
	uint32_t cp;
	utf8_decode(e->s + off, e->len - off, &cp);
	if (cp < 0x80)
		return iswalnum((wint_t)cp) || cp == '_';
	return !iswspace((wint_t)cp) && !iswpunct((wint_t)cp);
}

static bool is_space(const struct editor *e, size_t off)
{
	return e->s[off] == ' ' || e->s[off] == '\n' || e->s[off] == '\t';
}

/* The start of the word before off (Alt-B's target). */
static size_t word_before(const struct editor *e, size_t off)
{
	while (off > 0) {
		size_t p = utf8_cluster_prev(e->s, e->len, off);
		if (is_word(e, p))
			break;
		off = p;
	}
	while (off > 0) {
		size_t p = utf8_cluster_prev(e->s, e->len, off);
		if (!is_word(e, p))
			break;
		off = p;
	}
	return off;
}

/* The end of the word after off (Alt-F's target). */
static size_t word_after(const struct editor *e, size_t off)
{
	while (off < e->len && !is_word(e, off))
		off = utf8_cluster_next(e->s, e->len, off);
	while (off < e->len && is_word(e, off))
		off = utf8_cluster_next(e->s, e->len, off);
	return off;
}

void editor_word_left(struct editor *e)
{
	command(e, false, false);
	e->cur = word_before(e, e->cur);
}

void editor_word_right(struct editor *e)
{
	command(e, false, false);
	e->cur = word_after(e, e->cur);
}

static size_t line_start(const struct editor *e, size_t off)
{
	while (off > 0 && e->s[off - 1] != '\n')
		off--;
	return off;
}

static size_t line_end(const struct editor *e, size_t off)
{
	const char *nl = memchr(e->s + off, '\n', e->len - off);
	return nl ? (size_t)(nl - e->s) : e->len;
}

void editor_home(struct editor *e)
{
	command(e, false, false);
	e->cur = line_start(e, e->cur);
}

void editor_end(struct editor *e)
{
	command(e, false, false);
	e->cur = line_end(e, e->cur);
}

/* The cursor's row and column in rows (as editor_layout reports them, before the extra row). */
static void locate(const struct editor *e, const struct wrap_row *rows, size_t n, size_t *row,
                   int *col)
{
	/* The last row starting at or before the cursor (rows[0] starts at 0). */
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].off <= e->cur)
			lo = mid;
		else
			hi = mid;
	}
	*row = lo;
	*col = (int)utf8_width(e->s + rows[lo].off, e->cur - rows[lo].off);
}

/*
 * The rows of the text at width, brought up to date from the first byte an
 * edit touched: typing at the end of a long paste wraps only its last line.
 */
static const struct wrap_row *rows_at(struct editor *e, int width, size_t *n)
{
	if (e->wrap == NULL)
		e->wrap = wrap_cache_new();
	wrap_cache_update(e->wrap, e->s, e->len, NULL, 0, e->wrap_stable, width);
	e->wrap_stable = e->len;
	*n = wrap_cache_nrows(e->wrap);
	return wrap_cache_row(e->wrap, 0);
}

/* The offset in row r whose column is the largest not past goal. */
static size_t column_in_row(const struct editor *e, const struct wrap_row *rows, size_t n, size_t r,
                            int goal)
{
	size_t end = rows[r].off + rows[r].len;
	/* At a hard break the row's end is the next row's start: stay before it. */
	if (r + 1 < n && rows[r + 1].cont && rows[r + 1].off == end && end > rows[r].off)
		end = utf8_cluster_prev(e->s, e->len, end);
	size_t x = rows[r].off;
	int col = 0;
	while (x < end) {
		size_t nx = utf8_cluster_next(e->s, end, x);
		int w = utf8_cluster_width(e->s, end, x, nx);
		if (col + w > goal)
			break;
		col += w;
		x = nx;
	}
	return x;
}

static bool vertical(struct editor *e, int width, int dir)
{
	command(e, false, true);
	size_t n, r;
	const struct wrap_row *rows = rows_at(e, width < 1 ? 1 : width, &n);
	int col;
	locate(e, rows, n, &r, &col);
	if (e->goal < 0)
		e->goal = col;
	bool moved = false;
	if ((dir < 0 && r > 0) || (dir > 0 && r + 1 < n)) {
		e->cur = column_in_row(e, rows, n, dir < 0 ? r - 1 : r + 1, e->goal);
		moved = true;
	}
	return moved;
}

bool editor_up(struct editor *e, int width)
{
	return vertical(e, width, -1);
}

bool editor_down(struct editor *e, int width)
{
	return vertical(e, width, 1);
}

/* Cuts [a, b) into the kill buffer, joining a run of kills. */
static void kill_range(struct editor *e, size_t a, size_t b, enum kill_dir dir)
{
	command(e, true, false);
	size_t n = b - a;
	if (n > 0)
		remember(e, EDIT_OTHER, "");
	if (e->last_kill == KILL_NONE) {
		free(e->kill);
		e->kill = xstrndup(e->s + a, n);
		e->kill_len = n;
	} else {
		char *k = xmalloc(e->kill_len + n + 1);
		if (dir == KILL_BACKWARD) {
			memcpy(k, e->s + a, n);
			memcpy(k + n, e->kill, e->kill_len);
		} else {
			memcpy(k, e->kill, e->kill_len);
			memcpy(k + e->kill_len, e->s + a, n);
		}
		k[e->kill_len + n] = '\0';
		free(e->kill);
		e->kill = k;
		e->kill_len += n;
	}
	e->last_kill = dir;
	raw_delete(e, a, b);
	e->cur = a;
	snap(e, false);
}

void editor_kill_eol(struct editor *e)
{
	size_t end = line_end(e, e->cur);
	if (end == e->cur && end < e->len)
		end++;
	kill_range(e, e->cur, end, KILL_FORWARD);
}

void editor_kill_bol(struct editor *e)
{
	size_t start = line_start(e, e->cur);
	if (start == e->cur && start > 0)
		start--;
	kill_range(e, start, e->cur, KILL_BACKWARD);
}

void editor_kill_word_back(struct editor *e)
{
	size_t a = e->cur;
	while (a > 0 && is_space(e, a - 1))
		a--;
	while (a > 0 && !is_space(e, a - 1))
		a = utf8_cluster_prev(e->s, e->len, a);
	kill_range(e, a, e->cur, KILL_BACKWARD);
}

/* Alt-Backspace, Alt-D: kill to where Alt-B or Alt-F would move. */
void editor_kill_prev_word(struct editor *e)
{
	kill_range(e, word_before(e, e->cur), e->cur, KILL_BACKWARD);
}

void editor_kill_next_word(struct editor *e)
{
	kill_range(e, e->cur, word_after(e, e->cur), KILL_FORWARD);
}

bool editor_yank(struct editor *e)
{
	command(e, false, false);
	if (e->kill == NULL)
		return true;
	if (e->kill_len > EDITOR_YANK_MAX - e->len)
		return false;
	if (e->kill_len > 0)
		remember(e, EDIT_OTHER, "");
	raw_insert(e, e->cur, e->kill, e->kill_len);
	e->cur += e->kill_len;
	snap(e, true);
	return true;
}

void editor_clear(struct editor *e)
{
	command(e, false, false);
	editor_undo_forget(e);
	explicit_bzero(e->s, e->len);
	e->len = 0;
	e->s[0] = '\0';
	e->cur = 0;
	e->wrap_stable = 0;
}

/* The whole text becomes s[0..n) (already clean), the cursor at cur. */
static void replace_all(struct editor *e, const char *s, size_t n, size_t cur)
{
	raw_delete(e, 0, e->len);
	raw_insert(e, 0, s, n);
	e->cur = cur > e->len ? e->len : cur;
	snap(e, false);
}

void editor_set_text(struct editor *e, const char *s)
{
	command(e, false, false);
	char *clean = clean_input(s, strlen(s));
	size_t n = strlen(clean);
	if (n != e->len || memcmp(clean, e->s, n) != 0)
		remember(e, EDIT_OTHER, "");
	replace_all(e, clean, n, n);
	secret_free(clean);
}

bool editor_undo(struct editor *e)
{
	command(e, false, false);
	if (e->n_undo == 0)
		return false;
	struct undo_step st = e->undo[--e->n_undo];
	e->undo_bytes -= st.len;
	replace_all(e, st.s, st.len, st.cur);
	secret_free_len(st.s, st.len + 1);
	return true;
}

const char *editor_text(const struct editor *e)
{
	return e->s;
}

char *editor_get_text(const struct editor *e)
{
	return xstrndup(e->s, e->len);
}

size_t editor_len(const struct editor *e)
{
	return e->len;
}

size_t editor_cursor(const struct editor *e)
{
	return e->cur;
}

void editor_set_cursor(struct editor *e, size_t off)
{
	command(e, false, false);
	e->cur = off > e->len ? e->len : off;
	snap(e, false);
}

void editor_layout(struct editor *e, int width, struct editor_layout *out)
{
	if (width < 1)
		width = 1;
	out->rows = rows_at(e, width, &out->nrows);
	out->has_extra = false;
	locate(e, out->rows, out->nrows, &out->cur_row, &out->cur_col);
	if (out->cur_col >= width) {
		if (out->cur_row + 1 == out->nrows) {
			/* Past a full last row: an empty row for the cursor. */
			out->extra = (struct wrap_row){.off = (uint32_t)e->len,
			                               .line = out->rows[out->nrows - 1].line,
			                               .cont = true};
			out->has_extra = true;
			out->nrows++;
			out->cur_row++;
			out->cur_col = 0;
		} else {
			/* Inside spaces hanging past the margin. */
			out->cur_col = width - 1;
		}
	}
}

const struct wrap_row *editor_layout_row(const struct editor_layout *l, size_t i)
{
	return l->has_extra && i + 1 == l->nrows ? &l->extra : &l->rows[i];
}
