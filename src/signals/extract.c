/*
 * extract.c - the structured-signal pass: idt_signals_extract() walks the original text once,
 * forward, and hands each candidate to the extractor that owns it.
 *
 * The walk classifies 64 bytes at a time (SSE2 where available, else a table lookup per byte)
 * into two bit masks, ASCII letters and digits, and trigger bytes, and visits only the word
 * starts and trigger bytes of each block.  Most bytes (spaces, punctuation, the bytes of
 * non-Latin scripts) are never looked at one by one, and most words are dismissed by worth()
 * from their first byte, length and next byte; the rest are dispatched:
 *
 *   digit first                 amount.c: amounts (price, quantity, purity), CAS numbers;
 *                               long runs are wallets
 *   25+ characters              contact.c: wallets, onions, Session IDs
 *   followed by @ . _ % + -     contact.c: e-mail
 *   a keyword (<= 9 letters)    contact.c (telegram, wickr, http, www, t.me ...) or
 *                               amount.c (ISO code before an amount, QP, zip, half o ...)
 *
 * and trigger bytes start candidates on their own: '$' and the first byte of other currency
 * signs (amount.c), '+' (international phone numbers), '(' (North American "(555) 123-4567")
 * and '@' (a handle after a cue word in another script, "телеграм: @name"), in contact.c.  A
 * handler returns where it stopped; the walk resumes there, so signals come out in increasing order
 * of start and never overlap within one kind (a contact may contain the phone number it names, a
 * URL the onion it points to).
 *
 * The plain byte-at-a-time walk is kept as idt__signals_extract_ref(): the fuzz target checks
 * that both report the same signals.  Nothing here allocates; the only state is the idt__sx on
 * the stack.
 */
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "signals_int.h"

/* ------------------------------------------------------------------------------------------
 * Low level: byte classes, emission, small text helpers
 * ------------------------------------------------------------------------------------------ */

enum { C_ALPHA = 1, C_DIGIT = 2, C_TRIG = 4 };

/* Byte classes; 0 means "skip".  Trigger bytes: $ + ( @ and the lead bytes of £ ¥ (0xC2),
 * € ₽ ₹ ₿ (0xE2) and the full-width yen ￥ (0xEF). */
static const unsigned char byte_class[256] = {
    ['0' ... '9'] = C_DIGIT, ['a' ... 'z'] = C_ALPHA, ['A' ... 'Z'] = C_ALPHA, ['$'] = C_TRIG,
    ['@'] = C_TRIG,          ['+'] = C_TRIG,          ['('] = C_TRIG,          [0xC2] = C_TRIG,
    [0xE2] = C_TRIG,         [0xEF] = C_TRIG,
};

int idt__sx_emit(idt__sx *x, idt_signal_type t, size_t a, size_t b, const char *v, size_t vn)
{
	idt_signal sig;
	if (x->stopped) return 1;
	if (b > x->last_end) x->last_end = b;
	sig.type = t;
	sig.start = a;
	sig.end = b;
	if (vn > sizeof sig.value - 1) vn = sizeof sig.value - 1;
	memcpy(sig.value, v, vn);
	memset(sig.value + vn, 0, sizeof sig.value - vn); /* no stale bytes after the NUL */
	if (x->fn(x->ctx, &sig)) x->stopped = 1;
	return x->stopped;
}

bool idt__sx_prefix(const idt__sx *x, size_t i, const char *lit)
{
	for (; *lit; lit++, i++)
		if (i >= x->len || idt__lower(x->s[i]) != (unsigned char)*lit) return false;
	return true;
}

bool idt__sx_eq(const idt__sx *x, size_t a, size_t b, const char *lit)
{
	for (; *lit; lit++, a++)
		if (a >= b || idt__lower(x->s[a]) != (unsigned char)*lit) return false;
	return a == b;
}

/* SWAR: the high bit of each byte of v that is an ASCII letter or digit.  Bytes are masked to
 * 7 bits first so that no addition carries into the next byte; bytes >= 0x80 are dropped. */
