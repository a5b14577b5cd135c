/*
 * cmd_scan.c - `interdict scan`: reads records from files or standard input, scans them on
 * several threads and writes one verdict per line (JSON Lines) in input order, or a
 * human-readable explanation with --explain.
 *
 * Pipeline (bounded memory whatever the input size):
 *   main thread   reads records (any format the readers know), copies them into a batch,
 *                 hands full batches to the work queue;
 *   N workers     scan the records of a batch and render its output;
 *   writer thread writes finished batches in sequence order, draws the progress bar.
 * At most 2N+2 batches exist at once; the reader waits for a free one.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "nats_link.h"

#define BATCH_RECORDS 1000
#define BATCH_BYTES   (4u << 20)
#define MAX_FIELDS    16

static const char scan_usage[] =
    "usage: interdict scan [OPTIONS] [FILE...]\n"
    "\n"
    "Find controlled substances, precursors and new psychoactive substances, and the signals\n"
    "of trafficking (prices, quantities, contacts, wallets, shipping, 'no prescription'), in\n"
    "listings, posts, chats and web pages.  Reads FILEs (or standard input, or '-') and writes\n"
    "one verdict per flagged record as JSON Lines on standard output, in input order\n"
    "(docs/output.md describes the verdict).  Obfuscated spellings are found: leetspeak,\n"
    "look-alike letters of other scripts, fullwidth forms, zero-width characters, spelled-out\n"
    "separators and repeated letters.  Evidence offsets are bytes of the original text.\n"
    "\n"
    "Input:\n"
    "  -f, --format FMT       input format: auto (default), jsonl, text, csv, tsv, html,\n"
    "                         warc, telegram, whatsapp, mbox (docs/formats.md)\n"
    "  -t, --text-field NAME  a field (JSON Lines) or column (CSV) to scan; repeatable;\n"
    "                         default 'text'\n"
    "  -i, --id-field NAME    the field holding the record id; default 'id'\n"
    "\n"
    "Output:\n"
    "  -a, --all              a verdict for every record, not only flagged ones\n"
    "  -e, --explain          human-readable output: each flagged record with its evidence\n"
    "                         highlighted (in colour on a terminal), its score and reasons\n"
    "  -q, --quiet            no progress bar and no summary on standard error\n"
    "      --fail-on-flag     exit with status 1 if any record was flagged\n"
    "\n"
    "Knowledge base:\n"
    "      --kb DIR           use the .kb and .phrases files in DIR instead of the bundled\n"
    "                         knowledge base\n"
    "      --kb-extra PATH    add a national list or watch list (a .kb file or a directory);\n"
    "                         repeatable\n"
    "      --no-cache         do not read or write the compiled-database cache\n"
    "                         (default cache: $XDG_CACHE_HOME/interdict or ~/.cache/interdict)\n"
    "\n"
    "Server:\n"
    "      --submit URL       also send every flagged verdict, with the text of its fields,\n"
    "                         to the triage queue of the Interdict server at URL\n"
    "                         (POST URL/api/v1/hits); identical hits are merged there\n"
    "      --token TOKEN      the API token for --submit (scope submit-hits); default: the\n"
    "                         INTERDICT_TOKEN environment variable\n"
    "\n"
    "Distributed scanning (docs/deployment.md):\n"
    "      --publish nats://HOST:PORT/SUBJECT\n"
    "                         do not scan: put every record on the NATS JetStream work queue\n"
    "                         SUBJECT, for 'interdict worker' processes to scan\n"
    "\n"
    "Performance:\n"
    "  -j, --threads N        threads that scan, the reading thread included (default:\n"
    "                         all cores)\n"
    "  -h, --help             this manual\n"
    "\n"
    "Bad input (invalid JSON, a missing text field, a record over 16 MiB, NUL bytes) is\n"
    "reported on standard error with its file and line, counted in the summary and skipped;\n"
    "the rest of the input is scanned.  Invalid UTF-8 is replaced and reported; the record is\n"
    "still scanned.\n"
    "\n"
    "Exit status: 0 done; 1 --fail-on-flag and something was flagged; 2 usage error;\n"
    "3 some records were malformed (the rest was scanned); 4 failure (unreadable file,\n"
    "knowledge base error, out of memory).\n"
    "\n"
    "Examples:\n"
    "  interdict scan listings.jsonl > verdicts.jsonl\n"
    "  interdict scan --text-field title --text-field description --all dump.jsonl\n"
    "  interdict scan --explain crawl.warc.gz\n"
    "  echo 'selling f3nt@nyl 5g, wickr: plug' | interdict scan --format text --explain\n";

/* ----- batches ---------------------------------------------------------------------------- */

