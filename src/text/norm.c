/*
 * norm.c - idt_normalize(): one table-driven pass from UTF-8 text to the folded text of
 * interdict/text.h, with the offset map back to the original bytes; and the idt_norm buffer.
 *
 * Structure.  The pass reads the input once.  ASCII bytes go through a 256-entry class table
 * (letter, digit, leet digit, leet symbol, separator); other code points through the fold table
 * of fold.c.  Output is written straight into the folded buffer, token by token:
 *
 *   - repeated ASCII letters are merged as they are written (the run table keeps the count);
 *   - leet digits and symbols are written as they are; when a token ends, a token that may need
 *     leet folding (a leet digit after a letter, or a symbol between word characters) is taken
 *     back out of the buffer as "units" and re-emitted folded (the slow path; most tokens never
 *     take it);
 *   - single-letter tokens are remembered as a glue run; when the run ends and had >= 3 letters
 *     the run is taken back out and re-emitted without its spaces.
 *
 * Speed.  The general path (ascii_char(), nonascii(), tok_end(), glue_token()) handles every
 * character and is the reference.  In front of it, fast loops take the common cases with their
 * state in locals: fast_run() between and through ordinary tokens (and block16(), 16 ASCII
 * bytes at a time with SSE2, for runs of letters and single spaces), word_run() for ASCII
 * letters and digits inside a token, letter_run8() for letters of other scripts.  They must
 * give exactly what the general path gives; idt__norm_reference switches them off so that
 * tests/unit/text and fuzz/fuzz_normalize.c can compare.  bench/bench_norm measures the pass
 * (about 1.3x the speed of ICU's NFKC_Casefold on mostly-ASCII listings).
 *
 * The offset map costs 5 bytes per folded byte: `ost` (uint32, the original offset of the
 * character that produced the byte) and `oln` (uint8, the original length of that character,
 * including combining marks that followed it, up to 254).  oln == OLN_RUN marks an ASCII letter
 * that stands for a run of collapsed letters; its count and original end are in the run table
 * (12 bytes per collapsed run, sorted by folded position).  All bytes of one folded unit (a
 * multi-byte letter, or the several bytes of a fold like "ß" → "ss") share the same ost/oln.
 *
 * Memory: the buffers grow in steps while a text is normalised and are kept for the next call;
 * the folded text may not exceed the cap given to idt_norm_new() (IDT_ELIMIT), and the buffers
 * never exceed it by more than one 64 KiB input chunk.  The scratch unit buffers of the slow
 * path hold at most 64 KiB worth of units (SLOW_MAX).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"
#include "util/util.h"

#define OLN_RUN       255u
#define OLN_MAX       254u
#define CHUNK         65536u
#define DEFAULT_CAP   ((size_t)64 << 20)
#define NONASCII_ROOM 80u /* >= the largest fold (63 bytes) plus spaces around it */
/* Tokens and glue runs longer than this many folded bytes are not taken back out (leet folding,
 * gluing): that bounds the scratch unit buffers (24 bytes a unit) to ~1.5 MB each.  Nothing
 * that long is a word. */
#define SLOW_MAX 65536u

/* ---------------------------------------------------------------------------------------
 * Types
 * --------------------------------------------------------------------------------------- */

typedef struct run {
	uint32_t pos;   /* folded position of the letter */
	uint32_t count; /* letters collapsed into it, >= 1 */
	uint32_t oend;  /* original end of the last of them (plus marks) */
} run;

/* One folded unit, when a token or glue run is taken back out of the buffer. */
enum { U_LETTER, U_DIGIT, U_SYM, U_SPACE, U_OLETTER, U_OSYM };
typedef struct unit {
	uint32_t pos;   /* folded position it had */
	uint32_t ost;   /* original start */
	uint32_t oend;  /* original end */
	uint32_t count; /* collapsed letters */
	uint8_t kind;   /* U_* */
	uint8_t nb;     /* bytes in b */
	uint8_t glue;   /* U_OLETTER: a cased letter that may be glued */
	char b[4];      /* folded bytes */
} unit;

typedef struct unitvec {
	unit *v; /* owned */
	size_t n, cap;
} unitvec;

struct idt_norm {
	char *out;     /* owned; folded text, `cap` bytes */
	uint32_t *ost; /* owned; original start per folded byte */
	uint8_t *oln;  /* owned; original length per folded byte, or OLN_RUN */
	size_t len;    /* folded bytes */
	size_t cap;    /* bytes allocated in out (and entries in ost, oln) */
	size_t limit;  /* maximum len */
	run *runs;     /* owned; sorted by pos */
	size_t nruns, runs_cap;
	unitvec tmp_tok;      /* scratch: a token being leet-folded */
	unitvec tmp_glue;     /* scratch: a glue run being joined */
	size_t ninvalid;      /* invalid UTF-8 bytes in the last input */
	size_t first_invalid; /* offset of the first, 0 when none */
};

/* The state of one idt_normalize() call. */
typedef struct nstate {
	idt_norm *n;
	const idt_folder *f;
	/* current token */
	bool in_tok;
	int last_c;           /* folded ASCII letter at len-1 that the next one may merge with */
	size_t tok_start;     /* folded position of the token's first byte */
	size_t last_unit;     /* folded position of the token's last unit */
	unsigned tok_letters; /* ASCII letters written in the token */
	unsigned tok_units;   /* units written in the token (pending symbols excepted) */
	uint8_t tok_kind1;    /* U_* of the token's first unit */
	bool tok_glue1;       /* the first unit is a glueable non-ASCII letter */
	bool tok_leetd;       /* a leet digit came after an ASCII letter */
	bool tok_sym;         /* a leet symbol stands between word characters */
	unsigned pend_sym;    /* leet symbols at the token's end, written tentatively */
	/* separators */
	bool need_space; /* a token ended: the next one starts with a space */
	bool sp_set;     /* a separator was seen since: sp_ost/sp_oln are its bytes */
	uint32_t sp_ost;
	uint8_t sp_oln;
	/* glue run of single-letter tokens */
	bool g_active;
	size_t g_start;                /* folded position of the run's first letter */
	size_t g_end;                  /* folded end of the run's last letter */
	unsigned g_letters;            /* letters in the run */
	uint32_t g_last_oend;          /* original end of the run's last member */
	bool g_gap_set;                /* g_gap_* hold the run's first non-empty separator */
	uint32_t g_gap_ost, g_gap_len; /* its original bytes */
	const unsigned char *in;       /* the original text */
} nstate;

/* ASCII classes. */
enum { C_SEP, C_LETTER, C_DIGIT, C_LEETD, C_SYM };

