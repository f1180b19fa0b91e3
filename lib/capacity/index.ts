/**
 * Pod capacity simulator: how many of a workload's pods run on EKS nodes, and why the others stay
 * `Pending` or `ContainerCreating`. Pure: no I/O.
 *
 * Two limits act on every pod (Amazon VPC CNI: aws/amazon-vpc-cni-k8s docs; kube-scheduler):
 * - kubelet `maxPods` counts ALL pods on the node, DaemonSets and host-network pods included. The
 *   scheduler places no pod on a full node: the pod stays `Pending`, event `FailedScheduling`
 *   ("0/N nodes are available: N Too many pods."; older Kubernetes said "Insufficient pods").
 * - Pod IPs: ENIs used × pod IPs per ENI (from lib/max-pods: secondary IPs, × 16 with prefix
 *   delegation, the primary ENI dropped with custom networking). Only pods NOT on the host network
 *   take one. The scheduler does not see IPs: when `maxPods` is set above what the IPs allow, the
 *   pod is scheduled and stays `ContainerCreating`, event `FailedCreatePodSandBox … failed to
 *   assign an IP address to container`.
 *
 * Placement rule (deterministic):
 * 1. DaemonSets first, in list order: one pod on every node.
 * 2. Then Deployments (system ones in list order, the workload last): pods go one at a time to the
 *    node with the fewest scheduled pods (ties: lowest node number), skipping full nodes. This is the
 *    even spreading the default scheduler's scoring gives pods without resource requests; with
 *    one node per replica it puts CoreDNS replicas one per node.
 * 3. On each node, pod IPs go to pods in the order they were scheduled: system pods first.
 */
import { badOption, checkTree, EksNodegroupError, requireInteger } from '../core';

/** Kubernetes' supported cluster limits: pods and nodes per cluster. */
export const MAX_CLUSTER_PODS = 150_000;
export const MAX_CLUSTER_NODES = 5_000;
import { listInstanceTypes, type InstanceTypeFacts } from '../instance-types';
import { explainMaxPods, explainMaxPodsFromFacts, type MaxPodsExplanation, type MaxPodsOptions } from '../max-pods';
import { isDnsLabel, resolveSystemPods, type SystemPod, type SystemPodPreset } from './system-pods';

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
  /** Needed only for the recommended cap. */
  vcpus?: number;
}

/** What to simulate. Give `instanceType` or `facts`. */
export interface SimulatePodsOptions {
  /** A known EC2 instance type (e.g. `t2.micro`) or its facts. */
  instanceType?: string | InstanceTypeFacts;
  /** Raw ENI/IP numbers instead of an instance type. */
  facts?: RawNodeFacts;
  /** kubelet maxPods as configured on the node. Default: what the max-pods rules compute. */
  maxPods?: number;
  /** Max-pods modes (prefix delegation, custom networking, max ENIs, cap, …). */
  maxPodsOptions?: MaxPodsOptions;
  /** A preset or a list; default `eks-current`. */
  systemPods?: SystemPodPreset | readonly SystemPod[];
  /** Workload replicas (≥ 1). */
  replicas: number;
  /** Nodes (an ASG's desired capacity); default 1. */
  nodes?: number;
  /** Workload name (a Kubernetes name); default `app`. Pods are `<name>-<n>`. */
  name?: string;
  /** Workload namespace; default `default`. */
  namespace?: string;
}

export type PodStatus = 'Running' | 'ContainerCreating' | 'Pending';
/** Which limit stops the workload first on a node; `both` when they allow the same number. */
export type Limit = 'maxPods' | 'podIps' | 'both';

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
}

