/*
 * extract.c - the structured-signal pass: idt_signals_extract() walks the original text once,
 * forward, and hands each candidate to the extractor that owns it.
 *
 * The walk classifies bytes with one table lookup.  Most bytes (spaces, punctuation, the bytes
 * of non-Latin scripts) are skipped in a tight loop; an ASCII letter or digit starts a token,
 * whose alphanumeric run is measured once and dispatched on its first byte, length and next
 * byte:
 *
 *   digit first                 amount.c: amounts (price, quantity, purity), CAS numbers;
 *                               long runs are wallets
 *   25+ characters              contact.c: wallets, onions, Session IDs
 *   followed by @ . _ % + -     contact.c: e-mail
 *   a keyword (<= 9 letters)    contact.c (telegram, wickr, http, www, t.me ...) or
 *                               amount.c (ISO code before an amount, QP, zip, half o ...)
 *
 * and four trigger bytes start candidates on their own: '$' and the first byte of other
 * currency signs (amount.c), '+' (international phone numbers) and '(' (North American
 * "(555) 123-4567"), both in contact.c.  A handler returns where it stopped; the walk resumes
 * there, so signals come out in increasing order of start and never overlap within one kind
 * (a contact may contain the phone number it names, a URL the onion it points to).
 *
 * Nothing here allocates; the only state is the idt__sx on the stack.
 */
#include <string.h>
#include <strings.h>
#include "signals_int.h"

/* ------------------------------------------------------------------------------------------
 * Low level: byte classes, emission, small text helpers
 * ------------------------------------------------------------------------------------------ */

enum { C_ALPHA = 1, C_DIGIT = 2, C_TRIG = 4 };

/* Byte classes; 0 means "skip".  Trigger bytes: $ + ( and the lead bytes of £ ¥ (0xC2),
 * € ₽ ₹ ₿ (0xE2) and the full-width yen ￥ (0xEF). */
static const unsigned char byte_class[256] = {
    ['0' ... '9'] = C_DIGIT, ['a' ... 'z'] = C_ALPHA, ['A' ... 'Z'] = C_ALPHA,
    ['$'] = C_TRIG,          ['+'] = C_TRIG,          ['('] = C_TRIG,
    [0xC2] = C_TRIG,         [0xE2] = C_TRIG,         [0xEF] = C_TRIG,
};

int idt__sx_emit(idt__sx *x, idt_signal_type t, size_t a, size_t b, const char *v, size_t vn)
{
	idt_signal sig;
	if (x->stopped) return 1;
	sig.type = t;
	sig.start = a;
	sig.end = b;
	if (vn > sizeof sig.value - 1) vn = sizeof sig.value - 1;
	memcpy(sig.value, v, vn);
	sig.value[vn] = 0;
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
	return b - a == strlen(lit) && idt__sx_prefix(x, a, lit);
}

size_t idt__sx_word_end(const idt__sx *x, size_t i)
{
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
	int kind;      /* enum idt__kw */
} keyword;

/* Grouped by first letter, see kw_lookup(). */
static const keyword kw_table[] = {
    {"call", IDT__KW_PHONE},
    {"cell", IDT__KW_PHONE},
    {"discord", IDT__KW_DISCORD},
    {"eightball", IDT__KW_EIGHTBALL},
    {"half", IDT__KW_HALF},
    {"http", IDT__KW_HTTP},
    {"https", IDT__KW_HTTP},
    {"kik", IDT__KW_KIK},
    {"mob", IDT__KW_PHONE},
    {"mobile", IDT__KW_PHONE},
    {"phone", IDT__KW_PHONE},
    {"purity", IDT__KW_PURITY},
    {"pureza", IDT__KW_PURITY},
    {"purete", IDT__KW_PURITY},
    {"reinheit", IDT__KW_PURITY},
    {"qp", IDT__KW_QP},
    {"sc", IDT__KW_SNAP},
    {"signal", IDT__KW_SIGNAL},
    {"sms", IDT__KW_PHONE},
    {"snap", IDT__KW_SNAP},
    {"snapchat", IDT__KW_SNAPCHAT},
    {"t", IDT__KW_T},
    {"teenth", IDT__KW_TEENTH},
    {"teener", IDT__KW_TEENTH},
    {"tel", IDT__KW_PHONE},
    {"telefon", IDT__KW_PHONE},
    {"telefone", IDT__KW_PHONE},
    {"telefono", IDT__KW_PHONE},
    {"telega", IDT__KW_TELEGRAM},
    {"telegram", IDT__KW_TELEGRAM},
    {"text", IDT__KW_PHONE},
    {"tg", IDT__KW_TG},
    {"threema", IDT__KW_THREEMA},
    {"viber", IDT__KW_VIBER},
    {"wa", IDT__KW_WA},
    {"whatsapp", IDT__KW_WHATSAPP},
    {"wickr", IDT__KW_WICKR},
    {"wickrme", IDT__KW_WICKR},
    {"www", IDT__KW_WWW},
    {"zip", IDT__KW_ZIP},
    {"zips", IDT__KW_ZIP},
};

/* Letters that start a keyword, so that most words cost one table lookup. */
static bool kw_first(int c)
{
	switch (idt__lower(c)) {
	case 'c':
	case 'd':
	case 'e':
	case 'h':
	case 'k':
	case 'm':
	case 'p':
	case 'q':
	case 'r':
	case 's':
	case 't':
	case 'v':
	case 'w':
	case 'z': return true;
	default: return false;
	}
}

static int kw_lookup(const idt__sx *x, size_t a, size_t b)
{
	if (b - a > 9 || !kw_first(x->s[a])) return IDT__KW_NONE;
	int c = idt__lower(x->s[a]);
	for (size_t k = 0; k < IDT_ARRAY_LEN(kw_table); k++)
		if (kw_table[k].w[0] == c && idt__sx_eq(x, a, b, kw_table[k].w))
			return kw_table[k].kind;
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

/* Dispatches the token starting at i; returns where to resume (> i). */
static size_t token(idt__sx *x, size_t i)
{
	size_t we = idt__sx_word_end(x, i), r = 0;
	int next = idt__at(x, we);
	if (we - i >= 25) {
		r = idt__contact_long(x, i, we);
		if (!r && (next == '@' || next == '.' || next == '_' || next == '-'))
			r = idt__contact_email(x, i);
		return r ? r : we;
	}
	if (next == '@' || next == '.' || next == '_' || next == '%' || next == '+' ||
	    next == '-') {
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
	else if (c == '(')
		r = idt__contact_paren(x, i);
	else
		r = idt__amount_symbol(x, i);
	return r ? r : i + 1;
}

IDT_API idt_status idt_signals_extract(const char *s, size_t len, idt_signal_fn fn, void *ctx)
{
	if ((!s && len) || !fn) return IDT_EINVAL;
	idt__sx x = {(const unsigned char *)s, len, fn, ctx, 0};
	size_t i = 0;
	while (i < len && !x.stopped) {
		unsigned k = byte_class[x.s[i]];
		if (!k) {
			i++;
			continue;
		}
		i = (k & C_TRIG) ? trigger(&x, i) : token(&x, i);
	}
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
