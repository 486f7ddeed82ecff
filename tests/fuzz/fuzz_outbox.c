/*
 * fuzz_outbox.c: libFuzzer harness for the outbox replay. The input is the
 * journal (state_dir/outbox.jsonl); it is replayed into an engine that
 * accepts every write and checks what it is given: every line it applies
 * names a user, and a message's text is valid C string data. After the
 * replay nothing of this store is left pending.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/store/engine.h"
#include "../../src/store/outbox.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(const char *s)
{
	if (s == NULL)
		abort();
}

static int f_conv_create(void *h, const char *user_id, const char *title, const char *model,
                         const char *system_prompt, const char *id, long long now, char **id_out,
                         char **cause)
{
	need(user_id);
	*id_out = xstrdup(id ? id : "made-here");
	return STORE_OK;
}

static int f_conv_set(void *h, const char *user_id, const char *conv_id, const char *field,
                      const char *value, char **cause)
{
	need(user_id), need(conv_id), need(field);
	return STORE_OK;
}

static int f_conv_delete(void *h, const char *user_id, const char *conv_id, char **cause)
{
	need(user_id), need(conv_id);
	return STORE_OK;
}

static int f_msg_append(void *h, const char *user_id, const char *conv_id, struct msg *m,
                        const char *id, long long now, const struct rec_sealer *seal, char **cause)
{
	need(user_id), need(conv_id);
	if (m->text.len > 0 && m->text.data == NULL)
		abort();
	return STORE_OK;
}

static int f_msg_update(void *h, const char *user_id, const char *conv_id, const struct msg *m,
                        const struct rec_sealer *seal, char **cause)
{
	need(user_id), need(conv_id);
	return STORE_OK;
}

static int f_msg_feedback(void *h, const char *user_id, const char *conv_id, const char *msg_id,
                          int feedback, char **cause)
{
	need(user_id), need(conv_id), need(msg_id);
	return STORE_OK;
}

static int f_usage_add(void *h, const char *user_id, const char *model, long long at,
                       const char *id, char **cause)
{
	need(user_id), need(model);
	return STORE_OK;
}

/* No account is known: a line's owner is taken for one made before sealing. */
static int f_user_find(void *h, int by_email, const char *key, struct store_user **out,
                       char **cause)
{
	need(key);
	return ENGINE_NO_ACCOUNT;
}

static const struct store_engine accepting = {
    .name = "fuzz",
    .user_find = f_user_find,
    .conv_create = f_conv_create,
    .conv_set = f_conv_set,
    .conv_delete = f_conv_delete,
    .msg_append = f_msg_append,
    .msg_update = f_msg_update,
    .msg_feedback = f_msg_feedback,
    .usage_add = f_usage_add,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64];
	if (dir[0] == '\0')
		snprintf(dir, sizeof dir, "/tmp/jarvis-fuzz-outbox-%d", (int)getpid());
	char *path = xasprintf("%s/outbox.jsonl", dir);
	char *cause = NULL;
	struct outbox *ob = outbox_open(dir, "mongodb/fuzz", &cause);
	if (ob == NULL)
		abort();
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	outbox_refresh(ob);
	free(cause);
	cause = NULL;
	if (outbox_replay(ob, &accepting, NULL, NULL, &cause) == 0 && outbox_pending(ob) != 0)
		abort();
	free(cause);
	outbox_close(ob);
	unlink(path);
	char *rej = xasprintf("%s/outbox.rejected.jsonl", dir);
	unlink(rej);
	free(rej);
	free(path);
	return 0;
}
