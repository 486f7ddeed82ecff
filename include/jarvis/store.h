/*
 * store.h: the one persistence interface of Jarvis. Users, sessions, login
 * throttling, conversations, messages and usage records, kept either in an
 * embedded SQLite file (the default) or in MongoDB; both engines pass the
 * same contract test suite (tests/unit/test_store.c).
 *
 * What it must not do: hand out library objects (sqlite3, bson_t, mongoc
 * types never leave src/store/), build SQL or queries from strings of user
 * data, or let one user see or change another user's conversations. Every
 * conversation and message call takes the logged-in user's id and filters
 * by it; a foreign id and an unknown id give the same STORE_NOTFOUND
 * "no such conversation" error, so ids cannot be probed.
 *
 * Ids are strings (SQLite rowids or MongoDB ObjectId hex). Times are
 * milliseconds since the epoch (wall_ms()). Every fallible call returns 0 on
 * success and a negative enum store_rc on failure, filling *cause; callers
 * that only care about success test `< 0`. A store handle is for one thread
 * at a time; after fork() the child must open its own handle.
 */
#ifndef JARVIS_STORE_H
#define JARVIS_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"

struct store;
struct vault;

/* Return codes: all failures are negative so that `rc < 0` tests for any. */
enum store_rc {
	STORE_OK = 0,
	STORE_ERROR = -1,    /* the engine failed (I/O, network, corrupt data) */
	STORE_EXISTS = -2,   /* a unique key is taken (an account's e-mail) */
	STORE_NOTFOUND = -3, /* no such account / conversation / message / session */
	STORE_INVALID = -4,  /* the caller passed something the contract forbids */
	STORE_OFFLINE = -5,  /* the server cannot be reached (MongoDB down or cut off) */
	STORE_FULL = -6,     /* no space left for the write (disk or quota full): retry later */
};

struct store_user {
	char *id;
	char *name;
	char *email; /* lower-case, trimmed */
	char *password_hash;
	char *vault; /* the data-key envelope (vault.h); NULL for an account made before 0.2 */
	long long created_ms;
};

/* One row of the conversation listing: no messages are loaded for it. */
struct store_conv_info {
	char *id;
	char *title;
	char *model;
	long long created_ms;
	long long updated_ms;
	long nmessages;
	char *forked_from;  /* a fork's original conversation (store_conv_fork), or NULL */
	long fork_question; /* the question it forks at, counted from 1; 0: not a fork */
};

struct store_conv_list {
	struct store_conv_info *items;
	size_t n;
};

/* A run of messages in ascending seq order; the caller owns every message. */
struct store_msgs {
	struct msg **items;
	size_t n;
};

/*
 * Opens a store. uri NULL or "" means SQLite at data_dir/jarvis.db (the
 * directory is made 0700 when missing, the file 0600); "sqlite:PATH" or a
 * plain path means SQLite at PATH; "mongodb://..." or "mongodb+srv://..."
 * means MongoDB, database `database` (NULL or "": "jarvis"). Creates the
 * schema or indexes and migrates an older SQLite schema forward.
 */
struct store *store_open(const char *uri, const char *database, const char *data_dir, char **cause);
/*
 * Gives the store user_id's data key (a copy is kept; NULL forgets it).
 * From then on what that user writes (message text, thoughts, raw parts,
 * images and their names, conversation titles and system prompts) is
 * sealed before it is stored or journaled, what is read is opened, and a
 * value that does not open is tampered: the message is MSG_TAMPERED with
 * its content dropped, a title "(tampered title)", a system prompt
 * gone. Calls for any other user are refused (STORE_INVALID). Without a
 * key values are stored and read as they are (tests, and nothing else:
 * the account calls always give the key of a logged-in user).
 */
void store_set_vault(struct store *st, const char *user_id, const struct vault *key);
/* Closes the store; NULL is a no-op. */
void store_close(struct store *st);
/* "sqlite" or "mongodb". */
const char *store_engine(const struct store *st);
/* Whether the store is on this machine (a file, always there), not a server. */
bool store_is_local(const struct store *st);
/* Drops every collection of a MongoDB database or deletes an SQLite file: tests only. */
int store_destroy(struct store *st, char **cause);

/*
 * Creates an account; email is normalised here. *id_out (optional) gets the
 * new id. STORE_EXISTS with "an account with that e-mail already exists".
 */
int store_user_create(struct store *st, const char *name, const char *email,
                      const char *password_hash, char **id_out, char **cause);
/* The same with the account's data-key envelope (vault.h), stored in clear beside the hash. */
int store_user_create_vault(struct store *st, const char *name, const char *email,
                            const char *password_hash, const char *vault, char **id_out,
                            char **cause);
