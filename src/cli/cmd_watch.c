/*
 * cmd_watch.c - `interdict watch`: runs the monitored sources of a watch list (src/watch/),
 * prints each new or changed flagged page as a hit (JSON Lines) and, with --submit, sends the
 * hits to the server's triage queue with their source (URL, platform, fetch time, WARC record
 * and file SHA-256, internet-pharmacy assessment).  Subcommands: `report-takedown` marks a
 * listing as reported to a platform, `takedowns` lists them with the time to takedown.
 *
 * With --submit, the server's takedown tracking (issue 10) is used too: each round pulls the
 * open takedowns of the incidents the token's organisation owns (GET /api/v1/takedowns
 * ?open=true), re-checks them with the local ones and records every result on the server
 * (PATCH /api/v1/takedowns/{id}); `report-takedown --submit URL --incident ID` reports a
 * listing on the server instead of the state database.
 */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>
#include "cli.h"
#include "watch/watch.h"

static const char usage_text[] =
    "usage: interdict watch --list FILE [OPTIONS]\n"
    "       interdict watch report-takedown --url URL --platform NAME --reference REF\n"
    "                       [--at TIME] [--state FILE | --submit URL --incident ID]\n"
    "       interdict watch takedowns [--json] [--state FILE]\n"
    "\n"
    "Crawls the monitored sources of a watch list politely (robots.txt, per-host rate limits),\n"
    "preserves every response in WARC files, scans each page and reports new or changed\n"
    "flagged pages as hits (JSON Lines on standard output).  See docs/watch.md.\n"
    "\n"
    "Options:\n"
    "      --list FILE        the watch list (required)\n"
    "      --state FILE       the watch's state database (default: watch.db)\n"
    "      --warc-dir DIR     where WARC files are written (default: warc; created)\n"
    "      --warc-max-size N  rotate WARC files past N bytes (K, M, G suffixes; default 1G)\n"
    "      --once             run one round of every source, then exit (tests, cron)\n"
    "      --check            check the watch list and print every source with its\n"
    "                         effective settings (defaults filled in); fetch nothing\n"
    "      --submit URL       send hits to the server's triage queue at URL, and re-check\n"
    "                         the server's open takedowns, recording the results there\n"
    "      --token TOKEN      API token for --submit (default: $INTERDICT_TOKEN)\n"
    "      --timeout SECONDS  per request (default 30)\n"
    "      --max-bytes N      largest response kept (default 8M; longer ones are cut)\n"
    "      --kb-extra FILE    also load this knowledge-base file (repeatable)\n"
    "      --no-cache         do not use the compiled-database cache\n"
    "      --quiet            no progress on standard error\n"
    "      --incident ID      report-takedown: the server's incident the listing belongs to\n"
    "  -h, --help             this help\n"
    "\n"
    "report-takedown marks URL as reported to a platform (--at: ISO 8601 UTC, default now);\n"
    "every round re-checks it and records when it disappeared (HTTP 404/410 or no longer\n"
    "flagged).  takedowns lists them with the time from report to takedown (--json: as JSON).\n"
    "With --submit URL --incident ID (and --token), report-takedown records the report on the\n"
    "server, on that incident, instead: every watch with --submit re-checks it from then on.\n"
    "\n"
    "Exit status: 0 done (or stopped by SIGTERM/SIGINT), 2 usage, 4 failure (a WARC write,\n"
    "the state database, a submission; with --once also the server's takedowns unreadable\n"
    "or a check refused).\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *e;
	double v = strtod(s, &e);
	if (e == s || v <= 0) return -1;
	double m = !*e                        ? 1
	           : (*e == 'K' || *e == 'k') ? 1024
	           : (*e == 'M' || *e == 'm') ? 1048576
	           : (*e == 'G' || *e == 'g') ? 1073741824.0
	                                      : -1;
	if (m < 0 || (*e && e[1])) return -1;
	*out = (uint64_t)(v * m);
	return 0;
}

/* ================================================================== hits */

