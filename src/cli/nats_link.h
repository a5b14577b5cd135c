/*
 * nats_link.h - the program's link to NATS JetStream, for distributed scanning:
 * `scan --publish` puts records on a work-queue stream, `worker` processes pull them through a
 * shared durable consumer and publish verdicts to a results stream, `collect` reads the
 * results back.  See docs/deployment.md.
 *
 * Addresses are written nats://HOST:PORT/SUBJECT.  Streams are created on first use:
 *   INTERDICT_RECORDS   work-queue retention (a record is gone once a worker acks it)
 *   INTERDICT_VERDICTS  limits retention, 10-minute duplicate window
 * Every message carries a Nats-Msg-Id derived from its content, so that a producer's retry or
 * a worker's redelivery is dropped as a duplicate by the server: exactly one verdict per record
 * reaches the results stream.
 */
#ifndef IDT_NATS_LINK_H
#define IDT_NATS_LINK_H

#include <nats/nats.h>
#include "cli.h"

#define IDT_NATS_RECORDS_STREAM  "INTERDICT_RECORDS"
#define IDT_NATS_VERDICTS_STREAM "INTERDICT_VERDICTS"

typedef struct idt_nats {
	natsConnection *nc;
	jsCtx *js;
	char server[512];  /* nats://HOST:PORT */
	char subject[256]; /* the subject part of the address */
	int failed;        /* asynchronous publishes refused since the last idt_nats_publish_wait */
} idt_nats;

/* Connects to the server of addr ("nats://HOST:PORT/SUBJECT"); the subject is kept in
 * n->subject.  max_pending bounds asynchronous publishes in flight (back-pressure).
 * Returns 0, or -1 after reporting. */
int idt_nats_open(idt_nats *n, const char *addr, int64_t max_pending);
void idt_nats_close(idt_nats *n);

/* Creates the stream if it does not exist (work_queue: retention by acknowledgement).
 * Returns 0, or -1 after reporting. */
int idt_nats_ensure_stream(idt_nats *n, const char *stream, const char *subject, int work_queue);

/* A content-derived message id (32 hex digits and a NUL) for data on subject. */
void idt_nats_msg_id(const char *subject, const void *data, size_t len, char out[33]);

/* Waits for every asynchronous publish to be acknowledged.  Returns the number that failed
 * (each reported), 0 when all are stored. */
int idt_nats_publish_wait(idt_nats *n, int64_t timeout_ms);

#endif
