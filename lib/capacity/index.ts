/**
 * Pod capacity simulator: how many of a workload's pods run on EKS nodes, and why the others stay
 * `Pending` or `ContainerCreating`. Pure: no I/O.
 *
 * Four limits act on pods (Amazon VPC CNI: aws/amazon-vpc-cni-k8s docs; kube-scheduler's
 * NodeResourcesFit filter):
 * - kubelet `maxPods` counts ALL pods on the node, DaemonSets and host-network pods included. The
 *   scheduler places no pod on a full node: the pod stays `Pending`, event `FailedScheduling`
 *   ("0/N nodes are available: N Too many pods."; older Kubernetes said "Insufficient pods").
 * - CPU and memory requests: a pod fits where the requests of the pods already there plus its own
 *   stay within the node's allocatable (lib/max-pods/resources.ts); otherwise `Pending` with
 *   "Insufficient cpu" / "Insufficient memory". A pod without a request for a resource always
 *   fits that resource. The scheduler lists every node's reasons, counted, sorted as strings.
 * - Pod IPs: ENIs used × pod IPs per ENI (from lib/max-pods: secondary IPs, × 16 with prefix
 *   delegation, the primary ENI dropped with custom networking). Only pods NOT on the host network
 *   take one. The scheduler does not see IPs: when `maxPods` is set above what the IPs allow, the
 *   pod is scheduled and stays `ContainerCreating`, event `FailedCreatePodSandBox … failed to
 *   assign an IP address to container`.
 *
 * Placement rule (deterministic):
 * 1. DaemonSets first, in list order: one pod on every node where it fits.
 * 2. Then Deployments (system ones in list order, the workload last): pods go one at a time to the
 *    node with the fewest scheduled pods (ties: lowest node number) among the nodes where the pod
 *    fits. This is the even spreading the default scheduler's scoring gives identical pods; with
 *    one node per replica it puts CoreDNS replicas one per node.
 * 3. On each node, pod IPs go to pods in the order they were scheduled: system pods first.
 *
 * A mix of instance types (`mix`) uses the same rule over nodes that differ: each node has its own
 * maxPods, pod IPs and allocatable (from its type; a `maxPods` set by hand applies to every node).
 * Node order is the mix order: all nodes of the first type, then the next, so ties go to the
 * first type. The Pending message counts every node's own reasons.
 */
import { badOption, checkTree, EksNodegroupError, plural, requireInteger } from '../core';
import { compareBySize, getInstanceType, listInstanceTypes, type InstanceTypeFacts } from '../instance-types';

export { compareBySize } from '../instance-types';
import {
  AMI_FAMILIES,
  explainMaxPods,
  explainMaxPodsFromFacts,
  maxPodsTable,
  nodeResourcesFromFacts,
  type AmiFamily,
  type MaxPodsExplanation,
  type MaxPodsOptions,
  type NodeResources,
} from '../max-pods';
import { MAX_MIXED_TYPES } from '../nodegroup/mixed';
import { DEFAULTS } from '../nodegroup/options';
import { checkRequests, formatMemory, formatRequests, hasRequests, NO_REQUESTS, type Requested, type ResourceRequests } from './requests';
import { isDnsLabel, resolveSystemPods, type SystemPod, type SystemPodPreset } from './system-pods';

/** Kubernetes' supported cluster limits: pods and nodes per cluster. */
export const MAX_CLUSTER_PODS = 150_000;
export const MAX_CLUSTER_NODES = 5_000;

export {
  SYSTEM_POD_PRESETS,
  SYSTEM_POD_PRESET_NAMES,
  DEFAULT_SYSTEM_PODS,
  checkSystemPods,
  parseSystemPods,
  resolveSystemPods,
  type SystemPod,
  type SystemPodKind,
  type SystemPodPreset,
} from './system-pods';
export { parseRequestsFlag, type ResourceRequests, type Requested } from './requests';

/** Raw node numbers, for a type the data does not know (or a what-if). */
export interface RawNodeFacts {
  /** Shown in the output; default `custom`. */
  name?: string;
  /** ENIs on the default network card. */
  defaultCardEnis: number;
  /** IPv4 addresses per ENI. */
  ipv4PerEni: number;
  /** Prefix delegation applies only to `nitro` (or bare metal). Default: not reported. */
  hypervisor?: 'nitro' | 'xen';
  bareMetal?: boolean;
  /** Needed for the recommended cap and for CPU requests. */
  vcpus?: number;
  /** EC2's memory figure (MiB); needed for memory requests. */
  memoryMiB?: number;
}

/** Nodes of one instance type in a mix. */
export interface MixEntry {
  instanceType: string | InstanceTypeFacts;
  /** How many nodes of this type (≥ 1). */
  count: number;
}

/** At most 40 instance types in one Auto Scaling group's MixedInstancesPolicy (EC2 Auto Scaling API). */
/** An Auto Scaling group's limit of instance types (EC2 Auto Scaling). */
export const MAX_MIX_TYPES = MAX_MIXED_TYPES;

/** What to simulate. Give `instanceType`, `facts` or `mix`. */
export interface SimulatePodsOptions {
  /** A known EC2 instance type (e.g. `t2.micro`) or its facts. */
  instanceType?: string | InstanceTypeFacts;
  /** Raw ENI/IP numbers instead of an instance type. */
  facts?: RawNodeFacts;
  /** Nodes of several types, in this order, instead of `instanceType`/`facts` and `nodes`. */
  mix?: readonly MixEntry[];
  /** kubelet maxPods as configured on the node (with a mix: on every node). Default: what the max-pods rules compute. */
  maxPods?: number;
  /** Max-pods modes (prefix delegation, custom networking, max ENIs, cap, …). */
  maxPodsOptions?: MaxPodsOptions;
  /** The AMI family of the nodes: it decides kube-reserved, so allocatable. Default al2023. */
  amiFamily?: AmiFamily;
  /** A preset or a list; default `eks-current`. */
  systemPods?: SystemPodPreset | readonly SystemPod[];
  /** Workload replicas (≥ 1). */
  replicas: number;
  /** What one workload pod requests, e.g. `{ cpu: '250m', memory: '512Mi' }`. Default: nothing. */
  requests?: ResourceRequests;
  /** Nodes (an ASG's desired capacity); default 1. */
  nodes?: number;
  /** Workload name (a Kubernetes name); default `app`. Pods are `<name>-<n>`. */
  name?: string;
  /** Workload namespace; default `default`. */
  namespace?: string;
}

export type PodStatus = 'Running' | 'ContainerCreating' | 'Pending';
/** A limit that stops pods: kubelet maxPods, pod IPs, CPU or memory requests. */
export type LimitName = 'maxPods' | 'podIps' | 'cpu' | 'memory';
/** Which limit stops the workload first on a node; `both` when maxPods and pod IPs allow the same number. */
export type Limit = LimitName | 'both';

