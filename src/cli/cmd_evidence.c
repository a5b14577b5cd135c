/*
 * cmd_evidence.c - `interdict evidence`: the chain of custody of what the watch preserved.
 *
 *   verify FILE...        re-checks every record's block and payload digests and each file's
 *                         SHA-256 against the one recorded in the watch's state database
 *   bundle --out DIR URL...  copies the WARC files holding those URLs' captures into DIR with a
 *                         manifest.json (SHA-256 of every file, the captures with their fetch
 *                         times and record ids, the verification result)
 *   attach --incident ID FILE  uploads a file to an incident's attachments on the server and
 *                         prints the SHA-256 the server recorded (checked against the file's)
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>
#include "cli.h"
#include "watch/watch.h"

static const char usage_text[] =
    "usage: interdict evidence verify [--state FILE] [--quiet] FILE.warc.gz...\n"
    "       interdict evidence bundle --out DIR [--state FILE] URL...\n"
    "       interdict evidence bundle --out DIR --incident ID --server URL [--token TOKEN]\n"
    "       interdict evidence attach --incident ID --server URL [--token TOKEN] FILE\n"
    "\n"
    "verify: re-checks every WARC record's WARC-Block-Digest and WARC-Payload-Digest and the\n"
    "  file's SHA-256 against the watch's state database; names each record that fails.\n"
    "bundle: exports the WARC files holding the captures of the URLs (or of the incident's\n"
    "  source URL and url observables, with the incident as incident.json), with\n"
    "  manifest.json (SHA-256 of every file, fetch times, record ids, verification result).\n"
    "attach: uploads FILE to the incident's attachments (POST /api/v1/incidents/ID/attachments)\n"
    "  and prints the SHA-256 the server recorded.\n"
    "\n"
    "Options:\n"
    "      --state FILE       the watch's state database (default: watch.db)\n"
    "      --quiet            verify: print only failures\n"
    "      --out DIR          bundle: the directory to create\n"
    "      --incident ID      attach, bundle: the incident\n"
    "      --server URL       attach, bundle: the server's base URL\n"
    "      --token TOKEN      API token: write scope for attach, read for bundle\n"
    "                         (default: $INTERDICT_TOKEN)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 all verified (or done), 1 a digest or SHA-256 mismatch, 2 usage,\n"
    "4 failure (unreadable file, server refused).\n";

/* ================================================================== verify */

typedef struct vctx {
	const char *file;
	int quiet;
	size_t records;
} vctx;

static int on_check(void *ctx, const idt_warc_check *c)
{
	vctx *v = ctx;
	v->records++;
	int bad = c->block_ok == 0 || c->payload_ok == 0 || c->problem;
	if (!bad) return 0;
	char why[256] = "";
	if (c->problem) snprintf(why, sizeof why, "%s", c->problem);
	if (c->block_ok == 0)
		snprintf(why + strlen(why), sizeof why - strlen(why), "%sblock digest mismatch",
		         *why ? "; " : "");
	if (c->payload_ok == 0)
		snprintf(why + strlen(why), sizeof why - strlen(why), "%spayload digest mismatch",
		         *why ? "; " : "");
	printf("FAIL %s: record %s (%s %s) at offset %llu: %s\n", v->file, c->record_id, c->type,
	       c->uri, (unsigned long long)c->offset, why);
	return 0;
}

/* Verifies one file; its JSON result into *res (when non-NULL).  0 ok, 1 mismatch, 4 error. */
static int verify_one(idt_wstate *ws, const char *path, int quiet, json_t **res)
{
	vctx v = {path, quiet, 0};
	size_t bad = 0;
	idt_status st = idt_warc_verify(path, on_check, &v, &bad);
	if (st) {
		idt_cli_error("%s: %s", path, idt_status_str(st));
		if (res) *res = json_pack("{s:s}", "result", "unreadable");
		return IDT_EXIT_FAILURE;
	}
	char sha[65], rec[65] = "";
	if (idt_sha256_file(path, sha)) return IDT_EXIT_FAILURE;
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	int known = ws && idt_wstate_warc_sha256(ws, name, rec) == IDT_OK;
	int file_ok = !known || !strcmp(sha, rec);
	if (!file_ok) printf("FAIL %s: SHA-256 %s differs from the recorded %s\n", path, sha, rec);
	int ok = !bad && file_ok && v.records > 0;
	if (!v.records) printf("FAIL %s: no WARC record\n", path);
	if (ok && !quiet)
		printf(
		    "OK %s: %zu records, digests verified; SHA-256 %s %s\n", path, v.records, sha,
		    known ? "matches the state database" : "(not recorded in the state database)");
	if (res)
		*res = json_pack("{s:s,s:i,s:i,s:s,s:s?,s:b}", "result", ok ? "verified" : "FAILED",
		                 "records", (int)v.records, "bad_records", (int)bad, "sha256", sha,
		                 "recorded_sha256", known ? rec : NULL, "sha256_matches_record",
		                 known && file_ok);
	return ok ? IDT_EXIT_OK : 1;
}

