/*
 * cli.c: the command line (see cli.h). getopt_long does the splitting; this
 * file adds the rules getopt cannot express (one mode at a time, options
 * that belong to -p, the extra words after --signup and --export) and words
 * every complaint as one line a user can act on. It must not read files or
 * the environment and must not print anything but the help and version.
 */
#include "jarvis/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/config.h"
#include "jarvis/util.h"

enum {
	OPT_STORE = 256,
	OPT_NO_SAVE,
	OPT_PASSWORD_STDIN,
	OPT_LIST_MODELS,
	OPT_SIGNUP,
	OPT_LOGIN,
	OPT_LOGOUT,
	OPT_PASSWD,
	OPT_RECOVER,
	OPT_CONVS,
	OPT_EXPORT,
	OPT_COMPLETIONS,
	OPT_OUTPUT_FORMAT,
};

/*
 * The options: getopt_long reads the table built from it below, and
 * jarvis --completions writes the shell completions from it (core/completion.c).
 * A NULL summary hides an option from the completions.
 */
const struct cli_option cli_options[] = {
    {"model", 'm', CLI_ARG_MODEL, "the model for this run"},
    {"config", 'c', CLI_ARG_FILE, "read this configuration file"},
    {"attach", 'a', CLI_ARG_FILE, "attach an image, PDF, audio or text file (with -p)"},
    {"conversation", 'C', CLI_ARG_WORD, "continue a stored conversation (-p or the chat)"},
    {"store", OPT_STORE, CLI_ARG_WORD, "the store: a MongoDB URI or an SQLite path"},
    {"no-save", OPT_NO_SAVE, CLI_ARG_NONE, "do not store this exchange (with -p)"},
    {"output-format", OPT_OUTPUT_FORMAT, CLI_ARG_WORD, "-p output: text, json or stream-json"},
    {"password-stdin", OPT_PASSWORD_STDIN, CLI_ARG_NONE, "read the password from stdin"},
    {"version", 'V', CLI_ARG_NONE, "show the version and exit"},
    {"help", 'h', CLI_ARG_NONE, "show the help and exit"},
    {"prompt", 'p', CLI_ARG_WORD, "one shot: stream the answer to stdout"},
    {"list-models", OPT_LIST_MODELS, CLI_ARG_NONE, "list the models and their limits"},
    {"signup", OPT_SIGNUP, CLI_ARG_WORD, "create an account (NAME EMAIL)"},
    {"login", OPT_LOGIN, CLI_ARG_WORD, "log in and keep the session (EMAIL)"},
    {"logout", OPT_LOGOUT, CLI_ARG_NONE, "revoke and forget the session"},
    {"passwd", OPT_PASSWD, CLI_ARG_NONE, "change the password (the data key is re-wrapped)"},
    {"recover", OPT_RECOVER, CLI_ARG_WORD, "set a new password with the recovery code (EMAIL)"},
    {"convs", OPT_CONVS, CLI_ARG_NONE, "list your conversations"},
    {"export", OPT_EXPORT, CLI_ARG_WORD, "a conversation as Markdown (ID [FILE])"},
    {"completions", OPT_COMPLETIONS, CLI_ARG_SHELL, NULL},
    {NULL, 0, CLI_ARG_NONE, NULL},
};

#define NOPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))
static struct option long_options[NOPTIONS];

/* getopt_long's view of cli_options. */
static void build_long_options(void)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct cli_option *o = &cli_options[i];
		long_options[i] = (struct option){
		    o->name, o->arg == CLI_ARG_NONE ? no_argument : required_argument, NULL,
		    o->val};
	}
}

/* '-' first: words that are not options come back in order as 1, whatever
 * POSIXLY_CORRECT says; ':' next: we word the complaints ourselves. */
static const char short_options[] = "-:m:c:a:C:p:Vh";

static const char *long_name(int val)
{
	for (const struct option *o = long_options; o->name != NULL; o++) {
		if (o->val == val)
			return o->name;
	}
	return NULL;
}

/* How a mode option is called in messages. */
static const char *mode_name(enum cli_mode mode)
{
	switch (mode) {
	case CLI_PROMPT:
		return "-p";
	case CLI_LIST_MODELS:
		return "--list-models";
	case CLI_SIGNUP:
		return "--signup";
	case CLI_LOGIN:
		return "--login";
	case CLI_LOGOUT:
		return "--logout";
	case CLI_PASSWD:
		return "--passwd";
	case CLI_RECOVER:
		return "--recover";
	case CLI_CONVS:
		return "--convs";
	case CLI_EXPORT:
		return "--export";
	case CLI_COMPLETIONS:
		return "--completions";
	default:
		return "";
	}
}

