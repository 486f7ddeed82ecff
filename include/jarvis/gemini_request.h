/*
 * gemini_request.h: the JSON body of a generateContent request, built from
 * a conversation. Pure: no network here.
 */
#ifndef JARVIS_GEMINI_REQUEST_H
#define JARVIS_GEMINI_REQUEST_H

#include <stdbool.h>

#include "jarvis/conv.h"

struct gemini_gen {
	const char *system_prompt; /* NULL or "": no systemInstruction */
	bool has_temperature;
	double temperature;
	long max_output_tokens; /* 0: not sent */
};

/*
 * The request body for every user and model turn of c (notices skipped,
 * empty failed answers skipped, neighbouring turns of one role merged).
 * Returns a new string, or NULL with cause when there is nothing to send.
 */
char *gemini_request_json(const struct conv *c, const struct gemini_gen *gen, char **cause);

#endif
