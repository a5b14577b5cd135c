/*
 * fuzz_import.c - the MISP and STIX importers (src/server/import.c) on arbitrary JSON: no
 * crash, no leak, no read past a string, whatever the document.  Input: a JSON document.
 * Links import.c and the observable normaliser; the two validators it borrows from validate.c
 * are replaced by simple stand-ins (the real ones need the HTTP layer).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "server/interop.h"

int idt__country_valid(const char *s)
{
	return s && strlen(s) == 2 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]);
}

int idt__date_valid(const char *s)
{
	return s && strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	if (!doc) return 0;
	for (int k = 0; k < 2; k++) {
		json_t *unmapped = json_array();
		const char *why = NULL;
		json_t *out = k ? idt__import_stix(doc, NULL, unmapped, &why)
		                : idt__import_misp(doc, NULL, unmapped, &why);
		json_decref(out);
		json_decref(unmapped);
	}
	json_decref(doc);
	return 0;
}
