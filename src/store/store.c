/*
 * store.c: picks the storage engine from the URI and dispatches every
 * store.h call to it, after checking the arguments that both engines must
 * treat alike (missing ids, feedback values, notices); the account,
 * session and throttle calls are in accounts.c. With an outbox (outbox.c)
 * it also decides where a conversation write goes: to the engine while
 * the server answers and nothing waits, else to the journal, which it
 * replays before later calls (at most every BACKOFF_MS while the server is
 * away, so no call waits for a dead server's timeout). Engines return
 * codes and raw rows (engine.h); store_answer() here turns them into a
 * store_rc and the contract's words, once for both. It must not know how
 * either engine stores anything: no SQL, no BSON here.
 */
#include "jarvis/store.h"

#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "engine.h"
#include "jarvis/plugin.h"
#include "jarvis/util.h"
#include "outbox.h"

/* How long the server is left alone after it failed to answer. */
#define BACKOFF_MS 5000

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void went_offline(struct store *st)
{
	st->online = false;
	st->retry_at = now_ms() + BACKOFF_MS;
}

/*
 * Brings the outbox up to date before a call: pings an offline server when
 * its back-off is over, and replays waiting lines when it answers.
 */
static void sync_outbox(struct store *st)
{
	long long t = now_ms();
	if (st->ob == NULL)
		return;
	if (!st->online) {
		if (t < st->retry_at)
			return;
		if (st->e->ping != NULL && st->e->ping(st->h, NULL) < 0) {
			went_offline(st);
			return;
		}
		st->online = true;
		st->replay_at = 0;
	}
	outbox_refresh(st->ob);
	if (outbox_pending(st->ob) == 0 || t < st->replay_at)
		return;
	int rc = outbox_replay(st->ob, st->e, st->h, &st->key, NULL);
	if (rc == STORE_OFFLINE)
		went_offline(st);
	else if (rc != 0)
		st->replay_at = t + BACKOFF_MS; /* refused, or another process replaying */
}

/* Whether a write must go to the journal: the server is away or older writes wait. */
static bool journal_first(struct store *st)
{
	if (st->ob == NULL)
		return false;
	sync_outbox(st);
	return !st->online || outbox_pending(st->ob) > 0;
}

void store_drop_cause(char **cause)
{
	if (cause != NULL) {
		free(*cause);
		*cause = NULL;
	}
}

/*
 * Turns an engine's answer into the contract's (see engine.h): the
 * store_rc class of rc, with the words for it in *cause, noting an
 * unreachable server. `what` says what the call was doing; the engine's
 * detail, if any, is in st->detail and is used up here.
 */
int store_answer(struct store *st, int rc, const char *what, char **cause)
{
	char *detail = st->detail;
	st->detail = NULL;
	switch (rc) {
	case STORE_OK:
		break;
	case ENGINE_NO_ACCOUNT:
		set_cause(cause, NO_ACCOUNT);
		break;
	case ENGINE_NO_CONV:
		set_cause(cause, NO_CONV);
		break;
	case ENGINE_NO_MSG:
		set_cause(cause, NO_MSG);
		break;
	case ENGINE_NO_SESSION:
		set_cause(cause, NO_SESSION);
		break;
	case ENGINE_NO_KEY:
		set_cause(cause, "store: no data key for this account");
		break;
	case STORE_EXISTS:
		set_cause(cause, "store: %s: it is stored already", what);
		break;
	case STORE_ERROR:
		set_cause(cause, "store: %s failed in %s: %s", what, st->e->where(st->h),
		          detail ? detail : "unknown error");
		break;
	case STORE_FULL:
		set_cause(cause, "store: %s failed in %s: no space left (%s); free some disk space",
		          what, st->e->where(st->h), detail ? detail : "disk full");
		break;
	default: /* STORE_OFFLINE, STORE_INVALID: the engine's own words */
		if (rc == STORE_OFFLINE && st->ob != NULL)
			went_offline(st);
		set_cause(cause, "%s", detail ? detail : "store: the engine failed");
		break;
	}
	free(detail);
	return engine_class(rc);
}

