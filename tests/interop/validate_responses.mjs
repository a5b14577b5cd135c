// validate_responses.mjs DOC SAMPLES - checks recorded API responses against the OpenAPI
// document: every sample {method, path (the template), status, body} must have its status
// documented for that operation, and a JSON body must validate (ajv, JSON Schema 2020-12, the
// dialect of OpenAPI 3.1) against the documented schema.  Keeps the document's schemas true.
// Exit: 0 all match, 1 a mismatch, 77 (skip) without node_modules.
import fs from 'node:fs';

let Ajv2020, addFormats;
try {
  Ajv2020 = (await import('ajv/dist/2020.js')).default;
  addFormats = (await import('ajv-formats')).default;
} catch (e) {
  console.log('skip: node_modules absent (npm ci --prefix tests/interop)');
  process.exit(77);
}
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const samples = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const ROOT = 'urn:interdict:openapi';
ajv.addSchema({ $id: ROOT, components: doc.components });
const deref = (x) => {
  while (x && x.$ref && x.$ref.startsWith('#/components/responses/'))
    x = doc.components.responses[x.$ref.split('/').pop()];
  return x;
};
let bad = 0;
for (const s of samples) {
  const where = `${s.method.toUpperCase()} ${s.path} -> ${s.status}`;
  const op = doc.paths[s.path]?.[s.method];
  if (!op) { console.error(`FAIL ${where}: not documented`); bad++; continue; }
  const r = deref(op.responses[String(s.status)]);
  if (!r) { console.error(`FAIL ${where}: status not documented`); bad++; continue; }
  const media = r.content && (r.content['application/json'] ? 'application/json' : null);
  if (!media || s.body === null) continue;
  const schema = { $id: `urn:sample:${Math.random()}`, ...r.content[media].schema };
  // schemas may $ref '#/components/...': resolve them against the document
  const fixed = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${ROOT}#/components/`));
  const v = ajv.compile(fixed);
  if (!v(s.body)) {
    console.error(`FAIL ${where}: ${ajv.errorsText(v.errors).slice(0, 1500)}`);
    bad++;
  }
}
console.log(`${samples.length} responses checked against the OpenAPI document`);
process.exit(bad ? 1 : 0);
