/*
 * Unit tests for grounding.c: the recorded search-grounding stream gives
 * its sources and queries, markers land at the supports' byte ends (never
 * inside a character, never past the text), and indices from the network
 * that point at nothing are dropped.
 */
#include "jarvis/grounding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/gemini_reply.h"
#include "jarvis/util.h"
#include "unit.h"

/* The reply to a recorded stream (its text and grounding stolen into *text, *g). */
static void replay(const char *name, char **text, char **g)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/gemini/%s", name);
	size_t len;
	char *body = unit_slurp(path, &len);
	struct gemini_parser *p = gemini_parser_new(GEMINI_EVENT_MAX_BYTES, NULL, NULL);
	char *cause = NULL;
	ck_assert_int_eq(gemini_parser_feed(p, body, len, &cause), 0);
	ck_assert_int_eq(gemini_parser_finish(p, &cause), 0);
	struct gemini_reply *r = gemini_parser_reply(p);
	*text = buf_steal(&r->text);
	*g = r->grounding;
	r->grounding = NULL;
	gemini_parser_free(p);
	free(body);
}

START_TEST(search_fixture_sources_and_markers)
{
	char *text, *json;
	replay("generative-ai-js/streaming-success-search-grounding.txt", &text, &json);
	ck_assert_ptr_nonnull(json);
	struct grounding g;
	ck_assert_int_eq(grounding_parse(json, &g), 0);
	ck_assert_uint_eq(g.nsources, 2);
	ck_assert_str_eq(g.sources[0].title, "test_title_1");
	ck_assert_str_eq(g.sources[1].uri, "test_uri_2");
	ck_assert_uint_eq(g.nqueries, 1);
	ck_assert_str_eq(g.queries[0], "what is the current google stock price");
	ck_assert_uint_eq(g.nsupports, 5);
	ck_assert_uint_eq(g.supports[1].end, 82);

	struct buf out;
	buf_init(&out, 0);
	grounding_mark(text, strlen(text), &g, &out);
	buf_addstr(&out, "");
	/* Segment 0 ends at byte 41, segment 1 (sources 1 then 0) at 82. */
	ck_assert_msg(strstr(out.data, "Alphabet Inc.[1] (Google)") != NULL, "%s", out.data);
	ck_assert_msg(strstr(out.data, "USD.[2][1]") != NULL, "%s", out.data);
	buf_reset(&out);
	grounding_sources(&g, false, &out);
	ck_assert_str_eq(out.data, "Sources:\n[1] test_title_1 (test_uri_1)\n"
	                           "[2] test_title_2 (test_uri_2)\n\n"
	                           "Searched for: what is the current google stock price\n\n");
	buf_release(&out);
	grounding_release(&g);
	free(json);
	free(text);
}
END_TEST

START_TEST(url_context_fixture_lists_the_fetched_page)
{
	char *text, *json;
	replay("googleai/streaming-success-url-context.txt", &text, &json);
	struct grounding g;
	ck_assert_int_eq(grounding_parse(json, &g), 0);
	ck_assert_uint_eq(g.nurls, 1);
	ck_assert_str_eq(g.urls[0].url, "https://google.com");
	struct buf out;
	buf_init(&out, 0);
	grounding_sources(&g, true, &out);
	ck_assert_msg(strstr(out.data, "Fetched: https://google.com") != NULL, "%s", out.data);
	buf_release(&out);
	grounding_release(&g);
	free(json);
	free(text);
}
END_TEST

START_TEST(markers_never_split_a_character_or_pass_the_end)
{
	char *json = NULL;
	/* "é" is two bytes: an end of 1 falls inside it; 99 is past the text; 7 is no source. */
	grounding_fold(&json,
	               "{\"groundingChunks\":[{\"web\":{\"uri\":\"u\",\"title\":\"t\"}}],"
	               "\"groundingSupports\":["
	               "{\"segment\":{\"endIndex\":1},\"groundingChunkIndices\":[0]},"
	               "{\"segment\":{\"endIndex\":99},\"groundingChunkIndices\":[0]},"
	               "{\"segment\":{\"endIndex\":3},\"groundingChunkIndices\":[7]}]}",
	               NULL, NULL, 0);
	struct grounding g;
	ck_assert_int_eq(grounding_parse(json, &g), 0);
	struct buf out;
	buf_init(&out, 0);
	grounding_mark("\xc3\xa9t\xc3\xa9", 5, &g, &out);
	buf_addstr(&out, "");
	ck_assert_str_eq(out.data, "\xc3\xa9[1]t\xc3\xa9");
	buf_release(&out);
	grounding_release(&g);
	free(json);
}
END_TEST

