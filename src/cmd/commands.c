/*
 * commands.c: the slash commands: what each does, then the table that
 * names them (see cmd.h) and the lookup in it. They only call the chat
 * and set fields of struct cmd_ctx; none draws, none blocks. Passwords
 * never outlive the call that hands them to the chat. Grouped by what
 * they touch; each is a few lines, so one file per command would mostly
 * be boilerplate.
 */
#include "jarvis/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "jarvis/chat.h"
#include "jarvis/clip.h"
#include "jarvis/conv.h"
#include "jarvis/password.h"
#include "jarvis/statusline.h"
#include "jarvis/util.h"

#define DELETE_TITLE_COLS 30 /* of a title in /delete's question */

static void ask(struct cmd_ctx *c, const char *label, bool secret,
                int (*then)(struct cmd_ctx *, const char *, char **))
{
	free(c->ask_label);
	c->ask_label = xstrdup(label);
	c->ask_secret = secret;
	c->then = then;
}

void cmd_ctx_reset(struct cmd_ctx *c)
{
	free(c->ask_label);
	c->ask_label = NULL;
	c->ask_secret = false;
	c->then = NULL;
	for (size_t i = 0; i < ARRAY_LEN(c->state); i++) {
		secret_free(c->state[i]);
		c->state[i] = NULL;
	}
}

static void keep(struct cmd_ctx *c, int slot, const char *value)
{
	secret_free(c->state[slot]);
	c->state[slot] = xstrdup(value);
}

static int cmd_help(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 0) {
		c->show_help = true;
		return 0;
	}
	const struct cmd_entry *e = cmd_find(argv[0][0] == '/' ? argv[0] + 1 : argv[0], cause);
	if (e == NULL)
		return -1;
	chat_notice(c->chat, "/%s%s%s: %s%s%s%s", e->name, e->usage[0] ? " " : "", e->usage,
	            e->help, e->alias ? " (also /" : "", e->alias ? e->alias : "",
	            e->alias ? ")" : "");
	return 0;
}

/* ---- accounts ---- */

/* A mismatch asks from the first password again. */
static int signup_password(struct cmd_ctx *c, const char *answer, char **cause);
static int passwd_new(struct cmd_ctx *c, const char *answer, char **cause);

static int signup_confirm(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (strcmp(answer, c->state[2]) != 0) {
		/* Both again: which of the two was mistyped is not known. */
		secret_free(c->state[2]);
		c->state[2] = NULL;
		ask(c, "password (at least 8 characters):", true, signup_password);
		set_cause(cause, "the passwords differ; type the password again, twice");
		return CMD_AGAIN;
	}
	return chat_signup(c->chat, c->state[0], c->state[1], c->state[2], cause);
}

static int signup_password(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (password_check(answer, cause) == -1)
		return CMD_AGAIN;
	keep(c, 2, answer);
	ask(c, "repeat the password:", true, signup_confirm);
	return 0;
}

static int signup_email(struct cmd_ctx *c, const char *answer, char **cause)
{
	char *email = NULL;
	if (email_normalize(answer, &email, cause) == -1)
		return CMD_AGAIN;
	/* As typed: account_login and account_signup normalise it and also
	 * find an account made before e-mail addresses were folded. */
	keep(c, 1, answer);
	free(email);
	ask(c, "password (at least 8 characters):", true, signup_password);
	return 0;
}

static int signup_name(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (name_check(answer, cause) == -1)
		return CMD_AGAIN;
	keep(c, 0, answer);
	ask(c, "e-mail:", false, signup_email);
	return 0;
}

