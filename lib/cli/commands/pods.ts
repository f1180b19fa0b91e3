/**
 * `eks-nodegroup pods`: how many of a workload's pods run on EKS nodes of a type, and why the
 * others stay Pending or ContainerCreating. Exit 0 when every replica runs, 1 when some do not
 * (or no node count / type fits), 2 for bad usage or input.
 */
import * as path from 'node:path';
import { EksNodegroupError } from '../../core';
import {
  nodesNeeded,
  simulatePods,
  typesThatFit,
  SYSTEM_POD_PRESET_NAMES,
  DEFAULT_SYSTEM_PODS,
  parseSystemPods,
  parseRequestsFlag,
  parseMixFlag,
  type SimulatePodsOptions,
  type SystemPod,
  type SystemPodPreset,
} from '../../capacity';
import { formatFit, formatNodesNeeded, formatSimulation } from '../../capacity/format';
import { readTextFile } from '../files';
import { choiceFlag, intFlag, parseFlags } from '../args';
import { AMI_FAMILIES } from '../../max-pods';
import { DEFAULTS } from '../../nodegroup/options';
import { EXIT_FINDINGS, EXIT_OK, type CliIO, type Command } from '../io';
import { MAX_POD_FLAGS, MAX_POD_FLAGS_HELP, maxPodsOptionsFromFlags } from './max-pods';

const usage =
  'eks-nodegroup pods (TYPE | --enis N --ips-per-eni N | --mix TYPE:COUNT,…) --replicas N [--requests cpu=Q,memory=Q] [--max-pods M] [--system-pods eks-2018|eks-current|FILE] ' +
  '[--ami-family F] [--nodes K | --nodes-needed] [mode flags] [--json]\n       eks-nodegroup pods --fit N [--requests …] [--limit L] [--max-pods M] [--system-pods …] [--ami-family F] [mode flags] [--json]';

