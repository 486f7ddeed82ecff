/*
 * conv.c: the in-memory conversation (see conv.h).
 */
#include "jarvis/conv.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/utf8.h"
#include "jarvis/util.h"

/* Messages can be long (a pasted file, an image caption), but never unbounded. */
#define MSG_TEXT_MAX (64u * 1024 * 1024)

struct conv *conv_new(void)
{
	return xcalloc(1, sizeof(struct conv));
}

void conv_clear(struct conv *c)
{
	for (size_t i = 0; i < c->n; i++)
		msg_free(c->msgs[i]);
	c->n = 0;
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
	free(c);
}

struct msg *msg_new(enum msg_role role, const char *text)
{
	struct msg *m = xcalloc(1, sizeof(*m));
	m->role = role;
	buf_init(&m->text, MSG_TEXT_MAX);
	buf_init(&m->thoughts, MSG_TEXT_MAX);
	if (text != NULL)
		buf_puts(&m->text, text);
	m->status = MSG_COMPLETE;
	m->created_ms = wall_ms();
	return m;
}

void msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	buf_free(&m->text);
	buf_free(&m->thoughts);
	for (size_t i = 0; i < m->nimages; i++) {
		free(m->images[i].name);
		free(m->images[i].mime);
		free(m->images[i].data_uri);
	}
	free(m->images);
	free(m->id);
	free(m->model);
	free(m->finish_reason);
	free(m);
}

struct msg *msg_clone(const struct msg *m)
{
	struct msg *c = msg_new(m->role, NULL);
	buf_append(&c->text, m->text.data ? m->text.data : "", m->text.len);
	buf_append(&c->thoughts, m->thoughts.data ? m->thoughts.data : "", m->thoughts.len);
	for (size_t i = 0; i < m->nimages; i++)
		msg_add_image(c, &m->images[i]);
	c->id = m->id ? xstrdup(m->id) : NULL;
	c->seq = m->seq;
	c->model = m->model ? xstrdup(m->model) : NULL;
	c->status = m->status;
	c->finish_reason = m->finish_reason ? xstrdup(m->finish_reason) : NULL;
	c->usage = m->usage;
	c->feedback = m->feedback;
	c->created_ms = m->created_ms;
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
    [MSG_ERROR] = "error",       [MSG_BLOCKED] = "blocked",
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
	const char *p = m->text.data != NULL ? m->text.data : "";
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
