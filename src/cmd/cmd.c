/*
 * cmd.c: the command table, lookup, word splitting, completion and the
 * ask-and-continue plumbing (see cmd.h). The commands themselves are in
 * commands.c, grouped by what they touch; each is a few lines that call
 * the chat, so one file per command would mostly be boilerplate.
 */
#include "jarvis/cmd.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jarvis/chat.h"
#include "jarvis/util.h"

#include "commands.h"

static const struct cmd_entry table[] = {
    {"help", "h", "[CMD]", "list the commands and keys, or explain one", 0, 1, 0, -1, cmd_help},
    /* The seed's one-line forms end with the password: the rest of the line, spaces and all. */
    {"signup", NULL, "[NAME EMAIL]", "create an account and log in (password asked masked)", 0, 3,
     CMD_SECRET | CMD_REST, 2, cmd_signup},
    {"login", NULL, "[EMAIL]", "log in; the conversation on screen is kept", 0, 2,
     CMD_SECRET | CMD_REST, 1, cmd_login},
    {"logout", NULL, "", "log out and revoke this session", 0, 0, 0, -1, cmd_logout},
    {"whoami", NULL, "", "who is logged in, and where chats are stored", 0, 0, 0, -1, cmd_whoami},
    {"new", NULL, "[TITLE]", "start a new conversation", 0, 1, CMD_REST, -1, cmd_new},
    {"convs", NULL, "", "list your stored conversations (F3 to browse)", 0, 0, CMD_NEEDS_LOGIN, -1,
     cmd_convs},
    {"select", "open", "ID|N", "open a stored conversation by id or list number", 1, 1,
     CMD_NEEDS_LOGIN, -1, cmd_select},
    {"rename", NULL, "TITLE", "rename this conversation", 1, 1, CMD_REST, -1, cmd_rename},
    {"delete", NULL, "[ID|N]", "delete this (or another) stored conversation", 0, 1,
     CMD_NEEDS_LOGIN, -1, cmd_delete},
    {"model", "m", "[ID]", "switch the model (without ID: the F2 picker)", 0, 1, 0, -1, cmd_model},
    {"attach", "a", "PATH...", "attach images to your next message", 1, -1, 0, -1, cmd_attach},
    {"detach", NULL, "", "drop the images waiting to be sent", 0, 0, 0, -1, cmd_detach},
    {"retry", "r", "", "ask the last question again", 0, 0, 0, -1, cmd_retry},
    {"stop", NULL, "", "stop the answer that is streaming (Esc)", 0, 0, 0, -1, cmd_stop},
    {"system", NULL, "[PROMPT|-]", "show, set or (with -) clear the system prompt", 0, 1, CMD_REST,
     -1, cmd_system},
    {"think", NULL, "[LEVEL]", "how hard the model thinks here: auto, off, low, medium, high, N", 0,
     1, 0, -1, cmd_think},
    {"thoughts", NULL, "", "show the thought summary of the last answer", 0, 0, 0, -1,
     cmd_thoughts},
    {"like", NULL, "", "mark the last answer as good", 0, 0, 0, -1, cmd_like},
    {"dislike", NULL, "", "mark the last answer as bad", 0, 0, 0, -1, cmd_dislike},
    {"export", NULL, "[FILE]", "write this conversation as Markdown", 0, 1, CMD_REST, -1,
     cmd_export},
    {"quota", NULL, "", "requests left for this model this minute and today", 0, 0, 0, -1,
     cmd_quota},
    {"clear", NULL, "", "start over: a new conversation, the old one stays", 0, 0, 0, -1,
     cmd_clear},
    {"quit", "q", "", "leave Jarvis (Ctrl-D on an empty line too)", 0, 0, 0, -1, cmd_quit},
};

const struct cmd_entry *cmd_table(size_t *n)
{
	*n = ARRAY_LEN(table);
	return table;
}

