/*
 * crawl.c - one watch round.
 *
 *   1. Every due source (all of them with force) is crawled breadth-first from its seed URL,
 *      to its depth, within its scope, at most max-pages pages, through its proxy.
 *   2. Before the first request to a host, its /robots.txt is fetched (and preserved) and
 *      honoured for the agent "Interdict" (4xx: no rules; 5xx or no answer: nothing may be
 *      fetched, RFC 9309), unless the source overrides it (an authorised operator's decision,
 *      recorded with who and why in the state's events and the WARC file's warcinfo).
 *   3. Requests to one host are spaced by the slowest of the sources' rates and the robots.txt
 *      Crawl-delay.  Redirects are followed by the crawler, at most 5 in a row, in scope only.
 *   4. Every response is written to the WARC file (request and response records).  Pages
 *      (2xx) are read back from the WARC record bytes by libinterdict's WARC reader (so the
 *      text scanned is the text preserved), scanned, and their content hash (SHA-256 of the
 *      extracted fields) compared with the state: new or changed flagged pages become hits.
 *   5. Each source's pages feed its internet-pharmacy assessment (pharmacy.c).
 *   6. Listings reported to a platform and not yet gone are fetched again: 404 or 410, or a
 *      page no longer flagged, marks them gone at that time.
 *   7. The WARC file is finished (its SHA-256 recorded), then the hits are handed over.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include <sodium.h>
#include <stdarg.h>
#include "watch/watch.h"

#define MAX_HOSTS     256
#define MAX_REDIRECTS 5

typedef struct host {
	char origin[320];   /* scheme://host[:port] */
	idt_robots *robots; /* NULL until fetched (or when overridden) */
	double interval;    /* seconds between requests */
	double next_ok;     /* monotonic time of the next allowed request */
} host;

typedef struct hit_ent {
	char *source, *platform, *url, *fetched_at, *verdict;
	char *pharmacy; /* borrowed from the source's slot: set after the crawl */
	int pharmacy_flag;
	size_t src_index;
	idt_warc_loc loc;
} hit_ent;

typedef struct warc_done {
	char name[256];
	char sha256[65];
} warc_done;

typedef struct wround {
	const idt_watch_opts *o;
	idt_watch_stats *stats;
	CURL *curl;
	idt_warc_writer *w;
	idt_scratch *scratch;
	idt_result *res;
	host hosts[MAX_HOSTS];
	size_t nhosts;
	hit_ent *hits;
	size_t nhits, caphits;
	warc_done *done;
	size_t ndone, capdone;
	char **pharm_json; /* per source: {"score":..} or NULL */
	int *pharm_flag;
	idt_status failed; /* a fatal error (WARC write, memory) */
} wround;

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int stopped(const wround *r)
{
	return (r->o->stop && *r->o->stop) || r->failed;
}

static void logf_(const wround *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const wround *r, const char *fmt, ...)
{
	if (!r->o->log) return;
	va_list ap;
	va_start(ap, fmt);
	fputs("watch: ", r->o->log);
	vfprintf(r->o->log, fmt, ap);
	fputc('\n', r->o->log);
	va_end(ap);
}

static void on_warc_done(void *ctx, const char *path, const char *sha256, uint64_t size)
{
	wround *r = ctx;
	idt_wstate_warc_file(r->o->st, path, sha256, size);
	if (r->ndone == r->capdone) {
		size_t nc = r->capdone ? r->capdone * 2 : 8;
		warc_done *q = realloc(r->done, nc * sizeof *q);
		if (!q) return;
		r->done = q;
		r->capdone = nc;
	}
	const char *name = strrchr(path, '/');
	snprintf(r->done[r->ndone].name, sizeof r->done[0].name, "%s", name ? name + 1 : path);
	snprintf(r->done[r->ndone].sha256, 65, "%s", sha256);
	r->ndone++;
	logf_(r, "WARC file %s finished: %llu bytes, sha256 %s", path, (unsigned long long)size,
	      sha256);
}

