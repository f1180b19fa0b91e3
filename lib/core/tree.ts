/**
 * Bounds on the shape of untrusted data (templates, options): every stage walks values
 * recursively, so a value that contains itself, nests without end or shares its parts millions of
 * times over must be refused before any stage walks it.
 */
import { EksNodegroupError } from './errors';
import { toPointer } from './pointer';

/** Deepest nesting of lists and mappings accepted (our templates nest 20 deep, AWS's 12). */
export const MAX_DEPTH = 100;

/**
 * Most values one input may hold, counted as a walk meets them (a part shared twice counts twice):
 * a 1 MB body holds at most about 500,000 without YAML aliases.
 */
export const MAX_VALUES = 1_000_000;

/**
 * Throws BAD_INPUT, naming `what` and where, when `root` contains itself, nests deeper than
 * MAX_DEPTH or holds more than MAX_VALUES values. Iterative: deep input cannot overflow the stack.
 */
export function checkTree(root: unknown, what: string, limits: { depth?: number; values?: number } = {}): void {
  if (root === null || typeof root !== 'object') return;
  const maxDepth = limits.depth ?? MAX_DEPTH;
  const maxValues = limits.values ?? MAX_VALUES;
  let values = 1;
  const onPath = new Set<object>([root]);
  const stack: { o: object; keys: string[]; i: number }[] = [{ o: root, keys: Object.keys(root), i: 0 }];
  const where = (): string => toPointer(stack.map((f) => f.keys[f.i - 1])) || '/';
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.i === top.keys.length) {
      onPath.delete(top.o);
      stack.pop();
      continue;
    }
    const child = (top.o as Record<string, unknown>)[top.keys[top.i++]];
    if (++values > maxValues) throw new EksNodegroupError('BAD_INPUT', `${what} holds more than ${maxValues} values (parts shared over and over?); the walk stopped at ${where()}`);
    if (child === null || typeof child !== 'object') continue;
    if (onPath.has(child)) throw new EksNodegroupError('BAD_INPUT', `${what} contains itself at ${where()} (a circular reference); give a tree of plain values`);
    if (stack.length >= maxDepth) throw new EksNodegroupError('BAD_INPUT', `${what} nests lists and mappings more than ${maxDepth} levels deep (at ${where()})`);
    onPath.add(child);
    stack.push({ o: child, keys: Object.keys(child), i: 0 });
  }
}
