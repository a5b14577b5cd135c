/*
 * submit.c - sends flagged verdicts to the Interdict server's triage queue
 * (POST BASE/api/v1/hits with a Bearer token), for `scan --submit` and `worker --submit`.
 *
 * Verdicts come back to back in one buffer with their end offsets; they are posted as JSON
 * arrays in requests the server accepts (at most SUBMIT_HITS hits and about SUBMIT_BYTES
 * bytes).  The server derives hit ids from content and merges identical hits, so a retry or a
 * redelivery never duplicates anything.  One libcurl handle is kept, so the connection stays
 * open between requests.
 */
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "cli.h"

#define SUBMIT_BYTES (768u << 10) /* per request: the server takes bodies up to 1 MiB */
#define SUBMIT_HITS  500          /* per request: the server takes up to 1,000 */

struct idt_submitter {
	CURL *curl;
	char *url;        /* BASE/api/v1/hits */
	char *auth;       /* "Authorization: Bearer TOKEN" */
	size_t submitted; /* hits the server accepted */
};

idt_submitter *idt_submitter_new(const char *base, const char *token)
{
	static int curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return NULL;
		curl_ready = 1; /* released at exit: libcurl wants one init per process */
	}
	idt_submitter *s = calloc(1, sizeof *s);
	if (!s) return NULL;
	idt_sb url = {0}, auth = {0};
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/') blen--;
	int r = idt_sb_put(&url, base, blen);
	if (!r) r = idt_sb_puts(&url, "/api/v1/hits");
	if (!r) r = idt_sb_printf(&auth, "Authorization: Bearer %s", token ? token : "");
	s->url = url.p;
	s->auth = auth.p;
	s->curl = r ? NULL : curl_easy_init();
	if (!s->curl) {
		idt_submitter_free(s);
		return NULL;
	}
	return s;
}

void idt_submitter_free(idt_submitter *s)
{
	if (!s) return;
	if (s->curl) curl_easy_cleanup(s->curl);
	free(s->url);
	free(s->auth);
	free(s);
}

size_t idt_submitter_count(const idt_submitter *s)
{
	return s->submitted;
}

static size_t keep_reply(char *ptr, size_t size, size_t n, void *ctx)
{
	idt_sb *b = ctx;
	if (b->len < 4096) idt_sb_put(b, ptr, size * n < 4096 ? size * n : 4096);
	return size * n;
}

/* POSTs hits [from, to) as one JSON array.  Returns 0, or -1 after reporting. */
static int post(idt_submitter *s, const char *hits, const size_t *end, size_t from, size_t to)
{
	idt_sb body = {0}, reply = {0};
	int r = idt_sb_puts(&body, "[");
	for (size_t i = from; !r && i < to; i++) {
		size_t start = i ? end[i - 1] : 0;
		if (i > from) r = idt_sb_puts(&body, ",");
		if (!r) r = idt_sb_put(&body, hits + start, end[i] - start);
	}
	if (!r) r = idt_sb_puts(&body, "]");
	long code = 0;
	CURLcode cc = CURLE_OK;
	if (!r) {
		struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
		h = curl_slist_append(h, s->auth);
		curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
		curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body.p);
		curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
		curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, keep_reply);
		curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &reply);
		curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, 120L);
		cc = curl_easy_perform(s->curl);
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
		curl_slist_free_all(h);
	}
	int ok = !r && cc == CURLE_OK && code >= 200 && code < 300;
	if (!ok && cc != CURLE_OK)
		idt_cli_error("submit to %s failed: %s", s->url, curl_easy_strerror(cc));
	else if (!ok)
		idt_cli_error("submit to %s failed: HTTP %ld %.300s", s->url, code,
		              reply.p ? reply.p : "");
	else
		s->submitted += to - from;
	idt_sb_free(&body);
	idt_sb_free(&reply);
	return ok ? 0 : -1;
}

int idt_submit_hits(idt_submitter *s, const char *hits, const size_t *end, size_t n)
{
	int rc = 0;
	size_t from = 0;
	while (from < n) {
		size_t to = from + 1, base = from ? end[from - 1] : 0;
		while (to < n && to - from < SUBMIT_HITS && end[to] - base < SUBMIT_BYTES) to++;
		if (post(s, hits, end, from, to)) rc = -1;
		from = to;
	}
	return rc;
}
