/*
 * cmd_worker.c - `interdict worker` and `interdict collect`: distributed scanning on NATS
 * JetStream (docs/deployment.md).
 *
 * A worker pulls records from the INTERDICT_RECORDS work queue through a durable consumer
 * that every worker shares, scans them, publishes one verdict per record to the results
 * subject, optionally submits flagged ones to the server, and only then acknowledges the
 * records (at-least-once).  A worker that dies before acknowledging leaves its records to be
 * redelivered to another after --ack-wait; the verdict it may already have published carries
 * the same content-derived message id as the new one, so the server's duplicate window keeps
 * exactly one.  At most --batch records are in flight per worker (bounded memory), and SIGTERM
 * or SIGINT finishes the current batch and exits cleanly.  --metrics serves Prometheus text.
 *
 * `collect` prints every verdict of the results stream as JSON Lines.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <microhttpd.h>
#include "cli.h"
#include "nats_link.h"

static const char worker_usage[] =
    "usage: interdict worker --nats nats://HOST:PORT/SUBJECT [OPTIONS]\n"
    "       interdict collect --nats nats://HOST:PORT/SUBJECT [--idle SECONDS]\n"
    "\n"
    "worker: scan the records that 'interdict scan --publish' put on the NATS JetStream work\n"
    "queue SUBJECT, with any number of workers on any number of machines.  Each record gets\n"
    "exactly one verdict on the results subject (JSON, as 'interdict scan --all' writes it).\n"
    "Records are acknowledged only after their verdicts are stored (and, with --submit,\n"
    "accepted by the server); a worker that dies leaves them to the others.\n"
    "collect: print every verdict stored on the results SUBJECT as JSON Lines, then exit\n"
    "when none has come for --idle seconds.\n"
    "\n"
    "Options:\n"
    "      --nats ADDR        the records (worker) or results (collect) address\n"
    "      --results SUBJECT  where verdicts go (default interdict.verdicts)\n"
    "      --durable NAME     the consumer shared by the workers (default interdict-workers)\n"
    "      --batch N          records pulled and in flight at once (default 64)\n"
    "      --ack-wait SECONDS redelivery delay of unacknowledged records (default 30)\n"
    "      --idle-exit SECONDS exit after this long without records (default: never)\n"
    "      --idle SECONDS     collect: stop after this long without verdicts (default 2)\n"
    "      --submit URL       also submit flagged verdicts to the server's triage queue\n"
    "      --token TOKEN      API token for --submit (default INTERDICT_TOKEN)\n"
    "      --metrics HOST:PORT serve Prometheus metrics at /metrics and health at /health\n"
    "      --kb DIR           knowledge base files instead of the bundled ones\n"
    "      --kb-extra PATH    add a national list; repeatable\n"
    "  -q, --quiet            no summary\n"
    "  -h, --help             this manual\n";

typedef struct wopts {
	const char *nats, *results, *durable, *submit, *token, *metrics, *kb_dir;
	const char *extra[64];
	size_t nextra;
	int batch, ack_wait, idle_exit, idle, quiet;
} wopts;

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* ----- metrics ---------------------------------------------------------------------------- */

typedef struct metrics {
	pthread_mutex_t mu;
	uint64_t records, flagged, malformed, batches, redelivered, publish_failures;
	double batch_seconds;
	uint64_t pending;   /* records waiting in the work queue (last seen) */
	double first, last; /* monotonic time of the first batch with records, of the last ack */
} metrics;

