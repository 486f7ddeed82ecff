/*
 * context.h: how much of the model's input window a conversation takes.
 * The API counts it exactly with every answer (usageMetadata's
 * promptTokenCount: the whole request, cached part included, and
 * candidatesTokenCount: the answer); where no count says, a message is
 * guessed at from its size. Pure data: no terminal, network or store code.
 */
#ifndef JARVIS_CONTEXT_H
#define JARVIS_CONTEXT_H

#include <stddef.h>

#include "jarvis/conv.h"

/* The guess for text: bytes per token (Gemini's own rule of thumb is about 4). */
#define CONTEXT_BYTES_PER_TOKEN 4
/* What Gemini counts for one image (up to 384 px a side; larger ones in tiles of this). */
#define CONTEXT_IMAGE_TOKENS 258

/*
 * The promptTokenCount of the last answer that has one (the context the
 * model last read), or 0; *cached (may be NULL) gets its cached part.
 */
long context_last_prompt(const struct conv *c, long *cached);
/* Tokens the messages in context and the system prompt (may be NULL) take in a request. */
long context_tokens(const struct conv *c, const char *system_prompt);
/* The guess for a new question of text_bytes with nimages attachments. */
long context_question_tokens(size_t text_bytes, size_t nimages);
/*
 * The fewest oldest turns to leave out (conv_trim) so that the context
 * plus extra tokens fits in limit; -1 when it does not fit even with every
 * earlier turn left out. The conversation's own trim is left as it was.
 */
long context_trim_needed(struct conv *c, const char *system_prompt, long extra, long limit);
/* A token count in a few characters: "812", "41k", "1M", "1.5M". */
void context_format(long tokens, char *out, size_t size);

#endif
