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
import { isDeepStrictEqual } from 'node:util';

/** `o[k] = v` that keeps a key named `__proto__` a key (plain assignment would set the prototype). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** The text CloudFormation would pass for a scalar; undefined for objects and arrays. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * The canonical form equality is decided on: numbers and booleans become the text CloudFormation
 * passes on (`1` → `"1"`, `true` → `"true"`); strings, null and the structure stay as they are.
 */
export function canonical(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) setOwn(o, k, canonical(val));
    return o;
  }
  return v;
}

/** Deep equality with CloudFormation's scalar rules (node's isDeepStrictEqual on canonical forms); key order ignored. */
export function cfnEqual(a: unknown, b: unknown): boolean {
  return a === b || isDeepStrictEqual(canonical(a), canonical(b));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Normal form of a value: `Fn::GetAtt: "A.B"` → `[A, B]` everywhere. Returns a new tree. */
function normalValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalValue);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === 'Fn::GetAtt' && typeof val === 'string' && Object.keys(v).length === 1 && val.indexOf('.') > 0) {
      const dot = val.indexOf('.');
      setOwn(out, k, [val.slice(0, dot), val.slice(dot + 1)]);
    } else {
      setOwn(out, k, normalValue(val));
    }
  }
  return out;
}

/** The normal form of a whole template (see the module comment). Does not change its argument. */
export function normalizeTemplate(t: Record<string, unknown>): Record<string, unknown> {
  const n = normalValue(t) as Record<string, unknown>;
  if (isPlainObject(n.Resources)) {
    for (const r of Object.values(n.Resources)) {
      if (isPlainObject(r) && r.DependsOn !== undefined) {
        const d = Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
        r.DependsOn = [...d].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
      }
    }
  }
  return n;
}
