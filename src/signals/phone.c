/*
 * phone.c - country calling codes (ITU-T E.164) and the national number lengths each allows,
 * to decide whether a run of digits is a plausible international phone number.
 *
 * The table lists each code with the shortest and longest national significant number (the
 * digits after the country code, without a trunk prefix such as the UK's 0) that the country
 * assigns.  Codes are prefix-free, so at most one of the 1-, 2- and 3-digit prefixes of a number
 * is in the table.  Countries whose plans vary widely (DE, AT, IT, FI) get wide ranges; a
 * country missing from the table simply yields no phone signal.
 */
#include <stdlib.h>
#include <string.h>
#include "signals_int.h"

typedef struct cc_entry {
	uint16_t code;   /* country calling code */
	uint8_t min_nsn; /* shortest national significant number, digits */
	uint8_t max_nsn; /* longest */
} cc_entry;

/* Sorted by code (bsearch). */
static const cc_entry cc_table[] = {
    {1, 10, 10},   /* NANP: US, CA, Caribbean */
    {7, 10, 10},   /* RU, KZ */
    {20, 9, 10},   /* EG */
    {27, 9, 9},    /* ZA */
    {30, 10, 10},  /* GR */
    {31, 9, 9},    /* NL */
    {32, 8, 9},    /* BE */
    {33, 9, 9},    /* FR */
    {34, 9, 9},    /* ES */
    {36, 8, 9},    /* HU */
    {39, 6, 11},   /* IT */
    {40, 9, 9},    /* RO */
    {41, 9, 9},    /* CH */
    {43, 4, 13},   /* AT */
    {44, 9, 10},   /* GB */
    {45, 8, 8},    /* DK */
    {46, 7, 10},   /* SE */
    {47, 8, 8},    /* NO */
    {48, 9, 9},    /* PL */
    {49, 6, 13},   /* DE */
    {51, 8, 9},    /* PE */
    {52, 10, 10},  /* MX */
    {53, 8, 8},    /* CU */
    {54, 10, 11},  /* AR */
    {55, 10, 11},  /* BR */
    {56, 9, 9},    /* CL */
    {57, 8, 10},   /* CO */
    {58, 10, 10},  /* VE */
    {60, 8, 10},   /* MY */
    {61, 9, 9},    /* AU */
    {62, 8, 12},   /* ID */
    {63, 8, 10},   /* PH */
    {64, 8, 10},   /* NZ */
    {65, 8, 8},    /* SG */
    {66, 8, 9},    /* TH */
    {81, 9, 10},   /* JP */
    {82, 8, 10},   /* KR */
    {84, 9, 10},   /* VN */
    {86, 10, 11},  /* CN */
    {90, 10, 10},  /* TR */
    {91, 10, 10},  /* IN */
    {92, 9, 10},   /* PK */
    {93, 9, 9},    /* AF */
    {94, 9, 9},    /* LK */
    {95, 7, 10},   /* MM */
    {98, 10, 10},  /* IR */
    {212, 9, 9},   /* MA */
    {213, 8, 9},   /* DZ */
    {216, 8, 8},   /* TN */
    {218, 9, 9},   /* LY */
    {221, 9, 9},   /* SN */
    {225, 10, 10}, /* CI */
    {233, 9, 9},   /* GH */
    {234, 8, 10},  /* NG */
    {237, 9, 9},   /* CM */
    {243, 9, 9},   /* CD */
    {244, 9, 9},   /* AO */
    {251, 9, 9},   /* ET */
    {254, 9, 9},   /* KE */
    {255, 9, 9},   /* TZ */
    {256, 9, 9},   /* UG */
    {260, 9, 9},   /* ZM */
    {263, 9, 9},   /* ZW */
    {351, 9, 9},   /* PT */
    {352, 4, 11},  /* LU */
    {353, 7, 9},   /* IE */
    {354, 7, 7},   /* IS */
    {355, 8, 9},   /* AL */
    {356, 8, 8},   /* MT */
    {357, 8, 8},   /* CY */
    {358, 5, 12},  /* FI */
    {359, 8, 9},   /* BG */
    {370, 8, 8},   /* LT */
    {371, 8, 8},   /* LV */
    {372, 7, 8},   /* EE */
    {373, 8, 8},   /* MD */
    {374, 8, 8},   /* AM */
    {375, 9, 9},   /* BY */
    {376, 6, 6},   /* AD */
    {377, 8, 9},   /* MC */
    {380, 9, 9},   /* UA */
    {381, 8, 9},   /* RS */
    {382, 8, 8},   /* ME */
    {385, 8, 9},   /* HR */
    {386, 8, 8},   /* SI */
    {387, 8, 8},   /* BA */
    {389, 8, 8},   /* MK */
    {420, 9, 9},   /* CZ */
    {421, 9, 9},   /* SK */
    {423, 7, 7},   /* LI */
    {501, 7, 7},   /* BZ */
    {502, 8, 8},   /* GT */
    {503, 8, 8},   /* SV */
    {504, 8, 8},   /* HN */
    {505, 8, 8},   /* NI */
    {506, 8, 8},   /* CR */
    {507, 7, 8},   /* PA */
    {509, 8, 8},   /* HT */
    {591, 8, 8},   /* BO */
    {592, 7, 7},   /* GY */
    {593, 8, 9},   /* EC */
    {595, 9, 9},   /* PY */
    {598, 8, 8},   /* UY */
    {852, 8, 8},   /* HK */
    {853, 8, 8},   /* MO */
    {855, 8, 9},   /* KH */
    {856, 8, 10},  /* LA */
    {880, 10, 10}, /* BD */
    {886, 8, 9},   /* TW */
    {960, 7, 7},   /* MV */
    {961, 7, 8},   /* LB */
    {962, 8, 9},   /* JO */
    {963, 9, 9},   /* SY */
    {964, 10, 10}, /* IQ */
    {965, 8, 8},   /* KW */
    {966, 9, 9},   /* SA */
    {967, 9, 9},   /* YE */
    {968, 8, 8},   /* OM */
    {970, 9, 9},   /* PS */
    {971, 8, 9},   /* AE */
    {972, 8, 9},   /* IL */
    {973, 8, 8},   /* BH */
    {974, 8, 8},   /* QA */
    {975, 8, 8},   /* BT */
    {976, 8, 8},   /* MN */
    {977, 10, 10}, /* NP */
    {992, 9, 9},   /* TJ */
    {993, 8, 8},   /* TM */
    {994, 9, 9},   /* AZ */
    {995, 9, 9},   /* GE */
    {996, 9, 9},   /* KG */
    {998, 9, 9},   /* UZ */
};

