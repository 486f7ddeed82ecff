/*
 * Unit tests for the streamed-event fast path: it must fold every event
 * exactly as the full parser does (tests/support/reply_twin.h): every
 * event of every recorded stream, hand-made edge cases, and many random
 * mutations of typical events; and it must take the common shape itself.
 */
#include "jarvis/gemini_reply.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/gemini_reply_internal.h"
#include "../support/reply_twin.h"
#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "unit.h"

#define FIXTURES "tests/fixtures/gemini"

static void check_event(struct reply_twin *t, const char *name, const char *json, size_t len)
{
	const char *differs = reply_twin_event(t, json, len);
	ck_assert_msg(differs == NULL, "%s: the fast path's %s differs on %.*s", name, differs,
	              (int)(len < 300 ? len : 300), json);
}

/* Every data: line of one recorded stream, in order, into one twin. */
static size_t check_stream_file(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s/%s", FIXTURES, dir, file);
	char *body = unit_slurp(path, NULL);
	struct reply_twin t;
	reply_twin_init(&t);
	size_t events = 0;
	for (char *line = body; line && *line;) {
		char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n > 6 && strncmp(line, "data: ", 6) == 0) {
			check_event(&t, path, line + 6, n - 6);
			events++;
		}
		line = end ? end + 1 : NULL;
	}
	reply_twin_release(&t);
	free(body);
	free(path);
	return events;
}

START_TEST(every_recorded_event_folds_as_the_full_parser_does)
{
	const char *dirs[] = {"googleai", "vertexai", "generative-ai-js"};
	size_t events = 0;
	for (size_t i = 0; i < 3; i++) {
		char *d = xasprintf("%s/%s", FIXTURES, dirs[i]);
		DIR *dir = opendir(d);
		ck_assert_msg(dir != NULL, "cannot open %s", d);
		struct dirent *e;
		while ((e = readdir(dir)) != NULL)
			if (strstr(e->d_name, ".txt") != NULL)
				events += check_stream_file(dirs[i], e->d_name);
		closedir(dir);
		free(d);
	}
	ck_assert_uint_ge(events, 130);
}
END_TEST

/* Typical events and awkward ones, each folded into a fresh twin and then in sequence. */
static const char *const cases[] = {
    "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hello\"}],\"role\": "
    "\"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 7,"
    "\"totalTokenCount\": 7,\"promptTokensDetails\": [{\"modality\": \"TEXT\","
    "\"tokenCount\": 7}]},\"modelVersion\": \"gemini-3.5-flash\",\"responseId\": \"r1\"}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" w\\u00f6rld \\ud83d\\ude00\\n\"}],"
    "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
    "{\"promptTokenCount\":7,\"candidatesTokenCount\":3,\"totalTokenCount\":10},"
    "\"modelVersion\":\"gemini-3.5-flash\",\"responseId\":\"r1\"}",
    "  {\n\t\"candidates\" : [ { \"content\" : { \"parts\" : [ { \"text\" : \"spaced\" } ] } } ] "
    "}  \n",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\\u0000b\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"esc \\\"q\\\" \\\\ \\/\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":\"MAX_TOKENS\"}]}",
    "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"finishMessage\":\"it \\\"stopped\\\"\"}]}",
    "{\"candidates\":[]}",
    "{}",
    "{\"usageMetadata\":{}}",
    "{\"usageMetadata\":{\"promptTokenCount\":1.5}}",
    "{\"usageMetadata\":{\"promptTokenCount\":-3,\"totalTokenCount\":2}}",
    "{\"usageMetadata\":{\"promptTokenCount\":4,\"promptTokenCount\":5}}",
    "{\"usageMetadata\":[]}",
    "{\"modelVersion\":\"gemini\\u002d3\"}",
    "{\"modelVersion\":7}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"one\"},{\"text\":\"two\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"t\",\"thought\":true}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"s\",\"thoughtSignature\":\"c2ln\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"groundingMetadata\":"
    "{\"webSearchQueries\":[\"q\"]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"first\"}]}},{\"content\":"
    "{\"parts\":[{\"text\":\"second\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"dup\"}]}}],\"candidates\":[]}",
    "{\"candidates\":{\"content\":1}}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"t\"}]}}]} trailing",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"cut",
    "{\"error\":{\"code\":429,\"message\":\"slow down\",\"status\":\"RESOURCE_EXHAUSTED\"}}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lone \\ud800\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"tab\there\"}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"citationMetadata\":"
    "{\"citationSources\":[{\"startIndex\":0,\"endIndex\":1,\"uri\":\"u\"}]}}]}",
    "[1]",
    "\"text\"",
    "",
    /* After "gemini-3.5-flash": a value that starts the same, one that goes on, one escaped. */
    "{\"modelVersion\":\"gemini-3.5\",\"responseId\":\"r1\"}",
    "{\"modelVersion\":\"gemini-3.5-flash-lite\",\"responseId\":\"r\\\\1\"}",
    "{\"modelVersion\":\"gemini-3.5-flash-lite\",\"responseId\":\"r\\\\1\"}",
    "{\"modelVersion\":\"gemini-3.5-flash\\u002dlite\",\"responseId\":\"r1\"}",
    /* Every count, in another order, among keys that are none. */
    "{\"usageMetadata\":{\"cachedContentTokenCount\":2,\"trafficType\":\"ON_DEMAND\","
    "\"thoughtsTokenCount\":30,\"totalTokenCount\":47,\"candidatesTokenCount\":5,"
    "\"promptTokenCount\":12,\"promptTokenCounts\":1,\"TokenCount\":[]}}",
    "{\"usageMetadata\":{\"thoughtsTokenCount\":3,\"thoughtsTokenCount\":4}}",
    "{\"usageMetadata\":{\"cachedContentTokenCount\":1,\"cachedContentTokenCount\":1}}",
    "{\"usageMetadata\":{\"candidatesTokenCount\":\"5\"}}",
};

