/*
 * routes_interop.c - the export and import endpoints (issue 8) and the helpers the exporters
 * share: deterministic UUIDv5 (with a small SHA-1 of its own: libsodium has none) and RFC 3339
 * parsing.
 *
 *   GET  /api/v1/incidents/{id}/export?format=misp|stix|csv      one incident
 *   GET  /api/v1/incidents/export?format=…&q=…&type=…            a search (same filters)
 *   GET  /api/v1/sharing-groups/{id}/export?format=…             a group's incidents
 *   POST /api/v1/import?format=misp|stix                         events/bundles -> drafts
 *
 * ACCESS CONTROL: every incident exported is read through the store's own access-checked
 * calls (incident_search to find ids, incident_get to read each), exactly as GET
 * /api/v1/incidents and GET /api/v1/incidents/{id} do, so an export can never hold an
 * incident its caller could not read through the API, and every incident read is audited.
 * Imports go through idt__incident_validate and the store's incident_create, like POST
 * /api/v1/incidents, so correlation and alerts run on imported incidents.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "interop.h"
#include "routes.h"
#include "store/observable.h"

static idt_store *ST(idt_req *r)
{
	return r->srv->st;
}

/* ---------------------------------------------------------------- UUIDv5 */

/* c01376a8-2028-4e2a-9c20-8f5989c648de: chosen at random once; never change it (ids of
 * everything exported would change). */
const uint8_t idt__ns_interdict[16] = {0xc0, 0x13, 0x76, 0xa8, 0x20, 0x28, 0x4e, 0x2a,
                                       0x9c, 0x20, 0x8f, 0x59, 0x89, 0xc6, 0x48, 0xde};
/* 00abedb4-aa42-466c-9c01-fed23315a9b7 (STIX 2.1, section 2.9) */
const uint8_t idt__ns_stix_sco[16] = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                      0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};

typedef struct sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes hashed so far */
	uint8_t blk[64];
	size_t n; /* bytes in blk */
} sha1;

static uint32_t rol(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

/* One 64-byte block (FIPS 180-4, section 6.1.2). */
static void sha1_block(sha1 *c, const uint8_t *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = c->h[0], b = c->h[1], d = c->h[3], e = c->h[4], cc = c->h[2];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & cc) | (~b & d), k = 0x5a827999;
		else if (i < 40)
			f = b ^ cc ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (b & cc) | (b & d) | (cc & d), k = 0x8f1bbcdc;
		else
			f = b ^ cc ^ d, k = 0xca62c1d6;
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d, d = cc, cc = rol(b, 30), b = a, a = t;
	}
	c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d, c->h[4] += e;
}

static void sha1_init(sha1 *c)
{
	static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
	memcpy(c->h, iv, sizeof iv);
	c->len = 0, c->n = 0;
}

static void sha1_update(sha1 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	c->len += len;
	while (len) {
		size_t k = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->blk + c->n, p, k);
		c->n += k, p += k, len -= k;
		if (c->n == 64) sha1_block(c, c->blk), c->n = 0;
	}
}

static void sha1_final(sha1 *c, uint8_t out[20])
{
	uint64_t bits = c->len * 8;
	uint8_t pad = 0x80, zero = 0, lenb[8];
	sha1_update(c, &pad, 1);
	while (c->n != 56) sha1_update(c, &zero, 1);
	for (int i = 0; i < 8; i++) lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(c, lenb, 8);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 4; j++) out[4 * i + j] = (uint8_t)(c->h[i] >> (24 - 8 * j));
}

void idt__uuid5(const uint8_t ns[16], const char *name, size_t len, char out[37])
{
	sha1 c;
	uint8_t h[20];
	sha1_init(&c);
	sha1_update(&c, ns, 16);
	sha1_update(&c, name, len);
	sha1_final(&c, h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50); /* version 5 */
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
		out[o++] = hex[h[i] >> 4];
		out[o++] = hex[h[i] & 15];
	}
	out[o] = 0;
}

