/** Words in messages: counts with the right noun, and long values shown short. */

/** `1 pod`, `2 pods`; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A value as JSON for a message, cut to about `max` characters (with its length) when longer. */
export function shown(value: unknown, max = 120): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= max ? text : `${text.slice(0, max - 20)}… (${text.length} characters)`;
}
