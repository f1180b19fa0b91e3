/**
 * Template validation: AWS's templates and ours are valid; single mistakes are each reported
 * once, at the right pointer, with a line and column; and for each mistake the table records
 * whether AWS's own validator (@aws/cloudformation-validate, bundled in aws-cdk-lib) flags it,
 * so the suite documents where we are stricter or laxer than AWS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { RESOURCE_ATTRIBUTES, validateTemplate, validateTemplateText, type Finding } from '../lib/validate';
import Ajv from 'ajv';
import { QUOTAS } from '../lib/validate/checks';
import bundledValidator from '../lib/validate/generated/validator';
import { AJV_OPTIONS } from '../lib/validate/schema';
import { findingsFromAjv } from '../lib/validate/schema-errors';
import { parseTemplate, toYaml } from '../lib/yaml';
import { EksNodegroupError } from '../lib/core';
import { awsTemplateFiles, requireShared, ROOT, SHARED_TEMPLATES } from './helpers';
import { REFUSED } from './refused';
import { EBS_LIMITS } from '../lib/core/aws';
import { hasOwn } from '../lib/core';
import { architectureOf, isInstanceType } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import { KUBERNETES_VERSIONS } from '../lib/nodegroup/options';

type T = Record<string, any>;

const OUR_TEMPLATE = path.join(ROOT, 'templates', 'nodegroup.yaml');
const committedTemplates = (): string[] =>
  fs
    .readdirSync(path.join(ROOT, 'templates'))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => path.join(ROOT, 'templates', f));

// ---------------------------------------------------------------- AWS's validator

interface AwsDiagnostic {
  severity: string;
  ruleId: string;
  message: string;
}
interface AwsEngine {
  validateTemplate(content: unknown): { diagnostics: AwsDiagnostic[]; free?(): void };
  free(): void;
}

/** AWS's validator from aws-cdk-lib's bundled copy (its exports map forbids a plain require). */
function loadAwsValidator(): { engine: AwsEngine; content(text: string): unknown } | undefined {
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'node_modules', '@aws', 'cloudformation-validate');
  } catch {
    return undefined;
  }
  if (!fs.existsSync(dir)) return undefined;
  const m = require(dir);
  return { engine: new m.CompositeEngine(), content: (text: string) => new m.TemplateContent(text, 'template.yaml') };
}

/** Errors (FATAL/ERROR) and warnings AWS reports, as "ruleId message" keys. */
function awsFindings(aws: NonNullable<ReturnType<typeof loadAwsValidator>>, text: string): { errors: string[]; warnings: string[] } {
  const content = aws.content(text) as { free?(): void };
  const report = aws.engine.validateTemplate(content);
  const key = (d: AwsDiagnostic): string => `${d.ruleId} ${d.message}`;
  const errors = report.diagnostics.filter((d) => d.severity === 'FATAL' || d.severity === 'ERROR').map(key);
  const warnings = report.diagnostics.filter((d) => d.severity === 'WARN').map(key);
  report.free?.();
  content.free?.();
  return { errors, warnings };
}

// ---------------------------------------------------------------- valid templates

