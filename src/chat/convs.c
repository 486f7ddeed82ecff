/*
 * convs.c: the conversations: /new, /clear, /select (and F3's open),
 * /rename, /delete, /convs and F3's list, paging older messages in,
 * /model, /system, /like and /dislike, and /export. Each action sits next
 * to the job kind it submits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/config.h"
#include "jarvis/export.h"
#include "jarvis/exporter.h"
#include "jarvis/gemini.h"
#include "jarvis/statusline.h"
#include "jarvis/util.h"

/* Shows conversation c (taken) in place of the one on screen. */
void chat_replace_conv(struct chat *ch, struct conv *c)
{
	if (ch->call != NULL)
		gemini_stream_cancel(ch->call);
	chat_files_cancel(ch);
	ch->epoch_base += ch->conv->epoch + 1;
	conv_free(ch->conv);
	ch->conv = c;
	ch->serial++;
	ch->awaiting_store = false;
	ch->older_loading = false;
	ch->older_done = false;
	ch->prepended = 0;
	chat_edit_forget(ch); /* its question is not on screen any more */
	free(ch->system_prompt);
	ch->system_prompt = c->system_prompt ? xstrdup(c->system_prompt) : NULL;
	free(ch->thinking);
	ch->thinking = NULL;
	free(ch->web);
	ch->web = NULL;
	if (c->model != NULL && c->model[0] != '\0' && strcmp(c->model, ch->model) != 0) {
		free(ch->model);
		ch->model = xstrdup(c->model);
		chat_count_quota(ch);
	}
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
}

char *chat_fork_label(const struct chat *ch, const struct conv *c)
{
	if (c->forked_from == NULL)
		return NULL;
	const char *title = NULL;
	if (ch->conv != c && ch->conv->id != NULL && strcmp(ch->conv->id, c->forked_from) == 0)
		title = ch->conv->title ? ch->conv->title : "";
	for (size_t i = 0; title == NULL && i < ch->nrows; i++)
		if (strcmp(ch->rows[i].id, c->forked_from) == 0)
			title = ch->rows[i].title;
	return conv_fork_label(title, c->forked_from, c->fork_question);
}

/* ---- small edits: rename, model, system prompt, feedback --------------- */

static void edit_work(struct job *j);

static void edit_done(struct job *j)
{
	if (j->rc < 0)
		chat_set_error(j->ch, j->cause);
}

static void edit_release(struct job *j)
{
	free(j->u.edit.conv_id);
	free(j->u.edit.value);
	free(j->u.edit.msg_id);
	job_msgs_release(&j->u.edit.msgs);
}

const struct job_kind JOB_RENAME = {"rename", true, edit_work, edit_done, edit_release};
const struct job_kind JOB_SET_MODEL = {"set-model", true, edit_work, edit_done, edit_release};
const struct job_kind JOB_SET_SYSTEM = {"set-system", true, edit_work, edit_done, edit_release};
static const struct job_kind JOB_FEEDBACK = {"feedback", true, edit_work, edit_done, edit_release};

static void edit_work(struct job *j)
{
	struct job_edit *e = &j->u.edit;
	struct store *st = job_store(j);
	const char *uid = j->ch->be.x.user_id;
	if (st == NULL)
		return;
	int rc;
	if (j->kind == &JOB_RENAME)
		rc = store_conv_rename(st, uid, e->conv_id, e->value, &j->cause);
	else if (j->kind == &JOB_SET_MODEL)
		rc = store_conv_set_model(st, uid, e->conv_id, e->value, &j->cause);
	else if (j->kind == &JOB_SET_SYSTEM)
		rc = store_conv_set_system(st, uid, e->conv_id, e->value, &j->cause);
	else
		rc = store_msg_feedback(st, uid, e->conv_id, e->msg_id, e->feedback, &j->cause);
	j->rc = rc < 0 ? -1 : 0;
}

static void submit_edit(struct chat *ch, const struct job_kind *kind, const char *conv_id,
                        const char *value)
{
	struct job *j = job_new(ch, kind);
	j->u.edit.conv_id = xstrdup(conv_id);
	j->u.edit.value = value ? xstrdup(value) : NULL;
	job_submit(ch, j);
}

/* ---- the list (F3, /convs) --------------------------------------------- */

