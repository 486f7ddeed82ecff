/*
 * session.h: the file that keeps the login token between runs,
 * STATE_DIR/session where STATE_DIR is normally $XDG_STATE_HOME/jarvis.
 * Loading never fails hard: a file that cannot be trusted means
 * "logged out", with a notice saying why.
 */
#ifndef JARVIS_SESSION_H
#define JARVIS_SESSION_H

/* Largest session file read; a token is a few hundred bytes. */
#define SESSION_MAX_BYTES 8192

/* Writes token to state_dir/session (0600, directory 0700) atomically; refuses symlinks. */
int session_save(const char *state_dir, const char *token, char **cause);
/*
 * The same with the account's data key (vault_export's text) on a second
 * line "key ...", kept for the token's lifetime and gone with the file
 * (/logout, an expired or revoked session).
 */
int session_save_key(const char *state_dir, const char *token, const char *key, char **cause);
/* The data key of the session file, or NULL (a secret: secret_free it). */
char *session_load_key(const char *state_dir);
/*
 * Returns 0 with a new string *token_out, or 1 (logged out) when there is no
 * usable session file; then *notice may say why (missing file: no notice).
 */
int session_load(const char *state_dir, char **token_out, char **notice);
/* Removes the session file; a missing file is not an error. */
int session_clear(const char *state_dir, char **cause);

#endif
