/*
 * help.c: the F1 panel: every command (from the command table) and every
 * key, laid out for the panel's width: each help in a column after the
 * names and wrapped in it (under its name when the column would be too
 * narrow), never cut; the panel scrolls to the end.
 */
#include "panels.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/cmd.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

#include "keycode.h"

#define NAME_COLS_MAX 22 /* "/name usage" before its help on one row, at the most */
#define KEY_COLS 20      /* a key's names before their help */
#define INDENT 6         /* a help text wrapped under its name */
#define MIN_HELP_COLS 24 /* narrower, the help column is too choppy to read */

struct help {
	char **lines;
	size_t n, cap;
	int width;
	const struct key_binding *keys;
	size_t nkeys;
};

static void add_line(struct help *h, char *line)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->lines = xrealloc(h->lines, h->cap * sizeof(*h->lines));
	}
	h->lines[h->n++] = line;
}

static void clear_lines(struct help *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->lines[i]);
	h->n = 0;
}

/* Adds text word by word in rows of at most width columns, each after indent blanks. */
static void add_wrapped(struct help *h, const char *text, int indent, int width)
{
	int room = width - indent > 8 ? width - indent : 8;
	struct buf row;
	buf_init(&row, BUF_LINE_MAX);
	const char *p = text;
	while (*p) {
		size_t wl = strcspn(p, " ");
		int ww = (int)utf8_width(p, wl);
		int rw = row.len ? (int)utf8_width(row.data, row.len) : 0;
		if (row.len > 0 && rw + 1 + ww > room) {
			add_line(h, xasprintf("%*s%s", indent, "", row.data));
			buf_reset(&row);
		}
		if (row.len > 0)
			buf_addstr(&row, " ");
		buf_add(&row, p, wl);
		p += wl;
		p += strspn(p, " ");
	}
	if (row.len > 0)
		add_line(h, xasprintf("%*s%s", indent, "", row.data));
	buf_release(&row);
}

/*
 * Adds text in a column of rows from column at to width, the first row after
 * head (at most at columns wide), as GNU --help aligns its options.
 */
static void add_hanging(struct help *h, const char *head, int at, const char *text, int width)
{
	struct buf row;
	buf_init(&row, BUF_LINE_MAX);
	buf_addf(&row, "%s%*s", head, at - (int)utf8_strwidth(head), "");
	int used = 0; /* columns of text on this row */
	for (const char *p = text + strspn(text, " "); *p;) {
		size_t wl = strcspn(p, " ");
		int ww = (int)utf8_width(p, wl);
		if (used > 0 && at + used + 1 + ww > width) {
			add_line(h, buf_steal(&row));
			buf_addf(&row, "%*s", at, "");
			used = 0;
		}
		if (used > 0) {
			buf_addstr(&row, " ");
			used++;
		}
		buf_add(&row, p, wl);
		used += ww;
		p += wl;
		p += strspn(p, " ");
	}
	add_line(h, buf_steal(&row));
}

/*
 * "  NAME  help": the help in a column after the names, wrapped in it; a
 * name wider than the column goes on one row with its help when both fit,
 * and a column too narrow to read puts the help under its name.
 */
static void add_entry(struct help *h, const char *name, int cols, const char *text, int width)
{
	int nw = (int)utf8_strwidth(name);
	int at = 2 + cols + 1;
	if (nw <= cols && width - at >= MIN_HELP_COLS) {
		char *head = xasprintf("  %s", name);
		add_hanging(h, head, at, text, width);
		free(head);
		return;
	}
	if (2 + nw + 1 + (int)utf8_strwidth(text) <= width) {
		add_line(h, xasprintf("  %s %s", name, text));
		return;
	}
	add_wrapped(h, name, 2, width); /* several keys' names may not fit on one row */
	add_wrapped(h, text, INDENT, width);
}

/* The widest "/name usage" of the table: the column the commands' help starts after. */
static int name_cols(const struct cmd_entry *t, size_t n)
{
	int cols = 0;
	for (size_t i = 0; i < n; i++) {
		int w = 1 + (int)utf8_strwidth(t[i].name);
		if (t[i].usage[0])
			w += 1 + (int)utf8_strwidth(t[i].usage);
		if (w > cols)
			cols = w;
	}
	return cols < NAME_COLS_MAX ? cols : NAME_COLS_MAX;
}

/* One row per help text: keys in a row of the table with the same help share it. */
static void add_keys(struct help *h, int width)
{
	struct buf names;
	buf_init(&names, BUF_LINE_MAX);
	for (size_t i = 0; i < h->nkeys; i++) {
		const struct key_binding *k = &h->keys[i];
		bool same_name = i > 0 && strcmp(h->keys[i - 1].name, k->name) == 0;
		if (!same_name)
			buf_addf(&names, "%s%s", names.len ? " " : "", k->name);
		if (i + 1 < h->nkeys && strcmp(h->keys[i + 1].help, k->help) == 0)
			continue;
		add_entry(h, names.data, KEY_COLS, k->help, width);
		buf_reset(&names);
	}
	buf_release(&names);
}

static void build(struct help *h, int width)
{
	clear_lines(h);
	h->width = width;
	size_t ncmd;
	const struct cmd_entry *t = cmd_table(&ncmd);
	int cols = name_cols(t, ncmd);
	add_wrapped(h, "Commands (a unique prefix is enough):", 0, width);
	for (size_t i = 0; i < ncmd; i++) {
		char *head = t[i].usage[0] ? xasprintf("/%s %s", t[i].name, t[i].usage)
		                           : xasprintf("/%s", t[i].name);
		add_entry(h, head, cols, t[i].help, width);
		free(head);
	}
	add_line(h, xstrdup(""));
	add_line(h, xstrdup("Keys:"));
	add_keys(h, width);
}

void help_set_keys(struct panel *p, const struct key_binding *keys, size_t n)
{
	struct help *h = p->data;
	h->keys = keys;
	h->nkeys = n;
	h->width = 0;
}

static void help_open(struct panel *p, struct chat *ch)
{
	p->data = xcalloc(1, sizeof(struct help));
}

static size_t help_rows(struct panel *p, struct chat *ch, int width)
{
	struct help *h = p->data;
	if (h->width != width || h->n == 0)
		build(h, width);
	return h->n;
}

static char *help_draw(struct panel *p, struct chat *ch, size_t i, bool *current)
{
	struct help *h = p->data;
	return xstrdup(i < h->n ? h->lines[i] : "");
}

static enum panel_key help_key(struct panel *p, int key, bool is_code, size_t row, struct chat *ch,
                               struct cmd_ctx *ctx)
{
	if (!is_code && (key == 'q' || key == '\r'))
		return PANEL_CLOSE;
	return PANEL_UNUSED;
}

static void help_free(struct panel *p)
{
	struct help *h = p->data;
	if (h == NULL)
		return;
	clear_lines(h);
	free(h->lines);
	free(h);
}

const struct panel_ops help_panel = {
    .title = " Help ",
    .filter = FILTER_NONE,
    .select = false,
    .open = help_open,
    .rows = help_rows,
    .draw = help_draw,
    .key = help_key,
    .free = help_free,
};
