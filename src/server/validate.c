/*
 * validate.c - turns request documents into canonical ones, or a 400 naming what is wrong.
 *
 * Incidents: every member is checked for type, vocabulary and size; countries against ISO
 * 3166-1 alpha-2; substances against the knowledge base (name and class come from it, never
 * from the client); observables normalised (store/observable.h).  Hits: the verdict contract of
 * docs/output.md (plus "source" and the original text), with a content id so that the same
 * content submitted twice is one hit.  Unknown members are rejected everywhere.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server.h"
#include "store/observable.h"

/* ---------------------------------------------------------------- vocabularies */

static const char *const incident_types[] = {"seizure",
                                             "stopped-shipment",
                                             "suspicious-shipment",
                                             "online-offer",
                                             "purchase-request",
                                             "illicit-laboratory",
                                             "internet-pharmacy",
                                             "diversion-attempt",
                                             "warning",
                                             NULL};
static const char *const statuses[] = {"draft", "confirmed", "shared", "closed", NULL};
static const char *const tlps[] = {"clear", "green", "amber", "amber+strict", "red", NULL};
static const char *const distributions[] = {"own-org", "sharing-group", "all", NULL};
static const char *const transport_modes[] = {"air",     "sea",       "road",   "rail",  "postal",
                                              "courier", "passenger", "online", "other", NULL};
static const char *const units[] = {"mg",    "g",        "kg",       "t",        "ml",
                                    "l",     "tablets",  "capsules", "blotters", "units",
                                    "doses", "ampoules", "vials",    "plants",   NULL};

/* ISO 3166-1 alpha-2, officially assigned codes. */
static const char countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

int idt__country_valid(const char *s)
{
	if (!s || strlen(s) != 2 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]))
		return 0;
	/* Codes are 2 letters and a space apart; the last one has no space after it. */
	for (size_t i = 0; i + 1 < strlen(countries); i += 3)
		if (countries[i] == s[0] && countries[i + 1] == s[1]) return 1;
	return 0;
}

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0) return 1;
	return 0;
}

int idt__date_valid(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
	return 1;
}

/* ---------------------------------------------------------------- member checks */

/* A string member of at most max bytes (valid UTF-8 is guaranteed by jansson). */
static int str_member(idt_req *r, json_t *v, const char *name, size_t min, size_t max)
{
	if (!json_is_string(v))
		return idt__reply_err(r, 400, "wrong_type", "'%s' must be a string", name), -1;
	size_t n = json_string_length(v);
	if (n < min || n > max)
		return idt__reply_err(r, 400, "invalid_field", "'%s' must have %zu to %zu bytes",
		                      name, min, max),
		       -1;
	if (memchr(json_string_value(v), 0, n))
		return idt__reply_err(r, 400, "invalid_field", "'%s' contains a NUL", name), -1;
	return 0;
}

static int enum_member(idt_req *r, json_t *v, const char *name, const char *const *list)
{
	if (!json_is_string(v))
		return idt__reply_err(r, 400, "wrong_type", "'%s' must be a string", name), -1;
	if (!in_list(json_string_value(v), list))
		return idt__reply_err(r, 400, "invalid_field", "'%s' has an unknown value '%.64s'",
		                      name, json_string_value(v)),
		       -1;
	return 0;
}

static int countries_member(idt_req *r, json_t *v, const char *name)
{
	if (!json_is_array(v) || json_array_size(v) > 20)
		return idt__reply_err(r, 400, "wrong_type",
		                      "'%s' must be an array of at most 20 country codes", name),
		       -1;
	size_t i;
	json_t *c;
	json_array_foreach(v, i, c)
	{
		if (!idt__country_valid(json_string_value(c)))
			return idt__reply_err(r, 400, "invalid_field",
			                      "'%s[%zu]' is not an ISO 3166 alpha-2 code", name, i),
			       -1;
	}
	return 0;
}