/* ----------------------------------------------------------------- politeness */

static host *host_for(wround *r, const idt_url *u)
{
	char origin[320];
	idt_url_origin(u, origin, sizeof origin);
	for (size_t i = 0; i < r->nhosts; i++)
		if (!strcmp(r->hosts[i].origin, origin)) return &r->hosts[i];
	if (r->nhosts == MAX_HOSTS) return NULL;
	host *h = &r->hosts[r->nhosts++];
	memset(h, 0, sizeof *h);
	snprintf(h->origin, sizeof h->origin, "%s", origin);
	h->interval = 0; /* raised by the sources' rates and robots.txt */
	return h;
}

static void wait_turn(wround *r, host *h)
{
	for (;;) {
		double now = mono();
		if (now >= h->next_ok || stopped(r)) break;
		double left = h->next_ok - now;
		usleep((useconds_t)(fmin(left, 0.25) * 1e6));
	}
	h->next_ok = mono() + h->interval;
}

/* Fetches url, preserving the exchange.  IDT_OK with f filled (any status); IDT_EIO when no
 * response came (logged, counted). */
static idt_status fetch_keep(wround *r, host *h, const char *url, const char *proxy, idt_fetch *f,
                             idt_warc_loc *loc)
{
	wait_turn(r, h);
	idt_fetch_opts fo = {.proxy = proxy,
	                     .timeout = r->o->timeout,
	                     .max_bytes = r->o->max_bytes,
	                     .stop = r->o->stop};
	idt_status st = idt_fetch_url(r->curl, url, &fo, f);
	if (st) {
		logf_(r, "%s: %s", url, f->error);
		r->stats->errors++;
		return st;
	}
	r->stats->fetched++;
	st = idt_warc_write_exchange(r->w, url, f->date, f->ip, f->req, f->req_len, f->resp,
	                             f->resp_len, f->truncated, loc);
	if (st) {
		logf_(r, "cannot write the WARC file: %s", idt_status_str(st));
		r->failed = st;
		return st;
	}
	return IDT_OK;
}

/* Makes sure h's robots.txt is known (fetched and preserved once per wround). */
static void ensure_robots(wround *r, host *h, const char *proxy)
{
	if (h->robots) return;
	char url[2048];
	snprintf(url, sizeof url, "%s/robots.txt", h->origin);
	idt_fetch f;
	idt_warc_loc loc;
	idt_status st = fetch_keep(r, h, url, proxy, &f, &loc);
	/* redirects (http to https, another host) are followed, at most 5 (RFC 9309 2.3.1.2) */
	for (int hop = 0; !st && f.status >= 300 && f.status < 400 && f.location && hop < 5;
	     hop++) {
		idt_url u;
		if (idt_url_split(f.location, &u)) break;
		snprintf(url, sizeof url, "%s", f.location);
		idt_fetch_clear(&f);
		st = fetch_keep(r, h, url, proxy, &f, &loc);
	}
	if (st == IDT_OK && f.status >= 200 && f.status < 300) {
		char *body;
		size_t n;
		if (idt_http_payload(f.resp, f.resp_len, &body, &n) == IDT_OK) {
			idt_robots_parse(body, n, IDT_WATCH_AGENT, &h->robots);
			free(body);
		}
	} else if (st == IDT_OK && f.status >= 400 && f.status < 500) {
		idt_robots_allow_all(&h->robots);
	}
	/* 5xx, unreachable, endless redirects: nothing may be fetched (RFC 9309 2.3.1.4) */
	if (!h->robots) {
		idt_robots_deny_all(&h->robots);
		logf_(r, "%s/robots.txt: unavailable (%s): the host is not crawled this round",
		      h->origin, st ? f.error : "no usable answer");
	}
	double d = idt_robots_crawl_delay(h->robots);
	if (d > h->interval) h->interval = d;
	idt_fetch_clear(&f);
}

