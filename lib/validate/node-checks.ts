/**
 * Checks of what a node gets, in any template: EBS volume settings EC2 refuses (an HDD boot volume
 * too), KMS keys AWS's validator calls fatal (F3017), AMI SSM parameters for a Kubernetes version
 * AWS publishes no AMI for, offered instance types whose rendered image is of another architecture,
 * max pods outside gen's limits (lib/max-pods/limits.ts) on the AMI family the user data is written
 * for, and mixed-instances groups EC2 Auto Scaling refuses. The same rules gen applies to its
 * options (lib/core/aws.ts, lib/nodegroup).
 */
import { fromPointer, hasOwn, isRecord, listOf, plural, toPointer } from '../core';
import { amiPath, EBS_HDD_TYPES, EBS_LIMITS, ebsProblems, KMS_KEY_FORMS, KMS_KEY_PATTERN, ROOT_DEVICE_NAMES, type EbsVolumeType } from '../core/aws';
import { ARCHITECTURES, imageArchitecture, imageIn, imagesOf, listedTypes, renderOnce, ssmPath, type Renderer } from '../render/images';
import { architectureOf, getInstanceType, isInstanceType } from '../instance-types';
import { checkMaxPodsOptions, maxPodsTable, nodeResourcesFromFacts, type MaxPodsOptions } from '../max-pods';
import { ceilingAllowed, MAX_PODS_CEILING, NO_ENI_TEXT, noMemoryText, overIpsText, reservedOf } from '../max-pods/limits';
import { splitInstanceType } from '../nodegroup/instance-selection';
import { asCount, BY_SIZE_MAPPING, familyKey, PER_TYPE_MAPPING, templateMaxPods } from '../nodegroup/layout';
import { launchTemplateRef, MAX_MIXED_LAUNCH_TEMPLATES, MAX_MIXED_TYPES, mixedOverrides, SPOT_ALLOCATION_STRATEGIES } from '../nodegroup/mixed';
import { KUBERNETES_VERSIONS, KUBERNETES_VERSION_SOURCES, type AmiFamily } from '../nodegroup/options';
import { maxPodsFromUserData, RenderError, userDataOf, type UserDataFormat } from '../render';
import type { Finding } from './findings';

type Obj = Record<string, unknown>;

