/**
 * Mixed-instances groups: one Auto Scaling group over several types, Spot and On-Demand, where
 * every type keeps its own max pods. The group's MixedInstancesPolicy names a launch template per
 * override; types that share max pods and CPU architecture share one, so there are as few launch
 * templates as the distinct (max pods, architecture) pairs (Karpenter does the same:
 * aws/karpenter-provider-aws pkg/providers/launchtemplate). EKS managed node groups instead give
 * every node the smallest max pods of their types (eksctl#5337).
 *
 * EC2 Auto Scaling's limits: at most 40 instance types and 20 distinct launch templates (the
 * group's own included) per MixedInstancesPolicy (EC2 Auto Scaling API, LaunchTemplateOverrides;
 * AWS CDK MixedInstancesPolicy docs). WeightedCapacity is 1–999, for every override or none.
 */
import { badOption, isRecord, own, plural, suggest } from '../core';
import { architectureOf } from '../instance-types';
import { DEFAULTS, type MixedInstancesOptions, type MixedLaunchTemplate, type ResolvedNodeGroupOptions } from './options';

export const MAX_MIXED_TYPES = 40;
export const MAX_MIXED_LAUNCH_TEMPLATES = 20;
export const SPOT_ALLOCATION_STRATEGIES = ['price-capacity-optimized', 'capacity-optimized', 'capacity-optimized-prioritized', 'lowest-price'] as const;

/** The launch template's logical ID for a (max pods, architecture) pair. */
export function launchTemplateName(maxPods: number, architecture: 'x86_64' | 'arm64'): string {
  return `NodeLaunchTemplateMaxPods${maxPods}${architecture === 'arm64' ? 'Arm64' : ''}`;
}

/** Checks the mixed-instances options against the offered types and groups the types by launch template. */
export function resolveMixed(m: MixedInstancesOptions, offered: readonly string[], table: ReadonlyMap<string, number>): NonNullable<ResolvedNodeGroupOptions['mixedInstances']> {
  if (offered.length > MAX_MIXED_TYPES) {
    throw badOption('instanceTypes', `${offered.length} types`, `at most ${MAX_MIXED_TYPES} types in a mixed-instances group (EC2 Auto Scaling's limit per MixedInstancesPolicy)`);
  }
  const groups = new Map<string, { name: string; architecture: 'x86_64' | 'arm64'; maxPods: number; types: string[] }>();
  for (const t of offered) {
    const architecture = architectureOf(t) as 'x86_64' | 'arm64';
    const maxPods = table.get(t)!;
    const name = launchTemplateName(maxPods, architecture);
    const g = groups.get(name) ?? { name, architecture, maxPods, types: [] };
    g.types.push(t);
    groups.set(name, g);
  }
  if (groups.size > MAX_MIXED_LAUNCH_TEMPLATES) {
    throw badOption(
      'instanceTypes',
      `${offered.length} types`,
      `types that need at most ${MAX_MIXED_LAUNCH_TEMPLATES} launch templates (EC2 Auto Scaling's limit per MixedInstancesPolicy); these need ${groups.size}, one per distinct (max pods, architecture): drop some, or give a --max-pods-override`,
    );
  }
  let weights: Map<string, number> | undefined;
  if (m.weights !== undefined) {
    weights = new Map();
    for (const [type, w] of Object.entries(m.weights)) {
      if (!offered.includes(type)) {
        const near = suggest(type, offered);
        throw badOption('mixedInstances.weights key', type, `an offered type${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}: ${offered.join(', ')}`, 'mixedInstances.weights');
      }
      weights.set(type, w);
    }
    const missing = offered.filter((t) => !weights!.has(t));
    if (missing.length) throw badOption('mixedInstances.weights', m.weights, `a weight for every offered type or for none (EC2 Auto Scaling's rule); missing: ${missing.join(', ')}`);
  }
  const d = DEFAULTS.mixedInstances;
  return {
    launchTemplates: [...groups.values()] as MixedLaunchTemplate[],
    onDemandBaseCapacity: m.onDemandBaseCapacity ?? d.onDemandBaseCapacity,
    onDemandPercentageAboveBaseCapacity: m.onDemandPercentageAboveBaseCapacity ?? d.onDemandPercentageAboveBaseCapacity,
    spotAllocationStrategy: m.spotAllocationStrategy ?? d.spotAllocationStrategy,
    capacityRebalance: m.capacityRebalance ?? d.capacityRebalance,
    ...(weights ? { weights } : {}),
  };
}

