/**
 * Property-based tests of the whole pipeline (issue 7, item 1), with fast-check: builder →
 * YAML → validate → render → diff, on random builder options.
 *
 * Every property runs with the fixed seed of spec/properties.spec.ts (`FC.seed`) and a bounded
 * number of runs (fewer for the expensive ones), so CI is quick and a failure replays exactly.
 * To explore further locally: FC_RUNS_SCALE=10 multiplies every numRuns; FC_SEED=<n> changes the seed.
 *
 * The options arbitrary builds VALID options by construction, from the rules the options document
 * (lib/nodegroup/options.ts): io1/io2 need iops, throughput only with gp3, a KMS key only when
 * encrypted, min ≤ desired < max, per-type layout only with ≤ 200 types, the 110/250 cap needs the
 * vCPU count (so types without it are excluded, or the cap dropped), the default type is offered,
 * an asked architecture is one some offered type has, AL2 only up to Kubernetes 1.32.
 *
 * The edits of property 2 put odd names (`constructor`, `__proto__`, `toString`, …) and values
 * (NaN, null, nested intrinsics) where a template has names and values; they found the bugs pinned
 * down in "regressions found by the pipeline properties" at the end.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { EksNodegroupError } from '../lib/core';
import { isDeepStrictEqual } from 'node:util';
import { architectureOf, getInstanceType, instanceTypeNames } from '../lib/instance-types';
import { maxPods, type MaxPodsOptions } from '../lib/max-pods';
import {
  buildNodeGroupTemplate,
  maxPodsTableFromTemplate,
  selectInstanceTypes,
  type AmiFamily,
  type KubeletValue,
  type NodeGroupOptions,
  type VolumeOptions,
} from '../lib/nodegroup';
import { maxPodsFromUserData, partitionOfRegion, renderTemplate, userDataOf, type ParameterValue } from '../lib/render';
import { formatFinding, validateTemplate, validateTemplateText, type Finding } from '../lib/validate';
import { cfnEqual, diffTemplates, type DiffEntry, type LineHunk, type TemplateDiff, type ValueChange } from '../lib/diff';
import { intrinsicKey } from '../lib/core';
import { parseTemplate, toYaml } from '../lib/yaml';
import { arbMaxPodsOptions, FC } from './properties.spec';
import { failure } from './helpers';

const SCALE = Number(process.env.FC_RUNS_SCALE ?? 1) || 1;
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : FC.seed;
/** fast-check parameters: the shared fixed seed, `numRuns` runs (× FC_RUNS_SCALE). */
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)) });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const NAMES = instanceTypeNames();
const FAMILIES: AmiFamily[] = ['al2023', 'bottlerocket', 'al2'];
/** What maxPodsFromUserData reports for each family's user data. */
const USER_DATA_FORMAT: Record<AmiFamily, string> = { al2023: 'nodeadm', bottlerocket: 'bottlerocket', al2: 'bootstrap.sh' };
/** Keys that are also names on Object.prototype: the classic way a lookup in a plain `{}` goes wrong. */
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

// ------------------------------------------------------------------ builder options

/** Sets `key` as an own property even when it is `__proto__` (as JSON.parse and YAML readers do). */
function defineOwn(o: Obj, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A name or a `*` pattern, made from a real type so it always matches something. */
const arbTypeSpec: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...NAMES).map((n) => ` ${n} `) },
  { weight: 1, arbitrary: fc.constantFrom('t3.*', '*.metal', 'c7i*.*', 'm5.*', '*.medium', 'g5*.*', 'x2*.*', 'r6g*.xlarge') },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('family', 'size', 'prefix', 'size-prefix')).map(([n, kind]) => {
      const dot = n.indexOf('.');
      const family = n.slice(0, dot);
      const size = n.slice(dot + 1);
      switch (kind) {
        case 'family':
          return `${family}.*`;
        case 'size':
          return `*.${size}`;
        case 'prefix':
          return `${family.slice(0, Math.max(2, family.length - 1))}*.*`;
        default:
          return `${family}.${size.slice(0, 1)}*`;
      }
    }),
  },
);

const arbModes: fc.Arbitrary<MaxPodsOptions> = fc
  .tuple(
    arbMaxPodsOptions,
    fc.oneof(
      fc.constant({}),
      fc.record({ cap: fc.boolean() }),
      fc.record({ override: fc.integer({ min: 1, max: 737 }) }),
      fc.record({ cap: fc.constant(true), override: fc.integer({ min: 1, max: 737 }) }),
      fc.record({
        calculatorParity: fc.record(
          { cniVersion: fc.constantFrom('1.8.0', '1.9.0', '1.18.3', 'v1.12.6-eksbuild.2', '2.0'), showMaxAllowed: fc.boolean() },
          { requiredKeys: ['cniVersion'] },
        ),
      }),
    ),
  )
  .map(([base, extra]) => ({ ...base, ...extra }));

const arbVolume: fc.Arbitrary<VolumeOptions> = fc
  .record(
    {
      size: fc.integer({ min: 1, max: 65536 }),
      type: fc.constantFrom('gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard' as const),
      encrypted: fc.boolean(),
      kmsKeyId: fc.constantFrom('alias/aws/ebs', 'alias/eks-nodes', '1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      gp3Iops: fc.integer({ min: 3000, max: 80000 }),
      ioIops: fc.integer({ min: 100, max: 64000 }),
      throughput: fc.integer({ min: 125, max: 2000 }),
    },
    { requiredKeys: [] },
  )
  .map(({ gp3Iops, ioIops, ...v }) => {
    const out: VolumeOptions = { ...v };
    if (out.encrypted === false) delete out.kmsKeyId;
    if (out.type === 'io1' || out.type === 'io2') out.iops = ioIops ?? 100;
    else if ((out.type === 'gp3' || out.type === undefined) && gp3Iops !== undefined) out.iops = gp3Iops;
    if (out.type !== 'gp3' && out.type !== undefined) delete out.throughput;
    return out;
  });

const arbScaling = fc
  .tuple(fc.nat(40), fc.nat(40), fc.nat(40), fc.constantFrom('all', 'min', 'desired', 'max', 'min+max'))
  .map(([x, y, z, keep]) => {
    const [min, desired, max0] = [x, y, z].sort((a, b) => a - b);
    // min ≤ desired < max: a rolling update must be able to start one node more than desired.
    const full = { min, desired, max: Math.max(desired + 1, max0) };
    // A partial setting keeps the AWS defaults 1 / 3 / 4 for the rest: only when still ordered.
    const partial: Record<string, number> =
      keep === 'all' ? full : keep === 'min+max' ? { min: full.min, max: full.max } : { [keep]: full[keep as 'min'] };
    const merged = { min: 1, desired: 3, max: 4, ...partial };
    return merged.min <= merged.desired && merged.desired < merged.max ? partial : full;
  });

/** A string as a user may put in a config file: printable ASCII, any Unicode, or nasty on purpose. */
const arbText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.constantFrom('', ' ', 'yes', 'no', 'on', 'null', '~', '0777', '1.10', '2010-09-09', '-', '---', '- x', 'a: b', '#c', '"q"', "'s'", '${ClusterName}', '${!Literal}', '$${x}', '\\', 'a\nb', 'tab\there', '\u00e9\u4e2d\ud83d\ude00', '*', '&a', '!Ref x', '%', '@', '`'),
  );

