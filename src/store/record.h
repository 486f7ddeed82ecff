/*
 * record.h: the one description of a stored message, read by all three
 * serialisers (the SQLite columns, sqlite.c; the MongoDB BSON,
 * mongo_messages.c; the outbox journal's JSON, outbox.c). Each field has
 * the name DESIGN.md gives it in the `messages` collection, which is also
 * its SQL column and its journal key, a type that says how it sits in
 * struct msg, and its offset there. Adding a field is one line in
 * records.c plus a migration in sqlite.c (an ALTER
 * TABLE step); no serialiser changes. Private to src/store/.
 *
 * Not in the table: the keys each engine manages itself (_id / id,
 * conversation_id, user_id, seq), and the images, which are a list of
 * records of their own (image_record) under "images" (BSON, JSON) or in
 * the images table (SQLite).
 */
#ifndef JARVIS_STORE_RECORD_H
#define JARVIS_STORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/conv.h"

/* How a field sits in its struct; text types are stored as strings, the rest as integers. */
enum rec_type {
	REC_BUF,     /* struct buf, stored always ("" when empty) */
	REC_BUF_OPT, /* struct buf, stored as null when empty */
	REC_STR,     /* char *, NULL stored as null */
	REC_STRZ,    /* char *, never NULL: "" when missing */
	REC_ROLE,    /* enum msg_role by name; anything but "user" reads as model */
	REC_STATUS,  /* enum msg_status by name; missing or unknown reads as error */
	REC_INT,     /* int */
	REC_LONG,    /* long */
	REC_SIZE,    /* size_t */
	REC_TIME,    /* long long milliseconds; a BSON date on MongoDB */
};

/*
 * What a serialiser does with the value besides storing it: REC_SEALED
 * fields hold what users write and are sealed for their place (seal.c,
 * through struct rec_sealer) before they reach an engine.
 */
enum rec_kind {
	REC_PLAIN,
	REC_SEALED,
};

/* Field flags. */
#define REC_STATE 1u /* rewritten by store_msg_update (a streaming checkpoint) */

/* The longest sealed form of a value of up to max bytes (base64 of nonce, text, tag, prefix). */
#define REC_SEALED_MAX(max) (((max) + 64) / 3 * 4 + 256)

struct rec_field {
	const char *name;  /* the DESIGN.md name: SQL column, BSON key, journal key */
	const char *group; /* the sub-document it sits in for BSON and JSON ("usage"), or NULL */
	enum rec_type type;
	size_t offset; /* in the record's struct */
	unsigned flags;
	enum rec_kind kind;
	const char *v1_key; /* the key journals of Jarvis 0.1 used, when another */
};

struct rec_table {
	const struct rec_field *fields;
	size_t n;
};

/* The fields of a message (struct msg) and of one of its images (struct image). */
extern const struct rec_table msg_record;
extern const struct rec_table image_record;

/* Whether a field is stored as a string (else as an integer). */
bool rec_is_text(const struct rec_field *f);
/* A text field's value and length; NULL for a value stored as null. */
const char *rec_text(const struct rec_field *f, const void *rec, size_t *len);
/* Sets a text field from len bytes at s; s NULL: the value was missing or null. */
void rec_set_text(const struct rec_field *f, void *rec, const char *s, size_t len);
/* An integer field's value. */
long long rec_int(const struct rec_field *f, const void *rec);
void rec_set_int(const struct rec_field *f, void *rec, long long v);
/*
 * How an engine has a message sealed once it knows its seq: store.c hands
 * one to msg_append and msg_update (NULL: the store holds no data key, and
 * the message is stored as it is). seal() returns a copy of m with every
 * REC_SEALED field of it and its images sealed for (user, conv, seq, role),
 * or NULL when the key is not user_id's (the write is refused).
 */
struct rec_sealer {
	struct msg *(*seal)(const struct rec_sealer *s, const char *user_id, const char *conv_id,
	                    const struct msg *m, long seq);
	const void *ctx;
};

/* Appends an empty image to m, for a reader to fill field by field. */
struct image *rec_add_image(struct msg *m);

#endif