/* Canonical substance {id, name, class, quantity?, unit?, form?, purity?}. */
static json_t *substance(idt_req *r, json_t *s, size_t i)
{
	static const char *const keys[] = {"id",   "name",   "class",   "quantity", "unit",
	                                   "form", "purity", "control", NULL};
	if (!json_is_object(s)) {
		idt__reply_err(r, 400, "wrong_type", "'substances[%zu]' must be an object", i);
		return NULL;
	}
	if (idt__only_keys(r, s, keys, "a substance") != 0) return NULL;
	const char *id = json_string_value(json_object_get(s, "id"));
	if (!id || strlen(id) > 100) {
		idt__reply_err(r, 400, "invalid_field", "'substances[%zu].id' must be a string", i);
		return NULL;
	}
	json_t *o = json_object();
	const idt_kb *kb = r->srv->kb;
	if (kb) {
		size_t k = idt_kb_find(kb, id);
		if (k == (size_t)-1) {
			json_decref(o);
			idt__reply_err(r, 400, "unknown_substance",
			               "'substances[%zu].id': '%.64s' is not in the knowledge base",
			               i, id);
			return NULL;
		}
		const idt_substance *sub = idt_kb_substance(kb, k);
		json_object_set_new(o, "id", json_string(sub->id));
		json_object_set_new(o, "name", json_string(sub->name));
		json_object_set_new(o, "class", json_string(idt_class_name(sub->cls)));
	} else {
		json_object_set_new(o, "id", json_string(id));
		json_t *n = json_object_get(s, "name"), *c = json_object_get(s, "class");
		if (json_is_string(n)) json_object_set(o, "name", n);
		if (json_is_string(c) &&
		    idt_class_parse(json_string_value(c), json_string_length(c)) != IDT_CLASS_COUNT)
			json_object_set(o, "class", c);
	}
	json_t *q = json_object_get(s, "quantity"), *u = json_object_get(s, "unit");
	json_t *f = json_object_get(s, "form"), *p = json_object_get(s, "purity");
	char name[64];
	snprintf(name, sizeof name, "substances[%zu].quantity", i);
	if (q && !json_is_null(q)) {
		if (!json_is_number(q) || json_number_value(q) < 0 || json_number_value(q) > 1e12) {
			json_decref(o);
			idt__reply_err(r, 400, "invalid_field", "'%s' must be a number >= 0", name);
			return NULL;
		}
		json_object_set(o, "quantity", q);
	}
	snprintf(name, sizeof name, "substances[%zu].unit", i);
	if (u && !json_is_null(u)) {
		if (enum_member(r, u, name, units) != 0) return json_decref(o), NULL;
		json_object_set(o, "unit", u);
	}
	snprintf(name, sizeof name, "substances[%zu].form", i);
	if (f && !json_is_null(f)) {
		if (str_member(r, f, name, 1, 64) != 0) return json_decref(o), NULL;
		json_object_set(o, "form", f);
	}
	snprintf(name, sizeof name, "substances[%zu].purity", i);
	if (p && !json_is_null(p)) {
		if (!json_is_number(p) || json_number_value(p) < 0 || json_number_value(p) > 100) {
			json_decref(o);
			idt__reply_err(r, 400, "invalid_field", "'%s' must be a percentage 0..100",
			               name);
			return NULL;
		}
		json_object_set(o, "purity", p);
	}
	return o;
}

