/*
 * Unit tests for imagesize.c: the sizes in the fixtures' headers (PNG,
 * JPEG), GIF and WebP headers written here, and every cut of a header
 * refused rather than read past its end.
 */
#include "jarvis/imagesize.h"

#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void expect_file(const char *path, long w, long h)
{
	size_t len;
	char *data = unit_slurp(path, &len);
	long gw = 0, gh = 0;
	ck_assert_msg(image_size((const unsigned char *)data, len, &gw, &gh), "%s", path);
	ck_assert_int_eq(gw, w);
	ck_assert_int_eq(gh, h);
	/* Every cut before the size is refused, never read past. */
	for (size_t n = 0; n < 24 && n < len; n++) {
		unsigned char *cut = malloc(n ? n : 1);
		memcpy(cut, data, n);
		ck_assert(!image_size(cut, n, &gw, &gh));
		free(cut);
	}
	free(data);
}

START_TEST(png_and_jpeg_fixtures)
{
	expect_file("tests/fixtures/images/two.png", 128, 128);
	expect_file("tests/fixtures/images/disc.png", 48, 48);
	expect_file("tests/fixtures/images/disc.jpg", 48, 48);
}
END_TEST

START_TEST(gif_and_webp_headers)
{
	static const unsigned char gif[] = "GIF89a\x40\x01\xf0\x00";
	long w = 0, h = 0;
	ck_assert(image_size(gif, sizeof gif - 1, &w, &h));
	ck_assert(w == 320 && h == 240);
	unsigned char webp[30] = "RIFF\0\0\0\0WEBPVP8X";
	webp[24] = 0x3f, webp[25] = 0x01; /* width - 1 = 319 */
	webp[27] = 0xef;                  /* height - 1 = 239 */
	ck_assert(image_size(webp, sizeof webp, &w, &h));
	ck_assert(w == 320 && h == 240);
	unsigned char lossy[30] = "RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a\x40\x01\xf0\x00";
	ck_assert(image_size(lossy, sizeof lossy, &w, &h));
	ck_assert(w == 320 && h == 240);
}
END_TEST

START_TEST(what_is_no_image)
{
	long w = 7, h = 7;
	ck_assert(!image_size((const unsigned char *)"hello, world", 12, &w, &h));
	ck_assert(!image_size(NULL, 0, &w, &h));
	/* A JPEG whose scan starts before any frame header has no size. */
	static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6};
	ck_assert(!image_size(jpeg, sizeof jpeg, &w, &h));
	/* A PNG of zero width is refused. */
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\0\0\0\0\x10";
	ck_assert(!image_size(png, sizeof png - 1, &w, &h));
	ck_assert(w == 7 && h == 7);
}
END_TEST

static Suite *imagesize_suite(void)
{
	Suite *s = suite_create("imagesize");
	TCase *tc = tcase_create("headers");
	tcase_add_test(tc, png_and_jpeg_fixtures);
	tcase_add_test(tc, gif_and_webp_headers);
	tcase_add_test(tc, what_is_no_image);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(imagesize_suite)
