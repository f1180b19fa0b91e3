/**
 * The data generator: reads `aws ec2 describe-instance-types --output json` output (one file, or
 * several pages as the CLI prints them with --no-paginate / --max-items) and produces the compact,
 * sorted, deterministic data module committed as lib/instance-types/generated/data.ts.
 */
import { createHash } from 'node:crypto';
import { EksNodegroupError } from '../core';
import { COLUMNS, type InstanceTypeData, type InstanceTypeFacts } from './model';

/** One page of describe-instance-types output, as the AWS CLI/SDK prints it. */
export interface DescribeInstanceTypesPage {
  InstanceTypes: AwsInstanceType[];
  NextToken?: string;
}

/** The subset of an EC2 InstanceTypeInfo this project reads. */
export interface AwsInstanceType {
  InstanceType: string;
  BareMetal?: boolean;
  Hypervisor?: string;
  ProcessorInfo?: { SupportedArchitectures?: string[] };
  VCpuInfo?: { DefaultVCpus?: number };
  MemoryInfo?: { SizeInMiB?: number };
  NetworkInfo?: {
    MaximumNetworkInterfaces?: number;
    DefaultNetworkCardIndex?: number;
    NetworkCards?: { NetworkCardIndex?: number; MaximumNetworkInterfaces?: number }[];
    Ipv4AddressesPerInterface?: number;
  };
}

function bad(where: string, message: string): EksNodegroupError {
  return new EksNodegroupError('BAD_INPUT', `${where}: ${message}`);
}

function positiveInt(where: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw bad(where, `${field} must be a whole number ≥ 1, got ${JSON.stringify(v)}`);
  }
  return v;
}

function optionalPositiveInt(where: string, field: string, v: unknown): number | undefined {
  return v === undefined ? undefined : positiveInt(where, field, v);
}

/** Converts one AWS InstanceTypeInfo into this project's facts, checking every field it reads. */
export function factsFromAws(t: AwsInstanceType, where = 'instance type'): InstanceTypeFacts {
  if (!t || typeof t !== 'object') throw bad(where, 'expected an object');
  const name = t.InstanceType;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*\.[a-z0-9-]+$/.test(name)) {
    throw bad(where, `InstanceType must look like "m5.large", got ${JSON.stringify(name)}`);
  }
  where = `${where} (${name})`;
  const net = t.NetworkInfo;
  if (!net || typeof net !== 'object') throw bad(where, 'NetworkInfo is missing');
  const ipv4PerEni = positiveInt(where, 'NetworkInfo.Ipv4AddressesPerInterface', net.Ipv4AddressesPerInterface);
  const totalEnis = positiveInt(where, 'NetworkInfo.MaximumNetworkInterfaces', net.MaximumNetworkInterfaces);
  let defaultCardEnis = totalEnis;
  let networkCards = 1;
  if (net.NetworkCards !== undefined) {
    if (!Array.isArray(net.NetworkCards) || net.NetworkCards.length === 0) {
      throw bad(where, 'NetworkInfo.NetworkCards must be a non-empty array');
    }
    networkCards = net.NetworkCards.length;
    const index = net.DefaultNetworkCardIndex ?? 0;
    const card = net.NetworkCards.find((c) => c && c.NetworkCardIndex === index);
    if (!card) throw bad(where, `NetworkInfo.NetworkCards has no card with the DefaultNetworkCardIndex ${index}`);
    defaultCardEnis = positiveInt(where, `NetworkInfo.NetworkCards[${index}].MaximumNetworkInterfaces`, card.MaximumNetworkInterfaces);
  }
  if (t.BareMetal !== undefined && typeof t.BareMetal !== 'boolean') throw bad(where, 'BareMetal must be true or false');
  let hypervisor: 'nitro' | 'xen' | undefined;
  if (t.Hypervisor !== undefined) {
    if (t.Hypervisor !== 'nitro' && t.Hypervisor !== 'xen') {
      throw bad(where, `Hypervisor must be "nitro" or "xen", got ${JSON.stringify(t.Hypervisor)}`);
    }
    hypervisor = t.Hypervisor;
  }
  const archs = t.ProcessorInfo?.SupportedArchitectures;
  if (archs !== undefined && (!Array.isArray(archs) || archs.some((a) => typeof a !== 'string'))) {
    throw bad(where, 'ProcessorInfo.SupportedArchitectures must be a list of strings');
  }
  // Prefer the 64-bit architecture where AWS also lists i386 for old Xen types.
  const architecture = archs?.find((a) => a !== 'i386') ?? archs?.[0];
  const facts: InstanceTypeFacts = {
    name,
    defaultCardEnis,
    ipv4PerEni,
    totalEnis,
    networkCards,
    hypervisor,
    bareMetal: t.BareMetal ?? false,
    vcpus: optionalPositiveInt(where, 'VCpuInfo.DefaultVCpus', t.VCpuInfo?.DefaultVCpus),
    memoryMiB: optionalPositiveInt(where, 'MemoryInfo.SizeInMiB', t.MemoryInfo?.SizeInMiB),
    architecture,
  };
  return facts;
}

