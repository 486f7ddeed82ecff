/*
 * Unit tests for the streamed reply parser: every recorded stream under
 * tests/fixtures/gemini, fed whole, a byte at a time and cut in two at
 * every position, must give the same answer, and the answers must be the
 * ones the recordings hold.
 */
#include "jarvis/gemini_reply.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "unit.h"

#define FIXTURES "tests/fixtures/gemini"

struct result {
	int rc;
	char *cause;
	char *text;
	char *thoughts;
	char *delta_text; /* the deltas joined: what a user saw as it streamed */
	char *delta_thoughts;
	char *finish;
	char *block;
	struct usage usage;
	bool has_error;
	long error_code;
	char *error_status;
	enum gemini_outcome outcome;
	size_t other_parts;
};

struct sink {
	struct buf text;
	struct buf thoughts;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int sink_delta(void *ud, const struct gemini_delta *d, char **cause)
{
	struct sink *s = ud;
	buf_add(&s->text, d->text, d->text_len);
	buf_add(&s->thoughts, d->thought, d->thought_len);
	return 0;
}

/* Feeds p[0..n) cut at the given positions (ascending), then finishes. */
static void run(struct result *out, const char *p, size_t n, const size_t *cuts, size_t ncuts)
{
	memset(out, 0, sizeof *out);
	struct sink sink;
	buf_init(&sink.text, 0);
	buf_init(&sink.thoughts, 0);
	struct gemini_parser *gp = gemini_parser_new(GEMINI_EVENT_MAX_BYTES, sink_delta, &sink);
	size_t at = 0;
	out->rc = 0;
	for (size_t i = 0; i <= ncuts && out->rc == 0; i++) {
		size_t to = i < ncuts ? cuts[i] : n;
		out->rc = gemini_parser_feed(gp, p + at, to - at, &out->cause);
		at = to;
	}
	if (out->rc == 0)
		out->rc = gemini_parser_finish(gp, &out->cause);
	struct gemini_reply *r = gemini_parser_reply(gp);
	out->text = xstrdup(r->text.data ? r->text.data : "");
	out->thoughts = xstrdup(r->thoughts.data ? r->thoughts.data : "");
	out->delta_text = buf_steal(&sink.text);
	out->delta_thoughts = buf_steal(&sink.thoughts);
	out->finish = dup_or_null(r->finish_reason);
	out->block = dup_or_null(r->block_reason);
	out->usage = r->usage;
	out->has_error = r->has_error;
	out->error_code = r->error.code;
	out->error_status = dup_or_null(r->error.status);
	out->outcome = gemini_reply_outcome(r);
	out->other_parts = r->other_parts;
	gemini_parser_free(gp);
}

static void run_whole(struct result *out, const char *p, size_t n)
{
	run(out, p, n, NULL, 0);
}

static void run_bytes(struct result *out, const char *p, size_t n)
{
	size_t *cuts = xcalloc(n + 1, sizeof *cuts);
	for (size_t i = 1; i < n; i++)
		cuts[i - 1] = i;
	run(out, p, n, cuts, n > 0 ? n - 1 : 0);
	free(cuts);
}

static void result_free(struct result *r)
{
	free(r->cause);
	free(r->text);
	free(r->thoughts);
	free(r->delta_text);
	free(r->delta_thoughts);
	free(r->finish);
	free(r->block);
	free(r->error_status);
}

static bool str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void assert_same(const char *name, const char *how, const struct result *a,
                        const struct result *b)
{
	ck_assert_msg(a->rc == b->rc, "%s %s: rc %d vs %d (%s)", name, how, a->rc, b->rc,
	              b->cause ? b->cause : "");
	ck_assert_msg(strcmp(a->text, b->text) == 0, "%s %s: text differs", name, how);
	ck_assert_msg(strcmp(a->thoughts, b->thoughts) == 0, "%s %s: thoughts differ", name, how);
	ck_assert_msg(strcmp(a->delta_text, b->delta_text) == 0, "%s %s: deltas differ", name, how);
	ck_assert_msg(str_same(a->finish, b->finish), "%s %s: finish reason differs", name, how);
	ck_assert_msg(str_same(a->block, b->block), "%s %s: block reason differs", name, how);
	ck_assert_msg(memcmp(&a->usage, &b->usage, sizeof a->usage) == 0, "%s %s: usage differs",
	              name, how);
	ck_assert_msg(a->has_error == b->has_error && a->error_code == b->error_code &&
	                  str_same(a->error_status, b->error_status),
	              "%s %s: error differs", name, how);
	ck_assert_msg(a->outcome == b->outcome, "%s %s: outcome differs", name, how);
}

/* Whole, byte by byte, and split in two at every position must agree. */
static void check_cuts(const char *name, const char *p, size_t n)
{
	struct result whole, other;
	run_whole(&whole, p, n);
	/* What was shown while streaming is exactly what is kept. */
	ck_assert_msg(strcmp(whole.text, whole.delta_text) == 0, "%s: deltas lost text", name);
	ck_assert_msg(strcmp(whole.thoughts, whole.delta_thoughts) == 0, "%s: deltas lost thoughts",
	              name);
	run_bytes(&other, p, n);
	assert_same(name, "byte by byte", &whole, &other);
	result_free(&other);
	for (size_t cut = 1; cut < n; cut++) {
		run(&other, p, n, &cut, 1);
		char how[64];
		snprintf(how, sizeof how, "cut at %zu", cut);
		assert_same(name, how, &whole, &other);
		result_free(&other);
	}
	result_free(&whole);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Calls fn for each file in FIXTURES/dir whose name starts with prefix and ends with suffix. */
static size_t each_fixture(const char *dir, const char *prefix, const char *suffix,
                           void (*fn)(const char *path))
{
	char *path = xasprintf("%s/%s", FIXTURES, dir);
	DIR *d = opendir(path);
	ck_assert_msg(d != NULL, "cannot open %s", path);
	struct dirent *de;
	size_t count = 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    !has_suffix(de->d_name, suffix))
			continue;
		char *file = xasprintf("%s/%s", path, de->d_name);
		fn(file);
		free(file);
		count++;
	}
	closedir(d);
	free(path);
	return count;
}

