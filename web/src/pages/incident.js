// incident.js: one incident: its facts, narrative, substances with quantities, the route
// (origin → transit → destination), observables (each leads to the incidents and the graph
// that share it), the evidence highlighted in the original text, attachments (download and,
// for its organisation, upload), the listings reported to platforms with their time to
// takedown (and, for its organisation, a form to report one), correlations, and its history
// from the audit log.
import { h, replace, field } from '../lib/dom.js';
import { t, tv, formatDate, formatTime, formatNumber, formatDuration, countryName } from '../lib/i18n.js';
import { get, post, del, request, can } from '../lib/api.js';
import { loading, errorBox, errorText, toast, tlpBadge, facts, confirmDialog, pageHeader, emptyState, load } from '../lib/ui.js';
import { highlightedFields, legend } from '../lib/highlight.js';
import { verdictFields } from '../lib/evidence.js';

function countries(list) {
	return (list || []).map((c) => h('span', { class: 'country', title: c }, countryName(c), h('span', { class: 'muted small' }, ` ${c}`)));
}

export function routeView(inc) {
	const legs = [
		['incident.origin', inc.origin],
		['incident.transit', inc.transit],
		['incident.destination', inc.destination],
	].filter(([, l]) => l && l.length);
	if (!legs.length) return h('p', { class: 'muted' }, t('incident.no_route'));
	return h(
		'ol',
		{ class: 'route', 'aria-label': t('incident.route') },
		legs.map(([k, l]) => h('li', null, h('span', { class: 'route-role' }, t(k)), h('span', { class: 'route-countries' }, countries(l)))),
	);
}

function quantity(s) {
	if (s.quantity === null || s.quantity === undefined) return '';
	return `${formatNumber(s.quantity)} ${s.unit ? tv('unit', s.unit) : ''}`.trim();
}

function substancesTable(list) {
	if (!list?.length) return h('p', { class: 'muted' }, t('incident.no_substances'));
	return h(
		'div',
		{ class: 'table-wrap' },
		h(
			'table',
			{ class: 'table' },
			h('thead', null, h('tr', null, ['incident.substance', 'incident.class', 'incident.quantity', 'incident.form', 'incident.purity'].map((k) => h('th', { scope: 'col' }, t(k))))),
			h(
				'tbody',
				null,
				list.map((s) =>
					h(
						'tr',
						null,
						h('td', null, h('a', { href: `/incidents?substance=${encodeURIComponent(s.id)}` }, s.name || s.id)),
						h('td', null, tv('class', s.class)),
						h('td', { class: 'num' }, quantity(s)),
						h('td', null, s.form || ''),
						h('td', { class: 'num' }, s.purity !== null && s.purity !== undefined ? `${formatNumber(s.purity)} %` : ''),
					),
				),
			),
		),
	);
}

function observablesList(inc) {
	if (!inc.observables?.length) return h('p', { class: 'muted' }, t('incident.no_observables'));
	return h(
		'ul',
		{ class: 'observables' },
		inc.observables.map((o) => {
			const key = `${o.type}:${o.value}`;
			return h(
				'li',
				null,
				h('span', { class: ['badge', `obs-${o.type}`] }, tv('observable', o.type)),
				' ',
				h('span', { class: 'mono' }, o.value),
				o.raw && o.raw !== o.value ? h('span', { class: 'muted small' }, ` (${o.raw})`) : '',
				' ',
				h('a', { href: `/incidents?observable=${encodeURIComponent(key)}`, class: 'small' }, t('incident.same_observable')),
				' · ',
				h('a', { href: `/network/${inc.id}?focus=${encodeURIComponent(key)}`, class: 'small' }, t('incident.in_graph')),
				' · ',
				h(
					'button',
					{
						type: 'button',
						class: 'btn-link small',
						onclick: async (e) => {
							try {
								await post('/subscriptions', { kind: 'observable', value: key });
								toast(t('alerts.subscribed', { value: key }), 'success');
								e.target.disabled = true;
							} catch (err) {
								toast(errorText(err), 'error');
							}
						},
					},
					t('incident.alert_me'),
				),
			);
		}),
	);
}

