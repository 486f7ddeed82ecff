/* Unit tests for the line editor and the input history. */
#include "jarvis/editor.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static void setup(void)
{
	setlocale(LC_ALL, "C.UTF-8");
}

#define ASSERT_STATE(e, text, cursor)                                                              \
	do {                                                                                       \
		ck_assert_str_eq(editor_text(e), text);                                            \
		ck_assert_uint_eq(editor_cursor(e), cursor);                                       \
	} while (0)

START_TEST(emacs_keys)
{
	struct editor *e = editor_new();
	editor_insert_str(e, "hello world");
	editor_home(e);       /* Ctrl-A */
	editor_word_right(e); /* Alt-F */
	ASSERT_STATE(e, "hello world", 5);
	editor_kill_eol(e); /* Ctrl-K */
	ASSERT_STATE(e, "hello", 5);
	editor_home(e);
	editor_yank(e); /* Ctrl-Y */
	ASSERT_STATE(e, " worldhello", 6);
	editor_end(e);       /* Ctrl-E */
	editor_word_left(e); /* Alt-B */
	ASSERT_STATE(e, " worldhello", 1);
	editor_clear(e);

	/* Two Ctrl-W in a row make one kill that Ctrl-Y puts back whole. */
	editor_insert_str(e, "one two three");
	editor_kill_word_back(e);
	ASSERT_STATE(e, "one two ", 8);
	editor_kill_word_back(e);
	ASSERT_STATE(e, "one ", 4);
	editor_yank(e);
	ASSERT_STATE(e, "one two three", 13);

	/* Ctrl-U kills to the line start, then the line break before it. */
	editor_set_text(e, "first\nsecond");
	editor_kill_bol(e);
	ASSERT_STATE(e, "first\n", 6);
	editor_kill_bol(e);
	ASSERT_STATE(e, "first", 5);
	editor_yank(e);
	ASSERT_STATE(e, "first\nsecond", 12);

	/* Ctrl-K at a line end joins the next line. */
	editor_set_cursor(e, 5);
	editor_kill_eol(e);
	ASSERT_STATE(e, "firstsecond", 5);

	/* Backspace, Delete, Left, Right at the edges. */
	editor_set_text(e, "ab");
	ck_assert(!editor_right(e));
	ck_assert(editor_delete_back(e));
	ASSERT_STATE(e, "a", 1);
	editor_home(e);
	ck_assert(!editor_left(e));
	ck_assert(!editor_delete_back(e));
	ck_assert(editor_delete_forward(e));
	ASSERT_STATE(e, "", 0);
	editor_free(e);
}
END_TEST

/* Found by fuzzing: Ctrl-U Ctrl-Y Ctrl-Y doubles the text each time, so a
 * few dozen rounds asked for terabytes. Yank stops at EDITOR_YANK_MAX. */
START_TEST(yank_cannot_grow_the_text_without_bound)
{
	struct editor *e = editor_new();
	char line[1024];
	memset(line, 'x', sizeof line);
	editor_insert(e, line, sizeof line);
	bool refused = false;
	for (int round = 0; round < 40; round++) {
		editor_kill_bol(e);
		refused |= !editor_yank(e);
		refused |= !editor_yank(e);
		ck_assert_uint_le(strlen(editor_text(e)), EDITOR_YANK_MAX);
	}
	ck_assert(refused);
	/* A refused yank changed nothing: the text is still whole kills. */
	ck_assert_uint_eq(strlen(editor_text(e)) % sizeof line, 0);
	editor_free(e);
}
END_TEST

START_TEST(cursor_moves_by_what_is_seen)
{
	struct editor *e = editor_new();
	/* Persian with a ZWNJ (U+200C): 7 letters, 7 cursor stops. */
	editor_insert_str(e, "می\u200cخواهم");
	int lefts = 0;
	while (editor_left(e))
		lefts++;
	ck_assert_int_eq(lefts, 7);
	editor_right(e);
	editor_right(e); /* past "ی" and the ZWNJ that belongs to it */
	ck_assert_uint_eq(editor_cursor(e), strlen("می\u200c"));
	editor_delete_back(e);
	ASSERT_STATE(e, "مخواهم", strlen("م"));

	editor_set_text(e, "你好");
	editor_left(e);
	ASSERT_STATE(e, "你好", 3);
	struct editor_layout l;
	editor_layout(e, 80, &l);
	ck_assert_uint_eq(l.cur_row, 0);
	ck_assert_int_eq(l.cur_col, 2);

	editor_set_text(e, "a👍🏽b");
	editor_left(e);
	editor_left(e);
	ck_assert_uint_eq(editor_cursor(e), 1);
	editor_right(e);
	ck_assert_uint_eq(editor_cursor(e), 1 + strlen("👍🏽"));
	editor_delete_back(e);
	ASSERT_STATE(e, "ab", 1);

	editor_set_text(e, "👨\u200d👩\u200d👧!");
	editor_left(e);
	editor_left(e);
	ck_assert_uint_eq(editor_cursor(e), 0);
	editor_delete_forward(e);
	ASSERT_STATE(e, "!", 0);

	/* A combining mark typed after its base stays with it. */
	editor_set_text(e, "e");
	editor_insert_str(e, "\u0301");
	ck_assert(editor_left(e));
	ck_assert_uint_eq(editor_cursor(e), 0);
	editor_set_cursor(e, 2); /* inside "é": moved back to its start */
	ck_assert_uint_eq(editor_cursor(e), 0);
	editor_free(e);
}
END_TEST