static const struct job_kind JOB_LIST_TEXT;

/* The text of a conversation's last messages, for F3's filter ("" when none). */
static char *conv_text(struct store *st, const char *uid, const char *conv_id)
{
	struct store_msgs v = {0};
	struct buf b;
	buf_init(&b, CHAT_TEXT_INDEX_MAX);
	if (store_msg_last(st, uid, conv_id, CHAT_TEXT_INDEX_MESSAGES, &v, NULL) == 0)
		for (size_t i = 0; i < v.n; i++) {
			buf_add(&b, v.items[i]->text.data, v.items[i]->text.len);
			buf_add(&b, "\n", 1);
		}
	store_msgs_release(&v);
	return buf_steal(&b);
}

static void list_work(struct job *j)
{
	struct store *st = job_store(j);
	struct job_list *l = &j->u.list;
	const char *uid = j->ch->be.x.user_id;
	if (st == NULL)
		return;
	j->rc = store_conv_list(st, uid, 0, CHAT_LIST_LIMIT, &l->list, &j->cause);
	if (j->rc < 0 || j->kind != &JOB_LIST_TEXT)
		return;
	l->texts = xcalloc(l->list.n ? l->list.n : 1, sizeof *l->texts);
	for (size_t i = 0; i < l->list.n; i++)
		l->texts[i] = conv_text(st, uid, l->list.items[i].id);
}

/* /convs: one notice, a line for each conversation, newest first. */
static void list_show(struct chat *ch)
{
	if (ch->nrows == 0) {
		chat_notice(ch, "no stored conversations yet");
		return;
	}
	/* Columns line up: the numbers, the dates (a time alone for today, padded to
	 * a date and time's width when any row has one) and the ids. */
	long long now = wall_ms();
	char(*when)[32] = xcalloc(ch->nrows, sizeof *when);
	int wnum = snprintf(NULL, 0, "%zu", ch->nrows), wwhen = 0, wid = 0;
	for (size_t i = 0; i < ch->nrows; i++) {
		when_short(ch->rows[i].updated_ms, now, when[i], sizeof when[i]);
		int w = (int)strlen(when[i]), n = (int)strlen(ch->rows[i].id);
		wwhen = w > wwhen ? w : wwhen;
		wid = n > wid ? n : wid;
	}
	struct buf b;
	buf_init(&b, BUF_TEXT_MAX);
	for (size_t i = 0; i < ch->nrows; i++) {
		const char *id = ch->rows[i].id;
		const char *title = ch->rows[i].title[0] ? ch->rows[i].title : "untitled";
		char *count = xasprintf(" (%ld message%s)", ch->rows[i].nmessages,
		                        ch->rows[i].nmessages == 1 ? "" : "s");
		/*
		 * One row an entry: a title too long for what the number, date, id and
		 * count leave of the history's width (its body is two columns narrower)
		 * is shortened with "…" rather than wrapped under the number.
		 */
		size_t keep = strlen(title);
		if (ch->cols > 0) {
			int room =
			    ch->cols - 2 - (wnum + 2 + wwhen + 2 + wid + 2) - (int)strlen(count);
			keep = status_cut_bytes(title, room > 8 ? room : 8);
		}
		buf_addf(&b, "%s%*zu. %*s  %s%*s  %.*s%s%s", i ? "\n" : "", wnum, i + 1, wwhen,
		         when[i], id, wid - (int)strlen(id), "", (int)keep, title,
		         title[keep] ? "…" : "", count);
		free(count);
		if (ch->rows[i].fork != NULL)
			buf_addf(&b, "\n    %s", ch->rows[i].fork);
	}
	free(when);
	chat_notice(ch, "%s", b.data);
	buf_release(&b);
}

/* The answer or the error has come: /convs is no longer being read. */
static void list_shown(struct job *j)
{
	struct chat *ch = j->ch;
	if (j->u.list.show && ch->listing > 0) {
		ch->listing--;
		chat_dirty(ch, CHAT_DIRTY_STATUS);
	}
}

