/*
 * send.c: one question and its answer in the chat, through the exchange
 * module (exchange.h) that -p uses too: the question is checked against
 * the quota and stored on the worker (QUESTION), then the request leaves,
 * the answer is stored as interrupted and the request counted (ANSWER),
 * checkpointed every CHECKPOINT_MS and finalised (UPDATE). Also /stop
 * and /retry. The quota line and its count are usage.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/config.h"
#include "jarvis/gemini.h"
#include "jarvis/loop.h"
#include "jarvis/util.h"

static int start_answer(struct chat *ch, char **cause);
static void mark_answer_replaced(struct chat *ch, struct msg *m);

/* ---- the question ------------------------------------------------------ */

static void question_work(struct job *j)
{
	struct job_question *q = &j->u.question;
	struct backend *be = &j->ch->be;
	struct store *st = job_store(j);
	if (j->rc < 0)
		return;
	struct quota_source src = backend_quota(be);
	char *why = NULL;
	if ((q->rpm > 0 || q->rpd > 0) &&
	    quota_count(&src, q->meta.model, q->rpm, q->rpd, wall_ms(), &q->use, &why) == 0)
		q->refused = quota_refusal(&src, &q->use, q->meta.model, q->rpm, q->rpd);
	free(why);
	if (q->refused != NULL || st == NULL)
		return;
	if (backend_conv(be, j, &q->meta, q->msgs.copies[0]) == NULL)
		return;
	struct exchange_conv ec = {q->meta.title, q->meta.model, q->meta.system_prompt};
	be->x.recreated = false;
	if (exchange_save_question(&be->x, &ec, q->msgs.copies[0], &j->cause) < 0)
		j->rc = -1;
	q->recreated = be->x.recreated;
	if (be->x.conv_id != NULL)
		q->conv_id = xstrdup(be->x.conv_id);
}

/*
 * The quota said no: the question leaves the screen and goes back to the
 * input, as a question a check on the loop refused would have stayed there.
 */
static void take_back(struct chat *ch, struct job *j)
{
	struct job_question *q = &j->u.question;
	struct msg *m = q->msgs.targets[0];
	if (job_targets_alive(j) && conv_take(ch->conv, m)) {
		free(ch->restore);
		ch->restore = xstrdup(m->text.data);
		/* Its images move back to wait for the next send. */
		ch->pending =
		    xrealloc(ch->pending, (ch->npending + m->nimages + 1) * sizeof(*ch->pending));
		for (size_t k = 0; k < m->nimages; k++)
			ch->pending[ch->npending++] = m->images[k];
		free(m->images);
		m->images = NULL;
		m->nimages = 0;
		msg_free(m);
		chat_dirty(ch, CHAT_DIRTY_HISTORY);
	}
	chat_notice(ch, "%s; your question is back in the input", q->refused);
}

/*
 * The conversation id a job stored into, for the screen's conversation.
 * first: the message the job stored first, whose msg_title the store
 * gave a new untitled conversation (exchange_conv); the screen takes the
 * same title, so /delete and the status line say what /convs says.
 */
static void take_conv_id(struct chat *ch, struct job *j, struct job_meta *meta, const char *conv_id,
                         bool recreated, const struct msg *first)
{
	if (!job_current(j) || conv_id == NULL)
		return;
	if (recreated) {
		free(ch->conv->id);
		ch->conv->id = xstrdup(conv_id);
		chat_notice(ch, "this conversation was deleted elsewhere; it goes on, from this "
		                "question, as a new stored conversation");
		chat_dirty(ch, CHAT_DIRTY_STATUS);
		return;
	}
	if (ch->conv->id != NULL)
		return;
	ch->conv->id = xstrdup(conv_id);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
	chat_catch_up(ch, meta);
	if (ch->conv->title == NULL && meta->title == NULL && first != NULL)
		ch->conv->title = msg_title(first);
}