START_TEST(paste_is_cleaned)
{
	struct editor *e = editor_new();
	const char paste[] = "a\r\nb\rc\td\x1b[31m\xff";
	editor_insert(e, paste, sizeof(paste) - 1);
	ASSERT_STATE(e, "a\nb\nc    d\u241b[31m\uFFFD", strlen("a\nb\nc    d\u241b[31m\uFFFD"));
	char *t = editor_get_text(e);
	ck_assert_str_eq(t, editor_text(e));
	free(t);
	editor_free(e);
}
END_TEST

START_TEST(up_down_keep_the_display_column)
{
	struct editor *e = editor_new();
	editor_set_text(e, "你好abc\nabcdef");
	ck_assert(!editor_down(e, 80)); /* last row: history takes over */
	ck_assert(editor_up(e, 80));    /* from column 6 */
	ck_assert_uint_eq(editor_cursor(e), strlen("你好ab"));
	ck_assert(!editor_up(e, 80));
	ck_assert(editor_down(e, 80));
	ck_assert_uint_eq(editor_cursor(e), strlen("你好abc\nabcdef"));
	/* Column 3 is the right half of 好: the cursor goes before it. */
	editor_set_cursor(e, strlen("你好abc\nabc"));
	ck_assert(editor_up(e, 80));
	ck_assert_uint_eq(editor_cursor(e), strlen("你"));
	/* Rows of a wrapped line count too. */
	editor_set_text(e, "aaaa bbbb cccc");
	ck_assert(editor_up(e, 5));
	ck_assert_uint_eq(editor_cursor(e), strlen("aaaa bbbb"));
	ck_assert(editor_up(e, 5));
	ck_assert_uint_eq(editor_cursor(e), 4);
	editor_free(e);
}
END_TEST

START_TEST(layout_for_the_input_pane)
{
	struct editor *e = editor_new();
	struct editor_layout l;
	editor_layout(e, 10, &l);
	ck_assert_uint_eq(l.nrows, 1);
	ck_assert_uint_eq(l.cur_row, 0);
	ck_assert_int_eq(l.cur_col, 0);

	editor_set_text(e, "abcd");
	editor_layout(e, 4, &l); /* a full row: the cursor gets a new row */
	ck_assert_uint_eq(l.nrows, 2);
	ck_assert_uint_eq(l.cur_row, 1);
	ck_assert_int_eq(l.cur_col, 0);

	editor_set_text(e, "ab你好\nx");
	editor_layout(e, 4, &l); /* "ab你" | "好" | "x" */
	ck_assert_uint_eq(l.nrows, 3);
	ck_assert_uint_eq(editor_layout_row(&l, 1)->off, strlen("ab你"));
	ck_assert_int_eq(editor_layout_row(&l, 1)->width, 2);
	ck_assert_uint_eq(l.cur_row, 2);
	ck_assert_int_eq(l.cur_col, 1);
	editor_left(e);
	editor_left(e);
	editor_layout(e, 4, &l);
	ck_assert_uint_eq(l.cur_row, 1);
	ck_assert_int_eq(l.cur_col, 2);
	editor_free(e);
}
END_TEST

START_TEST(recall_keeps_the_draft)
{
	struct recall *h = recall_new(0);
	ck_assert_ptr_null(recall_up(h, "x"));
	recall_add(h, "first");
	recall_add(h, "first"); /* duplicate of the previous: skipped */
	recall_add(h, "");
	recall_add(h, "  \n ");
	recall_add(h, "second");
	ck_assert_uint_eq(recall_count(h), 2);
	ck_assert_str_eq(recall_up(h, "my draft"), "second");
	ck_assert_str_eq(recall_up(h, "second"), "first");
	ck_assert_ptr_null(recall_up(h, "first"));
	ck_assert_str_eq(recall_down(h, "first"), "second");
	ck_assert_str_eq(recall_down(h, "second"), "my draft");
	ck_assert_ptr_null(recall_down(h, "my draft"));
	recall_free(h);

	h = recall_new(3);
	recall_add(h, "1");
	recall_add(h, "2");
	recall_add(h, "3");
	recall_add(h, "4");
	ck_assert_uint_eq(recall_count(h), 3);
	ck_assert_str_eq(recall_get(h, 0), "2");
	ck_assert_str_eq(recall_get(h, 2), "4");
	recall_free(h);
}
END_TEST

