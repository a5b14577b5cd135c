// ui.js: shared pieces of the pages: status messages, toasts in a live region, modal dialogs
// (native <dialog>, which keeps focus inside and closes on Escape), badges, the pager, and the
// display of API errors.
import { h, replace } from './dom.js';
import { t, tv } from './i18n.js';

// Announces a short message to screen readers and shows it as a toast for a few seconds.
export function toast(message, kind = 'info') {
	const box = document.getElementById('toasts');
	if (!box) return;
	const el = h('div', { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' }, message);
	box.append(el);
	setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

// A readable message for an API error: the server's message names the field that was wrong.
export function errorText(e) {
	if (!e) return '';
	if (e.status === 0) return t('error.network');
	if (e.status === 404) return t('error.not_found');
	if (e.status === 403 && e.code === 'forbidden') return t('error.forbidden');
	if (e.status === 409) return t('error.conflict');
	if (e.status === 429) return t('error.rate_limited');
	if (e.message) return t('error.server', { message: e.message });
	return t('error.unknown');
}

export function errorBox(e) {
	return h('div', { class: 'error-box', role: 'alert' }, errorText(e));
}

export function loading() {
	return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

// Runs an async loader into `el`: shows "Loading…", then what `render` returns, or the error.
export async function load(el, loader, render) {
	replace(el, loading());
	try {
		const data = await loader();
		replace(el, render(data));
		return data;
	} catch (e) {
		if (e.name === 'AbortError') return null;
		replace(el, errorBox(e));
		return null;
	}
}

// Opens a modal dialog; `build(close)` returns its body.  Resolves with the value passed to
// close(value) (undefined when dismissed with Escape or the Cancel button).
export function dialog(title, build, { wide = false } = {}) {
	return new Promise((resolve) => {
		const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
		const dlg = h('dialog', { class: ['dialog', wide && 'dialog-wide'], 'aria-labelledby': titleId });
		const prev = document.activeElement;
		let result;
		const close = (v) => {
			result = v;
			dlg.close();
		};
		dlg.addEventListener('close', () => {
			dlg.remove();
			if (prev && prev.focus) prev.focus();
			resolve(result);
		});
		dlg.append(h('h2', { id: titleId }, title), build(close));
		document.body.append(dlg);
		dlg.showModal();
		const first = dlg.querySelector('[autofocus]') || dlg.querySelector('input, textarea, select, button');
		if (first) first.focus();
	});
}

export function confirmDialog(title, message, okLabel) {
	return dialog(title, (close) =>
		h(
			'div',
			null,
			h('p', null, message),
			h(
				'div',
				{ class: 'actions' },
				h('button', { type: 'button', class: 'btn btn-danger', autofocus: true, onclick: () => close(true) }, okLabel),
				h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, t('common.cancel')),
			),
		),
	);
}

export function tlpBadge(tlp) {
	if (!tlp) return null;
	return h('span', { class: ['badge', 'tlp', `tlp-${tlp.replace('+', '-')}`], title: t('incident.tlp') }, `TLP:${tlp.toUpperCase()}`);
}

export function badge(group, value, extra) {
	return h('span', { class: ['badge', `${group}-${value}`, extra] }, tv(group, value));
}

export function scoreBadge(score) {
	const level = score >= 0.85 ? 'high' : score >= 0.65 ? 'mid' : 'low';
	return h(
		'span',
		{ class: ['score', `score-${level}`], title: t('triage.score'), 'aria-label': t('triage.score_label', { score: score.toFixed(2) }) },
		score.toFixed(2),
	);
}

// "Page 2 of 5" with previous/next buttons calling go(page).
export function pager(page, perPage, total, go) {
	const pages = Math.max(1, Math.ceil(total / perPage));
	if (pages <= 1) return null;
	return h(
		'nav',
		{ class: 'pager', 'aria-label': t('common.pages') },
		h('button', { type: 'button', class: 'btn', disabled: page <= 1, onclick: () => go(page - 1) }, t('common.previous')),
		h('span', null, t('common.page_of', { page, pages })),
		h('button', { type: 'button', class: 'btn', disabled: page >= pages, onclick: () => go(page + 1) }, t('common.next')),
	);
}

export function pageHeader(title, ...extra) {
	return h('div', { class: 'page-header' }, h('h1', { tabindex: '-1', id: 'page-title' }, title), h('div', { class: 'page-actions' }, extra));
}

export function emptyState(text) {
	return h('p', { class: 'empty' }, text);
}

// A definition list from [[label, value], ...], skipping empty values.
export function facts(pairs) {
	const dl = h('dl', { class: 'facts' });
	for (const [k, v] of pairs) {
		if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
		dl.append(h('dt', null, k), h('dd', null, v));
	}
	return dl;
}
