// e2e.test.mjs: end-to-end tests of the web application in a real browser.  Starts
// `interdict serve --demo` on a free loopback port with a fresh temporary database and the
// built application (IDT_WEB_DIST), and drives Debian's Chromium (/usr/bin/chromium, headless)
// with playwright-core: the public warnings and their feed logged out, login, triage (evidence
// highlighting, keyboard, confirm, dismiss, bulk), editing and sharing an incident with a
// sharing group, what a user inside and outside the group sees (list, search, graph,
// dashboard counts), the graph and its expansion, the dashboard, takedowns reported on the
// incident page and timed on the dashboard, administration, a narrow
// screen and keyboard focus.  Every page's screenshot goes to IDT_ARTIFACTS.  No request may
// leave for another host.  Run by tests/web/run-e2e (meson test --suite web).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.IDT_SOURCE_ROOT || path.resolve(HERE, '../..');
const BIN = process.env.IDT_BIN || path.join(ROOT, 'build/src/cli/interdict');
const DIST = process.env.IDT_WEB_DIST || path.join(ROOT, 'web/dist');
const ART = process.env.IDT_ARTIFACTS || path.join(ROOT, 'tests/artifacts/web');
const CHROMIUM = process.env.IDT_CHROMIUM || '/usr/bin/chromium';
const require = createRequire(path.join(ROOT, 'web/package.json'));
const { chromium } = require('playwright-core');

const USERS = {
	admin: ['admin', 'demo-admin-2026'],
	nick: ['nick.viewer', 'demo-viewer-2026'], // Northland Customs, viewer
	nora: ['nora.analyst', 'demo-analyst-2026'], // Northland Customs (org 1), group 1 owner
	sven: ['sven.analyst', 'demo-analyst-2026'], // Southland Police (org 2), in group 1
	eva: ['eva.checker', 'demo-analyst-2026'], // Eastport Drug Checking (org 3), not in group 1
};
const GROUP = 'Synthetic Opioids Task Force';
const MARK = 'Zebracorn'; // a word no demo incident contains

let server;
let base;
let browser;
let tmp;
const foreign = []; // requests to any other host
const consoleProblems = [];
const state = {};