static inline uint64_t alnum_bytes(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t y = v & ~high, l = y | (0x20 * ones); /* ASCII letters folded to lower case */
	uint64_t letter = (l + (0x80 - 'a') * ones) & ~(l + (0x7f - 'z') * ones);
	uint64_t digit = (y + (0x80 - '0') * ones) & ~(y + (0x7f - '9') * ones);
	return (letter | digit) & ~v & high;
}

size_t idt__sx_word_end(const idt__sx *x, size_t i)
{
	/* eight bytes at a time while they are all letters or digits */
	while (i + 8 <= x->len) {
		uint64_t v;
		memcpy(&v, x->s + i, 8);
		uint64_t other = ~alnum_bytes(v) & 0x8080808080808080ULL;
		if (other) return i + (size_t)(__builtin_ctzll(other) >> 3); /* little-endian */
		i += 8;
	}
	while (i < x->len && (byte_class[x->s[i]] & (C_ALPHA | C_DIGIT))) i++;
	return i;
}

size_t idt__sx_spaces(const idt__sx *x, size_t i, int max)
{
	for (int k = 0; k < max && i < x->len; k++) {
		if (x->s[i] == ' ' || x->s[i] == '\t')
			i++;
		else if (x->s[i] == 0xC2 && idt__at(x, i + 1) == 0xA0)
			i += 2; /* U+00A0 */
		else
			break;
	}
	return i;
}

/* ------------------------------------------------------------------------------------------
 * Keywords
 * ------------------------------------------------------------------------------------------ */

typedef struct keyword {
	const char *w; /* lower case */
	size_t len;    /* strlen(w) */
	int kind;      /* enum idt__kw */
} keyword;

#define KW(w, kind)                                                                                \
	{                                                                                          \
		w, sizeof(w) - 1, kind                                                             \
	}

/* Keywords by first letter; kw_lookup() reads only the list of the word's first letter. */
static const keyword kw_c[] = {KW("call", IDT__KW_PHONE), KW("cell", IDT__KW_PHONE)};
static const keyword kw_d[] = {KW("discord", IDT__KW_DISCORD)};
static const keyword kw_e[] = {KW("eightball", IDT__KW_EIGHTBALL)};
static const keyword kw_h[] = {KW("half", IDT__KW_HALF), KW("http", IDT__KW_HTTP),
                               KW("https", IDT__KW_HTTP)};
static const keyword kw_i[] = {KW("icq", IDT__KW_ICQ)};
static const keyword kw_k[] = {KW("kik", IDT__KW_KIK)};
static const keyword kw_m[] = {KW("mob", IDT__KW_PHONE), KW("mobile", IDT__KW_PHONE)};
static const keyword kw_p[] = {KW("phone", IDT__KW_PHONE), KW("purity", IDT__KW_PURITY),
                               KW("pureza", IDT__KW_PURITY), KW("purete", IDT__KW_PURITY)};
static const keyword kw_r[] = {KW("reinheit", IDT__KW_PURITY)};
static const keyword kw_q[] = {KW("qp", IDT__KW_QP), KW("quarter", IDT__KW_QUARTER)};
static const keyword kw_s[] = {KW("sc", IDT__KW_SNAP), KW("signal", IDT__KW_SIGNAL),
                               KW("sms", IDT__KW_PHONE), KW("snap", IDT__KW_SNAP),
                               KW("snapchat", IDT__KW_SNAPCHAT)};
static const keyword kw_t[] = {KW("t", IDT__KW_T),
                               KW("teenth", IDT__KW_TEENTH),
                               KW("teener", IDT__KW_TEENTH),
                               KW("tel", IDT__KW_PHONE),
                               KW("telefon", IDT__KW_PHONE),
                               KW("telefone", IDT__KW_PHONE),
                               KW("telefono", IDT__KW_PHONE),
                               KW("telega", IDT__KW_TELEGRAM),
                               KW("telegram", IDT__KW_TELEGRAM),
                               KW("text", IDT__KW_PHONE),
                               KW("tg", IDT__KW_TG),
                               KW("threema", IDT__KW_THREEMA)};
static const keyword kw_v[] = {KW("viber", IDT__KW_VIBER)};
static const keyword kw_w[] = {KW("wa", IDT__KW_WA),         KW("whatsapp", IDT__KW_WHATSAPP),
                               KW("wickr", IDT__KW_WICKR),   KW("wickrme", IDT__KW_WICKR),
                               KW("wechat", IDT__KW_WECHAT), KW("www", IDT__KW_WWW)};
