/**
 * Keeps the README true: every ```console block's `$ eks-nodegroup …` command is run with the built
 * CLI and its output must equal what the README shows. A command may end in `| head -N`.
 * Commands marked with a trailing `# not run` are skipped (e.g. ones that need AWS credentials).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runBin } from './helpers';

interface Example {
  line: number;
  command: string;
  expected: string;
}

function shellWords(s: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  return words;
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let current: Example | undefined;
  lines.forEach((l, i) => {
    if (!inBlock && l.trim() === '```console') {
      inBlock = true;
      return;
    }
    if (inBlock && l.trim() === '```') {
      inBlock = false;
      if (current) out.push(current);
      current = undefined;
      return;
    }
    if (!inBlock) return;
    if (l.startsWith('$ ')) {
      if (current) out.push(current);
      current = { line: i + 1, command: l.slice(2), expected: '' };
    } else if (current) {
      current.expected += l + '\n';
    }
  });
  return out;
}

describe('README examples are real output', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const all = examples(readme);

  it('shows examples/build-and-check.ts exactly as it is', () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'build-and-check.ts'), 'utf8');
    expect(readme.includes('```ts\n' + source + '```\n'), 'README library example differs from examples/build-and-check.ts').to.equal(true);
  });

  it('has console examples', () => {
    expect(all.length).to.be.greaterThan(3);
  });

  for (const ex of all) {
    const skip = /#\s*not run\s*$/.test(ex.command);
    (skip ? it.skip : it)(`README line ${ex.line}: $ ${ex.command}`, () => {
      const [cmd, pipe] = ex.command.split(/\s+\|\s+/);
      const words = shellWords(cmd);
      expect(words[0], 'README console examples start with eks-nodegroup').to.equal('eks-nodegroup');
      const r = runBin(words.slice(1));
      let output = r.stdout + r.stderr;
      if (pipe) {
        const m = /^head -(\d+)$/.exec(pipe.trim());
        expect(m, `unsupported pipe "${pipe}"`).to.not.equal(null);
        output = output.split('\n').slice(0, Number(m![1])).join('\n') + '\n';
      }
      expect(output).to.equal(ex.expected);
    });
  }
});
