/*
 * cli.h: the command line. cli_parse() turns argv into a struct cli or a
 * one-line complaint; cli_print_help() writes the --help text. Nothing here
 * reads a file, the environment or the terminal: the caller decides what to
 * do with the result (and prints "jarvis: <cause>" on a usage error).
 */
#ifndef JARVIS_CLI_H
#define JARVIS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "jarvis/version.h"

/* What this run does. */
enum cli_mode {
	CLI_TUI,         /* no mode option: the interactive chat */
	CLI_PROMPT,      /* -p PROMPT / -p - */
	CLI_LIST_MODELS, /* --list-models */
	CLI_SIGNUP,      /* --signup NAME EMAIL */
	CLI_LOGIN,       /* --login EMAIL */
	CLI_LOGOUT,      /* --logout */
	CLI_PASSWD,      /* --passwd */
	CLI_RECOVER,     /* --recover EMAIL */
	CLI_CONVS,       /* --convs */
	CLI_EXPORT,      /* --export ID [FILE] */
	CLI_COMPLETIONS, /* --completions SHELL (not in --help) */
	CLI_HELP,        /* -h, --help */
	CLI_VERSION,     /* -V, --version */
};

/* How -p writes the answer (--output-format). */
enum cli_output {
	CLI_OUTPUT_TEXT,        /* the answer as it streams */
	CLI_OUTPUT_JSON,        /* one JSON object at the end */
	CLI_OUTPUT_STREAM_JSON, /* one JSON object per line, per event */
};

/* The parsed command line. Strings are owned copies; NULL means not given. */
struct cli {
	enum cli_mode mode;
	char *prompt;      /* -p; "-" means read the prompt from standard input */
	char *model;       /* -m */
	char *config_path; /* -c */
	char **attach;     /* -a, in the order given */
	size_t nattach;
	char *conversation;     /* -C */
	char *store_uri;        /* --store */
	bool no_save;           /* --no-save */
	enum cli_output output; /* --output-format */
	bool output_given;
	bool password_stdin; /* --password-stdin */
	char *signup_name;   /* --signup NAME EMAIL */
	char *signup_email;
	char *login_email;       /* --login EMAIL, --recover EMAIL */
	char *export_id;         /* --export ID [FILE] */
	char *export_file;       /* NULL: standard output */
	char *completions_shell; /* --completions SHELL */
};

/* What an option's argument is, so that a shell can complete it. */
enum cli_arg {
	CLI_ARG_NONE,  /* takes no argument */
	CLI_ARG_WORD,  /* free text: nothing to complete */
	CLI_ARG_FILE,  /* a file name */
	CLI_ARG_MODEL, /* a model id */
	CLI_ARG_SHELL, /* bash, zsh or fish */
};

/* One command-line option. */
struct cli_option {
	const char *name; /* long name, without "--" */
	int val;          /* the short letter, or above 255 for a long-only option */
	enum cli_arg arg;
	const char *summary; /* one line for the completions; NULL: hidden there */
};

/* Every option cli_parse() knows, ended by a NULL name. */
extern const struct cli_option cli_options[];

/*
 * Parses argv into out (which it zeroes first). Returns 0, or -1 with a
 * one-line *cause for an unknown option, a missing or unwanted argument,
 * two modes at once or an option that does not fit the mode. argv may be
 * reordered (GNU getopt). On -1, out holds nothing that needs freeing.
 */
int cli_parse(int argc, char **argv, struct cli *out, char **cause);

/* Releases what cli_parse() filled in; a zeroed struct is fine. */
void cli_release(struct cli *cli);

/* Writes the --help text (at most 80 columns) to out. */
void cli_print_help(FILE *out);

/* Writes the --version line ("jarvis 0.1.0") to out. */
void cli_print_version(FILE *out);

#endif