void idt__uuid5f(char out[37], const char *fmt, ...)
{
	char name[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	if (n < 0) n = 0;
	if ((size_t)n >= sizeof name) n = (int)sizeof name - 1; /* names are ids and URLs: short */
	idt__uuid5(idt__ns_interdict, name, (size_t)n, out);
}

int64_t idt__iso_to_unix(const char *s)
{
	struct tm tm = {0};
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	                 &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900, tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* ---------------------------------------------------------------- replies */

typedef enum fmt { FMT_BAD, FMT_MISP, FMT_STIX, FMT_CSV } fmt;

/* The ?format= of an export; replies 400 and returns FMT_BAD if missing or unknown. */
static fmt export_format(idt_req *r)
{
	const char *f = idt__arg(r, "format");
	if (f && strcmp(f, "misp") == 0) return FMT_MISP;
	if (f && strcmp(f, "stix") == 0) return FMT_STIX;
	if (f && strcmp(f, "csv") == 0) return FMT_CSV;
	idt__reply_err(r, 400, "invalid_parameter", "'format' must be misp, stix or csv");
	return FMT_BAD;
}

/* Sends the incidents (an array, taken) in format f. */
static int reply_export(idt_req *r, fmt f, json_t *incs, bool single)
{
	const char *base = r->srv->base_url;
	char *text = NULL;
	size_t len = 0;
	const char *type = "application/json";
	if (f == FMT_CSV) {
		text = idt__export_csv(incs, &len);
		type = "text/csv; charset=utf-8; header=present";
	} else {
		json_t *groups = NULL, *out;
		if (f == FMT_MISP &&
		    ST(r)->ops->group_list(ST(r), r->actor.org_id, &groups) != IDT_OK)
			groups = NULL;
		out = f == FMT_MISP ? idt__export_misp(base, incs, groups, single)
		                    : idt__export_stix(base, incs);
		json_decref(groups);
		if (out) text = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (text) len = strlen(text);
		json_decref(out);
		if (f == FMT_STIX) type = "application/stix+json;version=2.1";
	}
	json_decref(incs);
	if (!text) return idt__reply_status(r, IDT_ENOMEM);
	r->raw = text;
	r->raw_len = len;
	r->raw_type = type;
	r->status = 200;
	return 0;
}

/* ---------------------------------------------------------------- collecting incidents */

/* Reads each visible incident of a search page into `out`; ids the caller may no longer see
 * (changed meanwhile) are skipped, as the API would answer 404 for them.  For a group export
 * the search already holds only the group's incidents; one changed between the search and
 * the read is left out. */
static idt_status read_items(idt_req *r, json_t *items, json_t *out, int64_t group, size_t max)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (json_array_size(out) >= max) break;
		json_t *doc = NULL;
		idt_status st = ST(r)->ops->incident_get(
		    ST(r), &r->actor, json_integer_value(json_object_get(it, "id")), &doc);
		if (st == IDT_ENOTFOUND) continue;
		if (st != IDT_OK) return st;
		if (group &&
		    json_integer_value(json_object_get(doc, "sharing_group_id")) != group) {
			json_decref(doc);
			continue;
		}
		json_array_append_new(out, doc);
	}
	return IDT_OK;
}

/* Walks the search q page by page until `max` incidents are collected or `scan` results were
 * looked at.  group > 0 restricts the search itself to the incidents shared with that group,
 * so that only those are read (and audited).  The page size divides max (at most 100), so the
 * last page lists no incident that is not exported: the search's own audit entry names
 * exactly the incidents read. */
static idt_status collect(idt_req *r, idt_search *q, int64_t group, size_t max, size_t scan,
                          json_t **out)
{
	json_t *incs = json_array();
	idt_status st = IDT_OK;
	q->group = group;
	q->per_page = 1;
	for (int64_t d = max < 100 ? (int64_t)max : 100; d > 1; d--)
		if (max % (size_t)d == 0) {
			q->per_page = d;
			break;
		}
	for (q->page = 1;
	     json_array_size(incs) < max && (size_t)(q->page - 1) * (size_t)q->per_page < scan;
	     q->page++) {
		json_t *res = NULL;
		st = ST(r)->ops->incident_search(ST(r), &r->actor, q, &res);
		if (st != IDT_OK) break;
		json_t *items = json_object_get(res, "items");
		size_t n = json_array_size(items);
		st = read_items(r, items, incs, group, max);
		json_decref(res);
		if (st != IDT_OK || (int64_t)n < q->per_page) break;
	}
	if (st != IDT_OK) {
		json_decref(incs);
		incs = NULL;
	}
	*out = incs;
	return st;
}

