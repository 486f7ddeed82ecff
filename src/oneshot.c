/*
 * oneshot.c: one-shot mode (see oneshot.h). The answer is written with
 * write(2) at the end of each loop round that brought some, so a pipe sees
 * it as it arrives, in one write per read rather than one per event; when
 * standard output is a terminal, control characters and escape sequences
 * from the model are neutralised first. Thoughts are never printed.
 *
 * When a user is logged in (and not --no-save) the exchange is stored: the
 * question before the request goes out, the answer as a message marked
 * "interrupted" from the moment the stream starts (so a crash leaves it
 * so), its text checkpointed at most once a second, and its final status,
 * finish reason and usage when the stream ends. With -C the conversation's
 * earlier turns are sent as context. A store failure never costs the user
 * the answer: it is still printed, and the run exits 3 afterwards.
 *
 * What it must not do: touch the store for a guest (no session file: the
 * profile opens nothing), write to the store from a libcurl callback (the
 * callbacks only note what happened; the store is written between loop
 * rounds), or print anything but the answer on stdout.
 */
#include "jarvis/oneshot.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/answer_json.h"
#include "jarvis/attach.h"
#include "jarvis/cli.h"
#include "jarvis/config.h"
#include "jarvis/conv.h"
#include "jarvis/exchange.h"
#include "jarvis/exit.h"
#include "jarvis/gemini.h"
#include "jarvis/grounding.h"
#include "jarvis/account.h"
#include "jarvis/loop.h"
#include "jarvis/models.h"
#include "jarvis/profile.h"
#include "jarvis/quota.h"
#include "jarvis/store.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

struct oneshot {
	struct loop *loop;
	struct gemini_call *call;
	bool done;
	bool interrupted;
	int status;
	bool tty;
	enum cli_output output;  /* --output-format */
	const char *model;       /* the model asked */
	struct buf all_text;     /* the whole answer, for the JSON result */
	struct buf all_thoughts; /* the whole thought summary, likewise */
	const char *state;       /* how it ended, for the JSON result */
	char *why;               /* what was said on stderr about it, or NULL */
	struct utf8_stream neutral;
	struct buf out;     /* neutralised text of one delta */
	struct buf pending; /* output not written yet (flush_out) */
	char last_byte;     /* the last byte written, to end with a newline */
	bool wrote;
	bool output_broken; /* stdout cannot take more: stop the stream */
	bool too_big;       /* the answer passed what a message holds: stop the stream */
	int write_errno;    /* why, when it is not EPIPE */

	/* Saving the exchange; x.st is NULL for a guest or --no-save. */
	struct exchange x;
	struct quota_source quota; /* where this run's request is counted */
	struct msg *answer;        /* the answer, kept up to date by the events */
	size_t saved_len;          /* answer text length at the last checkpoint */
	size_t unsaved_text;       /* with nothing to store to: the answer's size so far */
	size_t unsaved_thoughts;   /* and its thoughts' */
	bool checkpoint_due;       /* the timer fired: write between loop rounds */
	unsigned timer;
	char *store_error; /* the first store failure; saving stops there */
};

/* Output queued beyond this is written at once, whatever the loop does. */
#define PENDING_FLUSH_BYTES (256u * 1024)

/* Earlier messages sent as context with -C. */
#define CONTEXT_MSGS 1000

