/*
 * account.c: who is logged in, /signup, /login, /logout and /whoami, and
 * adopting the guest conversation on screen into the account that just
 * logged in; making the session, which starts by asking who is logged in
 * and counting the quota. The account calls (bcrypt, the store) run on the worker
 * through the profile, as the command-line modes make them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jarvis/config.h"
#include "jarvis/profile.h"
#include "jarvis/util.h"
#include "jarvis/worker.h"

static void account_release(struct job *j)
{
	struct job_account *a = &j->u.account;
	free(a->name);
	free(a->email);
	secret_free(a->password);
	account_user_clear(&a->user);
}

static void user_copy(struct account_user *dst, const struct account_user *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->id = xstrdup(src->id);
	dst->name = xstrdup(src->name ? src->name : "");
	dst->email = xstrdup(src->email ? src->email : "");
}

/* ---- who is logged in, at start ---------------------------------------- */

static void whoami_work(struct job *j)
{
	struct job_account *a = &j->u.account;
	const struct account_user *u = NULL;
	/* With no session file the profile opens nothing: a guest never creates the store. */
	a->who = profile_user(backend_profile(&j->ch->be), &u, &j->cause);
	if (a->who == 0) {
		user_copy(&a->user, u);
		backend_set_user(&j->ch->be, u->id);
		job_store(j);
	}
}

static void whoami_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_account *a = &j->u.account;
	if (a->who == 0) {
		chat_set_user(ch, &a->user);
		/* Anything sent before the check came back is kept too. */
		if (!ch->closing)
			chat_adopt(ch);
	} else if (j->cause != NULL) {
		chat_notice(ch, "%s", j->cause);
	} else {
		chat_notice(ch, "you are a guest: these chats are not stored; /signup or /login "
		                "to keep them");
	}
}

const struct job_kind JOB_WHOAMI = {"whoami", false, whoami_work, whoami_done, account_release};

void chat_whoami(struct chat *ch)
{
	if (ch->user_name == NULL)
		chat_notice(ch, "guest: nothing is stored; /login or /signup to keep your chats");
	else
		chat_notice(ch, "logged in as %s (store: %s)", ch->user_name,
		            ch->cfg->store_uri && ch->cfg->store_uri[0] ? "MongoDB" : "SQLite");
}

/* ---- /signup, /login, /logout ------------------------------------------ */

static void login_work(struct job *j);
static void login_done(struct job *j);

static const struct job_kind JOB_SIGNUP = {"signup", false, login_work, login_done,
                                           account_release};
static const struct job_kind JOB_LOGIN = {"login", false, login_work, login_done, account_release};

static void login_work(struct job *j)
{
	struct job_account *a = &j->u.account;
	const struct account_env *env = profile_env(backend_profile(&j->ch->be), &j->cause);
	if (env == NULL) {
		j->rc = -1;
		return;
	}
	long long now = wall_ms() / 1000;
	if (j->kind == &JOB_SIGNUP)
		j->rc =
		    account_signup(env, a->name, a->email, a->password, now, &a->user, &j->cause);
	else
		j->rc = account_login(env, a->email, a->password, now, &a->user, &j->cause);
	/* A session replaced by a new login was revoked by account_login. */
	if (j->rc == ACCOUNT_OK) {
		backend_set_user(&j->ch->be, a->user.id);
		job_store(j);
	}
}

static void login_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_account *a = &j->u.account;
	if (j->rc != ACCOUNT_OK) {
		/* Beside "logging in…" in the history: why it did not. */
		const char *why = j->cause ? j->cause : "that did not work";
		chat_set_error(ch, why);
		chat_notice(ch, "%s failed: %s",
		            j->kind == &JOB_SIGNUP ? "signing up" : "logging in", why);
		ch->error_posted = true;
		return;
	}
	/* Another account's conversation must not follow a new login. */
	bool switched = ch->user_id != NULL && strcmp(ch->user_id, a->user.id) != 0;
	if (switched)
		chat_replace_conv(ch, conv_new());
	chat_set_user(ch, &a->user);
	chat_notice(ch, "%s as %s <%s>", j->kind == &JOB_SIGNUP ? "signed up" : "logged in",
	            a->user.name, a->user.email);
	if (a->user.notice != NULL)
		chat_notice(ch, "%s", a->user.notice);
	if (a->user.recovery_code != NULL)
		chat_notice(ch, ACCOUNT_RECOVERY_NOTE, a->user.recovery_code);
	if (!switched && !ch->closing)
		chat_adopt(ch);
}

