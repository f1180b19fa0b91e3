/** AWS's limits on EBS volumes and KMS key identifiers: what gen refuses and validate reports, written once. */

/**
 * A KMS key as EC2 takes it for EBS encryption: key ID, key ARN, alias name or alias ARN (AWS KMS
 * Developer Guide, "Key identifiers"; the patterns AWS's CloudFormation validator checks, rule F3017).
 */
const KEY = '(?:mrk-[a-f0-9]{32}|[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})';
const ALIAS = 'alias/[a-zA-Z0-9:/_-]{1,250}';
export const KMS_KEY_PATTERN = new RegExp(`^(?:${KEY}|${ALIAS}|arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\\d{12}:(?:key/${KEY}|${ALIAS}))$`);
export const KMS_KEY_FORMS = 'a key ID (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-…, lowercase), a key ARN, an alias name (alias/…) or an alias ARN';

export type EbsVolumeType = 'gp3' | 'gp2' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';

interface EbsLimit {
  size: [number, number];
  iops?: { range: [number, number]; perGiB: number };
  /** MiB/s, and the most per provisioned IOPS. */
  throughput?: { range: [number, number]; perIops: number };
}

/**
 * Per volume type: size (GiB), IOPS and throughput (MiB/s) ranges and ratios (Amazon EBS User Guide,
 * "Amazon EBS volume types", with gp3's 2025 limits: 64 TiB, 80,000 IOPS, 2,000 MiB/s).
 */
export const EBS_LIMITS: Readonly<Record<EbsVolumeType, EbsLimit>> = Object.freeze({
  gp3: { size: [1, 65536], iops: { range: [3000, 80000], perGiB: 500 }, throughput: { range: [125, 2000], perIops: 0.25 } },
  gp2: { size: [1, 16384] },
  io1: { size: [4, 16384], iops: { range: [100, 64000], perGiB: 50 } },
  io2: { size: [4, 65536], iops: { range: [100, 256000], perGiB: 1000 } },
  st1: { size: [125, 16384] },
  sc1: { size: [125, 16384] },
  standard: { size: [1, 1024] },
});

/**
 * EBS HDD types: "Throughput Optimized HDD (st1) and Cold HDD (sc1) volumes can't be used as boot
 * volumes" (EC2 API Reference, CreateVolume, VolumeType; e.g.
 * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ec2/aws.sdk.kotlin.services.ec2.model/-create-volume-request/volume-type.html).
 */
export const EBS_HDD_TYPES: readonly EbsVolumeType[] = ['st1', 'sc1'];

/** Device names the EKS AMIs (AL2023, AL2, Bottlerocket's OS volume: /dev/xvda) and other Linux AMIs (/dev/sda1) boot from. */
export const ROOT_DEVICE_NAMES: readonly string[] = ['/dev/xvda', '/dev/sda1'];

/** gp3's IOPS and throughput when none are provisioned. */
const GP3_BASELINE = { iops: 3000, throughput: 125 };

/** The smallest volume (GiB) of `type` that takes `iops` (gp3's baseline needs no size). */
export function minimumSize(type: EbsVolumeType, iops?: number): number {
  const l = EBS_LIMITS[type];
  if (iops === undefined || !l.iops || (type === 'gp3' && iops <= GP3_BASELINE.iops)) return l.size[0];
  return Math.max(l.size[0], Math.ceil(iops / l.iops.perGiB));
}

export interface EbsProblem {
  /** The setting to change. */
  field: 'size' | 'iops' | 'throughput';
  message: string;
}

/**
 * What EC2 would refuse in one volume's settings, each naming the value and the rule (empty when
 * all is well). `size` may be unknown (a deploy-time parameter).
 */
export function ebsProblems(v: { type: EbsVolumeType; size?: number; iops?: number; throughput?: number }): EbsProblem[] {
  const l = EBS_LIMITS[v.type];
  const out: EbsProblem[] = [];
  if (v.size !== undefined && (v.size < l.size[0] || v.size > l.size[1])) out.push({ field: 'size', message: `${v.type} volumes are ${l.size[0]} to ${l.size[1]} GiB, not ${v.size}` });
  if (v.iops !== undefined) {
    if (!l.iops) out.push({ field: 'iops', message: `${v.type} volumes take no provisioned IOPS (only gp3, io1, io2)` });
    else if (v.iops < l.iops.range[0] || v.iops > l.iops.range[1]) out.push({ field: 'iops', message: `${v.type} IOPS are ${l.iops.range[0]} to ${l.iops.range[1]}, not ${v.iops}` });
    else if (v.size !== undefined && v.size < minimumSize(v.type, v.iops)) {
      out.push({ field: 'size', message: `${v.iops} IOPS need at least ${minimumSize(v.type, v.iops)} GiB on ${v.type} (${l.iops.perGiB} IOPS per GiB), not ${v.size}` });
    }
  }
  if (v.throughput !== undefined) {
    if (!l.throughput) out.push({ field: 'throughput', message: `${v.type} volumes take no provisioned throughput (only gp3)` });
    else {
      const iops = v.iops ?? GP3_BASELINE.iops;
      const most = Math.min(l.throughput.range[1], iops * l.throughput.perIops);
      if (v.throughput < l.throughput.range[0] || v.throughput > most) {
        out.push({
          field: 'throughput',
          message: `gp3 throughput is ${l.throughput.range[0]} to ${most} MiB/s with ${iops} IOPS (at most ${l.throughput.perIops} MiB/s per IOPS, ${l.throughput.range[1]} in all), not ${v.throughput}`,
        });
      }
    }
  }
  return out;
}

/** A CPU architecture EC2 instance types and AMIs have. */
export type Architecture = 'x86_64' | 'arm64';

/** The AMI family of the nodes; it decides the user-data format and how kube-reserved is computed. */
export type AmiFamily = 'al2023' | 'bottlerocket' | 'al2';

export const AMI_FAMILIES: readonly AmiFamily[] = ['al2023', 'bottlerocket', 'al2'];

/**
 * Family, Kubernetes version and architecture of an AWS-published AMI SSM parameter path
 * (https://docs.aws.amazon.com/eks/latest/userguide/retrieve-ami-id.html, and Bottlerocket's
 * https://bottlerocket.dev/en/os/latest/#/install/quickstart/aws/).
 */
export function amiPath(path: string): { family: AmiFamily; major: number; minor: number; architecture: Architecture } | undefined {
  let m = /^\/aws\/service\/eks\/optimized-ami\/(\d+)\.(\d+)\/amazon-linux-2023\/(x86_64|arm64)\//.exec(path);
  if (m) return { family: 'al2023', major: Number(m[1]), minor: Number(m[2]), architecture: m[3] as Architecture };
  m = /^\/aws\/service\/eks\/optimized-ami\/(\d+)\.(\d+)\/amazon-linux-2(-arm64|-gpu)?\//.exec(path);
  if (m) return { family: 'al2', major: Number(m[1]), minor: Number(m[2]), architecture: m[3] === '-arm64' ? 'arm64' : 'x86_64' };
  m = /^\/aws\/service\/bottlerocket\/aws-k8s-(\d+)\.(\d+)(?:-[a-z]+)*\/(x86_64|arm64)\//.exec(path);
  if (m) return { family: 'bottlerocket', major: Number(m[1]), minor: Number(m[2]), architecture: m[3] as Architecture };
  return undefined;
}
