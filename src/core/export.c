/*
 * export.c: a conversation as Markdown (see export.h). The text of every
 * message is kept exactly as it was written or received; only the title is
 * flattened to one line so that it stays a heading.
 *
 * What it must not do: read the store, a file or the terminal, or include
 * curses, curl or store headers: it is a pure function of its arguments
 * (and of the local time zone, for the times it prints).
 */
#include "jarvis/export.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jarvis/buf.h"
#include "jarvis/grounding.h"
#include "jarvis/util.h"

void export_local_time(long long ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (size == 0)
		return;
	if (ms <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, size, "%s", "unknown time");
}

void export_size(size_t bytes, char *out, size_t size)
{
	if (bytes < 1024)
		snprintf(out, size, "%zu byte%s", bytes, bytes == 1 ? "" : "s");
	else if (bytes < 1024 * 1024)
		snprintf(out, size, "%.1f KiB", (double)bytes / 1024.0);
	else
		snprintf(out, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
}

/* Appends s with every run of line breaks and tabs turned into one space. */
static void put_one_line(struct buf *b, const char *s)
{
	int space = 0;
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			space = 1;
			continue;
		}
		if (space && b->len > 0)
			buf_add(b, " ", 1);
		space = 0;
		buf_add(b, s, 1);
	}
}

static void put_status(struct buf *b, const struct msg *m)
{
	const char *fr = m->finish_reason;
	switch (m->status) {
	case MSG_COMPLETE:
		if (fr != NULL && *fr != '\0' && strcmp(fr, "STOP") != 0)
			buf_addf(b, "*Finish reason: %s.*\n\n", fr);
		return;
	case MSG_STREAMING:
	case MSG_INTERRUPTED:
		buf_addstr(b, "*Status: interrupted; the answer is incomplete.*\n\n");
		return;
	case MSG_ERROR:
		buf_addstr(b, "*Status: error; the answer failed");
		if (fr != NULL && *fr != '\0')
			buf_addf(b, " (%s)", fr);
		buf_addstr(b, ".*\n\n");
		return;
	case MSG_BLOCKED:
		buf_addstr(b, "*Status: blocked");
		if (fr != NULL && *fr != '\0')
			buf_addf(b, " (%s)", fr);
		buf_addstr(b, ".*\n\n");
		return;
	case MSG_REPLACED:
		return; /* never exported (see exported) */
	case MSG_TAMPERED:
		buf_addstr(
		    b, "*Status: tampered; it failed its integrity check and is not shown.*\n\n");
		return;
	}
}

static void put_msg(struct buf *b, const struct conv *c, const struct msg *m)
{
	char when[32];
	export_local_time(m->created_ms, when, sizeof when);
	const char *who = "You";
	if (m->role == ROLE_MODEL) {
		who = m->model != NULL && *m->model != '\0'   ? m->model
		      : c->model != NULL && *c->model != '\0' ? c->model
		                                              : "Gemini";
	}
	buf_addf(b, "## %s · %s\n\n", who, when);
	if (m->text.len > 0) {
		/* A grounded answer: its citation markers and Sources, as on screen. */
		size_t start = b->len;
		grounding_render(m->text.data, m->text.len, m->grounding, b);
		buf_addstr(b, b->len > start && b->data[b->len - 1] == '\n' ? "\n" : "\n\n");
	} else if (m->nimages == 0) {
		buf_addstr(b, "*(no text)*\n\n");
	}
	for (size_t i = 0; i < m->nimages; i++) {
		const struct image *img = &m->images[i];
		char size[32];
		export_size(img->size, size, sizeof size);
		buf_addstr(b, "[image: ");
		put_one_line(b, img->name != NULL && *img->name != '\0' ? img->name : "unnamed");
		buf_addf(b, ", %s, %s]\n\n",
		         img->mime != NULL && *img->mime ? img->mime : "unknown type", size);
	}
	put_status(b, m);
}

/* Notices and answers /retry replaced are not part of the record. */
static bool exported(const struct msg *m)
{
	return m->role != ROLE_NOTICE && m->status != MSG_REPLACED;
}

char *export_markdown(const struct conv *c, const struct msg *const *msgs, size_t n)
{
	struct buf b;
	buf_init(&b, BUF_FILE_MAX);
	buf_addstr(&b, "# ");
	size_t before = b.len;
	/* A conversation never stored (a guest's) is titled and timed as storing would. */
	const struct msg *first = NULL, *last = NULL, *question = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!exported(msgs[i]))
			continue;
		first = first ? first : msgs[i];
		last = msgs[i];
		if (question == NULL && msgs[i]->role == ROLE_USER)
			question = msgs[i];
	}
	if (c->title != NULL) {
		put_one_line(&b, c->title);
	} else if (question != NULL) {
		char *title = msg_title(question);
		put_one_line(&b, title);
		free(title);
	}
	if (b.len == before)
		buf_addstr(&b, "Untitled conversation");
	buf_addstr(&b, "\n\n");

	size_t shown = 0;
	for (size_t i = 0; i < n; i++)
		if (exported(msgs[i]))
			shown++;
	char created[32], updated[32];
	export_local_time(c->created_ms > 0 || first == NULL ? c->created_ms : first->created_ms,
	                  created, sizeof created);
	export_local_time(c->updated_ms > 0 || last == NULL ? c->updated_ms : last->created_ms,
	                  updated, sizeof updated);
	buf_addf(&b, "*%zu message%s", shown, shown == 1 ? "" : "s");
	if (c->model != NULL && *c->model != '\0')
		buf_addf(&b, " · model %s", c->model);
	buf_addf(&b, " · created %s · updated %s*\n\n", created, updated);
	if (c->system_prompt != NULL && *c->system_prompt != '\0') {
		buf_addstr(&b, "System prompt:\n\n");
		for (const char *p = c->system_prompt; *p != '\0';) {
			const char *nl = strchr(p, '\n');
			size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
			buf_addstr(&b, "> ");
			buf_add(&b, p, len);
			buf_addstr(&b, "\n");
			p += len + (nl != NULL);
		}
		buf_addstr(&b, "\n");
	}

	for (size_t i = 0; i < n; i++) {
		if (!exported(msgs[i]))
			continue;
		buf_addstr(&b, "---\n\n");
		put_msg(&b, c, msgs[i]);
	}
	/* Exactly one newline at the end. */
	while (b.len > 1 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '\n')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}