function attachmentsView(inc, reload) {
	const items = inc.attachments || [];
	const list = items.length
		? h(
				'ul',
				{ class: 'attachments' },
				items.map((a) =>
					h(
						'li',
						null,
						h('a', { href: `/api/v1/incidents/${inc.id}/attachments/${a.sha256}`, download: a.name }, a.name),
						h('span', { class: 'muted small' }, ` ${a.media_type || ''} · ${t('incident.bytes', { n: formatNumber(a.size) })} · `, h('span', { class: 'mono', title: a.sha256 }, a.sha256.slice(0, 12))),
					),
				),
			)
		: h('p', { class: 'muted' }, t('incident.no_attachments'));
	if (!inc.editable || !can.write()) return list;
	const file = h('input', { type: 'file', id: 'attachment-file' });
	const status = h('span', { role: 'status', class: 'muted' });
	const form = h(
		'form',
		{
			class: 'upload',
			onsubmit: async (e) => {
				e.preventDefault();
				const f = file.files?.[0];
				if (!f) {
					status.textContent = t('incident.choose_file');
					return;
				}
				status.textContent = t('incident.uploading');
				try {
					await request('POST', `/incidents/${inc.id}/attachments`, { raw: f, contentType: f.type || 'application/octet-stream', query: { name: f.name } });
					toast(t('incident.uploaded', { name: f.name }), 'success');
					reload();
				} catch (err) {
					status.textContent = errorText(err);
				}
			},
		},
		h('label', { for: 'attachment-file' }, t('incident.add_attachment')),
		file,
		h('button', { type: 'submit', class: 'btn btn-small' }, t('incident.upload')),
		status,
	);
	return h('div', null, list, form);
}

// The listings of the incident reported to platforms (GET /incidents/{id}/takedowns): when,
// where, whether and when each disappeared, and the time it took.
function takedownsTable(items) {
	if (!items.length) return h('p', { class: 'muted' }, t('incident.takedowns_none'));
	const cols = ['incident.takedown_platform', 'incident.takedown_reference', 'incident.takedown_url', 'incident.takedown_reported', 'incident.takedown_status', 'incident.takedown_time', 'incident.takedown_checks'];
	return h(
		'div',
		{ class: 'table-wrap' },
		h(
			'table',
			{ class: 'table compact', id: 'takedowns-table' },
			h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col', class: k === 'incident.takedown_time' ? 'num' : null }, t(k))))),
			h(
				'tbody',
				null,
				items.map((x) =>
					h(
						'tr',
						{ dataset: { takedown: x.id, gone: x.gone_at ? 'true' : 'false' } },
						h('td', null, x.platform),
						h('td', { class: 'mono small' }, x.reference),
						h('td', { class: 'mono small break' }, x.url),
						h('td', { class: 'small' }, formatTime(x.reported_at)),
						h('td', { class: 'small' }, x.gone_at ? t('incident.takedown_gone', { time: formatTime(x.gone_at), how: x.how || '' }) : h('span', { class: 'badge' }, t('incident.takedown_online'))),
						h('td', { class: 'num takedown-time' }, formatDuration(x.seconds_to_takedown)),
						h('td', { class: 'small' }, x.checks ? t('incident.takedown_checks_value', { n: x.checks, time: formatTime(x.last_check) }) : t('incident.takedown_never_checked')),
					),
				),
			),
		),
	);
}

// "2026-11-29T09:00" or "…:00" from a datetime-local field, read as UTC -> RFC 3339 with Z.
function utcFromLocalField(v) {
	if (!v) return undefined;
	return `${v.length === 16 ? `${v}:00` : v}Z`;
}