static idt_wstate *open_state(const char *state, int must)
{
	idt_wstate *ws = NULL;
	if (access(state, R_OK) != 0 || idt_wstate_open(state, &ws)) {
		if (must) idt_cli_error("cannot open the state database %s", state);
		return NULL;
	}
	return ws;
}

static int cmd_verify(const char *state, int quiet, char **files, int n)
{
	if (n == 0) {
		idt_cli_error("evidence verify needs WARC files");
		return IDT_EXIT_USAGE;
	}
	idt_wstate *ws = open_state(state, 0);
	if (!ws && !quiet)
		fprintf(stderr, "interdict: no state database %s: file SHA-256s are not compared\n",
		        state);
	int rc = IDT_EXIT_OK;
	for (int i = 0; i < n; i++) {
		int r = verify_one(ws, files[i], quiet, NULL);
		if (r > rc) rc = r;
	}
	idt_wstate_close(ws);
	return rc;
}

/* ================================================================== bundle */

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
	int ok = a && b;
	char buf[65536];
	size_t n;
	while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0) ok = fwrite(buf, 1, n, b) == n;
	if (a && ferror(a)) ok = 0;
	if (a) fclose(a);
	if (b && fclose(b) != 0) ok = 0;
	return ok ? 0 : -1;
}

static size_t keep(char *p, size_t size, size_t n, void *ctx)
{
	idt_sb *b = ctx;
	if (b->len < 65536) idt_sb_put(b, p, size * n);
	return size * n;
}

/* GETs the incident from the server: its JSON (caller frees) or NULL after reporting. */
static json_t *get_incident(const char *server, const char *token, const char *incident)
{
	CURL *c = curl_easy_init();
	if (!c) return NULL;
	idt_sb url = {0}, auth = {0}, reply = {0};
	size_t bl = strlen(server);
	while (bl && server[bl - 1] == '/') bl--;
	idt_sb_put(&url, server, bl);
	idt_sb_printf(&url, "/api/v1/incidents/%s", incident);
	idt_sb_printf(&auth, "Authorization: Bearer %s", token);
	struct curl_slist *h = curl_slist_append(NULL, auth.p);
	curl_easy_setopt(c, CURLOPT_URL, url.p);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	CURLcode cc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	json_t *j = NULL;
	if (cc != CURLE_OK)
		idt_cli_error("%s: %s", url.p, curl_easy_strerror(cc));
	else if (code != 200)
		idt_cli_error("%s: HTTP %ld %.300s", url.p, code, reply.p ? reply.p : "");
	else if (!(j = json_loadb(reply.p, reply.len, 0, NULL)))
		idt_cli_error("%s: not JSON", url.p);
	idt_sb_free(&url);
	idt_sb_free(&auth);
	idt_sb_free(&reply);
	return j;
}

/* The URLs of an incident: its source's URL and its url observables. */
static size_t incident_urls(json_t *inc, const char **urls, size_t cap)
{
	size_t n = 0;
	const char *u = json_string_value(json_object_get(json_object_get(inc, "source"), "url"));
	if (u && n < cap) urls[n++] = u;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(inc, "observables"), i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));
		const char *v = json_string_value(json_object_get(o, "value"));
		if (t && v && !strcmp(t, "url") && n < cap) urls[n++] = v;
	}
	return n;
}

