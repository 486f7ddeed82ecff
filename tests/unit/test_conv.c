/*
 * Unit tests for the conversation's own invariants (conv.h): the functions
 * that change msgs[] bump the epoch, and conv_in_context decides what the
 * request builder sends.
 */
#include "jarvis/conv.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/gemini_request.h"
#include "unit.h"

START_TEST(removing_or_truncating_bumps_the_epoch)
{
	struct conv *c = conv_new();
	struct msg *a = conv_add(c, ROLE_USER, "a");
	struct msg *b = conv_add(c, ROLE_MODEL, "b");
	conv_add(c, ROLE_USER, "c");
	unsigned e = c->epoch;
	ck_assert(conv_remove(c, b));
	ck_assert_uint_gt(c->epoch, e);
	ck_assert_uint_eq(c->n, 2);
	ck_assert_ptr_eq(c->msgs[0], a);
	e = c->epoch;
	conv_truncate(c, 1);
	ck_assert_uint_gt(c->epoch, e);
	ck_assert_uint_eq(c->n, 1);
	e = c->epoch;
	conv_truncate(c, 5); /* nothing to drop: nothing freed, no bump */
	ck_assert_uint_eq(c->epoch, e);
	struct msg **older = malloc(2 * sizeof *older);
	older[0] = msg_new(ROLE_USER, "x");
	older[1] = msg_new(ROLE_MODEL, "y");
	conv_prepend(c, older, 2);
	free(older);
	ck_assert_uint_eq(c->n, 3);
	ck_assert_str_eq(c->msgs[0]->text.data, "x");
	ck_assert_ptr_eq(c->msgs[2], a);
	ck_assert_uint_eq(conv_index(c, a), 2);
	unsigned g = a->generation;
	msg_append(a, "!", 1, NULL, 0);
	ck_assert_str_eq(a->text.data, "a!");
	ck_assert_uint_gt(a->generation, g);
	conv_free(c);
}
END_TEST

/*
 * Issue 9, bug 3: after a failed answer to question A, the next request
 * must carry only question B, not A and B run together as one user turn.
 */
START_TEST(a_failed_question_is_not_sent_again)
{
	struct conv *c = conv_new();
	conv_add(c, ROLE_USER, "question A");
	struct msg *failed = conv_add(c, ROLE_MODEL, NULL);
	failed->status = MSG_ERROR;
	conv_add(c, ROLE_NOTICE, "gemini: 400 bad request");
	conv_add(c, ROLE_USER, "question B");
	ck_assert(!conv_in_context(c, 0));
	ck_assert(!conv_in_context(c, 1));
	ck_assert(!conv_in_context(c, 2));
	ck_assert(conv_in_context(c, 3));
	char *cause = NULL;
	char *body = gemini_request_json(c, NULL, &cause);
	ck_assert_msg(body != NULL, "%s", cause);
	ck_assert_ptr_null(strstr(body, "question A"));
	ck_assert_ptr_nonnull(strstr(body, "question B"));
	free(body);
	conv_free(c);
}
END_TEST

/* Issue 9, bug 4: an answer /retry replaced is neither context nor shown again. */
START_TEST(a_replaced_answer_is_not_context)
{
	struct conv *c = conv_new();
	conv_add(c, ROLE_USER, "q");
	struct msg *old = conv_add(c, ROLE_MODEL, "old answer");
	old->status = MSG_REPLACED;
	conv_add(c, ROLE_MODEL, "new answer");
	conv_add(c, ROLE_USER, "next");
	ck_assert(conv_in_context(c, 0));
	ck_assert(!conv_in_context(c, 1));
	ck_assert(conv_in_context(c, 2));
	char *body = gemini_request_json(c, NULL, NULL);
	ck_assert_ptr_null(strstr(body, "old answer"));
	ck_assert_ptr_nonnull(strstr(body, "new answer"));
	free(body);
	enum msg_status st;
	ck_assert_int_eq(msg_status_parse("replaced", &st), 0);
	ck_assert_int_eq(st, MSG_REPLACED);
	conv_free(c);
}
END_TEST