/** The event `kubectl describe pod` / `kubectl get events` shows for a pod that does not run. */
export interface PodEvent {
  type: 'Warning';
  reason: 'FailedScheduling' | 'FailedCreatePodSandBox';
  /** Who reports it: `default-scheduler` or `kubelet`. */
  from: 'default-scheduler' | 'kubelet';
  message: string;
}

/** Pods of one owner on one node (or unscheduled: node null) with one status. */
export interface PodGroup {
  owner: string;
  namespace: string;
  system: boolean;
  hostNetwork: boolean;
  node: string | null;
  status: PodStatus;
  count: number;
  event?: PodEvent;
  /** For pods that do not run: the limits that stopped them (Pending: the scheduler's reasons; ContainerCreating: podIps). */
  limitedBy?: LimitName[];
}

export interface NodeCapacity {
  node: string;
  /** With a mix only: the node's instance type. */
  instanceType?: string;
  /** System pods scheduled here (they count against maxPods), with how many of each. */
  systemPods: { name: string; count: number; hostNetwork: boolean }[];
  /** Scheduled system pods: they count against maxPods. */
  systemPodCount: number;
  /** Of those, pods on the host network (use the node's IP). */
  systemHostNetworkPods: number;
  /** Pod IPs taken by system pods. */
  systemPodIps: number;
  /** maxPods − scheduled system pods. */
  slotsForWorkload: number;
  /** Pod IPs − IPs taken by system pods. */
  ipsForWorkload: number;
  /** What the scheduled system pods request. */
  systemRequests: Requested;
  /** Allocatable − system pods' requests; null where CPU and memory are not modelled. */
  cpuForWorkload: number | null;
  memoryMiBForWorkload: number | null;
  /** Workload pods this node can run: min(slots, IPs, and what CPU and memory allow the workload's requests). */
  workloadCapacity: number;
  firstLimit: Limit;
  workload: { scheduled: number; running: number; containerCreating: number };
}

/** One instance type of the simulated nodes, with its per-node numbers. */
export interface SimulatedType {
  instanceType: string;
  /** Nodes of this type. */
  count: number;
  maxPods: number;
  enisUsed: number;
  podIpsPerEni: number;
  podIps: number;
  resources: NodeResources | null;
  maxPodsExplanation: MaxPodsExplanation;
}

export interface PodSimulation {
  /** Workload pods Running. */
  running: number;
  /** Workload pods scheduled but without a pod IP. */
  containerCreating: number;
  /** Workload pods the scheduler could not place. */
  pending: number;
  replicas: number;
  workload: string;
  namespace: string;
  /** The instance type; with a mix, the mix as TYPE:COUNT pairs (`m5.large:2,m7g.large:1`). */
  instanceType: string;
  nodes: number;
  /** With a mix only: each type's numbers, in mix order. The single-type fields below then describe the first type (node-1's). */
  mix?: SimulatedType[];
  /** kubelet maxPods on every node. */
  maxPods: number;
  /** True when maxPods was set by hand (maxPods option or the override mode). */
  maxPodsSetByHand: boolean;
  /** ENIs that carry pod IPs, pod IPs per ENI and per node (from lib/max-pods). */
  enisUsed: number;
  podIpsPerEni: number;
  podIps: number;
  /** What each node keeps for kubelet and leaves for pods; null without vCPU and memory figures (requests then go unchecked). */
  resources: NodeResources | null;
  /** What one workload pod requests. */
  requests: Requested;
  /** Same limit binds first on every node, or `mixed`. */
  firstLimit: Limit | 'mixed';
  /** Which limits actually stopped workload pods. */
  limitsReached: Record<LimitName, boolean>;
  systemPods: SystemPod[];
  /** System pods that do not run (they take slots or IPs the workload might have expected). */
  systemPodsNotRunning: number;
  perNode: NodeCapacity[];
  /** Every pod, grouped by owner, node and status (workload first, then system pods). */
  groups: PodGroup[];
  /** The reasoning in sentences. */
  explanation: string[];
  maxPodsExplanation: MaxPodsExplanation;
}

const DEFAULT_NAME = 'app';

export const SANDBOX_MESSAGE =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "…": ' +
  'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container';

/** kube-scheduler's words for each limit it sees (NodeResourcesFit). */
const REASON: Record<Exclude<LimitName, 'podIps'>, string> = { maxPods: 'Too many pods', cpu: 'Insufficient cpu', memory: 'Insufficient memory' };

/**
 * The scheduler's FailedScheduling message: each node's reasons counted, "count reason" sorted as
 * strings (kube-scheduler FitError.Error). A DaemonSet pod sees only its own node; the others
 * fail its node affinity.
 */