static int cmd_signup(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 0) {
		ask(c, "your name:", false, signup_name);
		return 0;
	}
	if (argc == 1)
		return set_cause(cause, "usage: /signup NAME EMAIL, a name with a space in quotes "
		                        "(or /signup alone to be asked)");
	/* "/signup Ann Lee ann@example.org": the name's second word read as the e-mail. */
	if (strchr(argv[1], '@') == NULL && argc == 3 && strchr(argv[2], '@') != NULL)
		return set_cause(cause,
		                 "a name with a space goes in quotes: /signup \"%s %s\" EMAIL (or "
		                 "/signup alone to be asked, no quotes needed)",
		                 argv[0], argv[1]);
	if (name_check(argv[0], cause) == -1)
		return -1;
	keep(c, 0, argv[0]);
	if (signup_email(c, argv[1], cause) != 0)
		return -1; /* on the line: nothing asked yet, the line says it all */
	if (argc == 3) {
		/* The seed's one-line form: the password was typed (masked) on the line. */
		if (password_check(argv[2], cause) == -1)
			return -1;
		int rc = chat_signup(c->chat, c->state[0], c->state[1], argv[2], cause);
		cmd_ctx_reset(c);
		return rc;
	}
	return 0;
}

static int login_password(struct cmd_ctx *c, const char *answer, char **cause)
{
	return chat_login(c->chat, c->state[0], answer, cause);
}

static int login_email(struct cmd_ctx *c, const char *answer, char **cause)
{
	char *email = NULL;
	if (email_normalize(answer, &email, cause) == -1)
		return CMD_AGAIN;
	/* As typed: account_login and account_signup normalise it and also
	 * find an account made before e-mail addresses were folded. */
	keep(c, 0, answer);
	free(email);
	ask(c, "password:", true, login_password);
	return 0;
}

static int cmd_login(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 0) {
		ask(c, "e-mail:", false, login_email);
		return 0;
	}
	if (login_email(c, argv[0], cause) != 0)
		return -1;
	if (argc == 2) {
		int rc = chat_login(c->chat, c->state[0], argv[1], cause);
		cmd_ctx_reset(c);
		return rc;
	}
	return 0;
}

static int cmd_logout(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_logout(c->chat, cause);
}

static int passwd_confirm(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (strcmp(answer, c->state[1]) != 0) {
		secret_free(c->state[1]);
		c->state[1] = NULL;
		ask(c, "new password (at least 8 characters):", true, passwd_new);
		set_cause(cause, "the new passwords differ; type the new password again, twice");
		return CMD_AGAIN;
	}
	return chat_passwd(c->chat, c->state[0], c->state[1], cause);
}

static int passwd_new(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (password_check(answer, cause) == -1)
		return CMD_AGAIN;
	keep(c, 1, answer);
	ask(c, "repeat the new password:", true, passwd_confirm);
	return 0;
}

static int passwd_old(struct cmd_ctx *c, const char *answer, char **cause)
{
	keep(c, 0, answer);
	ask(c, "new password (at least 8 characters):", true, passwd_new);
	return 0;
}

static int cmd_passwd(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	ask(c, "current password:", true, passwd_old);
	return 0;
}

static int cmd_whoami(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	chat_whoami(c->chat);
	return 0;
}

/* ---- conversations ---- */

static int cmd_new(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_new_conv(c->chat, argc > 0 ? argv[0] : NULL, cause);
}

static int cmd_convs(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_list_convs(c->chat, cause);
}

static int cmd_select(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_select(c->chat, argv[0], cause);
}

static int cmd_rename(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (chat_rename(c->chat, argv[0], cause) == -1)
		return -1;
	chat_notice(c->chat, "renamed this conversation to \"%s\"", argv[0]);
	return 0;
}

static int delete_confirm(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (strcmp(answer, "yes") != 0) {
		chat_notice(c->chat, "not deleted");
		return 0;
	}
	/* state[1]: the store vouched for the id (chat_delete_probe), so it is no list number. */
	if (c->state[1] != NULL)
		return chat_delete_id(c->chat, c->state[0], cause);
	return chat_delete(c->chat, c->state[0], cause);
}

/* The question of /delete, naming what goes (this one: the one on screen). */
static void ask_delete(struct cmd_ctx *c, const char *title, bool this_one)
{
	size_t keep = status_cut_bytes(title, DELETE_TITLE_COLS);
	char *label = xasprintf("delete \"%.*s%s\"%s for good? type yes:", (int)keep, title,
	                        keep < strlen(title) ? "…" : "", this_one ? " (this one)" : "");
	ask(c, label, false, delete_confirm);
	free(label);
}

