/*
 * accountcli.c: the command-line modes that need the store and an account
 * (see accountcli.h): --signup, --login, --logout, --convs and --export.
 *
 * Conventions: what the user asked for (a confirmation such as "logged in
 * as NAME <email>", the conversation list, the export) goes to stdout;
 * diagnostics go to stderr as "jarvis: ...". Exit codes: 2 for input that
 * is wrong (a bad e-mail, a short password, an unknown conversation id, an
 * export file that already exists), 3 when the store (or the export file)
 * cannot be read or written, 4 for authentication: not logged in, a wrong
 * password, too many tries, and an e-mail that already has an account.
 *
 * What it must not do: take a password from argv, echo it, or keep it in
 * memory freed unwiped; overwrite a file or follow a symlink when exporting;
 * show a conversation of another user (the store filters by user id).
 */
#include "jarvis/accountcli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/account.h"
#include "jarvis/cli.h"
#include "jarvis/config.h"
#include "jarvis/conv.h"
#include "jarvis/exit.h"
#include "jarvis/export.h"
#include "jarvis/exporter.h"
#include "jarvis/passprompt.h"
#include "jarvis/password.h"
#include "jarvis/profile.h"
#include "jarvis/session.h"
#include "jarvis/store.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Messages per store read while exporting, and rows per page while listing. */
#define PAGE 500

static int fail(int status, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int fail(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "jarvis: %s\n", msg);
	free(msg);
	return status;
}

/* Prints cause (and frees it), returning status. */
static int fail_cause(int status, char *cause)
{
	int rc = fail(status, "%s", cause != NULL ? cause : "failed");
	free(cause);
	return rc;
}

static long long now_s(void)
{
	return wall_ms() / 1000;
}

/* The exit status a failed account call deserves, by its kind (never by its wording). */
static int account_status(int rc)
{
	switch (rc) {
	case ACCOUNT_OK:
		return EXIT_OK;
	case ACCOUNT_INVALID:
		return EXIT_USAGE;
	case ACCOUNT_EXISTS:
	case ACCOUNT_DENIED:
	case ACCOUNT_THROTTLED:
		return EXIT_AUTH;
	default:
		return EXIT_STORE;
	}
}

/* The logged-in user, or an exit status (4 when nobody is, 3 when the store failed). */
static int need_user(struct profile *p, const struct account_user **u)
{
	char *cause = NULL;
	int rc = profile_user(p, u, &cause);
	if (rc < 0)
		return fail_cause(EXIT_STORE, cause);
	if (rc > 0)
		return fail(EXIT_AUTH, "not logged in; run jarvis --login EMAIL");
	return EXIT_OK;
}

/*
 * What --login and --recover start with: the address checked, the store
 * opened, then the secret asked for ("WHAT for EMAIL: "). EXIT_OK with
 * *email and *secret set (the caller frees both), else the status, said.
 */
static int open_and_ask(const struct cli *cli, struct profile *p, const char *what,
                        const struct account_env **env, char **email, char **secret)
{
	char *cause = NULL;
	*secret = NULL;
	if (email_normalize(cli->login_email, email, &cause) != 0)
		return fail_cause(EXIT_USAGE, cause);
	if ((*env = profile_env(p, &cause)) == NULL)
		return fail_cause(EXIT_STORE, cause);
	char *prompt = xasprintf("%s for %s: ", what, *email);
	*secret = passprompt_read(prompt, cli->password_stdin, &cause);
	free(prompt);
	return *secret != NULL ? EXIT_OK : fail_cause(EXIT_USAGE, cause);
}

/* "DONE as NAME <EMAIL>TAIL", after any warning, and a new recovery code. */
static void say_logged_in(const struct account_user *u, const char *done, const char *tail)
{
	if (u->notice != NULL)
		fprintf(stderr, "jarvis: warning: %s\n", u->notice);
	printf("%s as %s <%s>%s\n", done, u->name, u->email, tail);
	if (u->recovery_code != NULL) {
		printf(ACCOUNT_RECOVERY_NOTE, u->recovery_code);
		putchar('\n');
	}
}

