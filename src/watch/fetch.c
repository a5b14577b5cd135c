/*
 * fetch.c - one HTTP exchange with libcurl, kept exactly as it went over the wire (for the
 * WARC records): the request headers as sent (libcurl's debug callback), the status line and
 * headers as received, and the body with its transfer coding (chunked is not undone, content
 * coding is not undone: nothing is asked for but identity).
 *
 * Politeness and safety: only http and https (also after a redirect, which is not followed
 * here: the crawler decides), a User-Agent naming Interdict, connect and total timeouts, a
 * size cap (the response is cut and marked), an optional proxy (socks5h:// resolves names
 * through the proxy, as Tor needs).  TLS certificates are verified.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "watch/watch.h"

typedef struct sink {
	idt_fetch *f;
	size_t cap; /* of f->resp */
	size_t max; /* response cap */
	size_t reqcap;
	int in_body; /* header block finished */
} sink;

static int grow(char **p, size_t *cap, size_t need, size_t max)
{
	if (need <= *cap) return 0;
	if (need > max) return -1;
	size_t nc = *cap ? *cap : 16384;
	while (nc < need) nc *= 2;
	if (nc > max) nc = max;
	char *q = realloc(*p, nc);
	if (!q) return -1;
	*p = q;
	*cap = nc;
	return 0;
}

static size_t on_header(char *b, size_t size, size_t n, void *ctx)
{
	sink *k = ctx;
	size_t len = size * n;
	idt_fetch *f = k->f;
	/* a new status line after a 1xx answer starts the block again */
	if (len > 5 && !strncmp(b, "HTTP/", 5)) {
		f->resp_len = 0;
		f->ctype[0] = 0;
	}
	if (grow(&f->resp, &k->cap, f->resp_len + len, k->max)) return 0;
	memcpy(f->resp + f->resp_len, b, len);
	f->resp_len += len;
	f->head_len = f->resp_len;
	if (len > 13 && !strncasecmp(b, "content-type:", 13)) {
		const char *v = b + 13;
		size_t vl = len - 13;
		while (vl && (*v == ' ')) v++, vl--;
		while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
		if (vl >= sizeof f->ctype) vl = sizeof f->ctype - 1;
		memcpy(f->ctype, v, vl);
		f->ctype[vl] = 0;
	}
	if (!f->date[0]) idt_watch_now(f->date);
	return len;
}

static size_t on_body(char *b, size_t size, size_t n, void *ctx)
{
	sink *k = ctx;
	size_t len = size * n;
	idt_fetch *f = k->f;
	if (f->resp_len + len > k->max) {
		size_t room = k->max - f->resp_len;
		if (room && !grow(&f->resp, &k->cap, k->max, k->max)) {
			memcpy(f->resp + f->resp_len, b, room);
			f->resp_len += room;
		}
		f->truncated = 1;
		return 0; /* stops the transfer (CURLE_WRITE_ERROR, expected) */
	}
	if (grow(&f->resp, &k->cap, f->resp_len + len, k->max)) return 0;
	memcpy(f->resp + f->resp_len, b, len);
	f->resp_len += len;
	return len;
}

static int on_debug(CURL *c, curl_infotype t, char *d, size_t n, void *ctx)
{
	(void)c;
	sink *k = ctx;
	idt_fetch *f = k->f;
	if (t != CURLINFO_HEADER_OUT) return 0;
	f->req_len = 0; /* the last request sent (after an auth or proxy exchange) */
	if (grow(&f->req, &k->reqcap, n, (size_t)1 << 20)) return 0;
	memcpy(f->req, d, n);
	f->req_len = n;
	return 0;
}

/* Aborts the transfer once the stop flag is set (SIGTERM during a slow response). */
static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	volatile sig_atomic_t *stop = ctx;
	return stop && *stop;
}

void idt_fetch_clear(idt_fetch *f)
{
	free(f->req);
	free(f->resp);
	free(f->location);
	memset(f, 0, sizeof *f);
}

idt_status idt_fetch_url(void *curl, const char *url, const idt_fetch_opts *o, idt_fetch *f)
{
	memset(f, 0, sizeof *f);
	CURL *c = curl;
	sink k = {.f = f, .max = o && o->max_bytes ? o->max_bytes : ((size_t)8 << 20)};
	long timeout = o && o->timeout ? o->timeout : 30;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, IDT_WATCH_UA);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 15 ? timeout : 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
	curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &k);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &k);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* feeds the debug callback, prints nothing */
	if (o && o->stop) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)o->stop);
	}
	if (o && o->proxy)
		curl_easy_setopt(c, CURLOPT_PROXY, o->proxy);
	else
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	char *ip = NULL;
	if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
		snprintf(f->ip, sizeof f->ip, "%s", ip);
	char *loc = NULL;
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
		f->location = strdup(loc);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && f->truncated)) {
		snprintf(f->error, sizeof f->error, "%s", curl_easy_strerror(cc));
		if (!f->status || !f->resp_len) return IDT_EIO;
		f->truncated = 1; /* cut by a timeout or a dropped connection: keep what came */
	}
	if (!f->date[0]) idt_watch_now(f->date);
	return f->status ? IDT_OK : IDT_EIO;
}
