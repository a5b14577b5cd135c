// admin-users.js: users (list, create, change role, disable or enable, set a new password).
import { h, replace, field, select } from '../lib/dom.js';
import { t, formatTime } from '../lib/i18n.js';
import { get, post, patch } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader, dialog } from '../lib/ui.js';
import { adminNav, table } from '../lib/admin.js';
import { ROLES } from '../lib/enums.js';

function passwordDialog(user) {
	return dialog(t('admin.password_title', { user: user.username }), (close) => {
		const pw = h('input', { type: 'password', autocomplete: 'new-password', minlength: 10, required: true, autofocus: true });
		return h(
			'form',
			{
				onsubmit: (e) => {
					e.preventDefault();
					if (pw.value.length >= 10) close(pw.value);
				},
			},
			field(t('admin.new_password'), pw, t('admin.password_hint')),
			h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('admin.set_password')), h('button', { type: 'button', class: 'btn', onclick: () => close() }, t('common.cancel'))),
		);
	});
}

export default {
	title: 'admin.users',
	async render({ main }) {
		main.append(pageHeader(t('admin.users')), adminNav('/admin/users'));
		const box = h('div', null, loading());
		let orgs = [];
		try {
			orgs = (await get('/admin/orgs')).items;
		} catch (e) {
			main.append(errorBox(e));
			return;
		}
		const change = async (u, body, msg) => {
			try {
				await patch(`/admin/users/${u.id}`, body);
				toast(msg, 'success');
				reload();
			} catch (e) {
				toast(errorText(e), 'error');
			}
		};
		const reload = async () => {
			try {
				const r = await get('/admin/users');
				replace(
					box,
					table(['admin.col_user', 'admin.col_org', 'admin.col_role', 'admin.col_state', 'admin.col_created', ''], r.items, (u) => {
						const role = select(ROLES.map((x) => [x, t(`role.${x}`)]), u.role, { 'aria-label': t('admin.role_of', { user: u.username }) });
						role.addEventListener('change', () => change(u, { role: role.value }, t('admin.role_changed', { user: u.username })));
						return [
							u.username,
							u.org_name,
							role,
							u.disabled ? h('span', { class: 'badge status-closed' }, t('admin.disabled')) : h('span', { class: 'badge status-confirmed' }, t('admin.active')),
							formatTime(u.created_at),
							h(
								'span',
								{ class: 'row-actions' },
								h('button', { type: 'button', class: 'btn btn-small', onclick: () => change(u, { disabled: !u.disabled }, u.disabled ? t('admin.enabled_msg', { user: u.username }) : t('admin.disabled_msg', { user: u.username })) }, u.disabled ? t('admin.enable') : t('admin.disable')),
								h(
									'button',
									{
										type: 'button',
										class: 'btn btn-small',
										onclick: async () => {
											const pw = await passwordDialog(u);
											if (pw) change(u, { password: pw }, t('admin.password_set', { user: u.username }));
										},
									},
									t('admin.set_password'),
								),
							),
						];
					}, { id: 'users-table' }),
				);
			} catch (e) {
				replace(box, errorBox(e));
			}
		};
		const username = h('input', { name: 'username', required: true, autocomplete: 'off', spellcheck: 'false', pattern: '[A-Za-z0-9._@-]+' });
		const password = h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' });
		const org = select(orgs.map((o) => [o.id, o.name]), orgs[0]?.id, { name: 'org_id' });
		const role = select(ROLES.map((x) => [x, t(`role.${x}`)]), 'analyst', { name: 'role' });
		const err = h('div', { class: 'form-error', role: 'alert' });
		const form = h(
			'form',
			{
				class: 'card inline-form',
				onsubmit: async (e) => {
					e.preventDefault();
					err.textContent = '';
					try {
						const u = await post('/admin/users', { org_id: Number(org.value), username: username.value.trim(), password: password.value, role: role.value });
						toast(t('admin.user_created', { user: u.username }), 'success');
						form.reset();
						reload();
					} catch (ex) {
						err.textContent = errorText(ex);
					}
				},
			},
			h('h2', null, t('admin.user_new')),
			h('div', { class: 'form-row' }, field(t('admin.col_user'), username), field(t('login.password'), password, t('admin.password_hint')), field(t('admin.col_org'), org), field(t('admin.col_role'), role), h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('admin.create')))),
			err,
		);
		main.append(box, form);
		await reload();
	},
};
