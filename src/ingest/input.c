/*
 * input.c - the buffered byte input under every reader (idt__in): chunked reads from a stream
 * into one bounded buffer, or a view of a memory buffer, and a line splitter on top that finds
 * newlines with memchr() and skips over-long lines without holding them.
 *
 * Memory bound (stream): the buffer holds at most cap_max = max_record + 2 chunks bytes; a line
 * longer than the record limit is consumed chunk by chunk and reported, never buffered whole.
 */
#include <errno.h>
#include <stdlib.h>
#include "ingest_int.h"

idt_status idt__in_init_stream(idt__in *in, FILE *fp, int own_fp, size_t max_record)
{
	memset(in, 0, sizeof *in);
	in->fp = fp;
	in->own_fp = own_fp;
	in->cap_max = max_record + 2 * IDT__IN_CHUNK;
	in->cap = 2 * IDT__IN_CHUNK;
	in->buf = malloc(in->cap);
	if (!in->buf) return IDT_ENOMEM;
	return IDT_OK;
}

idt_status idt__in_init_pull(idt__in *in, idt__pull_fn pull, void *ctx, size_t max_record)
{
	idt_status st = idt__in_init_stream(in, NULL, 0, max_record);
	in->pull = pull;
	in->pull_ctx = ctx;
	return st;
}

void idt__in_init_mem(idt__in *in, const char *data, size_t len)
{
	memset(in, 0, sizeof *in);
	in->buf = (char *)data; /* never written through: memory inputs are read-only */
	in->end = len;
	in->cap = len;
	in->cap_max = len;
	in->eof = 1;
}

void idt__in_free(idt__in *in)
{
	if (in->fp || in->pull) free(in->buf);
	if (in->fp && in->own_fp) fclose(in->fp);
	memset(in, 0, sizeof *in);
}

/* Moves the unread bytes to the front of the buffer (stream only). */
static void compact(idt__in *in)
{
	if (in->pos == 0) return;
	size_t n = in->end - in->pos;
	if (n) memmove(in->buf, in->buf + in->pos, n);
	in->base += in->pos;
	in->scan -= in->pos;
	in->end = n;
	in->pos = 0;
}

/* Reads one chunk (or what fits) after `end`.  Sets eof / ioerr. */
static idt_status read_more(idt__in *in)
{
	if (in->eof) return IDT_OK;
	if (in->ioerr) return IDT_EIO;
	size_t room = in->cap - in->end;
	if (room > IDT__IN_CHUNK) room = IDT__IN_CHUNK;
	if (in->pull) {
		in->end += in->pull(in->pull_ctx, in->buf + in->end, room, &in->eof, &in->ioerr);
		return in->ioerr && in->eof ? IDT_EIO : IDT_OK;
	}
	size_t got = fread(in->buf + in->end, 1, room, in->fp);
	in->end += got;
	if (got < room) {
		if (ferror(in->fp)) {
			in->ioerr = 1;
			return got ? IDT_OK : IDT_EIO;
		}
		in->eof = 1;
	}
	return IDT_OK;
}

idt_status idt__in_fill(idt__in *in, size_t want)
{
	while (in->end - in->pos < want && !in->eof) {
		if (!in->fp && !in->pull) return IDT_OK;
		if (in->cap - in->end < IDT__IN_CHUNK / 4) {
			compact(in);
			size_t need = want + IDT__IN_CHUNK;
			if (want > in->cap_max) return IDT_ELIMIT;
			if (in->cap - in->end < IDT__IN_CHUNK / 4 && in->cap < need) {
				size_t ncap = in->cap * 2;
				if (ncap < need) ncap = need;
				if (ncap > in->cap_max) ncap = in->cap_max;
				char *p = realloc(in->buf, ncap);
				if (!p) return IDT_ENOMEM;
				in->buf = p;
				in->cap = ncap;
			}
		}
		if (in->cap == in->end) return IDT_ELIMIT;
		idt_status st = read_more(in);
		if (st) return st;
	}
	return IDT_OK;
}

/* Discards everything up to and including the next newline, chunk by chunk. */
static idt_status skip_line(idt__in *in)
{
	for (;;) {
		char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
		if (nl) {
			in->pos = in->scan = (size_t)(nl - in->buf) + 1;
			return IDT_OK;
		}
		in->pos = in->scan = in->end;
		if (in->eof) return IDT_OK;
		if (!in->fp && !in->pull) return IDT_OK;
		compact(in);
		idt_status st = read_more(in);
		if (st) return st;
	}
}

idt_status idt__in_line(idt__in *in, size_t max, const char **line, size_t *len, uint64_t *off)
{
	*line = NULL;
	*len = 0;
	for (;;) {
		char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
		if (nl) {
			size_t n = (size_t)(nl - in->buf) - in->pos;
			*off = in->base + in->pos;
			if (n > max) {
				in->pos = in->scan = (size_t)(nl - in->buf) + 1;
				return IDT_ELIMIT;
			}
			*line = in->buf + in->pos;
			*len = n;
			in->pos = in->scan = (size_t)(nl - in->buf) + 1;
			return IDT_OK;
		}
		in->scan = in->end;
		size_t n = in->end - in->pos;
		if (n > max) {
			*off = in->base + in->pos;
			idt_status st = skip_line(in);
			return st ? st : IDT_ELIMIT;
		}
		if (in->eof) {
			if (n == 0) return in->ioerr ? IDT_EIO : IDT_END;
			*off = in->base + in->pos;
			*line = in->buf + in->pos;
			*len = n;
			in->pos = in->scan = in->end;
			return IDT_OK;
		}
		idt_status st = idt__in_fill(in, n + 1);
		if (st == IDT_ELIMIT) { /* cannot happen: n <= max < cap_max */
			*off = in->base + in->pos;
			st = skip_line(in);
			return st ? st : IDT_ELIMIT;
		}
		if (st) return st;
	}
}
