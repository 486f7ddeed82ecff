/*
 * profile.c: the user's context shared by the modes (see profile.h).
 *
 * What it must not do: open, create or touch the store or the key file
 * before a caller needs them (a guest's one-shot question leaves no file
 * behind), print anything (notices go to the caller's function),
 * or keep the signing key longer than the profile.
 */
#include "jarvis/profile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/account.h"
#include "jarvis/config.h"
#include "jarvis/session.h"
#include "jarvis/store.h"
#include "jarvis/token.h"
#include "jarvis/util.h"

struct profile {
	const struct config *cfg;
	profile_notice_fn notice;
	void *notice_ud;
	struct store *store;
	char *store_error; /* set once opening failed: not retried */
	unsigned char *key;
	size_t key_len;
	bool env_ready;
	struct account_env env;
	bool user_known;
	int user_rc;
	struct account_user user;
};

struct profile *profile_new(const struct config *cfg, profile_notice_fn notice, void *ud)
{
	struct profile *p = xcalloc(1, sizeof *p);
	p->cfg = cfg;
	p->notice = notice;
	p->notice_ud = ud;
	return p;
}

void profile_notice_stderr(void *ud, const char *notice)
{
	fprintf(stderr, "jarvis: %s\n", notice);
}

static void notify(struct profile *p, const char *notice)
{
	if (p->notice != NULL && notice != NULL)
		p->notice(p->notice_ud, notice);
}

void profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	account_user_clear(&p->user);
	store_close(p->store);
	free(p->store_error);
	if (p->key != NULL)
		secret_free_len(p->key, p->key_len);
	free(p);
}

struct store *profile_store(struct profile *p, char **cause)
{
	if (p->store != NULL)
		return p->store;
	if (p->store_error == NULL) {
		char *why = NULL;
		p->store = store_open_outbox(p->cfg->store_uri, p->cfg->database, p->cfg->data_dir,
		                             p->cfg->state_dir, &why);
		if (p->store == NULL) {
			/* The store's own messages say "store: ..."; they are passed on as they
			 * are. */
			if (why == NULL)
				why = xstrdup("store: cannot open the store; check [store] uri or "
				              "--store");
			p->store_error = why;
		}
	}
	if (p->store == NULL) {
		set_cause(cause, "%s", p->store_error);
		return NULL;
	}
	return p->store;
}

const struct account_env *profile_env(struct profile *p, char **cause)
{
	if (p->env_ready)
		return &p->env;
	struct store *st = profile_store(p, cause);
	if (st == NULL)
		return NULL;
	if (p->key == NULL) {
		char *warning = NULL, *why = NULL;
		if (secret_load(p->cfg->jwt_secret, p->cfg->data_dir, &p->key, &p->key_len,
		                &warning, &why) != 0) {
			set_cause(cause, "auth: %s",
			          why != NULL ? why : "cannot load the signing key");
			free(why);
			free(warning);
			p->key = NULL;
			return NULL;
		}
		if (warning != NULL) {
			char *w = xasprintf("warning: %s", warning);
			notify(p, w);
			free(w);
		}
		free(warning);
	}
	p->env.store = st;
	p->env.state_dir = p->cfg->state_dir;
	p->env.secret = p->key;
	p->env.secret_len = p->key_len;
	p->env.token_ttl_s = p->cfg->token_ttl > 0 ? p->cfg->token_ttl : 0;
	p->env.bcrypt_cost = 0;
	p->env_ready = true;
	return &p->env;
}

int profile_user(struct profile *p, const struct account_user **out, char **cause)
{
	*out = NULL;
	if (p->user_known) {
		if (p->user_rc == 0)
			*out = &p->user;
		return p->user_rc;
	}
	/* No session file: a guest, and nothing needs opening. */
	if (p->cfg->state_dir == NULL || *p->cfg->state_dir == '\0')
		goto guest;
	char *token = NULL, *notice = NULL;
	int lrc = session_load(p->cfg->state_dir, &token, &notice);
	secret_free(token);
	if (lrc != 0) {
		notify(p, notice);
		free(notice);
		goto guest;
	}
	const struct account_env *env = profile_env(p, cause);
	if (env == NULL)
		return -1;
	int rc = account_current(env, wall_ms() / 1000, &p->user, &notice);
	if (rc < 0) {
		set_cause(cause, "%s", notice != NULL ? notice : "cannot check the login session");
		free(notice);
		return -1;
	}
	if (rc > 0)
		notify(p, notice);
	free(notice);
	p->user_known = true;
	p->user_rc = rc == 0 ? 0 : 1;
	if (rc == 0)
		*out = &p->user;
	return p->user_rc;
guest:
	p->user_known = true;
	p->user_rc = 1;
	return 1;
}