/* ----------------------------------------------------------------- pages */

static int in_scope(const idt_watch_source *s, const char *url)
{
	idt_url a, b;
	if (idt_url_split(url, &a)) return 0;
	if (s->scope == IDT_SCOPE_PREFIX) return !strncmp(url, s->prefix, strlen(s->prefix));
	if (idt_url_split(s->url, &b)) return 0;
	return !strcmp(a.scheme, b.scheme) && !strcmp(a.host, b.host) && a.port == b.port;
}

static int is_text(const char *ctype)
{
	return !*ctype || !strncasecmp(ctype, "text/", 5) || strcasestr(ctype, "xhtml") ||
	       strcasestr(ctype, "json") || strcasestr(ctype, "xml");
}

/* The record of a page, read back from its WARC bytes; the fields are copied into *store
 * (NUL-separated) and described in fields[].  Returns the field count (0: no text). */
#define MAX_FIELDS 8
static size_t read_page(const char *url, const idt_fetch *f, const idt_warc_loc *loc,
                        idt_field *fields, char **store)
{
	*store = NULL;
	char *rec;
	size_t rl;
	if (idt_warc_format_response(url, f->date, loc->record_id, f->resp, f->resp_len, &rec, &rl))
		return 0;
	idt_reader_opts ro = {.format = IDT_FMT_WARC};
	idt_reader *rd = NULL;
	idt_record rc;
	idt_error err = {0};
	size_t nf = 0;
	if (idt_reader_open_mem(rec, rl, url, &ro, &rd, &err) == IDT_OK) {
		idt_status s;
		while ((s = idt_reader_next(rd, &rc, &err)) == IDT_EPARSE || s == IDT_ELIMIT)
			if (s == IDT_EPARSE && rc.nfields) break; /* returned despite damage */
		if ((s == IDT_OK || s == IDT_EPARSE) && rc.nfields) {
			size_t total = 0;
			for (size_t i = 0; i < rc.nfields && i < MAX_FIELDS; i++)
				total += rc.fields[i].name_len + rc.fields[i].len + 2;
			char *b = malloc(total + 1);
			size_t off = 0;
			for (size_t i = 0; b && i < rc.nfields && i < MAX_FIELDS; i++) {
				idt_field *o = &fields[nf++];
				memcpy(b + off, rc.fields[i].name, rc.fields[i].name_len);
				o->name = b + off;
				o->name_len = rc.fields[i].name_len;
				off += o->name_len;
				b[off++] = 0;
				memcpy(b + off, rc.fields[i].text, rc.fields[i].len);
				o->text = b + off;
				o->len = rc.fields[i].len;
				off += o->len;
				b[off++] = 0;
			}
			*store = b;
			if (!b) nf = 0;
		}
	}
	idt_reader_close(rd);
	free(rec);
	return nf;
}

static void content_hash(const idt_field *fields, size_t nf, char hex[65])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < nf; i++) {
		crypto_hash_sha256_update(&st, (const unsigned char *)fields[i].name,
		                          fields[i].name_len + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)fields[i].text,
		                          fields[i].len);
		crypto_hash_sha256_update(&st, (const unsigned char *)"", 1);
	}
	unsigned char h[32];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, 32);
}

/* A growable JSON text; bad set when an append failed. */
typedef struct jbuf {
	char *p;
	size_t len, cap;
	int bad;
} jbuf;

