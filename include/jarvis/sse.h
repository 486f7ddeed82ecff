/*
 * sse.h: the server-sent-events framer for the Gemini stream. It turns
 * bytes, cut anywhere, into complete `data:` payloads and keeps any text
 * that was not part of an SSE field (a raw error JSON the server appends
 * mid-stream) for the caller to inspect at the end. It knows nothing of
 * JSON, of the network or of the terminal.
 */
#ifndef JARVIS_SSE_H
#define JARVIS_SSE_H

#include <stddef.h>

/* The most stray (non-SSE) text kept; the rest is dropped. */
#define SSE_STRAY_MAX (64 * 1024)

struct sse;

/*
 * Called once per complete event with its data lines joined by '\n'
 * (len bytes, not NUL-terminated: an event of one line that came whole in
 * a chunk is passed where it lies in that chunk; valid only during the
 * call). Return 0 to go on, or -1 after filling *cause to stop the stream:
 * sse_feed and sse_finish then return -1 with that cause.
 */
typedef int (*sse_event_fn)(void *ud, const char *data, size_t len, char **cause);

/* A new framer refusing events (and lines) longer than max_event_bytes. */
struct sse *sse_new(size_t max_event_bytes);
/* Releases the framer; NULL is a no-op. */
void sse_free(struct sse *s);
/* Feeds n bytes, calling on_event for every event they complete. */
int sse_feed(struct sse *s, const char *p, size_t n, sse_event_fn on_event, void *ud, char **cause);
/* Ends the stream: delivers a last event that had no blank line after it. */
int sse_finish(struct sse *s, sse_event_fn on_event, void *ud, char **cause);
/* The text that was not in SSE fields, lines joined by '\n'; "" when none. */
const char *sse_stray(const struct sse *s);
/* The number of events delivered so far. */
size_t sse_events(const struct sse *s);

#endif
