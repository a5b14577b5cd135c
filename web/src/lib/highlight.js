// highlight.js: renders the original text of a verdict with its evidence and signal spans
// marked (<mark>), each mark titled with what it is and why it counts.  Byte offsets are
// converted to string indices by evidence.js.
import { h } from './dom.js';
import { t, tv } from './i18n.js';
import { spansForField, segments, verdictFields } from './evidence.js';

// All spans of a verdict: evidence first, then signals not already covered by evidence of
// the same extent.
function allSpans(verdict, evidence) {
	const ev = (evidence || verdict?.evidence || []).map((e) => ({ ...e, source: 'evidence' }));
	const key = (s) => `${s.field}:${s.start}:${s.end}`;
	const seen = new Set(ev.map(key));
	const sig = (verdict?.signals || []).filter((s) => !seen.has(key(s))).map((s) => ({ ...s, kind: s.type, text: s.value, source: 'signal' }));
	return [...ev, ...sig];
}

function describe(span) {
	const kind = tv('evidence', span.kind);
	const parts = [kind];
	if (span.term && span.term !== span.text) parts.push(`“${span.term}”`);
	if (span.substance) parts.push(t('evidence.substance', { id: span.substance }));
	if (span.trust) parts.push(tv('trust', span.trust));
	if (typeof span.weight === 'number' && span.weight > 0) parts.push(`+${span.weight.toFixed(2)}`);
	return parts.join(' · ');
}

// Trafficking phrases (from data/signals phrase lists); other non-substance kinds are
// structured signals (prices, quantities, contacts, wallets, …).
const PHRASES = new Set(['offer', 'shipping', 'no-rx', 'request', 'warning', 'instructions']);

// The class of a mark: substance names, weak terms and trafficking signals look different.
function markClass(spans) {
	const kinds = new Set(spans.map((s) => (s.kind === 'name' || s.substance ? (s.trust === 'weak' ? 'weak' : 'substance') : PHRASES.has(s.kind) ? 'phrase' : 'signal')));
	const cls = ['ev'];
	for (const k of ['substance', 'weak', 'phrase', 'signal']) if (kinds.has(k)) cls.push(`ev-${k}`);
	if (spans.length > 1) cls.push('ev-multi');
	return cls;
}

// One block per field ("title", "text", …) with the spans marked.
export function highlightedFields(verdict, { evidence, fields } = {}) {
	const list = fields || verdictFields(verdict);
	const spans = allSpans(verdict, evidence);
	if (!list.length) return h('p', { class: 'muted' }, t('evidence.no_text'));
	return h(
		'div',
		{ class: 'evidence-fields' },
		list.map(([name, text]) => {
			const fspans = spansForField(text, spans, name);
			const segs = segments(text, fspans);
			return h(
				'div',
				{ class: 'evidence-field', dataset: { field: name } },
				h('div', { class: 'field-name' }, tv('field', name)),
				h(
					'p',
					{ class: 'evidence-text', lang: verdict?.lang || null },
					segs.map((sg) =>
						sg.spans.length
							? h('mark', { class: markClass(sg.spans), title: sg.spans.map(describe).join('\n'), dataset: { kinds: [...new Set(sg.spans.map((s) => s.kind))].join(' ') } }, sg.text)
							: sg.text,
					),
				),
			);
		}),
	);
}

export function legend() {
	return h(
		'ul',
		{ class: 'legend', 'aria-label': t('evidence.legend') },
		['substance', 'weak', 'phrase', 'signal'].map((k) => h('li', null, h('mark', { class: ['ev', `ev-${k}`] }, t(`evidence.legend_${k}`)))),
	);
}