static void jraw(jbuf *b, const char *s, size_t n)
{
	if (b->bad) return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		while (nc < b->len + n + 1) nc *= 2;
		char *q = realloc(b->p, nc);
		if (!q) {
			b->bad = 1;
			return;
		}
		b->p = q;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void jstr(jbuf *b, const char *s, size_t n)
{
	if (!b->bad && idt_json_append_str(&b->p, &b->len, &b->cap, s, n) != IDT_OK) b->bad = 1;
}

static int push_hit(wround *r, size_t si, const idt_watch_source *s, const char *url,
                    const char *at, char *verdict, const idt_warc_loc *loc)
{
	if (r->nhits == r->caphits) {
		size_t nc = r->caphits ? r->caphits * 2 : 16;
		hit_ent *q = realloc(r->hits, nc * sizeof *q);
		if (!q) return -1;
		r->hits = q;
		r->caphits = nc;
	}
	hit_ent *h = &r->hits[r->nhits];
	memset(h, 0, sizeof *h);
	h->source = strdup(s->name);
	h->platform = strdup(s->platform);
	h->url = strdup(url);
	h->fetched_at = strdup(at);
	h->verdict = verdict;
	h->src_index = si;
	h->loc = *loc;
	if (!h->source || !h->platform || !h->url || !h->fetched_at) {
		free(h->source), free(h->platform), free(h->url), free(h->fetched_at);
		return -1;
	}
	r->nhits++;
	return 0;
}

/* Scans a fetched page: state, capture, hit, pharmacy.  *flagged receives the verdict. */
static void take_page(wround *r, size_t si, const idt_watch_source *s, const char *url,
                      const idt_fetch *f, const idt_warc_loc *loc, idt_pharmacy *ph,
                      idt_field *fields, size_t *nfp, char **store, int *flagged)
{
	*flagged = 0;
	*nfp = 0;
	*store = NULL;
	if (f->status < 200 || f->status >= 300 || !is_text(f->ctype)) {
		if (s) idt_wstate_capture(r->o->st, url, s->name, f->date, f->status, loc, 0);
		return;
	}
	size_t nf = read_page(url, f, loc, fields, store);
	*nfp = nf;
	if (nf && idt_scan(r->o->sc, r->scratch, fields, nf, &r->res) == IDT_OK) {
		*flagged = idt_result_flagged(r->res);
		if (ph) idt_pharmacy_add(ph, r->o->kb, r->res, fields, nf);
	}
	r->stats->flagged += *flagged;
	idt_wstate_capture(r->o->st, url, s ? s->name : NULL, f->date, f->status, loc, *flagged);
	if (!s) return; /* a takedown re-check: no hit, no page state */
	char hash[65], old[65];
	content_hash(fields, nf, hash);
	idt_wstate_page_hash(r->o->st, url, old);
	int changed = strcmp(hash, old) != 0;
	idt_wstate_page_set(r->o->st, url, s->name, hash, *flagged, f->date, f->status);
	if (!*flagged || !changed) return;
	/* the verdict with the page's text, for the triage queue */
	jbuf ex = {0};
	jraw(&ex, "\"fields\":{", 10);
	for (size_t i = 0; i < nf; i++) {
		if (i) jraw(&ex, ",", 1);
		jstr(&ex, fields[i].name, fields[i].name_len);
		jraw(&ex, ":", 1);
		jstr(&ex, fields[i].text, fields[i].len);
	}
	jraw(&ex, "}", 1);
	jbuf v = {0}, id = {0};
	jstr(&id, url, strlen(url));
	if (!ex.bad && !id.bad &&
	    idt_result_json(r->o->sc, r->res, fields, nf, id.p, id.len, ex.p, ex.len, &v.p, &v.len,
	                    &v.cap) == IDT_OK &&
	    (jraw(&v, "", 0), !v.bad) && /* idt_result_json leaves no NUL */
	    push_hit(r, si, s, url, f->date, v.p, loc) == 0)
		v.p = NULL; /* handed to the hit */
	else
		r->failed = IDT_ENOMEM;
	free(v.p);
	free(ex.p);
	free(id.p);
}

/* ----------------------------------------------------------------- a source */

typedef struct qent {
	char *url;
	int depth;
	int hops; /* redirects in a row that led here */
} qent;

typedef struct queue {
	qent *q;
	size_t head, n, cap;
	char **seen; /* every URL queued, for dedup */
	size_t nseen, capseen;
} queue;

static int seen(const queue *q, const char *url)
{
	for (size_t i = 0; i < q->nseen; i++)
		if (!strcmp(q->seen[i], url)) return 1;
	return 0;
}

/* Queues url (copied) unless seen or the queue is full (cap entries).  0 or -1 (memory). */
static int enqueue(queue *q, const char *url, int depth, int hops, size_t cap)
{
	if (seen(q, url) || q->nseen >= cap) return 0;
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 32;
		qent *x = realloc(q->q, nc * sizeof *x);
		if (!x) return -1;
		q->q = x;
		q->cap = nc;
	}
	if (q->nseen == q->capseen) {
		size_t nc = q->capseen ? q->capseen * 2 : 32;
		char **x = realloc(q->seen, nc * sizeof *x);
		if (!x) return -1;
		q->seen = x;
		q->capseen = nc;
	}
	char *u = strdup(url);
	if (!u) return -1;
	q->seen[q->nseen++] = u;
	q->q[q->n++] = (qent){u, depth, hops};
	return 0;
}