static const keyword kw_z[] = {KW("zip", IDT__KW_ZIP), KW("zips", IDT__KW_ZIP)};

/* Per first letter a - z: its list of keywords. */
static const struct {
	const keyword *list;
	size_t n;
} kw_index[26] = {
    ['c' - 'a'] = {kw_c, IDT_ARRAY_LEN(kw_c)}, ['d' - 'a'] = {kw_d, IDT_ARRAY_LEN(kw_d)},
    ['e' - 'a'] = {kw_e, IDT_ARRAY_LEN(kw_e)}, ['h' - 'a'] = {kw_h, IDT_ARRAY_LEN(kw_h)},
    ['i' - 'a'] = {kw_i, IDT_ARRAY_LEN(kw_i)}, ['k' - 'a'] = {kw_k, IDT_ARRAY_LEN(kw_k)},
    ['m' - 'a'] = {kw_m, IDT_ARRAY_LEN(kw_m)}, ['p' - 'a'] = {kw_p, IDT_ARRAY_LEN(kw_p)},
    ['q' - 'a'] = {kw_q, IDT_ARRAY_LEN(kw_q)}, ['r' - 'a'] = {kw_r, IDT_ARRAY_LEN(kw_r)},
    ['s' - 'a'] = {kw_s, IDT_ARRAY_LEN(kw_s)}, ['t' - 'a'] = {kw_t, IDT_ARRAY_LEN(kw_t)},
    ['v' - 'a'] = {kw_v, IDT_ARRAY_LEN(kw_v)}, ['w' - 'a'] = {kw_w, IDT_ARRAY_LEN(kw_w)},
    ['z' - 'a'] = {kw_z, IDT_ARRAY_LEN(kw_z)},
};

/* The shape of every keyword, so that most words cost one lookup: kw_shape[first letter][length]
 * has bit c - 'a' set if a keyword of that first letter and length has second letter c (bit 26:
 * the one-letter keyword).  Every keyword must have its bit, or it is never found (the tests
 * run idt__kw_selfcheck()). */
static const uint32_t kw_shape[26][10] = {
    ['c' - 'a'] = {[4] = (1u << 0) | (1u << 4)},
    ['d' - 'a'] = {[7] = (1u << 8)},
    ['e' - 'a'] = {[9] = (1u << 8)},
    ['h' - 'a'] = {[4] = (1u << 0) | (1u << 19), [5] = (1u << 19)},
    ['i' - 'a'] = {[3] = (1u << 2)},
    ['k' - 'a'] = {[3] = (1u << 8)},
    ['m' - 'a'] = {[3] = (1u << 14), [6] = (1u << 14)},
    ['p' - 'a'] = {[5] = (1u << 7), [6] = (1u << 20)},
    ['q' - 'a'] = {[2] = (1u << 15), [7] = (1u << 20)},
    ['r' - 'a'] = {[8] = (1u << 4)},
    ['s' - 'a'] =
        {[2] = (1u << 2), [3] = (1u << 12), [4] = (1u << 13), [6] = (1u << 8), [8] = (1u << 13)},
    ['t' - 'a'] = {[1] = (1u << 26),
                   [2] = (1u << 6),
                   [3] = (1u << 4),
                   [4] = (1u << 4),
                   [6] = (1u << 4),
                   [7] = (1u << 4) | (1u << 7),
                   [8] = (1u << 4)},
    ['v' - 'a'] = {[5] = (1u << 8)},
    ['w' - 'a'] = {[2] = (1u << 0),
                   [3] = (1u << 22),
                   [5] = (1u << 8),
                   [6] = (1u << 4),
                   [7] = (1u << 8),
                   [8] = (1u << 7)},
    ['z' - 'a'] = {[3] = (1u << 8), [4] = (1u << 8)},
};

/* Whether a word of n letters at a may be a keyword: its first letter, length and second letter
 * all occur among the keywords. */
