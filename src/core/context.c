/*
 * context.c: the size of a conversation's context in tokens (context.h).
 * An answer's own size is its candidatesTokenCount. A question's is what
 * the API's count grew by from the answer before it to the answer after it
 * (promptTokenCount after, less the prompt and the answer before): exact
 * while the same turns were sent; where that does not hold (no counts, a
 * /trim in between) it is guessed from the question's bytes and images.
 */
#include "jarvis/context.h"

#include <stdio.h>
#include <string.h>

static long guess_bytes(size_t bytes)
{
	return (long)((bytes + CONTEXT_BYTES_PER_TOKEN - 1) / CONTEXT_BYTES_PER_TOKEN);
}

long context_question_tokens(size_t text_bytes, size_t nimages)
{
	return guess_bytes(text_bytes) + (long)nimages * CONTEXT_IMAGE_TOKENS;
}

long context_last_prompt(const struct conv *c, long *cached)
{
	if (cached != NULL)
		*cached = 0;
	for (size_t i = c->n; i-- > 0;) {
		const struct msg *m = c->msgs[i];
		if (m->role == ROLE_MODEL && m->usage.prompt_tokens > 0) {
			if (cached != NULL)
				*cached = m->usage.cached_tokens;
			return m->usage.prompt_tokens;
		}
	}
	return 0;
}

/* The next (dir 1) or previous (dir -1) message in context from i, or c->n. */
static size_t step(const struct conv *c, size_t i, int dir)
{
	while (dir > 0 ? ++i < c->n : i-- > 0)
		if (conv_in_context(c, i))
			return i;
	return c->n;
}

static long answer_tokens(const struct msg *m)
{
	if (m->usage.candidates_tokens > 0)
		return m->usage.candidates_tokens;
	return guess_bytes(m->parts.len > m->text.len ? m->parts.len : m->text.len);
}

static long question_tokens(const struct conv *c, size_t i, long system)
{
	const struct msg *q = c->msgs[i];
	long guess = context_question_tokens(q->text.len, q->nimages);
	/* The counts were taken with every turn sent: the neighbours are found as then. */
	struct conv all = *c;
	all.trim = 0;
	size_t next = step(&all, i, 1), prev = step(&all, i, -1);
	if (next == c->n || c->msgs[next]->role != ROLE_MODEL)
		return guess;
	long after = c->msgs[next]->usage.prompt_tokens;
	long before = system;
	if (prev != c->n) {
		const struct msg *p = c->msgs[prev];
		if (p->role != ROLE_MODEL || p->usage.prompt_tokens <= 0)
			return guess;
		before = p->usage.prompt_tokens + answer_tokens(p);
	}
	/* Counts from requests that sent other turns (a /trim between) do not subtract. */
	return after > before ? after - before : guess;
}

long context_tokens(const struct conv *c, const char *system_prompt)
{
	long system = system_prompt ? guess_bytes(strlen(system_prompt)) : 0;
	long total = system;
	for (size_t i = 0; i < c->n; i++) {
		if (!conv_in_context(c, i))
			continue;
		total += c->msgs[i]->role == ROLE_MODEL ? answer_tokens(c->msgs[i])
		                                        : question_tokens(c, i, system);
	}
	return total;
}

long context_trim_needed(struct conv *c, const char *system_prompt, long extra, long limit)
{
	size_t keep = c->trim, turns = conv_turns(c);
	long found = -1;
	for (size_t n = 0; n <= turns && found < 0; n++) {
		conv_trim(c, n);
		if (context_tokens(c, system_prompt) + extra <= limit)
			found = (long)n;
	}
	c->trim = keep;
	return found;
}

void context_format(long tokens, char *out, size_t size)
{
	if (tokens < 1000)
		snprintf(out, size, "%ld", tokens < 0 ? 0 : tokens);
	else if (tokens < 1000000)
		snprintf(out, size, "%ldk", (tokens + 500) / 1000);
	else if (tokens % 1000000 < 50000 || tokens % 1000000 >= 950000)
		snprintf(out, size, "%ldM", (tokens + 500000) / 1000000);
	else
		snprintf(out, size, "%.1fM", (double)tokens / 1e6);
}