typedef struct rec_ent {
	size_t id_off, id_len; /* into data; id_off SIZE_MAX for a null id */
	size_t nfields;
	size_t name_off[MAX_FIELDS], name_len[MAX_FIELDS];
	size_t text_off[MAX_FIELDS], text_len[MAX_FIELDS];
	/* provenance, rendered as JSON only for the verdicts written out: strings are copied into
	 * data NUL-terminated (offset SIZE_MAX for none) */
	size_t prov_str[6]; /* file, url, msg_id, sender, date, chat */
	uint64_t line, offset;
} rec_ent;

typedef struct batch {
	size_t seq;
	idt_sb data; /* the records' bytes */
	rec_ent *recs;
	size_t nrecs, caprecs;
	idt_sb out;      /* rendered output */
	idt_sb hits;     /* --submit: flagged verdicts with their text, back to back */
	size_t *hit_end; /* end offset in hits of each verdict */
	size_t nhits, caphits;
	size_t flagged;
	uint64_t in_bytes; /* raw input bytes consumed up to this batch (for progress) */
	int failed;        /* a worker hit a fatal error */
	struct batch *next;
} batch;

typedef struct options {
	idt_format format;
	const char *text_fields[MAX_FIELDS];
	size_t ntext;
	const char *id_field;
	int all, explain, quiet, fail_on_flag, no_cache, threads, color, progress;
	const char *submit;  /* server base URL, or NULL */
	const char *token;   /* API token for --submit */
	const char *publish; /* nats://HOST:PORT/SUBJECT: publish records instead of scanning */
	const char *kb_dir;
	const char *extra[64];
	size_t nextra;
} options;

typedef struct pipeline {
	const options *opt;
	const idt_scanner *sc;
	const idt_kb *kb;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	batch *free_list; /* recycled batches */
	batch *work_head, *work_tail;
	batch **done; /* finished batches, at seq % ring */
	size_t ring;
	size_t next_write; /* the seq the writer waits for */
	size_t next_seq;   /* the seq of the next batch made */
	size_t live;       /* batches in existence */
	int closing;       /* no more batches will come */
	size_t queued;     /* batches waiting in the work queue */
	int nworkers;      /* scanning threads besides the reading thread (threads - 1) */
	struct {           /* the reading thread's own scanning state (it scans too) */
		idt_scratch *scratch;
		idt_result *res;
		idt_sb prov;
	} main;
	int fatal; /* out of memory or a write error: stop everything */
	size_t records, flagged, malformed, invalid_utf8;
	size_t submitted;  /* hits accepted by the server (--submit) */
	idt_nats *nats;    /* --publish: the link, else NULL */
	size_t published;  /* records handed to NATS */
	int submit_failed; /* some POST failed */
	uint64_t bytes_done, total_bytes;
	double t0;
} pipeline;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static batch *batch_get(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->free_list && p->live >= p->ring && !p->fatal) pthread_cond_wait(&p->cv, &p->mu);
	batch *b = p->free_list;
	if (b)
		p->free_list = b->next;
	else if (!p->fatal) {
		b = calloc(1, sizeof *b);
		if (b) p->live++;
	}
	if (b) b->seq = p->next_seq++;
	pthread_mutex_unlock(&p->mu);
	if (b) {
		b->data.len = b->out.len = b->hits.len = 0;
		b->nhits = 0;
		b->nrecs = b->flagged = 0;
		b->failed = 0;
		b->next = NULL;
	}
	return b;
}

static void batch_free(batch *b)
{
	idt_sb_free(&b->data);
	idt_sb_free(&b->out);
	idt_sb_free(&b->hits);
	free(b->hit_end);
	free(b->recs);
	free(b);
}