/* Before a read: STORE_OFFLINE at once while the server is known to be away. */
int store_read_gate(struct store *st, char **cause)
{
	if (st->ob == NULL)
		return STORE_OK;
	sync_outbox(st);
	if (st->online)
		return STORE_OK;
	size_t n = outbox_pending(st->ob);
	if (n == 0)
		set_cause(
		    cause,
		    "store: cannot reach MongoDB (offline); is it running? try again in a moment");
	else
		set_cause(cause,
		          "store: cannot reach MongoDB (offline); is it running? %zu write%s "
		          "wait%s in the "
		          "outbox and go out when it answers",
		          n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	return STORE_OFFLINE;
}

static long *seq_slot(struct store *st, const char *conv_id)
{
	for (size_t i = 0; i < st->nseqs; i++)
		if (strcmp(st->seqs[i].conv_id, conv_id) == 0)
			return &st->seqs[i].seq;
	st->seqs = xrealloc(st->seqs, (st->nseqs + 1) * sizeof(*st->seqs));
	st->seqs[st->nseqs].conv_id = xstrdup(conv_id);
	st->seqs[st->nseqs].seq = 0;
	return &st->seqs[st->nseqs++].seq;
}

static void seq_note(struct store *st, const char *conv_id, long seq)
{
	if (st->ob == NULL)
		return;
	long *s = seq_slot(st, conv_id);
	if (seq > *s)
		*s = seq;
}

/*
 * Both engines are plugins (see plugin.h), loaded on first use: a guest's
 * one-shot run maps neither SQLite nor libmongoc.
 */
static const struct store_engine *engine_load(const char *name, void **open_fn, char **cause)
{
	char *sym = xasprintf("store_%s_engine", name);
	char *open_sym = xasprintf("store_%s_open", name);
	const struct store_engine *e = plugin_symbol(name, sym, cause);
	*open_fn = e ? plugin_symbol(name, open_sym, cause) : NULL;
	free(sym);
	free(open_sym);
	if (e == NULL || *open_fn == NULL) {
		char *why = *cause;
		*cause = xasprintf("store: %s", why ? why : "the engine could not be loaded");
		free(why);
		return NULL;
	}
	return e;
}

static struct store *open_engine(const char *uri, const char *database, const char *data_dir,
                                 int offline_ok, int *offline, char **cause)
{
	const struct store_engine *e;
	void *h;
	const char *db = database && *database ? database : "jarvis";

	*offline = 0;
	if (uri != NULL && (has_prefix(uri, "mongodb://") || has_prefix(uri, "mongodb+srv://"))) {
		void *(*mongo_open)(const char *, const char *, int, int *, char **);
		e = engine_load("mongo", (void **)&mongo_open, cause);
		if (e == NULL)
			return NULL;
		h = mongo_open(uri, db, offline_ok, offline, cause);
	} else {
		char *path;
		if (uri == NULL || *uri == '\0') {
			if (data_dir == NULL || *data_dir == '\0') {
				set_cause(cause, "store: no data directory for the embedded store; "
				                 "set XDG_DATA_HOME or HOME, or give --store PATH");
				return NULL;
			}
			path = xasprintf("%s/jarvis.db", data_dir);
		} else if (has_prefix(uri, "sqlite:")) {
			path = xstrdup(uri + strlen("sqlite:"));
		} else if (strstr(uri, "://") != NULL) {
			set_cause(cause,
			          "store: unknown store URI scheme in '%s'; use mongodb://, "
			          "mongodb+srv://, sqlite:PATH or a file path",
			          uri);
			return NULL;
		} else {
			path = xstrdup(uri);
		}
		if (*path == '\0') {
			free(path);
			set_cause(cause, "store: empty path after 'sqlite:'; give a file path");
			return NULL;
		}
		void *(*sqlite_open)(const char *, char **);
		e = engine_load("sqlite", (void **)&sqlite_open, cause);
		if (e == NULL) {
			free(path);
			return NULL;
		}
		h = sqlite_open(path, cause);
		free(path);
	}
	if (h == NULL)
		return NULL;
	struct store *st = xcalloc(1, sizeof(*st));
	st->e = e;
	st->h = h;
	st->online = true;
	st->ident = xasprintf("%s/%s", e->name, strcmp(e->name, "mongodb") == 0 ? db : "");
	return st;
}

struct store *store_open(const char *uri, const char *database, const char *data_dir, char **cause)
{
	int offline;
	return open_engine(uri, database, data_dir, 0, &offline, cause);
}

static int set_outbox(struct store *st, const char *state_dir, char **cause);

struct store *store_open_outbox(const char *uri, const char *database, const char *data_dir,
                                const char *state_dir, char **cause)
{
	int offline;
	struct store *st = open_engine(uri, database, data_dir, 1, &offline, cause);
	if (st == NULL)
		return NULL;
	if (offline)
		went_offline(st);
	if (set_outbox(st, state_dir, cause) < 0) {
		store_close(st);
		return NULL;
	}
	return st;
}

static int set_outbox(struct store *st, const char *state_dir, char **cause)
{
	/* An engine that cannot take client ids is local (SQLite): its failures are
	 * the disk's, which a journal on the same disk would not survive. */
	if (st->e->new_id == NULL || st->ob != NULL)
		return STORE_OK;
	char *why = NULL;
	st->ob = outbox_open(state_dir, st->ident, &why);
	if (st->ob == NULL) {
		set_cause(cause, "%s", why);
		free(why);
		return STORE_ERROR;
	}
	sync_outbox(st);
	return STORE_OK;
}

char *store_take_notice(struct store *st)
{
	if (st == NULL || st->ob == NULL)
		return NULL;
	char *why = NULL;
	size_t n = outbox_take_refused(st->ob, &why);
	if (n == 0)
		return NULL;
	char *path = outbox_rejected_path(st->ob);
	const char *w = why != NULL && has_prefix(why, "store: ") ? why + 7 : why;
	char *s = xasprintf("store: refused %zu outbox line%s (%s); kept in %s", n,
	                    n == 1 ? "" : "s", w ? w : "damaged", path);
	free(path);
	free(why);
	return s;
}

size_t store_pending_writes(const struct store *st)
{
	return st != NULL ? outbox_pending(st->ob) : 0;
}

bool store_online(const struct store *st)
{
	return st == NULL || st->ob == NULL || st->online;
}

int store_sync(struct store *st, char **cause)
{
	if (st->ob == NULL)
		return STORE_OK;
	st->replay_at = 0;
	sync_outbox(st);
	size_t n = outbox_pending(st->ob);
	if (n == 0)
		return STORE_OK;
	set_cause(cause, "store: %s; %zu write%s wait%s in the outbox",
	          st->online ? "the outbox is not replayed yet" : "offline", n, n == 1 ? "" : "s",
	          n == 1 ? "s" : "");
	return st->online ? STORE_ERROR : STORE_OFFLINE;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	st->e->close(st->h);
	outbox_close(st->ob);
	seal_key_clear(&st->key);
	for (size_t i = 0; i < st->nseqs; i++)
		free(st->seqs[i].conv_id);
	free(st->seqs);
	free(st->ident);
	free(st->detail);
	free(st);
}

void store_set_vault(struct store *st, const char *user_id, const struct vault *key)
{
	seal_key_set(&st->key, user_id, key);
}

const char *store_engine(const struct store *st)
{
	return st->e->name;
}

bool store_is_local(const struct store *st)
{
	return st->e->ping == NULL; /* nothing to reach: always there */
}

int store_destroy(struct store *st, char **cause)
{
	return store_answer(st, st->e->destroy(st->h, &st->detail), "removing the store", cause);
}

int store_need(const char *what, const char *v, char **cause)
{
	if (v == NULL || *v == '\0')
		return set_cause(cause, "store: missing %s", what), STORE_INVALID;
	return STORE_OK;
}

static int need_conv(const struct store *st, const char *user_id, const char *conv_id, char **cause)
{
	if (user_id == NULL || *user_id == '\0')
		return set_cause(cause, "store: not logged in; use /login first"), STORE_INVALID;
	if (!seal_allows(&st->key, user_id))
		return set_cause(cause, "store: the data key open here is another account's; log "
		                        "in again"),
		       STORE_INVALID;
	if (conv_id == NULL || *conv_id == '\0')
		return set_cause(cause, NO_CONV), STORE_NOTFOUND;
	return STORE_OK;
}

static int conv_set(struct store *st, const char *user_id, const char *conv_id, const char *field,
                    const char *value, char **cause);

/*
 * Without client ids (SQLite) the id comes with the insert, and a sealed
 * value needs its id: the conversation is made with an empty title and
 * no system prompt, which are then set sealed.
 */
static int conv_create_local(struct store *st, const char *user_id, const char *title,
                             const char *model, const char *system_prompt, long long now, char **id,
                             char **cause)
{
	bool sealing = st->key.key != NULL;
	int rc = store_answer(st,
	                      st->e->conv_create(st->h, user_id,
	                                         sealing ? ""
	                                         : title ? title
	                                                 : "",
	                                         model, sealing ? NULL : system_prompt, NULL, now,
	                                         id, &st->detail),
	                      "creating a conversation", cause);
	if (rc == 0 && sealing && title != NULL && *title != '\0')
		rc = conv_set(st, user_id, *id, "title", title, cause);
	if (rc == 0 && sealing && system_prompt != NULL)
		rc = conv_set(st, user_id, *id, "system_prompt", system_prompt, cause);
	return rc;
}

int store_conv_create(struct store *st, const char *user_id, const char *title, const char *model,
                      const char *system_prompt, char **id_out, char **cause)
{
	int rc;
	if ((rc = need_conv(st, user_id, "-", cause)) < 0)
		return rc;
	char *id = NULL;
	long long now = wall_ms();
	if (st->ob == NULL) {
		rc = conv_create_local(st, user_id, title, model, system_prompt, now, &id, cause);
	} else {
		/* The id is made here, so a write that may or may not have reached the
		 * server is journaled under the same id and cannot be applied twice. */
		id = st->e->new_id(st->h);
		char *stitle = seal_conv_field(&st->key, user_id, id, "title", title ? title : "");
		char *ssys = seal_conv_field(&st->key, user_id, id, "system_prompt", system_prompt);
		rc = STORE_OFFLINE;
		if (!journal_first(st)) {
			char *got = NULL;
			rc = store_answer(st,
			                  st->e->conv_create(st->h, user_id, stitle, model, ssys,
			                                     id, now, &got, &st->detail),
			                  "creating a conversation", cause);
			free(got);
			if (rc == STORE_EXISTS) {
				store_drop_cause(cause); /* made before, under the same id */
				rc = STORE_OK;
			}
		}
		if (rc == STORE_OFFLINE) {
			store_drop_cause(cause);
			rc = outbox_conv_create(st->ob, user_id, id, stitle, model, ssys, now,
			                        cause);
		}
		free(stitle);
		free(ssys);
	}
	if (rc == 0 && id_out != NULL)
		*id_out = id;
	else
		free(id);
	return rc;
}

int store_conv_list(struct store *st, const char *user_id, size_t offset, size_t limit,
                    struct store_conv_list *out, char **cause)
{
	int rc;
	out->items = NULL;
	out->n = 0;
	if ((rc = need_conv(st, user_id, "-", cause)) < 0)
		return rc;
	if (limit == 0)
		return STORE_OK;
	if ((rc = store_read_gate(st, cause)) < 0)
		return rc;
	rc = store_answer(st, st->e->conv_list(st->h, user_id, offset, limit, out, &st->detail),
	                  "listing conversations", cause);
	if (rc < 0)
		store_conv_list_release(out);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		seal_open_conv_field(&st->key, user_id, out->items[i].id, "title",
		                     &out->items[i].title);
	return rc;
}

int store_conv_get(struct store *st, const char *user_id, const char *conv_id, struct conv **out,
                   char **cause)
{
	int rc;
	*out = NULL;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0 ||
	    (rc = store_read_gate(st, cause)) < 0)
		return rc;
	rc = store_answer(st, st->e->conv_get(st->h, user_id, conv_id, out, &st->detail),
	                  "reading a conversation", cause);
	if (rc == 0) {
		seal_open_conv_field(&st->key, user_id, conv_id, "title", &(*out)->title);
		seal_open_conv_field(&st->key, user_id, conv_id, "system_prompt",
		                     &(*out)->system_prompt);
	}
	return rc;
}

