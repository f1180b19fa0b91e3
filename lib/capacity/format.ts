/**
 * Text forms of the capacity results: a `kubectl get pods -A -o wide` style table, the warning
 * events a user would see for each pod that does not run, and the reasoning. Deterministic.
 */
import { badArgument, checkTree, isRecord, plural } from '../core';
import { simulatedTypes, type NodesNeeded, type PodGroup, type PodSimulation, type SimulatedType, type TypesThatFit } from './index';
import { formatRequests, hasRequests } from './requests';

/** One pod row, as kubectl would list it. */
export interface PodRow {
  namespace: string;
  name: string;
  ready: string;
  status: PodGroup['status'];
  restarts: number;
  ip: string;
  node: string;
  group: PodGroup;
}

/** Expands the groups into named pods: `<owner>-<n>`, numbered per owner in group order. With a mix the node says its type: `node-1 (m5.large)`. */
export function podRows(sim: PodSimulation): PodRow[] {
  const typeOf = new Map(sim.perNode.map((n) => [n.node, n.instanceType]));
  const nodeLabel = (node: string): string => (typeOf.get(node) ? `${node} (${typeOf.get(node)})` : node);
  const next = new Map<string, number>();
  const rows: PodRow[] = [];
  for (const g of sim.groups) {
    for (let k = 0; k < g.count; k++) {
      const key = `${g.namespace}/${g.owner}`;
      const n = (next.get(key) ?? 0) + 1;
      next.set(key, n);
      rows.push({
        namespace: g.namespace,
        name: `${g.owner}-${n}`,
        ready: g.status === 'Running' ? '1/1' : '0/1',
        status: g.status,
        restarts: 0,
        ip: g.status !== 'Running' ? '<none>' : g.hostNetwork ? '<node IP>' : '<pod IP>',
        node: g.node === null ? '<none>' : nodeLabel(g.node),
        group: g,
      });
    }
  }
  return rows;
}

