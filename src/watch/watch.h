/*
 * watch/watch.h - the watch: monitored sources crawled politely, every response preserved in
 * WARC files, flagged pages turned into hits, internet pharmacies assessed, takedowns timed.
 *
 * Parts (one file each):
 *   robots.c     robots.txt (RFC 9309) parser and matcher
 *   warc_write.c WARC 1.1 writer: warcinfo, request and response records, one gzip member per
 *                record, SHA-256 block and payload digests, rotation by size, file SHA-256
 *   warc_verify.c re-checks the digests of every record of a WARC file
 *   watchlist.c  the watch-list file format (docs/watch.md)
 *   state.c      the watch's own SQLite state (content hashes, captures, WARC files,
 *                pharmacy assessments, takedowns)
 *   fetch.c      one HTTP exchange with libcurl, recorded as sent and received
 *   pharmacy.c   the internet-pharmacy assessment
 *   crawl.c      a watch round: sources due, crawling within scope, scanning, preserving
 *
 * This is the `interdict` program's static library (interdict_watch); it may use libinterdict's
 * public API.  Functions return idt_status; none prints, except crawl.c's progress log, which
 * goes to the FILE the caller gives (NULL: silent).
 */
#ifndef IDT_WATCH_H
#define IDT_WATCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <interdict.h>

#define IDT_WATCH_AGENT "Interdict"
#define IDT_WATCH_UA                                                                               \
	"Mozilla/5.0 (compatible; Interdict/" IDT_VERSION                                          \
	"; drug-control monitoring; +https://github.com/interdict/interdict)"

/* ======================================================================================
 * robots.txt
 * ====================================================================================== */

typedef struct idt_robots idt_robots;

/* Parses robots.txt text for the product token `agent` (case-insensitive): the groups naming
 * it, else the "*" groups.  At most the first 512 KiB are read and 10,000 rules kept.  *out
 * is owned by the caller (idt_robots_free).  IDT_ENOMEM only; any text parses. */
idt_status idt_robots_parse(const char *txt, size_t len, const char *agent, idt_robots **out);
/* An empty policy: everything allowed (robots.txt absent: 4xx). */
idt_status idt_robots_allow_all(idt_robots **out);
/* A policy that allows nothing (robots.txt unreachable: 5xx, per RFC 9309 section 2.3.1.4). */
idt_status idt_robots_deny_all(idt_robots **out);
/* 1 if the path (with query, starting '/') may be fetched; "/robots.txt" always may. */
int idt_robots_allowed(const idt_robots *r, const char *path, size_t len);
/* The Crawl-delay of the chosen group, seconds; 0 if none. */
double idt_robots_crawl_delay(const idt_robots *r);
size_t idt_robots_rule_count(const idt_robots *r);
void idt_robots_free(idt_robots *r); /* NULL allowed */

/* ======================================================================================
 * WARC writer
 * ====================================================================================== */

typedef struct idt_warc_writer idt_warc_writer;

/* Called when a WARC file is finished (renamed from NAME.open to NAME): its path, SHA-256
 * (64 hex digits) and size in bytes. */
typedef void (*idt_warc_done_fn)(void *ctx, const char *path, const char *sha256, uint64_t size);

typedef struct idt_warc_opts {
	const char *dir;    /* where files go (must exist) */
	const char *prefix; /* file name prefix; NULL: "interdict" */
	uint64_t max_size;  /* rotate past this many bytes; 0: 1 GiB */
	const char *info;   /* extra warcinfo fields ("name: value\r\n" lines) or NULL */
	idt_warc_done_fn done;
	void *ctx;
} idt_warc_opts;

/* A writer; no file is opened before the first record.  Strings in opts are copied. */
idt_status idt_warc_writer_new(const idt_warc_opts *o, idt_warc_writer **out);

/* Where a written record went. */
typedef struct idt_warc_loc {
	char record_id[64];      /* "<urn:uuid:...>" of the response record */
	char file[256];          /* the file's final name (without directory) */
	uint64_t offset;         /* byte offset of the response record's gzip member */
	char payload_sha256[80]; /* "sha256:HEX" */
} idt_warc_loc;

