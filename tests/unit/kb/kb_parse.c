/*
 * kb_parse.c - tests of the knowledge-base text format and lint (src/kb): entities, extension
 * sections, phrase files, CAS check digits, diagnostics with their lines, and the lint checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <interdict.h>

static const char sample[] = "# a comment\n"
                             "source = Test source, 2024\n"
                             "[+fentanyl]\n" /* extension before the definition */
                             "slang = fetty\n"
                             "\n"
                             "[fentanyl]\n"
                             "name     = Fentanyl\n"
                             "class    = opioid\n"
                             "control  = UN1961:I; UN1961:IV\n"
                             "cas      = 437-38-7; 990-73-8 (citrate)\n"
                             "names.es = fentanilo\n"
                             "names.zh = 芬太尼\n"
                             "slang?   = china white; apache   # weak\n"
                             "emoji?   = 💊\n"
                             "slang    = love potion #9\n"
                             "\n"
                             "[cocaine]\n"
                             "name = Cocaine\n"
                             "class = stimulant\n"
                             "control = UN1961:I\n"
                             "source = Another source\n";

static idt_kb *load(const char *name, const char *text, idt_status want)
{
	idt_kb *kb;
	assert_int_equal(idt_kb_new(&kb), IDT_OK);
	idt_error err = {0};
	assert_int_equal(idt_kb_add_text(kb, name, text, strlen(text), &err), want);
	return kb;
}

static const idt_term *find_term(const idt_kb *kb, const char *text)
{
	for (size_t i = 0; i < idt_kb_term_count(kb); i++)
		if (strcmp(idt_kb_term(kb, i)->text, text) == 0) return idt_kb_term(kb, i);
	return NULL;
}

static void test_entities(void **state)
{
	(void)state;
	idt_kb *kb = load("t.kb", sample, IDT_OK);
	assert_int_equal(idt_kb_substance_count(kb), 2);
	size_t f = idt_kb_find(kb, "fentanyl");
	assert_int_not_equal(f, (size_t)-1);
	const idt_substance *s = idt_kb_substance(kb, f);
	assert_string_equal(s->name, "Fentanyl");
	assert_int_equal(s->cls, IDT_CLASS_OPIOID);
	assert_int_equal(s->ncontrol, 2);
	assert_string_equal(s->control[1], "UN1961:IV");
	assert_int_equal(s->ncas, 2);
	assert_string_equal(s->cas[1], "990-73-8");
	assert_string_equal(s->source, "Test source, 2024");
	assert_int_equal(s->line, 6);
	const idt_substance *c = idt_kb_substance(kb, idt_kb_find(kb, "cocaine"));
	assert_string_equal(c->source, "Another source");

	const idt_term *t = find_term(kb, "fentanilo");
	assert_non_null(t);
	assert_string_equal(t->lang, "es");
	assert_int_equal(t->kind, IDT_TERM_NAME);
	assert_int_equal(t->trust, IDT_TRUST_DECISIVE);
	t = find_term(kb, "china white");
	assert_non_null(t);
	assert_int_equal(t->trust, IDT_TRUST_WEAK);
	assert_int_equal(t->kind, IDT_TERM_SLANG);
	assert_int_equal(t->line, 13);
	t = find_term(kb, "💊");
	assert_non_null(t);
	assert_int_equal(t->kind, IDT_TERM_EMOJI);
	/* '#' inside a term is not a comment; the extension resolved to fentanyl. */
	assert_non_null(find_term(kb, "love potion #9"));
	t = find_term(kb, "fetty");
	assert_non_null(t);
	assert_int_equal(t->substance, f);
	t = find_term(kb, "437-38-7");
	assert_non_null(t);
	assert_int_equal(t->kind, IDT_TERM_CAS);
	assert_null(find_term(kb, "990-73-8 (citrate)"));
	assert_non_null(find_term(kb, "990-73-8"));
	idt_kb_free(kb);
}

static void test_cas_check_digit(void **state)
{
	(void)state;
	assert_true(idt_cas_valid("437-38-7", 8)); /* fentanyl */
	assert_true(idt_cas_valid("50-36-2", 7));  /* cocaine */
	assert_true(idt_cas_valid("5413-05-8", 9));
	assert_true(idt_cas_valid("7732-18-5", 9)); /* water */
	assert_false(idt_cas_valid("50-36-3", 7));  /* wrong check digit */
	assert_false(idt_cas_valid("437-38", 6));
	assert_false(idt_cas_valid("4-38-7", 6)); /* first part too short */
	assert_false(idt_cas_valid("12345678-38-7", 13));
	assert_false(idt_cas_valid("437_38_7", 8));
	assert_false(idt_cas_valid("", 0));
}