export function schedulingMessage(nodes: number, reasonsPerNode: readonly (readonly LimitName[])[], daemonSet = false): string {
  const counts = new Map<string, number>();
  for (const reasons of reasonsPerNode) for (const r of reasons) if (r !== 'podIps') counts.set(REASON[r], (counts.get(REASON[r]) ?? 0) + 1);
  if (daemonSet && nodes > 1) counts.set("node(s) didn't match Pod's node affinity/selector", nodes - 1);
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${nodes} nodes are available: ${parts.join(', ')}.`;
}

function pendingEvent(message: string): PodEvent {
  return { type: 'Warning', reason: 'FailedScheduling', from: 'default-scheduler', message };
}

const SANDBOX_EVENT: PodEvent = { type: 'Warning', reason: 'FailedCreatePodSandBox', from: 'kubelet', message: SANDBOX_MESSAGE };

function nodeName(i: number): string {
  return `node-${i + 1}`;
}

/** The node: its max-pods explanation and what it leaves for pods (a known type or raw numbers). */
interface NodeFacts {
  explained: MaxPodsExplanation;
  /** Facts nodeResourcesFromFacts reads (vCPUs, memory, architecture). */
  facts: Pick<InstanceTypeFacts, 'vcpus' | 'memoryMiB' | 'architecture'>;
  /** The plain ENI-formula max pods (what nodeadm and bootstrap.sh reserve memory for). */
  plainMaxPods: number;
}

function nodeFacts(o: SimulatePodsOptions, modes: MaxPodsOptions): NodeFacts {
  if (o.instanceType !== undefined && o.facts !== undefined) {
    throw new EksNodegroupError('BAD_USAGE', 'give an instance type or raw facts (ENIs, IPs per ENI), not both');
  }
  if (o.facts !== undefined) {
    const f = o.facts;
    if (f === null || typeof f !== 'object') throw badOption('facts', f, '{ defaultCardEnis, ipv4PerEni, … }');
    requireInteger('facts.defaultCardEnis', f.defaultCardEnis, 1);
    requireInteger('facts.ipv4PerEni', f.ipv4PerEni, 1);
    if (f.vcpus !== undefined) requireInteger('facts.vcpus', f.vcpus, 1);
    if (f.memoryMiB !== undefined) requireInteger('facts.memoryMiB', f.memoryMiB, 1);
    if (f.hypervisor !== undefined && f.hypervisor !== 'nitro' && f.hypervisor !== 'xen') throw badOption('facts.hypervisor', f.hypervisor, 'nitro or xen');
    const inputs = {
      instanceType: f.name ?? 'custom',
      defaultCardEnis: f.defaultCardEnis,
      ipv4PerEni: f.ipv4PerEni,
      bareMetal: f.bareMetal === true,
      ...(f.hypervisor !== undefined ? { hypervisor: f.hypervisor } : {}),
      ...(f.vcpus !== undefined ? { vcpus: f.vcpus } : {}),
    };
    return { explained: explainMaxPodsFromFacts(inputs, modes), facts: { vcpus: f.vcpus, memoryMiB: f.memoryMiB }, plainMaxPods: explainMaxPodsFromFacts(inputs).maxPods };
  }
  if (o.instanceType === undefined) {
    throw new EksNodegroupError('BAD_USAGE', 'name an instance type (e.g. m5.large) or give raw facts (ENIs, IPs per ENI)');
  }
  const facts = typeof o.instanceType === 'string' ? getInstanceType(o.instanceType) : o.instanceType;
  return { explained: explainMaxPods(facts, modes), facts, plainMaxPods: explainMaxPods(facts).maxPods };
}

/** What the node leaves for pods with kubelet at `maxPods`, or null without vCPU and memory figures. */
function resourcesOf(node: NodeFacts, family: AmiFamily, maxPods: number): NodeResources | null {
  return nodeResourcesFromFacts(node.facts as InstanceTypeFacts, family, maxPods, node.plainMaxPods) ?? null;
}

/** Nodes of one type, as place() sees them: maxPods (by hand or the type's), pod IPs, allocatable. */
interface NodeType {
  explained: MaxPodsExplanation;
  maxPods: number;
  resources: NodeResources | null;
  count: number;
}

/** `count` nodes of the type (or raw facts) that `o` names; maxPods and allocatable follow `o`. */
function nodeType(o: SimulatePodsOptions, modes: MaxPodsOptions, count: number): NodeType {
  const node = nodeFacts(o, modes);
  const maxPods = o.maxPods ?? node.explained.maxPods;
  return { explained: node.explained, maxPods, resources: resourcesOf(node, o.amiFamily ?? DEFAULTS.amiFamily, maxPods), count };
}

/** The node types to simulate: the one type on `nodes` nodes, or each type of the mix, in order. */
function nodeTypes(o: SimulatePodsOptions, modes: MaxPodsOptions): NodeType[] {
  if (o.mix === undefined) return [nodeType(o, modes, o.nodes ?? 1)];
  const types = o.mix.map((m) => nodeType({ ...o, instanceType: m.instanceType }, modes, m.count));
  const names = types.map((t) => t.explained.instanceType);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new EksNodegroupError('BAD_OPTION', `mix: ${twice} is listed twice; give each instance type once (add up its counts)`);
  return types;
}

/**
 * Places `count` pods on nodes: one at a time on the node with the fewest scheduled pods (ties:
 * lowest index), skipping nodes at their ceiling (`limit`: one for all nodes, or one per node).
 * Computed by levels, not pod by pod: O(nodes × log limit). Returns the pods added per node;
 * `total` is updated.
 */
export function spreadPods(total: number[], limit: number | readonly number[], count: number): number[] {
  const ceiling = (i: number): number => (typeof limit === 'number' ? limit : limit[i]);
  const added = total.map(() => 0);
  const room = total.reduce((s, t, i) => s + Math.max(0, ceiling(i) - t), 0);
  if (room <= count) {
    total.forEach((t, i) => {
      added[i] = Math.max(0, ceiling(i) - t);
      total[i] = Math.max(t, ceiling(i));
    });
    return added;
  }
  // Pods needed to raise every node to `level` (never above its ceiling).
  const upTo = (level: number): number => total.reduce((s, t, i) => s + Math.max(0, Math.min(level, ceiling(i)) - t), 0);
  let lo = 0; // upTo(lo) ≤ count
  let hi = total.reduce((m, _, i) => Math.max(m, ceiling(i)), 0); // upTo(hi) = room > count
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (upTo(mid) <= count) lo = mid;
    else hi = mid;
  }
  let rest = count - upTo(lo);
  total.forEach((t, i) => {
    added[i] = Math.max(0, Math.min(lo, ceiling(i)) - t);
  });
  // Nodes now at `lo`, below their ceiling, take one more each, lowest index first.
  for (let i = 0; i < total.length && rest > 0; i++) {
    if (total[i] + added[i] === lo && lo < ceiling(i)) {
      added[i]++;
      rest--;
    }
  }
  total.forEach((t, i) => {
    total[i] = t + added[i];
  });
  return added;
}

const OPTION_KEYS = ['instanceType', 'facts', 'mix', 'maxPods', 'maxPodsOptions', 'amiFamily', 'systemPods', 'replicas', 'requests', 'nodes', 'name', 'namespace'];

function checkSimulateOptions(o: SimulatePodsOptions): Requested {
  if (o === null || typeof o !== 'object') throw badOption('options', o, 'an object { instanceType, replicas, … }');
  checkTree(o, 'pod simulation options');
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.includes(k)) throw badOption(`option "${k}"`, (o as unknown as Record<string, unknown>)[k], `one of ${OPTION_KEYS.join(', ')}`);
  }
  requireInteger('replicas', o.replicas, 1);
  if (o.nodes !== undefined) requireInteger('nodes', o.nodes, 1);
  // Kubernetes' tested limits (kubernetes.io "Considerations for large clusters"): 5,000 nodes and
  // 150,000 pods per cluster. Beyond them the simulation would describe no real cluster.
  if (o.replicas > MAX_CLUSTER_PODS) throw badOption('replicas', o.replicas, `a whole number from 1 to ${MAX_CLUSTER_PODS} (Kubernetes supports at most ${MAX_CLUSTER_PODS} pods per cluster)`);
  if (o.nodes !== undefined && o.nodes > MAX_CLUSTER_NODES) throw badOption('nodes', o.nodes, `a whole number from 1 to ${MAX_CLUSTER_NODES} (Kubernetes supports at most ${MAX_CLUSTER_NODES} nodes per cluster)`);
  if (o.maxPods !== undefined) requireInteger('maxPods', o.maxPods, 1);
  if (o.mix !== undefined) checkMix(o);
  if (o.name !== undefined && !isDnsLabel(o.name)) throw badOption('name', o.name, 'a Kubernetes name: lowercase letters, digits and "-", at most 63 characters');
  if (o.namespace !== undefined && !isDnsLabel(o.namespace)) throw badOption('namespace', o.namespace, 'a Kubernetes namespace name');
  if (o.amiFamily !== undefined && !AMI_FAMILIES.includes(o.amiFamily)) throw badOption('amiFamily', o.amiFamily, AMI_FAMILIES.join(', '));
  const override = o.maxPodsOptions?.override;
  if (o.maxPods !== undefined && override !== undefined && override !== o.maxPods) {
    throw badOption('maxPods', o.maxPods, `the same value as the max-pods override (${override}), or only one of them`);
  }
  return o.requests === undefined ? NO_REQUESTS : checkRequests('requests', o.requests);
}

/** A mix: 1 to 40 types (an Auto Scaling group's limit), counts ≥ 1, not with a single type or node count. */
function checkMix(o: SimulatePodsOptions): void {
  for (const k of ['instanceType', 'facts', 'nodes'] as const) {
    if (o[k] !== undefined) throw new EksNodegroupError('BAD_USAGE', `give mix or ${k}, not both: the mix names each instance type and its node count`);
  }
  const mix = o.mix as unknown;
  if (!Array.isArray(mix) || mix.length < 1 || mix.length > MAX_MIX_TYPES) {
    throw badOption('mix', mix, `a list of 1 to ${MAX_MIX_TYPES} { instanceType, count } (an Auto Scaling group takes at most ${MAX_MIX_TYPES} instance types)`);
  }
  mix.forEach((m: unknown, i) => {
    if (m === null || typeof m !== 'object' || Object.keys(m).some((k) => k !== 'instanceType' && k !== 'count')) throw badOption(`mix[${i}]`, m, '{ instanceType, count }');
    requireInteger(`mix[${i}].count`, (m as MixEntry).count, 1);
  });
  const total = (mix as MixEntry[]).reduce((n, m) => n + m.count, 0);
  if (total > MAX_CLUSTER_NODES) throw new EksNodegroupError('BAD_OPTION', `mix: ${total} nodes in all; Kubernetes supports at most ${MAX_CLUSTER_NODES} nodes per cluster`);
}

/** Parses `m5.large:2,m7g.large:1` (the --mix flag): TYPE:COUNT pairs, each type known, each count ≥ 1. */
export function parseMixFlag(text: string): MixEntry[] {
  return text.split(',').map((part) => {
    const m = /^\s*([^\s:]+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw badOption('--mix', part, 'TYPE:COUNT pairs, each count a whole number ≥ 1, e.g. m5.large:2,m7g.large:1');
    try {
      getInstanceType(m[1]);
    } catch (e) {
      throw e instanceof EksNodegroupError ? new EksNodegroupError(e.code, `--mix: ${e.message}`) : e;
    }
    return { instanceType: m[1], count: Number(m[2]) };
  });
}

/** `node-1, node-2`, or `node-1 … node-9 (9 nodes)`; with a mix the type is named. */
function nodeRange(names: string[], type?: string): string {
  if (names.length <= 2) return names.join(', ') + (type ? ` (${type})` : '');
  return `${names[0]} … ${names[names.length - 1]} (${names.length} ${type ? `${type} ` : ''}nodes)`;
}

/** Simulates the nodes and returns the workload's counts with the explanation. */
export function simulatePods(options: SimulatePodsOptions): PodSimulation {
  const requests = checkSimulateOptions(options);
  const types = nodeTypes(options, options.maxPodsOptions ?? {});
  const unknown = types.find((t) => t.resources === null);
  if (unknown && hasRequests(requests)) {
    throw badOption('requests', options.requests, `nothing for ${unknown.explained.instanceType}: its vCPUs or memory are unknown (with raw facts, give vcpus and memoryMiB)`);
  }
  const sim = place(options, types, resolveSystemPods(options.systemPods), requests);
  sim.explanation = explain(sim);
  return sim;
}

/** What a system pod requests. */
function requestsOf(p: SystemPod): Requested {
  return p.requests === undefined ? NO_REQUESTS : checkRequests(`systemPods ${p.name} requests`, p.requests);
}

/** The placement itself, on checked options (no explanation text): `types` give the nodes, in order. */
function place(options: SimulatePodsOptions, types: readonly NodeType[], systemPods: SystemPod[], requests: Requested): PodSimulation {
  const modes = options.maxPodsOptions ?? {};
  const typeOf = types.flatMap((t) => new Array<NodeType>(t.count).fill(t)); // node i → its type
  const K = typeOf.length;
  const setByHand = options.maxPods !== undefined || modes.override !== undefined;
  const workload = options.name ?? DEFAULT_NAME;
  const namespace = options.namespace ?? 'default';

  const total = new Array<number>(K).fill(0);
  const ipsUsed = new Array<number>(K).fill(0);
  const cpuUsed = new Array<number>(K).fill(0);
  const memoryUsed = new Array<number>(K).fill(0);
  const sysGroups: PodGroup[] = [];
  const perNodeSys: Map<string, { count: number; hostNetwork: boolean }>[] = total.map(() => new Map());
  let systemPodsNotRunning = 0;

  /** How many more pods requesting `r` node i takes: its free pod slots, then its CPU and memory. */
  const room = (i: number, r: Requested): number => {
    const { maxPods, resources } = typeOf[i];
    let n = Math.max(0, maxPods - total[i]);
    if (resources && r.cpuMillicores > 0) n = Math.min(n, Math.max(0, Math.floor((resources.allocatableCpuMillicores - cpuUsed[i]) / r.cpuMillicores)));
    if (resources && r.memoryMiB > 0) n = Math.min(n, Math.max(0, Math.floor((resources.allocatableMemoryMiB - memoryUsed[i]) / r.memoryMiB)));
    return n;
  };
  /** Why node i takes no more pods requesting `r`: the scheduler's reasons. */
  const misfit = (i: number, r: Requested): LimitName[] => {
    const { maxPods, resources } = typeOf[i];
    const why: LimitName[] = [];
    if (total[i] >= maxPods) why.push('maxPods');
    if (resources && r.cpuMillicores > 0 && cpuUsed[i] + r.cpuMillicores > resources.allocatableCpuMillicores) why.push('cpu');
    if (resources && r.memoryMiB > 0 && memoryUsed[i] + r.memoryMiB > resources.allocatableMemoryMiB) why.push('memory');
    return why;
  };
  const take = (i: number, n: number, r: Requested): void => {
    cpuUsed[i] += n * r.cpuMillicores;
    memoryUsed[i] += n * r.memoryMiB;
  };
  /** Places `count` pods requesting `r` by the spreading rule; returns the pods added per node. */
  const spread = (count: number, r: Requested): number[] => {
    const added = spreadPods(total, total.map((t, i) => t + room(i, r)), count);
    added.forEach((n, i) => take(i, n, r));
    return added;
  };
  /** The event and limits of pods requesting `r` that no node takes now. */
  const pendingOf = (r: Requested, onlyNode?: number): { event: PodEvent; limitedBy: LimitName[] } => {
    const reasons = onlyNode === undefined ? total.map((_, i) => misfit(i, r)) : [misfit(onlyNode, r)];
    const limitedBy = (['maxPods', 'cpu', 'memory'] as LimitName[]).filter((l) => reasons.some((x) => x.includes(l)));
    return { event: pendingEvent(schedulingMessage(K, reasons, onlyNode !== undefined)), limitedBy };
  };

  /** Gives IPs to `n` pods just scheduled on node i; returns how many got one. */
  const assignIps = (i: number, n: number, hostNetwork: boolean): number => {
    if (hostNetwork) return n;
    const got = Math.min(n, Math.max(0, typeOf[i].explained.podIps - ipsUsed[i]));
    ipsUsed[i] += got;
    return got;
  };
  const addSystem = (p: SystemPod, i: number | null, status: PodStatus, count: number, pending?: { event: PodEvent; limitedBy: LimitName[] }): void => {
    if (count <= 0) return;
    if (status !== 'Running') systemPodsNotRunning += count;
    const last = sysGroups[sysGroups.length - 1];
    const nodeLabel = i === null ? null : nodeName(i);
    if (last && last.owner === p.name && last.node === nodeLabel && last.status === status && last.event?.message === pending?.event.message) {
      last.count += count;
      return;
    }
    const g: PodGroup = {
      owner: p.name,
      namespace: p.namespace ?? 'kube-system',
      system: true,
      hostNetwork: p.hostNetwork === true,
      node: nodeLabel,
      status,
      count,
    };
    if (pending) Object.assign(g, pending);
    if (status === 'ContainerCreating') Object.assign(g, { event: SANDBOX_EVENT, limitedBy: ['podIps'] });
    sysGroups.push(g);
  };
  const noteOnNode = (i: number, p: SystemPod, n: number): void => {
    if (n <= 0) return;
    const m = perNodeSys[i];
    const e = m.get(p.name) ?? { count: 0, hostNetwork: p.hostNetwork === true };
    e.count += n;
    m.set(p.name, e);
  };

  // 1. DaemonSets: one pod per node, where it fits.
  for (const p of systemPods.filter((s) => s.kind === 'DaemonSet')) {
    const r = requestsOf(p);
    for (let i = 0; i < K; i++) {
      if (room(i, r) < 1) {
        addSystem(p, null, 'Pending', 1, pendingOf(r, i));
        continue;
      }
      total[i]++;
      take(i, 1, r);
      noteOnNode(i, p, 1);
      const ok = assignIps(i, 1, p.hostNetwork === true);
      addSystem(p, i, ok ? 'Running' : 'ContainerCreating', 1);
    }
  }
  // 2. System Deployments, spread.
  for (const p of systemPods.filter((s) => s.kind === 'Deployment')) {
    const r = requestsOf(p);
    const added = spread(p.replicas ?? 1, r);
    let placed = 0;
    added.forEach((n, i) => {
      if (!n) return;
      placed += n;
      noteOnNode(i, p, n);
      const ok = assignIps(i, n, p.hostNetwork === true);
      addSystem(p, i, 'Running', ok);
      addSystem(p, i, 'ContainerCreating', n - ok);
    });
    if ((p.replicas ?? 1) > placed) addSystem(p, null, 'Pending', (p.replicas ?? 1) - placed, pendingOf(r));
  }

  // Capacity left for the workload on each node, before it arrives.
  const perNode: NodeCapacity[] = total.map((t, i) => {
    const { maxPods, resources, explained } = typeOf[i];
    const sys = [...perNodeSys[i].entries()].map(([name, e]) => ({ name, count: e.count, hostNetwork: e.hostNetwork }));
    const slots = Math.max(0, maxPods - t);
    const ips = Math.max(0, explained.podIps - ipsUsed[i]);
    const cpuLeft = resources ? resources.allocatableCpuMillicores - cpuUsed[i] : null;
    const memoryLeft = resources ? resources.allocatableMemoryMiB - memoryUsed[i] : null;
    const byCpu = cpuLeft !== null && requests.cpuMillicores > 0 ? Math.max(0, Math.floor(cpuLeft / requests.cpuMillicores)) : Infinity;
    const byMemory = memoryLeft !== null && requests.memoryMiB > 0 ? Math.max(0, Math.floor(memoryLeft / requests.memoryMiB)) : Infinity;
    const capacity = Math.min(slots, ips, byCpu, byMemory);
    const firstLimit: Limit = byMemory === capacity ? 'memory' : byCpu === capacity ? 'cpu' : slots < ips ? 'maxPods' : ips < slots ? 'podIps' : 'both';
    return {
      node: nodeName(i),
      ...(options.mix ? { instanceType: explained.instanceType } : {}),
      systemPods: sys,
      systemPodCount: t,
      systemHostNetworkPods: sys.filter((s) => s.hostNetwork).reduce((s, e) => s + e.count, 0),
      systemPodIps: ipsUsed[i],
      slotsForWorkload: slots,
      ipsForWorkload: ips,
      systemRequests: { cpuMillicores: cpuUsed[i], memoryMiB: memoryUsed[i] },
      cpuForWorkload: cpuLeft,
      memoryMiBForWorkload: memoryLeft,
      workloadCapacity: capacity,
      firstLimit,
      workload: { scheduled: 0, running: 0, containerCreating: 0 },
    };
  });

  // 3. The workload.
  const added = spread(options.replicas, requests);
  const runningGroups: PodGroup[] = [];
  const creatingGroups: PodGroup[] = [];
  let running = 0;
  let containerCreating = 0;
  const base = { owner: workload, namespace, system: false, hostNetwork: false };
  added.forEach((n, i) => {
    if (!n) return;
    const ok = assignIps(i, n, false);
    perNode[i].workload = { scheduled: n, running: ok, containerCreating: n - ok };
    running += ok;
    containerCreating += n - ok;
    if (ok) runningGroups.push({ ...base, node: nodeName(i), status: 'Running', count: ok });
    if (n - ok) creatingGroups.push({ ...base, node: nodeName(i), status: 'ContainerCreating', count: n - ok, event: SANDBOX_EVENT, limitedBy: ['podIps'] });
  });
  const pending = options.replicas - running - containerCreating;
  const groups = [...runningGroups, ...creatingGroups];
  const stuck = pending ? pendingOf(requests) : undefined;
  if (stuck) groups.push({ ...base, node: null, status: 'Pending', count: pending, ...stuck });
  for (const g of sysGroups) groups.push(g); // not push(...): a spread of 10⁵ groups overflows the stack

  const limits = new Set(perNode.map((n) => n.firstLimit));
  const reached = (l: LimitName): boolean => (l === 'podIps' ? containerCreating > 0 : stuck?.limitedBy.includes(l) === true);
  const [{ explained, maxPods, resources }] = types;
  const mix = options.mix ? types.map(simulatedType) : undefined;
  const sim: PodSimulation = {
    running,
    containerCreating,
    pending,
    replicas: options.replicas,
    workload,
    namespace,
    instanceType: mix ? mix.map((t) => `${t.instanceType}:${t.count}`).join(',') : explained.instanceType,
    nodes: K,
    ...(mix ? { mix } : {}),
    maxPods,
    maxPodsSetByHand: setByHand,
    enisUsed: explained.enisUsed,
    podIpsPerEni: explained.podIpsPerEni,
    podIps: explained.podIps,
    resources,
    requests,
    firstLimit: limits.size === 1 ? [...limits][0] : 'mixed',
    limitsReached: { maxPods: reached('maxPods'), podIps: reached('podIps'), cpu: reached('cpu'), memory: reached('memory') },
    systemPods,
    systemPodsNotRunning,
    perNode,
    groups,
    explanation: [],
    maxPodsExplanation: explained,
  };
  return sim;
}

/** A node type as the result shows it. */
function simulatedType(t: NodeType): SimulatedType {
  const e = t.explained;
  return { instanceType: e.instanceType, count: t.count, maxPods: t.maxPods, enisUsed: e.enisUsed, podIpsPerEni: e.podIpsPerEni, podIps: e.podIps, resources: t.resources, maxPodsExplanation: e };
}

/** The simulation's node types: the mix's, or the one type's (from the single-type fields). */
export function simulatedTypes(s: PodSimulation): SimulatedType[] {
  return s.mix ?? [{ instanceType: s.instanceType, count: s.nodes, maxPods: s.maxPods, enisUsed: s.enisUsed, podIpsPerEni: s.podIpsPerEni, podIps: s.podIps, resources: s.resources, maxPodsExplanation: s.maxPodsExplanation }];
}

/** True when CPU and memory take part: the workload requests some, or they stopped a pod. */
function resourcesMatter(s: PodSimulation): boolean {
  return simulatedTypes(s).some((t) => t.resources !== null) && (hasRequests(s.requests) || s.groups.some((g) => g.limitedBy?.some((l) => l === 'cpu' || l === 'memory')));
}

function explain(s: PodSimulation): string[] {
  const out: string[] = [];
  const types = simulatedTypes(s);
  const withResources = resourcesMatter(s);
  // Each type's maxPods, pod IPs and allocatable; with a mix the lines name the type.
  for (const t of types) {
    const e = t.maxPodsExplanation;
    const kind = s.mix ? `${t.instanceType} node` : 'node';
    const onNodes = t.count === 1 ? `the ${kind}` : `each of the ${t.count} ${kind}s`;
    if (s.maxPodsSetByHand) {
      out.push(`kubelet maxPods ${t.maxPods} on ${onNodes}, set by hand${s.mix ? ' for every type of the mix' : ''} (the max-pods rules give ${e.formula}).`);
    } else {
      const cap = e.cap?.applied ? `, capped to ${e.cap.limit} (${e.cap.reason})` : '';
      out.push(`kubelet maxPods ${t.maxPods} on ${onNodes}: ${e.formula}${cap}. It counts every pod, DaemonSets and host-network pods included.`);
    }
    const how = e.prefixDelegation
      ? `${(e.inputs.ipv4PerEni - 1)} /28 prefixes of 16 addresses per ENI (prefix delegation)`
      : `${e.inputs.ipv4PerEni} IPv4 addresses per ENI − 1 primary, which is never given to a pod`;
    const custom = e.options.customNetworking ? ' (custom networking: the primary ENI carries no pods)' : '';
    out.push(`Pod IPs per ${kind}: ${e.enisUsed} ENIs${custom} × ${e.podIpsPerEni} (${how}) = ${t.podIps}. Only pods not on the host network take one.`);
    const r = t.resources;
    if (withResources && r) {
      out.push(
        `Allocatable per ${kind} (${r.family}): ${r.allocatableCpuMillicores}m CPU (${r.cpuMillicores}m − ${r.kubeReservedCpuMillicores}m kube-reserved) and ` +
          `${r.allocatableMemoryMiB} MiB memory (${r.memoryCapacityMiB} MiB kubelet capacity − ${r.kubeReservedMemoryMiB} MiB kube-reserved − ${r.evictionHardMemoryMiB} MiB eviction threshold); ` +
          (hasRequests(s.requests) ? `each ${s.workload} pod requests ${formatRequests(s.requests)}.` : `${s.workload} requests nothing.`),
      );
    } else if (!r && s.systemPods.some((p) => p.requests !== undefined)) {
      out.push(`CPU and memory requests are not checked: ${t.instanceType} has no vCPU or memory figure.`);
    }
  }

  // Nodes with the same numbers are described once.
  const seen = new Map<string, string[]>();
  for (const n of s.perNode) {
    const key = JSON.stringify([n.instanceType, n.systemPods, n.slotsForWorkload, n.ipsForWorkload, n.cpuForWorkload, n.memoryMiBForWorkload]);
    const same = seen.get(key);
    if (same) same.push(n.node);
    else seen.set(key, [n.node]);
  }
  const typeNamed = new Map(types.map((t) => [t.instanceType, t]));
  for (const names of seen.values()) {
    const n = s.perNode.find((x) => x.node === names[0])!;
    const t = typeNamed.get(n.instanceType ?? s.instanceType)!;
    const list = (filter: (p: NodeCapacity['systemPods'][number]) => boolean): string =>
      n.systemPods.filter(filter).map((p) => (p.count > 1 ? `${p.name} ×${p.count}` : p.name)).join(', ') || 'none';
    const ipUsers = n.systemPods.filter((p) => !p.hostNetwork);
    const ipNotes = [
      ipUsers.length ? `${list((p) => !p.hostNetwork)} on pod IPs` : '',
      n.systemHostNetworkPods ? `${list((p) => p.hostNetwork)} on the node's IP` : '',
    ].filter(Boolean);
    const ipNote = ipNotes.length ? ` (${ipNotes.join('; ')})` : '';
    const requested =
      withResources && t.resources
        ? ` System pods request ${formatRequests(n.systemRequests)} → ${n.cpuForWorkload}m CPU and ${formatMemory(n.memoryMiBForWorkload!)} memory left for ${s.workload}.`
        : '';
    out.push(
      `${nodeRange(names, n.instanceType)}: ${plural(n.systemPodCount, 'system pod')} (${list(() => true)}) → ${t.maxPods} − ${n.systemPodCount} = ` +
        `${plural(n.slotsForWorkload, 'pod slot')} left for ${s.workload}; ` +
        `${plural(n.systemPodIps, 'pod IP')} used by system pods${ipNote} → ${t.podIps} − ${n.systemPodIps} = ` +
        `${plural(n.ipsForWorkload, 'pod IP')} left for ${s.workload}.${requested}`,
    );
    const fit = plural(n.workloadCapacity, `${s.workload} pod`);
    const one = n.workloadCapacity === 1;
    if (n.firstLimit === 'cpu' || n.firstLimit === 'memory') {
      const left = n.firstLimit === 'cpu' ? `${n.cpuForWorkload}m CPU` : `${formatMemory(n.memoryMiBForWorkload!)} memory`;
      const each = n.firstLimit === 'cpu' ? `${s.requests.cpuMillicores}m` : formatMemory(s.requests.memoryMiB);
      out.push(
        `  ${n.firstLimit === 'cpu' ? 'CPU' : 'Memory'} binds first: ${left} left ÷ ${each} per pod → ${fit} per node ` +
          `(slots allow ${n.slotsForWorkload}, IPs ${n.ipsForWorkload}); more stay Pending (FailedScheduling: Insufficient ${n.firstLimit}).`,
      );
    } else if (n.firstLimit === 'maxPods') {
      out.push(`  maxPods binds first: ${plural(n.slotsForWorkload, 'slot')} < ${plural(n.ipsForWorkload, 'IP')}, so ${fit} ${one ? 'fits' : 'fit'} per node; more stay Pending (FailedScheduling: Too many pods).`);
      if (t.maxPods === t.maxPodsExplanation.computed && n.systemHostNetworkPods > 2) {
        const extra = n.systemHostNetworkPods - 2;
        out.push(
          `  Why IPs go unused: the formula's "+ 2" covers two host-network pods (aws-node, kube-proxy); this node runs ${n.systemHostNetworkPods}, ` +
            `so ${plural(extra, 'pod slot')} ${extra === 1 ? 'goes' : 'go'} to a pod that needs no IP and ${extra === 1 ? 'an IP stays' : 'as many IPs stay'} unused.`,
        );
      }
    } else if (n.firstLimit === 'podIps') {
      out.push(
        `  Pod IPs run out first: ${plural(n.ipsForWorkload, 'IP')} < ${plural(n.slotsForWorkload, 'slot')} (maxPods is above what the IPs allow), so ` +
          `${fit} ${one ? 'runs' : 'run'} per node; more are scheduled but stay ContainerCreating (FailedCreatePodSandBox: failed to assign an IP address).`,
      );
    } else {
      out.push(`  Both limits allow exactly ${fit} per node (slots = IPs).`);
    }
  }
  if (s.systemPodsNotRunning) {
    const why = new Set(s.groups.filter((g) => g.system && g.limitedBy).flatMap((g) => g.limitedBy!));
    const words = (['maxPods', 'podIps', 'cpu', 'memory'] as LimitName[]).filter((l) => why.has(l)).map((l) => LIMIT_WORDS[l]);
    out.push(`${plural(s.systemPodsNotRunning, 'system pod')} ${s.systemPodsNotRunning === 1 ? 'does' : 'do'} not run: ${words.join(', ')} ${words.length === 1 ? 'is' : 'are'} too small even for kube-system.`);
  }
  const spread = s.nodes > 1 && s.containerCreating > 0 && s.perNode.some((n) => n.ipsForWorkload > n.workload.running)
    ? ' The scheduler does not see IPs, so it may put pods on a node without free IPs while another has some.'
    : '';
  out.push(`${s.workload}: ${plural(s.replicas, 'replica')} → ${s.running} Running, ${s.containerCreating} ContainerCreating, ${s.pending} Pending.${spread}`);
  return out;
}

