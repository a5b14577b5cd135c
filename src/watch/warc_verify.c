/*
 * warc_verify.c - re-checks a WARC file: every record's framing (version line, header,
 * Content-Length, the CRLF CRLF after the block), its WARC-Block-Digest and, for HTTP records,
 * its WARC-Payload-Digest (the entity body with chunked transfer coding undone).
 *
 * Digests are checked when labelled "sha256:" followed by 64 hex digits (as warc_write.c
 * writes them) or 52 base32 characters (as other crawlers may).  Other algorithms (wget's
 * "sha1:") are reported as not checked (-1).
 *
 * The file is decompressed whole into memory (gzip members one after another, or plain), at
 * most 4 GiB; a damaged gzip member is a framing problem of the file.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <zlib.h>
#include "watch/watch.h"

#define MAX_PLAIN  ((size_t)4 << 30)
#define MAX_HEADER ((size_t)64 << 10) /* a record header longer than this is damage */

#define MAX_DAMAGE 64

/* Where the decompressed data was damaged (decompressed offsets of bad gzip members). */
typedef struct damage {
	uint64_t at[MAX_DAMAGE];
	size_t n;
} damage;

/* Reads and decompresses path into *out (malloc'ed).  A bad or cut gzip member is noted in dm
 * (at the decompressed offset where it began) and the next member is found by its magic
 * bytes. */
static idt_status load(const char *path, char **out, size_t *len, damage *dm)
{
	*out = NULL;
	*len = 0;
	dm->n = 0;
	FILE *f = fopen(path, "rb");
	if (!f) return IDT_EIO;
	size_t cap = 1 << 20, n = 0;
	unsigned char *raw = malloc(cap);
	size_t got;
	while (raw && (got = fread(raw + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *q = cap >= MAX_PLAIN ? NULL : realloc(raw, cap * 2);
			if (!q) {
				free(raw);
				raw = NULL;
				break;
			}
			raw = q;
			cap *= 2;
		}
	}
	fclose(f);
	if (!raw) return IDT_ENOMEM;
	if (n < 2 || raw[0] != 0x1f || raw[1] != 0x8b) {
		*out = (char *)raw;
		*len = n;
		return IDT_OK;
	}
	size_t ocap = n * 4 + 65536, on = 0, pos = 0;
	char *o = malloc(ocap);
	z_stream z = {0};
	if (!o || inflateInit2(&z, 31) != Z_OK) {
		free(o);
		free(raw);
		return IDT_ENOMEM;
	}
	idt_status st = IDT_OK;
	while (pos < n && !st) {
		/* one member from pos */
		inflateReset(&z);
		size_t member_out = on;
		z.next_in = raw + pos;
		z.avail_in = (uInt)(n - pos > UINT32_MAX ? UINT32_MAX : n - pos);
		int zr = Z_OK;
		while (zr == Z_OK) {
			if (ocap - on < 65536) {
				char *q = ocap >= MAX_PLAIN ? NULL : realloc(o, ocap * 2);
				if (!q) {
					st = ocap >= MAX_PLAIN ? IDT_ELIMIT : IDT_ENOMEM;
					break;
				}
				o = q;
				ocap *= 2;
			}
			z.next_out = (Bytef *)o + on;
			z.avail_out = (uInt)(ocap - on > UINT32_MAX ? UINT32_MAX : ocap - on);
			size_t before = z.avail_out;
			zr = inflate(&z, Z_NO_FLUSH);
			on += before - z.avail_out;
			if (zr == Z_BUF_ERROR && z.avail_in == 0) break; /* cut short */
			if (zr == Z_BUF_ERROR) zr = Z_OK;
		}
		if (st) break;
		size_t used = (size_t)(z.next_in - (raw + pos));
		if (zr == Z_STREAM_END) {
			pos += used;
			continue;
		}
		if (dm->n < MAX_DAMAGE) dm->at[dm->n++] = member_out;
		/* resynchronise: the next gzip magic after the start of this member */
		size_t k = pos + 1;
		while (k + 2 < n && !(raw[k] == 0x1f && raw[k + 1] == 0x8b && raw[k + 2] == 8)) k++;
		pos = k + 2 < n ? k : n;
		if (on && o[on - 1] != '\n') {
			/* keep the next record header at a line start */
			o[on++] = '\r';
			o[on++] = '\n';
		}
	}
	inflateEnd(&z);
	free(raw);
	if (st) {
		free(o);
		return st;
	}
	*out = o;
	*len = on;
	return IDT_OK;
}

/* The next "WARC/1." at a line start at or after i, or len. */
static size_t resync(const char *d, size_t len, size_t i)
{
	for (size_t k = i; k + 7 <= len; k++)
		if ((k == 0 || d[k - 1] == '\n') && !memcmp(d + k, "WARC/1.", 7)) return k;
	return len;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static void base32(const unsigned char *h, size_t n, char *out)
{
	size_t o = 0;
	unsigned buf = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | h[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits) out[o++] = b32[(buf << (5 - bits)) & 31];
	out[o] = 0;
}

/* 1 if the labelled digest matches data, 0 if not, -1 if the algorithm is not checked. */
static int digest_ok(const char *label, const char *data, size_t len)
{
	unsigned char h[64];
	char enc[130];
	if (!strncasecmp(label, "sha256:", 7)) {
		const char *v = label + 7;
		crypto_hash_sha256(h, (const unsigned char *)data, len);
		if (strlen(v) == 64) {
			sodium_bin2hex(enc, sizeof enc, h, 32);
			return strcasecmp(enc, v) == 0;
		}
		base32(h, 32, enc);
		return strcasecmp(enc, v) == 0;
	}
	return -1;
}

/* The value of header field name in the record header [s, e), copied into v (cap n). */
static int field(const char *s, const char *e, const char *name, char *v, size_t n)
{
	size_t nl = strlen(name);
	const char *p = s;
	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p));
		if (!eol) eol = e;
		if ((size_t)(eol - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
			const char *a = p + nl + 1, *b = eol;
			while (a < b && (*a == ' ' || *a == '\t')) a++;
			while (b > a && (b[-1] == '\r' || b[-1] == ' ')) b--;
			size_t k = (size_t)(b - a) < n - 1 ? (size_t)(b - a) : n - 1;
			memcpy(v, a, k);
			v[k] = 0;
			return 1;
		}
		p = eol + 1;
	}
	v[0] = 0;
	return 0;
}