START_TEST(edge_cases_fold_as_the_full_parser_does)
{
	size_t n = sizeof cases / sizeof cases[0];
	struct reply_twin seq;
	reply_twin_init(&seq);
	for (size_t i = 0; i < n; i++) {
		struct reply_twin one;
		reply_twin_init(&one);
		check_event(&one, "fresh", cases[i], strlen(cases[i]));
		reply_twin_release(&one);
		check_event(&seq, "in sequence", cases[i], strlen(cases[i]));
	}
	reply_twin_release(&seq);
}
END_TEST

START_TEST(the_common_shape_is_read_right)
{
	struct gemini_reply r;
	gemini_reply_init(&r);
	struct gemini_delta d;
	char *cause = NULL;
	ck_assert_int_eq(gemini_reply_event(&r, cases[0], strlen(cases[0]), &d, &cause), 0);
	ck_assert_int_eq(gemini_reply_event(&r, cases[1], strlen(cases[1]), &d, &cause), 0);
	ck_assert_str_eq(r.text.data, "Hello w\xc3\xb6rld \xf0\x9f\x98\x80\n");
	ck_assert_uint_eq(d.text_len, strlen(" w\xc3\xb6rld \xf0\x9f\x98\x80\n"));
	ck_assert_str_eq(r.finish_reason, "STOP");
	ck_assert_str_eq(r.model_version, "gemini-3.5-flash");
	ck_assert_str_eq(r.response_id, "r1");
	ck_assert(r.has_usage);
	ck_assert_int_eq(r.usage.prompt_tokens, 7);
	ck_assert_int_eq(r.usage.candidates_tokens, 3);
	ck_assert_int_eq(r.usage.total_tokens, 10);
	ck_assert_uint_eq(r.events, 2);
	ck_assert_int_eq(gemini_reply_outcome(&r), GEMINI_COMPLETE);
	size_t every = sizeof cases / sizeof cases[0] - 4;
	ck_assert_int_eq(gemini_reply_event(&r, cases[every], strlen(cases[every]), &d, &cause), 0);
	ck_assert_int_eq(r.usage.prompt_tokens, 12);
	ck_assert_int_eq(r.usage.candidates_tokens, 5);
	ck_assert_int_eq(r.usage.thoughts_tokens, 30);
	ck_assert_int_eq(r.usage.total_tokens, 47);
	ck_assert_int_eq(r.usage.cached_tokens, 2);
	ck_assert_ptr_null(gemini_reply_parts(&r, r.text.data, r.text.len));
	gemini_reply_release(&r);
}
END_TEST

/* Which events the fast path takes itself (1) and which it hands on (0). */
START_TEST(the_fast_path_takes_the_plain_shape_and_only_that)
{
	static const int taken[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	                            1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0};
	ck_assert_uint_eq(sizeof taken / sizeof taken[0], sizeof cases / sizeof cases[0]);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct gemini_reply r;
		gemini_reply_init(&r);
		char *cause = NULL;
		int rc = gemini_reply_event_fast(&r, cases[i], strlen(cases[i]), &cause);
		ck_assert_msg(rc == taken[i], "case %zu (%s): fast path gave %d", i, cases[i], rc);
		ck_assert_uint_eq(r.events, (size_t)taken[i]);
		free(cause);
		gemini_reply_release(&r);
	}
}
END_TEST

