/*
 * fs.h: the file-system steps every private file of Jarvis takes (the
 * session, the signing key, the input history, the outbox journal, the
 * SQLite store): directories that only the user may enter, files written
 * whole or not at all and read only when nobody else could have changed
 * them, and random bytes. Nothing here knows what the files hold.
 */
#ifndef JARVIS_FS_H
#define JARVIS_FS_H

#include <stdbool.h>
#include <stddef.h>

/* Creates dir and any missing parents, each with mode 0700 (mkdir -p). */
int fs_mkdir_p(const char *dir, char **cause);
/*
 * fs_mkdir_p(), then refuses dir unless it is a directory of this user that
 * nobody else can write: whoever can write there can swap the files in it.
 */
int fs_private_dir(const char *dir, char **cause);
/* fs_mkdir_p() of the directory that holds the file path (none: nothing to do). */
int fs_mkdir_parent(const char *path, char **cause);

/* fs_write_private(): keep a file that is there already instead of replacing it. */
#define FS_KEEP 1

/*
 * Puts len bytes of data at path as a file only its owner can read (0600),
 * so that a reader sees the old file or the new one and never a part: a
 * temporary file of an unguessable name beside it (O_EXCL | O_NOFOLLOW, so
 * nothing planted there is written through), fsync, rename over path,
 * fsync of the directory. A link at path is replaced, never followed.
 * With FS_KEEP it is hard-linked into place instead and returns 1 when path
 * exists already (another process won), leaving that file alone. what
 * names the file in the messages ("the session file"). Returns 0 or -1.
 */
int fs_write_private(const char *path, const void *data, size_t len, int flags, const char *what,
                     char **cause);

/* Why fs_read_private() gave no data. */
enum fs_read {
	FS_READ_OK,
	FS_READ_MISSING,  /* no such file */
	FS_READ_LINK,     /* a symbolic link: never followed */
	FS_READ_NOT_FILE, /* a directory, a FIFO, a device */
	FS_READ_NOT_MINE, /* another user's */
	FS_READ_OPEN,     /* others may read or write it (mode & 077) */
	FS_READ_TOO_BIG,  /* more than max bytes; *len holds its size */
	FS_READ_FAILED,   /* open or read failed: errno says why */
};

/*
 * Reads a file that only its owner should be able to read, refusing what
 * cannot be trusted (see enum fs_read; FS_READ_OPEN only without
 * allow_open). On FS_READ_OK *data is new, NUL-terminated, *len long; wipe
 * it with secret_free_len() (util.h) when it may be secret. It never blocks on a FIFO.
 */
enum fs_read fs_read_private(const char *path, size_t max, bool allow_open, char **data,
                             size_t *len);

/* Fills buf with n bytes from the kernel's random source. */
int random_bytes(void *buf, size_t n, char **cause);

#endif
