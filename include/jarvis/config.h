/*
 * config.h: the settings Jarvis runs with, gathered from the built-in
 * defaults, the INI file, the environment and the command line (in rising
 * order of precedence). One option table drives the file loader, the
 * environment lookup, the --help text and the check that config.example.ini
 * documents every key. This module only reads: it never writes a file, never
 * creates a directory and never prints; warnings go through a callback.
 */
#ifndef JARVIS_CONFIG_H
#define JARVIS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* The built-in values, shared with the help text and the tests. */
#define CONFIG_DEFAULT_BASE_URL "https://generativelanguage.googleapis.com"
#define CONFIG_DEFAULT_MODEL "gemini-3.5-flash"

/* How a value is written and checked. */
enum config_type {
	CONFIG_STRING,   /* text; empty means unset */
	CONFIG_NUMBER,   /* a decimal number within [min, max] */
	CONFIG_INTEGER,  /* a whole number within [min, max] */
	CONFIG_DURATION, /* seconds: 3600, 3600s, 30m, 12h, 7d */
	CONFIG_SIZE,     /* bytes: 1000000, 512KiB, 5MiB, 5M, 1GiB (kB/MB/GB are decimal) */
	CONFIG_BOOL,     /* on/off, true/false, yes/no, 1/0 */
};

/* How an option's environment variable is read. */
enum config_env_kind {
	CONFIG_ENV_VALUE,   /* the variable holds the value */
	CONFIG_ENV_SET_OFF, /* any non-empty value turns a boolean off (NO_COLOR) */
};

/* One row of the option table. */
struct config_option {
	const char *section; /* "gemini", "store", ...; "model" means [model "ID"] */
	const char *key;
	const char *env;     /* environment variable, or NULL */
	const char *env_alt; /* read when env is unset or empty, or NULL */
	enum config_env_kind env_kind;
	enum config_type type;
	const char *def;     /* the default as written in a file; NULL: unset */
	const char *def_doc; /* the default in words, for --help and the man page */
	const char *help;    /* one line, also the comment above the key in config.example.ini */
	bool secret;         /* a file holding it should be private */
	double min, max;     /* range for numbers, integers, durations and sizes */
	size_t offset;       /* of the field in struct config (or struct config_model) */
	size_t has_offset;   /* of the "is set" flag, or CONFIG_NO_FLAG */
	const char *join;    /* joins indented continuation lines; NULL: one line only */
	/* Extra check for strings, which may shorten value in place (a trailing
	 * slash, a "models/" prefix); returns NULL or the complaint. */
	const char *(*check)(char *value);
};

#define CONFIG_NO_FLAG 0 /* no field of either struct has a flag at offset 0 */

/* Overrides for one model, from a [model "ID"] section. */
struct config_model {
	char *id;
	long rpm;
	bool has_rpm;
	long rpd;
	bool has_rpd;
	char *description; /* NULL when not given */
};

/* Everything Jarvis is configured with. Strings are owned; NULL means unset. */
struct config {
	/* [gemini] */
	char *api_key;
	char *base_url;      /* without a trailing slash */
	bool allow_insecure; /* plain http:// to a host other than loopback */
	bool web;            /* ground answers with Google Search (and URL context) */
	char *model;
	char *system_prompt;
	double temperature;
	bool has_temperature;
	long max_output_tokens;
	bool has_max_output_tokens;
	long timeout;       /* seconds, for the whole exchange */
	long stall_timeout; /* seconds without a byte */
	char *thinking;     /* auto|off|minimal|low|medium|high|budget (gemini_thinking_parse) */

	/* [store] */
	char *store_uri; /* NULL: the embedded SQLite file data_dir/jarvis.db */
	char *database;

	/* [auth] */
	char *jwt_secret; /* NULL: the store's random key file */
	long token_ttl;   /* seconds */

	/* [ui] */
	bool color;
	char *mouse; /* wheel, full or off (on: wheel) */
	bool markdown;
	char *emoji_width; /* auto, terminal-probe, joined or split */
	char *bidi;        /* auto, on or off */
	char *images;      /* auto, kitty, sixel, symbols or off: image previews */

	/* [limits] */
	size_t max_image_bytes;
	size_t max_pdf_bytes;       /* [limits] max_pdf_bytes */
	size_t max_audio_bytes;     /* [limits] max_audio_bytes */
	size_t max_text_file_bytes; /* [limits] max_text_file_bytes */
	size_t max_message_bytes;
	size_t max_request_bytes; /* the largest body sent; over it attachments go by file */

	/* [model "ID"] sections, in file order */
	struct config_model *models;
	size_t nmodels;

	/* Where things are. */
	char *config_path; /* the file that was read; NULL when none was */
	char *config_dir;  /* $XDG_CONFIG_HOME/jarvis or ~/.config/jarvis */
	char *data_dir;    /* $XDG_DATA_HOME/jarvis or ~/.local/share/jarvis */
	char *state_dir;   /* $XDG_STATE_HOME/jarvis or ~/.local/state/jarvis */
	char *cache_dir;   /* $XDG_CACHE_HOME/jarvis or ~/.cache/jarvis */
};

/* Receives one warning line (no trailing newline). */
typedef void (*config_warn_fn)(void *ud, const char *msg);

/* The option table; *n receives its length. */
const struct config_option *config_options(size_t *n);

/* What the command line sets over the file and the environment; NULL: not given. */
struct config_args {
	const char *config_path; /* -c */
	const char *model;       /* -m */
	const char *store_uri;   /* --store */
};

/*
 * Fills cfg from the defaults, the config file (args->config_path, else
 * JARVIS_CONFIG, else config_dir/config.ini), the environment and the
 * command line (args may be NULL). A missing default file is fine; a missing
 * named file, an unknown section or key and a bad value are errors
 * ("FILE:LINE: ..."). warn (may be NULL) hears about a secret in a file
 * that others can read. On -1, cfg holds nothing that needs freeing.
 */
int config_load(struct config *cfg, const struct config_args *args, config_warn_fn warn, void *ud,
                char **cause);

/* Releases everything cfg holds; secrets are wiped first. */
void config_release(struct config *cfg);

struct model_list;
/* The built-in model table with the [model "ID"] overrides applied (models_release it). */
void config_models(const struct config *cfg, struct model_list *list);

/* The overrides for model id, or NULL. */
const struct config_model *config_model_find(const struct config *cfg, const char *id);

/* Parses a duration (3600, 3600s, 30m, 12h, 7d) into seconds; -1 when malformed. */
int config_parse_duration(const char *s, long *out);

/* Parses a size (1000000, 512KiB, 5MiB, 5M, 2GB) into bytes; -1 when malformed. */
int config_parse_size(const char *s, size_t *out);

/* Parses on/off, true/false, yes/no, 1/0 (any case); -1 when none of these. */
int config_parse_bool(const char *s, bool *out);

#endif
