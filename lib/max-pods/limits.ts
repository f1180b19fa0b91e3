/**
 * The limits on max pods and node memory that gen applies to its options and validate checks in any
 * template, each with the words both say (so a finding reads like the refusal it mirrors).
 */
import { listOf, plural } from '../core';
import { EVICTION_HARD_MEMORY_MIB, kubeReservedMemory, type AmiFamily, type NodeResources } from './resources';

/** The most max pods AWS recommends for any node (max-pods-calculator.sh's cap above 30 vCPUs); more only with cap: false. */
export const MAX_PODS_CEILING = 250;

/** What gen allows a max-pods override to be without the opt-out; `note` adds to the opt-out's clause. */
export function ceilingAllowed(note = ''): string {
  return `at most ${MAX_PODS_CEILING}, the recommended cap for the largest nodes (give cap: false, --no-cap, to set more${note})`;
}

/**
 * Share of kubelet's memory capacity above which gen warns: above half, the node keeps more memory
 * for kubelet and eviction than it leaves for pods (RESERVED_SHARE_REASON). AWS's plain max pods
 * already cross it on the 0.5 GiB types; higher max pods (prefix delegation) on 2–4 GiB types.
 */
export const RESERVED_SHARE_WARNING = 0.5;

/** The reason for RESERVED_SHARE_WARNING, in one clause (gen's warning and the docs say it). */
export const RESERVED_SHARE_REASON = 'above half, the node keeps more memory for kubelet and eviction than it leaves for pods';

/** The memory (MiB) kube-reserved and eviction would keep if kube-reserved were sized for `pods` (AL2023 and AL2 size it for fewer). */
export function memoryForPods(r: NodeResources, pods: number): number {
  return kubeReservedMemory(pods) + r.evictionHardMemoryMiB;
}

/** `t3.small (1961 of 1894 MiB)`: what kube-reserved and eviction keep of kubelet's capacity. */
export function reservedOf(type: string, r: NodeResources): string {
  return `${type} (${r.kubeReservedMemoryMiB + r.evictionHardMemoryMiB} of ${r.memoryCapacityMiB} MiB)`;
}

/** Max pods above what the IPs give: `… more than the IPs of 2 types allow: … m5.large (29)`. */
export function overIpsText(count: number, list: readonly string[]): string {
  return `more than the IPs of ${plural(count, 'type')} allow: pods beyond that stay ContainerCreating (failed to assign an IP address): ${listOf(list, 10)}`;
}

/** Max pods that leave no ENI for pods: only the host-network pods (aws-node, kube-proxy) run. */
export const NO_ENI_TEXT = 'so only host-network pods could run';

/** No memory left for pods on `count` types of `family`. */
export function noMemoryText(count: number, family: AmiFamily, list: readonly string[]): string {
  return `on ${plural(count, 'type')} a node would have no memory left for pods: kube-reserved (11 × max pods + 255 MiB on ${family}) and the ${EVICTION_HARD_MEMORY_MIB} MiB eviction threshold take it all: ${listOf(list, 10)}`;
}
