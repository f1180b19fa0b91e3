/** Words in messages: counts with the right noun, and long values shown short. */
import { types } from 'node:util';

/** `1 pod`, `2 pods`; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The length of JSON.stringify(value), escapes included, counted only until it passes `limit`
 * (a value sharing its parts, or one containing itself, may be endless as JSON).
 */
export function jsonLength(value: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length && n <= limit) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      n += 1 + Math.max(1, x.length);
      if (n > limit) break; // a sparse list of 10^8 holes is counted, not walked
      for (const y of x) stack.push(y);
    } else if (x !== null && typeof x === 'object') {
      const keys = Object.keys(x);
      n += 1 + Math.max(1, keys.length);
      for (const k of keys) {
        n += JSON.stringify(k).length + 1;
        stack.push((x as Record<string, unknown>)[k]);
      }
    } else n += typeof x === 'bigint' ? String(x).length : (JSON.stringify(x)?.length ?? 4);
  }
  return n;
}

/** Longest JSON `shown` writes before cutting it (a message needs no more). */
const SHOWN_SOURCE = 1_000_000;

/** A value as JSON for a message, cut to about `max` characters (with its length) when longer. */
export function shown(value: unknown, max = 120): string {
  if (types.isProxy(value)) return 'a Proxy';
  let text: string | undefined;
  try {
    text = jsonLength(value, SHOWN_SOURCE) <= SHOWN_SOURCE ? JSON.stringify(value) : undefined;
  } catch {
    text = undefined; // circular, nested too deep, a BigInt, or too long
  }
  if (text === undefined) text = value === undefined ? 'undefined' : typeof value !== 'object' ? `a ${typeof value}` : Array.isArray(value) ? `a list of ${value.length} items` : 'an object';
  return text.length <= max ? text : `${text.slice(0, max - 20)}… (${text.length} characters)`;
}

/** A share (0–1) as a whole percent; a share above 0 that rounds to 0 is `<1%`, one below 1 that rounds to 100 is `>99%`. */
export function percent(share: number): string {
  const p = Math.round(share * 100);
  if (p === 0 && share > 0) return '<1%';
  if (p === 100 && share < 1) return '>99%';
  return `${p}%`;
}

/** "a, b, c"; a list longer than `max` is cut with a count (`… 3 more`). */
export function listOf(values: readonly unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (values.length > max) shown.push(`… ${values.length - max} more`);
  return shown.join(', ');
}
