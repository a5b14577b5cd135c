// admin-tokens.js: every user's API tokens (list, create for a user, revoke); the table and
// the form are shared with the caller's own token page (tokens.js).  A new token's secret is
// shown once, in a dialog, and never stored by the application.
import { h, replace, field, select } from '../lib/dom.js';
import { t, formatTime } from '../lib/i18n.js';
import { get, post, del } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader, dialog, confirmDialog } from '../lib/ui.js';
import { adminNav, table } from '../lib/admin.js';
import { SCOPES } from '../lib/enums.js';

export function tokensTable(items, revoke, reload) {
	return table(['admin.col_id', 'admin.col_name', 'admin.col_user', 'admin.col_scopes', 'admin.col_created', 'admin.col_state', ''], items, (k) => [
		String(k.id),
		k.name,
		k.username || String(k.user_id),
		k.scopes.map((s) => t(`scope.${s}`)).join(', '),
		formatTime(k.created_at),
		k.revoked ? h('span', { class: 'badge status-closed' }, t('admin.revoked_at', { time: formatTime(k.revoked_at) })) : h('span', { class: 'badge status-confirmed' }, t('admin.active')),
		k.revoked
			? ''
			: h(
					'button',
					{
						type: 'button',
						class: 'btn btn-small btn-danger',
						onclick: async () => {
							if (!(await confirmDialog(t('admin.revoke_title'), t('admin.revoke_confirm', { name: k.name }), t('admin.revoke')))) return;
							try {
								await revoke(k);
								toast(t('admin.token_revoked', { name: k.name }), 'success');
								reload();
							} catch (e) {
								toast(errorText(e), 'error');
							}
						},
					},
					t('admin.revoke'),
				),
	], { id: 'tokens-table' });
}

function showSecret(tok) {
	return dialog(t('admin.token_created_title'), (close) => {
		const secret = h('input', { readonly: true, value: tok.token, class: 'mono grow', id: 'token-secret', autofocus: true, onfocus: (e) => e.target.select() });
		return h(
			'div',
			null,
			h('p', null, t('admin.token_once')),
			field(t('admin.token_secret'), secret),
			h(
				'div',
				{ class: 'actions' },
				h(
					'button',
					{
						type: 'button',
						class: 'btn',
						onclick: async () => {
							try {
								await navigator.clipboard.writeText(tok.token);
								toast(t('admin.copied'));
							} catch {
								secret.select();
							}
						},
					},
					t('admin.copy'),
				),
				h('button', { type: 'button', class: 'btn btn-primary', onclick: () => close() }, t('common.done')),
			),
		);
	});
}

// users: [{id, username}] for the admin form, or null for the caller's own tokens.
export function tokenForm({ users, create, reload }) {
	const name = h('input', { name: 'name', required: true, maxlength: 100 });
	const user = users ? select(users.map((u) => [u.id, `${u.username} (${u.org_name})`]), users[0]?.id, { name: 'user_id' }) : null;
	const boxes = SCOPES.map((s) => h('input', { type: 'checkbox', name: 'scopes', value: s, checked: s === 'read', id: `scope-${s}` }));
	const err = h('div', { class: 'form-error', role: 'alert' });
	const form = h(
		'form',
		{
			class: 'card inline-form',
			onsubmit: async (e) => {
				e.preventDefault();
				err.textContent = '';
				const scopes = boxes.filter((b) => b.checked).map((b) => b.value);
				if (!name.value.trim() || !scopes.length) {
					err.textContent = t('admin.token_missing');
					return;
				}
				try {
					const body = { name: name.value.trim(), scopes };
					if (user) body.user_id = Number(user.value);
					const tok = await create(body);
					form.reset();
					await showSecret(tok);
					reload();
				} catch (ex) {
					err.textContent = errorText(ex);
				}
			},
		},
		h('h2', null, t('admin.token_new')),
		h(
			'div',
			{ class: 'form-row' },
			field(t('admin.col_name'), name),
			user ? field(t('admin.col_user'), user) : null,
			h('fieldset', { class: 'checks' }, h('legend', null, t('admin.col_scopes')), boxes.map((b) => h('span', { class: 'radio' }, b, h('label', { for: b.id }, t(`scope.${b.value}`))))),
			h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('admin.create'))),
		),
		err,
	);
	return form;
}

export default {
	title: 'admin.tokens',
	async render({ main }) {
		main.append(pageHeader(t('admin.tokens')), adminNav('/admin/tokens'));
		const box = h('div', null, loading());
		let users = [];
		try {
			users = (await get('/admin/users')).items.filter((u) => !u.disabled);
		} catch (e) {
			main.append(errorBox(e));
			return;
		}
		const reload = async () => {
			try {
				const r = await get('/admin/tokens');
				replace(box, tokensTable(r.items, (k) => del(`/admin/tokens/${k.id}`), reload));
			} catch (e) {
				replace(box, errorBox(e));
			}
		};
		main.append(box, tokenForm({ users, create: (body) => post('/admin/tokens', body), reload }));
		await reload();
	},
};