static enum MHD_Result serve_metrics(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const char *version, const char *upload,
                                     size_t *upload_size, void **con_cls)
{
	(void)version, (void)upload, (void)upload_size, (void)con_cls;
	metrics *m = cls;
	if (strcmp(method, "GET") != 0) return MHD_NO;
	char body[2048];
	int status = MHD_HTTP_OK;
	if (strcmp(url, "/health") == 0) {
		snprintf(body, sizeof body, "ok\n");
	} else if (strcmp(url, "/metrics") == 0) {
		pthread_mutex_lock(&m->mu);
		snprintf(
		    body, sizeof body,
		    "# HELP interdict_worker_records_total Records scanned.\n"
		    "# TYPE interdict_worker_records_total counter\n"
		    "interdict_worker_records_total %llu\n"
		    "# HELP interdict_worker_flagged_total Records flagged.\n"
		    "# TYPE interdict_worker_flagged_total counter\n"
		    "interdict_worker_flagged_total %llu\n"
		    "# HELP interdict_worker_malformed_total Messages that were not records.\n"
		    "# TYPE interdict_worker_malformed_total counter\n"
		    "interdict_worker_malformed_total %llu\n"
		    "# HELP interdict_worker_redelivered_total Records received more than once.\n"
		    "# TYPE interdict_worker_redelivered_total counter\n"
		    "interdict_worker_redelivered_total %llu\n"
		    "# HELP interdict_worker_publish_failures_total Verdict batches not stored.\n"
		    "# TYPE interdict_worker_publish_failures_total counter\n"
		    "interdict_worker_publish_failures_total %llu\n"
		    "# HELP interdict_worker_queue_pending Records waiting in the work queue.\n"
		    "# TYPE interdict_worker_queue_pending gauge\n"
		    "interdict_worker_queue_pending %llu\n"
		    "# HELP interdict_worker_batch_seconds Time to scan and hand on a batch.\n"
		    "# TYPE interdict_worker_batch_seconds summary\n"
		    "interdict_worker_batch_seconds_sum %.6f\n"
		    "interdict_worker_batch_seconds_count %llu\n",
		    (unsigned long long)m->records, (unsigned long long)m->flagged,
		    (unsigned long long)m->malformed, (unsigned long long)m->redelivered,
		    (unsigned long long)m->publish_failures, (unsigned long long)m->pending,
		    m->batch_seconds, (unsigned long long)m->batches);
		pthread_mutex_unlock(&m->mu);
	} else {
		status = MHD_HTTP_NOT_FOUND;
		snprintf(body, sizeof body, "not found\n");
	}
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (!r) return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Daemon *start_metrics(const char *hostport, metrics *m)
{
	const char *colon = strrchr(hostport, ':');
	if (!colon) return NULL;
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	char host[64];
	snprintf(host, sizeof host, "%.*s", (int)(colon - hostport), hostport);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return NULL;
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve_metrics, m,
	                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
}

/* ----- one record -------------------------------------------------------------------------- */

typedef struct worker {
	const wopts *o;
	idt_nats nats;
	natsSubscription *sub;
	const idt_kb *kb;
	const idt_scanner *sc;
	idt_scratch *scratch;
	idt_result *res;
	idt_submitter *submitter;
	idt_sb out;  /* the current verdict */
	idt_sb hits; /* flagged verdicts of the batch, back to back (--submit) */
	size_t *hit_end;
	size_t nhits, caphits;
	metrics m;
	int crash_before_ack; /* IDT_FAULT_CRASH_BEFORE_ACK set: the fault test's crash point */
} worker;

/* Renders the verdict of one record message into w->out; appends it to w->hits when flagged
 * and submitting.  A message that is not a record gets a verdict with "error" (so that every
 * message has exactly one verdict).  Returns 1 if flagged, 0 if not, -1 out of memory. */
static int process(worker *w, const char *data, int len, int *malformed)
{
	w->out.len = 0;
	json_error_t jerr;
	json_t *rec = json_loadb(data, (size_t)len, 0, &jerr);
	json_t *fields = rec ? json_object_get(rec, "fields") : NULL;
	if (!rec || !json_is_object(fields)) {
		*malformed = 1;
		int r = idt_sb_puts(&w->out, "{\"id\":null,\"flagged\":false,\"error\":");
		if (!r)
			r = idt_sb_json(&w->out, rec ? "message has no 'fields' object" : jerr.text,
			                strlen(rec ? "message has no 'fields' object" : jerr.text));
		if (!r) r = idt_sb_puts(&w->out, "}");
		json_decref(rec);
		return r ? -1 : 0;
	}
	idt_field f[16];
	size_t nf = 0;
	const char *key;
	json_t *val;
	json_object_foreach(fields, key, val)
	{
		if (nf == 16 || !json_is_string(val)) continue;
		f[nf].name = key;
		f[nf].name_len = strlen(key);
		f[nf].text = json_string_value(val);
		f[nf].len = json_string_length(val);
		nf++;
	}
	char *id = NULL, *src = NULL;
	json_t *idv = json_object_get(rec, "id");
	if (idv) id = json_dumps(idv, JSON_ENCODE_ANY | JSON_COMPACT);
	json_t *sv = json_object_get(rec, "source");
	idt_sb extra = {0};
	int r = 0;
	if (sv) {
		src = json_dumps(sv, JSON_COMPACT);
		r = idt_sb_puts(&extra, "\"source\":");
		if (!r) r = idt_sb_puts(&extra, src ? src : "null");
	}
	int flagged = 0;
	if (!r && idt_scan(w->sc, w->scratch, f, nf, &w->res) != IDT_OK) r = -1;
	if (!r) {
		flagged = idt_result_flagged(w->res);
		r = idt_result_json(w->sc, w->res, f, nf, id, id ? strlen(id) : 0, extra.p,
		                    extra.len, &w->out.p, &w->out.len, &w->out.cap) != IDT_OK;
	}
	if (!r && flagged && w->submitter) {
		/* The hit carries the text too, for the analysts' triage view. */
		if (w->nhits == w->caphits) {
			size_t ncap = w->caphits ? w->caphits * 2 : 64;
			size_t *q = realloc(w->hit_end, ncap * sizeof *q);
			if (!q)
				r = -1;
			else
				w->hit_end = q, w->caphits = ncap;
		}
		if (!r)
			r = idt_sb_put(
			    &extra, extra.len ? ",\"fields\":" : "\"fields\":", extra.len ? 10 : 9);
		if (!r) {
			char *ftxt = json_dumps(fields, JSON_COMPACT);
			r = ftxt ? idt_sb_puts(&extra, ftxt) : -1;
			free(ftxt);
		}
		if (!r)
			r = idt_result_json(w->sc, w->res, f, nf, id, id ? strlen(id) : 0, extra.p,
			                    extra.len, &w->hits.p, &w->hits.len,
			                    &w->hits.cap) != IDT_OK;
		if (!r) w->hit_end[w->nhits++] = w->hits.len;
	}
	idt_sb_free(&extra);
	free(id);
	free(src);
	json_decref(rec);
	return r ? -1 : flagged;
}

/* The message id a verdict is published under: the record's own (content-derived) id. */
static void verdict_id(natsMsg *msg, char out[33])
{
	const char *id = NULL;
	if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id && strlen(id) < 33) {
		snprintf(out, 33, "%s", id);
		return;
	}
	idt_nats_msg_id(natsMsg_GetSubject(msg), natsMsg_GetData(msg),
	                (size_t)natsMsg_GetDataLength(msg), out);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Scans a fetched batch, hands the verdicts on, then acknowledges (or, if they could not be
 * handed on, lets the records be redelivered).  Returns -1 on a fatal error. */
static int run_batch(worker *w, natsMsgList *list)
{
	double t0 = now_s();
	w->nhits = w->hits.len = 0;
	uint64_t flagged = 0, malformed = 0, redelivered = 0;
	int fatal = 0;
	for (int i = 0; i < list->Count && !fatal; i++) {
		natsMsg *msg = list->Msgs[i];
		jsMsgMetaData *meta = NULL;
		if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
			redelivered += meta->NumDelivered > 1;
			w->m.pending = meta->NumPending;
			jsMsgMetaData_Destroy(meta);
		}
		int bad = 0;
		int f = process(w, natsMsg_GetData(msg), natsMsg_GetDataLength(msg), &bad);
		if (f < 0) {
			fatal = 1;
			break;
		}
		flagged += (uint64_t)f;
		malformed += (uint64_t)bad;
		char id[33];
		verdict_id(msg, id);
		jsPubOptions po;
		jsPubOptions_Init(&po);
		po.MsgId = id;
		if (js_PublishAsync(w->nats.js, w->o->results, w->out.p, (int)w->out.len, &po) !=
		    NATS_OK)
			fatal = 1;
	}
	int failed = fatal ? 1 : idt_nats_publish_wait(&w->nats, 30000);
	if (!failed && w->submitter && w->nhits &&
	    idt_submit_hits(w->submitter, w->hits.p, w->hit_end, w->nhits))
		failed = 1;
	/* Fault injection for the tests: die the worst way, verdicts stored, records not acked. */
	if (w->crash_before_ack) _exit(137);
	for (int i = 0; i < list->Count; i++) {
		/* Acknowledge only what was safely handed on; otherwise ask for redelivery. */
		if (failed)
			natsMsg_Nak(list->Msgs[i], NULL);
		else
			natsMsg_Ack(list->Msgs[i], NULL);
	}
	natsConnection_Flush(w->nats.nc);
	pthread_mutex_lock(&w->m.mu);
	if (!failed) {
		w->m.records += (uint64_t)list->Count;
		w->m.flagged += flagged;
		w->m.malformed += malformed;
	} else {
		w->m.publish_failures++;
	}
	w->m.redelivered += redelivered;
	w->m.batches++;
	w->m.batch_seconds += now_s() - t0;
	if (w->m.first == 0) w->m.first = t0;
	w->m.last = now_s();
	pthread_mutex_unlock(&w->m.mu);
	return fatal ? -1 : 0;
}

