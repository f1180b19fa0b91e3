/**
 * `eks-nodegroup pods`: kubectl-style output, the event for every pod that does not run, JSON,
 * the node-count and instance-type questions, and bad input (exit 2). Expected numbers are derived
 * here from ENIs and IPs per ENI (the VPC CNI's rule), never copied from the code.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getInstanceType, listInstanceTypes } from '../lib/instance-types';
import { runBin, runCli, tempDir } from './helpers';

function podIpsOf(type: string): number {
  const f = getInstanceType(type);
  return f.defaultCardEnis * (f.ipv4PerEni - 1);
}

/** Table rows of `kubectl get pods` output, as cells. */
function podTable(stdout: string): string[][] {
  const block = stdout.split('\n\n')[0].split('\n').filter((l) => !l.startsWith('#'));
  expect(block[0]).to.match(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$/);
  return block.slice(1).map((l) => l.split(/ {3,}/));
}

function eventLines(stdout: string): string[] {
  const i = stdout.indexOf('# kubectl get events');
  if (i < 0) return [];
  return stdout.slice(i).split('\n\n')[0].split('\n').slice(2);
}

describe('eks-nodegroup pods', () => {
  it('the classic story: t2.micro on a 2018 node runs exactly one nginx pod; the others are Pending with FailedScheduling', async () => {
    const ips = podIpsOf('t2.micro');
    const slots = ips + 2 - 3; // maxPods − aws-node, kube-proxy, kube-dns
    const freeIps = ips - 1; // kube-dns takes one
    const runs = Math.min(slots, freeIps);
    expect(runs).to.equal(1);
    const r = await runCli(['pods', 't2.micro', '--replicas', '4', '--system-pods', 'eks-2018', '--name', 'nginx']);
    expect(r.code, r.stderr).to.equal(1); // not every replica runs
    const rows = podTable(r.stdout).filter((c) => c[0] === 'default');
    expect(rows.filter((c) => c[3] === 'Running')).to.have.length(runs);
    const notRunning = rows.filter((c) => c[3] !== 'Running');
    expect(notRunning).to.have.length(4 - runs);
    for (const c of notRunning) {
      expect(c[3]).to.equal('Pending');
      expect(c[2]).to.equal('0/1');
      const ev = eventLines(r.stdout).find((l) => l.includes(`pod/${c[1]} `));
      expect(ev, c[1]).to.match(/^Warning\s+FailedScheduling\s+pod\/nginx-\d+\s+0\/1 nodes are available: 1 Too many pods\.$/);
    }
    expect(r.stdout).to.contain(`nginx: 4 replicas → ${runs} Running, 0 ContainerCreating, ${4 - runs} Pending.`);
    expect(r.stdout).to.contain(`kubelet maxPods ${ips + 2}`);
  });

  it('a count of one is in the singular (replica, node, pod, slot, IP; fits, runs)', async () => {
    for (const argv of [['pods', 't2.micro', '--replicas', '1', '--system-pods', 'eks-2018'], ['pods', 't2.micro', '--replicas', '1', '--nodes-needed']]) {
      const r = await runCli(argv);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('app: 1 replica ');
      expect(r.stdout).not.to.match(/\b1 (app |system |pod )?(replicas|nodes|pods|slots|IPs)\b/);
      expect(r.stdout).not.to.match(/\b1 app pod (fit|run) /);
    }
  });

  it('maxPods set above the IP limit: ContainerCreating with FailedCreatePodSandBox for each pod without an IP', async () => {
    const ips = podIpsOf('m5.large');
    const maxPods = ips + 20;
    const replicas = ips + 5; // more than the free IPs, fewer than the slots
    const free = ips - 2; // two CoreDNS replicas on the one node
    const r = await runCli(['pods', 'm5.large', '--replicas', String(replicas), '--max-pods', String(maxPods)]);
    expect(r.code).to.equal(1);
    const rows = podTable(r.stdout).filter((c) => c[0] === 'default');
    const cc = rows.filter((c) => c[3] === 'ContainerCreating');
    expect(cc).to.have.length(replicas - free);
    expect(rows.filter((c) => c[3] === 'Running')).to.have.length(free);
    const events = eventLines(r.stdout);
    for (const c of cc) {
      expect(c[6]).to.equal('<none>');
      expect(c[7]).to.equal('node-1'); // scheduled
      const ev = events.find((l) => l.includes(`pod/${c[1]} `));
      expect(ev, c[1]).to.match(/^Warning\s+FailedCreatePodSandBox\s+pod\/app-\d+\s+Failed to create pod sandbox: .*failed to assign an IP address to container$/);
    }
    expect(r.stdout).to.contain('Pod IPs run out first');
  });

  it('every kube-system pod is listed with the IP kind it uses', async () => {
    const r = await runCli(['pods', 'm5.large', '--replicas', '1', '--nodes', '2']);
    expect(r.code).to.equal(0);
    const sys = podTable(r.stdout).filter((c) => c[0] === 'kube-system');
    const ipOf = (name: string): string[] => sys.filter((c) => c[1].startsWith(name + '-')).map((c) => c[6]);
    expect(ipOf('aws-node')).to.deep.equal(['<node IP>', '<node IP>']);
    expect(ipOf('eks-pod-identity-agent')).to.deep.equal(['<node IP>', '<node IP>']);
    expect(ipOf('coredns')).to.deep.equal(['<pod IP>', '<pod IP>']);
    expect(sys.filter((c) => c[1].startsWith('coredns-')).map((c) => c[7])).to.deep.equal(['node-1', 'node-2']);
    expect(eventLines(r.stdout)).to.deep.equal([]);
  });

  it('--json has top-level running, containerCreating and pending plus the explanation', async () => {
    const ips = podIpsOf('m5.large');
    const slots = ips + 2 - 5;
    const r = await runCli(['pods', 'm5.large', '--replicas', '50', '--json']);
    expect(r.code).to.equal(1);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).slice(0, 3)).to.deep.equal(['running', 'containerCreating', 'pending']);
    expect([j.running, j.containerCreating, j.pending]).to.deep.equal([slots, 0, 50 - slots]);
    expect(j.firstLimit).to.equal('maxPods');
    expect(j.explanation).to.be.an('array').that.is.not.empty;
    expect(j.perNode[0]).to.include({ slotsForWorkload: slots, ipsForWorkload: ips - 2 });
    const pending = j.groups.find((g: { status: string; system: boolean }) => g.status === 'Pending' && !g.system);
    expect(pending.event.reason).to.equal('FailedScheduling');
  });

  it('mode flags change the pod IPs (custom networking, prefix delegation)', async () => {
    const f = getInstanceType('m5.large');
    const custom = JSON.parse((await runCli(['pods', 'm5.large', '--replicas', '1', '--custom-networking', '--json'])).stdout);
    expect(custom.podIps).to.equal((f.defaultCardEnis - 1) * (f.ipv4PerEni - 1));
    const pd = JSON.parse((await runCli(['pods', 'm5.large', '--replicas', '1', '--prefix-delegation', '--cap', '--json'])).stdout);
    expect(pd.podIps).to.equal(f.defaultCardEnis * (f.ipv4PerEni - 1) * 16);
    expect(pd.maxPods).to.equal(f.vcpus! <= 30 ? 110 : 250);
  });

  it('--enis/--ips-per-eni simulate raw numbers', async () => {
    const r = await runCli(['pods', '--enis', '2', '--ips-per-eni', '2', '--replicas', '2', '--system-pods', 'eks-2018', '--json']);
    const j = JSON.parse(r.stdout);
    const ips = 2 * (2 - 1);
    expect([j.running, j.pending]).to.deep.equal([Math.min(ips + 2 - 3, ips - 1), 2 - Math.min(ips + 2 - 3, ips - 1)]);
  });

  it('--nodes-needed prints the smallest node count', async () => {
    const ips = podIpsOf('m5.large');
    const perNode = (i: number): number => (i < 2 ? Math.min(ips + 2 - 4, ips - 1) : Math.min(ips + 2 - 3, ips));
    let K = 0;
    let room = 0;
    while (room < 200) room += perNode(K++);
    const r = await runCli(['pods', 'm5.large', '--replicas', '200', '--nodes-needed']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`^app: 200 replicas need ${K} nodes of m5\\.large`));
    const j = JSON.parse((await runCli(['pods', 'm5.large', '--replicas', '200', '--nodes-needed', '--json'])).stdout);
    expect(j.nodesNeeded).to.equal(K);
    expect(j.simulation.running).to.equal(200);
    const never = await runCli(['pods', 'm5.large', '--replicas', '5', '--max-pods', '3', '--nodes-needed']);
    expect(never.code).to.equal(1);
    expect(never.stdout).to.contain('cannot all run');
  });

  it('--mix: node names say their type; the JSON has each node\'s instanceType and each type\'s numbers', async () => {
    // m5.large:2,m7g.large:1 with 5 replicas: after 3 DaemonSets and one CoreDNS on node-1 and node-2,
    // pods go to the fewest-pods node: node-3 first (3 pods against 4), then node-1, node-2, node-3, node-1.
    const r = await runCli(['pods', '--mix', 'm5.large:2,m7g.large:1', '--replicas', '5']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^# kubectl get pods -A -o wide {3}\(simulated: 2 nodes of m5\.large, maxPods \d+ \+ 1 node of m7g\.large, maxPods \d+, system pods eks-current\)$/m);
    const nodes = podTable(r.stdout).map((c) => c[7]);
    expect([...new Set(nodes)].sort()).to.deep.equal(['node-1 (m5.large)', 'node-2 (m5.large)', 'node-3 (m7g.large)']);
    const j = JSON.parse((await runCli(['pods', '--mix', 'm5.large:2,m7g.large:1', '--replicas', '5', '--json'])).stdout);
    expect(j.perNode.map((n: { node: string; instanceType: string }) => [n.node, n.instanceType])).to.deep.equal([
      ['node-1', 'm5.large'],
      ['node-2', 'm5.large'],
      ['node-3', 'm7g.large'],
    ]);
    expect(j.mix.map((t: { instanceType: string; count: number; podIps: number }) => [t.instanceType, t.count, t.podIps])).to.deep.equal([
      ['m5.large', 2, podIpsOf('m5.large')],
      ['m7g.large', 1, podIpsOf('m7g.large')],
    ]);
    expect(j.perNode.map((n: { workload: { scheduled: number } }) => n.workload.scheduled)).to.deep.equal([2, 1, 2]);
    // A single type's JSON has neither.
    const one = JSON.parse((await runCli(['pods', 'm5.large', '--replicas', '5', '--json'])).stdout);
    expect(one.mix).to.equal(undefined);
    expect(one.perNode[0].instanceType).to.equal(undefined);
  });

  it('--mix --nodes-needed answers in whole sets of the proportions, and says so', async () => {
    const r = await runCli(['pods', '--mix', 'm5.large:2,m7g.large:1', '--replicas', '100', '--nodes-needed']);
    expect(r.code, r.stderr).to.equal(0);
    const m = /^app: 100 replicas need (\d+) whole sets of m5\.large:2,m7g\.large:1 = (\d+) nodes \((\d+) m5\.large \+ (\d+) m7g\.large/.exec(r.stdout)!;
    expect(m, r.stdout).to.not.equal(null);
    const [sets, nodes, m5, m7g] = m.slice(1).map(Number);
    expect([nodes, m5, m7g]).to.deep.equal([3 * sets, 2 * sets, sets]);
    expect(r.stdout).to.include('Counted in whole sets of these proportions (3 nodes a set)');
    const j = JSON.parse((await runCli(['pods', '--mix', 'm5.large:2,m7g.large:1', '--replicas', '100', '--nodes-needed', '--json'])).stdout);
    expect([j.sets, j.nodesNeeded]).to.deep.equal([sets, nodes]);
    expect(j.simulation.running).to.equal(100);
  });

  it('--fit N lists the types whose one node runs N pods, smallest first', async () => {
    const N = 200;
    const expected = listInstanceTypes().filter((f) => {
      const ips = f.defaultCardEnis * (f.ipv4PerEni - 1);
      return Math.min(ips + 2 - 5, ips - 2) >= N;
    });
    const r = await runCli(['pods', '--fit', String(N), '--limit', '0']);
    expect(r.code).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).to.match(/^TYPE\s+VCPUS\s+MEMORY\s+MAXPODS\s+POD-IPS\s+HOLDS\s+FIRST-LIMIT$/);
    const names = lines.slice(2).map((l) => l.split(/\s+/)[0]);
    expect([...names].sort()).to.deep.equal(expected.map((f) => f.name).sort());
    const vcpus = lines.slice(2).map((l) => Number(l.split(/\s+/)[1]));
    expect(vcpus).to.deep.equal([...vcpus].sort((a, b) => a - b));
    const limited = await runCli(['pods', '--fit', String(N), '--limit', '3']);
    expect(limited.stdout.trimEnd().split('\n')).to.have.length(2 + 3 + 1);
    expect(limited.stdout).to.contain(`… ${expected.length - 3} more`);
    const none = await runCli(['pods', '--fit', '100000']);
    expect(none.code).to.equal(1);
    expect(none.stdout).to.contain('none');
  });

  it('--system-pods FILE reads a user list (relative to the working directory)', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'sys.yaml'),
      'systemPods:\n  - { name: aws-node, kind: DaemonSet, hostNetwork: true }\n  - { name: kube-proxy, kind: DaemonSet, hostNetwork: true }\n  - { name: fluent-bit, kind: DaemonSet }\n',
    );
    const ips = podIpsOf('m5.large');
    const r = await runCli(['pods', 'm5.large', '--replicas', '100', '--system-pods', 'sys.yaml', '--json'], { cwd: dir });
    expect(r.code).to.equal(1);
    const j = JSON.parse(r.stdout);
    expect(j.running).to.equal(Math.min(ips + 2 - 3, ips - 1));
  });

  describe('bad input exits 2 with a message naming it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad-kind.yaml'), 'systemPods:\n  - { name: a, kind: Job }\n');
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "systemPods": [ { "name": "a", ');
    const cases: [string, string[], RegExp][] = [
      ['replicas 0', ['m5.large', '--replicas', '0'], /invalid value for --replicas: "0" \(allowed: a whole number ≥ 1\)/],
      ['replicas negative', ['m5.large', '--replicas=-2'], /--replicas: "-2"/],
      ['replicas not a number', ['m5.large', '--replicas', 'ten'], /--replicas: "ten"/],
      ['replicas missing', ['m5.large'], /give --replicas N/],
      ['maxPods 0', ['m5.large', '--replicas', '1', '--max-pods', '0'], /--max-pods: "0"/],
      ['maxPods not a number', ['m5.large', '--replicas', '1', '--max-pods', 'lots'], /--max-pods: "lots"/],
      ['unknown preset', ['m5.large', '--replicas', '1', '--system-pods', 'eks-2019'], /"eks-2019" is neither a preset \(eks-2018, eks-current\) nor a file/],
      ['missing file', ['m5.large', '--replicas', '1', '--system-pods', 'nope.yaml'], /cannot read nope\.yaml: no such file/],
      ['malformed file', ['m5.large', '--replicas', '1', '--system-pods', 'broken.json'], /broken\.json:\d+:\d+: /],
      ['bad field in file', ['m5.large', '--replicas', '1', '--system-pods', 'bad-kind.yaml'], /bad-kind\.yaml:2:22: invalid value for systemPods\[0\]\.kind: "Job" \(allowed: DaemonSet or Deployment\)/],
      ['unknown type', ['m5.lrge', '--replicas', '1'], /unknown instance type "m5\.lrge"; did you mean m5\.large/],
      ['two types', ['m5.large', 'c5.large', '--replicas', '1'], /name one instance type/],
      ['nodes 0', ['m5.large', '--replicas', '1', '--nodes', '0'], /--nodes: "0"/],
      ['nodes with --nodes-needed', ['m5.large', '--replicas', '1', '--nodes', '2', '--nodes-needed'], /drop --nodes/],
      ['fit 0', ['--fit', '0'], /--fit: "0"/],
      ['fit with a type', ['--fit', '3', 'm5.large'], /--fit tries every type/],
      ['limit without fit', ['m5.large', '--replicas', '1', '--limit', '3'], /--limit goes with --fit/],
      ['--max-pods vs override', ['m5.large', '--replicas', '1', '--max-pods', '20', '--max-pods-override', '30'], /disagree/],
      ['unknown flag', ['m5.large', '--replicas', '1', '--replica', '2'], /Unknown option '--replica'/],
      ['bad workload name', ['m5.large', '--replicas', '1', '--name', 'My_App'], /name: "My_App"/],
      ['unknown type in --mix', ['--mix', 'm5.large:2,m7g.lrge:1', '--replicas', '1'], /--mix: unknown instance type "m7g\.lrge"; did you mean m7g\.large/],
      ['--mix count 0', ['--mix', 'm5.large:0', '--replicas', '1'], /invalid value for --mix: "m5\.large:0" \(allowed: TYPE:COUNT pairs, each count a whole number ≥ 1/],
      ['--mix without counts', ['--mix', 'm5.large,m7g.large', '--replicas', '1'], /invalid value for --mix: "m5\.large"/],
      ['--mix with a TYPE', ['m5.large', '--mix', 'm5.large:1', '--replicas', '1'], /give an instance type or --mix, not both/],
      ['--mix with --nodes', ['--mix', 'm5.large:1', '--nodes', '2', '--replicas', '1'], /--mix and --nodes do not go together/],
      ['--mix with --enis', ['--mix', 'm5.large:1', '--enis', '2', '--ips-per-eni', '2', '--replicas', '1'], /--mix and --enis do not go together/],
      ['--mix with --fit', ['--fit', '3', '--mix', 'm5.large:1'], /--fit tries every type on one node; drop --mix/],
      ['a type twice in --mix', ['--mix', 'm5.large:1,m5.large:2', '--replicas', '1'], /m5\.large is listed twice/],
    ];
    for (const [what, argv, re] of cases) {
      it(what, async () => {
        const r = await runCli(['pods', ...argv], { cwd: dir });
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.match(/^eks-nodegroup pods: /);
        expect(r.stderr).to.match(re);
      });
    }
  });

  it('same inputs give byte-identical output', async () => {
    const a = await runCli(['pods', 'm5.large', '--replicas', '80', '--nodes', '3', '--max-pods', '60']);
    const b = await runCli(['pods', 'm5.large', '--replicas', '80', '--nodes', '3', '--max-pods', '60']);
    expect(a.stdout).to.equal(b.stdout);
  });

  it('runs end to end (real process, exit code, help)', () => {
    const r = runBin(['pods', 't2.micro', '--replicas', '1', '--system-pods', 'eks-2018', '--name', 'nginx']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^default\s+nginx-1\s+1\/1\s+Running\s/m);
    const h = runBin(['pods', '--help']);
    expect(h.code).to.equal(0);
    expect(h.stdout).to.contain('--system-pods');
    const bad = runBin(['pods', 't2.micro', '--replicas', '0']);
    expect(bad.code).to.equal(2);
  });
});
