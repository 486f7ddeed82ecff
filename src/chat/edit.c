/*
 * edit.c: /edit [N]. The question goes back into the input with its
 * attachments, and the edit waits (struct chat_edit); when the text is
 * sent, chat_send hands it here (through ch->edit.send: send.c is below
 * this file) and the FORK job makes the fork on the worker
 * (store_conv_fork: a new conversation holding the messages before the
 * question, linked to the original, which stays as it is). Its done puts
 * the fork on screen, as stored, and asks the edited question there
 * through chat_send, the one way a question is sent. Esc, an emptied
 * input or another conversation on screen leave the edit: nothing is
 * forked.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/attach.h"
#include "jarvis/util.h"

/* A question /edit can take: the user's, with something in it (a tampered one has nothing). */
static bool editable(const struct msg *m)
{
	return m->role == ROLE_USER && m->status != MSG_TAMPERED &&
	       (m->text.len > 0 || m->nimages > 0);
}

static void pend_image(struct chat *ch, const struct image *img)
{
	struct msg *tmp = msg_new(ROLE_USER, "");
	msg_add_image(tmp, img); /* a deep copy */
	ch->pending = xrealloc(ch->pending, (ch->npending + 1) * sizeof(*ch->pending));
	ch->pending[ch->npending++] = tmp->images[0];
	free(tmp->images);
	tmp->images = NULL;
	tmp->nimages = 0;
	msg_free(tmp);
}

