/*
 * fuzz_scan.c - libFuzzer target for the whole scan of one record with the bundled knowledge
 * base: normalisation, matching, span mapping, signals, scoring and the verdict JSON.  Checks
 * that every evidence span lies inside its field, that the score is within 0..1, and that the
 * JSON output is produced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <interdict.h>

static idt_kb *kb;
static idt_folder *folder;
static idt_scanner *sc;
static idt_scratch *scratch;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sc) {
		idt_error err;
		if (idt_kb_load_bundled(&kb, &err) || idt_folder_new(&folder) ||
		    idt_scanner_new(kb, folder, NULL, &sc, &err) || idt_scratch_new(sc, &scratch))
			abort();
	}
	/* Two fields: the input split at its first newline. */
	const char *t = (const char *)data;
	size_t cut = 0;
	while (cut < size && t[cut] != '\n') cut++;
	idt_field f[2] = {{"title", 5, t, cut}, {"text", 4, t + cut, size - cut}};
	idt_result *r = NULL;
	if (idt_scan(sc, scratch, f, 2, &r)) return 0;
	for (size_t i = 0; i < idt_result_evidence_count(r); i++) {
		const idt_evidence *e = idt_result_evidence(r, i);
		if (e->field > 1 || e->start > e->end || e->end > f[e->field].len) abort();
	}
	if (idt_result_score(r) < 0 || idt_result_score(r) > 1) abort();
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (idt_result_json(sc, r, f, 2, "1", 1, NULL, 0, &buf, &len, &cap) || !len) abort();
	free(buf);
	idt_result_free(r);
	return 0;
}
