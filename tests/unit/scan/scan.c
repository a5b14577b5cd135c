/*
 * scan.c - tests of the scanner (src/scan) on a small knowledge base: every obfuscation
 * technique with offsets in the ORIGINAL text, token boundaries, nesting, scripts without
 * spaces, weak terms and corroboration, CAS numbers, invalid UTF-8, the verdict JSON, and
 * sharing one scanner between threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <interdict.h>

static const char kb_text[] =
    "source = test\n"
    "[fentanyl]\nname = Fentanyl\nclass = opioid\ncontrol = UN1961:I\ncas = 437-38-7\n"
    "[cocaine]\nname = Cocaine\nclass = stimulant\ncontrol = UN1961:I\nnames.zh = 可卡因\n"
    "slang? = snow\nemoji? = ❄️\n"
    "[crack-cocaine]\nname = Crack cocaine\nclass = stimulant\ncontrol = UN1961:I\n"
    "[methamphetamine]\nname = Methamphetamine\nclass = stimulant\ncontrol = UN1971:II\n"
    "slang = meth; crystal meth\nnames.zh = 冰毒\n"
    "[cannabis]\nname = Cannabis\nclass = cannabis\ncontrol = UN1961:I\nslang? = weed\n"
    "context = strain | strains; indoor | outdoor | indoor grown; couch lock\n"
    "units = QP; zip\n"
    "[lsd]\nname = LSD\nclass = psychedelic\ncontrol = UN1971:I\nunits = mcg\n"
    "context = double dipped\n"
    "[amoxicillin]\nname = Amoxicillin\nclass = other\ncontrol = RX\nnames? = amoxil\n"
    "[alprazolam]\nname = Alprazolam\nclass = sedative\ncontrol = UN1971:IV\nbrands = Xanax\n"
    "[mda]\nname = MDA\nclass = entactogen\ncontrol = UN1971:I\nabbr = MDA\n"
    "[mmda]\nname = MMDA\nclass = entactogen\ncontrol = UN1971:I\nabbr = MMDA\n"
    "[amphetamine]\nname = Amphetamine\nclass = stimulant\ncontrol = UN1971:II\n"
    "brands = Adderall\n"
    "[bmk-glycidate]\nname = BMK glycidate\nclass = precursor\ncontrol = UN1988:T1\ncas = "
    "5413-05-8\n";

static const char phrases[] = "source = test\n[shipping]\nen = stealth shipping\n";

typedef struct fixture {
	idt_kb *kb;
	idt_folder *folder;
	idt_scanner *sc;
	idt_scratch *scratch;
	idt_result *res;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	idt_error err = {0};
	if (idt_kb_new(&f->kb) || idt_kb_add_text(f->kb, "t.kb", kb_text, strlen(kb_text), &err) ||
	    idt_kb_add_text(f->kb, "t.phrases", phrases, strlen(phrases), &err) ||
	    idt_folder_new(&f->folder) || idt_scanner_new(f->kb, f->folder, NULL, &f->sc, &err) ||
	    idt_scratch_new(f->sc, &f->scratch))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	idt_result_free(f->res);
	idt_scratch_free(f->scratch);
	idt_scanner_free(f->sc);
	idt_folder_free(f->folder);
	idt_kb_free(f->kb);
	free(f);
	return 0;
}

static const idt_result *scan1(fixture *f, const char *text)
{
	idt_field fd = {"text", 4, text, strlen(text)};
	assert_int_equal(idt_scan(f->sc, f->scratch, &fd, 1, &f->res), IDT_OK);
	return f->res;
}

/* The substance evidence number k (skipping signals), or NULL. */
static const idt_evidence *sub_ev(const idt_result *r, size_t k)
{
	for (size_t i = 0; i < idt_result_evidence_count(r); i++) {
		const idt_evidence *e = idt_result_evidence(r, i);
		if (e->kind == IDT_EV_SUBSTANCE && k-- == 0) return e;
	}
	return NULL;
}

static size_t nsub_ev(const idt_result *r)
{
	size_t n = 0;
	while (sub_ev(r, n)) n++;
	return n;
}

/* Asserts that the only substance evidence is `id` at original bytes [start, end). */
static void expect_one(fixture *f, const char *text, const char *id, size_t start, size_t end)
{
	const idt_result *r = scan1(f, text);
	assert_int_equal(nsub_ev(r), 1);
	const idt_evidence *e = sub_ev(r, 0);
	assert_string_equal(idt_kb_substance(f->kb, e->substance)->id, id);
	assert_int_equal(e->start, start);
	assert_int_equal(e->end, end);
}

