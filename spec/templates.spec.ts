/**
 * The committed templates (templates/*.yaml; kept fresh by spec/generate.spec.ts) fit
 * CloudFormation's inline limit, round-trip through the YAML layer (parseTemplate(toYaml(t))
 * deep-equals t, toYaml(parseTemplate(text)) is the same text), and hold maxPods(type) for every type.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INLINE_TEMPLATE_LIMIT } from '../lib/cli/commands/gen';
import { architectureOf, instanceTypeNames } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import { maxPodsTableFromTemplate } from '../lib/nodegroup';
import { parseTemplate, toYaml } from '../lib/yaml';
import { COMMITTED_TEMPLATES } from '../scripts/generate';
import { ROOT } from './helpers';

describe('committed templates', function () {
  this.timeout(120_000);
  for (const t of COMMITTED_TEMPLATES) {
    describe(t.file, () => {
      let committed: string;
      before(() => {
        committed = fs.readFileSync(path.join(ROOT, t.file), 'utf8');
      });

      it(`fits the ${INLINE_TEMPLATE_LIMIT}-byte inline limit`, () => {
        expect(Buffer.byteLength(committed)).to.be.at.most(INLINE_TEMPLATE_LIMIT);
      });

      it('round-trips through parseTemplate/toYaml', () => {
        const parsed = parseTemplate(committed, t.file);
        expect(parseTemplate(toYaml(parsed))).to.deep.equal(parsed);
        expect(toYaml(parsed)).to.equal(committed);
      });

      it('holds maxPods(type) for every type whose architecture is known', () => {
        const table = maxPodsTableFromTemplate(parseTemplate(committed))!;
        const known = instanceTypeNames().filter((n) => architectureOf(n) !== undefined);
        expect([...table.keys()]).to.deep.equal(known);
        for (const name of known) expect(table.get(name), name).to.equal(maxPods(name));
      });
    });
  }
});
