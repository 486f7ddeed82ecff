/* Unit tests for the session file: permissions, atomic replace, untrusted files. */
#include "jarvis/session.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/fs.h"
#include "unit.h"

static const char *tok1 = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
static const char *tok2 = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.b3RoZXItc2ln";

static char top[64];
static char dir[128];
static char path[160];

static void setup(void)
{
	snprintf(top, sizeof top, "/tmp/jarvis-session-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	/* Two levels that do not exist yet, as with a fresh $XDG_STATE_HOME. */
	snprintf(dir, sizeof dir, "%s/state/jarvis", top);
	snprintf(path, sizeof path, "%s/session", dir);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *p, const char *data, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

/* Loads and expects "logged out" with a notice containing piece (NULL: no notice). */
static void assert_logged_out(const char *piece)
{
	char *tok = (char *)"unchanged", *notice = NULL;
	ck_assert_int_eq(session_load(dir, &tok, &notice), 1);
	ck_assert_ptr_null(tok);
	if (piece == NULL) {
		ck_assert_ptr_null(notice);
	} else {
		ck_assert_ptr_nonnull(notice);
		ck_assert_msg(strstr(notice, piece) != NULL, "notice '%s' lacks '%s'", notice,
		              piece);
	}
	free(notice);
}

/* Issue 12: a state directory others can write was used as it was. */
START_TEST(a_directory_others_can_write_is_refused)
{
	char *cause = NULL;
	ck_assert_int_eq(fs_private_dir(dir, &cause), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(session_save(dir, tok1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "can be written by others"));
	ck_assert_ptr_nonnull(strstr(cause, "chmod 700"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(chmod(dir, 0720), 0);
	ck_assert_int_eq(fs_private_dir(dir, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chmod(dir, 0755), 0); /* readable is fine: the file is 0600 */
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
}
END_TEST

START_TEST(save_load_clear_with_private_modes)
{
	char *cause = NULL, *tok = NULL, *notice = NULL;
	assert_logged_out(NULL);
	mode_t old = umask(0); /* the most permissive umask must not leak into the modes */
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
	umask(old);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(session_load(dir, &tok, &notice), 0);
	ck_assert_str_eq(tok, tok1);
	ck_assert_ptr_null(notice);
	free(tok);

	/* Saving again replaces the token and leaves no temporary file behind. */
	ck_assert_int_eq(session_save(dir, tok2, &cause), 0);
	ck_assert_int_eq(session_load(dir, &tok, &notice), 0);
	ck_assert_str_eq(tok, tok2);
	free(tok);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = session", dir);
	ck_assert_int_eq(system(cmd), 0);

	ck_assert_int_eq(session_clear(dir, &cause), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	assert_logged_out(NULL);
	/* Clearing twice is fine. */
	ck_assert_int_eq(session_clear(dir, &cause), 0);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(corrupt_file_means_logged_out)
{
	char *cause = NULL;
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
	write_file(path, "this is not a token\n", 0600);
	assert_logged_out("damaged");
	write_file(path, "", 0600);
	assert_logged_out("damaged");
	write_file(path, "a.b\n", 0600);
	assert_logged_out("damaged");
	write_file(path, "\x1b[2J\x00garbage", 0600);
	assert_logged_out("damaged");
	/* A trailing newline or CRLF from a hand edit is fine. */
	char buf[256];
	snprintf(buf, sizeof buf, "%s\r\n", tok1);
	write_file(path, buf, 0600);
	char *tok = NULL, *notice = NULL;
	ck_assert_int_eq(session_load(dir, &tok, &notice), 0);
	ck_assert_str_eq(tok, tok1);
	free(tok);
}
END_TEST

START_TEST(oversized_file_means_logged_out)
{
	char *cause = NULL;
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
	char *big = malloc(SESSION_MAX_BYTES + 100);
	memset(big, 'A', SESSION_MAX_BYTES + 99);
	big[10] = '.';
	big[20] = '.';
	big[SESSION_MAX_BYTES + 99] = '\0';
	write_file(path, big, 0600);
	free(big);
	assert_logged_out("too big");
}
END_TEST

START_TEST(file_open_to_others_means_logged_out)
{
	char *cause = NULL;
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
	ck_assert_int_eq(chmod(path, 0644), 0);
	assert_logged_out("other users");
	ck_assert_int_eq(chmod(path, 0640), 0);
	assert_logged_out("other users");
	/* Saving again makes a private file. */
	ck_assert_int_eq(session_save(dir, tok2, &cause), 0);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	char *tok = NULL, *notice = NULL;
	ck_assert_int_eq(session_load(dir, &tok, &notice), 0);
	free(tok);
}
END_TEST

START_TEST(symlink_is_refused_both_ways)
{
	char *cause = NULL;
	char target[200];
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
	snprintf(target, sizeof target, "%s/elsewhere", top);
	write_file(target, "precious\n", 0600);
	unlink(path);
	ck_assert_int_eq(symlink(target, path), 0);

	ck_assert_int_eq(session_save(dir, tok2, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "symbolic link"));
	free(cause);
	/* The link's target was not touched. */
	char buf[64] = "";
	FILE *f = fopen(target, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, "precious\n");

	/* Loading through a link to a well-formed token is refused too. */
	write_file(target, tok1, 0600);
	assert_logged_out("symbolic link");
}
END_TEST

START_TEST(directory_in_place_of_file_means_logged_out)
{
	char *cause = NULL;
	ck_assert_int_eq(session_save(dir, tok1, &cause), 0);
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	assert_logged_out("not a regular file");
	ck_assert_int_eq(session_save(dir, tok1, &cause), -1);
	free(cause);
}
END_TEST

START_TEST(malformed_token_is_not_saved)
{
	char *cause = NULL;
	ck_assert_int_eq(session_save(dir, "two\nlines.x.y", &cause), -1);
	free(cause), cause = NULL;
	ck_assert_int_eq(session_save(dir, "", &cause), -1);
	free(cause);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(unusable_state_dir_is_an_error_not_a_crash)
{
	char *cause = NULL;
	char file[200];
	snprintf(file, sizeof file, "%s/plainfile", top);
	write_file(file, "x", 0600);
	ck_assert_int_eq(session_save(file, tok1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a directory"));
	free(cause);
	char *tok = NULL, *notice = NULL;
	ck_assert_int_eq(session_load(file, &tok, &notice), 1);
	free(notice);
	ck_assert_int_eq(session_load(NULL, &tok, &notice), 1);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("file");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, save_load_clear_with_private_modes);
	tcase_add_test(tc, a_directory_others_can_write_is_refused);
	tcase_add_test(tc, corrupt_file_means_logged_out);
	tcase_add_test(tc, oversized_file_means_logged_out);
	tcase_add_test(tc, file_open_to_others_means_logged_out);
	tcase_add_test(tc, symlink_is_refused_both_ways);
	tcase_add_test(tc, directory_in_place_of_file_means_logged_out);
	tcase_add_test(tc, malformed_token_is_not_saved);
	tcase_add_test(tc, unusable_state_dir_is_an_error_not_a_crash);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(session_suite)
