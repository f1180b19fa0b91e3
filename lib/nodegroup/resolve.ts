/**
 * The one options resolver. It applies, once each: the JSON Schema generated from the option types
 * (precompiled by ajv standalone: lib/nodegroup/generated), the rules that span options, and every
 * default (DEFAULTS). The builder takes only what it returns, so nothing after it checks an option.
 * Errors name the option, the value given and what is allowed.
 */
import { badOption, checkTree, EksNodegroupError, fromPointer, suggest } from '../core';
import { getInstanceType } from '../instance-types';
import { checkMaxPodsOptions, maxPodsTable } from '../max-pods';
import validateOptions from './generated/options-validator';
import { selectInstanceTypes } from './instance-selection';
import { maxPodsMapping } from './layout';
import { DEFAULTS, type AmiFamily, type NodeGroupOptions, type ResolvedNodeGroupOptions } from './options';
import { PARAMETER_ALLOWED_VALUES, PARAMETER_TYPES } from './parameters';
import { checkKubeletSetting } from './user-data';

/** AWS publishes EKS AL2 AMIs up to Kubernetes 1.32 (AL2 reached end of support in November 2025). */
const LAST_AL2_KUBERNETES_MINOR = 32;

const FAMILY_LABEL: Record<AmiFamily, string> = { al2023: 'AL2023 (nodeadm)', bottlerocket: 'Bottlerocket', al2: 'AL2 (bootstrap.sh)' };

/** The AMI SSM parameter path AWS publishes for a family, Kubernetes version and architecture. */
export function amiSsmParameter(family: AmiFamily, kubernetesVersion = DEFAULTS.kubernetesVersion[family], architecture: 'x86_64' | 'arm64' = 'x86_64'): string {
  switch (family) {
    case 'al2023':
      return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/recommended/image_id`;
    case 'bottlerocket':
      return `/aws/service/bottlerocket/aws-k8s-${kubernetesVersion}/${architecture}/latest/image_id`;
    case 'al2':
      return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2${architecture === 'arm64' ? '-arm64' : ''}/recommended/image_id`;
  }
}

// ---------------------------------------------------------------- the schema

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

function optionName(instancePath: string): string {
  return fromPointer(instancePath)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
}

function range(ps: Record<string, unknown>): string {
  return [ps.type === 'integer' ? 'a whole number' : 'a number', ps.minimum !== undefined ? `≥ ${ps.minimum}` : '', ps.maximum !== undefined ? `≤ ${ps.maximum}` : '']
    .filter(Boolean)
    .join(' ');
}

function allowedOf(e: AjvError): string {
  const ps = e.parentSchema ?? {};
  switch (e.keyword) {
    case 'enum':
      return (e.params.allowedValues as unknown[]).map(String).join(', ');
    case 'type':
      if (e.params.type === 'integer') return range(ps);
      return `a value of type ${Array.isArray(e.params.type) ? (e.params.type as string[]).join(' or ') : String(e.params.type)}`;
    case 'minimum':
    case 'maximum':
      return range(ps);
    case 'pattern':
      return `text matching ${String(e.params.pattern)}${typeof ps.description === 'string' ? ` (${ps.description.split('. ')[0]})` : ''}`;
    case 'anyOf':
      return 'a string, number, boolean, list of strings or map of strings';
    default:
      return e.message ?? e.keyword;
  }
}

