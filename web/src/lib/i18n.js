// i18n.js: every user-visible text comes from the message catalogue (src/messages/en.json);
// t('key', {name: value}) fills {name} placeholders.  A missing key shows the key itself and
// is reported once on the console (the end-to-end tests fail on such reports).  Dates and
// numbers are formatted with Intl for the catalogue's locale.
import en from '../messages/en.json';

const catalogues = { en };
let locale = 'en';
let messages = catalogues[locale];
const reported = new Set();

let plural = null;
// t('key', {n: 1}) uses 'key_one' (or another CLDR plural category) when the catalogue has it.
export function t(key, params) {
	let m = messages[key];
	if (params && params.n !== undefined) {
		plural ??= new Intl.PluralRules(locale);
		const form = messages[`${key}_${plural.select(Number(String(params.n).replace(/[^\d.-]/g, '')))}`];
		if (form !== undefined) m = form;
	}
	if (m === undefined) {
		if (!reported.has(key)) {
			reported.add(key);
			console.warn(`missing message: ${key}`);
		}
		m = key;
	}
	if (params) m = m.replace(/\{(\w+)\}/g, (all, k) => (params[k] !== undefined ? String(params[k]) : all));
	return m;
}

// The label of an enumerated value (incident type, status, TLP, ...), or the value itself
// when the catalogue has none (values added to the server before the catalogue).
export function tv(group, value) {
	if (value === null || value === undefined || value === '') return '';
	const m = messages[`${group}.${value}`];
	return m === undefined ? String(value) : m;
}

export function has(key) {
	return messages[key] !== undefined;
}

export function getLocale() {
	return locale;
}

export function formatNumber(n, opts) {
	return new Intl.NumberFormat(locale, opts).format(n);
}

// RFC 3339 text or Unix seconds -> local date and time.
export function formatTime(v) {
	if (v === null || v === undefined || v === '') return '';
	const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
	if (Number.isNaN(d.getTime())) return String(v);
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d) + ' UTC';
}

// YYYY-MM-DD -> a readable date (kept in UTC so that the day does not move).
export function formatDate(v) {
	if (!v) return '';
	const d = new Date(`${v}T00:00:00Z`);
	if (Number.isNaN(d.getTime())) return String(v);
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

// YYYY-MM -> "Mar 2026".
export function formatMonth(v) {
	if (!v) return '';
	const d = new Date(`${v}-01T00:00:00Z`);
	if (Number.isNaN(d.getTime())) return String(v);
	return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

// Seconds -> "45 min", "6.5 h", "3.2 d" (a time to takedown); "–" when null.
export function formatDuration(sec) {
	if (sec === null || sec === undefined || Number.isNaN(Number(sec))) return t('common.none');
	const s = Number(sec);
	if (s < 3600) return t('common.duration_min', { n: formatNumber(Math.round(s / 60)) });
	if (s < 172800) return t('common.duration_h', { n: formatNumber(s / 3600, { maximumFractionDigits: 1 }) });
	return t('common.duration_d', { n: formatNumber(s / 86400, { maximumFractionDigits: 1 }) });
}

let regionNames = null;
// ISO 3166-1 alpha-2 -> the country's name.
export function countryName(code) {
	if (!code) return '';
	try {
		regionNames ??= new Intl.DisplayNames([locale], { type: 'region' });
		return regionNames.of(code) || code;
	} catch {
		return code;
	}
}