typedef struct hits_ctx {
	idt_sb out;  /* hits, back to back */
	size_t *end; /* end offsets */
	char **urls; /* each hit's URL (forgotten if the submission fails) */
	size_t n, cap;
	int failed;
} hits_ctx;

/* Adds the watch's source and the pharmacy assessment to a verdict: the hit as submitted. */
static int on_hit(void *ctx, const idt_watch_hit *h)
{
	hits_ctx *c = ctx;
	json_error_t je;
	json_t *v = json_loads(h->verdict_json, 0, &je);
	if (!v) return -1;
	json_t *src =
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "url", h->url, "platform", h->platform,
	              "date", h->fetched_at, "fetched_at", h->fetched_at, "watch_source", h->source,
	              "warc_record_id", h->loc->record_id, "warc_file", h->loc->file);
	if (src && h->warc_sha256)
		json_object_set_new(src, "warc_sha256", json_string(h->warc_sha256));
	if (src && h->loc->payload_sha256[0])
		json_object_set_new(src, "payload_digest", json_string(h->loc->payload_sha256));
	if (src && h->pharmacy_json) {
		json_t *ph = json_loads(h->pharmacy_json, 0, &je);
		if (ph) json_object_set_new(src, "pharmacy", ph);
		if (ph && h->pharmacy_flag) {
			json_t *cats = json_object_get(v, "categories");
			int has = 0;
			size_t i;
			json_t *x;
			json_array_foreach(cats, i, x) has |=
			    json_is_string(x) && !strcmp(json_string_value(x), "pharmacy");
			if (json_is_array(cats) && !has)
				json_array_append_new(cats, json_string("pharmacy"));
			json_t *reasons = json_object_get(v, "reasons");
			if (!json_is_array(reasons)) {
				reasons = json_array();
				json_object_set_new(v, "reasons", reasons);
			}
			char line[128];
			snprintf(line, sizeof line, "internet pharmacy assessment: %s (score %.2f)",
			         json_string_value(json_object_get(ph, "verdict")),
			         json_number_value(json_object_get(ph, "score")));
			json_array_append_new(reasons, json_string(line));
			json_array_foreach(json_object_get(ph, "reasons"), i, x)
			{
				char *l = NULL;
				if (asprintf(&l, "internet pharmacy: %s", json_string_value(x)) > 0)
					json_array_append_new(reasons, json_string(l));
				free(l);
			}
		}
	}
	json_object_set_new(v, "source", src);
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (!s) return -1;
	printf("%s\n", s);
	int r = idt_sb_puts(&c->out, s);
	free(s);
	if (!r && c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 32;
		size_t *q = realloc(c->end, nc * sizeof *q);
		char **u = q ? realloc(c->urls, nc * sizeof *u) : NULL;
		if (q) c->end = q;
		if (u)
			c->urls = u, c->cap = nc;
		else
			r = -1;
	}
	if (!r && !(c->urls[c->n] = strdup(h->url))) r = -1;
	if (r) {
		c->failed = 1;
		return -1;
	}
	c->end[c->n++] = c->out.len;
	return 0;
}

/* ================================================================== the watch */

typedef struct watch_opts {
	const char *list, *state, *warc_dir, *submit, *token;
	uint64_t warc_max, max_bytes;
	long timeout;
	int once, quiet, no_cache, check;
	const char *extra[32];
	size_t nextra;
} watch_opts;

/* ================================================================== the server's takedowns */

#define API_REPLY_CAP (64u << 20) /* bytes of a server reply kept */

static size_t keep_reply(char *p, size_t size, size_t n, void *ctx)
{
	idt_sb *b = ctx;
	size_t len = size * n;
	if (b->len + len > API_REPLY_CAP || idt_sb_put(b, p, len)) return 0; /* cut: an error */
	return len;
}

/*
 * One JSON request to the server at base (method, path under it, body or NULL) with the API
 * token.  The reply's JSON (NULL if none or not JSON) goes to *reply, which the caller owns,
 * and its HTTP status to *status (0: no answer).  0 when the server answered 2xx; -1 otherwise
 * (reported on standard error with what, unless what is NULL).
 */
