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
import { parseTemplate } from '../lib/yaml';
import { runCli, tempDir } from './helpers';
import { REFUSED } from './refused';

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

  it('an override above 250 is accepted with --no-cap, the opt-out recorded, and gen says the IP warning once', async () => {
    const r = await runCli(['gen', '-t', 'm5.24xlarge,m5.large', '--max-pods-override', '300', '--no-cap', '-o', 'big.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr.match(/ContainerCreating/g)).to.have.length(1);
    const v = await runCli(['validate', 'big.yaml'], { cwd: dir });
    expect(v.code, v.stdout).to.equal(0);
    expect(v.stdout).to.not.include('max-pods-ceiling');
    expect(v.stdout).to.include('warning [max-pods-ips]').and.to.include(`m5.large (300; its IPs give ${maxPods('m5.large')})`);
  });

  it('a Kubernetes version not of the form 1.N is told the allowed range, not the schema\'s pattern', async () => {
    const r = await runCli(['gen', '--kubernetes-version', '2.0', '-o', 'v.yaml'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.not.match(/KUBERNETES_VERSIONS|\\d|\^1/);
  });

  it("an HDD volume is Bottlerocket's data volume only: its OS volume stays gp3", async () => {
    const r = await runCli(['gen', '--ami-family', 'bottlerocket', '-t', 'm5.large', '--volume-type', 'st1', '--volume-size', String(EBS_LIMITS.st1.size[0]), '-o', 'br.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const t = parseTemplate(fs.readFileSync(path.join(dir, 'br.yaml'), 'utf8')) as Record<string, any>;
    const devices = t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData.BlockDeviceMappings.map((b: any) => [b.DeviceName, b.Ebs.VolumeType]);
    expect(devices).to.deep.equal([['/dev/xvda', 'gp3'], ['/dev/xvdb', 'st1']]);
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

  it('refresh-data -o naming a folder suggests a data file name in it, gen a template name', async () => {
    const r = await runCli(['refresh-data', 'types.json', '-o', 'out/'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(`e.g. ${path.join('out', 'data.ts')}`);
    const g = await runCli(['gen', '-o', 'out/'], { cwd: dir });
    expect(g.stderr).to.include(`e.g. ${path.join('out', 'nodegroup.yaml')}`);
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
