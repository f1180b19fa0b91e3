/**
 * Keeps README.md and docs/*.md true: every ```console block's `$ eks-nodegroup …` command is run
 * with the built CLI and its output must equal what the page shows (`npm run generate` rewrites
 * them).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as api from '../lib';
import { consoleExamples, documentFiles, runExample } from '../scripts/console';
import { ROOT } from './helpers';

describe('README and docs: every console example is real output', function () {
  this.timeout(60_000);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('the README shows examples/build-and-check.ts exactly as it is', () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'build-and-check.ts'), 'utf8');
    expect(readme.includes('```ts\n' + source + '```\n'), 'README library example differs from examples/build-and-check.ts').to.equal(true);
  });

  it("the README's API table lists exactly the package root's exports", () => {
    const table = readme.slice(readme.indexOf('| export |'));
    const names = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(names.length).to.be.greaterThan(10);
    expect([...names].sort()).to.deep.equal(Object.keys(api).sort());
  });

  it("docs/gen.md's option table states every default as DEFAULTS has it", () => {
    const gen = fs.readFileSync(path.join(ROOT, 'docs', 'gen.md'), 'utf8');
    const d = api.DEFAULTS;
    const m = d.mixedInstances;
    const stated = [
      `\`${d.amiFamily}\` (default)`,
      `\`${d.defaultInstanceType}\` when offered`,
      `\`${d.maxPodsLayout}\` (default)`,
      `al2023 ${d.kubernetesVersion.al2023}, bottlerocket ${d.kubernetesVersion.bottlerocket}, al2 ${d.kubernetesVersion.al2}`,
      `default ${d.volume.size} GiB ${d.volume.type}${d.volume.encrypted ? ', encrypted' : ''}`,
      `\`${d.imds.httpTokens}\` and ${d.imds.hopLimit} by default`,
      `(${d.scaling.min} / ${d.scaling.desired} / ${d.scaling.max})`,
      `(default ${m.onDemandBaseCapacity})`,
      `(default ${m.onDemandPercentageAboveBaseCapacity}`,
      `\`${m.spotAllocationStrategy}\` (default)`,
      m.capacityRebalance ? 'Capacity Rebalancing off (on by default)' : 'Capacity Rebalancing on',
    ];
    expect(stated.filter((s) => !gen.includes(s)), 'defaults docs/gen.md states otherwise (or no longer states)').to.deep.equal([]);
  });

  for (const file of documentFiles()) {
    describe(file, () => {
      const examples = consoleExamples(fs.readFileSync(path.join(ROOT, file), 'utf8'));
      it('has console examples', () => {
        expect(examples.length).to.be.greaterThan(0);
      });
      for (const ex of examples) {
        it(`${file}:${ex.line}: $ ${ex.command}`, () => {
          expect(runExample(ex.command), `run: npm run generate (it rewrites ${file})`).to.equal(ex.shown);
        });
      }
    });
  }
});
