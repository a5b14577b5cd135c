/*
 * fuzz_kb.c - libFuzzer target for the knowledge-base parser and lint: arbitrary bytes as a
 * .kb file (and, when the first byte is odd, as a .phrases file), then lint over the result.
 * Looks for crashes, leaks and undefined behaviour, not for particular output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <interdict.h>

static idt_folder *folder;

static int ignore(void *ctx, const char *sev, const char *file, uint32_t line, const char *msg)
{
	(void)ctx, (void)sev, (void)file, (void)line, (void)msg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!folder && idt_folder_new(&folder)) abort();
	idt_kb *kb;
	if (idt_kb_new(&kb)) return 0;
	idt_error err;
	const char *name = size && (data[0] & 1) ? "f.phrases" : "f.kb";
	(void)idt_kb_add_text(kb, name, (const char *)data, size, &err);
	size_t nerr;
	(void)idt_kb_lint(kb, folder, "ice\nsnow\n", 9, ignore, NULL, &nerr);
	/* Every entity must be well formed after any input. */
	for (size_t i = 0; i < idt_kb_substance_count(kb); i++) {
		const idt_substance *s = idt_kb_substance(kb, i);
		if (!s->id || !s->name || (unsigned)s->cls >= IDT_CLASS_COUNT) abort();
	}
	for (size_t i = 0; i < idt_kb_term_count(kb); i++)
		if (idt_kb_term(kb, i)->substance >= idt_kb_substance_count(kb)) abort();
	idt_kb_free(kb);
	return 0;
}
