/**
 * What a node keeps for kubelet and leaves for pods, per AMI family, checked against the cited
 * formulas written out again here in the sources' own shape (Karpenter's memory(), Bottlerocket's
 * kube_cpu_helper constants, nodeadm's ENI max pods, AWS's eni-max-pods.txt for AL2), over a
 * spread of instance types; and how gen and max-pods report it.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listInstanceTypes, type InstanceTypeFacts } from '../lib/instance-types';
import { AMI_FAMILIES, kubeReservedCpu, kubeReservedMemory, maxPods, nodeResources, type AmiFamily, type MaxPodsOptions } from '../lib/max-pods';
import { RESERVED_SHARE_REASON, RESERVED_SHARE_WARNING } from '../lib/max-pods/limits';
import { ROOT, runCli, tempDir } from './helpers';

/** AWS's eni-max-pods.txt (the committed fixture): what AL2's bootstrap.sh reserves memory for. */
const ENI_MAX_PODS = new Map(
  fs
    .readFileSync(path.join(ROOT, 'spec', 'fixtures', 'eni-max-pods.txt'), 'utf8')
    .split('\n')
    .filter((l) => /^\S+ \d+$/.test(l))
    .map((l) => [l.split(' ')[0], Number(l.split(' ')[1])] as [string, number]),
);

/** Bottlerocket's kube_cpu_helper: constants for 1–4 cores, 2.5m per core beyond, floored. */
function cpuByHand(cores: number): number {
  const fixed: Record<number, number> = { 1: 60, 2: 70, 3: 75, 4: 80 };
  return fixed[cores] ?? Math.floor(80 + (cores - 4) * 2.5);
}

/** Karpenter's memory(): EC2 MiB, less 64 on arm64, less ceil(7.5 %) of what is left. */
function capacityByHand(t: InstanceTypeFacts): number {
  const mem = t.memoryMiB! - (t.architecture === 'arm64' ? 64 : 0);
  return mem - Math.ceil((mem * 7.5) / 100);
}

/** The pods each family reserves memory for: nodeadm's ENI formula, eni-max-pods.txt, the template's max pods. */
function reservedForByHand(t: InstanceTypeFacts, family: AmiFamily, options: MaxPodsOptions): number {
  if (family === 'bottlerocket') return maxPods(t, options);
  if (family === 'al2' && ENI_MAX_PODS.has(t.name)) return ENI_MAX_PODS.get(t.name)!;
  return t.defaultCardEnis * (t.ipv4PerEni - 1) + 2;
}

