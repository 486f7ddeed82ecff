/* Unit tests for the configuration: file, environment, command line, docs. */
#include "jarvis/config.h"

#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/buf.h"
#include "jarvis/cli.h"
#include "jarvis/util.h"
#include "unit.h"

static char tmpdir[64];
static struct buf warnings;

static void warn_collect(void *ud, const char *msg)
{
	buf_addf(&warnings, "%s\n", msg);
}

/* Each test runs in its own process (Check forks): a clean environment. */
static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/jarvis-test-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	size_t n;
	const struct config_option *o = config_options(&n);
	for (size_t i = 0; i < n; i++) {
		if (o[i].env != NULL)
			unsetenv(o[i].env);
		if (o[i].env_alt != NULL)
			unsetenv(o[i].env_alt);
	}
	unsetenv("JARVIS_CONFIG");
	char *cfgdir = xasprintf("%s/config", tmpdir);
	setenv("XDG_CONFIG_HOME", cfgdir, 1);
	setenv("XDG_DATA_HOME", "/srv/data", 1);
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	free(cfgdir);
	buf_init(&warnings, 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	buf_release(&warnings);
	nftw(tmpdir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Writes a file under the test directory and returns its path. */
static char *write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

/* Loads with -c path (when path is not NULL); returns 0/-1, fills *cause. */
static int load(struct config *cfg, const char *path, char **cause)
{
	struct config_args cli = {0};
	cli.config_path = path;
	return config_load(cfg, &cli, warn_collect, NULL, cause);
}

/* Loads text as a config file and returns the error message (or NULL). */
static char *load_text_error(const char *text, char **path_out)
{
	char *path = write_file("bad.ini", text, 0600);
	struct config cfg;
	char *cause = NULL;
	if (load(&cfg, path, &cause) == 0)
		config_release(&cfg);
	*path_out = path;
	return cause;
}

static void assert_file_error(const char *text, int line, const char *msg)
{
	char *path;
	char *cause = load_text_error(text, &path);
	char *want = xasprintf("%s:%d: %s", path, line, msg);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(path);
}

/* --- config.example.ini documents exactly the table ------------------- */

/* Splits text into lines (in place); returns how many. */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	for (char *p = text; *p != '\0' && n < max;) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

/* "# [model "x"]" or "[gemini]" -> the section kind ("model", "gemini"). */
static int example_section(const char *line, char *out, size_t size)
{
	if (strncmp(line, "# ", 2) == 0)
		line += 2;
	if (line[0] != '[' || strchr(line, ']') == NULL)
		return 0;
	size_t len = strcspn(line + 1, " ]");
	snprintf(out, size, "%.*s", (int)len, line + 1);
	return 1;
}

/* "# key = value" -> key and value. */
static int example_key(const char *line, char *key, size_t size, const char **value)
{
	if (strncmp(line, "# ", 2) != 0)
		return 0;
	line += 2;
	size_t len = strspn(line, "abcdefghijklmnopqrstuvwxyz_");
	if (len == 0 || strncmp(line + len, " =", 2) != 0)
		return 0;
	snprintf(key, size, "%.*s", (int)len, line);
	*value = line[len + 2] == ' ' ? line + len + 3 : line + len + 2;
	return 1;
}

START_TEST(example_documents_every_key_of_the_table)
{
	size_t n;
	const struct config_option *opts = config_options(&n);
	int *seen = xcalloc(n, sizeof(int));
	char *text = unit_slurp("config.example.ini", NULL);
	char *lines[1000];
	size_t nl = split_lines(text, lines, 1000);
	char section[64] = "";

	for (size_t i = 0; i < nl; i++) {
		char key[64];
		const char *value;
		if (example_section(lines[i], section, sizeof(section)))
			continue;
		if (!example_key(lines[i], key, sizeof(key), &value))
			continue;
		size_t k = 0;
		while (k < n &&
		       !(strcmp(opts[k].section, section) == 0 && strcmp(opts[k].key, key) == 0))
			k++;
		ck_assert_msg(k < n, "config.example.ini:%zu documents [%s] %s, not in the table",
		              i + 1, section, key);
		seen[k]++;
		/* The paragraph above the key starts with the table's help line. */
		size_t first = i;
		while (first > 0 && strncmp(lines[first - 1], "# ", 2) == 0 &&
		       !example_section(lines[first - 1], (char[64]){0}, 64))
			first--;
		char *want_help = xasprintf("# %s", opts[k].help);
		ck_assert_msg(first < i && strcmp(lines[first], want_help) == 0,
		              "config.example.ini:%zu: [%s] %s should be explained by \"%s\"",
		              i + 1, section, key, want_help);
		free(want_help);
		if (strcmp(section, "model") != 0) {
			const char *def = opts[k].def ? opts[k].def : "";
			ck_assert_msg(
			    strcmp(value, def) == 0,
			    "config.example.ini:%zu: [%s] %s shows \"%s\", default is \"%s\"",
			    i + 1, section, key, value, def);
		}
	}
	for (size_t k = 0; k < n; k++)
		ck_assert_msg(seen[k] == 1, "config.example.ini documents [%s] %s %d times",
		              opts[k].section, opts[k].key, seen[k]);
	free(seen);
	free(text);
}
END_TEST

START_TEST(example_loads_when_uncommented)
{
	char *text = unit_slurp("config.example.ini", NULL);
	char *lines[1000];
	size_t nl = split_lines(text, lines, 1000);
	struct buf out;
	buf_init(&out, 0);
	for (size_t i = 0; i < nl; i++) {
		char key[64], section[64];
		const char *value;
		if (example_key(lines[i], key, sizeof(key), &value) ||
		    example_section(lines[i], section, sizeof(section)))
			buf_addf(&out, "%s\n", lines[i] + (lines[i][0] == '#' ? 2 : 0));
		else
			buf_addf(&out, "%s\n", lines[i]);
	}
	char *path = write_file("example.ini", out.data, 0600);
	struct config cfg;
	char *cause = NULL;
	ck_assert_msg(load(&cfg, path, &cause) == 0, "%s", cause);
	ck_assert_str_eq(cfg.base_url, CONFIG_DEFAULT_BASE_URL);
	ck_assert_str_eq(cfg.model, CONFIG_DEFAULT_MODEL);
	ck_assert_ptr_null(cfg.api_key);
	ck_assert_int_eq(cfg.timeout, 300);
	ck_assert_uint_eq(cfg.max_message_bytes, 12u << 20);
	ck_assert_uint_eq(cfg.nmodels, 1);
	ck_assert_str_eq(cfg.models[0].id, "gemini-3.5-flash");
	ck_assert_int_eq(cfg.models[0].rpm, 10);
	ck_assert_int_eq(cfg.models[0].rpd, 250);
	ck_assert_str_eq(cfg.models[0].description, "fast everyday model");
	config_release(&cfg);
	buf_release(&out);
	free(path);
	free(text);
}
END_TEST

START_TEST(man_page_and_help_name_every_key_and_variable)
{
	char *man = unit_slurp("man/jarvis.1", NULL);
	char *help = NULL;
	size_t helplen = 0;
	FILE *fp = open_memstream(&help, &helplen);
	cli_print_help(fp);
	fclose(fp);

	size_t n;
	const struct config_option *o = config_options(&n);
	for (size_t i = 0; i < n; i++) {
		/* groff escapes the underscore nowhere, so the key appears verbatim. */
		ck_assert_msg(strstr(man, o[i].key) != NULL, "man page lacks %s", o[i].key);
		char *key = strcmp(o[i].section, "model") == 0
		                ? xasprintf("[model \"ID\"] %s", o[i].key)
		                : xasprintf("[%s] %s", o[i].section, o[i].key);
		ck_assert_msg(strstr(help, key) != NULL, "--help lacks %s", key);
		free(key);
		if (o[i].env != NULL) {
			ck_assert_msg(strstr(man, o[i].env) != NULL, "man page lacks %s", o[i].env);
			ck_assert_msg(strstr(help, o[i].env) != NULL, "--help lacks %s", o[i].env);
		}
		if (o[i].env_alt != NULL)
			ck_assert_msg(strstr(help, o[i].env_alt) != NULL, "--help lacks %s",
			              o[i].env_alt);
	}
	free(help);
	free(man);
}
END_TEST

/* --- defaults and directories ----------------------------------------- */

START_TEST(defaults_without_a_file)
{
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(config_load(&cfg, NULL, warn_collect, NULL, &cause), 0);
	ck_assert_ptr_null(cfg.config_path);
	ck_assert_ptr_null(cfg.api_key);
	ck_assert_str_eq(cfg.base_url, "https://generativelanguage.googleapis.com");
	ck_assert_str_eq(cfg.model, "gemini-3.5-flash");
	ck_assert_ptr_null(cfg.system_prompt);
	ck_assert(!cfg.has_temperature);
	ck_assert(!cfg.has_max_output_tokens);
	ck_assert_int_eq(cfg.timeout, 300);
	ck_assert_ptr_null(cfg.store_uri);
	ck_assert_str_eq(cfg.database, "jarvis");
	ck_assert_ptr_null(cfg.jwt_secret);
	ck_assert_int_eq(cfg.token_ttl, 7 * 24 * 3600);
	ck_assert(cfg.color && cfg.markdown);
	ck_assert_str_eq(cfg.mouse, "wheel");
	ck_assert_uint_eq(cfg.max_image_bytes, 5u * 1024 * 1024);
	ck_assert_uint_eq(cfg.max_message_bytes, 12u * 1024 * 1024);
	ck_assert_uint_eq(cfg.nmodels, 0);
	ck_assert_str_eq(cfg.data_dir, "/srv/data/jarvis");
	ck_assert_str_eq(cfg.state_dir, "/srv/state/jarvis");
	char *want = xasprintf("%s/config/jarvis", tmpdir);
	ck_assert_str_eq(cfg.config_dir, want);
	free(want);
	ck_assert_uint_eq(warnings.len, 0);
	config_release(&cfg);
}
END_TEST

START_TEST(xdg_dirs_fall_back_to_home)
{
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	setenv("XDG_STATE_HOME", "relative/ignored", 1);
	setenv("HOME", tmpdir, 1);
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), 0);
	char *c = xasprintf("%s/.config/jarvis", tmpdir);
	char *d = xasprintf("%s/.local/share/jarvis", tmpdir);
	char *s = xasprintf("%s/.local/state/jarvis", tmpdir);
	ck_assert_str_eq(cfg.config_dir, c);
	ck_assert_str_eq(cfg.data_dir, d);
	ck_assert_str_eq(cfg.state_dir, s);
	free(c);
	free(d);
	free(s);
	config_release(&cfg);

	/* The default file is read from there when it exists. */
	char *dir = xasprintf("%s/.config", tmpdir);
	mkdir(dir, 0700);
	free(dir);
	dir = xasprintf("%s/.config/jarvis", tmpdir);
	mkdir(dir, 0700);
	free(dir);
	char *path =
	    write_file(".config/jarvis/config.ini", "[gemini]\nmodel = from-default\n", 0600);
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.model, "from-default");
	ck_assert_str_eq(cfg.config_path, path);
	config_release(&cfg);
	free(path);
}
END_TEST

