/*
 * http.c - libmicrohttpd glue.  Owns the daemon, reads request bodies into capped buffers
 * (413 beyond the cap, the excess discarded), resolves the client address, sends JSON / raw /
 * file responses with the security headers every response carries, and serves static files
 * from the web root with path traversal made impossible (no "." or ".." segments, and the
 * resolved real path must lie inside the real web root).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "server.h"

/* ---------------------------------------------------------------- response helpers */

int idt__reply(idt_req *r, int status, json_t *json)
{
	json_decref(r->json);
	r->status = status;
	r->json = json;
	return 0;
}

int idt__reply_err(idt_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return idt__reply(r, status,
	                  json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

int idt__reply_status(idt_req *r, idt_status s)
{
	switch (s) {
	case IDT_OK: return idt__reply(r, 204, NULL);
	case IDT_ENOTFOUND: return idt__reply_err(r, 404, "not_found", "no such object");
	case IDT_EDENIED:
		return idt__reply_err(r, 403, "forbidden", "you may not change this object");
	case IDT_ECONFLICT:
		return idt__reply_err(r, 409, "conflict",
		                      "the object already exists or was changed meanwhile");
	case IDT_EINVAL:
		return idt__reply_err(r, 400, "invalid_reference",
		                      "a referenced object does not exist or is not yours to use");
	case IDT_ENOMEM: return idt__reply_err(r, 503, "out_of_memory", "try again later");
	default: return idt__reply_err(r, 500, "storage_error", "the storage backend failed");
	}
}

const char *idt__arg(idt_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *idt__header(idt_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

json_t *idt__body_json(idt_req *r, bool allow_array)
{
	const char *ct = idt__header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		idt__reply_err(r, 415, "unsupported_media_type",
		               "the request body must be application/json");
		return NULL;
	}
	json_error_t e;
	json_t *j =
	    json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		idt__reply_err(r, 400, "malformed_json", "malformed JSON at line %d column %d: %s",
		               e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_object(j) && !(allow_array && json_is_array(j))) {
		json_decref(j);
		idt__reply_err(r, 400, "wrong_type",
		               allow_array ? "the body must be a JSON object or array"
		                           : "the body must be a JSON object");
		return NULL;
	}
	return j;
}

int idt__only_keys(idt_req *r, json_t *o, const char *const *allowed, const char *what)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, k) == 0;
		if (!ok) {
			idt__reply_err(r, 400, "unknown_field", "unknown field '%.100s' in %s", k,
			               what);
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- sending */

static void common_headers(struct MHD_Response *resp, bool api)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'self'; img-src 'self' data:; style-src 'self' "
	                        "'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
	if (api) MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result send_req(idt_req *r)
{
	struct MHD_Response *resp;
	bool api = strncmp(r->url, "/api/", 5) == 0;
	if (r->fd >= 0) {
		resp = MHD_create_response_from_fd64((uint64_t)r->fd_size, r->fd);
		r->fd = -1; /* the response owns it now */
		if (resp && r->fd_type) MHD_add_response_header(resp, "Content-Type", r->fd_type);
		if (resp && r->disposition[0])
			MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	} else if (r->raw) {
		resp = MHD_create_response_from_buffer(r->raw_len, r->raw, MHD_RESPMEM_MUST_FREE);
		r->raw = NULL;
		if (resp) MHD_add_response_header(resp, "Content-Type", r->raw_type);
	} else if (r->json) {
		char *s = json_dumps(r->json, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (!s) return MHD_NO;
		size_t n = strlen(s);
		s[n] = 0;
		resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
		if (resp)
			MHD_add_response_header(resp, "Content-Type", "application/json");
		else
			free(s);
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp) return MHD_NO;
	common_headers(resp, api);
	if (r->set_cookie) MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->timing[0]) MHD_add_response_header(resp, "Server-Timing", r->timing);
	if (r->status == 429) MHD_add_response_header(resp, "Retry-After", "900");
	if (r->status == 401 && !r->authed && api)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"interdict\"");
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---------------------------------------------------------------- static files */

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} m[] = {{".html", "text/html; charset=utf-8"},
	         {".js", "text/javascript; charset=utf-8"},
	         {".mjs", "text/javascript; charset=utf-8"},
	         {".css", "text/css; charset=utf-8"},
	         {".json", "application/json"},
	         {".svg", "image/svg+xml"},
	         {".png", "image/png"},
	         {".ico", "image/x-icon"},
	         {".woff2", "font/woff2"},
	         {".txt", "text/plain; charset=utf-8"},
	         {".map", "application/json"}};
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
			if (strcasecmp(dot, m[i].ext) == 0) return m[i].type;
	return "application/octet-stream";
}

/* 1 if the URL path is a plain relative file path: no ".", "..", hidden or empty segments,
 * no backslash or control bytes. */
static int safe_path(const char *url)
{
	if (url[0] != '/') return 0;
	const char *p = url + 1;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 && e) return 0;
		if (n && p[0] == '.') return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == '\\') return 0;
		p += n + (e ? 1 : 0);
	}
	return 1;
}

