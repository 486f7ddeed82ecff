/*
 * fuzz_cmd.c: libFuzzer harness for the slash-command tokenizer and its
 * password masking. The input is one typed line. Whenever its command word
 * is /login or /signup or could be one (a prefix, any case), masking must
 * start no later than the password: what is left unmasked splits into at
 * most the command word and the arguments before the password.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jarvis/cmd.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many words come before the password of the secret command word0 may be; -1: none. */
static int words_before_secret(const char *word0)
{
	if (word0[0] != '/' || word0[1] == '\0')
		return -1;
	size_t n = strlen(word0 + 1);
	if (strncasecmp("login", word0 + 1, n) == 0)
		return 2; /* /login EMAIL PASSWORD */
	if (strncasecmp("signup", word0 + 1, n) == 0)
		return 3; /* /signup NAME EMAIL PASSWORD */
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = xstrndup((const char *)data, size);
	line[strnlen(line, size)] = '\0';
	char **words = NULL;
	int nw = cmd_split(line, -1, &words);
	(void)cmd_known(line);
	size_t off = 0;
	bool secret = cmd_secret_offset(line, &off);
	if (secret && off > strlen(line))
		abort();
	/* The command word as the user sees it: the line's first word. */
	const char *p = line + strspn(line, " \t");
	char *word0 = xstrndup(p, strcspn(p, " \t"));
	int before = words_before_secret(word0);
	if (before > 0 && nw > before) {
		if (!secret)
			abort(); /* a password typed after a /login look-alike, not masked */
		char *shown = xstrndup(line, off);
		char **sw = NULL;
		int ns = cmd_split(shown, -1, &sw);
		if (ns > before)
			abort(); /* the password, or part of it, left unmasked */
		cmd_words_free(sw);
		free(shown);
	}
	free(word0);
	cmd_words_free(words);
	char *out[8];
	size_t nc = cmd_complete(line, out, 8);
	for (size_t i = 0; i < nc; i++)
		free(out[i]);
	free(line);
	return 0;
}
