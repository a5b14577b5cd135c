// countries.js: country codes for pickers and the map: [code, name] options sorted by name,
// code -> numeric id of the map's shapes, and validation of ISO 3166-1 alpha-2 codes.
import { COUNTRY_CODES } from './countries-data.js';
import { countryName, getLocale } from './i18n.js';

const numeric = new Map(COUNTRY_CODES);
const alpha = new Map(COUNTRY_CODES.map(([a, n]) => [n, a]));

export function isCountry(code) {
	return numeric.has(code);
}

export function numericOf(code) {
	return numeric.get(code);
}

export function alphaOf(num) {
	return alpha.get(String(num).padStart(3, '0'));
}

let options = null;
// [[code, "Name (CODE)"], ...] sorted by name.
export function countryOptions() {
	if (!options) {
		const coll = new Intl.Collator(getLocale());
		options = COUNTRY_CODES.map(([a]) => [a, `${countryName(a)} (${a})`]).sort((x, y) => coll.compare(x[1], y[1]));
	}
	return options;
}
