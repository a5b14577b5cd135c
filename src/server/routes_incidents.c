/*
 * routes_incidents.c - handlers for incidents (search, CRUD, the network graph, attachments),
 * statistics, the knowledge-base lookup and the public warnings.  Access control is the
 * store's (every query is filtered by the caller's organisation); these handlers validate input
 * and shape output.
 *
 * Attachments are stored content-addressed under DATA_DIR/attachments/XX/SHA256 (XX the first
 * two hex digits), written to a temporary file, fsync'ed and renamed, before the metadata row
 * is committed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "routes.h"
#include "store/observable.h"

static idt_store *ST(idt_req *r)
{
	return r->srv->st;
}

/* ---------------------------------------------------------------- search */

int idt__h_incident_search(idt_req *r, char **p)
{
	(void)p;
	idt_search q = {0};
	char obs[IDT_OBS_MAX + 1], obs_type[16];
	if (idt__arg_int(r, "page", 1, 100000, 1, &q.page) != 0 ||
	    idt__arg_int(r, "per_page", 1, 100, 20, &q.per_page) != 0)
		return 0;
	q.type = idt__arg(r, "type");
	q.status = idt__arg(r, "status");
	q.substance = idt__arg(r, "substance");
	q.cls = idt__arg(r, "class");
	q.country = idt__arg(r, "country");
	q.from = idt__arg(r, "from");
	q.to = idt__arg(r, "to");
	if (q.cls && idt_class_parse(q.cls, strlen(q.cls)) == IDT_CLASS_COUNT)
		return idt__reply_err(r, 400, "invalid_parameter", "unknown class '%.64s'", q.cls);
	if (q.country && !idt__country_valid(q.country))
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'country' must be an ISO 3166 alpha-2 code");
	if ((q.from && !idt__date_valid(q.from)) || (q.to && !idt__date_valid(q.to)))
		return idt__reply_err(r, 400, "invalid_parameter",
		                      "'from' and 'to' must be dates YYYY-MM-DD");
	const char *o = idt__arg(r, "observable");
	if (o) {
		const char *colon = strchr(o, ':');
		const char *why = "bad observable";
		if (!colon || (size_t)(colon - o) >= sizeof obs_type)
			return idt__reply_err(r, 400, "invalid_parameter",
			                      "'observable' must be TYPE:VALUE");
		memcpy(obs_type, o, (size_t)(colon - o));
		obs_type[colon - o] = 0;
		if (idt__obs_normalize(obs_type, colon + 1, strlen(colon + 1), NULL, NULL, obs,
		                       &why) != IDT_OK)
			return idt__reply_err(r, 400, "invalid_parameter", "'observable': %s", why);
		q.obs_type = obs_type;
		q.obs_value = obs;
	}
	char *words = NULL;
	const char *qs = idt__arg(r, "q");
	if (qs) {
		words = idt__fts_words(qs);
		if (!words) return idt__reply_status(r, IDT_ENOMEM);
		q.q = words;
	}
	json_t *out = NULL;
	idt_status s = ST(r)->ops->incident_search(ST(r), &r->actor, &q, &out);
	free(words);
	return s == IDT_OK ? idt__reply(r, 200, out) : idt__reply_status(r, s);
}

/* ---------------------------------------------------------------- CRUD */

int idt__h_incident_create(idt_req *r, char **p)
{
	(void)p;
	json_t *b = idt__body_json(r, false), *doc = NULL, *out = NULL;
	if (!b) return 0;
	if (idt__incident_validate(r, b, true, &doc) == 0) {
		idt__correlate_ns = -1;
		idt_status s = ST(r)->ops->incident_create(ST(r), &r->actor, doc, &out);
		if (s == IDT_OK && idt__correlate_ns >= 0)
			snprintf(r->timing, sizeof r->timing,
			         "correlate;dur=%.3f, correlate-cpu;dur=%.3f",
			         (double)idt__correlate_ns / 1e6,
			         (double)idt__correlate_cpu_ns / 1e6);
		if (s == IDT_OK)
			idt__reply(r, 201, out);
		else
			idt__reply_status(r, s);
	}
	json_decref(b), json_decref(doc);
	return 0;
}

int idt__h_incident_get(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *out = NULL;
	idt_status s = ST(r)->ops->incident_get(ST(r), &r->actor, id, &out);
	return s == IDT_OK ? idt__reply(r, 200, out) : idt__reply_status(r, s);
}