export interface NodeCapacity {
  node: string;
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
  /** Workload pods this node can run: min(slots, IPs). */
  workloadCapacity: number;
  firstLimit: Limit;
  workload: { scheduled: number; running: number; containerCreating: number };
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
  instanceType: string;
  nodes: number;
  /** kubelet maxPods on every node. */
  maxPods: number;
  /** True when maxPods was set by hand (maxPods option or the override mode). */
  maxPodsSetByHand: boolean;
  /** ENIs that carry pod IPs, pod IPs per ENI and per node (from lib/max-pods). */
  enisUsed: number;
  podIpsPerEni: number;
  podIps: number;
  /** Same limit binds first on every node, or `mixed`. */
  firstLimit: Limit | 'mixed';
  /** Which limits actually stopped workload pods. */
  limitsReached: { maxPods: boolean; podIps: boolean };
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

export function schedulingMessage(nodes: number, daemonSet: boolean): string {
  if (daemonSet && nodes > 1) {
    return `0/${nodes} nodes are available: 1 Too many pods, ${nodes - 1} node(s) didn't match Pod's node affinity/selector.`;
  }
  return `0/${nodes} nodes are available: ${nodes} Too many pods.`;
}

function pendingEvent(nodes: number, daemonSet: boolean): PodEvent {
  return { type: 'Warning', reason: 'FailedScheduling', from: 'default-scheduler', message: schedulingMessage(nodes, daemonSet) };
}

const SANDBOX_EVENT: PodEvent = { type: 'Warning', reason: 'FailedCreatePodSandBox', from: 'kubelet', message: SANDBOX_MESSAGE };

function nodeName(i: number): string {
  return `node-${i + 1}`;
}

/** The max-pods explanation for the node: a known type or raw numbers. */
function explainNode(o: SimulatePodsOptions, modes: MaxPodsOptions): MaxPodsExplanation {
  if (o.instanceType !== undefined && o.facts !== undefined) {
    throw new EksNodegroupError('BAD_USAGE', 'give an instance type or raw facts (ENIs, IPs per ENI), not both');
  }
  if (o.facts !== undefined) {
    const f = o.facts;
    if (f === null || typeof f !== 'object') throw badOption('facts', f, '{ defaultCardEnis, ipv4PerEni, … }');
    requireInteger('facts.defaultCardEnis', f.defaultCardEnis, 1);
    requireInteger('facts.ipv4PerEni', f.ipv4PerEni, 1);
    if (f.vcpus !== undefined) requireInteger('facts.vcpus', f.vcpus, 1);
    if (f.hypervisor !== undefined && f.hypervisor !== 'nitro' && f.hypervisor !== 'xen') throw badOption('facts.hypervisor', f.hypervisor, 'nitro or xen');
    const inputs = {
      instanceType: f.name ?? 'custom',
      defaultCardEnis: f.defaultCardEnis,
      ipv4PerEni: f.ipv4PerEni,
      bareMetal: f.bareMetal === true,
      ...(f.hypervisor !== undefined ? { hypervisor: f.hypervisor } : {}),
      ...(f.vcpus !== undefined ? { vcpus: f.vcpus } : {}),
    };
    return explainMaxPodsFromFacts(inputs, modes);
  }
  if (o.instanceType === undefined) {
    throw new EksNodegroupError('BAD_USAGE', 'name an instance type (e.g. m5.large) or give raw facts (ENIs, IPs per ENI)');
  }
  return explainMaxPods(o.instanceType, modes);
}

/**
 * Places `count` pods on nodes: one at a time on the node with the fewest scheduled pods (ties:
 * lowest index), skipping nodes at maxPods. Computed by levels, not pod by pod: O(nodes × log maxPods).
 * Returns the pods added per node; `total` is updated.
 */
export function spreadPods(total: number[], maxPods: number, count: number): number[] {
  const added = total.map(() => 0);
  const room = total.reduce((s, t) => s + Math.max(0, maxPods - t), 0);
  if (room <= count) {
    total.forEach((t, i) => {
      added[i] = Math.max(0, maxPods - t);
      total[i] = Math.max(t, maxPods);
    });
    return added;
  }
  // Pods needed to raise every node to `level` (never above maxPods).
  const upTo = (level: number): number => total.reduce((s, t) => s + Math.max(0, Math.min(level, maxPods) - t), 0);
  let lo = 0; // upTo(lo) ≤ count
  let hi = maxPods; // upTo(hi) = room > count
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (upTo(mid) <= count) lo = mid;
    else hi = mid;
  }
  let rest = count - upTo(lo);
  total.forEach((t, i) => {
    added[i] = Math.max(0, lo - t);
  });
  // Nodes now at `lo` (< maxPods) take one more each, lowest index first.
  for (let i = 0; i < total.length && rest > 0; i++) {
    if (total[i] + added[i] === lo) {
      added[i]++;
      rest--;
    }
  }
  total.forEach((t, i) => {
    total[i] = t + added[i];
  });
  return added;
}

