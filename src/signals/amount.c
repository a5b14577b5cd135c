/*
 * amount.c - numbers in the original text and what they measure: prices, quantities and
 * doses, purity, trade units, and CAS registry numbers.
 *
 * Amounts.  Digits with '.' or ',' between them.  One separator: '.' is decimal; ',' is a
 * thousands separator when exactly three digits follow and at most three precede ("1,000"),
 * else decimal ("3,5").  A separator used twice groups thousands; with both kinds, the last one
 * is decimal ("1.000,50").  Thousands groups must have three digits, so "1.2.3" is no amount.
 * Values are written with '.' and no grouping: "1,000" -> "1000", "3,5" -> "3.5".  A number
 * glued to a preceding letter, '.', ',', '/', '_', '#' or to "digit:" / "alnum-" is no amount.
 *
 *   price     an amount with a currency sign before or after it ($ € £ ¥ ￥ ₽ ₹ ₿, with
 * US$ CA$ C$ A$ AU$ NZ$ HK$ S$ R$ MX$), an ISO or crypto code after it (any case: "120 usd", "0.05
 * BTC") or before it (upper case: "USD 120"), or a currency word after it ("50 euros", "20 bucks");
 * "5k" multiplies by 1000; a following "/g", "per gram", "a gram" ... adds the unit.  Value "120
 * USD", "10 EUR/g". $ is USD unless prefixed; ¥ and ￥ are read as CNY (yuan and yen share the
 * sign). quantity  an amount before a unit (table below): "3.5g" -> "3.5 g", "28 grams" -> "28 g";
 *             "100 x 2mg" -> "100 x 2 mg"; "1/2 oz" -> "1/2 oz"; trade units without a number:
 *             "QP" (upper case) -> "4 oz (QP)", "eightball"/"8ball" -> "3.5 g (eightball)",
 *             "half o"/"half oz"/"half zip" -> "0.5 oz (half o)", "a zip"/"per zip" ->
 *             "1 oz (zip)", "teenth"/"teener" -> "1.75 g (teenth)", "an 8th" -> "3.5 g (eighth)",
 *             "1/8th" -> "1/8 oz"; "half"/"quarter" before a unit ("half gram", "half a pound",
 *             "quarter-pound", "quarter oz") -> "0.5 g", "0.5 lb", "0.25 lb", "0.25 oz"; a
 *             decimal without its leading zero (".25 gram") -> "0.25 g".  "pound" after a whole
 *             number from 1 to 10 is a weight ("1 pound", "2 pounds": sterling is written £ or
 *             GBP in listings); after other amounts it may be money and is not reported.
 *             "HP", "key" and "brick" are too ambiguous and are not reported; "3G"/"4G"/"5G" before
 * a word such as "network", "phone" or "LTE" is a mobile network, not grams ("5G Mdma" is grams).
 *   purity    a percentage (0 < p <= 100) next to a purity word ("99% pure", "purity: 90%",
 *             "pureza 85%", "Reinheit 80%") or a substance word ("MDMA 84%", "87% cocaine");
 *             a discount word after it ("20% off", "10% discount", "rabatt", "descuento")
 *             rules it out.  Value "87%".
 *   cas       NNNNNNN-NN-N (2-7, 2, 1 digits, no leading 0) whose check digit holds: the sum
 *             of the other digits weighted 1, 2, 3 ... from the right, mod 10.  Value as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "signals_int.h"

/* ------------------------------------------------------------------------------------------
 * Low level: amounts and small word tests
 * ------------------------------------------------------------------------------------------ */

typedef struct amount {
	size_t a, b; /* span in the text */
	char v[40];  /* normalised: digits, at most one '.', NUL-terminated */
} amount;

/* Parses an amount at p (a digit); false if the digits do not form one. */
static bool parse_amount(const idt__sx *x, size_t p, amount *am)
{
	size_t q = p, sep[8];
	int nsep = 0, ndig = 0, ndot = 0, ncomma = 0;
	for (;;) {
		int c = idt__at(x, q);
		if (idt__digit(c)) {
			ndig++;
			q++;
		} else if ((c == '.' || c == ',') && idt__digit(idt__at(x, q + 1)) && nsep < 8) {
			sep[nsep++] = q++;
			c == '.' ? ndot++ : ncomma++;
		} else {
			break;
		}
	}
	if (ndig > 15) return false;
	int dec = -1; /* index in sep[] of the decimal separator */
	if (nsep > 0) {
		unsigned char last = x->s[sep[nsep - 1]];
		int nlast = last == '.' ? ndot : ncomma;
		if (ndot && ncomma) {
			if (nlast != 1) return false;
			dec = nsep - 1;
		} else if (nsep == 1) {
			size_t after = q - sep[0] - 1, before = sep[0] - p;
			dec = (last == ',' && after == 3 && before <= 3) ? -1 : 0;
		}
	}
	/* thousands groups: 1-3 digits first, then exactly 3 between separators */
	for (int k = 0; k < nsep; k++) {
		if (k == dec) continue;
		size_t next = (k + 1 < nsep) ? sep[k + 1] : q;
		size_t prev = k ? sep[k - 1] + 1 : p;
		if (next - sep[k] - 1 != 3 || (k == 0 && sep[0] - prev > 3)) return false;
	}
	size_t n = 0;
	for (size_t k = p; k < q; k++) {
		if (idt__digit(x->s[k]))
			am->v[n++] = (char)x->s[k];
		else if (dec >= 0 && k == sep[dec])
			am->v[n++] = '.';
	}
	am->v[n] = 0;
	am->a = p;
	am->b = q;
	return true;
}

