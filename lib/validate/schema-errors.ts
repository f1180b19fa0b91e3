/**
 * Turns ajv errors into findings a person can act on: one finding per mistake, at the pointer
 * of the value to fix, with the allowed names or values.
 *
 * Noise removed: `if` wrappers (their `then` errors carry the detail), `propertyNames` wrappers
 * (their inner error names the key), and a "missing required property" that is really a
 * misspelling of an unknown property on the same object (one finding: the misspelt key).
 */
import { didYouMean, fromPointer, listOf, plural, pointerSegment, suggest, VALUE_FUNCTIONS as FUNCTION_NAMES } from '../core';
import type { Finding } from './findings';

/** The subset of ajv's ErrorObject (with `verbose: true`) used here. */
export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  propertyName?: string;
  schema?: unknown;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

const NUMBER_HINT = '[-+]?(\\d+';
const INTEGER_HINT = '^\\s*[-+]?\\d+\\s*$';

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function expected(types: unknown, parent?: Record<string, unknown>): string {
  const t = Array.isArray(types) ? types.map(String) : [String(types)];
  const pattern = typeof parent?.pattern === 'string' ? parent.pattern : '';
  if (t.includes('integer') && pattern === INTEGER_HINT) return 'a whole number';
  if (t.includes('number') && pattern.includes(NUMBER_HINT)) return 'a number';
  if (t.includes('string') && t.includes('boolean')) return 'a single value (string, number or boolean)';
  const names: Record<string, string> = { array: 'a list', object: 'a mapping', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'null' };
  return t.map((x) => names[x] ?? x).join(' or ');
}

/** The single key of an object that looks like a function call (`Fn::…` or `Ref`), if any. */
function functionLikeKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  // Asked once per error about the object it is on: 50,000 unknown keys on one object must not list its keys 50,000 times.
  if (keyCache.has(v)) return keyCache.get(v);
  const keys = Object.keys(v);
  const k = keys.length === 1 && (keys[0].startsWith('Fn::') || keys[0] === 'Ref' || keys[0] === 'Condition') ? keys[0] : undefined;
  keyCache.set(v, k);
  return k;
}
let keyCache = new WeakMap<object, string | undefined>();

/** Names the object at `pointer` for messages: "AWS::IAM::Role properties", "resource NodeGroup", … */
function describe(template: Record<string, unknown>, pointer: string): string {
  const parts = pointer.split('/').slice(1);
  if (parts.length === 0) return 'the template (top-level sections)';
  if (parts[0] === 'Resources' && parts.length >= 2) {
    const type = (template.Resources as Record<string, { Type?: unknown }> | undefined)?.[parts[1]]?.Type;
    if (parts.length === 2) return `resource ${parts[1]} (resource attributes)`;
    if (parts[2] === 'Properties') {
      const rest = parts.slice(3).filter((p) => !/^\d+$/.test(p));
      return `${typeof type === 'string' ? type : 'resource'} ${rest.length ? rest.join('.') : 'properties'}`;
    }
    return `${parts[2]} of resource ${parts[1]}`;
  }
  if (parts[0] === 'Parameters' && parts.length === 2) return `parameter ${parts[1]}`;
  if (parts[0] === 'Outputs' && parts.length === 2) return `output ${parts[1]}`;
  return pointer;
}

/** Describes what a key-format rule allows, from the pattern. */
function keyRule(pointer: string, pattern: string): { rule: string; text: string } {
  const section = pointer.split('/')[1];
  const depth = pointer.split('/').length - 1;
  if (section === 'Mappings') {
    if (depth === 1) return { rule: 'mapping-name', text: 'mapping names may contain only letters and digits (A-Za-z0-9)' };
    if (depth === 2) return { rule: 'mapping-key', text: "top-level mapping keys may contain only letters, digits, '.' and '-'" };
    return {
      rule: 'mapping-key',
      text: 'second-level mapping keys may contain only letters and digits (A-Za-z0-9); rename the key, e.g. drop the "-"',
    };
  }
  if (pattern.includes('{1,255}')) return { rule: 'logical-id', text: `${section ?? 'template'} names must be 1–255 letters and digits (A-Za-z0-9)` };
  return { rule: 'key-format', text: `keys must match ${pattern}` };
}