/*
 * Writes a request record (req: the HTTP request as sent) and a response record (resp: the
 * HTTP response as received: status line, headers, body with its transfer coding) for uri,
 * fetched at date (ISO 8601 UTC, seconds) from ip (may be NULL).  req may be NULL (no request
 * record).  truncated: the response was cut (size cap, timeout): "WARC-Truncated: length".  IDT_EIO
 * on a write failure (errno kept).
 */
idt_status idt_warc_write_exchange(idt_warc_writer *w, const char *uri, const char *date,
                                   const char *ip, const char *req, size_t req_len,
                                   const char *resp, size_t resp_len, int truncated,
                                   idt_warc_loc *loc);
/* Finishes the current file (if any): flush, fsync, rename, done callback. */
idt_status idt_warc_writer_finish(idt_warc_writer *w);
/* Finishes and frees; NULL allowed. */
idt_status idt_warc_writer_free(idt_warc_writer *w);

/*
 * Formats one uncompressed WARC response record for uri into *out (malloc'ed, caller frees),
 * with the given record id; used to scan a response exactly as it is preserved.
 */
idt_status idt_warc_format_response(const char *uri, const char *date, const char *record_id,
                                    const char *resp, size_t resp_len, char **out, size_t *out_len);

/* The HTTP payload of a message (after the headers; chunked transfer coding undone) into
 * *out (malloc'ed).  IDT_EPARSE if there is no header end. */
idt_status idt_http_payload(const char *msg, size_t len, char **out, size_t *out_len);

/* SHA-256 of data as 64 lower-case hex digits + NUL. */
void idt_sha256_hex(const void *data, size_t len, char hex[65]);
/* SHA-256 of a file; IDT_EIO if unreadable. */
idt_status idt_sha256_file(const char *path, char hex[65]);
/* The current time, ISO 8601 UTC with seconds ("2026-11-29T17:30:00Z"). */
void idt_watch_now(char buf[32]);
/* Parses an ISO 8601 UTC time (as written by idt_watch_now, or with a date only) to seconds
 * since the epoch; -1 if malformed. */
int64_t idt_watch_parse_time(const char *s);

/* ======================================================================================
 * WARC verification
 * ====================================================================================== */

typedef struct idt_warc_check {
	const char *record_id; /* the record's WARC-Record-ID (or "(none)") */
	const char *type;      /* WARC-Type */
	const char *uri;       /* WARC-Target-URI or "" */
	const char *date;      /* WARC-Date or "" */
	uint64_t offset;       /* of the record in the decompressed file */
	int block_ok;          /* 1 ok, 0 mismatch, -1 no digest */
	int payload_ok;        /* 1 ok, 0 mismatch, -1 no digest */
	const char *problem;   /* NULL, or what is wrong with the record's framing */
} idt_warc_check;

typedef int (*idt_warc_check_fn)(void *ctx, const idt_warc_check *c);

/* Reads every record of a WARC file (plain or gzip) and checks its digests, calling fn for
 * each (non-zero stops: IDT_STOPPED).  *bad receives the count of records with a mismatch or a
 * framing problem.  IDT_EIO if unreadable.  At most 4 GiB are decompressed. */
idt_status idt_warc_verify(const char *path, idt_warc_check_fn fn, void *ctx, size_t *bad);

/* ======================================================================================
 * Watch list
 * ====================================================================================== */

typedef enum idt_scope {
	IDT_SCOPE_HOST = 0, /* same scheme and host (and port) as the seed URL */
	IDT_SCOPE_PREFIX    /* URLs starting with the scope prefix (default: the seed URL) */
} idt_scope;

typedef struct idt_watch_source {
	char *name;       /* the section's name */
	char *url;        /* the seed URL */
	char *platform;   /* platform name for hits (default: the host) */
	int64_t interval; /* seconds between rounds */
	int depth;        /* links followed from the seed: 0 the seed only */
	idt_scope scope;
	char *prefix;          /* IDT_SCOPE_PREFIX: the prefix */
	double rate;           /* requests per second to one host */
	int robots_override;   /* 1: robots.txt not honoured (authorised operator) */
	char *override_by;     /* who authorised it */
	char *override_reason; /* why (a warrant, a platform agreement) */
	char *proxy;           /* libcurl proxy URL, or NULL */
	int max_pages;         /* pages per round */
	uint32_t line;         /* line of the section header */
} idt_watch_source;