/* Canonical observable {type, value (normalised), raw}. */
static json_t *observable(idt_req *r, json_t *o, size_t i)
{
	static const char *const keys[] = {"type", "value", "raw", "platform", "chain", NULL};
	if (!json_is_object(o)) {
		idt__reply_err(r, 400, "wrong_type", "'observables[%zu]' must be an object", i);
		return NULL;
	}
	if (idt__only_keys(r, o, keys, "an observable") != 0) return NULL;
	const char *type = json_string_value(json_object_get(o, "type"));
	json_t *val = json_object_get(o, "value");
	if (!type || !idt__obs_type_valid(type)) {
		idt__reply_err(r, 400, "invalid_field",
		               "'observables[%zu].type' is not a known type", i);
		return NULL;
	}
	if (!json_is_string(val)) {
		idt__reply_err(r, 400, "wrong_type", "'observables[%zu].value' must be a string",
		               i);
		return NULL;
	}
	char norm[IDT_OBS_MAX + 1];
	const char *why = "invalid";
	if (idt__obs_normalize(type, json_string_value(val), json_string_length(val),
	                       json_string_value(json_object_get(o, "platform")),
	                       json_string_value(json_object_get(o, "chain")), norm,
	                       &why) != IDT_OK) {
		idt__reply_err(r, 400, "invalid_observable", "'observables[%zu]' (%s): %s", i, type,
		               why);
		return NULL;
	}
	json_t *raw = json_object_get(o, "raw");
	const char *rawv = json_is_string(raw) ? json_string_value(raw) : json_string_value(val);
	return json_pack("{s:s,s:s,s:s%}", "type", type, "value", norm, "raw", rawv,
	                 strlen(rawv) > 2048 ? (size_t)2048 : strlen(rawv));
}

static int source_member(idt_req *r, json_t *v)
{
	static const char *const keys[] = {"url",  "platform", "hit_id", "file",
	                                   "line", "verdict",  "date",   NULL};
	if (!json_is_object(v))
		return idt__reply_err(r, 400, "wrong_type", "'source' must be an object"), -1;
	if (idt__only_keys(r, v, keys, "source") != 0) return -1;
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (strcmp(k, "verdict") == 0) {
			if (!json_is_object(x))
				return idt__reply_err(r, 400, "wrong_type",
				                      "'source.verdict' must be an object"),
				       -1;
		} else if (strcmp(k, "line") == 0) {
			if (!json_is_integer(x))
				return idt__reply_err(r, 400, "wrong_type",
				                      "'source.line' must be an integer"),
				       -1;
		} else if (!json_is_null(x) && str_member(r, x, k, 0, 4096) != 0) {
			return -1;
		}
	}
	return 0;
}

static int array_member(idt_req *r, json_t *v, const char *name, size_t max)
{
	if (!json_is_array(v) || json_array_size(v) > max)
		return idt__reply_err(r, 400, "wrong_type",
		                      "'%s' must be an array of at most %zu items", name, max),
		       -1;
	return 0;
}

/* ---------------------------------------------------------------- incidents */

static const char *const incident_keys[] = {
    "type",         "status",           "title",       "narrative",
    "occurred_on",  "reported_on",      "origin",      "transit",
    "destination",  "transport_mode",   "concealment", "substances",
    "observables",  "source",           "evidence",    "tlp",
    "distribution", "sharing_group_id", "version",     NULL};