const struct cmd_entry *cmd_find(const char *name, char **cause)
{
	/* Any case: a /Login typed by habit is still /login (and still masked). */
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		if (strcasecmp(table[i].name, name) == 0)
			return &table[i];
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		if (table[i].alias != NULL && strcasecmp(table[i].alias, name) == 0)
			return &table[i];
	const struct cmd_entry *found = NULL;
	size_t n = strlen(name), matches = 0;
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (n > 0 && strncasecmp(table[i].name, name, n) == 0) {
			found = &table[i];
			matches++;
		}
	}
	if (matches == 1)
		return found;
	if (matches > 1)
		set_cause(cause, "/%s is ambiguous: type more of the command (Tab lists them)",
		          name);
	else
		set_cause(cause, "unknown command /%s; /help lists them", name);
	return NULL;
}

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
		buf_init(&w, 0);
		if (rest_from >= 0 && n >= rest_from) {
			/* The rest of the line as typed, trailing blanks dropped. */
			size_t len = strlen(p);
			while (len > 0 &&
			       (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\n'))
				len--;
			buf_append(&w, p, len);
			push_word(words, &n, &w);
			break;
		}
		bool quoted = false;
		for (; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0') {
				buf_append(&w, ++p, 1);
			} else if (*p == '"') {
				quoted = !quoted;
			} else if (!quoted && (*p == ' ' || *p == '\t')) {
				break;
			} else {
				buf_append(&w, p, 1);
			}
		}
		if (w.data == NULL)
			buf_puts(&w, "");
		push_word(words, &n, &w);
	}
	return n;
}

void cmd_words_free(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w != NULL; w++)
		free_secret(*w); /* a word may be a password */
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
	free(c->ask_label);
	c->ask_label = NULL;
	c->ask_secret = false;
	c->then = NULL;
	if (then == NULL)
		return 0;
	int rc = then(c, answer, cause);
	/* Finished (no new question): forget what the continuation held. */
	if (c->then == NULL)
		cmd_ctx_reset(c);
	return rc;
}

void cmd_ctx_reset(struct cmd_ctx *c)
{
	free(c->ask_label);
	c->ask_label = NULL;
	c->ask_secret = false;
	c->then = NULL;
	for (size_t i = 0; i < ARRAY_LEN(c->state); i++) {
		free_secret(c->state[i]);
		c->state[i] = NULL;
	}
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
	/*
	 * An ambiguous or mistyped start of /login or /signup ("/lo EMAIL PW")
	 * may still carry a password: mask it as the command it looks like.
	 */
	for (size_t i = 0; e == NULL && n >= 1 && i < ARRAY_LEN(table); i++)
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

static size_t complete_command(const char *word, char **out, size_t max)
{
	size_t n = 0, len = strlen(word);
	for (size_t i = 0; i < ARRAY_LEN(table) && n < max; i++)
		if (strncmp(table[i].name, word, len) == 0)
			out[n++] = xasprintf("/%s", table[i].name);
	return n;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t complete_path(const char *word, char **out, size_t max)
{
	const char *slash = strrchr(word, '/');
	char *dir;
	const char *base;
	if (word[0] == '~' && (word[1] == '/' || word[1] == '\0') && slash == NULL) {
		return 0;
	}
	if (slash != NULL) {
		dir = xstrndup(word, (size_t)(slash - word) + 1);
		base = slash + 1;
	} else {
		dir = xstrdup("");
		base = word;
	}
	char *opendir_path = NULL;
	if (dir[0] == '~' && dir[1] == '/') {
		const char *home = getenv("HOME");
		opendir_path = xasprintf("%s%s", home ? home : "", dir + 1);
	} else {
		opendir_path = xstrdup(dir[0] ? dir : ".");
	}
	DIR *d = opendir(opendir_path);
	size_t n = 0, len = strlen(base);
	if (d != NULL) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL && n < max) {
			if (de->d_name[0] == '.' && base[0] != '.')
				continue;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (strncmp(de->d_name, base, len) != 0)
				continue;
			bool is_dir = de->d_type == DT_DIR;
			out[n++] = xasprintf("%s%s%s", dir, de->d_name, is_dir ? "/" : "");
		}
		closedir(d);
	}
	qsort(out, n, sizeof(*out), by_string);
	free(dir);
	free(opendir_path);
	return n;
}

size_t cmd_complete(const char *line, char **out, size_t max)
{
	if (line[0] != '/')
		return 0;
	const char *space = strrchr(line, ' ');
	if (space == NULL)
		return complete_command(line + 1, out, max);
	size_t cmdlen = strcspn(line + 1, " ");
	char *name = xstrndup(line + 1, cmdlen);
	const struct cmd_entry *e = cmd_find(name, NULL);
	free(name);
	if (e == NULL || strcmp(e->name, "attach") != 0)
		return 0;
	return complete_path(space + 1, out, max);
}
