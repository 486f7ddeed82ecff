/*
 * Unit tests for the SSE framer: separators, line ends, multi-line data,
 * ignored fields, the last event without a blank line, the size limit,
 * chunk cuts anywhere (inside \r\n and inside UTF-8) and stray text.
 */
#include "jarvis/sse.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"
#include "unit.h"

struct events {
	struct buf all; /* each event as [data] */
	int stop_after; /* fail on this event (1-based); 0 never */
	int seen;
};

static int collect(void *ud, const char *data, size_t len, char **cause)
{
	struct events *ev = ud;
	buf_add(&ev->all, "[", 1);
	buf_add(&ev->all, data, len);
	buf_add(&ev->all, "]", 1);
	if (++ev->seen == ev->stop_after)
		return set_cause(cause, "reader: stop at event %d", ev->seen);
	return 0;
}

/* Feeds s cut at the given positions, finishes, and returns the events as [a][b]... */
static char *frame_cuts(const char *s, size_t max, const size_t *cuts, size_t ncuts, char **stray)
{
	struct events ev = {.stop_after = 0};
	buf_init(&ev.all, 0);
	buf_addstr(&ev.all, "");
	struct sse *f = sse_new(max);
	char *cause = NULL;
	size_t n = strlen(s), at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;
		ck_assert_msg(sse_feed(f, s + at, to - at, collect, &ev, &cause) == 0, "feed: %s",
		              cause);
		at = to;
	}
	ck_assert_msg(sse_finish(f, collect, &ev, &cause) == 0, "finish: %s", cause);
	ck_assert_uint_eq(sse_events(f), (size_t)ev.seen);
	if (stray != NULL)
		*stray = xstrdup(sse_stray(f));
	sse_free(f);
	return buf_steal(&ev.all);
}

static char *frame(const char *s)
{
	return frame_cuts(s, 1 << 20, NULL, 0, NULL);
}

/* Asserts s frames to want however it is cut: whole, every byte, and at every two points. */
static void assert_frames(const char *s, const char *want)
{
	char *got = frame(s);
	ck_assert_str_eq(got, want);
	free(got);
	size_t n = strlen(s);
	size_t *cuts = xcalloc(n + 1, sizeof *cuts);
	for (size_t i = 1; i < n; i++)
		cuts[i - 1] = i;
	got = frame_cuts(s, 1 << 20, cuts, n > 0 ? n - 1 : 0, NULL);
	ck_assert_str_eq(got, want);
	free(got);
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i; j <= n; j++) {
			size_t two[2] = {i, j};
			got = frame_cuts(s, 1 << 20, two, 2, NULL);
			ck_assert_msg(strcmp(got, want) == 0, "cut at %zu and %zu: %s", i, j, got);
			free(got);
		}
	free(cuts);
}

START_TEST(each_separator_ends_an_event)
{
	assert_frames("data: a\n\ndata: b\n\n", "[a][b]");
	assert_frames("data: a\r\n\r\ndata: b\r\n\r\n", "[a][b]");
	assert_frames("data: a\r\rdata: b\r\r", "[a][b]");
}
END_TEST

START_TEST(mixed_separators_and_line_ends)
{
	assert_frames("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\r\n\ndata: e\n\r\ndata: f",
	              "[a][b][c][d][e][f]");
}
END_TEST

START_TEST(data_lines_join_with_newlines)
{
	assert_frames("data: x\ndata: y\r\ndata:z\rdata:  w\n\n", "[x\ny\nz\n w]");
	assert_frames("data\ndata: q\n\n", "[\nq]");
}
END_TEST

START_TEST(crlf_cut_between_cr_and_lf_is_one_line_end)
{
	/* Were "\r" | "\n" read as two line ends, a and b would be two events. */
	const char *s = "data: a\r\ndata: b\r\n\r\n";
	size_t cut = 8; /* just after the first \r */
	ck_assert_int_eq(s[cut - 1], '\r');
	char *got = frame_cuts(s, 64, &cut, 1, NULL);
	ck_assert_str_eq(got, "[a\nb]");
	free(got);
	/* An empty feed in between (curl may pass one, even with no buffer) changes nothing. */
	struct events ev = {0};
	buf_init(&ev.all, 0);
	struct sse *f = sse_new(64);
	ck_assert_int_eq(sse_feed(f, s, cut, collect, &ev, NULL), 0);
	ck_assert_int_eq(sse_feed(f, NULL, 0, collect, &ev, NULL), 0);
	ck_assert_int_eq(sse_feed(f, s + cut, strlen(s) - cut, collect, &ev, NULL), 0);
	ck_assert_int_eq(sse_finish(f, collect, &ev, NULL), 0);
	ck_assert_str_eq(ev.all.data, "[a\nb]");
	sse_free(f);
	buf_release(&ev.all);
}
END_TEST