static void check_file(const char *path)
{
	size_t n;
	char *p = unit_slurp(path, &n);
	check_cuts(path, p, n);
	free(p);
}

/* A js-genai recording's streamed responses written back as SSE, one string per interaction. */
static char **render_recording(const char *path, size_t *count)
{
	size_t n;
	char *json = unit_slurp(path, &n);
	cJSON *root = cJSON_ParseWithLength(json, n);
	ck_assert_msg(root != NULL, "%s is not JSON", path);
	char **out = NULL;
	*count = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(root, "interactions"))
	{
		const cJSON *req = cJSON_GetObjectItem(it, "request");
		const cJSON *url = cJSON_GetObjectItem(req, "url");
		if (!cJSON_IsString(url) || strstr(url->valuestring, "alt=sse") == NULL)
			continue;
		const cJSON *resp = cJSON_GetObjectItem(it, "response");
		const cJSON *seg;
		struct buf b;
		buf_init(&b, 0);
		buf_addstr(&b, "");
		cJSON_ArrayForEach(seg, cJSON_GetObjectItem(resp, "bodySegments"))
		{
			char *s = cJSON_PrintUnformatted(seg);
			buf_addf(&b, "data: %s\r\n\r\n", s);
			free(s);
		}
		out = xrealloc(out, (*count + 1) * sizeof *out);
		out[(*count)++] = buf_steal(&b);
	}
	cJSON_Delete(root);
	free(json);
	return out;
}

static void check_recording(const char *path)
{
	size_t count;
	char **streams = render_recording(path, &count);
	for (size_t i = 0; i < count; i++) {
		char *name = xasprintf("%s#%zu", path, i);
		check_cuts(name, streams[i], strlen(streams[i]));
		free(name);
		free(streams[i]);
	}
	free(streams);
}

START_TEST(every_stream_fixture_parses_the_same_however_it_is_cut)
{
	size_t files = 0;
	files += each_fixture("googleai", "streaming-", ".txt", check_file);
	files += each_fixture("vertexai", "streaming-", ".txt", check_file);
	files += each_fixture("generative-ai-js", "", ".txt", check_file);
	files += each_fixture("js-genai-recordings", "", ".json", check_recording);
	ck_assert_uint_eq(files, 37);
}
END_TEST