const KUBELET_KEY: Record<AmiFamily, fc.Arbitrary<string>> = {
  al2023: fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,14}$/), fc.constantFrom('registryPullQPS', 'serializeImagePulls', 'evictionHard', 'constructor', 'toString', 'config')),
  bottlerocket: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/), fc.constantFrom('eviction-hard', 'node-labels', 'cluster-name', 'settings', 'constructor')),
  al2: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/), fc.constantFrom('node-labels', 'register-with-taints', 'max-pods-per-core', 'constructor')),
};
const SHELL_SAFE_TEXT = fc.stringMatching(/^[A-Za-z0-9_.,:=/+%@-]{0,20}$/);
const finiteNumber = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }));

function arbKubeletValue(family: AmiFamily): fc.Arbitrary<KubeletValue> {
  // AL2 values go into a shell command line: the builder allows only shell-safe characters there.
  const text = family === 'al2' ? SHELL_SAFE_TEXT : arbText(30);
  const mapKey = family === 'al2' ? fc.stringMatching(/^[A-Za-z0-9_./-]{1,12}$/) : arbText(12);
  return fc.oneof(
    text,
    finiteNumber,
    fc.boolean(),
    fc.array(text, { maxLength: 4 }),
    fc.dictionary(mapKey, text, { maxKeys: 3, noNullPrototype: true }),
  );
}

function arbKubelet(family: AmiFamily): fc.Arbitrary<Record<string, KubeletValue>> {
  const key = KUBELET_KEY[family].filter((k) => k.toLowerCase().replace(/-/g, '') !== 'maxpods');
  return fc.uniqueArray(fc.tuple(key, arbKubeletValue(family)), { maxLength: 4, selector: ([k]) => k }).map((entries) => {
    const o: Record<string, KubeletValue> = {};
    for (const [k, v] of entries) defineOwn(o, k, v);
    return o;
  });
}

const arbTags = fc
  .uniqueArray(
    fc.tuple(
      fc.oneof(arbText(40), fc.constantFrom(...PROTO_NAMES, 'team', 'k8s.io/cluster-autoscaler/enabled', 'Name2', 'kubernetes.io/role')),
      arbText(60),
    ),
    { maxLength: 4, selector: ([k]) => k },
  )
  .map((entries) => {
    const o: Record<string, string> = {};
    for (const [k, v] of entries) {
      // The documented refusals: Name and kubernetes.io/cluster/… are the template's, aws: is reserved.
      if (k === 'Name' || k.startsWith('kubernetes.io/cluster/') || k.toLowerCase().startsWith('aws:') || k.length > 127) continue;
      defineOwn(o, k, v);
    }
    return o;
  });

const arbCidr = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(32))
  .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);

/** One generated case: the options, and what they mean (offered types, max-pods options). */
interface BuildCase {
  options: NodeGroupOptions;
  family: AmiFamily;
  offered: string[];
  mp: MaxPodsOptions;
}

interface RawCase {
  family: AmiFamily | undefined;
  rest: Partial<NodeGroupOptions> & { kubelet?: Record<string, KubeletValue> };
  include: string[] | undefined;
  exclude: string[] | undefined;
  defaultPick: number | undefined;
  defaultViaParameter: boolean;
}

/** The Kubernetes versions with AMIs, per family (AMI release notes; see KUBERNETES_VERSIONS). */
const VERSIONS: Record<AmiFamily, [number, number]> = { al2023: [30, 36], bottlerocket: [29, 36], al2: [29, 32] };

/** Keeps the Kubernetes version one with AMIs for the family. */
function fitVersion(options: NodeGroupOptions, family: AmiFamily): void {
  if (options.kubernetesVersion === undefined) return;
  const [lo, hi] = VERSIONS[family];
  const minor = Number(options.kubernetesVersion.split('.')[1]);
  options.kubernetesVersion = `1.${lo + (minor % (hi - lo + 1))}`;
}

/** The volume settings EBS takes (Amazon EBS limits per type): sizes in range, the size the IOPS need, throughput ≤ 0.25 per IOPS. */
function fitVolume(options: NodeGroupOptions): void {
  const v = options.volume;
  const type = v?.type ?? 'gp3';
  const [lo, hi] = { gp3: [1, 65536], gp2: [1, 16384], io1: [4, 16384], io2: [4, 65536], st1: [125, 16384], sc1: [125, 16384], standard: [1, 1024] }[type];
  const perGiB = { gp3: 500, io1: 50, io2: 1000 }[type as 'gp3'];
  const iops = v?.iops;
  const need = iops === undefined || perGiB === undefined || (type === 'gp3' && iops <= 3000) ? lo : Math.max(lo, Math.ceil(iops / perGiB));
  if (need > hi) {
    delete v!.iops; // more IOPS than the largest volume takes
    return fitVolume(options);
  }
  const size = Number(options.parameterDefaults?.NodeVolumeSize ?? v?.size ?? 20);
  const fitted = Math.min(hi, Math.max(need, size));
  if (options.parameterDefaults?.NodeVolumeSize !== undefined) options.parameterDefaults.NodeVolumeSize = fitted;
  else options.volume = { ...v, size: fitted };
  const out = options.volume;
  if (out?.throughput !== undefined) out.throughput = Math.min(out.throughput, 2000, Math.floor((iops ?? 3000) / 4));
}

/** ENIs left for pods on a type with these options: min(max ENIs, the default card's) − reserved − 1 with custom networking. */
function enisLeft(type: string, mp: MaxPodsOptions): number {
  const f = getInstanceType(type);
  return Math.min(mp.maxEnis ?? f.defaultCardEnis, f.defaultCardEnis) - (mp.reservedEnis ?? 0) - (mp.customNetworking ? 1 : 0);
}

