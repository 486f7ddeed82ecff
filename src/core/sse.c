/*
 * sse.c: the server-sent-events framer (see sse.h). It scans whole chunks
 * with memchr and copies each line at most twice (a line cut by a chunk
 * boundary is carried over once; an event of one data line that came whole
 * in a chunk is not copied at all), so it runs far faster than the network.
 * It follows the WHATWG event-stream rules that matter to Gemini: line
 * ends \n, \r\n or \r; a blank line ends an event; `data:` lines join with
 * '\n'; `event:`, `id:`, `retry:` and `:` comments are ignored. Any other
 * text is kept (bounded) as stray text. It must not parse JSON, allocate
 * per byte or call back per line.
 */
#include "jarvis/sse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/buf.h"
#include "jarvis/util.h"

/* Room for a field name in front of a carried-over line. */
#define SSE_LINE_SLACK 64

struct sse {
	size_t max;
	struct buf line; /* a line cut by a chunk boundary, carried to the next feed */
	struct buf data; /* the data of the event being read */
	const char *ref; /* or, when not NULL, its one data line, still in the chunk being fed */
	size_t ref_len;
	struct buf stray; /* text outside SSE fields */
	bool has_data;    /* a data: line was seen in the event being read */
	bool skip_lf;     /* the last line ended with '\r': a '\n' next belongs to it */
	bool started;     /* past the first line (where a BOM may be) */
	bool failed;
	bool finished;
	size_t events;
};

struct sse *sse_new(size_t max_event_bytes)
{
	struct sse *s = xcalloc(1, sizeof *s);
	s->max = max_event_bytes;
	buf_init(&s->line, max_event_bytes + SSE_LINE_SLACK);
	buf_init(&s->data, max_event_bytes);
	buf_init(&s->stray, SSE_STRAY_MAX);
	return s;
}

void sse_free(struct sse *s)
{
	if (s == NULL)
		return;
	buf_release(&s->line);
	buf_release(&s->data);
	buf_release(&s->stray);
	free(s);
}

static int sse_too_big(struct sse *s, char **cause)
{
	s->failed = true;
	return set_cause(cause, "gemini: a streamed event exceeded %zu bytes", s->max);
}

static void sse_keep_stray(struct sse *s, const char *p, size_t n)
{
	size_t room = SSE_STRAY_MAX - s->stray.len;
	if (room == 0)
		return;
	if (n >= room)
		n = room - 1;
	buf_add(&s->stray, p, n);
	buf_add(&s->stray, "\n", 1);
}

/* Copies a data line held by reference into s->data: the chunk it is in is going away. */
static int sse_own_data(struct sse *s, char **cause)
{
	const char *p = s->ref;
	if (p == NULL)
		return 0;
	s->ref = NULL;
	if (buf_append(&s->data, p, s->ref_len) == -1)
		return sse_too_big(s, cause);
	return 0;
}

static int sse_dispatch(struct sse *s, sse_event_fn on_event, void *ud, char **cause)
{
	if (!s->has_data)
		return 0;
	s->has_data = false;
	const char *data = s->ref != NULL ? s->ref : s->data.data;
	size_t len = s->ref != NULL ? s->ref_len : s->data.len;
	s->ref = NULL;
	if (len == 0)
		return 0; /* an empty payload carries nothing to parse */
	s->events++;
	int rc = on_event(ud, data, len, cause);
	buf_reset(&s->data);
	if (rc != 0) {
		s->failed = true;
		if (cause != NULL && *cause == NULL)
			set_cause(cause, "gemini: the stream was stopped by its reader");
		return -1;
	}
	return 0;
}

static bool sse_field_is(const char *p, size_t n, const char *name)
{
	size_t len = strlen(name);
	return n == len && memcmp(p, name, len) == 0;
}

