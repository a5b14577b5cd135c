/*
 * fuzz_read_csv.c - libFuzzer target for the CSV/TSV reader: reads the input whole as CSV and
 * as TSV (from memory and from a stream), with a small record limit, for crashes, hangs and
 * leaks.  Every call to idt_reader_next() must make progress.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "interdict.h"

static void read_all(const uint8_t *data, size_t size, idt_format fmt, int stream)
{
	static const char *const tf[] = {"text", "title"};
	idt_reader_opts o = {.format = fmt, .text_fields = tf, .ntext_fields = 2, .max_record = 64};
	if (size & 1) o.text_fields = NULL; /* all columns */
	idt_reader *r;
	idt_error err;
	FILE *fp = stream && size ? fmemopen((void *)data, size, "rb") : NULL;
	idt_status st = fp ? idt_reader_open_stream(fp, "fuzz", &o, &r, &err)
	                   : idt_reader_open_mem((const char *)data, size, "fuzz", &o, &r, &err);
	if (st == IDT_OK) {
		idt_record rec;
		size_t guard = 0;
		while ((st = idt_reader_next(r, &rec, &err)) != IDT_END && st != IDT_EIO) {
			/* no progress is a hang; a gzip member can make the text up to 1032 times
			 * longer than the input (deflate's limit), so the bound is generous */
			if (++guard > (size + 2) * 1100) abort();
			for (size_t i = 0; st == IDT_OK && i < rec.nfields; i++)
				if (rec.fields[i].len) guard += rec.fields[i].text[0] == 1;
		}
		idt_reader_close(r);
	}
	if (fp) fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, IDT_FMT_CSV, 0);
	read_all(data, size, IDT_FMT_TSV, 0);
	read_all(data, size, IDT_FMT_CSV, 1);
	return 0;
}