static int signup(const struct cli *cli, struct profile *p)
{
	char *name = NULL, *email = NULL, *cause = NULL, *pw = NULL;
	int status;
	/* Check what was typed before asking for anything. */
	if (name_normalize(cli->signup_name, &name, &cause) != 0 ||
	    email_normalize(cli->signup_email, &email, &cause) != 0) {
		status = fail_cause(EXIT_USAGE, cause);
		goto out;
	}
	const struct account_env *env = profile_env(p, &cause);
	if (env == NULL) {
		status = fail_cause(EXIT_STORE, cause);
		goto out;
	}
	struct store_user *existing = NULL;
	int frc = account_find_email(env, cli->signup_email, &existing, &cause);
	store_user_free(existing);
	if (frc == 0) {
		status = fail(EXIT_AUTH,
		              "an account with that e-mail already exists; run jarvis "
		              "--login %s",
		              email);
		goto out;
	}
	if (frc != STORE_NOTFOUND) {
		status = fail_cause(EXIT_STORE, cause);
		goto out;
	}
	free(cause);
	cause = NULL;

	char *prompt =
	    xasprintf("New password for %s (at least %d characters): ", email, PASSWORD_MIN_CHARS);
	pw = passprompt_read(prompt, cli->password_stdin, &cause);
	free(prompt);
	if (pw == NULL || password_check(pw, &cause) != 0) {
		status = fail_cause(EXIT_USAGE, cause);
		goto out;
	}
	if (!cli->password_stdin) {
		char *again = passprompt_read("Repeat the password: ", false, &cause);
		if (again == NULL) {
			status = fail_cause(EXIT_USAGE, cause);
			goto out;
		}
		int same = strcmp(pw, again) == 0;
		secret_free(again);
		if (!same) {
			status = fail(EXIT_USAGE, "the two passwords do not match; nothing was "
			                          "created, try again");
			goto out;
		}
	}

	struct account_user u;
	/* As typed: an account made before the address was folded is found too. */
	int arc = account_signup(env, name, cli->signup_email, pw, now_s(), &u, &cause);
	if (arc == ACCOUNT_EXISTS) {
		free(cause);
		status = fail(EXIT_AUTH,
		              "an account with that e-mail already exists; run jarvis "
		              "--login %s",
		              email);
		goto out;
	}
	if (arc != ACCOUNT_OK) {
		status = fail_cause(account_status(arc), cause);
		goto out;
	}
	say_logged_in(&u, "signed up and logged in", "");
	account_user_clear(&u);
	status = EXIT_OK;
out:
	secret_free(pw);
	free(name);
	free(email);
	return status;
}

static int login(const struct cli *cli, struct profile *p)
{
	char *email = NULL, *cause = NULL, *pw = NULL;
	const struct account_env *env = NULL;
	int status = open_and_ask(cli, p, "Password", &env, &email, &pw);
	if (status != EXIT_OK)
		goto out;
	struct account_user u;
	int arc = account_login(env, cli->login_email, pw, now_s(), &u, &cause);
	if (arc != ACCOUNT_OK) {
		status = fail_cause(account_status(arc), cause);
		goto out;
	}
	/* The session this one replaces was revoked by account_login; a recovery
	 * code is new when its data was sealed just now (made before 0.2). */
	say_logged_in(&u, "logged in", "");
	account_user_clear(&u);
out:
	secret_free(pw);
	free(email);
	return status;
}

/*
 * A new password, typed twice on a terminal (once from --password-stdin),
 * checked before anything else is done; NULL with the reason said.
 */
static char *new_password(const struct cli *cli, int *status)
{
	char *cause = NULL;
	char *prompt = xasprintf("New password (at least %d characters): ", PASSWORD_MIN_CHARS);
	char *pw = passprompt_read(prompt, cli->password_stdin, &cause);
	free(prompt);
	if (pw == NULL || password_check(pw, &cause) != 0) {
		secret_free(pw);
		*status = fail_cause(EXIT_USAGE, cause);
		return NULL;
	}
	if (cli->password_stdin)
		return pw;
	char *again = passprompt_read("Repeat the new password: ", false, &cause);
	int same = again != NULL && strcmp(pw, again) == 0;
	secret_free(again);
	if (!same) {
		secret_free(pw);
		*status = cause ? fail_cause(EXIT_USAGE, cause)
		                : fail(EXIT_USAGE, "the two passwords do not match; nothing was "
		                                   "changed, try again");
		return NULL;
	}
	return pw;
}

