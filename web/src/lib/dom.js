// dom.js: builds DOM nodes without HTML strings (user content is only ever set as text, so no
// markup from the server or a listing can run), plus small helpers for forms and focus.

// h('a', {href: '/x', class: 'btn', onclick: fn}, 'text', child, [more]) -> Element.
// Props: `class`, `style` (object), `dataset` (object), `on*` (listeners), boolean attributes
// (true/false), `value`/`checked`/`selected` as properties; other values become attributes.
// Children: strings and numbers become text, arrays are flattened, null/false skipped.
export function h(tag, props, ...children) {
	const ns = tag === 'svg' || props?.ns === 'svg' ? 'http://www.w3.org/2000/svg' : null;
	const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
	for (const [k, v] of Object.entries(props || {})) {
		if (v === undefined || v === null || v === false || k === 'ns') continue;
		if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
		else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'checked') el.checked = el.defaultChecked = Boolean(v);
		else if (k === 'selected') el.selected = el.defaultSelected = Boolean(v);
		else if (k === 'value' && 'defaultValue' in el && tag !== 'select') el.value = el.defaultValue = v; // form.reset() keeps it
		else if (k === 'value' || k === 'indeterminate') el[k] = v;
		else el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, children);
	return el;
}

export function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

// Replaces the children of el.
export function replace(el, ...children) {
	el.replaceChildren();
	return append(el, children);
}

// SVG element helper.
export function s(tag, props, ...children) {
	return h(tag, { ...props, ns: 'svg' }, ...children);
}

let idSeq = 0;
export function uid(prefix = 'id') {
	idSeq += 1;
	return `${prefix}-${idSeq}`;
}

// A labelled form field: label + control (+ optional hint), ids wired for screen readers.
export function field(label, control, hint) {
	const id = control.id || uid('f');
	control.id = id;
	const parts = [h('label', { for: id }, label), control];
	if (hint) {
		const hid = uid('hint');
		control.setAttribute('aria-describedby', hid);
		parts.push(h('small', { id: hid, class: 'hint' }, hint));
	}
	return h('div', { class: 'field' }, parts);
}

// <select> from [[value, label], ...] with the current value selected.
export function select(options, value, props = {}) {
	return h(
		'select',
		props,
		options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)),
	);
}

// True when a key press should go to the focused control rather than a page shortcut.
export function typingInto(target) {
	if (!target || !(target instanceof Element)) return false;
	if (target.isContentEditable) return true;
	const tag = target.tagName;
	if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
	if (tag === 'INPUT') {
		const type = (target.getAttribute('type') || 'text').toLowerCase();
		return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
	}
	return false;
}

// The URL as a link target only when it is http(s); anything else (javascript:, data:, …)
// is shown as text by the callers.
export function httpUrl(u) {
	try {
		const url = new URL(u);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}
