/*
 * warc_write.c - evidence: WARC 1.1 files (ISO 28500:2017) written as crawlers write them.
 *
 * A file holds a warcinfo record, then for every HTTP exchange a request record and a response
 * record, each compressed as its own gzip member (so a reader can seek to any record):
 *
 *   WARC/1.1
 *   WARC-Type: response                         warcinfo | request | response
 *   WARC-Record-ID: <urn:uuid:RANDOM-V4>
 *   WARC-Date: 2026-11-29T17:30:00Z             when the response began
 *   WARC-Target-URI: http://shop.example/       (request, response)
 *   WARC-IP-Address: 127.0.0.1                  (response, when known)
 *   WARC-Concurrent-To: <urn:uuid:...>          (request: its response)
 *   WARC-Warcinfo-ID: <urn:uuid:...>            (request, response)
 *   WARC-Filename: NAME.warc.gz                 (warcinfo)
 *   WARC-Block-Digest: sha256:HEX               SHA-256 of the block, 64 lower-case hex digits
 *   WARC-Payload-Digest: sha256:HEX             (response) SHA-256 of the HTTP entity body,
 *                                               transfer coding (chunked) undone
 *   WARC-Truncated: length                      (response cut at the size cap)
 *   Content-Type: application/http; msgtype=response
 *   Content-Length: N                           bytes of the block
 *   <blank line> <block> CRLF CRLF
 *
 * Files are named PREFIX-YYYYMMDDhhmmss-PID-NNNNN.warc.gz; a file being written carries the
 * suffix ".open" and is renamed when finished (by size rotation or at the end of a round),
 * after fsync.  The SHA-256 of the finished file is computed while writing and handed to the
 * done callback (the watch records it in its state database).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <zlib.h>
#include "watch/watch.h"

#define MAX_HEAD 16384 /* bytes of one record's WARC header (URIs are capped at 8 KiB) */

struct idt_warc_writer {
	char *dir, *prefix, *info; /* owned copies */
	uint64_t max_size;
	idt_warc_done_fn done;
	void *ctx;
	FILE *fp;         /* the open file, or NULL */
	char name[256];   /* its final name */
	char path[4096];  /* its final path */
	uint64_t size;    /* bytes written to it */
	unsigned seq;     /* files started */
	char info_id[64]; /* the warcinfo record's id in the open file */
	crypto_hash_sha256_state file_hash;
};

/* ----------------------------------------------------------------- helpers */

void idt_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

idt_status idt_sha256_file(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	if (!f) return IDT_EIO;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) crypto_hash_sha256_update(&st, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) return IDT_EIO;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, sizeof h);
	return IDT_OK;
}

void idt_watch_now(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t idt_watch_parse_time(const char *s)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return -1;
	const char *p = s + n;
	if (*p == 'T' || *p == ' ') {
		int k = 0;
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &k) != 3) return -1;
		p += 1 + k;
		if (*p == 'Z') p++;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return (int64_t)timegm(&tm);
}

static void new_record_id(char id[64])
{
	unsigned char u[16];
	randombytes_buf(u, sizeof u);
	u[6] = (u[6] & 0x0f) | 0x40; /* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	snprintf(id, 64,
	         "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
	         u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
	         u[13], u[14], u[15]);
}

/* A value safe for a header line: CR, LF and other controls become '%XX'. */
static void put_field(char *head, size_t *n, const char *name, const char *v)
{
	if (!v || *n >= MAX_HEAD - 64) return;
	int k = snprintf(head + *n, MAX_HEAD - *n, "%s: ", name);
	if (k < 0) return;
	*n += (size_t)k;
	for (const unsigned char *p = (const unsigned char *)v; *p && *n < MAX_HEAD - 8; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*n += (size_t)snprintf(head + *n, MAX_HEAD - *n, "%%%02X", *p);
		else
			head[(*n)++] = (char)*p;
	}
	memcpy(head + *n, "\r\n", 2);
	*n += 2;
}

/* The end of the HTTP header block (index after the blank line), or 0. */
static size_t head_end(const char *m, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (m[i] != '\n') continue;
		if (m[i + 1] == '\n') return i + 2;
		if (i + 2 < len && m[i + 1] == '\r' && m[i + 2] == '\n') return i + 3;
	}
	return 0;
}

