/*
 * outbox.c: the store's outbox, so that nothing typed or received is lost
 * while the server (MongoDB) cannot be reached. Each write that cannot go
 * out is one JSON line of state_dir/outbox.jsonl (0600 in a 0700
 * directory), appended under an flock on state_dir/outbox.lock and
 * fdatasync'd before the caller is told it succeeded. Lines carry the ids
 * the client made (store.c asks the engine's new_id), so later lines can
 * name a conversation or message that the server has not seen yet, and a
 * line applied twice (a crash after the apply, before the compaction) is
 * recognised by its id and skipped. Replay applies a store's lines in
 * order and then rewrites the file without them (fs_write_private:
 * temporary file, fsync, rename): the journal is never edited in place. A last line without its
 * newline is a write torn by a crash: it was never acknowledged, so it is
 * ignored and dropped at the next compaction.
 *
 * Several Jarvis processes may share the state directory: every append
 * and replay holds the lock, an append follows the file when another
 * process renamed a new one over it, and counts are refreshed from the
 * file, never trusted from memory alone.
 *
 * What it must not do: edit the journal in place, drop a line that was not
 * applied (lines the store refuses for good go to outbox.rejected.jsonl),
 * replay one store's lines into another, or keep a password hash.
 */
#include "outbox.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/fs.h"
#include "jarvis/util.h"
#include "jarvis/vault.h"
#include "record.h"

#define JOURNAL "outbox.jsonl"
#define REJECTED "outbox.rejected.jsonl"
#define SESSION "outbox-session.json"
/* A journal larger than this is not read: days of writes offline, with images. */
#define OUTBOX_MAX_BYTES ((size_t)1 << 30)

/*
 * The version of the lines written now. 2: a message's fields under
 * their record.h names; 1 (Jarvis 0.1): the same but for "at" for
 * created_at and "prompt", "candidates", "thoughts", "total" in usage.
 * Both are replayed; a 0.1 Jarvis leaves version 2 lines alone.
 */
#define LINE_VERSION 2

struct outbox {
	char *dir;
	char *path;
	char *ident;
	/* How this store's lines begin, by version: {"v":N,"store":"IDENT", */
	char *prefix[LINE_VERSION + 1];
	size_t prefix_len[LINE_VERSION + 1];
	int fd;     /* the journal, O_APPEND */
	int lockfd; /* outbox.lock, for flock */
	size_t pending;
	dev_t dev;
	ino_t ino;
	off_t size;        /* of the journal when pending was counted */
	size_t refused;    /* lines refused as invalid since outbox_take_refused */
	char *refused_why; /* the last one's reason */
	/* The remembered session and user (see outbox_remember_session). */
	char *jti, *user_id, *name, *email;
};

static char *path_in(const struct outbox *ob, const char *name)
{
	return xasprintf("%s/%s", ob->dir, name);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The whole file at path (NUL-terminated) in *out, NULL when missing; 0, or -1 with errno. */
static int read_all(const char *path, char **out, size_t *len)
{
	/* Written 0600 by this file; another mode is no reason to lose the writes. */
	enum fs_read r = fs_read_private(path, OUTBOX_MAX_BYTES, true, out, len);
	if (r == FS_READ_OK || r == FS_READ_MISSING)
		return 0;
	if (r != FS_READ_FAILED)
		errno = r == FS_READ_TOO_BIG ? EFBIG : r == FS_READ_LINK ? ELOOP : EPERM;
	return -1;
}

/* The version of a line of this store (n bytes at p), or 0 when it is another's. */
static int version_of(const struct outbox *ob, const char *p, size_t n)
{
	for (int v = 1; v <= LINE_VERSION; v++)
		if (n >= ob->prefix_len[v] && memcmp(p, ob->prefix[v], ob->prefix_len[v]) == 0)
			return v;
	return 0;
}

/* Complete lines of this store in data. */
static size_t count_lines(const struct outbox *ob, const char *data, size_t len)
{
	size_t n = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break; /* torn */
		if (version_of(ob, p, (size_t)(nl - p)) > 0)
			n++;
		p = nl + 1;
	}
	return n;
}

