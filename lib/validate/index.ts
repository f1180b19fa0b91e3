/**
 * Template validation: the JSON Schema generated from the AWS resource database (precompiled
 * by ajv standalone at build time, so nothing is compiled here) plus the checks a schema cannot
 * express (lib/validate/checks.ts). One finding per mistake, each with a JSON pointer and, when
 * the template came from text, the line and column.
 */
import { badArgument, checkTree, EksNodegroupError, fromPointer, hasOwn, isRecord, own, quotaProblems, toPointer } from '../core';
import { codeChecks, QUOTAS, type ResourceAttributes } from './checks';
import type { AjvError } from './schema-errors';
import { formatFinding, hasErrors, MAX_FINDINGS, settle, type Finding, type PendingFinding, type Severity } from './findings';
import { parseTemplateWithSource, toYaml, type SourcePosition } from '../yaml';
import bundledValidator from './generated/validator';
import resourceTypes from './generated/resource-types.json';
import { AJV_OPTIONS, buildTemplateSchema, loadSpecDatabase } from './schema';
import { findingsFromAjv } from './schema-errors';
import { nodeChecks } from './node-checks';

export { formatFinding, hasErrors, QUOTAS, type Finding, type Severity };

export interface ValidateOptions {
  /** The template text as it will be deployed: gives the body size (quota) exactly. */
  text?: string;
  /** File name put on findings. */
  file?: string;
  /** Line and column of a JSON pointer (from parseTemplateWithSource). */
  locate?: (pointer: string) => SourcePosition | undefined;
  /**
   * Check the properties of every resource type, not only those in the bundled schema. Loads
   * the AWS resource database (@aws-cdk/aws-service-spec) and compiles a schema
   * for the template's types: about 2 s.
   */
  allTypes?: boolean;
}

type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = resourceTypes.attributes;
const SCHEMA_TYPES: readonly string[] = resourceTypes.schemaTypes;

/** Fn::GetAtt attribute names of every resource type the AWS resource database knows. */
export const RESOURCE_ATTRIBUTES: ResourceAttributes = {
  of: (type: string) => (hasOwn(ATTRIBUTES, type) ? ATTRIBUTES[type] : undefined),
  types: () => Object.keys(ATTRIBUTES),
};

/** Every key of every mapping in `v` (a checked tree). */
function keysIn(v: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysIn(x, into);
  else if (isRecord(v)) {
    for (const k of Object.keys(v)) {
      into.add(k);
      keysIn(v[k], into);
    }
  }
  return into;
}

/**
 * Compiles (at run time) a schema covering the bundled types plus every type in `template`, for
 * the property names the template's resources use: ajv compiles about 1–2 ms per definition, and
 * 500 types hold 4,457 of them in full.
 */
export function allTypesValidator(template: Record<string, unknown>): { validate: ValidateFn; types: Set<string> } {
  const { db, version } = loadSpecDatabase();
  const known = new Set(db.all('resource').map((r) => r.cloudFormationType));
  const resources = isRecord(template.Resources) ? Object.values(template.Resources) : [];
  const types = new Set(SCHEMA_TYPES);
  const used = new Set<string>();
  for (const r of resources) {
    const t = isRecord(r) ? r.Type : undefined;
    if (typeof t !== 'string' || !known.has(t)) continue;
    types.add(t);
    keysIn((r as Record<string, unknown>).Properties, used);
  }
  const { schema } = buildTemplateSchema(db, [...types], version, used);
  // Required here: only --all-types compiles a schema at run time (ajv's compiler loads in 15–35 ms).
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  // ajv's code optimizer doubles the compile and saves nothing measurable on a validator run once.
  const opts = { ...AJV_OPTIONS, code: { optimize: false } };
  return { validate: new Ajv(opts).compile(schema) as ValidateFn, types };
}

/**
 * Findings in the order of the file: each step of a pointer ranks by its key's place among its
 * parent's keys (a step that names no key ranks first, right after its parent). Only the findings'
 * own paths are looked up, so a long key under many values costs nothing extra.
 */
