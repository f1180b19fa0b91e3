/**
 * Update impact of resource changes, judged by @aws-cdk/cloudformation-diff's `fullDiff` (AWS's
 * rules: a changed property with causesReplacement "yes" replaces the resource, "maybe" may
 * replace it, others update it in place; a changed Type replaces it; IAM and security-group
 * changes are listed). `fullDiff` loads the AWS resource database on its first call.
 */
import { fullDiff } from '@aws-cdk/cloudformation-diff';
import { EksNodegroupError, hasOwn, isRecord, own, setOwn } from '../core';
import { cfnEqual } from './equal';
import { RESOURCE_ATTRIBUTES } from '../validate';

/** What CloudFormation would do to a resource (or because of one property). */
export type Impact = 'none' | 'create' | 'update' | 'may-replace' | 'replace' | 'destroy' | 'orphan';

export interface ResourceImpact {
  impact: Impact;
  /** Impact per top-level property that changed. */
  properties: Record<string, Impact>;
  /** Other changed attributes (DependsOn, Condition, UpdatePolicy, Metadata, …). */
  other: string[];
}

export interface ImpactReport {
  resources: Record<string, ResourceImpact>;
  /** True when IAM statements, managed policies or security-group rules change (needs a closer look). */
  permissionsChanged: boolean;
}

/** True when the AWS resource database knows the resource type. */
export function knownResourceType(type: string): boolean {
  return RESOURCE_ATTRIBUTES.of(type) !== undefined;
}

const IMPACTS: Record<string, Impact> = {
  NO_CHANGE: 'none',
  WILL_CREATE: 'create',
  WILL_UPDATE: 'update',
  MAY_REPLACE: 'may-replace',
  WILL_REPLACE: 'replace',
  WILL_DESTROY: 'destroy',
  WILL_ORPHAN: 'orphan',
  WILL_IMPORT: 'create',
};

/** How bad an impact is (cloudformation-diff's order): the worst of a resource's properties wins. */
const BADNESS: Record<Impact, number> = { none: 0, create: 2, update: 1, orphan: 3, 'may-replace': 4, replace: 5, destroy: 6 };
const worst = (x: Impact, y: Impact): Impact => (BADNESS[x] >= BADNESS[y] ? x : y);
const replacing = (i: Impact): boolean => i === 'replace' || i === 'may-replace';

/**
 * Lists nested deeper than this in one resource are handed to fullDiff as their JSON text: it
 * walks a replaced resource's lists twice per level (22 levels took 1 s, each one more doubles it).
 */
const LIST_DEPTH = 8;

function bounded(v: unknown, lists = 0): unknown {
  if (Array.isArray(v)) return lists >= LIST_DEPTH ? JSON.stringify(v) : v.map((x) => bounded(x, lists + 1));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setOwn(out, k, bounded((v as Record<string, unknown>)[k], lists));
  return out;
}

/** fullDiff's judgement of one resource (absent on a side: undefined). */
function judge(id: string, before: unknown, after: unknown): { impact: ResourceImpact; permissions: boolean } | undefined {
  const side = (r: unknown) => ({ Resources: r === undefined ? {} : { [id]: bounded(r) } });
  let d: ReturnType<typeof fullDiff>;
  try {
    d = fullDiff(side(before), side(after));
  } catch (e) {
    // cloudformation-diff assumes well-formed resources (an IAM Statement that is a map, no key
    // named hasOwnProperty, …) and throws a TypeError otherwise: say so instead of crashing.
    throw new EksNodegroupError(
      'BAD_INPUT',
      `cannot judge the update impact of resource ${id}: @aws-cdk/cloudformation-diff fails on it (${(e as Error).message}); check both templates with "eks-nodegroup validate"`,
    );
  }
  let impact: ResourceImpact | undefined;
  d.resources.forEachDifference((_id, ch) => {
    const properties: Record<string, Impact> = {};
    for (const [p, u] of Object.entries(ch.propertyUpdates)) properties[p] = IMPACTS[u.changeImpact ?? 'NO_CHANGE'] ?? 'update';
    impact = { impact: IMPACTS[ch.changeImpact] ?? 'update', properties, other: Object.keys(ch.otherChanges).sort() };
  });
  return impact && { impact, permissions: Boolean(d.iamChanges?.hasChanges || d.securityGroupChanges?.hasChanges) };
}