/** Turns raw random choices into valid options, following the rules the options document. */
function makeValid(raw: RawCase): BuildCase {
  const family = raw.family ?? 'al2023';
  const options: NodeGroupOptions = { ...raw.rest };
  if (raw.family !== undefined) options.amiFamily = raw.family;
  if (raw.include !== undefined) options.instanceTypes = raw.include;
  // A type whose architecture is unknown cannot be named (no AMI can be chosen); patterns drop it.
  if (options.instanceTypes) {
    const kept = options.instanceTypes.filter((p) => p.includes('*') || architectureOf(p.trim()) !== undefined);
    if (kept.length && selectInstanceTypes(kept).some((t) => architectureOf(t) !== undefined)) options.instanceTypes = kept;
    else delete options.instanceTypes;
  }
  let offered = selectInstanceTypes(options.instanceTypes).filter((t) => architectureOf(t) !== undefined);
  const named = new Set((options.instanceTypes ?? []).filter((p) => !p.includes('*')).map((p) => p.trim()));
  if (raw.exclude !== undefined) {
    const kept = offered.filter((t) => !selectInstanceTypes(raw.exclude).includes(t));
    if (kept.length > 0) {
      options.excludeInstanceTypes = raw.exclude;
      offered = kept;
    }
  }
  // architecture offers only its types; a named type of another architecture is an error.
  if (options.architecture !== undefined) {
    const mine = offered.filter((t) => architectureOf(t) === options.architecture);
    if (mine.length === 0 || [...named].some((t) => architectureOf(t) !== options.architecture)) delete options.architecture;
    else offered = mine;
  }
  const mp: MaxPodsOptions = { ...(options.maxPods ?? {}) };
  // No ENI left for pods: such types are left out, but naming one, or leaving none, is an error.
  const noEni = offered.filter((t) => enisLeft(t, mp) <= 0);
  if (noEni.length && (noEni.length === offered.length || noEni.some((t) => named.has(t)))) {
    delete mp.maxEnis;
    delete mp.reservedEnis;
    delete mp.customNetworking;
  } else offered = offered.filter((t) => !noEni.includes(t));
  // An override above 250 needs cap: false (cap goes without calculatorParity).
  if (mp.override !== undefined && mp.override > 250 && mp.cap !== false) mp.override = 250;
  options.maxPods = mp;
  // The recommended cap (on by default with prefix delegation; calculatorParity without showMaxAllowed) needs each type's vCPUs.
  const needsVcpus = mp.calculatorParity !== undefined ? mp.calculatorParity.showMaxAllowed !== true : (mp.cap ?? mp.prefixDelegation === true);
  if (needsVcpus) {
    const lacking = offered.filter((t) => getInstanceType(t).vcpus === undefined);
    if (lacking.length === offered.length) {
      if (mp.calculatorParity) mp.calculatorParity = { ...mp.calculatorParity, showMaxAllowed: true };
      else mp.cap = false;
      options.maxPods = mp;
    } else if (lacking.length > 0) {
      options.excludeInstanceTypes = [...(options.excludeInstanceTypes ?? []), ...lacking];
      offered = offered.filter((t) => !lacking.includes(t));
    }
  }
  if (options.maxPodsLayout === 'per-type' && offered.length > 200) options.maxPodsLayout = 'by-size';
  fitVersion(options, family);
  // An HDD volume (st1, sc1) cannot boot: only Bottlerocket's data volume takes one.
  if (family !== 'bottlerocket' && (options.volume?.type === 'st1' || options.volume?.type === 'sc1')) options.volume = { ...options.volume, type: 'gp2' };
  fitVolume(options);
  // Bottlerocket's template has no ServiceCidr; a node with no memory for pods is refused unless accepted.
  if (family === 'bottlerocket' && options.parameterDefaults) delete options.parameterDefaults.ServiceCidr;
  options.acceptNoAllocatableMemory = true;
  if (raw.defaultPick !== undefined) {
    const pick = offered[raw.defaultPick % offered.length];
    if (raw.defaultViaParameter) options.parameterDefaults = { ...(options.parameterDefaults ?? {}), NodeInstanceType: pick };
    else options.defaultInstanceType = pick;
  }
  return withShow({ options, family, offered, mp: options.maxPods ?? {} });
}

/** Failure reports print a case as its options (not the possibly 1,391 offered types). */
function withShow(c: BuildCase): BuildCase {
  return Object.defineProperty(c, fc.toStringMethod, { value: () => `BuildCase(${JSON.stringify(c.options)})`, enumerable: false });
}

/**
 * Random valid builder options. `maxNames` bounds the instanceTypes list; `allTypesWeight` is
 * how often the list is left out (every known type: bigger, slower templates).
 */
function arbBuildCase({ allTypesWeight = 1 }: { allTypesWeight?: number } = {}): fc.Arbitrary<BuildCase> {
  return fc
    .option(fc.constantFrom(...FAMILIES), { nil: undefined, freq: 6 })
    .chain((family) =>
      fc.record({
        family: fc.constant(family),
        include: fc.option(fc.array(arbTypeSpec, { minLength: 1, maxLength: 5 }), { nil: undefined, freq: 12 / allTypesWeight }),
        exclude: fc.option(fc.array(arbTypeSpec, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
        defaultPick: fc.option(fc.nat(10_000), { nil: undefined }),
        defaultViaParameter: fc.boolean(),
        rest: fc.record(
          {
            maxPods: arbModes,
            maxPodsLayout: fc.constantFrom('by-size', 'per-type' as const),
            kubernetesVersion: fc.integer({ min: 0, max: 99 }).map((n) => `1.${n}`),
            architecture: fc.constantFrom('x86_64', 'arm64' as const),
            volume: arbVolume,
            imds: fc.record({ httpTokens: fc.constantFrom('required', 'optional' as const), hopLimit: fc.integer({ min: 1, max: 64 }) }, { requiredKeys: [] }),
            ssh: fc.record({ keyName: arbText(20), cidr: arbCidr }, { requiredKeys: [] }),
            scaling: arbScaling,
            kubelet: arbKubelet(family ?? 'al2023'),
            tags: arbTags,
            parameterDefaults: fc.record(
              {
                ClusterName: arbText(30),
                NodeGroupName: arbText(30),
                AuthenticationMode: fc.constantFrom('EKS API', 'EKS API and ConfigMap', 'ConfigMap'),
                NodeVolumeSize: fc.integer({ min: 1, max: 16384 }),
                KeyName: arbText(20),
                NodeImageId: fc.constantFrom('', 'ami-0123456789abcdef0'),
                ServiceCidr: fc.constantFrom('10.100.0.0/16', '172.20.0.0/16'),
              },
              { requiredKeys: [] },
            ),
            description: arbText(200).filter((d) => d.length > 0 && Buffer.byteLength(d) <= 1024),
          },
          { requiredKeys: [] },
        ),
      }),
    )
    .map(makeValid);
}

/** "k: v" lines of the options, short enough to read in a failure message. */
const show = (o: unknown): string => JSON.stringify(o, null, 1).slice(0, 3000);

// ------------------------------------------------------------------ 1. build → validate → YAML

describe('properties: builder → validate → YAML round-trip', function () {
  this.timeout(60_000 * SCALE);

  it('random valid options build a template with zero validation errors that round-trips through YAML', () => {
    fc.assert(
      fc.property(arbBuildCase(), ({ options, offered, mp }) => {
        const t = buildNodeGroupTemplate(options);
        const errors = validateTemplate(t).filter((f) => f.severity === 'error');
        expect(errors.map(formatFinding), show(options)).to.deep.equal([]);
        const yamlText = toYaml(t);
        expect(parseTemplate(yamlText), 'parseTemplate(toYaml(t))').to.deep.equal(t);
        // Deterministic: the same options give the same bytes.
        expect(toYaml(buildNodeGroupTemplate(options)), 'second build').to.equal(yamlText);
        // The table holds exactly the offered types, each with maxPods(type, options).
        const table = maxPodsTableFromTemplate(t)!;
        expect([...table.keys()], 'types in the table').to.deep.equal([...offered].sort());
        for (const type of offered) expect(table.get(type), type).to.equal(maxPods(type, mp));
        const param = (t.Parameters as Record<string, { Default?: unknown }>).NodeInstanceType;
        expect(offered, 'the NodeInstanceType default is offered').to.include(param.Default);
      }),
      runs(120),
    );
  });
});

// ------------------------------------------------------------------ 2. single edits → validate never throws

type Path = (string | number)[];

/** Every path in `v` (the root is []). */
function allPaths(v: unknown, p: Path = [], out: Path[] = []): Path[] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...p, i], out));
  else if (isObj(v)) for (const k of Object.keys(v)) allPaths(v[k], [...p, k], out);
  return out;
}

