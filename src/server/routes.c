/*
 * routes.c - the route table of /api/v1 and the checks made before any handler runs:
 * authentication (unless the route is public), the caller's role, the token's scope, and the
 * CSRF token of state-changing requests made with a session cookie.  A path that exists with
 * another method answers 405, an unknown path 404; either way in the JSON error format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "routes.h"

enum { PUBLIC = 1 };

typedef struct route {
	const char *method;
	const char *pattern; /* "/api/v1/incidents/{}" */
	idt_handler fn;
	idt_role min_role;
	unsigned scope; /* any of these scopes suffices; 0: none needed */
	unsigned flags;
} route;

#define R IDT_SCOPE_READ
#define W IDT_SCOPE_WRITE
#define S IDT_SCOPE_SUBMIT

static int h_health(idt_req *r, char **p)
{
	(void)p;
	return idt__reply(r, 200, json_pack("{s:s,s:s}", "status", "ok", "version", idt_version()));
}

static const route routes[] = {
    {"GET", "/api/v1/health", h_health, 0, 0, PUBLIC},
    {"GET", "/api/v1/metrics", idt__h_metrics, IDT_ROLE_ADMIN, R, 0}, /* metrics.c */
    {"POST", "/api/v1/auth/login", idt__h_login, 0, 0, PUBLIC},
    {"POST", "/api/v1/auth/logout", idt__h_logout, IDT_ROLE_VIEWER, 0, 0},
    {"GET", "/api/v1/auth/me", idt__h_me, IDT_ROLE_VIEWER, 0, 0},
    {"GET", "/api/v1/warnings", idt__h_warnings, 0, 0, PUBLIC},
    {"GET", "/api/v1/feeds/warnings.atom", idt__h_warnings_atom, 0, 0, PUBLIC},
    {"GET", "/api/v1/feeds/alerts.atom", idt__h_alerts_atom, 0, 0, PUBLIC /* ?token= */},

    /* interop (issue 8): routes_interop.c, openapi.c */
    {"GET", "/api/v1/openapi.json", idt__h_openapi, 0, 0, PUBLIC},
    {"GET", "/api/v1/incidents/export", idt__h_export_search, IDT_ROLE_VIEWER, R, 0},
    {"GET", "/api/v1/incidents/{}/export", idt__h_export_incident, IDT_ROLE_VIEWER, R, 0},
    {"GET", "/api/v1/sharing-groups/{}/export", idt__h_export_group, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/import", idt__h_import, IDT_ROLE_ANALYST, W, 0},
    {"GET", "/api/v1/incidents", idt__h_incident_search, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/incidents", idt__h_incident_create, IDT_ROLE_ANALYST, W, 0},
    {"GET", "/api/v1/incidents/{}", idt__h_incident_get, IDT_ROLE_VIEWER, R, 0},
    {"PATCH", "/api/v1/incidents/{}", idt__h_incident_patch, IDT_ROLE_ANALYST, W, 0},
    {"DELETE", "/api/v1/incidents/{}", idt__h_incident_delete, IDT_ROLE_ANALYST, W, 0},
    {"GET", "/api/v1/incidents/{}/network", idt__h_incident_network, IDT_ROLE_VIEWER, R, 0},
    {"GET", "/api/v1/incidents/{}/history", idt__h_incident_history, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/incidents/{}/attachments", idt__h_attachment_put, IDT_ROLE_ANALYST, W, 0},
    {"GET", "/api/v1/incidents/{}/attachments/{}", idt__h_attachment_get, IDT_ROLE_VIEWER, R, 0},
    /* takedown tracking (issue 10): routes_takedowns.c */
    {"POST", "/api/v1/incidents/{}/takedowns", idt__h_takedown_create, IDT_ROLE_ANALYST, W, 0},
    {"GET", "/api/v1/incidents/{}/takedowns", idt__h_takedowns_of_incident, IDT_ROLE_VIEWER, R,
     0},
    {"GET", "/api/v1/takedowns", idt__h_takedowns_list, IDT_ROLE_VIEWER, R, 0},
    {"PATCH", "/api/v1/takedowns/{}", idt__h_takedown_patch, IDT_ROLE_ANALYST, W, 0},
    {"GET", "/api/v1/stats", idt__h_stats, IDT_ROLE_VIEWER, R, 0},
    {"GET", "/api/v1/substances", idt__h_substances, IDT_ROLE_VIEWER, R, 0},

    {"POST", "/api/v1/hits", idt__h_hits_post, IDT_ROLE_ANALYST, W | S, 0},
    {"GET", "/api/v1/hits", idt__h_hits_list, IDT_ROLE_VIEWER, R, 0},
    {"GET", "/api/v1/hits/{}", idt__h_hit_get, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/hits/{}/confirm", idt__h_hit_confirm, IDT_ROLE_ANALYST, W, 0},
    {"POST", "/api/v1/hits/{}/dismiss", idt__h_hit_dismiss, IDT_ROLE_ANALYST, W, 0},

    {"GET", "/api/v1/subscriptions", idt__h_subs_list, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/subscriptions", idt__h_sub_create, IDT_ROLE_VIEWER, W, 0},
    {"DELETE", "/api/v1/subscriptions/{}", idt__h_sub_delete, IDT_ROLE_VIEWER, W, 0},
    {"GET", "/api/v1/notifications", idt__h_notifs_list, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/notifications/{}/read", idt__h_notif_read, IDT_ROLE_VIEWER, W, 0},
    {"GET", "/api/v1/sharing-groups", idt__h_my_groups, IDT_ROLE_VIEWER, R, 0},
    {"GET", "/api/v1/tokens", idt__h_my_tokens, IDT_ROLE_VIEWER, R, 0},
    {"POST", "/api/v1/tokens", idt__h_my_token_create, IDT_ROLE_VIEWER, W, 0},
    {"DELETE", "/api/v1/tokens/{}", idt__h_my_token_revoke, IDT_ROLE_VIEWER, W, 0},

    {"GET", "/api/v1/admin/orgs", idt__h_orgs_list, IDT_ROLE_ADMIN, R, 0},
    {"POST", "/api/v1/admin/orgs", idt__h_org_create, IDT_ROLE_ADMIN, W, 0},
    {"GET", "/api/v1/admin/users", idt__h_users_list, IDT_ROLE_ADMIN, R, 0},
    {"POST", "/api/v1/admin/users", idt__h_user_create, IDT_ROLE_ADMIN, W, 0},
    {"PATCH", "/api/v1/admin/users/{}", idt__h_user_patch, IDT_ROLE_ADMIN, W, 0},
    {"GET", "/api/v1/admin/sharing-groups", idt__h_groups_list, IDT_ROLE_ADMIN, R, 0},
    {"POST", "/api/v1/admin/sharing-groups", idt__h_group_create, IDT_ROLE_ADMIN, W, 0},
    {"PUT", "/api/v1/admin/sharing-groups/{}/members/{}", idt__h_group_member_put, IDT_ROLE_ADMIN,
     W, 0},
    {"DELETE", "/api/v1/admin/sharing-groups/{}/members/{}", idt__h_group_member_delete,
     IDT_ROLE_ADMIN, W, 0},
    {"GET", "/api/v1/admin/tokens", idt__h_tokens_list, IDT_ROLE_ADMIN, R, 0},
    {"POST", "/api/v1/admin/tokens", idt__h_token_create, IDT_ROLE_ADMIN, W, 0},
    {"DELETE", "/api/v1/admin/tokens/{}", idt__h_token_revoke, IDT_ROLE_ADMIN, W, 0},
    {"GET", "/api/v1/audit", idt__h_audit_list, IDT_ROLE_ADMIN, R, 0},
    {"GET", "/api/v1/audit/export", idt__h_audit_export, IDT_ROLE_ADMIN, R, 0},
    {"GET", "/api/v1/audit/verify", idt__h_audit_verify, IDT_ROLE_ADMIN, R, 0},
};

/* ---------------------------------------------------------------- helpers */

int idt__parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 15) return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9') return -1;
		v = v * 10 + (*p - '0');
	}
	if (v <= 0) return -1;
	*out = v;
	return 0;
}

int idt__arg_int(idt_req *r, const char *name, int64_t lo, int64_t hi, int64_t def, int64_t *out)
{
	const char *s = idt__arg(r, name);
	*out = def;
	if (!s) return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		idt__reply_err(r, 400, "invalid_parameter", "'%s' must be an integer %lld..%lld",
		               name, (long long)lo, (long long)hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* Matches url against pattern; captured {} segments go to params (pointers into buf). */
static int match(const char *pattern, const char *url, char *buf, size_t buflen, char **params,
                 int *np)
{
	size_t ul = strlen(url);
	if (ul >= buflen) return 0;
	memcpy(buf, url, ul + 1);
	if (ul > 1 && buf[ul - 1] == '/') buf[--ul] = 0;
	const char *p = pattern;
	char *u = buf;
	*np = 0;
	while (*p && *u) {
		if (p[0] == '{' && p[1] == '}') {
			char *e = strchr(u, '/');
			if (e == u) return 0;
			if (*np >= 4) return 0;
			params[(*np)++] = u;
			p += 2;
			if (e) {
				if (*p != '/') return 0;
				*e = 0;
				u = e + 1;
				p++;
			} else {
				u += strlen(u);
			}
			continue;
		}
		if (*p != *u) return 0;
		p++, u++;
	}
	return *p == 0 && *u == 0;
}

/* ---------------------------------------------------------------- dispatch */

void idt__route(idt_req *r)
{
	char buf[2048];
	char *params[4] = {0};
	int np = 0;
	const route *hit = NULL;
	bool path_known = false;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!match(routes[i].pattern, r->url, buf, sizeof buf, params, &np)) continue;
		path_known = true;
		if (strcmp(routes[i].method, r->method) == 0 ||
		    (strcmp(r->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			hit = &routes[i];
			break;
		}
	}
	if (!hit) {
		if (path_known)
			idt__reply_err(r, 405, "method_not_allowed", "method %s not allowed here",
			               r->method);
		else
			idt__reply_err(r, 404, "not_found", "no such endpoint");
		return;
	}
	/* re-run the match of the chosen route: buf holds its captures */
	match(hit->pattern, r->url, buf, sizeof buf, params, &np);
	if (hit->flags & PUBLIC) {
		hit->fn(r, params);
		return;
	}
	idt__auth_resolve(r);
	if (!r->authed) {
		idt__reply_err(r, 401, "unauthenticated", "log in or send a valid API token");
		return;
	}
	if (r->actor.role < hit->min_role) {
		idt__reply_err(r, 403, "forbidden", "your role (%s) may not do this",
		               idt__role_name(r->actor.role));
		return;
	}
	if (hit->scope && !(r->scopes & hit->scope)) {
		idt__reply_err(r, 403, "insufficient_scope",
		               "the API token lacks the scope for this");
		return;
	}
	bool safe = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	if (!safe && !idt__auth_csrf_ok(r)) {
		idt__reply_err(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
		return;
	}
	hit->fn(r, params);
}