/** Each limit in a sentence. */
export const LIMIT_WORDS: Record<LimitName, string> = { maxPods: 'maxPods', podIps: 'the pod IPs', cpu: "the node's allocatable CPU", memory: "the node's allocatable memory" };

export interface NodesNeeded {
  /** The smallest node count on which every replica runs, or null when no count does. */
  nodes: number | null;
  /** With a mix only: that count in whole sets of the mix's proportions (nodes = sets × the mix's nodes). */
  sets?: number | null;
  /** The simulation at that node count (on one node, or one set, when impossible). */
  simulation: PodSimulation;
  /** Why no count works, when nodes is null. */
  reason?: string;
}

/**
 * The smallest number of nodes on which all `replicas` run (same placement rule as simulatePods).
 * With a mix, nodes come in whole sets of its proportions (m5.large:2,m7g.large:1 → 3, 6, 9, …
 * nodes): the answer is the smallest number of sets. Starts at the lower bound replicas ÷ (best
 * room per set) and counts up.
 */
export function nodesNeeded(options: Omit<SimulatePodsOptions, 'nodes'>): NodesNeeded {
  checkTree(options, 'pod simulation options');
  if (options !== null && typeof options === 'object' && 'nodes' in options) {
    throw badOption('nodes', (options as SimulatePodsOptions).nodes, 'nothing: nodesNeeded finds the node count');
  }
  // k sets: k nodes of the one type, or every count of the mix × k (one set as given, so it is checked).
  const sets = (k: number, o: SimulatePodsOptions = options): SimulatePodsOptions =>
    !o?.mix ? { ...o, nodes: k } : k === 1 ? o : { ...o, mix: o.mix.map((m) => ({ ...m, count: m.count * k })) };
  const one = simulatePods(sets(1));
  const mix = one.mix !== undefined;
  const perSet = one.nodes;
  const result = (k: number | null, simulation: PodSimulation, reason?: string): NodesNeeded => ({
    nodes: k === null ? null : k * perSet,
    ...(mix ? { sets: k } : {}),
    simulation,
    ...(reason !== undefined ? { reason } : {}),
  });
  // A node with DaemonSets only has the most room; no set holds more than that.
  const ds = simulatePods(sets(1, { ...options, systemPods: one.systemPods.filter((p) => p.kind === 'DaemonSet') }));
  const best = ds.perNode.reduce((n, x) => n + x.workloadCapacity, 0);
  if (best <= 0) {
    // Each type's first node: what it leaves after the DaemonSets.
    const firsts = ds.perNode.filter((n, i) => i === 0 || n.instanceType !== ds.perNode[i - 1].instanceType);
    const byResources = firsts.some((n) => n.firstLimit === 'cpu' || n.firstLimit === 'memory');
    const left = firsts
      .map((n) => `${mix ? `${n.instanceType}: ` : ''}${plural(n.slotsForWorkload, 'pod slot')}, ${plural(n.ipsForWorkload, 'pod IP')}` +
        (n.firstLimit === 'cpu' || n.firstLimit === 'memory' ? `, ${n.cpuForWorkload}m CPU and ${formatMemory(n.memoryMiBForWorkload!)} memory` : ''))
      .join('; ');
    return result(
      null,
      one,
      `no node has room for one ${one.workload} pod: after the DaemonSets, ${left} are left ` +
        `for a pod requesting ${formatRequests(one.requests)} (${byResources ? 'lower the requests or use a larger type' : 'raise maxPods, or use a type with more ENIs or IPs per ENI'})`,
    );
  }
  const deployments = one.systemPods.reduce((s, p) => s + (p.kind === 'Deployment' ? p.replicas ?? 1 : 0), 0);
  // With replicas + deployment pods sets, every pod lands alone on a DaemonSet-only node of the
  // same type whatever the number of sets beyond: more sets change nothing.
  const upper = options.replicas + deployments;
  const first = Math.max(1, Math.ceil(options.replicas / best));
  const limit = Math.floor(MAX_CLUSTER_NODES / perSet);
  if (first > limit) {
    const unit = mix ? `in these proportions (at most ${best} per set of ${perSet} nodes)` : `of this type (at most ${best} per node)`;
    return result(
      null,
      one,
      `${options.replicas} ${one.workload} pods need more than ${MAX_CLUSTER_NODES} nodes ${unit}, ` +
        `more than Kubernetes supports in one cluster; use a type that holds more pods (--fit) or split the workload`,
    );
  }
  let sim = one;
  for (let k = first; k <= Math.min(upper, limit); k++) {
    sim = k === 1 ? one : simulatePods(sets(k));
    if (sim.running === options.replicas) return result(k, sim);
  }
  if (upper > limit) {
    return result(null, one, `no node count up to Kubernetes' limit of ${MAX_CLUSTER_NODES} nodes runs every ${one.workload} pod`);
  }
  // One type: every node takes a pod, so `upper` nodes always suffice. A mix can keep sending pods
  // to a type with pod slots but no pod IP left for them.
  /* c8 ignore next */
  if (!mix) throw new Error(`nodesNeeded: no node count up to ${upper} runs every replica (a bug in the placement rule)`);
  const stuck = [...new Set(sim.perNode.filter((n) => n.workload.containerCreating > 0).map((n) => n.instanceType))].join(', ');
  return result(
    null,
    one,
    `more sets of these proportions do not help: the placement rule keeps sending ${one.workload} pods to ${stuck} nodes, ` +
      `which have pod slots but no pod IP left for them (ContainerCreating); drop ${stuck}, or list it last (ties go to the first type)`,
  );
}