int store_conv_get_index(struct store *st, const char *user_id, size_t index, struct conv **out,
                         char **cause)
{
	*out = NULL;
	if (index == 0)
		return set_cause(cause, NO_CONV), STORE_NOTFOUND;
	struct store_conv_list l;
	int rc = store_conv_list(st, user_id, index - 1, 1, &l, cause);
	if (rc < 0)
		return rc;
	if (l.n == 0) {
		store_conv_list_release(&l);
		return set_cause(cause, NO_CONV), STORE_NOTFOUND;
	}
	rc = store_conv_get(st, user_id, l.items[0].id, out, cause);
	store_conv_list_release(&l);
	return rc;
}

static int conv_set(struct store *st, const char *user_id, const char *conv_id, const char *field,
                    const char *value, char **cause)
{
	int rc;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0)
		return rc;
	char *sealed = strcmp(field, "model") == 0
	                   ? (value ? xstrdup(value) : NULL)
	                   : seal_conv_field(&st->key, user_id, conv_id, field, value);
	rc = STORE_OFFLINE;
	if (!journal_first(st)) {
		rc = store_answer(
		    st, st->e->conv_set(st->h, user_id, conv_id, field, sealed, &st->detail),
		    "changing a conversation", cause);
		if (rc == STORE_OFFLINE && st->ob != NULL)
			store_drop_cause(cause);
	}
	if (rc == STORE_OFFLINE && st->ob != NULL)
		rc = outbox_conv_set(st->ob, user_id, conv_id, field, sealed, cause);
	free(sealed);
	return rc;
}

