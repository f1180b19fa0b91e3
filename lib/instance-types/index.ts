/**
 * Instance-type facts: the committed data module (lib/instance-types/generated/data.ts, written by
 * `eks-nodegroup refresh-data` from `aws ec2 describe-instance-types` output) and look-ups on it.
 */
import { badArgument, EksNodegroupError, shown, suggest } from '../core';
import type { InstanceTypeData, InstanceTypeFacts } from './model';
import { COLUMNS } from './model';
import { DATA } from './generated/data';

export type { InstanceTypeData, InstanceTypeFacts, Provenance } from './model';

let data: InstanceTypeData | undefined;
let byName: Map<string, InstanceTypeFacts> | undefined;
let sortedNames: string[] | undefined;

function rowToFacts(row: readonly unknown[]): InstanceTypeFacts {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < COLUMNS.length; i++) if (row[i] !== null) o[COLUMNS[i]] = row[i];
  return Object.freeze(o) as unknown as InstanceTypeFacts;
}

function load(): Map<string, InstanceTypeFacts> {
  if (!byName) {
    data = DATA;
    byName = new Map();
    for (const row of data.types) {
      const facts = rowToFacts(row);
      byName.set(facts.name, facts);
    }
    sortedNames = [...byName.keys()];
  }
  return byName;
}

/** Provenance of the committed data: source, date and count. */
export function dataProvenance(): InstanceTypeData['provenance'] {
  load();
  return data!.provenance;
}

/** Every known instance type's facts, sorted by name. */
export function listInstanceTypes(): InstanceTypeFacts[] {
  return [...load().values()];
}

/** Every known instance type name, sorted. */
export function instanceTypeNames(): readonly string[] {
  load();
  return sortedNames!;
}

/** Compares by vCPUs, then memory, then name; types without a figure sort after those with one. */
export function compareBySize(a: { instanceType: string; vcpus?: number; memoryMiB?: number }, b: typeof a): number {
  const num = (x?: number, y?: number): number => (x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x - y);
  return num(a.vcpus, b.vcpus) || num(a.memoryMiB, b.memoryMiB) || (a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : 0);
}

/** Known type names, smallest first (compareBySize). */
export function sortBySize(names: readonly string[]): string[] {
  const keyed = names.map((n) => {
    const f = getInstanceType(n);
    return { instanceType: f.name, vcpus: f.vcpus, memoryMiB: f.memoryMiB };
  });
  return keyed.sort(compareBySize).map((k) => k.instanceType);
}

/** The known names closest to `name` (lib/core suggest). */
export function suggestInstanceTypes(name: string, count = 3): string[] {
  if (typeof name !== 'string') throw badArgument('suggestInstanceTypes', 'name', 'a string', name);
  return suggest(name.trim(), instanceTypeNames(), count);
}

/** Facts for one instance type; throws UNKNOWN_INSTANCE_TYPE naming the closest known types. */
export function getInstanceType(name: string): InstanceTypeFacts {
  if (typeof name !== 'string') throw badArgument('getInstanceType', 'name', 'an instance type name such as "m5.large"', name);
  if (name === '') throw new EksNodegroupError('BAD_USAGE', 'instance type must be a non-empty string, got ""');
  const facts = load().get(name);
  if (facts) return facts;
  const lowered = load().get(name.trim().toLowerCase());
  const hint = lowered ? [lowered.name] : suggestInstanceTypes(name);
  throw new EksNodegroupError(
    'UNKNOWN_INSTANCE_TYPE',
    `unknown instance type "${name}"${hint.length ? `; did you mean ${hint.join(', ')}?` : ''} ` +
      `(${instanceTypeNames().length} types known; run "eks-nodegroup max-pods --all" to list them, ` +
      `or "eks-nodegroup refresh-data" if AWS added it)`,
  );
}

let familyArchitectures: Map<string, string | undefined> | undefined;

/**
 * The CPU architecture a type's AMI must have (`x86_64` or `arm64`): the data's, else its family's
 * when every type of the family the data knows shares one (EC2 families are one architecture:
 * c5a.metal is x86_64 like c5a.large). Undefined when neither says (mac types, some old ones).
 */
export function architectureOf(name: string): 'x86_64' | 'arm64' | undefined {
  const own = getInstanceType(name).architecture;
  if (own === 'x86_64' || own === 'arm64') return own;
  if (!familyArchitectures) {
    familyArchitectures = new Map();
    for (const t of load().values()) {
      if (t.architecture === undefined) continue;
      const family = t.name.slice(0, t.name.indexOf('.'));
      const seen = familyArchitectures.get(family);
      familyArchitectures.set(family, familyArchitectures.has(family) && seen !== t.architecture ? undefined : t.architecture);
    }
  }
  const byFamily = familyArchitectures.get(name.slice(0, name.indexOf('.')));
  return byFamily === 'x86_64' || byFamily === 'arm64' ? byFamily : undefined;
}

/** True when `name` is a known instance type. */
export function isInstanceType(name: string): boolean {
  return load().has(name);
}
