/*
 * mongo.h: what the files of the MongoDB engine (mongo*.c, built into
 * jarvis-mongo.so) share: the handle, the helpers that turn ids, fields
 * and failures between BSON and the store's types, and the operations
 * that mongo.c's engine table points to. Private to those files: no
 * bson_t or mongoc type leaves them.
 */
#ifndef JARVIS_STORE_MONGO_H
#define JARVIS_STORE_MONGO_H

#include <mongoc/mongoc.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "record.h"

/* The server's code for an insert that breaks a unique index. */
#define DUPLICATE_KEY 11000
#define UNAUTHORIZED 13 /* the user's roles do not allow the command */

struct mg {
	mongoc_client_t *client;
	mongoc_database_t *db;
	mongoc_collection_t *users, *convs, *msgs, *sessions, *usage, *fails;
	char *host;   /* for messages: the first host of the URI */
	char *where;  /* "MongoDB at HOST" */
	bool indexed; /* the contract's indexes are made (not yet when opened offline) */
};

/*
 * STORE_OFFLINE when the server could not be reached, so the outbox can
 * keep the write; else STORE_ERROR with the driver's detail for store.c.
 */
int mg_fail(struct mg *g, const bson_error_t *e, char **cause);
/* An id of ours as an ObjectId: -1 when it is not 24 hex digits. */
int mg_oid_parse(const char *s, bson_oid_t *o);
char *mg_oid_str(const bson_oid_t *o);
/* Appends v as a string, or null. */
void mg_put_str(bson_t *b, const char *key, const char *v);
/* A field as a new string; NULL when missing or not a string. */
char *mg_get_str(const bson_t *doc, const char *key);
/* A numeric or date field as an integer; 0 when missing. */
long long mg_get_num(const bson_t *doc, const char *key);
/* An ObjectId field as a new string; NULL when missing. */
char *mg_get_oid(const bson_t *doc, const char *key);
/*
 * Runs a find and copies the first document into *out (initialised only
 * when found). 1 found, 0 none, -1 error.
 */
int mg_find_one(mongoc_collection_t *c, const bson_t *filter, const bson_t *opts, bson_t *out,
                bson_error_t *err);
/* Runs the count command (not countDocuments, which needs aggregate). */
int mg_count(struct mg *g, mongoc_collection_t *c, const bson_t *query, long *count, char **cause);
/* Runs update_one and says whether a document matched: 1, 0, or -1 on error. */
int mg_update_matched(mongoc_collection_t *c, const bson_t *filter, const bson_t *update,
                      bson_error_t *err);
/* Fills a filter {_id: conv, user_id: user}; -1 when either id is malformed. */
int mg_conv_filter(bson_t *f, const char *user_id, const char *conv_id);

/* The engine's operations (see struct store_engine): in mongo.c ... */
const char *mg_where(void *h);
char *mg_new_id(void *h);
int mg_ping(void *h, char **cause);
void mg_close(void *h);
int mg_destroy(void *h, char **cause);

/* ... in mongo_accounts.c ... */
int mg_user_create(void *h, const char *name, const char *email, const char *hash,
                   const char *vault, long long now, char **id_out, char **cause);
int mg_user_find(void *h, int by_email, const char *key, struct store_user **out, char **cause);
int mg_user_set_secret(void *h, const char *id, const char *hash, const char *vault, char **cause);
int mg_session_add(void *h, const char *jti, const char *user_id, long long expires, char **cause);
int mg_session_get(void *h, const char *jti, struct engine_session *out, char **cause);
int mg_session_revoke(void *h, const char *jti, char **cause);
int mg_fail_reserve(void *h, const char *email, long long at, long long since, long limit,
                    char **cause);
int mg_fail_count(void *h, const char *email, long long since, long *count, char **cause);
int mg_fail_clear(void *h, const char *email, char **cause);
int mg_usage_add(void *h, const char *user_id, const char *model, long long at, const char *id,
                 char **cause);
int mg_usage_count(void *h, const char *user_id, const char *model, long long since, long *count,
                   char **cause);

/* ... in mongo_convs.c ... */
int mg_conv_create(void *h, const char *user_id, const char *title, const char *model,
                   const char *system_prompt, const char *id, long long now, char **id_out,
                   char **cause);
int mg_conv_list(void *h, const char *user_id, size_t offset, size_t limit,
                 struct store_conv_list *out, char **cause);
int mg_conv_get(void *h, const char *user_id, const char *conv_id, struct conv **out, char **cause);
int mg_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                const char *value, char **cause);
int mg_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause);
int mg_conv_fork_mark(void *h, const char *user_id, const char *conv_id, const char *forked_from,
                      long fork_question, char **cause);

/* ... and in mongo_messages.c. */
int mg_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m, const char *id,
                  long long now, const struct rec_sealer *seal, char **cause);
int mg_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                  const struct rec_sealer *seal, char **cause);
int mg_msg_image_set(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                     size_t index, const char *name, const char *data_uri, char **cause);
int mg_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                    int feedback, char **cause);
int mg_msg_page(void *h, const char *user_id, const char *conv_id, long before_seq, size_t limit,
                struct store_msgs *out, char **cause);

#endif