static void parse_fixture(struct result *out, const char *rel)
{
	char *path = xasprintf("%s/%s", FIXTURES, rel);
	size_t n;
	char *p = unit_slurp(path, &n);
	run_whole(out, p, n);
	ck_assert_msg(out->rc == 0, "%s: %s", rel, out->cause ? out->cause : "");
	free(p);
	free(path);
}

START_TEST(short_reply_text_reason_and_usage)
{
	struct result r;
	parse_fixture(&r, "googleai/streaming-success-basic-reply-short.txt");
	ck_assert_str_eq(r.text, "The capital of Wyoming is **Cheyenne**.\n");
	ck_assert_str_eq(r.thoughts, "");
	ck_assert_str_eq(r.finish, "STOP");
	ck_assert_ptr_null(r.block);
	ck_assert_int_eq(r.usage.prompt_tokens, 7);
	ck_assert_int_eq(r.usage.candidates_tokens, 10);
	ck_assert_int_eq(r.usage.thoughts_tokens, 0);
	ck_assert_int_eq(r.usage.total_tokens, 17);
	ck_assert_int_eq(r.outcome, GEMINI_COMPLETE);
	result_free(&r);
}
END_TEST

START_TEST(long_reply_keeps_words_split_across_events)
{
	struct result r;
	parse_fixture(&r, "googleai/streaming-success-basic-reply-long.txt");
	ck_assert_uint_eq(strlen(r.text), 8845);
	ck_assert_msg(strncmp(r.text, "Okay, let's dive into the world of cats and dogs!", 49) == 0,
	              "start: %.60s", r.text);
	ck_assert(has_suffix(r.text, "training techniques, or health conditions.\n"));
	ck_assert_int_eq(r.usage.candidates_tokens, 1996);
	ck_assert_int_eq(r.usage.total_tokens, 2006);
	ck_assert_int_eq(r.outcome, GEMINI_COMPLETE);
	result_free(&r);
}
END_TEST

START_TEST(thought_summary_is_kept_apart_from_the_answer)
{
	struct result r;
	parse_fixture(&r, "googleai/streaming-success-thinking-reply-thought-summary.txt");
	ck_assert_msg(strncmp(r.thoughts, "**Exploring Sky Color**\n\n", 25) == 0,
	              "thoughts: %.40s", r.thoughts);
	ck_assert_uint_eq(strlen(r.thoughts), 1133);
	ck_assert_msg(strncmp(r.text, "The sky is blue because tiny gas molecules", 42) == 0,
	              "text: %.50s", r.text);
	ck_assert(has_suffix(r.text, " making the sky appear blue to our eyes."));
	ck_assert_uint_eq(strlen(r.text), 263);
	ck_assert_ptr_null(strstr(r.text, "Exploring Sky Color"));
	ck_assert_int_eq(r.usage.thoughts_tokens, 540);
	ck_assert_int_eq(r.usage.total_tokens, 598);
	ck_assert_int_eq(r.outcome, GEMINI_COMPLETE);
	result_free(&r);
}
END_TEST

START_TEST(blocked_prompt_has_a_block_reason_and_no_text)
{
	const char *files[] = {"googleai/streaming-failure-prompt-blocked-safety.txt",
	                       "generative-ai-js/streaming-failure-prompt-blocked-safety.txt"};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		struct result r;
		parse_fixture(&r, files[i]);
		ck_assert_str_eq(r.block, "SAFETY");
		ck_assert_str_eq(r.text, "");
		ck_assert_ptr_null(r.finish);
		ck_assert_int_eq(r.outcome, GEMINI_BLOCKED_PROMPT);
		result_free(&r);
	}
}
END_TEST

START_TEST(recitation_without_content_stops_and_keeps_text)
{
	struct result r;
	parse_fixture(&r, "googleai/streaming-failure-recitation-no-content.txt");
	ck_assert_str_eq(r.text, "text1text2text3text4text5text6text7text8");
	ck_assert_str_eq(r.finish, "RECITATION");
	ck_assert_int_eq(r.usage.candidates_tokens, 261);
	ck_assert_int_eq(r.outcome, GEMINI_STOPPED);
	result_free(&r);
	/* Old style: STOP on every chunk, RECITATION last; the last one wins. */
	parse_fixture(&r, "vertexai/streaming-failure-recitation-no-content.txt");
	ck_assert_str_eq(r.finish, "RECITATION");
	ck_assert_int_eq(r.outcome, GEMINI_STOPPED);
	result_free(&r);
}
END_TEST

