/**
 * Every input gen refuses because AWS would refuse the template (or a node could not run pods):
 * refused-inputs.spec.ts runs gen with each and expects exit 2; validate.spec.ts plants each in a
 * committed template and expects validate to report it (a test there fails when a title below has
 * no planted counterpart). The expected words are derived from the limits, never typed.
 */
import { EBS_LIMITS } from '../lib/core/aws';
import { KUBERNETES_VERSIONS } from '../lib/nodegroup/options';

const gp3 = EBS_LIMITS.gp3;
const io1 = EBS_LIMITS.io1;
const st1 = EBS_LIMITS.st1;
const [al2023Oldest, al2023Newest] = KUBERNETES_VERSIONS.al2023;
const al2Newest = KUBERNETES_VERSIONS.al2[1];

/** [title, gen flags, what the message must hold]. */
export const REFUSED: readonly [string, string[], (string | RegExp)[]][] = [
  ['a malformed KMS key', ['--kms-key-id', 'not-a-key'], ['--kms-key-id', '"not-a-key"', 'key ARN', 'alias/']],
  ['an HDD (st1) root volume', ['--volume-type', 'st1', '--volume-size', String(st1.size[0])], ['--volume-type', '"st1"', 'cannot be boot volumes', 'gp3']],
  ['a volume below the type\'s minimum size', ['--ami-family', 'bottlerocket', '--volume-type', 'st1', '--volume-size', String(st1.size[0] - 1)], ['--volume-size', `st1 volumes are ${st1.size[0]} to ${st1.size[1]} GiB`]],
  ['a volume type whose minimum the default size is below', ['--ami-family', 'bottlerocket', '--volume-type', 'sc1'], [`--volume-size (default 20)`, `sc1 volumes are ${st1.size[0]} to`]],
  ['a volume over the maximum size', ['--volume-size', String(gp3.size[1] + 1)], ['--volume-size', String(gp3.size[1])]],
  ['IOPS over the type\'s maximum', ['--volume-size', '1000', '--volume-iops', String(gp3.iops!.range[1] + 1)], ['--volume-iops', `gp3 IOPS are ${gp3.iops!.range[0]} to ${gp3.iops!.range[1]}`]],
  ['IOPS over what the size allows (per GiB)', ['--volume-size', '20', '--volume-iops', String(20 * gp3.iops!.perGiB + 1000)], ['--volume-size', `${gp3.iops!.perGiB} IOPS per GiB`]],
  ['io1 IOPS over what the size allows', ['--volume-type', 'io1', '--volume-size', '20', '--volume-iops', String(20 * io1.iops!.perGiB + 100)], [`${io1.iops!.perGiB} IOPS per GiB`]],
  ['throughput over the maximum', ['--volume-throughput', String(gp3.throughput!.range[1] + 1)], ['--volume-throughput', String(gp3.throughput!.range[1])]],
  ['throughput over what the IOPS allow', ['--volume-iops', '3000', '--volume-throughput', String(3000 * gp3.throughput!.perIops + 1)], ['--volume-throughput', `${gp3.throughput!.perIops} MiB/s per IOPS`]],
  ['a Kubernetes version with no AMI', ['--kubernetes-version', '1.99'], ['--kubernetes-version', `1.${al2023Oldest} to 1.${al2023Newest}`, 'amazon-eks-ami CHANGELOG']],
  ['a Kubernetes version that is not 1.N', ['--kubernetes-version', '2.0'], ['--kubernetes-version', '"2.0"', `1.${al2023Oldest} to 1.${al2023Newest}`]],
  ['an AL2 version past AL2\'s last AMIs', ['--ami-family', 'al2', '--kubernetes-version', `1.${al2Newest + 1}`], [`to 1.${al2Newest}`, 'use al2023 or bottlerocket']],
  ['reserved ENIs that leave none for pods', ['-t', 'm5.large', '--reserved-enis', '99'], ['--reserved-enis', 'leave an ENI for pods', 'only host-network pods']],
  ['custom networking with one ENI', ['-t', 'm5.large', '--custom-networking', '--max-enis', '1'], ['--max-enis', 'leave an ENI for pods']],
  ['a max-pods override above 250 without the opt-out', ['-t', 'm5.large', '--max-pods-override', '251'], ['--max-pods-override', 'at most 250', '--no-cap']],
  ['a node with no memory left for pods', ['-t', 't3.small', '--prefix-delegation', '--no-cap', '--ami-family', 'bottlerocket'], ['no memory left for pods', 't3.small', '11 × max pods + 255 MiB', '--accept-no-allocatable-memory']],
];
