/**
 * Where max pods lives in the template, and how the launch template looks it up.
 *
 * CloudFormation's rules: at most 200 top-level keys per mapping (validator rule
 * F0050), second-level keys alphanumeric only (E7001), at most 200 mappings. One mapping keyed by
 * all ~1,400 instance types is therefore invalid. The `by-size` layout keys one mapping by SIZE
 * (31 sizes today) and, under each size, by FAMILY made alphanumeric (`c7i-flex` → `c7iflex`;
 * at most 143 families per size today). `Transform: AWS::LanguageExtensions` lets Fn::FindInMap
 * take the two keys from `NodeInstanceType` with Fn::Select/Fn::Split/Fn::Join.
 *
 * A type missing from the table (one AWS added after the template was generated) has NO default
 * value on purpose: the lookup fails and CloudFormation stops the stack operation before it
 * changes anything, instead of a guessed maxPods that may be too high (pods stuck in
 * ContainerCreating). Regenerate the template with refreshed data to offer the new type.
 */
import { EksNodegroupError, isRecord, setOwn } from '../core';
import { instanceTypeNames } from '../instance-types';
import { splitInstanceType } from './instance-selection';
import type { Intrinsic } from './cfn';
import { mixedOverrides } from './mixed';
import type { MaxPodsLayout } from './options';
import { maxPodsWritten } from './user-data';

/** Mapping names: ours (by size) and AWS's 2018-06 one (per type). */
export const BY_SIZE_MAPPING = 'MaxPodsBySize';
export const PER_TYPE_MAPPING = 'MaxPodsPerNode';
/** The by-size layout's mapping of arm64 families (templates that offer both architectures). */
export const ARCHITECTURE_MAPPING = 'AmiArchitecture';
/** CloudFormation's limit on top-level keys of one mapping (F0050), and on second-level keys we keep to. */
export const MAX_MAPPING_KEYS = 200;

const familyKeys = new Map<string, string>();

/** The second-level key of a family: `-` removed (the lookup strips `-` the same way). */
export function familyKey(family: string): string {
  const known = familyKeys.get(family);
  if (known !== undefined) return known;
  const key = family.replace(/-/g, '');
  if (!/^[A-Za-z0-9]+$/.test(key)) {
    throw new EksNodegroupError(
      'BAD_INPUT',
      `instance family "${family}" has characters other than letters, digits and "-"; the by-size layout cannot key it (use maxPodsLayout per-type with ≤ ${MAX_MAPPING_KEYS} types)`,
    );
  }
  familyKeys.set(family, key);
  return key;
}

type Mapping = Record<string, Record<string, number>>;

/** An object with the entries' keys in sorted order (code-unit order, as `<` compares strings). */
function sortedObject<T>(entries: [string, T][]): Record<string, T> {
  // Sorting the keys with the default comparison and assigning is ~3× faster cold than
  // Object.fromEntries over entries sorted with a comparator function (1,391 keys per template).
  const byKey = new Map(entries);
  const out: Record<string, T> = {};
  for (const k of [...byKey.keys()].sort()) setOwn(out, k, byKey.get(k));
  return out;
}

/** The by-size mapping for `table` (type → max pods); throws on key collisions or > 200 keys. */
export function bySizeMapping(table: ReadonlyMap<string, number>): Mapping {
  const sizes = new Map<string, Map<string, { type: string; value: number }>>();
  // forEach, not for-of with [a, b]: destructuring iterators are slow in cold code (1,391 types).
  table.forEach((value, type) => {
    const dot = type.indexOf('.');
    const family = type.slice(0, dot);
    const size = type.slice(dot + 1);
    if (dot < 1 || !size) throw new EksNodegroupError('BAD_INPUT', `instance type "${type}" is not FAMILY.SIZE`);
    const key = familyKey(family);
    let row = sizes.get(size);
    if (!row) sizes.set(size, (row = new Map()));
    const prev = row.get(key);
    if (prev && prev.type !== type) {
      throw new EksNodegroupError(
        'BAD_INPUT',
        `families of ${prev.type} and ${type} both become mapping key "${key}" under size "${size}"; the by-size layout cannot tell them apart (use maxPodsLayout per-type with ≤ ${MAX_MAPPING_KEYS} types)`,
      );
    }
    row.set(key, { type, value });
  });
  if (sizes.size > MAX_MAPPING_KEYS) {
    throw new EksNodegroupError('BAD_INPUT', `${sizes.size} instance sizes exceed CloudFormation's ${MAX_MAPPING_KEYS} top-level keys per mapping`);
  }
  const out: [string, Record<string, number>][] = [];
  for (const [size, row] of sizes) {
    if (row.size > MAX_MAPPING_KEYS) {
      throw new EksNodegroupError('BAD_INPUT', `size "${size}" has ${row.size} families, over the ${MAX_MAPPING_KEYS} keys the by-size layout allows`);
    }
    const values: [string, number][] = [];
    row.forEach((v, k) => values.push([k, v.value]));
    out.push([size, sortedObject(values)]);
  }
  return sortedObject(out);
}

/** AWS's 2018-06 layout: `{ <type>: { MaxPods: N } }`, with `Arm64: 0|1` when both architectures are offered; at most 200 types. */
export function perTypeMapping(table: ReadonlyMap<string, number>, arm64?: ReadonlySet<string>): Record<string, { MaxPods: number; Arm64?: number }> {
  if (table.size > MAX_MAPPING_KEYS) {
    throw new EksNodegroupError(
      'BAD_OPTION',
      `invalid value for maxPodsLayout: "per-type" with ${table.size} instance types (allowed: at most ${MAX_MAPPING_KEYS} types, CloudFormation's limit on mapping keys; use by-size or offer fewer types)`,
    );
  }
  return sortedObject([...table].map(([t, v]) => [t, arm64 ? { MaxPods: v, Arm64: arm64.has(t) ? 1 : 0 } : { MaxPods: v }]));
}