/* Each problem is a diagnostic at its line; the rest of the file still loads. */
static int collect(void *ctx, const char *sev, const char *file, uint32_t line, const char *msg)
{
	char *out = ctx;
	char row[300];
	snprintf(row, sizeof row, "%s:%u:%s:%s\n", file, line, sev, msg);
	strncat(out, row, 4095 - strlen(out));
	return 0;
}

static void test_errors_are_located(void **state)
{
	(void)state;
	const char *bad = "source = s\n"
	                  "[a]\n"
	                  "name = Alpha\n"
	                  "class = opiates\n"    /* 4: unknown class */
	                  "cas = 50-36-3\n"      /* 5: bad check digit */
	                  "control = UN1961:V\n" /* 6: unknown control */
	                  "colour = blue\n"      /* 7: unknown key */
	                  "[Bad Id]\n"           /* 8: invalid id */
	                  "[b]\n"
	                  "name = Beta\n"
	                  "class = other\n"
	                  "[a]\n" /* 12: duplicate */
	                  "[+nobody]\n"
	                  "slang = ghost\n"; /* 14: unknown entity (lint) */
	idt_kb *kb;
	assert_int_equal(idt_kb_new(&kb), IDT_OK);
	idt_error err = {0};
	assert_int_equal(idt_kb_add_text(kb, "bad.kb", bad, strlen(bad), &err), IDT_EPARSE);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.where, "bad.kb");
	assert_int_equal(idt_kb_substance_count(kb), 2); /* a and b */
	idt_folder *f;
	assert_int_equal(idt_folder_new(&f), IDT_OK);
	char out[4096] = "";
	size_t nerr = 0;
	assert_int_equal(idt_kb_lint(kb, f, NULL, 0, collect, out, &nerr), IDT_OK);
	assert_non_null(strstr(out, "bad.kb:4:error:unknown class 'opiates'"));
	assert_non_null(strstr(out, "bad.kb:5:error:invalid CAS number '50-36-3'"));
	assert_non_null(strstr(out, "bad.kb:6:error:unknown control entry 'UN1961:V'"));
	assert_non_null(strstr(out, "bad.kb:7:error:unknown key 'colour'"));
	assert_non_null(strstr(out, "bad.kb:8:error:invalid entity id"));
	assert_non_null(strstr(out, "bad.kb:12:error:duplicate entity id 'a'"));
	assert_non_null(
	    strstr(out, "bad.kb:14:error:term 'ghost' extends unknown entity 'nobody'"));
	assert_int_equal(nerr, 7);
	idt_folder_free(f);
	idt_kb_free(kb);
}

static void test_lint_collisions_and_dictionary(void **state)
{
	(void)state;
	const char *text = "source = s\n"
	                   "[a]\nname = Alpha\nclass = other\nslang = bluebird; ice\n"
	                   "[b]\nname = Beta\nclass = other\nslang = BLUE-BIRD\nslang? = snow\n";
	idt_kb *kb = load("c.kb", text, IDT_OK);
	idt_folder *f;
	assert_int_equal(idt_folder_new(&f), IDT_OK);
	const char dict[] = "ice\nsnow\nBluebird\n";
	char out[4096] = "";
	size_t nerr = 0;
	assert_int_equal(idt_kb_lint(kb, f, dict, strlen(dict), collect, out, &nerr), IDT_OK);
	/* "BLUE-BIRD" normalises like "bluebird"? No: the hyphen separates tokens. */
	assert_non_null(
	    strstr(out, "c.kb:5:error:decisive slang 'ice' of 'a' is an ordinary dictionary word"));
	assert_null(strstr(out, "'snow'")); /* weak: fine */
	assert_non_null(strstr(
	    out, "c.kb:5:warning:decisive slang 'bluebird' of 'a' is an ordinary proper name"));
	idt_folder_free(f);
	idt_kb_free(kb);

	text = "source = s\n[a]\nname = Alpha\nclass = other\nslang = Zorbo\n"
	       "[b]\nname = Beta\nclass = other\nslang = z0rbo\n";
	kb = load("d.kb", text, IDT_OK);
	assert_int_equal(idt_folder_new(&f), IDT_OK);
	out[0] = 0;
	assert_int_equal(idt_kb_lint(kb, f, NULL, 0, collect, out, &nerr), IDT_OK);
	assert_non_null(strstr(
	    out, "d.kb:9:error:term 'z0rbo' of 'b' is also claimed by 'a' (d.kb:5) as 'Zorbo'"));
	assert_int_equal(nerr, 1);
	idt_folder_free(f);
	idt_kb_free(kb);
}

