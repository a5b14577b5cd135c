/*
 * read_jsonl.c - JSON Lines (one JSON object per line, of which only the requested text fields
 * and the id field are extracted) and plain text (one record per line).  This is the hot path
 * of `interdict scan`.
 *
 * Instead of building a document, one pass over each line validates the whole line as JSON and
 * notes where the values of the wanted top-level keys lie; only those values are then decoded.
 * The validator accepts exactly what jansson's json_loads() accepts (tested differentially in
 * tests/unit/ingest/jsonl_diff.c and fuzz/fuzz_read_jsonl.c):
 *
 *   - RFC 8259 grammar; white space is space, tab, CR and LF;
 *   - strings: valid UTF-8 only (no overlongs, no encoded surrogates, nothing above U+10FFFF),
 *     no raw control characters, escapes \" \\ \/ \b \f \n \r \t \uXXXX, a high surrogate
 *     escape must be followed by a low one, lone low surrogates and \u0000 are rejected;
 *   - integers (no fraction or exponent) must fit a signed 64-bit integer, and reals must not
 *     overflow a double (jansson's "too big integer" and "real number overflow");
 *   - values nest at most 2048 deep (jansson's JSON_PARSER_MAX_DEPTH), the top-level object
 *     counting as 1;
 *   - duplicate keys are allowed and the last occurrence wins.
 * For a record the top-level value must also be an object.
 *
 * How a line becomes a record:
 *
 *   line content                         record
 *   ------------------------------------ -----------------------------------------------------
 *   empty or white space only            skipped silently (not a record)
 *   a UTF-8 BOM before line 1            ignored
 *   trailing CR (CRLF line ends)         ignored
 *   text field is a string               field text = the decoded string (UTF-8)
 *   text field is a number               field text = the number as written ("42", "1e3")
 *   text field is null/true/false/[]/{}  the field is absent from the record
 *   none of the text fields present      IDT_EPARSE "no text field"; line skipped
 *   id field present                     id_json = its raw JSON text verbatim ("\"a1\"", 42)
 *   id field absent                      id_json = NULL
 *   invalid JSON, NUL byte               IDT_EPARSE with the offset of the first bad byte
 *   longer than max_record               IDT_ELIMIT; the line is skipped without buffering it
 *
 * Fields come in the order of opts->text_fields (absent ones left out).  A string without
 * escapes is returned in place (pointing into the input buffer); one with escapes is decoded
 * into the reader's per-record buffer, never longer than the line.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "ingest_int.h"

#define JSON_MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */
#define MAX_KEYS       64   /* requested keys (text fields + id): one bit each */

/* ======================================================================================
 * Low level: lexing strings and numbers
 * ====================================================================================== */

static inline int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *e)
{
	while (p < e && is_ws(*p)) p++;
	return p;
}

static inline int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* The value of 4 hex digits at p (p + 4 <= e checked by the caller), or -1. */
static inline long hex4(const unsigned char *p)
{
	int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), d = hexval(p[3]);
	if ((a | b | c | d) < 0) return -1;
	return (long)((a << 12) | (b << 8) | (c << 4) | d);
}

/* Length of the valid UTF-8 sequence at p (2..4) or 0; p[0] >= 0x80. */
static inline size_t utf8_len(const unsigned char *p, const unsigned char *e)
{
	unsigned char c = p[0];
	size_t avail = (size_t)(e - p);
	if (c >= 0xC2 && c <= 0xDF) return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
		if (c == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
		if (c == 0xED && p[1] > 0x9F) return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90) return 0; /* overlong */
		if (c == 0xF4 && p[1] > 0x8F) return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

#if !defined(__SSE2__)
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* A word with the high bit set in (at least) the lowest byte of w that is '"', '\\', below
 * 0x20 or above 0x7F.  Bits above the lowest true hit may be false hits (borrows), which is
 * why only the lowest one is used. */
static inline uint64_t special_bytes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
	uint64_t lt = (w - ONES * 0x20) & ~w;
	uint64_t zq = (q - ONES) & ~q, zb = (b - ONES) & ~b;
	return (lt | zq | zb | w) & HIGHS;
}
#endif

