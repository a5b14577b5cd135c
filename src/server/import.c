/*
 * import.c - MISP events and STIX 2.1 bundles -> incident documents (the shape POST
 * /api/v1/incidents takes).  routes_interop.c validates and creates them, so imported
 * incidents pass exactly the checks and the correlation of any other.
 *
 * Every imported incident is a DRAFT of the caller's organisation, distribution own-org,
 * whatever the source said (an import never shares anything by itself); the TLP is kept.
 * Whatever has no Interdict field, or fails Interdict's checks (an observable that does not
 * normalise, an unknown substance, a bad country), is left out and reported in `unmapped` as
 * {"where", "reason"}, so the caller sees exactly what did not come in.
 *
 * The mappings are the inverse of export_misp.c and export_stix.c (docs/interop.md), plus the
 * usual spellings of other producers (MISP email/email-dst/hostname/twitter-id attributes,
 * STIX indicators with simple equality patterns, OpenCTI-style phone-number and
 * cryptocurrency-wallet SCOs).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interop.h"
#include "store/observable.h"

#define MAX_OBS 200 /* as validate.c: observables per incident */

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
static const char *const transport_modes[] = {"air",     "sea",       "road",   "rail",  "postal",
                                              "courier", "passenger", "online", "other", NULL};
static const char *const units[] = {"mg",    "g",        "kg",       "t",        "ml",
                                    "l",     "tablets",  "capsules", "blotters", "units",
                                    "doses", "ampoules", "vials",    "plants",   NULL};
static const char *const tlps[] = {"clear", "green", "amber", "amber+strict", "red", NULL};

static int in_list(const char *s, const char *const *l)
{
	for (; s && *l; l++)
		if (strcmp(s, *l) == 0) return 1;
	return 0;
}

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void note(json_t *u, const char *where, const char *fmt, const char *a, const char *b)
{
	char reason[600];
	snprintf(reason, sizeof reason, fmt, a ? a : "", b ? b : "");
	json_array_append_new(u, json_pack("{s:s,s:s}", "where", where, "reason", reason));
}

/* ---------------------------------------------------------------- the incident being built */

typedef struct draft {
	json_t *doc;  /* the incident document */
	json_t *seen; /* "type:normal" -> true */
	json_t *unmapped;
	const idt_kb *kb;
} draft;

static void draft_init(draft *d, const idt_kb *kb, json_t *unmapped, const char *platform)
{
	d->doc =
	    json_pack("{s:s,s:s,s:s,s:[],s:{s:s}}", "type", "online-offer", "status", "draft",
	              "distribution", "own-org", "observables", "source", "platform", platform);
	d->seen = json_object();
	d->unmapped = unmapped;
	d->kb = kb;
}

/* Copies at most max bytes of s, cut at a UTF-8 character boundary. */
static json_t *str_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
	}
	return json_stringn(s, n);
}

static void set_title(draft *d, const char *t, const char *fallback)
{
	if (!t || !*t) t = fallback;
	json_object_set_new(d->doc, "title", str_cut(t, 300));
}

/* Adds an observable if it normalises; duplicates (same normal form) are dropped silently. */
static void add_obs(draft *d, const char *where, const char *type, const char *value)
{
	char norm[IDT_OBS_MAX + 1], key[IDT_OBS_MAX + 32];
	const char *why = "invalid";
	if (!value || !*value) return;
	if (idt__obs_normalize(type, value, strlen(value), NULL, NULL, norm, &why) != IDT_OK) {
		char what[300];
		snprintf(what, sizeof what, "%s '%.200s'", type, value);
		note(d->unmapped, where, "%s is not a valid observable: %s", what, why);
		return;
	}
	snprintf(key, sizeof key, "%s:%s", type, norm);
	if (json_object_get(d->seen, key)) return;
	json_t *obs = json_object_get(d->doc, "observables");
	if (json_array_size(obs) >= MAX_OBS) {
		note(d->unmapped, where,
		     "%s '%s' left out: an incident holds at most 200 observables", type, value);
		return;
	}
	json_object_set_new(d->seen, key, json_true());
	json_array_append_new(obs, json_pack("{s:s,s:s}", "type", type, "value", value));
}