static void work_push(pipeline *p, batch *b)
{
	pthread_mutex_lock(&p->mu);
	if (p->work_tail)
		p->work_tail->next = b;
	else
		p->work_head = b;
	p->work_tail = b;
	p->queued++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Takes the oldest waiting batch, or NULL; with `if_more_than`, only when more than that many
 * are waiting (the reading thread leaves the workers their share).  Call with mu held. */
static batch *work_take(pipeline *p, size_t if_more_than)
{
	batch *b = p->queued > if_more_than ? p->work_head : NULL;
	if (!b) return NULL;
	p->work_head = b->next;
	if (!p->work_head) p->work_tail = NULL;
	p->queued--;
	return b;
}

/* ----- copying a record into a batch ------------------------------------------------------ */

static int put_off(idt_sb *b, const char *s, size_t n, size_t *off)
{
	*off = b->len;
	return idt_sb_put(b, s ? s : "", n);
}

static int batch_add(batch *b, const idt_record *rec)
{
	if (b->nrecs == b->caprecs) {
		size_t ncap = b->caprecs ? b->caprecs * 2 : 256;
		rec_ent *q = realloc(b->recs, ncap * sizeof *q);
		if (!q) return -1;
		b->recs = q;
		b->caprecs = ncap;
	}
	rec_ent *e = &b->recs[b->nrecs];
	int r = 0;
	if (rec->id_json)
		r = put_off(&b->data, rec->id_json, rec->id_len, &e->id_off);
	else
		e->id_off = SIZE_MAX;
	e->id_len = rec->id_json ? rec->id_len : 0;
	e->nfields = rec->nfields < MAX_FIELDS ? rec->nfields : MAX_FIELDS;
	for (size_t i = 0; !r && i < e->nfields; i++) {
		const idt_field *f = &rec->fields[i];
		e->name_len[i] = f->name ? f->name_len : 0;
		r = put_off(&b->data, f->name, e->name_len[i], &e->name_off[i]);
		e->text_len[i] = f->len;
		if (!r) r = put_off(&b->data, f->text, f->len, &e->text_off[i]);
	}
	const char *pv[6] = {rec->prov.file,   rec->prov.url,  rec->prov.msg_id,
	                     rec->prov.sender, rec->prov.date, rec->prov.chat};
	for (int k = 0; !r && k < 6; k++) {
		e->prov_str[k] = SIZE_MAX;
		if (pv[k]) r = put_off(&b->data, pv[k], strlen(pv[k]) + 1, &e->prov_str[k]);
	}
	e->line = rec->prov.line;
	e->offset = rec->prov.offset;
	if (!r) b->nrecs++;
	return r;
}

/* The record's provenance as JSON members ("source":{...}) into out (emptied first). */
static int render_provenance(const batch *b, const rec_ent *e, idt_sb *out)
{
	const char *s[6];
	for (int k = 0; k < 6; k++)
		s[k] = e->prov_str[k] == SIZE_MAX ? NULL : b->data.p + e->prov_str[k];
	idt_provenance pv = {s[0], e->line, e->offset, s[1], s[2], s[3], s[4], s[5]};
	out->len = 0;
	return idt_cli_provenance_json(out, &pv);
}

/* ----- rendering -------------------------------------------------------------------------- */

/* Appends a flagged verdict for the server's triage queue: the verdict, its provenance and
 * the original text of its fields (so that analysts see the evidence in context). */
static int render_hit(const pipeline *p, batch *b, const rec_ent *e, const idt_result *res,
                      const idt_field *fields, const char *id, const idt_sb *prov)
{
	idt_sb extra = {0};
	int r = idt_sb_put(&extra, prov->p, prov->len);
	if (!r) r = idt_sb_puts(&extra, ",\"fields\":{");
	for (size_t k = 0; !r && k < e->nfields; k++) {
		if (k) r = idt_sb_puts(&extra, ",");
		if (!r) r = idt_sb_json(&extra, fields[k].name, fields[k].name_len);
		if (!r) r = idt_sb_puts(&extra, ":");
		if (!r) r = idt_sb_json(&extra, fields[k].text, fields[k].len);
	}
	if (!r) r = idt_sb_puts(&extra, "}");
	if (!r && b->nhits == b->caphits) {
		size_t ncap = b->caphits ? b->caphits * 2 : 64;
		size_t *q = realloc(b->hit_end, ncap * sizeof *q);
		if (q) {
			b->hit_end = q;
			b->caphits = ncap;
		} else {
			r = -1;
		}
	}
	if (!r)
		r = idt_result_json(p->sc, res, fields, e->nfields, id, e->id_len, extra.p,
		                    extra.len, &b->hits.p, &b->hits.len, &b->hits.cap) != IDT_OK;
	if (!r) b->hit_end[b->nhits++] = b->hits.len;
	idt_sb_free(&extra);
	return r;
}

/* Scans every record of b and renders its output. */
static void batch_scan(pipeline *p, idt_scratch *scratch, idt_result **res, batch *b,
                       size_t *invalid, idt_sb *prov)
{
	idt_field fields[MAX_FIELDS];
	for (size_t i = 0; i < b->nrecs && !b->failed; i++) {
		const rec_ent *e = &b->recs[i];
		for (size_t k = 0; k < e->nfields; k++) {
			fields[k].name = b->data.p + e->name_off[k];
			fields[k].name_len = e->name_len[k];
			fields[k].text = b->data.p + e->text_off[k];
			fields[k].len = e->text_len[k];
		}
		if (idt_scan(p->sc, scratch, fields, e->nfields, res)) {
			b->failed = 1;
			break;
		}
		*invalid += idt_result_invalid_utf8(*res);
		int flagged = idt_result_flagged(*res);
		b->flagged += flagged;
		if (!flagged && !p->opt->all) continue;
		const char *id = e->id_off == SIZE_MAX ? NULL : b->data.p + e->id_off;
		int r = 0;
		if (p->opt->explain) {
			r = idt_cli_explain(&b->out, p->kb, *res, fields, e->nfields, id, e->id_len,
			                    p->opt->color);
		} else {
			r = render_provenance(b, e, prov);
			if (!r)
				r = idt_result_json(p->sc, *res, fields, e->nfields, id, e->id_len,
				                    prov->p, prov->len, &b->out.p, &b->out.len,
				                    &b->out.cap) != IDT_OK;
			if (!r) r = idt_sb_puts(&b->out, "\n");
		}
		if (!r && flagged && p->opt->submit)
			r = render_provenance(b, e, prov) ||
			    render_hit(p, b, e, *res, fields, id, prov);
		if (r) b->failed = 1;
	}
}

/* Scans a batch taken from the queue and hands it to the writer. */
static void process_one(pipeline *p, idt_scratch *scratch, idt_result **res, idt_sb *prov, batch *b)
{
	size_t invalid = 0;
	if (scratch)
		batch_scan(p, scratch, res, b, &invalid, prov);
	else
		b->failed = 1;
	pthread_mutex_lock(&p->mu);
	p->invalid_utf8 += invalid;
	p->done[b->seq % p->ring] = b;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *worker_main(void *arg)
{
	pipeline *p = arg;
	idt_scratch *scratch = NULL;
	idt_result *res = NULL;
	idt_sb prov = {0}; /* the provenance of the verdict being written */
	if (idt_scratch_new(p->sc, &scratch) != IDT_OK) scratch = NULL;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->work_head && !p->closing && !p->fatal) pthread_cond_wait(&p->cv, &p->mu);
		batch *b = p->fatal ? NULL : work_take(p, 0);
		pthread_mutex_unlock(&p->mu);
		if (!b) break;
		process_one(p, scratch, &res, &prov, b);
	}
	idt_result_free(res);
	idt_scratch_free(scratch);
	idt_sb_free(&prov);
	return NULL;
}

