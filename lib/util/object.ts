/** Small object helpers shared by the stages. */

/**
 * `o[k] = v`, except that a key named `__proto__` stays an own key (plain assignment would set
 * the prototype). Templates are user data: any key may occur. Plain assignment otherwise, which
 * keeps objects on V8's fast path (defineProperty on every key made building them slower).
 */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
