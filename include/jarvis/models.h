/*
 * models.h: the models Jarvis knows: a built-in table of current Gemini
 * models with their free-tier limits, overridden per model by the config
 * and merged with the API's own list (GET /v1beta/models). Pure data.
 */
#ifndef JARVIS_MODELS_H
#define JARVIS_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#define MODELS_DEFAULT "gemini-3.5-flash"

struct model_info {
	char *id;          /* bare id, e.g. "gemini-3.5-flash" */
	long rpm;          /* requests per minute; 0: not known, not enforced */
	long rpd;          /* requests per day; 0: not known, not enforced */
	char *description; /* one line */
	long input_tokens; /* inputTokenLimit from the API's list; 0: not known */
	bool builtin;      /* in the built-in table */
	bool remote;       /* listed by the API for generateContent */
};

struct model_list {
	struct model_info *v;
	size_t n;
};

/* A model Google shut down or is shutting down. */
struct model_retirement {
	const char *id;
	const char *shutdown;    /* "YYYY-MM-DD" (UTC), or NULL: deprecated, no date yet */
	const char *replacement; /* the current model the API routes it to */
};

/* The retirement of id, or NULL while it is current (or unknown). */
const struct model_retirement *models_retirement(const char *id);
/*
 * A line saying id was (or will be) shut down, with today as "YYYY-MM-DD"
 * (UTC), and that how ("/model", "-m") with the replacement uses that;
 * NULL for a current model. Caller frees.
 */
char *models_retired_notice(const char *id, const char *today, const char *how);

/* Fills list with the built-in table. */
void models_init(struct model_list *list);
void models_release(struct model_list *list);
/* Sets a model's limits and description (rpm/rpd < 0 or NULL keep the old), adding it if new. */
void models_override(struct model_list *list, const char *id, long rpm, long rpd,
                     const char *description);
/*
 * Merges one page of GET /v1beta/models: models whose supportedGenerationMethods
 * has generateContent are added or marked remote. *next_page gets the
 * nextPageToken (caller frees) or NULL on the last page.
 */
int models_merge_remote(struct model_list *list, const char *json, size_t len, char **next_page,
                        char **cause);
/* Whether the id is safe to put in a URL path (letters, digits, '.', '-', '_'). */
bool model_id_ok(const char *id);
/* The model with this id, or NULL. */
const struct model_info *models_find(const struct model_list *list, const char *id);
/* Sorts by id so listings are stable. */
void models_sort(struct model_list *list);

#endif
