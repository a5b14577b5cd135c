/*
 * hit.c - the triage queue's filter keys and facets, shared by both backends (hit.h).
 */
#include <string.h>
#include <strings.h>
#include "hit.h"

/* A value worth a key: 1..IDT__HIT_KEY_MAX bytes, no control characters. */
static int key_ok(const char *s, size_t n)
{
	if (!s || n == 0 || n > IDT__HIT_KEY_MAX) return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
	return 1;
}

static idt_status add(json_t *keys, const char *kind, const char *v, size_t n)
{
	if (!key_ok(v, n)) return IDT_OK;
	json_t *k = json_pack("[s,s%]", kind, v, n);
	return k && json_array_append_new(keys, k) == 0 ? IDT_OK : IDT_ENOMEM;
}

/* The host of an http(s) URL, lower case, into out (IDT__HIT_KEY_MAX + 1 bytes); 0 if none. */
static size_t url_host(const char *url, char *out)
{
	if (!url) return 0;
	const char *p = strstr(url, "://");
	if (!p || (size_t)(p - url) > 8) return 0;
	p += 3;
	size_t end = strcspn(p, "/?#");
	const char *at = memchr(p, '@', end); /* user info */
	if (at) end -= (size_t)(at + 1 - p), p = at + 1;
	size_t n = 0;
	if (end && p[0] == '[') { /* IPv6 literal: keep the brackets */
		const char *close = memchr(p, ']', end);
		n = close ? (size_t)(close - p) + 1 : 0;
	} else
		n = strcspn(p, ":/?#");
	if (n == 0 || n > end || n > IDT__HIT_KEY_MAX) return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : p[i];
	out[n] = 0;
	return n;
}

static idt_status source_keys(json_t *src, json_t *keys)
{
	if (!json_is_object(src)) return IDT_OK;
	json_t *pl = json_object_get(src, "platform");
	idt_status r = json_is_string(pl)
	                   ? add(keys, "source", json_string_value(pl), json_string_length(pl))
	                   : IDT_OK;
	char host[IDT__HIT_KEY_MAX + 1];
	size_t n = url_host(json_string_value(json_object_get(src, "url")), host);
	if (r == IDT_OK && n && !(json_is_string(pl) && strcmp(json_string_value(pl), host) == 0))
		r = add(keys, "source", host, n);
	return r;
}

idt_status idt__hit_keys(json_t *verdict, json_t *sources, json_t *keys)
{
	idt_status r = IDT_OK;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(verdict, "categories"), i, x)
	{
		if (r == IDT_OK && json_is_string(x))
			r = add(keys, "category", json_string_value(x), json_string_length(x));
	}
	json_array_foreach(json_object_get(verdict, "substances"), i, x)
	{
		json_t *id = json_object_get(x, "id"), *cls = json_object_get(x, "class");
		if (r == IDT_OK && json_is_string(id))
			r = add(keys, "substance", json_string_value(id), json_string_length(id));
		if (r == IDT_OK && json_is_string(cls))
			r = add(keys, "class", json_string_value(cls), json_string_length(cls));
	}
	if (json_is_array(sources)) {
		json_array_foreach(sources, i, x) if (r == IDT_OK) r = source_keys(x, keys);
	} else if (r == IDT_OK)
		r = source_keys(sources, keys);
	return r;
}

idt_status idt__hit_facet_add(json_t *facets, const char *kind, const char *value, int64_t n)
{
	json_t *arr = json_object_get(facets, kind);
	if (!arr) {
		arr = json_array();
		if (!arr || json_object_set_new(facets, kind, arr) != 0) return IDT_ENOMEM;
	}
	if (json_array_size(arr) >= IDT__HIT_FACETS_MAX) return IDT_OK;
	return json_array_append_new(
	           arr, json_pack("{s:s,s:I}", "value", value, "n", (json_int_t)n)) == 0
	           ? IDT_OK
	           : IDT_ENOMEM;
}