/*
 * Scans a string whose opening quote is just before p.  Returns the byte after the closing
 * quote, or NULL with *bad (the offending byte) and *msg set.  *esc is set if the string holds
 * a backslash escape.
 */
static inline __attribute__((always_inline)) const unsigned char *
scan_string_impl(const unsigned char *p, const unsigned char *e, int *esc,
                 const unsigned char **bad, const char **msg, const int utf8_ok)
{
	for (;;) {
#if defined(__SSE2__)
		const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
		const __m128i sp = _mm_set1_epi8(0x20), c1f = _mm_set1_epi8(0x1F);
		while (e - p >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
			/* quote, backslash, and: bytes below 0x20, or (UTF-8 not yet validated)
			 * 0x80..0xFF too, which a signed compare gives as negative */
			__m128i ctl = utf8_ok ? _mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x)
			                      : _mm_cmplt_epi8(x, sp);
			__m128i m = _mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)), ctl);
			unsigned mask = (unsigned)_mm_movemask_epi8(m);
			if (mask) {
				p += __builtin_ctz(mask);
				break;
			}
			p += 16;
		}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		while (e - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			uint64_t m = special_bytes(w);
			if (m) {
				p += __builtin_ctzll(m) >> 3;
				break;
			}
			p += 8;
		}
#endif
		if (p >= e) {
			*bad = e;
			*msg = "unterminated string";
			return NULL;
		}
		unsigned char c = *p;
		if (c == '"') return p + 1;
		if (c >= 0x80 && utf8_ok) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			/* a run of non-ASCII characters (Cyrillic, CJK words) without leaving */
			do {
				/* common 2- and 3-byte forms first; utf8_len() for the rest */
				if (e - p >= 3 && (p[1] & 0xC0) == 0x80) {
					if (*p >= 0xC2 && *p <= 0xDF) {
						p += 2;
						continue;
					}
					if (*p >= 0xE1 && *p <= 0xEC && (p[2] & 0xC0) == 0x80) {
						p += 3;
						continue;
					}
				}
				size_t k = utf8_len(p, e);
				if (!k) {
					*bad = p;
					*msg = "invalid UTF-8";
					return NULL;
				}
				p += k;
			} while (p < e && *p >= 0x80);
			continue;
		}
		if (c < 0x20) {
			*bad = p;
			*msg = c ? "control character in string" : "NUL byte";
			return NULL;
		}
		if (c != '\\') {
			p++;
			continue;
		}
		/* an escape */
		*esc = 1;
		*bad = p;
		if (e - p < 2) {
			*msg = "unterminated string";
			return NULL;
		}
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't': p += 2; continue;
		case 'u': break;
		default: *msg = "invalid escape"; return NULL;
		}
		long v = e - p >= 6 ? hex4(p + 2) : -1;
		if (v < 0) {
			*msg = "invalid escape";
			return NULL;
		}
		if (v >= 0xD800 && v <= 0xDBFF) {
			long v2 = e - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8) : -1;
			if (v2 < 0xDC00 || v2 > 0xDFFF) {
				*msg = "unpaired surrogate escape";
				return NULL;
			}
			p += 12;
		} else if (v >= 0xDC00 && v <= 0xDFFF) {
			*msg = "unpaired surrogate escape";
			return NULL;
		} else if (v == 0) {
			*msg = "\\u0000 in string";
			return NULL;
		} else {
			p += 6;
		}
	}
}

/* The string scanner for lines whose UTF-8 is not (yet) known to be valid. */
static const unsigned char *scan_string(const unsigned char *p, const unsigned char *e, int *esc,
                                        const unsigned char **bad, const char **msg)
{
	return scan_string_impl(p, e, esc, bad, msg, 0);
}

/* The string scanner for lines already validated as UTF-8 (utf8_valid()). */
static const unsigned char *scan_string_valid(const unsigned char *p, const unsigned char *e,
                                              int *esc, const unsigned char **bad, const char **msg)
{
	return scan_string_impl(p, e, esc, bad, msg, 1);
}