/* Writes p now; a reader that went away stops the stream. */
static void write_now(struct oneshot *o, const char *p, size_t n)
{
	while (n > 0 && !o->output_broken) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* A reader that went away (| head) is not an error; a full disk is. */
			if (w < 0 && errno != EPIPE)
				o->write_errno = errno;
			o->output_broken = true;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void flush_out(struct oneshot *o)
{
	write_now(o, o->pending.data, o->pending.len);
	buf_reset(&o->pending);
}

/*
 * Queues output for the end of this loop round: the events that came in
 * one read go out in one write(2), not one each, and none waits longer.
 */
static void write_all(struct oneshot *o, const char *p, size_t n)
{
	if (n == 0 || o->output_broken)
		return;
	o->wrote = true;
	o->last_byte = p[n - 1];
	if (o->pending.len + n > PENDING_FLUSH_BYTES)
		flush_out(o);
	if (n > PENDING_FLUSH_BYTES)
		write_now(o, p, n);
	else
		buf_add(&o->pending, p, n);
}

static void show_text(struct oneshot *o, const char *p, size_t n)
{
	if (!o->tty) {
		write_all(o, p, n);
		return;
	}
	buf_reset(&o->out);
	utf8_stream_feed(&o->neutral, p, n, &o->out);
	write_all(o, o->out.data, o->out.len);
}

/* One line of stream-json. */
static void write_line(struct oneshot *o, char *line)
{
	write_all(o, line, strlen(line));
	write_all(o, "\n", 1);
	free(line);
}

/*
 * Adds a delta to the answer; false when the answer would pass what a
 * message holds. With nothing to store it to (a guest, --no-save, a store
 * that failed), nothing reads the answer's text: only its size is kept, so
 * a long answer is not held in memory for nothing, and the bound is the same.
 */
static bool keep_delta(struct oneshot *o, const struct gemini_delta *d)
{
	if (o->x.st != NULL) {
		msg_append(o->answer, d->text, d->text_len, d->thought, d->thought_len);
		return !msg_cut(o->answer);
	}
	/* buf_add's test: the piece that would pass the bound is refused whole. */
	if (d->text_len > MSG_TEXT_MAX - o->unsaved_text ||
	    d->thought_len > MSG_TEXT_MAX - o->unsaved_thoughts)
		return false;
	o->unsaved_text += d->text_len;
	o->unsaved_thoughts += d->thought_len;
	return true;
}

static void on_delta(void *ud, const struct gemini_delta *d)
{
	struct oneshot *o = ud;
	/* Past what is kept, nothing more is shown either: what was printed is what is kept. */
	if (o->too_big)
		return;
	if (o->answer != NULL && !keep_delta(o, d)) {
		/* Stopped on the loop (never from inside the transfer), like a broken stdout. */
		o->too_big = true;
		return;
	}
	if (o->output == CLI_OUTPUT_TEXT) {
		if (d->text_len > 0)
			show_text(o, d->text, d->text_len);
	} else {
		buf_add(&o->all_text, d->text, d->text_len);
		buf_add(&o->all_thoughts, d->thought, d->thought_len);
	}
	if (o->output == CLI_OUTPUT_STREAM_JSON) {
		if (d->thought_len > 0)
			write_line(
			    o, answer_json_event("thought", "text", d->thought, d->thought_len));
		if (d->text_len > 0)
			write_line(o, answer_json_event("text", "text", d->text, d->text_len));
	}
	/* The JSON result would miss the rest: stop here. */
	if (o->all_text.truncated || o->all_thoughts.truncated)
		o->too_big = true;
}

static void on_notice(void *ud, const char *line)
{
	struct oneshot *o = ud;
	flush_out(o);
	fprintf(stderr, "jarvis: %s\n", line);
	if (o->output == CLI_OUTPUT_STREAM_JSON)
		write_line(o, answer_json_event("notice", "message", line, strlen(line)));
}

/* Says on stderr why the answer is not all there (msg may be NULL) and notes the end. */
static void ended(struct oneshot *o, const char *state, int status, const char *msg)
{
	o->state = state;
	o->status = status;
	if (msg == NULL)
		return;
	flush_out(o);
	fprintf(stderr, "jarvis: %s\n", msg);
	o->why = xstrdup(msg);
}

/* How the answer ended: the exit status, and the line about it on stderr. */
static void classify(struct oneshot *o, const struct gemini_result *r)
{
	if (o->too_big) {
		/* Less than arrived is kept: incomplete, whatever the stream said. */
		ended(o, "incomplete", EXIT_API, MSG_CUT_NOTICE);
		return;
	}
	switch (r->end) {
	case GEMINI_END_INTERRUPTED:
		if (o->output_broken && !o->interrupted) {
			/* Stopped because stdout takes no more; see oneshot_run's end. */
			ended(o, "interrupted", EXIT_OK, NULL);
			return;
		}
		ended(o, "interrupted", EXIT_INTERRUPTED,
		      "interrupted; the answer above is incomplete");
		return;
	case GEMINI_END_FAILED:
		ended(o, "error", EXIT_API, r->error ? r->error : "gemini: the request failed");
		return;
	case GEMINI_END_REPLY:
		break;
	}
	switch (r->outcome) {
	case GEMINI_COMPLETE:
		ended(o, "complete", EXIT_OK, NULL);
		return;
	case GEMINI_CUT:
		/* The answer is usable; the note says it is not all of it. */
		ended(o, "cut", EXIT_OK,
		      r->error ? r->error : "the answer was cut at the output token limit");
		return;
	case GEMINI_UNFINISHED:
		ended(o, "incomplete", EXIT_API,
		      r->error ? r->error : "gemini: the answer is incomplete; ask again");
		return;
	case GEMINI_EMPTY:
		ended(o, "empty", EXIT_API,
		      r->error ? r->error : "gemini: the API sent an empty answer; try again");
		return;
	case GEMINI_BLOCKED_PROMPT:
		ended(o, "blocked", EXIT_API, r->error ? r->error : "gemini: the answer stopped");
		return;
	case GEMINI_STOPPED:
		ended(o, "stopped", EXIT_API, r->error ? r->error : "gemini: the answer stopped");
		return;
	case GEMINI_ERROR:
		ended(o, "error", EXIT_API, r->error ? r->error : "gemini: the answer stopped");
		return;
	}
}

/* The JSON result object (json, stream-json). */
static void write_result(struct oneshot *o, const struct gemini_result *r)
{
	const struct gemini_reply *rep = r->reply;
	struct answer_summary a = {
	    .status = o->state ? o->state : "error",
	    .text = o->all_text.data,
	    .text_len = o->all_text.len,
	    .thoughts = o->all_thoughts.data,
	    .thoughts_len = o->all_thoughts.len,
	    .finish_reason = rep->finish_reason ? rep->finish_reason : rep->block_reason,
	    .model = o->model,
	    .model_version = rep->model_version,
	    .response_id = rep->response_id,
	    .usage = rep->has_usage ? &rep->usage : NULL,
	    .grounding = rep->grounding,
	    .conversation = o->x.st != NULL ? o->x.conv_id : NULL,
	    .error = o->why,
	};
	write_line(o,
	           answer_json_result(&a, o->output == CLI_OUTPUT_STREAM_JSON ? "result" : NULL));
}

/* After a grounded answer: a blank line, then its sources and searches (grounding.h). */
static void write_sources(struct oneshot *o, const char *json)
{
	struct grounding g;
	if (json == NULL || grounding_parse(json, &g) == -1)
		return;
	if (!grounding_empty(&g)) {
		struct buf b;
		buf_init(&b, BUF_TEXT_MAX);
		buf_addstr(&b, "\n");
		grounding_sources(&g, false, &b);
		/* The list ends with a blank line; one newline is enough at the end. */
		while (b.len > 1 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '\n')
			b.len--;
		show_text(o, b.data, b.len);
		buf_release(&b);
	}
	grounding_release(&g);
}

static void on_done(void *ud, const struct gemini_result *r)
{
	struct oneshot *o = ud;
	o->call = NULL;
	o->done = true;
	/* Without a store the answer holds no text (keep_delta): nothing to finish. */
	if (o->answer != NULL && o->x.st != NULL) {
		gemini_result_apply(r, o->answer);
		if (msg_cut(o->answer))
			o->too_big = true;
		if (o->too_big)
			o->answer->status = MSG_INTERRUPTED;
	}
	if (o->tty && o->output == CLI_OUTPUT_TEXT) {
		buf_reset(&o->out);
		utf8_stream_finish(&o->neutral, &o->out);
		write_all(o, o->out.data, o->out.len);
	}
	/* Leave the shell prompt on a line of its own. */
	if (o->wrote && o->last_byte != '\n')
		write_all(o, "\n", 1);
	if (o->output == CLI_OUTPUT_TEXT)
		write_sources(o, r->reply->grounding);
	classify(o, r);
	if (o->output != CLI_OUTPUT_TEXT)
		write_result(o, r);
}

static void on_interrupt(void *ud, int signo)
{
	struct oneshot *o = ud;
	o->interrupted = true;
	if (o->call != NULL)
		gemini_stream_cancel(o->call);
}

/* Reads standard input to the end, bounded by max bytes. */
static char *read_stdin(size_t max, char **cause)
{
	struct buf b;
	buf_init(&b, max);
	char chunk[65536];
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_release(&b);
			set_cause(cause, "cannot read the prompt from standard input: %s",
			          strerror(errno));
			return NULL;
		}
		if (n == 0)
			break;
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			buf_release(&b);
			set_cause(cause,
			          "the prompt on standard input is over %zu bytes "
			          "([limits] max_message_bytes)",
			          max);
			return NULL;
		}
	}
	return buf_steal(&b);
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Builds the user's message (*out); returns an exit status (0: ready). */
static int build_prompt(const struct cli *cli, const struct config *cfg, struct msg **out)
{
	char *cause = NULL;
	char *prompt = NULL;
	*out = NULL;
	if (strcmp(cli->prompt, "-") == 0) {
		prompt = read_stdin(cfg->max_message_bytes, &cause);
		if (prompt == NULL) {
			fprintf(stderr, "jarvis: %s\n", cause);
			free(cause);
			return EXIT_USAGE;
		}
	} else {
		prompt = xstrdup(cli->prompt);
	}
	if (blank(prompt) && cli->nattach == 0) {
		free(prompt);
		fputs("jarvis: the prompt is empty; give a question after -p, or pipe one in "
		      "with -p -\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (strlen(prompt) > cfg->max_message_bytes) {
		fprintf(stderr,
		        "jarvis: the prompt is over %zu bytes ([limits] max_message_bytes)\n",
		        cfg->max_message_bytes);
		free(prompt);
		return EXIT_USAGE;
	}
	struct msg *m = msg_new(ROLE_USER, prompt);
	free(prompt);
	struct attach_limits lim = attach_limits_of(cfg);
	for (size_t i = 0; i < cli->nattach; i++) {
		struct image img;
		if (attach_load(cli->attach[i], &lim, &img, &cause) == -1) {
			fprintf(stderr, "jarvis: %s\n", cause);
			free(cause);
			msg_free(m);
			return EXIT_USAGE;
		}
		msg_add_image(m, &img);
		attach_image_release(&img);
	}
	if (exchange_check_size(cfg, m->text.len, m->images, m->nimages,
	                        "attach fewer or smaller images", &cause) == -1) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		msg_free(m);
		return EXIT_USAGE;
	}
	*out = m;
	return EXIT_OK;
}

