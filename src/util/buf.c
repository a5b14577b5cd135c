/*
 * buf.c - the growable byte buffer (idt_buf) used wherever the library builds output: JSON
 * verdicts, folded text, messages.  Growth doubles; every buffer may carry a cap, past which it
 * refuses to grow (IDT_ELIMIT) rather than eat the machine's memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"

idt_status idt__buf_reserve(idt_buf *b, size_t extra)
{
	if (extra <= b->cap - b->len) return IDT_OK;
	if (extra > SIZE_MAX - b->len) return IDT_ELIMIT;
	size_t need = b->len + extra;
	if (b->cap_limit && need > b->cap_limit) return IDT_ELIMIT;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need) ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (b->cap_limit && ncap > b->cap_limit) ncap = b->cap_limit;
	char *p = realloc(b->data, ncap);
	if (!p) return IDT_ENOMEM;
	b->data = p;
	b->cap = ncap;
	return IDT_OK;
}

idt_status idt__buf_append(idt_buf *b, const void *p, size_t n)
{
	idt_status st = idt__buf_reserve(b, n);
	if (st) return st;
	if (n) memcpy(b->data + b->len, p, n);
	b->len += n;
	return IDT_OK;
}

idt_status idt__buf_putc(idt_buf *b, char c)
{
	if (b->len == b->cap) {
		idt_status st = idt__buf_reserve(b, 1);
		if (st) return st;
	}
	b->data[b->len++] = c;
	return IDT_OK;
}

idt_status idt__buf_puts(idt_buf *b, const char *s)
{
	return idt__buf_append(b, s, strlen(s));
}

idt_status idt__buf_printf(idt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) return IDT_EINVAL;
	idt_status st = idt__buf_reserve(b, (size_t)n + 1);
	if (st) return st;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return IDT_OK;
}

idt_status idt__buf_json_str(idt_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	/* Worst case: every byte becomes \u00XX (6) or U+FFFD (3). */
	if (n > (SIZE_MAX - 2) / 6) return IDT_ELIMIT;
	idt_status st = idt__buf_reserve(b, n * 6 + 2);
	if (st) return st;
	char *o = b->data + b->len;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	*o++ = '"';
	while (p < end) {
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			p++;
			continue;
		}
		if (c < 0x80) {
			*o++ = '\\';
			switch (c) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default:
				*o++ = 'u';
				*o++ = '0';
				*o++ = '0';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			}
			p++;
			continue;
		}
		uint32_t cp;
		size_t k = idt__utf8_decode(p, (size_t)(end - p), &cp);
		if (k == 0) {
			memcpy(o, "\xEF\xBF\xBD", 3); /* U+FFFD for an invalid byte */
			o += 3;
			p++;
		} else if (cp == 0x2028 || cp == 0x2029) {
			/* Valid JSON, but escaped so the line is also valid JavaScript. */
			memcpy(o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
			o += 6;
			p += k;
		} else {
			memcpy(o, p, k);
			o += k;
			p += k;
		}
	}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
	return IDT_OK;
}

void idt__buf_free(idt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

IDT_API idt_status idt_json_append_str(char **buf, size_t *len, size_t *cap, const char *s,
                                       size_t n)
{
	idt_buf b = {*buf, *len, *cap, 0};
	idt_status st = idt__buf_json_str(&b, s, n);
	*buf = b.data;
	*len = b.len;
	*cap = b.cap;
	return st;
}
