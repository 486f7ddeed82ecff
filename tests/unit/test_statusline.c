/*
 * Unit tests for the status line's priorities (statusline.h): the title is
 * shortened first, the streaming state and the quota stay longest, an
 * error gives up its long form before the model goes.
 */
#include "jarvis/statusline.h"

#include <string.h>

#include "jarvis/utf8.h"
#include "unit.h"

enum { USER, MODEL, TITLE, ERR, STREAM, QUOTA, STORE, HELP, CTX, HINT, N };

static void items_init(struct status_item *it, const char *error)
{
	memset(it, 0, N * sizeof *it);
	it[USER] = (struct status_item){{"guest"}, 0, 0, PRIO_USER_DROP, false, USER, 0, 0};
	it[MODEL] = (struct status_item){
	    {"gemini-3.5-flash"}, 10, PRIO_MODEL_CUT, PRIO_MODEL_DROP, false, MODEL, 0, 0};
	it[TITLE] = (struct status_item){{"A rather long conversation title about rate limits"},
	                                 10,
	                                 PRIO_TITLE_CUT,
	                                 PRIO_TITLE_DROP,
	                                 false,
	                                 TITLE,
	                                 0,
	                                 0};
	it[ERR] = (struct status_item){{error, "retrying in 2.0 s (try 2 of 5)", "⚠ see above"},
	                               0,
	                               PRIO_ERROR_CUT,
	                               STATUS_KEEP,
	                               true,
	                               ERR,
	                               0,
	                               0};
	it[STREAM] = (struct status_item){{"⠋ streaming 41 tok/s", "⠋ 41 tok/s", "⠋"},
	                                  0,
	                                  PRIO_STREAM_CUT,
	                                  STATUS_KEEP,
	                                  true,
	                                  STREAM,
	                                  0,
	                                  0};
	it[QUOTA] = (struct status_item){{"RPM 9/10 RPD 499/500", "9/10 499/500"},
	                                 0,
	                                 PRIO_QUOTA_CUT,
	                                 PRIO_QUOTA_DROP,
	                                 true,
	                                 QUOTA,
	                                 0,
	                                 0};
	it[STORE] = (struct status_item){
	    {"store offline, 2 waiting"}, 0, 0, PRIO_STORE_DROP, true, STORE, 0, 0};
	it[HELP] = (struct status_item){{"F1 help"}, 0, 0, PRIO_HELP_DROP, true, HELP, 0, 0};
	it[CTX] = (struct status_item){{NULL}, 0, PRIO_CTX_DROP, PRIO_CTX_DROP, true, CTX, 0, 0};
	it[HINT] =
	    (struct status_item){{NULL}, 0, PRIO_HINT_DROP, PRIO_HINT_DROP, true, HINT, 0, 0};
}

static int used(const struct status_item *it);

/* The status bar's items while a 429's retry waits (statusbar.c), at cols. */
static void waiting_init(struct status_item *it, const char *user)
{
	items_init(it, NULL);
	it[USER].form[0] = user;
	it[TITLE].form[0] = "Fork Test";
	it[STREAM].form[0] = "⠇ retry in 6 s (try 2 of 3)";
	it[STREAM].form[1] = "⠇ retry in 6 s";
	it[STREAM].form[2] = "⠇ 6 s";
	it[QUOTA].form[0] = "RPM 997/1000 RPD 9979/10000";
	it[QUOTA].form[1] = NULL;
	it[STORE].form[0] = NULL;
	it[CTX].form[0] = "ctx 8/1M";
}

/* What no layout may do: cut an item that has no cut form, or cut one beside blanks. */
static void check_fit(const struct status_item *it, int cols)
{
	bool cut = false;
	for (int i = 0; i < N; i++) {
		if (it[i].shown < 0)
			continue;
		int full = (int)utf8_strwidth(it[i].form[it[i].shown]);
		if (it[i].width < full) {
			cut = true;
			ck_assert_int_gt(it[i].cut_min, 0); /* only what may be cut is */
			ck_assert_int_ge(it[i].width, it[i].cut_min);
		} else {
			ck_assert_int_eq(it[i].width, full);
		}
	}
	if (cut)
		ck_assert_int_eq(used(it), cols); /* no blank columns while something is cut */
	else
		ck_assert_int_le(used(it), cols);
}

