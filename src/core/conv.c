/*
 * conv.c: the in-memory conversation (see conv.h).
 */
#include "jarvis/conv.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Messages can be long (a pasted file, an image caption), but never unbounded. */

struct conv *conv_new(void)
{
	return xcalloc(1, sizeof(struct conv));
}

void conv_clear(struct conv *c)
{
	conv_truncate(c, 0);
}

void conv_truncate(struct conv *c, size_t n)
{
	if (n >= c->n)
		return;
	for (size_t i = n; i < c->n; i++)
		msg_free(c->msgs[i]);
	c->n = n;
	if (c->trim > n)
		c->trim = n;
	c->epoch++;
}

size_t conv_index(const struct conv *c, const struct msg *m)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->msgs[i] == m)
			return i;
	return c->n;
}

bool conv_take(struct conv *c, struct msg *m)
{
	size_t i = conv_index(c, m);
	if (i == c->n)
		return false;
	memmove(c->msgs + i, c->msgs + i + 1, (c->n - i - 1) * sizeof(*c->msgs));
	c->n--;
	if (i < c->trim)
		c->trim--;
	c->epoch++;
	return true;
}

bool conv_remove(struct conv *c, struct msg *m)
{
	if (!conv_take(c, m))
		return false;
	msg_free(m);
	return true;
}

void conv_prepend(struct conv *c, struct msg **msgs, size_t n)
{
	if (n == 0)
		return;
	if (c->n + n > c->cap) {
		c->cap = c->n + n + 16;
		c->msgs = xrealloc(c->msgs, c->cap * sizeof(*c->msgs));
	}
	memmove(c->msgs + n, c->msgs, c->n * sizeof(*c->msgs));
	memcpy(c->msgs, msgs, n * sizeof(*c->msgs));
	c->n += n;
	/* Older messages paged in are older than any turn /trim left out. */
	if (c->trim > 0)
		c->trim += n;
}

static bool msg_has_content(const struct msg *m)
{
	if (m->role == ROLE_NOTICE || m->status == MSG_REPLACED || m->status == MSG_TAMPERED)
		return false;
	/* An answer that failed before any text (or raw part, a function call) has nothing to
	 * replay. */
	if (m->role == ROLE_MODEL && m->text.len == 0 && m->parts.len == 0)
		return false;
	if (m->role == ROLE_USER && m->text.len == 0 && m->nimages == 0)
		return false;
	return true;
}

bool conv_in_context(const struct conv *c, size_t i)
{
	const struct msg *m = c->msgs[i];
	if (i < c->trim || !msg_has_content(m))
		return false;
	/*
	 * The next message with content decides: the same role means this one
	 * was passed over (a question whose answer failed, an answer /retry
	 * replaced), so it is not what the model is told was said.
	 */
	for (size_t k = i + 1; k < c->n; k++)
		if (msg_has_content(c->msgs[k]))
			return c->msgs[k]->role != m->role;
	return true;
}

/* A question that starts a turn: one with content (notices and empty lines are not). */
static bool starts_turn(const struct msg *m)
{
	return m->role == ROLE_USER && msg_has_content(m);
}

size_t conv_turns(const struct conv *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += starts_turn(c->msgs[i]);
	return n;
}

size_t conv_trim(struct conv *c, size_t turns)
{
	size_t seen = 0, i = 0;
	for (; i < c->n; i++) {
		if (starts_turn(c->msgs[i]) && seen++ == turns)
			break;
	}
	c->trim = turns == 0 ? 0 : i;
	return c->trim;
}

size_t conv_trimmed_turns(const struct conv *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->trim && i < c->n; i++)
		n += starts_turn(c->msgs[i]);
	return n;
}

void conv_free(struct conv *c)
{
	if (c == NULL)
		return;
	conv_clear(c);
	free(c->msgs);
	free(c->id);
	free(c->title);
	free(c->model);
	free(c->system_prompt);
	free(c->forked_from);
	free(c);
}

struct msg *msg_new(enum msg_role role, const char *text)
{
	struct msg *m = xcalloc(1, sizeof(*m));
	m->role = role;
	buf_init(&m->text, MSG_TEXT_MAX);
	buf_init(&m->thoughts, MSG_TEXT_MAX);
	buf_init(&m->parts, MSG_TEXT_MAX);
	if (text != NULL)
		buf_addstr(&m->text, text);
	m->status = MSG_COMPLETE;
	m->created_ms = wall_ms();
	return m;
}

void msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	buf_release(&m->text);
	buf_release(&m->thoughts);
	buf_release(&m->parts);
	for (size_t i = 0; i < m->nimages; i++) {
		free(m->images[i].name);
		free(m->images[i].mime);
		free(m->images[i].data_uri);
		free(m->images[i].file_uri);
	}
	free(m->images);
	free(m->id);
	free(m->model);
	free(m->finish_reason);
	free(m->thinking);
	free(m->web);
	free(m->grounding);
	free(m);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * Every plain field (numbers, enums, usage) is copied by the struct copy, so
 * a new one needs no line here; what a msg owns is copied one by one.
 */
struct msg *msg_clone(const struct msg *m)
{
	struct msg *c = xmalloc(sizeof(*c));
	*c = *m;
	buf_init(&c->text, m->text.max);
	buf_init(&c->thoughts, m->thoughts.max);
	buf_init(&c->parts, m->parts.max);
	buf_add(&c->text, m->text.data, m->text.len);
	buf_add(&c->thoughts, m->thoughts.data, m->thoughts.len);
	buf_add(&c->parts, m->parts.data, m->parts.len);
	c->images = NULL;
	c->nimages = 0;
	for (size_t i = 0; i < m->nimages; i++)
		msg_add_image(c, &m->images[i]);
	c->id = dup_or_null(m->id);
	c->model = dup_or_null(m->model);
	c->finish_reason = dup_or_null(m->finish_reason);
	c->thinking = dup_or_null(m->thinking);
	c->web = dup_or_null(m->web);
	c->grounding = dup_or_null(m->grounding);
	c->generation = m->generation;
	return c;
}