int idt__h_incident_patch(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *b = idt__body_json(r, false), *doc = NULL, *out = NULL;
	if (!b) return 0;
	if (idt__incident_validate(r, b, false, &doc) == 0) {
		int64_t version = json_integer_value(json_object_get(b, "version"));
		idt_status s =
		    ST(r)->ops->incident_update(ST(r), &r->actor, id, version, doc, &out);
		if (s == IDT_OK)
			idt__reply(r, 200, out);
		else
			idt__reply_status(r, s);
	}
	json_decref(b), json_decref(doc);
	return 0;
}

int idt__h_incident_delete(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	return idt__reply_status(r, ST(r)->ops->incident_delete(ST(r), &r->actor, id));
}

int idt__h_incident_network(idt_req *r, char **p)
{
	int64_t id, depth;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	if (idt__arg_int(r, "depth", 1, 3, 1, &depth) != 0) return 0;
	json_t *out = NULL;
	idt_status s = ST(r)->ops->incident_network(ST(r), &r->actor, id, (int)depth, &out);
	return s == IDT_OK ? idt__reply(r, 200, out) : idt__reply_status(r, s);
}

/* ---------------------------------------------------------------- attachments */

static int sha_valid(const char *s)
{
	if (!s || strlen(s) != 64) return 0;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return 0;
	return 1;
}

static void attach_path(idt_server *srv, const char *sha, char *out, size_t n, int dir_only)
{
	if (dir_only)
		snprintf(out, n, "%s/attachments/%.2s", srv->data_dir, sha);
	else
		snprintf(out, n, "%s/attachments/%.2s/%s", srv->data_dir, sha, sha);
}

/* Writes the bytes durably under their hash; 0 on success. */
static int store_bytes(idt_server *srv, const char *sha, const char *data, size_t len)
{
	char dir[4200], path[4300], tmp[4400];
	snprintf(dir, sizeof dir, "%s/attachments", srv->data_dir);
	mkdir(srv->data_dir, 0700);
	mkdir(dir, 0700);
	attach_path(srv, sha, dir, sizeof dir, 1);
	mkdir(dir, 0700);
	attach_path(srv, sha, path, sizeof path, 0);
	struct stat sb;
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == len) return 0; /* already there */
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)gettid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) {
			close(fd), unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) fsync(dfd), close(dfd);
	return 0;
}

/* A safe display name: at most 200 bytes, no path separators or control characters. */
static int name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 200 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '"') return 0;
	}
	return 1;
}

static int media_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 100 || !strchr(s, '/')) return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c > 0x20 && c < 0x7f) || c == '"' || c == '\\' || c == ';' || c == ',')
			return 0;
	}
	return 1;
}

int idt__h_attachment_put(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	const char *name = idt__arg(r, "name");
	if (!name_ok(name))
		return idt__reply_err(
		    r, 400, "invalid_parameter",
		    "'name' must be a file name (no / \\ \" or control characters)");
	const char *ct = idt__header(r, "Content-Type");
	char media[101] = "application/octet-stream";
	if (ct) {
		size_t n = strcspn(ct, ";");
		if (n < sizeof media) {
			memcpy(media, ct, n);
			media[n] = 0;
		}
		if (!media_ok(media))
			return idt__reply_err(r, 400, "invalid_parameter", "bad Content-Type");
	}
	if (r->body.len == 0) return idt__reply_err(r, 400, "empty_body", "no attachment bytes");
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65];
	crypto_hash_sha256(h, (const unsigned char *)r->body.data, r->body.len);
	sodium_bin2hex(sha, sizeof sha, h, sizeof h);
	/* only an owner may attach: check before writing anything */
	json_t *cur = NULL;
	idt_status s = ST(r)->ops->incident_get(ST(r), &r->actor, id, &cur);
	if (s != IDT_OK) return idt__reply_status(r, s);
	int editable = json_is_true(json_object_get(cur, "editable"));
	json_decref(cur);
	if (!editable) return idt__reply_status(r, IDT_EDENIED);
	if (store_bytes(r->srv, sha, r->body.data, r->body.len) != 0)
		return idt__reply_err(r, 500, "io_error", "cannot store the attachment");
	json_t *out = NULL;
	s = ST(r)->ops->attachment_add(ST(r), &r->actor, id, sha, name, media, (int64_t)r->body.len,
	                               &out);
	return s == IDT_OK ? idt__reply(r, 201, out) : idt__reply_status(r, s);
}