/* A small fixed PRNG: the same mutations on every run. */
static unsigned long next_rand(unsigned long *state)
{
	*state = *state * 6364136223846793005UL + 1442695040888963407UL;
	return *state >> 33;
}

/* seed with one to four bytes replaced, deleted or inserted at random. */
static struct buf mutated(const char *seed, unsigned long *state)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefnrtlsxe. \n-+";
	struct buf b;
	buf_init(&b, 0);
	buf_addstr(&b, seed);
	int edits = 1 + (int)(next_rand(state) % 4);
	for (int k = 0; k < edits && b.len > 0; k++) {
		size_t at = next_rand(state) % b.len;
		char c = alphabet[next_rand(state) % (sizeof alphabet - 1)];
		switch (next_rand(state) % 3) {
		case 0: /* replace */
			b.data[at] = c;
			break;
		case 1: /* delete */
			memmove(b.data + at, b.data + at + 1, b.len - at);
			b.len--;
			break;
		default: { /* insert */
			char one[2] = {c, '\0'};
			struct buf nb;
			buf_init(&nb, 0);
			buf_add(&nb, b.data, at);
			buf_addstr(&nb, one);
			buf_add(&nb, b.data + at, b.len - at);
			buf_release(&b);
			b = nb;
		}
		}
	}
	return b;
}

START_TEST(random_mutations_fold_as_the_full_parser_does)
{
	unsigned long state = 20261202;
	for (int round = 0; round < 20000; round++) {
		struct buf b = mutated(cases[next_rand(&state) % 7], &state);
		struct reply_twin t;
		reply_twin_init(&t);
		check_event(&t, "mutated", b.data, b.len);
		reply_twin_release(&t);
		buf_release(&b);
	}
}
END_TEST

/*
 * The fast path reads an event that is the last one but for its text and
 * counts by comparing the two (its memo): each mutation of an event, right
 * after the event itself or after another mutation, folds in one long
 * reply as the full parser folds it.
 */
START_TEST(mutations_in_sequence_fold_as_the_full_parser_does)
{
	unsigned long state = 20261206;
	struct reply_twin t;
	reply_twin_init(&t);
	for (int round = 0; round < 20000; round++) {
		const char *seed = cases[next_rand(&state) % 7];
		if (next_rand(&state) % 2 == 0)
			check_event(&t, "a seed", seed, strlen(seed));
		struct buf b = mutated(seed, &state);
		check_event(&t, "mutated after it", b.data, b.len);
		buf_release(&b);
	}
	reply_twin_release(&t);
}
END_TEST

