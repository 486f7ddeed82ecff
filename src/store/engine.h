/*
 * engine.h: the table of operations each storage engine (sqlite*.c and
 * mongo*.c, built as the plugins jarvis-sqlite.so and jarvis-mongo.so)
 * fills in, and the store.c dispatcher calls. Private to src/store/:
 * nothing outside it may include this. Arguments reaching an engine are
 * already checked by store.c (non-NULL ids, normalised e-mail, limits in
 * range); engines only translate them into their own queries.
 *
 * Engines return codes and raw rows; store.c decides and words. An
 * operation returns 0, a negative enum store_rc, or one of the finer
 * not-found codes of enum engine_rc below, and never words a failure the
 * contract describes ("no such conversation", "session revoked", ...).
 * Its char **cause gets only what store.c cannot know: for STORE_ERROR
 * the library's detail ("inserting the message: disk I/O error"), which
 * store.c puts into "store: storing a message failed in WHERE: DETAIL";
 * for STORE_OFFLINE and STORE_INVALID the whole message.
 */
#ifndef JARVIS_STORE_ENGINE_H
#define JARVIS_STORE_ENGINE_H

#include "jarvis/store.h"

struct rec_sealer;

/*
 * What was not found, for store.c to word; engine_class() maps them to
 * STORE_NOTFOUND. ENGINE_NO_KEY: the sealer refused (the data key open is
 * not the user's), mapped to STORE_INVALID.
 */
enum engine_rc {
	ENGINE_NO_ACCOUNT = -20,
	ENGINE_NO_CONV = -21,
	ENGINE_NO_MSG = -22,
	ENGINE_NO_SESSION = -23,
	ENGINE_NO_KEY = -30,
};

/* The store_rc class of an engine's code. */
static inline int engine_class(int rc)
{
	if (rc == ENGINE_NO_KEY)
		return STORE_INVALID;
	return rc <= ENGINE_NO_ACCOUNT ? STORE_NOTFOUND : rc;
}

/* A session as stored; store.c decides whether it is valid. */
struct engine_session {
	char *user_id; /* NULL when the record has none (damaged) */
	long long expires_ms;
	bool revoked;
};

struct store_engine {
	const char *name;
	/* Where the data is, for messages: a file path, "MongoDB at HOST". */
	const char *(*where)(void *h);
	/*
	 * A new id made on the client, for the outbox (outbox.c): NULL when the
	 * engine cannot take client ids (SQLite), which disables the outbox.
	 */
	char *(*new_id)(void *h);
	/* 0 when the server answers (making what open could not); NULL: always. */
	int (*ping)(void *h, char **cause);
	void (*close)(void *h);
	int (*destroy)(void *h, char **cause);

	/* vault: the account's data-key envelope (vault.h), or NULL. */
	int (*user_create)(void *h, const char *name, const char *email, const char *hash,
	                   const char *vault, long long now, char **id_out, char **cause);
	/*
	 * by_email selects the lookup key; key is the e-mail or the id. *out
	 * is the raw record: fields it lacks are NULL (store.c checks them).
	 */
	int (*user_find)(void *h, int by_email, const char *key, struct store_user **out,
	                 char **cause);
	/* Replaces the account's password hash and key envelope; ENGINE_NO_ACCOUNT when none. */
	int (*user_set_secret)(void *h, const char *id, const char *hash, const char *vault,
	                       char **cause);

	int (*session_add)(void *h, const char *jti, const char *user_id, long long expires,
	                   char **cause);
	/* The stored session (ENGINE_NO_SESSION when none); the caller frees out->user_id. */
	int (*session_get)(void *h, const char *jti, struct engine_session *out, char **cause);
	int (*session_revoke)(void *h, const char *jti, char **cause);

	/*
	 * Records a login attempt at at, as a failure until fail_clear, unless
	 * limit are recorded at or after since: then STORE_EXISTS. Atomic
	 * across processes: the count and the record are one step.
	 */
	int (*fail_reserve)(void *h, const char *email, long long at, long long since, long limit,
	                    char **cause);
	int (*fail_count)(void *h, const char *email, long long since, long *count, char **cause);
	int (*fail_clear)(void *h, const char *email, char **cause);

	/* id: a client-made id (see new_id) or NULL; an id already taken gives STORE_EXISTS. */
	int (*conv_create)(void *h, const char *user_id, const char *title, const char *model,
	                   const char *system_prompt, const char *id, long long now, char **id_out,
	                   char **cause);
	int (*conv_list)(void *h, const char *user_id, size_t offset, size_t limit,
	                 struct store_conv_list *out, char **cause);
	int (*conv_get)(void *h, const char *user_id, const char *conv_id, struct conv **out,
	                char **cause);
	/* field: "title", "model" or "system_prompt"; value may be NULL. */
	int (*conv_set)(void *h, const char *user_id, const char *conv_id, const char *field,
	                const char *value, char **cause);
	int (*conv_delete)(void *h, const char *user_id, const char *conv_id, char **cause);
	/* Marks a conversation as a fork of forked_from at question fork_question. */
	int (*conv_fork_mark)(void *h, const char *user_id, const char *conv_id,
	                      const char *forked_from, long fork_question, char **cause);

	/*
	 * id as for conv_create; STORE_EXISTS fills m->id and m->seq from the
	 * stored copy. seal (record.h; NULL: store m as it is) makes the copy
	 * that is stored once the seq is known; its NULL refuses the write
	 * (ENGINE_NO_KEY). msg_update seals with the stored message's seq.
	 */
	int (*msg_append)(void *h, const char *user_id, const char *conv_id, struct msg *m,
	                  const char *id, long long now, const struct rec_sealer *seal,
	                  char **cause);
	int (*msg_update)(void *h, const char *user_id, const char *conv_id, const struct msg *m,
	                  const struct rec_sealer *seal, char **cause);
	int (*msg_feedback)(void *h, const char *user_id, const char *conv_id, const char *msg_id,
	                    int feedback, char **cause);
	/* Rewrites image `index` of a message's name and data URI (migrate.c seals them). */
	int (*msg_image_set)(void *h, const char *user_id, const char *conv_id, const char *msg_id,
	                     size_t index, const char *name, const char *data_uri, char **cause);
	/* before_seq <= 0 means from the end. Fills out oldest first. */
	int (*msg_page)(void *h, const char *user_id, const char *conv_id, long before_seq,
	                size_t limit, struct store_msgs *out, char **cause);

	int (*usage_add)(void *h, const char *user_id, const char *model, long long at,
	                 const char *id, char **cause);
	int (*usage_count)(void *h, const char *user_id, const char *model, long long since,
	                   long *count, char **cause);
};

extern const struct store_engine store_sqlite_engine;
extern const struct store_engine store_mongo_engine;

/* Opens (creating and migrating) the SQLite file at path. */
void *store_sqlite_open(const char *path, char **cause);
/*
 * Connects to MongoDB at uri, database db, and makes the contract's indexes.
 * When the server cannot be reached: NULL, or with offline_ok a handle with
 * *offline set, whose indexes are made by the first ping that succeeds.
 */
void *store_mongo_open(const char *uri, const char *db, int offline_ok, int *offline, char **cause);

/* Appends m to a run, which then owns it (used by the engines while reading). */
void store_msgs_push(struct store_msgs *v, struct msg *m);

#endif
