/**
 * The one options resolver. It applies, once each: the JSON Schema generated from the option types
 * (precompiled by ajv standalone: lib/nodegroup/generated), the rules that span options, and every
 * default (DEFAULTS). The builder takes only what it returns, so nothing after it checks an option.
 * Errors name the option, the value given and what is allowed.
 */
import { badOption, checkTree, EksNodegroupError, fromPointer, hasOwn, listOf, plural, QUOTAS, suggest } from '../core';
import { EBS_HDD_TYPES, EBS_LIMITS, ebsProblems, KMS_KEY_FORMS, KMS_KEY_PATTERN, minimumSize, type Architecture, type EbsVolumeType } from '../core/aws';
import { architectureOf, getInstanceType } from '../instance-types';
import { checkMaxPodsOptions, maxPodsTable, nodeResourcesFromFacts } from '../max-pods';
import { ceilingAllowed, MAX_PODS_CEILING, memoryForPods, NO_ENI_TEXT, noMemoryText, overIpsText, RESERVED_SHARE_REASON, RESERVED_SHARE_WARNING, reservedOf } from '../max-pods/limits';
import validateOptions from './generated/options-validator';
import { namedInstanceTypes, selectInstanceTypes } from './instance-selection';
import { tableMappings } from './layout';
import { checkWeightedSizes, MAX_MIXED_TYPES, mixedSummary, resolveMixed } from './mixed';
import { DEFAULTS, KUBERNETES_VERSIONS, KUBERNETES_VERSION_SOURCES, type AmiFamily, type MixedInstancesOptions, type NodeGroupOptions, type ResolvedNodeGroupOptions } from './options';
import { AMI_PARAMETERS, PARAMETER_ALLOWED_VALUES, PARAMETER_TYPES, parameterNames } from './parameters';
import { checkKubeletSetting } from './user-data';


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
  const what = ps.type === 'integer' ? 'a whole number' : 'a number';
  if (ps.minimum !== undefined && ps.maximum !== undefined) return `${what} from ${ps.minimum} to ${ps.maximum}`;
  return [what, ps.minimum !== undefined ? `≥ ${ps.minimum}` : '', ps.maximum !== undefined ? `≤ ${ps.maximum}` : ''].filter(Boolean).join(' ');
}

function allowedOf(e: AjvError): string {
  const ps = e.parentSchema ?? {};
  switch (e.keyword) {
    case 'enum':
      return (e.params.allowedValues as unknown[]).map(String).join(', ');
    case 'type':
      if (e.params.type === 'integer' || (e.params.type === 'number' && (ps.minimum !== undefined || ps.maximum !== undefined))) return range(ps);
      return `a value of type ${Array.isArray(e.params.type) ? (e.params.type as string[]).join(' or ') : String(e.params.type)}`;
    case 'minimum':
    case 'maximum':
      return range(ps);
    case 'pattern':
      return `text matching ${String(e.params.pattern)}${typeof ps.description === 'string' ? ` (${ps.description.split('. ')[0]})` : ''}`;
    case 'anyOf':
      return e.message ?? 'another value';
    default:
      return e.message ?? e.keyword;
  }
}

/** What a schema branch takes, in words (for a value that matches none of an anyOf's branches). */
function shapeOf(s: Record<string, unknown> | undefined): string {
  const items = s?.items as Record<string, unknown> | undefined;
  const rest = s?.additionalProperties as Record<string, unknown> | undefined;
  switch (s?.type) {
    case 'boolean':
      return 'true, false';
    case 'string':
      return 'a string';
    case 'number':
    case 'integer':
      return 'a number';
    case 'array':
      return items?.type === 'string' ? 'a list of strings' : 'a list';
    case 'object':
      if (s.properties !== undefined) return `a mapping of ${Object.keys(s.properties as object).join(', ')}`;
      return rest?.type === 'string' ? 'a map of strings' : 'a mapping';
    default:
      return 'another value';
  }
}