static const uint8_t ascii_cls[256] = {
    ['a'] = C_LETTER, ['b'] = C_LETTER, ['c'] = C_LETTER, ['d'] = C_LETTER, ['e'] = C_LETTER,
    ['f'] = C_LETTER, ['g'] = C_LETTER, ['h'] = C_LETTER, ['i'] = C_LETTER, ['j'] = C_LETTER,
    ['k'] = C_LETTER, ['l'] = C_LETTER, ['m'] = C_LETTER, ['n'] = C_LETTER, ['o'] = C_LETTER,
    ['p'] = C_LETTER, ['q'] = C_LETTER, ['r'] = C_LETTER, ['s'] = C_LETTER, ['t'] = C_LETTER,
    ['u'] = C_LETTER, ['v'] = C_LETTER, ['w'] = C_LETTER, ['x'] = C_LETTER, ['y'] = C_LETTER,
    ['z'] = C_LETTER, ['A'] = C_LETTER, ['B'] = C_LETTER, ['C'] = C_LETTER, ['D'] = C_LETTER,
    ['E'] = C_LETTER, ['F'] = C_LETTER, ['G'] = C_LETTER, ['H'] = C_LETTER, ['I'] = C_LETTER,
    ['J'] = C_LETTER, ['K'] = C_LETTER, ['L'] = C_LETTER, ['M'] = C_LETTER, ['N'] = C_LETTER,
    ['O'] = C_LETTER, ['P'] = C_LETTER, ['Q'] = C_LETTER, ['R'] = C_LETTER, ['S'] = C_LETTER,
    ['T'] = C_LETTER, ['U'] = C_LETTER, ['V'] = C_LETTER, ['W'] = C_LETTER, ['X'] = C_LETTER,
    ['Y'] = C_LETTER, ['Z'] = C_LETTER, ['0'] = C_LEETD,  ['1'] = C_LEETD,  ['2'] = C_DIGIT,
    ['3'] = C_LEETD,  ['4'] = C_LEETD,  ['5'] = C_LEETD,  ['6'] = C_DIGIT,  ['7'] = C_LEETD,
    ['8'] = C_LEETD,  ['9'] = C_DIGIT,  ['@'] = C_SYM,    ['$'] = C_SYM,    ['!'] = C_SYM,
    ['|'] = C_SYM,
};

/* The letter a leet digit or symbol stands for (text_int.h). */
char idt__leet_letter(char c)
{
	switch (c) {
	case '0': return 'o';
	case '1': return 'i';
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '8': return 'b';
	case '@': return 'a';
	case '$': return 's';
	case '!': return 'i';
	case '|': return 'l';
	default: return 0;
	}
}

/* ---------------------------------------------------------------------------------------
 * Buffers
 * --------------------------------------------------------------------------------------- */

idt_status idt_norm_new(size_t cap, idt_norm **out)
{
	if (!out) return IDT_EINVAL;
	*out = NULL;
	idt_norm *n = calloc(1, sizeof *n);
	if (!n) return IDT_ENOMEM;
	n->limit = cap ? cap : DEFAULT_CAP;
	if (n->limit > UINT32_MAX - 2 * CHUNK) n->limit = UINT32_MAX - 2 * CHUNK;
	*out = n;
	return IDT_OK;
}

void idt_norm_free(idt_norm *n)
{
	if (!n) return;
	free(n->out);
	free(n->ost);
	free(n->oln);
	free(n->runs);
	free(n->tmp_tok.v);
	free(n->tmp_glue.v);
	free(n);
}

/* Makes room for `need` folded bytes.  The three arrays grow together; on failure they keep
 * their old size and contents. */
static idt_status reserve(idt_norm *n, size_t need)
{
	if (need <= n->cap) return IDT_OK;
	if (need > n->limit + 2 * CHUNK) return IDT_ELIMIT;
	size_t nc = n->cap ? n->cap + n->cap / 2 : 4096;
	if (nc < need) nc = need;
	char *o = realloc(n->out, nc);
	if (!o) return IDT_ENOMEM;
	n->out = o;
	uint32_t *s = realloc(n->ost, nc * sizeof *s);
	if (!s) return IDT_ENOMEM;
	n->ost = s;
	uint8_t *l = realloc(n->oln, nc);
	if (!l) return IDT_ENOMEM;
	n->oln = l;
	n->cap = nc;
	return IDT_OK;
}

static idt_status push_run(idt_norm *n, uint32_t pos, uint32_t count, uint32_t oend)
{
	if (n->nruns == n->runs_cap) {
		size_t nc = n->runs_cap ? n->runs_cap * 2 : 256;
		run *r = realloc(n->runs, nc * sizeof *r);
		if (!r) return IDT_ENOMEM;
		n->runs = r;
		n->runs_cap = nc;
	}
	n->runs[n->nruns++] = (run){pos, count, oend};
	return IDT_OK;
}

/* Makes room for `need` units in v. */
static idt_status unit_reserve(unitvec *v, size_t need)
{
	if (need <= v->cap) return IDT_OK;
	size_t nc = v->cap ? v->cap * 2 : 64;
	if (nc < need) nc = need;
	unit *p = realloc(v->v, nc * sizeof *p);
	if (!p) return IDT_ENOMEM;
	v->v = p;
	v->cap = nc;
	return IDT_OK;
}