int idt__incident_validate(idt_req *r, json_t *in, bool create, json_t **out)
{
	*out = NULL;
	if (idt__only_keys(r, in, incident_keys, "incident") != 0) return -1;
	json_t *d = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v)
	{
		int bad = 0;
		if (strcmp(k, "version") == 0) {
			if (!json_is_integer(v))
				bad = (idt__reply_err(r, 400, "wrong_type",
				                      "'version' must be an integer"),
				       1);
			continue;
		}
		if (json_is_null(v) &&
		    (strcmp(k, "narrative") == 0 || strcmp(k, "occurred_on") == 0 ||
		     strcmp(k, "reported_on") == 0 || strcmp(k, "transport_mode") == 0 ||
		     strcmp(k, "concealment") == 0 || strcmp(k, "source") == 0 ||
		     strcmp(k, "evidence") == 0 || strcmp(k, "sharing_group_id") == 0)) {
			json_object_set(d, k, v);
			continue;
		}
		if (strcmp(k, "type") == 0)
			bad = enum_member(r, v, k, incident_types);
		else if (strcmp(k, "status") == 0)
			bad = enum_member(r, v, k, statuses);
		else if (strcmp(k, "tlp") == 0)
			bad = enum_member(r, v, k, tlps);
		else if (strcmp(k, "distribution") == 0)
			bad = enum_member(r, v, k, distributions);
		else if (strcmp(k, "transport_mode") == 0)
			bad = enum_member(r, v, k, transport_modes);
		else if (strcmp(k, "title") == 0)
			bad = str_member(r, v, k, 1, 300);
		else if (strcmp(k, "narrative") == 0)
			bad = str_member(r, v, k, 0, 100000);
		else if (strcmp(k, "concealment") == 0)
			bad = str_member(r, v, k, 0, 500);
		else if (strcmp(k, "occurred_on") == 0 || strcmp(k, "reported_on") == 0) {
			if (!idt__date_valid(json_string_value(v)))
				bad = (idt__reply_err(r, 400, "invalid_field",
				                      "'%s' must be a date YYYY-MM-DD", k),
				       1);
		} else if (strcmp(k, "origin") == 0 || strcmp(k, "transit") == 0 ||
		           strcmp(k, "destination") == 0) {
			bad = countries_member(r, v, k);
		} else if (strcmp(k, "sharing_group_id") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				bad = (idt__reply_err(
				           r, 400, "wrong_type",
				           "'sharing_group_id' must be a positive integer"),
				       1);
		} else if (strcmp(k, "source") == 0) {
			bad = source_member(r, v);
		} else if (strcmp(k, "evidence") == 0) {
			bad = array_member(r, v, k, 500);
		} else if (strcmp(k, "substances") == 0) {
			bad = array_member(r, v, k, 50);
			if (!bad) {
				json_t *arr = json_array();
				size_t i;
				json_t *s;
				json_array_foreach(v, i, s)
				{
					json_t *c = substance(r, s, i);
					if (!c) {
						bad = 1;
						break;
					}
					json_array_append_new(arr, c);
				}
				json_object_set_new(d, k, arr);
				if (bad) break;
				continue;
			}
		} else if (strcmp(k, "observables") == 0) {
			bad = array_member(r, v, k, 200);
			if (!bad) {
				json_t *arr = json_array();
				size_t i;
				json_t *o;
				json_array_foreach(v, i, o)
				{
					json_t *c = observable(r, o, i);
					if (!c) {
						bad = 1;
						break;
					}
					json_array_append_new(arr, c);
				}
				json_object_set_new(d, k, arr);
				if (bad) break;
				continue;
			}
		}
		if (bad) {
			json_decref(d);
			return -1;
		}
		json_object_set(d, k, v);
	}
	if (r->status >= 400) {
		json_decref(d);
		return -1;
	}
	if (create) {
		if (!json_object_get(d, "type") || !json_object_get(d, "title")) {
			json_decref(d);
			return idt__reply_err(r, 400, "missing_field",
			                      "an incident needs 'type' and 'title'"),
			       -1;
		}
		static const char *const defs[][2] = {
		    {"status", "draft"}, {"tlp", "amber"}, {"distribution", "own-org"}};
		for (size_t i = 0; i < 3; i++)
			if (!json_object_get(d, defs[i][0]))
				json_object_set_new(d, defs[i][0], json_string(defs[i][1]));
		static const char *const arrays[] = {"origin", "transit", "destination",
		                                     "substances", "observables"};
		for (size_t i = 0; i < 5; i++)
			if (!json_object_get(d, arrays[i]))
				json_object_set_new(d, arrays[i], json_array());
	}
	/* cross-member rules, where both members are known */
	const char *dist = json_string_value(json_object_get(d, "distribution"));
	json_t *g = json_object_get(d, "sharing_group_id");
	if (dist && strcmp(dist, "sharing-group") == 0 && !json_is_integer(g)) {
		json_decref(d);
		return idt__reply_err(r, 400, "missing_field",
		                      "distribution 'sharing-group' needs 'sharing_group_id'"),
		       -1;
	}
	if (dist && strcmp(dist, "sharing-group") != 0 && json_is_integer(g))
		json_object_set_new(d, "sharing_group_id", json_null());
	const char *tlp = json_string_value(json_object_get(d, "tlp"));
	if (tlp && dist && strcmp(tlp, "red") == 0 && strcmp(dist, "all") == 0) {
		json_decref(d);
		return idt__reply_err(
		           r, 400, "invalid_field",
		           "TLP:RED incidents cannot be distributed to all participants"),
		       -1;
	}
	*out = d;
	return 0;
}