export interface FitRow {
  instanceType: string;
  vcpus?: number;
  memoryMiB?: number;
  maxPods: number;
  podIps: number;
  /** What one node leaves for pods (when the workload has requests). */
  allocatable?: { cpuMillicores: number; memoryMiB: number };
  /** Workload pods one node of this type runs. */
  workloadCapacity: number;
  firstLimit: Limit;
}

export interface TypesThatFit {
  replicas: number;
  /** What one workload pod requests. */
  requests: Requested;
  /** Types whose one node runs every replica, smallest first: vCPUs, then memory, then name (unknown sizes last). */
  fits: FitRow[];
  /** Types the options cannot be computed for (e.g. the cap needs a vCPU count the data lacks). */
  skipped: { instanceType: string; reason: string }[];
}


/** Every known instance type on which one node runs all `replicas`, smallest first. */
export function typesThatFit(options: Omit<SimulatePodsOptions, 'nodes' | 'instanceType' | 'facts' | 'mix'>): TypesThatFit {
  checkTree(options, 'pod simulation options');
  for (const k of ['nodes', 'instanceType', 'facts', 'mix']) {
    if (options !== null && typeof options === 'object' && k in options) throw badOption(k, (options as Record<string, unknown>)[k], 'nothing: typesThatFit tries every type on one node');
  }
  // Check the options once, so a bad option is one error rather than one per type; then place
  // pods on each type without re-checking or writing explanations (1,400 types stay fast).
  const requests = checkSimulateOptions({ ...options, facts: { defaultCardEnis: 1, ipv4PerEni: 2 } } as SimulatePodsOptions);
  const systemPods = resolveSystemPods(options.systemPods);
  const modes = options.maxPodsOptions ?? {};
  const fits: FitRow[] = [];
  const skipped: TypesThatFit['skipped'] = [];
  // One node's placement depends only on (maxPods, pod IPs, allocatable): many types share them,
  // so each is placed once.
  const placed = new Map<string, PodSimulation>();
  for (const t of listInstanceTypes()) {
    let sim: PodSimulation;
    try {
      const node = nodeType({ ...options, instanceType: t }, modes, 1);
      const resources = node.resources;
      if (resources === null && hasRequests(requests)) {
        skipped.push({ instanceType: t.name, reason: `${t.name}: the instance data has no vCPU or memory figure, so requests cannot be checked` });
        continue;
      }
      const key = `${node.explained.maxPods}/${node.explained.podIps}/${resources?.allocatableCpuMillicores}/${resources?.allocatableMemoryMiB}`;
      sim = placed.get(key) ?? place(options, [node], systemPods, requests);
      placed.set(key, sim);
    } catch (e) {
      if (e instanceof EksNodegroupError && e.code === 'MISSING_FACT') {
        skipped.push({ instanceType: t.name, reason: e.message });
        continue;
      }
      throw e;
    }
    if (sim.running !== options.replicas) continue;
    const row: FitRow = {
      instanceType: t.name,
      maxPods: sim.maxPods,
      podIps: sim.podIps,
      workloadCapacity: sim.perNode[0].workloadCapacity,
      firstLimit: sim.perNode[0].firstLimit,
    };
    if (t.vcpus !== undefined) row.vcpus = t.vcpus;
    if (t.memoryMiB !== undefined) row.memoryMiB = t.memoryMiB;
    if (hasRequests(requests) && sim.resources) row.allocatable = { cpuMillicores: sim.resources.allocatableCpuMillicores, memoryMiB: sim.resources.allocatableMemoryMiB };
    fits.push(row);
  }
  fits.sort(compareBySize);
  return { replicas: options.replicas, requests, fits, skipped };
}