START_TEST(recall_round_trip_through_a_file)
{
	char dir[] = "/tmp/jarvis-hist-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/state/jarvis/history", dir);
	struct recall *h = recall_new(10);
	recall_add(h, "plain");
	recall_add(h, "two\nlines");
	recall_add(h, "back\\slash and \\n literal");
	recall_add(h, "trailing newline\n");
	char *cause = NULL;
	ck_assert_int_eq(recall_save(h, path, &cause), 0);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/state/jarvis", dir);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);

	struct recall *back = recall_new(10);
	ck_assert_int_eq(recall_load(back, path, &cause), 0);
	ck_assert_uint_eq(recall_count(back), 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(recall_get(back, i), recall_get(h, i));
	/* One record per entry in the file. */
	FILE *f = fopen(path, "r");
	int lines = 0, c;
	while ((c = fgetc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	ck_assert_int_eq(lines, 4);
	/* A missing file is an empty history, not an error. */
	struct recall *none = recall_new(10);
	snprintf(sub, sizeof(sub), "%s/nope", dir);
	ck_assert_int_eq(recall_load(none, sub, &cause), 0);
	ck_assert_uint_eq(recall_count(none), 0);
	recall_free(none);
	recall_free(back);
	recall_free(h);
	unlink(path);
	snprintf(sub, sizeof(sub), "%s/state/jarvis", dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/state", dir);
	rmdir(sub);
	rmdir(dir);
}
END_TEST

/* Reads path whole into buf (NUL-terminated); the number of bytes, or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

/* Issue 10: the history was written to a predictable path.tmp with O_TRUNC,
 * following whatever link stood there, and then renamed into place. */
START_TEST(recall_file_is_written_safely)
{
	char dir[] = "/tmp/jarvis-hist-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256], tmp[300], victim[256], buf[256];
	snprintf(path, sizeof(path), "%s/history", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	FILE *f = fopen(victim, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not yours\n", f);
	fclose(f);
	/* A link at the old temporary name and one at the file itself. */
	ck_assert_int_eq(symlink(victim, tmp), 0);
	struct recall *h = recall_new(10);
	recall_add(h, "first question");
	char *cause = NULL;
	mode_t old = umask(0);
	ck_assert_int_eq(recall_save(h, path, &cause), 0);
	umask(old);
	ck_assert_int_eq(slurp(victim, buf, sizeof buf), 10);
	ck_assert_str_eq(buf, "not yours\n");
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(slurp(path, buf, sizeof buf), 15);
	ck_assert_str_eq(buf, "first question\n");

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(victim, path), 0);
	recall_add(h, "second");
	ck_assert_int_eq(recall_save(h, path, &cause), 0);
	ck_assert_int_eq(slurp(victim, buf, sizeof buf), 10);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(slurp(path, buf, sizeof buf), 22);
	/* A link is not read as the history either. */
	struct recall *back = recall_new(10);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(recall_load(back, path, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "symbolic link"));
	free(cause);
	ck_assert_uint_eq(recall_count(back), 0);

	/* Nothing but the victim, the two links and the history is left behind. */
	char cmd[300];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 3", dir);
	ck_assert_int_eq(system(cmd), 0);
	recall_free(back);
	recall_free(h);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Ctrl-_ undoes a word of typing, a run of Backspace, a kill, a yank, a set_text. */
START_TEST(undo_goes_back_one_edit_at_a_time)
{
	struct editor *e = editor_new();
	ck_assert(!editor_undo(e)); /* nothing yet */
	for (const char *p = "hello big world"; *p; p++)
		editor_insert(e, p, 1);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "hello big ", 10);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "hello ", 6);

	/* Three Backspaces are one step; a move in between makes two. */
	editor_insert_str(e, "there");
	editor_delete_back(e);
	editor_delete_back(e);
	editor_delete_back(e);
	ASSERT_STATE(e, "hello th", 8);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "hello there", 11);
	editor_home(e);
	editor_delete_forward(e);
	editor_end(e);
	editor_delete_back(e);
	ASSERT_STATE(e, "ello ther", 9);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "ello there", 10);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "hello there", 0); /* the cursor where it was before that edit */

	/* A kill and its yank are a step each; so is a replacement (Up, Tab). */
	editor_end(e);
	editor_kill_word_back(e);
	ASSERT_STATE(e, "hello ", 6);
	editor_home(e);
	editor_yank(e);
	ASSERT_STATE(e, "therehello ", 5);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "hello ", 0);
	editor_set_text(e, "recalled line");
	ck_assert(editor_undo(e));
	ck_assert_str_eq(editor_text(e), "hello ");
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, "hello there", 11);

	/* A group (a paste) is one step; what is typed after it another. */
	editor_set_text(e, "");
	editor_undo_group(e, true);
	for (const char *p = "one two\nthree"; *p; p++)
		editor_insert(e, p, 1);
	editor_undo_group(e, false);
	editor_insert_str(e, "x");
	ck_assert(editor_undo(e));
	ck_assert_str_eq(editor_text(e), "one two\nthree");
	ck_assert(editor_undo(e));
	ck_assert_str_eq(editor_text(e), "");

	/* Clearing (after a send, a wiped password) forgets every step. */
	editor_insert_str(e, "/login a@b.c secret");
	editor_clear(e);
	ck_assert(!editor_undo(e));
	ASSERT_STATE(e, "", 0);
	editor_free(e);
}
END_TEST

