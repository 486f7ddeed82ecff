/*
 * dispatch.h: the store handle and the helpers store.c shares with
 * accounts.c (the account, session and login-throttle calls). Private to
 * src/store/; engines do not include it.
 */
#ifndef JARVIS_STORE_DISPATCH_H
#define JARVIS_STORE_DISPATCH_H

#include <stdbool.h>

#include "engine.h"
#include "seal.h"

/* The contract's words for what is not there (engines give only codes). */
#define NO_ACCOUNT "no such account"
#define NO_CONV "no such conversation"
#define NO_MSG "no such message"
#define NO_SESSION "no such session; log in again"

/* The last seq seen per conversation, for the provisional seq of an offline append. */
struct seen_seq {
	char *conv_id;
	long seq;
};

struct store {
	const struct store_engine *e;
	void *h;
	char *ident; /* "mongodb/jarvis": whose lines of the outbox are ours */
	struct outbox *ob;
	bool online;
	long long retry_at;  /* now_ms() before which an offline server is not tried */
	long long replay_at; /* now_ms() before which a failed replay is not retried */
	struct seen_seq *seqs;
	size_t nseqs;
	char *detail;        /* an engine's detail for the call being answered (see answer) */
	struct seal_key key; /* the logged-in user's data key (store_set_vault) */
};

/*
 * Turns an engine's answer into the contract's (see engine.h): the
 * store_rc class of rc, with the words for it in *cause, noting an
 * unreachable server. `what` says what the call was doing; the engine's
 * detail, if any, is in st->detail and is used up here.
 */
int store_answer(struct store *st, int rc, const char *what, char **cause);
/* Before a read: STORE_OFFLINE at once while the server is known to be away. */
int store_read_gate(struct store *st, char **cause);
/* Frees and clears *cause (cause may be NULL). */
void store_drop_cause(char **cause);
/* STORE_INVALID "store: missing WHAT" when v is NULL or empty. */
int store_need(const char *what, const char *v, char **cause);

#endif
