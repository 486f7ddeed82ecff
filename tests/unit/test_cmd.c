/* Unit tests for the command table: lookup, word splitting, masking, completion. */
#include "jarvis/cmd.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/util.h"
#include "unit.h"

START_TEST(lookup_exact_alias_then_unique_prefix)
{
	char *cause = NULL;
	ck_assert_str_eq(cmd_find("help", &cause)->name, "help");
	ck_assert_str_eq(cmd_find("q", &cause)->name, "quit");      /* alias */
	ck_assert_str_eq(cmd_find("open", &cause)->name, "select"); /* alias */
	ck_assert_str_eq(cmd_find("whoa", &cause)->name, "whoami"); /* prefix */
	ck_assert_ptr_null(cmd_find("lo", &cause));                 /* login, logout */
	ck_assert_str_eq(cause, "/lo is ambiguous: it could be /login or /logout; type more of it");
	free(cause), cause = NULL;
	/* /e was /export until /edit came: now it names both, and two letters pick one. */
	ck_assert_ptr_null(cmd_find("e", &cause));
	ck_assert_str_eq(cause, "/e is ambiguous: it could be /edit or /export; type more of it");
	free(cause), cause = NULL;
	ck_assert_str_eq(cmd_find("ed", &cause)->name, "edit");
	ck_assert_str_eq(cmd_find("ex", &cause)->name, "export");
	ck_assert_ptr_null(cmd_find("d", &cause)); /* delete, detach, dislike */
	ck_assert_str_eq(
	    cause, "/d is ambiguous: it could be /delete, /detach or /dislike; type more of it");
	free(cause), cause = NULL;
	ck_assert_ptr_null(cmd_find("frobnicate", &cause));
	ck_assert_str_eq(cause, "unknown command /frobnicate; /help lists them");
	free(cause);
	/* Every entry is reachable by its own name and has help. */
	size_t n;
	const struct cmd_entry *t = cmd_table(&n);
	ck_assert_uint_ge(n, 22);
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_eq(cmd_find(t[i].name, NULL), &t[i]);
		ck_assert(t[i].help[0] != '\0');
	}
}
END_TEST

START_TEST(split_quotes_escapes_and_rest)
{
	char **w = NULL;
	ck_assert_int_eq(cmd_split("  \"Ada Lovelace\"  ada@example.org a\\ b ", -1, &w), 3);
	ck_assert_str_eq(w[0], "Ada Lovelace");
	ck_assert_str_eq(w[1], "ada@example.org");
	ck_assert_str_eq(w[2], "a b");
	ck_assert_ptr_null(w[3]);
	cmd_words_free(w);
	ck_assert_int_eq(cmd_split("title  with \"quotes\" kept  ", 0, &w), 1);
	ck_assert_str_eq(w[0], "title  with \"quotes\" kept");
	cmd_words_free(w);
	ck_assert_int_eq(cmd_split("", -1, &w), 0);
	cmd_words_free(w);
}
END_TEST

START_TEST(passwords_on_the_line_are_masked)
{
	size_t off = 0;
	const char *login = "/login ann@example.org hunter2 secret";
	ck_assert(cmd_secret_offset(login, &off));
	ck_assert_str_eq(login + off, "hunter2 secret");
	const char *signup = "/signup \"Ann B\" ann@example.org pw";
	ck_assert(cmd_secret_offset(signup, &off));
	ck_assert_str_eq(signup + off, "pw");
	/* A look-alike of /login is treated as one, though it names no command. */
	const char *typo = "/lo bob@example.org hunter2";
	ck_assert(cmd_secret_offset(typo, &off));
	ck_assert_str_eq(typo + off, "hunter2");
	ck_assert(!cmd_known(typo));
	/* Blanks before it, another case, a one-letter start: still masked. */
	const char *spaced = "  /Login ann@example.org hunter2";
	ck_assert(cmd_secret_offset(spaced, &off));
	ck_assert_str_eq(spaced + off, "hunter2");
	const char *one = "/l ann@example.org hunter2";
	ck_assert(cmd_secret_offset(one, &off));
	ck_assert_str_eq(one + off, "hunter2");
	ck_assert_str_eq(cmd_find("LOGIN", NULL)->name, "login");
	ck_assert(cmd_known(" /whoami"));
	ck_assert(!cmd_secret_offset("/new title", &off));
	ck_assert(!cmd_secret_offset("not a command", &off));
	ck_assert(cmd_known("/whoami"));
}
END_TEST

