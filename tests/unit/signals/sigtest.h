/*
 * sigtest.h - helpers for the signal tests: run the extractor over a text, collect what it
 * reports, and compare with an exact list of (type, start, span text, value).
 */
#ifndef IDT_SIGTEST_H
#define IDT_SIGTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "interdict/signals.h"

typedef struct collected {
	idt_signal sig[64];
	int n;
} collected;

static inline int collect_cb(void *ctx, const idt_signal *s)
{
	collected *c = ctx;
	if (c->n < 64) c->sig[c->n++] = *s;
	return 0;
}

typedef struct expect {
	idt_signal_type type;
	const char *span; /* the text of the span: it starts at the first occurrence of this text
	                     at or after the previous signal's start */
	const char *value;
} expect;

/* Runs the extractor on text and checks that exactly the expected signals come out, in order. */
static inline void check_signals(const char *text, const expect *e, int ne)
{
	collected c = {.n = 0};
	assert_int_equal(idt_signals_extract(text, strlen(text), collect_cb, &c), IDT_OK);
	if (c.n != ne) {
		fprintf(stderr, "text: %s\n", text);
		for (int k = 0; k < c.n; k++)
			fprintf(stderr, "  got %s [%zu,%zu) %s\n",
			        idt_signal_type_name(c.sig[k].type), c.sig[k].start, c.sig[k].end,
			        c.sig[k].value);
	}
	assert_int_equal(c.n, ne);
	size_t from = 0;
	for (int k = 0; k < ne; k++) {
		const idt_signal *s = &c.sig[k];
		const char *at = strstr(text + from, e[k].span);
		assert_non_null(at);
		size_t start = (size_t)(at - text);
		assert_string_equal(idt_signal_type_name(s->type), idt_signal_type_name(e[k].type));
		assert_int_equal(s->start, start);
		assert_int_equal(s->end, start + strlen(e[k].span));
		assert_string_equal(s->value, e[k].value);
		from = start;
	}
}

#define CHECK(text, ...)                                                                           \
	do {                                                                                       \
		static const expect e_[] = {__VA_ARGS__};                                          \
		check_signals(text, e_, (int)(sizeof e_ / sizeof e_[0]));                          \
	} while (0)

/* The text must yield no signal at all. */
static inline void check_none(const char *text)
{
	check_signals(text, NULL, 0);
}

#endif