int store_conv_rename(struct store *st, const char *user_id, const char *conv_id, const char *title,
                      char **cause)
{
	return conv_set(st, user_id, conv_id, "title", title ? title : "", cause);
}

int store_conv_set_model(struct store *st, const char *user_id, const char *conv_id,
                         const char *model, char **cause)
{
	return conv_set(st, user_id, conv_id, "model", model, cause);
}

int store_conv_set_system(struct store *st, const char *user_id, const char *conv_id,
                          const char *system_prompt, char **cause)
{
	return conv_set(st, user_id, conv_id, "system_prompt", system_prompt, cause);
}

int store_conv_delete(struct store *st, const char *user_id, const char *conv_id, char **cause)
{
	int rc;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0)
		return rc;
	if (!journal_first(st)) {
		rc = store_answer(st, st->e->conv_delete(st->h, user_id, conv_id, &st->detail),
		                  "deleting a conversation", cause);
		if (rc != STORE_OFFLINE || st->ob == NULL)
			return rc;
		store_drop_cause(cause);
	}
	return outbox_conv_delete(st->ob, user_id, conv_id, cause);
}

/*
 * Journals a message write. With a key its content is sealed for the
 * journal (kind "journal:ID": the line's user, conversation and message
 * id), so a line moved to another message or user does not open at
 * replay, and the engine seals it again for its stored place there.
 */
