/**
 * A Spot node group over general-purpose types of both architectures (m5, m5a, m6i, m7g; large
 * and xlarge): one Auto Scaling group, one On-Demand node as a base and the rest Spot, each type
 * with its own max pods (a launch template per max pods and architecture), Capacity Rebalancing on.
 *
 *   npm run build && node dist/examples/spot-mixed-group.js [OUT.yaml]
 */
import * as fs from 'node:fs';
import { buildNodeGroupTemplate, maxPodsTableFromTemplate, requiredCapabilities, toYaml } from 'eks-nodegroup';

const template = buildNodeGroupTemplate({
  instanceTypes: ['m5.large', 'm5a.large', 'm6i.large', 'm7g.large', 'm5.xlarge', 'm5a.xlarge', 'm6i.xlarge', 'm7g.xlarge'],
  mixedInstances: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: 'price-capacity-optimized' },
  scaling: { min: 2, desired: 4, max: 8 },
});
const yaml = toYaml(template);
const out = process.argv[2];
if (out) fs.writeFileSync(out, yaml);
else process.stdout.write(yaml);

const table = maxPodsTableFromTemplate(template)!;
const launchTemplates = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate').length;
const rows = [...table].map(([t, n]) => `${t} ${n}`).join(', ');
(out ? process.stdout : process.stderr).write(`spot group: ${table.size} types, ${launchTemplates} launch templates; max pods ${rows}; capabilities ${requiredCapabilities(template).join(' ')}\n`);
