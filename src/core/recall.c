/*
 * recall.c: the input history that Up and Down recall (see editor.h), kept
 * in a file between runs. The history pane, which shows the conversation,
 * is tui/history.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/editor.h"
#include "jarvis/fs.h"
#include "jarvis/util.h"

struct recall {
	char **items;
	size_t n, max;
	size_t pos;  /* the entry shown while recalling; n when not recalling */
	char *draft; /* what the editor held before the first Up */
};

struct recall *recall_new(size_t max)
{
	struct recall *h = xcalloc(1, sizeof(*h));
	h->max = max ? max : 1000;
	h->items = xcalloc(h->max, sizeof(*h->items));
	return h;
}

void recall_free(struct recall *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->items[i]);
	free(h->items);
	free(h->draft);
	free(h);
}

void recall_reset(struct recall *h)
{
	h->pos = h->n;
	free(h->draft);
	h->draft = NULL;
}

void recall_add(struct recall *h, const char *line)
{
	recall_reset(h);
	if (line[strspn(line, " \t\r\n")] == '\0')
		return;
	if (h->n > 0 && strcmp(h->items[h->n - 1], line) == 0)
		return;
	if (h->n == h->max) {
		free(h->items[0]);
		memmove(h->items, h->items + 1, (h->n - 1) * sizeof(*h->items));
		h->n--;
	}
	h->items[h->n++] = xstrdup(line);
	h->pos = h->n;
}

size_t recall_count(const struct recall *h)
{
	return h->n;
}

const char *recall_get(const struct recall *h, size_t i)
{
	return i < h->n ? h->items[i] : NULL;
}

const char *recall_up(struct recall *h, const char *current)
{
	if (h->pos == 0 || h->n == 0)
		return NULL;
	if (h->pos >= h->n) {
		free(h->draft);
		h->draft = xstrdup(current ? current : "");
		h->pos = h->n;
	}
	return h->items[--h->pos];
}

const char *recall_down(struct recall *h, const char *current)
{
	if (h->pos >= h->n)
		return NULL;
	h->pos++;
	if (h->pos < h->n)
		return h->items[h->pos];
	return h->draft ? h->draft : "";
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Where needle is in hay, ASCII letters in either case; NULL when it is not. */
static const char *find_folded(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p != '\0'; p++) {
		size_t k = 0;
		while (k < n && p[k] != '\0' && ascii_lower(p[k]) == ascii_lower(needle[k]))
			k++;
		if (k == n)
			return p;
	}
	return NULL;
}

bool recall_search(const struct recall *h, const char *query, size_t before, size_t *index,
                   size_t *at)
{
	if (query[0] == '\0')
		return false;
	for (size_t i = before < h->n ? before : h->n; i-- > 0;) {
		const char *m = find_folded(h->items[i], query);
		if (m != NULL) {
			*index = i;
			*at = (size_t)(m - h->items[i]);
			return true;
		}
	}
	return false;
}

int recall_load(struct recall *h, const char *path, char **cause)
{
	char *data = NULL;
	size_t len = 0;
	/* Its mode is set again at the next save; what it holds is no credential. */
	switch (fs_read_private(path, RECALL_MAX_BYTES, true, &data, &len)) {
	case FS_READ_OK:
		break;
	case FS_READ_MISSING:
		return 0;
	case FS_READ_LINK:
		return set_cause(cause, "input history %s is a symbolic link, so it was not read",
		                 path);
	case FS_READ_NOT_FILE:
		return set_cause(cause, "input history %s is not a regular file", path);
	case FS_READ_NOT_MINE:
		return set_cause(
		    cause, "input history %s belongs to another user, so it was not read", path);
	case FS_READ_OPEN: /* not asked for */
	case FS_READ_TOO_BIG:
		return set_cause(cause, "input history %s is too big, so it was not read", path);
	case FS_READ_FAILED:
		return set_cause(cause, "cannot read input history %s: %s", path, strerror(errno));
	}
	for (char *line = data; line < data + len;) {
		char *nl = memchr(line, '\n', (size_t)(data + len - line));
		size_t n = nl != NULL ? (size_t)(nl - line) : (size_t)(data + len - line);
		/* Undo the escapes in place: the result is never longer. */
		size_t o = 0;
		for (size_t i = 0; i < n; i++) {
			if (line[i] == '\\' && i + 1 < n) {
				i++;
				line[o++] = line[i] == 'n' ? '\n' : line[i] == 'r' ? '\r' : line[i];
			} else {
				line[o++] = line[i];
			}
		}
		line[o] = '\0';
		recall_add(h, line);
		line += n + 1;
	}
	free(data);
	return 0;
}

int recall_save(const struct recall *h, const char *path, char **cause)
{
	if (fs_mkdir_parent(path, cause) == -1)
		return -1;
	struct buf b;
	buf_init(&b, RECALL_MAX_BYTES);
	for (size_t i = 0; i < h->n; i++) {
		for (const char *p = h->items[i]; *p; p++) {
			if (*p == '\n')
				buf_add(&b, "\\n", 2);
			else if (*p == '\r')
				buf_add(&b, "\\r", 2);
			else if (*p == '\\')
				buf_add(&b, "\\\\", 2);
			else
				buf_add(&b, p, 1);
		}
		buf_add(&b, "\n", 1);
	}
	int rc =
	    b.truncated
	        ? set_cause(cause, "the input history passed %zu bytes, so %s was not rewritten",
	                    b.max, path)
	        : fs_write_private(path, b.data, b.len, 0, "the input history", cause);
	buf_release(&b);
	return rc;
}
