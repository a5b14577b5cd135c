/*
 * ingest_int.h - private to src/ingest: the buffered byte input every reader stands on, the
 * reader object, and the entry points of each format's reader.
 *
 * The input (idt__in) owns one buffer.  For a stream it is refilled in chunks of IDT__IN_CHUNK
 * bytes and never grows past the record limit plus one chunk, so a reader's memory is bounded
 * whatever the input; for a memory input it is the caller's buffer itself (no copy).  Lines and
 * records handed out point into that buffer and stay valid until the next read from the input.
 *
 * Each format implements two functions (next, free) over the shared idt_reader; reader.c owns
 * opening, format detection and dispatch.
 */
#ifndef IDT_INGEST_INT_H
#define IDT_INGEST_INT_H

#include <stdio.h>
#include "interdict/ingest.h"
#include "util/util.h"

#define IDT__IN_CHUNK       ((size_t)1 << 20) /* bytes per fread() */
#define IDT__MAX_RECORD_DEF ((size_t)16 << 20)

/* ----- buffered input ----- */

/* A source of bytes for an idt__in that is neither a stream nor memory (a decompressor):
 * writes up to `room` bytes to dst and returns how many; sets *eof at the end, *ioerr on a
 * failure of the layer below. */
typedef size_t (*idt__pull_fn)(void *ctx, char *dst, size_t room, int *eof, int *ioerr);

typedef struct idt__in {
	idt__pull_fn pull; /* a pull input, or NULL */
	void *pull_ctx;    /* borrowed */
	FILE *fp;          /* stream input, or NULL for memory input */
	int own_fp;        /* 1: fclose() on free */
	char *buf;         /* stream: owned, `cap` bytes; memory: the caller's bytes (borrowed) */
	size_t cap;        /* bytes allocated (stream) */
	size_t cap_max;    /* the buffer never grows past this (stream) */
	size_t pos;        /* first unread byte */
	size_t end;        /* end of valid bytes; pos <= end <= cap */
	size_t scan;       /* line search resumes here (pos <= scan <= end) */
	uint64_t base;     /* absolute offset in the input of buf[0] */
	int eof;           /* no more bytes beyond `end` */
	int ioerr;         /* a read failed (errno kept) */
} idt__in;

/* Sets up `in` on a stream or a memory buffer.  `max_record` bounds the buffer (stream). */
idt_status idt__in_init_stream(idt__in *in, FILE *fp, int own_fp, size_t max_record);
void idt__in_init_mem(idt__in *in, const char *data, size_t len);
idt_status idt__in_init_pull(idt__in *in, idt__pull_fn pull, void *ctx, size_t max_record);
void idt__in_free(idt__in *in);

/*
 * Makes at least `want` unread bytes available (fewer only at end of input).  Returns IDT_OK,
 * IDT_EIO, IDT_ENOMEM, or IDT_ELIMIT when `want` exceeds what the buffer may hold.  May move
 * the buffer: pointers into it are invalidated.
 */
idt_status idt__in_fill(idt__in *in, size_t want);

/* Unread bytes: buf[pos..end). */
static inline size_t idt__in_avail(const idt__in *in)
{
	return in->end - in->pos;
}

/* Absolute input offset of the next unread byte. */
static inline uint64_t idt__in_offset(const idt__in *in)
{
	return in->base + in->pos;
}

/*
 * The next line (without its '\n') into *line / *len, its absolute offset into *off.
 * IDT_OK: a line; IDT_END: end of input; IDT_ELIMIT: the line was longer than `max` bytes and
 * has been skipped (without holding it in memory; *off says where it began, *line is NULL);
 * IDT_EIO, IDT_ENOMEM.  The line lives until the next call on `in`.
 */
idt_status idt__in_line(idt__in *in, size_t max, const char **line, size_t *len, uint64_t *off);

/* ----- gzip (gzin.c) ----- */

/* An idt__in pull source inflating the gzip members of `raw` (see gzin.c). */
typedef struct idt__gz {
	idt__in *raw;        /* borrowed: the compressed input */
	void *z;             /* owned: the z_stream */
	int in_member;       /* inside a member */
	uint64_t produced;   /* decompressed bytes so far */
	uint64_t dmg;        /* decompressed offset of the earliest unreported damage; UINT64_MAX */
	const char *dmg_msg; /* what that damage was */
} idt__gz;

idt_status idt__gz_init(idt__gz *g, idt__in *raw);
void idt__gz_free(idt__gz *g);
size_t idt__gz_pull(void *ctx, char *dst, size_t room, int *eof, int *ioerr);

/* ----- the reader ----- */

typedef struct idt__fmt_ops {
	/* sets up r->state (may read the input: a header row); may be NULL */
	idt_status (*init)(idt_reader *r, idt_error *err);
	idt_status (*next)(idt_reader *r, idt_record *rec, idt_error *err);
	void (*free)(idt_reader *r); /* releases r->state; may be NULL */
} idt__fmt_ops;

struct idt_reader {
	idt_format fmt;
	const idt__fmt_ops *ops;
	void *state;       /* the format's own state, owned (freed by ops->free) */
	idt__in in;        /* the input (decompressed when gz_wrapped) */
	idt__in raw;       /* gz_wrapped: the compressed input (owns the stream) */
	idt__gz gz;        /* gz_wrapped: the inflater between raw and in */
	int gz_wrapped;    /* a gzip file of a format other than WARC (which inflates itself) */
	char *name;        /* owned: the input name used in provenance and errors */
	char **text_names; /* owned: the requested text fields (JSONL/CSV), ntext of them */
	size_t *text_lens;
	size_t ntext;
	char *id_name; /* owned: the id field */
	size_t id_len;
	int text_default;  /* 1: no text fields were given ("text" is the default) */
	size_t max_record; /* bytes */
	uint64_t line;     /* lines consumed so far (line-based formats) */
	uint64_t nrec;     /* records returned so far */
	idt_field *fields; /* owned array of at least ntext (or IDT__MAX_FIELDS) slots */
	size_t fields_cap;
	idt_buf text;   /* owned: decoded text of the current record (cap: max_record) */
	char idbuf[32]; /* the id of a line-numbered record */
};