/* --passwd: the current password, then the new one; the data key is only re-wrapped. */
static int passwd(const struct cli *cli, struct profile *p)
{
	char *cause = NULL, *old = NULL, *pw = NULL;
	int status;
	const struct account_env *env = profile_env(p, &cause);
	if (env == NULL) {
		status = fail_cause(EXIT_STORE, cause);
		goto out;
	}
	old = passprompt_read("Current password: ", cli->password_stdin, &cause);
	if (old == NULL) {
		status = fail_cause(EXIT_USAGE, cause);
		goto out;
	}
	if ((pw = new_password(cli, &status)) == NULL)
		goto out;
	int arc = account_passwd(env, old, pw, now_s(), &cause);
	if (arc != ACCOUNT_OK) {
		status = fail_cause(account_status(arc), cause);
		goto out;
	}
	puts("password changed; your conversations stay as they are, under the same key");
	status = EXIT_OK;
out:
	secret_free(old);
	secret_free(pw);
	return status;
}

/* --recover EMAIL: the recovery code shown at signup, then a new password; logs in. */
static int recover(const struct cli *cli, struct profile *p)
{
	char *email = NULL, *cause = NULL, *code = NULL, *pw = NULL;
	const struct account_env *env = NULL;
	int status = open_and_ask(cli, p, "Recovery code", &env, &email, &code);
	if (status != EXIT_OK)
		goto out;
	if ((pw = new_password(cli, &status)) == NULL)
		goto out;
	struct account_user u;
	int arc = account_recover(env, cli->login_email, code, pw, now_s(), &u, &cause);
	if (arc != ACCOUNT_OK) {
		status = fail_cause(account_status(arc), cause);
		goto out;
	}
	say_logged_in(&u, "password set and logged in", "; the recovery code still works");
	account_user_clear(&u);
	status = EXIT_OK;
out:
	secret_free(code);
	secret_free(pw);
	free(email);
	return status;
}

static int logout(const struct config *cfg, struct profile *p)
{
	char *token = NULL, *notice = NULL, *cause = NULL;
	int has = cfg->state_dir != NULL && session_load(cfg->state_dir, &token, &notice) == 0;
	secret_free(token);
	free(notice);
	if (!has) {
		/* A session file that cannot be trusted is still removed. */
		if (cfg->state_dir != NULL && session_clear(cfg->state_dir, &cause) != 0)
			return fail_cause(EXIT_STORE, cause);
		puts("not logged in");
		return EXIT_OK;
	}
	const struct account_env *env = profile_env(p, &cause);
	if (env == NULL)
		return fail_cause(EXIT_STORE, cause);
	const struct account_user *u = NULL;
	char *who = NULL;
	if (profile_user(p, &u, &cause) == 0)
		who = xasprintf(" %s <%s>", u->name, u->email);
	free(cause);
	cause = NULL;
	int arc = account_logout(env, now_s(), &cause);
	if (arc != ACCOUNT_OK) {
		free(who);
		return fail_cause(account_status(arc), cause);
	}
	printf("logged out%s\n", who != NULL ? who : "");
	free(who);
	return EXIT_OK;
}