/* The reading thread scans too: after handing on a batch it takes one back whenever more
 * are waiting than the workers can start on (with no workers, every batch), so that
 * `--threads N` keeps N cores scanning rather than N workers and an idle reader. */
static void reader_helps(pipeline *p, size_t if_more_than)
{
	for (;;) {
		pthread_mutex_lock(&p->mu);
		batch *b = p->fatal ? NULL : work_take(p, if_more_than);
		pthread_mutex_unlock(&p->mu);
		if (!b) return;
		process_one(p, p->main.scratch, &p->main.res, &p->main.prov, b);
	}
}

/* ----- writer and progress ----------------------------------------------------------------- */

static void fmt_eta(char *buf, size_t n, double s)
{
	if (s < 0 || s > 99 * 3600)
		snprintf(buf, n, "--:--");
	else if (s >= 3600)
		snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
	else
		snprintf(buf, n, "%02d:%02d", (int)s / 60, (int)s % 60);
}

static void draw_progress(const pipeline *p, int final)
{
	double el = now_s() - p->t0;
	double mb = (double)p->bytes_done / 1e6;
	char line[320], eta[96] = "";
	if (p->total_bytes) {
		double frac = (double)p->bytes_done / (double)p->total_bytes;
		if (frac > 1) frac = 1;
		int w = 24, k = (int)(frac * w);
		char bar[32];
		for (int i = 0; i < w; i++) bar[i] = i < k ? '#' : '.';
		bar[w] = 0;
		char e[24];
		fmt_eta(e, sizeof e, frac > 0 ? el / frac - el : -1);
		snprintf(eta, sizeof eta, " [%s] %3d%% ETA %s", bar, (int)(frac * 100), e);
		snprintf(line, sizeof line, "\r%zu records, %zu flagged, %.1f MB/s%s", p->records,
		         p->flagged, el > 0 ? mb / el : 0.0, eta);
	} else {
		snprintf(line, sizeof line, "\r%zu records, %zu flagged, %.1f MB/s", p->records,
		         p->flagged, el > 0 ? mb / el : 0.0);
	}
	fputs(line, stderr);
	fputs(final ? "\r\033[K" : "\033[K", stderr);
}

