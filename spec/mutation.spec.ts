/**
 * The mutation test (issue 16): a seeded, bounded run of random mutations of the committed templates
 * and AWS's (when ../shared is present) through validate, diff and render. Any internal error
 * (exit 70, or the process dying), stack trace or run over the bound fails it. The long run is
 * `npm run mutate -- --count 10000` (docs/hostile-input.md).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { corpus, mutate, runMutant, Runner, type Source } from '../scripts/mutate';
import { SHARED_TEMPLATES, tempDir } from './helpers';
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

describe('mutation runner: what an in-process run could not survive', () => {
  // A stand-in CLI (spec/misbehaving-cli.ts) and small limits: 300 ms of CPU, killed after 2 s.
  const runner = new Runner(path.join(__dirname, 'misbehaving-cli.js'), { boundMs: 300, killMs: 2000 });
  after(() => runner.close());

  it('a synchronous hang is killed at the kill time and reported as a timeout; the next command runs in a new process', async () => {
    const hang = await runner.run(['hang']);
    expect(hang.code).to.equal(-1);
    expect(hang.problem).to.match(/^took \d+ ms: still running after 2000 ms, killed$/);
    const next = await runner.run(['ok']);
    expect([next.code, next.problem]).to.deep.equal([0, undefined]);
  });

  it('a process that dies (a V8 fatal error aborts it) is an internal error, and the next command runs', async () => {
    const abort = await runner.run(['abort']);
    expect(abort.code).to.equal(70);
    expect(abort.problem).to.match(/^internal error: the process died \(SIGABRT\)/);
    const next = await runner.run(['ok']);
    expect([next.code, next.problem]).to.deep.equal([0, undefined]);
  });

  it('more CPU time than the bound, an exception and a stack trace in the output are each reported', async () => {
    expect((await runner.run(['spin', '600'])).problem).to.match(/^took \d+ ms of CPU \(bound 300 ms\)$/);
    expect(await runner.run(['throw'])).to.deep.include({ code: 70 });
    expect((await runner.run(['throw'])).problem).to.match(/^internal error: TypeError: an internal error/);
    expect((await runner.run(['trace'])).problem).to.match(/^stack trace in the output: something failed/);
  });
});

describe("mutation test: the issue's named mutant (a BOM, a swapped tag, two changed scalars made diff run past 10 s)", () => {
  /**
   * The mutant rebuilt from its description (the run kept no copy): a BOM, UserData's !Base64
   * swapped for !Sub, NodeInstanceType's Default made 300 "a"s and NodeVolumeSize's 1e400.
   */
  function named(text: string): string {
    const steps: [string | RegExp, string][] = [
      ['UserData: !Base64', 'UserData: !Sub'],
      [/(\n {2}NodeInstanceType:\n(?: {4}.*\n)*? {4}Default: )\S+/, `$1${'a'.repeat(300)}`],
      [/(\n {2}NodeVolumeSize:\n(?: {4}.*\n)*? {4}Default: )\S+/, '$11e400'],
    ];
    return `\uFEFF${steps.reduce((t, [from, to]) => {
      const next = t.replace(from, to);
      expect(next, `the template has ${from}`).to.not.equal(t);
      return next;
    }, text)}`;
  }

  const runner = new Runner();
  after(() => runner.close());

  async function check(source: Source): Promise<void> {
    const outcomes = await runMutant(runner, source, named(source.text), tempDir());
    expect(outcomes.map((o) => `${o.command}: ${o.problem ?? 'ok'}`)).to.deep.equal(['validate: ok', 'diff: ok', 'render: ok']);
    // validate finds the Defaults, diff the changes, render refuses the Number default.
    expect(outcomes.map((o) => o.code)).to.deep.equal([1, 1, 2]);
  }

  it("AWS's 2020-10-21 template (from ../shared)", async function () {
    const source = fs.existsSync(SHARED_TEMPLATES) ? corpus().find((s) => s.name.includes('2020-10-21')) : undefined;
    if (!source) {
      console.log(`      (skipped: AWS's templates are absent at ${SHARED_TEMPLATES}; the next case runs the same mutation on templates/nodegroup.yaml)`);
      this.skip();
    }
    await check(source!);
  });

  it('the same mutation of the committed templates/nodegroup.yaml (runs on every clone)', async () => {
    await check(corpus().find((s) => s.name === 'nodegroup.yaml')!);
  });
});
