/**
 * `npm run bench`: every figure is a ratio to bare `node -e 0` measured in the same run, so the
 * numbers compare across machines. Each case runs several times, each run paired with a baseline
 * run just before it so machine load affects both alike; the median of the paired ratios and their
 * spread (min–max) are printed with the budget the issues set and whether it is met. Then: peak memory (RSS) of `gen`, and a scale check of the
 * data generator on a synthetic describe-instance-types file 1×, 5× and 10× the real data.
 *
 * `--smoke` runs each case once and fails only when a command errors, never on timing (CI).
 * `--reps N` sets the repetitions (default 11).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RENDER_PARAMS } from './render-params';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'eks-nodegroup.js');
const LIB = path.join(ROOT, 'dist', 'lib', 'index.js');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-nodegroup-bench-'));

export interface BenchCase {
  name: string;
  /** Arguments after `node`. */
  argv: string[];
  /** Budget as a ratio to bare node (the issues' targets). */
  budget?: number;
  /** Which issue set the budget. */
  source?: string;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}


export const CASES: BenchCase[] = [
  { name: 'max-pods --all', argv: [BIN, 'max-pods', '--all'], budget: 1.5, source: 'issue 2' },
  { name: 'gen (all types, validated) -o <tmp>', argv: [BIN, 'gen', '-o', path.join(TMP, 'gen.yaml')], budget: 2.0, source: 'issue 3' },
  { name: 'validate templates/nodegroup.yaml', argv: [BIN, 'validate', 'templates/nodegroup.yaml'], budget: 2.0, source: 'issue 4' },
  { name: 'diff nodegroup-al2.yaml nodegroup.yaml', argv: [BIN, 'diff', 'templates/nodegroup-al2.yaml', 'templates/nodegroup.yaml'], budget: 3.0, source: 'issue 5', okCodes: [1] },
  // The whole process: loading the package root (every stage) and one call.
  {
    name: 'library: require + buildNodeGroupTemplate + toYaml',
    argv: ['-e', `const l = require(${JSON.stringify(LIB)}); l.toYaml(l.buildNodeGroupTemplate({}));`],
  },
  { name: 'render templates/nodegroup.yaml --user-data', argv: [BIN, 'render', 'templates/nodegroup.yaml', ...RENDER_PARAMS.flatMap((p) => ['-p', p]), '--user-data'] },
  { name: 'pods t2.micro --replicas 3 (eks-2018)', argv: [BIN, 'pods', 't2.micro', '--replicas', '3', '--system-pods', 'eks-2018'], budget: 1.5, source: 'own', okCodes: [1] },
  { name: 'pods m5.large --replicas 500 --nodes-needed', argv: [BIN, 'pods', 'm5.large', '--replicas', '500', '--nodes-needed'], budget: 1.5, source: 'own' },
  { name: 'pods --fit 30 (every type)', argv: [BIN, 'pods', '--fit', '30'], budget: 2, source: 'own' },
];

function runOnce(argv: string[], okCodes: number[] = [0]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || !okCodes.includes(r.status ?? -1)) {
    throw new Error(`node ${argv.map((a) => path.relative(ROOT, a) || a).join(' ')} exited ${r.status}: ${r.error?.message ?? r.stderr}`);
  }
  return ms;
}

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

