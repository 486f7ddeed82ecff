/*
 * Unit tests for the pull scanner under the streamed-event fast path: what
 * it decodes, and that it refuses what it is not sure of.
 */
#include "jarvis/json_scan.h"

#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* The decoded string at the start of json, or NULL when the scanner refuses it. */
static char *decoded(const char *json)
{
	struct json_scan s;
	struct buf b;
	json_scan_init(&s, json, strlen(json));
	buf_init(&b, 0);
	if (!json_scan_string(&s, &b, NULL) || !json_scan_done(&s)) {
		buf_release(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void check_decoded(const char *json, const char *want)
{
	char *got = decoded(json);
	ck_assert_msg(got != NULL, "%s refused", json);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(strings_decode_every_escape)
{
	check_decoded("\"plain\"", "plain");
	check_decoded("\"a\\nb\\tc\\rd\\\"e\\\\f\\/g\\bh\\fi\"", "a\nb\tc\rd\"e\\f/g\bh\fi");
	check_decoded("\"caf\\u00e9 \\u20AC\"", "caf\xc3\xa9 \xe2\x82\xac");
	check_decoded("\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!");
	check_decoded("\"raw \xc3\xa9 stays\"", "raw \xc3\xa9 stays");
	/* A NUL would cut the text wherever it is kept as a C string. */
	check_decoded("\"a\\u0000b\"", "a\xef\xbf\xbd"
	                               "b");
	check_decoded("  \"\"  ", "");
}
END_TEST

START_TEST(strings_it_is_unsure_of_are_refused)
{
	const char *bad[] = {
	    "\"unterminated",
	    "\"lone high \\ud83d\"",
	    "\"lone low \\ude00\"",
	    "\"bad \\x escape\"",
	    "\"short \\u12\"",
	    "\"raw\ttab\"",
	    "\"end \\",
	    "\"high then text \\ud83dxx\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *got = decoded(bad[i]);
		ck_assert_msg(got == NULL, "%s was taken as \"%s\"", bad[i], got);
	}
}
END_TEST

/* The scanner steps over plain bytes eight at a time: each special byte at each offset. */
START_TEST(special_bytes_are_found_at_every_offset)
{
	for (size_t at = 0; at < 24; at++) {
		char json[40];
		memset(json, 'a', sizeof json);
		json[0] = '"';
		json[39] = '\0';
		json[38] = '"';
		json[1 + at] = '\\';
		json[2 + at] = 'n';
		char *got = decoded(json);
		ck_assert_msg(got != NULL && strlen(got) == 36 && got[at] == '\n', "escape at %zu",
		              at);
		free(got);
		json[1 + at] = '\x1f';
		ck_assert_msg(decoded(json) == NULL, "control byte at %zu taken", at);
		json[1 + at] = '"';
		got = decoded(json);
		ck_assert_msg(got == NULL, "string did not end at the quote at %zu", at);
		json[1 + at] = '\xc3';
		json[2 + at] = '\xa9';
		got = decoded(json);
		ck_assert_msg(got != NULL && strlen(got) == 37, "high bytes at %zu", at);
		free(got);
	}
}
END_TEST

/*
 * Long strings with two escapes anywhere, decoded after text already in
 * the buffer, against what they must give; the same strings skipped; and a
 * refused string leaves the buffer as it was. Sixteen-byte blocks are
 * copied ahead of the escapes, so every place relative to them matters.
 */
START_TEST(long_strings_decode_the_same_at_every_offset)
{
	for (size_t len = 1; len < 70; len += 3)
		for (size_t i = 0; i < len; i++)
			for (size_t j = i + 2; j < len; j += 5) {
				struct buf json, want, out;
				buf_init(&json, 0);
				buf_init(&want, 0);
				buf_init(&out, 0);
				buf_addstr(&json, "\"");
				for (size_t k = 0; k < len; k++) {
					if (k == i || k == j) {
						buf_addstr(&json, k == i ? "\\n" : "\\u00e9");
						buf_addstr(&want, k == i ? "\n" : "\xc3\xa9");
					} else {
						char c = (char)('a' + k % 26);
						buf_add(&json, &c, 1);
						buf_add(&want, &c, 1);
					}
				}
				buf_addstr(&json, "\" tail");
				buf_addstr(&out, "kept ");
				struct json_scan s;
				json_scan_init(&s, json.data, json.len);
				ck_assert(json_scan_string(&s, &out, NULL));
				ck_assert_str_eq(out.data + 5, want.data);
				ck_assert_uint_eq(out.len, 5 + want.len);
				ck_assert_str_eq(s.p, " tail");
				json_scan_init(&s, json.data, json.len);
				ck_assert(json_scan_string(&s, NULL, NULL));
				ck_assert_str_eq(s.p, " tail");
				/* Cut before its end: refused, and the buffer is as it was. */
				buf_reset(&out);
				buf_addstr(&out, "kept");
				json_scan_init(&s, json.data, json.len - 6);
				ck_assert(!json_scan_string(&s, &out, NULL));
				ck_assert_str_eq(out.data, "kept");
				buf_release(&json);
				buf_release(&want);
				buf_release(&out);
			}
}
END_TEST

static bool skips_whole(const char *json)
{
	struct json_scan s;
	json_scan_init(&s, json, strlen(json));
	return json_scan_skip(&s) && json_scan_done(&s);
}

START_TEST(skip_takes_json_values_and_refuses_broken_ones)
{
	const char *good[] = {
	    "0",
	    "-1.5e+10",
	    "12.25",
	    "true",
	    "false",
	    "null",
	    "[]",
	    "{}",
	    " [1, [2, {}], \"x\"] ",
	    "{\"a\": {\"b\": [null, {\"c\": -0}]}, \"d\": \"\\u00e9\"}",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(skips_whole(good[i]), "%s refused", good[i]);
	const char *bad[] = {
	    "01",       "1.",         "-",      ".5", "1e",       "tru", "[1,]", "[1 2]", "{\"a\"}",
	    "{\"a\":}", "{\"a\":1,}", "{1: 2}", "[",  "{\"a\":1", "nul", "",     "1 2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!skips_whole(bad[i]), "%s taken", bad[i]);
}
END_TEST

START_TEST(skip_refuses_nesting_deeper_than_it_follows)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 200; i++)
		buf_addstr(&b, "[");
	for (int i = 0; i < 200; i++)
		buf_addstr(&b, "]");
	ck_assert(!skips_whole(b.data));
	buf_release(&b);
	ck_assert(skips_whole("[[[[[[[[[[]]]]]]]]]]"));
}
END_TEST

static bool count_of(const char *json, long *v)
{
	struct json_scan s;
	json_scan_init(&s, json, strlen(json));
	return json_scan_count(&s, v) && json_scan_done(&s);
}

START_TEST(counts_are_plain_non_negative_integers)
{
	long v = -1;
	ck_assert(count_of("0", &v));
	ck_assert_int_eq(v, 0);
	ck_assert(count_of(" 41250", &v));
	ck_assert_int_eq(v, 41250);
	ck_assert(count_of("999999999999999", &v));
	ck_assert_int_eq(v, 999999999999999L);
	const char *bad[] = {"-1", "1.0", "1e3", "007", "1000000000000000", "\"1\"", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!count_of(bad[i], &v), "%s taken as a count", bad[i]);
}
END_TEST

START_TEST(keys_and_members)
{
	const char *json = "{ \"candidates\" : [1] , \"x\":2}";
	struct json_scan s;
	char key[16];
	bool more;
	json_scan_init(&s, json, strlen(json));
	ck_assert(json_scan_take(&s, '{'));
	ck_assert(json_scan_key(&s, key, sizeof key));
	ck_assert_str_eq(key, "candidates");
	ck_assert(json_scan_skip(&s));
	ck_assert(json_scan_next(&s, '}', &more));
	ck_assert(more);
	ck_assert(json_scan_key(&s, key, sizeof key));
	ck_assert_str_eq(key, "x");
	ck_assert(json_scan_skip(&s));
	ck_assert(json_scan_next(&s, '}', &more));
	ck_assert(!more);
	ck_assert(json_scan_done(&s));
	/* A key longer than the caller's room, or with an escape, is refused. */
	json_scan_init(&s, "\"averyveryverylongkey\": 1", 25);
	ck_assert(!json_scan_key(&s, key, sizeof key));
	json_scan_init(&s, "\"t\\u0065xt\": 1", 14);
	ck_assert(!json_scan_key(&s, key, sizeof key));
	/* Without a copy: where it is, and what follows its colon. */
	const char *k;
	size_t n;
	json_scan_init(&s, "\"usageMetadataAndMore\" :{", 25);
	ck_assert(json_scan_key_ref(&s, &k, &n));
	ck_assert_uint_eq(n, 20);
	ck_assert(strncmp(k, "usageMetadataAndMore", n) == 0);
	ck_assert_int_eq(json_scan_peek(&s), '{');
	json_scan_init(&s, "\"no end", 7);
	ck_assert(!json_scan_key_ref(&s, &k, &n));
}
END_TEST

/* {"k": [12, "v"]} in any spacing: the same steps, and the same place after each. */
static void walk_spaced(const char *json)
{
	struct json_scan s;
	const char *k;
	size_t n;
	long v;
	bool more;
	json_scan_init(&s, json, strlen(json));
	ck_assert_msg(json_scan_take(&s, '{'), "%s", json);
	ck_assert_msg(!json_scan_take(&s, '}'), "%s", json);
	ck_assert_msg(json_scan_key_ref(&s, &k, &n) && n == 1 && *k == 'k', "%s", json);
	ck_assert_msg(json_scan_take(&s, '['), "%s", json);
	ck_assert_msg(json_scan_count(&s, &v) && v == 12, "%s", json);
	ck_assert_msg(json_scan_next(&s, ']', &more) && more, "%s", json);
	ck_assert_msg(json_scan_peek(&s) == '"' && json_scan_skip(&s), "%s", json);
	ck_assert_msg(json_scan_next(&s, ']', &more) && !more, "%s", json);
	ck_assert_msg(json_scan_next(&s, '}', &more) && !more, "%s", json);
	ck_assert_msg(json_scan_done(&s), "%s", json);
}

START_TEST(steps_read_the_same_with_or_without_white_space)
{
	walk_spaced("{\"k\":[12,\"v\"]}");
	walk_spaced("{\"k\": [12, \"v\"]}");
	walk_spaced(" { \"k\" : [ 12 , \"v\" ] } ");
	walk_spaced("\t{\n\"k\"\r\n:\n\n[\t12\n,\r\"v\"\n]\n}\n");
	walk_spaced("{\"k\":  [12  ,  \"v\"  ]  }");
	/* A step that does not match leaves the byte for the next one. */
	struct json_scan s;
	bool more = false;
	json_scan_init(&s, " ;", 2);
	ck_assert(!json_scan_take(&s, ','));
	ck_assert(!json_scan_next(&s, '}', &more));
	ck_assert_int_eq(json_scan_peek(&s), ';');
	/* A key is refused without its colon, and a count stops at what follows it. */
	const char *k;
	size_t n;
	long v;
	json_scan_init(&s, "\"k\" 1", 5);
	ck_assert(!json_scan_key_ref(&s, &k, &n));
	json_scan_init(&s, "41,", 3);
	ck_assert(json_scan_count(&s, &v));
	ck_assert_int_eq(v, 41);
	ck_assert_int_eq(json_scan_peek(&s), ',');
	/* The end of the text is the end, whatever the bytes after it. */
	json_scan_init(&s, "{\"k\":1}", 1);
	ck_assert(json_scan_take(&s, '{'));
	ck_assert(!json_scan_key_ref(&s, &k, &n));
	json_scan_init(&s, "12,", 2);
	ck_assert(json_scan_count(&s, &v) && json_scan_done(&s));
	json_scan_init(&s, ",", 0);
	ck_assert(!json_scan_next(&s, ']', &more));
}
END_TEST

START_TEST(a_string_into_a_full_buffer_says_so)
{
	struct json_scan s;
	struct buf b;
	bool truncated = false;
	buf_init(&b, 4);
	json_scan_init(&s, "\"abcdefgh\"", 10);
	ck_assert(json_scan_string(&s, &b, &truncated));
	ck_assert(truncated);
	ck_assert(json_scan_done(&s));
	buf_release(&b);
}
END_TEST

static Suite *json_scan_suite(void)
{
	Suite *s = suite_create("json_scan");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, strings_decode_every_escape);
	tcase_add_test(tc, strings_it_is_unsure_of_are_refused);
	tcase_add_test(tc, special_bytes_are_found_at_every_offset);
	tcase_add_test(tc, long_strings_decode_the_same_at_every_offset);
	tcase_add_test(tc, skip_takes_json_values_and_refuses_broken_ones);
	tcase_add_test(tc, skip_refuses_nesting_deeper_than_it_follows);
	tcase_add_test(tc, counts_are_plain_non_negative_integers);
	tcase_add_test(tc, keys_and_members);
	tcase_add_test(tc, a_string_into_a_full_buffer_says_so);
	tcase_add_test(tc, steps_read_the_same_with_or_without_white_space);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(json_scan_suite)
