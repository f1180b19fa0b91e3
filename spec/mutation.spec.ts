/**
 * The mutation test (issue 16): a seeded, bounded run of random mutations of the committed templates
 * and AWS's (when ../shared is present) through validate, diff and render. Any internal error
 * (exit 70), stack trace or run over the bound fails it. The long run is `npm run mutate -- --count
 * 10000` (docs/hostile-input.md).
 */
import { expect } from 'chai';
import { corpus, mutate } from '../scripts/mutate';
import { SHARED_TEMPLATES } from './helpers';
import * as fs from 'node:fs';

/** Mutants in the normal suite: about 20 s on a 2-core machine. */
const COUNT = 120;

describe('mutation test: random mutants through validate, diff and render', () => {
  it(`${COUNT} mutants (seed 16): no exit 70, no stack trace, every run within the bound`, async function () {
    if (!fs.existsSync(SHARED_TEMPLATES)) console.log(`      (AWS's templates are absent at ${SHARED_TEMPLATES}: mutating the committed templates only)`);
    const r = await mutate(16, COUNT);
    expect(r.failures.map((f) => `mutant ${f.index} (${f.source}, ${JSON.stringify(f.mutations)}): ${f.outcome.command} ${f.outcome.problem}`)).to.deep.equal([]);
    expect(r.mutants).to.equal(COUNT);
    expect(r.runs).to.equal(3 * COUNT);
  });

  it('the mutants reach past the parser: some validate runs find the template valid or report findings', async function () {
    const r = await mutate(17, 30);
    const validate = r.codes.validate ?? {};
    expect((validate[0] ?? 0) + (validate[1] ?? 0), JSON.stringify(r.codes)).to.be.at.least(5);
    expect(corpus().length).to.be.at.least(3);
  });
});
