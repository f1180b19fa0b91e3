/**
 * Update impact of resource changes, judged by @aws-cdk/cloudformation-diff's `fullDiff` (AWS's
 * rules: a changed property with causesReplacement "yes" replaces the resource, "maybe" may
 * replace it, others update it in place; a changed Type replaces it; IAM and security-group
 * changes are listed). `fullDiff` loads the AWS resource database on its first call.
 */
import { fullDiff } from '@aws-cdk/cloudformation-diff';
import { EksNodegroupError } from '../core';
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

/** Impact of every changed resource between two templates (long form), from `fullDiff`. */
export function resourceImpacts(oldTemplate: Record<string, unknown>, newTemplate: Record<string, unknown>): ImpactReport {
  // fullDiff only needs Resources for impact; passing only them keeps it from blob-diffing the rest.
  const a = { Resources: oldTemplate.Resources ?? {} };
  const b = { Resources: newTemplate.Resources ?? {} };
  let d: ReturnType<typeof fullDiff>;
  try {
    d = fullDiff(a, b);
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