function getAt(root: unknown, p: Path): unknown {
  let v = root;
  for (const k of p) v = (v as Record<string | number, unknown>)[k];
  return v;
}

function setAt(root: unknown, p: Path, value: unknown): void {
  const parent = getAt(root, p.slice(0, -1)) as Obj | unknown[];
  const k = p[p.length - 1];
  if (Array.isArray(parent)) parent[k as number] = value;
  else defineOwn(parent, String(k), value);
}

function deleteAt(root: unknown, p: Path): void {
  const parent = getAt(root, p.slice(0, -1)) as Obj | unknown[];
  const k = p[p.length - 1];
  if (Array.isArray(parent)) parent.splice(k as number, 1);
  else delete parent[String(k)];
}

/** Renames a key in place, keeping the key order (as if the file had the other name). */
function renameAt(root: unknown, p: Path, to: string): void {
  const parent = getAt(root, p.slice(0, -1)) as Obj;
  const from = String(p[p.length - 1]);
  const entries = Object.entries(parent);
  for (const k of Object.keys(parent)) delete parent[k];
  for (const [k, v] of entries) {
    if (k === from) defineOwn(parent, to, v);
    else if (k !== to) defineOwn(parent, k, v);
  }
}

/** Values a parsed (YAML or JSON) template can hold, odd ones included. */
const arbJunk: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 2, '', ' ', 'x', '2010-09-09', ...PROTO_NAMES),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_NAMES, 'Ref', 'Fn::If', 'Type', 'Properties')), tie('v'), { maxKeys: 3, noNullPrototype: true }),
    fc.tuple(fc.constantFrom('Ref', 'Fn::GetAtt', 'Fn::If', 'Fn::Sub', 'Fn::FindInMap', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::Base64', 'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or', 'Fn::GetAZs', 'Fn::ImportValue', 'Fn::Nope', 'Condition'), tie('v')).map(([fn, arg]) => {
      const o: Obj = {};
      defineOwn(o, fn, arg);
      return o;
    }),
  ),
})).v;

/** A name to put where the template has a name: a declared one, a misspelling, junk or a prototype name. */
const arbName = fc.oneof(
  fc.constantFrom(...PROTO_NAMES, '', ' ', 'NodeGroup', 'NodeInstanceType', 'ClusterName', 'AWS::Region', 'AWS::NoValue', 'AWS::Nope', 'HasKeyName', 'PartitionMap', 'MaxPodsBySize', 'Properties', 'Type', 'Fn::If', 'Ref'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

type Edit =
  | { kind: 'delete'; at: number }
  | { kind: 'rename'; at: number; to: string }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'ref'; at: number; to: unknown }
  | { kind: 'getatt'; at: number; to: unknown }
  | { kind: 'dropResource'; at: number }
  | { kind: 'resourceType'; at: number; to: unknown }
  | { kind: 'condition'; at: number; to: unknown }
  | { kind: 'section'; at: number; value: unknown }
  | { kind: 'wrap'; at: number; fn: string };

const SECTIONS = ['AWSTemplateFormatVersion', 'Description', 'Transform', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Resources', 'Outputs', 'Rules', 'Hooks'];

const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), to: arbName }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: arbJunk }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: arbName, value: arbJunk }),
  fc.record({ kind: fc.constant('ref' as const), at: fc.nat(), to: fc.oneof(arbName, arbJunk) }),
  fc.record({
    kind: fc.constant('getatt' as const),
    at: fc.nat(),
    to: fc.oneof(fc.tuple(arbName, arbName), fc.tuple(arbName, arbName).map(([a, b]) => `${a}.${b}`), arbJunk),
  }),
  fc.record({ kind: fc.constant('dropResource' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('resourceType' as const), at: fc.nat(), to: fc.oneof(fc.constantFrom('AWS::EC2::Nope', 'AWS::S3::Bucket', 'Custom::Thing', 'AWS::CloudFormation::CustomResource', 'aws::ec2::instance', ...PROTO_NAMES), arbJunk) }),
  fc.record({ kind: fc.constant('condition' as const), at: fc.nat(), to: fc.oneof(arbName, arbJunk) }),
  fc.record({ kind: fc.constant('section' as const), at: fc.nat(), value: fc.oneof(fc.constant(undefined), arbJunk) }),
  fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), fn: fc.constantFrom('Ref', 'Fn::If', 'Fn::Sub', 'Fn::Join', 'Fn::GetAtt', 'Fn::FindInMap', 'Fn::Nope', 'Condition') }),
);

/** Paths in `t` whose last key is `key` (e.g. every Ref). */
const pathsEndingIn = (t: unknown, key: string): Path[] => allPaths(t).filter((p) => p[p.length - 1] === key);
const pick = <T>(xs: readonly T[], at: number): T | undefined => (xs.length ? xs[at % xs.length] : undefined);

/** Applies one edit to `t` in place; returns a description of what it did (for failure messages). */
function applyEdit(t: Obj, e: Edit): string {
  const paths = allPaths(t).slice(1);
  switch (e.kind) {
    case 'delete': {
      const p = pick(paths, e.at)!;
      deleteAt(t, p);
      return `delete /${p.join('/')}`;
    }
    case 'rename': {
      const p = pick(paths.filter((q) => typeof q[q.length - 1] === 'string'), e.at)!;
      renameAt(t, p, e.to);
      return `rename /${p.join('/')} → ${JSON.stringify(e.to)}`;
    }
    case 'retype': {
      const p = pick(paths, e.at)!;
      setAt(t, p, e.value);
      return `set /${p.join('/')} = ${JSON.stringify(e.value)}`;
    }
    case 'add': {
      const p = pick([[], ...paths].filter((q) => isObj(getAt(t, q))), e.at)!;
      const target = getAt(t, p) as Obj;
      const existing = Object.prototype.hasOwnProperty.call(target, e.key) ? ' (existing)' : '';
      defineOwn(target, e.key, e.value);
      return `add ${JSON.stringify(e.key)}${existing} = ${JSON.stringify(e.value)} under /${p.join('/')}`;
    }
    case 'ref':
    case 'getatt': {
      const p = pick(pathsEndingIn(t, e.kind === 'ref' ? 'Ref' : 'Fn::GetAtt'), e.at);
      if (!p) return 'nothing to edit';
      setAt(t, p, e.to);
      return `set /${p.join('/')} = ${JSON.stringify(e.to)}`;
    }
    case 'dropResource': {
      const id = pick(Object.keys(t.Resources as Obj), e.at)!;
      delete (t.Resources as Obj)[id];
      return `drop resource ${id}`;
    }
    case 'resourceType':
    case 'condition': {
      const id = pick(Object.keys(t.Resources as Obj), e.at)!;
      const r = (t.Resources as Record<string, Obj>)[id];
      defineOwn(r, e.kind === 'resourceType' ? 'Type' : 'Condition', e.to);
      return `set ${id}.${e.kind === 'resourceType' ? 'Type' : 'Condition'} = ${JSON.stringify(e.to)}`;
    }
    case 'section': {
      const s = SECTIONS[e.at % SECTIONS.length];
      if (e.value === undefined) delete t[s];
      else defineOwn(t, s, e.value);
      return `section ${s} = ${JSON.stringify(e.value)}`;
    }
    case 'wrap': {
      const p = pick(paths, e.at)!;
      const o: Obj = {};
      defineOwn(o, e.fn, getAt(t, p));
      setAt(t, p, o);
      return `wrap /${p.join('/')} in ${e.fn}`;
    }
  }
}