/* --- precedence -------------------------------------------------------- */

START_TEST(command_line_beats_environment_beats_file)
{
	char *path = write_file("p.ini",
	                        "[gemini]\nmodel = from-file\napi_key = file-key\n"
	                        "[store]\nuri = /file/store.db\n",
	                        0600);
	struct config_args cli = {0};
	cli.config_path = path;
	struct config cfg;
	char *cause = NULL;

	ck_assert_int_eq(config_load(&cfg, &cli, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.model, "from-file");
	ck_assert_str_eq(cfg.api_key, "file-key");
	ck_assert_str_eq(cfg.store_uri, "/file/store.db");
	ck_assert_str_eq(cfg.config_path, path);
	config_release(&cfg);

	setenv("JARVIS_MODEL", "from-env", 1);
	setenv("GOOGLE_API_KEY", "google-key", 1);
	setenv("MONGO_URI", "mongodb://env-host", 1);
	ck_assert_int_eq(config_load(&cfg, &cli, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.model, "from-env");
	ck_assert_str_eq(cfg.api_key, "google-key");
	ck_assert_str_eq(cfg.store_uri, "mongodb://env-host");
	config_release(&cfg);

	/* GEMINI_API_KEY wins over GOOGLE_API_KEY; an empty one does not count. */
	setenv("GEMINI_API_KEY", "", 1);
	ck_assert_int_eq(config_load(&cfg, &cli, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.api_key, "google-key");
	config_release(&cfg);
	setenv("GEMINI_API_KEY", "gemini-key", 1);
	ck_assert_int_eq(config_load(&cfg, &cli, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.api_key, "gemini-key");
	config_release(&cfg);

	cli.model = "from-cli";
	cli.store_uri = "sqlite:/cli.db";
	ck_assert_int_eq(config_load(&cfg, &cli, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.model, "from-cli");
	ck_assert_str_eq(cfg.store_uri, "sqlite:/cli.db");
	config_release(&cfg);
	free(path);
}
END_TEST

START_TEST(environment_sets_the_other_keys)
{
	setenv("GEMINI_BASE_URL", "http://127.0.0.1:8080/", 1);
	setenv("JWT_SECRET_KEY", "env-secret", 1);
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), 0);
	/* The trailing slash goes, so "{base_url}/v1beta" has one slash. */
	ck_assert_str_eq(cfg.base_url, "http://127.0.0.1:8080");
	ck_assert_str_eq(cfg.jwt_secret, "env-secret");
	config_release(&cfg);
}
END_TEST

START_TEST(no_color_turns_colour_off)
{
	char *path = write_file("c.ini", "[ui]\ncolor = on\n", 0600);
	struct config cfg;
	char *cause = NULL;
	setenv("NO_COLOR", "", 1);
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert(cfg.color);
	config_release(&cfg);
	setenv("NO_COLOR", "1", 1);
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert(!cfg.color);
	config_release(&cfg);
	free(path);
}
END_TEST

START_TEST(jarvis_config_names_the_file_and_dash_c_beats_it)
{
	char *a = write_file("a.ini", "[gemini]\nmodel = model-a\n", 0600);
	char *b = write_file("b.ini", "[gemini]\nmodel = model-b\n", 0600);
	setenv("JARVIS_CONFIG", a, 1);
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), 0);
	ck_assert_str_eq(cfg.model, "model-a");
	config_release(&cfg);
	ck_assert_int_eq(load(&cfg, b, &cause), 0);
	ck_assert_str_eq(cfg.model, "model-b");
	ck_assert_str_eq(cfg.config_path, b);
	config_release(&cfg);
	free(a);
	free(b);
}
END_TEST

START_TEST(a_named_file_must_exist)
{
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(load(&cfg, "/nonexistent/jarvis.ini", &cause), -1);
	ck_assert_str_eq(cause, "cannot read config file /nonexistent/jarvis.ini (named by -c): "
	                        "no such file or directory");
	free(cause);
	cause = NULL;
	setenv("JARVIS_CONFIG", "/nonexistent/env.ini", 1);
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), -1);
	ck_assert_str_eq(cause, "cannot read config file /nonexistent/env.ini (named by "
	                        "JARVIS_CONFIG): no such file or directory");
	free(cause);
	cause = NULL;
	ck_assert_int_eq(load(&cfg, tmpdir, &cause), -1);
	char *want = xasprintf("config file %s is not a regular file", tmpdir);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
}
END_TEST