/* ======================================================================================
 * UTF-8 validation of a whole line, 16 bytes at a time (SSSE3)
 *
 * The lookup algorithm of Keiser and Lemire ("Validating UTF-8 in less than one instruction
 * per byte", 2021): three 16-entry tables indexed by the high nibble of the previous byte, its
 * low nibble and the high nibble of the current byte flag every invalid two-byte pattern; the
 * bytes that must be the 2nd/3rd continuation of a 3- or 4-byte sequence are checked apart.
 * Same acceptance as utf8_len(): no overlongs, surrogates or code points above U+10FFFF.
 * ====================================================================================== */

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#define HAVE_UTF8_SSSE3 1

enum {
	TOO_SHORT = 1 << 0,
	TOO_LONG = 1 << 1,
	OVERLONG_3 = 1 << 2,
	TOO_LARGE = 1 << 3,
	SURROGATE = 1 << 4,
	OVERLONG_2 = 1 << 5,
	TOO_LARGE_1000 = 1 << 6,
	OVERLONG_4 = 1 << 6,
	TWO_CONTS = -128, /* bit 7, written so that it fits a (signed) char */
	CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

__attribute__((target("ssse3"))) static inline __m128i hi_nibble(__m128i x)
{
	return _mm_and_si128(_mm_srli_epi16(x, 4), _mm_set1_epi8(0x0F));
}

/* The error bits of block `in` after block `prev`. */
__attribute__((target("ssse3"))) static inline __m128i utf8_block(__m128i in, __m128i prev)
{
	const __m128i t1h =
	    _mm_setr_epi8(TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
	                  TOO_LONG, TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
	                  TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,
	                  TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
	const __m128i t1l = _mm_setr_epi8(
	    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY,
	    CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
	    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000);
	const __m128i t2h = _mm_setr_epi8(
	    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, TOO_SHORT, TOO_SHORT,
	    TOO_SHORT, TOO_SHORT);
	__m128i prev1 = _mm_alignr_epi8(in, prev, 15);
	__m128i sc = _mm_and_si128(
	    _mm_and_si128(_mm_shuffle_epi8(t1h, hi_nibble(prev1)),
	                  _mm_shuffle_epi8(t1l, _mm_and_si128(prev1, _mm_set1_epi8(0x0F)))),
	    _mm_shuffle_epi8(t2h, hi_nibble(in)));
	__m128i prev2 = _mm_alignr_epi8(in, prev, 14);
	__m128i prev3 = _mm_alignr_epi8(in, prev, 13);
	__m128i third = _mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80)));
	__m128i fourth = _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80)));
	__m128i must23 = _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8((char)0x80));
	return _mm_xor_si128(must23, sc);
}

