/*
 * config_file.c: the INI file. inih splits the lines; this file adds what
 * inih cannot check (known sections and keys, [model "ID"] sections,
 * indented continuation lines, over-long lines) and words every complaint
 * as "FILE:LINE: ...", the first one in the file winning. It warns about a
 * secret in a file that others can read.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "config_internal.h"
#include "jarvis/config.h"
#include "jarvis/util.h"

/* --- [model "ID"] sections -------------------------------------------- */

static struct config_model *model_get(struct config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nmodels; i++) {
		if (strcmp(cfg->models[i].id, id) == 0)
			return &cfg->models[i];
	}
	cfg->models = xrealloc(cfg->models, (cfg->nmodels + 1) * sizeof(*cfg->models));
	struct config_model *m = &cfg->models[cfg->nmodels++];
	memset(m, 0, sizeof(*m));
	m->id = xstrdup(id);
	return m;
}

/*
 * Classifies a section name. Returns 0 for a plain section and 1 for
 * [model "ID"] (with *id a new string), or -1 with a complaint.
 */
static int section_parse(const char *name, char **id, char **cause)
{
	static const char *const plain[] = {"gemini", "store", "auth", "ui", "limits"};
	for (size_t i = 0; i < ARRAY_LEN(plain); i++) {
		if (strcmp(name, plain[i]) == 0)
			return 0;
	}
	if (strncmp(name, "model", 5) == 0 &&
	    (name[5] == ' ' || name[5] == '\t' || name[5] == '"')) {
		const char *p = name + 5;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = *p == '"' ? strchr(p + 1, '"') : NULL;
		if (end == NULL || end[1] != '\0' || end == p + 1) {
			set_cause(cause, "bad section [%s]; write [model \"ID\"]", name);
			return -1; /* not set_cause's value: the analyzer cannot see it is -1 */
		}
		char *copy = xstrndup(p + 1, (size_t)(end - p - 1));
		const char *why = config_check_model(copy);
		if (why != NULL) {
			set_cause(cause, "the model id in [%s] %s", name, why);
			free(copy);
			return -1;
		}
		*id = copy;
		return 1;
	}
	set_cause(cause,
	          "unknown section [%s]; the sections are [gemini], [store], [auth], [ui], "
	          "[limits] and [model \"ID\"]",
	          name);
	return -1;
}

/* --- the file ---------------------------------------------------------- */

struct load {
	struct config *cfg;
	FILE *fp;
	char *line;
	size_t cap;
	int lineno;
	bool indented;      /* the line being parsed starts with a blank */
	char *prev_section; /* section and key of the last value, for continuations */
	char *prev_key;
	int err_line;
	char *err;
	bool has_secret;
};

static void load_fail(struct load *ld, int line, const char *msg)
{
	if (ld->err != NULL && ld->err_line <= line)
		return;
	free(ld->err);
	ld->err = xstrdup(msg);
	ld->err_line = line;
}

/* inih's line reader: counts lines, refuses lines too long for inih's
 * buffer and checks section headers where they stand. */
static char *load_read(char *str, int num, void *stream)
{
	struct load *ld = stream;
	ssize_t n = getline(&ld->line, &ld->cap, ld->fp);
	if (n < 0)
		return NULL;
	ld->lineno++;
	ld->indented = n > 0 && (ld->line[0] == ' ' || ld->line[0] == '\t');

	/* inih needs room for "\r\n\0" past the text. */
	ssize_t text = n;
	while (text > 0 && (ld->line[text - 1] == '\n' || ld->line[text - 1] == '\r'))
		text--;
	if (text > num - 3) {
		char *msg = xasprintf("line is longer than %d characters; split a long value "
		                      "over indented continuation lines",
		                      num - 3);
		load_fail(ld, ld->lineno, msg);
		free(msg);
		str[0] = '\0';
		return str;
	}
	/* Only the text and one '\n': a run of '\r' after it must not overflow. */
	memcpy(str, ld->line, (size_t)text);
	str[text] = '\n';
	str[text + 1] = '\0';

	const char *p = ld->line;
	while (isspace((unsigned char)*p))
		p++;
	const char *close = *p == '[' ? strchr(p, ']') : NULL;
	if (close != NULL) {
		char *name = xstrndup(p + 1, (size_t)(close - p - 1));
		char *id = NULL;
		char *why = NULL;
		if (section_parse(name, &id, &why) < 0)
			load_fail(ld, ld->lineno, why);
		free(why);
		free(id);
		free(name);
	}
	return str;
}

