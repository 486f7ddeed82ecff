/*
 * overlay.c: the boxes drawn over the chat: F1 help (from the command
 * table), F2 model picker and F3 conversation list. Keys reach them first
 * while one is open; Esc closes. They change the chat, never the store.
 */
#include "overlay.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis/buf.h"
#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

#include "draw.h"

#define KEY_ESC 27

struct overlay {
	enum overlay_kind kind;
	size_t sel;
	size_t top;
	struct buf filter;
	bool filtering; /* F3: '/' starts typing a filter */
	bool confirm_delete;
	char *delete_id; /* the row 'd' was pressed on, kept while the list may reload */
	char *delete_title;
};

static const char *const help_keys[] = {
    "Enter            send the message",
    "Alt-Enter, C-j   new line in the message",
    "C-a C-e C-b C-f  start, end, back, forward",
    "Alt-b Alt-f      word back, word forward",
    "C-d C-k C-u C-w  delete; kill to end, to start, word",
    "C-y              yank what was killed",
    "Up Down          recall earlier messages",
    "PgUp PgDn wheel  scroll the history",
    "Home End         (empty input) top, bottom of history",
    "Tab              complete a command or a path",
    "Esc, C-c         stop the answer; keep what came",
    "C-c C-c, C-d     quit (on an empty line)",
    "C-l              redraw the screen",
    "F1 F2 F3         help, models, conversations",
};

struct overlay *overlay_new(void)
{
	struct overlay *o = xcalloc(1, sizeof(*o));
	buf_init(&o->filter, 256);
	return o;
}

void overlay_free(struct overlay *o)
{
	if (o == NULL)
		return;
	buf_free(&o->filter);
	free(o->delete_id);
	free(o->delete_title);
	free(o);
}

void overlay_close(struct overlay *o)
{
	o->kind = OVERLAY_NONE;
	o->confirm_delete = false;
	o->filtering = false;
}

void overlay_open(struct overlay *o, enum overlay_kind kind, struct chat *ch)
{
	if (o->kind == kind) {
		overlay_close(o);
		return;
	}
	o->kind = kind;
	o->sel = 0;
	o->top = 0;
	o->filtering = false;
	o->confirm_delete = false;
	buf_reset(&o->filter);
	if (kind == OVERLAY_CONVS)
		chat_load_convs(ch, NULL);
	if (kind == OVERLAY_MODELS) {
		const struct model_list *ml = chat_models(ch);
		for (size_t i = 0; i < ml->n; i++)
			if (strcmp(ml->v[i].id, chat_model(ch)) == 0)
				o->sel = i;
	}
}

enum overlay_kind overlay_kind(const struct overlay *o)
{
	return o->kind;
}

