/*
 * convlist.c: the F3 panel: the stored conversations, newest first, with
 * their dates and ids. Enter opens one, r renames it (the new title is
 * asked on the input line), d deletes it after a y, / filters by title, id
 * and the messages' text (which arrives a moment after the list).
 */
#include "panels.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/statusline.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

struct convlist {
	bool confirm_delete;
	char *delete_id; /* the row d was pressed on, kept while the list may reload */
	char *delete_title;
};

static void convlist_open(struct panel *p, struct chat *ch)
{
	p->data = xcalloc(1, sizeof(struct convlist));
	chat_load_convs(ch, NULL);
}

static size_t convlist_rows(struct panel *p, struct chat *ch, int width)
{
	size_t n;
	chat_conv_rows(ch, &n);
	return n;
}

static char *convlist_draw(struct panel *p, struct chat *ch, size_t i, bool *current)
{
	size_t n;
	const struct chat_conv_row *r = chat_conv_rows(ch, &n);
	const struct conv *c = chat_conv(ch);
	*current = c->id != NULL && strcmp(c->id, r[i].id) == 0;
	/*
	 * Eleven columns, as ls -l dates: this year's rows the month, day and
	 * time, older ones the date with its year. The year on every row left
	 * the title of an 80-column row no room beside a MongoDB id.
	 */
	char when[32] = "";
	time_t t = (time_t)(r[i].updated_ms / 1000), now = time(NULL);
	struct tm tm, tm_now;
	if (localtime_r(&t, &tm) != NULL && localtime_r(&now, &tm_now) != NULL)
		strftime(when, sizeof when,
		         tm.tm_year == tm_now.tm_year ? "%m-%d %H:%M" : "%Y-%m-%d ", &tm);
	/* A fork is marked ↳ before its title; the bottom line names its original (note). */
	char *head = xasprintf("%s %3zu. %s  %4ld msgs  %s", *current ? "●" : " ", i + 1, when,
	                       r[i].nmessages, r[i].fork ? "↳ " : "");
	const char *title = r[i].title[0] ? r[i].title : "untitled";
	/*
	 * The ids end at the right edge, in a column; a title too long for what
	 * is left gives way, cut with "…", so that its id stays whole.
	 */
	int room = p->width - (int)utf8_strwidth(head) - 2 - (int)utf8_strwidth(r[i].id);
	if (room < 1)
		room = 1;
	size_t keep = status_cut_bytes(title, room);
	bool cut = title[keep] != '\0';
	int pad = room - (int)utf8_width(title, keep) - (cut ? 1 : 0);
	char *row = xasprintf("%s%.*s%s%*s  %s", head, (int)keep, title, cut ? "…" : "",
	                      pad > 0 ? pad : 0, "", r[i].id);
	free(head);
	return row;
}

static bool convlist_match(struct panel *p, struct chat *ch, size_t i, const char *f)
{
	size_t n;
	const struct chat_conv_row *r = chat_conv_rows(ch, &n);
	return strcasestr(r[i].title, f) != NULL || strcasestr(r[i].id, f) != NULL ||
	       (r[i].fork != NULL && strcasestr(r[i].fork, f) != NULL) ||
	       (r[i].text != NULL && strcasestr(r[i].text, f) != NULL);
}

static int rename_then(struct cmd_ctx *c, const char *answer, char **cause)
{
	return chat_rename_id(c->chat, c->state[0], answer, cause);
}

/* Asks for the new title on the input line (the TUI parks the draft meanwhile). */
static enum panel_key ask_rename(struct chat *ch, struct cmd_ctx *ctx, const char *id)
{
	if (ctx->then != NULL) {
		/* The input already answers a question (maybe a password). */
		chat_notice(ch, "answer or cancel (Esc) the question first, then rename");
		return PANEL_CLOSE;
	}
	cmd_ctx_reset(ctx);
	ctx->state[0] = xstrdup(id);
	ctx->ask_label = xstrdup("new title:");
	ctx->then = rename_then;
	return PANEL_CLOSE;
}

static enum panel_key convlist_key(struct panel *p, int key, bool is_code, size_t row,
                                   struct chat *ch, struct cmd_ctx *ctx)
{
	struct convlist *cl = p->data;
	if (cl->confirm_delete) {
		if (!is_code && (key == 'y' || key == 'Y'))
			chat_delete_id(ch, cl->delete_id, NULL);
		cl->confirm_delete = false;
		return PANEL_KEPT;
	}
	if (is_code)
		return PANEL_UNUSED;
	if (key == 'q')
		return PANEL_CLOSE;
	if (row == SIZE_MAX)
		return key == '\r' ? PANEL_KEPT : PANEL_UNUSED;
	size_t n;
	const struct chat_conv_row *r = chat_conv_rows(ch, &n);
	switch (key) {
	case '\r':
		chat_open_id(ch, r[row].id, NULL);
		return PANEL_CLOSE;
	case 'r':
		return ask_rename(ch, ctx, r[row].id);
	case 'd':
		free(cl->delete_id);
		free(cl->delete_title);
		cl->delete_id = xstrdup(r[row].id);
		cl->delete_title = xstrdup(r[row].title[0] ? r[row].title : "untitled");
		cl->confirm_delete = true;
		return PANEL_KEPT;
	default:
		return PANEL_UNUSED;
	}
}

static char *convlist_hint(struct panel *p, struct chat *ch)
{
	struct convlist *cl = p->data;
	if (!cl->confirm_delete)
		return NULL;
	return xasprintf("delete \"%s\" for good? y / n", cl->delete_title);
}

/* The selected row's link to its original, when it is a fork. */
static char *convlist_note(struct panel *p, struct chat *ch, size_t i)
{
	size_t n;
	const struct chat_conv_row *r = chat_conv_rows(ch, &n);
	if (i >= n || r[i].fork == NULL)
		return NULL;
	return xasprintf("%s · Esc closes", r[i].fork);
}

static const char *convlist_empty(struct panel *p, struct chat *ch)
{
	return chat_user(ch) ? "no conversations (yet)" : "log in to keep and browse conversations";
}

static void convlist_free(struct panel *p)
{
	struct convlist *cl = p->data;
	if (cl == NULL)
		return;
	free(cl->delete_id);
	free(cl->delete_title);
	free(cl);
}

const struct panel_ops conv_panel = {
    .title = " Conversations: Enter opens, r rename, d delete, / filter ",
    .filter = FILTER_SLASH,
    .select = true,
    .open = convlist_open,
    .rows = convlist_rows,
    .draw = convlist_draw,
    .match = convlist_match,
    .key = convlist_key,
    .hint = convlist_hint,
    .note = convlist_note,
    .empty = convlist_empty,
    .free = convlist_free,
};