static void queue_free(queue *q)
{
	for (size_t i = 0; i < q->nseen; i++) free(q->seen[i]);
	free(q->seen);
	free(q->q);
}

/* Queues the in-scope links of a page (its "links" field, one absolute URL a line). */
static void queue_links(wround *r, const idt_watch_source *s, queue *q, const idt_field *fields,
                        size_t nf, int depth)
{
	for (size_t i = 0; i < nf; i++) {
		if (fields[i].name_len != 5 || memcmp(fields[i].name, "links", 5)) continue;
		const char *p = fields[i].text, *e = p + fields[i].len;
		while (p < e) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			const char *le = nl ? nl : e;
			char url[2048];
			size_t n = (size_t)(le - p);
			if (n && n < sizeof url) {
				memcpy(url, p, n);
				url[n] = 0;
				char *hash = strchr(url, '#');
				if (hash) *hash = 0;
				if (in_scope(s, url) &&
				    enqueue(q, url, depth, 0, (size_t)s->max_pages * 4))
					r->failed = IDT_ENOMEM;
			}
			p = nl ? nl + 1 : e;
		}
	}
}

static void crawl_source(wround *r, size_t si)
{
	const idt_watch_source *s = &r->o->wl->src[si];
	logf_(r, "source %s: %s (depth %d)", s->name, s->url, s->depth);
	if (s->robots_override) {
		char d[1024];
		snprintf(d, sizeof d,
		         "source %s (%s): robots.txt not honoured, authorised by %s: %s", s->name,
		         s->url, s->override_by, s->override_reason);
		idt_wstate_event(r->o->st, "robots-override", d);
		logf_(r, "%s", d);
	}
	idt_pharmacy ph = {0};
	idt_url su;
	idt_url_split(s->url, &su);
	snprintf(ph.host, sizeof ph.host, "%s", su.host);
	queue q = {0};
	if (enqueue(&q, s->url, 0, 0, (size_t)s->max_pages * 4)) r->failed = IDT_ENOMEM;
	int pages = 0;
	while (q.head < q.n && pages < s->max_pages && !stopped(r)) {
		qent e = q.q[q.head++];
		idt_url u;
		if (idt_url_split(e.url, &u)) continue;
		host *h = host_for(r, &u);
		if (!h) continue;
		double want = 1.0 / s->rate;
		if (want > h->interval) h->interval = want;
		if (!s->robots_override) {
			ensure_robots(r, h, s->proxy);
			if (stopped(r)) break;
			if (!idt_robots_allowed(h->robots, u.path, strlen(u.path))) {
				logf_(r, "%s: disallowed by robots.txt, not fetched", e.url);
				r->stats->skipped_robots++;
				continue;
			}
		}
		idt_fetch f;
		idt_warc_loc loc;
		if (fetch_keep(r, h, e.url, s->proxy, &f, &loc)) {
			idt_fetch_clear(&f);
			continue;
		}
		pages++;
		if (f.status >= 300 && f.status < 400 && f.location) {
			idt_wstate_capture(r->o->st, e.url, s->name, f.date, f.status, &loc, 0);
			logf_(r, "%s: HTTP %ld, redirect to %s", e.url, f.status, f.location);
			if (e.hops < MAX_REDIRECTS && in_scope(s, f.location)) {
				if (enqueue(&q, f.location, e.depth, e.hops + 1,
				            (size_t)s->max_pages * 4))
					r->failed = IDT_ENOMEM;
			} else {
				logf_(r,
				      "%s: redirect to %s not followed (out of scope or too many)",
				      e.url, f.location);
			}
			idt_fetch_clear(&f);
			continue;
		}
		idt_field fields[MAX_FIELDS];
		size_t nf;
		char *store;
		int flagged;
		take_page(r, si, s, e.url, &f, &loc, &ph, fields, &nf, &store, &flagged);
		logf_(r, "%s: HTTP %ld, %zu bytes%s%s", e.url, f.status, f.resp_len,
		      flagged ? ", flagged" : "", f.truncated ? ", cut at the size cap" : "");
		if (e.depth < s->depth) queue_links(r, s, &q, fields, nf, e.depth + 1);
		free(store);
		idt_fetch_clear(&f);
	}
	queue_free(&q);
	/* the internet-pharmacy assessment of the source's site */
	double score;
	const char *verdict;
	char *reasons = NULL;
	if (ph.pages && idt_pharmacy_assess(&ph, &score, &verdict, &reasons) == IDT_OK) {
		char at[32];
		idt_watch_now(at);
		idt_wstate_pharmacy_set(r->o->st, ph.host, s->name, at, score, verdict, reasons);
		size_t n = strlen(reasons) + 128;
		char *j = malloc(n);
		if (j)
			snprintf(
			    j, n,
			    "{\"site\":\"%s\",\"score\":%.2f,\"verdict\":\"%s\",\"reasons\":%s}",
			    ph.host, score, verdict, reasons);
		r->pharm_json[si] = strcmp(verdict, "not-a-pharmacy") ? j : NULL;
		if (!r->pharm_json[si]) free(j);
		r->pharm_flag[si] = score >= 0.3;
		logf_(r, "source %s: internet pharmacy assessment %s (%.2f): %s", s->name, verdict,
		      score, reasons);
	}
	free(reasons);
	idt_wstate_source_ran(r->o->st, s->name, (int64_t)time(NULL));
}

