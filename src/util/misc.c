/*
 * misc.c - status names and messages, located-error setters, UTF-8 coding, hashing and string
 * copies: the helpers every part of the library needs and none owns.
 */
#include <stdlib.h>
#include <sodium.h>
#include "util.h"

static const struct {
	const char *name, *str;
} status_text[] = {
    {"IDT_OK", "success"},
    {"IDT_ENOMEM", "out of memory"},
    {"IDT_EINVAL", "invalid argument"},
    {"IDT_EIO", "input/output error"},
    {"IDT_EPARSE", "malformed input"},
    {"IDT_ELIMIT", "size limit reached"},
    {"IDT_EPATTERN", "pattern could not be compiled"},
    {"IDT_ESTORE", "storage error"},
    {"IDT_STOPPED", "stopped by callback"},
    {"IDT_END", "end of input"},
    {"IDT_ENOTFOUND", "not found"},
    {"IDT_EDENIED", "permission denied"},
    {"IDT_ECONFLICT", "conflict"},
};

IDT_API const char *idt_status_name(idt_status s)
{
	if ((size_t)s >= IDT_ARRAY_LEN(status_text)) return "IDT_UNKNOWN";
	return status_text[s].name;
}

IDT_API const char *idt_status_str(idt_status s)
{
	if ((size_t)s >= IDT_ARRAY_LEN(status_text)) return "unknown status";
	return status_text[s].str;
}

IDT_API const char *idt_version(void)
{
	return IDT_VERSION;
}

idt_status idt__err(idt_error *err, idt_status code, const char *msg, const char *where,
                    uint64_t line, uint64_t offset)
{
	if (err) {
		err->code = code;
		err->msg = msg;
		err->where = where;
		err->line = line;
		err->offset = offset;
	}
	return code;
}

char *idt__strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p) return NULL;
	if (n) memcpy(p, s, n);
	p[n] = 0;
	return p;
}

uint64_t idt__hash64(uint64_t seed, const void *data, size_t n)
{
	unsigned char out[8], key[8];
	for (int i = 0; i < 8; i++) key[i] = (unsigned char)(seed >> (8 * i));
	/* crypto_generichash accepts keys from 16 bytes; pad the seed. */
	unsigned char k16[16] = {0};
	memcpy(k16, key, 8);
	crypto_generichash(out, sizeof out, data, n, k16, sizeof k16);
	uint64_t h = 0;
	for (int i = 0; i < 8; i++) h |= (uint64_t)out[i] << (8 * i);
	return h;
}

size_t idt__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0) return 0;
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (n < 2 || (s[1] & 0xC0) != 0x80) return 0;
		*cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
		if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
		if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
		*cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
		if (c == 0xF4 && s[1] > 0x8F) return 0; /* above U+10FFFF */
		*cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
		      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	return 0;
}

size_t idt__utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}
