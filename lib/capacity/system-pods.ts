/**
 * The pods that sit on a node before any workload arrives (kube-system): presets for a 2018 and a
 * current EKS node, and user-defined lists read from YAML/JSON and checked field by field.
 *
 * Facts (the EKS add-ons a cluster runs by default; AWS EKS User Guide, "Amazon EKS add-ons"):
 * - 2018: aws-node and kube-proxy (DaemonSets, host network) and one kube-dns pod with a pod IP;
 *   no requests (the 2018 manifests' figures are not modelled).
 * - Today: aws-node, kube-proxy, eks-pod-identity-agent (DaemonSets, host network) and CoreDNS
 *   with two replicas (pod IPs), spread over nodes, each with the requests its source gives.
 */
import { badOption, EksNodegroupError, hasOwn, toPointer } from '../core';
import { parseTemplateWithSource } from '../yaml';
import { requestsProblem, type ResourceRequests } from './requests';

export type SystemPodKind = 'DaemonSet' | 'Deployment';

/** One kube-system workload on the node(s). */
export interface SystemPod {
  /** Name, e.g. `aws-node`. Pods are shown as `<name>-<n>`. */
  name: string;
  /** DaemonSet: one pod on every node. Deployment: `replicas` pods spread over the nodes. */
  kind: SystemPodKind;
  /** Deployment only: how many pods (default 1). */
  replicas?: number;
  /** True: the pod uses the node's own IP, not a pod IP (it still counts against maxPods). */
  hostNetwork?: boolean;
  /** Shown in the NAMESPACE column; default `kube-system`. */
  namespace?: string;
  /** What one pod requests (all its containers; init containers count as their largest). */
  requests?: ResourceRequests;
  /** Where the figures come from (presets), shown in JSON output. */
  source?: string;
}

export type SystemPodPreset = 'eks-2018' | 'eks-current';

export const SYSTEM_POD_PRESETS: Readonly<Record<SystemPodPreset, readonly SystemPod[]>> = Object.freeze({
  'eks-2018': Object.freeze([
    { name: 'aws-node', kind: 'DaemonSet', hostNetwork: true },
    { name: 'kube-proxy', kind: 'DaemonSet', hostNetwork: true },
    { name: 'kube-dns', kind: 'Deployment', replicas: 1, hostNetwork: false },
  ] as SystemPod[]),
  'eks-current': Object.freeze([
    {
      name: 'aws-node',
      kind: 'DaemonSet',
      hostNetwork: true,
      requests: { cpu: '50m' },
      source: 'aws/amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml: aws-node 25m + aws-eks-nodeagent 25m CPU, no memory',
    },
    {
      name: 'kube-proxy',
      kind: 'DaemonSet',
      hostNetwork: true,
      requests: { cpu: '100m' },
      source: 'EKS kube-proxy add-on DaemonSet (as dumped from EKS in eksctl pkg/addons/default testdata): 100m CPU, no memory',
    },
    {
      name: 'eks-pod-identity-agent',
      kind: 'DaemonSet',
      hostNetwork: true,
      source: 'aws/eks-pod-identity-agent charts/eks-pod-identity-agent/values.yaml: resources {} (no requests)',
    },
    {
      name: 'coredns',
      kind: 'Deployment',
      replicas: 2,
      hostNetwork: false,
      requests: { cpu: '100m', memory: '70Mi' },
      source: 'EKS CoreDNS add-on Deployment (eksctl pkg/addons/default/assets/coredns-1.36.json, dumped from EKS): 100m CPU, 70Mi memory',
    },
  ] as SystemPod[]),
});

export const SYSTEM_POD_PRESET_NAMES = Object.keys(SYSTEM_POD_PRESETS) as SystemPodPreset[];

/** The default when nothing is given: today's EKS node. */
export const DEFAULT_SYSTEM_PODS: SystemPodPreset = 'eks-current';

const FIELDS = ['name', 'kind', 'replicas', 'hostNetwork', 'namespace', 'requests', 'source'];
const KINDS: readonly SystemPodKind[] = ['DaemonSet', 'Deployment'];
/** Kubernetes object names: DNS-1123 labels (lowercase letters, digits, '-'; ≤ 63). */
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDnsLabel(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 63 && NAME_RE.test(s);
}

/**
 * Checks a system-pod list and returns it normalised (replicas and hostNetwork filled in).
 * Errors name the entry and field: `systemPods[2].replicas`. `where(path)` may add a file position.
 */
