/*
 * outbox.h: the store's local journal of writes that could not reach the
 * server (see outbox.c). Private to src/store/: store.c is its only user.
 */
#ifndef JARVIS_STORE_OUTBOX_H
#define JARVIS_STORE_OUTBOX_H

#include <stddef.h>

#include "engine.h"
#include "seal.h"

struct outbox;

/*
 * Opens (creating 0700 / 0600) state_dir/outbox.jsonl for the store named
 * `ident` ("mongodb/jarvis": engine and database); lines of other stores
 * in the same file are kept but never replayed here.
 */
struct outbox *outbox_open(const char *state_dir, const char *ident, char **cause);
/* Closes the journal; NULL is a no-op. Pending lines stay in the file. */
void outbox_close(struct outbox *ob);
/* Complete lines waiting for this store, as last counted. */
size_t outbox_pending(const struct outbox *ob);
/* Re-counts when another process appended to or compacted the journal. */
void outbox_refresh(struct outbox *ob);

/* Journals one write (fdatasync'd before returning). Each returns 0 or STORE_ERROR. */
int outbox_conv_create(struct outbox *ob, const char *user_id, const char *id, const char *title,
                       const char *model, const char *system_prompt, long long at, char **cause);
int outbox_conv_set(struct outbox *ob, const char *user_id, const char *conv_id, const char *field,
                    const char *value, char **cause);
int outbox_conv_delete(struct outbox *ob, const char *user_id, const char *conv_id, char **cause);
/*
 * m->created_ms is the message's time (store.c sets it before journaling).
 * sealed: m's content is sealed for the journal (seal.c, kind "journal:ID")
 * and the line says so; replay then opens it with the store's key.
 */
int outbox_msg_append(struct outbox *ob, const char *user_id, const char *conv_id, const char *id,
                      const struct msg *m, bool sealed, char **cause);
int outbox_msg_update(struct outbox *ob, const char *user_id, const char *conv_id,
                      const struct msg *m, bool sealed, char **cause);
int outbox_msg_feedback(struct outbox *ob, const char *user_id, const char *conv_id,
                        const char *msg_id, int feedback, char **cause);
int outbox_usage_add(struct outbox *ob, const char *user_id, const char *id, const char *model,
                     long long at, char **cause);

/*
 * Applies this store's lines in order through the engine, stopping at the
 * first that fails for a reason other than "already applied" or "refused
 * for good" (those go to outbox.rejected.jsonl), then compacts the file.
 * 0 when nothing of this store is left; STORE_OFFLINE or STORE_ERROR with
 * *cause when some is; 1 when another process is replaying right now.
 */
/*
 * With a key (k, may be NULL) only lines of its user are applied, their
 * messages opened from the journal and sealed again by the engine for
 * their stored place; a line naming another account or failing to open is
 * refused (outbox.rejected.jsonl). Without one, sealed lines wait.
 */
int outbox_replay(struct outbox *ob, const struct store_engine *e, void *h,
                  const struct seal_key *k, char **cause);
/*
 * How many lines the replays since the last call refused as invalid
 * (tampered, another account's, damaged), with the last one's reason in
 * *why (a new string, or NULL when none); the count starts again at 0.
 */
size_t outbox_take_refused(struct outbox *ob, char **why);
/* Where refused lines are kept (a new string). */
char *outbox_rejected_path(const struct outbox *ob);

/*
 * The last login session seen valid while online (jti and its user; NULLs
 * forget it) and that user's name and e-mail, kept so that a logged-in
 * user can go on working while the server is away. The token's own expiry
 * is checked by its verifier before the store is asked. Never a password
 * hash.
 */
void outbox_remember_session(struct outbox *ob, const char *jti, const char *user_id);
void outbox_remember_user(struct outbox *ob, const struct store_user *u);
/* 0 with *user_id_out when jti is the remembered session; -1 otherwise. */
int outbox_recall_session(const struct outbox *ob, const char *jti, char **user_id_out);
/* The remembered user with this id (password_hash ""), or NULL. */
struct store_user *outbox_recall_user(const struct outbox *ob, const char *id);

#endif
