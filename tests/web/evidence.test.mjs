// evidence.test.mjs: unit tests of web/src/lib/evidence.js (UTF-8 byte offsets of the verdict's
// evidence spans to JavaScript string indices, and the segments the pages highlight), run by
// Node's test runner without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteToIndexMap, spansForField, segments, verdictFields } from '../../web/src/lib/evidence.js';

const enc = new TextEncoder();
const byteOf = (text, sub) => enc.encode(text.slice(0, text.indexOf(sub))).length;

test('ASCII offsets are indices', () => {
	const f = byteToIndexMap('fentanyl for sale');
	assert.equal(f(0), 0);
	assert.equal(f(8), 8);
	assert.equal(f(17), 17);
	assert.equal(f(99), 17);
	assert.equal(f(-3), 0);
});

test('two-, three- and four-byte characters', () => {
	// "é" 2 bytes, "冰" 3 bytes, "💊" 4 bytes (a surrogate pair), "❄️" 3+3 bytes
	const t = 'é冰💊❄️x';
	const f = byteToIndexMap(t);
	assert.equal(f(0), 0);
	assert.equal(f(2), 1); // after é
	assert.equal(f(5), 2); // after 冰
	assert.equal(f(9), 4); // after 💊 (two UTF-16 units)
	assert.equal(f(15), 6); // after ❄ and U+FE0F
	assert.equal(f(16), 7);
	// inside a code point: down to its start, up past it
	assert.equal(f(1, 'down'), 0);
	assert.equal(f(1, 'up'), 1);
	assert.equal(f(7, 'down'), 2);
	assert.equal(f(7, 'up'), 4);
});

test('spans of real verdicts select the evidence text (Cyrillic, Spanish, CJK)', () => {
	const cases = [
		['Продам мефедрон', 'мефедрон'],
		['Venta de cocaína de alta pureza', 'cocaína'],
		['Venta de cocaína de alta pureza', 'alta pureza'],
		['出售冰毒 现货', '冰毒'],
		['Weed ❄️ and more 💊 MDMA', 'MDMA'],
	];
	for (const [text, sub] of cases) {
		const start = byteOf(text, sub);
		const end = start + enc.encode(sub).length;
		const [s] = spansForField(text, [{ field: 'title', start, end, kind: 'name' }], 'title');
		assert.equal(text.slice(s.start, s.end), sub, `${sub} in ${text}`);
		assert.equal(s.byteStart, start);
	}
});

test('spans of other fields are left out; empty spans dropped', () => {
	const spans = [
		{ field: 'title', start: 0, end: 3 },
		{ field: 'text', start: 1, end: 2 },
		{ field: 'title', start: 2, end: 2 },
	];
	const got = spansForField('abcdef', spans, 'title');
	assert.equal(got.length, 1);
	assert.deepEqual([got[0].start, got[0].end], [0, 3]);
});

test('overlapping spans cut the text into covering segments', () => {
	// "How to extract pseudoephedrine": [0,14) [7,30) [15,30) as in the demo verdict s20
	const text = 'How to extract pseudoephedrine from cold medicine';
	const spans = spansForField(
		text,
		[
			{ field: 'title', start: 0, end: 14, kind: 'instructions' },
			{ field: 'title', start: 7, end: 30, kind: 'instructions' },
			{ field: 'title', start: 15, end: 30, kind: 'name' },
		],
		'title',
	);
	const segs = segments(text, spans);
	assert.equal(segs.map((s) => s.text).join(''), text);
	assert.deepEqual(
		segs.map((s) => [s.text, s.spans.length]),
		[
			['How to ', 1],
			['extract', 2],
			[' ', 1],
			['pseudoephedrine', 2],
			[' from cold medicine', 0],
		],
	);
});

test('verdict fields: fields object or text', () => {
	assert.deepEqual(verdictFields({ fields: { title: 'a', text: 'b', n: 3 } }), [
		['title', 'a'],
		['text', 'b'],
	]);
	assert.deepEqual(verdictFields({ text: 'x' }), [['text', 'x']]);
	assert.deepEqual(verdictFields(null), []);
});