/*
 * Whether the model's RPM/RPD leave room for this request, counted where
 * this run is counted (quota.h): the stored usage for a logged-in user (so
 * other runs and windows count too), this machine's journal for a guest or
 * --no-save. Says so on stderr when one is used up. A source that cannot
 * count does not stop the question: the API answers 429 itself.
 */
static bool over_quota(const struct quota_source *src, const char *model, const struct config *cfg)
{
	struct model_list list;
	config_models(cfg, &list);
	const struct model_info *m = models_find(&list, model);
	long rpm = m ? m->rpm : 0, rpd = m ? m->rpd : 0;
	models_release(&list);
	if (rpm <= 0 && rpd <= 0)
		return false;
	struct quota_use use;
	char *cause = NULL;
	if (quota_count(src, model, rpm, rpd, wall_ms(), &use, &cause) < 0) {
		free(cause);
		return false;
	}
	char *why = quota_refusal(src, &use, model, rpm, rpd);
	if (why == NULL)
		return false;
	fprintf(stderr, "jarvis: %s (-m)\n", why);
	free(why);
	return true;
}

/* Notes the first store failure and stops saving; later ones are dropped. */
static void store_failed(struct oneshot *o, char *cause)
{
	if (o->store_error == NULL)
		o->store_error = cause != NULL ? cause : xstrdup("store: failed");
	else
		free(cause);
	o->x.st = NULL;
}