/**
 * With weights the group's sizes count capacity units, not instances, and a rolling update starts
 * one node of any type above the desired capacity: the max size must leave room for the largest
 * weight. https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-weighting.html
 */
export function checkWeightedSizes(
  m: NonNullable<ResolvedNodeGroupOptions['mixedInstances']>,
  sizes: { min: number; desired: number; max: number },
  source: { option: string; max(n: number): string },
): void {
  if (m.weights === undefined) return;
  const largest = Math.max(...m.weights.values());
  const need = sizes.desired + largest;
  if (sizes.max < need) {
    throw badOption(
      source.option,
      sizes,
      `with mixedInstances.weights, sizes in capacity units and a max size at least the desired capacity + the largest weight (${sizes.desired} + ${largest} = ${need}), so a rolling update can start a node of any type (e.g. ${source.max(need)})`,
    );
  }
}

/** `3 types, 2 launch templates (max pods 29, 58)`: what gen and the description say. */
export function mixedSummary(m: NonNullable<ResolvedNodeGroupOptions['mixedInstances']>, types: number): string {
  return `${plural(types, 'type')} fixed at generation (no NodeInstanceType parameter), ${plural(m.launchTemplates.length, 'launch template')} (one per max pods and architecture)`;
}

/** The launch template (logical ID) a specification names: `LaunchTemplateId` or `LaunchTemplateName` by Ref or GetAtt. */
export function launchTemplateRef(spec: unknown): string | undefined {
  for (const key of ['LaunchTemplateId', 'LaunchTemplateName']) {
    const v = isRecord(spec) ? own(spec, key) : undefined;
    const r = isRecord(v) ? own(v, 'Ref') : undefined;
    if (typeof r === 'string') return r;
    const g = isRecord(v) ? own(v, 'Fn::GetAtt') : undefined;
    const [name, attribute] = Array.isArray(g) ? g : typeof g === 'string' ? g.split('.') : [];
    if (typeof name === 'string' && attribute === key) return name;
  }
  return undefined;
}

/** One override of a MixedInstancesPolicy: its group, instance type, launch template and place in Overrides. */
export interface MixedOverride {
  group: string;
  instanceType: string;
  launchTemplate: string | undefined;
  /** Its index in the policy's Overrides (overrides without an InstanceType are skipped, not renumbered). */
  index: number;
}

/**
 * The overrides of every Auto Scaling group's MixedInstancesPolicy in a template (long form): each
 * instance type with the launch template it launches with (its own, else the policy's), by logical ID.
 */
export function mixedOverrides(template: unknown): MixedOverride[] {
  const out: MixedOverride[] = [];
  const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
  for (const [group, r] of Object.entries(resources)) {
    if (!isRecord(r) || r.Type !== 'AWS::AutoScaling::AutoScalingGroup' || !isRecord(r.Properties)) continue;
    const policy = own(r.Properties, 'MixedInstancesPolicy');
    const lt = isRecord(policy) ? own(policy, 'LaunchTemplate') : undefined;
    if (!isRecord(lt)) continue;
    const main = launchTemplateRef(own(lt, 'LaunchTemplateSpecification'));
    const overrides = own(lt, 'Overrides');
    if (!Array.isArray(overrides)) continue;
    overrides.forEach((o, index) => {
      const type = isRecord(o) ? own(o, 'InstanceType') : undefined;
      if (typeof type !== 'string') return;
      // An override without its own specification launches with the policy's; one this cannot read is undefined, never guessed.
      const spec = own(o as Record<string, unknown>, 'LaunchTemplateSpecification');
      out.push({ group, instanceType: type, launchTemplate: spec === undefined ? main : launchTemplateRef(spec), index });
    });
  }
  return out;
}
