/*
 * conv.h: the in-memory conversation, the one data model shared by the
 * Gemini request builder, the stores, the TUI and one-shot mode. Pure data:
 * no terminal, network or store code may be reached from here.
 */
#ifndef JARVIS_CONV_H
#define JARVIS_CONV_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/buf.h"

enum msg_role {
	ROLE_USER,
	ROLE_MODEL,
	ROLE_NOTICE, /* a local system notice: shown, never sent, never stored */
};

enum msg_status {
	MSG_COMPLETE,
	MSG_STREAMING,
	MSG_INTERRUPTED,
	MSG_ERROR,
	MSG_BLOCKED,
};

struct usage {
	long prompt_tokens;
	long candidates_tokens;
	long thoughts_tokens;
	long total_tokens;
};

struct image {
	char *name;     /* the file's base name, for display and export */
	char *mime;     /* image/png, image/jpeg, image/webp, image/heic, image/heif */
	size_t size;    /* raw bytes before base64 */
	char *data_uri; /* data:MIME;base64,... */
};

struct msg {
	char *id; /* store id, NULL until stored */
	long seq; /* position in the conversation, from the store; 0 if unstored */
	enum msg_role role;
	struct buf text;     /* the answer or the prompt, UTF-8 */
	struct buf thoughts; /* thought summaries, kept apart from the answer */
	struct image *images;
	size_t nimages;
	char *model;
	enum msg_status status;
	char *finish_reason;
	struct usage usage;
	int feedback; /* +1 like, -1 dislike, 0 none */
	long long created_ms;
	unsigned generation; /* bumped on every change, for render caches */
};

struct conv {
	char *id; /* store id, NULL when unsaved (guest or new) */
	char *title;
	char *model;
	char *system_prompt;
	long long created_ms;
	long long updated_ms;
	struct msg **msgs;
	size_t n;
	size_t cap;
};

/* A new empty conversation. */
struct conv *conv_new(void);
void conv_free(struct conv *c);
/* Appends a new message with the given role and text; the conversation owns it. */
struct msg *conv_add(struct conv *c, enum msg_role role, const char *text);
/* Appends a message the caller made; the conversation then owns it. */
void conv_push(struct conv *c, struct msg *m);
/* The last message, or NULL. */
struct msg *conv_last(const struct conv *c);
/* Removes and frees every message. */
void conv_clear(struct conv *c);

/* A new standalone message (for stores that read messages outside a conversation). */
struct msg *msg_new(enum msg_role role, const char *text);
void msg_free(struct msg *m);
/* A deep copy of a message (for handing to another thread). */
struct msg *msg_clone(const struct msg *m);
/* Appends an image (copies every field). */
void msg_add_image(struct msg *m, const struct image *img);

/* Characters in a title made from a prompt. */
#define CONV_TITLE_CHARS 60
/*
 * A new conversation's title from its first message: the first non-blank
 * line, made safe to show, cut to CONV_TITLE_CHARS characters (never inside
 * one) with an ellipsis; an image's name when there is no text.
 */
char *msg_title(const struct msg *m);

const char *msg_role_name(enum msg_role r);     /* "user", "model", "notice" */
const char *msg_status_name(enum msg_status s); /* "complete", "interrupted", ... */
/* Parses a status name; returns -1 when unknown. */
int msg_status_parse(const char *name, enum msg_status *out);

#endif
