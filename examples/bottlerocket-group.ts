/**
 * A Bottlerocket node group on Graviton (arm64): TOML user data sets
 * settings.kubernetes.max-pods for the instance type chosen at deploy time; extra kubelet
 * settings go next to it; the data volume (/dev/xvdb) is 50 GiB, encrypted.
 *
 *   npm run build && node dist/examples/bottlerocket-group.js [OUT.yaml]
 */
import * as fs from 'node:fs';
import { buildNodeGroupTemplate, maxPodsTableFromTemplate, requiredCapabilities, toYaml } from 'eks-nodegroup';

const template = buildNodeGroupTemplate({
  amiFamily: 'bottlerocket',
  architecture: 'arm64',
  kubernetesVersion: '1.33',
  instanceTypes: ['m7g.*', 'c7g.*'],
  excludeInstanceTypes: ['*.metal'],
  defaultInstanceType: 'm7g.large',
  volume: { size: 50 },
  kubelet: { 'eviction-hard': { 'memory.available': '10%' } },
  tags: { team: 'platform' },
});
const yaml = toYaml(template);
const out = process.argv[2];
if (out) fs.writeFileSync(out, yaml);
else process.stdout.write(yaml);

const table = maxPodsTableFromTemplate(template)!;
(out ? process.stdout : process.stderr).write(
  `bottlerocket arm64: ${table.size} types, m7g.large maxPods ${table.get('m7g.large')}; capabilities ${requiredCapabilities(template).join(' ')}\n`,
);
