/* kitty.c: the kitty graphics protocol's commands (see kitty.h). */
#include "jarvis/kitty.h"

#include <stdlib.h>

#include "jarvis/base64.h"

void kitty_transmit(struct buf *out, uint32_t id, const unsigned char *rgba, int w, int h, int cols,
                    int rows)
{
	if (w <= 0 || h <= 0 || cols <= 0 || rows <= 0)
		return;
	char *b64 = base64_encode(rgba, (size_t)w * (size_t)h * 4);
	size_t n = base64_encoded_len((size_t)w * (size_t)h * 4);
	/* The keys go with the first chunk; the later ones say only whether more follow. */
	for (size_t off = 0; off < n; off += KITTY_CHUNK) {
		size_t len = n - off < KITTY_CHUNK ? n - off : KITTY_CHUNK;
		int more = off + len < n;
		if (off == 0)
			buf_addf(out, "\033_Ga=T,f=32,s=%d,v=%d,i=%u,p=1,c=%d,r=%d,C=1,q=2,m=%d;",
			         w, h, (unsigned)id, cols, rows, more);
		else
			buf_addf(out, "\033_Gm=%d,q=2;", more);
		buf_add(out, b64 + off, len);
		buf_addstr(out, "\033\\");
	}
	free(b64);
}

void kitty_place(struct buf *out, uint32_t id, int cols, int rows)
{
	/* The same placement id as kitty_transmit's: placing it again moves it. */
	buf_addf(out, "\033_Ga=p,i=%u,p=1,c=%d,r=%d,C=1,q=2\033\\", (unsigned)id, cols, rows);
}

void kitty_delete(struct buf *out, uint32_t id)
{
	/* d=I: its placements and its data, which nothing will place again. */
	buf_addf(out, "\033_Ga=d,d=I,i=%u,q=2\033\\", (unsigned)id);
}
