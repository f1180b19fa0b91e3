/**
 * `npm run mutate -- --count N [--seed S]`: random mutations of the committed templates and AWS's
 * published ones (../shared/reference, when present) through validate, diff and render. A mutant
 * fails when a command ends in an internal error (the bin's exit 70, or the process dying), prints
 * a stack trace, uses more CPU time than the bound, or is still running at the kill time. Seeded
 * (fast-check), so a failure replays exactly: each one is printed with its seed and index and
 * written to a file.
 *
 * Commands run in a child process (a Runner) that loads the CLI once and runs them one after
 * another: a hang is killed, a V8 fatal error ends only the child, and the next command gets a new one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { cli } from '../lib/cli';
import { INTRINSICS, isRecord } from '../lib/core';
import { parseTemplate } from '../lib/yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const AWS_TEMPLATES = path.resolve(ROOT, '..', 'shared', 'reference', 'aws-nodegroup-templates');

/** Most CPU time one command may use on one mutant (the issue's bound). */
export const BOUND_MS = 5000;
/** Wall time after which a command is killed as a hang (CPU time stretches less than wall time on a loaded machine). */
export const KILL_MS = 2 * BOUND_MS;

export interface Source {
  name: string;
  text: string;
  /** `-p Key=Value` for every parameter without a Default, so render gets past its parameters. */
  parameters: string[];
}

/** The templates mutated: ours, and AWS's when ../shared is there. */
export function corpus(): Source[] {
  const files = fs.readdirSync(path.join(ROOT, 'templates')).filter((f) => f.endsWith('.yaml')).map((f) => path.join(ROOT, 'templates', f));
  if (fs.existsSync(AWS_TEMPLATES)) files.push(...fs.readdirSync(AWS_TEMPLATES).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(AWS_TEMPLATES, f)));
  return files.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return { name: path.basename(file), text, parameters: renderParameters(parseTemplate(text)) };
  });
}

/** A value of each parameter without a Default that its type and AllowedValues accept. */
function renderParameters(t: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, p] of Object.entries(isRecord(t.Parameters) ? t.Parameters : {})) {
    if (!isRecord(p) || p.Default !== undefined) continue;
    const type = String(p.Type);
    const value = Array.isArray(p.AllowedValues) ? String(p.AllowedValues[0]) : type.includes('Number') ? '1' : type.includes('Subnet') ? 'subnet-a,subnet-b' : type.includes('::Id') ? 'id-0123' : 'x';
    out.push(`${name}=${value}`);
  }
  return out;
}

const TAGS = Object.keys(INTRINSICS);
const VALUES = ['0', '-1', '1e400', 'null', '~', '[]', '{}', 'true', '"', "'x'", '!Ref Nowhere', '!GetAtt A', '*nowhere', '&a', '|', 'a'.repeat(300), '"\\u0000"', '[*x]'];
const JUNK = [':', '-', '[', ']', '{', '}', '&', '*', '!', '|', '>', '"', "'", '\t', '%', '#', ',', '?', '\uFEFF', '\u0085'];

export type Mutation = { kind: string; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete-line', 'duplicate-line', 'swap-lines', 'swap-tag', 'scalar-to-list', 'change-scalar', 'truncate', 'bom', 'indent', 'alias', 'junk', 'nest'),
  a: fc.nat(),
  b: fc.nat(),
});