/* ---------------------------------------------------------------- export handlers */

int idt__h_export_incident(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	fmt f = export_format(r);
	if (f == FMT_BAD) return 0;
	json_t *doc = NULL;
	idt_status s = ST(r)->ops->incident_get(ST(r), &r->actor, id, &doc);
	if (s != IDT_OK) return idt__reply_status(r, s);
	json_t *arr = json_array();
	json_array_append_new(arr, doc);
	return reply_export(r, f, arr, true);
}

/* The filters of GET /api/v1/incidents (routes_incidents.c), parsed the same way; words and
 * the observable value are written to the caller's buffers.  -1 after a 400. */
static int search_filters(idt_req *r, idt_search *q, char **words, char obs[IDT_OBS_MAX + 1],
                          char obs_type[16])
{
	q->type = idt__arg(r, "type");
	q->status = idt__arg(r, "status");
	q->substance = idt__arg(r, "substance");
	q->cls = idt__arg(r, "class");
	q->country = idt__arg(r, "country");
	q->from = idt__arg(r, "from");
	q->to = idt__arg(r, "to");
	if (q->cls && idt_class_parse(q->cls, strlen(q->cls)) == IDT_CLASS_COUNT)
		return idt__reply_err(r, 400, "invalid_parameter", "unknown class '%.64s'", q->cls),
		       -1;
	if (q->country && !idt__country_valid(q->country))
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'country' must be an ISO 3166 alpha-2 code"),
		       -1;
	if ((q->from && !idt__date_valid(q->from)) || (q->to && !idt__date_valid(q->to)))
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'from' and 'to' must be dates YYYY-MM-DD"),
		       -1;
	const char *o = idt__arg(r, "observable");
	if (o) {
		const char *colon = strchr(o, ':');
		const char *why = "bad observable";
		if (!colon || (size_t)(colon - o) >= 16)
			return idt__reply_err(r, 400, "invalid_parameter",
			                      "'observable' must be TYPE:VALUE"),
			       -1;
		memcpy(obs_type, o, (size_t)(colon - o));
		obs_type[colon - o] = 0;
		if (idt__obs_normalize(obs_type, colon + 1, strlen(colon + 1), NULL, NULL, obs,
		                       &why) != IDT_OK)
			return idt__reply_err(r, 400, "invalid_parameter", "'observable': %s", why),
			       -1;
		q->obs_type = obs_type;
		q->obs_value = obs;
	}
	const char *qs = idt__arg(r, "q");
	if (qs) {
		*words = idt__fts_words(qs);
		if (!*words) return idt__reply_status(r, IDT_ENOMEM), -1;
		q->q = *words;
	}
	return 0;
}

int idt__h_export_search(idt_req *r, char **p)
{
	(void)p;
	fmt f = export_format(r);
	if (f == FMT_BAD) return 0;
	int64_t limit;
	if (idt__arg_int(r, "limit", 1, IDT_EXPORT_MAX, 200, &limit) != 0) return 0;
	idt_search q = {0};
	char obs[IDT_OBS_MAX + 1], obs_type[16], *words = NULL;
	if (search_filters(r, &q, &words, obs, obs_type) != 0) return 0;
	json_t *incs = NULL;
	idt_status s = collect(r, &q, 0, (size_t)limit, (size_t)limit, &incs);
	free(words);
	if (s != IDT_OK) return idt__reply_status(r, s);
	return reply_export(r, f, incs, false);
}

