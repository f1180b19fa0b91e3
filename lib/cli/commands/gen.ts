/**
 * `eks-nodegroup gen`: writes the node-group template. Options come from `-c config.yaml|json`
 * (checked against schema/nodegroup-options.schema.json, generated from the option types) and
 * flags, flags winning. Nothing is written unless the whole template was built (and validated):
 * the file is replaced atomically, so a failed run leaves an existing output untouched.
 */
import * as path from 'node:path';
import { EksNodegroupError, isRecord, listOf, own, plural, setOwn, toPointer } from '../../core';
import { DEFAULT_SYSTEM_PODS, typesWithoutRoom } from '../../capacity';
import { MAX_MIXED_TYPES, mixedSummary, SPOT_ALLOCATION_STRATEGIES } from '../../nodegroup/mixed';
import { DEFAULTS, nodeGroupTemplate, requiredCapabilities, resolveNodeGroupOptions, type NodeGroupOptions, type NodeGroupTemplate, type ResolvedNodeGroupOptions } from '../../nodegroup';
import { checkOutput, readTextFile, writeFileAtomic } from '../files';
import { formatFinding, hasErrors, validateTemplate } from '../../validate';
import { parseTemplateWithSource, toYaml, type SourcePosition } from '../../yaml';
import { parseFlags, type FlagSpec, type Parsed } from '../args';
import type { CliIO, Command } from '../io';
import { EXIT_FINDINGS, EXIT_OK } from '../io';
import { MAX_POD_FLAGS, MAX_POD_FLAGS_HELP, MAX_POD_OPTION_FLAGS, maxPodsOptionsFromFlags } from './max-pods';

const usage = 'eks-nodegroup gen [-c CONFIG] [-o FILE | --stdout] [options]';
export const DEFAULT_OUTPUT = path.join('templates', 'nodegroup.yaml');
/** CloudFormation's limit for a template body passed inline (without --s3-bucket). */
export const INLINE_TEMPLATE_LIMIT = 51_200;

/** How a flag's text becomes its option's value; the resolver then checks the value (ranges, choices). The max-pods mode flags, shared with the max-pods command, are read by maxPodsOptionsFromFlags. */
type FlagKind = 'text' | 'number' | 'list' | 'on' | 'off' | 'map';

/** The flags that set an option: the option's path in NodeGroupOptions (named in errors about its value), the flag's kind, its short name. */
const OPTION_FLAGS: Readonly<Record<string, readonly [string, FlagKind, string?]>> = {
  'ami-family': ['amiFamily', 'text'],
  'instance-types': ['instanceTypes', 'list', 't'],
  exclude: ['excludeInstanceTypes', 'list'],
  'default-instance-type': ['defaultInstanceType', 'text'],
  layout: ['maxPodsLayout', 'text'],
  'kubernetes-version': ['kubernetesVersion', 'text'],
  arch: ['architecture', 'text'],
  'volume-size': ['volume.size', 'number'],
  'volume-type': ['volume.type', 'text'],
  'volume-iops': ['volume.iops', 'number'],
  'volume-throughput': ['volume.throughput', 'number'],
  'unencrypted-volume': ['volume.encrypted', 'off'],
  'kms-key-id': ['volume.kmsKeyId', 'text'],
  'imds-tokens': ['imds.httpTokens', 'text'],
  'imds-hop-limit': ['imds.hopLimit', 'number'],
  'key-name': ['ssh.keyName', 'text'],
  'ssh-cidr': ['ssh.cidr', 'text'],
  'min-size': ['scaling.min', 'number'],
  'desired-capacity': ['scaling.desired', 'number'],
  'max-size': ['scaling.max', 'number'],
  kubelet: ['kubelet', 'map'],
  tag: ['tags', 'map'],
  parameter: ['parameterDefaults', 'map', 'p'],
  description: ['description', 'text'],
  'accept-no-allocatable-memory': ['acceptNoAllocatableMemory', 'on'],
  'mixed-instances': ['mixedInstances', 'on'],
  'on-demand-base': ['mixedInstances.onDemandBaseCapacity', 'number'],
  'on-demand-percentage': ['mixedInstances.onDemandPercentageAboveBaseCapacity', 'number'],
  'spot-allocation-strategy': ['mixedInstances.spotAllocationStrategy', 'text'],
  'no-capacity-rebalance': ['mixedInstances.capacityRebalance', 'off'],
  weight: ['mixedInstances.weights', 'map'],
};

