/**
 * `eks-nodegroup gen`: writes the template, prints path, size and the deploy command that fits;
 * `-c` config files (YAML/JSON) checked against the generated schema; flags win over the config;
 * bad input exits 2 with a message and leaves an existing output file byte-for-byte untouched.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simulatePods } from '../lib/capacity';
import { deployCommand, INLINE_TEMPLATE_LIMIT } from '../lib/cli/commands/gen';
import { architectureOf, getInstanceType, instanceTypeNames } from '../lib/instance-types';
import { buildNodeGroupTemplate, maxPodsTableFromTemplate } from '../lib/nodegroup';
import { parseTemplate, toYaml } from '../lib/yaml';
import { runBin, runCli, tempDir, unknownFamily } from './helpers';

describe('eks-nodegroup gen', function () {
  this.timeout(120_000);
  const dir = tempDir('eks-nodegroup-gen-');
  const out = path.join(dir, 'out.yaml');

  it('writes the default template and prints its path, size and the inline deploy command', async () => {
    const r = await runCli(['gen', '-o', 'out.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const text = fs.readFileSync(out, 'utf8');
    const bytes = Buffer.byteLength(text);
    expect(bytes).to.be.at.most(INLINE_TEMPLATE_LIMIT);
    const served = instanceTypeNames().filter((n) => architectureOf(n) !== undefined).length;
    expect(r.stdout).to.include(`wrote out.yaml (${bytes} bytes; ${served} instance types, al2023, max pods layout by-size)`);
    // The types left out are named, with the reason.
    expect(r.stderr).to.include(`left out ${instanceTypeNames().length - served} types whose CPU architecture the instance data does not know`);
    expect(r.stdout).to.include('aws cloudformation deploy --template-file out.yaml --stack-name <stack-name>');
    expect(r.stdout).to.include('--capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND');
    expect(r.stdout).to.not.include('--s3-bucket');
    expect(r.stdout).to.include('ClusterName=<ClusterName>');
    expect(text).to.equal(toYaml(buildNodeGroupTemplate()));
  });

  it('warns, naming the types, where a node has no room for one workload pod once the system pods run', async () => {
    const r = await runCli(['gen', '-t', 't2.micro,m5.large', '-o', 'room.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const s = simulatePods({ instanceType: 't2.micro', replicas: 1 });
    expect(s.running).to.equal(0); // the pods command agrees: nothing runs
    expect(r.stderr).to.include(`warning: on 1 type a node has no room for a single workload pod once today's system pods run`);
    expect(r.stderr).to.include(`t2.micro (maxPods ${s.maxPods}, ${s.podIps} pod IPs)`).and.not.to.include('m5.large (');
  });

  it('the deploy command goes through S3 over 51,200 bytes and drops AUTO_EXPAND without the transform', () => {
    const t = buildNodeGroupTemplate({ instanceTypes: ['t3.micro'], maxPodsLayout: 'per-type' });
    expect(deployCommand('big.yaml', INLINE_TEMPLATE_LIMIT + 1, t, ['CAPABILITY_IAM'])).to.include('--s3-bucket <bucket>');
    expect(deployCommand('small.yaml', INLINE_TEMPLATE_LIMIT, t, ['CAPABILITY_IAM'])).to.not.include('--s3-bucket');
  });

  it('per-type layout: no transform, so only CAPABILITY_IAM', async () => {
    const r = await runCli(['gen', '-t', 't3.*,m5.large', '--layout', 'per-type', '-o', 'pt.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('--capabilities CAPABILITY_IAM \\');
    const t = parseTemplate(fs.readFileSync(path.join(dir, 'pt.yaml'), 'utf8'));
    expect(maxPodsTableFromTemplate(t)!.size).to.equal(instanceTypeNames().filter((n) => n.startsWith('t3.')).length + 1);
  });

  it('--stdout prints the template and writes nothing', async () => {
    const r = await runCli(['gen', '--stdout', '--ami-family', 'bottlerocket', '-t', 't3.micro'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const t = parseTemplate(r.stdout) as Record<string, any>;
    const f = getInstanceType('t3.micro');
    expect(maxPodsTableFromTemplate(t)!.get('t3.micro')).to.equal(f.defaultCardEnis * (f.ipv4PerEni - 1) + 2);
    expect(fs.existsSync(path.join(dir, 'templates'))).to.equal(false);
  });

  it('mode flags reach the table (prefix delegation, override)', async () => {
    const r = await runCli(['gen', '--stdout', '-t', 'm5.large', '--prefix-delegation'], { cwd: dir });
    const f = getInstanceType('m5.large');
    expect(maxPodsTableFromTemplate(parseTemplate(r.stdout))!.get('m5.large')).to.equal(Math.min(110, f.defaultCardEnis * (f.ipv4PerEni - 1) * 16 + 2));
    const u = await runCli(['gen', '--stdout', '-t', 'm5.large', '--prefix-delegation', '--no-cap'], { cwd: dir });
    expect(maxPodsTableFromTemplate(parseTemplate(u.stdout))!.get('m5.large')).to.equal(f.defaultCardEnis * (f.ipv4PerEni - 1) * 16 + 2);
    const o = await runCli(['gen', '--stdout', '-t', 'm5.large', '--max-pods-override', '42'], { cwd: dir });
    expect(maxPodsTableFromTemplate(parseTemplate(o.stdout))!.get('m5.large')).to.equal(42);
  });

  it('every option flag reaches the template', async () => {
    const r = await runCli(
      [
        'gen', '--stdout', '-t', 't4g.*', '--exclude', 't4g.nano', '--default-instance-type', 't4g.large', '--ami-family', 'al2',
        '--kubernetes-version', '1.30', '--arch', 'arm64', '--volume-size', '50', '--volume-type', 'gp3', '--volume-iops', '4000',
        '--volume-throughput', '250', '--kms-key-id', 'alias/k', '--imds-tokens', 'optional', '--imds-hop-limit', '2',
        '--key-name', 'ops', '--ssh-cidr', '10.1.0.0/16', '--min-size', '0', '--desired-capacity', '2', '--max-size', '6',
        '--kubelet', 'node-labels={"role":"w"}', '--tag', 'team=platform', '-p', 'ClusterName=prod', '--description', 'hello',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).to.equal(0);
    const t = parseTemplate(r.stdout) as Record<string, any>;
    const lt = t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
    expect(t.Parameters.NodeInstanceType.Default).to.equal('t4g.large');
    expect(t.Parameters.NodeInstanceType.AllowedValues).to.not.include('t4g.nano');
    expect(t.Parameters.NodeImageIdSSMParamArm64.Default).to.equal('/aws/service/eks/optimized-ami/1.30/amazon-linux-2-arm64/recommended/image_id');
    expect(t.Parameters.NodeVolumeSize.Default).to.equal(50);
    expect(lt.BlockDeviceMappings[0].Ebs).to.include({ Iops: 4000, Throughput: 250, KmsKeyId: 'alias/k', Encrypted: true });
    expect(lt.MetadataOptions).to.include({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    expect(t.Parameters.KeyName.Default).to.equal('ops');
    expect(t.Resources.NodeSecurityGroupSshIngress.Properties.CidrIp).to.equal('10.1.0.0/16');
    expect([t.Parameters.NodeAutoScalingGroupMinSize.Default, t.Parameters.NodeAutoScalingGroupDesiredCapacity.Default, t.Parameters.NodeAutoScalingGroupMaxSize.Default]).to.deep.equal([0, 2, 6]);
    expect(lt.UserData['Fn::Base64']['Fn::Sub'][0]).to.include('--node-labels=role=w');
    expect(t.Resources.NodeGroup.Properties.Tags).to.deep.include({ Key: 'team', PropagateAtLaunch: true, Value: 'platform' });
    expect(t.Parameters.ClusterName.Default).to.equal('prod');
    expect(t.Description).to.equal('hello');
  });

  describe('-c config files', () => {
    it('YAML and JSON configs give the same template as the same flags; flags override the config', async () => {
      fs.writeFileSync(path.join(dir, 'c.yaml'), 'amiFamily: bottlerocket\ninstanceTypes: ["m5.*"]\nmaxPods:\n  prefixDelegation: true\nvolume:\n  size: 40\ntags:\n  team: a\n');
      fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ amiFamily: 'bottlerocket', instanceTypes: ['m5.*'], maxPods: { prefixDelegation: true }, volume: { size: 40 }, tags: { team: 'a' } }));
      const y = await runCli(['gen', '--stdout', '-c', 'c.yaml'], { cwd: dir });
      const j = await runCli(['gen', '--stdout', '-c', 'c.json'], { cwd: dir });
      const f = await runCli(['gen', '--stdout', '--ami-family', 'bottlerocket', '-t', 'm5.*', '--prefix-delegation', '--volume-size', '40', '--tag', 'team=a'], { cwd: dir });
      expect(y.code, y.stderr).to.equal(0);
      expect(y.stdout).to.equal(j.stdout).and.to.equal(f.stdout);
      const over = await runCli(['gen', '--stdout', '-c', 'c.yaml', '--ami-family', 'al2', '--volume-type', 'gp2', '--tag', 'env=x'], { cwd: dir });
      const t = parseTemplate(over.stdout) as Record<string, any>;
      expect(t.Metadata.EksNodegroup.AmiFamily).to.equal('al2');
      expect(t.Metadata.EksNodegroup.MaxPodsOptions).to.deep.equal({ prefixDelegation: true });
      expect(t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData.BlockDeviceMappings[0].Ebs).to.include({ VolumeType: 'gp2' });
      expect(t.Parameters.NodeVolumeSize.Default).to.equal(40);
      expect(t.Resources.NodeGroup.Properties.Tags.map((x: { Key: string }) => x.Key)).to.include.members(['team', 'env']);
    });

    it('a mistake is named where it was made: the flag, the config line:column (a key with dots too), or the default', async () => {
      const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
      const said = async (...argv: string[]) => {
        const r = await runCli(['gen', '--stdout', ...argv], { cwd: dir });
        expect(r.code, r.stderr).to.equal(2);
        return r.stderr;
      };
      write('plain.yaml', 'description: hi\n');
      // A KEY=VALUE flag's value, with a config file that has nothing there: the flag.
      expect(await said('-c', 'plain.yaml', '--kubelet', 'maxPods=0')).to.match(/^eks-nodegroup gen: invalid value for kubelet setting "maxPods": 0 .*\(from --kubelet\)\n$/);
      expect(await said('-c', 'plain.yaml', '-t', 'm5.large,m5.xlarge', '--mixed-instances', '--weight', 'm5.large=1', '--weight', 'm5.xlarge=0')).to.match(/^eks-nodegroup gen: invalid value for --weight m5\.xlarge=…: 0 /);
      // A config value: its own line and column, though the key holds dots.
      write('w.yaml', 'instanceTypes: [m5.large, m5.xlarge]\nmixedInstances:\n  weights:\n    m5.large: 1\n    m5.xlarge: 0\n');
      expect(await said('-c', 'w.yaml')).to.match(/^eks-nodegroup gen: w\.yaml:5:16: invalid value for mixedInstances\.weights\.m5\.xlarge: 0 /);
      // A config section of the wrong shape stays wrong when flags set options under it.
      write('vb.yaml', 'volume: false\n');
      expect(await said('-c', 'vb.yaml', '--volume-size', '30')).to.match(/^eks-nodegroup gen: vb\.yaml:1:9: invalid value for volume: false .*\(with --volume-size\)/);
      // -p values are text: a String parameter takes digits, a Number parameter reads them.
      const p = await runCli(['gen', '--stdout', '-t', 'm5.large', '-p', 'ClusterName=123', '-p', 'NodeVolumeSize=30'], { cwd: dir });
      const t = parseTemplate(p.stdout) as Record<string, any>;
      expect([t.Parameters.ClusterName.Default, t.Parameters.NodeVolumeSize.Default]).to.deep.equal(['123', 30]);
    });
  });

  describe('bad input: exit 2, a message naming the input, the existing output untouched', () => {
    const existing = path.join(dir, 'keep.yaml');
    const before = 'previous template\n';
    beforeEach(() => fs.writeFileSync(existing, before));
    afterEach(() => {
      expect(fs.readFileSync(existing, 'utf8')).to.equal(before);
      expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).to.deep.equal([]);
    });

    const CASES: [string, string[], (string | RegExp)[], (() => void)?][] = [
      ['unknown instance type', ['-t', 'm5.larg'], ['unknown instance type "m5.larg"', 'm5.large']],
      ['pattern matching nothing', ['-t', `${unknownFamily()}.*`], [`pattern "${unknownFamily()}.*" matches no known instance type`, 'did you mean']],
      ['invalid AMI family', ['--ami-family', 'ubuntu'], ['--ami-family', '"ubuntu"', 'al2023, bottlerocket, al2']],
      ['invalid volume size', ['--volume-size', 'big'], ['--volume-size', 'whole number']],
      ['invalid layout', ['--layout', 'flat'], ['--layout', 'by-size, per-type']],
      ['per-type with too many types', ['--layout', 'per-type'], ['maxPodsLayout', 'at most 200']],
      ['bad max-pods flag', ['--max-enis', '0'], ['--max-enis']],
      ['bad --tag', ['--tag', 'novalue'], ['--tag', 'KEY=VALUE']],
      ['a --tag key given twice (the second would silently win)', ['--tag', 'team=a', '--tag', 'team=b'], ['--tag team=… is given twice']],
      ['unknown flag', ['--volume-sise', '3'], ['volume-sise', 'usage']],
      ['missing config file', ['-c', 'nope.yaml'], ['nope.yaml', 'no such file']],
      ['unparsable config', ['-c', 'broken.yaml'], ['broken.yaml'], () => fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1, 2\n')],
      ['config of the wrong shape', ['-c', 'list.yaml'], ['list.yaml', 'mapping of options'], () => fs.writeFileSync(path.join(dir, 'list.yaml'), '- a\n- b\n')],
      ['config with an unknown option', ['-c', 'typo.yaml'], ['typo.yaml', 'unknown option "volume.sise"', 'did you mean "size"?'], () => fs.writeFileSync(path.join(dir, 'typo.yaml'), 'volume:\n  sise: 3\n')],
      ['config with a misspelt top-level option', ['-c', 'typo2.yaml'], ['unknown option "amiFamly"', 'did you mean "amiFamily"?'], () => fs.writeFileSync(path.join(dir, 'typo2.yaml'), 'amiFamly: al2\n')],
      ['io2 volume without IOPS', ['--volume-type', 'io2'], ['volume type io2 needs volume.iops', '--volume-iops N']],
      ['config with an invalid value', ['-c', 'val.json'], ['val.json', 'invalid value for imds.hopLimit', 'from 1 to 64'], () => fs.writeFileSync(path.join(dir, 'val.json'), '{"imds": {"hopLimit": 65}}')],
      ['a positional argument', ['out.yaml'], ['unexpected argument "out.yaml"', '-o FILE']],
      // A value the flags parse but the resolver refuses names the flag, not the option path.
      ['a volume size over the EBS limit, by flag', ['--volume-size', '99999'], [/invalid value for --volume-size: 99999 \(allowed: a whole number from 1 to \d+\)/]],
      ['scaling that leaves no room for a rolling update, by flags', ['--desired-capacity', '4', '--max-size', '4'], ['invalid value for scaling', '(from --desired-capacity, --max-size)']],
      // A value from the config file names the file, line and column.
      // A flag merged into a config value that is no mapping does not hide it: the value is refused where it stands.
      ['a config section that is not a mapping, with a flag for it', ['-c', 'vol.yaml', '--volume-size', '30'], [/vol\.yaml:1:9: invalid value for volume: 5 .*\(with --volume-size\)/], () => fs.writeFileSync(path.join(dir, 'vol.yaml'), 'volume: 5\n')],
      ['a config value the resolver refuses names the file:line:column', ['-c', 'pos.yaml'], [/pos\.yaml:3:13: invalid value for imds\.hopLimit: 0/], () => fs.writeFileSync(path.join(dir, 'pos.yaml'), 'amiFamily: al2023\nimds:\n  hopLimit: 0\n')],
    ];
    for (const [title, args, parts, setup] of CASES) {
      it(title, async () => {
        setup?.();
        const r = await runCli(['gen', ...args, '-o', 'keep.yaml'], { cwd: dir });
        expect(r.code).to.equal(2);
        expect(r.stdout).to.equal('');
        for (const p of parts) {
          if (typeof p === 'string') expect(r.stderr).to.include(p);
          else expect(r.stderr).to.match(p);
        }
      });
    }

    it('unwritable output path (missing folder) names the path; nothing is created', async () => {
      const r = await runCli(['gen', '-t', 't3.micro', '-o', 'no/such/dir/x.yaml'], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('no/such/dir/x.yaml').and.to.include('does not exist');
      expect(fs.existsSync(path.join(dir, 'no'))).to.equal(false);
    });

    it('output path that is a folder', async () => {
      fs.mkdirSync(path.join(dir, 'afolder'), { recursive: true });
      const r = await runCli(['gen', '-t', 't3.micro', '-o', 'afolder'], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('afolder').and.to.include('is a directory');
    });
  });

  it('SSH open to the internet: written as asked (exit 0), with a warning; a private CIDR gets none', async () => {
    const open = await runCli(['gen', '-t', 't3.medium', '--ssh-cidr', '0.0.0.0/0', '-o', 'ssh-open.yaml'], { cwd: dir });
    expect(open.code).to.equal(0);
    expect(open.stderr).to.include('warning: SSH (TCP 22) to every node is open to the whole internet');
    const t = parseTemplate(fs.readFileSync(path.join(dir, 'ssh-open.yaml'), 'utf8')) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    expect(t.Resources.NodeSecurityGroupSshIngress.Properties.CidrIp).to.equal('0.0.0.0/0');
    const closed = await runCli(['gen', '-t', 't3.medium', '--ssh-cidr', '10.1.0.0/16', '-o', 'ssh-closed.yaml'], { cwd: dir });
    expect(closed.code).to.equal(0);
    expect(closed.stderr).to.equal('');
  });

  it('end to end: the real CLI writes the file, exit 0; bad input exit 2 on stderr', () => {
    const target = path.join(dir, 'e2e.yaml');
    const ok = runBin(['gen', '-t', 't2.micro', '-o', target]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include(`wrote ${target}`);
    expect(maxPodsTableFromTemplate(parseTemplate(fs.readFileSync(target, 'utf8')))!.has('t2.micro')).to.equal(true);
    const bad = runBin(['gen', '-t', 'nope.large', '-o', target]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('eks-nodegroup gen: unknown instance type "nope.large"');
  });

  it('--help lists the flags', async () => {
    const r = await runCli(['gen', '--help']);
    expect(r.code).to.equal(0);
    for (const flag of ['--config', '--output', '--ami-family', '--instance-types', '--layout', '--prefix-delegation', '--ssh-cidr']) expect(r.stdout).to.include(flag);
  });
});