/* ----------------------------------------------------------------- takedowns */

/* The source whose scope holds url (for its proxy and robots decision), or NULL. */
static const idt_watch_source *source_of(const wround *r, const char *url)
{
	for (size_t i = 0; i < r->o->wl->n; i++)
		if (in_scope(&r->o->wl->src[i], url)) return &r->o->wl->src[i];
	return NULL;
}

/* The result of re-checking one reported listing. */
typedef struct tcheck {
	char *url;    /* owned */
	char at[32];  /* the fetch's time (now when nothing answered) */
	char how[64]; /* how it disappeared, "" while online (or unknown) */
	int checked;  /* 0: not checked (bad URL, disallowed by robots.txt) */
} tcheck;

/* Fetches a reported listing again (politely, preserved in WARC like every fetch) and fills c:
 * HTTP 404 or 410, or a page no longer flagged, is a takedown; no answer or a 5xx is not. */
static void check_listing(wround *r, tcheck *c)
{
	const char *url = c->url;
	idt_url u;
	host *h = idt_url_split(url, &u) ? NULL : host_for(r, &u);
	if (!h) return;
	const idt_watch_source *s = source_of(r, url);
	if (s && 1.0 / s->rate > h->interval) h->interval = 1.0 / s->rate;
	if (!s || !s->robots_override) {
		ensure_robots(r, h, s ? s->proxy : NULL);
		if (!idt_robots_allowed(h->robots, u.path, strlen(u.path))) {
			logf_(r, "%s: reported listing disallowed by robots.txt, not checked", url);
			return;
		}
	}
	idt_fetch f;
	idt_warc_loc loc;
	r->stats->takedowns_checked++;
	c->checked = 1;
	if (fetch_keep(r, h, url, s ? s->proxy : NULL, &f, &loc)) {
		snprintf(c->at, sizeof c->at, "%s", f.date);
		if (!c->at[0]) idt_watch_now(c->at);
		idt_fetch_clear(&f);
		return;
	}
	snprintf(c->at, sizeof c->at, "%s", f.date);
	if (f.status == 404 || f.status == 410) {
		snprintf(c->how, sizeof c->how, "HTTP %ld", f.status);
		idt_wstate_capture(r->o->st, url, s ? s->name : NULL, f.date, f.status, &loc, 0);
	} else {
		idt_field fields[MAX_FIELDS];
		size_t nf;
		char *store;
		int flagged;
		take_page(r, 0, NULL, url, &f, &loc, NULL, fields, &nf, &store, &flagged);
		free(store);
		if (f.status >= 200 && f.status < 300 && !flagged)
			snprintf(c->how, sizeof c->how, "content no longer flagged");
	}
	if (c->how[0]) {
		r->stats->gone++;
		logf_(r, "%s: taken down (%s) at %s", url, c->how, c->at);
	}
	idt_fetch_clear(&f);
}

