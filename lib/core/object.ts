/** Own-property helpers: templates are user data, so any key may occur, `__proto__` and `constructor` too. */

/** A plain mapping (not null, not a list). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when `k` is `o`'s own key (never a name Object.prototype has). */
export function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** `o[k]` when `k` is `o`'s own key, else undefined. */
export function own<T>(o: Readonly<Record<string, T>>, k: string): T | undefined {
  return hasOwn(o, k) ? o[k] : undefined;
}

/** `o[k] = v`, except that a key named `__proto__` stays an own key (plain assignment would set the prototype). */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
