// login.js: the login form.  The server sets the session cookie and returns the CSRF token;
// failed attempts get one message whatever was wrong (as the server answers), and the rate
// limit is explained.
import { h, field } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { login } from '../lib/api.js';

export default {
	title: 'login.title',
	render({ main, query, navigate, next }) {
		const user = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true, spellcheck: 'false', autocapitalize: 'none' });
		const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
		const msg = h('div', { class: 'form-error', role: 'alert', 'aria-live': 'assertive' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('login.submit'));
		const form = h(
			'form',
			{
				class: 'card login-form',
				novalidate: true,
				onsubmit: async (e) => {
					e.preventDefault();
					msg.textContent = '';
					if (!user.value || !pass.value) {
						msg.textContent = t('login.missing');
						(user.value ? pass : user).focus();
						return;
					}
					submit.disabled = true;
					try {
						await login(user.value.trim(), pass.value);
						navigate(next(query.get('next')), { replace: true });
					} catch (err) {
						pass.value = '';
						msg.textContent = err.status === 429 ? t('login.rate_limited') : err.status === 401 || err.status === 400 ? t('login.failed') : t('login.error', { message: err.message });
						pass.focus();
					} finally {
						submit.disabled = false;
					}
				},
			},
			h('h1', { tabindex: '-1', id: 'page-title' }, t('login.title')),
			h('p', { class: 'lead' }, t('login.intro')),
			field(t('login.username'), user),
			field(t('login.password'), pass),
			msg,
			h('div', { class: 'actions' }, submit),
			h('p', { class: 'muted' }, t('login.public_hint'), ' ', h('a', { href: '/warnings' }, t('login.public_link'))),
		);
		main.append(h('div', { class: 'login-wrap' }, form));
		user.focus();
	},
};