/* ---------------------------------------------------------------- hits */

static const char *const hit_keys[] = {
    "id",   "flagged", "score",   "categories", "substances",   "signals", "evidence", "source",
    "text", "fields",  "reasons", "file",       "line",         "url",     "msg_id",   "sender",
    "date", "chat",    "offset",  "platform",   "invalid_utf8", NULL};

static int check_items(idt_req *r, json_t *arr, const char *name, size_t idx,
                       const char *const *keys, const char *const *strs, const char *const *ints)
{
	if (!arr) return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 1000)
		return idt__reply_err(r, 400, "wrong_type", "hit %zu: '%s' must be an array", idx,
		                      name),
		       -1;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it)
	{
		if (!json_is_object(it))
			return idt__reply_err(r, 400, "wrong_type",
			                      "hit %zu: '%s[%zu]' must be an object", idx, name, i),
			       -1;
		const char *k;
		json_t *v;
		json_object_foreach(it, k, v)
		{
			int known = 0;
			for (const char *const *p = keys; *p; p++) known |= strcmp(*p, k) == 0;
			if (!known)
				return idt__reply_err(r, 400, "unknown_field",
				                      "hit %zu: unknown field '%.64s' in %s[%zu]",
				                      idx, k, name, i),
				       -1;
			for (const char *const *p = strs; *p; p++)
				if (strcmp(*p, k) == 0 && !json_is_string(v) && !json_is_null(v))
					return idt__reply_err(
					           r, 400, "wrong_type",
					           "hit %zu: '%s[%zu].%s' must be a string", idx,
					           name, i, k),
					       -1;
			for (const char *const *p = ints; *p; p++)
				if (strcmp(*p, k) == 0 && !json_is_integer(v))
					return idt__reply_err(
					           r, 400, "wrong_type",
					           "hit %zu: '%s[%zu].%s' must be an integer", idx,
					           name, i, k),
					       -1;
		}
	}
	return 0;
}

