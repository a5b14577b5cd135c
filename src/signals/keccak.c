/*
 * keccak.c - Keccak-f[1600] and the 256-bit sponges on top of it, written from FIPS 202.
 *
 * The state is 25 lanes of 64 bits, lane (x, y) at index x + 5y, bytes loaded little-endian.
 * Both hashes absorb with a rate of 136 bytes (capacity 512 bits) and squeeze 32 bytes; they
 * differ only in the first padding byte: Keccak-256 (the submission Ethereum and Monero
 * adopted before standardisation) pads with 0x01, SHA3-256 appends the domain bits 01 and pads
 * with 0x06.  Both end the block with 0x80.  libsodium has no Keccak, hence this file.
 */
#include <string.h>
#include "signals_int.h"

/* Round constants RC[i] of the iota step (FIPS 202 section 3.2.5, rc(t) from the LFSR). */
static const uint64_t round_const[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets of the rho step, by lane index x + 5y (FIPS 202 table 2). */
static const unsigned rho_off[25] = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

static inline uint64_t rotl(uint64_t v, unsigned n)
{
	/* n == 0 would shift by 64, which is undefined */
	return n ? (v << n) | (v >> (64 - n)) : v;
}

void idt__keccak_f1600(uint64_t a[25])
{
	uint64_t b[25], c[5], d[5];
	for (int round = 0; round < 24; round++) {
		/* theta: xor each lane with the parities of two neighbouring columns */
		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
		for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
		/* rho and pi: rotate lane (x, y) and move it to (y, 2x + 3y) */
		for (int x = 0; x < 5; x++)
			for (int y = 0; y < 5; y++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] =
				    rotl(a[x + 5 * y], rho_off[x + 5 * y]);
		/* chi: the only non-linear step, along rows */
		for (int y = 0; y < 25; y += 5)
			for (int x = 0; x < 5; x++)
				a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
		/* iota */
		a[0] ^= round_const[round];
	}
}

/* Xors `n` (<= 136) bytes into the state, little-endian lanes. */
static void absorb(uint64_t st[25], const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) st[i / 8] ^= (uint64_t)p[i] << (8 * (i % 8));
}

/* The sponge with rate 136 and output 32 bytes; `pad` is the first padding byte. */
static void sponge256(const void *in, size_t n, uint8_t pad, uint8_t out[32])
{
	enum { RATE = 136 };
	uint64_t st[25] = {0};
	const uint8_t *p = in;
	while (n >= RATE) {
		absorb(st, p, RATE);
		idt__keccak_f1600(st);
		p += RATE;
		n -= RATE;
	}
	uint8_t last[RATE];
	memset(last, 0, sizeof last);
	if (n) memcpy(last, p, n);
	last[n] ^= pad;
	last[RATE - 1] ^= 0x80;
	absorb(st, last, RATE);
	idt__keccak_f1600(st);
	for (int i = 0; i < 32; i++) out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}

void idt__keccak256(const void *in, size_t n, uint8_t out[32])
{
	sponge256(in, n, 0x01, out);
}

void idt__sha3_256(const void *in, size_t n, uint8_t out[32])
{
	sponge256(in, n, 0x06, out);
}
