/*
 * verdict_json.c - writes a result as one line of JSON in the verdict contract
 * (docs/output.md), the format every other part of Interdict and every quality measurement
 * reads:
 *
 *   {"id", "flagged", "score", "categories": [..],
 *    "substances": [{"id", "name", "class", "control": [..], "cas": [..]}],
 *    "signals": [{"type", "value", "field", "start", "end"}],
 *    "evidence": [{"field", "start", "end", "text", "kind", "term", ...}],
 *    "reasons": [..], ...provenance}
 *
 * Offsets are bytes of the original field text; "text" quotes the original bytes.
 */
#include <stdlib.h>
#include "scan_int.h"

static idt_status put_field_name(idt_buf *b, const idt_field *fields, size_t nfields, uint32_t i)
{
	if (i < nfields && fields[i].name)
		return idt__buf_json_str(b, fields[i].name, fields[i].name_len);
	return idt__buf_printf(b, "%u", i);
}

static idt_status put_substances(idt_buf *b, const idt_scanner *sc, const idt_result *r)
{
	idt_status st = idt__buf_puts(b, ",\"substances\":[");
	for (size_t i = 0; i < r->nsubs && !st; i++) {
		const idt_substance *s = idt_kb_substance(sc->kb, r->subs[i]);
		st = idt__buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		if (!st) st = idt__buf_json_str(b, s->id, strlen(s->id));
		if (!st) st = idt__buf_puts(b, ",\"name\":");
		if (!st) st = idt__buf_json_str(b, s->name, strlen(s->name));
		if (!st)
			st = idt__buf_printf(b, ",\"class\":\"%s\",\"control\":[",
			                     idt_class_name(s->cls));
		for (size_t k = 0; k < s->ncontrol && !st; k++) {
			if (k) st = idt__buf_putc(b, ',');
			if (!st) st = idt__buf_json_str(b, s->control[k], strlen(s->control[k]));
		}
		if (!st) st = idt__buf_putc(b, ']');
		/* CAS numbers that were matched in this record. */
		int any = 0;
		for (size_t e = 0; e < r->nev && !st; e++) {
			const idt_evidence *ev = &r->ev[e];
			if (ev->kind != IDT_EV_SUBSTANCE || ev->substance != r->subs[i]) continue;
			const idt_term *t = idt_kb_term(sc->kb, ev->term);
			if (t->kind != IDT_TERM_CAS) continue;
			st = idt__buf_puts(b, any ? "," : ",\"cas\":[");
			if (!st) st = idt__buf_json_str(b, t->text, strlen(t->text));
			any = 1;
		}
		if (!st && any) st = idt__buf_putc(b, ']');
		if (!st) st = idt__buf_putc(b, '}');
	}
	if (!st) st = idt__buf_putc(b, ']');
	return st;
}

static idt_status put_signals(idt_buf *b, const idt_result *r, const idt_field *fields,
                              size_t nfields)
{
	idt_status st = idt__buf_puts(b, ",\"signals\":[");
	int first = 1;
	for (size_t i = 0; i < r->nev && !st; i++) {
		const idt_evidence *e = &r->ev[i];
		if (e->kind != IDT_EV_SIGNAL) continue;
		st = idt__buf_printf(b, "%s{\"type\":\"%s\",\"value\":", first ? "" : ",",
		                     idt_signal_type_name(e->signal.type));
		first = 0;
		if (!st) st = idt__buf_json_str(b, e->signal.value, strlen(e->signal.value));
		if (!st) st = idt__buf_puts(b, ",\"field\":");
		if (!st) st = put_field_name(b, fields, nfields, e->field);
		if (!st) st = idt__buf_printf(b, ",\"start\":%zu,\"end\":%zu}", e->start, e->end);
	}
	if (!st) st = idt__buf_putc(b, ']');
	return st;
}

