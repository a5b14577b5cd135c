// main.js: the application shell: the header with navigation, the router (History API; the
// server answers index.html for every path without an extension), the session check, and
// page life cycle (each page renders into <main> and may register clean-ups, e.g. keyboard
// handlers, charts and the graph).  Pages are loaded on demand so that the charts, the map and
// the graph library are only fetched by the pages that use them.
import './styles.css';
import { h, replace } from './lib/dom.js';
import { t } from './lib/i18n.js';
import { session, whoami, logout, setUnauthenticatedHandler, can } from './lib/api.js';
import { errorBox, toast } from './lib/ui.js';

const routes = [
	{ path: '/login', page: () => import('./pages/login.js'), public: true },
	{ path: '/warnings', page: () => import('./pages/warnings.js'), public: true },
	{ path: '/triage', page: () => import('./pages/triage.js') },
	{ path: '/incidents', page: () => import('./pages/incidents.js') },
	{ path: '/incidents/new', page: () => import('./pages/incident-edit.js'), write: true },
	{ path: '/incidents/:id', page: () => import('./pages/incident.js') },
	{ path: '/incidents/:id/edit', page: () => import('./pages/incident-edit.js'), write: true },
	{ path: '/network', page: () => import('./pages/network.js') },
	{ path: '/network/:id', page: () => import('./pages/network.js') },
	{ path: '/dashboard', page: () => import('./pages/dashboard.js') },
	{ path: '/alerts', page: () => import('./pages/alerts.js') },
	{ path: '/tokens', page: () => import('./pages/tokens.js') },
	{ path: '/admin', redirect: '/admin/orgs' },
	{ path: '/admin/orgs', page: () => import('./pages/admin-orgs.js'), admin: true },
	{ path: '/admin/users', page: () => import('./pages/admin-users.js'), admin: true },
	{ path: '/admin/groups', page: () => import('./pages/admin-groups.js'), admin: true },
	{ path: '/admin/tokens', page: () => import('./pages/admin-tokens.js'), admin: true },
	{ path: '/admin/audit', page: () => import('./pages/admin-audit.js'), admin: true },
	{ path: '/', redirect: '/triage' },
];

function match(pathname) {
	const parts = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
	for (const r of routes) {
		const rp = r.path.split('/').filter(Boolean);
		if (rp.length !== parts.length) continue;
		const params = {};
		let ok = true;
		for (let i = 0; i < rp.length && ok; i++) {
			if (rp[i].startsWith(':')) params[rp[i].slice(1)] = decodeURIComponent(parts[i]);
			else ok = rp[i] === parts[i];
		}
		if (ok) return { route: r, params };
	}
	return null;
}

const app = document.getElementById('app');
let cleanups = [];
let navSeq = 0;
let firstRender = true;

// Only same-origin paths are accepted as a place to go back to after login.
function safeNext(next) {
	return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !/[\\\0-\x1f]/.test(next) && !next.startsWith('/login') ? next : '/triage';
}

export function navigate(to, { replace: rep = false } = {}) {
	if (rep) history.replaceState(null, '', to);
	else history.pushState(null, '', to);
	render();
}

function navLink(href, label, current) {
	const active = current === href || (href !== '/' && current.startsWith(`${href}/`));
	return h('li', null, h('a', { href, 'aria-current': active ? 'page' : null, class: active ? 'active' : null }, label));
}

