/**
 * Checks of what a node gets, in any template: EBS volume settings EC2 refuses, KMS keys AWS's
 * validator calls fatal (F3017), AMI SSM parameters for a Kubernetes version AWS publishes no AMI
 * for, offered instance types of an architecture the template has no AMI for, and mixed-instances
 * groups EC2 Auto Scaling refuses. The same rules gen applies to its options (lib/core/aws.ts,
 * lib/nodegroup).
 */
import { hasOwn, isRecord, toPointer } from '../core';
import { EBS_LIMITS, ebsProblems, KMS_KEY_FORMS, KMS_KEY_PATTERN, type EbsVolumeType } from '../core/aws';
import { architectureOf, isInstanceType } from '../instance-types';
import { templateMaxPods } from '../nodegroup/layout';
import { MAX_MIXED_LAUNCH_TEMPLATES, MAX_MIXED_TYPES, mixedOverrides, SPOT_ALLOCATION_STRATEGIES } from '../nodegroup/mixed';
import { KUBERNETES_VERSIONS, type AmiFamily } from '../nodegroup/options';
import type { Finding } from './findings';

type Obj = Record<string, unknown>;

/** Where a resource type keeps its EBS settings: the block device mappings, or the volume itself. */
function ebsBlocks(type: string, props: Obj): { path: string[]; ebs: Obj }[] {
  if (type === 'AWS::EC2::Volume') return [{ path: [], ebs: { VolumeType: props.VolumeType, VolumeSize: props.Size, Iops: props.Iops, Throughput: props.Throughput, KmsKeyId: props.KmsKeyId } }];
  const data = type === 'AWS::EC2::LaunchTemplate' ? props.LaunchTemplateData : type === 'AWS::AutoScaling::LaunchConfiguration' || type === 'AWS::EC2::Instance' ? props : undefined;
  const base = type === 'AWS::EC2::LaunchTemplate' ? ['LaunchTemplateData'] : [];
  const mappings = isRecord(data) ? data.BlockDeviceMappings : undefined;
  if (!Array.isArray(mappings)) return [];
  return mappings.flatMap((m, i) => (isRecord(m) && isRecord(m.Ebs) ? [{ path: [...base, 'BlockDeviceMappings', String(i), 'Ebs'], ebs: m.Ebs }] : []));
}

