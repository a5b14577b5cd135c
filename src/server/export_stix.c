/*
 * export_stix.c - incidents as one STIX 2.1 bundle.
 *
 * Per incident (ids are UUIDv5, so exporting twice gives the same bundle):
 *
 *   identity            the owning organisation (identity_class "organization")
 *   report              the incident: name = title, description = narrative, published =
 *                       reported_on or created_at, created/modified = created_at/updated_at,
 *                       created_by_ref = the organisation, object_refs = everything below,
 *                       and the Interdict incident property extension (type, status, dates,
 *                       countries, transport, concealment, substances, distribution)
 *   observed-data       one, over all the incident's cyber observables
 *   SCOs                url -> url; domain, onion -> domain-name; email -> email-addr;
 *                       handle -> user-account (account_type = platform, account_login = name);
 *                       phone, wallet, pgp, tracking -> the new SCOs interdict-phone,
 *                       interdict-wallet, interdict-pgp-fingerprint, interdict-tracking-number,
 *                       each defined by an extension-definition of Interdict (new-sco);
 *                       SCO ids follow STIX 2.1 section 2.9 (UUIDv5 of the canonical JSON of
 *                       the ID contributing properties, in the STIX namespace)
 *   identity            company -> identity_class "organization", referenced from the report
 *   indicator           for url, domain, onion, email and handle: a STIX pattern
 *                       ([url:value = '…'], [domain-name:value = '…'], [email-addr:value = '…'],
 *                       [user-account:account_type = '…' AND user-account:account_login = '…'])
 *   relationship        indicator based-on observed-data
 *   marking-definition  the incident's TLP, as the OASIS TLP 2.0 marking definitions
 *                       (extension-definition--60a3c5c5-…), on every object of the incident
 *
 * Objects shared by several incidents (organisations, SCOs, markings, the extension
 * definitions) appear once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "interop.h"

#define EXT_CREATED "2026-11-29T00:00:00.000Z" /* first version of Interdict's extensions */
#define TLP2_EXT    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---------------------------------------------------------------- fixed objects */

static const struct {
	const char *tlp, *id, *name;
} tlps[] = {
    {"clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR"},
    {"green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN"},
    {"amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER"},
    {"amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     "TLP:AMBER+STRICT"},
    {"red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED"},
};

/* Interdict's extension definitions: the report property extension and the new SCOs. */
static const struct {
	const char *key;  /* uuid5 name */
	const char *type; /* the SCO type, or NULL for the property extension */
	const char *name, *desc;
} exts[] = {
    {"ext interdict-incident", NULL, "Interdict incident",
     "Drug-control incident details of a report: incident_type, status, occurred_on, "
     "reported_on, origin, transit, destination (ISO 3166-1 alpha-2 lists), transport_mode, "
     "concealment, distribution, and substances [{id, name, class, quantity, unit, form, "
     "purity}], as in Interdict's data model (docs/data-model.md)."},
    {"ext interdict-phone", "interdict-phone", "Interdict phone number",
     "A new SCO: a telephone number. Properties: value (E.164, e.g. +447700900123). "
     "ID contributing property: value."},
    {"ext interdict-wallet", "interdict-wallet", "Interdict cryptocurrency wallet",
     "A new SCO: a cryptocurrency address. Properties: value (the address as used on its "
     "chain), chain (btc, eth, xmr, ltc, trx, ...; lower case). ID contributing properties: "
     "chain, value."},
    {"ext interdict-pgp-fingerprint", "interdict-pgp-fingerprint", "Interdict PGP fingerprint",
     "A new SCO: an OpenPGP key fingerprint. Properties: value (40 or 64 upper-case hex "
     "digits). ID contributing property: value."},
    {"ext interdict-tracking-number", "interdict-tracking-number",
     "Interdict parcel tracking number",
     "A new SCO: a postal or courier tracking number. Properties: value (upper-case letters "
     "and digits, e.g. LX123456789CN). ID contributing property: value."},
};

static void ext_id(size_t i, char out[80])
{
	char u[37];
	idt__uuid5f(u, "%s", exts[i].key);
	snprintf(out, 80, "extension-definition--%s", u);
}

/* The extension-definition id of a new SCO type, or NULL. */
static const char *sco_ext(const char *type, char out[80])
{
	for (size_t i = 1; i < sizeof exts / sizeof exts[0]; i++)
		if (strcmp(exts[i].type, type) == 0) return ext_id(i, out), out;
	return NULL;
}

static void project_id(char out[64])
{
	char u[37];
	idt__uuid5f(u, "identity interdict-project");
	snprintf(out, 64, "identity--%s", u);
}

/* ---------------------------------------------------------------- bundle building */

typedef struct bundle {
	json_t *objects; /* the bundle's array */
	json_t *seen;    /* id -> true: objects already added */
	const char *base;
} bundle;

/* Adds obj (taken) unless an object with its id is there already. */
static void add(bundle *b, json_t *obj)
{
	const char *id = js(obj, "id");
	if (!id || json_object_get(b->seen, id)) {
		json_decref(obj);
		return;
	}
	json_object_set_new(b->seen, id, json_true());
	json_array_append_new(b->objects, obj);
}

static void add_fixed(bundle *b)
{
	char pid[64];
	project_id(pid);
	add(b, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "identity", "spec_version",
	                 "2.1", "id", pid, "created", EXT_CREATED, "modified", EXT_CREATED, "name",
	                 "Interdict", "identity_class", "system", "description",
	                 "The Interdict project (drug-control incident exchange); author of "
	                 "Interdict's STIX extension definitions."));
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		char id[80];
		ext_id(i, id);
		add(b, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type",
		                 "extension-definition", "spec_version", "2.1", "id", id,
		                 "created_by_ref", pid, "created", EXT_CREATED, "modified",
		                 EXT_CREATED, "name", exts[i].name, "description", exts[i].desc,
		                 "schema", exts[i].desc, "version", "1.0", "extension_types",
		                 exts[i].type ? "new-sco" : "property-extension"));
	}
}