static void list_done(struct job *j)
{
	struct chat *ch = j->ch;
	list_shown(j);
	if (j->rc < 0) {
		if (j->kind == &JOB_LIST_TEXT)
			return; /* the titles still filter */
		store_read_failed(ch, j, "the list of conversations");
		return;
	}
	if (j->kind == &JOB_LIST_TEXT) {
		chat_set_row_texts(ch, &j->u.list.list, j->u.list.texts);
		return;
	}
	chat_set_rows(ch, &j->u.list.list);
	if (j->u.list.show)
		list_show(ch);
}

static void list_release(struct job *j)
{
	struct job_list *l = &j->u.list;
	for (size_t i = 0; l->texts != NULL && i < l->list.n; i++)
		free(l->texts[i]);
	free(l->texts);
	store_conv_list_release(&l->list);
}

const struct job_kind JOB_LIST = {"list", false, list_work, list_done, list_release};
static const struct job_kind JOB_LIST_TEXT = {"list-text", false, list_work, list_done,
                                              list_release};

int chat_load_convs(struct chat *ch, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	job_submit(ch, job_new(ch, &JOB_LIST));
	/* The rows first; their text, for the filter, comes after. */
	job_submit(ch, job_new(ch, &JOB_LIST_TEXT));
	return 0;
}

int chat_list_convs(struct chat *ch, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	struct job *j = job_new(ch, &JOB_LIST);
	j->u.list.show = true;
	/* A hung store (a stalled MongoDB) takes its time to fail: say why nothing shows. */
	ch->listing++;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	job_submit(ch, j);
	return 0;
}

const char *chat_reading(const struct chat *ch, const char **brief)
{
	if (ch->listing == 0)
		return NULL;
	if (brief != NULL)
		*brief = "listing…";
	return "listing conversations…";
}

/* ---- /new and /clear --------------------------------------------------- */

int chat_new_conv(struct chat *ch, const char *title, char **cause)
{
	struct conv *c = conv_new();
	if (title != NULL && !chat_blank(title))
		c->title = xstrdup(title);
	chat_replace_conv(ch, c);
	chat_notice(ch, "new conversation%s%s", c->title ? ": " : "", c->title ? c->title : "");
	return 0;
}

/*
 * /clear starts over: the model forgets everything said so far, and so do
 * a reopen and an export, because the next question starts a new stored
 * conversation (the old one stays in the list). The model and the system
 * prompt stay.
 */
void chat_clear(struct chat *ch)
{
	struct conv *c = conv_new();
	c->model = xstrdup(ch->model);
	c->system_prompt = ch->system_prompt ? xstrdup(ch->system_prompt) : NULL;
	bool stored = ch->conv->id != NULL;
	chat_replace_conv(ch, c);
	if (stored)
		chat_notice(ch, "cleared; the next question starts a new conversation (the last "
		                "one stays in F3)");
}

/* ---- opening a stored conversation ------------------------------------- */

/*
 * A conversation named by what the user typed: a list number first (as
 * /convs numbers them), then an id, since SQLite ids are numbers too. With
 * exact (F3, which knows the id) only the id.
 */
static int resolve_conv(struct store *st, const char *uid, const char *arg, bool exact,
                        struct conv **out, char **cause)
{
	char *end = NULL;
	unsigned long idx = strtoul(arg, &end, 10);
	bool number = end != arg && *end == '\0' && idx > 0 && strlen(arg) < 7;
	if (!number || exact)
		return store_conv_get(st, uid, arg, out, cause);
	char *first = NULL;
	int rc = store_conv_get_index(st, uid, idx, out, &first);
	if (rc == 0)
		return 0;
	rc = store_conv_get(st, uid, arg, out, cause);
	if (rc < 0) {
		free(*cause);
		*cause = first;
		return rc;
	}
	free(first);
	return 0;
}

static void open_work(struct job *j)
{
	struct job_open *o = &j->u.open;
	struct store *st = job_store(j);
	const char *uid = j->ch->be.x.user_id;
	if (st == NULL) {
		/* Only -C gets here without a login: /select asks for one first. */
		j->rc = set_cause(&j->cause,
		                  "log in first to open conversation %s (jarvis --login "
		                  "EMAIL): guests' chats are not stored",
		                  o->what);
		return;
	}
	j->rc = resolve_conv(st, uid, o->what, o->exact, &o->conv, &j->cause);
	if (j->rc == 0)
		j->rc =
		    store_msg_last(st, uid, o->conv->id, CHAT_LOAD_MESSAGES, &o->loaded, &j->cause);
}