/* Re-reads the journal when it is not the file or size last counted. */
static void recount(struct outbox *ob, int force)
{
	struct stat sb;
	if (stat(ob->path, &sb) != 0) {
		ob->pending = 0;
		ob->size = 0;
		return;
	}
	if (!force && sb.st_dev == ob->dev && sb.st_ino == ob->ino && sb.st_size == ob->size)
		return;
	char *data;
	size_t len;
	if (read_all(ob->path, &data, &len) != 0)
		return;
	ob->pending = count_lines(ob, data, len);
	ob->dev = sb.st_dev;
	ob->ino = sb.st_ino;
	ob->size = (off_t)len;
	free(data);
}

static int open_journal(struct outbox *ob, char **cause)
{
	if (ob->fd >= 0)
		close(ob->fd);
	ob->fd = open(ob->path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ob->fd < 0)
		return set_cause(cause, "store: cannot open the outbox %s: %s", ob->path,
		                 strerror(errno));
	return 0;
}

/* After another process renamed a compacted journal over ours, follow it. */
static int follow_journal(struct outbox *ob, char **cause)
{
	struct stat a, b;
	if (ob->fd >= 0 && fstat(ob->fd, &a) == 0 && stat(ob->path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	return open_journal(ob, cause);
}

static void load_session(struct outbox *ob);
static int rewrite(struct outbox *ob, const char *data, size_t len, char **cause);

/* Drops a torn last line (a crash mid-write) now, before anything is appended after it. */
static void drop_torn_tail(struct outbox *ob)
{
	char *data = NULL;
	size_t len = 0;
	while (flock(ob->lockfd, LOCK_EX) != 0 && errno == EINTR)
		;
	if (read_all(ob->path, &data, &len) == 0 && len > 0 && data[len - 1] != '\n') {
		const char *nl = memrchr(data, '\n', len);
		rewrite(ob, data, nl ? (size_t)(nl - data) + 1 : 0, NULL);
	}
	free(data);
	flock(ob->lockfd, LOCK_UN);
}

struct outbox *outbox_open(const char *state_dir, const char *ident, char **cause)
{
	if (state_dir == NULL || *state_dir == '\0') {
		set_cause(cause, "store: no state directory for the outbox; set XDG_STATE_HOME or "
		                 "HOME");
		return NULL;
	}
	char *why = NULL;
	if (fs_mkdir_p(state_dir, &why) < 0) {
		set_cause(cause, "store: %s (for the outbox)", why);
		free(why);
		return NULL;
	}
	struct outbox *ob = xcalloc(1, sizeof(*ob));
	ob->fd = -1;
	ob->lockfd = -1;
	ob->dir = xstrdup(state_dir);
	ob->path = path_in(ob, JOURNAL);
	ob->ident = xstrdup(ident);
	/* The prefixes are printed by cJSON so the ident is escaped as in every line. */
	for (int v = 1; v <= LINE_VERSION; v++) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "v", v);
		cJSON_AddStringToObject(j, "store", ident);
		char *s = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		s[strlen(s) - 1] = ',';
		ob->prefix[v] = s;
		ob->prefix_len[v] = strlen(s);
	}
	char *lock = path_in(ob, "outbox.lock");
	ob->lockfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ob->lockfd < 0) {
		set_cause(cause, "store: cannot open %s: %s", lock, strerror(errno));
		free(lock);
		outbox_close(ob);
		return NULL;
	}
	free(lock);
	if (open_journal(ob, cause) < 0) {
		outbox_close(ob);
		return NULL;
	}
	drop_torn_tail(ob);
	recount(ob, 1);
	load_session(ob);
	return ob;
}

void outbox_close(struct outbox *ob)
{
	if (ob == NULL)
		return;
	if (ob->fd >= 0)
		close(ob->fd);
	if (ob->lockfd >= 0)
		close(ob->lockfd);
	free(ob->dir);
	free(ob->path);
	free(ob->ident);
	for (int v = 1; v <= LINE_VERSION; v++)
		free(ob->prefix[v]);
	free(ob->jti);
	free(ob->user_id);
	free(ob->name);
	free(ob->email);
	free(ob->refused_why);
	free(ob);
}