static const char *tlp_marking(bundle *b, const char *tlp)
{
	for (size_t i = 0; i < sizeof tlps / sizeof tlps[0]; i++) {
		if (!tlp || strcmp(tlps[i].tlp, tlp) != 0) continue;
		add(b, json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s}}}", "type",
		                 "marking-definition", "spec_version", "2.1", "id", tlps[i].id,
		                 "created", "2022-10-01T00:00:00.000Z", "name", tlps[i].name,
		                 "extensions", TLP2_EXT, "extension_type", "property-extension",
		                 "tlp_2_0", tlps[i].tlp));
		return tlps[i].id;
	}
	return NULL;
}

/* Sets "object_marking_refs" on o when there is a marking. */
static json_t *marked(json_t *o, const char *marking)
{
	if (o && marking) json_object_set_new(o, "object_marking_refs", json_pack("[s]", marking));
	return o;
}

/* STIX section 2.9: type--UUIDv5(STIX namespace, canonical JSON of the ID properties). */
static void sco_id(const char *type, json_t *idprops, char out[300])
{
	char *c = json_dumps(idprops, JSON_COMPACT | JSON_SORT_KEYS);
	char u[37];
	idt__uuid5(idt__ns_stix_sco, c ? c : "", c ? strlen(c) : 0, u);
	free(c);
	snprintf(out, 300, "%s--%s", type, u);
}

/* Appends a pattern string literal: ' and \ escaped (STIX patterning, section 9). */
static void pat_str(idt_buf *p, const char *s)
{
	idt__buf_putc(p, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\') idt__buf_putc(p, '\\');
		idt__buf_putc(p, *s);
	}
	idt__buf_putc(p, '\'');
}

/* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYY-MM-DDTHH:MM:SS.000Z": STIX wants created and modified
 * precise to the millisecond (section 3.2). */
static void ms(const char *iso, char out[32])
{
	if (iso && strlen(iso) == 20 && iso[19] == 'Z')
		snprintf(out, 32, "%.19s.000Z", iso);
	else
		snprintf(out, 32, "%s", iso ? iso : EXT_CREATED);
}

