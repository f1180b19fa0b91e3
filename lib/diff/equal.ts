/**
 * Equality as CloudFormation sees it, and the normal form the diff compares.
 *
 * - Key order never matters (objects compare by keys).
 * - Scalars: CloudFormation hands every property value to the resource as text, so `1` and `"1"`,
 *   `true` and `"true"`, `1.5` and `"1.5"` are the same value. A numeric string equals a number only
 *   when it is a plain decimal spelling of it (`"0777"` is not `777`, `"1.10"` is not `1.1`: those
 *   strings mean something else to a program reading them).
 * - `DependsOn: X` equals `DependsOn: [X]`, and its order does not matter.
 * - `Fn::GetAtt: "A.B"` equals `Fn::GetAtt: [A, B]`.
 */
import isEqualWith from 'lodash/isEqualWith';

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** The text CloudFormation would pass for a scalar; undefined for objects and arrays. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function scalarsEqual(a: unknown, b: unknown): boolean | undefined {
  const aObj = a !== null && typeof a === 'object';
  const bObj = b !== null && typeof b === 'object';
  if (aObj || bObj) return aObj && bObj ? undefined : false;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'string') return DECIMAL.test(b) && Number(b) === a;
  if (typeof b === 'number' && typeof a === 'string') return DECIMAL.test(a) && Number(a) === b;
  return scalarText(a) === scalarText(b);
}

/** Deep equality with CloudFormation's scalar rules; key order ignored. */
export function cfnEqual(a: unknown, b: unknown): boolean {
  return isEqualWith(a, b, scalarsEqual);
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
      out[k] = [val.slice(0, dot), val.slice(dot + 1)];
    } else {
      out[k] = normalValue(val);
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
