/*
 * completion.c: the bash, zsh and fish completion scripts (see completion.h).
 * Every option comes from cli_options and every model id from the built-in
 * model table; nothing here lists an option by hand.
 */
#include "jarvis/completion.h"

#include <string.h>

#include "jarvis/cli.h"
#include "jarvis/models.h"

static const char *const shells[] = {"bash", "zsh", "fish"};

static int short_letter(const struct cli_option *o)
{
	return o->val > 0 && o->val < 256 ? o->val : 0;
}

/* The model ids, separated by spaces. */
static void put_models(FILE *out, const struct model_list *models)
{
	for (size_t i = 0; i < models->n; i++)
		fprintf(out, "%s%s", i ? " " : "", models->v[i].id);
}

/* The option's spellings for a bash case pattern: "-m|--model". */
static void put_bash_pattern(FILE *out, const struct cli_option *o)
{
	if (short_letter(o))
		fprintf(out, "-%c|", short_letter(o));
	fprintf(out, "--%s", o->name);
}

static void write_bash(FILE *out, const struct model_list *models)
{
	fputs("_jarvis()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tcase $prev in\n",
	      out);
	for (const struct cli_option *o = cli_options; o->name != NULL; o++) {
		if (o->summary == NULL || o->arg == CLI_ARG_NONE)
			continue;
		fputs("\t", out);
		put_bash_pattern(out, o);
		if (o->arg == CLI_ARG_MODEL) {
			fputs(")\n\t\tCOMPREPLY=($(compgen -W '", out);
			put_models(out, models);
			fputs("' -- \"$cur\"))\n\t\treturn ;;\n", out);
		} else if (o->arg == CLI_ARG_FILE) {
			fputs(")\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
			      "\t\tcompopt -o filenames 2>/dev/null\n\t\treturn ;;\n",
			      out);
		} else {
			fputs(")\n\t\tCOMPREPLY=()\n\t\treturn ;;\n", out);
		}
	}
	fputs("\tesac\n\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W '", out);
	const char *sep = "";
	for (const struct cli_option *o = cli_options; o->name != NULL; o++) {
		if (o->summary == NULL)
			continue;
		fprintf(out, "%s--%s", sep, o->name);
		sep = " ";
		if (short_letter(o))
			fprintf(out, " -%c", short_letter(o));
	}
	fputs("' -- \"$cur\"))\n\tfi\n}\ncomplete -F _jarvis jarvis\n", out);
}

/* Text inside a single-quoted zsh _arguments spec: no quote, colon or bracket. */
static void put_zsh_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if (strchr(":[]", *s))
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

static void write_zsh_action(FILE *out, const struct cli_option *o, const struct model_list *models)
{
	switch (o->arg) {
	case CLI_ARG_MODEL:
		fputs(":model:(", out);
		put_models(out, models);
		fputs(")", out);
		break;
	case CLI_ARG_FILE:
		fputs(":file:_files", out);
		break;
	case CLI_ARG_WORD:
		fprintf(out, ":%s: ", o->name);
		break;
	default:
		break;
	}
}

static void write_zsh(FILE *out, const struct model_list *models)
{
	fputs("_arguments -s", out);
	for (const struct cli_option *o = cli_options; o->name != NULL; o++) {
		if (o->summary == NULL)
			continue;
		const char *arg = o->arg == CLI_ARG_NONE ? "" : "=";
		fputs(" \\\n  ", out);
		if (short_letter(o))
			fprintf(out, "'(-%c --%s)'{-%c%s,--%s%s}'[", short_letter(o), o->name,
			        short_letter(o), *arg ? "+" : "", o->name, arg);
		else
			fprintf(out, "'--%s%s[", o->name, arg);
		put_zsh_text(out, o->summary);
		fputs("]", out);
		write_zsh_action(out, o, models);
		fputs("'", out);
	}
	fputs("\n", out);
}

/* A single-quoted fish word. */
static void put_fish_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('\'', out);
}

static void write_fish(FILE *out, const struct model_list *models)
{
	fputs("complete -c jarvis -f\n", out);
	for (const struct cli_option *o = cli_options; o->name != NULL; o++) {
		if (o->summary == NULL)
			continue;
		fputs("complete -c jarvis", out);
		if (short_letter(o))
			fprintf(out, " -s %c", short_letter(o));
		fprintf(out, " -l %s", o->name);
		if (o->arg == CLI_ARG_FILE) {
			fputs(" -r -F", out);
		} else if (o->arg == CLI_ARG_MODEL) {
			fputs(" -x -a '", out);
			put_models(out, models);
			fputs("'", out);
		} else if (o->arg != CLI_ARG_NONE) {
			fputs(" -x", out);
		}
		fputs(" -d ", out);
		put_fish_quoted(out, o->summary);
		fputs("\n", out);
	}
}

int completion_write(FILE *out, const char *shell)
{
	size_t which = 0;
	while (which < sizeof(shells) / sizeof(shells[0]) && strcmp(shells[which], shell) != 0)
		which++;
	if (which == sizeof(shells) / sizeof(shells[0]))
		return -1;
	struct model_list models;
	models_init(&models);
	if (which == 1)
		fputs("#compdef jarvis\n", out); /* zsh's compinit reads the first line */
	fprintf(out, "# %s completion for jarvis, written by jarvis --completions %s\n", shell,
	        shell);
	if (which == 0)
		write_bash(out, &models);
	else if (which == 1)
		write_zsh(out, &models);
	else
		write_fish(out, &models);
	models_release(&models);
	return 0;
}