/**
 * `v` with every `Fn::GetAtt: "Resource.Attribute"` text as the list [Resource, Attribute], its
 * meaning: a text written as `!GetAtt Resource.Attribute` reads back as the list.
 */
function getAttAsList(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(getAttAsList);
  if (!isObj(v)) return v;
  const keys = Object.keys(v);
  const g = v['Fn::GetAtt'];
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt' && typeof g === 'string' && g.indexOf('.') >= 1) {
    return { 'Fn::GetAtt': [g.slice(0, g.indexOf('.')), g.slice(g.indexOf('.') + 1)] };
  }
  const o: Obj = {};
  for (const k of keys) defineOwn(o, k, getAttAsList(v[k]));
  return o;
}

/** A finding as validateTemplate promises it. */
function expectWellFormed(f: Finding, what: string): void {
  expect(['error', 'warning'], what).to.include(f.severity);
  expect(f.rule, what).to.be.a('string').that.is.not.empty;
  expect(f.message, what).to.be.a('string').that.is.not.empty;
  expect(f.pointer, what).to.be.a('string');
  expect(f.pointer === '' || f.pointer.startsWith('/'), `${what}: pointer ${f.pointer}`).to.equal(true);
  expect(formatFinding(f), what).to.be.a('string');
}

/** Small, quick templates to edit (a few types; every family, layout and option). */
const arbSmallCase = arbBuildCase({ allTypesWeight: 0.01 });

describe('properties: single edits of a valid template → findings, never an exception', function () {
  this.timeout(60_000 * SCALE);

  it('validateTemplate returns well-formed findings (or none) for any single edit', () => {
    fc.assert(
      fc.property(arbSmallCase, arbEdit, ({ options }, edit) => {
        const t = structuredClone(buildNodeGroupTemplate(options)) as unknown as Obj;
        const did = applyEdit(t, edit);
        let findings: Finding[];
        try {
          findings = validateTemplate(t);
        } catch (e) {
          throw new Error(`validateTemplate threw after "${did}": ${(e as Error).stack}`);
        }
        expect(findings, did).to.be.an('array');
        for (const f of findings) expectWellFormed(f, did);
      }),
      runs(400),
    );
  });

  it('the edited template round-trips through YAML (or toYaml refuses it by name), and validating the text never throws', () => {
    fc.assert(
      fc.property(arbSmallCase, arbEdit, ({ options }, edit) => {
        const t = structuredClone(buildNodeGroupTemplate(options)) as unknown as Obj;
        const did = applyEdit(t, edit);
        let text: string;
        try {
          text = toYaml(t);
        } catch (e) {
          if (e instanceof EksNodegroupError) return; // e.g. a value YAML cannot carry: refused with its reason
          throw e;
        }
        expect(getAttAsList(parseTemplate(text, 'edited.yaml')), did).to.deep.equal(getAttAsList(t));
        const findings = validateTemplateText(text, 'edited.yaml');
        for (const f of findings) expectWellFormed(f, did);
      }),
      runs(200),
    );
  });

  it('diffTemplates of a template and its edit never throws (but an EksNodegroupError for a non-template), and an added key is a difference', () => {
    fc.assert(
      fc.property(arbSmallCase, arbEdit, ({ options }, edit) => {
        const t = buildNodeGroupTemplate(options) as unknown as Obj;
        const edited = structuredClone(t);
        const did = applyEdit(edited, edit);
        for (const [a, b] of [[t, edited], [edited, t]]) {
          let d: TemplateDiff;
          try {
            d = diffTemplates(a, b);
          } catch (e) {
            if (e instanceof EksNodegroupError && e.code === 'BAD_INPUT') continue; // e.g. Resources became a list
            throw new Error(`diffTemplates threw after "${did}": ${(e as Error).stack}`);
          }
          if (edit.kind === 'add' && did.startsWith('add') && !did.includes('(existing)')) expect(d.identical, did).to.equal(false);
        }
      }),
      runs(100),
    );
  });

  it('a Ref to a name the template does not declare is an error at that Ref', () => {
    const undeclared = fc.oneof(fc.constantFrom(...PROTO_NAMES, 'NodeGroupX', 'AWS::Nope', 'clustername'), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,10}$/));
    fc.assert(
      fc.property(arbSmallCase, fc.nat(), undeclared, ({ options }, at, name) => {
        const t = structuredClone(buildNodeGroupTemplate(options)) as unknown as Obj;
        const declared = [...Object.keys(t.Parameters as Obj), ...Object.keys(t.Resources as Obj)];
        fc.pre(!declared.includes(name));
        const p = pick(pathsEndingIn(t, 'Ref'), at)!;
        setAt(t, p, name);
        const pointer = '/' + p.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
        const errors = validateTemplate(t).filter((f) => f.severity === 'error');
        const at_ = errors.filter((f) => pointer === f.pointer || pointer.startsWith(f.pointer + '/'));
        expect(at_.map(formatFinding), `Ref ${JSON.stringify(name)} at ${pointer}; all: ${errors.map(formatFinding).join('\n')}`).to.not.be.empty;
      }),
      runs(150),
    );
  });
});

// ------------------------------------------------------------------ 3. render

/**
 * One region per partition of the template's PartitionMap (checked below). Not eusc-de-east-1
 * (partition aws-eusc): the PartitionMap, copied from AWS's template, has no aws-eusc key, so the
 * stack cannot deploy there and render rightly refuses it.
 */
const REGIONS = ['us-east-1', 'eu-west-3', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1'];
const hex = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));
const octet = fc.nat(255);

/** Valid values for the parameters without a Default, and some of those with one. */
const arbParameters: fc.Arbitrary<Record<string, ParameterValue>> = fc
  .record({
    required: fc.record({
      ClusterName: fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/),
      NodeGroupName: fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9_-]{0,40}$/),
      ClusterControlPlaneSecurityGroup: hex(8, 17).map((h) => `sg-${h}`),
      VpcId: hex(8, 17).map((h) => `vpc-${h}`),
      Subnets: fc.oneof(
        fc.array(hex(8, 17).map((h) => `subnet-${h}`), { minLength: 1, maxLength: 4 }),
        fc.array(hex(8, 17).map((h) => `subnet-${h}`), { minLength: 1, maxLength: 4 }).map((a) => a.join(',')),
      ),
      ApiServerEndpoint: fc.tuple(hex(32, 32), fc.constantFrom('gr7', 'yl4', 'sk1'), fc.constantFrom(...REGIONS)).map(([id, c, r]) => `https://${id.toUpperCase()}.${c}.${r}.eks.amazonaws.com`),
      CertificateAuthorityData: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
      ServiceCidr: fc.oneof(fc.tuple(octet, octet).map(([a, b]) => `10.${a}.${b}.0/24`), fc.constantFrom('10.100.0.0/16', '172.20.0.0/16', '192.168.0.0/16')),
    }),
    optional: fc.record(
      {
        AuthenticationMode: fc.constantFrom('EKS API', 'EKS API and ConfigMap', 'ConfigMap'),
        KeyName: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9_. -]{1,20}$/)),
        NodeImageId: fc.oneof(fc.constant(''), hex(17, 17).map((h) => `ami-${h}`)),
        NodeVolumeSize: fc.oneof(fc.integer({ min: 1, max: 16384 }), fc.integer({ min: 1, max: 16384 }).map(String)),
      },
      { requiredKeys: [] },
    ),
    sizes: fc.option(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((x) => x.sort((a, b) => a - b)), { nil: undefined }),
  })
  .map(({ required, optional, sizes }) => ({
    ...required,
    ...optional,
    ...(sizes ? { NodeAutoScalingGroupMinSize: sizes[0], NodeAutoScalingGroupDesiredCapacity: sizes[1], NodeAutoScalingGroupMaxSize: Math.max(1, sizes[2]) } : {}),
  }));

