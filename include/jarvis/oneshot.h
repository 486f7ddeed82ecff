/*
 * oneshot.h: `jarvis -p PROMPT` and `-p -`: one question, the answer
 * streamed to standard output as it arrives, diagnostics on standard error,
 * and the exit status of the contract.
 */
#ifndef JARVIS_ONESHOT_H
#define JARVIS_ONESHOT_H

struct cli;
struct config;

/* Runs one-shot mode; returns the exit status. */
int oneshot_run(const struct cli *cli, const struct config *cfg);

/* Where -p stores (all NULL for a guest or --no-save). */
struct oneshot_store {
	struct store *st;
	const char *user_id;
	const char *conv_id;
};

struct loop;
struct store;
struct conv;
struct gemini_target;
struct gemini_request_info;
/*
 * Looks up or uploads sent->upload through the Files API on l, says so on
 * stderr and stores the new files of earlier messages; 0, or -1 with
 * *error (why the Files API failed) for the request to go without it.
 */
int oneshot_files(struct loop *l, const struct oneshot_store *where, const struct conv *c,
                  const struct gemini_target *t, const struct gemini_request_info *sent,
                  char **error);

#endif