function header(pathname) {
	const links = [];
	if (session.user) {
		links.push(
			navLink('/triage', t('nav.triage'), pathname),
			navLink('/incidents', t('nav.incidents'), pathname),
			navLink('/network', t('nav.network'), pathname),
			navLink('/dashboard', t('nav.dashboard'), pathname),
			navLink('/alerts', t('nav.alerts'), pathname),
		);
	}
	links.push(navLink('/warnings', t('nav.warnings'), pathname));
	if (can.admin()) links.push(navLink('/admin', t('nav.admin'), pathname));
	const menuId = 'main-menu';
	const toggle = h(
		'button',
		{
			type: 'button',
			class: 'menu-toggle',
			'aria-expanded': 'false',
			'aria-controls': menuId,
			onclick: (e) => {
				const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
				e.currentTarget.setAttribute('aria-expanded', String(open));
				document.getElementById(menuId).classList.toggle('open', open);
			},
		},
		t('nav.menu'),
	);
	const user = session.user
		? h(
				'div',
				{ class: 'user' },
				h('a', { href: '/tokens', class: 'user-name', title: t('nav.tokens') }, session.user.username),
				h('span', { class: 'user-role' }, t(`role.${session.user.role}`)),
				h(
					'button',
					{
						type: 'button',
						class: 'btn btn-small',
						onclick: async () => {
							await logout().catch(() => {});
							navigate('/login');
						},
					},
					t('nav.logout'),
				),
			)
		: pathname !== '/login'
			? h('div', { class: 'user' }, h('a', { href: '/login', class: 'btn btn-small' }, t('nav.login')))
			: null;
	return h(
		'header',
		{ class: 'site-header' },
		h('a', { class: 'brand', href: session.user ? '/triage' : '/warnings' }, t('app.name')),
		toggle,
		h('nav', { 'aria-label': t('nav.label'), id: menuId, class: 'main-nav' }, h('ul', null, links)),
		user,
	);
}

async function render() {
	const seq = ++navSeq;
	for (const fn of cleanups.splice(0)) {
		try {
			fn();
		} catch (e) {
			console.error(e);
		}
	}
	const { pathname, search } = window.location;
	const m = match(pathname);
	if (m && m.route.redirect) return navigate(m.route.redirect, { replace: true });
	if (m && !m.route.public && !session.user) {
		return navigate(`/login?next=${encodeURIComponent(pathname + search)}`, { replace: true });
	}
	if (pathname === '/login' && session.user) return navigate(safeNext(new URLSearchParams(search).get('next')), { replace: true });

	const main = h('main', { id: 'main', tabindex: '-1' });
	replace(
		app,
		h('a', { class: 'skip-link', href: '#main' }, t('nav.skip')),
		header(pathname),
		main,
	);
	if (!m || (m.route.admin && !can.admin()) || (m.route.write && !can.write())) {
		document.title = `${t('error.page_not_found')} · ${t('app.name')}`;
		replace(main, h('h1', { tabindex: '-1', id: 'page-title' }, t('error.page_not_found')), h('p', null, h('a', { href: '/' }, t('error.go_home'))));
		main.dataset.ready = 'true';
		return;
	}
	try {
		const mod = await m.route.page();
		if (seq !== navSeq) return;
		const page = mod.default;
		document.title = `${t(page.title)} · ${t('app.name')}`;
		await page.render({
			main,
			params: m.params,
			query: new URLSearchParams(search),
			navigate,
			onCleanup: (fn) => cleanups.push(fn),
			next: safeNext,
		});
	} catch (e) {
		console.error(e);
		if (seq === navSeq) main.append(errorBox(e));
	}
	if (seq !== navSeq) return;
	// move focus to the page's heading after a navigation, so screen readers announce it
	if (!firstRender) {
		const h1 = main.querySelector('h1');
		if (h1 && !main.contains(document.activeElement)) h1.focus({ preventScroll: false });
	}
	firstRender = false;
	main.dataset.ready = 'true';
}

// Same-origin links are followed inside the application.
document.addEventListener('click', (e) => {
	if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
	const a = e.target.closest('a[href]');
	if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
	const url = new URL(a.href, window.location.href);
	if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
	if (a.getAttribute('href').startsWith('#')) {
		if (a.classList.contains('skip-link')) {
			e.preventDefault();
			document.getElementById('main')?.focus();
		}
		return;
	}
	e.preventDefault();
	navigate(url.pathname + url.search + url.hash);
});
window.addEventListener('popstate', render);

setUnauthenticatedHandler(() => {
	toast(t('login.expired'), 'error');
	const here = window.location.pathname + window.location.search;
	if (!here.startsWith('/login')) navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
});

// toasts live outside the page, so that a message survives a navigation (e.g. to the login)
document.body.append(h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' }));

(async () => {
	try {
		await whoami();
	} catch (e) {
		console.error(e);
	}
	render();
})();
