/**
 * fastest-levenshtein's `closest` and `distance`, loaded on first use: only messages about a
 * mistyped name (did you mean …?) need edit distances, so a run without mistakes never loads it.
 */
type Levenshtein = typeof import('fastest-levenshtein');

let lib: Levenshtein | undefined;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const load = (): Levenshtein => (lib ??= require('fastest-levenshtein') as Levenshtein);

/** Edit distance between two strings. */
export const distance = (a: string, b: string): number => load().distance(a, b);

/** The string in `candidates` closest to `word`. */
export const closest = (word: string, candidates: readonly string[]): string => load().closest(word, candidates as string[]);