static void question_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_question *q = &j->u.question;
	bool waited =
	    job_current(j) && ch->awaiting_store && q->ticket == ch->send_ticket && !ch->closing;
	if (q->refused != NULL) {
		if (q->ticket == ch->send_ticket)
			ch->awaiting_store = false;
		take_back(ch, j);
		chat_count_quota(ch);
		return;
	}
	if (j->rc < 0)
		store_failed(ch, j); /* the answer still comes: it is only not saved */
	else
		take_conv_id(ch, j, &q->meta, q->conv_id, q->recreated,
		             q->msgs.n > 0 ? q->msgs.copies[0] : NULL);
	job_give_ids(j, &q->msgs);
	if (!waited)
		return;
	ch->awaiting_store = false;
	char *cause = NULL;
	if (start_answer(ch, &cause) == -1) {
		chat_notice(ch, "%s", cause);
		free(cause);
	}
}

static void question_release(struct job *j)
{
	struct job_question *q = &j->u.question;
	job_meta_release(&q->meta);
	job_msgs_release(&q->msgs);
	free(q->refused);
	free(q->conv_id);
}

static const struct job_kind JOB_QUESTION = {"question", true, question_work, question_done,
                                             question_release};

/* The checks that must pass before a message is taken from the input. */
static int check_send(struct chat *ch, const char *text, char **cause)
{
	if (ch->upload != NULL)
		return set_cause(cause, "attachments are on their way to the Files API; press Esc "
		                        "to stop them first");
	if (ch->call != NULL || ch->awaiting_store)
		return set_cause(cause, "an answer is still coming; press Esc to stop it first");
	if (chat_blank(text) && ch->npending == 0)
		return set_cause(cause, "type a message first");
	if (exchange_check_size(ch->cfg, strlen(text), ch->pending, ch->npending,
	                        "/detach some images", cause) == -1)
		return -1;
	if (chat_check_context(ch, text, cause) == -1)
		return -1;
	if (ch->cfg->api_key == NULL || ch->cfg->api_key[0] == '\0')
		return set_cause(cause,
		                 "no API key: set GEMINI_API_KEY or [gemini] api_key in "
		                 "the config (get one at https://aistudio.google.com/apikey)");
	return 0;
}

int chat_send(struct chat *ch, const char *text, char **cause)
{
	if (check_send(ch, text, cause) == -1)
		return -1;
	ch->refiled = false; /* a new question may be asked again once, if its files go */
	if (ch->edit.send != NULL)
		return ch->edit.send(ch, text, cause); /* /edit: asked in a fork (edit.c) */
	struct msg *m = conv_add(ch->conv, ROLE_USER, text);
	m->model = xstrdup(ch->model);
	/* Kept with the question, so the conversation thinks the same way when reopened. */
	const char *think = chat_conv_thinking(ch);
	m->thinking = think ? xstrdup(think) : NULL;
	const char *web = chat_conv_web(ch);
	m->web = web ? xstrdup(web) : NULL;
	for (size_t i = 0; i < ch->npending; i++)
		msg_add_image(m, &ch->pending[i]);
	/* The request goes out once the quota said yes and the question is stored. */
	struct job *j = job_new(ch, &JOB_QUESTION);
	struct job_question *q = &j->u.question;
	job_meta_fill(ch, &q->meta);
	chat_limits(ch, ch->model, &q->rpm, &q->rpd);
	q->ticket = ++ch->send_ticket;
	job_add_msg(&q->msgs, m);
	job_submit(ch, j);
	ch->awaiting_store = true;
	chat_detach(ch);
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	return 0;
}

/*
 * The conversation was just created from what this job carried; a /rename,
 * /system or /model given while it was on its way only changed the screen.
 */
static bool differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

static void edit(struct chat *ch, const struct job_kind *kind, const char *value)
{
	struct job *j = job_new(ch, kind);
	j->u.edit.conv_id = xstrdup(ch->conv->id);
	j->u.edit.value = value ? xstrdup(value) : NULL;
	job_submit(ch, j);
}