describe('properties: renderTemplate on generated templates', function () {
  this.timeout(60_000 * SCALE);

  it('the regions tried cover every partition of the template (one region each)', () => {
    const partitions = Object.keys((buildNodeGroupTemplate({ instanceTypes: ['t3.medium'] }).Mappings as Record<string, Obj>).PartitionMap);
    expect([...new Set(REGIONS.map((r) => partitionOfRegion(r).partition))].sort()).to.deep.equal([...partitions].sort());
  });

  it('never throws with valid parameters, and the user data carries maxPods(type, options)', () => {
    fc.assert(
      fc.property(arbBuildCase(), fc.nat(), arbParameters, fc.constantFrom(...REGIONS), fc.boolean(), (c, at, params, region, viaYaml) => {
        const built = buildNodeGroupTemplate(c.options);
        // What a user deploys is the YAML file: render that (or the object) — both must agree.
        const template = viaYaml ? parseTemplate(toYaml(built)) : built;
        const type = c.offered[at % c.offered.length];
        const given: Record<string, ParameterValue> = { ...params, NodeInstanceType: type };
        // Only what the template declares: Bottlerocket's has no ServiceCidr; the volume size within its MinValue–MaxValue.
        const declared = built.Parameters as Record<string, { MinValue?: number; MaxValue?: number }>;
        if (!declared.ServiceCidr) delete given.ServiceCidr;
        const size = Number(given.NodeVolumeSize);
        if (given.NodeVolumeSize !== undefined && !(size >= declared.NodeVolumeSize.MinValue! && size <= declared.NodeVolumeSize.MaxValue!)) delete given.NodeVolumeSize;
        let rendered;
        try {
          rendered = renderTemplate(template, given, { region });
        } catch (e) {
          throw new Error(`renderTemplate threw ${(e as Error).name}: ${(e as Error).message}\noptions: ${show(c.options)}\nparameters: ${show(given)}`);
        }
        const entries = userDataOf(rendered);
        expect(entries.map((e) => e.logicalId)).to.deep.equal(['NodeLaunchTemplate']);
        const got = maxPodsFromUserData(entries[0].text);
        expect(got.format, show(c.options)).to.equal(USER_DATA_FORMAT[c.family]);
        expect(got.maxPods, `${type}: ${show(c.options)}`).to.equal(maxPods(type, c.mp));
        expect(entries[0].text, 'the cluster name reaches the node').to.include(String(params.ClusterName));
      }),
      runs(120),
    );
  });
});

// ------------------------------------------------------------------ 4. diff

const MIRROR_KIND = { added: 'removed', removed: 'added', changed: 'changed' } as const;
const MIRROR_IMPACT: Record<string, string> = { create: 'destroy', destroy: 'create' };

/** Drops undefined fields at any depth, so `{ old: undefined }` and `{}` compare equal. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clean(x)])) as T;
}

/**
 * The mirror of a hunk: old ↔ new start and length, `-` ↔ `+`; within each run of changed lines
 * the removed lines come first (jsdiff's order), so the swapped run is reordered the same way.
 */
function mirrorHunk(h: LineHunk): LineHunk {
  const lines: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    lines.push(...run.filter((l) => l.startsWith('-')), ...run.filter((l) => l.startsWith('+')));
    run = [];
  };
  for (const l of h.lines) {
    const swapped = l.startsWith('-') ? '+' + l.slice(1) : l.startsWith('+') ? '-' + l.slice(1) : l;
    if (swapped.startsWith(' ') || swapped.startsWith('\\')) {
      flush();
      lines.push(swapped);
    } else run.push(swapped);
  }
  flush();
  return { oldStart: h.newStart, oldLines: h.newLines, newStart: h.oldStart, newLines: h.oldLines, lines };
}

function mirrorChange(c: ValueChange): ValueChange {
  return clean({ ...c, kind: MIRROR_KIND[c.kind], old: c.new, new: c.old, lines: c.lines?.map(mirrorHunk) });
}

/**
 * The mirror rule: diff(b, a) has, for every entry of diff(a, b), one entry with the same section,
 * name, key and pointer, with kind added ↔ removed (changed stays changed), old ↔ new (values and
 * resource types), impact create ↔ destroy (any other impact the same), and its changes mirrored
 * the same way (same pointer and path; line hunks with old ↔ new and - ↔ +). Order aside, nothing
 * else: the summaries swap added and removed, and permissionsChanged is the same.
 */
function mirrorEntry(e: DiffEntry): DiffEntry {
  return clean({
    ...e,
    kind: MIRROR_KIND[e.kind],
    old: e.new,
    new: e.old,
    resourceType: e.resourceType && clean({ old: e.resourceType.new, new: e.resourceType.old }),
    impact: e.impact && ((MIRROR_IMPACT[e.impact] ?? e.impact) as DiffEntry['impact']),
    changes: e.changes.map(mirrorChange),
  });
}

/**
 * A changed value's pointer and path lead into the NEW template, so in the mirror they lead into
 * the other one: list indices may differ by the items added or removed before it. Those indices
 * are masked for the comparison (the pointers are checked exactly by resolving them, below).
 * Added and removed values keep exact pointers: an added one is in the new template, a removed
 * one in the old, i.e. the same template in both directions.
 */
const maskIndices = (c: ValueChange): ValueChange =>
  c.kind === 'changed' ? { ...c, pointer: c.pointer.replace(/\/\d+(?=\/|$)/g, '/#'), path: c.path.map((s) => (/^\d+$/.test(s) ? '#' : s)) } : c;
const entryKey = (e: DiffEntry): string => JSON.stringify([e.section, e.name, e.key ?? null, e.pointer]);
const changeKey = (c: ValueChange): string => JSON.stringify([c.pointer, c.kind, c.path, c.old ?? null, c.new ?? null]);
const sorted = (entries: DiffEntry[]): DiffEntry[] =>
  [...entries]
    .map((e) => clean({ ...e, changes: e.changes.map((c) => clean(maskIndices(c))).sort((x, y) => (changeKey(x) < changeKey(y) ? -1 : 1)) }))
    .sort((x, y) => (entryKey(x) < entryKey(y) ? -1 : 1));

