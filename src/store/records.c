/*
 * records.c: freeing and growing the plain records of store.h. Shared by
 * the dispatcher and by the engines, including the MongoDB plugin, which
 * links its own copy; nothing here touches an engine.
 */
#include <stdlib.h>

#include "jarvis/store.h"
#include "jarvis/util.h"

#include "engine.h"

void store_user_free(struct store_user *u)
{
	if (u == NULL)
		return;
	free(u->id);
	free(u->name);
	free(u->email);
	free_secret(u->password_hash);
	free(u);
}

void store_conv_list_free(struct store_conv_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].id);
		free(l->items[i].title);
		free(l->items[i].model);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

void store_msgs_push(struct store_msgs *v, struct msg *m)
{
	v->items = xrealloc(v->items, (v->n + 1) * sizeof(*v->items));
	v->items[v->n++] = m;
}

void store_msgs_free(struct store_msgs *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++)
		msg_free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->n = 0;
}