START_TEST(other_fields_and_comments_are_ignored)
{
	char *stray = NULL;
	char *got = frame_cuts("event: message\nid: 7\nretry: 100\n: keep-alive\ndata: a\n\n", 1024,
	                       NULL, 0, &stray);
	ck_assert_str_eq(got, "[a]");
	ck_assert_str_eq(stray, "");
	free(got);
	free(stray);
	/* A byte-order mark before the first field is not part of it. */
	assert_frames("\xEF\xBB\xBF"
	              "data: a\n\n",
	              "[a]");
}
END_TEST

START_TEST(last_event_without_a_blank_line)
{
	assert_frames("data: a\r\n\r\ndata: b\r\n", "[a][b]");
	assert_frames("data: a\n\ndata: b", "[a][b]");
	assert_frames("data: a\r", "[a]");
}
END_TEST

START_TEST(empty_payloads_are_not_events)
{
	assert_frames("data:\n\ndata: \r\n\r\n\n\n\r\r", "");
	assert_frames("", "");
}
END_TEST

START_TEST(utf8_cut_across_feeds_arrives_whole)
{
	const char *s = "data: {\"text\": \"秋风\"}\n\n";
	const char *want = "[{\"text\": \"秋风\"}]";
	for (size_t cut = 1; cut < strlen(s); cut++) {
		char *got = frame_cuts(s, 1024, &cut, 1, NULL);
		ck_assert_str_eq(got, want);
		free(got);
	}
}
END_TEST

static int feed_all(struct sse *f, const char *s, size_t chunk, struct events *ev, char **cause)
{
	size_t n = strlen(s);
	for (size_t at = 0; at < n; at += chunk) {
		size_t k = n - at < chunk ? n - at : chunk;
		if (sse_feed(f, s + at, k, collect, ev, cause) == -1)
			return -1;
	}
	return sse_finish(f, collect, ev, cause);
}

START_TEST(an_event_over_the_limit_is_refused)
{
	/* 16 bytes fit; 17 do not, whole or cut, on one line or across lines. */
	const char *ok = "data: 0123456789abcdef\n\n";
	const char *bad[] = {
	    "data: 0123456789abcdefg\n\n",
	    "data: 0123456789\ndata: abcdef\n\n",
	    "data: 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
	    "0123456789abcdefghijklmnopqrstuvwxyz",
	    /* A stray line far over the limit fails whether or not a cut falls in it. */
	    "{\"error\": \"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstu"
	    "vwxyz0123456789\"}\n\n",
	};
	size_t chunks[] = {1, 3, 1000};
	for (size_t c = 0; c < ARRAY_LEN(chunks); c++) {
		struct events ev = {0};
		buf_init(&ev.all, 0);
		char *cause = NULL;
		struct sse *f = sse_new(16);
		ck_assert_int_eq(feed_all(f, ok, chunks[c], &ev, &cause), 0);
		ck_assert_str_eq(ev.all.data, "[0123456789abcdef]");
		sse_free(f);
		buf_release(&ev.all);
		for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
			buf_init(&ev.all, 0);
			f = sse_new(16);
			ck_assert_int_eq(feed_all(f, bad[i], chunks[c], &ev, &cause), -1);
			ck_assert_str_eq(cause, "gemini: a streamed event exceeded 16 bytes");
			ck_assert_uint_eq(ev.all.len, 0); /* no event reached the caller */
			/* A failed stream stays failed. */
			ck_assert_int_eq(sse_feed(f, "data: x\n\n", 9, collect, &ev, &cause), -1);
			sse_free(f);
			buf_release(&ev.all);
		}
		free(cause);
	}
}
END_TEST

START_TEST(a_big_event_across_many_chunks)
{
	size_t big = 300 * 1024;
	struct buf s;
	buf_init(&s, 0);
	buf_addstr(&s, "data: ");
	for (size_t i = 0; i < big; i++)
		buf_add(&s, &"0123456789"[i % 10], 1);
	buf_addstr(&s, "\r\n\r\ndata: end\r\n\r\n");
	struct events ev = {0};
	buf_init(&ev.all, 0);
	char *cause = NULL;
	struct sse *f = sse_new(big);
	ck_assert_int_eq(feed_all(f, s.data, 997, &ev, &cause), 0);
	ck_assert_uint_eq(ev.all.len, big + 2 + 5);
	ck_assert(memcmp(ev.all.data + big + 2, "[end]", 5) == 0);
	ck_assert_uint_eq(sse_events(f), 2);
	sse_free(f);
	buf_release(&ev.all);
	buf_release(&s);
}
END_TEST

START_TEST(text_outside_data_lines_is_kept_as_stray)
{
	const char *s =
	    "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n{\n  \"error\": {\n    \"code\": 499,\n"
	    "    \"status\": \"CANCELLED\"\n  }\n}\n";
	for (size_t cut = 0; cut <= strlen(s); cut++) {
		char *stray = NULL;
		char *got = frame_cuts(s, 1024, &cut, 1, &stray);
		ck_assert_str_eq(got, "[{\"a\":1}][{\"b\":2}]");
		ck_assert_str_eq(stray, "{\n  \"error\": {\n    \"code\": 499,\n    \"status\": "
		                        "\"CANCELLED\"\n  }\n}\n");
		free(got);
		free(stray);
	}
	/* Unterminated stray text at the very end is kept too. */
	char *stray = NULL;
	char *got = frame_cuts("data: a\n\n{\"error\":{}}", 1024, NULL, 0, &stray);
	ck_assert_str_eq(got, "[a]");
	ck_assert_str_eq(stray, "{\"error\":{}}\n");
	free(got);
	free(stray);
}
END_TEST

