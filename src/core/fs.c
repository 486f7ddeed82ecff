/*
 * fs.c: directories and random bytes for private files (see fs.h). Every
 * failure is worded here, with the path, so callers only pass it on.
 */
#include "jarvis/fs.h"

#include <errno.h>
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
