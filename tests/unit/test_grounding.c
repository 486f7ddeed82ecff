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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
	struct buf b;
	buf_init(&b, 0);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

/* The reply to a recorded stream (its text and grounding stolen into *text, *g). */
static void replay(const char *name, char **text, char **g)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/gemini/%s", name);
	size_t len;
	char *body = slurp(path, &len);
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
	               NULL);
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
	               NULL);
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

static Suite *grounding_suite(void)
{
	Suite *s = suite_create("grounding");
	TCase *tc = tcase_create("grounding");
	tcase_add_test(tc, search_fixture_sources_and_markers);
	tcase_add_test(tc, url_context_fixture_lists_the_fetched_page);
	tcase_add_test(tc, markers_never_split_a_character_or_pass_the_end);
	tcase_add_test(tc, markdown_sources_escape_markup_from_the_network);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(grounding_suite)