/** The by-size layout's architecture mapping: `{ arm64: { <family key>: 1 } }` for the arm64 families offered. */
export function architectureMapping(arm64Types: Iterable<string>): Record<string, Record<string, number>> {
  const keys = new Set<string>();
  for (const t of arm64Types) keys.add(familyKey(t.slice(0, t.indexOf('.'))));
  if (keys.size > MAX_MAPPING_KEYS) {
    throw new EksNodegroupError('BAD_INPUT', `${keys.size} arm64 families exceed the ${MAX_MAPPING_KEYS} keys a mapping allows; offer fewer, or use the per-type layout`);
  }
  return { arm64: sortedObject([...keys].map((k) => [k, 1])) };
}

/**
 * The mappings that carry the table (and, when both architectures are offered, which types are
 * arm64) in `layout`, by name.
 */
export function tableMappings(table: ReadonlyMap<string, number>, layout: MaxPodsLayout, arm64?: ReadonlySet<string>): Record<string, Record<string, Record<string, unknown>>> {
  if (layout === 'per-type') return { [PER_TYPE_MAPPING]: perTypeMapping(table, arm64) };
  return { [BY_SIZE_MAPPING]: bySizeMapping(table), ...(arm64 ? { [ARCHITECTURE_MAPPING]: architectureMapping(arm64) } : {}) };
}

/** `NodeInstanceType`'s size and family key (family without "-") as CloudFormation expressions. */
function typeParts(instanceTypeParameter: string): { size: Intrinsic; family: Intrinsic } {
  const parts = { 'Fn::Split': ['.', { Ref: instanceTypeParameter }] };
  return { size: { 'Fn::Select': [1, parts] }, family: { 'Fn::Join': ['', { 'Fn::Split': ['-', { 'Fn::Select': [0, parts] }] }] } };
}

/** The expression that yields max pods for the deploy-time `NodeInstanceType`. */
export function maxPodsLookup(layout: MaxPodsLayout, instanceTypeParameter = 'NodeInstanceType'): Intrinsic {
  if (layout === 'per-type') return { 'Fn::FindInMap': [PER_TYPE_MAPPING, { Ref: instanceTypeParameter }, 'MaxPods'] };
  const { size, family } = typeParts(instanceTypeParameter);
  return { 'Fn::FindInMap': [BY_SIZE_MAPPING, size, family] };
}

/** The expression that yields 1 when the deploy-time `NodeInstanceType` is arm64, else 0 (templates offering both). */
export function arm64Lookup(layout: MaxPodsLayout, instanceTypeParameter = 'NodeInstanceType'): Intrinsic {
  if (layout === 'per-type') return { 'Fn::FindInMap': [PER_TYPE_MAPPING, { Ref: instanceTypeParameter }, 'Arm64'] };
  return { 'Fn::FindInMap': [ARCHITECTURE_MAPPING, 'arm64', typeParts(instanceTypeParameter).family, { DefaultValue: 0 }] };
}

/** A max-pods value as a count: a whole number, or the digits of one. */
export function asCount(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

let familiesByKey: Map<string, string> | undefined;

/** Family keys lost their "-": the real family name for each key, from the instance data (built once). */
function familyNames(): Map<string, string> {
  if (!familiesByKey) {
    familiesByKey = new Map();
    for (const name of instanceTypeNames()) {
      const { family } = splitInstanceType(name);
      familiesByKey.set(familyKey(family), family);
    }
  }
  return familiesByKey;
}

/**
 * The per-type max pods a template holds, read from any layout this project emits (by-size,
 * per-type, or a mixed group's launch templates) and from AWS's 2018-06 `MaxPodsPerNode` mapping;
 * undefined when it holds none.
 * Sorted by type name. For templates the pipeline checked (checkTree); the package exports
 * `maxPodsTableFromTemplate`, which checks first.
 */
export function templateMaxPods(template: unknown): Map<string, number> | undefined {
  if (!isRecord(template)) return undefined;
  const mappings = isRecord(template.Mappings) ? template.Mappings : {};
  const rows: [string, number][] = [];
  let found = false;
  // A mixed-instances group: each override's launch template carries its max pods in the user data.
  const resources = isRecord(template.Resources) ? template.Resources : {};
  for (const o of mixedOverrides(template)) {
    const lt = o.launchTemplate === undefined ? undefined : resources[o.launchTemplate];
    const data = isRecord(lt) && isRecord(lt.Properties) && isRecord(lt.Properties.LaunchTemplateData) ? lt.Properties.LaunchTemplateData : undefined;
    const n = data ? maxPodsWritten(data.UserData) : undefined;
    found = true;
    if (n !== undefined) rows.push([o.instanceType, n]);
  }
  const perType = mappings[PER_TYPE_MAPPING];
  if (isRecord(perType)) {
    found = true;
    for (const [type, entry] of Object.entries(perType)) {
      const n = isRecord(entry) ? asCount(entry.MaxPods) : undefined;
      if (n !== undefined) rows.push([type, n]);
    }
  }
  const bySize = mappings[BY_SIZE_MAPPING];
  if (isRecord(bySize)) {
    found = true;
    const families = familyNames();
    for (const size of Object.keys(bySize)) {
      const row = bySize[size];
      if (!isRecord(row)) continue;
      for (const key of Object.keys(row)) {
        const n = asCount(row[key]);
        if (n !== undefined) rows.push([`${families.get(key) ?? key}.${size}`, n]);
      }
    }
  }
  if (!found) return undefined;
  const byType = new Map(rows);
  return new Map([...byType.keys()].sort().map((t) => [t, byType.get(t)!]));
}