/* 1 if the header block says Transfer-Encoding: chunked. */
static int is_chunked(const char *m, size_t hl)
{
	const char *p = m, *e = m + hl;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl) break;
		if ((size_t)(nl - p) > 18 && !strncasecmp(p, "transfer-encoding:", 18)) {
			char v[64] = {0};
			size_t n = (size_t)(nl - p) - 18;
			memcpy(v, p + 18, n < 63 ? n : 63);
			if (strcasestr(v, "chunked")) return 1;
		}
		p = nl + 1;
	}
	return 0;
}

idt_status idt_http_payload(const char *msg, size_t len, char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	size_t hl = head_end(msg, len);
	if (!hl) return IDT_EPARSE;
	const char *b = msg + hl;
	size_t bl = len - hl;
	char *o = malloc(bl ? bl : 1);
	if (!o) return IDT_ENOMEM;
	if (!is_chunked(msg, hl)) {
		memcpy(o, b, bl);
		*out = o;
		*out_len = bl;
		return IDT_OK;
	}
	/* chunked: SIZE[;ext] CRLF DATA CRLF ... 0 CRLF [trailers] CRLF; a cut stream keeps what
	 * arrived */
	size_t i = 0, n = 0;
	while (i < bl) {
		char *end;
		unsigned long long sz = strtoull(b + i, &end, 16);
		if (end == b + i) break;
		const char *nl = memchr(b + i, '\n', bl - i);
		if (!nl) break;
		i = (size_t)(nl - b) + 1;
		if (sz == 0) break;
		if (sz > bl - i) sz = bl - i;
		memcpy(o + n, b + i, sz);
		n += sz;
		i += sz;
		if (i < bl && b[i] == '\r') i++;
		if (i < bl && b[i] == '\n') i++;
	}
	*out = o;
	*out_len = n;
	return IDT_OK;
}

/* ----------------------------------------------------------------- records */

/* Builds a record's header into head (at most MAX_HEAD); returns its length. */
static size_t record_head(char *head, const char *type, const char *id, const char *date,
                          const char *uri, const char *ip, const char *concurrent,
                          const char *info_id, const char *filename, const char *block_digest,
                          const char *payload_digest, int truncated, const char *ctype,
                          size_t block_len)
{
	size_t n = (size_t)snprintf(head, MAX_HEAD, "WARC/1.1\r\n");
	put_field(head, &n, "WARC-Type", type);
	put_field(head, &n, "WARC-Record-ID", id);
	put_field(head, &n, "WARC-Date", date);
	put_field(head, &n, "WARC-Target-URI", uri);
	put_field(head, &n, "WARC-IP-Address", ip && *ip ? ip : NULL);
	put_field(head, &n, "WARC-Concurrent-To", concurrent);
	put_field(head, &n, "WARC-Warcinfo-ID", info_id);
	put_field(head, &n, "WARC-Filename", filename);
	put_field(head, &n, "WARC-Block-Digest", block_digest);
	put_field(head, &n, "WARC-Payload-Digest", payload_digest);
	if (truncated) put_field(head, &n, "WARC-Truncated", "length");
	put_field(head, &n, "Content-Type", ctype);
	char cl[32];
	snprintf(cl, sizeof cl, "%zu", block_len);
	put_field(head, &n, "Content-Length", cl);
	if (n + 2 <= MAX_HEAD) {
		memcpy(head + n, "\r\n", 2);
		n += 2;
	}
	return n;
}

