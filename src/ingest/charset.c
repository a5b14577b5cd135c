/*
 * charset.c - character sets for the document readers (HTML, WARC, mail): finding a page's
 * charset (BOM, HTTP header, <meta>), and converting any charset iconv knows to valid UTF-8.
 *
 * The output is always valid UTF-8: bytes that are invalid in the source charset become U+FFFD
 * and are counted, so a page in the wrong charset is reported, never dropped and never passed
 * on as invalid UTF-8.  Names follow the WHATWG encoding standard where it matters: ISO-8859-1,
 * US-ASCII and Latin-1 are read as windows-1252, their superset on the web.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <strings.h>
#include "ingest_int.h"

#define REPLACEMENT "\xEF\xBF\xBD"

/* Copies s[0..n) into out, replacing every invalid UTF-8 byte by U+FFFD; counts them. */
static idt_status utf8_clean(const char *s, size_t n, idt_buf *out, size_t *bad)
{
	idt_status st = idt__buf_reserve(out, n + 16);
	if (st) return st;
	if (idt__json_utf8_valid(s, n)) return idt__buf_append(out, s, n); /* the common case */
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	while (p < e) {
		const unsigned char *q = p;
		while (q < e && *q < 0x80) q++;
		if (q > p) {
			st = idt__buf_append(out, p, (size_t)(q - p));
			if (st) return st;
			p = q;
			continue;
		}
		uint32_t cp;
		size_t k = idt__utf8_decode(p, (size_t)(e - p), &cp);
		if (k) {
			st = idt__buf_append(out, p, k);
			p += k;
		} else {
			st = idt__buf_append(out, REPLACEMENT, 3);
			(*bad)++;
			p++;
		}
		if (st) return st;
	}
	return IDT_OK;
}

/* The iconv name for a charset label, or NULL for UTF-8. */
static const char *iconv_name(const char *cs)
{
	if (!cs || !*cs) return NULL;
	if (!strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") ||
	    !strcasecmp(cs, "unicode-1-1-utf-8"))
		return NULL;
	if (!strcasecmp(cs, "iso-8859-1") || !strcasecmp(cs, "latin1") ||
	    !strcasecmp(cs, "iso8859-1") || !strcasecmp(cs, "us-ascii") ||
	    !strcasecmp(cs, "ascii") || !strcasecmp(cs, "l1") || !strcasecmp(cs, "iso_8859-1"))
		return "WINDOWS-1252";
	if (!strcasecmp(cs, "x-sjis") || !strcasecmp(cs, "shift-jis")) return "SHIFT_JIS";
	if (!strcasecmp(cs, "gb2312") || !strcasecmp(cs, "gbk") || !strcasecmp(cs, "x-gbk"))
		return "GB18030"; /* superset */
	return cs;
}

idt_status idt__to_utf8(const char *charset, const char *s, size_t n, idt_buf *out, size_t *bad,
                        int *unknown)
{
	*bad = 0;
	*unknown = 0;
	const char *name = iconv_name(charset);
	if (!name) return utf8_clean(s, n, out, bad);
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1) {
		*unknown = 1; /* not a charset iconv knows: read as UTF-8 */
		return utf8_clean(s, n, out, bad);
	}
	idt_status st = IDT_OK;
	char *in = (char *)s;
	size_t left = n;
	while (left) {
		st = idt__buf_reserve(out, left * 2 + 16);
		if (st) break;
		char *o = out->data + out->len;
		size_t room = out->cap - out->len;
		size_t r = iconv(cd, &in, &left, &o, &room);
		out->len = (size_t)(o - out->data);
		if (r != (size_t)-1) break;
		if (errno == E2BIG) continue;
		/* EILSEQ or EINVAL (cut at the end): one byte becomes U+FFFD */
		st = idt__buf_append(out, REPLACEMENT, 3);
		if (st) break;
		(*bad)++;
		in++;
		left--;
	}
	iconv_close(cd);
	if (st) return st;
	/* iconv's output is UTF-8 already; nothing more to check */
	return IDT_OK;
}

/* Copies a charset label from s (stops at quote, ';', space, '>') into out (cap bytes). */
static void copy_label(const char *s, const char *e, char *out, size_t cap)
{
	while (s < e && (*s == ' ' || *s == '"' || *s == '\'' || *s == '=')) s++;
	size_t k = 0;
	while (s < e && k + 1 < cap &&
	       (isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == ':' || *s == '.'))
		out[k++] = *s++;
	out[k] = 0;
}

int idt__charset_from_content_type(const char *s, size_t n, char *out, size_t cap)
{
	*out = 0;
	const char *e = s + n;
	for (const char *p = s; p + 7 <= e; p++) {
		if (strncasecmp(p, "charset", 7) == 0) {
			const char *q = p + 7;
			while (q < e && *q == ' ') q++;
			if (q < e && *q == '=') {
				copy_label(q + 1, e, out, cap);
				return *out != 0;
			}
		}
	}
	return 0;
}

int idt__charset_sniff(const char *s, size_t n, char *out, size_t cap)
{
	*out = 0;
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		snprintf(out, cap, "UTF-8");
		return 1;
	}
	if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		snprintf(out, cap, "UTF-16LE");
		return 1;
	}
	if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		snprintf(out, cap, "UTF-16BE");
		return 1;
	}
	return 0;
}

int idt__charset_meta(const char *s, size_t n, char *out, size_t cap)
{
	*out = 0;
	if (n > 4096) n = 4096; /* the HTML spec's prescan looks at the first 1024 bytes */
	const char *e = s + n;
	for (const char *p = s; p + 5 < e; p++) {
		if (*p != '<' || strncasecmp(p + 1, "meta", 4) != 0) continue;
		const char *gt = memchr(p, '>', (size_t)(e - p));
		if (!gt) break;
		if (idt__charset_from_content_type(p + 5, (size_t)(gt - p - 5), out, cap)) return 1;
		p = gt;
	}
	return 0;
}