typedef struct writer_arg {
	pipeline *p;
	idt_submitter *sub; /* --submit: one connection, kept alive */
} writer_arg;

static void *writer_main(void *arg)
{
	writer_arg *w = arg;
	pipeline *p = w->p;
	double last = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		batch *b = p->done[p->next_write % p->ring];
		if (b && b->seq == p->next_write) {
			p->done[p->next_write % p->ring] = NULL;
			p->next_write++;
			pthread_mutex_unlock(&p->mu);
			int bad = b->failed;
			if (!bad && b->out.len &&
			    fwrite(b->out.p, 1, b->out.len, stdout) != b->out.len)
				bad = 1;
			if (!bad && b->nhits &&
			    idt_submit_hits(w->sub, b->hits.p, b->hit_end, b->nhits))
				p->submit_failed = 1;
			pthread_mutex_lock(&p->mu);
			if (bad) p->fatal = 1;
			p->records += b->nrecs;
			p->flagged += b->flagged;
			if (b->in_bytes > p->bytes_done) p->bytes_done = b->in_bytes;
			b->next = p->free_list;
			p->free_list = b;
			pthread_cond_broadcast(&p->cv);
			if (p->opt->progress && now_s() - last > 0.2) {
				last = now_s();
				draw_progress(p, 0);
			}
			continue;
		}
		if ((p->closing && p->next_write == p->next_seq) || p->fatal) break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	fflush(stdout);
	return NULL;
}

/* ----- reading ------------------------------------------------------------------------------ */

static void report_bad(pipeline *p, const char *name, const idt_error *err, idt_status st)
{
	pthread_mutex_lock(&p->mu);
	p->malformed++;
	pthread_mutex_unlock(&p->mu);
	if (p->opt->progress) fputs("\r\033[K", stderr);
	fprintf(stderr, "interdict: %s:%llu: %s (byte %llu); record skipped\n", name,
	        (unsigned long long)err->line, err->msg ? err->msg : idt_status_str(st),
	        (unsigned long long)err->offset);
}

static int read_input(pipeline *p, const char *path, batch **cur, uint64_t *base);

/* --publish: one record as a JSON message {"id", "fields": {name: text}, "source"} with a
 * content-derived message id, published asynchronously (back-pressure: at most max_pending in
 * flight).  Returns 0, or -1 after reporting. */
