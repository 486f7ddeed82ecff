/*
 * fuzz_imagesize.c: libFuzzer harness for the image header reader
 * (imagesize.c), which reads bytes the model sent as well as files. The
 * input is copied into a buffer of exactly its size, so a read past the
 * end is caught by ASan; a size it gives is never 0 nor negative.
 * Built and run by `make fuzz` (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jarvis/imagesize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	long w = -1, h = -1;
	if (image_size(copy, size, &w, &h) && (w <= 0 || h <= 0))
		abort();
	free(copy);
	return 0;
}
