/** Which instance types a template offers: names and `*` patterns, resolved against the data. */
import { EksNodegroupError, suggest } from '../core';
import { getInstanceType, instanceTypeNames, isInstanceType, sortBySize } from '../instance-types';

/** Splits `m5.large` into its family `m5` and size `large` (at the first dot). */
export function splitInstanceType(name: string): { family: string; size: string } {
  const dot = name.indexOf('.');
  return { family: name.slice(0, dot), size: name.slice(dot + 1) };
}

function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** The message for a pattern that matches no known type: the closest families or sizes. */
function noMatch(pattern: string, option: string): EksNodegroupError {
  const names = instanceTypeNames();
  const { family, size } = splitInstanceType(pattern);
  let near: string[];
  if (pattern.includes('.') && size === '*' && !family.includes('*')) {
    near = suggest(family, names.map((n) => splitInstanceType(n).family)).map((f) => `${f}.*`);
  } else if (pattern.includes('.') && family === '*' && !size.includes('*')) {
    near = suggest(size, names.map((n) => splitInstanceType(n).size)).map((s) => `*.${s}`);
  } else {
    near = suggest(pattern.replace(/\*/g, ''), names);
  }
  return new EksNodegroupError(
    'UNKNOWN_INSTANCE_TYPE',
    `${option}: pattern "${pattern}" matches no known instance type${near.length ? `; did you mean ${near.join(', ')}?` : ''} ` +
      `(${names.length} types known; "eks-nodegroup max-pods --all" lists them)`,
  );
}

function expand(patterns: readonly string[], option: string): string[] {
  const out: string[] = [];
  const problems: string[] = [];
  for (const raw of patterns) {
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new EksNodegroupError('BAD_OPTION', `invalid value for ${option}: ${JSON.stringify(raw)} (allowed: instance type names or patterns such as t3.*)`);
    }
    const p = raw.trim();
    try {
      if (p.includes('*')) {
        const re = globRegExp(p);
        const hits = instanceTypeNames().filter((n) => re.test(n));
        if (hits.length === 0) throw noMatch(p, option);
        // Smallest first: where order matters (a mixed group's On-Demand priority), a pattern means no preference among its types.
        out.push(...sortBySize(hits));
      } else {
        out.push(getInstanceType(p).name);
      }
    } catch (e) {
      if (!(e instanceof EksNodegroupError)) throw e;
      problems.push(e.message);
    }
  }
  // Report every bad name at once, so one run fixes them all.
  if (problems.length) {
    const e = new EksNodegroupError('UNKNOWN_INSTANCE_TYPE', problems.join('\n'));
    e.option = option;
    throw e;
  }
  return out;
}

/** The known types `include` names exactly (not by a pattern), canonical names. */
export function namedInstanceTypes(include: readonly string[] | undefined): Set<string> {
  return new Set((include ?? []).filter((p) => typeof p === 'string' && !p.includes('*') && isInstanceType(p.trim())).map((p) => p.trim()));
}

/**
 * The offered types, in the order given (a pattern's types smallest first), without duplicates.
 * Default (no patterns): every known type. Unknown names and patterns matching nothing throw
 * UNKNOWN_INSTANCE_TYPE with the closest names.
 */
export function selectInstanceTypes(include?: readonly string[], exclude?: readonly string[]): string[] {
  if (include !== undefined && !Array.isArray(include)) {
    throw new EksNodegroupError('BAD_OPTION', `invalid value for instanceTypes: ${JSON.stringify(include)} (allowed: a list of names or patterns)`);
  }
  if (exclude !== undefined && !Array.isArray(exclude)) {
    throw new EksNodegroupError('BAD_OPTION', `invalid value for excludeInstanceTypes: ${JSON.stringify(exclude)} (allowed: a list of names or patterns)`);
  }
  if (include !== undefined && include.length === 0) {
    throw new EksNodegroupError('BAD_OPTION', 'invalid value for instanceTypes: [] (allowed: at least one name or pattern; leave it out for every known type)');
  }
  const chosen = [...new Set(include === undefined ? instanceTypeNames() : expand(include, 'instanceTypes'))];
  if (!exclude || exclude.length === 0) return chosen;
  const drop = new Set(expand(exclude, 'excludeInstanceTypes'));
  const left = chosen.filter((t) => !drop.has(t));
  if (left.length === 0) {
    throw new EksNodegroupError('BAD_OPTION', `excludeInstanceTypes removes every offered type (${chosen.length}); offer more types or exclude fewer`);
  }
  return left;
}