const fmt = (s: Stats) => `median ${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;

/** Peak RSS of one CLI run, read by the process itself at exit. */
function peakRss(args: string[]): number {
  const code = `process.on('exit', () => process.stderr.write('\\nRSS ' + process.resourceUsage().maxRSS + '\\n'));` +
    `process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}]; require(${JSON.stringify(BIN)});`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
  const m = /RSS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`peak RSS run failed: ${r.stderr}`);
  return Number(m[1]) / 1024; // KiB → MiB
}

/** A describe-instance-types file with `factor` × the known types (new family names per copy). */
function syntheticDescribe(factor: number): string {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { listInstanceTypes } = require(LIB) as typeof import('../lib');
  const { awsFromFacts } = require(path.join(ROOT, 'dist', 'lib', 'instance-types', 'refresh.js')) as typeof import('../lib/instance-types/refresh');
  /* eslint-enable @typescript-eslint/no-var-requires */
  const out: unknown[] = [];
  for (let copy = 0; copy < factor; copy++) {
    for (const t of listInstanceTypes()) {
      const [family, size] = [t.name.slice(0, t.name.indexOf('.')), t.name.slice(t.name.indexOf('.') + 1)];
      out.push(awsFromFacts(copy === 0 ? t : { ...t, name: `${family}z${copy}.${size}` }));
    }
  }
  return JSON.stringify({ InstanceTypes: out }, null, 2);
}

function main(): number {
  const smoke = process.argv.includes('--smoke');
  const repsArg = process.argv.indexOf('--reps');
  const reps = smoke ? 1 : repsArg > 0 ? Math.max(1, Number(process.argv[repsArg + 1]) || 11) : 11;
  console.log(`eks-nodegroup bench — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${reps} run(s) each`);

  // Each case run is paired with a bare-node run just before it: this machine's speed drifts
  // (other tenants, CPU frequency) over seconds, and a pair shares the same moment. The ratio of a
  // case is the median of its paired ratios; the spread is their min–max.
  const baselineRuns: number[] = [];
  const caseRuns: number[][] = CASES.map(() => []);
  const ratios: number[][] = CASES.map(() => []);
  for (let i = 0; i < reps; i++) {
    CASES.forEach((c, j) => {
      const b = runOnce(['-e', '0']);
      const ms = runOnce(c.argv, c.okCodes);
      baselineRuns.push(b);
      caseRuns[j].push(ms);
      ratios[j].push(ms / b);
    });
  }
  const base = stats(baselineRuns);
  console.log(`baseline node -e 0: ${fmt(base)}, ${baselineRuns.length} runs, one just before each case run`);
  let budgets = 0;
  let met = 0;
  CASES.forEach((c, j) => {
    const s = stats(caseRuns[j]);
    const r = stats(ratios[j]);
    let verdict = '';
    if (c.budget !== undefined) {
      budgets++;
      const ok = r.median <= c.budget;
      if (ok) met++;
      verdict = `  budget ≤ ${c.budget}× (${c.source}) ${ok ? 'met' : 'NOT met'}`;
    }
    console.log(`${c.name.padEnd(46)} ${r.median.toFixed(2).padStart(5)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})  ${fmt(s)}${verdict}`);
  });

  // The library call in this process: the first (cold) call and the median of later (warm) calls.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lib = require(LIB) as typeof import('../lib');
  const call = () => {
    const t0 = process.hrtime.bigint();
    lib.toYaml(lib.buildNodeGroupTemplate({}));
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const cold = call();
  const warm = stats(Array.from({ length: smoke ? 2 : 20 }, call));
  console.log(
    `library in-process buildNodeGroupTemplate + toYaml: first call ${cold.toFixed(0)} ms (${(cold / base.median).toFixed(2)}× bare node), ` +
      `then ${fmt(warm)} (${(warm.median / base.median).toFixed(2)}×)`,
  );

  const rss = peakRss(['gen', '-o', path.join(TMP, 'rss.yaml')]);
  const nodeRss = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS of gen (all types): ${rss.toFixed(0)} MiB (this bench process: ${nodeRss.toFixed(0)} MiB)`);

  // Scale check: the data generator (refresh-data) and max-pods on 1×, 5×, 10× the real type count.
  const scale: { factor: number; types: number; ms: number }[] = [];
  for (const factor of smoke ? [1, 10] : [1, 5, 10]) {
    const file = path.join(TMP, `types-${factor}x.json`);
    fs.writeFileSync(file, syntheticDescribe(factor));
    const runs: number[] = [];
    for (let i = 0; i < (smoke ? 1 : 5); i++) {
      runs.push(runOnce([BIN, 'refresh-data', file, '-o', path.join(TMP, `data-${factor}x.ts`), '--date', '2026-01-01']));
    }
    const types = (fs.readFileSync(path.join(TMP, `data-${factor}x.ts`), 'utf8').match(/^ {4}\[/gm) ?? []).length;
    scale.push({ factor, types, ms: stats(runs).median });
  }
  const one = scale[0];
  for (const s of scale) {
    console.log(
      `scale: refresh-data on ${String(s.types).padStart(5)} types (${s.factor}×): ${(s.ms / base.median).toFixed(2)}× bare node, ` +
        `${(s.ms / one.ms).toFixed(2)}× the 1× run, ${((s.ms - base.median) / s.types * 1000).toFixed(1)} µs per type above bare node`,
    );
  }

  fs.rmSync(TMP, { recursive: true, force: true });
  if (smoke) console.log(`smoke run: ${CASES.length} commands, RSS and scale check ran without error (timings not judged)`);
  else console.log(`${met} of ${budgets} budgets met`);
  return 0;
}

if (require.main === module) process.exitCode = main();
