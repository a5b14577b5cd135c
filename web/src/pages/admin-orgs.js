// admin-orgs.js: organisations (list and create).
import { h, replace, field, select } from '../lib/dom.js';
import { t, tv, formatTime, countryName } from '../lib/i18n.js';
import { get, post } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader } from '../lib/ui.js';
import { adminNav, table } from '../lib/admin.js';
import { ORG_KINDS } from '../lib/enums.js';
import { countryOptions } from '../lib/countries.js';

export default {
	title: 'admin.orgs',
	async render({ main }) {
		main.append(pageHeader(t('admin.orgs')), adminNav('/admin/orgs'));
		const box = h('div', null, loading());
		const name = h('input', { name: 'name', required: true, maxlength: 200 });
		const country = select([['', t('edit.choose_country')], ...countryOptions()], '', { name: 'country', required: true });
		const kind = select(ORG_KINDS.map((k) => [k, tv('orgkind', k)]), 'government', { name: 'kind' });
		const err = h('div', { class: 'form-error', role: 'alert' });
		const reload = async () => {
			try {
				const r = await get('/admin/orgs');
				replace(box, table(['admin.col_id', 'admin.col_name', 'admin.col_country', 'admin.col_kind', 'admin.col_created'], r.items, (o) => [String(o.id), o.name, `${countryName(o.country)} (${o.country})`, tv('orgkind', o.kind), formatTime(o.created_at)], { id: 'orgs-table' }));
			} catch (e) {
				replace(box, errorBox(e));
			}
		};
		const form = h(
			'form',
			{
				class: 'card inline-form',
				onsubmit: async (e) => {
					e.preventDefault();
					err.textContent = '';
					try {
						const o = await post('/admin/orgs', { name: name.value.trim(), country: country.value, kind: kind.value });
						toast(t('admin.org_created', { name: o.name }), 'success');
						form.reset();
						reload();
					} catch (ex) {
						err.textContent = errorText(ex);
					}
				},
			},
			h('h2', null, t('admin.org_new')),
			h('div', { class: 'form-row' }, field(t('admin.col_name'), name), field(t('admin.col_country'), country), field(t('admin.col_kind'), kind), h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('admin.create')))),
			err,
		);
		main.append(box, form);
		await reload();
	},
};
