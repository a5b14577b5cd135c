/*
 * gzin.c - the gzip layer under the readers: an idt__in pull source that inflates a gzip file
 * member after member (crawlers write a member per WARC record; gzip -c of a JSONL or CSV file
 * is one member).  Damage does not stop it: a member that fails to inflate is dropped from the
 * point of damage, bytes between members are skipped up to the next gzip header (1F 8B 08),
 * and a member cut by the end of the file ends the data; each time the decompressed offset of
 * the earliest unreported damage is kept (idt__gz.dmg) for the reader to report.
 */
#include <stdlib.h>
#include <zlib.h>
#include "ingest_int.h"

idt_status idt__gz_init(idt__gz *g, idt__in *raw)
{
	memset(g, 0, sizeof *g);
	g->raw = raw;
	g->dmg = UINT64_MAX;
	z_stream *z = calloc(1, sizeof *z);
	if (!z) return IDT_ENOMEM;
	if (inflateInit2(z, 16 + 15) != Z_OK) {
		free(z);
		return IDT_ENOMEM;
	}
	g->z = z;
	return IDT_OK;
}

void idt__gz_free(idt__gz *g)
{
	if (g->z) {
		inflateEnd(g->z);
		free(g->z);
	}
	g->z = NULL;
}

static void gz_damage(idt__gz *g, const char *msg)
{
	if (g->dmg != UINT64_MAX) return;
	g->dmg = g->produced;
	g->dmg_msg = msg;
}

static void raw_skip(idt__in *in, size_t n)
{
	in->pos += n;
	if (in->scan < in->pos) in->scan = in->pos;
}

/* Skips the raw input to the next gzip member header (1F 8B 08); 0 at the end of input. */
static int gz_seek_member(idt__gz *g)
{
	idt__in *in = g->raw;
	for (;;) {
		idt__in_fill(in, 3);
		size_t n = idt__in_avail(in);
		const unsigned char *b = (const unsigned char *)in->buf + in->pos;
		if (n < 3) {
			raw_skip(in, n);
			return 0;
		}
		const unsigned char *m = memchr(b, 0x1F, n - 2);
		if (!m) {
			raw_skip(in, n - 2);
			continue;
		}
		if (m[1] == 0x8B && m[2] == 8) {
			raw_skip(in, (size_t)(m - b));
			return 1;
		}
		raw_skip(in, (size_t)(m - b) + 1);
	}
}

size_t idt__gz_pull(void *ctx, char *dst, size_t room, int *eof, int *ioerr)
{
	idt__gz *g = ctx;
	z_stream *z = g->z;
	idt__in *in = g->raw;
	size_t out = 0;
	while (out == 0) {
		if (!g->in_member) {
			idt__in_fill(in, 3);
			size_t n = idt__in_avail(in);
			const unsigned char *b = (const unsigned char *)in->buf + in->pos;
			if (n == 0) break;
			if (n < 3 || b[0] != 0x1F || b[1] != 0x8B || b[2] != 8) {
				gz_damage(g, "data between gzip members");
				if (!gz_seek_member(g)) break;
			}
			if (inflateReset2(z, 16 + 15) != Z_OK) {
				*ioerr = 1;
				break;
			}
			g->in_member = 1;
		}
		if (!idt__in_avail(in)) idt__in_fill(in, 1);
		size_t n = idt__in_avail(in);
		if (n == 0) {
			gz_damage(g, "gzip member cut short");
			g->in_member = 0;
			break;
		}
		z->next_in = (unsigned char *)in->buf + in->pos;
		z->avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
		z->next_out = (unsigned char *)dst + out;
		z->avail_out = room - out > UINT32_MAX ? UINT32_MAX : (uInt)(room - out);
		uInt in0 = z->avail_in, out0 = z->avail_out;
		int ret = inflate(z, Z_NO_FLUSH);
		size_t used = in0 - z->avail_in, made = out0 - z->avail_out;
		raw_skip(in, used);
		out += made;
		g->produced += made;
		if (ret == Z_STREAM_END) {
			g->in_member = 0;
		} else if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_STREAM_ERROR) {
			gz_damage(g, "damaged gzip member");
			g->in_member = 0;
			if (!used) raw_skip(in, 1);
		} else if (ret == Z_MEM_ERROR) {
			*ioerr = 1;
			break;
		} else if (!used && !made) {
			/* inflate wants more input than is buffered */
			if (in->eof) {
				raw_skip(in, n);
				continue; /* next round reports the cut member */
			}
			if (idt__in_fill(in, n + 1)) {
				*ioerr = 1;
				break;
			}
		}
	}
	if (out == 0) {
		*eof = 1;
		if (in->ioerr) *ioerr = 1;
	}
	return out;
}