/** Throws BAD_OPTION for the first value that breaks the schema. */
function applySchema(options: unknown): NodeGroupOptions {
  const validate = validateOptions as unknown as Validator;
  if (validate(options)) return options as NodeGroupOptions;
  const e = (validate.errors ?? [])[0];
  if (!e) throw new EksNodegroupError('BAD_OPTION', 'invalid options');
  const at = optionName(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const known = Object.keys((e.parentSchema?.properties as Record<string, unknown>) ?? {});
    const name = String(e.params.additionalProperty);
    const [near] = suggest(name, known, 1);
    const err = new EksNodegroupError(
      'BAD_OPTION',
      `unknown option "${at ? `${at}.` : ''}${name}" (${near !== undefined ? `did you mean "${near}"? ` : ''}allowed: ${known.join(', ')})`,
    );
    err.option = at ? `${at}.${name}` : name;
    throw err;
  }
  if (e.keyword === 'required') {
    const err = new EksNodegroupError('BAD_OPTION', `option "${at || 'options'}" lacks "${String(e.params.missingProperty)}"`);
    if (at) err.option = at;
    throw err;
  }
  throw badOption(at || 'options', e.data, allowedOf(e), at || undefined);
}

// ---------------------------------------------------------------- rules that span options

/** The smallest type (fewest vCPUs, then least memory, then name; unknown sizes last). */
function smallest(types: readonly string[]): string | undefined {
  const key = (t: string) => {
    const f = getInstanceType(t);
    return [f.vcpus ?? Infinity, f.memoryMiB ?? Infinity] as const;
  };
  return [...types].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || (a < b ? -1 : a > b ? 1 : 0);
  })[0];
}

/**
 * The AMI architecture: the one asked for, else the one every offered type shares, else x86_64.
 * Asking for an architecture none of the offered types has is an error: no node could launch.
 */
function amiArchitecture(offered: readonly string[], asked: 'x86_64' | 'arm64' | undefined): 'x86_64' | 'arm64' {
  const archs = new Set(offered.map((t) => getInstanceType(t).architecture).filter((a): a is string => a !== undefined));
  if (asked !== undefined) {
    if (archs.size > 0 && !archs.has(asked)) {
      throw badOption('architecture', asked, `${[...archs].sort().join(' or ')}: the offered instance types are ${[...archs].sort().join('/')} only, so an ${asked} AMI could not boot on any of them`);
    }
    return asked;
  }
  return archs.size === 1 && archs.has('arm64') ? 'arm64' : 'x86_64';
}

/** Max pods of every offered type; every type a mode cannot compute is named at once. */
function computeTable(types: readonly string[], options: ResolvedNodeGroupOptions['maxPods']): Map<string, number> {
  const { table, missing } = maxPodsTable(types, options);
  if (missing.length) {
    const names = missing.map((m) => m.type);
    throw new EksNodegroupError(
      'MISSING_FACT',
      `max pods cannot be computed for ${names.length} type(s) with these options: ${names.join(', ')} — ` +
        `${missing[0].reason}; leave them out (excludeInstanceTypes, or --exclude ${names.join(',')}) or refresh the data`,
    );
  }
  table.forEach((v, t) => {
    if (v < 1) {
      throw new EksNodegroupError('BAD_OPTION', `${t}: these max-pods options leave ${v} pods (no ENI carries pods); use fewer reserved ENIs or leave ${t} out`);
    }
  });
  return table;
}

function resolveVolume(v: NonNullable<NodeGroupOptions['volume']>): ResolvedNodeGroupOptions['volume'] {
  const encrypted = v.encrypted ?? DEFAULTS.volume.encrypted;
  const type = v.type ?? DEFAULTS.volume.type;
  if (v.kmsKeyId !== undefined && !encrypted) throw badOption('volume.kmsKeyId', v.kmsKeyId, 'nothing when volume.encrypted is false');
  if ((type === 'io1' || type === 'io2') && v.iops === undefined) {
    const e = new EksNodegroupError('BAD_OPTION', `volume type ${type} needs volume.iops, the provisioned IOPS (on the command line: --volume-iops N, e.g. 3000)`);
    e.option = 'volume.iops';
    throw e;
  }
  if (v.iops !== undefined && !['gp3', 'io1', 'io2'].includes(type)) throw badOption('volume.iops', v.iops, `nothing with volume type ${type} (only gp3, io1, io2)`);
  if (v.throughput !== undefined && type !== 'gp3') throw badOption('volume.throughput', v.throughput, `nothing with volume type ${type} (only gp3)`);
  return {
    type,
    encrypted,
    ...(v.kmsKeyId !== undefined ? { kmsKeyId: v.kmsKeyId } : {}),
    ...(v.iops !== undefined ? { iops: v.iops } : {}),
    ...(v.throughput !== undefined ? { throughput: v.throughput } : {}),
  };
}

