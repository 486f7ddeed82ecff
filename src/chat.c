/*
 * chat.c: the interactive session (see chat.h). The loop thread owns the
 * conversation on screen; the worker thread owns the store and everything
 * in struct persist. They meet only through jobs: a job carries copies in,
 * its work runs on the worker, its done callback brings results back on
 * the loop. A done callback checks `serial` so that results for a
 * conversation that has since been replaced are dropped.
 */
#include "jarvis/chat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/account.h"
#include "jarvis/attach.h"
#include "jarvis/config.h"
#include "jarvis/export.h"
#include "jarvis/gemini.h"
#include "jarvis/gemini_request.h"
#include "jarvis/loop.h"
#include "jarvis/ratelimit.h"
#include "jarvis/session.h"
#include "jarvis/store.h"
#include "jarvis/token.h"
#include "jarvis/util.h"
#include "jarvis/worker.h"

/* Messages read when a stored conversation is opened. */
#define CHAT_LOAD_MESSAGES 500
#define CHAT_LIST_LIMIT 200
#define CHECKPOINT_MS 1000
#define SYNC_EVERY_MS 5000
/* Messages paged in at a time when scrolling up past the first one loaded. */
#define CHAT_OLDER_PAGE 200

/* Worker-side state: only jobs running on the worker touch it. */
struct persist {
	const struct config *cfg;
	struct store *store;
	unsigned char *secret;
	size_t secret_len;
	char *user_id;
	unsigned conv_serial; /* the conversation conv_id belongs to */
	char *conv_id;
	char *answer_id; /* the stored answer being streamed */
};

struct model_rate {
	char *model;
	struct ratelimit window;
};

struct chat {
	struct loop *loop;
	const struct config *cfg;
	struct worker *worker;
	struct persist ps;

	struct conv *conv;
	unsigned serial;
	unsigned epoch_base; /* chat_epoch: this plus conv->epoch, raised past it on replace */
	struct model_list models;
	char *model;
	char *system_prompt; /* this conversation's; NULL: the config's */
	char *thinking;      /* /think for this conversation; NULL: [gemini] thinking */

	struct gemini_call *call;
	struct msg *answer;
	long long stream_started_ms;
	size_t stream_bytes;
	unsigned checkpoint_timer;
	bool awaiting_store; /* the question is being stored; the request waits */

	struct image *pending;
	size_t npending;

	char *user_name; /* NULL: guest */
	char *user_id;
	bool closing;           /* chat_free has begun: start no new work */
	bool error_from_stream; /* the error line is a retry notice of the answer */
	bool older_loading;     /* a JOB_OLDER is on its way */
	bool older_done;        /* the conversation on screen starts at its first message */
	size_t prepended;       /* messages put in front since the TUI last asked */
	unsigned select_ticket; /* the latest /select; older answers are dropped */
	unsigned send_ticket;   /* the send whose question is being stored */
	char *restore;          /* a question taken back, for the input */
	char *error;
	char *store_state;
	size_t store_failures; /* writes lost since the store last worked */
	size_t pending_writes; /* writes handed to the worker, not back yet */
	bool store_online;     /* as the worker last saw it */
	size_t outbox_writes;  /* writes waiting in the outbox for the store */
	unsigned sync_timer;   /* armed only while the outbox holds writes */

	struct model_rate *rates;
	size_t nrates;

	struct chat_conv_row *rows;
	size_t nrows;
	unsigned dirty;
};

enum job_kind {
	JOB_WHOAMI,
	JOB_SIGNUP,
	JOB_LOGIN,
	JOB_LOGOUT,
	JOB_ADOPT,
	JOB_APPEND_USER,
	JOB_APPEND_ANSWER,
	JOB_UPDATE_ANSWER,
	JOB_USAGE,
	JOB_LIST,
	JOB_SELECT,
	JOB_RENAME,
	JOB_DELETE,
	JOB_FEEDBACK,
	JOB_SET_MODEL,
	JOB_SET_SYSTEM,
	JOB_SYNC,  /* replay the outbox */
	JOB_OLDER, /* a page of messages before the first on screen */
};

/*
 * A job's arguments, by kind (a, b, value):
 *   SIGNUP a=name b=e-mail, LOGIN a=e-mail (both with password); LOGOUT none
 *   ADOPT, APPEND_USER, APPEND_ANSWER  a=the stored conversation's id or NULL,
 *     b=model; APPEND_USER value=1 starts the answer once the question is stored,
 *     and rpm/rpd are checked against the stored usage first
 *   UPDATE_ANSWER  msgs[0]=the answer (its store id is persist.answer_id)
 *   USAGE b=model; LIST value=1 also lists as notices; SYNC none
 *   SELECT, DELETE  a=what the user typed (value=1: an exact id)
 *   RENAME a=id b=title; FEEDBACK a=conversation b=message value=+1/-1
 *   SET_MODEL a=id b=model; SET_SYSTEM a=id b=prompt or NULL
 * Invariant: persist.conv_id belongs to the conversation of persist.conv_serial;
 * a job for another serial names its conversation in `a` or creates one.
 */
struct job {
	struct chat *ch;
	enum job_kind kind;
	unsigned serial;
	char *a, *b;       /* string arguments, per kind */
	char *password;    /* wiped */
	struct msg **msgs; /* copies handed to the worker */
	size_t nmsgs;
	struct msg **targets; /* the screen's messages msgs[] copy (loop side only) */
	unsigned epoch;       /* chat epoch when made: targets are valid while it holds */
	unsigned ticket;      /* SELECT: which /select; APPEND_USER: which send */
	int value;
	bool counted;      /* in pending_writes */
	char *conv_title;  /* for a conversation the job may create: /new's title */
	char *conv_system; /* and the system prompt set before its first message */

	/* results */
	int rc;
	int who; /* JOB_WHOAMI: account_current's answer */
	char *cause;
	char *conv_id;
	struct account_user user;
	struct conv *conv;
	struct store_msgs loaded;
	struct store_conv_list list;
	long rpm, rpd;  /* APPEND_USER: the model's limits, checked against stored usage */
	bool quota;     /* APPEND_USER: refused by them; nothing was stored */
	bool has_store; /* the store's state after the job, read on the worker */
	bool online;
	size_t outbox;
};

static void dirty(struct chat *ch, unsigned bits)
{
	ch->dirty |= bits;
}

static void set_error(struct chat *ch, const char *msg)
{
	ch->error_from_stream = false;
	free(ch->error);
	ch->error = msg ? xstrdup(msg) : NULL;
	dirty(ch, CHAT_DIRTY_STATUS);
}

