/** Facts about one EC2 instance type that the max-pods rules and the templates need. */
export interface InstanceTypeFacts {
  /** e.g. `m5.large` */
  readonly name: string;
  /** ENIs on the default network card (NetworkCards[DefaultNetworkCardIndex].MaximumNetworkInterfaces). */
  readonly defaultCardEnis: number;
  /** IPv4 addresses per ENI (Ipv4AddressesPerInterface). */
  readonly ipv4PerEni: number;
  /** ENIs over all network cards (MaximumNetworkInterfaces); informational. */
  readonly totalEnis: number;
  /** Number of network cards. */
  readonly networkCards: number;
  /** `nitro` or `xen`; absent when EC2 reports none (most bare-metal types). */
  readonly hypervisor?: 'nitro' | 'xen';
  readonly bareMetal: boolean;
  /** DefaultVCpus; absent where the source has no figure. */
  readonly vcpus?: number;
  /** MemoryInfo.SizeInMiB; absent where the source has no figure. */
  readonly memoryMiB?: number;
  /** First of SupportedArchitectures (`x86_64`, `arm64`, …); absent where unknown. */
  readonly architecture?: string;
}

/** Column order of the compact rows in data.ts. */
export const COLUMNS = [
  'name',
  'defaultCardEnis',
  'ipv4PerEni',
  'totalEnis',
  'networkCards',
  'hypervisor',
  'bareMetal',
  'vcpus',
  'memoryMiB',
  'architecture',
] as const;

export interface Provenance {
  /** What the data was read from. */
  readonly source: string;
  /** The date the data was refreshed (YYYY-MM-DD). */
  readonly date: string;
  /** Number of instance types. */
  readonly count: number;
  /** sha256 of the normalized rows, so a reader can tell two data sets apart. */
  readonly sha256: string;
  /** The command that regenerates the file. */
  readonly generator: string;
}

export interface InstanceTypeData {
  readonly provenance: Provenance;
  readonly columns: readonly string[];
  readonly types: readonly (readonly (string | number | boolean | null)[])[];
}
