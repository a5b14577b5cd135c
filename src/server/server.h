/*
 * server.h - the Interdict HTTP server: configuration, lifetime, and the internals its files
 * share (the request, the router's handler type, response and validation helpers).
 *
 *   http.c      libmicrohttpd glue: bodies with a cap, responses with security headers, the
 *               client address, static files from the web root, dispatch
 *   routes.c    the route table and the handlers of /api/v1
 *   auth.c      login, sessions + CSRF, API tokens, rate limiting, password hashing
 *   validate.c  request documents -> canonical documents (incidents, hits, observables)
 *   feeds.c     Atom feeds (warnings, alerts)
 *   webhook.c   the background thread that delivers queued webhooks (libcurl)
 *   demo.c      the bundled demo data set
 *
 * Threads: libmicrohttpd runs a pool of threads; every handler runs on one of them and uses the
 * shared, thread-safe store, knowledge base and rate limiter.
 */
#ifndef IDT_SERVER_H
#define IDT_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <interdict.h>
#include "store/store.h"
#include "util/util.h"

#define IDT_BODY_CAP       (1u << 20)  /* JSON request bodies: 1 MiB, 413 beyond */
#define IDT_ATTACH_CAP     (16u << 20) /* attachment uploads: 16 MiB */
#define IDT_SESSION_TTL    (12 * 3600) /* seconds */
#define IDT_LOGIN_WINDOW   900         /* seconds over which failed logins are counted */
#define IDT_LOGIN_MAX_USER 5           /* failures per user name per window */
#define IDT_LOGIN_MAX_ADDR 20          /* failures per client address per window */

typedef struct idt_server_opts {
	const char *listen;        /* "127.0.0.1:8080", "[::1]:0" */
	const char *data_dir;      /* attachments live under DATA_DIR/attachments */
	const char *web_root;      /* static files; NULL: none */
	unsigned threads;          /* 0: 4 */
	bool secure_cookies;       /* add "Secure" to the session cookie (behind TLS) */
	const char *base_url;      /* external URL for feeds; NULL: http://LISTEN */
	const char *webhook_allow; /* comma-separated URL prefixes webhooks may go to; NULL: none */
} idt_server_opts;

typedef struct idt_server idt_server;

/*
 * Starts serving in background threads.  `st` and `kb` (may be NULL: substance ids are then
 * checked for form only) are borrowed and must outlive the server.  On failure *out is NULL and
 * *errmsg names the reason.
 */
idt_status idt__server_start(const idt_server_opts *opts, idt_store *st, const idt_kb *kb,
                             idt_server **out, const char **errmsg);
/* The port actually bound (useful with port 0). */
int idt__server_port(const idt_server *srv);
/* Stops accepting, finishes requests in flight, stops the webhook thread, frees the server. */
void idt__server_stop(idt_server *srv);

/* ---------------------------------------------------------------- internals */

struct MHD_Connection;

/* One request, from its first byte to its response. */
typedef struct idt_req {
	idt_server *srv;
	struct MHD_Connection *conn;
	const char *method; /* borrowed from libmicrohttpd for the request's life */
	const char *url;
	idt_buf body; /* capped at IDT_BODY_CAP or IDT_ATTACH_CAP */
	bool too_big;
	char addr[64]; /* client address */
	double t0;     /* when the request arrived (monotonic seconds), for the latency metric */
	/* authentication (auth.c) */
	bool authed;
	bool via_cookie; /* session cookie (CSRF applies) rather than a bearer token */
	unsigned scopes;
	char csrf[65];
	char username[128];
	idt_actor actor;
	uint8_t session_hash[32];
	/* response */
	int status;
	json_t *json; /* owned; sent if non-NULL */
	char *raw;    /* owned raw body (feeds), with raw_type */
	size_t raw_len;
	const char *raw_type;
	char *set_cookie; /* owned Set-Cookie value */
	int fd;           /* file to send (attachments, static files), -1 if none */
	int64_t fd_size;
	const char *fd_type;
	char disposition[300];
	char timing[96]; /* Server-Timing header value, "" if none */
} idt_req;

