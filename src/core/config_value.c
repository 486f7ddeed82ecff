/*
 * config_value.c: a value's text into its field. The parsers for numbers,
 * durations, sizes and booleans (locale-free, overflow-checked) and the
 * setter that checks a value against its row of the option table and
 * stores it in a struct config or struct config_model. Every source of a
 * value (the file, the environment, the command line, the defaults) goes
 * through config_option_set, so all of them are checked alike.
 */
#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "jarvis/config.h"
#include "jarvis/util.h"

/* --- value parsers ----------------------------------------------------- */

/* A decimal number without locale: the TUI may set LC_NUMERIC to a comma. */
static int parse_number(const char *s, double *out)
{
	const char *p = s;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	double v = 0;
	int digits = 0;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		double scale = 0.1;
		while (isdigit((unsigned char)*p)) {
			v += (*p++ - '0') * scale;
			scale /= 10;
			digits++;
		}
	}
	if (digits == 0 || *p != '\0' || v > DBL_MAX)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* Reads leading decimal digits into *out; returns the rest or NULL. */
static const char *parse_digits(const char *s, unsigned long long *out)
{
	if (!isdigit((unsigned char)*s))
		return NULL;
	unsigned long long v = 0;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	*out = v;
	return s;
}

static int parse_integer(const char *s, long *out)
{
	bool neg = *s == '-';
	if (*s == '+' || *s == '-')
		s++;
	unsigned long long v;
	const char *rest = parse_digits(s, &v);
	if (rest == NULL || *rest != '\0' || v > (unsigned long long)LONG_MAX)
		return -1;
	*out = neg ? -(long)v : (long)v;
	return 0;
}

int config_parse_duration(const char *s, long *out)
{
	unsigned long long v;
	const char *rest = parse_digits(s, &v);
	if (rest == NULL)
		return -1;
	unsigned long long unit;
	if (strcmp(rest, "") == 0 || strcmp(rest, "s") == 0)
		unit = 1;
	else if (strcmp(rest, "m") == 0)
		unit = 60;
	else if (strcmp(rest, "h") == 0)
		unit = 3600;
	else if (strcmp(rest, "d") == 0)
		unit = 86400;
	else
		return -1;
	if (v > (unsigned long long)LONG_MAX / unit)
		return -1;
	*out = (long)(v * unit);
	return 0;
}

int config_parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	const char *rest = parse_digits(s, &v);
	if (rest == NULL)
		return -1;
	while (*rest == ' ')
		rest++;
	char unit[4] = "";
	size_t n = strlen(rest);
	if (n >= sizeof(unit))
		return -1;
	for (size_t i = 0; i < n; i++)
		unit[i] = (char)tolower((unsigned char)rest[i]);
	unit[n] = '\0';

	static const struct {
		const char *name;
		unsigned long long factor;
	} units[] = {
	    {"", 1},
	    {"b", 1},
	    {"k", 1ULL << 10},
	    {"ki", 1ULL << 10},
	    {"kib", 1ULL << 10},
	    {"kb", 1000ULL},
	    {"m", 1ULL << 20},
	    {"mi", 1ULL << 20},
	    {"mib", 1ULL << 20},
	    {"mb", 1000000ULL},
	    {"g", 1ULL << 30},
	    {"gi", 1ULL << 30},
	    {"gib", 1ULL << 30},
	    {"gb", 1000000000ULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (strcmp(unit, units[i].name) != 0)
			continue;
		if (v > SIZE_MAX / units[i].factor)
			return -1;
		*out = (size_t)(v * units[i].factor);
		return 0;
	}
	return -1;
}

int config_parse_bool(const char *s, bool *out)
{
	static const char *const on[] = {"on", "true", "yes", "1"};
	static const char *const off[] = {"off", "false", "no", "0"};
	for (size_t i = 0; i < ARRAY_LEN(on); i++) {
		if (strcasecmp(s, on[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, off[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* --- setting one option ------------------------------------------------ */

void config_option_clear(void *base, const struct config_option *o)
{
	char *p = (char *)base + o->offset;
	if (o->type == CONFIG_STRING) {
		char **s = (char **)(void *)p;
		if (o->secret)
			secret_free(*s);
		else
			free(*s);
		*s = NULL;
	}
	if (o->has_offset != CONFIG_NO_FLAG)
		*(bool *)(void *)((char *)base + o->has_offset) = false;
}

/*
 * Sets one option of base (a struct config, or a struct config_model for
 * [model] keys) from its text. label names the value in a complaint: the
 * key, the environment variable or the command-line option.
 */
int config_option_set(void *base, const struct config_option *o, const char *value,
                      const char *label, char **cause)
{
	/* An empty value means "the built-in default", so a commented example
	 * line can be uncommented as it stands. */
	if (*value == '\0') {
		config_option_clear(base, o);
		if (o->def == NULL)
			return 0;
		value = o->def;
	}

	char *p = (char *)base + o->offset;
	switch (o->type) {
	case CONFIG_STRING: {
		char *copy = xstrdup(value);
		const char *why = o->check ? o->check(copy) : NULL;
		if (why != NULL) {
			if (o->secret)
				secret_free(copy);
			else
				free(copy);
			return set_cause(cause, "%s %s", label, why);
		}
		config_option_clear(base, o);
		*(char **)(void *)p = copy;
		break;
	}
	case CONFIG_NUMBER: {
		double v;
		if (parse_number(value, &v) < 0 || v < o->min || v > o->max)
			return set_cause(cause, "%s must be a number between %g and %g", label,
			                 o->min, o->max);
		*(double *)(void *)p = v;
		break;
	}
	case CONFIG_INTEGER: {
		long v;
		if (parse_integer(value, &v) < 0 || v < o->min || v > o->max) {
			if (o->min == 1)
				return set_cause(cause, "%s must be a whole number greater than 0",
				                 label);
			return set_cause(cause, "%s must be a whole number, 0 or more", label);
		}
		*(long *)(void *)p = v;
		break;
	}
	case CONFIG_DURATION: {
		long v;
		if (config_parse_duration(value, &v) < 0 || v < o->min || v > o->max)
			return set_cause(
			    cause,
			    "%s must be a duration from %gs to 366d, such as 300, 90s, "
			    "30m, 12h or 7d",
			    label, o->min);
		*(long *)(void *)p = v;
		break;
	}
	case CONFIG_SIZE: {
		size_t v;
		if (config_parse_size(value, &v) < 0 || (double)v < o->min || (double)v > o->max)
			return set_cause(
			    cause,
			    "%s must be a size from 1 byte to 1GiB, such as 5MiB, 512KiB "
			    "or 1000000",
			    label);
		*(size_t *)(void *)p = v;
		break;
	}
	case CONFIG_BOOL: {
		bool v;
		if (config_parse_bool(value, &v) < 0)
			return set_cause(cause, "%s must be on or off (or true/false, yes/no, 1/0)",
			                 label);
		*(bool *)(void *)p = v;
		break;
	}
	}
	if (o->has_offset != CONFIG_NO_FLAG)
		*(bool *)(void *)((char *)base + o->has_offset) = true;
	return 0;
}

/* Appends an indented continuation line to a multi-line string option. */
void config_option_append(void *base, const struct config_option *o, const char *value)
{
	char **s = (char **)(void *)((char *)base + o->offset);
	char *joined = *s ? xasprintf("%s%s%s", *s, o->join, value) : xstrdup(value);
	free(*s);
	*s = joined;
}
