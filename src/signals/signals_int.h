/*
 * signals_int.h - private to src/signals: the hashes, encodings and tables the structured
 * signal extractors share.
 *
 *   keccak.c     Keccak-f[1600] and the two 256-bit sponges built on it (Keccak-256 as used
 *                by Ethereum and Monero, FIPS 202 SHA3-256 as used by Tor onion addresses);
 *   wallet.c     base58 (Bitcoin and Monero variants), base58check, bech32/bech32m segwit
 *                addresses, EIP-55, and idt_wallet_valid();
 *   onion.c      base32 and idt_onion_valid();
 *   phone.c      the country calling code table and E.164 normalisation;
 *   extract.c    the single forward pass, idt_signals_extract(), and the type names;
 *   amount.c     numbers in text: prices, quantities, purity, trade units, CAS numbers;
 *   contact.c    contact handles, phone numbers in text, e-mail, URLs and onions in text.
 *
 * Everything here is pure: no allocation, no global state, thread-safe.
 */
#ifndef IDT_SIGNALS_INT_H
#define IDT_SIGNALS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "interdict/signals.h"
#include "util/util.h"

/* ---- keccak.c ---- */

/* Keccak-256 (the pre-standard padding 0x01, as Ethereum and Monero use) of in[0..n). */
void idt__keccak256(const void *in, size_t n, uint8_t out[32]);
/* FIPS 202 SHA3-256 (domain padding 0x06) of in[0..n). */
void idt__sha3_256(const void *in, size_t n, uint8_t out[32]);
/* The permutation itself, on 25 little-endian lanes; exposed for tests. */
void idt__keccak_f1600(uint64_t st[25]);

/* ---- wallet.c ---- */

/* bech32 checksum kinds (BIP-173 and BIP-350). */
enum { IDT__BECH32_NONE = 0, IDT__BECH32 = 1, IDT__BECH32M = 2 };

/*
 * Decodes a bech32 or bech32m string s[0..len) (BIP-173 rules: at most 90 characters, printable
 * US-ASCII HRP of 1..83 characters, no mixed case, a 6-character checksum).  The lower-cased HRP
 * goes to hrp (84 bytes room, NUL-terminated), the 5-bit data without the checksum to data (90
 * room) and its length to *dlen.  Returns IDT__BECH32, IDT__BECH32M or IDT__BECH32_NONE.
 */
int idt__bech32_decode(const char *s, size_t len, char *hrp, uint8_t *data, size_t *dlen);

/*
 * Decodes a segwit address s[0..len) whose human-readable part must be `hrp` (lower case):
 * witness version to *ver (0..16), program to prog (40 bytes room), its length to *plen.
 * Enforces BIP-350 (version 0 uses bech32, others bech32m) and BIP-141 program lengths.
 * Returns true if valid.
 */
bool idt__segwit_decode(const char *hrp, const char *s, size_t len, int *ver, uint8_t *prog,
                        size_t *plen);

/*
 * Decodes Bitcoin-alphabet base58 s[0..len) into out (at most cap bytes, big-endian, leading
 * '1's becoming zero bytes).  Returns the decoded length, or 0 if a character is outside the
 * alphabet or the value does not fit.
 */
size_t idt__base58_decode(const char *s, size_t len, uint8_t *out, size_t cap);

/* ---- phone.c ---- */

/*
 * Given the digits d[0..n) of an international number (country code first, no '+'), checks
 * that it starts with a known country calling code and that the national part has a length
 * allowed for that country.  Returns the length of the country code (1..3), or 0 if invalid.
 */
int idt__phone_check(const char *d, size_t n);
/* 1 if the country table is sorted, prefix-free and its lengths sane (for the tests). */
int idt__phone_selfcheck(void);

/* ---- the extraction pass (extract.c), shared by amount.c and contact.c ---- */

/* One run of idt_signals_extract(): the text and where signals go. */
typedef struct idt__sx {
	const unsigned char *s; /* the original text, borrowed */
	size_t len;             /* its length in bytes */
	idt_signal_fn fn;       /* the caller's callback */
	void *ctx;              /* its argument */
	int stopped;            /* set once fn returned non-zero: emit nothing more */
	size_t last_end;        /* end of the last signal emitted: a span may not start before it
	                           when a handler extends it backwards over a cue word */
} idt__sx;

/* Delivers a signal of type t over s[a..b) with value v[0..vn) (truncated to 127 bytes).
 * Returns non-zero once the callback asked to stop. */