/* Found by tests/fuzz/fuzz_cmd.c: an escaped quote in the e-mail opened a
 * quoted run, so the password after it was taken for the e-mail and shown. */
START_TEST(an_escaped_quote_does_not_hide_the_password_from_the_mask)
{
	size_t off = 0;
	const char *line = "/lo a\\\"b pw";
	char **w = NULL;
	ck_assert_int_eq(cmd_split(line, -1, &w), 3);
	ck_assert_str_eq(w[2], "pw");
	cmd_words_free(w);
	ck_assert(cmd_secret_offset(line, &off));
	ck_assert_str_eq(line + off, "pw");
}
END_TEST

/* Blanks in paths are escaped, ~ stands for $HOME, /help completes command names. */
START_TEST(completes_escaped_home_paths_and_help)
{
	char dir[] = "/tmp/jarvis-cmd-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *sub = xasprintf("%s/my pics", dir), *file = xasprintf("%s/my pics/a \"b\".png", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	FILE *f = fopen(file, "w");
	fclose(f);
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", dir, 1);
	char *c[16];
	size_t start;
	size_t n = cmd_complete_at(NULL, "/attach ~/my", &start, c, NULL, 16);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(start, 8);
	ck_assert_str_eq(c[0], "~/my\\ pics/");
	free(c[0]);
	n = cmd_complete_at(NULL, "/attach x.png ~/my\\ pics/a", &start, c, NULL, 16);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(start, 14); /* the escaped blank is inside the word */
	ck_assert_str_eq(c[0], "~/my\\ pics/a\\ \\\"b\\\".png");
	free(c[0]);
	ck_assert_uint_eq(cmd_complete("/attach ~", c, 16), 1);
	ck_assert_str_eq(c[0], "~/");
	free(c[0]);
	char *expanded = cmd_expand_home("~/my pics");
	ck_assert_str_eq(expanded, sub);
	free(expanded);
	expanded = cmd_expand_home("./~/x");
	ck_assert_str_eq(expanded, "./~/x");
	free(expanded);
	/* The command reads the escaped word back as the file's own name. */
	char **w;
	ck_assert_int_eq(cmd_split("/attach ~/my\\ pics/a\\ \\\"b\\\".png", -1, &w), 2);
	expanded = cmd_expand_home(w[1]);
	ck_assert_str_eq(expanded, file);
	free(expanded);
	cmd_words_free(w);
	n = cmd_complete("/help who", c, 16);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0], "whoami");
	free(c[0]);
	ck_assert_uint_eq(cmd_complete("/help whoami x", c, 16), 0); /* one argument only */
	ck_assert_uint_eq(cmd_complete("/model gem", c, 16), 0);     /* no chat: no models */
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_home);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(file);
	free(sub);
}
END_TEST

START_TEST(completes_commands_and_attach_paths)
{
	char *c[16];
	size_t n = cmd_complete("/who", c, 16);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0], "/whoami");
	free(c[0]);
	char dir[] = "/tmp/jarvis-cmd-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *a = xasprintf("%s/cat.png", dir), *b = xasprintf("%s/cap.jpg", dir);
	char *sub = xasprintf("%s/case", dir);
	FILE *f = fopen(a, "w");
	fclose(f);
	f = fopen(b, "w");
	fclose(f);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	char *line = xasprintf("/attach %s/ca", dir);
	n = cmd_complete(line, c, 16);
	ck_assert_uint_eq(n, 3);
	/* Sorted, directories with a trailing slash. */
	char *want = xasprintf("%s/case/", dir);
	ck_assert_str_eq(c[1], want);
	for (size_t i = 0; i < n; i++)
		free(c[i]);
	ck_assert_uint_eq(cmd_complete("/new ca", c, 16), 0);
	unlink(a);
	unlink(b);
	rmdir(sub);
	rmdir(dir);
	free(a);
	free(b);
	free(sub);
	free(line);
	free(want);
}
END_TEST

