/*
 * sqlite.c: the embedded storage engine, one SQLite file (WAL mode) that
 * several Jarvis processes may share. The schema is versioned with PRAGMA
 * user_version and moved forward by the steps in `migrations`; the file is
 * created 0600 in a 0700 directory because it holds password hashes.
 * The columns of messages and images are the fields of record.h: the
 * statements over them name @cols, and bind_record/read_record follow the
 * table, so a new field needs its line there and an ALTER TABLE step here.
 *
 * What it must not do: build SQL from user data (every value is bound to a
 * prepared statement), let a sqlite3 type leave this file, or return rows
 * of a conversation without checking that it belongs to the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "record.h"
#include "jarvis/fs.h"
#include "jarvis/util.h"

#define BUSY_TIMEOUT_MS 5000

/*
 * Forward-only schema steps: step i takes user_version i to i + 1. Never
 * edit a step that has shipped; add a new one.
 */
static const char *const migrations[] = {
    /* 0 -> 1: the contract's tables and indexes. */
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " email TEXT NOT NULL UNIQUE,"
    " password_hash TEXT NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE conversations ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " title TEXT NOT NULL,"
    " model TEXT,"
    " system_prompt TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC, id DESC);"
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY,"
    " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    " user_id INTEGER NOT NULL,"
    " seq INTEGER NOT NULL,"
    " role TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " thoughts TEXT,"
    " model TEXT,"
    " status TEXT NOT NULL,"
    " finish_reason TEXT,"
    " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
    " candidates_tokens INTEGER NOT NULL DEFAULT 0,"
    " thoughts_tokens INTEGER NOT NULL DEFAULT 0,"
    " total_tokens INTEGER NOT NULL DEFAULT 0,"
    " feedback INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX messages_conv_seq ON messages(conversation_id, seq);"
    "CREATE TABLE images ("
    " message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " mime TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " data_uri TEXT NOT NULL,"
    " PRIMARY KEY (message_id, idx));"
    "CREATE TABLE sessions ("
    " jti TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " expires_at INTEGER NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE usage ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " model TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX usage_user_model_at ON usage(user_id, model, at);"
    "CREATE TABLE login_failures ("
    " id INTEGER PRIMARY KEY,"
    " email TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX login_failures_email_at ON login_failures(email, at);",
    /* 1 -> 2: an answer's raw parts (thoughtSignature, code execution, images), issue 11. */
    "ALTER TABLE messages ADD COLUMN parts TEXT;",
    /* 2 -> 3: the /think setting a question was sent with, issue 11. */
    "ALTER TABLE messages ADD COLUMN thinking TEXT;",
};

/*
 * Every statement this engine runs, by name: prepared on first use,
 * kept for the life of the handle and finalised at close. `what` says
 * what the statement was doing, for the detail of a failure.
 */
enum stmt {
	ST_USER_INSERT,
	ST_USER_BY_EMAIL,
	ST_USER_BY_ID,
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
	ST_CONV_TOUCH,
	ST_MSG_UPDATE,
	ST_MSG_FEEDBACK,
	ST_IMAGE_LIST,
	ST_MSG_PAGE,
	ST_USAGE_INSERT,
	ST_USAGE_COUNT,
	ST_CONV_SET_TITLE,
	ST_CONV_SET_MODEL,
	ST_CONV_SET_SYSTEM,
	ST_COUNT
};

/*
 * A statement over a record (record.h) names its fields through markers
 * that prep() expands from the table: @cols "a, b", @marks "?, ?", @sets
 * "a = ?, b = ?"; `flags` picks the fields (REC_STATE: those msg_update
 * rewrites). Binding and reading follow the table's order.
 */