/*
 * Seals what user_id stored in clear before 0.2 (titles, system prompts,
 * every message and image) with the data key store_set_vault gave; values
 * already sealed are left alone, so it can run again after a failure.
 * *sealed_convs counts the conversations gone through.
 */
int store_seal_clear(struct store *st, const char *user_id, size_t *sealed_convs, char **cause);
/*
 * Replaces an account's password hash and data-key envelope (a password
 * change or a recovery: the data key inside stays the same).
 */
int store_user_set_secret(struct store *st, const char *id, const char *password_hash,
                          const char *vault, char **cause);
/* Finds an account by e-mail (normalised here); STORE_NOTFOUND when none. */
int store_user_find_email(struct store *st, const char *email, struct store_user **out,
                          char **cause);
/* Finds an account by id; STORE_NOTFOUND when none. */
int store_user_find_id(struct store *st, const char *id, struct store_user **out, char **cause);
/* Frees an account record; NULL is a no-op. */
void store_user_free(struct store_user *u);

/* Records a login session (a JWT's jti) valid until expires_ms. */
int store_session_add(struct store *st, const char *jti, const char *user_id, long long expires_ms,
                      char **cause);
/*
 * 0 when the session exists, is not revoked and has not expired at now_ms;
 * *user_id_out (optional) gets its user. STORE_NOTFOUND otherwise, with a
 * cause that says which ("session revoked", "session expired", ...).
 */
int store_session_check(struct store *st, const char *jti, long long now_ms, char **user_id_out,
                        char **cause);
/* Revokes a session; revoking an unknown one is not an error. */
int store_session_revoke(struct store *st, const char *jti, char **cause);

/*
 * Reserves one login attempt for an e-mail (normalised here) before its
 * password is checked: records it at at_ms as a failure (forgotten by
 * store_login_fail_clear after a good login) unless limit attempts are
 * recorded at or after since_ms; then STORE_EXISTS. The count and the
 * record are one atomic step, so parallel logins from any number of
 * processes get at most limit attempts through.
 */
int store_login_fail_reserve(struct store *st, const char *email, long long at_ms,
                             long long since_ms, long limit, char **cause);
/* Counts the failed logins for an e-mail at or after since_ms. */
int store_login_fail_count(struct store *st, const char *email, long long since_ms, long *count,
                           char **cause);
/* Forgets every failed login of an e-mail (after a good login). */
int store_login_fail_clear(struct store *st, const char *email, char **cause);

/* Creates a conversation (model and system_prompt may be NULL); *id_out gets its id. */
int store_conv_create(struct store *st, const char *user_id, const char *title, const char *model,
                      const char *system_prompt, char **id_out, char **cause);
/*
 * One page of the user's conversations, most recently updated first (ties:
 * newest first), skipping `offset` and returning at most `limit`.
 */
int store_conv_list(struct store *st, const char *user_id, size_t offset, size_t limit,
                    struct store_conv_list *out, char **cause);
/* Frees a listing's contents (the struct itself is the caller's). */
void store_conv_list_release(struct store_conv_list *l);
/*
 * Loads a conversation's metadata (no messages: see store_msg_last) into a
 * new struct conv. STORE_NOTFOUND "no such conversation" when unknown or foreign.
 */
int store_conv_get(struct store *st, const char *user_id, const char *conv_id, struct conv **out,
                   char **cause);
/* The same, by 1-based position in store_conv_list's order. */
int store_conv_get_index(struct store *st, const char *user_id, size_t index, struct conv **out,
                         char **cause);
/* Renames a conversation. */
int store_conv_rename(struct store *st, const char *user_id, const char *conv_id, const char *title,
                      char **cause);
/* Sets a conversation's model. */
int store_conv_set_model(struct store *st, const char *user_id, const char *conv_id,
                         const char *model, char **cause);
/* Sets (or with NULL clears) a conversation's system prompt. */
int store_conv_set_system(struct store *st, const char *user_id, const char *conv_id,
                          const char *system_prompt, char **cause);
/* One message a fork copied: its seq in the original, its id and seq in the fork. */
struct store_fork_msg {
	long from_seq;
	long seq;
	char *id;
};

/* What store_conv_fork made. */
struct store_fork {
	char *conv_id;   /* the new conversation */
	long question;   /* the question it forks at, counted from 1 (its fork_question) */
	size_t tampered; /* messages left out: they failed their integrity check */
	struct store_fork_msg *msgs;
	size_t n;
};

/*
 * Forks conversation conv_id at its question of seq at_seq (/edit): a new
 * conversation with the same title, model and system prompt holding a
 * copy of every message before that question (opened and sealed again
 * for its new place: a sealed value is bound to its conversation and
 * seq), marked forked_from conv_id at fork_question (the question's
 * number, counted from 1). The original is not changed. A message that
 * fails its integrity check is left out (counted in out->tampered). A
 * seq that is not a question gives STORE_NOTFOUND "no such question";
 * with MongoDB away, or writes waiting in the outbox, STORE_OFFLINE and
 * nothing is made. A fork that fails half way is deleted again.
 */