/* Compresses head + block + CRLF CRLF as one gzip member and appends it to the file. */
static idt_status write_member(idt_warc_writer *w, const char *head, size_t hl, const char *block,
                               size_t bl)
{
	z_stream z = {0};
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) return IDT_ENOMEM;
	unsigned char out[65536];
	const char *parts[3] = {head, block, "\r\n\r\n"};
	size_t lens[3] = {hl, bl, 4};
	idt_status st = IDT_OK;
	for (int k = 0; k < 3 && !st; k++) {
		const char *p = parts[k];
		size_t left = lens[k];
		int last = k == 2;
		do {
			uInt take = left > (1u << 30) ? (1u << 30) : (uInt)left;
			z.next_in = (Bytef *)(uintptr_t)p;
			z.avail_in = take;
			p += take;
			left -= take;
			int flush = last && !left ? Z_FINISH : Z_NO_FLUSH;
			int zr;
			do {
				z.next_out = out;
				z.avail_out = sizeof out;
				zr = deflate(&z, flush);
				size_t got = sizeof out - z.avail_out;
				if (got && fwrite(out, 1, got, w->fp) != got) st = IDT_EIO;
				crypto_hash_sha256_update(&w->file_hash, out, got);
				w->size += got;
			} while (!st &&
			         (z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END)));
		} while (!st && left);
	}
	deflateEnd(&z);
	return st;
}

static idt_status open_file(idt_warc_writer *w)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
	snprintf(w->name, sizeof w->name, "%s-%s-%ld-%05u.warc.gz", w->prefix, stamp,
	         (long)getpid(), ++w->seq);
	snprintf(w->path, sizeof w->path, "%s/%s", w->dir, w->name);
	char open_path[4200];
	snprintf(open_path, sizeof open_path, "%s.open", w->path);
	int fd = open(open_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) return IDT_EIO;
	w->fp = fdopen(fd, "wb");
	if (!w->fp) {
		close(fd);
		return IDT_EIO;
	}
	w->size = 0;
	crypto_hash_sha256_init(&w->file_hash);
	/* the warcinfo record */
	char date[32], digest[80], hex[65], head[MAX_HEAD];
	idt_watch_now(date);
	new_record_id(w->info_id);
	char block[4096];
	int bl = snprintf(block, sizeof block,
	                  "software: interdict/%s\r\n"
	                  "format: WARC File Format 1.1\r\n"
	                  "conformsTo: https://iipc.github.io/warc-specifications/specifications/"
	                  "warc-format/warc-1.1/\r\n"
	                  "http-header-user-agent: %s\r\n%s",
	                  IDT_VERSION, IDT_WATCH_UA, w->info ? w->info : "");
	if (bl < 0 || (size_t)bl >= sizeof block) bl = (int)strlen(block);
	idt_sha256_hex(block, (size_t)bl, hex);
	snprintf(digest, sizeof digest, "sha256:%s", hex);
	size_t hl = record_head(head, "warcinfo", w->info_id, date, NULL, NULL, NULL, NULL, w->name,
	                        digest, NULL, 0, "application/warc-fields", (size_t)bl);
	return write_member(w, head, hl, block, (size_t)bl);
}

idt_status idt_warc_writer_finish(idt_warc_writer *w)
{
	if (!w || !w->fp) return IDT_OK;
	idt_status st = IDT_OK;
	if (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0) st = IDT_EIO;
	if (fclose(w->fp) != 0) st = IDT_EIO;
	w->fp = NULL;
	char open_path[4200];
	snprintf(open_path, sizeof open_path, "%s.open", w->path);
	if (!st && rename(open_path, w->path) != 0) st = IDT_EIO;
	if (!st) {
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[65];
		crypto_hash_sha256_final(&w->file_hash, h);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		if (w->done) w->done(w->ctx, w->path, hex, w->size);
	}
	return st;
}

