/*
 * seal.h: what users write, sealed with their data key (vault.h) above the
 * engines, so SQLite and MongoDB get one code path (see seal.c). Private
 * to src/store/.
 */
#ifndef JARVIS_STORE_SEAL_H
#define JARVIS_STORE_SEAL_H

#include <stdbool.h>

#include "jarvis/conv.h"
#include "record.h"

struct vault;

/* What a tampered message shows instead of its content. */
#define SEAL_TAMPERED_TEXT                                                                         \
	"This message failed its integrity check: it was changed, moved or planted in the "        \
	"database. It is not shown and never sent to the model."
/* What a tampered conversation title shows. */
#define SEAL_TAMPERED_TITLE "(tampered title)"

/* A store's key and its owner; key NULL: nothing is sealed (no account is open). */
struct seal_key {
	char *user_id;
	struct vault *key;
	struct rec_sealer sealer; /* ctx points back here */
};

/* Takes a copy of key for user_id (NULL key: forgets it). */
void seal_key_set(struct seal_key *k, const char *user_id, const struct vault *key);
void seal_key_clear(struct seal_key *k);
/* The sealer engines call, or NULL without a key. */
const struct rec_sealer *seal_sealer(const struct seal_key *k);
/* Whether a call for user_id may go on: no key, or the key is user_id's. */
bool seal_allows(const struct seal_key *k, const char *user_id);

/* A conversation's title or system prompt sealed; NULL stays NULL; no key: a copy. */
char *seal_conv_field(const struct seal_key *k, const char *user_id, const char *conv_id,
                      const char *field, const char *value);
/*
 * The value opened in place (*value replaced); NULL stays NULL. false when
 * it does not open: *value is then NULL for a system prompt, SEAL_TAMPERED_TITLE
 * for a title. No key: left as it is.
 */
bool seal_open_conv_field(const struct seal_key *k, const char *user_id, const char *conv_id,
                          const char *field, char **value);
/* Opens a read message in place; false (m then MSG_TAMPERED, its content dropped) when not. */
bool seal_open_msg(const struct seal_key *k, const char *user_id, const char *conv_id,
                   struct msg *m);

/* The same sealing and opening with a bare key (the outbox journal, migration, tests). */
struct msg *seal_msg_with(const struct vault *key, const char *kind, const char *user_id,
                          const char *conv_id, const struct msg *m, long seq);
bool seal_open_msg_with(const struct vault *key, const char *kind, const char *user_id,
                        const char *conv_id, struct msg *m, long seq);

#endif
