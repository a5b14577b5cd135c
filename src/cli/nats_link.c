/*
 * nats_link.c - connection, streams, content-derived message ids and publish acknowledgement
 * for the NATS JetStream link (nats_link.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "nats_link.h"

static void nats_report(const char *what, natsStatus s, jsErrCode jerr)
{
	const char *last = nats_GetLastError(NULL);
	idt_cli_error("%s: %s%s%s (JetStream error %d)", what, natsStatus_GetText(s),
	              last ? ": " : "", last ? last : "", (int)jerr);
}

/* Called by the client library for each asynchronous publish the server refused or that
 * timed out; counted, and reported once per wait. */
static void on_publish_error(jsCtx *js, jsPubAckErr *pae, void *closure)
{
	(void)js;
	idt_nats *n = closure;
	if (!n->failed++)
		idt_cli_error("publish failed: %s (%s)", natsStatus_GetText(pae->Err),
		              pae->ErrText ? pae->ErrText : "no detail");
}

int idt_nats_open(idt_nats *n, const char *addr, int64_t max_pending)
{
	memset(n, 0, sizeof *n);
	if (strncmp(addr, "nats://", 7) != 0) {
		idt_cli_error("'%s' is not a nats://HOST:PORT/SUBJECT address", addr);
		return -1;
	}
	const char *slash = strchr(addr + 7, '/');
	size_t slen = slash ? (size_t)(slash - addr) : strlen(addr);
	if (slen >= sizeof n->server || (slash && strlen(slash + 1) >= sizeof n->subject)) {
		idt_cli_error("address too long: %s", addr);
		return -1;
	}
	memcpy(n->server, addr, slen);
	n->server[slen] = 0;
	if (slash) snprintf(n->subject, sizeof n->subject, "%s", slash + 1);
	natsOptions *o = NULL;
	natsStatus s = natsOptions_Create(&o);
	if (s == NATS_OK) s = natsOptions_SetURL(o, n->server);
	if (s == NATS_OK) s = natsOptions_SetMaxReconnect(o, 60);
	if (s == NATS_OK) s = natsOptions_SetName(o, "interdict");
	if (s == NATS_OK) s = natsConnection_Connect(&n->nc, o);
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		nats_report(n->server, s, 0);
		return -1;
	}
	jsOptions jo;
	jsOptions_Init(&jo);
	jo.PublishAsync.MaxPending = max_pending;
	jo.PublishAsync.ErrHandler = on_publish_error;
	jo.PublishAsync.ErrHandlerClosure = n;
	jo.Wait = 10000;
	s = natsConnection_JetStream(&n->js, n->nc, &jo);
	if (s != NATS_OK) {
		nats_report("JetStream", s, 0);
		idt_nats_close(n);
		return -1;
	}
	return 0;
}

void idt_nats_close(idt_nats *n)
{
	if (n->js) jsCtx_Destroy(n->js);
	if (n->nc) natsConnection_Destroy(n->nc);
	n->js = NULL;
	n->nc = NULL;
}

/* The stream exists: make sure it also takes `subject` (one stream serves several work
 * queues or result subjects).  Returns 0, or -1 after reporting. */
static int add_subject(idt_nats *n, jsStreamInfo *si, const char *subject)
{
	jsStreamConfig *cfg = si->Config;
	for (int i = 0; i < cfg->SubjectsLen; i++)
		if (strcmp(cfg->Subjects[i], subject) == 0) return 0;
	const char **subjects = calloc((size_t)cfg->SubjectsLen + 1, sizeof *subjects);
	if (!subjects) return -1;
	for (int i = 0; i < cfg->SubjectsLen; i++) subjects[i] = cfg->Subjects[i];
	subjects[cfg->SubjectsLen] = subject;
	const char **old = cfg->Subjects;
	int oldn = cfg->SubjectsLen;
	cfg->Subjects = subjects;
	cfg->SubjectsLen = oldn + 1;
	jsStreamInfo *updated = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_UpdateStream(&updated, n->js, cfg, NULL, &jerr);
	cfg->Subjects = old;
	cfg->SubjectsLen = oldn;
	free(subjects);
	if (s != NATS_OK) {
		nats_report(subject, s, jerr);
		return -1;
	}
	jsStreamInfo_Destroy(updated);
	return 0;
}

int idt_nats_ensure_stream(idt_nats *n, const char *stream, const char *subject, int work_queue)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_GetStreamInfo(&si, n->js, stream, NULL, &jerr);
	if (s == NATS_OK) {
		int rc = add_subject(n, si, subject);
		jsStreamInfo_Destroy(si);
		return rc;
	}
	jsStreamConfig cfg;
	jsStreamConfig_Init(&cfg);
	const char *subjects[1] = {subject};
	cfg.Name = stream;
	cfg.Subjects = subjects;
	cfg.SubjectsLen = 1;
	cfg.Retention = work_queue ? js_WorkQueuePolicy : js_LimitsPolicy;
	cfg.Storage = js_FileStorage;
	cfg.Duplicates = (int64_t)600 * 1000000000; /* 10 minutes, in nanoseconds */
	s = js_AddStream(&si, n->js, &cfg, NULL, &jerr);
	if (s != NATS_OK) {
		/* Another process may have created it meanwhile. */
		if (js_GetStreamInfo(&si, n->js, stream, NULL, NULL) == NATS_OK) {
			jsStreamInfo_Destroy(si);
			return 0;
		}
		nats_report(stream, s, jerr);
		return -1;
	}
	jsStreamInfo_Destroy(si);
	return 0;
}

void idt_nats_msg_id(const char *subject, const void *data, size_t len, char out[33])
{
	/* The subject is part of the id: one stream's duplicate window spans all its subjects,
	 * and the same record put on two queues is two pieces of work. */
	unsigned char h[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)subject, strlen(subject) + 1);
	crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 33, h, sizeof h);
}

int idt_nats_publish_wait(idt_nats *n, int64_t timeout_ms)
{
	jsPubOptions po;
	jsPubOptions_Init(&po);
	po.MaxWait = timeout_ms;
	natsStatus s = js_PublishAsyncComplete(n->js, &po);
	int refused = n->failed;
	n->failed = 0;
	if (s == NATS_OK) return refused;
	natsMsgList pending = {0};
	int failed = 0;
	if (js_PublishAsyncGetPendingList(&pending, n->js) == NATS_OK) {
		failed = pending.Count;
		natsMsgList_Destroy(&pending);
	}
	if (!failed) failed = 1;
	nats_report("publish not acknowledged", s, 0);
	return failed + refused;
}