function checkSimulateOptions(o: SimulatePodsOptions): void {
  if (o === null || typeof o !== 'object') throw badOption('options', o, 'an object { instanceType, replicas, … }');
  checkTree(o, 'pod simulation options');
  const known = ['instanceType', 'facts', 'maxPods', 'maxPodsOptions', 'systemPods', 'replicas', 'nodes', 'name', 'namespace'];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw badOption(`option "${k}"`, (o as unknown as Record<string, unknown>)[k], `one of ${known.join(', ')}`);
  }
  requireInteger('replicas', o.replicas, 1);
  if (o.nodes !== undefined) requireInteger('nodes', o.nodes, 1);
  // Kubernetes' tested limits (kubernetes.io "Considerations for large clusters"): 5,000 nodes and
  // 150,000 pods per cluster. Beyond them the simulation would describe no real cluster.
  if (o.replicas > MAX_CLUSTER_PODS) throw badOption('replicas', o.replicas, `a whole number from 1 to ${MAX_CLUSTER_PODS} (Kubernetes supports at most ${MAX_CLUSTER_PODS} pods per cluster)`);
  if (o.nodes !== undefined && o.nodes > MAX_CLUSTER_NODES) throw badOption('nodes', o.nodes, `a whole number from 1 to ${MAX_CLUSTER_NODES} (Kubernetes supports at most ${MAX_CLUSTER_NODES} nodes per cluster)`);
  if (o.maxPods !== undefined) requireInteger('maxPods', o.maxPods, 1);
  if (o.name !== undefined && !isDnsLabel(o.name)) throw badOption('name', o.name, 'a Kubernetes name: lowercase letters, digits and "-", at most 63 characters');
  if (o.namespace !== undefined && !isDnsLabel(o.namespace)) throw badOption('namespace', o.namespace, 'a Kubernetes namespace name');
  const override = o.maxPodsOptions?.override;
  if (o.maxPods !== undefined && override !== undefined && override !== o.maxPods) {
    throw badOption('maxPods', o.maxPods, `the same value as the max-pods override (${override}), or only one of them`);
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function nodeRange(names: string[]): string {
  if (names.length <= 2) return names.join(', ');
  return `${names[0]} … ${names[names.length - 1]} (${names.length} nodes)`;
}

/** Simulates the nodes and returns the workload's counts with the explanation. */
export function simulatePods(options: SimulatePodsOptions): PodSimulation {
  checkSimulateOptions(options);
  const modes = options.maxPodsOptions ?? {};
  const sim = place(options, explainNode(options, modes), resolveSystemPods(options.systemPods));
  sim.explanation = explain(sim);
  return sim;
}

/** The placement itself, on checked options (no explanation text). */
function place(options: SimulatePodsOptions, explained: MaxPodsExplanation, systemPods: SystemPod[]): PodSimulation {
  const modes = options.maxPodsOptions ?? {};
  const K = options.nodes ?? 1;
  const maxPods = options.maxPods ?? explained.maxPods;
  const setByHand = options.maxPods !== undefined || modes.override !== undefined;
  const podIps = explained.podIps;
  const workload = options.name ?? DEFAULT_NAME;
  const namespace = options.namespace ?? 'default';

  const total = new Array<number>(K).fill(0);
  const ipsUsed = new Array<number>(K).fill(0);
  const sysGroups: PodGroup[] = [];
  const perNodeSys: Map<string, { count: number; hostNetwork: boolean }>[] = total.map(() => new Map());
  let systemPodsNotRunning = 0;

  /** Gives IPs to `n` pods just scheduled on node i; returns how many got one. */
  const assignIps = (i: number, n: number, hostNetwork: boolean): number => {
    if (hostNetwork) return n;
    const got = Math.min(n, Math.max(0, podIps - ipsUsed[i]));
    ipsUsed[i] += got;
    return got;
  };
  const addSystem = (p: SystemPod, i: number | null, status: PodStatus, count: number): void => {
    if (count <= 0) return;
    if (status !== 'Running') systemPodsNotRunning += count;
    const last = sysGroups[sysGroups.length - 1];
    const nodeLabel = i === null ? null : nodeName(i);
    if (last && last.owner === p.name && last.node === nodeLabel && last.status === status) {
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
    if (status === 'Pending') g.event = pendingEvent(K, p.kind === 'DaemonSet');
    if (status === 'ContainerCreating') g.event = SANDBOX_EVENT;
    sysGroups.push(g);
  };
  const noteOnNode = (i: number, p: SystemPod, n: number): void => {
    if (n <= 0) return;
    const m = perNodeSys[i];
    const e = m.get(p.name) ?? { count: 0, hostNetwork: p.hostNetwork === true };
    e.count += n;
    m.set(p.name, e);
  };

  // 1. DaemonSets: one pod per node.
  for (const p of systemPods.filter((s) => s.kind === 'DaemonSet')) {
    for (let i = 0; i < K; i++) {
      if (total[i] >= maxPods) {
        addSystem(p, null, 'Pending', 1);
        continue;
      }
      total[i]++;
      noteOnNode(i, p, 1);
      const ok = assignIps(i, 1, p.hostNetwork === true);
      addSystem(p, i, ok ? 'Running' : 'ContainerCreating', 1);
    }
  }
  // 2. System Deployments, spread.
  for (const p of systemPods.filter((s) => s.kind === 'Deployment')) {
    const added = spreadPods(total, maxPods, p.replicas ?? 1);
    let placed = 0;
    added.forEach((n, i) => {
      if (!n) return;
      placed += n;
      noteOnNode(i, p, n);
      const ok = assignIps(i, n, p.hostNetwork === true);
      addSystem(p, i, 'Running', ok);
      addSystem(p, i, 'ContainerCreating', n - ok);
    });
    addSystem(p, null, 'Pending', (p.replicas ?? 1) - placed);
  }

  // Capacity left for the workload on each node, before it arrives.
  const perNode: NodeCapacity[] = total.map((t, i) => {
    const sys = [...perNodeSys[i].entries()].map(([name, e]) => ({ name, count: e.count, hostNetwork: e.hostNetwork }));
    const slots = Math.max(0, maxPods - t);
    const ips = Math.max(0, podIps - ipsUsed[i]);
    return {
      node: nodeName(i),
      systemPods: sys,
      systemPodCount: t,
      systemHostNetworkPods: sys.filter((s) => s.hostNetwork).reduce((s, e) => s + e.count, 0),
      systemPodIps: ipsUsed[i],
      slotsForWorkload: slots,
      ipsForWorkload: ips,
      workloadCapacity: Math.min(slots, ips),
      firstLimit: slots < ips ? 'maxPods' : ips < slots ? 'podIps' : 'both',
      workload: { scheduled: 0, running: 0, containerCreating: 0 },
    };
  });

  // 3. The workload.
  const added = spreadPods(total, maxPods, options.replicas);
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
    if (n - ok) creatingGroups.push({ ...base, node: nodeName(i), status: 'ContainerCreating', count: n - ok, event: SANDBOX_EVENT });
  });
  const pending = options.replicas - running - containerCreating;
  const groups = [...runningGroups, ...creatingGroups];
  if (pending) groups.push({ ...base, node: null, status: 'Pending', count: pending, event: pendingEvent(K, false) });
  for (const g of sysGroups) groups.push(g); // not push(...): a spread of 10⁵ groups overflows the stack

  const limits = new Set(perNode.map((n) => n.firstLimit));
  const sim: PodSimulation = {
    running,
    containerCreating,
    pending,
    replicas: options.replicas,
    workload,
    namespace,
    instanceType: explained.instanceType,
    nodes: K,
    maxPods,
    maxPodsSetByHand: setByHand,
    enisUsed: explained.enisUsed,
    podIpsPerEni: explained.podIpsPerEni,
    podIps,
    firstLimit: limits.size === 1 ? [...limits][0] : 'mixed',
    limitsReached: { maxPods: pending > 0, podIps: containerCreating > 0 },
    systemPods,
    systemPodsNotRunning,
    perNode,
    groups,
    explanation: [],
    maxPodsExplanation: explained,
  };
  return sim;
}