int idt__h_attachment_get(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0 || !sha_valid(p[1]))
		return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *meta = NULL;
	idt_status s = ST(r)->ops->attachment_visible(ST(r), &r->actor, id, p[1], &meta);
	if (s != IDT_OK) return idt__reply_status(r, s);
	char path[4300];
	attach_path(r->srv, p[1], path, sizeof path, 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0) close(fd);
		json_decref(meta);
		return idt__reply_err(r, 500, "io_error", "the attachment's bytes are missing");
	}
	r->fd = fd;
	r->fd_size = sb.st_size;
	/* never rendered inline: user content is always a download */
	r->fd_type = "application/octet-stream";
	snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s\"",
	         json_string_value(json_object_get(meta, "name")));
	r->status = 200;
	json_decref(meta);
	return 0;
}

/* ---------------------------------------------------------------- stats, substances */

int idt__h_stats(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s = ST(r)->ops->stats(ST(r), &r->actor, &out);
	if (s != IDT_OK) return idt__reply_status(r, s);
	/* names and classes of the top substances from the knowledge base */
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(out, "top_substances"), i, x)
	{
		const char *id = json_string_value(json_object_get(x, "id"));
		size_t k = r->srv->kb && id ? idt_kb_find(r->srv->kb, id) : (size_t)-1;
		if (k == (size_t)-1) continue;
		const idt_substance *sub = idt_kb_substance(r->srv->kb, k);
		json_object_set_new(x, "name", json_string(sub->name));
		json_object_set_new(x, "class", json_string(idt_class_name(sub->cls)));
	}
	/* issue 10: time to takedown over the incidents the caller may see */
	json_t *td = NULL;
	s = ST(r)->ops->takedown_stats(ST(r), &r->actor, &td);
	if (s != IDT_OK) {
		json_decref(out);
		return idt__reply_status(r, s);
	}
	json_object_set_new(out, "takedowns", td);
	return idt__reply(r, 200, out);
}

int idt__h_incident_history(idt_req *r, char **p)
{
	int64_t id;
	if (idt__parse_id(p[0], &id) != 0) return idt__reply_status(r, IDT_ENOTFOUND);
	json_t *out = NULL;
	idt_status s = ST(r)->ops->incident_history(ST(r), &r->actor, id, &out);
	return s == IDT_OK ? idt__reply(r, 200, json_pack("{s:o}", "items", out))
	                   : idt__reply_status(r, s);
}

int idt__h_substances(idt_req *r, char **p)
{
	(void)p;
	const idt_kb *kb = r->srv->kb;
	const char *q = idt__arg(r, "q");
	json_t *items = json_array();
	size_t n = kb ? idt_kb_substance_count(kb) : 0;
	for (size_t i = 0; i < n && json_array_size(items) < 50; i++) {
		const idt_substance *s = idt_kb_substance(kb, i);
		if (q && *q && !strcasestr(s->name, q) && !strcasestr(s->id, q)) continue;
		json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "id", s->id, "name",
		                                       s->name, "class", idt_class_name(s->cls)));
	}
	return idt__reply(r, 200, json_pack("{s:o}", "items", items));
}

/* ---------------------------------------------------------------- public warnings */

int idt__h_warnings(idt_req *r, char **p)
{
	(void)p;
	int64_t limit;
	if (idt__arg_int(r, "limit", 1, 200, 50, &limit) != 0) return 0;
	json_t *out = NULL;
	idt_status s = ST(r)->ops->warnings_list(ST(r), limit, &out);
	return s == IDT_OK ? idt__reply(r, 200, json_pack("{s:o}", "items", out))
	                   : idt__reply_status(r, s);
}

int idt__h_warnings_atom(idt_req *r, char **p)
{
	(void)p;
	json_t *out = NULL;
	idt_status s = ST(r)->ops->warnings_list(ST(r), 50, &out);
	if (s != IDT_OK) return idt__reply_status(r, s);
	r->raw = idt__atom_warnings(r->srv, out, &r->raw_len);
	json_decref(out);
	if (!r->raw) return idt__reply_status(r, IDT_ENOMEM);
	r->raw_type = "application/atom+xml; charset=utf-8";
	r->status = 200;
	return 0;
}