/* Multiplies a normalised amount by 1000 ("5k"), in place. */
static void scale1000(amount *am)
{
	char out[40], *dot = strchr(am->v, '.');
	size_t ip = dot ? (size_t)(dot - am->v) : strlen(am->v), n = 0;
	const char *frac = dot ? dot + 1 : "";
	size_t fl = strlen(frac);
	for (size_t k = 0; k < ip; k++) out[n++] = am->v[k];
	for (size_t k = 0; k < 3; k++) out[n++] = k < fl ? frac[k] : '0';
	if (fl > 3) {
		out[n++] = '.';
		for (size_t k = 3; k < fl; k++) out[n++] = frac[k];
	}
	out[n] = 0;
	size_t z = 0;
	while (out[z] == '0' && out[z + 1] && out[z + 1] != '.') z++;
	memmove(am->v, out + z, n - z + 1);
}

/* Whether the integer part of an amount is in (0, 100], the fraction allowed below 100. */
static bool percent_ok(const amount *am)
{
	unsigned ip = 0;
	bool nonzero = false;
	const char *p = am->v;
	for (; *p && *p != '.'; p++) {
		ip = ip * 10 + (unsigned)(*p - '0');
		if (ip > 100) return false;
	}
	if (ip) nonzero = true;
	for (const char *f = *p ? p + 1 : p; *f; f++)
		if (*f != '0') {
			if (ip == 100) return false;
			nonzero = true;
		}
	return nonzero;
}

/* True if the word [a, b) is one of the lower-case words in the NULL-terminated list. */
static bool word_in(const idt__sx *x, size_t a, size_t b, const char *const *list)
{
	for (; *list; list++)
		if (idt__sx_eq(x, a, b, *list)) return true;
	return false;
}

/* Letters and digits of any script: ASCII alphanumerics and every byte of a UTF-8 sequence. */
static bool word_byte(int c)
{
	return idt__alnum(c) || c >= 0x80;
}

/* The word starting at p after at most two spaces; [*a, *b), at most 40 bytes. */
static void next_word(const idt__sx *x, size_t p, size_t *a, size_t *b)
{
	size_t q = *a = idt__sx_spaces(x, p, 2);
	while (word_byte(idt__at(x, q)) && q - *a < 40) q++;
	*b = q;
}

/* The word ending before p, skipping spaces and one of ":=-~(>"; [*a, *b), at most 40 bytes. */
static void prev_word(const idt__sx *x, size_t p, size_t *a, size_t *b)
{
	size_t q = p;
	for (int k = 0; k < 4 && q > 0 && strchr(" \t:=-~(>", x->s[q - 1]) && x->s[q - 1]; k++) q--;
	*b = q;
	while (q > 0 && word_byte(x->s[q - 1]) && *b - q < 40) q--;
	*a = q;
}

/* ------------------------------------------------------------------------------------------
 * Units and currencies
 * ------------------------------------------------------------------------------------------ */

typedef struct unit {
	const char *w;     /* as written, ASCII letters lower case (matched ignoring case) */
	const char *canon; /* value after a number: "g", "pills", "oz (zip)" */
	const char *per;   /* after a price: "/g", "/pill" */
} unit;

