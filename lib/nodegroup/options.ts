/**
 * Options of `buildNodeGroupTemplate` — also the shape of a `gen -c config.yaml|json` file — and
 * every default, stated once (DEFAULTS). schema/nodegroup-options.schema.json is generated from
 * `NodeGroupOptions` below (`npm run generate`); the `@default` tags are checked against DEFAULTS
 * by a test.
 */
import type { MaxPodsOptions } from '../max-pods';

import type { EbsVolumeType } from '../core/aws';
import type { AmiFamily } from '../max-pods';

export type { AmiFamily };

/**
 * How the template stores max pods per instance type.
 * - `by-size`: one mapping keyed by instance SIZE (`large`, `metal-24xl`, …) whose second-level keys
 *   are the FAMILY with `-` removed (`c7i-flex` → `c7iflex`), looked up with
 *   `Transform: AWS::LanguageExtensions` `Fn::FindInMap` on the parts of `NodeInstanceType`.
 *   Works for all known types (≤ 200 keys at each level). Deploy needs CAPABILITY_AUTO_EXPAND.
 * - `per-type`: AWS's 2018-06 layout, `MaxPodsPerNode: { <type>: { MaxPods: N } }`, plain
 *   `Fn::FindInMap` without a transform. Allowed with at most 200 instance types.
 */
export type MaxPodsLayout = 'by-size' | 'per-type';

/** EBS volume types a launch template accepts for the node volume. */
export type VolumeType = EbsVolumeType;

/** The node volume (root volume; Bottlerocket's data volume /dev/xvdb). */
export interface VolumeOptions {
  /**
   * Default of the NodeVolumeSize parameter, in GiB, within the volume type's EBS limits (the
   * template's NodeVolumeSize allows only those, and the size the IOPS need).
   * @default 20
   * @minimum 1
   * @maximum 65536
   * @asType integer
   */
  size?: number;
  /**
   * EBS volume type.
   * @default "gp3"
   */
  type?: VolumeType;
  /**
   * Encrypt the volume (AWS's template leaves it to the account default).
   * @default true
   */
  encrypted?: boolean;
  /** KMS key for the encryption: key ID, key ARN, alias name (alias/…) or alias ARN; left out: the AWS-managed EBS key. */
  kmsKeyId?: string;
  /**
   * Provisioned IOPS: required for io1/io2, optional for gp3 (EBS limits per type: gp3 3,000–80,000
   * and 500 per GiB, io1 100–64,000 and 50 per GiB, io2 100–256,000 and 1,000 per GiB).
   * @minimum 100
   * @maximum 256000
   * @asType integer
   */
  iops?: number;
  /**
   * gp3 throughput in MiB/s: 125–2,000, at most 0.25 per IOPS.
   * @minimum 125
   * @maximum 2000
   * @asType integer
   */
  throughput?: number;
}

/** Instance metadata service (IMDS) settings of the launch template. */
export interface ImdsOptions {
  /**
   * `required` = IMDSv2 only (as AWS's AL2023 template); `optional` also allows IMDSv1.
   * @default "required"
   */
  httpTokens?: 'required' | 'optional';
  /**
   * Hops an IMDS response may travel (1: pods cannot reach the node's credentials; 2 lets pods
   * without their own credentials use IMDS).
   * @default 1
   * @minimum 1
   * @maximum 64
   * @asType integer
   */
  hopLimit?: number;
}

/** SSH access. Off by default: no key pair default and no port-22 ingress. */
export interface SshOptions {
  /** Default of the KeyName parameter (the EC2 key pair); empty = no key pair. */
  keyName?: string;
  /**
   * Allow SSH (TCP 22) to the nodes from this IPv4 CIDR, e.g. "10.0.0.0/16". "0.0.0.0/0" opens
   * SSH to the internet and is only accepted when written out here.
   */
  cidr?: string;
}

/**
 * Auto Scaling group size defaults (AWS's template's parameter defaults). With
 * `mixedInstances.weights` they count capacity units (each node its weight), and max must be at
 * least desired + the largest weight.
 */
export interface ScalingOptions {
  /**
   * @default 1
   * @minimum 0
   * @asType integer
   */
  min?: number;
  /**
   * @default 3
   * @minimum 0
   * @asType integer
   */
  desired?: number;
  /**
   * @default 4
   * @minimum 1
   * @asType integer
   */
  max?: number;
}

/** How Spot capacity is chosen among the types (EC2 Auto Scaling's SpotAllocationStrategy values). */
export type SpotAllocationStrategy = 'price-capacity-optimized' | 'capacity-optimized' | 'capacity-optimized-prioritized' | 'lowest-price';

/**
 * A mixed-instances Auto Scaling group over the offered types (at most 40): one launch template
 * per distinct (max pods, architecture), each type's override naming its own; the types are fixed
 * when the template is generated (no NodeInstanceType parameter).
 */