typedef struct inc_ctx {
	bundle *b;
	json_t *inc;
	const char *marking;
	char created[32], modified[32];
	char org_ref[64];
	char od_ref[64];     /* observed-data id */
	json_t *report_refs; /* ids the report points to */
	json_t *sco_refs;    /* ids the observed-data points to */
	json_t *patterns;    /* [name, pattern] pairs for indicators */
} inc_ctx;

static void indicator_for(inc_ctx *c, const char *label, idt_buf *pat)
{
	if (idt__buf_putc(pat, 0) != IDT_OK) return;
	json_array_append_new(c->patterns, json_pack("[s,s]", label, pat->data));
}

/* One observable: its SCO (or identity), and a pattern where one applies. */
static void observable(inc_ctx *c, json_t *o)
{
	const char *type = js(o, "type"), *v = js(o, "value");
	if (!type || !v) return;
	char id[300], ext[80];
	json_t *sco = NULL, *idp = NULL;
	idt_buf pat = {.cap_limit = 8192};
	if (strcmp(type, "url") == 0 || strcmp(type, "domain") == 0 || strcmp(type, "onion") == 0 ||
	    strcmp(type, "email") == 0) {
		const char *st = strcmp(type, "url") == 0     ? "url"
		                 : strcmp(type, "email") == 0 ? "email-addr"
		                                              : "domain-name";
		idp = json_pack("{s:s}", "value", v);
		sco_id(st, idp, id);
		sco = json_pack("{s:s,s:s,s:s,s:s}", "type", st, "spec_version", "2.1", "id", id,
		                "value", v);
		idt__buf_printf(&pat, "[%s:value = ", st);
		pat_str(&pat, v);
		idt__buf_putc(&pat, ']');
	} else if (strcmp(type, "handle") == 0) {
		const char *at = strstr(v, ":@");
		if (!at) return;
		char plat[64];
		snprintf(plat, sizeof plat, "%.*s", (int)(at - v), v);
		idp = json_pack("{s:s,s:s}", "account_type", plat, "account_login", at + 2);
		sco_id("user-account", idp, id);
		sco = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "user-account", "spec_version",
		                "2.1", "id", id, "account_type", plat, "account_login", at + 2,
		                "display_name", at + 1);
		idt__buf_puts(&pat, "[user-account:account_type = ");
		pat_str(&pat, plat);
		idt__buf_puts(&pat, " AND user-account:account_login = ");
		pat_str(&pat, at + 2);
		idt__buf_putc(&pat, ']');
	} else if (strcmp(type, "company") == 0) {
		char u[37];
		const char *raw = js(o, "raw");
		idt__uuid5f(u, "company %s", v);
		snprintf(id, sizeof id, "identity--%s", u);
		add(c->b, marked(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type",
		                           "identity", "spec_version", "2.1", "id", id, "created",
		                           c->created, "modified", c->created, "name",
		                           raw && *raw ? raw : v, "identity_class", "organization",
		                           "created_by_ref", c->org_ref, "roles", "company"),
		                 c->marking));
		json_array_append_new(c->report_refs, json_string(id));
		return;
	} else {
		const char *st = strcmp(type, "phone") == 0      ? "interdict-phone"
		                 : strcmp(type, "wallet") == 0   ? "interdict-wallet"
		                 : strcmp(type, "pgp") == 0      ? "interdict-pgp-fingerprint"
		                 : strcmp(type, "tracking") == 0 ? "interdict-tracking-number"
		                                                 : NULL;
		if (!st || !sco_ext(st, ext)) return;
		const char *val = v;
		char chain[16] = "";
		if (strcmp(type, "wallet") == 0) {
			const char *colon = strchr(v, ':');
			if (!colon || (size_t)(colon - v) >= sizeof chain) return;
			snprintf(chain, sizeof chain, "%.*s", (int)(colon - v), v);
			val = colon + 1;
			idp = json_pack("{s:s,s:s}", "chain", chain, "value", val);
		} else {
			idp = json_pack("{s:s}", "value", val);
		}
		sco_id(st, idp, id);
		sco = json_pack("{s:s,s:s,s:s,s:s,s:{s:{s:s}}}", "type", st, "spec_version", "2.1",
		                "id", id, "value", val, "extensions", ext, "extension_type",
		                "new-sco");
		if (chain[0]) json_object_set_new(sco, "chain", json_string(chain));
	}
	json_decref(idp);
	add(c->b, marked(sco, c->marking));
	json_array_append_new(c->sco_refs, json_string(id));
	json_array_append_new(c->report_refs, json_string(id));
	if (pat.len) {
		char label[300];
		snprintf(label, sizeof label, "%s: %.250s", type, v);
		indicator_for(c, label, &pat);
	}
	idt__buf_free(&pat);
}

