/*
 * state.c: the session's state and what the screen reads of it (see
 * chat.h): the accessors, the dirty bits, the error line, freeing it. It
 * calls no other file of src/chat: the files of each concern call it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/attach.h"
#include "jarvis/config.h"
#include "jarvis/gemini.h"
#include "jarvis/gemini_files.h"
#include "jarvis/gemini_request.h"
#include "jarvis/loop.h"
#include "jarvis/profile.h"
#include "jarvis/util.h"
#include "jarvis/worker.h"

void chat_dirty(struct chat *ch, unsigned bits)
{
	ch->dirty |= bits;
}

void chat_set_error(struct chat *ch, const char *msg)
{
	ch->error_posted = false;
	free(ch->error);
	ch->error = msg ? xstrdup(msg) : NULL;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

bool chat_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

void chat_notice(struct chat *ch, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	conv_add(ch->conv, ROLE_NOTICE, s);
	free(s);
	chat_dirty(ch, CHAT_DIRTY_HISTORY);
}

int chat_need_login(struct chat *ch, char **cause)
{
	if (ch->user_name == NULL)
		return set_cause(cause,
		                 "log in first (/login EMAIL): guests' chats are not stored");
	return 0;
}

static void models_fetched(void *ud, const char *error)
{
	struct chat *ch = ud;
	ch->models_pending = false;
	models_sort(&ch->models);
	chat_dirty(ch, CHAT_DIRTY_MODELS | CHAT_DIRTY_STATUS);
	/* A failed list is not worth an alarm: the built-in table still works. */
}

void chat_fetch_models(struct chat *ch)
{
	if (ch->models_asked || ch->cfg->api_key == NULL || ch->cfg->api_key[0] == '\0')
		return;
	ch->models_asked = true;
	ch->models_pending = true;
	struct gemini_target t = {.base_url = ch->cfg->base_url, .api_key = ch->cfg->api_key};
	if (gemini_fetch_models(ch->loop, &t, &ch->models, models_fetched, ch, NULL) == -1)
		ch->models_pending = false;
}

static void free_rows(struct chat *ch)
{
	for (size_t i = 0; i < ch->nrows; i++) {
		free(ch->rows[i].id);
		free(ch->rows[i].title);
		free(ch->rows[i].text);
		free(ch->rows[i].fork);
	}
	free(ch->rows);
	ch->rows = NULL;
	ch->nrows = 0;
}

/* The text an old row of this id had (taken), or NULL. */
static char *take_row_text(struct chat_conv_row *old, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (old[i].text != NULL && strcmp(old[i].id, id) == 0) {
			char *t = old[i].text;
			old[i].text = NULL;
			return t;
		}
	return NULL;
}

/* Row i's link to the conversation it was forked from, titled when that one is listed. */
static char *fork_label(const struct store_conv_list *list, size_t i)
{
	const struct store_conv_info *ci = &list->items[i];
	if (ci->forked_from == NULL)
		return NULL;
	for (size_t k = 0; k < list->n; k++)
		if (strcmp(list->items[k].id, ci->forked_from) == 0)
			return conv_fork_label(list->items[k].title ? list->items[k].title : "",
			                       ci->forked_from, ci->fork_question);
	return conv_fork_label(NULL, ci->forked_from, ci->fork_question);
}