static int publish_record(pipeline *p, const idt_record *rec)
{
	idt_sb m = {0};
	int r = idt_sb_puts(&m, "{\"id\":");
	if (!r)
		r = rec->id_json ? idt_sb_put(&m, rec->id_json, rec->id_len)
		                 : idt_sb_puts(&m, "null");
	if (!r) r = idt_sb_puts(&m, ",\"fields\":{");
	for (size_t k = 0; !r && k < rec->nfields; k++) {
		const idt_field *f = &rec->fields[k];
		if (k) r = idt_sb_puts(&m, ",");
		if (!r) r = idt_sb_json(&m, f->name ? f->name : "", f->name ? f->name_len : 0);
		if (!r) r = idt_sb_puts(&m, ":");
		if (!r) r = idt_sb_json(&m, f->text, f->len);
	}
	if (!r) r = idt_sb_puts(&m, "},");
	if (!r) r = idt_cli_provenance_json(&m, &rec->prov);
	if (!r) r = idt_sb_puts(&m, "}");
	if (r) {
		idt_sb_free(&m);
		return -1;
	}
	char id[33];
	idt_nats_msg_id(p->nats->subject, m.p, m.len, id);
	jsPubOptions po;
	jsPubOptions_Init(&po);
	po.MsgId = id;
	natsStatus s = js_PublishAsync(p->nats->js, p->nats->subject, m.p, (int)m.len, &po);
	idt_sb_free(&m);
	if (s != NATS_OK) {
		idt_cli_error("publish to %s: %s", p->nats->subject, natsStatus_GetText(s));
		return -1;
	}
	p->published++;
	return 0;
}

/* --publish: reads every input and publishes its records; waits for every acknowledgement. */
static int run_publish(pipeline *p, char **files, int nfiles)
{
	p->t0 = now_s();
	char *stdin_only[] = {"-"};
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	uint64_t base = 0;
	int rc = 0;
	for (int i = 0; i < nfiles && !rc; i++)
		if (read_input(p, files[i], NULL, &base)) rc = 1;
	p->bytes_done = base;
	int failed = idt_nats_publish_wait(p->nats, 60000);
	if (failed) {
		idt_cli_error("%d records were not stored by the NATS server", failed);
		rc = -1;
	}
	p->records = p->published - (size_t)(failed > 0 ? failed : 0);
	return rc;
}

/* Reads one input into batches.  Returns 0, or -1 when the input could not be read at all. */
static int read_input(pipeline *p, const char *path, batch **cur, uint64_t *base)
{
	const options *o = p->opt;
	idt_reader_opts ro = {0};
	ro.format = o->format;
	ro.text_fields = o->ntext ? o->text_fields : NULL;
	ro.ntext_fields = o->ntext;
	ro.id_field = o->id_field;
	idt_reader *rd = NULL;
	idt_error err = {0};
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	idt_status st = idt_reader_open(strcmp(path, "-") == 0 ? NULL : path, &ro, &rd, &err);
	if (st) {
		idt_cli_error("%s: %s", name, err.msg ? err.msg : idt_status_str(st));
		return -1;
	}
	idt_record rec;
	int rc = 0;
	for (;;) {
		memset(&err, 0, sizeof err);
		st = idt_reader_next(rd, &rec, &err);
		if (st == IDT_END) break;
		if (st == IDT_EPARSE || st == IDT_ELIMIT) {
			report_bad(p, name, &err, st);
			continue;
		}
		if (st) {
			idt_cli_error("%s: %s", name, err.msg ? err.msg : idt_status_str(st));
			rc = -1;
			break;
		}
		if (p->nats) {
			if (publish_record(p, &rec)) {
				rc = -1;
				break;
			}
			continue;
		}
		if (!*cur && !(*cur = batch_get(p))) {
			rc = -1;
			break;
		}
		if (batch_add(*cur, &rec)) {
			p->fatal = 1;
			rc = -1;
			break;
		}
		if ((*cur)->nrecs >= BATCH_RECORDS || (*cur)->data.len >= BATCH_BYTES) {
			(*cur)->in_bytes = *base + idt_reader_bytes(rd);
			work_push(p, *cur);
			*cur = NULL;
			reader_helps(p, (size_t)p->nworkers);
		}
		if (p->fatal) {
			rc = -1;
			break;
		}
	}
	*base += idt_reader_bytes(rd);
	idt_reader_close(rd);
	return rc;
}

/* ----- options ------------------------------------------------------------------------------- */