size_t outbox_pending(const struct outbox *ob)
{
	return ob ? ob->pending : 0;
}

void outbox_refresh(struct outbox *ob)
{
	if (ob != NULL)
		recount(ob, 0);
}

/* ---- appending ---- */

static cJSON *line_new(const char *op, const char *user_id)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "op", op);
	cJSON_AddStringToObject(j, "user", user_id);
	return j;
}

static void add_str(cJSON *j, const char *key, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(j, key);
	else
		cJSON_AddStringToObject(j, key, v);
}

/* Writes one line (and frees j): under the lock, after a torn tail, fdatasync'd. */
static int append(struct outbox *ob, cJSON *j, char **cause)
{
	char *body = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (body == NULL)
		return set_cause(cause, "store: cannot encode a write for the outbox"), STORE_ERROR;
	/* body is {"op":...}: the line is prefix + body without its '{' + '\n'. */
	char *line = xasprintf("%s%s\n", ob->prefix[LINE_VERSION], body + 1);
	free(body);
	int rc = STORE_OK;
	while (flock(ob->lockfd, LOCK_EX) != 0 && errno == EINTR)
		;
	if (follow_journal(ob, cause) < 0) {
		rc = STORE_ERROR;
		goto out;
	}
	recount(ob, 0);
	struct stat sb = {0};
	char last = '\n';
	if (fstat(ob->fd, &sb) == 0 && sb.st_size > 0) {
		int rfd = open(ob->path, O_RDONLY | O_CLOEXEC);
		if (rfd < 0 || pread(rfd, &last, 1, sb.st_size - 1) != 1)
			last = '\n';
		if (rfd >= 0)
			close(rfd);
	}
	/* A torn tail (another writer crashed) must not swallow this line: end it. */
	off_t before = sb.st_size;
	if ((last != '\n' && write_all(ob->fd, "\n", 1) != 0) ||
	    write_all(ob->fd, line, strlen(line)) != 0 || fdatasync(ob->fd) != 0) {
		int e = errno;
		/* No torn line left behind; lack of space is worth a retry later. */
		if (ftruncate(ob->fd, before) != 0)
			e = errno;
		rc = e == ENOSPC || e == EDQUOT ? STORE_FULL : STORE_ERROR;
		set_cause(cause, "store: cannot write the outbox %s: %s", ob->path, strerror(e));
		goto out;
	}
	if (fstat(ob->fd, &sb) == 0) {
		ob->pending++;
		ob->dev = sb.st_dev;
		ob->ino = sb.st_ino;
		ob->size = sb.st_size;
	}
out:
	flock(ob->lockfd, LOCK_UN);
	free(line);
	return rc;
}

int outbox_conv_create(struct outbox *ob, const char *user_id, const char *id, const char *title,
                       const char *model, const char *system_prompt, long long at, char **cause)
{
	cJSON *j = line_new("conv_create", user_id);
	cJSON_AddStringToObject(j, "id", id);
	add_str(j, "title", title);
	add_str(j, "model", model);
	add_str(j, "system_prompt", system_prompt);
	cJSON_AddNumberToObject(j, "at", (double)at);
	return append(ob, j, cause);
}

int outbox_conv_set(struct outbox *ob, const char *user_id, const char *conv_id, const char *field,
                    const char *value, char **cause)
{
	cJSON *j = line_new("conv_set", user_id);
	cJSON_AddStringToObject(j, "conv", conv_id);
	cJSON_AddStringToObject(j, "field", field);
	add_str(j, "value", value);
	return append(ob, j, cause);
}

int outbox_conv_delete(struct outbox *ob, const char *user_id, const char *conv_id, char **cause)
{
	cJSON *j = line_new("conv_delete", user_id);
	cJSON_AddStringToObject(j, "conv", conv_id);
	return append(ob, j, cause);
}

