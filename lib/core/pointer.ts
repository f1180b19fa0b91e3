/** JSON pointers (RFC 6901): how findings, diffs and render errors say where a value is. */

/** One segment, escaped: `~` → `~0`, `/` → `~1`. */
export function pointerSegment(s: string | number): string {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer of a path: `['Resources', 'a/b']` → `/Resources/a~1b`. */
export function toPointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += '/' + pointerSegment(p);
  return out;
}

/** The path of a pointer: `/Resources/a~1b` → `['Resources', 'a/b']`; `''` → `[]`. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