START_TEST(markdown_sources_escape_markup_from_the_network)
{
	char *json = NULL;
	grounding_fold(&json,
	               "{\"groundingChunks\":[{\"web\":{\"uri\":\"https://x/a_b\",\"title\":"
	               "\"*bold* [x](y)\\u001b[2J\"}}]}",
	               NULL, NULL, 0);
	struct grounding g;
	ck_assert_int_eq(grounding_parse(json, &g), 0);
	struct buf out;
	buf_init(&out, 0);
	grounding_sources(&g, true, &out);
	ck_assert_str_eq(out.data, "Sources:\n\n\\[1\\] \\*bold\\* \\[x\\](y) \\[2J "
	                           "(https://x/a\\_b)  \n\n");
	buf_release(&out);
	grounding_release(&g);
	free(json);
}
END_TEST

/*
 * groundingSupports count bytes in the model's text parts; the code block
 * and output drawn from code execution parts are not in them, so a marker
 * after them must move by what was drawn (issue 11).
 */
static const char CODE_THEN_CITED[] =
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me comput\u00e9. \"},"
    "{\"executableCode\":{\"language\":\"PYTHON\",\"code\":\"print(6*7)\"}}],"
    "\"role\":\"model\"}}]}\r\n\r\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"codeExecutionResult\":"
    "{\"outcome\":\"OUTCOME_OK\",\"output\":\"42\\n\"}},"
    "{\"text\":\"The answer is 42.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
    "\"groundingMetadata\":{\"groundingChunks\":[{\"web\":{\"uri\":\"u1\",\"title\":\"t1\"}},"
    "{\"web\":{\"uri\":\"u2\",\"title\":\"t2\"}}],\"groundingSupports\":["
    "{\"segment\":{\"startIndex\":0,\"endIndex\":16,\"text\":\"Let me comput\u00e9.\"},"
    "\"groundingChunkIndices\":[0]},"
    "{\"segment\":{\"startIndex\":17,\"endIndex\":34,\"text\":\"The answer is 42.\"},"
    "\"groundingChunkIndices\":[1]}]}}]}\r\n\r\n";

START_TEST(markers_after_code_execution_parts_land_at_their_segment)
{
	struct gemini_parser *p = gemini_parser_new(GEMINI_EVENT_MAX_BYTES, NULL, NULL);
	char *cause = NULL;
	ck_assert_int_eq(gemini_parser_feed(p, CODE_THEN_CITED, strlen(CODE_THEN_CITED), &cause),
	                 0);
	ck_assert_int_eq(gemini_parser_finish(p, &cause), 0);
	struct gemini_reply *r = gemini_parser_reply(p);
	ck_assert_uint_eq(r->model_text_total, 34);
	struct buf out;
	buf_init(&out, 0);
	grounding_render(r->text.data, r->text.len, r->grounding, &out);
	buf_addstr(&out, "");
	ck_assert_msg(strstr(out.data, "Let me comput\xc3\xa9.[1] \n") != NULL, "%s", out.data);
	ck_assert_msg(strstr(out.data, "```python\nprint(6*7)\n```") != NULL, "%s", out.data);
	ck_assert_msg(
	    strstr(out.data, "Output (OUTCOME_OK):\n\n```\n42\n```\n\nThe answer is 42.[2]") !=
	        NULL,
	    "%s", out.data);
	buf_release(&out);
	gemini_parser_free(p);
}
END_TEST

/* The recorded code execution answer: its two drawn parts are where its text parts paused. */
START_TEST(code_execution_fixture_records_where_parts_were_drawn)
{
	size_t len;
	char *body =
	    unit_slurp("tests/fixtures/gemini/googleai/streaming-success-code-execution.txt", &len);
	struct gemini_parser *p = gemini_parser_new(GEMINI_EVENT_MAX_BYTES, NULL, NULL);
	char *cause = NULL;
	ck_assert_int_eq(gemini_parser_feed(p, body, len, &cause), 0);
	ck_assert_int_eq(gemini_parser_finish(p, &cause), 0);
	struct gemini_reply *r = gemini_parser_reply(p);
	ck_assert_uint_eq(r->ndrawn, 2);
	const char *code = strstr(r->text.data, "\n```python\n");
	ck_assert_ptr_nonnull(code);
	/* Text parts only came before the code: the drawn block starts where they stopped. */
	ck_assert_uint_eq(r->drawn[0].at, (size_t)(code - r->text.data));
	ck_assert_uint_eq(r->drawn[1].at, r->drawn[0].at);
	size_t drawn = r->drawn[0].len + r->drawn[1].len;
	ck_assert_uint_eq(r->model_text_total + drawn, r->text.len);
	gemini_parser_free(p);
	free(body);
}
END_TEST

static Suite *grounding_suite(void)
{
	Suite *s = suite_create("grounding");
	TCase *tc = tcase_create("grounding");
	tcase_add_test(tc, search_fixture_sources_and_markers);
	tcase_add_test(tc, url_context_fixture_lists_the_fetched_page);
	tcase_add_test(tc, markers_never_split_a_character_or_pass_the_end);
	tcase_add_test(tc, markdown_sources_escape_markup_from_the_network);
	tcase_add_test(tc, markers_after_code_execution_parts_land_at_their_segment);
	tcase_add_test(tc, code_execution_fixture_records_where_parts_were_drawn);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(grounding_suite)
