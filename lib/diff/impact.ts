/**
 * Update impact of resource changes, judged by @aws-cdk/cloudformation-diff's `fullDiff` (AWS's
 * rules: a changed property with causesReplacement "yes" replaces the resource, "maybe" may
 * replace it, others update it in place; a changed Type replaces it; IAM and security-group
 * changes are listed).
 *
 * `fullDiff` looks each resource type up in the AWS resource database, which it loads whole on
 * first use (~0.6–0.8 s). We hand it the same facts from lib/diff/resource-models.ts instead
 * (extracted from that database at build time, freshness-tested), by swapping the library's
 * `loadResourceModel` look-up for the duration of one synchronous call. If a future version of the
 * library no longer looks models up that way, the swap has no effect and `fullDiff` loads the
 * database itself: slower, same answers. spec/diff-models.spec.ts checks both stay equal.
 *
 * Loaded lazily, only when two templates differ in their Resources.
 */
import { EksNodegroupError } from '../errors';
import { withCodeCache } from '../util/code-cache';
import type { ResourceModelEntry } from './build-models';
import { lineFor } from '../util/line-table';

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

interface SpecLikeResource {
  scrutinizable?: string;
  properties: Record<string, { causesReplacement?: string; scrutinizable?: string }>;
}

const cache = new Map<string, SpecLikeResource | undefined>();

/** The resource model `fullDiff` expects, built from our compact table; undefined for unknown types. */
export function resourceModel(type: string): SpecLikeResource | undefined {
  if (cache.has(type)) return cache.get(type);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { RESOURCE_MODELS_TEXT } = require('./resource-models') as typeof import('./resource-models');
  // Only the types the templates change are parsed (the table has ~1,800).
  const line = lineFor(RESOURCE_MODELS_TEXT, type);
  const e: ResourceModelEntry | undefined = line === undefined ? undefined : (JSON.parse(line) as ResourceModelEntry);
  let m: SpecLikeResource | undefined;
  if (e) {
    const properties: SpecLikeResource['properties'] = {};
    for (const n of e.u ?? []) properties[n] = {};
    for (const n of e.r ?? []) properties[n] = { causesReplacement: 'yes' };
    for (const n of e.m ?? []) properties[n] = { causesReplacement: 'maybe' };
    for (const [n, s] of Object.entries(e.s ?? {})) properties[n] = { ...properties[n], scrutinizable: s };
    m = { properties };
    if (e.rs) m.scrutinizable = e.rs;
  }
  cache.set(type, m);
  return m;
}

/** True when the AWS resource database (as extracted) knows the resource type. */
export function knownResourceType(type: string): boolean {
  return resourceModel(type) !== undefined;
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

/** Runs `fn` with cloudformation-diff looking resource models up in our table instead of its database. */
function withOurModels<T>(fn: () => T): T {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const util = require('@aws-cdk/cloudformation-diff/lib/diff/util') as { loadResourceModel?: unknown };
  const original = util.loadResourceModel;
  if (typeof original !== 'function') return fn();
  util.loadResourceModel = resourceModel;
  try {
    return fn();
  } finally {
    util.loadResourceModel = original;
  }
}

/** Minimal view of the cloudformation-diff result we read. */
interface CfnDiffLike {
  resources: {
    forEachDifference(cb: (id: string, change: CfnResourceChangeLike) => void): void;
  };
  permissionsAnyChanges?: boolean;
  iamChanges?: { hasChanges: boolean };
  securityGroupChanges?: { hasChanges: boolean };
}
interface CfnResourceChangeLike {
  changeImpact: string;
  propertyUpdates: Record<string, { changeImpact?: string }>;
  otherChanges: Record<string, unknown>;
}

/**
 * Impact of every changed resource between two templates (long form), from `fullDiff`.
 * `useDatabase: true` lets fullDiff load the full AWS database (for tests that check our table).
 */
export function resourceImpacts(
  oldTemplate: Record<string, unknown>,
  newTemplate: Record<string, unknown>,
  opts: { useDatabase?: boolean } = {},
): ImpactReport {
  const { fullDiff } = withCodeCache(
    'cloudformation-diff',
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    () => require('@aws-cdk/cloudformation-diff/lib/diff-template') as { fullDiff(a: Record<string, unknown>, b: Record<string, unknown>): CfnDiffLike },
  );
  // fullDiff only needs Resources for impact; passing only them keeps it from blob-diffing the rest.
  const a = { Resources: oldTemplate.Resources ?? {} };
  const b = { Resources: newTemplate.Resources ?? {} };
  let d: CfnDiffLike;
  try {
    d = opts.useDatabase ? fullDiff(a, b) : withOurModels(() => fullDiff(a, b));
  } catch (e) {
    // cloudformation-diff assumes well-formed resources (an IAM Statement that is a map, no key
    // named hasOwnProperty, …) and throws a TypeError otherwise: say so instead of crashing.
    throw new EksNodegroupError(
      'BAD_INPUT',
      `cannot judge the update impact of the resource changes: @aws-cdk/cloudformation-diff fails on these Resources (${(e as Error).message}); check both templates with "eks-nodegroup validate"`,
    );
  }
  const resources: Record<string, ResourceImpact> = {};
  d.resources.forEachDifference((id, ch) => {
    const properties: Record<string, Impact> = {};
    for (const [p, u] of Object.entries(ch.propertyUpdates)) properties[p] = IMPACTS[u.changeImpact ?? 'NO_CHANGE'] ?? 'update';
    resources[id] = { impact: IMPACTS[ch.changeImpact] ?? 'update', properties, other: Object.keys(ch.otherChanges).sort() };
  });
  const permissionsChanged = Boolean(d.iamChanges?.hasChanges || d.securityGroupChanges?.hasChanges);
  return { resources, permissionsChanged };
}