/* ----- options ----------------------------------------------------------------------------- */

static int parse(int argc, char **argv, wopts *o)
{
	static const struct option longs[] = {{"nats", required_argument, 0, 1},
	                                      {"results", required_argument, 0, 2},
	                                      {"durable", required_argument, 0, 3},
	                                      {"batch", required_argument, 0, 4},
	                                      {"ack-wait", required_argument, 0, 5},
	                                      {"idle-exit", required_argument, 0, 6},
	                                      {"submit", required_argument, 0, 7},
	                                      {"token", required_argument, 0, 8},
	                                      {"metrics", required_argument, 0, 9},
	                                      {"kb", required_argument, 0, 10},
	                                      {"kb-extra", required_argument, 0, 11},
	                                      {"idle", required_argument, 0, 12},
	                                      {"quiet", no_argument, 0, 'q'},
	                                      {"help", no_argument, 0, 'h'},
	                                      {0, 0, 0, 0}};
	o->results = "interdict.verdicts";
	o->durable = "interdict-workers";
	o->batch = 64;
	o->ack_wait = 30;
	o->idle = 2;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longs, NULL)) != -1) {
		switch (c) {
		case 1: o->nats = optarg; break;
		case 2: o->results = optarg; break;
		case 3: o->durable = optarg; break;
		case 4: o->batch = atoi(optarg); break;
		case 5: o->ack_wait = atoi(optarg); break;
		case 6: o->idle_exit = atoi(optarg); break;
		case 7: o->submit = optarg; break;
		case 8: o->token = optarg; break;
		case 9: o->metrics = optarg; break;
		case 10: o->kb_dir = optarg; break;
		case 11:
			if (o->nextra == 64) return -1;
			o->extra[o->nextra++] = optarg;
			break;
		case 12: o->idle = atoi(optarg); break;
		case 'q': o->quiet = 1; break;
		case 'h': fputs(worker_usage, stdout); return 1;
		default: fputs(worker_usage, stderr); return -1;
		}
	}
	if (!o->nats || o->batch < 1 || o->batch > 10000 || o->ack_wait < 1 || o->idle < 1) {
		idt_cli_error("--nats is required; --batch 1..10000, --ack-wait and --idle > 0");
		return -1;
	}
	if (o->submit && !o->token) o->token = getenv("INTERDICT_TOKEN");
	if (o->submit && (!o->token || !*o->token)) {
		idt_cli_error("--submit needs an API token: --token TOKEN or INTERDICT_TOKEN");
		return -1;
	}
	return 0;
}