/* A field's key in a journal line of version v (see record.h: 0.1 wrote v1 keys). */
static const char *key_of(const struct rec_field *f, int v)
{
	return v == 1 && f->v1_key != NULL ? f->v1_key : f->name;
}

/* The object a field sits in: j, or its group's object (made when `make`). */
static cJSON *holder(cJSON *j, const struct rec_field *f, int make)
{
	if (f->group == NULL)
		return j;
	cJSON *g = cJSON_GetObjectItemCaseSensitive(j, f->group);
	if (g == NULL && make)
		g = cJSON_AddObjectToObject(j, f->group);
	return g;
}

/* The fields of a record with all of `flags`, as the journal writes them today. */
static void add_record(cJSON *j, const struct rec_table *t, const void *rec, unsigned flags)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_field *f = &t->fields[i];
		if ((f->flags & flags) != flags)
			continue;
		cJSON *o = holder(j, f, 1);
		size_t len;
		const char *s;
		if (!rec_is_text(f))
			cJSON_AddNumberToObject(o, f->name, (double)rec_int(f, rec));
		else if ((s = rec_text(f, rec, &len)) == NULL)
			cJSON_AddNullToObject(o, f->name);
		else
			cJSON_AddStringToObject(o, f->name, s);
	}
}

int outbox_msg_append(struct outbox *ob, const char *user_id, const char *conv_id, const char *id,
                      const struct msg *m, bool sealed, char **cause)
{
	cJSON *j = line_new("msg_append", user_id);
	if (sealed)
		cJSON_AddTrueToObject(j, "sealed");
	cJSON_AddStringToObject(j, "conv", conv_id);
	cJSON_AddStringToObject(j, "id", id);
	add_record(j, &msg_record, m, 0);
	cJSON *imgs = cJSON_AddArrayToObject(j, "images");
	for (size_t i = 0; i < m->nimages; i++) {
		cJSON *im = cJSON_CreateObject();
		add_record(im, &image_record, &m->images[i], 0);
		cJSON_AddItemToArray(imgs, im);
	}
	return append(ob, j, cause);
}

int outbox_msg_update(struct outbox *ob, const char *user_id, const char *conv_id,
                      const struct msg *m, bool sealed, char **cause)
{
	cJSON *j = line_new("msg_update", user_id);
	if (sealed)
		cJSON_AddTrueToObject(j, "sealed");
	cJSON_AddStringToObject(j, "conv", conv_id);
	cJSON_AddStringToObject(j, "id", m->id);
	cJSON_AddStringToObject(j, "role", msg_role_name(m->role)); /* sealed for it */
	add_record(j, &msg_record, m, REC_STATE);
	/* Images only for their Files API copies, which an update rewrites. */
	if (m->nimages > 0) {
		cJSON *imgs = cJSON_AddArrayToObject(j, "images");
		for (size_t i = 0; i < m->nimages; i++) {
			cJSON *im = cJSON_CreateObject();
			add_record(im, &image_record, &m->images[i], REC_STATE);
			cJSON_AddItemToArray(imgs, im);
		}
	}
	return append(ob, j, cause);
}

int outbox_msg_feedback(struct outbox *ob, const char *user_id, const char *conv_id,
                        const char *msg_id, int feedback, char **cause)
{
	cJSON *j = line_new("msg_feedback", user_id);
	cJSON_AddStringToObject(j, "conv", conv_id);
	cJSON_AddStringToObject(j, "id", msg_id);
	cJSON_AddNumberToObject(j, "feedback", feedback);
	return append(ob, j, cause);
}

int outbox_usage_add(struct outbox *ob, const char *user_id, const char *id, const char *model,
                     long long at, char **cause)
{
	cJSON *j = line_new("usage_add", user_id);
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "model", model);
	cJSON_AddNumberToObject(j, "at", (double)at);
	return append(ob, j, cause);
}

/* ---- replay ---- */