void chat_edit_forget(struct chat *ch)
{
	free(ch->edit.conv_id);
	memset(&ch->edit, 0, sizeof ch->edit);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

void chat_set_rows(struct chat *ch, const struct store_conv_list *list)
{
	struct chat_conv_row *old = ch->rows;
	size_t nold = ch->nrows;
	ch->nrows = list->n;
	ch->rows = xcalloc(list->n ? list->n : 1, sizeof(*ch->rows));
	for (size_t i = 0; i < list->n; i++) {
		ch->rows[i].id = xstrdup(list->items[i].id);
		ch->rows[i].title = xstrdup(list->items[i].title ? list->items[i].title : "");
		ch->rows[i].updated_ms = list->items[i].updated_ms;
		ch->rows[i].nmessages = list->items[i].nmessages;
		/* A reload (after a rename) keeps the text already loaded. */
		ch->rows[i].text = take_row_text(old, nold, ch->rows[i].id);
		ch->rows[i].fork = fork_label(list, i);
	}
	struct chat_conv_row *fresh = ch->rows;
	size_t nfresh = ch->nrows;
	ch->rows = old;
	ch->nrows = nold;
	free_rows(ch);
	ch->rows = fresh;
	ch->nrows = nfresh;
	ch->rows_known = true;
	chat_dirty(ch, CHAT_DIRTY_CONVS);
}

void chat_set_row_texts(struct chat *ch, const struct store_conv_list *list, char **texts)
{
	for (size_t i = 0; i < list->n; i++)
		for (size_t k = 0; k < ch->nrows && texts[i] != NULL; k++)
			if (strcmp(ch->rows[k].id, list->items[i].id) == 0) {
				free(ch->rows[k].text);
				ch->rows[k].text = texts[i];
				texts[i] = NULL;
			}
	chat_dirty(ch, CHAT_DIRTY_CONVS);
}

void chat_free(struct chat *ch)
{
	if (ch == NULL)
		return;
	ch->closing = true;
	loop_timer_cancel(ch->loop, ch->sync_timer);
	loop_timer_cancel(ch->loop, ch->quota_timer);
	ch->sync_timer = ch->quota_timer = 0;
	if (ch->call != NULL)
		gemini_stream_cancel(ch->call);
	gemini_uploads_cancel(ch->upload);
	ch->upload = NULL;
	/* The model list has no cancel: give it a moment to end, so nothing is left behind. */
	for (int i = 0; ch->models_pending && i < 40; i++)
		loop_run_once(ch->loop, 50);
	/* Runs the queued writes; their done callbacks start nothing new now. */
	if (!worker_drain(ch->worker, 500))
		fprintf(stderr, "jarvis: saving what waits for the store (MongoDB may be slow to "
		                "answer)…\n");
	worker_free(ch->worker);
	/* The worker is gone: the backend is this thread's now. A last try. */
	char *why = NULL;
	size_t left = ch->be.x.st != NULL ? exchange_flush(&ch->be.x, &why) : 0;
	if (left > 0)
		fprintf(stderr,
		        "jarvis: %s; %zu message%s of this session could not be saved for lack of "
		        "space\n",
		        why ? why : "store: no space left", left, left == 1 ? "" : "s");
	free(why);
	profile_free(ch->be.profile);
	exchange_clear(&ch->be.x);
	free(ch->be.notices);
	conv_free(ch->conv);
	models_release(&ch->models);
	free(ch->model);
	free(ch->system_prompt);
	free(ch->thinking);
	free(ch->web);
	chat_detach(ch);
	free(ch->user_name);
	free(ch->user_id);
	free(ch->restore);
	free(ch->delete_id);
	free(ch->delete_title);
	free(ch->files_error);
	free(ch->files_msgs);
	free(ch->activity);
	free(ch->error);
	free(ch->store_state);
	free(ch->quota_model);
	free_rows(ch);
	free(ch->edit.conv_id);
	free(ch);
}

/* ---- what the screen reads --------------------------------------------- */

const struct conv *chat_conv(const struct chat *ch)
{
	return ch->conv;
}

const char *chat_model(const struct chat *ch)
{
	return ch->model;
}

char *chat_take_restore(struct chat *ch)
{
	char *s = ch->restore;
	ch->restore = NULL;
	return s;
}

size_t chat_take_prepended(struct chat *ch)
{
	size_t n = ch->prepended;
	ch->prepended = 0;
	return n;
}

unsigned chat_epoch(const struct chat *ch)
{
	return ch->epoch_base + ch->conv->epoch;
}

unsigned chat_conv_serial(const struct chat *ch)
{
	return ch->serial;
}

const struct model_list *chat_models(const struct chat *ch)
{
	return &ch->models;
}

const char *chat_user(const struct chat *ch)
{
	return ch->user_name;
}

bool chat_streaming(const struct chat *ch)
{
	return ch->call != NULL || ch->awaiting_store || ch->upload != NULL;
}

double chat_rate(const struct chat *ch)
{
	if (ch->call == NULL)
		return 0;
	long long ms = now_ms() - ch->stream_started_ms;
	if (ms < 200)
		return 0;
	/* About four bytes a token for the languages Gemini mostly sees. */
	return (double)ch->stream_bytes / 4.0 / ((double)ms / 1000.0);
}

const char *chat_store_state(const struct chat *ch)
{
	return ch->store_state ? ch->store_state : "";
}

const char *chat_error(const struct chat *ch)
{
	return ch->error;
}

void chat_clear_error(struct chat *ch)
{
	if (ch->error != NULL)
		chat_set_error(ch, NULL);
}

void chat_notice_above_answer(struct chat *ch, const char *line)
{
	struct msg *a = ch->answer;
	bool before = a != NULL && a->text.len == 0 && a->thoughts.len == 0 &&
	              conv_last(ch->conv) == a && conv_take(ch->conv, a);
	chat_notice(ch, "%s", line);
	if (before)
		conv_push(ch->conv, a);
}

void chat_post_error(struct chat *ch)
{
	if (ch->error == NULL || ch->error_posted)
		return;
	ch->error_posted = true;
	chat_notice_above_answer(ch, ch->error);
}

long long chat_wait_left(const struct chat *ch, int *try_no, int *tries)
{
	if (ch->wait_until_ms == 0 || ch->call == NULL)
		return 0;
	long long left = ch->wait_until_ms - now_ms();
	if (left <= 0)
		return 0;
	if (try_no != NULL)
		*try_no = ch->wait_try;
	if (tries != NULL)
		*tries = ch->wait_tries;
	return left;
}

bool chat_error_posted(const struct chat *ch)
{
	return ch->error_posted;
}

size_t chat_pending_images(const struct chat *ch)
{
	return ch->npending;
}

const struct chat_conv_row *chat_conv_rows(const struct chat *ch, size_t *n)
{
	*n = ch->nrows;
	return ch->rows;
}

bool chat_conv_known(const struct chat *ch, const char *what, const char **title)
{
	/* A number is a list number first, as chat_delete and the store read it. */
	char *end = NULL;
	unsigned long k = strtoul(what, &end, 10);
	if (end != what && *end == '\0') {
		if (!ch->rows_known || k == 0 || k > ch->nrows)
			return false;
		*title = ch->rows[k - 1].title[0] ? ch->rows[k - 1].title : "untitled";
		return true;
	}
	if (ch->conv->id != NULL && strcmp(ch->conv->id, what) == 0) {
		*title = ch->conv->title ? ch->conv->title : "untitled";
		return true;
	}
	for (size_t i = 0; ch->rows_known && i < ch->nrows; i++) {
		if (strcmp(ch->rows[i].id, what) == 0) {
			*title = ch->rows[i].title[0] ? ch->rows[i].title : "untitled";
			return true;
		}
	}
	return false;
}

unsigned chat_take_dirty(struct chat *ch)
{
	unsigned d = ch->dirty;
	ch->dirty = 0;
	return d;
}

const char *chat_system(const struct chat *ch)
{
	return ch->system_prompt ? ch->system_prompt : ch->cfg->system_prompt;
}

int chat_set_thinking(struct chat *ch, const char *level, char **cause)
{
	struct gemini_thinking t;
	if (gemini_thinking_parse(level, &t) == -1)
		return set_cause(cause,
		                 "/think takes auto, off, minimal, low, medium, high or a "
		                 "token budget from -1 to 32768, not \"%s\"",
		                 level);
	free(ch->thinking);
	ch->thinking = xstrdup(level);
	return 0;
}

const char *chat_conv_thinking(const struct chat *ch)
{
	return ch->thinking ? ch->thinking : conv_thinking(ch->conv);
}

const char *chat_thinking(const struct chat *ch)
{
	const char *own = chat_conv_thinking(ch);
	return own ? own : ch->cfg->thinking;
}

int chat_set_web(struct chat *ch, const char *on_off, char **cause)
{
	if (strcmp(on_off, "on") != 0 && strcmp(on_off, "off") != 0)
		return set_cause(cause, "/web takes on or off, not \"%s\"", on_off);
	free(ch->web);
	ch->web = xstrdup(on_off);
	return 0;
}

const char *chat_conv_web(const struct chat *ch)
{
	return ch->web ? ch->web : conv_web(ch->conv);
}

bool chat_web(const struct chat *ch)
{
	const char *own = chat_conv_web(ch);
	return own ? strcmp(own, "on") == 0 : ch->cfg->web;
}

bool chat_toggle_thoughts(struct chat *ch)
{
	ch->thoughts_open = !ch->thoughts_open;
	chat_dirty(ch, CHAT_DIRTY_HISTORY);
	return ch->thoughts_open;
}

bool chat_thoughts_open(const struct chat *ch)
{
	return ch->thoughts_open;
}

void chat_set_cols(struct chat *ch, int cols)
{
	ch->cols = cols > 0 ? cols : 0;
}

const char *chat_last_thoughts(const struct chat *ch)
{
	for (size_t i = ch->conv->n; i-- > 0;) {
		const struct msg *m = ch->conv->msgs[i];
		if (m->role == ROLE_MODEL)
			return m->thoughts.len > 0 ? m->thoughts.data : NULL;
	}
	return NULL;
}

int chat_attach(struct chat *ch, const char *path, char **cause)
{
	struct image img;
	struct attach_limits lim = attach_limits_of(ch->cfg);
	if (attach_load(path, &lim, &img, cause) == -1)
		return -1;
	ch->pending = xrealloc(ch->pending, (ch->npending + 1) * sizeof(*ch->pending));
	ch->pending[ch->npending++] = img;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	return 0;
}

void chat_detach(struct chat *ch)
{
	for (size_t i = 0; i < ch->npending; i++)
		attach_image_release(&ch->pending[i]);
	free(ch->pending);
	ch->pending = NULL;
	ch->npending = 0;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

void chat_quit(struct chat *ch)
{
	chat_dirty(ch, CHAT_DIRTY_QUIT);
}