/* The check of url made earlier in this round, or NULL. */
static const tcheck *checked_before(const tcheck *c, size_t n, const char *url)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].checked && !strcmp(c[i].url, url)) return &c[i];
	return NULL;
}

/* Re-checks the reported listings not yet gone: those of the state database (results recorded
 * there), then those the caller passed (o->remote, results to o->checked; a URL in both is
 * fetched once). */
static void recheck_takedowns(wround *r)
{
	sqlite3 *db = idt_wstate_db(r->o->st);
	sqlite3_stmt *st;
	size_t cap = 10000 + r->o->nremote, n = 0, nlocal;
	tcheck *c = calloc(cap, sizeof *c);
	if (!c) {
		r->failed = IDT_ENOMEM;
		return;
	}
	if (sqlite3_prepare_v2(db, "SELECT url FROM takedowns WHERE gone_at IS NULL ORDER BY url",
	                       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW && n < 10000)
			if ((c[n].url = strdup((const char *)sqlite3_column_text(st, 0)))) n++;
		sqlite3_finalize(st);
	}
	nlocal = n;
	for (size_t i = 0; i < r->o->nremote; i++)
		if ((c[n].url = strdup(r->o->remote[i]))) n++;
	for (size_t i = 0; i < n && !stopped(r); i++) {
		const tcheck *prev = checked_before(c, i, c[i].url);
		if (prev) {
			c[i].checked = 1;
			memcpy(c[i].at, prev->at, sizeof c[i].at);
			memcpy(c[i].how, prev->how, sizeof c[i].how);
		} else {
			check_listing(r, &c[i]);
		}
		if (!c[i].checked) continue;
		if (i < nlocal)
			idt_wstate_takedown_gone(r->o->st, c[i].url, c[i].at,
			                         c[i].how[0] ? c[i].how : NULL);
		else if (r->o->checked)
			r->o->checked(r->o->checked_ctx, i - nlocal, c[i].at,
			              c[i].how[0] ? c[i].how : NULL);
	}
	for (size_t i = 0; i < n; i++) free(c[i].url);
	free(c);
}

/* ----------------------------------------------------------------- the round */