START_TEST(stray_text_is_bounded)
{
	struct sse *f = sse_new(1024);
	struct events ev = {0};
	buf_init(&ev.all, 0);
	char line[101];
	memset(line, 'x', 99);
	line[99] = '\n';
	line[100] = '\0';
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(sse_feed(f, line, 100, collect, &ev, NULL), 0);
	ck_assert_int_eq(sse_feed(f, "data: a\n\n", 9, collect, &ev, NULL), 0);
	ck_assert_int_eq(sse_finish(f, collect, &ev, NULL), 0);
	ck_assert_uint_le(strlen(sse_stray(f)), SSE_STRAY_MAX);
	ck_assert_uint_ge(strlen(sse_stray(f)), SSE_STRAY_MAX - 100);
	ck_assert_str_eq(ev.all.data, "[a]");
	sse_free(f);
	buf_release(&ev.all);
}
END_TEST

/* Where each event's data lay: in the chunk fed (1) or elsewhere, a copy (0). */
struct places {
	const char *chunk;
	size_t chunk_len;
	struct buf seen; /* one '1' or '0' per event, then its data */
};

static int note_place(void *ud, const char *data, size_t len, char **cause)
{
	(void)cause;
	struct places *pl = ud;
	bool inside = data >= pl->chunk && data + len <= pl->chunk + pl->chunk_len;
	buf_addf(&pl->seen, "%c%.*s;", inside ? '1' : '0', (int)len, data);
	return 0;
}

static void feed_place(struct sse *f, struct places *pl, char *chunk)
{
	pl->chunk = chunk;
	pl->chunk_len = strlen(chunk);
	ck_assert_int_eq(sse_feed(f, chunk, pl->chunk_len, note_place, pl, NULL), 0);
	/* What the framer passed on must not depend on the chunk staying as it was. */
	memset(chunk, '#', pl->chunk_len);
}

START_TEST(a_one_line_event_whole_in_a_chunk_is_passed_in_place)
{
	struct places pl = {0};
	buf_init(&pl.seen, 0);
	buf_addstr(&pl.seen, "");
	struct sse *f = sse_new(1024);
	char a[] = "data: one\r\n\r\ndata: two\r\n";
	char b[] = "\r\ndata: thr";
	char c[] = "ee\n\ndata: x\ndata: y\n\ndata: last";
	feed_place(f, &pl, a);
	feed_place(f, &pl, b);
	feed_place(f, &pl, c);
	ck_assert_int_eq(sse_finish(f, note_place, &pl, NULL), 0);
	/* "two" ended its chunk and "three" was cut: copies; so are joined lines. */
	ck_assert_str_eq(pl.seen.data, "1one;0two;0three;0x\ny;0last;");
	sse_free(f);
	buf_release(&pl.seen);
}
END_TEST

START_TEST(a_reader_error_stops_the_feed_with_its_cause)
{
	struct sse *f = sse_new(1024);
	struct events ev = {.stop_after = 2};
	buf_init(&ev.all, 0);
	char *cause = NULL;
	const char *s = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
	ck_assert_int_eq(sse_feed(f, s, strlen(s), collect, &ev, &cause), -1);
	ck_assert_str_eq(cause, "reader: stop at event 2");
	ck_assert_str_eq(ev.all.data, "[1][2]");
	ck_assert_int_eq(sse_finish(f, collect, &ev, &cause), -1);
	ck_assert_str_eq(ev.all.data, "[1][2]");
	free(cause);
	sse_free(f);
	buf_release(&ev.all);
	sse_free(NULL);
}
END_TEST

static Suite *sse_suite(void)
{
	Suite *s = suite_create("sse");
	TCase *tc = tcase_create("framing");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, each_separator_ends_an_event);
	tcase_add_test(tc, mixed_separators_and_line_ends);
	tcase_add_test(tc, data_lines_join_with_newlines);
	tcase_add_test(tc, crlf_cut_between_cr_and_lf_is_one_line_end);
	tcase_add_test(tc, other_fields_and_comments_are_ignored);
	tcase_add_test(tc, last_event_without_a_blank_line);
	tcase_add_test(tc, empty_payloads_are_not_events);
	tcase_add_test(tc, utf8_cut_across_feeds_arrives_whole);
	tcase_add_test(tc, an_event_over_the_limit_is_refused);
	tcase_add_test(tc, a_big_event_across_many_chunks);
	tcase_add_test(tc, text_outside_data_lines_is_kept_as_stray);
	tcase_add_test(tc, stray_text_is_bounded);
	tcase_add_test(tc, a_reader_error_stops_the_feed_with_its_cause);
	tcase_add_test(tc, a_one_line_event_whole_in_a_chunk_is_passed_in_place);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(sse_suite)
