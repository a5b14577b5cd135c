// admin.js: the sub-navigation of the administration pages and a small table helper.
import { h } from './dom.js';
import { t } from './i18n.js';

export function adminNav(current) {
	const items = [
		['/admin/orgs', 'admin.orgs'],
		['/admin/users', 'admin.users'],
		['/admin/groups', 'admin.groups'],
		['/admin/tokens', 'admin.tokens'],
		['/admin/audit', 'admin.audit'],
	];
	return h('nav', { class: 'tabs', 'aria-label': t('admin.nav') }, h('ul', null, items.map(([href, k]) => h('li', null, h('a', { href, 'aria-current': href === current ? 'page' : null }, t(k))))));
}

// table(['col.key', ...], rows, (row) => [cells]) with column headers from the catalogue.
export function table(cols, rows, cells, props = {}) {
	return h(
		'div',
		{ class: 'table-wrap' },
		h('table', { class: 'table', ...props }, h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))), h('tbody', null, rows.map((r) => h('tr', null, cells(r).map((c) => h('td', null, c)))))),
	);
}
