/*
 * store.h - the server's storage interface: one table of operations (idt_store_ops) that every
 * backend implements (SQLite now, PostgreSQL later), the actor every query is filtered by, and
 * the plain records the auth layer exchanges with it.
 *
 * Division of work: the HTTP layer (src/server) authenticates the caller, validates and
 * normalises request bodies into canonical JSON documents (jansson) and checks roles and token
 * scopes; the store persists them and applies ACCESS CONTROL INSIDE EVERY QUERY: an incident is
 * visible to an actor when it belongs to the actor's organisation, or when it is not a draft
 * and its distribution is "all", or "sharing-group" with the actor's organisation a member of
 * that group.  A backend never returns, counts or links an incident the actor may not see, and
 * answers IDT_ENOTFOUND for one (never IDT_EDENIED, which would reveal that it exists).
 *
 * Documents: incidents, hits, notifications and audit entries cross the interface as jansson
 * objects in the shapes of docs/api.md.  A returned json_t is a new reference the caller owns
 * (json_decref); a json_t passed in is borrowed.
 *
 * Threads: an idt_store is shared by every server thread; each backend call is thread-safe
 * (the SQLite backend keeps a pool of connections).
 */
#ifndef IDT_STORE_H
#define IDT_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "interdict/status.h"

/* Roles, in increasing power. */
typedef enum idt_role { IDT_ROLE_VIEWER = 0, IDT_ROLE_ANALYST = 1, IDT_ROLE_ADMIN = 2 } idt_role;

const char *idt__role_name(idt_role r);
int idt__role_parse(const char *s, idt_role *out); /* 0 on success, -1 if unknown */

/* API token scopes (a bit set). */
enum { IDT_SCOPE_READ = 1u << 0, IDT_SCOPE_WRITE = 1u << 1, IDT_SCOPE_SUBMIT = 1u << 2 };
#define IDT_SCOPE_ALL (IDT_SCOPE_READ | IDT_SCOPE_WRITE | IDT_SCOPE_SUBMIT)

/* Who is asking.  Every store operation on shared data takes one; `addr` and `username` are
 * borrowed for the call and written to the audit log. */
typedef struct idt_actor {
	int64_t user_id; /* 0: anonymous (public endpoints only) */
	int64_t org_id;  /* the user's organisation */
	idt_role role;
	const char *username; /* for the audit log */
	const char *addr;     /* client address, for the audit log */
} idt_actor;

/* A user as the auth layer needs it.  Strings are owned by the record (idt__user_clear). */
typedef struct idt_user_rec {
	int64_t id, org_id;
	char *username;
	char *pwhash; /* libsodium crypto_pwhash_str string */
	idt_role role;
	bool disabled;
} idt_user_rec;
void idt__user_clear(idt_user_rec *u);

/* A session or API token looked up by the hash of its secret. */
typedef struct idt_cred_rec {
	int64_t id; /* token id (0 for sessions) */
	int64_t user_id;
	unsigned scopes; /* IDT_SCOPE_* (sessions: all) */
	char csrf[65];   /* sessions: the per-session CSRF token (hex), NUL-terminated */
	int64_t expires; /* unix seconds; 0: never */
} idt_cred_rec;

/* Search filters (GET /api/v1/incidents).  Strings borrowed; NULL/0 = no filter. */
typedef struct idt_search {
	const char *q; /* full text (FTS5), already reduced to safe words by the caller */
	const char *type;
	const char *status;
	const char *substance; /* knowledge-base id */
	const char *cls;       /* substance class */
	const char *country;   /* ISO 3166 alpha-2, any role */
	const char *from, *to; /* occurred_on range, YYYY-MM-DD inclusive */
	const char *obs_type;  /* observable filter: normalised (type, value) */
	const char *obs_value;
	int64_t group;    /* > 0: only incidents shared with this sharing group (distribution
	                   * sharing-group, not drafts); exports of a group */
	int64_t page;     /* 1-based */
	int64_t per_page; /* 1..100 */
} idt_search;

/* Triage-queue filters (GET /api/v1/hits), all combined; strings borrowed (NULL: no filter);
 * category, substance, cls and source match the keys of hit.h. */
typedef struct idt_hit_filter {
	const char *status; /* new, confirmed, dismissed */
	double min_score;   /* score >= min_score; negative: no filter */
	const char *category, *substance, *cls, *source;
	int64_t after, before; /* first_seen >= after and < before (unix seconds); 0: no bound */
	bool by_score;         /* highest score first (else most recently seen first) */
	bool facets;           /* add "facets": the keys of the hits of `status`, with counts */
	int64_t page;          /* 1-based */
	int64_t per_page;      /* 1..100 */
} idt_hit_filter;

typedef struct idt_store idt_store;