#define IDT__MAX_FIELDS 8 /* fixed fields of the document formats (HTML, WARC, mail) */

/* Fills a located error with the reader's name. */
static inline idt_status idt__rerr(idt_reader *r, idt_error *err, idt_status code, const char *msg,
                                   uint64_t line, uint64_t offset)
{
	return idt__err(err, code, msg, r->name, line, offset);
}

/* Resets rec and fills its provenance with the reader's name. */
void idt__rec_init(idt_reader *r, idt_record *rec);

/* ----- the formats (read_*.c) ----- */

/*
 * The next non-blank line of r's input (CR and a BOM before line 1 removed), counting lines in
 * r->line.  IDT_OK; IDT_END; IDT_ELIMIT for an over-long line (skipped; reported in err);
 * IDT_EIO / IDT_ENOMEM.
 */
idt_status idt__next_line(idt_reader *r, const char **line, size_t *len, uint64_t *off,
                          idt_error *err);

extern const idt__fmt_ops idt__jsonl_ops;
extern const idt__fmt_ops idt__text_ops;
extern const idt__fmt_ops idt__csv_ops; /* CSV and TSV */
extern const idt__fmt_ops idt__html_ops;
extern const idt__fmt_ops idt__warc_ops; /* WARC and ARC, plain or gzip */
extern const idt__fmt_ops idt__telegram_ops;
extern const idt__fmt_ops idt__whatsapp_ops;
extern const idt__fmt_ops idt__mail_ops; /* mbox and .eml */

/* ----- HTML text extraction (read_html.c), shared by the WARC and mail readers ----- */

typedef struct idt__html {
	idt_buf title, desc, text, alt, links; /* owned: the extracted fields (see read_html.c) */
	idt_buf utf8;                          /* owned: the page converted to UTF-8 */
	char *base;                            /* owned: <base href>, or NULL */
	const char *url;                       /* borrowed: the page's URL, or NULL */
	char charset[48];                      /* the charset the page was read in ("" = UTF-8) */
	size_t bad_bytes;                      /* bytes invalid in that charset (now U+FFFD) */
	int unknown_charset;                   /* the charset was unknown: read as UTF-8 */
	int truncated;                         /* a field reached its cap and was cut */
} idt__html;

/* Calls xmlInitParser() once per process (before threads use libxml2). */
void idt__html_global_init(void);

/*
 * Extracts the fields of the page s[0..n) into h (zero-initialised or reused), reading it in
 * http_charset (NULL: sniffed) and resolving links against url (NULL: none).  Every field is
 * capped near `cap` bytes.  IDT_OK (even for a damaged page: see bad_bytes), IDT_ENOMEM,
 * IDT_ELIMIT.
 */
idt_status idt__html_extract(idt__html *h, const char *s, size_t n, const char *http_charset,
                             const char *url, size_t cap);
/* The non-empty fields of h (and always "text") into out (room for 5); returns how many.  They
 * point into h and live until its next extraction. */
size_t idt__html_fields(const idt__html *h, idt_field *out);
void idt__html_free(idt__html *h);

/* ----- charsets (charset.c) ----- */

/*
 * Appends s[0..n), in `charset` (NULL or "": UTF-8), to out as valid UTF-8; invalid bytes
 * become U+FFFD and are counted in *bad; an unknown charset is read as UTF-8 (*unknown = 1).
 */
idt_status idt__to_utf8(const char *charset, const char *s, size_t n, idt_buf *out, size_t *bad,
                        int *unknown);
/* The charset of a BOM at s ("UTF-8", "UTF-16LE", "UTF-16BE") into out; 0 if none. */
int idt__charset_sniff(const char *s, size_t n, char *out, size_t cap);
/* The charset="..." parameter of a Content-Type value into out; 0 if none. */
int idt__charset_from_content_type(const char *s, size_t n, char *out, size_t cap);
/* The charset declared by a <meta> in the first 4 KiB of an HTML page into out; 0 if none. */
int idt__charset_meta(const char *s, size_t n, char *out, size_t cap);

/*
 * The JSON Lines scanner (read_jsonl.c), also used on its own by tests and fuzzers.
 * idt__json_line validates s[0..n) as one JSON object exactly as jansson's json_loads() does
 * and captures the raw values of the top-level keys named in `keys` (the last occurrence wins,
 * as in jansson).  On failure returns IDT_EPARSE with *err_msg and *err_off (offset in s).
 */
typedef struct idt__json_span {
	const char *p; /* raw value text (a string's includes its quotes); NULL: key absent */
	size_t n;
	int has_escape; /* a string value with backslash escapes */
} idt__json_span;

idt_status idt__json_line(const char *s, size_t n, const char *const *keys, const size_t *key_lens,
                          size_t nkeys, idt__json_span *vals, const char **err_msg,
                          size_t *err_off);

/* 1 if s[0..n) is valid UTF-8 by the vector check idt__json_line uses; 0 if it is invalid or
 * the CPU lacks the instructions (exposed for tests). */
int idt__json_utf8_valid(const char *s, size_t n);

/* Decodes the JSON string literal sp (validated by idt__json_line) into out, which must have
 * room for sp->n bytes; returns the decoded length. */
size_t idt__json_unescape(const idt__json_span *sp, char *out);

#endif