int idt__h_export_group(idt_req *r, char **p)
{
	int64_t gid;
	if (idt__parse_id(p[0], &gid) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	fmt f = export_format(r);
	if (f == FMT_BAD) return 0;
	int64_t limit;
	if (idt__arg_int(r, "limit", 1, IDT_EXPORT_MAX, IDT_EXPORT_MAX, &limit) != 0) return 0;
	/* a group the caller's organisation is not in does not exist for it */
	bool member = false;
	idt_status s = ST(r)->ops->group_is_member(ST(r), gid, r->actor.org_id, &member);
	if (s != IDT_OK && s != IDT_ENOTFOUND) return idt__reply_status(r, s);
	if (!member) return idt__reply_status(r, IDT_ENOTFOUND);
	idt_search q = {0};
	json_t *incs = NULL;
	s = collect(r, &q, gid, (size_t)limit, IDT_EXPORT_SCAN_MAX, &incs);
	if (s != IDT_OK) return idt__reply_status(r, s);
	return reply_export(r, f, incs, false);
}

/* ---------------------------------------------------------------- import */

static void unmapped_add(json_t *u, const char *where, const char *reason)
{
	json_array_append_new(u, json_pack("{s:s,s:s}", "where", where, "reason", reason));
}

/* Creates one incident from an import document; appends {id, title, observables,
 * correlations} to `created` or a reason to `unmapped`.  Leaves r's response untouched. */
static idt_status create_one(idt_req *r, json_t *doc, size_t idx, json_t *created, json_t *unmapped)
{
	char where[64];
	snprintf(where, sizeof where, "incident[%zu]", idx);
	json_t *canon = NULL, *out = NULL;
	int saved_status = r->status;
	json_t *saved = r->json;
	r->json = NULL;
	if (idt__incident_validate(r, doc, true, &canon) != 0) {
		/* a check the importer did not foresee: report it, keep going */
		json_t *m = json_object_get(json_object_get(r->json, "error"), "message");
		unmapped_add(unmapped, where, json_is_string(m) ? json_string_value(m) : "invalid");
		json_decref(r->json);
		r->json = saved;
		r->status = saved_status;
		return IDT_OK;
	}
	r->json = saved;
	r->status = saved_status;
	idt_status s = ST(r)->ops->incident_create(ST(r), &r->actor, canon, &out);
	json_decref(canon);
	if (s != IDT_OK) return s;
	json_array_append_new(
	    created, json_pack("{s:O,s:O,s:I,s:I}", "id", json_object_get(out, "id"), "title",
	                       json_object_get(out, "title"), "observables",
	                       (json_int_t)json_array_size(json_object_get(out, "observables")),
	                       "correlations",
	                       (json_int_t)json_array_size(json_object_get(out, "correlations"))));
	json_decref(out);
	return IDT_OK;
}

int idt__h_import(idt_req *r, char **p)
{
	(void)p;
	const char *f = idt__arg(r, "format");
	bool misp = f && strcmp(f, "misp") == 0, stix = f && strcmp(f, "stix") == 0;
	if (!misp && !stix)
		return idt__reply_err(r, 400, "invalid_parameter", "'format' must be misp or stix");
	json_t *b = idt__body_json(r, true);
	if (!b) return 0;
	json_t *unmapped = json_array();
	const char *why = NULL;
	json_t *docs = misp ? idt__import_misp(b, r->srv->kb, unmapped, &why)
	                    : idt__import_stix(b, r->srv->kb, unmapped, &why);
	json_decref(b);
	if (!docs) {
		json_decref(unmapped);
		return idt__reply_err(r, 400, "invalid_document", "%s",
		                      why ? why : "not a document of that format");
	}
	if (json_array_size(docs) > IDT_IMPORT_MAX) {
		size_t n = json_array_size(docs);
		json_decref(docs), json_decref(unmapped);
		return idt__reply_err(r, 400, "too_many_incidents",
		                      "the document holds %zu incidents; at most %d per import", n,
		                      IDT_IMPORT_MAX);
	}
	json_t *created = json_array();
	idt_status s = IDT_OK;
	size_t i;
	json_t *d;
	json_array_foreach(docs, i, d)
	{
		s = create_one(r, d, i, created, unmapped);
		if (s != IDT_OK) break;
	}
	json_decref(docs);
	if (s != IDT_OK) {
		json_decref(created), json_decref(unmapped);
		return idt__reply_status(r, s);
	}
	if (json_array_size(created) == 0) {
		json_decref(created);
		return idt__reply(
		    r, 400,
		    json_pack("{s:{s:s,s:s},s:o}", "error", "code", "nothing_imported", "message",
		              "no incident could be made from the document", "unmapped", unmapped));
	}
	return idt__reply(r, 201, json_pack("{s:o,s:o}", "created", created, "unmapped", unmapped));
}