/* A title on one line, safe for the terminal; the caller frees it. */
static char *title_line(const char *title)
{
	if (title == NULL || *title == '\0')
		return xstrdup("(untitled)");
	char *flat = xstrdup(title);
	for (char *s = flat; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
	char *safe = utf8_sanitize(flat, strlen(flat));
	free(flat);
	return safe;
}

/* A fork's link to its original, titled when that one is listed; NULL for any other. */
static char *fork_line(const struct store_conv_list *all, const struct store_conv_info *ci)
{
	if (ci->forked_from == NULL)
		return NULL;
	for (size_t k = 0; k < all->n; k++)
		if (strcmp(all->items[k].id, ci->forked_from) == 0) {
			char *title = title_line(all->items[k].title);
			char *link = conv_fork_label(title, ci->forked_from, ci->fork_question);
			free(title);
			return link;
		}
	return conv_fork_label(NULL, ci->forked_from, ci->fork_question);
}

static int convs(struct profile *p)
{
	const struct account_user *u = NULL;
	int status = need_user(p, &u);
	if (status != EXIT_OK)
		return status;
	char *cause = NULL;
	struct store *st = profile_store(p, &cause);
	struct store_conv_list all = {0};
	for (size_t off = 0;; off += PAGE) {
		struct store_conv_list page = {0};
		if (store_conv_list(st, u->id, off, PAGE, &page, &cause) < 0) {
			store_conv_list_release(&all);
			return fail_cause(EXIT_STORE, cause);
		}
		all.items = xrealloc(all.items, (all.n + page.n + 1) * sizeof *all.items);
		if (page.n > 0)
			memcpy(all.items + all.n, page.items, page.n * sizeof *page.items);
		all.n += page.n;
		size_t got = page.n;
		free(page.items);
		if (got < PAGE)
			break;
	}
	if (all.n == 0) {
		puts("no conversations yet");
		store_conv_list_release(&all);
		return EXIT_OK;
	}
	int idw = 2, nw = 8;
	for (size_t i = 0; i < all.n; i++) {
		int l = (int)strlen(all.items[i].id);
		if (l > idw)
			idw = l;
		char num[32];
		l = snprintf(num, sizeof num, "%ld", all.items[i].nmessages);
		if (l > nw)
			nw = l;
	}
	printf("%-*s  %-16s  %*s  %s\n", idw, "ID", "UPDATED", nw, "MESSAGES", "TITLE");
	for (size_t i = 0; i < all.n; i++) {
		const struct store_conv_info *ci = &all.items[i];
		char when[32];
		export_local_time(ci->updated_ms, when, sizeof when);
		char *title = title_line(ci->title);
		printf("%-*s  %-16s  %*ld  %s\n", idw, ci->id, when, nw, ci->nmessages, title);
		free(title);
		char *link = fork_line(&all, ci);
		if (link != NULL)
			printf("%*s  %s\n", idw + 16 + nw + 4, "", link);
		free(link);
	}
	store_conv_list_release(&all);
	return EXIT_OK;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes md to a new file (exporter_write: never an existing file or a link). */
static int export_to_file(const char *path, const char *md)
{
	char *cause = NULL;
	int rc = exporter_write(path, md, &cause);
	if (rc == EXPORTER_OK)
		return EXIT_OK;
	return fail_cause(rc == EXPORTER_EXISTS ? EXIT_USAGE : EXIT_STORE, cause);
}

static int export_conv(const struct cli *cli, struct profile *p)
{
	const struct account_user *u = NULL;
	int status = need_user(p, &u);
	if (status != EXIT_OK)
		return status;
	char *cause = NULL;
	struct store *st = profile_store(p, &cause);
	struct conv *c = NULL;
	int rc = conv_id_shaped(cli->export_id)
	             ? exporter_load(st, u->id, cli->export_id, &c, &cause)
	             : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		free(cause);
		char *why = conv_missing_text(cli->export_id, false, "jarvis --convs lists them");
		status = fail(EXIT_USAGE, "%s", why);
		free(why);
		return status;
	}
	if (rc < 0)
		return fail_cause(EXIT_STORE, cause);
	char *md = export_markdown(c, (const struct msg *const *)c->msgs, c->n);
	size_t shown = 0; /* answers /retry replaced are left out */
	for (size_t i = 0; i < c->n; i++)
		shown += c->msgs[i]->status != MSG_REPLACED;
	if (cli->export_file != NULL && strcmp(cli->export_file, "-") != 0) {
		status = export_to_file(cli->export_file, md);
		if (status == EXIT_OK)
			printf("exported %zu message%s to %s\n", shown, shown == 1 ? "" : "s",
			       cli->export_file);
	} else if (isatty(STDOUT_FILENO)) {
		char *safe = utf8_neutralize_for_terminal(md, strlen(md));
		fflush(stdout);
		write_all(STDOUT_FILENO, safe, strlen(safe));
		free(safe);
	} else {
		fflush(stdout);
		if (write_all(STDOUT_FILENO, md, strlen(md)) != 0 && errno != EPIPE)
			status = fail(EXIT_STORE, "cannot write the export: %s", strerror(errno));
	}
	free(md);
	conv_free(c);
	return status;
}

int accountcli_run(const struct cli *cli, const struct config *cfg)
{
	struct profile *p = profile_new(cfg, profile_notice_stderr, NULL);
	int status;
	switch (cli->mode) {
	case CLI_SIGNUP:
		status = signup(cli, p);
		break;
	case CLI_LOGIN:
		status = login(cli, p);
		break;
	case CLI_LOGOUT:
		status = logout(cfg, p);
		break;
	case CLI_PASSWD:
		status = passwd(cli, p);
		break;
	case CLI_RECOVER:
		status = recover(cli, p);
		break;
	case CLI_CONVS:
		status = convs(p);
		break;
	case CLI_EXPORT:
		status = export_conv(cli, p);
		break;
	default:
		status = fail(EXIT_USAGE, "this mode is not an account mode");
		break;
	}
	profile_free(p);
	return status;
}
