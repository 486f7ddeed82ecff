/*
 * store_conv_fork (/edit, issue 13), on both engines (MongoDB when
 * JARVIS_TEST_MONGO_URI is set, as in test_store.c): a fork holds a copy of
 * every message before the question it forks at, readable with the data
 * key (each value opened and sealed again for its new place, never copied
 * as ciphertext), with its thoughts, images and feedback; it is marked
 * forked_from and fork_question, which round-trip through the listing and
 * the reading of a conversation; the original stays as it was.
 */
#include "jarvis/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/util.h"
#include "jarvis/vault.h"
#include "store_fixture.h"
#include "unit.h"

static struct msg *put(const char *uid, const char *cid, enum msg_role role, const char *text)
{
	char *cause = NULL;
	struct msg *m = msg_new(role, text);
	ck_assert_msg(store_msg_append(S, uid, cid, m, &cause) == 0, "%s", cause);
	return m;
}

static struct store_msgs all_of(const char *uid, const char *cid)
{
	struct store_msgs v;
	char *cause = NULL;
	ck_assert_msg(store_msg_last(S, uid, cid, 100, &v, &cause) == 0, "%s", cause);
	return v;
}

/*
 * q1 (with an image) a1 (thoughts, liked) q2 a2 (replaced by /retry) a2'
 * q3 a3; returns the conversation and the seq of q2 in *q2_seq.
 */
static char *talk(const char *uid, long *q2_seq)
{
	char *cid = NULL, *cause = NULL;
	ck_assert_msg(store_conv_create(S, uid, "plans", "gemini-x", "be brief", &cid, &cause) == 0,
	              "%s", cause);
	struct msg *m = msg_new(ROLE_USER, "first question");
	struct image img = {.name = "cat.png",
	                    .mime = "image/png",
	                    .size = 3,
	                    .data_uri = "data:image/png;base64,Y2F0"};
	msg_add_image(m, &img);
	ck_assert_msg(store_msg_append(S, uid, cid, m, &cause) == 0, "%s", cause);
	msg_free(m);
	m = msg_new(ROLE_MODEL, "first answer");
	msg_append(m, NULL, 0, "pondering", 9);
	m->feedback = 1;
	m->finish_reason = xstrdup("STOP");
	ck_assert_msg(store_msg_append(S, uid, cid, m, &cause) == 0, "%s", cause);
	msg_free(m);
	m = put(uid, cid, ROLE_USER, "second question");
	*q2_seq = m->seq;
	msg_free(m);
	m = msg_new(ROLE_MODEL, "replaced answer");
	m->status = MSG_REPLACED;
	ck_assert_msg(store_msg_append(S, uid, cid, m, &cause) == 0, "%s", cause);
	msg_free(m);
	msg_free(put(uid, cid, ROLE_MODEL, "second answer"));
	msg_free(put(uid, cid, ROLE_USER, "third question"));
	msg_free(put(uid, cid, ROLE_MODEL, "third answer"));
	return cid;
}