static int journal_msg(struct store *st, const char *op, const char *user_id, const char *conv_id,
                       const char *id, const struct msg *m, char **cause)
{
	int rc;
	if (st->key.key == NULL) {
		if (strcmp(op, "msg_append") == 0)
			return outbox_msg_append(st->ob, user_id, conv_id, id, m, false, cause);
		return outbox_msg_update(st->ob, user_id, conv_id, m, false, cause);
	}
	char *kind = xasprintf("journal:%s", id);
	struct msg *j = seal_msg_with(st->key.key, kind, user_id, conv_id, m, 0);
	free(kind);
	if (strcmp(op, "msg_append") == 0)
		rc = outbox_msg_append(st->ob, user_id, conv_id, id, j, true, cause);
	else
		rc = outbox_msg_update(st->ob, user_id, conv_id, j, true, cause);
	msg_free(j);
	return rc;
}

int store_msg_append(struct store *st, const char *user_id, const char *conv_id, struct msg *m,
                     char **cause)
{
	int rc;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0)
		return rc;
	if (m->role != ROLE_USER && m->role != ROLE_MODEL)
		return set_cause(cause, "store: only user and model messages are stored"),
		       STORE_INVALID;
	if (m->status == MSG_TAMPERED)
		return set_cause(cause, "store: a tampered message is never stored again"),
		       STORE_INVALID;
	const struct rec_sealer *seal = seal_sealer(&st->key);
	long long now = wall_ms();
	if (st->ob == NULL)
		return store_answer(
		    st, st->e->msg_append(st->h, user_id, conv_id, m, NULL, now, seal, &st->detail),
		    "storing a message", cause);
	char *id = st->e->new_id(st->h); /* see store_conv_create */
	rc = STORE_OFFLINE;
	if (!journal_first(st)) {
		rc = store_answer(
		    st, st->e->msg_append(st->h, user_id, conv_id, m, id, now, seal, &st->detail),
		    "storing a message", cause);
		if (rc == STORE_EXISTS) {
			store_drop_cause(cause); /* made before, under the same id */
			rc = STORE_OK;
		}
		if (rc == 0)
			seq_note(st, conv_id, m->seq);
	}
	if (rc == STORE_OFFLINE) {
		store_drop_cause(cause);
		if (m->created_ms == 0)
			m->created_ms = now;
		rc = journal_msg(st, "msg_append", user_id, conv_id, id, m, cause);
		if (rc == 0) {
			/* Provisional: the real seq is given at replay, in journal order. */
			long *seq = seq_slot(st, conv_id);
			m->seq = ++*seq;
			free(m->id);
			m->id = id;
			id = NULL;
		}
	}
	free(id);
	return rc;
}

