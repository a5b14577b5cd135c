/*
 * export_misp.c - incidents as MISP events in the MISP core format
 * (draft-dulaunoy-misp-core-format; every member the draft says MUST be present is written,
 * with the JSON types it gives: ids, timestamps and enumerations as strings, flags as booleans).
 *
 * One incident is one Event:
 *
 *   Event member        from the incident
 *   uuid                UUIDv5(Interdict ns, "event BASE/incidents/ID"): stable across exports
 *   id, event_id        the incident id (the draft's instance-local id)
 *   info                title
 *   date                occurred_on, else reported_on, else the day it was created
 *   threat_level_id     "4" (undefined) for drafts, "1" (high) for warnings, else "2"
 *   analysis            draft "0" initial; confirmed, shared "1" ongoing; closed "2" complete
 *   distribution        own-org "0"; sharing-group "4" (+ sharing_group_id, SharingGroup);
 *                       all "1" (this community: all participants of this Interdict instance,
 *                       never wider; the receiving MISP may widen it deliberately)
 *   published           status "shared"
 *   Orgc, Org           the owning organisation {id, name, uuid}
 *   Tag                 tlp:clear|green|amber|amber+strict|red (MISP "tlp" taxonomy) and the
 *                       Interdict machine tags interdict:incident-type="…", interdict:status,
 *                       interdict:substance, interdict:substance-class, interdict:origin,
 *                       interdict:transit, interdict:destination, interdict:transport-mode
 *   EventReport         the narrative (Markdown content), if any
 *   Attribute, Object   the observables, below
 *
 *   observable  MISP                                          category          to_ids
 *   url         Attribute url                                 Network activity  true
 *   domain      Attribute domain                              Network activity  true
 *   onion       Attribute onion-address                       Network activity  true
 *   phone       Attribute phone-number                        Person            false
 *   email       Attribute email-src                           Social network    true
 *   pgp         Attribute text, comment "PGP fingerprint"     Social network    false
 *   tracking    Attribute text, comment "parcel tracking …"   Other             false
 *   wallet      Object coin-address: address (btc) | address-xmr (xmr) |
 *               address-crypto (text), and symbol (BTC, XMR, ETH, …)  Financial fraud
 *   handle      Object user-account: account-type (platform), username     Social network
 *   company     Object legal-entity: name (as entered)                     Other
 *
 * text attributes also carry the tag interdict:observable-type="pgp|tracking" so that an
 * import recognises them.  Several incidents are {"response": [{"Event": …}, …]}, the shape of
 * MISP's /events/restSearch.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "interop.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Unix seconds of an RFC 3339 member, as the decimal string MISP wants. */
static json_t *ts_str(json_t *inc, const char *k)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)idt__iso_to_unix(js(inc, k)));
	return json_string(b);
}

static json_t *id_str(int64_t id)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)id);
	return json_string(b);
}

static void tag(json_t *tags, const char *fmt, const char *v)
{
	char name[512];
	snprintf(name, sizeof name, fmt, v);
	json_array_append_new(tags, json_pack("{s:s,s:b}", "name", name, "exportable", 1));
}

/* One attribute; `rel` is the object_relation inside an object, NULL at event level. */
static json_t *attribute(const char *uuid, json_t *inc, const char *type, const char *cat,
                         const char *value, bool to_ids, const char *comment, const char *rel)
{
	json_t *a = json_pack("{s:s,s:o,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:o,s:b,s:b}", "uuid", uuid,
	                      "event_id", id_str(json_integer_value(json_object_get(inc, "id"))),
	                      "type", type, "category", cat, "value", value, "to_ids", to_ids,
	                      "comment", comment ? comment : "", "distribution", "5",
	                      "sharing_group_id", "0", "timestamp", ts_str(inc, "updated_at"),
	                      "deleted", 0, "disable_correlation", 0);
	if (rel) json_object_set_new(a, "object_relation", json_string(rel));
	return a;
}

typedef struct tmpl {
	const char *name, *uuid, *version, *meta, *desc;
} tmpl;