static const struct {
	const char *sql;
	const char *what;
	const struct rec_table *rec;
	unsigned flags;
} stmts[ST_COUNT] = {
    [ST_USER_INSERT] = {"INSERT INTO users(name, email, password_hash, created_at) "
                        "VALUES (?, ?, ?, ?)",
                        "inserting the account"},
    [ST_USER_BY_EMAIL] = {"SELECT id, name, email, password_hash, created_at FROM users "
                          "WHERE email = ?",
                          "finding the account by e-mail"},
    [ST_USER_BY_ID] = {"SELECT id, name, email, password_hash, created_at FROM users "
                       "WHERE id = ?",
                       "finding the account by id"},
    [ST_SESSION_INSERT] = {"INSERT INTO sessions(jti, user_id, expires_at) VALUES (?, ?, ?)",
                           "inserting the session"},
    [ST_SESSION_GET] = {"SELECT user_id, expires_at, revoked FROM sessions WHERE jti = ?",
                        "reading the session"},
    [ST_SESSION_REVOKE] = {"UPDATE sessions SET revoked = 1 WHERE jti = ?",
                           "marking the session revoked"},
    [ST_FAIL_INSERT] = {"INSERT INTO login_failures(email, at) VALUES (?, ?)",
                        "inserting the failed login"},
    [ST_FAIL_COUNT] = {"SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ?",
                       "counting the failed logins"},
    [ST_FAIL_CLEAR] = {"DELETE FROM login_failures WHERE email = ?", "deleting the failed logins"},
    [ST_CONV_INSERT] = {"INSERT INTO conversations(user_id, title, model, system_prompt, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        "inserting the conversation"},
    [ST_CONV_LIST] = {"SELECT c.id, c.title, c.model, c.created_at, c.updated_at, "
                      "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) "
                      "FROM conversations c WHERE c.user_id = ? "
                      "ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?",
                      "listing the conversations"},
    [ST_CONV_GET] = {"SELECT id, title, model, system_prompt, created_at, updated_at "
                     "FROM conversations WHERE id = ? AND user_id = ?",
                     "reading the conversation"},
    [ST_CONV_DELETE] = {"DELETE FROM conversations WHERE id = ? AND user_id = ?",
                        "deleting the conversation"},
    [ST_CONV_OWNED] = {"SELECT 1 FROM conversations WHERE id = ? AND user_id = ?",
                       "checking the conversation's owner"},
    [ST_MSG_NEXT_SEQ] = {"SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?",
                         "finding the next seq"},
    [ST_MSG_INSERT] = {"INSERT INTO messages(conversation_id, user_id, seq, @cols) "
                       "VALUES (?, ?, ?, @marks)",
                       "inserting the message", &msg_record, 0},
    [ST_IMAGE_INSERT] = {"INSERT INTO images(message_id, idx, @cols) VALUES (?, ?, @marks)",
                         "inserting an image", &image_record, 0},
    [ST_CONV_TOUCH] = {"UPDATE conversations SET updated_at = MAX(updated_at, ?) WHERE id = ?",
                       "moving the conversation's updated_at"},
    [ST_MSG_UPDATE] = {"UPDATE messages SET @sets "
                       "WHERE id = ? AND conversation_id = ? AND user_id = ?",
                       "rewriting the message", &msg_record, REC_STATE},
    [ST_MSG_FEEDBACK] = {"UPDATE messages SET feedback = ? "
                         "WHERE id = ? AND conversation_id = ? AND user_id = ?",
                         "setting the feedback"},
    [ST_IMAGE_LIST] = {"SELECT @cols FROM images WHERE message_id = ? ORDER BY idx",
                       "reading the images", &image_record, 0},
    [ST_MSG_PAGE] = {"SELECT id, seq, @cols FROM messages "
                     "WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                     "reading the messages", &msg_record, 0},
    [ST_USAGE_INSERT] = {"INSERT INTO usage(user_id, model, at) VALUES (?, ?, ?)",
                         "inserting the usage record"},
    [ST_USAGE_COUNT] = {"SELECT COUNT(*) FROM usage WHERE user_id = ? AND model = ? AND at >= ?",
                        "counting the usage records"},
    [ST_CONV_SET_TITLE] = {"UPDATE conversations SET title = ? WHERE id = ? AND user_id = ?",
                           "renaming the conversation"},
    [ST_CONV_SET_MODEL] = {"UPDATE conversations SET model = ? WHERE id = ? AND user_id = ?",
                           "setting the conversation's model"},
    [ST_CONV_SET_SYSTEM] =
        {"UPDATE conversations SET system_prompt = ? WHERE id = ? AND user_id = ?",
         "setting the conversation's system prompt"},
};

struct sq {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[ST_COUNT]; /* NULL until first used */
};

/* STORE_ERROR with the detail store.c words: what failed, and SQLite's reason. */
static int fail(struct sq *s, const char *what, char **cause)
{
	set_cause(cause, "%s: %s", what, sqlite3_errmsg(s->db));
	return STORE_ERROR;
}

static int stmt_fail(struct sq *s, enum stmt id, char **cause)
{
	return fail(s, stmts[id].what, cause);
}

/* Whether field f of a statement's record takes part in it. */
static bool takes(enum stmt id, const struct rec_field *f)
{
	return (f->flags & stmts[id].flags) == stmts[id].flags;
}

/* The SQL of statement `id` with its record markers expanded (see stmts). */
static char *expand(enum stmt id)
{
	struct buf out;
	buf_init(&out, BUF_LINE_MAX);
	const char *p = stmts[id].sql;
	while (*p != '\0') {
		const char *mark = strchr(p, '@');
		if (mark == NULL || stmts[id].rec == NULL) {
			buf_addstr(&out, p);
			break;
		}
		buf_add(&out, p, (size_t)(mark - p));
		size_t len = strcspn(mark + 1, " ,)");
		const struct rec_table *t = stmts[id].rec;
		const char *sep = "";
		for (size_t i = 0; i < t->n; i++) {
			if (!takes(id, &t->fields[i]))
				continue;
			const char *name = t->fields[i].name;
			if (strncmp(mark + 1, "marks", len) == 0)
				buf_addf(&out, "%s?", sep);
			else if (strncmp(mark + 1, "sets", len) == 0)
				buf_addf(&out, "%s%s = ?", sep, name);
			else
				buf_addf(&out, "%s%s", sep, name);
			sep = ", ";
		}
		p = mark + 1 + len;
	}
	return out.data;
}

/* The statement `id`, reset and unbound, prepared on first use; NULL with cause. */
static sqlite3_stmt *prep(struct sq *s, enum stmt id, char **cause)
{
	sqlite3_stmt *stmt = s->stmt[id];
	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		return stmt;
	}
	char *sql = expand(id);
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		stmt_fail(s, id, cause);
		return NULL;
	}
	s->stmt[id] = stmt;
	return stmt;
}