/* Moves loaded messages into c, leaving out answers /retry replaced (man page: /retry). */
void chat_take_loaded(struct conv *c, struct store_msgs *v, bool front)
{
	size_t kept = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->status == MSG_REPLACED)
			msg_free(v->items[i]);
		else
			v->items[kept++] = v->items[i];
	}
	if (front)
		conv_prepend(c, v->items, kept);
	else
		for (size_t i = 0; i < kept; i++)
			conv_push(c, v->items[i]);
	free(v->items);
	v->items = NULL;
	v->n = 0;
}

/* A notice when model was shut down (or soon will be), naming its replacement. */
static void say_if_retired(struct chat *ch, const char *model, const char *whose)
{
	char today[16];
	utc_date(wall_ms(), today, sizeof today);
	char *line = models_retired_notice(model, today, "/model");
	if (line != NULL)
		chat_notice(ch, "%s%s", whose, line);
	free(line);
}

static void open_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_open *o = &j->u.open;
	if (o->ticket != ch->select_ticket)
		return; /* another /select came after this one */
	if (j->rc == STORE_NOTFOUND || j->rc == STORE_INVALID) {
		char *why = conv_missing_text(o->what, !o->at_start,
		                              o->at_start ? "jarvis --convs lists them"
		                                          : "/convs or F3 lists them");
		chat_set_error(ch, why);
		free(why);
		/* The line was taken when the command ran: it comes back to be corrected. */
		if (!o->at_start && o->typed != NULL) {
			free(ch->restore);
			ch->restore = xasprintf("/select %s", o->typed);
		}
		return;
	}
	if (j->rc < 0) {
		chat_set_error(ch, j->cause ? j->cause : "no such conversation");
		return;
	}
	if (o->conv == NULL)
		return; /* logged out on the way */
	struct conv *c = o->conv;
	o->conv = NULL;
	chat_take_loaded(c, &o->loaded, false);
	chat_replace_conv(ch, c);
	chat_notice(ch, "opened \"%s\"", c->title ? c->title : "untitled");
	char *link = chat_fork_label(ch, c);
	if (link != NULL)
		chat_notice(ch, "%s", link);
	free(link);
	say_if_retired(ch, ch->model, "this conversation's model ");
	size_t tampered = 0;
	for (size_t i = 0; i < c->n; i++)
		tampered += c->msgs[i]->status == MSG_TAMPERED;
	if (tampered > 0)
		chat_notice(ch,
		            "%zu message%s failed %s integrity check (tampered: changed, moved or "
		            "planted in the database); never sent to the model",
		            tampered, tampered == 1 ? "" : "s", tampered == 1 ? "its" : "their");
}

static void open_release(struct job *j)
{
	free(j->u.open.what);
	free(j->u.open.typed);
	conv_free(j->u.open.conv);
	store_msgs_release(&j->u.open.loaded);
}

static const struct job_kind JOB_OPEN = {"open", false, open_work, open_done, open_release};

/*
 * The id of conversation N of the list the user last saw (/convs, F3), or
 * NULL when `what` is not such a number: then the worker resolves it (a
 * list number in the current order first, then an id).
 */
static const char *listed_id(const struct chat *ch, const char *what)
{
	char *end = NULL;
	unsigned long n = strtoul(what, &end, 10);
	if (end == what || *end != '\0' || n == 0 || n > ch->nrows)
		return NULL;
	return ch->rows[n - 1].id;
}

static int select_conv(struct chat *ch, const char *what, bool by_id, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	/* What cannot be an id is refused at once; the store says for the rest. */
	if (!by_id && !conv_id_shaped(what)) {
		char *why = conv_missing_text(what, true, "/convs or F3 lists them");
		set_cause(cause, "%s", why);
		free(why);
		return -1;
	}
	const char *id = by_id ? what : listed_id(ch, what);
	struct job *j = job_new(ch, &JOB_OPEN);
	j->u.open.what = xstrdup(id ? id : what);
	j->u.open.typed = by_id ? NULL : xstrdup(what);
	j->u.open.exact = id != NULL;
	j->u.open.ticket = ++ch->select_ticket;
	job_submit(ch, j);
	/* The conversation on screen stays until the new one arrives (chat_replace_conv). */
	return 0;
}