static void add_country(draft *d, const char *where, const char *role, const char *cc)
{
	json_t *l = json_object_get(d->doc, role);
	if (!l) json_object_set_new(d->doc, role, l = json_array());
	if (!cc || !idt__country_valid(cc))
		return note(d->unmapped, where, "'%s' is not an ISO 3166 alpha-2 code (%s)", cc,
		            role);
	if (json_array_size(l) < 20) json_array_append_new(l, json_string(cc));
}

/* A substance {id, quantity?, unit?, form?, purity?}; bad members are dropped and reported. */
static void add_substance(draft *d, const char *where, json_t *s)
{
	const char *id = js(s, "id");
	if (!id || (d->kb && idt_kb_find(d->kb, id) == (size_t)-1))
		return note(d->unmapped, where, "substance '%s' is not in the knowledge base%s", id,
		            "");
	json_t *subs = json_object_get(d->doc, "substances");
	if (!subs) json_object_set_new(d->doc, "substances", subs = json_array());
	if (json_array_size(subs) >= 50) return;
	json_t *c = json_pack("{s:s}", "id", id);
	json_t *q = json_object_get(s, "quantity"), *p = json_object_get(s, "purity");
	if (json_is_number(q) && json_number_value(q) >= 0 && json_number_value(q) <= 1e12)
		json_object_set(c, "quantity", q);
	if (in_list(js(s, "unit"), units)) json_object_set(c, "unit", json_object_get(s, "unit"));
	if (js(s, "form") && strlen(js(s, "form")) >= 1 && strlen(js(s, "form")) <= 64)
		json_object_set(c, "form", json_object_get(s, "form"));
	if (json_is_number(p) && json_number_value(p) >= 0 && json_number_value(p) <= 100)
		json_object_set(c, "purity", p);
	json_array_append_new(subs, c);
}

static void set_date(draft *d, const char *where, const char *k, const char *v)
{
	char day[11];
	if (!v) return;
	snprintf(day, sizeof day, "%.10s", v);
	if (idt__date_valid(day))
		json_object_set_new(d->doc, k, json_string(day));
	else
		note(d->unmapped, where, "'%s' is not a date (%s)", v, k);
}

static void set_type(draft *d, const char *where, const char *t)
{
	if (in_list(t, incident_types))
		json_object_set_new(d->doc, "type", json_string(t));
	else
		note(d->unmapped, where, "unknown incident type '%s'%s", t, "");
}

/* Hands the finished document to `out`. */
static void draft_done(draft *d, json_t *out)
{
	if (!json_object_get(d->doc, "title")) set_title(d, NULL, "Imported incident");
	json_array_append_new(out, d->doc);
	json_decref(d->seen);
	d->doc = d->seen = NULL;
}

/* ---------------------------------------------------------------- MISP */