idt_status idt_warc_writer_new(const idt_warc_opts *o, idt_warc_writer **out)
{
	*out = NULL;
	if (!o || !o->dir) return IDT_EINVAL;
	if (sodium_init() < 0) return IDT_ENOMEM;
	idt_warc_writer *w = calloc(1, sizeof *w);
	if (!w) return IDT_ENOMEM;
	w->dir = strdup(o->dir);
	w->prefix = strdup(o->prefix ? o->prefix : "interdict");
	w->info = o->info ? strdup(o->info) : NULL;
	w->max_size = o->max_size ? o->max_size : ((uint64_t)1 << 30);
	w->done = o->done;
	w->ctx = o->ctx;
	if (!w->dir || !w->prefix || (o->info && !w->info)) {
		idt_warc_writer_free(w);
		return IDT_ENOMEM;
	}
	*out = w;
	return IDT_OK;
}

idt_status idt_warc_writer_free(idt_warc_writer *w)
{
	if (!w) return IDT_OK;
	idt_status st = idt_warc_writer_finish(w);
	free(w->dir);
	free(w->prefix);
	free(w->info);
	free(w);
	return st;
}

idt_status idt_warc_write_exchange(idt_warc_writer *w, const char *uri, const char *date,
                                   const char *ip, const char *req, size_t req_len,
                                   const char *resp, size_t resp_len, int truncated,
                                   idt_warc_loc *loc)
{
	idt_status st = IDT_OK;
	if (w->fp && w->size >= w->max_size) st = idt_warc_writer_finish(w);
	if (!st && !w->fp) st = open_file(w);
	if (st) return st;
	char resp_id[64], req_id[64], hex[65], bdig[80], pdig[80];
	new_record_id(resp_id);
	new_record_id(req_id);
	char *payload = NULL;
	size_t plen = 0;
	idt_status ps = idt_http_payload(resp, resp_len, &payload, &plen);
	if (ps == IDT_ENOMEM) return ps;
	if (!ps) {
		idt_sha256_hex(payload, plen, hex);
		snprintf(pdig, sizeof pdig, "sha256:%s", hex);
	}
	free(payload);
	idt_sha256_hex(resp, resp_len, hex);
	snprintf(bdig, sizeof bdig, "sha256:%s", hex);
	char *head = malloc(MAX_HEAD);
	if (!head) return IDT_ENOMEM;
	uint64_t off = w->size;
	size_t hl = record_head(head, "response", resp_id, date, uri, ip, NULL, w->info_id, NULL,
	                        bdig, ps ? NULL : pdig, truncated,
	                        "application/http; msgtype=response", resp_len);
	st = write_member(w, head, hl, resp, resp_len);
	if (!st && req) {
		idt_sha256_hex(req, req_len, hex);
		snprintf(bdig, sizeof bdig, "sha256:%s", hex);
		hl = record_head(head, "request", req_id, date, uri, NULL, resp_id, w->info_id,
		                 NULL, bdig, NULL, 0, "application/http; msgtype=request", req_len);
		st = write_member(w, head, hl, req, req_len);
	}
	free(head);
	if (!st && fflush(w->fp) != 0) st = IDT_EIO;
	if (!st && loc) {
		snprintf(loc->record_id, sizeof loc->record_id, "%s", resp_id);
		snprintf(loc->file, sizeof loc->file, "%s", w->name);
		loc->offset = off;
		snprintf(loc->payload_sha256, sizeof loc->payload_sha256, "%s", ps ? "" : pdig);
	}
	return st;
}

idt_status idt_warc_format_response(const char *uri, const char *date, const char *record_id,
                                    const char *resp, size_t resp_len, char **out, size_t *out_len)
{
	*out = NULL;
	char *head = malloc(MAX_HEAD);
	if (!head) return IDT_ENOMEM;
	size_t hl = record_head(head, "response", record_id, date, uri, NULL, NULL, NULL, NULL,
	                        NULL, NULL, 0, "application/http; msgtype=response", resp_len);
	char *o = malloc(hl + resp_len + 4);
	if (!o) {
		free(head);
		return IDT_ENOMEM;
	}
	memcpy(o, head, hl);
	memcpy(o + hl, resp, resp_len);
	memcpy(o + hl + resp_len, "\r\n\r\n", 4);
	free(head);
	*out = o;
	*out_len = hl + resp_len + 4;
	return IDT_OK;
}
