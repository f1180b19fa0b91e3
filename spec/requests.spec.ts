/**
 * The simulator schedules requests: a pod fits a node while the requests already there plus its
 * own stay within the node's allocatable CPU and memory (nodeResources). Every expected count
 * here is derived from allocatable and the requests, not typed; the scheduler's messages are
 * kube-scheduler's own words.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodesNeeded, parseRequestsFlag, simulatePods, typesThatFit, type PodSimulation } from '../lib/capacity';
import { checkRequests } from '../lib/capacity/requests';
import { getInstanceType, listInstanceTypes } from '../lib/instance-types';
import { maxPods, nodeResources, nodeResourcesFromFacts } from '../lib/max-pods';
import { failure, runCli, tempDir } from './helpers';

/** eks-current's requests on a node running both CoreDNS replicas (aws-node 50m, kube-proxy 100m, CoreDNS 2 × 100m/70Mi). */
const SYSTEM = { cpu: 50 + 100 + 2 * 100, memory: 2 * 70 };

function pendingGroup(s: PodSimulation) {
  return s.groups.find((g) => !g.system && g.status === 'Pending')!;
}

describe('requests: Kubernetes quantities', () => {
  const good: [Record<string, unknown>, number, number][] = [
    [{ cpu: '250m' }, 250, 0],
    [{ cpu: '0.5' }, 500, 0],
    [{ cpu: 2 }, 2000, 0],
    [{ cpu: '0.1' }, 100, 0],
    [{ cpu: '1.0001' }, 1001, 0], // finer than 1m rounds up
    [{ memory: '512Mi' }, 0, 512],
    [{ memory: '1Gi' }, 0, 1024],
    [{ memory: '1.5Gi' }, 0, 1536],
    [{ memory: '500M' }, 0, 500e6 / 2 ** 20],
    [{ memory: '1e9' }, 0, 1e9 / 2 ** 20],
    [{ memory: 1048576 }, 0, 1],
    [{ memory: '128k' }, 0, 128e3 / 2 ** 20],
  ];
  for (const [given, cpu, memory] of good) {
    it(`reads ${JSON.stringify(given)}`, () => {
      expect(checkRequests('requests', given)).to.deep.equal({ cpuMillicores: cpu, memoryMiB: memory });
    });
  }

  const bad: [unknown, RegExp][] = [
    [{ cpu: '-1' }, /requests\.cpu: "-1" \(allowed: a CPU quantity/],
    [{ memory: '70MB' }, /requests\.memory: "70MB" \(allowed: a memory quantity/],
    [{ memory: '' }, /requests\.memory/],
    [{ gpu: '1' }, /requests\.gpu.*requests are cpu and memory/],
    ['250m', /requests: "250m" \(allowed: a mapping/],
  ];
  for (const [given, re] of bad) {
    it(`refuses ${JSON.stringify(given)}, naming the field`, () => {
      expect(failure(() => checkRequests('requests', given)).message).to.match(re);
    });
  }

  it('the --requests flag reads cpu=…,memory=… and names itself when wrong', () => {
    expect(parseRequestsFlag('cpu=250m,memory=512Mi')).to.deep.equal({ cpu: '250m', memory: '512Mi' });
    expect(failure(() => parseRequestsFlag('cpu:250m')).message).to.match(/--requests: "cpu:250m" \(allowed: cpu=Q,memory=Q/);
    expect(failure(() => parseRequestsFlag('cpu=1,cpu=2')).message).to.match(/cpu once/);
    expect(failure(() => parseRequestsFlag('memory=lots')).message).to.match(/--requests\.memory: "lots"/);
  });
});

describe('simulatePods with requests: memory-, CPU-, maxPods- and IP-bound nodes', () => {
  it('memory-bound: t3.small with 512Mi pods runs what its allocatable memory holds', () => {
    const alloc = nodeResources('t3.small', 'al2023')!;
    const fit = Math.floor((alloc.allocatableMemoryMiB - SYSTEM.memory) / 512);
    const s = simulatePods({ instanceType: 't3.small', replicas: fit + 2, requests: { cpu: '250m', memory: '512Mi' } });
    expect(s.running).to.equal(fit);
    expect(s.pending).to.equal(2);
    expect(s.perNode[0].firstLimit).to.equal('memory');
    expect(s.limitsReached).to.deep.equal({ maxPods: false, podIps: false, cpu: false, memory: true });
    const g = pendingGroup(s);
    expect(g.limitedBy).to.deep.equal(['memory']);
    expect(g.event!.message).to.equal('0/1 nodes are available: 1 Insufficient memory.');
    expect(s.perNode[0].memoryMiBForWorkload).to.equal(alloc.allocatableMemoryMiB - SYSTEM.memory);
    expect(s.explanation.join('\n')).to.include('Memory binds first');
  });

  it('CPU-bound: m5.large with 500m pods runs what its allocatable CPU holds, on every node', () => {
    const alloc = nodeResources('m5.large', 'al2023')!;
    // Two nodes: each has one CoreDNS replica.
    const perNode = Math.floor((alloc.allocatableCpuMillicores - (50 + 100 + 100)) / 500);
    const s = simulatePods({ instanceType: 'm5.large', nodes: 2, replicas: 2 * perNode + 1, requests: { cpu: '500m' } });
    expect(s.running).to.equal(2 * perNode);
    expect(s.firstLimit).to.equal('cpu');
    expect(pendingGroup(s).event!.message).to.equal('0/2 nodes are available: 2 Insufficient cpu.');
    expect(pendingGroup(s).limitedBy).to.deep.equal(['cpu']);
  });

  it('maxPods-bound: small requests leave maxPods the first limit, with its message', () => {
    const slots = maxPods('m5.large') - 5;
    const s = simulatePods({ instanceType: 'm5.large', replicas: slots + 3, requests: { cpu: '10m', memory: '16Mi' } });
    expect(s.running).to.equal(slots);
    expect(s.perNode[0].firstLimit).to.equal('maxPods');
    expect(pendingGroup(s).event!.message).to.equal('0/1 nodes are available: 1 Too many pods.');
    expect(s.limitsReached).to.deep.equal({ maxPods: true, podIps: false, cpu: false, memory: false });
  });

  it('IP-bound: maxPods set above the IPs, the extra pods are scheduled and stay ContainerCreating', () => {
    const f = getInstanceType('t3.small');
    const ips = f.defaultCardEnis * (f.ipv4PerEni - 1) - 2; // CoreDNS takes 2
    const s = simulatePods({ instanceType: 't3.small', maxPods: 20, replicas: ips + 3, requests: { cpu: '10m', memory: '16Mi' } });
    expect(s.running).to.equal(ips);
    expect(s.containerCreating).to.equal(3);
    expect(s.perNode[0].firstLimit).to.equal('podIps');
    expect(s.groups.find((g) => g.status === 'ContainerCreating')!.limitedBy).to.deep.equal(['podIps']);
    expect(s.limitsReached).to.deep.equal({ maxPods: false, podIps: true, cpu: false, memory: false });
  });

  it('a node can fail a pod for several reasons at once; the scheduler counts and sorts them', () => {
    // Raw numbers: 2 ENIs × 6 IPs → 10 pod IPs, maxPods 12; eks-2018 leaves 9 slots. A memory
    // request of a ninth of allocatable (rounded down to a byte) fills memory with the 9th pod too.
    const facts = { defaultCardEnis: 2, ipv4PerEni: 6, vcpus: 2, memoryMiB: 4096, hypervisor: 'nitro' as const };
    const alloc = nodeResourcesFromFacts(facts as never, 'al2023', 12, 12)!;
    const bytes = Math.floor((alloc.allocatableMemoryMiB * 2 ** 20) / 9);
    const s = simulatePods({ facts, systemPods: 'eks-2018', replicas: 10, requests: { memory: String(bytes) } });
    expect(s.running).to.equal(9);
    expect(pendingGroup(s).event!.message).to.equal('0/1 nodes are available: 1 Insufficient memory, 1 Too many pods.');
    expect(pendingGroup(s).limitedBy).to.deep.equal(['maxPods', 'memory']);
  });

  it('a system DaemonSet that fits no node stays Pending with its own node and the affinity in the message', () => {
    const big = nodeResources('m5.large', 'al2023')!.allocatableMemoryMiB + 1;
    const s = simulatePods({ instanceType: 'm5.large', nodes: 3, replicas: 1, systemPods: [{ name: 'agent', kind: 'DaemonSet', requests: { memory: `${big}Mi` } }] });
    const g = s.groups.find((x) => x.owner === 'agent')!;
    expect(g).to.include({ status: 'Pending', count: 3 });
    expect(g.event!.message).to.equal("0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector.");
    expect(s.systemPodsNotRunning).to.equal(3);
    expect(s.explanation.join('\n')).to.include("3 system pods do not run: the node's allocatable memory is too small even for kube-system.");
    expect(s.running).to.equal(1); // the workload has no requests: memory does not stop it
  });

  it('a pod without requests fits however full the node is (the seed stories are unchanged)', () => {
    const s = simulatePods({ instanceType: 't2.micro', systemPods: 'eks-2018', replicas: 3, name: 'nginx' });
    expect([s.running, s.pending]).to.deep.equal([1, 2]);
    expect(pendingGroup(s).event!.message).to.equal('0/1 nodes are available: 1 Too many pods.');
    expect(s.explanation.join('\n')).to.not.include('Allocatable');
  });

  it('the AMI family decides kube-reserved, so how many pods fit', () => {
    const o = { instanceType: 't3.medium', replicas: 50, maxPodsOptions: { prefixDelegation: true }, requests: { memory: '64Mi' } };
    const al = simulatePods({ ...o, amiFamily: 'al2023' });
    const br = simulatePods({ ...o, amiFamily: 'bottlerocket' });
    for (const [s, family] of [[al, 'al2023'], [br, 'bottlerocket']] as const) {
      const alloc = nodeResources('t3.medium', family, { prefixDelegation: true })!.allocatableMemoryMiB;
      expect(s.running, family).to.equal(Math.min(50, Math.floor((alloc - SYSTEM.memory) / 64), s.perNode[0].slotsForWorkload));
    }
    expect(br.running).to.be.below(al.running); // Bottlerocket reserves for its higher max pods
  });

  it('requests on a node without vCPU or memory figures are refused, naming the fix', () => {
    const t = listInstanceTypes().find((x) => x.memoryMiB === undefined || x.vcpus === undefined);
    const facts = { defaultCardEnis: 3, ipv4PerEni: 10 };
    expect(failure(() => simulatePods({ facts, replicas: 1, requests: { cpu: '1' } })).message).to.match(/requests.*give vcpus and memoryMiB/);
    if (t) expect(failure(() => simulatePods({ instanceType: t.name, replicas: 1, requests: { cpu: '1' } })).message).to.include(t.name);
  });
});

describe('nodesNeeded and typesThatFit honour requests', () => {
  it('nodesNeeded: the smallest node count on which memory-bound pods all run', () => {
    const o = { instanceType: 'm5.large', replicas: 20, requests: { memory: '1Gi' } };
    const r = nodesNeeded(o);
    expect(r.nodes).to.be.a('number');
    const alloc = nodeResources('m5.large', 'al2023')!.allocatableMemoryMiB;
    expect(r.nodes!).to.be.at.least(Math.ceil(20 / Math.floor(alloc / 1024)));
    expect(simulatePods({ ...o, nodes: r.nodes! }).running).to.equal(20);
    expect(simulatePods({ ...o, nodes: r.nodes! - 1 }).running).to.be.below(20);
  });

  it('nodesNeeded: a pod bigger than any node says so', () => {
    const alloc = nodeResources('m5.large', 'al2023')!.allocatableMemoryMiB;
    const r = nodesNeeded({ instanceType: 'm5.large', replicas: 1, requests: { memory: `${alloc + 1}Mi` } });
    expect(r.nodes).to.equal(null);
    expect(r.reason).to.include('lower the requests or use a larger type');
  });

  it('typesThatFit: every listed type holds the requests in its allocatable; types that fit without them drop out', () => {
    const requests = { cpu: '500m', memory: '2Gi' };
    const r = typesThatFit({ replicas: 3, requests });
    expect(r.fits.length).to.be.greaterThan(0);
    for (const f of r.fits) {
      const alloc = nodeResources(f.instanceType, 'al2023')!;
      expect(f.allocatable).to.deep.equal({ cpuMillicores: alloc.allocatableCpuMillicores, memoryMiB: alloc.allocatableMemoryMiB });
      expect(alloc.allocatableMemoryMiB - SYSTEM.memory, f.instanceType).to.be.at.least(3 * 2048);
      expect(alloc.allocatableCpuMillicores - SYSTEM.cpu, f.instanceType).to.be.at.least(3 * 500);
    }
    const without = new Set(typesThatFit({ replicas: 3 }).fits.map((f) => f.instanceType));
    const listed = new Set(r.fits.map((f) => f.instanceType));
    expect([...listed].every((t) => without.has(t))).to.equal(true);
    expect(listed.size).to.be.below(without.size);
  });
});

describe('eks-nodegroup pods --requests', function () {
  this.timeout(60_000);

  it('prints the scheduler message and exits 1; the JSON says which limit bound the pods', async () => {
    const r = await runCli(['pods', 't3.small', '--replicas', '9', '--requests', 'cpu=250m,memory=512Mi']);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include('0/1 nodes are available: 1 Insufficient memory.');
    expect(r.stdout).to.match(/Pending \(\d+\): no node has the memory the pod requests left/);
    const j = JSON.parse((await runCli(['pods', 't3.small', '--replicas', '9', '--requests', 'cpu=250m,memory=512Mi', '--json'])).stdout);
    expect(j.groups.find((g: { status: string; system: boolean }) => g.status === 'Pending' && !g.system).limitedBy).to.deep.equal(['memory']);
    expect(j.limitsReached.memory).to.equal(true);
  });

  it('requests in a system-pods file count against allocatable', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sys.yaml');
    const alloc = nodeResources('m5.large', 'al2023')!.allocatableCpuMillicores;
    fs.writeFileSync(file, `systemPods:\n  - { name: hog, kind: DaemonSet, hostNetwork: true, requests: { cpu: ${alloc - 100}m } }\n`);
    const r = await runCli(['pods', 'm5.large', '--replicas', '3', '--requests', 'cpu=50m', '--system-pods', file, '--json']);
    expect(JSON.parse(r.stdout).running).to.equal(2);
  });

  it('--nodes-needed and --fit take --requests', async () => {
    const n = await runCli(['pods', 'm5.large', '--replicas', '20', '--requests', 'memory=1Gi', '--nodes-needed']);
    expect(n.code, n.stderr).to.equal(0);
    expect(n.stdout).to.match(/app: 20 replicas need \d+ nodes of m5\.large \(.*1024Mi memory per app pod/);
    const f = await runCli(['pods', '--fit', '3', '--requests', 'cpu=500m,memory=2Gi', '--limit', '3']);
    expect(f.code, f.stderr).to.equal(0);
    expect(f.stdout).to.include('each requesting 500m CPU, 2048Mi memory').and.to.include('ALLOCATABLE');
  });

  it('bad --requests and raw numbers without --vcpus/--memory-mib exit 2 naming the flag', async () => {
    const a = await runCli(['pods', 'm5.large', '--replicas', '1', '--requests', 'memory=1GB']);
    expect(a.code).to.equal(2);
    expect(a.stderr).to.include('--requests.memory: "1GB"');
    const b = await runCli(['pods', '--enis', '3', '--ips-per-eni', '10', '--replicas', '1', '--requests', 'cpu=1']);
    expect(b.code).to.equal(2);
    expect(b.stderr).to.include('--vcpus N and --memory-mib N');
    const c = await runCli(['pods', '--enis', '3', '--ips-per-eni', '10', '--vcpus', '2', '--memory-mib', '8192', '--replicas', '1', '--requests', 'cpu=1']);
    expect(c.code, c.stderr).to.equal(0);
    const d = await runCli(['pods', 'm5.large', '--replicas', '1', '--ami-family', 'windows']);
    expect(d.code).to.equal(2);
    expect(d.stderr).to.include('--ami-family').and.to.include('bottlerocket');
  });
});