static const char *jstr(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The number at key, or 0 (as if absent) when it is not one or does not fit
 * a long long: converting "at":1e23 would be undefined behaviour. */
static long long jnum(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	/* cppcheck 2.10 takes 0x1p63 for an integer; the range is not empty */
	/* cppcheck-suppress incorrectLogicOperator */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -0x1p63 && v->valuedouble < 0x1p63))
		return 0;
	return (long long)v->valuedouble;
}

/* The line's time; the time of the replay when it has none that fits. */
static long long jat(const cJSON *j)
{
	long long at = jnum(j, "at");
	return at != 0 ? at : wall_ms();
}

/* Reads a record's fields from a line of version v; what is missing reads as null or 0. */
static void get_record(const cJSON *j, int v, const struct rec_table *t, void *rec)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct rec_field *f = &t->fields[i];
		const cJSON *x =
		    cJSON_GetObjectItemCaseSensitive(holder((cJSON *)j, f, 0), key_of(f, v));
		if (rec_is_text(f)) {
			const char *s = cJSON_IsString(x) ? x->valuestring : NULL;
			rec_set_text(f, rec, s, s ? strlen(s) : 0);
		} else {
			rec_set_int(f, rec, jnum(holder((cJSON *)j, f, 0), key_of(f, v)));
		}
	}
}

/* The message of a msg_append or msg_update line of version v. */
static struct msg *msg_from_line(const cJSON *j, int v)
{
	struct msg *m = msg_new(ROLE_MODEL, NULL);
	get_record(j, v, &msg_record, m);
	const cJSON *im;
	cJSON_ArrayForEach(im, cJSON_GetObjectItemCaseSensitive(j, "images"))
	{
		get_record(im, v, &image_record, rec_add_image(m));
	}
	return m;
}

/*
 * The message of a line, opened when it was journaled sealed (seal.c's
 * kind "journal:ID" for the line's user, conversation and id); NULL when
 * it does not open: the line was changed, moved or planted.
 */
static struct msg *line_msg(const cJSON *j, int v, const struct seal_key *k, const char *user,
                            const char *conv, const char *id)
{
	struct msg *m = msg_from_line(j, v);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "sealed")))
		return m;
	if (k == NULL || k->key == NULL) { /* line_owner keeps such lines for later */
		msg_free(m);
		return NULL;
	}
	char *kind = xasprintf("journal:%s", id);
	bool ok = seal_open_msg_with(k->key, kind, user, conv, m, 0);
	free(kind);
	if (!ok) {
		msg_free(m);
		return NULL;
	}
	return m;
}

/* The last account a keyless replay looked up: whether its data is sealed (has a vault). */
struct owner_cache {
	char *user;
	bool sealed;
};

/* Whether user's account keeps its data sealed; an account not found is not (the line fails). */
static bool user_sealed(const struct store_engine *e, void *h, const char *user,
                        struct owner_cache *oc)
{
	if (oc->user != NULL && strcmp(oc->user, user) == 0)
		return oc->sealed;
	struct store_user *u = NULL;
	char *why = NULL;
	bool sealed = e->user_find(h, 0, user, &u, &why) == 0 && u->vault != NULL && *u->vault;
	store_user_free(u);
	free(why);
	free(oc->user);
	oc->user = xstrdup(user);
	oc->sealed = sealed;
	return sealed;
}

/*
 * Whose line this is, under the store's key: 0 to apply it; OUTBOX_LATER
 * to keep it for a run that holds its user's key; STORE_INVALID (refused
 * for good) for a line naming another account while a key is open, which
 * is never applied under this one. Without a key (the replay at open,
 * before the login is known) only the lines of an account whose data is
 * not sealed (made before sealing) go out; the others wait for their key,
 * so a line planted for another account is refused, not applied.
 */
#define OUTBOX_LATER 2
static int line_owner(const cJSON *j, const struct store_engine *e, void *h,
                      const struct seal_key *k, const char *user, struct owner_cache *oc,
                      char **cause)
{
	bool sealed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "sealed"));
	if (k == NULL || k->key == NULL)
		return sealed || user_sealed(e, h, user, oc) ? OUTBOX_LATER : STORE_OK;
	if (!seal_allows(k, user))
		return set_cause(cause, "store: outbox line names another account than the one "
		                        "logged in; it was not applied"),
		       STORE_INVALID;
	return STORE_OK;
}