/**
 * The reverse of factsFromAws: a describe-instance-types record carrying the same facts (only the
 * default network card is known, so it is written as the one card). For synthetic inputs: the
 * bench's scale check and the refresh-data property tests.
 */
export function awsFromFacts(t: InstanceTypeFacts): AwsInstanceType {
  return {
    InstanceType: t.name,
    BareMetal: t.bareMetal,
    ...(t.hypervisor ? { Hypervisor: t.hypervisor } : {}),
    ...(t.architecture ? { ProcessorInfo: { SupportedArchitectures: [t.architecture] } } : {}),
    ...(t.vcpus ? { VCpuInfo: { DefaultVCpus: t.vcpus } } : {}),
    ...(t.memoryMiB ? { MemoryInfo: { SizeInMiB: t.memoryMiB } } : {}),
    NetworkInfo: {
      MaximumNetworkInterfaces: t.totalEnis,
      DefaultNetworkCardIndex: 0,
      NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: t.defaultCardEnis }],
      Ipv4AddressesPerInterface: t.ipv4PerEni,
    },
  };
}

/** Reads one or more pages (parsed JSON) into sorted facts; duplicates must agree. */
export function factsFromPages(pages: { name: string; json: unknown }[]): InstanceTypeFacts[] {
  const byName = new Map<string, InstanceTypeFacts>();
  for (const page of pages) {
    const j = page.json as DescribeInstanceTypesPage;
    if (!j || typeof j !== 'object' || !Array.isArray(j.InstanceTypes)) {
      throw bad(page.name, 'not describe-instance-types output: expected an object with an "InstanceTypes" array ' +
        '(run "aws ec2 describe-instance-types --output json")');
    }
    j.InstanceTypes.forEach((t, i) => {
      const facts = factsFromAws(t, `${page.name}: InstanceTypes[${i}]`);
      const seen = byName.get(facts.name);
      if (seen && JSON.stringify(toRow(seen)) !== JSON.stringify(toRow(facts))) {
        throw bad(page.name, `${facts.name} appears twice with different facts`);
      }
      byName.set(facts.name, facts);
    });
  }
  if (byName.size === 0) throw bad(pages.map((p) => p.name).join(', '), 'no instance types found');
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toRow(f: InstanceTypeFacts): (string | number | boolean | null)[] {
  return COLUMNS.map((c) => (f[c] === undefined ? null : (f[c] as string | number | boolean)));
}

export interface RefreshOptions {
  /** What the data came from, recorded in the provenance. */
  source: string;
  /** Date recorded in the provenance (YYYY-MM-DD). */
  date: string;
}

/** Builds the data module object from facts. */
export function buildData(facts: InstanceTypeFacts[], opts: RefreshOptions): InstanceTypeData {
  const day = new Date(`${opts.date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== opts.date) {
    throw new EksNodegroupError('BAD_OPTION', `invalid value for --date: ${JSON.stringify(opts.date)} (allowed: YYYY-MM-DD)`);
  }
  const rows = facts.map(toRow);
  const sha256 = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  return {
    provenance: {
      source: opts.source,
      date: opts.date,
      count: rows.length,
      sha256,
      generator: 'eks-nodegroup refresh-data',
    },
    columns: [...COLUMNS],
    types: rows,
  };
}

/**
 * Serializes the data module as TypeScript (so tsc ships it with the build): stable key order,
 * one instance type a line, trailing newline.
 */
export function serializeData(data: InstanceTypeData): string {
  const lines = data.types.map((r) => '    ' + JSON.stringify(r));
  return (
    '// Generated by "eks-nodegroup refresh-data" from describe-instance-types output (source and date below); do not edit.\n' +
    '// Regenerate: eks-nodegroup refresh-data <describe-instance-types.json>…, then npm run generate.\n' +
    "import type { InstanceTypeData } from '../model';\n\n" +
    'export const DATA: InstanceTypeData = {\n' +
    `  "provenance": ${JSON.stringify(data.provenance)},\n` +
    `  "columns": ${JSON.stringify(data.columns)},\n` +
    '  "types": [\n' +
    lines.join(',\n') +
    '\n  ]\n};\n'
  );
}

/** Parses the JSON text of one page, naming the file and position on error. */
export function parsePage(name: string, text: string): { name: string; json: unknown } {
  try {
    return { name, json: JSON.parse(text) };
  } catch (e) {
    throw new EksNodegroupError('PARSE_ERROR', `${name}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Whole pipeline: page texts in, data module text out. */
export function refreshData(pages: { name: string; text: string }[], opts: RefreshOptions): string {
  const facts = factsFromPages(pages.map((p) => parsePage(p.name, p.text)));
  return serializeData(buildData(facts, opts));
}