static void test_obfuscations_map_to_original(void **state)
{
	fixture *f = *state;
	expect_one(f, "selling f3nt@nyl now", "fentanyl", 8, 16); /* leetspeak */
	expect_one(f, "FENTANYL!!", "fentanyl", 0, 8);            /* case */
	expect_one(f, "f\xD0\xB5ntanyl", "fentanyl", 0, 9);       /* Cyrillic е */
	expect_one(f,
	           "\xEF\xBD\x86\xEF\xBD\x85\xEF\xBD\x8E\xEF\xBD\x94\xEF\xBD\x81\xEF\xBD\x8E"
	           "\xEF\xBD\x99\xEF\xBD\x8C",
	           "fentanyl", 0, 24);                             /* fullwidth */
	expect_one(f, "buy c.o.c.a.i.n.e here", "cocaine", 4, 17); /* separators */
	expect_one(f, "buy c o c a i n e here", "cocaine", 4, 17);
	expect_one(f,
	           "co\xE2\x80\x8B"
	           "caine",
	           "cocaine", 0, 10);                  /* zero-width */
	expect_one(f, "cocaaaaine", "cocaine", 0, 10); /* repetition */
	expect_one(f,
	           "coca\xC3\xAF"
	           "ne",
	           "cocaine", 0, 8);                                   /* diacritic */
	expect_one(f, "X\xD0\xB0n\xD0\xB0x bars", "alprazolam", 0, 7); /* Cyrillic а */
	expect_one(f,
	           "\xF0\x9D\x90\x9F\xF0\x9D\x90\x9E\xF0\x9D\x90\xA7\xF0\x9D\x90\xAD"
	           "\xF0\x9D\x90\x9A\xF0\x9D\x90\xA7\xF0\x9D\x90\xB2\xF0\x9D\x90\xA5",
	           "fentanyl", 0, 32); /* math bold */
}

static void test_boundaries(void **state)
{
	fixture *f = *state;
	assert_int_equal(nsub_ev(scan1(f, "a new method for metholdings")), 0);
	expect_one(f, "pure meth, 1g", "methamphetamine", 5, 9);
	expect_one(f, "crystal-meth", "methamphetamine", 0, 12); /* the longer term wins */
	assert_int_equal(nsub_ev(scan1(f, "fentanyls")), 0);
	assert_int_equal(nsub_ev(scan1(f, "xfentanyl")), 0);
	/* Camel case glues words: a lower-to-upper change is a boundary, either side. */
	expect_one(f, "PureMeth 1oz", "methamphetamine", 4, 8);
	expect_one(f, "BuyFentanylNow", "fentanyl", 3, 11);
	assert_int_equal(nsub_ev(scan1(f, "Puremeth")), 0);
	expect_one(f, "FeNtAnYl", "fentanyl", 0, 8);
}

static void test_nested_resolves_to_most_specific(void **state)
{
	fixture *f = *state;
	/* Terms that differ only in a doubled letter stay apart. */
	expect_one(f, "pure MMDA", "mmda", 5, 9);
	expect_one(f, "pure MDA", "mda", 5, 8);
	expect_one(f, "MMMDA", "mmda", 0, 5);
	expect_one(f, "rock of crack cocaine", "crack-cocaine", 8, 21);
	/* Two separate mentions both count. */
	const idt_result *r = scan1(f, "cocaine and crack cocaine");
	assert_int_equal(nsub_ev(r), 2);
	assert_int_equal(sub_ev(r, 0)->start, 0);
	assert_int_equal(sub_ev(r, 1)->start, 12);
}

static void test_cjk_without_spaces(void **state)
{
	fixture *f = *state;
	/* 出售冰毒现货: "selling ice (meth) in stock"; 冰毒 is bytes 6..12. */
	expect_one(f, "出售冰毒现货", "methamphetamine", 6, 12);
	expect_one(f, "高纯度可卡因，包邮", "cocaine", 9, 18);
	/* a Latin name glued to Chinese text: 出售 cocaine 现货 ("selling ... in stock") */
	expect_one(f, "出售cocaine现货", "cocaine", 6, 13);
	expect_one(f, "现货fentanyl", "fentanyl", 6, 14);
}

