/**
 * Equality as CloudFormation sees it, and the normal form the diff compares.
 *
 * - Key order never matters (objects compare by keys).
 * - Scalars: CloudFormation hands every property value to the resource as text, so `1` and `"1"`,
 *   `true` and `"true"`, `1.5` and `"1.5"` are the same value. A string equals a number only when
 *   it is exactly the text the number becomes (`"0777"` is not `777`, `"1.10"` is not `1.1`:
 *   unquoted, YAML reads those as the numbers 777 and 1.1, so the quotes change what is deployed).
 * - `DependsOn: X` equals `DependsOn: [X]`, and its order does not matter.
 * - `Fn::GetAtt: "A.B"` equals `Fn::GetAtt: [A, B]`.
 */
import { hasOwn, isRecord as isPlainObject, setOwn } from '../core';

/** The text CloudFormation would pass for a scalar; undefined for objects and arrays. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}


/**
 * Deep equality with CloudFormation's scalar rules (numbers and booleans equal the text they
 * become); key order ignored. Compares in place: the diff asks this for every section, entry and
 * value of two 34 KB templates (spec/diff.spec.ts checks it against isDeepStrictEqual on copies
 * with the scalars turned into text).
 */
export function cfnEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = scalarText(a);
  const tb = scalarText(b);
  if (ta !== undefined || tb !== undefined) return ta === tb;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!cfnEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!hasOwn(b, k) || !cfnEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * A numbering of values: two values get the same number exactly when cfnEqual says they are
 * equal. Each list or mapping is named by its children's numbers (hash-consing) and remembered,
 * so numbering a value costs its size once, however often its parts are numbered again; comparing
 * two numbers then costs nothing (a list diff compares elements millions of times).
 */
export function valueNumbering(): (v: unknown) => number {
  const numbers = new Map<string, number>();
  const known = new WeakMap<object, number>();
  const number = (v: unknown): number => {
    const text = scalarText(v);
    let key: string;
    if (text !== undefined) key = `"${text}`;
    else if (v === null || typeof v !== 'object') key = v === null ? 'null' : String(v);
    else {
      const n = known.get(v);
      if (n !== undefined) return n;
      key = Array.isArray(v)
        ? `[${v.map(number).join(',')}`
        : `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${number((v as Record<string, unknown>)[k])}`).join(',')}`;
    }
    let n = numbers.get(key);
    if (n === undefined) numbers.set(key, (n = numbers.size));
    if (v !== null && typeof v === 'object') known.set(v, n);
    return n;
  };
  return number;
}

/**
 * Normal form of a value: `Fn::GetAtt: "A.B"` → `[A, B]` everywhere. Copy on write: a subtree with
 * nothing to change is returned as it is (most of a template, e.g. a 1,391-entry mapping).
 */
function normalValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(normalValue);
    return out.every((x, i) => x === v[i]) ? v : out;
  }
  if (!isPlainObject(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const val = v['Fn::GetAtt'];
    if (typeof val === 'string' && val.indexOf('.') > 0) {
      const dot = val.indexOf('.');
      return { 'Fn::GetAtt': [val.slice(0, dot), val.slice(dot + 1)] };
    }
  }
  let out: Record<string, unknown> | undefined;
  keys.forEach((k, i) => {
    const val = v[k];
    const n = normalValue(val);
    if (out === undefined && n !== val) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j], v[keys[j]]);
    }
    if (out !== undefined) setOwn(out, k, n);
  });
  return out ?? v;
}

/**
 * The normal form of a whole template (see the module comment). Does not change its argument; the
 * result shares the parts that need no change with it, so treat it as read-only.
 */
export function normalizeTemplate(t: Record<string, unknown>): Record<string, unknown> {
  const n = { ...(normalValue(t) as Record<string, unknown>) };
  if (isPlainObject(n.Resources)) {
    const resources: Record<string, unknown> = {};
    for (const name of Object.keys(n.Resources)) {
      const r = n.Resources[name];
      if (isPlainObject(r) && r.DependsOn !== undefined) {
        const d = Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
        setOwn(resources, name, { ...r, DependsOn: [...d].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)) });
      } else {
        setOwn(resources, name, r);
      }
    }
    n.Resources = resources;
  }
  return n;
}