static int cmd_bundle(const char *state, const char *out, char **urls, int n, json_t *incident)
{
	if (!out || n == 0) {
		idt_cli_error(
		    "evidence bundle needs --out DIR and URLs (or an incident with URLs)");
		return IDT_EXIT_USAGE;
	}
	idt_wstate *ws = open_state(state, 1);
	if (!ws) return IDT_EXIT_FAILURE;
	if (mkdir(out, 0750) != 0 && errno != EEXIST) {
		idt_cli_error("cannot create %s", out);
		idt_wstate_close(ws);
		return IDT_EXIT_FAILURE;
	}
	sqlite3 *db = idt_wstate_db(ws);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(
	    db,
	    "SELECT c.url, c.fetched_at, c.status, c.record_id, c.warc_file,"
	    " c.payload_sha256, c.flagged, w.path FROM captures c LEFT JOIN warc_files"
	    " w ON w.name = c.warc_file WHERE c.url = ? ORDER BY c.fetched_at",
	    -1, &q, NULL);
	json_t *caps = json_array(), *files = json_object(), *missing = json_array();
	for (int i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, urls[i], -1, SQLITE_TRANSIENT);
		int any = 0;
		while (sqlite3_step(q) == SQLITE_ROW) {
			any = 1;
			const char *c[8];
			for (int k = 0; k < 8; k++) c[k] = (const char *)sqlite3_column_text(q, k);
			json_array_append_new(
			    caps, json_pack("{s:s,s:s,s:i,s:s?,s:s?,s:s?,s:b}", "url", c[0],
			                    "fetched_at", c[1], "status", sqlite3_column_int(q, 2),
			                    "record_id", c[3], "warc_file", c[4], "payload_digest",
			                    c[5], "flagged", sqlite3_column_int(q, 6)));
			if (c[4] && c[7])
				json_object_set_new(files, c[4], json_string(c[7]));
			else if (c[4])
				json_object_set_new(files, c[4], json_null());
		}
		if (!any) json_array_append_new(missing, json_string(urls[i]));
	}
	sqlite3_finalize(q);
	int rc = IDT_EXIT_OK;
	json_t *flist = json_array();
	json_t *inc_entry = json_null();
	if (incident) {
		/* the incident as the server returned it, beside the evidence */
		char ip[4096], isha[65];
		snprintf(ip, sizeof ip, "%s/incident.json", out);
		if (json_dump_file(incident, ip, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 ||
		    idt_sha256_file(ip, isha)) {
			idt_cli_error("cannot write %s", ip);
			rc = IDT_EXIT_FAILURE;
		} else {
			json_decref(inc_entry);
			inc_entry =
			    json_pack("{s:O,s:s,s:s}", "id", json_object_get(incident, "id"),
			              "file", "incident.json", "sha256", isha);
		}
	}
	const char *name;
	json_t *pv;
	json_object_foreach(files, name, pv)
	{
		if (!json_is_string(pv)) {
			idt_cli_error("%s is not finished or not recorded (is a watch running?)",
			              name);
			rc = IDT_EXIT_FAILURE;
			continue;
		}
		char dst[4096];
		snprintf(dst, sizeof dst, "%s/%s", out, name);
		if (copy_file(json_string_value(pv), dst)) {
			idt_cli_error("cannot copy %s to %s", json_string_value(pv), dst);
			rc = IDT_EXIT_FAILURE;
			continue;
		}
		json_t *res = NULL;
		int r = verify_one(ws, dst, 1, &res);
		if (r > rc) rc = r;
		struct stat sb;
		stat(dst, &sb);
		json_object_set_new(res, "file", json_string(name));
		json_object_set_new(res, "size", json_integer((json_int_t)sb.st_size));
		json_array_append_new(flist, res);
	}
	idt_wstate_close(ws);
	char now[32];
	idt_watch_now(now);
	json_t *man = json_pack(
	    "{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s}", "bundle", "interdict evidence bundle",
	    "created_at", now, "tool", "interdict " IDT_VERSION, "incident", inc_entry, "files",
	    flist, "captures", caps, "urls_without_capture", missing, "verification",
	    rc == IDT_EXIT_OK ? "every file verified: record digests and SHA-256 as recorded"
	                      : "FAILED: see the files' results");
	char path[4096];
	snprintf(path, sizeof path, "%s/manifest.json", out);
	if (json_dump_file(man, path, JSON_INDENT(2)) != 0) {
		idt_cli_error("cannot write %s", path);
		rc = IDT_EXIT_FAILURE;
	}
	char sha[65];
	if (!idt_sha256_file(path, sha))
		printf("bundle %s: %zu files, %zu captures; manifest.json SHA-256 %s\n", out,
		       json_array_size(flist), json_array_size(caps), sha);
	json_decref(man); /* frees flist and caps too */
	json_decref(files);
	return rc;
}

/* ================================================================== attach */

