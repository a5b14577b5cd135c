/*
 * fuzz_read_warc.c - libFuzzer target for the WARC/ARC reader: reads the input as a web archive
 * from memory and from a stream (so the gzip layer and the record stream refill), with a small
 * record limit, for crashes, hangs and leaks.
 */
#include <stdint.h>
#include "read_all.h"

static void read_all(const uint8_t *data, size_t size, int stream)
{
	idt_reader_opts o = {.format = IDT_FMT_WARC, .max_record = 1 << 12};
	fuzz_read_all(data, size, &o, "fuzz.warc", stream, 2 * size + 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, 0);
	read_all(data, size, 1);
	return 0;
}