void chat_catch_up(struct chat *ch, const struct job_meta *created)
{
	if (ch->conv->title != NULL && differs(ch->conv->title, created->title))
		edit(ch, &JOB_RENAME, ch->conv->title);
	if (differs(ch->system_prompt, created->system_prompt))
		edit(ch, &JOB_SET_SYSTEM, ch->system_prompt);
	if (created->model != NULL && differs(ch->model, created->model))
		edit(ch, &JOB_SET_MODEL, ch->model);
}

/* ---- the answer -------------------------------------------------------- */

static void answer_work(struct job *j)
{
	struct job_answer *a = &j->u.answer;
	struct backend *be = &j->ch->be;
	struct store *st = job_store(j);
	if (j->rc < 0)
		return;
	struct quota_source src = backend_quota(be);
	if (st == NULL) {
		/* A guest's request is counted in the journal; nothing is stored. */
		exchange_start_answer(&be->x, &src, a->msgs.copies[0], NULL);
		return;
	}
	if (backend_conv(be, j, &a->meta, a->msgs.copies[0]) == NULL)
		return;
	be->x.recreated = false;
	if (exchange_start_answer(&be->x, &src, a->msgs.copies[0], &j->cause) < 0)
		j->rc = -1;
	a->recreated = be->x.recreated;
	if (be->x.conv_id != NULL)
		a->conv_id = xstrdup(be->x.conv_id);
}

static void answer_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_answer *a = &j->u.answer;
	chat_count_quota(ch);
	if (j->rc < 0) {
		store_failed(ch, j);
		return;
	}
	take_conv_id(ch, j, &a->meta, a->conv_id, a->recreated,
	             a->msgs.n > 0 ? a->msgs.copies[0] : NULL);
	job_give_ids(j, &a->msgs);
}

static void answer_release(struct job *j)
{
	job_meta_release(&j->u.answer.meta);
	job_msgs_release(&j->u.answer.msgs);
	free(j->u.answer.conv_id);
}

static const struct job_kind JOB_ANSWER = {"answer", true, answer_work, answer_done,
                                           answer_release};

static void update_work(struct job *j)
{
	struct job_answer *a = &j->u.answer;
	struct backend *be = &j->ch->be;
	if (job_store(j) == NULL || be->conv_serial != j->serial)
		return;
	be->x.recreated = false;
	int rc = a->final ? exchange_finish(&be->x, a->msgs.copies[0], &j->cause)
	                  : exchange_checkpoint(&be->x, a->msgs.copies[0], &j->cause);
	if (rc < 0)
		j->rc = -1;
	a->recreated = be->x.recreated;
	if (a->recreated && be->x.conv_id != NULL)
		a->conv_id = xstrdup(be->x.conv_id);
}

static void update_done(struct job *j)
{
	struct job_answer *a = &j->u.answer;
	if (j->rc < 0) {
		store_failed(j->ch, j);
		return;
	}
	if (a->recreated) {
		/* Deleted elsewhere while the answer streamed: both are in a new one. */
		take_conv_id(j->ch, j, &a->meta, a->conv_id, true, NULL);
		struct msg *m = a->msgs.targets[0];
		if (job_targets_alive(j) && a->msgs.copies[0]->id != NULL) {
			free(m->id);
			m->id = xstrdup(a->msgs.copies[0]->id);
			m->seq = a->msgs.copies[0]->seq;
		}
	}
}

static const struct job_kind JOB_UPDATE = {"update", true, update_work, update_done,
                                           answer_release};

static void persist_answer(struct chat *ch, struct msg *m, bool final)
{
	if (ch->user_name == NULL || m == NULL)
		return;
	struct job *j = job_new(ch, &JOB_UPDATE);
	j->u.answer.final = final;
	job_add_msg(&j->u.answer.msgs, m);
	job_submit(ch, j);
}

static void checkpoint(void *ud)
{
	struct chat *ch = ud;
	ch->checkpoint_timer = 0;
	if (ch->call == NULL)
		return;
	persist_answer(ch, ch->answer, false);
	chat_arm_checkpoint(ch);
}

void chat_arm_checkpoint(struct chat *ch)
{
	if (ch->checkpoint_timer == 0)
		ch->checkpoint_timer = loop_timer_add(ch->loop, CHECKPOINT_MS, checkpoint, ch);
}

