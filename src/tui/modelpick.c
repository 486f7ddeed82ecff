/*
 * modelpick.c: the F2 panel: the models (built-in table merged with the
 * API's list) with their limits; typing filters, Enter picks.
 */
#include "panels.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jarvis/chat.h"
#include "jarvis/models.h"
#include "jarvis/util.h"

static void model_open(struct panel *p, struct chat *ch)
{
	chat_fetch_models(ch);
	const struct model_list *ml = chat_models(ch);
	for (size_t i = 0; i < ml->n; i++)
		if (strcmp(ml->v[i].id, chat_model(ch)) == 0)
			panel_select(p, i);
}

static size_t model_rows(struct panel *p, struct chat *ch, int width)
{
	return chat_models(ch)->n;
}

static char *model_draw(struct panel *p, struct chat *ch, size_t i, bool *current)
{
	const struct model_info *m = &chat_models(ch)->v[i];
	*current = strcmp(m->id, chat_model(ch)) == 0;
	char rpm[24] = "-", rpd[24] = "-";
	if (m->rpm > 0)
		snprintf(rpm, sizeof rpm, "%ld", m->rpm);
	if (m->rpd > 0)
		snprintf(rpd, sizeof rpd, "%ld", m->rpd);
	return xasprintf("%s %-26s %4s/min %5s/day  %s", *current ? "●" : " ", m->id, rpm, rpd,
	                 m->description);
}

static bool model_match(struct panel *p, struct chat *ch, size_t i, const char *f)
{
	const struct model_info *m = &chat_models(ch)->v[i];
	return strcasestr(m->id, f) != NULL ||
	       (m->description != NULL && strcasestr(m->description, f) != NULL);
}

static enum panel_key model_key(struct panel *p, int key, bool is_code, size_t row, struct chat *ch,
                                struct cmd_ctx *ctx)
{
	if (is_code || key != '\r')
		return PANEL_UNUSED;
	if (row != SIZE_MAX)
		chat_set_model(ch, chat_models(ch)->v[row].id, NULL);
	return PANEL_CLOSE;
}

const struct panel_ops model_panel = {
    .title = " Models: Enter picks, type to filter ",
    .filter = FILTER_TYPING,
    .select = true,
    .open = model_open,
    .rows = model_rows,
    .draw = model_draw,
    .match = model_match,
    .key = model_key,
};