static inline bool kw_maybe(const idt__sx *x, size_t a, size_t n)
{
	int c = idt__lower(x->s[a]);
	if (n > 9 || c < 'a' || c > 'z') return false;
	uint32_t m = kw_shape[c - 'a'][n];
	if (!m) return false;
	int c2 = n > 1 ? idt__lower(x->s[a + 1]) - 'a' : 26;
	return c2 >= 0 && c2 <= 26 && (m & (1u << c2));
}

int idt__kw_selfcheck(void)
{
	for (int c = 0; c < 26; c++)
		for (size_t j = 0; j < kw_index[c].n; j++) {
			const keyword *k = &kw_index[c].list[j];
			size_t n = strlen(k->w);
			int c2 = n > 1 ? k->w[1] - 'a' : 26;
			if (k->w[0] != 'a' + c || k->len != n || n > 9 || c2 < 0 || c2 > 26 ||
			    !(kw_shape[c][n] & (1u << c2)))
				return 0;
		}
	return 1;
}

static int kw_lookup(const idt__sx *x, size_t a, size_t b)
{
	size_t n = b - a;
	int c = idt__lower(x->s[a]);
	if (!kw_maybe(x, a, n)) return IDT__KW_NONE;
	const keyword *k = kw_index[c - 'a'].list;
	for (size_t j = 0; j < kw_index[c - 'a'].n; j++)
		if (k[j].len == n && idt__sx_prefix(x, a, k[j].w)) return k[j].kind;
	return IDT__KW_NONE;
}

/* ------------------------------------------------------------------------------------------
 * The pass
 * ------------------------------------------------------------------------------------------ */

/* An upper-case 3- or 4-letter word directly followed by an amount: maybe "USD 120". */
static bool code_before_amount(const idt__sx *x, size_t i, size_t we)
{
	if (we - i < 3 || we - i > 4) return false;
	for (size_t k = i; k < we; k++)
		if (x->s[k] < 'A' || x->s[k] > 'Z') return false;
	return idt__digit(idt__at(x, idt__sx_spaces(x, we, 2)));
}

/* SWAR: the high bit of each byte of v equal to c (exact for the lowest flagged byte, which is
 * all skip_run() uses: a borrow only ever flags bytes above a true match). */
static inline uint64_t eq_bytes(uint64_t v, unsigned char c)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t t = v ^ (c * ones);
	return (t - ones) & ~t & high;
}

/* From i, skips bytes of class 0 eight at a time; returns the first byte that is not (or where
 * fewer than eight bytes remain). */
static size_t skip_run(const idt__sx *x, size_t i)
{
	while (i + 8 <= x->len) {
		uint64_t v;
		memcpy(&v, x->s + i, 8);
		uint64_t m = alnum_bytes(v) | eq_bytes(v, '$') | eq_bytes(v, '+') |
		             eq_bytes(v, '(') | eq_bytes(v, '@') | eq_bytes(v, 0xC2) |
		             eq_bytes(v, 0xE2) | eq_bytes(v, 0xEF);
		if (m) return i + (size_t)(__builtin_ctzll(m) >> 3);
		i += 8;
	}
	return i;
}

/* Whether what follows a token at we may continue an e-mail address (or a v2 onion name):
 * '@', or one of . _ % + - before another address character. */
static inline bool email_next(const idt__sx *x, size_t we)
{
	int next = idt__at(x, we), next2;
	if (next == '@') return true;
	if (next != '.' && next != '_' && next != '%' && next != '+' && next != '-') return false;
	next2 = idt__at(x, we + 1);
	return idt__alnum(next2) || next2 == '.' || next2 == '_' || next2 == '-';
}

/* Could the token [i, we) start a signal?  Conservative: false only where token() would find
 * nothing, so that the block scan can skip most words without calling it. */
static inline bool worth(const idt__sx *x, size_t i, size_t we)
{
	size_t n = we - i;
	int c = x->s[i];
	if (n >= 25 || idt__digit(c) || email_next(x, we)) return true;
	if ((n == 3 || n == 4) && c >= 'A' && c <= 'Z' && /* "USD 120", "BTC0.5" */
	    (idt__digit(idt__at(x, we)) || idt__at(x, we) == ' ' || idt__at(x, we) == '\t' ||
	     idt__at(x, we) == 0xC2))
		return true;
	return kw_maybe(x, i, n);
}

