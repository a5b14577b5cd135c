/*
 * interdict/signals.h - the signals of trafficking found around a drug name.
 *
 * Two kinds of signal:
 *   - structured signals, found in the ORIGINAL text by purpose-built extractors: prices,
 *     quantities, purity, contact handles and phone numbers, e-mail, crypto wallets (validated
 *     by their checksums: an address that fails its checksum is never a wallet), URLs and .onion
 *     addresses;
 *   - phrase signals, from multilingual phrase lists (data/signals/NAME.phrases): shipping and stealth
 *     language, "no prescription", purchase requests, instructions, drug-checking warnings.
 *     Phrases are matched on the normalised text by the scanner, together with the knowledge
 *     base's terms, in one Vectorscan pass.
 *
 * Every signal has a type, a span of the original text and a normalised value (an E.164 phone,
 * a lower-case handle, an amount with its currency, a wallet with its chain).
 *
 * Structured values (idt_signals_extract(); the rules in full head src/signals/amount.c and
 * src/signals/contact.c):
 *   price     "AMOUNT CODE[/UNIT]": "120 USD", "0.05 BTC", "10 EUR/g"; amounts use '.' and no
 *             grouping ("1.000,50 €" -> "1000.50 EUR"); $ alone is USD, ¥ is CNY
 *   quantity  "AMOUNT UNIT": "3.5 g", "100 pills", "100 x 2 mg", "1/2 oz"; trade units carry
 *             their name: "4 oz (QP)", "3.5 g (eightball)", "1 oz (zip)", "0.5 oz (half o)"
 *   purity    "87%": a percentage next to a purity or substance word, never a discount
 *   contact   "SERVICE:HANDLE" lower case: "telegram:@name", "wickr:name", "signal:name.01",
 *             "whatsapp:+447700900123", "threema:abcd1234", "session:05...", "snapchat:name",
 *             "kik:name", "discord:name#1234"; Telegram invites keep their case: "telegram:+Hash"
 *   phone     E.164 "+447700900123": "+CC" numbers, "00CC" and bare "CC..." after a cue word,
 *             North American "(NXX) NXX-XXXX"; a national number naming no country is not
 *             reported
 *   email     the address, lower-cased
 *   wallet    "CHAIN:ADDRESS" with CHAIN btc, ltc, eth, xmr or trx; hex and bech32 addresses
 *             lower-cased (they are case-insensitive), base58 ones as written
 *   url       canonical: lower-case scheme and host, no default port, no fragment, "/" for an
 *             empty path; www. gets http://; a v2 onion (no checksum) is a URL only
 *   onion     "NAME.onion", lower case, only with a valid v3 checksum; a URL whose host is a
 *             v3 onion with a bad checksum is not reported at all
 *   cas       the number as written, check digit valid
 * Signals come in increasing order of start.  Spans of one type never overlap; a contact may
 * contain the phone signal of its number, and a URL the onion or contact of its host.
 */
#ifndef INTERDICT_SIGNALS_H
#define INTERDICT_SIGNALS_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum idt_signal_type {
	IDT_SIG_PRICE = 0,    /* "$120", "0.05 BTC", "€10/g"; value "120 USD" */
	IDT_SIG_QUANTITY,     /* "3.5g", "100 pills", "QP", "eightball"; value "3.5 g" */
	IDT_SIG_PURITY,       /* "87%", "99% pure"; value "87%" */
	IDT_SIG_CONTACT,      /* telegram/wickr/signal/whatsapp/threema/session/snapchat handle,
				 t.me link; value "telegram:@name" */
	IDT_SIG_PHONE,        /* value E.164 "+447700900123" where the country is known */
	IDT_SIG_EMAIL,        /* value lower-cased address */
	IDT_SIG_WALLET,       /* checksum-valid crypto address; value "btc:ADDRESS" */
	IDT_SIG_URL,          /* value canonical URL */
	IDT_SIG_ONION,        /* checksum-valid v3 onion address; value "xxx.onion" */
	IDT_SIG_SHIPPING,     /* phrase: stealth, vacuum sealed, worldwide shipping, escrow... */
	IDT_SIG_NO_RX,        /* phrase: no prescription needed, pharmacy language */
	IDT_SIG_REQUEST,      /* phrase: looking for, WTB, where can I get */
	IDT_SIG_INSTRUCTIONS, /* phrase: synthesis / extraction instructions */
	IDT_SIG_WARNING,      /* phrase: drug-checking warning ("tested positive for fentanyl") */
	IDT_SIG_OFFER,        /* phrase: selling language ("for sale", "in stock", "vendor") */
	IDT_SIG_CAS,          /* a CAS number with a valid check digit not in the knowledge base */
	IDT_SIG_TYPE_COUNT
} idt_signal_type;

typedef struct idt_signal {
	idt_signal_type type;
	size_t start, end;  /* span in the original text, bytes */
	char value[128];    /* normalised value, NUL-terminated (truncated if longer) */
} idt_signal;

/* "price", "wallet", ...; NULL for an out-of-range value. */
IDT_API const char *idt_signal_type_name(idt_signal_type t);
/* Parses a type name; IDT_SIG_TYPE_COUNT if unknown. */
IDT_API idt_signal_type idt_signal_type_parse(const char *s, size_t len);

/* Receives each signal; returns non-zero to stop (the extractor then returns IDT_STOPPED). */
typedef int (*idt_signal_fn)(void *ctx, const idt_signal *sig);

/*
 * Finds the structured signals (price .. onion, cas) in the original text s[0..len) and passes
 * each to fn, in increasing order of start.  Invalid UTF-8 is tolerated; nothing past len is
 * read and no NUL is needed.  The idt_signal passed to fn lives only during the call.
 * Returns IDT_OK; IDT_STOPPED if fn returned non-zero (no further signal is delivered);
 * IDT_EINVAL if fn is NULL, or s is NULL with len > 0.  Thread-safe; allocates nothing.
 */
IDT_API idt_status idt_signals_extract(const char *s, size_t len, idt_signal_fn fn, void *ctx);

/* Checksum validators, exposed for tests and for the server's observable normalisation.
 * Each returns 1 if the address is valid.  `chain` receives "btc", "eth", ... (may be NULL). */
IDT_API int idt_wallet_valid(const char *s, size_t len, const char **chain);
IDT_API int idt_onion_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
