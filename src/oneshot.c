/*
 * oneshot.c: one-shot mode (see oneshot.h). The answer is written with
 * write(2) as each event arrives, so a pipe sees it unbuffered; when
 * standard output is a terminal, control characters and escape sequences
 * from the model are neutralised first. Thoughts are never printed.
 */
#include "jarvis/oneshot.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/app.h"
#include "jarvis/attach.h"
#include "jarvis/cli.h"
#include "jarvis/config.h"
#include "jarvis/conv.h"
#include "jarvis/gemini.h"
#include "jarvis/gemini_request.h"
#include "jarvis/loop.h"
#include "jarvis/utf8.h"
#include "jarvis/util.h"

struct oneshot {
	struct loop *loop;
	struct gemini_call *call;
	bool done;
	bool interrupted;
	int status;
	bool tty;
	struct utf8_stream neutral;
	struct buf out;      /* neutralised text waiting to be written */
	char last_byte;      /* the last byte written, to end with a newline */
	bool wrote;
	bool output_broken; /* stdout closed (EPIPE): stop quietly */
};

static void write_all(struct oneshot *o, const char *p, size_t n)
{
	while (n > 0 && !o->output_broken) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->output_broken = true;
			return;
		}
		o->wrote = true;
		o->last_byte = p[w - 1];
		p += w;
		n -= (size_t)w;
	}
}

static void show_text(struct oneshot *o, const char *p, size_t n)
{
	if (!o->tty) {
		write_all(o, p, n);
		return;
	}
	buf_reset(&o->out);
	utf8_stream_feed(&o->neutral, p, n, &o->out);
	write_all(o, o->out.data ? o->out.data : "", o->out.len);
}

static void on_delta(void *ud, const struct gemini_delta *d)
{
	struct oneshot *o = ud;
	if (d->text_len > 0)
		show_text(o, d->text, d->text_len);
}

static void on_notice(void *ud, const char *line)
{
	fprintf(stderr, "jarvis: %s\n", line);
}

static void on_done(void *ud, const struct gemini_result *r)
{
	struct oneshot *o = ud;
	o->call = NULL;
	o->done = true;
	if (o->tty) {
		buf_reset(&o->out);
		utf8_stream_finish(&o->neutral, &o->out);
		write_all(o, o->out.data ? o->out.data : "", o->out.len);
	}
	/* Leave the shell prompt on a line of its own. */
	if (o->wrote && o->last_byte != '\n')
		write_all(o, "\n", 1);

	switch (r->end) {
	case GEMINI_END_INTERRUPTED:
		fputs("jarvis: interrupted; the answer above is incomplete\n", stderr);
		o->status = EXIT_INTERRUPTED;
		return;
	case GEMINI_END_FAILED:
		fprintf(stderr, "jarvis: %s\n", r->error ? r->error : "gemini: the request failed");
		o->status = EXIT_API;
		return;
	case GEMINI_END_REPLY:
		break;
	}
	switch (r->outcome) {
	case GEMINI_COMPLETE:
		o->status = EXIT_OK;
		return;
	case GEMINI_CUT:
		/* The answer is usable; the note says it is not all of it. */
		fprintf(stderr, "jarvis: %s\n",
			r->error ? r->error : "the answer was cut at the output token limit");
		o->status = EXIT_OK;
		return;
	case GEMINI_EMPTY:
		fprintf(stderr, "jarvis: %s\n",
			r->error ? r->error : "gemini: the API sent an empty answer; try again");
		o->status = EXIT_API;
		return;
	case GEMINI_BLOCKED_PROMPT:
	case GEMINI_STOPPED:
	case GEMINI_ERROR:
		fprintf(stderr, "jarvis: %s\n", r->error ? r->error : "gemini: the answer stopped");
		o->status = EXIT_API;
		return;
	}
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
			buf_free(&b);
			set_cause(cause, "cannot read the prompt from standard input: %s",
				  strerror(errno));
			return NULL;
		}
		if (n == 0)
			break;
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			buf_free(&b);
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

/* Builds the one-question conversation; returns an exit status (0: ready). */
static int build_conv(const struct cli *cli, const struct config *cfg, struct conv *c)
{
	char *cause = NULL;
	char *prompt = NULL;
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
		fprintf(stderr, "jarvis: the prompt is over %zu bytes ([limits] max_message_bytes)\n",
			cfg->max_message_bytes);
		free(prompt);
		return EXIT_USAGE;
	}
	struct msg *m = conv_add(c, ROLE_USER, prompt);
	free(prompt);
	for (size_t i = 0; i < cli->nattach; i++) {
		struct image img;
		if (attach_load(cli->attach[i], cfg->max_image_bytes, &img, &cause) == -1) {
			fprintf(stderr, "jarvis: %s\n", cause);
			free(cause);
			return EXIT_USAGE;
		}
		msg_add_image(m, &img);
		attach_image_free(&img);
	}
	return EXIT_OK;
}

int oneshot_run(const struct cli *cli, const struct config *cfg)
{
	struct conv *c = conv_new();
	int status = build_conv(cli, cfg, c);
	if (status != EXIT_OK) {
		conv_free(c);
		return status;
	}
	struct gemini_gen gen = {
		.system_prompt = cfg->system_prompt,
		.has_temperature = cfg->has_temperature,
		.temperature = cfg->temperature,
		.max_output_tokens = cfg->has_max_output_tokens ? cfg->max_output_tokens : 0,
	};
	char *cause = NULL;
	char *body = gemini_request_json(c, &gen, &cause);
	if (body == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		conv_free(c);
		return EXIT_USAGE;
	}

	struct oneshot o = {0};
	o.tty = isatty(STDOUT_FILENO);
	utf8_stream_init(&o.neutral);
	buf_init(&o.out, 0);
	o.loop = loop_new(&cause);
	if (o.loop == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		free(body);
		conv_free(c);
		return EXIT_API;
	}
	signal(SIGPIPE, SIG_IGN);
	loop_catch_signal(o.loop, SIGINT, on_interrupt, &o);
	loop_catch_signal(o.loop, SIGTERM, on_interrupt, &o);

	struct gemini_target target = {
		.base_url = cfg->base_url,
		.api_key = cfg->api_key,
		.timeout_s = cfg->timeout,
	};
	static const struct gemini_events events = {on_delta, on_notice, on_done};
	o.call = gemini_stream_start(o.loop, &target, cfg->model, body, &events, &o, &cause);
	free(body);
	if (o.call == NULL) {
		fprintf(stderr, "jarvis: %s\n", cause);
		free(cause);
		o.status = cfg->api_key == NULL || cfg->api_key[0] == '\0' ? EXIT_USAGE : EXIT_API;
		o.done = true;
	}
	while (!o.done)
		loop_run_once(o.loop, -1);

	loop_free(o.loop);
	buf_free(&o.out);
	conv_free(c);
	return o.status;
}
