/* Unit tests for the Markdown export of a conversation. */
#include "jarvis/export.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

/* 2024-05-01 12:34:56 UTC */
#define T0 1714566896000LL

static void utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

static struct conv *sample(void)
{
	struct conv *c = conv_new();
	c->title = xstrdup("Capital\nof Wyoming");
	c->model = xstrdup("gemini-3.5-flash");
	c->created_ms = T0;
	c->updated_ms = T0 + 60000;
	struct msg *u = conv_add(c, ROLE_USER, "What is the capital of **Wyoming**?");
	u->created_ms = T0;
	struct image img = {
	    .name = "map.png", .mime = "image/png", .size = 12646, .data_uri = "data:"};
	msg_add_image(u, &img);
	struct msg *a = conv_add(c, ROLE_MODEL, "It is Cheyenne.\n");
	a->model = xstrdup("gemini-2.5-pro");
	a->created_ms = T0 + 60000;
	return c;
}

static char *export_conv(const struct conv *c)
{
	return export_markdown(c, (const struct msg *const *)c->msgs, c->n);
}

START_TEST(title_roles_times_and_text)
{
	utc();
	struct conv *c = sample();
	char *md = export_conv(c);
	ck_assert_msg(strncmp(md, "# Capital of Wyoming\n\n", 22) == 0, "%s", md);
	ck_assert_ptr_nonnull(strstr(md, "## You · 2024-05-01 12:34\n\nWhat is the capital of "
	                                 "**Wyoming**?\n\n"));
	ck_assert_ptr_nonnull(
	    strstr(md, "## gemini-2.5-pro · 2024-05-01 12:35\n\nIt is Cheyenne.\n"));
	ck_assert_ptr_nonnull(strstr(md, "2 messages · model gemini-3.5-flash"));
	/* The user's turn comes before the answer. */
	ck_assert(strstr(md, "## You") < strstr(md, "## gemini-2.5-pro"));
	ck_assert_ptr_null(strstr(md, "Status"));
	ck_assert_int_eq(md[strlen(md) - 1], '\n');
	ck_assert_int_ne(md[strlen(md) - 2], '\n');
	free(md);
	conv_free(c);
}
END_TEST

START_TEST(images_as_name_type_size)
{
	utc();
	struct conv *c = sample();
	char *md = export_conv(c);
	ck_assert_msg(strstr(md, "[image: map.png, image/png, 12.3 KiB]") != NULL, "%s", md);
	/* The data URI itself is not written out. */
	ck_assert_ptr_null(strstr(md, "data:"));
	free(md);
	conv_free(c);
}
END_TEST

START_TEST(status_when_not_complete)
{
	utc();
	struct conv *c = sample();
	struct msg *a = conv_last(c);
	a->status = MSG_INTERRUPTED;
	char *md = export_conv(c);
	ck_assert_msg(strstr(md, "*Status: interrupted; the answer is incomplete.*") != NULL, "%s",
	              md);
	free(md);

	a->status = MSG_BLOCKED;
	a->finish_reason = xstrdup("SAFETY");
	md = export_conv(c);
	ck_assert_msg(strstr(md, "*Status: blocked (SAFETY).*") != NULL, "%s", md);
	free(md);

	a->status = MSG_ERROR;
	md = export_conv(c);
	ck_assert_ptr_nonnull(strstr(md, "*Status: error; the answer failed (SAFETY).*"));
	free(md);

	a->status = MSG_COMPLETE;
	free(a->finish_reason);
	a->finish_reason = xstrdup("MAX_TOKENS");
	md = export_conv(c);
	ck_assert_ptr_nonnull(strstr(md, "*Finish reason: MAX_TOKENS.*"));
	free(md);
	conv_free(c);
}
END_TEST

START_TEST(model_name_falls_back_and_notices_skipped)
{
	utc();
	struct conv *c = conv_new();
	c->created_ms = c->updated_ms = T0;
	conv_add(c, ROLE_NOTICE, "logged in as Ann");
	struct msg *a = conv_add(c, ROLE_MODEL, "");
	a->created_ms = T0;
	a->status = MSG_ERROR;
	char *md = export_conv(c);
	ck_assert_msg(strncmp(md, "# Untitled conversation\n", 24) == 0, "%s", md);
	ck_assert_ptr_nonnull(strstr(md, "## Gemini · 2024-05-01 12:34\n\n*(no text)*"));
	ck_assert_ptr_nonnull(strstr(md, "*1 message · created"));
	ck_assert_ptr_null(strstr(md, "logged in as Ann"));
	free(md);
	c->model = xstrdup("gemini-3.5-flash");
	md = export_conv(c);
	ck_assert_ptr_nonnull(strstr(md, "## gemini-3.5-flash · "));
	free(md);
	conv_free(c);
}
END_TEST

START_TEST(times_follow_the_local_zone)
{
	setenv("TZ", "America/New_York", 1);
	tzset();
	char when[32];
	export_local_time(T0, when, sizeof when);
	ck_assert_str_eq(when, "2024-05-01 08:34");
	utc();
	export_local_time(T0, when, sizeof when);
	ck_assert_str_eq(when, "2024-05-01 12:34");
	export_local_time(0, when, sizeof when);
	ck_assert_str_eq(when, "unknown time");
}
END_TEST

START_TEST(sizes_for_people)
{
	char s[32];
	export_size(1, s, sizeof s);
	ck_assert_str_eq(s, "1 byte");
	export_size(812, s, sizeof s);
	ck_assert_str_eq(s, "812 bytes");
	export_size(4 * 1024 * 1024, s, sizeof s);
	ck_assert_str_eq(s, "4.0 MiB");
}
END_TEST

START_TEST(system_prompt_quoted)
{
	utc();
	struct conv *c = sample();
	c->system_prompt = xstrdup("Be brief.\nUse metric units.");
	char *md = export_conv(c);
	ck_assert_msg(strstr(md, "> Be brief.\n> Use metric units.\n") != NULL, "%s", md);
	free(md);
	conv_free(c);
}
END_TEST

static Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("markdown");
	tcase_add_test(tc, title_roles_times_and_text);
	tcase_add_test(tc, images_as_name_type_size);
	tcase_add_test(tc, status_when_not_complete);
	tcase_add_test(tc, model_name_falls_back_and_notices_skipped);
	tcase_add_test(tc, times_follow_the_local_zone);
	tcase_add_test(tc, sizes_for_people);
	tcase_add_test(tc, system_prompt_quoted);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(export_suite)