/* Binds the fields of rec that statement `id` takes, from parameter `first` on; the next free. */
static int bind_record(sqlite3_stmt *st, enum stmt id, int first, const void *rec)
{
	const struct rec_table *t = stmts[id].rec;
	int i = first;
	for (size_t k = 0; k < t->n; k++) {
		const struct rec_field *f = &t->fields[k];
		if (!takes(id, f))
			continue;
		size_t len;
		const char *v;
		if (!rec_is_text(f))
			sqlite3_bind_int64(st, i, rec_int(f, rec));
		else if ((v = rec_text(f, rec, &len)) == NULL)
			sqlite3_bind_null(st, i);
		else
			sqlite3_bind_text64(st, i, v, len, SQLITE_STATIC, SQLITE_UTF8);
		i++;
	}
	return i;
}

/* Reads the fields of the current row of statement `id` into rec, from column `first` on. */
static void read_record(sqlite3_stmt *st, enum stmt id, int first, void *rec)
{
	const struct rec_table *t = stmts[id].rec;
	int i = first;
	for (size_t k = 0; k < t->n; k++) {
		const struct rec_field *f = &t->fields[k];
		if (!takes(id, f))
			continue;
		if (!rec_is_text(f)) {
			rec_set_int(f, rec, sqlite3_column_int64(st, i));
		} else {
			const char *v = (const char *)sqlite3_column_text(st, i);
			rec_set_text(f, rec, v, (size_t)sqlite3_column_bytes(st, i));
		}
		i++;
	}
}