/**
 * The error to report. ajv lists, for a value no branch of an anyOf takes, each branch's errors and
 * then the anyOf's: report the first error from inside a branch whose type fits (a bad value or
 * unknown key within it), else the anyOf itself, with every branch's shape.
 */
function reportedError(errors: readonly AjvError[]): AjvError | undefined {
  const anyOf = [...errors].reverse().find((e) => e.keyword === 'anyOf');
  if (!anyOf) return errors[0];
  const typeMismatch = (e: AjvError) => e.keyword === 'type' && e.instancePath === anyOf.instancePath;
  const inside = errors.find((e) => e !== anyOf && !typeMismatch(e));
  if (inside) return inside;
  const shapes = errors.filter(typeMismatch).map((e) => shapeOf(e.parentSchema));
  return { ...anyOf, message: shapes.length > 1 ? `${shapes.slice(0, -1).join(', ')} or ${shapes[shapes.length - 1]}` : shapes[0] };
}

/** What kubernetesVersion may be for `family`: the range AWS publishes AMIs for, and where that range comes from. */
function kubernetesVersions(family: AmiFamily, minor?: number): string {
  const [oldest, newest] = KUBERNETES_VERSIONS[family];
  const hint = family === 'al2' && minor !== undefined && minor > newest ? ' (AL2 AMIs end at 1.32, AL2 reached end of support in November 2025: use al2023 or bottlerocket)' : '';
  return `a version AWS publishes ${family} AMIs for: 1.${oldest} to 1.${newest}, per ${KUBERNETES_VERSION_SOURCES[family]}${hint}`;
}