/**
 * The types on which one node, with `systemPods` (default eks-current) running, has no room for a
 * single workload pod without requests (maxPods or pod IPs all taken): what gen warns about.
 * `maxPods` gives each type's kubelet maxPods (a template's table).
 */
export function typesWithoutRoom(
  maxPods: ReadonlyMap<string, number>,
  options: { maxPodsOptions?: MaxPodsOptions; amiFamily?: AmiFamily; systemPods?: SystemPodPreset | readonly SystemPod[] } = {},
): { instanceType: string; maxPods: number; podIps: number }[] {
  const systemPods = resolveSystemPods(options.systemPods);
  const modes = options.maxPodsOptions ?? {};
  const out: { instanceType: string; maxPods: number; podIps: number }[] = [];
  const seen = new Map<string, boolean>();
  // Every system pod on the one node: more slots and IPs than they take always leave room.
  const systemCount = systemPods.reduce((n, p) => n + (p.kind === 'DaemonSet' ? 1 : p.replicas ?? 1), 0);
  const systemIps = systemPods.reduce((n, p) => n + (p.hostNetwork ? 0 : p.kind === 'DaemonSet' ? 1 : p.replicas ?? 1), 0);
  // The formula's value before any cap or override is pod IPs + 2 (lib/max-pods).
  const byIps = maxPodsTable([...maxPods.keys()], modes).byIps;
  for (const [type, value] of maxPods) {
    const ips = byIps.get(type);
    if (value > systemCount && ips !== undefined && ips - 2 > systemIps) continue;
    const node = nodeType({ instanceType: type, replicas: 1, maxPods: value, amiFamily: options.amiFamily }, modes, 1);
    const resources = node.resources;
    const key = `${value}/${node.explained.podIps}/${resources?.allocatableCpuMillicores}/${resources?.allocatableMemoryMiB}`;
    let full = seen.get(key);
    if (full === undefined) {
      full = place({ instanceType: type, replicas: 1, maxPods: value }, [node], systemPods, NO_REQUESTS).running === 0;
      seen.set(key, full);
    }
    if (full) out.push({ instanceType: type, maxPods: value, podIps: node.explained.podIps });
  }
  return out;
}