int chat_signup(struct chat *ch, const char *name, const char *email, const char *password,
                char **cause)
{
	struct job *j = job_new(ch, &JOB_SIGNUP);
	j->u.account.name = xstrdup(name);
	j->u.account.email = xstrdup(email);
	j->u.account.password = xstrdup(password);
	job_submit(ch, j);
	chat_notice(ch, "creating the account…");
	return 0;
}

int chat_login(struct chat *ch, const char *email, const char *password, char **cause)
{
	struct job *j = job_new(ch, &JOB_LOGIN);
	j->u.account.email = xstrdup(email);
	j->u.account.password = xstrdup(password);
	job_submit(ch, j);
	chat_notice(ch, "logging in…");
	return 0;
}

static void logout_work(struct job *j)
{
	const struct account_env *env = profile_env(backend_profile(&j->ch->be), &j->cause);
	j->rc = env ? account_logout(env, wall_ms() / 1000, &j->cause) : -1;
	if (j->rc == ACCOUNT_OK)
		backend_set_user(&j->ch->be, NULL);
}

static void logout_done(struct job *j)
{
	struct chat *ch = j->ch;
	if (j->rc != ACCOUNT_OK)
		chat_set_error(ch, j->cause);
	chat_set_user(ch, NULL);
	chat_replace_conv(ch, conv_new());
	chat_notice(ch, "logged out; chatting as a guest (nothing is stored)");
}

static const struct job_kind JOB_LOGOUT = {"logout", false, logout_work, logout_done, NULL};

int chat_logout(struct chat *ch, char **cause)
{
	if (ch->user_name == NULL)
		return set_cause(cause, "nobody is logged in");
	job_submit(ch, job_new(ch, &JOB_LOGOUT));
	return 0;
}

/* ---- /passwd ------------------------------------------------------------ */

/* a->name holds the current password here, a->password the new one (both wiped). */
static void passwd_work(struct job *j)
{
	struct job_account *a = &j->u.account;
	const struct account_env *env = profile_env(backend_profile(&j->ch->be), &j->cause);
	j->rc = env ? account_passwd(env, a->name, a->password, wall_ms() / 1000, &j->cause) : -1;
}

static void passwd_done(struct job *j)
{
	if (j->rc != ACCOUNT_OK)
		chat_set_error(j->ch, j->cause ? j->cause : "the password was not changed");
	else
		chat_notice(j->ch, "password changed; your conversations stay as they are, under "
		                   "the same key");
}

static void passwd_release(struct job *j)
{
	secret_free(j->u.account.name);
	j->u.account.name = NULL;
	account_release(j);
}

static const struct job_kind JOB_PASSWD = {"passwd", false, passwd_work, passwd_done,
                                           passwd_release};

int chat_passwd(struct chat *ch, const char *old_password, const char *new_password, char **cause)
{
	if (ch->user_name == NULL)
		return set_cause(cause, "nobody is logged in; /login first");
	struct job *j = job_new(ch, &JOB_PASSWD);
	j->u.account.name = xstrdup(old_password);
	j->u.account.password = xstrdup(new_password);
	job_submit(ch, j);
	chat_notice(ch, "changing the password…");
	return 0;
}

/* ---- adopting the guest conversation ----------------------------------- */

