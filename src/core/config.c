/*
 * config.c: loads the configuration (see config.h). The option table below
 * is the single list of keys: the INI loader, the environment lookup, the
 * --help text and the config.example.ini test all walk it, so a key added
 * here is documented or the tests fail. This file must not print, write
 * files or create directories; it reports through *cause and the warn
 * callback only.
 */
#include "jarvis/config.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <ini.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/gemini_request.h"
#include "jarvis/models.h"
#include "jarvis/util.h"

#define YEAR_SECONDS (366.0 * 24 * 3600)
#define GIB (1024.0 * 1024 * 1024)

static const char *check_base_url(char *value);
static const char *check_model(char *value);
static const char *check_thinking(char *value)
{
	struct gemini_thinking t;
	if (gemini_thinking_parse(value, &t) == -1)
		return "must be auto, off, minimal, low, medium, high or a token budget from -1 "
		       "to 32768";
	return NULL;
}

/* The host of an http(s) URL, without user info or port, into out (size n). */
static void url_host(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t len = strcspn(p, "/?#");
	const char *at = memchr(p, '@', len);
	if (at != NULL) {
		len -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (*p == '[') {
		const char *close = memchr(p, ']', len);
		len = close ? (size_t)(close + 1 - p) : len;
	} else {
		const char *colon = memchr(p, ':', len);
		len = colon ? (size_t)(colon - p) : len;
	}
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

/* Whether a URL's host is this machine: localhost, 127.0.0.0/8 or [::1]. */
static bool host_is_loopback(const char *url)
{
	char host[256];
	url_host(url, host, sizeof host);
	return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	       strcmp(host, "[::1]") == 0;
}

/* The API key must not travel in clear to another machine unless the user says so. */
static int check_insecure(const struct config *cfg, char **cause)
{
	if (strncmp(cfg->base_url, "http://", 7) != 0 || cfg->allow_insecure ||
	    host_is_loopback(cfg->base_url))
		return 0;
	return set_cause(cause,
	                 "base_url %s is plain http:// to another machine: the API key would "
	                 "travel in clear; use https://, or set [gemini] allow_insecure = on",
	                 cfg->base_url);
}

static const char *check_database(char *value);
static const char *check_api_key(char *value);
static const char *check_emoji_width(char *value);
static const char *check_thinking(char *value);
static const char *check_bidi(char *value);

#define CFG(field) offsetof(struct config, field)
#define MDL(field) offsetof(struct config_model, field)

static const struct config_option options[] = {
    {
        .section = "gemini",
        .key = "api_key",
        .env = "GEMINI_API_KEY",
        .env_alt = "GOOGLE_API_KEY",
        .type = CONFIG_STRING,
        .def_doc = "none: chatting says how to set it",
        .help = "Gemini API key; sent only in the x-goog-api-key header",
        .secret = true,
        .offset = CFG(api_key),
        .check = check_api_key,
    },
    {
        .section = "gemini",
        .key = "base_url",
        .env = "GEMINI_BASE_URL",
        .env_alt = "GOOGLE_GEMINI_BASE_URL",
        .type = CONFIG_STRING,
        .def = CONFIG_DEFAULT_BASE_URL,
        .help = "address of the Gemini API (a proxy or a test server)",
        .offset = CFG(base_url),
        .check = check_base_url,
    },
    {
        .section = "gemini",
        .key = "allow_insecure",
        .type = CONFIG_BOOL,
        .def = "off",
        .help = "allow a plain http:// base_url to a host other than this machine (the key "
                "travels in clear)",
        .offset = CFG(allow_insecure),
    },
    {
        .section = "gemini",
        .key = "model",
        .env = "JARVIS_MODEL",
        .type = CONFIG_STRING,
        .def = CONFIG_DEFAULT_MODEL,
        .help = "model used for new conversations",
        .offset = CFG(model),
        .check = check_model,
    },
    {
        .section = "gemini",
        .key = "system_prompt",
        .type = CONFIG_STRING,
        .def_doc = "unset",
        .help = "system instruction sent with every request (indented lines continue it)",
        .offset = CFG(system_prompt),
        .join = "\n",
    },
    {
        .section = "gemini",
        .key = "temperature",
        .type = CONFIG_NUMBER,
        .def_doc = "unset (the model's own)",
        .help = "sampling temperature, 0 to 2",
        .max = 2,
        .offset = CFG(temperature),
        .has_offset = CFG(has_temperature),
    },
    {
        .section = "gemini",
        .key = "max_output_tokens",
        .type = CONFIG_INTEGER,
        .def_doc = "unset (the model's own)",
        .help = "longest answer in tokens",
        .min = 1,
        .max = INT_MAX,
        .offset = CFG(max_output_tokens),
        .has_offset = CFG(has_max_output_tokens),
    },
    {
        .section = "gemini",
        .key = "thinking",
        .type = CONFIG_STRING,
        .def = "auto",
        .help = "how hard the model thinks: auto, off, minimal, low, medium, high, or a "
                "token budget (-1 to 32768)",
        .offset = CFG(thinking),
        .check = check_thinking,
    },
    {
        .section = "gemini",
        .key = "timeout",
        .type = CONFIG_DURATION,
        .def = "300",
        .def_doc = "300 seconds",
        .help = "give up on a request after this long (seconds, or 30s, 5m, 1h)",
        .min = 1,
        .max = YEAR_SECONDS,
        .offset = CFG(timeout),
    },
    {
        .section = "gemini",
        .key = "stall_timeout",
        .type = CONFIG_DURATION,
        .def = "120",
        .def_doc = "120 seconds",
        .help = "end a stream that sends nothing for this long (then retried if nothing was shown)",
        .min = 1,
        .max = YEAR_SECONDS,
        .offset = CFG(stall_timeout),
    },
    {
        .section = "store",
        .key = "uri",
        .env = "MONGO_URI",
        .type = CONFIG_STRING,
        .def_doc = "empty: SQLite at $XDG_DATA_HOME/jarvis/jarvis.db",
        .help = "mongodb:// or mongodb+srv:// URI, or a path or sqlite:PATH",
        .offset = CFG(store_uri),
    },
    {
        .section = "store",
        .key = "database",
        .type = CONFIG_STRING,
        .def = "jarvis",
        .help = "MongoDB database name",
        .offset = CFG(database),
        .check = check_database,
    },
    {
        .section = "auth",
        .key = "jwt_secret",
        .env = "JWT_SECRET_KEY",
        .type = CONFIG_STRING,
        .def_doc = "random, kept 0600 beside the SQLite file",
        .help = "key that signs login tokens (HS256); keep it secret",
        .secret = true,
        .offset = CFG(jwt_secret),
    },
    {
        .section = "auth",
        .key = "token_ttl",
        .type = CONFIG_DURATION,
        .def = "7d",
        .help = "how long a login lasts (3600, 3600s, 30m, 12h, 7d)",
        .min = 60,
        .max = YEAR_SECONDS,
        .offset = CFG(token_ttl),
    },
    {
        .section = "ui",
        .key = "color",
        .env = "NO_COLOR",
        .env_kind = CONFIG_ENV_SET_OFF,
        .type = CONFIG_BOOL,
        .def = "on",
        .help = "colours on screen (any non-empty NO_COLOR turns them off)",
        .offset = CFG(color),
    },
    {
        .section = "ui",
        .key = "mouse",
        .type = CONFIG_BOOL,
        .def = "on",
        .help = "the mouse wheel scrolls the history (off: the terminal selects text)",
        .offset = CFG(mouse),
    },
    {
        .section = "ui",
        .key = "markdown",
        .type = CONFIG_BOOL,
        .def = "on",
        .help = "render Markdown in answers (off: show the raw text)",
        .offset = CFG(markdown),
    },
    {
        .section = "ui",
        .key = "emoji_width",
        .type = CONFIG_STRING,
        .def = "auto",
        .help = "emoji sequence widths: auto, terminal-probe, joined or split",
        .offset = CFG(emoji_width),
        .check = check_emoji_width,
    },
    {
        .section = "ui",
        .key = "bidi",
        .type = CONFIG_STRING,
        .def = "auto",
        .help = "show right-to-left answers in visual order: auto, on or off",
        .offset = CFG(bidi),
        .check = check_bidi,
    },
    {
        .section = "limits",
        .key = "max_image_bytes",
        .type = CONFIG_SIZE,
        .def = "5MiB",
        .help = "largest image file that may be attached",
        .min = 1,
        .max = GIB,
        .offset = CFG(max_image_bytes),
    },
    {
        .section = "limits",
        .key = "max_message_bytes",
        .type = CONFIG_SIZE,
        .def = "12MiB",
        .help = "largest message, text and encoded images together",
        .min = 1,
        .max = GIB,
        .offset = CFG(max_message_bytes),
    },
    {
        .section = "model",
        .key = "rpm",
        .type = CONFIG_INTEGER,
        .def_doc = "built-in table of Gemini models",
        .help = "requests per minute allowed for this model",
        .max = INT_MAX,
        .offset = MDL(rpm),
        .has_offset = MDL(has_rpm),
    },
    {
        .section = "model",
        .key = "rpd",
        .type = CONFIG_INTEGER,
        .def_doc = "built-in table of Gemini models",
        .help = "requests per day allowed for this model",
        .max = INT_MAX,
        .offset = MDL(rpd),
        .has_offset = MDL(has_rpd),
    },
    {
        .section = "model",
        .key = "description",
        .type = CONFIG_STRING,
        .def_doc = "built-in table of Gemini models",
        .help = "one line shown by --list-models and the F2 picker",
        .offset = MDL(description),
        .join = " ",
    },
};

const struct config_option *config_options(size_t *n)
{
	*n = ARRAY_LEN(options);
	return options;
}

/* --- checks for strings ------------------------------------------------ */

/* auto: asked once per terminal and cached; terminal-probe: asked at every start. */
static const char *check_emoji_width(char *value)
{
	static const char *const modes[] = {"auto", "terminal-probe", "joined", "split"};
	for (size_t i = 0; i < ARRAY_LEN(modes); i++)
		if (strcmp(value, modes[i]) == 0)
			return NULL;
	return "must be auto, terminal-probe, joined or split";
}

/* auto: off in terminals that reorder by themselves (VTE >= 0.58, Konsole, mlterm). */
static const char *check_bidi(char *value)
{
	if (strcmp(value, "auto") == 0 || strcmp(value, "on") == 0 || strcmp(value, "off") == 0)
		return NULL;
	return "must be auto, on or off";
}

static const char *check_base_url(char *value)
{
	const char *rest;
	if (strncmp(value, "https://", 8) == 0)
		rest = value + 8;
	else if (strncmp(value, "http://", 7) == 0)
		rest = value + 7;
	else
		return "must start with https:// or http://";
	if (*rest == '\0' || *rest == '/')
		return "must name a host after the scheme, as in " CONFIG_DEFAULT_BASE_URL;
	for (const char *p = value; *p != '\0'; p++) {
		if (!isgraph((unsigned char)*p))
			return "must not contain spaces or control characters";
	}
	size_t len = strlen(value);
	while (len > 0 && value[len - 1] == '/')
		value[--len] = '\0';
	return NULL;
}

static const char *check_model(char *value)
{
	/* The API names models "models/ID"; people paste that form. */
	if (strncmp(value, "models/", 7) == 0)
		memmove(value, value + 7, strlen(value + 7) + 1);
	if (*value == '\0')
		return "must be a model id such as " CONFIG_DEFAULT_MODEL;
	for (const char *p = value; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return "must be a model id such as " CONFIG_DEFAULT_MODEL
			       " (letters, digits, '-', '.', '_'); see jarvis --list-models";
	}
	return NULL;
}

static const char *check_database(char *value)
{
	if (strlen(value) > 63)
		return "must be at most 63 characters long";
	if (strpbrk(value, "/\\. \"$") != NULL)
		return "must not contain spaces or any of / \\ . \" $";
	return NULL;
}

static const char *check_api_key(char *value)
{
	/* The key goes into an HTTP header: a space or a newline would break it. */
	for (const char *p = value; *p != '\0'; p++) {
		if (!isgraph((unsigned char)*p))
			return "must be one word of printable characters; check for a stray space "
			       "or newline";
	}
	return NULL;
}

/* --- value parsers ----------------------------------------------------- */

/* A decimal number without locale: the TUI may set LC_NUMERIC to a comma. */
static int parse_number(const char *s, double *out)
{
	const char *p = s;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	double v = 0;
	int digits = 0;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		double scale = 0.1;
		while (isdigit((unsigned char)*p)) {
			v += (*p++ - '0') * scale;
			scale /= 10;
			digits++;
		}
	}
	if (digits == 0 || *p != '\0' || v > DBL_MAX)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* Reads leading decimal digits into *out; returns the rest or NULL. */
static const char *parse_digits(const char *s, unsigned long long *out)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	unsigned long long v = 0;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	*out = v;
	return s;
}

static int parse_integer(const char *s, long *out)
{
	bool neg = *s == '-';
	if (*s == '+' || *s == '-')
		s++;
	unsigned long long v;
	const char *rest = parse_digits(s, &v);
	if (rest == NULL || *rest != '\0' || v > (unsigned long long)LONG_MAX)
		return -1;
	*out = neg ? -(long)v : (long)v;
	return 0;
}

int config_parse_duration(const char *s, long *out)
{
	unsigned long long v;
	const char *rest = parse_digits(s, &v);
	if (rest == NULL)
		return -1;
	unsigned long long unit;
	if (strcmp(rest, "") == 0 || strcmp(rest, "s") == 0)
		unit = 1;
	else if (strcmp(rest, "m") == 0)
		unit = 60;
	else if (strcmp(rest, "h") == 0)
		unit = 3600;
	else if (strcmp(rest, "d") == 0)
		unit = 86400;
	else
		return -1;
	if (v > (unsigned long long)LONG_MAX / unit)
		return -1;
	*out = (long)(v * unit);
	return 0;
}

int config_parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	const char *rest = parse_digits(s, &v);
	if (rest == NULL)
		return -1;
	while (*rest == ' ')
		rest++;
	char unit[4] = "";
	size_t n = strlen(rest);
	if (n >= sizeof(unit))
		return -1;
	for (size_t i = 0; i < n; i++)
		unit[i] = (char)tolower((unsigned char)rest[i]);
	unit[n] = '\0';

	static const struct {
		const char *name;
		unsigned long long factor;
	} units[] = {
	    {"", 1},
	    {"b", 1},
	    {"k", 1ULL << 10},
	    {"ki", 1ULL << 10},
	    {"kib", 1ULL << 10},
	    {"kb", 1000ULL},
	    {"m", 1ULL << 20},
	    {"mi", 1ULL << 20},
	    {"mib", 1ULL << 20},
	    {"mb", 1000000ULL},
	    {"g", 1ULL << 30},
	    {"gi", 1ULL << 30},
	    {"gib", 1ULL << 30},
	    {"gb", 1000000000ULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (strcmp(unit, units[i].name) != 0)
			continue;
		if (v > SIZE_MAX / units[i].factor)
			return -1;
		*out = (size_t)(v * units[i].factor);
		return 0;
	}
	return -1;
}

int config_parse_bool(const char *s, bool *out)
{
	static const char *const on[] = {"on", "true", "yes", "1"};
	static const char *const off[] = {"off", "false", "no", "0"};
	for (size_t i = 0; i < ARRAY_LEN(on); i++) {
		if (strcasecmp(s, on[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, off[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* --- setting one option ------------------------------------------------ */

static void option_clear(void *base, const struct config_option *o)
{
	char *p = (char *)base + o->offset;
	if (o->type == CONFIG_STRING) {
		char **s = (char **)(void *)p;
		if (o->secret)
			free_secret(*s);
		else
			free(*s);
		*s = NULL;
	}
	if (o->has_offset != CONFIG_NO_FLAG)
		*(bool *)(void *)((char *)base + o->has_offset) = false;
}

/*
 * Sets one option of base (a struct config, or a struct config_model for
 * [model] keys) from its text. label names the value in a complaint: the
 * key, the environment variable or the command-line option.
 */
static int option_set(void *base, const struct config_option *o, const char *value,
                      const char *label, char **cause)
{
	/* An empty value means "the built-in default", so a commented example
	 * line can be uncommented as it stands. */
	if (*value == '\0') {
		option_clear(base, o);
		if (o->def == NULL)
			return 0;
		value = o->def;
	}

	char *p = (char *)base + o->offset;
	switch (o->type) {
	case CONFIG_STRING: {
		char *copy = xstrdup(value);
		const char *why = o->check ? o->check(copy) : NULL;
		if (why != NULL) {
			if (o->secret)
				free_secret(copy);
			else
				free(copy);
			return set_cause(cause, "%s %s", label, why);
		}
		option_clear(base, o);
		*(char **)(void *)p = copy;
		break;
	}
	case CONFIG_NUMBER: {
		double v;
		if (parse_number(value, &v) < 0 || v < o->min || v > o->max)
			return set_cause(cause, "%s must be a number between %g and %g", label,
			                 o->min, o->max);
		*(double *)(void *)p = v;
		break;
	}
	case CONFIG_INTEGER: {
		long v;
		if (parse_integer(value, &v) < 0 || v < o->min || v > o->max) {
			if (o->min == 1)
				return set_cause(cause, "%s must be a whole number greater than 0",
				                 label);
			return set_cause(cause, "%s must be a whole number, 0 or more", label);
		}
		*(long *)(void *)p = v;
		break;
	}
	case CONFIG_DURATION: {
		long v;
		if (config_parse_duration(value, &v) < 0 || v < o->min || v > o->max)
			return set_cause(
			    cause,
			    "%s must be a duration from %gs to 366d, such as 300, 90s, "
			    "30m, 12h or 7d",
			    label, o->min);
		*(long *)(void *)p = v;
		break;
	}
	case CONFIG_SIZE: {
		size_t v;
		if (config_parse_size(value, &v) < 0 || (double)v < o->min || (double)v > o->max)
			return set_cause(
			    cause,
			    "%s must be a size from 1 byte to 1GiB, such as 5MiB, 512KiB "
			    "or 1000000",
			    label);
		*(size_t *)(void *)p = v;
		break;
	}
	case CONFIG_BOOL: {
		bool v;
		if (config_parse_bool(value, &v) < 0)
			return set_cause(cause, "%s must be on or off (or true/false, yes/no, 1/0)",
			                 label);
		*(bool *)(void *)p = v;
		break;
	}
	}
	if (o->has_offset != CONFIG_NO_FLAG)
		*(bool *)(void *)((char *)base + o->has_offset) = true;
	return 0;
}

/* Appends an indented continuation line to a multi-line string option. */
static void option_append(void *base, const struct config_option *o, const char *value)
{
	char **s = (char **)(void *)((char *)base + o->offset);
	char *joined = *s ? xasprintf("%s%s%s", *s, o->join, value) : xstrdup(value);
	free(*s);
	*s = joined;
}

static const struct config_option *option_find(const char *section, const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(options); i++) {
		if (strcmp(options[i].section, section) == 0 && strcmp(options[i].key, key) == 0)
			return &options[i];
	}
	return NULL;
}

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

const struct config_model *config_model_find(const struct config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nmodels; i++) {
		if (strcmp(cfg->models[i].id, id) == 0)
			return &cfg->models[i];
	}
	return NULL;
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
		if (end == NULL || end[1] != '\0' || end == p + 1)
			return set_cause(cause, "bad section [%s]; write [model \"ID\"]", name);
		char *copy = xstrndup(p + 1, (size_t)(end - p - 1));
		const char *why = check_model(copy);
		if (why != NULL) {
			set_cause(cause, "the model id in [%s] %s", name, why);
			free(copy);
			return -1;
		}
		*id = copy;
		return 1;
	}
	return set_cause(cause,
	                 "unknown section [%s]; the sections are [gemini], [store], [auth], [ui], "
	                 "[limits] and [model \"ID\"]",
	                 name);
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

	const struct config_option *o = option_find(kind, name);
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
			option_append(base, o, value);
		}
		return 1;
	}

	if (option_set(base, o, value, name, &why) < 0) {
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
static int load_file(struct config *cfg, const char *path, const char *named_by,
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

/* --- directories ------------------------------------------------------- */

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	if (home != NULL && home[0] == '/')
		return home;
	struct passwd *pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

/* $VAR/jarvis when VAR is an absolute path (the XDG rule), else ~/REL/jarvis. */
static int xdg_dir(const char *var, const char *rel, char **out, char **cause)
{
	const char *v = getenv(var);
	if (v != NULL && v[0] == '/') {
		*out = xasprintf("%s/jarvis", v);
		return 0;
	}
	const char *home = home_dir();
	if (home == NULL)
		return set_cause(cause, "cannot tell where the home directory is; set HOME or %s",
		                 var);
	*out = xasprintf("%s/%s/jarvis", strcmp(home, "/") == 0 ? "" : home, rel);
	return 0;
}

/* --- the whole load ---------------------------------------------------- */

static void load_defaults(struct config *cfg)
{
	for (size_t i = 0; i < ARRAY_LEN(options); i++) {
		const struct config_option *o = &options[i];
		if (strcmp(o->section, "model") == 0 || o->def == NULL)
			continue;
		char *why = NULL;
		if (option_set(cfg, o, o->def, o->key, &why) < 0) {
			/* A bad built-in default is a bug that the unit tests catch. */
			fprintf(stderr, "jarvis: built-in default: %s\n", why);
			abort();
		}
	}
}

static int load_env(struct config *cfg, char **cause)
{
	for (size_t i = 0; i < ARRAY_LEN(options); i++) {
		const struct config_option *o = &options[i];
		if (o->env == NULL)
			continue;
		const char *name = o->env;
		const char *v = getenv(name);
		if ((v == NULL || *v == '\0') && o->env_alt != NULL) {
			name = o->env_alt;
			v = getenv(name);
		}
		if (v == NULL || *v == '\0')
			continue;
		if (o->env_kind == CONFIG_ENV_SET_OFF) {
			*(bool *)(void *)((char *)cfg + o->offset) = false;
			continue;
		}
		if (option_set(cfg, o, v, name, cause) < 0)
			return -1;
	}
	return 0;
}

/* A key of the table by name, for code that names a key it knows exists. */
static const struct config_option *option_known(const char *section, const char *key)
{
	const struct config_option *o = option_find(section, key);
	if (o == NULL)
		abort(); /* a misspelt key in this file, not a user error */
	return o;
}

static int load_args(struct config *cfg, const struct config_args *args, char **cause)
{
	if (args == NULL)
		return 0;
	if (args->model != NULL &&
	    option_set(cfg, option_known("gemini", "model"), args->model, "--model", cause) < 0)
		return -1;
	if (args->store_uri != NULL &&
	    option_set(cfg, option_known("store", "uri"), args->store_uri, "--store", cause) < 0)
		return -1;
	return 0;
}

int config_load(struct config *cfg, const struct config_args *args, config_warn_fn warn, void *ud,
                char **cause)
{
	memset(cfg, 0, sizeof(*cfg));
	load_defaults(cfg);

	if (xdg_dir("XDG_CONFIG_HOME", ".config", &cfg->config_dir, cause) < 0 ||
	    xdg_dir("XDG_DATA_HOME", ".local/share", &cfg->data_dir, cause) < 0 ||
	    xdg_dir("XDG_STATE_HOME", ".local/state", &cfg->state_dir, cause) < 0 ||
	    xdg_dir("XDG_CACHE_HOME", ".cache", &cfg->cache_dir, cause) < 0)
		goto fail;

	const char *env_path = getenv("JARVIS_CONFIG");
	int rc;
	if (args != NULL && args->config_path != NULL) {
		rc = load_file(cfg, args->config_path, "-c", warn, ud, cause);
	} else if (env_path != NULL && *env_path != '\0') {
		rc = load_file(cfg, env_path, "JARVIS_CONFIG", warn, ud, cause);
	} else {
		char *path = xasprintf("%s/config.ini", cfg->config_dir);
		rc = load_file(cfg, path, NULL, warn, ud, cause);
		free(path);
	}
	if (rc < 0 || load_env(cfg, cause) < 0 || load_args(cfg, args, cause) < 0 ||
	    check_insecure(cfg, cause) < 0)
		goto fail;
	return 0;

fail:
	config_free(cfg);
	return -1;
}

void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < ARRAY_LEN(options); i++) {
		if (strcmp(options[i].section, "model") != 0)
			option_clear(cfg, &options[i]);
	}
	for (size_t i = 0; i < cfg->nmodels; i++) {
		free(cfg->models[i].id);
		free(cfg->models[i].description);
	}
	free(cfg->models);
	free(cfg->config_path);
	free(cfg->config_dir);
	free(cfg->data_dir);
	free(cfg->state_dir);
	free(cfg->cache_dir);
	memset(cfg, 0, sizeof(*cfg));
}

void config_models(const struct config *cfg, struct model_list *list)
{
	models_init(list);
	for (size_t i = 0; i < cfg->nmodels; i++) {
		const struct config_model *m = &cfg->models[i];
		models_override(list, m->id, m->has_rpm ? m->rpm : -1, m->has_rpd ? m->rpd : -1,
		                m->description);
	}
}