static int open_static(idt_server *srv, const char *url, idt_req *r)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct stat sb;
	if (!safe_path(url)) return -1;
	if (snprintf(path, sizeof path, "%s%s", srv->web_root, url) >= (int)sizeof path) return -1;
	if (!realpath(path, real)) return -1;
	size_t rl = strlen(srv->web_root);
	if (strncmp(real, srv->web_root, rl) != 0 || (real[rl] != '/' && real[rl] != 0)) return -1;
	if (stat(real, &sb) != 0) return -1;
	if (S_ISDIR(sb.st_mode)) {
		if (strlen(real) + 12 > sizeof real) return -1;
		strcat(real, "/index.html");
		if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) return -1;
	}
	if (!S_ISREG(sb.st_mode)) return -1;
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) return -1;
	r->fd = fd;
	r->fd_size = sb.st_size;
	r->fd_type = mime_of(real);
	r->status = 200;
	return 0;
}

static void serve_static(idt_req *r)
{
	idt_server *srv = r->srv;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		idt__reply_err(r, 405, "method_not_allowed", "static files are read-only");
		return;
	}
	if (!srv->web_root[0] || !safe_path(r->url)) {
		idt__reply_err(r, 404, "not_found", "no such file");
		return;
	}
	if (open_static(srv, r->url, r) == 0) return;
	/* single-page application: paths without an extension get index.html */
	const char *last = strrchr(r->url, '/');
	if (last && !strchr(last, '.') && open_static(srv, "/index.html", r) == 0) return;
	idt__reply_err(r, 404, "not_found", "no such file");
}

/* ---------------------------------------------------------------- the access handler */

static int hexdig(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "unknown");
	if (!ci || !ci->client_addr) return;
	const struct sockaddr *sa = ci->client_addr;
	socklen_t len =
	    sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	getnameinfo(sa, len, out, (socklen_t)n, NULL, 0, NI_NUMERICHOST);
}

static void req_free(idt_req *r)
{
	if (!r) return;
	idt__buf_free(&r->body);
	json_decref(r->json);
	free(r->raw);
	free(r->set_cookie);
	if (r->fd >= 0) close(r->fd);
	free(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
	(void)version;
	idt_server *srv = cls;
	idt_req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r) return MHD_NO;
		r->srv = srv, r->conn = c, r->method = method, r->url = url, r->fd = -1;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r->t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
		r->body.cap_limit = strstr(url, "/attachments") ? IDT_ATTACH_CAP : IDT_BODY_CAP;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > r->body.cap_limit) r->too_big = true;
		client_addr(c, r->addr, sizeof r->addr);
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_big && idt__buf_append(&r->body, upload_data, *upload_size) != IDT_OK)
			r->too_big = true; /* keep reading, discarding, then answer 413 */
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big) {
		idt__reply_err(r, 413, "body_too_large", "the request body exceeds %u bytes",
		               (unsigned)r->body.cap_limit);
	} else if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0) {
		idt__route(r);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		idt__metrics_request(srv, method, r->status,
		                     (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - r->t0);
	} else {
		serve_static(r);
	}
	return send_req(r);
}