/* --- errors with file and line ---------------------------------------- */

START_TEST(unknown_keys_and_sections_name_file_and_line)
{
	assert_file_error("[gemini]\nmodel = x\n\nmodle = y\n", 4,
	                  "unknown key \"modle\" in [gemini]");
	assert_file_error("# hi\n[gemeni]\nmodel = x\n", 2,
	                  "unknown section [gemeni]; the sections are [gemini], [store], [auth], "
	                  "[ui], [limits] and [model \"ID\"]");
	assert_file_error("[ui]\n[extra]\n", 2,
	                  "unknown section [extra]; the sections are [gemini], [store], [auth], "
	                  "[ui], [limits] and [model \"ID\"]");
	assert_file_error("model = x\n", 1, "key \"model\" comes before any [section]");
	assert_file_error("[model \"g-1\"]\nrpm = 1\ntemperature = 1\n", 3,
	                  "unknown key \"temperature\" in [model \"g-1\"]");
	assert_file_error("[model g-1]\nrpm = 1\n", 1,
	                  "bad section [model g-1]; write [model \"ID\"]");
	assert_file_error("[gemini]\nthis line has no equals sign\n", 2,
	                  "expected \"key = value\", a [section] or a # comment");
	/* The first problem is the one reported. */
	assert_file_error("[gemini]\ntemperature = 9\nbogus = 1\n", 2,
	                  "temperature must be a number between 0 and 2");
}
END_TEST