/* Drops the n attachments waiting from index `from` on (those attached after stay). */
static void unpend(struct chat *ch, size_t from, size_t n)
{
	if (from >= ch->npending)
		return;
	if (n > ch->npending - from)
		n = ch->npending - from; /* /detach dropped some */
	for (size_t i = from; i < from + n; i++)
		attach_image_release(&ch->pending[i]);
	memmove(ch->pending + from, ch->pending + from + n,
	        (ch->npending - from - n) * sizeof(*ch->pending));
	ch->npending -= n;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

/* Gives the chat back a run of attachments (taken). */
static void pend_all(struct chat *ch, struct image *images, size_t n)
{
	if (n == 0)
		return;
	ch->pending = xrealloc(ch->pending, (ch->npending + n) * sizeof(*ch->pending));
	memcpy(ch->pending + ch->npending, images, n * sizeof(*images));
	ch->npending += n;
	free(images);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

static int fork_send(struct chat *ch, const char *text, char **cause);

/* Arms the edit of the question of seq `seq` in conversation conv_id. */
static void arm(struct chat *ch, const char *conv_id, long seq, size_t pending_from,
                size_t pending_n)
{
	free(ch->edit.conv_id);
	ch->edit.conv_id = xstrdup(conv_id);
	ch->edit.seq = seq;
	ch->edit.pending_from = pending_from;
	ch->edit.pending_n = pending_n;
	ch->edit.send = fork_send;
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

int chat_edit(struct chat *ch, size_t n, char **text, char **cause)
{
	*text = NULL;
	if (ch->call != NULL || ch->awaiting_store || ch->upload != NULL)
		return set_cause(cause, "an answer is still coming: /edit once it has ended (Esc "
		                        "stops it)");
	if (chat_need_login(ch, cause) == -1)
		return -1;
	const struct msg *q = NULL;
	size_t seen = 0;
	for (size_t i = ch->conv->n; i-- > 0;)
		if (editable(ch->conv->msgs[i]) && ++seen == n)
			q = ch->conv->msgs[i];
	if (q == NULL && seen == 0)
		return set_cause(cause, "no question to edit yet");
	if (ch->conv->id == NULL)
		return set_cause(cause, "this conversation is not stored, so it cannot be forked; "
		                        "/retry asks the last question again");
	if (q == NULL)
		return set_cause(cause, "there %s %zu question%s on screen; /edit N takes 1 to %zu",
		                 seen == 1 ? "is" : "are", seen, seen == 1 ? "" : "s", seen);
	if (q->id == NULL || q->seq <= 0)
		return set_cause(cause, "that question is still being stored; try again in a "
		                        "moment");
	if (chat_editing(ch))
		chat_edit_cancel(ch); /* the last /edit wins */
	size_t from = ch->npending;
	for (size_t i = 0; i < q->nimages; i++)
		pend_image(ch, &q->images[i]);
	arm(ch, ch->conv->id, q->seq, from, q->nimages);
	*text = xstrndup(q->text.data, q->text.len);
	if (n == 1)
		chat_notice(ch,
		            "the last question is back in the input%s: Enter asks it in a "
		            "new conversation forked here (this one stays as it is); Esc "
		            "leaves it",
		            q->nimages ? ", its attachments with it" : "");
	else
		chat_notice(ch,
		            "question %zu back is in the input%s: Enter asks it in a new "
		            "conversation forked there (this one stays as it is); Esc leaves it",
		            n, q->nimages ? ", its attachments with it" : "");
	return 0;
}

bool chat_edit_cancel(struct chat *ch)
{
	if (!chat_editing(ch))
		return false;
	unpend(ch, ch->edit.pending_from, ch->edit.pending_n);
	chat_edit_forget(ch);
	return true;
}

bool chat_editing(const struct chat *ch)
{
	return ch->edit.conv_id != NULL;
}

/* ---- the fork --------------------------------------------------------- */

static void fork_work(struct job *j)
{
	struct job_fork *f = &j->u.fork;
	struct store *st = job_store(j);
	const char *uid = j->ch->be.x.user_id;
	if (st == NULL) {
		if (j->rc == 0)
			j->rc = set_cause(&j->cause, "log in to fork a conversation");
		return;
	}
	if (store_conv_fork(st, uid, f->from, f->seq, &f->made, &j->cause) < 0 ||
	    store_conv_get(st, uid, f->made.conv_id, &f->conv, &j->cause) < 0 ||
	    store_msg_last(st, uid, f->made.conv_id, CHAT_LOAD_MESSAGES, &f->loaded, &j->cause) < 0)
		j->rc = -1;
}

/* The fork failed: the edit stands again, the text back in the input. */
static void fork_failed(struct chat *ch, struct job *j, bool waited)
{
	struct job_fork *f = &j->u.fork;
	chat_set_error(ch, j->cause ? j->cause : "store: the fork failed");
	chat_notice(ch, "%s; nothing was forked, and the edited question is back in the input",
	            j->cause ? j->cause : "store: the fork failed");
	ch->error_posted = true;
	size_t from = ch->npending, n = f->nimages;
	pend_all(ch, f->images, f->nimages);
	f->images = NULL;
	f->nimages = 0;
	if (waited && job_current(j))
		arm(ch, f->from, f->seq, from, n);
	free(ch->restore);
	ch->restore = f->text;
	f->text = NULL;
}

static void fork_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_fork *f = &j->u.fork;
	bool waited =
	    job_current(j) && ch->awaiting_store && f->ticket == ch->send_ticket && !ch->closing;
	if (waited)
		ch->awaiting_store = false;
	if (j->rc < 0) {
		fork_failed(ch, j, waited);
		return;
	}
	if (!waited) {
		/* Stopped (Esc) or another conversation opened meanwhile: not asked. */
		chat_notice(ch, "the fork is stored (F3) but the edited question was not asked; "
		                "it is back in the input");
		pend_all(ch, f->images, f->nimages);
		f->images = NULL;
		f->nimages = 0;
		free(ch->restore);
		ch->restore = f->text;
		f->text = NULL;
		return;
	}
	struct conv *c = f->conv;
	f->conv = NULL;
	chat_take_loaded(c, &f->loaded, false);
	/* The fork has its original's title (as stored: the screen may not know it). */
	char *link = conv_fork_label(c->title ? c->title : "", c->forked_from, c->fork_question);
	chat_replace_conv(ch, c);
	free(ch->thinking);
	ch->thinking = f->thinking;
	f->thinking = NULL;
	free(ch->web);
	ch->web = f->web;
	f->web = NULL;
	chat_notice(ch,
	            "a new conversation, forked at question %ld with the %zu message%s before "
	            "it; the original stays whole (F3, /convs)",
	            f->made.question, f->made.n, f->made.n == 1 ? "" : "s");
	chat_notice(ch, "%s", link);
	free(link);
	if (f->made.tampered > 0)
		chat_notice(ch,
		            "%zu message%s failed %s integrity check and %s left out of the fork",
		            f->made.tampered, f->made.tampered == 1 ? "" : "s",
		            f->made.tampered == 1 ? "its" : "their",
		            f->made.tampered == 1 ? "was" : "were");
	pend_all(ch, f->images, f->nimages);
	f->images = NULL;
	f->nimages = 0;
	char *cause = NULL;
	if (chat_send(ch, f->text, &cause) == -1) {
		chat_notice(ch, "%s; the edited question is back in the input", cause);
		free(cause);
		free(ch->restore);
		ch->restore = f->text;
		f->text = NULL;
	}
}

static void fork_release(struct job *j)
{
	struct job_fork *f = &j->u.fork;
	free(f->from);
	free(f->text);
	for (size_t i = 0; i < f->nimages; i++)
		attach_image_release(&f->images[i]);
	free(f->images);
	free(f->thinking);
	free(f->web);
	store_fork_release(&f->made);
	conv_free(f->conv);
	store_msgs_release(&f->loaded);
}

static const struct job_kind JOB_FORK = {"fork", true, fork_work, fork_done, fork_release};

/* chat_send's checks passed: the fork first, then the question in it (fork_done). */
static int fork_send(struct chat *ch, const char *text, char **cause)
{
	struct job *j = job_new(ch, &JOB_FORK);
	struct job_fork *f = &j->u.fork;
	f->from = xstrdup(ch->edit.conv_id);
	f->seq = ch->edit.seq;
	f->text = xstrdup(text);
	f->images = ch->pending;
	f->nimages = ch->npending;
	ch->pending = NULL;
	ch->npending = 0;
	f->thinking = ch->thinking ? xstrdup(ch->thinking) : NULL;
	f->web = ch->web ? xstrdup(ch->web) : NULL;
	f->ticket = ++ch->send_ticket;
	chat_edit_forget(ch);
	job_submit(ch, j);
	ch->awaiting_store = true; /* nothing else is sent before it */
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	(void)cause;
	return 0;
}