/* Dispatches the token [i, we); returns where to resume (> i). */
static size_t token(idt__sx *x, size_t i, size_t we)
{
	size_t r = 0;
	int next = idt__at(x, we);
	if (we - i >= 25) {
		r = idt__contact_long(x, i, we);
		if (!r && (next == '@' || next == '.' || next == '_' || next == '-'))
			r = idt__contact_email(x, i);
		return r ? r : we;
	}
	if (email_next(x, we)) {
		r = idt__contact_email(x, i);
		if (r) return r;
		if (we - i == 16 && next == '.') {
			r = idt__contact_long(x, i, we); /* a v2 onion */
			if (r) return r;
		}
	}
	if (idt__digit(x->s[i])) {
		r = idt__amount_number(x, i, we);
		return r ? r : we;
	}
	int kind = kw_lookup(x, i, we);
	if (kind != IDT__KW_NONE) {
		r = kind <= IDT__KW_CONTACT_LAST ? idt__contact_word(x, i, we, kind)
		                                 : idt__amount_word(x, i, we, kind);
	} else if (code_before_amount(x, i, we)) {
		r = idt__amount_word(x, i, we, IDT__KW_CURRENCY);
	}
	return r ? r : we;
}

/* Handles a trigger byte at i; returns where to resume (> i). */
static size_t trigger(idt__sx *x, size_t i)
{
	size_t r = 0;
	unsigned char c = x->s[i];
	if (c == '+')
		r = idt__contact_plus(x, i);
	else if (c == '@')
		r = idt__contact_at(x, i);
	else if (c == '(')
		r = idt__contact_paren(x, i);
	else
		r = idt__amount_symbol(x, i);
	return r ? r : i + 1;
}

/* The reference pass, one byte class at a time: what the block pass below must equal. */
static void scan_bytes(idt__sx *x)
{
	size_t i = 0;
	while (i < x->len && !x->stopped) {
		unsigned k = byte_class[x->s[i]];
		if (!k) {
			i++;
			/* a run of bytes to skip (other scripts, spacing): eight at a time */
			if (i + 8 <= x->len && !byte_class[x->s[i]]) i = skip_run(x, i);
			continue;
		}
		i = (k & C_TRIG) ? trigger(x, i) : token(x, i, idt__sx_word_end(x, i));
	}
}

/* Bit k of alnum / trig tells whether byte i + k is a letter or digit / a trigger byte; bytes
 * past the end of the text are neither. */
typedef struct block {
	uint64_t alnum, trig;
} block;

static void classify(const idt__sx *x, size_t i, block *b)
{
	size_t n = x->len - i < 64 ? x->len - i : 64;
	b->alnum = b->trig = 0;
#if defined(__SSE2__)
	if (n == 64) {
		const __m128i az = _mm_set1_epi8('a' - 1), za = _mm_set1_epi8('z' + 1);
		const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1);
		const __m128i case_bit = _mm_set1_epi8(0x20);
		for (int q = 0; q < 4; q++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(x->s + i + 16 * q));
			/* bytes >= 0x80 are negative as signed and fail both ranges */
			__m128i l = _mm_or_si128(v, case_bit);
			__m128i letter =
			    _mm_and_si128(_mm_cmpgt_epi8(l, az), _mm_cmpgt_epi8(za, l));
			__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d0), _mm_cmpgt_epi8(d9, v));
			__m128i t = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('$')),
			                         _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));
			t = _mm_or_si128(t, _mm_cmpeq_epi8(v, _mm_set1_epi8('(')));
			t = _mm_or_si128(t, _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
			t = _mm_or_si128(t, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)));
			t = _mm_or_si128(t, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2)));
			t = _mm_or_si128(t, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF)));
			b->alnum |=
			    (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(letter, digit))
			    << (16 * q);
			b->trig |= (uint64_t)(uint16_t)_mm_movemask_epi8(t) << (16 * q);
		}
		return;
	}
#endif
	for (size_t k = 0; k < n; k++) {
		unsigned c = byte_class[x->s[i + k]];
		if (c & (C_ALPHA | C_DIGIT)) b->alnum |= 1ULL << k;
		if (c & C_TRIG) b->trig |= 1ULL << k;
	}
}