static void checkpoint_tick(void *ud)
{
	struct oneshot *o = ud;
	o->timer = 0;
	o->checkpoint_due = true;
}

/* Writes the partial answer when it grew since the last write; re-arms the timer. */
static void checkpoint(struct oneshot *o)
{
	o->checkpoint_due = false;
	if (o->x.st == NULL || o->answer == NULL || o->done)
		return;
	if (o->answer->text.len != o->saved_len) {
		char *cause = NULL;
		if (exchange_checkpoint(&o->x, o->answer, &cause) < 0) {
			store_failed(o, cause);
			return;
		}
		o->saved_len = o->answer->text.len;
	}
	o->timer = loop_timer_add(o->loop, CHECKPOINT_MS, checkpoint_tick, o);
}

/*
 * Finds out whether the exchange is stored and, with -C, loads the
 * conversation into *out. Returns an exit status; on EXIT_OK *out is the
 * conversation to send (new and empty without -C) and o->store is set
 * when saving.
 */
static int open_conv(const struct cli *cli, struct profile *p, struct oneshot *o,
                     const struct account_user **user, struct conv **out)
{
	char *cause = NULL;
	*out = NULL;
	*user = NULL;
	if (cli->conversation == NULL && cli->no_save) {
		*out = conv_new();
		return EXIT_OK;
	}
	int rc = profile_user(p, user, &cause);
	if (cli->conversation == NULL) {
		/* Nothing the user asks for depends on the store: answer anyway. */
		if (rc < 0)
			store_failed(o, cause);
		*out = conv_new();
		return EXIT_OK;
	}
	if (rc < 0) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		return EXIT_STORE;
	}
	if (rc > 0) {
		fputs("jarvis: not logged in; run jarvis --login EMAIL\n", stderr);
		return EXIT_AUTH;
	}
	struct store *st = profile_store(p, &cause);
	struct conv *c = NULL;
	/* Not shaped as an id: said as one no store has, before any store is asked. */
	rc = conv_id_shaped(cli->conversation)
	         ? store_conv_get(st, (*user)->id, cli->conversation, &c, &cause)
	         : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		free(cause);
		char *why =
		    conv_missing_text(cli->conversation, false, "jarvis --convs lists them");
		fprintf(stderr, "jarvis: %s\n", why);
		free(why);
		return EXIT_USAGE;
	}
	struct store_msgs earlier = {0};
	if (rc == 0)
		rc = store_msg_last(st, (*user)->id, c->id, CONTEXT_MSGS, &earlier, &cause);
	if (rc < 0) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		conv_free(c);
		return EXIT_STORE;
	}
	size_t tampered = 0;
	for (size_t i = 0; i < earlier.n; i++) {
		tampered += earlier.items[i]->status == MSG_TAMPERED;
		conv_push(c, earlier.items[i]);
	}
	free(earlier.items);
	if (tampered > 0)
		fprintf(stderr,
		        "jarvis: warning: %zu message%s of this conversation failed %s integrity "
		        "check (tampered: changed, moved or planted in the database); left out of "
		        "the context\n",
		        tampered, tampered == 1 ? "" : "s", tampered == 1 ? "its" : "their");
	*out = c;
	return EXIT_OK;
}

