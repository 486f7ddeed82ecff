/*
 * jobs.c: the machinery every job kind shares (see internal.h): making,
 * submitting and freeing jobs, the backend's stored conversation, the
 * store's state for the status line and the outbox's sync timer. What a
 * kind does is in its own file, next to the action that submits it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/buf.h"
#include "jarvis/config.h"
#include "jarvis/loop.h"
#include "jarvis/profile.h"
#include "jarvis/util.h"
#include "jarvis/worker.h"

struct job *job_new(struct chat *ch, const struct job_kind *kind)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->ch = ch;
	j->kind = kind;
	j->serial = ch->serial;
	j->epoch = chat_epoch(ch);
	return j;
}

bool job_current(const struct job *j)
{
	return j->serial == j->ch->serial;
}

bool job_targets_alive(const struct job *j)
{
	return job_current(j) && j->epoch == chat_epoch(j->ch);
}

/* Hands the worker a copy of m; the done callback finds m again by pointer. */
void job_add_msg(struct job_msgs *v, struct msg *m)
{
	v->copies = xrealloc(v->copies, (v->n + 1) * sizeof(*v->copies));
	v->targets = xrealloc(v->targets, (v->n + 1) * sizeof(*v->targets));
	v->targets[v->n] = m;
	v->copies[v->n++] = msg_clone(m);
}

/* Gives the screen's messages the store ids their copies got (for /like and /dislike). */
void job_give_ids(struct job *j, struct job_msgs *v)
{
	for (size_t i = 0; i < v->n && job_targets_alive(j); i++) {
		struct msg *target = v->targets[i];
		if (v->copies[i]->id != NULL && target->id == NULL) {
			target->id = xstrdup(v->copies[i]->id);
			target->seq = v->copies[i]->seq;
		}
	}
}

void job_msgs_release(struct job_msgs *v)
{
	for (size_t i = 0; i < v->n; i++)
		msg_free(v->copies[i]);
	free(v->copies);
	free(v->targets);
	memset(v, 0, sizeof(*v));
}

/* What a job needs to create the conversation on screen in the store. */
void job_meta_fill(struct chat *ch, struct job_meta *m)
{
	m->conv_id = ch->conv->id ? xstrdup(ch->conv->id) : NULL;
	m->title = ch->conv->title ? xstrdup(ch->conv->title) : NULL;
	m->model = xstrdup(ch->model);
	m->system_prompt = ch->system_prompt ? xstrdup(ch->system_prompt) : NULL;
}

void job_meta_release(struct job_meta *m)
{
	free(m->conv_id);
	free(m->title);
	free(m->model);
	free(m->system_prompt);
	memset(m, 0, sizeof(*m));
}

static void job_free(struct job *j)
{
	if (j->kind->release != NULL)
		j->kind->release(j);
	free(j->cause);
	free(j->held_cause);
	free(j->notices);
	free(j);
}

static void backend_notice(void *ud, const char *notice)
{
	struct backend *be = ud;
	char *s = be->notices ? xasprintf("%s\n%s", be->notices, notice) : xstrdup(notice);
	free(be->notices);
	be->notices = s;
}

struct profile *backend_profile(struct backend *be)
{
	if (be->profile == NULL)
		be->profile = profile_new(be->cfg, backend_notice, be);
	return be->profile;
}

struct store *job_store(struct job *j)
{
	struct backend *be = &j->ch->be;
	if (be->x.user_id == NULL) {
		be->x.st = NULL;
		return NULL; /* a guest: nothing is stored */
	}
	struct store *st = profile_store(backend_profile(be), &j->cause);
	if (st == NULL)
		j->rc = -1;
	be->x.st = st;
	return st;
}

struct quota_source backend_quota(struct backend *be)
{
	struct quota_source src = {.state_dir = be->cfg->state_dir};
	if (be->x.user_id != NULL && be->x.st != NULL) {
		src.st = be->x.st;
		src.user_id = be->x.user_id;
	}
	return src;
}

void backend_set_user(struct backend *be, const char *id)
{
	/* The same account again (a second /login) keeps the conversation and answer. */
	if (id != NULL && be->x.user_id != NULL && strcmp(id, be->x.user_id) == 0)
		return;
	free(be->x.user_id);
	be->x.user_id = id ? xstrdup(id) : NULL;
	exchange_set_conv(&be->x, NULL);
}

const char *backend_conv(struct backend *be, struct job *j, struct job_meta *meta,
                         const struct msg *first)
{
	if (meta->conv_id != NULL && meta->conv_id[0] != '\0') {
		be->conv_serial = j->serial;
		if (be->x.conv_id == NULL || strcmp(be->x.conv_id, meta->conv_id) != 0)
			exchange_set_conv(&be->x, meta->conv_id);
	}
	if (be->x.conv_id != NULL && be->conv_serial == j->serial)
		return be->x.conv_id;
	exchange_set_conv(&be->x, NULL);
	be->conv_serial = j->serial;
	struct exchange_conv ec = {meta->title, meta->model, meta->system_prompt};
	const char *id = exchange_conv(&be->x, &ec, first, &j->cause);
	if (id == NULL)
		j->rc = -1;
	return id;
}

