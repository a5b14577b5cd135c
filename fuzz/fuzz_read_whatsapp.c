/*
 * fuzz_read_whatsapp.c - libFuzzer target for the WhatsApp export reader: reads the input as a
 * chat export from memory and from a stream, with a small record limit, for crashes, hangs and
 * leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "interdict.h"

static void read_all(const uint8_t *data, size_t size, int stream)
{
	idt_reader_opts o = {.format = IDT_FMT_WHATSAPP, .max_record = 128};
	idt_reader *r;
	idt_error err;
	FILE *fp = stream && size ? fmemopen((void *)data, size, "rb") : NULL;
	idt_status st =
	    fp ? idt_reader_open_stream(fp, "chat.txt", &o, &r, &err)
	       : idt_reader_open_mem((const char *)data, size, "chat.txt", &o, &r, &err);
	if (st == IDT_OK) {
		idt_record rec;
		size_t guard = 0;
		while ((st = idt_reader_next(r, &rec, &err)) != IDT_END && st != IDT_EIO)
			/* no progress is a hang; a gzip member can make the text up to 1032 times
			 * longer than the input (deflate's limit), so the bound is generous */
			if (++guard > (2 * size + 2) * 1100) abort();
		idt_reader_close(r);
	}
	if (fp) fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, 0);
	read_all(data, size, 1);
	return 0;
}