/* The run entry of folded position pos (which is marked OLN_RUN), by binary search. */
static const run *find_run(const idt_norm *n, size_t pos)
{
	size_t lo = 0, hi = n->nruns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->runs[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n->nruns && n->runs[lo].pos == pos ? &n->runs[lo] : NULL;
}

/* ---------------------------------------------------------------------------------------
 * Writing units
 * --------------------------------------------------------------------------------------- */

/* Writes nb bytes b produced by the original span [ost, oend) (oend - ost <= OLN_MAX). */
static inline void put(idt_norm *n, const char *b, size_t nb, uint32_t ost, uint32_t oend)
{
	for (size_t k = 0; k < nb; k++) {
		n->out[n->len] = b[k];
		n->ost[n->len] = ost;
		n->oln[n->len] = (uint8_t)(oend - ost);
		n->len++;
	}
}

/* Merges one more letter (original end oend, count letters) into the letter at len-1. */
static inline idt_status merge_letter(idt_norm *n, uint32_t count, uint32_t oend)
{
	size_t p = n->len - 1;
	if (n->oln[p] == OLN_RUN) {
		run *r = &n->runs[n->nruns - 1]; /* the last letter holds the last run */
		r->count += count;
		r->oend = oend;
		return IDT_OK;
	}
	n->oln[p] = OLN_RUN;
	return push_run(n, (uint32_t)p, 1 + count, oend);
}

/* Writes a unit taken out earlier, merging repeated letters.  *last_c tracks the letter at
 * len-1 that may merge (-1: none). */
static inline idt_status emit_unit(idt_norm *n, const unit *u, int *last_c)
{
	if (u->kind == U_LETTER && *last_c == (unsigned char)u->b[0])
		return merge_letter(n, u->count, u->oend);
	if (u->count > 1 || u->oend - u->ost > OLN_MAX) {
		size_t p = n->len;
		put(n, u->b, 1, u->ost, u->ost);
		n->oln[p] = OLN_RUN;
		*last_c = u->kind == U_LETTER ? (unsigned char)u->b[0] : -1;
		return push_run(n, (uint32_t)p, u->count, u->oend);
	}
	put(n, u->b, u->nb, u->ost, u->oend);
	*last_c = u->kind == U_LETTER ? (unsigned char)u->b[0] : -1;
	return IDT_OK;
}

/* Takes the folded bytes [from, len) back out as units into v, and truncates the buffer (and
 * the run table) to `from`. */
static idt_status take_units(nstate *st, size_t from, unitvec *v)
{
	idt_norm *n = st->n;
	size_t r = n->nruns;
	while (r > 0 && n->runs[r - 1].pos >= from) r--;
	size_t r0 = r;
	v->n = 0;
	/* at most one unit per folded byte */
	idt_status rs = unit_reserve(v, n->len - from);
	if (rs != IDT_OK) return rs;
	for (size_t j = from; j < n->len;) {
		unsigned char c = (unsigned char)n->out[j];
		unit u = {.pos = (uint32_t)j, .ost = n->ost[j], .count = 1, .nb = 1};
		if (c < 0x80) {
			u.b[0] = (char)c;
			switch (c == ' ' ? C_SEP : ascii_cls[c]) {
			case C_LETTER: u.kind = U_LETTER; break;
			case C_DIGIT:
			case C_LEETD: u.kind = U_DIGIT; break;
			case C_SYM: u.kind = U_SYM; break;
			default: u.kind = U_SPACE; break;
			}
		} else {
			uint32_t cp = 0;
			size_t k =
			    idt__utf8_decode((const unsigned char *)n->out + j, n->len - j, &cp);
			if (k == 0) k = 1; /* cannot happen: the folded text is valid UTF-8 */
			memcpy(u.b, n->out + j, k);
			u.nb = (uint8_t)k;
			uint32_t e = idt__fold_entry(st->f, cp);
			u.kind = (e & FOLD_KIND_MASK) == FOLD_SYMBOL ? U_OSYM : U_OLETTER;
			u.glue = (e & FOLD_GLUE) != 0;
		}
		if (n->oln[j] == OLN_RUN) {
			u.count = n->runs[r].count;
			u.oend = n->runs[r].oend;
			r++;
		} else {
			u.oend = n->ost[j] + n->oln[j];
		}
		v->v[v->n++] = u;
		j += u.nb;
	}
	n->len = from;
	n->nruns = r0;
	return IDT_OK;
}

/* ---------------------------------------------------------------------------------------
 * Glue runs: "c.o.c.a.i.n.e" → "cocaine"
 * --------------------------------------------------------------------------------------- */

/* Ends the glue run.  With >= 3 letters, the spaces between its tokens are removed and leet
 * digits standing alone between them become letters; whatever followed the run is re-emitted
 * unchanged. */
static idt_status glue_flush(nstate *st)
{
	if (!st->g_active) return IDT_OK;
	st->g_active = false;
	if (st->g_letters < 3) return IDT_OK;
	idt_norm *n = st->n;
	unitvec *v = &n->tmp_glue;
	idt_status s = take_units(st, st->g_start, v);
	if (s != IDT_OK) return s;
	int last_c = -1;
	for (size_t k = 0; k < v->n && s == IDT_OK; k++) {
		unit *u = &v->v[k];
		if (u->pos < st->g_end) {
			if (u->kind == U_SPACE) continue;
			if (u->kind == U_DIGIT) {
				u->b[0] = idt__leet_letter(u->b[0]);
				u->kind = U_LETTER;
			}
		}
		s = emit_unit(n, u, &last_c);
	}
	return s;
}

/* The original end of the unit whose last byte is folded position j. */
static inline uint32_t byte_oend(const idt_norm *n, size_t j)
{
	if (n->oln[j] != OLN_RUN) return n->ost[j] + n->oln[j];
	const run *r = find_run(n, j);
	return r ? r->oend : n->ost[j] + 1;
}

/* Whether the original separator between the run's last member and the token starting at
 * folded position start is the same as the run's first one ("c.o.c.a.i.n.e x" glues only the
 * dotted letters).  The first gap is recorded. */
static bool glue_gap_matches(nstate *st, size_t start)
{
	uint32_t a = st->g_last_oend, b = st->n->ost[start];
	if (b <= a) return true; /* both from one character ("℀" → "a c") */
	if (!st->g_gap_set) {
		st->g_gap_set = true;
		st->g_gap_ost = a;
		st->g_gap_len = b - a;
		return true;
	}
	if (b - a != st->g_gap_len) return false;
	for (uint32_t k = 0; k < b - a; k++) /* gaps are short: no call */
		if (st->in[a + k] != st->in[st->g_gap_ost + k]) return false;
	return true;
}

/* Records a finished token [start, len) of `units` units for gluing. */
static idt_status glue_token(nstate *st, size_t start, unsigned units, uint8_t kind1, bool glue1)
{
	idt_norm *n = st->n;
	bool letter = units == 1 && (kind1 == U_LETTER || (kind1 == U_OLETTER && glue1));
	bool weak = units == 1 && kind1 == U_DIGIT && idt__leet_letter(n->out[start]) != 0;
	if ((letter || weak) && st->g_active &&
	    (n->len - st->g_start > SLOW_MAX || !glue_gap_matches(st, start))) {
		/* a different separator (or a run too long): the run so far ends before this
		 * token */
		size_t tl = n->len - start;
		idt_status s = glue_flush(st);
		if (s != IDT_OK) return s;
		start = n->len - tl;
	}
	if (letter) {
		if (!st->g_active) {
			st->g_active = true;
			st->g_start = start;
			st->g_letters = 0;
			st->g_gap_set = false;
		}
		st->g_letters++;
		st->g_end = n->len;
		st->g_last_oend = byte_oend(n, n->len - 1);
		return IDT_OK;
	}
	if (weak && st->g_active) {
		st->g_last_oend = byte_oend(n, n->len - 1);
		return IDT_OK;
	}
	return glue_flush(st);
}

/* ---------------------------------------------------------------------------------------
 * Tokens
 * --------------------------------------------------------------------------------------- */

/*
 * Leet folding of a token's units, segment by segment (a segment is a maximal run of ASCII
 * units; other letters delimit segments).  In a segment with >= 2 ASCII letters: its leading
 * digits stay digits (a number with its unit: "100mg", "25i", "2c"); a run of digits inside it
 * folds when it is at most 2 long ("w33d"), a run at its end when it is 1 long ("k3t4m1n3";
 * "oxy30" stays); symbols between word characters fold ("f3nt@nyl").  In a segment with fewer
 * letters nothing folds and its symbols become separators ("a@1" → "a 1").  Returns whether a
 * symbol became a separator.
 */
static bool leet_fold(unit *u, size_t m)
{
	bool split = false;
	for (size_t a = 0; a < m;) {
		if (u[a].kind == U_OLETTER || u[a].kind == U_OSYM) {
			a++;
			continue;
		}
		size_t b = a;
		unsigned letters = 0;
		for (; b < m && u[b].kind != U_OLETTER && u[b].kind != U_OSYM; b++)
			letters += u[b].kind == U_LETTER;
		if (letters < 2) {
			for (size_t j = a; j < b; j++)
				if (u[j].kind == U_SYM) {
					u[j].kind = U_SPACE;
					u[j].b[0] = ' ';
					split = true;
				}
			a = b;
			continue;
		}
		size_t j = a;
		while (j < b && u[j].kind == U_DIGIT) j++;
		while (j < b) {
			if (u[j].kind == U_SYM) {
				u[j].b[0] = idt__leet_letter(u[j].b[0]);
				u[j].kind = U_LETTER;
				j++;
				continue;
			}
			if (u[j].kind != U_DIGIT) {
				j++;
				continue;
			}
			size_t r = j;
			while (r < b && u[r].kind == U_DIGIT) r++;
			bool fold = r == b ? r - j == 1 : r - j <= 2;
			for (; fold && j < r; j++) {
				char l = idt__leet_letter(u[j].b[0]);
				if (l) {
					u[j].b[0] = l;
					u[j].kind = U_LETTER;
				}
			}
			j = r;
		}
		a = b;
	}
	return split;
}

/* The slow end of a token that needs leet folding: take it out, fold, put it back (as several
 * tokens when symbols became separators), and record each for gluing. */
static idt_status tok_end_slow(nstate *st)
{
	idt_norm *n = st->n;
	unitvec *v = &n->tmp_tok;
	idt_status s = take_units(st, st->tok_start, v);
	if (s != IDT_OK) return s;
	leet_fold(v->v, v->n);
	int last_c = -1;
	size_t start = n->len, units = 0;
	uint8_t kind1 = 0;
	bool glue1 = false;
	for (size_t k = 0; k < v->n; k++) {
		const unit *u = &v->v[k];
		if (u->kind == U_SPACE) {
			if (units == 0) continue;
			s = glue_token(st, start, (unsigned)units, kind1, glue1);
			if (s != IDT_OK) return s;
			unit sp = *u;
			s = emit_unit(n, &sp, &last_c);
			start = n->len;
			units = 0;
			continue;
		}
		size_t before = n->len;
		s = emit_unit(n, u, &last_c);
		if (s != IDT_OK) return s;
		if (n->len != before) {
			if (units++ == 0) {
				kind1 = u->kind;
				glue1 = u->glue;
			}
		}
	}
	if (units == 0) return IDT_OK;
	return glue_token(st, start, (unsigned)units, kind1, glue1);
}

/* Ends the current token, if any. */
static idt_status tok_end(nstate *st)
{
	if (!st->in_tok) return IDT_OK;
	idt_norm *n = st->n;
	st->in_tok = false;
	st->last_c = -1;
	st->need_space = true;
	st->sp_set = false;
	n->len -= st->pend_sym; /* symbols at a token's end are separators */
	st->pend_sym = 0;
	if ((st->tok_sym || (st->tok_leetd && st->tok_letters >= 2)) &&
	    n->len - st->tok_start <= SLOW_MAX)
		return tok_end_slow(st);
	return glue_token(st, st->tok_start, st->tok_units, st->tok_kind1, st->tok_glue1);
}

/* Starts a token whose first character is the original byte at i. */
static inline void tok_begin(nstate *st, size_t i)
{
	idt_norm *n = st->n;
	if (st->need_space && n->len > 0) {
		size_t o = n->len++;
		n->out[o] = ' ';
		n->ost[o] = st->sp_set ? st->sp_ost : (uint32_t)i;
		n->oln[o] = st->sp_set ? st->sp_oln : 0;
	}
	st->need_space = false;
	st->sp_set = false;
	st->in_tok = true;
	st->last_c = -1;
	st->tok_start = n->len;
	st->tok_letters = 0;
	st->tok_units = 0;
	st->tok_leetd = false;
	st->tok_sym = false;
	st->pend_sym = 0;
}

/* A separator character at original [i, i+k). */
static inline idt_status sep(nstate *st, size_t i, size_t k)
{
	idt_status s = tok_end(st);
	if (!st->sp_set) {
		st->sp_set = true;
		st->sp_ost = (uint32_t)i;
		st->sp_oln = (uint8_t)k;
	}
	return s;
}

/* Notes a new unit of kind `kind` at folded position pos in the current token. */
static inline void tok_unit(nstate *st, size_t pos, uint8_t kind, bool glue)
{
	if (st->pend_sym) {
		/* the symbols before this unit stand between word characters */
		st->tok_units += st->pend_sym;
		st->pend_sym = 0;
		st->tok_sym = true;
	}
	if (st->tok_units++ == 0) {
		st->tok_kind1 = kind;
		st->tok_glue1 = glue;
	}
	st->last_unit = pos;
}

/* One ASCII character c (already classified as cls) produced by original [i, i+k). */
static idt_status ascii_char(nstate *st, int cls, char c, size_t i, size_t k)
{
	idt_norm *n = st->n;
	uint32_t o = (uint32_t)i, oe = (uint32_t)(i + k);
	switch (cls) {
	case C_LETTER:
		if (c >= 'A' && c <= 'Z') c = (char)(c | 0x20);
		if (!st->in_tok) tok_begin(st, i);
		if (st->last_c == c && !st->pend_sym) return merge_letter(n, 1, oe);
		tok_unit(st, n->len, U_LETTER, false);
		put(n, &c, 1, o, oe);
		st->last_c = c;
		st->tok_letters++;
		return IDT_OK;
	case C_LEETD:
		if (st->in_tok && st->tok_letters > 0) st->tok_leetd = true;
		/* fall through */
	case C_DIGIT:
		if (!st->in_tok) tok_begin(st, i);
		tok_unit(st, n->len, U_DIGIT, false);
		put(n, &c, 1, o, oe);
		st->last_c = -1;
		return IDT_OK;
	case C_SYM:
		if (!st->in_tok) return sep(st, i, k);
		put(n, &c, 1, o, oe);
		st->pend_sym++;
		st->last_c = -1;
		return IDT_OK;
	default: return sep(st, i, k);
	}
}

/* A combining mark at original [i, i+k): its bytes join the last unit's span. */
static idt_status mark(nstate *st, size_t i, size_t k)
{
	idt_norm *n = st->n;
	if (!st->in_tok || n->len == 0 || st->pend_sym) return IDT_OK;
	uint32_t oe = (uint32_t)(i + k);
	size_t p = st->last_unit;
	if (n->oln[n->len - 1] == OLN_RUN) {
		n->runs[n->nruns - 1].oend = oe;
		return IDT_OK;
	}
	if (oe - n->ost[p] > OLN_MAX) return IDT_OK;
	for (size_t j = p; j < n->len; j++) n->oln[j] = (uint8_t)(oe - n->ost[j]);
	return IDT_OK;
}

/* A code point >= 0x80 at original [i, i+k). */
static idt_status nonascii(nstate *st, uint32_t cp, size_t i, size_t k)
{
	idt_norm *n = st->n;
	uint32_t e = idt__fold_entry(st->f, cp);
	idt_status s = IDT_OK;
	switch (e & FOLD_KIND_MASK) {
	case FOLD_DROP: return IDT_OK;
	case FOLD_MARK: return mark(st, i, k);
	case FOLD_SEP: return sep(st, i, k);
	case FOLD_LETTER:
		if (!st->in_tok) tok_begin(st, i);
		tok_unit(st, n->len, U_OLETTER, (e & FOLD_GLUE) != 0);
		{
			char b[4];
			size_t nb = idt__utf8_encode(cp, b);
			put(n, b, nb, (uint32_t)i, (uint32_t)(i + k));
		}
		st->last_c = -1;
		return IDT_OK;
	case FOLD_SYMBOL: {
		s = tok_end(st);
		if (s == IDT_OK) s = glue_flush(st);
		if (s != IDT_OK) return s;
		if (n->len > 0) {
			if (st->sp_set)
				put(n, " ", 1, st->sp_ost, st->sp_ost + st->sp_oln);
			else
				put(n, " ", 1, (uint32_t)i, (uint32_t)i);
		}
		char b[4];
		size_t nb = idt__utf8_encode(cp, b);
		put(n, b, nb, (uint32_t)i, (uint32_t)(i + k));
		st->need_space = true;
		st->sp_set = false;
		return IDT_OK;
	}
	default: break;
	}
	/* FOLD_MAP: each character of the replacement comes from the whole original [i, i+k). */
	const char *p = st->f->pool + FOLD_OFF(e), *end = p + FOLD_LEN(e);
	while (p < end && s == IDT_OK) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			s = ascii_char(st, c == ' ' ? C_SEP : ascii_cls[c], (char)c, i, k);
			p++;
			continue;
		}
		uint32_t sub = 0;
		size_t m = idt__utf8_decode((const unsigned char *)p, (size_t)(end - p), &sub);
		if (m == 0) break; /* cannot happen: the pool is valid UTF-8 */
		uint32_t se = idt__fold_entry(st->f, sub);
		if ((se & FOLD_KIND_MASK) == FOLD_SYMBOL) {
			s = nonascii(st, sub, i, k);
		} else {
			if (!st->in_tok) tok_begin(st, i);
			tok_unit(st, n->len, U_OLETTER, (se & FOLD_GLUE) != 0);
			put(n, p, m, (uint32_t)i, (uint32_t)(i + k));
			st->last_c = -1;
		}
		p += m;
	}
	return s;
}