/* Says once that the exchange went to a new conversation (the old one was deleted meanwhile). */
static void say_if_recreated(struct oneshot *o)
{
	if (!o->x.recreated)
		return;
	o->x.recreated = false;
	fputs(
	    "jarvis: the conversation was deleted meanwhile; this exchange is kept in a new one\n",
	    stderr);
}

/*
 * Stores the question (and the conversation when new), then the answer as
 * interrupted, and counts the request; called before the request goes out.
 */
static void save_start(struct oneshot *o, struct msg *q, const char *model,
                       const char *system_prompt)
{
	char *cause = NULL;
	struct exchange_conv meta = {.model = model, .system_prompt = system_prompt};
	o->answer = msg_new(ROLE_MODEL, NULL);
	o->answer->model = xstrdup(model);
	o->answer->status = MSG_INTERRUPTED;
	if (exchange_save_question(&o->x, &meta, q, &cause) < 0) {
		store_failed(o, cause);
		cause = NULL;
	}
	say_if_recreated(o);
	if (exchange_start_answer(&o->x, &o->quota, o->answer, &cause) < 0) {
		store_failed(o, cause);
		return;
	}
	if (o->x.st != NULL)
		o->timer = loop_timer_add(o->loop, CHECKPOINT_MS, checkpoint_tick, o);
}