/*
 * A title or system prompt of a line as the engine is to store it. store.c
 * journals them sealed already (a conversation's place has no seq), but a
 * run that had no data key open (an account from before sealing) journaled
 * them in clear: with a key open now, they are sealed here, as the engine
 * seals the messages of such lines.
 */
static char *line_conv_field(const struct seal_key *k, const char *user, const char *conv,
                             const char *field, const char *value)
{
	if (value == NULL)
		return NULL;
	if (k == NULL || vault_is_sealed(value, strlen(value)))
		return xstrdup(value);
	return seal_conv_field(k, user, conv, field, value);
}

/*
 * Applies one line: the engine's code (see engine.h), with "already
 * applied" turned into 0.
 */
static int apply(const cJSON *j, int v, const struct store_engine *e, void *h,
                 const struct seal_key *k, struct owner_cache *oc, char **cause)
{
	const char *op = jstr(j, "op"), *user = jstr(j, "user"), *conv = jstr(j, "conv");
	const char *id = jstr(j, "id");
	int rc;
	if (op == NULL || user == NULL)
		return set_cause(cause, "store: outbox line without op or user"), STORE_INVALID;
	if ((rc = line_owner(j, e, h, k, user, oc, cause)) != 0)
		return rc;
	const struct rec_sealer *seal = k ? seal_sealer(k) : NULL;
	if (strcmp(op, "conv_create") == 0) {
		char *got = NULL;
		if (id == NULL)
			return set_cause(cause, "store: outbox line without id"), STORE_INVALID;
		const char *t = jstr(j, "title");
		char *title = line_conv_field(k, user, id, "title", t ? t : "");
		char *sys = line_conv_field(k, user, id, "system_prompt", jstr(j, "system_prompt"));
		rc = e->conv_create(h, user, title, jstr(j, "model"), sys, id, jat(j), &got, cause);
		free(got);
		free(title);
		free(sys);
		return rc == STORE_EXISTS ? STORE_OK : rc;
	}
	if (strcmp(op, "usage_add") == 0 && id != NULL) {
		const char *model = jstr(j, "model");
		rc = e->usage_add(h, user, model ? model : "", jat(j), id, cause);
		return rc == STORE_EXISTS ? STORE_OK : rc;
	}
	if (conv == NULL)
		return set_cause(cause, "store: outbox line without conversation"), STORE_INVALID;
	if (strcmp(op, "conv_set") == 0) {
		const char *field = jstr(j, "field");
		if (field == NULL || (strcmp(field, "title") != 0 && strcmp(field, "model") != 0 &&
		                      strcmp(field, "system_prompt") != 0))
			return set_cause(cause, "store: outbox line with a bad field"),
			       STORE_INVALID;
		const char *val = jstr(j, "value");
		char *value = strcmp(field, "model") == 0
		                  ? (val ? xstrdup(val) : NULL)
		                  : line_conv_field(k, user, conv, field, val);
		rc = e->conv_set(h, user, conv, field, value, cause);
		free(value);
		return rc;
	}
	if (strcmp(op, "conv_delete") == 0) {
		rc = e->conv_delete(h, user, conv, cause);
		return engine_class(rc) == STORE_NOTFOUND ? STORE_OK : rc; /* gone already */
	}
	if (id == NULL)
		return set_cause(cause, "store: outbox line without id"), STORE_INVALID;
	if (strcmp(op, "msg_append") == 0) {
		struct msg *m = line_msg(j, v, k, user, conv, id);
		if (m == NULL)
			return set_cause(cause, "store: outbox line is tampered (its message does "
			                        "not open); it was not applied"),
			       STORE_INVALID;
		if (m->created_ms == 0) /* no time that fits: the time of the replay */
			m->created_ms = wall_ms();
		rc = e->msg_append(h, user, conv, m, id, m->created_ms, seal, cause);
		msg_free(m);
		return rc == STORE_EXISTS ? STORE_OK : rc;
	}
	if (strcmp(op, "msg_update") == 0) {
		struct msg *m = line_msg(j, v, k, user, conv, id);
		if (m == NULL)
			return set_cause(cause, "store: outbox line is tampered (its message does "
			                        "not open); it was not applied"),
			       STORE_INVALID;
		m->id = xstrdup(id);
		rc = e->msg_update(h, user, conv, m, seal, cause);
		msg_free(m);
		return rc;
	}
	if (strcmp(op, "msg_feedback") == 0)
		return e->msg_feedback(h, user, conv, id, (int)jnum(j, "feedback"), cause);
	return set_cause(cause, "store: outbox line with unknown op '%s'", op), STORE_INVALID;
}