int store_conv_fork(struct store *st, const char *user_id, const char *conv_id, long at_seq,
                    struct store_fork *out, char **cause);
/* Frees what a fork's record holds (the struct itself is the caller's). */
void store_fork_release(struct store_fork *f);
/* Deletes a conversation and all its messages. */
int store_conv_delete(struct store *st, const char *user_id, const char *conv_id, char **cause);

/*
 * Appends a message to a conversation: assigns m->id and the next m->seq
 * (unique and increasing even when several processes append at once) and
 * moves the conversation's updated_at to now. Notices cannot be stored.
 */
int store_msg_append(struct store *st, const char *user_id, const char *conv_id, struct msg *m,
                     char **cause);
/*
 * Rewrites a stored message's text, thoughts, model, status, finish reason
 * and usage (a streaming checkpoint or the final state), found by m->id.
 */
int store_msg_update(struct store *st, const char *user_id, const char *conv_id,
                     const struct msg *m, char **cause);
/* Sets a message's feedback: +1, -1 or 0. */
int store_msg_feedback(struct store *st, const char *user_id, const char *conv_id,
                       const char *msg_id, int feedback, char **cause);
/* The last `limit` messages of a conversation, oldest first; the rest stay unread. */
int store_msg_last(struct store *st, const char *user_id, const char *conv_id, size_t limit,
                   struct store_msgs *out, char **cause);
/* The `limit` messages just before seq `before_seq`, oldest first (scrolling up). */
int store_msg_before(struct store *st, const char *user_id, const char *conv_id, long before_seq,
                     size_t limit, struct store_msgs *out, char **cause);
/* Frees every message of a run and its array (the struct itself is the caller's). */
void store_msgs_release(struct store_msgs *v);

/* Records one model request of a user at at_ms (for RPM/RPD quotas). */
int store_usage_add(struct store *st, const char *user_id, const char *model, long long at_ms,
                    char **cause);
/*
 * Whether one more request to model keeps the user within rpm and rpd (0:
 * no limit) by the stored usage records; false with *why set when not. A
 * store that cannot count answers true: the API's own 429 is the backstop.
 */
bool store_usage_allows(struct store *st, const char *user_id, const char *model, long rpm,
                        long rpd, char **why);
/* Counts a user's requests to a model at or after since_ms. */
int store_usage_count(struct store *st, const char *user_id, const char *model, long long since_ms,
                      long *count, char **cause);

/*
 * The outbox, so that nothing typed or received is lost while MongoDB
 * cannot be reached. With it, a conversation write (conv_create, rename,
 * set_model, set_system, delete, msg_append, msg_update, msg_feedback,
 * usage_add) that finds the server away, or finds older writes still
 * waiting, is appended to state_dir/outbox.jsonl (0600 in a 0700
 * directory, fdatasync'd) and the call succeeds: ids are made on the
 * client (ObjectIds), so later calls may use them at once, and an append
 * gets a provisional seq (the real one is given at replay, in journal
 * order). Before later calls, and at open, waiting writes are replayed in
 * order, each exactly once (a replay after a crash recognises what was
 * applied by its id), and the journal is compacted. While the server is
 * away it is tried again at most every 5 s; meanwhile reads, account and
 * session calls fail at once with STORE_OFFLINE ("store: offline ...").
 * The one exception: the login session last seen valid online, and its
 * account's name and e-mail, are remembered in state_dir so that a
 * logged-in user can go on working. Writes the server later refuses for
 * good (a conversation deleted elsewhere) go to outbox.rejected.jsonl.
 * The outbox serves MongoDB; for SQLite (local: its failures are the
 * disk's) these calls do nothing and the store is always online.
 */

/* store_open plus the outbox in state_dir: opens even when MongoDB does not answer. */
struct store *store_open_outbox(const char *uri, const char *database, const char *data_dir,
                                const char *state_dir, char **cause);
/* Writes waiting in the outbox for this store (0 without an outbox); cheap, no I/O. */
size_t store_pending_writes(const struct store *st);
/*
 * What the store has to tell the user once, or NULL (a new string): outbox
 * lines a replay refused (tampered, naming another account than the one
 * logged in, damaged) and where they are kept.
 */
char *store_take_notice(struct store *st);
/* False while the server is known not to answer; true without an outbox. */
bool store_online(const struct store *st);
/*
 * Tries to replay the outbox now (a timer's job while writes wait; the
 * server is still left alone during its back-off). 0 when nothing waits,
 * else STORE_OFFLINE or STORE_ERROR with a cause saying how many do.
 */
int store_sync(struct store *st, char **cause);

#endif