/** The logical IDs `v` refers to as fullDiff's replacement propagation sees them: `Ref X`, `Fn::…: [X, …]`. */
function referencesIn(v: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) referencesIn(x, out);
  else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const arg = keys.length === 1 ? (v as Record<string, unknown>)[keys[0]] : undefined;
    if (keys.length === 1 && keys[0] === 'Ref' && typeof arg === 'string') out.add(arg);
    else if (keys.length === 1 && keys[0].startsWith('Fn::') && Array.isArray(arg) && typeof arg[0] === 'string') out.add(arg[0]);
    for (const k of keys) referencesIn((v as Record<string, unknown>)[k], out);
  }
  return out;
}

/** `v` with every reference to a replaced resource renamed, as fullDiff does: the reference changes. */
function renamed(v: unknown, replaced: ReadonlySet<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => renamed(x, replaced));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  const arg = keys.length === 1 ? (v as Record<string, unknown>)[keys[0]] : undefined;
  if (keys.length === 1 && keys[0] === 'Ref' && typeof arg === 'string' && replaced.has(arg)) return { Ref: `${arg} (replaced)` };
  if (keys.length === 1 && keys[0].startsWith('Fn::') && Array.isArray(arg) && typeof arg[0] === 'string' && replaced.has(arg[0])) {
    return { [keys[0]]: [`${arg[0]} (replaced)`, ...arg.slice(1).map((x) => renamed(x, replaced))] };
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) setOwn(out, k, renamed((v as Record<string, unknown>)[k], replaced));
  return out;
}

/**
 * Impact of every changed resource between two templates (long form), from `fullDiff`, one
 * resource at a time. fullDiff on whole templates re-diffs every resource per round of replacement
 * propagation, and lists every resource per difference it visits: a chain of 200 security groups,
 * each replaced because the one before it is, took 5.4 s (cubic). Here each resource is judged on
 * its own, and a replacement is propagated as fullDiff does (a resource whose new definition refers
 * to a replaced one is judged again with that reference changed), along the references only.
 */
export function resourceImpacts(oldTemplate: Record<string, unknown>, newTemplate: Record<string, unknown>): ImpactReport {
  const a = isRecord(oldTemplate.Resources) ? oldTemplate.Resources : {};
  const b = isRecord(newTemplate.Resources) ? newTemplate.Resources : {};
  const ids = [...Object.keys(a), ...Object.keys(b).filter((k) => !hasOwn(a, k))];
  const resources: Record<string, ResourceImpact> = {};
  let permissionsChanged = false;
  const replaced = new Set<string>();
  for (const id of ids) {
    const before = own(a, id);
    const after = own(b, id);
    if (cfnEqual(before, after)) continue;
    const j = judge(id, before, after);
    if (!j) continue;
    setOwn(resources, id, j.impact);
    permissionsChanged ||= j.permissions;
    if (j.impact.impact === 'replace') replaced.add(id);
  }
  if (!replaced.size) return { resources, permissionsChanged };
  // Who refers to whom, in the new template; then a worklist of replaced resources.
  const referrers = new Map<string, string[]>();
  for (const id of Object.keys(b)) {
    for (const target of referencesIn(b[id], new Set())) {
      if (target !== id) referrers.set(target, [...(referrers.get(target) ?? []), id]);
    }
  }
  const again = new Map<string, ResourceImpact>();
  const queue = [...replaced];
  while (queue.length) {
    for (const id of referrers.get(queue.pop()!) ?? []) {
      if (!hasOwn(a, id)) continue; // a new resource is created, whatever it refers to
      const j = judge(id, a[id], renamed(b[id], replaced));
      if (!j) continue;
      again.set(id, j.impact);
      if (j.impact.impact === 'replace' && !replaced.has(id)) {
        replaced.add(id);
        queue.push(id);
      }
    }
  }
  // As fullDiff: a resource replaced because of what it refers to gets those properties' impacts.
  for (const [id, r] of again) {
    const base = own(resources, id) ?? { impact: 'none' as Impact, properties: {}, other: [] };
    if (!replacing(r.impact) || r.impact === base.impact) continue;
    for (const [p, i] of Object.entries(r.properties)) {
      if (!replacing(i)) continue;
      setOwn(base.properties, p, i);
      base.impact = worst(base.impact, i);
    }
    setOwn(resources, id, base);
  }
  return { resources, permissionsChanged };
}
