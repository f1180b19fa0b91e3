/**
 * The MaxPods engine: pure functions from instance-type facts and options to kubelet `maxPods`.
 *
 * Formula (Amazon VPC CNI; AWS eni-max-pods.txt and amazon-eks-ami max-pods-calculator.sh):
 *
 *   maxPods = ENIs × (IPv4 per ENI − 1) + 2
 *
 * - ENIs: the DEFAULT network card's MaximumNetworkInterfaces (only that card carries pod ENIs),
 *   limited by `maxEnis` (--cni-max-eni), minus `reservedEnis` (Karpenter), minus 1 with custom
 *   networking (the primary ENI then carries no pods).
 * - IPv4 per ENI − 1: the primary address of every ENI is never given to a pod.
 * - + 2: aws-node and kube-proxy run on the host network and use no pod IP, yet count against
 *   kubelet maxPods.
 * - Prefix delegation (VPC CNI ≥ 1.9, Nitro only): each secondary slot holds a /28 prefix of 16
 *   addresses: ENIs × ((IPv4 per ENI − 1) × 16) + 2.
 * - Recommended cap: min(value, 110) with ≤ 30 vCPUs, min(value, 250) above. On by default with
 *   prefix delegation (as max-pods-calculator.sh caps unless --show-max-allowed), off otherwise
 *   (the plain formula is AWS's eni-max-pods.txt).
 *
 * Sources: aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt and scripts/gen_vpc_ip_limits.go;
 * awslabs/amazon-eks-ami templates/al2/runtime/max-pods-calculator.sh (removed in 2026 with AL2);
 * AWS EKS User Guide, "Assign more IP addresses to Amazon EKS nodes with prefixes".
 */
import { badArgument, badOption, checkTree, EksNodegroupError, isRecord, plural, requireInteger } from '../core';
import { getInstanceType, type InstanceTypeFacts } from '../instance-types';
import { AMI_FAMILIES, nodeResourcesFromFacts, type AmiFamily, type NodeResources } from './resources';

export { AMI_FAMILIES, kubeReservedCpu, kubeReservedMemory, nodeResourcesFromFacts, type AmiFamily, type NodeResources } from './resources';

export interface CalculatorParityOptions {
  /** VPC CNI version, e.g. "1.18.3" or "v1.12.6-eksbuild.2"; prefix delegation needs ≥ 1.9.0. */
  cniVersion: string;
  /** Like --show-max-allowed: skip the 110/250 recommended cap. */
  showMaxAllowed?: boolean;
}

export interface MaxPodsOptions {
  /** VPC CNI prefix delegation (ENABLE_PREFIX_DELEGATION=true). Applies to Nitro types only. */
  prefixDelegation?: boolean;
  /** VPC CNI custom networking: the primary ENI carries no pods. */
  customNetworking?: boolean;
  /** Use at most this many ENIs (max-pods-calculator.sh --cni-max-eni). */
  maxEnis?: number;
  /** ENIs reserved for other uses (Karpenter's reservedENIs), subtracted before the formula. */
  reservedEnis?: number;
  /**
   * Apply AWS's recommended cap: 110 for ≤ 30 vCPUs, 250 above. Left out: on with prefix
   * delegation, off otherwise; `false` gives the uncapped values (the script's --show-max-allowed).
   */
  cap?: boolean;
  /** An explicit value: kubelet maxPods set by hand. Wins over everything else. */
  override?: number;
  /** Behave exactly like AWS's max-pods-calculator.sh. */
  calculatorParity?: CalculatorParityOptions;
}

export interface MaxPodsInputs {
  instanceType: string;
  defaultCardEnis: number;
  ipv4PerEni: number;
  hypervisor?: string;
  bareMetal: boolean;
  vcpus?: number;
}

export interface MaxPodsCap {
  limit: 110 | 250;
  /** Why this limit: the vCPU count and the threshold. */
  reason: string;
  /** True when the cap lowered the value. */
  applied: boolean;
}

