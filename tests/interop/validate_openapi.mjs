// validate_openapi.mjs FILE - validates an OpenAPI document (Interdict's
// data/openapi/interdict.json) against the official OpenAPI 3.1 schema
// (@seriousme/openapi-schema-validator, which checks with the OAI's published JSON schema),
// requires it to be version 3.1, and checks every $ref inside it resolves.
//
// Exit status: 0 valid, 1 invalid, 77 (skip) when node_modules is absent
// (npm ci --prefix tests/interop).
import fs from 'node:fs';

let Validator;
try {
  ({ Validator } = await import('@seriousme/openapi-schema-validator'));
} catch (e) {
  console.log('skip: node_modules absent (npm ci --prefix tests/interop)');
  process.exit(77);
}
const file = process.argv[2];
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
const v = new Validator();
const res = await v.validate(doc);
let bad = 0;
if (!res.valid) {
  console.error('FAIL: not a valid OpenAPI document:', JSON.stringify(res.errors, null, 1).slice(0, 4000));
  bad++;
}
if (v.version !== '3.1') {
  console.error(`FAIL: OpenAPI version ${v.version}, want 3.1`);
  bad++;
}
// every local $ref must point at something
const walk = (x, at) => {
  if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${at}/${i}`));
  if (!x || typeof x !== 'object') return;
  for (const [k, y] of Object.entries(x)) {
    if (k === '$ref' && typeof y === 'string' && y.startsWith('#/')) {
      let t = doc;
      for (const seg of y.slice(2).split('/')) t = t?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (t === undefined) { console.error(`FAIL: ${at}: $ref ${y} does not resolve`); bad++; }
    } else walk(y, `${at}/${k}`);
  }
};
walk(doc, '#');
console.log(`${file}: OpenAPI ${v.version}, ${Object.keys(doc.paths || {}).length} paths`);
process.exit(bad ? 1 : 0);