/* Ends a statement's use so that it holds no read transaction open. */
static void done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
}

static void bind_str(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

static char *col_str(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(stmt, i);
	int n = sqlite3_column_bytes(stmt, i);
	return xstrndup(t ? (const char *)t : "", (size_t)n);
}

/* Parses a decimal rowid; anything else is "no such" row. */
static int parse_id(const char *s, sqlite3_int64 *out)
{
	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return -1;
	sqlite3_int64 v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v <= 0)
		return -1;
	*out = v;
	return 0;
}

static sqlite3_int64 clamp64(size_t v)
{
	return v > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

static char *id_str(sqlite3_int64 v)
{
	return xasprintf("%lld", (long long)v);
}

/* Runs the prepared statement `id`, which returns no rows. */
static int run(struct sq *s, enum stmt id, char **cause)
{
	int rc = sqlite3_step(s->stmt[id]);
	done(s->stmt[id]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return stmt_fail(s, id, cause);
	return STORE_OK;
}

static int exec(struct sq *s, const char *sql, const char *what, char **cause)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		set_cause(cause, "%s: %s", what, err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static void rollback(struct sq *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int migrate(struct sq *s, char **cause)
{
	sqlite3_stmt *stmt = NULL;
	int version = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return fail(s, "reading the schema version", cause);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	int latest = (int)ARRAY_LEN(migrations);
	if (version > latest)
		return set_cause(cause,
		                 "it has schema version %d but this Jarvis knows only %d; "
		                 "upgrade Jarvis or use another --store",
		                 version, latest),
		       STORE_ERROR;
	if (version == latest)
		return STORE_OK;
	if (exec(s, "BEGIN IMMEDIATE", "starting the schema upgrade", cause) < 0)
		return STORE_ERROR;
	/* Re-read under the write lock: another process may have migrated meanwhile. */
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK) {
		rollback(s);
		return fail(s, "reading the schema version", cause);
	}
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	for (int v = version; v < latest; v++) {
		if (exec(s, migrations[v], "upgrading the schema", cause) < 0) {
			rollback(s);
			return STORE_ERROR;
		}
	}
	/* PRAGMA takes no bound parameters; the value is our own integer. */
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", latest);
	if (exec(s, pragma, "recording the schema version", cause) < 0 ||
	    exec(s, "COMMIT", "committing the schema upgrade", cause) < 0) {
		rollback(s);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static void sq_close(void *h)
{
	struct sq *s = h;
	if (s == NULL)
		return;
	/* sqlite3_close_v2 does not finalise statements: with any left it only
	 * marks the connection a zombie, freed when the last one is finalised.
	 * So every statement is finalised first, and the file is really closed. */
	for (size_t i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

void *store_sqlite_open(const char *path, char **cause)
{
	char *dir_cause = NULL;
	if (fs_mkdir_parent(path, &dir_cause) < 0) {
		set_cause(cause, "store: %s", dir_cause);
		free(dir_cause);
		return NULL;
	}
	/* Create the file ourselves so it is 0600 from the first byte; SQLite gives its
	 * -wal and -shm files the same mode. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_cause(cause, "store: cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	struct sq *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		set_cause(cause, "store: cannot open %s: %s", path,
		          s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sq_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	if (exec(s, "PRAGMA journal_mode = WAL", "switching to WAL", cause) < 0 ||
	    exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", cause) < 0 ||
	    exec(s, "PRAGMA synchronous = NORMAL", "setting synchronous", cause) < 0 ||
	    migrate(s, cause) < 0) {
		if (cause != NULL) {
			char *why = *cause;
			*cause = xasprintf("store: cannot open %s: %s", path, why ? why : "?");
			free(why);
		}
		sq_close(s);
		return NULL;
	}
	return s;
}

static const char *sq_where(void *h)
{
	return ((struct sq *)h)->path;
}

static int sq_destroy(void *h, char **cause)
{
	struct sq *s = h;
	const char *sfx[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		char *p = xasprintf("%s%s", s->path, sfx[i]);
		if (unlink(p) != 0 && errno != ENOENT) {
			set_cause(cause, "removing %s: %s", p, strerror(errno));
			free(p);
			return STORE_ERROR;
		}
		free(p);
	}
	return STORE_OK;
}

/* ---- users ---- */

static int sq_user_create(void *h, const char *name, const char *email, const char *hash,
                          long long now, char **id_out, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = prep(s, ST_USER_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, name);
	bind_str(st, 2, email);
	bind_str(st, 3, hash);
	sqlite3_bind_int64(st, 4, now);
	int rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_EXISTS;
	if (rc != SQLITE_DONE)
		return stmt_fail(s, ST_USER_INSERT, cause);
	*id_out = id_str(sqlite3_last_insert_rowid(s->db));
	return STORE_OK;
}

static int sq_user_find(void *h, int by_email, const char *key, struct store_user **out,
                        char **cause)
{
	struct sq *s = h;
	enum stmt id = by_email ? ST_USER_BY_EMAIL : ST_USER_BY_ID;
	sqlite3_int64 uid = 0;
	if (!by_email && parse_id(key, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = prep(s, id, cause);
	if (st == NULL)
		return STORE_ERROR;
	if (by_email)
		bind_str(st, 1, key);
	else
		sqlite3_bind_int64(st, 1, uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		done(st);
		return ENGINE_NO_ACCOUNT;
	}
	if (rc != SQLITE_ROW) {
		done(st);
		return stmt_fail(s, id, cause);
	}
	struct store_user *u = xcalloc(1, sizeof(*u));
	u->id = id_str(sqlite3_column_int64(st, 0));
	u->name = col_str(st, 1);
	u->email = col_str(st, 2);
	u->password_hash = col_str(st, 3);
	u->created_ms = sqlite3_column_int64(st, 4);
	done(st);
	*out = u;
	return STORE_OK;
}

/* ---- sessions ---- */

static int sq_session_add(void *h, const char *jti, const char *user_id, long long expires,
                          char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (parse_id(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = prep(s, ST_SESSION_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, jti);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, expires);
	int rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ENGINE_NO_ACCOUNT;
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
		return STORE_EXISTS;
	if (rc != SQLITE_DONE)
		return stmt_fail(s, ST_SESSION_INSERT, cause);
	return STORE_OK;
}

static int sq_session_get(void *h, const char *jti, struct engine_session *out, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = prep(s, ST_SESSION_GET, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, jti);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		done(st);
		return ENGINE_NO_SESSION;
	}
	if (rc != SQLITE_ROW) {
		done(st);
		return stmt_fail(s, ST_SESSION_GET, cause);
	}
	/* A user_id that is not a rowid (a damaged row) is no user at all. */
	sqlite3_int64 uid = sqlite3_column_int64(st, 0);
	int uid_ok = sqlite3_column_type(st, 0) == SQLITE_INTEGER && uid > 0;
	out->user_id = uid_ok ? id_str(uid) : NULL;
	out->expires_ms = sqlite3_column_int64(st, 1);
	out->revoked = sqlite3_column_int(st, 2) != 0;
	done(st);
	return STORE_OK;
}

static int sq_session_revoke(void *h, const char *jti, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = prep(s, ST_SESSION_REVOKE, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, jti);
	return run(s, ST_SESSION_REVOKE, cause);
}

/* ---- login throttling ---- */

static int sq_fail_add(void *h, const char *email, long long at, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = prep(s, ST_FAIL_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, email);
	sqlite3_bind_int64(st, 2, at);
	return run(s, ST_FAIL_INSERT, cause);
}

static int count_rows(struct sq *s, enum stmt id, long *count, char **cause)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = (long)sqlite3_column_int64(st, 0);
	done(st);
	if (rc != SQLITE_ROW)
		return stmt_fail(s, id, cause);
	return STORE_OK;
}

static int sq_fail_count(void *h, const char *email, long long since, long *count, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = prep(s, ST_FAIL_COUNT, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, email);
	sqlite3_bind_int64(st, 2, since);
	return count_rows(s, ST_FAIL_COUNT, count, cause);
}

static int sq_fail_clear(void *h, const char *email, char **cause)
{
	struct sq *s = h;
	sqlite3_stmt *st = prep(s, ST_FAIL_CLEAR, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, email);
	return run(s, ST_FAIL_CLEAR, cause);
}

/* ---- conversations ---- */

/* Ids are rowids made by SQLite: new_id is NULL, so `id` is always NULL here. */
static int sq_conv_create(void *h, const char *user_id, const char *title, const char *model,
                          const char *system_prompt, const char *id, long long now, char **id_out,
                          char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (parse_id(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = prep(s, ST_CONV_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	bind_str(st, 2, title);
	bind_str(st, 3, model);
	bind_str(st, 4, system_prompt);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	int rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ENGINE_NO_ACCOUNT;
	if (rc != SQLITE_DONE)
		return stmt_fail(s, ST_CONV_INSERT, cause);
	*id_out = id_str(sqlite3_last_insert_rowid(s->db));
	return STORE_OK;
}

static int sq_conv_list(void *h, const char *user_id, size_t offset, size_t limit,
                        struct store_conv_list *out, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (parse_id(user_id, &uid) < 0)
		return STORE_OK;
	sqlite3_stmt *st = prep(s, ST_CONV_LIST, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	sqlite3_bind_int64(st, 2, clamp64(limit));
	sqlite3_bind_int64(st, 3, clamp64(offset));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
		struct store_conv_info *ci = &out->items[out->n++];
		ci->id = id_str(sqlite3_column_int64(st, 0));
		ci->title = col_str(st, 1);
		ci->model = col_str(st, 2);
		ci->created_ms = sqlite3_column_int64(st, 3);
		ci->updated_ms = sqlite3_column_int64(st, 4);
		ci->nmessages = (long)sqlite3_column_int64(st, 5);
	}
	done(st);
	if (rc != SQLITE_DONE)
		return stmt_fail(s, ST_CONV_LIST, cause);
	return STORE_OK;
}

static int sq_conv_get(void *h, const char *user_id, const char *conv_id, struct conv **out,
                       char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	sqlite3_stmt *st = prep(s, ST_CONV_GET, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		done(st);
		return rc == SQLITE_DONE ? ENGINE_NO_CONV : stmt_fail(s, ST_CONV_GET, cause);
	}
	struct conv *c = conv_new();
	c->id = id_str(sqlite3_column_int64(st, 0));
	c->title = col_str(st, 1);
	c->model = col_str(st, 2);
	c->system_prompt = col_str(st, 3);
	c->created_ms = sqlite3_column_int64(st, 4);
	c->updated_ms = sqlite3_column_int64(st, 5);
	done(st);
	*out = c;
	return STORE_OK;
}

static int sq_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                       const char *value, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	enum stmt id = strcmp(field, "title") == 0   ? ST_CONV_SET_TITLE
	               : strcmp(field, "model") == 0 ? ST_CONV_SET_MODEL
	                                             : ST_CONV_SET_SYSTEM;
	sqlite3_stmt *st = prep(s, id, cause);
	if (st == NULL)
		return STORE_ERROR;
	bind_str(st, 1, value);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_int64(st, 3, uid);
	if (run(s, id, cause) < 0)
		return STORE_ERROR;
	return sqlite3_changes(s->db) == 0 ? ENGINE_NO_CONV : STORE_OK;
}

static int sq_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	/* Messages and their images go with it through ON DELETE CASCADE. */
	sqlite3_stmt *st = prep(s, ST_CONV_DELETE, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	if (run(s, ST_CONV_DELETE, cause) < 0)
		return STORE_ERROR;
	return sqlite3_changes(s->db) == 0 ? ENGINE_NO_CONV : STORE_OK;
}

/* ---- messages ---- */

/* 0 when the conversation exists and is the user's, else NOTFOUND or ERROR. */
static int owns(struct sq *s, sqlite3_int64 uid, sqlite3_int64 cid, char **cause)
{
	sqlite3_stmt *st = prep(s, ST_CONV_OWNED, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	int rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? ENGINE_NO_CONV : stmt_fail(s, ST_CONV_OWNED, cause);
}

static int append_locked(struct sq *s, sqlite3_int64 uid, sqlite3_int64 cid, struct msg *m,
                         long long now, char **cause)
{
	int rc = owns(s, uid, cid, cause);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = prep(s, ST_MSG_NEXT_SEQ, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		done(st);
		return stmt_fail(s, ST_MSG_NEXT_SEQ, cause);
	}
	long seq = (long)sqlite3_column_int64(st, 0);
	done(st);

	if (m->created_ms == 0)
		m->created_ms = now;
	st = prep(s, ST_MSG_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, seq);
	bind_record(st, ST_MSG_INSERT, 4, m);
	if (run(s, ST_MSG_INSERT, cause) < 0)
		return STORE_ERROR;
	sqlite3_int64 mid = sqlite3_last_insert_rowid(s->db);

	for (size_t i = 0; i < m->nimages; i++) {
		st = prep(s, ST_IMAGE_INSERT, cause);
		if (st == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_record(st, ST_IMAGE_INSERT, 3, &m->images[i]);
		if (run(s, ST_IMAGE_INSERT, cause) < 0)
			return STORE_ERROR;
	}

	st = prep(s, ST_CONV_TOUCH, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, cid);
	if (run(s, ST_CONV_TOUCH, cause) < 0)
		return STORE_ERROR;
	free(m->id);
	m->id = id_str(mid);
	m->seq = seq;
	return STORE_OK;
}

static int sq_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m,
                         const char *id, long long now, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	/* IMMEDIATE takes the write lock before reading MAX(seq), so two processes
	 * cannot both pick the same next seq. */
	if (exec(s, "BEGIN IMMEDIATE", "starting to store a message", cause) < 0)
		return STORE_ERROR;
	int rc = append_locked(s, uid, cid, m, now, cause);
	if (rc == 0 && exec(s, "COMMIT", "committing a message", cause) < 0)
		rc = STORE_ERROR;
	if (rc < 0)
		rollback(s);
	return rc;
}

static int sq_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                         char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid, mid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (parse_id(m->id, &mid) < 0)
		return ENGINE_NO_MSG;
	sqlite3_stmt *st = prep(s, ST_MSG_UPDATE, cause);
	if (st == NULL)
		return STORE_ERROR;
	int i = bind_record(st, ST_MSG_UPDATE, 1, m);
	sqlite3_bind_int64(st, i, mid);
	sqlite3_bind_int64(st, i + 1, cid);
	sqlite3_bind_int64(st, i + 2, uid);
	if (run(s, ST_MSG_UPDATE, cause) < 0)
		return STORE_ERROR;
	if (sqlite3_changes(s->db) == 0) {
		int rc = owns(s, uid, cid, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	return STORE_OK;
}

static int sq_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                           int feedback, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid, mid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	if (parse_id(msg_id, &mid) < 0)
		return ENGINE_NO_MSG;
	sqlite3_stmt *st = prep(s, ST_MSG_FEEDBACK, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(st, 1, feedback);
	sqlite3_bind_int64(st, 2, mid);
	sqlite3_bind_int64(st, 3, cid);
	sqlite3_bind_int64(st, 4, uid);
	if (run(s, ST_MSG_FEEDBACK, cause) < 0)
		return STORE_ERROR;
	if (sqlite3_changes(s->db) == 0) {
		int rc = owns(s, uid, cid, cause);
		return rc < 0 ? rc : ENGINE_NO_MSG;
	}
	return STORE_OK;
}

static int load_images(struct sq *s, sqlite3_int64 mid, struct msg *m, char **cause)
{
	sqlite3_stmt *st = prep(s, ST_IMAGE_LIST, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, mid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_record(st, ST_IMAGE_LIST, 0, rec_add_image(m));
	}
	done(st);
	if (rc != SQLITE_DONE)
		return stmt_fail(s, ST_IMAGE_LIST, cause);
	return STORE_OK;
}

static int sq_msg_page(void *h, const char *user_id, const char *conv_id, long before_seq,
                       size_t limit, struct store_msgs *out, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (parse_id(user_id, &uid) < 0 || parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	/* One read transaction, so the page is one consistent snapshot. */
	if (exec(s, "BEGIN", "starting to read messages", cause) < 0)
		return STORE_ERROR;
	int rc = owns(s, uid, cid, cause);
	if (rc < 0 || limit == 0)
		goto out;
	sqlite3_stmt *st = prep(s, ST_MSG_PAGE, cause);
	if (st == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, before_seq > 0 ? before_seq : INT64_MAX);
	sqlite3_bind_int64(st, 3, clamp64(limit));
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct msg *m = msg_new(ROLE_MODEL, NULL);
		m->id = id_str(sqlite3_column_int64(st, 0));
		m->seq = (long)sqlite3_column_int64(st, 1);
		read_record(st, ST_MSG_PAGE, 2, m);
		store_msgs_push(out, m);
	}
	done(st);
	if (step != SQLITE_DONE) {
		rc = stmt_fail(s, ST_MSG_PAGE, cause);
		goto out;
	}
	/* Read newest first to use the index from the end; hand back oldest first. */
	for (size_t i = 0; i < out->n / 2; i++) {
		struct msg *tmp = out->items[i];
		out->items[i] = out->items[out->n - 1 - i];
		out->items[out->n - 1 - i] = tmp;
	}
	for (size_t i = 0; i < out->n && rc == 0; i++) {
		sqlite3_int64 mid;
		parse_id(out->items[i]->id, &mid);
		rc = load_images(s, mid, out->items[i], cause);
	}
out:
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* ---- usage ---- */

static int sq_usage_add(void *h, const char *user_id, const char *model, long long at,
                        const char *id, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (parse_id(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = prep(s, ST_USAGE_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	bind_str(st, 2, model);
	sqlite3_bind_int64(st, 3, at);
	int rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ENGINE_NO_ACCOUNT;
	if (rc != SQLITE_DONE)
		return stmt_fail(s, ST_USAGE_INSERT, cause);
	return STORE_OK;
}

static int sq_usage_count(void *h, const char *user_id, const char *model, long long since,
                          long *count, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (parse_id(user_id, &uid) < 0)
		return STORE_OK;
	sqlite3_stmt *st = prep(s, ST_USAGE_COUNT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	bind_str(st, 2, model);
	sqlite3_bind_int64(st, 3, since);
	return count_rows(s, ST_USAGE_COUNT, count, cause);
}

const struct store_engine store_sqlite_engine = {
    .name = "sqlite",
    .where = sq_where,
    .close = sq_close,
    .destroy = sq_destroy,
    .user_create = sq_user_create,
    .user_find = sq_user_find,
    .session_add = sq_session_add,
    .session_get = sq_session_get,
    .session_revoke = sq_session_revoke,
    .fail_add = sq_fail_add,
    .fail_count = sq_fail_count,
    .fail_clear = sq_fail_clear,
    .conv_create = sq_conv_create,
    .conv_list = sq_conv_list,
    .conv_get = sq_conv_get,
    .conv_set = sq_conv_set,
    .conv_delete = sq_conv_delete,
    .msg_append = sq_msg_append,
    .msg_update = sq_msg_update,
    .msg_feedback = sq_msg_feedback,
    .msg_page = sq_msg_page,
    .usage_add = sq_usage_add,
    .usage_count = sq_usage_count,
};
