/*
 * complete.c: Tab in the chat (see cmd.h). The word being typed at the end
 * of the line is completed as what its command takes: a command name after
 * "/" or "/help", a path after /attach (with ~ for the home directory and
 * blanks escaped, as the command line reads them back), a model id after
 * /model, a conversation's number (by number or by title) after /select,
 * a question's number (counted back, as /edit takes it) after /edit.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jarvis/buf.h"
#include "jarvis/chat.h"
#include "jarvis/cmd.h"
#include "jarvis/models.h"
#include "jarvis/util.h"

/* Where the last word starts: after the last blank that no backslash escapes. */
static size_t last_word(const char *line)
{
	size_t start = 0;
	for (size_t i = 0; line[i] != '\0'; i++) {
		if (line[i] == '\\' && line[i + 1] != '\0')
			i++;
		else if (line[i] == ' ' || line[i] == '\t')
			start = i + 1;
	}
	return start;
}

/* The word as the command will read it: backslashes and quotes taken off. */
static char *unescape(const char *w)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	for (; *w; w++) {
		if (*w == '\\' && w[1] != '\0')
			w++;
		else if (*w == '"')
			continue;
		buf_add(&b, w, 1);
	}
	return buf_steal(&b);
}

/* A path as it must be typed: blanks, quotes and backslashes escaped. */
static char *escape(const char *s)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	for (; *s; s++) {
		if (strchr(" \t\\\"", *s))
			buf_add(&b, "\\", 1);
		buf_add(&b, s, 1);
	}
	return buf_steal(&b);
}

static size_t complete_command(const char *word, const char *lead, char **out, size_t max)
{
	size_t n = 0, len = strlen(word), ncmd;
	const struct cmd_entry *table = cmd_table(&ncmd);
	for (size_t i = 0; i < ncmd && n < max; i++)
		if (strncmp(table[i].name, word, len) == 0)
			out[n++] = xasprintf("%s%s", lead, table[i].name);
	return n;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the directory of word that start as its last part does. */
static size_t complete_path(const char *word, char **out, size_t max)
{
	const char *slash = strrchr(word, '/');
	if (word[0] == '~' && slash == NULL)
		return word[1] == '\0' ? (out[0] = xstrdup("~/"), 1) : 0;
	char *dir = slash ? xstrndup(word, (size_t)(slash - word) + 1) : xstrdup("");
	const char *base = slash ? slash + 1 : word;
	char *path;
	if (dir[0] == '~' && dir[1] == '/') {
		const char *home = getenv("HOME");
		path = xasprintf("%s%s", home ? home : "", dir + 1);
	} else {
		path = xstrdup(dir[0] ? dir : ".");
	}
	DIR *d = opendir(path);
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
			char *whole =
			    xasprintf("%s%s%s", dir, de->d_name, de->d_type == DT_DIR ? "/" : "");
			out[n++] = escape(whole);
			free(whole);
		}
		closedir(d);
	}
	qsort(out, n, sizeof(*out), by_string);
	free(dir);
	free(path);
	return n;
}

static size_t complete_model(const struct chat *ch, const char *word, char **out, size_t max)
{
	const struct model_list *m = ch ? chat_models(ch) : NULL;
	size_t n = 0, len = strlen(word);
	for (size_t i = 0; m != NULL && i < m->n && n < max; i++)
		if (strncmp(m->v[i].id, word, len) == 0)
			out[n++] = xstrdup(m->v[i].id);
	return n;
}

/* Numbers of the conversations listed last (/convs, F3): by number, or by title. */
static size_t complete_conv(const struct chat *ch, const char *word, char **out, char **labels,
                            size_t max)
{
	size_t nrows = 0, n = 0, len = strlen(word);
	const struct chat_conv_row *rows = ch ? chat_conv_rows(ch, &nrows) : NULL;
	bool number = word[strspn(word, "0123456789")] == '\0';
	for (size_t i = 0; i < nrows && n < max; i++) {
		char *num = xasprintf("%zu", i + 1);
		const char *title = rows[i].title ? rows[i].title : "untitled";
		bool hit = number ? strncmp(num, word, len) == 0 : strcasestr(title, word) != NULL;
		if (hit) {
			if (labels != NULL)
				labels[n] = xasprintf("%s %s", num, title);
			out[n++] = num;
		} else {
			free(num);
		}
	}
	return n;
}

/* Questions on screen for /edit, counted back from the last, each labelled with its start. */
static size_t complete_question(const struct chat *ch, const char *word, char **out, char **labels,
                                size_t max)
{
	const struct conv *c = ch ? chat_conv(ch) : NULL;
	size_t n = 0, back = 0, len = strlen(word);
	for (size_t i = c ? c->n : 0; i-- > 0 && n < max;) {
		const struct msg *m = c->msgs[i];
		if (m->role != ROLE_USER || m->status == MSG_TAMPERED ||
		    (m->text.len == 0 && m->nimages == 0))
			continue;
		char *num = xasprintf("%zu", ++back);
		if (strncmp(num, word, len) != 0) {
			free(num);
			continue;
		}
		if (labels != NULL) {
			char *title = msg_title(m);
			labels[n] = xasprintf("%s %s", num, title);
			free(title);
		}
		out[n++] = num;
	}
	return n;
}

size_t cmd_complete_at(const struct chat *ch, const char *line, size_t *word_start, char **out,
                       char **labels, size_t max)
{
	size_t start = last_word(line);
	*word_start = start;
	if (line[0] != '/' || max == 0)
		return 0;
	if (start == 0)
		return complete_command(line + 1, "/", out, max);
	char *name = xstrndup(line + 1, strcspn(line + 1, " \t"));
	const struct cmd_entry *e = cmd_find(name, NULL);
	free(name);
	if (e == NULL)
		return 0;
	char *word = unescape(line + start);
	size_t n = 0;
	size_t cmd_end = strcspn(line, " \t");
	bool first_arg = start == cmd_end + strspn(line + cmd_end, " \t");
	if (strcmp(e->name, "attach") == 0)
		n = complete_path(word, out, max);
	else if (strcmp(e->name, "help") == 0 && first_arg)
		n = complete_command(word[0] == '/' ? word + 1 : word, word[0] == '/' ? "/" : "",
		                     out, max);
	else if (strcmp(e->name, "model") == 0 && first_arg)
		n = complete_model(ch, word, out, max);
	else if (strcmp(e->name, "select") == 0 && first_arg)
		n = complete_conv(ch, word, out, labels, max);
	else if (strcmp(e->name, "edit") == 0 && first_arg)
		n = complete_question(ch, word, out, labels, max);
	free(word);
	return n;
}

size_t cmd_complete(const char *line, char **out, size_t max)
{
	size_t start;
	return cmd_complete_at(NULL, line, &start, out, NULL, max);
}