void cmd_ask_delete(struct cmd_ctx *c, const char *id, const char *title)
{
	cmd_ctx_reset(c);
	c->state[0] = xstrdup(id);
	c->state[1] = xstrdup("exact");
	ask_delete(c, title, false);
}

static int cmd_delete(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	const struct conv *conv = chat_conv(c->chat);
	if (argc == 0 && conv->id == NULL)
		return set_cause(cause,
		                 "this conversation is not stored; /delete ID deletes another");
	if (argc > 0 && !conv_id_shaped(argv[0])) {
		char *why = conv_missing_text(argv[0], true, "/convs or F3 lists them");
		set_cause(cause, "%s", why);
		free(why);
		return -1;
	}
	/* The question names what goes, so that a wrong number is caught in time; what
	 * the screen cannot vouch for is checked with the store before any question. */
	const char *title = conv->title ? conv->title : "untitled";
	if (argc > 0 && !chat_conv_known(c->chat, argv[0], &title))
		return chat_delete_probe(c->chat, argv[0], cause);
	cmd_ctx_reset(c);
	c->state[0] = argc > 0 ? xstrdup(argv[0]) : NULL;
	ask_delete(c, title, argc == 0);
	return 0;
}

char *cmd_export_path(const char *arg, time_t now)
{
	char *path;
	if (arg != NULL) {
		path = cmd_expand_home(arg);
	} else {
		char stamp[32];
		struct tm tm;
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
		path = xasprintf("jarvis-%s.md", stamp);
	}
	if (path[0] == '/')
		return path;
	/* Named in full, so the notice says where the file went. */
	char *cwd = getcwd(NULL, 0);
	if (cwd == NULL)
		return path;
	char *full = xasprintf("%s/%s", cwd, path[0] == '.' && path[1] == '/' ? path + 2 : path);
	free(cwd);
	free(path);
	return full;
}

static int cmd_export(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	const struct conv *conv = chat_conv(c->chat);
	if (conv->n == 0)
		return set_cause(cause, "nothing to export yet");
	char *path = cmd_export_path(argc > 0 ? argv[0] : NULL, time(NULL));
	/* The line as typed (CMD_REST: the rest of the line is the file's name). */
	char *line = argc > 0 ? xasprintf("/export %s", argv[0]) : xstrdup("/export");
	int rc = chat_export(c->chat, path, line, cause);
	free(line);
	free(path);
	return rc;
}

static int cmd_clear(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	chat_clear(c->chat);
	return 0;
}

/* ---- the model and the answer ---- */

static int cmd_model(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 0) {
		c->show_models = true;
		return 0;
	}
	return chat_set_model(c->chat, argv[0], cause);
}

/* /attach and /export read paths through it; Tab completion keeps ~/ as typed. */
char *cmd_expand_home(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home != NULL && home[0])
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

/*
 * "/attach ~/pics dir/a.png": words i.. that name no file apart but an
 * existing one joined by blanks; the joined words as typed, or NULL.
 */
static char *blank_in_path(int argc, char **argv, int i)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	buf_addstr(&b, argv[i]);
	for (int k = i + 1; k < argc; k++) {
		buf_addf(&b, " %s", argv[k]);
		char *path = cmd_expand_home(b.data);
		bool there = access(path, F_OK) == 0;
		free(path);
		if (there)
			return b.data;
	}
	buf_release(&b);
	return NULL;
}