START_TEST(safety_finish_reason_stops_the_answer)
{
	struct result r;
	parse_fixture(&r, "vertexai/streaming-failure-finish-reason-safety.txt");
	ck_assert_str_eq(r.text, "<redacted>");
	ck_assert_str_eq(r.finish, "SAFETY");
	ck_assert_int_eq(r.outcome, GEMINI_STOPPED);
	result_free(&r);
}
END_TEST

START_TEST(unknown_enums_parse_and_count_as_stopped)
{
	struct result r;
	parse_fixture(&r, "generative-ai-js/streaming-unknown-enum.txt");
	ck_assert_str_eq(r.finish, "FAKE_ENUM");
	ck_assert_uint_eq(strlen(r.text), 3285);
	ck_assert_msg(strncmp(r.text, "**Cats:**\n\n", 11) == 0, "text: %.20s", r.text);
	ck_assert_int_eq(r.outcome, GEMINI_STOPPED);
	result_free(&r);
	parse_fixture(&r, "vertexai/streaming-success-unknown-safety-enum.txt");
	ck_assert_str_eq(r.finish, "STOP");
	ck_assert_int_eq(r.outcome, GEMINI_COMPLETE);
	result_free(&r);
}
END_TEST

START_TEST(error_after_text_keeps_the_text)
{
	struct result r;
	parse_fixture(&r, "vertexai/streaming-failure-error-mid-stream.txt");
	ck_assert_str_eq(r.text, "First Second ");
	ck_assert(r.has_error);
	ck_assert_int_eq(r.error_code, 499);
	ck_assert_str_eq(r.error_status, "CANCELLED");
	ck_assert_int_eq(r.outcome, GEMINI_ERROR);
	result_free(&r);
}
END_TEST

START_TEST(max_tokens_recording_is_cut)
{
	size_t count;
	char **s =
	    render_recording(FIXTURES "/js-genai-recordings/"
	                              "Client_Tests_generateContentStream_ML_Dev_should_"
	                              "stream_generate_content_with_specified_parameters.json",
	                     &count);
	ck_assert_uint_eq(count, 1);
	struct result r;
	run_whole(&r, s[0], strlen(s[0]));
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.finish, "MAX_TOKENS");
	ck_assert_int_eq(r.outcome, GEMINI_CUT);
	ck_assert_uint_eq(strlen(r.text), 655);
	ck_assert_int_eq(r.usage.thoughts_tokens, 45);
	ck_assert_int_eq(r.usage.total_tokens, 205);
	result_free(&r);
	free(s[0]);
	free(s);
}
END_TEST

START_TEST(empty_200_body_is_empty_not_complete)
{
	size_t count;
	char **s = render_recording(FIXTURES "/js-genai-recordings/"
	                                     "Client_Tests_generateContentStream_ML_Dev_should_"
	                                     "return_the_headers_in_the_sdkHttpResponse_for_each_"
	                                     "chunk.json",
	                            &count);
	ck_assert_uint_ge(count, 1);
	struct result r;
	run_whole(&r, s[0], strlen(s[0]));
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.text, "");
	ck_assert(!r.has_error);
	ck_assert_int_eq(r.outcome, GEMINI_EMPTY);
	result_free(&r);
	for (size_t i = 0; i < count; i++)
		free(s[i]);
	free(s);
}
END_TEST

START_TEST(utf8_text_and_non_text_parts)
{
	struct result r;
	parse_fixture(&r, "generative-ai-js/streaming-success-utf8.txt");
	ck_assert_msg(strncmp(r.text, "秋风瑟瑟，叶落纷纷，\n", strlen("秋风瑟瑟，叶落纷纷，\n")) ==
	                  0,
	              "text: %.40s", r.text);
	ck_assert_uint_eq(strlen(r.text), 633);
	result_free(&r);
	parse_fixture(&r, "googleai/streaming-success-code-execution.txt");
	ck_assert_uint_eq(r.other_parts, 2);
	ck_assert(has_suffix(r.text, " sum of the first 5 prime numbers is 28."));
	ck_assert_int_eq(r.outcome, GEMINI_COMPLETE);
	result_free(&r);
	parse_fixture(&r, "generative-ai-js/streaming-success-function-call-short.txt");
	ck_assert_str_eq(r.text, "");
	ck_assert_uint_eq(r.other_parts, 1);
	result_free(&r);
}
END_TEST