function explain(s: PodSimulation): string[] {
  const e = s.maxPodsExplanation;
  const out: string[] = [];
  const onNodes = s.nodes === 1 ? 'the node' : `each of the ${s.nodes} nodes`;
  if (s.maxPodsSetByHand) {
    out.push(`kubelet maxPods ${s.maxPods} on ${onNodes}, set by hand (the max-pods rules give ${e.formula}).`);
  } else {
    const cap = e.cap?.applied ? `, capped to ${e.cap.limit} (${e.cap.reason})` : '';
    out.push(`kubelet maxPods ${s.maxPods} on ${onNodes}: ${e.formula}${cap}. It counts every pod, DaemonSets and host-network pods included.`);
  }
  const how = e.prefixDelegation
    ? `${(e.inputs.ipv4PerEni - 1)} /28 prefixes of 16 addresses per ENI (prefix delegation)`
    : `${e.inputs.ipv4PerEni} IPv4 addresses per ENI − 1 primary, which is never given to a pod`;
  const custom = e.options.customNetworking ? ' (custom networking: the primary ENI carries no pods)' : '';
  out.push(`Pod IPs per node: ${e.enisUsed} ENIs${custom} × ${e.podIpsPerEni} (${how}) = ${s.podIps}. Only pods not on the host network take one.`);

  // Nodes with the same numbers are described once.
  const seen = new Map<string, string[]>();
  for (const n of s.perNode) {
    const key = JSON.stringify([n.systemPods, n.slotsForWorkload, n.ipsForWorkload]);
    const same = seen.get(key);
    if (same) same.push(n.node);
    else seen.set(key, [n.node]);
  }
  for (const [key, names] of seen) {
    const n = s.perNode.find((x) => x.node === names[0])!;
    void key;
    const list = (filter: (p: NodeCapacity['systemPods'][number]) => boolean): string =>
      n.systemPods.filter(filter).map((p) => (p.count > 1 ? `${p.name} ×${p.count}` : p.name)).join(', ') || 'none';
    const ipUsers = n.systemPods.filter((p) => !p.hostNetwork);
    const ipNotes = [
      ipUsers.length ? `${list((p) => !p.hostNetwork)} on pod IPs` : '',
      n.systemHostNetworkPods ? `${list((p) => p.hostNetwork)} on the node's IP` : '',
    ].filter(Boolean);
    const ipNote = ipNotes.length ? ` (${ipNotes.join('; ')})` : '';
    out.push(
      `${nodeRange(names)}: ${plural(n.systemPodCount, 'system pod')} (${list(() => true)}) → ${s.maxPods} − ${n.systemPodCount} = ` +
        `${plural(n.slotsForWorkload, 'pod slot')} left for ${s.workload}; ` +
        `${plural(n.systemPodIps, 'pod IP')} used by system pods${ipNote} → ${s.podIps} − ${n.systemPodIps} = ` +
        `${plural(n.ipsForWorkload, 'pod IP')} left for ${s.workload}.`,
    );
    if (n.firstLimit === 'maxPods') {
      out.push(
        `  maxPods binds first: ${n.slotsForWorkload} slots < ${n.ipsForWorkload} IPs, so ${plural(n.workloadCapacity, `${s.workload} pod`)} fit per node; ` +
          'more stay Pending (FailedScheduling: Too many pods).',
      );
      if (s.maxPods === e.computed && n.systemHostNetworkPods > 2) {
        out.push(
          `  Why IPs go unused: the formula's "+ 2" covers two host-network pods (aws-node, kube-proxy); this node runs ${n.systemHostNetworkPods}, ` +
            `so ${plural(n.systemHostNetworkPods - 2, 'pod slot')} ${n.systemHostNetworkPods - 2 === 1 ? 'goes' : 'go'} to a pod that needs no IP and ${n.systemHostNetworkPods - 2 === 1 ? 'an IP stays' : 'as many IPs stay'} unused.`,
        );
      }
    } else if (n.firstLimit === 'podIps') {
      out.push(
        `  Pod IPs run out first: ${n.ipsForWorkload} IPs < ${n.slotsForWorkload} slots (maxPods is above what the IPs allow), so ` +
          `${plural(n.workloadCapacity, `${s.workload} pod`)} run per node; more are scheduled but stay ContainerCreating (FailedCreatePodSandBox: failed to assign an IP address).`,
      );
    } else {
      out.push(`  Both limits allow exactly ${plural(n.workloadCapacity, `${s.workload} pod`)} per node (slots = IPs).`);
    }
  }
  if (s.systemPodsNotRunning) {
    out.push(`${plural(s.systemPodsNotRunning, 'system pod')} do not run themselves: maxPods or the pod IPs are too small even for kube-system.`);
  }
  const spread = s.nodes > 1 && s.containerCreating > 0 && s.perNode.some((n) => n.ipsForWorkload > n.workload.running)
    ? ' The scheduler does not see IPs, so it may put pods on a node without free IPs while another has some.'
    : '';
  out.push(
    `${s.workload}: ${s.replicas} replicas → ${s.running} Running, ${s.containerCreating} ContainerCreating, ${s.pending} Pending.${spread}`,
  );
  return out;
}

