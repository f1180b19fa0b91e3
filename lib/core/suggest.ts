/** The one rule behind every "did you mean …?": fastest-levenshtein's edit distance, case-insensitive. */
import { distance } from 'fastest-levenshtein';

/**
 * Up to `max` of `candidates` closest to `word`, closest first (ties by name): those at an edit
 * distance of at most half the word's length (at least 2), so a wild guess suggests nothing.
 */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 2));
  const scored: [string, number][] = [];
  for (const c of new Set(candidates)) {
    const d = distance(lower, c.toLowerCase());
    if (d <= limit) scored.push([c, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([c]) => c);
}

/** `" (did you mean "a" or "b"?)"`, or `""` when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = suggest(word, candidates);
  return c.length ? ` (did you mean ${c.map((x) => JSON.stringify(x)).join(' or ')}?)` : '';
}