/* The steps kept are bounded: the oldest go first. */
START_TEST(undo_keeps_a_bounded_number_of_steps)
{
	struct editor *e = editor_new();
	for (int i = 0; i < 1000; i++) {
		editor_insert_str(e, "w");
		editor_left(e); /* a move: the next word is a step of its own */
		editor_right(e);
	}
	int undone = 0;
	while (editor_undo(e))
		undone++;
	ck_assert_int_eq(undone, 256);
	ck_assert_uint_eq(editor_len(e), 1000 - 256);
	editor_free(e);
}
END_TEST

/* Alt-Backspace and Alt-D kill by the words Alt-B and Alt-F move by. */
START_TEST(alt_backspace_and_alt_d_kill_words)
{
	struct editor *e = editor_new();
	editor_insert_str(e, "see /usr/local/bin now");
	editor_word_left(e); /* before "now" */
	editor_kill_prev_word(e);
	ASSERT_STATE(e, "see /usr/local/now", 15);
	editor_kill_prev_word(e); /* a second kill joins the first */
	ASSERT_STATE(e, "see /usr/now", 9);
	editor_kill_next_word(e); /* forward: added at the end of the same kill */
	ASSERT_STATE(e, "see /usr/", 9);
	editor_home(e);
	editor_yank(e);
	ASSERT_STATE(e, "local/bin nowsee /usr/", 13);
	editor_set_text(e, "one two");
	editor_home(e);
	editor_kill_next_word(e);
	ASSERT_STATE(e, " two", 0);
	editor_yank(e);
	ASSERT_STATE(e, "one two", 3);
	ck_assert(editor_undo(e));
	ASSERT_STATE(e, " two", 0);
	editor_free(e);
}
END_TEST

/* Ctrl-R: newest first, older on each press, either case, offset of the match. */
START_TEST(recall_search_finds_older_entries)
{
	struct recall *h = recall_new(10);
	recall_add(h, "explain the Makefile");
	recall_add(h, "what is a monad");
	recall_add(h, "fix the makefile rule");
	size_t i, at;
	ck_assert(recall_search(h, "make", recall_count(h), &i, &at));
	ck_assert_uint_eq(i, 2);
	ck_assert_uint_eq(at, 8);
	ck_assert(recall_search(h, "make", i, &i, &at));
	ck_assert_uint_eq(i, 0);
	ck_assert_uint_eq(at, 12);
	ck_assert(!recall_search(h, "make", i, &i, &at));
	ck_assert(!recall_search(h, "", recall_count(h), &i, &at));
	ck_assert(!recall_search(h, "nowhere", recall_count(h), &i, &at));
	ck_assert(recall_search(h, "MONAD", 99, &i, &at));
	ck_assert_uint_eq(i, 1);
	recall_free(h);
}
END_TEST

static Suite *editor_suite(void)
{
	Suite *s = suite_create("editor");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, emacs_keys);
	tcase_add_test(tc, yank_cannot_grow_the_text_without_bound);
	tcase_add_test(tc, cursor_moves_by_what_is_seen);
	tcase_add_test(tc, paste_is_cleaned);
	tcase_add_test(tc, up_down_keep_the_display_column);
	tcase_add_test(tc, layout_for_the_input_pane);
	tcase_add_test(tc, recall_keeps_the_draft);
	tcase_add_test(tc, recall_round_trip_through_a_file);
	tcase_add_test(tc, recall_file_is_written_safely);
	tcase_add_test(tc, undo_goes_back_one_edit_at_a_time);
	tcase_add_test(tc, undo_keeps_a_bounded_number_of_steps);
	tcase_add_test(tc, alt_backspace_and_alt_d_kill_words);
	tcase_add_test(tc, recall_search_finds_older_entries);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(editor_suite)
