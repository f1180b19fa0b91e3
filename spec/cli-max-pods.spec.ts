import { expect } from 'chai';
import { instanceTypeNames, getInstanceType, listInstanceTypes } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import { runBin, runCli } from './helpers';

describe('eks-nodegroup max-pods', () => {
  it('prints "<type> <maxPods>" lines for the named types', async () => {
    const r = await runCli(['max-pods', 't2.micro', 'm5.large']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(`t2.micro ${2 * (2 - 1) + 2}\nm5.large ${3 * (10 - 1) + 2}\n`);
    expect(r.stderr).to.equal('');
  });

  it('--all lists every known type, sorted, in the eni-max-pods.txt form (end to end)', () => {
    const r = runBin(['max-pods', '--all']);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(instanceTypeNames().length);
    for (const line of lines) expect(line).to.match(/^[a-z0-9][a-z0-9.-]* [1-9]\d*$/);
    const names = lines.map((l) => l.split(' ')[0]);
    expect(names).to.deep.equal([...names].sort());
    const t2 = lines.find((l) => l.startsWith('t2.micro '));
    const f = getInstanceType('t2.micro');
    expect(t2).to.equal(`t2.micro ${f.defaultCardEnis * (f.ipv4PerEni - 1) + 2}`);
  });

  it('mode flags change the result', async () => {
    const cases: [string[], number][] = [
      [['--prefix-delegation'], 110],
      [['--prefix-delegation', '--cap'], 110],
      [['--prefix-delegation', '--no-cap'], 3 * 9 * 16 + 2],
      [['--prefix-delegation', '--show-max-allowed'], 3 * 9 * 16 + 2],
      [['--custom-networking'], 2 * 9 + 2],
      [['--max-enis', '2'], 2 * 9 + 2],
      [['--cni-max-eni', '1'], 1 * 9 + 2],
      [['--reserved-enis', '1'], 2 * 9 + 2],
      [['--max-pods-override', '17'], 17],
      [['--prefix-delegation', '--cni-version', '1.9.0'], 110],
      [['--prefix-delegation', '--cni-version', '1.8.0'], 3 * 9 + 2],
      [['--prefix-delegation', '--cni-version', '1.9.0', '--show-max-allowed'], 3 * 9 * 16 + 2],
    ];
    for (const [flags, expected] of cases) {
      const r = await runCli(['max-pods', 'm5.large', ...flags]);
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(r.stdout, flags.join(' ')).to.equal(`m5.large ${expected}\n`);
    }
  });

  it('--all leaves out, with a warning, the types a mode cannot compute (exit 0); named, they fail (exit 2)', async () => {
    const missing = listInstanceTypes().filter((t) => t.vcpus === undefined).map((t) => t.name);
    const r = await runCli(['max-pods', '--all', '--prefix-delegation']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.have.length(instanceTypeNames().length - missing.length);
    expect(r.stderr).to.include(`left out ${missing.length} type`);
    for (const t of missing) expect(r.stderr).to.include(t);
    if (missing.length) expect((await runCli(['max-pods', missing[0], '--prefix-delegation'])).code).to.equal(2);
  });

  it('--explain prints the facts and every step', async () => {
    const r = await runCli(['max-pods', 'm5.large', '--explain', '--prefix-delegation', '--cap']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('m5.large: maxPods 110');
    expect(r.stdout).to.contain('3 ENIs on the default card, 10 IPv4 per ENI');
    expect(r.stdout).to.contain('formula: 3 × ((10 − 1) × 16) + 2 = 434');
    expect(r.stdout).to.contain('recommended cap 110: 434 → 110');
  });

  it('--json prints objects with the explanation', async () => {
    const r = await runCli(['max-pods', 'p5.48xlarge', 'trn1.32xlarge', '--json']);
    expect(r.code).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.map((x: { instanceType: string }) => x.instanceType)).to.deep.equal(['p5.48xlarge', 'trn1.32xlarge']);
    expect(j[0].maxPods).to.equal(maxPods('p5.48xlarge'));
    expect(j[0].enisUsed).to.equal(getInstanceType('p5.48xlarge').defaultCardEnis);
    expect(j[0].steps).to.be.an('array').that.is.not.empty;
  });

  describe('bad usage exits 2 and says what to do', () => {
    const cases: [string[], RegExp][] = [
      [['max-pods', 'm5.larg'], /unknown instance type "m5\.larg"; did you mean m5\.large/],
      [['max-pods', 'm5.large', 'x9.nope', 'y1.bad'], /x9\.nope[\s\S]*y1\.bad/],
      [['max-pods'], /name at least one instance type/],
      [['max-pods', '--all', 'm5.large'], /not both/],
      [['max-pods', 'm5.large', '--max-enis=-1'], /--max-enis: "-1" \(allowed: a whole number ≥ 1\)/],
      [['max-pods', 'm5.large', '--max-enis', '-1'], /--max-enis/],
      [['max-pods', 'm5.large', '--max-enis', 'two'], /--max-enis: "two"/],
      [['max-pods', 'm5.large', '--max-enis'], /--max-enis/],
      [['max-pods', 'm5.large', '--reserved-enis', '1.5'], /--reserved-enis/],
      [['max-pods', 'm5.large', '--max-pods-override', '0'], /--max-pods-override: "0"/],
      [['max-pods', 'm5.large', '--cni-version', 'latest'], /cniVersion: "latest"/],
      [['max-pods', 'm5.large', '--cap', '--no-cap'], /give --cap or --no-cap, not both/],
      [['max-pods', 'm5.large', '--explain', '--json'], /give --explain or --json, not both/],
      [['max-pods', 'm5.large', '--prefix-delegaton'], /Unknown option '--prefix-delegaton'[\s\S]*usage:/],
      [['max-pods', 'c5a.metal', '--cap'], /c5a\.metal: the recommended 110\/250 cap needs the vCPU count/],
      [['no-such-command'], /unknown command "no-such-command"/],
    ];
    for (const [argv, re] of cases) {
      it(argv.join(' '), async () => {
        const r = await runCli(argv);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.match(re);
      });
    }
  });

  it('--help prints the usage and the mode flags', async () => {
    const r = await runCli(['max-pods', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('usage: eks-nodegroup max-pods').and.to.contain('--prefix-delegation');
  });
});
