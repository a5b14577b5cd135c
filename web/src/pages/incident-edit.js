// incident-edit.js: the form that creates or changes an incident, covering the whole data
// model: type, status, title, narrative, dates, transport and concealment, the route
// (origin, transit, destination country lists, in order), substances with quantity, unit,
// form and purity (looked up in the knowledge base), observables, TLP, distribution and
// sharing group, source, and attachments (uploaded once the incident is saved).  Changes are
// sent with the version read (the server answers 409 when someone else changed the incident
// meanwhile).
import { h, replace, field, select, uid } from '../lib/dom.js';
import { t, tv, formatNumber } from '../lib/i18n.js';
import { get, post, patch, request, myGroups } from '../lib/api.js';
import { loading, errorBox, errorText, toast, pageHeader } from '../lib/ui.js';
import { TYPES, STATUSES, TLPS, DISTRIBUTIONS, TRANSPORT, UNITS, OBSERVABLE_TYPES } from '../lib/enums.js';
import { countryOptions } from '../lib/countries.js';

// An ordered list of countries: a picker, an "Add" button and removable chips.
function countryList(label, initial) {
	const values = [...(initial || [])];
	const chips = h('ul', { class: 'chips', 'aria-label': label });
	const pick = select([['', t('edit.choose_country')], ...countryOptions()], '', { 'aria-label': t('edit.add_country_to', { list: label }) });
	const draw = () =>
		replace(
			chips,
			values.map((c, i) =>
				h(
					'li',
					{ class: 'chip', dataset: { code: c } },
					`${(countryOptions().find(([k]) => k === c) || [c, c])[1]}`,
					h(
						'button',
						{
							type: 'button',
							class: 'chip-remove',
							'aria-label': t('edit.remove_item', { item: c }),
							onclick: () => {
								values.splice(i, 1);
								draw();
								pick.focus();
							},
						},
						'×',
					),
				),
			),
		);
	const add = () => {
		if (pick.value && !values.includes(pick.value)) values.push(pick.value);
		pick.value = '';
		draw();
	};
	pick.addEventListener('change', add);
	draw();
	const el = h('fieldset', { class: 'country-list' }, h('legend', null, label), chips, pick);
	return { el, value: () => [...values] };
}

// Substance rows with a knowledge-base lookup in a shared <datalist>.
function substanceRows(initial) {
	const listId = uid('subs');
	const datalist = h('datalist', { id: listId });
	const rows = h('div', { class: 'rows' });
	let timer = null;
	const lookup = (q) => {
		clearTimeout(timer);
		if (q.length < 2) return;
		timer = setTimeout(async () => {
			try {
				const r = await get('/substances', { q });
				replace(datalist, r.items.map((s) => h('option', { value: s.id }, `${s.name} (${tv('class', s.class)})`)));
			} catch {
				/* the lookup is a convenience; the server checks the id on save */
			}
		}, 200);
	};
	const addRow = (s = {}) => {
		const id = h('input', { value: s.id || '', list: listId, required: true, autocomplete: 'off', spellcheck: 'false', class: 'sub-id' });
		id.addEventListener('input', () => lookup(id.value.trim()));
		const qty = h('input', { type: 'number', min: 0, step: 'any', value: s.quantity ?? '', class: 'narrow sub-qty' });
		const unit = select([['', '—'], ...UNITS.map((u) => [u, tv('unit', u)])], s.unit || '', { class: 'sub-unit' });
		const form = h('input', { value: s.form || '', class: 'narrow sub-form' });
		const purity = h('input', { type: 'number', min: 0, max: 100, step: 'any', value: s.purity ?? '', class: 'narrow sub-purity' });
		const row = h(
			'div',
			{ class: 'row substance-row', role: 'group', 'aria-label': t('edit.substance_row') },
			field(t('incident.substance'), id, s.name ? s.name : null),
			field(t('incident.quantity'), qty),
			field(t('incident.unit'), unit),
			field(t('incident.form'), form),
			field(t('incident.purity_percent'), purity),
			h('button', { type: 'button', class: 'btn btn-small row-remove', onclick: () => row.remove() }, t('edit.remove')),
		);
		row._value = () => {
			const o = { id: id.value.trim() };
			if (qty.value !== '') o.quantity = Number(qty.value);
			if (unit.value) o.unit = unit.value;
			if (form.value.trim()) o.form = form.value.trim();
			if (purity.value !== '') o.purity = Number(purity.value);
			return o;
		};
		rows.append(row);
		return id;
	};
	for (const s of initial || []) addRow(s);
	const el = h(
		'fieldset',
		{ class: 'repeat' },
		h('legend', { class: 'visually-hidden' }, t('incident.substances')),
		datalist,
		rows,
		h('button', { type: 'button', class: 'btn btn-small', id: 'add-substance', onclick: () => addRow().focus() }, t('edit.add_substance')),
	);
	return { el, value: () => [...rows.children].map((r) => r._value()).filter((s) => s.id) };
}