/* Issue 12: a \u0000 in a text part dropped the rest of the part. */
START_TEST(a_nul_in_a_text_part_keeps_the_rest_of_the_part)
{
	const char body[] =
	    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"before\\u0000after "
	    "\\\\u0000 stays\"}]},\"finishReason\":\"STOP\"}]}\r\n\r\n";
	struct result r;
	run_whole(&r, body, sizeof(body) - 1);
	ck_assert_str_eq(r.text, "before\uFFFDafter \\u0000 stays");
	ck_assert_int_eq(r.outcome, GEMINI_COMPLETE);
	result_free(&r);
}
END_TEST

START_TEST(error_body_served_as_a_stream_is_an_error)
{
	struct result r;
	parse_fixture(&r, "vertexai/streaming-failure-unknown-model.txt");
	ck_assert(r.has_error);
	ck_assert_int_eq(r.error_code, 404);
	ck_assert_str_eq(r.error_status, "NOT_FOUND");
	ck_assert_int_eq(r.outcome, GEMINI_ERROR);
	result_free(&r);
}
END_TEST

static struct gemini_reply *feed_text(struct gemini_parser *gp, const char *s)
{
	char *cause = NULL;
	ck_assert_int_eq(gemini_parser_feed(gp, s, strlen(s), &cause), 0);
	ck_assert_int_eq(gemini_parser_finish(gp, &cause), 0);
	return gemini_parser_reply(gp);
}

START_TEST(error_as_a_data_event)
{
	struct gemini_parser *gp = gemini_parser_new(1 << 20, NULL, NULL);
	struct gemini_reply *r = feed_text(
	    gp, "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\n\n"
	        "data: {\"error\":{\"code\":503,\"message\":\"This model is currently "
	        "experiencing high demand.\",\"status\":\"UNAVAILABLE\"}}\n\n");
	ck_assert_str_eq(r->text.data, "Hi");
	ck_assert(r->has_error);
	ck_assert_int_eq(gemini_reply_outcome(r), GEMINI_ERROR);
	char *n = gemini_reply_notice(r, "gemini-2.5-flash");
	ck_assert_str_eq(n, "gemini: 503 UNAVAILABLE: This model is currently experiencing high "
	                    "demand.");
	ck_assert(gemini_error_retryable(&r->error));
	free(n);
	gemini_parser_free(gp);
}
END_TEST

START_TEST(bad_json_event_fails_with_a_clear_cause)
{
	struct gemini_parser *gp = gemini_parser_new(1 << 20, NULL, NULL);
	char *cause = NULL;
	const char *s = "data: {\"candidates\": [\n\n";
	ck_assert_int_eq(gemini_parser_feed(gp, s, strlen(s), &cause), -1);
	ck_assert_str_eq(cause, "gemini: a streamed event is not a JSON object (it starts "
	                        "\"{\"candidates\": [\"); the response was cut or did not come "
	                        "from the Gemini API");
	free(cause);
	gemini_parser_free(gp);
}
END_TEST

