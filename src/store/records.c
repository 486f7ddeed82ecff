/*
 * records.c: the plain records of store.h (freeing, growing) and the one
 * table of a stored message's fields (record.h). Shared by the
 * dispatcher, the outbox and the engines, including the plugins, which
 * link their own copy; nothing here touches an engine.
 */
#include "record.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "jarvis/store.h"
#include "jarvis/util.h"

#define MSG(member) offsetof(struct msg, member)

/* The fields of a stored message, in DESIGN.md's words. One line a field. */
static const struct rec_field msg_fields[] = {
    {"role", NULL, REC_ROLE, MSG(role), 0, REC_PLAIN, NULL},
    {"text", NULL, REC_BUF, MSG(text), REC_STATE, REC_SEALED, NULL},
    {"thoughts", NULL, REC_BUF_OPT, MSG(thoughts), REC_STATE, REC_SEALED, NULL},
    {"parts", NULL, REC_BUF_OPT, MSG(parts), REC_STATE, REC_SEALED, NULL},
    {"model", NULL, REC_STR, MSG(model), REC_STATE, REC_PLAIN, NULL},
    {"thinking", NULL, REC_STR, MSG(thinking), 0, REC_PLAIN, NULL},
    {"web", NULL, REC_STR, MSG(web), 0, REC_PLAIN, NULL},
    {"grounding", NULL, REC_STR, MSG(grounding), REC_STATE, REC_SEALED, NULL},
    {"status", NULL, REC_STATUS, MSG(status), REC_STATE, REC_PLAIN, NULL},
    {"finish_reason", NULL, REC_STR, MSG(finish_reason), REC_STATE, REC_PLAIN, NULL},
    {"prompt_tokens", "usage", REC_LONG, MSG(usage.prompt_tokens), REC_STATE, REC_PLAIN, "prompt"},
    {"candidates_tokens", "usage", REC_LONG, MSG(usage.candidates_tokens), REC_STATE, REC_PLAIN,
     "candidates"},
    {"thoughts_tokens", "usage", REC_LONG, MSG(usage.thoughts_tokens), REC_STATE, REC_PLAIN,
     "thoughts"},
    {"total_tokens", "usage", REC_LONG, MSG(usage.total_tokens), REC_STATE, REC_PLAIN, "total"},
    {"feedback", NULL, REC_INT, MSG(feedback), 0, REC_PLAIN, NULL},
    {"created_at", NULL, REC_TIME, MSG(created_ms), 0, REC_PLAIN, "at"},
};

#define IMG(member) offsetof(struct image, member)

/* The fields of one image of a message. */
static const struct rec_field image_fields[] = {
    {"name", NULL, REC_STRZ, IMG(name), 0, REC_SEALED, NULL},
    {"mime", NULL, REC_STRZ, IMG(mime), 0, REC_PLAIN, NULL},
    {"size", NULL, REC_SIZE, IMG(size), 0, REC_PLAIN, NULL},
    {"data_uri", NULL, REC_STRZ, IMG(data_uri), 0, REC_SEALED, NULL},
    {"file_uri", NULL, REC_STR, IMG(file_uri), REC_STATE, REC_PLAIN, NULL},
    {"file_expires_at", NULL, REC_TIME, IMG(file_expires_ms), REC_STATE, REC_PLAIN, NULL},
};

const struct rec_table msg_record = {msg_fields, ARRAY_LEN(msg_fields)};
const struct rec_table image_record = {image_fields, ARRAY_LEN(image_fields)};

static void *at(const struct rec_field *f, const void *rec)
{
	return (char *)rec + f->offset;
}

bool rec_is_text(const struct rec_field *f)
{
	return f->type <= REC_STATUS;
}

const char *rec_text(const struct rec_field *f, const void *rec, size_t *len)
{
	const char *s = NULL;
	const struct buf *b = at(f, rec);
	switch (f->type) {
	case REC_BUF:
		s = b->data;
		*len = b->len;
		return s;
	case REC_BUF_OPT:
		*len = b->len;
		return b->len > 0 ? b->data : NULL;
	case REC_STR:
	case REC_STRZ:
		s = *(char *const *)at(f, rec);
		if (s == NULL && f->type == REC_STRZ)
			s = "";
		break;
	case REC_ROLE:
		s = msg_role_name(*(const enum msg_role *)at(f, rec));
		break;
	case REC_STATUS:
		s = msg_status_name(*(const enum msg_status *)at(f, rec));
		break;
	default:
		break;
	}
	*len = s ? strlen(s) : 0;
	return s;
}

void rec_set_text(const struct rec_field *f, void *rec, const char *s, size_t len)
{
	char **str = at(f, rec);
	char *copy;
	switch (f->type) {
	case REC_BUF:
	case REC_BUF_OPT: {
		struct buf *b = at(f, rec);
		buf_reset(b);
		/*
		 * A sealed value is its text's base64 and more: a text near the
		 * buffer's bound would be refused whole, and stored or read empty.
		 */
		if (f->kind == REC_SEALED && len > b->max && len <= REC_SEALED_MAX(b->max))
			b->max = len;
		if (s != NULL)
			buf_add(b, s, len);
		break;
	}
	case REC_STR:
	case REC_STRZ:
		free(*str);
		*str = s != NULL || f->type == REC_STRZ ? xstrndup(s ? s : "", s ? len : 0) : NULL;
		break;
	case REC_ROLE:
		*(enum msg_role *)at(f, rec) =
		    s != NULL && len == 4 && memcmp(s, "user", 4) == 0 ? ROLE_USER : ROLE_MODEL;
		break;
	case REC_STATUS:
		copy = s ? xstrndup(s, len) : NULL;
		if (copy == NULL || msg_status_parse(copy, at(f, rec)) < 0)
			*(enum msg_status *)at(f, rec) = MSG_ERROR;
		free(copy);
		break;
	default:
		break;
	}
}

long long rec_int(const struct rec_field *f, const void *rec)
{
	switch (f->type) {
	case REC_INT:
		return *(const int *)at(f, rec);
	case REC_LONG:
		return *(const long *)at(f, rec);
	case REC_SIZE:
		return (long long)*(const size_t *)at(f, rec);
	case REC_TIME:
		return *(const long long *)at(f, rec);
	default:
		return 0;
	}
}

void rec_set_int(const struct rec_field *f, void *rec, long long v)
{
	switch (f->type) {
	case REC_INT:
		*(int *)at(f, rec) = (int)v;
		break;
	case REC_LONG:
		*(long *)at(f, rec) = (long)v;
		break;
	case REC_SIZE:
		*(size_t *)at(f, rec) = v > 0 ? (size_t)v : 0;
		break;
	case REC_TIME:
		*(long long *)at(f, rec) = v;
		break;
	default:
		break;
	}
}

struct image *rec_add_image(struct msg *m)
{
	struct image empty = {0};
	msg_add_image(m, &empty);
	return &m->images[m->nimages - 1];
}

void store_user_free(struct store_user *u)
{
	if (u == NULL)
		return;
	free(u->id);
	free(u->name);
	free(u->email);
	secret_free(u->password_hash);
	free(u->vault);
	free(u);
}

void store_conv_list_release(struct store_conv_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].id);
		free(l->items[i].title);
		free(l->items[i].model);
		free(l->items[i].forked_from);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

void store_msgs_push(struct store_msgs *v, struct msg *m)
{
	v->items = xrealloc(v->items, (v->n + 1) * sizeof(*v->items));
	v->items[v->n++] = m;
}

void store_msgs_release(struct store_msgs *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++)
		msg_free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->n = 0;
}
