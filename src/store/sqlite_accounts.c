/*
 * sqlite_accounts.c: the SQLite engine's accounts, sessions, failed
 * logins and usage records (the requests counted against a quota). The
 * statements are named in sqlite.h and written in sqlite.c.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "sqlite.h"
#include "jarvis/util.h"

/* ---- users ---- */

int sq_user_create(void *h, const char *name, const char *email, const char *hash,
                   const char *vault, long long now, char **id_out, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = sq_prep(s, ST_USER_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, name);
	sq_bind_str(st, 2, email);
	sq_bind_str(st, 3, hash);
	sqlite3_bind_int64(st, 4, now);
	sq_bind_str(st, 5, vault);
	int rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_EXISTS;
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_USER_INSERT, cause);
	*id_out = sq_id_str(sqlite3_last_insert_rowid(s->db));
	return STORE_OK;
}

int sq_user_find(void *h, int by_email, const char *key, struct store_user **out, char **cause)
{
	struct sq *s = h;
	enum stmt id = by_email ? ST_USER_BY_EMAIL : ST_USER_BY_ID;
	sqlite3_int64 uid = 0;
	if (!by_email && sq_parse_id(key, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = sq_prep(s, id, cause);
	if (st == NULL)
		return STORE_ERROR;
	if (by_email)
		sq_bind_str(st, 1, key);
	else
		sqlite3_bind_int64(st, 1, uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sq_done(st);
		return ENGINE_NO_ACCOUNT;
	}
	if (rc != SQLITE_ROW) {
		sq_done(st);
		return sq_stmt_fail(s, id, cause);
	}
	struct store_user *u = xcalloc(1, sizeof(*u));
	u->id = sq_id_str(sqlite3_column_int64(st, 0));
	u->name = sq_col_str(st, 1);
	u->email = sq_col_str(st, 2);
	u->password_hash = sq_col_str(st, 3);
	u->created_ms = sqlite3_column_int64(st, 4);
	u->vault = sq_col_str(st, 5);
	sq_done(st);
	*out = u;
	return STORE_OK;
}

int sq_user_set_secret(void *h, const char *id, const char *hash, const char *vault, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid = 0;
	if (sq_parse_id(id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = sq_prep(s, ST_USER_SET_SECRET, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, hash);
	sq_bind_str(st, 2, vault);
	sqlite3_bind_int64(st, 3, uid);
	return sq_run_changing(s, ST_USER_SET_SECRET, ENGINE_NO_ACCOUNT, cause);
}

/* ---- sessions ---- */

int sq_session_add(void *h, const char *jti, const char *user_id, long long expires, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (sq_parse_id(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = sq_prep(s, ST_SESSION_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, jti);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, expires);
	int rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ENGINE_NO_ACCOUNT;
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
		return STORE_EXISTS;
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_SESSION_INSERT, cause);
	return STORE_OK;
}

int sq_session_get(void *h, const char *jti, struct engine_session *out, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = sq_prep(s, ST_SESSION_GET, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, jti);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sq_done(st);
		return ENGINE_NO_SESSION;
	}
	if (rc != SQLITE_ROW) {
		sq_done(st);
		return sq_stmt_fail(s, ST_SESSION_GET, cause);
	}
	/* A user_id that is not a rowid (a damaged row) is no user at all. */
	sqlite3_int64 uid = sqlite3_column_int64(st, 0);
	int uid_ok = sqlite3_column_type(st, 0) == SQLITE_INTEGER && uid > 0;
	out->user_id = uid_ok ? sq_id_str(uid) : NULL;
	out->expires_ms = sqlite3_column_int64(st, 1);
	out->revoked = sqlite3_column_int(st, 2) != 0;
	sq_done(st);
	return STORE_OK;
}

int sq_session_revoke(void *h, const char *jti, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = sq_prep(s, ST_SESSION_REVOKE, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, jti);
	return sq_run(s, ST_SESSION_REVOKE, cause);
}

/* ---- login throttling ---- */

static int fail_reserve_locked(struct sq *s, const char *email, long long at, long long since,
                               long limit, char **cause)
{
	long n = 0;
	sqlite3_stmt *st = sq_prep(s, ST_FAIL_COUNT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, email);
	sqlite3_bind_int64(st, 2, since);
	if (sq_count_rows(s, ST_FAIL_COUNT, &n, cause) < 0)
		return STORE_ERROR;
	if (n >= limit)
		return STORE_EXISTS;
	st = sq_prep(s, ST_FAIL_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, email);
	sqlite3_bind_int64(st, 2, at);
	return sq_run(s, ST_FAIL_INSERT, cause);
}

int sq_fail_reserve(void *h, const char *email, long long at, long long since, long limit,
                    char **cause)
{
	struct sq *s = h;
	/* IMMEDIATE takes the write lock before counting: two processes cannot
	 * both see the last free attempt. */
	if (sq_exec(s, "BEGIN IMMEDIATE", "starting to reserve a login attempt", cause) < 0)
		return STORE_ERROR;
	int rc = fail_reserve_locked(s, email, at, since, limit, cause);
	if (rc == 0 && sq_exec(s, "COMMIT", "committing a login attempt", cause) < 0)
		rc = STORE_ERROR;
	if (rc < 0)
		sq_rollback(s);
	return rc;
}

int sq_fail_count(void *h, const char *email, long long since, long *count, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = sq_prep(s, ST_FAIL_COUNT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, email);
	sqlite3_bind_int64(st, 2, since);
	return sq_count_rows(s, ST_FAIL_COUNT, count, cause);
}

int sq_fail_clear(void *h, const char *email, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = sq_prep(s, ST_FAIL_CLEAR, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, email);
	return sq_run(s, ST_FAIL_CLEAR, cause);
}

/* ---- usage ---- */

int sq_usage_add(void *h, const char *user_id, const char *model, long long at, const char *id,
                 char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (sq_parse_id(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = sq_prep(s, ST_USAGE_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	sq_bind_str(st, 2, model);
	sqlite3_bind_int64(st, 3, at);
	int rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ENGINE_NO_ACCOUNT;
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_USAGE_INSERT, cause);
	return STORE_OK;
}

int sq_usage_count(void *h, const char *user_id, const char *model, long long since, long *count,
                   char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (sq_parse_id(user_id, &uid) < 0)
		return STORE_OK;
	sqlite3_stmt *st = sq_prep(s, ST_USAGE_COUNT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	sq_bind_str(st, 2, model);
	sqlite3_bind_int64(st, 3, since);
	return sq_count_rows(s, ST_USAGE_COUNT, count, cause);
}
