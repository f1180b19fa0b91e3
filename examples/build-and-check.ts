/**
 * A build script for a platform team: generate the node-group template for the instance families
 * the team runs, with prefix delegation and AWS's recommended cap; refuse to write it unless it
 * validates; show what the update changes against the template deployed today.
 *
 *   node dist/examples/build-and-check.js OUT.yaml [DEPLOYED.yaml]
 *
 * Exit code: 0 written (and identical to DEPLOYED), 1 written and different, 2 invalid (nothing written).
 */
import * as fs from 'node:fs';
import {
  buildNodeGroupTemplate,
  diffTemplates,
  explainMaxPods,
  formatDiffText,
  parseTemplate,
  toYaml,
  validateTemplate,
  type MaxPodsOptions,
} from 'eks-nodegroup';

const [out = 'nodegroup.yaml', deployed] = process.argv.slice(2);
const maxPods: MaxPodsOptions = { prefixDelegation: true, cap: true };

const template = buildNodeGroupTemplate({ instanceTypes: ['m6i.*', 'c6i.*', 'r6i.*'], maxPods, defaultInstanceType: 'm6i.large' });
const errors = validateTemplate(template).filter((f) => f.severity === 'error');
if (errors.length > 0) {
  for (const e of errors) console.error(`${e.pointer}: ${e.message}`);
  process.exit(2);
}
fs.writeFileSync(out, toYaml(template));

const e = explainMaxPods('m6i.large', maxPods);
console.log(`wrote ${out}; m6i.large gets maxPods ${e.maxPods} (${e.formula}, capped at ${e.cap?.limit})`);

if (deployed) {
  const diff = diffTemplates(parseTemplate(fs.readFileSync(deployed, 'utf8'), deployed), template);
  process.stdout.write(formatDiffText(diff, { color: false, oldLabel: deployed, newLabel: out }));
  process.exitCode = diff.identical ? 0 : 1;
}
