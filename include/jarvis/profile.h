/*
 * profile.h: the user's context that every mode shares: the store named by
 * the configuration, the login-token signing key, the account environment
 * built from them and the logged-in user. Everything is opened lazily, on
 * first need: asking who is logged in when no session file exists opens
 * nothing, so a guest's `jarvis -p` never creates or touches the store.
 */
#ifndef JARVIS_PROFILE_H
#define JARVIS_PROFILE_H

struct config;
struct store;
struct account_env;
struct account_user;

struct profile;

/*
 * Receives a notice for the user (a key-file warning, "session expired"):
 * the profile never prints, so the command line sends notices to stderr
 * and the chat shows them in its history.
 */
typedef void (*profile_notice_fn)(void *ud, const char *notice);

/* A profile for cfg (borrowed for the profile's life); opens nothing yet. */
struct profile *profile_new(const struct config *cfg, profile_notice_fn notice, void *ud);
/* The notice function of the command-line modes: "jarvis: NOTICE" on stderr. */
void profile_notice_stderr(void *ud, const char *notice);
/* Closes whatever was opened; NULL is a no-op. */
void profile_free(struct profile *p);

/*
 * The store (cfg->store_uri, else SQLite in cfg->data_dir), opened on the
 * first call. NULL with *cause ("store: ...", saying what to do) when it
 * cannot be opened; later calls fail the same way without retrying.
 */
struct store *profile_store(struct profile *p, char **cause);

/*
 * The account environment (store, signing key, state dir, token lifetime),
 * ready for account_*() calls. A warning from the key loader is a notice
 * ("warning: ..."), given once. NULL with *cause when the store or the key cannot be had.
 */
const struct account_env *profile_env(struct profile *p, char **cause);

/*
 * Who is logged in: 0 with *out (owned by the profile); 1 when nobody is
 * (a notice such as "session expired" is given, once); -1 with
 * *cause when the store or the key failed. With no session file it returns
 * 1 without opening anything.
 */
int profile_user(struct profile *p, const struct account_user **out, char **cause);

#endif