/* ---------------------------------------------------------------------------------------
 * The pass
 * --------------------------------------------------------------------------------------- */

/* The word characters of the hot loop: lower-case letters and digits; 0 for anything else. */
static const char word_char[256] = {
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z', ['A'] = 'a', ['B'] = 'b',
    ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i',
    ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p',
    ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w',
    ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z', ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3',
    ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
};

/*
 * The hot loop: copies the run of ASCII letters and digits at p[i..end) into the current token,
 * merging repeated letters.  Returns where the run stopped.  The buffers are held in locals so
 * that the stores into the folded text (char, which may alias anything) do not force reloads
 * of the state.
 */
static inline size_t word_run(const unsigned char *p, size_t i, size_t end, nstate *st, idt_norm *n)
{
	char *out = n->out;
	uint32_t *ost = n->ost;
	uint8_t *oln = n->oln;
	size_t o = n->len, o0 = o, j = i;
	int last = st->last_c;
	unsigned letters = st->tok_letters;
	bool leetd = st->tok_leetd;
	while (j < end) {
		/* the innermost loop: letters that do not repeat the one before */
		size_t ol = o;
		int c;
		while (j < end && (c = word_char[p[j]]) >= 'a' && c != last) {
			out[o] = (char)c;
			ost[o] = (uint32_t)j;
			oln[o] = 1;
			o++;
			j++;
			last = c;
		}
		letters += (unsigned)(o - ol);
		if (j == end) break;
		c = word_char[p[j]];
		if (c == 0) break;
		if (c == last) {
			/* a repeated letter: merge it (rare enough for a call) */
			n->len = o;
			if (merge_letter(n, 1, (uint32_t)j + 1) != IDT_OK) break;
			j++;
			continue;
		}
		/* a digit */
		out[o] = (char)c;
		ost[o] = (uint32_t)j;
		oln[o] = 1;
		o++;
		j++;
		leetd |= letters > 0 && ascii_cls[c] == C_LEETD;
		last = -1;
	}
	n->len = o;
	st->last_c = last;
	if (o > o0) st->last_unit = o - 1;
	st->tok_letters = letters;
	st->tok_units += (unsigned)(o - o0);
	st->tok_leetd = leetd;
	return j;
}