export interface MaxPodsExplanation {
  instanceType: string;
  maxPods: number;
  inputs: MaxPodsInputs;
  options: MaxPodsOptions;
  /** ENIs that carry pod addresses. */
  enisUsed: number;
  /** Pod addresses per ENI: IPv4 per ENI − 1, × 16 with prefix delegation. */
  podIpsPerEni: number;
  /** Pod IPs over all ENIs used: enisUsed × podIpsPerEni. */
  podIps: number;
  /** Host-network pods counted on top (aws-node, kube-proxy). */
  hostNetworkPods: 2;
  prefixDelegation: boolean;
  /** The formula with numbers filled in. */
  formula: string;
  /** Value before any cap or override. */
  computed: number;
  cap?: MaxPodsCap;
  override?: number;
  /** Each step, in words. */
  steps: string[];
}

const RECOMMENDED_CAP_VCPU_THRESHOLD = 30;

/** True when `options` apply the recommended cap (outside calculator parity): asked for, or by default with prefix delegation. */
export function capped(options: MaxPodsOptions): boolean {
  return options.cap ?? options.prefixDelegation === true;
}

/** Parses "1.9.0", "v1.12.6-eksbuild.2" into [major, minor, patch]. */
export function parseCniVersion(v: string, option = 'cniVersion'): [number, number, number] {
  const m = typeof v === 'string' ? /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(v.trim()) : null;
  if (!m) throw badOption(option, v, 'a VPC CNI version such as 1.18.3 or v1.12.6-eksbuild.2');
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Checks every option, naming the bad one and the allowed values. */
export function checkMaxPodsOptions(options: MaxPodsOptions): MaxPodsOptions {
  if (options === null || typeof options !== 'object') throw badOption('options', options, 'an object');
  checkTree(options, 'max-pods options');
  const known = ['prefixDelegation', 'customNetworking', 'maxEnis', 'reservedEnis', 'cap', 'override', 'calculatorParity'];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw badOption(`max-pods option "${k}"`, (options as Record<string, unknown>)[k], `one of the options ${known.join(', ')}`);
  }
  for (const k of ['prefixDelegation', 'customNetworking', 'cap'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw badOption(k, options[k], 'true or false');
  }
  if (options.maxEnis !== undefined) requireInteger('maxEnis', options.maxEnis, 1);
  if (options.reservedEnis !== undefined) requireInteger('reservedEnis', options.reservedEnis, 0);
  if (options.override !== undefined) requireInteger('override', options.override, 1);
  if (options.calculatorParity !== undefined) {
    const p = options.calculatorParity;
    if (p === null || typeof p !== 'object') throw badOption('calculatorParity', p, '{ cniVersion, showMaxAllowed? }');
    parseCniVersion(p.cniVersion, 'calculatorParity.cniVersion');
    if (p.showMaxAllowed !== undefined && typeof p.showMaxAllowed !== 'boolean') {
      throw badOption('calculatorParity.showMaxAllowed', p.showMaxAllowed, 'true or false');
    }
    if (options.cap !== undefined) {
      throw badOption('cap', options.cap, 'nothing with calculatorParity (use showMaxAllowed to skip its cap)');
    }
  }
  return options;
}

function recommendedCap(inputs: MaxPodsInputs, value: number): MaxPodsCap {
  if (inputs.vcpus === undefined) {
    throw new EksNodegroupError(
      'MISSING_FACT',
      `${inputs.instanceType}: the recommended 110/250 cap needs the vCPU count, which the instance data lacks ` +
        '(refresh the data with "eks-nodegroup refresh-data", or compute without the cap: --no-cap)',
    );
  }
  const big = inputs.vcpus > RECOMMENDED_CAP_VCPU_THRESHOLD;
  const limit = big ? 250 : 110;
  return {
    limit,
    reason: `${plural(inputs.vcpus, 'vCPU')} ${big ? '>' : '≤'} ${RECOMMENDED_CAP_VCPU_THRESHOLD} → recommended cap ${limit}`,
    applied: value > limit,
  };
}

/** Max pods from raw facts (no data look-up): the pure core of the engine. */
export function explainMaxPodsFromFacts(inputs: MaxPodsInputs, options: MaxPodsOptions = {}): MaxPodsExplanation {
  return compute(inputs, checkMaxPodsOptions(options), true);
}

/**
 * The computation, on checked options. With `explain` false the step texts are never built (a
 * table of every type needs the numbers only); the numbers are the same either way.
 */
function compute(inputs: MaxPodsInputs, options: MaxPodsOptions, explain: boolean): MaxPodsExplanation {
  const steps: string[] = [];
  const step = explain ? (text: () => string) => void steps.push(text()) : () => undefined;
  const parity = options.calculatorParity;
  let enis = inputs.defaultCardEnis;
  step(() => `default network card: ${enis} ENIs, ${inputs.ipv4PerEni} IPv4 addresses per ENI`);
  if (options.maxEnis !== undefined && options.maxEnis < enis) {
    enis = options.maxEnis;
    step(() => `max ENIs ${options.maxEnis} → ${plural(enis, 'ENI')} used`);
  }
  if (options.reservedEnis) {
    enis -= options.reservedEnis;
    step(() => `${plural(options.reservedEnis!, 'reserved ENI')} → ${plural(enis, 'ENI')} used`);
  }
  if (options.customNetworking) {
    enis -= 1;
    step(() => `custom networking: the primary ENI carries no pods → ${plural(enis, 'ENI')} used`);
  }
  if (enis <= 0) {
    enis = 0;
    step(() => 'no ENI is left for pods: only host-network pods can run on this node (2 = aws-node, kube-proxy)');
  }

  let prefixDelegation = false;
  if (options.prefixDelegation) {
    if (parity) {
      const [maj, min] = parseCniVersion(parity.cniVersion);
      const cniOk = maj > 1 || (maj === 1 && min >= 9);
      prefixDelegation = cniOk && inputs.hypervisor === 'nitro';
      if (!cniOk) step(() => `prefix delegation not applied: VPC CNI ${parity.cniVersion} < 1.9.0`);
      else if (!prefixDelegation) step(() => `prefix delegation not applied: hypervisor is ${inputs.hypervisor ?? 'not reported'}, the calculator requires nitro`);
    } else {
      // All bare-metal types run on the Nitro System even though EC2 reports no hypervisor.
      prefixDelegation = inputs.hypervisor === 'nitro' || inputs.bareMetal;
      if (!prefixDelegation) step(() => `prefix delegation not applied: hypervisor is ${inputs.hypervisor ?? 'not reported'} (Nitro only)`);
    }
  }
  const secondary = inputs.ipv4PerEni - 1;
  const podIpsPerEni = prefixDelegation ? secondary * 16 : secondary;
  const podIps = enis * podIpsPerEni;
  const computed = podIps + 2;
  const formula = !explain
    ? ''
    : prefixDelegation
      ? `${enis} × ((${inputs.ipv4PerEni} − 1) × 16) + 2 = ${computed}`
      : `${enis} × (${inputs.ipv4PerEni} − 1) + 2 = ${computed}`;
  step(() =>
    prefixDelegation
      ? `prefix delegation: ${secondary} /28 prefixes per ENI × 16 = ${podIpsPerEni} pod IPs per ENI`
      : `${plural(secondary, 'secondary IP')} per ENI (the primary IP is never given to a pod)`,
  );
  step(() => `${plural(enis, 'ENI')} × ${podIpsPerEni} = ${plural(podIps, 'pod IP')}, + 2 host-network pods (aws-node, kube-proxy) = ${computed}`);

  let maxPods = computed;
  let cap: MaxPodsCap | undefined;
  const wantCap = parity ? !parity.showMaxAllowed : capped(options);
  if (wantCap) {
    const c = recommendedCap(inputs, computed);
    cap = c;
    if (c.applied) maxPods = c.limit;
    step(() => (c.applied ? `${c.reason}: ${computed} → ${c.limit}` : `${c.reason}: ${computed} is within it`));
  }
  if (options.override !== undefined) {
    maxPods = options.override;
    step(() => `override: maxPods set to ${options.override} by hand`);
  }
  return {
    instanceType: inputs.instanceType,
    maxPods,
    inputs,
    options,
    enisUsed: enis,
    podIpsPerEni,
    podIps,
    hostNetworkPods: 2,
    prefixDelegation,
    formula,
    computed,
    cap,
    override: options.override,
    steps,
  };
}

function inputsOf(f: InstanceTypeFacts): MaxPodsInputs {
  const i: MaxPodsInputs = {
    instanceType: f.name,
    defaultCardEnis: f.defaultCardEnis,
    ipv4PerEni: f.ipv4PerEni,
    bareMetal: f.bareMetal,
  };
  if (f.hypervisor !== undefined) i.hypervisor = f.hypervisor;
  if (f.vcpus !== undefined) i.vcpus = f.vcpus;
  return i;
}

/** The facts of `type` (a name, or facts as getInstanceType returns them); BAD_INPUT naming `fn` otherwise. */
function factsOf(fn: string, type: unknown): InstanceTypeFacts {
  if (typeof type === 'string') return getInstanceType(type);
  const expected = 'an instance type name such as "m5.large", or the facts getInstanceType returns';
  checkTree(type, `${fn}: the instance type`);
  if (!isRecord(type)) throw badArgument(fn, 'the instance type', expected, type);
  const f = type as Record<string, unknown>;
  for (const k of ['name', 'defaultCardEnis', 'ipv4PerEni']) {
    if (f[k] === undefined) throw badArgument(fn, `the instance type's ${k}`, `given (${expected})`, f[k]);
  }
  return type as unknown as InstanceTypeFacts;
}

/** Max pods for a known instance type, with every step explained. */
export function explainMaxPods(type: string | InstanceTypeFacts, options: MaxPodsOptions = {}): MaxPodsExplanation {
  const facts = factsOf('explainMaxPods', type);
  return compute(inputsOf(facts), checkMaxPodsOptions(options), true);
}

/** kubelet maxPods for a known instance type. */
export function maxPods(type: string | InstanceTypeFacts, options: MaxPodsOptions = {}): number {
  const facts = factsOf('maxPods', type);
  return compute(inputsOf(facts), checkMaxPodsOptions(options), false).maxPods;
}

/**
 * What a node of a known type keeps for kubelet and leaves for pods on `family`, with kubelet's
 * maxPods from `options` (see resources.ts for the model). Undefined without vCPU or memory figures.
 */
export function nodeResources(type: string | InstanceTypeFacts, family: AmiFamily, options: MaxPodsOptions = {}): NodeResources | undefined {
  if (!AMI_FAMILIES.includes(family)) throw badArgument('nodeResources', 'family', `an AMI family: ${AMI_FAMILIES.join(', ')}`, family);
  const facts = typeof type === 'string' ? getInstanceType(type) : type;
  return nodeResourcesFromFacts(facts, family, maxPods(facts, options), maxPods(facts));
}

export interface MaxPodsTable {
  table: Map<string, number>;
  /** Types a mode cannot compute (a missing fact), with the reason. */
  missing: { type: string; reason: string }[];
  /** Types on which no ENI is left for pods (max/reserved ENIs, custom networking). */
  noEni: string[];
  /** Per type, the pods its IPs allow (the value before any cap or override). */
  byIps: Map<string, number>;
}

/**
 * Max pods of each of `types` (known names) with one set of options, checked once. Types a mode
 * cannot compute (a missing fact) are listed with the reason instead of stopping the table.
 */
export function maxPodsTable(types: readonly string[], options: MaxPodsOptions = {}): MaxPodsTable {
  if (!Array.isArray(types)) throw badArgument('maxPodsTable', 'types', 'a list of instance type names', types);
  const checked = checkMaxPodsOptions(options);
  const table = new Map<string, number>();
  const byIps = new Map<string, number>();
  const missing: { type: string; reason: string }[] = [];
  const noEni: string[] = [];
  for (const t of types) {
    try {
      const e = compute(inputsOf(getInstanceType(t)), checked, false);
      table.set(t, e.maxPods);
      byIps.set(t, e.computed);
      if (e.enisUsed === 0) noEni.push(t);
    } catch (e) {
      if (!(e instanceof EksNodegroupError) || e.code !== 'MISSING_FACT') throw e;
      missing.push({ type: t, reason: e.message.replace(/^[^:]*: /, '') });
    }
  }
  return { table, missing, noEni, byIps };
}
