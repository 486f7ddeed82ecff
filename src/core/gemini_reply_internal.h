/*
 * gemini_reply_internal.h: what gemini_reply.c shares with its fast path,
 * gemini_event_fast.c. Not for use outside src/core.
 */
#ifndef JARVIS_GEMINI_REPLY_INTERNAL_H
#define JARVIS_GEMINI_REPLY_INTERNAL_H

#include <stddef.h>

#include "jarvis/gemini_reply.h"

/*
 * Folds one event of the plain shape into r without a cJSON tree: 1 when
 * done; 0 when the event is of another shape, or not JSON, or would take
 * the answer past its bound, and r is unchanged: parse it in full (which
 * says what was dropped). cause is left alone.
 */
int gemini_reply_event_fast(struct gemini_reply *r, const char *json, size_t len, char **cause);

#endif