static char *warcinfo_fields(const idt_watchlist *wl)
{
	jbuf b = {0};
	char line[1200];
	for (size_t i = 0; i < wl->n; i++) {
		const idt_watch_source *s = &wl->src[i];
		snprintf(line, sizeof line, "x-interdict-source: %s %s robots=%s%s%s%s%s\r\n",
		         s->name, s->url, s->robots_override ? "override" : "honour",
		         s->robots_override ? " by=" : "", s->robots_override ? s->override_by : "",
		         s->robots_override ? " reason=" : "",
		         s->robots_override ? s->override_reason : "");
		for (char *c = line; *c && c[1]; c++)
			if ((*c == '\r' || *c == '\n') && c[1] && c[2]) *c = ' ';
		jraw(&b, line, strlen(line));
	}
	return b.p;
}

idt_status idt_watch_round(const idt_watch_opts *o, idt_watch_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	wround r = {0};
	r.o = o;
	r.stats = stats;
	size_t ns = o->wl->n;
	r.pharm_json = calloc(ns + 1, sizeof *r.pharm_json);
	r.pharm_flag = calloc(ns + 1, sizeof *r.pharm_flag);
	r.curl = curl_easy_init();
	char *info = warcinfo_fields(o->wl);
	idt_warc_opts wo = {.dir = o->warc_dir,
	                    .prefix = "interdict-watch",
	                    .max_size = o->warc_max,
	                    .info = info,
	                    .done = on_warc_done,
	                    .ctx = &r};
	idt_status st = IDT_ENOMEM;
	if (r.pharm_json && r.pharm_flag && r.curl && idt_warc_writer_new(&wo, &r.w) == IDT_OK &&
	    idt_scratch_new(o->sc, &r.scratch) == IDT_OK)
		st = IDT_OK;
	free(info);
	time_t now = time(NULL);
	for (size_t i = 0; !st && i < ns && !stopped(&r); i++) {
		const idt_watch_source *s = &o->wl->src[i];
		int64_t last = idt_wstate_source_last(o->st, s->name);
		if (!o->force && last && now - last < s->interval) continue;
		crawl_source(&r, i);
	}
	if (!st && !stopped(&r)) recheck_takedowns(&r);
	idt_status fs = idt_warc_writer_free(r.w);
	if (!st && fs) st = fs;
	if (!st && r.failed) st = r.failed;
	/* the hits, now that their WARC files are finished */
	for (size_t i = 0; i < r.nhits; i++) {
		hit_ent *h = &r.hits[i];
		const char *sha = NULL;
		for (size_t k = 0; k < r.ndone; k++)
			if (!strcmp(r.done[k].name, h->loc.file)) sha = r.done[k].sha256;
		idt_watch_hit wh = {.source = h->source,
		                    .platform = h->platform,
		                    .url = h->url,
		                    .fetched_at = h->fetched_at,
		                    .verdict_json = h->verdict,
		                    .loc = &h->loc,
		                    .warc_sha256 = sha,
		                    .pharmacy_json = r.pharm_json[h->src_index],
		                    .pharmacy_flag = r.pharm_flag[h->src_index]};
		if (o->hit && !st && o->hit(o->ctx, &wh) == 0) stats->hits++;
		free(h->source), free(h->platform), free(h->url), free(h->fetched_at);
		free(h->verdict);
	}
	free(r.hits);
	free(r.done);
	for (size_t i = 0; r.pharm_json && i < ns; i++) free(r.pharm_json[i]);
	free(r.pharm_json);
	free(r.pharm_flag);
	for (size_t i = 0; i < r.nhosts; i++) idt_robots_free(r.hosts[i].robots);
	idt_result_free(r.res);
	idt_scratch_free(r.scratch);
	if (r.curl) curl_easy_cleanup(r.curl);
	if (!st && o->stop && *o->stop) st = IDT_STOPPED;
	return st;
}
