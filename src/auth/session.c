/*
 * session.c: the session file holding the login token between runs.
 *
 * It must never write through a symbolic link or leave a half-written
 * file (temporary file, fsync, rename), must keep the file 0600 in a 0700
 * directory, and must never crash or fail hard on a file it finds: any
 * doubt about the file means "logged out" plus a notice. It does not judge
 * the token itself; token.c and the store do.
 */
#include "jarvis/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/fs.h"
#include "jarvis/util.h"

/* A token is base64url text in three parts separated by dots. */
static int token_shape_ok(const char *t, size_t n)
{
	if (n == 0)
		return 0;
	int dots = 0;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (c == '.')
			dots++;
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		           (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return dots == 2;
}

/* A data key as vault_export writes it: base64 text. */
static int key_shape_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 256)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || strchr("+/=-_", k[i]) != NULL))
			return 0;
	return 1;
}

int session_save(const char *state_dir, const char *token, char **cause)
{
	return session_save_key(state_dir, token, NULL, cause);
}

int session_save_key(const char *state_dir, const char *token, const char *key, char **cause)
{
	size_t n = token != NULL ? strlen(token) : 0;
	if (n == 0 || n >= SESSION_MAX_BYTES || !token_shape_ok(token, n))
		return set_cause(cause, "refusing to save a malformed login token");
	if (key != NULL && !key_shape_ok(key))
		return set_cause(cause, "refusing to save a malformed data key");
	if (fs_private_dir(state_dir, cause) != 0)
		return -1;

	char *path = xasprintf("%s/session", state_dir);
	int rc = -1;
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			set_cause(cause, "%s is a symbolic link; remove it and log in again", path);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			set_cause(cause, "%s is not a regular file; remove it and log in again",
			          path);
			goto out;
		}
	}

	char *line = key != NULL ? xasprintf("%s\nkey %s\n", token, key) : xasprintf("%s\n", token);
	rc = fs_write_private(path, line, strlen(line), 0, "the session file", cause);
	secret_free(line);
out:
	free(path);
	return rc;
}

int session_load(const char *state_dir, char **token_out, char **notice)
{
	*token_out = NULL;
	if (notice != NULL)
		*notice = NULL;
	if (state_dir == NULL || *state_dir == '\0')
		return 1;
	char *path = xasprintf("%s/session", state_dir);
	char *why = NULL;
	char *data = NULL;
	size_t len = 0;
	switch (fs_read_private(path, SESSION_MAX_BYTES, false, &data, &len)) {
	case FS_READ_OK:
		break;
	case FS_READ_MISSING:
		goto out;
	case FS_READ_LINK:
		why = xasprintf("%s is a symbolic link, so it was ignored; remove it and "
		                "log in again",
		                path);
		goto out;
	case FS_READ_NOT_FILE:
		why = xasprintf("%s is not a regular file, so it was ignored; remove it and log in "
		                "again",
		                path);
		goto out;
	case FS_READ_NOT_MINE:
		why = xasprintf("%s belongs to another user, so it was ignored; remove it and log "
		                "in again",
		                path);
		goto out;
	case FS_READ_OPEN:
		why = xasprintf("%s could be read by other users, so it was ignored; log in again "
		                "(the new file will be private)",
		                path);
		goto out;
	case FS_READ_TOO_BIG:
		why = xasprintf("%s is too big to be a session file, so it was ignored; log in "
		                "again",
		                path);
		goto out;
	case FS_READ_FAILED:
		why = xasprintf("cannot read %s (%s); log in again", path, strerror(errno));
		goto out;
	}
	const char *nl = memchr(data, '\n', len);
	size_t got = nl != NULL ? (size_t)(nl - data) : len;
	while (got > 0 && (data[got - 1] == '\n' || data[got - 1] == '\r' || data[got - 1] == ' ' ||
	                   data[got - 1] == '\t'))
		got--;
	data[got] = '\0';
	if (!token_shape_ok(data, got)) {
		why = xasprintf("%s is damaged, so it was ignored; log in again", path);
		goto out;
	}
	*token_out = xstrndup(data, got);
out:
	secret_free_len(data, len);
	free(path);
	if (notice != NULL)
		*notice = why;
	else
		free(why);
	return *token_out != NULL ? 0 : 1;
}

char *session_load_key(const char *state_dir)
{
	if (state_dir == NULL || *state_dir == '\0')
		return NULL;
	char *path = xasprintf("%s/session", state_dir);
	char *data = NULL, *key = NULL;
	size_t len = 0;
	if (fs_read_private(path, SESSION_MAX_BYTES, false, &data, &len) == FS_READ_OK) {
		const char *p = memchr(data, '\n', len);
		const char *end = data + len;
		if (p != NULL && (size_t)(end - p) > 5 && memcmp(p + 1, "key ", 4) == 0) {
			const char *k = p + 5;
			const char *e = memchr(k, '\n', (size_t)(end - k));
			key = xstrndup(k, (size_t)((e ? e : end) - k));
			if (!key_shape_ok(key)) {
				secret_free(key);
				key = NULL;
			}
		}
	}
	secret_free_len(data, len);
	free(path);
	return key;
}

int session_clear(const char *state_dir, char **cause)
{
	if (state_dir == NULL || *state_dir == '\0')
		return 0;
	char *path = xasprintf("%s/session", state_dir);
	int rc = 0;
	if (unlink(path) != 0 && errno != ENOENT)
		rc = set_cause(cause, "cannot remove %s: %s; delete it by hand", path,
		               strerror(errno));
	free(path);
	return rc;
}
