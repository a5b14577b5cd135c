/*
 * fuzz_read_whatsapp.c - libFuzzer target for the WhatsApp export reader: reads the input as a
 * chat export from memory and from a stream, with a small record limit, for crashes, hangs and
 * leaks.
 */
#include <stdint.h>
#include "read_all.h"

static void read_all(const uint8_t *data, size_t size, int stream)
{
	idt_reader_opts o = {.format = IDT_FMT_WHATSAPP, .max_record = 128};
	fuzz_read_all(data, size, &o, "chat.txt", stream, 2 * size + 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, 0);
	read_all(data, size, 1);
	return 0;
}
