/*
 * config_options.c: the option table, the single list of configuration
 * keys. The INI loader (config_file.c), the environment lookup (config.c),
 * the --help text and the config.example.ini test all walk it, so a key
 * added here is documented or the tests fail. A key is one row: where it
 * lives, its type and range, its default, its help line and, for strings,
 * the check below that its value must pass.
 */
#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "config_internal.h"
#include "jarvis/config.h"
#include "jarvis/gemini_request.h"
#include "jarvis/util.h"

#define YEAR_SECONDS (366.0 * 24 * 3600)
#define GIB (1024.0 * 1024 * 1024)

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

/* on: what it meant before there were three, the wheel. */
static const char *check_mouse(char *value)
{
	static const char *const modes[] = {"wheel", "full", "off", "on"};
	for (size_t i = 0; i < ARRAY_LEN(modes); i++)
		if (strcmp(value, modes[i]) == 0)
			return NULL;
	return "must be wheel, full or off";
}

/* auto: kitty or sixel graphics where the terminal draws them, else symbols. */
static const char *check_images(char *value)
{
	static const char *const modes[] = {"auto", "kitty", "sixel", "symbols", "off"};
	for (size_t i = 0; i < ARRAY_LEN(modes); i++)
		if (strcmp(value, modes[i]) == 0)
			return NULL;
	return "must be auto, kitty, sixel, symbols or off";
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

const char *config_check_model(char *value)
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

static const char *check_thinking(char *value)
{
	struct gemini_thinking t;
	if (gemini_thinking_parse(value, &t) == -1)
		return "must be auto, off, minimal, low, medium, high or a token budget from -1 "
		       "to 32768";
	return NULL;
}

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
        .key = "web",
        .type = CONFIG_BOOL,
        .def = "off",
        .help = "ground answers with Google Search and the pages the question links to",
        .offset = CFG(web),
    },
    {
        .section = "gemini",
        .key = "model",
        .env = "JARVIS_MODEL",
        .type = CONFIG_STRING,
        .def = CONFIG_DEFAULT_MODEL,
        .help = "model used for new conversations",
        .offset = CFG(model),
        .check = config_check_model,
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
        .help = "colours on screen, code's included (any non-empty NO_COLOR turns them off)",
        .offset = CFG(color),
    },
    {
        .section = "ui",
        .key = "mouse",
        .type = CONFIG_STRING,
        .def = "wheel",
        .help = "wheel: it scrolls the history; full: clicks place the cursor too; off",
        .offset = CFG(mouse),
        .check = check_mouse,
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
        .section = "ui",
        .key = "images",
        .type = CONFIG_STRING,
        .def = "auto",
        .help = "preview attached and returned images in the history: auto, kitty, sixel, "
                "symbols or off",
        .offset = CFG(images),
        .check = check_images,
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
        .key = "max_pdf_bytes",
        .type = CONFIG_SIZE,
        .def = "8MiB",
        .help = "largest PDF that may be attached",
        .min = 1,
        .max = GIB,
        .offset = CFG(max_pdf_bytes),
    },
    {
        .section = "limits",
        .key = "max_audio_bytes",
        .type = CONFIG_SIZE,
        .def = "8MiB",
        .help = "largest audio file (WAV, MP3, AIFF, AAC, OGG, FLAC) that may be attached",
        .min = 1,
        .max = GIB,
        .offset = CFG(max_audio_bytes),
    },
    {
        .section = "limits",
        .key = "max_text_file_bytes",
        .type = CONFIG_SIZE,
        .def = "1MiB",
        .help = "largest text file that may be attached (sent as text with its name)",
        .min = 1,
        .max = GIB,
        .offset = CFG(max_text_file_bytes),
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
        .section = "limits",
        .key = "max_request_bytes",
        .type = CONFIG_SIZE,
        .def = "20000000",
        .help = "largest request body sent; attachments that would pass it go "
                "through the Files API",
        .min = 4096,
        .max = 20000000,
        .offset = CFG(max_request_bytes),
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

const struct config_option *config_option_find(const char *section, const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(options); i++) {
		if (strcmp(options[i].section, section) == 0 && strcmp(options[i].key, key) == 0)
			return &options[i];
	}
	return NULL;
}
