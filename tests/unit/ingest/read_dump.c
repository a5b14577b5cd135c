/*
 * read_dump.c - test helper: reads a file with the reader API and prints one JSON object per
 * record, {"id":..,"url":..,"date":..,"offset":..,"fields":{name:text,..}}, or per reported
 * problem, {"error":"IDT_EPARSE","msg":..,"offset":..}.  Used by wget_warc.py.
 *
 *   read_dump FILE [FORMAT]
 */
#include <stdio.h>
#include "interdict.h"
#include "util/util.h"

static void put_str(idt_buf *b, const char *s)
{
	if (s)
		idt__buf_json_str(b, s, strlen(s));
	else
		idt__buf_puts(b, "null");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: read_dump FILE [FORMAT]\n");
		return 2;
	}
	idt_reader_opts o = {0};
	if (argc > 2) o.format = idt_format_parse(argv[2]);
	idt_reader *r;
	idt_error err = {0};
	idt_status st = idt_reader_open(argv[1], &o, &r, &err);
	if (st) {
		fprintf(stderr, "read_dump: %s: %s\n", argv[1],
		        err.msg ? err.msg : idt_status_str(st));
		return 1;
	}
	idt_record rec;
	idt_buf b = {0};
	while ((st = idt_reader_next(r, &rec, &err)) != IDT_END) {
		b.len = 0;
		if (st) {
			idt__buf_printf(&b, "{\"error\":\"%s\",\"msg\":", idt_status_name(st));
			put_str(&b, err.msg);
			idt__buf_printf(&b, ",\"offset\":%llu}\n", (unsigned long long)err.offset);
			fwrite(b.data, 1, b.len, stdout);
			if (st == IDT_EIO) break;
			continue;
		}
		idt__buf_puts(&b, "{\"id\":");
		if (rec.id_json)
			idt__buf_append(&b, rec.id_json, rec.id_len);
		else
			idt__buf_puts(&b, "null");
		idt__buf_puts(&b, ",\"url\":");
		put_str(&b, rec.prov.url);
		idt__buf_puts(&b, ",\"date\":");
		put_str(&b, rec.prov.date);
		idt__buf_printf(&b, ",\"offset\":%llu,\"fields\":{",
		                (unsigned long long)rec.prov.offset);
		for (size_t i = 0; i < rec.nfields; i++) {
			if (i) idt__buf_putc(&b, ',');
			idt__buf_json_str(&b, rec.fields[i].name, rec.fields[i].name_len);
			idt__buf_putc(&b, ':');
			idt__buf_json_str(&b, rec.fields[i].text, rec.fields[i].len);
		}
		idt__buf_puts(&b, "}}\n");
		fwrite(b.data, 1, b.len, stdout);
	}
	idt__buf_free(&b);
	idt_reader_close(r);
	return 0;
}