/** A spread over the data: every k-th type by name, plus the smallest, the largest and both architectures. */
function sample(): InstanceTypeFacts[] {
  const known = listInstanceTypes()
    .filter((t) => t.vcpus !== undefined && t.memoryMiB !== undefined && t.architecture !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const step = Math.max(1, Math.floor(known.length / 40));
  const picked = new Set(known.filter((_, i) => i % step === 0));
  const byMemory = [...known].sort((a, b) => a.memoryMiB! - b.memoryMiB!);
  picked.add(byMemory[0]).add(byMemory[byMemory.length - 1]);
  for (const arch of ['arm64', 'x86_64']) picked.add(known.find((t) => t.architecture === arch)!);
  const oneCpu = known.find((t) => t.vcpus === 1);
  if (oneCpu) picked.add(oneCpu);
  return [...picked];
}

describe('node resources: kube-reserved, eviction and allocatable per AMI family', () => {
  const types = sample();

  it('the sample is a spread: at least 30 types, both architectures, small and large CPU counts', () => {
    expect(types.length).to.be.at.least(30);
    expect(new Set(types.map((t) => t.architecture))).to.include.members(['arm64', 'x86_64']);
    expect(types.some((t) => t.vcpus! <= 4)).to.equal(true);
    expect(types.some((t) => t.vcpus! > 30)).to.equal(true);
  });

  it("the CPU ladder gives Bottlerocket's unit-test values (kube_cpu_helper: 1→60m … 48→190m)", () => {
    const tests: [number, number][] = [[1, 60], [2, 70], [3, 75], [4, 80], [5, 82], [6, 85], [47, 187], [48, 190]];
    for (const [cores, m] of tests) expect(kubeReservedCpu(cores), `${cores} cores`).to.equal(m);
  });

  for (const [title, options] of [['plain ENI max pods', {}], ['prefix delegation (capped)', { prefixDelegation: true }]] as [string, MaxPodsOptions][]) {
    it(`every sampled type × ${AMI_FAMILIES.length} families matches the formulas by hand: ${title}`, () => {
      const wrong: string[] = [];
      let rows = 0;
      for (const t of types) {
        for (const family of AMI_FAMILIES) {
          const r = nodeResources(t, family, options)!;
          const capacity = capacityByHand(t);
          const pods = reservedForByHand(t, family, options);
          const memory = 11 * pods + 255;
          const cpu = cpuByHand(t.vcpus!);
          const want = {
            memoryCapacityMiB: capacity,
            reservedForPods: pods,
            kubeReservedMemoryMiB: memory,
            kubeReservedCpuMillicores: cpu,
            evictionHardMemoryMiB: 100,
            allocatableMemoryMiB: capacity - memory - 100,
            allocatableCpuMillicores: t.vcpus! * 1000 - cpu,
          };
          const got = Object.fromEntries(Object.keys(want).map((k) => [k, r[k as keyof typeof want]]));
          if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${t.name} ${family}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
          rows++;
        }
      }
      expect(rows).to.equal(types.length * AMI_FAMILIES.length);
      expect(wrong, wrong.slice(0, 5).join('\n')).to.deep.equal([]);
    });
  }

  it('with prefix delegation only Bottlerocket reserves for the higher max pods (nodeadm and bootstrap.sh keep their ENI value)', () => {
    const t = types.find((x) => maxPods(x, { prefixDelegation: true }) > maxPods(x))!;
    const pd = { prefixDelegation: true };
    expect(nodeResources(t, 'bottlerocket', pd)!.reservedForPods).to.equal(maxPods(t, pd));
    expect(nodeResources(t, 'al2023', pd)!.reservedForPods).to.equal(maxPods(t));
  });

  it('refuses an unknown AMI family, naming the allowed ones', () => {
    expect(() => nodeResources('m5.large', 'windows' as AmiFamily)).to.throw(/nodeResources: family must be an AMI family: al2023, bottlerocket, al2, got "windows"/);
  });

  it('is undefined for a type without vCPU or memory figures', () => {
    const t = listInstanceTypes().find((x) => x.vcpus === undefined || x.memoryMiB === undefined);
    if (t) expect(nodeResources(t, 'al2023')).to.equal(undefined);
    const { vcpus: _v, ...noCpu } = listInstanceTypes()[0];
    expect(nodeResources(noCpu as InstanceTypeFacts, 'al2023')).to.equal(undefined);
  });
});

describe('max-pods --explain and gen report what a node keeps', function () {
  this.timeout(60_000);

  it('max-pods --explain shows capacity, kube-reserved, eviction and allocatable for the chosen family', async () => {
    const r = await runCli(['max-pods', 'm5.large', '--explain', '--ami-family', 'bottlerocket']);
    expect(r.code, r.stderr).to.equal(0);
    const n = nodeResources('m5.large', 'bottlerocket')!;
    expect(r.stdout).to.include(`node (bottlerocket): ${n.ec2MemoryMiB} MiB memory − ${n.vmOverheadMiB} MiB the VM keeps = ${n.memoryCapacityMiB} MiB kubelet capacity`);
    expect(r.stdout).to.include(`kube-reserved: ${n.kubeReservedMemoryMiB} MiB = 11 × ${n.reservedForPods} pods + 255`);
    expect(r.stdout).to.include(`hard eviction 100 MiB`);
    expect(r.stdout).to.include(`allocatable: ${n.allocatableMemoryMiB} MiB memory, ${n.allocatableCpuMillicores}m CPU`);
    const j = JSON.parse((await runCli(['max-pods', 'm5.large', '--json', '--ami-family', 'al2'])).stdout);
    expect(j[0].resources).to.deep.equal(nodeResources('m5.large', 'al2'));
  });

  // Types where Bottlerocket with prefix delegation leaves no memory for pods, and types where it keeps more than half.
  const pd = { prefixDelegation: true };
  const sized = listInstanceTypes().filter((t) => t.architecture !== undefined && t.vcpus !== undefined && t.memoryMiB !== undefined && t.hypervisor === 'nitro');
  const none = sized.filter((t) => nodeResources(t, 'bottlerocket', pd)!.allocatableMemoryMiB <= 0);
  const heavy = sized.filter((t) => {
    const r = nodeResources(t, 'bottlerocket', pd)!;
    return r.allocatableMemoryMiB > 0 && r.reservedShare > 0.5;
  });

  it('gen refuses, exit 2, a type whose node would have no memory left for pods, and writes nothing', async function () {
    if (!none.length) this.skip();
    const dir = tempDir();
    const out = path.join(dir, 'ng.yaml');
    const r = await runCli(['gen', '--ami-family', 'bottlerocket', '--prefix-delegation', '-t', none[0].name, '-o', out]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(none[0].name).and.to.include('no memory left for pods').and.to.include('--accept-no-allocatable-memory');
    expect(fs.existsSync(out)).to.equal(false);
    const accepted = await runCli(['gen', '--ami-family', 'bottlerocket', '--prefix-delegation', '-t', none[0].name, '--accept-no-allocatable-memory', '-o', out]);
    expect(accepted.code, accepted.stderr).to.equal(0);
    expect(accepted.stderr).to.include(`${none[0].name} (`).and.to.include('(accepted)');
  });

  it('gen warns, naming the types and the share, where kubelet keeps more than half the memory', async function () {
    if (!heavy.length) this.skip();
    const dir = tempDir();
    const r = await runCli(['gen', '--ami-family', 'bottlerocket', '--prefix-delegation', '-t', heavy[0].name, '-o', path.join(dir, 'ng.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    const n = nodeResources(heavy[0], 'bottlerocket', pd)!;
    expect(r.stderr).to.include(`more than 50% of the node's memory (${RESERVED_SHARE_REASON}): ${heavy[0].name} (${n.kubeReservedMemoryMiB + 100} of ${n.memoryCapacityMiB} MiB)`);
  });

  // AL2023 and AL2 size kube-reserved for the ENI max pods: types where prefix delegation's max pods
  // would need more than half the memory while the reservation, for fewer pods, stays under it.
  const uncapped = { prefixDelegation: true, cap: false };
  const underSized = (options: MaxPodsOptions) =>
    sized.filter((t) => {
      const r = nodeResources(t, 'al2023', options)!;
      const pods = maxPods(t, options);
      return r.allocatableMemoryMiB > 0 && r.reservedShare <= RESERVED_SHARE_WARNING && r.reservedForPods < pods && (kubeReservedMemory(pods) + 100) / r.memoryCapacityMiB > RESERVED_SHARE_WARNING;
    });

  for (const family of ['al2023', 'al2'] as const) {
    it(`gen warns on ${family} where max pods is above what kube-reserved is sized for and that many pods would need more than half the memory`, async function () {
      const under = underSized(uncapped);
      if (!under.length) this.skip();
      const t = under[0];
      const r = await runCli(['gen', '--ami-family', family, '--prefix-delegation', '--no-cap', '-t', t.name, '-o', path.join(tempDir(), 'ng.yaml')]);
      expect(r.code, r.stderr).to.equal(0);
      const n = nodeResources(t, family, uncapped)!;
      const pods = maxPods(t, uncapped);
      expect(r.stderr).to.include(`max pods is higher than the pods ${family === 'al2' ? 'bootstrap.sh' : 'nodeadm'} sizes kube-reserved memory for`);
      expect(r.stderr).to.include(`${t.name} (${pods} pods need ${kubeReservedMemory(pods) + 100} of ${n.memoryCapacityMiB} MiB; kube-reserved is ${n.kubeReservedMemoryMiB} MiB, for ${n.reservedForPods} pods)`);
      expect(r.stderr).to.include(family === 'al2' ? `--kubelet 'kube-reserved=` : `--kubelet kubeReserved=`).and.to.include(RESERVED_SHARE_REASON);
    });
  }

  it('the same warning with the cap kept names fewer types, and none where the capped pods fit in half the memory', async function () {
    const capped = underSized(pd).map((t) => t.name);
    const all = underSized(uncapped).map((t) => t.name);
    expect(capped.every((t) => all.includes(t))).to.equal(true);
    const fits = sized.find((t) => t.architecture === 'x86_64' && !capped.includes(t.name) && maxPods(t, pd) > maxPods(t) && nodeResources(t, 'al2023', pd)!.reservedShare <= RESERVED_SHARE_WARNING);
    if (!fits) this.skip();
    const r = await runCli(['gen', '--prefix-delegation', '-t', fits.name, '-o', path.join(tempDir(), 'ng.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.not.include('sizes kube-reserved memory for');
  });
});
