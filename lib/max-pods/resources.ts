/**
 * What a node reserves and what is left for pods: kubelet's memory capacity, kube-reserved CPU and
 * memory as the EKS AMIs compute them, the hard-eviction threshold, and allocatable
 * (capacity − kube-reserved − system-reserved − eviction threshold; kubernetes.io, "Reserve Compute
 * Resources for System Daemons"). The AMIs reserve no system-reserved.
 *
 * - kube-reserved memory: 11 × P + 255 MiB; CPU: 6% of the first core, 1% of the second, 0.5% of
 *   the third and fourth, 0.25% of each beyond, in whole millicores (awslabs/amazon-eks-ami
 *   nodeadm/internal/kubelet/config.go; templates/al2/runtime/bootstrap.sh; Bottlerocket's
 *   kube_reserve_memory / kube_cpu_helper).
 * - P, the pods the memory is reserved for: AL2023 (nodeadm) and AL2 (bootstrap.sh) use their own
 *   plain ENI formula whatever maxPods kubelet is given (nodeadm/doc/api.md: kubeReserved follows
 *   the computed value or maxPodsExpression, not config.maxPods); Bottlerocket uses its
 *   settings.kubernetes.max-pods, the value the template sets.
 * - Hard eviction: memory.available 100 MiB on all three (nodeadm's and bootstrap.sh's explicit
 *   default, kubelet's own default on Bottlerocket).
 * - kubelet's memory capacity is below EC2's figure: modelled as Karpenter does, EC2 MiB less
 *   64 MiB on arm64, then less 7.5% of the rest, rounded up (VM_MEMORY_OVERHEAD_PERCENT;
 *   aws/karpenter-provider-aws pkg/providers/instancetype/types.go, memory()).
 */
import type { InstanceTypeFacts } from '../instance-types';

import { AMI_FAMILIES, type AmiFamily } from '../core/aws';

export { AMI_FAMILIES, type AmiFamily };

/** Karpenter's VM_MEMORY_OVERHEAD_PERCENT default. */
export const VM_MEMORY_OVERHEAD = 0.075;
/** The CMA memory Gravitons keep (MiB), per Karpenter. */
export const GRAVITON_CMA_MIB = 64;
/** memory.available, the hard-eviction threshold (MiB). */
export const EVICTION_HARD_MEMORY_MIB = 100;

export interface NodeResources {
  family: AmiFamily;
  /** EC2's memory (MiB), what the VM keeps (64 MiB on arm64, then 7.5% of the rest), and kubelet's capacity: the rest. */
  ec2MemoryMiB: number;
  vmOverheadMiB: number;
  memoryCapacityMiB: number;
  /** The pods kube-reserved memory is computed for (see the module comment). */
  reservedForPods: number;
  kubeReservedMemoryMiB: number;
  kubeReservedCpuMillicores: number;
  evictionHardMemoryMiB: number;
  allocatableMemoryMiB: number;
  cpuMillicores: number;
  allocatableCpuMillicores: number;
  /** (kube-reserved + eviction) ÷ capacity, memory. */
  reservedShare: number;
}

/** kube-reserved CPU in millicores for `vcpus` cores: the AMIs' ladder, whole millicores per step. */
export function kubeReservedCpu(vcpus: number): number {
  const total = vcpus * 1000;
  const steps: [number, number, number][] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, total, 25],
  ];
  let reserved = 0;
  for (const [start, end, basisPoints] of steps) {
    if (total > start) reserved += Math.floor(((Math.min(total, end) - start) * basisPoints) / 10000);
  }
  return reserved;
}

/** kube-reserved memory in MiB for P pods. */
export function kubeReservedMemory(pods: number): number {
  return 11 * pods + 255;
}

/**
 * A node's resources for `family`, given the maxPods kubelet runs with and the plain ENI-formula
 * value (what nodeadm and bootstrap.sh reserve for). Undefined when the data lacks vCPUs or memory.
 */
export function nodeResourcesFromFacts(facts: InstanceTypeFacts, family: AmiFamily, maxPods: number, plainMaxPods: number): NodeResources | undefined {
  if (facts.vcpus === undefined || facts.memoryMiB === undefined) return undefined;
  const ec2 = facts.memoryMiB;
  const cma = facts.architecture === 'arm64' ? GRAVITON_CMA_MIB : 0;
  const overhead = cma + Math.ceil((ec2 - cma) * VM_MEMORY_OVERHEAD);
  const capacity = ec2 - overhead;
  const reservedForPods = family === 'bottlerocket' ? maxPods : plainMaxPods;
  const memory = kubeReservedMemory(reservedForPods);
  const cpu = kubeReservedCpu(facts.vcpus);
  return {
    family,
    ec2MemoryMiB: ec2,
    vmOverheadMiB: overhead,
    memoryCapacityMiB: capacity,
    reservedForPods,
    kubeReservedMemoryMiB: memory,
    kubeReservedCpuMillicores: cpu,
    evictionHardMemoryMiB: EVICTION_HARD_MEMORY_MIB,
    allocatableMemoryMiB: capacity - memory - EVICTION_HARD_MEMORY_MIB,
    cpuMillicores: facts.vcpus * 1000,
    allocatableCpuMillicores: facts.vcpus * 1000 - cpu,
    reservedShare: (memory + EVICTION_HARD_MEMORY_MIB) / capacity,
  };
}
