/*
 * account_private.h: what account.c lends the other account calls of
 * src/auth/ (passwd.c: /passwd, --passwd, --recover), so a password is
 * checked and a session started in one place. Private to src/auth/.
 */
#ifndef JARVIS_AUTH_ACCOUNT_PRIVATE_H
#define JARVIS_AUTH_ACCOUNT_PRIVATE_H

#include <stdbool.h>

#include "jarvis/account.h"
#include "jarvis/store.h"

/* ACCOUNT_OK when env has a store, a signing key and a state directory; else *cause. */
int account_env_check(const struct account_env *env, char **cause);
/*
 * Whether password is u's (Argon2id, then bcrypt over its output); *key
 * then holds the data key (NULL for an account made before sealing).
 */
bool account_password_opens(const struct store_user *u, const char *password, struct vault **key);
/* Issues and saves a session for user_id with its key, as a login does (see account.c). */
int account_session_start(const struct account_env *env, const char *user_id,
                          const struct vault *key, long long now_s, struct account_user *out,
                          char **cause);
/* Fills out's id, name and e-mail (neutralised for showing). */
void account_user_fill(struct account_user *out, const char *id, const char *name,
                       const char *email);

#endif
