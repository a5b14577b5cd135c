/*
 * fuzz_read_jsonl.c - libFuzzer target for the JSON Lines reader: the input is checked line by
 * line against jansson (the differential check of tests/unit/ingest/jsonl_diff.h: same lines
 * accepted, same values extracted; a mismatch aborts), then read whole through the public
 * reader API with a small record limit, as JSON Lines and as plain text, for crashes and leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include "../tests/unit/ingest/jsonl_diff.h"
#include "read_all.h"

static void read_all(const uint8_t *data, size_t size, idt_format fmt)
{
	static const char *const tf[] = {"text", "title"};
	idt_reader_opts o = {.format = fmt, .text_fields = tf, .ntext_fields = 2, .max_record = 64};
	fuzz_read_all(data, size, &o, "fuzz", 0, size + 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *e = p + size;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
		/* jansson mishandles NUL bytes (it accepts some); the reader rejects them */
		if (!memchr(p, 0, n) && jsonl_diff_check(p, n) < 0) abort();
		p += n + 1;
	}
	read_all(data, size, IDT_FMT_JSONL);
	read_all(data, size, IDT_FMT_TEXT);
	read_all(data, size, IDT_FMT_AUTO);
	return 0;
}
