// colours.js: the colours of incident types, observable types and substance classes, shared
// by the graph, the charts and the map (chosen to be readable on white).
// Colour per incident type and observable type (readable on white, distinct in print).
export const TYPE_COLOURS = {
	seizure: '#1d4ed8',
	'stopped-shipment': '#0e7490',
	'suspicious-shipment': '#0891b2',
	'online-offer': '#b91c1c',
	'purchase-request': '#c2410c',
	'illicit-laboratory': '#7c2d12',
	'internet-pharmacy': '#9d174d',
	'diversion-attempt': '#6d28d9',
	warning: '#a16207',
};
export const OBS_COLOURS = {
	phone: '#15803d',
	email: '#4d7c0f',
	url: '#0f766e',
	domain: '#047857',
	onion: '#374151',
	handle: '#0369a1',
	wallet: '#ca8a04',
	pgp: '#57534e',
	company: '#7e22ce',
	tracking: '#be185d',
};
export const CLASS_COLOURS = {
	opioid: '#b91c1c',
	stimulant: '#1d4ed8',
	sedative: '#7c3aed',
	psychedelic: '#db2777',
	dissociative: '#0891b2',
	entactogen: '#ea580c',
	cannabis: '#15803d',
	'synthetic-cannabinoid': '#65a30d',
	precursor: '#57534e',
	other: '#6b7280',
};
export const STATUS_COLOURS = { flagged: '#b91c1c', new: '#2563eb', confirmed: '#16a34a', dismissed: '#9ca3af' };
export const FALLBACK = ['#0f766e', '#9333ea', '#c2410c', '#4338ca', '#be123c', '#4d7c0f', '#a16207', '#0369a1'];
