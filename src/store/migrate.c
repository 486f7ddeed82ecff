/*
 * migrate.c: sealing what an account made before 0.2 stored in clear, on
 * the first login with its password after the upgrade (account.c calls
 * store_seal_clear once the new data key is open in the store). Titles
 * and system prompts, then every message: a message's state fields are
 * rewritten sealed in one write, and its images one by one, so the sweep
 * can stop anywhere (a crash, an outage) and run again: a value already
 * sealed is left alone.
 *
 * What it must not do: seal a value twice, touch another account's
 * rows, or read the values through the store's opening path (a clear
 * value is tampered there): it reads the engine's raw rows.
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "engine.h"
#include "jarvis/store.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"
#include "record.h"
#include "seal.h"

#define PAGE 200

static bool clear_value(const char *s)
{
	return s != NULL && *s != '\0' && !vault_is_sealed(s, strlen(s));
}

/* Whether a REC_SEALED field of this record still holds clear text. */
static bool record_clear(const struct rec_table *t, const void *rec)
{
	for (size_t i = 0; i < t->n; i++) {
		size_t len = 0;
		const char *s =
		    t->fields[i].kind == REC_SEALED ? rec_text(&t->fields[i], rec, &len) : NULL;
		if (s != NULL && len > 0 && !vault_is_sealed(s, len))
			return true;
	}
	return false;
}

static int seal_conv(struct store *st, const char *uid, const char *cid)
{
	struct conv *c = NULL;
	int rc = st->e->conv_get(st->h, uid, cid, &c, &st->detail);
	static const char *const fields[] = {"title", "system_prompt"};
	for (size_t i = 0; rc == 0 && i < ARRAY_LEN(fields); i++) {
		const char *v = i == 0 ? c->title : c->system_prompt;
		if (!clear_value(v))
			continue;
		char *sealed = seal_conv_field(&st->key, uid, cid, fields[i], v);
		rc = st->e->conv_set(st->h, uid, cid, fields[i], sealed, &st->detail);
		free(sealed);
	}
	conv_free(c);
	return rc;
}

static int seal_msg(struct store *st, const char *uid, const char *cid, const struct msg *m)
{
	struct msg *sealed = seal_msg_with(st->key.key, "msg", uid, cid, m, m->seq);
	int rc = 0;
	if (record_clear(&msg_record, m))
		rc = st->e->msg_update(st->h, uid, cid, sealed, NULL, &st->detail);
	for (size_t i = 0; rc == 0 && i < m->nimages; i++)
		if (record_clear(&image_record, &m->images[i]))
			rc = st->e->msg_image_set(st->h, uid, cid, m->id, i, sealed->images[i].name,
			                          sealed->images[i].data_uri, &st->detail);
	msg_free(sealed);
	return rc;
}

static int seal_msgs(struct store *st, const char *uid, const char *cid)
{
	long before = 0;
	for (;;) {
		struct store_msgs page = {0};
		int rc = st->e->msg_page(st->h, uid, cid, before, PAGE, &page, &st->detail);
		for (size_t i = 0; rc == 0 && i < page.n; i++)
			rc = seal_msg(st, uid, cid, page.items[i]);
		size_t n = page.n;
		if (n > 0)
			before = page.items[0]->seq;
		store_msgs_release(&page);
		if (rc < 0 || n < PAGE || before <= 1)
			return rc;
	}
}

int store_seal_clear(struct store *st, const char *user_id, size_t *sealed_convs, char **cause)
{
	if (st->key.key == NULL || !seal_allows(&st->key, user_id))
		return set_cause(cause, "store: no data key open for this account"), STORE_INVALID;
	*sealed_convs = 0;
	/* Every id first: sealing a title may move a conversation in the listing's order. */
	char **ids = NULL;
	size_t n = 0;
	int rc = 0;
	for (size_t offset = 0; rc == 0; offset += PAGE) {
		struct store_conv_list l = {0};
		rc = st->e->conv_list(st->h, user_id, offset, PAGE, &l, &st->detail);
		ids = xrealloc(ids, (n + l.n + 1) * sizeof(*ids));
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			ids[n++] = xstrdup(l.items[i].id);
		size_t got = l.n;
		store_conv_list_release(&l);
		if (got < PAGE)
			break;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = seal_conv(st, user_id, ids[i]);
		if (rc == 0)
			rc = seal_msgs(st, user_id, ids[i]);
		if (rc == 0)
			(*sealed_convs)++;
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (rc < 0)
		return store_answer(st, rc, "sealing the account's stored data", cause);
	return STORE_OK;
}
