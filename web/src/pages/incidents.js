// incidents.js: the incident list: full-text search and filters (type, status, class,
// substance, country, dates, observable), all kept in the URL so that a search can be shared
// and the back button works; paged results from GET /incidents.
import { h, replace, field, select } from '../lib/dom.js';
import { t, tv, formatDate, formatNumber, formatTime } from '../lib/i18n.js';
import { get, can } from '../lib/api.js';
import { loading, errorBox, pager, pageHeader, tlpBadge, emptyState } from '../lib/ui.js';
import { TYPES, STATUSES, CLASSES } from '../lib/enums.js';
import { countryOptions } from '../lib/countries.js';

const KEYS = ['q', 'type', 'status', 'class', 'substance', 'country', 'from', 'to', 'observable', 'page'];

export default {
	title: 'incidents.title',
	async render({ main, query, navigate }) {
		const p = Object.fromEntries(KEYS.map((k) => [k, query.get(k) || '']));
		const page = Math.max(1, Number(p.page) || 1);
		const perPage = 20;

		const q = h('input', { type: 'search', name: 'q', value: p.q, placeholder: t('incidents.search_placeholder'), class: 'grow' });
		const type = select([['', t('common.all')], ...TYPES.map((v) => [v, tv('type', v)])], p.type, { name: 'type' });
		const status = select([['', t('common.all')], ...STATUSES.map((v) => [v, tv('status', v)])], p.status, { name: 'status' });
		const cls = select([['', t('common.all')], ...CLASSES.map((v) => [v, tv('class', v)])], p.class, { name: 'class' });
		const substance = h('input', { name: 'substance', value: p.substance, placeholder: t('incidents.substance_placeholder'), class: 'narrow', spellcheck: 'false' });
		const country = select([['', t('common.all')], ...countryOptions()], p.country, { name: 'country' });
		const from = h('input', { type: 'date', name: 'from', value: p.from });
		const to = h('input', { type: 'date', name: 'to', value: p.to });
		const observable = h('input', { name: 'observable', value: p.observable, placeholder: t('incidents.observable_placeholder'), spellcheck: 'false' });

		const go = (pg) => {
			const u = new URLSearchParams();
			const vals = { q: q.value.trim(), type: type.value, status: status.value, class: cls.value, substance: substance.value.trim(), country: country.value, from: from.value, to: to.value, observable: observable.value.trim() };
			for (const [k, v] of Object.entries(vals)) if (v) u.set(k, v);
			if (pg > 1) u.set('page', pg);
			navigate(`/incidents${u.toString() ? `?${u}` : ''}`);
		};
		const anyAdvanced = p.type || p.status || p.class || p.substance || p.country || p.from || p.to || p.observable;
		const form = h(
			'form',
			{
				class: 'search-form',
				role: 'search',
				onsubmit: (e) => {
					e.preventDefault();
					go(1);
				},
			},
			h('div', { class: 'search-row' }, h('label', { for: 'incident-q', class: 'visually-hidden' }, t('incidents.search_label')), Object.assign(q, { id: 'incident-q' }), h('button', { type: 'submit', class: 'btn btn-primary' }, t('incidents.search'))),
			h(
				'details',
				{ class: 'advanced', open: anyAdvanced ? true : null },
				h('summary', null, t('incidents.filters')),
				h(
					'div',
					{ class: 'filters' },
					field(t('incident.type'), type),
					field(t('incident.status'), status),
					field(t('incident.class'), cls),
					field(t('incident.substance'), substance, t('incidents.substance_hint')),
					field(t('incident.country'), country),
					field(t('incidents.from'), from),
					field(t('incidents.to'), to),
					field(t('incident.observable'), observable, t('incidents.observable_hint')),
				),
				h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('incidents.apply')), h('a', { href: '/incidents', class: 'btn btn-link' }, t('incidents.reset'))),
			),
		);

		main.append(pageHeader(t('incidents.title'), can.write() ? h('a', { href: '/incidents/new', class: 'btn btn-primary' }, t('incidents.new')) : null), form);
		const results = h('div', { class: 'results' }, loading());
		main.append(results);
		try {
			const r = await get('/incidents', { ...p, page, per_page: perPage });
			const summary = h('p', { class: 'count', role: 'status', id: 'result-count', dataset: { total: r.total } }, r.total_capped ? t('incidents.count_capped', { n: formatNumber(r.total) }) : t('incidents.count', { n: formatNumber(r.total) }));
			if (!r.items.length) {
				replace(results, summary, emptyState(t('incidents.none')));
				return;
			}
			replace(
				results,
				summary,
				h(
					'div',
					{ class: 'table-wrap' },
					h(
						'table',
						{ class: 'table incidents-table' },
						h('caption', { class: 'visually-hidden' }, t('incidents.table_caption')),
						h(
							'thead',
							null,
							h(
								'tr',
								null,
								['incident.id', 'incident.title_field', 'incident.type', 'incident.status', 'incident.occurred_on', 'incident.org', 'incident.tlp', 'incident.updated'].map((k) => h('th', { scope: 'col' }, t(k))),
							),
						),
						h(
							'tbody',
							null,
							r.items.map((it) =>
								h(
									'tr',
									{ dataset: { id: it.id } },
									h('td', { class: 'num' }, it.id),
									h('td', null, h('a', { href: `/incidents/${it.id}` }, it.title)),
									h('td', null, tv('type', it.type)),
									h('td', null, h('span', { class: ['badge', `status-${it.status}`] }, tv('status', it.status))),
									h('td', null, formatDate(it.occurred_on)),
									h('td', null, it.org_name),
									h('td', null, tlpBadge(it.tlp), ' ', h('span', { class: 'muted small' }, tv('distribution', it.distribution))),
									h('td', { class: 'small' }, formatTime(it.updated_at)),
								),
							),
						),
					),
				),
				pager(page, perPage, r.total, go),
			);
		} catch (e) {
			replace(results, errorBox(e));
		}
	},
};