static int api(const char *base, const char *token, const char *method, const char *path,
               json_t *body, json_t **reply, long *status, const char *what)
{
	*reply = NULL;
	idt_sb url = {0}, auth = {0}, rb = {0};
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/') blen--;
	char *data = body ? json_dumps(body, JSON_COMPACT) : NULL;
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	int bad = idt_sb_put(&url, base, blen) || idt_sb_puts(&url, path) ||
	          idt_sb_printf(&auth, "Authorization: Bearer %s", token ? token : "") || !c ||
	          (body && !data);
	if (!bad) {
		h = curl_slist_append(h, auth.p);
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_URL, url.p);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		if (data) curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_reply);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &rb);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	}
	CURLcode cc = bad ? CURLE_OUT_OF_MEMORY : curl_easy_perform(c);
	long code = 0;
	if (!bad) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rb.len) *reply = json_loadb(rb.p, rb.len, 0, NULL);
	int rc = cc == CURLE_OK && code >= 200 && code < 300 ? 0 : -1;
	*status = cc == CURLE_OK ? code : 0;
	if (what && cc != CURLE_OK)
		idt_cli_error("%s: %s %s: %s", what, method, url.p ? url.p : path,
		              curl_easy_strerror(cc));
	else if (what && rc) {
		json_t *e = json_object_get(json_object_get(*reply, "error"), "message");
		idt_cli_error("%s: %s %s: HTTP %ld%s%s", what, method, url.p, code, e ? ": " : "",
		              e ? json_string_value(e) : "");
	}
	curl_slist_free_all(h);
	if (c) curl_easy_cleanup(c);
	free(data);
	idt_sb_free(&url), idt_sb_free(&auth), idt_sb_free(&rb);
	return rc;
}

/* The server's open takedowns this watch records checks for (of its own organisation's
 * incidents: `editable`), and the results of the round. */
typedef struct remote_td {
	json_t *items;     /* the takedowns pulled (owned) */
	const char **urls; /* url of each item (borrowed from items) */
	int64_t *ids;      /* its id */
	json_t **results;  /* the PATCH body of each checked one, or NULL */
	size_t n;
} remote_td;

static void remote_free(remote_td *t)
{
	for (size_t i = 0; i < t->n && t->results; i++) json_decref(t->results[i]);
	free(t->results), free(t->urls), free(t->ids);
	json_decref(t->items);
	memset(t, 0, sizeof *t);
}

/* Pulls the open takedowns; 0, or -1 (reported; the round goes on with the local ones). */
static int remote_pull(const watch_opts *w, remote_td *t)
{
	json_t *reply;
	long status;
	static int told;
	memset(t, 0, sizeof *t);
	if (api(w->submit, w->token, "GET", "/api/v1/takedowns?open=true", NULL, &reply, &status,
	        NULL)) {
		json_decref(reply);
		if (status ==
		    403) { /* a token for hits only: no takedowns, and that is no failure */
			if (!told++ && !w->quiet)
				idt_cli_error("the token may not read the server's takedowns (scope"
				              " read needed): only the local ones are re-checked");
			return 0;
		}
		if (status)
			idt_cli_error(
			    "cannot read the server's takedowns: %s/api/v1/takedowns: HTTP %ld",
			    w->submit, status);
		else
			idt_cli_error(
			    "cannot read the server's takedowns: %s/api/v1/takedowns: no answer",
			    w->submit);
		return -1;
	}
	json_t *items = json_object_get(reply, "items");
	size_t cap = json_array_size(items);
	t->urls = calloc(cap ? cap : 1, sizeof *t->urls);
	t->ids = calloc(cap ? cap : 1, sizeof *t->ids);
	t->results = calloc(cap ? cap : 1, sizeof *t->results);
	t->items = reply;
	if (!t->urls || !t->ids || !t->results) return remote_free(t), -1;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *u = json_string_value(json_object_get(it, "url"));
		json_int_t id = json_integer_value(json_object_get(it, "id"));
		if (!u || id <= 0 || !json_is_true(json_object_get(it, "editable"))) continue;
		t->urls[t->n] = u;
		t->ids[t->n++] = id;
	}
	return 0;
}