/* The second look: a quantity glued to a name, leet digits the normaliser keeps (a leading
 * one, a run of three), each found with its span in the original, far into a long text. */
static void test_second_look(void **state)
{
	fixture *f = *state;
	expect_one(f, "cocaine5g", "cocaine", 0, 7);
	expect_one(f, "fentanyl10mg", "fentanyl", 0, 8);
	expect_one(f, "we have 4lprazolam 2mg for you", "alprazolam", 8, 18);
	const idt_result *r = scan1(f, "5n0w 3.5g");
	assert_int_equal(idt_result_substance_count(r), 1); /* "snow", weak, with its weight */
	assert_int_equal(sub_ev(r, 0)->start, 0);
	assert_int_equal(sub_ev(r, 0)->end, 4);
	char text[400];
	memset(text, 'x', sizeof text);
	for (size_t i = 5; i < 300; i += 6) text[i] = ' ';
	memcpy(text + 300, " m37hamphetamine ", 17);
	text[sizeof text - 1] = 0;
	expect_one(f, text, "methamphetamine", 301, 316);
	/* not names: a number with its unit, a code, a word in camel case that is none */
	assert_int_equal(nsub_ev(scan1(f, "100mcg 5ml 3a7f0c1e9d PowerBank")), 0);
	/* a Greek capital disguising a Latin one: "Μ" is M here, not the "u" of "μg" */
	expect_one(f, "\xCE\x9C\xD0\xB5th", "methamphetamine", 0, 6);
	/* signals read a plain copy (fullwidth, invisible, look-alike letters), spans in the
	 * original: "1 ｇｒａｍ" is bytes 9..23, "3 g\u00ADram\u00ADs" 25..36 */
	const idt_result *q =
	    scan1(f, "fentanyl 1 \xEF\xBD\x87\xEF\xBD\x92\xEF\xBD\x81\xEF\xBD\x8D, "
	             "3 g\xC2\xADram\xC2\xADs");
	size_t nq = 0;
	for (size_t i = 0; i < idt_result_evidence_count(q); i++) {
		const idt_evidence *e = idt_result_evidence(q, i);
		if (e->kind != IDT_EV_SIGNAL || e->signal.type != IDT_SIG_QUANTITY) continue;
		assert_int_equal(e->start, nq ? 25 : 9);
		assert_int_equal(e->end, nq ? 36 : 23);
		assert_string_equal(e->signal.value, nq ? "3 g" : "1 g");
		nq++;
	}
	assert_int_equal(nq, 2);
	/* a doubled letter written once in a long name is a misspelling; in a short one it is
	 * another word ("weed" is not "wed", tested above) */
	expect_one(f, "adderal 20mg", "amphetamine", 0, 7);
	/* "CocaineNow": camel case, still found */
	expect_one(f, "BuyCocaineNow", "cocaine", 3, 10);
}

static void test_weak_terms_need_corroboration(void **state)
{
	fixture *f = *state;
	const idt_result *r = scan1(f, "fresh snow in the mountains");
	assert_int_equal(idt_result_substance_count(r), 0);
	assert_false(idt_result_flagged(r));
	r = scan1(f, "snow 3.5g, stealth shipping");
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_true(idt_result_flagged(r));
	r = scan1(f, "weed"); /* "wed" in the folded text, but the term needs "ee" */
	assert_int_equal(nsub_ev(r), 1);
	r = scan1(f, "ships mon-wed");
	assert_int_equal(nsub_ev(r), 0);
	r = scan1(f, "weeeeed and cocaine");
	assert_int_equal(nsub_ev(r), 2);
	assert_int_equal(idt_result_substance_count(r), 2);
}

/* Context terms count only beside another term of their entity or another distinct cue, and
 * then only with corroboration; the variants of one cue are one piece of evidence. */
