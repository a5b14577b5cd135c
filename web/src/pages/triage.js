// triage.js: the triage queue.  The organisation's hits with filters (status, category, class,
// score, source), a list navigated with j/k, the selected hit's original text with its
// evidence highlighted, its score and reasons; c confirms it into an incident, d dismisses it
// with a reason, x selects it for the bulk actions.  Filters live in the URL and are applied
// by the server (GET /hits with status, category, class, min_score, source, sort=score); the
// menus list what the queue holds (GET /hits facets=true), so only the matching hits are
// loaded.
import { h, replace, field, select, typingInto, httpUrl } from '../lib/dom.js';
import { t, tv, formatTime, formatNumber } from '../lib/i18n.js';
import { get, post, getAll, can, myGroups } from '../lib/api.js';
import { dialog, toast, errorText, errorBox, loading, scoreBadge, pageHeader, emptyState } from '../lib/ui.js';
import { highlightedFields, legend } from '../lib/highlight.js';

const INCIDENT_TYPES = ['seizure', 'stopped-shipment', 'suspicious-shipment', 'online-offer', 'purchase-request', 'illicit-laboratory', 'internet-pharmacy', 'diversion-attempt', 'warning'];
const DISMISS_REASONS = ['dismiss.reason_news', 'dismiss.reason_harm_reduction', 'dismiss.reason_legal', 'dismiss.reason_duplicate', 'dismiss.reason_false_positive'];

function sourceOf(hit) {
	const s = (hit.sources && hit.sources[0]) || hit.verdict?.source || {};
	if (s.platform) return s.platform;
	if (s.url) {
		try {
			return new URL(s.url).hostname;
		} catch {
			return s.url;
		}
	}
	return s.file || '';
}