export interface NodesNeeded {
  /** The smallest node count on which every replica runs, or null when no count does. */
  nodes: number | null;
  /** The simulation at that node count (or on one node when impossible). */
  simulation: PodSimulation;
  /** Why no count works, when nodes is null. */
  reason?: string;
}

/**
 * The smallest number of nodes on which all `replicas` run (same placement rule as simulatePods).
 * Starts at the lower bound replicas ÷ (best per-node capacity) and counts up.
 */
export function nodesNeeded(options: Omit<SimulatePodsOptions, 'nodes'>): NodesNeeded {
  checkTree(options, 'pod simulation options');
  if (options !== null && typeof options === 'object' && 'nodes' in options) {
    throw badOption('nodes', (options as SimulatePodsOptions).nodes, 'nothing: nodesNeeded finds the node count');
  }
  const one = simulatePods({ ...options, nodes: 1 });
  // A node with DaemonSets only has the most room; no node holds more than that.
  const ds = simulatePods({ ...options, nodes: 1, systemPods: one.systemPods.filter((p) => p.kind === 'DaemonSet') });
  const best = ds.perNode[0].workloadCapacity;
  if (best <= 0) {
    const n = ds.perNode[0];
    return {
      nodes: null,
      simulation: one,
      reason:
        `no node has room for a ${one.workload} pod: after the DaemonSets, ${plural(n.slotsForWorkload, 'pod slot')} and ` +
        `${plural(n.ipsForWorkload, 'pod IP')} are left (raise maxPods, or use a type with more ENIs or IPs per ENI)`,
    };
  }
  const deployments = one.systemPods.reduce((s, p) => s + (p.kind === 'Deployment' ? p.replicas ?? 1 : 0), 0);
  // With replicas + deployment pods nodes, every workload pod lands alone on a DaemonSet-only node.
  const upper = options.replicas + deployments;
  const first = Math.max(1, Math.ceil(options.replicas / best));
  if (first > MAX_CLUSTER_NODES) {
    return {
      nodes: null,
      simulation: one,
      reason:
        `${options.replicas} ${one.workload} pods need more than ${MAX_CLUSTER_NODES} nodes of this type (at most ${best} per node), ` +
        `more than Kubernetes supports in one cluster; use a type that holds more pods (--fit) or split the workload`,
    };
  }
  for (let k = first; k <= Math.min(upper, MAX_CLUSTER_NODES); k++) {
    const sim = k === 1 ? one : simulatePods({ ...options, nodes: k });
    if (sim.running === options.replicas) return { nodes: k, simulation: sim };
  }
  if (upper > MAX_CLUSTER_NODES) {
    return { nodes: null, simulation: one, reason: `no node count up to Kubernetes' limit of ${MAX_CLUSTER_NODES} nodes runs every ${one.workload} pod` };
  }
  /* c8 ignore next */
  throw new Error(`nodesNeeded: no node count up to ${upper} runs every replica (a bug in the placement rule)`);
}

