/**
 * examples/*.ts import the package by name ('eks-nodegroup', the package's self-reference to
 * dist/lib/index.js) as a user would. Each compiled example is run with node and its output
 * checked: the template it writes parses, carries maxPods(type, options) for its types, and the
 * summary it prints says so.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getInstanceType, instanceTypeNames, listInstanceTypes } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import { maxPodsTableFromTemplate } from '../lib/nodegroup';
import { maxPodsFromUserData, renderTemplate, userDataOf } from '../lib/render';
import { parseTemplate } from '../lib/yaml';
import { ROOT, tempDir } from './helpers';

type Obj = Record<string, any>;

function runExample(name: string, out: string): { code: number; stdout: string; stderr: string; template: Obj } {
  const js = path.join(ROOT, 'dist', 'examples', `${name}.js`);
  const r = spawnSync(process.execPath, [js, out], { cwd: ROOT, encoding: 'utf8' });
  const template = r.status === 0 ? (parseTemplate(fs.readFileSync(out, 'utf8')) as Obj) : {};
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, template };
}

describe('examples (run as a user would)', function () {
  this.timeout(60_000);
  const dir = tempDir('eks-nodegroup-examples-');

  it('there are at least three, each with a test below', () => {
    const names = fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.ts'));
    expect(names.sort()).to.deep.equal(['bottlerocket-group.ts', 'build-and-check.ts', 'prefix-delegation-fleet.ts', 'single-t2-micro.ts', 'spot-mixed-group.ts']);
    for (const n of names) expect(fs.readFileSync(path.join(ROOT, 'examples', n), 'utf8')).to.include("from 'eks-nodegroup'");
  });

  it('spot-mixed-group: m5/m5a/m6i/m7g large and xlarge, Spot above one On-Demand node, a launch template per max pods and architecture', () => {
    const r = runExample('spot-mixed-group', path.join(dir, 'spot.yaml'));
    expect(r.code, r.stderr).to.equal(0);
    const types = ['m5', 'm5a', 'm6i', 'm7g'].flatMap((f) => [`${f}.large`, `${f}.xlarge`]);
    const pairs = new Set(types.map((t) => `${maxPods(t)}/${getInstanceType(t).architecture}`));
    const table = maxPodsTableFromTemplate(r.template)!;
    expect([...table.keys()].sort()).to.deep.equal([...types].sort());
    for (const t of types) expect(table.get(t), t).to.equal(maxPods(t));
    const group = r.template.Resources.NodeGroup.Properties;
    expect(group.MixedInstancesPolicy.InstancesDistribution).to.deep.equal({ OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized' });
    expect(group.CapacityRebalance).to.equal(true);
    expect(r.template.Parameters.NodeInstanceType).to.equal(undefined);
    const rows = [...table].map(([t, n]) => `${t} ${n}`).join(', ');
    expect(r.stdout).to.equal(`spot group: ${types.length} types, ${pairs.size} launch templates; max pods ${rows}; capabilities CAPABILITY_IAM\n`);
  });

  it('single-t2-micro: one t2.micro node, 2018-style per-type mapping, no transform', () => {
    const r = runExample('single-t2-micro', path.join(dir, 'micro.yaml'));
    expect(r.code, r.stderr).to.equal(0);
    const f = getInstanceType('t2.micro');
    const expected = f.defaultCardEnis * (f.ipv4PerEni - 1) + 2;
    expect(r.stdout).to.match(new RegExp(`^t2\\.micro maxPods ${expected}; 1 node; capabilities CAPABILITY_IAM; \\d+ bytes\\n$`));
    expect(r.template.Transform).to.equal(undefined);
    expect(r.template.Mappings.MaxPodsPerNode).to.deep.equal({ 't2.micro': { MaxPods: expected } });
    expect(r.template.Parameters.NodeInstanceType).to.include({ Default: 't2.micro' });
    expect(r.template.Parameters.NodeInstanceType.AllowedValues).to.deep.equal(['t2.micro']);
    expect([r.template.Parameters.NodeAutoScalingGroupMinSize.Default, r.template.Parameters.NodeAutoScalingGroupMaxSize.Default]).to.deep.equal([1, 2]);
  });

  it('prefix-delegation-fleet: current Nitro families, prefix delegation with the cap, per type', () => {
    const r = runExample('prefix-delegation-fleet', path.join(dir, 'fleet.yaml'));
    expect(r.code, r.stderr).to.equal(0);
    const options = { prefixDelegation: true, cap: true };
    const families = ['m7i', 'c7i', 'r7i', 'm7g', 'c7g', 'r7g'];
    const expectedTypes = listInstanceTypes()
      .filter((f) => families.includes(f.name.slice(0, f.name.indexOf('.'))) && !f.name.includes('.metal') && f.vcpus !== undefined)
      .map((f) => f.name);
    const table = maxPodsTableFromTemplate(r.template)!;
    expect([...table.keys()].sort()).to.deep.equal(expectedTypes.sort());
    for (const t of expectedTypes) {
      const f = getInstanceType(t);
      expect(f.hypervisor, t).to.equal('nitro');
      const raw = f.defaultCardEnis * (f.ipv4PerEni - 1) * 16 + 2;
      expect(table.get(t), t).to.equal(Math.min(raw, f.vcpus! > 30 ? 250 : 110));
    }
    expect(r.stdout.split('\n')[0]).to.equal(`${expectedTypes.length} types, prefix delegation with the recommended cap; ${fs.statSync(path.join(dir, 'fleet.yaml')).size} bytes`);
    expect(r.stdout).to.include(`m7i.large maxPods ${maxPods('m7i.large', options)}`);
    expect(r.template.Metadata.EksNodegroup.MaxPodsOptions).to.deep.equal({ cap: true, prefixDelegation: true });
  });

  it('bottlerocket-group: TOML user data with max-pods, arm64 AMI, encrypted data volume', () => {
    const r = runExample('bottlerocket-group', path.join(dir, 'br.yaml'));
    expect(r.code, r.stderr).to.equal(0);
    const types = instanceTypeNames().filter((n) => (n.startsWith('m7g.') || n.startsWith('c7g.')) && !n.endsWith('.metal'));
    const table = maxPodsTableFromTemplate(r.template)!;
    expect([...table.keys()]).to.deep.equal(types);
    for (const t of types) expect(table.get(t), t).to.equal(maxPods(t));
    expect(r.stdout).to.equal(`bottlerocket arm64: ${types.length} types, m7g.large maxPods ${maxPods('m7g.large')}; capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND\n`);
    // Graviton only: the arm64 AMI parameter and no x86_64 one.
    expect(r.template.Parameters.NodeImageIdSSMParamArm64.Default).to.equal('/aws/service/bottlerocket/aws-k8s-1.33/arm64/latest/image_id');
    expect(r.template.Parameters.NodeImageIdSSMParam).to.equal(undefined);
    const lt = r.template.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
    expect(lt.BlockDeviceMappings[1]).to.deep.include({ DeviceName: '/dev/xvdb' });
    expect(lt.BlockDeviceMappings[1].Ebs).to.include({ Encrypted: true });
    expect(lt.UserData['Fn::Base64']['Fn::Sub'][0]).to.include('max-pods = ${MaxPods}\neviction-hard = { "memory.available" = "10%" }');
    // What a c7g.xlarge node receives when the stack is deployed with it.
    const rendered = renderTemplate(r.template, {
      ClusterName: 'c', NodeGroupName: 'ng', ClusterControlPlaneSecurityGroup: 'sg-1', VpcId: 'vpc-1', Subnets: 'subnet-1',
      ApiServerEndpoint: 'https://example.eks.amazonaws.com', CertificateAuthorityData: 'Q0E=', NodeInstanceType: 'c7g.xlarge',
    });
    const [u] = userDataOf(rendered);
    const f = getInstanceType('c7g.xlarge');
    expect(maxPodsFromUserData(u.text)).to.include({ format: 'bottlerocket', maxPods: f.defaultCardEnis * (f.ipv4PerEni - 1) + 2 });
  });
  it('build-and-check: validates, writes, and diffs against the deployed template (exit 0 same, 1 different)', () => {
    const out = path.join(dir, 'checked.yaml');
    const r = runExample('build-and-check', out);
    expect(r.code, r.stderr).to.equal(0);
    const f = getInstanceType('m6i.large');
    const uncapped = f.defaultCardEnis * ((f.ipv4PerEni - 1) * 16) + 2;
    const expected = Math.min(uncapped, f.vcpus! > 30 ? 250 : 110);
    expect(r.stdout).to.contain(`m6i.large gets maxPods ${expected} (`).and.to.contain(`= ${uncapped}, capped at ${expected})`);
    const table = maxPodsTableFromTemplate(r.template)!;
    expect(table.get('m6i.large')).to.equal(expected);
    expect([...table.keys()].every((t) => /^(m6i|c6i|r6i)\./.test(t))).to.equal(true);

    const js = path.join(ROOT, 'dist', 'examples', 'build-and-check.js');
    const same = spawnSync(process.execPath, [js, path.join(dir, 'again.yaml'), out], { cwd: ROOT, encoding: 'utf8' });
    expect(same.status, same.stderr).to.equal(0);
    expect(same.stdout).to.contain('no differences');
    const other = spawnSync(process.execPath, [js, path.join(dir, 'third.yaml'), path.join(ROOT, 'templates', 'nodegroup.yaml')], { cwd: ROOT, encoding: 'utf8' });
    expect(other.status, other.stderr).to.equal(1);
    expect(other.stdout).to.match(/\[~\] MaxPodsBySize/);
  });
});