void chat_notice(struct chat *ch, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	conv_add(ch->conv, ROLE_NOTICE, s);
	free(s);
	dirty(ch, CHAT_DIRTY_HISTORY);
}

/* ---- the worker side --------------------------------------------------- */

static int ps_store(struct persist *ps, char **cause)
{
	if (ps->store != NULL)
		return 0;
	/* With its outbox, so writes made while MongoDB is away wait on disk. */
	ps->store = store_open_outbox(ps->cfg->store_uri, ps->cfg->database, ps->cfg->data_dir,
	                              ps->cfg->state_dir, cause);
	return ps->store ? 0 : -1;
}

static int ps_env(struct persist *ps, struct account_env *env, char **cause)
{
	if (ps_store(ps, cause) == -1)
		return -1;
	if (ps->secret == NULL) {
		char *warning = NULL;
		if (secret_load(ps->cfg->jwt_secret, ps->cfg->data_dir, &ps->secret,
		                &ps->secret_len, &warning, cause) == -1)
			return -1;
		free(warning); /* shown by the one-shot modes; the TUI stays quiet */
	}
	memset(env, 0, sizeof(*env));
	env->store = ps->store;
	env->state_dir = ps->cfg->state_dir;
	env->secret = ps->secret;
	env->secret_len = ps->secret_len;
	env->token_ttl_s = ps->cfg->token_ttl;
	return 0;
}

static void ps_set_user(struct persist *ps, const char *id)
{
	/* The same account again (a second /login) keeps the conversation and answer. */
	if (id != NULL && ps->user_id != NULL && strcmp(id, ps->user_id) == 0)
		return;
	free(ps->user_id);
	ps->user_id = id ? xstrdup(id) : NULL;
	free(ps->conv_id);
	ps->conv_id = NULL;
	free(ps->answer_id);
	ps->answer_id = NULL;
}

/* The stored conversation for this job's serial, created on first need. */
static const char *ps_conv(struct persist *ps, struct job *j, const char *title, const char *model)
{
	if (j->a != NULL && j->a[0] != '\0') {
		ps->conv_serial = j->serial;
		free(ps->conv_id);
		ps->conv_id = xstrdup(j->a);
	}
	if (ps->conv_id != NULL && ps->conv_serial == j->serial)
		return ps->conv_id;
	char *id = NULL;
	if (j->conv_title != NULL)
		title = j->conv_title;
	if (store_conv_create(ps->store, ps->user_id, title, model, j->conv_system, &id,
	                      &j->cause) < 0) {
		j->rc = -1;
		return NULL;
	}
	free(ps->conv_id);
	ps->conv_id = id;
	ps->conv_serial = j->serial;
	j->conv_id = xstrdup(id);
	return id;
}

static void job_run(struct job *j);

/*
 * A conversation named by what the user typed: a list number first (as
 * /convs numbers them), then an id, since SQLite ids are numbers too. With
 * exact_id (F3, which knows the id) only the id.
 */
