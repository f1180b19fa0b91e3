/** The one rule behind every "did you mean …?": fastest-levenshtein's edit distance, case-insensitive. */
import { distance } from 'fastest-levenshtein';

/**
 * Longest word compared: did-you-mean is for names people type, and an edit distance costs
 * length × length (1,000 findings about 255-character names among 500 took 3.2 s).
 */
const MAX_WORD = 64;

/**
 * Up to `max` of `candidates` closest to `word`, closest first (ties by name): those the word
 * begins (3 characters or more), then those at an edit distance of at most half the word's length
 * (at least 2), so a wild guess suggests nothing.
 * Words and candidates longer than 64 characters are never compared.
 */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  if (word.length > MAX_WORD) return [];
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 2));
  const scored = new Map<string, number>();
  for (const c of candidates) {
    if (c.length > MAX_WORD || scored.has(c)) continue;
    // A candidate the word begins (--max-pods → --max-pods-override) comes before any misspelling.
    if (word.length >= 3 && c.length > word.length && c.toLowerCase().startsWith(lower)) {
      scored.set(c, 0.5);
      continue;
    }
    // The distance is at least the difference in length: most candidates cost nothing.
    if (Math.abs(c.length - word.length) > limit) continue;
    const d = distance(lower, c.toLowerCase());
    if (d <= limit) scored.set(c, d);
  }
  return [...scored]
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([c]) => c);
}

/** `" (did you mean "a" or "b"?)"`, or `""` when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = suggest(word, candidates);
  return c.length ? ` (did you mean ${c.map((x) => JSON.stringify(x)).join(' or ')}?)` : '';
}
