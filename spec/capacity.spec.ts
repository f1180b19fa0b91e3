/**
 * The pod capacity model. Every expected number is derived HERE from the Amazon VPC CNI's rules (aws/amazon-vpc-cni-k8s docs, eni-max-pods.txt):
 *   pod IPs  = ENIs × (IPv4 per ENI − 1)          (× 16 with prefix delegation; ENIs − 1 with custom networking)
 *   maxPods  = pod IPs + 2                         (unless set by hand or capped)
 *   a workload pod runs when the node has a pod slot (maxPods counts ALL pods) AND a free pod IP
 *   (only pods off the host network take one); no slot → Pending, slot but no IP → ContainerCreating.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  compareBySize,
  nodesNeeded,
  parseSystemPods,
  simulatePods,
  spreadPods,
  typesThatFit,
  type PodSimulation,
  type SystemPod,
} from '../lib/capacity';
import { podRows } from '../lib/capacity/format';
import { EksNodegroupError } from '../lib/core';
import { getInstanceType, listInstanceTypes } from '../lib/instance-types';
import { nodeResources } from '../lib/max-pods';
import { failure } from './helpers';


/** Pod IPs of one node, from the EC2 facts and the rule. */
function podIpsOf(type: string, mode: { prefix?: boolean; custom?: boolean } = {}): number {
  const f = getInstanceType(type);
  const enis = f.defaultCardEnis - (mode.custom ? 1 : 0);
  return enis * (f.ipv4PerEni - 1) * (mode.prefix ? 16 : 1);
}

/** The workload's counts on one node, from slots and free IPs. */
function oneNode(replicas: number, slots: number, ips: number): { running: number; containerCreating: number; pending: number } {
  const scheduled = Math.min(replicas, Math.max(0, slots));
  const running = Math.min(scheduled, Math.max(0, ips));
  return { running, containerCreating: scheduled - running, pending: replicas - scheduled };
}

/** The event of the owner's pods with that status (they exist). */
function eventOf(s: PodSimulation, owner: string, status: string): NonNullable<PodSimulation['groups'][number]['event']> {
  return s.groups.find((g) => g.owner === owner && g.status === status)!.event!;
}

function counts(s: PodSimulation): { running: number; containerCreating: number; pending: number } {
  return { running: s.running, containerCreating: s.containerCreating, pending: s.pending };
}

// eks-2018: aws-node, kube-proxy (host network) + 1 kube-dns (pod IP): 3 pods, 1 IP on one node.
// eks-current: aws-node, kube-proxy, eks-pod-identity-agent (host network) + 2 CoreDNS (pod IPs).

