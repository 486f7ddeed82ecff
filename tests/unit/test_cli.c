/* Unit tests for the command line: every option, every complaint, --help. */
#include "jarvis/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"
#include "unit.h"

static struct cli cli;
static char *cause;

/* Parses "jarvis" followed by the NULL-terminated words. */
static int parse(const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = "jarvis";
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w != NULL && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	cli_release(&cli);
	free(cause);
	cause = NULL;
	return cli_parse(argc, argv, &cli, &cause);
}

/* Parses and expects exactly this complaint. */
#define ASSERT_REFUSED(msg, ...)                                                                   \
	do {                                                                                       \
		ck_assert_int_eq(parse(__VA_ARGS__, NULL), -1);                                    \
		ck_assert_ptr_nonnull(cause);                                                      \
		ck_assert_str_eq(cause, msg);                                                      \
		ck_assert_int_eq(cli.mode, CLI_TUI);                                               \
		ck_assert_ptr_null(cli.prompt);                                                    \
	} while (0)

static void teardown(void)
{
	cli_release(&cli);
	free(cause);
	cause = NULL;
}

START_TEST(no_arguments_is_the_tui)
{
	ck_assert_int_eq(parse(NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_TUI);
	ck_assert_ptr_null(cli.prompt);
	ck_assert_ptr_null(cli.model);
	ck_assert_uint_eq(cli.nattach, 0);
	ck_assert(!cli.no_save && !cli.password_stdin);
}
END_TEST

START_TEST(tui_options)
{
	ck_assert_int_eq(
	    parse("-m", "gemini-3-pro", "-c", "/etc/j.ini", "--store", "sqlite:/x.db", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_TUI);
	ck_assert_str_eq(cli.model, "gemini-3-pro");
	ck_assert_str_eq(cli.config_path, "/etc/j.ini");
	ck_assert_str_eq(cli.store_uri, "sqlite:/x.db");

	ck_assert_int_eq(
	    parse("--model=a", "--config", "b", "--store=mongodb://h/", "--model", "c", NULL), 0);
	/* The last -m wins. */
	ck_assert_str_eq(cli.model, "c");
	ck_assert_str_eq(cli.config_path, "b");
	ck_assert_str_eq(cli.store_uri, "mongodb://h/");

	/* Short options with the value attached, and unique prefixes of long ones. */
	ck_assert_int_eq(parse("-mx", "--conf=y", NULL), 0);
	ck_assert_str_eq(cli.model, "x");
	ck_assert_str_eq(cli.config_path, "y");
}
END_TEST

START_TEST(one_shot_prompt)
{
	ck_assert_int_eq(parse("-p", "hello there", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_PROMPT);
	ck_assert_str_eq(cli.prompt, "hello there");

	ck_assert_int_eq(parse("--prompt", "-", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_PROMPT);
	ck_assert_str_eq(cli.prompt, "-");

	ck_assert_int_eq(parse("-p", "-", "-m", "m1", NULL), 0);
	ck_assert_str_eq(cli.prompt, "-");
	ck_assert_str_eq(cli.model, "m1");

	/* A prompt that looks like an option is still the prompt. */
	ck_assert_int_eq(parse("-p", "--help", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_PROMPT);
	ck_assert_str_eq(cli.prompt, "--help");
}
END_TEST

START_TEST(one_shot_options)
{
	ck_assert_int_eq(parse("-a", "a.png", "-p", "what is this?", "--attach", "b.jpg",
	                       "--attach=c.webp", "-C", "66f1", "--no-save", NULL),
	                 0);
	ck_assert_int_eq(cli.mode, CLI_PROMPT);
	ck_assert_uint_eq(cli.nattach, 3);
	ck_assert_str_eq(cli.attach[0], "a.png");
	ck_assert_str_eq(cli.attach[1], "b.jpg");
	ck_assert_str_eq(cli.attach[2], "c.webp");
	ck_assert_str_eq(cli.conversation, "66f1");
	ck_assert(cli.no_save);
	ck_assert_int_eq(cli.output, CLI_OUTPUT_TEXT);

	ck_assert_int_eq(parse("-p", "x", "--conversation", "abc", NULL), 0);
	ck_assert_str_eq(cli.conversation, "abc");
	ck_assert(!cli.no_save);

	ck_assert_int_eq(parse("-p", "x", "--output-format", "json", NULL), 0);
	ck_assert_int_eq(cli.output, CLI_OUTPUT_JSON);
	ck_assert_int_eq(parse("-p", "x", "--output-format=stream-json", NULL), 0);
	ck_assert_int_eq(cli.output, CLI_OUTPUT_STREAM_JSON);
}
END_TEST

START_TEST(commands)
{
	ck_assert_int_eq(parse("--list-models", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_LIST_MODELS);

	ck_assert_int_eq(parse("--signup", "Ada Lovelace", "ada@example.com", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_SIGNUP);
	ck_assert_str_eq(cli.signup_name, "Ada Lovelace");
	ck_assert_str_eq(cli.signup_email, "ada@example.com");
	ck_assert(!cli.password_stdin);

	ck_assert_int_eq(parse("--password-stdin", "--signup", "Ada", "ada@example.com", NULL), 0);
	ck_assert_str_eq(cli.signup_email, "ada@example.com");
	ck_assert(cli.password_stdin);

	ck_assert_int_eq(parse("--signup", "Ada", "--store", "s.db", "ada@example.com", NULL), 0);
	ck_assert_str_eq(cli.signup_name, "Ada");
	ck_assert_str_eq(cli.signup_email, "ada@example.com");
	ck_assert_str_eq(cli.store_uri, "s.db");

	ck_assert_int_eq(parse("--login", "ada@example.com", "--password-stdin", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_LOGIN);
	ck_assert_str_eq(cli.login_email, "ada@example.com");
	ck_assert(cli.password_stdin);

	ck_assert_int_eq(parse("--logout", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_LOGOUT);

	ck_assert_int_eq(parse("--convs", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_CONVS);

	ck_assert_int_eq(parse("--export", "66f1", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_EXPORT);
	ck_assert_str_eq(cli.export_id, "66f1");
	ck_assert_ptr_null(cli.export_file);

	ck_assert_int_eq(parse("--export", "66f1", "out.md", NULL), 0);
	ck_assert_str_eq(cli.export_id, "66f1");
	ck_assert_str_eq(cli.export_file, "out.md");

	/* "--" ends the options: a file name may start with a dash. */
	ck_assert_int_eq(parse("--export", "66f1", "--", "-odd.md", NULL), 0);
	ck_assert_str_eq(cli.export_file, "-odd.md");
}
END_TEST

START_TEST(help_and_version_win)
{
	ck_assert_int_eq(parse("--help", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_HELP);
	ck_assert_int_eq(parse("-h", "--convs", "-p", "x", "stray", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_HELP);
	ck_assert_ptr_null(cli.prompt);
	ck_assert_int_eq(parse("-V", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_VERSION);
	ck_assert_int_eq(parse("--version", "--logout", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_VERSION);
}
END_TEST

START_TEST(bad_options)
{
	ASSERT_REFUSED("unknown option '--frobnicate'", "--frobnicate");
	ASSERT_REFUSED("unknown option '--frobnicate'", "--frobnicate=3");
	ASSERT_REFUSED("unknown option '-x'", "-x");
	ASSERT_REFUSED("unknown option '-x'", "-Vx");
	ASSERT_REFUSED("option '--log' is ambiguous; it could be --login or --logout", "--log");
	ASSERT_REFUSED("option '--logout' takes no argument", "--logout=now");
	ASSERT_REFUSED("option '--version' takes no argument", "--version=2");
}
END_TEST

START_TEST(missing_arguments)
{
	ASSERT_REFUSED("option '-m' needs an argument", "-m");
	ASSERT_REFUSED("option '--model' needs an argument", "--model");
	ASSERT_REFUSED("option '-p' needs an argument", "-p");
	ASSERT_REFUSED("option '--store' needs an argument", "--store");
	ASSERT_REFUSED("option '-a' needs an argument", "-p", "x", "-a");
	ASSERT_REFUSED("option '--login' needs an argument", "--login");
	ASSERT_REFUSED("option '--export' needs an argument", "--export");
	ASSERT_REFUSED("--signup needs a NAME and an EMAIL, as in --signup 'Ada Lovelace' "
	               "ada@example.com",
	               "--signup", "Ada");
}
END_TEST

START_TEST(stray_arguments)
{
	ASSERT_REFUSED("unexpected argument 'hello'; to ask one question, use -p", "hello");
	ASSERT_REFUSED("unexpected argument 'there'; quote a prompt of several words", "-p",
	               "hello", "there");
	ASSERT_REFUSED("unexpected argument 'extra'", "--signup", "Ada", "ada@example.com",
	               "extra");
	ASSERT_REFUSED("unexpected argument 'more.md'", "--export", "66f1", "out.md", "more.md");
	ASSERT_REFUSED("unexpected argument 'x'", "--login", "ada@example.com", "x");
	ASSERT_REFUSED("unexpected argument 'now'", "--logout", "now");
	ASSERT_REFUSED("unexpected argument 'all'", "--convs", "all");
	ASSERT_REFUSED("unexpected argument 'gemini'", "--list-models", "gemini");
}
END_TEST

START_TEST(modes_do_not_mix)
{
	ASSERT_REFUSED("-p and --convs cannot be used together", "-p", "x", "--convs");
	ASSERT_REFUSED("--login and --logout cannot be used together", "--login", "a@b",
	               "--logout");
	ASSERT_REFUSED("--list-models and --export cannot be used together", "--list-models",
	               "--export", "1");
	ASSERT_REFUSED("-p was given twice; give it once", "-p", "a", "-p", "b");
	ASSERT_REFUSED("--convs was given twice; give it once", "--convs", "--convs");
}
END_TEST

START_TEST(one_shot_options_need_p)
{
	ASSERT_REFUSED("-a/--attach works only with -p (in the chat, use /attach)", "-a", "x.png");
	ASSERT_REFUSED("-a/--attach works only with -p (in the chat, use /attach)", "--convs",
	               "--attach", "x.png");
	ASSERT_REFUSED("-C/--conversation works only with -p or in the chat", "--convs", "-C",
	               "66f1");
	/* Without -p, the chat opens on it. */
	ck_assert_int_eq(parse("-C", "66f1", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_TUI);
	ck_assert_str_eq(cli.conversation, "66f1");
	ASSERT_REFUSED("--no-save works only with -p", "--no-save");
	ASSERT_REFUSED("--output-format works only with -p", "--output-format", "json");
	ASSERT_REFUSED("--output-format takes text, json or stream-json, not 'xml'", "-p", "q",
	               "--output-format", "xml");
	ASSERT_REFUSED("--password-stdin works only with --signup, --login, --passwd or --recover",
	               "--password-stdin");
	ASSERT_REFUSED("--password-stdin works only with --signup, --login, --passwd or --recover",
	               "-p", "x", "--password-stdin");
	ASSERT_REFUSED("the prompt given to -p is empty; use -p - to read it from standard input",
	               "-p", "");
}
END_TEST

START_TEST(parses_twice_in_a_row)
{
	/* getopt keeps state between calls; cli_parse must start afresh. */
	ck_assert_int_eq(parse("-p", "one", NULL), 0);
	ck_assert_int_eq(parse("-p", "two", "-m", "m", NULL), 0);
	ck_assert_str_eq(cli.prompt, "two");
	ck_assert_int_eq(parse("-x", NULL), -1);
	ck_assert_int_eq(parse("--convs", NULL), 0);
	ck_assert_int_eq(cli.mode, CLI_CONVS);
}
END_TEST

static char *help_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	cli_print_help(fp);
	fclose(fp);
	return text;
}

START_TEST(help_lists_everything_within_80_columns)
{
	char *text = help_text();
	/* Every option, the usage forms, the exit codes and the pointer to the man page. */
	static const char *const want[] = {
	    "Usage: jarvis [OPTIONS]",
	    "-p PROMPT",
	    "-p -",
	    "--list-models",
	    "--signup NAME EMAIL",
	    "--login EMAIL",
	    "--logout",
	    "--convs",
	    "--export ID [FILE]",
	    "--completions SHELL",
	    "-m, --model ID",
	    "-c, --config FILE",
	    "-a, --attach FILE",
	    "-C, --conversation ID",
	    "--store URI",
	    "--no-save",
	    "--output-format FMT",
	    "--password-stdin",
	    "-h, --help",
	    "-V, --version",
	    "JARVIS_CONFIG",
	    "GEMINI_API_KEY",
	    "GOOGLE_API_KEY",
	    "NO_COLOR",
	    "https://generativelanguage.googleapis.com",
	    "gemini-3.5-flash",
	    "F2",
	    "Ctrl-C",
	    "130 interrupted",
	    "129 or 143",
	    "See jarvis(1)",
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(text, want[i]) != NULL, "--help lacks \"%s\"", want[i]);

	int line = 1;
	for (char *p = text; *p != '\0'; line++) {
		size_t len = strcspn(p, "\n");
		ck_assert_msg(len <= 80, "--help line %d is %zu columns wide", line, len);
		ck_assert_msg(memchr(p, '\t', len) == NULL, "--help line %d has a tab", line);
		p += len + (p[len] == '\n');
	}
	free(text);
}
END_TEST

START_TEST(version_line)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	cli_print_version(fp);
	fclose(fp);
	ck_assert_str_eq(text, "jarvis 0.1.0\n");
	free(text);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *ok = tcase_create("accepted");
	tcase_add_checked_fixture(ok, NULL, teardown);
	tcase_add_test(ok, no_arguments_is_the_tui);
	tcase_add_test(ok, tui_options);
	tcase_add_test(ok, one_shot_prompt);
	tcase_add_test(ok, one_shot_options);
	tcase_add_test(ok, commands);
	tcase_add_test(ok, help_and_version_win);
	tcase_add_test(ok, parses_twice_in_a_row);
	suite_add_tcase(s, ok);

	TCase *bad = tcase_create("refused");
	tcase_add_checked_fixture(bad, NULL, teardown);
	tcase_add_test(bad, bad_options);
	tcase_add_test(bad, missing_arguments);
	tcase_add_test(bad, stray_arguments);
	tcase_add_test(bad, modes_do_not_mix);
	tcase_add_test(bad, one_shot_options_need_p);
	suite_add_tcase(s, bad);

	TCase *help = tcase_create("help");
	tcase_add_test(help, help_lists_everything_within_80_columns);
	tcase_add_test(help, version_line);
	suite_add_tcase(s, help);
	return s;
}

UNIT_MAIN(cli_suite)
