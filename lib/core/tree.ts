/**
 * Bounds on the shape of untrusted data (templates, options): every stage walks values
 * recursively, so a value that contains itself, nests without end or shares its parts millions of
 * times over must be refused before any stage walks it. The same walk makes sure what the library
 * is handed is plain data: no proxy, getter or class instance runs code of the caller's later.
 */
import { types } from 'node:util';
import { EksNodegroupError } from './errors';
import { toPointer } from './pointer';
import { RENDER_LIMITS } from './quotas';

/** Deepest nesting of lists and mappings accepted (our templates nest 20 deep, AWS's 12). */
export const MAX_DEPTH = 100;

/**
 * Most values one input may hold, counted as a walk meets them (a part shared twice counts twice):
 * a 1 MB body holds at most about 500,000 without YAML aliases.
 */
export const MAX_VALUES = 1_000_000;

/**
 * Most characters of text (strings and mapping keys) one input may hold, counted as a walk meets
 * them: what 4 template bodies of CloudFormation's largest size could hold. Only YAML aliases (or
 * an object sharing its strings) go past one body's worth.
 */
export const MAX_TEXT = RENDER_LIMITS.text;

const PLAIN_PROTOTYPES = new Set<unknown>([Object.prototype, Array.prototype, null]);

/** What `v` is, in words, when it is not plain data (undefined when it is, or may hold plain data). */
function notPlain(v: unknown): string | undefined {
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return `a ${typeof v}`;
  if (v === null || typeof v !== 'object') return undefined;
  if (types.isProxy(v)) return 'a Proxy';
  if (!PLAIN_PROTOTYPES.has(Object.getPrototypeOf(v))) return `an object of class ${(v as { constructor?: { name?: unknown } }).constructor?.name || 'unknown'}`;
  return undefined;
}

/** What was thrown, in a few words, without running more of the caller's code than reading an Error's name and message. */
export function thrown(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : `a thrown ${typeof e}`;
  } catch {
    return 'an exception';
  }
}

/**
 * Throws BAD_INPUT, naming `what` and where, when `root` contains itself, nests deeper than
 * MAX_DEPTH, holds more than MAX_VALUES values or MAX_TEXT characters of text, or is not plain
 * data (objects, lists, strings, numbers, booleans, null: no proxy, getter, function or class
 * instance). A list counts by its length, holes too. Iterative: deep input cannot overflow the stack.
 * With `opaque`, functions and class instances (callbacks, streams) are accepted as they are, unwalked.
 */
export function checkTree(root: unknown, what: string, limits: { depth?: number; values?: number; text?: number; opaque?: boolean } = {}): void {
  const maxDepth = limits.depth ?? MAX_DEPTH;
  const maxValues = limits.values ?? MAX_VALUES;
  const maxText = limits.text ?? MAX_TEXT;
  let values = 1;
  let text = typeof root === 'string' ? root.length : 0;
  const onPath = new Set<object>();
  // A list's keys are its indexes (`keys` null); a mapping's are its own enumerable keys.
  const stack: { o: object; keys: string[] | null; n: number; i: number }[] = [];
  const where = (): string => toPointer(stack.map((f) => (f.keys ? f.keys[f.i - 1] : f.i - 1))) || '/';
  const refuse = (message: string): never => {
    throw new EksNodegroupError('BAD_INPUT', message);
  };
  const enter = (o: unknown): void => {
    const odd = notPlain(o);
    if (odd && limits.opaque && (typeof o === 'function' || odd.startsWith('an object of class'))) return;
    if (odd) refuse(`${what}${stack.length ? ` holds ${odd} at ${where()}` : ` is ${odd}`}: give plain data (objects, lists, strings, numbers, booleans, null)`);
    if (o === null || typeof o !== 'object') return;
    if (onPath.has(o)) refuse(`${what} contains itself at ${where()} (a circular reference); give a tree of plain values`);
    if (stack.length >= maxDepth) refuse(`${what} nests lists and mappings more than ${maxDepth} levels deep (at ${where()})`);
    const keys = Array.isArray(o) ? null : Object.keys(o);
    const n = keys ? keys.length : (o as unknown[]).length;
    if (values + n > maxValues) refuse(`${what} holds more than ${maxValues} values (parts shared over and over?); the walk stopped at ${where()}`);
    if (keys) for (const k of keys) text += k.length;
    if (text > maxText) refuse(`${what} holds more than ${maxText} characters of text (parts shared over and over?); the walk stopped at ${where()}`);
    onPath.add(o);
    stack.push({ o, keys, n, i: 0 });
  };
  try {
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i === top.n) {
        onPath.delete(top.o);
        stack.pop();
        continue;
      }
      const key = top.keys ? top.keys[top.i] : top.i;
      top.i++;
      values++;
      // A getter would run the caller's code each time a stage reads the value.
      const d = Object.getOwnPropertyDescriptor(top.o, key);
      if (d && !('value' in d)) refuse(`${what} has a getter at ${where()}: give plain data (objects, lists, strings, numbers, booleans, null)`);
      const child = d?.value;
      if (typeof child === 'string') {
        text += child.length;
        if (text > maxText) refuse(`${what} holds more than ${maxText} characters of text (parts shared over and over?); the walk stopped at ${where()}`);
      } else if (child !== null && (typeof child === 'object' || typeof child === 'function' || typeof child === 'symbol' || typeof child === 'bigint')) {
        enter(child);
      }
    }
  } catch (e) {
    if (e instanceof EksNodegroupError) throw e;
    // Reading the value ran code that threw (a revoked proxy, a throwing trap): not plain data either.
    throw new EksNodegroupError('BAD_INPUT', `${what}: reading it${stack.length ? ` at ${where()}` : ''} failed (${thrown(e)}): give plain data (objects, lists, strings, numbers, booleans, null)`);
  }
}
