/*
 * auth.c - who is calling.  Passwords are argon2id strings (libsodium crypto_pwhash_str);
 * browser sessions are 32 random bytes in an HttpOnly, SameSite=Strict cookie, stored as their
 * BLAKE2b hash, each with a per-session CSRF token that every state-changing cookie request
 * must echo in X-CSRF-Token; API tokens ("idt_" + 64 hex) are stored hashed, scoped
 * (read / write / submit-hits) and revocable.  Secrets are compared in constant time.
 *
 * Failed logins are counted per user name and per client address over a sliding window in a
 * fixed-size in-memory table (oldest entry evicted when full); beyond the limits a login is
 * refused with 429 before the password is even checked.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include "server.h"

#define LIMITER_SLOTS 4096

typedef struct slot {
	char key[160]; /* "u:NAME" or "a:ADDR"; "" if free */
	int64_t first; /* start of the window */
	unsigned fails;
} slot;

typedef struct limiter {
	pthread_mutex_t mu;
	slot slots[LIMITER_SLOTS];
} limiter;

/* ---------------------------------------------------------------- limiter */

static slot *find_slot(limiter *l, const char *key, int64_t now, bool create)
{
	slot *oldest = &l->slots[0];
	for (size_t i = 0; i < LIMITER_SLOTS; i++) {
		slot *s = &l->slots[i];
		if (s->key[0] && now - s->first > IDT_LOGIN_WINDOW) s->key[0] = 0;
		if (s->key[0] && strcmp(s->key, key) == 0) return s;
		if (!s->key[0] || s->first < oldest->first) oldest = s;
	}
	if (!create) return NULL;
	snprintf(oldest->key, sizeof oldest->key, "%s", key);
	oldest->first = now;
	oldest->fails = 0;
	return oldest;
}

static bool limited(idt_server *srv, const char *user, const char *addr)
{
	limiter *l = srv->limiter;
	char ku[160], ka[160];
	snprintf(ku, sizeof ku, "u:%s", user);
	snprintf(ka, sizeof ka, "a:%s", addr);
	pthread_mutex_lock(&l->mu);
	int64_t now = idt__now();
	slot *u = find_slot(l, ku, now, false), *a = find_slot(l, ka, now, false);
	bool r = (u && u->fails >= IDT_LOGIN_MAX_USER) || (a && a->fails >= IDT_LOGIN_MAX_ADDR);
	pthread_mutex_unlock(&l->mu);
	return r;
}

static void record(idt_server *srv, const char *user, const char *addr, bool ok)
{
	limiter *l = srv->limiter;
	char ku[160], ka[160];
	snprintf(ku, sizeof ku, "u:%s", user);
	snprintf(ka, sizeof ka, "a:%s", addr);
	pthread_mutex_lock(&l->mu);
	int64_t now = idt__now();
	if (ok) {
		slot *u = find_slot(l, ku, now, false);
		if (u) u->key[0] = 0;
	} else {
		find_slot(l, ku, now, true)->fails++;
		find_slot(l, ka, now, true)->fails++;
	}
	pthread_mutex_unlock(&l->mu);
}

/* ---------------------------------------------------------------- secrets */

idt_status idt__password_hash(const char *pw, char out[128])
{
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return IDT_ENOMEM;
	return IDT_OK;
}

static void secret_hash(const char *secret, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)secret, len, NULL, 0);
}

static void random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	randombytes_buf(b, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, b, nbytes);
}

idt_status idt__token_new(idt_store *st, int64_t user_id, const char *name, unsigned scopes,
                          char token_out[80], int64_t *id)
{
	char hex[65];
	random_hex(hex, 32);
	snprintf(token_out, 80, "idt_%s", hex);
	uint8_t h[32];
	secret_hash(token_out, strlen(token_out), h);
	return st->ops->token_create(st, h, user_id, name, scopes, id);
}