START_TEST(tolerates_odd_shapes)
{
	struct gemini_reply r;
	gemini_reply_init(&r);
	const char *events[] = {
	    "{}",
	    "{\"candidates\":[]}",
	    "{\"candidates\":[{}]}",
	    "{\"candidates\":[{\"content\":{}}]}",
	    "{\"candidates\":[{\"content\":{\"role\":\"model\"}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}]}}]}",
	    "{\"candidates\":\"x\",\"usageMetadata\":7,\"promptFeedback\":[]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":5},{\"thoughtSignature\":\"x\"},"
	    "{\"text\":\"a\",\"thought\":true},{\"text\":\"b\"}]},\"finishReason\":\"STOP\"}]}",
	};
	struct gemini_delta d;
	for (size_t i = 0; i < ARRAY_LEN(events); i++)
		ck_assert_int_eq(gemini_reply_event(&r, events[i], strlen(events[i]), &d, NULL), 0);
	ck_assert_uint_eq(d.text_len, 1);
	ck_assert_int_eq(d.text[0], 'b');
	ck_assert_uint_eq(d.thought_len, 1);
	ck_assert_int_eq(d.thought[0], 'a');
	ck_assert_str_eq(r.text.data, "b");
	ck_assert_str_eq(r.thoughts.data, "a");
	/* {"text": 5} is not text; a lone thoughtSignature is not a part of its own. */
	ck_assert_uint_eq(r.other_parts, 1);
	ck_assert_int_eq(gemini_reply_outcome(&r), GEMINI_COMPLETE);
	ck_assert_ptr_null(gemini_reply_notice(&r, NULL));
	ck_assert_int_eq(gemini_reply_event(&r, "[1]", 3, &d, NULL), -1);
	gemini_reply_release(&r);
}
END_TEST

START_TEST(notices_say_why_the_answer_ended)
{
	struct gemini_reply r;
	gemini_reply_init(&r);
	const char *cut = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},"
	                  "\"finishReason\":\"MAX_TOKENS\"}]}";
	ck_assert_int_eq(gemini_reply_event(&r, cut, strlen(cut), NULL, NULL), 0);
	char *n = gemini_reply_notice(&r, NULL);
	ck_assert_str_eq(n, "gemini: the answer was cut off at the output token limit "
	                    "(MAX_TOKENS); raise max_output_tokens or ask it to go on");
	free(n);
	const char *stop = "{\"candidates\":[{\"finishReason\":\"SPII\",\"finishMessage\":"
	                   "\"personal\\ndata\"}]}";
	ck_assert_int_eq(gemini_reply_event(&r, stop, strlen(stop), NULL, NULL), 0);
	ck_assert_int_eq(gemini_reply_outcome(&r), GEMINI_STOPPED);
	n = gemini_reply_notice(&r, NULL);
	ck_assert_str_eq(n, "gemini: the model stopped the answer early (SPII): personal data");
	free(n);
	gemini_reply_release(&r);

	gemini_reply_init(&r);
	const char *blk = "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\","
	                  "\"blockReasonMessage\":\"not allowed\"}}";
	ck_assert_int_eq(gemini_reply_event(&r, blk, strlen(blk), NULL, NULL), 0);
	n = gemini_reply_notice(&r, NULL);
	ck_assert_str_eq(n, "gemini: the prompt was blocked (PROHIBITED_CONTENT): not allowed; "
	                    "rephrase it and try again");
	free(n);
	gemini_reply_release(&r);

	gemini_reply_init(&r);
	ck_assert_int_eq(gemini_reply_outcome(&r), GEMINI_EMPTY);
	n = gemini_reply_notice(&r, NULL);
	ck_assert_str_eq(n, "gemini: the API sent an empty response (no events); try again");
	free(n);
	const char *none = "{\"candidates\":[{\"content\":{\"role\":\"model\"},"
	                   "\"finishReason\":\"STOP\"}]}";
	ck_assert_int_eq(gemini_reply_event(&r, none, strlen(none), NULL, NULL), 0);
	n = gemini_reply_notice(&r, NULL);
	ck_assert_str_eq(n, "gemini: the model sent an empty answer; try again");
	free(n);
	gemini_reply_release(&r);
}
END_TEST

START_TEST(non_sse_200_body_is_an_error)
{
	struct gemini_parser *gp = gemini_parser_new(1 << 20, NULL, NULL);
	struct gemini_reply *r = feed_text(gp, "<html><title>Bad Gateway</title></html>\n");
	ck_assert(r->has_error);
	char *n = gemini_reply_notice(r, NULL);
	ck_assert_str_eq(n, "gemini: the server sent something that is not a Gemini reply: Bad "
	                    "Gateway");
	free(n);
	gemini_parser_free(gp);
}
END_TEST

