// worldmap.js: the world map of trafficking routes, drawn as SVG from the country shapes
// bundled with the application (world-atlas, Natural Earth 1:50m, as TopoJSON): no tiles and
// no request to any other host.  Countries are shaded by how many incidents name them; each
// route (origin → transit → destination) is a great-circle line whose width grows with the
// number of incidents that took it.
import { geoEqualEarth, geoPath, geoCentroid, geoArea } from 'd3-geo';
import { feature } from 'topojson-client';
import { h, s } from './dom.js';
import { t, countryName, formatNumber } from './i18n.js';
import { numericOf } from './countries.js';

let shapes = null;
async function loadShapes() {
	if (!shapes) {
		const topo = (await import('world-atlas/countries-50m.json')).default;
		shapes = feature(topo, topo.objects.countries).features;
	}
	return shapes;
}

// Centroid of the largest polygon, so that overseas territories do not pull a country's
// point into the ocean.
function mainCentroid(f) {
	const g = f.geometry;
	if (!g) return null;
	if (g.type !== 'MultiPolygon') return geoCentroid(f);
	let best = null;
	let bestArea = -1;
	for (const coords of g.coordinates) {
		const poly = { type: 'Polygon', coordinates: coords };
		const a = geoArea(poly);
		if (a > bestArea) {
			bestArea = a;
			best = poly;
		}
	}
	return geoCentroid(best);
}

// routes: [{path: ['CN', 'NL', 'GB'], n}], involvement: Map(code -> {origin, transit, destination})
export async function drawRouteMap(routes, involvement, { width = 960, height = 500 } = {}) {
	const features = await loadShapes();
	const byNumeric = new Map(features.map((f) => [f.id, f]));
	const projection = geoEqualEarth().fitExtent(
		[
			[4, 4],
			[width - 4, height - 4],
		],
		{ type: 'Sphere' },
	);
	const path = geoPath(projection);
	const centroid = new Map();
	const point = (code) => {
		if (!centroid.has(code)) {
			const f = byNumeric.get(numericOf(code));
			centroid.set(code, f ? mainCentroid(f) : null);
		}
		return centroid.get(code);
	};
	const maxInv = Math.max(1, ...[...involvement.values()].map((v) => v.origin + v.transit + v.destination));
	const maxN = Math.max(1, ...routes.map((r) => r.n));

	const countries = features.map((f) => {
		const code = [...involvement.keys()].find((c) => numericOf(c) === f.id);
		const inv = code ? involvement.get(code) : null;
		const total = inv ? inv.origin + inv.transit + inv.destination : 0;
		const shade = total ? 0.25 + 0.65 * (total / maxInv) : 0;
		const label = code ? t('dashboard.map_country', { name: countryName(code), origin: inv.origin, transit: inv.transit, destination: inv.destination }) : f.properties?.name || '';
		return s(
			'path',
			{ d: path(f), class: ['country-shape', total && 'involved'], style: total ? { fillOpacity: String(shade) } : null, dataset: code ? { code } : null },
			s('title', null, label),
		);
	});

	const lines = [];
	const missing = new Set();
	for (const r of routes) {
		const pts = r.path.map((c) => {
			const p = point(c);
			if (!p) missing.add(c);
			return p;
		});
		if (pts.some((p) => !p) || pts.length < 2) continue;
		const d = path({ type: 'LineString', coordinates: pts });
		if (!d) continue;
		lines.push(
			s(
				'path',
				{ d, class: 'route-line', 'stroke-width': String(1.2 + 4 * (r.n / maxN)), 'marker-end': 'url(#arrow)' },
				s('title', null, `${r.path.map(countryName).join(' → ')}: ${t('dashboard.map_incidents', { n: formatNumber(r.n) })}`),
			),
		);
	}
	const dots = [...involvement.keys()]
		.map((c) => [c, point(c)])
		.filter(([, p]) => p)
		.map(([c, p]) => {
			const [x, y] = projection(p);
			return s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, class: 'route-dot' }, s('title', null, countryName(c)));
		});

	const svg = s(
		'svg',
		{ viewBox: `0 0 ${width} ${height}`, class: 'world-map', role: 'img', 'aria-labelledby': 'map-title', preserveAspectRatio: 'xMidYMid meet' },
		s('title', { id: 'map-title' }, t('dashboard.map_label', { n: formatNumber(routes.length) })),
		s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0L10,5L0,10z', class: 'route-arrow' }))),
		s('path', { d: path({ type: 'Sphere' }), class: 'sphere' }),
		s('g', { class: 'countries' }, countries),
		s('g', { class: 'routes' }, lines),
		s('g', { class: 'dots' }, dots),
	);
	const note = missing.size ? h('p', { class: 'muted small' }, t('dashboard.map_missing', { codes: [...missing].join(', ') })) : null;
	return h('div', { class: 'map-wrap' }, svg, note);
}
