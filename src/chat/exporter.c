/*
 * exporter.c: reading a whole conversation and writing an export (see
 * exporter.h). The Markdown itself is export_markdown's (core/export.c).
 */
#include "jarvis/exporter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/store.h"
#include "jarvis/util.h"

/* Messages per store read. */
#define PAGE 500

int exporter_load(struct store *st, const char *user_id, const char *conv_id, struct conv **out,
                  char **cause)
{
	struct conv *c = NULL;
	int rc = store_conv_get(st, user_id, conv_id, &c, cause);
	if (rc < 0)
		return rc;
	struct store_msgs v = {0};
	rc = store_msg_last(st, user_id, c->id, PAGE, &v, cause);
	size_t got = v.n;
	while (rc == 0 && got == PAGE) {
		struct store_msgs older = {0};
		rc = store_msg_before(st, user_id, c->id, v.items[0]->seq, PAGE, &older, cause);
		got = older.n;
		struct msg **all = xmalloc((older.n + v.n + 1) * sizeof *all);
		if (older.n > 0)
			memcpy(all, older.items, older.n * sizeof *all);
		memcpy(all + older.n, v.items, v.n * sizeof *all);
		free(older.items);
		free(v.items);
		v.items = all;
		v.n += older.n;
	}
	if (rc < 0) {
		store_msgs_release(&v);
		conv_free(c);
		return rc;
	}
	for (size_t i = 0; i < v.n; i++)
		conv_push(c, v.items[i]);
	free(v.items);
	*out = c;
	return 0;
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

/*
 * An existing file (or a symlink, even a dangling one) is never replaced,
 * so an export cannot clobber a document or be redirected through a link.
 */
int exporter_write(const char *path, const char *md, char **cause)
{
	/* 0600: a conversation is as private as the store it came from (under any umask). */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EEXIST || errno == ELOOP)) {
		set_cause(cause, "%s already exists; choose another file name or remove it first",
		          path);
		return EXPORTER_EXISTS;
	}
	if (fd < 0) {
		set_cause(cause, "cannot create %s: %s", path, strerror(errno));
		return EXPORTER_FAILED;
	}
	int err = write_all(fd, md, strlen(md)) != 0 ? errno : 0;
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err != 0) {
		unlink(path);
		set_cause(cause, "cannot write %s: %s; nothing was exported", path, strerror(err));
		return EXPORTER_FAILED;
	}
	return EXPORTER_OK;
}