START_TEST(bad_values_are_explained)
{
	assert_file_error("[gemini]\ntemperature = 2.5\n", 2,
	                  "temperature must be a number between 0 and 2");
	assert_file_error("[gemini]\ntemperature = warm\n", 2,
	                  "temperature must be a number between 0 and 2");
	assert_file_error("[gemini]\nmax_output_tokens = 0\n", 2,
	                  "max_output_tokens must be a whole number greater than 0");
	assert_file_error("[gemini]\nmax_output_tokens = 12.5\n", 2,
	                  "max_output_tokens must be a whole number greater than 0");
	assert_file_error("[gemini]\ntimeout = 5 minutes\n", 2,
	                  "timeout must be a duration from 1s to 366d, such as 300, 90s, 30m, 12h "
	                  "or 7d");
	assert_file_error("[gemini]\ntimeout = 0\n", 2,
	                  "timeout must be a duration from 1s to 366d, such as 300, 90s, 30m, 12h "
	                  "or 7d");
	assert_file_error("[auth]\ntoken_ttl = 10s\n", 2,
	                  "token_ttl must be a duration from 60s to 366d, such as 300, 90s, 30m, "
	                  "12h or 7d");
	assert_file_error("[ui]\ncolor = maybe\n", 2,
	                  "color must be on or off (or true/false, yes/no, 1/0)");
	assert_file_error(
	    "[limits]\nmax_image_bytes = 5TB\n", 2,
	    "max_image_bytes must be a size from 1 byte to 1GiB, such as 5MiB, 512KiB "
	    "or 1000000");
	assert_file_error("[limits]\nmax_message_bytes = 2GiB\n", 2,
	                  "max_message_bytes must be a size from 1 byte to 1GiB, such as 5MiB, "
	                  "512KiB or 1000000");
	assert_file_error("[gemini]\nbase_url = ftp://example.com\n", 2,
	                  "base_url must start with https:// or http://");
	assert_file_error(
	    "[gemini]\nmodel = gemini 3\n", 2,
	    "model must be a model id such as gemini-3.5-flash (letters, digits, '-', "
	    "'.', '_'); see jarvis --list-models");
	assert_file_error("[store]\ndatabase = my.db\n", 2,
	                  "database must not contain spaces or any of / \\ . \" $");
	assert_file_error("[model \"x\"]\nrpm = -1\n", 2, "rpm must be a whole number, 0 or more");
	assert_file_error("[gemini]\napi_key = abc def\n", 2,
	                  "api_key must be one word of printable characters; check for a stray "
	                  "space or newline");
}
END_TEST