START_TEST(a_stream_without_a_finish_reason_is_never_complete)
{
	/* Text, then the body ended: after a full event, after an empty last chunk. */
	const char *bodies[] = {
	    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Half an\"}]}}]}\r\n\r\n",
	    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Half an\"}]}}]}\n\n"
	    "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[]}}],"
	    "\"usageMetadata\":{\"promptTokenCount\":3}}\n\n",
	    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Half an\"}]}}]}\n\n"
	    "data: {}\n\n",
	    /* the last event lacks its blank line (EOF right after it) */
	    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Half an\"}]}}]}",
	};
	for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
		struct gemini_parser *gp = gemini_parser_new(1 << 20, NULL, NULL);
		struct gemini_reply *r = feed_text(gp, bodies[i]);
		ck_assert_str_eq(r->text.data, "Half an");
		ck_assert_int_eq(gemini_reply_outcome(r), GEMINI_UNFINISHED);
		char *n = gemini_reply_notice(r, NULL);
		ck_assert_str_eq(n, "gemini: the answer is incomplete: the stream ended with "
		                    "no finish reason; ask again");
		free(n);
		gemini_parser_free(gp);
	}
	/* Code execution parts with no finish reason are not complete either. */
	struct gemini_reply r;
	gemini_reply_init(&r);
	const char *code = "{\"candidates\":[{\"content\":{\"parts\":[{\"executableCode\":"
	                   "{\"language\":\"PYTHON\",\"code\":\"1\"}}]}}]}";
	ck_assert_int_eq(gemini_reply_event(&r, code, strlen(code), NULL, NULL), 0);
	ck_assert_int_eq(gemini_reply_outcome(&r), GEMINI_UNFINISHED);
	gemini_reply_release(&r);
}
END_TEST

START_TEST(raw_parts_keep_signatures_and_code_drop_thoughts)
{
	struct gemini_reply r;
	gemini_reply_init(&r);
	const char *evs[] = {
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hmm\",\"thought\":true,"
	    "\"thoughtSignature\":\"T1\"}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me \"},{\"text\":\"run "
	    "it:\"}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"executableCode\":{\"language\":"
	    "\"PYTHON\","
	    "\"code\":\"print(1)\"}},{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\","
	    "\"output\":\"1\\n\"}}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Done.\",\"thoughtSignature\":"
	    "\"S2\"}]},\"finishReason\":\"STOP\"}]}",
	};
	for (size_t i = 0; i < ARRAY_LEN(evs); i++)
		ck_assert_int_eq(gemini_reply_event(&r, evs[i], strlen(evs[i]), NULL, NULL), 0);
	char *parts = gemini_reply_parts(&r, r.text.data, r.text.len);
	ck_assert_str_eq(parts,
	                 "[{\"text\":\"\",\"thoughtSignature\":\"T1\"},{\"text\":\"Let me run "
	                 "it:\"},{\"executableCode\":{\"language\":\"PYTHON\",\"code\":"
	                 "\"print(1)\"}},{\"codeExecutionResult\":{\"outcome\":\"OUTCOME_OK\","
	                 "\"output\":\"1\\n\"}},{\"text\":\"Done.\",\"thoughtSignature\":"
	                 "\"S2\"}]");
	free(parts);
	ck_assert_str_eq(r.text.data, "Let me run it:\n\n```python\nprint(1)\n```\n\nOutput "
	                              "(OUTCOME_OK):\n\n```\n1\n```\n\nDone.");
	ck_assert_int_eq(gemini_reply_outcome(&r), GEMINI_COMPLETE);
	gemini_reply_release(&r);

	/* Plain text only: nothing worth replaying beyond the text itself. */
	gemini_reply_init(&r);
	const char *plain = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}]}";
	ck_assert_int_eq(gemini_reply_event(&r, plain, strlen(plain), NULL, NULL), 0);
	ck_assert_ptr_null(gemini_reply_parts(&r, r.text.data, r.text.len));
	gemini_reply_release(&r);
}
END_TEST

/*
 * The reply keeps no copy of the plain text: the caller's copy of what the
 * deltas handed out, with the reply forgetting after every event as the
 * client does, gives the same parts as a reply that kept it all.
 */
