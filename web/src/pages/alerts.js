// alerts.js: the caller's notifications (newest first; mark read) and subscriptions (a
// substance, class, country or observable, optionally with a webhook).
import { h, replace, field, select } from '../lib/dom.js';
import { t, tv, formatTime } from '../lib/i18n.js';
import { get, post, del } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader, emptyState } from '../lib/ui.js';
import { table } from '../lib/admin.js';

const KINDS = ['substance', 'class', 'country', 'observable'];

export default {
	title: 'alerts.title',
	async render({ main }) {
		main.append(pageHeader(t('alerts.title')));
		const notes = h('div', null, loading());
		const subs = h('div', null, loading());
		const loadNotes = async () => {
			try {
				const r = await get('/notifications', { limit: 200 });
				replace(
					notes,
					r.items.length
						? h(
								'ul',
								{ class: 'notifications' },
								r.items.map((n) =>
									h(
										'li',
										{ class: ['card', 'notification', !n.read && 'unread'] },
										h('a', { href: `/incidents/${n.incident_id}` }, n.title),
										h('span', { class: 'muted small' }, ` · ${n.org_name} · ${tv('type', n.type)} · ${formatTime(n.created_at)}`),
										h('p', { class: 'small' }, n.reason),
										n.read
											? null
											: h(
													'button',
													{
														type: 'button',
														class: 'btn btn-small',
														onclick: async () => {
															try {
																await post(`/notifications/${n.id}/read`);
																loadNotes();
															} catch (e) {
																toast(errorText(e), 'error');
															}
														},
													},
													t('alerts.mark_read'),
												),
									),
								),
							)
						: emptyState(t('alerts.no_notifications')),
				);
			} catch (e) {
				replace(notes, errorBox(e));
			}
		};
		const loadSubs = async () => {
			try {
				const r = await get('/subscriptions');
				replace(
					subs,
					r.items.length
						? table(['alerts.kind', 'alerts.value', 'alerts.col_webhook', ''], r.items, (s) => [
								tv('subkind', s.kind),
								h('span', { class: 'mono' }, s.value),
								s.webhook ? h('span', { class: 'mono small' }, s.webhook) : '',
								h(
									'button',
									{
										type: 'button',
										class: 'btn btn-small',
										onclick: async () => {
											try {
												await del(`/subscriptions/${s.id}`);
												loadSubs();
											} catch (e) {
												toast(errorText(e), 'error');
											}
										},
									},
									t('alerts.unsubscribe'),
								),
							])
						: emptyState(t('alerts.no_subscriptions')),
				);
			} catch (e) {
				replace(subs, errorBox(e));
			}
		};
		const kind = select(KINDS.map((k) => [k, tv('subkind', k)]), 'substance', { name: 'kind' });
		const value = h('input', { name: 'value', required: true, spellcheck: 'false' });
		const webhook = h('input', { name: 'webhook', type: 'url', placeholder: 'https://', spellcheck: 'false' });
		const err = h('div', { class: 'form-error', role: 'alert' });
		const form = h(
			'form',
			{
				class: 'card inline-form',
				onsubmit: async (e) => {
					e.preventDefault();
					err.textContent = '';
					try {
						const body = { kind: kind.value, value: value.value.trim() };
						if (webhook.value.trim()) body.webhook = webhook.value.trim();
						await post('/subscriptions', body);
						toast(t('alerts.subscribed', { value: body.value }), 'success');
						form.reset();
						loadSubs();
					} catch (ex) {
						err.textContent = errorText(ex);
					}
				},
			},
			h('h3', null, t('alerts.new_subscription')),
			h('div', { class: 'form-row' }, field(t('alerts.kind'), kind), field(t('alerts.value'), value, t('alerts.value_hint')), field(t('alerts.webhook'), webhook, t('alerts.webhook_hint')), h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('alerts.subscribe')))),
			err,
		);
		main.append(h('section', { 'aria-labelledby': 'h-notes' }, h('h2', { id: 'h-notes' }, t('alerts.notifications')), notes), h('section', { 'aria-labelledby': 'h-subs' }, h('h2', { id: 'h-subs' }, t('alerts.subscriptions')), subs, form));
		await Promise.all([loadNotes(), loadSubs()]);
	},
};
