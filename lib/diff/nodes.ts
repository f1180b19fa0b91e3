/**
 * What an update does to the running nodes. CloudFormation updates a launch template in place (a
 * new version); the group that uses it shows no change in the template, yet the group's
 * UpdatePolicy replaces its nodes when the group's launch configuration, launch template,
 * VPCZoneIdentifier or PlacementGroup changes (AWS CloudFormation User Guide, "UpdatePolicy
 * attribute"). Without an UpdatePolicy the group keeps its running instances: only nodes launched
 * later get the new configuration (e.g. a new max pods). This is the impact a node group's owner
 * cares about most, so the diff states it per Auto Scaling group, and for a MixedInstancesPolicy
 * per instance type (each override's launch template); where the template leaves it to a
 * condition, or names a launch template in a form this cannot read, it says so instead of guessing.
 */
import { isRecord as isObj, own, plural } from '../core';
import { mixedOverrides } from '../nodegroup/mixed';
import { cfnEqual } from './equal';
import type { Impact } from './impact';

/** How the nodes of one Auto Scaling group are affected by the update. */
export type NodeUpdate =
  /** UpdatePolicy AutoScalingRollingUpdate: every node is replaced, a batch at a time. */
  | 'rolling'
  /** UpdatePolicy AutoScalingReplacingUpdate with WillReplace: a new group replaces the old one. */
  | 'replacing'
  /** The group itself is replaced (a property that needs replacement changes): new group, new nodes. */
  | 'group-replaced'
  /** No update policy: running nodes keep the old configuration; nodes launched later get the new one. */
  | 'new-nodes-only'
  /**
   * The group's launch template Version is not `!GetAtt <template>.LatestVersionNumber` ($Default,
   * a number, or none): CloudFormation does not update the group, and does not move the default
   * version, so running nodes and nodes launched later keep the version they use.
   */
  | 'version-pinned'
  /** An Fn::If decides (in the UpdatePolicy, the launch template reference or its Version). */
  | 'conditional'
  /**
   * The group uses the changed template through a MixedInstancesPolicy whose overrides this cannot
   * read (one names its launch template other than by Ref or Fn::GetAtt, or gives no InstanceType).
   */
  | 'not-determined';

export interface NodeReplacement {
  /** Logical ID of the Auto Scaling group. */
  autoScalingGroup: string;
  /** Why the group's nodes are concerned, e.g. "NodeLaunchTemplate changes". */
  cause: string;
  how: NodeUpdate;
  /** The rolling update's settings as written (numbers, text or intrinsic functions). */
  rollingUpdate?: { maxBatchSize?: unknown; minInstancesInService?: unknown; pauseTime?: unknown; waitOnResourceSignals?: unknown };
  /** For 'version-pinned': the Version the group asks for ('$Default' when it names none). */
  version?: unknown;
  /** For 'conditional': the conditions the Fn::If name. */
  conditions?: string[];
  /** A mixed-instances group: the types whose nodes come back with a new configuration (the rest as they were). */
  instanceTypes?: string[];
  /** A mixed-instances group: how many types it has (in the new template). */
  groupTypes?: number;
}

type Obj = Record<string, unknown>;

/** A resource that changes: its impact and the top-level properties that change. */
export interface ChangedResource {
  name: string;
  impact?: Impact;
  properties: readonly string[];
  /** Why it changes although its own text does not (a mapping or parameter default it reads). */
  via?: string;
}

/** True when `v` reads mapping `name` (Fn::FindInMap) anywhere inside. */
function readsMapping(v: unknown, name: string): boolean {
  if (Array.isArray(v)) return v.some((x) => readsMapping(x, name));
  if (!isObj(v)) return false;
  const f = own(v, 'Fn::FindInMap');
  if (Array.isArray(f) && f[0] === name) return true;
  return Object.keys(v).some((k) => readsMapping(v[k], name));
}

/**
 * Launch templates and configurations whose text is the same but which read a mapping whose
 * values change, or a parameter whose Default changes: CloudFormation resolves them anew, so they
 * change at deploy time (a new launch template version; for a default, unless the update passes a
 * value for the parameter).
 */
