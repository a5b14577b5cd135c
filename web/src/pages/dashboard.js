// dashboard.js: trends over the incidents the user may see: counts, incidents per month by
// type and by substance class, the substances most often named, a world map of the routes,
// and the flagged hits received per day.  GET /stats gives the counts, by_month (type),
// top_substances, origins, destinations and hits_per_day; what it does not give (months by
// class, and routes as origin → transit → destination) is computed here from the incidents
// themselves (at most DETAIL_CAP of them, newest first), and would be taken from /stats
// members by_month_class and routes once the server has them.  Without a member (an older
// server) the same figure is computed from the incident list and the hits.  Every chart has
// its numbers in a table beside it.  The time to takedown of listings reported to platforms
// comes from the /stats member takedowns (shown when the server has it).
import { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip, Filler } from 'chart.js';
import { h, replace } from '../lib/dom.js';
import { t, tv, formatNumber, formatDate, formatMonth, formatDuration, countryName } from '../lib/i18n.js';
import { get, getAll } from '../lib/api.js';
import { loading, errorBox, pageHeader } from '../lib/ui.js';
import { TYPE_COLOURS, CLASS_COLOURS, STATUS_COLOURS, FALLBACK } from '../lib/colours.js';
import { drawRouteMap } from '../lib/worldmap.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip, Filler);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';
Chart.defaults.color = '#374151';

const DETAIL_CAP = 150;

const month = (d) => (d ? String(d).slice(0, 7) : null);
const day = (d) => (d ? String(d).slice(0, 10) : null);

// All months from the first to the last key, so that quiet months show as zero.
function monthRange(keys) {
	const sorted = [...keys].filter(Boolean).sort();
	if (!sorted.length) return [];
	const out = [];
	let [y, m] = sorted[0].split('-').map(Number);
	const [ly, lm] = sorted[sorted.length - 1].split('-').map(Number);
	while (y < ly || (y === ly && m <= lm)) {
		out.push(`${y}-${String(m).padStart(2, '0')}`);
		m += 1;
		if (m > 12) {
			m = 1;
			y += 1;
		}
		if (out.length > 240) break;
	}
	return out;
}