describe('pod capacity model (simulatePods)', () => {
  it('the classic story: a 2018 t2.micro node runs exactly one nginx pod', () => {
    const ips = podIpsOf('t2.micro');
    const maxPods = ips + 2;
    const expected = oneNode(3, maxPods - 3, ips - 1);
    const s = simulatePods({ instanceType: 't2.micro', systemPods: 'eks-2018', replicas: 3, name: 'nginx' });
    expect(counts(s)).to.deep.equal(expected);
    expect(s.running).to.equal(1); // the derivation above gives 1: the story holds
    expect(s.maxPods).to.equal(maxPods);
    expect(s.firstLimit).to.equal('both'); // 1 slot and 1 IP left
    expect(s.limitsReached).to.deep.equal({ maxPods: true, podIps: false, cpu: false, memory: false });
    expect(eventOf(s, 'nginx', 'Pending')).to.deep.include({ reason: 'FailedScheduling', from: 'default-scheduler', message: '0/1 nodes are available: 1 Too many pods.' });
  });

  it('maxPods binds first: today\'s node has 3 host-network DaemonSets but the formula allows for 2', () => {
    const ips = podIpsOf('m5.large');
    const maxPods = ips + 2;
    const slots = maxPods - 5; // 3 DaemonSets + 2 CoreDNS on one node
    const free = ips - 2; // CoreDNS takes 2 pod IPs
    expect(slots).to.be.below(free);
    const s = simulatePods({ instanceType: 'm5.large', replicas: 40 });
    expect(counts(s)).to.deep.equal(oneNode(40, slots, free));
    expect(s.containerCreating).to.equal(0);
    expect(s.pending).to.equal(40 - slots);
    expect(s.firstLimit).to.equal('maxPods');
    expect(s.perNode[0]).to.include({ slotsForWorkload: slots, ipsForWorkload: free, systemPodCount: 5, systemPodIps: 2, systemHostNetworkPods: 3 });
    expect(s.explanation.join('\n')).to.contain('covers two host-network pods');
  });

  it('IPs bind first: maxPods set by hand above the IP limit → ContainerCreating', () => {
    const ips = podIpsOf('m5.large');
    const maxPods = ips + 50;
    const free = ips - 2;
    const replicas = 30;
    expect(replicas).to.be.above(free).and.below(maxPods - 5);
    const s = simulatePods({ instanceType: 'm5.large', maxPods, replicas });
    expect(counts(s)).to.deep.equal({ running: free, containerCreating: replicas - free, pending: 0 });
    expect(s.firstLimit).to.equal('podIps');
    expect(s.maxPodsSetByHand).to.equal(true);
    const cc = eventOf(s, 'app', 'ContainerCreating');
    expect(cc).to.include({ reason: 'FailedCreatePodSandBox', from: 'kubelet' });
    expect(cc.message).to.contain('failed to assign an IP address to container');
  });

  it('both at once: IPs run out AND maxPods is reached (some ContainerCreating, some Pending)', () => {
    const ips = podIpsOf('m5.large');
    const maxPods = ips + 10;
    const slots = maxPods - 5;
    const free = ips - 2;
    const replicas = slots + 7;
    const s = simulatePods({ instanceType: 'm5.large', maxPods, replicas });
    expect(counts(s)).to.deep.equal({ running: free, containerCreating: slots - free, pending: 7 });
    expect(s.limitsReached).to.deep.equal({ maxPods: true, podIps: true, cpu: false, memory: false });
  });

  it('both limits equal: the 2018 layout leaves as many slots as IPs on every type', () => {
    for (const type of ['t3.medium', 'm5.large', 'c5.18xlarge']) {
      const ips = podIpsOf(type);
      const s = simulatePods({ instanceType: type, systemPods: 'eks-2018', replicas: 1000 });
      expect(s.perNode[0].slotsForWorkload, type).to.equal(ips + 2 - 3);
      expect(s.perNode[0].ipsForWorkload, type).to.equal(ips - 1);
      expect(s.firstLimit, type).to.equal('both');
      expect(counts(s), type).to.deep.equal(oneNode(1000, ips - 1, ips - 1));
    }
  });

  it('custom networking: the primary ENI carries no pods', () => {
    const ips = podIpsOf('m5.large', { custom: true });
    expect(ips).to.equal(podIpsOf('m5.large') - (getInstanceType('m5.large').ipv4PerEni - 1));
    const s = simulatePods({ instanceType: 'm5.large', systemPods: 'eks-2018', replicas: 50, maxPodsOptions: { customNetworking: true } });
    expect(s.podIps).to.equal(ips);
    expect(s.maxPods).to.equal(ips + 2);
    expect(counts(s)).to.deep.equal(oneNode(50, ips + 2 - 3, ips - 1));
  });

  it('custom networking with the standard maxPods kept by hand: IPs run out, pods hang in ContainerCreating', () => {
    const standard = podIpsOf('m5.large') + 2;
    const ips = podIpsOf('m5.large', { custom: true });
    const s = simulatePods({ instanceType: 'm5.large', systemPods: 'eks-2018', replicas: 40, maxPods: standard, maxPodsOptions: { customNetworking: true } });
    expect(counts(s)).to.deep.equal(oneNode(40, standard - 3, ips - 1));
    expect(s.containerCreating).to.be.above(0);
    expect(s.firstLimit).to.equal('podIps');
  });

  it('prefix delegation: 16 IPs per slot; maxPods (capped or not) binds first', () => {
    const f = getInstanceType('m5.large');
    const ips = podIpsOf('m5.large', { prefix: true });
    const uncapped = simulatePods({ instanceType: 'm5.large', replicas: 1000, maxPodsOptions: { prefixDelegation: true, cap: false } });
    expect(uncapped.podIps).to.equal(ips);
    expect(counts(uncapped)).to.deep.equal(oneNode(1000, ips + 2 - 5, ips - 2));
    const cap = f.vcpus! <= 30 ? 110 : 250;
    // Capped by default with prefix delegation.
    const capped = simulatePods({ instanceType: 'm5.large', replicas: 1000, maxPodsOptions: { prefixDelegation: true } });
    expect(capped.maxPods).to.equal(cap);
    expect(counts(capped)).to.deep.equal(oneNode(1000, cap - 5, ips - 2));
    expect(capped.firstLimit).to.equal('maxPods');
  });

  it('prefix delegation does not apply on a Xen type (t2.micro): same pods as without it', () => {
    const a = simulatePods({ instanceType: 't2.micro', systemPods: 'eks-2018', replicas: 5, maxPodsOptions: { prefixDelegation: true } });
    expect(a.podIps).to.equal(podIpsOf('t2.micro'));
    expect(counts(a)).to.deep.equal(oneNode(5, podIpsOf('t2.micro') + 2 - 3, podIpsOf('t2.micro') - 1));
  });

  it('host-network vs pod-IP system pods: both count against maxPods, only pod-IP ones take IPs', () => {
    const ips = podIpsOf('c5.large');
    const base: SystemPod[] = [
      { name: 'aws-node', kind: 'DaemonSet', hostNetwork: true },
      { name: 'kube-proxy', kind: 'DaemonSet', hostNetwork: true },
    ];
    const host = simulatePods({ instanceType: 'c5.large', replicas: 100, systemPods: [...base, { name: 'agent', kind: 'DaemonSet', hostNetwork: true }] });
    const podIp = simulatePods({ instanceType: 'c5.large', replicas: 100, systemPods: [...base, { name: 'agent', kind: 'DaemonSet' }] });
    for (const s of [host, podIp]) expect(s.perNode[0].slotsForWorkload).to.equal(ips + 2 - 3);
    expect(host.perNode[0].ipsForWorkload).to.equal(ips);
    expect(podIp.perNode[0].ipsForWorkload).to.equal(ips - 1);
    expect(host.firstLimit).to.equal('maxPods');
    expect(podIp.firstLimit).to.equal('both');
    const agentRow = podRows(podIp).find((r) => r.name === 'agent-1')!;
    expect(agentRow.ip).to.equal('<pod IP>');
    expect(podRows(host).find((r) => r.name === 'agent-1')!.ip).to.equal('<node IP>');
  });

  it('several nodes: DaemonSets on every node, CoreDNS one per node, the workload spread', () => {
    const ips = podIpsOf('m5.large');
    const maxPods = ips + 2;
    const K = 3;
    // node-1 and node-2 carry one CoreDNS each; node-3 none.
    const capWithDns = Math.min(maxPods - 4, ips - 1);
    const capPlain = Math.min(maxPods - 3, ips);
    const total = 2 * capWithDns + capPlain;
    const replicas = total + 4;
    const s = simulatePods({ instanceType: 'm5.large', nodes: K, replicas });
    expect(counts(s)).to.deep.equal({ running: total, containerCreating: 0, pending: 4 });
    expect(s.perNode.map((n) => n.systemPods.find((p) => p.name === 'coredns')?.count ?? 0)).to.deep.equal([1, 1, 0]);
    expect(s.perNode.map((n) => n.workloadCapacity)).to.deep.equal([capWithDns, capWithDns, capPlain]);
    for (const n of s.perNode) expect(n.systemPods.filter((p) => p.hostNetwork).map((p) => p.name)).to.deep.equal(['aws-node', 'kube-proxy', 'eks-pod-identity-agent']);
    expect(s.groups.find((g) => g.status === 'Pending')!.event!.message).to.equal(`0/${K} nodes are available: ${K} Too many pods.`);
    // A smaller workload is spread evenly: no node gets more than one pod above another (in total pods).
    const small = simulatePods({ instanceType: 'm5.large', nodes: K, replicas: 10 });
    const totals = small.perNode.map((n) => n.systemPodCount + n.workload.scheduled);
    expect(Math.max(...totals) - Math.min(...totals)).to.be.at.most(1);
    expect(small.running).to.equal(10);
  });

  it('system pods that do not fit are Pending or ContainerCreating themselves, and the workload gets nothing', () => {
    const s = simulatePods({ instanceType: 'm5.large', maxPods: 3, replicas: 2 });
    expect(counts(s)).to.deep.equal({ running: 0, containerCreating: 0, pending: 2 });
    expect(s.systemPodsNotRunning).to.equal(2); // the two CoreDNS replicas
    const noIp = simulatePods({ facts: { defaultCardEnis: 1, ipv4PerEni: 1 }, replicas: 1, systemPods: [{ name: 'agent', kind: 'DaemonSet' }] });
    expect(noIp.podIps).to.equal(0);
    expect(noIp.groups.find((g) => g.owner === 'agent')!.status).to.equal('ContainerCreating');
    expect(counts(noIp)).to.deep.equal({ running: 0, containerCreating: 1, pending: 0 });
  });

  it('a DaemonSet pod that does not fit names its own node in the scheduling event', () => {
    const s = simulatePods({ instanceType: 'm5.large', maxPods: 2, nodes: 3, replicas: 1 });
    const g = s.groups.find((x) => x.owner === 'eks-pod-identity-agent' && x.status === 'Pending')!;
    expect(g.count).to.equal(3);
    expect(g.event!.message).to.equal("0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match Pod's node affinity/selector.");
  });

  it('raw ENI/IP numbers give the same answer as the instance type with those numbers', () => {
    const f = getInstanceType('m5.xlarge');
    const a = simulatePods({ instanceType: 'm5.xlarge', replicas: 70, nodes: 2 });
    const b = simulatePods({ facts: { name: 'm5.xlarge', defaultCardEnis: f.defaultCardEnis, ipv4PerEni: f.ipv4PerEni, vcpus: f.vcpus, memoryMiB: f.memoryMiB }, replicas: 70, nodes: 2 });
    expect(b).to.deep.equal({ ...a, maxPodsExplanation: b.maxPodsExplanation });
    // Without vCPU and memory figures the requests go unchecked, and the explanation says so.
    const c = simulatePods({ facts: { defaultCardEnis: f.defaultCardEnis, ipv4PerEni: f.ipv4PerEni }, replicas: 70, nodes: 2 });
    expect(counts(c)).to.deep.equal(counts(a));
    expect(c.resources).to.equal(null);
    expect(c.explanation.join('\n')).to.include('CPU and memory requests are not checked');
    expect(() => simulatePods({ facts: { defaultCardEnis: 3, ipv4PerEni: 10 }, replicas: 1, requests: { cpu: '100m' } })).to.throw(/requests.*vcpus and memoryMiB/);
  });

  it('is deterministic', () => {
    const o = { instanceType: 'm5.large', replicas: 99, nodes: 4, maxPods: 40 };
    expect(JSON.stringify(simulatePods(o))).to.equal(JSON.stringify(simulatePods(o)));
  });

  describe('bad input names the option', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['replicas 0', () => simulatePods({ instanceType: 'm5.large', replicas: 0 }), /replicas.*whole number ≥ 1/],
      ['replicas -3', () => simulatePods({ instanceType: 'm5.large', replicas: -3 }), /replicas/],
      ['replicas 2.5', () => simulatePods({ instanceType: 'm5.large', replicas: 2.5 }), /replicas/],
      ['replicas "3"', () => simulatePods({ instanceType: 'm5.large', replicas: '3' as unknown as number }), /replicas/],
      ['maxPods 0', () => simulatePods({ instanceType: 'm5.large', replicas: 1, maxPods: 0 }), /maxPods.*whole number ≥ 1/],
      ['nodes 0', () => simulatePods({ instanceType: 'm5.large', replicas: 1, nodes: 0 }), /nodes/],
      ['unknown preset', () => simulatePods({ instanceType: 'm5.large', replicas: 1, systemPods: 'eks-2019' as never }), /eks-2019.*eks-2018, eks-current/],
      ['unknown type', () => simulatePods({ instanceType: 'm5.lrge', replicas: 1 }), /unknown instance type "m5.lrge"; did you mean m5.large/],
      ['type and facts', () => simulatePods({ instanceType: 'm5.large', facts: { defaultCardEnis: 1, ipv4PerEni: 2 }, replicas: 1 }), /not both/],
      ['no type', () => simulatePods({ replicas: 1 }), /instance type/],
      ['maxPods ≠ override', () => simulatePods({ instanceType: 'm5.large', replicas: 1, maxPods: 20, maxPodsOptions: { override: 30 } }), /override \(30\)/],
      ['bad system pod', () => simulatePods({ instanceType: 'm5.large', replicas: 1, systemPods: [{ name: 'x', kind: 'Job' as never }] }), /systemPods\[0\]\.kind.*DaemonSet or Deployment/],
      ['unknown option', () => simulatePods({ instanceType: 'm5.large', replicas: 1, replica: 2 } as never), /option "replica"/],
      ['bad name', () => simulatePods({ instanceType: 'm5.large', replicas: 1, name: 'My_App' }), /name.*Kubernetes name/],
    ];
    for (const [what, fn, re] of cases) {
      it(what, () => {
        const e = failure(fn);
        expect(e.exitCode).to.equal(2);
        expect(e.message).to.match(re);
      });
    }
  });
});