/** The max-pods mode flags (shared with max-pods), each with its path under maxPods. */
const MODE_FLAGS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(MAX_POD_OPTION_FLAGS).map(([f, [key]]) => [f, `maxPods.${key}`]));

const FLAGS: FlagSpec = {
  ...Object.fromEntries(
    Object.entries(OPTION_FLAGS).map(([f, [, kind, short]]) => [
      f,
      { type: kind === 'on' || kind === 'off' ? 'boolean' : 'string', ...(kind === 'list' || kind === 'map' ? { multiple: true } : {}), ...(short ? { short } : {}) },
    ]),
  ),
  ...MAX_POD_FLAGS,
  config: { type: 'string', short: 'c' },
  output: { type: 'string', short: 'o' },
  stdout: { type: 'boolean' },
};

const help = `usage: ${usage}

Writes the EKS self-managed node-group CloudFormation template with max pods computed for every
offered instance type, then prints its path, size and the deploy command that fits it.

  -c, --config FILE          options from a YAML or JSON file (schema/nodegroup-options.schema.json);
                             flags below override it
  -o, --output FILE          where to write (default ${DEFAULT_OUTPUT}); replaced atomically
      --stdout               print the template instead of writing a file
      --ami-family F         al2023 | bottlerocket | al2 (default ${DEFAULTS.amiFamily})
  -t, --instance-types LIST  offered types: names and patterns, comma-separated or repeated
                             (t3.*, *.metal, m5.large); default every known type
      --exclude LIST         names or patterns to leave out
      --default-instance-type T   NodeInstanceType default (${DEFAULTS.defaultInstanceType} when offered)
      --layout L             by-size (all types, needs CAPABILITY_AUTO_EXPAND)
                             | per-type (AWS 2018 MaxPodsPerNode mapping, ≤ 200 types)
                             (default ${DEFAULTS.maxPodsLayout})
      --kubernetes-version V AMI SSM parameter version (default ${Object.entries(DEFAULTS.kubernetesVersion).map(([f, v]) => `${f} ${v}`).join(', ')})
      --arch A               x86_64 | arm64: offer only the types of that architecture (default both,
                             each type with the AMI of its own)
      --volume-size N        NodeVolumeSize default in GiB (default ${DEFAULTS.volume.size})
      --volume-type T        gp3 | gp2 | io1 | io2 | st1 | sc1 | standard (default ${DEFAULTS.volume.type})
      --volume-iops N        provisioned IOPS (required for io1/io2; gp3 optional)
      --volume-throughput N  gp3 throughput in MiB/s
      --unencrypted-volume   do not encrypt the node volume (encrypted by default)
      --kms-key-id KEY       KMS key for the volume encryption
      --imds-tokens T        required (IMDSv2 only) | optional (default ${DEFAULTS.imds.httpTokens})
      --imds-hop-limit N     IMDS response hop limit (default ${DEFAULTS.imds.hopLimit})
      --key-name NAME        KeyName default (EC2 key pair; default none)
      --ssh-cidr CIDR        allow SSH (TCP 22) from CIDR (default: no SSH ingress)
      --min-size N / --desired-capacity N / --max-size N   Auto Scaling defaults (${DEFAULTS.scaling.min} / ${DEFAULTS.scaling.desired} / ${DEFAULTS.scaling.max})
      --kubelet KEY=VALUE    extra kubelet setting (repeatable; VALUE may be JSON)
      --tag KEY=VALUE        tag on the Auto Scaling group (propagated) and security group
  -p, --parameter NAME=VALUE default for a template parameter (repeatable), e.g. ClusterName=prod
      --description TEXT     template Description
      --accept-no-allocatable-memory
                             build even where a node keeps no memory for pods (refused otherwise)
      --mixed-instances      one Auto Scaling group over the -t types (at most ${MAX_MIXED_TYPES}), Spot and/or
                             On-Demand, one launch template per (max pods, architecture); the types
                             are fixed in the template (no NodeInstanceType parameter). With it:
        --on-demand-base N       On-Demand nodes before any Spot (default ${DEFAULTS.mixedInstances.onDemandBaseCapacity})
        --on-demand-percentage P On-Demand share above the base, 0–100; the rest is Spot
                                 (default ${DEFAULTS.mixedInstances.onDemandPercentageAboveBaseCapacity}: no Spot unless asked)
        --spot-allocation-strategy S
                                 ${SPOT_ALLOCATION_STRATEGIES.join(' | ')}
                                 (default ${DEFAULTS.mixedInstances.spotAllocationStrategy})
        --no-capacity-rebalance  no Capacity Rebalancing (on by default)
        --weight TYPE=N          WeightedCapacity 1–999 (repeatable; every type or none); the sizes
                                 then count capacity units: max ≥ desired + the largest weight
${MAX_POD_FLAGS_HELP}

Exit codes: 0 written, 1 the generated template is invalid (nothing written), 2 bad usage or input
(nothing written).`;