describe('validate: valid templates', function () {
  it('every committed templates/*.yaml validates with no error', function () {
    const files = committedTemplates();
    expect(files, 'templates/ holds the generated templates').to.not.be.empty;
    for (const file of files) {
      const findings = validateTemplateText(fs.readFileSync(file, 'utf8'), path.relative(ROOT, file));
      expect(findings.filter((f) => f.severity === 'error'), file).to.deep.equal([]);
    }
  });

  it("AWS's 9 published node-group templates: errors only where they list arm64 types with one x86_64 AMI; warnings for their old AMI versions", function () {
    requireShared(this, SHARED_TEMPLATES);
    const files = awsTemplateFiles();
    expect(files).to.have.length(9);
    const withArm64 = files.filter(({ text }) => {
      const p = (parseTemplate(text) as T).Parameters.NodeInstanceType;
      return (p.AllowedValues ?? []).some((x: string) => isInstanceType(x) && architectureOf(x) === 'arm64');
    });
    expect(withArm64.length, 'some of AWS\'s templates list arm64 types').to.be.greaterThan(0);
    for (const { name, text } of files) {
      const findings = validateTemplateText(text, name);
      const errors = findings.filter((f) => f.severity === 'error');
      // Those offer arm64 types in NodeInstanceType's AllowedValues with one AMI parameter, x86_64 by default: such a node cannot launch.
      expect(errors.map((f) => f.rule), name).to.deep.equal(withArm64.some((f) => f.name === name) ? ['ami-architecture'] : []);
      expect(findings.filter((f) => f.severity === 'warning').every((f) => f.rule === 'ami-version'), name).to.equal(true);
    }
    const f2020 = validateTemplateText(files.find((f) => f.name.includes('2020-10-21'))!.text, '2020-10-21');
    expect(f2020.find((f) => f.rule === 'ami-architecture')?.message).to.match(/offers \d+ arm64 instance types \(a1\.2xlarge.*gives them the x86_64 AMI \(rendered for a1\.2xlarge/);
  });

  describe('what EC2 or AWS refuses, planted in a committed template, is reported', () => {
    const base = (file = 'nodegroup.yaml'): T => parseTemplate(fs.readFileSync(path.join(ROOT, 'templates', file), 'utf8')) as T;
    const lt = (t: T): T => t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
    const ebs = (t: T, i = 0): T => lt(t).BlockDeviceMappings[i].Ebs;
    /** Sets a type's max pods in a by-size template. */
    const setMaxPods = (t: T, type: string, value: unknown): void => {
      const [family, size] = type.split('.');
      expect(t.Mappings.MaxPodsBySize[size][family.replace(/-/g, '')], type).to.be.a('number');
      t.Mappings.MaxPodsBySize[size][family.replace(/-/g, '')] = value;
    };
    const version = (t: T, v: string): void => void (t.Parameters.NodeImageIdSSMParam.Default = String(t.Parameters.NodeImageIdSSMParam.Default).replace(/(optimized-ami\/|aws-k8s-)1\.\d+\//, `$1${v}/`));
    const st1 = EBS_LIMITS.st1.size;
    const gp3 = EBS_LIMITS.gp3;
    const ips = maxPods('m5.large');
    // Bottlerocket at the value the IPs give with prefix delegation, uncapped: no memory left on t3.small.
    const noMemory = maxPods('t3.small', { prefixDelegation: true, cap: false });
    /** title (those of spec/refused.ts for what gen refuses) → [template, plant, rule, severity, message]. */
    const PLANTED: Record<string, [string, (t: T) => void, string, 'error' | 'warning', RegExp]> = {
      'a malformed KMS key': ['nodegroup.yaml', (t) => void (ebs(t).KmsKeyId = 'not-a-key'), 'kms-key', 'error', /"not-a-key".*key ID.*F3017/],
      'an upper-case key ID': ['nodegroup.yaml', (t) => void (ebs(t).KmsKeyId = '1234ABCD-12AB-34CD-56EF-1234567890AB'), 'kms-key', 'error', /1234ABCD/],
      'an HDD (st1) root volume': ['nodegroup.yaml', (t) => Object.assign(ebs(t), { VolumeType: 'st1', VolumeSize: st1[0] }), 'ebs-boot-volume', 'error', /st1 on \/dev\/xvda, the root device .*cannot be boot volumes/],
      "a volume below the type's minimum size": ['nodegroup-bottlerocket.yaml', (t) => Object.assign(ebs(t, 1), { VolumeType: 'st1', VolumeSize: st1[0] - 1 }), 'ebs-limits', 'error', new RegExp(`st1 volumes are ${st1[0]} to ${st1[1]} GiB, not ${st1[0] - 1}`)],
      'a volume type whose minimum the default size is below': ['nodegroup-bottlerocket.yaml', (t) => void (ebs(t, 1).VolumeType = 'sc1'), 'ebs-limits', 'error', new RegExp(`sc1 volumes are ${st1[0]} to ${st1[1]} GiB, not 20 \\(the default of NodeVolumeSize\\)`)],
      'a volume over the maximum size': ['nodegroup.yaml', (t) => void (t.Parameters.NodeVolumeSize.Default = gp3.size[1] + 1), 'ebs-limits', 'error', new RegExp(`gp3 volumes are 1 to ${gp3.size[1]} GiB, not ${gp3.size[1] + 1} \\(the default of NodeVolumeSize\\)`)],
      "IOPS over the type's maximum": ['nodegroup.yaml', (t) => void (ebs(t).Iops = gp3.iops!.range[1] + 1), 'ebs-limits', 'error', new RegExp(`gp3 IOPS are ${gp3.iops!.range[0]} to ${gp3.iops!.range[1]}, not`)],
      'IOPS over what the size allows (per GiB)': ['nodegroup.yaml', (t) => void (ebs(t).Iops = 20000), 'ebs-limits', 'error', /20000 IOPS need at least 40 GiB on gp3/],
      'io1 IOPS over what the size allows': ['nodegroup.yaml', (t) => Object.assign(ebs(t), { VolumeType: 'io1', Iops: 3000 }), 'ebs-limits', 'error', /3000 IOPS need at least 60 GiB on io1/],
      'IOPS on gp2': ['nodegroup.yaml', (t) => Object.assign(ebs(t), { VolumeType: 'gp2', Iops: 3000 }), 'ebs-limits', 'error', /gp2 volumes take no provisioned IOPS/],
      'throughput over the maximum': ['nodegroup.yaml', (t) => Object.assign(ebs(t), { VolumeSize: 1000, Iops: 16000, Throughput: gp3.throughput!.range[1] + 1 }), 'ebs-limits', 'error', new RegExp(`throughput is 125 to ${gp3.throughput!.range[1]} MiB/s with 16000 IOPS`)],
      'throughput over what the IOPS allow': ['nodegroup.yaml', (t) => void (ebs(t).Throughput = 1000), 'ebs-limits', 'error', /throughput is 125 to 750 MiB\/s with 3000 IOPS/],
      'a Kubernetes version with no AMI': ['nodegroup.yaml', (t) => version(t, '1.99'), 'ami-version', 'error', /not 1\.99: the SSM parameter does not exist/],
      'a Kubernetes version that is not 1.N': ['nodegroup-bottlerocket.yaml', (t) => version(t, '2.0'), 'ami-version', 'error', /bottlerocket AMIs for Kubernetes 1\.\d+ to 1\.\d+ .*not 2\.0/],
      "an AL2 version past AL2's last AMIs": ['nodegroup-al2.yaml', (t) => version(t, `1.${KUBERNETES_VERSIONS.al2[1] + 1}`), 'ami-version', 'error', new RegExp(`al2 AMIs for Kubernetes .* not 1\\.${KUBERNETES_VERSIONS.al2[1] + 1}`)],
      'a Kubernetes version AWS no longer publishes AMIs for': ['nodegroup.yaml', (t) => version(t, `1.${KUBERNETES_VERSIONS.al2023[0] - 1}`), 'ami-version', 'warning', /no longer publishes al2023 AMIs/],
      'reserved ENIs that leave none for pods': ['nodegroup.yaml', (t) => setMaxPods(t, 'm5.large', 2), 'max-pods-eni', 'error', /max pods ≤ 2 on 1 type leaves no ENI for pods, so only host-network pods could run .*m5\.large \(2\)/],
      'custom networking with one ENI': ['nodegroup-bottlerocket.yaml', (t) => setMaxPods(t, 'c7g.large', 2), 'max-pods-eni', 'error', /leaves no ENI for pods.*c7g\.large \(2\)/],
      'a max-pods override above 250 without the opt-out': ['nodegroup.yaml', (t) => setMaxPods(t, 'm5.large', 251), 'max-pods-ceiling', 'error', /above 250 and not what the IPs give: m5\.large \(251\) \(allowed: at most 250.*--no-cap/],
      'max pods above what the IPs give': ['nodegroup.yaml', (t) => setMaxPods(t, 'm5.large', ips + 11), 'max-pods-ips', 'warning', new RegExp(`more than the IPs of 1 type allow: pods beyond that stay ContainerCreating .*m5\\.large \\(${ips + 11}; its IPs give ${ips}\\)`)],
      'a node with no memory left for pods': ['nodegroup-bottlerocket.yaml', (t) => setMaxPods(t, 't3.small', noMemory), 'node-memory', 'error', /on 1 type a node would have no memory left for pods: kube-reserved \(11 × max pods \+ 255 MiB on bottlerocket\).*t3\.small/],
      'arm64 types on the x86_64 AMI (ImageId names one AMI parameter)': ['nodegroup.yaml', (t) => void (lt(t).ImageId = { 'Fn::If': ['HasNodeImageId', { Ref: 'NodeImageId' }, { Ref: 'NodeImageIdSSMParam' }] }), 'ami-architecture', 'error', /offers \d+ arm64 instance types .*gives them the x86_64 AMI/],
      'a max-pods value that is not a whole number': ['nodegroup.yaml', (t) => setMaxPods(t, 'm5.large', 29.5), 'max-pods-value', 'error', /max pods 29\.5 is not a whole number/],
      'an architecture mapping that does not resolve for an offered type': ['nodegroup.yaml', (t) => {
        const arm64 = t.Mappings.AmiArchitecture.arm64;
        for (const family of Object.keys(arm64)) arm64[family] = 'yes';
      }, 'offered-type', 'error', /a stack with NodeInstanceType \S+, a type the template offers, fails: Fn::Select index yes is out of range/],
      'arm64 types and no arm64 AMI parameter': ['nodegroup-al2.yaml', (t) => {
        delete t.Parameters.NodeImageIdSSMParamArm64;
        lt(t).ImageId = { 'Fn::If': ['HasNodeImageId', { Ref: 'NodeImageId' }, { Ref: 'NodeImageIdSSMParam' }] };
      }, 'ami-architecture', 'error', /arm64 instance types .*x86_64 AMI/],
    };
    const RULES = /^(kms-key|ebs-|ami-|max-pods-|node-memory|offered-type)/;

    it('every input gen refuses (spec/refused.ts) is planted here too', () => {
      expect(REFUSED.map(([title]) => title).filter((title) => !hasOwn(PLANTED, title))).to.deep.equal([]);
    });
    it('the committed templates themselves have none of these findings', () => {
      for (const file of ['nodegroup.yaml', 'nodegroup-bottlerocket.yaml', 'nodegroup-al2.yaml']) {
        expect(validateTemplate(base(file)).filter((f) => RULES.test(f.rule)), file).to.deep.equal([]);
      }
    });
    for (const [title, [file, plant, rule, severity, message]] of Object.entries(PLANTED)) {
      it(`${title} (${file})`, () => {
        const t = base(file);
        plant(t);
        const found = validateTemplate(t).filter((f) => f.rule === rule);
        expect(found, `${rule} findings`).to.have.length(1);
        expect(found[0].severity).to.equal(severity);
        expect(found[0].message).to.match(message);
      });
    }
  });

  it('validateTemplate takes the long-form object too and measures its YAML size itself', function () {
    const t = parseTemplate(fs.readFileSync(OUR_TEMPLATE, 'utf8'));
    expect(validateTemplate(t).filter((f) => f.severity === 'error')).to.deep.equal([]);
    // Over the inline limit once serialised → the size warning appears without giving text.
    t.Metadata = { ...(t.Metadata as object), Padding: 'x'.repeat(QUOTAS.inlineBodyBytes) };
    const size = validateTemplate(t).filter((f) => f.rule === 'template-size-inline');
    expect(size).to.have.length(1);
    expect(size[0].message).to.include(String(Buffer.byteLength(toYaml(t))));
  });

  it('refuses a non-object with a typed error naming what it got', function () {
    expect(() => validateTemplate([1, 2])).to.throw(EksNodegroupError, /expected a template object .*got a list/);
  });
});

// ---------------------------------------------------------------- mutations

type AwsVerdict = 'error' | 'warning' | 'none';

interface Mutation {
  name: string;
  mutate(t: T): void;
  /** Pointer and rule of the one finding we report. */
  pointer: string;
  rule: string;
  severity?: 'error' | 'warning';
  /** What AWS's validator 1.14.0 reports for this mistake (recorded): a new error, only a warning, or nothing. */
  aws: AwsVerdict;
}

const LTD = '/Resources/NodeLaunchTemplate/Properties/LaunchTemplateData';
const ltd = (t: T): T => t.Resources.NodeLaunchTemplate.Properties.LaunchTemplateData;
const firstSize = (t: T): string => Object.keys(t.Mappings.MaxPodsBySize)[0];

const MUTATIONS: Mutation[] = [
  {
    name: 'misspelt property',
    mutate: (t) => {
      ltd(t).InstanceTyp = ltd(t).InstanceType;
      delete ltd(t).InstanceType;
    },
    pointer: `${LTD}/InstanceTyp`,
    rule: 'unknown-property',
    aws: 'error',
  },
  {
    name: 'misspelt required property (one finding, not also "missing MinSize")',
    mutate: (t) => {
      const p = t.Resources.NodeGroup.Properties;
      p.MinSiz = p.MinSize;
      delete p.MinSize;
    },
    pointer: '/Resources/NodeGroup/Properties/MinSiz',
    rule: 'misspelt-property',
    aws: 'error',
  },
  { name: 'list where a value is expected', mutate: (t) => void (t.Resources.NodeGroup.Properties.MaxSize = ['4']), pointer: '/Resources/NodeGroup/Properties/MaxSize', rule: 'type', aws: 'error' },
  { name: 'text where a whole number is expected', mutate: (t) => void (ltd(t).MetadataOptions.HttpPutResponseHopLimit = 'two'), pointer: `${LTD}/MetadataOptions/HttpPutResponseHopLimit`, rule: 'type', aws: 'error' },
  { name: 'not a boolean', mutate: (t) => void (ltd(t).BlockDeviceMappings[0].Ebs.DeleteOnTermination = 'yes'), pointer: `${LTD}/BlockDeviceMappings/0/Ebs/DeleteOnTermination`, rule: 'allowed-values', aws: 'warning' },
  { name: 'missing required property', mutate: (t) => void delete t.Resources.NodeSecurityGroup.Properties.GroupDescription, pointer: '/Resources/NodeSecurityGroup/Properties', rule: 'missing-property', aws: 'error' },
  { name: 'unknown resource type', mutate: (t) => void (t.Resources.NodeSecurityGroup.Type = 'AWS::EC2::SecurityGrup'), pointer: '/Resources/NodeSecurityGroup/Type', rule: 'unknown-resource-type', aws: 'error' },
  { name: 'Ref to nothing', mutate: (t) => void (t.Resources.NodeSecurityGroup.Properties.VpcId = { Ref: 'VpcID' }), pointer: '/Resources/NodeSecurityGroup/Properties/VpcId/Ref', rule: 'ref-target', aws: 'error' },
  {
    name: 'undefined Fn::Sub variable',
    mutate: (t) => void (t.Resources.NodeGroup.Properties.Tags[0].Value = { 'Fn::Sub': '${ClusterName}-${NodeGroupNam}-Node' }),
    pointer: '/Resources/NodeGroup/Properties/Tags/0/Value/Fn::Sub',
    rule: 'sub-variable',
    aws: 'error',
  },
  { name: 'Fn::GetAtt of a missing resource', mutate: (t) => void (t.Outputs.NodeInstanceRole.Value = { 'Fn::GetAtt': ['NodeRole', 'Arn'] }), pointer: '/Outputs/NodeInstanceRole/Value/Fn::GetAtt', rule: 'getatt-target', aws: 'error' },
  { name: 'Fn::GetAtt of a missing attribute', mutate: (t) => void (t.Outputs.NodeInstanceRole.Value = { 'Fn::GetAtt': ['NodeInstanceRole', 'Ar'] }), pointer: '/Outputs/NodeInstanceRole/Value/Fn::GetAtt', rule: 'getatt-attribute', aws: 'error' },
  { name: 'DependsOn a missing resource', mutate: (t) => void (t.Resources.NodeSecurityGroupIngress.DependsOn = 'NodeSecurityGroupp'), pointer: '/Resources/NodeSecurityGroupIngress/DependsOn', rule: 'depends-on-target', aws: 'error' },
  {
    name: 'circular dependency (DependsOn against Ref)',
    mutate: (t) => void (t.Resources.NodeSecurityGroup.DependsOn = 'NodeSecurityGroupIngress'),
    pointer: '/Resources/NodeSecurityGroupIngress/DependsOn',
    rule: 'circular-dependency',
    aws: 'error',
  },
  { name: 'resource Condition not defined', mutate: (t) => void (t.Resources.NodeAccessEntry.Condition = 'CreateAccessEntri'), pointer: '/Resources/NodeAccessEntry/Condition', rule: 'condition-target', aws: 'error' },
  { name: 'Fn::If condition not defined', mutate: (t) => void (ltd(t).KeyName['Fn::If'][0] = 'HasKeyNam'), pointer: `${LTD}/KeyName/Fn::If/0`, rule: 'condition-target', aws: 'error' },
  {
    name: '201 top-level mapping keys',
    mutate: (t) => {
      const m = t.Mappings.PartitionMap;
      for (let i = Object.keys(m).length; i <= QUOTAS.mappingKeys; i++) m[`extra${i}`] = { EC2ServicePrincipal: 'ec2.amazonaws.com' };
    },
    pointer: '/Mappings/PartitionMap',
    rule: 'quota',
    aws: 'error',
  },
  { name: 'hyphen in a second-level mapping key', mutate: (t) => void (t.Mappings.MaxPodsBySize[firstSize(t)]['c7i-flex'] = 1), pointer: '', rule: 'mapping-key', aws: 'error' },
  { name: 'underscore in a top-level mapping key', mutate: (t) => void (t.Mappings.PartitionMap.aws_x = { EC2ServicePrincipal: 'x' }), pointer: '/Mappings/PartitionMap/aws_x', rule: 'mapping-key', aws: 'error' },
  {
    name: 'Fn::FindInMap second key that no entry has',
    mutate: (t) => void (t.Resources.NodeInstanceRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service[0] = { 'Fn::FindInMap': ['PartitionMap', { Ref: 'AWS::Partition' }, 'EC2Principal'] }),
    pointer: '/Resources/NodeInstanceRole/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service/0/Fn::FindInMap/2',
    rule: 'findinmap-key',
    aws: 'none',
  },
  {
    name: 'Fn::FindInMap with literal keys that miss',
    mutate: (t) => void (t.Resources.NodeInstanceRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service[0] = { 'Fn::FindInMap': ['PartitionMap', 'aws-eu', 'EC2ServicePrincipal'] }),
    pointer: '/Resources/NodeInstanceRole/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service/0/Fn::FindInMap/1',
    rule: 'findinmap-key',
    aws: 'none',
  },
  {
    name: 'Fn::FindInMap of an undefined mapping',
    mutate: (t) => void (t.Resources.NodeInstanceRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service[0] = { 'Fn::FindInMap': ['PartitionMapp', { Ref: 'AWS::Partition' }, 'EC2ServicePrincipal'] }),
    pointer: '/Resources/NodeInstanceRole/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service/0/Fn::FindInMap/0',
    rule: 'findinmap-target',
    aws: 'error',
  },
  { name: 'parameter default not in AllowedValues', mutate: (t) => void (t.Parameters.AuthenticationMode.Default = 'EKS'), pointer: '/Parameters/AuthenticationMode/Default', rule: 'parameter-default', aws: 'error' },
  { name: 'Number parameter default not a number', mutate: (t) => void (t.Parameters.NodeVolumeSize.Default = 'twenty'), pointer: '/Parameters/NodeVolumeSize/Default', rule: 'parameter-default', aws: 'error' },
  { name: 'parameter default above MaxValue', mutate: (t) => void (t.Parameters.NodeAutoScalingGroupMaxSize.MaxValue = 2), pointer: '/Parameters/NodeAutoScalingGroupMaxSize/Default', rule: 'parameter-default', aws: 'error' },
  { name: 'parameter default not matching AllowedPattern (whole value)', mutate: (t) => void (t.Parameters.NodeInstanceType.AllowedPattern = '[a-z0-9]+\\.[a-z]'), pointer: '/Parameters/NodeInstanceType/Default', rule: 'parameter-default', aws: 'error' },
  { name: 'unknown parameter type', mutate: (t) => void (t.Parameters.NodeAutoScalingGroupMinSize.Type = 'Integer'), pointer: '/Parameters/NodeAutoScalingGroupMinSize/Type', rule: 'allowed-values', aws: 'error' },
  {
    name: 'body over 1 MB (too big even from S3)',
    mutate: (t) => void (t.Metadata.Padding = 'x'.repeat(QUOTAS.s3BodyBytes)),
    pointer: '',
    rule: 'template-size',
    aws: 'none',
  },
  {
    name: 'body over the 51,200-byte inline limit (warning: deploy from S3)',
    mutate: (t) => void (t.Metadata.Padding = 'x'.repeat(QUOTAS.inlineBodyBytes)),
    pointer: '',
    rule: 'template-size-inline',
    severity: 'warning',
    aws: 'none',
  },
  { name: 'unknown top-level section', mutate: (t) => void (t.Output = t.Outputs), pointer: '/Output', rule: 'unknown-property', aws: 'error' },
  { name: 'unknown DeletionPolicy', mutate: (t) => void (t.Resources.NodeGroup.DeletionPolicy = 'Keep'), pointer: '/Resources/NodeGroup/DeletionPolicy', rule: 'allowed-values', aws: 'error' },
  { name: 'misspelt UpdatePolicy key', mutate: (t) => void (t.Resources.NodeGroup.UpdatePolicy.AutoScalingRollingUpdate.PauseTim = 'PT5M'), pointer: '/Resources/NodeGroup/UpdatePolicy/AutoScalingRollingUpdate/PauseTim', rule: 'unknown-property', aws: 'none' },
  { name: 'list function where a value is expected', mutate: (t) => void (t.Resources.NodeSecurityGroup.Properties.VpcId = { 'Fn::Split': [',', 'a,b'] }), pointer: '/Resources/NodeSecurityGroup/Properties/VpcId/Fn::Split', rule: 'function-not-allowed', aws: 'none' },
  { name: 'unknown function', mutate: (t) => void (t.Resources.NodeGroup.Properties.Tags[0].Value = { 'Fn::Subb': 'x' }), pointer: '/Resources/NodeGroup/Properties/Tags/0/Value/Fn::Subb', rule: 'unknown-function', aws: 'error' },
  { name: 'Fn::If branch of the wrong type', mutate: (t) => void (ltd(t).KeyName['Fn::If'][1] = ['key']), pointer: `${LTD}/KeyName/Fn::If/1`, rule: 'type', aws: 'error' },
  {
    name: 'value outside the spec enum',
    mutate: (t) => void (t.Resources.NodeAccessEntry.Properties.AccessPolicies = [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', AccessScope: { Type: 'Cluster' } }]),
    pointer: '/Resources/NodeAccessEntry/Properties/AccessPolicies/0/AccessScope/Type',
    rule: 'allowed-values',
    aws: 'warning',
  },
  { name: 'logical ID with a hyphen', mutate: (t) => void (t.Resources['Extra-SG'] = structuredClone(t.Resources.NodeSecurityGroup)), pointer: '/Resources/Extra-SG', rule: 'logical-id', aws: 'error' },
  {
    name: 'condition that refers to a resource',
    mutate: (t) => void (t.Conditions.HasKeyName = { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NodeGroup' }, ''] }] }),
    pointer: '/Conditions/HasKeyName/Fn::Not/0/Fn::Equals/0/Ref',
    rule: 'ref-target',
    aws: 'none',
  },
  { name: 'output without Value', mutate: (t) => void delete t.Outputs.NodeInstanceRole.Value, pointer: '/Outputs/NodeInstanceRole', rule: 'missing-property', aws: 'none' },
  { name: 'wrong AWSTemplateFormatVersion', mutate: (t) => void (t.AWSTemplateFormatVersion = '2010-09-10'), pointer: '/AWSTemplateFormatVersion', rule: 'allowed-values', aws: 'error' },
];

// Filled in for the hyphen case (the size key depends on the data).
for (const m of MUTATIONS) {
  if (m.rule === 'mapping-key' && m.pointer === '') {
    const t = parseTemplate(fs.readFileSync(OUR_TEMPLATE, 'utf8')) as T;
    m.pointer = `/Mappings/MaxPodsBySize/${firstSize(t)}/c7i-flex`;
  }
}

describe('validate: single mistakes in templates/nodegroup.yaml', function () {
  let baseText: string;
  let aws: ReturnType<typeof loadAwsValidator>;
  let awsBase: { errors: string[]; warnings: string[] } | undefined;

  before(function () {
    baseText = fs.readFileSync(OUR_TEMPLATE, 'utf8');
    aws = loadAwsValidator();
    if (aws) awsBase = awsFindings(aws, baseText);
  });
  after(function () {
    aws?.engine.free();
  });

  it(`has at least 25 mutations, each a different mistake`, function () {
    expect(MUTATIONS.length).to.be.at.least(25);
    expect(new Set(MUTATIONS.map((m) => m.name)).size).to.equal(MUTATIONS.length);
  });

  it('the unmutated template has no finding (so every finding below comes from its mutation)', function () {
    expect(validateTemplateText(baseText, 'nodegroup.yaml')).to.deep.equal([]);
  });

  for (const m of MUTATIONS) {
    it(`${m.name}: one ${m.severity ?? 'error'} [${m.rule}] at ${m.pointer || '/'}; AWS's validator: ${m.aws === 'none' ? 'nothing' : m.aws}`, function () {
      const t = parseTemplate(baseText) as T;
      m.mutate(t);
      const text = toYaml(t);
      const findings: Finding[] = validateTemplateText(text, 'mutated.yaml');
      expect(findings.map((f) => `${f.severity} [${f.rule}] ${f.pointer}: ${f.message}`), 'exactly one finding').to.have.length(1);
      const [f] = findings;
      expect(f.pointer).to.equal(m.pointer);
      expect(f.rule).to.equal(m.rule);
      expect(f.severity).to.equal(m.severity ?? 'error');
      expect(f.file).to.equal('mutated.yaml');
      expect(f.line, 'line of the value in the YAML').to.be.a('number').and.to.be.greaterThan(0);
      expect(f.message.length).to.be.greaterThan(10);
      if (!aws || !awsBase) {
        console.log('      (AWS comparison skipped: aws-cdk-lib with @aws/cloudformation-validate is not installed)');
        return;
      }
      const r = awsFindings(aws, text);
      // Side effects of a mutation, not the mistake itself: unused parameter/mapping, redundant DependsOn.
      const noise = /^W(2001|7001|3005) /;
      const added = (keys: string[], base: string[]): string[] => keys.filter((k) => !base.includes(k) && !noise.test(k));
      const errors = added(r.errors, awsBase.errors);
      const warnings = added(r.warnings, awsBase.warnings);
      const verdict: AwsVerdict = errors.length ? 'error' : warnings.length ? 'warning' : 'none';
      expect(verdict, `AWS added: ${JSON.stringify([...errors, ...warnings])}`).to.equal(m.aws);
    });
  }

  it('the bundled validator (built from the schema split in two documents) finds what schema.json compiled as one finds, and gives the same findings', function () {
    this.timeout(60_000);
    const bundled = bundledValidator as unknown as ((d: unknown) => boolean) & { errors?: unknown[] | null };
    const { code: _code, ...opts } = AJV_OPTIONS;
    const whole = new Ajv(opts).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'lib', 'validate', 'generated', 'schema.json'), 'utf8')));
    type E = { instancePath: string; keyword: string; params: unknown; message?: string; data?: unknown };
    const errors = (v: { errors?: unknown[] | null }): string[] =>
      ((v.errors ?? []) as E[]).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)} ${JSON.stringify(e.data)}`).sort();
    // What users see: the findings made from ajv's errors (they also read parentSchema).
    const findings = (v: { errors?: unknown[] | null }, t: unknown): string[] =>
      findingsFromAjv((v.errors ?? []) as Parameters<typeof findingsFromAjv>[0], t as Record<string, unknown>).map((f) => `${f.severity} ${f.rule} ${f.pointer} ${f.message}`);
    const cases: Array<[string, unknown]> = committedTemplates().map((f) => [path.basename(f), parseTemplate(fs.readFileSync(f, 'utf8'))]);
    for (const m of MUTATIONS) {
      const t = parseTemplate(baseText) as T;
      m.mutate(t);
      cases.push([m.name, t]);
    }
    let invalid = 0;
    for (const [name, t] of cases) {
      const ok = bundled(t);
      expect(ok, name).to.equal(whole(t));
      expect(errors(bundled), name).to.deep.equal(errors(whole));
      expect(findings(bundled, t), name).to.deep.equal(findings(whole, t));
      if (!ok) invalid++;
    }
    expect(invalid, 'mutations the schema itself rejects').to.be.at.least(5);
  });
});

describe('validate: Fn::GetAtt attributes of every resource type', () => {
  it('knows the node-group types and their attributes, and no name that is not a type', () => {
    expect(RESOURCE_ATTRIBUTES.types().length).to.be.greaterThan(1000);
    expect(RESOURCE_ATTRIBUTES.of('AWS::EC2::LaunchTemplate')).to.include('LatestVersionNumber');
    expect(RESOURCE_ATTRIBUTES.of('AWS::IAM::Role')).to.include('Arn');
    for (const t of ['', ' ', 'AWS::EC2::Rout', 'EC2::RouteTable', 'AWS::EC2::NoSuchType', 'constructor', '__proto__', 'toString']) {
      expect(RESOURCE_ATTRIBUTES.of(t), JSON.stringify(t)).to.equal(undefined);
    }
  });
});
