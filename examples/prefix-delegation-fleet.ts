/**
 * A prefix-delegation fleet of current Nitro types (VPC CNI with ENABLE_PREFIX_DELEGATION=true):
 * the 7th-generation general-purpose, compute and memory families, virtualised sizes only, with
 * AWS's recommended cap (110 pods up to 30 vCPUs, 250 above). Max pods is computed per type.
 *
 *   npm run build && node dist/examples/prefix-delegation-fleet.js [OUT.yaml]
 */
import * as fs from 'node:fs';
import { buildNodeGroupTemplate, listInstanceTypes, maxPodsTableFromTemplate, toYaml, type NodeGroupOptions } from 'eks-nodegroup';

/** The cap needs the vCPU count; leave out the few types whose data lacks it. */
const noVcpuFacts = listInstanceTypes()
  .filter((f) => f.vcpus === undefined)
  .map((f) => f.name);

export const OPTIONS: NodeGroupOptions = {
  instanceTypes: ['m7i.*', 'c7i.*', 'r7i.*', 'm7g.*', 'c7g.*', 'r7g.*'],
  excludeInstanceTypes: ['*.metal*', ...noVcpuFacts],
  defaultInstanceType: 'm7i.xlarge',
  maxPods: { prefixDelegation: true, cap: true },
  scaling: { min: 2, desired: 3, max: 10 },
  volume: { size: 80 },
};

const template = buildNodeGroupTemplate(OPTIONS);
const yaml = toYaml(template);
const out = process.argv[2];
if (out) fs.writeFileSync(out, yaml);
else process.stdout.write(yaml);

const table = maxPodsTableFromTemplate(template)!;
const lines = [`${table.size} types, prefix delegation with the recommended cap; ${Buffer.byteLength(yaml)} bytes`];
for (const t of ['m7i.large', 'm7i.xlarge', 'c7g.16xlarge']) lines.push(`${t} maxPods ${table.get(t)}`);
(out ? process.stdout : process.stderr).write(lines.join('\n') + '\n');