/** Columns padded like kubectl (three spaces between columns). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** `kubectl get pods -A -o wide`, the warning events, and why. */
export function formatSimulation(sim: PodSimulation, systemPodsLabel: string): string {
  checkTree(sim, 'formatSimulation: sim');
  if (!isRecord(sim) || !Array.isArray(sim.groups)) throw badArgument('formatSimulation', 'sim', 'a simulation, as simulatePods returns it', sim);
  if (typeof systemPodsLabel !== 'string') throw badArgument('formatSimulation', 'systemPodsLabel', 'a string', systemPodsLabel);
  const rows = podRows(sim);
  const types = simulatedTypes(sim);
  const nodes = types.map((t) => `${plural(t.count, 'node')} of ${t.instanceType}, maxPods ${t.maxPods}`).join(' + ');
  let out = `# kubectl get pods -A -o wide   (simulated: ${nodes}, system pods ${systemPodsLabel})\n`;
  out += table(
    ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
    rows.map((r) => [r.namespace, r.name, r.ready, r.status, String(r.restarts), '<unknown>', r.ip, r.node]),
  );
  const bad = rows.filter((r) => r.status !== 'Running');
  if (bad.length) {
    out += `\n# kubectl get events --field-selector type=Warning   (${plural(bad.length, 'pod')} not running)\n`;
    out += table(
      ['TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      bad.map((r) => [r.group.event!.type, r.group.event!.reason, `pod/${r.name}`, r.group.event!.message]),
    );
    const pending = bad.filter((r) => r.status === 'Pending');
    const cc = bad.length - pending.length;
    out += '\n';
    if (pending.length) {
      const why = new Set(pending.flatMap((r) => r.group.limitedBy ?? []));
      const parts: string[] = [];
      // With a mix, each reason may hold on some nodes only: the event counts them.
      const lead = (all: string, some: string): string => (sim.mix ? some : all);
      if (why.has('maxPods')) parts.push(`${lead('the scheduler found no node under', 'the scheduler found no node (the event counts each reason) under its')} kubelet maxPods (${perType(sim, types, (t) => String(t.maxPods))}, counting every pod). Older Kubernetes words the event "Insufficient pods".`);
      const withAlloc = types.filter((t) => t.resources);
      for (const res of ['cpu', 'memory'] as const) {
        if (!why.has(res) || !withAlloc.length) continue;
        const amount = perType(sim, withAlloc, ({ resources: a }) => (res === 'cpu' ? `${a!.allocatableCpuMillicores}m CPU` : `${a!.allocatableMemoryMiB} MiB memory`));
        const what = `the ${res === 'cpu' ? 'CPU' : 'memory'} the pod requests`;
        parts.push(`${lead(`no node has ${what} left`, `on some nodes ${what} is not left (the event counts them)`)}: each node has ${amount} allocatable (after kube-reserved${res === 'memory' ? ' and the eviction threshold' : ''}), and the requests of the pods already there count.`);
      }
      out += `Pending (${pending.length}): ${parts.join(' And ')}\n`;
    }
    if (cc) {
      out += `ContainerCreating (${cc}): scheduled, but the VPC CNI has no pod IP left on the node ` +
        `(${perType(sim, types, (t) => String(t.podIps))} per node); "kubectl describe pod" shows FailedCreatePodSandBox.\n`;
    }
  }
  out += '\nWhy:\n' + sim.explanation.map((l) => `  ${l}`).join('\n') + '\n';
  return out;
}

/** A per-node figure: the one type's, or each type's of a mix, named (`29 on m5.large, 58 on m5.xlarge`). */
function perType(sim: PodSimulation, types: SimulatedType[], figure: (t: SimulatedType) => string): string {
  return sim.mix ? types.map((t) => `${figure(t)} on ${t.instanceType}`).join(', ') : figure(types[0]);
}

/** "25 + 25 + 26" for a few nodes; "25 × 2 + 26 × 38460" when runs of equal values make it long. */
function sumOfRuns(xs: number[]): string {
  if (xs.length <= 6) return xs.join(' + ');
  const runs: [number, number][] = [];
  for (const x of xs) {
    const last = runs[runs.length - 1];
    if (last && last[0] === x) last[1]++;
    else runs.push([x, 1]);
  }
  return runs.map(([x, n]) => (n === 1 ? String(x) : `${x} × ${n} nodes`)).join(' + ');
}

export function formatNodesNeeded(r: NodesNeeded, systemPodsLabel: string): string {
  const s = r.simulation;
  const perPod = hasRequests(s.requests) ? `, ${formatRequests(s.requests)} per ${s.workload} pod` : '';
  if (r.nodes === null) {
    const on = s.mix ? `any number of whole sets of ${s.instanceType} (system pods ${systemPodsLabel})` : `${s.instanceType} nodes (maxPods ${s.maxPods}, system pods ${systemPodsLabel})`;
    return `${s.workload}: ${plural(s.replicas, 'replica')} cannot ${s.replicas === 1 ? '' : 'all '}run on ${on}: ${r.reason}.\n`;
  }
  const caps = s.perNode.map((n) => n.workloadCapacity);
  const need = `${s.workload}: ${plural(s.replicas, 'replica')} ${s.replicas === 1 ? 'needs' : 'need'}`;
  // With a mix: the sets, the proportions of one set, and a warning that other proportions may do with fewer nodes.
  const sets = s.mix && r.sets ? r.sets : 0;
  const head = s.mix
    ? `${need} ${plural(sets, 'whole set')} of ${s.mix.map((t) => `${t.instanceType}:${t.count / sets}`).join(',')} = ${plural(r.nodes, 'node')} ` +
      `(${s.mix.map((t) => `${t.count} ${t.instanceType}`).join(' + ')}${perPod}, system pods ${systemPodsLabel}).\n` +
      `  Counted in whole sets of these proportions (${plural(r.nodes / sets, 'node')} a set); nodes in other proportions may need fewer.\n`
    : `${need} ${plural(r.nodes, 'node')} of ${s.instanceType} (maxPods ${s.maxPods}, ${s.podIps} pod IPs per node${perPod}, system pods ${systemPodsLabel}).\n`;
  return (
    head +
    `  room for ${s.workload}: ${sumOfRuns(caps)} = ${caps.reduce((a, b) => a + b, 0)}\n` +
    s.explanation.map((l) => `  ${l}`).join('\n') +
    '\n'
  );
}

export function formatFit(r: TypesThatFit, limit: number, systemPodsLabel: string, workload: string): string {
  const shown = limit > 0 ? r.fits.slice(0, limit) : r.fits;
  const each = hasRequests(r.requests) ? `, each requesting ${formatRequests(r.requests)}` : '';
  let out = `# instance types where one node runs ${plural(r.replicas, `${workload} pod`)}${each} (system pods ${systemPodsLabel}), smallest first (vCPUs, memory, name)\n`;
  if (!r.fits.length) return out + 'none\n';
  const allocatable = r.fits.some((f) => f.allocatable !== undefined);
  out += table(
    ['TYPE', 'VCPUS', 'MEMORY', 'MAXPODS', 'POD-IPS', ...(allocatable ? ['ALLOCATABLE'] : []), 'HOLDS', 'FIRST-LIMIT'],
    shown.map((f) => [
      f.instanceType,
      f.vcpus === undefined ? '?' : String(f.vcpus),
      f.memoryMiB === undefined ? '?' : `${+(f.memoryMiB / 1024).toFixed(2)}Gi`,
      String(f.maxPods),
      String(f.podIps),
      ...(allocatable ? [f.allocatable ? `${f.allocatable.cpuMillicores}m/${f.allocatable.memoryMiB}Mi` : '?'] : []),
      String(f.workloadCapacity),
      f.firstLimit,
    ]),
  );
  if (shown.length < r.fits.length) out += `… ${r.fits.length - shown.length} more (--limit 0 lists all ${r.fits.length})\n`;
  // Skipped types, grouped by reason: a few names each.
  const byReason = new Map<string, string[]>();
  for (const x of r.skipped) {
    const reason = x.reason.replace(/^[^:]*: /, '');
    byReason.set(reason, [...(byReason.get(reason) ?? []), x.instanceType]);
  }
  for (const [reason, names] of byReason) out += `(${plural(names.length, 'type')} skipped: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}; ${reason})\n`;
  return out;
}
