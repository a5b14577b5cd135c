/*
 * read_all.h - the read loop the readers' fuzz targets share: opens the input from memory or,
 * with `stream`, from a stream (so the gzip layer and the refills run), reads every record,
 * touches the first and last byte of every field (for AddressSanitizer), and aborts when the
 * reader stops making progress.  Included by one fuzz target each (static functions).
 */
#ifndef IDT_FUZZ_READ_ALL_H
#define IDT_FUZZ_READ_ALL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "interdict.h"

/* A reader that returns more records than this has stopped making progress: at most
 * `per_input` records for the bytes of the input, which a gzip member can make up to 1032
 * times longer (deflate's limit). */
#define FUZZ_GZIP_RATIO 1100

static volatile unsigned fuzz_sink; /* where the touched bytes go */

static void fuzz_read_all(const uint8_t *data, size_t size, const idt_reader_opts *o,
                          const char *name, int stream, size_t per_input)
{
	idt_reader *r;
	idt_error err;
	FILE *fp = stream && size ? fmemopen((void *)data, size, "rb") : NULL;
	idt_status st = fp ? idt_reader_open_stream(fp, name, o, &r, &err)
	                   : idt_reader_open_mem((const char *)data, size, name, o, &r, &err);
	if (st == IDT_OK) {
		idt_record rec;
		size_t guard = 0;
		while ((st = idt_reader_next(r, &rec, &err)) != IDT_END && st != IDT_EIO) {
			if (++guard > per_input * FUZZ_GZIP_RATIO) abort(); /* a hang */
			for (size_t i = 0; st == IDT_OK && i < rec.nfields; i++)
				if (rec.fields[i].len)
					fuzz_sink += (unsigned char)rec.fields[i].text[0] +
					             (unsigned char)rec.fields[i]
					                 .text[rec.fields[i].len - 1];
		}
		idt_reader_close(r);
	}
	if (fp) fclose(fp);
}

#endif