START_TEST(fork_copies_the_messages_before_the_question_sealed_anew)
{
	struct vault *key;
	char *uid = user_with_key(S, "fork@example.org", &key), *cause = NULL;
	long q2;
	char *cid = talk(uid, &q2);
	struct store_msgs before = all_of(uid, cid);

	struct store_fork f;
	ck_assert_msg(store_conv_fork(S, uid, cid, q2, &f, &cause) == 0, "%s", cause);
	ck_assert_ptr_nonnull(f.conv_id);
	ck_assert_str_ne(f.conv_id, cid);
	ck_assert_int_eq(f.question, 2);
	ck_assert_uint_eq(f.tampered, 0);
	ck_assert_uint_eq(f.n, 2);

	struct store_msgs v = all_of(uid, f.conv_id);
	ck_assert_uint_eq(v.n, 2);
	/* Opened with the key: a copied ciphertext would read as tampered here. */
	ck_assert_int_eq(v.items[0]->role, ROLE_USER);
	ck_assert_int_eq(v.items[0]->status, MSG_COMPLETE);
	ck_assert_str_eq(v.items[0]->text.data, "first question");
	ck_assert_uint_eq(v.items[0]->nimages, 1);
	ck_assert_str_eq(v.items[0]->images[0].name, "cat.png");
	ck_assert_str_eq(v.items[0]->images[0].data_uri, "data:image/png;base64,Y2F0");
	ck_assert_str_eq(v.items[1]->text.data, "first answer");
	ck_assert_str_eq(v.items[1]->thoughts.data, "pondering");
	ck_assert_int_eq(v.items[1]->feedback, 1);
	ck_assert_str_eq(v.items[1]->finish_reason, "STOP");
	ck_assert_int_eq(v.items[1]->created_ms, before.items[1]->created_ms);
	/* The record of what went where. */
	for (size_t i = 0; i < f.n; i++) {
		ck_assert_int_eq(f.msgs[i].from_seq, before.items[i]->seq);
		ck_assert_int_eq(f.msgs[i].seq, v.items[i]->seq);
		ck_assert_str_eq(f.msgs[i].id, v.items[i]->id);
		ck_assert_str_ne(f.msgs[i].id, before.items[i]->id);
	}

	/* The fork's title, model and system prompt are the original's; it is marked. */
	struct conv *c = NULL;
	ck_assert_msg(store_conv_get(S, uid, f.conv_id, &c, &cause) == 0, "%s", cause);
	ck_assert_str_eq(c->title, "plans");
	ck_assert_str_eq(c->model, "gemini-x");
	ck_assert_str_eq(c->system_prompt, "be brief");
	ck_assert_str_eq(c->forked_from, cid);
	ck_assert_int_eq(c->fork_question, 2);
	conv_free(c);

	/* The original is whole, and is no fork. */
	struct store_msgs after = all_of(uid, cid);
	ck_assert_uint_eq(after.n, before.n);
	for (size_t i = 0; i < after.n; i++) {
		ck_assert_str_eq(after.items[i]->id, before.items[i]->id);
		ck_assert_str_eq(after.items[i]->text.data, before.items[i]->text.data);
		ck_assert_int_eq(after.items[i]->status, before.items[i]->status);
	}
	ck_assert_msg(store_conv_get(S, uid, cid, &c, &cause) == 0, "%s", cause);
	ck_assert_ptr_null(c->forked_from);
	ck_assert_int_eq(c->fork_question, 0);
	conv_free(c);

	/* The listing says so too. */
	struct store_conv_list l;
	ck_assert_msg(store_conv_list(S, uid, 0, 10, &l, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].id, f.conv_id); /* the newest */
	ck_assert_str_eq(l.items[0].forked_from, cid);
	ck_assert_int_eq(l.items[0].fork_question, 2);
	ck_assert_int_eq(l.items[0].nmessages, 2);
	ck_assert_ptr_null(l.items[1].forked_from);
	ck_assert_int_eq(l.items[1].fork_question, 0);
	store_conv_list_release(&l);

	store_msgs_release(&v), store_msgs_release(&before), store_msgs_release(&after);
	store_fork_release(&f);
	free(uid), free(cid);
	vault_free(key);
}
END_TEST

START_TEST(fork_keeps_replaced_answers_and_forks_at_the_first_question)
{
	struct vault *key;
	char *uid = user_with_key(S, "later@example.org", &key), *cause = NULL;
	long q2;
	char *cid = talk(uid, &q2);
	struct store_msgs before = all_of(uid, cid);
	long q3 = before.items[5]->seq;

	/* At the third question: both turns before it, the replaced answer too. */
	struct store_fork f;
	ck_assert_msg(store_conv_fork(S, uid, cid, q3, &f, &cause) == 0, "%s", cause);
	ck_assert_int_eq(f.question, 3);
	struct store_msgs v = all_of(uid, f.conv_id);
	ck_assert_uint_eq(v.n, 5);
	ck_assert_int_eq(v.items[3]->status, MSG_REPLACED);
	ck_assert_str_eq(v.items[3]->text.data, "replaced answer");
	ck_assert_str_eq(v.items[4]->text.data, "second answer");
	store_msgs_release(&v);
	store_fork_release(&f);

	/* At the first: an empty fork, still marked. */
	ck_assert_msg(store_conv_fork(S, uid, cid, before.items[0]->seq, &f, &cause) == 0, "%s",
	              cause);
	ck_assert_int_eq(f.question, 1);
	ck_assert_uint_eq(f.n, 0);
	v = all_of(uid, f.conv_id);
	ck_assert_uint_eq(v.n, 0);
	struct conv *c = NULL;
	ck_assert_msg(store_conv_get(S, uid, f.conv_id, &c, &cause) == 0, "%s", cause);
	ck_assert_str_eq(c->forked_from, cid);
	ck_assert_int_eq(c->fork_question, 1);
	conv_free(c);
	store_msgs_release(&v);
	store_fork_release(&f);

	/* A fork of a fork links to its own original. */
	ck_assert_msg(store_conv_fork(S, uid, cid, q3, &f, &cause) == 0, "%s", cause);
	struct store_fork g;
	v = all_of(uid, f.conv_id);
	ck_assert_msg(store_conv_fork(S, uid, f.conv_id, v.items[2]->seq, &g, &cause) == 0, "%s",
	              cause);
	ck_assert_int_eq(g.question, 2);
	ck_assert_msg(store_conv_get(S, uid, g.conv_id, &c, &cause) == 0, "%s", cause);
	ck_assert_str_eq(c->forked_from, f.conv_id);
	conv_free(c);
	store_msgs_release(&v);
	store_fork_release(&f);
	store_fork_release(&g);

	store_msgs_release(&before);
	free(uid), free(cid);
	vault_free(key);
}
END_TEST