START_TEST(raw_parts_come_out_the_same_from_the_callers_copy)
{
	const char *evs[] = {
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A \"}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"t\",\"thought\":true,"
	    "\"thoughtSignature\":\"T1\"},{\"text\":\"B\\n\"}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"C\"},{\"executableCode\":"
	    "{\"language\":\"PYTHON\",\"code\":\"x\"}},{\"text\":\"D\",\"thoughtSignature\":"
	    "\"S2\"}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" E\"}]}}]}",
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"F\"}]},"
	    "\"finishReason\":\"STOP\"}]}",
	};
	struct gemini_reply whole, forgetful;
	gemini_reply_init(&whole);
	gemini_reply_init(&forgetful);
	struct buf mine;
	buf_init(&mine, 0);
	for (size_t i = 0; i < ARRAY_LEN(evs); i++) {
		struct gemini_delta d;
		ck_assert_int_eq(gemini_reply_event(&whole, evs[i], strlen(evs[i]), NULL, NULL), 0);
		ck_assert_int_eq(gemini_reply_event(&forgetful, evs[i], strlen(evs[i]), &d, NULL),
		                 0);
		buf_add(&mine, d.text, d.text_len);
		gemini_reply_forget(&forgetful);
	}
	ck_assert_str_eq(mine.data, whole.text.data);
	char *a = gemini_reply_parts(&whole, whole.text.data, whole.text.len);
	char *b = gemini_reply_parts(&forgetful, mine.data, mine.len);
	ck_assert_str_eq(a, "[{\"text\":\"A \"},{\"text\":\"\",\"thoughtSignature\":\"T1\"},"
	                    "{\"text\":\"B\\nC\"},{\"executableCode\":{\"language\":\"PYTHON\","
	                    "\"code\":\"x\"}},{\"text\":\"D\",\"thoughtSignature\":\"S2\"},"
	                    "{\"text\":\" EF\"}]");
	ck_assert_str_eq(b, a);
	/* A copy cut short (a message at its bound) gives what it holds, nothing past it. */
	char *c = gemini_reply_parts(&forgetful, mine.data, 1);
	ck_assert_str_eq(c, "[{\"text\":\"A\"},{\"text\":\"\",\"thoughtSignature\":\"T1\"},"
	                    "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"x\"}},"
	                    "{\"text\":\"D\",\"thoughtSignature\":\"S2\"}]");
	free(a);
	free(b);
	free(c);
	buf_release(&mine);
	gemini_reply_release(&whole);
	gemini_reply_release(&forgetful);
}
END_TEST

static Suite *gemini_reply_suite(void)
{
	Suite *s = suite_create("gemini_reply");
	TCase *tc = tcase_create("fixtures");
	/* Every fixture is parsed once per byte position: give slow (sanitized) builds time. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, every_stream_fixture_parses_the_same_however_it_is_cut);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, short_reply_text_reason_and_usage);
	tcase_add_test(tc, long_reply_keeps_words_split_across_events);
	tcase_add_test(tc, thought_summary_is_kept_apart_from_the_answer);
	tcase_add_test(tc, blocked_prompt_has_a_block_reason_and_no_text);
	tcase_add_test(tc, recitation_without_content_stops_and_keeps_text);
	tcase_add_test(tc, safety_finish_reason_stops_the_answer);
	tcase_add_test(tc, unknown_enums_parse_and_count_as_stopped);
	tcase_add_test(tc, error_after_text_keeps_the_text);
	tcase_add_test(tc, max_tokens_recording_is_cut);
	tcase_add_test(tc, empty_200_body_is_empty_not_complete);
	tcase_add_test(tc, utf8_text_and_non_text_parts);
	tcase_add_test(tc, a_nul_in_a_text_part_keeps_the_rest_of_the_part);
	tcase_add_test(tc, error_body_served_as_a_stream_is_an_error);
	tcase_add_test(tc, error_as_a_data_event);
	tcase_add_test(tc, bad_json_event_fails_with_a_clear_cause);
	tcase_add_test(tc, tolerates_odd_shapes);
	tcase_add_test(tc, notices_say_why_the_answer_ended);
	tcase_add_test(tc, non_sse_200_body_is_an_error);
	tcase_add_test(tc, a_stream_without_a_finish_reason_is_never_complete);
	tcase_add_test(tc, raw_parts_keep_signatures_and_code_drop_thoughts);
	tcase_add_test(tc, raw_parts_come_out_the_same_from_the_callers_copy);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(gemini_reply_suite)