export interface FitRow {
  instanceType: string;
  vcpus?: number;
  memoryMiB?: number;
  maxPods: number;
  podIps: number;
  /** Workload pods one node of this type runs. */
  workloadCapacity: number;
  firstLimit: Limit;
}

export interface TypesThatFit {
  replicas: number;
  /** Types whose one node runs every replica, smallest first: vCPUs, then memory, then name (unknown sizes last). */
  fits: FitRow[];
  /** Types the options cannot be computed for (e.g. the cap needs a vCPU count the data lacks). */
  skipped: { instanceType: string; reason: string }[];
}

/** Compares by vCPUs, then memory, then name; types without a figure sort after those with one. */
export function compareBySize(a: { instanceType: string; vcpus?: number; memoryMiB?: number }, b: typeof a): number {
  const num = (x?: number, y?: number): number => (x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x - y);
  return num(a.vcpus, b.vcpus) || num(a.memoryMiB, b.memoryMiB) || (a.instanceType < b.instanceType ? -1 : a.instanceType > b.instanceType ? 1 : 0);
}

/** Every known instance type on which one node runs all `replicas`, smallest first. */
export function typesThatFit(options: Omit<SimulatePodsOptions, 'nodes' | 'instanceType' | 'facts'>): TypesThatFit {
  checkTree(options, 'pod simulation options');
  for (const k of ['nodes', 'instanceType', 'facts']) {
    if (options !== null && typeof options === 'object' && k in options) throw badOption(k, (options as Record<string, unknown>)[k], 'nothing: typesThatFit tries every type on one node');
  }
  // Check the options once, so a bad option is one error rather than one per type; then place
  // pods on each type without re-checking or writing explanations (1,400 types stay fast).
  simulatePods({ ...options, facts: { defaultCardEnis: 1, ipv4PerEni: 2, vcpus: 1 } });
  const systemPods = resolveSystemPods(options.systemPods);
  const modes = options.maxPodsOptions ?? {};
  const fits: FitRow[] = [];
  const skipped: TypesThatFit['skipped'] = [];
  // One node's placement depends only on (maxPods, pod IPs): many types share them, so each pair
  // is placed once.
  const placed = new Map<string, PodSimulation>();
  for (const t of listInstanceTypes()) {
    let sim: PodSimulation;
    try {
      const explained = explainMaxPods(t, modes);
      const key = `${explained.maxPods}/${explained.podIps}`;
      sim = placed.get(key) ?? place(options, explained, systemPods);
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
    fits.push(row);
  }
  fits.sort(compareBySize);
  return { replicas: options.replicas, fits, skipped };
}
