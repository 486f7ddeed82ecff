/*
 * app.c: the program as a whole (see app.h). It reads the command line and
 * the configuration, reports problems with them in one place, and hands
 * over to the chosen mode. Modes own their own loops and resources.
 */
#include "jarvis/app.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/accountcli.h"
#include "jarvis/cli.h"
#include "jarvis/completion.h"
#include "jarvis/config.h"
#include "jarvis/exit.h"
#include "jarvis/gemini.h"
#include "jarvis/loop.h"
#include "jarvis/models.h"
#include "jarvis/oneshot.h"
#include "jarvis/profile.h"
#include "jarvis/tui.h"
#include "jarvis/util.h"

static void warn_stderr(void *ud, const char *msg)
{
	fprintf(stderr, "jarvis: warning: %s\n", msg);
}

static void usage_error(const char *cause)
{
	fprintf(stderr, "jarvis: %s\nTry 'jarvis --help' for more information.\n", cause);
}

struct list_models {
	bool done;
	char *error;
};

static void models_fetched(void *ud, const char *error)
{
	struct list_models *lm = ud;
	lm->done = true;
	if (error != NULL)
		lm->error = xstrdup(error);
}

static void print_limit(long v)
{
	if (v > 0)
		printf("%6ld", v);
	else
		printf("%6s", "-");
}

/* --list-models: the built-in table, the config's overrides and the API's list. */
static int list_models(const struct config *cfg)
{
	struct model_list list;
	/* The config's overrides first: the API's list adds models, never limits. */
	config_models(cfg, &list);
	int status = EXIT_OK;
	if (cfg->api_key != NULL && cfg->api_key[0] != '\0') {
		char *cause = NULL;
		struct loop *l = loop_new(&cause);
		struct list_models lm = {0};
		struct gemini_target t = {.base_url = cfg->base_url, .api_key = cfg->api_key};
		if (l == NULL ||
		    gemini_fetch_models(l, &t, &list, models_fetched, &lm, &cause) == -1) {
			fprintf(stderr, "jarvis: %s\n", cause);
			free(cause);
			status = EXIT_API;
		} else {
			while (!lm.done)
				loop_run_once(l, -1);
			if (lm.error != NULL) {
				fprintf(stderr, "jarvis: %s; showing the built-in list\n",
				        lm.error);
				free(lm.error);
				status = EXIT_API;
			}
		}
		loop_free(l);
	} else {
		fputs("jarvis: no API key set: showing the built-in list only\n", stderr);
	}
	models_sort(&list);
	printf("%-32s %6s %6s  %s\n", "MODEL", "RPM", "RPD", "DESCRIPTION");
	for (size_t i = 0; i < list.n; i++) {
		const struct model_info *m = &list.v[i];
		printf("%-32s ", m->id);
		print_limit(m->rpm);
		putchar(' ');
		print_limit(m->rpd);
		printf("  %s%s\n", m->description,
		       strcmp(m->id, cfg->model) == 0 ? " (current)" : "");
	}
	models_release(&list);
	return status;
}

/*
 * -C in the chat needs a login (exit 4 without one, 3 when the store cannot
 * say), checked before the screen is taken so the shell sees the status.
 */
static int check_login_for_conv(const struct config *cfg)
{
	struct profile *p = profile_new(cfg, profile_notice_stderr, NULL);
	const struct account_user *user = NULL;
	char *cause = NULL;
	int rc = profile_user(p, &user, &cause);
	int status = EXIT_OK;
	if (rc < 0) {
		fprintf(stderr, "jarvis: %s\n", cause);
		status = EXIT_STORE;
	} else if (rc > 0) {
		fputs("jarvis: not logged in; run jarvis --login EMAIL\n", stderr);
		status = EXIT_AUTH;
	}
	free(cause);
	profile_free(p);
	return status;
}

static int run_mode(const struct cli *cli, const struct config *cfg)
{
	switch (cli->mode) {
	case CLI_PROMPT:
		return oneshot_run(cli, cfg);
	case CLI_LIST_MODELS:
		return list_models(cfg);
	case CLI_TUI:
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fputs("jarvis: the chat needs a terminal; for scripts use "
			      "jarvis -p PROMPT\n",
			      stderr);
			return EXIT_USAGE;
		}
		if (cli->conversation != NULL) {
			int status = check_login_for_conv(cfg);
			if (status != EXIT_OK)
				return status;
		}
		return tui_run(cfg, cli->conversation);
	default:
		return accountcli_run(cli, cfg);
	}
}

int app_run(int argc, char **argv)
{
	/* Only the character type: numbers, dates and messages stay in C, as the
	 * contract writes them, and the other categories cost a file each. */
	setlocale(LC_CTYPE, "");
	struct cli cli;
	char *cause = NULL;
	if (cli_parse(argc, argv, &cli, &cause) == -1) {
		usage_error(cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (cli.mode == CLI_HELP) {
		cli_print_help(stdout);
		cli_release(&cli);
		return EXIT_OK;
	}
	if (cli.mode == CLI_COMPLETIONS) {
		int rc = completion_write(stdout, cli.completions_shell);
		if (rc == -1)
			usage_error("--completions takes bash, zsh or fish");
		cli_release(&cli);
		return rc == -1 ? EXIT_USAGE : EXIT_OK;
	}
	if (cli.mode == CLI_VERSION) {
		cli_print_version(stdout);
		cli_release(&cli);
		return EXIT_OK;
	}
	struct config cfg;
	struct config_args args = {cli.config_path, cli.model, cli.store_uri};
	if (config_load(&cfg, &args, warn_stderr, NULL, &cause) == -1) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		cli_release(&cli);
		return EXIT_USAGE;
	}
	int status = run_mode(&cli, &cfg);
	config_release(&cfg);
	cli_release(&cli);
	fflush(stdout);
	return status;
}