int store_msg_update(struct store *st, const char *user_id, const char *conv_id,
                     const struct msg *m, char **cause)
{
	int rc;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0)
		return rc;
	if (m->id == NULL || *m->id == '\0')
		return set_cause(cause, "store: the message was never stored; append it first"),
		       STORE_INVALID;
	if (m->status == MSG_TAMPERED)
		return set_cause(cause, "store: a tampered message is never stored again"),
		       STORE_INVALID;
	if (!journal_first(st)) {
		rc = store_answer(st,
		                  st->e->msg_update(st->h, user_id, conv_id, m,
		                                    seal_sealer(&st->key), &st->detail),
		                  "updating a message", cause);
		if (rc != STORE_OFFLINE || st->ob == NULL)
			return rc;
		store_drop_cause(cause);
	}
	return journal_msg(st, "msg_update", user_id, conv_id, m->id, m, cause);
}

int store_msg_feedback(struct store *st, const char *user_id, const char *conv_id,
                       const char *msg_id, int feedback, char **cause)
{
	int rc;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0)
		return rc;
	if (feedback < -1 || feedback > 1)
		return set_cause(cause, "store: feedback must be +1, -1 or 0"), STORE_INVALID;
	if (msg_id == NULL || *msg_id == '\0')
		return set_cause(cause, NO_MSG), STORE_NOTFOUND;
	if (!journal_first(st)) {
		rc = store_answer(
		    st, st->e->msg_feedback(st->h, user_id, conv_id, msg_id, feedback, &st->detail),
		    "recording feedback", cause);
		if (rc != STORE_OFFLINE || st->ob == NULL)
			return rc;
		store_drop_cause(cause);
	}
	return outbox_msg_feedback(st->ob, user_id, conv_id, msg_id, feedback, cause);
}