static int cmd_attach(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	for (int i = 0; i < argc; i++) {
		char *path = cmd_expand_home(argv[i]);
		int rc = chat_attach(c->chat, path, cause);
		bool missing = rc == -1 && access(path, F_OK) != 0;
		free(path);
		char *joined = missing ? blank_in_path(argc, argv, i) : NULL;
		if (joined != NULL) {
			/* Say how to type the blank: a backslash before it, or quotes. */
			struct buf esc;
			buf_init(&esc, BUF_LINE_MAX);
			for (const char *p = joined; *p; p++)
				buf_addf(&esc, "%s%c", *p == ' ' ? "\\" : "", *p);
			char *why = cause ? *cause : NULL;
			if (cause != NULL)
				*cause = NULL;
			set_cause(cause,
			          "%s; \"%s\" exists: a blank in a path is typed \\ (%s) or "
			          "the path quoted",
			          why ? why : "cannot open it", joined, esc.data);
			free(why);
			buf_release(&esc);
			free(joined);
		}
		if (rc == -1)
			return -1;
		chat_notice(c->chat, "attached %s; it goes with your next message", argv[i]);
	}
	return 0;
}

static int cmd_detach(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	size_t n = chat_pending_images(c->chat);
	chat_detach(c->chat);
	chat_notice(c->chat, n ? "attachments dropped" : "nothing was attached");
	return 0;
}

/* A count argument: 1 and up. */
static int parse_count(const char *s, size_t *out, char **cause)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1)
		return set_cause(cause, "usage: /copy [N | code [N]] (N counts from 1)");
	*out = (size_t)v;
	return 0;
}

static void copy_out(struct cmd_ctx *c, char *text, char *what)
{
	free(c->copy_text);
	free(c->copy_what);
	c->copy_text = text;
	c->copy_what = what;
}

static int copy_code(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	size_t n = 1, answers, blocks;
	if (argc > 1 && parse_count(argv[1], &n, cause) == -1)
		return -1;
	const struct msg *m = clip_answer(chat_conv(c->chat), 1, &answers);
	if (m == NULL)
		return set_cause(cause, "no answer to copy from yet");
	char *code = clip_code_block(m->text.data, m->text.len, n, &blocks);
	if (code == NULL && blocks == 0)
		return set_cause(cause, "the last answer has no code block");
	if (code == NULL)
		return set_cause(
		    cause, "the last answer has %zu code block%s; /copy code N takes 1 to %zu",
		    blocks, blocks == 1 ? "" : "s", blocks);
	copy_out(c, code, xasprintf("code block %zu of %zu of the last answer", n, blocks));
	return 0;
}

static int cmd_copy(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc > 0 && strcasecmp(argv[0], "code") == 0)
		return copy_code(c, argc, argv, cause);
	if (argc > 1)
		return set_cause(cause, "usage: /copy [N | code [N]]");
	size_t n = 1, answers;
	if (argc == 1 && parse_count(argv[0], &n, cause) == -1)
		return -1;
	const struct msg *m = clip_answer(chat_conv(c->chat), n, &answers);
	if (m == NULL && answers == 0)
		return set_cause(cause, "no answer to copy yet");
	if (m == NULL)
		return set_cause(cause, "there %s %zu answer%s on screen; /copy N takes 1 to %zu",
		                 answers == 1 ? "is" : "are", answers, answers == 1 ? "" : "s",
		                 answers);
	copy_out(c, xstrndup(m->text.data, m->text.len),
	         n == 1 ? xstrdup("the last answer") : xasprintf("answer %zu back", n));
	return 0;
}

static int cmd_edit(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	size_t n = 1;
	if (argc == 1) {
		char *end;
		long v = strtol(argv[0], &end, 10);
		if (argv[0][0] == '\0' || *end != '\0' || v < 1)
			return set_cause(cause, "usage: /edit [N] (N counts back from the last "
			                        "question, 1 and up)");
		n = (size_t)v;
	}
	char *text = NULL;
	if (chat_edit(c->chat, n, &text, cause) == -1)
		return -1;
	free(c->input_text);
	c->input_text = text;
	return 0;
}

static int cmd_retry(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_retry(c->chat, cause);
}

static int cmd_stop(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_stop(c->chat, cause);
}