/** Throws BAD_OPTION for the first value that breaks the schema. */
function applySchema(options: unknown): NodeGroupOptions {
  const validate = validateOptions as unknown as Validator;
  if (validate(options)) return options as NodeGroupOptions;
  const e = reportedError(validate.errors ?? []);
  if (!e) throw new EksNodegroupError('BAD_OPTION', 'invalid options');
  const at = optionName(e.instancePath);
  if (at === 'kubernetesVersion' && typeof e.data === 'number') {
    // YAML reads an unquoted 1.30 as the number 1.3: say so, and how to write it.
    throw badOption(at, e.data, `text such as "1.${KUBERNETES_VERSIONS[DEFAULTS.amiFamily][1]}"; unquoted in YAML, 1.30 is the number 1.3: quote the version`);
  }
  if (at === 'kubernetesVersion' && e.keyword === 'pattern') {
    // The allowed range, not the schema's regular expression (the family's, when it is a valid one).
    const f = (options as NodeGroupOptions).amiFamily;
    throw badOption(at, e.data, kubernetesVersions(f !== undefined && hasOwn(KUBERNETES_VERSIONS, f) ? f : DEFAULTS.amiFamily));
  }
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

/** The options once the schema passed, `mixedInstances` as the group's options (or none). */
type Checked = Omit<NodeGroupOptions, 'mixedInstances'> & { mixedInstances?: MixedInstancesOptions };

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
 * The offered types the template can serve, and what was left out: a type whose CPU architecture
 * is unknown (no AMI can be chosen for it), one not of `architecture` when that is asked for, and
 * one a max-pods mode cannot compute (a missing fact). Left out with a warning when a pattern or the
 * default offered it; an error when it was named.
 */
function servable(
  offered: readonly string[],
  named: ReadonlySet<string>,
  asked: Architecture | undefined,
  maxPods: ResolvedNodeGroupOptions['maxPods'],
): { types: string[]; table: Map<string, number>; warnings: string[] } {
  const warnings: string[] = [];
  const unknown = offered.filter((t) => architectureOf(t) === undefined);
  const badNamed = unknown.filter((t) => named.has(t));
  if (badNamed.length) {
    throw badOption('instanceTypes', badNamed, 'types whose CPU architecture the instance data knows (without it the template cannot choose their AMI; refresh the data with "eks-nodegroup refresh-data")');
  }
  if (unknown.length) warnings.push(`left out ${plural(unknown.length, 'type')} whose CPU architecture the instance data does not know (no AMI can be chosen for them): ${unknown.join(', ')}`);
  let types = offered.filter((t) => architectureOf(t) !== undefined);
  if (asked !== undefined) {
    const other = types.filter((t) => architectureOf(t) !== asked);
    const otherNamed = other.filter((t) => named.has(t));
    if (otherNamed.length) throw badOption('architecture', asked, `the architecture of every named type; ${otherNamed.join(', ')} ${otherNamed.length === 1 ? 'is' : 'are'} ${architectureOf(otherNamed[0])}`);
    types = types.filter((t) => architectureOf(t) === asked);
    if (types.length === 0) throw badOption('architecture', asked, `an architecture some offered type has (the offered types are ${[...new Set(offered.map(architectureOf).filter(Boolean))].sort().join('/')})`);
  }
  const { table, missing, noEni, byIps } = maxPodsTable(types, maxPods);
  if (noEni.length) {
    const noEniNamed = noEni.filter((t) => named.has(t));
    if (noEniNamed.length || noEni.length === types.length) {
      const [option, value] =
        maxPods.reservedEnis !== undefined ? ['maxPods.reservedEnis', maxPods.reservedEnis] : maxPods.maxEnis !== undefined ? ['maxPods.maxEnis', maxPods.maxEnis] : ['maxPods.customNetworking', true];
      const where = noEniNamed.length ? `on ${noEniNamed.join(', ')} none is left` : `no offered type keeps one (${types.length} offered)`;
      throw badOption(option, value, `settings that leave an ENI for pods: ${where}, ${NO_ENI_TEXT}`);
    }
    warnings.push(`left out ${plural(noEni.length, 'type')} on which these max-pods options leave no ENI for pods: ${noEni.join(', ')}`);
    for (const t of noEni) table.delete(t);
    types = types.filter((t) => table.has(t));
  }
  if (maxPods.override !== undefined) {
    // Kubernetes' per-node limit AWS recommends at most (max-pods-calculator.sh's higher cap); --no-cap accepts more.
    if (maxPods.override > MAX_PODS_CEILING && maxPods.cap !== false) throw badOption('maxPods.override', maxPods.override, ceilingAllowed());
    const short = types.filter((t) => byIps.get(t)! < maxPods.override!);
    if (short.length) warnings.push(`max pods ${maxPods.override} is ${overIpsText(short.length, short.map((t) => `${t} (${byIps.get(t)})`))}`);
  }
  const missingNamed = missing.filter((m) => named.has(m.type));
  if (missingNamed.length || (missing.length && table.size === 0)) {
    const names = (missingNamed.length ? missingNamed : missing).map((m) => m.type);
    throw new EksNodegroupError(
      'MISSING_FACT',
      `max pods cannot be computed for ${plural(names.length, 'type')} with these options: ${names.join(', ')} — ` +
        `${missing[0].reason}; leave them out (excludeInstanceTypes, or --exclude ${names.join(',')}) or refresh the data`,
    );
  }
  if (missing.length) {
    warnings.push(`left out ${plural(missing.length, 'type')} whose max pods these options cannot compute (${missing[0].reason}): ${missing.map((m) => m.type).join(', ')}`);
    types = types.filter((t) => table.has(t));
  }
  return { types, table, warnings };
}

/** How each family's kubelet setting for kube-reserved memory is given with --kubelet (one value for every offered type). */
const KUBE_RESERVED_FLAG: Record<'al2023' | 'al2', string> = { al2023: `--kubelet kubeReserved='{"memory":"<N>Mi"}'`, al2: `--kubelet 'kube-reserved={"memory":"<N>Mi"}'` };

/**
 * What each node keeps for itself (lib/max-pods/resources.ts): an error where nothing is left for
 * pods (unless accepted), a warning where kube-reserved and eviction take more than
 * RESERVED_SHARE_WARNING of the memory, and on AL2023/AL2 — whose kube-reserved is sized for the
 * ENI max pods, not for the maxPods kubelet gets — a warning where max pods is higher and that many
 * pods would need more than the share (the same test Bottlerocket's reservation gets).
 */
function checkResources(types: readonly string[], table: ReadonlyMap<string, number>, family: AmiFamily, accept: boolean): { warnings: string[]; accepted: boolean } {
  const plain = maxPodsTable(types).table;
  const heavy: string[] = [];
  const none: string[] = [];
  const under: string[] = [];
  for (const t of types) {
    const pods = table.get(t)!;
    const r = nodeResourcesFromFacts(getInstanceType(t), family, pods, plain.get(t)!);
    if (r === undefined) continue; // no vCPU or memory figure: nothing to judge
    const need = memoryForPods(r, pods);
    if (r.allocatableMemoryMiB <= 0) none.push(reservedOf(t, r));
    else if (r.reservedShare > RESERVED_SHARE_WARNING) heavy.push(reservedOf(t, r));
    else if (r.reservedForPods < pods && need / r.memoryCapacityMiB > RESERVED_SHARE_WARNING) {
      under.push(`${t} (${pods} pods need ${need} of ${r.memoryCapacityMiB} MiB; kube-reserved is ${r.kubeReservedMemoryMiB} MiB, for ${r.reservedForPods} pods)`);
    }
  }
  const warnings: string[] = [];
  if (none.length && !accept) {
    const e = new EksNodegroupError(
      'BAD_OPTION',
      `${noMemoryText(none.length, family, none)}; lower max pods (keep the cap, or --max-pods-override), leave them out, or accept it (acceptNoAllocatableMemory, --accept-no-allocatable-memory)`,
    );
    e.option = 'acceptNoAllocatableMemory';
    throw e;
  }
  const share = `${RESERVED_SHARE_WARNING * 100}% of the node's memory (${RESERVED_SHARE_REASON})`;
  if (none.length) warnings.push(`on ${plural(none.length, 'type')} a node has no memory left for pods (accepted): ${listOf(none, 10)}`);
  if (heavy.length) warnings.push(`on ${plural(heavy.length, 'type')} kubelet's reservation and eviction threshold take more than ${share}: ${listOf(heavy, 10)}`);
  if (under.length) {
    const who = family === 'al2' ? 'bootstrap.sh' : 'nodeadm';
    warnings.push(
      `on ${plural(under.length, 'type')} max pods is higher than the pods ${who} sizes kube-reserved memory for (the ENI max pods), and that many pods would need more than ${share}: ${listOf(under, 10)}; ` +
        `lower max pods (keep the cap, or --max-pods-override), or reserve the memory yourself (${KUBE_RESERVED_FLAG[family as 'al2023' | 'al2']}, one value for every offered type)`,
    );
  }
  return { warnings, accepted: none.length > 0 };
}

function resolveVolume(v: NonNullable<NodeGroupOptions['volume']>, size: number, family: AmiFamily, sizeOption: string): ResolvedNodeGroupOptions['volume'] {
  const encrypted = v.encrypted ?? DEFAULTS.volume.encrypted;
  const type = v.type ?? DEFAULTS.volume.type;
  if (EBS_HDD_TYPES.includes(type) && family !== 'bottlerocket') {
    // On al2023 and al2 the node volume is the root device /dev/xvda; Bottlerocket's is its data volume /dev/xvdb.
    const ssd = Object.keys(EBS_LIMITS).filter((t) => !EBS_HDD_TYPES.includes(t as EbsVolumeType));
    throw badOption('volume.type', type, `${ssd.join(', ')}: on ${family} the node volume is the root volume (/dev/xvda), and EBS HDD volumes (${EBS_HDD_TYPES.join(', ')}) cannot be boot volumes (Bottlerocket's data volume can be one)`);
  }
  if (v.kmsKeyId !== undefined && !encrypted) throw badOption('volume.kmsKeyId', v.kmsKeyId, 'nothing when volume.encrypted is false');
  if (v.kmsKeyId !== undefined && !KMS_KEY_PATTERN.test(v.kmsKeyId)) throw badOption('volume.kmsKeyId', v.kmsKeyId, KMS_KEY_FORMS);
  if ((type === 'io1' || type === 'io2') && v.iops === undefined) {
    const e = new EksNodegroupError('BAD_OPTION', `volume type ${type} needs volume.iops, the provisioned IOPS (on the command line: --volume-iops N, e.g. 3000)`);
    e.option = 'volume.iops';
    throw e;
  }
  if (v.iops !== undefined && !['gp3', 'io1', 'io2'].includes(type)) throw badOption('volume.iops', v.iops, `nothing with volume type ${type} (only gp3, io1, io2)`);
  if (v.throughput !== undefined && type !== 'gp3') throw badOption('volume.throughput', v.throughput, `nothing with volume type ${type} (only gp3)`);
  const [problem] = ebsProblems({ type, size, iops: v.iops, throughput: v.throughput });
  if (problem) {
    const option = problem.field === 'size' ? sizeOption : `volume.${problem.field}`;
    const e = new EksNodegroupError('BAD_OPTION', `invalid value for ${option}: ${problem.message} (EBS limits)`);
    e.option = option;
    throw e;
  }
  return {
    type,
    sizeRange: [minimumSize(type, v.iops), EBS_LIMITS[type].size[1]],
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
      const why = k.toLowerCase().startsWith('aws:') ? 'the aws: prefix is reserved for AWS' : 'the template sets it';
      throw badOption('tag key', k, `any key except Name, kubernetes.io/cluster/… and aws:… (${why})`, 'tags');
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

/** Runs a check of the max-pods options, naming a bad one by its path in these options (`maxPods.maxEnis`). */
function underMaxPods<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof EksNodegroupError) || e.option === undefined) throw e;
    const out = new EksNodegroupError(e.code, e.message.replace(`for ${e.option}:`, `for maxPods.${e.option}:`), e.exitCode);
    out.option = `maxPods.${e.option}`;
    throw out;
  }
}

