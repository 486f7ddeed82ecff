/*
 * sqlite_convs.c: the SQLite engine's conversations: create, list, read,
 * set a field, delete (their messages go with them). The statements are
 * named in sqlite.h and written in sqlite.c. Every statement names the
 * user, so no one reaches another's conversation.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite.h"
#include "jarvis/util.h"

/* Ids are rowids made by SQLite: new_id is NULL, so `id` is always NULL here. */
int sq_conv_create(void *h, const char *user_id, const char *title, const char *model,
                   const char *system_prompt, const char *id, long long now, char **id_out,
                   char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (sq_parse_id(user_id, &uid) < 0)
		return ENGINE_NO_ACCOUNT;
	sqlite3_stmt *st = sq_prep(s, ST_CONV_INSERT, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	sq_bind_str(st, 2, title);
	sq_bind_str(st, 3, model);
	sq_bind_str(st, 4, system_prompt);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	int rc = sqlite3_step(st);
	sq_done(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ENGINE_NO_ACCOUNT;
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_CONV_INSERT, cause);
	*id_out = sq_id_str(sqlite3_last_insert_rowid(s->db));
	return STORE_OK;
}

/* A fork's two columns from column i on: its original's id (NULL: not a fork), its question. */
static void fork_columns(sqlite3_stmt *st, int i, char **from, long *question)
{
	*from = sqlite3_column_type(st, i) == SQLITE_NULL ? NULL
	                                                  : sq_id_str(sqlite3_column_int64(st, i));
	*question = *from != NULL ? (long)sqlite3_column_int64(st, i + 1) : 0;
}

int sq_conv_list(void *h, const char *user_id, size_t offset, size_t limit,
                 struct store_conv_list *out, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid;
	if (sq_parse_id(user_id, &uid) < 0)
		return STORE_OK;
	sqlite3_stmt *st = sq_prep(s, ST_CONV_LIST, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, uid);
	sqlite3_bind_int64(st, 2, sq_clamp64(limit));
	sqlite3_bind_int64(st, 3, sq_clamp64(offset));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
		struct store_conv_info *ci = &out->items[out->n++];
		ci->id = sq_id_str(sqlite3_column_int64(st, 0));
		ci->title = sq_col_str(st, 1);
		ci->model = sq_col_str(st, 2);
		ci->created_ms = sqlite3_column_int64(st, 3);
		ci->updated_ms = sqlite3_column_int64(st, 4);
		ci->nmessages = (long)sqlite3_column_int64(st, 5);
		fork_columns(st, 6, &ci->forked_from, &ci->fork_question);
	}
	sq_done(st);
	if (rc != SQLITE_DONE)
		return sq_stmt_fail(s, ST_CONV_LIST, cause);
	return STORE_OK;
}

int sq_conv_get(void *h, const char *user_id, const char *conv_id, struct conv **out, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	sqlite3_stmt *st = sq_prep(s, ST_CONV_GET, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sq_done(st);
		return rc == SQLITE_DONE ? ENGINE_NO_CONV : sq_stmt_fail(s, ST_CONV_GET, cause);
	}
	struct conv *c = conv_new();
	c->id = sq_id_str(sqlite3_column_int64(st, 0));
	c->title = sq_col_str(st, 1);
	c->model = sq_col_str(st, 2);
	c->system_prompt = sq_col_str(st, 3);
	c->created_ms = sqlite3_column_int64(st, 4);
	c->updated_ms = sqlite3_column_int64(st, 5);
	fork_columns(st, 6, &c->forked_from, &c->fork_question);
	sq_done(st);
	*out = c;
	return STORE_OK;
}

int sq_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                const char *value, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	enum stmt id = strcmp(field, "title") == 0   ? ST_CONV_SET_TITLE
	               : strcmp(field, "model") == 0 ? ST_CONV_SET_MODEL
	                                             : ST_CONV_SET_SYSTEM;
	sqlite3_stmt *st = sq_prep(s, id, cause);
	if (st == NULL)
		return STORE_ERROR;
	sq_bind_str(st, 1, value);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_int64(st, 3, uid);
	return sq_run_changing(s, id, ENGINE_NO_CONV, cause);
}

int sq_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0)
		return ENGINE_NO_CONV;
	/* Messages and their images go with it through ON DELETE CASCADE. */
	sqlite3_stmt *st = sq_prep(s, ST_CONV_DELETE, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, uid);
	return sq_run_changing(s, ST_CONV_DELETE, ENGINE_NO_CONV, cause);
}

int sq_conv_fork_mark(void *h, const char *user_id, const char *conv_id, const char *forked_from,
                      long fork_question, char **cause)
{
	struct sq *s = h;
	sqlite3_int64 uid, cid, from;
	if (sq_parse_id(user_id, &uid) < 0 || sq_parse_id(conv_id, &cid) < 0 ||
	    sq_parse_id(forked_from, &from) < 0)
		return ENGINE_NO_CONV;
	sqlite3_stmt *st = sq_prep(s, ST_CONV_SET_FORK, cause);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, fork_question);
	sqlite3_bind_int64(st, 3, cid);
	sqlite3_bind_int64(st, 4, uid);
	return sq_run_changing(s, ST_CONV_SET_FORK, ENGINE_NO_CONV, cause);
}