/*
 * The block pass: classifies 64 bytes at a time (SSE2 where available), then visits only the
 * word starts and trigger bytes in them, in order, skipping words that worth() rules out
 * without looking at their bytes again.  A handler that consumes past its token restarts the
 * classification where it stopped, so the result equals idt__signals_scan_bytes().
 */
static void scan_blocks(idt__sx *x)
{
	size_t i = 0;
	while (i < x->len && !x->stopped) {
		block b;
		classify(x, i, &b);
		size_t n = x->len - i < 64 ? x->len - i : 64, resume = i + n;
		/* byte i is never inside a word: the pass resumes only after tokens */
		uint64_t starts = b.alnum & ~(b.alnum << 1), ev = starts | b.trig;
		while (ev && !x->stopped) {
			unsigned k = (unsigned)__builtin_ctzll(ev);
			size_t pos = i + k, r;
			if ((b.trig >> k) & 1) {
				r = trigger(x, pos);
				if (r ==
				    pos + 1) { /* nothing there: the next event is still valid */
					ev &= ev - 1;
					continue;
				}
			} else {
				uint64_t rest = ~(b.alnum >> k);
				size_t we = rest ? pos + (size_t)__builtin_ctzll(rest) : i + 64;
				if (we == i + 64)
					we = idt__sx_word_end(x, pos); /* runs past the block */
				if (we < i + n && !worth(x, pos, we)) {
					ev &= ev - 1;
					continue;
				}
				r = token(x, pos, we);
				if (r == we && we < i + n) {
					ev &= ev - 1;
					continue;
				}
			}
			/* consumed more (or less) than the next event: start again from r */
			resume = r;
			break;
		}
		i = resume;
	}
}

IDT_API idt_status idt_signals_extract(const char *s, size_t len, idt_signal_fn fn, void *ctx)
{
	if ((!s && len) || !fn) return IDT_EINVAL;
	idt__sx x = {(const unsigned char *)s, len, fn, ctx, 0, 0};
	scan_blocks(&x);
	return x.stopped ? IDT_STOPPED : IDT_OK;
}

/* ------------------------------------------------------------------------------------------
 * Type names
 * ------------------------------------------------------------------------------------------ */

static const char *const type_names[IDT_SIG_TYPE_COUNT] = {
    [IDT_SIG_PRICE] = "price",
    [IDT_SIG_QUANTITY] = "quantity",
    [IDT_SIG_PURITY] = "purity",
    [IDT_SIG_CONTACT] = "contact",
    [IDT_SIG_PHONE] = "phone",
    [IDT_SIG_EMAIL] = "email",
    [IDT_SIG_WALLET] = "wallet",
    [IDT_SIG_URL] = "url",
    [IDT_SIG_ONION] = "onion",
    [IDT_SIG_SHIPPING] = "shipping",
    [IDT_SIG_NO_RX] = "no-rx",
    [IDT_SIG_REQUEST] = "request",
    [IDT_SIG_INSTRUCTIONS] = "instructions",
    [IDT_SIG_WARNING] = "warning",
    [IDT_SIG_OFFER] = "offer",
    [IDT_SIG_CAS] = "cas",
};

IDT_API const char *idt_signal_type_name(idt_signal_type t)
{
	if ((unsigned)t >= IDT_SIG_TYPE_COUNT) return NULL;
	return type_names[t];
}

IDT_API idt_signal_type idt_signal_type_parse(const char *s, size_t len)
{
	if (!s) return IDT_SIG_TYPE_COUNT;
	for (int t = 0; t < IDT_SIG_TYPE_COUNT; t++)
		if (strlen(type_names[t]) == len && memcmp(type_names[t], s, len) == 0)
			return (idt_signal_type)t;
	return IDT_SIG_TYPE_COUNT;
}

idt_status idt__signals_extract_ref(const char *s, size_t len, idt_signal_fn fn, void *ctx)
{
	if ((!s && len) || !fn) return IDT_EINVAL;
	idt__sx x = {(const unsigned char *)s, len, fn, ctx, 0, 0};
	scan_bytes(&x);
	return x.stopped ? IDT_STOPPED : IDT_OK;
}
