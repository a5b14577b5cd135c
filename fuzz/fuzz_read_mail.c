/*
 * fuzz_read_mail.c - libFuzzer target for the mbox / .eml reader: reads the input as a mailbox
 * and as a single message (with and without a leading "From " line), from memory and from a
 * stream, with a small record limit, for crashes, hangs and leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interdict.h"

static void read_all(const uint8_t *data, size_t size, int stream)
{
	idt_reader_opts o = {.format = IDT_FMT_MBOX, .max_record = 1 << 12};
	idt_reader *r;
	idt_error err;
	FILE *fp = stream && size ? fmemopen((void *)data, size, "rb") : NULL;
	idt_status st = fp ? idt_reader_open_stream(fp, "in.mbox", &o, &r, &err)
	                   : idt_reader_open_mem((const char *)data, size, "in.mbox", &o, &r, &err);
	if (st == IDT_OK) {
		idt_record rec;
		size_t guard = 0;
		while ((st = idt_reader_next(r, &rec, &err)) != IDT_END && st != IDT_EIO)
			/* no progress is a hang; a gzip member can make the text up to 1032 times
			 * longer than the input (deflate's limit), so the bound is generous */
			if (++guard > (2 * size + 4) * 1100) abort();
		idt_reader_close(r);
	}
	if (fp) fclose(fp);
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
