/*
 * cmd.c: running a typed line (see cmd.h): word splitting, masking,
 * completion and feeding an answer to a pending ask. What the commands
 * are and do is in commands.c, which knows nothing of this file.
 */
#include "jarvis/cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jarvis/chat.h"
#include "jarvis/util.h"

static void push_word(char ***words, int *n, struct buf *w)
{
	*words = xrealloc(*words, (size_t)(*n + 2) * sizeof(**words));
	(*words)[(*n)++] = buf_steal(w);
	(*words)[*n] = NULL;
}

int cmd_split(const char *line, int rest_from, char ***words)
{
	int n = 0;
	*words = xcalloc(1, sizeof(**words));
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		struct buf w;
		buf_init(&w, BUF_TEXT_MAX);
		if (rest_from >= 0 && n >= rest_from) {
			/* The rest of the line as typed, trailing blanks dropped. */
			size_t len = strlen(p);
			while (len > 0 &&
			       (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n'))
				len--;
			buf_add(&w, p, len);
			push_word(words, &n, &w);
			break;
		}
		bool quoted = false;
		for (; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0') {
				buf_add(&w, ++p, 1);
			} else if (*p == '"') {
				quoted = !quoted;
			} else if (!quoted && (*p == ' ' || *p == '\t')) {
				break;
			} else {
				buf_add(&w, p, 1);
			}
		}
		push_word(words, &n, &w);
	}
	return n;
}

void cmd_words_free(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w != NULL; w++)
		secret_free(*w); /* a word may be a password */
	free(words);
}

int cmd_run(struct cmd_ctx *c, const char *line, char **cause)
{
	line += strspn(line, " \t");
	if (line[0] != '/')
		return set_cause(cause, "commands start with /");
	char **head = NULL;
	int n = cmd_split(line + 1, 1, &head);
	if (n == 0) {
		cmd_words_free(head);
		return set_cause(cause, "type a command after /; /help lists them");
	}
	const struct cmd_entry *e = cmd_find(head[0], cause);
	if (e == NULL) {
		cmd_words_free(head);
		return -1;
	}
	/* Split the arguments again now that we know if the last takes the rest. */
	const char *args = n > 1 ? head[1] : "";
	char **argv = NULL;
	int rest = (e->flags & CMD_REST) && e->max_args > 0 ? e->max_args - 1 : -1;
	int argc = cmd_split(args, rest, &argv);
	int rc;
	if (argc < e->min_args || (e->max_args >= 0 && argc > e->max_args)) {
		rc = set_cause(cause, "usage: /%s %s", e->name, e->usage);
	} else if ((e->flags & CMD_NEEDS_LOGIN) && chat_user(c->chat) == NULL) {
		rc = set_cause(cause, "/%s needs a login: /login EMAIL or /signup", e->name);
	} else {
		rc = e->exec(c, argc, argv, cause);
	}
	cmd_words_free(argv);
	cmd_words_free(head);
	return rc;
}

int cmd_answer(struct cmd_ctx *c, const char *answer, char **cause)
{
	int (*then)(struct cmd_ctx *, const char *, char **) = c->then;
	char *label = c->ask_label;
	bool secret = c->ask_secret;
	c->ask_label = NULL;
	c->ask_secret = false;
	c->then = NULL;
	if (then == NULL) {
		free(label);
		return 0;
	}
	int rc = then(c, answer, cause);
	if (rc == CMD_AGAIN) {
		bool same = c->then == NULL;
		if (same) {
			/* The same question again, as masked as it was. */
			c->ask_label = label;
			c->ask_secret = secret;
			c->then = then;
			label = NULL;
		}
		const char *why = cause && *cause ? *cause : "that will not do";
		char *again = xasprintf("%s%s (Esc cancels)", why, same ? "; type it again" : "");
		if (cause != NULL) {
			free(*cause);
			*cause = again;
		} else {
			free(again);
		}
		rc = -1;
	}
	free(label);
	/* Finished (no new question): forget what the continuation held. */
	if (c->then == NULL)
		cmd_ctx_reset(c);
	return rc;
}

bool cmd_secret_offset(const char *line, size_t *offset)
{
	const char *p = line + strspn(line, " \t");
	if (*p != '/')
		return false;
	p++;
	size_t n = strcspn(p, " \t");
	char *name = xstrndup(p, n);
	const struct cmd_entry *e = cmd_find(name, NULL);
	size_t ncmd;
	const struct cmd_entry *table = cmd_table(&ncmd);
	/*
	 * An ambiguous or mistyped start of /login or /signup ("/lo EMAIL PW")
	 * may still carry a password: mask it as the command it looks like.
	 */
	for (size_t i = 0; e == NULL && n >= 1 && i < ncmd; i++)
		if (table[i].secret_arg >= 0 && strncasecmp(table[i].name, name, n) == 0)
			e = &table[i];
	free(name);
	if (e == NULL || e->secret_arg < 0)
		return false;
	/* Skip the command word and secret_arg argument words. */
	p += n;
	for (int i = 0; i < e->secret_arg; i++) {
		p += strspn(p, " \t");
		if (*p == '\0')
			return true; /* not there yet: nothing to mask, still not for history */
		/* Word ends exactly as in cmd_split(): a backslash escapes the next
		 * character, so an escaped quote opens no quoted run. */
		bool quoted = false;
		for (; *p != '\0' && (quoted || (*p != ' ' && *p != '\t')); p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = !quoted;
	}
	p += strspn(p, " \t");
	*offset = (size_t)(p - line);
	return true;
}

bool cmd_known(const char *line)
{
	line += strspn(line, " \t");
	if (line[0] != '/')
		return false;
	char *name = xstrndup(line + 1, strcspn(line + 1, " \t"));
	bool known = cmd_find(name, NULL) != NULL;
	free(name);
	return known;
}

bool cmd_unknown(const char *line)
{
	line += strspn(line, " \t");
	if (line[0] != '/')
		return false;
	size_t n = strcspn(line + 1, " \t\n"), ncmd;
	const struct cmd_entry *table = cmd_table(&ncmd);
	for (size_t i = 0; i < ncmd; i++)
		if (strncasecmp(table[i].name, line + 1, n) == 0 ||
		    (table[i].alias != NULL && strlen(table[i].alias) == n &&
		     strncasecmp(table[i].alias, line + 1, n) == 0))
			return false;
	return n > 0;
}
