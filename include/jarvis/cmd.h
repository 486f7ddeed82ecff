/*
 * cmd.h: slash commands. One table (src/cmd/commands.c) holds every command's
 * name, alias, usage, help line, argument counts and flags; /help, F1, Tab
 * completion and the man page's list come from it. A command changes the
 * chat and returns 0, or -1 with a cause for the status line; it never
 * draws. A command that needs more from the user (a password) says so in
 * struct cmd_ctx and gets the answer through its `then` continuation.
 */
#ifndef JARVIS_CMD_H
#define JARVIS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct chat;

#define CMD_NEEDS_LOGIN 0x01u /* refused for a guest */
#define CMD_SECRET 0x02u      /* the line may hold a password: masked, never in history */
#define CMD_REST 0x04u        /* the last argument takes the rest of the line as typed */

struct cmd_ctx;

struct cmd_entry {
	const char *name;
	const char *alias; /* or NULL */
	const char *usage; /* arguments, e.g. "[NAME EMAIL]" */
	const char *help;  /* one line */
	int min_args;
	int max_args; /* -1: any number */
	unsigned flags;
	/* Which argument (0-based) starts a password on the seed's one-line form; -1: none. */
	int secret_arg;
	int (*exec)(struct cmd_ctx *c, int argc, char **argv, char **cause);
};

/* What a command may ask of the screen. */
struct cmd_ctx {
	struct chat *chat;
	/* Set by a command to ask for one more line (a password when ask_secret). */
	char *ask_label;
	bool ask_secret;
	int (*then)(struct cmd_ctx *c, const char *answer, char **cause);
	char *state[3]; /* what the continuation needs (name, e-mail, first password) */
	/* Set by /help to open the help overlay. */
	bool show_help;
	/* Set by /model without an argument to open the model picker. */
	bool show_models;
	/* Set by /copy: what to put on the clipboard and what it is ("the last answer");
	 * the screen takes both (and frees them). */
	char *copy_text;
	char *copy_what;
	/* Set by /edit: the text for the input, unsent; the screen takes it (and frees it). */
	char *input_text;
};

/* The table, in the order /help shows it. */
const struct cmd_entry *cmd_table(size_t *n);
/* Exact name, then alias, then unique prefix; NULL with a cause otherwise. */
const struct cmd_entry *cmd_find(const char *name, char **cause);
/*
 * Splits a line into words (spaces separate; "double quotes" group; a
 * backslash escapes the next character). Returns the count and a new
 * NULL-terminated array (cmd_words_free). rest_from >= 0 keeps everything
 * from that word on as one word, as typed.
 */
int cmd_split(const char *line, int rest_from, char ***words);
void cmd_words_free(char **words);
/* Runs a line that starts with '/'. */
int cmd_run(struct cmd_ctx *c, const char *line, char **cause);
/*
 * A continuation returns CMD_AGAIN (with a cause) when the answer will not
 * do: the form goes on, asking the same question again, or the one the
 * continuation asked instead (both passwords after a mismatch). A bad
 * answer never ends a form; only Esc or Ctrl-C do.
 */
#define CMD_AGAIN 1
/*
 * Feeds the answer to a pending ask; the caller wipes the answer afterwards.
 * Returns 0, or -1 with a cause: the form ended if c->then is NULL, and is
 * still asking (the cause says what to type) otherwise.
 */
int cmd_answer(struct cmd_ctx *c, const char *answer, char **cause);
/* Clears any pending ask (Esc) and wipes what it held. */
void cmd_ctx_reset(struct cmd_ctx *c);
/* True when the line's command word names one command (exactly, by alias or prefix). */
bool cmd_known(const char *line);
/* True when the line's first word names no command, alias or prefix of one ("/etc/hosts"). */
bool cmd_unknown(const char *line);
/* True when the line must be masked from this byte on and kept out of history. */
bool cmd_secret_offset(const char *line, size_t *offset);
/*
 * Completion candidates for the word being typed at the end of line
 * (complete.c): a command name (after "/" and /help), a path after /attach
 * (blanks, quotes and backslashes escaped; ~/ kept), a model id after
 * /model, a conversation's number after /select, matched by number or by
 * a piece of its title among those listed last (/convs, F3). Up to max new
 * strings in out, each the whole completed word as it must be typed, and
 * *word_start the byte where that word starts in line. For /select, when
 * labels is not NULL, labels[i] is a new "N title" for the hint. ch may be
 * NULL (no models, no conversations). Returns how many.
 */
size_t cmd_complete_at(const struct chat *ch, const char *line, size_t *word_start, char **out,
                       char **labels, size_t max);
/* cmd_complete_at without a chat, for the word's candidates alone. */
size_t cmd_complete(const char *line, char **out, size_t max);
/* A path as /attach opens it: a leading ~ or ~/ is $HOME. A new string. */
char *cmd_expand_home(const char *path);
/*
 * Where /export [FILE] writes: FILE with ~ expanded (cmd_expand_home), or
 * jarvis-YYYYmmdd-HHMMSS.md for `now`, made absolute against the working
 * directory. A new string.
 */
char *cmd_export_path(const char *arg, time_t now);
/* Asks /delete's question for a conversation the store vouched for (chat_take_delete_ask). */
void cmd_ask_delete(struct cmd_ctx *c, const char *id, const char *title);

#endif