/* ----- the commands ------------------------------------------------------------------------ */

static int subscribe(worker *w)
{
	jsSubOptions so;
	jsSubOptions_Init(&so);
	so.Stream = IDT_NATS_RECORDS_STREAM;
	so.Config.AckPolicy = js_AckExplicit;
	so.Config.AckWait = (int64_t)w->o->ack_wait * 1000000000;
	so.Config.MaxAckPending = 100000;
	so.Config.Durable = w->o->durable;
	jsErrCode jerr = 0;
	natsStatus s =
	    js_PullSubscribe(&w->sub, w->nats.js, w->nats.subject, w->o->durable, NULL, &so, &jerr);
	if (s != NATS_OK) {
		idt_cli_error("cannot pull from %s: %s (JetStream error %d)", w->nats.subject,
		              natsStatus_GetText(s), (int)jerr);
		return -1;
	}
	return 0;
}

static int worker_loop(worker *w)
{
	double idle_since = now_s();
	while (!stopping) {
		natsMsgList list = {0};
		jsErrCode jerr = 0;
		natsStatus s = natsSubscription_Fetch(&list, w->sub, w->o->batch, 1000, &jerr);
		if (s == NATS_TIMEOUT || (s == NATS_OK && list.Count == 0)) {
			natsMsgList_Destroy(&list);
			if (w->o->idle_exit && now_s() - idle_since >= w->o->idle_exit) break;
			continue;
		}
		if (s != NATS_OK) {
			natsMsgList_Destroy(&list);
			if (stopping) break;
			idt_cli_error("fetch: %s", natsStatus_GetText(s));
			nats_Sleep(500); /* the client reconnects by itself */
			continue;
		}
		idle_since = now_s();
		int rc = run_batch(w, &list);
		natsMsgList_Destroy(&list);
		if (rc) return -1;
	}
	return 0;
}

