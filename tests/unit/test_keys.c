/*
 * Unit tests for the key table (src/tui/keys.c) and the command table
 * (src/cmd/cmd.c) against the man page: every key the chat takes is named
 * in KEYS and every name there is a key; every command is in COMMANDS and
 * every command there exists. So neither can gain an entry without its help.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/cmd.h"
#include "jarvis/util.h"
#include "unit.h"

#include "../../src/tui/keys.h"
#include "../../src/tui/panels.h"

#define MAX_NAMES 256

/* The text of section NAME (between ".SH NAME" and the next ".SH"), a new string. */
static char *man_section(const char *name)
{
	char *man = unit_slurp("man/jarvis.1", NULL);
	char *head = xasprintf("\n.SH %s\n", name);
	char *start = strstr(man, head);
	ck_assert_msg(start != NULL, "the man page has no %s section", name);
	start += strlen(head);
	char *end = strstr(start, "\n.SH ");
	char *out = end ? xstrndup(start, (size_t)(end - start)) : xstrdup(start);
	free(head);
	free(man);
	return out;
}

/* A macro line's arguments as troff splits them: blanks, or "double quotes". */
static size_t troff_args(const char *line, char **args, size_t max)
{
	size_t n = 0;
	const char *p = line + strcspn(line, " "); /* past the macro */
	while (*p != '\0' && n < max) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		struct buf a;
		buf_init(&a, 0);
		bool quoted = *p == '"';
		if (quoted)
			p++;
		while (*p != '\0' && (quoted ? *p != '"' : *p != ' ')) {
			if (p[0] == '\\' &&
			    p[1] == '-') { /* \- is a minus sign: the key's hyphen */
				buf_addstr(&a, "-");
				p += 2;
				continue;
			}
			buf_add(&a, p, 1);
			p++;
		}
		if (quoted && *p == '"')
			p++;
		args[n++] = buf_steal(&a);
	}
	return n;
}