START_TEST(bad_values_from_environment_and_command_line)
{
	struct config cfg;
	char *cause = NULL;
	setenv("JARVIS_MODEL", "a/b", 1);
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), -1);
	ck_assert_str_eq(cause,
	                 "JARVIS_MODEL must be a model id such as gemini-3.5-flash (letters, "
	                 "digits, '-', '.', '_'); see jarvis --list-models");
	unsetenv("JARVIS_MODEL");
	struct config_args cli = {0};
	cli.model = "bad id";
	ck_assert_int_eq(config_load(&cfg, &cli, NULL, NULL, &cause), -1);
	ck_assert_str_eq(cause, "--model must be a model id such as gemini-3.5-flash (letters, "
	                        "digits, '-', '.', '_'); see jarvis --list-models");
	setenv("GEMINI_BASE_URL", "generativelanguage.googleapis.com", 1);
	ck_assert_int_eq(config_load(&cfg, NULL, NULL, NULL, &cause), -1);
	ck_assert_str_eq(cause, "GEMINI_BASE_URL must start with https:// or http://");
	free(cause);
}
END_TEST

START_TEST(values_are_read)
{
	char *path = write_file("v.ini",
	                        "; a comment\n"
	                        "[gemini]\n"
	                        "model = models/gemini-3-pro ; the API's own form\n"
	                        "temperature = 0.25\n"
	                        "max_output_tokens = 2048\n"
	                        "timeout = 2m\n"
	                        "system_prompt = You are terse.\n"
	                        "  Answer in English.\n"
	                        "[store]\n"
	                        "database = chat\n"
	                        "[auth]\n"
	                        "token_ttl = 12h\n"
	                        "[ui]\n"
	                        "color = no\n"
	                        "mouse = off\n"
	                        "markdown = 0\n"
	                        "[limits]\n"
	                        "max_image_bytes = 512KiB\n"
	                        "max_message_bytes = 2M\n",
	                        0644);
	struct config cfg;
	char *cause = NULL;
	ck_assert_msg(load(&cfg, path, &cause) == 0, "%s", cause);
	ck_assert_str_eq(cfg.model, "gemini-3-pro");
	ck_assert(cfg.has_temperature);
	ck_assert(cfg.temperature > 0.2499 && cfg.temperature < 0.2501);
	ck_assert(cfg.has_max_output_tokens);
	ck_assert_int_eq(cfg.max_output_tokens, 2048);
	ck_assert_int_eq(cfg.timeout, 120);
	ck_assert_str_eq(cfg.system_prompt, "You are terse.\nAnswer in English.");
	ck_assert_str_eq(cfg.database, "chat");
	ck_assert_int_eq(cfg.token_ttl, 12 * 3600);
	ck_assert(!cfg.color && !cfg.markdown);
	ck_assert_str_eq(cfg.mouse, "off");
	ck_assert_uint_eq(cfg.max_image_bytes, 512 * 1024);
	ck_assert_uint_eq(cfg.max_message_bytes, 2 * 1024 * 1024);
	/* No secret in it: no warning, whatever the mode. */
	ck_assert_uint_eq(warnings.len, 0);
	config_release(&cfg);
	free(path);
}
END_TEST

