/**
 * The ```console blocks of README.md and docs/*.md: each `$ eks-nodegroup …` line is run with the
 * built CLI, and what follows it in the block is its output (stdout, then stderr). `npm run
 * generate` rewrites the outputs; spec/docs.spec.ts checks them. A command may end in `| head -N` or `| grep 'TEXT'`.
 * A command that needs the network goes in a ```sh block, which shows no output.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'eks-nodegroup.js');

/** The markdown files whose console blocks are real output: README.md and every docs/*.md. */
export function documentFiles(): string[] {
  const docs = path.join(ROOT, 'docs');
  const pages = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f)) : [];
  return ['README.md', ...pages];
}

export interface ConsoleExample {
  /** 1-based line of the `$ ` line. */
  line: number;
  command: string;
  /** The output shown under it (each line with its newline). */
  shown: string;
}

interface Block {
  examples: ConsoleExample[];
  /** Index of the first line after the opening fence and of the closing fence. */
  start: number;
  end: number;
}

function blocks(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```console') continue;
    const block: Block = { examples: [], start: i + 1, end: i + 1 };
    let j = i + 1;
    for (; j < lines.length && lines[j].trim() !== '```'; j++) {
      const l = lines[j];
      if (l.startsWith('$ ')) {
        const command = l.slice(2);
        block.examples.push({ line: j + 1, command, shown: '' });
      } else if (block.examples.length) {
        block.examples[block.examples.length - 1].shown += l + '\n';
      }
    }
    block.end = j;
    out.push(block);
    i = j;
  }
  return out;
}

/** Every console example of a markdown text. */
export function consoleExamples(markdown: string): ConsoleExample[] {
  return blocks(markdown.split('\n')).flatMap((b) => b.examples);
}

function shellWords(s: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  return words;
}

/** Runs one example's command with the built CLI in the repository root and returns what it prints. */
export function runExample(command: string): string {
  const [cmd, pipe] = command.split(/\s+\|\s+/);
  const words = shellWords(cmd);
  if (words[0] !== 'eks-nodegroup') throw new Error(`console examples start with eks-nodegroup: ${command}`);
  const r = spawnSync(process.execPath, [BIN, ...words.slice(1)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  let output = r.stdout + r.stderr;
  if (pipe !== undefined) {
    // `head -N`, or `grep 'TEXT'` (lines holding TEXT, as fixed text).
    const head = /^head -(\d+)$/.exec(pipe.trim());
    const grep = /^grep '([^']+)'$/.exec(pipe.trim());
    if (!head && !grep) throw new Error(`unsupported pipe "${pipe}" in: ${command}`);
    const lines = output.split('\n');
    output = (head ? lines.slice(0, Number(head[1])) : lines.filter((l) => l.includes(grep![1]))).join('\n') + '\n';
  }
  return output;
}

/** The markdown with every example's output replaced by what its command prints now. */
export function refreshConsoleBlocks(markdown: string, run: (command: string) => string = runExample): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const b of blocks(lines)) {
    out.push(...lines.slice(at, b.start));
    let i = b.start;
    // Lines before the first `$ ` stay as they are.
    while (i < b.end && !lines[i].startsWith('$ ')) out.push(lines[i++]);
    for (const ex of b.examples) {
      out.push(`$ ${ex.command}`);
      const text = run(ex.command);
      out.push(...text.replace(/\n$/, '').split('\n').filter((_, n, all) => !(all.length === 1 && all[0] === '' && n === 0)));
    }
    at = b.end;
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}