/** KEY=VALUE flag values; a KEY given twice is refused (the second would silently win). */
function keyValues(flag: string, values: unknown): [string, string][] {
  if (values === undefined) return [];
  const seen = new Set<string>();
  return (values as string[]).map((kv) => {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new EksNodegroupError('BAD_OPTION', `invalid value for --${flag}: ${JSON.stringify(kv)} (allowed: KEY=VALUE)`);
    const key = kv.slice(0, eq);
    if (seen.has(key)) throw new EksNodegroupError('BAD_OPTION', `--${flag} ${key}=… is given twice: give each key once`);
    seen.add(key);
    return [key, kv.slice(eq + 1)];
  });
}

/** A kubelet value from the command line: JSON when it parses as JSON, else the text. */
function kubeletValue(text: string): NonNullable<NodeGroupOptions['kubelet']>[string] {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'number' && !Number.isFinite(v)) return text; // 1e999 is no number kubelet takes
    if (v !== null && typeof v !== 'object') return v as string | number | boolean;
    if (v !== null) return v as string[];
  } catch {
    /* plain text */
  }
  return text;
}

/** A config file: YAML or JSON holding a mapping of options (checked with the flags' by the resolver). */
export function readConfig(file: string, shown: string): { options: NodeGroupOptions; locate(pointer: string): SourcePosition | undefined } {
  const text = readTextFile(file, undefined, shown);
  try {
    const { template, locate } = parseTemplateWithSource(text, shown);
    return { options: template as NodeGroupOptions, locate };
  } catch (e) {
    if (e instanceof EksNodegroupError && /the document must be a mapping/.test(e.message)) {
      throw new EksNodegroupError('BAD_INPUT', `${shown}: a config file holds a mapping of options (see schema/nodegroup-options.schema.json)`);
    }
    if (e instanceof EksNodegroupError) throw new EksNodegroupError(e.code, `${e.message} (a YAML or JSON config file is expected)`);
    throw e;
  }
}


/**
 * An error about an option, said where the value came from: the flag that set it
 * (`invalid value for --volume-size: …`), or the config file's line and column.
 */