static int cmd_attach(const char *server, const char *token, const char *incident, const char *file)
{
	if (!server || !incident || !file) {
		idt_cli_error("evidence attach needs --incident ID, --server URL and a FILE");
		return IDT_EXIT_USAGE;
	}
	for (const char *c = incident; *c; c++)
		if (*c < '0' || *c > '9') {
			idt_cli_error("--incident must be a number");
			return IDT_EXIT_USAGE;
		}
	if (!token) token = getenv("INTERDICT_TOKEN");
	if (!token || !*token) {
		idt_cli_error("attach needs an API token: --token TOKEN or INTERDICT_TOKEN");
		return IDT_EXIT_USAGE;
	}
	char local[65];
	struct stat sb;
	if (stat(file, &sb) != 0 || idt_sha256_file(file, local)) {
		idt_cli_error("cannot read %s", file);
		return IDT_EXIT_FAILURE;
	}
	FILE *f = fopen(file, "rb");
	if (!f) return IDT_EXIT_FAILURE;
	CURL *c = curl_easy_init();
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	char *ename = curl_easy_escape(c, base, 0);
	idt_sb url = {0}, auth = {0}, reply = {0};
	size_t bl = strlen(server);
	while (bl && server[bl - 1] == '/') bl--;
	idt_sb_put(&url, server, bl);
	idt_sb_printf(&url, "/api/v1/incidents/%s/attachments?name=%s", incident, ename);
	idt_sb_printf(&auth, "Authorization: Bearer %s", token);
	int gz = strlen(base) > 3 && !strcmp(base + strlen(base) - 3, ".gz");
	struct curl_slist *h = curl_slist_append(NULL, auth.p);
	h = curl_slist_append(h, gz ? "Content-Type: application/gzip"
	                            : "Content-Type: application/warc");
	curl_easy_setopt(c, CURLOPT_URL, url.p);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)sb.st_size);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	CURLcode cc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_free(ename);
	curl_easy_cleanup(c);
	fclose(f);
	int rc = IDT_EXIT_FAILURE;
	if (cc != CURLE_OK) {
		idt_cli_error("upload to %s failed: %s", url.p, curl_easy_strerror(cc));
	} else if (code < 200 || code >= 300) {
		idt_cli_error("upload to %s failed: HTTP %ld %.300s", url.p, code,
		              reply.p ? reply.p : "");
	} else {
		json_t *j = json_loadb(reply.p ? reply.p : "", reply.len, 0, NULL);
		const char *sha = json_string_value(json_object_get(j, "sha256"));
		if (sha && !strcmp(sha, local)) {
			printf("%s\n", sha);
			fprintf(stderr,
			        "interdict: %s attached to incident %s; the server recorded"
			        " SHA-256 %s (matches the file)\n",
			        file, incident, sha);
			rc = IDT_EXIT_OK;
		} else {
			idt_cli_error("the server recorded SHA-256 %s, the file's is %s",
			              sha ? sha : "(none)", local);
			rc = 1;
		}
		json_decref(j);
	}
	idt_sb_free(&url);
	idt_sb_free(&auth);
	idt_sb_free(&reply);
	return rc;
}

/* ================================================================== options */

int idt_cmd_evidence(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? IDT_EXIT_USAGE : IDT_EXIT_OK;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "verify") && strcmp(sub, "bundle") && strcmp(sub, "attach")) {
		idt_cli_error("evidence: unknown subcommand '%s'", sub);
		fputs(usage_text, stderr);
		return IDT_EXIT_USAGE;
	}
	argc--, argv++;
	const char *state = "watch.db", *out = NULL, *incident = NULL, *server = NULL,
	           *token = NULL;
	int quiet = 0;
	static const struct option lo[] = {
	    {"state", required_argument, 0, 1},    {"out", required_argument, 0, 2},
	    {"incident", required_argument, 0, 3}, {"server", required_argument, 0, 4},
	    {"token", required_argument, 0, 5},    {"quiet", no_argument, 0, 6},
	    {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 1: state = optarg; break;
		case 2: out = optarg; break;
		case 3: incident = optarg; break;
		case 4: server = optarg; break;
		case 5: token = optarg; break;
		case 6: quiet = 1; break;
		case 'h': fputs(usage_text, stdout); return IDT_EXIT_OK;
		default: fputs(usage_text, stderr); return IDT_EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "verify")) return cmd_verify(state, quiet, argv + optind, argc - optind);
	if (!token) token = getenv("INTERDICT_TOKEN");
	for (const char *d = incident; d && *d; d++)
		if (*d < '0' || *d > '9' || d - incident > 18) {
			idt_cli_error("--incident must be a number");
			return IDT_EXIT_USAGE;
		}
	if (!strcmp(sub, "bundle") && !incident)
		return cmd_bundle(state, out, argv + optind, argc - optind, NULL);
	if (!strcmp(sub, "bundle")) {
		if (!server || !token || !*token) {
			idt_cli_error("bundle --incident needs --server URL and an API token");
			return IDT_EXIT_USAGE;
		}
		json_t *inc = get_incident(server, token, incident);
		if (!inc) return IDT_EXIT_FAILURE;
		const char *u[256];
		size_t n = incident_urls(inc, u, 256);
		char **all = calloc(n + (size_t)(argc - optind) + 1, sizeof *all);
		size_t k = 0;
		for (size_t i = 0; all && i < n; i++) all[k++] = (char *)u[i];
		for (int i = optind; all && i < argc; i++) all[k++] = argv[i];
		int rc = all ? cmd_bundle(state, out, all, (int)k, inc) : IDT_EXIT_FAILURE;
		free(all);
		json_decref(inc);
		return rc;
	}
	if (argc - optind != 1) {
		idt_cli_error("evidence attach takes one FILE");
		return IDT_EXIT_USAGE;
	}
	return cmd_attach(server, token, incident, argv[optind]);
}