START_TEST(empty_value_means_the_default)
{
	char *path = write_file("e.ini", "[gemini]\nmodel =\ntimeout =\ntemperature =\n", 0600);
	setenv("JARVIS_MODEL", "", 1);
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_str_eq(cfg.model, CONFIG_DEFAULT_MODEL);
	ck_assert_int_eq(cfg.timeout, 300);
	ck_assert(!cfg.has_temperature);
	config_release(&cfg);
	free(path);
}
END_TEST

START_TEST(continuation_and_long_lines)
{
	assert_file_error("[gemini]\nmodel = a\n  b\n", 3,
	                  "this indented line would continue the value of model, which takes one "
	                  "line; remove the indent");
	char *long_line = xmalloc(400);
	memset(long_line, 'x', 399);
	long_line[399] = '\0';
	char *text = xasprintf("[gemini]\nsystem_prompt = %s\n", long_line);
	assert_file_error(text, 2,
	                  "line is longer than 197 characters; split a long value over indented "
	                  "continuation lines");
	free(text);
	free(long_line);

	/* A short value ended by a long run of '\r' (found by fuzz_config):
	 * the carriage returns are not text and must not overflow inih's line. */
	char *crs = xmalloc(402);
	memset(crs, '\r', 400);
	memcpy(crs + 400, "\n", 2);
	text = xasprintf("[gemini]\nmodel = gemini-2.5-flash%s", crs);
	char *path = write_file("crs.ini", text, 0600);
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_str_eq(cfg.model, "gemini-2.5-flash");
	config_release(&cfg);
	free(path);
	free(text);
	free(crs);
}
END_TEST