/* MISP object templates (github.com/MISP/misp-objects, objects/NAME/definition.json). */
static const tmpl T_COIN = {"coin-address", "d0e6997e-78da-4815-a6a1-cfc1c1cb8a46", "7",
                            "financial", "An address used in a cryptocurrency"};
static const tmpl T_USER = {"user-account", "49606b06-22f0-4ac8-8eee-2f12ad46f3d3", "6", "misc",
                            "User-account object, defining aspects of user identification, "
                            "authentication, privileges and other relevant data points."};
static const tmpl T_LEGAL = {"legal-entity", "14f5688f-d89c-469f-9878-c48bf6c41c65", "2", "misc",
                             "An object to describe a legal entity."};

static json_t *object(const tmpl *t, const char *uuid, json_t *inc, json_t *attrs)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:b,s:o}", "uuid", uuid,
	                 "name", t->name, "meta-category", t->meta, "description", t->desc,
	                 "template_uuid", t->uuid, "template_version", t->version, "timestamp",
	                 ts_str(inc, "updated_at"), "distribution", "5", "sharing_group_id", "0",
	                 "event_id", id_str(json_integer_value(json_object_get(inc, "id"))),
	                 "comment", "", "deleted", 0, "Attribute", attrs);
}

/* Adds one observable as an attribute or an object. */
static void observable(const char *base, json_t *inc, json_t *o, json_t *attrs, json_t *objs)
{
	int64_t id = json_integer_value(json_object_get(inc, "id"));
	const char *type = js(o, "type"), *v = js(o, "value");
	if (!type || !v) return;
	char u[37], u2[37], u3[37];
	idt__uuid5f(u, "attribute %s/incidents/%lld %s:%s", base, (long long)id, type, v);
	idt__uuid5f(u2, "attribute2 %s/incidents/%lld %s:%s", base, (long long)id, type, v);
	idt__uuid5f(u3, "object %s/incidents/%lld %s:%s", base, (long long)id, type, v);
	json_t *a = NULL;
	if (strcmp(type, "url") == 0)
		a = attribute(u, inc, "url", "Network activity", v, true, NULL, NULL);
	else if (strcmp(type, "domain") == 0)
		a = attribute(u, inc, "domain", "Network activity", v, true, NULL, NULL);
	else if (strcmp(type, "onion") == 0)
		a = attribute(u, inc, "onion-address", "Network activity", v, true,
		              "Tor v3 onion service", NULL);
	else if (strcmp(type, "phone") == 0)
		a = attribute(u, inc, "phone-number", "Person", v, false, NULL, NULL);
	else if (strcmp(type, "email") == 0)
		a = attribute(u, inc, "email-src", "Social network", v, true, NULL, NULL);
	else if (strcmp(type, "pgp") == 0 || strcmp(type, "tracking") == 0) {
		bool pgp = strcmp(type, "pgp") == 0;
		a = attribute(u, inc, "text", pgp ? "Social network" : "Other", v, false,
		              pgp ? "PGP fingerprint" : "parcel tracking number", NULL);
		json_t *tags = json_array();
		tag(tags, "interdict:observable-type=\"%s\"", type);
		json_object_set_new(a, "Tag", tags);
	}
	if (a) {
		json_array_append_new(attrs, a);
		return;
	}
	json_t *oa = json_array();
	const tmpl *t = NULL;
	if (strcmp(type, "wallet") == 0) {
		char chain[16] = "", sym[16];
		const char *colon = strchr(v, ':');
		if (!colon || (size_t)(colon - v) >= sizeof chain) goto drop;
		memcpy(chain, v, (size_t)(colon - v));
		chain[colon - v] = 0;
		for (size_t i = 0; i <= strlen(chain); i++)
			sym[i] =
			    (char)(chain[i] >= 'a' && chain[i] <= 'z' ? chain[i] - 32 : chain[i]);
		bool btc = strcmp(chain, "btc") == 0, xmr = strcmp(chain, "xmr") == 0;
		json_array_append_new(oa, attribute(u, inc,
		                                    btc   ? "btc"
		                                    : xmr ? "xmr"
		                                          : "text",
		                                    "Financial fraud", colon + 1, true, NULL,
		                                    btc   ? "address"
		                                    : xmr ? "address-xmr"
		                                          : "address-crypto"));
		json_array_append_new(
		    oa, attribute(u2, inc, "text", "Other", sym, false, NULL, "symbol"));
		t = &T_COIN;
	} else if (strcmp(type, "handle") == 0) {
		const char *colon = strstr(v, ":@");
		if (!colon) goto drop;
		char plat[64];
		snprintf(plat, sizeof plat, "%.*s", (int)(colon - v), v);
		json_array_append_new(oa, attribute(u2, inc, "text", "Social network", plat, false,
		                                    NULL, "account-type"));
		json_array_append_new(oa, attribute(u, inc, "text", "Social network", colon + 2,
		                                    true, NULL, "username"));
		t = &T_USER;
	} else if (strcmp(type, "company") == 0) {
		const char *raw = js(o, "raw");
		json_array_append_new(oa, attribute(u, inc, "text", "Other", raw && *raw ? raw : v,
		                                    false, NULL, "name"));
		t = &T_LEGAL;
	} else {
		goto drop;
	}
	json_array_append_new(objs, object(t, u3, inc, oa));
	return;
drop:
	json_decref(oa);
}