const FLAGS = {
  ...MAX_POD_FLAGS,
  replicas: { type: 'string' },
  requests: { type: 'string' },
  'ami-family': { type: 'string' },
  'max-pods': { type: 'string' },
  'system-pods': { type: 'string' },
  nodes: { type: 'string' },
  mix: { type: 'string' },
  'nodes-needed': { type: 'boolean' },
  fit: { type: 'string' },
  limit: { type: 'string' },
  name: { type: 'string' },
  enis: { type: 'string' },
  'ips-per-eni': { type: 'string' },
  vcpus: { type: 'string' },
  'memory-mib': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** A preset name, or a YAML/JSON file (relative to the working directory). */
function loadSystemPods(value: string | undefined, io: CliIO): { spec: SystemPodPreset | SystemPod[]; label: string } {
  if (value === undefined) return { spec: DEFAULT_SYSTEM_PODS, label: DEFAULT_SYSTEM_PODS };
  if ((SYSTEM_POD_PRESET_NAMES as string[]).includes(value)) return { spec: value as SystemPodPreset, label: value };
  const file = path.resolve(io.cwd ?? process.cwd(), value);
  let text: string;
  try {
    text = readTextFile(file, undefined, value);
  } catch (e) {
    if (e instanceof EksNodegroupError && /no such file/.test(e.message) && !/[/\\]|\.(ya?ml|json)$/i.test(value)) {
      throw new EksNodegroupError(
        'BAD_OPTION',
        `invalid value for --system-pods: ${JSON.stringify(value)} is neither a preset (${SYSTEM_POD_PRESET_NAMES.join(', ')}) nor a file`,
      );
    }
    if (e instanceof EksNodegroupError) {
      const hint = ` (--system-pods takes a preset, ${SYSTEM_POD_PRESET_NAMES.join(' or ')}, or a YAML/JSON file)`;
      throw new EksNodegroupError(e.code, `--system-pods: ${e.message.replace(file, value)}${hint}`);
    }
    throw e;
  }
  return { spec: parseSystemPods(text, value), label: value };
}

export const command: Command = {
  usage,
  help: `usage: ${usage}

Simulates EKS nodes: which pods run, which stay Pending (kubelet maxPods reached: the scheduler
counts every pod, DaemonSets and host-network pods included) and which stay ContainerCreating
(scheduled, but the VPC CNI has no pod IP left). Prints a "kubectl get pods -A -o wide" style
table, the warning events for the pods that do not run, and why.
  TYPE                     an EC2 instance type, e.g. t2.micro
  --enis N --ips-per-eni N raw numbers instead of a type (treated as Nitro for prefix delegation);
                           with --requests also --vcpus N --memory-mib N
  --mix TYPE:COUNT,…       nodes of several types instead of TYPE and --nodes, e.g.
                           m5.large:2,m7g.large:1 (node-1, node-2 m5.large, node-3 m7g.large);
                           each node has its type's maxPods, pod IPs and allocatable
  --replicas N             workload replicas (≥ 1)
  --requests cpu=Q,memory=Q
                           what one workload pod requests (Kubernetes quantities: 250m, 0.5,
                           512Mi, 1Gi); a pod fits where the node's allocatable CPU and memory
                           (after kube-reserved and eviction) still hold it
  --ami-family F           ${AMI_FAMILIES.join(' | ')} (default ${DEFAULTS.amiFamily}): decides kube-reserved,
                           so allocatable
  --name NAME              workload name (default app); pods are NAME-1, NAME-2, …
  --max-pods M             kubelet maxPods as configured, on every node (default: computed by the
                           max-pods rules for each type)
  --system-pods P          eks-current (default: aws-node, kube-proxy, eks-pod-identity-agent on
                           the host network, 2 CoreDNS with pod IPs), eks-2018 (aws-node,
                           kube-proxy, 1 kube-dns; no requests), or a YAML/JSON file:
                             systemPods:
                               - { name: aws-node, kind: DaemonSet, hostNetwork: true,
                                   requests: { cpu: 50m } }
                               - { name: coredns, kind: Deployment, replicas: 2,
                                   requests: { cpu: 100m, memory: 70Mi } }
  --nodes K                number of nodes (default 1); DaemonSets run on every node, other pods
                           go to the node with the fewest pods
  --nodes-needed           print the smallest node count on which every replica runs; with --mix,
                           the smallest number of whole sets of the mix's proportions
  --fit N                  list the instance types where one node runs N workload pods
  --limit L                with --fit: show the first L types (default 20; 0 = all)
  --json                   print JSON (top-level running, containerCreating, pending + explanation)
${MAX_POD_FLAGS_HELP}
Exit codes: 0 every replica runs, 1 some do not (or nothing fits), 2 bad usage or input.
`,
  run(args: string[], io: CliIO): number {
    const { values: v, positionals } = parseFlags(args, FLAGS, usage);
    const modes = maxPodsOptionsFromFlags(v);
    const maxPods = intFlag('max-pods', v['max-pods'], 1);
    if (maxPods !== undefined && modes.override !== undefined && maxPods !== modes.override) {
      throw new EksNodegroupError('BAD_USAGE', `--max-pods ${maxPods} and --max-pods-override ${modes.override} disagree: give one of them`);
    }
    const system = loadSystemPods(v['system-pods'] as string | undefined, io);
    const name = v.name as string | undefined;
    const base: Omit<SimulatePodsOptions, 'replicas'> = { maxPodsOptions: modes, systemPods: system.spec };
    if (maxPods !== undefined) base.maxPods = maxPods;
    if (v.requests !== undefined) base.requests = parseRequestsFlag(String(v.requests));
    const family = choiceFlag('ami-family', v['ami-family'], AMI_FAMILIES);
    if (family !== undefined) base.amiFamily = family;
    if (name !== undefined) base.name = name;

    if (v.fit !== undefined) {
      for (const f of ['replicas', 'nodes', 'mix', 'nodes-needed', 'enis', 'ips-per-eni', 'vcpus', 'memory-mib'] as const) {
        if (v[f] !== undefined) throw new EksNodegroupError('BAD_USAGE', `--fit tries every type on one node; drop --${f}\nusage: ${usage}`);
      }
      if (positionals.length) throw new EksNodegroupError('BAD_USAGE', `--fit tries every type; drop ${positionals.join(' ')}\nusage: ${usage}`);
      const replicas = intFlag('fit', v.fit, 1)!;
      const limit = intFlag('limit', v.limit, 0) ?? 20;
      const r = typesThatFit({ ...base, replicas });
      io.stdout.write(v.json ? JSON.stringify(r, null, 2) + '\n' : formatFit(r, limit, system.label, name ?? 'app'));
      return r.fits.length ? EXIT_OK : EXIT_FINDINGS;
    }
    if (v.limit !== undefined) throw new EksNodegroupError('BAD_USAGE', '--limit goes with --fit');

    if (v.replicas === undefined) throw new EksNodegroupError('BAD_USAGE', `give --replicas N (how many pods of your workload)\nusage: ${usage}`);
    const replicas = intFlag('replicas', v.replicas, 1)!;
    const opts: SimulatePodsOptions = { ...base, replicas };
    const raw = v.enis !== undefined || v['ips-per-eni'] !== undefined;
    if (v.mix !== undefined) {
      // The mix names every type and its node count: nothing else may.
      if (positionals.length) throw new EksNodegroupError('BAD_USAGE', `give an instance type or --mix, not both (--mix names the types): drop ${positionals.join(' ')} or --mix\nusage: ${usage}`);
      for (const f of ['nodes', 'enis', 'ips-per-eni', 'vcpus', 'memory-mib'] as const) {
        if (v[f] !== undefined) throw new EksNodegroupError('BAD_USAGE', `--mix and --${f} do not go together: the mix gives each instance type and its node count`);
      }
      opts.mix = parseMixFlag(String(v.mix));
    } else if (raw) {
      if (positionals.length) throw new EksNodegroupError('BAD_USAGE', `give an instance type or --enis/--ips-per-eni, not both\nusage: ${usage}`);
      if (v.enis === undefined || v['ips-per-eni'] === undefined) throw new EksNodegroupError('BAD_USAGE', '--enis and --ips-per-eni go together');
      opts.facts = { defaultCardEnis: intFlag('enis', v.enis, 1)!, ipv4PerEni: intFlag('ips-per-eni', v['ips-per-eni'], 1)!, hypervisor: 'nitro' };
      const vcpus = intFlag('vcpus', v.vcpus, 1);
      const memory = intFlag('memory-mib', v['memory-mib'], 1);
      if (vcpus !== undefined) opts.facts.vcpus = vcpus;
      if (memory !== undefined) opts.facts.memoryMiB = memory;
      if (opts.requests !== undefined && (vcpus === undefined || memory === undefined)) {
        throw new EksNodegroupError('BAD_USAGE', '--requests with --enis/--ips-per-eni needs the node\'s --vcpus N and --memory-mib N (EC2\'s figures) to compute allocatable');
      }
    } else {
      for (const f of ['vcpus', 'memory-mib'] as const) {
        if (v[f] !== undefined) throw new EksNodegroupError('BAD_USAGE', `--${f} goes with --enis and --ips-per-eni (an instance type brings its own)`);
      }
      if (positionals.length !== 1) {
        throw new EksNodegroupError('BAD_USAGE', `name one instance type (e.g. m5.large)${positionals.length ? `, not ${positionals.length}` : ''}\nusage: ${usage}`);
      }
      opts.instanceType = positionals[0];
    }

    if (v['nodes-needed']) {
      if (v.nodes !== undefined) throw new EksNodegroupError('BAD_USAGE', '--nodes-needed finds the node count; drop --nodes');
      const r = nodesNeeded(opts);
      io.stdout.write(v.json ? JSON.stringify({ nodesNeeded: r.nodes, sets: r.sets, reason: r.reason, simulation: summary(r.simulation) }, null, 2) + '\n' : formatNodesNeeded(r, system.label));
      return r.nodes === null ? EXIT_FINDINGS : EXIT_OK;
    }
    const nodes = intFlag('nodes', v.nodes, 1);
    if (nodes !== undefined) opts.nodes = nodes;
    const sim = simulatePods(opts);
    io.stdout.write(v.json ? JSON.stringify(summary(sim), null, 2) + '\n' : formatSimulation(sim, system.label));
    return sim.running === replicas ? EXIT_OK : EXIT_FINDINGS;
  },
};

/** The JSON form: the counts first, then the explanation (pod groups with their events). */
function summary(sim: ReturnType<typeof simulatePods>): Record<string, unknown> {
  const { running, containerCreating, pending, ...rest } = sim;
  return { running, containerCreating, pending, ...rest };
}
