/** Words in messages: counts with the right noun, and long values shown short. */
import { types } from 'node:util';

/** `1 pod`, `2 pods`; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A value as JSON for a message, cut to about `max` characters (with its length) when longer. */
export function shown(value: unknown, max = 120): string {
  if (types.isProxy(value)) return 'a Proxy';
  let text: string | undefined;
  let size = 0;
  try {
    // Stops early on a huge value (a sparse list of 100 million holes would be 500 MB of JSON).
    text = JSON.stringify(value, (key, v: unknown) => {
      if (key === '' && typeof v === 'string') return v;
      size += typeof v === 'string' ? v.length : 1;
      if (size > 100_000) throw new RangeError('too long to show');
      return v;
    });
  } catch {
    text = undefined; // circular, nested too deep, a BigInt, or too long
  }
  if (text === undefined) text = value === undefined ? 'undefined' : typeof value !== 'object' ? `a ${typeof value}` : Array.isArray(value) ? `a list of ${value.length} items` : 'an object';
  return text.length <= max ? text : `${text.slice(0, max - 20)}… (${text.length} characters)`;
}