START_TEST(a_clone_has_every_field_and_owns_its_copies)
{
	struct msg *m = msg_new(ROLE_MODEL, "answer");
	buf_addstr(&m->thoughts, "thought");
	buf_addstr(&m->parts, "[{}]");
	struct image img = {.name = "a.png", .mime = "image/png", .size = 3, .data_uri = "data:,x"};
	msg_add_image(m, &img);
	m->id = xstrdup("7");
	m->seq = 4;
	m->model = xstrdup("gemini-x");
	m->thinking = xstrdup("high");
	m->status = MSG_INTERRUPTED;
	m->finish_reason = xstrdup("STOP");
	m->usage = (struct usage){
	    .prompt_tokens = 1, .candidates_tokens = 2, .thoughts_tokens = 3, .total_tokens = 6};
	m->feedback = -1;
	m->created_ms = 1234;
	struct msg *c = msg_clone(m);
	ck_assert_int_eq(c->role, ROLE_MODEL);
	ck_assert_str_eq(c->text.data, "answer");
	ck_assert_str_eq(c->thoughts.data, "thought");
	ck_assert_str_eq(c->parts.data, "[{}]");
	ck_assert_uint_eq(c->nimages, 1);
	ck_assert_str_eq(c->images[0].name, "a.png");
	ck_assert_ptr_ne(c->images, m->images);
	ck_assert_str_eq(c->id, "7");
	ck_assert_ptr_ne(c->id, m->id);
	ck_assert_int_eq(c->seq, 4);
	ck_assert_str_eq(c->model, "gemini-x");
	ck_assert_str_eq(c->thinking, "high");
	ck_assert_int_eq(c->status, MSG_INTERRUPTED);
	ck_assert_str_eq(c->finish_reason, "STOP");
	ck_assert_int_eq(c->usage.total_tokens, 6);
	ck_assert_int_eq(c->feedback, -1);
	ck_assert_int_eq(c->created_ms, 1234);
	ck_assert_uint_eq(c->text.max, MSG_TEXT_MAX);
	msg_free(m); /* the clone keeps its own copies */
	buf_addstr(&c->text, "!");
	ck_assert_str_eq(c->text.data, "answer!");
	msg_free(c);
}
END_TEST

START_TEST(a_fork_names_its_original)
{
	char *s = conv_fork_label("Plans", "12", 2);
	ck_assert_str_eq(s, "↳ fork of «Plans» at question 2");
	free(s);
	s = conv_fork_label("", "12", 1);
	ck_assert_str_eq(s, "↳ fork of «untitled» at question 1");
	free(s);
	/* The original is not listed (or was deleted): its id stands in. */
	s = conv_fork_label(NULL, "6751aa", 3);
	ck_assert_str_eq(s, "↳ fork of conversation 6751aa at question 3");
	free(s);
	struct conv *c = conv_new();
	c->forked_from = xstrdup("12"); /* freed with it */
	conv_free(c);
}
END_TEST

/* A wrong conversation argument says which kind of wrong, and where the right ones are. */
START_TEST(a_missing_conversation_says_what_was_wrong)
{
	ck_assert(conv_id_shaped("12"));
	ck_assert(conv_id_shaped("6751aa0123456789abcdef01"));
	ck_assert(!conv_id_shaped("abc"));
	ck_assert(!conv_id_shaped(""));
	ck_assert(!conv_id_shaped("12a"));
	char *s = conv_missing_text("abc", true, "/convs or F3 lists them");
	ck_assert_str_eq(s, "\"abc\" is not a conversation number or id; /convs or F3 lists them");
	free(s);
	s = conv_missing_text("99", true, "/convs or F3 lists them");
	ck_assert_str_eq(s, "there is no conversation 99 (neither a list number nor an id of "
	                    "yours); /convs or F3 lists them");
	free(s);
	s = conv_missing_text("abc", false, "jarvis --convs lists them");
	ck_assert_str_eq(s, "\"abc\" is not a conversation id; jarvis --convs lists them");
	free(s);
	s = conv_missing_text("999", false, "jarvis --convs lists them");
	ck_assert_str_eq(s, "there is no conversation 999 among yours; jarvis --convs lists them");
	free(s);
	s = conv_missing_text("a long pasted line that is certainly not an id at all, no", true,
	                      "x");
	ck_assert_ptr_nonnull(strstr(s, "certainly not…\" is not"));
	free(s);
}
END_TEST

static Suite *conv_suite(void)
{
	Suite *s = suite_create("conv");
	TCase *tc = tcase_create("conv");
	tcase_add_test(tc, removing_or_truncating_bumps_the_epoch);
	tcase_add_test(tc, a_failed_question_is_not_sent_again);
	tcase_add_test(tc, a_replaced_answer_is_not_context);
	tcase_add_test(tc, a_clone_has_every_field_and_owns_its_copies);
	tcase_add_test(tc, a_fork_names_its_original);
	tcase_add_test(tc, a_missing_conversation_says_what_was_wrong);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(conv_suite)
