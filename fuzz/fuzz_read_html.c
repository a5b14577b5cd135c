/*
 * fuzz_read_html.c - libFuzzer target for the HTML reader: the input is read as a page through
 * the public API, and through idt__html_extract() with an HTTP charset picked by its first byte
 * (as the WARC and mail readers call it), for crashes, hangs and leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include "ingest/ingest_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = {
	    NULL,       "utf-8",  "windows-1251", "latin1",      "shift_jis",
	    "UTF-16LE", "gb2312", "bogus-cs",     "ISO-2022-JP", "koi8-r"};
	idt_reader_opts o = {.format = IDT_FMT_HTML, .max_record = 1 << 16};
	idt_reader *r;
	idt_error err;
	if (idt_reader_open_mem((const char *)data, size, "fuzz.html", &o, &r, &err) == IDT_OK) {
		idt_record rec;
		int guard = 0;
		while (idt_reader_next(r, &rec, &err) != IDT_END)
			if (++guard > 3) abort();
		idt_reader_close(r);
	}
	if (size) {
		idt__html h = {0};
		idt_field f[5];
		const char *cs = charsets[data[0] % (sizeof charsets / sizeof *charsets)];
		if (idt__html_extract(&h, (const char *)data + 1, size - 1, cs,
		                      "http://x.example/a/", 1 << 16) == IDT_OK)
			idt__html_fields(&h, f);
		idt__html_free(&h);
	}
	return 0;
}
