/*
 * fs.c: directories, atomic writes, careful reads and random bytes for
 * private files (see fs.h). A failure to make or write is worded here,
 * with the path; what a refused read means is the caller's to say.
 */
#include "jarvis/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/util.h"

int fs_mkdir_p(const char *dir, char **cause)
{
	if (dir == NULL || *dir == '\0')
		return set_cause(cause, "no directory given");
	char *p = xstrdup(dir);
	int rc = 0;
	/* Each prefix ending before a '/', then the whole path. */
	for (char *s = p + 1;; s++) {
		int last = *s == '\0';
		if (*s != '/' && !last)
			continue;
		char saved = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			rc = set_cause(cause, "cannot create the directory %s: %s", p,
			               strerror(errno));
			break;
		}
		*s = saved;
		if (last)
			break;
	}
	free(p);
	return rc;
}

int fs_private_dir(const char *dir, char **cause)
{
	if (fs_mkdir_p(dir, cause) != 0)
		return -1;
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return set_cause(
		    cause, "%s is not a directory; move it away so Jarvis can create it", dir);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return set_cause(cause,
		                 "the directory %s can be written by others (mode %03o); "
		                 "run: chmod 700 %s",
		                 dir, (unsigned)(st.st_mode & 0777), dir);
	if (st.st_uid != geteuid())
		return set_cause(cause, "the directory %s belongs to another user; move it away",
		                 dir);
	return 0;
}

int fs_mkdir_parent(const char *path, char **cause)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL || slash == path)
		return 0;
	char *dir = xstrndup(path, (size_t)(slash - path));
	int rc = fs_mkdir_p(dir, cause);
	free(dir);
	return rc;
}

/* The directory that holds path: "." for a bare name. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* 0, or the errno of the write that failed. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A rename or link is only durable once the directory that holds it is. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int fs_write_private(const char *path, const void *data, size_t len, int flags, const char *what,
                     char **cause)
{
	unsigned char tag[8];
	if (random_bytes(tag, sizeof tag, cause) != 0)
		return -1;
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	/* Hidden, beside the file (rename stays on one file system), unguessable. */
	char *tmp = xasprintf("%s/.%s.%02x%02x%02x%02x%02x%02x%02x%02x", dir, base, tag[0], tag[1],
	                      tag[2], tag[3], tag[4], tag[5], tag[6], tag[7]);
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_cause(cause, "cannot create %s in %s: %s", what, dir, strerror(errno));
		goto out;
	}
	/* The umask may only remove bits; make sure nothing else was left on. */
	(void)fchmod(fd, 0600);
	int err = write_all(fd, data, len);
	if (err == 0 && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err != 0) {
		set_cause(cause, "cannot write %s %s: %s", what, path, strerror(err));
		unlink(tmp);
		goto out;
	}
	if ((flags & FS_KEEP) != 0) {
		/* link() fails with EEXIST where another file won, exactly like O_EXCL. */
		int linked = link(tmp, path), e = errno;
		unlink(tmp);
		if (linked != 0 && e == EEXIST) {
			rc = 1;
			goto out;
		}
		if (linked != 0) {
			set_cause(cause, "cannot put %s in place at %s: %s", what, path,
			          strerror(e));
			goto out;
		}
	} else if (rename(tmp, path) != 0) {
		/* rename() replaces a link placed at path; it never writes through one. */
		set_cause(cause, "cannot put %s in place at %s: %s", what, path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	sync_dir(dir);
	rc = 0;
out:
	free(tmp);
	free(dir);
	return rc;
}

/* One read, again after a signal. */
static ssize_t read_some(int fd, char *p, size_t n)
{
	ssize_t r;
	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Reads all of fd, at most max bytes: FS_READ_OK, FS_READ_TOO_BIG or FS_READ_FAILED. */
static enum fs_read read_whole(int fd, size_t size, size_t max, char **data, size_t *len)
{
	size_t cap = (size < max ? size : max) + 1, got = 0;
	char *p = xmalloc(cap);
	enum fs_read rc = FS_READ_OK;
	for (;;) {
		if (got == cap - 1) {
			if (got >= max) {
				/* Full: one byte more means too big. */
				char probe;
				ssize_t r = read_some(fd, &probe, 1);
				rc = r < 0 ? FS_READ_FAILED : r > 0 ? FS_READ_TOO_BIG : FS_READ_OK;
				break;
			}
			/* The file grew since fstat(); grow with it, up to one past max. */
			size_t more = cap * 2 < max + 1 ? cap * 2 : max + 1;
			char *q = xmalloc(more);
			memcpy(q, p, got);
			secret_free_len(p, cap);
			p = q;
			cap = more;
		}
		ssize_t r = read_some(fd, p + got, cap - 1 - got);
		if (r <= 0) {
			rc = r < 0 ? FS_READ_FAILED : FS_READ_OK;
			break;
		}
		got += (size_t)r;
	}
	if (rc != FS_READ_OK) {
		int e = errno;
		secret_free_len(p, cap);
		*len = rc == FS_READ_TOO_BIG ? got + 1 : 0; /* at least this much */
		errno = e;
		return rc;
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	return FS_READ_OK;
}

enum fs_read fs_read_private(const char *path, size_t max, bool allow_open, char **data,
                             size_t *len)
{
	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO planted here must not hang the start. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT  ? FS_READ_MISSING
		       : errno == ELOOP ? FS_READ_LINK
		                        : FS_READ_FAILED;
	struct stat st;
	enum fs_read r;
	if (fstat(fd, &st) != 0)
		r = FS_READ_FAILED;
	else if (!S_ISREG(st.st_mode))
		r = FS_READ_NOT_FILE;
	else if (st.st_uid != geteuid())
		r = FS_READ_NOT_MINE;
	else if (!allow_open && (st.st_mode & 077) != 0)
		r = FS_READ_OPEN;
	else if ((unsigned long long)st.st_size > max) {
		*len = (size_t)st.st_size;
		r = FS_READ_TOO_BIG;
	} else
		r = read_whole(fd, (size_t)st.st_size, max, data, len);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

int random_bytes(void *buf, size_t n, char **cause)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return set_cause(cause, "cannot read random bytes from the kernel: %s",
			                 strerror(errno));
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}
