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
#include <fcntl.h>
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

static void dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int session_save(const char *state_dir, const char *token, char **cause)
{
	size_t n = token != NULL ? strlen(token) : 0;
	if (n == 0 || n >= SESSION_MAX_BYTES || !token_shape_ok(token, n))
		return set_cause(cause, "refusing to save a malformed login token");
	if (fs_private_dir(state_dir, cause) != 0)
		return -1;

	char *path = xasprintf("%s/session", state_dir);
	char *tmp = NULL;
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

	unsigned char tag[8];
	if (random_bytes(tag, sizeof tag, cause) != 0)
		goto out;
	tmp = xasprintf("%s/.session.%02x%02x%02x%02x%02x%02x%02x%02x", state_dir, tag[0], tag[1],
	                tag[2], tag[3], tag[4], tag[5], tag[6], tag[7]);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_cause(cause, "cannot create a file in %s: %s", state_dir, strerror(errno));
		goto out;
	}
	/* The umask may only remove bits; make sure nothing else was left on. */
	(void)fchmod(fd, 0600);
	char *line = xasprintf("%s\n", token);
	size_t len = n + 1, done = 0;
	int err = 0;
	while (done < len) {
		ssize_t w = write(fd, line + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			break;
		}
		done += (size_t)w;
	}
	if (err == 0 && fsync(fd) != 0)
		err = errno;
	free_secret(line);
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err != 0) {
		set_cause(cause, "cannot write the session file in %s: %s", state_dir,
		          strerror(err));
		unlink(tmp);
		goto out;
	}
	/* rename() replaces a link placed here meanwhile; it never writes through one. */
	if (rename(tmp, path) != 0) {
		set_cause(cause, "cannot put the session file in place at %s: %s", path,
		          strerror(errno));
		unlink(tmp);
		goto out;
	}
	dir_sync(state_dir);
	rc = 0;
out:
	free(tmp);
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
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			why = xasprintf("%s is a symbolic link, so it was ignored; remove it and "
			                "log in again",
			                path);
		else if (errno != ENOENT)
			why = xasprintf("cannot read %s (%s); log in again", path, strerror(errno));
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		why = xasprintf("%s is not a regular file, so it was ignored; remove it and log in "
		                "again",
		                path);
		goto out;
	}
	if (st.st_uid != geteuid()) {
		why = xasprintf("%s belongs to another user, so it was ignored; remove it and log "
		                "in again",
		                path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		why = xasprintf("%s could be read by other users, so it was ignored; log in again "
		                "(the new file will be private)",
		                path);
		goto out;
	}
	if (st.st_size > SESSION_MAX_BYTES) {
		why = xasprintf("%s is too big to be a session file, so it was ignored; log in "
		                "again",
		                path);
		goto out;
	}
	data = xmalloc(SESSION_MAX_BYTES + 1);
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, data + got, SESSION_MAX_BYTES + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			why = xasprintf("cannot read %s (%s); log in again", path, strerror(errno));
			goto out;
		}
		if (r == 0 || (got += (size_t)r) > SESSION_MAX_BYTES)
			break;
	}
	if (got > SESSION_MAX_BYTES) {
		why = xasprintf("%s is too big to be a session file, so it was ignored; log in "
		                "again",
		                path);
		goto out;
	}
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
	if (fd >= 0)
		close(fd);
	if (data != NULL) {
		explicit_bzero(data, SESSION_MAX_BYTES + 1);
		free(data);
	}
	free(path);
	if (notice != NULL)
		*notice = why;
	else
		free(why);
	return *token_out != NULL ? 0 : 1;
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
