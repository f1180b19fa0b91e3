/**
 * buildNodeGroupTemplate: AWS compatibility, the max-pods layouts and their CloudFormation limits,
 * secure defaults, options, and errors that name the input. Expected max pods are derived here from
 * the rule (ENIs × (IPv4 per ENI − 1) + 2) or from maxPods(), never copied from the code.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EksNodegroupError } from '../lib/core';
import { architectureOf, getInstanceType, instanceTypeNames, isInstanceType, listInstanceTypes } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import {
  BY_SIZE_MAPPING,
  buildNodeGroupTemplate,
  DEFAULTS,
  resolveNodeGroupOptions,
  maxPodsTableFromTemplate,
  PER_TYPE_MAPPING,
  requiredCapabilities,
  type NodeGroupOptions,
} from '../lib/nodegroup';
import { parseTemplate, toYaml } from '../lib/yaml';
import { requireShared, ROOT, SHARED_TEMPLATES } from './helpers';

type Obj = Record<string, any>;

const build = (o: NodeGroupOptions = {}): Obj => buildNodeGroupTemplate(o) as unknown as Obj;

function userDataText(t: Obj): string {
  return t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Sub'][0];
}

function expectError(fn: () => unknown, code: string, ...parts: (string | RegExp)[]): EksNodegroupError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an EksNodegroupError').to.be.instanceOf(EksNodegroupError);
  const e = err as EksNodegroupError;
  expect(e.code).to.equal(code);
  expect(e.exitCode).to.equal(2);
  for (const p of parts) {
    if (typeof p === 'string') expect(e.message).to.include(p);
    else expect(e.message).to.match(p);
  }
  return e;
}

describe('buildNodeGroupTemplate', function () {
  this.timeout(60_000);
  let def: Obj;
  before(() => {
    def = build();
  });

  describe('compatibility with AWS’s AL2023 template', () => {
    let aws: Obj;
    before(function () {
      requireShared(this, SHARED_TEMPLATES);
      aws = parseTemplate(fs.readFileSync(path.join(SHARED_TEMPLATES, 'amazon-eks-nodegroup.al2023-nodeadm.yaml'), 'utf8')) as Obj;
    });

    for (const family of ['al2023', 'bottlerocket', 'al2'] as const) {
      it(`${family}: same parameter names, logical IDs, conditions and outputs (types too)`, () => {
        const t = build({ amiFamily: family });
        // Added: the arm64 AMI parameter (the default types include arm64 ones); Bottlerocket has no
        // ServiceCidr (it finds the cluster DNS address itself).
        const theirs = Object.keys(aws.Parameters).filter((n) => !(family === 'bottlerocket' && n === 'ServiceCidr'));
        expect(Object.keys(t.Parameters).sort()).to.deep.equal([...theirs, 'NodeImageIdSSMParamArm64'].sort());
        expect(t.Parameters.NodeImageIdSSMParamArm64.Type).to.equal(aws.Parameters.NodeImageIdSSMParam.Type);
        for (const name of theirs) expect(t.Parameters[name].Type, name).to.equal(aws.Parameters[name].Type);
        expect(Object.keys(t.Resources).sort()).to.deep.equal(Object.keys(aws.Resources).sort());
        for (const [id, r] of Object.entries(aws.Resources as Obj)) expect(t.Resources[id].Type, id).to.equal(r.Type);
        // One deliberate change: AWS creates the node access entry only for "EKS API"; nodes need it in
        // "EKS API and ConfigMap" mode too.
        expect({ ...t.Conditions, CreateAccessEntry: undefined }).to.deep.equal({ ...aws.Conditions, CreateAccessEntry: undefined });
        expect(t.Conditions.CreateAccessEntry).to.deep.equal({
          'Fn::Or': [aws.Conditions.CreateAccessEntry, { 'Fn::Equals': [{ Ref: 'AuthenticationMode' }, 'EKS API and ConfigMap'] }],
        });
        expect(t.Outputs).to.deep.equal(aws.Outputs);
        expect(t.Mappings.PartitionMap).to.deep.equal(aws.Mappings.PartitionMap);
        const groups = (aws.Metadata['AWS::CloudFormation::Interface'].ParameterGroups as Obj[]).map((g) => ({
          ...g,
          Parameters: (g.Parameters as string[]).flatMap((p) => (p === 'NodeImageIdSSMParam' ? [p, 'NodeImageIdSSMParamArm64'] : p === 'ServiceCidr' && family === 'bottlerocket' ? [] : [p])),
        }));
        expect(t.Metadata['AWS::CloudFormation::Interface']).to.deep.equal({ ParameterGroups: groups });
      });
    }

    it('keeps AWS’s defaults where no option changes them; the AMI is the newest Kubernetes version with AMIs', () => {
      for (const name of ['NodeInstanceType', 'NodeAutoScalingGroupMinSize', 'NodeAutoScalingGroupDesiredCapacity', 'NodeAutoScalingGroupMaxSize', 'NodeVolumeSize', 'AuthenticationMode', 'KeyName', 'NodeImageId']) {
        expect(def.Parameters[name].Default, name).to.equal(aws.Parameters[name].Default);
      }
      const theirs = String(aws.Parameters.NodeImageIdSSMParam.Default);
      expect(def.Parameters.NodeImageIdSSMParam.Default).to.equal(theirs.replace(/\/1\.\d+\//, `/${DEFAULTS.kubernetesVersion.al2023}/`));
      expect(def.Parameters.NodeImageIdSSMParamArm64.Default).to.equal(theirs.replace(/\/1\.\d+\//, `/${DEFAULTS.kubernetesVersion.al2023}/`).replace('/x86_64/', '/arm64/'));
    });

    it('differs from AWS’s resources only where max pods and the secure defaults need it', () => {
      for (const id of Object.keys(aws.Resources)) {
        if (id === 'NodeLaunchTemplate') continue;
        expect(def.Resources[id], id).to.deep.equal(aws.Resources[id]);
      }
      const ours = def.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
      const theirs = aws.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
      for (const k of Object.keys(theirs)) {
        if (k === 'UserData' || k === 'BlockDeviceMappings' || k === 'ImageId') continue;
        expect(ours[k], k).to.deep.equal(theirs[k]);
      }
      // The image: NodeImageId as AWS's, else the AMI parameter of the deploy-time type's architecture.
      expect(theirs.ImageId).to.deep.equal({ 'Fn::If': ['HasNodeImageId', { Ref: 'NodeImageId' }, { Ref: 'NodeImageIdSSMParam' }] });
      expect(ours.ImageId['Fn::If'].slice(0, 2)).to.deep.equal(theirs.ImageId['Fn::If'].slice(0, 2));
      expect(ours.ImageId['Fn::If'][2]['Fn::Select'][1]).to.deep.equal([{ Ref: 'NodeImageIdSSMParam' }, { Ref: 'NodeImageIdSSMParamArm64' }]);
      expect(ours.BlockDeviceMappings[0].Ebs).to.deep.equal({ ...theirs.BlockDeviceMappings[0].Ebs, Encrypted: true });
      // The user data is AWS's plus the kubelet maxPods lines.
      const theirText: string = theirs.UserData['Fn::Base64']['Fn::Sub'];
      const norm = (s: string) => s.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
      const added = norm(userDataText(def)).filter((l) => !norm(theirText).includes(l));
      expect(added).to.deep.equal(['  kubelet:', '    config:', '      maxPods: ${MaxPods}']);
    });
  });

  describe('max pods in the by-size layout (default)', () => {
    it('holds every type whose architecture is known with the value maxPods() computes, readable by maxPodsTableFromTemplate', () => {
      const table = maxPodsTableFromTemplate(def)!;
      const known = instanceTypeNames().filter((t) => architectureOf(t) !== undefined);
      expect([...table.keys()]).to.deep.equal(known);
      for (const t of known) expect(table.get(t), t).to.equal(maxPods(t));
    });

    it('m5.large and c7i-flex.large carry ENIs × (IPv4 per ENI − 1) + 2 from their facts', () => {
      for (const name of ['m5.large', 'c7i-flex.large', 't3.nano']) {
        const f = getInstanceType(name);
        const [family, size] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
        expect(def.Mappings[BY_SIZE_MAPPING][size][family.replace(/-/g, '')], name).to.equal(f.defaultCardEnis * (f.ipv4PerEni - 1) + 2);
      }
    });

    it('stays within CloudFormation’s mapping rules: ≤ 200 keys at each level, alphanumeric second-level keys', () => {
      const m = def.Mappings[BY_SIZE_MAPPING] as Obj;
      const sizes = Object.keys(m);
      expect(sizes.length).to.be.within(1, 200);
      expect(sizes).to.include('metal-24xl'); // top-level keys may hold "-"
      for (const s of sizes) {
        const keys = Object.keys(m[s]);
        expect(keys.length, s).to.be.within(1, 200);
        for (const k of keys) expect(k, `${s}/${k}`).to.match(/^[A-Za-z0-9]+$/);
      }
      expect(Object.keys(def.Mappings).length).to.be.at.most(200);
    });

    it('looks the value up from NodeInstanceType with the LanguageExtensions transform and NO default value', () => {
      expect(def.Transform).to.equal('AWS::LanguageExtensions');
      expect(requiredCapabilities(def)).to.deep.equal(['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND']);
      const vars = def.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Sub'][1];
      const find = vars.MaxPods['Fn::FindInMap'];
      expect(find[0]).to.equal(BY_SIZE_MAPPING);
      // A type added by AWS later is not in the table: the lookup must fail, never default.
      expect(find).to.have.length(3);
      expect(JSON.stringify(find)).to.not.include('DefaultValue');
      expect(JSON.stringify(find)).to.include('"Ref":"NodeInstanceType"');
    });

    it('passes the computed options through: prefix delegation values differ and match maxPods()', () => {
      const t = build({ maxPods: { prefixDelegation: true } });
      const table = maxPodsTableFromTemplate(t)!;
      const m5 = getInstanceType('m5.large');
      expect(table.get('m5.large')).to.equal(Math.min(110, m5.defaultCardEnis * (m5.ipv4PerEni - 1) * 16 + 2));
      expect(table.get('c5.18xlarge')).to.equal(maxPods('c5.18xlarge', { prefixDelegation: true }));
      expect(t.Metadata.EksNodegroup.MaxPodsOptions).to.deep.equal({ prefixDelegation: true });
    });
  });

  describe('the 2018-compatible per-type layout', () => {
    it('writes MaxPodsPerNode: { <type>: { MaxPods: N } } looked up without a transform', () => {
      const t = build({ instanceTypes: ['t3.*', 'm5.large'], maxPodsLayout: 'per-type' });
      expect(t.Transform).to.equal(undefined);
      expect(requiredCapabilities(t)).to.deep.equal(['CAPABILITY_IAM']);
      const f = getInstanceType('t3.micro');
      expect(t.Mappings[PER_TYPE_MAPPING]['t3.micro']).to.deep.equal({ MaxPods: f.defaultCardEnis * (f.ipv4PerEni - 1) + 2 });
      expect(t.Mappings[BY_SIZE_MAPPING]).to.equal(undefined);
      const vars = t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Sub'][1];
      expect(vars.MaxPods).to.deep.equal({ 'Fn::FindInMap': [PER_TYPE_MAPPING, { Ref: 'NodeInstanceType' }, 'MaxPods'] });
      const table = maxPodsTableFromTemplate(t)!;
      expect([...table.keys()]).to.deep.equal(instanceTypeNames().filter((n) => n.startsWith('t3.') || n === 'm5.large'));
    });

    it('refuses more than 200 types, naming the limit and the way out', () => {
      expectError(() => build({ maxPodsLayout: 'per-type' }), 'BAD_OPTION', 'maxPodsLayout', 'at most 200', 'by-size');
    });

    it('maxPodsTableFromTemplate reads AWS’s 2018-06 MaxPodsPerNode mapping', function () {
      requireShared(this, SHARED_TEMPLATES);
      const aws = parseTemplate(fs.readFileSync(path.join(SHARED_TEMPLATES, 'amazon-eks-nodegroup.2018-06-11.yaml'), 'utf8')) as Obj;
      const table = maxPodsTableFromTemplate(aws)!;
      const mapping = aws.Mappings.MaxPodsPerNode as Obj;
      expect(table.size).to.equal(Object.keys(mapping).length).and.to.equal(55);
      for (const [type, row] of Object.entries(mapping)) expect(table.get(type), type).to.equal(row.MaxPods);
      // The same types in our layout (the diff helper compares the two); retired types (p2.*)
      // are no longer in the data and are named as unknown.
      const known = Object.keys(mapping).filter(isInstanceType);
      const retired = Object.keys(mapping).filter((t) => !isInstanceType(t));
      expect(retired.length).to.be.greaterThan(0);
      const ours = maxPodsTableFromTemplate(build({ instanceTypes: known, maxPodsLayout: 'per-type' }))!;
      expect([...ours.keys()].sort()).to.deep.equal(known.sort());
      expectError(() => build({ instanceTypes: Object.keys(mapping), maxPodsLayout: 'per-type' }), 'UNKNOWN_INSTANCE_TYPE', ...retired);
    });

    it('maxPodsTableFromTemplate is undefined for a template without a max-pods mapping', function () {
      expect(maxPodsTableFromTemplate({ Resources: {} })).to.equal(undefined);
      expect(maxPodsTableFromTemplate(null)).to.equal(undefined);
    });
  });

  describe('secure defaults', () => {
    for (const family of ['al2023', 'bottlerocket', 'al2'] as const) {
      it(`${family}: IMDSv2 required (hop limit 1), every volume encrypted, no SSH, no 0.0.0.0/0 ingress`, () => {
        const t = build({ amiFamily: family });
        const lt = t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
        expect(lt.MetadataOptions).to.deep.equal({ HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled', HttpTokens: 'required' });
        for (const bd of lt.BlockDeviceMappings) expect(bd.Ebs.Encrypted, bd.DeviceName).to.equal(true);
        const text = JSON.stringify(t.Resources);
        expect(text).to.not.include('0.0.0.0/0');
        for (const r of Object.values(t.Resources as Obj)) {
          if (r.Type === 'AWS::EC2::SecurityGroupIngress') expect(r.Properties.FromPort).to.not.equal(22);
        }
        expect(t.Parameters.KeyName.Default).to.equal('');
      });
    }

    it('SSH is opened only when asked for, from the CIDR given', () => {
      const t = build({ ssh: { keyName: 'ops', cidr: '10.0.0.0/16' } });
      expect(t.Resources.NodeSecurityGroupSshIngress.Properties).to.include({ FromPort: 22, ToPort: 22, CidrIp: '10.0.0.0/16', IpProtocol: 'tcp' });
      expect(t.Parameters.KeyName.Default).to.equal('ops');
      expectError(() => build({ ssh: { cidr: '10.0.0.300/16' } }), 'BAD_OPTION', 'ssh.cidr');
    });

    it('Bottlerocket: OS volume and data volume (NodeVolumeSize) both encrypted', () => {
      const bds = build({ amiFamily: 'bottlerocket', volume: { kmsKeyId: 'alias/k' } }).Resources.NodeLaunchTemplate.Properties.LaunchTemplateData.BlockDeviceMappings;
      expect(bds.map((b: Obj) => b.DeviceName)).to.deep.equal(['/dev/xvda', '/dev/xvdb']);
      expect(bds[1].Ebs.VolumeSize).to.deep.equal({ Ref: 'NodeVolumeSize' });
      for (const b of bds) expect(b.Ebs).to.include({ Encrypted: true, KmsKeyId: 'alias/k' });
    });
  });

  describe('user data per AMI family', () => {
    it('al2023: nodeadm kubelet.config.maxPods plus extra settings as YAML flow values', () => {
      const text = userDataText(build({ kubelet: { registryPullQPS: 10, evictionHard: { 'memory.available': '5%' } } }));
      expect(text).to.include('Content-Type: application/node.eks.aws');
      expect(text).to.include('    config:\n      maxPods: ${MaxPods}\n      evictionHard: {"memory.available":"5%"}\n      registryPullQPS: 10\n');
    });
    it('bottlerocket: TOML settings.kubernetes max-pods', () => {
      const text = userDataText(build({ amiFamily: 'bottlerocket', kubelet: { 'registry-qps': 5, 'eviction-hard': { 'memory.available': '10%' } } }));
      expect(text).to.match(/^\[settings\.kubernetes\]\n/);
      expect(text).to.include('max-pods = ${MaxPods}\neviction-hard = { "memory.available" = "10%" }\nregistry-qps = 5\n');
    });
    it('al2: bootstrap.sh with --use-max-pods false and --max-pods in --kubelet-extra-args', () => {
      const text = userDataText(build({ amiFamily: 'al2', kubelet: { 'node-labels': { role: 'worker', tier: 'a' } } }));
      expect(text).to.include("--use-max-pods false \\\n  --kubelet-extra-args '--max-pods=${MaxPods} --node-labels=role=worker,tier=a'");
    });
    it('escapes ${ in user values so Fn::Sub keeps them literally', () => {
      const text = userDataText(build({ kubelet: { providerID: '${x}' } }));
      expect(text).to.include('providerID: "${!x}"');
    });
    it('refuses max pods among the extra settings, a key of the wrong shape, and shell-unsafe al2 values', () => {
      expectError(() => build({ kubelet: { maxPods: 5 } }), 'BAD_OPTION', 'maxPods', 'override');
      expectError(() => build({ amiFamily: 'bottlerocket', kubelet: { 'max-pods': 5 } }), 'BAD_OPTION', 'max-pods');
      expectError(() => build({ kubelet: { 'eviction-hard': '1' } }), 'BAD_OPTION', 'eviction-hard', 'KubeletConfiguration field');
      expectError(() => build({ amiFamily: 'al2', kubelet: { 'node-labels': "a'; rm -rf /" } }), 'BAD_OPTION', 'node-labels', 'shell');
    });
  });

  describe('instance types offered', () => {
    it('patterns expand against the data; AllowedValues lists a restricted set (≤ 200)', () => {
      const t = build({ instanceTypes: ['t3.*', '*.metal-24xl'] });
      const expected = instanceTypeNames().filter((n) => n.startsWith('t3.') || n.endsWith('.metal-24xl'));
      expect(t.Parameters.NodeInstanceType.AllowedValues).to.deep.equal([...expected].sort());
      expect([...maxPodsTableFromTemplate(t)!.keys()]).to.deep.equal([...expected].sort());
      expect(def.Parameters.NodeInstanceType.AllowedValues).to.equal(undefined);
    });
    it('exclusions apply after inclusion; without t3.medium the default type is the smallest offered', () => {
      const t = build({ instanceTypes: ['m5.*'], excludeInstanceTypes: ['*.metal'] });
      const m5 = listInstanceTypes().filter((f) => f.name.startsWith('m5.') && !f.bareMetal);
      const fewest = Math.min(...m5.map((f) => f.vcpus!));
      expect(t.Parameters.NodeInstanceType.Default).to.equal(m5.find((f) => f.vcpus === fewest)!.name);
      expect(t.Parameters.NodeInstanceType.Default).to.equal('m5.large');
      expect(t.Parameters.NodeInstanceType.AllowedValues).to.not.include('m5.metal');
    });
    it('an unknown name names the closest known types', () => {
      expectError(() => build({ instanceTypes: ['m5.larg'] }), 'UNKNOWN_INSTANCE_TYPE', 'unknown instance type "m5.larg"', 'm5.large');
    });
    it('a pattern matching nothing names the closest families or sizes; all bad entries at once', () => {
      const e = expectError(() => build({ instanceTypes: ['t9.*', '*.hugexl', 'x.y'] }), 'UNKNOWN_INSTANCE_TYPE', 'pattern "t9.*" matches no known instance type', '*.hugexl', 'unknown instance type "x.y"');
      expect(e.message).to.match(/did you mean t\d\.\*/);
    });
    it('excluding everything, an empty list, and a default type not offered are errors naming the option', () => {
      expectError(() => build({ instanceTypes: ['t3.micro'], excludeInstanceTypes: ['t3.*'] }), 'BAD_OPTION', 'excludeInstanceTypes');
      expectError(() => build({ instanceTypes: [] }), 'BAD_OPTION', 'instanceTypes');
      expectError(() => build({ instanceTypes: ['t3.*'], defaultInstanceType: 'm5.large' }), 'BAD_OPTION', 'defaultInstanceType', 't3.');
    });
    it('a type a mode cannot compute is left out with a warning naming it; named, it is an error naming the fix', () => {
      const missing = listInstanceTypes().filter((f) => f.vcpus === undefined && architectureOf(f.name) !== undefined).map((f) => f.name);
      expect(missing.length).to.be.greaterThan(0);
      const r = resolveNodeGroupOptions({ maxPods: { cap: true } });
      for (const t of missing) expect(r.instanceTypes, t).to.not.include(t);
      expect(r.warnings.join('\n')).to.include(missing.join(', ')).and.to.include('vCPU');
      expectError(() => build({ instanceTypes: [missing[0], 'm5.large'], maxPods: { cap: true } }), 'MISSING_FACT', missing[0], '--exclude');
    });
    it('a type whose architecture is unknown is left out with a warning; named, it is an error', () => {
      const unknown = listInstanceTypes().filter((f) => architectureOf(f.name) === undefined).map((f) => f.name);
      expect(unknown.length).to.be.greaterThan(0);
      const r = resolveNodeGroupOptions({});
      expect(r.warnings.join('\n')).to.include(unknown.join(', ')).and.to.include('architecture');
      expectError(() => build({ instanceTypes: [unknown[0]] }), 'BAD_OPTION', unknown[0], 'architecture');
    });
    it('architecture offers only the types of that architecture; a named type of another is an error', () => {
      const r = resolveNodeGroupOptions({ instanceTypes: ['m5.*', 'm7g.*'], architecture: 'arm64' });
      expect(r.instanceTypes.length).to.be.greaterThan(0);
      expect(r.instanceTypes.every((t) => t.startsWith('m7g.'))).to.equal(true);
      expect(r.architectures).to.deep.equal(['arm64']);
      expectError(() => build({ instanceTypes: ['m5.large', 'm7g.large'], architecture: 'arm64' }), 'BAD_OPTION', 'architecture', 'm5.large', 'x86_64');
    });
  });

  describe('options', () => {
    it('volume, IMDS, scaling, tags, parameter defaults and description reach the template', () => {
      const t = build({
        volume: { size: 80, type: 'io2', iops: 4000, kmsKeyId: 'alias/x' },
        imds: { httpTokens: 'optional', hopLimit: 2 },
        scaling: { min: 2, desired: 5, max: 9 },
        tags: { team: 'platform' },
        parameterDefaults: { ClusterName: 'prod' },
        kubernetesVersion: '1.31',
        instanceTypes: ['m7g.*'],
        description: 'mine',
      });
      const lt = t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
      expect(lt.BlockDeviceMappings[0].Ebs).to.deep.equal({ DeleteOnTermination: true, VolumeSize: { Ref: 'NodeVolumeSize' }, VolumeType: 'io2', Iops: 4000, Encrypted: true, KmsKeyId: 'alias/x' });
      expect(t.Parameters.NodeVolumeSize.Default).to.equal(80);
      expect(lt.MetadataOptions).to.include({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
      expect([t.Parameters.NodeAutoScalingGroupMinSize.Default, t.Parameters.NodeAutoScalingGroupDesiredCapacity.Default, t.Parameters.NodeAutoScalingGroupMaxSize.Default]).to.deep.equal([2, 5, 9]);
      expect(t.Resources.NodeGroup.Properties.Tags).to.deep.include({ Key: 'team', PropagateAtLaunch: true, Value: 'platform' });
      expect(t.Resources.NodeSecurityGroup.Properties.Tags).to.deep.include({ Key: 'team', Value: 'platform' });
      expect(t.Parameters.ClusterName.Default).to.equal('prod');
      expect(t.Parameters.NodeImageIdSSMParamArm64.Default).to.equal('/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/standard/recommended/image_id');
      expect(t.Parameters.NodeImageIdSSMParam).to.equal(undefined); // one architecture: only its own AMI parameter
      expect(t.Description).to.equal('mine');
    });

    it('AMI SSM parameter defaults per family', () => {
      const br = build({ amiFamily: 'bottlerocket' }).Parameters;
      expect(br.NodeImageIdSSMParam.Default).to.equal(`/aws/service/bottlerocket/aws-k8s-${DEFAULTS.kubernetesVersion.bottlerocket}/x86_64/latest/image_id`);
      expect(br.NodeImageIdSSMParamArm64.Default).to.equal(`/aws/service/bottlerocket/aws-k8s-${DEFAULTS.kubernetesVersion.bottlerocket}/arm64/latest/image_id`);
      const al2 = build({ amiFamily: 'al2' }).Parameters;
      expect(al2.NodeImageIdSSMParam.Default).to.equal(`/aws/service/eks/optimized-ami/${DEFAULTS.kubernetesVersion.al2}/amazon-linux-2/recommended/image_id`);
      expect(al2.NodeImageIdSSMParamArm64.Default).to.equal(`/aws/service/eks/optimized-ami/${DEFAULTS.kubernetesVersion.al2}/amazon-linux-2-arm64/recommended/image_id`);
    });

    const BAD: [string, NodeGroupOptions, string, ...string[]][] = [
      ['unknown option', { amiFamly: 'al2' } as NodeGroupOptions, 'BAD_OPTION', 'unknown option "amiFamly"', 'amiFamily'],
      ['bad AMI family', { amiFamily: 'ubuntu' as 'al2' }, 'BAD_OPTION', 'amiFamily', '"ubuntu"', 'al2023, bottlerocket, al2'],
      ['volume size 0', { volume: { size: 0 } }, 'BAD_OPTION', 'volume.size', 'from 1'],
      ['volume size 1.5', { volume: { size: 1.5 } }, 'BAD_OPTION', 'volume.size', 'whole number'],
      ['io2 without IOPS', { volume: { type: 'io2' } }, 'BAD_OPTION', 'volume.iops', 'io2'],
      ['throughput on gp2', { volume: { type: 'gp2', throughput: 200 } }, 'BAD_OPTION', 'volume.throughput'],
      ['KMS key on an unencrypted volume', { volume: { encrypted: false, kmsKeyId: 'k' } }, 'BAD_OPTION', 'volume.kmsKeyId'],
      ['hop limit 0', { imds: { hopLimit: 0 } }, 'BAD_OPTION', 'imds.hopLimit'],
      ['IMDS tokens', { imds: { httpTokens: 'v1' as 'optional' } }, 'BAD_OPTION', 'imds.httpTokens', 'required, optional'],
      ['min > max', { scaling: { min: 5, max: 2 } }, 'BAD_OPTION', 'scaling', 'min ≤ desired ≤ max'],
      ['tag Name', { tags: { Name: 'x' } }, 'BAD_OPTION', 'tag key: "Name"'],
      ['unknown parameter default', { parameterDefaults: { Clustername: 'x' } }, 'BAD_OPTION', 'Clustername', 'ClusterName'],
      ['parameter default outside AllowedValues', { parameterDefaults: { AuthenticationMode: 'IAM' } }, 'BAD_OPTION', 'AuthenticationMode', 'ConfigMap'],
      ['max-pods mode', { maxPods: { maxEnis: 0 } }, 'BAD_OPTION', 'maxEnis'],
      ['kubernetes version', { kubernetesVersion: '2' }, 'BAD_OPTION', 'kubernetesVersion'],
      ['layout', { maxPodsLayout: 'flat' as 'by-size' }, 'BAD_OPTION', 'maxPodsLayout', 'by-size, per-type'],
      ['not an object', 'al2' as unknown as NodeGroupOptions, 'BAD_OPTION', 'options'],
      // A value no branch of an anyOf takes: every shape named, not only the first branch's type.
      ['kubelet value of no allowed shape', { kubelet: { x: null as unknown as string } }, 'BAD_OPTION', 'kubelet.x: null', 'a string, a number, true, false, a list of strings or a map of strings'],
      ['mixedInstances of another shape', { mixedInstances: [] as unknown as boolean }, 'BAD_OPTION', 'mixedInstances: []', 'true, false or a mapping of onDemandBaseCapacity'],
      ['a bad value inside a mixedInstances mapping (not "must be boolean")', { mixedInstances: { onDemandPercentageAboveBaseCapacity: 101 } }, 'BAD_OPTION', 'mixedInstances.onDemandPercentageAboveBaseCapacity: 101', 'from 0 to 100'],
    ];
    for (const [title, o, code, ...parts] of BAD) {
      it(`rejects ${title}, naming the option and what is allowed (in the resolver, before the builder)`, () => {
        expectError(() => resolveNodeGroupOptions(o), code, ...parts);
        expectError(() => build(o), code, ...parts);
      });
    }

    it('DEFAULTS is what the schema documents (@default), nested ones included, and what an empty config resolves to', () => {
      const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'nodegroup-options.schema.json'), 'utf8'));
      const defs = schema.definitions;
      type Node = { $ref?: string; anyOf?: Node[]; properties?: Record<string, Node>; default?: unknown; description?: string };
      // An option's schema through $ref, and the mapping branch of an anyOf (mixedInstances: boolean | {…}).
      const resolve = (n: Node): Node => {
        if (n.$ref) return resolve(defs[n.$ref.split('/').pop()!]);
        const mapping = n.anyOf?.find((b) => resolve(b).properties);
        return mapping ? resolve(mapping) : n;
      };
      // Every @default reachable from NodeGroupOptions, by option path.
      const documented: Record<string, unknown> = {};
      const walk = (n: Node, prefix: string): void => {
        for (const [k, p] of Object.entries(resolve(n).properties ?? {})) {
          if (p.default !== undefined) documented[prefix + k] = p.default;
          walk(p, `${prefix}${k}.`);
        }
      };
      walk(defs.NodeGroupOptions, '');
      // Every leaf of DEFAULTS, by the same paths.
      const stated: Record<string, unknown> = {};
      const leaves = (o: object, prefix: string): void => {
        for (const [k, v] of Object.entries(o)) {
          if (v !== null && typeof v === 'object') leaves(v, `${prefix}${k}.`);
          else stated[prefix + k] = v;
        }
      };
      leaves(DEFAULTS, '');
      // Two defaults depend on other options, so the schema gives them in words: the NodeInstanceType default (on the offered types), the Kubernetes version (per AMI family).
      const inWords = Object.keys(stated).filter((k) => k === 'defaultInstanceType' || k.startsWith('kubernetesVersion.'));
      expect(inWords).to.have.members(['defaultInstanceType', ...Object.keys(DEFAULTS.kubernetesVersion).map((f) => `kubernetesVersion.${f}`)]);
      for (const k of inWords) delete stated[k];
      expect(Object.keys(stated)).to.include.members(['scaling.max', 'mixedInstances.onDemandPercentageAboveBaseCapacity', 'mixedInstances.capacityRebalance']);
      expect(documented).to.deep.equal(stated);
      expect(resolve(defs.NodeGroupOptions.properties.defaultInstanceType).description).to.include(DEFAULTS.defaultInstanceType);
      expect(resolve(defs.NodeGroupOptions.properties.kubernetesVersion).description).to.include('DEFAULTS.kubernetesVersion');
      // No option description states a default number or name of its own (they would drift).
      const texts = JSON.stringify(defs).match(/"description":"[^"]*"/g) ?? [];
      for (const t of texts) expect(t, t).to.not.match(/\(default [^)]*\d|\(AWS: |default true|default (al2023|by-size|gp3|x86_64)\b/);
      const r = resolveNodeGroupOptions({});
      expect(r.amiFamily).to.equal(DEFAULTS.amiFamily);
      expect(r.maxPodsLayout).to.equal(DEFAULTS.maxPodsLayout);
      expect(r.volume).to.include({ type: DEFAULTS.volume.type, encrypted: DEFAULTS.volume.encrypted });
      expect(r.imds).to.deep.equal(DEFAULTS.imds);
      expect(r.kubernetesVersion).to.equal(DEFAULTS.kubernetesVersion[DEFAULTS.amiFamily]);
      expect(r.parameterDefaults).to.include({
        NodeVolumeSize: DEFAULTS.volume.size,
        NodeAutoScalingGroupMinSize: DEFAULTS.scaling.min,
        NodeAutoScalingGroupDesiredCapacity: DEFAULTS.scaling.desired,
        NodeAutoScalingGroupMaxSize: DEFAULTS.scaling.max,
        NodeInstanceType: DEFAULTS.defaultInstanceType,
      });
      const { launchTemplates: _, ...mixed } = resolveNodeGroupOptions({ instanceTypes: ['m5.large'], mixedInstances: true }).mixedInstances!;
      expect(mixed).to.deep.equal(DEFAULTS.mixedInstances);
    });
  });

  it('is deterministic: same options → byte-identical YAML, whatever the key order', () => {
    const a = toYaml(build({ tags: { b: '2', a: '1' }, kubelet: { z: 1, a: 2 }, instanceTypes: ['t3.*', 'm5.large'] }));
    const b = toYaml(build({ instanceTypes: ['m5.large', 't3.*'], kubelet: { a: 2, z: 1 }, tags: { a: '1', b: '2' } }));
    expect(a).to.equal(b);
    expect(toYaml(build())).to.equal(toYaml(def));
  });
});