int idt__hit_validate(idt_req *r, json_t *h, size_t idx, char id_out[33])
{
	if (!json_is_object(h))
		return idt__reply_err(r, 400, "wrong_type", "hit %zu must be an object", idx), -1;
	const char *k;
	json_t *v;
	json_object_foreach(h, k, v)
	{
		if (!in_list(k, hit_keys))
			return idt__reply_err(r, 400, "unknown_field",
			                      "hit %zu: unknown field '%.64s'", idx, k),
			       -1;
	}
	json_t *fl = json_object_get(h, "flagged"), *sc = json_object_get(h, "score");
	if (fl && !json_is_boolean(fl))
		return idt__reply_err(r, 400, "wrong_type", "hit %zu: 'flagged' must be a boolean",
		                      idx),
		       -1;
	if (sc && (!json_is_number(sc) || json_number_value(sc) < 0 || json_number_value(sc) > 1))
		return idt__reply_err(r, 400, "wrong_type",
		                      "hit %zu: 'score' must be a number 0..1", idx),
		       -1;
	json_t *cats = json_object_get(h, "categories");
	if (cats) {
		size_t i;
		json_t *c;
		if (!json_is_array(cats))
			return idt__reply_err(r, 400, "wrong_type",
			                      "hit %zu: 'categories' must be an array", idx),
			       -1;
		json_array_foreach(cats, i, c) if (!json_is_string(c)) return idt__reply_err(
		    r, 400, "wrong_type", "hit %zu: 'categories' must hold strings", idx),
		    -1;
	}
	static const char *const sub_keys[] = {"id", "name", "class", "control", "cas", NULL};
	static const char *const sub_strs[] = {"id", "name", "class", NULL};
	static const char *const sig_keys[] = {"type", "value", "start", "end", "field", NULL};
	static const char *const sig_strs[] = {"type", "value", "field", NULL};
	static const char *const ev_keys[] = {"field", "start",  "end",       "text",
	                                      "kind",  "term",   "substance", "trust",
	                                      "lang",  "weight", NULL};
	static const char *const ev_strs[] = {"field",     "text",  "kind", "term",
	                                      "substance", "trust", "lang", NULL};
	static const char *const pos[] = {"start", "end", NULL};
	static const char *const none[] = {NULL};
	if (check_items(r, json_object_get(h, "substances"), "substances", idx, sub_keys, sub_strs,
	                none) != 0 ||
	    check_items(r, json_object_get(h, "signals"), "signals", idx, sig_keys, sig_strs,
	                pos) != 0 ||
	    check_items(r, json_object_get(h, "evidence"), "evidence", idx, ev_keys, ev_strs,
	                pos) != 0)
		return -1;
	json_t *src = json_object_get(h, "source");
	if (src && !json_is_object(src))
		return idt__reply_err(r, 400, "wrong_type", "hit %zu: 'source' must be an object",
		                      idx),
		       -1;
	json_t *text = json_object_get(h, "text"), *fields = json_object_get(h, "fields");
	if (text && !json_is_string(text))
		return idt__reply_err(r, 400, "wrong_type", "hit %zu: 'text' must be a string",
		                      idx),
		       -1;
	if (fields) {
		if (!json_is_object(fields))
			return idt__reply_err(r, 400, "wrong_type",
			                      "hit %zu: 'fields' must be an object of strings",
			                      idx),
			       -1;
		json_object_foreach(fields, k, v) if (!json_is_string(v)) return idt__reply_err(
		    r, 400, "wrong_type", "hit %zu: 'fields' must be an object of strings", idx),
		    -1;
	}
	/* the content id: the original text where sent, else what the scanner found */
	json_t *basis = (text || fields) ? json_pack("{s:O?,s:O?}", "text", text, "fields", fields)
	                                 : json_pack("{s:O?,s:O?,s:O?}", "substances",
	                                             json_object_get(h, "substances"), "signals",
	                                             json_object_get(h, "signals"), "evidence",
	                                             json_object_get(h, "evidence"));
	char *canon = json_dumps(basis, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(basis);
	if (!canon) return idt__reply_err(r, 503, "out_of_memory", "try again"), -1;
	unsigned char hash[16];
	crypto_generichash(hash, sizeof hash, (unsigned char *)canon, strlen(canon), NULL, 0);
	free(canon);
	sodium_bin2hex(id_out, 33, hash, sizeof hash);
	return 0;
}

/* ---------------------------------------------------------------- prefill from a hit */

static const char *type_from_categories(json_t *cats)
{
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c)
	{
		const char *s = json_string_value(c);
		if (!s) continue;
		if (strcmp(s, "purchase-request") == 0) return "purchase-request";
		if (strcmp(s, "pharmacy") == 0) return "internet-pharmacy";
		if (strcmp(s, "warning") == 0) return "warning";
	}
	return "online-offer";
}