typedef struct idt_watchlist {
	idt_watch_source *src;
	size_t n;
} idt_watchlist;

/* Parses a watch list file.  On IDT_EPARSE err has the line and message.  Free with
 * idt_watchlist_free (also after a failure). */
idt_status idt_watchlist_load(const char *path, idt_watchlist *wl, idt_error *err);
idt_status idt_watchlist_parse(const char *text, size_t len, idt_watchlist *wl, idt_error *err);
void idt_watchlist_free(idt_watchlist *wl);

/* ======================================================================================
 * URLs
 * ====================================================================================== */

/* Splits an http(s) URL: scheme, host (lower case), port, path+query (from the first '/',
 * "/" if none; fragment dropped).  Returns 0, or -1 if not http/https or malformed. */
typedef struct idt_url {
	char scheme[8];
	char host[256];
	int port;
	char path[2048];
} idt_url;
int idt_url_split(const char *url, idt_url *u);
/* "scheme://host[:port]" of u into buf. */
void idt_url_origin(const idt_url *u, char *buf, size_t n);

/* ======================================================================================
 * State database
 * ====================================================================================== */

typedef struct idt_wstate idt_wstate;

idt_status idt_wstate_open(const char *path, idt_wstate **out);
void idt_wstate_close(idt_wstate *s);
/* The raw handle (sqlite3 *) for queries the commands make. */
void *idt_wstate_db(idt_wstate *s);

/* The content hash last seen for url (into hash, "" if none). */
idt_status idt_wstate_page_hash(idt_wstate *s, const char *url, char hash[65]);
idt_status idt_wstate_page_set(idt_wstate *s, const char *url, const char *source, const char *hash,
                               int flagged, const char *at, long status);
/* Forgets url's content hash, so that its next flagged fetch is a hit again (used when the
 * hits of a round could not be submitted). */
idt_status idt_wstate_page_forget(idt_wstate *s, const char *url);
idt_status idt_wstate_capture(idt_wstate *s, const char *url, const char *source, const char *at,
                              long status, const idt_warc_loc *loc, int flagged);
idt_status idt_wstate_warc_file(idt_wstate *s, const char *path, const char *sha256, uint64_t size);
/* The recorded SHA-256 of a WARC file by name (without directory); IDT_ENOTFOUND if none. */
idt_status idt_wstate_warc_sha256(idt_wstate *s, const char *name, char hash[65]);
idt_status idt_wstate_pharmacy_set(idt_wstate *s, const char *site, const char *source,
                                   const char *at, double score, const char *verdict,
                                   const char *reasons_json);
idt_status idt_wstate_source_ran(idt_wstate *s, const char *name, int64_t at);
int64_t idt_wstate_source_last(idt_wstate *s, const char *name); /* 0 if never */
idt_status idt_wstate_event(idt_wstate *s, const char *kind, const char *detail);
idt_status idt_wstate_takedown_report(idt_wstate *s, const char *url, const char *platform,
                                      const char *reference, const char *at);
idt_status idt_wstate_takedown_gone(idt_wstate *s, const char *url, const char *at,
                                    const char *how);

/* ======================================================================================
 * Fetching
 * ====================================================================================== */

typedef struct idt_fetch_opts {
	const char *proxy; /* NULL: none */
	long timeout;      /* seconds for the whole exchange; 0: 30 */
	size_t max_bytes;  /* response cap; 0: 8 MiB (longer responses are cut and marked) */
	volatile sig_atomic_t *stop; /* when set (by a signal handler), the transfer is aborted */
} idt_fetch_opts;

typedef struct idt_fetch {
	long status; /* HTTP status; 0 if no response */
	char *req;   /* the request as sent (headers), malloc'ed */
	size_t req_len;
	char *resp; /* status line + headers + body as received, malloc'ed */
	size_t resp_len;
	size_t head_len; /* bytes of status line + headers (incl. the blank line) */
	char ip[64];     /* the peer's address */
	char date[32];   /* when the response began, ISO 8601 */
	char *location;  /* Location of a redirect, absolute, malloc'ed; NULL */
	char ctype[128]; /* Content-Type, or "" */
	int truncated;   /* the response was cut at max_bytes */
	char error[256]; /* why a fetch failed (status 0) */
} idt_fetch;