/** One mutant: a source and one to three mutations. */
export const plan = (sources: number): fc.Arbitrary<{ source: number; mutations: Mutation[] }> =>
  fc.record({ source: fc.nat({ max: sources - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });

/** `text` with mutation `m` applied (lines and offsets taken modulo what the text has). */
export function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const n = lines.length;
  const i = m.a % n;
  const j = m.b % n;
  const value = /^(\s*(?:- )?[^#\s][^:]*:\s+)(\S.*)$/;
  switch (m.kind) {
    case 'delete-line':
      lines.splice(i, 1);
      break;
    case 'duplicate-line':
      lines.splice(i, 0, lines[i]);
      break;
    case 'swap-lines':
      [lines[i], lines[j]] = [lines[j], lines[i]];
      break;
    case 'swap-tag': {
      const tagged = lines.map((l, k) => (/![A-Z]\w*/.test(l) ? k : -1)).filter((k) => k >= 0);
      if (tagged.length) {
        const k = tagged[m.a % tagged.length];
        lines[k] = lines[k].replace(/![A-Z]\w*/, `!${TAGS[m.b % TAGS.length]}`);
      }
      break;
    }
    case 'scalar-to-list':
      lines[i] = lines[i].replace(value, (_, key: string, v: string) => `${key}[${v}, ${v}]`);
      break;
    case 'change-scalar':
      lines[i] = value.test(lines[i]) ? lines[i].replace(value, (_, key: string) => `${key}${VALUES[m.b % VALUES.length]}`) : `${lines[i]} ${VALUES[m.b % VALUES.length]}`;
      break;
    case 'truncate':
      return text.slice(0, m.a % (text.length + 1));
    case 'bom':
      return `\uFEFF${text}`;
    case 'indent':
      lines[i] = m.b % 2 ? `  ${lines[i]}` : lines[i].replace(/^ {1,2}/, '');
      break;
    case 'alias':
      lines.splice(i, 0, m.b % 2 ? `x${m.b}: &x${m.b} [*x${m.b}]` : `${lines[i].match(/^\s*/)?.[0] ?? ''}y${m.b}: *x${m.b % 7}`);
      break;
    case 'junk': {
      const at = m.a % (text.length + 1);
      return text.slice(0, at) + JUNK[m.b % JUNK.length] + text.slice(at);
    }
    case 'nest': {
      const depth = m.b % 150;
      lines[i] = lines[i].replace(value, (_, key: string, v: string) => `${key}${'['.repeat(depth)}${v}${']'.repeat(depth)}`);
      break;
    }
  }
  return lines.join('\n');
}

export interface Outcome {
  command: string;
  /** Exit code; 70 for an internal error or a process that died, -1 when killed. */
  code: number;
  /** CPU time the command used (the whole run's wall time when it was killed). */
  ms: number;
  /** Why the run fails the test (internal error, stack trace, too slow); undefined when it is fine. */
  problem?: string;
}

/** What the runner child answers for one command. */
interface Answer {
  code: number;
  cpuMs: number;
  error?: string;
  trace?: string;
}

/** In the runner child: runs each command it is sent with cli() of `module`, answers code, CPU time and any stack trace. */
function serve(module: string): void {
  const { cli: run } = require(module) as { cli: typeof cli };
  process.on('message', (m: { argv: string[] }) => {
    let said = '';
    const io = { stdout: { write: (s: string) => (said += s) }, stderr: { write: (s: string) => (said += s) }, env: { NO_COLOR: '1' } };
    const t0 = process.cpuUsage();
    const answer = (a: Omit<Answer, 'cpuMs'>): void => {
      const { user, system } = process.cpuUsage(t0);
      const trace = /\n\s+at .*:\d+:\d+/.test(said) ? said.slice(0, 2000) : undefined;
      process.send!({ ...a, cpuMs: (user + system) / 1000, ...(trace ? { trace } : {}) });
    };
    Promise.resolve()
      .then(() => run(m.argv, io))
      .then(
        (code) => answer({ code }),
        (e: unknown) => answer({ code: 70, error: (e as Error)?.stack ?? String(e) }),
      );
  });
}

/**
 * Runs CLI commands in a child process that loads the CLI once. A command still running after
 * `killMs` is killed, a child that dies (a V8 fatal error) is reported, and the next command
 * starts a new child. `module` exports cli(argv, io): the package's, or a test's stand-in.
 */
export class Runner {
  private child?: ChildProcess;
  private stderr = '';
  constructor(
    private readonly module = path.join(__dirname, '..', 'lib', 'cli'),
    private readonly limits = { boundMs: BOUND_MS, killMs: KILL_MS },
  ) {}

  private start(): ChildProcess {
    const child = fork(__filename, ['--runner', this.module], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.stderr = '';
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    // A child that ends between commands is replaced on the next one; a send to one that has just
    // ended fails with an 'error' event, and its 'exit' reports the command.
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    child.on('error', () => undefined);
    return child;
  }

  run(argv: string[]): Promise<Outcome> {
    const child = (this.child ??= this.start());
    const { boundMs, killMs } = this.limits;
    const command = argv[0];
    return new Promise((resolve) => {
      const t0 = Date.now();
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, killMs);
      const done = (o: Outcome): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(o);
      };
      const onMessage = (a: Answer): void => {
        const ms = Math.round(a.cpuMs);
        if (a.error) done({ command, code: a.code, ms, problem: `internal error: ${a.error}` });
        else if (a.trace) done({ command, code: a.code, ms, problem: `stack trace in the output: ${a.trace}` });
        else if (a.cpuMs > boundMs) done({ command, code: a.code, ms, problem: `took ${ms} ms of CPU (bound ${boundMs} ms)` });
        else done({ command, code: a.code, ms });
      };
      const onExit = (code: number | null, signal: string | null): void => {
        this.child = undefined;
        const ms = Date.now() - t0;
        if (killed) done({ command, code: -1, ms, problem: `took ${ms} ms: still running after ${killMs} ms, killed` });
        else done({ command, code: 70, ms, problem: `internal error: the process died (${signal ?? `exit code ${code}`}): ${this.stderr.trim()}` });
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ argv });
    });
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}

/** Runs validate, diff (source → mutant) and render on a mutant. */
export async function runMutant(runner: Runner, source: Source, text: string, dir: string): Promise<Outcome[]> {
  const original = path.join(dir, 'original.yaml');
  const mutant = path.join(dir, 'mutant.yaml');
  fs.writeFileSync(original, source.text);
  fs.writeFileSync(mutant, text);
  const out: Outcome[] = [];
  for (const argv of [['validate', mutant], ['diff', original, mutant], ['render', mutant, ...source.parameters.flatMap((p) => ['-p', p])]]) {
    out.push(await runner.run(argv));
  }
  return out;
}

export interface Report {
  mutants: number;
  runs: number;
  internalErrors: number;
  timeouts: number;
  stackTraces: number;
  slowestMs: number;
  /** How many runs of each command ended in each exit code. */
  codes: Record<string, Record<number, number>>;
  failures: { index: number; source: string; mutations: Mutation[]; outcome: Outcome; file?: string }[];
}

/** `count` mutants from `seed`; failing mutants are written to `keep` when given. */
export async function mutate(seed: number, count: number, keep?: string, progress?: (done: number) => void): Promise<Report> {
  const sources = corpus();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-nodegroup-mutate-'));
  const runner = new Runner();
  const report: Report = { mutants: 0, runs: 0, internalErrors: 0, timeouts: 0, stackTraces: 0, slowestMs: 0, codes: {}, failures: [] };
  try {
    const plans = fc.sample(plan(sources.length), { seed, numRuns: count });
    for (const [index, p] of plans.entries()) {
      const source = sources[p.source];
      const text = p.mutations.reduce(apply, source.text);
      report.mutants++;
      for (const o of await runMutant(runner, source, text, dir)) {
        report.runs++;
        report.slowestMs = Math.max(report.slowestMs, o.ms);
        const codes = (report.codes[o.command] ??= {});
        codes[o.code] = (codes[o.code] ?? 0) + 1;
        if (!o.problem) continue;
        if (o.problem.startsWith('internal error')) report.internalErrors++;
        else if (o.problem.startsWith('took')) report.timeouts++;
        else report.stackTraces++;
        let file: string | undefined;
        if (keep) {
          fs.mkdirSync(keep, { recursive: true });
          file = path.join(keep, `mutant-${seed}-${index}.yaml`);
          fs.writeFileSync(file, text);
        }
        report.failures.push({ index, source: source.name, mutations: p.mutations, outcome: o, file });
      }
      progress?.(index + 1);
    }
  } finally {
    runner.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

async function main(): Promise<number> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} takes a whole number, got ${process.argv[i + 1]}`);
    return v;
  };
  const count = arg('--count', 1000);
  const seed = arg('--seed', 16);
  const keep = path.join(os.tmpdir(), 'eks-nodegroup-mutants');
  const t0 = Date.now();
  const r = await mutate(seed, count, keep, (done) => {
    if (done % 500 === 0) process.stderr.write(`${done} mutants, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  });
  for (const f of r.failures) console.log(`FAIL mutant ${f.index} of seed ${seed} (${f.source}, ${JSON.stringify(f.mutations)}): ${f.outcome.command} ${f.outcome.problem}${f.file ? ` [${f.file}]` : ''}`);
  console.log(
    `${r.mutants} mutants (seed ${seed}), ${r.runs} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s: ` +
      `${r.internalErrors} exit 70, ${r.timeouts} over ${BOUND_MS} ms, ${r.stackTraces} stack traces; slowest run ${r.slowestMs} ms; ` +
      `exit codes ${Object.entries(r.codes).map(([c, n]) => `${c} ${JSON.stringify(n)}`).join(', ')}`,
  );
  return r.failures.length ? 1 : 0;
}

if (require.main === module && process.argv[2] === '--runner') {
  serve(process.argv[3]);
} else if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      console.error(e.message);
      process.exitCode = 2;
    },
  );
}
