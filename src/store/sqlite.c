/*
 * sqlite.c: the embedded storage engine, one SQLite file (WAL mode) that
 * several Jarvis processes may share. The schema is versioned with PRAGMA
 * user_version and moved forward by the steps in `migrations`; the file is
 * created 0600 in a 0700 directory because it holds password hashes.
 * The columns of messages and images are the fields of record.h: the
 * statements over them name @cols, and sq_bind_record/sq_read_record follow
 * the table, so a new field needs its line there and an ALTER TABLE step here.
 *
 * This file opens, migrates and closes the file, holds every statement the
 * engine runs and the helpers over them (sqlite.h); the engine's table is
 * sqlite_engine.c, and the operations are in sqlite_accounts.c (accounts,
 * sessions, login throttling, usage), sqlite_convs.c (conversations) and
 * sqlite_messages.c (messages and their images).
 *
 * What it must not do: build SQL from user data (every value is bound to a
 * prepared statement), let a sqlite3 type leave these files, or return rows
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

#include "sqlite.h"
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
    /* 3 -> 4: /web with the question, the answer's sources and searches, issue 11. */
    "ALTER TABLE messages ADD COLUMN web TEXT;"
    "ALTER TABLE messages ADD COLUMN grounding TEXT;",
    /* 4 -> 5: the account's data-key envelope (vault.h), issue 12. */
    "ALTER TABLE users ADD COLUMN vault TEXT;",
    /* 5 -> 6: an attachment's copy in the Files API and when it expires, issue 11. */
    "ALTER TABLE images ADD COLUMN file_uri TEXT;"
    "ALTER TABLE images ADD COLUMN file_expires_at INTEGER NOT NULL DEFAULT 0;",
    /* 6 -> 7: a fork (/edit): the conversation it was made from and at which question, issue 13. */
    "ALTER TABLE conversations ADD COLUMN forked_from INTEGER;"
    "ALTER TABLE conversations ADD COLUMN fork_question INTEGER NOT NULL DEFAULT 0;",
    /* 7 -> 8: conversation ids never reused (AUTOINCREMENT), so `-C 4` after deleting
     * the highest stays the one the user remembers. The table is re-created (SQLite
     * cannot add AUTOINCREMENT in place); migrate() turns foreign keys off around it,
     * so dropping the old table does not cascade to the messages. */
    "CREATE TABLE conversations_v8 ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " title TEXT NOT NULL,"
    " model TEXT,"
    " system_prompt TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " forked_from INTEGER,"
    " fork_question INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO conversations_v8(id, user_id, title, model, system_prompt, created_at,"
    " updated_at, forked_from, fork_question)"
    " SELECT id, user_id, title, model, system_prompt, created_at, updated_at, forked_from,"
    " fork_question FROM conversations;"
    "DROP TABLE conversations;"
    "ALTER TABLE conversations_v8 RENAME TO conversations;"
    "CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC, id DESC);",
};

/*
 * A statement over a record (record.h) names its fields through markers
 * that sq_prep() expands from the table: @cols "a, b", @marks "?, ?", @sets
 * "a = ?, b = ?"; `flags` picks the fields (REC_STATE: those msg_update
 * rewrites). Binding and reading follow the table's order.
 */
static const struct {
	const char *sql;
	const char *what;
	const struct rec_table *rec;
	unsigned flags;
} stmts[ST_COUNT] = {
    [ST_USER_INSERT] = {"INSERT INTO users(name, email, password_hash, created_at, vault) "
                        "VALUES (?, ?, ?, ?, ?)",
                        "inserting the account"},
    [ST_USER_BY_EMAIL] = {"SELECT id, name, email, password_hash, created_at, vault FROM users "
                          "WHERE email = ?",
                          "finding the account by e-mail"},
    [ST_USER_BY_ID] = {"SELECT id, name, email, password_hash, created_at, vault FROM users "
                       "WHERE id = ?",
                       "finding the account by id"},
    [ST_USER_SET_SECRET] = {"UPDATE users SET password_hash = ?, vault = ? WHERE id = ?",
                            "changing the account's password"},
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
                      "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id), "
                      "c.forked_from, c.fork_question "
                      "FROM conversations c WHERE c.user_id = ? "
                      "ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?",
                      "listing the conversations"},
    [ST_CONV_GET] = {"SELECT id, title, model, system_prompt, created_at, updated_at, "
                     "forked_from, fork_question "
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
    [ST_IMAGE_SET] = {"UPDATE images SET name = ?, data_uri = ? WHERE message_id = ? AND idx = ? "
                      "AND message_id IN (SELECT id FROM messages WHERE id = ? AND "
                      "conversation_id = ? AND user_id = ?)",
                      "sealing an image"},
    [ST_CONV_TOUCH] = {"UPDATE conversations SET updated_at = MAX(updated_at, ?) WHERE id = ?",
                       "moving the conversation's updated_at"},
    [ST_MSG_SEQ] = {"SELECT seq FROM messages WHERE id = ? AND conversation_id = ? AND user_id = ?",
                    "finding the message's seq"},
    [ST_MSG_UPDATE] = {"UPDATE messages SET @sets "
                       "WHERE id = ? AND conversation_id = ? AND user_id = ?",
                       "rewriting the message", &msg_record, REC_STATE},
    [ST_IMAGE_UPDATE] = {"UPDATE images SET @sets WHERE message_id = ? AND idx = ?",
                         "rewriting an image's Files API copy", &image_record, REC_STATE},
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
    [ST_CONV_SET_FORK] = {"UPDATE conversations SET forked_from = ?, fork_question = ? "
                          "WHERE id = ? AND user_id = ?",
                          "marking the conversation a fork"},
};

