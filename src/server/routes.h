/*
 * routes.h - the handlers behind the route table of routes.c, by file.  Each takes the
 * request and the path parameters ({} segments, in order) and sets the response; each is
 * reached only after routes.c has checked authentication, role, token scope and CSRF.
 */
#ifndef IDT_ROUTES_H
#define IDT_ROUTES_H

#include "server.h"

typedef int (*idt_handler)(idt_req *r, char **params);

/* Strict decimal id (1..2^53); 0 on success. */
int idt__parse_id(const char *s, int64_t *out);
/* Integer query argument in [lo, hi], default def; -1 (and a 400) if malformed. */
int idt__arg_int(idt_req *r, const char *name, int64_t lo, int64_t hi, int64_t def, int64_t *out);
/* Strict RFC 3339 UTC with seconds, "2026-11-29T09:00:00Z", to unix seconds; -1 if it is not
 * one or names no real time ("2026-02-30", "25:00"). (routes_takedowns.c) */
int64_t idt__utc_parse(const char *s);

/* routes_incidents.c */
int idt__h_incident_search(idt_req *r, char **p);
int idt__h_incident_create(idt_req *r, char **p);
int idt__h_incident_get(idt_req *r, char **p);
int idt__h_incident_patch(idt_req *r, char **p);
int idt__h_incident_delete(idt_req *r, char **p);
int idt__h_incident_network(idt_req *r, char **p);
int idt__h_attachment_put(idt_req *r, char **p);
int idt__h_attachment_get(idt_req *r, char **p);
int idt__h_stats(idt_req *r, char **p);
int idt__h_incident_history(idt_req *r, char **p);
int idt__h_metrics(idt_req *r, char **p);
int idt__h_substances(idt_req *r, char **p);
int idt__h_warnings(idt_req *r, char **p);
int idt__h_warnings_atom(idt_req *r, char **p);

/* routes_takedowns.c (issue 10: takedown tracking) */
int idt__h_takedown_create(idt_req *r, char **p);
int idt__h_takedowns_of_incident(idt_req *r, char **p);
int idt__h_takedowns_list(idt_req *r, char **p);
int idt__h_takedown_patch(idt_req *r, char **p);

/* routes_hits.c */
int idt__h_hits_post(idt_req *r, char **p);
int idt__h_hits_list(idt_req *r, char **p);
int idt__h_hit_get(idt_req *r, char **p);
int idt__h_hit_confirm(idt_req *r, char **p);
int idt__h_hit_dismiss(idt_req *r, char **p);

/* routes_admin.c */
int idt__h_orgs_list(idt_req *r, char **p);
int idt__h_org_create(idt_req *r, char **p);
int idt__h_users_list(idt_req *r, char **p);
int idt__h_user_create(idt_req *r, char **p);
int idt__h_user_patch(idt_req *r, char **p);
int idt__h_groups_list(idt_req *r, char **p);
int idt__h_my_groups(idt_req *r, char **p);
int idt__h_group_create(idt_req *r, char **p);
int idt__h_group_member_put(idt_req *r, char **p);
int idt__h_group_member_delete(idt_req *r, char **p);
int idt__h_tokens_list(idt_req *r, char **p);
int idt__h_token_create(idt_req *r, char **p);
int idt__h_token_revoke(idt_req *r, char **p);
int idt__h_my_tokens(idt_req *r, char **p);
int idt__h_my_token_create(idt_req *r, char **p);
int idt__h_my_token_revoke(idt_req *r, char **p);
int idt__h_audit_list(idt_req *r, char **p);
int idt__h_audit_export(idt_req *r, char **p);
int idt__h_audit_verify(idt_req *r, char **p);
int idt__h_subs_list(idt_req *r, char **p);
int idt__h_sub_create(idt_req *r, char **p);
int idt__h_sub_delete(idt_req *r, char **p);
int idt__h_notifs_list(idt_req *r, char **p);
int idt__h_notif_read(idt_req *r, char **p);
int idt__h_alerts_atom(idt_req *r, char **p);

/* routes_interop.c, openapi.c (issue 8: exchange formats) */
int idt__h_export_incident(idt_req *r, char **p);
int idt__h_export_search(idt_req *r, char **p);
int idt__h_export_group(idt_req *r, char **p);
int idt__h_import(idt_req *r, char **p);
int idt__h_openapi(idt_req *r, char **p);

#endif