/* The bytes of the branch-free loop: lower-case letters, ' ' for separators, 0 for the rest
 * (digits, leet symbols, non-ASCII), which leave it. */
static const char fast_char[128] = {
    [0] = ' ',   [1] = ' ',   [2] = ' ',    [3] = ' ',   [4] = ' ',    [5] = ' ',   [6] = ' ',
    [7] = ' ',   [8] = ' ',   [9] = ' ',    [10] = ' ',  [11] = ' ',   [12] = ' ',  [13] = ' ',
    [14] = ' ',  [15] = ' ',  [16] = ' ',   [17] = ' ',  [18] = ' ',   [19] = ' ',  [20] = ' ',
    [21] = ' ',  [22] = ' ',  [23] = ' ',   [24] = ' ',  [25] = ' ',   [26] = ' ',  [27] = ' ',
    [28] = ' ',  [29] = ' ',  [30] = ' ',   [31] = ' ',  [' '] = ' ',  ['"'] = ' ', ['#'] = ' ',
    ['%'] = ' ', ['&'] = ' ', ['\''] = ' ', ['('] = ' ', [')'] = ' ',  ['*'] = ' ', ['+'] = ' ',
    [','] = ' ', ['-'] = ' ', ['.'] = ' ',  ['/'] = ' ', [':'] = ' ',  [';'] = ' ', ['<'] = ' ',
    ['='] = ' ', ['>'] = ' ', ['?'] = ' ',  ['['] = ' ', ['\\'] = ' ', [']'] = ' ', ['^'] = ' ',
    ['_'] = ' ', ['`'] = ' ', ['{'] = ' ',  ['}'] = ' ', ['~'] = ' ',  [127] = ' ', ['a'] = 'a',
    ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',  ['e'] = 'e', ['f'] = 'f',  ['g'] = 'g', ['h'] = 'h',
    ['i'] = 'i', ['j'] = 'j', ['k'] = 'k',  ['l'] = 'l', ['m'] = 'm',  ['n'] = 'n', ['o'] = 'o',
    ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',  ['s'] = 's', ['t'] = 't',  ['u'] = 'u', ['v'] = 'v',
    ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',  ['z'] = 'z', ['A'] = 'a',  ['B'] = 'b', ['C'] = 'c',
    ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',  ['G'] = 'g', ['H'] = 'h',  ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm',  ['N'] = 'n', ['O'] = 'o',  ['P'] = 'p', ['Q'] = 'q',
    ['R'] = 'r', ['S'] = 's', ['T'] = 't',  ['U'] = 'u', ['V'] = 'v',  ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z',
};

/* Decodes the UTF-8 sequence at p[0..n) (n >= 1, p[0] >= 0x80); returns its length, 0 if
 * invalid.  The same rules as idt__utf8_decode(), inline for the hot path. */
static inline size_t decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	if (c >= 0xC2 && c <= 0xDF && n >= 2 && (p[1] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F)) return 0;
		*cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		return 3;
	}
	return idt__utf8_decode(p, n, cp);
}

int idt__norm_reference;

#ifdef __SSE2__
#include <emmintrin.h>