static const unit units[] = {
    {"mg", "mg", "mg"},
    {"mg/ml", "mg/ml", NULL},
    {"mcg", "mcg", "mcg"},
    {"ug", "mcg", "mcg"},
    {"\xc2\xb5g", "mcg", "mcg"},
    {"\xce\xbcg", "mcg", "mcg"},
    {"g", "g", "g"},
    {"gr", "g", "g"},
    {"grs", "g", "g"},
    {"grm", "g", "g"},
    {"grms", "g", "g"},
    {"gm", "g", "g"},
    {"gms", "g", "g"},
    {"gram", "g", "g"},
    {"grams", "g", "g"},
    {"gramm", "g", "g"},
    {"gramos", "g", "g"},
    {"gramas", "g", "g"},
    {"gramme", "g", "g"},
    {"grammes", "g", "g"},
    {"kg", "kg", "kg"},
    {"kilo", "kg", "kg"},
    {"kilos", "kg", "kg"},
    {"kilogram", "kg", "kg"},
    {"kilograms", "kg", "kg"},
    {"oz", "oz", "oz"},
    {"ounce", "oz", "oz"},
    {"ounces", "oz", "oz"},
    {"lb", "lb", "lb"},
    {"lbs", "lb", "lb"},
    {"pound", "lb", "lb"}, /* after a number only from 1 to 10 (pound_ok) */
    {"pounds", "lb", "lb"},
    {"ml", "ml", "ml"},
    {"iu", "iu", "iu"}, /* international units: hormones (hCG), insulin */
    {"pill", "pills", "pill"},
    {"pills", "pills", "pill"},
    {"tab", "tabs", "tab"},
    {"tabs", "tabs", "tab"},
    {"tablet", "tabs", "tab"},
    {"tablets", "tabs", "tab"},
    {"geltab", "tabs", "tab"},
    {"geltabs", "tabs", "tab"},
    {"cap", "caps", "cap"},
    {"caps", "caps", "cap"},
    {"capsule", "caps", "cap"},
    {"capsules", "caps", "cap"},
    {"blotter", "blotters", "blotter"},
    {"blotters", "blotters", "blotter"},
    {"blots", "blotters", "blotter"},
    {"hit", "hits", "hit"},
    {"hits", "hits", "hit"},
    {"unit", "units", "unit"},
    {"units", "units", "unit"},
    {"pcs", "pcs", "pc"},
    {"vial", "vials", "vial"},
    {"vials", "vials", "vial"},
    {"ampoules", "ampoules", "ampoule"},
    {"strips", "strips", "strip"},
    {"patches", "patches", "patch"},
    {"zip", "oz (zip)", "zip"},
    {"zips", "oz (zip)", "zip"},
    {"\xd0\xb3", "g", "g"},                   /* г */
    {"\xd0\xb3\xd1\x80", "g", "g"},           /* гр */
    {"\xd0\xbc\xd0\xb3", "mg", "mg"},         /* мг */
    {"\xd0\xba\xd0\xb3", "kg", "kg"},         /* кг */
    {"\xe5\x85\x8b", "g", "g"},               /* 克 */
    {"\xe6\xaf\xab\xe5\x85\x8b", "mg", "mg"}, /* 毫克 */
};

/* Matches the word w at p ignoring ASCII case; returns its end or 0. */
static size_t match_word(const idt__sx *x, size_t p, const char *w)
{
	size_t q = p, n = strlen(w);
	bool ascii = true;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)w[k] >= 0x80) ascii = false;
	/* In words of four letters or more, a letter written more often than the word has it
	 * still matches ("graams", "ounceeee", "pilllls"): sellers stretch words to dodge
	 * filters.  Short units ("mg", "oz") must be exact. */
	bool stretch = ascii && n >= 4;
	for (size_t k = 0; k < n; k++, q++) {
		int c = idt__lower(idt__at(x, q));
		while (stretch && k > 0 && w[k] != w[k - 1] && c == (unsigned char)w[k - 1])
			c = idt__lower(idt__at(x, ++q));
		if (c != (unsigned char)w[k]) return 0;
	}
	while (stretch && idt__lower(idt__at(x, q)) == (unsigned char)w[n - 1]) q++;
	int c = idt__at(x, q);
	if (idt__alpha(c)) return 0;
	if (!ascii && (c == 0xD0 || c == 0xD1)) return 0; /* "2020 года" is a year */
	return q;
}

/* The longest unit at p; its end to *end. */
static const unit *unit_at(const idt__sx *x, size_t p, size_t *end)
{
	const unit *best = NULL;
	size_t be = 0;
	int c = idt__at(x, p);
	if (!idt__alpha(c) && c < 0x80) return NULL;
	c = idt__lower(c);
	for (size_t k = 0; k < IDT_ARRAY_LEN(units); k++) {
		if ((unsigned char)units[k].w[0] != c) continue;
		size_t e = match_word(x, p, units[k].w);
		if (e > be) be = e, best = &units[k];
	}
	*end = be;
	return best;
}

typedef struct currency {
	const char *w;    /* lower case */
	const char *code; /* ISO 4217 or the usual ticker */
	bool any_case;    /* after an amount, any case; else only as written in upper case */
} currency;