/* Maps one MISP attribute (type, value) with its comment and tags; 0 if mapped. */
static int misp_attr(draft *d, const char *where, json_t *a)
{
	const char *t = js(a, "type"), *v = js(a, "value"), *cm = js(a, "comment");
	if (!t || !v)
		return note(d->unmapped, where, "attribute without type or value%s%s", "", ""), -1;
	char buf[IDT_OBS_MAX + 64];
	/* the interdict:observable-type tag says what a text attribute is */
	size_t i;
	json_t *tg;
	json_array_foreach(json_object_get(a, "Tag"), i, tg)
	{
		const char *n = js(tg, "name");
		char ty[32];
		if (n && sscanf(n, "interdict:observable-type=\"%31[a-z]\"", ty) == 1 &&
		    idt__obs_type_valid(ty))
			return add_obs(d, where, ty, v), 0;
	}
	if (strcmp(t, "url") == 0) return add_obs(d, where, "url", v), 0;
	if (strcmp(t, "domain") == 0 || strcmp(t, "hostname") == 0) {
		size_t n = strlen(v);
		bool onion = n > 6 && strcasecmp(v + n - 6, ".onion") == 0;
		return add_obs(d, where, onion ? "onion" : "domain", v), 0;
	}
	if (strcmp(t, "onion-address") == 0) return add_obs(d, where, "onion", v), 0;
	if (strcmp(t, "email") == 0 || strcmp(t, "email-src") == 0 || strcmp(t, "email-dst") == 0 ||
	    strcmp(t, "email-reply-to") == 0 || strcmp(t, "whois-registrant-email") == 0 ||
	    strcmp(t, "target-email") == 0)
		return add_obs(d, where, "email", v), 0;
	if (strcmp(t, "phone-number") == 0 || strcmp(t, "whois-registrant-phone") == 0 ||
	    strcmp(t, "prtn") == 0)
		return add_obs(d, where, "phone", v), 0;
	if (strcmp(t, "btc") == 0 || strcmp(t, "xmr") == 0) {
		snprintf(buf, sizeof buf, "%s:%s", t, v);
		return add_obs(d, where, "wallet", buf), 0;
	}
	if (strcmp(t, "twitter-id") == 0 || strcmp(t, "github-username") == 0) {
		snprintf(buf, sizeof buf, "%s:@%s", t[0] == 't' ? "twitter" : "github",
		         v[0] == '@' ? v + 1 : v);
		return add_obs(d, where, "handle", buf), 0;
	}
	if ((strcmp(t, "text") == 0 || strcmp(t, "other") == 0) && cm) {
		if (strcasestr(cm, "pgp fingerprint")) return add_obs(d, where, "pgp", v), 0;
		if (strcasestr(cm, "tracking number")) return add_obs(d, where, "tracking", v), 0;
	}
	note(d->unmapped, where,
	     "MISP attribute type '%s' has no Interdict observable type ('%.200s')", t, v);
	return -1;
}

/* The value of the first attribute of object o with object_relation rel, or NULL. */
static const char *obj_rel(json_t *o, const char *rel)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(o, "Attribute"), i, a)
	{
		const char *r = js(a, "object_relation");
		if (r && strcmp(r, rel) == 0) return js(a, "value");
	}
	return NULL;
}

static void misp_object(draft *d, const char *where, json_t *o)
{
	const char *name = js(o, "name");
	char buf[IDT_OBS_MAX + 64];
	if (name && strcmp(name, "coin-address") == 0) {
		const char *sym = obj_rel(o, "symbol");
		const char *btc = obj_rel(o, "address"), *xmr = obj_rel(o, "address-xmr");
		const char *other = obj_rel(o, "address-crypto");
		if (btc) snprintf(buf, sizeof buf, "btc:%s", btc), add_obs(d, where, "wallet", buf);
		if (xmr) snprintf(buf, sizeof buf, "xmr:%s", xmr), add_obs(d, where, "wallet", buf);
		if (other) {
			char chain[16] = "";
			for (size_t i = 0; sym && sym[i] && i < sizeof chain - 1; i++)
				chain[i] = (char)tolower((unsigned char)sym[i]);
			snprintf(buf, sizeof buf, "%s%s%s", chain, chain[0] ? ":" : "", other);
			add_obs(d, where, "wallet", buf);
		}
		if (!btc && !xmr && !other)
			note(d->unmapped, where, "coin-address object without an address%s%s", "",
			     "");
		return;
	}
	if (name && strcmp(name, "user-account") == 0) {
		const char *plat = obj_rel(o, "account-type");
		const char *user = obj_rel(o, "username");
		if (!user) user = obj_rel(o, "user-id");
		if (!plat || !user)
			return note(d->unmapped, where,
			            "user-account object needs account-type and username%s%s", "",
			            "");
		snprintf(buf, sizeof buf, "%s:@%s", plat, user[0] == '@' ? user + 1 : user);
		add_obs(d, where, "handle", buf);
		return;
	}
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(o, "Attribute"), i, a)
	{
		const char *rel = js(a, "object_relation");
		char w[300];
		snprintf(w, sizeof w, "%.200s.%.60s", where, rel ? rel : "?");
		if (name && strcmp(name, "legal-entity") == 0 && rel && strcmp(rel, "name") == 0)
			add_obs(d, w, "company", js(a, "value"));
		else if (name && strcmp(name, "legal-entity") == 0 && rel &&
		         strcmp(rel, "website") == 0)
			add_obs(d, w, "url", js(a, "value"));
		else
			misp_attr(d, w, a);
	}
}