function resolveTags(tags: Record<string, string>): [string, string][] {
  const entries = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, v] of entries) {
    if (k === 'Name' || k.startsWith('kubernetes.io/cluster/') || k.toLowerCase().startsWith('aws:')) {
      throw badOption(`tag "${k}"`, v, 'any key except Name, kubernetes.io/cluster/… (the template sets them) and aws:… (reserved)', 'tags');
    }
    if (k.length > 127 || v.length > 255) throw badOption(`tag "${k}"`, v, 'a key ≤ 127 and a value ≤ 255 characters', 'tags');
  }
  return entries;
}

function checkCidr(cidr: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((x) => Number(x) > 255) || Number(m[5]) > 32) {
    throw badOption('ssh.cidr', cidr, 'an IPv4 CIDR such as 10.0.0.0/16');
  }
  return cidr;
}

/** The Default of every parameter that has one: the dedicated options, then parameterDefaults over them. */
function parameterDefaults(
  o: NodeGroupOptions,
  family: AmiFamily,
  kubernetesVersion: string,
  architecture: 'x86_64' | 'arm64',
  defaultType: string,
  offered: readonly string[],
): Record<string, string | number> {
  const scaling = o.scaling ?? {};
  const d: Record<string, string | number> = {
    AuthenticationMode: 'EKS API',
    NodeInstanceType: defaultType,
    NodeAutoScalingGroupDesiredCapacity: scaling.desired ?? DEFAULTS.scaling.desired,
    NodeAutoScalingGroupMaxSize: scaling.max ?? DEFAULTS.scaling.max,
    NodeAutoScalingGroupMinSize: scaling.min ?? DEFAULTS.scaling.min,
    NodeImageId: '',
    NodeImageIdSSMParam: amiSsmParameter(family, kubernetesVersion, architecture),
    NodeVolumeSize: o.volume?.size ?? DEFAULTS.volume.size,
    KeyName: o.ssh?.keyName ?? '',
  };
  const names = Object.keys(PARAMETER_TYPES);
  for (const [name, value] of Object.entries(o.parameterDefaults ?? {})) {
    const type = Object.prototype.hasOwnProperty.call(PARAMETER_TYPES, name) ? PARAMETER_TYPES[name] : undefined;
    if (type === undefined) {
      throw badOption(`parameterDefaults "${name}"`, value, `defaults for the template's parameters: ${[...names].sort().join(', ')}`, 'parameterDefaults');
    }
    const option = `parameterDefaults.${name}`;
    if (type === 'Number' && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) throw badOption(option, value, 'a whole number ≥ 0');
    if (type !== 'Number' && typeof value !== 'string') throw badOption(option, value, 'a string');
    const allowed = PARAMETER_ALLOWED_VALUES[name];
    if (allowed && !allowed.includes(value as string)) throw badOption(option, value, allowed.join(', '));
    d[name] = value;
  }
  const [min, desired, max] = [d.NodeAutoScalingGroupMinSize, d.NodeAutoScalingGroupDesiredCapacity, d.NodeAutoScalingGroupMaxSize].map(Number);
  if (!(min <= desired && desired <= max)) throw badOption('scaling', { min, desired, max }, 'min ≤ desired ≤ max');
  if (!(desired < max)) {
    // The rolling update keeps `desired` nodes in service (MinInstancesInService) and must be able
    // to start one more; with desired = max every later update of the launch template fails.
    throw badOption('scaling', { min, desired, max }, `a max size at least 1 greater than the desired capacity, so rolling updates can start a new node (e.g. --max-size ${desired + 1})`);
  }
  if (!offered.includes(String(d.NodeInstanceType))) {
    throw badOption('the NodeInstanceType default', d.NodeInstanceType, `one of the offered types, e.g. ${offered.slice(0, 5).join(', ')}`, 'parameterDefaults');
  }
  return d;
}

