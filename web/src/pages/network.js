// network.js: the correlation graph (Cytoscape.js).  Incidents and observables are nodes,
// coloured by type; an incident links to its observables ('has') and to incidents on the same
// route ('route').  Clicking (or pressing Enter on) a node expands it: an incident with its own
// network, an observable with the incidents that share it.  Everything comes from the server,
// which only returns what the user may see.  A table lists the same nodes for keyboard and
// screen-reader users.
import cytoscape from 'cytoscape';
import { h, replace, field, select } from '../lib/dom.js';
import { t, tv, formatDate, formatNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader } from '../lib/ui.js';
import { OBSERVABLE_TYPES, TYPES } from '../lib/enums.js';
import { TYPE_COLOURS, OBS_COLOURS } from '../lib/colours.js';

const MAX_NODES = 800;

const obsKey = (type, value) => `o:${type}:${value}`;

export default {
	title: 'network.title',
	async render({ main, params, query, navigate, onCleanup }) {
		const rootId = params.id ? Number(params.id) : null;
		const rootObs = query.get('observable') || '';
		const focusObs = query.get('focus') || '';
		const depth = Math.min(3, Math.max(1, Number(query.get('depth')) || 1));

		// the form to choose a starting point
		const idIn = h('input', { type: 'number', min: 1, name: 'incident', value: rootId || '', class: 'narrow' });
		const obsIn = h('input', { name: 'observable', value: rootObs, placeholder: t('incidents.observable_placeholder'), spellcheck: 'false' });
		const depthSel = select([1, 2, 3].map((d) => [d, String(d)]), depth, { name: 'depth' });
		const startForm = h(
			'form',
			{
				class: 'filters',
				onsubmit: (e) => {
					e.preventDefault();
					const d = depthSel.value !== '1' ? `depth=${depthSel.value}` : '';
					if (idIn.value) navigate(`/network/${Number(idIn.value)}${d ? `?${d}` : ''}`);
					else if (obsIn.value.trim()) navigate(`/network?observable=${encodeURIComponent(obsIn.value.trim())}${d ? `&${d}` : ''}`);
				},
			},
			field(t('network.start_incident'), idIn),
			field(t('network.start_observable'), obsIn, t('incidents.observable_hint')),
			field(t('network.depth'), depthSel),
			h('div', { class: 'field field-button' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('network.show'))),
		);
		main.append(pageHeader(t('network.title')), startForm);
		if (!rootId && !rootObs) {
			main.append(h('p', { class: 'muted' }, t('network.intro')));
			return;
		}

		const status = h('p', { class: 'count', role: 'status', id: 'graph-status' });
		const container = h('div', { class: 'graph', id: 'graph', role: 'img', 'aria-label': t('network.graph_label') });
		const side = h('aside', { class: 'graph-side', 'aria-label': t('network.details') }, h('p', { class: 'muted' }, t('network.click_hint')));
		const table = h('div', { class: 'graph-table' });
		const legendEl = h(
			'details',
			{ class: 'graph-legend', open: true },
			h('summary', null, t('network.legend')),
			h(
				'ul',
				{ class: 'legend-list' },
				TYPES.map((ty) => h('li', null, h('span', { class: 'swatch swatch-round', style: { background: TYPE_COLOURS[ty] } }), tv('type', ty))),
				OBSERVABLE_TYPES.map((ty) => h('li', null, h('span', { class: 'swatch swatch-diamond', style: { background: OBS_COLOURS[ty] } }), tv('observable', ty))),
				h('li', null, h('span', { class: 'swatch swatch-line' }), t('network.edge_has')),
				h('li', null, h('span', { class: 'swatch swatch-dashed' }), t('network.edge_route')),
			),
		);
		const body = h('div', null, status, h('div', { class: 'graph-wrap' }, container, side), legendEl, table);
		main.append(body);
		status.textContent = t('common.loading');

		// Cytoscape measures its container: it must be in the document first
		const cy = cytoscape({
			container,
			minZoom: 0.2,
			maxZoom: 3,
			wheelSensitivity: 0.3,
			boxSelectionEnabled: false,
			style: [
				{ selector: 'node', style: { label: 'data(label)', 'font-size': 12, 'text-wrap': 'ellipsis', 'text-max-width': 160, 'text-valign': 'bottom', 'text-margin-y': 4, color: '#1f2937', 'background-color': 'data(colour)', width: 30, height: 30, 'border-width': 2, 'border-color': '#fff' } },
				{ selector: 'node[kind = "observable"]', style: { shape: 'diamond', width: 24, height: 24, 'font-size': 11 } },
				{ selector: 'node[?expanded]', style: { 'border-color': '#111827', 'border-width': 3 } },
				{ selector: 'node[?root]', style: { width: 42, height: 42 } },
				{ selector: 'node:selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.35, 'overlay-padding': 6 } },
				{ selector: 'edge', style: { width: 1.5, 'line-color': '#9ca3af', 'curve-style': 'bezier' } },
				{ selector: 'edge[kind = "route"]', style: { 'line-style': 'dashed', 'line-color': '#ea580c', width: 2 } },
			],
		});
		container._cy = cy; // for the end-to-end tests, which click nodes on the canvas
		onCleanup(() => cy.destroy());

		let truncated = false;
		const addIncident = (n) => {
			const id = `i:${n.incident_id}`;
			if (cy.getElementById(id).nonempty()) return id;
			cy.add({ group: 'nodes', data: { id, kind: 'incident', incident_id: n.incident_id, type: n.type, title: n.title, org: n.org || n.org_name || '', occurred_on: n.occurred_on || '', label: `#${n.incident_id} ${n.title}`, colour: TYPE_COLOURS[n.type] || '#475569' } });
			return id;
		};
		const addObservable = (type, value) => {
			const id = obsKey(type, value);
			if (cy.getElementById(id).nonempty()) return id;
			cy.add({ group: 'nodes', data: { id, kind: 'observable', type, value, label: value, colour: OBS_COLOURS[type] || '#475569' } });
			return id;
		};
		const addEdge = (a, b, kind, detail) => {
			const [x, y] = a < b ? [a, b] : [b, a];
			const id = `e:${kind}:${x}|${y}|${detail || ''}`;
			if (cy.getElementById(id).nonempty()) return;
			cy.add({ group: 'edges', data: { id, source: a, target: b, kind, detail: detail || '' } });
		};

		// Merges GET /incidents/{id}/network into the graph.
		const mergeNetwork = (net) => {
			const ids = new Map();
			for (const n of net.nodes) {
				if (cy.nodes().length >= MAX_NODES) {
					truncated = true;
					break;
				}
				ids.set(n.id, n.kind === 'incident' ? addIncident(n) : addObservable(n.type, n.value));
			}
			for (const e of net.edges) {
				const a = ids.get(e.source);
				const b = ids.get(e.target);
				if (a && b) addEdge(a, b, e.kind, e.detail);
			}
			if (net.truncated) truncated = true;
		};

		const expandIncident = async (incidentId, d = 1) => {
			const net = await get(`/incidents/${incidentId}/network`, { depth: d });
			mergeNetwork(net);
			cy.getElementById(`i:${incidentId}`).data('expanded', true);
		};
		const expandObservable = async (type, value) => {
			const key = `${type}:${value}`;
			const r = await get('/incidents', { observable: key, per_page: 100 });
			const oid = addObservable(type, value);
			for (const it of r.items) {
				if (cy.nodes().length >= MAX_NODES) {
					truncated = true;
					break;
				}
				addEdge(addIncident({ incident_id: it.id, title: it.title, type: it.type, org_name: it.org_name, occurred_on: it.occurred_on }), oid, 'has');
			}
			if (r.total > r.items.length) truncated = true;
			cy.getElementById(oid).data('expanded', true);
		};

		const relayout = () => {
			// spread the layout over the container's shape, not a tall or narrow strip
			const w = Math.max(300, container.clientWidth);
			const hgt = Math.max(300, container.clientHeight);
			const scale = Math.max(1, Math.sqrt(cy.nodes().length / 12));
			cy.layout({ name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true, padding: 30, boundingBox: { x1: 0, y1: 0, w: w * scale, h: hgt * scale }, idealEdgeLength: () => 80, nodeRepulsion: () => 12000, gravity: 0.6, componentSpacing: 60 }).run();
			cy.fit(undefined, 30);
			if (cy.zoom() > 1.4) {
				cy.zoom(1.4);
				cy.center();
			}
		};

		const showDetails = (node) => {
			const d = node.data();
			const expandBtn = h('button', { type: 'button', class: 'btn btn-small', disabled: d.expanded ? true : null, onclick: () => expand(node) }, d.expanded ? t('network.expanded') : t('network.expand'));
			replace(
				side,
				d.kind === 'incident'
					? [
							h('h2', null, d.title),
							h('p', null, h('span', { class: 'badge', style: { borderColor: d.colour } }, tv('type', d.type)), ' ', d.org, d.occurred_on ? ` · ${formatDate(d.occurred_on)}` : ''),
							h('p', { class: 'actions' }, expandBtn, h('a', { href: `/incidents/${d.incident_id}`, class: 'btn btn-small' }, t('network.open_incident')), h('a', { href: `/network/${d.incident_id}`, class: 'btn btn-small' }, t('network.center_here'))),
						]
					: [
							h('h2', { class: 'mono' }, d.value),
							h('p', null, h('span', { class: 'badge' }, tv('observable', d.type)), ' ', t('network.links', { n: node.degree() })),
							h('p', { class: 'actions' }, expandBtn, h('a', { href: `/incidents?observable=${encodeURIComponent(`${d.type}:${d.value}`)}`, class: 'btn btn-small' }, t('network.search_incidents'))),
						],
			);
		};

		const drawTable = () => {
			const nodes = cy.nodes().sort((a, b) => (a.data('kind') === b.data('kind') ? a.data('label').localeCompare(b.data('label')) : a.data('kind') === 'incident' ? -1 : 1));
			replace(
				table,
				h(
					'details',
					null,
					h('summary', null, t('network.as_table', { nodes: formatNumber(cy.nodes().length), edges: formatNumber(cy.edges().length) })),
					h(
						'table',
						{ class: 'table compact', id: 'node-table' },
						h('thead', null, h('tr', null, ['network.col_kind', 'network.col_node', 'network.col_links', 'network.col_action'].map((k) => h('th', { scope: 'col' }, t(k))))),
						h(
							'tbody',
							null,
							nodes.map((n) => {
								const d = n.data();
								return h(
									'tr',
									{ dataset: { node: d.id } },
									h('td', null, d.kind === 'incident' ? tv('type', d.type) : tv('observable', d.type)),
									h('td', null, d.kind === 'incident' ? h('a', { href: `/incidents/${d.incident_id}` }, d.label) : h('span', { class: 'mono' }, d.value)),
									h('td', { class: 'num' }, n.degree()),
									h('td', null, h('button', { type: 'button', class: 'btn btn-small', disabled: d.expanded ? true : null, onclick: () => expand(n) }, d.expanded ? t('network.expanded') : t('network.expand'))),
								);
							}),
						),
					),
				),
			);
		};

		const update = () => {
			container.dataset.nodes = cy.nodes().length;
			container.dataset.edges = cy.edges().length;
			status.textContent = t('network.status', { nodes: formatNumber(cy.nodes().length), edges: formatNumber(cy.edges().length) }) + (truncated ? ` ${t('network.truncated')}` : '');
			drawTable();
		};

		let busy = false;
		async function expand(node) {
			if (busy || node.data('expanded')) return;
			busy = true;
			container.setAttribute('aria-busy', 'true');
			const before = cy.nodes().length;
			try {
				if (node.data('kind') === 'incident') await expandIncident(node.data('incident_id'));
				else await expandObservable(node.data('type'), node.data('value'));
				relayout();
				update();
				showDetails(node);
				toast(t('network.added', { n: cy.nodes().length - before }));
			} catch (e) {
				toast(errorText(e), 'error');
			} finally {
				busy = false;
				container.removeAttribute('aria-busy');
			}
		}

		cy.on('tap', 'node', (e) => {
			cy.nodes().unselect();
			e.target.select();
			showDetails(e.target);
			expand(e.target);
		});

		try {
			if (rootId) {
				await expandIncident(rootId, depth);
				cy.getElementById(`i:${rootId}`).data('root', true);
			} else {
				const i = rootObs.indexOf(':');
				if (i <= 0) throw Object.assign(new Error(t('network.bad_observable')), { status: 400 });
				await expandObservable(rootObs.slice(0, i), rootObs.slice(i + 1));
			}
		} catch (e) {
			replace(body, errorBox(e));
			return;
		}
		cy.resize();
		relayout();
		update();
		const start = focusObs ? cy.getElementById(obsKey(...splitObs(focusObs))) : cy.getElementById(`i:${rootId}`);
		if (start && start.nonempty()) {
			start.select();
			showDetails(start);
		}
		const ro = new ResizeObserver(() => cy.resize());
		ro.observe(container);
		onCleanup(() => ro.disconnect());
	},
};

function splitObs(s) {
	const i = s.indexOf(':');
	return [s.slice(0, i), s.slice(i + 1)];
}