/** Converts ajv errors for `template` into findings (pointer order is the caller's job). */
export function findingsFromAjv(errors: readonly AjvError[], template: Record<string, unknown>): Finding[] {
  keyCache = new WeakMap();
  const out: Finding[] = [];
  const unknownByObject = new Map<string, Finding[]>();
  const missingByObject = new Map<string, { prop: string; finding: Finding }[]>();
  const unknownFunctionAt = new Set<string>();

  const add = (f: Finding): Finding => {
    out.push(f);
    return f;
  };

  for (const e of errors) {
    const at = e.instancePath;
    const data = e.data;
    switch (e.keyword) {
      case 'if':
      case 'propertyNames':
        break; // wrappers: the inner errors carry the detail
      case 'additionalProperties': {
        const prop = String(e.params.additionalProperty);
        const pointer = `${at}/${pointerSegment(prop)}`;
        const allowedKeys = Object.keys((e.parentSchema?.properties as Record<string, unknown>) ?? {});
        const fnKey = functionLikeKey(data);
        if (fnKey !== undefined && FUNCTION_NAMES.includes(fnKey)) {
          add({
            severity: 'error',
            rule: 'function-not-allowed',
            pointer,
            message: `${fnKey} cannot be used here: it does not give the kind of value this position needs`,
            allowed: allowedKeys,
          });
        } else if (fnKey !== undefined) {
          unknownFunctionAt.add(at);
          add({ severity: 'error', rule: 'unknown-function', pointer, message: `unknown function ${fnKey}${didYouMean(fnKey, FUNCTION_NAMES)}`, allowed: [...FUNCTION_NAMES] });
        } else {
          const f = add({
            severity: 'error',
            rule: 'unknown-property',
            pointer,
            message: `${JSON.stringify(prop)} is not a valid key of ${describe(template, at)}${didYouMean(prop, allowedKeys)}`,
            allowed: allowedKeys,
          });
          const list = unknownByObject.get(at);
          if (list) list.push(f);
          else unknownByObject.set(at, [f]);
        }
        break;
      }
      case 'required': {
        const prop = String(e.params.missingProperty);
        const f = add({
          severity: 'error',
          rule: 'missing-property',
          pointer: at,
          message: `${describe(template, at)} is missing required key ${JSON.stringify(prop)}`,
        });
        const list = missingByObject.get(at);
        if (list) list.push({ prop, finding: f });
        else missingByObject.set(at, [{ prop, finding: f }]);
        break;
      }
      case 'type': {
        const fnKey = functionLikeKey(data);
        if (fnKey !== undefined && !FUNCTION_NAMES.includes(fnKey)) {
          add({ severity: 'error', rule: 'unknown-function', pointer: `${at}/${pointerSegment(fnKey)}`, message: `unknown function ${fnKey}${didYouMean(fnKey, FUNCTION_NAMES)}`, allowed: [...FUNCTION_NAMES] });
          break;
        }
        add({ severity: 'error', rule: 'type', pointer: at, message: `expected ${expected(e.params.type, e.parentSchema)}, got ${jsonType(data)}` });
        break;
      }
      case 'pattern': {
        if (e.propertyName !== undefined) {
          const pointer = `${at}/${pointerSegment(e.propertyName)}`;
          const { rule, text } = keyRule(pointer, String(e.params.pattern));
          add({ severity: 'error', rule, pointer, message: `${JSON.stringify(e.propertyName)}: ${text}` });
          break;
        }
        const pattern = String(e.params.pattern);
        const what = pattern === INTEGER_HINT ? 'a whole number' : pattern.includes(NUMBER_HINT) ? 'a number' : `text matching ${pattern}`;
        const hint = at.endsWith('/Fn::GetAtt') ? ' (write Resource.Attribute or [Resource, Attribute])' : '';
        add({ severity: 'error', rule: 'type', pointer: at, message: `expected ${what}, got ${jsonType(data)}${hint}` });
        break;
      }
      case 'enum': {
        const allowed = [...new Set((e.params.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
        const close = typeof data === 'string' ? suggest(data, allowed.filter((a) => typeof a === 'string')) : [];
        const mean = close.length ? ` (did you mean ${close.map((c) => JSON.stringify(c)).join(' or ')}?)` : '';
        add({
          severity: 'error',
          rule: 'allowed-values',
          pointer: at,
          message: `${jsonType(data)} is not allowed${mean}; allowed: ${listOf(allowed)}`,
          allowed,
        });
        break;
      }
      case 'const':
        add({
          severity: 'error',
          rule: 'allowed-values',
          pointer: at,
          message: at.endsWith('/Ref')
            ? `only Ref AWS::NoValue can stand for a whole object here (to drop it); got Ref ${JSON.stringify(data)}`
            : `expected ${JSON.stringify(e.params.allowedValue)}, got ${jsonType(data)}`,
          allowed: [String(e.params.allowedValue)],
        });
        break;
      case 'minItems':
      case 'maxItems':
      case 'additionalItems': {
        const fn = at.split('/').pop() ?? '';
        const n = Array.isArray(data) ? data.length : 0;
        const limit = e.keyword === 'additionalItems' ? (Array.isArray(e.parentSchema?.items) ? e.parentSchema.items.length : 0) : Number(e.params.limit);
        const bound = `${e.keyword === 'minItems' ? 'at least' : 'at most'} ${plural(limit, 'item')}`;
        add({
          severity: 'error',
          rule: 'arguments',
          pointer: at,
          message: `${fn.startsWith('Fn::') || fn === 'Condition' ? fn : describe(template, at)} takes ${bound}, got ${n}`,
        });
        break;
      }
      case 'minProperties':
        add({
          severity: 'error',
          rule: 'empty',
          pointer: at,
          message: `${describe(template, at)} must not be empty${at === '/Resources' ? ' (a template declares at least one resource)' : ''}`,
        });
        break;
      case 'maxProperties':
        add({ severity: 'error', rule: 'arguments', pointer: at, message: `expected exactly one condition function, got ${jsonType(data)}` });
        break;
      case 'maxLength':
        add({ severity: 'error', rule: 'length', pointer: at, message: `is ${plural(String(data).length, 'character')} long; the limit is ${String(e.params.limit)}` });
        break;
      case 'not':
        add({ severity: 'error', rule: 'missing-value', pointer: at, message: 'must have a value (it is empty/null)' });
        break;
      default:
        add({ severity: 'error', rule: e.keyword, pointer: at, message: e.message ?? `fails ${e.keyword}` });
    }
  }

  // A missing required key next to an unknown key that is close to it is one mistake: a typo.
  const drop = new Set<Finding>();
  for (const [at, missing] of missingByObject) {
    if (unknownFunctionAt.has(at)) missing.forEach((m) => drop.add(m.finding));
    const unknown = unknownByObject.get(at) ?? [];
    for (const u of unknown) {
      const [prop] = fromPointer(u.pointer.slice(at.length));
      const match = missing.find((m) => !drop.has(m.finding) && suggest(prop, [m.prop]).length > 0);
      if (match) {
        drop.add(match.finding);
        u.rule = 'misspelt-property';
        u.message = `${JSON.stringify(prop)} is not a valid key of ${describe(template, at)}; did you mean the required ${JSON.stringify(match.prop)}?`;
      }
    }
  }
  // The same mistake reached through two schema paths (e.g. an Fn::If branch) is reported once.
  const seen = new Set<string>();
  return out.filter((f) => {
    const key = `${f.pointer}\u0000${f.rule}\u0000${f.message}`;
    if (drop.has(f) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
