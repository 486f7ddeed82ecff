/* Unit tests for base64 and image attachments (libmagic, limits, data URIs). */
#include "jarvis/attach.h"
#include "jarvis/base64.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

/* The smallest valid PNG: a 1x1 transparent pixel. */
static const unsigned char png1x1[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static char *write_temp(const void *p, size_t n, const char *suffix)
{
	char *path = xasprintf("/tmp/jarvis-attach-XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

START_TEST(base64_matches_rfc4648_vectors)
{
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (size_t i = 0; i < 7; i++) {
		char *s = base64_encode((const unsigned char *)in[i], strlen(in[i]));
		ck_assert_str_eq(s, out[i]);
		ck_assert_uint_eq(strlen(s), base64_encoded_len(strlen(in[i])));
		free(s);
	}
}
END_TEST

START_TEST(png_becomes_a_data_uri)
{
	/* A misleading name: the type comes from the bytes. */
	char *path = write_temp(png1x1, sizeof png1x1, ".txt");
	struct image img;
	char *cause = NULL;
	ck_assert_int_eq(attach_load(path, 1024, &img, &cause), 0);
	ck_assert_str_eq(img.mime, "image/png");
	ck_assert_uint_eq(img.size, sizeof png1x1);
	ck_assert(strncmp(img.data_uri, "data:image/png;base64,iVBORw0KGgo", 33) == 0);
	ck_assert_str_eq(img.name, strrchr(path, '/') + 1);
	attach_image_release(&img);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(refuses_text_oversize_and_missing_files)
{
	char *cause = NULL;
	struct image img;
	char *text = write_temp("hello, not an image\n", 20, ".png");
	ck_assert_int_eq(attach_load(text, 1024, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "text/plain"));
	ck_assert_ptr_nonnull(strstr(cause, "PNG, JPEG, WebP"));

	char *png = write_temp(png1x1, sizeof png1x1, ".png");
	ck_assert_int_eq(attach_load(png, 10, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "over the 10-byte limit"));

	ck_assert_int_eq(attach_load("/nonexistent/x.png", 1024, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "cannot open /nonexistent/x.png"));
	ck_assert_int_eq(attach_load("/tmp", 1024, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a regular file"));
	/* A FIFO with no writer: refused at once instead of blocking in open(). */
	char fifo[] = "/tmp/jarvis-attach-fifo-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(fifo));
	char *fifo_path = xasprintf("%s/pipe.png", fifo);
	ck_assert_int_eq(mkfifo(fifo_path, 0600), 0);
	ck_assert_int_eq(attach_load(fifo_path, 1024, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a regular file"));
	unlink(fifo_path);
	rmdir(fifo);
	free(fifo_path);
	unlink(text);
	unlink(png);
	free(text);
	free(png);
	free(cause);
}
END_TEST

static Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, base64_matches_rfc4648_vectors);
	tcase_add_test(tc, png_becomes_a_data_uri);
	tcase_add_test(tc, refuses_text_oversize_and_missing_files);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(attach_suite)