/**
 * Checks `options` and fills in every default. Throws EksNodegroupError (exit code 2): BAD_OPTION
 * naming the option, UNKNOWN_INSTANCE_TYPE with the closest known names, MISSING_FACT naming the
 * types a max-pods mode cannot compute.
 */
export function resolveNodeGroupOptions(options: NodeGroupOptions = {}): ResolvedNodeGroupOptions {
  checkTree(options, 'node-group options');
  const o = applySchema(options);
  const family = o.amiFamily ?? DEFAULTS.amiFamily;
  const maxPodsLayout = o.maxPodsLayout ?? DEFAULTS.maxPodsLayout;
  const offered = selectInstanceTypes(o.instanceTypes, o.excludeInstanceTypes);
  const architecture = amiArchitecture(offered, o.architecture);
  const kubernetesVersion = o.kubernetesVersion ?? DEFAULTS.kubernetesVersion[family];
  if (family === 'al2' && Number(kubernetesVersion.slice(2)) > LAST_AL2_KUBERNETES_MINOR) {
    throw badOption('kubernetesVersion', kubernetesVersion, `1.${LAST_AL2_KUBERNETES_MINOR} or earlier with amiFamily al2 (AWS publishes no AL2 EKS AMI after it; use al2023 or bottlerocket)`);
  }
  const defaultType =
    o.defaultInstanceType !== undefined
      ? getInstanceType(o.defaultInstanceType).name
      : offered.includes(DEFAULTS.defaultInstanceType)
        ? DEFAULTS.defaultInstanceType
        : smallest(offered.filter((t) => (getInstanceType(t).architecture ?? architecture) === architecture)) ?? smallest(offered)!;
  if (!offered.includes(defaultType)) {
    throw badOption('defaultInstanceType', defaultType, `one of the offered types (${offered.length}), e.g. ${offered.slice(0, 5).join(', ')}`);
  }
  const maxPods = checkMaxPodsOptions(o.maxPods ?? {});
  const table = computeTable(offered, maxPods);
  const kubelet = Object.entries(o.kubelet ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of kubelet) checkKubeletSetting(family, k, v);
  const description = o.description ?? `Amazon EKS - Node Group (${FAMILY_LABEL[family]}; max pods computed for ${table.size} instance types by eks-nodegroup)`;
  if (description.length === 0 || Buffer.byteLength(description) > 1024) {
    throw badOption('description', description, 'non-empty text of at most 1024 bytes (CloudFormation limit)');
  }
  return {
    amiFamily: family,
    instanceTypes: offered,
    everyKnownType: o.instanceTypes === undefined && (o.excludeInstanceTypes ?? []).length === 0,
    maxPods,
    maxPodsTable: table,
    maxPodsLayout,
    maxPodsMapping: maxPodsMapping(table, maxPodsLayout),
    kubernetesVersion,
    architecture,
    volume: resolveVolume(o.volume ?? {}),
    imds: { httpTokens: o.imds?.httpTokens ?? DEFAULTS.imds.httpTokens, hopLimit: o.imds?.hopLimit ?? DEFAULTS.imds.hopLimit },
    ...(o.ssh?.cidr !== undefined ? { sshCidr: checkCidr(o.ssh.cidr) } : {}),
    kubelet,
    tags: resolveTags(o.tags ?? {}),
    parameterDefaults: parameterDefaults(o, family, kubernetesVersion, architecture, defaultType, offered),
    description,
  };
}