struct idt_server {
	idt_server_opts opts;
	char data_dir[4096];
	char web_root[4096]; /* realpath, "" if none */
	char base_url[256];
	idt_store *st;
	const idt_kb *kb;
	void *mhd; /* struct MHD_Daemon */
	int port;
	char dummy_hash[256]; /* for timing-even logins of unknown users */
	void *limiter;        /* auth.c */
	void *webhook;        /* webhook.c */
	void *metrics;        /* metrics.c */
};

/* metrics.c: Prometheus counters of the API (GET /api/v1/metrics). */
idt_status idt__metrics_init(idt_server *srv);
void idt__metrics_free(idt_server *srv);
void idt__metrics_request(idt_server *srv, const char *method, int status, double seconds);
void idt__metrics_hits(idt_server *srv, size_t n);

/* Sets an error response {"error": {"code", "message"}}; returns 0 for handler chaining. */
int idt__reply_err(idt_req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets a JSON response (takes the reference). */
int idt__reply(idt_req *r, int status, json_t *json);
/* Maps a store status to an HTTP error response. */
int idt__reply_status(idt_req *r, idt_status s);
/* A query-string argument (borrowed) or NULL. */
const char *idt__arg(idt_req *r, const char *name);
/* A request header (borrowed) or NULL. */
const char *idt__header(idt_req *r, const char *name);
/* Parses the body as a JSON object or array; replies 400/415 and returns NULL if it is not. */
json_t *idt__body_json(idt_req *r, bool allow_array);
/* Rejects members of o not in `allowed` (NULL-terminated): 400 naming the field; -1 then. */
int idt__only_keys(idt_req *r, json_t *o, const char *const *allowed, const char *what);

/* auth.c */
idt_status idt__auth_init(idt_server *srv);
void idt__auth_free(idt_server *srv);
/* Resolves the session cookie or bearer token of r (sets r->authed etc.). */
void idt__auth_resolve(idt_req *r);
/* 1 if r passes the CSRF check for a state-changing request (always for bearer tokens). */
int idt__auth_csrf_ok(idt_req *r);
int idt__h_login(idt_req *r, char **p);
int idt__h_logout(idt_req *r, char **p);
int idt__h_me(idt_req *r, char **p);
/* argon2id string of a password (libsodium); IDT_ENOMEM if the memory limit cannot be met. */
idt_status idt__password_hash(const char *pw, char out[128]);
/* Creates an API token: writes "idt_" + 64 hex to token_out, stores its hash. */
idt_status idt__token_new(idt_store *st, int64_t user_id, const char *name, unsigned scopes,
                          char token_out[80], int64_t *id);
/* Resolves a bearer token string to an actor (feeds); IDT_ENOTFOUND if invalid/revoked. */
idt_status idt__token_actor(idt_server *srv, const char *token, idt_actor *a, unsigned *scopes,
                            char *username, size_t ulen);
unsigned idt__scopes_parse(json_t *arr); /* 0 on error */

/* validate.c */
/* Validates an incident document (create: all defaults applied; patch: present members
 * only) into a new canonical document in *out; on error replies 400 and returns -1. */
int idt__incident_validate(idt_req *r, json_t *in, bool create, json_t **out);
/* Validates one verdict/hit; computes its content id (32 hex).  Replies 400 on error. */
int idt__hit_validate(idt_req *r, json_t *hit, size_t index, char id_out[33]);
/* Builds an incident document pre-filled from a stored hit. */
json_t *idt__hit_prefill(idt_server *srv, json_t *hit);
/* Reduces a free-text query to space-separated words safe for FTS5; malloc'ed. */
char *idt__fts_words(const char *q);
int idt__date_valid(const char *s);
int idt__country_valid(const char *s);

/* feeds.c */
char *idt__atom_warnings(idt_server *srv, json_t *warnings, size_t *len);
char *idt__atom_alerts(idt_server *srv, const char *username, json_t *notifs, size_t *len);

/* webhook.c */
idt_status idt__webhook_start(idt_server *srv);
void idt__webhook_stop(idt_server *srv);

/* routes.c */
void idt__route(idt_req *r);

/* demo.c: loads the demo data set into an empty store; prints nothing. */
idt_status idt__demo_load(idt_store *st, const idt_kb *kb, const idt_scanner *sc, json_t **logins,
                          const char **errmsg);

#endif