/*
 * The operations of a backend.  Every function returns IDT_OK or: IDT_ENOTFOUND (absent or not
 * visible to the actor), IDT_EDENIED (visible but the actor may not change it), IDT_ECONFLICT
 * (a unique name taken, a stale version), IDT_EINVAL (a reference to something that does not
 * exist), IDT_ESTORE (the backend failed; the transaction was rolled back), IDT_ENOMEM.
 * Writes are durable (synchronous) when the call returns IDT_OK.
 */
typedef struct idt_store_ops {
	void (*close)(idt_store *st);

	/* ---- organisations, users, sharing groups (admin checks are the caller's) ---- */
	idt_status (*org_create)(idt_store *st, const char *name, const char *country,
	                         const char *kind, int64_t *id);
	idt_status (*org_list)(idt_store *st, json_t **out);
	idt_status (*org_find)(idt_store *st, const char *name, int64_t *id);
	idt_status (*user_create)(idt_store *st, int64_t org_id, const char *username,
	                          const char *pwhash, idt_role role, int64_t *id);
	idt_status (*user_get)(idt_store *st, int64_t id, idt_user_rec *out);
	idt_status (*user_by_name)(idt_store *st, const char *username, idt_user_rec *out);
	idt_status (*user_list)(idt_store *st, int64_t org_id /* 0: all */, json_t **out);
	/* Changes role / disabled / password hash; NULL or negative = unchanged. */
	idt_status (*user_update)(idt_store *st, int64_t id, int role, int disabled,
	                          const char *pwhash);
	idt_status (*group_create)(idt_store *st, const char *name, int64_t owner_org, int64_t *id);
	idt_status (*group_set_member)(idt_store *st, int64_t group_id, int64_t org_id,
	                               bool member);
	idt_status (*group_list)(idt_store *st, int64_t org_id /* 0: all */, json_t **out);
	idt_status (*group_is_member)(idt_store *st, int64_t group_id, int64_t org_id,
	                              bool *member);

	/* ---- sessions and API tokens: secrets are stored as hashes only ---- */
	idt_status (*session_create)(idt_store *st, const uint8_t hash[32], int64_t user_id,
	                             const char *csrf, int64_t expires);
	idt_status (*session_delete)(idt_store *st, const uint8_t hash[32]);
	idt_status (*session_get)(idt_store *st, const uint8_t hash[32], idt_cred_rec *out);
	idt_status (*token_create)(idt_store *st, const uint8_t hash[32], int64_t user_id,
	                           const char *name, unsigned scopes, int64_t *id);
	idt_status (*token_get)(idt_store *st, const uint8_t hash[32], idt_cred_rec *out);
	idt_status (*token_list)(idt_store *st, int64_t user_id /* 0: all */, json_t **out);
	/* Revokes token id; owner_id non-zero restricts to that user's tokens. */
	idt_status (*token_revoke)(idt_store *st, int64_t id, int64_t owner_id);

	/* ---- incidents ---- */
	/* Creates from a validated document; returns the stored incident with "correlations". */
	idt_status (*incident_create)(idt_store *st, const idt_actor *a, json_t *doc, json_t **out);
	idt_status (*incident_get)(idt_store *st, const idt_actor *a, int64_t id, json_t **out);
	/* Replaces the members present in doc; `version` must match (optimistic locking; 0: any).
	 * Only the owning organisation may update. */
	idt_status (*incident_update)(idt_store *st, const idt_actor *a, int64_t id,
	                              int64_t version, json_t *doc, json_t **out);
	idt_status (*incident_delete)(idt_store *st, const idt_actor *a, int64_t id);
	idt_status (*incident_search)(idt_store *st, const idt_actor *a, const idt_search *s,
	                              json_t **out);
	idt_status (*incident_network)(idt_store *st, const idt_actor *a, int64_t id, int depth,
	                               json_t **out);
	/* Records an attachment's metadata (bytes are on disk, content-addressed, by then). */
	idt_status (*attachment_add)(idt_store *st, const idt_actor *a, int64_t incident_id,
	                             const char *sha256, const char *name, const char *media_type,
	                             int64_t size, json_t **out);
	/* 1 in *ok if the actor may see an incident holding this attachment. */
	idt_status (*attachment_visible)(idt_store *st, const idt_actor *a, int64_t incident_id,
	                                 const char *sha256, json_t **meta);
	/* The recorded changes of a visible incident, oldest first. */
	idt_status (*incident_history)(idt_store *st, const idt_actor *a, int64_t id, json_t **out);
	/* Public drug-checking warnings. */
	idt_status (*warnings_list)(idt_store *st, int64_t limit, json_t **out);
	idt_status (*stats)(idt_store *st, const idt_actor *a, json_t **out);

	/* ---- takedowns (issue 10): listings of an incident reported to a platform ----
	 * Visible with their incident; changed only by the incident's organisation (IDT_EDENIED for
	 * a reader of a shared incident); shapes in takedown.h; every change audited. */
	/* Records a report: doc {url, platform, reference, reported_at (unix seconds)}, validated.
	 * IDT_ECONFLICT if the incident already has this url with this reference. */
	idt_status (*takedown_create)(idt_store *st, const idt_actor *a, int64_t incident_id,
	                              json_t *doc, json_t **out);
	/* The takedowns of incident_id (IDT_ENOTFOUND unless visible), or with incident_id 0 of
	 * every incident visible to the actor; open_only: not yet gone; platform NULL: any.  Oldest
	 * first, at most IDT__TAKEDOWN_LIST_MAX. */
	idt_status (*takedown_list)(idt_store *st, const idt_actor *a, int64_t incident_id,
	                            bool open_only, const char *platform, json_t **out);
	/* Records a check of takedown id: doc {checked_at, gone_at?, how?} (unix seconds).  checks
	 * and last_check always change; gone_at and how only the first time the listing is seen
	 * gone.  IDT_EINVAL if gone_at is before the report. */
	idt_status (*takedown_check)(idt_store *st, const idt_actor *a, int64_t id, json_t *doc,
	                             json_t **out);
	/* The time-to-takedown aggregates over the incidents visible to the actor
	 * (idt__takedown_stats). */
	idt_status (*takedown_stats)(idt_store *st, const idt_actor *a, json_t **out);

	/* ---- triage queue ---- */
	/* Stores one validated hit (id computed by the caller) for the actor's organisation;
	 * merges with an identical one.  *merged set to true when it already existed. */
	idt_status (*hit_submit)(idt_store *st, const idt_actor *a, const char *hit_id, json_t *hit,
	                         bool *merged);
	/* Optional (NULL: the caller loops over hit_submit): n hits in one transaction, all or
	 * nothing; merged[i] as for hit_submit. */
	idt_status (*hit_submit_many)(idt_store *st, const idt_actor *a, size_t n,
	                              const char *const *ids, json_t *const *hits, bool *merged);
	/* The actor organisation's hits matching f: {items, total, page, per_page[, facets]}. */
	idt_status (*hit_list)(idt_store *st, const idt_actor *a, const idt_hit_filter *f,
	                       json_t **out);
	idt_status (*hit_get)(idt_store *st, const idt_actor *a, const char *hit_id, json_t **out);
	idt_status (*hit_dismiss)(idt_store *st, const idt_actor *a, const char *hit_id,
	                          const char *reason);
	/* Creates the incident `doc` (pre-filled by the caller from the hit) and marks the hit
	 * confirmed into it, in one transaction; IDT_ECONFLICT if the hit was already decided. */
	idt_status (*hit_confirm)(idt_store *st, const idt_actor *a, const char *hit_id,
	                          json_t *doc, json_t **out);

	/* ---- audit (append-only, hash-chained) ---- */
	idt_status (*audit_append)(idt_store *st, const idt_actor *a, const char *action,
	                           const char *object_type, const char *object_id, json_t *detail);
	idt_status (*audit_list)(idt_store *st, int64_t after_id, int64_t limit, json_t **out);
	/* Verifies the chain; *bad_id = first entry that fails (0 if none). */
	idt_status (*audit_verify)(idt_store *st, int64_t *checked, int64_t *bad_id);

	/* ---- alerts ---- */
	idt_status (*sub_create)(idt_store *st, const idt_actor *a, const char *kind,
	                         const char *value, const char *webhook, int64_t *id);
	idt_status (*sub_list)(idt_store *st, const idt_actor *a, json_t **out);
	idt_status (*sub_delete)(idt_store *st, const idt_actor *a, int64_t id);
	/* Notifications of the actor for incidents it may (still) see, newest first. */
	idt_status (*notif_list)(idt_store *st, const idt_actor *a, int64_t limit, json_t **out);
	idt_status (*notif_mark_read)(idt_store *st, const idt_actor *a, int64_t id);
	/* Pending webhook deliveries (claimed: removed from the queue); each {url, payload}. */
	idt_status (*webhook_claim)(idt_store *st, int64_t limit, json_t **out);
} idt_store_ops;

struct idt_store {
	const idt_store_ops *ops;
	void *impl; /* the backend's state */
};

/*
 * Opens a store from a location: a file path (SQLite; created and migrated if needed) or, later,
 * a postgresql:// URL.  On failure *out is NULL and *errmsg (if non-NULL) points to a constant
 * or static message.
 */
idt_status idt__store_open(const char *location, idt_store **out, const char **errmsg);
void idt__store_close(idt_store *st); /* NULL allowed */

/* The SQLite backend (src/store/sqlite_*.c). */
idt_status idt__sqlite_open(const char *path, int pool_size, idt_store **out, const char **errmsg);

/* Nanoseconds the last correlation on this thread took, wall clock and CPU time of the thread
 * (for the Server-Timing header). */
extern _Thread_local int64_t idt__correlate_ns, idt__correlate_cpu_ns;

/* Unix time in seconds, and as an RFC 3339 UTC string ("2026-03-01T12:00:00Z", 21 bytes). */
int64_t idt__now(void);
void idt__time_iso(int64_t t, char out[32]);

#endif