export function indirectChanges(oldResources: Obj, newResources: Obj, changedNames: ReadonlySet<string>, mappings: readonly string[], defaults: readonly string[]): ChangedResource[] {
  const out: ChangedResource[] = [];
  for (const name of Object.keys(newResources)) {
    const r = newResources[name];
    if (changedNames.has(name) || !isObj(r) || !isObj(own(oldResources, name))) continue;
    if (r.Type !== 'AWS::EC2::LaunchTemplate' && r.Type !== 'AWS::AutoScaling::LaunchConfiguration') continue;
    const props = isObj(r.Properties) ? r.Properties : {};
    const properties: string[] = [];
    const why: string[] = [];
    for (const p of Object.keys(props)) {
      const m = mappings.filter((x) => readsMapping(props[p], x));
      const d = defaults.filter((x) => mentions(props[p], x));
      if (!m.length && !d.length) continue;
      properties.push(p);
      for (const x of m) why.push(`it reads Mappings ${x}, whose values change: nodes of a type whose value changes`);
      for (const x of d) why.push(`it uses the new default of ${x}, unless the update passes a value for it`);
    }
    if (properties.length) out.push({ name, impact: 'update', properties, via: [...new Set(why)].join('; ') });
  }
  return out;
}

/** Properties of an Auto Scaling group whose change invokes its update policy. */
export const POLICY_TRIGGERS: readonly string[] = Object.freeze(['LaunchConfigurationName', 'LaunchTemplate', 'MixedInstancesPolicy', 'VPCZoneIdentifier', 'PlacementGroup']);

/** `{ Ref: name }` or `{ 'Fn::GetAtt': [name, attr] }` (long form, normalised). */
function refersTo(v: unknown, name: string, attribute?: string): boolean {
  if (!isObj(v)) return false;
  if (own(v, 'Ref') === name) return attribute === undefined;
  const g = own(v, 'Fn::GetAtt');
  return Array.isArray(g) && g[0] === name && (attribute === undefined || g[1] === attribute);
}

/** True when `v` names `name` anywhere inside (Ref or GetAtt). */
function mentions(v: unknown, name: string): boolean {
  if (refersTo(v, name)) return true;
  if (Array.isArray(v)) return v.some((x) => mentions(x, name));
  return isObj(v) && Object.keys(v).some((k) => mentions(v[k], name));
}

/** The condition names of the Fn::If found in `v` (empty when none). */
function conditionsIn(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => conditionsIn(x, out));
  else if (isObj(v)) {
    const fn = own(v, 'Fn::If');
    if (Array.isArray(fn) && typeof fn[0] === 'string' && !out.includes(fn[0])) out.push(fn[0]);
    for (const k of Object.keys(v)) conditionsIn(v[k], out);
  }
  return out;
}

/** How the group's update policy (in the new template) handles a triggering change. */
function policyOf(group: Obj): Pick<NodeReplacement, 'how' | 'rollingUpdate' | 'conditions'> {
  const policy = own(group, 'UpdatePolicy');
  const conditions = conditionsIn(policy);
  if (conditions.length) return { how: 'conditional', conditions };
  if (isObj(policy)) {
    const replacing = own(policy, 'AutoScalingReplacingUpdate');
    const willReplace = isObj(replacing) ? own(replacing, 'WillReplace') : undefined;
    if (willReplace === true || willReplace === 'true') return { how: 'replacing' };
    const rolling = own(policy, 'AutoScalingRollingUpdate');
    if (isObj(rolling)) {
      const r: NonNullable<NodeReplacement['rollingUpdate']> = { maxBatchSize: own(rolling, 'MaxBatchSize') ?? 1, minInstancesInService: own(rolling, 'MinInstancesInService') ?? 0 };
      if (own(rolling, 'PauseTime') !== undefined) r.pauseTime = own(rolling, 'PauseTime');
      if (own(rolling, 'WaitOnResourceSignals') !== undefined) r.waitOnResourceSignals = own(rolling, 'WaitOnResourceSignals');
      return { how: 'rolling', rollingUpdate: r };
    }
  }
  return { how: 'new-nodes-only' };
}

/**
 * The Auto Scaling groups (present in both templates) whose nodes an update concerns, given the
 * resources that change (with their impact and the top-level properties that change). Templates
 * in long form, normalised as the diff does.
 */