static int damaged_in(const damage *dm, uint64_t a, uint64_t b)
{
	for (size_t k = 0; k < dm->n; k++)
		if (dm->at[k] >= a && dm->at[k] < b) return 1;
	return 0;
}

idt_status idt_warc_verify(const char *path, idt_warc_check_fn fn, void *ctx, size_t *bad)
{
	*bad = 0;
	char *d;
	size_t len;
	damage dm;
	idt_status st = load(path, &d, &len, &dm);
	if (st) return st;
	size_t i = 0;
	char id[256], type[64], uri[8192], date[64], bdig[160], pdig[160], ctype[256], cl[32];
	while (i < len && !st) {
		idt_warc_check c = {0};
		c.offset = i;
		c.block_ok = c.payload_ok = -1;
		c.record_id = "(none)";
		c.type = c.uri = c.date = "";
		const char *hs = d + i, *he = NULL;
		if (len - i >= 8 && memcmp(d + i, "WARC/1.", 7) == 0)
			for (size_t k = i; k + 3 < len && k < i + MAX_HEADER; k++)
				if (!memcmp(d + k, "\r\n\r\n", 4)) {
					he = d + k + 4;
					break;
				}
		if (!he) {
			size_t next = resync(d, len, i + 1);
			c.problem = damaged_in(&dm, i, next + 1)
			                ? "damaged gzip member: bytes that are no record"
			                : "no WARC record header here (bytes between records)";
			(*bad)++;
			if (fn && fn(ctx, &c)) st = IDT_STOPPED;
			i = next;
			continue;
		}
		field(hs, he, "WARC-Record-ID", id, sizeof id);
		field(hs, he, "WARC-Type", type, sizeof type);
		field(hs, he, "WARC-Target-URI", uri, sizeof uri);
		field(hs, he, "WARC-Date", date, sizeof date);
		field(hs, he, "Content-Type", ctype, sizeof ctype);
		int has_b = field(hs, he, "WARC-Block-Digest", bdig, sizeof bdig);
		int has_p = field(hs, he, "WARC-Payload-Digest", pdig, sizeof pdig);
		if (*id) c.record_id = id;
		c.type = type;
		c.uri = uri;
		c.date = date;
		char *endp = cl;
		unsigned long long n = 0;
		if (field(hs, he, "Content-Length", cl, sizeof cl)) n = strtoull(cl, &endp, 10);
		size_t bstart = (size_t)(he - d);
		if (!*cl || *endp || n > len - bstart) {
			c.problem = "Content-Length missing or beyond the end of the file";
			(*bad)++;
			if (fn && fn(ctx, &c)) st = IDT_STOPPED;
			i = resync(d, len, i + 1);
			continue;
		}
		const char *block = d + bstart;
		if (has_b) c.block_ok = digest_ok(bdig, block, n);
		if (has_p && strcasestr(ctype, "application/http")) {
			char *pl;
			size_t pn;
			if (idt_http_payload(block, n, &pl, &pn) == IDT_OK) {
				c.payload_ok = digest_ok(pdig, pl, pn);
				free(pl);
			} else {
				c.payload_ok = 0;
			}
		}
		size_t end = bstart + n;
		if (len - end < 4 || memcmp(d + end, "\r\n\r\n", 4) != 0) {
			c.problem = "the block is not followed by CRLF CRLF (wrong Content-Length)";
			end = resync(d, len, i + 1);
		} else {
			end += 4;
		}
		if (!c.problem && damaged_in(&dm, i, end)) c.problem = "damaged gzip member";
		if (c.block_ok == 0 || c.payload_ok == 0 || c.problem) (*bad)++;
		if (fn && fn(ctx, &c)) st = IDT_STOPPED;
		i = end;
	}
	free(d);
	return st;
}