/*
 * How many of the 16 bytes at p (p[16] readable) the block path may take: a prefix made of
 * ASCII letters and single spaces, where no letter repeats the one before (that needs a
 * merge), no space follows a separator, and no single-letter token ends (that needs the glue
 * logic).  `prev` is the folded byte before p (' ' between tokens), `toklen` the length of the
 * token it ends.
 */
static inline size_t block16(const unsigned char *p, int prev, unsigned toklen)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i lv = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lv, _mm_set1_epi8('a' - 1)),
	                               _mm_cmplt_epi8(lv, _mm_set1_epi8('z' + 1)));
	__m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
	unsigned ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, space));
	unsigned sp = (unsigned)_mm_movemask_epi8(space);
	/* a byte equal to the one before: a repeated letter, or a second separator */
	unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(lv, _mm_slli_si128(lv, 1)));
	unsigned bad = (~ok & 0xFFFFu) | (eq & 0xFFFEu);
	if ((p[0] | 0x20) == prev || (p[0] == ' ' && prev == ' ')) bad |= 1;
	/* single-letter tokens: a letter with separators on both sides */
	unsigned sx = (sp << 1) | (prev == ' ') |
	              ((unsigned)(fast_char[p[16] & 0x7F] == ' ' && p[16] < 0x80) << 17);
	bad |= (sx & (sx >> 2) & ~(sx >> 1)) & 0xFFFFu;
	if (prev != ' ' && toklen == 1 && (sp & 1)) bad |= 1;
	return bad ? (size_t)__builtin_ctz(bad) : 16;
}

/* Writes the 16 folded bytes of p (letters lower-cased, spaces kept) and their map entries
 * (starts base.., lengths 1).  Returns the mask of spaces. */
static inline unsigned block16_store(const unsigned char *p, char *out, uint32_t *ost, uint8_t *oln,
                                     uint32_t base)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i lv = _mm_or_si128(v, _mm_set1_epi8(0x20));
	_mm_storeu_si128((__m128i *)out, lv);
	_mm_storeu_si128((__m128i *)oln, _mm_set1_epi8(1));
	__m128i b = _mm_add_epi32(_mm_set1_epi32((int)base), _mm_setr_epi32(0, 1, 2, 3));
	__m128i four = _mm_set1_epi32(4);
	for (int k = 0; k < 4; k++) {
		_mm_storeu_si128((__m128i *)(ost + 4 * k), b);
		b = _mm_add_epi32(b, four);
	}
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
}
#endif

/* Whether the FOLD_MAP entry e replaces its character by exactly one letter of another script
 * (no longer than the original, so the room check holds); its own entry goes to *le. */
static inline bool map_to_letter(const idt_folder *f, uint32_t e, uint32_t *le)
{
	const unsigned char *r = (const unsigned char *)f->pool + FOLD_OFF(e);
	size_t rl = FOLD_LEN(e);
	if (rl < 2 || rl > 4 || r[0] < 0xC2) return false;
	uint32_t cp;
	if (decode(r, rl, &cp) != rl) return false;
	*le = idt__fold_entry(f, cp);
	return (*le & FOLD_KIND_MASK) == FOLD_LETTER;
}

/* `prev` in fast_run() after a unit that never merges with the next (a digit, a letter of
 * another script): equal to no byte. */
#define PREV_OTHER 0x100

/*
 * The fast loop, entered between tokens.  It takes the common characters itself: ASCII letters
 * and separators (16 at a time when it can, see block16()), digits that start a token ("100mg",
 * "25i"), letters of other scripts that stay as they are or fold to one ASCII letter, dropped
 * characters, other separators and symbols.  Every character is written at the end of the
 * folded text; for separators the end advances only after a word, without a branch, so the
 * length of a word costs no mispredicted branch.  A token that ends as a single letter or
 * digit, or while a glue run is open, takes a call to the glue logic.
 *
 * It stops at what needs the general path: a digit after an ASCII letter (leetspeak?), a leet
 * symbol inside a token, a combining mark, a multi-character fold, invalid UTF-8.  It returns
 * where it stopped, with the state converted back for the general path: inside a token, or
 * between tokens with the space pending.  The general path alone gives the same result
 * (idt__norm_reference; tests/unit/text and fuzz_normalize compare them).
 */