export function checkSystemPods(list: unknown, where: (path: (string | number)[]) => string = () => ''): SystemPod[] {
  const fail = (path: (string | number)[], given: unknown, allowed: string): never => {
    const label = 'systemPods' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    const err = badOption(label, given, allowed);
    err.message = where(path) + err.message;
    throw err;
  };
  if (!Array.isArray(list)) fail([], list, 'a list of { name, kind, replicas?, hostNetwork? } entries');
  const seen = new Set<string>();
  return (list as unknown[]).map((e, i): SystemPod => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) fail([i], e, 'a mapping { name, kind, replicas?, hostNetwork? }');
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!FIELDS.includes(k)) fail([i, k], o[k], `no such field; fields are ${FIELDS.join(', ')}`);
    if (!isDnsLabel(o.name)) fail([i, 'name'], o.name, 'a Kubernetes name: lowercase letters, digits and "-", at most 63 characters');
    const name = o.name as string;
    if (seen.has(name)) fail([i, 'name'], name, 'a name not used by another entry');
    seen.add(name);
    if (!KINDS.includes(o.kind as SystemPodKind)) fail([i, 'kind'], o.kind, KINDS.join(' or '));
    const kind = o.kind as SystemPodKind;
    if (o.hostNetwork !== undefined && typeof o.hostNetwork !== 'boolean') fail([i, 'hostNetwork'], o.hostNetwork, 'true or false');
    if (o.namespace !== undefined && !isDnsLabel(o.namespace)) fail([i, 'namespace'], o.namespace, 'a Kubernetes namespace name');
    const pod: SystemPod = { name, kind, hostNetwork: o.hostNetwork === true };
    if (kind === 'DaemonSet') {
      if (o.replicas !== undefined) fail([i, 'replicas'], o.replicas, 'nothing for a DaemonSet (it runs one pod on every node)');
    } else {
      const r = o.replicas ?? 1;
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) fail([i, 'replicas'], o.replicas, 'a whole number ≥ 0');
      pod.replicas = r as number;
    }
    if (o.namespace !== undefined) pod.namespace = o.namespace as string;
    if (o.requests !== undefined) {
      const problem = requestsProblem(o.requests);
      if (problem) fail(problem.key === undefined ? [i, 'requests'] : [i, 'requests', problem.key], problem.key === undefined ? o.requests : (o.requests as Record<string, unknown>)[problem.key], problem.allowed);
      pod.requests = { ...(o.requests as ResourceRequests) };
    }
    if (o.source !== undefined) {
      if (typeof o.source !== 'string') fail([i, 'source'], o.source, 'a string saying where the figures come from');
      pod.source = o.source as string;
    }
    return pod;
  });
}

/** A preset by name, or a list checked with checkSystemPods. */
export function resolveSystemPods(spec: SystemPodPreset | readonly SystemPod[] | undefined): SystemPod[] {
  if (spec === undefined) return checkSystemPods(SYSTEM_POD_PRESETS[DEFAULT_SYSTEM_PODS]);
  if (typeof spec === 'string') {
    if (!hasOwn(SYSTEM_POD_PRESETS, spec)) {
      throw badOption('systemPods', spec, `a preset (${SYSTEM_POD_PRESET_NAMES.join(', ')}) or a list of system pods`);
    }
    return checkSystemPods(SYSTEM_POD_PRESETS[spec]);
  }
  return checkSystemPods(spec);
}

/**
 * Parses a system-pods file (YAML or JSON): a mapping with a `systemPods` list, e.g.
 *
 *     systemPods:
 *       - { name: aws-node, kind: DaemonSet, hostNetwork: true }
 *       - { name: coredns, kind: Deployment, replicas: 2 }
 *
 * Errors carry `file:line:col` and the field.
 */
export function parseSystemPods(text: string, source = 'system-pods file'): SystemPod[] {
  const example = 'e.g. "systemPods:\\n  - { name: aws-node, kind: DaemonSet, hostNetwork: true }"';
  let parsed: ReturnType<typeof parseTemplateWithSource>;
  try {
    parsed = parseTemplateWithSource(text, source);
  } catch (e) {
    if (e instanceof EksNodegroupError && /the document must be a mapping/.test(e.message)) {
      throw new EksNodegroupError('BAD_INPUT', `${source}: a system-pods file is a mapping with a "systemPods" list (${example})`);
    }
    throw e;
  }
  const doc = parsed.template;
  const extra = Object.keys(doc).filter((k) => k !== 'systemPods');
  if (extra.length || !('systemPods' in doc)) {
    const pos = extra.length ? parsed.locate(toPointer([extra[0]])) : undefined;
    const at = pos ? `${source}:${pos.line}:${pos.col}` : source;
    throw new EksNodegroupError(
      'BAD_INPUT',
      extra.length
        ? `${at}: unknown top-level key "${extra[0]}"; a system-pods file has only "systemPods" (${example})`
        : `${at}: no "systemPods" list (${example})`,
    );
  }
  const where = (path: (string | number)[]): string => {
    const pos = parsed.locate(toPointer(['systemPods', ...path]));
    return pos ? `${source}:${pos.line}:${pos.col}: ` : `${source}: `;
  };
  try {
    return checkSystemPods(doc.systemPods, where);
  } catch (e) {
    if (e instanceof EksNodegroupError) throw new EksNodegroupError('BAD_INPUT', e.message);
    throw e;
  }
}
