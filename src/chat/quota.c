/*
 * quota.c: request counts from one source (see quota.h). The journal is
 * one line per request, "MS MODEL\n", appended with O_APPEND (a line is
 * one write, so runs at once do not interleave); lines older than a day
 * are dropped when it is rewritten, which happens once it grows past
 * JOURNAL_MAX bytes.
 *
 * What it must not do: count a logged-in user's requests anywhere but the
 * store, or fail a question because the journal cannot be read (the API's
 * own 429 is the backstop): a read failure counts as nothing made.
 */
#include "jarvis/quota.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jarvis/buf.h"
#include "jarvis/fs.h"
#include "jarvis/ratelimit.h"
#include "jarvis/store.h"
#include "jarvis/util.h"

#define JOURNAL_NAME "usage.log"
#define JOURNAL_MAX (64 * 1024)

static char *journal_path(const struct quota_source *src)
{
	if (src->state_dir == NULL || *src->state_dir == '\0')
		return NULL;
	return xasprintf("%s/%s", src->state_dir, JOURNAL_NAME);
}

/* The journal's requests to model (all models when model is NULL) within a day of now. */
static void journal_load(const char *path, const char *model, long long now, struct ratelimit *r,
                         struct buf *keep)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return;
	char line[512];
	while (fgets(line, sizeof line, f) != NULL) {
		char *end = NULL;
		long long at = strtoll(line, &end, 10);
		if (end == line || *end != ' ' || at <= now - RATELIMIT_DAY_MS || at > now + 60000)
			continue;
		if (keep != NULL)
			buf_addstr(keep, line);
		char *name = end + 1;
		name[strcspn(name, "\n")] = '\0';
		if (model == NULL || strcmp(name, model) == 0)
			ratelimit_add(r, at);
	}
	fclose(f);
}

int quota_count(const struct quota_source *src, const char *model, long rpm, long rpd,
                long long now_ms, struct quota_use *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (src->st != NULL && src->user_id != NULL) {
		if (store_usage_count(src->st, src->user_id, model, now_ms - RATELIMIT_MINUTE_MS,
		                      &out->minute, cause) < 0 ||
		    store_usage_count(src->st, src->user_id, model, now_ms - RATELIMIT_DAY_MS,
		                      &out->day, cause) < 0)
			return -1;
		return 0;
	}
	char *path = journal_path(src);
	if (path == NULL)
		return 0;
	struct ratelimit r;
	ratelimit_init(&r);
	journal_load(path, model, now_ms, &r, NULL);
	free(path);
	out->minute = (long)ratelimit_count(&r, now_ms, RATELIMIT_MINUTE_MS);
	out->day = (long)ratelimit_count(&r, now_ms, RATELIMIT_DAY_MS);
	long long wait = 0;
	if (ratelimit_check(&r, now_ms, rpm, rpd, &wait) == -1)
		out->wait_ms = wait;
	ratelimit_release(&r);
	return 0;
}

/* Rewrites the journal with the last day's lines only (atomically: fs_write_private). */
static void journal_compact(const char *path, long long now)
{
	struct ratelimit r;
	ratelimit_init(&r);
	struct buf keep;
	buf_init(&keep, BUF_FILE_MAX);
	journal_load(path, NULL, now, &r, &keep);
	ratelimit_release(&r);
	/* Failing is fine: the journal is only longer until the next try. */
	(void)fs_write_private(path, keep.data, keep.len, 0, "the request count", NULL);
	buf_release(&keep);
}

int quota_record(const struct quota_source *src, const char *model, long long now_ms, char **cause)
{
	if (src->st != NULL && src->user_id != NULL)
		return store_usage_add(src->st, src->user_id, model, now_ms,
		                       cause); /* 0 or a store_rc */
	char *path = journal_path(src);
	if (path == NULL)
		return 0;
	if (fs_private_dir(src->state_dir, NULL) != 0) {
		free(path);
		return 0; /* no journal: the API's 429 stays the backstop */
	}
	struct stat sb;
	if (stat(path, &sb) == 0 && sb.st_size > JOURNAL_MAX)
		journal_compact(path, now_ms);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = 0;
	if (fd < 0) {
		rc = set_cause(cause, "cannot record the request in %s: %s", path, strerror(errno));
	} else {
		char *line = xasprintf("%lld %s\n", now_ms, model);
		if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
			rc = set_cause(cause, "cannot record the request in %s: %s", path,
			               strerror(errno));
		free(line);
		close(fd);
	}
	free(path);
	return rc;
}

char *quota_refusal(const struct quota_source *src, const struct quota_use *u, const char *model,
                    long rpm, long rpd)
{
	const char *who = src->st != NULL && src->user_id != NULL ? "this account" : "this machine";
	char wait[64] = "";
	if (u->wait_ms > 0)
		snprintf(wait, sizeof wait, "the next is free in %lld s; ",
		         (u->wait_ms + 999) / 1000);
	if (rpm > 0 && u->minute >= rpm)
		return xasprintf("quota: %s allows %ld requests a minute and %s made %ld; %swait "
		                 "a moment or pick another model",
		                 model, rpm, who, u->minute, wait);
	if (rpd > 0 && u->day >= rpd)
		return xasprintf("quota: %s allows %ld requests a day and %s made %ld; %stry "
		                 "tomorrow or pick another model",
		                 model, rpd, who, u->day, wait);
	return NULL;
}

char *quota_line(const struct quota_use *u, long rpm, long rpd)
{
	struct buf b;
	buf_init(&b, BUF_LINE_MAX);
	if (rpm > 0)
		buf_addf(&b, "RPM %ld/%ld", rpm > u->minute ? rpm - u->minute : 0, rpm);
	if (rpd > 0)
		buf_addf(&b, "%sRPD %ld/%ld", b.len ? " " : "", rpd > u->day ? rpd - u->day : 0,
		         rpd);
	return b.len ? buf_steal(&b) : (buf_release(&b), xstrdup(""));
}