static idt_status put_evidence(idt_buf *b, const idt_scanner *sc, const idt_result *r,
                               const idt_field *fields, size_t nfields)
{
	idt_status st = idt__buf_puts(b, ",\"evidence\":[");
	for (size_t i = 0; i < r->nev && !st; i++) {
		const idt_evidence *e = &r->ev[i];
		st = idt__buf_puts(b, i ? ",{\"field\":" : "{\"field\":");
		if (!st) st = put_field_name(b, fields, nfields, e->field);
		if (!st)
			st = idt__buf_printf(b, ",\"start\":%zu,\"end\":%zu,\"text\":", e->start,
			                     e->end);
		if (!st) {
			const idt_field *f = e->field < nfields ? &fields[e->field] : NULL;
			if (f && e->end <= f->len && e->start <= e->end)
				st = idt__buf_json_str(b, f->text + e->start, e->end - e->start);
			else
				st = idt__buf_puts(b, "null");
		}
		if (st) break;
		if (e->kind == IDT_EV_SUBSTANCE) {
			const idt_term *t = idt_kb_term(sc->kb, e->term);
			const idt_substance *s = idt_kb_substance(sc->kb, e->substance);
			st = idt__buf_printf(
			    b, ",\"kind\":\"%s\",\"term\":", idt_term_kind_name(t->kind));
			if (!st) st = idt__buf_json_str(b, t->text, strlen(t->text));
			if (!st) st = idt__buf_puts(b, ",\"substance\":");
			if (!st) st = idt__buf_json_str(b, s->id, strlen(s->id));
			if (!st)
				st = idt__buf_printf(b, ",\"trust\":\"%s\"",
				                     t->trust == IDT_TRUST_WEAK ? "weak"
				                                                : "decisive");
			if (!st && t->lang[0]) st = idt__buf_printf(b, ",\"lang\":\"%s\"", t->lang);
		} else {
			st = idt__buf_printf(
			    b, ",\"kind\":\"%s\",\"term\":", idt_signal_type_name(e->signal.type));
			if (!st)
				st = idt__buf_json_str(b, e->signal.value, strlen(e->signal.value));
		}
		if (!st)
			st = idt__buf_printf(b, ",\"weight\":%.2f}",
			                     r->weights ? r->weights[i] : 0.0);
	}
	if (!st) st = idt__buf_putc(b, ']');
	return st;
}

IDT_API idt_status idt_result_json(const idt_scanner *sc, const idt_result *r,
                                   const idt_field *fields, size_t nfields, const char *id_json,
                                   size_t id_len, const char *extra_json, size_t extra_len,
                                   char **buf, size_t *len, size_t *cap)
{
	idt_buf b = {*buf, *len, *cap, 0};
	idt_status st = idt__buf_puts(&b, "{\"id\":");
	if (!st) st = id_json ? idt__buf_append(&b, id_json, id_len) : idt__buf_puts(&b, "null");
	if (!st)
		st = idt__buf_printf(&b, ",\"flagged\":%s,\"score\":%.3f,\"categories\":[",
		                     r->flagged ? "true" : "false", r->score);
	int first = 1;
	for (unsigned bit = 1; bit <= IDT_CAT_DISCUSSION && !st; bit <<= 1) {
		if (!(r->categories & bit)) continue;
		st = idt__buf_printf(&b, "%s\"%s\"", first ? "" : ",", idt_category_name(bit));
		first = 0;
	}
	if (!st) st = idt__buf_putc(&b, ']');
	if (!st) st = put_substances(&b, sc, r);
	if (!st) st = put_signals(&b, r, fields, nfields);
	if (!st) st = put_evidence(&b, sc, r, fields, nfields);
	if (!st) st = idt__buf_puts(&b, ",\"reasons\":[");
	for (size_t i = 0; i < r->nreasons && !st; i++) {
		if (i) st = idt__buf_putc(&b, ',');
		if (!st) st = idt__buf_json_str(&b, r->reasons[i], strlen(r->reasons[i]));
	}
	if (!st) st = idt__buf_putc(&b, ']');
	if (!st && r->invalid_utf8)
		st = idt__buf_printf(&b, ",\"invalid_utf8\":%zu", r->invalid_utf8);
	if (!st && extra_json && extra_len) {
		st = idt__buf_putc(&b, ',');
		if (!st) st = idt__buf_append(&b, extra_json, extra_len);
	}
	if (!st) st = idt__buf_putc(&b, '}');
	*buf = b.data;
	*len = st ? *len : b.len;
	*cap = b.cap;
	return st;
}