function sortFindings<F extends { pointer: string }>(findings: F[], template: unknown): F[] {
  if (findings.length < 2) return findings;
  const places = new WeakMap<object, Map<string, number>>();
  const place = (o: object, k: string): number => {
    if (Array.isArray(o)) return /^\d+$/.test(k) ? Number(k) : -1;
    let m = places.get(o);
    if (!m) places.set(o, (m = new Map(Object.keys(o).map((key, i) => [key, i]))));
    return m.get(k) ?? -1;
  };
  const rank = (pointer: string): number[] => {
    const out: number[] = [];
    let v: unknown = template;
    for (const k of fromPointer(pointer)) {
      if (v === null || typeof v !== 'object') break;
      out.push(place(v, k));
      v = Array.isArray(v) ? v[Number(k)] : own(v as Record<string, unknown>, k);
    }
    return out;
  };
  const before = (a: number[], b: number[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  };
  return findings
    .map((f, i) => ({ f, i, r: rank(f.pointer) }))
    .sort((a, b) => before(a.r, b.r) || a.i - b.i)
    .map(({ f }) => f);
}

/**
 * Validates a CloudFormation template (long form, as parseTemplate returns it) and returns every
 * finding at once: schema violations and reference, parameter and quota checks. An empty list
 * or warnings only means CloudFormation would accept the template.
 */
export function validateTemplate(template: unknown, options: ValidateOptions = {}): Finding[] {
  checkTree(template, 'template');
  checkTree(options, 'validateTemplate: options', { opaque: true });
  if (!isRecord(options as unknown)) throw badArgument('validateTemplate', 'options', 'an object (or nothing)', options);
  if (!isRecord(template)) {
    throw new EksNodegroupError('BAD_INPUT', `validateTemplate: expected a template object (a mapping with a Resources section), got ${template === null ? 'null' : Array.isArray(template) ? 'a list' : typeof template}`);
  }
  const t = template;
  // What CloudFormation refuses outright is reported alone, before the schema and the checks run.
  const quota = quotaProblems(t);
  if (quota.length) return place(sortFindings(quota.map((q) => ({ severity: 'error' as const, rule: 'quota', pointer: toPointer(q.path), message: q.message })), t), options);
  let validate: ValidateFn;
  let types: ReadonlySet<string>;
  if (options.allTypes) {
    ({ validate, types } = allTypesValidator(t));
  } else {
    validate = bundledValidator as unknown as ValidateFn;
    types = new Set(SCHEMA_TYPES);
  }
  const findings: PendingFinding[] = [];
  if (!validate(t)) {
    for (const f of findingsFromAjv(validate.errors ?? [], t)) findings.push(f);
  }
  let bodyBytes: number | undefined;
  if (options.text !== undefined) bodyBytes = Buffer.byteLength(options.text, 'utf8');
  else {
    try {
      bodyBytes = Buffer.byteLength(toYaml(t), 'utf8');
    } catch {
      bodyBytes = undefined; // not serialisable: the schema findings say why
    }
  }
  for (const f of codeChecks(t, { schemaTypes: types, attributes: RESOURCE_ATTRIBUTES, bodyBytes, bundled: !options.allTypes })) findings.push(f);
  for (const f of nodeChecks(t)) findings.push(f);
  const sorted = sortFindings(findings, t);
  if (sorted.length > MAX_FINDINGS) {
    const rest = sorted.splice(MAX_FINDINGS);
    const errors = rest.filter((f) => f.severity === 'error').length;
    sorted.push({
      severity: errors ? 'error' : 'warning',
      rule: 'too-many-findings',
      pointer: '',
      message: `${rest.length} more findings (${errors} errors) not shown: validate reports the first ${MAX_FINDINGS}; fix these and run it again`,
    });
  }
  return place(sorted.map(settle), options);
}

/** Puts the file, line and column on each finding. */
function place(findings: Finding[], options: ValidateOptions): Finding[] {
  for (const f of findings) {
    if (options.file) f.file = options.file;
    const pos = options.locate?.(f.pointer);
    if (pos) {
      f.line = pos.line;
      f.column = pos.col;
    }
  }
  return findings;
}

/**
 * Parses template text (YAML or JSON, short or long form) and validates it, with line and
 * column on every finding. Text that does not parse throws EksNodegroupError PARSE_ERROR.
 */
export function validateTemplateText(text: string, file = 'template', options: Omit<ValidateOptions, 'text' | 'file' | 'locate'> = {}): Finding[] {
  if (typeof text !== 'string') throw badArgument('validateTemplateText', 'text', 'the template text', text);
  if (typeof file !== 'string') throw badArgument('validateTemplateText', 'file', 'a file name (for messages)', file);
  checkTree(options, 'validateTemplateText: options');
  if (!isRecord(options as unknown)) throw badArgument('validateTemplateText', 'options', 'an object (or nothing)', options);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > QUOTAS.s3BodyBytes) {
    // Not even parsed: CloudFormation refuses the body as it is.
    return [{ severity: 'error', rule: 'template-size', pointer: '', file, line: 1, column: 1, message: `the template is ${bytes} bytes; CloudFormation accepts at most ${QUOTAS.s3BodyBytes} bytes even from S3 (split it into nested stacks or shrink mappings)` }];
  }
  const parsed = parseTemplateWithSource(text, file);
  return validateTemplate(parsed.template, { ...options, text, file, locate: parsed.locate });
}

/** Version of @aws-cdk/aws-service-spec the bundled schema was generated from, and the types it covers. */
export function schemaInfo(): { specVersion: string; resourceTypes: readonly string[] } {
  return { specVersion: resourceTypes.specVersion, resourceTypes: SCHEMA_TYPES };
}
