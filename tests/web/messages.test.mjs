// messages.test.mjs: the message catalogue (web/src/messages/en.json) against the sources:
// every literal key the application asks for exists, every enumerated value the server's data
// model defines has a label, placeholders are well formed, and no text is left unused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.resolve(HERE, '../../web/src');
const messages = JSON.parse(readFileSync(path.join(SRC, 'messages/en.json'), 'utf8'));
const files = [];
for (const dir of ['', 'lib', 'pages']) {
	for (const f of readdirSync(path.join(SRC, dir))) if (f.endsWith('.js')) files.push(path.join(SRC, dir, f));
}
const code = files.map((f) => readFileSync(f, 'utf8')).join('\n');

// keys written out in the code: t('a.b'), tv-free literals such as ['x.y', ...] columns
const literal = new Set([...code.matchAll(/'([a-z]+\.[a-z0-9_]+)'/g)].map((m) => m[1]).filter((k) => /^(app|common|nav|role|error|login|triage|dismiss|evidence|incidents|incident|edit|network|dashboard|warnings|alerts|tokens|admin|audit)\./.test(k)));

test('every key the code names is in the catalogue', () => {
	const missing = [...literal].filter((k) => !(k in messages));
	assert.deepEqual(missing, []);
});

test('every value of the data model has a label', async () => {
	const enums = await import(path.join(SRC, 'lib/enums.js'));
	const groups = { TYPES: 'type', STATUSES: 'status', DISTRIBUTIONS: 'distribution', TRANSPORT: 'transport', UNITS: 'unit', OBSERVABLE_TYPES: 'observable', CLASSES: 'class', ORG_KINDS: 'orgkind', ROLES: 'role', SCOPES: 'scope' };
	const missing = [];
	for (const [name, group] of Object.entries(groups)) for (const v of enums[name]) if (!(`${group}.${v}` in messages)) missing.push(`${group}.${v}`);
	assert.deepEqual(missing, []);
});

test('placeholders are {word} and every message is non-empty text', () => {
	for (const [k, v] of Object.entries(messages)) {
		assert.equal(typeof v, 'string', k);
		assert.ok(v.trim().length > 0, k);
		assert.doesNotMatch(v.replace(/\{[a-z_]+\}/g, ''), /[{}]/, `${k}: stray brace`);
	}
});

test('plural forms have their base message with the same placeholders', () => {
	for (const k of Object.keys(messages)) {
		const m = k.match(/^(.*)_(zero|one|two|few|many|other)$/);
		if (!m || !(m[1] in messages)) continue;
		const ph = (s) => [...s.matchAll(/\{([a-z_]+)\}/g)].map((x) => x[1]).filter((x) => x !== 'n').sort();
		assert.deepEqual(ph(messages[k]), ph(messages[m[1]]), k);
	}
});

test('no message is unused', () => {
	const dynamic = /^(role|scope|type|status|distribution|transport|unit|class|observable|orgkind|subkind|correlation|category|hitstatus|field|trust|action|evidence)\.|^evidence\.legend_|_(zero|one|two|few|many|other)$|^triage\.key_/;
	const unused = Object.keys(messages).filter((k) => !literal.has(k) && !dynamic.test(k));
	assert.deepEqual(unused, []);
});