export interface MixedInstancesOptions {
  /**
   * On-Demand instances launched before any Spot (OnDemandBaseCapacity), at most Kubernetes' 5,000 nodes.
   * @default 0
   * @minimum 0
   * @maximum 5000
   * @asType integer
   */
  onDemandBaseCapacity?: number;
  /**
   * Percent of the capacity above the base that is On-Demand; the rest is Spot (0: all Spot).
   * EC2 Auto Scaling's own default, so nothing is Spot unless asked.
   * @default 100
   * @minimum 0
   * @maximum 100
   * @asType integer
   */
  onDemandPercentageAboveBaseCapacity?: number;
  /**
   * How Spot capacity is chosen: AWS recommends price-capacity-optimized.
   * @default "price-capacity-optimized"
   */
  spotAllocationStrategy?: SpotAllocationStrategy;
  /**
   * Capacity Rebalancing: replace Spot nodes at an elevated risk of interruption before they are
   * interrupted (AWS recommends it for Spot).
   * @default true
   */
  capacityRebalance?: boolean;
  /**
   * WeightedCapacity per instance type (1–999), for every offered type or none. With weights the
   * scaling sizes count capacity units, not nodes.
   */
  weights?: { [instanceType: string]: Weight };
}

/**
 * An instance type's WeightedCapacity.
 * @minimum 1
 * @maximum 999
 * @asType integer
 */
export type Weight = number;

/** A value of an extra kubelet setting. */
export type KubeletValue = string | number | boolean | string[] | { [key: string]: string };

export interface NodeGroupOptions {
  /**
   * AMI family of the nodes.
   * @default "al2023"
   */
  amiFamily?: AmiFamily;
  /**
   * Instance types the template offers: names (`m5.large`) and patterns with `*`
   * (`t3.*`, `*.metal`, `c7i*.*`). Default: every known type.
   */
  instanceTypes?: string[];
  /** Names or patterns removed from `instanceTypes` (e.g. types lacking a fact a mode needs). */
  excludeInstanceTypes?: string[];
  /**
   * Default of the NodeInstanceType parameter; must be offered. When left out: t3.medium if
   * offered, else the smallest offered type of the AMI's architecture.
   */
  defaultInstanceType?: string;
  /** How max pods is computed: every mode of the MaxPods engine (none: the plain formula, no cap). */
  maxPods?: MaxPodsOptions;
  /**
   * How the template stores max pods per type.
   * @default "by-size"
   */
  maxPodsLayout?: MaxPodsLayout;
  /**
   * Kubernetes version in the default AMI SSM parameter path: one AWS publishes AMIs for
   * (KUBERNETES_VERSIONS). Left out: the newest for the AMI family (DEFAULTS.kubernetesVersion).
   * @pattern ^1\.\d{1,2}$
   */
  kubernetesVersion?: string;
  /**
   * Offer only the instance types of this CPU architecture. Left out: every architecture; a
   * template that offers both carries an AMI parameter for each, chosen by the deploy-time type.
   */
  architecture?: 'x86_64' | 'arm64';
  volume?: VolumeOptions;
  imds?: ImdsOptions;
  ssh?: SshOptions;
  scaling?: ScalingOptions;
  /**
   * Extra kubelet settings. AL2023: KubeletConfiguration fields (camelCase) added to nodeadm
   * `spec.kubelet.config`; Bottlerocket: `settings.kubernetes` keys (kebab-case);
   * AL2: kubelet flags (without `--`) added to `--kubelet-extra-args`. Max pods is not one of
   * them: use `maxPods.override`.
   */
  kubelet?: { [key: string]: KubeletValue };
  /** Tags on the Auto Scaling group (propagated to the instances) and the node security group. */
  tags?: { [key: string]: string };
  /**
   * Defaults for the template's parameters, by name (e.g. `{ ClusterName: "prod" }`). Applied
   * last: a default given here replaces the one a dedicated option above sets.
   */
  parameterDefaults?: { [parameter: string]: string | number };
  /** Template Description (left out: AWS's "Amazon EKS - Node Group" with what was computed). */
  description?: string;
  /**
   * A mixed-instances group (Spot and On-Demand) over the offered types instead of one type per
   * stack: its purchase options, or `true` for the group with every default (`false`, or left
   * out: one type per stack).
   */
  mixedInstances?: boolean | MixedInstancesOptions;
  /**
   * Build the template even where a node would have no memory left for pods (allocatable ≤ 0:
   * kube-reserved and the eviction threshold take it all); gen refuses otherwise.
   */
  acceptNoAllocatableMemory?: boolean;
}

/**
 * The Kubernetes versions AWS publishes AMIs for, per family: AL2023 1.30–1.36 (awslabs/amazon-eks-ami
 * CHANGELOG.md, release v20260714); Bottlerocket 1.29–1.36 (the aws-k8s-1.x variants of
 * bottlerocket-os/bottlerocket); AL2 1.29–1.32 (release v20251209, the last before AL2's end of support).
 */