function observableRows(initial) {
	const rows = h('div', { class: 'rows' });
	const addRow = (o = {}) => {
		const type = select(OBSERVABLE_TYPES.map((v) => [v, tv('observable', v)]), o.type || 'phone', { class: 'obs-type' });
		const value = h('input', { value: o.raw || o.value || '', required: true, spellcheck: 'false', class: 'grow obs-value' });
		const row = h(
			'div',
			{ class: 'row observable-row', role: 'group', 'aria-label': t('edit.observable_row') },
			field(t('edit.observable_type'), type),
			field(t('edit.observable_value'), value),
			h('button', { type: 'button', class: 'btn btn-small row-remove', onclick: () => row.remove() }, t('edit.remove')),
		);
		row._value = () => ({ type: type.value, value: value.value.trim() });
		rows.append(row);
		return value;
	};
	for (const o of initial || []) addRow(o);
	const el = h(
		'fieldset',
		{ class: 'repeat' },
		h('legend', { class: 'visually-hidden' }, t('incident.observables')),
		h('p', { class: 'hint' }, t('edit.observables_hint')),
		rows,
		h('button', { type: 'button', class: 'btn btn-small', id: 'add-observable', onclick: () => addRow().focus() }, t('edit.add_observable')),
	);
	return { el, value: () => [...rows.children].map((r) => r._value()).filter((o) => o.value) };
}

function radios(name, values, current, label, labelOf) {
	return h(
		'fieldset',
		{ class: 'radios' },
		h('legend', null, label),
		values.map((v) => {
			const id = uid(name);
			return h('span', { class: 'radio' }, h('input', { type: 'radio', name, id, value: v, checked: v === current }), h('label', { for: id }, labelOf(v)));
		}),
	);
}