/* What an event like the last one must still change, and what another between them changed. */
START_TEST(an_event_like_the_last_folds_as_the_full_parser_does)
{
	static const char *const runs[][4] = {
	    /* Counts of other lengths; a count left out, then one more. */
	    {"{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
	     "\"a\"}]}}],\"usageMetadata\": "
	     "{\"promptTokenCount\": 8,\"totalTokenCount\": 9}}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
	     "\"bb\"}]}}],\"usageMetadata\": "
	     "{\"promptTokenCount\": 80,\"totalTokenCount\": 123456789012345}}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
	     "\"c\"}]}}],\"usageMetadata\": "
	     "{\"promptTokenCount\": 0,\"totalTokenCount\": 1234567890123456}}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
	     "\"d\"}]}}],\"usageMetadata\": "
	     "{\"promptTokenCount\": 08,\"totalTokenCount\": 1.5}}"},
	    /* Another value after the text; then the first again. */
	    {"{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}],\"modelVersion\": "
	     "\"m1\",\"responseId\": \"r1\"}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}],\"modelVersion\": "
	     "\"m2\",\"responseId\": \"r1\"}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}],\"modelVersion\": "
	     "\"m1\",\"responseId\": \"r1\"}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
	     "\"a\\\"}]}}],\"modelVersion\": "
	     "\"m1\",\"responseId\": \"r1\"}"},
	    /* An event without text, or one the full parser reads, between two alike. */
	    {"{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]},\"finishReason\": "
	     "\"STOP\"}],\"modelVersion\": \"m1\"}",
	     "{\"candidates\": [{\"finishReason\": \"SAFETY\"}],\"modelVersion\": \"m3\"}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"b\"}]},\"finishReason\": "
	     "\"STOP\"}],\"modelVersion\": \"m1\"}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"t\",\"thought\": true}]},"
	     "\"finishReason\": \"MAX_TOKENS\"}],\"modelVersion\": \"m2\"}"},
	    /* The text cut short, or followed by more than the last one had. */
	    {"{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}]}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}]}}",
	     "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"},{\"text\": "
	     "\"b\"}]}}]}"},
	};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct reply_twin t;
		reply_twin_init(&t);
		for (size_t k = 0; k < 4; k++) {
			check_event(&t, "a run", runs[i][k], strlen(runs[i][k]));
			/* And after the one before it too, and again. */
			check_event(&t, "a run, again", runs[i][k], strlen(runs[i][k]));
			if (k > 0)
				check_event(&t, "the one before", runs[i][k - 1],
				            strlen(runs[i][k - 1]));
		}
		reply_twin_release(&t);
	}
	/* The usual stream is read from the memo, not planned again: it still counts right. */
	struct gemini_reply r;
	gemini_reply_init(&r);
	char *cause = NULL;
	for (int k = 0; k < 3; k++) {
		char *ev = xasprintf(
		    "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"%d\\n\"}]}}],"
		    "\"usageMetadata\": {\"promptTokenCount\": 8,\"totalTokenCount\": %d}}",
		    k, 9 + 100 * k);
		ck_assert_int_eq(gemini_reply_event_fast(&r, ev, strlen(ev), &cause), 1);
		free(ev);
	}
	ck_assert_str_eq(r.text.data, "0\n1\n2\n");
	ck_assert_uint_eq(r.events, 3);
	ck_assert_int_eq(r.usage.prompt_tokens, 8);
	ck_assert_int_eq(r.usage.total_tokens, 209);
	ck_assert_ptr_nonnull(r.fast_memo);
	gemini_reply_release(&r);
}
END_TEST

/* At a lowered bound on the answer, an event that would pass it folds as in full. */
START_TEST(the_answers_bound_folds_as_the_full_parser_does)
{
	for (size_t max = 1; max < 40; max++) {
		struct reply_twin t;
		reply_twin_init(&t);
		t.fast.text.max = t.full.text.max = max;
		for (size_t i = 0; i < 3; i++) {
			char *name = xasprintf("bound %zu, event %zu", max, i);
			check_event(&t, name, cases[i], strlen(cases[i]));
			free(name);
		}
		reply_twin_release(&t);
	}
}
END_TEST

/* An event is its len bytes: what follows them in memory (the next event) is not read. */
START_TEST(an_event_is_read_within_its_length)
{
	struct buf two;
	buf_init(&two, 0);
	buf_addstr(&two, cases[0]);
	size_t first = two.len;
	buf_addstr(&two, "{\"candidates\":[{\"finishReason\":\"SAFETY\"}]}");
	struct reply_twin t;
	reply_twin_init(&t);
	check_event(&t, "cut from a longer text", two.data, first);
	reply_twin_release(&t);
	struct gemini_reply r;
	gemini_reply_init(&r);
	char *cause = NULL;
	ck_assert_int_eq(gemini_reply_event_fast(&r, two.data, first, &cause), 1);
	ck_assert_str_eq(r.text.data, "Hello");
	ck_assert_ptr_null(r.finish_reason);
	ck_assert_str_eq(r.response_id, "r1");
	/* Cut inside its last string: refused, not read on into the next event. */
	ck_assert_int_eq(gemini_reply_event_fast(&r, two.data, first - 3, &cause), 0);
	ck_assert_str_eq(r.text.data, "Hello");
	gemini_reply_release(&r);
	buf_release(&two);
}
END_TEST

static Suite *fast_suite(void)
{
	Suite *s = suite_create("gemini_event_fast");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_recorded_event_folds_as_the_full_parser_does);
	tcase_add_test(tc, edge_cases_fold_as_the_full_parser_does);
	tcase_add_test(tc, the_common_shape_is_read_right);
	tcase_add_test(tc, the_fast_path_takes_the_plain_shape_and_only_that);
	tcase_add_test(tc, random_mutations_fold_as_the_full_parser_does);
	tcase_add_test(tc, mutations_in_sequence_fold_as_the_full_parser_does);
	tcase_add_test(tc, an_event_like_the_last_folds_as_the_full_parser_does);
	tcase_add_test(tc, the_answers_bound_folds_as_the_full_parser_does);
	tcase_add_test(tc, an_event_is_read_within_its_length);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fast_suite)
