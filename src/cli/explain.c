/*
 * explain.c - `interdict scan --explain`: a verdict for people.  Each record's verdict line
 * (flagged or not, id, score, categories), its substances with their class and control
 * entries, every field that holds evidence with the evidence highlighted in place (red for
 * substances and yellow for signals on a terminal; [[...]] and {{...}} when piped), and the
 * reasons behind the score.
 */
#include "cli.h"

#define C_RED    "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN   "\033[36m"
#define C_BOLD   "\033[1m"
#define C_DIM    "\033[2m"
#define C_OFF    "\033[0m"

/* Prints a field's text with the evidence spans highlighted ([[...]] when not in colour). */
static int explain_field(idt_sb *o, const idt_result *res, const idt_field *f, uint32_t fi,
                         int color)
{
	size_t pos = 0;
	int r = idt_sb_printf(o, "  %s%.*s%s: ", color ? C_BOLD : "", (int)f->name_len,
	                      f->name ? f->name : "", color ? C_OFF : "");
	size_t n = idt_result_evidence_count(res);
	while (!r && pos < f->len) {
		/* The next evidence span starting at or after pos. */
		size_t best = SIZE_MAX, bend = 0;
		int is_sub = 0;
		for (size_t i = 0; i < n; i++) {
			const idt_evidence *e = idt_result_evidence(res, i);
			if (e->field != fi || e->start < pos || e->end > f->len) continue;
			if (e->start < best || (e->start == best && e->end > bend)) {
				best = e->start;
				bend = e->end;
				is_sub = e->kind == IDT_EV_SUBSTANCE;
			}
		}
		size_t stop = best == SIZE_MAX ? f->len : best;
		/* Text before the span, with newlines shown as spaces to keep one record compact.
		 */
		for (size_t i = pos; !r && i < stop; i++) {
			char c = f->text[i] == '\n' || f->text[i] == '\r' ? ' ' : f->text[i];
			r = idt_sb_put(o, &c, 1);
		}
		if (best == SIZE_MAX || r) break;
		if (color)
			r = idt_sb_puts(o, is_sub ? C_RED : C_YELLOW);
		else
			r = idt_sb_puts(o, is_sub ? "[[" : "{{");
		if (!r) r = idt_sb_put(o, f->text + best, bend - best);
		if (!r) r = idt_sb_puts(o, color ? C_OFF : (is_sub ? "]]" : "}}"));
		pos = bend;
	}
	return r ? r : idt_sb_puts(o, "\n");
}

int idt_cli_explain(idt_sb *o, const idt_kb *kb, const idt_result *res, const idt_field *f,
                    size_t nf, const char *id, size_t idlen, int color)
{
	int flagged = idt_result_flagged(res);
	int r = idt_sb_printf(o, "%s%s%s %.*s  score %.3f", color ? (flagged ? C_RED : C_DIM) : "",
	                      flagged ? "FLAGGED" : "not flagged", color ? C_OFF : "", (int)idlen,
	                      id ? id : "null", idt_result_score(res));
	unsigned cats = idt_result_categories(res);
	for (unsigned bit = 1; !r && bit <= IDT_CAT_DISCUSSION; bit <<= 1)
		if (cats & bit) r = idt_sb_printf(o, " [%s]", idt_category_name(bit));
	if (!r) r = idt_sb_puts(o, "\n");
	for (size_t i = 0; !r && i < idt_result_substance_count(res); i++) {
		const idt_substance *s = idt_kb_substance(kb, idt_result_substance(res, i));
		r = idt_sb_printf(o, "  substance: %s%s%s (%s", color ? C_CYAN : "", s->name,
		                  color ? C_OFF : "", idt_class_name(s->cls));
		for (size_t k = 0; !r && k < s->ncontrol; k++)
			r = idt_sb_printf(o, ", %s", s->control[k]);
		if (!r) r = idt_sb_puts(o, ")\n");
	}
	for (size_t i = 0; !r && i < nf; i++) {
		int any = 0;
		for (size_t k = 0; k < idt_result_evidence_count(res); k++)
			any |= idt_result_evidence(res, k)->field == i;
		if (any) r = explain_field(o, res, &f[i], (uint32_t)i, color);
	}
	for (size_t i = 0; !r && i < idt_result_reason_count(res); i++)
		r = idt_sb_printf(o, "  - %s\n", idt_result_reason(res, i));
	return r ? r : idt_sb_puts(o, "\n");
}