/* URL unescaping for libmicrohttpd: %XX decoded in place, except %00, which stays as the three
 * characters "%00" so that a NUL can never cut a path or an id short. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	char *w = s;
	for (const char *r = s; *r; r++) {
		int h, l;
		if (r[0] == '%' && (h = hexdig(r[1])) >= 0 && (l = hexdig(r[2])) >= 0 &&
		    (h | l) != 0) {
			*w++ = (char)(h * 16 + l);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

/* ---------------------------------------------------------------- lifetime */

static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[256];
	const char *colon;
	memset(ss, 0, sizeof *ss);
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host) return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = 0;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || colon[1] == 0) return -1;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

idt_status idt__server_start(const idt_server_opts *opts, idt_store *st, const idt_kb *kb,
                             idt_server **out, const char **errmsg)
{
	const char *dummy;
	if (!errmsg) errmsg = &dummy;
	*out = NULL;
	struct sockaddr_storage ss;
	if (parse_listen(opts->listen ? opts->listen : "127.0.0.1:8080", &ss) != 0) {
		*errmsg = "bad --listen address (want HOST:PORT, e.g. 127.0.0.1:8080)";
		return IDT_EINVAL;
	}
	idt_server *srv = calloc(1, sizeof *srv);
	if (!srv) return IDT_ENOMEM;
	srv->opts = *opts;
	srv->st = st;
	srv->kb = kb;
	snprintf(srv->data_dir, sizeof srv->data_dir, "%s", opts->data_dir ? opts->data_dir : ".");
	if (opts->web_root && !realpath(opts->web_root, srv->web_root)) {
		*errmsg = "the web root does not exist";
		free(srv);
		return IDT_EINVAL;
	}
	if (idt__auth_init(srv) != IDT_OK) {
		*errmsg = "cannot initialise authentication (libsodium)";
		free(srv);
		return IDT_ENOMEM;
	}
	if (idt__metrics_init(srv) != IDT_OK) {
		*errmsg = "out of memory";
		idt__auth_free(srv);
		free(srv);
		return IDT_ENOMEM;
	}
	unsigned threads = opts->threads ? opts->threads : 4;
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
	    srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
	    MHD_OPTION_END);
	if (!d) {
		*errmsg = "cannot listen on the address (in use, or not allowed)";
		idt__auth_free(srv);
		idt__metrics_free(srv);
		free(srv);
		return IDT_EIO;
	}
	srv->mhd = d;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	if (opts->base_url) {
		snprintf(srv->base_url, sizeof srv->base_url, "%s", opts->base_url);
	} else {
		char host[64] = "127.0.0.1"; /* an IPv4 or IPv6 literal fits */
		if (ss.ss_family == AF_INET6)
			snprintf(host, sizeof host, "[::1]");
		else
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
			          sizeof host);
		snprintf(srv->base_url, sizeof srv->base_url, "http://%s:%d", host, srv->port);
	}
	if (idt__webhook_start(srv) != IDT_OK) {
		*errmsg = "cannot start the webhook thread";
		idt__server_stop(srv);
		return IDT_ENOMEM;
	}
	*out = srv;
	return IDT_OK;
}

int idt__server_port(const idt_server *srv)
{
	return srv->port;
}

void idt__server_stop(idt_server *srv)
{
	if (!srv) return;
	if (srv->mhd) MHD_stop_daemon(srv->mhd);
	idt__webhook_stop(srv);
	idt__auth_free(srv);
	idt__metrics_free(srv);
	free(srv);
}