static void adopt_work(struct job *j)
{
	struct job_adopt *a = &j->u.adopt;
	struct store *st = job_store(j);
	struct backend *be = &j->ch->be;
	if (st == NULL || a->msgs.n == 0)
		return;
	const char *conv_id = backend_conv(be, j, &a->meta, a->msgs.copies[0]);
	for (size_t i = 0; conv_id != NULL && i < a->msgs.n && j->rc == 0; i++)
		if (store_msg_append(st, be->x.user_id, conv_id, a->msgs.copies[i], &j->cause) < 0)
			j->rc = -1;
	if (conv_id != NULL && a->meta.conv_id == NULL)
		a->conv_id = xstrdup(conv_id);
	/* The answer still streaming is the one checkpoints update from now on. */
	if (a->streaming && j->rc == 0) {
		free(be->x.answer_id);
		be->x.answer_id = xstrdup(a->msgs.copies[a->msgs.n - 1]->id);
	}
}

static void adopt_done(struct job *j)
{
	struct chat *ch = j->ch;
	struct job_adopt *a = &j->u.adopt;
	if (j->rc < 0) {
		store_failed(ch, j);
		return;
	}
	if (job_current(j) && a->conv_id != NULL && ch->conv->id == NULL) {
		ch->conv->id = xstrdup(a->conv_id);
		chat_dirty(ch, CHAT_DIRTY_STATUS);
		chat_catch_up(ch, &a->meta);
	}
	job_give_ids(j, &a->msgs);
}

static void adopt_release(struct job *j)
{
	job_meta_release(&j->u.adopt.meta);
	job_msgs_release(&j->u.adopt.msgs);
	free(j->u.adopt.conv_id);
}

static const struct job_kind JOB_ADOPT = {"adopt", true, adopt_work, adopt_done, adopt_release};

/* After a login: keep the guest conversation on screen under the account. */
void chat_adopt(struct chat *ch)
{
	if (ch->conv->id != NULL)
		return;
	struct job *j = job_new(ch, &JOB_ADOPT);
	struct job_adopt *a = &j->u.adopt;
	job_meta_fill(ch, &a->meta);
	for (size_t i = 0; i < ch->conv->n; i++) {
		struct msg *m = ch->conv->msgs[i];
		if (m->role == ROLE_NOTICE || (m->status == MSG_STREAMING && m != ch->answer))
			continue;
		job_add_msg(&a->msgs, m);
		if (m == ch->answer) {
			/* The answer still streaming: stored as a crash would leave it. */
			a->msgs.copies[a->msgs.n - 1]->status = MSG_INTERRUPTED;
			a->streaming = true;
		}
	}
	if (a->msgs.n == 0) {
		adopt_release(j);
		free(j);
		return;
	}
	job_submit(ch, j);
	if (ch->answer != NULL)
		chat_arm_checkpoint(ch);
}

/* ---- the session starts: who is logged in, what is counted -------------- */

void chat_set_user(struct chat *ch, const struct account_user *u)
{
	free(ch->user_name);
	free(ch->user_id);
	ch->user_name = u ? xstrdup(u->name) : NULL;
	ch->user_id = u ? xstrdup(u->id) : NULL;
	ch->store_failures = 0;
	update_store_state(ch);
	chat_count_quota(ch);   /* another source counts now */
	ch->rows_known = false; /* another user's, or none */
}

struct chat *chat_new(struct loop *l, const struct config *cfg)
{
	/* Its jobs (who is logged in, the quota) wait for chat_start. */
	struct worker *w = worker_new_later(l);
	return chat_new_with(l, cfg, w);
}

void chat_start(struct chat *ch)
{
	char *why = NULL;
	if (worker_start(ch->worker, &why) != 0)
		chat_notice(ch, "%s: the store is used from the main thread, so typing may pause",
		            why);
	free(why);
}

struct chat *chat_new_with(struct loop *l, const struct config *cfg, struct worker *w)
{
	struct chat *ch = xcalloc(1, sizeof(*ch));
	ch->loop = l;
	ch->cfg = cfg;
	ch->be.cfg = cfg;
	ch->store_online = true;
	ch->worker = w;
	ch->conv = conv_new();
	ch->model = xstrdup(cfg->model);
	config_models(cfg, &ch->models);
	models_sort(&ch->models);
	job_submit(ch, job_new(ch, &JOB_WHOAMI));
	chat_count_quota(ch);
	chat_dirty(ch, CHAT_DIRTY_HISTORY | CHAT_DIRTY_STATUS);
	return ch;
}