static void org_identity(inc_ctx *c)
{
	json_t *org = json_object_get(c->inc, "org");
	char u[37];
	idt__uuid5f(u, "org %s/orgs/%lld", c->b->base,
	            (long long)json_integer_value(json_object_get(org, "id")));
	snprintf(c->org_ref, sizeof c->org_ref, "identity--%s", u);
	char desc[200];
	snprintf(desc, sizeof desc, "Interdict organisation (%s, %s)",
	         js(org, "kind") ? js(org, "kind") : "?",
	         js(org, "country") ? js(org, "country") : "?");
	add(c->b, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "identity", "spec_version",
	                    "2.1", "id", c->org_ref, "created", EXT_CREATED, "modified",
	                    EXT_CREATED, "name", js(org, "name") ? js(org, "name") : "?",
	                    "identity_class", "organization", "description", desc));
}

/* The property extension of the report: the fields STIX has no place for. Empty lists and
 * nulls are left out (the STIX schemas allow neither in custom properties). */
static json_t *incident_ext(json_t *inc)
{
	json_t *e = json_pack("{s:s}", "extension_type", "property-extension");
	static const char *const strs[] = {
	    "type",           "status",      "occurred_on",  "reported_on",
	    "transport_mode", "concealment", "distribution", "tlp"};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		const char *v = js(inc, strs[i]);
		if (v && *v)
			json_object_set_new(
			    e, strcmp(strs[i], "type") == 0 ? "incident_type" : strs[i],
			    json_string(v));
	}
	json_object_set(e, "incident_id", json_object_get(inc, "id"));
	static const char *const lists[] = {"origin", "transit", "destination"};
	for (size_t i = 0; i < 3; i++) {
		json_t *l = json_object_get(inc, lists[i]);
		if (json_array_size(l)) json_object_set(e, lists[i], l);
	}
	json_t *subs = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(inc, "substances"), i, s)
	{
		json_t *c = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(s, k, v) if (!json_is_null(v)) json_object_set(c, k, v);
		json_array_append_new(subs, c);
	}
	if (json_array_size(subs))
		json_object_set_new(e, "substances", subs);
	else
		json_decref(subs);
	return e;
}