static int parse_options(int argc, char **argv, options *o)
{
	static const struct option longs[] = {
	    {"format", required_argument, 0, 'f'},   {"text-field", required_argument, 0, 't'},
	    {"id-field", required_argument, 0, 'i'}, {"all", no_argument, 0, 'a'},
	    {"explain", no_argument, 0, 'e'},        {"quiet", no_argument, 0, 'q'},
	    {"threads", required_argument, 0, 'j'},  {"kb", required_argument, 0, 1},
	    {"kb-extra", required_argument, 0, 2},   {"no-cache", no_argument, 0, 3},
	    {"fail-on-flag", no_argument, 0, 4},     {"submit", required_argument, 0, 5},
	    {"token", required_argument, 0, 6},      {"publish", required_argument, 0, 7},
	    {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:t:i:aeqj:h", longs, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->format =
			    strcmp(optarg, "auto") == 0 ? IDT_FMT_AUTO : idt_format_parse(optarg);
			if (o->format == IDT_FMT_COUNT) {
				idt_cli_error("unknown format '%s'", optarg);
				return -1;
			}
			break;
		case 't':
			if (o->ntext == MAX_FIELDS) {
				idt_cli_error("at most %d text fields", MAX_FIELDS);
				return -1;
			}
			o->text_fields[o->ntext++] = optarg;
			break;
		case 'i': o->id_field = optarg; break;
		case 'a': o->all = 1; break;
		case 'e': o->explain = 1; break;
		case 'q': o->quiet = 1; break;
		case 'j':
			o->threads = atoi(optarg);
			if (o->threads < 1 || o->threads > 256) {
				idt_cli_error("--threads takes a number from 1 to 256");
				return -1;
			}
			break;
		case 1: o->kb_dir = optarg; break;
		case 2:
			if (o->nextra == 64) return -1;
			o->extra[o->nextra++] = optarg;
			break;
		case 3: o->no_cache = 1; break;
		case 4: o->fail_on_flag = 1; break;
		case 5: o->submit = optarg; break;
		case 6: o->token = optarg; break;
		case 7: o->publish = optarg; break;
		case 'h': fputs(scan_usage, stdout); return 1;
		default: fputs(scan_usage, stderr); return -1;
		}
	}
	return 0;
}

static uint64_t total_size(char **files, int n)
{
	uint64_t t = 0;
	for (int i = 0; i < n; i++) {
		struct stat sb;
		if (strcmp(files[i], "-") == 0 || stat(files[i], &sb) || !S_ISREG(sb.st_mode))
			return 0;
		t += (uint64_t)sb.st_size;
	}
	return t;
}

static int run_pipeline(pipeline *p, char **files, int nfiles)
{
	int nthreads = p->opt->threads;
	p->nworkers = nthreads - 1;
	pthread_t *workers = calloc((size_t)nthreads, sizeof *workers);
	if (idt_scratch_new(p->sc, &p->main.scratch) != IDT_OK) p->main.scratch = NULL;
	p->ring = (size_t)nthreads * 2 + 2;
	p->done = calloc(p->ring, sizeof *p->done);
	if (!workers || !p->done) {
		free(workers);
		return -1;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->t0 = now_s();
	int started = 0;
	for (; started < p->nworkers; started++)
		if (pthread_create(&workers[started], NULL, worker_main, p)) break;
	writer_arg wa = {p, NULL};
	if (p->opt->submit && !(wa.sub = idt_submitter_new(p->opt->submit, p->opt->token)))
		return -1;
	pthread_t writer;
	int have_writer = pthread_create(&writer, NULL, writer_main, &wa) == 0;
	int rc = started == p->nworkers && p->main.scratch && have_writer ? 0 : -1;
	batch *cur = NULL;
	uint64_t base = 0;
	char *stdin_only[] = {"-"};
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles && !rc && !p->fatal; i++)
		if (read_input(p, files[i], &cur, &base)) rc = rc ? rc : 1;
	if (cur) {
		cur->in_bytes = base;
		work_push(p, cur);
	}
	reader_helps(p, 0); /* the input is read: help with whatever is still waiting */
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < started; i++) pthread_join(workers[i], NULL);
	if (have_writer) pthread_join(writer, NULL);
	if (wa.sub) p->submitted = idt_submitter_count(wa.sub);
	idt_submitter_free(wa.sub);
	p->bytes_done = base;
	for (batch *b = p->free_list, *n; b; b = n) {
		n = b->next;
		batch_free(b);
	}
	for (size_t i = 0; i < p->ring; i++)
		if (p->done[i]) batch_free(p->done[i]);
	for (batch *b = p->work_head, *n; b; b = n) {
		n = b->next;
		batch_free(b);
	}
	free(p->done);
	free(workers);
	idt_result_free(p->main.res);
	idt_scratch_free(p->main.scratch);
	idt_sb_free(&p->main.prov);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	return rc;
}