static int set_mode(struct cli *out, enum cli_mode mode, char **cause)
{
	if (*cause != NULL)
		return -1; /* the first conflict is the one reported */
	if (out->mode == mode)
		return set_cause(cause, "%s was given twice; give it once", mode_name(mode));
	if (out->mode != CLI_TUI)
		return set_cause(cause, "%s and %s cannot be used together", mode_name(out->mode),
		                 mode_name(mode));
	out->mode = mode;
	return 0;
}

/* Replaces *slot with a copy of value (a later -m beats an earlier one). */
static void set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* The complaint for an unknown or ambiguous --name[=value]. */
static int bad_long_option(const char *arg, char **cause)
{
	const char *name = arg + 2;
	size_t len = strcspn(name, "=");
	char *matches = NULL;
	int n = 0;
	for (const struct option *o = long_options; o->name != NULL; o++) {
		if (len == 0 || strncmp(o->name, name, len) != 0)
			continue;
		char *more = matches ? xasprintf("%s or --%s", matches, o->name)
		                     : xasprintf("--%s", o->name);
		free(matches);
		matches = more;
		n++;
	}
	int rc;
	if (n > 1)
		rc = set_cause(cause, "option '--%.*s' is ambiguous; it could be %s", (int)len,
		               name, matches);
	else
		rc = set_cause(cause, "unknown option '--%.*s'", (int)len, name);
	free(matches);
	return rc;
}

/* The complaint for getopt's '?': unknown, ambiguous or unwanted argument. */
static int bad_option(int optopt_val, const char *arg, char **cause)
{
	const char *name = optopt_val != 0 ? long_name(optopt_val) : NULL;
	if (name != NULL && arg != NULL && strncmp(arg, "--", 2) == 0)
		return set_cause(cause, "option '--%s' takes no argument", name);
	if (optopt_val != 0)
		return set_cause(cause, "unknown option '-%c'", optopt_val);
	if (arg != NULL && strncmp(arg, "--", 2) == 0)
		return bad_long_option(arg, cause);
	return set_cause(cause, "unknown option '%s'", arg ? arg : "?");
}

/* The complaint for getopt's ':': an option at the end without its argument. */
static int missing_argument(int val, const char *arg, char **cause)
{
	const char *name = long_name(val);
	if (val >= 256 || (arg != NULL && strncmp(arg, "--", 2) == 0))
		return set_cause(cause, "option '--%s' needs an argument", name ? name : "?");
	return set_cause(cause, "option '-%c' needs an argument", val);
}

/* Checks the words that are not options against what the mode takes. */
static int take_operands(struct cli *out, char **words, size_t n, char **cause)
{
	size_t used = 0;
	if (out->mode == CLI_SIGNUP) {
		if (n == 0)
			return set_cause(cause, "--signup needs a NAME and an EMAIL, as in "
			                        "--signup 'Ada Lovelace' ada@example.com");
		out->signup_email = xstrdup(words[0]);
		used = 1;
	} else if (out->mode == CLI_EXPORT && n > 0) {
		out->export_file = xstrdup(words[0]);
		used = 1;
	}
	if (used < n) {
		if (out->mode == CLI_PROMPT)
			return set_cause(
			    cause, "unexpected argument '%s'; quote a prompt of several words",
			    words[used]);
		if (out->mode == CLI_TUI)
			return set_cause(cause,
			                 "unexpected argument '%s'; to ask one question, use -p",
			                 words[used]);
		return set_cause(cause, "unexpected argument '%s'", words[used]);
	}
	return 0;
}

static int parse_output(const char *s, enum cli_output *out)
{
	static const char *const names[] = {"text", "json", "stream-json"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum cli_output)i;
			return 0;
		}
	}
	return -1;
}

/* The rules getopt cannot check: options that belong to one mode. */
static int check_fit(const struct cli *out, char **cause)
{
	if (out->mode != CLI_PROMPT) {
		if (out->nattach > 0)
			return set_cause(cause, "-a/--attach works only with -p (in the chat, use "
			                        "/attach)");
		if (out->conversation != NULL && out->mode != CLI_TUI)
			return set_cause(cause,
			                 "-C/--conversation works only with -p or in the chat");
		if (out->no_save)
			return set_cause(cause, "--no-save works only with -p");
		if (out->output_given)
			return set_cause(cause, "--output-format works only with -p");
	}
	if (out->password_stdin && out->mode != CLI_SIGNUP && out->mode != CLI_LOGIN &&
	    out->mode != CLI_PASSWD && out->mode != CLI_RECOVER)
		return set_cause(cause, "--password-stdin works only with --signup, --login, "
		                        "--passwd or --recover");
	if (out->mode == CLI_PROMPT && out->prompt[0] == '\0')
		return set_cause(cause, "the prompt given to -p is empty; use -p - to read it from "
		                        "standard input");
	return 0;
}