function attribute(e: EksNodegroupError, values: Parsed['values'], config?: { shown: string; options: NodeGroupOptions; locate(pointer: string): SourcePosition | undefined }): EksNodegroupError {
  const option = e.option;
  if (option === undefined) return e;
  const keys = optionKeys(option);
  const pathOf = (f: string): string => OPTION_FLAGS[f]?.[0] ?? MODE_FLAGS[f];
  const isMap = (f: string) => OPTION_FLAGS[f]?.[1] === 'map';
  const related = (p: string) => p === option || option.startsWith(`${p}.`) || p.startsWith(`${option}.`);
  // A switch (--mixed-instances, --unencrypted-volume) carries no value, so no bad value comes from it.
  const flags = Object.keys(FLAGS).filter((f) => pathOf(f) !== undefined && values[f] !== undefined && FLAGS[f].type !== 'boolean' && related(pathOf(f)));
  // The flag that gives exactly this option (a KEY=VALUE flag: this key); flags win over the config file.
  const givesKey = (f: string) => keyValues(f, values[f]).some(([k]) => k === keys[keys.length - 1]);
  const valueAt = (o: unknown): unknown => keys.reduce<unknown>((d, k) => (Array.isArray(d) ? d[Number(k)] : isRecord(d) ? own(d, k) : undefined), o);
  const inConfig = config && valueAt(config.options);
  // A KEY=VALUE flag's keys merge into the config's mapping; a config value of another shape stays, and is the one at fault.
  const exact = flags.filter((f) =>
    isMap(f) ? (option.startsWith(`${pathOf(f)}.`) ? givesKey(f) : option === pathOf(f) && (inConfig === undefined || isRecord(inConfig))) : pathOf(f) === option,
  );
  // Where the config file gives this option; none when only flags or defaults do.
  const pos = config && inConfig !== undefined ? config.locate(toPointer(keys)) : undefined;
  // An option nobody set (its default broke a rule another option made): name it with its default.
  const fallback = valueAt(DEFAULTS);
  const ownFlag = Object.keys(OPTION_FLAGS).find((f) => OPTION_FLAGS[f][0] === option);
  let message: string | undefined;
  if (exact.length === 1 && e.message.includes(`for ${option}:`)) {
    const f = exact[0];
    message = e.message.replace(`for ${option}:`, `for --${f}${pathOf(f) === option ? '' : ` ${keys[keys.length - 1]}=…`}:`);
  } else if (exact.length === 1 && pathOf(exact[0]) === option && e.message.includes(`${option}: `)) {
    message = e.message.replaceAll(`${option}: `, `--${exact[0]}: `);
  } else if (!flags.length && !pos && ownFlag && typeof fallback !== 'object' && fallback !== undefined && e.message.includes(`for ${option}:`)) {
    message = `${config ? `${config.shown}: ` : ''}${e.message.replace(`for ${option}:`, `for ${config ? option : `--${ownFlag}`} (default ${fallback}):`)}`;
  } else if (config && pos) {
    message = `${config.shown}:${pos.line}:${pos.col}: ${e.message}${flags.length ? ` (with ${flags.map((f) => `--${f}`).join(', ')})` : ''}`;
  } else if (flags.length) {
    message = `${e.message} (from ${flags.map((f) => `--${f}`).join(', ')})`;
  } else if (config) {
    message = `${config.shown}: ${e.message}`;
  }
  if (message === undefined) return e;
  const out = new EksNodegroupError(e.code, message, e.exitCode);
  out.option = option;
  return out;
}

/** An option's path as keys: a KEY=VALUE option's key is one key, dots and all (`mixedInstances.weights.m5.large`). */
function optionKeys(option: string): string[] {
  const map = Object.values(OPTION_FLAGS).find(([p, kind]) => kind === 'map' && option.startsWith(`${p}.`));
  return map ? [...map[0].split('.'), option.slice(map[0].length + 1)] : option.split('.');
}

/** A flag's value as its option takes it; the resolver checks it (a number that does not parse is passed on as text, for it to refuse). */
function flagValue(flag: string, kind: FlagKind, raw: unknown): unknown {
  const number = (t: string): number | string => (/^-?\d+$/.test(t.trim()) ? Number(t) : t);
  switch (kind) {
    case 'on':
      return true;
    case 'off':
      return false;
    case 'number':
      return number(String(raw));
    case 'list':
      return (raw as string[]).flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '');
    case 'map':
      // Weights are numbers; -p values stay text (the resolver reads a Number parameter's); kubelet values may be JSON.
      return Object.fromEntries(keyValues(flag, raw).map(([k, x]) => [k, flag === 'kubelet' ? kubeletValue(x) : flag === 'weight' ? number(x) : x]));
    default:
      return String(raw);
  }
}

