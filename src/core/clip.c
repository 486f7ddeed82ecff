/*
 * clip.c: picking what /copy copies and encoding it for OSC 52 (see
 * clip.h).
 */
#include "jarvis/clip.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/base64.h"
#include "jarvis/buf.h"
#include "jarvis/util.h"

const struct msg *clip_answer(const struct conv *c, size_t n, size_t *count)
{
	const struct msg *found = NULL;
	size_t seen = 0;
	for (size_t i = c->n; i-- > 0;) {
		const struct msg *m = c->msgs[i];
		if (m->role != ROLE_MODEL || m->status == MSG_REPLACED || m->text.len == 0)
			continue;
		if (++seen == n)
			found = m;
	}
	*count = seen;
	return found;
}

/* A fence line: its indentation, fence character and length; 0 when the line is none. */
static size_t fence_at(const char *line, size_t n, size_t *indent, char *ch)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	if (i == n || (line[i] != '`' && line[i] != '~'))
		return 0;
	size_t k = i;
	while (k < n && line[k] == line[i])
		k++;
	if (k - i < 3)
		return 0;
	/* A backtick fence's info string holds no backtick. */
	if (line[i] == '`' && memchr(line + k, '`', n - k) != NULL)
		return 0;
	*indent = i;
	*ch = line[i];
	return k - i;
}

static bool closes(const char *line, size_t n, char ch, size_t len)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	size_t k = i;
	while (k < n && line[k] == ch)
		k++;
	if (k - i < len)
		return false;
	while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
		k++;
	return k == n;
}

/* A content line with up to indent leading spaces taken off, as the reader sees it. */
static void add_line(struct buf *out, const char *line, size_t n, size_t indent)
{
	size_t i = 0;
	while (i < n && i < indent && line[i] == ' ')
		i++;
	buf_add(out, line + i, n - i);
	buf_addstr(out, "\n");
}

/*
 * Fenced blocks only (``` or ~~~, as the model writes them), the bytes as
 * they are: a tab stays a tab, so a Makefile copied still works.
 */
char *clip_code_block(const char *md, size_t len, size_t n, size_t *count)
{
	struct buf out;
	buf_init(&out, BUF_TEXT_MAX);
	size_t seen = 0, indent = 0, fence = 0;
	char ch = 0;
	bool want = false;
	for (size_t at = 0; at < len;) {
		const char *line = md + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t ln = nl ? (size_t)(nl - line) : len - at;
		at += ln + (nl != NULL);
		if (fence == 0) {
			fence = fence_at(line, ln, &indent, &ch);
			if (fence > 0)
				want = ++seen == n;
		} else if (closes(line, ln, ch, fence)) {
			fence = 0;
			want = false;
		} else if (want) {
			add_line(&out, line, ln, indent);
		}
	}
	*count = seen;
	if (n == 0 || n > seen) {
		buf_release(&out);
		return NULL;
	}
	return buf_steal(&out);
}

char *clip_osc52(const char *text, size_t len)
{
	char *b64 = base64_encode((const unsigned char *)text, len);
	char *seq = xasprintf("\033]52;c;%s\a", b64);
	free(b64);
	return seq;
}
