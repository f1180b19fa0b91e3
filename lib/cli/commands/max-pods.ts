import { EksNodegroupError, percent, plural } from '../../core';
import { getInstanceType, instanceTypeNames } from '../../instance-types';
import { AMI_FAMILIES, explainMaxPods, kubeReservedMemory, maxPods, nodeResourcesFromFacts, type AmiFamily, type MaxPodsExplanation, type MaxPodsOptions, type NodeResources } from '../../max-pods';
import { memoryForPods } from '../../max-pods/limits';
import { DEFAULTS } from '../../nodegroup/options';
import { choiceFlag, intFlag, parseFlags, type FlagSpec, type Parsed } from '../args';
import type { CliIO, Command } from '../io';

const usage = 'eks-nodegroup max-pods (TYPE… | --all) [mode flags] [--explain | --json] [--ami-family F]';

const bool = { type: 'boolean' } as const;
const str = { type: 'string' } as const;

/** Mode flags shared with every command that computes max pods (gen, pods, diff), each with the MaxPodsOptions key it sets. */
export const MAX_POD_OPTION_FLAGS: Readonly<Record<string, [keyof MaxPodsOptions, FlagSpec[string]]>> = {
  'prefix-delegation': ['prefixDelegation', bool],
  'custom-networking': ['customNetworking', bool],
  'max-enis': ['maxEnis', str],
  'cni-max-eni': ['maxEnis', str],
  'reserved-enis': ['reservedEnis', str],
  cap: ['cap', bool],
  'no-cap': ['cap', bool],
  'max-pods-override': ['override', str],
  'cni-version': ['calculatorParity', str],
  'show-max-allowed': ['cap', bool],
};

export const MAX_POD_FLAGS: FlagSpec = Object.fromEntries(Object.entries(MAX_POD_OPTION_FLAGS).map(([f, [, spec]]) => [f, spec]));

export const MAX_POD_FLAGS_HELP = `mode flags:
  --prefix-delegation      VPC CNI prefix delegation (/28 prefixes; Nitro types only)
  --custom-networking      VPC CNI custom networking (primary ENI carries no pods)
  --max-enis N             use at most N ENIs (alias --cni-max-eni)
  --reserved-enis N        ENIs reserved for other uses (Karpenter), after --max-enis
  --cap                    apply AWS's recommended cap (110 for ≤ 30 vCPUs, 250 above);
                           on by default with --prefix-delegation
  --no-cap, --show-max-allowed
                           no cap, also with --prefix-delegation (the script's name for it)
  --max-pods-override N    use N as maxPods (kubelet maxPods set by hand)
  --cni-version V          behave like AWS's max-pods-calculator.sh for VPC CNI V
                           (prefix delegation needs ≥ 1.9 and Nitro; cap unless --show-max-allowed)
  (with --cni-version, --show-max-allowed skips the calculator's cap)`;

/** Builds MaxPodsOptions from the mode flags; bad values name the flag. */
export function maxPodsOptionsFromFlags(v: Parsed['values']): MaxPodsOptions {
  const o: MaxPodsOptions = {};
  if (v['prefix-delegation']) o.prefixDelegation = true;
  if (v['custom-networking']) o.customNetworking = true;
  if (v['max-enis'] !== undefined && v['cni-max-eni'] !== undefined) {
    throw new EksNodegroupError('BAD_USAGE', 'give --max-enis or --cni-max-eni, not both (they are the same flag)');
  }
  const maxEnis = intFlag('max-enis', v['max-enis'], 1) ?? intFlag('cni-max-eni', v['cni-max-eni'], 1);
  if (maxEnis !== undefined) o.maxEnis = maxEnis;
  const reserved = intFlag('reserved-enis', v['reserved-enis'], 0);
  if (reserved !== undefined) o.reservedEnis = reserved;
  const override = intFlag('max-pods-override', v['max-pods-override'], 1);
  if (override !== undefined) o.override = override;
  if (v['cni-version'] !== undefined) {
    if (v.cap || v['no-cap']) throw new EksNodegroupError('BAD_USAGE', `--${v.cap ? 'cap' : 'no-cap'} goes without --cni-version (the calculator caps unless --show-max-allowed)`);
    o.calculatorParity = { cniVersion: String(v['cni-version']), showMaxAllowed: v['show-max-allowed'] === true };
  } else {
    const off = v['no-cap'] === true || v['show-max-allowed'] === true;
    if (v.cap && off) throw new EksNodegroupError('BAD_USAGE', `give --cap or --${v['no-cap'] ? 'no-cap' : 'show-max-allowed'}, not both`);
    if (v.cap) o.cap = true;
    if (off) o.cap = false;
  }
  return o;
}

