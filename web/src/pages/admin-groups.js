// admin-groups.js: sharing groups with their member organisations: create a group, add and
// remove members (a removed organisation's users stop seeing the group's incidents at once).
import { h, replace, field, select } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { get, post, put, del, session } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader, confirmDialog } from '../lib/ui.js';
import { adminNav } from '../lib/admin.js';

export default {
	title: 'admin.groups',
	async render({ main }) {
		main.append(pageHeader(t('admin.groups')), adminNav('/admin/groups'));
		const box = h('div', null, loading());
		let orgs = [];
		try {
			orgs = (await get('/admin/orgs')).items;
		} catch (e) {
			main.append(errorBox(e));
			return;
		}
		const orgName = (id) => orgs.find((o) => o.id === id)?.name || `#${id}`;
		const reload = async () => {
			session.groups = null;
			try {
				const r = await get('/admin/sharing-groups');
				replace(
					box,
					h(
						'div',
						{ class: 'group-list' },
						r.items.map((g) => {
							const others = orgs.filter((o) => !g.members.includes(o.id));
							const add = select([['', t('admin.choose_org')], ...others.map((o) => [o.id, o.name])], '', { 'aria-label': t('admin.add_member_to', { group: g.name }) });
							return h(
								'section',
								{ class: 'card', dataset: { group: g.id } },
								h('h2', null, g.name),
								h('p', { class: 'muted' }, t('admin.group_owner', { org: orgName(g.owner_org) })),
								h(
									'ul',
									{ class: 'members' },
									g.members.map((m) =>
										h(
											'li',
											null,
											orgName(m),
											m === g.owner_org
												? h('span', { class: 'muted small' }, ` (${t('admin.owner')})`)
												: h(
														'button',
														{
															type: 'button',
															class: 'btn btn-small',
															onclick: async () => {
																if (!(await confirmDialog(t('admin.remove_member_title'), t('admin.remove_member_confirm', { org: orgName(m), group: g.name }), t('admin.remove')))) return;
																try {
																	await del(`/admin/sharing-groups/${g.id}/members/${m}`);
																	toast(t('admin.member_removed', { org: orgName(m) }), 'success');
																	reload();
																} catch (e) {
																	toast(errorText(e), 'error');
																}
															},
														},
														t('admin.remove'),
													),
										),
									),
								),
								others.length
									? h(
											'form',
											{
												class: 'inline',
												onsubmit: async (e) => {
													e.preventDefault();
													if (!add.value) return;
													try {
														await put(`/admin/sharing-groups/${g.id}/members/${add.value}`);
														toast(t('admin.member_added', { org: orgName(Number(add.value)) }), 'success');
														reload();
													} catch (ex) {
														toast(errorText(ex), 'error');
													}
												},
											},
											add,
											h('button', { type: 'submit', class: 'btn btn-small' }, t('admin.add_member')),
										)
									: null,
							);
						}),
					),
				);
			} catch (e) {
				replace(box, errorBox(e));
			}
		};
		const name = h('input', { name: 'name', required: true, maxlength: 200 });
		const members = h('select', { multiple: true, size: Math.min(6, orgs.length), name: 'members' }, orgs.map((o) => h('option', { value: o.id }, o.name)));
		const err = h('div', { class: 'form-error', role: 'alert' });
		const form = h(
			'form',
			{
				class: 'card inline-form',
				onsubmit: async (e) => {
					e.preventDefault();
					err.textContent = '';
					try {
						const g = await post('/admin/sharing-groups', { name: name.value.trim(), members: [...members.selectedOptions].map((o) => Number(o.value)) });
						toast(t('admin.group_created', { name: g.name }), 'success');
						form.reset();
						reload();
					} catch (ex) {
						err.textContent = errorText(ex);
					}
				},
			},
			h('h2', null, t('admin.group_new')),
			h('div', { class: 'form-row' }, field(t('admin.col_name'), name), field(t('admin.members'), members, t('admin.members_hint')), h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('admin.create')))),
			err,
		);
		main.append(box, form);
		await reload();
	},
};
