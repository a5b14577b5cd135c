// admin-audit.js: the audit log (the newest entries first shown; pages of 100 in the order
// the server keeps them, oldest first, moved with `after`), a check of the hash chain, and
// the export as JSON Lines.
import { h, replace } from '../lib/dom.js';
import { t, tv, formatTime, formatNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { loading, errorBox, errorText, pageHeader } from '../lib/ui.js';
import { adminNav, table } from '../lib/admin.js';

const LIMIT = 100;

export default {
	title: 'admin.audit',
	async render({ main, query, navigate }) {
		let after = Math.max(0, Number(query.get('after')) || 0);
		const verifyOut = h('span', { role: 'status', id: 'verify-result' });
		const verify = h(
			'button',
			{
				type: 'button',
				class: 'btn',
				onclick: async () => {
					verifyOut.textContent = t('common.loading');
					try {
						const r = await get('/audit/verify');
						verifyOut.className = r.ok ? 'badge status-confirmed' : 'badge status-error';
						verifyOut.textContent = r.ok ? t('audit.verify_ok', { n: formatNumber(r.checked) }) : t('audit.verify_bad', { id: r.first_bad_id });
					} catch (e) {
						verifyOut.textContent = errorText(e);
					}
				},
			},
			t('audit.verify'),
		);
		const exportLink = h('a', { href: '/api/v1/audit/export', class: 'btn', download: 'interdict-audit.jsonl' }, t('audit.export'));
		main.append(pageHeader(t('admin.audit'), verify, exportLink), adminNav('/admin/audit'), h('p', { class: 'verify-line' }, verifyOut));
		const box = h('div', null, loading());
		main.append(box);
		try {
			// without ?after=, show the newest entries: GET /audit pages oldest first and gives
			// no total, so walk to its end in pages of 1,000 (at most 200 of them)
			if (!query.has('after')) {
				let last = 0;
				for (let i = 0; i < 200; i++) {
					const page = await get('/audit', { after: last, limit: 1000 });
					if (!page.items.length) break;
					last = page.items[page.items.length - 1].id;
					if (page.items.length < 1000) break;
				}
				after = Math.max(0, last - LIMIT);
			}
			const r = await get('/audit', { after, limit: LIMIT });
			const items = r.items;
			const last = items.length ? items[items.length - 1].id : after;
			replace(
				box,
				items.length
					? table(['audit.id', 'audit.time', 'audit.user', 'audit.addr', 'audit.action', 'audit.object', 'audit.detail', 'audit.hash'], items, (e) => [
							String(e.id),
							formatTime(e.ts),
							e.username || '—',
							h('span', { class: 'mono small' }, e.addr || ''),
							tv('action', e.action),
							e.object_type ? `${e.object_type} ${e.object_id ?? ''}` : '',
							h('span', { class: 'mono small detail' }, e.detail ? JSON.stringify(e.detail) : ''),
							h('span', { class: 'mono small', title: e.hash }, (e.hash || '').slice(0, 10)),
						], { id: 'audit-table' })
					: h('p', { class: 'muted' }, t('audit.none')),
				h(
					'nav',
					{ class: 'pager', 'aria-label': t('common.pages') },
					h('button', { type: 'button', class: 'btn', disabled: after === 0, onclick: () => navigate(`/admin/audit?after=${Math.max(0, after - LIMIT)}`) }, t('audit.older')),
					h('span', null, items.length ? t('audit.range', { from: items[0].id, to: last }) : ''),
					h('button', { type: 'button', class: 'btn', disabled: items.length < LIMIT, onclick: () => navigate(`/admin/audit?after=${last}`) }, t('audit.newer')),
					h('a', { href: '/admin/audit', class: 'btn btn-link' }, t('audit.latest')),
				),
			);
		} catch (e) {
			replace(box, errorBox(e));
		}
	},
};