static int cmd_system(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 0) {
		const char *s = chat_system(c->chat);
		chat_notice(c->chat, "system prompt: %s", s && s[0] ? s : "(none)");
		return 0;
	}
	if (strcmp(argv[0], "-") == 0) {
		chat_set_system(c->chat, NULL, cause);
		chat_notice(c->chat, "system prompt cleared");
		return 0;
	}
	chat_set_system(c->chat, argv[0], cause);
	chat_notice(c->chat, "system prompt set for this conversation");
	return 0;
}

static int cmd_think(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 1 && chat_set_thinking(c->chat, argv[0], cause) == -1)
		return -1;
	chat_notice(c->chat, "thinking: %s%s", chat_thinking(c->chat),
	            argc == 1 ? " for this conversation" : "");
	return 0;
}

static int cmd_web(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	if (argc == 1 && chat_set_web(c->chat, argv[0], cause) == -1)
		return -1;
	chat_notice(c->chat, "web grounding: %s%s", chat_web(c->chat) ? "on" : "off",
	            chat_web(c->chat) ? " (Google Search; answers cite their sources)" : "");
	return 0;
}

static int cmd_thoughts(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	bool open = chat_toggle_thoughts(c->chat);
	if (open && chat_last_thoughts(c->chat) == NULL)
		chat_notice(c->chat, "thought summaries shown; the last answer came with none "
		                     "(/think off, or the model sent none)");
	else
		chat_notice(c->chat,
		            "thought summaries %s above each answer (/thoughts or Ctrl-T %s "
		            "them)",
		            open ? "shown in full" : "folded", open ? "folds" : "shows");
	return 0;
}

static int cmd_like(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_feedback(c->chat, 1, cause);
}

static int cmd_dislike(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_feedback(c->chat, -1, cause);
}

static int cmd_quota(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	char *line = chat_quota_line(c->chat);
	char *ctx = chat_context_detail(c->chat);
	chat_notice(c->chat, "%s: %s; %s", chat_model(c->chat),
	            line[0] ? line : "no known limits; the API will answer 429 when one is hit",
	            ctx);
	free(ctx);
	free(line);
	return 0;
}

static int cmd_trim(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	return chat_trim(c->chat, argc == 1 ? argv[0] : NULL, cause);
}

static int cmd_quit(struct cmd_ctx *c, int argc, char **argv, char **cause)
{
	chat_quit(c->chat);
	return 0;
}

/* ---- the table ---- */

