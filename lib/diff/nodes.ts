/**
 * What an update does to the running nodes. CloudFormation updates a launch template in place (a
 * new version) and reports no change to the Auto Scaling group; the nodes are replaced only through
 * the group's UpdatePolicy, which CloudFormation applies when the group's launch configuration,
 * launch template, VPCZoneIdentifier or PlacementGroup changes (AWS CloudFormation User Guide,
 * "UpdatePolicy attribute"). Without an UpdatePolicy the group keeps its running instances: only
 * nodes launched later get the new configuration (e.g. a new max pods). This is the impact a node
 * group's owner cares about most, so the diff states it per Auto Scaling group.
 */
import type { Impact } from './impact';

/** How the nodes of one Auto Scaling group are affected by the update. */
export type NodeUpdate =
  /** UpdatePolicy AutoScalingRollingUpdate: every node is replaced, a batch at a time. */
  | 'rolling'
  /** UpdatePolicy AutoScalingReplacingUpdate with WillReplace: a new group replaces the old one. */
  | 'replacing'
  /** No update policy: running nodes keep the old configuration; nodes launched later get the new one. */
  | 'new-nodes-only'
  /**
   * The group's launch template Version is not `!GetAtt <template>.LatestVersionNumber`: CloudFormation
   * does not update the group, so running nodes keep their configuration; whether nodes launched
   * later get the change depends on that Version.
   */
  | 'version-pinned';

export interface NodeReplacement {
  /** Logical ID of the Auto Scaling group. */
  autoScalingGroup: string;
  /** Why the group's nodes are concerned, e.g. "NodeLaunchTemplate changes". */
  cause: string;
  how: NodeUpdate;
  /** The rolling update's settings as written (numbers, text or intrinsic functions). */
  rollingUpdate?: { maxBatchSize?: unknown; minInstancesInService?: unknown; pauseTime?: unknown };
  /** For 'version-pinned': the Version the group asks for. */
  version?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: Obj, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** Properties of an Auto Scaling group whose change invokes its update policy. */
export const POLICY_TRIGGERS: readonly string[] = Object.freeze(['LaunchConfigurationName', 'LaunchTemplate', 'VPCZoneIdentifier', 'PlacementGroup']);

const LAUNCH_TYPES = new Set(['AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration']);

/** `{ Ref: name }` or `{ 'Fn::GetAtt': [name, attr] }` (long form, normalised). */
function refersTo(v: unknown, name: string, attribute?: string): boolean {
  if (!isObj(v)) return false;
  if (own(v, 'Ref') === name) return attribute === undefined;
  const g = own(v, 'Fn::GetAtt');
  return Array.isArray(g) && g[0] === name && (attribute === undefined || g[1] === attribute);
}

/** How the group's update policy (in the new template) handles a triggering change. */
function policyOf(group: Obj): Pick<NodeReplacement, 'how' | 'rollingUpdate'> {
  const policy = own(group, 'UpdatePolicy');
  if (isObj(policy)) {
    const replacing = own(policy, 'AutoScalingReplacingUpdate');
    const willReplace = isObj(replacing) ? own(replacing, 'WillReplace') : undefined;
    if (willReplace === true || willReplace === 'true') return { how: 'replacing' };
    const rolling = own(policy, 'AutoScalingRollingUpdate');
    if (isObj(rolling)) {
      return {
        how: 'rolling',
        rollingUpdate: { maxBatchSize: own(rolling, 'MaxBatchSize') ?? 1, minInstancesInService: own(rolling, 'MinInstancesInService') ?? 0, pauseTime: own(rolling, 'PauseTime') },
      };
    }
  }
  return { how: 'new-nodes-only' };
}

/**
 * The Auto Scaling groups (present in both templates) whose nodes an update concerns, given the
 * resources that change and their impact. Templates in long form, normalised as the diff does.
 */
export function nodeReplacements(
  oldResources: Obj,
  newResources: Obj,
  changed: readonly { name: string; impact?: Impact; properties: readonly string[] }[],
): NodeReplacement[] {
  const out: NodeReplacement[] = [];
  const changedByName = new Map(changed.map((c) => [c.name, c]));
  for (const name of Object.keys(newResources)) {
    const group = newResources[name];
    if (!isObj(group) || group.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue;
    const before = own(oldResources, name);
    if (!isObj(before) || before.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue; // created or replaced: new nodes anyway
    const props = isObj(group.Properties) ? group.Properties : {};
    const causes: string[] = [];
    const newNodesOnly: string[] = [];
    let pinned: unknown;
    const self = changedByName.get(name);
    for (const p of POLICY_TRIGGERS) if (self?.properties.includes(p)) causes.push(`its ${p} changes`);
    for (const c of changed) {
      const res = own(newResources, c.name);
      if (c.name === name || !isObj(res) || typeof res.Type !== 'string' || !LAUNCH_TYPES.has(res.Type)) continue;
      if (res.Type === 'AWS::AutoScaling::LaunchConfiguration') {
        // Every property of a launch configuration replaces it: the group gets a new one.
        if (refersTo(own(props, 'LaunchConfigurationName'), c.name)) causes.push(`${c.name} changes`);
        continue;
      }
      const spec = own(props, 'LaunchTemplate');
      if (!isObj(spec) || !(refersTo(own(spec, 'LaunchTemplateId'), c.name) || refersTo(own(spec, 'LaunchTemplateName'), c.name))) continue;
      const version = own(spec, 'Version');
      if (c.impact === 'replace' || c.impact === 'may-replace' || refersTo(version, c.name, 'LatestVersionNumber')) causes.push(`${c.name} changes`);
      else if (version === '$Latest') newNodesOnly.push(`${c.name} changes (the group launches its $Latest version)`);
      else pinned = version;
    }
    if (causes.length) out.push({ autoScalingGroup: name, cause: causes.join(', '), ...policyOf(group) });
    else if (newNodesOnly.length) out.push({ autoScalingGroup: name, cause: newNodesOnly.join(', '), how: 'new-nodes-only' });
    else if (pinned !== undefined) out.push({ autoScalingGroup: name, cause: 'its launch template changes', how: 'version-pinned', version: pinned });
  }
  return out;
}