static void misp_tag(draft *d, const char *where, const char *n)
{
	char v[128], k[48];
	if (!n) return;
	if (strncasecmp(n, "tlp:", 4) == 0) {
		char t[32];
		snprintf(t, sizeof t, "%s", n + 4);
		for (char *p = t; *p; p++) *p = (char)tolower((unsigned char)*p);
		if (strcmp(t, "white") == 0) snprintf(t, sizeof t, "clear");
		if (in_list(t, tlps))
			json_object_set_new(d->doc, "tlp", json_string(t));
		else
			note(d->unmapped, where, "TLP tag '%s' has no TLP 2.0 equivalent%s", n, "");
		return;
	}
	if (sscanf(n, "interdict:%47[a-z-]=\"%127[^\"]\"", k, v) == 2) {
		if (strcmp(k, "incident-type") == 0) return set_type(d, where, v);
		if (strcmp(k, "substance") == 0) {
			json_t *s = json_pack("{s:s}", "id", v);
			add_substance(d, where, s);
			json_decref(s);
			return;
		}
		if (strcmp(k, "origin") == 0 || strcmp(k, "transit") == 0 ||
		    strcmp(k, "destination") == 0)
			return add_country(d, where, k, v);
		if (strcmp(k, "transport-mode") == 0) {
			if (in_list(v, transport_modes))
				json_object_set_new(d->doc, "transport_mode", json_string(v));
			else
				note(d->unmapped, where, "unknown transport mode '%s'%s", v, "");
			return;
		}
		/* status (imports are drafts), substance-class (from the knowledge base) */
		if (strcmp(k, "status") == 0 || strcmp(k, "substance-class") == 0 ||
		    strcmp(k, "observable-type") == 0)
			return;
	}
	note(d->unmapped, where, "tag '%s' has no Interdict field%s", n, "");
}

static void misp_event(draft *d, json_t *ev, size_t idx)
{
	char where[200];
	size_t i;
	json_t *x;
	snprintf(where, sizeof where, "event[%zu]", idx);
	set_title(d, js(ev, "info"), "Imported MISP event");
	set_date(d, where, "occurred_on", js(ev, "date"));
	idt_buf narr = {.cap_limit = 100000};
	json_array_foreach(json_object_get(ev, "EventReport"), i, x)
	{
		const char *c = js(x, "content");
		if (!c || !*c) continue;
		if (narr.len) idt__buf_puts(&narr, "\n\n");
		if (idt__buf_puts(&narr, c) != IDT_OK)
			note(d->unmapped, where,
			     "EventReport text beyond 100,000 bytes left out%s%s", "", "");
	}
	if (narr.len) json_object_set_new(d->doc, "narrative", json_stringn(narr.data, narr.len));
	idt__buf_free(&narr);
	json_array_foreach(json_object_get(ev, "Tag"), i, x)
	{
		char w[300];
		snprintf(w, sizeof w, "%.200s.Tag[%zu]", where, i);
		misp_tag(d, w, js(x, "name"));
	}
	json_array_foreach(json_object_get(ev, "Attribute"), i, x)
	{
		char w[300];
		snprintf(w, sizeof w, "%.200s.Attribute[%zu]", where, i);
		misp_attr(d, w, x);
	}
	json_array_foreach(json_object_get(ev, "Object"), i, x)
	{
		char w[300];
		snprintf(w, sizeof w, "%.200s.Object[%zu] %.60s", where, i,
		         js(x, "name") ? js(x, "name") : "?");
		misp_object(d, w, x);
	}
	if (json_object_get(ev, "Galaxy") && json_array_size(json_object_get(ev, "Galaxy")))
		note(d->unmapped, where, "galaxy clusters have no Interdict field%s%s", "", "");
}