int idt_cmd_scan(int argc, char **argv)
{
	options o = {0};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = cores > 0 ? (int)cores : 1;
	int pr = parse_options(argc, argv, &o);
	if (pr) return pr > 0 ? IDT_EXIT_OK : IDT_EXIT_USAGE;
	o.color = o.explain && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	o.progress = !o.quiet && isatty(STDERR_FILENO);
	if (o.submit && !o.token) o.token = getenv("INTERDICT_TOKEN");
	if (o.submit && (!o.token || !*o.token)) {
		idt_cli_error("--submit needs an API token: --token TOKEN or INTERDICT_TOKEN");
		return IDT_EXIT_USAGE;
	}

	double t_start = now_s();
	idt_cli_engine eng;
	/* Only flagged verdicts are written without --all: signals of records that name no
	 * substance would never be seen. */
	if (idt_cli_engine_open(&eng, o.extra, o.nextra, o.kb_dir, !o.no_cache,
	                        o.all || o.publish ? 0 : IDT_SCAN_LAZY_SIGNALS))
		return IDT_EXIT_FAILURE;
	idt_kb *kb = eng.kb;
	idt_scanner *sc = eng.sc;
	pipeline p = {0};
	p.opt = &o;
	p.sc = sc;
	p.kb = kb;
	p.total_bytes = total_size(argv + optind, argc - optind);
	idt_nats nats;
	int rc;
	if (o.publish) {
		if (idt_nats_open(&nats, o.publish, 4096) ||
		    idt_nats_ensure_stream(&nats, IDT_NATS_RECORDS_STREAM, nats.subject, 1)) {
			idt_nats_close(&nats);
			idt_cli_engine_close(&eng);
			return IDT_EXIT_FAILURE;
		}
		p.nats = &nats;
		rc = run_publish(&p, argv + optind, argc - optind);
		idt_nats_close(&nats);
	} else {
		rc = run_pipeline(&p, argv + optind, argc - optind);
	}
	double el = now_s() - p.t0;
	if (o.progress) draw_progress(&p, 1);
	if (!o.quiet) {
		fprintf(stderr,
		        "interdict: %zu records, %zu flagged, %zu malformed, %.1f MB in %.2f s "
		        "(%.1f MB/s; start-up %.2f s%s)\n",
		        p.records, p.flagged, p.malformed, (double)p.bytes_done / 1e6, el,
		        el > 0 ? (double)p.bytes_done / 1e6 / el : 0.0, p.t0 - t_start,
		        idt_scanner_cached(sc) ? ", cached database" : "");
		if (p.invalid_utf8)
			fprintf(stderr, "interdict: %zu invalid UTF-8 bytes were replaced\n",
			        p.invalid_utf8);
		if (o.publish)
			fprintf(stderr, "interdict: %zu records published to %s\n", p.published,
			        o.publish);
		if (o.submit)
			fprintf(stderr, "interdict: %zu hits submitted to %s%s\n", p.submitted,
			        o.submit, p.submit_failed ? " (some requests failed)" : "");
	}
	if (p.fatal) idt_cli_error("stopped: out of memory or output error");
	idt_cli_engine_close(&eng);
	if (rc < 0 || p.fatal) return IDT_EXIT_FAILURE;
	if (rc > 0 || p.submit_failed) return IDT_EXIT_FAILURE;
	if (p.malformed) return IDT_EXIT_INPUT;
	if (o.fail_on_flag && p.flagged) return IDT_EXIT_FLAGGED;
	return IDT_EXIT_OK;
}
