/*
 * seal.c: the fields of record.h marked REC_SEALED (a message's text,
 * thoughts and raw parts, an image's name and bytes), and a conversation's
 * title and system prompt, sealed with the logged-in user's data key
 * before any engine sees them and opened after an engine read them. Each
 * value's place is its associated data (vault_place: kind, user,
 * conversation, seq, role, field, image index), so a value copied to
 * another message, user, conversation, seq or role, or changed at all,
 * does not open: the message is then MSG_TAMPERED, its content dropped so
 * it is neither shown nor sent.
 *
 * Empty values stay empty (there is nothing to hide, and a blanked field
 * reads as blank). A value that is not sealed at all (plain text planted
 * in the database, or left from before 0.2 and not yet migrated) is
 * tampered too: with a key open, only what opens is believed.
 */
#include "seal.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/util.h"
#include "jarvis/vault.h"

static struct msg *sealer_seal(const struct rec_sealer *s, const char *user_id, const char *conv_id,
                               const struct msg *m, long seq)
{
	const struct seal_key *k = s->ctx;
	if (!seal_allows(k, user_id) || k->key == NULL)
		return NULL;
	return seal_msg_with(k->key, "msg", user_id, conv_id, m, seq);
}

void seal_key_set(struct seal_key *k, const char *user_id, const struct vault *key)
{
	seal_key_clear(k);
	if (key == NULL || user_id == NULL)
		return;
	k->key = vault_dup(key);
	k->user_id = xstrdup(user_id);
	k->sealer.seal = sealer_seal;
	k->sealer.ctx = k;
}

void seal_key_clear(struct seal_key *k)
{
	vault_free(k->key);
	free(k->user_id);
	memset(k, 0, sizeof *k);
}

const struct rec_sealer *seal_sealer(const struct seal_key *k)
{
	return k->key != NULL ? &k->sealer : NULL;
}

bool seal_allows(const struct seal_key *k, const char *user_id)
{
	return k->key == NULL || (user_id != NULL && strcmp(k->user_id, user_id) == 0);
}

/* ---- one value ---- */

static char *seal_text(const struct vault *key, const struct vault_place *pl, const char *s,
                       size_t n, size_t *len)
{
	if (n == 0) {
		*len = 0;
		return xstrdup("");
	}
	return vault_seal(key, pl, s, n, len);
}

/* Opens len bytes at s into *out; empty stays empty. -1 when it does not open. */
static int open_text(const struct vault *key, const struct vault_place *pl, const char *s,
                     size_t len, char **out, size_t *out_len)
{
	if (len == 0) {
		*out = xstrdup("");
		*out_len = 0;
		return 0;
	}
	return vault_open(key, pl, s, len, out, out_len);
}

char *seal_conv_field(const struct seal_key *k, const char *user_id, const char *conv_id,
                      const char *field, const char *value)
{
	if (value == NULL)
		return NULL;
	if (k->key == NULL)
		return xstrdup(value);
	struct vault_place pl = {"conv", user_id, conv_id, 0, NULL, field, 0};
	size_t len;
	return seal_text(k->key, &pl, value, strlen(value), &len);
}

bool seal_open_conv_field(const struct seal_key *k, const char *user_id, const char *conv_id,
                          const char *field, char **value)
{
	if (k->key == NULL || *value == NULL)
		return true;
	struct vault_place pl = {"conv", user_id, conv_id, 0, NULL, field, 0};
	char *out = NULL;
	size_t len;
	int rc = open_text(k->key, &pl, *value, strlen(*value), &out, &len);
	free(*value);
	if (rc == 0 && memchr(out, '\0', len) == NULL) {
		*value = out;
		return true;
	}
	free(out);
	*value = strcmp(field, "title") == 0 ? xstrdup(SEAL_TAMPERED_TITLE) : NULL;
	return false;
}

/* ---- a message ---- */

/* Seals (or with open, opens) the REC_SEALED fields of one record in place; false on failure. */
static bool each_sealed(const struct vault *key, const struct rec_table *t, void *rec,
                        struct vault_place *pl, const char *prefix, bool open)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_field *f = &t->fields[i];
		if (f->kind != REC_SEALED)
			continue;
		size_t len = 0, out_len = 0;
		const char *s = rec_text(f, rec, &len);
		if (s == NULL)
			continue;
		char *name = xasprintf("%s%s", prefix, f->name);
		pl->field = name;
		char *out = NULL;
		int rc = 0;
		if (open)
			rc = open_text(key, pl, s, len, &out, &out_len);
		else
			out = seal_text(key, pl, s, len, &out_len);
		pl->field = NULL;
		free(name);
		if (rc != 0)
			return false;
		rec_set_text(f, rec, out, out_len);
		if (open)
			secret_free(out);
		else
			free(out);
	}
	return true;
}

struct msg *seal_msg_with(const struct vault *key, const char *kind, const char *user_id,
                          const char *conv_id, const struct msg *m, long seq)
{
	struct msg *c = msg_clone(m);
	struct vault_place pl = {kind, user_id, conv_id, seq, msg_role_name(m->role), NULL, 0};
	each_sealed(key, &msg_record, c, &pl, "", false);
	for (size_t i = 0; i < c->nimages; i++) {
		pl.index = (long)i;
		each_sealed(key, &image_record, &c->images[i], &pl, "image.", false);
	}
	return c;
}

/* Drops what a tampered message held, so nothing of it is shown or sent. */
static void mark_tampered(struct msg *m)
{
	buf_reset(&m->text);
	buf_addstr(&m->text, SEAL_TAMPERED_TEXT);
	buf_reset(&m->thoughts);
	buf_reset(&m->parts);
	for (size_t i = 0; i < m->nimages; i++) {
		free(m->images[i].name);
		free(m->images[i].mime);
		free(m->images[i].data_uri);
	}
	free(m->images);
	m->images = NULL;
	m->nimages = 0;
	m->status = MSG_TAMPERED;
	m->generation++;
}

bool seal_open_msg_with(const struct vault *key, const char *kind, const char *user_id,
                        const char *conv_id, struct msg *m, long seq)
{
	struct vault_place pl = {kind, user_id, conv_id, seq, msg_role_name(m->role), NULL, 0};
	bool ok = m->status != MSG_TAMPERED && each_sealed(key, &msg_record, m, &pl, "", true);
	for (size_t i = 0; ok && i < m->nimages; i++) {
		pl.index = (long)i;
		ok = each_sealed(key, &image_record, &m->images[i], &pl, "image.", true);
	}
	if (!ok)
		mark_tampered(m);
	return ok;
}

bool seal_open_msg(const struct seal_key *k, const char *user_id, const char *conv_id,
                   struct msg *m)
{
	if (k->key == NULL)
		return true;
	return seal_open_msg_with(k->key, "msg", user_id, conv_id, m, m->seq);
}