static int used(const struct status_item *it)
{
	int side[2] = {0, 0}, count[2] = {0, 0};
	for (int i = 0; i < N; i++)
		if (it[i].shown >= 0) {
			side[it[i].right] += it[i].width;
			count[it[i].right]++;
		}
	int w = 0;
	for (int s = 0; s < 2; s++)
		if (count[s])
			w += side[s] + 3 * (count[s] - 1) + 1;
	return w + (count[0] && count[1]);
}

START_TEST(everything_fits_on_a_wide_line)
{
	struct status_item it[N];
	items_init(it, NULL);
	status_layout(it, N, 200);
	ck_assert_int_eq(it[ERR].shown, -1); /* no error: nothing shown */
	for (int i = 0; i < N; i++)
		if (it[i].form[0] != NULL)
			ck_assert_int_eq(it[i].shown, 0);
	ck_assert_int_le(used(it), 200);
}
END_TEST

START_TEST(the_title_is_shortened_first_then_help_and_store_go)
{
	struct status_item it[N];
	items_init(it, NULL);
	status_layout(it, N, 120);
	ck_assert_int_eq(it[TITLE].shown, 0);
	ck_assert_int_lt(it[TITLE].width, 50); /* cut */
	ck_assert_int_ge(it[TITLE].width, 10);
	ck_assert_int_eq(it[HELP].shown, 0);
	ck_assert_int_eq(used(it), 120);

	items_init(it, NULL);
	status_layout(it, N, 80);
	ck_assert_int_eq(it[HELP].shown, -1);
	ck_assert_int_eq(it[STREAM].shown, 0); /* the streaming state in full */
	ck_assert_int_eq(it[QUOTA].shown, 0);
	ck_assert_int_eq(it[MODEL].shown, 0);
	ck_assert_int_le(used(it), 80);
}
END_TEST

START_TEST(at_forty_columns_streaming_and_quota_stay)
{
	struct status_item it[N];
	items_init(it, NULL);
	status_layout(it, N, 40);
	ck_assert_int_ge(it[STREAM].shown, 0);
	ck_assert_int_ge(it[QUOTA].shown, 0);
	ck_assert_int_eq(it[TITLE].shown, -1);
	ck_assert_int_eq(it[USER].shown, -1);
	ck_assert_int_le(used(it), 40);
	/* Very narrow: the spinner alone still shows. */
	items_init(it, NULL);
	status_layout(it, N, 8);
	ck_assert_int_eq(it[STREAM].shown, 2);
	ck_assert_int_eq(it[QUOTA].shown, -1);
}
END_TEST

START_TEST(a_long_error_gives_up_its_long_form_before_the_model)
{
	const char *err = "gemini: 429 RESOURCE_EXHAUSTED: You exceeded your current quota, "
	                  "see https://ai.google.dev/gemini-api/docs/rate-limits; retrying "
	                  "in 2.0 s (try 2 of 5)";
	struct status_item it[N];
	items_init(it, err);
	status_layout(it, N, 120);
	ck_assert_int_eq(it[ERR].shown, 1); /* the part that says what happens next */
	ck_assert_int_eq(it[STREAM].shown, 0);
	ck_assert_int_eq(it[MODEL].shown, 0);
	ck_assert_int_le(used(it), 120);
	items_init(it, err);
	status_layout(it, N, 80); /* a pointer to the history, where it is in full */
	ck_assert_int_eq(it[ERR].shown, 2);
	ck_assert_int_eq(it[STREAM].shown, 0);
	ck_assert_int_eq(it[QUOTA].shown, 0);
	ck_assert_int_le(used(it), 80);
	items_init(it, "store: disk full");
	status_layout(it, N, 120);
	ck_assert_int_eq(it[ERR].shown, 0); /* a short one stays whole */
}
END_TEST

START_TEST(a_retry_wait_keeps_user_model_and_countdown_with_no_blank_padding)
{
	static const int widths[] = {40, 60, 80, 100, 120, 160};
	struct status_item it[N];
	for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
		int cols = widths[k];
		waiting_init(it, "Ada Lovelace");
		status_layout(it, N, cols);
		check_fit(it, cols);
		ck_assert_int_ge(it[STREAM].shown, 0); /* the countdown stays */
	}
	/* 80 columns: the countdown, the quota, the user and the model, all whole */
	waiting_init(it, "Ada Lovelace");
	status_layout(it, N, 80);
	ck_assert_int_le(it[STREAM].shown, 1);
	ck_assert_int_eq(it[QUOTA].shown, 0);
	ck_assert_int_eq(it[MODEL].width, (int)strlen("gemini-3.5-flash"));
	ck_assert_int_eq(it[USER].shown, 0);
	/* 120: the countdown with its try */
	waiting_init(it, "Ada Lovelace");
	status_layout(it, N, 120);
	ck_assert_int_eq(it[STREAM].shown, 0);
	ck_assert_int_eq(it[MODEL].shown, 0);
}
END_TEST