function dayRange(keys) {
	const sorted = [...keys].filter(Boolean).sort();
	if (!sorted.length) return [];
	const out = [];
	const end = new Date(`${sorted[sorted.length - 1]}T00:00:00Z`);
	for (let d = new Date(`${sorted[0]}T00:00:00Z`); d <= end && out.length < 400; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
	return out;
}

// Counts rows into {series -> {bucket -> n}}.
function countBy(rows, bucketOf, seriesOf) {
	const m = new Map();
	for (const r of rows) {
		const b = bucketOf(r);
		if (!b) continue;
		for (const sname of [].concat(seriesOf(r))) {
			if (!sname) continue;
			if (!m.has(sname)) m.set(sname, new Map());
			const s = m.get(sname);
			s.set(b, (s.get(b) || 0) + 1);
		}
	}
	return m;
}

function colourOf(map, key, i) {
	return map[key] || FALLBACK[i % FALLBACK.length];
}

// A chart card: heading, canvas (an image for assistive technology) and its data as a table.
function chartCard(id, title, labels, datasets, { type = 'bar', stacked = true, horizontal = false, labelOf = (x) => x } = {}) {
	const canvas = h('canvas', { id: `chart-${id}`, role: 'img', 'aria-label': title });
	const table = h(
		'table',
		{ class: 'table compact' },
		h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), datasets.map((d) => h('th', { scope: 'col' }, d.label)))),
		h('tbody', null, labels.map((l, i) => h('tr', null, h('th', { scope: 'row' }, labelOf(l)), datasets.map((d) => h('td', { class: 'num' }, formatNumber(d.data[i] || 0)))))),
	);
	const card = h(
		'section',
		{ class: 'card chart-card', 'aria-labelledby': `h-${id}`, dataset: { chart: id } },
		h('h2', { id: `h-${id}` }, title),
		labels.length ? h('div', { class: 'chart-box' }, canvas) : h('p', { class: 'muted' }, t('dashboard.no_data')),
		labels.length ? h('details', null, h('summary', null, t('dashboard.show_table')), h('div', { class: 'table-wrap' }, table)) : null,
	);
	const chart = () =>
		labels.length
			? new Chart(canvas, {
					type,
					data: { labels: labels.map(labelOf), datasets },
					options: {
						responsive: true,
						maintainAspectRatio: false,
						animation: false,
						indexAxis: horizontal ? 'y' : 'x',
						interaction: { mode: 'index', intersect: false },
						plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
						scales: { x: { stacked, grid: { display: false } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
					},
				})
			: null;
	return { card, chart };
}

function kpi(id, label, value, hint) {
	return h('div', { class: 'kpi', dataset: { kpi: id } }, h('div', { class: 'kpi-value', id: `kpi-${id}` }, value), h('div', { class: 'kpi-label' }, label), hint ? h('div', { class: 'kpi-hint muted small' }, hint) : null);
}

function share(x) {
	return x === null || x === undefined ? t('common.none') : formatNumber(x, { style: 'percent', maximumFractionDigits: 0 });
}

// The time-to-takedown panel from /stats takedowns: median, share within 24 h, open listings,
// and the same per platform in a table.
function takedownCard(td) {
	if (!td) return null;
	const cols = ['dashboard.takedown_platform', 'dashboard.takedown_reported', 'dashboard.takedown_gone_col', 'dashboard.takedown_open_col', 'dashboard.takedown_median_col', 'dashboard.takedown_24h_col'];
	return h(
		'section',
		{ class: 'card', id: 'takedowns', 'aria-labelledby': 'h-takedowns' },
		h('h2', { id: 'h-takedowns' }, t('dashboard.takedowns')),
		h('p', { class: 'muted small' }, t('dashboard.takedowns_help')),
		td.reported
			? [
					h(
						'div',
						{ class: 'kpis' },
						kpi('takedown-median', t('dashboard.takedown_median'), formatDuration(td.median_seconds)),
						kpi('takedown-24h', t('dashboard.takedown_24h'), share(td.within_24h)),
						kpi('takedown-open', t('dashboard.takedown_open'), formatNumber(td.open)),
						kpi('takedown-gone', t('dashboard.takedown_gone', { reported: formatNumber(td.reported) }), formatNumber(td.gone)),
					),
					h(
						'div',
						{ class: 'table-wrap' },
						h(
							'table',
							{ class: 'table compact', id: 'takedowns-by-platform' },
							h('thead', null, h('tr', null, cols.map((k, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t(k))))),
							h(
								'tbody',
								null,
								td.by_platform.map((p) =>
									h('tr', { dataset: { platform: p.platform } }, h('th', { scope: 'row' }, p.platform), h('td', { class: 'num' }, formatNumber(p.reported)), h('td', { class: 'num' }, formatNumber(p.gone)), h('td', { class: 'num' }, formatNumber(p.open)), h('td', { class: 'num' }, formatDuration(p.median_seconds)), h('td', { class: 'num' }, share(p.within_24h))),
								),
							),
						),
					),
				]
			: h('p', { class: 'muted' }, t('dashboard.takedown_none')),
	);
}

// Fetches items with at most `n` requests in flight.
async function pool(items, n, fn) {
	const out = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(n, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				out[i] = await fn(items[i]).catch(() => null);
			}
		}),
	);
	return out.filter(Boolean);
}