static void incident(bundle *b, json_t *inc)
{
	int64_t iid = json_integer_value(json_object_get(inc, "id"));
	inc_ctx c = {.b = b, .inc = inc};
	ms(js(inc, "created_at"), c.created);
	ms(js(inc, "updated_at") ? js(inc, "updated_at") : js(inc, "created_at"), c.modified);
	c.marking = tlp_marking(b, js(inc, "tlp"));
	c.report_refs = json_array(), c.sco_refs = json_array(), c.patterns = json_array();
	org_identity(&c);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(inc, "observables"), i, o) observable(&c, o);
	char u[37];
	if (json_array_size(c.sco_refs)) {
		idt__uuid5f(u, "observed-data %s/incidents/%lld", b->base, (long long)iid);
		snprintf(c.od_ref, sizeof c.od_ref, "observed-data--%s", u);
		char when[32];
		const char *occ = js(inc, "occurred_on");
		if (occ)
			snprintf(when, sizeof when, "%.10sT00:00:00Z", occ);
		else
			snprintf(when, sizeof when, "%s", c.created);
		add(b,
		    marked(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:O}", "type",
		                     "observed-data", "spec_version", "2.1", "id", c.od_ref,
		                     "created_by_ref", c.org_ref, "created", c.created, "modified",
		                     c.modified, "first_observed", when, "last_observed", when,
		                     "number_observed", 1, "object_refs", c.sco_refs),
		           c.marking));
		json_array_append_new(c.report_refs, json_string(c.od_ref));
	}
	json_t *pair;
	json_array_foreach(c.patterns, i, pair)
	{
		const char *label = json_string_value(json_array_get(pair, 0));
		const char *pat = json_string_value(json_array_get(pair, 1));
		char ind[64], rel[64];
		idt__uuid5f(u, "indicator %s/incidents/%lld %s", b->base, (long long)iid, pat);
		snprintf(ind, sizeof ind, "indicator--%s", u);
		add(b, marked(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type",
		                        "indicator", "spec_version", "2.1", "id", ind,
		                        "created_by_ref", c.org_ref, "created", c.created,
		                        "modified", c.modified, "name", label, "pattern", pat,
		                        "pattern_type", "stix", "valid_from", c.created,
		                        "indicator_types", "malicious-activity"),
		              c.marking));
		json_array_append_new(c.report_refs, json_string(ind));
		idt__uuid5f(u, "relationship %s %s", ind, c.od_ref);
		snprintf(rel, sizeof rel, "relationship--%s", u);
		add(b, marked(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type",
		                        "relationship", "spec_version", "2.1", "id", rel,
		                        "created_by_ref", c.org_ref, "created", c.created,
		                        "modified", c.modified, "relationship_type", "based-on",
		                        "source_ref", ind, "target_ref", c.od_ref),
		              c.marking));
		json_array_append_new(c.report_refs, json_string(rel));
	}
	/* a report needs at least one reference: the organisation, when there is nothing else */
	if (!json_array_size(c.report_refs))
		json_array_append_new(c.report_refs, json_string(c.org_ref));
	char rep[64], ext[80];
	idt__uuid5f(u, "report %s/incidents/%lld", b->base, (long long)iid);
	snprintf(rep, sizeof rep, "report--%s", u);
	ext_id(0, ext);
	const char *pub = js(inc, "reported_on");
	char published[32];
	if (pub)
		snprintf(published, sizeof published, "%.10sT00:00:00Z", pub);
	else
		snprintf(published, sizeof published, "%s", c.created);
	json_t *report = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s],s:s,s:O,s:{s:o}}", "type",
	                           "report", "spec_version", "2.1", "id", rep, "created_by_ref",
	                           c.org_ref, "created", c.created, "modified", c.modified, "name",
	                           js(inc, "title") ? js(inc, "title") : "", "report_types",
	                           "threat-report", "published", published, "object_refs",
	                           c.report_refs, "extensions", ext, incident_ext(inc));
	const char *narr = js(inc, "narrative");
	if (narr && *narr) json_object_set_new(report, "description", json_string(narr));
	add(b, marked(report, c.marking));
	json_decref(c.report_refs), json_decref(c.sco_refs), json_decref(c.patterns);
}

json_t *idt__export_stix(const char *base, json_t *incidents)
{
	bundle b = {.objects = json_array(), .seen = json_object(), .base = base};
	add_fixed(&b);
	size_t i;
	json_t *inc;
	json_array_foreach(incidents, i, inc) incident(&b, inc);
	/* the bundle id: from the set of incidents, so the same export has the same id */
	idt_buf ids = {0};
	json_array_foreach(incidents, i, inc) idt__buf_printf(
	    &ids, "%lld,", (long long)json_integer_value(json_object_get(inc, "id")));
	char u[37], bid[64];
	idt__buf_printf(&ids, " bundle %s", base);
	idt__uuid5(idt__ns_interdict, ids.data ? ids.data : "", ids.len, u);
	idt__buf_free(&ids);
	snprintf(bid, sizeof bid, "bundle--%s", u);
	json_decref(b.seen);
	return json_pack("{s:s,s:s,s:o}", "type", "bundle", "id", bid, "objects", b.objects);
}
