/*
 * audit_chain.c - canonical audit entries and their chained hashes (see audit_chain.h).
 * Backend-independent, so SQLite and PostgreSQL chain the same bytes and an exported log can be
 * verified anywhere.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "audit_chain.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *idt__audit_canonical(int64_t id, int64_t ts, int64_t user_id, const char *username,
                           int64_t org_id, const char *addr, const char *action,
                           const char *object_type, const char *object_id, const char *detail_json)
{
	json_t *o = json_object();
	if (!o) return NULL;
	json_t *detail = NULL;
	if (detail_json) {
		/* the detail is stored as JSON text; canonicalise it too */
		detail = json_loads(detail_json, JSON_DECODE_ANY, NULL);
		if (!detail) detail = json_string(detail_json);
	}
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "ts", json_integer(ts));
	json_object_set_new(o, "user_id", user_id ? json_integer(user_id) : json_null());
	json_object_set_new(o, "username", str_or_null(username));
	json_object_set_new(o, "org_id", org_id ? json_integer(org_id) : json_null());
	json_object_set_new(o, "addr", str_or_null(addr));
	json_object_set_new(o, "action", str_or_null(action));
	json_object_set_new(o, "object_type", str_or_null(object_type));
	json_object_set_new(o, "object_id", str_or_null(object_id));
	json_object_set_new(o, "detail", detail ? detail : json_null());
	char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

idt_status idt__audit_hash(const char *prev_hex, const char *canon, size_t len, char hex_out[65])
{
	unsigned char prev[32], out[32];
	size_t bin_len = 0;
	if (!prev_hex || strlen(prev_hex) != 64 ||
	    sodium_hex2bin(prev, sizeof prev, prev_hex, 64, NULL, &bin_len, NULL) != 0 ||
	    bin_len != 32)
		return IDT_EINVAL;
	crypto_generichash_state s;
	crypto_generichash_init(&s, NULL, 0, sizeof out);
	crypto_generichash_update(&s, prev, sizeof prev);
	crypto_generichash_update(&s, (const unsigned char *)canon, len);
	crypto_generichash_final(&s, out, sizeof out);
	sodium_bin2hex(hex_out, 65, out, sizeof out);
	return IDT_OK;
}
