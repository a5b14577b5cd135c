// dashboard.js: trends over the incidents the user may see: counts, incidents per month by
// type and by substance class, the substances most often named, a world map of the routes,
// the flagged hits received per day and the time to takedown.  Everything comes from one
// GET /stats, whose figures the server sums from counters over the incidents the user may see
// (by_month, by_month_class, top_substances, origins, transits, destinations, routes,
// hits_per_day, takedowns): no incident is read one by one, so opening the dashboard writes
// nothing to the audit log.  Every chart has its numbers in a table beside it.
import { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip, Filler } from 'chart.js';
import { h, replace } from '../lib/dom.js';
import { t, tv, formatNumber, formatDate, formatMonth, formatDuration, countryName } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { loading, errorBox, pageHeader } from '../lib/ui.js';
import { TYPE_COLOURS, CLASS_COLOURS, STATUS_COLOURS, FALLBACK } from '../lib/colours.js';
import { drawRouteMap } from '../lib/worldmap.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip, Filler);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';
Chart.defaults.color = '#374151';

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

// Rows [{[series]: s, [bucket]: b, n}] into {series -> {bucket -> n}}.
function seriesOf(rows, series, bucket) {
	const m = new Map();
	for (const r of rows || []) {
		if (!m.has(r[series])) m.set(r[series], new Map());
		m.get(r[series]).set(r[bucket], r.n);
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

export default {
	title: 'dashboard.title',
	async render({ main, onCleanup }) {
		main.append(pageHeader(t('dashboard.title')));
		const box = h('div', null, loading());
		main.append(box);
		const charts = [];
		onCleanup(() => charts.forEach((c) => c && c.destroy()));

		let stats;
		try {
			stats = await get('/stats');
		} catch (e) {
			replace(box, errorBox(e));
			return;
		}
		const totalVisible = (stats.by_type || []).reduce((a, x) => a + x.n, 0);

		// incidents per month by type
		const byType = seriesOf(stats.by_month, 'type', 'month');
		const months = monthRange([...byType.values()].flatMap((m) => [...m.keys()]));
		const typeKeys = [...byType.keys()].sort();
		const typeChart = chartCard(
			'by-type',
			t('dashboard.by_type'),
			months,
			typeKeys.map((k, i) => ({ label: tv('type', k), data: months.map((m) => byType.get(k).get(m) || 0), backgroundColor: colourOf(TYPE_COLOURS, k, i) })),
			{ labelOf: formatMonth },
		);

		// incidents per month by class (the last 24 months)
		const byClass = seriesOf(stats.by_month_class, 'class', 'month');
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
		const top = (stats.top_substances || []).map((x) => ({ id: x.id, name: x.name || x.id, cls: x.class, n: x.n }));
		const subChart = chartCard('top-substances', t('dashboard.top_substances'), top.map((x) => x.name), [{ label: t('dashboard.incidents'), data: top.map((x) => x.n), backgroundColor: top.map((x, i) => colourOf(CLASS_COLOURS, x.cls, i)) }], { horizontal: true, stacked: false });

		// flagged hits per day
		const perDay = new Map((stats.hits_per_day || []).map((r) => [r.day, r.n]));
		const days = dayRange([...perDay.keys()]);
		const hitChart = chartCard('hits-per-day', t('dashboard.hits_per_day'), days, perDay.size ? [{ label: tv('hitstatus', 'flagged'), data: days.map((d) => perDay.get(d) || 0), backgroundColor: STATUS_COLOURS.flagged }] : [], { labelOf: (d) => formatDate(d) });

		// routes (origin -> destination pairs) and how often each country is an origin, a
		// transit or a destination (distinct incidents)
		const routes = (stats.routes || []).map((r) => ({ path: [r.origin, r.destination], n: r.n }));
		const involvement = new Map();
		const inv = (c) => involvement.get(c) || involvement.set(c, { origin: 0, transit: 0, destination: 0 }).get(c);
		for (const [member, role] of [
			['origins', 'origin'],
			['transits', 'transit'],
			['destinations', 'destination'],
		])
			for (const r of stats[member] || []) inv(r.country)[role] += r.n;
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
		const flagged30 = (stats.hits_per_day || []).filter((r) => r.day >= since).reduce((a, r) => a + r.n, 0);
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