function takedownsView(inc) {
	const list = h('div', null);
	const reload = () => load(list, () => get(`/incidents/${inc.id}/takedowns`), (r) => takedownsTable(r.items));
	reload();
	if (!inc.editable || !can.write()) return h('div', null, list, h('p', { class: 'muted small' }, t('incident.takedown_help')));
	const url = h('input', { type: 'url', name: 'takedown_url', required: true, placeholder: 'https://', autocomplete: 'off' });
	const platform = h('input', { type: 'text', name: 'takedown_platform', required: true, maxlength: 100 });
	const reference = h('input', { type: 'text', name: 'takedown_reference', maxlength: 200 });
	const at = h('input', { type: 'datetime-local', name: 'takedown_reported_at', step: 1 });
	const status = h('p', { role: 'status', class: 'muted small' });
	const form = h(
		'form',
		{
			class: 'takedown-form',
			onsubmit: async (e) => {
				e.preventDefault();
				status.textContent = '';
				try {
					const body = { url: url.value.trim(), platform: platform.value.trim(), reference: reference.value.trim() };
					const when = utcFromLocalField(at.value);
					if (when) body.reported_at = when;
					const r = await post(`/incidents/${inc.id}/takedowns`, body);
					toast(t('incident.takedown_recorded', { url: r.url }), 'success');
					form.reset();
					reload();
				} catch (err) {
					status.textContent = errorText(err);
				}
			},
		},
		h('h3', null, t('incident.takedown_add')),
		h('div', { class: 'form-row' }, field(t('incident.takedown_url'), url), field(t('incident.takedown_platform'), platform), field(t('incident.takedown_reference'), reference), field(t('incident.takedown_reported_at'), at, t('incident.takedown_reported_at_hint'))),
		h('button', { type: 'submit', class: 'btn btn-small' }, t('incident.takedown_submit')),
		status,
	);
	return h('div', null, list, h('p', { class: 'muted small' }, t('incident.takedown_help')), form);
}

function correlationsView(inc) {
	if (!inc.correlations?.length) return h('p', { class: 'muted' }, t('incident.no_correlations'));
	return h(
		'ul',
		{ class: 'correlations' },
		inc.correlations.map((c) => h('li', null, h('a', { href: `/incidents/${c.incident_id}` }, `#${c.incident_id} ${c.title}`), ' ', h('span', { class: 'badge' }, tv('correlation', c.kind)), ' ', h('span', { class: 'mono small' }, c.detail || ''))),
	);
}

// The incident's entries in the audit log (admins only: GET /audit is an admin endpoint).
async function historyView(inc, box) {
	if (!can.admin()) {
		replace(box, h('p', { class: 'muted' }, t('incident.history_admin_only')), h('p', null, t('incident.history_basic', { created: formatTime(inc.created_at), by: inc.created_by || '', updated: formatTime(inc.updated_at), version: inc.version })));
		return;
	}
	replace(box, loading());
	try {
		const entries = [];
		let after = 0;
		for (let i = 0; i < 50; i++) {
			const r = await get('/audit', { after, limit: 1000 });
			for (const e of r.items) if (e.object_type === 'incident' && String(e.object_id) === String(inc.id)) entries.push(e);
			if (r.items.length < 1000) break;
			after = r.items[r.items.length - 1].id;
		}
		entries.reverse();
		replace(
			box,
			entries.length
				? h(
						'div',
						{ class: 'table-wrap' },
						h(
							'table',
							{ class: 'table compact history' },
							h('thead', null, h('tr', null, ['audit.time', 'audit.user', 'audit.action', 'audit.detail'].map((k) => h('th', { scope: 'col' }, t(k))))),
							h('tbody', null, entries.map((e) => h('tr', null, h('td', { class: 'small' }, formatTime(e.ts)), h('td', null, e.username || ''), h('td', null, tv('action', e.action)), h('td', { class: 'mono small' }, e.detail ? JSON.stringify(e.detail) : '')))),
						),
					)
				: emptyState(t('incident.history_none')),
		);
	} catch (e) {
		replace(box, errorBox(e));
	}
}