export function nodeReplacements(
  oldResources: Obj,
  newResources: Obj,
  changed: readonly ChangedResource[],
): NodeReplacement[] {
  const out: NodeReplacement[] = [];
  const changedByName = new Map(changed.map((c) => [c.name, c]));
  for (const name of Object.keys(newResources)) {
    const group = newResources[name];
    if (!isObj(group) || group.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue;
    const before = own(oldResources, name);
    if (!isObj(before) || before.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue; // a new group: new nodes anyway
    const props = isObj(group.Properties) ? group.Properties : {};
    const self = changedByName.get(name);
    if (self && (self.impact === 'replace' || self.impact === 'may-replace')) {
      const which = self.properties.length ? `its ${self.properties.join(', ')} ${self.properties.length === 1 ? 'changes' : 'change'}` : 'it changes';
      out.push({ autoScalingGroup: name, cause: `${which}${self.impact === 'may-replace' ? ' (may replace the group)' : ''}`, how: 'group-replaced' });
      continue;
    }
    const causes: string[] = [];
    const newNodesOnly: string[] = [];
    const conditions: string[] = [];
    const mixed: string[] = [];
    let pinned: unknown;
    const mixedTypes = mixedChanges(name, oldResources, newResources, changed);
    if (mixedTypes) {
      causes.push(...mixedTypes.causes);
    } else {
      for (const p of POLICY_TRIGGERS) if (self?.properties.includes(p)) causes.push(`its ${p} changes`);
    }
    // The launch template every node launches with: the group's own, or that of a MixedInstancesPolicy whose overrides name none of their own.
    const spec = own(props, 'LaunchTemplate') ?? (mixedTypes ? undefined : commonLaunchTemplate(own(props, 'MixedInstancesPolicy')));
    for (const c of changed) {
      const res = own(newResources, c.name);
      // A change outside Properties (Metadata, DependsOn, …) makes no new launch template version.
      if (c.name === name || !isObj(res) || c.properties.length === 0) continue;
      if (res.Type === 'AWS::AutoScaling::LaunchConfiguration') {
        // Every property of a launch configuration replaces it: the group gets a new one.
        if (refersTo(own(props, 'LaunchConfigurationName'), c.name)) causes.push(`${c.name} changes${c.via ? ` (${c.via})` : ''}`);
        else if (mentions(own(props, 'LaunchConfigurationName'), c.name)) conditionsIn(own(props, 'LaunchConfigurationName'), conditions);
        continue;
      }
      if (res.Type !== 'AWS::EC2::LaunchTemplate') continue;
      if (!mentions(spec, c.name)) {
        if (mentions(own(props, 'MixedInstancesPolicy'), c.name) && !mixedTypes) mixed.push(c.name);
        continue;
      }
      const specConditions = conditionsIn(spec);
      if (specConditions.length || !isObj(spec)) {
        conditionsIn(spec, conditions);
        continue;
      }
      const version = own(spec, 'Version') ?? '$Default';
      if (c.impact === 'replace' || c.impact === 'may-replace' || refersTo(version, c.name, 'LatestVersionNumber')) causes.push(`${c.name} changes${c.via ? ` (${c.via})` : ''}`);
      else if (version === '$Latest') newNodesOnly.push(`${c.name} changes (the group launches its $Latest version)`);
      else pinned = version;
    }
    if (causes.length) out.push({ autoScalingGroup: name, cause: causes.join(mixedTypes ? '; ' : ', '), ...policyOf(group), ...(mixedTypes?.types.length ? { instanceTypes: mixedTypes.types, groupTypes: mixedTypes.count } : {}) });
    else if (conditions.length) out.push({ autoScalingGroup: name, cause: 'its launch template or configuration changes', how: 'conditional', conditions });
    else if (mixed.length) out.push({ autoScalingGroup: name, cause: `${mixed.join(', ')} ${mixed.length === 1 ? 'changes' : 'change'} (used through a MixedInstancesPolicy whose overrides this cannot read)`, how: 'not-determined' });
    else if (newNodesOnly.length) out.push({ autoScalingGroup: name, cause: newNodesOnly.join(', '), how: 'new-nodes-only' });
    else if (pinned !== undefined) out.push({ autoScalingGroup: name, cause: 'its launch template changes', how: 'version-pinned', version: pinned });
  }
  return out;
}

/**
 * A MixedInstancesPolicy's LaunchTemplateSpecification when every node launches with it: no
 * override names a launch template of its own (none at all, or only InstanceType/InstanceRequirements
 * and weights). Undefined otherwise.
 */
function commonLaunchTemplate(policy: unknown): unknown {
  const lt = isObj(policy) ? own(policy, 'LaunchTemplate') : undefined;
  if (!isObj(lt)) return undefined;
  const overrides = own(lt, 'Overrides');
  if (overrides !== undefined && (!Array.isArray(overrides) || overrides.some((o) => !isObj(o) || own(o, 'LaunchTemplateSpecification') !== undefined))) return undefined;
  return own(lt, 'LaunchTemplateSpecification');
}

/**
 * A mixed-instances group (its overrides read with mixedOverrides, each naming its launch template
 * by Ref, their versions by LatestVersionNumber): what changes for which types. Undefined when the
 * group has no such policy (in both templates) or one this does not read.
 */
function mixedChanges(group: string, oldResources: Obj, newResources: Obj, changed: readonly ChangedResource[]): { causes: string[]; types: string[]; count: number } | undefined {
  const after = mixedOverrides({ Resources: newResources }).filter((o) => o.group === group);
  const before = mixedOverrides({ Resources: oldResources }).filter((o) => o.group === group);
  const policy = (r: Obj): Obj | undefined => {
    const g = own(r, group);
    const p = isObj(g) && isObj(g.Properties) ? own(g.Properties, 'MixedInstancesPolicy') : undefined;
    return isObj(p) ? p : undefined;
  };
  if (!after.length && before.length && policy(newResources) === undefined) {
    const types = before.map((o) => o.instanceType);
    return { causes: [`it stops being a mixed-instances group (${plural(types.length, 'type')}: ${types.join(', ')}): its nodes come back as the one type of its LaunchTemplate`], types: [], count: 0 };
  }
  if (!after.length || after.some((o) => o.launchTemplate === undefined)) return undefined;
  const was = new Map(before.map((o) => [o.instanceType, o.launchTemplate]));
  const now = new Map(after.map((o) => [o.instanceType, o.launchTemplate!]));
  const changedTemplates = new Map(changed.filter((c) => c.properties.length && isObj(own(newResources, c.name))).map((c) => [c.name, c]));
  const causes: string[] = [];
  const types = new Set<string>();
  const byTemplate = new Map<string, string[]>();
  for (const [t, lt] of now) {
    if (changedTemplates.has(lt) && was.get(t) === lt) byTemplate.set(lt, [...(byTemplate.get(lt) ?? []), t]);
  }
  for (const [lt, ts] of byTemplate) {
    const via = changedTemplates.get(lt)!.via;
    causes.push(`${lt} changes${via ? ` (${via})` : ''}: ${ts.join(', ')}`);
    ts.forEach((t) => types.add(t));
  }
  const added = [...now.keys()].filter((t) => !was.has(t));
  const removed = [...was.keys()].filter((t) => !now.has(t));
  const moved = [...now.keys()].filter((t) => was.has(t) && was.get(t) !== now.get(t));
  if (added.length) causes.push(`${plural(added.length, 'type')} added: ${added.join(', ')}`);
  if (removed.length) causes.push(`${plural(removed.length, 'type')} removed (its nodes go): ${removed.join(', ')}`);
  for (const t of moved) causes.push(`${t} moves from ${was.get(t)} to ${now.get(t)}`);
  [...added, ...moved].forEach((t) => types.add(t));
  if (!before.length) return { causes: ['it becomes a mixed-instances group'], types: [...now.keys()], count: now.size };
  const [oldPolicy, newPolicy] = [policy(oldResources) ?? {}, policy(newResources) ?? {}];
  if (!cfnEqual(own(oldPolicy, 'InstancesDistribution') ?? {}, own(newPolicy, 'InstancesDistribution') ?? {})) causes.push('its purchase options (InstancesDistribution) change');
  // Anything else in the policy (weights, the order of the overrides): the group's MixedInstancesPolicy changes all the same.
  if (!causes.length && !cfnEqual(oldPolicy, newPolicy)) causes.push('its MixedInstancesPolicy changes (override order or weights)');
  return { causes, types: [...now.keys()].filter((t) => types.has(t)), count: now.size };
}