static int cc_cmp(const void *k, const void *e)
{
	return (int)*(const uint16_t *)k - (int)((const cc_entry *)e)->code;
}

int idt__phone_check(const char *d, size_t n)
{
	unsigned code = 0;
	if (n < 8 || n > 15 || d[0] == '0') return 0;
	for (int k = 1; k <= 3 && (size_t)k < n; k++) {
		code = code * 10 + (unsigned)(d[k - 1] - '0');
		uint16_t key = (uint16_t)code;
		const cc_entry *e = bsearch(&key, cc_table, sizeof cc_table / sizeof cc_table[0],
		                            sizeof cc_table[0], cc_cmp);
		if (!e) continue;
		size_t nsn = n - (size_t)k;
		if (nsn < e->min_nsn || nsn > e->max_nsn) return 0;
		/* a national significant number never starts with the trunk prefix 0, except
		 * in Italy, where the leading 0 of landlines is kept */
		if (d[k] == '0' && code != 39) return 0;
		/* North America: area code and exchange start with 2-9; Russia and Kazakhstan:
		 * 3, 4, 8, 9 (Russia), 6, 7 (Kazakhstan) */
		if (code == 1 && (d[1] < '2' || d[4] < '2')) return 0;
		if (code == 7 && !strchr("346789", d[1])) return 0;
		return k;
	}
	return 0;
}

int idt__phone_selfcheck(void)
{
	size_t n = sizeof cc_table / sizeof cc_table[0];
	for (size_t i = 0; i < n; i++) {
		const cc_entry *e = &cc_table[i];
		if (i && cc_table[i - 1].code >= e->code) return 0; /* bsearch needs order */
		if (e->code == 0 || e->code > 999 || e->min_nsn < 4 || e->min_nsn > e->max_nsn ||
		    e->max_nsn > 14)
			return 0;
		/* prefix-free: no shorter code is a prefix of this one */
		for (unsigned p = e->code / 10; p; p /= 10)
			for (size_t j = 0; j < n; j++)
				if (cc_table[j].code == p) return 0;
	}
	return 1;
}
