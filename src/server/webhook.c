/*
 * webhook.c - delivers queued webhooks.  One background thread claims pending deliveries from
 * the store every second and POSTs each payload (JSON) to its URL with libcurl: http and https
 * only, no redirects followed, 5 s timeout.  A failed delivery is logged nowhere and dropped
 * (at most once); the notification itself stays in the in-app feed and the Atom feed.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "server.h"

typedef struct webhook {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
} webhook;

static size_t sink(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p, (void)ctx;
	return sz * n;
}

static void deliver(const char *url, const char *payload)
{
	CURL *c = curl_easy_init();
	if (!c) return;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_USERAGENT, "interdict-webhook");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_perform(c);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static void *run(void *arg)
{
	idt_server *srv = arg;
	webhook *w = srv->webhook;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (!w->stop) pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		bool stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (stop) break;
		json_t *jobs = NULL;
		if (srv->st->ops->webhook_claim(srv->st, 20, &jobs) != IDT_OK) continue;
		size_t i;
		json_t *j;
		json_array_foreach(jobs, i, j)
		{
			deliver(json_string_value(json_object_get(j, "url")),
			        json_string_value(json_object_get(j, "payload")));
		}
		json_decref(jobs);
	}
	return NULL;
}

idt_status idt__webhook_start(idt_server *srv)
{
	webhook *w = calloc(1, sizeof *w);
	if (!w) return IDT_ENOMEM;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	srv->webhook = w;
	if (pthread_create(&w->thread, NULL, run, srv) != 0) {
		free(w);
		srv->webhook = NULL;
		return IDT_ENOMEM;
	}
	return IDT_OK;
}

void idt__webhook_stop(idt_server *srv)
{
	webhook *w = srv->webhook;
	if (!w) return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	srv->webhook = NULL;
}