int chat_select(struct chat *ch, const char *id_or_index, char **cause)
{
	return select_conv(ch, id_or_index, false, cause);
}

void chat_open_at_start(struct chat *ch, const char *id)
{
	struct job *j = job_new(ch, &JOB_OPEN);
	j->u.open.what = xstrdup(id);
	j->u.open.exact = true;
	j->u.open.at_start = true;
	j->u.open.ticket = ++ch->select_ticket;
	job_submit(ch, j);
}

int chat_open_id(struct chat *ch, const char *id, char **cause)
{
	return select_conv(ch, id, true, cause);
}

/* ---- paging older messages in ------------------------------------------ */

static void older_work(struct job *j)
{
	struct job_older *o = &j->u.older;
	struct store *st = job_store(j);
	if (st != NULL)
		j->rc = store_msg_before(st, j->ch->be.x.user_id, o->conv_id, o->before,
		                         CHAT_OLDER_PAGE, &o->loaded, &j->cause);
}

static void older_done(struct job *j)
{
	struct chat *ch = j->ch;
	ch->older_loading = false;
	if (j->rc < 0) {
		chat_set_error(ch, j->cause);
		return;
	}
	if (!job_current(j))
		return;
	if (j->u.older.loaded.n < CHAT_OLDER_PAGE)
		ch->older_done = true;
	size_t before = ch->conv->n;
	chat_take_loaded(ch->conv, &j->u.older.loaded, true);
	ch->prepended += ch->conv->n - before;
	chat_dirty(ch, CHAT_DIRTY_HISTORY);
}

static void older_release(struct job *j)
{
	free(j->u.older.conv_id);
	store_msgs_release(&j->u.older.loaded);
}

static const struct job_kind JOB_OLDER = {"older", false, older_work, older_done, older_release};

bool chat_load_older(struct chat *ch)
{
	const struct conv *c = ch->conv;
	if (ch->user_name == NULL || c->id == NULL || ch->older_loading || ch->older_done)
		return false;
	long first = 0;
	for (size_t i = 0; i < c->n && first == 0; i++)
		first = c->msgs[i]->seq;
	if (first <= 1) {
		ch->older_done = true;
		return false;
	}
	struct job *j = job_new(ch, &JOB_OLDER);
	j->u.older.conv_id = xstrdup(c->id);
	j->u.older.before = first;
	ch->older_loading = true;
	job_submit(ch, j);
	return true;
}

/* ---- rename and delete ------------------------------------------------- */

int chat_rename(struct chat *ch, const char *title, char **cause)
{
	if (chat_blank(title))
		return set_cause(cause, "give the new title: /rename TITLE");
	free(ch->conv->title);
	ch->conv->title = xstrdup(title);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	if (ch->user_name != NULL && ch->conv->id != NULL)
		submit_edit(ch, &JOB_RENAME, ch->conv->id, title);
	return 0;
}

int chat_rename_id(struct chat *ch, const char *id, const char *title, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	if (chat_blank(title))
		return set_cause(cause, "the title is empty");
	if (ch->conv->id != NULL && strcmp(ch->conv->id, id) == 0)
		return chat_rename(ch, title, cause);
	submit_edit(ch, &JOB_RENAME, id, title);
	job_submit(ch, job_new(ch, &JOB_LIST));
	return 0;
}

static void delete_work(struct job *j)
{
	struct job_open *o = &j->u.open;
	struct store *st = job_store(j);
	struct backend *be = &j->ch->be;
	if (st == NULL)
		return;
	j->rc = resolve_conv(st, be->x.user_id, o->what, o->exact, &o->conv, &j->cause);
	if (j->rc == 0)
		j->rc = store_conv_delete(st, be->x.user_id, o->conv->id, &j->cause);
	if (j->rc == 0 && be->x.conv_id != NULL && strcmp(be->x.conv_id, o->conv->id) == 0)
		exchange_set_conv(&be->x, NULL);
}