START_TEST(freed_space_goes_back_to_a_cut_item)
{
	/* The model was cut, then the user dropped: the model takes its columns back. */
	struct status_item it[N];
	for (int cols = 30; cols <= 140; cols++) {
		items_init(it,
		           "gemini: 429 RESOURCE_EXHAUSTED: quota; retrying in 9.0 s (try 2 of 3)");
		status_layout(it, N, cols);
		check_fit(it, cols);
		waiting_init(it, "Ada Lovelace");
		it[HINT].form[0] = "a message is queued already: Esc takes it back to edit";
		status_layout(it, N, cols);
		check_fit(it, cols);
	}
}
END_TEST

START_TEST(the_context_meter_is_whole_or_gone_after_the_quota)
{
	struct status_item it[N];
	for (int cols = 20; cols <= 140; cols++) {
		waiting_init(it, "Ada Lovelace");
		status_layout(it, N, cols);
		check_fit(it, cols);
		if (it[CTX].shown >= 0) {
			ck_assert_int_eq(it[CTX].width, (int)strlen("ctx 8/1M"));
			ck_assert_int_ge(it[QUOTA].shown, 0); /* the quota stays longer */
		}
	}
	waiting_init(it, "Ada Lovelace");
	status_layout(it, N, 80);
	ck_assert_int_eq(it[CTX].shown, -1); /* no room at 80: gone, not "8" */
	waiting_init(it, "Ada Lovelace");
	status_layout(it, N, 160);
	ck_assert_int_eq(it[CTX].shown, 0);
}
END_TEST

START_TEST(a_hint_is_whole_or_gone)
{
	const char *hint = "wait for the answer to end (or Esc to stop it), then compose";
	struct status_item it[N];
	for (int cols = 20; cols <= 200; cols += 5) {
		items_init(it, NULL);
		it[HINT].form[0] = hint;
		status_layout(it, N, cols);
		check_fit(it, cols);
		if (it[HINT].shown >= 0)
			ck_assert_int_eq(it[HINT].width, (int)strlen(hint));
		if (it[HINT].shown < 0 && cols >= 40)
			ck_assert_int_ge(it[STREAM].shown, 0);
	}
	items_init(it, NULL);
	it[HINT].form[0] = hint;
	status_layout(it, N, 80);
	ck_assert_int_eq(it[HINT].shown, -1); /* into the history */
	ck_assert_int_eq(it[MODEL].shown, 0); /* before the model or the user gives way */
	ck_assert_int_eq(it[USER].shown, 0);
	items_init(it, NULL);
	it[HINT].form[0] = "no completions";
	status_layout(it, N, 120);
	ck_assert_int_eq(it[HINT].shown, 0); /* a short one shows */
}
END_TEST

START_TEST(cut_bytes_leave_room_for_the_ellipsis)
{
	ck_assert_uint_eq(status_cut_bytes("short", 10), 5);
	ck_assert_uint_eq(status_cut_bytes("abcdefghij", 5), 4);
	/* a wide character is never split */
	ck_assert_uint_eq(status_cut_bytes("a你好", 4), 4); /* "a你" + "…" */
	ck_assert_uint_eq(status_cut_bytes("a你好", 3), 1);
}
END_TEST

static Suite *statusline_suite(void)
{
	Suite *s = suite_create("statusline");
	TCase *tc = tcase_create("statusline");
	tcase_add_test(tc, everything_fits_on_a_wide_line);
	tcase_add_test(tc, the_title_is_shortened_first_then_help_and_store_go);
	tcase_add_test(tc, at_forty_columns_streaming_and_quota_stay);
	tcase_add_test(tc, a_long_error_gives_up_its_long_form_before_the_model);
	tcase_add_test(tc, a_retry_wait_keeps_user_model_and_countdown_with_no_blank_padding);
	tcase_add_test(tc, freed_space_goes_back_to_a_cut_item);
	tcase_add_test(tc, the_context_meter_is_whole_or_gone_after_the_quota);
	tcase_add_test(tc, a_hint_is_whole_or_gone);
	tcase_add_test(tc, cut_bytes_leave_room_for_the_ellipsis);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(statusline_suite)