/* Writes the answer's final state. */
static void save_answer_end(struct oneshot *o)
{
	if (o->x.st == NULL || o->answer == NULL)
		return;
	char *cause = NULL;
	if (exchange_finish(&o->x, o->answer, &cause) < 0)
		store_failed(o, cause);
	say_if_recreated(o);
}

/* Streams the answer to stdout, storing it as it comes; sets o->status. */
static void stream(struct oneshot *o, const struct config *cfg, const char *model, const char *body,
                   const struct gemini_target *target, struct msg *question)
{
	char *cause = NULL;
	o->tty = isatty(STDOUT_FILENO);
	o->model = model;
	utf8_stream_init(&o->neutral);
	buf_init(&o->out, BUF_TEXT_MAX);
	buf_init(&o->pending, PENDING_FLUSH_BYTES);
	buf_init(&o->all_text, MSG_TEXT_MAX);
	buf_init(&o->all_thoughts, MSG_TEXT_MAX);
	if (o->loop == NULL)
		o->loop = loop_new(&cause);
	if (o->loop == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		o->status = EXIT_API;
		return;
	}
	signal(SIGPIPE, SIG_IGN);
	loop_catch_signal(o->loop, SIGINT, on_interrupt, o);
	loop_catch_signal(o->loop, SIGTERM, on_interrupt, o);

	static const struct gemini_events events = {on_delta, on_notice, on_done, NULL};
	/* The first try leaves from the loop, so what is saved below precedes it. */
	o->call = gemini_stream_start(o->loop, target, model, body, &events, o, &cause);
	if (o->call == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		o->status = cfg->api_key == NULL || cfg->api_key[0] == '\0' ? EXIT_USAGE : EXIT_API;
		o->done = true;
	} else {
		save_start(o, question, model, cfg->system_prompt);
		if (o->output == CLI_OUTPUT_STREAM_JSON)
			write_line(o, answer_json_event("start", "model", model, strlen(model)));
	}
	while (!o->done) {
		loop_run_once(o->loop, -1);
		flush_out(o);
		if (o->checkpoint_due)
			checkpoint(o);
		/* Cancelled here, on the loop: never from inside on_delta. */
		if ((o->output_broken || o->too_big) && o->call != NULL)
			gemini_stream_cancel(o->call);
	}
	flush_out(o);
	loop_timer_cancel(o->loop, o->timer);
	save_answer_end(o);
	if (o->write_errno != 0) {
		fprintf(stderr, "jarvis: cannot write the answer: %s\n", strerror(o->write_errno));
		o->status = EXIT_API;
	}
}

/* What the run leaves for later (the outbox) or could not save; the final status. */
static int report_store(struct oneshot *o)
{
	char *said = o->x.st != NULL ? store_take_notice(o->x.st) : NULL;
	if (said != NULL)
		fprintf(stderr, "jarvis: warning: %s\n", said);
	free(said);
	if (o->x.st != NULL && store_pending_writes(o->x.st) > 0)
		fprintf(stderr,
		        "jarvis: store offline; %zu write%s wait in the outbox and go "
		        "out on the next run\n",
		        store_pending_writes(o->x.st),
		        store_pending_writes(o->x.st) == 1 ? "" : "s");
	char *why = NULL;
	size_t held = o->x.st != NULL && exchange_held(&o->x) > 0 ? exchange_flush(&o->x, &why) : 0;
	if (held > 0) {
		/* Kept in memory while the run lasted; the run ends here. */
		fprintf(stderr,
		        "jarvis: %s; %zu message%s of the exchange above could not be saved for "
		        "lack of space\n",
		        why ? why : "store: no space left", held, held == 1 ? "" : "s");
		if (o->status == EXIT_OK)
			o->status = EXIT_STORE;
	}
	free(why);
	if (o->store_error != NULL) {
		fprintf(stderr, "jarvis: %s; the exchange above was not (fully) saved\n",
		        o->store_error);
		if (o->status == EXIT_OK)
			o->status = EXIT_STORE;
	}
	return o->status;
}