static void test_lint_one_letter_terms(void **state)
{
	(void)state;
	const char *text =
	    "source = s\n[a]\nname = Alpha\nclass = other\nemoji? = \xF0\x9F\x85\xBF\n";
	idt_kb *kb = load("e.kb", text, IDT_OK);
	idt_folder *f;
	assert_int_equal(idt_folder_new(&f), IDT_OK);
	char out[4096] = "";
	size_t nerr = 0;
	assert_int_equal(idt_kb_lint(kb, f, NULL, 0, collect, out, &nerr), IDT_OK);
	assert_non_null(strstr(out, "e.kb:5:error:term"));
	assert_non_null(strstr(out, "normalises to the single character 'p'"));
	assert_int_equal(nerr, 1);
	idt_folder_free(f);
	idt_kb_free(kb);
}

/* `context` terms: always weak; '|' joins the variants of one cue, ';' separates cues, and an
 * extension section keeps the cue numbers. */
static void test_context_cues(void **state)
{
	(void)state;
	static const char text[] = "source = s\n[cannabis]\nname = Cannabis\nclass = cannabis\n"
	                           "control = UN1961:I\ncontext = strain | strains; couch lock\n"
	                           "units = QP; half o\n"
	                           "[+cannabis]\ncontext = indoor | outdoor\n";
	idt_kb *kb = load("t.kb", text, IDT_OK);
	const idt_term *a = find_term(kb, "strain"), *b = find_term(kb, "strains"),
	               *c = find_term(kb, "couch lock"), *d = find_term(kb, "indoor"),
	               *e = find_term(kb, "outdoor");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	assert_non_null(e);
	assert_int_equal(a->kind, IDT_TERM_CONTEXT);
	assert_int_equal(a->trust, IDT_TRUST_WEAK);
	assert_string_equal(a->lang, "en");
	assert_true(a->cue > 0);
	assert_int_equal(a->cue, b->cue);
	assert_int_not_equal(a->cue, c->cue);
	assert_int_equal(d->cue, e->cue);
	assert_int_not_equal(d->cue, a->cue);
	assert_int_not_equal(d->cue, c->cue);
	assert_int_equal(find_term(kb, "Cannabis")->cue, 0);
	const idt_substance *s = idt_kb_substance(kb, idt_kb_find(kb, "cannabis"));
	assert_int_equal(s->nunits, 2);
	assert_string_equal(s->units[1], "half o");
	idt_kb_free(kb);
	static const char bad[] = "source = s\n[x]\nname = X\nclass = other\ncontrol = RX\n"
	                          "context = a b || c d\n";
	idt_kb_free(load("bad.kb", bad, IDT_EPARSE));
}

static void test_phrases(void **state)
{
	(void)state;
	const char *text =
	    "source = s\n[shipping]\nen = stealth shipping; vacuum sealed\nes = envío discreto\n"
	    "[nonsense]\nen = x\n";
	idt_kb *kb;
	assert_int_equal(idt_kb_new(&kb), IDT_OK);
	idt_error err = {0};
	assert_int_equal(idt_kb_add_text(kb, "p.phrases", text, strlen(text), &err), IDT_EPARSE);
	assert_int_equal(err.line, 5);
	assert_int_equal(idt_kb_phrase_count(kb), 3);
	const idt_phrase *p = idt_kb_phrase(kb, 2);
	assert_string_equal(p->text, "envío discreto");
	assert_string_equal(p->lang, "es");
	assert_int_equal(p->signal, IDT_SIG_SHIPPING);
	assert_int_equal(p->line, 4);
	idt_kb_free(kb);
}

static void test_bundled_loads_and_hash_is_stable(void **state)
{
	(void)state;
	idt_kb *a, *b;
	idt_error err = {0};
	assert_int_equal(idt_kb_load_bundled(&a, &err), IDT_OK);
	assert_int_equal(idt_kb_load_bundled(&b, &err), IDT_OK);
	assert_true(idt_kb_substance_count(a) > 0);
	assert_int_equal(idt_kb_hash(a), idt_kb_hash(b));
	idt_kb *c = load("x.kb", sample, IDT_OK);
	assert_int_not_equal(idt_kb_hash(a), idt_kb_hash(c));
	idt_kb_free(a);
	idt_kb_free(b);
	idt_kb_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entities),
	    cmocka_unit_test(test_cas_check_digit),
	    cmocka_unit_test(test_errors_are_located),
	    cmocka_unit_test(test_lint_collisions_and_dictionary),
	    cmocka_unit_test(test_lint_one_letter_terms),
	    cmocka_unit_test(test_context_cues),
	    cmocka_unit_test(test_phrases),
	    cmocka_unit_test(test_bundled_loads_and_hash_is_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
