/*
 * quota.h: how many requests were made to a model this minute and today,
 * from one source, so the status line, /quota and the check before a
 * request agree. A logged-in user's source is the store's usage records
 * (every run and every window on the same store counts); a guest's, and
 * a --no-save run's, is a journal on this machine (state_dir/usage.log),
 * so runs that store nothing are counted too. Calls may block (the store
 * may be remote, the journal is a file): the TUI runs them on the worker.
 */
#ifndef JARVIS_QUOTA_H
#define JARVIS_QUOTA_H

#include <stdbool.h>

struct store;

/* Where requests are counted: st and user_id for an account, else the journal in state_dir. */
struct quota_source {
	struct store *st;
	const char *user_id;
	const char *state_dir;
};

/* Requests made in the last minute and the last day, and when one is free again. */
struct quota_use {
	long minute;
	long day;
	long long wait_ms; /* over a limit: how long until a request is free (0: unknown) */
};

/* Counts requests to model up to now_ms. -1 with *cause when the source cannot be read. */
int quota_count(const struct quota_source *src, const char *model, long rpm, long rpd,
                long long now_ms, struct quota_use *out, char **cause);
/* Records one request to model at now_ms: 0, or -1 (the journal) or a store_rc (the store). */
int quota_record(const struct quota_source *src, const char *model, long long now_ms, char **cause);
/*
 * NULL when one more request keeps within rpm and rpd (0: no limit); else
 * what to tell the user ("quota: M allows 2 requests a minute and ...").
 */
char *quota_refusal(const struct quota_source *src, const struct quota_use *u, const char *model,
                    long rpm, long rpd);
/* "RPM 3/5 RPD 7/20" (requests left of the limit), "" when the model has no limits. */
char *quota_line(const struct quota_use *u, long rpm, long rpd);

#endif
