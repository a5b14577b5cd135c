/*
 * fuzz_signals.c - libFuzzer target for the structured-signal extractor and the validators.
 *
 * The input is run through idt_signals_extract() whole, and the invariants of its output are
 * checked (a violation aborts): spans lie inside the input and are not empty, starts never
 * decrease, spans of one type never overlap, values are NUL-terminated and non-empty, every
 * wallet's span passes idt_wallet_valid() and every onion's span idt_onion_valid().  The block pass
 * must report exactly what the plain byte-at-a-time reference pass reports.  A callback that stops
 * after the first signal must make the call return IDT_STOPPED.  The validators and the type-name
 * parser are also fed the input whole.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
