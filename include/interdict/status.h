/*
 * interdict/status.h - status codes and located errors shared by every part of libinterdict.
 *
 * Every fallible call returns an idt_status.  Where the location of a failure matters (a byte in
 * a record, a line in a knowledge-base file, a pattern in the compiled database) the call also
 * takes an optional idt_error, which it fills on failure.  The numeric values never change and
 * are never reused: new codes are appended.
 */
#ifndef INTERDICT_STATUS_H
#define INTERDICT_STATUS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define IDT_API __attribute__((visibility("default")))
#else
#define IDT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum idt_status {
	IDT_OK = 0,        /* 0: success */
	IDT_ENOMEM = 1,    /* 1: an allocation failed; nothing was changed, the caller may retry */
	IDT_EINVAL = 2,    /* 2: an argument is invalid (NULL where forbidden, unknown option) */
	IDT_EIO = 3,       /* 3: reading or writing a file or socket failed; errno is preserved */
	IDT_EPARSE = 4,    /* 4: input is malformed; idt_error says where; the record is skipped */
	IDT_ELIMIT = 5,    /* 5: a size limit was reached (line length, buffer cap, record count) */
	IDT_EPATTERN = 6,  /* 6: a term or pattern could not be compiled; idt_error.index names it */
	IDT_ESTORE = 7,    /* 7: the storage backend failed; the transaction was rolled back */
	IDT_STOPPED = 8,   /* 8: a callback returned non-zero and the operation stopped early */
	IDT_END = 9,       /* 9: no more items (end of input); not an error */
	IDT_ENOTFOUND = 10, /* 10: the named item does not exist (or the caller may not see it) */
	IDT_EDENIED = 11,  /* 11: the caller is not allowed to do this */
	IDT_ECONFLICT = 12 /* 12: the item changed or already exists */
} idt_status;

/*
 * A located error.  `msg` is a constant string (never freed); `offset` is a byte offset into the
 * input that failed, `line` a 1-based line number (0 when not applicable), `index` the index of a
 * record, term or pattern (0 when not applicable).  `where` names the input (a file name or
 * field name) and is borrowed from the caller's arguments: valid as long as they are.
 */
typedef struct idt_error {
	idt_status code;  /* the status the failing call returned */
	const char *msg;  /* human-readable, constant; NULL until set */
	const char *where; /* file or field name, borrowed; may be NULL */
	uint64_t offset;  /* byte offset of the bad input */
	uint64_t line;    /* 1-based line number, 0 if unknown */
	uint64_t index;   /* record / term / pattern index */
} idt_error;

/* The constant name of a status ("IDT_EPARSE"); "IDT_UNKNOWN" for values not listed above. */
IDT_API const char *idt_status_name(idt_status s);

/* A short English description of a status ("malformed input"); never NULL. */
IDT_API const char *idt_status_str(idt_status s);

/*
 * Appends s[0..n) as a JSON string literal (quotes included; control characters escaped;
 * invalid UTF-8 bytes become U+FFFD) to the growable buffer *buf of *len bytes in use and *cap
 * allocated (realloc'ed as needed; the caller frees *buf).  For programs writing JSON.
 */
IDT_API idt_status idt_json_append_str(char **buf, size_t *len, size_t *cap, const char *s,
				       size_t n);

/* The library version, "MAJOR.MINOR.PATCH". */
IDT_API const char *idt_version(void);

#ifdef __cplusplus
}
#endif
#endif