export const KUBERNETES_VERSIONS: Readonly<Record<AmiFamily, readonly [oldest: number, newest: number]>> = Object.freeze({ al2023: [30, 36], bottlerocket: [29, 36], al2: [29, 32] });

/** Where each range comes from, as error messages cite it. */
export const KUBERNETES_VERSION_SOURCES: Readonly<Record<AmiFamily, string>> = Object.freeze({
  al2023: 'amazon-eks-ami CHANGELOG, release v20260714',
  bottlerocket: "Bottlerocket's aws-k8s-1.x variants",
  al2: 'amazon-eks-ami CHANGELOG, release v20251209, the last AL2 AMIs',
});

const newest = (f: AmiFamily): string => `1.${KUBERNETES_VERSIONS[f][1]}`;

/** Every default, stated once. Help texts read it; a test checks the schema's `@default`s against it. */
export const DEFAULTS = Object.freeze({
  amiFamily: 'al2023' as AmiFamily,
  maxPodsLayout: 'by-size' as MaxPodsLayout,
  /** NodeInstanceType's default when offered (AWS's template's). */
  defaultInstanceType: 't3.medium',
  /** The Kubernetes version of the default AMI SSM parameter, per family: the newest with AMIs. */
  kubernetesVersion: Object.freeze({ al2023: newest('al2023'), bottlerocket: newest('bottlerocket'), al2: newest('al2') } as Record<AmiFamily, string>),
  volume: Object.freeze({ size: 20, type: 'gp3' as VolumeType, encrypted: true }),
  imds: Object.freeze({ httpTokens: 'required' as const, hopLimit: 1 }),
  scaling: Object.freeze({ min: 1, desired: 3, max: 4 }),
  mixedInstances: Object.freeze({
    onDemandBaseCapacity: 0,
    onDemandPercentageAboveBaseCapacity: 100,
    spotAllocationStrategy: 'price-capacity-optimized' as SpotAllocationStrategy,
    capacityRebalance: true,
  }),
});

/** One launch template of a mixed-instances group: the types that share its max pods and architecture. */
export interface MixedLaunchTemplate {
  /** Logical ID, e.g. NodeLaunchTemplateMaxPods29 or NodeLaunchTemplateMaxPods29Arm64. */
  name: string;
  architecture: 'x86_64' | 'arm64';
  maxPods: number;
  types: readonly string[];
}

/** What resolveNodeGroupOptions returns: every option checked and with its default, ready for the builder. */
export interface ResolvedNodeGroupOptions {
  amiFamily: AmiFamily;
  /** The offered types, in the order given (a pattern's types smallest first). */
  instanceTypes: readonly string[];
  /** True when every known type is offered (no instanceTypes, no excludeInstanceTypes). */
  everyKnownType: boolean;
  /** The max-pods options as given (checked). */
  maxPods: MaxPodsOptions;
  /** Max pods of every offered type. */
  maxPodsTable: ReadonlyMap<string, number>;
  maxPodsLayout: MaxPodsLayout;
  /** The mappings that carry the table (and which types are arm64, when both are offered), by name. */
  mappings: Record<string, Record<string, Record<string, unknown>>>;
  kubernetesVersion: string;
  /** The CPU architectures of the offered types (x86_64 first): one AMI parameter each. */
  architectures: readonly ('x86_64' | 'arm64')[];
  /** sizeRange: the sizes (GiB) EBS takes for this type and IOPS; NodeVolumeSize allows only those. */
  volume: { type: VolumeType; sizeRange: [number, number]; encrypted: boolean; kmsKeyId?: string; iops?: number; throughput?: number };
  imds: { httpTokens: 'required' | 'optional'; hopLimit: number };
  /** Allow SSH from this CIDR (no ingress when absent). */
  sshCidr?: string;
  /** Extra kubelet settings, sorted by key. */
  kubelet: readonly (readonly [string, KubeletValue])[];
  /** Tags, sorted by key. */
  tags: readonly (readonly [string, string])[];
  /** The Default of every template parameter that has one (dedicated options and parameterDefaults applied). */
  parameterDefaults: Readonly<Record<string, string | number>>;
  description: string;
  /** The mixed-instances group, when asked for: its launch templates (in override order of first use) and purchase options. */
  mixedInstances?: {
    launchTemplates: readonly MixedLaunchTemplate[];
    onDemandBaseCapacity: number;
    onDemandPercentageAboveBaseCapacity: number;
    spotAllocationStrategy: SpotAllocationStrategy;
    capacityRebalance: boolean;
    /** WeightedCapacity per type, when given. */
    weights?: ReadonlyMap<string, number>;
  };
  /** Set when some offered type leaves a node no memory for pods and acceptNoAllocatableMemory accepted it (the template records it). */
  acceptNoAllocatableMemory?: true;
  /** What was left out of the offered types, and why (gen prints these). */
  warnings: readonly string[];
}