static int resolve_conv(struct store *st, const char *uid, const char *arg, bool exact_id,
                        struct conv **out, char **cause)
{
	char *end = NULL;
	unsigned long idx = strtoul(arg, &end, 10);
	bool number = end != arg && *end == '\0' && idx > 0 && strlen(arg) < 7;
	if (!number || exact_id)
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

static void job_work(void *ud)
{
	struct job *j = ud;
	struct persist *ps = &j->ch->ps;
	if (j->kind == JOB_SYNC) {
		if (ps->store != NULL)
			store_sync(ps->store, NULL);
	} else {
		job_run(j);
	}
	if (ps->store != NULL) {
		j->has_store = true;
		j->online = store_online(ps->store);
		j->outbox = store_pending_writes(ps->store);
	}
}

static void job_run(struct job *j)
{
	struct persist *ps = &j->ch->ps;
	struct account_env env;
	j->rc = 0;

	if (j->kind == JOB_WHOAMI) {
		/* A guest with no session file never creates the store. */
		char *token = NULL, *notice = NULL;
		if (session_load(ps->cfg->state_dir, &token, &notice) != 0) {
			j->who = 1;
			j->cause = notice;
			return;
		}
		free_secret(token);
		free(notice);
		if (ps_env(ps, &env, &j->cause) == -1) {
			j->who = -1;
			return;
		}
		j->who = account_current(&env, wall_ms() / 1000, &j->user, &j->cause);
		if (j->who == 0)
			ps_set_user(ps, j->user.id);
		return;
	}
	if (j->kind == JOB_SIGNUP || j->kind == JOB_LOGIN || j->kind == JOB_LOGOUT) {
		if (ps_env(ps, &env, &j->cause) == -1) {
			j->rc = -1;
			return;
		}
		long long now = wall_ms() / 1000;
		if (j->kind == JOB_SIGNUP)
			j->rc =
			    account_signup(&env, j->a, j->b, j->password, now, &j->user, &j->cause);
		else if (j->kind == JOB_LOGIN)
			j->rc = account_login(&env, j->a, j->password, now, &j->user, &j->cause);
		else
			j->rc = account_logout(&env, now, &j->cause);
		/* A session replaced by a new login was revoked by account_login. */
		if (j->rc == 0)
			ps_set_user(ps, j->kind == JOB_LOGOUT ? NULL : j->user.id);
		return;
	}
	if (ps->user_id == NULL)
		return; /* a guest: nothing is stored */
	if (ps_store(ps, &j->cause) == -1) {
		j->rc = -1;
		return;
	}
	struct store *st = ps->store;
	const char *uid = ps->user_id;
	const char *conv_id;
	switch (j->kind) {
	case JOB_ADOPT:
	case JOB_APPEND_USER:
		if (j->nmsgs == 0)
			return;
		if (j->kind == JOB_APPEND_USER &&
		    !store_usage_allows(st, uid, j->b, j->rpm, j->rpd, &j->cause)) {
			j->quota = true;
			return;
		}
		{
			char *title = msg_title(j->msgs[0]);
			conv_id = ps_conv(ps, j, title, j->b);
			free(title);
		}
		for (size_t i = 0; conv_id != NULL && i < j->nmsgs && j->rc == 0; i++)
			if (store_msg_append(st, uid, conv_id, j->msgs[i], &j->cause) < 0)
				j->rc = -1;
		/* ADOPT value=1: the last message is the answer still streaming. */
		if (j->kind == JOB_ADOPT && j->value && j->rc == 0) {
			free(ps->answer_id);
			ps->answer_id = xstrdup(j->msgs[j->nmsgs - 1]->id);
		}
		return;
	case JOB_APPEND_ANSWER:
		conv_id = ps_conv(ps, j, "untitled", j->b);
		if (conv_id == NULL)
			return;
		free(ps->answer_id);
		ps->answer_id = NULL;
		if (store_msg_append(st, uid, conv_id, j->msgs[0], &j->cause) < 0) {
			j->rc = -1;
			return;
		}
		ps->answer_id = xstrdup(j->msgs[0]->id);
		return;
	case JOB_UPDATE_ANSWER:
		if (ps->answer_id == NULL || ps->conv_id == NULL || ps->conv_serial != j->serial)
			return;
		free(j->msgs[0]->id);
		j->msgs[0]->id = xstrdup(ps->answer_id);
		if (store_msg_update(st, uid, ps->conv_id, j->msgs[0], &j->cause) < 0)
			j->rc = -1;
		return;
	case JOB_USAGE:
		if (store_usage_add(st, uid, j->b, wall_ms(), &j->cause) < 0)
			j->rc = -1;
		return;
	case JOB_LIST:
		j->rc = store_conv_list(st, uid, 0, CHAT_LIST_LIMIT, &j->list, &j->cause);
		return;
	case JOB_SELECT: {
		j->rc = resolve_conv(st, uid, j->a, j->value, &j->conv, &j->cause);
		if (j->rc == 0)
			j->rc = store_msg_last(st, uid, j->conv->id, CHAT_LOAD_MESSAGES, &j->loaded,
			                       &j->cause);
		/* Jobs for the conversation once it is on screen name it in `a`. */
		return;
	}
	case JOB_RENAME:
		j->rc = store_conv_rename(st, uid, j->a, j->b, &j->cause);
		return;
	case JOB_OLDER:
		j->rc = store_msg_before(st, uid, j->a, j->value, CHAT_OLDER_PAGE, &j->loaded,
		                         &j->cause);
		return;
	case JOB_DELETE:
		j->rc = resolve_conv(st, uid, j->a, j->value, &j->conv, &j->cause);
		if (j->rc == 0)
			j->rc = store_conv_delete(st, uid, j->conv->id, &j->cause);
		if (j->rc == 0 && ps->conv_id != NULL && strcmp(ps->conv_id, j->conv->id) == 0) {
			free(ps->conv_id);
			ps->conv_id = NULL;
		}
		return;
	case JOB_FEEDBACK:
		j->rc = store_msg_feedback(st, uid, j->a, j->b, j->value, &j->cause);
		return;
	case JOB_SET_MODEL:
		j->rc = store_conv_set_model(st, uid, j->a, j->b, &j->cause);
		return;
	case JOB_SET_SYSTEM:
		j->rc = store_conv_set_system(st, uid, j->a, j->b, &j->cause);
		return;
	default:
		return;
	}
}

/* ---- the loop side of jobs --------------------------------------------- */

static void job_free(struct job *j)
{
	free(j->a);
	free(j->b);
	free(j->targets);
	free(j->conv_title);
	free(j->conv_system);
	free_secret(j->password);
	for (size_t i = 0; i < j->nmsgs; i++)
		msg_free(j->msgs[i]);
	free(j->msgs);
	free(j->cause);
	free(j->conv_id);
	account_user_clear(&j->user);
	conv_free(j->conv);
	store_msgs_free(&j->loaded);
	store_conv_list_free(&j->list);
	free(j);
}

static void update_store_state(struct chat *ch);

static void set_user(struct chat *ch, const struct account_user *u)
{
	free(ch->user_name);
	free(ch->user_id);
	ch->user_name = u ? xstrdup(u->name) : NULL;
	ch->user_id = u ? xstrdup(u->id) : NULL;
	ch->store_failures = 0;
	update_store_state(ch);
}

static bool job_writes(enum job_kind kind)
{
	switch (kind) {
	case JOB_ADOPT:
	case JOB_APPEND_USER:
	case JOB_APPEND_ANSWER:
	case JOB_UPDATE_ANSWER:
	case JOB_USAGE:
	case JOB_RENAME:
	case JOB_DELETE:
	case JOB_FEEDBACK:
	case JOB_SET_MODEL:
	case JOB_SET_SYSTEM:
		return true;
	default:
		return false;
	}
}

/* The status line's store part: online or offline, and the writes in flight. */
static void update_store_state(struct chat *ch)
{
	free(ch->store_state);
	ch->store_state = NULL;
	if (ch->user_name == NULL)
		return; /* a guest stores nothing */
	struct buf b;
	buf_init(&b, 0);
	if (!ch->store_online)
		buf_printf(&b, "store offline, %zu waiting", ch->outbox_writes);
	else if (ch->store_failures > 0)
		buf_printf(&b, "store failing, %zu not saved", ch->store_failures);
	else if (ch->outbox_writes > 0)
		buf_printf(&b, "store online, %zu to sync", ch->outbox_writes);
	else
		buf_puts(&b, "store online");
	if (ch->pending_writes > 0)
		buf_printf(&b, ", %zu pending", ch->pending_writes);
	ch->store_state = buf_steal(&b);
	dirty(ch, CHAT_DIRTY_STATUS);
}

static void store_failed(struct chat *ch, struct job *j)
{
	ch->store_failures++;
	update_store_state(ch);
	char *line =
	    xasprintf("%s%s", strncmp(j->cause ? j->cause : "", "store:", 6) == 0 ? "" : "store: ",
	              j->cause ? j->cause : "the store failed");
	set_error(ch, line);
	/* Kept in the history too: the status line forgets it at the next key. */
	chat_notice(ch, "%s; this was not saved", line);
	free(line);
}

static struct job *job_new(struct chat *ch, enum job_kind kind)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->ch = ch;
	j->kind = kind;
	j->serial = ch->serial;
	j->epoch = chat_epoch(ch);
	return j;
}

static void adopt_conv(struct chat *ch);
static void checkpoint(void *ud);
static void start_after_store(struct chat *ch);

static void replace_conv(struct chat *ch, struct conv *c)
{
	if (ch->call != NULL)
		gemini_stream_cancel(ch->call);
	ch->epoch_base += ch->conv->epoch + 1;
	conv_free(ch->conv);
	ch->conv = c;
	ch->serial++;
	ch->awaiting_store = false;
	ch->older_loading = false;
	ch->older_done = false;
	ch->prepended = 0;
	free(ch->system_prompt);
	ch->system_prompt = c->system_prompt ? xstrdup(c->system_prompt) : NULL;
	free(ch->thinking);
	ch->thinking = NULL;
	if (c->model != NULL && c->model[0] != '\0') {
		free(ch->model);
		ch->model = xstrdup(c->model);
	}
	dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
}

static void submit(struct chat *ch, struct job *j);