static void delete_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct conv *gone = j->u.open.conv;
	if (j->rc < 0) {
		chat_set_error(ch, j->cause);
		return;
	}
	const char *title = gone->title ? gone->title : "untitled";
	if (ch->conv->id != NULL && strcmp(ch->conv->id, gone->id) == 0) {
		/* The screen empties: the notice goes on the new one, or nothing says why. */
		chat_replace_conv(ch, conv_new());
		chat_notice(ch,
		            "deleted \"%s\", the conversation that was on screen; this is a "
		            "new one",
		            title);
	} else {
		chat_notice(ch, "deleted \"%s\"", title);
	}
}

static const struct job_kind JOB_DELETE = {"delete", true, delete_work, delete_done, open_release};

static void probe_work(struct job *j)
{
	struct job_open *o = &j->u.open;
	struct store *st = job_store(j);
	if (st != NULL)
		j->rc = resolve_conv(st, j->ch->be.x.user_id, o->what, false, &o->conv, &j->cause);
}

static void probe_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_open *o = &j->u.open;
	if (o->ticket != ch->probe_ticket)
		return; /* another /delete came after this one */
	if (j->rc == STORE_NOTFOUND || j->rc == STORE_INVALID) {
		char *why = conv_missing_text(o->what, true, "/convs or F3 lists them");
		chat_set_error(ch, why);
		free(why);
		free(ch->restore);
		ch->restore = xasprintf("/delete %s", o->what);
		return;
	}
	if (j->rc < 0) {
		chat_set_error(ch, j->cause ? j->cause : "the store failed");
		return;
	}
	if (o->conv == NULL)
		return; /* logged out on the way */
	free(ch->delete_id);
	free(ch->delete_title);
	ch->delete_id = xstrdup(o->conv->id);
	ch->delete_title =
	    xstrdup(o->conv->title && o->conv->title[0] ? o->conv->title : "untitled");
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

static const struct job_kind JOB_PROBE = {"probe", false, probe_work, probe_done, open_release};

int chat_delete_probe(struct chat *ch, const char *what, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	struct job *j = job_new(ch, &JOB_PROBE);
	j->u.open.what = xstrdup(what);
	j->u.open.ticket = ++ch->probe_ticket;
	job_submit(ch, j);
	return 0;
}

bool chat_take_delete_ask(struct chat *ch, char **id, char **title)
{
	if (ch->delete_id == NULL)
		return false;
	*id = ch->delete_id;
	*title = ch->delete_title;
	ch->delete_id = NULL;
	ch->delete_title = NULL;
	return true;
}

static int delete_conv(struct chat *ch, const char *target, bool exact)
{
	struct job *j = job_new(ch, &JOB_DELETE);
	j->u.open.what = xstrdup(target);
	j->u.open.exact = exact;
	job_submit(ch, j);
	job_submit(ch, job_new(ch, &JOB_LIST));
	return 0;
}

int chat_delete(struct chat *ch, const char *id, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	const char *target = id ? id : ch->conv->id;
	if (target == NULL)
		return set_cause(cause,
		                 "this conversation is not stored; /delete ID deletes another");
	/* Without an id: this conversation; a list number: the row the user saw. */
	const char *listed = id != NULL ? listed_id(ch, id) : NULL;
	if (listed != NULL)
		return delete_conv(ch, listed, true);
	return delete_conv(ch, target, id == NULL);
}

int chat_delete_id(struct chat *ch, const char *id, char **cause)
{
	if (chat_need_login(ch, cause) == -1)
		return -1;
	return delete_conv(ch, id, true);
}

/* ---- model, system prompt, feedback ------------------------------------ */

int chat_set_model(struct chat *ch, const char *id, char **cause)
{
	if (!model_id_ok(id))
		return set_cause(cause, "\"%s\" is not a model id; F2 lists them", id);
	free(ch->model);
	ch->model = xstrdup(id);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	chat_count_quota(ch);
	/* Here, so /model ID and the F2 picker confirm alike. */
	chat_notice(ch, "model: %s from the next question on", ch->model);
	if (models_retirement(id) != NULL)
		say_if_retired(ch, id, "");
	else if (models_find(&ch->models, id) == NULL)
		chat_notice(ch, "model %s is not in the known list; the API will say if it exists",
		            id);
	if (ch->user_name != NULL && ch->conv->id != NULL)
		submit_edit(ch, &JOB_SET_MODEL, ch->conv->id, id);
	return 0;
}