/* idt_watch_opts.checked: remembers the result of remote takedown i as its PATCH body. */
static void on_checked(void *ctx, size_t i, const char *at, const char *how)
{
	remote_td *t = ctx;
	if (i >= t->n) return;
	json_decref(t->results[i]);
	t->results[i] = how ? json_pack("{s:s,s:s}", "gone_at", at, "how", how)
	                    : json_pack("{s:s}", "checked_at", at);
}

/* Records the round's results on the server; 0, or -1 if some were refused (reported). */
static int remote_push(const watch_opts *w, remote_td *t)
{
	int rc = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (!t->results[i]) continue;
		char path[64];
		snprintf(path, sizeof path, "/api/v1/takedowns/%lld", (long long)t->ids[i]);
		json_t *reply;
		long status;
		if (api(w->submit, w->token, "PATCH", path, t->results[i], &reply, &status,
		        "cannot record a takedown check"))
			rc = -1;
		json_decref(reply);
	}
	return rc;
}

/* report-takedown --submit URL --incident ID: the report on the server. */
static int report_on_server(const watch_opts *w, const char *incident, const char *url,
                            const char *platform, const char *ref, const char *at)
{
	char path[96];
	long long id = strtoll(incident, NULL, 10);
	if (id <= 0) {
		idt_cli_error("--incident must be an incident id");
		return IDT_EXIT_USAGE;
	}
	snprintf(path, sizeof path, "/api/v1/incidents/%lld/takedowns", id);
	json_t *body = json_pack("{s:s,s:s,s:s,s:s?}", "url", url, "platform", platform,
	                         "reference", ref, "reported_at", at),
	       *reply = NULL;
	long status;
	int r = body ? api(w->submit, w->token, "POST", path, body, &reply, &status,
	                   "the server refused the report")
	             : -1;
	json_decref(body);
	if (!r)
		printf("reported %s to %s (%s) at %s: takedown %lld of incident %lld\n", url,
		       platform, ref, json_string_value(json_object_get(reply, "reported_at")),
		       (long long)json_integer_value(json_object_get(reply, "id")), id);
	json_decref(reply);
	return r ? IDT_EXIT_FAILURE : IDT_EXIT_OK;
}

