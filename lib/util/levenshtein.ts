/** fastest-levenshtein's `closest` and `distance`, and the project's one closest-names rule for "did you mean …?" messages. */
import { closest as closestOf, distance } from 'fastest-levenshtein';

export { distance };

/** The string in `candidates` closest to `word`. */
export const closest = (word: string, candidates: readonly string[]): string => closestOf(word, candidates as string[]);

/** Up to `max` names closest to `name` (edit distance ≤ a third of the length, at least 2; case-insensitive first). */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: [string, number][] = [];
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (d <= limit) scored.push([c, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([c]) => c);
}
