/*
 * wallet.c - crypto address validation: an address is a wallet only if its checksum holds.
 *
 *   format                      chain  checked
 *   1... / 3...  base58check    btc    version 0x00 / 0x05, SHA-256d checksum (libsodium)
 *   bc1...       bech32(m)      btc    BIP-173 / BIP-350 segwit rules
 *   L... / M...  base58check    ltc    version 0x30 / 0x32 (Litecoin's 3... is btc's 0x05)
 *   ltc1...      bech32(m)      ltc    as bc1
 *   T...         base58check    trx    version 0x41 (Tron, where USDT-TRC20 lives)
 *   0x + 40 hex                 eth    all-lower or all-upper: no checksum exists; mixed case:
 *                                      EIP-55 (Keccak-256 of the lower-case hex)
 *   4... / 8...  Monero base58  xmr    95 characters (standard, subaddress) or 106 (integrated);
 *                                      network byte 18, 42 or 19; Keccak-256 checksum
 *
 * Testnet addresses are decoded by idt__segwit_decode() (the BIP vectors need them) but are not
 * wallets for idt_wallet_valid().  Nothing here allocates.
 */
#include <string.h>
#include <sodium.h>
#include "signals_int.h"

/* ------------------------------------------------------------------------------------------
 * base58 and base58check
 * ------------------------------------------------------------------------------------------ */

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Value of a base58 character, -1 outside the alphabet (0 O I l are excluded). */
static int b58_val(unsigned char c)
{
	const char *p = c ? strchr(b58_alphabet, c) : NULL;
	return p ? (int)(p - b58_alphabet) : -1;
}

size_t idt__base58_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	uint8_t num[64]; /* big-endian accumulator, num[64 - used ..] */
	size_t used = 0, zeros = 0;
	if (len == 0 || len > 90 || cap > sizeof num) return 0;
	while (zeros < len && s[zeros] == '1') zeros++;
	for (size_t i = 0; i < len; i++) {
		int v = b58_val((unsigned char)s[i]);
		if (v < 0) return 0;
		unsigned carry = (unsigned)v;
		for (size_t k = 0; k < used; k++) {
			carry += 58u * num[63 - k];
			num[63 - k] = (uint8_t)carry;
			carry >>= 8;
		}
		while (carry) {
			if (used == sizeof num) return 0;
			num[63 - used++] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	if (zeros + used > cap) return 0;
	memset(out, 0, zeros);
	memcpy(out + zeros, num + 64 - used, used);
	return zeros + used;
}

/* SHA-256 of SHA-256 of p[0..n), first 4 bytes compared to sum. */
static bool sha256d_check(const uint8_t *p, size_t n, const uint8_t *sum)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	/* libsodium asks for sodium_init() before use; it is idempotent and thread-safe */
	if (sodium_init() < 0) return false;
	crypto_hash_sha256(h, p, n);
	crypto_hash_sha256(h, h, sizeof h);
	return memcmp(h, sum, 4) == 0;
}

/* Base58check with a 1-byte version and a 20-byte hash; the version goes to *version. */
static bool base58check_25(const char *s, size_t len, int *version)
{
	uint8_t raw[25];
	if (len < 26 || len > 35) return false;
	if (idt__base58_decode(s, len, raw, sizeof raw) != 25) return false;
	if (!sha256d_check(raw, 21, raw + 21)) return false;
	*version = raw[0];
	return true;
}

/* ------------------------------------------------------------------------------------------
 * bech32 and bech32m (BIP-173, BIP-350)
 * ------------------------------------------------------------------------------------------ */

static const char b32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t bech32_polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t top = chk >> 25;
	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (int i = 0; i < 5; i++)
		if ((top >> i) & 1) chk ^= gen[i];
	return chk;
}

static int b32_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
	const char *p = c ? strchr(b32_charset, c) : NULL;
	return p ? (int)(p - b32_charset) : -1;
}

int idt__bech32_decode(const char *s, size_t len, char *hrp, uint8_t *data, size_t *dlen)
{
	bool lower = false, upper = false;
	size_t sep = len;
	if (len < 8 || len > 90) return IDT__BECH32_NONE;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126) return IDT__BECH32_NONE;
		if (c >= 'a' && c <= 'z') lower = true;
		if (c >= 'A' && c <= 'Z') upper = true;
		if (c == '1') sep = i;
	}
	if (lower && upper) return IDT__BECH32_NONE;
	if (sep == len || sep < 1 || sep > 83 || sep + 7 > len) return IDT__BECH32_NONE;
	uint32_t chk = 1;
	for (size_t i = 0; i < sep; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
		hrp[i] = (char)c;
		chk = bech32_polymod_step(chk, c >> 5);
	}
	hrp[sep] = 0;
	chk = bech32_polymod_step(chk, 0);
	for (size_t i = 0; i < sep; i++) chk = bech32_polymod_step(chk, (unsigned char)hrp[i] & 31);
	size_t n = 0;
	for (size_t i = sep + 1; i < len; i++) {
		int v = b32_val((unsigned char)s[i]);
		if (v < 0) return IDT__BECH32_NONE;
		chk = bech32_polymod_step(chk, (unsigned)v);
		if (i + 6 < len) data[n++] = (uint8_t)v;
	}
	*dlen = n;
	if (chk == 1) return IDT__BECH32;
	if (chk == 0x2bc830a3) return IDT__BECH32M;
	return IDT__BECH32_NONE;
}

