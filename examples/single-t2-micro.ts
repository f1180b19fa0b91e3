/**
 * A single t2.micro node for a small test cluster: one instance type, so the template uses AWS's
 * 2018-style per-type mapping (no transform: deploy needs only CAPABILITY_IAM), one node.
 *
 *   npm run build && node dist/examples/single-t2-micro.js [OUT.yaml]
 */
import * as fs from 'node:fs';
import { buildNodeGroupTemplate, maxPodsTableFromTemplate, requiredCapabilities, toYaml } from 'eks-nodegroup';

const template = buildNodeGroupTemplate({
  instanceTypes: ['t2.micro'],
  maxPodsLayout: 'per-type',
  scaling: { min: 1, desired: 1, max: 2 },
  volume: { size: 20 },
  parameterDefaults: { NodeGroupName: 'test' },
});
const yaml = toYaml(template);
const out = process.argv[2];
if (out) fs.writeFileSync(out, yaml);
else process.stdout.write(yaml);

const pods = maxPodsTableFromTemplate(template)!.get('t2.micro');
const summary = `t2.micro maxPods ${pods}; 1 node; capabilities ${requiredCapabilities(template).join(' ')}; ${Buffer.byteLength(yaml)} bytes\n`;
(out ? process.stdout : process.stderr).write(summary);