static size_t fast_run(const unsigned char *p, size_t i, size_t end, nstate *st, idt_norm *n)
{
	const idt_folder *f = st->f;
	char *out = n->out;
	uint32_t *ost = n->ost;
	uint8_t *oln = n->oln;
	size_t o = n->len, j = i;
	int prev = ' ';
	if (o > 0) {
		/* the pending space, written ahead; a separator run stops on it */
		out[o] = ' ';
		ost[o] = st->sp_set ? st->sp_ost : (uint32_t)i;
		oln[o] = st->sp_set ? st->sp_oln : 0;
		o++;
	}
	size_t tstart = o, lu = o;
	unsigned toklen = 0, aletters = 0;
	uint8_t k1 = U_LETTER;
	bool g1 = false, g_active = st->g_active;
	uint32_t out_cp_entry = 0;

/* A separator character at original [J, J+K). */
#define FAST_SEP(J, K)                                                                             \
	do {                                                                                       \
		bool adv_ = prev != ' ';                                                           \
		if (__builtin_expect(toklen == 1 || (toklen && g_active), 0)) {                    \
			n->len = o;                                                                \
			if (glue_token(st, tstart, toklen, k1, g1) != IDT_OK) goto stop;           \
			o = n->len;                                                                \
			g_active = st->g_active;                                                   \
		}                                                                                  \
		out[o] = ' ';                                                                      \
		ost[o] = (uint32_t)(J);                                                            \
		oln[o] = (uint8_t)(K);                                                             \
		o += adv_;                                                                         \
		tstart = o;                                                                        \
		toklen = 0;                                                                        \
		aletters = 0;                                                                      \
		prev = ' ';                                                                        \
	} while (0)

	for (;;) {
#ifdef __SSE2__
		if (j + 17 <= end && p[j] < 0x80 && !g_active && prev < 0x80) {
			size_t m = block16(p + j, prev, toklen);
			if (m > 0) {
				/* the first m bytes are letters and single spaces: write them all
				 */
				unsigned sp =
				    block16_store(p + j, out + o, ost + o, oln + o, (uint32_t)j) &
				    (unsigned)((1u << m) - 1);
				if (sp) {
					unsigned last = 31u - (unsigned)__builtin_clz(sp);
					tstart = o + last + 1;
					toklen = aletters = (unsigned)m - last - 1;
				} else {
					toklen += (unsigned)m;
					aletters += (unsigned)m;
				}
				if (toklen > 0 && (sp || toklen == m)) {
					k1 = U_LETTER; /* a token that starts in the block */
					g1 = false;
				}
				o += m;
				j += m;
				lu = o - 1;
				prev = fast_char[p[j - 1]];
				if (m == 16) continue;
			}
		}
#endif
		if (j >= end) break;
		unsigned char b = p[j];
		if (b < 0x80) {
			int cls = ascii_cls[b];
			if (cls == C_LETTER) {
				int c = b | 0x20;
				if (c == prev) {
					n->len = o;
					if (merge_letter(n, 1, (uint32_t)j + 1) != IDT_OK) break;
					j++;
					continue;
				}
				if (toklen == 0) {
					k1 = U_LETTER;
					g1 = false;
				}
				out[o] = (char)c;
				ost[o] = (uint32_t)j;
				oln[o] = 1;
				lu = o++;
				toklen++;
				aletters++;
				prev = c;
				j++;
				continue;
			}
			if (cls == C_SEP || (cls == C_SYM && prev == ' ')) {
				FAST_SEP(j, 1);
				j++;
				continue;
			}
			if (cls == C_SYM || aletters > 0) break; /* leetspeak may follow */
			if (toklen == 0) {
				k1 = U_DIGIT;
				g1 = false;
			}
			out[o] = (char)b;
			ost[o] = (uint32_t)j;
			oln[o] = 1;
			lu = o++;
			toklen++;
			prev = PREV_OTHER;
			j++;
			continue;
		}
		uint32_t cp;
		size_t k = decode(p + j, end - j, &cp);
		if (k == 0) break;
		uint32_t e = idt__fold_entry(f, cp);
		uint32_t kind = e & FOLD_KIND_MASK;
		if (kind == FOLD_LETTER) {
			if (toklen == 0) {
				k1 = U_OLETTER;
				g1 = (e & FOLD_GLUE) != 0;
			}
			for (size_t q = 0; q < k; q++) {
				out[o + q] = (char)p[j + q];
				ost[o + q] = (uint32_t)j;
				oln[o + q] = (uint8_t)k;
			}
			lu = o;
			o += k;
			toklen++;
			prev = PREV_OTHER;
		} else if (kind == FOLD_MAP && FOLD_LEN(e) == 1 &&
		           ascii_cls[(unsigned char)f->pool[FOLD_OFF(e)]] == C_LETTER) {
			int c = f->pool[FOLD_OFF(e)];
			if (c == prev) {
				n->len = o;
				if (merge_letter(n, 1, (uint32_t)(j + k)) != IDT_OK) break;
			} else {
				if (toklen == 0) {
					k1 = U_LETTER;
					g1 = false;
				}
				out[o] = (char)c;
				ost[o] = (uint32_t)j;
				oln[o] = (uint8_t)k;
				lu = o++;
				toklen++;
				aletters++;
				prev = c;
			}
		} else if (kind == FOLD_MAP && map_to_letter(f, e, &out_cp_entry)) {
			/* one letter of another script ("й" → "и") */
			const char *r = f->pool + FOLD_OFF(e);
			size_t rl = FOLD_LEN(e);
			if (toklen == 0) {
				k1 = U_OLETTER;
				g1 = (out_cp_entry & FOLD_GLUE) != 0;
			}
			for (size_t q = 0; q < rl; q++) {
				out[o + q] = r[q];
				ost[o + q] = (uint32_t)j;
				oln[o + q] = (uint8_t)k;
			}
			lu = o;
			o += rl;
			toklen++;
			prev = PREV_OTHER;
		} else if (kind == FOLD_DROP) {
			/* nothing: the token goes on */
		} else if (kind == FOLD_SEP) {
			FAST_SEP(j, k);
		} else if (kind == FOLD_SYMBOL) {
			/* a token of its own: end the token before, close any glue run */
			if (toklen == 1 || (toklen && g_active)) {
				n->len = o;
				if (glue_token(st, tstart, toklen, k1, g1) != IDT_OK) break;
				o = n->len;
				g_active = st->g_active;
			}
			n->len = o;
			if ((g_active && glue_flush(st) != IDT_OK) ||
			    reserve(n, n->len + (end - j) + NONASCII_ROOM) != IDT_OK)
				break;
			g_active = false;
			o = n->len;
			out = n->out;
			ost = n->ost;
			oln = n->oln;
			if (o > 0 && prev != ' ') {
				out[o] = ' ';
				ost[o] = (uint32_t)j;
				oln[o] = 0;
				o++;
			}
			for (size_t q = 0; q < k; q++) {
				out[o + q] = (char)p[j + q];
				ost[o + q] = (uint32_t)j;
				oln[o + q] = (uint8_t)k;
			}
			o += k;
			out[o] = ' '; /* the space after it, written ahead */
			ost[o] = (uint32_t)(j + k);
			oln[o] = 0;
			o++;
			tstart = o;
			toklen = aletters = 0;
			prev = ' ';
		} else {
			break; /* marks, multi-character folds */
		}
		j += k;
	}
stop:
#undef FAST_SEP
	if (prev == ' ') {
		/* between tokens: the space written ahead becomes pending again */
		if (o > 0) { /* out[o-1] is that space */
			o--;
			st->need_space = true;
			st->sp_set = true;
			st->sp_ost = ost[o];
			st->sp_oln = oln[o];
		}
		n->len = o;
		return j;
	}
	n->len = o;
	st->in_tok = true;
	st->need_space = false;
	st->sp_set = false;
	st->tok_start = tstart;
	st->tok_letters = aletters;
	st->tok_units = toklen;
	st->tok_kind1 = k1;
	st->tok_glue1 = g1;
	st->tok_leetd = false;
	st->tok_sym = false;
	st->pend_sym = 0;
	st->last_c = prev < 0x80 ? prev : -1;
	st->last_unit = lu;
	return j;
}

/*
 * The hot loop of other scripts: copies the run of letters at p[i..end) that are kept as they
 * are (FOLD_LETTER) or fold to one ASCII letter (FOLD_MAP, the look-alikes and accented
 * letters) into the current token.  Each writes no more bytes than it reads, so no room check
 * is needed.  Returns where the run stopped.
 */
static inline size_t letter_run8(const unsigned char *p, size_t i, size_t end, nstate *st,
                                 idt_norm *n)
{
	const idt_folder *f = st->f;
	char *out = n->out;
	uint32_t *ost = n->ost;
	uint8_t *oln = n->oln;
	size_t j = i, o = n->len, last_unit = st->last_unit;
	int last = st->last_c;
	unsigned units = st->tok_units, letters = st->tok_letters;
	while (j < end && p[j] >= 0x80) {
		uint32_t cp;
		size_t k = decode(p + j, end - j, &cp);
		if (k == 0) break;
		uint32_t e = idt__fold_entry(f, cp);
		uint32_t kind = e & FOLD_KIND_MASK;
		if (kind == FOLD_LETTER) {
			if (units++ == 0) {
				st->tok_kind1 = U_OLETTER;
				st->tok_glue1 = (e & FOLD_GLUE) != 0;
			}
			for (size_t q = 0; q < k; q++) {
				out[o + q] = (char)p[j + q];
				ost[o + q] = (uint32_t)j;
				oln[o + q] = (uint8_t)k;
			}
			last_unit = o;
			o += k;
			last = -1;
		} else if (kind == FOLD_MAP && FOLD_LEN(e) == 1 &&
		           ascii_cls[(unsigned char)f->pool[FOLD_OFF(e)]] == C_LETTER) {
			int c = f->pool[FOLD_OFF(e)];
			if (c == last) {
				n->len = o;
				if (merge_letter(n, 1, (uint32_t)(j + k)) != IDT_OK) break;
			} else {
				if (units++ == 0) st->tok_kind1 = U_LETTER;
				out[o] = (char)c;
				ost[o] = (uint32_t)j;
				oln[o] = (uint8_t)k;
				last_unit = o;
				o++;
				letters++;
				last = c;
			}
		} else {
			break;
		}
		j += k;
	}
	n->len = o;
	st->last_c = last;
	st->last_unit = last_unit;
	st->tok_units = units;
	st->tok_letters = letters;
	return j;
}