/* Keeps refused lines for a human: appended and synced before they leave the journal. */
static int reject(struct outbox *ob, const char *line, size_t len, const char *why)
{
	char *p = path_in(ob, REJECTED);
	int fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(p);
	if (fd < 0)
		return -1;
	int rc = write_all(fd, line, len) == 0 && write_all(fd, "\n", 1) == 0 ? 0 : -1;
	(void)why;
	if (rc == 0 && fdatasync(fd) != 0)
		rc = -1;
	close(fd);
	return rc;
}

/* Replaces the journal with `data`, atomically (fs_write_private). */
static int rewrite(struct outbox *ob, const char *data, size_t len, char **cause)
{
	char *why = NULL;
	if (fs_write_private(ob->path, data, len, 0, "the outbox", &why) != 0) {
		set_cause(cause, "store: %s", why);
		free(why);
		return STORE_ERROR;
	}
	return open_journal(ob, cause);
}

int outbox_replay(struct outbox *ob, const struct store_engine *e, void *h,
                  const struct seal_key *k, char **cause)
{
	if (flock(ob->lockfd, LOCK_EX | LOCK_NB) != 0)
		return 1; /* another process is at it; its result shows at the next count */
	char *data = NULL;
	size_t len = 0;
	if (read_all(ob->path, &data, &len) != 0) {
		set_cause(cause, "store: cannot read the outbox %s: %s", ob->path, strerror(errno));
		flock(ob->lockfd, LOCK_UN);
		return STORE_ERROR;
	}
	struct buf keep;
	buf_init(&keep, OUTBOX_MAX_BYTES);
	int stop = 0, changed = 0;
	char *why = NULL;
	struct owner_cache oc = {NULL, false};
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			changed = 1; /* a torn last line: never acknowledged, dropped */
			break;
		}
		size_t n = (size_t)(nl - p);
		int v = version_of(ob, p, n);
		if (n == 0) {
			changed = 1;
		} else if (v == 0 || stop) {
			buf_add(&keep, p, n + 1);
		} else {
			cJSON *j = cJSON_ParseWithLength(p, n);
			int rc = j ? apply(j, v, e, h, k, &oc, &why) : STORE_INVALID;
			rc = rc == OUTBOX_LATER ? rc : engine_class(rc);
			cJSON_Delete(j);
			if (rc == OUTBOX_LATER) {
				buf_add(&keep, p, n + 1); /* its user's key is not open here */
			} else if (rc == STORE_OK) {
				changed = 1;
			} else if ((rc == STORE_NOTFOUND || rc == STORE_INVALID) &&
			           reject(ob, p, n, why) == 0) {
				/* Refused for good (a conversation deleted elsewhere, a damaged
				 * line): kept aside so that the lines after it can go. */
				changed = 1;
				if (rc == STORE_INVALID) { /* not just gone: the user is told */
					ob->refused++;
					free(ob->refused_why);
					ob->refused_why = why ? xstrdup(why) : NULL;
				}
			} else {
				stop = 1;
				buf_add(&keep, p, n + 1);
				if (rc == STORE_OFFLINE && why != NULL)
					set_cause(cause, "%s", why);
				else
					set_cause(cause, "store: replaying the outbox failed: %s",
					          why ? why : "unknown error");
				if (rc == STORE_NOTFOUND || rc == STORE_INVALID)
					rc = STORE_ERROR;
				stop = rc;
			}
			free(why);
			why = NULL;
		}
		p = nl + 1;
	}
	free(data);
	free(oc.user);
	int rc = STORE_OK;
	if (changed)
		rc = rewrite(ob, keep.data, keep.len, cause);
	recount(ob, 1);
	buf_release(&keep);
	flock(ob->lockfd, LOCK_UN);
	if (rc < 0)
		return rc;
	return stop < 0 ? stop : STORE_OK;
}