/* --- secrets ----------------------------------------------------------- */

START_TEST(secret_in_a_readable_file_draws_a_warning)
{
	char *path = write_file("s.ini", "[gemini]\napi_key = AIzaSyExample\n", 0644);
	struct config cfg;
	char *cause = NULL;
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_str_eq(cfg.api_key, "AIzaSyExample");
	char *want = xasprintf(
	    "%s is readable by other users and holds a secret; run: chmod 600 %s\n", path, path);
	ck_assert_str_eq(warnings.data, want);
	free(want);
	config_release(&cfg);

	buf_reset(&warnings);
	chmod(path, 0600);
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_uint_eq(warnings.len, 0);
	config_release(&cfg);
	free(path);

	path = write_file("j.ini", "[auth]\njwt_secret = s3cret\n", 0640);
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_ptr_nonnull(strstr(warnings.data, "holds a secret"));
	config_release(&cfg);
	free(path);

	buf_reset(&warnings);
	path = write_file("m.ini", "[store]\nuri = mongodb://user:pw@db.example/\n", 0644);
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_ptr_nonnull(strstr(warnings.data, "holds a secret"));
	config_release(&cfg);
	free(path);

	buf_reset(&warnings);
	path = write_file("n.ini", "[store]\nuri = mongodb://db.example/\n", 0644);
	ck_assert_int_eq(load(&cfg, path, &cause), 0);
	ck_assert_uint_eq(warnings.len, 0);
	config_release(&cfg);
	free(path);
}
END_TEST

/* --- model sections ----------------------------------------------------- */

