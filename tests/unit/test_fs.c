/* Unit tests for core/fs.c: private directories, atomic writes, careful reads, random bytes. */
#include "jarvis/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jarvis/util.h"

#include "unit.h"

static char top[64];

static void setup(void)
{
	snprintf(top, sizeof top, "/tmp/jarvis-fs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", top);
	ck_assert_int_eq(system(cmd), 0);
}

static mode_t mode_of(const char *p)
{
	struct stat st;
	ck_assert_int_eq(lstat(p, &st), 0);
	return st.st_mode;
}

START_TEST(mkdir_p_makes_every_missing_parent_private)
{
	char dir[128], mid[128];
	snprintf(mid, sizeof mid, "%s/a", top);
	snprintf(dir, sizeof dir, "%s/a/b/c", top);
	char *cause = NULL;
	mode_t old = umask(0);
	ck_assert_int_eq(fs_mkdir_p(dir, &cause), 0);
	umask(old);
	ck_assert(S_ISDIR(mode_of(dir)));
	ck_assert_int_eq(mode_of(dir) & 0777, 0700);
	ck_assert_int_eq(mode_of(mid) & 0777, 0700);
	/* Again, and with a trailing slash: what exists is fine. */
	ck_assert_int_eq(fs_mkdir_p(dir, &cause), 0);
	char slash[140];
	snprintf(slash, sizeof slash, "%s/", dir);
	ck_assert_int_eq(fs_mkdir_p(slash, &cause), 0);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(mkdir_p_names_the_part_it_cannot_make)
{
	char file[128], dir[160];
	snprintf(file, sizeof file, "%s/plain", top);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(dir, sizeof dir, "%s/plain/sub", top);
	char *cause = NULL;
	ck_assert_int_eq(fs_mkdir_p(dir, &cause), -1);
	ck_assert_msg(strstr(cause, dir) != NULL, "cause '%s' lacks '%s'", cause, dir);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(fs_mkdir_p("", &cause), -1);
	free(cause);
}
END_TEST

START_TEST(private_dir_refuses_what_others_can_write)
{
	char dir[128];
	snprintf(dir, sizeof dir, "%s/state", top);
	char *cause = NULL;
	ck_assert_int_eq(fs_private_dir(dir, &cause), 0);
	ck_assert_int_eq(chmod(dir, 0770), 0);
	ck_assert_int_eq(fs_private_dir(dir, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "chmod 700"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chmod(dir, 0755), 0); /* readable is fine */
	ck_assert_int_eq(fs_private_dir(dir, &cause), 0);
	char file[160];
	snprintf(file, sizeof file, "%s/file", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(fs_private_dir(file, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a directory"));
	free(cause);
}
END_TEST

START_TEST(random_bytes_fill_the_buffer)
{
	unsigned char a[32], b[32];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	ck_assert_int_eq(random_bytes(a, sizeof a, NULL), 0);
	ck_assert_int_eq(random_bytes(b, sizeof b, NULL), 0);
	/* 256 bits twice alike, or all zero, is a broken source, not chance. */
	ck_assert(memcmp(a, b, sizeof a) != 0);
	unsigned char zero[32] = {0};
	ck_assert(memcmp(a, zero, sizeof a) != 0);
	ck_assert_int_eq(random_bytes(a, 0, NULL), 0);
}
END_TEST

/* Writes text to p with the given mode, through no helper of the tree. */
static void put(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static int entries(const char *dir)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "exit $(ls -A %s | wc -l)", dir);
	int st = system(cmd);
	return WEXITSTATUS(st);
}

START_TEST(write_private_replaces_whole_and_private)
{
	char path[128];
	snprintf(path, sizeof path, "%s/file", top);
	char *cause = NULL;
	mode_t old = umask(0);
	ck_assert_int_eq(fs_write_private(path, "one\n", 4, 0, "the file", &cause), 0);
	ck_assert_int_eq(fs_write_private(path, "two!!\n", 6, 0, "the file", &cause), 0);
	umask(old);
	ck_assert_int_eq(mode_of(path) & 0777, 0600);
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_private(path, 64, false, &data, &len), FS_READ_OK);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(data, "two!!\n");
	secret_free_len(data, len);
	/* No temporary file is left beside it. */
	ck_assert_int_eq(entries(top), 1);
	/* An empty file is a file. */
	ck_assert_int_eq(fs_write_private(path, "", 0, 0, "the file", &cause), 0);
	ck_assert_int_eq(fs_read_private(path, 64, false, &data, &len), FS_READ_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(data, "");
	free(data);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(write_private_replaces_a_link_and_never_follows_it)
{
	char path[128], victim[128];
	snprintf(path, sizeof path, "%s/file", top);
	snprintf(victim, sizeof victim, "%s/victim", top);
	put(victim, "keep me", 0644);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(fs_write_private(path, "new", 3, 0, "the file", NULL), 0);
	ck_assert(S_ISREG(mode_of(path)));
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_private(victim, 64, true, &data, &len), FS_READ_OK);
	ck_assert_str_eq(data, "keep me");
	free(data);
}
END_TEST

START_TEST(write_private_keep_leaves_the_winner_alone)
{
	char path[128];
	snprintf(path, sizeof path, "%s/key", top);
	ck_assert_int_eq(fs_write_private(path, "first", 5, FS_KEEP, "the key", NULL), 0);
	ck_assert_int_eq(fs_write_private(path, "second", 6, FS_KEEP, "the key", NULL), 1);
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_private(path, 64, false, &data, &len), FS_READ_OK);
	ck_assert_str_eq(data, "first");
	free(data);
	ck_assert_int_eq(entries(top), 1);
}
END_TEST

START_TEST(write_private_names_the_file_when_it_cannot)
{
	char path[128];
	snprintf(path, sizeof path, "%s/missing/file", top);
	char *cause = NULL;
	ck_assert_int_eq(fs_write_private(path, "x", 1, 0, "the session file", &cause), -1);
	ck_assert_msg(strstr(cause, "the session file") != NULL, "cause '%s'", cause);
	free(cause);
}
END_TEST

START_TEST(read_private_refuses_what_cannot_be_trusted)
{
	char path[128], link[128], fifo[128];
	snprintf(path, sizeof path, "%s/file", top);
	snprintf(link, sizeof link, "%s/link", top);
	snprintf(fifo, sizeof fifo, "%s/fifo", top);
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_private(path, 8, false, &data, &len), FS_READ_MISSING);
	put(path, "12345678", 0600);
	ck_assert_int_eq(fs_read_private(path, 8, false, &data, &len), FS_READ_OK);
	ck_assert_uint_eq(len, 8);
	free(data);
	ck_assert_int_eq(fs_read_private(path, 7, false, &data, &len), FS_READ_TOO_BIG);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 8);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(fs_read_private(link, 8, true, &data, &len), FS_READ_LINK);
	ck_assert_int_eq(fs_read_private(top, 8, true, &data, &len), FS_READ_NOT_FILE);
	/* A FIFO is refused at once, not waited on. */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(fs_read_private(fifo, 8, true, &data, &len), FS_READ_NOT_FILE);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(fs_read_private(path, 8, false, &data, &len), FS_READ_OPEN);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(fs_read_private(path, 8, true, &data, &len), FS_READ_OK);
	free(data);
}
END_TEST

static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *tc = tcase_create("fs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mkdir_p_makes_every_missing_parent_private);
	tcase_add_test(tc, mkdir_p_names_the_part_it_cannot_make);
	tcase_add_test(tc, private_dir_refuses_what_others_can_write);
	tcase_add_test(tc, random_bytes_fill_the_buffer);
	tcase_add_test(tc, write_private_replaces_whole_and_private);
	tcase_add_test(tc, write_private_replaces_a_link_and_never_follows_it);
	tcase_add_test(tc, write_private_keep_leaves_the_winner_alone);
	tcase_add_test(tc, write_private_names_the_file_when_it_cannot);
	tcase_add_test(tc, read_private_refuses_what_cannot_be_trusted);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fs_suite)