static void test_context_terms(void **state)
{
	fixture *f = *state;
	const idt_result *r = scan1(f, "strain 3.5g, stealth shipping");
	assert_int_equal(nsub_ev(r), 1);
	assert_int_equal(idt_kb_term(f->kb, sub_ev(r, 0)->term)->kind, IDT_TERM_CONTEXT);
	assert_int_equal(idt_result_substance_count(r), 0); /* one cue alone: nothing */
	r = scan1(f, "indoor and outdoor furniture, 2 kg, stealth shipping");
	assert_int_equal(idt_result_substance_count(r), 0); /* variants of one cue */
	r = scan1(f, "strain and strains 3.5g, stealth shipping");
	assert_int_equal(idt_result_substance_count(r), 0);
	r = scan1(f, "an indoor strain");
	assert_int_equal(idt_result_substance_count(r), 0); /* two cues, no corroboration */
	r = scan1(f, "an indoor strain, no couch lock");    /* three agree: named, but no offer */
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_false(idt_result_flagged(r));
	r = scan1(f, "indoor grown strain 3.5g");
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_true(idt_result_flagged(r));
	assert_string_equal(idt_kb_substance(f->kb, idt_result_substance(r, 0))->id, "cannabis");
	r = scan1(f, "weed, a nice strain, 3.5g");
	assert_int_equal(idt_result_substance_count(r), 1);
	/* a quantity in a trade unit of the entity is one more cue; other units are not */
	r = scan1(f, "QP of outdoor");
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_true(idt_result_flagged(r));
	r = scan1(f, "outdoor cushion 2 lb");
	assert_int_equal(idt_result_substance_count(r), 0);
	r = scan1(f, "10x double dipped, 280 ug");
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_string_equal(idt_kb_substance(f->kb, idt_result_substance(r, 0))->id, "lsd");
	r = scan1(f, "double dipped strawberries, 200 g");
	assert_int_equal(idt_result_substance_count(r), 0);
	/* a decisive term of another entity does not make a context term count */
	r = scan1(f, "fentanyl, strain 3.5g");
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_string_equal(idt_kb_substance(f->kb, idt_result_substance(r, 0))->id, "fentanyl");
}

/* A weak name of a prescription-only medicine (control RX alone) is corroborated by an offer,
 * not by its dose. */
static void test_rx_medicine_needs_offer(void **state)
{
	fixture *f = *state;
	const idt_result *r = scan1(f, "I was given amoxil 500mg by my doctor");
	assert_int_equal(idt_result_substance_count(r), 0);
	assert_false(idt_result_flagged(r));
	r = scan1(f, "amoxil 500mg - 30 pills");
	assert_int_equal(idt_result_substance_count(r), 1);
	assert_true(idt_result_flagged(r));
	/* a weak term of a scheduled drug is still corroborated by a quantity beside it */
	r = scan1(f, "weed 3.5g");
	assert_int_equal(idt_result_substance_count(r), 1);
}

static void test_cas_numbers(void **state)
{
	fixture *f = *state;
	const idt_result *r = scan1(f, "CAS 5413-05-8, safe delivery to Europe");
	assert_int_equal(nsub_ev(r), 1);
	const idt_evidence *e = sub_ev(r, 0);
	assert_string_equal(idt_kb_substance(f->kb, e->substance)->id, "bmk-glycidate");
	assert_int_equal(idt_kb_term(f->kb, e->term)->kind, IDT_TERM_CAS);
	assert_int_equal(e->start, 4);
	assert_int_equal(e->end, 13);
	/* The same digits not written as a CAS number are not one. */
	assert_int_equal(nsub_ev(scan1(f, "call 5413 05 8")), 0);
	assert_int_equal(nsub_ev(scan1(f, "15413-05-8")), 0);
}

static void test_invalid_utf8_and_nul(void **state)
{
	fixture *f = *state;
	const char text[] = "\xFF\xFE fentanyl \xC3\x28 and\0 cocaine";
	idt_field fd = {"text", 4, text, sizeof text - 1};
	assert_int_equal(idt_scan(f->sc, f->scratch, &fd, 1, &f->res), IDT_OK);
	assert_int_equal(nsub_ev(f->res), 2);
	assert_int_equal(sub_ev(f->res, 0)->start, 3);
	assert_int_equal(sub_ev(f->res, 1)->start, 20);
	assert_true(idt_result_invalid_utf8(f->res) >= 3);
}

