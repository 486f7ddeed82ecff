/*
 * exporter.h: a stored conversation written out as Markdown, for --export
 * and the chat's /export alike: one source (the store, every message) and
 * one writer (a new file, never an existing one or a symlink).
 */
#ifndef JARVIS_EXPORTER_H
#define JARVIS_EXPORTER_H

#include "jarvis/conv.h"

struct store;

enum exporter_rc {
	EXPORTER_OK = 0,
	EXPORTER_EXISTS = -1, /* the file exists (or is a link): choose another name */
	EXPORTER_FAILED = -2, /* it could not be created or written; nothing is left */
};

/*
 * The conversation conv_id of user_id with every message, oldest first
 * (conv_push), into *out. A store rc (STORE_NOTFOUND when unknown) with *cause.
 */
int exporter_load(struct store *st, const char *user_id, const char *conv_id, struct conv **out,
                  char **cause);
/* Writes md to a new file at path; an enum exporter_rc with *cause. */
int exporter_write(const char *path, const char *md, char **cause);

#endif
