/*
 * password.h: bcrypt password hashing (libxcrypt, in the plugin
 * jarvis-crypt.so, loaded by the first hash or check) and the checks on
 * what a user types when signing up: password, e-mail address and display
 * name. Everything here is thread-safe, because hashing takes about 250 ms
 * and callers run it on a worker thread.
 */
#ifndef JARVIS_PASSWORD_H
#define JARVIS_PASSWORD_H

/* The bcrypt cost every stored hash uses. */
#define PASSWORD_COST 12
/* bcrypt ignores bytes past 72, so longer passwords are refused, not cut. */
#define PASSWORD_MAX_BYTES 72
#define PASSWORD_MIN_CHARS 8
#define EMAIL_MAX_BYTES 254
#define NAME_MAX_CHARS 100

/*
 * Loads jarvis-crypt.so: 0, or -1 with *cause saying what to do. Call it
 * before password_verify where a missing plugin must not pass for a wrong
 * password.
 */
int password_ready(char **cause);
/* Hashes pw as bcrypt $2b$ at PASSWORD_COST into a new string *hash_out. */
int password_hash(const char *pw, char **hash_out, char **cause);
/* The same at a chosen cost (4..31); only tests pass anything but PASSWORD_COST. */
int password_hash_cost(const char *pw, int cost, char **hash_out, char **cause);
/*
 * Returns 1 when pw matches the bcrypt hash, 0 otherwise (also for a
 * malformed hash, and when jarvis-crypt.so cannot be loaded: see
 * password_ready).
 */
int password_verify(const char *pw, const char *hash);
/* Returns 0 when pw is acceptable as a new password, else -1 saying what to fix. */
int password_check(const char *pw, char **cause);
/* Trims, lower-cases and checks an e-mail address into a new string *out. */
int email_normalize(const char *in, char **out, char **cause);
/* Trims and checks a display name (1..100 characters) into a new string *out. */
int name_normalize(const char *in, char **out, char **cause);
/* Returns 0 when name, once trimmed, is an acceptable display name. */
int name_check(const char *name, char **cause);

#endif
