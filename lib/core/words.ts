/** Words in messages: counts with the right noun, and long values shown short. */

/** `1 pod`, `2 pods`; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A value as JSON for a message, cut to about `max` characters (with its length) when longer. */
export function shown(value: unknown, max = 120): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // circular, nested too deep, or a BigInt
  }
  if (text === undefined) text = value === undefined ? 'undefined' : typeof value !== 'object' ? `a ${typeof value}` : Array.isArray(value) ? 'a list' : 'an object';
  return text.length <= max ? text : `${text.slice(0, max - 20)}… (${text.length} characters)`;
}
