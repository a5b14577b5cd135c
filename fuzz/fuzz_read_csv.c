/*
 * fuzz_read_csv.c - libFuzzer target for the CSV/TSV reader: reads the input whole as CSV and
 * as TSV (from memory and from a stream), with a small record limit, for crashes, hangs and
 * leaks.  Every call to idt_reader_next() must make progress.
 */
#include <stdint.h>
#include "read_all.h"

static void read_all(const uint8_t *data, size_t size, idt_format fmt, int stream)
{
	static const char *const tf[] = {"text", "title"};
	idt_reader_opts o = {.format = fmt, .text_fields = tf, .ntext_fields = 2, .max_record = 64};
	if (size & 1) o.text_fields = NULL; /* all columns */
	fuzz_read_all(data, size, &o, "fuzz", stream, size + 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, IDT_FMT_CSV, 0);
	read_all(data, size, IDT_FMT_TSV, 0);
	read_all(data, size, IDT_FMT_CSV, 1);
	return 0;
}