function startServer() {
	return new Promise((resolve, reject) => {
		const db = path.join(tmp, 'interdict.db');
		const p = spawn(BIN, ['serve', '--demo', '--db', db, '--listen', '127.0.0.1:0', '--web-root', DIST, '--threads', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60000);
		const onData = (d) => {
			out += d;
			const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
			if (m) {
				clearTimeout(timer);
				resolve({ proc: p, url: m[1] });
			}
		};
		p.stdout.on('data', onData);
		p.stderr.on('data', onData);
		p.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited ${code}: ${out}`));
		});
	});
}

async function newContext(opts = {}) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC', ...opts });
	ctx.on('request', (r) => {
		const u = r.url();
		if (!u.startsWith(`${base}/`) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
	});
	ctx.on('page', (page) => watch(page));
	return ctx;
}

function watch(page) {
	// 400, 401, 404 and 409 answers are provoked on purpose (refusals, logged out, not visible, stale)
	page.on('console', (m) => {
		const text = m.text();
		if (text.startsWith('missing message')) consoleProblems.push(text);
		else if (m.type() === 'error' && !/status of (400|401|404|409)/.test(text)) consoleProblems.push(text);
	});
	page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
}

async function shot(page, name, opts = {}) {
	await page.screenshot({ path: path.join(ART, `${name}.png`), ...opts });
}

async function ready(page) {
	await page.waitForSelector('main[data-ready="true"]', { timeout: 20000 });
}

async function login(page, who) {
	await page.goto(`${base}/login`);
	await page.fill('input[name=username]', USERS[who][0]);
	await page.fill('input[name=password]', USERS[who][1]);
	await page.click('form.login-form button[type=submit]');
	await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20000 });
	await ready(page);
}

async function session(who) {
	const ctx = await newContext();
	const page = await ctx.newPage();
	await login(page, who);
	return { ctx, page };
}

async function dashboardTotal(page) {
	await page.goto(`${base}/dashboard`);
	await page.waitForSelector('main[data-drawn="true"]', { timeout: 30000 });
	return Number((await page.textContent('#kpi-incidents')).replace(/\D/g, ''));
}

async function searchCount(page, q) {
	await page.goto(`${base}/incidents?q=${encodeURIComponent(q)}`);
	await page.waitForSelector('#result-count');
	return Number(await page.getAttribute('#result-count', 'data-total'));
}

async function graphNodes(page) {
	await page.waitForSelector('#graph[data-nodes]', { timeout: 20000 });
	return page.$$eval('#node-table tbody tr', (rows) => rows.map((r) => r.dataset.node));
}

before(async () => {
	tmp = mkdtempSync(path.join(tmpdir(), 'interdict-web-'));
	mkdirSync(ART, { recursive: true });
	const s = await startServer();
	server = s.proc;
	base = s.url;
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
	});
});

after(async () => {
	for (const k of Object.keys(state)) if (state[k]?.ctx) await state[k].ctx.close().catch(() => {});
	if (browser) await browser.close().catch(() => {});
	if (server) server.kill('SIGTERM');
	if (tmp && existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
});

test('public warnings page and Atom feed work logged out; nothing else is revealed', async () => {
	const ctx = await newContext();
	const page = await ctx.newPage();
	const api = [];
	page.on('response', (r) => {
		if (r.url().includes('/api/')) api.push([new URL(r.url()).pathname, r.status()]);
	});
	await page.goto(`${base}/warnings`);
	await ready(page);
	await page.waitForSelector('ol.warnings > li');
	const titles = await page.$$eval('ol.warnings > li h2', (els) => els.map((e) => e.textContent));
	assert.ok(titles.length >= 3, `warnings shown: ${titles}`);
	assert.ok(titles.some((x) => /nitazene/i.test(x)));
	await shot(page, 'warnings', { fullPage: true });

	const href = await page.getAttribute('a.feed-link', 'href');
	assert.equal(href, '/api/v1/feeds/warnings.atom');
	const feed = await ctx.request.get(base + href);
	assert.equal(feed.status(), 200);
	assert.match(feed.headers()['content-type'], /atom\+xml/);
	const xml = await feed.text();
	assert.match(xml, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
	const decode = (v) => v.replace(/&#(\d+);/g, (a, n) => String.fromCodePoint(Number(n))).replace(/&#x([0-9a-f]+);/gi, (a, n) => String.fromCodePoint(parseInt(n, 16))).replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
	const entries = [...xml.matchAll(/<entry>[\s\S]*?<title>([^<]*)<\/title>/g)].map((m) => decode(m[1]));
	assert.deepEqual([...entries].sort(), [...titles].sort(), 'the feed has the same warnings as the page');

	// a private page sends the visitor to the login page, and nothing private is fetched
	for (const p of ['/triage', '/incidents/1', '/dashboard', '/network/1', '/admin/audit']) {
		await page.goto(base + p);
		await page.waitForURL(/\/login\?next=/);
		await ready(page);
	}
	await shot(page, 'login');
	for (const [p, status] of api) {
		const allowed = p === '/api/v1/warnings' || (p === '/api/v1/auth/me' && status === 401);
		assert.ok(allowed, `logged-out API call ${p} -> ${status}`);
	}
	// the API itself refuses
	assert.equal((await ctx.request.get(`${base}/api/v1/incidents`)).status(), 401);
	await ctx.close();
});

test('login: a wrong password is refused, the right one opens the triage queue', async () => {
	const ctx = await newContext();
	const page = await ctx.newPage();
	await page.goto(`${base}/login`);
	await page.fill('input[name=username]', 'nora.analyst');
	await page.fill('input[name=password]', 'wrong-password');
	await page.click('form.login-form button[type=submit]');
	await page.waitForSelector('.form-error:not(:empty)');
	assert.match(await page.textContent('.form-error'), /Wrong user name or password/);
	await page.fill('input[name=password]', USERS.nora[1]);
	await page.click('form.login-form button[type=submit]');
	await page.waitForURL(/\/triage/);
	await page.waitForSelector('.hit-row');
	state.nora = { ctx, page };
	// baselines for the visibility checks, before anything is shared
	state.sven = await session('sven');
	state.eva = await session('eva');
	// both subscribe to fentanyl: only the group member will be alerted when it is shared
	for (const who of ['sven', 'eva']) {
		const pg = state[who].page;
		await pg.goto(`${base}/alerts`);
		await pg.waitForSelector('form.inline-form');
		await pg.selectOption('select[name=kind]', 'substance');
		await pg.fill('input[name=value]', 'fentanyl');
		await pg.click('form.inline-form button[type=submit]');
		await pg.waitForSelector('td:has-text("fentanyl")');
	}
	state.svenTotal = await dashboardTotal(state.sven.page);
	state.evaTotal = await dashboardTotal(state.eva.page);
	assert.ok(state.svenTotal > 0 && state.evaTotal > 0);
});

test('triage: evidence highlighted at the right characters, j/k, confirm, dismiss, bulk', async () => {
	const { page, ctx } = state.nora;
	await page.goto(`${base}/triage`);
	await page.waitForSelector('.hit-row');
	const hits = (await (await ctx.request.get(`${base}/api/v1/hits?status=new&per_page=100`)).json()).items;
	assert.ok(hits.length >= 10);
	const n = await page.$$eval('.hit-row', (r) => r.length);
	assert.equal(n, hits.length);

	// walk the whole queue with j: every evidence span that overlaps no other is one <mark>
	// with exactly the evidence text (byte offsets converted for Cyrillic, CJK, accents)
	let checked = 0;
	for (let i = 0; i < n; i++) {
		if (i > 0) await page.keyboard.press('j');
		const id = await page.getAttribute('.hit-row.current .hit-open', 'data-hit');
		const hit = hits.find((x) => x.id === id);
		assert.ok(hit, `current hit ${id}`);
		const ev = hit.verdict.evidence || [];
		for (const e of ev) {
			const overlaps = ev.some((o) => o !== e && o.field === e.field && o.start < e.end && e.start < o.end);
			const sig = (hit.verdict.signals || []).some((o) => o.field === e.field && o.start < e.end && e.start < o.end && !(o.start === e.start && o.end === e.end));
			if (overlaps || sig) continue;
			const marks = await page.$$eval(`.hit-detail .evidence-field[data-field="${e.field}"] mark`, (els) => els.map((m) => m.textContent));
			assert.ok(marks.includes(e.text), `hit ${hit.verdict.id}: "${e.text}" marked in ${e.field}; marks: ${JSON.stringify(marks)}`);
			checked++;
		}
	}
	assert.ok(checked >= 15, `evidence spans checked: ${checked}`);
	// k goes back up
	const last = await page.getAttribute('.hit-row.current .hit-open', 'data-hit');
	await page.keyboard.press('k');
	assert.notEqual(await page.getAttribute('.hit-row.current .hit-open', 'data-hit'), last);

	// filters: class, category, minimum score and source narrow the list, asked of the server
	// (GET /hits with the filter), and stay in the URL
	const rows = () => page.$$eval('.hit-row', (r) => r.length);
	const filterBy = async (act, param) => {
		const asked = page.waitForResponse((r) => r.url().includes('/api/v1/hits?') && (param === null ? !/[?&](class|category|min_score|source)=/.test(r.url()) : r.url().includes(param)));
		await act();
		await asked;
		await page.waitForFunction(() => !document.querySelector('.hit-list[aria-busy]'));
		return rows();
	};
	assert.equal(await filterBy(() => page.selectOption('select[name=class]', 'precursor'), 'class=precursor'), hits.filter((x) => x.verdict.substances.some((s) => s.class === 'precursor')).length);
	assert.match(page.url(), /class=precursor/);
	assert.equal(await filterBy(() => page.selectOption('select[name=class]', ''), null), n);
	assert.equal(await filterBy(() => page.selectOption('select[name=category]', 'pharmacy'), 'category=pharmacy'), hits.filter((x) => x.verdict.categories.includes('pharmacy')).length);
	await filterBy(() => page.selectOption('select[name=category]', ''), null);
	const high = await filterBy(() => page.fill('input[name=min]', '0.9'), 'min_score=0.9');
	assert.equal(high, hits.filter((x) => x.score >= 0.9).length);
	assert.ok(high > 0 && high < n);
	await filterBy(() => page.fill('input[name=min]', ''), null);
	assert.equal(await filterBy(() => page.selectOption('select[name=source]', 'demo-market'), 'source=demo-market'), n);
	assert.equal(await filterBy(() => page.selectOption('select[name=source]', ''), null), n);
	// the list is highest score first, as the server sorts it
	const shown = await page.$$eval('.hit-open', (b) => b.map((x) => x.dataset.hit));
	assert.deepEqual(shown, [...hits].sort((x, y) => y.score - x.score || String(y.last_seen).localeCompare(String(x.last_seen)) || (x.id < y.id ? -1 : 1)).map((x) => x.id));

	// the fentanyl offer (s2): a screenshot with its evidence, then c confirms it
	const s2 = hits.find((x) => x.verdict.id === 's2');
	await page.click(`.hit-open[data-hit="${s2.id}"]`);
	await page.waitForSelector('.hit-detail mark');
	await shot(page, 'triage');
	await page.keyboard.press('c');
	await page.waitForSelector('dialog[open]');
	await shot(page, 'triage-confirm');
	// the sharing group is asked for only with that distribution
	assert.equal(await page.isVisible('dialog[open] select[name=sharing_group_id]'), false);
	await page.selectOption('dialog[open] select[name=distribution]', 'sharing-group');
	assert.equal(await page.isVisible('dialog[open] select[name=sharing_group_id]'), true);
	await page.selectOption('dialog[open] select[name=distribution]', 'own-org');
	await page.click('dialog[open] button[type=submit]');
	await page.waitForSelector('#last-incident');
	state.incident = Number((await page.getAttribute('#last-incident', 'href')).split('/').pop());
	assert.ok(state.incident > 20);
	assert.equal(await page.$$eval('.hit-row', (r) => r.length), n - 1);

	// d dismisses the current hit with a reason
	await page.locator('.hit-row.current .hit-open').focus();
	await page.keyboard.press('d');
	await page.waitForSelector('dialog[open] input[name=reason]');
	await page.keyboard.type('news report, not an offer');
	await page.keyboard.press('Enter');
	await page.waitForFunction((want) => document.querySelectorAll('.hit-row').length === want, n - 2);

	// bulk: select two with x and dismiss them together
	await page.locator('.hit-row.current .hit-open').focus();
	await page.keyboard.press('x');
	await page.keyboard.press('j');
	await page.keyboard.press('x');
	assert.match(await page.textContent('.bulkbar'), /2 selected/);
	await page.click('.bulkbar button:has-text("Dismiss selected")');
	await page.fill('dialog[open] input[name=reason]', 'duplicate listing');
	await page.click('dialog[open] button[type=submit]');
	await page.waitForFunction((want) => document.querySelectorAll('.hit-row').length === want, n - 4);
	const dismissed = (await (await ctx.request.get(`${base}/api/v1/hits?status=dismissed`)).json()).items;
	assert.equal(dismissed.length, 3);
	assert.deepEqual(dismissed.map((x) => x.reason).sort(), ['duplicate listing', 'duplicate listing', 'news report, not an offer']);
});

test('the incident is edited across the data model and shared with a sharing group', async () => {
	const { page, ctx } = state.nora;
	const id = state.incident;
	// an observable of incident 3 (distribution all), so that the graphs of others link to it
	const inc3 = await (await ctx.request.get(`${base}/api/v1/incidents/3`)).json();
	const obs3 = inc3.observables[0];
	assert.ok(obs3, 'incident 3 has an observable');
	state.obs3 = obs3;

	await page.goto(`${base}/incidents/${id}`);
	await ready(page);
	assert.match(await page.textContent('#distribution'), /Own organisation/);
	await page.click('a:has-text("Edit")');
	await page.waitForSelector('form.incident-form');
	await page.fill('input[name=title]', `${MARK} fentanyl offer with a UK phone`);
	await page.selectOption('select[name=status]', 'confirmed');
	await page.fill('input[name=occurred_on]', '2026-03-18');
	await page.fill('textarea[name=narrative]', 'Seller offers fentanyl powder by post; same contact as a known vendor.');
	await page.selectOption('select[name=transport_mode]', 'postal');
	await page.fill('input[name=concealment]', 'vacuum-sealed bag in a book');
	const lists = page.locator('fieldset.country-list');
	await lists.nth(0).locator('select').selectOption('CN');
	await lists.nth(1).locator('select').selectOption('NL');
	await lists.nth(2).locator('select').selectOption('GB');
	const sub = page.locator('.substance-row').first();
	await sub.locator('.sub-qty').fill('25');
	await sub.locator('.sub-unit').selectOption('g');
	await sub.locator('.sub-form').fill('powder');
	await sub.locator('.sub-purity').fill('30');
	await page.click('#add-observable');
	const row = page.locator('.observable-row').last();
	await row.locator('.obs-type').selectOption(obs3.type);
	await row.locator('.obs-value').fill(obs3.raw || obs3.value);
	await page.check('input[name=distribution][value=sharing-group]');
	await page.selectOption('select[name=sharing_group_id]', { label: GROUP });
	await page.check('input[name=tlp][value=green]');
	await page.fill('input[name=source_platform]', 'demo-market (seen again on a forum)');
	await page.setInputFiles('#edit-attachments', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('analyst notes\n') });
	await shot(page, 'incident-edit', { fullPage: true });
	await page.click('form.incident-form button[type=submit]');
	await page.waitForURL(new RegExp(`/incidents/${id}$`));
	await page.waitForSelector('#distribution');
	assert.match(await page.textContent('#distribution'), new RegExp(`Sharing group: ${GROUP}`));
	assert.match(await page.textContent('h1'), new RegExp(MARK));
	assert.match(await page.textContent('.route'), /China.*Netherlands.*United Kingdom/s);
	assert.match(await page.textContent('#sec-subs + .table-wrap'), /Fentanyl.*25 g.*powder.*30 %/s);

	// an attachment
	await page.setInputFiles('#attachment-file', { name: 'listing.txt', mimeType: 'text/plain', buffer: Buffer.from('screenshot of the listing\n') });
	await page.click('form.upload button[type=submit]');
	await page.waitForSelector('.attachments a:has-text("listing.txt")');
	assert.equal(await page.$$eval('.attachments a:has-text("notes.txt")', (e) => e.length), 1);
	const saved = await (await ctx.request.get(`${base}/api/v1/incidents/${id}`)).json();
	assert.equal(saved.distribution, 'sharing-group');
	assert.equal(saved.status, 'confirmed');
	assert.equal(saved.tlp, 'green');
	assert.deepEqual([saved.origin, saved.transit, saved.destination], [['CN'], ['NL'], ['GB']]);
	assert.equal(saved.substances[0].quantity, 25);
	assert.ok(saved.observables.some((o) => o.type === obs3.type && o.value === obs3.value));
	assert.equal(saved.attachments.length, 2);
	assert.equal(saved.source.platform, 'demo-market (seen again on a forum)');
	assert.ok(saved.source.verdict && saved.source.hit_id, 'the verdict of the hit is kept');
	await page.waitForSelector('.evidence-text mark');
	await shot(page, 'incident', { fullPage: true });

	// stale versions are refused with a clear message (optimistic locking)
	await page.goto(`${base}/incidents/${id}/edit`);
	await page.waitForSelector('form.incident-form');
	await ctx.request.patch(`${base}/api/v1/incidents/${id}`, { data: { narrative: 'changed meanwhile' }, headers: { 'X-CSRF-Token': await csrf(ctx) } });
	await page.fill('input[name=concealment]', 'changed in the form');
	await page.click('form.incident-form button[type=submit]');
	await page.waitForSelector('#form-error:not(:empty)');
	assert.match(await page.textContent('#form-error'), /changed this incident/);
});

test('a new incident from the form: substance lookup, refusal named, then created', async () => {
	const { page } = state.nora;
	await page.goto(`${base}/incidents`);
	await page.click('a:has-text("New incident")');
	await page.waitForSelector('form.incident-form');
	await page.selectOption('select[name=type]', 'online-offer');
	await page.fill('input[name=title]', 'Nitazene tablets offered on a forum');
	await page.click('#add-substance');
	await page.locator('.substance-row .sub-id').fill('nitaz');
	await page.waitForFunction(() => document.querySelectorAll('datalist option').length > 0);
	assert.ok((await page.$$eval('datalist option', (o) => o.map((x) => x.value))).includes('nitazenes'));
	// a wrong value is refused and the server's message names it
	await page.locator('.substance-row .sub-id').fill('no-such-substance');
	await page.click('form.incident-form button[type=submit]');
	await page.waitForSelector('#form-error:not(:empty)');
	assert.match(await page.textContent('#form-error'), /no-such-substance/);
	await page.locator('.substance-row .sub-id').fill('nitazenes');
	await page.locator('.substance-row .sub-unit').selectOption('tablets');
	await page.locator('.substance-row .sub-qty').fill('100');
	await page.click('#add-observable');
	await page.locator('.observable-row .obs-type').selectOption('email');
	await page.locator('.observable-row .obs-value').fill('Seller@Mail.Example');
	await page.click('form.incident-form button[type=submit]');
	await page.waitForURL(/\/incidents\/\d+$/);
	await page.waitForSelector('#distribution');
	assert.match(await page.textContent('h1'), /Nitazene tablets/);
	assert.match(await page.textContent('.observables'), /seller@mail\.example/);
	assert.match(await page.textContent('#distribution'), /Own organisation/);
});

async function csrf(ctx) {
	return (await (await ctx.request.get(`${base}/api/v1/auth/me`)).json()).csrf_token;
}

test('a user of another organisation in the group sees it: list, search, graph, dashboard', async () => {
	const { page } = state.sven;
	assert.equal(await searchCount(page, MARK), 1);
	await shot(page, 'incidents-search');
	await page.click(`a[href="/incidents/${state.incident}"]`);
	await page.waitForSelector('#distribution');
	assert.match(await page.textContent('h1'), new RegExp(MARK));
	// it is not theirs: no edit button
	assert.equal(await page.$$eval('a:has-text("Edit")', (e) => e.length), 0);
	await page.goto(`${base}/network/3`);
	assert.ok((await graphNodes(page)).includes(`i:${state.incident}`));
	assert.equal(await dashboardTotal(page), state.svenTotal + 1);
	// and was alerted, through the subscription to fentanyl
	await page.goto(`${base}/alerts`);
	await page.waitForSelector('.notifications li, .empty');
	assert.match(await page.textContent('main'), new RegExp(MARK));
	await shot(page, 'alerts');
});

test('a user outside the group does not see it: list, search, direct link, graph, dashboard', async () => {
	const { page, ctx } = state.eva;
	assert.equal(await searchCount(page, MARK), 0);
	await page.goto(`${base}/incidents?per_page=100`);
	await page.waitForSelector('#result-count');
	assert.equal(await page.$$eval(`tr[data-id="${state.incident}"]`, (e) => e.length), 0);
	await page.goto(`${base}/incidents/${state.incident}`);
	await page.waitForSelector('.error-box');
	assert.match(await page.textContent('.error-box'), /Not found/);
	await page.goto(`${base}/network/3`);
	const nodes = await graphNodes(page);
	assert.ok(nodes.includes('i:3'));
	assert.ok(!nodes.includes(`i:${state.incident}`));
	await page.goto(`${base}/network?observable=${encodeURIComponent(`${state.obs3.type}:${state.obs3.value}`)}`);
	const byObs = await graphNodes(page);
	assert.ok(byObs.includes('i:3') && !byObs.includes(`i:${state.incident}`));
	assert.equal(await dashboardTotal(page), state.evaTotal);
	await page.goto(`${base}/alerts`);
	await page.waitForSelector('td:has-text("fentanyl")');
	assert.doesNotMatch(await page.textContent('main'), new RegExp(MARK));
	assert.equal((await ctx.request.get(`${base}/api/v1/incidents/${state.incident}`)).status(), 404);
});

test('the graph renders nodes and a click on a node expands it', async () => {
	const { page } = state.nora;
	await page.goto(`${base}/network/1`);
	const nodes = await graphNodes(page);
	assert.ok(nodes.length >= 3, `nodes: ${nodes}`);
	// the canvas is drawn
	const drawn = await page.$$eval('#graph canvas', (cs) => cs.some((c) => c.width > 0 && c.height > 0));
	assert.ok(drawn);
	// click unexpanded nodes on the canvas until one brings new nodes
	let grew = false;
	for (let attempt = 0; attempt < 8 && !grew; attempt++) {
		const target = await page.evaluate(() => {
			const cy = document.getElementById('graph')._cy;
			const n = cy.nodes().filter((x) => !x.data('expanded'))[0];
			if (!n) return null;
			const p = n.renderedPosition();
			return { id: n.id(), x: p.x, y: p.y };
		});
		if (!target) break;
		const before = Number(await page.getAttribute('#graph', 'data-nodes'));
		const box = await page.locator('#graph').boundingBox();
		await page.mouse.click(box.x + target.x, box.y + target.y);
		await page.waitForFunction((id) => document.getElementById('graph')._cy.getElementById(id).data('expanded') === true, target.id, { timeout: 15000 });
		grew = Number(await page.getAttribute('#graph', 'data-nodes')) > before;
	}
	assert.ok(grew, 'a click expanded the graph');
	// a wider graph for the screenshot: two hops around the new incident
	await page.goto(`${base}/network/${state.incident}?depth=2`);
	assert.ok((await graphNodes(page)).length >= 6);
	await page.waitForTimeout(300);
	await shot(page, 'network');
	await page.goto(`${base}/network/1`);
	await graphNodes(page);
	// the node table offers the same expansion to keyboard users
	await page.click('.graph-table summary');
	const btn = page.locator('#node-table button:not([disabled])').first();
	if (await btn.count()) {
		await btn.focus();
		await page.keyboard.press('Enter');
		await page.waitForFunction(() => !document.getElementById('graph').hasAttribute('aria-busy'));
	}
});

test('the dashboard draws its charts and the map of routes', async () => {
	const { page } = state.nora;
	await page.goto(`${base}/incidents`);
	await page.waitForSelector('.incidents-table');
	await shot(page, 'incidents');
	// a filter gives what the API gives
	await page.goto(`${base}/incidents?class=opioid&country=GB`);
	await page.waitForSelector('#result-count');
	const api = await (await state.nora.ctx.request.get(`${base}/api/v1/incidents?class=opioid&country=GB&per_page=100`)).json();
	assert.equal(Number(await page.getAttribute('#result-count', 'data-total')), api.total);
	assert.deepEqual(await page.$$eval('tr[data-id]', (r) => r.map((x) => Number(x.dataset.id))), api.items.slice(0, 20).map((x) => x.id));
	assert.equal(await page.isVisible('select[name=class]'), true, 'the filters are open when one is set');
	// the dashboard asks only for /stats: no incident read one by one, nothing audited
	const actx = await newContext();
	assert.equal((await actx.request.post(`${base}/api/v1/auth/login`, { data: { username: USERS.admin[0], password: USERS.admin[1] } })).status(), 200);
	const auditAfter = async (after) => {
		const out = [];
		for (;;) {
			const r = await (await actx.request.get(`${base}/api/v1/audit?after=${after}&limit=1000`)).json();
			out.push(...r.items);
			if (r.items.length < 1000) return out;
			after = r.items[r.items.length - 1].id;
		}
	};
	const lastAudit = (await auditAfter(0)).at(-1).id;
	const apiCalls = [];
	const onRequest = (r) => {
		const u = new URL(r.url());
		if (u.pathname.startsWith('/api/')) apiCalls.push(u.pathname);
	};
	page.on('request', onRequest);
	const total = await dashboardTotal(page);
	page.off('request', onRequest);
	assert.deepEqual([...new Set(apiCalls)].filter((x) => x !== '/api/v1/auth/me'), ['/api/v1/stats']);
	assert.deepEqual((await auditAfter(lastAudit)).filter((e) => e.username === USERS.nora[0]).map((e) => e.action), [], 'the dashboard audits nothing');
	await actx.close();
	assert.ok(total >= 15, `total ${total}`);
	const canvases = await page.$$eval('.chart-card canvas', (cs) =>
		cs.map((c) => {
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			let ink = 0;
			for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
			return ink;
		}),
	);
	assert.equal(canvases.length, 4);
	for (const ink of canvases) assert.ok(ink > 500, `chart drawn (${ink} pixels)`);
	assert.ok((await page.$$eval('.world-map .country-shape', (e) => e.length)) > 200);
	assert.ok((await page.$$eval('.world-map .country-shape.involved', (e) => e.length)) >= 5);
	assert.ok((await page.$$eval('.world-map .route-line', (e) => e.length)) >= 3);
	// the charts, the map's table and the figures show the server's figures
	const stats = await (await state.nora.ctx.request.get(`${base}/api/v1/stats`)).json();
	const tableSum = (id) => page.$$eval(`[data-chart="${id}"] td.num`, (tds) => tds.reduce((a, td) => a + Number(td.textContent.replace(/\D/g, '')), 0));
	const sum = (rows) => rows.reduce((a, r) => a + r.n, 0);
	assert.ok(stats.by_month_class.length > 0 && stats.routes.length >= 3);
	assert.equal(await tableSum('by-type'), sum(stats.by_month));
	assert.equal(await tableSum('by-class'), sum(stats.by_month_class));
	assert.equal(await tableSum('hits-per-day'), sum(stats.hits_per_day));
	assert.equal(await page.textContent('[data-chart="top-substances"] tbody tr:first-child th'), stats.top_substances[0].name);
	const routeRows = await page.$$eval('#routes-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
	assert.equal(routeRows.length, stats.routes.length);
	assert.deepEqual(routeRows[0], ['China → United Kingdom', String(stats.routes[0].n)]);
	assert.equal(Number(await page.textContent('#kpi-routes')), stats.routes.length);
	await shot(page, 'dashboard', { fullPage: true });
});

// issue 10: a listing reported through the incident page, recorded gone through the API (as the
// watch does), and the time to takedown on the incident page and the dashboard; the group
// member sees it, the user outside the group sees none.
test('takedowns: reported on the incident page, gone via the API, timed on the dashboard', async () => {
	const { page, ctx } = state.nora;
	const id = state.incident;
	await page.goto(`${base}/incidents/${id}`);
	await ready(page);
	await page.waitForSelector('#takedowns p.muted');
	assert.match(await page.textContent('#takedowns'), /No listing of this incident has been reported/);
	// reported ten hours ago, to the minute (the field is read as UTC)
	const rep = new Date(Math.floor(Date.now() / 60000 - 600) * 60000);
	await page.fill('input[name=takedown_url]', 'https://bazaar.example/listing/4471');
	await page.fill('input[name=takedown_platform]', 'Bazaar');
	await page.fill('input[name=takedown_reference]', 'BZ-2026-0042');
	await page.fill('input[name=takedown_reported_at]', rep.toISOString().slice(0, 16));
	await page.click('.takedown-form button[type=submit]');
	await page.waitForSelector('#takedowns-table tr[data-takedown]');
	const row = await page.textContent('#takedowns-table tbody tr');
	for (const want of ['Bazaar', 'BZ-2026-0042', 'https://bazaar.example/listing/4471', 'still online', 'not checked yet']) assert.ok(row.includes(want), `${want} in ${row}`);
	// a refusal is shown (not before the report, but in the form's status): the same report twice
	await page.fill('input[name=takedown_url]', 'https://bazaar.example/listing/4471');
	await page.fill('input[name=takedown_platform]', 'Bazaar');
	await page.fill('input[name=takedown_reference]', 'BZ-2026-0042');
	await page.click('.takedown-form button[type=submit]');
	await page.waitForFunction(() => document.querySelector('.takedown-form [role=status]').textContent.length > 0);
	assert.equal(await page.$$eval('#takedowns-table tr[data-takedown]', (r) => r.length), 1);
	// the watch (or an analyst) records it gone 6.5 hours after the report
	const list = await (await ctx.request.get(`${base}/api/v1/incidents/${id}/takedowns`)).json();
	assert.equal(list.items.length, 1);
	const td = list.items[0];
	assert.equal(td.reported_at, `${rep.toISOString().slice(0, 19)}Z`);
	const gone = new Date(rep.getTime() + 6.5 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
	const r = await ctx.request.patch(`${base}/api/v1/takedowns/${td.id}`, { data: { gone_at: gone, how: 'HTTP 404' }, headers: { 'X-CSRF-Token': await csrf(ctx) } });
	assert.equal(r.status(), 200);
	assert.equal((await r.json()).seconds_to_takedown, 23400);
	await page.reload();
	await page.waitForSelector('#takedowns-table tr[data-gone="true"]');
	assert.equal((await page.textContent('#takedowns-table td.takedown-time')).trim(), '6.5 h');
	assert.match(await page.textContent('#takedowns-table tbody tr'), /HTTP 404/);
	await page.locator('#takedowns').screenshot({ path: path.join(ART, 'incident-takedowns.png') });
	// the dashboard's panel shows the server's figures
	await page.goto(`${base}/dashboard`);
	await page.waitForSelector('main[data-drawn="true"]', { timeout: 30000 });
	const stats = await (await ctx.request.get(`${base}/api/v1/stats`)).json();
	assert.deepEqual([stats.takedowns.reported, stats.takedowns.gone, stats.takedowns.open, stats.takedowns.median_seconds, stats.takedowns.within_24h], [1, 1, 0, 23400, 1]);
	assert.equal((await page.textContent('#kpi-takedown-median')).trim(), '6.5 h');
	assert.equal((await page.textContent('#kpi-takedown-24h')).trim(), '100%');
	assert.equal((await page.textContent('#kpi-takedown-open')).trim(), '0');
	assert.match(await page.textContent('#takedowns-by-platform tr[data-platform="Bazaar"]'), /6\.5 h/);
	await page.locator('#takedowns').screenshot({ path: path.join(ART, 'dashboard-takedowns.png') });
	// a member of the sharing group sees the figure; the user outside the group does not
	const sven = await (await state.sven.ctx.request.get(`${base}/api/v1/stats`)).json();
	assert.equal(sven.takedowns.reported, 1);
	await state.eva.page.goto(`${base}/dashboard`);
	await state.eva.page.waitForSelector('main[data-drawn="true"]', { timeout: 30000 });
	assert.match(await state.eva.page.textContent('#takedowns'), /No listing has been reported to a platform yet/);
	assert.equal((await (await state.eva.ctx.request.get(`${base}/api/v1/takedowns`)).json()).items.length, 0);
});

test('administration: organisations, users, sharing groups, API tokens, audit log', async () => {
	const { ctx, page } = await session('admin');
	state.admin = { ctx, page };
	await page.goto(`${base}/admin/orgs`);
	await page.waitForSelector('#orgs-table');
	assert.ok((await page.textContent('#orgs-table')).includes('Eastport Drug Checking'));
	await page.fill('input[name=name]', 'Westland Coast Guard');
	await page.selectOption('select[name=country]', 'IE');
	await page.click('form.inline-form button[type=submit]');
	await page.waitForFunction(() => document.getElementById('orgs-table')?.textContent.includes('Westland Coast Guard'));
	await shot(page, 'admin-orgs');

	await page.goto(`${base}/admin/users`);
	await page.waitForSelector('#users-table');
	assert.ok((await page.textContent('#users-table')).includes('sven.analyst'));
	await shot(page, 'admin-users');

	await page.goto(`${base}/admin/groups`);
	await page.waitForSelector('.group-list section');
	assert.ok((await page.textContent('.group-list')).includes(GROUP));
	await shot(page, 'admin-groups');

	await page.goto(`${base}/admin/tokens`);
	await page.waitForSelector('#tokens-table');
	await page.fill('form.inline-form input[name=name]', 'e2e feed reader');
	await page.click('form.inline-form button[type=submit]');
	await page.waitForSelector('#token-secret');
	assert.match(await page.inputValue('#token-secret'), /^idt_[0-9a-f]{64}$/);
	await shot(page, 'admin-token-created');
	await page.click('dialog[open] button.btn-primary');
	await page.waitForFunction(() => document.getElementById('tokens-table')?.textContent.includes('e2e feed reader'));
	assert.equal(await page.isChecked('#scope-read'), true, 'the form is back to its defaults');
	await shot(page, 'admin-tokens');

	await page.goto(`${base}/admin/audit`);
	await page.waitForSelector('#audit-table');
	await page.click('button:has-text("Verify the chain")');
	await page.waitForFunction(() => /Intact/.test(document.getElementById('verify-result').textContent));
	await shot(page, 'admin-audit');

	// the incident's history comes from the audit log
	await page.goto(`${base}/incidents/${state.incident}`);
	await page.waitForSelector('table.history');
	const hist = await page.textContent('table.history');
	assert.match(hist, /created/);
	assert.match(hist, /changed/);
});

test('a viewer reads but cannot triage or edit', async () => {
	const { ctx, page } = await session('nick');
	await page.goto(`${base}/triage`);
	await page.waitForSelector('.hit-row');
	assert.equal(await page.$$eval('.hit-row input[type=checkbox], .hit-detail button.btn-primary', (e) => e.length), 0);
	await page.keyboard.press('c');
	assert.equal(await page.$$eval('dialog[open]', (e) => e.length), 0);
	await page.goto(`${base}/incidents/${state.incident}`);
	await page.waitForSelector('#distribution');
	assert.equal(await page.$$eval('a:has-text("Edit"), button:has-text("Delete"), form.upload', (e) => e.length), 0);
	await page.goto(`${base}/incidents/new`);
	await ready(page);
	assert.match(await page.textContent('h1'), /Page not found/);
	await ctx.close();
});

test('narrow screen: one column, a menu button, no sideways scrolling', async () => {
	const ctx = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	const page = await ctx.newPage();
	// a link followed before login comes back after it
	await page.goto(`${base}/incidents/${state.incident}`);
	await page.waitForURL(/\/login\?next=/);
	await page.fill('input[name=username]', USERS.nora[0]);
	await page.fill('input[name=password]', USERS.nora[1]);
	await page.click('form.login-form button[type=submit]');
	await page.waitForURL(new RegExp(`/incidents/${state.incident}$`));
	await page.goto(`${base}/triage`);
	await page.waitForSelector('.hit-row');
	const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	assert.ok((await overflow()) <= 1, `triage overflows by ${await overflow()}`);
	assert.equal(await page.isVisible('.main-nav'), false);
	await page.click('.menu-toggle');
	assert.equal(await page.isVisible('.main-nav a[href="/incidents"]'), true);
	await shot(page, 'narrow-menu');
	await page.click('.menu-toggle');
	await shot(page, 'narrow-triage', { fullPage: true });
	for (const p of [`/incidents/${state.incident}`, `/incidents/${state.incident}/edit`, '/incidents', `/network/${state.incident}`, '/dashboard', '/alerts', '/warnings']) {
		await page.goto(base + p);
		await ready(page);
		if (p === '/dashboard') await page.waitForSelector('main[data-drawn="true"]', { timeout: 30000 });
		assert.ok((await overflow()) <= 1, `${p} overflows by ${await overflow()}`);
		if (p === `/incidents/${state.incident}`) await shot(page, 'narrow-incident');
		if (p === '/dashboard') await shot(page, 'narrow-dashboard');
	}
	await ctx.close();
});

// axe-core checks the rendered pages against WCAG 2.1 A/AA rules; serious and critical
// violations fail.  Its script is injected, so this context bypasses the page's CSP.
test('accessibility: no serious or critical axe-core violations on any page', async () => {
	const ctx = await newContext({ bypassCSP: true });
	const page = await ctx.newPage();
	const axePath = require.resolve('axe-core/axe.min.js');
	const problems = [];
	const check = async (name) => {
		await page.addScriptTag({ path: axePath });
		const r = await page.evaluate(async () => {
			const res = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
			const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
			const minor = res.violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical')).map((v) => `${v.id} (${v.impact})`);
			return { bad, minor, rules: res.passes.length + res.violations.length + res.incomplete.length };
		});
		assert.ok(r.rules >= 15, `axe ran its rules on ${name}: ${r.rules}`);
		for (const v of r.bad) problems.push(`${name}: ${v}`);
		if (r.minor.length) console.log(`axe, ${name}, minor: ${r.minor.join(', ')}`);
	};
	await page.goto(`${base}/warnings`);
	await page.waitForSelector('ol.warnings');
	await check('warnings');
	await page.goto(`${base}/login`);
	await ready(page);
	await check('login');
	await login(page, 'admin');
	const pages = [
		['triage', '/triage', '.hit-detail mark'],
		['incidents', '/incidents', '.incidents-table'],
		['incident', `/incidents/${state.incident}`, 'table.history'],
		['edit', `/incidents/${state.incident}/edit`, 'form.incident-form'],
		['network', `/network/${state.incident}`, '#graph[data-nodes]'],
		['dashboard', '/dashboard', 'main[data-drawn="true"]'],
		['alerts', '/alerts', 'form.inline-form'],
		['tokens', '/tokens', 'form.inline-form'],
		['orgs', '/admin/orgs', '#orgs-table'],
		['users', '/admin/users', '#users-table'],
		['groups', '/admin/groups', '.group-list'],
		['admin-tokens', '/admin/tokens', '#tokens-table'],
		['audit', '/admin/audit', '#audit-table'],
	];
	for (const [name, p, sel] of pages) {
		await page.goto(base + p);
		await page.waitForSelector(sel, { timeout: 30000 });
		await check(name);
	}
	await ctx.close();
	assert.deepEqual(problems, []);
});

test('keyboard: skip link first, focus visible, logout ends the session', async () => {
	const { page, ctx } = state.nora;
	await page.goto(`${base}/incidents`);
	await page.waitForSelector('#result-count');
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert.notEqual(outline, 'none');
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
	await page.keyboard.press('Tab');
	const tag = await page.evaluate(() => document.activeElement.tagName);
	assert.ok(['INPUT', 'A', 'BUTTON', 'SUMMARY'].includes(tag), tag);
	assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');

	await page.goto(`${base}/tokens`);
	await page.waitForSelector('#tokens-table, .empty, form.inline-form');
	await shot(page, 'tokens');
	await page.click('.site-header button:has-text("Log out")');
	await page.waitForURL(/\/login/);
	assert.equal((await ctx.request.get(`${base}/api/v1/stats`)).status(), 401);
});

test('no request went to another host, and no page reported an error or a missing message', () => {
	assert.deepEqual(foreign, []);
	assert.deepEqual(consoleProblems, []);
});