/* What cli_parse gathers besides struct cli while it reads the options. */
struct parsing {
	char **words; /* the operands, in order */
	size_t nwords;
	bool help, version;
	char *conflict; /* two modes: reported unless --help or --version came */
};

/* Takes one option c that getopt_long returned (arg: the word it read); -1 with cause. */
static int take_option(int c, const char *arg, struct cli *out, struct parsing *p, char **cause)
{
	switch (c) {
	case 1:
		p->words[p->nwords++] = optarg;
		break;
	case 'm':
		set_string(&out->model, optarg);
		break;
	case 'c':
		set_string(&out->config_path, optarg);
		break;
	case 'a':
		out->attach = xrealloc(out->attach, (out->nattach + 1) * sizeof(char *));
		out->attach[out->nattach++] = xstrdup(optarg);
		break;
	case 'C':
		set_string(&out->conversation, optarg);
		break;
	case OPT_STORE:
		set_string(&out->store_uri, optarg);
		break;
	case OPT_NO_SAVE:
		out->no_save = true;
		break;
	case OPT_PASSWORD_STDIN:
		out->password_stdin = true;
		break;
	case OPT_OUTPUT_FORMAT:
		if (parse_output(optarg, &out->output) == -1)
			return set_cause(
			    cause, "--output-format takes text, json or stream-json, not '%s'",
			    optarg);
		out->output_given = true;
		break;
	case 'V':
		p->version = true;
		break;
	case 'h':
		p->help = true;
		break;
	case 'p':
		if (set_mode(out, CLI_PROMPT, &p->conflict) == 0)
			out->prompt = xstrdup(optarg);
		break;
	case OPT_LIST_MODELS:
		set_mode(out, CLI_LIST_MODELS, &p->conflict);
		break;
	case OPT_SIGNUP:
		if (set_mode(out, CLI_SIGNUP, &p->conflict) == 0)
			out->signup_name = xstrdup(optarg);
		break;
	case OPT_LOGIN:
		if (set_mode(out, CLI_LOGIN, &p->conflict) == 0)
			out->login_email = xstrdup(optarg);
		break;
	case OPT_LOGOUT:
		set_mode(out, CLI_LOGOUT, &p->conflict);
		break;
	case OPT_PASSWD:
		set_mode(out, CLI_PASSWD, &p->conflict);
		break;
	case OPT_RECOVER:
		if (set_mode(out, CLI_RECOVER, &p->conflict) == 0)
			out->login_email = xstrdup(optarg);
		break;
	case OPT_CONVS:
		set_mode(out, CLI_CONVS, &p->conflict);
		break;
	case OPT_EXPORT:
		if (set_mode(out, CLI_EXPORT, &p->conflict) == 0)
			out->export_id = xstrdup(optarg);
		break;
	case OPT_COMPLETIONS:
		if (set_mode(out, CLI_COMPLETIONS, &p->conflict) == 0)
			out->completions_shell = xstrdup(optarg);
		break;
	case ':':
		return missing_argument(optopt, arg, cause);
	default:
		return bad_option(optopt, arg, cause);
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli *out, char **cause)
{
	memset(out, 0, sizeof(*out));
	struct parsing p = {.words = xcalloc((size_t)argc + 1, sizeof(char *))};

	build_long_options();
	optind = 0; /* glibc: start afresh, so cli_parse may run more than once */
	opterr = 0;
	for (;;) {
		int prev = optind ? optind : 1;
		int c = getopt_long(argc, argv, short_options, long_options, NULL);
		if (c == -1)
			break;
		/* The word getopt just looked at, for messages. */
		const char *arg = prev < argc ? argv[prev] : NULL;
		if (take_option(c, arg, out, &p, cause) < 0)
			goto fail;
	}
	/* After "--" getopt stops; the rest are words too. */
	while (optind < argc)
		p.words[p.nwords++] = argv[optind++];

	if (p.help || p.version) {
		/* --help and --version win over everything else, as is usual. */
		cli_release(out);
		out->mode = p.help ? CLI_HELP : CLI_VERSION;
		free(p.conflict);
		free(p.words);
		return 0;
	}
	if (p.conflict != NULL) {
		set_cause(cause, "%s", p.conflict);
		goto fail;
	}
	if (take_operands(out, p.words, p.nwords, cause) < 0 || check_fit(out, cause) < 0)
		goto fail;
	free(p.words);
	return 0;

fail:
	free(p.conflict);
	free(p.words);
	cli_release(out);
	return -1;
}

void cli_release(struct cli *cli)
{
	if (cli == NULL)
		return;
	free(cli->prompt);
	free(cli->model);
	free(cli->config_path);
	for (size_t i = 0; i < cli->nattach; i++)
		free(cli->attach[i]);
	free(cli->attach);
	free(cli->conversation);
	free(cli->store_uri);
	free(cli->signup_name);
	free(cli->signup_email);
	free(cli->login_email);
	free(cli->export_id);
	free(cli->export_file);
	free(cli->completions_shell);
	memset(cli, 0, sizeof(*cli));
}

void cli_print_version(FILE *out)
{
	fputs("jarvis " JARVIS_VERSION "\n", out);
}

static const char help_head[] =
    "Usage: jarvis [OPTIONS]                interactive chat\n"
    "       jarvis [OPTIONS] -p PROMPT      one shot: stream the answer to stdout\n"
    "       jarvis [OPTIONS] -p -           one shot, prompt read from stdin\n"
    "       jarvis --list-models            models with id, RPM, RPD, description\n"
    "       jarvis --signup NAME EMAIL      create an account\n"
    "       jarvis --login EMAIL            log in and keep the session\n"
    "       jarvis --logout                 revoke and forget the session\n"
    "       jarvis --passwd                 change the password\n"
    "       jarvis --recover EMAIL          new password from the recovery code\n"
    "       jarvis --convs                  your conversations: id, updated, title\n"
    "       jarvis --export ID [FILE]       a conversation as Markdown\n"
    "       jarvis --completions SHELL      completion script: bash, zsh or fish\n"
    "\n"
    "A terminal chat client for Google Gemini.\n"
    "\n"
    "Options:\n"
    "  -m, --model ID           model id for this run (see --list-models)\n"
    "  -c, --config FILE        read this configuration file\n"
    "  -a, --attach FILE        attach an image, PDF, audio or text (repeatable; -p)\n"
    "  -C, --conversation ID    continue a stored conversation (-p, or the chat\n"
    "                           opens on it)\n"
    "      --store URI          mongodb://... or mongodb+srv://... for MongoDB,\n"
    "                           a path or sqlite:PATH for the embedded store\n"
    "      --no-save            do not store this exchange (with -p)\n"
    "      --output-format FMT  -p writes text (default), json (one object at\n"
    "                           the end) or stream-json (one line per event)\n"
    "      --password-stdin     read the password from standard input\n"
    "                           (--signup, --login; --passwd: old then new,\n"
    "                           --recover: code then new, one a line)\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Environment:\n"
    "  JARVIS_CONFIG            the config file; default\n"
    "                           $XDG_CONFIG_HOME/jarvis/config.ini, else\n"
    "                           ~/.config/jarvis/config.ini\n";

static const char help_tail[] =
    "\n"
    "Keys in the chat:\n"
    "  Enter send (queued while an answer streams), Alt-Enter or Ctrl-J new line\n"
    "  (Shift-Enter too, where the terminal reports it), Up/Down input history,\n"
    "  Ctrl-R search it, Ctrl-_ undo, Ctrl-G or Ctrl-X Ctrl-E compose in\n"
    "  $VISUAL/$EDITOR, PgUp/PgDn scroll, F1 help, F2 models, F3 conversations,\n"
    "  Esc or Ctrl-C stop an answer, Ctrl-D or /quit leave. Type /help for the\n"
    "  commands.\n"
    "\n"
    "Exit status:\n"
    "  0 success, 1 API or network failure, 2 usage or configuration error,\n"
    "  3 storage error, 4 authentication error, 130 interrupted, 129 or 143 the\n"
    "  chat ended by SIGHUP or SIGTERM.\n"
    "\n"
    "See jarvis(1) for the commands, keys and configuration in full.\n";

void cli_print_help(FILE *out)
{
	size_t n;
	const struct config_option *opts = config_options(&n);

	fputs(help_head, out);
	/* The variables and the keys come from the one option table. */
	for (size_t i = 0; i < n; i++) {
		const struct config_option *o = &opts[i];
		if (o->env == NULL)
			continue;
		char *key = xasprintf("[%s] %s", o->section, o->key);
		if (o->env_kind == CONFIG_ENV_SET_OFF)
			fprintf(out, "  %-24s %s: any non-empty value turns it off\n", o->env, key);
		else if (o->env_alt != NULL)
			fprintf(out, "  %-24s %s (else %s)\n", o->env, key, o->env_alt);
		else
			fprintf(out, "  %-24s %s\n", o->env, key);
		free(key);
	}

	fputs("\nConfiguration keys and defaults (command line > environment > file):\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct config_option *o = &opts[i];
		char *key = strcmp(o->section, "model") == 0
		                ? xasprintf("[model \"ID\"] %s", o->key)
		                : xasprintf("[%s] %s", o->section, o->key);
		fprintf(out, "  %-28s %s\n", key, o->def_doc ? o->def_doc : o->def);
		free(key);
	}
	fputs(help_tail, out);
}