export default {
	title: 'incident.page_title',
	async render({ main, params, navigate }) {
		const id = params.id;
		const box = h('div', null, loading());
		main.append(box);
		const reload = () => navigate(`/incidents/${id}`, { replace: true });
		let inc;
		try {
			inc = await get(`/incidents/${encodeURIComponent(id)}`);
		} catch (e) {
			replace(box, pageHeader(t('incident.not_found_title')), errorBox(e), h('p', null, h('a', { href: '/incidents' }, t('incident.back_to_list'))));
			return;
		}
		document.title = `${inc.title} · ${t('app.name')}`;
		const actions = [h('a', { href: `/network/${inc.id}`, class: 'btn' }, t('incident.network'))];
		if (inc.editable && can.write()) {
			actions.unshift(h('a', { href: `/incidents/${inc.id}/edit`, class: 'btn btn-primary' }, t('incident.edit')));
			actions.push(
				h(
					'button',
					{
						type: 'button',
						class: 'btn btn-danger',
						onclick: async () => {
							if (!(await confirmDialog(t('incident.delete_title'), t('incident.delete_confirm', { title: inc.title }), t('incident.delete')))) return;
							try {
								await del(`/incidents/${inc.id}`);
								toast(t('incident.deleted'), 'success');
								navigate('/incidents');
							} catch (e) {
								toast(errorText(e), 'error');
							}
						},
					},
					t('incident.delete'),
				),
			);
		}
		const history = h('div', null);
		const verdict = inc.source?.verdict;
		const hasText = verdict && verdictFields(verdict).length;
		const group = inc.distribution === 'sharing-group' && inc.sharing_group_id ? (await getSharingGroupName(inc.sharing_group_id)) : null;
		replace(
			box,
			h('p', { class: 'breadcrumb' }, h('a', { href: '/incidents' }, t('incidents.title')), ' / ', t('incident.number', { id: inc.id })),
			pageHeader(inc.title, actions),
			h(
				'div',
				{ class: 'tags' },
				tlpBadge(inc.tlp),
				h('span', { class: ['badge', `status-${inc.status}`] }, tv('status', inc.status)),
				h('span', { class: 'badge' }, tv('type', inc.type)),
				h('span', { class: 'badge', id: 'distribution' }, tv('distribution', inc.distribution), group ? `: ${group}` : ''),
			),
			h(
				'div',
				{ class: 'incident-grid' },
				h(
					'section',
					{ class: 'card', 'aria-labelledby': 'sec-facts' },
					h('h2', { id: 'sec-facts' }, t('incident.facts')),
					facts([
						[t('incident.org'), inc.org ? `${inc.org.name} (${countryName(inc.org.country)})` : ''],
						[t('incident.created_by'), inc.created_by],
						[t('incident.occurred_on'), formatDate(inc.occurred_on)],
						[t('incident.reported_on'), formatDate(inc.reported_on)],
						[t('incident.transport_mode'), tv('transport', inc.transport_mode)],
						[t('incident.concealment'), inc.concealment],
						[t('incident.version'), String(inc.version)],
						[t('incident.updated'), formatTime(inc.updated_at)],
						[t('incident.source_url'), inc.source?.url ? h('span', { class: 'mono' }, inc.source.url) : ''],
						[t('incident.source_platform'), inc.source?.platform || ''],
					]),
				),
				h('section', { class: 'card', 'aria-labelledby': 'sec-route' }, h('h2', { id: 'sec-route' }, t('incident.route')), routeView(inc)),
			),
			h('section', { 'aria-labelledby': 'sec-narrative' }, h('h2', { id: 'sec-narrative' }, t('incident.narrative')), inc.narrative ? h('div', { class: 'narrative' }, inc.narrative) : h('p', { class: 'muted' }, t('incident.no_narrative'))),
			h('section', { 'aria-labelledby': 'sec-subs' }, h('h2', { id: 'sec-subs' }, t('incident.substances')), substancesTable(inc.substances)),
			h('section', { 'aria-labelledby': 'sec-obs' }, h('h2', { id: 'sec-obs' }, t('incident.observables')), observablesList(inc)),
			hasText || inc.evidence?.length
				? h('section', { 'aria-labelledby': 'sec-ev' }, h('h2', { id: 'sec-ev' }, t('incident.evidence')), hasText ? [highlightedFields(verdict, { evidence: inc.evidence || verdict.evidence }), legend()] : h('ul', null, inc.evidence.map((e) => h('li', null, `“${e.text}” (${tv('evidence', e.kind)})`))))
				: null,
			h('section', { 'aria-labelledby': 'sec-att' }, h('h2', { id: 'sec-att' }, t('incident.attachments')), attachmentsView(inc, reload)),
			h('section', { 'aria-labelledby': 'sec-td', id: 'takedowns' }, h('h2', { id: 'sec-td' }, t('incident.takedowns')), takedownsView(inc)),
			h('section', { 'aria-labelledby': 'sec-cor' }, h('h2', { id: 'sec-cor' }, t('incident.correlations')), correlationsView(inc)),
			h('section', { 'aria-labelledby': 'sec-hist' }, h('h2', { id: 'sec-hist' }, t('incident.history')), history),
		);
		historyView(inc, history);
	},
};

async function getSharingGroupName(gid) {
	try {
		const groups = (await get('/sharing-groups')).items;
		return groups.find((g) => g.id === gid)?.name || `#${gid}`;
	} catch {
		return `#${gid}`;
	}
}