int chat_set_system(struct chat *ch, const char *prompt, char **cause)
{
	free(ch->system_prompt);
	ch->system_prompt = prompt && !chat_blank(prompt) ? xstrdup(prompt) : NULL;
	if (ch->user_name != NULL && ch->conv->id != NULL)
		submit_edit(ch, &JOB_SET_SYSTEM, ch->conv->id, ch->system_prompt);
	return 0;
}

int chat_feedback(struct chat *ch, int value, char **cause)
{
	struct msg *m = NULL;
	for (size_t i = ch->conv->n; i-- > 0 && m == NULL;)
		if (ch->conv->msgs[i]->role == ROLE_MODEL)
			m = ch->conv->msgs[i];
	if (m == NULL)
		return set_cause(cause, "there is no answer to rate yet");
	m->feedback = value;
	msg_changed(m);
	chat_dirty(ch, CHAT_DIRTY_HISTORY);
	/* The header's mark may be scrolled away: say which answer was rated. */
	char *what = msg_title(m);
	chat_notice(ch, "%s the last answer (\"%s\")", value > 0 ? "liked" : "disliked", what);
	free(what);
	if (ch->user_name == NULL || ch->conv->id == NULL || m->id == NULL)
		return 0;
	struct job *j = job_new(ch, &JOB_FEEDBACK);
	j->u.edit.conv_id = xstrdup(ch->conv->id);
	j->u.edit.msg_id = xstrdup(m->id);
	j->u.edit.feedback = value;
	job_submit(ch, j);
	return 0;
}

/* ---- /export ----------------------------------------------------------- */

/*
 * One exporter with --export: a stored conversation is read back from the
 * store (its title, times and every message, not only those on screen);
 * a guest's is the screen's, titled and timed by export_markdown as storing
 * would have. Both are written by exporter_write.
 */
static void export_work(struct job *j)
{
	struct job_export *e = &j->u.export;
	struct store *st = job_store(j);
	j->rc = 0;
	if (st != NULL && e->conv->id != NULL) {
		struct conv *stored = NULL;
		if (exporter_load(st, j->ch->be.x.user_id, e->conv->id, &stored, &j->cause) < 0) {
			j->rc = -1;
			return;
		}
		conv_free(e->conv);
		e->conv = stored;
	}
	free(j->cause);
	j->cause = NULL;
	char *md = export_markdown(e->conv, (const struct msg *const *)e->conv->msgs, e->conv->n);
	e->nmsgs = e->conv->n;
	if (exporter_write(e->path, md, &j->cause) != EXPORTER_OK)
		j->rc = -1;
	free(md);
}

static void export_done(struct job *j)
{
	if (j->rc < 0) {
		chat_set_error(j->ch, j->cause);
		if (j->u.export.line != NULL) {
			free(j->ch->restore);
			j->ch->restore = j->u.export.line;
			j->u.export.line = NULL;
		}
	} else {
		chat_notice(j->ch, "exported to %s", j->u.export.path);
	}
}

static void export_release(struct job *j)
{
	free(j->u.export.path);
	free(j->u.export.line);
	conv_free(j->u.export.conv);
}

static const struct job_kind JOB_EXPORT = {"export", false, export_work, export_done,
                                           export_release};

int chat_export(struct chat *ch, const char *path, const char *line, char **cause)
{
	struct job *j = job_new(ch, &JOB_EXPORT);
	struct conv *c = conv_new();
	const struct conv *src = ch->conv;
	c->id = src->id ? xstrdup(src->id) : NULL;
	c->title = src->title ? xstrdup(src->title) : NULL;
	c->model = xstrdup(ch->model);
	c->system_prompt = ch->system_prompt ? xstrdup(ch->system_prompt) : NULL;
	c->created_ms = src->created_ms;
	c->updated_ms = src->updated_ms;
	for (size_t i = 0; i < src->n; i++)
		if (src->msgs[i]->role != ROLE_NOTICE)
			conv_push(c, msg_clone(src->msgs[i]));
	j->u.export.conv = c;
	j->u.export.path = xstrdup(path);
	j->u.export.line = line ? xstrdup(line) : NULL;
	job_submit(ch, j);
	return 0;
}