/* STORE_ERROR with the detail store.c words: what failed, and SQLite's reason. */
static int fail(struct sq *s, const char *what, char **cause)
{
	set_cause(cause, "%s: %s", what, sqlite3_errmsg(s->db));
	/* No space: the write can succeed later, once some is freed. */
	return sqlite3_errcode(s->db) == SQLITE_FULL ? STORE_FULL : STORE_ERROR;
}

int sq_stmt_fail(struct sq *s, enum stmt id, char **cause)
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
sqlite3_stmt *sq_prep(struct sq *s, enum stmt id, char **cause)
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
		sq_stmt_fail(s, id, cause);
		return NULL;
	}
	s->stmt[id] = stmt;
	return stmt;
}

/* Binds the fields of rec that statement `id` takes, from parameter `first` on; the next free. */
int sq_bind_record(sqlite3_stmt *st, enum stmt id, int first, const void *rec)
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
void sq_read_record(sqlite3_stmt *st, enum stmt id, int first, void *rec)
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
void sq_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
}

void sq_bind_str(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

char *sq_col_str(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(stmt, i);
	int n = sqlite3_column_bytes(stmt, i);
	return xstrndup(t ? (const char *)t : "", (size_t)n);
}

/* Parses a decimal rowid; anything else is "no such" row. */
int sq_parse_id(const char *s, sqlite3_int64 *out)
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

sqlite3_int64 sq_clamp64(size_t v)
{
	return v > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

char *sq_id_str(sqlite3_int64 v)
{
	return xasprintf("%lld", (long long)v);
}

/* Runs the prepared statement `id`, which returns no rows. */
int sq_run(struct sq *s, enum stmt id, char **cause)
{
	int rc = sqlite3_step(s->stmt[id]);
	sq_done(s->stmt[id]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_stmt_fail(s, id, cause);
	return STORE_OK;
}

int sq_run_changing(struct sq *s, enum stmt id, int none, char **cause)
{
	if (sq_run(s, id, cause) < 0)
		return STORE_ERROR;
	return sqlite3_changes(s->db) == 0 ? none : STORE_OK;
}

int sq_count_rows(struct sq *s, enum stmt id, long *count, char **cause)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = (long)sqlite3_column_int64(st, 0);
	sq_done(st);
	if (rc != SQLITE_ROW)
		return sq_stmt_fail(s, id, cause);
	return STORE_OK;
}

int sq_exec(struct sq *s, const char *sql, const char *what, char **cause)
{
	char *err = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		set_cause(cause, "%s: %s", what, err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return (rc & 0xff) == SQLITE_FULL ? STORE_FULL : STORE_ERROR;
	}
	return STORE_OK;
}

void sq_rollback(struct sq *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int migrate_steps(struct sq *s, int latest, char **cause);

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
	/* A step may re-create a table (7 -> 8): with foreign keys on, dropping it would
	 * delete the rows that reference it. The pragma is a no-op inside a transaction,
	 * so it is set before; foreign_key_check vouches for the result before COMMIT. */
	if (sq_exec(s, "PRAGMA foreign_keys = OFF", "disabling foreign keys", cause) < 0)
		return STORE_ERROR;
	int rc = migrate_steps(s, latest, cause);
	if (sq_exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", rc < 0 ? NULL : cause) <
	    0)
		rc = STORE_ERROR;
	return rc;
}

static int count_row(void *arg, int ncol, char **vals, char **names)
{
	(void)ncol, (void)vals, (void)names;
	(*(int *)arg)++;
	return 0;
}

/* The schema steps from the file's version to `latest`, in one write transaction. */
static int migrate_steps(struct sq *s, int latest, char **cause)
{
	sqlite3_stmt *stmt = NULL;
	int version = 0;
	if (sq_exec(s, "BEGIN IMMEDIATE", "starting the schema upgrade", cause) < 0)
		return STORE_ERROR;
	/* Re-read under the write lock: another process may have migrated meanwhile. */
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK) {
		sq_rollback(s);
		return fail(s, "reading the schema version", cause);
	}
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	for (int v = version; v < latest; v++) {
		if (sq_exec(s, migrations[v], "upgrading the schema", cause) < 0) {
			sq_rollback(s);
			return STORE_ERROR;
		}
	}
	int broken = 0;
	if (sqlite3_exec(s->db, "PRAGMA foreign_key_check", count_row, &broken, NULL) !=
	        SQLITE_OK ||
	    broken > 0) {
		set_cause(cause, "upgrading the schema: %d rows lost their conversation or account",
		          broken);
		sq_rollback(s);
		return STORE_ERROR;
	}
	/* PRAGMA takes no bound parameters; the value is our own integer. */
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", latest);
	if (sq_exec(s, pragma, "recording the schema version", cause) < 0 ||
	    sq_exec(s, "COMMIT", "committing the schema upgrade", cause) < 0) {
		sq_rollback(s);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void sq_close(void *h)
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
	if (sq_exec(s, "PRAGMA journal_mode = WAL", "switching to WAL", cause) < 0 ||
	    sq_exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", cause) < 0 ||
	    sq_exec(s, "PRAGMA synchronous = NORMAL", "setting synchronous", cause) < 0 ||
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

const char *sq_where(void *h)
{
	return ((struct sq *)h)->path;
}

int sq_destroy(void *h, char **cause)
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