/* /export writes where /attach reads (~ expanded) and names the file in full. */
START_TEST(export_paths_expand_home_and_are_absolute)
{
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", "/tmp/h/home-a", 1);
	char *p = cmd_export_path("~/out.md", 0);
	ck_assert_str_eq(p, "/tmp/h/home-a/out.md");
	free(p);
	p = cmd_export_path("/abs/x.md", 0);
	ck_assert_str_eq(p, "/abs/x.md");
	free(p);
	char *cwd = getcwd(NULL, 0);
	char *want = xasprintf("%s/notes.md", cwd);
	p = cmd_export_path("./notes.md", 0);
	ck_assert_str_eq(p, want);
	free(p), free(want);
	time_t at = 1796411101; /* 2026-12-04, local time decides the hour */
	struct tm tm;
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&at, &tm));
	want = xasprintf("%s/jarvis-%s.md", cwd, stamp);
	p = cmd_export_path(NULL, at);
	ck_assert_str_eq(p, want);
	free(p), free(want), free(cwd);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_home);
}
END_TEST

START_TEST(a_path_names_no_command)
{
	ck_assert(cmd_unknown("/etc/hosts explain"));
	ck_assert(cmd_unknown("  /frobnicate"));
	ck_assert(!cmd_unknown("/lo"));     /* a prefix of login and logout */
	ck_assert(!cmd_unknown("/q"));      /* an alias */
	ck_assert(!cmd_unknown("/COPY 2")); /* any case */
	ck_assert(!cmd_unknown("hello"));   /* not a slash line */
	ck_assert(!cmd_unknown("/"));
}
END_TEST

/* A continuation for the form tests: "ok" ends, "new" asks another question, else again. */
static int form_step(struct cmd_ctx *c, const char *answer, char **cause);

static int form_other(struct cmd_ctx *c, const char *answer, char **cause)
{
	return set_cause(cause, "this one ends the form");
}

static int form_step(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (strcmp(answer, "ok") == 0)
		return 0;
	if (strcmp(answer, "new") == 0) {
		free(c->ask_label);
		c->ask_label = xstrdup("other:");
		c->then = form_other;
		set_cause(cause, "the two differ; type both again");
		return CMD_AGAIN;
	}
	set_cause(cause, "too short");
	return CMD_AGAIN;
}

START_TEST(a_bad_answer_asks_again_and_keeps_the_form)
{
	struct cmd_ctx c = {0};
	char *cause = NULL;
	c.ask_label = xstrdup("password:");
	c.ask_secret = true;
	c.then = form_step;
	c.state[0] = xstrdup("Grace Hopper");
	ck_assert_int_eq(cmd_answer(&c, "short", &cause), -1);
	ck_assert_str_eq(cause, "too short; type it again (Esc cancels)");
	ck_assert_str_eq(c.ask_label, "password:"); /* the same question, still masked */
	ck_assert(c.ask_secret);
	ck_assert_ptr_eq(c.then, form_step);
	ck_assert_str_eq(c.state[0], "Grace Hopper"); /* what was typed before is kept */
	free(cause), cause = NULL;
	/* A continuation that asks something else instead: that is asked. */
	ck_assert_int_eq(cmd_answer(&c, "new", &cause), -1);
	ck_assert_str_eq(cause, "the two differ; type both again (Esc cancels)");
	ck_assert_str_eq(c.ask_label, "other:");
	ck_assert_ptr_eq(c.then, form_other);
	ck_assert_str_eq(c.state[0], "Grace Hopper");
	free(cause), cause = NULL;
	/* A plain failure ends the form and forgets it. */
	ck_assert_int_eq(cmd_answer(&c, "x", &cause), -1);
	ck_assert_str_eq(cause, "this one ends the form");
	ck_assert_ptr_null(c.then);
	ck_assert_ptr_null(c.ask_label);
	ck_assert_ptr_null(c.state[0]);
	free(cause), cause = NULL;
	/* And a good answer ends it too, without a cause. */
	c.ask_label = xstrdup("password:");
	c.then = form_step;
	ck_assert_int_eq(cmd_answer(&c, "ok", &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_ptr_null(c.then);
	ck_assert_ptr_null(c.ask_label);
}
END_TEST

static Suite *cmd_suite(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, lookup_exact_alias_then_unique_prefix);
	tcase_add_test(tc, split_quotes_escapes_and_rest);
	tcase_add_test(tc, passwords_on_the_line_are_masked);
	tcase_add_test(tc, an_escaped_quote_does_not_hide_the_password_from_the_mask);
	tcase_add_test(tc, completes_commands_and_attach_paths);
	tcase_add_test(tc, completes_escaped_home_paths_and_help);
	tcase_add_test(tc, export_paths_expand_home_and_are_absolute);
	tcase_add_test(tc, a_path_names_no_command);
	tcase_add_test(tc, a_bad_answer_asks_again_and_keeps_the_form);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(cmd_suite)
