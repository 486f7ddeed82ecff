/*
 * Unit tests for what /copy picks (clip.h): answers counted back from the
 * newest, code blocks counted from the top as a reader sees them, and the
 * OSC 52 sequence with its base64.
 */
#include "jarvis/clip.h"

#include <stdlib.h>
#include <string.h>

#include "unit.h"

START_TEST(answers_count_back_and_skip_replaced_ones)
{
	struct conv *c = conv_new();
	size_t count;
	ck_assert_ptr_null(clip_answer(c, 1, &count));
	ck_assert_uint_eq(count, 0);
	conv_add(c, ROLE_USER, "q1");
	conv_add(c, ROLE_MODEL, "first");
	conv_add(c, ROLE_NOTICE, "a notice");
	conv_add(c, ROLE_USER, "q2");
	conv_add(c, ROLE_MODEL, "replaced")->status = MSG_REPLACED;
	conv_add(c, ROLE_MODEL, "second");
	ck_assert_str_eq(clip_answer(c, 1, &count)->text.data, "second");
	ck_assert_uint_eq(count, 2);
	ck_assert_str_eq(clip_answer(c, 2, &count)->text.data, "first");
	ck_assert_ptr_null(clip_answer(c, 3, &count));
	conv_free(c);
}
END_TEST

START_TEST(code_blocks_are_their_content_alone)
{
	const char *md =
	    "Try this:\n\n```c\nint main(void)\n{\n\treturn 0;\n}\n```\n\nor\n\n"
	    "~~~~\n```not a fence```\n~~~~\n\n    indented();\n\nand `inline` is not.\n";
	size_t count;
	char *one = clip_code_block(md, strlen(md), 1, &count);
	ck_assert_uint_eq(count, 2); /* fenced blocks: an indented one is not counted */
	ck_assert_str_eq(one, "int main(void)\n{\n\treturn 0;\n}\n");
	char *two = clip_code_block(md, strlen(md), 2, &count);
	ck_assert_str_eq(two, "```not a fence```\n");
	ck_assert_ptr_null(clip_code_block(md, strlen(md), 3, &count));
	/* In a list item the fence's indentation comes off the lines, no more. */
	const char *item = "1. step\n\n   ```sh\n   make\n     indented\n   ```\n";
	char *three = clip_code_block(item, strlen(item), 1, &count);
	ck_assert_str_eq(three, "make\n  indented\n");
	ck_assert_ptr_null(clip_code_block("no code", 7, 1, &count));
	ck_assert_uint_eq(count, 0);
	/* A fence still open (an answer cut short) holds what came. */
	char *open = clip_code_block("```\npartial\n", 12, 1, &count);
	ck_assert_str_eq(open, "partial\n");
	free(one);
	free(two);
	free(three);
	free(open);
}
END_TEST

START_TEST(osc52_carries_the_text_in_base64)
{
	char *seq = clip_osc52("héllo\n", strlen("héllo\n"));
	ck_assert_str_eq(seq, "\033]52;c;aMOpbGxvCg==\a");
	free(seq);
	seq = clip_osc52("", 0);
	ck_assert_str_eq(seq, "\033]52;c;\a");
	free(seq);
}
END_TEST

static Suite *clip_suite(void)
{
	Suite *s = suite_create("clip");
	TCase *tc = tcase_create("clip");
	tcase_add_test(tc, answers_count_back_and_skip_replaced_ones);
	tcase_add_test(tc, code_blocks_are_their_content_alone);
	tcase_add_test(tc, osc52_carries_the_text_in_base64);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(clip_suite)
