/*
 * fuzz_signals.c - libFuzzer target for the structured-signal extractor and the validators.
 *
 * The input is run through idt_signals_extract() whole, and the invariants of its output are
 * checked (a violation aborts): spans lie inside the input and are not empty, starts never
 * decrease, spans of one type never overlap, values are NUL-terminated and non-empty, every
 * wallet's span passes idt_wallet_valid() and every onion's span idt_onion_valid().  The block pass
 * must report exactly what the plain byte-at-a-time reference pass reports.  A callback that stops
 * after the first signal must make the call return IDT_STOPPED.  The validators and the type-name
 * parser are also fed the input whole; and a short input patches a valid address, which the
 * extractor must report exactly when the validators accept it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <interdict.h>
#include "../src/signals/signals_int.h"

typedef struct state {
	size_t size, last_start, n;
	const char *data;
	idt_signal got[64]; /* the first signals, for the comparison with the reference */
	size_t type_end[IDT_SIG_TYPE_COUNT]; /* end of the last span of each type */
} state;

static int check(void *ctx, const idt_signal *s)
{
	state *st = ctx;
	if (s->start >= s->end || s->end > st->size) abort();
	if (st->n && s->start < st->last_start) abort();
	if ((unsigned)s->type >= IDT_SIG_TYPE_COUNT || !idt_signal_type_name(s->type)) abort();
	if (!memchr(s->value, 0, sizeof s->value) || !s->value[0]) abort();
	if (s->type == IDT_SIG_WALLET &&
	    !idt_wallet_valid(st->data + s->start, s->end - s->start, NULL))
		abort();
	if (s->type == IDT_SIG_ONION && !idt_onion_valid(st->data + s->start, s->end - s->start))
		abort();
	if (s->start < st->type_end[s->type]) abort(); /* same-type spans never overlap */
	st->type_end[s->type] = s->end;
	st->last_start = s->start;
	if (st->n < 64) st->got[st->n] = *s;
	st->n++;
	return 0;
}

typedef struct ref {
	const state *st;
	size_t n;
} ref;

static int compare(void *ctx, const idt_signal *s)
{
	ref *r = ctx;
	if (r->n >= r->st->n) abort();
	if (r->n < 64) {
		const idt_signal *g = &r->st->got[r->n];
		if (g->type != s->type || g->start != s->start || g->end != s->end ||
		    strcmp(g->value, s->value) != 0)
			abort();
	}
	r->n++;
	return 0;
}

static int stop(void *ctx, const idt_signal *s)
{
	(void)s;
	(*(size_t *)ctx)++;
	return 1;
}

/* Valid addresses for the validators' mode: the fuzzer's bytes patch one of them, so that the
 * checksum code runs on near-valid input, which random bytes almost never reach. */
static const char *const seeds[] = {
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3"
    "A",
    "4BUqMSeJfNQGudzEJNvzQ2LXh4tbUdW4YCM7mq55edxBT7t1297vwCMZSnJwGvEKEKbH8hGmhZZAGhdHbp2te6AA38ZMi"
    "4knaCKLprMPni",
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea",
    "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad",
};

static int count_wallets(void *ctx, const idt_signal *s)
{
	if (s->type == IDT_SIG_WALLET || s->type == IDT_SIG_ONION) (*(size_t *)ctx)++;
	return 0;
}

/* data[0] picks a seed; the following pairs (position, byte) overwrite it.  A patched address
 * the validator accepts, alone on a line, must be the one wallet the extractor reports. */
static void patched(const uint8_t *data, size_t size)
{
	char buf[128];
	const char *seed = seeds[data[0] % (sizeof seeds / sizeof seeds[0])];
	size_t n = strlen(seed);
	memcpy(buf, seed, n);
	for (size_t k = 1; k + 1 < size; k += 2) buf[data[k] % n] = (char)data[k + 1];
	const char *chain = NULL;
	int ok = idt_wallet_valid(buf, n, &chain);
	if (ok != (chain != NULL)) abort();
	int onion = idt_onion_valid(buf, n);
	size_t found = 0;
	for (size_t k = 0; k < n; k++)
		if (!((buf[k] >= '0' && buf[k] <= '9') || (buf[k] >= 'a' && buf[k] <= 'z') ||
		      (buf[k] >= 'A' && buf[k] <= 'Z')))
			return; /* not one token: the extractor may split it */
	memcpy(buf + n, ".onion", 7);
	if (idt_signals_extract(buf, onion ? n + 6 : n, count_wallets, &found) != IDT_OK) abort();
	if (found != (size_t)(ok || onion)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 1 && size <= 65) patched(data, size);
	const char *s = (const char *)data;
	static state st;
	st.size = size;
	st.last_start = st.n = 0;
	memset(st.type_end, 0, sizeof st.type_end);
	st.data = s;
	if (idt_signals_extract(s, size, check, &st) != IDT_OK) abort();
	ref r = {&st, 0};
	if (idt__signals_extract_ref(s, size, compare, &r) != IDT_OK || r.n != st.n) abort();
	size_t calls = 0;
	idt_status rc = idt_signals_extract(s, size, stop, &calls);
	if (calls > 1 || (calls == 1) != (rc == IDT_STOPPED) || (st.n > 0) != (calls == 1)) abort();
	const char *chain = NULL;
	if (idt_wallet_valid(s, size, &chain) && !chain) abort();
	(void)idt_onion_valid(s, size);
	(void)idt_signal_type_parse(s, size);
	return 0;
}