/* The instance-local ids the core format asks for (Attribute.id, Object.id, and object_id in
 * an object's attributes): 1, 2, … in order, so that they are reproducible.  A receiving MISP
 * assigns its own. */
static void number(json_t *attrs, json_t *objs)
{
	int64_t n = 0, k = 0;
	size_t i, j;
	json_t *a, *o;
	json_array_foreach(attrs, i, a) json_object_set_new(a, "id", id_str(++n));
	json_array_foreach(objs, i, o)
	{
		json_t *oid = id_str(++k);
		json_object_set(o, "id", oid);
		json_array_foreach(json_object_get(o, "Attribute"), j, a)
		{
			json_object_set_new(a, "id", id_str(++n));
			json_object_set(a, "object_id", oid);
		}
		json_decref(oid);
	}
}

static const char *threat_level(json_t *inc)
{
	const char *st = js(inc, "status"), *ty = js(inc, "type");
	if (st && strcmp(st, "draft") == 0) return "4";
	if (ty && strcmp(ty, "warning") == 0) return "1";
	return "2";
}

static const char *analysis(json_t *inc)
{
	const char *st = js(inc, "status");
	if (!st || strcmp(st, "draft") == 0) return "0";
	if (strcmp(st, "closed") == 0) return "2";
	return "1";
}

static json_t *org_obj(const char *base, json_t *org)
{
	char u[37];
	int64_t oid = json_integer_value(json_object_get(org, "id"));
	idt__uuid5f(u, "org %s/orgs/%lld", base, (long long)oid);
	return json_pack("{s:o,s:s,s:s}", "id", id_str(oid), "name",
	                 js(org, "name") ? js(org, "name") : "", "uuid", u);
}

static void tags_of(json_t *inc, json_t *tags)
{
	const char *tlp = js(inc, "tlp");
	if (tlp) tag(tags, "tlp:%s", tlp);
	tag(tags, "interdict:incident-type=\"%s\"", js(inc, "type"));
	tag(tags, "interdict:status=\"%s\"", js(inc, "status"));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(inc, "substances"), i, x)
	{
		tag(tags, "interdict:substance=\"%s\"", js(x, "id"));
		if (js(x, "class")) tag(tags, "interdict:substance-class=\"%s\"", js(x, "class"));
	}
	static const char *const roles[] = {"origin", "transit", "destination"};
	for (int k = 0; k < 3; k++) {
		char fmt[64];
		snprintf(fmt, sizeof fmt, "interdict:%s=\"%%s\"", roles[k]);
		json_array_foreach(json_object_get(inc, roles[k]), i, x)
		    tag(tags, fmt, json_string_value(x));
	}
	if (js(inc, "transport_mode"))
		tag(tags, "interdict:transport-mode=\"%s\"", js(inc, "transport_mode"));
}

