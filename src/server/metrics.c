/*
 * metrics.c - the server's Prometheus metrics (GET /api/v1/metrics, text format 0.0.4):
 * requests by method and status class, a latency histogram over all API requests, and the
 * hits submitted to the triage queue.  Counters are process-wide atomics kept in the server
 * object; the endpoint itself is for admins with a read token (a scraper's token).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server.h"

/* Upper bounds of the latency buckets, in seconds (the last bucket is +Inf). */
static const double bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "other"};
#define NMETHODS 6

struct idt__metrics {
	atomic_ullong requests[NMETHODS][6]; /* by method and status class 1xx..5xx (index 1..5) */
	atomic_ullong bucket[NBOUNDS + 1];   /* cumulative when printed */
	atomic_ullong sum_us;                /* total latency, microseconds */
	atomic_ullong count;
	atomic_ullong hits; /* hits accepted by POST /api/v1/hits */
};

idt_status idt__metrics_init(idt_server *srv)
{
	srv->metrics = calloc(1, sizeof(struct idt__metrics));
	return srv->metrics ? IDT_OK : IDT_ENOMEM;
}

void idt__metrics_free(idt_server *srv)
{
	free(srv->metrics);
	srv->metrics = NULL;
}

void idt__metrics_request(idt_server *srv, const char *method, int status, double seconds)
{
	struct idt__metrics *m = srv->metrics;
	if (!m) return;
	size_t mi = NMETHODS - 1;
	for (size_t i = 0; i + 1 < NMETHODS; i++)
		if (strcmp(methods[i], method) == 0) mi = i;
	int cls = status / 100;
	if (cls < 1 || cls > 5) cls = 5;
	atomic_fetch_add(&m->requests[mi][cls], 1);
	size_t b = 0;
	while (b < NBOUNDS && seconds > bounds[b]) b++;
	atomic_fetch_add(&m->bucket[b], 1);
	atomic_fetch_add(&m->sum_us, (unsigned long long)(seconds * 1e6));
	atomic_fetch_add(&m->count, 1);
}

void idt__metrics_hits(idt_server *srv, size_t n)
{
	if (srv->metrics) atomic_fetch_add(&((struct idt__metrics *)srv->metrics)->hits, n);
}

int idt__h_metrics(idt_req *r, char **p)
{
	(void)p;
	struct idt__metrics *m = r->srv->metrics;
	idt_buf b = {0};
	idt_status st = idt__buf_puts(
	    &b, "# HELP interdict_http_requests_total API requests by method and status class.\n"
	        "# TYPE interdict_http_requests_total counter\n");
	for (size_t i = 0; m && !st && i < NMETHODS; i++)
		for (int c = 1; !st && c <= 5; c++)
			st = idt__buf_printf(
			    &b, "interdict_http_requests_total{method=\"%s\",code=\"%dxx\"} %llu\n",
			    methods[i], c, (unsigned long long)atomic_load(&m->requests[i][c]));
	if (!st)
		st = idt__buf_puts(
		    &b, "# HELP interdict_http_request_duration_seconds API request latency.\n"
		        "# TYPE interdict_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (size_t i = 0; m && !st && i <= NBOUNDS; i++) {
		cum += atomic_load(&m->bucket[i]);
		if (i < NBOUNDS)
			st = idt__buf_printf(
			    &b, "interdict_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			    bounds[i], cum);
		else
			st = idt__buf_printf(
			    &b,
			    "interdict_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
			    cum);
	}
	if (m && !st)
		st = idt__buf_printf(
		    &b,
		    "interdict_http_request_duration_seconds_sum %.6f\n"
		    "interdict_http_request_duration_seconds_count %llu\n"
		    "# HELP interdict_hits_submitted_total Hits accepted into the triage queue.\n"
		    "# TYPE interdict_hits_submitted_total counter\n"
		    "interdict_hits_submitted_total %llu\n",
		    (double)atomic_load(&m->sum_us) / 1e6,
		    (unsigned long long)atomic_load(&m->count),
		    (unsigned long long)atomic_load(&m->hits));
	if (st) {
		idt__buf_free(&b);
		return idt__reply_status(r, IDT_ENOMEM);
	}
	r->status = 200;
	r->raw = b.data;
	r->raw_len = b.len;
	r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}
