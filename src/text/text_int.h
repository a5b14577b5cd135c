/*
 * text_int.h - private to src/text: the layout of the fold table (fold.c builds it, norm.c
 * reads it) and the normalisation buffer.
 *
 * The fold table maps every code point >= U+0080 to one 32-bit entry through a two-level table:
 * stage1[cp >> 8] names a block of 256 entries in stage2.  Blocks whose entries are all equal
 * (unassigned planes, CJK ideographs, most Hangul) are shared, so the table is small (see
 * idt__folder_bytes()).  ASCII never goes through the table: norm.c has its own 256-entry class
 * table for bytes.
 *
 * Entry layout (uint32):
 *   bits 0..2   kind, one of FOLD_* below
 *   bit  3      FOLD_GLUE: the character is a cased letter that may be glued when spelled out
 *               ("к.о.к" like "c.o.c"); scripts without case (CJK, Thai, Arabic) never glue
 *   bits 4..9   for FOLD_MAP: length of the replacement in the pool (1..63 bytes)
 *   bits 10..31 for FOLD_MAP: offset of the replacement in the pool
 *
 * A FOLD_MAP replacement is UTF-8 made of: ASCII lowercase letters and digits, the four ASCII
 * leet symbols "@$!|", single ASCII spaces standing for separators (never leading, trailing or
 * doubled), and non-ASCII code points whose own entry is FOLD_LETTER or FOLD_SYMBOL (the table
 * is a fixpoint: folding a fold changes nothing).
 */
#ifndef IDT_TEXT_INT_H
#define IDT_TEXT_INT_H

#include <stdint.h>
#include <stddef.h>
#include "interdict/text.h"

enum {
	FOLD_LETTER = 0, /* a letter kept as it is (its own UTF-8 bytes) */
	FOLD_MAP = 1,    /* replaced by the pool string */
	FOLD_DROP = 2,   /* dropped: format, zero-width, default-ignorable; does not split tokens */
	FOLD_MARK = 3,   /* dropped combining mark: its bytes join the span of the letter before */
	FOLD_SEP = 4,    /* white space, punctuation, math and modifier symbols, controls */
	FOLD_SYMBOL = 5  /* emoji and other symbols: kept as a token of their own */
};
#define FOLD_KIND_MASK 7u
#define FOLD_GLUE      8u
#define FOLD_LEN(e)    (((e) >> 4) & 63u)
#define FOLD_OFF(e)    ((e) >> 10)
#define FOLD_MAX_LEN   63u
#define FOLD_MAX_OFF   ((1u << 22) - 1)

struct idt_folder {
	uint16_t stage1[0x110000 >> 8]; /* block index per 256 code points */
	uint32_t *stage2;               /* owned; nblocks * 256 entries */
	size_t nblocks;                 /* distinct blocks */
	char *pool;                     /* owned; FOLD_MAP replacements, not NUL-separated */
	size_t pool_len;                /* bytes used in pool */
	double build_ms;                /* wall time idt_folder_new() took */
};

static inline uint32_t idt__fold_entry(const idt_folder *f, uint32_t cp)
{
	return f->stage2[((size_t)f->stage1[cp >> 8] << 8) | (cp & 255u)];
}

/*
 * Reference fold of one code point as the table holds it, written to out (at least 64 bytes) as
 * the folded UTF-8 ("" for dropped, " " for separators, the symbol itself for symbols).
 * Returns the length.  Used by tests and by idt_normalize's documentation of rules.
 */
size_t idt__fold_cp(const idt_folder *f, uint32_t cp, char *out);

/* Tests only: non-zero makes idt_normalize() take its general path for every character (no
 * fast loops, no 16-byte blocks): the reference the fast loops are compared with.  Not for
 * concurrent use. */
extern int idt__norm_reference;

/* Bytes of memory the table uses, and the milliseconds idt_folder_new() took. */
size_t idt__folder_bytes(const idt_folder *f);
double idt__folder_build_ms(const idt_folder *f);

/* Terms of at most this many folded bytes must repeat each letter as often as written
 * ("weed" is not "wed", "MMDA" is not "MDA"); in longer ones a doubled letter written once
 * is a misspelling ("adderal").  The scanner and the lint's claimed-twice check both follow it. */
#define IDT__RUNS_STRICT_MAX 5

/* The letter a leet digit or symbol stands for ("3" -> 'e', "@" -> 'a'), or 0. */
char idt__leet_letter(char c);

#endif
