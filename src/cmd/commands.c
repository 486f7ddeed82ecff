/*
 * commands.c: what each slash command does (the table is in cmd.c). They
 * only call the chat and set fields of struct cmd_ctx; none draws, none
 * blocks. Passwords never outlive the call that hands them to the chat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis/chat.h"
#include "jarvis/password.h"
#include "jarvis/util.h"

#include "commands.h"

static void ask(struct cmd_ctx *c, const char *label, bool secret,
                int (*then)(struct cmd_ctx *, const char *, char **))
{
	free(c->ask_label);
	c->ask_label = xstrdup(label);
	c->ask_secret = secret;
	c->then = then;
}

static void keep(struct cmd_ctx *c, int slot, const char *value)
{
	free_secret(c->state[slot]);
	c->state[slot] = xstrdup(value);
}

COMMAND(help)
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

static int signup_confirm(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (strcmp(answer, c->state[2]) != 0)
		return set_cause(cause, "the passwords differ; /signup to start again");
	return chat_signup(c->chat, c->state[0], c->state[1], c->state[2], cause);
}

static int signup_password(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (password_check(answer, cause) == -1)
		return -1;
	keep(c, 2, answer);
	ask(c, "repeat the password:", true, signup_confirm);
	return 0;
}

static int signup_email(struct cmd_ctx *c, const char *answer, char **cause)
{
	char *email = NULL;
	if (email_normalize(answer, &email, cause) == -1)
		return -1;
	keep(c, 1, email);
	free(email);
	ask(c, "password (at least 8 characters):", true, signup_password);
	return 0;
}

static int signup_name(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (name_check(answer, cause) == -1)
		return -1;
	keep(c, 0, answer);
	ask(c, "e-mail:", false, signup_email);
	return 0;
}

COMMAND(signup)
{
	if (argc == 0) {
		ask(c, "your name:", false, signup_name);
		return 0;
	}
	if (argc == 1)
		return set_cause(cause, "usage: /signup NAME EMAIL (or /signup alone to be asked)");
	if (name_check(argv[0], cause) == -1)
		return -1;
	keep(c, 0, argv[0]);
	if (signup_email(c, argv[1], cause) == -1)
		return -1;
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
		return -1;
	keep(c, 0, email);
	free(email);
	ask(c, "password:", true, login_password);
	return 0;
}

COMMAND(login)
{
	if (argc == 0) {
		ask(c, "e-mail:", false, login_email);
		return 0;
	}
	if (login_email(c, argv[0], cause) == -1)
		return -1;
	if (argc == 2) {
		int rc = chat_login(c->chat, c->state[0], argv[1], cause);
		cmd_ctx_reset(c);
		return rc;
	}
	return 0;
}

COMMAND(logout)
{
	return chat_logout(c->chat, cause);
}

COMMAND(whoami)
{
	chat_whoami(c->chat);
	return 0;
}

/* ---- conversations ---- */

COMMAND(new)
{
	return chat_new_conv(c->chat, argc > 0 ? argv[0] : NULL, cause);
}

COMMAND(convs)
{
	return chat_list_convs(c->chat, cause);
}

COMMAND(select)
{
	return chat_select(c->chat, argv[0], cause);
}

COMMAND(rename)
{
	return chat_rename(c->chat, argv[0], cause);
}

static int delete_confirm(struct cmd_ctx *c, const char *answer, char **cause)
{
	if (strcmp(answer, "yes") != 0) {
		chat_notice(c->chat, "not deleted");
		return 0;
	}
	return chat_delete(c->chat, c->state[0], cause);
}

COMMAND(delete)
{
	const struct conv *conv = chat_conv(c->chat);
	if (argc == 0 && conv->id == NULL)
		return set_cause(cause,
		                 "this conversation is not stored; /delete ID deletes another");
	free_secret(c->state[0]);
	c->state[0] = argc > 0 ? xstrdup(argv[0]) : NULL;
	ask(c, "delete it for good? type yes:", false, delete_confirm);
	return 0;
}

COMMAND(export)
{
	const struct conv *conv = chat_conv(c->chat);
	if (conv->n == 0)
		return set_cause(cause, "nothing to export yet");
	char *path;
	if (argc > 0) {
		path = xstrdup(argv[0]);
	} else {
		char stamp[32];
		time_t t = time(NULL);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&t));
		path = xasprintf("jarvis-%s.md", stamp);
	}
	int rc = chat_export(c->chat, path, cause);
	free(path);
	return rc;
}

COMMAND(clear)
{
	chat_clear(c->chat);
	return 0;
}

/* ---- the model and the answer ---- */

COMMAND(model)
{
	if (argc == 0) {
		c->show_models = true;
		return 0;
	}
	return chat_set_model(c->chat, argv[0], cause);
}

COMMAND(attach)
{
	for (int i = 0; i < argc; i++) {
		if (chat_attach(c->chat, argv[i], cause) == -1)
			return -1;
		chat_notice(c->chat, "attached %s; it goes with your next message", argv[i]);
	}
	return 0;
}

COMMAND(detach)
{
	size_t n = chat_pending_images(c->chat);
	chat_detach(c->chat);
	chat_notice(c->chat, n ? "attachments dropped" : "nothing was attached");
	return 0;
}

COMMAND(retry)
{
	return chat_retry(c->chat, cause);
}

COMMAND(stop)
{
	return chat_stop(c->chat, cause);
}

COMMAND(system)
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

COMMAND(think)
{
	if (argc == 1 && chat_set_thinking(c->chat, argv[0], cause) == -1)
		return -1;
	chat_notice(c->chat, "thinking: %s%s", chat_thinking(c->chat),
	            argc == 1 ? " for this conversation" : "");
	return 0;
}

COMMAND(thoughts)
{
	const char *t = chat_last_thoughts(c->chat);
	if (t == NULL) {
		chat_notice(c->chat, "the last answer came with no thought summary (/think off, or "
		                     "the model sent none)");
		return 0;
	}
	chat_notice(c->chat, "thoughts of the last answer (not part of it):\n%s", t);
	return 0;
}

COMMAND(like)
{
	return chat_feedback(c->chat, 1, cause);
}

COMMAND(dislike)
{
	return chat_feedback(c->chat, -1, cause);
}

COMMAND(quota)
{
	char *line = chat_quota_line(c->chat);
	chat_notice(c->chat, "%s: %s", chat_model(c->chat),
	            line[0] ? line : "no known limits; the API will answer 429 when one is hit");
	free(line);
	return 0;
}

COMMAND(quit)
{
	chat_quit(c->chat);
	return 0;
}