/** Options a switch turns on that also have options of their own (`mixedInstances`): there `true` becomes a mapping. */
const SWITCHES: ReadonlySet<string> = new Set(
  Object.values(OPTION_FLAGS)
    .filter(([p, kind]) => kind === 'on' && Object.values(OPTION_FLAGS).some(([q]) => q.startsWith(`${p}.`)))
    .map(([p]) => p),
);

/**
 * Sets `keys` in `o` (copying the mappings on the way, so the config file's stay as read). A config
 * value that is not a mapping stays as it is, for the resolver to refuse by name, except a switch's
 * boolean: `--mixed-instances` keeps a config's `mixedInstances: {…}`, and a flag below it turns
 * `mixedInstances: true` (or `false`) into a mapping.
 */
function setPath(o: Record<string, unknown>, keys: readonly string[], value: unknown, at = ''): void {
  const [key, ...rest] = keys;
  const path = at ? `${at}.${key}` : key;
  const here = own(o, key);
  if (rest.length === 0) {
    if (isRecord(value)) setOwn(o, key, isRecord(here) ? { ...here, ...value } : here === undefined || typeof here === 'boolean' ? value : here);
    else if (typeof value !== 'boolean' || here === undefined || typeof here === 'boolean') setOwn(o, key, value);
    return;
  }
  if (!isRecord(here) && here !== undefined && !(typeof here === 'boolean' && SWITCHES.has(path))) return;
  const next = isRecord(here) ? { ...here } : {};
  setPath(next, rest, value, path);
  setOwn(o, key, next);
}