void msg_add_image(struct msg *m, const struct image *img)
{
	m->images = xrealloc(m->images, (m->nimages + 1) * sizeof(*m->images));
	struct image *dst = &m->images[m->nimages++];
	dst->name = xstrdup(img->name ? img->name : "");
	dst->mime = xstrdup(img->mime ? img->mime : "");
	dst->size = img->size;
	dst->data_uri = xstrdup(img->data_uri ? img->data_uri : "");
	dst->file_uri = img->file_uri ? xstrdup(img->file_uri) : NULL;
	dst->file_expires_ms = img->file_expires_ms;
	m->generation++;
}

void msg_append(struct msg *m, const char *text, size_t text_len, const char *thought,
                size_t thought_len)
{
	if (text_len > 0)
		buf_add(&m->text, text, text_len);
	if (thought_len > 0)
		buf_add(&m->thoughts, thought, thought_len);
	m->generation++;
}

bool msg_cut(const struct msg *m)
{
	return m->text.truncated || m->thoughts.truncated || m->parts.truncated;
}

void msg_changed(struct msg *m)
{
	m->generation++;
}

struct msg *conv_add(struct conv *c, enum msg_role role, const char *text)
{
	struct msg *m = msg_new(role, text);
	conv_push(c, m);
	return m;
}

void conv_push(struct conv *c, struct msg *m)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->msgs = xrealloc(c->msgs, c->cap * sizeof(*c->msgs));
	}
	c->msgs[c->n++] = m;
}

struct msg *conv_last(const struct conv *c)
{
	return c->n ? c->msgs[c->n - 1] : NULL;
}

const char *msg_role_name(enum msg_role r)
{
	switch (r) {
	case ROLE_USER:
		return "user";
	case ROLE_MODEL:
		return "model";
	case ROLE_NOTICE:
		return "notice";
	}
	return "notice";
}

static const char *const status_names[] = {
    [MSG_COMPLETE] = "complete", [MSG_STREAMING] = "streaming", [MSG_INTERRUPTED] = "interrupted",
    [MSG_ERROR] = "error",       [MSG_BLOCKED] = "blocked",     [MSG_REPLACED] = "replaced",
    [MSG_TAMPERED] = "tampered",
};

const char *msg_status_name(enum msg_status s)
{
	if ((size_t)s < ARRAY_LEN(status_names))
		return status_names[s];
	return "error";
}

int msg_status_parse(const char *name, enum msg_status *out)
{
	for (size_t i = 0; i < ARRAY_LEN(status_names); i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum msg_status)i;
			return 0;
		}
	}
	return -1;
}

char *msg_title(const struct msg *m)
{
	const char *p = m->text.data;
	p += strspn(p, " \t\r\n");
	size_t len = strcspn(p, "\r\n");
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0)
		return m->nimages > 0 ? xasprintf("image: %s", m->images[0].name)
		                      : xstrdup("untitled");
	char *safe = utf8_sanitize(p, len);
	size_t n = strlen(safe), off = 0;
	for (int chars = 0; off < n && chars < CONV_TITLE_CHARS; chars++)
		off = utf8_cluster_next(safe, n, off);
	if (off < n) {
		while (off > 0 && safe[off - 1] == ' ')
			off--;
		safe[off] = '\0';
		char *t = xasprintf("%s…", safe);
		free(safe);
		return t;
	}
	return safe;
}

const char *conv_thinking(const struct conv *c)
{
	for (size_t i = c->n; i-- > 0;) {
		const struct msg *m = c->msgs[i];
		if (m->role == ROLE_USER && m->thinking != NULL)
			return m->thinking;
	}
	return NULL;
}

const char *conv_web(const struct conv *c)
{
	for (size_t i = c->n; i-- > 0;) {
		const struct msg *m = c->msgs[i];
		if (m->role == ROLE_USER && m->web != NULL)
			return m->web;
	}
	return NULL;
}

char *conv_fork_label(const char *title, const char *id, long question)
{
	if (title != NULL)
		return xasprintf("↳ fork of «%s» at question %ld", title[0] ? title : "untitled",
		                 question);
	return xasprintf("↳ fork of conversation %s at question %ld", id ? id : "?", question);
}

bool conv_id_shaped(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return false;
	if (strspn(s, "0123456789") == n)
		return true;
	return n == 24 && strspn(s, "0123456789abcdefABCDEF") == n;
}

char *conv_missing_text(const char *what, bool listed, const char *where)
{
	/* Cut, so that a pasted paragraph does not become the error line. */
	int keep = (int)(strlen(what) > 40 ? 40 : strlen(what));
	const char *more = strlen(what) > 40 ? "…" : "";
	if (!conv_id_shaped(what))
		return xasprintf("\"%.*s%s\" is not a conversation %s; %s", keep, what, more,
		                 listed ? "number or id" : "id", where);
	bool number = strspn(what, "0123456789") == strlen(what);
	if (listed && number)
		return xasprintf("there is no conversation %.*s%s (neither a list number nor an id "
		                 "of yours); %s",
		                 keep, what, more, where);
	return xasprintf("there is no conversation %.*s%s among yours; %s", keep, what, more,
	                 where);
}