/* Where this run stores and counts: the store for a logged-in run that saves, else the journal. */
static void choose_store(struct oneshot *o, const struct cli *cli, const struct config *cfg,
                         struct profile *p, const struct account_user *user, const struct conv *c)
{
	char *cause = NULL;
	bool saving = user != NULL && !cli->no_save && o->store_error == NULL;
	struct store *st = saving ? profile_store(p, &cause) : NULL;
	if (saving && st == NULL)
		store_failed(o, cause);
	o->quota.state_dir = cfg->state_dir;
	if (st != NULL) {
		o->quota.st = st;
		o->quota.user_id = user->id;
	}
	exchange_init(&o->x, st, user ? user->id : NULL, c->id);
}

int oneshot_run(const struct cli *cli, const struct config *cfg)
{
	struct msg *question = NULL;
	int status = build_prompt(cli, cfg, &question);
	if (status != EXIT_OK)
		return status;

	struct oneshot o = {.output = cli->output};
	struct profile *p = profile_new(cfg, profile_notice_stderr, NULL);
	const struct account_user *user = NULL;
	struct conv *c = NULL;
	status = open_conv(cli, p, &o, &user, &c);
	if (status != EXIT_OK) {
		msg_free(question);
		profile_free(p);
		return status;
	}
	/* With -C, the conversation's /think setting goes on (and is kept with this question). */
	const char *think = conv_thinking(c);
	question->thinking = think ? xstrdup(think) : NULL;
	const char *web = conv_web(c);
	question->web = web ? xstrdup(web) : NULL;
	conv_push(c, question);
	/* -m wins; then the stored conversation's model; then the configuration's. */
	const char *model =
	    cli->model == NULL && c->model != NULL && *c->model != '\0' ? c->model : cfg->model;
	char today[16];
	utc_date(wall_ms(), today, sizeof today);
	char *retired = models_retired_notice(model, today, "-m");
	if (retired != NULL)
		fprintf(stderr, "jarvis: warning: %s\n", retired);
	free(retired);
	char *cause = NULL, *body = NULL, *files_error = NULL;
	bool chosen = false;
	struct gemini_target target;
	struct gemini_request_info sent;
	int rc = exchange_request(cfg, c, c->system_prompt, model, question->thinking, NULL, &body,
	                          &target, &sent, &cause);
	if (rc == 0 && sent.nupload > 0) {
		/* Looked up or uploaded first, then the request is built again. */
		choose_store(&o, cli, cfg, p, user, c);
		chosen = true;
		o.loop = loop_new(&files_error);
		struct oneshot_store where = {o.x.st, o.x.user_id, o.x.conv_id};
		if (o.loop != NULL)
			oneshot_files(o.loop, &where, c, &target, &sent, &files_error);
		struct exchange_files files = {true, files_error};
		free(body);
		body = NULL;
		gemini_request_info_release(&sent);
		rc = exchange_request(cfg, c, c->system_prompt, model, question->thinking, &files,
		                      &body, &target, &sent, &cause);
	}
	gemini_request_info_release(&sent);
	if (rc == -1) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		status = EXIT_USAGE;
	} else {
		char *left_out = gemini_left_out_notice(&sent, files_error != NULL);
		if (left_out != NULL)
			fprintf(stderr, "jarvis: %s\n", left_out);
		free(left_out);
		if (!chosen)
			choose_store(&o, cli, cfg, p, user, c);
		if (over_quota(&o.quota, model, cfg)) {
			status = EXIT_API;
		} else {
			stream(&o, cfg, model, body, &target, question);
			status = report_store(&o);
		}
	}
	free(body);
	free(files_error);
	free(o.store_error);
	loop_free(o.loop);
	buf_release(&o.out);
	buf_release(&o.pending);
	buf_release(&o.all_text);
	buf_release(&o.all_thoughts);
	free(o.why);
	exchange_clear(&o.x);
	msg_free(o.answer);
	conv_free(c);
	profile_free(p);
	return status;
}
