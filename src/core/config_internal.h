/*
 * config_internal.h: what the files of the config module share (not part
 * of config.h's contract). config_options.c holds the table,
 * config_value.c sets one option from its text, config_file.c reads the
 * INI file and config.c puts a load together.
 */
#ifndef JARVIS_CONFIG_INTERNAL_H
#define JARVIS_CONFIG_INTERNAL_H

#include "jarvis/config.h"

/* The row for section and key ("model" for [model "ID"] keys), or NULL. */
const struct config_option *config_option_find(const char *section, const char *key);

/* The check of a model id, which may drop a "models/" prefix in place:
 * NULL or the complaint. Also checks the ID of a [model "ID"] section. */
const char *config_check_model(char *value);

/*
 * Sets one option of base (a struct config, or a struct config_model for
 * [model] keys) from its text; an empty text means the default. label
 * names the value in a complaint: the key, the environment variable or
 * the command-line option.
 */
int config_option_set(void *base, const struct config_option *o, const char *value,
                      const char *label, char **cause);

/* Frees an option's string (wiping a secret) and clears its "is set" flag. */
void config_option_clear(void *base, const struct config_option *o);

/* Appends an indented continuation line to a multi-line string option. */
void config_option_append(void *base, const struct config_option *o, const char *value);

/*
 * Reads path into cfg. named_by is NULL for the default file (which may be
 * missing) or says who named it ("-c", "JARVIS_CONFIG"); warn (may be
 * NULL) hears about a secret in a file that others can read.
 */
int config_load_file(struct config *cfg, const char *path, const char *named_by,
                     config_warn_fn warn, void *ud, char **cause);

#endif
