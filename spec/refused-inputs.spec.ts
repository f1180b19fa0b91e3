/**
 * Every input AWS would refuse is refused by gen before anything is written: exit 2, the message
 * names the input (the flag) and the allowed range, and the output file is left byte for byte as
 * it was (or not created). Also the output paths gen and refresh-data refuse, and the warnings
 * gen gives instead of refusing (max pods above what the IPs give).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EBS_LIMITS } from '../lib/core/aws';
import { maxPods } from '../lib/max-pods';
import { KUBERNETES_VERSIONS } from '../lib/nodegroup/options';
import { runCli, tempDir } from './helpers';

const gp3 = EBS_LIMITS.gp3;
const io1 = EBS_LIMITS.io1;
const st1 = EBS_LIMITS.st1;
const [al2023Oldest, al2023Newest] = KUBERNETES_VERSIONS.al2023;
const al2Newest = KUBERNETES_VERSIONS.al2[1];

/** [title, flags, what the message must hold]: each derived from the limits, not typed. */
const REFUSED: [string, string[], (string | RegExp)[]][] = [
  ['a malformed KMS key', ['--kms-key-id', 'not-a-key'], ['--kms-key-id', '"not-a-key"', 'key ARN', 'alias/']],
  ['a volume below the type\'s minimum size', ['--volume-type', 'st1', '--volume-size', String(st1.size[0] - 1)], ['--volume-size', `st1 volumes are ${st1.size[0]} to ${st1.size[1]} GiB`]],
  ['a volume over the maximum size', ['--volume-size', String(gp3.size[1] + 1)], ['--volume-size', String(gp3.size[1])]],
  ['IOPS over the type\'s maximum', ['--volume-size', '1000', '--volume-iops', String(gp3.iops!.range[1] + 1)], ['--volume-iops', `gp3 IOPS are ${gp3.iops!.range[0]} to ${gp3.iops!.range[1]}`]],
  ['IOPS over what the size allows (per GiB)', ['--volume-size', '20', '--volume-iops', String(20 * gp3.iops!.perGiB + 1000)], ['--volume-size', `${gp3.iops!.perGiB} IOPS per GiB`]],
  ['io1 IOPS over what the size allows', ['--volume-type', 'io1', '--volume-size', '20', '--volume-iops', String(20 * io1.iops!.perGiB + 100)], [`${io1.iops!.perGiB} IOPS per GiB`]],
  ['throughput over the maximum', ['--volume-throughput', String(gp3.throughput!.range[1] + 1)], ['--volume-throughput', String(gp3.throughput!.range[1])]],
  ['throughput over what the IOPS allow', ['--volume-iops', '3000', '--volume-throughput', String(3000 * gp3.throughput!.perIops + 1)], ['--volume-throughput', `${gp3.throughput!.perIops} MiB/s per IOPS`]],
  ['a Kubernetes version with no AMI', ['--kubernetes-version', '1.99'], ['--kubernetes-version', `1.${al2023Oldest} to 1.${al2023Newest}`, 'amazon-eks-ami CHANGELOG']],
  ['an AL2 version past AL2\'s last AMIs', ['--ami-family', 'al2', '--kubernetes-version', `1.${al2Newest + 1}`], [`to 1.${al2Newest}`, 'use al2023 or bottlerocket']],
  ['reserved ENIs that leave none for pods', ['-t', 'm5.large', '--reserved-enis', '99'], ['--reserved-enis', 'leave an ENI for pods']],
  ['custom networking with one ENI', ['-t', 'm5.large', '--custom-networking', '--max-enis', '1'], ['--max-enis', 'leave an ENI for pods']],
  ['a max-pods override above 250 without the opt-out', ['-t', 'm5.large', '--max-pods-override', '251'], ['--max-pods-override', 'at most 250', '--no-cap']],
];

describe('gen refuses what AWS would refuse: exit 2, input and range named, nothing written', function () {
  this.timeout(60_000);
  const dir = tempDir('eks-nodegroup-refused-');
  const out = path.join(dir, 'out.yaml');
  const before = 'a template the user keeps\n';

  for (const [title, flags, parts] of REFUSED) {
    it(title, async () => {
      fs.writeFileSync(out, before);
      const r = await runCli(['gen', ...flags, '-o', 'out.yaml'], { cwd: dir });
      expect(r.code, r.stderr).to.equal(2);
      for (const p of parts) typeof p === 'string' ? expect(r.stderr).to.include(p) : expect(r.stderr).to.match(p);
      expect(fs.readFileSync(out, 'utf8')).to.equal(before);
      fs.rmSync(out);
      const fresh = await runCli(['gen', ...flags, '-o', 'out.yaml'], { cwd: dir });
      expect(fresh.code).to.equal(2);
      expect(fs.existsSync(out)).to.equal(false);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });
  }

  it('a max-pods override above what the IPs give is written, with a ContainerCreating warning naming the types', async () => {
    const ips = maxPods('m5.large');
    const r = await runCli(['gen', '-t', 'm5.large', '--max-pods-override', String(ips + 10), '-o', 'over.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include(`more than the IPs of 1 type allow`).and.to.include('ContainerCreating').and.to.include(`m5.large (${ips})`);
  });

  it('an override above 250 is accepted with --no-cap', async () => {
    const r = await runCli(['gen', '-t', 'm5.24xlarge', '--max-pods-override', '300', '--no-cap', '-o', 'big.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
  });
});

describe('output paths refused before anything is written', function () {
  this.timeout(60_000);
  const dir = tempDir('eks-nodegroup-outputs-');

  it('gen -o naming its own config file, -o ending in /, and -o "" exit 2 and leave the input as it was', async () => {
    const cfg = path.join(dir, 'cfg.yaml');
    fs.writeFileSync(cfg, 'instanceTypes: [m5.large]\n');
    for (const [o, says] of [['cfg.yaml', 'config cfg.yaml'], ['./cfg.yaml', 'config cfg.yaml'], ['sub/', 'a folder'], ['', 'empty']] as const) {
      const r = await runCli(['gen', '-c', 'cfg.yaml', '-o', o], { cwd: dir });
      expect(r.code, `${o}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, o).to.include(says);
      expect(fs.readFileSync(cfg, 'utf8')).to.equal('instanceTypes: [m5.large]\n');
    }
    expect(fs.existsSync(path.join(dir, 'sub'))).to.equal(false);
  });

  it('refresh-data -o naming its describe-instance-types input exits 2 and leaves it as it was', async () => {
    const input = path.join(dir, 'types.json');
    const text = JSON.stringify({ InstanceTypes: [] });
    fs.writeFileSync(input, text);
    const r = await runCli(['refresh-data', 'types.json', '-o', 'types.json'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('types.json');
    expect(fs.readFileSync(input, 'utf8')).to.equal(text);
  });

  it('a symlink as output is written through to its target; the link stays a link', async function () {
    const target = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'link.yaml');
    fs.writeFileSync(target, 'old\n');
    try {
      fs.symlinkSync(target, link);
    } catch {
      this.skip(); // no symlinks on this file system
    }
    const r = await runCli(['gen', '-t', 'm5.large', '-o', 'link.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(fs.readFileSync(target, 'utf8')).to.match(/^AWSTemplateFormatVersion/);
  });
});