size_t outbox_take_refused(struct outbox *ob, char **why)
{
	size_t n = ob->refused;
	*why = ob->refused_why;
	ob->refused = 0;
	ob->refused_why = NULL;
	return n;
}

char *outbox_rejected_path(const struct outbox *ob)
{
	return path_in(ob, REJECTED);
}

/* ---- the remembered session ---- */

static void load_session(struct outbox *ob)
{
	char *p = path_in(ob, SESSION), *data;
	size_t len;
	int rc = read_all(p, &data, &len);
	free(p);
	if (rc != 0 || data == NULL)
		return;
	cJSON *j = cJSON_ParseWithLength(data, len);
	free(data);
	const char *s = jstr(j, "store");
	if (s == NULL || strcmp(s, ob->ident) != 0) {
		cJSON_Delete(j);
		return;
	}
	if ((s = jstr(j, "jti")) != NULL)
		ob->jti = xstrdup(s);
	if ((s = jstr(j, "user_id")) != NULL)
		ob->user_id = xstrdup(s);
	if ((s = jstr(j, "name")) != NULL)
		ob->name = xstrdup(s);
	if ((s = jstr(j, "email")) != NULL)
		ob->email = xstrdup(s);
	cJSON_Delete(j);
}

static void save_session(struct outbox *ob)
{
	cJSON *j = cJSON_CreateObject();
	add_str(j, "store", ob->ident);
	add_str(j, "jti", ob->jti);
	add_str(j, "user_id", ob->user_id);
	add_str(j, "name", ob->name);
	add_str(j, "email", ob->email);
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	char *p = path_in(ob, SESSION);
	/* Best effort: without it only offline logins are lost, never data. */
	(void)fs_write_private(p, s, strlen(s), 0, "the outbox's session", NULL);
	free(s);
	free(p);
}

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? xstrdup(v) : NULL;
}

void outbox_remember_session(struct outbox *ob, const char *jti, const char *user_id)
{
	if (ob == NULL || (same(ob->jti, jti) && same(ob->user_id, user_id)))
		return;
	if (!same(ob->user_id, user_id)) {
		set_str(&ob->name, NULL);
		set_str(&ob->email, NULL);
	}
	set_str(&ob->jti, jti);
	set_str(&ob->user_id, user_id);
	save_session(ob);
}

void outbox_remember_user(struct outbox *ob, const struct store_user *u)
{
	if (ob == NULL || !same(ob->user_id, u->id) ||
	    (same(ob->name, u->name) && same(ob->email, u->email)))
		return;
	set_str(&ob->name, u->name);
	set_str(&ob->email, u->email);
	save_session(ob);
}

int outbox_recall_session(const struct outbox *ob, const char *jti, char **user_id_out)
{
	if (ob == NULL || ob->jti == NULL || ob->user_id == NULL || strcmp(ob->jti, jti) != 0)
		return -1;
	*user_id_out = xstrdup(ob->user_id);
	return 0;
}

struct store_user *outbox_recall_user(const struct outbox *ob, const char *id)
{
	if (ob == NULL || ob->user_id == NULL || strcmp(ob->user_id, id) != 0)
		return NULL;
	struct store_user *u = xcalloc(1, sizeof(*u));
	u->id = xstrdup(id);
	u->name = xstrdup(ob->name ? ob->name : "");
	u->email = xstrdup(ob->email ? ob->email : "");
	u->password_hash = xstrdup("");
	return u;
}