json_t *idt__import_misp(json_t *doc, const idt_kb *kb, json_t *unmapped, const char **why)
{
	json_t *events = json_array();
	if (json_is_object(doc) && json_is_object(json_object_get(doc, "Event"))) {
		json_array_append(events, json_object_get(doc, "Event"));
	} else {
		json_t *list = json_is_array(doc) ? doc : json_object_get(doc, "response");
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e)
		{
			json_t *ev = json_object_get(e, "Event");
			if (json_is_object(ev)) json_array_append(events, ev);
		}
	}
	if (!json_array_size(events)) {
		json_decref(events);
		*why = "no MISP event: expected {\"Event\": …} or {\"response\": [{\"Event\": …}]}";
		return NULL;
	}
	json_t *out = json_array();
	size_t i;
	json_t *ev;
	json_array_foreach(events, i, ev)
	{
		draft d;
		draft_init(&d, kb, unmapped, "misp");
		misp_event(&d, ev, i);
		draft_done(&d, out);
	}
	json_decref(events);
	return out;
}

/* ---------------------------------------------------------------- STIX */

static const struct {
	const char *id, *tlp;
} stix_tlps[] = {
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red"},
    /* TLP 1.0 (STIX 2.1 section 7.2.1.4) */
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "clear"},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"},
};

/* Maps one SCO (or SCO-like object from a pattern); 0 if it was an observable type. */
static int stix_sco(draft *d, const char *where, json_t *o)
{
	const char *t = js(o, "type"), *v = js(o, "value");
	char buf[IDT_OBS_MAX + 64];
	if (!t) return -1;
	if (strcmp(t, "url") == 0) return add_obs(d, where, "url", v), 0;
	if (strcmp(t, "domain-name") == 0) {
		size_t n = v ? strlen(v) : 0;
		bool onion = n > 6 && strcasecmp(v + n - 6, ".onion") == 0;
		return add_obs(d, where, onion ? "onion" : "domain", v), 0;
	}
	if (strcmp(t, "email-addr") == 0) return add_obs(d, where, "email", v), 0;
	if (strcmp(t, "user-account") == 0) {
		const char *plat = js(o, "account_type"), *login = js(o, "account_login");
		if (!login) login = js(o, "user_id");
		if (!login) login = js(o, "display_name");
		if (!plat || !login)
			return note(d->unmapped, where,
			            "user-account needs account_type and account_login%s%s", "",
			            ""),
			       0;
		snprintf(buf, sizeof buf, "%s:@%s", plat, login[0] == '@' ? login + 1 : login);
		return add_obs(d, where, "handle", buf), 0;
	}
	if (strcmp(t, "interdict-phone") == 0 || strcmp(t, "phone-number") == 0)
		return add_obs(d, where, "phone", v), 0;
	if (strcmp(t, "interdict-wallet") == 0 || strcmp(t, "cryptocurrency-wallet") == 0) {
		const char *chain = js(o, "chain"), *addr = v ? v : js(o, "address");
		if (!addr)
			return note(d->unmapped, where, "wallet without an address%s%s", "", ""), 0;
		snprintf(buf, sizeof buf, "%s%s%s", chain ? chain : "", chain ? ":" : "", addr);
		return add_obs(d, where, "wallet", buf), 0;
	}
	if (strcmp(t, "interdict-pgp-fingerprint") == 0) return add_obs(d, where, "pgp", v), 0;
	if (strcmp(t, "interdict-tracking-number") == 0) return add_obs(d, where, "tracking", v), 0;
	return -1;
}

