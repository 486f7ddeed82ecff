/*
 * fuzz_token.c: libFuzzer harness for login tokens and the session file.
 * The input is checked as a token (as it came from the session file) and
 * also written as the session file and read back; a token issued with the
 * fuzzed user id must verify back to it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jarvis/fs.h"
#include "jarvis/session.h"
#include "jarvis/token.h"
#include "jarvis/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char SECRET[32] = "fuzz-secret-of-thirty-two-bytes";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct token_claims c;
	memset(&c, 0, sizeof c);
	char *cause = NULL;
	if (token_verify(SECRET, sizeof SECRET, s, 1800000000, &c, &cause) == 0)
		token_claims_release(&c);
	free(cause);
	cause = NULL;

	static char dir[64];
	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/jarvis-fuzz-session-%d", (int)getpid());
		if (fs_private_dir(dir, &cause) != 0)
			abort();
	}
	char *path = xasprintf("%s/session", dir);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	char *tok = NULL, *notice = NULL;
	if (session_load(dir, &tok, &notice) == 0 && tok == NULL)
		abort();
	free(tok);
	free(notice);
	unlink(path);
	free(path);

	char *issued = NULL, *jti = NULL;
	if (token_issue(SECRET, sizeof SECRET, s, 1800000000, 3600, &issued, &jti, &cause) == 0) {
		memset(&c, 0, sizeof c);
		if (token_verify(SECRET, sizeof SECRET, issued, 1800000001, &c, &cause) != 0)
			abort(); /* what we issue we accept */
		if (strcmp(c.sub, s) != 0 || strcmp(c.jti, jti) != 0)
			abort();
		token_claims_release(&c);
		free(issued);
		free(jti);
	}
	free(cause);
	free(s);
	return 0;
}
