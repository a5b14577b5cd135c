// evidence.js: turns the verdict's evidence and signal spans, which are byte offsets into the
// UTF-8 encoding of the original text, into JavaScript string (UTF-16) indices, and cuts a text
// into segments that say which spans cover them (spans may overlap or nest).  Pure functions,
// no DOM: the triage and incident pages render the segments, tests/web/evidence.test.mjs
// checks them.

// Bytes a code point takes in UTF-8.
function utf8Len(cp) {
	if (cp < 0x80) return 1;
	if (cp < 0x800) return 2;
	if (cp < 0x10000) return 3;
	return 4;
}

// A converter from UTF-8 byte offsets to string indices for `text`.  An offset that falls
// inside a code point is moved to the start of that code point (round 'down') or past it
// ('up'); offsets beyond the end clamp to text.length.  Lone surrogates count as U+FFFD
// (3 bytes), which is what an encoder writes for them.
export function byteToIndexMap(text) {
	const bytes = []; // byte offset at the start of each code point, then the total
	const index = []; // string index at the start of each code point, then text.length
	let b = 0;
	for (let i = 0; i < text.length; ) {
		const cp = text.codePointAt(i);
		bytes.push(b);
		index.push(i);
		const isPair = cp > 0xffff;
		b += isPair ? 4 : cp >= 0xd800 && cp <= 0xdfff ? 3 : utf8Len(cp);
		i += isPair ? 2 : 1;
	}
	bytes.push(b);
	index.push(text.length);
	return function toIndex(off, round = 'down') {
		if (!Number.isFinite(off) || off <= 0) return 0;
		if (off >= b) return text.length;
		// binary search for the last code point starting at or before off
		let lo = 0;
		let hi = bytes.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (bytes[mid] <= off) lo = mid;
			else hi = mid - 1;
		}
		if (bytes[lo] === off || round === 'down') return index[lo];
		return index[lo + 1];
	};
}

// Spans of one field as string indices: [{start, end, ...span}] (start < end), sorted.
// `spans` are evidence or signal objects with `field`, `start` and `end` in bytes.
export function spansForField(text, spans, field) {
	const toIndex = byteToIndexMap(text);
	const out = [];
	for (const s of spans || []) {
		if ((s.field || 'text') !== field) continue;
		const start = toIndex(s.start, 'down');
		const end = toIndex(s.end, 'up');
		if (end > start) out.push({ ...s, start, end, byteStart: s.start, byteEnd: s.end });
	}
	out.sort((a, b) => a.start - b.start || b.end - a.end);
	return out;
}

// Cuts text into consecutive segments [{text, start, end, spans: [...covering spans]}]
// whose concatenation is `text`.  `spans` are string-index spans from spansForField.
export function segments(text, spans) {
	const cuts = new Set([0, text.length]);
	for (const s of spans) {
		cuts.add(Math.max(0, Math.min(text.length, s.start)));
		cuts.add(Math.max(0, Math.min(text.length, s.end)));
	}
	const pts = [...cuts].sort((a, b) => a - b);
	const out = [];
	for (let i = 0; i + 1 < pts.length; i++) {
		const a = pts[i];
		const z = pts[i + 1];
		if (z <= a) continue;
		out.push({
			text: text.slice(a, z),
			start: a,
			end: z,
			spans: spans.filter((s) => s.start <= a && s.end >= z),
		});
	}
	return out;
}

// The fields of a verdict as [name, text] pairs: `fields` ({title, text, ...}) or `text`.
export function verdictFields(verdict) {
	if (!verdict) return [];
	if (verdict.fields && typeof verdict.fields === 'object') {
		return Object.entries(verdict.fields).filter(([, v]) => typeof v === 'string');
	}
	if (typeof verdict.text === 'string') return [['text', verdict.text]];
	return [];
}
