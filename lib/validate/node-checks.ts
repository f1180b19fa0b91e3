/**
 * Checks of what a node gets, in any template: EBS volume settings EC2 refuses, KMS keys AWS's
 * validator calls fatal (F3017), AMI SSM parameters for a Kubernetes version AWS publishes no AMI
 * for, and offered instance types of an architecture the template has no AMI for. The same rules
 * gen applies to its options (lib/core/aws.ts, lib/nodegroup).
 */
import { hasOwn, isRecord, toPointer } from '../core';
import { EBS_LIMITS, ebsProblems, KMS_KEY_FORMS, KMS_KEY_PATTERN, type EbsVolumeType } from '../core/aws';
import { architectureOf, isInstanceType } from '../instance-types';
import { maxPodsTableFromTemplate } from '../nodegroup/layout';
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
    const offered = new Set<string>(maxPodsTableFromTemplate(t)?.keys() ?? []);
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
  return out;
}
