/*
 * interdict/ingest.h - readers: turn the files investigators have into records to scan.
 *
 * A reader streams records out of one input (a file or standard input) with bounded memory:
 * JSON Lines, plain text (a record per line), CSV/TSV, HTML, WARC/ARC (plain or gzip), Telegram
 * Desktop JSON exports, WhatsApp text exports, mbox and .eml.  The format is detected from the
 * name and the first bytes, or forced.  Each record carries its text fields and its provenance.
 *
 * Damaged input never stops a reader: idt_reader_next() returns IDT_EPARSE (or IDT_ELIMIT) with
 * the location in idt_error, and the next call resumes with the following record.  Where a
 * damaged record can still be read (a web page in the wrong charset, a WARC record whose length
 * lies, a cut gzip member, a mail part in a broken encoding) the report comes first and the
 * record itself is returned by the next call: a record is never dropped silently.
 *
 * What each format yields (field names, ids, provenance) is described in docs/formats.md.
 *
 * Ownership: a record and everything it points to belongs to the reader and is valid until the
 * next idt_reader_next() or idt_reader_close().
 * Threads: a reader is used by one thread at a time.
 */
#ifndef INTERDICT_INGEST_H
#define INTERDICT_INGEST_H

#include <stdio.h>
#include "status.h"
#include "scan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum idt_format {
	IDT_FMT_AUTO = 0,
	IDT_FMT_JSONL,
	IDT_FMT_TEXT,
	IDT_FMT_CSV,
	IDT_FMT_TSV,
	IDT_FMT_HTML,
	IDT_FMT_WARC, /* also ARC, and either gzip-compressed */
	IDT_FMT_TELEGRAM,
	IDT_FMT_WHATSAPP,
	IDT_FMT_MBOX, /* also a single .eml */
	IDT_FMT_COUNT
} idt_format;

IDT_API const char *idt_format_name(idt_format f);
IDT_API idt_format idt_format_parse(const char *s); /* IDT_FMT_COUNT if unknown */

typedef struct idt_reader_opts {
	idt_format format;              /* IDT_FMT_AUTO: detect */
	const char *const *text_fields; /* JSONL/CSV: names of the text fields/columns; NULL: "text"
					 * (CSV without a "text" column: every column but the id);
					 * copied, may be freed after the open call; at most 63 */
	size_t ntext_fields;
	const char *id_field;           /* JSONL/CSV: the id field/column; NULL: "id"; copied */
	size_t max_record;              /* bytes; 0: 16 MiB.  Longer records: IDT_ELIMIT.  A reader
					 * holds one record at a time, so its memory is a small
					 * multiple of this whatever the input's size */
} idt_reader_opts;

/* Where a record came from.  Unknown members are NULL / 0. */
typedef struct idt_provenance {
	const char *file;     /* input name ("-" for standard input) */
	uint64_t line;        /* 1-based first line, 0 if not line-based */
	uint64_t offset;      /* byte offset of the record in the (decompressed) input */
	const char *url;      /* WARC target URI, HTML base */
	const char *msg_id;   /* message id (Telegram, e-mail Message-ID) */
	const char *sender;   /* message sender / e-mail From */
	const char *date;     /* ISO 8601 where known */
	const char *chat;     /* chat / mailbox / WARC file name */
} idt_provenance;

typedef struct idt_record {
	const char *id_json; /* the record's id, JSON-encoded ("\"a1\"", "42"); NULL: none */
	size_t id_len;
	idt_field *fields;   /* the text fields to scan */
	size_t nfields;
	idt_provenance prov;
} idt_record;

typedef struct idt_reader idt_reader;

/*
 * Opens a reader on path ("-" or NULL: standard input, named "-"); the path is the name used
 * in provenance and messages.  Returns IDT_EIO if the file cannot be opened; IDT_EINVAL for
 * invalid options (an unknown format, too many text fields) or when a CSV header has none of
 * the requested text columns; on failure *out is NULL.  With IDT_FMT_AUTO, up to 64 KiB are
 * read to detect the format (docs/formats.md).  Standard input is read in 1 MiB chunks.
 */
IDT_API idt_status idt_reader_open(const char *path, const idt_reader_opts *opts,
				   idt_reader **out, idt_error *err);

/* As idt_reader_open, on an open stream (not closed by the reader); `name` is used in
 * provenance and messages (NULL: "-"). */
IDT_API idt_status idt_reader_open_stream(FILE *fp, const char *name, const idt_reader_opts *opts,
					  idt_reader **out, idt_error *err);

/* As idt_reader_open, on a memory buffer (borrowed for the reader's life; records of the
 * line-based formats may point straight into it). */
IDT_API idt_status idt_reader_open_mem(const char *data, size_t len, const char *name,
				       const idt_reader_opts *opts, idt_reader **out,
				       idt_error *err);

/*
 * The next record into *rec.  IDT_OK: a record; IDT_END: no more (and again on every later
 * call); IDT_EPARSE / IDT_ELIMIT: a damaged record, located in err (where = the input name,
 * line, offset, index = records returned so far), skipped or, if it can still be read,
 * returned by the next call (call again to go on); IDT_ENOMEM; IDT_EIO: the input failed (no
 * use calling again).
 */
IDT_API idt_status idt_reader_next(idt_reader *r, idt_record *rec, idt_error *err);

/* The format being read (after detection). */
IDT_API idt_format idt_reader_format(const idt_reader *r);

/* Bytes consumed so far (of the raw input), for progress. */
IDT_API uint64_t idt_reader_bytes(const idt_reader *r);

IDT_API void idt_reader_close(idt_reader *r); /* NULL allowed */

#ifdef __cplusplus
}
#endif
#endif