/** Where a resource type keeps its EBS settings: the block device mappings (with their device names), or the volume itself. */
function ebsBlocks(type: string, props: Obj): { path: string[]; ebs: Obj; device?: string }[] {
  if (type === 'AWS::EC2::Volume') return [{ path: [], ebs: { VolumeType: props.VolumeType, VolumeSize: props.Size, Iops: props.Iops, Throughput: props.Throughput, KmsKeyId: props.KmsKeyId } }];
  const data = type === 'AWS::EC2::LaunchTemplate' ? props.LaunchTemplateData : type === 'AWS::AutoScaling::LaunchConfiguration' || type === 'AWS::EC2::Instance' ? props : undefined;
  const base = type === 'AWS::EC2::LaunchTemplate' ? ['LaunchTemplateData'] : [];
  const mappings = isRecord(data) ? data.BlockDeviceMappings : undefined;
  if (!Array.isArray(mappings)) return [];
  return mappings.flatMap((m, i) =>
    isRecord(m) && isRecord(m.Ebs) ? [{ path: [...base, 'BlockDeviceMappings', String(i), 'Ebs'], ebs: m.Ebs, ...(typeof m.DeviceName === 'string' ? { device: m.DeviceName } : {}) }] : [],
  );
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

type Add = (severity: Finding['severity'], rule: string, path: (string | number)[], message: string) => void;

/** The node checks on a template (partly invalid ones too: each check skips what it cannot read). */
export function nodeChecks(t: Obj): Finding[] {
  const out: Finding[] = [];
  const parameters = isRecord(t.Parameters) ? t.Parameters : {};
  const resources = isRecord(t.Resources) ? t.Resources : {};
  const add: Add = (severity, rule, path, message) => void out.push({ severity, rule, pointer: toPointer(path), message });

  for (const [name, r] of Object.entries(resources)) {
    if (!isRecord(r) || typeof r.Type !== 'string' || !isRecord(r.Properties)) continue;
    for (const { path, ebs, device } of ebsBlocks(r.Type, r.Properties)) {
      const at = (k: string): string[] => ['Resources', name, 'Properties', ...path, r.Type === 'AWS::EC2::Volume' && k === 'VolumeSize' ? 'Size' : k];
      const kms = valueOf(ebs.KmsKeyId, parameters);
      if (typeof kms.value === 'string' && !KMS_KEY_PATTERN.test(kms.value)) {
        add('error', 'kms-key', at('KmsKeyId'), `KmsKeyId ${JSON.stringify(kms.value)}${kms.via ? ` (the default of ${kms.via})` : ''} is not ${KMS_KEY_FORMS} (AWS's validator: F3017, fatal)`);
      }
      const typed = valueOf(ebs.VolumeType, parameters);
      const type = typed.value;
      if (typeof type !== 'string' || !hasOwn(EBS_LIMITS, type)) continue;
      if (device !== undefined && ROOT_DEVICE_NAMES.includes(device) && EBS_HDD_TYPES.includes(type as EbsVolumeType)) {
        add('error', 'ebs-boot-volume', at('VolumeType'), `${type}${typed.via ? ` (the default of ${typed.via})` : ''} on ${device}, the root device the AMI boots from: EBS HDD volumes (${EBS_HDD_TYPES.join(', ')}) cannot be boot volumes, so EC2 refuses to launch (use gp3; an HDD type suits a data volume)`);
      }
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

  // AMI parameters: the Kubernetes version their AWS path names.
  for (const [name, p] of Object.entries(parameters)) {
    if (!isRecord(p) || p.Type !== 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' || typeof p.Default !== 'string') continue;
    const ami = amiPath(p.Default);
    if (!ami) continue;
    const [oldest, newest] = KUBERNETES_VERSIONS[ami.family];
    const version = `${ami.major}.${ami.minor}`;
    if (ami.major === 1 && ami.minor < oldest) {
      add('warning', 'ami-version', ['Parameters', name, 'Default'], `AWS no longer publishes ${ami.family} AMIs for Kubernetes ${version} (now 1.${oldest} to 1.${newest}): if the SSM parameter still exists, its AMI gets no fixes`);
    } else if (ami.major !== 1 || ami.minor > newest) {
      // The path names no parameter AWS publishes: the stack fails to create (gen refuses the version).
      add('error', 'ami-version', ['Parameters', name, 'Default'], `AWS publishes ${ami.family} AMIs for Kubernetes 1.${oldest} to 1.${newest} (per ${KUBERNETES_VERSION_SOURCES[ami.family]}), not ${version}: the SSM parameter does not exist, so the stack fails to create`);
    }
  }
  // A template that does not render (the other checks say why) gets the max-pods checks without its AMI family.
  const table = templateMaxPods(t);
  const listed = listedTypes(t, table);
  const render = renderOnce(t);
  const rendered = renderedNodes(t, listed, render);
  if (rendered) architectureChecks(t, rendered, listed, render, add);
  if (table) maxPodsChecks(t, table, rendered?.family, add);
  notCounts(t, add);
  out.push(...mixedChecks(resources, parameters), ...launchTemplateTargets(resources));
  return out;
}

/** The template rendered once (parameters' defaults, placeholders where none), and the AMI family its user data is written for. */
interface RenderedNodes {
  resources: Record<string, Record<string, unknown>>;
  family: AmiFamily | undefined;
}

const FAMILY_OF_FORMAT: Partial<Record<UserDataFormat, AmiFamily>> = { nodeadm: 'al2023', bottlerocket: 'bottlerocket', 'bootstrap.sh': 'al2' };

/** Renders `t` with its defaults (NodeInstanceType, if it has no default, as a listed type); undefined when it does not render. */
function renderedNodes(t: Obj, listed: readonly string[], render: Renderer): RenderedNodes | undefined {
  const it = isRecord(t.Parameters) ? t.Parameters.NodeInstanceType : undefined;
  const first = listed[0];
  const params: Record<string, string> = isRecord(it) && it.Default === undefined && first !== undefined ? { NodeInstanceType: first } : {};
  try {
    const resources = render(params);
    const [userData] = userDataOf({ Resources: resources });
    return { resources, family: userData ? FAMILY_OF_FORMAT[maxPodsFromUserData(userData.text).format] : undefined };
  } catch {
    return undefined; // what keeps it from rendering is reported by the other checks
  }
}

/**
 * The image each offered type launches with, by rendering ImageId: for one listed type of each
 * architecture (lib/render/images.ts imagesOf), and for each launch template of a mixed group. An
 * image whose AWS SSM path names the other architecture is an error: EC2 refuses to launch it.
 */
function architectureChecks(t: Obj, rendered: RenderedNodes, listed: readonly string[], render: Renderer, add: Add): void {
  const overrides = mixedOverrides(t);
  const fix = 'give each architecture its own AMI parameter, chosen by the type (as gen writes it), or offer only one architecture';
  if (overrides.length) {
    // Each override where the mistake is: a type moved to a launch template of the other architecture.
    for (const o of overrides) {
      if (o.launchTemplate === undefined || !isInstanceType(o.instanceType)) continue;
      const image = imageIn({ [o.launchTemplate]: rendered.resources[o.launchTemplate] ?? {} });
      const arch = imageArchitecture(image);
      if (arch === undefined || architectureOf(o.instanceType) === arch) continue;
      const at = ['Resources', o.group, 'Properties', 'MixedInstancesPolicy', 'LaunchTemplate', 'Overrides', o.index];
      add('error', 'ami-architecture', at, `${o.instanceType} (${architectureOf(o.instanceType)}) launches with ${o.launchTemplate}, whose image is the ${arch} AMI of ${ssmPath(String(image)) ?? String(image)}: EC2 refuses to launch it; ${fix}`);
    }
    return;
  }
  if (!listed.length) return; // NodeInstanceType is free text: no type is offered as such
  const images = imagesOf(t, listed, render);
  if (!images) {
    // The template renders with its defaults but not for a type it offers: a stack of that type fails.
    for (const arch of ARCHITECTURES) {
      const type = listed.find((x) => architectureOf(x) === arch);
      if (type === undefined) continue;
      try {
        render({ NodeInstanceType: type });
      } catch (e) {
        if (!(e instanceof RenderError)) throw e;
        const at = e.pointer ?? '';
        add('error', 'offered-type', fromPointer(at), `a stack with NodeInstanceType ${type}, a type the template offers, fails: ${e.message.startsWith(`${at}: `) ? e.message.slice(at.length + 2) : e.message}`);
        return;
      }
    }
    return;
  }
  const where = Object.entries(rendered.resources).find(([, r]) => r.Type === 'AWS::EC2::LaunchTemplate' || r.Type === 'AWS::AutoScaling::LaunchConfiguration');
  const pointer = where ? ['Resources', where[0], 'Properties', ...(where[1].Type === 'AWS::EC2::LaunchTemplate' ? ['LaunchTemplateData'] : []), 'ImageId'] : ['Resources'];
  for (const arch of ARCHITECTURES) {
    const choice = images?.[arch];
    if (!choice || choice.imageArchitecture === undefined || choice.imageArchitecture === arch) continue;
    const mine = listed.filter((x) => architectureOf(x) === arch);
    add(
      'error',
      'ami-architecture',
      pointer,
      `the template offers ${plural(mine.length, `${arch} instance type`)} (${listOf(mine, 5)}) but gives ${mine.length === 1 ? 'it' : 'them'} the ${choice.imageArchitecture} AMI (rendered for ${choice.example}: ${choice.image}): EC2 refuses to launch an AMI of another architecture; ${fix}`,
    );
  }
}

/** Where a type's max pods is written: its mapping entry, or the user data of its mixed group's launch template. */
function maxPodsPointer(t: Obj, type: string): (string | number)[] {
  const mappings = isRecord(t.Mappings) ? t.Mappings : {};
  const perType = mappings[PER_TYPE_MAPPING];
  if (isRecord(perType) && hasOwn(perType, type)) return ['Mappings', PER_TYPE_MAPPING, type, 'MaxPods'];
  const bySize = mappings[BY_SIZE_MAPPING];
  const { family, size } = splitInstanceType(type);
  const key = familyKey(family);
  if (isRecord(bySize) && isRecord(bySize[size]) && hasOwn(bySize[size] as Obj, key)) return ['Mappings', BY_SIZE_MAPPING, size, key];
  const lt = mixedOverrides(t).find((o) => o.instanceType === type)?.launchTemplate;
  return lt !== undefined ? ['Resources', lt, 'Properties', 'LaunchTemplateData', 'UserData'] : ['Mappings'];
}

/**
 * The max-pods options the template records in `meta`, its Metadata.EksNodegroup (gen writes them), checked;
 * none (the plain formula) when it records none or ones that do not check.
 */
function recordedOptions(meta: Obj): MaxPodsOptions {
  try {
    return isRecord(meta.MaxPodsOptions) ? checkMaxPodsOptions({ ...meta.MaxPodsOptions }) : {};
  } catch {
    return {};
  }
}

/** A max-pods mapping value that is not a whole number: kubelet refuses it, and no other check can read it. */
function notCounts(t: Obj, add: Add): void {
  const mappings = isRecord(t.Mappings) ? t.Mappings : {};
  const perType = mappings[PER_TYPE_MAPPING];
  const bySize = mappings[BY_SIZE_MAPPING];
  const cells: [(string | number)[], unknown][] = [];
  if (isRecord(perType)) for (const [type, e] of Object.entries(perType)) if (isRecord(e) && hasOwn(e, 'MaxPods')) cells.push([['Mappings', PER_TYPE_MAPPING, type, 'MaxPods'], e.MaxPods]);
  if (isRecord(bySize)) for (const [size, row] of Object.entries(bySize)) if (isRecord(row)) for (const [family, v] of Object.entries(row)) cells.push([['Mappings', BY_SIZE_MAPPING, size, family], v]);
  for (const [path, v] of cells) {
    if (asCount(v) === undefined) add('error', 'max-pods-value', path, `max pods ${JSON.stringify(v)} is not a whole number: kubelet's maxPods takes one`);
  }
}

/**
 * Each type's max pods against gen's limits (lib/max-pods/limits.ts): no ENI left for pods (≤ 2) and
 * no memory left for pods on the template's AMI family are errors; above 250 is an error unless it
 * is what the type's IPs give (AWS's own eni-max-pods.txt goes to 737) or the template records the
 * opt-out (cap: false); above what the IPs give is a warning (those pods stay ContainerCreating).
 * The IPs are counted with the max-pods options the template records (prefix delegation, ENIs).
 */
function maxPodsChecks(t: Obj, table: ReadonlyMap<string, number>, family: AmiFamily | undefined, add: Add): void {
  const meta = isRecord(t.Metadata) && isRecord(t.Metadata.EksNodegroup) ? t.Metadata.EksNodegroup : {};
  const recorded = recordedOptions(meta);
  const { override: _override, cap, calculatorParity, ...mode } = recorded;
  const ipsOptions: MaxPodsOptions = calculatorParity ? { ...mode, calculatorParity: { ...calculatorParity, showMaxAllowed: true } } : { ...mode, cap: false };
  const accepted = meta.AcceptNoAllocatableMemory === true;
  const noEni: string[] = [];
  const ceiling: string[] = [];
  const overIps: string[] = [];
  const noMemory: string[] = [];
  const first = new Map<string, string>();
  const note = (list: string[], kind: string, type: string, text: string): void => {
    if (!first.has(kind)) first.set(kind, type);
    list.push(text);
  };
  // What the IPs give (with the recorded mode, uncapped), and the plain value kube-reserved is sized for on AL2023/AL2.
  const known = [...table.keys()].filter(isInstanceType);
  const byIps = maxPodsTable(known, ipsOptions).table; // a type missing a fact these options need: nothing to compare with
  const plain = maxPodsTable(known).table;
  for (const [type, ips] of byIps) {
    const value = table.get(type)!;
    if (value <= 2) note(noEni, 'eni', type, `${type} (${value})`);
    if (value > MAX_PODS_CEILING && value !== ips && cap !== false) note(ceiling, 'ceiling', type, `${type} (${value})`);
    if (value > ips) note(overIps, 'ips', type, `${type} (${value}; its IPs give ${ips})`);
    const r = family === undefined ? undefined : nodeResourcesFromFacts(getInstanceType(type), family, value, plain.get(type)!);
    if (r && r.allocatableMemoryMiB <= 0) note(noMemory, 'memory', type, reservedOf(type, r));
  }
  const at = (kind: string): (string | number)[] => maxPodsPointer(t, first.get(kind)!);
  if (noEni.length) add('error', 'max-pods-eni', at('eni'), `max pods ≤ 2 on ${plural(noEni.length, 'type')} leaves no ENI for pods, ${NO_ENI_TEXT} (aws-node, kube-proxy): ${listOf(noEni, 10)}`);
  if (ceiling.length) {
    const allowed = `${ceilingAllowed(': the template then records it in Metadata.EksNodegroup.MaxPodsOptions')}, or exactly what the type's IPs give`;
    add('error', 'max-pods-ceiling', at('ceiling'), `max pods on ${plural(ceiling.length, 'type')} is above ${MAX_PODS_CEILING} and not what the IPs give: ${listOf(ceiling, 10)} (allowed: ${allowed})`);
  }
  if (overIps.length) add('warning', 'max-pods-ips', at('ips'), `max pods is ${overIpsText(overIps.length, overIps)}`);
  if (noMemory.length) {
    if (accepted) add('warning', 'node-memory', at('memory'), `on ${plural(noMemory.length, 'type')} a node has no memory left for pods (accepted: Metadata.EksNodegroup.AcceptNoAllocatableMemory): ${listOf(noMemory, 10)}`);
    else add('error', 'node-memory', at('memory'), `${noMemoryText(noMemory.length, family!, noMemory)}: kubelet cannot run pods that request memory (gen refuses it unless acceptNoAllocatableMemory)`);
  }
}

/**
 * A mixed-instances group as EC2 Auto Scaling takes it: not beside a LaunchTemplate, at most 40
 * types and 20 launch templates, WeightedCapacity on every override or none, the distribution's
 * values in range (each launch template's image: architectureChecks).
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
  }
  return out;
}

/** Each launch template specification of an Auto Scaling group names a launch template (a name that is missing is ref-target's finding). */
function launchTemplateTargets(resources: Obj): Finding[] {
  const out: Finding[] = [];
  for (const [group, r] of Object.entries(resources)) {
    const props = isRecord(r) && r.Type === 'AWS::AutoScaling::AutoScalingGroup' && isRecord(r.Properties) ? r.Properties : undefined;
    if (!props) continue;
    const mixed = isRecord(props.MixedInstancesPolicy) && isRecord(props.MixedInstancesPolicy.LaunchTemplate) ? props.MixedInstancesPolicy.LaunchTemplate : {};
    const overrides = Array.isArray(mixed.Overrides) ? mixed.Overrides : [];
    const specs: [unknown, (string | number)[]][] = [
      [props.LaunchTemplate, ['LaunchTemplate']],
      [mixed.LaunchTemplateSpecification, ['MixedInstancesPolicy', 'LaunchTemplate', 'LaunchTemplateSpecification']],
      ...overrides.map((o, i): [unknown, (string | number)[]] => [isRecord(o) ? o.LaunchTemplateSpecification : undefined, ['MixedInstancesPolicy', 'LaunchTemplate', 'Overrides', i, 'LaunchTemplateSpecification']]),
    ];
    for (const [spec, path] of specs) {
      const name = launchTemplateRef(spec);
      const target = name !== undefined && hasOwn(resources, name) ? resources[name] : undefined;
      if (isRecord(target) && target.Type !== 'AWS::EC2::LaunchTemplate') {
        out.push({ severity: 'error', rule: 'launch-template', pointer: toPointer(['Resources', group, 'Properties', ...path]), message: `names ${name} (${String(target.Type)}), not an AWS::EC2::LaunchTemplate` });
      }
    }
  }
  return out;
}
