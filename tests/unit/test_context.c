/*
 * Unit tests for context.c and the trim of conv.c: the context in tokens
 * follows the API's counts where they exist and guesses from bytes where
 * they do not, /trim leaves the oldest turns out of the request (and stays
 * in step when messages come and go), the fewest turns to trim is found,
 * counts read short, and the model list brings its input limit.
 */
#include "jarvis/context.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jarvis/conv.h"
#include "jarvis/gemini_reply.h"
#include "jarvis/gemini_request.h"
#include "jarvis/models.h"
#include "unit.h"

static struct msg *answer(struct conv *c, const char *text, long prompt, long candidates)
{
	struct msg *m = conv_add(c, ROLE_MODEL, text);
	m->usage.prompt_tokens = prompt;
	m->usage.candidates_tokens = candidates;
	return m;
}

/* Three turns as the API counted them: each question's share is what the count grew by. */
static struct conv *three_turns(void)
{
	struct conv *c = conv_new();
	conv_add(c, ROLE_USER, "first question");
	answer(c, "first answer", 1000, 200);
	conv_add(c, ROLE_NOTICE, "a notice is never sent");
	conv_add(c, ROLE_USER, "second question");
	answer(c, "second answer", 1500, 300);
	conv_add(c, ROLE_USER, "third question");
	answer(c, "third answer", 2100, 400);
	return c;
}

START_TEST(tokens_follow_the_api_counts)
{
	struct conv *c = three_turns();
	/* The last prompt and its answer: everything the next request carries. */
	ck_assert_int_eq(context_tokens(c, NULL), 2100 + 400);
	long cached;
	c->msgs[c->n - 1]->usage.cached_tokens = 900;
	ck_assert_int_eq(context_last_prompt(c, &cached), 2100);
	ck_assert_int_eq(cached, 900);
	/* An answer with no count (a guest's old store, a cut stream) is guessed at. */
	struct conv *g = conv_new();
	conv_add(g, ROLE_USER, "12345678");      /* 8 bytes: 2 tokens */
	conv_add(g, ROLE_MODEL, "123456789012"); /* 12 bytes: 3 tokens */
	struct msg *q = conv_add(g, ROLE_USER, "q");
	struct image img = {.name = "a.png", .mime = "image/png", .size = 3, .data_uri = "d"};
	msg_add_image(q, &img);
	ck_assert_int_eq(context_tokens(g, "1234"), 1 + 2 + 3 + 1 + CONTEXT_IMAGE_TOKENS);
	ck_assert_int_eq(context_last_prompt(g, NULL), 0);
	conv_free(g);
	conv_free(c);
}
END_TEST

START_TEST(trim_leaves_the_oldest_turns_out_of_the_request)
{
	struct conv *c = three_turns();
	ck_assert_uint_eq(conv_turns(c), 3);
	ck_assert_uint_eq(conv_trim(c, 1), 3); /* the first question, its answer, the notice */
	ck_assert_uint_eq(conv_trimmed_turns(c), 1);
	ck_assert(!conv_in_context(c, 0) && !conv_in_context(c, 1));
	ck_assert(conv_in_context(c, 3));
	/* Turn 1 was 1000 + 200 tokens of the 2500. */
	ck_assert_int_eq(context_tokens(c, NULL), 2500 - 1200);
	conv_add(c, ROLE_USER, "fourth");
	char *cause = NULL;
	char *json = gemini_request_json(c, NULL, &cause);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_null(strstr(json, "first"));
	ck_assert_ptr_nonnull(strstr(json, "second question"));
	free(json);
	/* Messages paged in before, or taken out of, the trimmed ones keep it in place. */
	struct msg **older = malloc(2 * sizeof *older);
	older[0] = msg_new(ROLE_USER, "older");
	older[1] = msg_new(ROLE_MODEL, "older answer");
	conv_prepend(c, older, 2);
	free(older);
	ck_assert_uint_eq(c->trim, 5);
	ck_assert(conv_remove(c, c->msgs[0]));
	ck_assert_uint_eq(c->trim, 4);
	ck_assert(!conv_in_context(c, 0) && conv_in_context(c, 4));
	/* More turns than there are: every earlier one; 0 puts them back. */
	ck_assert_uint_eq(conv_trim(c, 99), c->n);
	ck_assert_uint_eq(conv_trim(c, 0), 0);
	ck_assert(conv_in_context(c, 0));
	conv_truncate(c, 1);
	conv_trim(c, 1);
	ck_assert_uint_le(c->trim, c->n);
	conv_clear(c);
	ck_assert_uint_eq(c->trim, 0);
	conv_free(c);
}
END_TEST