START_TEST(model_sections_override_the_table)
{
	char *path = write_file("models.ini",
	                        "[model \"gemini-3.5-flash\"]\n"
	                        "rpm = 15\n"
	                        "description = fast\n"
	                        "  and cheap\n"
	                        "[gemini]\n"
	                        "model = my-tuned\n"
	                        "[model \"my-tuned\"]\n"
	                        "rpd = 0\n"
	                        "[model \"gemini-3.5-flash\"]\n"
	                        "rpd = 500\n",
	                        0600);
	struct config cfg;
	char *cause = NULL;
	ck_assert_msg(load(&cfg, path, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(cfg.nmodels, 2);
	const struct config_model *m = config_model_find(&cfg, "gemini-3.5-flash");
	ck_assert_ptr_nonnull(m);
	ck_assert(m->has_rpm && m->has_rpd);
	ck_assert_int_eq(m->rpm, 15);
	ck_assert_int_eq(m->rpd, 500);
	ck_assert_str_eq(m->description, "fast and cheap");
	m = config_model_find(&cfg, "my-tuned");
	ck_assert_ptr_nonnull(m);
	ck_assert(!m->has_rpm && m->has_rpd);
	ck_assert_int_eq(m->rpd, 0);
	ck_assert_ptr_null(m->description);
	ck_assert_ptr_null(config_model_find(&cfg, "gemini-1.0-pro"));
	config_release(&cfg);
	free(path);
}
END_TEST

/* --- parsers ------------------------------------------------------------ */

START_TEST(durations)
{
	static const struct {
		const char *text;
		long seconds;
	} ok[] = {
	    {"7d", 604800}, {"12h", 43200},  {"30m", 1800},
	    {"3600", 3600}, {"3600s", 3600}, {"0", 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		long v = -1;
		ck_assert_msg(config_parse_duration(ok[i].text, &v) == 0, "%s", ok[i].text);
		ck_assert_int_eq(v, ok[i].seconds);
	}
	static const char *const bad[] = {"",      "7 d", "-5",   "5x",
	                                  "1h30m", "d",   "1.5h", "99999999999999999999"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		long v;
		ck_assert_msg(config_parse_duration(bad[i], &v) == -1, "'%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(sizes)
{
	static const struct {
		const char *text;
		size_t bytes;
	} ok[] = {
	    {"5MiB", 5242880},    {"5M", 5242880},       {"512KiB", 524288},
	    {"1000000", 1000000}, {"2GiB", 2147483648u}, {"5 MiB", 5242880},
	    {"3kB", 3000},        {"7MB", 7000000},      {"12b", 12},
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		size_t v = 0;
		ck_assert_msg(config_parse_size(ok[i].text, &v) == 0, "%s", ok[i].text);
		ck_assert_uint_eq(v, ok[i].bytes);
	}
	static const char *const bad[] = {
	    "", "MiB", "-1", "5 TiB", "5.5M", "5MiBs", "99999999999999999999G"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		size_t v;
		ck_assert_msg(config_parse_size(bad[i], &v) == -1, "'%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(booleans)
{
	static const char *const on[] = {"on", "true", "yes", "1", "ON", "Yes"};
	static const char *const off[] = {"off", "false", "no", "0", "Off", "NO"};
	for (size_t i = 0; i < ARRAY_LEN(on); i++) {
		bool v = false;
		ck_assert_int_eq(config_parse_bool(on[i], &v), 0);
		ck_assert(v);
		v = true;
		ck_assert_int_eq(config_parse_bool(off[i], &v), 0);
		ck_assert(!v);
	}
	bool v;
	ck_assert_int_eq(config_parse_bool("enabled", &v), -1);
	ck_assert_int_eq(config_parse_bool("", &v), -1);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *docs = tcase_create("docs");
	tcase_add_checked_fixture(docs, setup, teardown);
	tcase_add_test(docs, example_documents_every_key_of_the_table);
	tcase_add_test(docs, example_loads_when_uncommented);
	tcase_add_test(docs, man_page_and_help_name_every_key_and_variable);
	suite_add_tcase(s, docs);

	TCase *load_tc = tcase_create("load");
	tcase_add_checked_fixture(load_tc, setup, teardown);
	tcase_add_test(load_tc, defaults_without_a_file);
	tcase_add_test(load_tc, xdg_dirs_fall_back_to_home);
	tcase_add_test(load_tc, command_line_beats_environment_beats_file);
	tcase_add_test(load_tc, environment_sets_the_other_keys);
	tcase_add_test(load_tc, no_color_turns_colour_off);
	tcase_add_test(load_tc, jarvis_config_names_the_file_and_dash_c_beats_it);
	tcase_add_test(load_tc, a_named_file_must_exist);
	tcase_add_test(load_tc, unknown_keys_and_sections_name_file_and_line);
	tcase_add_test(load_tc, bad_values_are_explained);
	tcase_add_test(load_tc, bad_values_from_environment_and_command_line);
	tcase_add_test(load_tc, values_are_read);
	tcase_add_test(load_tc, empty_value_means_the_default);
	tcase_add_test(load_tc, continuation_and_long_lines);
	tcase_add_test(load_tc, secret_in_a_readable_file_draws_a_warning);
	tcase_add_test(load_tc, model_sections_override_the_table);
	suite_add_tcase(s, load_tc);

	TCase *parse = tcase_create("parse");
	tcase_add_test(parse, durations);
	tcase_add_test(parse, sizes);
	tcase_add_test(parse, booleans);
	suite_add_tcase(s, parse);
	return s;
}

UNIT_MAIN(config_suite)