/** Options from the flags, merged over the config file's (flags win, nested mappings merge). */
export function optionsFromFlags(v: Parsed['values'], base: NodeGroupOptions = {}): NodeGroupOptions {
  const mixedFlags = Object.keys(OPTION_FLAGS).filter((f) => f !== 'mixed-instances' && OPTION_FLAGS[f][0].startsWith('mixedInstances.') && v[f] !== undefined);
  if (mixedFlags.length && !v['mixed-instances'] && (base.mixedInstances === undefined || base.mixedInstances === false)) {
    throw new EksNodegroupError('BAD_USAGE', `--${mixedFlags[0]} goes with --mixed-instances (or mixedInstances in the config file)`);
  }
  const o: Record<string, unknown> = { ...base };
  for (const [flag, [path, kind]] of Object.entries(OPTION_FLAGS)) {
    if (v[flag] !== undefined) setPath(o, path.split('.'), flagValue(flag, kind, v[flag]));
  }
  if (Object.keys(MODE_FLAGS).some((k) => v[k] !== undefined)) setPath(o, ['maxPods'], maxPodsOptionsFromFlags(v));
  return o as NodeGroupOptions;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `aws cloudformation deploy` command that fits the template (inline or via S3). */
export function deployCommand(file: string, bytes: number, template: NodeGroupTemplate, capabilities: string[]): string {
  const required = Object.entries(template.Parameters)
    .filter(([, p]) => p.Default === undefined)
    .map(([name]) => `${name}=<${name}>`);
  const lines = [
    `aws cloudformation deploy --template-file ${shellQuote(file)} --stack-name <stack-name> \\`,
    ...(bytes > INLINE_TEMPLATE_LIMIT ? ['    --s3-bucket <bucket> \\'] : []),
    `    --capabilities ${capabilities.join(' ')} \\`,
    `    --parameter-overrides ${required.join(' ')}`,
  ];
  return lines.join('\n');
}

export const command: Command = {
  usage,
  help,
  run(args: string[], io: CliIO): number {
    const { values, positionals } = parseFlags(args, FLAGS, usage);
    if (positionals.length) {
      throw new EksNodegroupError('BAD_USAGE', `unexpected argument "${positionals[0]}" (give the output file with -o FILE)\nusage: ${usage}`);
    }
    if (values.stdout && values.output !== undefined) {
      throw new EksNodegroupError('BAD_USAGE', `give -o FILE or --stdout, not both\nusage: ${usage}`);
    }
    const cwd = io.cwd ?? process.cwd();
    const configFile = values.config === undefined ? undefined : String(values.config);
    if (!values.stdout) checkOutput(String(values.output ?? DEFAULT_OUTPUT), configFile === undefined ? [] : [{ file: configFile, shown: `config ${configFile}` }], cwd);

    const config = configFile === undefined ? undefined : { shown: configFile, ...readConfig(path.resolve(cwd, configFile), configFile) };
    let resolved: ResolvedNodeGroupOptions;
    try {
      resolved = resolveNodeGroupOptions(optionsFromFlags(values, config?.options));
    } catch (e) {
      throw e instanceof EksNodegroupError ? attribute(e, values, config) : e;
    }
    for (const w of resolved.warnings) io.stderr.write(`eks-nodegroup gen: warning: ${w}\n`);
    const full = typesWithoutRoom(resolved.maxPodsTable, { maxPodsOptions: resolved.maxPods, amiFamily: resolved.amiFamily });
    if (full.length) {
      const named = listOf(full.map((f) => `${f.instanceType} (maxPods ${f.maxPods}, ${plural(f.podIps, 'pod IP')})`), 10);
      io.stderr.write(
        `eks-nodegroup gen: warning: on ${plural(full.length, 'type')} a node has no room for a single workload pod once today's system pods run ` +
          `(${DEFAULT_SYSTEM_PODS}: aws-node, kube-proxy, eks-pod-identity-agent and CoreDNS): ${named}; ` +
          `see "eks-nodegroup pods ${full[0].instanceType} --replicas 1"\n`,
      );
    }
    const template = nodeGroupTemplate(resolved);
    const text = toYaml(template);
    // Validate before anything is written: with error findings gen exits 1 and writes nothing.
    const findings = validateTemplate(template, { text });
    // Warnings already said: the inline size limit (the deploy command below goes through S3), and max
    // pods above the IPs or leaving no memory (the resolver's warnings above, in gen's words).
    const said = ['template-size-inline', 'max-pods-ips', 'node-memory'];
    const shownFindings = findings.filter((f) => f.severity === 'error' || !said.includes(f.rule));
    if (shownFindings.length) io.stderr.write(shownFindings.map((f) => `eks-nodegroup gen: ${formatFinding(f)}\n`).join(''));
    if (hasErrors(findings)) {
      io.stderr.write(`eks-nodegroup gen: the generated template is invalid (see above); nothing was written\n`);
      return EXIT_FINDINGS;
    }
    // Asked for, so written; but said out loud, as a reviewer would.
    if (resolved.sshCidr !== undefined && /\/0$/.test(resolved.sshCidr)) {
      io.stderr.write(`eks-nodegroup gen: warning: SSH (TCP 22) to every node is open to the whole internet (ssh cidr ${resolved.sshCidr}); give your admin network's CIDR instead unless that is intended\n`);
    }

    if (values.stdout) {
      io.stdout.write(text);
      return EXIT_OK;
    }
    const shown = values.output === undefined ? DEFAULT_OUTPUT : String(values.output);
    const file = path.resolve(cwd, shown);
    writeFileAtomic(file, text, shown);

    const bytes = Buffer.byteLength(text, 'utf8');
    const meta = template.Metadata.EksNodegroup as { AmiFamily: string; MaxPodsLayout: string; InstanceTypes: number };
    const caps = requiredCapabilities(template);
    io.stdout.write(
      [
        resolved.mixedInstances
          ? `wrote ${shown} (${bytes} bytes; ${resolved.amiFamily}, mixed instances: ${mixedSummary(resolved.mixedInstances, meta.InstanceTypes)})`
          : `wrote ${shown} (${bytes} bytes; ${plural(meta.InstanceTypes, 'instance type')}, ${meta.AmiFamily}, max pods layout ${meta.MaxPodsLayout})`,
        bytes > INLINE_TEMPLATE_LIMIT
          ? `${bytes} bytes is over CloudFormation's ${INLINE_TEMPLATE_LIMIT}-byte inline limit: deploy through an S3 bucket:`
          : `deploy (inline: ${bytes} ≤ ${INLINE_TEMPLATE_LIMIT} bytes):`,
        deployCommand(shown, bytes, template, caps),
        '',
      ].join('\n'),
    );
    return EXIT_OK;
  },
};