/* One complete line, without its line end. */
static int sse_line(struct sse *s, const char *p, size_t n, sse_event_fn on_event, void *ud,
                    char **cause)
{
	if (!s->started) {
		s->started = true;
		if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3;
			n -= 3;
		}
	}
	if (n == 0)
		return sse_dispatch(s, on_event, ud, cause);
	if (p[0] == ':')
		return 0;
	const char *colon = memchr(p, ':', n);
	size_t field = colon ? (size_t)(colon - p) : n;
	if (sse_field_is(p, field, "data")) {
		const char *v = colon ? colon + 1 : p + n;
		if (v < p + n && *v == ' ')
			v++;
		size_t vn = (size_t)(p + n - v);
		if (!s->has_data) {
			/* The usual event: one line, read where it is (sse_own_data copies it if
			 * need be). */
			if (vn > s->max)
				return sse_too_big(s, cause);
			s->ref = v;
			s->ref_len = vn;
			s->has_data = true;
			return 0;
		}
		if (sse_own_data(s, cause) == -1)
			return -1;
		if (buf_append(&s->data, "\n", 1) == -1 || buf_append(&s->data, v, vn) == -1)
			return sse_too_big(s, cause);
		return 0;
	}
	if (sse_field_is(p, field, "event") || sse_field_is(p, field, "id") ||
	    sse_field_is(p, field, "retry"))
		return 0;
	sse_keep_stray(s, p, n);
	return 0;
}

static int sse_carry(struct sse *s, const char *p, size_t n, char **cause)
{
	if (buf_append(&s->line, p, n) == -1) /* its max is s->max + SSE_LINE_SLACK */
		return sse_too_big(s, cause);
	return 0;
}

int sse_feed(struct sse *s, const char *p, size_t n, sse_event_fn on_event, void *ud, char **cause)
{
	if (s->failed)
		return set_cause(cause, "gemini: the event stream cannot go on after an error");
	if (s->finished)
		return set_cause(cause, "gemini: the event stream was already finished");
	if (n == 0)
		return 0; /* p may be NULL then */
	const char *end = p + n;
	if (s->skip_lf) {
		s->skip_lf = false;
		if (*p == '\n')
			p++;
	}
	/*
	 * The next '\n' and '\r' are cached so that a chunk with only one kind
	 * of line end is not rescanned for the other kind on every line.
	 */
	const char *nl = NULL, *cr = NULL;
	bool nl_none = false, cr_none = false;
	while (p < end) {
		const char *eol = p;
		/* A blank line (the end of every event) needs no search. */
		if (*p != '\n' && *p != '\r') {
			if (!nl_none && (nl == NULL || nl < p)) {
				nl = memchr(p, '\n', (size_t)(end - p));
				nl_none = nl == NULL;
			}
			if (!cr_none && (cr == NULL || cr < p)) {
				cr = memchr(p, '\r', (size_t)(end - p));
				cr_none = cr == NULL;
			}
			eol = nl_none ? NULL : nl;
			if (!cr_none && (eol == NULL || cr < eol))
				eol = cr;
		}
		if (eol == NULL) {
			if (sse_own_data(s, cause) == -1)
				return -1;
			return sse_carry(s, p, (size_t)(end - p), cause);
		}

		const char *lp = p;
		size_t ln = (size_t)(eol - p);
		bool carried = s->line.len > 0;
		/* The same limit as for carried lines, so the cuts never change the outcome. */
		if (!carried && ln > s->max + SSE_LINE_SLACK)
			return sse_too_big(s, cause);
		if (carried) {
			if (sse_carry(s, p, ln, cause) == -1)
				return -1;
			lp = s->line.data;
			ln = s->line.len;
		}
		p = eol + 1;
		if (*eol == '\r') {
			if (p < end) {
				if (*p == '\n')
					p++;
			} else {
				s->skip_lf = true;
			}
		}
		int rc = sse_line(s, lp, ln, on_event, ud, cause);
		if (carried && rc == 0)
			rc = sse_own_data(s, cause); /* before the carried line is dropped */
		if (carried)
			buf_reset(&s->line);
		if (rc == -1)
			return -1;
	}
	return sse_own_data(s, cause);
}

int sse_finish(struct sse *s, sse_event_fn on_event, void *ud, char **cause)
{
	if (s->failed)
		return set_cause(cause, "gemini: the event stream cannot go on after an error");
	if (s->finished)
		return 0;
	s->finished = true;
	if (s->line.len > 0) {
		int rc = sse_line(s, s->line.data, s->line.len, on_event, ud, cause);
		if (rc == 0)
			rc = sse_own_data(s, cause);
		buf_reset(&s->line);
		if (rc == -1)
			return -1;
	}
	return sse_dispatch(s, on_event, ud, cause);
}

const char *sse_stray(const struct sse *s)
{
	return s->stray.data;
}

size_t sse_events(const struct sse *s)
{
	return s->events;
}