bool idt__segwit_decode(const char *hrp, const char *s, size_t len, int *ver, uint8_t *prog,
                        size_t *plen)
{
	char got[84];
	uint8_t data[90];
	size_t dlen = 0;
	int enc = idt__bech32_decode(s, len, got, data, &dlen);
	if (enc == IDT__BECH32_NONE || strcmp(got, hrp) != 0 || dlen < 1) return false;
	if (data[0] > 16) return false;
	if ((data[0] == 0) != (enc == IDT__BECH32)) return false;
	/* regroup 5-bit values into bytes; at most 4 bits of zero padding may remain */
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 1; i < dlen; i++) {
		acc = (acc << 5) | data[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n == 40) return false;
			prog[n++] = (uint8_t)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 4 || acc != 0) return false;
	if (n < 2 || n > 40) return false;
	if (data[0] == 0 && n != 20 && n != 32) return false;
	*ver = data[0];
	*plen = n;
	return true;
}

/* ------------------------------------------------------------------------------------------
 * Ethereum (EIP-55)
 * ------------------------------------------------------------------------------------------ */

static bool eth_valid(const char *s, size_t len)
{
	if (len != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
	char low[40];
	bool lower = false, upper = false;
	for (int i = 0; i < 40; i++) {
		char c = s[2 + i];
		if (c >= 'a' && c <= 'f')
			lower = true;
		else if (c >= 'A' && c <= 'F')
			upper = true, c = (char)(c + 32);
		else if (c < '0' || c > '9')
			return false;
		low[i] = c;
	}
	if (!(lower && upper)) return true; /* single case: no checksum to check */
	uint8_t h[32];
	idt__keccak256(low, sizeof low, h);
	for (int i = 0; i < 40; i++) {
		char c = s[2 + i];
		if (c <= '9') continue;
		unsigned nib = (i % 2) ? (h[i / 2] & 15) : (h[i / 2] >> 4);
		if ((nib >= 8) != (c >= 'A' && c <= 'F')) return false;
	}
	return true;
}

/* ------------------------------------------------------------------------------------------
 * Monero: base58 in blocks of 8 bytes <-> 11 characters, the last block shorter
 * ------------------------------------------------------------------------------------------ */

/* Decodes one block of k characters into m bytes (big-endian); false on overflow. */
static bool xmr_block(const char *s, size_t k, uint8_t *out, size_t m)
{
	unsigned __int128 v = 0;
	for (size_t i = 0; i < k; i++) {
		int d = b58_val((unsigned char)s[i]);
		if (d < 0) return false;
		v = v * 58 + (unsigned)d;
	}
	if (m < 8 && (v >> (8 * m)) != 0) return false;
	if (m == 8 && (v >> 64) != 0) return false;
	for (size_t i = 0; i < m; i++) out[m - 1 - i] = (uint8_t)(v >> (8 * i));
	return true;
}

static bool xmr_valid(const char *s, size_t len)
{
	/* encoded sizes of a final block of 0..8 bytes */
	static const int enc_size[9] = {0, 2, 3, 5, 6, 7, 9, 10, 11};
	uint8_t raw[80];
	size_t n = 0;
	if (len != 95 && len != 106) return false;
	size_t full = len / 11, rest = len % 11;
	for (size_t b = 0; b < full; b++, n += 8)
		if (!xmr_block(s + 11 * b, 11, raw + n, 8)) return false;
	int m = -1;
	for (int i = 0; i < 9; i++)
		if (enc_size[i] == (int)rest) m = i;
	if (m < 0 || !xmr_block(s + 11 * full, rest, raw + n, (size_t)m)) return false;
	n += (size_t)m;
	/* 95 chars: 69 bytes = net + spend + view + sum; 106: 77 with an 8-byte payment id */
	if (!((len == 95 && n == 69 && (raw[0] == 18 || raw[0] == 42)) ||
	      (len == 106 && n == 77 && raw[0] == 19)))
		return false;
	uint8_t h[32];
	idt__keccak256(raw, n - 4, h);
	return memcmp(h, raw + n - 4, 4) == 0;
}

/* ------------------------------------------------------------------------------------------
 * The public validator
 * ------------------------------------------------------------------------------------------ */

static bool has_prefix_ci(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);
	if (len < n) return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
		if (c != p[i]) return false;
	}
	return true;
}

/*
 * Returns 1 if s[0..len) is, exactly, a checksum-valid mainnet address of one of the chains
 * above, its chain name ("btc", "ltc", "eth", "xmr", "trx"; static) going to *chain; 0 otherwise.
 * Thread-safe; allocates nothing.
 */
IDT_API int idt_wallet_valid(const char *s, size_t len, const char **chain)
{
	const char *c = NULL;
	int ver;
	uint8_t prog[40];
	size_t plen;
	if (!s) return 0;
	if (len == 42 && s[0] == '0') {
		if (eth_valid(s, len)) c = "eth";
	} else if (has_prefix_ci(s, len, "bc1")) {
		if (idt__segwit_decode("bc", s, len, &ver, prog, &plen)) c = "btc";
	} else if (has_prefix_ci(s, len, "ltc1")) {
		if (idt__segwit_decode("ltc", s, len, &ver, prog, &plen)) c = "ltc";
	} else if ((len == 95 || len == 106) && (s[0] == '4' || s[0] == '8')) {
		if (xmr_valid(s, len)) c = "xmr";
	} else if (len >= 26 && len <= 35 && memchr("13LMT", s[0], 5) &&
	           base58check_25(s, len, &ver)) {
		if (ver == 0x00 && s[0] == '1')
			c = "btc";
		else if (ver == 0x05 && s[0] == '3')
			c = "btc";
		else if ((ver == 0x30 && s[0] == 'L') || (ver == 0x32 && s[0] == 'M'))
			c = "ltc";
		else if (ver == 0x41 && s[0] == 'T' && len == 34)
			c = "trx";
	}
	if (chain) *chain = c;
	return c != NULL;
}
