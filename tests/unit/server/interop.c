/*
 * interop.c - unit tests of the exchange formats' internals (src/server/interop.h): UUIDv5
 * with its SHA-1 against Python's uuid.uuid5 (every padding boundary of a SHA-1 block), RFC
 * 3339 parsing, the exact CSV text (RFC 4180 quoting, formula guard), and the STIX importer's
 * pattern reader (escapes, AND, what it refuses).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "server/interop.h"

static const uint8_t ns_dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                   0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
static const uint8_t ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                   0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

static void test_uuid5(void **st)
{
	(void)st;
	char u[37];
	idt__uuid5(ns_dns, "python.org", 10, u);
	assert_string_equal(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	const char *v = "{\"value\":\"https://example.com/\"}";
	idt__uuid5(idt__ns_stix_sco, v, strlen(v), u);
	assert_string_equal(u, "be22e93a-5e33-5678-b19f-8b4ea06df0bd");
	idt__uuid5f(u, "event %s/incidents/%d", "http://127.0.0.1:8080", 21);
	assert_string_equal(u, "fe40c31a-6846-582c-b745-93f749b6e22c");
	/* names of n 'x': 16 namespace bytes + n cross the 55/56/64-byte padding cases */
	static const struct {
		size_t n;
		const char *want;
	} v5[] = {
	    {0, "1b4db7eb-4057-5ddf-91e0-36dec72071f5"},
	    {39, "f4eaee1e-e483-528b-88bd-6b8932ab6e2b"},
	    {40, "f562c38a-a8fe-5cdd-b523-6f30cfb54847"},
	    {47, "b18474ae-5fc6-5d04-aa24-a5be94234955"},
	    {48, "8fa6ffa9-9280-5899-a2d8-b082ccdf6380"},
	    {55, "d7c769b2-da3b-59fa-bdd6-2f3e8c5ed303"},
	    {56, "3626e090-976f-515f-95a7-d3a479e5f76b"},
	    {63, "8503e0f7-1f30-5603-be49-3fccf6188d89"},
	    {64, "9d07bf9d-4264-5f1e-9682-bc55c8180b46"},
	    {65, "4abb1c59-f382-570f-a394-1ff1b04520f7"},
	    {200, "cd3580b9-d244-586a-8077-74317319b48d"},
	    {1000, "68491f23-75a7-557d-943b-00881c13ae1e"},
	};
	char name[1000];
	memset(name, 'x', sizeof name);
	for (size_t i = 0; i < sizeof v5 / sizeof v5[0]; i++) {
		idt__uuid5(ns_url, name, v5[i].n, u);
		assert_string_equal(u, v5[i].want);
	}
}

static void test_iso(void **st)
{
	(void)st;
	assert_int_equal(idt__iso_to_unix("2026-03-20T10:00:00Z"), 1774000800);
	assert_int_equal(idt__iso_to_unix("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(idt__iso_to_unix("yesterday"), 0);
	assert_int_equal(idt__iso_to_unix(NULL), 0);
}

static void test_csv(void **st)
{
	(void)st;
	json_t *incs = json_loads(
	    "[{\"id\": 7, \"title\": \"=cmd|' /C calc'!A0\", \"type\": \"seizure\", \"status\": "
	    "\"confirmed\", \"occurred_on\": \"2026-03-20\", \"reported_on\": null, \"org\": "
	    "{\"name\": "
	    "\"North, \\\"Customs\\\"\"}, \"tlp\": \"amber\", \"distribution\": \"all\", "
	    "\"origin\": "
	    "[\"CN\", \"HK\"], \"transit\": [], \"destination\": [\"GB\"], \"transport_mode\": "
	    "\"postal\", \"substances\": [{\"id\": \"fentanyl\", \"quantity\": 12.5, \"unit\": "
	    "\"g\"}, "
	    "{\"id\": \"xylazine\"}], \"observables\": [{\"type\": \"phone\", \"value\": "
	    "\"+447700900123\", \"raw\": \"+44 7700 900123\"}, {\"type\": \"company\", \"value\": "
	    "\"-acme\", \"raw\": \"line1\\nline2\"}], \"created_at\": \"2026-03-21T00:00:00Z\", "
	    "\"updated_at\": \"2026-03-22T00:00:00Z\"}]",
	    0, NULL);
	assert_non_null(incs);
	size_t len = 0;
	char *csv = idt__export_csv(incs, &len);
	assert_non_null(csv);
	const char *want =
	    "record,incident_id,title,type,status,occurred_on,reported_on,org,tlp,distribution,"
	    "origin,transit,destination,transport_mode,substances,observable_type,observable_value,"
	    "observable_raw,created_at,updated_at\r\n"
	    "incident,7,\"'=cmd|' /C calc'!A0\",seizure,confirmed,2026-03-20,,\"North, "
	    "\"\"Customs\"\"\",amber,all,CN;HK,,GB,postal,fentanyl 12.5 g;xylazine,,,,"
	    "2026-03-21T00:00:00Z,2026-03-22T00:00:00Z\r\n"
	    "observable,7,,,,,,,,,,,,,,phone,+447700900123,+44 7700 900123,,\r\n"
	    "observable,7,,,,,,,,,,,,,,company,\"'-acme\",\"line1\nline2\",,\r\n";
	assert_string_equal(csv, want);
	assert_int_equal(len, strlen(want));
	free(csv);
	json_decref(incs);
}

/* Imports a bundle of one indicator with `pattern`; returns the observables (new ref). */
static json_t *import_pattern(const char *pattern, size_t *unmapped)
{
	json_t *b = json_pack("{s:s,s:s,s:[{s:s,s:s,s:s,s:s}]}", "type", "bundle", "id",
	                      "bundle--1", "objects", "type", "indicator", "id", "indicator--1",
	                      "pattern", pattern, "pattern_type", "stix");
	json_t *u = json_array();
	const char *why = NULL;
	json_t *docs = idt__import_stix(b, NULL, u, &why);
	assert_non_null(docs);
	assert_int_equal(json_array_size(docs), 1);
	json_t *obs = json_incref(json_object_get(json_array_get(docs, 0), "observables"));
	*unmapped = json_array_size(u);
	json_decref(docs), json_decref(u), json_decref(b);
	return obs;
}

static void test_patterns(void **st)
{
	(void)st;
	size_t un;
	json_t *o = import_pattern("[url:value = 'https://a.example/it\\'s']", &un);
	assert_int_equal(un, 0);
	assert_int_equal(json_array_size(o), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(o, 0), "value")),
	                    "https://a.example/it's");
	json_decref(o);
	o = import_pattern("[user-account:account_type = 'telegram' AND "
	                   "user-account:account_login = 'plugs_uk']",
	                   &un);
	assert_int_equal(un, 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(o, 0), "value")),
	                    "telegram:@plugs_uk");
	json_decref(o);
	static const char *const refused[] = {"[url:value = 'a'] OR [url:value = 'b']",
	                                      "[url:value LIKE 'x%']",
	                                      "[url:value = 'a' AND domain-name:value = 'b']",
	                                      "[url:value = 'unterminated]",
	                                      "url:value = 'a'",
	                                      "[ipv4-addr:value = '192.0.2.1']",
	                                      ""};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		o = import_pattern(refused[i], &un);
		assert_int_equal(json_array_size(o), 0);
		assert_int_equal(un, 1);
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uuid5),
	    cmocka_unit_test(test_iso),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
