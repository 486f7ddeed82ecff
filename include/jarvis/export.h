/*
 * export.h: a stored conversation as a Markdown document, for --export and
 * /export. Pure: it formats what it is given and never reads the store, the
 * terminal or a file.
 */
#ifndef JARVIS_EXPORT_H
#define JARVIS_EXPORT_H

#include <stddef.h>

#include "jarvis/conv.h"

/*
 * The conversation c (its title, model and times) with the messages msgs[0..n)
 * in order: a heading per message naming its author ("You", or the model id)
 * and its local time, the text as it is, each image as
 * "[image: NAME, TYPE, SIZE]" and the status when it is not complete.
 * Notices are left out. Returns a new string (never NULL); the caller frees it.
 */
char *export_markdown(const struct conv *c, const struct msg *const *msgs, size_t n);

/* "YYYY-MM-DD HH:MM" in local time for ms since the epoch, into out (at least 17 bytes). */
void export_local_time(long long ms, char *out, size_t size);

/* A size for people: "812 bytes", "12.3 KiB", "4.0 MiB", into out. */
void export_size(size_t bytes, char *out, size_t size);

#endif