/* Parses a simple STIX pattern "[t:p = 'v' AND t:p = 'v' …]" (one observation, equality
 * comparisons of one object type) into an SCO-like object; NULL if it is anything else. */
static json_t *pattern_obj(const char *p)
{
	if (!p) return NULL;
	json_t *o = json_object();
	char type[64] = "";
	while (*p == ' ') p++;
	if (*p++ != '[') goto bad;
	for (;;) {
		char t[64], prop[64];
		int n = 0;
		while (*p == ' ') p++;
		if (sscanf(p, "%63[a-z0-9-]:%63[a-z0-9_] = '%n", t, prop, &n) != 2 || n == 0)
			goto bad;
		if (type[0] && strcmp(type, t) != 0) goto bad;
		snprintf(type, sizeof type, "%s", t);
		p += n;
		idt_buf v = {.cap_limit = IDT_OBS_MAX};
		while (*p && *p != '\'') {
			if (*p == '\\' && p[1]) p++;
			idt__buf_putc(&v, *p++);
		}
		if (*p++ != '\'') {
			idt__buf_free(&v);
			goto bad;
		}
		json_object_set_new(o, prop, json_stringn(v.data ? v.data : "", v.len));
		idt__buf_free(&v);
		while (*p == ' ') p++;
		if (*p == ']') {
			p++;
			break;
		}
		if (strncmp(p, "AND ", 4) != 0) goto bad;
		p += 4;
	}
	while (*p == ' ') p++;
	if (*p) goto bad;
	json_object_set_new(o, "type", json_string(type));
	return o;
bad:
	json_decref(o);
	return NULL;
}

/* Maps the object with id `ref` (and what an observed-data or indicator holds).  `depth` counts
 * observed-data nesting: STIX observed-data refers to observables, so a reference to another
 * observed-data (or to itself: a cycle) is reported, not followed. */
static void stix_ref(draft *d, json_t *index, const char *ref, const char *creator, int depth)
{
	json_t *o = json_object_get(index, ref);
	char where[300];
	snprintf(where, sizeof where, "%.250s", ref);
	if (!o)
		return note(d->unmapped, where, "referenced object is not in the bundle%s%s", "",
		            "");
	const char *t = js(o, "type");
	if (!t) return;
	if (strcmp(t, "observed-data") == 0) {
		if (depth > 0)
			return note(d->unmapped, where, "observed-data inside observed-data%s%s", "",
			            "");
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(o, "object_refs"), i, r)
		    stix_ref(d, index, json_string_value(r), creator, depth + 1);
		return;
	}
	if (strcmp(t, "indicator") == 0) {
		const char *pt = js(o, "pattern_type");
		json_t *so = pt && strcmp(pt, "stix") == 0 ? pattern_obj(js(o, "pattern")) : NULL;
		if (!so || stix_sco(d, where, so) != 0)
			note(d->unmapped, where, "indicator pattern not mapped: %.300s%s",
			     js(o, "pattern"), "");
		json_decref(so);
		return;
	}
	if (strcmp(t, "identity") == 0) {
		const char *cls = js(o, "identity_class");
		if (creator && strcmp(ref, creator) == 0) return;
		if (cls && strcmp(cls, "organization") == 0)
			return add_obs(d, where, "company", js(o, "name"));
		return note(d->unmapped, where, "identity of class '%s' has no Interdict field%s",
		            cls, "");
	}
	/* relationships and markings carry nothing of their own; the rest may be an SCO */
	if (strcmp(t, "relationship") == 0 || strcmp(t, "marking-definition") == 0 ||
	    strcmp(t, "extension-definition") == 0)
		return;
	if (stix_sco(d, where, o) != 0)
		note(d->unmapped, where, "STIX type '%s' has no Interdict field%s", t, "");
}

/* The Interdict incident extension of a report, or NULL. */
static json_t *incident_ext(json_t *report)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(report, "extensions"), k, v)
	{
		if (json_object_get(v, "incident_type")) return v;
	}
	return NULL;
}