export default {
	title: 'edit.title',
	async render({ main, params, navigate }) {
		const editing = Boolean(params.id);
		const box = h('div', null, loading());
		main.append(box);
		let inc = { type: 'seizure', status: 'draft', tlp: 'amber', distribution: 'own-org', origin: [], transit: [], destination: [], substances: [], observables: [] };
		let groups = [];
		try {
			[groups] = await Promise.all([myGroups()]);
			if (editing) inc = await get(`/incidents/${encodeURIComponent(params.id)}`);
		} catch (e) {
			replace(box, errorBox(e));
			return;
		}
		if (editing && !inc.editable) {
			replace(box, pageHeader(t('edit.title_edit', { id: inc.id })), errorBox({ status: 403, code: 'forbidden' }));
			return;
		}
		document.title = `${editing ? t('edit.title_edit', { id: inc.id }) : t('edit.title_new')} · ${t('app.name')}`;

		const type = select(TYPES.map((v) => [v, tv('type', v)]), inc.type, { name: 'type', required: true });
		const status = select(STATUSES.map((v) => [v, tv('status', v)]), inc.status, { name: 'status' });
		const title = h('input', { name: 'title', value: inc.title || '', required: true, maxlength: 300, class: 'grow' });
		const narrative = h('textarea', { name: 'narrative', rows: 6, maxlength: 100000 }, inc.narrative || '');
		const occurred = h('input', { type: 'date', name: 'occurred_on', value: inc.occurred_on || '' });
		const reported = h('input', { type: 'date', name: 'reported_on', value: inc.reported_on || '' });
		const transport = select([['', '—'], ...TRANSPORT.map((v) => [v, tv('transport', v)])], inc.transport_mode || '', { name: 'transport_mode' });
		const concealment = h('input', { name: 'concealment', value: inc.concealment || '', maxlength: 500 });
		const origin = countryList(t('incident.origin'), inc.origin);
		const transit = countryList(t('incident.transit'), inc.transit);
		const destination = countryList(t('incident.destination'), inc.destination);
		const subs = substanceRows(inc.substances);
		const obs = observableRows(inc.observables);
		const tlp = radios('tlp', TLPS, inc.tlp, t('incident.tlp'), (v) => h('span', { class: ['badge', 'tlp', `tlp-${v.replace('+', '-')}`] }, `TLP:${v.toUpperCase()}`));
		const dist = radios('distribution', DISTRIBUTIONS, inc.distribution, t('incident.distribution'), (v) => tv('distribution', v));
		const group = select(groups.map((g) => [g.id, g.name]), inc.sharing_group_id ?? groups[0]?.id ?? '', { name: 'sharing_group_id' });
		const groupField = field(t('incident.sharing_group'), group, groups.length ? null : t('edit.no_groups'));
		const syncGroup = () => {
			groupField.hidden = dist.querySelector('input:checked')?.value !== 'sharing-group';
		};
		dist.addEventListener('change', syncGroup);
		syncGroup();
		// where the information came from (kept with the scan verdict of a confirmed hit)
		const src = inc.source || {};
		const srcUrl = h('input', { name: 'source_url', type: 'url', value: src.url || '', spellcheck: 'false', class: 'grow' });
		const srcPlatform = h('input', { name: 'source_platform', value: src.platform || '' });
		const srcDate = h('input', { name: 'source_date', type: 'date', value: /^\d{4}-\d{2}-\d{2}$/.test(src.date || '') ? src.date : '' });
		const sourceValue = () => {
			const o = { ...src };
			for (const [k, el] of [['url', srcUrl], ['platform', srcPlatform], ['date', srcDate]]) {
				if (el.value.trim()) o[k] = el.value.trim();
				else delete o[k];
			}
			return Object.keys(o).length ? o : null;
		};
		// attachments: those stored, and files to upload once the incident is saved
		const files = h('input', { type: 'file', multiple: true, id: 'edit-attachments' });
		const stored = (inc.attachments || []).length
			? h('ul', { class: 'attachments' }, inc.attachments.map((a) => h('li', null, h('a', { href: `/api/v1/incidents/${inc.id}/attachments/${a.sha256}`, download: a.name }, a.name), h('span', { class: 'muted small' }, ` ${a.media_type || ''} · ${t('incident.bytes', { n: formatNumber(a.size) })}`))))
			: h('p', { class: 'muted' }, t('incident.no_attachments'));
		const err = h('div', { class: 'form-error', role: 'alert', id: 'form-error' });
		const save = h('button', { type: 'submit', class: 'btn btn-primary' }, editing ? t('edit.save') : t('edit.create'));

		const form = h(
			'form',
			{
				class: 'incident-form',
				novalidate: true,
				onsubmit: async (e) => {
					e.preventDefault();
					err.textContent = '';
					if (!title.value.trim()) {
						err.textContent = t('edit.title_required');
						title.focus();
						return;
					}
					const d = dist.querySelector('input:checked')?.value || 'own-org';
					const body = {
						type: type.value,
						status: status.value,
						title: title.value.trim(),
						narrative: narrative.value,
						occurred_on: occurred.value || null,
						reported_on: reported.value || null,
						transport_mode: transport.value || null,
						concealment: concealment.value.trim() || null,
						origin: origin.value(),
						transit: transit.value(),
						destination: destination.value(),
						substances: subs.value(),
						observables: obs.value(),
						tlp: tlp.querySelector('input:checked')?.value || 'amber',
						distribution: d,
						sharing_group_id: d === 'sharing-group' && group.value ? Number(group.value) : null,
					};
					const source = sourceValue();
					if (source || inc.source) body.source = source;
					if (editing) body.version = inc.version;
					save.disabled = true;
					try {
						const r = editing ? await patch(`/incidents/${inc.id}`, body) : await post('/incidents', body);
						for (const f of files.files || []) {
							try {
								await request('POST', `/incidents/${r.id}/attachments`, { raw: f, contentType: f.type || 'application/octet-stream', query: { name: f.name } });
							} catch (ex) {
								toast(t('edit.upload_failed', { name: f.name, error: errorText(ex) }), 'error');
							}
						}
						toast(editing ? t('edit.saved') : t('edit.created', { id: r.id }), 'success');
						navigate(`/incidents/${r.id}`);
					} catch (ex) {
						err.textContent = ex.status === 409 ? t('edit.conflict') : errorText(ex);
						err.focus?.();
					} finally {
						save.disabled = false;
					}
				},
			},
			h(
				'section',
				{ class: 'card' },
				h('h2', null, t('edit.section_what')),
				field(t('incident.title_field'), title),
				h('div', { class: 'form-row' }, field(t('incident.type'), type), field(t('incident.status'), status), field(t('incident.occurred_on'), occurred), field(t('incident.reported_on'), reported)),
				field(t('incident.narrative'), narrative),
			),
			h('section', { class: 'card' }, h('h2', null, t('incident.substances')), subs.el),
			h(
				'section',
				{ class: 'card' },
				h('h2', null, t('incident.route')),
				h('div', { class: 'form-row three' }, origin.el, transit.el, destination.el),
				h('div', { class: 'form-row' }, field(t('incident.transport_mode'), transport), field(t('incident.concealment'), concealment)),
			),
			h('section', { class: 'card' }, h('h2', null, t('incident.observables')), obs.el),
			h(
				'section',
				{ class: 'card' },
				h('h2', null, t('edit.section_source')),
				h('div', { class: 'form-row' }, field(t('incident.source_url'), srcUrl), field(t('incident.source_platform'), srcPlatform), field(t('edit.source_date'), srcDate)),
				src.verdict ? h('p', { class: 'hint' }, t('edit.source_verdict_kept')) : null,
			),
			h('section', { class: 'card' }, h('h2', null, t('incident.attachments')), stored, field(t('edit.add_files'), files, t('edit.add_files_hint'))),
			h('section', { class: 'card' }, h('h2', null, t('edit.section_sharing')), tlp, dist, groupField, h('p', { class: 'hint' }, t('edit.sharing_hint'))),
			err,
			h('div', { class: 'actions form-actions' }, save, h('a', { href: editing ? `/incidents/${inc.id}` : '/incidents', class: 'btn' }, t('common.cancel'))),
		);
		replace(
			box,
			editing ? h('p', { class: 'breadcrumb' }, h('a', { href: '/incidents' }, t('incidents.title')), ' / ', h('a', { href: `/incidents/${inc.id}` }, t('incident.number', { id: inc.id })), ' / ', t('incident.edit')) : null,
			pageHeader(editing ? t('edit.title_edit', { id: inc.id }) : t('edit.title_new')),
			form,
		);
		title.focus();
	},
};
