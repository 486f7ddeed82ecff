/*
 * config.c: loads the configuration (see config.h) in rising order of
 * precedence: the built-in defaults, the file (config_file.c), the
 * environment and the command line, each value checked against its row of
 * the option table (config_options.c) by config_option_set
 * (config_value.c); then the checks that span keys. It also finds the XDG
 * directories and frees what a load made. No file of the config module
 * prints, writes files or creates directories; they report through *cause
 * and the warn callback only.
 */
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_internal.h"
#include "jarvis/config.h"
#include "jarvis/models.h"
#include "jarvis/util.h"

/* --- checks that span keys --------------------------------------------- */

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
	size_t n;
	const struct config_option *options = config_options(&n);
	for (size_t i = 0; i < n; i++) {
		const struct config_option *o = &options[i];
		if (strcmp(o->section, "model") == 0 || o->def == NULL)
			continue;
		char *why = NULL;
		if (config_option_set(cfg, o, o->def, o->key, &why) < 0) {
			/* A bad built-in default is a bug that the unit tests catch. */
			fprintf(stderr, "jarvis: built-in default: %s\n", why);
			abort();
		}
	}
}

static int load_env(struct config *cfg, char **cause)
{
	size_t n;
	const struct config_option *options = config_options(&n);
	for (size_t i = 0; i < n; i++) {
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
		if (config_option_set(cfg, o, v, name, cause) < 0)
			return -1;
	}
	return 0;
}

/* A key of the table by name, for code that names a key it knows exists. */
static const struct config_option *option_known(const char *section, const char *key)
{
	const struct config_option *o = config_option_find(section, key);
	if (o == NULL)
		abort(); /* a misspelt key in this file, not a user error */
	return o;
}

static int load_args(struct config *cfg, const struct config_args *args, char **cause)
{
	if (args == NULL)
		return 0;
	if (args->model != NULL && config_option_set(cfg, option_known("gemini", "model"),
	                                             args->model, "--model", cause) < 0)
		return -1;
	if (args->store_uri != NULL && config_option_set(cfg, option_known("store", "uri"),
	                                                 args->store_uri, "--store", cause) < 0)
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
		rc = config_load_file(cfg, args->config_path, "-c", warn, ud, cause);
	} else if (env_path != NULL && *env_path != '\0') {
		rc = config_load_file(cfg, env_path, "JARVIS_CONFIG", warn, ud, cause);
	} else {
		char *path = xasprintf("%s/config.ini", cfg->config_dir);
		rc = config_load_file(cfg, path, NULL, warn, ud, cause);
		free(path);
	}
	if (rc < 0 || load_env(cfg, cause) < 0 || load_args(cfg, args, cause) < 0 ||
	    check_insecure(cfg, cause) < 0)
		goto fail;
	return 0;

fail:
	config_release(cfg);
	return -1;
}

void config_release(struct config *cfg)
{
	if (cfg == NULL)
		return;
	size_t n;
	const struct config_option *options = config_options(&n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(options[i].section, "model") != 0)
			config_option_clear(cfg, &options[i]);
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

const struct config_model *config_model_find(const struct config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nmodels; i++) {
		if (strcmp(cfg->models[i].id, id) == 0)
			return &cfg->models[i];
	}
	return NULL;
}
