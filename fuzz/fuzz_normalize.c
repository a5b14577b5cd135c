/*
 * fuzz_normalize.c - libFuzzer target for idt_normalize(): arbitrary bytes in, and the folded
 * text's invariants checked: valid UTF-8; no leading, trailing or doubled space; every folded
 * byte maps into the input with non-decreasing starts; run counts >= 1; the same input gives the
 * same output when normalised again into the reused buffer.  A broken invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <interdict.h>

#include "text/text_int.h" /* idt__norm_reference */

static idt_folder *folder;
static idt_norm *norm, *norm2;

static void check(int ok)
{
	if (!ok) abort();
}

/* Whether s[0..n) is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80                 ? 1
		           : c >= 0xC2 && c <= 0xDF ? 2
		           : c >= 0xE0 && c <= 0xEF ? 3
		           : c >= 0xF0 && c <= 0xF4 ? 4
		                                    : 0;
		if (k == 0 || i + k > n) return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xC0) != 0x80) return 0;
		if (k == 3 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F)))
			return 0;
		if (k == 4 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F)))
			return 0;
		i += k;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!folder) {
		check(idt_folder_new(&folder) == IDT_OK);
		check(idt_norm_new(1 << 20, &norm) == IDT_OK);
		check(idt_norm_new(1 << 20, &norm2) == IDT_OK);
	}
	const char *in = (const char *)data;
	idt_status st = idt_normalize(folder, in, size, norm);
	if (st == IDT_ELIMIT) return 0;
	check(st == IDT_OK);
	size_t n;
	const char *t = idt_norm_text(norm, &n);
	check(valid_utf8((const unsigned char *)t, n));
	if (n > 0) check(t[0] != ' ' && t[n - 1] != ' ');
	for (size_t i = 1; i < n; i++) check(!(t[i] == ' ' && t[i - 1] == ' '));
	size_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		size_t a, b;
		idt_norm_span(norm, i, i + 1, &a, &b);
		check(a >= prev && a <= b && b <= size);
		prev = a;
		check(idt_norm_run(norm, i) >= 1);
	}
	if (n > 0) {
		size_t a, b;
		idt_norm_span(norm, 0, n, &a, &b);
		check(a <= b && b <= size);
	}
	size_t first, bad = idt_norm_invalid(norm, &first);
	check(bad <= size && (bad == 0 || first < size));
	/* deterministic, and independent of what the buffer held before */
	check(idt_normalize(folder, in, size, norm2) == IDT_OK);
	size_t n2;
	const char *t2 = idt_norm_text(norm2, &n2);
	check(n2 == n && memcmp(t, t2, n) == 0);
	/* the fast loops agree with the general path on text, spans (but a space's) and runs */
	idt__norm_reference = 1;
	st = idt_normalize(folder, in, size, norm2);
	idt__norm_reference = 0;
	check(st == IDT_OK);
	t2 = idt_norm_text(norm2, &n2);
	check(n2 == n && memcmp(t, t2, n) == 0);
	for (size_t i = 0; i < n; i++) {
		size_t a, b, a2, b2;
		if (t[i] == ' ') continue;
		idt_norm_span(norm, i, i + 1, &a, &b);
		idt_norm_span(norm2, i, i + 1, &a2, &b2);
		check(a == a2 && b == b2 && idt_norm_run(norm, i) == idt_norm_run(norm2, i));
	}
	return 0;
}