/* Bytes of `in` that would leave a sequence unfinished if the input ended after it. */
__attribute__((target("ssse3"))) static inline __m128i utf8_incomplete(__m128i in)
{
	const __m128i max = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	                                  (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
	return _mm_subs_epu8(in, max);
}

__attribute__((target("ssse3"))) static int utf8_valid_ssse3(const unsigned char *s, size_t n)
{
	__m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128(), inc = _mm_setzero_si128();
	size_t i = 0;
	/* an ASCII prefix, 64 bytes at a time (most listings are ASCII all through) */
	while (i + 64 <= n) {
		const __m128i *q = (const __m128i *)(const void *)(s + i);
		__m128i any =
		    _mm_or_si128(_mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
		                 _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
		if (_mm_movemask_epi8(any)) break;
		i += 64;
	}
	if (i) prev = _mm_loadu_si128((const __m128i *)(const void *)(s + i - 16));
	for (;; i += 16) {
		__m128i in;
		if (i + 16 <= n) {
			in = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		} else {
			unsigned char tail[16] = {0}; /* padded with ASCII NULs */
			if (i < n) memcpy(tail, s + i, n - i);
			in = _mm_loadu_si128((const __m128i *)(const void *)tail);
		}
		if (_mm_movemask_epi8(in) == 0) {
			err = _mm_or_si128(err, inc); /* ASCII: a sequence left open is an error */
		} else {
			err = _mm_or_si128(err, utf8_block(in, prev));
			inc = utf8_incomplete(in);
		}
		if (_mm_movemask_epi8(in) == 0) inc = _mm_setzero_si128();
		prev = in;
		if (i + 16 >= n) break;
	}
	err = _mm_or_si128(err, inc);
	return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) == 0xFFFF;
}
#endif

/* 1 if s[0..n) is known to be valid UTF-8; 0 if invalid or not checked here (the caller then
 * validates character by character). */
static int utf8_valid(const unsigned char *s, size_t n);

int idt__json_utf8_valid(const char *s, size_t n)
{
	return utf8_valid((const unsigned char *)s, n);
}

static int utf8_valid(const unsigned char *s, size_t n)
{
#ifdef HAVE_UTF8_SSSE3
	if (__builtin_cpu_supports("ssse3")) return utf8_valid_ssse3(s, n);
#endif
	(void)s;
	(void)n;
	return 0;
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* strtod() in the C locale, as jansson (which converts to the locale's decimal point). */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* 1 if the real s[0..n) overflows a double (strtod gives +-HUGE_VAL with ERANGE), -1 if that
 * could not be decided (no memory). */
static int real_overflows(const unsigned char *s, size_t n)
{
	char small[512];
	char *t = n < sizeof small ? small : malloc(n + 1);
	if (!t) return -1;
	memcpy(t, s, n);
	t[n] = 0;
	pthread_once(&c_locale_once, c_locale_init);
	errno = 0;
	double d = c_locale ? strtod_l(t, NULL, c_locale) : strtod(t, NULL);
	int over = (d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE;
	if (t != small) free(t);
	return over;
}

/* Scans a number starting at p.  Returns its end, or NULL with *bad / *msg. */
static const unsigned char *scan_number(const unsigned char *p, const unsigned char *e,
                                        const unsigned char **bad, const char **msg)
{
	const unsigned char *start = p;
	int neg = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	const unsigned char *ds = p;
	*msg = "invalid number";
	if (p < e && *p == '0') {
		p++;
		if (p < e && is_digit(*p)) {
			*bad = p;
			return NULL;
		}
	} else if (p < e && is_digit(*p)) {
		while (p < e && is_digit(*p)) p++;
	} else {
		*bad = p;
		return NULL;
	}
	size_t nint = (size_t)(p - ds);
	if (p == e || (*p != '.' && *p != 'e' && *p != 'E')) {
		/* an integer: must fit int64_t */
		static const char maxpos[] = "9223372036854775807",
		                  maxneg[] = "9223372036854775808";
		if (nint > 19 || (nint == 19 && memcmp(ds, neg ? maxneg : maxpos, 19) > 0)) {
			*bad = start;
			*msg = "integer too big";
			return NULL;
		}
		return p;
	}
	/* magnitude estimate: the value is below 10^mag */
	int64_t mag = *ds == '0' ? 0 : (int64_t)(nint > 100000 ? 100000 : nint);
	if (*p == '.') {
		p++;
		if (p >= e || !is_digit(*p)) {
			*bad = p;
			return NULL;
		}
		const unsigned char *fs = p;
		while (p < e && is_digit(*p)) p++;
		if (*ds == '0') {
			const unsigned char *q = fs;
			while (q < p && *q == '0') q++;
			mag = -(int64_t)((q - fs) > 100000 ? 100000 : (q - fs));
		}
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		int eneg = 0;
		if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
		if (p >= e || !is_digit(*p)) {
			*bad = p;
			return NULL;
		}
		int64_t ex = 0;
		while (p < e && is_digit(*p)) {
			if (ex < 1000000) ex = ex * 10 + (*p - '0');
			p++;
		}
		mag += eneg ? -ex : ex;
	}
	if (mag > 300) {
		int o = real_overflows(start, (size_t)(p - start));
		if (o) {
			*bad = start;
			*msg = o > 0 ? "real number overflow" : "out of memory";
			return NULL;
		}
	}
	return p;
}

/* ======================================================================================
 * The line validator and extractor
 * ====================================================================================== */

/* Decodes the validated string body s[0..n) into out (room for n bytes); returns its length. */
static size_t unescape(const unsigned char *s, size_t n, char *out)
{
	const unsigned char *e = s + n;
	char *o = out;
	while (s < e) {
		const unsigned char *bs = memchr(s, '\\', (size_t)(e - s));
		if (!bs) {
			memcpy(o, s, (size_t)(e - s));
			o += e - s;
			break;
		}
		memcpy(o, s, (size_t)(bs - s));
		o += bs - s;
		s = bs + 2;
		switch (bs[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			uint32_t v = (uint32_t)hex4(s);
			s += 4;
			if (v >= 0xD800 && v <= 0xDBFF) {
				uint32_t lo = (uint32_t)hex4(s + 2);
				s += 6;
				v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
			}
			o += idt__utf8_encode(v, o);
			break;
		}
		default: *o++ = (char)bs[1]; /* " \ / */
		}
	}
	return (size_t)(o - out);
}

size_t idt__json_unescape(const idt__json_span *sp, char *out)
{
	return unescape((const unsigned char *)sp->p + 1, sp->n - 2, out);
}

/* The bit set of requested keys equal to the key k[0..n) (raw, escaped if esc). */
static uint64_t match_key(const unsigned char *k, size_t n, int esc, const char *const *keys,
                          const size_t *key_lens, size_t nkeys)
{
	char tmp[1024];
	if (esc) {
		if (n > sizeof tmp) return 0; /* no field name is that long */
		n = unescape(k, n, tmp);
		k = (const unsigned char *)tmp;
	}
	uint64_t m = 0;
	for (size_t i = 0; i < nkeys; i++)
		if (key_lens[i] == n && memcmp(keys[i], k, n) == 0) m |= (uint64_t)1 << i;
	return m;
}

idt_status idt__json_line(const char *s, size_t n, const char *const *keys, const size_t *key_lens,
                          size_t nkeys, idt__json_span *vals, const char **err_msg, size_t *err_off)
{
	const unsigned char *b = (const unsigned char *)s, *p = b, *e = b + n, *bad = NULL;
	const unsigned char *vstart = NULL;
	unsigned char stack[JSON_MAX_DEPTH];
	size_t depth = 0;
	uint64_t match = 0;
	int esc = 0;
	const char *msg = NULL;

	if (nkeys > MAX_KEYS) nkeys = MAX_KEYS;
	for (size_t i = 0; i < nkeys; i++) vals[i] = (idt__json_span){NULL, 0, 0};
	/* valid UTF-8 checked for the whole line at once, when the CPU can: then the string scan
	 * need not decode characters (jansson checks every byte too, so acceptance is the same;
	 * an invalid line is scanned character by character to find its first error) */
	const int ok8 = utf8_valid(b, n);
	p = skip_ws(p, e);
	if (p == e || *p != '{') {
		msg = p == e ? "empty line" : "not a JSON object";
		goto fail;
	}

value:
	/* a value at nesting level depth + 1 */
	if (depth >= JSON_MAX_DEPTH) {
		msg = "nesting too deep";
		goto fail;
	}
	if (p >= e) {
		msg = "unexpected end of line";
		goto fail;
	}
	esc = 0;
	switch (*p) {
	case '{':
		stack[depth++] = '{';
		p = skip_ws(p + 1, e);
		if (p < e && *p == '}') {
			p++;
			depth--;
			goto after;
		}
		goto key;
	case '[':
		stack[depth++] = '[';
		p = skip_ws(p + 1, e);
		if (p < e && *p == ']') {
			p++;
			depth--;
			goto after;
		}
		goto value;
	case '"':
		p = ok8 ? scan_string_valid(p + 1, e, &esc, &bad, &msg)
		        : scan_string(p + 1, e, &esc, &bad, &msg);
		if (!p) goto fail_at;
		goto after;
	case 't':
		if (e - p < 4 || memcmp(p, "true", 4) != 0) goto bad_token;
		p += 4;
		goto after;
	case 'f':
		if (e - p < 5 || memcmp(p, "false", 5) != 0) goto bad_token;
		p += 5;
		goto after;
	case 'n':
		if (e - p < 4 || memcmp(p, "null", 4) != 0) goto bad_token;
		p += 4;
		goto after;
	default:
		if (*p != '-' && !is_digit(*p)) goto bad_token;
		p = scan_number(p, e, &bad, &msg);
		if (!p) goto fail_at;
		goto after;
	}

after:
	/* a value just ended at p */
	if (depth == 1 && match) {
		for (size_t i = 0; i < nkeys; i++)
			if (match >> i & 1)
				vals[i] =
				    (idt__json_span){(const char *)vstart, (size_t)(p - vstart),
				                     *vstart == '"' && esc};
		match = 0;
	}
	p = skip_ws(p, e);
	if (depth == 0) {
		if (p != e) {
			msg = "text after the object";
			goto fail;
		}
		return IDT_OK;
	}
	if (p >= e) {
		msg = "unexpected end of line";
		goto fail;
	}
	if (*p == ',') {
		p = skip_ws(p + 1, e);
		if (stack[depth - 1] == '{') goto key;
		goto value;
	}
	if (*p == stack[depth - 1] + 2) { /* '{' + 2 == '}', '[' + 2 == ']' */
		p++;
		depth--;
		goto after;
	}
	msg = stack[depth - 1] == '{' ? "expected ',' or '}'" : "expected ',' or ']'";
	goto fail;

key:
	if (p >= e || *p != '"') {
		msg = "expected a string key";
		goto fail;
	}
	{
		const unsigned char *ks = p + 1;
		int kesc = 0;
		p = ok8 ? scan_string_valid(ks, e, &kesc, &bad, &msg)
		        : scan_string(ks, e, &kesc, &bad, &msg);
		if (!p) goto fail_at;
		if (depth == 1 && nkeys)
			match = match_key(ks, (size_t)(p - 1 - ks), kesc, keys, key_lens, nkeys);
	}
	p = skip_ws(p, e);
	if (p >= e || *p != ':') {
		msg = "expected ':'";
		goto fail;
	}
	p = skip_ws(p + 1, e);
	if (depth == 1) vstart = p;
	goto value;

bad_token:
	msg = *p ? "invalid token" : "NUL byte";
fail:
	bad = p;
fail_at:
	*err_msg = msg;
	*err_off = (size_t)(bad - b);
	return IDT_EPARSE;
}

/* ======================================================================================
 * The reader
 * ====================================================================================== */

typedef struct jsonl_state {
	const char **keys; /* the text field names, then the id field name (borrowed from r) */
	size_t *lens;
	size_t nkeys;
	idt__json_span *vals;
} jsonl_state;

static void jsonl_free(idt_reader *r)
{
	jsonl_state *st = r->state;
	if (!st) return;
	free(st->keys);
	free(st->lens);
	free(st->vals);
	free(st);
	r->state = NULL;
}

static idt_status jsonl_init(idt_reader *r, idt_error *err)
{
	if (r->ntext + 1 > MAX_KEYS)
		return idt__rerr(r, err, IDT_EINVAL, "too many text fields", 0, 0);
	jsonl_state *st = calloc(1, sizeof *st);
	if (!st) return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	r->state = st;
	st->nkeys = r->ntext + 1;
	st->keys = calloc(st->nkeys, sizeof *st->keys);
	st->lens = calloc(st->nkeys, sizeof *st->lens);
	st->vals = calloc(st->nkeys, sizeof *st->vals);
	if (!st->keys || !st->lens || !st->vals)
		return idt__rerr(r, err, IDT_ENOMEM, "out of memory", 0, 0);
	for (size_t i = 0; i < r->ntext; i++) {
		st->keys[i] = r->text_names[i];
		st->lens[i] = r->text_lens[i];
	}
	st->keys[r->ntext] = r->id_name;
	st->lens[r->ntext] = r->id_len;
	return IDT_OK;
}

/*
 * Reads the next line of r's input, skipping empty ones, with CR and a leading BOM removed.
 * IDT_OK with the line, its length and offset; IDT_ELIMIT (reported in err) for an over-long line;
 * IDT_END.
 */
idt_status idt__next_line(idt_reader *r, const char **line, size_t *len, uint64_t *off,
                          idt_error *err)
{
	for (;;) {
		idt_status st = idt__in_line(&r->in, r->max_record, line, len, off);
		if (st == IDT_END) return st;
		if (st == IDT_EIO || st == IDT_ENOMEM)
			return idt__rerr(r, err, st, "read failed", r->line,
			                 idt__in_offset(&r->in));
		r->line++;
		if (st == IDT_ELIMIT)
			return idt__rerr(r, err, st, "line longer than the record limit", r->line,
			                 *off);
		if (r->line == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
			*line += 3;
			*len -= 3;
			*off += 3;
		}
		if (*len && (*line)[*len - 1] == '\r') (*len)--;
		size_t i = 0;
		while (i < *len && is_ws((unsigned char)(*line)[i])) i++;
		if (i < *len) return IDT_OK;
	}
}

static idt_status jsonl_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	jsonl_state *js = r->state;
	const char *line;
	size_t len;
	uint64_t off;
	idt_status st = idt__next_line(r, &line, &len, &off, err);
	if (st) return st;

	const char *msg;
	size_t eoff;
	if (idt__json_line(line, len, js->keys, js->lens, js->nkeys, js->vals, &msg, &eoff))
		return idt__rerr(r, err, IDT_EPARSE, msg, r->line, off + eoff);

	r->text.len = 0;
	if (idt__buf_reserve(&r->text, len))
		return idt__rerr(r, err, IDT_ENOMEM, "out of memory", r->line, off);
	idt__rec_init(r, rec);
	size_t nf = 0;
	for (size_t i = 0; i < r->ntext; i++) {
		const idt__json_span *sp = &js->vals[i];
		if (!sp->p) continue;
		const char *t;
		size_t tn;
		if (*sp->p == '"') {
			if (sp->has_escape) {
				t = r->text.data + r->text.len;
				tn = idt__json_unescape(sp, r->text.data + r->text.len);
				r->text.len += tn;
			} else {
				t = sp->p + 1;
				tn = sp->n - 2;
			}
		} else if (*sp->p == '-' || is_digit((unsigned char)*sp->p)) {
			t = sp->p;
			tn = sp->n;
		} else {
			continue; /* null, true, false, array, object: absent */
		}
		r->fields[nf++] = (idt_field){r->text_names[i], r->text_lens[i], t, tn};
	}
	if (nf == 0) return idt__rerr(r, err, IDT_EPARSE, "no text field", r->line, off);
	const idt__json_span *id = &js->vals[r->ntext];
	rec->id_json = id->p;
	rec->id_len = id->p ? id->n : 0;
	rec->fields = r->fields;
	rec->nfields = nf;
	rec->prov.line = r->line;
	rec->prov.offset = off;
	return IDT_OK;
}

const idt__fmt_ops idt__jsonl_ops = {jsonl_init, jsonl_next, jsonl_free};

/* ----- plain text: a record per line ----- */

static idt_status text_next(idt_reader *r, idt_record *rec, idt_error *err)
{
	const char *line;
	size_t len;
	uint64_t off;
	idt_status st = idt__next_line(r, &line, &len, &off, err);
	if (st) return st;
	const char *nul = memchr(line, 0, len);
	if (nul) return idt__rerr(r, err, IDT_EPARSE, "NUL byte", r->line, off + (nul - line));
	idt__rec_init(r, rec);
	int n = snprintf(r->idbuf, sizeof r->idbuf, "%llu", (unsigned long long)r->line);
	rec->id_json = r->idbuf;
	rec->id_len = (size_t)n;
	r->fields[0] = (idt_field){"text", 4, line, len};
	rec->fields = r->fields;
	rec->nfields = 1;
	rec->prov.line = r->line;
	rec->prov.offset = off;
	return IDT_OK;
}

const idt__fmt_ops idt__text_ops = {NULL, text_next, NULL};
