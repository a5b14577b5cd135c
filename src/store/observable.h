/*
 * observable.h - typed observables (the indicators incidents share) and their normal forms.
 *
 * Two incidents correlate when they hold an observable with the same type and the same
 * NORMALISED value, so normalisation decides what matches:
 *
 *   type      normal form                                     example
 *   url       scheme+host lower-cased, default port, fragment  https://shop.example/p?id=1
 *             and dot segments dropped, %XX of unreserved
 *             characters decoded, other %xx upper-cased
 *   domain    lower case, no trailing dot, LDH labels          shop.example
 *   onion     56-char v3 address, lower case, checksum-valid   abcd...xyz.onion
 *   handle    platform:@name, lower case                        telegram:@plugs_uk
 *   phone     E.164                                            +447700900123
 *   email     lower case, one @, valid domain                  seller@mail.example
 *   wallet    chain:address (checksum-valid, idt_wallet_valid)  btc:1A1zP1eP5QG...
 *   pgp       40 or 64 upper-case hex digits                   0123...ABCD
 *   company   lower case, white space collapsed                acme chemicals ltd
 *   tracking  upper case, letters and digits only              LX123456789CN
 *
 * Nothing here allocates except through the caller's buffer; functions are thread-safe.
 */
#ifndef IDT_OBSERVABLE_H
#define IDT_OBSERVABLE_H

#include <stddef.h>
#include "interdict/status.h"

#define IDT_OBS_MAX 2048 /* longest normalised value, bytes (without the NUL) */

/* The observable types, in docs/data-model.md order. */
extern const char *const idt__obs_types[];
extern const size_t idt__obs_ntypes;

/* 1 if `type` is a known observable type. */
int idt__obs_type_valid(const char *type);

/*
 * Normalises value s[0..len) of `type` into out (NUL-terminated, at most IDT_OBS_MAX bytes).
 * For "handle", `platform` (may be NULL) names the platform when the value does not carry one;
 * for "wallet", `chain` (may be NULL) must agree with the chain the address validates as.
 * Returns IDT_OK, or IDT_EINVAL with *why (if non-NULL) set to a constant explanation when the
 * value is not a valid observable of that type.
 */
idt_status idt__obs_normalize(const char *type, const char *s, size_t len, const char *platform,
                              const char *chain, char out[IDT_OBS_MAX + 1], const char **why);

#endif