static void job_work(void *ud)
{
	struct job *j = ud;
	struct backend *be = &j->ch->be;
	j->kind->work(j);
	if (be->x.st != NULL) {
		j->has_store = true;
		j->online = store_online(be->x.st);
		j->local = store_is_local(be->x.st);
		j->outbox = store_pending_writes(be->x.st);
		char *said = store_take_notice(be->x.st);
		if (said != NULL)
			backend_notice(be, said);
		free(said);
		j->held = exchange_held(&be->x);
		if (j->held > 0)
			exchange_flush(&be->x, &j->held_cause);
		j->held = exchange_held(&be->x);
	}
	j->notices = be->notices;
	be->notices = NULL;
}

static void schedule_sync(struct chat *ch);

/* Says when messages start to wait for room, and when they are all stored. */
static void held_changed(struct chat *ch, const struct job *j)
{
	if (j->held > 0 && ch->held_writes == 0)
		chat_notice(ch,
		            "%s; %zu message%s kept here and saved when there is room: free some "
		            "disk space",
		            j->held_cause ? j->held_cause : "store: no space left", j->held,
		            j->held == 1 ? " is" : "s are");
	else if (j->held == 0 && ch->held_writes > 0)
		chat_notice(ch, "the %zu message%s kept for lack of space %s saved now",
		            ch->held_writes, ch->held_writes == 1 ? "" : "s",
		            ch->held_writes == 1 ? "is" : "are");
	ch->held_writes = j->held;
}

static void job_done(void *ud)
{
	struct job *j = ud;
	struct chat *ch = j->ch;
	if (j->has_store) {
		ch->store_online = j->online;
		ch->store_local = j->local;
		ch->outbox_writes = j->outbox;
		held_changed(ch, j);
		update_store_state(ch);
		if (!ch->closing)
			schedule_sync(ch);
	}
	if (j->counted && ch->pending_writes > 0) {
		ch->pending_writes--;
		if (j->rc == 0)
			ch->store_failures = 0; /* it works again */
		update_store_state(ch);
	}
	for (char *p = j->notices; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, "\n");
		chat_notice(ch, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	j->kind->done(j);
	job_free(j);
}

void job_submit(struct chat *ch, struct job *j)
{
	if (j->kind->writes && ch->user_name != NULL) {
		j->counted = true;
		ch->pending_writes++;
		update_store_state(ch);
	}
	worker_submit(ch->worker, job_work, job_done, j);
}

/* ---- the store's state ------------------------------------------------- */

static void sync_work(struct job *j)
{
	if (j->ch->be.x.st != NULL)
		store_sync(j->ch->be.x.st, NULL); /* job_work then retries the held writes */
}

static void sync_done(struct job *j)
{
}

static const struct job_kind JOB_SYNC = {"sync", false, sync_work, sync_done, NULL};

static void sync_now(void *ud)
{
	struct chat *ch = ud;
	ch->sync_timer = 0;
	job_submit(ch, job_new(ch, &JOB_SYNC));
}

/* While writes wait in the outbox, try the store every few seconds. */
static void schedule_sync(struct chat *ch)
{
	if ((ch->outbox_writes > 0 || ch->held_writes > 0) && ch->sync_timer == 0)
		ch->sync_timer = loop_timer_add(ch->loop, SYNC_EVERY_MS, sync_now, ch);
}

/* The status line's store part: online or offline, and the writes in flight. */
void update_store_state(struct chat *ch)
{
	free(ch->store_state);
	ch->store_state = NULL;
	if (ch->user_name == NULL)
		return; /* a guest stores nothing */
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	if (ch->held_writes > 0)
		buf_addf(&b, "store full, %zu waiting", ch->held_writes);
	else if (!ch->store_online)
		buf_addf(&b, "store offline, %zu waiting", ch->outbox_writes);
	else if (ch->store_failures > 0)
		buf_addf(&b, "store failing, %zu not saved", ch->store_failures);
	else if (ch->outbox_writes > 0)
		buf_addf(&b, "store online, %zu to sync", ch->outbox_writes);
	else if (!ch->store_local)
		buf_addstr(&b, "store online");
	/* A file on this machine is always there: only writes in flight are news. */
	if (ch->pending_writes > 0)
		buf_addf(&b, "%s%zu pending", b.len ? ", " : "store: ", ch->pending_writes);
	if (b.len == 0) {
		buf_release(&b);
		chat_dirty(ch, CHAT_DIRTY_STATUS);
		return;
	}
	ch->store_state = buf_steal(&b);
	chat_dirty(ch, CHAT_DIRTY_STATUS);
}

void store_failed(struct chat *ch, struct job *j)
{
	ch->store_failures++;
	update_store_state(ch);
	const char *why = j->cause ? j->cause : "store: the store failed";
	chat_set_error(ch, why);
	/* Kept in the history too: the status line forgets it at the next key. */
	chat_notice(ch, "%s; this was not saved", why);
	ch->error_posted = true;
}

void store_read_failed(struct chat *ch, struct job *j, const char *what)
{
	const char *why = j->cause ? j->cause : "store: the store failed";
	chat_set_error(ch, why);
	chat_notice(ch, "%s; %s could not be read (nothing was lost)", why, what);
	ch->error_posted = true;
}
