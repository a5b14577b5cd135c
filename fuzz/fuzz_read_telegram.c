/*
 * fuzz_read_telegram.c - libFuzzer target for the Telegram export reader: reads the input as an
 * export from memory and from a stream, with a small record limit, for crashes, hangs and leaks.
 */
#include <stdint.h>
#include "read_all.h"

static void read_all(const uint8_t *data, size_t size, int stream)
{
	idt_reader_opts o = {.format = IDT_FMT_TELEGRAM, .max_record = 1 << 10};
	fuzz_read_all(data, size, &o, "result.json", stream, size + 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, 0);
	read_all(data, size, 1);
	return 0;
}