export default {
	title: 'dashboard.title',
	async render({ main, onCleanup }) {
		main.append(pageHeader(t('dashboard.title')));
		const box = h('div', null, loading());
		main.append(box);
		const charts = [];
		onCleanup(() => charts.forEach((c) => c && c.destroy()));

		let stats;
		let list;
		let hits;
		try {
			[stats, list, hits] = await Promise.all([
				get('/stats'),
				getAll('/incidents', {}, 5000),
				null,
			]);
			if (!stats.hits_per_day) hits = (await Promise.all(['new', 'confirmed', 'dismissed'].map((st) => getAll('/hits', { status: st }, 5000).then((r) => r.items.map((x) => ({ ...x, status: x.status || st })))))).flat();
		} catch (e) {
			replace(box, errorBox(e));
			return;
		}
		const incidents = list.items;
		const totalVisible = (stats.by_type || []).reduce((a, x) => a + x.n, 0);

		// the incidents themselves, for classes, substances and routes (unless /stats has them)
		const needDetails = !(stats.by_month_class && stats.routes);
		const sample = [...incidents].sort((a, b) => String(b.occurred_on || '').localeCompare(String(a.occurred_on || ''))).slice(0, DETAIL_CAP);
		const details = needDetails ? await pool(sample, 4, (it) => get(`/incidents/${it.id}`)) : [];

		// incidents per month by type
		const byType = stats.by_month ? new Map() : countBy(incidents, (r) => month(r.occurred_on || r.updated_at), (r) => r.type);
		if (stats.by_month) for (const r of stats.by_month) (byType.get(r.type) || byType.set(r.type, new Map()).get(r.type)).set(r.month, r.n);
		const months = monthRange([...byType.values()].flatMap((m) => [...m.keys()]));
		const typeKeys = [...byType.keys()].sort();
		const typeChart = chartCard(
			'by-type',
			t('dashboard.by_type'),
			months,
			typeKeys.map((k, i) => ({ label: tv('type', k), data: months.map((m) => byType.get(k).get(m) || 0), backgroundColor: colourOf(TYPE_COLOURS, k, i) })),
			{ labelOf: formatMonth },
		);

		// incidents per month by class
		const byClass = new Map();
		if (stats.by_month_class) for (const r of stats.by_month_class) (byClass.get(r.class) || byClass.set(r.class, new Map()).get(r.class)).set(r.month, r.n);
		else for (const [k, v] of countBy(details, (r) => month(r.occurred_on || r.created_at), (r) => [...new Set((r.substances || []).map((x) => x.class))])) byClass.set(k, v);
		const cMonths = monthRange([...byClass.values()].flatMap((m) => [...m.keys()]));
		const classKeys = [...byClass.keys()].sort();
		const classChart = chartCard(
			'by-class',
			t('dashboard.by_class'),
			cMonths,
			classKeys.map((k, i) => ({ label: tv('class', k), data: cMonths.map((m) => byClass.get(k).get(m) || 0), backgroundColor: colourOf(CLASS_COLOURS, k, i), borderColor: colourOf(CLASS_COLOURS, k, i) })),
			{ labelOf: formatMonth },
		);

		// top substances
		let top;
		if (stats.top_substances) top = stats.top_substances.map((x) => ({ id: x.id, name: x.name || x.id, cls: x.class, n: x.n }));
		else {
			const m = new Map();
			for (const inc of details)
				for (const sub of new Map((inc.substances || []).map((x) => [x.id, x])).values()) {
					const e = m.get(sub.id) || { id: sub.id, name: sub.name || sub.id, cls: sub.class, n: 0 };
					e.n += 1;
					m.set(sub.id, e);
				}
			top = [...m.values()].sort((a, b) => b.n - a.n || a.name.localeCompare(b.name)).slice(0, 10);
		}
		const subChart = chartCard('top-substances', t('dashboard.top_substances'), top.map((x) => x.name), [{ label: t('dashboard.incidents'), data: top.map((x) => x.n), backgroundColor: top.map((x, i) => colourOf(CLASS_COLOURS, x.cls, i)) }], { horizontal: true, stacked: false });

		// flagged hits per day (by status when the figures say it)
		const byStatus = stats.hits_per_day
			? new Map()
			: countBy(
					hits.filter((x) => x.flagged !== false),
					(r) => day(r.first_seen),
					(r) => r.status,
				);
		if (stats.hits_per_day) for (const r of stats.hits_per_day) (byStatus.get(r.status || 'flagged') || byStatus.set(r.status || 'flagged', new Map()).get(r.status || 'flagged')).set(r.day, r.n);
		const days = dayRange([...byStatus.values()].flatMap((m) => [...m.keys()]));
		const hitChart = chartCard(
			'hits-per-day',
			t('dashboard.hits_per_day'),
			days,
			['flagged', 'new', 'confirmed', 'dismissed'].filter((k) => byStatus.has(k)).map((k) => ({ label: tv('hitstatus', k), data: days.map((d) => byStatus.get(k).get(d) || 0), backgroundColor: STATUS_COLOURS[k] })),
			{ labelOf: (d) => formatDate(d) },
		);

		// routes
		const routeMap = new Map();
		const involvement = new Map();
		const inv = (c) => involvement.get(c) || involvement.set(c, { origin: 0, transit: 0, destination: 0 }).get(c);
		if (stats.routes) {
			for (const r of stats.routes) {
				const path = [...(r.origin ? [r.origin] : []), ...(r.transit || []), ...(r.destination ? [r.destination] : [])];
				routeMap.set(path.join('>'), { path, n: r.n });
				if (r.origin) inv(r.origin).origin += r.n;
				for (const c of r.transit || []) inv(c).transit += r.n;
				if (r.destination) inv(r.destination).destination += r.n;
			}
		} else {
			for (const inc of details) {
				if (!stats.origins) for (const c of inc.origin || []) inv(c).origin += 1;
				for (const c of inc.transit || []) inv(c).transit += 1;
				if (!stats.destinations) for (const c of inc.destination || []) inv(c).destination += 1;
				for (const o of inc.origin || [])
					for (const d of inc.destination || []) {
						if (o === d) continue;
						const path = [o, ...(inc.transit || []).filter((c) => c !== o && c !== d), d];
						const key = path.join('>');
						const e = routeMap.get(key) || { path, n: 0 };
						e.n += 1;
						routeMap.set(key, e);
					}
			}
		}
		// countries as origin and destination over all visible incidents, when /stats has them
		if (!stats.routes) {
			for (const r of stats.origins || []) inv(r.country).origin += r.n;
			for (const r of stats.destinations || []) inv(r.country).destination += r.n;
		}
		const routes = [...routeMap.values()].sort((a, b) => b.n - a.n);
		const mapBox = h('div', { class: 'map-box' }, loading());
		const routeTable = h(
			'details',
			null,
			h('summary', null, t('dashboard.routes_table')),
			h(
				'table',
				{ class: 'table compact', id: 'routes-table' },
				h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('dashboard.route')), h('th', { scope: 'col' }, t('dashboard.incidents')))),
				h('tbody', null, routes.map((r) => h('tr', null, h('td', null, r.path.map(countryName).join(' → ')), h('td', { class: 'num' }, formatNumber(r.n))))),
			),
		);

		const since = new Date(Date.now() - 30 * 864e5).toISOString().slice(0, 10);
		const flagged30 = stats.hits_per_day
			? stats.hits_per_day.filter((r) => r.day >= since).reduce((a, r) => a + r.n, 0)
			: hits.filter((x) => x.flagged !== false && x.first_seen && day(x.first_seen) >= since).length;
		const partial = needDetails && incidents.length > DETAIL_CAP;
		replace(
			box,
			h(
				'div',
				{ class: 'kpis' },
				kpi('incidents', t('dashboard.kpi_incidents'), formatNumber(totalVisible)),
				kpi('queue', t('dashboard.kpi_queue'), formatNumber(stats.triage_queue ?? 0)),
				kpi('hits30', t('dashboard.kpi_hits30'), formatNumber(flagged30)),
				kpi('routes', t('dashboard.kpi_routes'), formatNumber(routes.length)),
			),
			partial ? h('p', { class: 'notice' }, t('dashboard.partial', { n: DETAIL_CAP, total: formatNumber(incidents.length) })) : null,
			h('div', { class: 'chart-grid' }, typeChart.card, classChart.card),
			h('section', { class: 'card', 'aria-labelledby': 'h-map', dataset: { chart: 'map' } }, h('h2', { id: 'h-map' }, t('dashboard.map_title')), h('p', { class: 'muted small' }, t('dashboard.map_help')), mapBox, routeTable),
			h('div', { class: 'chart-grid' }, subChart.card, hitChart.card),
			takedownCard(stats.takedowns),
			h(
				'section',
				{ class: 'card' },
				h('h2', null, t('dashboard.totals')),
				h(
					'div',
					{ class: 'two-col' },
					h('table', { class: 'table compact', id: 'totals-type' }, h('caption', null, t('dashboard.by_type_total')), h('tbody', null, (stats.by_type || []).map((x) => h('tr', null, h('th', { scope: 'row' }, tv('type', x.type)), h('td', { class: 'num' }, formatNumber(x.n)))))),
					h('table', { class: 'table compact', id: 'totals-class' }, h('caption', null, t('dashboard.by_class_total')), h('tbody', null, (stats.by_class || []).map((x) => h('tr', null, h('th', { scope: 'row' }, tv('class', x.class)), h('td', { class: 'num' }, formatNumber(x.n)))))),
				),
			),
		);
		for (const c of [typeChart, classChart, subChart, hitChart]) charts.push(c.chart());
		try {
			replace(mapBox, await drawRouteMap(routes, involvement));
		} catch (e) {
			replace(mapBox, errorBox(e));
		}
		main.dataset.drawn = 'true';
	},
};