/** The value a JSON pointer (RFC 6901) leads to in `root`, or undefined. */
function resolvePointer(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** Every change's pointer leads to its value: a removed one in the old template, others in the new. */
function expectPointersResolve(d: TemplateDiff, oldT: Obj, newT: Obj, what: string): void {
  for (const e of d.entries) {
    for (const c of e.changes) {
      const [where, value] = c.kind === 'removed' ? [oldT, c.old] : [newT, c.new];
      expect(cfnEqual(resolvePointer(where, c.pointer), value), `${c.kind} ${c.pointer} = ${JSON.stringify(value)}\n${what}`).to.equal(true);
    }
  }
}

/** maxPods(type, options), or undefined when these options cannot compute it (a missing fact). */
function computedOrNone(type: string, options: MaxPodsOptions): number | undefined {
  try {
    return maxPods(type, options);
  } catch {
    return undefined;
  }
}

function expectEmpty(d: TemplateDiff, what: string): void {
  expect(d.identical, what).to.equal(true);
  expect(d.entries, what).to.deep.equal([]);
  expect([d.summary.added, d.summary.removed, d.summary.changed], what).to.deep.equal([0, 0, 0]);
  expect(d.permissionsChanged, what).to.equal(false);
  if (d.maxPods) {
    expect(d.maxPods.changed, what).to.deep.equal([]);
    expect(d.maxPods.onlyOld, what).to.deep.equal([]);
    expect(d.maxPods.onlyNew, what).to.deep.equal([]);
    for (const r of d.maxPods.rows) expect(r.old, r.instanceType).to.equal(r.new);
  }
}

/** Two templates to compare: independent options, or one set of options with a few changed. */
const arbPair: fc.Arbitrary<[BuildCase, BuildCase]> = fc.oneof(
  fc.tuple(arbSmallCase, arbSmallCase),
  fc.tuple(arbSmallCase, arbSmallCase).map(([a, b]): [BuildCase, BuildCase] => {
    // Same types and family, other settings from b: small, realistic diffs (an option changed).
    const options: NodeGroupOptions = { ...b.options, amiFamily: a.options.amiFamily, instanceTypes: a.options.instanceTypes, excludeInstanceTypes: a.options.excludeInstanceTypes };
    if (options.amiFamily === undefined) delete options.amiFamily;
    delete options.kubelet;
    delete options.defaultInstanceType;
    if (options.parameterDefaults) {
      const { NodeInstanceType: _drop, ...rest } = options.parameterDefaults;
      options.parameterDefaults = rest;
    }
    // a's types hold with a's max-pods options and architecture; the rest is b's, kept valid for a's family.
    options.maxPods = a.options.maxPods;
    if (a.options.architecture === undefined) delete options.architecture;
    else options.architecture = a.options.architecture;
    if (options.maxPodsLayout === 'per-type' && a.offered.length > 200) options.maxPodsLayout = 'by-size';
    fitVersion(options, a.family);
    fitVolume(options);
    if (a.family === 'bottlerocket' && options.parameterDefaults) delete options.parameterDefaults.ServiceCidr;
    return [a, withShow({ options, family: a.family, offered: a.offered, mp: options.maxPods ?? {} })];
  }),
);

describe('properties: diffTemplates', function () {
  this.timeout(60_000 * SCALE);

  it('a template compared with itself (and with its YAML round-trip) is identical: no entries', () => {
    fc.assert(
      fc.property(arbBuildCase(), ({ options }) => {
        const t = buildNodeGroupTemplate(options) as unknown as Obj;
        expectEmpty(diffTemplates(t, t), 'diff(t, t)');
        expectEmpty(diffTemplates(t, parseTemplate(toYaml(t))), 'diff(t, parseTemplate(toYaml(t)))');
      }),
      runs(40),
    );
  });

  it('diff(a, b) is the mirror of diff(b, a)', () => {
    fc.assert(
      fc.property(arbPair, ([ca, cb]) => {
        const a = buildNodeGroupTemplate(ca.options) as unknown as Obj;
        const b = buildNodeGroupTemplate(cb.options) as unknown as Obj;
        const ab = diffTemplates(a, b);
        const ba = diffTemplates(b, a);
        const what = `a: ${show(ca.options)}\nb: ${show(cb.options)}`;
        expect(ba.identical, what).to.equal(ab.identical);
        expect(ba.permissionsChanged, what).to.equal(ab.permissionsChanged);
        expect(ba.summary.added, what).to.equal(ab.summary.removed);
        expect(ba.summary.removed, what).to.equal(ab.summary.added);
        expect(ba.summary.changed, what).to.equal(ab.summary.changed);
        expect(sorted(ba.entries), what).to.deep.equal(sorted(ab.entries.map(mirrorEntry)));
        expectPointersResolve(ab, a, b, what);
        expectPointersResolve(ba, b, a, what);
        // The max-pods view: old ↔ new per type; the computed column uses the NEW template's
        // options (Metadata.EksNodegroup.MaxPodsOptions), so each direction uses the other side's.
        const va = ab.maxPods!;
        const vb = ba.maxPods!;
        expect(vb.rows.map((r) => [r.instanceType, r.new, r.old]), what).to.deep.equal(va.rows.map((r) => [r.instanceType, r.old, r.new]));
        expect([vb.onlyOld, vb.onlyNew, vb.changed], what).to.deep.equal([va.onlyNew, va.onlyOld, va.changed]);
        for (const [view, opts] of [[va, cb.mp], [vb, ca.mp]] as const) {
          for (const r of view.rows) expect(r.computed, r.instanceType).to.equal(computedOrNone(r.instanceType, opts));
          // So "unknown" (no computed value) and staleness are each direction's own, not mirrored.
          expect(view.unknown, what).to.deep.equal(view.rows.filter((r) => r.computed === undefined).map((r) => r.instanceType));
        }
        if (isDeepStrictEqual(ca.mp, cb.mp)) {
          expect([vb.staleOld, vb.staleNew, vb.unknown], what).to.deep.equal([va.staleNew, va.staleOld, va.unknown]);
        }
      }),
      runs(60),
    );
  });
});

// ------------------------------------------------------------------ regressions

/** Bugs the properties above found, pinned down one by one. */
describe('regressions found by the pipeline properties', () => {
  const base = (): Obj => structuredClone(buildNodeGroupTemplate({ instanceTypes: ['t3.medium'], maxPodsLayout: 'per-type' })) as unknown as Obj;
  const launchData = (t: Obj): Obj => ((t.Resources as Record<string, Obj>).NodeLaunchTemplate.Properties as Obj).LaunchTemplateData as Obj;
  const maxPodsVar = (t: Obj): Obj => ((launchData(t).UserData as Obj)['Fn::Base64'] as Obj)['Fn::Sub'] as unknown as Obj;
  const rules = (t: Obj, pointer: string): string[] => validateTemplate(t).filter((f) => f.severity === 'error' && f.pointer === pointer).map((f) => f.rule);

  it('validate: a resource Type named like an Object.prototype member ("valueOf") is an unknown type, not a TypeError', () => {
    const t = base();
    (t.Resources as Record<string, Obj>).NodeInstanceRole.Type = 'valueOf'; // Fn::GetAtt NodeInstanceRole.Arn is used
    expect(rules(t, '/Resources/NodeInstanceRole/Type')).to.include('unknown-resource-type');
  });

  it('validate: Fn::FindInMap with a mapping or key named __proto__ / constructor is reported, not looked up on Object.prototype', () => {
    const findInMap = (args: unknown[]): Obj => {
      const t = base();
      (maxPodsVar(t) as unknown as unknown[])[1] = { MaxPods: { 'Fn::FindInMap': args } };
      return t;
    };
    const at = '/Resources/NodeLaunchTemplate/Properties/LaunchTemplateData/UserData/Fn::Base64/Fn::Sub/1/MaxPods/Fn::FindInMap';
    expect(rules(findInMap(['__proto__', 't3.medium', 'MaxPods']), `${at}/0`)).to.deep.equal(['findinmap-target']);
    expect(rules(findInMap(['MaxPodsPerNode', '__proto__', 'toString']), `${at}/1`)).to.deep.equal(['findinmap-key']);
    expect(rules(findInMap(['MaxPodsPerNode', 'constructor', 'MaxPods']), `${at}/1`)).to.deep.equal(['findinmap-key']);
  });

  it('validate: parameter constraints holding objects that do not convert to text are findings, not a TypeError', () => {
    const t = base();
    const params = t.Parameters as Record<string, Obj>;
    params.NodeInstanceType.AllowedValues = [{ toString: null }];
    params.ClusterName.MinLength = Object.create(null);
    params.ClusterName.Default = 'prod';
    expect(rules(t, '/Parameters/NodeInstanceType/AllowedValues/0')).to.deep.equal(['type']);
    expect(rules(t, '/Parameters/ClusterName/MinLength')).to.deep.equal(['type']);
  });

  it('yaml: keys named like Object.prototype members are plain keys, not intrinsic functions or the prototype', () => {
    expect(intrinsicKey({ constructor: 2 })).to.equal(undefined);
    expect(intrinsicKey(JSON.parse('{"__proto__": "x"}'))).to.equal(undefined);
    const t = parseTemplate('{"Resources": {"R": {"Type": "AWS::SNS::Topic", "Metadata": {"__proto__": {"Ref": "X"}, "m": {"constructor": 2}, "n": {"toString": "s"}}}}}');
    const text = toYaml(t);
    expect(text).to.include('__proto__: !Ref X').and.include('constructor: 2').and.include('toString: s');
    expect(parseTemplate(text)).to.deep.equal(t);
  });

  it('yaml: an intrinsic whose argument no short form can carry is written in long form and reads back the same', () => {
    const t = { Outputs: { A: { Value: { Ref: 0 } }, B: { Value: { Ref: null } }, C: { Value: { 'Fn::GetAtt': 'NoDot' } }, D: { Value: { 'Fn::Base64': true } } } };
    const text = toYaml(t);
    expect(text).to.include('Ref: 0').and.include('Fn::GetAtt: NoDot');
    expect(parseTemplate(text)).to.deep.equal(t);
  });

  it('diff: resources, parameters and keys named constructor / toString / __proto__ are compared like any other name', () => {
    const a = { Parameters: { P: { Type: 'String' } }, Resources: { R: { Type: 'AWS::SNS::Topic' } } };
    const b = parseTemplate(
      '{"Parameters": {"P": {"Type": "String"}, "toString": {"Type": "String"}}, "Resources": {"R": {"Type": "AWS::SNS::Topic", "Metadata": {"__proto__": 1}}, "constructor": {"Type": "AWS::SNS::Topic"}}}',
    );
    const d = diffTemplates(a, b);
    expect(d.entries.map((e) => [e.kind, e.section, e.name])).to.deep.equal([
      ['added', 'Parameters', 'toString'],
      ['changed', 'Resources', 'R'],
      ['added', 'Resources', 'constructor'],
    ]);
    const metadata = JSON.parse('{"__proto__": 1}');
    expect(d.entries[1].changes.map((c) => [c.kind, c.pointer, c.new])).to.deep.equal([['added', '/Resources/R/Metadata', metadata]]);
    expect(diffTemplates(b, b).identical).to.equal(true);
    expect(diffTemplates(b, parseTemplate(JSON.stringify(b).replace('"__proto__":1', '"__proto__":2'))).identical).to.equal(false);
  });

  it('yaml: Fn::GetAtt with an empty resource name is not written as "!GetAtt .Attr" (which reads back as an error)', () => {
    const t = { Outputs: { A: { Value: { 'Fn::GetAtt': ['', 'Arn'] } } } };
    expect(parseTemplate(toYaml(t))).to.deep.equal(t);
  });

  it('diff: a resource cloudformation-diff cannot read (IAM Statement 0) gives a BAD_INPUT error naming it, not a TypeError', () => {
    const a = base();
    const b = base();
    (((b.Resources as Record<string, Obj>).NodeInstanceRole.Properties as Obj).AssumeRolePolicyDocument as Obj).Statement = 0;
    for (const [x, y] of [[b, a], [a, b]]) {
      const e = failure(() => diffTemplates(x, y));
      expect(e.code).to.equal('BAD_INPUT');
      expect(e.message).to.match(/resource NodeInstanceRole: @aws-cdk\/cloudformation-diff fails on it/).and.match(/eks-nodegroup validate/);
    }
  });

  it('diff: a logical ID named hasOwnProperty (which broke cloudformation-diff on whole templates) is one resource removed and one added', () => {
    const a = base();
    const b = base();
    renameAt(b, ['Resources', 'NodeInstanceRole'], 'hasOwnProperty');
    const kinds = diffTemplates(a, b).entries.filter((e) => e.section === 'Resources').map((e) => `${e.name} ${e.kind} ${e.impact}`);
    expect(kinds).to.include.members(['NodeInstanceRole removed destroy', 'hasOwnProperty added create']);
  });

  it('diff: a value removed inside a list item that moved points into the OLD template', () => {
    const sg = (tags: Obj[]): Obj => ({ Resources: { SG: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'nodes', Tags: tags } } } });
    // One tag dropped in front: the item with Extra is Tags/2 in the old template, Tags/1 in the new.
    const a = sg([{ Key: 'p', Value: '1' }, { Key: 'c', Value: '2' }, { Key: 'x', Value: '3', Extra: 'e' }]);
    const b = sg([{ Key: 'c', Value: '2' }, { Key: 'x', Value: '3' }]);
    const changes = (d: TemplateDiff) => d.entries[0].changes.map((c) => [c.kind, c.pointer, c.path.join('.')]);
    expect(changes(diffTemplates(a, b))).to.deep.equal([
      ['removed', '/Resources/SG/Properties/Tags/0', 'Properties.Tags.0'],
      ['removed', '/Resources/SG/Properties/Tags/2/Extra', 'Properties.Tags.2.Extra'],
    ]);
    expect(changes(diffTemplates(b, a))).to.deep.equal([
      ['added', '/Resources/SG/Properties/Tags/0', 'Properties.Tags.0'],
      ['added', '/Resources/SG/Properties/Tags/2/Extra', 'Properties.Tags.2.Extra'],
    ]);
  });
});