/* The answer passed what a message holds: nothing more can be kept, so it stops. */
static void stop_cut_answer(void *ud)
{
	struct chat *ch = ud;
	ch->cut_timer = 0;
	if (ch->call != NULL)
		gemini_stream_cancel(ch->call);
}

static void on_delta(void *ud, const struct gemini_delta *d)
{
	struct chat *ch = ud;
	ch->wait_until_ms = 0;
	msg_append(ch->answer, d->text, d->text_len, d->thought, d->thought_len);
	/* Never cancelled from inside the transfer's callback: on the next loop round. */
	if (msg_cut(ch->answer) && ch->cut_timer == 0)
		ch->cut_timer = loop_timer_add(ch->loop, 0, stop_cut_answer, ch);
	ch->stream_bytes += d->text_len + d->thought_len;
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
}

/* A retry's line is read whole in the history; the status line counts down. */
static void on_notice(void *ud, const char *line)
{
	struct chat *ch = ud;
	chat_notice_above_answer(ch, line);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

static void on_wait(void *ud, long long delay_ms, int try_no, int tries)
{
	struct chat *ch = ud;
	ch->wait_until_ms = now_ms() + delay_ms;
	ch->wait_try = try_no;
	ch->wait_tries = tries;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

/*
 * An answer that failed before any text leaves its question out of the
 * next request's context (conv_in_context): the question says so on screen.
 */
static void mark_failed_question(struct chat *ch, struct msg *answer)
{
	if (answer->text.len > 0 || answer->status == MSG_COMPLETE)
		return;
	size_t i = conv_index(ch->conv, answer);
	while (i-- > 0) {
		struct msg *q = ch->conv->msgs[i];
		if (q->role == ROLE_MODEL)
			return;
		if (q->role == ROLE_USER) {
			q->status = MSG_ERROR;
			msg_changed(q);
			chat_notice(ch, "the question above is left out of what the next question "
			                "sends; /retry sends it again");
			return;
		}
	}
}

/* Forgets the files of the attachments before answer m that the request named; how many. */
static size_t forget_files(struct conv *c, const struct msg *m)
{
	size_t n = 0, end = conv_index(c, m);
	for (size_t i = 0; i < end; i++) {
		struct msg *q = c->msgs[i];
		if (!conv_in_context(c, i))
			continue;
		for (size_t k = 0; k < q->nimages; k++) {
			struct image *img = &q->images[k];
			if (img->file_uri == NULL)
				continue;
			free(img->file_uri);
			img->file_uri = NULL;
			img->file_expires_ms = 0;
			n++;
		}
		if (n > 0)
			msg_changed(q);
	}
	return n;
}

/*
 * A 403 or 404 before any text, to a request that named uploaded files,
 * and not about the model or the key: one of them went (expired, deleted)
 * between its look-up and the call.
 * Their URIs are forgotten, so that they are uploaded again from the bytes
 * kept, the failed answer is dropped as /retry drops one, and the question
 * is asked once more. Returns false when that does not apply (a second
 * failure among them): on_done then reports it as any other.
 */
static bool refile(struct chat *ch, struct msg *m, const struct gemini_result *r)
{
	bool by_file = ch->answer_by_file, again = !ch->refiled;
	ch->answer_by_file = false;
	ch->refiled = false;
	if (!by_file || !again || r->end != GEMINI_END_FAILED || m->text.len > 0 ||
	    !r->may_be_a_file || ch->closing)
		return false;
	size_t n = forget_files(ch->conv, m);
	if (n == 0)
		return false;
	ch->refiled = true;
	chat_notice(ch,
	            "%s; the request named uploaded files, and one may be gone (expired or "
	            "deleted): uploading %s again and asking once more",
	            r->error ? r->error : "gemini: the request failed", n == 1 ? "it" : "them");
	mark_answer_replaced(ch, m);
	conv_remove(ch->conv, m);
	char *cause = NULL;
	if (start_answer(ch, &cause) == -1) {
		chat_notice(ch, "%s", cause);
		free(cause);
	}
	return true;
}

static void on_done(void *ud, const struct gemini_result *r)
{
	struct chat *ch = ud;
	struct msg *m = ch->answer;
	ch->call = NULL;
	ch->answer = NULL;
	ch->wait_until_ms = 0;
	loop_timer_cancel(ch->loop, ch->checkpoint_timer);
	ch->checkpoint_timer = 0;
	loop_timer_cancel(ch->loop, ch->cut_timer);
	ch->cut_timer = 0;
	gemini_result_apply(r, m);
	if (refile(ch, m, r)) {
		chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
		return;
	}
	/* Less than arrived is kept: never complete, whatever the stream said. */
	bool cut = msg_cut(m);
	if (cut)
		m->status = MSG_INTERRUPTED;
	msg_changed(m);
	persist_answer(ch, m, true);
	if (cut)
		chat_notice(ch, "%s", MSG_CUT_NOTICE);
	else if (r->error != NULL)
		chat_notice(ch, "%s", r->error);
	else if (r->end == GEMINI_END_INTERRUPTED && m->text.len == 0 && m->nimages == 0)
		chat_notice(ch, "stopped before any answer arrived; /retry asks again");
	else if (r->end == GEMINI_END_INTERRUPTED)
		chat_notice(ch, "stopped; the answer above is incomplete");
	else if (m->status == MSG_ERROR && m->text.len == 0)
		chat_notice(ch, "gemini: the API sent an empty answer; try /retry");
	mark_failed_question(ch, m);
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
}

/* The attachments went through the Files API (or it failed): the answer now. */
static void files_then(struct chat *ch)
{
	char *cause = NULL;
	if (start_answer(ch, &cause) == -1) {
		chat_notice(ch, "%s", cause);
		free(cause);
	}
}

/* Streams an answer to the conversation as it stands (its last turn is the user's). */
static int start_answer(struct chat *ch, char **cause)
{
	char *body = NULL;
	struct gemini_target t;
	struct gemini_request_info sent;
	struct exchange_files files = {ch->files_stage == FILES_READY, ch->files_error};
	int rc = exchange_request(ch->cfg, ch->conv, ch->system_prompt, ch->model,
	                          chat_thinking(ch), ch->files_stage == FILES_NONE ? NULL : &files,
	                          &body, &t, &sent, cause);
	if (rc == 0 && sent.nupload > 0 && ch->files_stage == FILES_NONE) {
		/* Looked up or uploaded first; files_then builds the request again. */
		free(body);
		chat_files_prepare(ch, &t, &sent, files_then);
		gemini_request_info_release(&sent);
		return 0;
	}
	gemini_request_info_release(&sent);
	chat_files_reset(ch);
	if (rc == -1)
		return -1;
	bool by_file = sent.images_by_file > 0;
	char *left_out = gemini_left_out_notice(&sent, files.error != NULL);
	if (left_out != NULL)
		chat_notice(ch, "%s", left_out);
	free(left_out);
	static const struct gemini_events events = {on_delta, on_notice, on_done, on_wait};
	ch->answer = conv_add(ch->conv, ROLE_MODEL, NULL);
	ch->answer->status = MSG_STREAMING;
	ch->answer->model = xstrdup(ch->model);
	ch->call = gemini_stream_start(ch->loop, &t, ch->model, body, &events, ch, cause);
	free(body);
	if (ch->call == NULL) {
		/* Nothing went out: drop the empty answer again. */
		conv_remove(ch->conv, ch->answer);
		ch->answer = NULL;
		return -1;
	}
	ch->stream_started_ms = now_ms();
	ch->stream_bytes = 0;
	ch->answer_by_file = by_file;
	struct job *j = job_new(ch, &JOB_ANSWER);
	job_meta_fill(ch, &j->u.answer.meta);
	job_add_msg(&j->u.answer.msgs, ch->answer);
	job_submit(ch, j);
	if (ch->user_name != NULL)
		chat_arm_checkpoint(ch);
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	return 0;
}

int chat_stop(struct chat *ch, char **cause)
{
	if (ch->upload != NULL) {
		/* The question is stored; its request never left. */
		chat_files_cancel(ch);
		chat_notice(ch, "upload stopped; the question was not sent; /retry sends it");
		chat_dirty(ch, CHAT_DIRTY_STATUS);
		return 0;
	}
	if (ch->awaiting_store) {
		/* The question is being stored and has not gone out: it never will. */
		ch->awaiting_store = false;
		chat_notice(ch, "not sent; /retry sends it");
		return 0;
	}
	if (ch->call == NULL)
		return set_cause(cause, "nothing is streaming");
	gemini_stream_cancel(ch->call);
	return 0;
}

/* ---- /retry ------------------------------------------------------------ */

static void replaced_work(struct job *j)
{
	struct job_edit *e = &j->u.edit;
	struct backend *be = &j->ch->be;
	struct store *st = job_store(j);
	for (size_t i = 0; st != NULL && i < e->msgs.n && j->rc == 0; i++) {
		struct msg *m = e->msgs.copies[i];
		if (m->id == NULL && be->x.answer_id != NULL && be->conv_serial == j->serial)
			m->id = xstrdup(be->x.answer_id); /* the answer just stored */
		if (m->id != NULL &&
		    store_msg_update(st, be->x.user_id, e->conv_id, m, &j->cause) < 0)
			j->rc = -1;
	}
}

static void edit_failed(struct job *j)
{
	if (j->rc < 0)
		store_failed(j->ch, j);
}

static void edit_release(struct job *j)
{
	free(j->u.edit.conv_id);
	free(j->u.edit.value);
	free(j->u.edit.msg_id);
	job_msgs_release(&j->u.edit.msgs);
}

static const struct job_kind JOB_REPLACED = {"replaced", true, replaced_work, edit_failed,
                                             edit_release};

/*
 * The answers after the last question leave the screen; in the store they
 * are marked replaced, so a reopen, the next request and an export agree
 * with the screen (man page: /retry).
 */
static void mark_answers_replaced(struct chat *ch, struct msg *const *answers, size_t n)
{
	struct job *j = job_new(ch, &JOB_REPLACED);
	for (size_t i = 0; i < n; i++) {
		if (answers[i]->role != ROLE_MODEL)
			continue;
		job_add_msg(&j->u.edit.msgs, answers[i]);
		j->u.edit.msgs.copies[j->u.edit.msgs.n - 1]->status = MSG_REPLACED;
	}
	if (ch->user_name == NULL || ch->conv->id == NULL || j->u.edit.msgs.n == 0) {
		edit_release(j);
		free(j);
		return;
	}
	j->u.edit.conv_id = xstrdup(ch->conv->id);
	job_submit(ch, j);
}

static void mark_replaced(struct chat *ch, size_t from)
{
	mark_answers_replaced(ch, ch->conv->msgs + from, ch->conv->n - from);
}

static void mark_answer_replaced(struct chat *ch, struct msg *m)
{
	mark_answers_replaced(ch, &m, 1);
}

int chat_retry(struct chat *ch, char **cause)
{
	if (ch->call != NULL || ch->awaiting_store || ch->upload != NULL)
		return set_cause(cause, "an answer is still coming; press Esc to stop it first");
	size_t last_user = ch->conv->n;
	for (size_t i = ch->conv->n; i-- > 0;) {
		if (ch->conv->msgs[i]->role == ROLE_USER) {
			last_user = i;
			break;
		}
	}
	if (last_user == ch->conv->n)
		return set_cause(cause, "there is no question to send again");
	ch->refiled = false;
	mark_replaced(ch, last_user + 1);
	conv_truncate(ch->conv, last_user + 1);
	struct msg *q = ch->conv->msgs[last_user];
	if (q->status != MSG_COMPLETE) {
		q->status = MSG_COMPLETE; /* asked again */
		msg_changed(q);
	}
	chat_dirty(ch, CHAT_DIRTY_HISTORY);
	return start_answer(ch, cause);
}
