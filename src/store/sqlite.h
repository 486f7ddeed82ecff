/*
 * sqlite.h: what the files of the SQLite engine (sqlite*.c, built into
 * jarvis-sqlite.so) share: the handle, the names of the statements (their
 * SQL is in sqlite.c's table), the helpers that prepare, bind, step and
 * read them, and the operations that sqlite.c's engine table points to.
 * Private to those files: no sqlite3 type leaves them.
 */
#ifndef JARVIS_STORE_SQLITE_H
#define JARVIS_STORE_SQLITE_H

#include <sqlite3.h>
#include <stddef.h>

#include "engine.h"
#include "record.h"

/*
 * Every statement this engine runs, by name: prepared on first use,
 * kept for the life of the handle and finalised at close. `what` says
 * what the statement was doing, for the detail of a failure.
 */
enum stmt {
	ST_USER_INSERT,
	ST_USER_BY_EMAIL,
	ST_USER_BY_ID,
	ST_USER_SET_SECRET,
	ST_SESSION_INSERT,
	ST_SESSION_GET,
	ST_SESSION_REVOKE,
	ST_FAIL_INSERT,
	ST_FAIL_COUNT,
	ST_FAIL_CLEAR,
	ST_CONV_INSERT,
	ST_CONV_LIST,
	ST_CONV_GET,
	ST_CONV_DELETE,
	ST_CONV_OWNED,
	ST_MSG_NEXT_SEQ,
	ST_MSG_INSERT,
	ST_IMAGE_INSERT,
	ST_IMAGE_SET,
	ST_CONV_TOUCH,
	ST_MSG_UPDATE,
	ST_MSG_SEQ,
	ST_IMAGE_UPDATE,
	ST_MSG_FEEDBACK,
	ST_IMAGE_LIST,
	ST_MSG_PAGE,
	ST_USAGE_INSERT,
	ST_USAGE_COUNT,
	ST_CONV_SET_TITLE,
	ST_CONV_SET_MODEL,
	ST_CONV_SET_SYSTEM,
	ST_CONV_SET_FORK,
	ST_COUNT
};

struct sq {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[ST_COUNT]; /* NULL until first used */
};

/* STORE_ERROR with the detail store.c words: what statement `id` was doing, and SQLite's reason. */
int sq_stmt_fail(struct sq *s, enum stmt id, char **cause);
/* The statement `id`, reset and unbound, prepared on first use; NULL with cause. */
sqlite3_stmt *sq_prep(struct sq *s, enum stmt id, char **cause);
/* Binds the fields of rec that statement `id` takes, from parameter `first` on; the next free. */
int sq_bind_record(sqlite3_stmt *st, enum stmt id, int first, const void *rec);
/* Reads the fields of the current row of statement `id` into rec, from column `first` on. */
void sq_read_record(sqlite3_stmt *st, enum stmt id, int first, void *rec);
/* Ends a statement's use so that it holds no read transaction open. */
void sq_done(sqlite3_stmt *stmt);
/* Binds v as text, or NULL. */
void sq_bind_str(sqlite3_stmt *stmt, int i, const char *v);
/* Column i as a new string, or NULL for SQL NULL. */
char *sq_col_str(sqlite3_stmt *stmt, int i);
/* Parses a decimal rowid; anything else (-1) is "no such" row. */
int sq_parse_id(const char *s, sqlite3_int64 *out);
sqlite3_int64 sq_clamp64(size_t v);
/* A rowid as the string id the store hands out. */
char *sq_id_str(sqlite3_int64 v);
/* Runs the prepared statement `id`, which returns no rows. */
int sq_run(struct sq *s, enum stmt id, char **cause);
/* sq_run for a statement that changes one row: STORE_OK, `none` when it changed none. */
int sq_run_changing(struct sq *s, enum stmt id, int none, char **cause);
/* Steps the prepared statement `id`, which returns one count, into *count. */
int sq_count_rows(struct sq *s, enum stmt id, long *count, char **cause);
/* Runs SQL without parameters (transactions, pragmas); `what` words a failure. */
int sq_exec(struct sq *s, const char *sql, const char *what, char **cause);
void sq_rollback(struct sq *s);

/* The engine's operations (see struct store_engine): in sqlite.c ... */
const char *sq_where(void *h);
void sq_close(void *h);
int sq_destroy(void *h, char **cause);

/* ... in sqlite_accounts.c ... */
int sq_user_create(void *h, const char *name, const char *email, const char *hash,
                   const char *vault, long long now, char **id_out, char **cause);
int sq_user_find(void *h, int by_email, const char *key, struct store_user **out, char **cause);
int sq_user_set_secret(void *h, const char *id, const char *hash, const char *vault, char **cause);
int sq_session_add(void *h, const char *jti, const char *user_id, long long expires, char **cause);
int sq_session_get(void *h, const char *jti, struct engine_session *out, char **cause);
int sq_session_revoke(void *h, const char *jti, char **cause);
int sq_fail_reserve(void *h, const char *email, long long at, long long since, long limit,
                    char **cause);
int sq_fail_count(void *h, const char *email, long long since, long *count, char **cause);
int sq_fail_clear(void *h, const char *email, char **cause);
int sq_usage_add(void *h, const char *user_id, const char *model, long long at, const char *id,
                 char **cause);
int sq_usage_count(void *h, const char *user_id, const char *model, long long since, long *count,
                   char **cause);

/* ... in sqlite_convs.c ... */
int sq_conv_create(void *h, const char *user_id, const char *title, const char *model,
                   const char *system_prompt, const char *id, long long now, char **id_out,
                   char **cause);
int sq_conv_list(void *h, const char *user_id, size_t offset, size_t limit,
                 struct store_conv_list *out, char **cause);
int sq_conv_get(void *h, const char *user_id, const char *conv_id, struct conv **out, char **cause);
int sq_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                const char *value, char **cause);
int sq_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause);
int sq_conv_fork_mark(void *h, const char *user_id, const char *conv_id, const char *forked_from,
                      long fork_question, char **cause);

/* ... and in sqlite_messages.c. */
int sq_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m, const char *id,
                  long long now, const struct rec_sealer *seal, char **cause);
int sq_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                  const struct rec_sealer *seal, char **cause);
int sq_msg_image_set(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                     size_t index, const char *name, const char *data_uri, char **cause);
int sq_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                    int feedback, char **cause);
int sq_msg_page(void *h, const char *user_id, const char *conv_id, long before_seq, size_t limit,
                struct store_msgs *out, char **cause);

#endif
