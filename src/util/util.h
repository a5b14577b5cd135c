/*
 * util.h - small helpers shared by every part of libinterdict: a growable byte buffer with a
 * cap, located-error setters, and a few string and number helpers.  Nothing here knows about
 * drugs, text normalisation or I/O formats.
 */
#ifndef IDT_UTIL_H
#define IDT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "interdict/status.h"

#define IDT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define IDT_UNUSED(x)    (void)(x)

/* A growable byte buffer.  `cap_limit` (0: none) bounds its size: growing past it fails with
 * IDT_ELIMIT and leaves the buffer as it was.  Zero-initialise, then use; idt__buf_free()
 * releases the memory. */
typedef struct idt_buf {
	char *data;       /* owned; NULL while empty */
	size_t len;       /* bytes in use */
	size_t cap;       /* bytes allocated */
	size_t cap_limit; /* maximum len, 0 for no limit */
} idt_buf;

idt_status idt__buf_reserve(idt_buf *b, size_t extra);
idt_status idt__buf_append(idt_buf *b, const void *p, size_t n);
idt_status idt__buf_putc(idt_buf *b, char c);
idt_status idt__buf_puts(idt_buf *b, const char *s);
idt_status idt__buf_printf(idt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s[0..n) as a JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
idt_status idt__buf_json_str(idt_buf *b, const char *s, size_t n);
void idt__buf_free(idt_buf *b);

/* Fills err (if non-NULL) and returns code. */
idt_status idt__err(idt_error *err, idt_status code, const char *msg, const char *where,
                    uint64_t line, uint64_t offset);

/* malloc'ed copy of s[0..n) with a NUL; NULL on failure. */
char *idt__strndup(const char *s, size_t n);

/* 64-bit content hash (BLAKE2b via libsodium) of data, continuing from `seed`. */
uint64_t idt__hash64(uint64_t seed, const void *data, size_t n);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if s[0..n) does not start with one;
 * the code point goes to *cp. */
size_t idt__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns its length. */
size_t idt__utf8_encode(uint32_t cp, char *out);

#endif