START_TEST(fork_refuses_what_is_not_a_question_of_yours)
{
	struct vault *key;
	char *uid = user_with_key(S, "refuse@example.org", &key), *cause = NULL;
	long q2;
	char *cid = talk(uid, &q2);
	struct store_fork f;
	struct store_conv_list l;

	/* An answer's seq, one past the end, zero: no such question, nothing made. */
	long bad[] = {q2 + 1, 100, 0, -3};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		ck_assert_int_eq(store_conv_fork(S, uid, cid, bad[i], &f, &cause), STORE_NOTFOUND);
		ck_assert_str_eq(cause, "no such question");
		free(cause), cause = NULL;
		ck_assert_ptr_null(f.conv_id);
	}
	ck_assert_int_eq(store_conv_fork(S, uid, "999999", q2, &f, &cause), STORE_NOTFOUND);
	ck_assert_str_eq(cause, "no such conversation");
	free(cause), cause = NULL;

	/* Another user cannot fork it (nor learn that it exists). */
	struct vault *other;
	char *oid = user_with_key(S, "other@example.org", &other);
	ck_assert_int_eq(store_conv_fork(S, oid, cid, q2, &f, &cause), STORE_NOTFOUND);
	ck_assert_str_eq(cause, "no such conversation");
	free(cause), cause = NULL;
	ck_assert_int_eq(store_conv_list(S, oid, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 0);
	store_conv_list_release(&l);

	store_set_vault(S, uid, key);
	ck_assert_int_eq(store_conv_list(S, uid, 0, 10, &l, &cause), 0);
	ck_assert_uint_eq(l.n, 1);
	store_conv_list_release(&l);
	free(uid), free(cid), free(oid);
	vault_free(key), vault_free(other);
}
END_TEST

/* A file of schema 6 (before forks) is moved forward; its conversations are no forks. */
START_TEST(sqlite_schema_6_gains_the_fork_columns)
{
	char *cause = NULL, *uid = NULL, *cid = NULL;
	ck_assert_int_eq(store_user_create(S, "U", "old@example.org", "$2b$04$x", &uid, &cause), 0);
	ck_assert_int_eq(store_conv_create(S, uid, "old", "m", NULL, &cid, &cause), 0);
	store_close(S);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(PATH_, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
	                              "ALTER TABLE conversations DROP COLUMN forked_from;"
	                              "ALTER TABLE conversations DROP COLUMN fork_question;"
	                              "PRAGMA user_version = 6;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	S = store_open(URI, NULL, NULL, &cause);
	ck_assert_msg(S != NULL, "%s", cause);
	struct conv *c = NULL;
	ck_assert_msg(store_conv_get(S, uid, cid, &c, &cause) == 0, "%s", cause);
	ck_assert_str_eq(c->title, "old");
	ck_assert_ptr_null(c->forked_from);
	conv_free(c);
	msg_free(put(uid, cid, ROLE_USER, "q"));
	struct store_msgs v = all_of(uid, cid);
	struct store_fork f;
	ck_assert_msg(store_conv_fork(S, uid, cid, v.items[0]->seq, &f, &cause) == 0, "%s", cause);
	ck_assert_msg(store_conv_get(S, uid, f.conv_id, &c, &cause) == 0, "%s", cause);
	ck_assert_str_eq(c->forked_from, cid);
	conv_free(c);
	store_fork_release(&f);
	store_msgs_release(&v);
	free(uid), free(cid);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fork_copies_the_messages_before_the_question_sealed_anew);
	tcase_add_test(tc, fork_keeps_replaced_answers_and_forks_at_the_first_question);
	tcase_add_test(tc, fork_refuses_what_is_not_a_question_of_yours);
}

static Suite *fork_suite(void)
{
	TCase *sqlite;
	Suite *s = store_fixture_suite("store_fork", add_tests, &sqlite);
	tcase_add_test(sqlite, sqlite_schema_6_gains_the_fork_columns);
	return s;
}

UNIT_MAIN(fork_suite)
