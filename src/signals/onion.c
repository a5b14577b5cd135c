/*
 * onion.c - Tor v3 onion address validation (rend-spec-v3, "Encoding onion addresses").
 *
 *   onion_address = base32(PUBKEY | CHECKSUM | VERSION) + ".onion"
 *   PUBKEY   32 bytes, the ed25519 identity key
 *   CHECKSUM  2 bytes, SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2]
 *   VERSION   1 byte, 0x03
 *
 * 35 bytes give exactly 56 base32 characters (RFC 4648 alphabet a-z 2-7; upper case is
 * accepted).  v2 addresses (16 characters, retired by Tor in 2021) carry no checksum and are
 * never valid here; the extractor reports them as URLs only.
 */
#include <string.h>
#include <strings.h>
#include "signals_int.h"

/* Value of a base32 character, -1 if outside the alphabet. */
static int b32(unsigned char c)
{
	if (c >= 'a' && c <= 'z') return c - 'a';
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= '2' && c <= '7') return c - '2' + 26;
	return -1;
}

/*
 * Returns 1 if s[0..len) is a valid v3 onion address: 56 base32 characters, optionally followed
 * by ".onion" (any case), whose version byte is 3 and whose checksum holds.  Thread-safe.
 */
IDT_API int idt_onion_valid(const char *s, size_t len)
{
	uint8_t raw[35];
	if (!s) return 0;
	if (len == 62) {
		if (strncasecmp(s + 56, ".onion", 6) != 0) return 0;
		len = 56;
	}
	if (len != 56) return 0;
	uint64_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < 56; i++) {
		int v = b32((unsigned char)s[i]);
		if (v < 0) return 0;
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* 56 * 5 = 280 bits = 35 bytes exactly: nothing is left over */
	if (raw[34] != 3) return 0;
	uint8_t buf[15 + 32 + 1], h[32];
	memcpy(buf, ".onion checksum", 15);
	memcpy(buf + 15, raw, 32);
	buf[47] = 3;
	idt__sha3_256(buf, sizeof buf, h);
	return h[0] == raw[32] && h[1] == raw[33];
}