static const struct cmd_entry table[] = {
    {"help", "h", "[CMD]", "list the commands and keys, or explain one", 0, 1, 0, -1, cmd_help},
    /* The seed's one-line forms end with the password: the rest of the line, spaces and all. */
    {"signup", NULL, "[NAME EMAIL]",
     "create an account and log in (password asked masked); quote a name with spaces", 0, 3,
     CMD_SECRET | CMD_REST, 2, cmd_signup},
    {"login", NULL, "[EMAIL]", "log in; the conversation on screen is kept", 0, 2,
     CMD_SECRET | CMD_REST, 1, cmd_login},
    {"logout", NULL, "", "log out and revoke this session", 0, 0, 0, -1, cmd_logout},
    {"passwd", NULL, "", "change the password (asked masked)", 0, 0, CMD_NEEDS_LOGIN, -1,
     cmd_passwd},
    {"whoami", NULL, "", "who is logged in, and where chats are stored", 0, 0, 0, -1, cmd_whoami},
    {"new", NULL, "[TITLE]", "start a new conversation", 0, 1, CMD_REST, -1, cmd_new},
    {"convs", NULL, "", "list your stored conversations (F3 to browse)", 0, 0, CMD_NEEDS_LOGIN, -1,
     cmd_convs},
    {"select", "open", "ID|N", "open a stored conversation by list number (first) or id", 1, 1,
     CMD_NEEDS_LOGIN, -1, cmd_select},
    {"rename", NULL, "TITLE", "rename this conversation", 1, 1, CMD_REST, -1, cmd_rename},
    {"delete", NULL, "[ID|N]", "delete this (or another) stored conversation", 0, 1,
     CMD_NEEDS_LOGIN, -1, cmd_delete},
    {"model", "m", "[ID]", "switch the model (without ID: the F2 picker)", 0, 1, 0, -1, cmd_model},
    {"attach", "a", "PATH...", "attach images, PDFs, audio or text files to your next message", 1,
     -1, 0, -1, cmd_attach},
    {"detach", NULL, "", "drop the images waiting to be sent", 0, 0, 0, -1, cmd_detach},
    {"retry", "r", "", "ask the last question again", 0, 0, 0, -1, cmd_retry},
    {"edit", NULL, "[N]", "edit question N back (1: the last) and ask it in a fork of this one", 0,
     1, CMD_NEEDS_LOGIN, -1, cmd_edit},
    {"stop", NULL, "", "stop the answer that is streaming (Esc)", 0, 0, 0, -1, cmd_stop},
    {"system", NULL, "[PROMPT|-]", "show, set or (with -) clear the system prompt", 0, 1, CMD_REST,
     -1, cmd_system},
    {"think", NULL, "[LEVEL]", "how hard the model thinks here: auto, off, low, medium, high, N", 0,
     1, 0, -1, cmd_think},
    {"web", NULL, "[on|off]", "ground answers here with Google Search, with sources", 0, 1, 0, -1,
     cmd_web},
    {"thoughts", NULL, "", "show or fold the thought summaries above the answers", 0, 0, 0, -1,
     cmd_thoughts},
    {"like", NULL, "", "mark the last answer as good", 0, 0, 0, -1, cmd_like},
    {"dislike", NULL, "", "mark the last answer as bad", 0, 0, 0, -1, cmd_dislike},
    {"copy", NULL, "[N | code [N]]",
     "copy the last answer (N: N back; code N: its N-th code block) to the clipboard", 0, 2, 0, -1,
     cmd_copy},
    {"export", NULL, "[FILE]", "write this conversation as Markdown", 0, 1, CMD_REST, -1,
     cmd_export},
    {"quota", NULL, "", "requests left for this model this minute and today, and tokens", 0, 0, 0,
     -1, cmd_quota},
    {"trim", NULL, "[N]", "leave the N oldest turns out of what is sent (0: send all again)", 0, 1,
     0, -1, cmd_trim},
    {"clear", NULL, "", "start over: a new conversation, the old one stays", 0, 0, 0, -1,
     cmd_clear},
    {"quit", "q", "", "leave Jarvis (Ctrl-D on an empty line too)", 0, 0, 0, -1, cmd_quit},
};

const struct cmd_entry *cmd_table(size_t *n)
{
	*n = ARRAY_LEN(table);
	return table;
}

const struct cmd_entry *cmd_find(const char *name, char **cause)
{
	/* Any case: a /Login typed by habit is still /login (and still masked). */
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		if (strcasecmp(table[i].name, name) == 0)
			return &table[i];
	for (size_t i = 0; i < ARRAY_LEN(table); i++)
		if (table[i].alias != NULL && strcasecmp(table[i].alias, name) == 0)
			return &table[i];
	const struct cmd_entry *found = NULL;
	size_t n = strlen(name), matches = 0;
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (n > 0 && strncasecmp(table[i].name, name, n) == 0) {
			found = &table[i];
			matches++;
		}
	}
	if (matches == 1)
		return found;
	if (matches > 1) {
		/* Named, so "/e" says at once what to type: /edit or /export. */
		struct buf b;
		buf_init(&b, BUF_LINE_MAX);
		size_t seen = 0;
		for (size_t i = 0; i < ARRAY_LEN(table); i++) {
			if (strncasecmp(table[i].name, name, n) != 0)
				continue;
			const char *sep = seen == 0 ? "" : seen + 1 == matches ? " or " : ", ";
			buf_addf(&b, "%s/%s", sep, table[i].name);
			seen++;
		}
		set_cause(cause, "/%s is ambiguous: it could be %s; type more of it", name, b.data);
		buf_release(&b);
	} else
		set_cause(cause, "unknown command /%s; /help lists them", name);
	return NULL;
}