static void test_verdict_json(void **state)
{
	fixture *f = *state;
	const char *title = "F3NT@NYL 5g";
	const char *body = "stealth shipping, CAS 437-38-7";
	idt_field fd[2] = {{"title", 5, title, strlen(title)},
	                   {"description", 11, body, strlen(body)}};
	assert_int_equal(idt_scan(f->sc, f->scratch, fd, 2, &f->res), IDT_OK);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	assert_int_equal(idt_result_json(f->sc, f->res, fd, 2, "\"x1\"", 4,
	                                 "\"source\":{\"line\":3}", 19, &buf, &len, &cap),
	                 IDT_OK);
	json_error_t jerr;
	json_t *v = json_loadb(buf, len, 0, &jerr);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "id")), "x1");
	assert_true(json_is_true(json_object_get(v, "flagged")));
	json_t *subs = json_object_get(v, "substances");
	assert_int_equal(json_array_size(subs), 1);
	json_t *s0 = json_array_get(subs, 0);
	assert_string_equal(json_string_value(json_object_get(s0, "id")), "fentanyl");
	assert_string_equal(json_string_value(json_object_get(s0, "class")), "opioid");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s0, "control"), 0)),
	                    "UN1961:I");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s0, "cas"), 0)),
	                    "437-38-7");
	json_t *ev = json_object_get(v, "evidence");
	int saw_title = 0, saw_ship = 0;
	for (size_t i = 0; i < json_array_size(ev); i++) {
		json_t *e = json_array_get(ev, i);
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *text = json_string_value(json_object_get(e, "text"));
		size_t s = (size_t)json_integer_value(json_object_get(e, "start"));
		size_t en = (size_t)json_integer_value(json_object_get(e, "end"));
		const char *orig = strcmp(field, "title") == 0 ? title : body;
		assert_memory_equal(text, orig + s, en - s); /* quotes the original bytes */
		if (strcmp(field, "title") == 0 && strcmp(text, "F3NT@NYL") == 0) saw_title = 1;
		if (strcmp(text, "stealth shipping") == 0) saw_ship = 1;
	}
	assert_true(saw_title);
	assert_true(saw_ship);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "source"), "line")),
	                 3);
	assert_true(json_array_size(json_object_get(v, "reasons")) >= 2);
	json_decref(v);
	free(buf);
}

/* A fresh scratch whose first record has no match at all (its hit array was never allocated). */
static void test_fresh_scratch_without_matches(void **state)
{
	fixture *f = *state;
	idt_scratch *s;
	idt_result *r = NULL;
	assert_int_equal(idt_scratch_new(f->sc, &s), IDT_OK);
	const char *text = "nothing to see here";
	idt_field fd = {"text", 4, text, strlen(text)};
	assert_int_equal(idt_scan(f->sc, s, &fd, 1, &r), IDT_OK);
	assert_int_equal(idt_result_evidence_count(r), 0);
	assert_false(idt_result_flagged(r));
	idt_result_free(r);
	idt_scratch_free(s);
}

/* One scanner, two threads with their own scratch, the same answers. */
typedef struct thread_arg {
	const idt_scanner *sc;
	size_t found;
} thread_arg;

static void *scan_thread(void *p)
{
	thread_arg *a = p;
	idt_scratch *s;
	idt_result *r = NULL;
	if (idt_scratch_new(a->sc, &s)) return NULL;
	const char *text = "f3nt@nyl, c.o.c.a.i.n.e and 冰毒 for sale";
	idt_field fd = {"text", 4, text, strlen(text)};
	for (int i = 0; i < 2000; i++) {
		if (idt_scan(a->sc, s, &fd, 1, &r)) break;
		a->found += idt_result_substance_count(r);
	}
	idt_result_free(r);
	idt_scratch_free(s);
	return NULL;
}

static void test_threads_share_scanner(void **state)
{
	fixture *f = *state;
	pthread_t t[2];
	thread_arg a[2] = {{f->sc, 0}, {f->sc, 0}};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, scan_thread, &a[i]), 0);
	for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
	assert_int_equal(a[0].found, 2000 * 3);
	assert_int_equal(a[1].found, 2000 * 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_obfuscations_map_to_original),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_nested_resolves_to_most_specific),
	    cmocka_unit_test(test_cjk_without_spaces),
	    cmocka_unit_test(test_weak_terms_need_corroboration),
	    cmocka_unit_test(test_cas_numbers),
	    cmocka_unit_test(test_invalid_utf8_and_nul),
	    cmocka_unit_test(test_verdict_json),
	    cmocka_unit_test(test_second_look),
	    cmocka_unit_test(test_context_terms),
	    cmocka_unit_test(test_rx_medicine_needs_offer),
	    cmocka_unit_test(test_threads_share_scanner),
	    cmocka_unit_test(test_fresh_scratch_without_matches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
