/*
 * jsonl_diff.h - the differential check of the JSON Lines scanner against jansson, shared by
 * tests/unit/ingest/jsonl_diff.c and fuzz/fuzz_read_jsonl.c (header-only: static functions).
 *
 * jsonl_diff_check(s, n) runs idt__json_line() and jansson's json_loadb(JSON_DECODE_ANY) on the
 * same bytes.  Both must agree that the line is (or is not) a JSON object; when it is, every
 * requested key must have the same value in both: the raw span the scanner captured must parse
 * to a value json_equal() to jansson's, and a string must decode to the same bytes.
 * Returns 1 (both accept, same values), 0 (both reject) or -1 (a mismatch).
 */
#ifndef IDT_JSONL_DIFF_H
#define IDT_JSONL_DIFF_H

#include <jansson.h>
#include <stdlib.h>
#include "ingest/ingest_int.h"

static int jsonl_diff_check(const char *s, size_t n)
{
	static const char *const keys[] = {"text", "title", "id", "x", "\xc3\xa9"};
	enum { NK = 5 };
	size_t lens[NK];
	idt__json_span vals[NK];
	for (size_t i = 0; i < NK; i++) lens[i] = strlen(keys[i]);
	const char *msg = NULL;
	size_t off = 0;
	int mine = idt__json_line(s, n, keys, lens, NK, vals, &msg, &off) == IDT_OK;
	json_error_t je;
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY, &je);
	int theirs = j && json_is_object(j);
	int res = mine ? 1 : 0;
	if (mine != theirs) {
		res = -1;
	} else if (!mine) {
		if (!msg || off > n) res = -1;
	} else {
		for (size_t i = 0; i < NK && res > 0; i++) {
			json_t *v = json_object_get(j, keys[i]);
			if (!v) {
				if (vals[i].p) res = -1;
				continue;
			}
			if (!vals[i].p) {
				res = -1;
				continue;
			}
			json_t *w = json_loadb(vals[i].p, vals[i].n, JSON_DECODE_ANY, &je);
			if (!w || !json_equal(v, w)) res = -1;
			json_decref(w);
			if (res < 0 || !json_is_string(v)) continue;
			char *out = malloc(vals[i].n + 1);
			size_t k = idt__json_unescape(&vals[i], out);
			if (k != json_string_length(v) || memcmp(out, json_string_value(v), k) != 0)
				res = -1;
			if (!vals[i].has_escape &&
			    (k != vals[i].n - 2 || memcmp(out, vals[i].p + 1, k)))
				res = -1;
			free(out);
		}
	}
	json_decref(j);
	return res;
}

#endif
