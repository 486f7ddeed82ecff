/*
 * fs.h: the file-system steps every private file of Jarvis takes (the
 * session, the signing key, the input history, the outbox journal, the
 * SQLite store): directories that only the user may enter, and random
 * bytes for names nobody can guess. Nothing here knows what the files hold.
 */
#ifndef JARVIS_FS_H
#define JARVIS_FS_H

#include <stddef.h>

/* Creates dir and any missing parents, each with mode 0700 (mkdir -p). */
int fs_mkdir_p(const char *dir, char **cause);
/*
 * fs_mkdir_p(), then refuses dir unless it is a directory of this user that
 * nobody else can write: whoever can write there can swap the files in it.
 */
int fs_private_dir(const char *dir, char **cause);
/* Fills buf with n bytes from the kernel's random source. */
int random_bytes(void *buf, size_t n, char **cause);

#endif
