/**
 * Look-ups in generated one-entry-per-line tables (`<key> <rest>` lines in one string), so that a
 * command parses the few entries it needs instead of a whole table of 1,800 resource types.
 */

/** The text after `<key> ` on the line that starts with `key`; '' for a line holding the key only; undefined when absent. */
export function lineFor(text: string, key: string): string | undefined {
  // A key is one token; the empty string would match everywhere.
  if (key === '' || /\s/.test(key)) return undefined;
  for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
    const end = at + key.length;
    if ((at === 0 || text[at - 1] === '\n') && (end === text.length || text[end] === ' ' || text[end] === '\n')) {
      const eol = text.indexOf('\n', end);
      return text.slice(end + (text[end] === ' ' ? 1 : 0), eol < 0 ? text.length : eol);
    }
  }
  return undefined;
}

/** Every key of the table, in order. */
export function lineKeys(text: string): string[] {
  return text.split('\n').map((line) => line.split(' ')[0]);
}