static int msg_page(struct store *st, const char *user_id, const char *conv_id, long before_seq,
                    size_t limit, struct store_msgs *out, char **cause)
{
	int rc;
	out->items = NULL;
	out->n = 0;
	if ((rc = need_conv(st, user_id, conv_id, cause)) < 0 ||
	    (rc = store_read_gate(st, cause)) < 0)
		return rc;
	rc = store_answer(
	    st, st->e->msg_page(st->h, user_id, conv_id, before_seq, limit, out, &st->detail),
	    "reading messages", cause);
	if (rc < 0)
		store_msgs_release(out);
	else if (out->n > 0)
		seq_note(st, conv_id, out->items[out->n - 1]->seq);
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		seal_open_msg(&st->key, user_id, conv_id, out->items[i]);
	return rc;
}

int store_msg_last(struct store *st, const char *user_id, const char *conv_id, size_t limit,
                   struct store_msgs *out, char **cause)
{
	return msg_page(st, user_id, conv_id, 0, limit, out, cause);
}

int store_msg_before(struct store *st, const char *user_id, const char *conv_id, long before_seq,
                     size_t limit, struct store_msgs *out, char **cause)
{
	if (before_seq <= 1) {
		/* Nothing comes before the first message; still check the conversation. */
		int rc = msg_page(st, user_id, conv_id, 0, 0, out, cause);
		return rc;
	}
	return msg_page(st, user_id, conv_id, before_seq, limit, out, cause);
}

int store_usage_add(struct store *st, const char *user_id, const char *model, long long at_ms,
                    char **cause)
{
	int rc;
	if ((rc = store_need("user id", user_id, cause)) < 0 ||
	    (rc = store_need("model", model, cause)) < 0)
		return rc;
	if (st->ob == NULL)
		return store_answer(
		    st, st->e->usage_add(st->h, user_id, model, at_ms, NULL, &st->detail),
		    "recording usage", cause);
	char *id = st->e->new_id(st->h); /* see store_conv_create */
	rc = STORE_OFFLINE;
	if (!journal_first(st)) {
		rc = store_answer(st,
		                  st->e->usage_add(st->h, user_id, model, at_ms, id, &st->detail),
		                  "recording usage", cause);
		if (rc == STORE_EXISTS) {
			store_drop_cause(cause); /* made before, under the same id */
			rc = STORE_OK;
		}
	}
	if (rc == STORE_OFFLINE) {
		store_drop_cause(cause);
		rc = outbox_usage_add(st->ob, user_id, id, model, at_ms, cause);
	}
	free(id);
	return rc;
}

int store_usage_count(struct store *st, const char *user_id, const char *model, long long since_ms,
                      long *count, char **cause)
{
	int rc;
	*count = 0;
	if ((rc = store_need("user id", user_id, cause)) < 0 ||
	    (rc = store_need("model", model, cause)) < 0 || (rc = store_read_gate(st, cause)) < 0)
		return rc;
	return store_answer(st,
	                    st->e->usage_count(st->h, user_id, model, since_ms, count, &st->detail),
	                    "counting usage", cause);
}

bool store_usage_allows(struct store *st, const char *user_id, const char *model, long rpm,
                        long rpd, char **why)
{
	long n = 0;
	long long now = wall_ms();
	if (rpm > 0 && store_usage_count(st, user_id, model, now - 60000, &n, NULL) == 0 &&
	    n >= rpm) {
		set_cause(why,
		          "quota: %s allows %ld requests a minute and this account made %ld; "
		          "wait a moment or pick another model",
		          model, rpm, n);
		return false;
	}
	if (rpd > 0 && store_usage_count(st, user_id, model, now - 86400000, &n, NULL) == 0 &&
	    n >= rpd) {
		set_cause(why,
		          "quota: %s allows %ld requests a day and this account made %ld; try "
		          "tomorrow or pick another model",
		          model, rpd, n);
		return false;
	}
	return true;
}