function snippet(hit) {
	const f = hit.verdict?.fields;
	const text = (f && (f.title || f.text)) || hit.verdict?.text || '';
	return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

// Corrections asked when confirming: type, title, status, distribution (+ group), TLP.
async function confirmForm(count) {
	const groups = await myGroups().catch(() => []);
	return dialog(count > 1 ? t('triage.confirm_many_title', { n: count }) : t('triage.confirm_title'), (close) => {
		const type = select([['', t('triage.type_from_hit')], ...INCIDENT_TYPES.map((v) => [v, tv('type', v)])], '');
		const title = h('input', { placeholder: t('triage.title_from_hit'), maxlength: 300 });
		const status = select(['draft', 'confirmed', 'shared'].map((v) => [v, tv('status', v)]), 'draft');
		const dist = select(['own-org', 'sharing-group', 'all'].map((v) => [v, tv('distribution', v)]), 'own-org', { name: 'distribution' });
		const group = select(groups.map((g) => [g.id, g.name]), groups[0]?.id ?? '', { name: 'sharing_group_id' });
		const groupField = field(t('incident.sharing_group'), group);
		groupField.hidden = true;
		dist.addEventListener('change', () => (groupField.hidden = dist.value !== 'sharing-group'));
		const tlp = select(['clear', 'green', 'amber', 'amber+strict', 'red'].map((v) => [v, `TLP:${v.toUpperCase()}`]), 'amber');
		const ok = h('button', { type: 'submit', class: 'btn btn-primary', autofocus: true }, t('triage.confirm_submit'));
		return h(
			'form',
			{
				onsubmit: (e) => {
					e.preventDefault();
					const body = { status: status.value, distribution: dist.value, tlp: tlp.value };
					if (type.value) body.type = type.value;
					if (title.value.trim() && count === 1) body.title = title.value.trim();
					if (dist.value === 'sharing-group') body.sharing_group_id = Number(group.value);
					close(body);
				},
			},
			h('p', { class: 'muted' }, t('triage.confirm_help')),
			field(t('incident.type'), type),
			count === 1 ? field(t('incident.title_field'), title) : null,
			h('div', { class: 'form-row' }, field(t('incident.status'), status), field(t('incident.tlp'), tlp)),
			field(t('incident.distribution'), dist),
			groupField,
			h('div', { class: 'actions' }, ok, h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.cancel'))),
		);
	});
}

function dismissForm(count) {
	return dialog(count > 1 ? t('triage.dismiss_many_title', { n: count }) : t('triage.dismiss_title'), (close) => {
		const reason = h('input', { name: 'reason', required: true, maxlength: 500, autofocus: true, list: 'dismiss-reasons', autocomplete: 'off' });
		const err = h('div', { class: 'form-error', role: 'alert' });
		return h(
			'form',
			{
				onsubmit: (e) => {
					e.preventDefault();
					const v = reason.value.trim();
					if (!v) {
						err.textContent = t('triage.reason_required');
						reason.focus();
						return;
					}
					close(v);
				},
			},
			field(t('triage.reason'), reason, t('triage.reason_hint')),
			h('datalist', { id: 'dismiss-reasons' }, DISMISS_REASONS.map((k) => h('option', { value: t(k) }))),
			h(
				'div',
				{ class: 'chips', role: 'group', 'aria-label': t('triage.quick_reasons') },
				DISMISS_REASONS.map((k) =>
					h(
						'button',
						{
							type: 'button',
							class: 'chip',
							onclick: () => {
								reason.value = t(k);
								reason.focus();
							},
						},
						t(k),
					),
				),
			),
			err,
			h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('triage.dismiss_submit')), h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.cancel'))),
		);
	});
}

function shortcutsHelp() {
	const keys = [
		['j', 'triage.key_next'],
		['k', 'triage.key_prev'],
		['x', 'triage.key_select'],
		['c', 'triage.key_confirm'],
		['d', 'triage.key_dismiss'],
		['/', 'triage.key_filter'],
		['?', 'triage.key_help'],
	];
	return dialog(t('triage.keys_title'), (close) =>
		h(
			'div',
			null,
			h('dl', { class: 'keys' }, keys.map(([k, m]) => [h('dt', null, h('kbd', null, k)), h('dd', null, t(m))])),
			h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', autofocus: true, onclick: () => close() }, t('common.close'))),
		),
	);
}

export default {
	title: 'triage.title',
	async render({ main, query, navigate, onCleanup }) {
		const f = {
			status: query.get('status') || 'new',
			category: query.get('category') || '',
			class: query.get('class') || '',
			min: query.get('min') || '',
			source: query.get('source') || '',
		};
		const count = h('span', { class: 'count', role: 'status' });
		main.append(
			pageHeader(
				t('triage.title'),
				count,
				h('button', { type: 'button', class: 'btn', onclick: () => shortcutsHelp() }, t('triage.keys_button')),
			),
		);
		const body = h('div', null, loading());
		main.append(body);

		// the server's filters from f (an unusable minimum score is no filter)
		const serverQuery = () => {
			const q = { status: f.status, sort: 'score' };
			for (const k of ['category', 'class', 'source']) if (f[k]) q[k] = f[k];
			const min = f.min === '' ? NaN : Number(f.min);
			if (min >= 0 && min <= 1) q.min_score = String(min);
			return q;
		};
		let hits;
		let facets;
		let queueTotal;
		try {
			const [all, list] = await Promise.all([get('/hits', { status: f.status, facets: 'true', per_page: 1 }), getAll('/hits', serverQuery(), 5000)]);
			facets = all.facets || {};
			queueTotal = all.total;
			hits = list.items;
		} catch (e) {
			replace(body, errorBox(e));
			return;
		}

		// menu values: what the queue holds, and the value asked for in the URL
		const values = (kind, current) => [...new Set([...(facets[kind] || []).map((x) => x.value), ...(current ? [current] : [])])].sort();
		const categories = values('category', f.category);
		const classes = values('class', f.class);
		const sources = values('source', f.source);
		const selected = new Set();
		let current = 0;
		let visible = [];
		const writer = can.write() && f.status === 'new';

		const setQuery = () => {
			const p = new URLSearchParams();
			for (const [k, v] of Object.entries(f)) if (v && !(k === 'status' && v === 'new')) p.set(k, v);
			history.replaceState(null, '', `/triage${p.toString() ? `?${p}` : ''}`);
		};

		const statusSel = select(['new', 'confirmed', 'dismissed'].map((v) => [v, tv('hitstatus', v)]), f.status, { name: 'status' });
		statusSel.addEventListener('change', () => {
			f.status = statusSel.value;
			setQuery();
			navigate(window.location.pathname + window.location.search, { replace: true });
		});
		const catSel = select([['', t('common.all')], ...categories.map((c) => [c, tv('category', c)])], f.category, { name: 'category' });
		const classSel = select([['', t('common.all')], ...classes.map((c) => [c, tv('class', c)])], f.class, { name: 'class' });
		const minIn = h('input', { type: 'number', name: 'min', min: 0, max: 1, step: 0.05, value: f.min, inputmode: 'decimal', class: 'narrow' });
		const srcSel = select([['', t('common.all')], ...sources.map((s) => [s, s])], f.source, { name: 'source' });
		// a change of filter asks the server again; only the answer to the latest request is shown
		let asked = 0;
		let timer = null;
		const reload = async () => {
			const mine = ++asked;
			list.setAttribute('aria-busy', 'true');
			try {
				const r = await getAll('/hits', serverQuery(), 5000);
				if (mine !== asked) return;
				hits = r.items;
				selected.clear();
				current = 0;
				refresh();
			} catch (e) {
				if (mine === asked) toast(errorText(e), 'error');
			} finally {
				if (mine === asked) list.removeAttribute('aria-busy');
			}
		};
		const onFilter = () => {
			f.category = catSel.value;
			f.class = classSel.value;
			f.min = minIn.value;
			f.source = srcSel.value;
			setQuery();
			clearTimeout(timer);
			timer = setTimeout(reload, 250);
		};
		onCleanup(() => clearTimeout(timer));
		for (const el of [catSel, classSel, srcSel]) el.addEventListener('change', onFilter);
		minIn.addEventListener('input', onFilter);

		const filters = h(
			'form',
			{ class: 'filters', role: 'search', 'aria-label': t('triage.filters'), onsubmit: (e) => e.preventDefault() },
			field(t('triage.status'), statusSel),
			field(t('triage.category'), catSel),
			field(t('triage.class'), classSel),
			field(t('triage.min_score'), minIn),
			field(t('triage.source'), srcSel),
		);

		const selectAll = h('input', { type: 'checkbox', 'aria-label': t('triage.select_all') });
		const selCount = h('span', { class: 'muted' });
		const bulkConfirm = h('button', { type: 'button', class: 'btn' }, t('triage.bulk_confirm'));
		const bulkDismiss = h('button', { type: 'button', class: 'btn' }, t('triage.bulk_dismiss'));
		const bulk = writer ? h('div', { class: 'bulkbar', role: 'group', 'aria-label': t('triage.bulk') }, h('label', { class: 'inline' }, selectAll, t('triage.select_all')), selCount, bulkConfirm, bulkDismiss) : null;

		const list = h('ol', { class: 'hit-list', 'aria-label': t('triage.list_label') });
		const detail = h('section', { class: 'hit-detail', 'aria-label': t('triage.detail_label'), tabindex: '-1' });
		replace(body, filters, bulk, h('div', { class: 'triage-grid' }, list, detail));

		function renderDetail() {
			const hit = visible[current];
			if (!hit) {
				replace(detail, emptyState(queueTotal ? t('triage.none_match') : t('triage.empty')));
				return;
			}
			const v = hit.verdict || {};
			const subs = (v.substances || []).map((s) => h('li', null, h('strong', null, s.name || s.id), s.class ? ` · ${tv('class', s.class)}` : '', s.control?.length ? h('span', { class: 'muted' }, ` (${s.control.join(', ')})`) : ''));
			const src = hit.sources?.length ? hit.sources : v.source ? [v.source] : [];
			const actions = writer
				? h(
						'div',
						{ class: 'actions' },
						h('button', { type: 'button', class: 'btn btn-primary', onclick: () => confirmHits([hit]), 'aria-keyshortcuts': 'c' }, t('triage.confirm'), h('kbd', null, 'c')),
						h('button', { type: 'button', class: 'btn btn-danger', onclick: () => dismissHits([hit]), 'aria-keyshortcuts': 'd' }, t('triage.dismiss'), h('kbd', null, 'd')),
					)
				: null;
			const decided =
				hit.status !== 'new'
					? h(
							'p',
							{ class: 'decision' },
							hit.status === 'confirmed'
								? [t('triage.confirmed_into'), ' ', hit.incident_id ? h('a', { href: `/incidents/${hit.incident_id}` }, t('incident.number', { id: hit.incident_id })) : '']
								: t('triage.dismissed_because', { reason: hit.reason || '' }),
							hit.decided_by ? ` — ${t('triage.decided_by', { user: hit.decided_by, time: formatTime(hit.decided_at) })}` : '',
						)
					: null;
			replace(
				detail,
				h('div', { class: 'detail-head' }, h('h2', null, (v.substances || []).map((s) => s.name || s.id).join(', ') || t('triage.no_substance')), scoreBadge(hit.score)),
				h('div', { class: 'tags' }, (v.categories || []).map((c) => h('span', { class: 'badge' }, tv('category', c)))),
				actions,
				decided,
				h('h3', null, t('triage.original_text')),
				highlightedFields(v),
				legend(),
				h('h3', null, t('triage.reasons')),
				v.reasons?.length ? h('ul', { class: 'reasons' }, v.reasons.map((r) => h('li', null, r))) : h('p', { class: 'muted' }, t('triage.no_reasons')),
				subs.length ? [h('h3', null, t('triage.substances')), h('ul', null, subs)] : null,
				v.signals?.length
					? [
							h('h3', null, t('triage.signals')),
							h(
								'table',
								{ class: 'table compact' },
								h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('triage.signal_type')), h('th', { scope: 'col' }, t('triage.signal_value')))),
								h('tbody', null, v.signals.map((s) => h('tr', null, h('td', null, tv('evidence', s.type)), h('td', { class: 'mono' }, s.value)))),
							),
						]
					: null,
				h('h3', null, t('triage.sources')),
				h(
					'ul',
					{ class: 'sources' },
					src.map((s) => h('li', null, s.platform ? h('span', { class: 'badge' }, s.platform) : '', ' ', s.url ? (httpUrl(s.url) ? h('a', { href: httpUrl(s.url), target: '_blank', rel: 'noopener noreferrer nofollow', class: 'mono' }, s.url) : h('span', { class: 'mono' }, s.url)) : s.file ? h('span', { class: 'mono' }, `${s.file}${s.line ? `:${s.line}` : ''}`) : '')),
				),
				h('p', { class: 'muted' }, t('triage.seen', { n: hit.seen_count || 1, first: formatTime(hit.first_seen), last: formatTime(hit.last_seen) })),
			);
		}

		function renderList(focus = false) {
			replace(
				list,
				visible.map((hit, i) => {
					const v = hit.verdict || {};
					const cb = writer
						? h('input', {
								type: 'checkbox',
								checked: selected.has(hit.id),
								'aria-label': t('triage.select_hit'),
								onchange: (e) => {
									if (e.target.checked) selected.add(hit.id);
									else selected.delete(hit.id);
									updateBulk();
								},
							})
						: null;
					const btn = h(
						'button',
						{
							type: 'button',
							class: 'hit-open',
							'aria-current': i === current ? 'true' : null,
							dataset: { hit: hit.id },
							onclick: () => {
								current = i;
								renderList(true);
								renderDetail();
							},
						},
						scoreBadge(hit.score),
						h('span', { class: 'hit-main' }, h('span', { class: 'hit-subs' }, (v.substances || []).map((s) => s.name || s.id).join(', ') || t('triage.no_substance')), h('span', { class: 'hit-snippet' }, snippet(hit))),
						h('span', { class: 'hit-meta' }, (v.categories || []).map((c) => tv('category', c)).join(', '), sourceOf(hit) ? ` · ${sourceOf(hit)}` : ''),
					);
					return h('li', { class: ['hit-row', i === current && 'current', selected.has(hit.id) && 'selected'] }, cb, btn);
				}),
			);
			if (focus) list.querySelectorAll('.hit-open')[current]?.focus({ preventScroll: true });
			// keep the current row in view by scrolling the list only (not the page)
			const row = list.querySelectorAll('.hit-row')[current];
			if (row) {
				const top = row.offsetTop; // .hit-list is positioned
				if (top < list.scrollTop) list.scrollTop = top;
				else if (top + row.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + row.offsetHeight - list.clientHeight;
			}
		}

		function updateBulk() {
			if (!writer) return;
			const n = visible.filter((x) => selected.has(x.id)).length;
			selCount.textContent = t('triage.selected', { n });
			bulkConfirm.disabled = bulkDismiss.disabled = n === 0;
			selectAll.checked = n > 0 && n === visible.length;
			selectAll.indeterminate = n > 0 && n < visible.length;
		}

		function refresh(focus = false) {
			visible = hits;
			if (current >= visible.length) current = Math.max(0, visible.length - 1);
			count.textContent = t('triage.count', { shown: formatNumber(visible.length), total: formatNumber(queueTotal) });
			renderList(focus);
			renderDetail();
			updateBulk();
		}

		// Removes decided hits from the queue and keeps the cursor where it was.
		function drop(ids) {
			for (const id of ids) selected.delete(id);
			hits = hits.filter((x) => !ids.includes(x.id));
			queueTotal = Math.max(0, queueTotal - ids.length);
			refresh(true);
		}

		async function confirmHits(batch) {
			if (!batch.length) return;
			const body = await confirmForm(batch.length);
			if (!body) return;
			const done = [];
			let last = null;
			for (const hit of batch) {
				try {
					last = await post(`/hits/${encodeURIComponent(hit.id)}/confirm`, body);
					done.push(hit.id);
				} catch (e) {
					toast(t('triage.confirm_failed', { error: errorText(e) }), 'error');
					break;
				}
			}
			if (done.length === 1 && last) toast(t('triage.confirmed_one', { id: last.id }), 'success');
			else if (done.length) toast(t('triage.confirmed_many', { n: done.length }), 'success');
			if (done.length) drop(done);
			if (done.length === 1 && last) {
				const link = h('a', { href: `/incidents/${last.id}`, class: 'btn btn-small', id: 'last-incident' }, t('triage.open_incident', { id: last.id }));
				detail.prepend(h('p', { class: 'notice', role: 'status' }, t('triage.confirmed_one', { id: last.id }), ' ', link));
			}
		}

		async function dismissHits(batch) {
			if (!batch.length) return;
			const reason = await dismissForm(batch.length);
			if (!reason) return;
			const done = [];
			for (const hit of batch) {
				try {
					await post(`/hits/${encodeURIComponent(hit.id)}/dismiss`, { reason });
					done.push(hit.id);
				} catch (e) {
					toast(t('triage.dismiss_failed', { error: errorText(e) }), 'error');
					break;
				}
			}
			if (done.length) toast(t('triage.dismissed', { n: done.length }), 'success');
			if (done.length) drop(done);
		}

		if (writer) {
			selectAll.addEventListener('change', () => {
				for (const x of visible) {
					if (selectAll.checked) selected.add(x.id);
					else selected.delete(x.id);
				}
				renderList();
				updateBulk();
			});
			bulkConfirm.addEventListener('click', () => confirmHits(visible.filter((x) => selected.has(x.id))));
			bulkDismiss.addEventListener('click', () => dismissHits(visible.filter((x) => selected.has(x.id))));
		}

		// the selected hits that are shown, or else the current one
		const batchFor = (hit) => {
			const sel = visible.filter((x) => selected.has(x.id));
			return sel.length ? sel : [hit];
		};

		const onKey = (e) => {
			if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
			if (document.querySelector('dialog[open]') || typingInto(e.target)) return;
			const hit = visible[current];
			switch (e.key) {
				case 'j':
				case 'ArrowDown':
					if (e.key === 'ArrowDown' && !e.target.closest?.('.hit-list')) return;
					if (current < visible.length - 1) current += 1;
					break;
				case 'k':
				case 'ArrowUp':
					if (e.key === 'ArrowUp' && !e.target.closest?.('.hit-list')) return;
					if (current > 0) current -= 1;
					break;
				case 'x':
					if (!writer || !hit) return;
					if (selected.has(hit.id)) selected.delete(hit.id);
					else selected.add(hit.id);
					updateBulk();
					break;
				case 'c':
					if (!writer || !hit) return;
					e.preventDefault();
					confirmHits(batchFor(hit));
					return;
				case 'd':
					if (!writer || !hit) return;
					e.preventDefault();
					dismissHits(batchFor(hit));
					return;
				case '/':
					e.preventDefault();
					catSel.focus();
					return;
				case '?':
					shortcutsHelp();
					return;
				default:
					return;
			}
			e.preventDefault();
			renderList(true);
			renderDetail();
		};
		document.addEventListener('keydown', onKey);
		onCleanup(() => document.removeEventListener('keydown', onKey));

		refresh();
	},
};