/* Maps a scanner signal to an observable (type, value, platform) or returns 0. */
static int signal_observable(json_t *sig, const char **type, const char **value)
{
	const char *t = json_string_value(json_object_get(sig, "type"));
	*value = json_string_value(json_object_get(sig, "value"));
	if (!t || !*value) return 0;
	static const char *const map[][2] = {{"phone", "phone"},   {"email", "email"},
	                                     {"wallet", "wallet"}, {"url", "url"},
	                                     {"onion", "onion"},   {"contact", "handle"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(t, map[i][0]) == 0) {
			*type = map[i][1];
			return 1;
		}
	return 0;
}

json_t *idt__hit_prefill(idt_server *srv, json_t *hit)
{
	json_t *v = json_object_get(hit, "verdict");
	json_t *subs = json_array(), *obs = json_array();
	idt_buf title = {.cap_limit = 280};
	idt_buf narrative = {.cap_limit = 60000};
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(v, "substances"), i, s)
	{
		const char *id = json_string_value(json_object_get(s, "id"));
		if (!id) continue;
		if (srv->kb && idt_kb_find(srv->kb, id) == (size_t)-1) continue;
		json_array_append_new(subs, json_pack("{s:s}", "id", id));
		const char *name = json_string_value(json_object_get(s, "name"));
		idt__buf_printf(&title, "%s%s", i ? ", " : "", name ? name : id);
	}
	json_array_foreach(json_object_get(v, "signals"), i, s)
	{
		const char *type, *value;
		char norm[IDT_OBS_MAX + 1];
		if (!signal_observable(s, &type, &value)) continue;
		if (idt__obs_normalize(type, value, strlen(value), NULL, NULL, norm, NULL) !=
		    IDT_OK)
			continue;
		int dup = 0;
		size_t j;
		json_t *o;
		json_array_foreach(obs, j, o) dup |=
		    strcmp(json_string_value(json_object_get(o, "value")), value) == 0;
		if (!dup)
			json_array_append_new(obs,
			                      json_pack("{s:s,s:s}", "type", type, "value", value));
	}
	idt__buf_puts(&narrative, "Evidence from the scan:\n");
	json_array_foreach(json_object_get(v, "evidence"), i, s)
	{
		const char *t = json_string_value(json_object_get(s, "text"));
		if (t) idt__buf_printf(&narrative, "- \"%s\"\n", t);
	}
	json_t *src0 = json_array_get(json_object_get(hit, "sources"), 0);
	const char *url = json_string_value(json_object_get(src0, "url"));
	const char *platform = json_string_value(json_object_get(src0, "platform"));
	char tbuf[300];
	const char *type = type_from_categories(json_object_get(v, "categories"));
	snprintf(tbuf, sizeof tbuf, "%s: %.*s%s%s",
	         strcmp(type, "online-offer") == 0 ? "Online offer"
	         : strcmp(type, "warning") == 0    ? "Warning"
	                                           : "Flagged post",
	         (int)title.len, title.data ? title.data : "unknown substance",
	         platform ? " on " : "", platform ? platform : "");
	json_t *source = json_pack("{s:s,s:O}", "hit_id",
	                           json_string_value(json_object_get(hit, "id")), "verdict", v);
	if (url) json_object_set_new(source, "url", json_string(url));
	if (platform) json_object_set_new(source, "platform", json_string(platform));
	json_t *doc = json_pack(
	    "{s:s,s:s,s:s%,s:o,s:o,s:o,s:O}", "type", type, "title", tbuf, "narrative",
	    narrative.data ? narrative.data : "", narrative.len, "substances", subs, "observables",
	    obs, "source", source, "evidence",
	    json_object_get(v, "evidence") ? json_object_get(v, "evidence") : json_array());
	idt__buf_free(&title);
	idt__buf_free(&narrative);
	return doc;
}

/* ---------------------------------------------------------------- search words */

char *idt__fts_words(const char *q)
{
	/* keep letters, digits and any non-ASCII byte (UTF-8 letters); everything else
	 * separates words, so no FTS5 operator or quote survives */
	size_t n = strlen(q);
	if (n > 1000) n = 1000;
	char *out = malloc(n + 1);
	if (!out) return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)q[i];
		if (isalnum(c) || c >= 0x80)
			out[o++] = (char)c;
		else if (o && out[o - 1] != ' ')
			out[o++] = ' ';
	}
	while (o && out[o - 1] == ' ') o--;
	out[o] = 0;
	return out;
}
