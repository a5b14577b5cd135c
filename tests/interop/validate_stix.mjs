// validate_stix.mjs - validates STIX 2.1 bundles (files named on the command line) against the
// OASIS STIX 2.1 JSON schemas in ../shared/schemas/stix2.1/schemas (JSON Schema draft 2020-12,
// ajv), object by object, and checks what the schemas cannot (see the OASIS README): ids unique,
// references resolve inside the bundle, modified >= created, custom SCOs defined by an
// extension-definition of type new-sco present in the bundle.
//
// Exit status: 0 all valid, 1 something invalid, 77 (skip) when ../shared or node_modules
// (npm ci --prefix tests/interop) is absent.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.IDT_SOURCE_ROOT || path.join(here, '..', '..');
const schemaDir = path.join(root, '..', 'shared', 'schemas', 'stix2.1', 'schemas');
if (!fs.existsSync(schemaDir)) {
  console.log(`skip: ${schemaDir} is absent`);
  process.exit(77);
}
let Ajv2020, addFormats;
try {
  Ajv2020 = (await import('ajv/dist/2020.js')).default;
  addFormats = (await import('ajv-formats')).default;
} catch (e) {
  console.log('skip: node_modules absent (npm ci --prefix tests/interop)');
  process.exit(77);
}

const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
// ajv-formats has no idn-hostname (domain-name:value): a host name of labels, Unicode allowed
ajv.addFormat('idn-hostname', /^(?=.{1,253}$)([^.\s]{1,63})(\.[^.\s]{1,63})*\.?$/u);
const byName = {};
for (const dir of fs.readdirSync(schemaDir)) {
  for (const f of fs.readdirSync(path.join(schemaDir, dir))) {
    if (!f.endsWith('.json')) continue;
    const s = JSON.parse(fs.readFileSync(path.join(schemaDir, dir, f), 'utf8'));
    ajv.addSchema(s);
    byName[`${dir}/${f}`] = s.$id;
  }
}
const schemaOf = (type) => {
  for (const dir of ['sdos', 'sros', 'observables', 'common']) {
    const id = byName[`${dir}/${type}.json`];
    if (id) return ajv.getSchema(id);
  }
  return null;
};
const bundleSchema = ajv.getSchema(byName['common/bundle.json']);
const scoCore = ajv.getSchema(byName['common/cyber-observable-core.json']);

// The OASIS bundle schema lists neither extension-definition nor a way for it to pass: it
// matches both core.json and cyber-observable-core.json, so the custom-object oneOf fails.
// Such objects are validated against extension-definition.json instead (below), and the
// bundle envelope without them.
const WELL_KNOWN = new Set([
  // TLP 2.0 marking definitions and their extension (OASIS cti-stix-common-objects)
  'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d',
]);

let bad = 0;
const fail = (file, msg) => { bad++; console.error(`FAIL ${file}: ${msg}`); };

for (const file of process.argv.slice(2)) {
  const b = JSON.parse(fs.readFileSync(file, 'utf8'));
  const envelope = { ...b, objects: b.objects.filter((o) => o.type !== 'extension-definition') };
  if (!bundleSchema(envelope))
    fail(file, `bundle: ${ajv.errorsText(bundleSchema.errors).slice(0, 2000)}`);
  const ids = new Map();
  for (const o of b.objects) {
    if (ids.has(o.id)) fail(file, `duplicate id ${o.id}`);
    ids.set(o.id, o);
  }
  for (const o of b.objects) {
    const v = schemaOf(o.type);
    if (v) {
      if (!v(o)) fail(file, `${o.id}: ${ajv.errorsText(v.errors).slice(0, 1500)}`);
    } else {
      // a custom object: an SCO of a new-sco extension defined in this bundle
      if (!scoCore(o)) fail(file, `${o.id}: ${ajv.errorsText(scoCore.errors)}`);
      const exts = Object.entries(o.extensions || {}).filter(([, e]) => e.extension_type === 'new-sco');
      if (exts.length !== 1) fail(file, `${o.id}: custom type ${o.type} without a new-sco extension`);
      for (const [eid] of exts) {
        const def = ids.get(eid);
        if (!def || !def.extension_types.includes('new-sco'))
          fail(file, `${o.id}: extension ${eid} is not a new-sco extension-definition in the bundle`);
      }
    }
    if (!o.id.startsWith(`${o.type}--`)) fail(file, `${o.id}: id does not start with its type`);
    if (o.created && o.modified && o.modified < o.created) fail(file, `${o.id}: modified < created`);
    const refs = [o.created_by_ref, o.source_ref, o.target_ref, ...(o.object_refs || []),
      ...(o.object_marking_refs || []), ...Object.keys(o.extensions || {})
        .filter((k) => k.startsWith('extension-definition--'))].filter(Boolean);
    for (const r of refs)
      if (!ids.has(r) && !WELL_KNOWN.has(r)) fail(file, `${o.id}: reference ${r} not in the bundle`);
  }
  console.log(`${file}: ${b.objects.length} objects checked`);
}
process.exit(bad ? 1 : 0);