/* Puts a page of older messages in front of the conversation (it owns them then). */
static void prepend(struct chat *ch, struct store_msgs *v)
{
	if (v->n == 0)
		return;
	conv_prepend(ch->conv, v->items, v->n);
	ch->prepended += v->n;
	free(v->items);
	v->items = NULL;
	v->n = 0;
	dirty(ch, CHAT_DIRTY_HISTORY);
}

static void sync_now(void *ud)
{
	struct chat *ch = ud;
	ch->sync_timer = 0;
	submit(ch, job_new(ch, JOB_SYNC));
}

/* While writes wait in the outbox, try the store every few seconds. */
static void schedule_sync(struct chat *ch)
{
	if (ch->outbox_writes > 0 && ch->sync_timer == 0)
		ch->sync_timer = loop_timer_add(ch->loop, SYNC_EVERY_MS, sync_now, ch);
}

static bool differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0);
}

/*
 * The conversation was just created from what this job carried; a /rename,
 * /system or /model given while it was on its way only changed the screen.
 */
static void catch_up(struct chat *ch, struct job *created)
{
	const char *id = ch->conv->id;
	if (ch->conv->title != NULL && differs(ch->conv->title, created->conv_title)) {
		struct job *j = job_new(ch, JOB_RENAME);
		j->a = xstrdup(id);
		j->b = xstrdup(ch->conv->title);
		submit(ch, j);
	}
	if (differs(ch->system_prompt, created->conv_system)) {
		struct job *j = job_new(ch, JOB_SET_SYSTEM);
		j->a = xstrdup(id);
		j->b = ch->system_prompt ? xstrdup(ch->system_prompt) : NULL;
		submit(ch, j);
	}
	if (created->b != NULL && differs(ch->model, created->b)) {
		struct job *j = job_new(ch, JOB_SET_MODEL);
		j->a = xstrdup(id);
		j->b = xstrdup(ch->model);
		submit(ch, j);
	}
}

/*
 * The stored usage said no: the question leaves the screen and goes back to
 * the input, as a question the local check refused would have stayed there.
 */
static void take_back(struct chat *ch, struct job *j)
{
	if (j->ticket == ch->send_ticket)
		ch->awaiting_store = false;
	struct msg *m = j->targets[0];
	if (j->epoch == chat_epoch(ch) && conv_take(ch->conv, m)) {
		free(ch->restore);
		ch->restore = xstrdup(m->text.data ? m->text.data : "");
		/* Its images move back to wait for the next send. */
		ch->pending =
		    xrealloc(ch->pending, (ch->npending + m->nimages + 1) * sizeof(*ch->pending));
		for (size_t k = 0; k < m->nimages; k++)
			ch->pending[ch->npending++] = m->images[k];
		free(m->images);
		m->images = NULL;
		m->nimages = 0;
		msg_free(m);
		dirty(ch, CHAT_DIRTY_HISTORY);
	}
	chat_notice(ch, "%s; your question is back in the input", j->cause);
}

/* The question this job stored is the one whose answer waits for it. */
static bool waited_for(const struct chat *ch, const struct job *j, bool current)
{
	return j->kind == JOB_APPEND_USER && j->value && current && ch->awaiting_store &&
	       j->ticket == ch->send_ticket && !ch->closing;
}

