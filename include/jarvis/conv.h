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
	MSG_REPLACED, /* an answer /retry replaced: kept in the store, never shown or sent */
	MSG_TAMPERED, /* read from the store but failed to open (moved, changed, planted): its
	               * content is dropped, it is marked and never sent; never stored */
};

struct usage {
	long prompt_tokens;
	long candidates_tokens;
	long thoughts_tokens;
	long total_tokens;
	long cached_tokens; /* cachedContentTokenCount: part of prompt_tokens; not stored */
};

struct image {
	char *name;     /* the file's base name, for display and export */
	char *mime;     /* image/png, image/jpeg, image/webp, image/heic, image/heif */
	size_t size;    /* raw bytes before base64 */
	char *data_uri; /* data:MIME;base64,... */
	/* Its copy in the Files API (issue 11), sent as fileData instead of the bytes
	 * once it exists; NULL when there is none. The bytes stay, to upload again. */
	char *file_uri;
	long long file_expires_ms; /* when the API drops that copy (wall clock); 0: none */
};

/*
 * How an answer's text names an image the model sent (an inlineData part),
 * on a line of its own where the image came: "[image from the model:
 * TYPE, N KiB]". -p and --export print it; the history pane draws the
 * image's own line and preview in its place.
 */
#define MSG_IMAGE_NOTE "[image from the model: "

/* The most one message's text, thoughts or raw parts may hold. */
#define MSG_TEXT_MAX ((size_t)64 << 20)

struct msg {
	char *id; /* store id, NULL until stored */
	long seq; /* position in the conversation, from the store; 0 if unstored */
	enum msg_role role;
	struct buf text;     /* the answer or the prompt, UTF-8 */
	struct buf thoughts; /* thought summaries, kept apart from the answer */
	struct buf parts;    /* an answer's raw parts as the API sent them (JSON array, thoughts
	                      * left out, text merged) when they hold more than text: a
	                      * thoughtSignature, code execution, an image; replayed as they are */
	struct image *images;
	size_t nimages;
	char *model;
	char *thinking;  /* a question's /think setting when one was given, else NULL */
	char *web;       /* a question's /web setting ("on", "off") when one was given, else NULL */
	char *grounding; /* an answer's sources and searches (grounding.h), or NULL */
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
	/* A fork (/edit): the conversation it was made from and the number of the
	 * question it forks at (1: the first); NULL and 0 for any other. */
	char *forked_from;
	long fork_question;
	struct msg **msgs;
	size_t n;
	size_t cap;
	/*
	 * Bumped by the functions below whenever a message of msgs[] is freed or
	 * taken out, so a cache keyed by message pointer knows to drop itself (a
	 * new message may reuse a freed one's address). Only conv.c changes it,
	 * as it alone changes msgs[]: callers never edit msgs[] or n directly.
	 */
	unsigned epoch;
	/*
	 * The first trim messages are left out of the context (/trim): kept on
	 * screen and in the store, not sent. Kept in step by the functions below;
	 * not stored, so a reopened conversation sends everything again.
	 */
	size_t trim;
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
/* Removes message m (found by pointer) and frees it; false when it is not in c. */
bool conv_remove(struct conv *c, struct msg *m);
/* Removes m from c without freeing it (the caller owns it then); false when absent. */
bool conv_take(struct conv *c, struct msg *m);
/* Frees every message from index n on. */
void conv_truncate(struct conv *c, size_t n);
/* Puts msgs[0..n) in front of the conversation, which owns them then. */
void conv_prepend(struct conv *c, struct msg **msgs, size_t n);
/* Index of m in c, or c->n when absent. */
size_t conv_index(const struct conv *c, const struct msg *m);
/*
 * Whether message i is context for the next request: notices, empty
 * messages, an answer replaced by /retry (MSG_REPLACED, or followed by a
 * newer answer) and a question whose answer failed (a question followed by
 * another question with no answer between) are not. The request builder
 * sends exactly these, so the screen can say which turns the model sees.
 */
bool conv_in_context(const struct conv *c, size_t i);
/* Turns (questions with content, and what followed them) of the messages loaded. */
size_t conv_turns(const struct conv *c);
/*
 * Leaves the oldest turns out of the context: every message before the
 * question that starts turn number turns (all, when there are fewer); 0
 * puts them all back. Returns how many messages are left out.
 */
size_t conv_trim(struct conv *c, size_t turns);
/* How many turns conv_trim left out. */
size_t conv_trimmed_turns(const struct conv *c);

/*
 * The conversation's own thinking setting (/think): that of its last
 * question that has one, or NULL (then [gemini] thinking applies).
 */
const char *conv_thinking(const struct conv *c);
/* Likewise for /web: "on", "off", or NULL ([gemini] web applies). */
const char *conv_web(const struct conv *c);

/* A new standalone message (for stores that read messages outside a conversation). */
struct msg *msg_new(enum msg_role role, const char *text);
void msg_free(struct msg *m);
/* A deep copy of a message (for handing to another thread). */
struct msg *msg_clone(const struct msg *m);
/* Appends an image (copies every field). */
void msg_add_image(struct msg *m, const struct image *img);
/* Appends streamed answer text and thought summaries (either may be 0 long). */
void msg_append(struct msg *m, const char *text, size_t text_len, const char *thought,
                size_t thought_len);
/*
 * Whether m's text, thoughts or raw parts passed MSG_TEXT_MAX, so it holds
 * less than arrived (the rest was refused); such an answer is never complete.
 */
bool msg_cut(const struct msg *m);
/* What msg_cut tells the user, for both front ends. */
#define MSG_CUT_NOTICE                                                                             \
	"the answer passed 64 MiB, the most one message holds: it was stopped there and is "       \
	"kept cut, marked interrupted"
/* Says that m changed in place (status, feedback, ids), for render caches. */
void msg_changed(struct msg *m);

/* Characters in a title made from a prompt. */
#define CONV_TITLE_CHARS 60
/*
 * A new conversation's title from its first message: the first non-blank
 * line, made safe to show, cut to CONV_TITLE_CHARS characters (never inside
 * one) with an ellipsis; an image's name when there is no text.
 */
char *msg_title(const struct msg *m);

/*
 * How a listing shows a fork: "↳ fork of «TITLE» at question N", or with
 * title NULL (the original is not among those listed, or was deleted)
 * "↳ fork of conversation ID at question N". A new string.
 */
char *conv_fork_label(const char *title, const char *id, long question);

/* Whether s has the shape of a stored conversation's id: digits (SQLite) or 24 hex digits. */
bool conv_id_shaped(const char *s);
/*
 * What to say when `what` names no conversation of the user's: that it is
 * not a number or id at all, or that no conversation has that number or id,
 * then `where` (how to list them: "/convs or F3 lists them"). listed: list
 * numbers count too (/select, /delete), not only ids (-C). A new string.
 */
char *conv_missing_text(const char *what, bool listed, const char *where);

const char *msg_role_name(enum msg_role r);     /* "user", "model", "notice" */
const char *msg_status_name(enum msg_status s); /* "complete", "interrupted", ... */
/* Parses a status name; returns -1 when unknown. */
int msg_status_parse(const char *name, enum msg_status *out);

#endif
