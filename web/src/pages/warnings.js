// warnings.js: the public page of drug-checking warnings (GET /warnings, no login needed) with
// the link to their Atom feed.  Each warning has an anchor (#ID) that the feed links to.
import { h, replace } from '../lib/dom.js';
import { t, tv, formatDate, formatTime, countryName } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { loading, errorBox, pageHeader, emptyState } from '../lib/ui.js';

export default {
	title: 'warnings.title',
	async render({ main }) {
		const feed = h('a', { href: '/api/v1/feeds/warnings.atom', class: 'btn feed-link', type: 'application/atom+xml', dataset: { external: '' } }, t('warnings.feed'));
		main.append(pageHeader(t('warnings.title'), feed), h('p', { class: 'lead' }, t('warnings.intro')));
		const list = h('div', null, loading());
		main.append(list);
		try {
			const r = await get('/warnings', { limit: 100 }, { noRedirect: true });
			if (!r.items.length) {
				replace(list, emptyState(t('warnings.none')));
				return;
			}
			replace(
				list,
				h(
					'ol',
					{ class: 'warnings' },
					r.items.map((w) =>
						h(
							'li',
							{ id: String(w.id), class: 'card warning' },
							h('article', { 'aria-labelledby': `w-${w.id}` },
								h('h2', { id: `w-${w.id}` }, w.title),
								h('p', { class: 'muted' }, t('warnings.byline', { org: w.org_name, country: countryName(w.org_country), date: formatDate(w.occurred_on) })),
								w.substances?.length ? h('ul', { class: 'tags', 'aria-label': t('warnings.substances') }, w.substances.map((s) => h('li', { class: ['badge', `class-${s.class}`] }, s.name, s.class ? h('span', { class: 'muted' }, ` · ${tv('class', s.class)}`) : ''))) : null,
								w.narrative ? h('p', { class: 'narrative' }, w.narrative) : null,
								h('p', { class: 'muted small' }, t('warnings.updated', { time: formatTime(w.updated_at) })),
							),
						),
					),
				),
			);
			if (window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView();
		} catch (e) {
			replace(list, errorBox(e));
		}
	},
};