unsigned idt__scopes_parse(json_t *arr)
{
	unsigned s = 0;
	size_t i;
	json_t *v;
	if (!json_is_array(arr) || json_array_size(arr) == 0) return 0;
	json_array_foreach(arr, i, v)
	{
		const char *n = json_string_value(v);
		if (!n) return 0;
		if (strcmp(n, "read") == 0)
			s |= IDT_SCOPE_READ;
		else if (strcmp(n, "write") == 0)
			s |= IDT_SCOPE_WRITE;
		else if (strcmp(n, "submit-hits") == 0)
			s |= IDT_SCOPE_SUBMIT;
		else
			return 0;
	}
	return s;
}

/* ---------------------------------------------------------------- resolving callers */

static bool fill_actor(idt_server *srv, int64_t user_id, idt_actor *a, char *username, size_t ulen)
{
	idt_user_rec u;
	if (srv->st->ops->user_get(srv->st, user_id, &u) != IDT_OK) return false;
	bool ok = !u.disabled;
	a->user_id = u.id;
	a->org_id = u.org_id;
	a->role = u.role;
	snprintf(username, ulen, "%s", u.username);
	idt__user_clear(&u);
	return ok;
}

idt_status idt__token_actor(idt_server *srv, const char *token, idt_actor *a, unsigned *scopes,
                            char *username, size_t ulen)
{
	if (!token || strncmp(token, "idt_", 4) != 0 || strlen(token) != 68) return IDT_ENOTFOUND;
	uint8_t h[32];
	secret_hash(token, strlen(token), h);
	idt_cred_rec c;
	if (srv->st->ops->token_get(srv->st, h, &c) != IDT_OK) return IDT_ENOTFOUND;
	if (!fill_actor(srv, c.user_id, a, username, ulen)) return IDT_ENOTFOUND;
	*scopes = c.scopes;
	return IDT_OK;
}

void idt__auth_resolve(idt_req *r)
{
	idt_server *srv = r->srv;
	r->authed = false;
	r->actor.addr = r->addr;
	r->actor.username = r->username;
	const char *authz = idt__header(r, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		if (idt__token_actor(srv, authz + 7, &r->actor, &r->scopes, r->username,
		                     sizeof r->username) == IDT_OK)
			r->authed = true;
		return; /* a bad bearer token never falls back to the cookie */
	}
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "idt_session");
	if (!cookie || strlen(cookie) != 64) return;
	secret_hash(cookie, 64, r->session_hash);
	idt_cred_rec c;
	if (srv->st->ops->session_get(srv->st, r->session_hash, &c) != IDT_OK) return;
	if (!fill_actor(srv, c.user_id, &r->actor, r->username, sizeof r->username)) return;
	memcpy(r->csrf, c.csrf, sizeof r->csrf);
	r->scopes = IDT_SCOPE_ALL;
	r->via_cookie = true;
	r->authed = true;
}

int idt__auth_csrf_ok(idt_req *r)
{
	if (!r->via_cookie) return 1;
	const char *t = idt__header(r, "X-CSRF-Token");
	if (!t || strlen(t) != 64 || strlen(r->csrf) != 64) return 0;
	return sodium_memcmp(t, r->csrf, 64) == 0;
}

/* ---------------------------------------------------------------- handlers */

static json_t *user_json(idt_req *r)
{
	return json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)r->actor.user_id, "username",
	                 r->username, "role", idt__role_name(r->actor.role), "org_id",
	                 (json_int_t)r->actor.org_id);
}