/** Where the group's sizes come from (parameterDefaults wins over scaling), to name it in errors, and how to set the max size there. */
function scalingSource(o: Checked): { option: string; max(n: number): string } {
  const viaParameters = ['NodeAutoScalingGroupMinSize', 'NodeAutoScalingGroupDesiredCapacity', 'NodeAutoScalingGroupMaxSize'].some((n) => o.parameterDefaults?.[n] !== undefined);
  return viaParameters ? { option: 'parameterDefaults', max: (n) => `-p NodeAutoScalingGroupMaxSize=${n}` } : { option: 'scaling', max: (n) => `--max-size ${n}` };
}

/** The Default of every parameter that has one: the dedicated options, then parameterDefaults over them. */
function parameterDefaults(
  o: Checked,
  family: AmiFamily,
  kubernetesVersion: string,
  architectures: readonly Architecture[],
  defaultType: string,
  offered: readonly string[],
  mixed: ResolvedNodeGroupOptions['mixedInstances'],
): Record<string, string | number> {
  const scaling = o.scaling ?? {};
  const d: Record<string, string | number> = {
    AuthenticationMode: 'EKS API',
    NodeInstanceType: defaultType,
    NodeAutoScalingGroupDesiredCapacity: scaling.desired ?? DEFAULTS.scaling.desired,
    NodeAutoScalingGroupMaxSize: scaling.max ?? DEFAULTS.scaling.max,
    NodeAutoScalingGroupMinSize: scaling.min ?? DEFAULTS.scaling.min,
    NodeImageId: '',
    ...Object.fromEntries(architectures.map((a) => [AMI_PARAMETERS[a], amiSsmParameter(family, kubernetesVersion, a)])),
    NodeVolumeSize: o.volume?.size ?? DEFAULTS.volume.size,
    KeyName: o.ssh?.keyName ?? '',
  };
  const names = parameterNames(family, architectures, o.mixedInstances !== undefined);
  for (const [name, given] of Object.entries(o.parameterDefaults ?? {})) {
    const type = names.includes(name) ? PARAMETER_TYPES[name] : undefined;
    // A Number parameter's default may come as text (a -p flag, a quoted config value), as CloudFormation takes it.
    const value = type === 'Number' && typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given;
    if (type === undefined) {
      const near = suggest(name, names);
      const hint = near.length ? `did you mean ${near.join(', ')}? ` : '';
      const e = new EksNodegroupError('BAD_OPTION', `invalid value for parameterDefaults: ${JSON.stringify(name)} is not a parameter of the template (${hint}its parameters: ${[...names].sort().join(', ')})`);
      e.option = 'parameterDefaults';
      throw e;
    }
    const option = `parameterDefaults.${name}`;
    if (type === 'Number' && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) throw badOption(option, value, 'a whole number ≥ 0');
    if (type !== 'Number' && typeof value !== 'string') throw badOption(option, value, 'a string');
    if (Buffer.byteLength(String(value)) > QUOTAS.parameterValueBytes) throw badOption(option, value, `at most ${QUOTAS.parameterValueBytes} bytes (CloudFormation's limit on a parameter value)`);
    const allowed = PARAMETER_ALLOWED_VALUES[name];
    if (allowed && !allowed.includes(value as string)) throw badOption(option, value, allowed.join(', '));
    d[name] = value;
  }
  const [min, desired, max] = [d.NodeAutoScalingGroupMinSize, d.NodeAutoScalingGroupDesiredCapacity, d.NodeAutoScalingGroupMaxSize].map(Number);
  const sizes = scalingSource(o);
  if (!(min <= desired && desired <= max)) throw badOption(sizes.option, { min, desired, max }, 'min ≤ desired ≤ max');
  if (!(desired < max)) {
    // The rolling update keeps `desired` nodes in service (MinInstancesInService) and must be able
    // to start one more; with desired = max every later update of the launch template fails.
    throw badOption(sizes.option, { min, desired, max }, `a max size at least 1 greater than the desired capacity, so rolling updates can start a new node (e.g. ${sizes.max(desired + 1)})`);
  }
  if (mixed) checkWeightedSizes(mixed, { min, desired, max }, sizes);
  if (o.mixedInstances !== undefined) {
    delete d.NodeInstanceType;
    if (!names.includes('NodeImageId')) delete d.NodeImageId;
  } else if (!offered.includes(String(d.NodeInstanceType))) {
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
  const checked = applySchema(options);
  // `mixedInstances: true` is the group with every default; `false` is none.
  const o: Checked = { ...checked, mixedInstances: checked.mixedInstances === true ? {} : checked.mixedInstances || undefined };
  const family = o.amiFamily ?? DEFAULTS.amiFamily;
  const maxPodsLayout = o.maxPodsLayout ?? DEFAULTS.maxPodsLayout;
  const maxPods = underMaxPods(() => checkMaxPodsOptions(o.maxPods ?? {}));
  const { types: offered, table, warnings } = servable(selectInstanceTypes(o.instanceTypes, o.excludeInstanceTypes), namedInstanceTypes(o.instanceTypes), o.architecture, maxPods);
  const architectures = (['x86_64', 'arm64'] as const).filter((a) => offered.some((t) => architectureOf(t) === a));
  const kubernetesVersion = o.kubernetesVersion ?? DEFAULTS.kubernetesVersion[family];
  const [oldest, newest] = KUBERNETES_VERSIONS[family];
  const minor = Number(kubernetesVersion.slice(2));
  if (minor < oldest || minor > newest) throw badOption('kubernetesVersion', kubernetesVersion, kubernetesVersions(family, minor));
  if (o.mixedInstances !== undefined) {
    if (o.instanceTypes === undefined) {
      const e = new EksNodegroupError('BAD_OPTION', `a mixed-instances group needs the types to mix: give instanceTypes (-t), at most ${MAX_MIXED_TYPES}`);
      e.option = 'instanceTypes';
      throw e;
    }
    for (const k of ['maxPodsLayout', 'defaultInstanceType'] as const) {
      if (o[k] !== undefined) throw badOption(k, o[k], 'nothing with mixedInstances: each launch template carries its max pods, and the types are fixed');
    }
  }
  const mixed = o.mixedInstances === undefined ? undefined : resolveMixed(o.mixedInstances, offered, table);
  const defaultType =
    o.defaultInstanceType !== undefined
      ? getInstanceType(o.defaultInstanceType).name
      : offered.includes(DEFAULTS.defaultInstanceType)
        ? DEFAULTS.defaultInstanceType
        : smallest(offered.filter((t) => architectureOf(t) === architectures[0]))!;
  if (!offered.includes(defaultType)) {
    throw badOption('defaultInstanceType', defaultType, `one of the offered types (${offered.length}), e.g. ${offered.slice(0, 5).join(', ')}`);
  }
  const resources = checkResources(offered, table, family, o.acceptNoAllocatableMemory === true);
  warnings.push(...resources.warnings);
  const m = o.mixedInstances;
  if (m && m.spotAllocationStrategy !== undefined && (m.onDemandPercentageAboveBaseCapacity ?? DEFAULTS.mixedInstances.onDemandPercentageAboveBaseCapacity) === 100) {
    // A Spot strategy with 100% On-Demand above the base buys no Spot at all: say so rather than let it look like a Spot group.
    warnings.push(`mixedInstances.spotAllocationStrategy is ${m.spotAllocationStrategy} but onDemandPercentageAboveBaseCapacity is 100, so the group launches no Spot instances (set it below 100, e.g. --on-demand-percentage 0 for all Spot above the base)`);
  }
  const kubelet = Object.entries(o.kubelet ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of kubelet) checkKubeletSetting(family, k, v);
  const description =
    o.description ??
    (mixed
      ? `Amazon EKS - Node Group (${FAMILY_LABEL[family]}; mixed instances: ${mixedSummary(mixed, table.size)}; max pods computed by eks-nodegroup)`
      : `Amazon EKS - Node Group (${FAMILY_LABEL[family]}; max pods computed for ${plural(table.size, 'instance type')} by eks-nodegroup)`);
  if (description.length === 0 || Buffer.byteLength(description) > 1024) {
    throw badOption('description', description, 'non-empty text of at most 1024 bytes (CloudFormation limit)');
  }
  const parameters = parameterDefaults(o, family, kubernetesVersion, architectures, defaultType, offered, mixed);
  return {
    amiFamily: family,
    instanceTypes: offered,
    everyKnownType: o.instanceTypes === undefined && (o.excludeInstanceTypes ?? []).length === 0,
    maxPods,
    maxPodsTable: table,
    maxPodsLayout,
    mappings: mixed ? {} : tableMappings(table, maxPodsLayout, architectures.length > 1 ? new Set(offered.filter((t) => architectureOf(t) === 'arm64')) : undefined),
    kubernetesVersion,
    architectures,
    volume: resolveVolume(o.volume ?? {}, Number(parameters.NodeVolumeSize), family, o.parameterDefaults?.NodeVolumeSize !== undefined ? 'parameterDefaults.NodeVolumeSize' : 'volume.size'),
    imds: { httpTokens: o.imds?.httpTokens ?? DEFAULTS.imds.httpTokens, hopLimit: o.imds?.hopLimit ?? DEFAULTS.imds.hopLimit },
    ...(o.ssh?.cidr !== undefined ? { sshCidr: checkCidr(o.ssh.cidr) } : {}),
    kubelet,
    tags: resolveTags(o.tags ?? {}),
    parameterDefaults: parameters,
    description,
    ...(mixed ? { mixedInstances: mixed } : {}),
    ...(resources.accepted ? { acceptNoAllocatableMemory: true as const } : {}),
    warnings,
  };
}
