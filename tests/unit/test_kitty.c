/*
 * Unit tests for kitty.c: an image's APC strings carry the keys once, in
 * the first, at most 4096 payload bytes each, m=1 on all but the last,
 * q=2 on every one, and their payloads together are the pixels' base64;
 * a small image is one string; place and delete name the id; nothing for
 * no pixels.
 */
#include "jarvis/kitty.h"

#include <stdlib.h>
#include <string.h>

#include "jarvis/base64.h"
#include "unit.h"

/* Splits out's APC strings: their count, their payloads joined into payload. */
static int apc_strings(const struct buf *out, struct buf *payload, char keys[][128], int max)
{
	int n = 0;
	const char *p = out->data, *end = out->data + out->len;
	while (p < end) {
		ck_assert_msg(strncmp(p, "\033_G", 3) == 0, "not an APC G string: %.20s", p);
		const char *semi = strchr(p, ';');
		const char *st = strstr(p, "\033\\");
		ck_assert(semi != NULL && st != NULL && semi < st);
		ck_assert_int_lt(n, max);
		size_t kl = (size_t)(semi - p - 3);
		ck_assert_uint_lt(kl, 128);
		memcpy(keys[n], p + 3, kl);
		keys[n][kl] = '\0';
		ck_assert_uint_le((size_t)(st - semi - 1), KITTY_CHUNK);
		buf_add(payload, semi + 1, (size_t)(st - semi - 1));
		n++;
		p = st + 2;
	}
	return n;
}

START_TEST(a_large_image_in_chunks)
{
	/* 40x30 RGBA: 4800 bytes, 6400 in base64: two strings. */
	int w = 40, h = 30;
	size_t len = (size_t)w * (size_t)h * 4;
	unsigned char *px = malloc(len);
	for (size_t i = 0; i < len; i++)
		px[i] = (unsigned char)(i * 7 + 3);
	struct buf out, payload;
	buf_init(&out, 0);
	buf_init(&payload, 0);
	kitty_transmit(&out, 42, px, w, h, 16, 8);
	char keys[8][128];
	int n = apc_strings(&out, &payload, keys, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(keys[0], "a=T,f=32,s=40,v=30,i=42,p=1,c=16,r=8,C=1,q=2,m=1");
	ck_assert_str_eq(keys[1], "m=0,q=2");
	size_t got = 0;
	unsigned char *back = base64_decode(payload.data, payload.len, &got);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(got, len);
	ck_assert(memcmp(back, px, len) == 0);
	free(back);
	free(px);
	buf_release(&out);
	buf_release(&payload);
}
END_TEST

START_TEST(a_small_image_in_one_string)
{
	static const unsigned char px[8] = {255, 0, 0, 255, 0, 0, 255, 255};
	struct buf out, payload;
	buf_init(&out, 0);
	buf_init(&payload, 0);
	kitty_transmit(&out, 7, px, 2, 1, 1, 1);
	char keys[2][128];
	ck_assert_int_eq(apc_strings(&out, &payload, keys, 2), 1);
	ck_assert_str_eq(keys[0], "a=T,f=32,s=2,v=1,i=7,p=1,c=1,r=1,C=1,q=2,m=0");
	ck_assert_str_eq(payload.data, "/wAA/wAA//8=");
	buf_release(&out);
	buf_release(&payload);
}
END_TEST

START_TEST(place_delete_and_nothing)
{
	struct buf out;
	buf_init(&out, 0);
	kitty_delete(&out, 9);
	ck_assert_str_eq(out.data, "\033_Ga=d,d=I,i=9,q=2\033\\");
	buf_reset(&out);
	kitty_place(&out, 9, 16, 8);
	ck_assert_str_eq(out.data, "\033_Ga=p,i=9,p=1,c=16,r=8,C=1,q=2\033\\");
	buf_reset(&out);
	kitty_transmit(&out, 1, NULL, 0, 0, 4, 4);
	kitty_transmit(&out, 1, (const unsigned char *)"xxxx", 1, 1, 0, 1);
	ck_assert_uint_eq(out.len, 0);
	buf_release(&out);
}
END_TEST

static Suite *kitty_suite(void)
{
	Suite *s = suite_create("kitty");
	TCase *tc = tcase_create("commands");
	tcase_add_test(tc, a_large_image_in_chunks);
	tcase_add_test(tc, a_small_image_in_one_string);
	tcase_add_test(tc, place_delete_and_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(kitty_suite)