static const currency currencies[] = {
    {"usd", "USD", true},
    {"eur", "EUR", true},
    {"gbp", "GBP", true},
    {"cad", "CAD", true},
    {"aud", "AUD", true},
    {"chf", "CHF", true},
    {"rub", "RUB", true},
    {"cny", "CNY", true},
    {"rmb", "CNY", true},
    {"inr", "INR", true},
    {"brl", "BRL", true},
    {"mxn", "MXN", true},
    {"jpy", "JPY", true},
    {"nzd", "NZD", true},
    {"sek", "SEK", true},
    {"nok", "NOK", true},
    {"dkk", "DKK", true},
    {"pln", "PLN", true},
    {"czk", "CZK", true},
    {"uah", "UAH", true},
    {"zar", "ZAR", true},
    {"hkd", "HKD", true},
    {"sgd", "SGD", true},
    {"thb", "THB", true},
    {"krw", "KRW", true},
    {"ars", "ARS", false},
    {"cop", "COP", false},
    {"try", "TRY", false},
    {"btc", "BTC", true},
    {"xbt", "BTC", true},
    {"xmr", "XMR", true},
    {"eth", "ETH", true},
    {"ltc", "LTC", true},
    {"usdt", "USDT", true},
    {"usdc", "USDC", true},
    {"trx", "TRX", true},
    {"bch", "BCH", true},
    {"doge", "DOGE", true},
    {"sol", "SOL", false},
    {"bnb", "BNB", true},
    {"dai", "DAI", false},
    {"dollar", "USD", true},
    {"dollars", "USD", true},
    {"bucks", "USD", true},
    {"euro", "EUR", true},
    {"euros", "EUR", true},
    {"quid", "GBP", true},
    {"rubles", "RUB", true},
    {"roubles", "RUB", true},
    {"yuan", "CNY", true},
    {"rupees", "INR", true},
    {"reais", "BRL", true},
    {"bitcoin", "BTC", true},
    {"bitcoins", "BTC", true},
    {"monero", "XMR", true},
    {"\xd1\x80\xd1\x83\xd0\xb1", "RUB", true},                         /* руб */
    {"\xd1\x80\xd1\x83\xd0\xb1\xd0\xbb\xd0\xb5\xd0\xb9", "RUB", true}, /* рублей */
    {"\xe5\x85\x83", "CNY", true},                                     /* 元 */
    {"\xd1\x80", "RUB", true},                                         /* р */
    {"\xd0\xb3\xd1\x80\xd0\xbd", "UAH", true},                         /* грн */
};

/* A currency sign at p: its code, its length to *n; NULL if none. */
static const char *sign_at(const idt__sx *x, size_t p, size_t *n)
{
	int c = idt__at(x, p), c1 = idt__at(x, p + 1), c2 = idt__at(x, p + 2);
	*n = 1;
	if (c == '$') return "USD";
	*n = 2;
	if (c == 0xC2 && c1 == 0xA3) return "GBP";
	if (c == 0xC2 && c1 == 0xA5) return "CNY";
	*n = 3;
	if (c == 0xE2 && c1 == 0x82) {
		if (c2 == 0xAC) return "EUR";
		if (c2 == 0xBD) return "RUB";
		if (c2 == 0xB9) return "INR";
		if (c2 == 0xBF) return "BTC";
	}
	if (c == 0xEF && c1 == 0xBF && c2 == 0xA5) return "CNY";
	return NULL;
}

