// api.js: the only way the application talks to the server: JSON over /api/v1 on the origin
// that served the page (docs/api.md).  The session lives in the HttpOnly cookie the server sets
// at login; the per-session CSRF token is kept in memory only and sent as X-CSRF-Token on every
// request that changes something.  A 401 on any call other than the login itself ends the
// session in the application and sends the user to the login page.

const BASE = '/api/v1';

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message || code || `HTTP ${status}`);
		this.status = status;
		this.code = code || '';
	}
}

export const session = {
	user: null, // {id, username, role, org_id}
	csrf: null,
	org: null, // the user's organisation, when known
	groups: null, // sharing groups of the user's organisation (cached)
};

let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(fn) {
	onUnauthenticated = fn;
}

// Query string from an object, skipping empty values.
export function qs(params) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {})) {
		if (v === undefined || v === null || v === '') continue;
		u.set(k, String(v));
	}
	const s = u.toString();
	return s ? `?${s}` : '';
}

// request('GET', '/incidents', {query, body, raw, contentType}) -> parsed JSON, text or null.
export async function request(method, path, opts = {}) {
	const headers = { Accept: 'application/json' };
	let body;
	if (opts.raw !== undefined) {
		body = opts.raw;
		headers['Content-Type'] = opts.contentType || 'application/octet-stream';
	} else if (opts.body !== undefined) {
		body = JSON.stringify(opts.body);
		headers['Content-Type'] = 'application/json';
	}
	if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
	let resp;
	try {
		resp = await fetch(BASE + path + qs(opts.query), {
			method,
			headers,
			body,
			credentials: 'same-origin',
			cache: 'no-store',
			signal: opts.signal,
		});
	} catch (e) {
		if (e.name === 'AbortError') throw e;
		throw new ApiError(0, 'network', e.message);
	}
	if (resp.status === 204) return null;
	const type = resp.headers.get('Content-Type') || '';
	const data = type.includes('json') ? await resp.json().catch(() => null) : await resp.text();
	if (!resp.ok) {
		const err = data && data.error ? data.error : {};
		const e = new ApiError(resp.status, err.code, err.message);
		if (resp.status === 401 && !opts.noRedirect) {
			session.user = null;
			session.csrf = null;
			onUnauthenticated(e);
		}
		throw e;
	}
	return data;
}

export const get = (path, query, opts) => request('GET', path, { ...opts, query });
export const post = (path, body, opts) => request('POST', path, { ...opts, body });
export const patch = (path, body) => request('PATCH', path, { body });
export const put = (path, body) => request('PUT', path, { body });
export const del = (path) => request('DELETE', path);

// Every page of a paged list (items/total/page/per_page), up to `maxItems`.
export async function getAll(path, query = {}, maxItems = 2000) {
	const items = [];
	let total = 0;
	for (let page = 1; items.length < maxItems; page++) {
		const r = await get(path, { ...query, page, per_page: 100 });
		items.push(...r.items);
		total = r.total ?? items.length;
		if (!r.items.length || items.length >= total) break;
	}
	return { items, total, truncated: items.length < total };
}

export async function login(username, password) {
	const r = await request('POST', '/auth/login', { body: { username, password }, noRedirect: true });
	session.user = r.user;
	session.csrf = r.csrf_token;
	session.groups = null;
	return r;
}

// Asks the server who we are; false when not logged in (no other call is made before login).
export async function whoami() {
	try {
		const r = await request('GET', '/auth/me', { noRedirect: true });
		session.user = r.user;
		session.csrf = r.csrf_token;
		return true;
	} catch (e) {
		if (e.status === 401) {
			session.user = null;
			session.csrf = null;
			return false;
		}
		throw e;
	}
}

export async function logout() {
	try {
		await request('POST', '/auth/logout', { noRedirect: true });
	} finally {
		session.user = null;
		session.csrf = null;
		session.groups = null;
	}
}

export async function myGroups() {
	if (!session.groups) session.groups = (await get('/sharing-groups')).items;
	return session.groups;
}

export const can = {
	write: () => session.user && (session.user.role === 'analyst' || session.user.role === 'admin'),
	admin: () => session.user && session.user.role === 'admin',
};
