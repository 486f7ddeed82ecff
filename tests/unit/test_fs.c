/* Unit tests for core/fs.c: private directories and random bytes. */
#include "jarvis/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *tc = tcase_create("fs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mkdir_p_makes_every_missing_parent_private);
	tcase_add_test(tc, mkdir_p_names_the_part_it_cannot_make);
	tcase_add_test(tc, private_dir_refuses_what_others_can_write);
	tcase_add_test(tc, random_bytes_fill_the_buffer);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(fs_suite)