static void job_done(void *ud)
{
	struct job *j = ud;
	struct chat *ch = j->ch;
	bool current = j->serial == ch->serial;
	if (j->has_store) {
		ch->store_online = j->online;
		ch->outbox_writes = j->outbox;
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

	switch (j->kind) {
	case JOB_WHOAMI:
		if (j->who == 0) {
			set_user(ch, &j->user);
			/* Anything sent before the check came back is kept too. */
			if (!ch->closing)
				adopt_conv(ch);
		} else if (j->cause != NULL) {
			chat_notice(ch, "%s", j->cause);
		}
		break;
	case JOB_SIGNUP:
	case JOB_LOGIN:
		if (j->rc < 0) {
			set_error(ch, j->cause ? j->cause : "that did not work");
			break;
		}
		{
			/* Another account's conversation must not follow a new login. */
			bool switched = ch->user_id != NULL && strcmp(ch->user_id, j->user.id) != 0;
			if (switched)
				replace_conv(ch, conv_new());
			set_user(ch, &j->user);
			chat_notice(ch, "%s as %s <%s>",
			            j->kind == JOB_SIGNUP ? "signed up" : "logged in", j->user.name,
			            j->user.email);
			if (j->user.notice != NULL)
				chat_notice(ch, "%s", j->user.notice);
			if (!switched && !ch->closing)
				adopt_conv(ch);
		}
		break;
	case JOB_LOGOUT:
		if (j->rc < 0)
			set_error(ch, j->cause);
		set_user(ch, NULL);
		replace_conv(ch, conv_new());
		chat_notice(ch, "logged out; chatting as a guest (nothing is stored)");
		break;
	case JOB_LIST:
		if (j->rc < 0) {
			store_failed(ch, j);
			break;
		}
		for (size_t i = 0; i < ch->nrows; i++) {
			free(ch->rows[i].id);
			free(ch->rows[i].title);
		}
		free(ch->rows);
		ch->nrows = j->list.n;
		ch->rows = xcalloc(j->list.n ? j->list.n : 1, sizeof(*ch->rows));
		for (size_t i = 0; i < j->list.n; i++) {
			ch->rows[i].id = xstrdup(j->list.items[i].id);
			ch->rows[i].title =
			    xstrdup(j->list.items[i].title ? j->list.items[i].title : "");
			ch->rows[i].updated_ms = j->list.items[i].updated_ms;
			ch->rows[i].nmessages = j->list.items[i].nmessages;
		}
		dirty(ch, CHAT_DIRTY_CONVS);
		if (j->value) {
			if (ch->nrows == 0)
				chat_notice(ch, "no stored conversations yet");
			for (size_t i = 0; i < ch->nrows; i++)
				chat_notice(ch, "%zu. %s  %s (%ld messages)", i + 1, ch->rows[i].id,
				            ch->rows[i].title, ch->rows[i].nmessages);
		}
		break;
	case JOB_SELECT:
		if (j->ticket != ch->select_ticket)
			break; /* another /select came after this one */
		if (j->rc < 0) {
			set_error(ch, j->cause ? j->cause : "no such conversation");
			break;
		}
		{
			struct conv *c = j->conv;
			j->conv = NULL;
			for (size_t i = 0; i < j->loaded.n; i++)
				conv_push(c, j->loaded.items[i]);
			free(j->loaded.items);
			j->loaded.items = NULL;
			j->loaded.n = 0;
			replace_conv(ch, c);
			chat_notice(ch, "opened \"%s\"", c->title ? c->title : "untitled");
		}
		break;
	case JOB_DELETE:
		if (j->rc < 0) {
			set_error(ch, j->cause);
			break;
		}
		chat_notice(ch, "deleted \"%s\"", j->conv->title ? j->conv->title : "untitled");
		if (ch->conv->id != NULL && strcmp(ch->conv->id, j->conv->id) == 0)
			replace_conv(ch, conv_new());
		break;
	case JOB_RENAME:
		if (j->rc < 0)
			set_error(ch, j->cause);
		break;
	case JOB_OLDER:
		ch->older_loading = false;
		if (j->rc < 0) {
			set_error(ch, j->cause);
			break;
		}
		if (!current)
			break;
		if (j->loaded.n < CHAT_OLDER_PAGE)
			ch->older_done = true;
		prepend(ch, &j->loaded);
		break;
	default:
		if (j->quota) {
			take_back(ch, j);
			break;
		}
		if (j->rc < 0) {
			store_failed(ch, j);
			if (waited_for(ch, j, current))
				start_after_store(ch);
			break;
		}
		if (current && j->conv_id != NULL && ch->conv->id == NULL) {
			ch->conv->id = xstrdup(j->conv_id);
			dirty(ch, CHAT_DIRTY_STATUS);
			catch_up(ch, j);
		}
		/* Give the screen's messages their store ids (for /like and /dislike). */
		if (current && (j->kind == JOB_APPEND_USER || j->kind == JOB_APPEND_ANSWER ||
		                j->kind == JOB_ADOPT)) {
			for (size_t i = 0; i < j->nmsgs && j->epoch == chat_epoch(ch); i++) {
				struct msg *target = j->targets[i];
				if (j->msgs[i]->id != NULL && target->id == NULL) {
					target->id = xstrdup(j->msgs[i]->id);
					target->seq = j->msgs[i]->seq;
				}
			}
		}
		if (waited_for(ch, j, current))
			start_after_store(ch);
		break;
	}
	job_free(j);
}

static void submit(struct chat *ch, struct job *j)
{
	if (job_writes(j->kind) && ch->user_name != NULL) {
		j->counted = true;
		ch->pending_writes++;
		update_store_state(ch);
	}
	worker_submit(ch->worker, job_work, job_done, j);
}

/* Hands the worker a copy of m; the done callback finds m again by pointer. */
static void job_add_msg(struct job *j, struct msg *m)
{
	j->msgs = xrealloc(j->msgs, (j->nmsgs + 1) * sizeof(*j->msgs));
	j->targets = xrealloc(j->targets, (j->nmsgs + 1) * sizeof(*j->targets));
	j->targets[j->nmsgs] = m;
	j->msgs[j->nmsgs++] = msg_clone(m);
}

/* What a job needs to create the conversation on screen in the store. */
static void job_conv_meta(struct chat *ch, struct job *j)
{
	j->a = ch->conv->id ? xstrdup(ch->conv->id) : NULL;
	j->conv_title = ch->conv->title ? xstrdup(ch->conv->title) : NULL;
	j->conv_system = ch->system_prompt ? xstrdup(ch->system_prompt) : NULL;
}

/* After a login: keep the guest conversation on screen under the account. */
static void adopt_conv(struct chat *ch)
{
	if (ch->conv->id != NULL)
		return;
	struct job *j = job_new(ch, JOB_ADOPT);
	j->b = xstrdup(ch->model);
	job_conv_meta(ch, j);
	for (size_t i = 0; i < ch->conv->n; i++) {
		struct msg *m = ch->conv->msgs[i];
		if (m->role == ROLE_NOTICE || (m->status == MSG_STREAMING && m != ch->answer))
			continue;
		job_add_msg(j, m);
		if (m == ch->answer) {
			/* The answer still streaming: stored as a crash would leave it. */
			j->msgs[j->nmsgs - 1]->status = MSG_INTERRUPTED;
			j->value = 1;
		}
	}
	if (j->nmsgs == 0) {
		job_free(j);
		return;
	}
	submit(ch, j);
	if (ch->answer != NULL && ch->checkpoint_timer == 0)
		ch->checkpoint_timer = loop_timer_add(ch->loop, CHECKPOINT_MS, checkpoint, ch);
}

/* ---- creating and freeing ---------------------------------------------- */

struct chat *chat_new(struct loop *l, const struct config *cfg, char **cause)
{
	struct chat *ch = xcalloc(1, sizeof(*ch));
	ch->loop = l;
	ch->cfg = cfg;
	ch->ps.cfg = cfg;
	ch->store_online = true;
	ch->worker = worker_new(l, cause);
	if (ch->worker == NULL) {
		free(ch);
		return NULL;
	}
	ch->conv = conv_new();
	ch->model = xstrdup(cfg->model);
	config_models(cfg, &ch->models);
	models_sort(&ch->models);
	submit(ch, job_new(ch, JOB_WHOAMI));
	dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	return ch;
}

static void models_fetched(void *ud, const char *error)
{
	struct chat *ch = ud;
	models_sort(&ch->models);
	dirty(ch, CHAT_DIRTY_MODELS);
	/* A failed list is not worth an alarm: the built-in table still works. */
}

void chat_fetch_models(struct chat *ch)
{
	if (ch->cfg->api_key == NULL || ch->cfg->api_key[0] == '\0')
		return;
	struct gemini_target t = {.base_url = ch->cfg->base_url, .api_key = ch->cfg->api_key};
	gemini_fetch_models(ch->loop, &t, &ch->models, models_fetched, ch, NULL);
}

void chat_free(struct chat *ch)
{
	if (ch == NULL)
		return;
	ch->closing = true;
	if (ch->sync_timer != 0)
		loop_timer_cancel(ch->loop, ch->sync_timer);
	ch->sync_timer = 0;
	if (ch->call != NULL)
		gemini_stream_cancel(ch->call);
	/* Runs the queued writes; their done callbacks start nothing new now. */
	if (!worker_drain(ch->worker, 500))
		fprintf(stderr, "jarvis: saving what waits for the store (MongoDB may be slow to "
		                "answer)…\n");
	worker_free(ch->worker);
	store_close(ch->ps.store);
	if (ch->ps.secret != NULL)
		secret_free(ch->ps.secret, ch->ps.secret_len);
	free(ch->ps.user_id);
	free(ch->ps.conv_id);
	free(ch->ps.answer_id);
	conv_free(ch->conv);
	models_free(&ch->models);
	free(ch->model);
	free(ch->system_prompt);
	free(ch->thinking);
	chat_detach(ch);
	free(ch->user_name);
	free(ch->user_id);
	free(ch->restore);
	free(ch->error);
	free(ch->store_state);
	for (size_t i = 0; i < ch->nrates; i++) {
		free(ch->rates[i].model);
		ratelimit_free(&ch->rates[i].window);
	}
	free(ch->rates);
	for (size_t i = 0; i < ch->nrows; i++) {
		free(ch->rows[i].id);
		free(ch->rows[i].title);
	}
	free(ch->rows);
	free(ch);
}

/* ---- state ------------------------------------------------------------- */

const struct conv *chat_conv(const struct chat *ch)
{
	return ch->conv;
}

const char *chat_model(const struct chat *ch)
{
	return ch->model;
}

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
	struct job *j = job_new(ch, JOB_OLDER);
	j->a = xstrdup(c->id);
	j->value = (int)first;
	ch->older_loading = true;
	submit(ch, j);
	return true;
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
	return ch->call != NULL || ch->awaiting_store;
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

/* The window of a model's requests, or NULL when none was made here. */
static struct ratelimit *rate_find(const struct chat *ch, const char *model)
{
	for (size_t i = 0; i < ch->nrates; i++)
		if (strcmp(ch->rates[i].model, model) == 0)
			return &ch->rates[i].window;
	return NULL;
}

static struct ratelimit *rate_for(struct chat *ch, const char *model)
{
	struct ratelimit *found = rate_find(ch, model);
	if (found != NULL)
		return found;
	ch->rates = xrealloc(ch->rates, (ch->nrates + 1) * sizeof(*ch->rates));
	struct model_rate *r = &ch->rates[ch->nrates++];
	r->model = xstrdup(model);
	ratelimit_init(&r->window);
	return &r->window;
}

char *chat_quota_line(const struct chat *ch)
{
	const struct model_info *m = models_find(&ch->models, ch->model);
	if (m == NULL || (m->rpm <= 0 && m->rpd <= 0))
		return xstrdup("");
	/* A model never used here has its whole quota left. */
	const struct ratelimit *r = rate_find(ch, ch->model);
	long long now = now_ms();
	long minute = r ? (long)ratelimit_count(r, now, RATELIMIT_MINUTE_MS) : 0;
	long day = r ? (long)ratelimit_count(r, now, RATELIMIT_DAY_MS) : 0;
	struct buf b;
	buf_init(&b, 0);
	if (m->rpm > 0)
		buf_printf(&b, "RPM %ld/%ld", m->rpm - minute, m->rpm);
	if (m->rpd > 0)
		buf_printf(&b, "%sRPD %ld/%ld", b.len ? " " : "", m->rpd - day, m->rpd);
	return buf_steal(&b);
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
		set_error(ch, NULL);
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

unsigned chat_take_dirty(struct chat *ch)
{
	unsigned d = ch->dirty;
	ch->dirty = 0;
	return d;
}

/* ---- streaming --------------------------------------------------------- */

static void persist_answer(struct chat *ch)
{
	if (ch->user_name == NULL || ch->answer == NULL)
		return;
	struct job *j = job_new(ch, JOB_UPDATE_ANSWER);
	job_add_msg(j, ch->answer);
	if (j->msgs[0]->status == MSG_STREAMING)
		j->msgs[0]->status = MSG_INTERRUPTED; /* what a crash would leave */
	submit(ch, j);
}

static void checkpoint(void *ud)
{
	struct chat *ch = ud;
	ch->checkpoint_timer = 0;
	if (ch->call == NULL)
		return;
	persist_answer(ch);
	ch->checkpoint_timer = loop_timer_add(ch->loop, CHECKPOINT_MS, checkpoint, ch);
}

static void on_delta(void *ud, const struct gemini_delta *d)
{
	struct chat *ch = ud;
	struct msg *m = ch->answer;
	msg_append(m, d->text, d->text_len, d->thought, d->thought_len);
	ch->stream_bytes += d->text_len + d->thought_len;
	dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
}

static void on_notice(void *ud, const char *line)
{
	struct chat *ch = ud;
	set_error(ch, line);
	ch->error_from_stream = true;
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

static void on_done(void *ud, const struct gemini_result *r)
{
	struct chat *ch = ud;
	struct msg *m = ch->answer;
	ch->call = NULL;
	ch->answer = NULL;
	if (ch->checkpoint_timer != 0) {
		loop_timer_cancel(ch->loop, ch->checkpoint_timer);
		ch->checkpoint_timer = 0;
	}
	gemini_result_apply(r, m);
	msg_changed(m);
	if (ch->user_name != NULL) {
		ch->answer = m;
		persist_answer(ch);
		ch->answer = NULL;
	}
	if (r->error != NULL)
		chat_notice(ch, "%s", r->error);
	else if (r->end == GEMINI_END_INTERRUPTED)
		chat_notice(ch, "stopped; the answer above is incomplete");
	else if (m->status == MSG_ERROR && m->text.len == 0)
		chat_notice(ch, "gemini: the API sent an empty answer; try /retry");
	mark_failed_question(ch, m);
	/* A retry notice is over; a store error that came meanwhile stays. */
	if (ch->error_from_stream)
		set_error(ch, NULL);
	dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* Streams an answer to the conversation as it stands (its last turn is the user's). */
static int start_answer(struct chat *ch, char **cause)
{
	struct ratelimit *rate = rate_for(ch, ch->model);
	struct gemini_gen gen = {
	    .system_prompt = ch->system_prompt ? ch->system_prompt : ch->cfg->system_prompt,
	    .has_temperature = ch->cfg->has_temperature,
	    .temperature = ch->cfg->temperature,
	    .max_output_tokens = ch->cfg->has_max_output_tokens ? ch->cfg->max_output_tokens : 0,
	    .model = ch->model,
	    .thinking = chat_thinking(ch),
	};
	struct gemini_request_info sent;
	char *body = gemini_request_build(ch->conv, &gen, &sent, cause);
	if (body == NULL)
		return -1;
	if (sent.images_left_out > 0)
		chat_notice(ch,
		            "%zu earlier image%s left out of this request (a note stands in its "
		            "place): with %s the request would pass the API's %d MB limit",
		            sent.images_left_out, sent.images_left_out == 1 ? " is" : "s are",
		            sent.images_left_out == 1 ? "it" : "them",
		            GEMINI_REQUEST_MAX_BYTES / 1000000);
	struct gemini_target t = {
	    .base_url = ch->cfg->base_url,
	    .api_key = ch->cfg->api_key,
	    .timeout_s = ch->cfg->timeout,
	    .stall_timeout_ms = ch->cfg->stall_timeout * 1000,
	};
	static const struct gemini_events events = {on_delta, on_notice, on_done};
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
	ratelimit_add(rate, now_ms());
	ch->stream_started_ms = now_ms();
	ch->stream_bytes = 0;
	if (ch->user_name != NULL) {
		struct job *j = job_new(ch, JOB_APPEND_ANSWER);
		j->b = xstrdup(ch->model);
		job_conv_meta(ch, j);
		job_add_msg(j, ch->answer);
		j->msgs[0]->status = MSG_INTERRUPTED;
		submit(ch, j);
		struct job *u = job_new(ch, JOB_USAGE);
		u->b = xstrdup(ch->model);
		submit(ch, u);
		ch->checkpoint_timer = loop_timer_add(ch->loop, CHECKPOINT_MS, checkpoint, ch);
	}
	dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	return 0;
}

/* The checks that must pass before a message is taken from the input. */
static int check_send(struct chat *ch, const char *text, char **cause)
{
	if (ch->call != NULL || ch->awaiting_store)
		return set_cause(cause, "an answer is still coming; press Esc to stop it first");
	if (blank(text) && ch->npending == 0)
		return set_cause(cause, "type a message first");
	size_t size = strlen(text);
	for (size_t i = 0; i < ch->npending; i++)
		size += strlen(ch->pending[i].data_uri);
	if (size > ch->cfg->max_message_bytes)
		return set_cause(cause,
		                 "the message with its images is %zu bytes, over the %zu of "
		                 "[limits] max_message_bytes; /detach some images",
		                 size, ch->cfg->max_message_bytes);
	if (ch->cfg->api_key == NULL || ch->cfg->api_key[0] == '\0')
		return set_cause(cause,
		                 "no API key: set GEMINI_API_KEY or [gemini] api_key in "
		                 "the config (get one at https://aistudio.google.com/apikey)");
	const struct model_info *mi = models_find(&ch->models, ch->model);
	long long wait = 0;
	if (mi != NULL &&
	    ratelimit_check(rate_for(ch, ch->model), now_ms(), mi->rpm, mi->rpd, &wait) == -1)
		return set_cause(cause,
		                 "quota: %s allows %ld requests a minute and %ld a day; "
		                 "the next is free in %lld s (F2 picks another model)",
		                 ch->model, mi->rpm, mi->rpd, (wait + 999) / 1000);
	return 0;
}

/* Called when the user's message is safely stored (or the store failed). */
static void start_after_store(struct chat *ch)
{
	ch->awaiting_store = false;
	char *cause = NULL;
	if (start_answer(ch, &cause) == -1) {
		chat_notice(ch, "%s", cause);
		free(cause);
	}
}

int chat_send(struct chat *ch, const char *text, char **cause)
{
	if (check_send(ch, text, cause) == -1)
		return -1;
	struct msg *m = conv_add(ch->conv, ROLE_USER, text);
	m->model = xstrdup(ch->model);
	for (size_t i = 0; i < ch->npending; i++)
		msg_add_image(m, &ch->pending[i]);
	if (ch->user_name == NULL) {
		if (start_answer(ch, cause) == -1) {
			/* Nothing was sent: take the message back so the input keeps it. */
			conv_remove(ch->conv, m);
			dirty(ch, CHAT_DIRTY_HISTORY);
			return -1;
		}
		chat_detach(ch);
		return 0;
	}
	/* Logged in: the request goes out once the question is stored. */
	struct job *j = job_new(ch, JOB_APPEND_USER);
	j->b = xstrdup(ch->model);
	const struct model_info *mi = models_find(&ch->models, ch->model);
	j->rpm = mi ? mi->rpm : 0;
	j->rpd = mi ? mi->rpd : 0;
	job_conv_meta(ch, j);
	j->value = 1;
	j->ticket = ++ch->send_ticket;
	job_add_msg(j, m);
	submit(ch, j);
	ch->awaiting_store = true;
	chat_detach(ch);
	dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	return 0;
}

int chat_stop(struct chat *ch, char **cause)
{
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

int chat_retry(struct chat *ch, char **cause)
{
	if (ch->call != NULL || ch->awaiting_store)
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
	/* The old answer stays in the store; the context drops it. */
	conv_truncate(ch->conv, last_user + 1);
	if (ch->conv->msgs[last_user]->status != MSG_COMPLETE) {
		ch->conv->msgs[last_user]->status = MSG_COMPLETE; /* asked again */
		msg_changed(ch->conv->msgs[last_user]);
	}
	dirty(ch, CHAT_DIRTY_HISTORY);
	return start_answer(ch, cause);
}

void chat_clear(struct chat *ch)
{
	if (ch->call != NULL)
		gemini_stream_cancel(ch->call);
	conv_clear(ch->conv);
	dirty(ch, CHAT_DIRTY_HISTORY);
}

int chat_new_conv(struct chat *ch, const char *title, char **cause)
{
	struct conv *c = conv_new();
	if (title != NULL && !blank(title))
		c->title = xstrdup(title);
	replace_conv(ch, c);
	chat_notice(ch, "new conversation%s%s", c->title ? ": " : "", c->title ? c->title : "");
	return 0;
}

static int need_login(struct chat *ch, char **cause)
{
	if (ch->user_name == NULL)
		return set_cause(cause,
		                 "log in first (/login EMAIL): guests' chats are not stored");
	return 0;
}

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
	if (need_login(ch, cause) == -1)
		return -1;
	const char *id = by_id ? what : listed_id(ch, what);
	struct job *j = job_new(ch, JOB_SELECT);
	j->a = xstrdup(id ? id : what);
	j->value = id != NULL;
	j->ticket = ++ch->select_ticket;
	submit(ch, j);
	/* The conversation on screen stays until the new one arrives (replace_conv). */
	return 0;
}

int chat_select(struct chat *ch, const char *id_or_index, char **cause)
{
	return select_conv(ch, id_or_index, false, cause);
}

int chat_open_id(struct chat *ch, const char *id, char **cause)
{
	return select_conv(ch, id, true, cause);
}

int chat_rename_id(struct chat *ch, const char *id, const char *title, char **cause)
{
	if (need_login(ch, cause) == -1)
		return -1;
	if (blank(title))
		return set_cause(cause, "the title is empty");
	if (ch->conv->id != NULL && strcmp(ch->conv->id, id) == 0)
		return chat_rename(ch, title, cause);
	struct job *j = job_new(ch, JOB_RENAME);
	j->a = xstrdup(id);
	j->b = xstrdup(title);
	submit(ch, j);
	submit(ch, job_new(ch, JOB_LIST));
	return 0;
}

int chat_rename(struct chat *ch, const char *title, char **cause)
{
	if (blank(title))
		return set_cause(cause, "give the new title: /rename TITLE");
	free(ch->conv->title);
	ch->conv->title = xstrdup(title);
	dirty(ch, CHAT_DIRTY_STATUS);
	if (ch->user_name == NULL || ch->conv->id == NULL)
		return 0;
	struct job *j = job_new(ch, JOB_RENAME);
	j->a = xstrdup(ch->conv->id);
	j->b = xstrdup(title);
	submit(ch, j);
	return 0;
}

static int delete_conv(struct chat *ch, const char *target, bool exact_id, char **cause)
{
	struct job *j = job_new(ch, JOB_DELETE);
	j->a = xstrdup(target);
	j->value = exact_id;
	submit(ch, j);
	submit(ch, job_new(ch, JOB_LIST));
	return 0;
}

int chat_delete(struct chat *ch, const char *id, char **cause)
{
	if (need_login(ch, cause) == -1)
		return -1;
	const char *target = id ? id : ch->conv->id;
	if (target == NULL)
		return set_cause(cause,
		                 "this conversation is not stored; /delete ID deletes another");
	/* Without an id: this conversation; a list number: the row the user saw. */
	const char *listed = id != NULL ? listed_id(ch, id) : NULL;
	if (listed != NULL)
		return delete_conv(ch, listed, true, cause);
	return delete_conv(ch, target, id == NULL, cause);
}

int chat_delete_id(struct chat *ch, const char *id, char **cause)
{
	if (need_login(ch, cause) == -1)
		return -1;
	return delete_conv(ch, id, true, cause);
}

int chat_load_convs(struct chat *ch, char **cause)
{
	if (need_login(ch, cause) == -1)
		return -1;
	submit(ch, job_new(ch, JOB_LIST));
	return 0;
}

int chat_list_convs(struct chat *ch, char **cause)
{
	if (need_login(ch, cause) == -1)
		return -1;
	struct job *j = job_new(ch, JOB_LIST);
	j->value = 1;
	submit(ch, j);
	return 0;
}

int chat_set_model(struct chat *ch, const char *id, char **cause)
{
	if (!model_id_ok(id))
		return set_cause(cause, "\"%s\" is not a model id; F2 lists them", id);
	free(ch->model);
	ch->model = xstrdup(id);
	dirty(ch, CHAT_DIRTY_STATUS);
	if (models_find(&ch->models, id) == NULL)
		chat_notice(ch, "model %s is not in the known list; the API will say if it exists",
		            id);
	if (ch->user_name != NULL && ch->conv->id != NULL) {
		struct job *j = job_new(ch, JOB_SET_MODEL);
		j->a = xstrdup(ch->conv->id);
		j->b = xstrdup(id);
		submit(ch, j);
	}
	return 0;
}

int chat_set_system(struct chat *ch, const char *prompt, char **cause)
{
	free(ch->system_prompt);
	ch->system_prompt = prompt && !blank(prompt) ? xstrdup(prompt) : NULL;
	if (ch->user_name != NULL && ch->conv->id != NULL) {
		struct job *j = job_new(ch, JOB_SET_SYSTEM);
		j->a = xstrdup(ch->conv->id);
		j->b = ch->system_prompt ? xstrdup(ch->system_prompt) : NULL;
		submit(ch, j);
	}
	return 0;
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

const char *chat_thinking(const struct chat *ch)
{
	return ch->thinking ? ch->thinking : ch->cfg->thinking;
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
	if (attach_load(path, ch->cfg->max_image_bytes, &img, cause) == -1)
		return -1;
	ch->pending = xrealloc(ch->pending, (ch->npending + 1) * sizeof(*ch->pending));
	ch->pending[ch->npending++] = img;
	dirty(ch, CHAT_DIRTY_STATUS);
	return 0;
}

void chat_detach(struct chat *ch)
{
	for (size_t i = 0; i < ch->npending; i++)
		attach_image_free(&ch->pending[i]);
	free(ch->pending);
	ch->pending = NULL;
	ch->npending = 0;
	dirty(ch, CHAT_DIRTY_STATUS);
}

int chat_feedback(struct chat *ch, int value, char **cause)
{
	struct msg *m = NULL;
	for (size_t i = ch->conv->n; i-- > 0;) {
		if (ch->conv->msgs[i]->role == ROLE_MODEL) {
			m = ch->conv->msgs[i];
			break;
		}
	}
	if (m == NULL)
		return set_cause(cause, "there is no answer to rate yet");
	m->feedback = value;
	msg_changed(m);
	dirty(ch, CHAT_DIRTY_HISTORY);
	if (ch->user_name == NULL || ch->conv->id == NULL || m->id == NULL)
		return 0;
	struct job *j = job_new(ch, JOB_FEEDBACK);
	j->a = xstrdup(ch->conv->id);
	j->b = xstrdup(m->id);
	j->value = value;
	submit(ch, j);
	return 0;
}

int chat_export(struct chat *ch, const char *path, char **cause)
{
	char *md =
	    export_markdown(ch->conv, (const struct msg *const *)ch->conv->msgs, ch->conv->n);
	FILE *f = fopen(path, "wx");
	if (f == NULL) {
		free(md);
		return set_cause(cause, "export: cannot create %s: %s%s", path, strerror(errno),
		                 errno == EEXIST ? " (choose another name)" : "");
	}
	bool ok = fputs(md, f) >= 0;
	ok = fclose(f) == 0 && ok;
	free(md);
	if (!ok)
		return set_cause(cause, "export: writing %s failed: %s", path, strerror(errno));
	chat_notice(ch, "exported to %s", path);
	return 0;
}

int chat_signup(struct chat *ch, const char *name, const char *email, const char *password,
                char **cause)
{
	struct job *j = job_new(ch, JOB_SIGNUP);
	j->a = xstrdup(name);
	j->b = xstrdup(email);
	j->password = xstrdup(password);
	submit(ch, j);
	chat_notice(ch, "creating the account…");
	return 0;
}

int chat_login(struct chat *ch, const char *email, const char *password, char **cause)
{
	struct job *j = job_new(ch, JOB_LOGIN);
	j->a = xstrdup(email);
	j->password = xstrdup(password);
	submit(ch, j);
	chat_notice(ch, "logging in…");
	return 0;
}

int chat_logout(struct chat *ch, char **cause)
{
	if (ch->user_name == NULL)
		return set_cause(cause, "nobody is logged in");
	submit(ch, job_new(ch, JOB_LOGOUT));
	return 0;
}

void chat_whoami(struct chat *ch)
{
	if (ch->user_name == NULL)
		chat_notice(ch, "guest: nothing is stored; /login or /signup to keep your chats");
	else
		chat_notice(ch, "logged in as %s (store: %s)", ch->user_name,
		            ch->cfg->store_uri && ch->cfg->store_uri[0] ? "MongoDB" : "SQLite");
}

void chat_quit(struct chat *ch)
{
	dirty(ch, CHAT_DIRTY_QUIT);
}