/** Workload pods a node's CPU and memory (after system pods) hold; Infinity without requests. */
function capacityByRequests(n: PodSimulation['perNode'][number], s: PodSimulation): number {
  const by = (left: number | null, each: number): number => (left === null || each === 0 ? Infinity : Math.max(0, Math.floor(left / each)));
  return Math.min(by(n.cpuForWorkload, s.requests.cpuMillicores), by(n.memoryMiBForWorkload, s.requests.memoryMiB));
}

describe('spreadPods (placement rule)', () => {
  /** The rule pod by pod: next pod to the node with the fewest pods (ties: lowest index), skipping full nodes. */
  function naive(total: number[], limit: number | number[], count: number): number[] {
    const t = [...total];
    const added = t.map(() => 0);
    const ceiling = (i: number): number => (typeof limit === 'number' ? limit : limit[i]);
    for (let p = 0; p < count; p++) {
      let best = -1;
      for (let i = 0; i < t.length; i++) if (t[i] < ceiling(i) && (best < 0 || t[i] < t[best])) best = i;
      if (best < 0) break;
      t[best]++;
      added[best]++;
    }
    return added;
  }

  /** spreadPods on `total` pods per node up to `limit` adds what placing pods one at a time adds. */
  function matchesNaive(total: number[], limit: number | number[], count: number): void {
    const expected = naive(total, limit, count);
    const t = [...total];
    expect(spreadPods(t, limit, count)).to.deep.equal(expected);
    expect(t).to.deep.equal(total.map((x, i) => x + expected[i]));
  }

  it('equals placing pods one at a time (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.integer({ min: 0, max: 70 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 400 }), (maxPods, raw, count) =>
        matchesNaive(raw.map((t) => Math.min(t, maxPods)), maxPods, count),
      ),
      { seed: 6, numRuns: 300 },
    );
  });

  it('with a ceiling per node (what CPU and memory leave) equals placing pods one at a time (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 300 }), (nodes, count) =>
        matchesNaive(nodes.map(([a, b]) => Math.min(a, b)), nodes.map(([a, b]) => Math.max(a, b)), count),
      ),
      { seed: 8, numRuns: 300 },
    );
  });

  it('simulatePods invariants hold for random setups (fast-check)', () => {
    const types = ['t2.micro', 't3.medium', 'm5.large', 'c5.4xlarge', 'r6g.metal'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
        fc.constantFrom('eks-2018' as const, 'eks-current' as const),
        fc.option(fc.record({ cpu: fc.integer({ min: 0, max: 3000 }).map((m) => `${m}m`), memory: fc.integer({ min: 0, max: 6000 }).map((m) => `${m}Mi`) }), { nil: undefined }),
        (type, replicas, nodes, maxPods, preset, requests) => {
          const s = simulatePods({ instanceType: type, replicas, nodes, maxPods, systemPods: preset, requests });
          expect(s.running + s.containerCreating + s.pending).to.equal(replicas);
          const alloc = s.resources!;
          let room = 0;
          for (const n of s.perNode) {
            const k = n.workload.scheduled;
            expect(k).to.be.at.most(n.slotsForWorkload);
            expect(n.workload.running).to.be.at.most(n.ipsForWorkload);
            expect(n.systemPodCount + k).to.be.at.most(s.maxPods);
            // Requests never exceed allocatable where a workload pod was placed.
            if (k && s.requests.cpuMillicores) expect(n.systemRequests.cpuMillicores + k * s.requests.cpuMillicores).to.be.at.most(alloc.allocatableCpuMillicores);
            if (k && s.requests.memoryMiB) expect(n.systemRequests.memoryMiB + k * s.requests.memoryMiB).to.be.at.most(alloc.allocatableMemoryMiB);
            room += n.workloadCapacity === n.ipsForWorkload && n.ipsForWorkload < n.slotsForWorkload ? Math.min(n.slotsForWorkload, capacityByRequests(n, s)) : n.workloadCapacity;
          }
          // Pending only when no node has room left.
          if (s.pending > 0) expect(s.running + s.containerCreating).to.equal(room);
          // The rows add up to the groups.
          expect(podRows(s).filter((r) => r.namespace === 'default' && r.status === 'Running')).to.have.length(s.running);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('nodesNeeded', () => {
  it('finds the smallest node count on which every replica runs (derived from per-node room)', () => {
    const ips = podIpsOf('m5.large');
    const maxPods = ips + 2;
    const replicas = 100;
    // Room per node for K nodes: the first min(2, K) carry a CoreDNS replica.
    const room = (K: number): number => {
      let sum = 0;
      for (let i = 0; i < K; i++) sum += i < 2 ? Math.min(maxPods - 4, ips - 1) : Math.min(maxPods - 3, ips);
      return sum;
    };
    let K = 1;
    while (room(K) < replicas) K++;
    const r = nodesNeeded({ instanceType: 'm5.large', replicas });
    expect(r.nodes).to.equal(K);
    expect(r.simulation.running).to.equal(replicas);
    expect(simulatePods({ instanceType: 'm5.large', replicas, nodes: K - 1 }).running).to.be.below(replicas);
  });

  it('counts IP-bound nodes when maxPods is set above the IPs', () => {
    const ips = podIpsOf('m5.large');
    const r = nodesNeeded({ instanceType: 'm5.large', replicas: 60, maxPods: 110, systemPods: 'eks-2018' });
    // node-1 keeps kube-dns (one IP); IPs bind on every node.
    let K = 1;
    while ((ips - 1) + (K - 1) * ips < 60) K++;
    expect(r.nodes).to.equal(K);
  });

  it('says so when no node count works', () => {
    const r = nodesNeeded({ instanceType: 'm5.large', replicas: 5, maxPods: 3 });
    expect(r.nodes).to.equal(null);
    expect(r.reason).to.contain('0 pod slots');
  });
});

describe('a mix of instance types', () => {
  // Node order is the mix order; after the 3 eks-current DaemonSets every node has 3 pods, so the
  // two CoreDNS replicas go to node-1 and node-2 (fewest pods, ties: lowest node number).
  /** Workload pods one node holds (no requests): its slots and free IPs, with or without a CoreDNS replica. */
  const capOf = (type: string, dns: boolean): number => Math.min(podIpsOf(type) + 2 - 3 - (dns ? 1 : 0), podIpsOf(type) - (dns ? 1 : 0));

  it('the small type fills first, the rest land on the big one; each node has its own maxPods and IPs', () => {
    const small = capOf('t3.small', true);
    const big = capOf('m5.xlarge', false);
    const replicas = 2 * small + 20;
    // The big node takes more pods than fit a small node, so the small ones reach their maxPods.
    expect(3 + (replicas - 2 * small)).to.be.at.least(podIpsOf('t3.small') + 2);
    expect(replicas - 2 * small).to.be.below(big);
    const s = simulatePods({ mix: [{ instanceType: 't3.small', count: 2 }, { instanceType: 'm5.xlarge', count: 1 }], replicas });
    expect(counts(s)).to.deep.equal({ running: replicas, containerCreating: 0, pending: 0 });
    expect(s.perNode.map((n) => [n.node, n.instanceType, n.workload.scheduled])).to.deep.equal([
      ['node-1', 't3.small', small],
      ['node-2', 't3.small', small],
      ['node-3', 'm5.xlarge', replicas - 2 * small],
    ]);
    expect(s.perNode.map((n) => n.workloadCapacity)).to.deep.equal([small, small, big]);
    expect(s.mix!.map((t) => [t.instanceType, t.count, t.maxPods, t.podIps])).to.deep.equal([
      ['t3.small', 2, podIpsOf('t3.small') + 2, podIpsOf('t3.small')],
      ['m5.xlarge', 1, podIpsOf('m5.xlarge') + 2, podIpsOf('m5.xlarge')],
    ]);
    expect(s.instanceType).to.equal('t3.small:2,m5.xlarge:1');
    expect(s.explanation.join('\n')).to.include('node-1, node-2 (t3.small): ').and.to.include('node-3 (m5.xlarge): ');
    // Beyond every node's room, the Pending pods name every node: all three are full.
    const over = simulatePods({ mix: [{ instanceType: 't3.small', count: 2 }, { instanceType: 'm5.xlarge', count: 1 }], replicas: 2 * small + big + 1 });
    expect(over.pending).to.equal(1);
    expect(eventOf(over, 'app', 'Pending').message).to.equal('0/3 nodes are available: 3 Too many pods.');
  });

  it('the Pending message counts each node\'s own reasons: memory on the small type, CPU on the big one', () => {
    const requests = { cpu: 250, memory: 512 };
    /** The pods a node holds and why the next one does not fit (maxPods, cpu, memory). */
    const full = (type: string, system: { cpu: number; memory: number; pods: number }) => {
      const a = nodeResources(type, 'al2023')!;
      const cpu = a.allocatableCpuMillicores - system.cpu;
      const memory = a.allocatableMemoryMiB - system.memory;
      const fit = Math.min(podIpsOf(type) + 2 - system.pods, Math.floor(cpu / requests.cpu), Math.floor(memory / requests.memory));
      const why = [
        system.pods + fit >= podIpsOf(type) + 2 ? 'Too many pods' : '',
        cpu - fit * requests.cpu < requests.cpu ? 'Insufficient cpu' : '',
        memory - fit * requests.memory < requests.memory ? 'Insufficient memory' : '',
      ].filter(Boolean);
      return { fit, why };
    };
    // eks-current's requests: aws-node 50m, kube-proxy 100m, CoreDNS 100m and 70Mi (one on each small node).
    const small = full('t3.small', { cpu: 250, memory: 70, pods: 4 });
    const big = full('m5.xlarge', { cpu: 150, memory: 0, pods: 3 });
    expect(small.why).to.deep.equal(['Insufficient memory']);
    expect(big.why).to.deep.equal(['Insufficient cpu']);
    const counted = new Map<string, number>();
    for (const r of [...small.why, ...small.why, ...big.why]) counted.set(r, (counted.get(r) ?? 0) + 1);
    const expected = `0/3 nodes are available: ${[...counted].map(([r, n]) => `${n} ${r}`).sort().join(', ')}.`;
    const s = simulatePods({ mix: [{ instanceType: 't3.small', count: 2 }, { instanceType: 'm5.xlarge', count: 1 }], replicas: 2 * small.fit + big.fit + 3, requests: { cpu: '250m', memory: '512Mi' } });
    expect(counts(s)).to.deep.equal({ running: 2 * small.fit + big.fit, containerCreating: 0, pending: 3 });
    expect(s.perNode.map((n) => n.firstLimit)).to.deep.equal(['memory', 'memory', 'cpu']);
    expect(s.firstLimit).to.equal('mixed');
    const g = s.groups.find((x) => !x.system && x.status === 'Pending')!;
    expect(g.event!.message).to.equal(expected);
    expect(g.limitedBy).to.deep.equal(['cpu', 'memory']);
  });

  it('a mix of one type is the same placement as that type on as many nodes', () => {
    const a = simulatePods({ instanceType: 'm5.large', nodes: 3, replicas: 70 });
    const b = simulatePods({ mix: [{ instanceType: 'm5.large', count: 3 }], replicas: 70 });
    expect(b.perNode.map(({ instanceType, ...n }) => n)).to.deep.equal(a.perNode);
    expect(b.groups).to.deep.equal(a.groups);
    // Single-type results carry no mix fields.
    expect(a.mix).to.equal(undefined);
    expect(a.perNode.every((n) => !('instanceType' in n))).to.equal(true);
  });

  it('a maxPods set by hand applies to every node of the mix', () => {
    const s = simulatePods({ mix: [{ instanceType: 't3.small', count: 1 }, { instanceType: 'm5.xlarge', count: 1 }], replicas: 1, maxPods: 20 });
    expect(s.mix!.map((t) => t.maxPods)).to.deep.equal([20, 20]);
    expect(s.perNode.map((n) => n.slotsForWorkload)).to.deep.equal([20 - 4, 20 - 4]); // a CoreDNS replica on each
    expect(s.explanation.join('\n')).to.include('set by hand for every type of the mix');
  });

  describe('nodesNeeded with a mix: whole sets of the proportions', () => {
    it('m5.large:2,m7g.large:1: k − 1 sets do not run every replica, k sets do', () => {
      const replicas = 100;
      const mixOf = (k: number) => [{ instanceType: 'm5.large', count: 2 * k }, { instanceType: 'm7g.large', count: k }];
      // Room of k sets: 2k m5.large then k m7g.large nodes; node-1 and node-2 carry CoreDNS.
      const room = (k: number): number => {
        const types = mixOf(k).flatMap((m) => new Array<string>(m.count).fill(m.instanceType));
        return types.reduce((sum, t, i) => sum + capOf(t, i < 2), 0);
      };
      let k = 1;
      while (room(k) < replicas) k++;
      expect(k).to.be.above(1);
      const r = nodesNeeded({ mix: mixOf(1), replicas });
      expect(r.sets).to.equal(k);
      expect(r.nodes).to.equal(3 * k);
      expect(r.simulation.running).to.equal(replicas);
      expect(simulatePods({ mix: mixOf(k - 1), replicas }).running).to.be.below(replicas);
      expect(simulatePods({ mix: mixOf(k), replicas }).running).to.equal(replicas);
    });

    it('says when more sets never help: pods keep going to a type without pod IPs', () => {
      // Two DaemonSets on pod IPs take both of t3.micro's; maxPods 20 by hand leaves it slots.
      const systemPods: SystemPod[] = [
        { name: 'aws-node', kind: 'DaemonSet', hostNetwork: true },
        { name: 'agent-a', kind: 'DaemonSet' },
        { name: 'agent-b', kind: 'DaemonSet' },
      ];
      expect(podIpsOf('t3.micro')).to.equal(2);
      const replicas = 5;
      const stuck = nodesNeeded({ mix: [{ instanceType: 't3.micro', count: 1 }, { instanceType: 'm5.large', count: 1 }], replicas, maxPods: 20, systemPods });
      expect(stuck.nodes).to.equal(null);
      expect(stuck.sets).to.equal(null);
      expect(stuck.reason).to.match(/more sets of these proportions do not help: .*t3\.micro nodes/);
      // m5.large first: ties go to it, so each pod runs alone on an m5.large node once there are as many sets as replicas.
      const ok = nodesNeeded({ mix: [{ instanceType: 'm5.large', count: 1 }, { instanceType: 't3.micro', count: 1 }], replicas, maxPods: 20, systemPods });
      expect(ok.sets).to.equal(replicas);
      expect(ok.nodes).to.equal(2 * replicas);
    });
  });

  describe('bad mixes name the option', () => {
    const m5 = { instanceType: 'm5.large', count: 1 };
    const cases: [string, () => unknown, RegExp][] = [
      ['unknown type', () => simulatePods({ mix: [{ instanceType: 'm5.lrge', count: 2 }], replicas: 1 }), /unknown instance type "m5.lrge"; did you mean m5.large/],
      ['count 0', () => simulatePods({ mix: [{ instanceType: 'm5.large', count: 0 }], replicas: 1 }), /mix\[0\]\.count: 0 \(allowed: a whole number ≥ 1\)/],
      ['count 1.5', () => simulatePods({ mix: [{ instanceType: 'm5.large', count: 1.5 }], replicas: 1 }), /mix\[0\]\.count/],
      ['empty', () => simulatePods({ mix: [], replicas: 1 }), /mix.*a list of 1 to 40/],
      ['41 types', () => simulatePods({ mix: listInstanceTypes().slice(0, 41).map((t) => ({ instanceType: t.name, count: 1 })), replicas: 1 }), /at most 40 instance types/],
      ['a type twice', () => simulatePods({ mix: [m5, m5], replicas: 1 }), /m5\.large is listed twice/],
      ['an unknown field', () => simulatePods({ mix: [{ ...m5, nodes: 2 } as never], replicas: 1 }), /mix\[0\].*instanceType, count/],
      ['with instanceType', () => simulatePods({ mix: [m5], instanceType: 'm5.large', replicas: 1 }), /mix or instanceType, not both/],
      ['with nodes', () => simulatePods({ mix: [m5], nodes: 2, replicas: 1 }), /mix or nodes, not both/],
      ['over 5000 nodes', () => simulatePods({ mix: [{ ...m5, count: 5001 }], replicas: 1 }), /5001 nodes.*at most 5000/],
      ['in typesThatFit', () => typesThatFit({ mix: [m5], replicas: 1 } as never), /mix.*typesThatFit tries every type/],
    ];
    for (const [what, fn, re] of cases) {
      it(what, () => {
        const e = failure(fn);
        expect(e.exitCode).to.equal(2);
        expect(e.message).to.match(re);
      });
    }
  });
});

describe('typesThatFit', () => {
  it('lists exactly the types whose one node runs R pods, smallest first', () => {
    const R = 30;
    const r = typesThatFit({ replicas: R });
    // Derived per type from the facts: eks-current on one node takes 5 slots and 2 IPs.
    const expected = listInstanceTypes()
      .filter((f) => {
        const ips = f.defaultCardEnis * (f.ipv4PerEni - 1);
        return Math.min(ips + 2 - 5, ips - 2) >= R;
      })
      .map((f) => f.name)
      .sort();
    expect(r.fits.map((f) => f.instanceType).sort()).to.deep.equal(expected);
    for (let i = 1; i < r.fits.length; i++) expect(compareBySize(r.fits[i - 1], r.fits[i])).to.be.below(0);
    // vCPUs never decrease along the list (unknown sizes last).
    const v = r.fits.map((f) => f.vcpus ?? Infinity);
    expect(v).to.deep.equal([...v].sort((a, b) => a - b));
    expect(r.skipped).to.deep.equal([]);
  });

  it('with the cap, skips the types whose vCPU count is unknown and says why', () => {
    const r = typesThatFit({ replicas: 100, maxPodsOptions: { prefixDelegation: true, cap: true } });
    const unknown = listInstanceTypes().filter((f) => f.vcpus === undefined).map((f) => f.name);
    expect(r.skipped.map((s) => s.instanceType)).to.deep.equal(unknown);
    for (const f of r.fits) expect(f.maxPods).to.be.at.most(f.vcpus! <= 30 ? 110 : 250);
  });
});

describe('system pods: presets and files', () => {
  it('presets are the node layouts of a 2018 and a current EKS node', () => {
    const a = simulatePods({ instanceType: 'm5.large', replicas: 1, systemPods: 'eks-2018' });
    expect(a.systemPods.map((p) => [p.name, p.kind, p.hostNetwork, p.replicas])).to.deep.equal([
      ['aws-node', 'DaemonSet', true, undefined],
      ['kube-proxy', 'DaemonSet', true, undefined],
      ['kube-dns', 'Deployment', false, 1],
    ]);
    const b = simulatePods({ instanceType: 'm5.large', replicas: 1 });
    expect(b.systemPods.map((p) => [p.name, p.kind, p.hostNetwork, p.replicas])).to.deep.equal([
      ['aws-node', 'DaemonSet', true, undefined],
      ['kube-proxy', 'DaemonSet', true, undefined],
      ['eks-pod-identity-agent', 'DaemonSet', true, undefined],
      ['coredns', 'Deployment', false, 2],
    ]);
    // Today's preset carries the add-ons' requests, each with its source; the 2018 one none.
    expect(b.systemPods.map((p) => [p.name, p.requests])).to.deep.equal([
      ['aws-node', { cpu: '50m' }],
      ['kube-proxy', { cpu: '100m' }],
      ['eks-pod-identity-agent', undefined],
      ['coredns', { cpu: '100m', memory: '70Mi' }],
    ]);
    for (const p of b.systemPods) expect(p.source, p.name).to.match(/\S+\/\S+|EKS/);
    expect(a.systemPods.every((p) => p.requests === undefined)).to.equal(true);
  });

  it('reads YAML and JSON', () => {
    const y = parseSystemPods('systemPods:\n  - { name: aws-node, kind: DaemonSet, hostNetwork: true }\n  - name: coredns\n    kind: Deployment\n    replicas: 3\n');
    const j = parseSystemPods(JSON.stringify({ systemPods: [{ name: 'aws-node', kind: 'DaemonSet', hostNetwork: true }, { name: 'coredns', kind: 'Deployment', replicas: 3 }] }));
    expect(y).to.deep.equal(j);
    expect(y[1]).to.deep.equal({ name: 'coredns', kind: 'Deployment', hostNetwork: false, replicas: 3 });
  });

  const bad: [string, string, RegExp][] = [
    ['unknown field', 'systemPods:\n  - name: a\n    kind: DaemonSet\n    hostnetwork: true\n', /f\.yaml:4:18: .*systemPods\[0\]\.hostnetwork.*fields are name, kind, replicas, hostNetwork, namespace, requests, source/],
    ['bad kind', 'systemPods:\n  - { name: a, kind: Daemonset }\n', /f\.yaml:2:22: .*systemPods\[0\]\.kind: "Daemonset" \(allowed: DaemonSet or Deployment\)/],
    ['replicas on a DaemonSet', 'systemPods:\n  - { name: a, kind: DaemonSet, replicas: 2 }\n', /systemPods\[0\]\.replicas.*one pod on every node/],
    ['negative replicas', 'systemPods:\n  - { name: a, kind: Deployment, replicas: -1 }\n', /systemPods\[0\]\.replicas: -1/],
    ['hostNetwork not a boolean', 'systemPods:\n  - { name: a, kind: DaemonSet, hostNetwork: "yes" }\n', /hostNetwork: "yes" \(allowed: true or false\)/],
    ['duplicate name', 'systemPods:\n  - { name: a, kind: DaemonSet }\n  - { name: a, kind: Deployment }\n', /f\.yaml:3:.*systemPods\[1\]\.name: "a".*not used by another entry/],
    ['missing name', 'systemPods:\n  - { kind: DaemonSet }\n', /systemPods\[0\]\.name/],
    ['a malformed request', 'systemPods:\n  - { name: a, kind: DaemonSet, requests: { memory: 70MB } }\n', /f\.yaml:2:\d+: .*systemPods\[0\]\.requests\.memory: "70MB" \(allowed: a memory quantity/],
    ['an unknown resource', 'systemPods:\n  - { name: a, kind: DaemonSet, requests: { gpu: 1 } }\n', /systemPods\[0\]\.requests\.gpu: 1 \(allowed: no such resource; requests are cpu and memory\)/],
    ['requests not a mapping', 'systemPods:\n  - { name: a, kind: DaemonSet, requests: 100m }\n', /systemPods\[0\]\.requests: "100m" \(allowed: a mapping/],
    ['top-level list', '- { name: a, kind: DaemonSet }\n', /f\.yaml: a system-pods file is a mapping with a "systemPods" list/],
    ['no systemPods key', 'pods: []\n', /f\.yaml:1:\d+: unknown top-level key "pods"/],
    ['systemPods not a list', 'systemPods: 3\n', /systemPods: 3 \(allowed: a list/],
    ['YAML syntax', 'systemPods:\n  - { name: a, kind: DaemonSet\n', /f\.yaml:\d+:\d+: /],
    ['empty file', '', /f\.yaml/],
  ];
  for (const [what, text, re] of bad) {
    it(`rejects a file with ${what}, naming file, position and field`, () => {
      const e = failure(() => parseSystemPods(text, 'f.yaml'));
      expect(e.exitCode).to.equal(2);
      expect(e.message).to.match(re);
    });
  }
});