/* The key names in the tags of KEYS (the line after each .TP): the bold words of .B / .BR. */
static size_t man_key_names(char **names, size_t max)
{
	char *sec = man_section("KEYS");
	size_t n = 0;
	bool tag = false;
	for (char *line = strtok(sec, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (strcmp(line, ".TP") == 0) {
			tag = true;
			continue;
		}
		if (!tag)
			continue;
		tag = false;
		ck_assert_msg(strncmp(line, ".B ", 3) == 0 || strncmp(line, ".BR ", 4) == 0,
		              "a KEYS tag that is not .B or .BR: %s", line);
		char *args[32];
		size_t na = troff_args(line, args, ARRAY_LEN(args));
		for (size_t i = 0; i < na; i++) {
			/* .BR alternates: the bold arguments are keys, the others ", ". */
			if (i % 2 == 0 && n < max)
				names[n++] = args[i];
			else
				free(args[i]);
		}
	}
	free(sec);
	return n;
}

static bool in_list(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

START_TEST(every_key_has_its_help_in_f1_and_the_man_page)
{
	size_t nk;
	const struct key_binding *k = keys_table(&nk);
	ck_assert_uint_ge(nk, 30);
	char *names[MAX_NAMES];
	size_t nm = man_key_names(names, MAX_NAMES);
	ck_assert_uint_ge(nm, 20);
	for (size_t i = 0; i < nk; i++) {
		ck_assert_msg(k[i].action != NULL, "%s has no action", k[i].name);
		ck_assert_msg(k[i].help != NULL && k[i].help[0] != '\0', "%s has no help",
		              k[i].name);
		ck_assert_msg(in_list(names, nm, k[i].name), "the man page's KEYS lacks %s",
		              k[i].name);
		/* One key, one action: a second row for the same key would never run. */
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(k[j].key != k[i].key, "%s is in the table twice", k[i].name);
	}
	for (size_t i = 0; i < nm; i++) {
		bool found = false;
		for (size_t j = 0; j < nk && !found; j++)
			found = strcmp(k[j].name, names[i]) == 0;
		ck_assert_msg(found, "the man page's KEYS names %s, which the key table lacks",
		              names[i]);
		free(names[i]);
	}
}
END_TEST

/* F1's rows at a width, joined by newlines (a new string). */
static char *help_text(int width)
{
	struct panel p;
	memset(&p, 0, sizeof p);
	size_t nk;
	const struct key_binding *k = keys_table(&nk);
	help_panel.open(&p, NULL);
	help_set_keys(&p, k, nk);
	size_t rows = help_panel.rows(&p, NULL, width);
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < rows; i++) {
		bool current = false;
		char *row = help_panel.draw(&p, NULL, i, &current);
		buf_addf(&b, "%s\n", row);
		free(row);
	}
	help_panel.free(&p);
	return buf_steal(&b);
}

START_TEST(f1_lists_every_key_and_its_help)
{
	size_t nk;
	const struct key_binding *k = keys_table(&nk);
	for (int width = 36; width <= 76; width += 40) {
		char *text = help_text(width);
		const char *keys = strstr(text, "Keys:");
		ck_assert_ptr_nonnull(keys);
		for (size_t i = 0; i < nk; i++) {
			ck_assert_msg(strstr(keys, k[i].name) != NULL, "F1 at %d lacks %s", width,
			              k[i].name);
			/* The help may be wrapped: its first word is on a row of its own. */
			char *first = xstrndup(k[i].help, strcspn(k[i].help, " "));
			ck_assert_msg(strstr(keys, first) != NULL, "F1 at %d lacks %s's help",
			              width, k[i].name);
			free(first);
		}
		/*
		 * What the keys do besides their first job (the trial found these left
		 * out), read across the wrapped rows: each run of blanks as one.
		 */
		char *flat = xstrdup(keys), *o = flat;
		for (const char *s = keys; *s != '\0'; s++)
			if (!(*s == ' ' || *s == '\n') || (o > flat && o[-1] != ' '))
				*o++ = *s == '\n' ? ' ' : *s;
		*o = '\0';
		static const char *const also[] = {"Ctrl-X Ctrl-U", "/help", "model",
		                                   "queued message", "leave /edit"};
		for (size_t i = 0; i < ARRAY_LEN(also); i++)
			ck_assert_msg(strstr(flat, also[i]) != NULL, "F1 at %d lacks \"%s\": %s",
			              width, also[i], flat);
		free(flat);
		free(text);
	}
}
END_TEST

START_TEST(named_keys_are_the_codes_terminals_send)
{
	ck_assert_int_eq(CTRL('K'), 11);
	ck_assert_int_eq(CTRL('A'), 1);
	ck_assert_int_eq(CTRL('J'), '\n');
	ck_assert_int_ne(CODE(KEY_UP) & KEY_IS_CODE, 0);
	ck_assert_int_ne(ALT('b'), 'b');
	/* A character beyond the BMP is neither a code nor an Alt key. */
	ck_assert_int_eq(0x10FFFF & (KEY_IS_CODE | KEY_IS_ALT), 0);
}
END_TEST

/* The commands COMMANDS lists: the first word of each tag, "/name". */
static size_t man_command_names(char **names, size_t max)
{
	char *sec = man_section("COMMANDS");
	size_t n = 0;
	bool tag = false;
	for (char *line = strtok(sec, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (strcmp(line, ".TP") == 0) {
			tag = true;
			continue;
		}
		if (!tag)
			continue;
		tag = false;
		char *args[8];
		size_t na = troff_args(line, args, ARRAY_LEN(args));
		ck_assert_msg(na > 0 && args[0][0] == '/', "a COMMANDS tag without a /name: %s",
		              line);
		if (n < max)
			names[n++] = xstrdup(args[0] + 1);
		for (size_t i = 0; i < na; i++)
			free(args[i]);
	}
	free(sec);
	return n;
}

START_TEST(every_command_is_in_the_man_page_and_back)
{
	size_t nc;
	const struct cmd_entry *c = cmd_table(&nc);
	char *names[MAX_NAMES];
	size_t nm = man_command_names(names, MAX_NAMES);
	for (size_t i = 0; i < nc; i++)
		ck_assert_msg(in_list(names, nm, c[i].name), "the man page's COMMANDS lacks /%s",
		              c[i].name);
	for (size_t i = 0; i < nm; i++) {
		ck_assert_msg(cmd_find(names[i], NULL) != NULL &&
		                  strcmp(cmd_find(names[i], NULL)->name, names[i]) == 0,
		              "the man page's COMMANDS names /%s, which the command table lacks",
		              names[i]);
		free(names[i]);
	}
	ck_assert_uint_eq(nm, nc);
}
END_TEST

static Suite *keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, every_key_has_its_help_in_f1_and_the_man_page);
	tcase_add_test(tc, f1_lists_every_key_and_its_help);
	tcase_add_test(tc, named_keys_are_the_codes_terminals_send);
	tcase_add_test(tc, every_command_is_in_the_man_page_and_back);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(keys_suite)
