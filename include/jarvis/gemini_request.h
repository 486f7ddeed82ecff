/*
 * gemini_request.h: the JSON body of a generateContent request, built from
 * a conversation. Pure: no network here.
 */
#ifndef JARVIS_GEMINI_REQUEST_H
#define JARVIS_GEMINI_REQUEST_H

#include <stdbool.h>

#include "jarvis/conv.h"

/*
 * The largest body sent: the API refuses more than 20 MB (research/
 * gemini-api.md §2); 20,000,000 bytes is under it however "MB" is meant.
 */
#define GEMINI_REQUEST_MAX_BYTES 20000000
#define GEMINI_THINKING_BUDGET_MAX 32768

struct gemini_gen {
	const char *system_prompt; /* NULL or "": no systemInstruction */
	bool has_temperature;
	double temperature;
	long max_output_tokens; /* 0: not sent */
	const char *model;      /* decides how thinking is asked for (NULL: a 3.x model) */
	const char *thinking;   /* [gemini] thinking or /think; NULL: auto */
	size_t max_body_bytes;  /* 0: GEMINI_REQUEST_MAX_BYTES */
	bool web;               /* tools googleSearch and urlContext ([gemini] web, /web) */
	/* The Files API (issue 11): images whose inline bytes would pass the budget
	 * go by fileData, and an image uploaded before always does. */
	bool files;
	const char *files_error;  /* it failed for this request (why, for the notes); NULL: fine */
	long long now_ms;         /* wall clock, to tell a live file from an expired one */
	long long file_margin_ms; /* a file that expires within this counts as expired */
};

/* How long before its expiry an uploaded file is uploaded again rather than named. */
#define GEMINI_FILE_MARGIN_MS (10LL * 60 * 1000)

/* How hard the model thinks: [gemini] thinking and /think. */
enum gemini_think {
	THINK_AUTO,    /* the model's own choice */
	THINK_OFF,     /* no thoughts asked for (budget 0; 3.x models: MINIMAL) */
	THINK_MINIMAL, /* 3.x: thinkingLevel MINIMAL; 2.x: budget 512 */
	THINK_LOW,     /* 3.x: LOW; 2.x: 1024 */
	THINK_MEDIUM,  /* 3.x: MEDIUM; 2.x: 8192 */
	THINK_HIGH,    /* 3.x: HIGH; 2.x: 24576 */
	THINK_BUDGET,  /* thinkingBudget as given, -1 (automatic) to 32768 */
};

struct gemini_thinking {
	enum gemini_think level;
	long budget; /* THINK_BUDGET only */
};

/* Parses auto|off|minimal|low|medium|high or a budget (-1 to 32768); -1 if none of those. */
int gemini_thinking_parse(const char *s, struct gemini_thinking *out);

/* What a built request holds, for the caller to tell the user. */
struct gemini_request_info {
	size_t body_bytes;      /* the body's exact length */
	size_t images_left_out; /* attachments replaced by a note to stay under the limit */
	const char
	    *left_out_kind; /* "image", "PDF", "audio file", "text file" or, mixed, "attachment" */
	size_t images_by_file; /* images named by fileData */
	/*
	 * With gen->files: every image the request names by fileData or would,
	 * once uploaded (pointers into the conversation, for the caller to look
	 * up or upload, which sets their file fields, before building again).
	 * Free with gemini_request_info_release.
	 */
	struct image **upload;
	size_t nupload;
};

/*
 * The request body for every user and model turn of c (notices skipped,
 * empty failed answers skipped, neighbouring turns of one role merged).
 * Returns a new string, or NULL with cause when there is nothing to send.
 */
char *gemini_request_json(const struct conv *c, const struct gemini_gen *gen, char **cause);
/*
 * The same, never over gen->max_body_bytes: when the body would be, the
 * oldest images are left out of the inline bytes until it fits. With
 * gen->files they go by fileData (info->upload lists what must be uploaded
 * or looked up first; a note stands in until then); without, or when the
 * Files API failed (gen->files_error), earlier ones are replaced by a text
 * note saying why, and the question's own are never left out: if they
 * alone are too big, NULL with a cause. Thinking is always asked for, with
 * includeThoughts unless it is off. info (may be NULL) says what was done.
 */
char *gemini_request_build(const struct conv *c, const struct gemini_gen *gen,
                           struct gemini_request_info *info, char **cause);
/*
 * What to tell the user when info says attachments were left out (naming
 * their kind, and that the Files API failed when files_failed); a new
 * string, or NULL when none were.
 */
char *gemini_left_out_notice(const struct gemini_request_info *info, bool files_failed);
/* Frees info->upload. */
void gemini_request_info_release(struct gemini_request_info *info);

#endif
