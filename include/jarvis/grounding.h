/*
 * grounding.h: what a grounded answer cites. The reply parser folds each
 * candidate's groundingMetadata and urlContextMetadata into one compact
 * JSON object (the form stored with the answer and printed by -p json):
 *
 *   {"queries":["..."], "sources":[{"title":"...","uri":"..."}],
 *    "supports":[{"end":41,"sources":[0,1]}],
 *    "urls":[{"url":"...","status":"URL_RETRIEVAL_STATUS_SUCCESS"}]}
 *
 * "end" is a groundingSupports segment end: a UTF-8 byte offset into the
 * answer text as Jarvis keeps it. The API counts it in the model's text
 * parts alone; the parts drawn into the text (a code block for an
 * executableCode part, its output) are added by grounding_fold. The rest of this header turns that
 * object back into what a reader sees: citation markers [n] at those ends and a Sources list. Pure
 * data: no terminal, network or store code.
 */
#ifndef JARVIS_GROUNDING_H
#define JARVIS_GROUNDING_H

#include <stdbool.h>
#include <stddef.h>

#include "jarvis/buf.h"

struct grounding_source {
	char *title;
	char *uri;
};

struct grounding_support {
	size_t end;      /* byte offset into the answer text */
	size_t *sources; /* indices into sources[] */
	size_t nsources;
};

struct grounding_url {
	char *url;
	char *status;
};

struct grounding {
	char **queries; /* the web searches the model ran */
	size_t nqueries;
	struct grounding_source *sources;
	size_t nsources;
	struct grounding_support *supports;
	size_t nsupports;
	struct grounding_url *urls; /* pages the URL context tool fetched */
	size_t nurls;
};

/*
 * Bytes the answer text has that the model's text parts do not: len bytes
 * drawn (from a code execution or image part) where the text parts had
 * reached byte at.
 */
struct grounding_shift {
	size_t at;
	size_t len;
};

/*
 * Folds one candidate's metadata (either JSON text may be NULL) into *dst,
 * the compact object above (NULL at first; replaced, caller frees). A field
 * present in the new metadata replaces the one before. Each support's end
 * is moved past the nshifts drawn parts that come before it (shifts in
 * order of at; may be NULL when nshifts is 0).
 */
void grounding_fold(char **dst, const char *grounding_metadata, const char *url_context_metadata,
                    const struct grounding_shift *shifts, size_t nshifts);
/* Reads the compact object; -1 when it is not one (g is then empty). */
int grounding_parse(const char *json, struct grounding *g);
void grounding_release(struct grounding *g);
/* Whether there is anything to show. */
int grounding_empty(const struct grounding *g);
/*
 * The text with a marker [n] (n counts sources from 1) after each support's
 * end, moved forward to the next character boundary; ends past the text are
 * left out.
 */
void grounding_mark(const char *text, size_t len, const struct grounding *g, struct buf *out);
/*
 * The Sources list ("[1] title (uri)" lines), the searches run and the
 * pages fetched: Markdown for the screen and the export, else plain lines
 * (-p); nothing when g is empty.
 */
void grounding_sources(const struct grounding *g, bool markdown, struct buf *out);

/*
 * An answer as a reader sees it: the text with its markers, a blank line,
 * the Markdown Sources list; the text alone when json (the stored object)
 * is NULL, not one, or cites nothing.
 */
void grounding_render(const char *text, size_t len, const char *json, struct buf *out);

#endif