/** A scalar as written, or the Default of the parameter a Ref names (what a deploy without overrides gets). */
function valueOf(v: unknown, parameters: Obj): { value: unknown; via?: string } {
  if (isRecord(v) && Object.keys(v).length === 1 && typeof v.Ref === 'string' && hasOwn(parameters, v.Ref)) {
    const p = parameters[v.Ref];
    return isRecord(p) ? { value: p.Default, via: v.Ref } : { value: undefined };
  }
  return { value: v };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** Family, Kubernetes minor and architecture of an AWS-published AMI SSM parameter path. */
export function amiPath(path: string): { family: AmiFamily; minor: number; architecture: 'x86_64' | 'arm64' } | undefined {
  let m = /^\/aws\/service\/eks\/optimized-ami\/1\.(\d+)\/amazon-linux-2023\/(x86_64|arm64)\//.exec(path);
  if (m) return { family: 'al2023', minor: Number(m[1]), architecture: m[2] as 'x86_64' | 'arm64' };
  m = /^\/aws\/service\/eks\/optimized-ami\/1\.(\d+)\/amazon-linux-2(-arm64|-gpu)?\//.exec(path);
  if (m) return { family: 'al2', minor: Number(m[1]), architecture: m[2] === '-arm64' ? 'arm64' : 'x86_64' };
  m = /^\/aws\/service\/bottlerocket\/aws-k8s-1\.(\d+)(?:-[a-z]+)*\/(x86_64|arm64)\//.exec(path);
  if (m) return { family: 'bottlerocket', minor: Number(m[1]), architecture: m[2] as 'x86_64' | 'arm64' };
  return undefined;
}

/** The node checks on a template (partly invalid ones too: each check skips what it cannot read). */
export function nodeChecks(t: Obj): Finding[] {
  const out: Finding[] = [];
  const parameters = isRecord(t.Parameters) ? t.Parameters : {};
  const resources = isRecord(t.Resources) ? t.Resources : {};
  const add = (severity: Finding['severity'], rule: string, path: (string | number)[], message: string): void => {
    out.push({ severity, rule, pointer: toPointer(path), message });
  };

  for (const [name, r] of Object.entries(resources)) {
    if (!isRecord(r) || typeof r.Type !== 'string' || !isRecord(r.Properties)) continue;
    for (const { path, ebs } of ebsBlocks(r.Type, r.Properties)) {
      const at = (k: string): string[] => ['Resources', name, 'Properties', ...path, r.Type === 'AWS::EC2::Volume' && k === 'VolumeSize' ? 'Size' : k];
      const kms = valueOf(ebs.KmsKeyId, parameters);
      if (typeof kms.value === 'string' && !KMS_KEY_PATTERN.test(kms.value)) {
        add('error', 'kms-key', at('KmsKeyId'), `KmsKeyId ${JSON.stringify(kms.value)}${kms.via ? ` (the default of ${kms.via})` : ''} is not ${KMS_KEY_FORMS} (AWS's validator: F3017, fatal)`);
      }
      const type = valueOf(ebs.VolumeType, parameters).value;
      if (typeof type !== 'string' || !hasOwn(EBS_LIMITS, type)) continue;
      const size = valueOf(ebs.VolumeSize, parameters);
      const iops = valueOf(ebs.Iops, parameters);
      const throughput = valueOf(ebs.Throughput, parameters);
      for (const p of ebsProblems({ type: type as EbsVolumeType, size: num(size.value), iops: num(iops.value), throughput: num(throughput.value) })) {
        const field = { size: 'VolumeSize', iops: 'Iops', throughput: 'Throughput' }[p.field];
        const via = { size, iops, throughput }[p.field].via;
        add('error', 'ebs-limits', at(field), `${p.message}${via ? ` (the default of ${via})` : ''}: EC2 refuses the volume (Amazon EBS limits)`);
      }
    }
  }

  // AMI parameters: the Kubernetes version and the architecture their AWS path names.
  const amis: { name: string; architecture: 'x86_64' | 'arm64' }[] = [];
  for (const [name, p] of Object.entries(parameters)) {
    if (!isRecord(p) || p.Type !== 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' || typeof p.Default !== 'string') continue;
    const ami = amiPath(p.Default);
    if (!ami) continue;
    amis.push({ name, architecture: ami.architecture });
    const [oldest, newest] = KUBERNETES_VERSIONS[ami.family];
    if (ami.minor < oldest) {
      add('warning', 'ami-version', ['Parameters', name, 'Default'], `AWS no longer publishes ${ami.family} AMIs for Kubernetes 1.${ami.minor} (now 1.${oldest} to 1.${newest}): if the SSM parameter still exists, its AMI gets no fixes`);
    } else if (ami.minor > newest) {
      add('warning', 'ami-version', ['Parameters', name, 'Default'], `AWS publishes ${ami.family} AMIs for Kubernetes 1.${oldest} to 1.${newest} as far as this tool knows, not 1.${ami.minor}: if the SSM parameter does not exist, the stack fails to create`);
    }
  }
  // Offered types of an architecture no AMI parameter has: EC2 refuses to launch them.
  if (amis.length) {
    const offered = new Set<string>(templateMaxPods(t)?.keys() ?? []);
    const it = parameters.NodeInstanceType;
    if (isRecord(it) && Array.isArray(it.AllowedValues)) for (const v of it.AllowedValues) if (typeof v === 'string') offered.add(v);
    const have = new Set(amis.map((a) => a.architecture));
    for (const arch of ['x86_64', 'arm64'] as const) {
      if (have.has(arch)) continue;
      const lacking = [...offered].filter((x) => isInstanceType(x) && architectureOf(x) === arch).sort();
      if (lacking.length) {
        add(
          'warning',
          'ami-architecture',
          ['Parameters', amis[0].name],
          `the template offers ${lacking.length} ${arch} instance type${lacking.length === 1 ? '' : 's'} (${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? ', …' : ''}) but its AMI parameters are ${[...have].join(' and ')} only: EC2 refuses to launch an AMI of another architecture`,
        );
      }
    }
  }
  out.push(...mixedChecks(resources, parameters));
  return out;
}

/**
 * A mixed-instances group as EC2 Auto Scaling takes it: not beside a LaunchTemplate, at most 40
 * types and 20 launch templates, WeightedCapacity on every override or none, the distribution's
 * values in range; and each override's image of its type's architecture (from the AMI parameter's
 * default SSM path, where the launch template names one).
 */
function mixedChecks(resources: Obj, parameters: Obj): Finding[] {
  const out: Finding[] = [];
  const overrides = mixedOverrides({ Resources: resources });
  for (const [group, r] of Object.entries(resources)) {
    const props = isRecord(r) && r.Type === 'AWS::AutoScaling::AutoScalingGroup' && isRecord(r.Properties) ? r.Properties : undefined;
    const policy = props && isRecord(props.MixedInstancesPolicy) ? props.MixedInstancesPolicy : undefined;
    if (!props || !policy) continue;
    const at = (...path: (string | number)[]): string => toPointer(['Resources', group, 'Properties', 'MixedInstancesPolicy', ...path]);
    const add = (severity: Finding['severity'], pointer: string, message: string): void => void out.push({ severity, rule: 'mixed-instances', pointer, message });
    if (props.LaunchTemplate !== undefined) add('error', toPointer(['Resources', group, 'Properties', 'LaunchTemplate']), 'an Auto Scaling group takes a LaunchTemplate or a MixedInstancesPolicy, not both');
    const mine = overrides.filter((o) => o.group === group);
    if (mine.length > MAX_MIXED_TYPES) add('error', at('LaunchTemplate', 'Overrides'), `${mine.length} instance types: EC2 Auto Scaling takes at most ${MAX_MIXED_TYPES} per group`);
    const templates = new Set(mine.map((o) => o.launchTemplate).filter((x) => x !== undefined));
    if (templates.size > MAX_MIXED_LAUNCH_TEMPLATES) add('error', at('LaunchTemplate', 'Overrides'), `${templates.size} launch templates: EC2 Auto Scaling takes at most ${MAX_MIXED_LAUNCH_TEMPLATES} per group`);
    const list = isRecord(policy.LaunchTemplate) && Array.isArray(policy.LaunchTemplate.Overrides) ? policy.LaunchTemplate.Overrides : [];
    const weighted = list.filter((o) => isRecord(o) && o.WeightedCapacity !== undefined).length;
    if (weighted > 0 && weighted < list.length) add('error', at('LaunchTemplate', 'Overrides'), `WeightedCapacity on ${weighted} of ${list.length} overrides: EC2 Auto Scaling takes it on every override or none`);
    const d = isRecord(policy.InstancesDistribution) ? policy.InstancesDistribution : {};
    for (const [key, max] of [['OnDemandPercentageAboveBaseCapacity', 100], ['OnDemandBaseCapacity', Infinity]] as const) {
      const v = valueOf(d[key], parameters).value;
      if (v === undefined || isRecord(v)) continue; // absent, or decided at deploy time
      const n = num(v);
      if (n === undefined || n > max) add('error', at('InstancesDistribution', key), `${key} ${JSON.stringify(v)} is not a whole number ${max === 100 ? 'from 0 to 100' : '≥ 0'}`);
    }
    const strategy = valueOf(d.SpotAllocationStrategy, parameters).value;
    if (typeof strategy === 'string' && !(SPOT_ALLOCATION_STRATEGIES as readonly string[]).includes(strategy)) {
      add('error', at('InstancesDistribution', 'SpotAllocationStrategy'), `SpotAllocationStrategy ${JSON.stringify(strategy)} is not one of ${SPOT_ALLOCATION_STRATEGIES.join(', ')}`);
    }
    mine.forEach((o, i) => {
      const lt = o.launchTemplate === undefined ? undefined : resources[o.launchTemplate];
      const data = isRecord(lt) && isRecord(lt.Properties) && isRecord(lt.Properties.LaunchTemplateData) ? lt.Properties.LaunchTemplateData : undefined;
      // The image with the parameters' defaults: through NodeImageId's Fn::If, its else branch (NodeImageId defaults to "").
      const written = data && isRecord(data.ImageId) && Array.isArray(data.ImageId['Fn::If']) ? data.ImageId['Fn::If'][2] : data?.ImageId;
      const image = valueOf(written, parameters).value;
      const ami = typeof image === 'string' ? amiPath(image) : undefined;
      const arch = isInstanceType(o.instanceType) ? architectureOf(o.instanceType) : undefined;
      if (ami && arch && ami.architecture !== arch) {
        out.push({ severity: 'warning', rule: 'ami-architecture', pointer: at('LaunchTemplate', 'Overrides', i), message: `${o.instanceType} (${arch}) launches with ${o.launchTemplate}, whose image is the ${ami.architecture} AMI of ${image}: EC2 refuses to launch it` });
      }
    });
  }
  return out;
}