START_TEST(trim_needed_is_the_fewest_turns_that_fit)
{
	struct conv *c = three_turns();
	/* 2500 in context and a question of 100: a limit of 2600 fits as it is. */
	ck_assert_int_eq(context_trim_needed(c, NULL, 100, 2600), 0);
	ck_assert_int_eq(context_trim_needed(c, NULL, 100, 2000), 1); /* 1300 + 100 */
	ck_assert_int_eq(context_trim_needed(c, NULL, 100, 1000), 2);
	ck_assert_int_eq(context_trim_needed(c, NULL, 5000, 1000), -1);
	ck_assert_uint_eq(c->trim, 0); /* the search leaves the conversation as it was */
	conv_trim(c, 2);
	ck_assert_int_eq(context_trim_needed(c, NULL, 100, 2000), 1);
	ck_assert_uint_eq(conv_trimmed_turns(c), 2);
	conv_free(c);
}
END_TEST

START_TEST(counts_read_short)
{
	char b[16];
	context_format(812, b, sizeof b);
	ck_assert_str_eq(b, "812");
	context_format(41234, b, sizeof b);
	ck_assert_str_eq(b, "41k");
	context_format(1048576, b, sizeof b);
	ck_assert_str_eq(b, "1M");
	context_format(1500000, b, sizeof b);
	ck_assert_str_eq(b, "1.5M");
	context_format(0, b, sizeof b);
	ck_assert_str_eq(b, "0");
}
END_TEST

START_TEST(model_list_brings_the_input_limit)
{
	struct model_list list;
	models_init(&list);
	ck_assert_int_eq(models_find(&list, "gemini-3.5-flash")->input_tokens, 0);
	const char *page = "{\"models\":[{\"name\":\"models/gemini-3.5-flash\",\"inputTokenLimit\":"
	                   "1048576,\"supportedGenerationMethods\":[\"generateContent\"]},"
	                   "{\"name\":\"models/odd\",\"inputTokenLimit\":\"many\","
	                   "\"supportedGenerationMethods\":[\"generateContent\"]}]}";
	char *next = NULL, *cause = NULL;
	ck_assert_int_eq(models_merge_remote(&list, page, strlen(page), &next, &cause), 0);
	ck_assert_int_eq(models_find(&list, "gemini-3.5-flash")->input_tokens, 1048576);
	ck_assert_int_eq(models_find(&list, "odd")->input_tokens, 0);
	models_release(&list);
}
END_TEST

/* Cached tokens are read on both event paths: a plain event and one with other parts. */
START_TEST(cached_tokens_are_read_from_usage)
{
	const char *events[] = {
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}],\"role\":\"model\"}}],"
	    "\"usageMetadata\":{\"promptTokenCount\":5000,\"cachedContentTokenCount\":4096}}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\",\"thought\":true}],"
	    "\"role\":\"model\"}}],\"usageMetadata\":{\"promptTokenCount\":5000,"
	    "\"cachedContentTokenCount\":2048}}"};
	long want[] = {4096, 2048};
	for (size_t i = 0; i < 2; i++) {
		struct gemini_reply r;
		gemini_reply_init(&r);
		char *cause = NULL;
		ck_assert_int_eq(gemini_reply_event(&r, events[i], strlen(events[i]), NULL, &cause),
		                 0);
		ck_assert_int_eq(r.usage.prompt_tokens, 5000);
		ck_assert_int_eq(r.usage.cached_tokens, want[i]);
		gemini_reply_release(&r);
	}
}
END_TEST

static Suite *context_suite(void)
{
	Suite *s = suite_create("context");
	TCase *tc = tcase_create("context");
	tcase_add_test(tc, tokens_follow_the_api_counts);
	tcase_add_test(tc, trim_leaves_the_oldest_turns_out_of_the_request);
	tcase_add_test(tc, trim_needed_is_the_fewest_turns_that_fit);
	tcase_add_test(tc, counts_read_short);
	tcase_add_test(tc, model_list_brings_the_input_limit);
	tcase_add_test(tc, cached_tokens_are_read_from_usage);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(context_suite)
