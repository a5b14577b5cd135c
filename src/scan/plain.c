/*
 * plain.c - the plain copy of a field that the structured-signal extractors read when the
 * original wears a disguise: "1/2 ｏｕｎｃｅ", "1 gra\u00ADm", "30 Ріlls".  The extractors
 * (src/signals) read ASCII units, currency codes and handles in the original text, where case
 * matters (checksums); the normaliser's folded text has lost case and digits.  The copy keeps
 * case and changes only what disguises ASCII:
 *
 *   - fullwidth forms U+FF01..U+FF5E become their ASCII characters ("ｏｕｎｃｅ" -> "ounce");
 *   - invisible characters are dropped: soft hyphen, zero-width space and joiners, word
 *     joiner, byte-order mark;
 *   - Cyrillic and Greek letters that look like Latin ones become those letters, in their own
 *     case, but only in a word that has an ASCII letter too ("Ріlls" -> "Pills",
 *     "ΜDΜΑ" -> "MDMA"): a word wholly in Cyrillic or Greek is genuine text ("5 г" stays).
 *
 * Every byte of the copy remembers the span of the original character it came from, so the
 * signals found in the copy are reported with their spans in the original.  The copy is made
 * only when a field has something to change; the buffers live in the scratch.
 */
#include "scan_int.h"

/* Look-alikes: a Cyrillic or Greek letter and the ASCII letter it imitates. */
static const struct {
	uint16_t cp;
	char ascii;
} lookalike[] = {
    /* Greek capitals, then small letters */
    {0x0391, 'A'},
    {0x0392, 'B'},
    {0x0395, 'E'},
    {0x0396, 'Z'},
    {0x0397, 'H'},
    {0x0399, 'I'},
    {0x039A, 'K'},
    {0x039C, 'M'},
    {0x039D, 'N'},
    {0x039F, 'O'},
    {0x03A1, 'P'},
    {0x03A4, 'T'},
    {0x03A5, 'Y'},
    {0x03A7, 'X'},
    {0x03B9, 'i'},
    {0x03BA, 'k'},
    {0x03BD, 'v'},
    {0x03BF, 'o'},
    {0x03C1, 'p'},
    {0x03C5, 'u'},
    /* Cyrillic */
    {0x0405, 'S'},
    {0x0406, 'I'},
    {0x0408, 'J'},
    {0x0410, 'A'},
    {0x0412, 'B'},
    {0x0415, 'E'},
    {0x041A, 'K'},
    {0x041C, 'M'},
    {0x041D, 'H'},
    {0x041E, 'O'},
    {0x0420, 'P'},
    {0x0421, 'C'},
    {0x0422, 'T'},
    {0x0423, 'Y'},
    {0x0425, 'X'},
    {0x0430, 'a'},
    {0x0435, 'e'},
    {0x043E, 'o'},
    {0x0440, 'p'},
    {0x0441, 'c'},
    {0x0443, 'y'},
    {0x0445, 'x'},
    {0x0455, 's'},
    {0x0456, 'i'},
    {0x0458, 'j'},
    {0x04BB, 'h'},
    {0x0501, 'd'},
};

char idt__lookalike(uint32_t cp)
{
	size_t lo = 0, hi = IDT_ARRAY_LEN(lookalike);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (lookalike[mid].cp == cp) return lookalike[mid].ascii;
		if (lookalike[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int invisible(uint32_t cp)
{
	return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

static int ascii_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int word_byte(unsigned char c)
{
	return c >= 0x80 || ascii_letter(c) || (c >= '0' && c <= '9');
}

int idt__word_has_ascii_letter(const unsigned char *t, size_t len, size_t a, size_t b)
{
	for (size_t p = a; p > 0 && a - p < 64 && word_byte(t[p - 1]); p--)
		if (ascii_letter(t[p - 1])) return 1;
	for (size_t p = b; p < len && p - b < 64 && word_byte(t[p]); p++)
		if (ascii_letter(t[p])) return 1;
	return 0;
}

/* What the character cp at [a, b) becomes in the copy: *out (0: dropped); returns 0 when it
 * stays as it is. */
static int plain_char(const unsigned char *t, size_t len, size_t a, size_t b, uint32_t cp,
                      char *out)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E) {
		*out = (char)(cp - 0xFF01 + 0x21);
		return 1;
	}
	if (invisible(cp)) {
		*out = 0;
		return 1;
	}
	char l = idt__lookalike(cp);
	if (l && idt__word_has_ascii_letter(t, len, a, b)) {
		*out = l;
		return 1;
	}
	return 0;
}

static int grow(idt_scratch *s, size_t n)
{
	if (n <= s->plaincap) return 1;
	size_t cap = s->plaincap ? s->plaincap : 256;
	while (cap < n) cap *= 2;
	char *p = realloc(s->plain, cap);
	if (!p) return 0;
	s->plain = p;
	size_t *m = realloc(s->pmap, 2 * cap * sizeof *m);
	if (!m) return 0;
	s->pmap = m;
	s->plaincap = cap;
	return 1;
}

int idt__plain_copy(idt_scratch *s, const char *text, size_t len, size_t *outlen)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i = 0;
	/* Most fields are ASCII, or have nothing to change: find the first change first. */
	for (;;) {
		while (i < len && t[i] < 0x80) i++;
		if (i == len) return 0;
		uint32_t cp;
		size_t n = idt__utf8_decode(t + i, len - i, &cp);
		char c;
		if (n && plain_char(t, len, i, i + n, cp, &c)) break;
		i += n ? n : 1;
	}
	if (!grow(s, len + 1)) return 0; /* the signals of the original; nothing is lost */
	size_t w = 0;
	for (size_t k = 0; k < i; k++) {
		s->plain[w] = text[k];
		s->pmap[2 * w] = k;
		s->pmap[2 * w + 1] = k + 1;
		w++;
	}
	while (i < len) {
		uint32_t cp = t[i];
		size_t n = cp < 0x80 ? 1 : idt__utf8_decode(t + i, len - i, &cp);
		char c;
		if (!n) n = 1;
		if (cp >= 0x80 && plain_char(t, len, i, i + n, cp, &c)) {
			if (c) {
				s->plain[w] = c;
				s->pmap[2 * w] = i;
				s->pmap[2 * w + 1] = i + n;
				w++;
			}
		} else {
			for (size_t k = 0; k < n; k++, w++) {
				s->plain[w] = text[i + k];
				s->pmap[2 * w] = i + k;
				s->pmap[2 * w + 1] = i + k + 1;
			}
		}
		i += n;
	}
	*outlen = w;
	return 1;
}

void idt__plain_span(const idt_scratch *s, size_t a, size_t b, size_t *oa, size_t *ob)
{
	*oa = s->pmap[2 * a];
	*ob = b > a ? s->pmap[2 * (b - 1) + 1] : *oa;
}