static bool contains_ci(const char *hay, const char *needle)
{
	if (needle == NULL || needle[0] == '\0')
		return true;
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

/* Indices of the rows that pass the filter. */
static size_t visible_rows(struct overlay *o, struct chat *ch, size_t *out, size_t max)
{
	size_t n = 0;
	const char *f = o->filter.data;
	if (o->kind == OVERLAY_MODELS) {
		const struct model_list *ml = chat_models(ch);
		for (size_t i = 0; i < ml->n && n < max; i++)
			if (contains_ci(ml->v[i].id, f) || contains_ci(ml->v[i].description, f))
				out[n++] = i;
	} else if (o->kind == OVERLAY_CONVS) {
		size_t rows;
		const struct chat_conv_row *r = chat_conv_rows(ch, &rows);
		for (size_t i = 0; i < rows && n < max; i++)
			if (contains_ci(r[i].title, f))
				out[n++] = i;
	} else {
		size_t ncmd;
		cmd_table(&ncmd);
		size_t total = ncmd + ARRAY_LEN(help_keys) + 3;
		for (size_t i = 0; i < total && n < max; i++)
			out[n++] = i;
	}
	return n;
}

static int rename_then(struct cmd_ctx *c, const char *answer, char **cause)
{
	return chat_rename_id(c->chat, c->state[0], answer, cause);
}

bool overlay_key(struct overlay *o, int key, bool is_code, struct chat *ch, struct cmd_ctx *ctx)
{
	if (o->kind == OVERLAY_NONE)
		return false;
	size_t idx[1024];
	size_t n = visible_rows(o, ch, idx, ARRAY_LEN(idx));
	if (o->confirm_delete) {
		if (!is_code && (key == 'y' || key == 'Y'))
			chat_delete_id(ch, o->delete_id, NULL);
		o->confirm_delete = false;
		return true;
	}
	if (!is_code && key == KEY_ESC) {
		if (o->filter.len > 0 || o->filtering) {
			buf_reset(&o->filter);
			o->filtering = false;
		} else {
			overlay_close(o);
		}
		return true;
	}
	if (is_code) {
		switch (key) {
		case KEY_UP:
			if (o->sel > 0)
				o->sel--;
			return true;
		case KEY_DOWN:
			if (o->sel + 1 < n)
				o->sel++;
			return true;
		case KEY_PPAGE:
			o->sel = o->sel > 10 ? o->sel - 10 : 0;
			return true;
		case KEY_NPAGE:
			o->sel = n == 0 ? 0 : (o->sel + 10 < n ? o->sel + 10 : n - 1);
			return true;
		case KEY_HOME:
			o->sel = 0;
			return true;
		case KEY_END:
			o->sel = n ? n - 1 : 0;
			return true;
		case KEY_BACKSPACE:
			if (o->filter.len > 0) {
				size_t prev =
				    utf8_cluster_prev(o->filter.data, o->filter.len, o->filter.len);
				o->filter.len = prev;
				o->filter.data[prev] = '\0';
				o->sel = 0;
			}
			return true;
		case KEY_ENTER:
			break;
		default:
			return false; /* F-keys etc. go back to the caller */
		}
	}
	bool enter = (!is_code && (key == '\r' || key == '\n')) || (is_code && key == KEY_ENTER);
	if (enter) {
		if (o->filtering) {
			/* As in less: Enter ends the pattern; r, d and Enter act on what is left.
			 */
			o->filtering = false;
		} else if (o->kind == OVERLAY_MODELS && o->sel < n) {
			const struct model_list *ml = chat_models(ch);
			chat_set_model(ch, ml->v[idx[o->sel]].id, NULL);
			overlay_close(o);
		} else if (o->kind == OVERLAY_CONVS && o->sel < n) {
			size_t rows;
			const struct chat_conv_row *r = chat_conv_rows(ch, &rows);
			chat_open_id(ch, r[idx[o->sel]].id, NULL);
			overlay_close(o);
		} else if (o->kind == OVERLAY_HELP) {
			overlay_close(o);
		}
		return true;
	}
	if (!is_code && (key == 127 || key == 8)) {
		return overlay_key(o, KEY_BACKSPACE, true, ch, ctx);
	}
	if (is_code || key < 32)
		return true;
	if (o->kind == OVERLAY_CONVS && !o->filtering) {
		size_t rows;
		const struct chat_conv_row *r = chat_conv_rows(ch, &rows);
		if (key == '/') {
			o->filtering = true;
		} else if (key == 'd' && o->sel < n) {
			free(o->delete_id);
			free(o->delete_title);
			o->delete_id = xstrdup(r[idx[o->sel]].id);
			o->delete_title =
			    xstrdup(r[idx[o->sel]].title[0] ? r[idx[o->sel]].title : "untitled");
			o->confirm_delete = true;
		} else if (key == 'r' && o->sel < n && ctx->then != NULL) {
			/* The input already answers a question (maybe a password). */
			chat_notice(ch, "answer or cancel (Esc) the question first, then rename");
			overlay_close(o);
		} else if (key == 'r' && o->sel < n) {
			ctx->state[0] = xstrdup(r[idx[o->sel]].id);
			ctx->ask_label = xstrdup("new title:");
			ctx->then = rename_then;
			overlay_close(o);
		} else if (key == 'q') {
			overlay_close(o);
		}
		return true;
	}
	if (o->kind == OVERLAY_HELP) {
		if (key == 'q')
			overlay_close(o);
		return true;
	}
	char utf[4];
	size_t len = utf8_encode((uint32_t)key, utf);
	buf_append(&o->filter, utf, len);
	o->sel = 0;
	return true;
}

static char *help_line(struct overlay *o, size_t i)
{
	size_t ncmd;
	const struct cmd_entry *t = cmd_table(&ncmd);
	if (i == 0)
		return xstrdup("Commands (a unique prefix is enough):");
	i--;
	if (i < ncmd) {
		char *head = xasprintf("/%s %s", t[i].name, t[i].usage);
		char *line = xasprintf("  %-22s %s", head, t[i].help);
		free(head);
		return line;
	}
	i -= ncmd;
	if (i == 0)
		return xstrdup("");
	if (i == 1)
		return xstrdup("Keys:");
	i -= 2;
	if (i < ARRAY_LEN(help_keys))
		return xasprintf("  %s", help_keys[i]);
	return xstrdup("");
}

static char *row_text(struct overlay *o, struct chat *ch, size_t i, bool *current)
{
	*current = false;
	if (o->kind == OVERLAY_MODELS) {
		const struct model_info *m = &chat_models(ch)->v[i];
		*current = strcmp(m->id, chat_model(ch)) == 0;
		char rpm[24] = "-", rpd[24] = "-";
		if (m->rpm > 0)
			snprintf(rpm, sizeof rpm, "%ld", m->rpm);
		if (m->rpd > 0)
			snprintf(rpd, sizeof rpd, "%ld", m->rpd);
		return xasprintf("%s %-26s %4s/min %5s/day  %s", *current ? "●" : " ", m->id, rpm,
		                 rpd, m->description);
	}
	if (o->kind == OVERLAY_CONVS) {
		size_t rows;
		const struct chat_conv_row *r = chat_conv_rows(ch, &rows);
		const struct conv *c = chat_conv(ch);
		*current = c->id != NULL && strcmp(c->id, r[i].id) == 0;
		char when[32] = "";
		time_t t = (time_t)(r[i].updated_ms / 1000);
		struct tm tm;
		if (localtime_r(&t, &tm) != NULL)
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		return xasprintf("%s %3zu. %s  %4ld msgs  %s", *current ? "●" : " ", i + 1, when,
		                 r[i].nmessages, r[i].title[0] ? r[i].title : "untitled");
	}
	return help_line(o, i);
}

void overlay_draw(struct overlay *o, struct chat *ch, int lines, int cols)
{
	if (o->kind == OVERLAY_NONE)
		return;
	int h = lines - 4, w = cols - 4;
	if (h < 3 || w < 10)
		return;
	WINDOW *win = newwin(h, w, 1, 2);
	if (win == NULL)
		return;
	werase(win);
	box(win, 0, 0);
	const char *title = o->kind == OVERLAY_HELP ? " Help "
	                    : o->kind == OVERLAY_MODELS
	                        ? " Models: Enter picks, type to filter "
	                        : " Conversations: Enter opens, r rename, d delete, / filter ";
	tui_put_at(win, 0, 2, w - 4, title, A_BOLD);
	size_t idx[1024];
	size_t n = visible_rows(o, ch, idx, ARRAY_LEN(idx));
	if (o->sel >= n)
		o->sel = n ? n - 1 : 0;
	int body = h - 2 - 1; /* rows between the borders, minus the hint line */
	if (o->sel < o->top)
		o->top = o->sel;
	if (o->sel >= o->top + (size_t)body)
		o->top = o->sel - (size_t)body + 1;
	if (n == 0) {
		const char *msg = o->filter.len > 0          ? "nothing matches"
		                  : o->kind != OVERLAY_CONVS ? "nothing here"
		                  : chat_user(ch)            ? "no conversations (yet)"
		                                  : "log in to keep and browse conversations";
		tui_put_at(win, 1, 2, w - 4, msg, A_DIM);
	}
	for (int y = 0; y < body && o->top + (size_t)y < n; y++) {
		size_t i = o->top + (size_t)y;
		bool current = false;
		char *text = row_text(o, ch, idx[i], &current);
		attr_t a = A_NORMAL;
		if (o->kind != OVERLAY_HELP && i == o->sel)
			a = A_REVERSE | tui_pair_attr(PAIR_SELECT);
		wmove(win, 1 + y, 1);
		if (a != A_NORMAL) {
			wattr_on(win, a, NULL);
			for (int k = 1; k < w - 1; k++)
				waddch(win, ' ');
			wattr_off(win, a, NULL);
		}
		tui_put_at(win, 1 + y, 2, w - 4, text, a);
		free(text);
	}
	char *hint;
	if (o->confirm_delete)
		hint = xasprintf("delete \"%s\" for good? y / n", o->delete_title);
	else if (o->filter.len > 0 || o->filtering)
		hint = xasprintf("filter: %s", o->filter.data ? o->filter.data : "");
	else
		hint = xstrdup("Esc closes");
	tui_put_at(win, h - 2, 2, w - 4, hint,
	           o->confirm_delete ? A_BOLD | tui_pair_attr(PAIR_ERROR) : A_DIM);
	free(hint);
	wnoutrefresh(win);
	delwin(win);
}