/* A currency after an amount, at p: sign, code or word; its end to *end. */
static const char *currency_after(const idt__sx *x, size_t p, size_t *end)
{
	size_t n;
	const char *code = sign_at(x, p, &n);
	if (code) {
		*end = p + n;
		return code;
	}
	int c = idt__at(x, p);
	if (!idt__alpha(c) && c < 0x80) return NULL;
	c = idt__lower(c);
	for (size_t k = 0; k < IDT_ARRAY_LEN(currencies); k++) {
		if ((unsigned char)currencies[k].w[0] != c) continue;
		size_t e = match_word(x, p, currencies[k].w);
		if (!e || idt__digit(idt__at(x, e))) continue;
		if (!currencies[k].any_case)
			for (size_t q = p; q < e; q++)
				if (x->s[q] < 'A' || x->s[q] > 'Z') e = 0;
		if (!e) continue;
		*end = e;
		return currencies[k].code;
	}
	return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Emitters
 * ------------------------------------------------------------------------------------------ */

/* Emits a quantity "AMOUNT UNIT" over [a, b). */
static void emit_quantity(idt__sx *x, size_t a, size_t b, const char *amt, const char *unit)
{
	char v[128];
	size_t n = strlen(amt), u = strlen(unit);
	if (n + 1 + u >= sizeof v) return;
	memcpy(v, amt, n);
	v[n] = ' ';
	memcpy(v + n + 1, unit, u);
	idt__sx_emit(x, IDT_SIG_QUANTITY, a, b, v, n + 1 + u);
}

/* The unit a price is per, at p: "/g", " per gram", " a gram"; its end to *end, "g" returned. */
static const char *per_unit(const idt__sx *x, size_t p, size_t *end)
{
	size_t q = idt__sx_spaces(x, p, 1), ue;
	const unit *u = NULL;
	if (idt__at(x, q) == '/') {
		u = unit_at(x, idt__sx_spaces(x, q + 1, 1), &ue);
	} else {
		size_t w = idt__sx_word_end(x, q);
		if (idt__sx_eq(x, q, w, "per") || idt__sx_eq(x, q, w, "a") ||
		    idt__sx_eq(x, q, w, "an") || idt__sx_eq(x, q, w, "the"))
			u = unit_at(x, idt__sx_spaces(x, w, 1), &ue);
	}
	if (!u || !u->per) return NULL;
	*end = ue;
	return u->per;
}

/* Words that scale an amount into the figures of news and statistics, not of an offer. */
static const char *const scale_words[] = {
    "million",   "millions", "billion",   "billions",   "trillion", "bn",      "mn",
    "mln",       "mio",      "mrd",       "млн",        "млрд",     "миллион", "миллиона",
    "миллионов", "миллиард", "миллиарда", "миллиардов", NULL,
};

/* Emits the price am + code starting at a, with its per-unit suffix; returns its end.  "$2.5
 * billion" is consumed but not reported. */
static size_t emit_price(idt__sx *x, size_t a, size_t b, const amount *am, const char *code)
{
	char v[128];
	size_t pe, wa, wb;
	next_word(x, b, &wa, &wb);
	if (word_in(x, wa, wb, scale_words)) return wb;
	const char *per = per_unit(x, b, &pe);
	size_t n = strlen(am->v), c = strlen(code);
	memcpy(v, am->v, n);
	v[n++] = ' ';
	memcpy(v + n, code, c);
	n += c;
	if (per) {
		v[n++] = '/';
		memcpy(v + n, per, strlen(per));
		n += strlen(per);
		b = pe;
	}
	idt__sx_emit(x, IDT_SIG_PRICE, a, b, v, n);
	return b;
}

/* After an amount at am->b: an optional 'k' (thousands) right after it.  Returns where the
 * currency may start. */
static size_t kilo(const idt__sx *x, amount *am)
{
	size_t p = am->b;
	if ((idt__at(x, p) == 'k' || idt__at(x, p) == 'K') && !idt__alpha(idt__at(x, p + 1))) {
		scale1000(am);
		return p + 1;
	}
	return p;
}

/* ------------------------------------------------------------------------------------------
 * Purity
 * ------------------------------------------------------------------------------------------ */

static const char *const purity_words[] = {
    "pure",   "purity",        "pur",      "pura",    "puro",    "pureza",
    "purete", "rein",          "reinheit", "uncut",   "purezza", "zuiver",
    "pureté", "reinheitsgrad", "чистота",  "Чистота", "чистоты", "чистотой",
    "чистый", "чистая",        "纯度",     NULL,
};

static const char *const discount_words[] = {
    "off",     "discount", "discounts", "rabatt", "descuento", "rebate",  "cashback", "bonus",
    "sale",    "remise",   "reduction", "sconto", "desconto",  "korting", "promo",    "coupon",
    "cheaper", "more",     "extra",     "free",   "interest",  "apr",     "fee",      "tax",
    "vat",     "battery",  "chance",    "likely", "sure",      "of",      "скидка",   "скидки",
    "скидку",  "Скидка",   "折扣",      "优惠",   NULL,
};

static const char *const substance_words[] = {
    "mdma",    "mda",          "cocaine",  "coke",      "cocaina",    "kokain",      "heroin",
    "heroine", "meth",         "crystal",  "ketamine",  "ket",        "amphetamine", "amphetamin",
    "amph",    "speed",        "lsd",      "thc",       "cbd",        "fentanyl",    "fent",
    "dmt",     "pcp",          "ghb",      "gbl",       "mephedrone", "mdpv",        "oxycodone",
    "crack",   "molly",        "flake",    "fishscale", "cocaïne",    "kristall",    "koks",
    "кокаин",  "кокс",         "мефедрон", "меф",       "амфетамин",  "амф",         "мдма",
    "героин",  "метамфетамин", "可卡因",   "冰毒",      "摇头丸",     NULL,
};

/* A percentage am followed by '%' ending at pe: purity if a purity or substance word is next to
 * it and no discount word follows.  Returns the end of what was reported, or 0. */
static size_t purity(idt__sx *x, size_t start, const amount *am, size_t pe, bool cued)
{
	size_t a, b, end = pe;
	if (!percent_ok(am)) return 0;
	next_word(x, pe, &a, &b);
	if (word_in(x, a, b, discount_words)) return 0;
	bool ok = cued;
	if (word_in(x, a, b, purity_words))
		ok = true, end = b;
	else if (word_in(x, a, b, substance_words))
		ok = true;
	if (!ok) {
		prev_word(x, start, &a, &b);
		if (word_in(x, a, b, purity_words)) {
			ok = true;
			if (a >= x->last_end) start = a; /* "чистота 95%", not "99% pure 84%" */
		} else {
			ok = word_in(x, a, b, substance_words);
		}
	}
	if (!ok) return 0;
	char v[48];
	size_t n = strlen(am->v);
	memcpy(v, am->v, n);
	v[n++] = '%';
	idt__sx_emit(x, IDT_SIG_PURITY, start, end, v, n);
	return end;
}

/* A '%' (or U+FF05 full-width) at p: the position after it, or 0. */
static size_t percent_at(const idt__sx *x, size_t p)
{
	if (idt__at(x, p) == '%') return p + 1;
	if (idt__at(x, p) == 0xEF && idt__at(x, p + 1) == 0xBC && idt__at(x, p + 2) == 0x85)
		return p + 3;
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * CAS numbers
 * ------------------------------------------------------------------------------------------ */

/* A CAS-shaped number at i: returns its end (reported if the check digit holds) or 0. */
static size_t cas(idt__sx *x, size_t i)
{
	size_t q = i;
	while (idt__digit(idt__at(x, q))) q++;
	size_t n1 = q - i;
	if (n1 < 2 || n1 > 7 || x->s[i] == '0') return 0;
	if (idt__at(x, q) != '-' || !idt__digit(idt__at(x, q + 1)) ||
	    !idt__digit(idt__at(x, q + 2)) || idt__at(x, q + 3) != '-' ||
	    !idt__digit(idt__at(x, q + 4)))
		return 0;
	size_t end = q + 5;
	int after = idt__at(x, end);
	if (idt__alnum(after) || after == '-' || (after == '.' && idt__digit(idt__at(x, end + 1))))
		return 0;
	/* weights 1, 2, ... from the digit left of the check digit */
	unsigned sum = 0, w = 1;
	sum += (unsigned)(x->s[q + 2] - '0') * w++;
	sum += (unsigned)(x->s[q + 1] - '0') * w++;
	for (size_t k = q; k > i; k--) sum += (unsigned)(x->s[k - 1] - '0') * w++;
	if (sum % 10 == (unsigned)(x->s[q + 4] - '0'))
		idt__sx_emit(x, IDT_SIG_CAS, i, end, (const char *)x->s + i, end - i);
	return end;
}

/* ------------------------------------------------------------------------------------------
 * Higher level: the handlers extract.c calls
 * ------------------------------------------------------------------------------------------ */

/* May a number start at i (the byte before it is not part of another token)? */
static bool number_start_ok(const idt__sx *x, size_t i)
{
	if (i == 0) return true;
	int c = x->s[i - 1], c2 = i >= 2 ? x->s[i - 2] : -1;
	if (idt__alnum(c) || c == '.' || c == ',' || c == '/' || c == '_' || c == '#' || c == '@')
		return false;
	if (c == ':' && idt__digit(c2)) return false;
	if (c == '-' && idt__alnum(c2)) return false;
	return true;
}

static const char *const network_words[] = {
    "network",    "networks", "phone",          "phones",
    "lte",        "wifi",     "router",         "modem",
    "internet",   "coverage", "signal",         "sim",
    "smartphone", "iphone",   "android",        "mobile",
    "speed",      "data",     "connection",     "connectivity",
    "tablet",     "enabled",  "ready",          "compatible",
    "rollout",    "rollouts", "tower",          "towers",
    "mast",       "masts",    "technology",     "tech",
    "service",    "services", "plan",           "plans",
    "deployment", "spectrum", "band",           "bands",
    "era",        "standard", "chip",           "chips",
    "nr",         "home",     "broadband",      "hotspot",
    "device",     "devices",  "wireless",       "cellular",
    "carrier",    "carriers", "conspiracy",     "radiation",
    "antenna",    "antennas", "infrastructure", "sites",
    "cell",       "cells",    "towers",         NULL,
};

/* "pound" after an amount is a weight only for a whole number from 1 to 10 (see the top). */
static bool pound_ok(const amount *am)
{
	return !strchr(am->v, '.') && strlen(am->v) <= 2 && atoi(am->v) >= 1 && atoi(am->v) <= 10;
}

/* A decimal written without its leading zero, the '.' at i - 1 (".25 gram", ".5g"): a
 * quantity when a unit follows.  Returns the end or 0. */
static size_t bare_decimal(idt__sx *x, size_t i)
{
	if (i >= 2 && (word_byte(x->s[i - 2]) || strchr(".,/$#@-_'", x->s[i - 2]))) return 0;
	size_t q = i;
	while (idt__digit(idt__at(x, q)) && q - i < 4) q++;
	if (idt__digit(idt__at(x, q)) || idt__at(x, q) == '.' || idt__at(x, q) == ',') return 0;
	size_t ue;
	const unit *u = unit_at(x, idt__sx_spaces(x, q, 1), &ue);
	if (!u || (u->w[0] == 'p' && u->w[1] == 'o')) return 0;
	char v[16];
	snprintf(v, sizeof v, "0.%.*s", (int)(q - i), (const char *)x->s + i);
	emit_quantity(x, i - 1, ue, v, u->canon);
	return ue;
}

/* "N x M unit" with the 'x' at q: returns the end or 0. */
static size_t times(idt__sx *x, size_t i, const amount *am, size_t q)
{
	size_t r = q + (x->s[q] == 0xC3 ? 2 : 1), ue;
	amount m;
	r = idt__sx_spaces(x, r, 2);
	if (!idt__digit(idt__at(x, r)) || !parse_amount(x, r, &m)) return 0;
	const unit *u = unit_at(x, idt__sx_spaces(x, m.b, 1), &ue);
	if (!u) return 0;
	char v[128];
	size_t n = (size_t)snprintf(v, sizeof v, "%s x %s", am->v, m.v);
	emit_quantity(x, i, ue, n < sizeof v ? v : "", u->canon);
	return ue;
}

/* "1/2 oz" with the '/' at q: returns the end or 0. */
static size_t fraction(idt__sx *x, size_t i, const amount *am, size_t q)
{
	size_t r = q + 1, ue;
	unsigned den = 0;
	while (idt__digit(idt__at(x, r)) && r - q <= 2)
		den = den * 10 + (unsigned)(x->s[r++] - '0');
	if (strchr(am->v, '.') || !(den == 2 || den == 4 || den == 8 || den == 16 || den == 32))
		return 0;
	const unit *u = unit_at(x, idt__sx_spaces(x, r, 1), &ue);
	static const unit ounce = {"th", "oz", "oz"};
	if (!u && idt__at(x, r) == 't' && match_word(x, r, "th")) {
		u = &ounce; /* "1/8th", "1/4th": of an ounce */
		ue = r + 2;
	}
	if (!u) return 0;
	char v[64];
	snprintf(v, sizeof v, "%s/%u", am->v, den);
	emit_quantity(x, i, ue, v, u->canon);
	return ue;
}

size_t idt__amount_number(idt__sx *x, size_t i, size_t we)
{
	amount am;
	size_t r, ue, ce;
	if (i > 0 && x->s[i - 1] == '.') return bare_decimal(x, i);
	if (!number_start_ok(x, i)) return 0;
	if ((r = cas(x, i))) return r;
	if (x->s[i] == '8' && we == i + 5 && idt__sx_eq(x, i + 1, we, "ball")) {
		emit_quantity(x, i, we, "3.5", "g (eightball)");
		return we;
	}
	if (x->s[i] == '8' && we == i + 1 && idt__at(x, we) == '-' &&
	    match_word(x, we + 1, "ball")) {
		emit_quantity(x, i, we + 5, "3.5", "g (eightball)");
		return we + 5;
	}
	if (x->s[i] == '8' && we == i + 3 && idt__sx_eq(x, i + 1, we, "th")) {
		/* "an 8th", "per 8th": an eighth of an ounce; "the 8th" is an ordinal */
		size_t a, b;
		prev_word(x, i, &a, &b);
		if (b == i - 1 && (idt__sx_eq(x, a, b, "an") || idt__sx_eq(x, a, b, "per"))) {
			emit_quantity(x, i, we, "3.5", "g (eighth)");
			return we;
		}
		return 0;
	}
	if (!parse_amount(x, i, &am)) return 0;
	size_t p = am.b;
	if (idt__at(x, p) == '/' && idt__digit(idt__at(x, p + 1))) return fraction(x, i, &am, p);
	size_t q = idt__sx_spaces(x, p, 2);
	if ((r = percent_at(x, q))) return purity(x, i, &am, r, false);
	int c = idt__at(x, q);
	if ((c == 'x' || c == 'X' || (c == 0xC3 && idt__at(x, q + 1) == 0x97)) &&
	    (r = times(x, i, &am, q)))
		return r;
	const unit *u = unit_at(x, q, &ue);
	if (u && u->w[0] == 'p' && u->w[1] == 'o' && !pound_ok(&am)) u = NULL;
	if (u) {
		/* "4G network", "5G phone": a mobile network, not grams */
		size_t a, b;
		next_word(x, ue, &a, &b);
		if (x->s[q] == 'G' && ue == q + 1 && am.v[1] == 0 && am.v[0] >= '2' &&
		    am.v[0] <= '6' && word_in(x, a, b, network_words))
			return 0;
		emit_quantity(x, i, ue, am.v, u->canon);
		return ue;
	}
	p = kilo(x, &am);
	q = idt__sx_spaces(x, p, 2);
	const char *code = currency_after(x, q, &ce);
	if (code) return emit_price(x, i, ce, &am, code);
	return 0;
}

/* The prefixes of '$': "US$", "CA$" ...; returns the code, the prefix start to *a. */
static const char *dollar_prefix(const idt__sx *x, size_t i, size_t *a)
{
	static const struct {
		const char *p, *code;
	} pre[] = {{"us", "USD"}, {"ca", "CAD"}, {"c", "CAD"}, {"au", "AUD"}, {"a", "AUD"},
	           {"nz", "NZD"}, {"hk", "HKD"}, {"s", "SGD"}, {"r", "BRL"},  {"mx", "MXN"}};
	size_t b = i;
	while (b > 0 && i - b < 3 && x->s[b - 1] >= 'A' && x->s[b - 1] <= 'Z') b--;
	if (b == i || i - b > 2 || (b > 0 && idt__alnum(x->s[b - 1]))) return NULL;
	for (size_t k = 0; k < IDT_ARRAY_LEN(pre); k++)
		if (idt__sx_eq(x, b, i, pre[k].p)) {
			*a = b;
			return pre[k].code;
		}
	return NULL;
}

size_t idt__amount_symbol(idt__sx *x, size_t i)
{
	size_t n, a = i;
	amount am;
	const char *code = sign_at(x, i, &n);
	if (!code) return 0;
	if (x->s[i] == '$') {
		const char *pc = dollar_prefix(x, i, &a);
		if (pc) code = pc;
		if (a < x->last_end) a = i;
	}
	size_t q = idt__sx_spaces(x, i + n, 1);
	if (!idt__digit(idt__at(x, q)) || !parse_amount(x, q, &am)) return 0;
	size_t e = kilo(x, &am);
	if (idt__alpha(idt__at(x, e))) return 0; /* "$5abc" */
	return emit_price(x, a, e, &am, code);
}

static const char *const zip_not_after[] = {
    "code", "codes", "file", "files", "archive", "folder", "lock", "locks",  "tie", "ties",
    "line", "drive", "bag",  "bags",  "up",      "it",     "disk", "format", NULL,
};

/* "half" or "quarter" (the keyword [i, we)) before a weight unit, with an optional '-', "a",
 * "an", "of a", "of an" between: "half o", "half-pound", "half a gram", "quarter oz",
 * "quarter of an ounce", "half zip", "half key".  Emits the fraction of the unit; returns the
 * end, or 0. */
static size_t part_of_unit(idt__sx *x, size_t i, size_t we, bool half)
{
	size_t a, b, p = we;
	if (idt__at(x, p) == '-')
		p++;
	else if (idt__sx_spaces(x, p, 2) == p)
		return 0;
	next_word(x, p, &a, &b);
	if (idt__sx_eq(x, a, b, "of")) next_word(x, b, &a, &b);
	if (idt__sx_eq(x, a, b, "a") || idt__sx_eq(x, a, b, "an")) next_word(x, b, &a, &b);
	if (b == a) return 0;
	const char *amt = half ? "0.5" : "0.25", *canon = NULL;
	if (idt__sx_eq(x, a, b, "o") || idt__sx_eq(x, a, b, "z"))
		canon = half ? "oz (half o)" : "oz";
	else if (idt__sx_eq(x, a, b, "zip") && half && p == we)
		canon = "oz (half zip)"; /* not "half-zip" or "quarter zip": those are jackets */
	else if (idt__sx_eq(x, a, b, "key") || idt__sx_eq(x, a, b, "kee"))
		canon = "kg";
	else {
		size_t ue;
		const unit *u = unit_at(x, a, &ue);
		if (!u || ue != b) return 0;
		if (!strcmp(u->canon, "oz"))
			canon = half ? "oz (half o)" : "oz";
		else if (!strcmp(u->canon, "g") || !strcmp(u->canon, "kg") ||
		         !strcmp(u->canon, "lb"))
			canon = u->canon;
	}
	if (!canon) return 0;
	emit_quantity(x, i, b, amt, canon);
	return b;
}

size_t idt__amount_word(idt__sx *x, size_t i, size_t we, int kind)
{
	size_t a, b, r;
	amount am;
	switch (kind) {
	case IDT__KW_CURRENCY:
		for (size_t k = 0; k < IDT_ARRAY_LEN(currencies); k++) {
			const currency *c = &currencies[k];
			if (strlen(c->w) != we - i || !idt__sx_eq(x, i, we, c->w)) continue;
			size_t q = idt__sx_spaces(x, we, 2);
			if (!parse_amount(x, q, &am)) return 0;
			size_t e = kilo(x, &am);
			if (idt__alpha(idt__at(x, e))) return 0;
			return emit_price(x, i, e, &am, c->code);
		}
		return 0;
	case IDT__KW_QP:
		if (x->s[i] != 'Q' || x->s[i + 1] != 'P') return 0;
		emit_quantity(x, i, we, "4", "oz (QP)");
		return we;
	case IDT__KW_EIGHTBALL: emit_quantity(x, i, we, "3.5", "g (eightball)"); return we;
	case IDT__KW_TEENTH: emit_quantity(x, i, we, "1.75", "g (teenth)"); return we;
	case IDT__KW_HALF: return part_of_unit(x, i, we, true);
	case IDT__KW_QUARTER: return part_of_unit(x, i, we, false);
	case IDT__KW_ZIP:
		next_word(x, we, &a, &b);
		if (word_in(x, a, b, zip_not_after)) return 0;
		if (i > 0 && x->s[i - 1] == '/') {
			emit_quantity(x, i - 1, we, "1", "oz (zip)");
			return we;
		}
		prev_word(x, i, &a, &b);
		if (b == i || !(idt__sx_eq(x, a, b, "a") || idt__sx_eq(x, a, b, "per") ||
		                idt__sx_eq(x, a, b, "one")))
			return 0;
		emit_quantity(x, i, we, "1", "oz (zip)");
		return we;
	case IDT__KW_PURITY: {
		size_t q = idt__sx_spaces(x, we, 2);
		while (idt__at(x, q) == ':' || idt__at(x, q) == '-' || idt__at(x, q) == '=')
			q = idt__sx_spaces(x, q + 1, 2);
		size_t w = idt__sx_word_end(x, q);
		if (idt__sx_eq(x, q, w, "of") || idt__sx_eq(x, q, w, "is") ||
		    idt__sx_eq(x, q, w, "de"))
			q = idt__sx_spaces(x, w, 2);
		if (!idt__digit(idt__at(x, q)) || !parse_amount(x, q, &am)) return 0;
		size_t pe = percent_at(x, idt__sx_spaces(x, am.b, 1));
		if (!pe) return 0;
		r = purity(x, i, &am, pe, true);
		return r;
	}
	default: return 0;
	}
}
