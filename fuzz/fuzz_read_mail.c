/*
 * fuzz_read_mail.c - libFuzzer target for the mbox / .eml reader: reads the input as a mailbox
 * and as a single message (with and without a leading "From " line), from memory and from a
 * stream, with a small record limit, for crashes, hangs and leaks.
 */
#include <stdint.h>
#include <string.h>
#include "read_all.h"

static void read_all(const uint8_t *data, size_t size, int stream)
{
	idt_reader_opts o = {.format = IDT_FMT_MBOX, .max_record = 1 << 12};
	fuzz_read_all(data, size, &o, "in.mbox", stream, 2 * size + 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, 0);
	read_all(data, size, 1);
	uint8_t *m = malloc(size + 6);
	if (!m) return 0;
	memcpy(m, "From \n", 6);
	if (size) memcpy(m + 6, data, size);
	read_all(m, size + 6, 0);
	free(m);
	return 0;
}