static int load_handler(void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	struct config *cfg = ld->cfg;
	char *why = NULL;
	char *id = NULL;
	void *base = cfg;
	const char *kind = section;

	if (*section == '\0') {
		char *msg = xasprintf("key \"%s\" comes before any [section]", name);
		load_fail(ld, ld->lineno, msg);
		free(msg);
		return 1;
	}
	int sk = section_parse(section, &id, &why);
	if (sk < 0) {
		/* load_read() has reported the header line already. */
		free(why);
		return 1;
	}
	if (sk == 1) {
		base = model_get(cfg, id);
		kind = "model";
	}
	free(id);

	const struct config_option *o = config_option_find(kind, name);
	if (o == NULL) {
		char *msg = xasprintf("unknown key \"%s\" in [%s]", name, section);
		load_fail(ld, ld->lineno, msg);
		free(msg);
		return 1;
	}

	bool continues = ld->indented && ld->prev_key != NULL &&
	                 strcmp(ld->prev_section, section) == 0 && strcmp(ld->prev_key, name) == 0;
	if (continues) {
		if (o->join == NULL) {
			char *msg = xasprintf("this indented line would continue the value of %s, "
			                      "which takes one line; remove the indent",
			                      name);
			load_fail(ld, ld->lineno, msg);
			free(msg);
		} else if (*value != '\0') {
			config_option_append(base, o, value);
		}
		return 1;
	}

	if (config_option_set(base, o, value, name, &why) < 0) {
		load_fail(ld, ld->lineno, why);
		free(why);
	}
	/* A MongoDB URI with user:password@ is a secret too. */
	if ((o->secret && *value != '\0') ||
	    (strcmp(o->key, "uri") == 0 && strchr(value, '@') != NULL))
		ld->has_secret = true;
	free(ld->prev_section);
	free(ld->prev_key);
	ld->prev_section = xstrdup(section);
	ld->prev_key = xstrdup(name);
	return 1;
}

/* strerror() text starting lower-case, as our messages do. */
static const char *errno_words(int err, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror(err));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/*
 * Reads path into cfg. named_by is NULL for the default file (which may be
 * missing) or says who named it ("-c", "JARVIS_CONFIG").
 */
int config_load_file(struct config *cfg, const char *path, const char *named_by,
                     config_warn_fn warn, void *ud, char **cause)
{
	char ebuf[128];
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		int err = errno;
		if (err == ENOENT && named_by == NULL)
			return 0;
		if (named_by != NULL)
			return set_cause(cause, "cannot read config file %s (named by %s): %s",
			                 path, named_by, errno_words(err, ebuf, sizeof(ebuf)));
		return set_cause(cause, "cannot read config file %s: %s", path,
		                 errno_words(err, ebuf, sizeof(ebuf)));
	}
	struct stat st;
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return set_cause(cause, "config file %s is not a regular file", path);
	}

	struct load ld = {.cfg = cfg, .fp = fp};
	int rc = ini_parse_stream(load_read, &ld, load_handler, &ld);
	if (rc > 0)
		load_fail(&ld, rc, "expected \"key = value\", a [section] or a # comment");
	else if (rc < 0 && ld.err == NULL)
		load_fail(&ld, 0, "cannot parse it (out of memory?)");
	if (ferror(fp) && ld.err == NULL)
		load_fail(&ld, 0, "read error");
	fclose(fp);
	free(ld.line);
	free(ld.prev_section);
	free(ld.prev_key);

	if (ld.err != NULL) {
		if (ld.err_line > 0)
			set_cause(cause, "%s:%d: %s", path, ld.err_line, ld.err);
		else
			set_cause(cause, "%s: %s", path, ld.err);
		free(ld.err);
		return -1;
	}
	free(cfg->config_path);
	cfg->config_path = xstrdup(path);

	if (ld.has_secret && (st.st_mode & (S_IRGRP | S_IROTH)) != 0 && warn != NULL) {
		char *msg = xasprintf("%s is readable by other users and holds a secret; "
		                      "run: chmod 600 %s",
		                      path, path);
		warn(ud, msg);
		free(msg);
	}
	return 0;
}