int idt__h_login(idt_req *r, char **p)
{
	(void)p;
	idt_server *srv = r->srv;
	json_t *b = idt__body_json(r, false);
	if (!b) return 0;
	static const char *const keys[] = {"username", "password", NULL};
	const char *user = json_string_value(json_object_get(b, "username"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	if (idt__only_keys(r, b, keys, "login") != 0) goto out;
	if (!user || !pw || strlen(user) > 128 || strlen(pw) > 1024) {
		idt__reply_err(r, 400, "invalid_field", "username and password must be strings");
		goto out;
	}
	if (limited(srv, user, r->addr)) {
		idt__reply_err(r, 429, "rate_limited",
		               "too many failed logins; try again in 15 minutes");
		goto out;
	}
	idt_user_rec u;
	bool ok = false;
	if (srv->st->ops->user_by_name(srv->st, user, &u) == IDT_OK) {
		ok = crypto_pwhash_str_verify(u.pwhash, pw, strlen(pw)) == 0 && !u.disabled;
	} else {
		memset(&u, 0, sizeof u);
		/* the same work for unknown users, so timing does not reveal them */
		if (crypto_pwhash_str_verify(srv->dummy_hash, pw, strlen(pw)) == 0) ok = false;
	}
	record(srv, user, r->addr, ok);
	idt_actor a = {.user_id = u.id, .org_id = u.org_id, .username = user, .addr = r->addr};
	if (!ok) {
		json_t *det = json_pack("{s:s}", "username", user);
		srv->st->ops->audit_append(srv->st, &a, "login-failed", "user", NULL, det);
		json_decref(det);
		idt__user_clear(&u);
		idt__reply_err(r, 401, "bad_credentials", "wrong user name or password");
		goto out;
	}
	char token[65], csrf[65];
	random_hex(token, 32);
	random_hex(csrf, 32);
	uint8_t h[32];
	secret_hash(token, 64, h);
	idt_status s =
	    srv->st->ops->session_create(srv->st, h, u.id, csrf, idt__now() + IDT_SESSION_TTL);
	if (s != IDT_OK) {
		idt__user_clear(&u);
		idt__reply_status(r, s);
		goto out;
	}
	srv->st->ops->audit_append(srv->st, &a, "login", "user", NULL, NULL);
	char cookie[256];
	snprintf(cookie, sizeof cookie,
	         "idt_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
	         IDT_SESSION_TTL, srv->opts.secure_cookies ? "; Secure" : "");
	r->set_cookie = strdup(cookie);
	r->actor.user_id = u.id, r->actor.org_id = u.org_id, r->actor.role = u.role;
	snprintf(r->username, sizeof r->username, "%s", u.username);
	idt__user_clear(&u);
	idt__reply(r, 200, json_pack("{s:o,s:s}", "user", user_json(r), "csrf_token", csrf));
out:
	json_decref(b);
	return 0;
}

int idt__h_logout(idt_req *r, char **p)
{
	(void)p;
	if (r->via_cookie) r->srv->st->ops->session_delete(r->srv->st, r->session_hash);
	r->set_cookie = strdup("idt_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return idt__reply(r, 204, NULL);
}

int idt__h_me(idt_req *r, char **p)
{
	(void)p;
	json_t *o = json_pack("{s:o}", "user", user_json(r));
	if (r->via_cookie)
		json_object_set_new(o, "csrf_token", json_string(r->csrf));
	else {
		json_t *sc = json_array();
		if (r->scopes & IDT_SCOPE_READ) json_array_append_new(sc, json_string("read"));
		if (r->scopes & IDT_SCOPE_WRITE) json_array_append_new(sc, json_string("write"));
		if (r->scopes & IDT_SCOPE_SUBMIT)
			json_array_append_new(sc, json_string("submit-hits"));
		json_object_set_new(o, "scopes", sc);
	}
	return idt__reply(r, 200, o);
}

/* ---------------------------------------------------------------- lifetime */

idt_status idt__auth_init(idt_server *srv)
{
	if (sodium_init() < 0) return IDT_ENOMEM;
	limiter *l = calloc(1, sizeof *l);
	if (!l) return IDT_ENOMEM;
	pthread_mutex_init(&l->mu, NULL);
	srv->limiter = l;
	char pw[33];
	random_hex(pw, 16);
	return idt__password_hash(pw, srv->dummy_hash);
}

void idt__auth_free(idt_server *srv)
{
	limiter *l = srv->limiter;
	if (!l) return;
	pthread_mutex_destroy(&l->mu);
	free(l);
	srv->limiter = NULL;
}