/* Whether ending the current token needs nothing but bookkeeping (no leet folding, no
 * trailing symbols to cut). */
static inline bool tok_end_is_simple(const nstate *st)
{
	return !st->pend_sym && !st->tok_sym && !(st->tok_leetd && st->tok_letters >= 2);
}

static void invalid_byte(idt_norm *n, size_t i)
{
	if (n->ninvalid++ == 0) n->first_invalid = i;
}

idt_status idt_normalize(const idt_folder *f, const char *s, size_t len, idt_norm *n)
{
	if (!f || !n || (!s && len > 0)) return IDT_EINVAL;
	n->len = 0;
	n->nruns = 0;
	n->ninvalid = 0;
	n->first_invalid = 0;
	if (len >= UINT32_MAX - 2 * CHUNK) return IDT_ELIMIT; /* offsets are 32-bit */
	const unsigned char *p = (const unsigned char *)s;
	nstate st = {.n = n, .f = f, .last_c = -1, .in = p};
	idt_status rc = IDT_OK;
	size_t i = 0;
	while (i < len && rc == IDT_OK) {
		size_t chunk_end = len - i > CHUNK ? i + CHUNK : len;
		rc = reserve(n, n->len + (chunk_end - i) + 16);
		while (i < chunk_end && rc == IDT_OK) {
			unsigned char b = p[i];
			if (idt__norm_reference) {
				/* the general path only: what the fast loops are tested against */
				if (b < 0x80) {
					rc = ascii_char(&st, ascii_cls[b], (char)b, i, 1);
					i++;
					continue;
				}
				uint32_t cp;
				size_t k = decode(p + i, len - i, &cp);
				if (k == 0) {
					invalid_byte(n, i);
					rc = sep(&st, i, 1);
					i++;
					continue;
				}
				rc = reserve(n, n->len + (chunk_end - i) + NONASCII_ROOM);
				if (rc == IDT_OK) rc = nonascii(&st, cp, i, k);
				i += k;
				continue;
			}
			if (!st.in_tok && (st.need_space || n->len == 0)) {
				size_t j = fast_run(p, i, chunk_end, &st, n);
				if (j > i) {
					i = j;
					continue;
				}
			}
			if (b < 0x80) {
				int cls = ascii_cls[b];
				if (cls != C_SEP && cls != C_SYM && !st.pend_sym) {
					if (!st.in_tok) {
						tok_begin(&st, i);
						st.tok_kind1 = cls == C_LETTER ? U_LETTER : U_DIGIT;
					}
					i = word_run(p, i, chunk_end, &st, n);
					continue;
				}
				if (cls == C_SEP && !st.in_tok) {
					if (!st.sp_set) {
						st.sp_set = true;
						st.sp_ost = (uint32_t)i;
						st.sp_oln = 1;
					}
					i++;
					continue;
				}
				if (cls == C_SEP && tok_end_is_simple(&st)) {
					/* The end of an ordinary word, inline. */
					st.in_tok = false;
					st.last_c = -1;
					st.need_space = true;
					st.sp_set = true;
					st.sp_ost = (uint32_t)i;
					st.sp_oln = 1;
					if (st.tok_units == 1 || st.g_active)
						rc = glue_token(&st, st.tok_start, st.tok_units,
						                st.tok_kind1, st.tok_glue1);
					i++;
					continue;
				}
				rc = ascii_char(&st, cls, (char)b, i, 1);
				i++;
				continue;
			}
			if (!st.pend_sym) {
				/* A run of letters of other scripts, inline. */
				if (!st.in_tok) {
					uint32_t cp;
					size_t k = decode(p + i, len - i, &cp);
					uint32_t e = k ? idt__fold_entry(f, cp) : FOLD_SEP;
					if ((e & FOLD_KIND_MASK) == FOLD_LETTER) tok_begin(&st, i);
				}
				if (st.in_tok) {
					size_t j = letter_run8(p, i, chunk_end, &st, n);
					if (j > i) {
						i = j;
						continue;
					}
				}
			}
			uint32_t cp;
			size_t k = decode(p + i, len - i, &cp);
			if (k == 0) {
				invalid_byte(n, i);
				rc = sep(&st, i, 1);
				i++;
				continue;
			}
			rc = reserve(n, n->len + (chunk_end - i) + NONASCII_ROOM);
			if (rc == IDT_OK) rc = nonascii(&st, cp, i, k);
			i += k;
		}
		if (rc == IDT_OK && n->len > n->limit) rc = IDT_ELIMIT;
	}
	if (rc == IDT_OK) rc = tok_end(&st);
	if (rc == IDT_OK) rc = glue_flush(&st);
	if (rc == IDT_OK && n->len > n->limit) rc = IDT_ELIMIT;
	if (rc != IDT_OK) {
		n->len = 0;
		n->nruns = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------------------------------
 * Reading the result
 * --------------------------------------------------------------------------------------- */

const char *idt_norm_text(const idt_norm *n, size_t *len)
{
	if (len) *len = n ? n->len : 0;
	return n && n->out ? n->out : "";
}

void idt_norm_span(const idt_norm *n, size_t start, size_t end, size_t *ostart, size_t *oend)
{
	size_t a = 0, b = 0;
	if (n && n->len > 0) {
		if (end > n->len) end = n->len;
		if (start >= end) start = end - 1;
		a = n->ost[start];
		b = byte_oend(n, end - 1);
		if (b < a) b = a;
	}
	if (ostart) *ostart = a;
	if (oend) *oend = b;
}

unsigned idt_norm_run(const idt_norm *n, size_t pos)
{
	if (!n || pos >= n->len || n->oln[pos] != OLN_RUN) return 1;
	const run *r = find_run(n, pos);
	return r ? r->count : 1;
}

size_t idt_norm_invalid(const idt_norm *n, size_t *first_offset)
{
	if (first_offset) *first_offset = n && n->ninvalid ? n->first_invalid : 0;
	return n ? n->ninvalid : 0;
}

idt_status idt_normalize_dup(const idt_folder *f, const char *s, size_t len, char **out,
                             size_t *outlen)
{
	if (!out) return IDT_EINVAL;
	*out = NULL;
	if (outlen) *outlen = 0;
	idt_norm *n;
	idt_status st = idt_norm_new(0, &n);
	if (st != IDT_OK) return st;
	st = idt_normalize(f, s, len, n);
	if (st == IDT_OK) {
		char *d = idt__strndup(n->out ? n->out : "", n->len);
		if (!d) {
			st = IDT_ENOMEM;
		} else {
			*out = d;
			if (outlen) *outlen = n->len;
		}
	}
	idt_norm_free(n);
	return st;
}