static void stix_report(draft *d, json_t *index, json_t *rep)
{
	char where[300];
	snprintf(where, sizeof where, "%.250s", js(rep, "id") ? js(rep, "id") : "report");
	set_title(d, js(rep, "name"), "Imported STIX report");
	const char *desc = js(rep, "description");
	if (desc && *desc) json_object_set_new(d->doc, "narrative", str_cut(desc, 100000));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(rep, "object_marking_refs"), i, x)
	{
		for (size_t k = 0; k < sizeof stix_tlps / sizeof stix_tlps[0]; k++)
			if (json_string_value(x) &&
			    strcmp(json_string_value(x), stix_tlps[k].id) == 0)
				json_object_set_new(d->doc, "tlp", json_string(stix_tlps[k].tlp));
	}
	json_t *e = incident_ext(rep);
	if (e) {
		set_type(d, where, js(e, "incident_type"));
		set_date(d, where, "occurred_on", js(e, "occurred_on"));
		set_date(d, where, "reported_on", js(e, "reported_on"));
		static const char *const roles[] = {"origin", "transit", "destination"};
		for (int k = 0; k < 3; k++)
			json_array_foreach(json_object_get(e, roles[k]), i, x)
			    add_country(d, where, roles[k], json_string_value(x));
		const char *tm = js(e, "transport_mode");
		if (tm && in_list(tm, transport_modes))
			json_object_set_new(d->doc, "transport_mode", json_string(tm));
		const char *cc = js(e, "concealment");
		if (cc) json_object_set_new(d->doc, "concealment", str_cut(cc, 500));
		json_array_foreach(json_object_get(e, "substances"), i, x)
		    add_substance(d, where, x);
	} else {
		const char *pub = js(rep, "published");
		if (pub) set_date(d, where, "reported_on", pub);
	}
	const char *creator = js(rep, "created_by_ref");
	json_array_foreach(json_object_get(rep, "object_refs"), i, x)
	    stix_ref(d, index, json_string_value(x), creator, 0);
}

json_t *idt__import_stix(json_t *doc, const idt_kb *kb, json_t *unmapped, const char **why)
{
	json_t *objs = json_object_get(doc, "objects");
	if (!json_is_object(doc) || !js(doc, "type") || strcmp(js(doc, "type"), "bundle") != 0 ||
	    !json_is_array(objs)) {
		*why = "not a STIX 2.1 bundle ({\"type\": \"bundle\", \"objects\": […]})";
		return NULL;
	}
	json_t *index = json_object(), *out = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o)
	{
		if (js(o, "id")) json_object_set(index, js(o, "id"), o);
	}
	json_array_foreach(objs, i, o)
	{
		if (!js(o, "type") || strcmp(js(o, "type"), "report") != 0) continue;
		draft d;
		draft_init(&d, kb, unmapped, "stix");
		stix_report(&d, index, o);
		draft_done(&d, out);
	}
	if (!json_array_size(out)) {
		/* no report: the whole bundle is one incident */
		draft d;
		draft_init(&d, kb, unmapped, "stix");
		char title[300];
		snprintf(title, sizeof title, "Imported STIX %.200s",
		         js(doc, "id") ? js(doc, "id") : "bundle");
		set_title(&d, title, title);
		json_array_foreach(objs, i, o)
		{
			const char *t = js(o, "type");
			if (!t || strcmp(t, "observed-data") == 0)
				continue; /* SCOs are listed anyway */
			if (strcmp(t, "identity") == 0 && !js(o, "identity_class")) continue;
			if (strcmp(t, "identity") == 0 &&
			    strcmp(js(o, "identity_class"), "organization") == 0)
				continue; /* producers, not companies, in a bundle without a report
				           */
			if (js(o, "id")) stix_ref(&d, index, js(o, "id"), NULL, 0);
		}
		draft_done(&d, out);
	}
	json_decref(index);
	return out;
}