static int cmd_worker(const wopts *o)
{
	worker w = {0};
	w.o = o;
	w.crash_before_ack = getenv("IDT_FAULT_CRASH_BEFORE_ACK") != NULL;
	pthread_mutex_init(&w.m.mu, NULL);
	idt_cli_engine eng;
	if (idt_cli_engine_open(&eng, o->extra, o->nextra, o->kb_dir, 1, 0)) {
		pthread_mutex_destroy(&w.m.mu);
		return IDT_EXIT_FAILURE;
	}
	int rc = IDT_EXIT_FAILURE;
	struct MHD_Daemon *mhd = NULL;
	w.kb = eng.kb;
	w.sc = eng.sc;
	if (idt_scratch_new(eng.sc, &w.scratch)) goto done;
	if (o->submit && !(w.submitter = idt_submitter_new(o->submit, o->token))) goto done;
	if (idt_nats_open(&w.nats, o->nats, (int64_t)o->batch * 2) ||
	    idt_nats_ensure_stream(&w.nats, IDT_NATS_RECORDS_STREAM, w.nats.subject, 1) ||
	    idt_nats_ensure_stream(&w.nats, IDT_NATS_VERDICTS_STREAM, o->results, 0) ||
	    subscribe(&w))
		goto done;
	if (o->metrics && !(mhd = start_metrics(o->metrics, &w.m))) {
		idt_cli_error("cannot serve metrics on %s", o->metrics);
		goto done;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (worker_loop(&w) == 0) rc = IDT_EXIT_OK;
	if (!o->quiet)
		fprintf(stderr,
		        "interdict worker: %llu records, %llu flagged, %llu malformed, %llu "
		        "redelivered in %.2f s of work%s\n",
		        (unsigned long long)w.m.records, (unsigned long long)w.m.flagged,
		        (unsigned long long)w.m.malformed, (unsigned long long)w.m.redelivered,
		        w.m.last - w.m.first, stopping ? " (stopped by signal)" : "");
done:
	if (mhd) MHD_stop_daemon(mhd);
	if (w.sub) natsSubscription_Destroy(w.sub);
	idt_nats_close(&w.nats);
	idt_submitter_free(w.submitter);
	idt_result_free(w.res);
	idt_scratch_free(w.scratch);
	idt_sb_free(&w.out);
	idt_sb_free(&w.hits);
	free(w.hit_end);
	idt_cli_engine_close(&eng);
	pthread_mutex_destroy(&w.m.mu);
	return rc;
}

static int cmd_collect(const wopts *o)
{
	idt_nats n;
	if (idt_nats_open(&n, o->nats, 1024)) return IDT_EXIT_FAILURE;
	jsSubOptions so;
	jsSubOptions_Init(&so);
	so.Stream = IDT_NATS_VERDICTS_STREAM;
	so.Ordered = true;
	so.Config.DeliverPolicy = js_DeliverAll;
	natsSubscription *sub = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_SubscribeSync(&sub, n.js, n.subject, NULL, &so, &jerr);
	if (s != NATS_OK) {
		idt_cli_error("cannot read %s: %s (JetStream error %d)", n.subject,
		              natsStatus_GetText(s), (int)jerr);
		idt_nats_close(&n);
		return IDT_EXIT_FAILURE;
	}
	size_t count = 0;
	natsMsg *msg = NULL;
	while (natsSubscription_NextMsg(&msg, sub, (int64_t)o->idle * 1000) == NATS_OK) {
		fwrite(natsMsg_GetData(msg), 1, (size_t)natsMsg_GetDataLength(msg), stdout);
		fputc('\n', stdout);
		natsMsg_Destroy(msg);
		count++;
	}
	natsSubscription_Destroy(sub);
	idt_nats_close(&n);
	if (!o->quiet) fprintf(stderr, "interdict collect: %zu verdicts\n", count);
	return fflush(stdout) == 0 ? IDT_EXIT_OK : IDT_EXIT_FAILURE;
}

int idt_cmd_worker(int argc, char **argv)
{
	wopts o = {0};
	int pr = parse(argc, argv, &o);
	if (pr) return pr > 0 ? IDT_EXIT_OK : IDT_EXIT_USAGE;
	return cmd_worker(&o);
}

int idt_cmd_collect(int argc, char **argv)
{
	wopts o = {0};
	int pr = parse(argc, argv, &o);
	if (pr) return pr > 0 ? IDT_EXIT_OK : IDT_EXIT_USAGE;
	return cmd_collect(&o);
}
