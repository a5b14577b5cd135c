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

/* rho and pi together: following the lane that pi moves into position 1, 10, 7, 11 ... (the
 * orbit of (x, y) -> (y, 2x + 3y) from lane 1), each lane is rotated by its rho offset
 * t(t + 1)/2 (FIPS 202 section 3.2.2, algorithm 2). */
static const unsigned char pi_lane[24] = {
    10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
};
static const unsigned char rho_rot[24] = {
    1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
};

static inline uint64_t rotl(uint64_t v, unsigned n)
{
	/* every offset used is in 1..63: no shift by 64 */
	return (v << n) | (v >> (64 - n));
}

void idt__keccak_f1600(uint64_t a[25])
{
	uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, t, u;
	for (int round = 0; round < 24; round++) {
		/* theta: xor each lane with the parities of two neighbouring columns */
		c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
		c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
		c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
		c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
		c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
		d0 = c4 ^ rotl(c1, 1);
		d1 = c0 ^ rotl(c2, 1);
		d2 = c1 ^ rotl(c3, 1);
		d3 = c2 ^ rotl(c4, 1);
		d4 = c3 ^ rotl(c0, 1);
		for (int y = 0; y < 25; y += 5) {
			a[y] ^= d0;
			a[y + 1] ^= d1;
			a[y + 2] ^= d2;
			a[y + 3] ^= d3;
			a[y + 4] ^= d4;
		}
		/* rho and pi */
		t = a[1];
		for (int i = 0; i < 24; i++) {
			u = a[pi_lane[i]];
			a[pi_lane[i]] = rotl(t, rho_rot[i]);
			t = u;
		}
		/* chi: the only non-linear step, along rows */
		for (int y = 0; y < 25; y += 5) {
			c0 = a[y];
			c1 = a[y + 1];
			c2 = a[y + 2];
			c3 = a[y + 3];
			c4 = a[y + 4];
			a[y] = c0 ^ (~c1 & c2);
			a[y + 1] = c1 ^ (~c2 & c3);
			a[y + 2] = c2 ^ (~c3 & c4);
			a[y + 3] = c3 ^ (~c4 & c0);
			a[y + 4] = c4 ^ (~c0 & c1);
		}
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