/* Creates dir (one level) unless it exists; 0 or -1. */
static int mkdir_p(const char *dir)
{
	struct stat sb;
	if (stat(dir, &sb) == 0) return S_ISDIR(sb.st_mode) ? 0 : -1;
	return mkdir(dir, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* --check: the sources as the watch will run them, for review. */
static void print_list(const idt_watchlist *wl)
{
	for (size_t i = 0; i < wl->n; i++) {
		const idt_watch_source *s = &wl->src[i];
		printf("[source %s]  (line %u)\n", s->name, s->line);
		printf("url       = %s\n", s->url);
		printf("platform  = %s\n", s->platform);
		printf("schedule  = every %lld s\n", (long long)s->interval);
		printf("depth     = %d\n", s->depth);
		if (s->scope == IDT_SCOPE_PREFIX)
			printf("scope     = URLs starting with %s\n", s->prefix);
		else
			printf("scope     = the seed's scheme, host and port\n");
		printf("rate      = at most %.3g requests/s to a host (one every %.3g s)\n",
		       s->rate, 1 / s->rate);
		if (s->robots_override)
			printf("robots    = OVERRIDDEN by %s: %s\n", s->override_by,
			       s->override_reason);
		else
			printf("robots    = honoured\n");
		printf("proxy     = %s\n", s->proxy ? s->proxy : "none (direct)");
		printf("max-pages = %d\n\n", s->max_pages);
	}
	printf("%zu source%s, watch list OK\n", wl->n, wl->n == 1 ? "" : "s");
}

static int run_watch(const watch_opts *w)
{
	idt_watchlist wl;
	idt_error err = {0};
	idt_status st = idt_watchlist_load(w->list, &wl, &err);
	if (st) {
		if (st == IDT_EPARSE)
			idt_cli_error("%s:%llu: %s", w->list, (unsigned long long)err.line,
			              err.msg);
		else
			idt_cli_error("cannot read the watch list %s: %s", w->list,
			              idt_status_str(st));
		idt_watchlist_free(&wl);
		return st == IDT_EPARSE ? IDT_EXIT_USAGE : IDT_EXIT_FAILURE;
	}
	if (w->check) {
		print_list(&wl);
		idt_watchlist_free(&wl);
		return IDT_EXIT_OK;
	}
	if (mkdir_p(w->warc_dir)) {
		idt_cli_error("cannot create %s", w->warc_dir);
		idt_watchlist_free(&wl);
		return IDT_EXIT_FAILURE;
	}
	idt_wstate *ws = NULL;
	if (idt_wstate_open(w->state, &ws)) {
		idt_cli_error("cannot open the state database %s", w->state);
		idt_watchlist_free(&wl);
		return IDT_EXIT_FAILURE;
	}
	idt_cli_engine eng;
	if (idt_cli_engine_open(&eng, w->extra, w->nextra, NULL, !w->no_cache, 0)) {
		idt_wstate_close(ws);
		idt_watchlist_free(&wl);
		return IDT_EXIT_FAILURE;
	}
	idt_submitter *sub = w->submit ? idt_submitter_new(w->submit, w->token) : NULL;
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	int rc = IDT_EXIT_OK;
	if (w->submit && !sub) rc = IDT_EXIT_FAILURE;
	while (!rc && !stop_flag) {
		hits_ctx hc = {0};
		idt_watch_opts o = {.wl = &wl,
		                    .st = ws,
		                    .sc = eng.sc,
		                    .kb = eng.kb,
		                    .warc_dir = w->warc_dir,
		                    .warc_max = w->warc_max,
		                    .force = w->once,
		                    .stop = &stop_flag,
		                    .log = w->quiet ? NULL : stderr,
		                    .hit = on_hit,
		                    .ctx = &hc,
		                    .timeout = w->timeout,
		                    .max_bytes = (size_t)w->max_bytes};
		/* the server's open takedowns, re-checked with the local ones (issue 10) */
		remote_td td = {0};
		int td_failed = sub && remote_pull(w, &td) != 0;
		o.remote = td.urls;
		o.nremote = td.n;
		o.checked = on_checked;
		o.checked_ctx = &td;
		idt_watch_stats ss;
		st = idt_watch_round(&o, &ss);
		if (sub && remote_push(w, &td)) td_failed = 1;
		remote_free(&td);
		if (td_failed && w->once) rc = IDT_EXIT_FAILURE;
		fflush(stdout);
		if (st && st != IDT_STOPPED) {
			idt_cli_error("watch round failed: %s", idt_status_str(st));
			rc = IDT_EXIT_FAILURE;
		}
		if (sub && hc.n && idt_submit_hits(sub, hc.out.p, hc.end, hc.n)) {
			/* not lost: the pages count as new again next round (the server merges
			 * what it had already accepted); a looping watch goes on */
			for (size_t i = 0; i < hc.n; i++) idt_wstate_page_forget(ws, hc.urls[i]);
			idt_cli_error("the hits of this round will be sent again next round");
			if (w->once) rc = IDT_EXIT_FAILURE;
		}
		if (hc.failed) rc = IDT_EXIT_FAILURE;
		if (!w->quiet && (ss.fetched || ss.errors || hc.n))
			fprintf(stderr,
			        "interdict: watch round: %zu fetched, %zu flagged, %zu hits%s, %zu"
			        " skipped by robots.txt, %zu errors, %zu takedowns checked (%zu "
			        "gone)\n",
			        ss.fetched, ss.flagged, hc.n, sub ? " submitted" : "",
			        ss.skipped_robots, ss.errors, ss.takedowns_checked, ss.gone);
		idt_sb_free(&hc.out);
		for (size_t i = 0; i < hc.n; i++) free(hc.urls[i]);
		free(hc.urls);
		free(hc.end);
		if (w->once) break;
		/* sleep until the next source is due (at most 10 minutes, checking the flag) */
		int64_t now = (int64_t)time(NULL), next = now + 600;
		for (size_t i = 0; i < wl.n; i++) {
			int64_t due =
			    idt_wstate_source_last(ws, wl.src[i].name) + wl.src[i].interval;
			if (due < next) next = due;
		}
		for (int64_t t = now; t < next && !stop_flag; t++) sleep(1);
	}
	idt_submitter_free(sub);
	idt_cli_engine_close(&eng);
	idt_wstate_close(ws);
	idt_watchlist_free(&wl);
	return rc;
}

/* ================================================================== takedowns */

/* report-takedown: in the state database, or with an incident on the server. */
static int report_takedown(const watch_opts *w, const char *incident, const char *url,
                           const char *platform, const char *ref, const char *at)
{
	char now[32];
	idt_url u;
	if (idt_url_split(url, &u)) {
		idt_cli_error("--url must be an http:// or https:// URL");
		return IDT_EXIT_USAGE;
	}
	if (at && idt_watch_parse_time(at) < 0) {
		idt_cli_error("--at must be an ISO 8601 UTC time (2026-11-29T17:30:00Z)");
		return IDT_EXIT_USAGE;
	}
	if (!at) idt_watch_now(now), at = now;
	char norm[32];
	time_t t = (time_t)idt_watch_parse_time(at);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(norm, sizeof norm, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (incident) return report_on_server(w, incident, url, platform, ref, norm);
	idt_wstate *ws;
	if (idt_wstate_open(w->state, &ws)) {
		idt_cli_error("cannot open the state database %s", w->state);
		return IDT_EXIT_FAILURE;
	}
	idt_status st = idt_wstate_takedown_report(ws, url, platform, ref, norm);
	idt_wstate_close(ws);
	if (st) {
		idt_cli_error("cannot record the report: %s", idt_status_str(st));
		return IDT_EXIT_FAILURE;
	}
	printf("reported %s to %s (%s) at %s\n", url, platform, ref, norm);
	return IDT_EXIT_OK;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n) return NAN;
	qsort(v, n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void human(double s, char *buf, size_t n)
{
	if (isnan(s))
		snprintf(buf, n, "-");
	else if (s < 3600)
		snprintf(buf, n, "%.0f min", s / 60);
	else if (s < 172800)
		snprintf(buf, n, "%.1f h", s / 3600);
	else
		snprintf(buf, n, "%.1f d", s / 86400);
}

static int list_takedowns(const char *state, int as_json)
{
	idt_wstate *ws;
	if (access(state, R_OK) != 0 || idt_wstate_open(state, &ws)) {
		idt_cli_error("cannot open the state database %s", state);
		return IDT_EXIT_FAILURE;
	}
	sqlite3_stmt *q;
	sqlite3_prepare_v2(idt_wstate_db(ws),
	                   "SELECT url, platform, reference, reported_at, gone_at, gone_how,"
	                   " last_check, checks FROM takedowns ORDER BY platform, reported_at",
	                   -1, &q, NULL);
	json_t *items = json_array(), *plats = json_object();
	double all[4096];
	size_t nall = 0;
	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *c[8];
		for (int i = 0; i < 8; i++) c[i] = (const char *)sqlite3_column_text(q, i);
		json_t *it =
		    json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:i}", "url", c[0], "platform", c[1],
		              "reference", c[2], "reported_at", c[3], "gone_at", c[4], "gone_how",
		              c[5], "last_check", c[6], "checks", sqlite3_column_int(q, 7));
		json_t *p = json_object_get(plats, c[1]);
		if (!p) {
			p = json_pack("{s:i,s:i,s:[]}", "reported", 0, "gone", 0, "_d");
			json_object_set_new(plats, c[1], p);
		}
		json_object_set_new(
		    p, "reported",
		    json_integer(json_integer_value(json_object_get(p, "reported")) + 1));
		if (c[4]) {
			double d =
			    (double)(idt_watch_parse_time(c[4]) - idt_watch_parse_time(c[3]));
			json_object_set_new(it, "seconds_to_takedown", json_real(d));
			json_object_set_new(
			    p, "gone",
			    json_integer(json_integer_value(json_object_get(p, "gone")) + 1));
			json_array_append_new(json_object_get(p, "_d"), json_real(d));
			if (nall < 4096) all[nall++] = d;
		}
		json_array_append_new(items, it);
	}
	sqlite3_finalize(q);
	idt_wstate_close(ws);
	const char *k;
	json_t *p;
	json_object_foreach(plats, k, p)
	{
		json_t *d = json_object_get(p, "_d");
		double v[4096];
		size_t n = 0, i;
		json_t *x;
		json_array_foreach(d, i, x) if (n < 4096) v[n++] = json_real_value(x);
		double m = median(v, n);
		json_object_set_new(p, "median_seconds", n ? json_real(m) : json_null());
		json_object_del(p, "_d");
	}
	double m = median(all, nall);
	if (as_json) {
		json_t *o = json_pack("{s:o,s:o,s:o}", "takedowns", items, "median_seconds",
		                      nall ? json_real(m) : json_null(), "platforms", plats);
		char *s = json_dumps(o, JSON_INDENT(2));
		printf("%s\n", s ? s : "{}");
		free(s);
		json_decref(o);
		return IDT_EXIT_OK;
	}
	size_t i;
	json_t *it;
	printf("%-12s %-20s %-20s %-20s %-10s %s\n", "PLATFORM", "REPORTED", "GONE", "HOW", "TIME",
	       "URL (REFERENCE)");
	json_array_foreach(items, i, it)
	{
		json_t *d = json_object_get(it, "seconds_to_takedown");
		char h[32];
		human(d ? json_real_value(d) : NAN, h, sizeof h);
		const char *gone = json_string_value(json_object_get(it, "gone_at"));
		const char *how = json_string_value(json_object_get(it, "gone_how"));
		printf("%-12s %-20s %-20s %-20s %-10s %s (%s)\n",
		       json_string_value(json_object_get(it, "platform")),
		       json_string_value(json_object_get(it, "reported_at")),
		       gone ? gone : "online", how ? how : "-", h,
		       json_string_value(json_object_get(it, "url")),
		       json_string_value(json_object_get(it, "reference")));
	}
	char h[32];
	human(m, h, sizeof h);
	printf("\nmedian time to takedown: %s (%zu of %zu taken down)\n", h, nall,
	       json_array_size(items));
	json_object_foreach(plats, k, p)
	{
		json_t *md = json_object_get(p, "median_seconds");
		human(json_is_real(md) ? json_real_value(md) : NAN, h, sizeof h);
		printf("  %s: %s (%lld of %lld)\n", k, h,
		       (long long)json_integer_value(json_object_get(p, "gone")),
		       (long long)json_integer_value(json_object_get(p, "reported")));
	}
	json_decref(items);
	json_decref(plats);
	return IDT_EXIT_OK;
}

/* ================================================================== options */

int idt_cmd_watch(int argc, char **argv)
{
	watch_opts w = {
	    .state = "watch.db", .warc_dir = "warc", .timeout = 30, .max_bytes = (uint64_t)8 << 20};
	const char *url = NULL, *platform = NULL, *ref = NULL, *at = NULL, *incident = NULL;
	int as_json = 0;
	const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	if (sub && strcmp(sub, "report-takedown") && strcmp(sub, "takedowns")) {
		idt_cli_error("watch: unknown subcommand '%s'", sub);
		fputs(usage_text, stderr);
		return IDT_EXIT_USAGE;
	}
	if (sub) argc--, argv++;
	static const struct option lo[] = {{"list", required_argument, 0, 1},
	                                   {"state", required_argument, 0, 2},
	                                   {"warc-dir", required_argument, 0, 3},
	                                   {"warc-max-size", required_argument, 0, 4},
	                                   {"once", no_argument, 0, 5},
	                                   {"submit", required_argument, 0, 6},
	                                   {"token", required_argument, 0, 7},
	                                   {"timeout", required_argument, 0, 8},
	                                   {"max-bytes", required_argument, 0, 9},
	                                   {"kb-extra", required_argument, 0, 10},
	                                   {"no-cache", no_argument, 0, 11},
	                                   {"quiet", no_argument, 0, 12},
	                                   {"url", required_argument, 0, 13},
	                                   {"platform", required_argument, 0, 14},
	                                   {"reference", required_argument, 0, 15},
	                                   {"at", required_argument, 0, 16},
	                                   {"json", no_argument, 0, 17},
	                                   {"check", no_argument, 0, 18},
	                                   {"incident", required_argument, 0, 19},
	                                   {"help", no_argument, 0, 'h'},
	                                   {0, 0, 0, 0}};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 1: w.list = optarg; break;
		case 2: w.state = optarg; break;
		case 3: w.warc_dir = optarg; break;
		case 4:
			if (parse_size(optarg, &w.warc_max)) {
				idt_cli_error("--warc-max-size: a size like 100M");
				return IDT_EXIT_USAGE;
			}
			break;
		case 5: w.once = 1; break;
		case 6: w.submit = optarg; break;
		case 7: w.token = optarg; break;
		case 8:
			w.timeout = strtol(optarg, NULL, 10);
			if (w.timeout <= 0 || w.timeout > 3600) {
				idt_cli_error("--timeout: 1..3600 seconds");
				return IDT_EXIT_USAGE;
			}
			break;
		case 9:
			if (parse_size(optarg, &w.max_bytes)) {
				idt_cli_error("--max-bytes: a size like 8M");
				return IDT_EXIT_USAGE;
			}
			break;
		case 10:
			if (w.nextra == sizeof w.extra / sizeof w.extra[0]) {
				idt_cli_error("too many --kb-extra files");
				return IDT_EXIT_USAGE;
			}
			w.extra[w.nextra++] = optarg;
			break;
		case 11: w.no_cache = 1; break;
		case 12: w.quiet = 1; break;
		case 13: url = optarg; break;
		case 14: platform = optarg; break;
		case 15: ref = optarg; break;
		case 16: at = optarg; break;
		case 17: as_json = 1; break;
		case 18: w.check = 1; break;
		case 19: incident = optarg; break;
		case 'h': fputs(usage_text, stdout); return IDT_EXIT_OK;
		default: fputs(usage_text, stderr); return IDT_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		idt_cli_error("watch: unexpected argument '%s'", argv[optind]);
		return IDT_EXIT_USAGE;
	}
	if (sub && !strcmp(sub, "report-takedown")) {
		if (!url || !platform || !ref) {
			idt_cli_error("report-takedown needs --url, --platform and --reference");
			return IDT_EXIT_USAGE;
		}
		if (incident || w.submit) {
			if (!w.token) w.token = getenv("INTERDICT_TOKEN");
			if (!incident || !w.submit || !w.token || !*w.token) {
				idt_cli_error(
				    "report-takedown on the server needs --submit URL,"
				    " --incident ID and --token TOKEN (or INTERDICT_TOKEN)");
				return IDT_EXIT_USAGE;
			}
		}
		return report_takedown(&w, incident, url, platform, ref, at);
	}
	if (sub) return list_takedowns(w.state, as_json);
	if (!w.list) {
		idt_cli_error("watch needs --list FILE");
		fputs(usage_text, stderr);
		return IDT_EXIT_USAGE;
	}
	if (w.submit && !w.token) w.token = getenv("INTERDICT_TOKEN");
	if (w.submit && (!w.token || !*w.token)) {
		idt_cli_error("--submit needs an API token: --token TOKEN or INTERDICT_TOKEN");
		return IDT_EXIT_USAGE;
	}
	return run_watch(&w);
}