static json_t *event(const char *base, json_t *inc, json_t *groups)
{
	int64_t id = json_integer_value(json_object_get(inc, "id"));
	char u[37], date[11] = "";
	idt__uuid5f(u, "event %s/incidents/%lld", base, (long long)id);
	const char *d = js(inc, "occurred_on");
	if (!d) d = js(inc, "reported_on");
	if (!d) d = js(inc, "created_at");
	if (d) snprintf(date, sizeof date, "%.10s", d);
	const char *dist = js(inc, "distribution"), *md = "0";
	int64_t gid = 0;
	if (dist && strcmp(dist, "all") == 0) md = "1";
	if (dist && strcmp(dist, "sharing-group") == 0) {
		md = "4";
		gid = json_integer_value(json_object_get(inc, "sharing_group_id"));
	}
	json_t *org = json_object_get(inc, "org");
	json_t *attrs = json_array(), *objs = json_array(), *tags = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(inc, "observables"), i, o)
	    observable(base, inc, o, attrs, objs);
	tags_of(inc, tags);
	/* attribute_count counts object attributes too, as MISP does */
	size_t nattr = json_array_size(attrs);
	json_array_foreach(objs, i, o) nattr += json_array_size(json_object_get(o, "Attribute"));
	bool published = js(inc, "status") && strcmp(js(inc, "status"), "shared") == 0;
	json_t *ev =
	    json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:s,s:o,s:b}",
	              "uuid", u, "id", id_str(id), "info", js(inc, "title") ? js(inc, "title") : "",
	              "date", date, "threat_level_id", threat_level(inc), "analysis", analysis(inc),
	              "distribution", md, "sharing_group_id", id_str(gid), "timestamp",
	              ts_str(inc, "updated_at"), "published", published, "publish_timestamp",
	              published ? ts_str(inc, "updated_at") : json_string("0"), "org_id",
	              id_str(json_integer_value(json_object_get(org, "id"))), "orgc_id",
	              id_str(json_integer_value(json_object_get(org, "id"))), "attribute_count",
	              id_str((int64_t)nattr), "extends_uuid", "", "first_publication",
	              published ? ts_str(inc, "created_at") : json_string("0"), "locked", 0);
	json_object_set_new(ev, "Orgc", org_obj(base, org));
	json_object_set_new(ev, "Org", org_obj(base, org));
	if (gid) {
		char gu[37];
		const char *gname = "";
		idt__uuid5f(gu, "sharing-group %s/sharing-groups/%lld", base, (long long)gid);
		json_array_foreach(groups, i, o)
		{
			if (json_integer_value(json_object_get(o, "id")) == gid && js(o, "name"))
				gname = js(o, "name");
		}
		json_object_set_new(ev, "SharingGroup",
		                    json_pack("{s:o,s:s,s:s,s:s,s:s}", "id", id_str(gid), "name",
		                              gname, "uuid", gu, "releasability", gname,
		                              "description", "Interdict sharing group"));
	}
	json_object_set_new(ev, "Tag", tags);
	number(attrs, objs);
	json_object_set_new(ev, "Attribute", attrs);
	json_object_set_new(ev, "Object", objs);
	const char *narr = js(inc, "narrative");
	json_t *reports = json_array();
	if (narr && *narr) {
		char ru[37];
		idt__uuid5f(ru, "event-report %s/incidents/%lld", base, (long long)id);
		json_array_append_new(
		    reports, json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:b}", "uuid", ru, "event_id",
		                       id_str(id), "name", js(inc, "title") ? js(inc, "title") : "",
		                       "content", narr, "distribution", "5", "sharing_group_id",
		                       "0", "timestamp", ts_str(inc, "updated_at"), "deleted", 0));
	}
	json_object_set_new(ev, "EventReport", reports);
	return json_pack("{s:o}", "Event", ev);
}

json_t *idt__export_misp(const char *base, json_t *incidents, json_t *groups, bool single)
{
	if (single && json_array_size(incidents) == 1)
		return event(base, json_array_get(incidents, 0), groups);
	json_t *arr = json_array();
	size_t i;
	json_t *inc;
	json_array_foreach(incidents, i, inc) json_array_append_new(arr, event(base, inc, groups));
	return json_pack("{s:o}", "response", arr);
}