int idt__sx_emit(idt__sx *x, idt_signal_type t, size_t a, size_t b, const char *v, size_t vn);

/* idt_signals_extract() by the plain byte-at-a-time pass, which the block pass it uses must
 * equal signal for signal (the fuzz target checks this). */
idt_status idt__signals_extract_ref(const char *s, size_t len, idt_signal_fn fn, void *ctx);

/* 1 if every keyword can be found through extract.c's prefilter masks (for the tests). */
int idt__kw_selfcheck(void);

/* The byte at i, or -1 past the end: every look-around goes through this. */
static inline int idt__at(const idt__sx *x, size_t i)
{
	return i < x->len ? x->s[i] : -1;
}
static inline bool idt__digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline bool idt__alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool idt__alnum(int c)
{
	return idt__alpha(c) || idt__digit(c);
}
static inline int idt__lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}
/* True if s[i..) starts with the lower-case ASCII literal lit, ignoring ASCII case. */
bool idt__sx_prefix(const idt__sx *x, size_t i, const char *lit);
/* True if s[a..b) equals lit ignoring ASCII case. */
bool idt__sx_eq(const idt__sx *x, size_t a, size_t b, const char *lit);
/* End of the run of ASCII letters and digits starting at i. */
size_t idt__sx_word_end(const idt__sx *x, size_t i);
/* Skips at most `max` spaces or tabs (and no-break spaces) from i. */
size_t idt__sx_spaces(const idt__sx *x, size_t i, int max);

/* Word handlers: each looks at the token starting at i (whose alphanumeric run ends at we) and
 * returns the position after what it consumed and reported, or 0 if it found nothing. */
size_t idt__amount_number(idt__sx *x, size_t i, size_t we);
size_t idt__amount_symbol(idt__sx *x, size_t i);
size_t idt__amount_word(idt__sx *x, size_t i, size_t we, int kind);
size_t idt__contact_word(idt__sx *x, size_t i, size_t we, int kind);
size_t idt__contact_long(idt__sx *x, size_t i, size_t we);
size_t idt__contact_email(idt__sx *x, size_t i);
size_t idt__contact_plus(idt__sx *x, size_t i);
size_t idt__contact_paren(idt__sx *x, size_t i);
size_t idt__contact_at(idt__sx *x, size_t i);

/* Keyword kinds, found by extract.c and handled by amount.c or contact.c. */
enum idt__kw {
	IDT__KW_NONE = 0,
	/* contact.c */
	IDT__KW_TELEGRAM,
	IDT__KW_TG,
	IDT__KW_WICKR,
	IDT__KW_SIGNAL,
	IDT__KW_WHATSAPP,
	IDT__KW_THREEMA,
	IDT__KW_SNAPCHAT,
	IDT__KW_SNAP, /* "snap", "sc": need a ':' */
	IDT__KW_KIK,
	IDT__KW_DISCORD,
	IDT__KW_VIBER,
	IDT__KW_WECHAT,
	IDT__KW_ICQ,
	IDT__KW_PHONE, /* tel, phone, call, text, sms, mobile, cell */
	IDT__KW_HTTP,
	IDT__KW_WWW,
	IDT__KW_T,  /* t.me/ */
	IDT__KW_WA, /* wa.me/ */
	IDT__KW_CONTACT_LAST = IDT__KW_WA,
	/* amount.c */
	IDT__KW_CURRENCY, /* an ISO or crypto code, before an amount */
	IDT__KW_QP,
	IDT__KW_HALF,
	IDT__KW_QUARTER,
	IDT__KW_ZIP,
	IDT__KW_EIGHTBALL,
	IDT__KW_TEENTH,
	IDT__KW_PURITY, /* "purity", "pureza", ...: before a percentage */
};

/*
 * Parses a phone number at s[p..): an optional '+' or "00" international prefix, then digit
 * groups separated by single spaces, '-', '.', '/' or parentheses ("(0)" after the country code
 * is a trunk prefix and dropped).  Without the prefix the digits must still start with a country
 * code (the caller had a cue such as "whatsapp").  Takes the longest run of groups that
 * idt__phone_check() accepts.  On success the end goes to *end, "+DIGITS" to e164 (17 bytes
 * room) and true is returned.
 */
bool idt__sx_phone(const idt__sx *x, size_t p, bool need_prefix, size_t *end, char *e164);

#endif