/* One GET of url (http/https only, no redirects followed).  IDT_EIO when no response came
 * (f->error says why).  Free f with idt_fetch_clear. */
idt_status idt_fetch_url(void *curl, const char *url, const idt_fetch_opts *o, idt_fetch *f);
void idt_fetch_clear(idt_fetch *f);

/* ======================================================================================
 * Internet pharmacy assessment
 * ====================================================================================== */

/* What was seen across a site's pages (accumulated by idt_pharmacy_add). */
typedef struct idt_pharmacy {
	char host[256];
	int no_rx;       /* "no prescription" phrases */
	int rx_offered;  /* prescription-only medicine mentions */
	int controlled;  /* internationally/nationally controlled medicine mentions */
	char names[512]; /* the medicines seen, comma separated */
	int licence;     /* licence/registration number seen */
	int address;     /* a postal address seen */
	int card;        /* card payment seen */
	int crypto;      /* crypto payment seen (wallet signal or crypto word) */
	int presents;    /* pharmacy words seen ("pharmacy", "apotheke", ...) */
	int rx_category; /* pages the scanner put in the pharmacy category */
	int pages;
} idt_pharmacy;

/* Adds one page's text and scan result. */
void idt_pharmacy_add(idt_pharmacy *p, const idt_kb *kb, const idt_result *res,
                      const idt_field *fields, size_t nfields);

/* The verdict: score 0..1, verdict name, reasons as a JSON array text (malloc'ed).  A site
 * with no medicine offer is "not-a-pharmacy" (score 0). */
idt_status idt_pharmacy_assess(const idt_pharmacy *p, double *score, const char **verdict,
                               char **reasons_json);

/* ======================================================================================
 * A watch round
 * ====================================================================================== */

/* A flagged page to become a hit, handed to the caller after the round (so the WARC file
 * holding it is finished and its SHA-256 known). */
typedef struct idt_watch_hit {
	const char *source; /* watch-list section */
	const char *platform;
	const char *url;
	const char *fetched_at;
	const char *verdict_json; /* idt_result_json with "fields" */
	const idt_warc_loc *loc;
	const char *warc_sha256;   /* of the finished file */
	const char *pharmacy_json; /* {"score":..,"verdict":..,"reasons":[..]} or NULL */
	int pharmacy_flag;         /* the site was assessed suspicious or worse */
} idt_watch_hit;

typedef int (*idt_watch_hit_fn)(void *ctx, const idt_watch_hit *h);

typedef struct idt_watch_opts {
	const idt_watchlist *wl;
	idt_wstate *st;
	const idt_scanner *sc;
	const idt_kb *kb;
	const char *warc_dir;
	uint64_t warc_max;           /* rotation size; 0: 1 GiB */
	int force;                   /* run every source, due or not (--once) */
	volatile sig_atomic_t *stop; /* set by a signal handler: finish the page and stop */
	FILE *log;                   /* progress, or NULL */
	idt_watch_hit_fn hit;
	void *ctx;
	long timeout;     /* per fetch, seconds */
	size_t max_bytes; /* per response */
	/* Listings reported elsewhere (the server's open takedowns, issue 10), re-checked in the
	 * round after those of the state database (a URL in both is fetched once); the result of
	 * remote[i] goes to checked(checked_ctx, i, at, how): `at` the fetch's time (ISO 8601 UTC), `how`
	 * NULL while the listing is online (or did not answer) or how it disappeared ("HTTP 404",
	 * "HTTP 410", "content no longer flagged").  Not called for a listing that could not be
	 * checked (robots.txt, a bad URL) or after a stop.  Strings borrowed for the round. */
	const char *const *remote;
	size_t nremote;
	void (*checked)(void *ctx, size_t i, const char *at, const char *how);
	void *checked_ctx;
} idt_watch_opts;

typedef struct idt_watch_stats {
	size_t fetched, flagged, hits, skipped_robots, errors, takedowns_checked, gone;
} idt_watch_stats;

/* Runs one round: every due source (all with force), then the reported listings.  Hits go to
 * o->hit after the WARC file is finished.  IDT_STOPPED if *stop was set. */
idt_status idt_watch_round(const idt_watch_opts *o, idt_watch_stats *stats);

#endif
