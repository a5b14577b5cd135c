// tokens.js: the caller's own API tokens (for scanners, scripts and feed readers): list,
// create (the secret is shown once) and revoke.  Administrators manage everyone's tokens in
// Administration → API tokens.
import { h, replace } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { get, post, del, session } from '../lib/api.js';
import { loading, errorBox, pageHeader } from '../lib/ui.js';
import { tokensTable, tokenForm } from './admin-tokens.js';

export default {
	title: 'tokens.title',
	async render({ main }) {
		main.append(pageHeader(t('tokens.title')), h('p', { class: 'lead' }, t('tokens.intro', { user: session.user.username })));
		const box = h('div', null, loading());
		const formBox = h('div');
		main.append(formBox, box);
		const reload = async () => {
			try {
				const r = await get('/tokens');
				replace(box, tokensTable(r.items, async (tok) => del(`/tokens/${tok.id}`), reload));
			} catch (e) {
				replace(box, errorBox(e));
			}
		};
		replace(formBox, tokenForm({ users: null, create: (body) => post('/tokens', body), reload }));
		await reload();
	},
};
