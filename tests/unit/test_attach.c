/*
 * Unit tests for base64 and attachments: images, PDF, audio and text told
 * from their bytes by libmagic, each kind's own limit, data URIs.
 */
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

static const struct attach_limits roomy = {1024, 1024, 4096, 1024};

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
	ck_assert_int_eq(attach_load(path, &roomy, &img, &cause), 0);
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
	ck_assert_int_eq(attach_load(text, &roomy, &img, &cause), 0); /* text is taken now */
	attach_image_release(&img);
	char *bin = write_temp("\x00\x01\x02\x03garbage\xff", 12, ".png");
	ck_assert_int_eq(attach_load(bin, &roomy, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "PNG, JPEG, WebP"));
	ck_assert_ptr_nonnull(strstr(cause, "PDF, audio (WAV, MP3"));
	unlink(bin);
	free(bin);

	char *png = write_temp(png1x1, sizeof png1x1, ".png");
	struct attach_limits tight = roomy;
	tight.image = 10;
	ck_assert_int_eq(attach_load(png, &tight, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "over the 10-byte limit for an image ([limits] "
	                                    "max_image_bytes)"));

	ck_assert_int_eq(attach_load("/nonexistent/x.png", &roomy, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "cannot open /nonexistent/x.png"));
	ck_assert_int_eq(attach_load("/tmp", &roomy, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a regular file"));
	/* A FIFO with no writer: refused at once instead of blocking in open(). */
	char fifo[] = "/tmp/jarvis-attach-fifo-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(fifo));
	char *fifo_path = xasprintf("%s/pipe.png", fifo);
	ck_assert_int_eq(mkfifo(fifo_path, 0600), 0);
	ck_assert_int_eq(attach_load(fifo_path, &roomy, &img, &cause), -1);
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

/* One small file of each kind, as libmagic knows them, and the type sent for each. */
START_TEST(each_kind_is_told_from_its_bytes)
{
	static const unsigned char wav[] = "RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00"
	                                   "\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00"
	                                   "\x10\x00data\x00\x00\x00\x00";
	static const unsigned char flac[] = "fLaC\x80\x00\x00\x22\x10\x00\x10\x00";
	static const unsigned char ogg[] = "OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"
	                                   "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	                                   "\x01\x1e\x01vorbis";
	static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	const struct {
		const void *p;
		size_t n;
		const char *mime;
		enum attach_kind kind;
	} cases[] = {
	    {pdf, sizeof pdf - 1, "application/pdf", ATTACH_PDF},
	    {wav, sizeof wav - 1, "audio/wav", ATTACH_AUDIO},
	    {flac, sizeof flac - 1, "audio/flac", ATTACH_AUDIO},
	    {ogg, sizeof ogg - 1, "audio/ogg", ATTACH_AUDIO},
	    {"a,b\n1,2\n", 8, "text/plain", ATTACH_TEXT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *path = write_temp(cases[i].p, cases[i].n, ".bin");
		struct image img;
		char *cause = NULL;
		ck_assert_msg(attach_load(path, &roomy, &img, &cause) == 0, "%s", cause);
		ck_assert_str_eq(img.mime, cases[i].mime);
		ck_assert_int_eq(attach_kind_of(img.mime), cases[i].kind);
		attach_image_release(&img);
		/* Each kind is held to its own limit. */
		struct attach_limits tight = roomy;
		if (cases[i].kind == ATTACH_PDF)
			tight.pdf = 4;
		else if (cases[i].kind == ATTACH_AUDIO)
			tight.audio = 4;
		else
			tight.text = 4;
		ck_assert_int_eq(attach_load(path, &tight, &img, &cause), -1);
		ck_assert_ptr_nonnull(strstr(cause, "over the 4-byte limit"));
		free(cause);
		unlink(path);
		free(path);
	}
	/* Text that is not UTF-8 is refused: it could not go as a text part. */
	char *latin = write_temp("caf\xe9 au lait, tr\xe8s bien\n", 24, ".txt");
	struct image img;
	char *cause = NULL;
	ck_assert_int_eq(attach_load(latin, &roomy, &img, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "UTF-8"));
	free(cause);
	unlink(latin);
	free(latin);
}
END_TEST

START_TEST(base64_decodes_what_it_encodes)
{
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	for (size_t i = 0; i < 7; i++) {
		char *s = base64_encode((const unsigned char *)in[i], strlen(in[i]));
		size_t n = 0;
		unsigned char *back = base64_decode(s, strlen(s), &n);
		ck_assert_ptr_nonnull(back);
		ck_assert_uint_eq(n, strlen(in[i]));
		ck_assert(memcmp(back, in[i], n) == 0);
		free(back);
		free(s);
	}
	size_t n;
	ck_assert_ptr_null(base64_decode("Zm9v*", 5, &n));
	ck_assert_ptr_null(base64_decode("Z", 1, &n));
}
END_TEST

static Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, base64_matches_rfc4648_vectors);
	tcase_add_test(tc, png_becomes_a_data_uri);
	tcase_add_test(tc, refuses_text_oversize_and_missing_files);
	tcase_add_test(tc, each_kind_is_told_from_its_bytes);
	tcase_add_test(tc, base64_decodes_what_it_encodes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(attach_suite)