/** What a node of the type keeps for kubelet and leaves for pods, in one paragraph. */
function resourcesText(r: NodeResources | undefined, pods: number): string[] {
  if (!r) return ['  node: vCPUs or memory unknown in the instance data: kube-reserved and allocatable cannot be computed'];
  const whose = {
    al2023: "nodeadm reserves for its own ENI max pods, whatever maxPods kubelet gets",
    al2: "bootstrap.sh reserves for eni-max-pods.txt's value, whatever --max-pods kubelet gets",
    bottlerocket: 'Bottlerocket reserves for its max-pods setting',
  }[r.family];
  return [
    `  node (${r.family}): ${r.ec2MemoryMiB} MiB memory − ${r.vmOverheadMiB} MiB the VM keeps = ${r.memoryCapacityMiB} MiB kubelet capacity; ${r.cpuMillicores}m CPU`,
    `  kube-reserved: ${r.kubeReservedMemoryMiB} MiB = 11 × ${r.reservedForPods} pods + 255 (${whose}), ${r.kubeReservedCpuMillicores}m CPU; hard eviction ${r.evictionHardMemoryMiB} MiB`,
    `  allocatable: ${r.allocatableMemoryMiB} MiB memory, ${r.allocatableCpuMillicores}m CPU (kubelet and eviction keep ${percent(r.reservedShare)} of the memory)`,
    ...(r.reservedForPods < pods
      ? [`  kube-reserved is sized for ${r.reservedForPods} pods, not the ${pods} kubelet may run: ${pods} pods would need ${kubeReservedMemory(pods)} MiB (with eviction ${percent(memoryForPods(r, pods) / r.memoryCapacityMiB)} of the memory)`]
      : []),
  ];
}

function explainText(e: MaxPodsExplanation, r: NodeResources | undefined): string {
  const i = e.inputs;
  const facts = [
    `hypervisor ${i.hypervisor ?? 'not reported'}`,
    i.bareMetal ? 'bare metal' : undefined,
    i.vcpus !== undefined ? plural(i.vcpus, 'vCPU') : 'vCPUs unknown',
  ].filter(Boolean);
  return [
    `${e.instanceType}: maxPods ${e.maxPods}`,
    `  facts: ${i.defaultCardEnis} ENIs on the default card, ${i.ipv4PerEni} IPv4 per ENI, ${facts.join(', ')}`,
    ...e.steps.map((s, n) => `  ${n + 1}. ${s}`),
    `  formula: ${e.formula}`,
    ...resourcesText(r, e.maxPods),
    '',
  ].join('\n');
}

export const command: Command = {
  usage,
  help: `usage: ${usage}

Prints "<type> <maxPods>" for each instance type (the format of AWS's eni-max-pods.txt).
  --all                    every known instance type, sorted
  --explain                show the facts, each step of the computation, and what a node keeps
                           for kubelet (kube-reserved, eviction) and leaves for pods (allocatable)
  --json                   print JSON objects (with the explanation and the node's resources)
  --ami-family F           the AMI family whose kube-reserved rules --explain and --json use:
                           ${AMI_FAMILIES.join(' | ')} (default ${DEFAULTS.amiFamily})
${MAX_POD_FLAGS_HELP}
`,
  run(args: string[], io: CliIO): number {
    const { values, positionals } = parseFlags(
      args,
      { ...MAX_POD_FLAGS, all: { type: 'boolean' }, explain: { type: 'boolean' }, json: { type: 'boolean' }, 'ami-family': { type: 'string' } },
      usage,
    );
    if (values.all && positionals.length > 0) {
      throw new EksNodegroupError('BAD_USAGE', `give instance types or --all, not both\nusage: ${usage}`);
    }
    if (!values.all && positionals.length === 0) {
      throw new EksNodegroupError('BAD_USAGE', `name at least one instance type (e.g. m5.large) or give --all\nusage: ${usage}`);
    }
    if (values.explain && values.json) {
      throw new EksNodegroupError('BAD_USAGE', `give --explain or --json, not both (the JSON holds the explanation)\nusage: ${usage}`);
    }
    const family: AmiFamily = choiceFlag('ami-family', values['ami-family'], AMI_FAMILIES) ?? DEFAULTS.amiFamily;
    const options = maxPodsOptionsFromFlags(values);
    const types = values.all ? instanceTypeNames() : positionals;
    // Check every name first so one run reports all unknown types at once.
    const unknown: string[] = [];
    for (const t of types) {
      try {
        getInstanceType(t);
      } catch (e) {
        // A pattern is for gen -t; here names only.
        unknown.push(t.includes('*') ? `"${t}" is a pattern: max-pods takes instance type names (or --all); patterns select types in gen -t` : (e as Error).message);
      }
    }
    if (unknown.length) throw new EksNodegroupError('UNKNOWN_INSTANCE_TYPE', unknown.join('\n'));

    const results: MaxPodsExplanation[] = [];
    const failures: string[] = [];
    for (const t of types) {
      try {
        results.push(explainMaxPods(t, options));
      } catch (e) {
        if (!(e instanceof EksNodegroupError)) throw e;
        failures.push(e.message);
      }
    }
    const resources = (e: MaxPodsExplanation) => nodeResourcesFromFacts(getInstanceType(e.instanceType), family, e.maxPods, maxPods(e.instanceType));
    let out: string;
    if (values.json) {
      out = JSON.stringify(results.map((e) => ({ ...e, resources: resources(e) ?? null })), null, 2) + '\n';
    } else if (values.explain) {
      out = results.map((e) => explainText(e, resources(e))).join('\n');
    } else {
      out = results.map((r) => `${r.instanceType} ${r.maxPods}\n`).join('');
    }
    io.stdout.write(out);
    if (failures.length && values.all) {
      // --all names no type: the ones a mode cannot compute are left out, as gen does.
      io.stderr.write(`eks-nodegroup max-pods: warning: left out ${plural(failures.length, 'type')} these options cannot compute:\n${failures.join('\n')}\n`);
    } else if (failures.length) {
      io.stderr.write(`eks-nodegroup max-pods: ${plural(failures.length, 'type')} could not be computed:\n${failures.join('\n')}\n`);
      return 2;
    }
    return 0;
  },
};
