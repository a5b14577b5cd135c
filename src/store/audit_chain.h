/*
 * audit_chain.h - the hash chain of the audit log.
 *
 * Every audit entry is written as a canonical JSON text (keys sorted, compact, ASCII-escaped:
 * the same entry always gives the same bytes) and chained to its predecessor:
 *
 *     hash(entry) = BLAKE2b-256( prev_hash || canonical(entry) )
 *
 * with prev_hash the 32 raw bytes of the previous entry's hash (32 zero bytes for the first).
 * Hashes are stored as 64 lower-case hex digits.  Changing, removing or reordering any entry
 * breaks every later link, which idt__audit_verify_step() detects.
 */
#ifndef IDT_AUDIT_CHAIN_H
#define IDT_AUDIT_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "interdict/status.h"

#define IDT_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * The canonical text of an entry: a JSON object with the members id, ts, user_id, username,
 * org_id, addr, action, object_type, object_id, detail (absent members are null).  Returns a
 * malloc'ed NUL-terminated string the caller frees, or NULL on allocation failure.
 */
char *idt__audit_canonical(int64_t id, int64_t ts, int64_t user_id, const char *username,
                           int64_t org_id, const char *addr, const char *action,
                           const char *object_type, const char *object_id, const char *detail_json);

/* hex_out = hex(BLAKE2b-256(raw(prev_hex) || canon)).  IDT_EINVAL if prev_hex is not 64 hex. */
idt_status idt__audit_hash(const char *prev_hex, const char *canon, size_t len, char hex_out[65]);

#endif
